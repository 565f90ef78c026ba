/*
 * kb_vocab.c - the vocabulary of a full-text table, and spelling
 * correction against it (see kb_vocab.h).
 *
 * Each list is sorted (byte order, as SQLite returns it) and indexed twice:
 * - by term, in an open-addressing hash table: a query looks up the
 *   document frequency of each of its terms (about 60 per tweet), and
 *   bisecting 30,000 strings cost more than all of the matching;
 * - by length: by_len holds the terms' positions grouped by length, each
 *   group still in byte order, and first[] where each first byte's run of
 *   a group starts, so the terms a correction compares are found without
 *   a search. A 64-bit set of each term's bytes lets most of them be
 *   skipped before the edit distance.
 */
#include "kb_vocab.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_text.h"
#include "kb_util.h"

#define S_MAX_LEN 48 /* longest term a correction looks at */

/* A term in the hash table: what a look-up reads, in one place (the
 * term's index, then its pointer, then its df were three more misses). */
typedef struct {
  const char *term;   /* NULL: an empty slot */
  uint32_t hash;
  int df;
} S_slot;

typedef struct {
  char **term;        /* sorted */
  int *df;            /* documents holding each term */
  int n, cap;
  int *by_len;        /* term indexes grouped by length (S_MAX_LEN + 1: with
                         digits or longer, never corrected) */
  int start[S_MAX_LEN + 3]; /* group l is by_len[start[l]..start[l+1]) */
  int *first;         /* (S_MAX_LEN + 1) x 257: the terms of group l that
                         start with byte b are by_len[first[l * 257 + b] ..
                         first[l * 257 + b + 1]) */
  uint64_t *mask;     /* S_letter_mask() of each term */
  S_slot *slot;       /* hash table of the terms */
  unsigned nslot;     /* a power of two, at least twice n */
} S_list;

struct kb_vocab {
  S_list stems;
  S_list words; /* the exact forms, without their '=' */
};

/* The set of bytes in t (each byte value folded to one of 64 bits). One
 * edit changes at most two bits, so two words whose masks differ in more
 * than 2k bits are more than k edits apart: a cheap test before the
 * distance itself. */
static uint64_t S_letter_mask(const char *t) {
  uint64_t m = 0;
  for (; *t; t++) m |= 1ull << ((unsigned char)*t & 63);
  return m;
}

/* Bits set in x. Inline: without -mpopcnt, __builtin_popcountll is a call
 * into libgcc, for each of the ~40 terms a correction looks at. */
static int S_popcount(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
  return (int)((x * 0x0101010101010101ull) >> 56);
}

static void S_push(S_list *l, const char *t, int df) {
  if (l->n == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 1024;
    l->term = kb_xrealloc(l->term, (size_t)l->cap * sizeof *l->term);
    l->df = kb_xrealloc(l->df, (size_t)l->cap * sizeof *l->df);
  }
  l->term[l->n] = kb_xstrdup(t);
  l->df[l->n++] = df;
}

/* The length group of term t: terms with digits (model names, numbers)
 * and long terms go in the last, never a correction target. */
static int S_group(const char *t) {
  size_t n = strpbrk(t, "0123456789") ? S_MAX_LEN + 1 : strlen(t);
  return n > S_MAX_LEN ? S_MAX_LEN + 1 : (int)n;
}

/* first[]: within each length group (byte order), where each first byte's
 * run starts; first[l * 257 + 256] is the group's end. */
static void S_index_first(S_list *l) {
  l->first = kb_xmalloc((size_t)(S_MAX_LEN + 1) * 257 * sizeof *l->first);
  for (int g = 0; g <= S_MAX_LEN; g++) {
    int *f = l->first + g * 257, k = l->start[g];
    for (int b = 0; b < 257; b++) {
      while (k < l->start[g + 1] && (unsigned char)l->term[l->by_len[k]][0] < b) k++;
      f[b] = k;
    }
  }
}

static unsigned S_hash(const char *t) { return kb_hash(t, strlen(t)); }

static void S_index_hash(S_list *l) {
  l->nslot = 64;
  while (l->nslot < 2u * (unsigned)l->n) l->nslot *= 2;
  l->slot = kb_xcalloc(l->nslot, sizeof *l->slot);
  for (int i = 0; i < l->n; i++) {
    unsigned h = S_hash(l->term[i]), k = h & (l->nslot - 1);
    while (l->slot[k].term) k = (k + 1) & (l->nslot - 1);
    l->slot[k] = (S_slot){.term = l->term[i], .hash = h, .df = l->df[i]};
  }
}

/* Groups the terms by length and takes their letter masks (after loading). */
static void S_index(S_list *l) {
  int count[S_MAX_LEN + 2] = {0};
  l->mask = kb_xmalloc((size_t)(l->n ? l->n : 1) * sizeof *l->mask);
  for (int i = 0; i < l->n; i++) {
    l->mask[i] = S_letter_mask(l->term[i]);
    count[S_group(l->term[i])]++;
  }
  l->start[0] = 0;
  for (int g = 1; g <= S_MAX_LEN + 2; g++) l->start[g] = l->start[g - 1] + count[g - 1];
  int fill[S_MAX_LEN + 2];
  memcpy(fill, l->start, sizeof fill);
  l->by_len = kb_xmalloc((size_t)(l->n ? l->n : 1) * sizeof *l->by_len);
  for (int i = 0; i < l->n; i++) l->by_len[fill[S_group(l->term[i])]++] = i;
  S_index_first(l);
  S_index_hash(l);
}

static void S_list_free(S_list *l) {
  for (int i = 0; i < l->n; i++) free(l->term[i]);
  free(l->term);
  free(l->df);
  free(l->by_len);
  free(l->first);
  free(l->mask);
  free(l->slot);
}

kb_vocab *kb_vocab_load(sqlite3 *db, const char *table, int *prc) {
  char *sql = sqlite3_mprintf("CREATE VIRTUAL TABLE IF NOT EXISTS temp.\"vocab_%w\" USING"
                              " fts5vocab(main, \"%w\", 'row');", table, table);
  int rc = sql ? sqlite3_exec(db, sql, NULL, NULL, NULL) : SQLITE_NOMEM;
  sqlite3_free(sql);
  sqlite3_stmt *st = NULL;
  if (rc == SQLITE_OK) {
    sql = sqlite3_mprintf("SELECT term, doc FROM temp.\"vocab_%w\" ORDER BY term", table);
    rc = sql ? sqlite3_prepare_v2(db, sql, -1, &st, NULL) : SQLITE_NOMEM;
    sqlite3_free(sql);
  }
  if (rc != SQLITE_OK) {
    *prc = rc;
    return NULL;
  }
  kb_vocab *v = kb_xcalloc(1, sizeof *v);
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(st, 0);
    int df = sqlite3_column_int(st, 1);
    if (t[0] == KB_TEXT_EXACT_MARK) S_push(&v->words, t + 1, df);
    else S_push(&v->stems, t, df);
  }
  sqlite3_finalize(st);
  S_index(&v->stems);
  S_index(&v->words);
  *prc = SQLITE_OK;
  return v;
}

/* Words counted as they come: an open-addressing table of strings,
 * doubled when half full. */
struct kb_vocab_count {
  char **word;       /* NULL: an empty slot */
  uint32_t *hash;
  int *times;
  unsigned cap, n;   /* slots (a power of two), words */
};

kb_vocab_count *kb_vocab_count_new(void) { return kb_xcalloc(1, sizeof(kb_vocab_count)); }

static void S_count_grow(kb_vocab_count *c) {
  kb_vocab_count old = *c;
  c->cap = old.cap ? 2 * old.cap : 1024;
  c->word = kb_xcalloc(c->cap, sizeof *c->word);
  c->hash = kb_xmalloc(c->cap * sizeof *c->hash);
  c->times = kb_xmalloc(c->cap * sizeof *c->times);
  for (unsigned k = 0; k < old.cap; k++) {
    if (!old.word[k]) continue;
    unsigned s = old.hash[k] & (c->cap - 1);
    while (c->word[s]) s = (s + 1) & (c->cap - 1);
    c->word[s] = old.word[k];
    c->hash[s] = old.hash[k];
    c->times[s] = old.times[k];
  }
  free(old.word);
  free(old.hash);
  free(old.times);
}

void kb_vocab_count_add(kb_vocab_count *c, const char *w, size_t n) {
  if (2 * (c->n + 1) > c->cap) S_count_grow(c);
  uint32_t h = kb_hash(w, n);
  unsigned s = h & (c->cap - 1);
  for (; c->word[s]; s = (s + 1) & (c->cap - 1))
    if (c->hash[s] == h && !strncmp(c->word[s], w, n) && !c->word[s][n]) {
      c->times[s]++;
      return;
    }
  c->word[s] = kb_xstrndup(w, n);
  c->hash[s] = h;
  c->times[s] = 1;
  c->n++;
}

/* A counted word: what kb_vocab_count_done() sorts. */
typedef struct {
  const char *word;
  int times;
} S_counted;

static int S_cmp_counted(const void *a, const void *b) {
  return strcmp(((const S_counted *)a)->word, ((const S_counted *)b)->word);
}

kb_vocab *kb_vocab_count_done(kb_vocab_count *c, int min) {
  /* the words kept, sorted in byte order as kb_vocab_load() reads them
   * (only those are sorted: counting first, not sorting every word given,
   * is what keeps the training lines' 200,000 words cheap at open) */
  S_counted *v = kb_xmalloc((c->n ? c->n : 1) * sizeof *v);
  int m = 0;
  for (unsigned k = 0; k < c->cap; k++)
    if (c->word[k] && c->times[k] >= min) v[m++] = (S_counted){c->word[k], c->times[k]};
  qsort(v, (size_t)m, sizeof *v, S_cmp_counted);
  kb_vocab *r = NULL;
  if (m) {
    r = kb_xcalloc(1, sizeof *r);
    for (int i = 0; i < m; i++) S_push(&r->words, v[i].word, v[i].times);
    S_index(&r->stems);
    S_index(&r->words);
  }
  free(v);
  for (unsigned k = 0; k < c->cap; k++) free(c->word[k]);
  free(c->word);
  free(c->hash);
  free(c->times);
  free(c);
  return r;
}

void kb_vocab_free(kb_vocab *v) {
  if (!v) return;
  S_list_free(&v->stems);
  S_list_free(&v->words);
  free(v);
}

/* Term t's slot (h: its S_hash()), or NULL. */
static const S_slot *S_find_h(const S_list *l, const char *t, unsigned h) {
  for (unsigned k = h & (l->nslot - 1); l->slot[k].term; k = (k + 1) & (l->nslot - 1))
    if (l->slot[k].hash == h && !strcmp(l->slot[k].term, t)) return &l->slot[k];
  return NULL;
}

static const S_slot *S_find(const S_list *l, const char *t) { return S_find_h(l, t, S_hash(t)); }

int kb_vocab_df(const kb_vocab *v, const char *t) {
  int exact = t[0] == KB_TEXT_EXACT_MARK;
  const S_list *l = exact ? &v->words : &v->stems;
  const S_slot *e = S_find(l, exact ? t + 1 : t);
  return e ? e->df : 0;
}

int kb_vocab_df_hashed(const kb_vocab *v, const char *t, uint32_t h) {
  int exact = t[0] == KB_TEXT_EXACT_MARK;
  const S_slot *e = S_find_h(exact ? &v->words : &v->stems, exact ? t + 1 : t, h);
  return e ? e->df : 0;
}

int kb_vocab_knows_word(const kb_vocab *v, const char *word) {
  return S_find(&v->words, word) != NULL;
}

/* The distance of a and b when it is 0 or 1, else 2, without the table:
 * past their common prefix, one edit must explain the rest (one byte
 * changed, dropped or added, or two adjacent bytes swapped) and what
 * follows it must be equal. Most words a correction compares have max 1. */
static int S_within_one(const char *a, int la, const char *b, int lb) {
  int i = 0;
  while (i < la && i < lb && a[i] == b[i]) i++;
  if (i == la && i == lb) return 0;
  if (la == lb) {
    if (!strcmp(a + i + 1, b + i + 1)) return 1; /* changed */
    return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] && !strcmp(a + i + 2, b + i + 2)
               ? 1 /* swapped */
               : 2;
  }
  if (la == lb + 1) return !strcmp(a + i + 1, b + i) ? 1 : 2; /* dropped from b */
  if (lb == la + 1) return !strcmp(a + i, b + i + 1) ? 1 : 2; /* added in b */
  return 2;
}

/* Optimal string alignment distance (Levenshtein plus adjacent
 * transpositions) between a and b, or max+1 once it must exceed max. Only
 * the diagonal band |i - j| <= max is computed: a path through a cell
 * outside it costs more than max, so the cells just outside are set to
 * max+1 and the band alone gives every distance up to max exactly. */
static int S_distance(const char *a, const char *b, int max) {
  int la = (int)strlen(a), lb = (int)strlen(b), out = max + 1;
  if (la > S_MAX_LEN || lb > S_MAX_LEN || abs(la - lb) > max) return out;
  if (max == 1) return S_within_one(a, la, b, lb);
  /* a common prefix and suffix change nothing (as in SymSpell's OSA
   * distance): only the middle that differs goes through the table */
  while (la > 0 && lb > 0 && *a == *b) a++, b++, la--, lb--;
  while (la > 0 && lb > 0 && a[la - 1] == b[lb - 1]) la--, lb--;
  if (la == 0 || lb == 0) return la + lb <= max ? la + lb : out;
  int d[S_MAX_LEN + 2][S_MAX_LEN + 2];
  for (int j = 0; j <= lb && j <= max + 1; j++) d[0][j] = j <= max ? j : out;
  for (int i = 1; i <= la; i++) {
    int lo = i - max > 1 ? i - max : 1, hi = i + max < lb ? i + max : lb;
    d[i][lo - 1] = lo == 1 ? i : out;
    if (hi < lb) d[i][hi + 1] = out;
    int rowmin = out;
    for (int j = lo; j <= hi; j++) {
      int cost = a[i - 1] != b[j - 1];
      int v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
      if (d[i - 1][j - 1] + cost < v) v = d[i - 1][j - 1] + cost;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
      if (v < rowmin) rowmin = v;
    }
    if (rowmin > max) return out;
  }
  return d[la][lb] < out ? d[la][lb] : out;
}

/* The first k in [from, to) whose term l->term[l->by_len[k]] has the
 * byte c at offset 1 or after it (past set) or not before it (past
 * clear); the terms of by_len[from..to) share their first byte and are in
 * byte order. */
static int S_second_bound(const S_list *l, int from, int to, unsigned char c, int past) {
  while (from < to) {
    int mid = from + (to - from) / 2;
    unsigned char m = (unsigned char)l->term[l->by_len[mid]][1];
    if (m < c || (past && m == c)) from = mid + 1;
    else to = mid;
  }
  return from;
}

/* The number of the most frequent term of l within one edit (two for
 * long words, when most allows two) of t, or -1. */
static int S_correct_within(const S_list *l, const char *t, int most) {
  size_t n = strlen(t);
  if (n < 4 || n > S_MAX_LEN || strpbrk(t, "0123456789")) return -1;
  int max = n >= 7 && most >= 2 ? 2 : 1, best = -1, bestd = max + 1;
  int lo = (int)n - max, hi = (int)n + max;
  if (hi > S_MAX_LEN) hi = S_MAX_LEN;
  uint64_t tm = S_letter_mask(t);
  /* people rarely mistype the first letter: only words that start with
   * it, or with the first two letters swapped, are compared; each of
   * those is one run of a length group */
  const char swapped[3] = {t[1], t[0], 0};
  for (int len = lo < 1 ? 1 : lo; len <= hi; len++) {
    for (int pass = 0; pass < 2; pass++) {
      const char *pre = pass ? swapped : t;
      size_t npre = pass ? 2 : 1;
      if (pass && t[0] == t[1]) break;
      const int *f = l->first + len * 257 + (unsigned char)pre[0];
      int a = f[0], b = f[1];
      if (npre == 2) {
        a = S_second_bound(l, a, b, (unsigned char)pre[1], 0);
        b = S_second_bound(l, a, b, (unsigned char)pre[1], 1);
      }
      for (int k = a; k < b; k++) {
        int i = l->by_len[k];
        if (S_popcount(tm ^ l->mask[i]) > 2 * max) continue;
        int d = S_distance(t, l->term[i], max);
        if (d > max) continue;
        if (d < bestd || (d == bestd && l->df[i] > l->df[best])) {
          best = i;
          bestd = d;
        }
      }
    }
  }
  return best;
}

static int S_correct(const S_list *l, const char *t) { return S_correct_within(l, t, 2); }

const char *kb_vocab_correct_word_within(const kb_vocab *v, const char *word, int most) {
  int k = S_correct_within(&v->words, word, most);
  return k >= 0 ? v->words.term[k] : NULL;
}

const char *kb_vocab_correct_word(const kb_vocab *v, const char *word) {
  int k = S_correct(&v->words, word);
  return k >= 0 ? v->words.term[k] : NULL;
}

const char *kb_vocab_correct_stem(const kb_vocab *v, const char *stem) {
  int k = S_correct(&v->stems, stem);
  return k >= 0 ? v->stems.term[k] : NULL;
}

int kb_vocab_correct_word_id(const kb_vocab *v, const char *word) {
  return S_correct(&v->words, word);
}

int kb_vocab_correct_stem_id(const kb_vocab *v, const char *stem) {
  return S_correct(&v->stems, stem);
}

const char *kb_vocab_word_at(const kb_vocab *v, int id) {
  return id >= 0 && id < v->words.n ? v->words.term[id] : NULL;
}

const char *kb_vocab_stem_at(const kb_vocab *v, int id) {
  return id >= 0 && id < v->stems.n ? v->stems.term[id] : NULL;
}

int kb_vocab_word_prefix(const kb_vocab *v, const char *prefix) {
  const S_list *l = &v->words;
  size_t n = strlen(prefix);
  int lo = 0, hi = l->n;
  while (lo < hi) { /* the first term not before prefix */
    int mid = (lo + hi) / 2;
    if (strcmp(l->term[mid], prefix) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo < l->n && strncmp(l->term[lo], prefix, n) == 0;
}
