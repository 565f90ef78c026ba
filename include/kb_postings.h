/*
 * kb_postings.h - a full-text table's postings held in memory, so that a
 * search of a small or mid-sized knowledge base costs no FTS5 query.
 *
 * FTS5 stays the index's format and what kb-index writes; this is a copy
 * of its inverted index (every term, the rows that hold it and where),
 * read once when the index is opened, through FTS5's own fts5vocab view,
 * so it holds exactly FTS5's terms and positions. A query on it gives,
 * for every matching row, each phrase's positions in it: read in order,
 * the same instances (phrase, column, position) that FTS5's xInst gives
 * for the same MATCH, from which kb_rank_row_lists() computes the same
 * features as kb_features() does inside FTS5.
 *
 * Per query FTS5 parses the MATCH expression, seeks every term in its
 * b-tree and runs a virtual-table scan through the SQL engine; for the
 * short rows of a help centre that fixed cost was most of a search
 * (docs/benchmarks.md). Here a term is a binary search and a row a merge
 * of small sorted arrays.
 *
 * What it covers: OR-ed phrases (one term, several that must follow
 * each other, or a prefix: every term starting with it, as FTS5's "t*"),
 * over one id range at a time, and the pruned "(rarest) AND (all)" form.
 * A table too large to hold (kb_postings_load()'s limit) stays with FTS5.
 */
#ifndef KB_POSTINGS_H
#define KB_POSTINGS_H

#include <sqlite3.h>
#include <stdint.h>

#include "kb_rank.h"
#include "kb_rank_docs.h"

typedef struct kb_postings kb_postings;

/* Reads the postings of the FTS5 table `table` on db (kb_index.c's
 * schema: five indexed columns). Must run before the connection is made
 * query-only (it creates a temp fts5vocab table). Returns NULL with *prc
 * SQLITE_OK when the table holds more than max_inst term occurrences (it
 * is then searched through FTS5), NULL with *prc set on an error. */
kb_postings *kb_postings_load(sqlite3 *db, const char *table, long max_inst, int *prc);
void kb_postings_free(kb_postings *p);
/* Each posting's weighted term frequency in its row, kept in n, the
 * norms made for p's table (kb_rank_norms_weigh()): a query given n reads
 * a list's instead of summing it per row. n keeps the address of p's
 * positions (never read through): p must outlive the queries given n. */
void kb_postings_weigh(const kb_postings *p, kb_rank_norms *n);

/* The table's row count and the total length of each of its five columns,
 * as FTS5 records them (for kb_rank_query_new()). */
sqlite3_int64 kb_postings_rows(const kb_postings *p, sqlite3_int64 totals[5]);

/* Term occurrences held. */
long kb_postings_size(const kb_postings *p);

/* 1 when prefix queries can be answered as FTS5 answers them (the table's
 * prefix indexes were read from its declaration), else 0. */
int kb_postings_prefixes(const kb_postings *p);

/* Rows of the whole table holding phrase (terms separated by single
 * spaces, consecutive in one column; with prefix, phrase is one term and
 * any term starting with it counts). */
int kb_postings_df(const kb_postings *p, const char *phrase, int prefix);

/* The index of term t (one term, as kb-index wrote it) among p's terms,
 * -1 when p lacks it: valid as long as p, so a caller may keep it with the
 * term and give it to kb_postings_query_new_memo() instead of the text. */
int kb_postings_term(const kb_postings *p, const char *t);

/* 1 when pos points into p's own positions (a term's list, valid as long
 * as p), 0 when into a list one kb_postings_match() made (a phrase's of
 * several terms, a prefix's: freed when it returns). */
int kb_postings_holds(const kb_postings *p, const uint32_t *pos);
/* The same as a range: p's own positions are [*lo, *hi) (for a caller
 * that tests many pointers, without a call each). */
void kb_postings_span(const kb_postings *p, const uint32_t **lo, const uint32_t **hi);

/* Called for every matching row, in id order, with the lists of the
 * phrases it holds, l[0..n) in phrase order (kb_rank_list: each
 * phrase's positions in the row, in order; they point into the postings
 * and are valid during the call). A non-zero return stops the match and
 * is returned by kb_postings_match(). */
typedef int (*kb_postings_fn)(void *ctx, sqlite3_int64 id, const kb_rank_list *l, int n);

/* The rows with ids in [lo, hi] holding any of the nphrase phrases
 * (those marked in prefix, when not NULL, are prefix queries: the terms
 * starting with them, their positions merged, as FTS5 gives "t*"); with
 * drive, only rows holding one of the phrases marked there (the rest
 * still give their instances): the candidate pruning of large indexes,
 * "(rarest terms) AND (all terms)" in FTS5's terms. */
int kb_postings_match(const kb_postings *p, const char *const *phrase,
                      const unsigned char *prefix, int nphrase, const unsigned char *drive,
                      sqlite3_int64 lo, sqlite3_int64 hi, kb_postings_fn fn, void *ctx);

/* The same in steps, for a search that needs the phrases' document
 * frequencies before it ranks their rows and reads several id ranges:
 * the phrases' lists are made once (a phrase of several terms, a prefix:
 * a pass over their terms' postings). kb_postings_query_new() keeps
 * pointers to p and the phrases' lists, not to phrase; free the query
 * with kb_postings_query_free() (NULL is fine) before p.
 * kb_postings_query_df() is kb_postings_df() of phrase k;
 * kb_postings_query_match() is kb_postings_match() with the query's
 * phrases. */
typedef struct kb_postings_query kb_postings_query;
kb_postings_query *kb_postings_query_new(const kb_postings *p, const char *const *phrase,
                                         const unsigned char *prefix, int nphrase);
/* A memo of the lists made for phrases of several terms and for
 * prefixes, for one thread (kb_index's per language, used by one thread
 * at a time): a query's "mobile phone" or "sim card" (its synonyms) or
 * typed "scr" is made once, not per search (a merge of the terms' every
 * posting: 2 % of a suggest). It holds up to 64 lists and 2^16 positions
 * (a list that does not fit is not kept); it is emptied whole before a
 * query it is too full for (never during one: the query's lists are in
 * it, so free the query before the next is made with the memo), and when
 * given another kb_postings than the one it holds lists of. Free it
 * with kb_postings_memo_free() (NULL is fine), after the queries that
 * used it. */
typedef struct kb_postings_memo kb_postings_memo;
kb_postings_memo *kb_postings_memo_new(void);
void kb_postings_memo_free(kb_postings_memo *m);
/* kb_postings_query_new() with the lists in memo (NULL: none) kept and
 * reused; the same lists, so the same matches. term (NULL: none) carries
 * what a caller found before: term[k] is phrase k's kb_postings_term() in
 * p (a single term's, never a prefix's), or KB_POSTINGS_BY_TEXT for a
 * phrase to be found by its text. */
#define KB_POSTINGS_BY_TEXT (-2)
kb_postings_query *kb_postings_query_new_memo(const kb_postings *p, const char *const *phrase,
                                              const unsigned char *prefix, int nphrase,
                                              const int *term, kb_postings_memo *memo);
int kb_postings_query_df(const kb_postings_query *q, int k);
int kb_postings_query_match(kb_postings_query *q, const unsigned char *drive, sqlite3_int64 lo,
                            sqlite3_int64 hi, kb_postings_fn fn, void *ctx);
void kb_postings_query_free(kb_postings_query *q);

#endif
