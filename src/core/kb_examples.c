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

#include "kb_arena.h"
#include "kb_index_impl.h"
#include "kb_slugs.h"
#include "kb_util.h"

/*--- Terms ---------------------------------------------------------------*/

/* A query's terms as kb-eval --terms and examples.py's EX_WORDS=stems
 * read them: the first phrase of each group of its MATCH expression
 * (kb_query_first_phrases()). (examples.py also leaves out exact forms,
 * "=..." phrases, but reads them with the raw-term byte before them: an
 * exact form comes after its word's stem, in the stem's group.) */
typedef struct {
  const char *p;
  int n;
} S_span;

typedef struct {
  kb_buf buf;  /* the terms, one after the other */
  S_span *v;   /* their spans in buf (p an offset until S_query_terms() ends) */
  int n, cap;
} S_terms;

struct kb_examples {
  char *lang;     /* the language they were read in (owned) */
  int n;          /* examples */
  int *slug;      /* each example's slug, a number into slugs */
  int *line;      /* each example's line in its examples.tsv */
  S_terms *words; /* each example's words as read (kb_examples_words()),
                     kept for kb_examples_words_of() until
                     kb_examples_drop_words(); NULL after */
  kb_slugs slugs; /* the distinct slugs, and each article row's */
  /* the terms: an open-addressing hash of their strings, and per term
   * its idf and its postings (example, weight / the example's norm) */
  char **term;
  int nterm, capterm;
  int *slot;      /* term + 1, 0 empty; nslot a power of two */
  int nslot;
  double *idf;
  double idf_unseen; /* a term no example has: log(N + 1), df taken as 1 */
  int *pstart;    /* nterm + 1 offsets into pex, pw */
  int *pex;
  double *pw;
};

struct kb_examples_scores {
  const kb_examples *e;
  double *best;   /* per slug */
  double none;
  size_t cap;     /* the allocation's bytes (kb_spare_give()) */
};


static void S_terms_free(S_terms *t) {
  kb_buf_cleanup(&t->buf);
  free(t->v);
}

static int S_span_eq(S_span a, S_span b) { return a.n == b.n && !memcmp(a.p, b.p, (size_t)a.n); }

static void S_add_phrase(void *ctx, const char *term, size_t n) {
  S_terms *t = ctx;
  if (t->n == t->cap) {
    t->cap = t->cap ? 2 * t->cap : 32;
    t->v = kb_xrealloc(t->v, (size_t)t->cap * sizeof *t->v);
  }
  t->v[t->n++] = (S_span){(const char *)(uintptr_t)t->buf.n, (int)n};
  kb_buf_put(&t->buf, term, n);
}

static void S_query_terms(const kb_mention *m, S_terms *out) {
  kb_examples_words(m, S_add_phrase, out);
  for (int i = 0; i < out->n; i++) out->v[i].p = out->buf.p + (uintptr_t)out->v[i].p;
}

void kb_examples_words(const kb_mention *m, void (*fn)(void *ctx, const char *term, size_t n),
                       void *ctx) {
  /* the place's span as the suggest path's search leaves it out
   * (kb_suggest.c's S_retrieve()), so the words it kept are read again */
  kb_geo_match place;
  size_t n, from = 0, to = 0;
  kb_mention_text(m, &n);
  if (kb_mention_place(m, &place) && place.end <= n) {
    from = place.start;
    to = place.end;
  }
  kb_query_first_phrases(kb_mention_query(m), from, to, fn, ctx);
  if (from < to) fn(ctx, KB_EXAMPLES_PLACE, sizeof KB_EXAMPLES_PLACE - 1);
}

/* The number of term w, or -1; with add, added when new. */
static int S_term(kb_examples *e, S_span w, int add) {
  if (e->nslot) {
    for (uint32_t i = kb_hash(w.p, (size_t)w.n);; i++) {
      int k = e->slot[i & (uint32_t)(e->nslot - 1)];
      if (!k) break;
      const char *t = e->term[k - 1];
      if (!strncmp(t, w.p, (size_t)w.n) && !t[w.n]) return k - 1;
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
  e->term[e->nterm] = kb_xstrndup(w.p, (size_t)w.n);
  uint32_t i = kb_hash(w.p, (size_t)w.n);
  while (e->slot[i & (uint32_t)(e->nslot - 1)]) i++;
  e->slot[i & (uint32_t)(e->nslot - 1)] = e->nterm + 1;
  return e->nterm++;
}

/* Distinct terms of t with their counts (tf): ids[i] the term's number
 * in e (-1 unknown), first[i] its string. Returns how many. */
static int S_counts(const kb_examples *e, const S_terms *t, int *ids, int *tf, S_span *first) {
  int n = 0;
  for (int i = 0; i < t->n; i++) {
    int k = 0;
    while (k < n && !S_span_eq(first[k], t->v[i])) k++;
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

/* Each example's postings, weighted, from its terms t[i]. */
static void S_postings(kb_examples *e, S_terms *t) {
  int *df = kb_xcalloc((size_t)e->nterm + 1, sizeof *df);
  int cap = 0;
  for (int i = 0; i < e->n; i++) cap = t[i].n > cap ? t[i].n : cap;
  int *ids = kb_xmalloc(((size_t)cap + 1) * sizeof *ids), *tf = kb_xmalloc(((size_t)cap + 1) * sizeof *tf);
  S_span *first = kb_xmalloc(((size_t)cap + 1) * sizeof *first);
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
  e->idf_unseen = log((double)(e->n + 1));
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

/* The language ix's examples table holds most examples in (ties: the
 * first by name), into buf; 0, or -1 when it has none (or no table). */
static int S_examples_lang(kb_index *ix, char *buf, size_t n) {
  sqlite3_stmt *st = NULL;
  int rc = -1;
  if (sqlite3_prepare_v2(ix->db, "SELECT lang FROM examples GROUP BY lang ORDER BY count(*) DESC, lang"
                                 " LIMIT 1", -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
    snprintf(buf, n, "%s", (const char *)sqlite3_column_text(st, 0));
    rc = 0;
  }
  sqlite3_finalize(st);
  return rc;
}

kb_examples *kb_examples_load(kb_index *ix, const kb_geo *geo, const char *lang) {
  char most[16];
  if (!lang) {
    if (S_examples_lang(ix, most, sizeof most) != 0) return NULL;
    lang = most;
  }
  int li = kb_index_lang_find(ix, lang);
  sqlite3_stmt *st = NULL;
  if (li < 0 || sqlite3_prepare_v2(ix->db,
                                   "SELECT slug, text, line FROM examples WHERE lang = ?1 ORDER BY line",
                                   -1, &st, NULL) != SQLITE_OK)
    return NULL; /* an index made before examples: none */
  sqlite3_bind_text(st, 1, lang, -1, SQLITE_STATIC);
  kb_examples *e = kb_xcalloc(1, sizeof *e);
  e->lang = kb_xstrdup(lang);
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
      e->line = kb_xrealloc(e->line, (size_t)cap * sizeof *e->line);
      t = kb_xrealloc(t, (size_t)cap * sizeof *t);
    }
    /* analysed as a mention in that language is, its place found */
    char err[128];
    kb_mention *m = kb_mention_new(ix, geo, text, strlen(text), &(kb_mention_opts){.lang = lang},
                                   err, sizeof err);
    if (!m) continue; /* not UTF-8: kb-index does not write it */
    memset(&t[e->n], 0, sizeof t[e->n]);
    S_query_terms(m, &t[e->n]);
    kb_mention_free(m);
    kb_ix_memo_trim(ix);
    for (int k = 0; k < t[e->n].n; k++) S_term(e, t[e->n].v[k], 1);
    e->line[e->n] = sqlite3_column_int(st, 2);
    raw[e->n++] = kb_xstrdup(slug);
  }
  sqlite3_finalize(st);
  if (e->n) {
    e->slug = kb_xmalloc((size_t)e->n * sizeof *e->slug);
    kb_slugs_init(&e->slugs, raw, e->n, e->slug);
    S_postings(e, t);
    kb_slugs_number_rows(&e->slugs, ix);
  }
  for (int i = 0; i < e->n; i++) free(raw[i]);
  free(raw);
  e->words = t; /* (kb_examples_drop_words() frees them) */
  if (!e->n) {
    kb_examples_free(e);
    return NULL;
  }
  return e;
}

const char *kb_examples_words_of(const kb_examples *e, int i,
                                 void (*fn)(void *ctx, const char *term, size_t n), void *ctx) {
  if (!e || !e->words || i < 0 || i >= e->n) return NULL;
  const S_terms *t = &e->words[i];
  for (int k = 0; k < t->n; k++) fn(ctx, t->v[k].p, (size_t)t->v[k].n);
  return e->slugs.name[e->slug[i]];
}

void kb_examples_drop_words(kb_examples *e) {
  if (!e || !e->words) return;
  for (int i = 0; i < e->n; i++) S_terms_free(&e->words[i]);
  free(e->words);
  e->words = NULL;
}

void kb_examples_free(kb_examples *e) {
  if (!e) return;
  kb_examples_drop_words(e);
  kb_slugs_cleanup(&e->slugs);
  free(e->slug);
  free(e->line);
  for (int i = 0; i < e->nterm; i++) free(e->term[i]);
  free(e->term);
  free(e->slot);
  free(e->idf);
  free(e->pstart);
  free(e->pex);
  free(e->pw);
  free(e->lang);
  free(e);
}

int kb_examples_count(const kb_examples *e) { return e ? e->n : 0; }

const char *kb_examples_lang(const kb_examples *e) { return e ? e->lang : NULL; }

int kb_examples_line(const kb_examples *e, int i) {
  return e && i >= 0 && i < e->n ? e->line[i] : 0;
}

/*--- Scoring -------------------------------------------------------------*/

/* A mention's distinct terms, as S_counts() finds them but read straight
 * from kb_query_first_phrases()'s callback (no copy of every term, no
 * string comparisons between known terms: a tenth of this): in order of
 * first appearance, each a known term's number (id >= 0) or, for a term no
 * example has (id -1), its bytes at off in buf, with its count. */
typedef struct {
  int id, tf;
  int off, n; /* an unknown term's bytes in buf */
} S_dterm;

typedef struct {
  const kb_examples *e;
  S_dterm *v;
  S_dterm *first; /* the caller's array, v until it grows */
  int n, cap;
  kb_buf buf; /* the unknown terms' bytes */
  const int *terms; /* the words' numbers given (kb_examples_score_terms()), */
  int nterms, at;   /* how many, and the next word's (past them: looked up) */
} S_mention;

static void S_add_mention_term(void *ctx, const char *term, size_t n) {
  S_mention *m = ctx;
  int id = m->at < m->nterms ? m->terms[m->at++]
                             : S_term((kb_examples *)m->e, (S_span){term, (int)n}, 0);
  for (int k = 0; k < m->n; k++) {
    S_dterm *d = &m->v[k];
    if (d->id != id) continue;
    if (id >= 0 || (d->n == (int)n && !memcmp(m->buf.p + d->off, term, n))) {
      d->tf++;
      return;
    }
  }
  if (m->n == m->cap) {
    m->cap = 2 * m->cap;
    S_dterm *v = kb_xmalloc((size_t)m->cap * sizeof *v);
    memcpy(v, m->v, (size_t)m->n * sizeof *v);
    if (m->v != m->first) free(m->v);
    m->v = v;
  }
  m->v[m->n++] = (S_dterm){.id = id, .tf = 1, .off = (int)m->buf.n, .n = (int)n};
  if (id < 0) kb_buf_put(&m->buf, term, n);
}

/* 1 if example a (cosine sa) is nearer than b (sb): higher, then first. */
static int S_nearer(double sa, int a, double sb, int b) { return sa > sb || (sa == sb && a < b); }

/* 1 if *d is 0 (a cosine: never -0, never NaN): its bits, read as an
 * integer, a test fewer than a double's compare with its NaN case. */
static int S_is_zero(const double *d) {
  uint64_t bits;
  memcpy(&bits, d, sizeof bits);
  return bits == 0;
}

/* The cosines of the mention's terms m against every example but skip,
 * added in acc (all 0 before) in the order of m's terms; the examples
 * touched into seen, each once, in the order they were first touched.
 * Returns how many. (Every product added is above 0, so a cosine is 0
 * only before its example's first: the weights are (1 + log tf) * idf,
 * idf at least log((N + 1) / N), far from a double's underflow; at most
 * N examples are seen, and seen[N] is written: seen holds N + 1.) */
static int S_accumulate(const kb_examples *e, const S_mention *m, const double *w, double norm,
                        int skip, double *acc, int *seen) {
  int first = 1, nseen = 0;
  for (int k = 0; k < m->n; k++) {
    int id = m->v[k].id;
    if (id < 0) continue;
    double x = w[k] / norm;
    const int *pex = e->pex;
    const double *pw = e->pw;
    int p = e->pstart[id], end = e->pstart[id + 1];
    if (first && skip < 0) { /* the first list: every example new, 0 + y is y */
      memcpy(seen, pex + p, (size_t)(end - p) * sizeof *seen);
      nseen = end - p;
      for (; p < end; p++) acc[pex[p]] = x * pw[p];
    } else if (skip < 0) {
      for (; p < end; p++) { /* written always, kept when new: no branch */
        int j = pex[p];
        seen[nseen] = j;
        nseen += S_is_zero(&acc[j]);
        acc[j] += x * pw[p];
      }
    } else {
      for (; p < end; p++) {
        int j = pex[p];
        if (j == skip) continue;
        seen[nseen] = j;
        nseen += S_is_zero(&acc[j]);
        acc[j] += x * pw[p];
      }
    }
    first = 0;
  }
  return nseen;
}

int kb_examples_term(const kb_examples *e, const char *p, size_t n) {
  return e ? S_term((kb_examples *)e, (S_span){p, (int)n}, 0) : -1;
}

int kb_examples_nterms(const kb_examples *e) { return e ? e->nterm : 0; }

kb_examples_scores *kb_examples_score(const kb_examples *e, const kb_mention *mention, int skip) {
  return kb_examples_score_terms(e, mention, skip, NULL, 0);
}

kb_examples_scores *kb_examples_score_terms(const kb_examples *e, const kb_mention *mention, int skip,
                                            const int *terms, int nterms) {
  if (!e) return NULL;
  /* the scores and their per-slug maxima in one allocation: the
   * thread's last, given back by kb_examples_scores_free() (its calloc()
   * and free() were 0.5 K instructions and a dozen mispredicted branches
   * a suggest, callgrind --branch-sim), else a new one */
  size_t need = sizeof(kb_examples_scores) + (size_t)e->slugs.n * sizeof(double), have;
  kb_examples_scores *s = kb_spare_take(KB_SPARE_SCORES, &have);
  if (have < need) {
    free(s);
    s = kb_xmalloc(need);
    have = need;
  }
  memset(s, 0, need);
  s->cap = have;
  s->e = e;
  s->best = (double *)(s + 1);
  enum { S_FEW = 32 }; /* a mention's distinct terms, mostly */
  S_dterm v0[S_FEW];
  S_mention m = {.e = e, .v = v0, .first = v0, .cap = S_FEW, .buf = KB_BUF_INIT};
  m.terms = terms;
  m.nterms = terms ? nterms : 0;
  kb_examples_words(mention, S_add_mention_term, &m);
  double w0[S_FEW];
  double *w = m.n > S_FEW ? kb_xmalloc((size_t)m.n * sizeof *w) : w0;
  double norm = 0;
  for (int k = 0; k < m.n; k++) {
    /* a term no example has: as if it had df 1 (the mention's own);
     * 1 + log(1) is 1 exactly, so a term once weighs its idf */
    double idf = m.v[k].id >= 0 ? e->idf[m.v[k].id] : e->idf_unseen;
    w[k] = m.v[k].tf == 1 ? idf : (1 + log(m.v[k].tf)) * idf;
    norm += w[k] * w[k];
  }
  norm = norm > 0 ? sqrt(norm) : 1.0;
  /* the cosines, in the thread's spare array (all 0 between calls: the
   * entries touched are cleared after; clearing the whole array was a
   * fifth of this), then the examples seen: slots of both, and one int
   * more (S_accumulate() writes one past the last example seen), laid
   * out by the array's size alone, so the cosines a larger set of
   * examples keeps at 0 stay 0 */
  size_t cap;
  double *acc = kb_spare_take(KB_SPARE_EXAMPLES, &cap);
  size_t slots = cap > sizeof(int) ? (cap - sizeof(int)) / (sizeof *acc + sizeof(int)) : 0;
  if (slots < (size_t)e->n) {
    free(acc);
    slots = (size_t)e->n;
    cap = slots * (sizeof *acc + sizeof(int)) + sizeof(int);
    acc = kb_xcalloc(1, cap);
  }
  int *seen = (int *)(acc + slots);
  int nseen = S_accumulate(e, &m, w, norm, skip, acc, seen);
  /* per slug its best; the K nearest, kept in order (most examples are
   * farther than the K-th: one comparison with it): the examples seen, in
   * the order the lists first touched them (as reading the lists again
   * would: 2.4 times as many reads on kb/, most of them examples already read),
   * each cosine cleared when read */
  struct {
    double v;
    int j;
  } top[KB_EXAMPLES_K];
  int ntop = 0;
  double kth = -1;
  for (int i = 0; i < nseen; i++) {
    int j = seen[i];
    double v = acc[j];
    acc[j] = 0;
    double *b = &s->best[e->slug[j]];
    *b = v > *b ? v : *b;
    if (v < kth) continue;
    /* an insertion: the farther ones moved down while looking, the K-th
     * (when K are kept) dropped */
    int at = ntop;
    while (at > 0 && S_nearer(v, j, top[at - 1].v, top[at - 1].j)) {
      if (at < KB_EXAMPLES_K) top[at] = top[at - 1];
      at--;
    }
    if (at >= KB_EXAMPLES_K) continue;
    top[at].v = v;
    top[at].j = j;
    if (ntop < KB_EXAMPLES_K) ntop++;
    if (ntop == KB_EXAMPLES_K) kth = top[KB_EXAMPLES_K - 1].v;
  }
  double tot = 0, none = 0;
  for (int i = 0; i < ntop; i++) {
    tot += top[i].v;
    if (e->slug[top[i].j] == e->slugs.none) none += top[i].v;
  }
  s->none = tot > 0 ? none / tot : 0;
  kb_spare_give(KB_SPARE_EXAMPLES, acc, cap);
  if (w != w0) free(w);
  if (m.v != v0) free(m.v);
  kb_buf_cleanup(&m.buf);
  return s;
}

void kb_examples_scores_free(kb_examples_scores *s) {
  if (!s) return;
  kb_spare_give(KB_SPARE_SCORES, s, s->cap); /* (best is in it) */
}

double kb_examples_max(const kb_examples_scores *s, const char *slug) {
  if (!s || !slug) return 0;
  int k = kb_slugs_find_hashed(&s->e->slugs, slug);
  return k >= 0 ? s->best[k] : 0;
}

double kb_examples_max_row(const kb_examples_scores *s, int64_t id, const char *slug) {
  if (!s) return 0;
  int k = kb_slugs_of_row(&s->e->slugs, id, slug);
  return k >= 0 ? s->best[k] : 0;
}

double kb_examples_none(const kb_examples_scores *s) { return s ? s->none : 0; }
