/*
 * kb-serve - the knowledge-base search server.
 *
 *   kb-serve --index INDEX [--listen 127.0.0.1:8080] [--public-url URL]
 *            [--data DIR] [--feedback-db URL] [--threads N] [--quiet]
 *   kb-serve --copy-store DATA/feedback.sqlite --feedback-db URL
 *
 * Every flag has an environment variable (KB_INDEX, KB_LISTEN,
 * KB_PUBLIC_URL, KB_DATA, KB_THREADS); a flag wins over its variable.
 * SIGTERM and SIGINT stop accepting, let requests in flight finish and
 * exit 0. SIGHUP, or replacing the index file, loads the index again
 * without dropping a request.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "kb_fts.h"
#include "kb_server.h"
#include "server.h"

static void S_usage(FILE *f) {
  fputs("usage: kb-serve --index INDEX [options]\n"
        "       kb-serve --kb KB_DIR --data DIR [options]\n"
        "       kb-serve --copy-store DATA/feedback.sqlite --feedback-db URL\n"
        "\n"
        "Serves the knowledge-base index INDEX over HTTP: the suggest and search\n"
        "API, article pages, /healthz and /metrics (docs/api.md).\n"
        "\n"
        "  --index INDEX     the index built by kb-index; replacing the file (or\n"
        "                    SIGHUP) swaps it in without dropping a request (KB_INDEX)\n"
        "  --kb KB_DIR       build the index from the Markdown in KB_DIR into\n"
        "                    --data, and rebuild it on every change   (KB_KB_DIR)\n"
        "  --listen H:P      address to listen on; default 127.0.0.1:8080; port 0\n"
        "                    picks a free port                       (KB_LISTEN)\n"
        "  --public-url URL  base of the links put in replies and pages; default\n"
        "                    http://LISTEN                           (KB_PUBLIC_URL)\n"
        "  --data DIR        the only directory the server writes to (feedback);\n"
        "                    default: none                           (KB_DATA)\n"
        "  --feedback-db URL a postgresql:// URL: feedback, helpful answers and the\n"
        "                    reports' events go to this shared store, which every\n"
        "                    replica learns from; --data keeps this replica's mirror\n"
        "                    of it. Default: SQLite in --data          (KB_FEEDBACK_DB)\n"
        "  --copy-store FILE copy an SQLite store (DATA/feedback.sqlite) into the\n"
        "                    empty shared store of --feedback-db, then exit\n"
        "  --threads N       worker threads; default one per core    (KB_THREADS)\n"
        "  --api-keys FILE   keys for the agent routes (suggest, feedback), one per\n"
        "                    line, 16+ characters; required to listen beyond\n"
        "                    loopback (KB_API_KEYS_FILE, or KB_API_KEYS=k1,k2)\n"
        "  --web DIR         the pages' assets (DIR/static); default ./web (KB_WEB)\n"
        "  --rate R          public requests a second per client, default 20; -1\n"
        "                    for no limit (KB_RATE); over it: 429 + Retry-After\n"
        "  --burst B         bursts of B requests, default 40         (KB_BURST)\n"
        "  --trusted-proxies A,B  proxies whose X-Forwarded-For names the client\n"
        "                    (KB_TRUSTED_PROXIES)\n"
        "  --allowed-origins A,B  origins (https://host) whose pages may POST here,\n"
        "                    beyond --public-url's and the listen address's; a\n"
        "                    write with another Origin gets 403 (KB_ALLOWED_ORIGINS)\n"
        "  --max-connections N  open connections at most, default 1024\n"
        "                    (KB_MAX_CONNECTIONS)\n"
        "  --max-connections-per-address N  open connections from one address\n"
        "                    (a trusted proxy: no limit but the total), default\n"
        "                    128; over it: 503 and closed (KB_MAX_CONNECTIONS_PER_ADDRESS)\n"
        "  --timeout S       idle seconds before a connection is closed, default\n"
        "                    30 (KB_TIMEOUT)\n"
        "  --header-timeout S  seconds a client has to send a request's whole\n"
        "                    header block, from connecting or from the previous\n"
        "                    answer, default 10; then 408 and closed (KB_HEADER_TIMEOUT)\n"
        "  --events-days D   the reports' event log (in --data) keeps D days,\n"
        "                    default 90                           (KB_EVENTS_DAYS)\n"
        "  --events-max-mb M and at most about M MiB, the oldest deleted first,\n"
        "                    default 64                         (KB_EVENTS_MAX_MB)\n"
        "  --search-cache B  bytes of search results kept per worker thread, for\n"
        "                    searches typed again; default 4194304, 0: none\n"
        "                    (KB_SEARCH_CACHE)\n"
        "  --quiet           no access log                           (KB_QUIET=1)\n"
        "  -h, --help        this help\n",
        f);
}

/* The first option or variable whose value was not a number (its name
 * and value): kb-serve stops with a message naming it, rather than run
 * with the default that atoi()'s 0 would have meant ("--search-cache 4M"
 * was a cache turned off). */
static const char *S_bad_name, *S_bad_value;

/* v as a whole number in [0, max], or 0 with S_bad_* set. */
static long long S_num(const char *name, const char *v, long long max) {
  char *end;
  errno = 0;
  long long n = strtoll(v, &end, 10);
  if (end == v || *end || errno || n < 0 || n > max) {
    if (!S_bad_name) S_bad_name = name, S_bad_value = v;
    return 0;
  }
  return n;
}

/* v as a finite number (a rate: -1 is none), or 0 with S_bad_* set. */
static double S_real(const char *name, const char *v) {
  char *end;
  errno = 0;
  double d = strtod(v, &end);
  if (end == v || *end || errno || !isfinite(d)) {
    if (!S_bad_name) S_bad_name = name, S_bad_value = v;
    return 0;
  }
  return d;
}

#define S_INT(name, v) ((int)S_num(name, v, INT_MAX))

/* --search-cache's bytes as kb_server_config takes them: 0 (off) is -1,
 * 0 there meaning the default. */
static long long S_cache_bytes(const char *name, const char *v) {
  long long n = S_num(name, v, LLONG_MAX);
  return n > 0 ? n : (S_bad_name ? 0 : -1);
}

static const char *S_env(const char *k) {
  const char *v = getenv(k);
  return v && *v ? v : NULL;
}

int main(int argc, char **argv) {
  kb_fts_global_init(); /* before anything touches SQLite */
  kb_server_config cfg = {
      .index_path = S_env("KB_INDEX"),
      .kb_dir = S_env("KB_KB_DIR"),
      .listen = S_env("KB_LISTEN"),
      .public_url = S_env("KB_PUBLIC_URL"),
      .data_dir = S_env("KB_DATA"),
      .feedback_db = S_env("KB_FEEDBACK_DB"),
      .threads = S_env("KB_THREADS") ? S_INT("KB_THREADS", S_env("KB_THREADS")) : 0,
      .api_keys_file = S_env("KB_API_KEYS_FILE"),
      .api_keys = S_env("KB_API_KEYS"),
      .web_dir = S_env("KB_WEB"),
      .rate = S_env("KB_RATE") ? S_real("KB_RATE", S_env("KB_RATE")) : 0,
      .burst = S_env("KB_BURST") ? S_real("KB_BURST", S_env("KB_BURST")) : 0,
      .trusted_proxies = S_env("KB_TRUSTED_PROXIES"),
      .allowed_origins = S_env("KB_ALLOWED_ORIGINS"),
      .events_days = S_env("KB_EVENTS_DAYS") ? S_INT("KB_EVENTS_DAYS", S_env("KB_EVENTS_DAYS")) : 0,
      .events_max_mb = S_env("KB_EVENTS_MAX_MB") ? S_num("KB_EVENTS_MAX_MB", S_env("KB_EVENTS_MAX_MB"), LLONG_MAX) : 0,
      .max_connections = S_env("KB_MAX_CONNECTIONS") ? S_INT("KB_MAX_CONNECTIONS", S_env("KB_MAX_CONNECTIONS")) : 0,
      .timeout = S_env("KB_TIMEOUT") ? S_INT("KB_TIMEOUT", S_env("KB_TIMEOUT")) : 0,
      .max_per_address = S_env("KB_MAX_CONNECTIONS_PER_ADDRESS") ? S_INT("KB_MAX_CONNECTIONS_PER_ADDRESS", S_env("KB_MAX_CONNECTIONS_PER_ADDRESS")) : 0,
      .header_timeout = S_env("KB_HEADER_TIMEOUT") ? S_INT("KB_HEADER_TIMEOUT", S_env("KB_HEADER_TIMEOUT")) : 0,
      .search_cache = S_env("KB_SEARCH_CACHE") ? S_cache_bytes("KB_SEARCH_CACHE", S_env("KB_SEARCH_CACHE")) : 0,
      .access_log = !(S_env("KB_QUIET") && !strcmp(S_env("KB_QUIET"), "1")),
  };
  const char *copy = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) { S_usage(stdout); return 0; }
    else if (!strcmp(a, "--quiet")) cfg.access_log = 0;
    else if (v && !strcmp(a, "--index")) { cfg.index_path = v; i++; }
    else if (v && !strcmp(a, "--kb")) { cfg.kb_dir = v; i++; }
    else if (v && !strcmp(a, "--listen")) { cfg.listen = v; i++; }
    else if (v && !strcmp(a, "--public-url")) { cfg.public_url = v; i++; }
    else if (v && !strcmp(a, "--data")) { cfg.data_dir = v; i++; }
    else if (v && !strcmp(a, "--feedback-db")) { cfg.feedback_db = v; i++; }
    else if (v && !strcmp(a, "--copy-store")) { copy = v; i++; }
    else if (v && !strcmp(a, "--threads")) { cfg.threads = S_INT(a, v); i++; }
    else if (v && !strcmp(a, "--api-keys")) { cfg.api_keys_file = v; i++; }
    else if (v && !strcmp(a, "--web")) { cfg.web_dir = v; i++; }
    else if (v && !strcmp(a, "--rate")) { cfg.rate = S_real(a, v); i++; }
    else if (v && !strcmp(a, "--burst")) { cfg.burst = S_real(a, v); i++; }
    else if (v && !strcmp(a, "--trusted-proxies")) { cfg.trusted_proxies = v; i++; }
    else if (v && !strcmp(a, "--allowed-origins")) { cfg.allowed_origins = v; i++; }
    else if (v && !strcmp(a, "--events-days")) { cfg.events_days = S_INT(a, v); i++; }
    else if (v && !strcmp(a, "--events-max-mb")) { cfg.events_max_mb = S_num(a, v, LLONG_MAX); i++; }
    else if (v && !strcmp(a, "--max-connections")) { cfg.max_connections = S_INT(a, v); i++; }
    else if (v && !strcmp(a, "--timeout")) { cfg.timeout = S_INT(a, v); i++; }
    else if (v && !strcmp(a, "--max-connections-per-address")) { cfg.max_per_address = S_INT(a, v); i++; }
    else if (v && !strcmp(a, "--header-timeout")) { cfg.header_timeout = S_INT(a, v); i++; }
    else if (v && !strcmp(a, "--search-cache")) { cfg.search_cache = S_cache_bytes(a, v); i++; }
    else {
      fprintf(stderr, "kb-serve: unknown or incomplete option '%s'\n", a);
      S_usage(stderr);
      return 64;
    }
  }
  if (S_bad_name) {
    fprintf(stderr, "kb-serve: %s: '%s' is not a number kb-serve takes (a whole number from 0;"
            " --rate and --burst any number)\n", S_bad_name, S_bad_value);
    return 64;
  }
  if (copy) {
    char err[512];
    if (!cfg.feedback_db) {
      fprintf(stderr, "kb-serve: --copy-store needs --feedback-db URL\n");
      return 64;
    }
    if (kb_pg_copy(copy, cfg.feedback_db, err, sizeof err) != 0) {
      fprintf(stderr, "kb-serve: nothing copied: %s\n", err);
      return 1;
    }
    return 0;
  }
  if (!cfg.listen) cfg.listen = "127.0.0.1:8080";
  if (!cfg.index_path == !cfg.kb_dir) {
    fprintf(stderr, "kb-serve: give --index INDEX, or --kb KB_DIR with --data DIR\n");
    S_usage(stderr);
    return 64;
  }
  if (cfg.threads < 0 || cfg.threads > 256) {
    fprintf(stderr, "kb-serve: --threads must be 1-256\n");
    return 64;
  }
  /* block the stop signals in every thread; the main thread waits for them */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);
  /* a socket per connection, and up to as many refused ones at once */
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  char err[512];
  kb_server *s = kb_server_start(&cfg, err, sizeof err);
  if (!s) {
    fprintf(stderr, "kb-serve: %s\n", err);
    return 1;
  }
  fprintf(stderr, "kb-serve: listening on %s (%s %s)\n", kb_server_url(s),
          cfg.kb_dir ? "knowledge base" : "index", cfg.kb_dir ? cfg.kb_dir : cfg.index_path);
  const char *pub = cfg.public_url && *cfg.public_url ? cfg.public_url : kb_server_url(s);
  const char *host = strstr(pub, "://");
  host = host ? host + 3 : pub;
  if (!strncmp(host, "127.", 4) || !strncmp(host, "localhost", 9) || !strncmp(host, "[::1]", 5) ||
      !strncmp(host, "0.0.0.0", 7))
    fprintf(stderr, "kb-serve: warning: replies link to %s, a loopback address customers cannot open;"
                    " set --public-url (or KB_PUBLIC_URL) to the site's public address\n", pub);
  int sig = 0;
  while (sigwait(&set, &sig) == 0 && sig == SIGHUP) kb_server_reload(s);
  fprintf(stderr, "kb-serve: %s, finishing requests in flight\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  kb_server_stop(s, 10000);
  fprintf(stderr, "kb-serve: stopped\n");
  return 0;
}
