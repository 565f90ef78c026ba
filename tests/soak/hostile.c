/*
 * hostile.c - the hostile half of make soak (issue #18): while wrk sends
 * the normal traffic from 127.0.0.1, this sends what broke the server
 * before, from 127.0.0.2 (malformed), .3 (slow-loris) and .4 (floods):
 *
 *   - malformed requests, one per connection, each expecting its 4xx: 300
 *     query parameters, a 10 KB URI, Content-Length with
 *     Transfer-Encoding, two Content-Lengths, Transfer-Encoding:
 *     identity, a Content-Length of 2^64 - 1, white space in a header
 *     name, JSON with trailing garbage, a BOM, a NUL or a raw control
 *     character in a string, a cross-site feedback, a feedback sent as
 *     text/plain, feedback about an unknown article, a %00 in the URL,
 *     path traversal in /static/; and, each answered 200 with what it
 *     must not contain checked in the whole answer, an ESC sequence in a
 *     search, FTS5 syntax, a script in a search page's query;
 *   - 1,100 slow-loris sockets (the figure, far over the
 *     per-address cap) dripping a header line every second, reopened as
 *     the server closes them;
 *   - every 10 s a burst of 1,500 connections at once from one address
 *     (the flood), each with one request: 200 within the cap,
 *     503 past it, none without an answer.
 *
 * An answer may take up to 30 s (the machine is shared); none in that
 * time counts as none.
 *
 *   hostile PORT SECONDS [EVERY]
 *
 * With EVERY, a line "hostile: at T s: N malformed requests" is printed
 * every EVERY seconds (tests/bench/hostile_rss.sh plots memory by it).
 *
 * Prints one summary line per kind and exits 1 if any request got no
 * answer, a 5xx or an unexpected status.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int S_port;
static double S_end;
static atomic_long S_sent, S_ok, S_none, S_5xx, S_wrong;
static atomic_long S_loris_closed, S_loris_answered, S_loris_opened;
static atomic_long S_flood, S_flood_200, S_flood_503, S_flood_none;

static double S_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A connection from src (each kind of traffic has its own address, as
 * the server caps connections per address); blocking unless nonblock.
 * -1 on failure. */
static int S_open(const char *src, int nonblock) {
  int fd = socket(AF_INET, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0), 0);
  if (fd < 0) return -1;
  struct sockaddr_in me = {0}, sa = {0};
  me.sin_family = sa.sin_family = AF_INET;
  inet_pton(AF_INET, src, &me.sin_addr);
  sa.sin_port = htons((unsigned short)S_port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&me, sizeof me) != 0 ||
      (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0 && errno != EINPROGRESS)) {
    close(fd);
    return -1;
  }
  return fd;
}

/* Sends req (n bytes) on a new connection and reads the answer's status
 * (0: none within 30 s: on a machine shared with other work an answer can
 * take seconds; none at all is what is looked for). With bad, the whole
 * answer is read (the request says Connection: close) and one that
 * contains bad counts as status 1. */
static int S_ask(const char *req, size_t n, const char *bad) {
  int fd = S_open("127.0.0.2", 0);
  if (fd < 0) return -1;
  struct timeval tv = {30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (send(fd, req, n, MSG_NOSIGNAL) < 0) { /* the answer may be there anyway */ }
  static _Thread_local char buf[256 * 1024];
  size_t got = 0, want = bad ? sizeof buf - 1 : 12;
  ssize_t k;
  while (got < want && (k = read(fd, buf + got, sizeof buf - 1 - got)) > 0) got += (size_t)k;
  close(fd);
  buf[got] = 0;
  int st = got >= 12 && !strncmp(buf, "HTTP/1.1 ", 9) ? atoi(buf + 9) : 0;
  if (st && bad && memmem(buf, got, bad, strlen(bad))) return 1;
  return st;
}

typedef struct {
  const char *name;
  char *req;
  size_t n;
  int want;
  const char *bad;             /* the answer must not contain it, or NULL */
} S_case;

static S_case S_cases[32];
static int S_ncases;

static void S_add(const char *name, char *req, size_t n, int want) {
  if (S_ncases == (int)(sizeof S_cases / sizeof *S_cases)) abort();
  S_cases[S_ncases++] = (S_case){name, req, n ? n : strlen(req), want, NULL};
}

/* A GET of path with Connection: close. */
static char *S_get(const char *path) {
  char *r;
  if (asprintf(&r, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", path) < 0) abort();
  return r;
}

/* A POST with the body's bytes (NULs included); *pn gets its length. */
static char *S_post(const char *path, const char *extra, const char *body, size_t nbody, size_t *pn) {
  char *r;
  int k = asprintf(&r, "POST %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%sContent-Length: %zu\r\n\r\n",
                   path, extra, nbody);
  if (k < 0) abort();
  r = realloc(r, (size_t)k + nbody + 1);
  memcpy(r + k, body, nbody);
  r[k + (int)nbody] = 0;
  *pn = (size_t)k + nbody;
  return r;
}

static void S_make_cases(void) {
  char *q = malloc(4096), *p = q + sprintf(q, "GET /healthz?");
  for (int i = 0; i < 300; i++) p += sprintf(p, "%sa%d=1", i ? "&" : "", i);
  sprintf(p, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  S_add("300 parameters", q, 0, 400);
  char *u = malloc(11000);
  p = u + sprintf(u, "GET /api/v1/search?q=");
  memset(p, 'a', 10000);
  sprintf(p + 10000, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  S_add("10 KB URI", u, 0, 414);
  const char *json = "Content-Type: application/json\r\n";
  size_t n;
  char *r;
  const char *sug = "{\"text\":\"sim\"}";
  r = S_post("/api/v1/suggest", "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
                        "e\r\n{\"text\":\"sim\"}\r\n0\r\n\r\n", 24, &n);
  S_add("CL+TE", r, n, 400);
  r = S_post("/api/v1/suggest", "Content-Type: application/json\r\nContent-Length: 3\r\n", sug, 14, &n);
  S_add("two CL", r, n, 400);
  r = S_post("/api/v1/suggest", "Content-Type: application/json\r\nTransfer-Encoding: identity\r\n", sug, 14, &n);
  S_add("TE identity", r, n, 400);
  r = S_post("/api/v1/suggest", json, "{\"text\":\"sim\"}xyz", 17, &n);
  S_add("trailing garbage", r, n, 400);
  r = S_post("/api/v1/suggest", json, "\xEF\xBB\xBF{\"text\":\"sim\"}", 17, &n);
  S_add("BOM", r, n, 400);
  r = S_post("/api/v1/suggest", json, "\0{\"text\":\"sim\"}", 15, &n);
  S_add("NUL", r, n, 400);
  const char *fb = "{\"text\":\"x\",\"slug\":\"cracked-screen\",\"action\":\"sent\"}";
  r = S_post("/api/v1/feedback", "Content-Type: text/plain\r\nOrigin: http://evil.example\r\n", fb, strlen(fb), &n);
  S_add("cross-site", r, n, 403);
  const char *unk = "{\"text\":\"x\",\"slug\":\"no-such-article\",\"action\":\"sent\"}";
  r = S_post("/api/v1/feedback", json, unk, strlen(unk), &n);
  S_add("unknown slug", r, n, 404);
  r = S_post("/api/v1/suggest", json, "{\"text\":\"a\x01b\"}", 14, &n);
  S_add("raw control character", r, n, 400);
  r = S_post("/api/v1/feedback", "Content-Type: text/plain\r\n", fb, strlen(fb), &n);
  S_add("feedback as text/plain", r, n, 415);
  S_add("Content-Length 2^64-1",
        strdup("POST /api/v1/suggest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Content-Length: 18446744073709551615\r\n\r\n{\"text\":\"sim\"}"), 0, 413);
  S_add("space in a header name",
        strdup("POST /api/v1/suggest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Content-Length : 14\r\n\r\n{\"text\":\"sim\"}"), 0, 400);
  S_add("%00 in the URL", S_get("/api/v1/search?q=a%00b"), 0, 400);
  S_add("traversal", S_get("/static/%2e%2e%2fMakefile"), 0, 404);
  S_add("ESC query", S_get("/api/v1/search?q=%1B%5B31mred"), 0, 200);
  S_cases[S_ncases - 1].bad = "\x1b";
  S_add("FTS5 syntax", S_get("/api/v1/search?q=%22NEAR(screen%20OR*%20%22)%20AND%20-%5E"), 0, 200);
  S_add("script in a page's query", S_get("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"), 0, 200);
  S_cases[S_ncases - 1].bad = "<script>alert";
}

static void *S_malformed(void *arg) {
  (void)arg;
  for (long i = 0; S_now() < S_end; i++) {
    const S_case *c = &S_cases[i % S_ncases];
    int st = S_ask(c->req, c->n, c->bad);
    atomic_fetch_add(&S_sent, 1);
    if (st == c->want) atomic_fetch_add(&S_ok, 1);
    else if (st <= 0) atomic_fetch_add(&S_none, 1);
    else if (st >= 500) atomic_fetch_add(&S_5xx, 1);
    else atomic_fetch_add(&S_wrong, 1);
    if (st != c->want && atomic_load(&S_wrong) + atomic_load(&S_none) + atomic_load(&S_5xx) < 10)
      fprintf(stderr, "hostile: %s: got %d, want %d\n", c->name, st, c->want);
  }
  return NULL;
}

/* Slow-loris sockets: each sends a request line and then a header line a
 * second, never the end; when the server closes one (408 at its header
 * deadline, 503 over the cap) it is counted and opened again. */
static void *S_loris(void *arg) {
  int n = *(int *)arg;
  int *fds = calloc((size_t)n, sizeof *fds);
  for (int i = 0; i < n; i++) fds[i] = -1;
  for (int round = 0; S_now() < S_end; round++) {
    for (int i = 0; i < n; i++) {
      if (fds[i] < 0) {
        if ((fds[i] = S_open("127.0.0.3", 1)) >= 0) {
          atomic_fetch_add(&S_loris_opened, 1);
          struct pollfd p = {fds[i], POLLOUT, 0};
          poll(&p, 1, 1000);
          if (send(fds[i], "GET /healthz HTTP/1.1\r\nHost: x\r\n", 32, MSG_NOSIGNAL) < 0) { /* seen below */ }
        }
        continue;
      }
      char buf[64];
      ssize_t k = recv(fds[i], buf, sizeof buf - 1, MSG_DONTWAIT);
      if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        char h[32];
        int hn = snprintf(h, sizeof h, "X-Drip-%d: 1\r\n", round);
        if (send(fds[i], h, (size_t)hn, MSG_NOSIGNAL) < 0) { /* closed: next round */ }
        continue;
      }
      atomic_fetch_add(&S_loris_closed, 1);
      if (k >= 12 && (!strncmp(buf, "HTTP/1.1 408", 12) || !strncmp(buf, "HTTP/1.1 503", 12)))
        atomic_fetch_add(&S_loris_answered, 1);
      close(fds[i]);
      fds[i] = -1;
    }
    struct timespec ts = {1, 0};
    nanosleep(&ts, NULL);
  }
  for (int i = 0; i < n; i++)
    if (fds[i] >= 0) close(fds[i]);
  free(fds);
  return NULL;
}

/* Every 10 s, 1,500 connections at once, one request each. */
static void *S_flooder(void *arg) {
  (void)arg;
  enum { N = 1500 };
  static const char req[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  while (S_now() + 30 < S_end) {
    int fds[N];
    struct pollfd p[N];
    int st[N];
    for (int i = 0; i < N; i++) {
      fds[i] = S_open("127.0.0.4", 1);
      st[i] = fds[i] < 0 ? -1 : 0;
      p[i] = (struct pollfd){fds[i], POLLOUT, 0};
    }
    int sent[N] = {0}, left = N;
    double t0 = S_now();
    while (left > 0 && S_now() - t0 < 30) {
      if (poll(p, N, 500) <= 0) continue;
      for (int i = 0; i < N; i++) {
        if (p[i].fd < 0 || !p[i].revents) continue;
        if (!sent[i]) {
          sent[i] = send(fds[i], req, sizeof req - 1, MSG_NOSIGNAL) > 0;
          p[i].events = POLLIN;
          if (!sent[i]) { p[i].fd = -1; left--; }
          continue;
        }
        char buf[64];
        ssize_t k = read(fds[i], buf, sizeof buf - 1);
        st[i] = k >= 12 && !strncmp(buf, "HTTP/1.1 ", 9) ? atoi(buf + 9) : 0;
        p[i].fd = -1;
        left--;
      }
    }
    for (int i = 0; i < N; i++) {
      if (fds[i] >= 0) close(fds[i]);
      atomic_fetch_add(&S_flood, 1);
      if (st[i] == 200) atomic_fetch_add(&S_flood_200, 1);
      else if (st[i] == 503) atomic_fetch_add(&S_flood_503, 1);
      else atomic_fetch_add(&S_flood_none, 1);
    }
    for (int w = 0; w < 100 && S_now() + 30 < S_end; w++) {
      struct timespec ts = {0, 100 * 1000000L};
      nanosleep(&ts, NULL);
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 3 && argc != 4) {
    fprintf(stderr, "usage: hostile PORT SECONDS [EVERY]\n");
    return 64;
  }
  S_port = atoi(argv[1]);
  S_end = S_now() + atof(argv[2]);
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  S_make_cases();
  int loris = 1100;
  pthread_t t[3];
  pthread_create(&t[0], NULL, S_malformed, NULL);
  pthread_create(&t[1], NULL, S_loris, &loris);
  pthread_create(&t[2], NULL, S_flooder, NULL);
  double every = argc == 4 ? atof(argv[3]) : 0, t0 = S_now(), next = t0 + every;
  while (every > 0 && S_now() < S_end) {
    struct timespec ts = {0, 50 * 1000000L};
    nanosleep(&ts, NULL);
    if (S_now() < next) continue;
    printf("hostile: at %.0f s: %ld malformed requests\n", next - t0, atomic_load(&S_sent));
    fflush(stdout);
    next += every;
  }
  for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
  printf("hostile: %ld malformed requests, %ld answered as expected, %ld no answer, %ld 5xx, %ld other\n",
         atomic_load(&S_sent), atomic_load(&S_ok), atomic_load(&S_none), atomic_load(&S_5xx),
         atomic_load(&S_wrong));
  printf("hostile: slow-loris: %ld sockets opened, %ld closed by the server, %ld of them with a 408 or 503\n",
         atomic_load(&S_loris_opened), atomic_load(&S_loris_closed), atomic_load(&S_loris_answered));
  printf("hostile: floods: %ld connections, %ld 200, %ld 503, %ld no answer\n", atomic_load(&S_flood),
         atomic_load(&S_flood_200), atomic_load(&S_flood_503), atomic_load(&S_flood_none));
  for (int i = 0; i < S_ncases; i++) free(S_cases[i].req);
  return atomic_load(&S_none) || atomic_load(&S_5xx) || atomic_load(&S_wrong) ||
         atomic_load(&S_flood_none) ? 1 : 0;
}
