/*
 * kb_qcache.h - a bounded cache of search results, one per kb_index
 * handle (internal to src/core: kb_search.c's kb_index_search()).
 *
 * The public search (the API, the search page and its as-you-type
 * fragment) is the same few prefixes typed over and over, and a search's
 * results depend only on the index, the query's bytes and the options:
 * so they are kept, keyed by exactly those, and a repeated search copies
 * them out instead of searching again (Solr's queryResultCache). The
 * index never changes under a handle (a new index is a new set of
 * handles, kb_live.c), so an entry never goes stale, and a handle is used
 * by one thread at a time, so there is no lock.
 *
 * Bounded by bytes: the entries' allocations (header, hits, key and
 * strings, and the rows' strings they share) never sum above the bound;
 * the least recently used go first. Counters (hits, misses, evictions, bytes held) are process-wide
 * atomics, for /metrics (kb_search_cache_stats(), kb_search.h).
 */
#ifndef KB_QCACHE_H
#define KB_QCACHE_H

#include <stddef.h>

#include "kb_search.h"

typedef struct kb_qcache kb_qcache;

/* A cache holding at most max_bytes of entries; NULL for 0 (off). Free
 * with kb_qcache_free(), which gives its bytes back to the counters. */
kb_qcache *kb_qcache_new(size_t max_bytes);
void kb_qcache_free(kb_qcache *c); /* NULL is allowed */

/* Whether the results of a search with o can be kept: not those made
 * with snippets_later (their hits still point into the search's own
 * state, and kb_results_snippets() changes them afterwards). */
int kb_qcache_fits(const kb_search_opts *o);

/* The results kept for q[0..nq) with o: 1 and *out filled with a copy
 * of its own (free with kb_results_free(), as a search's), or 0 (a miss,
 * counted; *out untouched). Either way it marks the key as the one
 * kb_qcache_put() will store. */
int kb_qcache_get(kb_qcache *c, const char *q, size_t nq, const kb_search_opts *o,
                  kb_results *out);

/* Keeps a copy of r, the results of the search kb_qcache_get() just
 * missed, evicting the least recently used entries to stay within the
 * bound (results larger than the whole bound are not kept). */
void kb_qcache_put(kb_qcache *c, const kb_results *r);

#endif
