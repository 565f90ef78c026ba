/*
 * test_lang_reports.c - the knowledge team's reports per language (#20):
 * every event and agent action is logged with the language it belongs to
 * (a mention's, given or detected; the site's of a "did this help?"), and
 * the reports, the page, the CSV and kb-report filter by it, with every
 * language's figures side by side; a log of before the languages is read
 * as the default language's, nothing lost.
 */
#include "harness.h"

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static th_server *S_srv;
static char *S_data, *S_index;

static long S_req(const char *method, const char *path, const char *body, const char *ctype,
                  char **pout) {
  char *h0 = ctype ? th_fmt("Content-Type: %s", ctype) : NULL;
  const char *h[] = {h0, NULL};
  th_resp r;
  assert_int_equal(th_http(S_srv, method, path, body, body ? strlen(body) : 0, h0 ? h : NULL, &r), 0);
  free(h0);
  long st = r.status;
  if (pout) *pout = strdup(r.body);
  th_resp_free(&r);
  return st;
}

static long S_post(const char *path, const char *json) {
  return S_req("POST", path, json, "application/json", NULL);
}

/* French mentions nobody can answer, each with "vous" (a French stop
 * word, no English one), English ones about a warranty. */
static const char *const S_fr_unanswered[] = {
    "est-ce que vous vendez des trottinettes électriques ?",
    "vous organisez des concerts cet été ?",
    "vous recrutez des stagiaires pour l'été ?",
};

static int S_setup(void **state) {
  (void)state;
  S_data = th_tmpdir();
  const char *extra[] = {"--data", S_data, NULL};
  S_srv = th_serve_kb("kb", extra, &S_index);
  if (!S_srv) return -1;
  for (int i = 0; i < 3; i++) {
    char *b = th_fmt("{\"text\":\"%s\"}", S_fr_unanswered[i]);
    assert_int_equal(S_post("/api/v1/suggest", b), 200);
    free(b);
  }
  assert_int_equal(S_post("/api/v1/suggest", "{\"text\":\"what does the extended warranty cover?\"}"), 200);
  assert_int_equal(S_post("/api/v1/suggest", "{\"text\":\"warranty extension price please\"}"), 200);
  /* actions: French detected from the text, Spanish given, English given */
  assert_int_equal(S_post("/api/v1/feedback", "{\"text\":\"comment je garde mon numéro en changeant d'opérateur\","
                                              "\"slug\":\"keep-your-number\",\"action\":\"sent\"}"), 201);
  assert_int_equal(S_post("/api/v1/feedback", "{\"text\":\"quiero mantener mi número\",\"slug\":\"remove-sim-iphone\","
                                              "\"action\":\"sent\",\"lang\":\"es\"}"), 201);
  assert_int_equal(S_post("/api/v1/feedback", "{\"text\":\"my screen is cracked\",\"slug\":\"cracked-screen\","
                                              "\"action\":\"sent\",\"lang\":\"en\"}"), 201);
  /* the console's form without JavaScript: the card's mention language */
  assert_int_equal(S_req("POST", "/agent/feedback",
                         "text=Handy+kaputt&author=kunde&brand=&collection=default&slug=cracked-screen"
                         "&original=a&reply=a&action=sent&mention_lang=de",
                         "application/x-www-form-urlencoded", NULL), 303);
  /* "did this help?": the API's with its site's language, the German site's form */
  assert_int_equal(S_post("/api/v1/helpful", "{\"slug\":\"keep-your-number\",\"helpful\":false,\"lang\":\"fr\"}"), 202);
  assert_int_equal(S_req("POST", "/de/helpful", "slug=cracked-screen&helpful=yes",
                         "application/x-www-form-urlencoded", NULL), 303);
  /* flags from the console's cards: the card's language, else the text's */
  assert_int_equal(S_req("POST", "/team/flag",
                         "text=mon+forfait&author=bob&collection=default&slug=keep-your-number&reason=outdated"
                         "&mention_lang=fr", "application/x-www-form-urlencoded", NULL), 303);
  assert_int_equal(S_req("POST", "/team/flag",
                         "text=wie+nehme+ich+meine+Rufnummer+mit+wenn+ich+den+Anbieter+wechsle&author=bob"
                         "&collection=default&slug=keep-your-number&reason=wrong",
                         "application/x-www-form-urlencoded", NULL), 303);
  /* stored by the event log's writer within about 200 ms */
  for (int i = 0; i < 50; i++) {
    char *b = NULL;
    S_req("GET", "/api/v1/reports/languages?days=0", NULL, NULL, &b);
    int done = strstr(b, "\"yes\":1") && strstr(b, "\"no\":1");
    free(b);
    if (done) break;
    usleep(100 * 1000);
  }
  return 0;
}

static int S_teardown(void **state) {
  (void)state;
  th_server_stop(S_srv);
  th_rmtree(S_data);
  free(S_data);
  free(S_index);
  return 0;
}

static cJSON *S_report(const char *path) {
  char *body = NULL;
  long st = S_req("GET", path, NULL, NULL, &body);
  if (st != 200) print_error("%s: %ld %s\n", path, st, body);
  assert_int_equal(st, 200);
  cJSON *j = cJSON_Parse(body);
  free(body);
  assert_non_null(j);
  return j;
}

/* The row of language code in the languages report j. */
static cJSON *S_lang_row(cJSON *j, const char *code) {
  cJSON *row;
  cJSON_ArrayForEach(row, cJSON_GetObjectItem(j, "rows"))
    if (!strcmp(cJSON_GetObjectItem(row, "lang")->valuestring, code)) return row;
  fail_msg("no row for %s", code);
  return NULL;
}

static int S_num(cJSON *row, const char *k) { return cJSON_GetObjectItem(row, k)->valueint; }

static void test_languages_side_by_side(void **state) {
  (void)state;
  cJSON *j = S_report("/api/v1/reports/languages?days=0");
  /* every language of the index, the default first */
  assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "rows"), 0), "lang")->valuestring, "en");
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "rows")), 4);
  cJSON *fr = S_lang_row(j, "fr"), *en = S_lang_row(j, "en"), *de = S_lang_row(j, "de"), *es = S_lang_row(j, "es");
  assert_int_equal(S_num(fr, "mentions"), 3);
  assert_int_equal(S_num(en, "mentions"), 2);
  assert_int_equal(S_num(de, "mentions"), 0);
  assert_int_equal(S_num(fr, "sent"), 1); /* detected from its text */
  assert_int_equal(S_num(es, "sent"), 1);
  assert_int_equal(S_num(en, "sent"), 1);
  assert_int_equal(S_num(de, "sent"), 1); /* the console's form */
  assert_int_equal(S_num(fr, "no"), 1);
  assert_int_equal(S_num(de, "yes"), 1);
  assert_int_equal(S_num(en, "yes") + S_num(en, "no"), 0);
  assert_int_equal(S_num(fr, "flags"), 1); /* the card's language */
  assert_int_equal(S_num(de, "flags"), 1); /* detected from the mention */
  assert_int_equal(S_num(en, "flags"), 0);
  cJSON_Delete(j);
  /* the side-by-side figures are every language's, whatever the filter */
  j = S_report("/api/v1/reports/languages?days=0&lang=fr");
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "rows")), 4);
  cJSON_Delete(j);
}

static void test_each_report_filtered(void **state) {
  (void)state;
  cJSON *j = S_report("/api/v1/reports/most-sent?days=0&lang=fr");
  char *s = cJSON_PrintUnformatted(j);
  assert_non_null(strstr(s, "default/keep-your-number"));
  assert_null(strstr(s, "cracked-screen"));
  assert_null(strstr(s, "remove-sim-iphone"));
  free(s);
  cJSON_Delete(j);
  j = S_report("/api/v1/reports/most-sent?days=0&lang=all"); /* "all": every language */
  s = cJSON_PrintUnformatted(j);
  assert_non_null(strstr(s, "default/keep-your-number"));
  assert_non_null(strstr(s, "default/cracked-screen"));
  free(s);
  cJSON_Delete(j);
  /* never sent in Spanish: every topic but the one a Spanish agent sent */
  j = S_report("/api/v1/reports/never-sent?days=0&lang=es");
  s = cJSON_PrintUnformatted(j);
  assert_null(strstr(s, "\"default/remove-sim-iphone\""));
  assert_non_null(strstr(s, "\"default/keep-your-number\""));
  free(s);
  cJSON_Delete(j);
  j = S_report("/api/v1/reports/helpful?days=0&lang=de");
  s = cJSON_PrintUnformatted(j);
  assert_non_null(strstr(s, "default/cracked-screen"));
  assert_null(strstr(s, "keep-your-number"));
  free(s);
  cJSON_Delete(j);
  j = S_report("/api/v1/reports/unanswered?days=0&lang=en");
  s = cJSON_PrintUnformatted(j);
  assert_non_null(strstr(s, "warranty"));
  assert_null(strstr(s, "vous"));
  free(s);
  cJSON_Delete(j);
}

/* A French mention's most telling word is read with French's analyzer:
 * with the default language's, "vous", in all three, was their word. */
static void test_unanswered_word_in_its_language(void **state) {
  (void)state;
  cJSON *j = S_report("/api/v1/reports/unanswered?days=0&lang=fr");
  cJSON *row;
  int examples = 0;
  cJSON_ArrayForEach(row, cJSON_GetObjectItem(j, "rows")) {
    const char *w = cJSON_GetObjectItem(row, "word")->valuestring;
    if (!strcmp(w, "vous") || !strcmp(w, "est") || !strcmp(w, "des")) fail_msg("a French stop word: %s", w);
    examples += cJSON_GetArraySize(cJSON_GetObjectItem(row, "examples"));
  }
  assert_int_equal(examples, 3);
  char *s = cJSON_PrintUnformatted(j);
  assert_null(strstr(s, "warranty"));
  assert_non_null(strstr(s, "\"word\":\"vendez\""));
  free(s);
  cJSON_Delete(j);
}

static void test_page_and_csv(void **state) {
  (void)state;
  static const struct { const char *path, *has, *lacks; } cases[] = {
      /* a French team lead's page: the French account's figures */
      {"/fr/reports?days=0", "<option value=\"fr\" selected>", "extended warranty"},
      {"/fr/reports?days=0", "vous organisez des concerts", NULL},
      {"/fr/reports?days=0", "<label for=\"rlang\">Langue des messages</label>", NULL},
      {"/fr/reports?days=0", "href=\"/fr/reports.csv?days=30&amp;lang=fr\"", NULL},
      {"/fr/reports?days=0", "<th scope=\"row\">allemand</th>", NULL},
      {"/fr/reports?days=0&lang=all", "extended warranty", "<option value=\"fr\" selected>"},
      {"/fr/reports?days=0&lang=all", "<option value=\"all\" selected>", NULL},
      {"/reports?days=0", "extended warranty", "vous organisez"},
      {"/reports?days=0&lang=fr", "vous organisez", "extended warranty"},
      {"/de/reports?days=0", "<h2 id=\"h-languages\">Die Zahlen jeder Sprache nebeneinander</h2>", "vous organisez"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *b = NULL;
    long st = S_req("GET", cases[i].path, NULL, NULL, &b);
    if (st != 200 || (cases[i].has && !strstr(b, cases[i].has)) || (cases[i].lacks && strstr(b, cases[i].lacks)))
      print_error("%s: %ld, has %s, lacks %s\n", cases[i].path, st, cases[i].has ? cases[i].has : "-",
                  cases[i].lacks ? cases[i].lacks : "-");
    assert_int_equal(st, 200);
    if (cases[i].has) assert_non_null(strstr(b, cases[i].has));
    if (cases[i].lacks) assert_null(strstr(b, cases[i].lacks));
    free(b);
  }
  /* the CSV: today's mentions of French only, of every language without lang */
  char *b = NULL;
  assert_int_equal(S_req("GET", "/reports.csv?days=1&lang=fr", NULL, NULL, &b), 200);
  assert_non_null(strstr(b, "\r\n"));
  int m = -1, sent = -1;
  assert_int_equal(sscanf(strstr(b, "\r\n") + 2, "%*10s,%d,%*d,%*d,%d", &m, &sent), 2);
  assert_int_equal(m, 3);
  assert_int_equal(sent, 1);
  free(b);
  assert_int_equal(S_req("GET", "/reports.csv?days=1", NULL, NULL, &b), 200);
  assert_int_equal(sscanf(strstr(b, "\r\n") + 2, "%*10s,%d,%*d,%*d,%d", &m, &sent), 2);
  assert_int_equal(m, 5);
  assert_int_equal(sent, 4);
  free(b);
  /* a language the index does not have: a clear error, nothing stored */
  static const char *const bad[] = {"/reports?lang=xx", "/reports.csv?days=7&lang=xx",
                                    "/api/v1/reports/helpful?lang=xx"};
  for (int i = 0; i < 3; i++) {
    assert_int_equal(S_req("GET", bad[i], NULL, NULL, &b), 400);
    assert_non_null(strstr(b, "\"code\":\"invalid_value\""));
    free(b);
  }
  assert_int_equal(S_req("POST", "/api/v1/feedback", "{\"text\":\"x\",\"slug\":\"cracked-screen\",\"action\":\"sent\",\"lang\":\"xx\"}",
                         "application/json", &b), 400);
  assert_non_null(strstr(b, "\"code\":\"invalid_value\""));
  free(b);
  assert_int_equal(S_req("POST", "/api/v1/helpful", "{\"slug\":\"cracked-screen\",\"helpful\":true,\"lang\":\"xx\"}",
                         "application/json", &b), 400);
  assert_non_null(strstr(b, "\"code\":\"invalid_value\""));
  free(b);
}

static void test_cli(void **state) {
  (void)state;
  char *cmd = th_fmt("%s/kb-report --index %s --data %s --days 0 --lang fr", th_bin_dir(), S_index, S_data);
  char *out = NULL;
  assert_int_equal(th_run(cmd, &out), 0);
  if (!strstr(out, "vous organisez") || strstr(out, "warranty")) print_error("%s\n", out);
  assert_non_null(strstr(out, "vous organisez"));
  assert_null(strstr(out, "warranty"));
  assert_non_null(strstr(out, "Les chiffres de chaque langue, côte à côte\n"));
  assert_non_null(strstr(out, "  fr      messages 3  avec réponse possible 0  envois 1"));
  free(out);
  free(cmd);
  cmd = th_fmt("%s/kb-report --index %s --data %s --days 0", th_bin_dir(), S_index, S_data);
  assert_int_equal(th_run(cmd, &out), 0);
  assert_non_null(strstr(out, "warranty"));
  assert_non_null(strstr(out, "vous organisez"));
  assert_non_null(strstr(out, "  de      mentions 0  answerable 0  sent 1  yes 1  no 0  no_results 0  no_fit 0  flags 1\n"));
  free(out);
  free(cmd);
}

/* A log written before the languages (no lang columns): opened by this
 * server, every row is kept and counts as the default language's. */
static void test_old_log(void **state) {
  (void)state;
  char *dir = th_tmpdir(), *path = th_fmt("%s/feedback.sqlite", dir);
  sqlite3 *db;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db,
      "CREATE TABLE mentions(ts TEXT NOT NULL, text TEXT NOT NULL, collection TEXT, answerable INTEGER NOT NULL, top_slug TEXT);"
      "CREATE TABLE searches(ts TEXT NOT NULL, q TEXT NOT NULL, collection TEXT, total INTEGER NOT NULL);"
      "CREATE TABLE helpful(ts TEXT NOT NULL, collection TEXT NOT NULL, slug TEXT NOT NULL, helpful INTEGER NOT NULL);"
      "CREATE TABLE views(ts TEXT NOT NULL, collection TEXT NOT NULL, slug TEXT NOT NULL);"
      "CREATE TABLE feedback(id INTEGER PRIMARY KEY, ts TEXT NOT NULL, text TEXT NOT NULL, collection TEXT NOT NULL,"
      " slug TEXT NOT NULL, action TEXT NOT NULL, reason TEXT, author TEXT, client_id TEXT);"
      "INSERT INTO mentions VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'), 'old zorbling question', 'default', 0, NULL);"
      "INSERT INTO searches VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'), 'oldqqq', NULL, 0);"
      "INSERT INTO helpful VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'), 'default', 'cracked-screen', 1);"
      "INSERT INTO feedback VALUES(NULL, strftime('%Y-%m-%dT%H:%M:%SZ','now'), 'old send', 'default',"
      " 'cracked-screen', 'sent', NULL, NULL, NULL);", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  /* and a team queue of before, with a flag */
  char *qpath = th_fmt("%s/queue.sqlite", dir);
  assert_int_equal(sqlite3_open(qpath, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db,
      "CREATE TABLE items(id INTEGER PRIMARY KEY, ts TEXT NOT NULL, kind TEXT NOT NULL, collection TEXT, slug TEXT,"
      " reason TEXT, note TEXT, mention TEXT, author TEXT, done INTEGER NOT NULL DEFAULT 0);"
      "INSERT INTO items(ts, kind, collection, slug, reason, mention) VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),"
      " 'flag', 'default', 'cracked-screen', 'wrong', 'old flag');", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  free(qpath);
  /* kb-report reads it as it is, before any server of #20 opened it */
  char *cmd = th_fmt("%s/kb-report --index %s --data %s --days 0 --json languages", th_bin_dir(), S_index, dir);
  char *out = NULL;
  assert_int_equal(th_run(cmd, &out), 0);
  assert_non_null(strstr(out, "{\"lang\":\"en\",\"mentions\":1,\"answerable\":0,\"sent\":1,\"yes\":1,\"no\":0,\"no_results\":1,\"no_fit\":0,\"flags\":1}"));
  free(out);
  free(cmd);
  const char *args[] = {"--index", S_index, "--data", dir, NULL};
  th_server *old = th_server_start(args);
  assert_non_null(old);
  th_resp r;
  assert_int_equal(th_http(old, "GET", "/api/v1/reports/languages?days=0", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "{\"lang\":\"en\",\"mentions\":1,\"answerable\":0,\"sent\":1,\"yes\":1,\"no\":0,\"no_results\":1,\"no_fit\":0,\"flags\":1}"));
  th_resp_free(&r);
  assert_int_equal(th_http(old, "GET", "/api/v1/reports/unanswered?days=0&lang=fr", NULL, 0, NULL, &r), 0);
  assert_null(strstr(r.body, "zorbling"));
  th_resp_free(&r);
  assert_int_equal(th_http(old, "GET", "/api/v1/reports/unanswered?days=0&lang=en", NULL, 0, NULL, &r), 0);
  assert_non_null(strstr(r.body, "zorbling"));
  th_resp_free(&r);
  assert_int_equal(th_server_stop(old), 0);
  /* the tables have their column now, the old rows still there */
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM mentions WHERE lang IS NULL),"
                                          " (SELECT count(*) FROM helpful WHERE lang IS NULL),"
                                          " (SELECT count(*) FROM feedback WHERE lang IS NULL)", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  for (int i = 0; i < 3; i++) assert_int_equal(sqlite3_column_int(st, i), 1);
  sqlite3_finalize(st);
  sqlite3_close(db);
  th_rmtree(dir);
  free(dir);
  free(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_languages_side_by_side),
      cmocka_unit_test(test_each_report_filtered),
      cmocka_unit_test(test_unanswered_word_in_its_language),
      cmocka_unit_test(test_page_and_csv),
      cmocka_unit_test(test_cli),
      cmocka_unit_test(test_old_log),
  };
  return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
