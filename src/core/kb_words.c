/*
 * kb_words.c - the word model (see kb_words.h): counts made once when the
 * index is opened, and per (feature, class) the log terms a suggest adds,
 * so that scoring a mention is a hash lookup per feature and additions.
 *
 * Layout: the features in an open-addressing hash (their strings), each
 * with its rank in byte order (the order the sum is taken in) and a
 * sparse list of the classes whose lines have it (ascending), with n_ct
 * and log(n_ct + ALPHA) - log(N_c + ALPHA V); per class the term of a
 * feature its lines lack, log(ALPHA) - log(N_c + ALPHA V). Per training
 * line its class and features, for leaving lines out.
 */
#include "kb_words.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "kb_examples.h"
#include "kb_index_impl.h"
#include "kb_slugs.h"
#include "kb_util.h"

struct kb_words {
  char *lang;      /* the language they were read in (owned) */
  int n;           /* training lines */
  int *lcls;       /* each line's class */
  int *ltab;       /* each line's table: 0 examples, 1 labelled */
  int *lline;      /* each line's line in its file */
  int *lstart;     /* n + 1 offsets into lfeat */
  int *lfeat;      /* each line's features (distinct) */
  kb_slugs cls;     /* the classes (slugs and "-"), and each article row's */
  int ncls;        /* cls.n */
  int nclsp;       /* ncls rounded up to 4: prior, zterm and a score's
                      array padded with 0 so the class loop goes by 4 */
  int *doc;        /* n_c */
  int *tot;        /* N_c */
  double *prior;   /* log(n_c + 1) */
  double *den;     /* log(N_c + ALPHA V) */
  double *zterm;   /* log(ALPHA) - den[c]: a feature class c's lines lack */
  char **feat;     /* the features' strings */
  int nfeat, capfeat;
  int *slot;       /* feature + 1, 0 empty; nslot a power of two */
  int nslot;
  int *rank;       /* each feature's place in byte order */
  int *fstart;     /* nfeat + 1 offsets into fcls, fcnt, fterm */
  int *fcls;       /* the classes having the feature, ascending */
  int *fcnt;       /* n_ct */
  double *fterm;   /* log(n_ct + ALPHA) - den[c] */
  /* the pairs by their words' numbers (S_index_pairs()): an
   * open-addressing hash of (a, b, the pair's number), npslot a power of
   * two, a 0 for an empty entry; 0 npslot when a feature's string does
   * not split into two known words at one KB_WORDS_PAIR (none here: the
   * tokenizer splits at control bytes), and pairs are then found by
   * their strings */
  int (*pslot)[3];
  int npslot;
  /* per feature of at least S_ROW_MIN classes, the row of terms a mention
   * having it adds (S_make_rows()): nclsp doubles, fterm where the class's
   * lines have it, else zterm, at frow + nclsp * frow_of[k]; -1 none */
  int *frow_of;
  double *frow;
  /* per feature, its number among the examples' terms (ex's, the
   * examples it was loaded with: kb_examples_term(); -1 none), when every
   * term of theirs is a feature (their lines are the model's first): a
   * mention's words found here are not looked up there again
   * (kb_words_example_terms()); else NULL */
  const kb_examples *ex;
  int *exterm;
};

/* The mention's words whose examples' numbers a scoring keeps
 * (kb_words_example_terms()): a mention's dozen, with room. */
#define S_TERMS 64

struct kb_words_scores {
  const kb_words *w;
  double *p; /* per class (in the same allocation) */
  int nterm; /* the mention's first nterm words' numbers among w->ex's terms */
  int term[S_TERMS];
};

/*--- Features ------------------------------------------------------------*/

/* A line's words, then its features as strings (spans in buf). */
typedef struct {
  kb_buf buf;
  int *off, *len;
  int n, cap;
} S_strs;

static void S_strs_add(S_strs *s, const char *p, size_t n) {
  if (s->n == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 32;
    s->off = kb_xrealloc(s->off, (size_t)s->cap * sizeof *s->off);
    s->len = kb_xrealloc(s->len, (size_t)s->cap * sizeof *s->len);
  }
  s->off[s->n] = (int)s->buf.n;
  s->len[s->n++] = (int)n;
  kb_buf_put(&s->buf, p, n);
}

static void S_strs_free(S_strs *s) {
  kb_buf_cleanup(&s->buf);
  free(s->off);
  free(s->len);
}

static void S_add_word(void *ctx, const char *term, size_t n) { S_strs_add(ctx, term, n); }

static void S_ignore_word(void *ctx, const char *term, size_t n) {
  (void)ctx;
  (void)term;
  (void)n;
}

/* The features of the words in s (S_add_word's) into f, not yet
 * distinct (the caller's lookup makes them so): each word, then each
 * consecutive pair, its two words joined by KB_WORDS_PAIR. */
static void S_features_of(const S_strs *s, S_strs *f) {
  for (int i = 0; i < s->n; i++) S_strs_add(f, s->buf.p + s->off[i], (size_t)s->len[i]);
  for (int i = 0; i + 1 < s->n; i++) {
    S_strs_add(f, s->buf.p + s->off[i], (size_t)s->len[i]);
    kb_buf_putc(&f->buf, KB_WORDS_PAIR);
    kb_buf_put(&f->buf, s->buf.p + s->off[i + 1], (size_t)s->len[i + 1]);
    f->len[f->n - 1] += 1 + s->len[i + 1];
  }
}

/* The number of feature p[0..n), or -1; with add, added when new. */
static int S_feat(kb_words *w, const char *p, size_t n, int add) {
  if (w->nslot) {
    for (uint32_t i = kb_hash(p, n);; i++) {
      int k = w->slot[i & (uint32_t)(w->nslot - 1)];
      if (!k) break;
      const char *t = w->feat[k - 1];
      if (!strncmp(t, p, n) && !t[n]) return k - 1;
    }
  }
  if (!add) return -1;
  if (w->nfeat == w->capfeat) {
    w->capfeat = w->capfeat ? 2 * w->capfeat : 1024;
    w->feat = kb_xrealloc(w->feat, (size_t)w->capfeat * sizeof *w->feat);
    free(w->slot);
    w->nslot = 4 * w->capfeat;
    w->slot = kb_xcalloc((size_t)w->nslot, sizeof *w->slot);
    for (int k = 0; k < w->nfeat; k++) {
      uint32_t i = kb_hash(w->feat[k], strlen(w->feat[k]));
      while (w->slot[i & (uint32_t)(w->nslot - 1)]) i++;
      w->slot[i & (uint32_t)(w->nslot - 1)] = k + 1;
    }
  }
  w->feat[w->nfeat] = kb_xstrndup(p, n);
  uint32_t i = kb_hash(p, n);
  while (w->slot[i & (uint32_t)(w->nslot - 1)]) i++;
  w->slot[i & (uint32_t)(w->nslot - 1)] = w->nfeat + 1;
  return w->nfeat++;
}

static int S_cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

/* Feature p[0..n), if known, into ids[0..*nk) in byte order of the
 * features' strings (clfinputs.py's sorted(): the order the sum is taken
 * in): a few dozen, an insertion sort by rank (a feature twice has one
 * rank: adjacent). */
static void S_known_put(const kb_words *w, int k, int *ids, int *nk) {
  int j = (*nk)++;
  while (j > 0 && w->rank[ids[j - 1]] > w->rank[k]) {
    ids[j] = ids[j - 1];
    j--;
  }
  ids[j] = k;
}

/* Feature p[0..n), if known, into ids as S_known_put() puts it; returns
 * its number, or -1. */
static int S_known_add(const kb_words *w, const char *p, size_t n, int *ids, int *nk) {
  int k = S_feat((kb_words *)w, p, n, 0);
  if (k >= 0) S_known_put(w, k, ids, nk);
  return k;
}

/* The slot of the pair of features a, b in w's table of pairs (where it
 * is, or the empty one where it would go). */
static int *S_pair_slot(const kb_words *w, int a, int b) {
  uint32_t h = (uint32_t)a * 0x9e3779b1u ^ (uint32_t)b * 0x85ebca77u;
  for (uint32_t i = h ^ h >> 15;; i++) {
    int *e = w->pslot[i & (uint32_t)(w->npslot - 1)];
    if (!e[2] || (e[0] == a && e[1] == b)) return e;
  }
}

/* The number of the pair whose words are the features a and b (numbers,
 * -1 unknown), or -1, from w's table of pairs (w->npslot > 0). A pair is
 * a feature only where a line had its two words, each a feature too: a
 * pair with an unknown word is not looked for. */
static int S_pair_of(const kb_words *w, int a, int b) {
  if (a < 0 || b < 0) return -1;
  return S_pair_slot(w, a, b)[2] - 1;
}

/* Makes w's table of pairs (S_pair_of()) from its features' strings: a
 * pair's words looked up by the mention's word numbers, where joining the
 * two strings and hashing them was 2.6 K instructions a kb/ suggest. */
static void S_index_pairs(kb_words *w) {
  int npair = 0;
  for (int k = 0; k < w->nfeat; k++) npair += strchr(w->feat[k], KB_WORDS_PAIR) != NULL;
  w->npslot = 4;
  while (w->npslot < 2 * npair) w->npslot *= 2;
  w->pslot = kb_xcalloc((size_t)w->npslot, sizeof *w->pslot);
  for (int k = 0; k < w->nfeat; k++) {
    const char *f = w->feat[k], *j = strchr(f, KB_WORDS_PAIR);
    if (!j) continue;
    int a = S_feat(w, f, (size_t)(j - f), 0), b = S_feat(w, j + 1, strlen(j + 1), 0);
    int *e = a >= 0 && b >= 0 && !strchr(j + 1, KB_WORDS_PAIR) ? S_pair_slot(w, a, b) : NULL;
    if (!e || e[2]) { /* (not two known words: pairs by their strings) */
      free(w->pslot);
      w->pslot = NULL;
      w->npslot = 0;
      return;
    }
    e[0] = a, e[1] = b, e[2] = k + 1;
  }
}

/* The features that get a row of their terms (S_make_rows()): those of
 * many classes, whose terms were set aside, the row added and set back
 * at every mention (a tenth of the word model's per-mention work); the
 * many features of one to seven classes (nine in ten of kb/'s) keep that
 * way, so the rows are 140 KB a language, not 8 MB. */
#define S_ROW_MIN 8

/* Makes w's rows (w->frow) of the features of S_ROW_MIN classes or more. */
static void S_make_rows(kb_words *w) {
  w->frow_of = kb_xmalloc(((size_t)w->nfeat + 1) * sizeof *w->frow_of);
  int nrow = 0;
  for (int k = 0; k < w->nfeat; k++)
    w->frow_of[k] = w->fstart[k + 1] - w->fstart[k] >= S_ROW_MIN ? nrow++ : -1;
  w->frow = kb_xmalloc(((size_t)nrow * (size_t)w->nclsp + 1) * sizeof *w->frow);
  for (int k = 0; k < w->nfeat; k++) {
    if (w->frow_of[k] < 0) continue;
    double *row = w->frow + (size_t)w->frow_of[k] * (size_t)w->nclsp;
    memcpy(row, w->zterm, (size_t)w->nclsp * sizeof *row);
    for (int j = w->fstart[k]; j < w->fstart[k + 1]; j++) row[w->fcls[j]] = w->fterm[j];
  }
}

/* Maps w's features to the terms of ex (w->exterm), the examples read in
 * w's language that its first lines came from: none when a term of
 * theirs is not a feature (then a word unknown here could be one). */
static void S_map_example_terms(kb_words *w, const kb_examples *ex) {
  if (!ex || !kb_examples_lang(ex) || strcmp(kb_examples_lang(ex), w->lang)) return;
  w->exterm = kb_xmalloc(((size_t)w->nfeat + 1) * sizeof *w->exterm);
  int mapped = 0;
  for (int k = 0; k < w->nfeat; k++) {
    w->exterm[k] = kb_examples_term(ex, w->feat[k], strlen(w->feat[k]));
    mapped += w->exterm[k] >= 0; /* (distinct strings: distinct terms) */
  }
  if (mapped != kb_examples_nterms(ex)) {
    free(w->exterm);
    w->exterm = NULL;
    return;
  }
  w->ex = ex;
}

const int *kb_words_example_terms(const kb_words_scores *s, const kb_examples *ex, int *n) {
  *n = 0;
  if (!s || !ex || !s->w->exterm || s->w->ex != ex) return NULL;
  *n = s->nterm;
  return s->term;
}

int kb_words_pair(const kb_words *w, const char *a, const char *b, int by_string) {
  if (!w) return -1;
  size_t na = strlen(a), nb = strlen(b);
  if (!by_string && w->npslot)
    return S_pair_of(w, S_feat((kb_words *)w, a, na, 0), S_feat((kb_words *)w, b, nb, 0));
  char *p = kb_xmalloc(na + nb + 1);
  memcpy(p, a, na);
  p[na] = KB_WORDS_PAIR;
  memcpy(p + na + 1, b, nb);
  int k = S_feat((kb_words *)w, p, na + 1 + nb, 0);
  free(p);
  return k;
}

/* The pair a[0..na), b[0..nb) (KB_WORDS_PAIR between: S_features_of()'s
 * way), if known, into ids as S_known_add() puts a feature: found by its
 * words' numbers ka and kb (S_known_add()'s) in w's table of pairs, else
 * by its string, joined on the stack unless the words are long. */
static void S_known_pair(const kb_words *w, int ka, int kb, const char *a, size_t na,
                         const char *b, size_t nb, int *ids, int *nk) {
  if (w->npslot) {
    int k = S_pair_of(w, ka, kb);
    if (k >= 0) S_known_put(w, k, ids, nk);
    return;
  }
  char buf[256];
  char *p = na + 1 + nb <= sizeof buf ? buf : kb_xmalloc(na + 1 + nb);
  memcpy(p, a, na);
  p[na] = KB_WORDS_PAIR;
  memcpy(p + na + 1, b, nb);
  S_known_add(w, p, na + 1 + nb, ids, nk);
  if (p != buf) free(p);
}

/* ids[0..n) with each feature once (adjacent when twice); returns how many. */
static int S_distinct(int *ids, int n) {
  int d = 0;
  for (int i = 0; i < n; i++)
    if (d == 0 || ids[d - 1] != ids[i]) ids[d++] = ids[i];
  return d;
}

/* The distinct known features, by number, of the words in s into ids
 * (room for 2 s->n): those S_features_of() makes of them, in the same
 * order, looked up without their strings made (S_known_pair()). A mention's features copied
 * into arrays grown by realloc(), then freed, were 1.8 K of a kb/
 * suggest's 12.5 K in the word model. */
static int S_known_words(const kb_words *w, const S_strs *s, int *ids) {
  int n = 0, k0[64];
  int *k = s->n <= 64 ? k0 : kb_xmalloc((size_t)s->n * sizeof *k); /* the words' numbers */
  for (int i = 0; i < s->n; i++) k[i] = S_known_add(w, s->buf.p + s->off[i], (size_t)s->len[i], ids, &n);
  for (int i = 0; i + 1 < s->n; i++)
    S_known_pair(w, k[i], k[i + 1], s->buf.p + s->off[i], (size_t)s->len[i],
                 s->buf.p + s->off[i + 1], (size_t)s->len[i + 1], ids, &n);
  if (k != k0) free(k);
  return S_distinct(ids, n);
}

/*--- Loading -------------------------------------------------------------*/

/* The classes of the lines' slugs raw[0..n), numbered into lcls. */
static void S_number_classes(kb_words *w, char **raw) {
  kb_slugs_init(&w->cls, raw, w->n, w->lcls);
  w->ncls = w->cls.n;
}

/* Each feature's rank in byte order (strcmp: Python's order of str,
 * UTF-8 bytewise being code point order). */
typedef struct {
  const char *s;
  int k;
} S_named;

static int S_cmp_named(const void *a, const void *b) {
  return strcmp(((const S_named *)a)->s, ((const S_named *)b)->s);
}

static void S_rank(kb_words *w) {
  S_named *by = kb_xmalloc(((size_t)w->nfeat + 1) * sizeof *by);
  for (int k = 0; k < w->nfeat; k++) by[k] = (S_named){w->feat[k], k};
  qsort(by, (size_t)w->nfeat, sizeof *by, S_cmp_named);
  w->rank = kb_xmalloc(((size_t)w->nfeat + 1) * sizeof *w->rank);
  for (int r = 0; r < w->nfeat; r++) w->rank[by[r].k] = r;
  free(by);
}

/* The counts and the log terms, from each line's features. */
static void S_counts(kb_words *w) {
  w->doc = kb_xcalloc((size_t)w->ncls, sizeof *w->doc);
  w->tot = kb_xcalloc((size_t)w->ncls, sizeof *w->tot);
  int *df = kb_xcalloc((size_t)w->nfeat + 1, sizeof *df); /* lines per feature */
  for (int i = 0; i < w->n; i++) {
    w->doc[w->lcls[i]]++;
    w->tot[w->lcls[i]] += w->lstart[i + 1] - w->lstart[i];
    for (int j = w->lstart[i]; j < w->lstart[i + 1]; j++) df[w->lfeat[j]]++;
  }
  /* postings (feature -> lines' classes), by class: the lines in class
   * order, each class's run counted */
  int *order = kb_xmalloc(((size_t)w->n + 1) * sizeof *order), at = 0;
  for (int c = 0; c < w->ncls; c++)
    for (int i = 0; i < w->n; i++)
      if (w->lcls[i] == c) order[at++] = i;
  int *start = kb_xcalloc((size_t)w->nfeat + 1, sizeof *start);
  for (int k = 0; k < w->nfeat; k++) start[k + 1] = start[k] + df[k];
  int *pcls = kb_xmalloc(((size_t)start[w->nfeat] + 1) * sizeof *pcls);
  memset(df, 0, (size_t)w->nfeat * sizeof *df);
  for (int o = 0; o < w->n; o++) {
    int i = order[o];
    for (int j = w->lstart[i]; j < w->lstart[i + 1]; j++) {
      int k = w->lfeat[j];
      pcls[start[k] + df[k]++] = w->lcls[i];
    }
  }
  double av = KB_WORDS_ALPHA * w->nfeat;
  w->nclsp = (w->ncls + 3) & ~3;
  w->prior = kb_xcalloc((size_t)w->nclsp, sizeof *w->prior);
  w->den = kb_xmalloc((size_t)w->ncls * sizeof *w->den);
  w->zterm = kb_xcalloc((size_t)w->nclsp, sizeof *w->zterm);
  for (int c = 0; c < w->ncls; c++) {
    w->prior[c] = log((double)(w->doc[c] + 1));
    w->den[c] = log(w->tot[c] + av);
    w->zterm[c] = log(0 + KB_WORDS_ALPHA) - w->den[c];
  }
  /* each feature's classes, runs of one class made one entry */
  w->fstart = kb_xcalloc((size_t)w->nfeat + 1, sizeof *w->fstart);
  int cap = start[w->nfeat] + 1;
  w->fcls = kb_xmalloc((size_t)cap * sizeof *w->fcls);
  w->fcnt = kb_xmalloc((size_t)cap * sizeof *w->fcnt);
  w->fterm = kb_xmalloc((size_t)cap * sizeof *w->fterm);
  int m = 0;
  for (int k = 0; k < w->nfeat; k++) {
    for (int j = start[k]; j < start[k + 1]; j++) {
      if (j > start[k] && pcls[j] == pcls[j - 1]) {
        w->fcnt[m - 1]++;
        continue;
      }
      w->fcls[m] = pcls[j];
      w->fcnt[m++] = 1;
    }
    w->fstart[k + 1] = m;
  }
  for (int j = 0; j < m; j++) w->fterm[j] = log(w->fcnt[j] + KB_WORDS_ALPHA) - w->den[w->fcls[j]];
  free(pcls);
  free(start);
  free(order);
  free(df);
}

/* The lines being read: their slugs and features (by number). */
typedef struct {
  char **raw;
  kb_buf feats; /* ints */
  int cap;
} S_reading;

/* Adds a training line, its words words (S_add_word's), its slug slug,
 * from line `line` of table tab (0 examples, 1 labelled). */
static void S_add_line(kb_words *w, S_reading *r, const S_strs *words, const char *slug, int tab,
                       int line) {
  if (w->n == r->cap) {
    r->cap = r->cap ? 2 * r->cap : 256;
    r->raw = kb_xrealloc(r->raw, (size_t)r->cap * sizeof *r->raw);
    w->ltab = kb_xrealloc(w->ltab, (size_t)r->cap * sizeof *w->ltab);
    w->lline = kb_xrealloc(w->lline, (size_t)r->cap * sizeof *w->lline);
    w->lstart = kb_xrealloc(w->lstart, ((size_t)r->cap + 1) * sizeof *w->lstart);
  }
  S_strs f = {0};
  S_features_of(words, &f);
  int *ids = kb_xmalloc(((size_t)f.n + 1) * sizeof *ids), nd = 0;
  for (int i = 0; i < f.n; i++) ids[i] = S_feat(w, f.buf.p + f.off[i], (size_t)f.len[i], 1);
  qsort(ids, (size_t)f.n, sizeof *ids, S_cmp_int);
  for (int i = 0; i < f.n; i++)
    if (nd == 0 || ids[nd - 1] != ids[i]) ids[nd++] = ids[i];
  w->lstart[w->n] = (int)(r->feats.n / sizeof(int));
  kb_buf_put(&r->feats, (const char *)ids, (size_t)nd * sizeof *ids);
  free(ids);
  S_strs_free(&f);
  w->ltab[w->n] = tab;
  w->lline[w->n] = line;
  r->raw[w->n++] = kb_xstrdup(slug);
}

/* Reads table `table`'s lines of language lang into w (tab: 0 examples,
 * 1 labelled). An index made before the table has none. */
static void S_read_table(kb_words *w, S_reading *r, kb_index *ix, const kb_geo *geo, int tab) {
  sqlite3_stmt *st = NULL;
  const char *sql = tab ? "SELECT slug, text, line FROM labelled WHERE lang = ?1 ORDER BY line"
                        : "SELECT slug, text, line FROM examples WHERE lang = ?1 ORDER BY line";
  if (sqlite3_prepare_v2(ix->db, sql, -1, &st, NULL) != SQLITE_OK) return;
  sqlite3_bind_text(st, 1, w->lang, -1, SQLITE_STATIC);
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *slug = (const char *)sqlite3_column_text(st, 0);
    const char *text = (const char *)sqlite3_column_text(st, 1);
    if (!slug || !text) continue;
    /* analysed as kb_examples_load() analyses an example */
    char err[128];
    kb_mention *m = kb_mention_new(ix, geo, text, strlen(text), &(kb_mention_opts){.lang = w->lang},
                                   err, sizeof err);
    if (!m) continue; /* not UTF-8: kb-index does not write it */
    S_strs words = {0};
    kb_examples_words(m, S_add_word, &words);
    kb_mention_free(m);
    kb_ix_memo_trim(ix);
    S_add_line(w, r, &words, slug, tab, sqlite3_column_int(st, 2));
    S_strs_free(&words);
  }
  sqlite3_finalize(st);
}

/* The examples' lines from ex, their words as it read them: the same
 * rows, in the same order, as S_read_table(..., 0) reads and analyses. */
static void S_take_examples(kb_words *w, S_reading *r, const kb_examples *ex) {
  for (int i = 0; i < kb_examples_count(ex); i++) {
    S_strs words = {0};
    const char *slug = kb_examples_words_of(ex, i, S_add_word, &words);
    if (slug) S_add_line(w, r, &words, slug, 0, kb_examples_line(ex, i));
    S_strs_free(&words);
  }
}

kb_words *kb_words_load(kb_index *ix, const kb_geo *geo, const char *lang, const kb_examples *ex) {
  if (!lang || kb_index_lang_find(ix, lang) < 0) return NULL;
  kb_words *w = kb_xcalloc(1, sizeof *w);
  w->lang = kb_xstrdup(lang);
  S_reading r = {0};
  if (ex && kb_examples_words_of(ex, 0, S_ignore_word, NULL) && !strcmp(kb_examples_lang(ex), lang))
    S_take_examples(w, &r, ex);
  else
    S_read_table(w, &r, ix, geo, 0);
  S_read_table(w, &r, ix, geo, 1);
  if (w->n) {
    w->lstart[w->n] = (int)(r.feats.n / sizeof(int));
    w->lfeat = kb_xmalloc(r.feats.n + sizeof(int));
    memcpy(w->lfeat, r.feats.p, r.feats.n);
    w->lcls = kb_xmalloc((size_t)w->n * sizeof *w->lcls);
    S_number_classes(w, r.raw);
    S_rank(w);
    S_counts(w);
    S_index_pairs(w);
    S_make_rows(w);
    S_map_example_terms(w, ex);
    kb_slugs_number_rows(&w->cls, ix);
  }
  for (int i = 0; i < w->n; i++) free(r.raw[i]);
  free(r.raw);
  kb_buf_cleanup(&r.feats);
  if (!w->n) {
    kb_words_free(w);
    return NULL;
  }
  return w;
}

void kb_words_free(kb_words *w) {
  if (!w) return;
  free(w->lang);
  free(w->lcls);
  free(w->ltab);
  free(w->lline);
  free(w->lstart);
  free(w->lfeat);
  kb_slugs_cleanup(&w->cls);
  free(w->doc);
  free(w->tot);
  free(w->prior);
  free(w->den);
  free(w->zterm);
  for (int k = 0; k < w->nfeat; k++) free(w->feat[k]);
  free(w->feat);
  free(w->slot);
  free(w->rank);
  free(w->fstart);
  free(w->fcls);
  free(w->fcnt);
  free(w->fterm);
  free(w->pslot);
  free(w->frow_of);
  free(w->frow);
  free(w->exterm);
  free(w);
}

int kb_words_count(const kb_words *w) { return w ? w->n : 0; }

const char *kb_words_lang(const kb_words *w) { return w ? w->lang : NULL; }

int kb_words_find(const kb_words *w, int labelled, int line) {
  for (int i = 0; w && i < w->n; i++)
    if (w->ltab[i] == (labelled != 0) && w->lline[i] == line) return i;
  return -1;
}

/*--- Scoring -------------------------------------------------------------*/

/* o[0..n) += z[0..n), n a multiple of 4: by 4, so that the compiler
 * pairs them (each element one addition, as one at a time). */
static void S_add_row(double *restrict o, const double *restrict z, int n) {
  for (int c = 0; c < n; c += 4) {
    o[c] += z[c];
    o[c + 1] += z[c + 1];
    o[c + 2] += z[c + 2];
    o[c + 3] += z[c + 3];
  }
}

/* The scores of the known features ids[0..n) (in sum order) into sc,
 * every line counted: per feature, each class's term added (the stored
 * one where its lines have the feature, else zterm), as clfinputs.py
 * adds them, each a single addition of the same double; a feature's row
 * made at load added as it is (rows: the same terms, so the same sums). */
static void S_sum(const kb_words *w, const int *ids, int n, int rows, double *sc) {
  double keep[64];
  for (int c = 0; c < w->nclsp; c++) sc[c] = w->prior[c];
  for (int i = 0; i < n; i++) {
    if (rows && w->frow_of[ids[i]] >= 0) {
      S_add_row(sc, w->frow + (size_t)w->frow_of[ids[i]] * (size_t)w->nclsp, w->nclsp);
      continue;
    }
    int a = w->fstart[ids[i]], b = w->fstart[ids[i] + 1];
    if (b - a > (int)(sizeof keep / sizeof *keep)) {
      /* a feature of many classes: one class at a time */
      for (int c = 0, j = a; c < w->ncls; c++)
        sc[c] += j < b && w->fcls[j] == c ? w->fterm[j++] : w->zterm[c];
      continue;
    }
    /* the classes having it kept aside, every class given zterm (a loop
     * the compiler vectorises), those few given their own term instead */
    for (int j = a; j < b; j++) keep[j - a] = sc[w->fcls[j]];
    S_add_row(sc, w->zterm, w->nclsp);
    for (int j = a; j < b; j++) sc[w->fcls[j]] = keep[j - a] + w->fterm[j];
  }
}

/* The same with the training lines out[0..nout) left out (kb-eval
 * --leave-own-example-out): their counts subtracted, a feature none of
 * the remaining lines has skipped, V unchanged (clfinputs.py's
 * probs(extra=...)). */
static void S_sum_without(const kb_words *w, const int *ids, int n, const int *out, int nout,
                          double *sc) {
  int k = w->ncls;
  int *edoc = kb_xcalloc((size_t)k, sizeof *edoc), *etot = kb_xcalloc((size_t)k, sizeof *etot);
  int *m = kb_xmalloc((size_t)k * sizeof *m);
  double *den = kb_xmalloc((size_t)k * sizeof *den);
  for (int o = 0; o < nout; o++) {
    int i = out[o];
    if (i < 0 || i >= w->n) continue;
    edoc[w->lcls[i]]++;
    etot[w->lcls[i]] += w->lstart[i + 1] - w->lstart[i];
  }
  double av = KB_WORDS_ALPHA * w->nfeat;
  for (int c = 0; c < k; c++) {
    den[c] = log(w->tot[c] - etot[c] + av);
    sc[c] = log((double)(w->doc[c] - edoc[c] + 1));
  }
  for (int f = 0; f < n; f++) {
    memset(m, 0, (size_t)k * sizeof *m);
    for (int j = w->fstart[ids[f]]; j < w->fstart[ids[f] + 1]; j++) m[w->fcls[j]] = w->fcnt[j];
    for (int o = 0; o < nout; o++) {
      int i = out[o];
      if (i < 0 || i >= w->n) continue;
      for (int j = w->lstart[i]; j < w->lstart[i + 1]; j++)
        if (w->lfeat[j] == ids[f]) m[w->lcls[i]]--;
    }
    int any = 0;
    for (int c = 0; c < k; c++) any |= m[c] != 0;
    if (!any) continue;
    for (int c = 0; c < k; c++) sc[c] += log(m[c] + KB_WORDS_ALPHA) - den[c];
  }
  free(den);
  free(m);
  free(etot);
  free(edoc);
}

/* The distinct training lines of out[0..nout) that are w's, into keep;
 * returns how many (a line named twice is left out once). */
static int S_distinct_out(const kb_words *w, const int *out, int nout, int *keep) {
  int n = 0;
  for (int o = 0; o < nout; o++) {
    if (out[o] < 0 || out[o] >= w->n) continue;
    int dup = 0;
    for (int j = 0; j < n; j++) dup |= keep[j] == out[o];
    if (!dup) keep[n++] = out[o];
  }
  return n;
}

/* The probabilities of the words in words (S_add_word's). */
static kb_words_scores *S_score(const kb_words *w, const int *ids, int nk, const int *out, int nout,
                                int rows) {
  kb_words_scores *s = kb_xmalloc(sizeof *s + (size_t)w->nclsp * sizeof(double));
  s->w = w;
  s->p = (double *)(s + 1);
  s->nterm = 0;
  int *keep = out && nout > 0 ? kb_xmalloc((size_t)nout * sizeof *keep) : NULL;
  int nkeep = keep ? S_distinct_out(w, out, nout, keep) : 0;
  if (nkeep) S_sum_without(w, ids, nk, keep, nkeep, s->p);
  else S_sum(w, ids, nk, rows, s->p);
  free(keep);
  /* softmax(score / T), as clfinputs.py: the top taken out first */
  double top = s->p[0], z = 0;
  for (int c = 1; c < w->ncls; c++) top = s->p[c] > top ? s->p[c] : top;
  for (int c = 0; c < w->ncls; c++) {
    s->p[c] = exp((s->p[c] - top) / KB_WORDS_T);
    z += s->p[c];
  }
  for (int c = 0; c < w->ncls; c++) s->p[c] /= z;
  return s;
}

/* kb_words_score_words(), with the rows made at load or without. */
static kb_words_scores *S_score_words(const kb_words *w, const char *const *words, int n,
                                      const int *out, int nout, int rows) {
  if (!w) return NULL;
  S_strs v = {0};
  for (int i = 0; i < n; i++) S_strs_add(&v, words[i], strlen(words[i]));
  int ids0[128];
  int *ids = 2 * v.n <= 128 ? ids0 : kb_xmalloc(2 * (size_t)v.n * sizeof *ids);
  int nk = S_known_words(w, &v, ids);
  kb_words_scores *s = S_score(w, ids, nk, out, nout, rows);
  if (ids != ids0) free(ids);
  S_strs_free(&v);
  return s;
}

kb_words_scores *kb_words_score_words(const kb_words *w, const char *const *words, int n,
                                      const int *out, int nout) {
  return S_score_words(w, words, n, out, nout, 1);
}

kb_words_scores *kb_words_score_words_by_term(const kb_words *w, const char *const *words, int n) {
  return S_score_words(w, words, n, NULL, 0, 0);
}

/* A mention's known features as its words come (kb_examples_words()):
 * each word, and its pair with the word before it, looked up at once. The
 * features are then ranked (S_known_add()), so the order they are looked
 * up in does not matter: the same as S_known_words() of the words kept
 * first, without keeping them (their arrays, grown by realloc() and
 * freed, were 1.1 K instructions a kb/ suggest). */
typedef struct {
  const kb_words *w;
  int *ids, nk, cap;
  int kprev;       /* the number of the word before (-1 unknown) */
  int nterm;       /* the words' numbers among the examples' terms, */
  int term[S_TERMS]; /* when w maps them (w->exterm) */
  char *prev;      /* the word before (in prev0, or allocated), or NULL;
                      its bytes kept only when w has no table of pairs */
  size_t nprev;
  char prev0[128]; /* (a term is KB_TEXT_MAX_TERM bytes at most) */
  int ids0[128];   /* (a mention's features: a few dozen) */
} S_stream;

static void S_stream_word(void *ctx, const char *term, size_t n) {
  S_stream *st = ctx;
  if (st->nk + 2 > st->cap) {
    int cap = 2 * st->cap;
    int *ids = kb_xmalloc((size_t)cap * sizeof *ids);
    memcpy(ids, st->ids, (size_t)st->nk * sizeof *ids);
    if (st->ids != st->ids0) free(st->ids);
    st->ids = ids;
    st->cap = cap;
  }
  int k = S_known_add(st->w, term, n, st->ids, &st->nk);
  if (st->w->exterm && st->nterm < S_TERMS) st->term[st->nterm++] = k >= 0 ? st->w->exterm[k] : -1;
  if (st->prev) S_known_pair(st->w, st->kprev, k, st->prev, st->nprev, term, n, st->ids, &st->nk);
  st->kprev = k;
  if (st->w->npslot) { /* (the bytes not read: prev only says there is one) */
    st->prev = st->prev0;
    return;
  }
  if (st->prev != st->prev0) free(st->prev);
  st->prev = n <= sizeof st->prev0 ? st->prev0 : kb_xmalloc(n);
  memcpy(st->prev, term, n);
  st->nprev = n;
}

kb_words_scores *kb_words_score(const kb_words *w, const kb_mention *m, const int *out, int nout) {
  if (!w) return NULL;
  S_stream st; /* (its buffers not cleared: written before they are read) */
  st.w = w;
  st.ids = st.ids0;
  st.nk = 0;
  st.cap = (int)(sizeof st.ids0 / sizeof *st.ids0);
  st.kprev = -1;
  st.nterm = 0;
  st.prev = NULL;
  st.nprev = 0;
  kb_examples_words(m, S_stream_word, &st);
  if (st.prev != st.prev0) free(st.prev);
  int nk = S_distinct(st.ids, st.nk);
  kb_words_scores *s = S_score(w, st.ids, nk, out, nout, 1);
  s->nterm = st.nterm;
  memcpy(s->term, st.term, (size_t)st.nterm * sizeof *s->term);
  if (st.ids != st.ids0) free(st.ids);
  return s;
}

void kb_words_scores_free(kb_words_scores *s) { free(s); }

double kb_words_p(const kb_words_scores *s, const char *slug) {
  if (!s || !slug) return 0;
  int c = kb_slugs_find_hashed(&s->w->cls, slug);
  return c >= 0 ? s->p[c] : 0;
}

double kb_words_none(const kb_words_scores *s) {
  return s && s->w->cls.none >= 0 ? s->p[s->w->cls.none] : 0;
}

double kb_words_p_row(const kb_words_scores *s, int64_t id, const char *slug) {
  if (!s) return 0;
  int c = kb_slugs_of_row(&s->w->cls, id, slug);
  return c >= 0 ? s->p[c] : 0;
}
