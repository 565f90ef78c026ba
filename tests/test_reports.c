/*
 * test_reports.c - the knowledge team's reports: unanswered mentions
 * grouped by their most telling word, most-sent and never-sent articles,
 * searches with no results, "did this help?" answers; as JSON, as a page
 * and from kb-report.
 */
#include "harness.h"

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "kb_text.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static th_server *S_srv;
static char *S_dir, *S_data, *S_index;

static long S_req(const char *method, const char *path, const char *body, char **pout) {
  th_resp r;
  assert_int_equal(th_http(S_srv, method, path, body, body ? strlen(body) : 0, NULL, &r), 0);
  long st = r.status;
  if (pout) *pout = strdup(r.body);
  th_resp_free(&r);
  return st;
}

static int S_setup(void **state) {
  (void)state;
  S_dir = th_tmpdir();
  S_data = th_fmt("%s/data", S_dir);
  char *cmd = th_fmt("mkdir -p %s", S_data);
  th_run(cmd, NULL);
  free(cmd);
  const char *extra[] = {"--data", S_data, "--quiet", NULL};
  S_srv = th_serve_kb("tests/fixtures/kb", extra, &S_index);
  if (!S_srv) return -1;
  /* mentions nobody can answer: three about "warranty" */
  const char *unanswerable[] = {"{\"text\":\"what does the extended warranty cover?\"}",
                                "{\"text\":\"warranty extension price please\"}",
                                "{\"text\":\"is the warranty transferable to my son\"}",
                                "{\"text\":\"great service, brilliant staff, thank you\"}"};
  for (int i = 0; i < 4; i++) S_req("POST", "/api/v1/suggest", unanswerable[i], NULL);
  S_req("POST", "/api/v1/feedback", "{\"text\":\"need a gift card\",\"slug\":\"cafe-wifi\",\"action\":\"dismissed\"}", NULL);
  S_req("POST", "/api/v1/feedback", "{\"text\":\"sim stuck\",\"slug\":\"remove-sim-iphone\",\"action\":\"sent\"}", NULL);
  S_req("POST", "/api/v1/feedback", "{\"text\":\"sim stuck again\",\"slug\":\"remove-sim-iphone\",\"action\":\"sent\"}", NULL);
  S_req("GET", "/api/v1/search?q=zzqqxx", NULL, NULL);
  S_req("GET", "/api/v1/search?q=zzqqxx", NULL, NULL);
  S_req("GET", "/api/v1/search?q=sim", NULL, NULL);
  S_req("POST", "/api/v1/helpful", "{\"slug\":\"cracked-screen\",\"helpful\":true}", NULL);
  S_req("POST", "/api/v1/helpful", "{\"slug\":\"cracked-screen\",\"helpful\":false}", NULL);
  S_req("POST", "/api/v1/helpful", "{\"slug\":\"cracked-screen\",\"helpful\":false}", NULL);
  struct timespec ts = {0, 600 * 1000000L}; /* the event log is written every 200 ms */
  nanosleep(&ts, NULL);
  return 0;
}

static int S_teardown(void **state) {
  (void)state;
  int rc = S_srv ? th_server_stop(S_srv) : 0;
  th_rmtree(S_dir);
  free(S_dir);
  free(S_data);
  free(S_index);
  return rc;
}

static cJSON *S_report(const char *name) {
  char *path = th_fmt("/api/v1/reports/%s?days=0", name), *body = NULL;
  assert_int_equal(S_req("GET", path, NULL, &body), 200);
  free(path);
  cJSON *j = cJSON_Parse(body);
  free(body);
  assert_non_null(j);
  return cJSON_GetObjectItem(j, "rows") ? j : NULL;
}

static void test_unanswered_grouped(void **state) {
  (void)state;
  cJSON *j = S_report("unanswered");
  cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "rows"), 0);
  assert_string_equal(cJSON_GetObjectItem(first, "word")->valuestring, "warranty");
  assert_int_equal(cJSON_GetObjectItem(first, "mentions")->valueint, 3);
  assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(first, "examples")) >= 1);
  /* the dismissed-only mention is there too */
  char *all = cJSON_PrintUnformatted(j);
  assert_non_null(strstr(all, "gift card"));
  free(all);
  cJSON_Delete(j);
}

static void test_sent_and_never_sent(void **state) {
  (void)state;
  cJSON *j = S_report("most-sent");
  cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "rows"), 0);
  assert_string_equal(cJSON_GetObjectItem(first, "article")->valuestring, "default/remove-sim-iphone");
  assert_int_equal(cJSON_GetObjectItem(first, "sent")->valueint, 2);
  assert_string_equal(cJSON_GetObjectItem(first, "title")->valuestring, "Remove the SIM from an iPhone");
  cJSON_Delete(j);
  j = S_report("never-sent");
  char *all = cJSON_PrintUnformatted(j);
  assert_non_null(strstr(all, "default/cracked-screen"));
  assert_null(strstr(all, "default/remove-sim-iphone"));
  free(all);
  cJSON_Delete(j);
}

static void test_no_results_and_helpful(void **state) {
  (void)state;
  cJSON *j = S_report("no-results");
  cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "rows"), 0);
  assert_string_equal(cJSON_GetObjectItem(first, "search")->valuestring, "zzqqxx");
  assert_int_equal(cJSON_GetObjectItem(first, "times")->valueint, 2);
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "rows")), 1);
  cJSON_Delete(j);
  j = S_report("helpful");
  first = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "rows"), 0);
  assert_int_equal(cJSON_GetObjectItem(first, "yes")->valueint, 1);
  assert_int_equal(cJSON_GetObjectItem(first, "no")->valueint, 2);
  cJSON_Delete(j);
}

static void test_page_and_errors(void **state) {
  (void)state;
  char *body = NULL;
  assert_int_equal(S_req("GET", "/reports?days=0", NULL, &body), 200);
  assert_non_null(strstr(body, "<h2 id=\"h-unanswered\">"));
  assert_non_null(strstr(body, "warranty"));
  assert_null(strstr(body, "<script>")); /* no inline script: only console.js, linked */
  free(body);
  assert_int_equal(S_req("GET", "/api/v1/reports/nope", NULL, NULL), 404);
  assert_int_equal(S_req("GET", "/api/v1/reports/helpful?days=-1", NULL, NULL), 400);
  assert_int_equal(S_req("POST", "/api/v1/helpful", "{\"slug\":\"no-such\",\"helpful\":true}", NULL), 404);
  assert_int_equal(S_req("POST", "/api/v1/helpful", "{\"slug\":\"cafe-wifi\",\"helpful\":\"yes\"}", NULL), 400);
  assert_int_equal(S_req("POST", "/api/v1/helpful", "{\"slug\":\"cafe-wifi\"}", NULL), 400);
}

static void test_cli(void **state) {
  (void)state;
  char *cmd = th_fmt("%s/kb-report --index %s --data %s --days 0", th_bin_dir(), S_index, S_data), *out = NULL;
  assert_int_equal(th_run(cmd, &out), 0);
  assert_non_null(strstr(out, "Mentions nobody could answer"));
  assert_non_null(strstr(out, "warranty"));
  assert_non_null(strstr(out, "zzqqxx"));
  free(out);
  free(cmd);
  cmd = th_fmt("%s/kb-report --index %s --data %s --json helpful", th_bin_dir(), S_index, S_data);
  assert_int_equal(th_run(cmd, &out), 0);
  cJSON *j = cJSON_Parse(out);
  assert_non_null(j);
  cJSON_Delete(j);
  free(out);
  free(cmd);
}

/* What the public typed, printed (issue #18, 8): kb-report showed an
 * ESC sequence from a search raw (coloured text on the reader's
 * terminal), and /reports cut examples at 140 bytes inside a character. */
static void test_output_hygiene(void **state) {
  (void)state;
  char body[512];
  int k = snprintf(body, sizeof body, "{\"text\":\"zapphire");
  for (int i = 0; i < 80; i++) k += snprintf(body + k, sizeof body - (size_t)k, " \xc3\xa9");
  snprintf(body + k, sizeof body - (size_t)k, "\"}");
  assert_int_equal(S_req("POST", "/api/v1/suggest", body, NULL), 200);
  assert_int_equal(S_req("GET", "/api/v1/search?q=%1B%5B31mzzred", NULL, NULL), 200);
  struct timespec ts = {0, 600 * 1000000L};
  nanosleep(&ts, NULL);
  char *page = NULL;
  assert_int_equal(S_req("GET", "/reports?days=0", NULL, &page), 200);
  assert_non_null(strstr(page, "zapphire \xc3\xa9"));
  size_t bad = 0;
  if (!kb_text_utf8_valid(page, strlen(page), &bad)) print_error("invalid UTF-8 at byte %zu\n", bad);
  assert_true(kb_text_utf8_valid(page, strlen(page), NULL));
  free(page);
  char *cmd = th_fmt("%s/kb-report --index %s --data %s --days 0", th_bin_dir(), S_index, S_data), *out = NULL;
  assert_int_equal(th_run(cmd, &out), 0);
  assert_non_null(strstr(out, "zzred"));
  assert_null(strchr(out, '\x1b'));
  assert_non_null(strstr(out, "\\x1b[31mzzred"));
  assert_true(kb_text_utf8_valid(out, strlen(out), NULL));
  free(out);
  free(cmd);
}

static long long S_count(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st = NULL;
  long long n = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

/* The event log's retention (issue #18, 7): 2,000 public searches of a
 * thousand bytes added 2.7 MB to feedback.sqlite with no end. With a cap
 * of 1 MiB the oldest are deleted as new ones come, and events older than
 * the retention go at start. */
static void test_event_retention(void **state) {
  (void)state;
  char *dir = th_tmpdir(), *data = th_fmt("%s/data", dir), *db = th_fmt("%s/feedback.sqlite", data);
  char *cmd = th_fmt("mkdir -p %s", data);
  th_run(cmd, NULL);
  free(cmd);
  sqlite3 *h;
  assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
  assert_int_equal(sqlite3_exec(h, "CREATE TABLE searches(ts TEXT NOT NULL, q TEXT NOT NULL,"
                                   " collection TEXT, total INTEGER NOT NULL);"
                                   "INSERT INTO searches VALUES('2001-01-01T00:00:00Z','old',NULL,0);"
                                   "INSERT INTO searches VALUES('2001-01-02T00:00:00Z','old',NULL,0);",
                                NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(h);
  const char *extra[] = {"--data", data, "--events-max-mb", "1", "--events-days", "30", "--quiet", NULL};
  th_server *srv = th_serve_kb("tests/fixtures/kb", extra, NULL);
  assert_non_null(srv);
  char q[1100];
  int k = snprintf(q, sizeof q, "/api/v1/search?q=");
  while (k < 1000) k += snprintf(q + k, sizeof q - (size_t)k, "w%d+", k);
  q[k - 1] = 0;
  /* feedback between the searches: its writes, on the store's own
   * connection to the same file, made every delete of a deferred trim
   * fail (SQLITE_BUSY_SNAPSHOT), so the log grew past its cap while
   * feedback came in */
  for (int i = 0; i < 2000; i++) {
    th_resp r;
    assert_int_equal(th_http(srv, "GET", q, NULL, 0, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    th_resp_free(&r);
    char fb[128];
    snprintf(fb, sizeof fb, "{\"text\":\"gift card %d\",\"slug\":\"cafe-wifi\",\"action\":\"sent\"}", i);
    assert_int_equal(th_http(srv, "POST", "/api/v1/feedback", fb, strlen(fb), NULL, &r), 0);
    assert_int_equal(r.status, 201);
    th_resp_free(&r);
  }
  /* while the server runs (its stop trims once more, with no feedback
   * coming in): the writer's next round, then what the log holds */
  struct timespec pause = {0, 600 * 1000000L};
  nanosleep(&pause, NULL);
  assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
  long long running = S_count(h, "SELECT total(length(q) + 48) FROM searches");
  sqlite3_close(h);
  print_message("# %lld bytes counted while serving\n", running);
  assert_true(running <= 1024 * 1024);
  assert_int_equal(th_server_stop(srv), 0);
  assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
  long long old = S_count(h, "SELECT count(*) FROM searches WHERE q = 'old'");
  long long rows = S_count(h, "SELECT count(*) FROM searches");
  long long bytes = S_count(h, "SELECT total(length(q) + 48) FROM searches");
  sqlite3_close(h);
  struct stat st;
  assert_int_equal(stat(db, &st), 0);
  print_message("# %lld searches kept, %lld bytes counted, file %lld bytes\n", rows, bytes,
                (long long)st.st_size);
  assert_int_equal(old, 0);
  assert_true(rows > 500);
  assert_true(bytes <= 1024 * 1024);
  assert_true(st.st_size <= 2 * 1024 * 1024);
  th_rmtree(dir);
  free(db);
  free(data);
  free(dir);
}

/* The first article of the home page's popular list, as
 * "/help/SLUG" (caller frees), or NULL when it has none. */
static char *S_first_popular(th_server *srv) {
  th_resp r;
  assert_int_equal(th_http(srv, "GET", "/", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  const char *p = strstr(r.body, "<ol class=\"popular\"><li><a href=\"");
  char *got = NULL;
  if (p) {
    p += strlen("<ol class=\"popular\"><li><a href=\"");
    got = strndup(p, strcspn(p, "\""));
  }
  th_resp_free(&r);
  return got;
}

/* Waits up to 5 s for the home page's first popular article to be want. */
static int S_wait_popular(th_server *srv, const char *want) {
  for (int i = 0; i < 50; i++) {
    char *got = S_first_popular(srv);
    int ok = got && !strcmp(got, want);
    free(got);
    if (ok) return 1;
    struct timespec ts = {0, 100 * 1000000L};
    nanosleep(&ts, NULL);
  }
  return 0;
}

/* #22: the home page's popular articles are the most viewed, counted from
 * the event log (views), so they survive a restart (they were counted in
 * the server's memory); views older than the retention go like any
 * event. */
static void test_views_popular(void **state) {
  (void)state;
  char *dir = th_tmpdir(), *data = th_fmt("%s/data", dir), *db = th_fmt("%s/feedback.sqlite", data);
  char *cmd = th_fmt("mkdir -p %s", data);
  th_run(cmd, NULL);
  free(cmd);
  sqlite3 *h;
  assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
  /* a year-old burst of views of another article: past the retention */
  assert_int_equal(sqlite3_exec(h, "CREATE TABLE views(ts TEXT NOT NULL, collection TEXT NOT NULL, slug TEXT NOT NULL);"
                                   "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)"
                                   " INSERT INTO views SELECT '2001-01-01T00:00:00Z', 'default', 'praise' FROM n;",
                                NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(h);
  const char *extra[] = {"--data", data, "--events-days", "30", "--quiet", NULL};
  th_server *srv = th_serve_kb("tests/fixtures/kb", extra, NULL);
  assert_non_null(srv);
  const char *seen[] = {"/help/refund-status", "/help/cafe-wifi", "/help/refund-status", "/help/refund-status"};
  for (size_t i = 0; i < sizeof seen / sizeof *seen; i++) {
    th_resp r;
    assert_int_equal(th_http(srv, "GET", seen[i], NULL, 0, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    th_resp_free(&r);
  }
  assert_true(S_wait_popular(srv, "/help/refund-status"));
  assert_int_equal(th_server_stop(srv), 0);
  assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
  assert_int_equal(S_count(h, "SELECT count(*) FROM views WHERE slug = 'refund-status'"), 3);
  assert_int_equal(S_count(h, "SELECT count(*) FROM views WHERE slug = 'cafe-wifi'"), 1);
  assert_int_equal(S_count(h, "SELECT count(*) FROM views WHERE slug = 'praise'"), 0);
  sqlite3_close(h);
  /* a new process: the same popular list at its first page */
  srv = th_serve_kb("tests/fixtures/kb", extra, NULL);
  assert_non_null(srv);
  char *first = S_first_popular(srv);
  assert_non_null(first);
  assert_string_equal(first, "/help/refund-status");
  free(first);
  for (int i = 0; i < 5; i++) { /* new views change the order */
    th_resp r;
    assert_int_equal(th_http(srv, "GET", "/help/cafe-wifi", NULL, 0, NULL, &r), 0);
    th_resp_free(&r);
  }
  assert_true(S_wait_popular(srv, "/help/cafe-wifi"));
  assert_int_equal(th_server_stop(srv), 0);
  th_rmtree(dir);
  free(db);
  free(data);
  free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_unanswered_grouped),
      cmocka_unit_test(test_sent_and_never_sent),
      cmocka_unit_test(test_no_results_and_helpful),
      cmocka_unit_test(test_page_and_errors),
      cmocka_unit_test(test_cli),
      cmocka_unit_test(test_output_hygiene),
      cmocka_unit_test(test_event_retention),
      cmocka_unit_test(test_views_popular),
  };
  return cmocka_run_group_tests_name("reports", tests, S_setup, S_teardown);
}
