/*
 * kb_metrics.h - request counters and a latency histogram, written out in
 * the Prometheus text exposition format for GET /metrics.
 *
 * Counters are atomics: the server's worker threads record without locks.
 */
#ifndef KB_METRICS_H
#define KB_METRICS_H

#include "kb_util.h"

/* Routes counted separately. */
typedef enum {
  KB_ROUTE_SUGGEST,
  KB_ROUTE_FEEDBACK,
  KB_ROUTE_HELPFUL,
  KB_ROUTE_REPORTS,
  KB_ROUTE_SEARCH,
  KB_ROUTE_ARTICLE,
  KB_ROUTE_HEALTHZ,
  KB_ROUTE_METRICS,
  KB_ROUTE_PAGE,
  KB_ROUTE_OTHER,
  KB_ROUTE_COUNT
} kb_route;

/* The route's label value ("suggest", ...). */
const char *kb_route_name(kb_route r);

/* Records one finished request. */
void kb_metrics_record(kb_route route, int status, double seconds);

/* Appends the exposition text: requests by route and status, the latency
 * histogram, plus the given gauges (articles, index age in seconds). */
void kb_metrics_write(kb_buf *out, int articles, double index_age_seconds);

#endif
