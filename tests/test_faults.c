/*
 * test_faults.c - faults: the disk fills while indexing (the old index
 * survives byte for byte), the feedback store turns read-only (503,
 * nothing half-stored), the served index file is truncated or overwritten
 * in place while the server runs (it keeps answering or refuses cleanly,
 * never crashes).
 */
#include "harness.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A full disk, simulated with a file-size limit: writing the new index
 * fails part-way; kb-index says so and the old index is untouched. */
static void test_disk_full_keeps_old_index(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  char *ix = th_fmt("%s/kb.sqlite", dir);
  char *cmd = th_fmt("%s/kb-index -q tests/fixtures/kb -o %s", th_bin_dir(), ix);
  assert_int_equal(th_run(cmd, NULL), 0);
  free(cmd);
  size_t n1, n2;
  char *before = th_read_file(ix, &n1);
  /* 64 KiB is far less than the sample knowledge base's index needs */
  cmd = th_fmt("trap '' XFSZ; ulimit -f 64; %s/kb-index kb -o %s", th_bin_dir(), ix);
  char *out = NULL;
  int st = th_run(cmd, &out);
  assert_int_equal(st, 2);
  assert_non_null(strstr(out, "index not written"));
  char *after = th_read_file(ix, &n2);
  assert_int_equal(n1, n2);
  assert_memory_equal(before, after, n1);
  char *ls = th_fmt("ls %s", dir), *lsout = NULL;
  th_run(ls, &lsout);
  assert_null(strstr(lsout, "tmp")); /* the partial file was removed */
  free(ls); free(lsout); free(out); free(cmd); free(before); free(after); free(ix);
  th_rmtree(dir);
  free(dir);
}

/* The feedback store is read-only (a read-only file system, or
 * permissions): the server starts, answers feedback with 503 and stores
 * nothing; once the store is writable again, feedback is stored. The
 * server runs as an unprivileged user (setpriv) when the tests run as
 * root, since root ignores file permissions. */
static void test_readonly_feedback_store(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  char *ix = th_fmt("%s/kb.sqlite", dir), *data = th_fmt("%s/data", dir);
  /* the unprivileged server reads its pages from the test's directory:
   * the checkout may be where it cannot look (a clone in mktemp -d) */
  char *web = th_fmt("%s/web", dir);
  char *cmd = th_fmt("%s/kb-index -q tests/fixtures/kb -o %s && mkdir -p %s && cp -R web %s &&"
                     " chmod 755 %s && chmod 644 %s && chmod -R a+rX %s",
                     th_bin_dir(), ix, data, web, dir, ix, web);
  assert_int_equal(th_run(cmd, NULL), 0);
  free(cmd);
  int root = geteuid() == 0;
  const char *wrap[] = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", NULL};
  const char *args[] = {"--index", ix, "--data", data, "--quiet", "--web", web, NULL};
  if (root) {
    cmd = th_fmt("chown 65534:65534 %s", data);
    th_run(cmd, NULL);
    free(cmd);
  }
  /* a first run creates the store and stores one row */
  th_server *s = th_server_start_wrapped(root ? wrap : NULL, args);
  assert_non_null(s);
  th_resp r;
  const char *b = "{\"text\":\"x\",\"slug\":\"cafe-wifi\",\"action\":\"sent\"}";
  assert_int_equal(th_http(s, "POST", "/api/v1/feedback", b, strlen(b), NULL, &r), 0);
  assert_int_equal(r.status, 201);
  th_resp_free(&r);
  assert_int_equal(th_server_stop(s), 0);
  /* read-only: the server still starts, search works, feedback is 503 */
  cmd = th_fmt("chmod 444 %s/feedback.sqlite* && chmod 555 %s", data, data);
  th_run(cmd, NULL);
  free(cmd);
  s = th_server_start_wrapped(root ? wrap : NULL, args);
  assert_non_null(s);
  assert_int_equal(th_http(s, "GET", "/api/v1/search?q=sim", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  th_resp_free(&r);
  assert_int_equal(th_http(s, "POST", "/api/v1/feedback", b, strlen(b), NULL, &r), 0);
  assert_int_equal(r.status, 503);
  assert_non_null(strstr(r.body, "feedback_unavailable"));
  th_resp_free(&r);
  /* writable again: stored, without a restart */
  cmd = th_fmt("chmod 755 %s && chmod 644 %s/feedback.sqlite*", data, data);
  th_run(cmd, NULL);
  free(cmd);
  assert_int_equal(th_http(s, "POST", "/api/v1/feedback", b, strlen(b), NULL, &r), 0);
  assert_int_equal(r.status, 201);
  th_resp_free(&r);
  assert_int_equal(th_server_stop(s), 0);
  free(ix);
  free(data);
  free(web);
  th_rmtree(dir);
  free(dir);
}

/* The served file is truncated and then overwritten with junk in place
 * (not renamed): the server keeps answering or refuses cleanly. */
static void test_index_damaged_in_place(void **state) {
  (void)state;
  char *ix = NULL;
  const char *extra[] = {"--quiet", NULL};
  th_server *s = th_serve_kb("tests/fixtures/kb", extra, &ix);
  assert_non_null(s);
  const char *b = "{\"text\":\"sim tray stuck\"}";
  th_resp r;
  char *cmd = th_fmt("truncate -s 8192 %s", ix);
  th_run(cmd, NULL);
  free(cmd);
  for (int i = 0; i < 20; i++) {
    assert_int_equal(th_http(s, "POST", "/api/v1/suggest", b, strlen(b), NULL, &r), 0);
    assert_true(r.status == 200 || r.status == 500 || r.status == 503);
    th_resp_free(&r);
    assert_int_equal(th_http(s, "GET", "/search?q=sim", NULL, 0, NULL, &r), 0);
    assert_true(r.status == 200 || r.status == 500 || r.status == 503);
    th_resp_free(&r);
  }
  cmd = th_fmt("head -c 100000 /dev/urandom > %s", ix);
  th_run(cmd, NULL);
  free(cmd);
  struct timespec ts = {0, 600 * 1000000L};
  nanosleep(&ts, NULL);
  for (int i = 0; i < 20; i++) {
    assert_int_equal(th_http(s, "POST", "/api/v1/suggest", b, strlen(b), NULL, &r), 0);
    assert_true(r.status == 200 || r.status == 500 || r.status == 503);
    th_resp_free(&r);
  }
  assert_int_equal(th_http(s, "GET", "/healthz", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  th_resp_free(&r);
  assert_int_equal(th_server_stop(s), 0); /* still alive, stops cleanly */
  free(ix);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_disk_full_keeps_old_index),
      cmocka_unit_test(test_readonly_feedback_store),
      cmocka_unit_test(test_index_damaged_in_place),
  };
  return cmocka_run_group_tests_name("faults", tests, NULL, NULL);
}
