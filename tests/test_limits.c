/*
 * test_limits.c - every limit, gone past: the per-client rate limit of the
 * public routes (429 + Retry-After, agent routes exempt, X-Forwarded-For
 * believed only from a trusted proxy), request body size, header size,
 * query length, results per page, the idle-connection timeout (a slow
 * client cannot pin the server) and the connection limit.
 */
#include "harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static th_server *S_srv;

static int S_setup(void **state) {
  (void)state;
  const char *extra[] = {"--rate", "2", "--burst", "10", "--trusted-proxies", "127.0.0.1",
                         "--timeout", "2", "--max-connections", "20", "--quiet", NULL};
  S_srv = th_serve_kb("tests/fixtures/kb", extra, NULL);
  return S_srv ? 0 : -1;
}

static int S_teardown(void **state) {
  (void)state;
  return S_srv ? th_server_stop(S_srv) : 0;
}

static long S_get_as(const char *path, const char *client, th_resp *keep) {
  char *h = client ? th_fmt("X-Forwarded-For: %s", client) : NULL;
  const char *hs[] = {h, NULL};
  th_resp r;
  assert_int_equal(th_http(S_srv, "GET", path, NULL, 0, h ? hs : NULL, &r), 0);
  free(h);
  long st = r.status;
  if (keep) *keep = r; else th_resp_free(&r);
  return st;
}

static void test_rate_limit(void **state) {
  (void)state;
  int ok = 0, limited = 0;
  th_resp last = {0};
  for (int i = 0; i < 30; i++) {
    th_resp r;
    long st = S_get_as("/api/v1/search?q=sim", "203.0.113.7", &r);
    if (st == 200) ok++;
    if (st == 429) {
      limited++;
      th_resp_free(&last);
      last = r;
    } else {
      th_resp_free(&r);
    }
  }
  /* the burst, and what refilled meanwhile (2 a second; generous for a
   * loaded machine) */
  if (ok < 10 || ok > 16) print_error("%d allowed, %d limited\n", ok, limited);
  assert_true(ok >= 10 && ok <= 16);
  assert_true(limited >= 14);
  char *ra = th_resp_header(&last, "Retry-After");
  assert_non_null(ra);
  assert_true(atoi(ra) >= 1);
  free(ra);
  assert_non_null(strstr(last.body, "too_many_requests"));
  th_resp_free(&last);
  /* another client behind the same proxy is not affected */
  assert_int_equal(S_get_as("/api/v1/search?q=sim", "198.51.100.9", NULL), 200);
  /* pages count too */
  long st = 0;
  for (int i = 0; i < 20 && st != 429; i++) st = S_get_as("/search?q=sim", "203.0.113.7", NULL);
  assert_int_equal(st, 429);
  /* agent routes are not limited */
  const char *b = "{\"text\":\"sim tray stuck\"}";
  const char *hs[] = {"X-Forwarded-For: 203.0.113.7", NULL};
  th_resp r;
  assert_int_equal(th_http(S_srv, "POST", "/api/v1/suggest", b, strlen(b), hs, &r), 0);
  assert_int_equal(r.status, 200);
  th_resp_free(&r);
  /* after waiting, the client may search again */
  struct timespec ts = {1, 100 * 1000000L};
  nanosleep(&ts, NULL);
  assert_int_equal(S_get_as("/api/v1/search?q=sim", "203.0.113.7", NULL), 200);
}

static void test_sizes(void **state) {
  (void)state;
  th_resp r;
  /* a header block over the 16 KiB the server keeps per connection */
  size_t n = 70 * 1024;
  char *big = malloc(n + 16);
  memcpy(big, "X-Big: ", 7);
  memset(big + 7, 'a', n);
  big[7 + n] = 0;
  const char *hs[] = {big, NULL};
  assert_int_equal(th_http(S_srv, "GET", "/healthz", NULL, 0, hs, &r), 0);
  assert_true(r.status == 431 || r.status == 413 || r.status == 400);
  th_resp_free(&r);
  free(big);
  /* a query over 1000 bytes */
  char q[1200] = "/api/v1/search?q=";
  memset(q + 17, 'a', 1100);
  q[1117] = 0;
  assert_int_equal(S_get_as(q, "192.0.2.1", &r), 400);
  th_resp_free(&r);
  /* results per page */
  assert_int_equal(S_get_as("/api/v1/search?q=sim&limit=51", "192.0.2.2", NULL), 400);
}

/* Connects to the server; returns the socket. */
static int S_connect(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {0};
  sa.sin_family = AF_INET;
  sa.sin_port = htons((unsigned short)th_server_port(S_srv));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  return fd;
}

/* A slow-loris client that never finishes its headers is closed after
 * the idle timeout (2 s here), and the server answers others meanwhile. */
static void test_slow_client(void **state) {
  (void)state;
  int fd = S_connect();
  assert_true(write(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n", 31) > 0);
  assert_int_equal(S_get_as("/healthz", NULL, NULL), 200);
  struct pollfd p = {fd, POLLIN, 0};
  int rc = poll(&p, 1, 6000);
  assert_true(rc == 1);
  char buf[256];
  ssize_t got = read(fd, buf, sizeof buf); /* 0: closed by the server */
  assert_true(got <= 0 || strstr(buf, "HTTP/1.1") != NULL);
  close(fd);
}

static double S_secs_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Opens 30 connections, the server allowing 20, and asks on the last:
 * copies the first bytes of its answer into buf (NUL-terminated; empty
 * when none came) and returns the seconds from the first connection to
 * the answer. All are closed after. */
static double S_thirtieth(char *buf, size_t nbuf) {
  int fds[30], n = 0;
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 0; i < 30; i++) fds[n++] = S_connect();
  struct timespec ts = {0, 300 * 1000000L};
  nanosleep(&ts, NULL);
  buf[0] = 0;
  assert_true(write(fds[29], "GET /healthz HTTP/1.0\r\n\r\n", 25) > 0);
  struct pollfd p = {fds[29], POLLIN, 0};
  int rc = poll(&p, 1, 1500);
  ssize_t got = rc == 1 ? read(fds[29], buf, nbuf - 1) : -1;
  buf[got > 0 ? got : 0] = 0;
  double secs = S_secs_since(&t0);
  for (int i = 0; i < n; i++) close(fds[i]);
  nanosleep(&ts, NULL);
  return secs;
}

/* More connections than allowed: the extra ones are answered 503 and
 * closed (they were closed without an answer, or never answered, when
 * libmicrohttpd enforced the limit), and once they close the server
 * serves again. The twenty admitted connections send nothing, so the
 * server's idle timeout (2 s here) closes them: on a machine so loaded
 * that the thirtieth is read that late, it is admitted in their place,
 * and the round is tried again (up to three times); an answer other than
 * 503 sooner than that fails at once. */
static void test_connection_limit(void **state) {
  (void)state;
  char buf[64];
  for (int round = 0; round < 3; round++) {
    double secs = S_thirtieth(buf, sizeof buf);
    if (!strncmp(buf, "HTTP/1.1 503", 12)) break;
    if (secs < 1.5 || round == 2)
      fail_msg("the thirtieth connection of twenty allowed was answered \"%.12s\" after %.2f s", buf,
               secs);
  }
  assert_memory_equal(buf, "HTTP/1.1 503", 12);
  assert_int_equal(S_get_as("/healthz", NULL, NULL), 200);
}

/* Sends a raw request on a new connection and reads until the server
 * closes it or timeout_ms pass; returns the bytes read (NUL-terminated in
 * out), or -1 on a timeout. */
static ssize_t S_raw(const char *req, size_t n, int timeout_ms, char *out, size_t nout) {
  int fd = S_connect();
  size_t off = 0;
  while (off < n) {
    ssize_t w = write(fd, req + off, n - off);
    if (w <= 0) break;
    off += (size_t)w;
  }
  size_t got = 0;
  ssize_t rc = 0;
  for (;;) {
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) != 1) { rc = -1; break; }
    ssize_t k = read(fd, out + got, nout - 1 - got);
    if (k <= 0) break;
    got += (size_t)k;
    if (got == nout - 1) break;
  }
  out[got] = 0;
  close(fd);
  return rc < 0 ? -1 : (ssize_t)got;
}

/* Many query parameters (issue #18, 1): libmicrohttpd ran out of its
 * connection pool parsing them and answered nothing, holding the
 * connection until the idle timeout and leaking the request's state (the
 * sanitizer build's leak check at the server's exit fails the suite).
 * Now more than 64 get a 400 at once, and a URI over 8 KiB a 414. */
static void test_many_parameters(void **state) {
  (void)state;
  static const int counts[] = {65, 229, 231, 232, 300, 1000, 2000};
  char out[4096];
  for (size_t i = 0; i < sizeof counts / sizeof *counts; i++) {
    char *q = calloc(1, 16 * (size_t)counts[i] + 64);
    char *p = q + sprintf(q, "GET /healthz?");
    for (int k = 0; k < counts[i]; k++) p += sprintf(p, "%sa%d=1", k ? "&" : "", k);
    sprintf(p, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    ssize_t got = S_raw(q, strlen(q), 3000, out, sizeof out);
    /* 2,000 make a URI over 8 KiB: 414 */
    const char *want = counts[i] <= 1000 ? "HTTP/1.1 400" : "HTTP/1.1 414";
    if (got <= 0 || strncmp(out, want, 12) != 0)
      print_error("%d parameters: %zd bytes: %.40s\n", counts[i], got, out);
    assert_true(got > 0);
    assert_memory_equal(out, want, 12);
    free(q);
  }
  /* sixty-four parameters are still read */
  char q[1024] = "GET /api/v1/search?q=sim";
  for (int k = 1; k < 64; k++) sprintf(q + strlen(q), "&x%d=1", k);
  strcat(q, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  assert_true(S_raw(q, strlen(q), 3000, out, sizeof out) > 0);
  assert_memory_equal(out, "HTTP/1.1 200", 12);
  /* a long URI, with fat parameters or one long one */
  static const int widths[] = {400, 9000};
  for (size_t i = 0; i < 2; i++) {
    char *big = calloc(1, 20000);
    char *b = big + sprintf(big, "GET /healthz?");
    for (int k = 0; (size_t)(b - big) < 14000; k++) {
      b += sprintf(b, "%sa%d=", k ? "&" : "", k);
      memset(b, 'b', (size_t)widths[i]);
      b += widths[i];
    }
    sprintf(b, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    ssize_t got = S_raw(big, strlen(big), 3000, out, sizeof out);
    assert_true(got > 0);
    assert_memory_equal(out, "HTTP/1.1 414", 12);
    free(big);
  }
  /* and many of them leave nothing behind (the leak check at exit) */
  for (int i = 0; i < 200; i++) {
    char *r = calloc(1, 4096);
    char *p = r + sprintf(r, "GET /healthz?");
    for (int k = 0; k < 240; k++) p += sprintf(p, "%sa%d=1", k ? "&" : "", k);
    sprintf(p, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_true(S_raw(r, strlen(r), 3000, out, sizeof out) > 0);
    free(r);
  }
  assert_int_equal(S_get_as("/healthz", NULL, NULL), 200);
}

/* Request framing that two HTTP parsers can read two ways (issue #18, 9):
 * refused with one 400 and the connection closed, so nothing after it
 * can be taken for another request. The rest of each request (a second
 * request glued behind it) must get no answer. */
static void test_smuggling(void **state) {
  (void)state;
  static const char *const heads[] = {
      "Content-Length: 14\r\nTransfer-Encoding: chunked\r\n",
      "Transfer-Encoding: chunked\r\nContent-Length: 14\r\n",
      "Content-Length: 14\r\nContent-Length: 5\r\n",
      "Content-Length: 14\r\nContent-Length: 14\r\n",
      "Transfer-Encoding: identity\r\n",
      "Transfer-Encoding: gzip, chunked\r\n",
      "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
      "Content-Length : 14\r\n",
      "Content-Length: -1\r\n", /* libmicrohttpd's own 400 */
  };
  char out[4096];
  for (size_t i = 0; i < sizeof heads / sizeof *heads; i++) {
    char *req = th_fmt("POST /api/v1/suggest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n%s\r\n"
                       "e\r\n{\"text\":\"sim\"}\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
                       heads[i]);
    ssize_t got = S_raw(req, strlen(req), 3000, out, sizeof out);
    if (got <= 0 || strncmp(out, "HTTP/1.1 400", 12) != 0 || strstr(out, "200 OK"))
      print_error("%s-> %zd: %.60s\n", heads[i], got, out);
    assert_true(got > 0); /* answered, and closed: not a timeout */
    assert_memory_equal(out, "HTTP/1.1 400", 12);
    assert_null(strstr(out, "200 OK"));
    free(req);
  }
  /* A Content-Length over the body limit is answered 413 at once, before
   * any body: 2^64 - 1, libmicrohttpd's "size unknown", got no answer
   * (held until the client gave up); 2^64 and over is libmicrohttpd's own
   * 413 (see the known limits in docs/reliability.md). */
  static const char *const lengths[] = {"18446744073709551615", "18446744073709551614", "1000000",
                                        "18446744073709551616"};
  for (size_t i = 0; i < sizeof lengths / sizeof *lengths; i++) {
    char *req = th_fmt("POST /api/v1/suggest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       "Content-Length: %s\r\n\r\n{\"text\":\"sim\"}", lengths[i]);
    ssize_t got = S_raw(req, strlen(req), 3000, out, sizeof out);
    if (got <= 0 || strncmp(out, "HTTP/1.1 413", 12) != 0)
      print_error("Content-Length: %s -> %zd: %.60s\n", lengths[i], got, out);
    assert_true(got > 0);
    assert_memory_equal(out, "HTTP/1.1 413", 12);
    free(req);
  }
  /* chunked alone, and Content-Length alone, are fine */
  const char *ok = "POST /api/v1/suggest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\ne\r\n{\"text\":\"sim\"}\r\n0\r\n\r\n";
  assert_true(S_raw(ok, strlen(ok), 3000, out, sizeof out) > 0);
  assert_memory_equal(out, "HTTP/1.1 200", 12);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rate_limit),
      cmocka_unit_test(test_sizes),
      cmocka_unit_test(test_slow_client),
      cmocka_unit_test(test_connection_limit),
      cmocka_unit_test(test_many_parameters),
      cmocka_unit_test(test_smuggling),
  };
  return cmocka_run_group_tests_name("limits", tests, S_setup, S_teardown);
}
