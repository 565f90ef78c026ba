/*
 * kb_rank_docs.h - the rows of a full-text table held in memory for the
 * kb_features() ranking function (kb_rank.h), and the per-table BM25F
 * normalisations and idf table made from them, once, when an index is
 * opened (kb_index.c, kb_search.c).
 *
 * Ownership: kb_rank_docs_new() and kb_rank_norms_new() return objects
 * the caller owns and frees with kb_rank_docs_free() and
 * kb_rank_norms_free() (NULL is fine); whatever is given one (a
 * connection's kb_features(), a query) reads it, never owns it, and must
 * end first. Errors: kb_rank_docs_load() returns SQLITE_OK or SQLite's
 * error code; the rest cannot fail (memory: kb_util.h's kb_x* abort).
 */
#ifndef KB_RANK_DOCS_H
#define KB_RANK_DOCS_H

#include <sqlite3.h>
#include <stdint.h>

/* What kb_features() needs of every row besides its matches: the length
 * of each field and of each authored phrase, and where the body's asides
 * are (the first KB_RANK_MAX_ASIDES). Read once when an index is
 * opened (kb_search.c), so each matching row costs no lookups of its own
 * (FTS5 would read the row's sizes and content for them). */
typedef struct kb_rank_docs kb_rank_docs;
#define KB_RANK_MAX_ASIDES 32

kb_rank_docs *kb_rank_docs_new(void);
/* Reads the rows of the full-text table `table` (created by kb_index.c)
 * into d, those with ids up to max_id (memory goes by the largest id: ids
 * are expected dense from 1). Returns SQLITE_OK or an error code; rows not
 * read are looked up by kb_features() itself. */
int kb_rank_docs_load(kb_rank_docs *d, sqlite3 *db, const char *table, sqlite3_int64 max_id);
void kb_rank_docs_free(kb_rank_docs *d);

/* 1 if row id's lengths are loaded in d. */
int kb_rank_docs_has(const kb_rank_docs *d, sqlite3_int64 id);

/* The normalisations and idfs made once per table from the rows held in
 * memory (kb_rank_norms_new()), read by every query given them
 * (kb_rank_query_new(), kb_rank.h). */
typedef struct kb_rank_norms kb_rank_norms;

/* BM25F's length normalisation of every row loaded in d (per field: 1 -
 * b + b x its length / the field's average length), for one table's
 * averages (nrow and totals as kb_rank_query_new() takes them), made once
 * when the index is loaded: kb_rank_row_lists() reads a row's instead of
 * computing it for each phrase and field matched (a division each). Rows
 * loaded in d after it are not in it (they are computed). With them, the
 * idf of every document frequency of a table of nrow rows (0 to nrow), so
 * that a query's phrases look theirs up (kb_rank_query_new()). Free with
 * kb_rank_norms_free() (NULL is fine), after the queries given it. */
kb_rank_norms *kb_rank_norms_new(const kb_rank_docs *d, sqlite3_int64 nrow,
                                 const sqlite3_int64 *totals);
void kb_rank_norms_free(kb_rank_norms *n);
/* The idf of a phrase in df rows of n's table as a query takes it: n's
 * table's, else computed (for the tests: the two must agree). */
double kb_rank_norms_idf(const kb_rank_norms *n, int df);
/* kb_rank_list_wtf() (kb_rank.h) is a function of the row and the term
 * alone, so a table's postings take theirs once, at load, into n: the npost postings whose positions are
 * pos[pfirst[i]..pfirst[i + 1]) of the array pos[0..npos), in row doc[i],
 * head[i] (kb_rank_head()) counted. A query given n (kb_rank_query_new())
 * then reads a list's (kb_rank_row_lists(), kb_rank_row_part()) when its
 * positions are one of those postings' (its pos at pos + pfirst[i]), and
 * computes the others' (a phrase's lists, made per query). The arrays
 * are not copied, nor kept but for pos's address (never read through:
 * whether a list's positions are there), and must outlive the queries
 * given n. A table of more than 2^21 positions is left without (8 bytes
 * a position: where a posting's start). */
void kb_rank_norms_weigh(kb_rank_norms *n, const uint32_t *pos, long npos, const int *doc,
                         const int *pfirst, const uint64_t *head, long npost);

#endif
