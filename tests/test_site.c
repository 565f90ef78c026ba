/*
 * test_site.c - site content out of C (kb/site.yaml), and the indexer's
 * status file beside the index:
 *
 *   - kb/site.yaml is checked like an article: unknown keys, bad links, a
 *     handle Twitter would refuse, missing brand or title, malformed YAML,
 *     each reported as site.yaml:LINE;
 *   - what it says reaches the pages: title, brand, every contact with
 *     its link and hours, per collection where a collection overrides it;
 *   - kb-index writes INDEX.status.json after a build, failed or not, and
 *     kb-index --watch stops within a second of SIGTERM.
 */
#include "harness.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A scratch KB: the fixture articles with the given site.yaml (NULL: none). */
static char *S_kb(const char *site) {
  char *dir = th_tmpdir();
  char *cmd = th_fmt("cp -r tests/fixtures/kb/articles %s/ && rm -f %s/site.yaml", dir, dir);
  assert_int_equal(th_run(cmd, NULL), 0);
  free(cmd);
  if (site) {
    char *p = th_fmt("%s/site.yaml", dir);
    assert_int_equal(th_write_file(p, site), 0);
    free(p);
  }
  return dir;
}

/* kb-index --check on a KB with this site.yaml; returns the output. */
static char *S_check(const char *site, int *status) {
  char *dir = S_kb(site);
  char *cmd = th_fmt("%s/kb-index --check %s 2>&1", th_bin_dir(), dir), *out = NULL;
  *status = th_run(cmd, &out);
  free(cmd);
  th_rmtree(dir);
  free(dir);
  return out;
}

static void S_expect_error(const char *site, const char *want) {
  int st;
  char *out = S_check(site, &st);
  if (!strstr(out, want)) print_error("wanted \"%s\" in:\n%s\n", want, out);
  assert_non_null(strstr(out, want));
  assert_int_not_equal(st, 0);
  free(out);
}

static void test_site_errors_have_lines(void **state) {
  (void)state;
  S_expect_error("brand: X\ntitle: Y\ncolour: red\n", "site.yaml:3: error: unknown key 'colour'");
  S_expect_error("brand: X\ntitle: Y\ntwitter: this_handle_is_too_long\n",
                 "site.yaml:3: error: twitter 'this_handle_is_too_long' must be a handle");
  S_expect_error("brand: X\ntitle: Y\ncontacts:\n  - name: Phone\n    text: 0113\n    link: javascript:alert(1)\n",
                 "site.yaml:6: error: link 'javascript:alert(1)' must start with tel:");
  S_expect_error("title: Y\n", "site.yaml:1: error: 'brand' is missing");
  S_expect_error("brand: X\ntitle: [oops\n", "site.yaml:3: error: malformed YAML");
  S_expect_error("brand: X\ntitle: Y\ncontacts:\n  - text: 0113\n", "site.yaml:4: error: a contact needs a name and a text");
  S_expect_error("brand: X\ntitle: Y\nlanguages:\n  xx: {title: Z}\n", "site.yaml:4: error: 'xx' is not a language code");
}

static void test_site_optional(void **state) {
  (void)state;
  int st;
  char *out = S_check(NULL, &st);
  assert_int_equal(st, 0);
  assert_non_null(strstr(out, "0 errors, 0 warnings"));
  free(out);
}

static const char S_site[] =
    "brand: Zebra Phones\n"
    "title: Zebra Help Desk\n"
    "twitter: ZebraHelp\n"
    "contacts:\n"
    "  - name: Call us\n"
    "    text: 0800 000 111\n"
    "    link: tel:+44800000111\n"
    "    hours: every day 7am to 11pm\n"
    "  - name: Write to us\n"
    "    text: help@zebra.test\n"
    "    link: mailto:help@zebra.test\n";

static void test_site_on_pages(void **state) {
  (void)state;
  char *dir = S_kb(S_site);
  th_server *s = th_serve_kb(dir, NULL, NULL);
  assert_non_null(s);
  th_resp r;
  assert_int_equal(th_http(s, "GET", "/", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "<title>Search \xC2\xB7 Zebra Help Desk</title>"));
  assert_non_null(strstr(r.body, "class=\"brand\" href=\"/\">Zebra Help Desk</a>"));
  assert_non_null(strstr(r.body, "Call us <a href=\"tel:+44800000111\">0800 000 111</a>, every day 7am to 11pm"));
  assert_non_null(strstr(r.body, "Write to us <a href=\"mailto:help@zebra.test\">help@zebra.test</a>"));
  assert_null(strstr(r.body, "PhoneRetailer"));
  th_resp_free(&r);
  /* the zero-result page points to the same contacts, in the footer */
  assert_int_equal(th_http(s, "GET", "/search?q=qqqqzzzzxxxx", NULL, 0, NULL, &r), 0);
  assert_non_null(strstr(r.body, "<a href=\"#contact\">contact us</a>"));
  assert_non_null(strstr(r.body, "<footer class=\"site\" id=\"contact\"><h2>Contact us</h2><ul><li>Call us <a href=\"tel:+44800000111\">"));
  th_resp_free(&r);
  th_server_stop(s);
  th_rmtree(dir);
  free(dir);
}

static int S_exists(const char *p) { return access(p, F_OK) == 0; }

static void test_status_file(void **state) {
  (void)state;
  char *dir = S_kb(S_site), *ix = th_fmt("%s/out.sqlite", dir);
  char *status = th_fmt("%s.status.json", ix);
  char *cmd = th_fmt("%s/kb-index -q %s -o %s", th_bin_dir(), dir, ix);
  assert_int_equal(th_run(cmd, NULL), 0);
  assert_true(S_exists(status));
  char *json = th_read_file(status, NULL);
  assert_non_null(strstr(json, "\"ok\":true,\"errors\":0"));
  free(json);
  /* a failed build leaves the index and says why, with file and line */
  char *bad = th_fmt("%s/articles/broken.md", dir);
  th_write_file(bad, "---\ntitle: [oops\n---\nx\n");
  assert_int_not_equal(th_run(cmd, NULL), 0);
  json = th_read_file(status, NULL);
  assert_non_null(strstr(json, "\"ok\":false,\"errors\":1"));
  assert_non_null(strstr(json, "broken.md:2: error: malformed YAML"));
  free(json);
  assert_true(S_exists(ix));
  free(bad);
  free(cmd);
  free(status);
  free(ix);
  th_rmtree(dir);
  free(dir);
}

static double S_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_watch_stops_on_sigterm(void **state) {
  (void)state;
  char *dir = S_kb(S_site), *ix = th_fmt("%s/out.sqlite", dir), *status = th_fmt("%s.status.json", ix);
  char *prog = th_fmt("%s/kb-index", th_bin_dir());
  pid_t pid = fork();
  if (pid == 0) {
    freopen("/dev/null", "w", stderr);
    execl(prog, "kb-index", "--watch", dir, "-o", ix, (char *)NULL);
    _exit(127);
  }
  assert_true(pid > 0);
  for (int i = 0; i < 500 && !S_exists(status); i++) usleep(20000);
  assert_true(S_exists(status));
  double t0 = S_now();
  kill(pid, SIGTERM);
  int wst = 0, done = 0;
  while (S_now() - t0 < 5 && !(done = waitpid(pid, &wst, WNOHANG) == pid)) usleep(10000);
  double took = S_now() - t0;
  if (!done) kill(pid, SIGKILL), waitpid(pid, &wst, 0);
  print_message("# kb-index --watch stopped %.3f s after SIGTERM\n", took);
  assert_true(done);
  assert_true(took < 1.0);
  assert_true(WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
  free(prog);
  free(status);
  free(ix);
  th_rmtree(dir);
  free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_site_errors_have_lines),
      cmocka_unit_test(test_site_optional),
      cmocka_unit_test(test_site_on_pages),
      cmocka_unit_test(test_status_file),
      cmocka_unit_test(test_watch_stops_on_sigterm),
  };
  return cmocka_run_group_tests_name("site", tests, NULL, NULL);
}
