/*
 * test_keys.c - API keys: with keys configured the agent routes (suggest,
 * feedback) need "Authorization: Bearer KEY" and answer 401 without one;
 * public search never does; listening beyond loopback without keys is
 * refused at start.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static th_server *S_srv;
static char *S_dir;

static int S_setup(void **state) {
  (void)state;
  S_dir = th_tmpdir();
  char *keys = th_fmt("%s/keys", S_dir);
  th_write_file(keys, "# agents\nk1-0123456789abcdef\n\nk2-fedcba9876543210\n");
  const char *extra[] = {"--api-keys", keys, "--quiet", NULL};
  S_srv = th_serve_kb("tests/fixtures/kb", extra, NULL);
  free(keys);
  return S_srv ? 0 : -1;
}

static int S_teardown(void **state) {
  (void)state;
  int rc = S_srv ? th_server_stop(S_srv) : 0;
  th_rmtree(S_dir);
  free(S_dir);
  return rc;
}

static long S_suggest_with(const char *auth) {
  const char *h[] = {auth, NULL};
  const char *b = "{\"text\":\"sim tray stuck\"}";
  th_resp r;
  assert_int_equal(th_http(S_srv, "POST", "/api/v1/suggest", b, strlen(b), auth ? h : NULL, &r), 0);
  long st = r.status;
  if (st == 401) {
    assert_non_null(strstr(r.body, "\"unauthorized\""));
    char *w = th_resp_header(&r, "WWW-Authenticate");
    assert_non_null(w);
    free(w);
  }
  th_resp_free(&r);
  return st;
}

static void test_agent_routes_need_a_key(void **state) {
  (void)state;
  assert_int_equal(S_suggest_with(NULL), 401);
  assert_int_equal(S_suggest_with("Authorization: Bearer wrong-key-0000000000"), 401);
  assert_int_equal(S_suggest_with("Authorization: Basic azE6MDEyMw=="), 401);
  assert_int_equal(S_suggest_with("Authorization: Bearer k1-0123456789abcdef"), 200);
  assert_int_equal(S_suggest_with("Authorization: Bearer k2-fedcba9876543210"), 200);
  assert_int_equal(S_suggest_with("Authorization: Bearer k1-0123456789abcde"), 401); /* prefix */
  th_resp r;
  const char *b = "{\"text\":\"x\",\"slug\":\"a\",\"action\":\"sent\"}";
  assert_int_equal(th_http(S_srv, "POST", "/api/v1/feedback", b, strlen(b), NULL, &r), 0);
  assert_int_equal(r.status, 401);
  th_resp_free(&r);
}

static void test_public_routes_need_none(void **state) {
  (void)state;
  th_resp r;
  assert_int_equal(th_http(S_srv, "GET", "/api/v1/search?q=sim", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  th_resp_free(&r);
  assert_int_equal(th_http(S_srv, "GET", "/healthz", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  th_resp_free(&r);
}

static void test_beyond_loopback_needs_keys(void **state) {
  (void)state;
  char *cmd = th_fmt("%s/kb-index -q tests/fixtures/kb -o %s/i.sqlite && %s/kb-serve --index %s/i.sqlite --listen 0.0.0.0:0",
                     th_bin_dir(), S_dir, th_bin_dir(), S_dir), *out = NULL;
  assert_int_equal(th_run(cmd, &out), 1);
  assert_non_null(strstr(out, "needs API keys"));
  free(out);
  free(cmd);
  cmd = th_fmt("KB_API_KEYS=short %s/kb-serve --index %s/i.sqlite --listen 127.0.0.1:0", th_bin_dir(), S_dir);
  assert_int_equal(th_run(cmd, &out), 1);
  assert_non_null(strstr(out, "at least 16 characters"));
  free(out);
  free(cmd);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_agent_routes_need_a_key),
      cmocka_unit_test(test_public_routes_need_none),
      cmocka_unit_test(test_beyond_loopback_needs_keys),
  };
  return cmocka_run_group_tests_name("keys", tests, S_setup, S_teardown);
}
