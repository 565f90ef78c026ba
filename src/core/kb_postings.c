/*
 * kb_postings.c - a full-text table's postings in memory (kb_postings.h).
 *
 * Three flat arrays, in FTS5's own order: terms (sorted, as FTS5 sorts
 * them: by bytes), for each term its postings (the rows holding it, by
 * id), for each posting its positions (column and offset packed in one
 * 32-bit word, in order), and for each posting its positions before the
 * body counted per field (kb_rank_head()). A phrase of several terms is
 * resolved per query into arrays of the same shape (without the counts:
 * the ranking counts those itself), so the merge sees only one kind of
 * list.
 */
#include "kb_postings.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_arena.h"
#include "kb_util.h"

#define S_NCOL 5
#define S_COL_SHIFT KB_RANK_COL_SHIFT /* position word: column << 29 | offset */
#define S_OFF_MASK ((1u << S_COL_SHIFT) - 1)
#define S_MAX_WORDS 16 /* terms in one phrase */

/* A term in the hash: its hash and index + 1 (0: an empty slot). */
typedef struct {
  uint32_t hash;
  int term;
} S_slot;

struct kb_postings {
  int nterms;
  char *strs;          /* the terms, NUL-terminated, one after another */
  int *toff;           /* per term: its offset in strs */
  int *tfirst;         /* per term: postings [tfirst[t], tfirst[t + 1]) */
  int *doc;            /* per posting: the row's id */
  int *pfirst;         /* per posting: positions [pfirst[i], pfirst[i + 1]) */
  uint64_t *head;      /* per posting: its kb_rank_list.head (S_heads()) */
  uint32_t *pos;
  long npost, npos;
  int maxdoc;          /* the largest row id held (prefix lists count by it) */
  S_slot *slot;        /* the terms hashed (S_find()): 2^k slots, half full
                          at most; a binary search of the sorted terms took
                          fifteen strncmp() at a cache miss each */
  uint32_t mask;       /* slots - 1 */
  unsigned prefix_idx; /* bit c: the table has a prefix index of c characters */
  int prefix_known;    /* prefix_idx was read: prefix queries can be answered */
  sqlite3_int64 nrow, totals[S_NCOL];
};

void kb_postings_free(kb_postings *p) {
  if (!p) return;
  free(p->strs);
  free(p->slot);
  free(p->toff);
  free(p->tfirst);
  free(p->doc);
  free(p->pfirst);
  free(p->head);
  free(p->pos);
  free(p);
}

/*--- Loading -------------------------------------------------------------*/

/* Growable arrays while loading. */
typedef struct {
  kb_buf strs;
  long nterms, capterms, npost, cappost, npos, cappos;
} S_load;

static void S_grow(void **a, long *cap, long need, size_t size) {
  if (need <= *cap) return;
  long c = *cap ? *cap : 1024;
  while (c < need) c *= 2;
  *a = kb_xrealloc(*a, (size_t)c * size);
  *cap = c;
}

/* The row count and column totals: FTS5's averages record (row 1 of
 * %_data: varints, the row count, then each column's total). */
static int S_read_averages(kb_postings *p, sqlite3 *db, const char *table) {
  char *sql = sqlite3_mprintf("SELECT block FROM \"%w_data\" WHERE id = 1", table);
  sqlite3_stmt *st;
  int rc = sql ? sqlite3_prepare_v2(db, sql, -1, &st, NULL) : SQLITE_NOMEM;
  sqlite3_free(sql);
  if (rc != SQLITE_OK) return rc;
  rc = SQLITE_CORRUPT;
  if (sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char *b = sqlite3_column_blob(st, 0);
    int n = sqlite3_column_bytes(st, 0), at = 0, k = 0;
    uint64_t v[S_NCOL + 1];
    for (k = 0; b && k < S_NCOL + 1; k++) {
      int used = kb_varint_get(b + at, n - at, &v[k]);
      if (!used) break;
      at += used;
    }
    if (k == S_NCOL + 1) {
      p->nrow = (sqlite3_int64)v[0];
      for (int c = 0; c < S_NCOL; c++) p->totals[c] = (sqlite3_int64)v[c + 1];
      rc = SQLITE_OK;
    }
  }
  sqlite3_finalize(st);
  return rc;
}

/* The column number of each column name of the table (its indexed
 * columns come first, in the schema's order). */
static int S_column_of(const char names[S_NCOL][32], const char *name) {
  for (int c = 0; c < S_NCOL; c++)
    if (!strcmp(names[c], name)) return c;
  return -1;
}

static int S_read_columns(sqlite3 *db, const char *table, char names[S_NCOL][32]) {
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db, "SELECT cid, name FROM pragma_table_info(?1)", -1, &st, NULL);
  if (rc != SQLITE_OK) return rc;
  sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
  memset(names, 0, S_NCOL * 32);
  while (sqlite3_step(st) == SQLITE_ROW) {
    int cid = sqlite3_column_int(st, 0);
    const char *n = (const char *)sqlite3_column_text(st, 1);
    if (cid >= 0 && cid < S_NCOL && n) snprintf(names[cid], 32, "%s", n);
  }
  return sqlite3_finalize(st);
}

/* The table's prefix indexes (its "prefix=" options): a prefix query of
 * that many characters reads one, where FTS5 wrote a position for every
 * term starting with it, twice when two such terms share it; a longer or
 * shorter prefix merges the terms' lists, each position once. Leaves
 * prefix_known 0 when the declaration cannot be read. */
static void S_read_prefixes(kb_postings *p, sqlite3 *db, const char *table) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1", -1,
                         &st, NULL) != SQLITE_OK)
    return;
  sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
  const char *sql = sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
  int ok = sql != NULL;
  for (const char *at = sql; ok && (at = strstr(at, "prefix")) != NULL;) {
    at += strlen("prefix");
    at += strspn(at, " ");
    if (*at != '=') continue; /* a column named so */
    at += 1 + strspn(at + 1, " ");
    int quoted = *at == '\'' || *at == '"';
    if (quoted) at++;
    for (;;) {
      at += strspn(at, quoted ? " ," : " ");
      if (*at < '0' || *at > '9') break;
      long c = strtol(at, (char **)&at, 10);
      if (c < 1 || c > 31) ok = 0;
      else p->prefix_idx |= 1u << c;
      if (!quoted) break;
    }
  }
  p->prefix_known = ok;
  sqlite3_finalize(st);
}

/* Fills p->slot with every term (p->strs, p->toff, p->nterms). */
static void S_hash_terms(kb_postings *p) {
  size_t n = 16;
  while (n < 2 * (size_t)p->nterms) n *= 2;
  p->slot = kb_xcalloc(n, sizeof *p->slot);
  p->mask = (uint32_t)(n - 1);
  for (int t = 0; t < p->nterms; t++) {
    const char *w = p->strs + p->toff[t];
    uint32_t h = kb_hash(w, strlen(w)), i = h;
    while (p->slot[i & p->mask].term) i++;
    p->slot[i & p->mask] = (S_slot){.hash = h, .term = t + 1};
  }
}

/* Reads every (term, row, column, offset) of the table, in the view's
 * order, which must be FTS5's: by term, row, column and offset (checked:
 * anything else and the table is left to FTS5). Returns 1 when loaded, 0
 * when too large or not in order, an SQLite error code below 0. */
static int S_read_instances(kb_postings *p, S_load *L, sqlite3_stmt *st,
                            const char names[S_NCOL][32], long max_inst) {
  long last = -1;        /* offset of the last term in L->strs */
  int rc;
  sqlite3_int64 last_doc = -1;
  uint32_t last_pos = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *term = (const char *)sqlite3_column_text(st, 0);
    sqlite3_int64 doc = sqlite3_column_int64(st, 1);
    int col = S_column_of(names, (const char *)sqlite3_column_text(st, 2));
    sqlite3_int64 off = sqlite3_column_int64(st, 3);
    if (!term || col < 0 || doc < 0 || doc > INT32_MAX || off < 0 || off > S_OFF_MASK) return 0;
    if (L->npos >= max_inst) return 0;
    uint32_t pos = (uint32_t)col << S_COL_SHIFT | (uint32_t)off;
    int cmp = last >= 0 ? strcmp(term, kb_buf_str(&L->strs) + last) : 1;
    if (cmp < 0) return 0;
    if (cmp > 0) { /* a new term */
      if (L->nterms + 1 > L->capterms) {
        S_grow((void **)&p->toff, &L->capterms, L->nterms + 1, sizeof *p->toff);
        p->tfirst = kb_xrealloc(p->tfirst, (size_t)L->capterms * sizeof *p->tfirst);
      }
      p->toff[L->nterms] = (int)L->strs.n;
      p->tfirst[L->nterms] = (int)L->npost;
      L->nterms++;
      kb_buf_put(&L->strs, term, strlen(term) + 1);
      last = p->toff[L->nterms - 1];
      last_doc = -1;
    }
    if (doc < last_doc || (doc == last_doc && pos <= last_pos)) return 0;
    if (doc != last_doc) { /* a new posting */
      if (L->npost + 1 > L->cappost) {
        S_grow((void **)&p->doc, &L->cappost, L->npost + 1, sizeof *p->doc);
        p->pfirst = kb_xrealloc(p->pfirst, (size_t)L->cappost * sizeof *p->pfirst);
      }
      p->doc[L->npost] = (int)doc;
      p->pfirst[L->npost] = (int)L->npos;
      if (doc > p->maxdoc) p->maxdoc = (int)doc;
      L->npost++;
      last_doc = doc;
    }
    S_grow((void **)&p->pos, &L->cappos, L->npos + 1, sizeof *p->pos);
    p->pos[L->npos++] = pos;
    last_pos = pos;
  }
  return rc == SQLITE_DONE ? 1 : -(rc ? rc : SQLITE_ERROR);
}

/* Each posting's kb_rank_list.head: its positions in the four fields
 * before the body counted per field at load, where the ranking counted
 * them per row with a loop whose end it mispredicted about once a list
 * (kb_rank.c's S_cols()); 0 (not known) past a count's bits. */
static void S_heads(kb_postings *p) {
  p->head = kb_xmalloc(((size_t)p->npost + 1) * sizeof *p->head);
  for (long i = 0; i < p->npost; i++) {
    unsigned cnt[S_NCOL - 1] = {0};
    int j = p->pfirst[i];
    for (; j < p->pfirst[i + 1] && p->pos[j] >> S_COL_SHIFT < S_NCOL - 1; j++)
      cnt[p->pos[j] >> S_COL_SHIFT]++;
    p->head[i] = kb_rank_head(cnt);
  }
}

kb_postings *kb_postings_load(sqlite3 *db, const char *table, long max_inst, int *prc) {
  kb_postings *p = kb_xcalloc(1, sizeof *p);
  S_load L = {.strs = KB_BUF_INIT};
  char names[S_NCOL][32];
  sqlite3_stmt *st = NULL;
  int rc = S_read_averages(p, db, table);
  if (rc == SQLITE_OK) rc = S_read_columns(db, table, names);
  if (rc == SQLITE_OK) S_read_prefixes(p, db, table);
  if (rc == SQLITE_OK) {
    char *sql = sqlite3_mprintf("CREATE VIRTUAL TABLE IF NOT EXISTS temp.\"post_%w\" USING"
                                " fts5vocab(main, \"%w\", 'instance');", table, table);
    rc = sql ? sqlite3_exec(db, sql, NULL, NULL, NULL) : SQLITE_NOMEM;
    sqlite3_free(sql);
  }
  if (rc == SQLITE_OK) {
    char *sql = sqlite3_mprintf("SELECT term, doc, col, offset FROM temp.\"post_%w\"", table);
    rc = sql ? sqlite3_prepare_v2(db, sql, -1, &st, NULL) : SQLITE_NOMEM;
    sqlite3_free(sql);
  }
  int got = rc == SQLITE_OK ? S_read_instances(p, &L, st, names, max_inst) : -rc;
  sqlite3_finalize(st);
  *prc = got < 0 ? -got : SQLITE_OK;
  if (got != 1) {
    kb_buf_cleanup(&L.strs);
    kb_postings_free(p);
    return NULL;
  }
  /* the closing bounds: tfirst[nterms], pfirst[npost] */
  p->toff = kb_xrealloc(p->toff, ((size_t)L.nterms + 1) * sizeof *p->toff);
  p->tfirst = kb_xrealloc(p->tfirst, ((size_t)L.nterms + 1) * sizeof *p->tfirst);
  p->tfirst[L.nterms] = (int)L.npost;
  p->pfirst = kb_xrealloc(p->pfirst, ((size_t)L.npost + 1) * sizeof *p->pfirst);
  p->pfirst[L.npost] = (int)L.npos;
  p->nterms = (int)L.nterms;
  p->npost = L.npost;
  p->npos = L.npos;
  p->strs = kb_buf_detach(&L.strs);
  S_hash_terms(p);
  S_heads(p);
  return p;
}

void kb_postings_weigh(const kb_postings *p, kb_rank_norms *n) {
  if (p && n) kb_rank_norms_weigh(n, p->pos, p->npos, p->doc, p->pfirst, p->head, p->npost);
}

sqlite3_int64 kb_postings_rows(const kb_postings *p, sqlite3_int64 totals[S_NCOL]) {
  memcpy(totals, p->totals, sizeof p->totals);
  return p->nrow;
}

long kb_postings_size(const kb_postings *p) { return p->npos; }

int kb_postings_prefixes(const kb_postings *p) { return p->prefix_known; }

void kb_postings_span(const kb_postings *p, const uint32_t **lo, const uint32_t **hi) {
  *lo = p->pos;
  *hi = p->pos + p->npos;
}

int kb_postings_holds(const kb_postings *p, const uint32_t *pos) {
  uintptr_t a = (uintptr_t)p->pos, x = (uintptr_t)pos;
  return x >= a && x < a + (uintptr_t)p->npos * sizeof *p->pos;
}

/*--- Lists ---------------------------------------------------------------*/

/* The postings of one phrase: a term's own arrays, or arrays built for a
 * phrase of several terms (owned, freed with S_list_cleanup). */
typedef struct {
  const int *doc, *pfirst;
  const uint32_t *pos;
  const uint64_t *head;  /* per posting, a term's (kb_postings.head); NULL */
  int n;                 /* postings */
  int at, end;           /* the part being merged */
  int *own_doc, *own_pfirst;
  uint32_t *own_pos;
} S_list;

/* The index of term t[0..n), or -1. */
static int S_find(const kb_postings *p, const char *t, size_t n) {
  uint32_t h = kb_hash(t, n);
  for (uint32_t i = h;; i++) {
    const S_slot *e = &p->slot[i & p->mask];
    if (!e->term) return -1;
    if (e->hash != h) continue;
    const char *m = p->strs + p->toff[e->term - 1];
    if (!strncmp(m, t, n) && !m[n]) return e->term - 1;
  }
}

int kb_postings_term(const kb_postings *p, const char *t) { return S_find(p, t, strlen(t)); }

static void S_term_list(const kb_postings *p, int t, S_list *l) {
  memset(l, 0, sizeof *l);
  if (t < 0) return;
  int first = p->tfirst[t];
  l->doc = p->doc + first;
  l->pfirst = p->pfirst + first;
  l->head = p->head + first;
  l->pos = p->pos;
  l->n = p->tfirst[t + 1] - first;
}

/* The terms starting with t[0..n) (FTS5's prefix query "t*": bytes
 * compared, as the terms are sorted): [*first, *end). */
static void S_prefix_range(const kb_postings *p, const char *t, size_t n, int *first, int *end) {
  int lo = 0, hi = p->nterms;
  while (lo < hi) { /* the first term not below t */
    int mid = (lo + hi) / 2;
    if (strncmp(p->strs + p->toff[mid], t, n) < 0) lo = mid + 1;
    else hi = mid;
  }
  *first = lo;
  /* the first term past those starting with t, which follow it: steps
   * doubled from it, then halved (a search of the whole table took as
   * many steps for a longer prefix's few terms as for a short one's
   * hundreds); [first, lo) start with t, hi is past them */
  int step = 1;
  hi = lo;
  while (hi < p->nterms && !strncmp(p->strs + p->toff[hi], t, n)) {
    lo = hi + 1;
    hi = lo + step;
    step *= 2;
  }
  if (hi > p->nterms) hi = p->nterms;
  while (lo < hi) {
    int mid = lo + (hi - lo) / 2;
    if (!strncmp(p->strs + p->toff[mid], t, n)) lo = mid + 1;
    else hi = mid;
  }
  *end = lo;
}

/* Merges the runs in order of a[0..n) two by two through tmp (n of
 * them) until one is left. */
static void S_merge_runs(uint32_t *a, int n, uint32_t *tmp) {
  for (;;) {
    int i = 0, merged = 0;
    while (i < n) {
      int m = i + 1, e;
      while (m < n && a[m - 1] <= a[m]) m++;
      if (m == n) { /* the last run, alone (or the only one: sorted) */
        if (!merged) return;
        memcpy(tmp + i, a + i, (size_t)(n - i) * sizeof *a);
        break;
      }
      for (e = m + 1; e < n && a[e - 1] <= a[e];) e++;
      int x = i, y = m, k = i;
      while (x < m && y < e) tmp[k++] = a[y] < a[x] ? a[y++] : a[x++];
      while (x < m) tmp[k++] = a[x++];
      while (y < e) tmp[k++] = a[y++];
      merged = 1;
      i = e;
    }
    memcpy(a, tmp, (size_t)n * sizeof *a);
  }
}

/* Sorts a[0..n), a row's positions from each term in turn (runs in
 * order): by insertion while short, as most rows' are, else by merging
 * the runs (qsort() was a twentieth of a search as you type, then a
 * fortieth for the few long rows). */
static void S_sort_pos(uint32_t *a, int n) {
  if (n > 32) {
    uint32_t buf[512], *tmp = n <= 512 ? buf : kb_xmalloc((size_t)n * sizeof *tmp);
    S_merge_runs(a, n, tmp);
    if (tmp != buf) free(tmp);
    return;
  }
  for (int i = 1; i < n; i++) {
    uint32_t v = a[i];
    int j = i;
    for (; j > 0 && a[j - 1] > v; j--) a[j] = a[j - 1];
    a[j] = v;
  }
}

/* The postings of a prefix query: for each row holding any of the terms
 * that start with t[0..n), the union of their positions, in order, as
 * FTS5 gives them: two terms can share a position (a word and its
 * alternative, "imei2" and "imei"), and that position comes twice from a
 * prefix index, once from a merge of the terms' lists (S_read_prefixes).
 * Counted by row id, then each row's positions sorted: one pass over the
 * terms' postings. The counts per row and a bit per row with some are
 * the thread's (KB_SPARE_PREFIX), all 0 between lists: each clears what
 * it set, and the rows are visited by their bits (a table of counts
 * allocated and cleared, and a pass over every row of the table, were a
 * third of a list of a few rows). */
static void S_prefix_list(const kb_postings *p, const char *t, size_t n, S_list *l) {
  memset(l, 0, sizeof *l);
  int tf, te;
  S_prefix_range(p, t, n, &tf, &te);
  if (tf == te) return;
  if (te - tf == 1) { /* one term: its own arrays */
    S_term_list(p, tf, l);
    return;
  }
  size_t nd = (size_t)p->maxdoc + 1, nw = (nd + 63) / 64, need = nw * 8 + nd * sizeof(int), have;
  uint64_t *used = kb_spare_take(KB_SPARE_PREFIX, &have);
  if (have < need) {
    free(used);
    used = kb_xcalloc(need, 1);
    have = need;
  }
  int *cnt = (int *)(used + nw); /* per row: its positions, then where they start, then end */
  for (int i = p->tfirst[tf]; i < p->tfirst[te]; i++) {
    int d = p->doc[i];
    cnt[d] += p->pfirst[i + 1] - p->pfirst[i];
    used[d / 64] |= (uint64_t)1 << (d % 64);
  }
  int ndoc = 0, total = 0;
  for (size_t w = 0; w < nw; w++)
    for (uint64_t m = used[w]; m; m &= m - 1) {
      int *c = &cnt[w * 64 + (size_t)__builtin_ctzll(m)], k = *c;
      *c = total;
      total += k;
      ndoc++;
    }
  uint32_t *pos = kb_xmalloc((size_t)total * sizeof *pos);
  for (int i = p->tfirst[tf]; i < p->tfirst[te]; i++) {
    int from = p->pfirst[i], to = p->pfirst[i + 1];
    memcpy(pos + cnt[p->doc[i]], p->pos + from, (size_t)(to - from) * sizeof *pos);
    cnt[p->doc[i]] += to - from;
  }
  size_t nchar = 0; /* characters of t, as FTS5 counts them for its prefix indexes */
  for (size_t i = 0; i < n; i++) nchar += ((unsigned char)t[i] & 0xC0) != 0x80;
  int twice = nchar < 32 && (p->prefix_idx >> nchar & 1);
  l->own_doc = kb_xmalloc((size_t)ndoc * sizeof *l->own_doc);
  l->own_pfirst = kb_xmalloc(((size_t)ndoc + 1) * sizeof *l->own_pfirst);
  int np = 0, from = 0; /* (a row's start: the last one's end) */
  for (size_t w = 0; w < nw; w++) {
    for (uint64_t m = used[w]; m; m &= m - 1) {
      int d = (int)(w * 64 + (size_t)__builtin_ctzll(m)), to = cnt[d];
      cnt[d] = 0;
      S_sort_pos(pos + from, to - from);
      l->own_doc[l->n] = d;
      l->own_pfirst[l->n++] = np;
      if (twice) { /* every position kept: all in place already */
        np = to;
      } else if (to > from) { /* a position two terms share kept once */
        pos[np++] = pos[from];
        for (int j = from + 1; j < to; j++)
          if (pos[j] != pos[j - 1]) pos[np++] = pos[j];
      }
      from = to;
    }
    used[w] = 0;
  }
  l->own_pfirst[l->n] = np;
  kb_spare_give(KB_SPARE_PREFIX, used, have); /* (all 0 again) */
  l->own_pos = pos;
  l->doc = l->own_doc;
  l->pfirst = l->own_pfirst;
  l->pos = l->own_pos;
}

/* Adds start to the positions *pos (holding *cap, *np used). */
static void S_add_start(uint32_t **pos, long *cap, int *np, uint32_t start) {
  S_grow((void **)pos, cap, *np + 1, sizeof **pos);
  (*pos)[(*np)++] = start;
}

/* The starts of a phrase of two words x and y in one row (x's posting i,
 * y's j): x's positions with y's next, in order, added to *pos (holding
 * *cap, *np used). The row's positions of the two merged, the one behind
 * stepping, each read once (a search by halving in y's for each of x's
 * was 1.5 K instructions a kb/ suggest, most of it for phrases no row
 * has: their lists are not kept, kb_postings_memo). */
static void S_pair_starts(const S_list *x, int i, const S_list *y, int j, uint32_t **pos,
                          long *cap, int *np) {
  const uint32_t *a = x->pos + x->pfirst[i], *ae = x->pos + x->pfirst[i + 1];
  const uint32_t *b = y->pos + y->pfirst[j], *be = y->pos + y->pfirst[j + 1];
  while (a < ae && b < be) {
    uint32_t start = *a;
    if (*b <= start) { /* (y's at or before x's: no later start's next) */
      b++;
      continue;
    }
    /* (b is y's first past start; an offset at its column's last is
     * followed by nothing there) */
    if (*b == start + 1 && (start & S_OFF_MASK) + 1 <= S_OFF_MASK) S_add_start(pos, cap, np, start);
    a++;
  }
}

/* Whether list l's positions from *at up to end hold `pos` (packed): *at
 * stepped past those before it (the starts it is asked for come in
 * order, S_starts()). */
static int S_has_pos_from(const S_list *l, int *at, int end, uint32_t pos) {
  int j = *at;
  while (j < end && l->pos[j] < pos) j++;
  *at = j;
  return j < end && l->pos[j] == pos;
}

/* The starts of a phrase of nw words w in one row (w[k]'s posting at[k]),
 * added to *pos as S_pair_starts() adds them: each word's positions in
 * the row stepped through once for all the starts. */
static void S_starts(const S_list *w, int nw, const int *at, uint32_t **pos, long *cap, int *np) {
  if (nw == 2) { /* (most phrases) */
    S_pair_starts(&w[0], at[0], &w[1], at[1], pos, cap, np);
    return;
  }
  int from[S_MAX_WORDS]; /* per word, its next position in the row */
  for (int k = 1; k < nw; k++) from[k] = w[k].pfirst[at[k]];
  for (int j = w[0].pfirst[at[0]]; j < w[0].pfirst[at[0] + 1]; j++) {
    uint32_t start = w[0].pos[j];
    int ok = 1;
    for (int k = 1; k < nw && ok; k++)
      ok = (start & S_OFF_MASK) + (uint32_t)k <= S_OFF_MASK &&
           S_has_pos_from(&w[k], &from[k], w[k].pfirst[at[k] + 1], start + (uint32_t)k);
    if (ok) S_add_start(pos, cap, np, start);
  }
}

/* The postings of a phrase of nw terms: rows where term k is at position
 * start + k in one column, the instance at start (as FTS5 reports a
 * phrase's match). */
static void S_phrase_list(const S_list *w, int nw, S_list *l) {
  memset(l, 0, sizeof *l);
  for (int k = 0; k < nw; k++)
    if (!w[k].n) return;
  long capd = 0, capp = 0;
  int np = 0;
  int at[S_MAX_WORDS] = {0};
  for (int i = 0; i < w[0].n; i++) {
    int d = w[0].doc[i], all = 1;
    for (int k = 1; k < nw && all; k++) {
      while (at[k] < w[k].n && w[k].doc[at[k]] < d) at[k]++;
      all = at[k] < w[k].n && w[k].doc[at[k]] == d;
    }
    if (!all) continue;
    int first = np;
    at[0] = i;
    S_starts(w, nw, at, &l->own_pos, &capp, &np);
    if (np == first) continue;
    if (l->n + 2 > capd) {
      S_grow((void **)&l->own_doc, &capd, l->n + 2, sizeof *l->own_doc);
      l->own_pfirst = kb_xrealloc(l->own_pfirst, (size_t)capd * sizeof *l->own_pfirst);
    }
    l->own_doc[l->n] = d;
    l->own_pfirst[l->n] = first;
    l->own_pfirst[++l->n] = np;
  }
  l->doc = l->own_doc;
  l->pfirst = l->own_pfirst;
  l->pos = l->own_pos;
}

/* The list of a phrase: terms separated by single spaces; with prefix,
 * a prefix query (one term). */
static void S_list_of(const kb_postings *p, const char *phrase, int prefix, S_list *l) {
  if (prefix) {
    S_prefix_list(p, phrase, strlen(phrase), l);
    return;
  }
  const char *sp = strchr(phrase, ' ');
  if (!sp) {
    S_term_list(p, S_find(p, phrase, strlen(phrase)), l);
    return;
  }
  S_list w[S_MAX_WORDS];
  int nw = 0;
  for (const char *s = phrase; *s && nw < S_MAX_WORDS;) {
    const char *e = strchr(s, ' ');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    if (n) S_term_list(p, S_find(p, s, n), &w[nw++]);
    s += n + (e != NULL);
  }
  if (nw == 1) *l = w[0];
  else S_phrase_list(w, nw, l);
}

static void S_list_cleanup(S_list *l) {
  /* (most lists own nothing: a term's own arrays, or the memo's; three
   * free(NULL) calls for each of a query's dozen lists were 0.2 K
   * instructions a suggest) */
  if (!l->own_doc && !l->own_pfirst && !l->own_pos) return;
  free(l->own_doc);
  free(l->own_pfirst);
  free(l->own_pos);
}

/* Rows holding a term that starts with t[0..n). */
static int S_prefix_df(const kb_postings *p, const char *t, size_t n) {
  int tf, te;
  S_prefix_range(p, t, n, &tf, &te);
  if (te - tf <= 1) return te > tf ? p->tfirst[tf + 1] - p->tfirst[tf] : 0;
  unsigned char *seen = kb_xcalloc((size_t)p->maxdoc + 1, 1);
  int df = 0;
  for (int i = p->tfirst[tf]; i < p->tfirst[te]; i++)
    if (!seen[p->doc[i]]) {
      seen[p->doc[i]] = 1;
      df++;
    }
  free(seen);
  return df;
}

int kb_postings_df(const kb_postings *p, const char *phrase, int prefix) {
  if (prefix) return S_prefix_df(p, phrase, strlen(phrase));
  S_list l;
  S_list_of(p, phrase, 0, &l);
  int n = l.n;
  S_list_cleanup(&l);
  return n;
}

/*--- Matching ------------------------------------------------------------*/

/* The first posting of l in [lo, hi) with an id of at least id (hi when
 * none). */
static int S_seek(const S_list *l, int lo, int hi, int64_t id) {
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (l->doc[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* Memory a match reuses (S_match_dense()), grown, never shrunk: the
 * rows' lists (capent), and per id (capid) where its bucket ends and, a
 * bit each, whether it has one; those two all 0 between matches (each
 * clears what it set: a match reads a few of the ids it spans). */
typedef struct {
  kb_rank_list *ent;
  size_t capent;
  int *slot;
  uint64_t *used;
  size_t capid;
} S_scratch;

struct kb_postings_query {
  int n;
  S_list *l;          /* per phrase: its postings in the whole table */
  kb_rank_list *rl;   /* a row's lists, for the callback */
  int *act;           /* the phrases with postings left, in order */
  S_scratch *scratch; /* the memo's, else own */
  S_scratch own;
};

#define S_MEMO_SLOTS 64
#define S_MEMO_POS (1L << 16) /* 256 KB per language and index (one per thread) */

struct kb_postings_memo {
  const kb_postings *p; /* whose lists these are */
  int n;
  long npos;            /* positions held */
  struct {
    uint32_t hash;
    int prefix;
    char *text;
    S_list l;           /* owning its arrays */
  } e[S_MEMO_SLOTS];
  S_scratch scratch;    /* for the queries made with it, one at a time */
};

static void S_scratch_cleanup(S_scratch *b) {
  free(b->ent);
  free(b->slot);
  free(b->used);
}

kb_postings_memo *kb_postings_memo_new(void) { return kb_xcalloc(1, sizeof(kb_postings_memo)); }

static void S_memo_clear(kb_postings_memo *m) {
  for (int i = 0; i < m->n; i++) {
    free(m->e[i].text);
    S_list_cleanup(&m->e[i].l);
  }
  m->n = 0;
  m->npos = 0;
}

void kb_postings_memo_free(kb_postings_memo *m) {
  if (!m) return;
  S_memo_clear(m);
  S_scratch_cleanup(&m->scratch);
  free(m);
}

/* S_list_of() through memo (not NULL): a list made for a phrase of
 * several terms or a prefix is kept there, and given out again (l then
 * owns nothing). */
static void S_list_memo(const kb_postings *p, const char *phrase, int prefix, S_list *l,
                        kb_postings_memo *m) {
  if (!prefix && !strchr(phrase, ' ')) { /* one term: its own arrays, no work
                                            (S_list_of()'s, found at once) */
    S_term_list(p, S_find(p, phrase, strlen(phrase)), l);
    return;
  }
  uint32_t h = kb_hash(phrase, strlen(phrase));
  for (int i = 0; i < m->n; i++)
    if (m->e[i].hash == h && m->e[i].prefix == prefix && !strcmp(m->e[i].text, phrase)) {
      *l = m->e[i].l;
      l->own_doc = l->own_pfirst = NULL;
      l->own_pos = NULL;
      return;
    }
  S_list_of(p, phrase, prefix, l);
  long np = l->n ? l->pfirst[l->n] : 0;
  /* (borrowed arrays, or no room: the query's own, freed with it; the
   * memo is never emptied here, while the query holds lists of it) */
  if (!l->own_doc || m->n == S_MEMO_SLOTS || m->npos + np > S_MEMO_POS) return;
  m->e[m->n].hash = h;
  m->e[m->n].prefix = prefix;
  m->e[m->n].text = kb_xstrdup(phrase);
  m->e[m->n].l = *l;
  m->n++;
  m->npos += np;
  l->own_doc = l->own_pfirst = NULL; /* (the memo's now) */
  l->own_pos = NULL;
}

kb_postings_query *kb_postings_query_new(const kb_postings *p, const char *const *phrase,
                                         const unsigned char *prefix, int nphrase) {
  return kb_postings_query_new_memo(p, phrase, prefix, nphrase, NULL, NULL);
}

kb_postings_query *kb_postings_query_new_memo(const kb_postings *p, const char *const *phrase,
                                              const unsigned char *prefix, int nphrase,
                                              const int *term, kb_postings_memo *memo) {
  kb_postings_query *q = kb_xmalloc(sizeof *q);
  q->n = nphrase;
  /* (malloc() and a clear: calloc() passes by malloc()'s per-thread cache) */
  q->l = kb_xmalloc(((size_t)nphrase + 1) * sizeof *q->l);
  memset(q->l, 0, ((size_t)nphrase + 1) * sizeof *q->l);
  /* rl and act in one block: one allocation more per search moved
   * malloc() off its fast path (+2.3 K instructions a suggest) */
  size_t n = (size_t)nphrase + 1;
  q->rl = kb_xmalloc(n * sizeof *q->rl + n * sizeof *q->act);
  q->act = (int *)(q->rl + n);
  q->own = (S_scratch){0};
  q->scratch = memo ? &memo->scratch : &q->own;
  /* emptied before a query, not during one (its lists point into it):
   * when another table's, or too full for this query's lists to join */
  if (memo && (memo->p != p || memo->n + nphrase > S_MEMO_SLOTS || 4 * memo->npos > 3 * S_MEMO_POS)) {
    S_memo_clear(memo);
    memo->p = p;
  }
  for (int k = 0; k < nphrase; k++) {
    /* a term the caller found before: its own arrays, without the string
     * hashed and compared again (S_find()) */
    if (term && term[k] != KB_POSTINGS_BY_TEXT) S_term_list(p, term[k], &q->l[k]);
    else if (memo) S_list_memo(p, phrase[k], prefix && prefix[k], &q->l[k], memo);
    else S_list_of(p, phrase[k], prefix && prefix[k], &q->l[k]);
  }
  return q;
}

int kb_postings_query_df(const kb_postings_query *q, int k) { return q->l[k].n; }

void kb_postings_query_free(kb_postings_query *q) {
  if (!q) return;
  for (int k = 0; k < q->n; k++) S_list_cleanup(&q->l[k]);
  free(q->l);
  free(q->rl); /* (and act) */
  S_scratch_cleanup(&q->own);
  free(q);
}

/* Ids this many times the postings read, or fewer, are bucketed
 * (S_match_dense()); past it, or past S_DENSE_MAX ids, merged. */
#define S_DENSE_SPAN 4
#define S_DENSE_MAX (1 << 20)

/* kb_postings_query_match() without driving phrases, when the rows' ids
 * lie close together, [dmin, dmin + span), and the parts [at, end) of
 * the lists hold total postings: the postings counted per id, then each
 * put in its row's bucket, phrase by phrase (so a row's lists are in
 * phrase order, as the merge gives them), and the rows called in id
 * order. A pass over the postings and one over the ids, where the merge
 * looked at every phrase with postings left for each row (a suggest's
 * dozens of phrases, 37 rows of kb/). */
static int S_match_dense(kb_postings_query *q, int64_t dmin, int64_t span, size_t total,
                         kb_postings_fn fn, void *ctx) {
  S_list *l = q->l;
  S_scratch *b = q->scratch;
  if (b->capent < total) {
    free(b->ent);
    b->capent = total > 2 * b->capent ? total : 2 * b->capent;
    b->ent = kb_xmalloc(b->capent * sizeof *b->ent);
  }
  size_t nw = ((size_t)span + 63) / 64;
  if (b->capid < 64 * nw) {
    free(b->slot);
    free(b->used);
    b->capid = 64 * nw > 2 * b->capid ? 64 * nw : 2 * b->capid;
    b->slot = kb_xcalloc(b->capid, sizeof *b->slot);
    b->used = kb_xcalloc(b->capid / 64, sizeof *b->used);
  }
  kb_rank_list *ent = b->ent;
  uint64_t *used = b->used;
  int *slot = b->slot;
  for (int k = 0; k < q->n; k++)
    for (int j = l[k].at; j < l[k].end; j++) {
      int64_t i = l[k].doc[j] - dmin;
      slot[i]++;
      used[i / 64] |= (uint64_t)1 << (i % 64);
    }
  int at = 0; /* each bucket's start, in id order */
  for (size_t w = 0; w < nw; w++)
    for (uint64_t m = used[w]; m; m &= m - 1) {
      int *s = &slot[w * 64 + (size_t)__builtin_ctzll(m)];
      int n = *s;
      *s = at;
      at += n;
    }
  for (int k = 0; k < q->n; k++)
    for (int j = l[k].at; j < l[k].end; j++) {
      int from = l[k].pfirst[j];
      ent[slot[l[k].doc[j] - dmin]++] =
          (kb_rank_list){.phrase = k, .n = l[k].pfirst[j + 1] - from, .pos = l[k].pos + from,
                         .head = l[k].head ? l[k].head[j] : 0};
    }
  int rc = 0, prev = 0; /* (slot[i]: now bucket i's end) */
  for (size_t w = 0; w < nw; w++) {
    for (uint64_t m = used[w]; m; m &= m - 1) {
      int *s = &slot[w * 64 + (size_t)__builtin_ctzll(m)];
      if (rc == 0) rc = fn(ctx, dmin + (int64_t)(s - slot), ent + prev, *s - prev);
      prev = *s;
      *s = 0;
    }
    used[w] = 0;
  }
  return rc;
}

int kb_postings_query_match(kb_postings_query *q, const unsigned char *drive, sqlite3_int64 lo,
                            sqlite3_int64 hi, kb_postings_fn fn, void *ctx) {
  S_list *l = q->l;
  int nphrase = q->n;
  size_t total = 0;
  int64_t dmin = INT64_MAX, dmax = INT64_MIN;
  for (int k = 0; k < nphrase; k++) {
    /* (a list wholly inside the range, as a suggest's in one language's
     * table often is, needs no search) */
    int n = l[k].n;
    l[k].at = n == 0 || l[k].doc[0] >= lo ? 0 : S_seek(&l[k], 0, n, lo);
    l[k].end = n == 0 || l[k].doc[n - 1] <= hi ? n : S_seek(&l[k], l[k].at, n, hi + 1);
    if (l[k].at < l[k].end) {
      total += (size_t)(l[k].end - l[k].at);
      if (l[k].doc[l[k].at] < dmin) dmin = l[k].doc[l[k].at];
      if (l[k].doc[l[k].end - 1] > dmax) dmax = l[k].doc[l[k].end - 1];
    }
  }
  if (!drive && total > 0 && dmax - dmin < S_DENSE_MAX &&
      (size_t)(dmax - dmin) < S_DENSE_SPAN * total)
    return S_match_dense(q, dmin, dmax - dmin + 1, total, fn, ctx);
  /* a row's matches: each phrase's positions in it, as they are held
   * (kb_rank_row_lists() reads them in order itself) */
  kb_rank_list *rl = q->rl;
  int rc = 0;
  if (!drive) {
    /* every phrase brings rows: only those with postings left are read
     * (a query's dozen phrases, most of them in a few rows, were each
     * looked at twice per row) */
    int *act = q->act, na = 0;
    int64_t d = INT64_MAX; /* the next row: the smallest id at the heads */
    for (int k = 0; k < nphrase; k++)
      if (l[k].at < l[k].end) {
        act[na++] = k;
        if (l[k].doc[l[k].at] < d) d = l[k].doc[l[k].at];
      }
    while (na > 0) {
      int n = 0, m = 0;
      int64_t next = INT64_MAX;
      for (int i = 0; i < na; i++) {
        S_list *x = &l[act[i]];
        if (x->doc[x->at] == d) {
          int from = x->pfirst[x->at];
          rl[n++] = (kb_rank_list){.phrase = act[i], .n = x->pfirst[x->at + 1] - from,
                                   .pos = x->pos + from, .head = x->head ? x->head[x->at] : 0};
          if (++x->at == x->end) continue;
        }
        act[m++] = act[i];
        if (x->doc[x->at] < next) next = x->doc[x->at];
      }
      na = m;
      if ((rc = fn(ctx, d, rl, n)) != 0) break;
      d = next;
    }
    return rc;
  }
  for (;;) {
    int64_t d = INT64_MAX;
    for (int k = 0; k < nphrase; k++)
      if ((!drive || drive[k]) && l[k].at < l[k].end && l[k].doc[l[k].at] < d)
        d = l[k].doc[l[k].at];
    if (d == INT64_MAX) break;
    int n = 0;
    for (int k = 0; k < nphrase; k++) {
      S_list *x = &l[k];
      if (drive && !drive[k]) x->at = S_seek(x, x->at, x->end, d);
      if (x->at >= x->end || x->doc[x->at] != d) continue;
      int from = x->pfirst[x->at];
      rl[n++] = (kb_rank_list){.phrase = k, .n = x->pfirst[x->at + 1] - from, .pos = x->pos + from,
                               .head = x->head ? x->head[x->at] : 0};
      x->at++;
    }
    if ((rc = fn(ctx, d, rl, n)) != 0) break;
  }
  return rc;
}

int kb_postings_match(const kb_postings *p, const char *const *phrase,
                      const unsigned char *prefix, int nphrase, const unsigned char *drive,
                      sqlite3_int64 lo, sqlite3_int64 hi, kb_postings_fn fn, void *ctx) {
  kb_postings_query *q = kb_postings_query_new(p, phrase, prefix, nphrase);
  int rc = kb_postings_query_match(q, drive, lo, hi, fn, ctx);
  kb_postings_query_free(q);
  return rc;
}
