/*
 * kb_metrics.c - lock-free counters behind GET /metrics.
 */
#include "kb_metrics.h"
#include "kb_search.h"

#include <stdatomic.h>

static const char *const S_routes[KB_ROUTE_COUNT] = {
    "suggest", "feedback", "helpful", "reports", "search", "article", "healthz", "metrics", "page", "other"};

/* Status codes with their own counter; anything else counts as "other". */
static const int S_codes[] = {200, 201, 202, 204, 301, 303, 304, 400, 401, 403, 404, 405,
                              408, 413, 414, 415, 429, 431, 500, 503};
#define S_NCODES (int)(sizeof S_codes / sizeof *S_codes)

/* Histogram bucket upper bounds, seconds. */
static const double S_bounds[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                  0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0};
#define S_NBOUNDS (int)(sizeof S_bounds / sizeof *S_bounds)

static atomic_ulong S_requests[KB_ROUTE_COUNT][S_NCODES + 1];
static atomic_ulong S_buckets[KB_ROUTE_COUNT][S_NBOUNDS + 1];
static atomic_ulong S_sum_us[KB_ROUTE_COUNT];

const char *kb_route_name(kb_route r) {
  return (r >= 0 && r < KB_ROUTE_COUNT) ? S_routes[r] : "other";
}

void kb_metrics_record(kb_route route, int status, double seconds) {
  if (route < 0 || route >= KB_ROUTE_COUNT) route = KB_ROUTE_OTHER;
  int ci = S_NCODES;
  for (int i = 0; i < S_NCODES; i++)
    if (S_codes[i] == status) ci = i;
  atomic_fetch_add_explicit(&S_requests[route][ci], 1, memory_order_relaxed);
  int bi = S_NBOUNDS;
  for (int i = 0; i < S_NBOUNDS; i++)
    if (seconds <= S_bounds[i]) { bi = i; break; }
  atomic_fetch_add_explicit(&S_buckets[route][bi], 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&S_sum_us[route], (unsigned long)(seconds * 1e6), memory_order_relaxed);
}

void kb_metrics_write(kb_buf *out, int articles, double index_age_seconds) {
  kb_buf_puts(out, "# HELP kb_requests_total HTTP requests by route and status.\n"
                   "# TYPE kb_requests_total counter\n");
  for (int r = 0; r < KB_ROUTE_COUNT; r++)
    for (int c = 0; c <= S_NCODES; c++) {
      unsigned long v = atomic_load(&S_requests[r][c]);
      if (!v) continue;
      if (c < S_NCODES)
        kb_buf_printf(out, "kb_requests_total{route=\"%s\",status=\"%d\"} %lu\n", S_routes[r], S_codes[c], v);
      else
        kb_buf_printf(out, "kb_requests_total{route=\"%s\",status=\"other\"} %lu\n", S_routes[r], v);
    }
  kb_buf_puts(out, "# HELP kb_request_duration_seconds Time to answer a request.\n"
                   "# TYPE kb_request_duration_seconds histogram\n");
  for (int r = 0; r < KB_ROUTE_COUNT; r++) {
    unsigned long cum = 0;
    for (int b = 0; b <= S_NBOUNDS; b++) {
      cum += atomic_load(&S_buckets[r][b]);
      if (b < S_NBOUNDS)
        kb_buf_printf(out, "kb_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %lu\n", S_routes[r], S_bounds[b], cum);
      else
        kb_buf_printf(out, "kb_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %lu\n", S_routes[r], cum);
    }
    kb_buf_printf(out, "kb_request_duration_seconds_sum{route=\"%s\"} %.6f\n", S_routes[r],
                  (double)atomic_load(&S_sum_us[r]) / 1e6);
    kb_buf_printf(out, "kb_request_duration_seconds_count{route=\"%s\"} %lu\n", S_routes[r], cum);
  }
  /* the search caches of every index handle (kb_search.h) */
  kb_search_cache_counts sc;
  kb_search_cache_stats(&sc);
  kb_buf_printf(out, "# HELP kb_search_cache_hits_total Searches answered from the search cache.\n"
                     "# TYPE kb_search_cache_hits_total counter\nkb_search_cache_hits_total %lu\n"
                     "# HELP kb_search_cache_misses_total Searches made with the search cache on"
                     " and not found in it.\n"
                     "# TYPE kb_search_cache_misses_total counter\nkb_search_cache_misses_total %lu\n"
                     "# HELP kb_search_cache_evictions_total Search results dropped to stay"
                     " within the cache's bound.\n"
                     "# TYPE kb_search_cache_evictions_total counter\n"
                     "kb_search_cache_evictions_total %lu\n"
                     "# HELP kb_search_cache_bytes Bytes of search results held, every worker"
                     " thread's cache.\n"
                     "# TYPE kb_search_cache_bytes gauge\nkb_search_cache_bytes %lu\n",
                sc.hits, sc.misses, sc.evictions, sc.bytes);
  kb_buf_printf(out, "# HELP kb_articles Articles in the index being served.\n"
                     "# TYPE kb_articles gauge\nkb_articles %d\n", articles);
  kb_buf_printf(out, "# HELP kb_index_age_seconds Seconds since the index was built.\n"
                     "# TYPE kb_index_age_seconds gauge\nkb_index_age_seconds %.0f\n", index_age_seconds);
}
