/*
 * test_no_fit.c - the public searches no article fits (#19): a submitted
 * search (GET /api/v1/search's first page, the search page's first) is
 * logged with the suggest path's abstention and the first result shown,
 * the typing fragment's search is not (NULL both); the no-fit report lists
 * the flagged searches that showed results, per language, as JSON, on the
 * /reports page and from kb-report; the search cache keeps an asked and an
 * unasked search apart; a store of before the columns is migrated with
 * every row kept.
 *
 * Against kb/ (four languages), on a real server over loopback HTTP. The
 * queries were chosen by what the abstention says of them on kb/'s index:
 * S_NOFIT and S_NOFIT_FR show results that no article fits, S_FITS is
 * answered by an article.
 */
#include "harness.h"

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define S_NOFIT "do you sell garden furniture"
#define S_NOFIT_Q "do+you+sell+garden+furniture"
#define S_FITS "how do I get the sim out of my iphone"
#define S_FITS_Q "how+do+I+get+the+sim+out+of+my+iphone"
#define S_NOFIT_FR "location de voiture"
#define S_NOFIT_FR_Q "location+de+voiture"

static th_server *S_srv;
static char *S_dir, *S_data, *S_db, *S_index;
static char *S_api_body; /* the API's answer to its first search of S_NOFIT */

static char *S_get(th_server *s, const char *path, long *status) {
  th_resp r;
  assert_int_equal(th_http(s, "GET", path, NULL, 0, NULL, &r), 0);
  char *b = strdup(r.body);
  if (status) *status = r.status;
  th_resp_free(&r);
  return b;
}

/* The one value of sql on db (NULL: "NULL"), as a string the caller frees. */
static char *S_value(const char *db, const char *sql) {
  sqlite3 *h;
  assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  sqlite3_busy_timeout(h, 2000);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
  char *out = NULL;
  if (sqlite3_step(st) == SQLITE_ROW)
    out = strdup(sqlite3_column_type(st, 0) == SQLITE_NULL ? "NULL" : (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(h);
  return out ? out : strdup("(no row)");
}

/* Waits until the event log holds n searches (written every 200 ms). */
static void S_wait_searches(const char *db, int n) {
  for (int i = 0; i < 100; i++) {
    char *v = S_value(db, "SELECT count(*) FROM searches");
    int k = atoi(v);
    free(v);
    if (k >= n) return;
    struct timespec ts = {0, 50 * 1000000L};
    nanosleep(&ts, NULL);
  }
  fail_msg("the event log never held %d searches", n);
}

static int S_setup(void **state) {
  (void)state;
  S_dir = th_tmpdir();
  S_data = th_fmt("%s/data", S_dir);
  S_db = th_fmt("%s/feedback.sqlite", S_data);
  char *cmd = th_fmt("mkdir -p %s", S_data);
  th_run(cmd, NULL);
  free(cmd);
  const char *extra[] = {"--data", S_data, "--quiet", "--threads", "1", NULL};
  S_srv = th_serve_kb("kb", extra, &S_index);
  if (!S_srv) return -1;
  /* in this order: the fragment's search first (its cache entry made
   * without the abstention), then the API's twice (the second answered
   * from the cache), the search page's, a search an article fits, a
   * French one, a search that found nothing, a second page */
  const char *paths[] = {
      "/search?q=" S_NOFIT_Q "&fragment=1",
      "/api/v1/search?q=" S_NOFIT_Q,
      "/api/v1/search?q=" S_NOFIT_Q,
      "/search?q=" S_NOFIT_Q,
      "/api/v1/search?q=" S_FITS_Q,
      "/api/v1/search?q=" S_NOFIT_FR_Q "&lang=fr",
      "/api/v1/search?q=zzqqxxw",
      "/api/v1/search?q=" S_NOFIT_Q "&offset=10", /* not logged */
  };
  double h0 = th_metric(S_srv, "kb_search_cache_hits_total");
  for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
    long st;
    char *b = S_get(S_srv, paths[i], &st);
    if (i == 1) S_api_body = b;
    else free(b);
    if (st != 200) return -1;
  }
  /* the second API search was the cache's */
  if (th_metric(S_srv, "kb_search_cache_hits_total") - h0 < 1) return -1;
  S_wait_searches(S_db, 7);
  return 0;
}

static int S_teardown(void **state) {
  (void)state;
  int rc = S_srv ? th_server_stop(S_srv) : 0;
  th_rmtree(S_dir);
  free(S_dir);
  free(S_data);
  free(S_db);
  free(S_index);
  free(S_api_body);
  return rc;
}

/* "nothing_fits|top_slug" of the searches of q, in the order logged. */
static char *S_logged(const char *q) {
  char *sql = th_fmt("SELECT group_concat(ifnull(nothing_fits, 'NULL') || '|' || ifnull(top_slug, 'NULL'), ',')"
                     " FROM (SELECT * FROM searches WHERE q = '%s' ORDER BY rowid)", q);
  char *v = S_value(S_db, sql);
  free(sql);
  return v;
}

/* The submitted searches carry the abstention and the first result; the
 * fragment's row keeps them NULL; the API's second search, answered from
 * the cache, carries them as the first did; the cache entry the fragment
 * made (not asked) did not answer the API (asked). */
static void test_logged(void **state) {
  (void)state;
  char *v = S_logged(S_NOFIT);
  /* fragment, API, API (cached), page */
  char *first = S_value(S_db, "SELECT top_slug FROM searches WHERE q = '" S_NOFIT "' AND top_slug IS NOT NULL"
                              " ORDER BY rowid LIMIT 1");
  char *want = th_fmt("NULL|NULL,1|%s,1|%s,1|%s", first, first, first);
  assert_string_equal(v, want);
  free(v);
  free(want);
  /* the first result the visitor was shown: the API's first hit */
  const char *body = S_api_body;
  cJSON *j = cJSON_Parse(body);
  cJSON *hit = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "results"), 0);
  assert_non_null(hit);
  assert_string_equal(cJSON_GetObjectItem(hit, "slug")->valuestring, first);
  /* the answer does not change: no new field */
  assert_null(cJSON_GetObjectItem(j, "nothing_fits"));
  assert_null(strstr(body, "fits"));
  cJSON_Delete(j);
  free(first);
  v = S_logged(S_FITS);
  assert_string_equal(v, "0|remove-sim-iphone");
  free(v);
  v = S_logged("zzqqxxw"); /* nothing found: nothing fits, nothing shown */
  assert_string_equal(v, "1|NULL");
  free(v);
  v = S_value(S_db, "SELECT lang || ' ' || nothing_fits FROM searches WHERE q = '" S_NOFIT_FR "'");
  assert_string_equal(v, "fr 1");
  free(v);
  v = S_value(S_db, "SELECT count(*) FROM searches");
  assert_string_equal(v, "7"); /* the second page is not logged */
  free(v);
}

static cJSON *S_report(const char *name, const char *lang) {
  char *path = th_fmt("/api/v1/reports/%s?days=0%s%s", name, lang ? "&lang=" : "", lang ? lang : "");
  long st;
  char *body = S_get(S_srv, path, &st);
  assert_int_equal(st, 200);
  free(path);
  cJSON *j = cJSON_Parse(body);
  free(body);
  assert_non_null(j);
  return j;
}

/* The report lists the search no article fits that showed results (its
 * submitted searches: three), not the one an article fits, not the one
 * that found nothing (no-results' row), each language's its own. */
static void test_report_json(void **state) {
  (void)state;
  cJSON *j = S_report("no-fit", NULL);
  assert_string_equal(cJSON_GetObjectItem(j, "report")->valuestring, "no-fit");
  cJSON *rows = cJSON_GetObjectItem(j, "rows");
  assert_int_equal(cJSON_GetArraySize(rows), 2); /* en and fr: all languages */
  cJSON *r0 = cJSON_GetArrayItem(rows, 0);
  assert_string_equal(cJSON_GetObjectItem(r0, "search")->valuestring, S_NOFIT);
  assert_int_equal(cJSON_GetObjectItem(r0, "times")->valueint, 3);
  char *first = S_value(S_db, "SELECT top_slug FROM searches WHERE q = '" S_NOFIT "' AND top_slug IS NOT NULL LIMIT 1");
  assert_string_equal(cJSON_GetObjectItem(r0, "shown")->valuestring, first);
  free(first);
  char *all = cJSON_PrintUnformatted(j);
  assert_null(strstr(all, "iphone"));
  assert_null(strstr(all, "zzqqxxw"));
  free(all);
  cJSON_Delete(j);
  /* per language */
  j = S_report("no-fit", "en");
  all = cJSON_PrintUnformatted(j);
  assert_non_null(strstr(all, S_NOFIT));
  assert_null(strstr(all, "voiture"));
  free(all);
  cJSON_Delete(j);
  j = S_report("no-fit", "fr");
  all = cJSON_PrintUnformatted(j);
  assert_non_null(strstr(all, "\"search\":\"" S_NOFIT_FR "\""));
  assert_null(strstr(all, "garden"));
  free(all);
  cJSON_Delete(j);
  /* the languages report's column */
  j = S_report("languages", NULL);
  all = cJSON_PrintUnformatted(j);
  assert_non_null(strstr(all, "\"lang\":\"en\",\"mentions\":0,\"answerable\":0,\"sent\":0,\"yes\":0,\"no\":0,"
                              "\"no_results\":1,\"no_fit\":3,\"flags\":0}"));
  assert_non_null(strstr(all, "\"lang\":\"fr\",\"mentions\":0,\"answerable\":0,\"sent\":0,\"yes\":0,\"no\":0,"
                              "\"no_results\":0,\"no_fit\":1,\"flags\":0}"));
  free(all);
  cJSON_Delete(j);
}

/* The page (its words, English and French) and kb-report's text. */
static void test_report_page_and_text(void **state) {
  (void)state;
  long st;
  char *b = S_get(S_srv, "/reports?days=0&lang=en", &st);
  assert_int_equal(st, 200);
  assert_non_null(strstr(b, "<h2 id=\"h-no-fit\">Public searches no article fits (though they showed results)</h2>"));
  /* the article shown first is a link to its page, in the report's language */
  char *first = S_value(S_db, "SELECT top_slug FROM searches WHERE q = '" S_NOFIT "' AND top_slug IS NOT NULL LIMIT 1");
  char *want = th_fmt(S_NOFIT "<br><small>shown first: <a href=\"/help/%s\">%s</a></small>", first, first);
  assert_non_null(strstr(b, want));
  free(want);
  free(first);
  assert_non_null(strstr(b, "<th scope=\"col\">searches no article fits</th>"));
  free(b);
  b = S_get(S_srv, "/fr/reports?days=0", &st);
  assert_int_equal(st, 200);
  assert_non_null(strstr(b, "<h2 id=\"h-no-fit\">Recherches publiques qu’aucun article ne couvre"));
  first = S_value(S_db, "SELECT top_slug FROM searches WHERE q = '" S_NOFIT_FR "' AND top_slug IS NOT NULL LIMIT 1");
  want = th_fmt(S_NOFIT_FR "<br><small>affiché en premier : <a href=\"/fr/help/%s\">%s</a></small>", first, first);
  assert_non_null(strstr(b, want));
  free(want);
  free(first);
  assert_null(strstr(b, "shown first"));
  free(b);
  const char *bin = getenv("KB_BIN") ? getenv("KB_BIN") : "bin";
  char *cmd = th_fmt("%s/kb-report --index %s --data %s --days 0 --lang en", bin, S_index, S_data), *out = NULL;
  assert_int_equal(th_run(cmd, &out), 0);
  free(cmd);
  char *sec = strstr(out, "Public searches no article fits (though they showed results)\n");
  assert_non_null(sec);
  first = S_value(S_db, "SELECT top_slug FROM searches WHERE q = '" S_NOFIT "' AND top_slug IS NOT NULL LIMIT 1");
  char *line = th_fmt("\n       3  " S_NOFIT "  (shown first: %s)\n", first);
  char *end = strstr(sec, "\n\n");
  assert_non_null(end);
  end[1] = 0; /* (the last line keeps its newline) */
  assert_non_null(strstr(sec, line));
  assert_null(strstr(sec, "iphone"));
  free(line);
  free(first);
  free(out);
  cmd = th_fmt("%s/kb-report --index %s --data %s --days 0 --json no-fit", bin, S_index, S_data);
  assert_int_equal(th_run(cmd, &out), 0);
  assert_non_null(strstr(out, "\"search\":\"" S_NOFIT "\""));
  free(cmd);
  free(out);
}

/* A store of before the columns: every row kept, the new columns NULL,
 * and the report reads it (before a server opened it, and after). */
static void test_old_store_migrated(void **state) {
  (void)state;
  char *dir = th_tmpdir(), *data = th_fmt("%s/data", dir), *db = th_fmt("%s/feedback.sqlite", data);
  char *cmd = th_fmt("mkdir -p %s", data);
  th_run(cmd, NULL);
  free(cmd);
  sqlite3 *h;
  assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
  assert_int_equal(sqlite3_exec(h, "CREATE TABLE searches(ts TEXT NOT NULL, q TEXT NOT NULL, collection TEXT,"
                                   " total INTEGER NOT NULL, lang TEXT);"
                                   "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)"
                                   " INSERT INTO searches SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),"
                                   " 'old search ' || i, NULL, i % 3, 'en' FROM n;",
                                NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(h);
  /* kb-report on the old store, read-only: no-fit is empty, not an error */
  const char *bin = getenv("KB_BIN") ? getenv("KB_BIN") : "bin";
  char *out = NULL;
  cmd = th_fmt("%s/kb-report --index %s --data %s --days 0 --json no-fit", bin, S_index, data);
  assert_int_equal(th_run(cmd, &out), 0);
  assert_non_null(strstr(out, "{\"report\":\"no-fit\",\"rows\":[]}"));
  free(out);
  free(cmd);
  const char *extra[] = {"--index", S_index, "--data", data, "--quiet", "--threads", "1", NULL};
  th_server *srv = th_server_start(extra);
  assert_non_null(srv);
  free(S_get(srv, "/api/v1/search?q=" S_NOFIT_Q, NULL));
  S_wait_searches(db, 41);
  cJSON *j = NULL;
  char *b = S_get(srv, "/api/v1/reports/no-fit?days=0", NULL);
  j = cJSON_Parse(b);
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "rows")), 1);
  cJSON_Delete(j);
  free(b);
  assert_int_equal(th_server_stop(srv), 0);
  char *v = S_value(db, "SELECT count(*) || ' ' || sum(nothing_fits IS NULL AND top_slug IS NULL) || ' '"
                        " || sum(total) FROM searches WHERE q LIKE 'old search %'");
  assert_string_equal(v, "40 40 40"); /* every row, as it was (0+1+2 over 40 rows: 40) */
  free(v);
  v = S_value(db, "SELECT nothing_fits FROM searches WHERE q = '" S_NOFIT "'");
  assert_string_equal(v, "1");
  free(v);
  /* a search shown different articles first: the one shown most often,
   * its spellings counted together; flagged searches of no result are
   * no-results' (not here), unflagged ones neither */
  assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
  assert_int_equal(sqlite3_exec(h, "INSERT INTO searches(ts, q, total, lang, nothing_fits, top_slug) VALUES"
                                   " (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'Zorb phone', 3, 'en', 1, 'b-article'),"
                                   " (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'zorb phone ', 3, 'en', 1, 'c-article'),"
                                   " (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'zorb phone', 3, 'en', 1, 'c-article'),"
                                   " (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'zorb phone', 0, 'en', 1, NULL),"
                                   " (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'zorb phone', 3, 'en', 0, 'a-article');",
                                NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(h);
  cmd = th_fmt("%s/kb-report --index %s --data %s --days 0 --json no-fit", bin, S_index, data);
  assert_int_equal(th_run(cmd, &out), 0);
  assert_non_null(strstr(out, "{\"search\":\"zorb phone\",\"shown\":\"c-article\",\"times\":3}"));
  free(out);
  free(cmd);
  /* on the page, a slug the index does not have stays text, not a link
   * to a missing page */
  srv = th_server_start(extra);
  assert_non_null(srv);
  long st;
  b = S_get(srv, "/reports?days=0&lang=en", &st);
  assert_int_equal(st, 200);
  assert_non_null(strstr(b, "zorb phone<br><small>shown first: c-article</small>"));
  assert_null(strstr(b, "help/c-article"));
  free(b);
  assert_int_equal(th_server_stop(srv), 0);
  th_rmtree(dir);
  free(db);
  free(data);
  free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_logged),
      cmocka_unit_test(test_report_json),
      cmocka_unit_test(test_report_page_and_text),
      cmocka_unit_test(test_old_store_migrated),
  };
  return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
