/*
 * kb_rank.c - the kb_features() FTS5 auxiliary function and the score
 * built on its output (see kb_rank.h; the confidence is kb_ltr.c's).
 *
 * Per query (cached with xSetAuxdata, as FTS5's own bm25() does): the
 * number of rows, the average length of each field, each phrase's document
 * frequency (given by the caller, else counted by xQueryPhrase) and idf,
 * and the group and weight of each phrase. Per row: term frequencies per
 * phrase and field from xInst, the field and phrase lengths and the body's
 * table spans (from kb_rank_docs when the index was loaded into it, else
 * looked up), then the features and the snippet window.
 */
#include "kb_rank.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "kb_arena.h"
#include "kb_near.h"
#include "kb_rank_impl.h"
#include "kb_util.h"

#define S_NCOL KB_RANK_NCOL /* title, phrases, tags, headings, body */
#define S_COL_PLENS S_NCOL /* the unindexed columns after them */
#define S_COL_ASIDES (S_NCOL + 1)
#define S_MAX_PHRASES 128
#define S_MAX_INST 512     /* instances examined for proximity */
/* Groups cleared at once, as a fixed size (stores the compiler writes
 * out), when a query has no more: two memset() calls per row ranked were
 * a hundredth of a search as you type (callgrind). */
#define S_FEW_GROUPS 8
#define S_MAX_LINES KB_RANK_MAX_LINES /* authored phrases examined */

/* BM25F field weights, tuned on the dev sets with the length
 * normalisation (kb_rank_b[], kb_rank_impl.h; docs/relevance.md). */
static const double S_w[S_NCOL] = {3.0, 2.5, 2.0, 1.5, 1.0};
static const double S_k1 = 1.2;

/* What a row's groups match (S_score_counts()): bits per group. */
enum { S_MATCH = 1, S_STRONG = 2, S_TITLE = 4, S_EXACT = 8, S_LINES = 16 /* a word's
  match in the phrases field (the bound of the phrase match) */ };

struct kb_rank_query {
  int nphrase, ngroup;
  double avglen[S_NCOL];
  double idf[S_MAX_PHRASES];
  int df[S_MAX_PHRASES];
  int group[S_MAX_PHRASES];
  double weight[S_MAX_PHRASES];
  double widf[S_MAX_PHRASES];   /* weight times idf, made once (S_score_wtf()) */
  int exact[S_MAX_PHRASES];     /* phrase is an exact form */
  int select[S_MAX_PHRASES];    /* phrase only selects rows (a copy) */
  unsigned char implies[S_MAX_PHRASES]; /* S_EXACT: a match is also its word's
                                           exact form; else 0 */
  double gidf[S_MAX_PHRASES];   /* per group: best idf of a known phrase */
  double gmass;                 /* sum of gidf over known groups */
  int nknown;                   /* groups with a phrase in the index */
  double fmass, fgroups, fknown; /* what every row's features divide by
                                    and take of the query (S_features_of()) */
  const kb_rank_norms *norms;   /* the rows' length normalisation for
                                   avglen, or NULL (computed per use) */
  uintptr_t wbase, wbytes;      /* norms' postings' positions (their address
                                   and bytes; 0: none) and */
  const double *wtf;            /* their weighted term frequencies (S_kept_wtf()) */
};
typedef struct kb_rank_query S_query;

/* kb_rank_score_without(), inlined where every row's bounds take it */
static inline double S_score(const double *f, unsigned off);
/* S_score() of f with proximity prox and phrase match phrase instead of
 * its own. */
static inline double S_score_of(const double *f, double prox, double phrase, unsigned off);

static int S_count_cb(const Fts5ExtensionApi *api, Fts5Context *fts, void *ud) {
  (void)api; (void)fts;
  (*(sqlite3_int64 *)ud)++;
  return SQLITE_OK;
}

/* Parses "0 0 1 2" style lists into ints or doubles. */
static void S_parse_list(const char *s, int n, int *ai, double *ad) {
  for (int i = 0; i < n; i++) {
    while (s && *s == ' ') s++;
    double v = (s && *s) ? strtod(s, (char **)&s) : (ai ? i : 1.0);
    if (ai) ai[i] = (int)v; else ad[i] = v;
  }
}

/* The normalisations of a row of field lengths len for q, into nrm. */
static void S_norms_of(const S_query *q, const int *len, double *nrm) {
  for (int c = 0; c < S_NCOL; c++) nrm[c] = kb_rank_norm(c, len[c], q->avglen[c]);
}

/* q reads its rows' normalisations from n (NULL: none), when n was made
 * for q's averages (else it computes them). */
static void S_set_norms(S_query *q, const kb_rank_norms *n);

/* What both kinds of query share once the phrases' groups, weights,
 * flags and document frequencies are in q: the averages, idfs and the
 * groups' weights. */
static void S_query_init(S_query *q, sqlite3_int64 nrow, const sqlite3_int64 *tot, int ngroups,
                         const kb_rank_norms *norms) {
  kb_rank_avglen(nrow, tot, q->avglen);
  int nidf = 0;
  const double *tab = kb_rank_idf_table(norms, nrow, &nidf);
  for (int p = 0; p < q->nphrase; p++) {
    int df = q->df[p];
    /* (the table's: the same function of the same two numbers) */
    double idf = tab && df >= 0 && df < nidf ? tab[df] : kb_rank_idf(nrow, df);
    q->idf[p] = idf;
    q->widf[p] = q->weight[p] * idf; /* (S_score_wtf()'s first product) */
    int g = q->group[p];
    if (g < 0 || g >= S_MAX_PHRASES) g = q->group[p] = 0;
    if (g + 1 > q->ngroup) q->ngroup = g + 1;
    if (df > 0 && !q->exact[p] && !q->select[p] && idf * q->weight[p] > q->gidf[g])
      q->gidf[g] = idf * q->weight[p];
  }
  /* groups whose terms were all left out of the MATCH still count */
  if (ngroups > q->ngroup && ngroups <= S_MAX_PHRASES) q->ngroup = ngroups;
  for (int g = 0; g < q->ngroup; g++)
    if (q->gidf[g] > 0) {
      q->gmass += q->gidf[g];
      q->nknown++;
    }
  /* the same for each row: made once, not per row ranked (the same
   * expressions on the same values, so the same features) */
  q->fmass = q->gmass > 0 ? q->gmass : 1;
  q->fgroups = q->nknown;
  q->fknown = q->ngroup > 0 ? (double)q->nknown / q->ngroup : 0;
}

static void S_set_flag(S_query *q, int p, int flag) {
  q->exact[p] = flag == 1;
  q->select[p] = flag == 2;
  q->implies[p] = flag == 3 ? S_EXACT : 0;
}

static S_query *S_query_new(const Fts5ExtensionApi *api, Fts5Context *fts,
                            const char *groups, const char *weights, const char *exact,
                            const char *dfs, int ngroups, int *prc) {
  S_query *q = kb_xcalloc(1, sizeof *q);
  q->nphrase = api->xPhraseCount(fts);
  if (q->nphrase > S_MAX_PHRASES) q->nphrase = S_MAX_PHRASES;
  sqlite3_int64 nrow = 0, tot[S_NCOL] = {0};
  int rc = api->xRowCount(fts, &nrow);
  for (int c = 0; rc == SQLITE_OK && c < S_NCOL; c++) rc = api->xColumnTotalSize(fts, c, &tot[c]);
  S_parse_list(groups, q->nphrase, q->group, NULL);
  S_parse_list(weights, q->nphrase, NULL, q->weight);
  if (exact) {
    double e[S_MAX_PHRASES];
    S_parse_list(exact, q->nphrase, NULL, e);
    for (int p = 0; p < q->nphrase; p++) S_set_flag(q, p, (int)lround(e[p]));
  }
  /* document frequencies the caller knows (from the index's vocabulary,
   * loaded once) save a pass over each term's whole doclist; -1 means
   * unknown (phrases, prefixes): counted here */
  double known_df[S_MAX_PHRASES];
  for (int p = 0; p < q->nphrase; p++) known_df[p] = -1;
  for (int p = 0; dfs && p < q->nphrase; p++) {
    char *end;
    double v = strtod(dfs, &end);
    if (end == dfs) break;
    known_df[p] = v;
    dfs = end;
  }
  for (int p = 0; rc == SQLITE_OK && p < q->nphrase; p++) {
    sqlite3_int64 df = (sqlite3_int64)known_df[p];
    if (known_df[p] < 0) {
      df = 0;
      rc = api->xQueryPhrase(fts, p, &df, S_count_cb);
    }
    q->df[p] = (int)df;
  }
  S_query_init(q, nrow, tot, ngroups, NULL);
  *prc = rc;
  return q;
}

/* The query a thread freed last is kept for its next (6.4 KB are past
 * malloc()'s per-thread cache: its slow path was 1.4 K instructions of a
 * search as you type, callgrind): kb_arena.h's spare slot
 * KB_SPARE_RANKQ, freed at the thread's exit. */

kb_rank_query *kb_rank_query_new(sqlite3_int64 nrow, const sqlite3_int64 *totals, int nphrase,
                                 const int *group, const double *weight, const int *flag,
                                 const int *df, int ngroups, const kb_rank_norms *norms) {
  /* not cleared whole (6.4 KB, most of it the room for S_MAX_PHRASES
   * phrases): the per-phrase arrays are written below for the query's
   * phrases, the only ones read; the rest S_query_init() reads is cleared */
  size_t cap;
  S_query *q = kb_spare_take(KB_SPARE_RANKQ, &cap);
  if (!q) q = kb_xmalloc(sizeof *q);
  q->ngroup = q->nknown = 0;
  q->gmass = 0;
  memset(q->gidf, 0, sizeof q->gidf);
  q->nphrase = nphrase < S_MAX_PHRASES ? nphrase : S_MAX_PHRASES;
  for (int p = 0; p < q->nphrase; p++) {
    q->group[p] = group[p];
    q->weight[p] = weight[p];
    S_set_flag(q, p, flag[p]);
    q->df[p] = df[p];
  }
  S_query_init(q, nrow, totals, ngroups, norms);
  S_set_norms(q, norms);
  return q;
}

void kb_rank_query_free(kb_rank_query *q) {
  kb_spare_give(KB_SPARE_RANKQ, q, sizeof(S_query));
}


/* An instance as a row's features read it: the group of its phrase (what
 * the phrase match, the snippet window and proximity compare), column,
 * offset. */
typedef kb_near_inst S_inst;
/* What follows a row's kept instances and the body's matches given to
 * S_snippet_window() (so the arrays of them hold S_MAX_INST + 1): a
 * column none has, past every position; a walk along them in position
 * order stops there without a test of the count. */
#define S_INST_END ((S_inst){.group = 0, .col = S_NCOL, .off = INT_MAX})
_Static_assert(S_MAX_PHRASES == KB_NEAR_MAX_GROUPS, "kb_near.c's masks hold the groups");

/* The weighted term frequency of list l that q's norms keep (its
 * positions a posting's there: one comparison of the distance from their
 * start, unsigned, so a list before it is past the end too; addresses
 * compared as numbers, as kb_postings_holds() does), else 0: computed. */
static inline double S_kept_wtf(const S_query *q, const kb_rank_list *l) {
  uintptr_t off = (uintptr_t)l->pos - q->wbase;
  return off < q->wbytes ? q->wtf[off / sizeof *l->pos] : 0;
}

static void S_set_norms(S_query *q, const kb_rank_norms *n) {
  /* (the same averages: the same divisions, so the same scores) */
  q->norms = n && !memcmp(n->avglen, q->avglen, sizeof q->avglen) ? n : NULL;
  /* (copied: a list's look-up reads q alone, S_kept_wtf()) */
  q->wbase = q->norms ? q->norms->wbase : 0;
  q->wbytes = q->norms && q->norms->wtf ? q->norms->wbytes : 0;
  q->wtf = q->norms ? q->norms->wtf : NULL;
}

/* Where a row's lengths come from: docs (id loaded there), else FTS5's
 * own lookups through api (a row kb_rank_docs_load() did not read). */
typedef struct {
  const kb_rank_docs *d;        /* NULL: look up through api */
  sqlite3_int64 id;
  const Fts5ExtensionApi *api;
  Fts5Context *fts;
  int len[S_NCOL];
  const int *aspan;             /* the body's asides: positions [aspan[2i],
                                   aspan[2i + 1]) for i < nasides */
  int nasides;
  int abuf[2 * KB_RANK_MAX_ASIDES]; /* them, when looked up */
} S_src;

/* Points src at row id's asides in d. */
static void S_src_asides(S_src *src, const kb_rank_docs *d, sqlite3_int64 id) {
  src->aspan = d->aspan ? d->aspan + d->afirst[id] : NULL;
  src->nasides = d->nasides[id];
}

/* Fills src for the current FTS5 row. */
static int S_src_fts(const Fts5ExtensionApi *api, Fts5Context *fts, S_src *src) {
  const kb_rank_docs *d = api->xUserData(fts);
  sqlite3_int64 id = api->xRowid(fts);
  *src = (S_src){.id = id, .api = api, .fts = fts};
  if (d && id >= 0 && id < d->cap && d->known[id]) src->d = d;
  int rc = SQLITE_OK;
  for (int c = 0; rc == SQLITE_OK && c < S_NCOL; c++) {
    int n = 0;
    if (src->d) n = d->len[id * S_NCOL + c];
    else rc = api->xColumnSize(fts, c, &n);
    src->len[c] = n;
  }
  if (src->d) {
    S_src_asides(src, d, id);
  } else if (rc == SQLITE_OK && api->xColumnCount(fts) > S_COL_ASIDES) {
    /* (the feedback store's table of learned mentions has no asides) */
    const char *z;
    int n;
    if (api->xColumnText(fts, S_COL_ASIDES, &z, &n) == SQLITE_OK && z) {
      char list[16 * 2 * KB_RANK_MAX_ASIDES];
      if (n >= (int)sizeof list) n = (int)sizeof list - 1;
      memcpy(list, z, (size_t)n);
      list[n] = 0;
      src->nasides = kb_rank_ints(list, src->abuf, 2 * KB_RANK_MAX_ASIDES) / 2;
      src->aspan = src->abuf;
    }
  }
  return rc;
}

/* The square of the value of one authored phrase (S_phrase_match()):
 * hits of its len positions matched, mass the query weight of the groups
 * they match. (The lines are compared by it and the best one's root
 * taken: a correctly rounded square root never orders two values the
 * other way, so the root of the largest is the largest of the roots, to
 * the bit; a root per line was 0.3 K instructions a kb/ suggest.) */
static double S_line_square(int hits, int len, double mass, double gmass) {
  double pf = (double)hits / len;
  if (pf > 1) pf = 1;
  return pf * (mass / gmass);
}

/* The larger of a and b, neither NaN (a line's value is a square root
 * of a share: fmax() was a call into libm per line). */
static inline double S_max(double a, double b) { return b > a ? b : a; }

/* The groups seen in the line being read (S_lines_best()): bits of m,
 * or (wide: groups past 64) the entries of seen equal to stamp. */
typedef struct {
  uint64_t m;
  int stamp;
  int seen[S_MAX_PHRASES];
} S_seen;

/* Whether group g is new to the line (then marked seen). */
static inline __attribute__((always_inline)) int S_seen_first(S_seen *s, int g, int wide) {
  if (!wide) {
    uint64_t bit = (uint64_t)1 << g;
    int first = !(s->m & bit);
    s->m |= bit;
    return first;
  }
  if (s->seen[g] == s->stamp) return 0;
  s->seen[g] = s->stamp;
  return 1;
}

/* The line after: no group seen in it. */
static inline __attribute__((always_inline)) void S_seen_next(S_seen *s, int wide) {
  if (!wide) s->m = 0;
  else s->stamp++;
}

/* S_phrase_match()'s pass over the phrases field's instances from
 * inst[first] and the row's lines (start[0..nlines], line: each
 * position's line, or NULL); wide when the query has more than 64
 * groups. */
static inline __attribute__((always_inline)) double S_lines_best(const S_query *q,
                                                                 const S_inst *inst, int first,
                                                                 const int *start, int nlines,
                                                                 const unsigned char *line,
                                                                 int wide) {
  double best = 0, mass = 0; /* best: the best line's S_line_square() */
  S_seen sn;
  sn.m = 0;
  sn.stamp = 1;
  if (wide)
    for (int g = 0; g < q->ngroup; g++) sn.seen[g] = 0;
  int ph = 0, hits = 0, lastoff = -1;
  for (int i = first; (inst[i].col == 1) & (inst[i].off < start[nlines]); i++) {
    int off = inst[i].off;
    if (off >= start[ph + 1]) { /* past line ph: it is complete */
      if (hits) best = S_max(best, S_line_square(hits, start[ph + 1] - start[ph], mass, q->gmass));
      /* to off's line: the last with its start at off or before, among
       * ph + 1 (known) to nlines - 1 (off < start[nlines]): read in the
       * row's table of lines made at load (a halving's loop here missed
       * its end about once a row, callgrind --branch-sim), else found by
       * halving with a select, not stepping line by line with a branch
       * each (kb/'s articles have dozens of lines) */
      if (line) {
        ph = line[off];
      } else {
        const int *lo = start + ph + 1;
        for (int len = nlines - ph; len > 1;) {
          int half = len >> 1;
          lo += lo[half] <= off ? half : 0;
          len -= half;
        }
        ph = (int)(lo - start);
      }
      hits = 0, lastoff = -1, mass = 0;
      S_seen_next(&sn, wide);
    }
    /* colocated forms share one position */
    if (off != lastoff) hits++;
    lastoff = off;
    int g = inst[i].group;
    if (S_seen_first(&sn, g, wide)) mass += q->gidf[g];
  }
  if (hits) best = S_max(best, S_line_square(hits, start[ph + 1] - start[ph], mass, q->gmass));
  return sqrt(best);
}

/* The best authored phrase for this row: for each phrase (line of the
 * phrases field, whose lengths in positions the indexer stored in the
 * unindexed column plens) the share of its positions the query matched,
 * and the share of the query's weight it covers; returns the best
 * geometric mean. The instances are in position order (column, then
 * offset) and end with S_INST_END, so the phrases field's come together
 * and meet the lines in order: one pass over both (a pass over every instance per line was a
 * twentieth of a suggest on kb/, whose articles have dozens of lines).
 * Inlined into S_score_near(), its one caller: left a call, it cost 0.3 M
 * instructions more over 200 kb/ suggests (callgrind). */
static inline __attribute__((always_inline)) double S_phrase_match(const S_src *src,
                                                                   const S_query *q,
                                                                   const S_inst *inst, int first) {
  /* past the title's instances: counted (S_acc.title; a loop to them
   * missed its end about once a row, callgrind --branch-sim), else read */
  if (first < 0)
    for (first = 0; inst[first].col == 0;) first++;
  /* (inst[kept] is S_INST_END: its column is not 1) */
  if (inst[first].col != 1 || q->gmass <= 0) return 0;
  int buf[S_MAX_LINES + 1], nlines = 0, pos = 0;
  const int *start = buf; /* line i: positions [start[i], start[i + 1]) */
  const unsigned char *line = NULL; /* position off's line, if made */
  const kb_rank_docs *d = src->d;
  sqlite3_int64 id = src->id;
  if (d) {
    start = d->plen + d->pfirst[id];
    nlines = d->pn[id] < S_MAX_LINES ? d->pn[id] : S_MAX_LINES;
    if (d->lfirst[id] >= 0) line = d->line + d->lfirst[id];
  } else {
    const char *z;
    int n;
    if (src->api->xColumnText(src->fts, S_COL_PLENS, &z, &n) != SQLITE_OK || !z) return 0;
    for (const char *p = z; nlines < S_MAX_LINES && p < z + n;) {
      char *end;
      long v = strtol(p, &end, 10);
      if (end == p) break;
      buf[nlines++] = pos;
      pos += (int)v;
      p = end;
    }
    buf[nlines] = pos;
  }
  /* the groups seen in a line: bits of a word for a query of 64 groups
   * or fewer (a suggest's dozen), nothing to clear per row (the clear of
   * an array of the query's groups was 0.7 K instructions a kb/ suggest),
   * else stamps in an array */
  if (q->ngroup <= 64) return S_lines_best(q, inst, first, start, nlines, line, 0);
  return S_lines_best(q, inst, first, start, nlines, line, 1);
}

/* The stretch of prose holding body position off: [*lo, *hi) between the
 * asides of src (*hi INT_MAX after the last). Returns 0 when off is in an
 * aside. */
static int S_prose_at(const S_src *src, int off, int *lo, int *hi) {
  *lo = 0;
  *hi = INT_MAX;
  for (int k = 0; k < src->nasides; k++) {
    if (off < src->aspan[2 * k]) {
      *hi = src->aspan[2 * k];
      return 1;
    }
    if (off < src->aspan[2 * k + 1]) return 0;
    *lo = src->aspan[2 * k + 1];
  }
  return 1;
}

/* The window of up to KB_RANK_SNIPPET_LEN body positions with the most
 * query words (then the most matches; then the earliest), starting a few
 * positions before its first match for context, within one stretch of
 * prose: a window neither starts in an aside nor runs into one (a table
 * reads as a run of words, "Section What you'll find Address Street
 * address...", and a bold line over a paragraph runs into it), chosen from
 * the body's matches m[0..n), in position order, their groups below
 * ngroup, m[n] S_INST_END. Without a match in the prose: the prose's
 * start. */
static void S_snippet_window(const S_src *src, const S_inst *m, int n, int ngroup, double *f) {
  enum { LEAD = 3 };
  int best_start = 0, best_end, best_key = 0, lo, hi;
  for (int k = 0; k < src->nasides; k++) /* the body opens with an aside */
    if (src->aspan[2 * k] <= best_start && best_start < src->aspan[2 * k + 1])
      best_start = src->aspan[2 * k + 1];
  S_prose_at(src, best_start, &lo, &best_end);
  /* the window at i counts the matches m[i..r) (m[r] the first at or
   * past its end), slid along: each match counted in once and out once,
   * not each window's read again (its end only grows: the prose stretches
   * come in order; were it to shrink, r steps back); cnt[g] the
   * window's matches of group g, groups those above 0 */
  int cnt[S_MAX_PHRASES], r = 0, groups = 0;
  if (ngroup <= S_FEW_GROUPS) memset(cnt, 0, S_FEW_GROUPS * sizeof *cnt); /* (stores, not a call) */
  else memset(cnt, 0, (size_t)ngroup * sizeof *cnt);
  for (int i = 0; i < n; i++) {
    if (i > 0) { /* m[i - 1] out of the window, if it was in */
      if (r < i) r = i;
      else groups -= --cnt[m[i - 1].group] == 0;
    }
    if (i > 0 && m[i - 1].off == m[i].off) continue;
    if (!S_prose_at(src, m[i].off, &lo, &hi)) continue;
    int start = m[i].off - LEAD > lo ? m[i].off - LEAD : lo;
    int end = hi - start < KB_RANK_SNIPPET_LEN ? hi : start + KB_RANK_SNIPPET_LEN;
    /* (m[n] ends the first walk, and m[i], in the window, the second:
     * one test a step) */
    for (; m[r].off < end; r++) groups += cnt[m[r].group]++ == 0;
    for (; m[r - 1].off >= end; r--) groups -= --cnt[m[r - 1].group] == 0;
    /* the most groups, then the most matches (r - i, at most S_MAX_INST),
     * as one number; kept by selects, not a branch no predictor learns */
    int key = groups << 16 | (r - i), better = key > best_key;
    best_start = better ? start : best_start;
    best_end = better ? end : best_end;
    best_key = better ? key : best_key;
  }
  if (best_end - best_start > KB_RANK_SNIPPET_LEN) best_end = best_start + KB_RANK_SNIPPET_LEN;
  /* the window's matches: from the first not before its start (m is in
   * position order) */
  int a = 0, b = n;
  while (a < b) {
    int mid = a + (b - a) / 2;
    if (m[mid].off < best_start) a = mid + 1;
    else b = mid;
  }
  unsigned mask = 0;
  for (int i = a; m[i].off < best_end; i++) mask |= 1u << (m[i].off - best_start);
  f[KB_RANK_SNIPPET_START] = best_start;
  f[KB_RANK_SNIPPET_MASK] = mask;
  f[KB_RANK_SNIPPET_TERMS] = best_end - best_start;
}

/* The body's matches among the kept instances inst[0..kept) (the last:
 * the body is the last column): *out pointed at the first; returns how
 * many. */
static int S_body_marks(const S_inst *inst, int kept, const S_inst **out) {
  int first = kept;
  while (first > 0 && inst[first - 1].col == S_NCOL - 1) first--;
  *out = inst + first;
  return kept - first;
}

/* A row's matches as they are counted: term frequencies per phrase and
 * column, the phrases that occur (so scoring skips the others), and the
 * instances kept for proximity, the phrase match and the snippet. */
typedef struct {
  int (*tf)[S_NCOL];
  int *hit, nhit;
  S_inst *inst;
  int kept;
  const kb_rank_body *body; /* the body's matches, when inst holds only the
                               other fields' (kb_rank_row_lists()) */
  int nbody;
  const uint64_t *igroups;  /* the groups of inst's, body's lists (bit g), */
  const uint64_t *bgroups;  /* or NULL: made from them (kb_near_pairs()) */
  int title;                /* the kept instances in the title (column 0,
                               the first in inst), counted from the lists'
                               heads (kb_rank_row_lists()); -1: not counted */
} S_acc;

/* Counts an instance of phrase p in column c: its term frequency, and
 * (words, not exact forms or selecting copies) kept for proximity, the
 * phrase match and the snippet window. */
static inline __attribute__((always_inline)) void S_count(const S_query *q, S_acc *a, int p,
                                                          int c, int off) {
  if (p >= q->nphrase || c >= S_NCOL || q->select[p]) return;
  int *t = a->tf[p];
  if (!(t[0] | t[1] | t[2] | t[3] | t[4])) a->hit[a->nhit++] = p;
  t[c]++;
  if (!q->exact[p] && a->kept < S_MAX_INST) a->inst[a->kept++] = (S_inst){.group = q->group[p], .col = c, .off = off};
}

static void S_score_row(const S_query *q, const S_src *src, const S_acc *a, double *f);
static void S_score_counts(const S_query *q, const double *nrm, const S_acc *a, double *f,
                           unsigned char *gbits);
static inline void S_score_near(const S_query *q, const S_src *src, const S_acc *a,
                                uint64_t *open, double *f);
static void S_open_of(const S_query *q, const unsigned char *gbits, uint64_t *open);
static inline void S_groups_start(const S_query *q, double *gscore, unsigned char *gbits);
static inline double S_wtf(const int *t, unsigned cols, const double *nrm);
static inline void S_score_wtf(const S_query *q, int p, double wtf, unsigned cols, double *gscore,
                               unsigned char *gbits);
static inline void S_score_phrase(const S_query *q, const double *nrm, int p, const int *t,
                                  unsigned cols, double *gscore, unsigned char *gbits);
static void S_score_groups(const S_query *q, const double *gscore, const unsigned char *gbits,
                           double *f);
static void S_score_touched(const S_query *q, double *gscore, unsigned char *gbits,
                            const uint64_t *touched, double *f);
static void S_score_touched_bounds(const S_query *q, double *gscore, unsigned char *gbits,
                                   const uint64_t *touched, double *f, uint64_t *matched,
                                   double *lines);

/* Per thread: a row's counts (S_acc), cleared per row for the query's
 * phrases only. */
static _Thread_local int S_tf[S_MAX_PHRASES][S_NCOL];
static _Thread_local int S_hit[S_MAX_PHRASES];
static S_acc *S_acc_start(const S_query *q) {
  static _Thread_local S_inst inst[S_MAX_INST + 1];
  static _Thread_local S_acc a;
  memset(S_tf, 0, sizeof(int) * S_NCOL * (size_t)q->nphrase);
  a = (S_acc){.tf = S_tf, .hit = S_hit, .inst = inst, .title = -1};
  return &a;
}

/* Computes the features of the current FTS5 row into f. */
static int S_row(const Fts5ExtensionApi *api, Fts5Context *fts, const S_query *q,
                 double *f) {
  int ninst = 0, rc = api->xInstCount(fts, &ninst);
  S_acc *a = S_acc_start(q);
  S_src src;
  if (rc == SQLITE_OK) rc = S_src_fts(api, fts, &src);
  for (int i = 0; rc == SQLITE_OK && i < ninst; i++) {
    int p, c, off;
    rc = api->xInst(fts, i, &p, &c, &off);
    if (rc == SQLITE_OK) S_count(q, a, p, c, off);
  }
  if (rc != SQLITE_OK) return rc;
  S_score_row(q, &src, a, f);
  const S_inst *m;
  int nm = S_body_marks(a->inst, a->kept, &m);
  a->inst[a->kept] = S_INST_END;
  S_snippet_window(&src, m, nm, q->ngroup, f);
  return SQLITE_OK;
}

/* Counts the positions of list l per column into t[S_NCOL] (added), as
 * S_count() counts each instance. Its positions are in order, so the few
 * in the title, phrases, tags and headings come first and the rest, up to
 * any in a column past the body's, are the body's: counted by a
 * subtraction, not one by one. Sets the body's part, [*from, *to).
 * Returns the columns it counted a position in (bit c: column c). With
 * full 0 (a constant), only the title's count, t[0], is added to: all a
 * list whose weighted term frequency was made at load needs
 * (kb_rank_row_lists(); the other counts unpacked were 1.0 K instructions
 * a kb/ suggest, callgrind). */
static inline __attribute__((always_inline)) unsigned S_list_cols(const kb_rank_list *l,
                                                                  int *t, int full,
                                                                  int *from, int *to) {
  const uint32_t *pos = l->pos;
  int j = 0, k = l->n;
  unsigned cols = 0;
  uint64_t h = l->head;
  if (h) { /* counted at load (kb_rank_head()): no loop to mispredict */
    t[0] += (int)(h & 255);
    if (full) {
      t[1] += (int)(h >> 8 & 255);
      t[2] += (int)(h >> 16 & 255);
      t[3] += (int)(h >> 24 & 255);
    }
    cols = (unsigned)(h >> 32 & 15);
    j = (int)(h >> 40 & 0xffff);
  } else {
    for (; j < k && pos[j] >> KB_RANK_COL_SHIFT < S_NCOL - 1; j++) {
      if (full) t[pos[j] >> KB_RANK_COL_SHIFT]++;
      else t[0] += pos[j] >> KB_RANK_COL_SHIFT == 0;
      cols |= 1u << (pos[j] >> KB_RANK_COL_SHIFT);
    }
  }
  /* the positions past the body's (none in most lists): the last's
   * column tested first, one test that goes the same way list after list
   * (a position past the body's is past j: k > j follows), not whether the
   * list has body positions, which varies (k >= 1: a list has one) */
  if (pos[k - 1] >> KB_RANK_COL_SHIFT >= S_NCOL)
    while (--k > j && pos[k - 1] >> KB_RANK_COL_SHIFT >= S_NCOL) {}
  if (full) t[S_NCOL - 1] += k - j;
  if (k > j) cols |= 1u << (S_NCOL - 1);
  *from = j;
  *to = k;
  return cols;
}

/* S_list_cols() of every column. */
static inline __attribute__((always_inline)) unsigned S_cols(const kb_rank_list *l, int *t,
                                                             int *from, int *to) {
  return S_list_cols(l, t, 1, from, to);
}

/* Part of a word's list being merged: positions [at, end), its group. */
typedef struct {
  const uint32_t *at, *end;
  int group;
} S_run;

/* One position of a run as an instance. */
static inline __attribute__((always_inline)) S_inst S_inst_of(uint32_t v, int group) {
  return (S_inst){.group = group, .col = (int)(v >> KB_RANK_COL_SHIFT),
                  .off = (int)(v & ((1u << KB_RANK_COL_SHIFT) - 1))};
}

/* A run's head at *at as S_merge_act() orders it: its position, then
 * the run's index i in act (phrase order), so the least key is the first
 * run's at the least position; S_KEY_DONE and above: a run that is done
 * (past every position: a body position is below S_NCOL << 29). */
#define S_KEY_DONE ((uint64_t)UINT32_MAX << 8)
_Static_assert(S_MAX_PHRASES <= 256, "S_key() keeps a run's index in 8 bits");
static inline __attribute__((always_inline)) uint64_t S_key(const uint32_t *at, int i) {
  return (uint64_t)*at << 8 | (unsigned)i;
}

static inline __attribute__((always_inline)) uint64_t S_min2(uint64_t a, uint64_t b) {
  return b < a ? b : a;
}

/* The least of the keys h[0..w), w 4, 8 or more (h padded to it). */
static inline __attribute__((always_inline)) uint64_t S_least(const uint64_t *h, int w) {
  uint64_t k = S_min2(S_min2(h[0], h[1]), S_min2(h[2], h[3]));
  if (w > 4) {
    k = S_min2(k, S_min2(S_min2(h[4], h[5]), S_min2(h[6], h[7])));
    for (int i = 8; i < w; i++) k = S_min2(k, h[i]);
  }
  return k;
}

/* Merges the runs r[0..m) (in phrase order) into position order (column,
 * offset; at one position, by phrase) into inst, at most max instances;
 * leaves each run's `at` where it stopped. The runs hold no position past
 * the body's (S_cols() left those out). Returns the instances written.
 * The smallest head is found by selects over the heads as keys (a row
 * matches a few words; S_least()); a run that is done is keyed past every
 * position, and left out when two are left; the last two are merged
 * by one comparison an instance (a long article's rows, whose merge runs
 * into the body, have two or three). Inlined: a call per row ranked was
 * 0.5 K instructions a kb/ suggest. */
static inline __attribute__((always_inline)) int S_merge_act(S_run **act, int na,
                                                             S_inst *inst, int max);
static inline __attribute__((always_inline)) int S_merge(S_run *r, int m, S_inst *inst,
                                                         int max) {
  S_run *act[S_MAX_PHRASES];
  int na = 0;
  for (int i = 0; i < m; i++) { /* (written, then kept or not: no branch
                                    to mispredict, callgrind --branch-sim) */
    act[na] = &r[i];
    na += r[i].at < r[i].end;
  }
  return S_merge_act(act, na, inst, max);
}

/* S_merge() of the runs act[0..na) (in phrase order), none of them empty;
 * act is changed. */
static inline __attribute__((always_inline)) int S_merge_act(S_run **act, int na,
                                                             S_inst *inst, int max) {
  int n = 0;
  if (na > 2) {
    /* each run's head as a key (S_key()), the least found by selects
     * over a fixed width (four, eight: the runs padded with keys of
     * runs done), a run that is done given S_KEY_DONE in its place, and
     * the runs left gathered once after: no loop over the heads whose end
     * varies, no branch on a run's end (a pass over act[0..na) and a
     * shift of act a run done were 92 mispredicted branches a kb/ suggest,
     * callgrind --branch-sim) */
    uint64_t h[S_MAX_PHRASES + 8];
    int w = na <= 4 ? 4 : na <= 8 ? 8 : na, live = na;
    for (int i = 0; i < na; i++) h[i] = S_key(act[i]->at, i);
    for (int i = 0; i < 8; i++) h[na + i] = S_KEY_DONE;
    while (live > 2 && n < max) {
      uint64_t k = S_least(h, w);
      int b = (int)(k & 255);
      S_run *x = act[b];
      inst[n++] = S_inst_of((uint32_t)(k >> 8), x->group);
      const uint32_t *at = ++x->at;
      int done = at == x->end;
      live -= done;
      /* (a run done: its last position read again, *at may be past the
       * list, and made S_KEY_DONE by a mask, not a branch) */
      h[b] = S_key(at - done, b) | (S_KEY_DONE & -(uint64_t)done);
    }
    int m = 0;
    for (int i = 0; i < na; i++) { /* (written, then kept or not) */
      act[m] = act[i];
      m += h[i] < S_KEY_DONE;
    }
    na = m;
  }
  if (na == 2) { /* at one position the first run's first (phrase order) */
    S_run *x = act[0], *y = act[1];
    const uint32_t *xa = x->at, *ya = y->at;
    while (n < max) {
      if (*ya < *xa) {
        inst[n++] = S_inst_of(*ya, y->group);
        if (++ya == y->end) break;
      } else {
        inst[n++] = S_inst_of(*xa, x->group);
        if (++xa == x->end) break;
      }
    }
    x->at = xa;
    y->at = ya;
    act[0] = xa == x->end ? y : x;
    na = 1;
  }
  if (na == 1) { /* one run left (often the only one): copied, not compared */
    S_run *x = act[0];
    for (; x->at < x->end && n < max; x->at++) inst[n++] = S_inst_of(*x->at, x->group);
  }
  return n;
}

/* Row id in d, without its asides (the snippet's, S_src_asides(): a
 * ranked row's proximity and phrase match read none, and two loads a row
 * were 0.3 K instructions a kb/ suggest). */
static void S_src_docs(S_src *src, const kb_rank_docs *d, sqlite3_int64 id) {
  /* (not cleared whole: abuf is for rows looked up, not these; the
   * lengths are not read after the part) */
  src->d = d;
  src->id = id;
  src->api = NULL;
  src->fts = NULL;
  src->aspan = NULL;
  src->nasides = 0;
}

/* Row id's normalisations: made at load (kb_rank_norms), else now into
 * own (making them per row was 2 K instructions of a search-as-you-type
 * fragment's 114 K, callgrind). */
static const double *S_row_norms(const S_query *q, const kb_rank_docs *d, sqlite3_int64 id,
                                 double *own) {
  if (q->norms && id < q->norms->cap) return q->norms->v + id * S_NCOL;
  S_norms_of(q, d->len + id * S_NCOL, own);
  return own;
}

void kb_rank_row_lists(const kb_rank_query *q, const kb_rank_docs *d, sqlite3_int64 id,
                       const kb_rank_list *l, int nl, double *f, const kb_rank_body **body,
                       int *nbody) {
  static _Thread_local kb_rank_body b[S_MAX_PHRASES];
  static _Thread_local S_inst inst[S_MAX_INST + 1];
  /* each phrase has one list in a row: its counts are scored as they are
   * made, with no table of them per phrase to clear, fill and read back
   * (S_score_counts() on S_acc's; the same sums, so the same scores) */
  S_acc acc, *a = &acc; /* (the fields read below are set: not cleared
                           whole, a loop of stores callgrind saw missed;
                           the body's lists none unless kept below) */
  acc.inst = inst;
  acc.body = NULL;
  acc.nbody = 0;
  acc.igroups = acc.bgroups = NULL;
  S_src src;
  S_src_docs(&src, d, id);
  double own[S_NCOL];
  const double *nrm = S_row_norms(q, d, id, own);
  /* per group, 0 between rows: only the groups a row touches are read
   * (in order, so the sums are the same) and cleared after it; a row
   * matches two or three of a query's dozen groups */
  static _Thread_local double gscore[S_MAX_PHRASES];
  static _Thread_local unsigned char gbits[S_MAX_PHRASES];
  uint64_t touched[S_MAX_PHRASES / 64] = {0};
  uint64_t matched[S_MAX_PHRASES / 64] = {0}; /* the groups S_MATCH: a word's
                                                 list with a count */
  S_run r[S_MAX_PHRASES]; /* the words' lists: the fields before the body */
  S_run *act[S_MAX_PHRASES]; /* those with a position there (S_merge_act()) */
  kb_rank_body all[S_MAX_PHRASES]; /* the words' body matches, as r */
  uint64_t igroups[S_MAX_PHRASES / 64] = {0}; /* the groups of the runs */
  uint64_t bgroups[S_MAX_PHRASES / 64] = {0}; /* and of b's lists */
  int nw = 0, na = 0, nb = 0, total = 0, title = 0;
  for (int i = 0; i < nl; i++) {
    int p = l[i].phrase, j, k, t[S_NCOL] = {0};
    if (p >= q->nphrase || q->select[p]) continue;
    unsigned cols = S_list_cols(&l[i], t, 0, &j, &k); /* (the title's count) */
    if (cols) {
      /* the list's weighted term frequency made at load, for q's norms
       * (kb_postings_weigh()), else now from its counts: the same sum */
      if (q->exact[p]) {
        gbits[q->group[p]] |= S_EXACT; /* (S_score_phrase()) */
      } else {
        double wtf = S_kept_wtf(q, &l[i]);
        if (!(wtf > 0)) {
          int c[S_NCOL] = {0}, cj, ck;
          wtf = S_wtf(c, S_cols(&l[i], c, &cj, &ck), nrm);
        }
        S_score_wtf(q, p, wtf, cols, gscore, gbits);
      }
      /* (the group as unsigned: its word and bit by a shift and a mask,
       * where a signed one's / and % by 64 round toward zero) */
      unsigned g = (unsigned)q->group[p];
      uint64_t bit = (uint64_t)1 << (g % 64);
      touched[g / 64] |= bit;
      if (!q->exact[p]) matched[g / 64] |= bit;
    }
    if (q->exact[p]) continue;
    title += t[0];
    /* the runs to merge and the words with body matches kept as they
     * come (written, then kept or not: no branch, and no second pass over
     * the words whose end was mispredicted once a row, callgrind
     * --branch-sim); the group read once (the stores to b may alias it,
     * for the compiler) */
    int g = q->group[p];
    unsigned ug = (unsigned)g;
    r[nw] = (S_run){.at = l[i].pos, .end = l[i].pos + j, .group = g};
    act[na] = &r[nw];
    na += j > 0;
    all[nw] = (kb_rank_body){.group = g, .n = k - j, .pos = l[i].pos + j};
    b[nb] = all[nw++];
    nb += k > j;
    igroups[ug / 64] |= (uint64_t)(j > 0) << (ug % 64);
    bgroups[ug / 64] |= (uint64_t)(k > j) << (ug % 64);
    total += k;
  }
  if (total <= S_MAX_INST) {
    /* all kept (S_count()): the other fields' merged, the body's read in
     * their lists by proximity: the words with body matches only (a
     * word without one is near nothing there) */
    a->kept = S_merge_act(act, na, a->inst, S_MAX_INST);
    a->body = b;
    a->nbody = nb;
    a->igroups = igroups;
    a->bgroups = bgroups;
  } else {
    /* only the first S_MAX_INST in position order are kept: merged with
     * the body's, each list's kept body matches those the merge took */
    for (int i = 0; i < nw; i++) r[i].end = all[i].pos + all[i].n;
    a->kept = S_merge(r, nw, a->inst, S_MAX_INST);
    for (int i = 0; i < nw; i++)
      all[i].n = r[i].at - all[i].pos > 0 ? (int)(r[i].at - all[i].pos) : 0;
    nb = 0;
    for (int i = 0; i < nw; i++)
      if (all[i].n > 0) b[nb++] = all[i];
  }
  /* the title's come first in position order: those of the kept */
  a->title = title < a->kept ? title : a->kept;
  S_score_touched(q, gscore, gbits, touched, f); /* (and clears them) */
  /* a pair of adjacent words needs a match of each: none in most rows of
   * a query of few words */
  uint64_t open[S_MAX_PHRASES / 64] = {matched[0] & (matched[0] >> 1 | matched[1] << 63),
                                       matched[1] & matched[1] >> 1};
  S_score_near(q, &src, a, open, f);
  *body = b; /* (the words with body matches) */
  *nbody = nb;
}

/* The bounds are exact but for the phrase match's: its mass is summed in
 * another order than S_phrase_match() sums it, so it may differ in the
 * last bits; this margin is many times what rounding can make of it. */
#define S_PHRASE_MARGIN (1 + 1e-9)

void kb_rank_row_part(const kb_rank_query *q, const kb_rank_docs *d, sqlite3_int64 id,
                      const kb_rank_list *l, int nl, unsigned ablate, kb_rank_part *part,
                      int (*cut)[2]) {
  /* each phrase has one list in a row: its counts are scored as they are
   * made, into the groups it touches, as kb_rank_row_lists() does (a
   * table of counts per phrase cleared, filled and read back, and two
   * passes over every group of the query, were a sixth of a row's part:
   * the same sums in the same order, so the same features) */
  static _Thread_local double gscore[S_MAX_PHRASES];
  static _Thread_local unsigned char gbits[S_MAX_PHRASES];
  uint64_t touched[S_MAX_PHRASES / 64] = {0};
  double own[S_NCOL];
  const double *nrm = S_row_norms(q, d, id, own);
  for (int i = 0; i < nl; i++) {
    int p = l[i].phrase, t[S_NCOL] = {0};
    cut[i][1] = -1; /* not read after: neither a word's nor counted */
    if (p >= q->nphrase || q->select[p]) continue;
    unsigned cols = S_cols(&l[i], t, &cut[i][0], &cut[i][1]);
    if (cols) { /* (as kb_rank_row_lists() scores it) */
      if (q->exact[p]) {
        gbits[q->group[p]] |= S_EXACT;
      } else {
        double wtf = S_kept_wtf(q, &l[i]);
        S_score_wtf(q, p, wtf > 0 ? wtf : S_wtf(t, cols, nrm), cols, gscore, gbits);
      }
      touched[q->group[p] / 64] |= (uint64_t)1 << (q->group[p] % 64);
    }
    if (q->exact[p]) cut[i][1] = -1;
  }
  double *f = part->f, mass;
  uint64_t matched[S_MAX_PHRASES / 64];
  S_score_touched_bounds(q, gscore, gbits, touched, f, matched, &mass);
  /* the adjacent groups that both match: none
   * or one in most rows, counted bit by bit (__builtin_popcountll() is a
   * call into libgcc without -mpopcnt) */
  int pairs = 0;
  enum { NW = S_MAX_PHRASES / 64 };
  for (int w = 0; w < NW; w++) { /* group g and g + 1, across words too */
    uint64_t next = matched[w] >> 1 | (w + 1 < NW ? matched[w + 1] << 63 : 0);
    for (uint64_t m = matched[w] & next; m; m &= m - 1) pairs++;
  }
  part->lo = S_score(f, ablate); /* proximity and phrase 0 */
  /* At most: every two adjacent words that both match are near (a pair
   * needs a match of each), and the best authored phrase is all query
   * words, with the weight of every word matched in the phrases field
   * (S_phrase_match() takes a line's words from there). */
  double prox = q->nknown > 1 ? (double)pairs / (q->nknown - 1) : 0;
  if (prox > 1) prox = 1;
  double phrase = mass > 0 && q->gmass > 0 ? sqrt(mass / q->gmass) * S_PHRASE_MARGIN : 0;
  part->hi = S_score_of(f, prox, phrase, ablate); /* (f not copied) */
}

void kb_rank_row_rest(const kb_rank_query *q, const kb_rank_docs *d, sqlite3_int64 id,
                      const kb_rank_list *l, int nl, const kb_rank_part *part,
                      const int (*cut)[2], double *f, const kb_rank_body **body, int *nbody) {
  static _Thread_local kb_rank_body b[S_MAX_PHRASES];
  static _Thread_local S_inst inst[S_MAX_INST + 1];
  S_acc a = {.inst = inst, .title = -1};
  S_src src;
  S_src_docs(&src, d, id);
  /* what proximity reads of S_score_counts()'s bits: which groups match
   * (a word's list with a position in the five fields) */
  unsigned char gbits[S_MAX_PHRASES];
  if (q->ngroup <= S_FEW_GROUPS) memset(gbits, 0, S_FEW_GROUPS); /* (S_groups_start()) */
  else memset(gbits, 0, (size_t)q->ngroup);
  S_run r[S_MAX_PHRASES]; /* the words' lists: the fields before the body */
  int nw = 0, nb = 0, total = 0;
  for (int i = 0; i < nl; i++) {
    int j = cut[i][0], k = cut[i][1];
    if (k < 0) continue;
    int p = l[i].phrase;
    if (k > 0) gbits[q->group[p]] |= S_MATCH;
    r[nw] = (S_run){.at = l[i].pos, .end = l[i].pos + j, .group = q->group[p]};
    b[nw++] = (kb_rank_body){.group = q->group[p], .n = k - j, .pos = l[i].pos + j};
    total += k;
  }
  if (total <= S_MAX_INST) {
    /* all kept (S_count()): the other fields' merged, the body's read in
     * their lists by proximity */
    a.kept = S_merge(r, nw, a.inst, S_MAX_INST);
    a.body = b;
    a.nbody = nw;
  } else {
    /* only the first S_MAX_INST in position order are kept: merged with
     * the body's, each list's kept body matches those the merge took */
    for (int i = 0; i < nw; i++) r[i].end = b[i].pos + b[i].n;
    a.kept = S_merge(r, nw, a.inst, S_MAX_INST);
    for (int i = 0; i < nw; i++) b[i].n = r[i].at - b[i].pos > 0 ? (int)(r[i].at - b[i].pos) : 0;
  }
  memcpy(f, part->f, sizeof part->f);
  uint64_t open[S_MAX_PHRASES / 64];
  S_open_of(q, gbits, open);
  S_score_near(q, &src, &a, open, f);
  for (int i = 0; i < nw; i++) /* words with body matches */
    if (b[i].n > 0) b[nb++] = b[i];
  *body = b;
  *nbody = nb;
}

double kb_rank_list_wtf(const kb_rank_norms *n, sqlite3_int64 id, const kb_rank_list *l) {
  if (!n || id < 0 || id >= n->cap || l->n < 1) return 0;
  int t[S_NCOL] = {0}, j, k;
  unsigned cols = S_cols(l, t, &j, &k); /* (as kb_rank_row_lists() counts) */
  return S_wtf(t, cols, n->v + id * S_NCOL);
}

/* The body matches b[0..n) as instances, merged into position order (at
 * one position, by phrase: b's order), in a buffer of the thread's,
 * followed by S_INST_END; returns how many. */
static int S_marks_of(const kb_rank_body *b, int n, const S_inst **out) {
  static _Thread_local S_inst m[S_MAX_INST + 1];
  S_run r[S_MAX_PHRASES];
  int nr = 0;
  for (int i = 0; i < n && i < S_MAX_PHRASES; i++)
    r[nr++] = (S_run){.at = b[i].pos, .end = b[i].pos + b[i].n, .group = b[i].group};
  *out = m;
  int nm = S_merge(r, nr, m, S_MAX_INST);
  m[nm] = S_INST_END; /* (S_snippet_window()) */
  return nm;
}

void kb_rank_snippet(const kb_rank_docs *d, sqlite3_int64 id, const kb_rank_body *b, int n,
                     double *f) {
  S_src src; /* (not cleared whole: S_src_docs()) */
  S_src_docs(&src, d, id);
  S_src_asides(&src, d, id);
  const S_inst *m;
  int nm = S_marks_of(b, n, &m), ngroup = 0;
  for (int i = 0; i < n && i < S_MAX_PHRASES; i++) /* (S_marks_of()'s lists') */
    if (b[i].group >= ngroup) ngroup = b[i].group + 1;
  S_snippet_window(&src, m, nm, ngroup, f);
}



/* Per group, cleared for the query's groups only (a row's cost): the
 * best score of its phrases (gscore) and what it matches (gbits,
 * S_MATCH...); both hold S_MAX_PHRASES. */
static inline __attribute__((always_inline)) void S_groups_start(const S_query *q, double *gscore,
                                                                 unsigned char *gbits) {
  size_t ng = (size_t)q->ngroup;
  if (ng <= S_FEW_GROUPS) {
    memset(gscore, 0, S_FEW_GROUPS * sizeof *gscore);
    memset(gbits, 0, S_FEW_GROUPS);
    return;
  }
  for (size_t g = 0; g < ng; g++) gscore[g] = 0;
  memset(gbits, 0, ng);
}

/* The columns t[S_NCOL] has a count in (bit c: column c). */
static unsigned S_cols_of(const int *t) {
  unsigned cols = 0;
  for (int c = 0; c < S_NCOL; c++)
    if (t[c]) cols |= 1u << c;
  return cols;
}

/* BM25F's weighted term frequency of term frequencies t[S_NCOL] in a row
 * of length normalisations nrm (kb_rank_norm()), cols the columns with a count
 * (S_cols_of(t)): summed over those, in order. */
static inline double S_wtf(const int *t, unsigned cols, const double *nrm) {
  double wtf = 0;
  for (unsigned m = cols; m; m &= m - 1) {
    int c = __builtin_ctz(m);
    wtf += S_w[c] * t[c] / nrm[c];
  }
  return wtf;
}

/* Phrase p, with term frequencies t[S_NCOL] in a row of length
 * normalisations nrm (kb_rank_norm()), into its group's gscore and gbits; cols
 * the columns with a count (S_cols_of(t), one at least): only they are
 * read, in order (the same sum), and what the group matches is set at
 * once: a match, and strong in the title, the phrases field or the tags
 * (a test and three stores per column were a fifth of a row's cost). */
static inline __attribute__((always_inline)) void S_score_phrase(const S_query *q,
                                                                 const double *nrm, int p,
                                                                 const int *t, unsigned cols,
                                                                 double *gscore,
                                                                 unsigned char *gbits) {
  if (q->exact[p]) {
    gbits[q->group[p]] |= S_EXACT;
    return;
  }
  S_score_wtf(q, p, S_wtf(t, cols, nrm), cols, gscore, gbits);
}

/* S_score_phrase() of phrase p (not an exact form) whose weighted term
 * frequency (S_wtf()) is wtf. */
static inline __attribute__((always_inline)) void S_score_wtf(const S_query *q, int p, double wtf,
                                                              unsigned cols, double *gscore,
                                                              unsigned char *gbits) {
  static const unsigned char bits[8] = {
      S_MATCH,
      S_MATCH | S_STRONG | S_TITLE,
      S_MATCH | S_STRONG | S_LINES,
      S_MATCH | S_STRONG | S_TITLE | S_LINES,
      S_MATCH | S_STRONG,
      S_MATCH | S_STRONG | S_TITLE,
      S_MATCH | S_STRONG | S_LINES,
      S_MATCH | S_STRONG | S_TITLE | S_LINES};
  /* (the group read once: the store to gbits may alias q, for the
   * compiler; weight times idf and the exact bit made per query, not per
   * list: the same product, so the same score; 0.5 K instructions a kb/
   * suggest, callgrind) */
  int g = q->group[p];
  gbits[g] |= bits[cols & 7] | q->implies[p];
  double s = q->widf[p] * wtf * (S_k1 + 1) / (wtf + S_k1);
  if (s > gscore[g]) gscore[g] = s;
}

/* The features of a row from its groups' sums (S_score_groups()). */
static void S_features_of(const S_query *q, double bm, double cov, double strong, double title,
                          double exactm, double *f) {
  double mass = q->fmass; /* (S_query_init()) */
  f[KB_FEAT_BM25F] = bm;
  f[KB_FEAT_COVERAGE] = cov / mass;
  f[KB_FEAT_STRONG] = strong / mass;
  f[KB_FEAT_PROXIMITY] = 0;
  f[KB_FEAT_TITLE] = title / mass;
  f[KB_FEAT_GROUPS] = q->fgroups;
  f[KB_FEAT_KNOWN] = q->fknown;
  f[KB_FEAT_PHRASE] = 0;
  f[KB_FEAT_EXACT] = exactm / mass;
}

/* The features of a row that its groups' gscore and gbits give (all but
 * proximity and the phrase match, left 0). */
static void S_score_groups(const S_query *q, const double *gscore, const unsigned char *gbits,
                           double *f) {
  double bm = 0, cov = 0, strong = 0, title = 0, exactm = 0;
  for (int g = 0; g < q->ngroup; g++) {
    bm += gscore[g];
    if (gbits[g] & S_EXACT) exactm += q->gidf[g];
    if (gbits[g] & S_MATCH) cov += q->gidf[g];
    if (gbits[g] & S_STRONG) strong += q->gidf[g];
    if (gbits[g] & S_TITLE) title += q->gidf[g];
  }
  S_features_of(q, bm, cov, strong, title, exactm, f);
}

/* v where bit is not 0, else +0: a select without a branch. (Adding +0
 * leaves a sum as it was, -0 aside, which a sum begun at +0 never is.) */
static inline double S_if(unsigned bit, double v) {
  union {
    double d;
    uint64_t u;
  } x = {.d = v};
  x.u &= -(uint64_t)(bit != 0);
  return x.d;
}

#ifdef __SSE2__
/* S_if()'s masks for a group's bits b (the low four, S_LINES aside), as
 * two pairs of lanes: (S_EXACT, S_MATCH) and (S_STRONG, S_TITLE). */
#define S_ALL(b, bit) ((b) & (bit) ? ~(uint64_t)0 : 0)
#define S_LANES(b) {{S_ALL(b, S_EXACT), S_ALL(b, S_MATCH), S_ALL(b, S_STRONG), S_ALL(b, S_TITLE)}}
static const union {
  uint64_t u[4];
  __m128d v[2];
} S_lanes[16] = {S_LANES(0),  S_LANES(1),  S_LANES(2),  S_LANES(3),  S_LANES(4),  S_LANES(5),
                 S_LANES(6),  S_LANES(7),  S_LANES(8),  S_LANES(9),  S_LANES(10), S_LANES(11),
                 S_LANES(12), S_LANES(13), S_LANES(14), S_LANES(15)};
#undef S_LANES
#undef S_ALL
#endif

/* S_score_groups() over the groups in touched only (bit g: gbits[g] is
 * not 0), the others 0: what they added to the sums was +0 and nothing;
 * each group's gscore and gbits cleared once read, for the next row (in
 * the same pass: a second over touched missed its end once a row). The
 * sums add +0 for a bit not set (S_if()), not a branch per bit. With
 * matched (not NULL: a constant, so inlined without it where it is NULL),
 * what bounds the rest too (kb_rank_row_part()): into matched the groups
 * that match (bit g), into *lines the weight (gidf) of those matched in
 * the phrases field, summed in the groups' order. */
static inline __attribute__((always_inline)) void S_touched(const S_query *q, double *gscore,
                                                            unsigned char *gbits,
                                                            const uint64_t *touched, double *f,
                                                            uint64_t *matched, double *lines) {
  double bm = 0, cov = 0, strong = 0, title = 0, exactm = 0, mass1 = 0;
#ifdef __SSE2__
  /* the four sums two by two, (exactm, cov) and (strong, title): each lane
   * adds what its own sum added, in the same order, so the same sums, an
   * and and an add a pair (an S_if() a sum was 1.3 K instructions a kb/
   * suggest more, callgrind) */
  __m128d ec = _mm_setzero_pd(), st = _mm_setzero_pd();
#endif
  for (int w = 0; w < S_MAX_PHRASES / 64; w++) {
    uint64_t mw = 0;
    for (uint64_t m = touched[w]; m; m &= m - 1) {
      int g = w * 64 + __builtin_ctzll(m);
      unsigned b = gbits[g];
      double v = q->gidf[g];
      bm += gscore[g];
#ifdef __SSE2__
      __m128d vv = _mm_set1_pd(v);
      ec = _mm_add_pd(ec, _mm_and_pd(vv, S_lanes[b & 15].v[0]));
      st = _mm_add_pd(st, _mm_and_pd(vv, S_lanes[b & 15].v[1]));
#else
      exactm += S_if(b & S_EXACT, v);
      cov += S_if(b & S_MATCH, v);
      strong += S_if(b & S_STRONG, v);
      title += S_if(b & S_TITLE, v);
#endif
      if (matched) { /* (S_LINES comes with S_MATCH: S_score_phrase()) */
        mass1 += S_if(b & S_LINES, v);
        mw |= (uint64_t)(b & S_MATCH) << (g % 64);
      }
      gscore[g] = 0;
      gbits[g] = 0;
    }
    if (matched) matched[w] = mw;
  }
  if (matched) *lines = mass1;
#ifdef __SSE2__
  exactm = _mm_cvtsd_f64(ec);
  cov = _mm_cvtsd_f64(_mm_unpackhi_pd(ec, ec));
  strong = _mm_cvtsd_f64(st);
  title = _mm_cvtsd_f64(_mm_unpackhi_pd(st, st));
#endif
  S_features_of(q, bm, cov, strong, title, exactm, f);
}

static void S_score_touched(const S_query *q, double *gscore, unsigned char *gbits,
                            const uint64_t *touched, double *f) {
  S_touched(q, gscore, gbits, touched, f, NULL, NULL);
}

/* S_score_touched() and the bounds' sums (S_touched()'s matched and lines). */
static void S_score_touched_bounds(const S_query *q, double *gscore, unsigned char *gbits,
                                   const uint64_t *touched, double *f, uint64_t *matched,
                                   double *lines) {
  S_touched(q, gscore, gbits, touched, f, matched, lines);
}

/* The features of a row of normalisations nrm (kb_rank_norm()) that its term
 * frequencies (a's) give, and into gbits[q->ngroup] what each group
 * matches: S_score_groups(). */
static void S_score_counts(const S_query *q, const double *nrm, const S_acc *a, double *f,
                           unsigned char *gbits) {
  double gscore[S_MAX_PHRASES];
  S_groups_start(q, gscore, gbits);
  for (int h = 0; h < a->nhit; h++) /* phrases that do not occur add nothing */
    S_score_phrase(q, nrm, a->hit[h], a->tf[a->hit[h]],
                   S_cols_of(a->tf[a->hit[h]]), gscore, gbits);
  S_score_groups(q, gscore, gbits, f);
}

/* The pairs of adjacent groups (g, g + 1) whose second matches, as
 * gbits says (S_score_counts()), into open (bit g, S_MAX_PHRASES bits):
 * what S_score_near() looks for. */
static void S_open_of(const S_query *q, const unsigned char *gbits, uint64_t *open) {
  for (int w = 0; w < S_MAX_PHRASES / 64; w++) open[w] = 0;
  for (int g = 0; g + 1 < q->ngroup; g++)
    open[g / 64] |= (uint64_t)((gbits[g + 1] & S_MATCH) != 0) << (g % 64);
}

/* The features the positions give, proximity and the phrase match, into
 * f, from a's kept instances (and body lists); open (S_open_of(), or
 * kb_rank_row_lists()'s: a pair whose first does not match is never
 * found, so it may be left out) the pairs of adjacent query words to look
 * for, S_MAX_PHRASES bits, each cleared when found. */
/* (Inlined into its three callers: a call from kb_rank_row_lists() per
 * row ranked, with its S_acc read back from memory, was 1.2 K
 * instructions a kb/ suggest, callgrind.) */
static inline __attribute__((always_inline)) void S_score_near(const S_query *q, const S_src *src,
                                                               const S_acc *a, uint64_t *open,
                                                               double *f) {
  const S_inst *inst = a->inst;
  int kept = a->kept;
  int pairs = 0; /* of open's bits cleared */
  /* proximity: query word g followed within two positions by word g+1,
   * among the instances and in the body's lists (kb_near.c). open bit g:
   * the pair (g, g+1) is still to be found and can be (word g+1 has a
   * match in the row: a kept instance of a group is a match of it). (Bits,
   * not a byte per group: made with the row's other masks, no loop over
   * the query's groups per row.) */
  a->inst[kept] = S_INST_END; /* (kb_near_pairs(), S_phrase_match()) */
  if (open[0] | open[1])
    pairs = kb_near_pairs(inst, kept, a->igroups, a->body, a->nbody, a->bgroups, open);
  f[KB_FEAT_PROXIMITY] = q->nknown > 1 ? (double)pairs / (q->nknown - 1) : 0;
  if (f[KB_FEAT_PROXIMITY] > 1) f[KB_FEAT_PROXIMITY] = 1;
  f[KB_FEAT_PHRASE] = S_phrase_match(src, q, inst, a->title);
}

/* The features of a row from its term frequencies and kept instances. */
static void S_score_row(const S_query *q, const S_src *src, const S_acc *a, double *f) {
  unsigned char gbits[S_MAX_PHRASES];
  double nrm[S_NCOL];
  S_norms_of(q, src->len, nrm);
  S_score_counts(q, nrm, a, f, gbits);
  uint64_t open[S_MAX_PHRASES / 64];
  S_open_of(q, gbits, open);
  S_score_near(q, src, a, open, f);
}

static void S_features(const Fts5ExtensionApi *api, Fts5Context *fts,
                       sqlite3_context *ctx, int nval, sqlite3_value **val) {
  S_query *q = api->xGetAuxdata(fts, 0);
  int rc = SQLITE_OK;
  if (!q) {
    const char *groups = nval > 0 ? (const char *)sqlite3_value_text(val[0]) : NULL;
    const char *weights = nval > 1 ? (const char *)sqlite3_value_text(val[1]) : NULL;
    const char *exact = nval > 2 ? (const char *)sqlite3_value_text(val[2]) : NULL;
    const char *dfs = nval > 3 ? (const char *)sqlite3_value_text(val[3]) : NULL;
    int ngroups = nval > 4 ? sqlite3_value_int(val[4]) : 0;
    q = S_query_new(api, fts, groups, weights, exact, dfs, ngroups, &rc);
    if (rc == SQLITE_OK) rc = api->xSetAuxdata(fts, q, free);
    else free(q);
  }
  double f[KB_RANK_NOUT];
  if (rc == SQLITE_OK) rc = S_row(api, fts, q, f);
  if (rc != SQLITE_OK) {
    sqlite3_result_error_code(ctx, rc);
    return;
  }
  sqlite3_result_blob(ctx, f, sizeof f, SQLITE_TRANSIENT);
}

static fts5_api *S_api(sqlite3 *db) {
  fts5_api *api = NULL;
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK) return NULL;
  sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
  sqlite3_step(st);
  sqlite3_finalize(st);
  return api;
}

int kb_rank_register(sqlite3 *db, const kb_rank_docs *docs) {
  fts5_api *api = S_api(db);
  if (!api) return SQLITE_ERROR;
  return api->xCreateFunction(api, "kb_features", (void *)docs, S_features, NULL);
}

/*--- Score and confidence ------------------------------------------------*/

double kb_rank_score(const double *f) { return kb_rank_score_without(f, 0); }

double kb_rank_score_without(const double *f, unsigned off) { return S_score(f, off); }

static inline double S_score(const double *f, unsigned off) {
  return S_score_of(f, f[KB_FEAT_PROXIMITY], f[KB_FEAT_PHRASE], off);
}

static inline double S_score_of(const double *f, double prox, double phrase, unsigned off) {
  return f[KB_FEAT_BM25F] * (0.4 + 0.6 * f[KB_FEAT_COVERAGE]) *
         (1.0 + 0.5 * f[KB_FEAT_STRONG] + (off & KB_ABLATE_PROXIMITY ? 0 : 0.3) * prox +
          (off & KB_ABLATE_PHRASE ? 0 : 3.0) * phrase +
          (off & KB_ABLATE_EXACT ? 0 : 0.2) * f[KB_FEAT_EXACT]);
}
