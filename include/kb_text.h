/*
 * kb_text.h - text analysis: one code path that turns article text and
 * customer mentions into index terms.
 *
 * The analyzer is what both the indexer and the server see through the
 * SQLite FTS5 tokenizer "kb" (kb_fts.h), so an article and a query are
 * always cut, folded and stemmed the same way. It is tweet-aware:
 *
 *   - the text must be valid UTF-8 (else KB_TEXT_EUTF8, nothing emitted);
 *   - URLs, e-mail addresses and @handles are dropped, emoji never form terms;
 *   - words are runs of letters, marks and digits (Unicode categories L, M,
 *     N), with apostrophes inside a word removed (can't -> cant); ideographs
 *     (Han, Hiragana, Katakana) are one term each;
 *   - in a language with elided forms (its elisions.txt, kb_lang.h) a word
 *     written FORM'REST is read as REST (French l'écran -> ecran, qu'il ->
 *     il, a stop word); elsewhere it stays whole (English don't -> dont);
 *   - case and diacritics are folded (NFKC, Unicode case folding, combining
 *     marks stripped from Latin, Greek and Cyrillic letters: café -> cafe);
 *   - #hashtags are split on '_' and camel case (#SimCard -> sim card, with
 *     the joined "simcard" at the position of "card");
 *   - elongations are squeezed: a letter repeated three or more times is
 *     kept twice (soooo -> soo) and the single form is emitted at the same
 *     position (so), so pleeease also matches please;
 *   - letters glued to digits are kept as one model name and also split when
 *     a run of letters is three or longer (iphone12 -> iphone 12 with
 *     iphone12 at the position of iphone; s21 and 4g stay whole);
 *   - stop words of the language are dropped (its word lists, kb_lang.h:
 *     nothing here knows a language's words), then the Snowball stemmer of
 *     the language (libstemmer) stems what remains; terms with digits and
 *     prefix-query terms are not stemmed; with KB_TEXT_EXACT a stemmed
 *     word also gives its exact form, "=" + form, at the same position.
 *
 * An analyzer holds a stemmer, which is not thread-safe: use one analyzer
 * per thread (FTS5 creates one tokenizer instance per table and connection).
 */
#ifndef KB_TEXT_H
#define KB_TEXT_H

#include <stddef.h>

#include "kb_lang.h"

typedef struct kb_analyzer kb_analyzer;

/* Return codes of kb_analyzer_run(). */
#define KB_TEXT_OK 0
#define KB_TEXT_EUTF8 (-1) /* the input is not valid UTF-8 */

/* Flags for kb_analyzer_run(). */
#define KB_TEXT_PREFIX 0x01 /* the text is a prefix query term: fold, do not stem */
#define KB_TEXT_NOSTOP 0x02 /* keep stop words (used for phrases) */
#define KB_TEXT_EXACT 0x08  /* also emit the exact (unstemmed) form of a
                               stemmed word, "=" + form, at the same position,
                               so exact forms can rank above stemmed ones */
#define KB_TEXT_EXACT_MARK '='
#define KB_TEXT_QUERY 0x04  /* a customer's words: also drop social filler
                               ("pls", "thanks", "guys") and read text-speak
                               ("u" = you, "ur" = your, "2" = to) */
#define KB_TEXT_SPANS 0x10  /* only positions and byte spans are wanted (FTS5
                               snippet() and highlight()): the same terms at
                               the same positions, but not stemmed */

#define KB_TEXT_VALID 0x20  /* the caller has checked that the text is valid
                               UTF-8 (the check is not repeated) */

/* Flag passed to the token callback. */
#define KB_TOKEN_COLOCATED 0x01 /* same position as the previous term */

/* Longest term emitted, in bytes; longer words are skipped as noise. */
#define KB_TEXT_MAX_TERM 64

/* Called once per term: term[0..nterm) is the folded (and stemmed) term,
 * [start, end) the byte span of the source text it came from. A non-zero
 * return stops the analysis and is returned by kb_analyzer_run(). */
typedef int (*kb_token_fn)(void *ctx, int flags, const char *term, int nterm,
                           int start, int end);

/* Makes an analyzer for a language, given as an ISO 639-1 code ("en") or a
 * Snowball name ("english"), reading the language's word lists data (stop
 * words; for KB_TEXT_QUERY filler and text-speak too), which must outlive
 * the analyzer; with data NULL, nothing is dropped or read as another
 * word. Returns NULL and writes a message into err (nerr bytes) when
 * libstemmer has no stemmer for it. Free with kb_analyzer_free(). */
kb_analyzer *kb_analyzer_new_data(const char *lang, const kb_lang *data, char *err, size_t nerr);

/* kb_analyzer_new_data(lang, NULL, err, nerr): stemming only. */
kb_analyzer *kb_analyzer_new(const char *lang, char *err, size_t nerr);

/* Frees an analyzer; NULL is allowed. */
void kb_analyzer_free(kb_analyzer *a);

/* Empties a's memo of words it has analysed (their stems and word-list
 * look-ups; it fills up to 3/4 of its slots and then stops remembering).
 * What the analyses give is unchanged: kb_index_open() calls it after the
 * training lines it reads at open, whose words would otherwise take the
 * slots a mention's words find (longer probes, a full memo). */
void kb_analyzer_forget(kb_analyzer *a);

/* 1 when a's memo is full (it remembers no more new words until
 * kb_analyzer_forget()), else 0. */
int kb_analyzer_memo_full(const kb_analyzer *a);

/* kb_lang_words_of_hashed() of a's word lists (h[i] is kb_hash(w[i],
 * n[i])), read through a's memo of words: a mention's words, analysed
 * just before in a's language, are found in the memo's slots the analysis
 * read (and a word new to it remembered), where the lists' own slots and
 * their words' bytes were reads that missed L1 (60 a kb/ suggest,
 * callgrind --cache-sim). The same entries. Each w[i] is read for 24
 * bytes (a kb_token's fold, KB_TOKEN_FOLD_MAX: the bytes past n[i] are
 * not used). */
void kb_analyzer_words_of(kb_analyzer *a, const char *const *w, const int *n, const uint32_t *h,
                          int count, const kb_lang_word **x);

/* The language the analyzer was made for, as given to kb_analyzer_new(). */
const char *kb_analyzer_lang(const kb_analyzer *a);

/* Analyzes z[0..n) and calls fn for every term, in order. Returns
 * KB_TEXT_OK, KB_TEXT_EUTF8 (before any callback) or the callback's
 * non-zero value. */
int kb_analyzer_run(kb_analyzer *a, const char *z, int n, int flags,
                    kb_token_fn fn, void *ctx);

/* A term with the word it came from, for kb_analyzer_run_terms(). */
typedef struct kb_term {
  int flags;              /* KB_TOKEN_COLOCATED */
  const char *term;       /* the term (folded, stemmed), term[0..nterm) */
  int nterm;
  int start, end;         /* the source bytes it came from */
  const char *surface;    /* the word as written, folded, not stemmed and
                             before text-speak was read: surface[0..nsurface);
                             term == surface (the pointer) whenever the two
                             are the same bytes */
  int nsurface;
  uint32_t hash;          /* kb_hash() of the term, without the exact
                             mark (KB_TEXT_EXACT_MARK) when it has one */
  unsigned word;          /* the word's number in the text (from 1): the
                             same for every language's terms of one word
                             (kb_analyzer_run_terms_all()), whose surface
                             is then the same but in a language that
                             elides part of it (French "l'écran": ecran,
                             English: lecran) */
  int *note;              /* KB_TERM_NOTES numbers the caller may keep
                             about this term (look-ups' answers), remembered
                             by the analyzer with the word for as long as it
                             lives and handed with the same term of the same
                             word in every run; each -1 until the caller
                             sets it; NULL when the word is not remembered,
                             and for the words of a text-speak expansion
                             (whose surface is another word) */
} kb_term;

#define KB_TERM_NOTES 3

/* Called once per term by kb_analyzer_run_terms(); the strings live
 * until it returns. A non-zero return stops the analysis. */
typedef int (*kb_term_fn)(void *ctx, const kb_term *t);

/* kb_analyzer_run() with each term's surface form: what the mention
 * analysis (kb_mention.h) records, so that nothing analyzes a mention's
 * words a second time. */
int kb_analyzer_run_terms(kb_analyzer *a, const char *z, int n, int flags, kb_term_fn fn,
                          void *ctx);

/* kb_analyzer_run_terms() for na analyzers (at most KB_MAX_LANGS) over
 * one text: fn is called with ctx[k] for the terms of a[k], each
 * language's in the order a run of its own gives them, the languages
 * interleaved word by word. The text is read, folded and split once
 * (the mention is read in every language of the index to tell which it
 * is written in; only stop words, text-speak and stems differ). Returns
 * what kb_analyzer_run_terms() returns; a non-zero callback stops every
 * language. */
int kb_analyzer_run_terms_all(kb_analyzer *const *a, void *const *ctx, int na, const char *z,
                              int n, int flags, kb_term_fn fn);

/* 1 if the language has a stemmer in libstemmer ("en", "german", ...). */
int kb_text_lang_known(const char *lang);

/* 1 if z[0..n) is valid UTF-8 (no overlong forms, no surrogates, nothing
 * above U+10FFFF). On failure *pbad (when non-NULL) gets the byte offset of
 * the first invalid sequence. */
int kb_text_utf8_valid(const char *z, size_t n, size_t *pbad);

/* The number of token positions text takes when indexed (colocated
 * alternatives share a position): what FTS5 counts for a field. */
int kb_analyzer_positions(kb_analyzer *a, const char *text);

/* 1 if the folded word is a stop word in the analyzer's language data. */
int kb_analyzer_is_stopword(const kb_analyzer *a, const char *w, int n);

#endif
