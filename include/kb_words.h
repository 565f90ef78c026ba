/*
 * kb_words.h - the word model: per language, a binary multinomial naive
 * Bayes over a mention's words and their consecutive pairs, whose
 * classes are the articles' slugs and "-" (nothing fits). Two inputs of
 * the learned ranker (kb_ltr.h's KB_LTR_CLF, _CLF_NONE): p(slug) of a
 * candidate and p("-").
 *
 * Data-driven: its training lines are the language's labelled example
 * mentions (kb/lang/<code>/examples.tsv, the index's examples table) and
 * its labelled lines (kb/lang/<code>/labelled.tsv, table labelled), each
 * read in the product's own words as kb_examples_load() reads an example
 * (kb_mention_new() in the language, then kb_examples_words(): its stems,
 * a place as KB_EXAMPLES_PLACE). tests/eval/clfinputs.py is the same
 * model in Python, the one fit.py fits the ranker with;
 * tests/eval/clf_check.py checks the two agree to 1e-9.
 *
 * Features of a line: its distinct words and the pairs of consecutive
 * words (in kb_examples_words()'s order, joined by the byte 0x01), each
 * once. n_c: training lines of class c; n_ct: those of them with feature
 * t; N_c: the sum of n_ct over t; V: the distinct features of all lines.
 * For a mention,
 *
 *   score(c) = log(n_c + 1) + sum over its features t that a training
 *              line has of [log(n_ct + ALPHA) - log(N_c + ALPHA V)]
 *   p(c)     = exp((score(c) - max) / T) / sum of the same
 *
 * the sum taken in clfinputs.py's order (features in byte order).
 */
#ifndef KB_WORDS_H
#define KB_WORDS_H

#include <stdint.h>

#include "kb_examples.h"
#include "kb_geo.h"
#include "kb_mention.h"
#include "kb_search.h"

/* The smoothing and the temperature, as `python3 tests/eval/clfinputs.py
 * --select INDEX` chose them (leaving one blind round out at a time:
 * alpha 0.1, T 2, pairs on; session 32, rule32b). Change them there and
 * here together (clf_check.py fails otherwise). */
#define KB_WORDS_ALPHA 0.1
#define KB_WORDS_T 2.0

/* The byte joining a pair's two words (no word has it: the tokenizer
 * splits at control bytes). */
#define KB_WORDS_PAIR '\x01'

typedef struct kb_words kb_words;

/* Reads language lang's training lines from ix's examples and labelled
 * tables (examples first, then labelled, each by line), each analysed as
 * a mention in that language by ix with the places of geo (NULL: none).
 * ex (NULL allowed): the language's examples as kb_examples_load() read
 * them, still keeping their words (kb_examples_words_of()): the example
 * lines are taken from it, as read, instead of analysed again (the same
 * lines, the same words). Returns NULL when there are none (an index
 * without the tables or the language has none). The caller frees the
 * model with kb_words_free(). */
kb_words *kb_words_load(kb_index *ix, const kb_geo *geo, const char *lang, const kb_examples *ex);
void kb_words_free(kb_words *w); /* NULL is allowed */

/* How many training lines w has (0 for NULL). */
int kb_words_count(const kb_words *w);

/* The language w was read in (owned by w), NULL for NULL. */
const char *kb_words_lang(const kb_words *w);

/* The number of the training line read from line `line` of the examples
 * table (labelled 0) or of the labelled table (1), -1 when w has none:
 * how kb-eval --leave-own-example-out names the lines to leave out. */
int kb_words_find(const kb_words *w, int labelled, int line);

/* The number of the feature that is the pair of words a, b (-1: not
 * one): found as a suggest finds it (by the words' numbers, in a table
 * made at load), or, by_string, by the joined string as the features
 * were counted; the two always agree (test_words). -1 for NULL w. */
int kb_words_pair(const kb_words *w, const char *a, const char *b, int by_string);

/* A mention's class probabilities; free with kb_words_scores_free(). */
typedef struct kb_words_scores kb_words_scores;

/* The probabilities of mention m (analysed in w's language; its words
 * are read here with kb_examples_words()). out[0..nout): the numbers of
 * training lines left out (evaluation only: their counts subtracted, as
 * clfinputs.py's Model.probs(extra=...); V stays; a slower path), NULL
 * and 0 for none. NULL when w is NULL. The caller frees the result. */
kb_words_scores *kb_words_score(const kb_words *w, const kb_mention *m, const int *out, int nout);

/* The same for a list of words (words[0..n), as kb_examples_words()
 * gives them): what kb_words_score() reads from a mention. */
kb_words_scores *kb_words_score_words(const kb_words *w, const char *const *words, int n,
                                      const int *out, int nout);
/* The same (no line left out) summed without the rows of terms made at
 * load for the features of many classes: each class's term added one
 * feature at a time. The same sums, so the same bits (test_words). */
kb_words_scores *kb_words_score_words_by_term(const kb_words *w, const char *const *words, int n);
void kb_words_scores_free(kb_words_scores *s); /* NULL is allowed */

/* The numbers among ex's terms (kb_examples_term(), -1: none) of the
 * first *n words of the mention s was scored for by kb_words_score(), as
 * kb_examples_score_terms() takes them: found by the word model's own
 * look-ups, when ex is the examples the model was loaded with and every
 * term of theirs is a feature of the model; else NULL (and *n 0). Owned
 * by s. */
const int *kb_words_example_terms(const kb_words_scores *s, const kb_examples *ex, int *n);

/* p(slug) (0: a slug no training line has, or NULL scores), p("-"). */
double kb_words_p(const kb_words_scores *s, const char *slug);
double kb_words_none(const kb_words_scores *s);
/* p of the article of row id (a kb_hit's id; slug, its slug, read when
 * the id is not an article's): the same value, by an array read. */
double kb_words_p_row(const kb_words_scores *s, int64_t id, const char *slug);

#endif
