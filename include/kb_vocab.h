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

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

typedef struct kb_vocab kb_vocab;

/* Reads the vocabulary of the FTS5 table `table` on db. Must run before
 * the connection is made query-only (it creates a temp fts5vocab table).
 * Returns NULL with *prc set on an SQLite error. */
kb_vocab *kb_vocab_load(sqlite3 *db, const char *table, int *prc);
/* A vocabulary of words as written (no stems) that is no full-text
 * table's (kb_geo.c: the words of place names; kb_index.c: the words
 * customers write), counted as they come: kb_vocab_count_add() counts
 * w[0..n) once more (copied); kb_vocab_count_done() frees c and returns
 * the vocabulary of the words counted min times or more, each word's
 * frequency its count, or NULL when there is none. */
typedef struct kb_vocab_count kb_vocab_count;
kb_vocab_count *kb_vocab_count_new(void);
void kb_vocab_count_add(kb_vocab_count *c, const char *w, size_t n);
kb_vocab *kb_vocab_count_done(kb_vocab_count *c, int min);
void kb_vocab_free(kb_vocab *v);

/* Documents holding term t (a stem, or an exact form "=word"); 0 when the
 * index does not have it. */
int kb_vocab_df(const kb_vocab *v, const char *t);
/* kb_vocab_df() with h, the kb_hash() of t as looked up (without the
 * exact mark): the analyzer knows it (kb_term.hash). */
int kb_vocab_df_hashed(const kb_vocab *v, const char *t, uint32_t h);

/* 1 if the index has the word as written (an exact form). */
int kb_vocab_knows_word(const kb_vocab *v, const char *word);

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
