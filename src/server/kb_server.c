/*
 * kb_server.c - HTTP plumbing: libmicrohttpd daemon, routing, access log,
 * metrics, graceful stop; with --kb, the kb-index --watch it runs.
 *
 * libmicrohttpd runs a pool of worker threads (one per core by default),
 * each with its own epoll loop. A request's state (kb_req) hangs off
 * *req_cls from the first call, collects the body, and is freed in the
 * completion callback, which also writes the access-log line and records
 * metrics. A request acquires the current index generation when it starts
 * (kb_live.c) and reads it through its worker thread's slot there: one
 * read-only connection per worker, owned by the generation, so a swapped
 * index is closed when its last request ends, not when a thread does.
 */
#include "kb_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <strings.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kb_conns.h"
#include "kb_diag.h"
#include "kb_esc.h"
#include "kb_ratelimit.h"
#include "kb_session.h"
#include "server.h"

struct kb_server {
  struct MHD_Daemon *d;
  kb_server_config cfg;
  char *index_path;
  char *public_url;
  char *url;               /* http://host:port */
  int port;
  kb_live *live;           /* the index being served */
  kb_feedback *_Atomic feedback; /* --data: the feedback store (opened late
                                   when it cannot be at start) */
  kb_events *_Atomic events;     /* --data: the reports' event log */
  kb_pg *pg;               /* --feedback-db: the shared store, or NULL */
  char *store_path;        /* the SQLite file of feedback and events */
  kb_web *web;             /* pages' static files */
  pthread_mutex_t store_lock; /* guards opening feedback and events late */
  kb_ratelimit *rl;        /* per-client limit of the public routes */
  char **proxies;          /* trusted reverse proxies */
  int nproxies;
  char **origins;          /* origins whose pages may write (Origin header) */
  int norigins;
  char **keys;             /* API keys of the agent routes; NULL: none needed */
  int *key_roles;          /* KB_ROLE_* of each key */
  int nkeys;
  kb_sessions *sessions;   /* staff signed in with a key (kb_session.h) */
  pid_t indexer;           /* --kb: the kb-index --watch it started, or 0 */
  atomic_int inflight;     /* requests being answered */
  kb_conns *gate;          /* accepts; the connection caps and deadline */
  int max_conns;           /* --max-connections */
};

/* Per-request state. */
typedef struct {
  struct timespec t0;
  kb_route route;
  int status;
  size_t bytes;
  kb_buf body;             /* the upload, up to KB_MAX_BODY */
  int too_large;
  char method[16];         /* for the access log */
  char *path;              /* the URL path, for the access log */
  kb_gen *gen;             /* the index this request runs on, start to end */
  int started;             /* the handler has seen it */
  int nul_in_uri;          /* the raw URI had %00: refused */
  int close_conn;          /* answer with Connection: close */
  int too_many_args;       /* more than KB_MAX_ARGS query parameters: refused */
  int uri_too_long;        /* a URI over KB_MAX_URI bytes: refused */
} kb_req;

/* Query parameters a request may carry. libmicrohttpd 0.9.75 keeps each in
 * the connection's 16 KiB pool and, when the pool runs out while parsing
 * them, answers nothing and never completes the request (issue #18): more
 * than this many are dropped before it parses them, and the request gets
 * a 400. No route reads more than nine. */
#define KB_MAX_ARGS 64
/* Longest URI accepted (414 beyond), its query dropped the same way: with
 * the 32 KiB pool a connection gets (KB_CONN_MEMORY), a request line near
 * the pool's size left no room for the answer and got none. */
#define KB_MAX_URI (8 * 1024)
#define KB_CONN_MEMORY (32 * 1024)

static double S_elapsed(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/*--- Responses -----------------------------------------------------------*/

/*--- Response bodies -----------------------------------------------------*/

/* A response's body starts with room for most answers at once (a reply or
 * a page of results is a few KB: a buffer doubled from 64 bytes was a
 * dozen reallocs a request). Each thread keeps one such buffer that
 * libmicrohttpd has finished with for its next response: its malloc was
 * 1.3 K instructions a request (a large request, for which malloc first
 * sorts the small blocks freed since), and its free as much. The buffer
 * is freed with its thread (the key's destructor). */
#define S_BODY_ROOM 8192

static pthread_key_t S_spare_key;
static pthread_once_t S_spare_once = PTHREAD_ONCE_INIT;

static void S_spare_init(void) {
  if (pthread_key_create(&S_spare_key, free) != 0) abort();
}

/* b (empty) given S_BODY_ROOM bytes: the thread's spare, else new ones. */
static void S_body_start(kb_buf *b) {
  char *p = pthread_getspecific(S_spare_key);
  if (!p) {
    kb_buf_grow(b, S_BODY_ROOM - 1);
    return;
  }
  pthread_setspecific(S_spare_key, NULL);
  *b = (kb_buf){.p = p, .n = 0, .cap = S_BODY_ROOM};
  p[0] = 0;
}

/* libmicrohttpd is done with body p (S_BODY_ROOM bytes, malloc'd): kept
 * as the thread's spare when it has none. */
static void S_body_done(void *p) {
  if (!pthread_getspecific(S_spare_key) && pthread_setspecific(S_spare_key, p) == 0) return;
  free(p);
}

static enum MHD_Result S_send(const kb_server *s, struct MHD_Connection *conn, kb_req *rq,
                              kb_http_resp *r) {
  size_t n = r->body.n;
  int room = r->body.p && r->body.cap == S_BODY_ROOM; /* (can be a spare) */
  char *bytes = kb_buf_detach(&r->body);
  struct MHD_Response *resp =
      room ? MHD_create_response_from_buffer_with_free_callback_cls(n, bytes, S_body_done, bytes)
           : MHD_create_response_from_buffer(n, bytes, MHD_RESPMEM_MUST_FREE);
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype);
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, r->cache ? r->cache : "no-store");
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(resp, "Referrer-Policy", "strict-origin-when-cross-origin");
  if (r->html) {
    MHD_add_response_header(resp, "Content-Security-Policy", kb_web_csp(s->web));
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
  }
  if (r->etag) MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, r->etag);
  if (r->location) MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, r->location);
  if (r->set_cookie) MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->set_cookie);
  if (r->retry_after > 0) {
    char ra[16];
    snprintf(ra, sizeof ra, "%d", r->retry_after);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
  }
  if (r->allow) MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
  if (r->auth) MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
  if (rq->close_conn) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
  if (r->encoding) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, r->encoding);
  if (r->vary) MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
  enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, resp);
  MHD_destroy_response(resp);
  rq->status = r->status;
  rq->bytes = n;
  return ret;
}

/*--- API keys ------------------------------------------------------------*/

/* Compares in time that depends only on the lengths, not on where the
 * first difference is. */
static int S_key_equal(const char *a, const char *b, size_t nb) {
  size_t na = strlen(a);
  unsigned char d = na != nb;
  for (size_t i = 0; i < nb; i++) d |= (unsigned char)(a[i % (na ? na : 1)] ^ b[i]);
  return d == 0;
}

/* The roles of key k[0..n) (KB_ROLE_*), or 0 for no key of ours. Every
 * key is compared, so the time does not say which one matched. */
static int S_key_roles(const kb_server *s, const char *k, size_t n) {
  int roles = 0;
  for (int i = 0; i < s->nkeys; i++)
    if (S_key_equal(s->keys[i], k, n)) roles |= s->key_roles[i];
  return roles;
}

/* The roles of the request: its Authorization: Bearer key's, else its
 * session cookie's (kb_session.h); everything when no keys are set. */
static int S_roles(kb_server *s, struct MHD_Connection *conn) {
  if (!s->keys) return KB_ROLE_ALL;
  const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
  if (h && strncasecmp(h, "Bearer ", 7) == 0) {
    const char *k = h + 7;
    while (*k == ' ') k++;
    size_t n = strlen(k);
    while (n && k[n - 1] == ' ') n--;
    return S_key_roles(s, k, n);
  }
  const char *cookie = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE);
  return cookie ? kb_sessions_roles(s->sessions, cookie) : 0;
}

/* 1 if the request may use a route that needs role. */
static int S_authorized(kb_server *s, struct MHD_Connection *conn, int role) {
  return (S_roles(s, conn) & role) != 0;
}

/* One line of keys: "KEY" (every role) or "ROLE KEY", ROLE agent, team or
 * all. Returns -1 for an unknown role. */
static int S_add_key(kb_server *s, const char *k, size_t n) {
  while (n && (*k == ' ' || *k == '\t')) k++, n--;
  while (n && (k[n - 1] == ' ' || k[n - 1] == '\t' || k[n - 1] == '\r')) n--;
  if (!n || *k == '#') return 0;
  int roles = KB_ROLE_ALL;
  const char *sp = memchr(k, ' ', n);
  if (!sp) sp = memchr(k, '\t', n);
  if (sp) {
    size_t rn = (size_t)(sp - k);
    if (rn == 5 && !strncmp(k, "agent", 5)) roles = KB_ROLE_AGENT;
    else if (rn == 4 && !strncmp(k, "team", 4)) roles = KB_ROLE_TEAM;
    else if (rn == 3 && !strncmp(k, "all", 3)) roles = KB_ROLE_ALL;
    else return -1;
    n -= (size_t)(sp - k);
    k = sp;
    while (n && (*k == ' ' || *k == '\t')) k++, n--;
  }
  s->keys = kb_xrealloc(s->keys, (size_t)(s->nkeys + 1) * sizeof *s->keys);
  s->key_roles = kb_xrealloc(s->key_roles, (size_t)(s->nkeys + 1) * sizeof *s->key_roles);
  s->key_roles[s->nkeys] = roles;
  s->keys[s->nkeys++] = kb_xstrndup(k, n);
  return 0;
}

/* Loads the keys from the file (one per line, # comments) and the
 * comma-separated list. Returns -1 with a message on a bad key set. */
static int S_load_keys(kb_server *s, const kb_server_config *cfg, char *err, size_t nerr) {
  if (cfg->api_keys_file) {
    size_t n;
    char *data = kb_read_file(cfg->api_keys_file, 1 << 20, &n);
    if (!data) {
      snprintf(err, nerr, "cannot read the API keys file %s: %s", cfg->api_keys_file, strerror(errno));
      return -1;
    }
    int line = 0;
    for (char *p = data; p && *p;) {
      char *nl = strchr(p, '\n');
      line++;
      if (S_add_key(s, p, nl ? (size_t)(nl - p) : strlen(p)) != 0) {
        snprintf(err, nerr, "%s:%d: a key line is KEY or ROLE KEY, ROLE agent, team or all",
                 cfg->api_keys_file, line);
        free(data);
        return -1;
      }
      p = nl ? nl + 1 : NULL;
    }
    free(data);
  }
  for (const char *p = cfg->api_keys; p && *p;) {
    const char *c = strchr(p, ',');
    if (S_add_key(s, p, c ? (size_t)(c - p) : strlen(p)) != 0) {
      snprintf(err, nerr, "KB_API_KEYS: a key is KEY or ROLE KEY, ROLE agent, team or all");
      return -1;
    }
    p = c ? c + 1 : NULL;
  }
  for (int i = 0; i < s->nkeys; i++)
    if (strlen(s->keys[i]) < 16) {
      snprintf(err, nerr, "API keys must be at least 16 characters long");
      return -1;
    }
  if ((cfg->api_keys_file || cfg->api_keys) && !s->nkeys) {
    snprintf(err, nerr, "no API keys found in the configured file or list");
    return -1;
  }
  return 0;
}

static int S_is_loopback(const struct sockaddr_storage *ss) {
  if (ss->ss_family == AF_INET)
    return (ntohl(((const struct sockaddr_in *)(const void *)ss)->sin_addr.s_addr) >> 24) == 127;
  if (ss->ss_family == AF_INET6)
    return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr);
  return 0;
}

/*--- Cross-site writes ---------------------------------------------------*/

/* A web page on another site can make a visitor's browser send POST
 * requests here (an agent's browser on loopback, with no keys set): a
 * form or a "simple" fetch carries Content-Type text/plain or a form
 * type and no preflight. So every write (POST, DELETE) that carries an
 * Origin must come from one of ours, and the JSON write routes take only
 * application/json, which a cross-site page cannot send without a
 * preflight this server never approves. Clients that send no Origin
 * (curl, other servers) are not browsers' cross-site requests. */

/* Adds the scheme://host[:port] of url. */
static void S_add_origin(kb_server *s, const char *url, size_t n) {
  const char *p = memchr(url, ':', n);
  if (!p || (size_t)(p - url) + 3 > n || strncmp(p, "://", 3)) return;
  const char *slash = memchr(p + 3, '/', n - (size_t)(p + 3 - url));
  size_t len = slash ? (size_t)(slash - url) : n;
  while (len && url[len - 1] == ' ') len--;
  s->origins = kb_xrealloc(s->origins, (size_t)(s->norigins + 1) * sizeof *s->origins);
  s->origins[s->norigins++] = kb_xstrndup(url, len);
}

/* Ours: the public URL, the address listened on (and its loopback
 * names), and --allowed-origins. */
static void S_load_origins(kb_server *s, int loopback) {
  S_add_origin(s, s->public_url, strlen(s->public_url));
  S_add_origin(s, s->url, strlen(s->url));
  if (loopback) {
    static const char *const names[] = {"localhost", "127.0.0.1", "[::1]"};
    for (int i = 0; i < 3; i++) {
      char *u = kb_fmt("http://%s:%d", names[i], s->port);
      S_add_origin(s, u, strlen(u));
      free(u);
    }
  }
  for (const char *p = s->cfg.allowed_origins; p && *p;) {
    const char *c = strchr(p, ',');
    while (*p == ' ') p++;
    S_add_origin(s, p, c ? (size_t)(c - p) : strlen(p));
    p = c ? c + 1 : NULL;
  }
}

/* 1 if the request may write: no Origin, or one of ours. */
static int S_origin_ok(const kb_server *s, struct MHD_Connection *conn) {
  const char *o = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
  if (!o) return 1;
  for (int i = 0; i < s->norigins; i++)
    if (!strcasecmp(o, s->origins[i])) return 1;
  return 0;
}

/* 1 if the request's Content-Type is application/json (parameters such
 * as charset allowed). */
static int S_is_json(struct MHD_Connection *conn) {
  const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
  if (!ct) return 0;
  while (*ct == ' ') ct++;
  size_t n = strlen("application/json");
  return !strncasecmp(ct, "application/json", n) && (!ct[n] || ct[n] == ';' || ct[n] == ' ');
}

/*--- The data directory --------------------------------------------------*/

/* Opens the feedback store and the event log if they are not open yet;
 * logs why not. Safe to call from any thread. */
static void S_open_store(kb_server *s) {
  if (!s->cfg.data_dir) return;
  pthread_mutex_lock(&s->store_lock);
  if (!s->feedback || !s->events) {
    const char *fp = s->store_path;
    char err[512];
    if (!s->feedback) {
      /* the learned mentions are analyzed as the index analyzes them */
      kb_lang *words = kb_lang_open_index(s->index_path, err, sizeof err);
      s->feedback = kb_feedback_open_lang(fp, words, err, sizeof err);
      kb_lang_free(words);
    }
    if (s->feedback && !s->events) {
      s->events = kb_events_open(fp, err, sizeof err);
      kb_events_set_limits(s->events, s->cfg.events_days > 0 ? s->cfg.events_days : 90,
                           (s->cfg.events_max_mb > 0 ? s->cfg.events_max_mb : 64) * 1024LL * 1024);
    }
    if (!s->feedback || !s->events)
      fprintf(stderr, "kb-serve: feedback store unavailable (feedback answers 503): %s\n", err);
  }
  pthread_mutex_unlock(&s->store_lock);
}

/* The shared store: connects (applying its migrations) and starts the
 * mirror into the local store. 0, or -1 with a message. */
static int S_open_pg(kb_server *s, char *err, size_t nerr) {
  if (!s->cfg.data_dir) {
    snprintf(err, nerr, "--feedback-db needs --data DIR, where each replica keeps its mirror");
    return -1;
  }
  if (strncmp(s->cfg.feedback_db, "postgresql://", 13) && strncmp(s->cfg.feedback_db, "postgres://", 11)) {
    snprintf(err, nerr, "--feedback-db must be a postgresql:// URL");
    return -1;
  }
  if (!s->feedback || !s->events) {
    snprintf(err, nerr, "the mirror %s cannot be opened", s->store_path);
    return -1;
  }
  if (!(s->pg = kb_pg_open(s->cfg.feedback_db, err, nerr))) return -1;
  return kb_pg_start(s->pg, s->feedback, s->events, s->store_path, err, nerr);
}

/*--- Clients and rate limits ---------------------------------------------*/

static void S_peer(struct MHD_Connection *conn, char *addr, size_t n) {
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (n >= 2) memcpy(addr, "-", 2); /* (snprintf was 570 instructions a request) */
  else if (n) addr[0] = 0;
  if (!ci || !ci->client_addr) return;
  const struct sockaddr *sa = ci->client_addr;
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr, (socklen_t)n);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, addr, (socklen_t)n);
}

static int S_trusted(const kb_server *s, const char *addr) {
  for (int i = 0; i < s->nproxies; i++)
    if (!strcmp(s->proxies[i], addr)) return 1;
  return 0;
}

/* The client a request comes from: the peer, or, when the peer is a
 * trusted proxy, the last address in X-Forwarded-For that is not one. */
static void S_client(const kb_server *s, struct MHD_Connection *conn, char *out, size_t n) {
  S_peer(conn, out, n);
  if (!S_trusted(s, out)) return;
  const char *xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
  if (!xff) return;
  char *list = kb_xstrdup(xff);
  for (;;) {
    char *comma = strrchr(list, ',');
    char *item = comma ? comma + 1 : list;
    while (*item == ' ') item++;
    size_t len = strlen(item);
    while (len && item[len - 1] == ' ') item[--len] = 0;
    if (*item && len < n && !S_trusted(s, item)) {
      snprintf(out, n, "%s", item);
      break;
    }
    if (!comma) break;
    *comma = 0;
  }
  free(list);
}

static int S_public_route(kb_route r) {
  return r == KB_ROUTE_PAGE || r == KB_ROUTE_SEARCH || r == KB_ROUTE_ARTICLE || r == KB_ROUTE_HELPFUL;
}

/* 1 (with r filled: 429) if the client has used up its requests. */
static int S_limited(kb_server *s, struct MHD_Connection *conn, kb_req *rq, kb_http_resp *r) {
  if (!s->rl || !S_public_route(rq->route)) return 0;
  char client[64];
  S_client(s, conn, client, sizeof client);
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  int wait = kb_ratelimit_take(s->rl, client, (double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
  if (!wait) return 0;
  kb_api_error(r, 429, "too_many_requests", "too many requests from %s; try again in %d s", client, wait);
  r->retry_after = wait;
  return 1;
}

/*--- Connections (kb_conns.c) ---------------------------------------------*/

static void S_notify_conn(void *cls, struct MHD_Connection *conn, void **ctx,
                          enum MHD_ConnectionNotificationCode toe) {
  kb_server *s = cls;
  if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    *ctx = kb_conns_opened(s->gate, ci ? ci->connect_fd : -1);
  } else {
    kb_conns_closed(s->gate, *ctx);
    *ctx = NULL;
  }
}

/* Marks the connection's header block complete (on 1) or its answer sent
 * (on 0, restarting its header deadline). */
static void S_conn_request(kb_server *s, struct MHD_Connection *conn, int on) {
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  kb_conns_request(s->gate, ci ? ci->socket_context : NULL, on);
}

/*--- Routes --------------------------------------------------------------*/

static void S_healthz(kb_server *s, kb_gen *g, kb_http_resp *r) {
  r->status = 200;
  r->ctype = "application/json";
  const char *built = kb_gen_built(g);
  /* degraded: the last build of the KB had errors, or the shared store is
   * away (suggestions use what was learned before; feedback gets 503) */
  int degraded = kb_live_kb_errors(s->live) || (s->pg && !kb_pg_ok(s->pg));
  kb_buf_printf(&r->body, "{\"status\":\"%s\",\"articles\":%d,\"build_id\":\"%s\",\"built\":",
                degraded ? "degraded" : "ok", kb_gen_articles(g), kb_gen_build_id(g));
  kb_buf_put_json(&r->body, built, strlen(built));
  kb_buf_putc(&r->body, ',');
  if (s->pg) kb_pg_status(s->pg, &r->body);
  else kb_buf_printf(&r->body, "\"store\":{\"kind\":\"%s\",\"ok\":%s}", s->cfg.data_dir ? "sqlite" : "none",
                     s->feedback ? "true" : "false");
  kb_buf_putc(&r->body, ',');
  kb_live_status(s->live, &r->body);
  kb_buf_putc(&r->body, ',');
  if (!kb_live_kb_status(s->live, &r->body)) r->body.n--; /* no comma */
  kb_buf_puts(&r->body, "}");
}

static void S_metrics(kb_server *s, kb_gen *g, kb_http_resp *r) {
  r->status = 200;
  r->ctype = "text/plain; version=0.0.4; charset=utf-8";
  double be = kb_gen_built_epoch(g);
  double age = be > 0 ? difftime(time(NULL), (time_t)be) : 0;
  kb_metrics_write(&r->body, kb_gen_articles(g), age);
  kb_buf_printf(&r->body, "# HELP kb_index_info The index served: its build id (a hash of the file's content).\n"
                          "# TYPE kb_index_info gauge\nkb_index_info{build_id=\"%s\"} 1\n",
                kb_gen_build_id(g));
  kb_buf_printf(&r->body, "# HELP kb_store_up 1 while the feedback store takes writes (the shared one answers).\n"
                          "# TYPE kb_store_up gauge\nkb_store_up %d\n",
                s->pg ? kb_pg_ok(s->pg) : s->feedback != NULL);
  /* Memory and the gate's records, to tell a leak (in use grows) from
   * memory the allocator keeps (free grows, in use level) under hostile
   * traffic (docs/reliability.md, item 1). mallinfo2 sums all arenas. */
  struct mallinfo2 mi = mallinfo2();
  int open = 0, pending = 0, addrs = 0, refused = 0;
  if (s->gate) kb_conns_counts(s->gate, &open, &pending, &addrs, &refused);
  kb_buf_printf(&r->body,
                "# HELP kb_heap_bytes The allocator's memory: in use (allocated, mmapped included), "
                "free (kept in its arenas).\n"
                "# TYPE kb_heap_bytes gauge\nkb_heap_bytes{kind=\"in_use\"} %zu\n"
                "kb_heap_bytes{kind=\"free\"} %zu\n",
                mi.uordblks + mi.hblkhd, mi.fordblks);
  kb_buf_printf(&r->body,
                "# HELP kb_connections The connection gate's records.\n"
                "# TYPE kb_connections gauge\nkb_connections{state=\"open\"} %d\n"
                "kb_connections{state=\"pending\"} %d\nkb_connections{state=\"addresses\"} %d\n"
                "kb_connections{state=\"refused\"} %d\n",
                open, pending, addrs, refused);
}

static int S_method_is(const char *m, const char *want) {
  return strcmp(m, want) == 0 || (strcmp(want, "GET") == 0 && strcmp(m, "HEAD") == 0);
}

static void S_405(kb_http_resp *r, const char *allow, const char *method) {
  kb_api_error(r, 405, "method_not_allowed", "%s is not allowed here; use %s", method, allow);
  r->allow = allow;
}

static const char *S_arg(struct MHD_Connection *c, const char *k) {
  return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, k);
}

/* The pages' named arguments (kb_web_args), in one pass over the query:
 * each the first of its name as libmicrohttpd's lookup matches it (the
 * same length, in any case), or NULL. A lookup per name walked the
 * request's list eight times, 1 K instructions a page. */
typedef struct {
  const char **v[8];
  unsigned seen;
} S_page_args;

static enum MHD_Result S_page_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
  static const char *const names[8] = {"q", "page", "fragment", "near", "text", "author", "collection", "thanks"};
  S_page_args *pa = cls;
  (void)kind;
  for (int i = 0; key && i < 8; i++)
    if (!(pa->seen & (1u << i)) && !strcasecmp(key, names[i])) {
      pa->seen |= 1u << i;
      *pa->v[i] = value;
      break;
    }
  return MHD_YES;
}

/* Any query-string argument for the pages (kb_web_args.arg), or a request
 * header when k is "header:NAME". */
static const char *S_web_arg(void *conn, const char *k) {
  if (!strncmp(k, "header:", 7)) return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, k + 7);
  return S_arg(conn, k);
}

/* /api/v1/articles/{slug} or /api/v1/articles/{collection}/{slug} */
static void S_article_route(const kb_ctx *c, const char *rest, kb_http_resp *r) {
  const char *slash = strchr(rest, '/');
  if (!slash) {
    kb_api_article(c, NULL, rest, r);
    return;
  }
  if (strchr(slash + 1, '/')) {
    kb_api_error(r, 404, "not_found", "no such route");
    return;
  }
  char *coll = kb_xstrndup(rest, (size_t)(slash - rest));
  kb_api_article(c, coll, slash + 1, r);
  free(coll);
}

/* Picks the handler for url and method; fills r. */
/* POST /signin (key=KEY&next=/agent): a key of ours opens a session and
 * sets its cookie, then back to the page asked for; any other key goes
 * back to the form. POST /signout ends the session. Both answer 303, so a
 * reload does not post again. */
/* lang: the language site the form was on (/fr/signin), or NULL: the
 * redirects stay on it. */
static void S_sign(kb_server *s, struct MHD_Connection *conn, kb_req *rq, int in, const char *lang,
                   kb_http_resp *r) {
  const char *cookie = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE);
  r->status = 303;
  r->ctype = "text/html; charset=utf-8";
  r->html = 1;
  kb_buf_puts(&r->body, "<!doctype html><title>Signing in</title><p>One moment.</p>");
  const char *secure = !strncmp(s->public_url, "https:", 6) ? "; Secure" : "";
  if (!in) {
    if (cookie) kb_sessions_end(s->sessions, cookie);
    r->set_cookie = kb_fmt("kb_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s", secure);
    r->location = lang ? kb_fmt("/%s/", lang) : kb_xstrdup("/");
    return;
  }
  char *key = kb_web_form_value(kb_buf_str(&rq->body), rq->body.n, "key");
  char *next = kb_web_form_value(kb_buf_str(&rq->body), rq->body.n, "next");
  /* only a page of this site: "/x", never "//host" or a scheme */
  const char *to = next && next[0] == '/' && next[1] != '/' && next[1] != '\\' ? next : "/agent";
  int roles = s->keys && key ? S_key_roles(s, key, strlen(key)) : 0;
  char tok[KB_SESSION_TOKEN];
  if (roles && kb_sessions_create(s->sessions, roles, tok) == 0) {
    r->set_cookie = kb_fmt("kb_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", tok,
                           8 * 3600, secure);
    size_t nl = lang ? strlen(lang) : 0;
    int on_site = lang && to[0] == '/' && !strncmp(to + 1, lang, nl) && (to[nl + 1] == '/' || !to[nl + 1]);
    r->location = lang && !on_site ? kb_fmt("/%s%s", lang, to) : kb_xstrdup(to);
  } else {
    kb_buf loc = KB_BUF_INIT;
    if (lang) kb_buf_printf(&loc, "/%s", lang);
    kb_buf_puts(&loc, "/signin?failed=1&next=");
    kb_buf_put_query(&loc, to, 1);
    r->location = kb_buf_detach(&loc);
  }
  if (key) memset(key, 0, strlen(key));
  free(key);
  free(next);
}

/* r, a refusal, becomes the error page of the site of url's language
 * when url is a page of another language's site (kb_web_refusal()). */
static void S_refused(kb_req *rq, const kb_ctx *c, const char *url, const char *code, kb_http_resp *r) {
  kb_ctx pc = *c;
  if (!pc.ix) pc.ix = kb_gen_index(rq->gen);
  kb_web_refusal(&pc, url, code, r);
}

/* What a handler sees of the server for request rq (no index yet). */
static kb_ctx S_ctx(const kb_server *s, const kb_req *rq) {
  return (kb_ctx){.geo = kb_gen_geo(rq->gen), .site = kb_gen_site(rq->gen),
                  .frames = kb_gen_frames(rq->gen), .public_url = s->public_url,
                  .style = kb_web_style(s->web, 0), .style_staff = kb_web_style(s->web, 1),
                  .feedback = s->feedback, .events = s->events, .data_dir = s->cfg.data_dir, .live = s->live,
                  .pg = s->pg, .store_path = s->store_path};
}

static void S_route(kb_server *s, struct MHD_Connection *conn, kb_req *rq,
                    const char *url, const char *method, kb_http_resp *r) {
  kb_ctx c = S_ctx(s, rq);
  static const char art[] = "/api/v1/articles/";
  if (rq->nul_in_uri) {
    kb_api_error(r, 400, "bad_request", "the address has a NUL byte");
    S_refused(rq, &c, url, "bad_request", r);
    return;
  }
  if (rq->uri_too_long) {
    kb_api_error(r, 414, "uri_too_long", "the address is over %d bytes", KB_MAX_URI);
    S_refused(rq, &c, url, "uri_too_long", r);
    return;
  }
  if (rq->too_many_args) {
    kb_api_error(r, 400, "bad_request", "more than %d query parameters", KB_MAX_ARGS);
    S_refused(rq, &c, url, "bad_request", r);
    return;
  }
  if ((!strcmp(method, "POST") || !strcmp(method, "DELETE") || !strcmp(method, "PUT")) &&
      !S_origin_ok(s, conn)) {
    kb_api_error(r, 403, "forbidden_origin", "writes are not accepted from pages of another site");
    S_refused(rq, &c, url, "forbidden_origin", r);
    return;
  }
  /* /fr/reports: the reports page in another language of the index (the
   * rest of the /fr/ site is kb_web's); checked once the index is open;
   * /en/reports: the default language's, chosen over the browser's */
  char rlang[8] = "";
  int rexplicit = 0;
  if (url[0] == '/' && islower((unsigned char)url[1]) && islower((unsigned char)url[2]) &&
      !strcmp(url + 3, "/reports")) {
    snprintf(rlang, sizeof rlang, "%.2s", url + 1);
    url = "/reports";
    rexplicit = 1;
  }
  /* the sign-in form of another language's site posts to /fr/signin */
  const char *slang = NULL;
  char scode[8];
  if (url[0] == '/' && islower((unsigned char)url[1]) && islower((unsigned char)url[2]) &&
      (!strcmp(url + 3, "/signin") || !strcmp(url + 3, "/signout")) && !strcmp(method, "POST")) {
    kb_index *ix = kb_gen_index(rq->gen);
    snprintf(scode, sizeof scode, "%.2s", url + 1);
    int li = ix ? kb_index_lang_find(ix, scode) : -1;
    if (li >= 0) { /* /en/signin: the default language's form */
      slang = li != kb_index_default_lang(ix) ? scode : NULL;
      url += 3;
    }
  }
  if ((!strcmp(url, "/signin") || !strcmp(url, "/signout")) && !strcmp(method, "POST")) {
    rq->route = KB_ROUTE_PAGE;
    S_sign(s, conn, rq, !strcmp(url, "/signin"), slang, r);
    return;
  }
  if (!strcmp(url, "/healthz")) {
    rq->route = KB_ROUTE_HEALTHZ;
    if (S_method_is(method, "GET")) S_healthz(s, rq->gen, r); else S_405(r, "GET", method);
    return;
  }
  if (!strcmp(url, "/metrics")) {
    rq->route = KB_ROUTE_METRICS;
    if (S_method_is(method, "GET")) S_metrics(s, rq->gen, r); else S_405(r, "GET", method);
    return;
  }
  static const char rep_prefix[] = "/api/v1/reports/";
  if (!strcmp(url, "/api/v1/suggest")) rq->route = KB_ROUTE_SUGGEST;
  else if (!strcmp(url, "/api/v1/feedback")) rq->route = KB_ROUTE_FEEDBACK;
  else if (!strcmp(url, "/api/v1/helpful")) rq->route = KB_ROUTE_HELPFUL;
  else if (!strcmp(url, "/reports") ||
           (!strncmp(url, rep_prefix, sizeof rep_prefix - 1) && url[sizeof rep_prefix - 1]))
    rq->route = KB_ROUTE_REPORTS;
  else if (!strcmp(url, "/api/v1/search")) rq->route = KB_ROUTE_SEARCH;
  else if (!strncmp(url, art, sizeof art - 1) && url[sizeof art - 1]) rq->route = KB_ROUTE_ARTICLE;
  else if (strncmp(url, "/api/", 5) != 0) {
    rq->route = KB_ROUTE_PAGE;
    c.ix = kb_gen_index(rq->gen);
    if (!c.ix) {
      kb_api_error(r, 503, "index_unavailable", "the index cannot be opened");
      return;
    }
    if (S_limited(s, conn, rq, r)) {
      S_refused(rq, &c, url, "too_many_requests", r);
      return;
    }
    kb_web_args a = {.keys = s->keys != NULL, .arg = S_web_arg, .h = conn, .roles = S_roles(s, conn)};
    S_page_args pa = {{&a.q, &a.page, &a.fragment, &a.near, &a.text, &a.author, &a.collection, &a.thanks}, 0};
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, S_page_arg, &pa);
    if (rq->too_large) {
      kb_api_error(r, 413, "payload_too_large", "the request body is over %d bytes", KB_MAX_BODY);
      S_refused(rq, &c, url, "payload_too_large", r);
    } else if (!kb_web_handle(s->web, &c, method, url, &a, kb_buf_str(&rq->body), rq->body.n, r))
      kb_api_error(r, 404, "not_found", "no such route: %s", url);
    return;
  } else {
    rq->route = KB_ROUTE_OTHER;
    kb_api_error(r, 404, "not_found", "no such route: %s", url);
    return;
  }
  const char *want = rq->route == KB_ROUTE_SUGGEST || rq->route == KB_ROUTE_FEEDBACK ||
                             rq->route == KB_ROUTE_HELPFUL ? "POST" : "GET";
  if (rq->route == KB_ROUTE_FEEDBACK && !strcmp(method, "DELETE")) want = "DELETE";
  if (!S_method_is(method, want)) {
    S_405(r, want, method);
    return;
  }
  if ((rq->route == KB_ROUTE_SUGGEST || rq->route == KB_ROUTE_FEEDBACK ||
       rq->route == KB_ROUTE_REPORTS) &&
      !S_authorized(s, conn, rq->route == KB_ROUTE_REPORTS ? KB_ROLE_TEAM : KB_ROLE_AGENT)) {
    if (!strcmp(url, "/reports") && S_method_is(method, "GET")) { /* a page: to the sign-in form */
      r->status = 303;
      r->ctype = "text/html; charset=utf-8";
      r->html = 1;
      r->location = *rlang ? kb_fmt("/%s/signin?next=%%2F%s%%2Freports", rlang, rlang)
                           : kb_xstrdup("/signin?next=%2Freports");
      kb_buf_puts(&r->body, "<!doctype html><title>Sign in</title><p><a href=\"/signin\">Sign in</a> first.</p>");
      return;
    }
    kb_api_error(r, 401, "unauthorized", "this route needs an API key: Authorization: Bearer KEY");
    r->auth = 1;
    return;
  }
  if (S_limited(s, conn, rq, r)) return;
  if (rq->too_large) {
    kb_api_error(r, 413, "payload_too_large", "the request body is over %d bytes", KB_MAX_BODY);
    return;
  }
  if ((rq->route == KB_ROUTE_FEEDBACK || rq->route == KB_ROUTE_HELPFUL) && !strcmp(method, "POST") &&
      !S_is_json(conn)) {
    kb_api_error(r, 415, "unsupported_media_type", "the body must be sent as Content-Type: application/json");
    return;
  }
  c.ix = kb_gen_index(rq->gen);
  if (!c.ix) {
    kb_api_error(r, 503, "index_unavailable", "the index cannot be opened");
    return;
  }
  if (rq->route == KB_ROUTE_FEEDBACK) {
    if (!s->feedback) {
      S_open_store(s); /* it may be writable again */
      c.feedback = s->feedback;
      c.events = s->events;
    }
    if (!strcmp(method, "DELETE")) kb_api_feedback_reset(&c, r);
    else kb_api_feedback(&c, kb_buf_str(&rq->body), rq->body.n, r);
  } else if (rq->route == KB_ROUTE_HELPFUL) {
    kb_api_helpful(&c, kb_buf_str(&rq->body), rq->body.n, r);
  } else if (rq->route == KB_ROUTE_REPORTS) {
    int li = *rlang ? kb_index_lang_find(c.ix, rlang) : -1;
    if (!rexplicit && !strcmp(url, "/reports")) { /* the browser's language (kb_web_staff_lang) */
      const char *al = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept-Language");
      const char *pick = al ? kb_web_staff_lang(&c, al) : NULL;
      if (pick && kb_index_lang_find(c.ix, pick) != kb_index_default_lang(c.ix)) {
        snprintf(rlang, sizeof rlang, "%s", pick);
        li = kb_index_lang_find(c.ix, rlang);
      }
    }
    if (*rlang && li == kb_index_default_lang(c.ix) && rexplicit && !strcmp(url, "/reports")) {
      kb_api_reports_page(&c, S_arg(conn, "days"), S_arg(conn, "lang"), r); /* /en/reports */
      if (r->html) kb_web_prefix_links_of(r, rlang, 1);
    } else if (*rlang && (li < 0 || li == kb_index_default_lang(c.ix))) {
      kb_api_error(r, 404, "not_found", "no such route: /%s/reports", rlang);
    } else if (!strcmp(url, "/reports")) {
      c.lang = *rlang ? rlang : NULL;
      kb_api_reports_page(&c, S_arg(conn, "days"), S_arg(conn, "lang"), r);
      if (*rlang && r->html) kb_web_prefix_links(r, rlang); /* its links stay on that site */
    }
    else kb_api_report(&c, url + sizeof rep_prefix - 1, S_arg(conn, "days"), S_arg(conn, "lang"), r);
  } else if (rq->route == KB_ROUTE_SUGGEST) {
    kb_api_suggest(&c, kb_buf_str(&rq->body), rq->body.n, r);
  } else if (rq->route == KB_ROUTE_SEARCH) {
    kb_search_args a = {.q = S_arg(conn, "q"), .collection = S_arg(conn, "collection"),
                        .limit = S_arg(conn, "limit"), .offset = S_arg(conn, "offset"),
                        .lang = S_arg(conn, "lang")};
    kb_api_search(&c, &a, r);
  } else {
    S_article_route(&c, url + sizeof art - 1, r);
  }
}

/*--- libmicrohttpd callbacks ---------------------------------------------*/

/* Framing headers seen in a request. */
typedef struct {
  int cl, te;              /* Content-Length and Transfer-Encoding headers */
  int te_chunked;          /* the one Transfer-Encoding is exactly "chunked" */
  int bad_name;            /* a header name with a space or tab in it */
} S_framing;

static enum MHD_Result S_framing_header(void *cls, enum MHD_ValueKind kind,
                                        const char *key, const char *value) {
  S_framing *f = cls;
  (void)kind;
  /* asked of every header of every request: the first letter decides
   * most, and the name is read once (two strcasecmp() and a strpbrk() a
   * header were 850 instructions a request) */
  char c = (char)(key[0] | 0x20);
  if (c == 'c' && !strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) f->cl++;
  if (c == 't' && !strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
    f->te++;
    f->te_chunked = value && !strcasecmp(value, "chunked");
  }
  for (const char *p = key; *p; p++)
    if (*p == ' ' || *p == '\t') f->bad_name = 1;
  return MHD_YES;
}

/* Why the request's framing is ambiguous, or NULL. libmicrohttpd 0.9.75
 * reads a body by Transfer-Encoding when Content-Length is there too,
 * takes the first of two Content-Lengths, waits forever on a
 * Transfer-Encoding it does not know and takes "Content-Length :" for
 * another header: behind a proxy that reads them otherwise, the rest of
 * the body would be taken for the next request (smuggling). Such requests
 * are answered 400 and the connection closed. */
static const char *S_smuggling(struct MHD_Connection *conn) {
  S_framing f = {0, 0, 0, 0};
  MHD_get_connection_values(conn, MHD_HEADER_KIND, S_framing_header, &f);
  if (f.cl && f.te) return "both Content-Length and Transfer-Encoding";
  if (f.cl > 1) return "more than one Content-Length";
  if (f.te > 1) return "more than one Transfer-Encoding";
  if (f.te && !f.te_chunked) return "a Transfer-Encoding other than chunked";
  if (f.bad_name) return "a header name with white space in it";
  return NULL;
}

static enum MHD_Result S_handler(void *cls, struct MHD_Connection *conn,
                                 const char *url, const char *method,
                                 const char *version, const char *upload,
                                 size_t *upload_size, void **req_cls) {
  (void)version;
  kb_server *s = cls;
  kb_req *rq = *req_cls;
  if (!rq || !rq->started) {
    if (!rq) rq = kb_xcalloc(1, sizeof *rq);
    rq->started = 1;
    clock_gettime(CLOCK_MONOTONIC, &rq->t0);
    rq->route = KB_ROUTE_OTHER;
    /* as snprintf "%s" would, cut to the room (which cost 570 instructions) */
    size_t nm = strnlen(method, sizeof rq->method - 1);
    memcpy(rq->method, method, nm);
    rq->method[nm] = 0;
    for (char *p = rq->method; *p; p++) /* the method as sent: quotes, ESC */
      if ((unsigned char)*p < 0x21 || (unsigned char)*p >= 0x7f || *p == '"') *p = '?';
    rq->path = kb_xstrndup(url, kb_esc_cut(url, strnlen(url, 2048), 200));
    for (char *p = rq->path; *p; p++) /* no log injection through %0a */
      if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '"') *p = '?';
    *req_cls = rq;
    atomic_fetch_add(&s->inflight, 1);
    rq->gen = kb_live_acquire(s->live);
    S_conn_request(s, conn, 1);
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull(cl, NULL, 10) > KB_MAX_BODY) rq->too_large = 1;
    const char *why = S_smuggling(conn);
    /* A Content-Length of 2^64 - 1 is libmicrohttpd's "size unknown": it
     * would read a body until the client closed, and the request got no
     * answer. One over the limit is answered now, not after reading it. */
    if (!why && !rq->too_large) return MHD_YES;
    /* answered before the body is read: libmicrohttpd then reads no more
     * of this connection and closes it */
    kb_http_resp r = {.ctype = "application/json", .body = KB_BUF_INIT};
    if (why) kb_api_error(&r, 400, "bad_request", "the request has %s", why);
    else kb_api_error(&r, 413, "payload_too_large", "the request body is over %d bytes", KB_MAX_BODY);
    /* a page of another language's site: that site's error page, in its
     * words, as the refusals made after routing (the API's stays JSON) */
    kb_ctx c = S_ctx(s, rq);
    S_refused(rq, &c, url, why ? "bad_request" : "payload_too_large", &r);
    rq->close_conn = 1;
    enum MHD_Result ret = S_send(s, conn, rq, &r);
    kb_buf_cleanup(&r.body);
    free(r.location);
    free(r.set_cookie);
    return ret;
  }
  if (*upload_size) {
    if (!rq->too_large && rq->body.n + *upload_size <= KB_MAX_BODY)
      kb_buf_put(&rq->body, upload, *upload_size);
    else
      rq->too_large = 1;
    *upload_size = 0;
    return MHD_YES;
  }
  kb_http_resp r = {.ctype = "application/json", .body = KB_BUF_INIT};
  S_body_start(&r.body);
  S_route(s, conn, rq, url, method, &r);
  enum MHD_Result ret = S_send(s, conn, rq, &r);
  kb_buf_cleanup(&r.body);
  free(r.location);
  free(r.set_cookie);
  return ret;
}

/* Sees the raw URI before libmicrohttpd decodes it: a %00 would cut the
 * decoded path short ("/static/app.css%00.png"), so such requests are
 * marked and refused. A query of more than KB_MAX_ARGS parameters is
 * emptied here, in libmicrohttpd's own buffer (it parses the parameters
 * after this call, from the byte after the '?'), and the request marked
 * and refused. Returns the request's state. */
static void *S_uri_log(void *cls, const char *uri, struct MHD_Connection *conn) {
  (void)cls; (void)conn;
  kb_req *rq = kb_xcalloc(1, sizeof *rq);
  rq->nul_in_uri = uri && strstr(uri, "%00") != NULL;
  const char *q = uri ? strchr(uri, '?') : NULL;
  if (uri) rq->uri_too_long = strlen(uri) > KB_MAX_URI;
  if (q) {
    int nargs = 1;
    for (const char *p = q + 1; *p; p++) nargs += *p == '&';
    rq->too_many_args = nargs > KB_MAX_ARGS;
    if (rq->too_many_args || rq->uri_too_long) ((char *)(uintptr_t)q)[1] = '\0';
  }
  return rq;
}

static void S_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                        enum MHD_RequestTerminationCode toe) {
  kb_server *s = cls;
  kb_req *rq = *req_cls;
  (void)toe;
  if (!rq) return;
  if (!rq->started) { /* refused before the handler saw it */
    free(rq->path);
    free(rq);
    *req_cls = NULL;
    return;
  }
  S_conn_request(s, conn, 0);
  double secs = S_elapsed(&rq->t0);
  int status = rq->status ? rq->status : 499; /* client went away */
  kb_metrics_record(rq->route, status, secs);
  if (s->cfg.access_log) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char addr[64] = "-";
    if (ci && ci->client_addr) {
      const struct sockaddr *sa = ci->client_addr;
      if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr, sizeof addr);
      else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, addr, sizeof addr);
    }
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    fprintf(stderr, "%s %s \"%s %.200s\" %d %zu %.0fus\n", when, addr, rq->method,
            rq->path ? rq->path : "-", status, rq->bytes, secs * 1e6);
  }
  kb_buf_cleanup(&rq->body);
  kb_gen_release(rq->gen);
  free(rq->path);
  int started = rq->started;
  free(rq);
  *req_cls = NULL;
  if (started) atomic_fetch_sub(&s->inflight, 1);
}

/*--- Start and stop ------------------------------------------------------*/

/* Splits "host:port" or "[v6]:port" and resolves it. */
static int S_resolve(const char *listen, struct sockaddr_storage *ss, socklen_t *len,
                     char *err, size_t nerr) {
  char host[256];
  const char *colon = strrchr(listen, ':');
  if (!colon || colon == listen || strlen(listen) >= sizeof host) {
    snprintf(err, nerr, "listen address '%s' must be HOST:PORT", listen);
    return -1;
  }
  size_t hl = (size_t)(colon - listen);
  if (listen[0] == '[' && hl > 2 && listen[hl - 1] == ']') {
    memcpy(host, listen + 1, hl - 2);
    host[hl - 2] = 0;
  } else {
    memcpy(host, listen, hl);
    host[hl] = 0;
  }
  char *end;
  long port = strtol(colon + 1, &end, 10);
  if (!colon[1] || *end || port < 0 || port > 65535) {
    snprintf(err, nerr, "port in '%s' must be 0-65535", listen);
    return -1;
  }
  struct addrinfo hints = {0}, *res = NULL;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  int rc = getaddrinfo(host, colon + 1, &hints, &res);
  if (rc != 0 || !res) {
    snprintf(err, nerr, "cannot resolve '%s': %s", host, gai_strerror(rc));
    return -1;
  }
  memcpy(ss, res->ai_addr, res->ai_addrlen);
  *len = res->ai_addrlen;
  freeaddrinfo(res);
  return 0;
}

/*--- kb-serve --kb: the indexer as a child process ----------------------*/

/* The kb-index next to this program (KB_INDEXER overrides): the server
 * links no Markdown or YAML, so it runs the indexer rather than build. */
static char *S_indexer_path(void) {
  const char *env = getenv("KB_INDEXER");
  if (env && *env) return kb_xstrdup(env);
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return kb_xstrdup("kb-index");
  self[n] = 0;
  char *slash = strrchr(self, '/');
  if (slash) *slash = 0;
  return kb_fmt("%s/kb-index", self);
}

/* Starts kb-index --watch KB -o INDEX and waits for its first build (its
 * status file appears). Runs before any thread is started, so fork() is
 * safe; the child gets SIGTERM if the server dies. Returns 0, or -1 with
 * a message when the indexer cannot run or the first build failed with
 * no earlier index to serve. */
static int S_start_indexer(kb_server *s, const char *kb_dir, char *err, size_t nerr) {
  char *prog = S_indexer_path();
  char *status = kb_fmt("%s%s", s->index_path, KB_DIAG_STATUS_SUFFIX);
  unlink(status); /* wait for this run's first build, not an old one */
  pid_t parent = getpid(), pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);
    execl(prog, "kb-index", "--watch", kb_dir, "-o", s->index_path, (char *)NULL);
    fprintf(stderr, "kb-serve: cannot run %s: %s\n", prog, strerror(errno));
    _exit(127);
  }
  int rc = -1;
  if (pid < 0) {
    snprintf(err, nerr, "cannot start %s: %s", prog, strerror(errno));
    goto done;
  }
  s->indexer = pid;
  for (;;) {
    int wst;
    if (waitpid(pid, &wst, WNOHANG) == pid) {
      s->indexer = 0;
      snprintf(err, nerr, "%s stopped before its first build (exit %d)", prog,
               WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst));
      goto done;
    }
    if (access(status, R_OK) == 0) break;
    struct timespec ts = {.tv_nsec = 20 * 1000000L};
    nanosleep(&ts, NULL);
  }
  if (access(s->index_path, R_OK) != 0) {
    snprintf(err, nerr, "%s has errors (listed above) and there is no earlier index to serve", kb_dir);
    goto done;
  }
  rc = 0;
done:
  free(status);
  free(prog);
  return rc;
}

/* Stops the indexer: SIGTERM, then SIGKILL if it has not ended in 2 s. */
static void S_stop_indexer(kb_server *s) {
  if (s->indexer <= 0) return;
  kill(s->indexer, SIGTERM);
  for (int waited = 0; waited < 2000; waited += 10) {
    if (waitpid(s->indexer, NULL, WNOHANG) == s->indexer) {
      s->indexer = 0;
      return;
    }
    struct timespec ts = {.tv_nsec = 10 * 1000000L};
    nanosleep(&ts, NULL);
  }
  kill(s->indexer, SIGKILL);
  waitpid(s->indexer, NULL, 0);
  s->indexer = 0;
}

static void S_free(kb_server *s) {
  if (!s) return;
  kb_conns_free(s->gate);
  if (s->cfg.data_dir) pthread_mutex_destroy(&s->store_lock);
  kb_ratelimit_free(s->rl);
  for (int i = 0; i < s->nproxies; i++) free(s->proxies[i]);
  free(s->proxies);
  kb_web_free(s->web);
  kb_pg_close(s->pg); /* before what its mirror writes to */
  kb_events_close(s->events);
  for (int i = 0; i < s->nkeys; i++) free(s->keys[i]);
  free(s->key_roles);
  kb_sessions_free(s->sessions);
  free(s->keys);
  for (int i = 0; i < s->norigins; i++) free(s->origins[i]);
  free(s->origins);
  kb_feedback_close(s->feedback);
  S_stop_indexer(s);
  kb_live_free(s->live);
  free(s->index_path);
  free(s->store_path);
  free(s->public_url);
  free(s->url);
  free(s);
}

kb_server *kb_server_start(const kb_server_config *cfg, char *err, size_t nerr) {
  kb_server *s = kb_xcalloc(1, sizeof *s);
  s->cfg = *cfg;
  s->max_conns = cfg->max_connections > 0 ? cfg->max_connections : 1024;
  if (cfg->kb_dir) {
    /* the knowledge team's mode: kb-index --watch builds into the data
     * directory; the index watcher below swaps each good build in */
    if (!cfg->data_dir) {
      snprintf(err, nerr, "--kb needs --data DIR, where the index is built");
      free(s);
      return NULL;
    }
    s->index_path = kb_fmt("%s/index.sqlite", cfg->data_dir);
    if (S_start_indexer(s, cfg->kb_dir, err, nerr) != 0) {
      S_free(s);
      return NULL;
    }
  } else {
    s->index_path = kb_xstrdup(cfg->index_path);
  }
  if (cfg->data_dir) {
    /* a store that cannot be opened now (read-only, full, locked) does not
     * stop the server: feedback answers 503 until it can be opened */
    pthread_mutex_init(&s->store_lock, NULL);
    s->store_path = kb_fmt("%s/%s", cfg->data_dir, cfg->feedback_db ? "mirror.sqlite" : "feedback.sqlite");
    S_open_store(s);
  }
  if (cfg->feedback_db && S_open_pg(s, err, nerr) != 0) {
    S_free(s);
    return NULL;
  }
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  unsigned threads = (unsigned)(cfg->threads > 0 ? cfg->threads : (cores > 0 ? cores : 2));
  struct sockaddr_storage ss;
  socklen_t sl;
  /* a slot (an open index) per worker thread, and one spare */
  if (S_resolve(cfg->listen, &ss, &sl, err, nerr) ||
      !(s->live = kb_live_new(s->index_path, (int)threads + 1,
                             cfg->search_cache < 0 ? 0
                             : cfg->search_cache > 0 ? (size_t)cfg->search_cache
                                                     : (size_t)KB_SEARCH_CACHE_DEFAULT,
                             err, nerr)) ||
      kb_live_watch(s->live) != 0) {
    if (s->live) snprintf(err, nerr, "cannot start the index watcher");
    S_free(s);
    return NULL;
  }
  (void)sl;
  if (cfg->rate >= 0)
    s->rl = kb_ratelimit_new(cfg->rate > 0 ? cfg->rate : 20, cfg->burst > 0 ? cfg->burst : 40);
  for (const char *p = cfg->trusted_proxies; p && *p;) {
    const char *c = strchr(p, ',');
    size_t len = c ? (size_t)(c - p) : strlen(p);
    if (len) {
      s->proxies = kb_xrealloc(s->proxies, (size_t)(s->nproxies + 1) * sizeof *s->proxies);
      s->proxies[s->nproxies++] = kb_xstrndup(p, len);
    }
    p = c ? c + 1 : NULL;
  }
  s->web = kb_web_load(cfg->web_dir ? cfg->web_dir : "web", err, nerr);
  if (!s->web) {
    S_free(s);
    return NULL;
  }
  s->sessions = kb_sessions_new(8 * 3600);
  if (S_load_keys(s, cfg, err, nerr) != 0) {
    S_free(s);
    return NULL;
  }
  if (!s->keys && !S_is_loopback(&ss)) {
    snprintf(err, nerr, "listening on %s (beyond loopback) needs API keys for the agent routes:"
             " --api-keys FILE or KB_API_KEYS", cfg->listen);
    S_free(s);
    return NULL;
  }
  s->gate = kb_conns_new(s->max_conns, cfg->max_per_address > 0 ? cfg->max_per_address : 128,
                         cfg->header_timeout > 0 ? cfg->header_timeout : 10, s->proxies, s->nproxies);
  pthread_once(&S_spare_once, S_spare_init);
  s->d = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
          (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
      0, NULL, NULL, S_handler, s,
      MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
      MHD_OPTION_THREAD_POOL_SIZE, threads,
      MHD_OPTION_NOTIFY_COMPLETED, S_completed, s,
      MHD_OPTION_NOTIFY_CONNECTION, S_notify_conn, s,
      MHD_OPTION_URI_LOG_CALLBACK, S_uri_log, s,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(cfg->timeout > 0 ? cfg->timeout : 30),
      /* the gate admits max_conns in all; each thread may hold them all */
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)s->max_conns * threads,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)0,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)KB_CONN_MEMORY,
      MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
      MHD_OPTION_END);
  if (!s->d) {
    snprintf(err, nerr, "cannot listen on %s: %s", cfg->listen,
             errno ? strerror(errno) : "address in use or not available");
    S_free(s);
    return NULL;
  }
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
  s->port = di ? di->port : 0;
  /* the gate accepts from here on (kb_conns.h): libmicrohttpd lets go of
   * its listening socket and gets connections through the gate */
  MHD_socket ls = MHD_quiesce_daemon(s->d);
  if (ls == MHD_INVALID_SOCKET || kb_conns_start(s->gate, s->d, ls) != 0) {
    snprintf(err, nerr, "cannot start accepting connections");
    MHD_stop_daemon(s->d); /* the gate closes ls, given it, in S_free */
    S_free(s);
    return NULL;
  }
  char host[128];
  const char *colon = strrchr(cfg->listen, ':');
  snprintf(host, sizeof host, "%.*s", (int)(colon - cfg->listen), cfg->listen);
  s->url = kb_fmt("http://%s:%d", host, s->port);
  s->public_url = kb_xstrdup(cfg->public_url && *cfg->public_url ? cfg->public_url : s->url);
  size_t pl = strlen(s->public_url);
  while (pl > 0 && s->public_url[pl - 1] == '/') s->public_url[--pl] = 0;
  S_load_origins(s, S_is_loopback(&ss));
  return s;
}

int kb_server_port(const kb_server *s) { return s->port; }

int kb_server_reload(kb_server *s) { return kb_live_reload(s->live, "SIGHUP"); }

const char *kb_server_url(const kb_server *s) { return s->url; }

void kb_server_stop(kb_server *s, int timeout_ms) {
  if (!s) return;
  kb_conns_stop(s->gate); /* accepts no more */
  for (int waited = 0; atomic_load(&s->inflight) > 0 && waited < timeout_ms; waited += 10) {
    struct timespec ts = {0, 10 * 1000000L};
    nanosleep(&ts, NULL);
  }
  MHD_stop_daemon(s->d);
  S_free(s);
}
