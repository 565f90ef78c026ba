/*
 * kb_qcache.c - a bounded cache of search results (kb_qcache.h).
 *
 * An entry is one allocation: its header, the hits (their string fields
 * stored as offsets into the entry's strings, 0 for NULL), the key and
 * the strings. A hit copies the hits into a new array and the strings
 * into one arena block of the results, then points the fields at them:
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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kb_arena.h"
#include "kb_util.h"

/* The key is every field of kb_search_opts that can change the results
 * (S_key()). A field added to kb_search_opts must be added to S_key():
 * this fails to compile until the size below is updated with it, to make
 * that hard to forget (the struct's comment says so too). */
#if SIZE_MAX == UINT64_MAX
_Static_assert(sizeof(kb_search_opts) == 64,
               "kb_search_opts changed: add the new field to kb_qcache.c's S_key()");
#endif

/* A hit's string fields, every one copied (kb_search.h's kb_hit); a new
 * string field fails the size check below until it is listed here. */
#define S_HIT_STRINGS(X)                                                                         \
  X(collection) X(slug) X(title) X(url) X(reply) X(escalate) X(type) X(lang) X(deeplink)         \
  X(platform) X(snippet) X(summary)
#if SIZE_MAX == UINT64_MAX
_Static_assert(sizeof(kb_hit) == 16 + 12 * sizeof(char *) + KB_RANK_NFEAT * sizeof(double) + 32,
               "kb_hit changed: list a new string field in kb_qcache.c's S_HIT_STRINGS");
#endif

typedef struct S_entry {
  struct S_entry *chain;       /* the next in its hash chain */
  struct S_entry *prev, *next; /* the use list: prev more recent */
  uint64_t hash;
  size_t bytes;                /* the whole allocation */
  size_t nkey, nstr;
  int n, total, skipped, nterms;
  size_t corrected;            /* offset + 1 into str, 0: NULL */
  kb_hit *hits;                /* n, in this allocation */
  char *key, *str;             /* in this allocation too */
} S_entry;

struct kb_qcache {
  size_t max, bytes;           /* the bound and the entries' bytes */
  S_entry **table;             /* nbuckets chains */
  size_t mask;                 /* nbuckets - 1 */
  S_entry *first, *last;       /* most and least recently used */
  kb_buf key;                  /* the key of the last kb_qcache_get() */
  uint64_t hash;               /* and its hash */
};

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

/* Takes e out of the cache and frees it. */
static void S_drop(kb_qcache *c, S_entry *e) {
  S_entry **p = &c->table[e->hash & c->mask];
  while (*p != e) p = &(*p)->chain;
  *p = e->chain;
  S_unlink(c, e);
  c->bytes -= e->bytes;
  atomic_fetch_sub_explicit(&S_bytes, e->bytes, memory_order_relaxed);
  free(e);
}

void kb_qcache_free(kb_qcache *c) {
  if (!c) return;
  while (c->first) S_drop(c, c->first);
  free(c->table);
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
                         (long long)o->ablate, (long long)o->omit_start, (long long)o->omit_end};
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
  out->hits = kb_xmalloc(((size_t)e->n + 1) * sizeof *out->hits);
  memcpy(out->hits, e->hits, (size_t)e->n * sizeof *out->hits);
  kb_arena *a = NULL;
  char *s = NULL;
  if (e->nstr) {
    kb_arena_grow(&a, e->nstr);
    s = a->data;
    memcpy(s, e->str, e->nstr);
    a->used = e->nstr;
  }
  out->mem = a;
  if (e->corrected) out->corrected = s + e->corrected - 1;
  for (int i = 0; i < e->n; i++) {
    kb_hit *h = &out->hits[i];
#define S_AT(f) h->f = h->f ? s + ((uintptr_t)h->f - 1) : NULL;
    S_HIT_STRINGS(S_AT)
#undef S_AT
  }
  return 1;
}

/* The strings of a page of hits (at most 100, kb_search.c) and its
 * correction. */
#define S_MAX_STRINGS (100 * 12 + 1)

/* Bytes of s with its NUL, 0 for NULL, kept in *len for S_copy(). */
static size_t S_size(const char *s, uint32_t *len) { return *len = s ? (uint32_t)strlen(s) + 1 : 0; }

/* Copies s (NULL: none) of len bytes, its NUL included, to str + *at;
 * returns its offset + 1, 0 for NULL. */
static size_t S_copy(char *str, size_t *at, const char *s, uint32_t len) {
  if (!s) return 0;
  size_t off = *at;
  memcpy(str + off, s, len);
  *at += len;
  return off + 1;
}

void kb_qcache_put(kb_qcache *c, const kb_results *r) {
  /* each string measured once (a strlen() is 30 instructions, and an
   * entry has a hundred strings) */
  uint32_t len[S_MAX_STRINGS];
  if (r->n * 12 + 1 > S_MAX_STRINGS) return;
  uint32_t *l = len;
  size_t nstr = S_size(r->corrected, l++);
  for (int i = 0; i < r->n; i++) {
    const kb_hit *h = &r->hits[i];
    if (h->cut.body || h->cut.meta) return; /* not whole yet (kb_qcache_fits()) */
#define S_ADD(f) nstr += S_size(h->f, l++);
    S_HIT_STRINGS(S_ADD)
#undef S_ADD
  }
  size_t head = (sizeof(S_entry) + 15) / 16 * 16;
  size_t nhits = (size_t)r->n * sizeof(kb_hit);
  size_t bytes = head + nhits + c->key.n + nstr;
  if (bytes > c->max) return;
  while (c->bytes + bytes > c->max && c->last) {
    S_drop(c, c->last);
    atomic_fetch_add_explicit(&S_evictions, 1, memory_order_relaxed);
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
  e->hits = (kb_hit *)((char *)e + head);
  e->key = (char *)e + head + nhits;
  e->str = e->key + e->nkey;
  memcpy(e->key, c->key.p, e->nkey);
  size_t at = 0;
  l = len;
  e->corrected = S_copy(e->str, &at, r->corrected, *l++);
  for (int i = 0; i < r->n; i++) {
    kb_hit *h = &e->hits[i];
    *h = r->hits[i];
#define S_OFF(f) h->f = (const char *)(uintptr_t)S_copy(e->str, &at, r->hits[i].f, *l++);
    S_HIT_STRINGS(S_OFF)
#undef S_OFF
  }
  S_entry **b = &c->table[e->hash & c->mask];
  e->chain = *b;
  *b = e;
  S_push_front(c, e);
  c->bytes += bytes;
  atomic_fetch_add_explicit(&S_bytes, bytes, memory_order_relaxed);
}
