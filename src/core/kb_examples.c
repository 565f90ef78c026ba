/*
 * kb_examples.c - labelled example mentions and a mention's nearness to
 * them (see kb_examples.h): an inverted list of the examples' weighted
 * terms, made once when the index is opened, read by each suggest.
 */
#include "kb_examples.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "kb_index_impl.h"
#include "kb_util.h"

struct kb_examples {
  int n;          /* examples */
  int *slug;      /* each example's slug, a number into slugs */
  char **slugs;   /* the distinct slugs, sorted (strcmp) */
  int nslugs;
  int none;       /* the number of "-" in slugs, or -1 */
  /* the terms: an open-addressing hash of their strings, and per term
   * its idf and its postings (example, weight / the example's norm) */
  char **term;
  int nterm, capterm;
  int *slot;      /* term + 1, 0 empty; nslot a power of two */
  int nslot;
  double *idf;
  int *pstart;    /* nterm + 1 offsets into pex, pw */
  int *pex;
  double *pw;
};

struct kb_examples_scores {
  const kb_examples *e;
  double *best;   /* per slug */
  double none;
};

/*--- Terms ---------------------------------------------------------------*/

/* A query's terms as kb-eval --terms and examples.py's EX_WORDS=stems
 * read them: the quoted strings of the MATCH expression (as Python's
 * re.findall('"([^"]*)"') finds them), paired in order with the groups
 * (as zip() pairs them: the shorter list ends it), the exact forms ("=")
 * and every phrase after the first of its group left out. Appends each
 * (owned) to *v. */
typedef struct {
  char **v;
  int n, cap;
} S_terms;

static void S_terms_push(S_terms *t, const char *p, size_t n) {
  if (t->n == t->cap) {
    t->cap = t->cap ? 2 * t->cap : 16;
    t->v = kb_xrealloc(t->v, (size_t)t->cap * sizeof *t->v);
  }
  char *z = kb_xmalloc(n + 1);
  memcpy(z, p, n);
  z[n] = 0;
  t->v[t->n++] = z;
}

static void S_terms_free(S_terms *t) {
  for (int i = 0; i < t->n; i++) free(t->v[i]);
  free(t->v);
}

static void S_query_terms(const kb_query *q, S_terms *out) {
  kb_query_strings qs;
  kb_query_strings_of(q, &qs);
  const char *m = qs.match.p, *mend = m ? m + qs.match.n : NULL;
  const char *g = qs.groups.p, *gend = g ? g + qs.groups.n : NULL;
  S_terms seen = {0};
  while (m && g) {
    const char *a = memchr(m, '"', (size_t)(mend - m));
    const char *b = a ? memchr(a + 1, '"', (size_t)(mend - a - 1)) : NULL;
    if (!b) break;
    while (g < gend && *g == ' ') g++;
    const char *ge = g;
    while (ge < gend && *ge != ' ') ge++;
    if (ge == g) break; /* no group left */
    size_t n = (size_t)(b - a - 1);
    int dup = 0;
    for (int i = 0; i < seen.n && !dup; i++)
      dup = strlen(seen.v[i]) == (size_t)(ge - g) && !memcmp(seen.v[i], g, (size_t)(ge - g));
    if (!(n > 0 && a[1] == '=') && !dup) {
      S_terms_push(&seen, g, (size_t)(ge - g));
      S_terms_push(out, a + 1, n);
    }
    m = b + 1;
    g = ge;
  }
  S_terms_free(&seen);
  kb_query_strings_cleanup(&qs);
}

/* The number of term w, or -1; with add, added when new. */
static int S_term(kb_examples *e, const char *w, int add) {
  if (e->nslot) {
    for (uint32_t i = kb_hash(w, strlen(w));; i++) {
      int k = e->slot[i & (uint32_t)(e->nslot - 1)];
      if (!k) break;
      if (!strcmp(e->term[k - 1], w)) return k - 1;
    }
  }
  if (!add) return -1;
  if (e->nterm == e->capterm) {
    e->capterm = e->capterm ? 2 * e->capterm : 1024;
    e->term = kb_xrealloc(e->term, (size_t)e->capterm * sizeof *e->term);
    free(e->slot);
    e->nslot = 4 * e->capterm;
    e->slot = kb_xcalloc((size_t)e->nslot, sizeof *e->slot);
    for (int k = 0; k < e->nterm; k++) {
      uint32_t i = kb_hash(e->term[k], strlen(e->term[k]));
      while (e->slot[i & (uint32_t)(e->nslot - 1)]) i++;
      e->slot[i & (uint32_t)(e->nslot - 1)] = k + 1;
    }
  }
  e->term[e->nterm] = kb_xstrdup(w);
  uint32_t i = kb_hash(w, strlen(w));
  while (e->slot[i & (uint32_t)(e->nslot - 1)]) i++;
  e->slot[i & (uint32_t)(e->nslot - 1)] = e->nterm + 1;
  return e->nterm++;
}

/* Distinct terms of t with their counts (tf): ids[i] the term's number
 * in e (-1 unknown), first[i] its string. Returns how many. */
static int S_counts(const kb_examples *e, const S_terms *t, int *ids, int *tf, const char **first) {
  int n = 0;
  for (int i = 0; i < t->n; i++) {
    int k = 0;
    while (k < n && strcmp(first[k], t->v[i])) k++;
    if (k == n) {
      first[n] = t->v[i];
      ids[n] = S_term((kb_examples *)e, t->v[i], 0);
      tf[n++] = 0;
    }
    tf[k]++;
  }
  return n;
}

/*--- Loading -------------------------------------------------------------*/

static int S_cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int S_slug_of(const kb_examples *e, const char *slug) {
  char *const *p = bsearch(&slug, e->slugs, (size_t)e->nslugs, sizeof *e->slugs, S_cmp_str);
  return p ? (int)(p - e->slugs) : -1;
}

/* The examples' slugs, numbered. */
static void S_number_slugs(kb_examples *e, char **raw) {
  e->slugs = kb_xmalloc((size_t)e->n * sizeof *e->slugs);
  for (int i = 0; i < e->n; i++) e->slugs[i] = raw[i];
  qsort(e->slugs, (size_t)e->n, sizeof *e->slugs, S_cmp_str);
  int k = 0;
  for (int i = 0; i < e->n; i++)
    if (k == 0 || strcmp(e->slugs[k - 1], e->slugs[i])) e->slugs[k++] = kb_xstrdup(e->slugs[i]);
  e->nslugs = k;
  e->slug = kb_xmalloc((size_t)e->n * sizeof *e->slug);
  for (int i = 0; i < e->n; i++) e->slug[i] = S_slug_of(e, raw[i]);
  e->none = S_slug_of(e, "-");
}

/* Each example's postings, weighted, from its terms t[i]. */
static void S_postings(kb_examples *e, S_terms *t) {
  int *df = kb_xcalloc((size_t)e->nterm + 1, sizeof *df);
  int cap = 0;
  for (int i = 0; i < e->n; i++) cap = t[i].n > cap ? t[i].n : cap;
  int *ids = kb_xmalloc(((size_t)cap + 1) * sizeof *ids), *tf = kb_xmalloc(((size_t)cap + 1) * sizeof *tf);
  const char **first = kb_xmalloc(((size_t)cap + 1) * sizeof *first);
  for (int i = 0; i < e->n; i++) {
    int nd = S_counts(e, &t[i], ids, tf, first);
    for (int k = 0; k < nd; k++) df[ids[k]]++;
  }
  e->idf = kb_xmalloc(((size_t)e->nterm + 1) * sizeof *e->idf);
  e->pstart = kb_xcalloc((size_t)e->nterm + 2, sizeof *e->pstart);
  for (int k = 0; k < e->nterm; k++) {
    e->idf[k] = log((double)(e->n + 1) / df[k]);
    e->pstart[k + 1] = e->pstart[k] + df[k];
  }
  e->pex = kb_xmalloc(((size_t)e->pstart[e->nterm] + 1) * sizeof *e->pex);
  e->pw = kb_xmalloc(((size_t)e->pstart[e->nterm] + 1) * sizeof *e->pw);
  memset(df, 0, (size_t)e->nterm * sizeof *df); /* now: postings filled per term */
  double *w = kb_xmalloc(((size_t)cap + 1) * sizeof *w);
  for (int i = 0; i < e->n; i++) {
    int nd = S_counts(e, &t[i], ids, tf, first);
    double norm = 0;
    for (int k = 0; k < nd; k++) {
      w[k] = (1 + log(tf[k])) * e->idf[ids[k]];
      norm += w[k] * w[k];
    }
    norm = norm > 0 ? sqrt(norm) : 1.0;
    for (int k = 0; k < nd; k++) {
      int at = e->pstart[ids[k]] + df[ids[k]]++;
      e->pex[at] = i; /* examples in order: each list ascending */
      e->pw[at] = w[k] / norm;
    }
  }
  free(w);
  free(first);
  free(tf);
  free(ids);
  free(df);
}

kb_examples *kb_examples_load(kb_index *ix, const char *lang) {
  int li = kb_index_lang_find(ix, lang);
  sqlite3_stmt *st = NULL;
  if (li < 0 || sqlite3_prepare_v2(ix->db, "SELECT slug, text FROM examples WHERE lang = ?1 ORDER BY line",
                                   -1, &st, NULL) != SQLITE_OK)
    return NULL; /* an index made before examples: none */
  sqlite3_bind_text(st, 1, lang, -1, SQLITE_STATIC);
  kb_examples *e = kb_xcalloc(1, sizeof *e);
  char **raw = NULL;
  S_terms *t = NULL;
  int cap = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *slug = (const char *)sqlite3_column_text(st, 0);
    const char *text = (const char *)sqlite3_column_text(st, 1);
    if (!slug || !text) continue;
    if (e->n == cap) {
      cap = cap ? 2 * cap : 256;
      raw = kb_xrealloc(raw, (size_t)cap * sizeof *raw);
      t = kb_xrealloc(t, (size_t)cap * sizeof *t);
    }
    kb_query *q = kb_index_analyze(ix, text, strlen(text), 0, 0);
    if (!q) continue; /* not UTF-8: kb-index does not write it */
    kb_query_set_lang(q, li);
    t[e->n] = (S_terms){0};
    S_query_terms(q, &t[e->n]);
    kb_query_free(q);
    for (int k = 0; k < t[e->n].n; k++) S_term(e, t[e->n].v[k], 1);
    raw[e->n++] = kb_xstrdup(slug);
  }
  sqlite3_finalize(st);
  if (e->n) {
    S_number_slugs(e, raw);
    S_postings(e, t);
  }
  for (int i = 0; i < e->n; i++) {
    S_terms_free(&t[i]);
    free(raw[i]);
  }
  free(t);
  free(raw);
  if (!e->n) {
    kb_examples_free(e);
    return NULL;
  }
  return e;
}

void kb_examples_free(kb_examples *e) {
  if (!e) return;
  for (int i = 0; i < e->nslugs; i++) free(e->slugs[i]);
  free(e->slugs);
  free(e->slug);
  for (int i = 0; i < e->nterm; i++) free(e->term[i]);
  free(e->term);
  free(e->slot);
  free(e->idf);
  free(e->pstart);
  free(e->pex);
  free(e->pw);
  free(e);
}

int kb_examples_count(const kb_examples *e) { return e ? e->n : 0; }

/*--- Scoring -------------------------------------------------------------*/

/* 1 if example a (cosine sa) is nearer than b (sb): higher, then first. */
static int S_nearer(double sa, int a, double sb, int b) { return sa > sb || (sa == sb && a < b); }

kb_examples_scores *kb_examples_score(const kb_examples *e, const kb_query *q, int skip) {
  if (!e) return NULL;
  kb_examples_scores *s = kb_xcalloc(1, sizeof *s);
  s->e = e;
  s->best = kb_xcalloc((size_t)e->nslugs, sizeof *s->best);
  S_terms t = {0};
  S_query_terms(q, &t);
  int *ids = kb_xmalloc(((size_t)t.n + 1) * sizeof *ids), *tf = kb_xmalloc(((size_t)t.n + 1) * sizeof *tf);
  const char **first = kb_xmalloc(((size_t)t.n + 1) * sizeof *first);
  int nd = S_counts(e, &t, ids, tf, first);
  double norm = 0;
  double *w = kb_xmalloc(((size_t)nd + 1) * sizeof *w);
  for (int k = 0; k < nd; k++) {
    /* a term no example has: as if it had df 1 (the mention's own) */
    double idf = ids[k] >= 0 ? e->idf[ids[k]] : log((double)(e->n + 1));
    w[k] = (1 + log(tf[k])) * idf;
    norm += w[k] * w[k];
  }
  norm = norm > 0 ? sqrt(norm) : 1.0;
  double *acc = kb_xcalloc((size_t)e->n, sizeof *acc);
  int *touched = kb_xmalloc(((size_t)e->n + 1) * sizeof *touched), nt = 0;
  for (int k = 0; k < nd; k++) {
    if (ids[k] < 0) continue;
    double x = w[k] / norm;
    for (int p = e->pstart[ids[k]]; p < e->pstart[ids[k] + 1]; p++) {
      int j = e->pex[p];
      if (j == skip) continue;
      if (acc[j] == 0) touched[nt++] = j;
      acc[j] += x * e->pw[p];
    }
  }
  /* the K nearest, kept in order */
  int top[KB_EXAMPLES_K], ntop = 0;
  for (int i = 0; i < nt; i++) {
    int j = touched[i];
    double v = acc[j];
    if (v > s->best[e->slug[j]]) s->best[e->slug[j]] = v;
    int at = ntop;
    while (at > 0 && S_nearer(v, j, acc[top[at - 1]], top[at - 1])) at--;
    if (at >= KB_EXAMPLES_K) continue;
    if (ntop < KB_EXAMPLES_K) ntop++;
    memmove(top + at + 1, top + at, (size_t)(ntop - 1 - at) * sizeof *top);
    top[at] = j;
  }
  double tot = 0, none = 0;
  for (int i = 0; i < ntop; i++) {
    tot += acc[top[i]];
    if (e->slug[top[i]] == e->none) none += acc[top[i]];
  }
  s->none = tot > 0 ? none / tot : 0;
  free(touched);
  free(acc);
  free(w);
  free(first);
  free(tf);
  free(ids);
  S_terms_free(&t);
  return s;
}

void kb_examples_scores_free(kb_examples_scores *s) {
  if (!s) return;
  free(s->best);
  free(s);
}

double kb_examples_max(const kb_examples_scores *s, const char *slug) {
  if (!s || !slug) return 0;
  int k = S_slug_of(s->e, slug);
  return k >= 0 ? s->best[k] : 0;
}

double kb_examples_none(const kb_examples_scores *s) { return s ? s->none : 0; }
