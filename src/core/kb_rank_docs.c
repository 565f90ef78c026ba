/*
 * kb_rank_docs.c - the rows of a full-text table held in memory for
 * kb_features() (their field and phrase lengths, the lines of their
 * phrases field, their asides), and the per-table BM25F normalisations
 * and idf table made from them (see kb_rank_docs.h). Moved out of
 * kb_rank.c: all of it runs once, when an index is opened; kb_rank.c's
 * per-row code reads the structures through kb_rank_impl.h.
 */
#include "kb_rank_docs.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kb_rank.h"
#include "kb_rank_impl.h"
#include "kb_util.h"

/*--- Rows held in memory -------------------------------------------------*/

#define S_MAX_DOCID 50000000 /* ids are dense from 1; beyond this (or the
                                caller's bound), rows are looked up */

kb_rank_docs *kb_rank_docs_new(void) { return kb_xcalloc(1, sizeof(kb_rank_docs)); }

void kb_rank_docs_free(kb_rank_docs *d) {
  if (!d) return;
  free(d->known);
  free(d->len);
  free(d->pfirst);
  free(d->pn);
  free(d->plen);
  free(d->lfirst);
  free(d->line);
  free(d->afirst);
  free(d->nasides);
  free(d->aspan);
  free(d);
}

static void S_docs_grow(kb_rank_docs *d, sqlite3_int64 id) {
  if (id < d->cap) return;
  sqlite3_int64 cap = d->cap ? d->cap : 1024;
  while (cap <= id) cap *= 2;
  d->known = kb_xrealloc(d->known, (size_t)cap);
  memset(d->known + d->cap, 0, (size_t)(cap - d->cap));
  d->len = kb_xrealloc(d->len, (size_t)cap * KB_RANK_NCOL * sizeof *d->len);
  d->pfirst = kb_xrealloc(d->pfirst, (size_t)cap * sizeof *d->pfirst);
  d->pn = kb_xrealloc(d->pn, (size_t)cap * sizeof *d->pn);
  d->lfirst = kb_xrealloc(d->lfirst, (size_t)cap * sizeof *d->lfirst);
  d->afirst = kb_xrealloc(d->afirst, (size_t)cap * sizeof *d->afirst);
  d->nasides = kb_xrealloc(d->nasides, (size_t)cap * sizeof *d->nasides);
  d->cap = cap;
}

/* Appends the list p to the array *a (*n used, *cap allocated), at most
 * max numbers; returns how many. */
static int S_append_ints(int **a, int *n, int *cap, const char *p, int max) {
  if (*cap - *n < max) {
    while (*cap - *n < max) *cap = *cap ? 2 * *cap : 1024;
    *a = kb_xrealloc(*a, (size_t)*cap * sizeof **a);
  }
  int k = kb_rank_ints(p, *a + *n, max);
  *n += k;
  return k;
}

/* Row id's phrases field's positions' lines (kb_rank_docs.line), from
 * its lines' starts. (KB_RANK_MAX_LINES fits a byte.) */
static void S_lines_of(kb_rank_docs *d, sqlite3_int64 id) {
  const int *start = d->plen + d->pfirst[id];
  int nlines = d->pn[id], npos = start[nlines] > 0 ? start[nlines] : 0;
  if (d->capline - d->nline < npos) {
    while (d->capline - d->nline < npos) d->capline = d->capline ? 2 * d->capline : 4096;
    d->line = kb_xrealloc(d->line, (size_t)d->capline);
  }
  d->lfirst[id] = -1; /* (starts that go back, if any: the lines are
                         found by halving, kb_rank.c's S_phrase_match()) */
  for (int i = 0; i < nlines; i++)
    if (start[i + 1] < start[i]) return;
  d->lfirst[id] = d->nline;
  for (int i = 0; i < nlines; i++) /* (a line of no positions: none marked) */
    for (int off = start[i]; off < start[i + 1]; off++) d->line[d->nline + off] = (unsigned char)i;
  d->nline += npos;
}

/* Field lengths come from FTS5's own record of them (table_docsize: one
 * varint per column), the phrase lengths and the asides (the body's
 * positions that are not prose: tables, bold lines standing for headings)
 * from the unindexed plens and asides columns the indexer wrote. A row
 * that does not decode is left unknown. */
int kb_rank_docs_load(kb_rank_docs *d, sqlite3 *db, const char *table, sqlite3_int64 max_id) {
  char *sql = sqlite3_mprintf("SELECT t.rowid, s.sz, t.plens, t.asides FROM \"%w\" t"
                              " JOIN \"%w_docsize\" s ON s.id = t.rowid", table, table);
  if (!sql) return SQLITE_NOMEM;
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
  sqlite3_free(sql);
  if (rc != SQLITE_OK) return rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    sqlite3_int64 id = sqlite3_column_int64(st, 0);
    if (id < 0 || id > max_id || id >= S_MAX_DOCID) continue;
    const unsigned char *sz = sqlite3_column_blob(st, 1);
    int nsz = sqlite3_column_bytes(st, 1), at = 0, c;
    int len[KB_RANK_NCOL];
    for (c = 0; c < KB_RANK_NCOL; c++) {
      uint64_t v;
      int k = sz ? kb_varint_get(sz + at, nsz - at, &v) : 0;
      if (!k || v > INT32_MAX) break;
      len[c] = (int)v;
      at += k;
    }
    if (c < KB_RANK_NCOL) continue;
    S_docs_grow(d, id);
    memcpy(d->len + id * KB_RANK_NCOL, len, sizeof len);
    /* the lengths read after a 0, then summed in place */
    S_append_ints(&d->plen, &d->nplen, &d->capplen, "0", 1);
    d->pfirst[id] = d->nplen - 1;
    d->pn[id] = S_append_ints(&d->plen, &d->nplen, &d->capplen,
                              (const char *)sqlite3_column_text(st, 2), KB_RANK_MAX_LINES);
    for (int i = d->pfirst[id] + 1; i < d->nplen; i++) d->plen[i] += d->plen[i - 1];
    S_lines_of(d, id);
    d->afirst[id] = d->naspan;
    d->nasides[id] = S_append_ints(&d->aspan, &d->naspan, &d->capaspan,
                              (const char *)sqlite3_column_text(st, 3), 2 * KB_RANK_MAX_ASIDES) / 2;
    d->known[id] = 1;
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int kb_rank_docs_has(const kb_rank_docs *d, sqlite3_int64 id) {
  return d && id >= 0 && id < d->cap && d->known[id];
}

/*--- Per-table norms and idfs -------------------------------------------*/

/* The dfs whose idf a table keeps: every one of a table of up to this
 * many rows (8 bytes each; kb/'s languages have a hundred-odd, the CDP
 * collection 3,600). */
#define S_IDF_MAX (1 << 20)

double kb_rank_norms_idf(const kb_rank_norms *n, int df) {
  int nidf = 0;
  const double *tab = kb_rank_idf_table(n, n->nrow, &nidf);
  return df >= 0 && df < nidf ? tab[df] : kb_rank_idf(n->nrow, df);
}

kb_rank_norms *kb_rank_norms_new(const kb_rank_docs *d, sqlite3_int64 nrow,
                                 const sqlite3_int64 *totals) {
  kb_rank_norms *n = kb_xcalloc(1, sizeof *n);
  kb_rank_avglen(nrow, totals, n->avglen);
  n->cap = d->cap;
  n->v = kb_xmalloc((size_t)(n->cap ? n->cap : 1) * KB_RANK_NCOL * sizeof *n->v);
  for (sqlite3_int64 id = 0; id < n->cap; id++)
    for (int c = 0; c < KB_RANK_NCOL; c++)
      n->v[id * KB_RANK_NCOL + c] =
          d->known[id] ? kb_rank_norm(c, d->len[id * KB_RANK_NCOL + c], n->avglen[c]) : 1;
  n->nrow = nrow;
  n->nidf = nrow >= 0 && nrow < S_IDF_MAX ? (int)nrow + 1 : 0;
  n->idf = n->nidf ? kb_xmalloc((size_t)n->nidf * sizeof *n->idf) : NULL;
  for (int df = 0; df < n->nidf; df++) n->idf[df] = kb_rank_idf(nrow, df);
  return n;
}

void kb_rank_norms_free(kb_rank_norms *n) {
  if (!n) return;
  free(n->v);
  free(n->idf);
  free(n->wtf);
  free(n);
}

/* The positions whose postings' weighted term frequencies norms keep
 * (kb_rank_norms_weigh()): 16 MB for a table past kb/'s and the CDP
 * collection's (about 10,000 help articles). */
#define S_WTF_MAX (1L << 21)

void kb_rank_norms_weigh(kb_rank_norms *n, const uint32_t *pos, long npos, const int *doc,
                         const int *pfirst, const uint64_t *head, long npost) {
  free(n->wtf);
  n->wtf = NULL;
  n->wbase = (uintptr_t)pos;
  n->wbytes = 0;
  if (!pos || npos <= 0 || npos > S_WTF_MAX) return;
  n->wtf = kb_xcalloc((size_t)npos, sizeof *n->wtf);
  n->wbytes = (uintptr_t)npos * sizeof *pos;
  for (long i = 0; i < npost; i++) {
    kb_rank_list l = {.n = pfirst[i + 1] - pfirst[i], .pos = pos + pfirst[i], .head = head[i]};
    if (l.n > 0) n->wtf[pfirst[i]] = kb_rank_list_wtf(n, doc[i], &l);
  }
}
