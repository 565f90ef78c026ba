/*
 * kb_rank_impl.h - what the ranking's two modules share, and nothing
 * else includes: kb_rank.c (kb_features() and the per-row features, which
 * read the rows held in memory and the norms on every matching row) and
 * kb_rank_docs.c (which loads those rows and makes the norms once, when
 * an index is opened). The structures' bodies are here so that the hot
 * path reads their fields directly, and the helpers both use are static
 * inline so that each file keeps the code it had when they were one.
 * include/kb_rank_docs.h and include/kb_rank.h stay the interface.
 */
#ifndef KB_RANK_IMPL_H
#define KB_RANK_IMPL_H

#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>

#include "kb_rank_docs.h"

#define KB_RANK_NCOL 5        /* title, phrases, tags, headings, body */
#define KB_RANK_MAX_LINES 64  /* authored phrases examined */

/* BM25F's length normalisation per field, tuned on the dev sets with
 * kb_rank.c's field weights (docs/relevance.md). */
static const double kb_rank_b[KB_RANK_NCOL] = {0.5, 0.3, 0.3, 0.5, 0.75};

/* The average length of each field of a table of nrow rows whose fields'
 * lengths total tot[KB_RANK_NCOL] (1 at least). */
static inline void kb_rank_avglen(sqlite3_int64 nrow, const sqlite3_int64 *tot, double *avglen) {
  for (int c = 0; c < KB_RANK_NCOL; c++) {
    avglen[c] = nrow > 0 ? (double)tot[c] / (double)nrow : 1.0;
    if (avglen[c] < 1) avglen[c] = 1;
  }
}

/* BM25F's length normalisation of a field of length len, average avglen,
 * in column c: what a term frequency there is divided by. */
static inline double kb_rank_norm(int c, int len, double avglen) {
  return 1 - kb_rank_b[c] + kb_rank_b[c] * len / avglen;
}

/* BM25's idf of a phrase in df of nrow rows. */
static inline double kb_rank_idf(sqlite3_int64 nrow, int df) {
  return log(((double)nrow - (double)df + 0.5) / ((double)df + 0.5) + 1.0);
}

/* Reads up to max numbers of a list ("4 3 5") into out; returns how many. */
static inline int kb_rank_ints(const char *p, int *out, int max) {
  int n = 0;
  while (p && *p && n < max) {
    char *end;
    long v = strtol(p, &end, 10);
    if (end == p) break;
    out[n++] = (int)v;
    p = end;
  }
  return n;
}

/*--- Rows held in memory (kb_rank_docs.c) --------------------------------*/

struct kb_rank_docs {
  sqlite3_int64 cap;    /* ids [0, cap) have room */
  unsigned char *known; /* per id: its lengths are here */
  int *len;             /* per id: KB_RANK_NCOL field lengths */
  int *pfirst, *pn;     /* per id: where its pn phrases start and end, in
                           positions: plen[pfirst..+pn], 0 then each
                           phrase's end (summed once at load, not per row) */
  int *plen;
  int nplen, capplen;
  int *lfirst;          /* per id: its phrases field's positions' lines,
                           line[lfirst..+plen[pfirst + pn]) (the line of
                           position off: the last whose start is at off or
                           before) */
  unsigned char *line;
  int nline, capline;
  int *afirst, *nasides; /* per id: its asides (body text that is not prose,
                           kb_rank_docs_load()), aspan[afirst..+2 * nasides) */
  int *aspan;
  int naspan, capaspan;
};

/*--- Per-table norms and idfs (kb_rank_docs.c) ---------------------------*/

struct kb_rank_norms {
  double avglen[KB_RANK_NCOL];
  sqlite3_int64 cap; /* ids [0, cap) */
  double *v;         /* per id: KB_RANK_NCOL normalisations (kb_rank_norm()) */
  sqlite3_int64 nrow; /* the table's rows, */
  int nidf;           /* and per df below this, */
  double *idf;        /* kb_rank_idf(nrow, df) */
  uintptr_t wbase, wbytes; /* the postings' positions (kb_rank_norms_weigh()):
                              their address and bytes (0: none); and at
                              each posting's first, */
  double *wtf;             /* its kb_rank_list_wtf() (or NULL) */
};

/* The idfs of n's table (NULL: none), made for nrow rows: each df's
 * kb_rank_idf() at load (a log() per phrase of every search was 0.5 K
 * instructions a kb/ suggest); NULL when n was made for another count. */
static inline const double *kb_rank_idf_table(const kb_rank_norms *n, sqlite3_int64 nrow,
                                              int *nidf) {
  if (!n || n->nrow != nrow) return NULL;
  *nidf = n->nidf;
  return n->idf;
}

#endif
