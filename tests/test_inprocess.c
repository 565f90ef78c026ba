/*
 * test_inprocess.c - kb-serve's library used in process, as an embedding
 * program or a test would: a server started and stopped three times in
 * one process answers every time (worker slots are numbered per server,
 * not per process: the third start used to answer 503).
 */
#include "harness.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_server.h"

static size_t S_sink(char *p, size_t size, size_t n, void *ud) {
  (void)p;
  (void)ud;
  return size * n;
}

static long S_get(int port, const char *path) {
  CURL *c = curl_easy_init();
  char *url = th_fmt("http://127.0.0.1:%d%s", port, path);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, S_sink);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  long status = 0;
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(c);
  free(url);
  return status;
}

static void test_restart_in_process(void **state) {
  (void)state;
  char *dir = th_tmpdir(), *ix = th_fmt("%s/kb.sqlite", dir);
  char *cmd = th_fmt("%s/kb-index -q tests/fixtures/kb -o %s", th_bin_dir(), ix);
  assert_int_equal(th_run(cmd, NULL), 0);
  for (int round = 1; round <= 3; round++) {
    kb_server_config cfg = {.index_path = ix, .listen = "127.0.0.1:0", .threads = 2, .rate = -1};
    char err[512] = "";
    kb_server *s = kb_server_start(&cfg, err, sizeof err);
    if (!s) print_error("start %d: %s\n", round, err);
    assert_non_null(s);
    int port = kb_server_port(s);
    /* enough requests that both worker threads serve some */
    for (int i = 0; i < 20; i++) {
      long st = S_get(port, "/api/v1/search?q=sim");
      if (st != 200) print_error("round %d request %d: status %ld\n", round, i, st);
      assert_int_equal(st, 200);
    }
    kb_server_stop(s, 1000);
  }
  free(cmd);
  free(ix);
  th_rmtree(dir);
  free(dir);
}

int main(void) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_restart_in_process),
  };
  int rc = cmocka_run_group_tests_name("inprocess", tests, NULL, NULL);
  curl_global_cleanup();
  return rc;
}
