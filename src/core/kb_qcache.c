/*
 * kb_qcache.c - a bounded cache of search results (kb_qcache.h).
 *
 * An entry is one allocation: its header, the hits (their snippets
 * stored as offsets into the entry's strings, 0 for NULL), the rows
 * their other strings come from (S_row: a row's strings kept once for
 * every entry that shows it), the key and the strings. A hit copies the
 * hits into a new array and the strings into one arena block of the
 * results, then points the fields at them:
 * the results are the caller's to keep and free, as a search's are (a
 * view into the entry, valid until the next search on the handle, would
 * save the two copies, about 2 K instructions of a fragment's 96 K, and
 * make kb_results_free() tell the two apart).
 *
 * Entries are found by an FNV-1a hash of the key in a table of chains and
 * kept on a list, most recently used first; the last goes when a new
 * entry needs its room.
 */
#include "kb_qcache.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kb_arena.h"
#include "kb_util.h"

/* The key is every field of kb_search_opts that can change the results
 * (S_key()). A field added to kb_search_opts must be added to S_key():
 * this fails to compile until the layout below is updated with it, to
 * make that hard to forget (the struct's comment says so too). */
#if SIZE_MAX == UINT64_MAX
_Static_assert(sizeof(kb_search_opts) == 80 && offsetof(kb_search_opts, ablate) == 44 &&
                   offsetof(kb_search_opts, ranked) == 48 && offsetof(kb_search_opts, links_only) == 52 &&
                   offsetof(kb_search_opts, fits) == 56 &&
                   offsetof(kb_search_opts, omit_start) == 64,
               "kb_search_opts changed: add the new field to kb_qcache.c's S_key()");
#endif

/* A hit's string fields: those of its row (the same in every search
 * that shows the row, kept once: S_row), then its snippet; a new string
 * field fails the size check below until it is listed here. */
#define S_ROW_STRINGS(X)                                                                         \
  X(collection) X(slug) X(title) X(url) X(reply) X(escalate) X(type) X(lang) X(deeplink)         \
  X(platform) X(summary)
#define S_NROW 11
#if SIZE_MAX == UINT64_MAX
_Static_assert(sizeof(kb_hit) == 16 + (S_NROW + 1) * sizeof(char *) + KB_RANK_NFEAT * sizeof(double) + 32,
               "kb_hit changed: list a new string field in kb_qcache.c's S_ROW_STRINGS");
#endif

/* A row's strings as its hits show them, shared by the entries whose hits
 * show it (a page's url, reply, escalate and summary were two thirds of
 * its entry, and the same rows come back in search after search). */
typedef struct S_row {
  struct S_row *chain;         /* the next in its hash chain */
  int64_t id;
  int refs;                    /* entries holding it */
  size_t bytes;                /* the whole allocation */
  size_t nstr;                 /* bytes of data */
  uint32_t len[S_NROW];        /* each string's bytes with its NUL; 0: NULL */
  char data[];
} S_row;

typedef struct S_entry {
  struct S_entry *chain;       /* the next in its hash chain */
  struct S_entry *prev, *next; /* the use list: prev more recent */
  uint64_t hash;
  size_t bytes;                /* the whole allocation */
  size_t nkey, nstr;
  int n, total, skipped, nterms;
  int nothing_fits;            /* the results' (asked or not: fits is
                                  part of the key, so an entry made
                                  without it never answers a search
                                  that asks, nor the other way round) */
  size_t corrected;            /* offset + 1 into str, 0: NULL */
  kb_hit *hits;                /* n, in this allocation; their row's
                                  strings NULL, snippet an offset + 1
                                  into str (0: NULL) */
  S_row **rows;                /* each hit's row strings, held */
  char *key, *str;             /* in this allocation too */
} S_entry;

struct kb_qcache {
  size_t max, bytes;           /* the bound and the bytes held (entries and rows) */
  S_entry **table;             /* nbuckets chains */
  size_t mask;                 /* nbuckets - 1 */
  S_row **rows;                /* S_ROW_BUCKETS chains of rows, by id */
  S_entry *first, *last;       /* most and least recently used */
  kb_buf key;                  /* the key of the last kb_qcache_get() */
  uint64_t hash;               /* and its hash */
};
#define S_ROW_BUCKETS 1024

/* Process-wide counters (every handle of every server in the process). */
static atomic_ulong S_hits, S_misses, S_evictions, S_bytes;

void kb_search_cache_stats(kb_search_cache_counts *out) {
  out->hits = atomic_load_explicit(&S_hits, memory_order_relaxed);
  out->misses = atomic_load_explicit(&S_misses, memory_order_relaxed);
  out->evictions = atomic_load_explicit(&S_evictions, memory_order_relaxed);
  out->bytes = atomic_load_explicit(&S_bytes, memory_order_relaxed);
}

kb_qcache *kb_qcache_new(size_t max_bytes) {
  if (!max_bytes) return NULL;
  kb_qcache *c = kb_xcalloc(1, sizeof *c);
  c->max = max_bytes;
  /* about one chain per 8 KB of bound (a ten-hit page is 10 to 20 KB) */
  size_t n = 16;
  while (n < max_bytes / 8192 && n < ((size_t)1 << 20)) n <<= 1;
  c->table = kb_xcalloc(n, sizeof *c->table);
  c->mask = n - 1;
  c->rows = kb_xcalloc(S_ROW_BUCKETS, sizeof *c->rows);
  return c;
}

static void S_unlink(kb_qcache *c, S_entry *e) {
  if (e->prev) e->prev->next = e->next;
  else c->first = e->next;
  if (e->next) e->next->prev = e->prev;
  else c->last = e->prev;
  e->prev = e->next = NULL;
}

static void S_push_front(kb_qcache *c, S_entry *e) {
  e->prev = NULL;
  e->next = c->first;
  if (c->first) c->first->prev = e;
  c->first = e;
  if (!c->last) c->last = e;
}

static void S_bytes_add(kb_qcache *c, size_t n) {
  c->bytes += n;
  atomic_fetch_add_explicit(&S_bytes, n, memory_order_relaxed);
}

static void S_bytes_sub(kb_qcache *c, size_t n) {
  c->bytes -= n;
  atomic_fetch_sub_explicit(&S_bytes, n, memory_order_relaxed);
}

/* Lets go of a row an entry held; freed with the last. */
static void S_row_release(kb_qcache *c, S_row *w) {
  if (--w->refs > 0) return;
  S_row **p = &c->rows[(uint64_t)w->id & (S_ROW_BUCKETS - 1)];
  while (*p != w) p = &(*p)->chain;
  *p = w->chain;
  S_bytes_sub(c, w->bytes);
  free(w);
}

/* Takes e out of the cache and frees it. */
static void S_drop(kb_qcache *c, S_entry *e) {
  S_entry **p = &c->table[e->hash & c->mask];
  while (*p != e) p = &(*p)->chain;
  *p = e->chain;
  S_unlink(c, e);
  for (int i = 0; i < e->n; i++) S_row_release(c, e->rows[i]);
  S_bytes_sub(c, e->bytes);
  free(e);
}

void kb_qcache_free(kb_qcache *c) {
  if (!c) return;
  while (c->first) S_drop(c, c->first);
  free(c->table);
  free(c->rows);
  kb_buf_cleanup(&c->key);
  free(c);
}

int kb_qcache_fits(const kb_search_opts *o) { return !o->snippets_later; }

/* A string of the key: its length (all ones for NULL), then its bytes. */
static void S_key_str(kb_buf *k, const char *s) {
  size_t n = s ? strlen(s) : SIZE_MAX;
  kb_buf_put(k, (const char *)&n, sizeof n);
  if (s) kb_buf_put(k, s, n);
}

/* The key of a search: EVERY field of kb_search_opts that can change its
 * results, then the query's bytes (see the size check at the top). */
static void S_key(kb_buf *k, const char *q, size_t nq, const kb_search_opts *o) {
  kb_buf_clear(k);
  const long long v[] = {o->kinds,          o->limit,           o->offset,
                         o->prefix_last,    o->count_total,     o->snippets_later,
                         o->cut_weak,       (long long)o->ablate, o->ranked,
                         /* links_only and fits in one slot: a fragment's
                          * key, hashed byte by byte, is no longer */
                         o->links_only | (long long)o->fits << 1,
                         (long long)o->omit_start, (long long)o->omit_end};
  kb_buf_put(k, (const char *)v, sizeof v);
  S_key_str(k, o->collection);
  S_key_str(k, o->lang);
  kb_buf_put(k, q, nq);
}

static uint64_t S_hash(const char *p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
  return h;
}

int kb_qcache_get(kb_qcache *c, const char *q, size_t nq, const kb_search_opts *o,
                  kb_results *out) {
  S_key(&c->key, q, nq, o);
  c->hash = S_hash(c->key.p, c->key.n);
  S_entry *e = c->table[c->hash & c->mask];
  while (e && !(e->hash == c->hash && e->nkey == c->key.n && !memcmp(e->key, c->key.p, e->nkey)))
    e = e->chain;
  if (!e) {
    atomic_fetch_add_explicit(&S_misses, 1, memory_order_relaxed);
    return 0;
  }
  atomic_fetch_add_explicit(&S_hits, 1, memory_order_relaxed);
  if (c->first != e) {
    S_unlink(c, e);
    S_push_front(c, e);
  }
  memset(out, 0, sizeof *out);
  out->n = e->n;
  out->total = e->total;
  out->skipped = e->skipped;
  out->nterms = e->nterms;
  out->nothing_fits = e->nothing_fits;
  out->hits = kb_xmalloc(((size_t)e->n + 1) * sizeof *out->hits);
  memcpy(out->hits, e->hits, (size_t)e->n * sizeof *out->hits);
  size_t nstr = e->nstr;
  for (int i = 0; i < e->n; i++) nstr += e->rows[i]->nstr;
  kb_arena *a = NULL;
  char *s = NULL;
  if (nstr) {
    kb_arena_grow(&a, nstr);
    s = a->data;
    a->used = nstr;
    memcpy(s, e->str, e->nstr);
  }
  out->mem = a;
  if (e->corrected) out->corrected = s + e->corrected - 1;
  char *at = s + e->nstr;
  for (int i = 0; i < e->n; i++) {
    kb_hit *h = &out->hits[i];
    if (h->snippet) h->snippet = s + ((uintptr_t)h->snippet - 1);
    const S_row *w = e->rows[i];
    memcpy(at, w->data, w->nstr);
    const uint32_t *l = w->len;
#define S_AT(f) h->f = *l ? at : NULL, at += *l++;
    S_ROW_STRINGS(S_AT)
#undef S_AT
  }
  return 1;
}

/* The row strings of hit h, shared: the row kept for h's id with the
 * same strings, else a new one; held (refs + 1). */
static S_row *S_row_hold(kb_qcache *c, const kb_hit *h) {
  uint32_t len[S_NROW], *l = len;
  size_t nstr = 0;
#define S_LEN(f) nstr += *l++ = h->f ? (uint32_t)strlen(h->f) + 1 : 0;
  S_ROW_STRINGS(S_LEN)
#undef S_LEN
  S_row **b = &c->rows[(uint64_t)h->id & (S_ROW_BUCKETS - 1)];
  for (S_row *w = *b; w; w = w->chain) {
    if (w->id != h->id || w->nstr != nstr || memcmp(w->len, len, sizeof len)) continue;
    const char *d = w->data;
    int same = 1;
    l = len;
#define S_CMP(f) if (same && *l) same = !memcmp(d, h->f, *l); d += *l++;
    S_ROW_STRINGS(S_CMP)
#undef S_CMP
    if (same) {
      w->refs++;
      return w;
    }
  }
  size_t bytes = sizeof(S_row) + nstr;
  S_row *w = kb_xmalloc(bytes);
  w->id = h->id;
  w->refs = 1;
  w->bytes = bytes;
  w->nstr = nstr;
  memcpy(w->len, len, sizeof len);
  char *d = w->data;
  l = len;
#define S_PUT(f) if (*l) memcpy(d, h->f, *l); d += *l++;
  S_ROW_STRINGS(S_PUT)
#undef S_PUT
  w->chain = *b;
  *b = w;
  S_bytes_add(c, bytes);
  return w;
}

/* Copies s (NULL: none) of len bytes, its NUL included, to str + *at;
 * returns its offset + 1, 0 for NULL. */
static size_t S_copy(char *str, size_t *at, const char *s, size_t len) {
  if (!s) return 0;
  size_t off = *at;
  memcpy(str + off, s, len);
  *at += len;
  return off + 1;
}

void kb_qcache_put(kb_qcache *c, const kb_results *r) {
  if (r->n > 100) return; /* (a search's most, kb_search.c) */
  for (int i = 0; i < r->n; i++)
    if (r->hits[i].cut.body || r->hits[i].cut.meta) return; /* not whole yet (kb_qcache_fits()) */
  S_row *rows[100];
  uint32_t snip[100];
  size_t ncorr = r->corrected ? strlen(r->corrected) + 1 : 0, nstr = ncorr;
  for (int i = 0; i < r->n; i++) {
    rows[i] = S_row_hold(c, &r->hits[i]);
    snip[i] = r->hits[i].snippet ? (uint32_t)strlen(r->hits[i].snippet) + 1 : 0;
    nstr += snip[i];
  }
  size_t head = (sizeof(S_entry) + 15) / 16 * 16;
  size_t nhits = (size_t)r->n * sizeof(kb_hit), nrows = (size_t)r->n * sizeof(S_row *);
  size_t bytes = head + nhits + nrows + c->key.n + nstr;
  /* room made from the least recently used (never the rows just held) */
  while (c->bytes + bytes > c->max && c->last) {
    S_drop(c, c->last);
    atomic_fetch_add_explicit(&S_evictions, 1, memory_order_relaxed);
  }
  if (c->bytes + bytes > c->max) { /* larger than the whole bound */
    for (int i = 0; i < r->n; i++) S_row_release(c, rows[i]);
    return;
  }
  S_entry *e = kb_xmalloc(bytes);
  memset(e, 0, sizeof *e);
  e->hash = c->hash;
  e->bytes = bytes;
  e->nkey = c->key.n;
  e->nstr = nstr;
  e->n = r->n;
  e->total = r->total;
  e->skipped = r->skipped;
  e->nterms = r->nterms;
  e->nothing_fits = r->nothing_fits;
  e->hits = (kb_hit *)((char *)e + head);
  e->rows = (S_row **)((char *)e + head + nhits);
  e->key = (char *)e + head + nhits + nrows;
  e->str = e->key + e->nkey;
  memcpy(e->key, c->key.p, e->nkey);
  if (r->n) memcpy(e->rows, rows, nrows);
  size_t at = 0;
  e->corrected = S_copy(e->str, &at, r->corrected, ncorr);
  for (int i = 0; i < r->n; i++) {
    kb_hit *h = &e->hits[i];
    *h = r->hits[i];
#define S_NONE(f) h->f = NULL;
    S_ROW_STRINGS(S_NONE)
#undef S_NONE
    h->snippet = (const char *)(uintptr_t)S_copy(e->str, &at, r->hits[i].snippet, snip[i]);
  }
  S_entry **b = &c->table[e->hash & c->mask];
  e->chain = *b;
  *b = e;
  S_push_front(c, e);
  S_bytes_add(c, bytes);
}
