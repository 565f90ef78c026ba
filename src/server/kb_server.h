/*
 * kb_server.h - the HTTP server (libmicrohttpd): routes, worker threads,
 * access log, graceful shutdown.
 *
 * Routes (docs/api.md has them with curl examples):
 *   POST /api/v1/suggest                  mention -> suggested articles + replies
 *   GET  /api/v1/search?q=&collection=&limit=&offset=
 *   GET  /api/v1/articles/{slug}          (default collection)
 *   GET  /api/v1/articles/{collection}/{slug}
 *   GET  /healthz                         status, article count, build time
 *   GET  /metrics                         Prometheus text format
 * Errors are JSON: {"error": {"code": "...", "message": "..."}}.
 *
 * The agent routes (suggest, feedback) need "Authorization: Bearer KEY"
 * when API keys are configured, and keys must be configured to listen
 * beyond loopback; the public routes never need one.
 */
#ifndef KB_SERVER_H
#define KB_SERVER_H

#include <stddef.h>

typedef struct kb_server_config {
  const char *index_path;  /* the index to serve (or NULL with kb_dir) */
  const char *kb_dir;      /* knowledge base to serve: kb-index --watch
                              (run as a child) builds it into data_dir */
  const char *listen;      /* "host:port"; port 0 picks a free one */
  const char *public_url;  /* base of links to our pages; NULL: http://listen */
  const char *data_dir;    /* where the server may write; NULL: nowhere */
  const char *feedback_db; /* postgresql:// URL of the shared store (needs
                              data_dir for its mirror); NULL: SQLite in data_dir */
  int threads;             /* worker threads; 0: one per core */
  const char *api_keys_file; /* keys for the agent routes, one per line */
  const char *api_keys;    /* keys, comma-separated (KB_API_KEYS) */
  const char *web_dir;     /* pages' assets (web/static); NULL: "web" */
  double rate;             /* public requests a second per client; 0: default 20, <0: none */
  double burst;            /* bursts of this many; 0: default 40 */
  const char *trusted_proxies; /* comma-separated addresses whose X-Forwarded-For is believed */
  int max_connections;     /* 0: 1024 */
  int max_per_address;     /* open connections from one peer address (trusted
                              proxies excepted); 0: 128 */
  int timeout;             /* seconds a connection may stay idle; 0: 30 */
  int header_timeout;      /* seconds to complete a request's header block,
                              from accept or the previous answer; 0: 10 */
  int access_log;          /* one line per request on stderr */
  int events_days;         /* the reports' event log keeps this many days; 0: 90 */
  long long events_max_mb; /* and at most about this many MiB; 0: 64 */
  long long search_cache;  /* bytes of search results kept per index handle
                              (kb_index_set_search_cache()); 0: the default,
                              KB_SEARCH_CACHE_DEFAULT; <0: none */
  const char *allowed_origins; /* comma-separated origins (https://host[:port])
                              whose pages may write, beyond the public URL's
                              and the listen address's */
} kb_server_config;

/* The search cache's default bound per index handle (one per worker
 * thread, and a spare): 4 MiB, about what each handle already holds for
 * its stems on kb/ (0.9 MB per language, four languages, kb_live.c). A
 * ten-hit page of results is 10 to 20 KB, so a handle keeps a few hundred
 * of the searches typed most recently; a server of N threads holds at
 * most (N + 1) x 4 MiB (a reload: the old generation's too, until its
 * last request ends). */
#define KB_SEARCH_CACHE_DEFAULT (4LL << 20)

typedef struct kb_server kb_server;

/* Opens the index and starts serving. Returns NULL with a message in err
 * (bad address, port in use, unusable index). */
kb_server *kb_server_start(const kb_server_config *cfg, char *err, size_t nerr);

/* The port actually bound (useful with port 0). */
int kb_server_port(const kb_server *s);

/* Loads the index file again and serves it from the next request on;
 * requests in flight finish on the old one. A file that is not a valid
 * index is refused (logged, shown on /healthz) and the old one keeps
 * serving. The server also does this by itself when the file is replaced.
 * Returns 0, or -1 when refused. */
int kb_server_reload(kb_server *s);

/* The base URL the server answers on, "http://127.0.0.1:8080". */
const char *kb_server_url(const kb_server *s);

/* Stops accepting, lets requests in flight finish (up to timeout_ms), then
 * stops and frees everything. */
void kb_server_stop(kb_server *s, int timeout_ms);

#endif
