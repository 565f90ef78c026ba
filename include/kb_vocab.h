/*
 * kb_vocab.h - the vocabulary of one full-text table: every term with the
 * number of documents that hold it, for idf and for spelling correction.
 *
 * Loaded once when an index is opened (from FTS5's fts5vocab view). Two
 * lists: the stems, and the words as written (the exact forms the indexer
 * stores as "=word", kb_text.h). A correction is the most frequent term
 * within one edit (two for words of 7 letters or more) of the word,
 * comparing only terms of a near length that share its first letter (or
 * its first two letters swapped); numbers, model names (terms with
 * digits) and words under 4 letters are never corrected.
 */
#ifndef KB_VOCAB_H
#define KB_VOCAB_H

#include <stdint.h>
#include <sqlite3.h>

typedef struct kb_vocab kb_vocab;

/* Reads the vocabulary of the FTS5 table `table` on db. Must run before
 * the connection is made query-only (it creates a temp fts5vocab table).
 * Returns NULL with *prc set on an SQLite error. */
kb_vocab *kb_vocab_load(sqlite3 *db, const char *table, int *prc);
/* A vocabulary of the words words[0..n) as written (no stems), each word's
 * frequency the times it is given: for correcting against a list that is
 * no full-text table (kb_geo.c: the words of place names). The strings
 * are copied. */
kb_vocab *kb_vocab_of_words(const char *const *words, int n);
void kb_vocab_free(kb_vocab *v);

/* Documents holding term t (a stem, or an exact form "=word"); 0 when the
 * index does not have it. */
int kb_vocab_df(const kb_vocab *v, const char *t);
/* kb_vocab_df() with h, the kb_hash() of t as looked up (without the
 * exact mark): the analyzer knows it (kb_term.hash). */
int kb_vocab_df_hashed(const kb_vocab *v, const char *t, uint32_t h);

/* 1 if the index has the word as written (an exact form). */
int kb_vocab_knows_word(const kb_vocab *v, const char *word);
/* Documents (for kb_vocab_of_words(): times given) holding the word as
 * written; 0 when none. */
int kb_vocab_word_df(const kb_vocab *v, const char *word);

/* 1 if some word as written starts with prefix (a word being typed can
 * still become a word of the index). */
int kb_vocab_word_prefix(const kb_vocab *v, const char *prefix);

/* The correction of a word as written, among the words as written; or of
 * a stem, among the stems. NULL when none is near enough. The string is
 * owned by v. */
const char *kb_vocab_correct_word(const kb_vocab *v, const char *word);
const char *kb_vocab_correct_stem(const kb_vocab *v, const char *stem);
/* kb_vocab_correct_word() within at most `most` edits (1: one edit even
 * for long words). */
const char *kb_vocab_correct_word_within(const kb_vocab *v, const char *word, int most);
/* The same corrections as numbers, -1 for none (a caller that keeps an
 * answer per word keeps an int: kb_query.c's notes), and the strings of
 * those numbers (NULL outside them), owned by v. */
int kb_vocab_correct_word_id(const kb_vocab *v, const char *word);
int kb_vocab_correct_stem_id(const kb_vocab *v, const char *stem);
const char *kb_vocab_word_at(const kb_vocab *v, int id);
const char *kb_vocab_stem_at(const kb_vocab *v, int id);

#endif
