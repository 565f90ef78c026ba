/*
 * kb_examples.h - labelled example mentions (kb/lang/<code>/examples.tsv,
 * the index's examples table) and how near a mention is to them: two
 * inputs of the learned ranker (kb_ltr.h's KB_LTR_EX_MAX, _EX_NONE).
 *
 * Each example is read in the product's own words: the terms of the FTS5
 * MATCH expression the suggest path's analysis gives (kb_query_strings_of():
 * stems, in the examples' language), the first phrase of each group (a
 * word's own stem, not its exact form's, corrections' and synonyms'
 * alternatives; kb_query_first_phrases()): what tests/eval/examples.py
 * calls EX_WORDS=stems, and fit.py reads through kb-eval --terms
 * (tests/eval/exinputs.py; tests/eval/examples_check.py checks the two
 * agree). The words that name a place (kb_mention_place(): a town, a
 * store, a postcode, as kb_geo.h finds them) are not among them: one
 * word, KB_EXAMPLES_PLACE, stands for the place, so that a town named in
 * one example does not pull every mention naming it towards that
 * example's article ("is there a shop in Guildford?" and "guildford high
 * st shop - open late thurs?" share only "shop" and the place). Each term
 * weighs (1 + log tf) x idf, idf = log((N + 1) / df) over the N examples
 * (df taken as 1 for a mention's term no example has: it still counts in
 * the mention's norm); vectors are made unit length, so a dot product is
 * the cosine. For a mention:
 *
 *   ex_max(slug)  the best cosine between the mention and an example
 *                 labelled with that article (0: none shares a term)
 *   ex_none       of the KB_EXAMPLES_K nearest examples sharing a term
 *                 with it (cosine, ties by the examples' order in the
 *                 file), the cosine-weighted share labelled "-" (no
 *                 article fits); 0 when none shares a term
 *
 * kb_index.c loads each language's (kb_index_examples(ix, lang)); a
 * mention is compared with its own language's. Only English has any in
 * kb/ for now: French, German and Spanish examples from their tuning
 * halves, with today's weights (fitted without them), cost the
 * answerable share and abstention precision on tuning halves they did not
 * hold (tests/eval/examples-figures.txt, session 21).
 */
#ifndef KB_EXAMPLES_H
#define KB_EXAMPLES_H

#include <stdint.h>

#include "kb_geo.h"
#include "kb_mention.h"
#include "kb_search.h"

#define KB_EXAMPLES_K 7

/* The word standing for a place: a control byte first, which no word's
 * term has (the tokenizer splits words at it), so it is no real word's. */
#define KB_EXAMPLES_PLACE "\x02place"

typedef struct kb_examples kb_examples;

/* Reads language lang's examples from ix's examples table, each analysed
 * as a mention in that language by ix (kb_mention_new()) with the places
 * of geo (NULL: none found; ix must be open but for this; an index
 * without the table or the language has none). lang NULL: the language
 * the table holds most examples in (the data says which language has
 * them, not the code). Returns NULL when there are none. */
kb_examples *kb_examples_load(kb_index *ix, const kb_geo *geo, const char *lang);
void kb_examples_free(kb_examples *e); /* NULL is allowed */

/* How many examples e has (0 for NULL). */
int kb_examples_count(const kb_examples *e);

/* Example i's line in its examples.tsv (kb-index keeps it), 0 when e has
 * no example i: how a tool names an example by kb_examples_score()'s
 * number (kb-eval --leave-own-example-out finds a set's line among them
 * by its text in the index's examples table, then its number here). */
int kb_examples_line(const kb_examples *e, int i);

/* Example i's words as kb_examples_load() read them (kb_examples_words()
 * of its mention), handed to fn one by one in order; returns its slug
 * (owned by e), or NULL when e has no example i or keeps no words (after
 * kb_examples_drop_words()). So that the word model (kb_words_load())
 * trains on the examples without analysing them again at open. */
const char *kb_examples_words_of(const kb_examples *e, int i,
                                 void (*fn)(void *ctx, const char *term, size_t n), void *ctx);

/* Frees the words e keeps for kb_examples_words_of() (kb_index_open()
 * calls it once the word model is read); NULL is allowed. */
void kb_examples_drop_words(kb_examples *e);

/* The language e's examples were read in (kb_examples_load()'s lang;
 * owned by e), NULL for NULL: a mention in another language is not
 * compared with them. */
const char *kb_examples_lang(const kb_examples *e);

/* A mention's scores against e; free with kb_examples_scores_free(). */
typedef struct kb_examples_scores kb_examples_scores;

/* The words mention m is compared by, in order, each as fn(ctx, term, n)
 * (term valid during the call only): the first phrase of each group of
 * its query (kb_query_first_phrases()), the words of the place it names
 * left out as the suggest path's search leaves them out, then
 * KB_EXAMPLES_PLACE when it names one. What kb-eval --terms prints for
 * tests/eval/exinputs.py. */
void kb_examples_words(const kb_mention *m,
                       void (*fn)(void *ctx, const char *term, size_t n), void *ctx);

/* The scores of mention m (analysed in e's language; its words are read
 * here, kb_examples_words()), against every example but `skip` (an
 * example's number, for tools that score an example against the others;
 * -1: none). NULL when e is NULL. */
kb_examples_scores *kb_examples_score(const kb_examples *e, const kb_mention *m,
                                      int skip);
/* The same, given the number in e (kb_examples_term()) of each of m's
 * words, in kb_examples_words()'s order, terms[0..nterms): what the
 * suggest path has from the word model's look-ups of the same words
 * (kb_words_example_terms()), so they are not looked up again here;
 * words past nterms (none when they are m's) are looked up. */
kb_examples_scores *kb_examples_score_terms(const kb_examples *e, const kb_mention *m, int skip,
                                            const int *terms, int nterms);

/* The number of the examples' term p[0..n) (-1: no example has it), and
 * how many terms they have (0 for NULL). */
int kb_examples_term(const kb_examples *e, const char *p, size_t n);
int kb_examples_nterms(const kb_examples *e);
/* NULL is allowed; the memory is kept for the thread's next scores. */
void kb_examples_scores_free(kb_examples_scores *s);

/* ex_max of slug, and ex_none (0 for NULL scores). */
double kb_examples_max(const kb_examples_scores *s, const char *slug);
double kb_examples_none(const kb_examples_scores *s);
/* ex_max of the article of row id (a kb_hit's id; slug, its slug, read
 * when the id is not an article's): the same value, by an array read. */
double kb_examples_max_row(const kb_examples_scores *s, int64_t id, const char *slug);

#endif
