/*
 * server.h - internals shared by the server's files (kb_server.c: HTTP,
 * threads, routing; kb_api.c: the JSON API). Sectioned by file, as
 * fts5Int.h is. The public face is include/kb_server.h.
 */
#ifndef KB_SERVER_INT_H
#define KB_SERVER_INT_H

#include <stddef.h>

#include "kb_geo.h"
#include "kb_metrics.h"
#include "kb_search.h"
#include "kb_server.h"
#include "kb_util.h"

/* Largest request body accepted (413 beyond). */
#define KB_MAX_BODY (64 * 1024)
/* Longest mention, in characters (code points). */
#define KB_MAX_TEXT 10000

/* What a handler answers: status, content type, body and a few headers. */
typedef struct kb_http_resp {
  int status;
  const char *ctype;        /* static string */
  kb_buf body;
  const char *allow;        /* Allow header for 405, or NULL */
  const char *cache;        /* Cache-Control value, or NULL for no-store */
} kb_http_resp;

/* What a handler sees of the server for one request. */
typedef struct kb_ctx {
  kb_index *ix;             /* this thread's connection to the index */
  const kb_geo *geo;        /* stores and places (shared, read-only) */
  const char *public_url;   /* base of links to our pages, no trailing / */
} kb_ctx;

/* Query-string arguments of GET /api/v1/search (NULL when absent). */
typedef struct kb_search_args {
  const char *q, *collection, *limit, *offset;
} kb_search_args;

/*--- Interface to code in kb_api.c ---------------------------------------*/

/* Fills r with a JSON error: {"error": {"code": code, "message": msg}}. */
void kb_api_error(kb_http_resp *r, int status, const char *code,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* POST /api/v1/suggest with body[0..n). */
void kb_api_suggest(const kb_ctx *c, const char *body, size_t n, kb_http_resp *r);

/* GET /api/v1/search. */
void kb_api_search(const kb_ctx *c, const kb_search_args *a, kb_http_resp *r);

/* GET /api/v1/articles/{collection}/{slug} (collection NULL: default). */
void kb_api_article(const kb_ctx *c, const char *collection, const char *slug,
                    kb_http_resp *r);

/* The link to an article: its own url, else its page on the public site. */
char *kb_api_article_url(const kb_ctx *c, const char *url,
                         const char *collection, const char *slug);

/*--- End of interface to code in kb_api.c --------------------------------*/

#endif
