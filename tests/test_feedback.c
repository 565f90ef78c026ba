/*
 * test_feedback.c - POST /api/v1/feedback: stored durably (acknowledged
 * writes survive kill -9), bad input refused, a locked store answers 503
 * and loses nothing, and what agents sent changes later suggestions.
 */
#include "harness.h"

#include "kb_feedback.h"
#include "kb_search.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static th_server *S_srv;
static char *S_dir, *S_data, *S_index;

static th_server *S_start(void) {
  const char *args[] = {"--index", S_index, "--data", S_data, "--quiet", NULL};
  return th_server_start(args);
}

static int S_setup(void **state) {
  (void)state;
  S_dir = th_tmpdir();
  S_data = th_fmt("%s/data", S_dir);
  S_index = th_fmt("%s/kb.sqlite", S_dir);
  char *cmd = th_fmt("mkdir -p %s && %s/kb-index -q tests/fixtures/kb -o %s", S_data, th_bin_dir(), S_index);
  int rc = th_run(cmd, NULL);
  free(cmd);
  S_srv = rc == 0 ? S_start() : NULL;
  return S_srv ? 0 : -1;
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

static long S_post(const char *path, const char *body, cJSON **pj) {
  th_resp r;
  assert_int_equal(th_http(S_srv, "POST", path, body, strlen(body), NULL, &r), 0);
  long st = r.status;
  if (pj) *pj = cJSON_Parse(r.body);
  th_resp_free(&r);
  return st;
}

static long long S_rows(void) {
  char *p = th_fmt("%s/feedback.sqlite", S_data);
  sqlite3 *db;
  long long n = -1;
  if (sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM feedback", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  free(p);
  return n;
}

/* The slugs suggested for text, in order, joined by spaces. */
static char *S_slugs(th_server *srv, const char *text) {
  char *body = th_fmt("{\"text\":\"%s\",\"limit\":5}", text);
  th_resp r;
  assert_int_equal(th_http(srv, "POST", "/api/v1/suggest", body, strlen(body), NULL, &r), 0);
  free(body);
  cJSON *j = cJSON_Parse(r.body), *s;
  th_resp_free(&r);
  char out[1024] = "";
  cJSON_ArrayForEach(s, cJSON_GetObjectItem(j, "suggestions")) {
    strncat(out, cJSON_GetObjectItem(s, "slug")->valuestring, sizeof out - strlen(out) - 2);
    strncat(out, " ", sizeof out - strlen(out) - 1);
  }
  cJSON_Delete(j);
  return strdup(out);
}

/* A fresh install (an empty store) ranks exactly as a server without one. */
static void test_fresh_same_ranking(void **state) {
  (void)state;
  const char *args[] = {"--index", S_index, "--quiet", NULL};
  th_server *plain = th_server_start(args);
  assert_non_null(plain);
  const char *texts[] = {"how do I get the sim out of my iphone", "smashed my screen",
                         "is there a shop in Leeds", "where is my refund", "cafe wifi"};
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
    char *a = S_slugs(S_srv, texts[i]), *b = S_slugs(plain, texts[i]);
    assert_string_equal(a, b);
    free(a);
    free(b);
  }
  th_server_stop(plain);
}

static void test_stored(void **state) {
  (void)state;
  cJSON *j;
  long st = S_post("/api/v1/feedback", "{\"text\":\"sim stuck\",\"slug\":\"remove-sim-iphone\",\"action\":\"sent\",\"author\":\"@jo\"}", &j);
  assert_int_equal(st, 201);
  assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "stored")));
  assert_true(cJSON_GetObjectItem(j, "id")->valueint > 0);
  cJSON_Delete(j);
  assert_int_equal(S_rows(), 1);
}

typedef struct {
  const char *name, *body, *code;
} S_bad;

static const S_bad S_bads[] = {
    {"missing text", "{\"slug\":\"a\",\"action\":\"sent\"}", "missing_field"},
    {"missing slug", "{\"text\":\"x\",\"action\":\"sent\"}", "missing_field"},
    {"missing action", "{\"text\":\"x\",\"slug\":\"a\"}", "missing_field"},
    {"unknown action", "{\"text\":\"x\",\"slug\":\"a\",\"action\":\"liked\"}", "invalid_value"},
    {"slug of wrong type", "{\"text\":\"x\",\"slug\":5,\"action\":\"sent\"}", "wrong_type"},
    {"bad slug", "{\"text\":\"x\",\"slug\":\"../etc\",\"action\":\"sent\"}", "invalid_value"},
    {"bad author", "{\"text\":\"x\",\"slug\":\"a\",\"action\":\"sent\",\"author\":\"two words\"}", "invalid_value"},
    {"not JSON", "text=x", "invalid_json"},
    {"invalid UTF-8", "{\"text\":\"\xff\",\"slug\":\"a\",\"action\":\"sent\"}", "invalid_utf8"},
};

static void test_bad_input(void **state) {
  const S_bad *b = *state;
  long long before = S_rows();
  cJSON *j;
  assert_int_equal(S_post("/api/v1/feedback", b->body, &j), 400);
  assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"), "code")->valuestring, b->code);
  cJSON_Delete(j);
  assert_int_equal(S_rows(), before);
}

/* Agents answered "blorp" mentions with the café Wi-Fi page; a new blorp
 * mention now finds it first, though no article says blorp (and no
 * authored phrase fits it, so the feedback is not held back). */
static void test_learning(void **state) {
  (void)state;
  cJSON *j;
  const char *q = "{\"text\":\"blorp again today\",\"collection\":\"default\",\"limit\":3}";
  assert_int_equal(S_post("/api/v1/suggest", q, &j), 200);
  cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "suggestions"), 0);
  assert_true(!first || strcmp(cJSON_GetObjectItem(first, "slug")->valuestring, "cafe-wifi") != 0);
  cJSON_Delete(j);
  for (int i = 0; i < 3; i++)
    assert_int_equal(S_post("/api/v1/feedback", "{\"text\":\"blorp not connecting in store\",\"slug\":\"cafe-wifi\",\"action\":\"sent\"}", NULL), 201);
  assert_int_equal(S_post("/api/v1/suggest", q, &j), 200);
  first = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "suggestions"), 0);
  assert_non_null(first);
  assert_string_equal(cJSON_GetObjectItem(first, "slug")->valuestring, "cafe-wifi");
  cJSON_Delete(j);
}

/* A locked store: 503, nothing half-written; unlocked: stored again. */
static void test_locked_store(void **state) {
  (void)state;
  char *p = th_fmt("%s/feedback.sqlite", S_data);
  sqlite3 *db;
  assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
  long long before = -1;
  sqlite3_stmt *st;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM feedback", -1, &st, NULL);
  if (sqlite3_step(st) == SQLITE_ROW) before = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  cJSON *j;
  assert_int_equal(S_post("/api/v1/feedback", "{\"text\":\"x\",\"slug\":\"cafe-wifi\",\"action\":\"dismissed\"}", &j), 503);
  assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"), "code")->valuestring, "feedback_unavailable");
  cJSON_Delete(j);
  sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close(db);
  free(p);
  assert_int_equal(S_rows(), before);
  assert_int_equal(S_post("/api/v1/feedback", "{\"text\":\"x\",\"slug\":\"cafe-wifi\",\"action\":\"dismissed\"}", NULL), 201);
  assert_int_equal(S_rows(), before + 1);
}

/* kill -9 during a burst of writes: every acknowledged write is there
 * after a restart. */
static void test_kill9_keeps_acknowledged(void **state) {
  (void)state;
  long long before = S_rows();
  int out[2];
  assert_int_equal(pipe(out), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(out[0]);
    long acked = 0;
    for (int i = 0; i < 100000; i++) {
      th_resp r;
      const char *b = "{\"text\":\"burst of feedback\",\"slug\":\"cafe-wifi\",\"action\":\"sent\"}";
      if (th_http(S_srv, "POST", "/api/v1/feedback", b, strlen(b), NULL, &r) != 0) break;
      if (r.status == 201) {
        acked++;
        char line[32];
        int n = snprintf(line, sizeof line, "%ld\n", acked);
        if (write(out[1], line, (size_t)n) < 0) _exit(1);
      }
      th_resp_free(&r);
    }
    _exit(0);
  }
  close(out[1]);
  /* let some writes through, then kill the server hard */
  char buf[65536];
  size_t got = 0;
  while (got < 300) {
    ssize_t n = read(out[0], buf + got, sizeof buf - got - 1);
    if (n <= 0) break;
    got += (size_t)n;
  }
  assert_int_equal(th_server_signal(S_srv, SIGKILL), 0);
  ssize_t n;
  while ((n = read(out[0], buf + got, sizeof buf - got - 1)) > 0) got += (size_t)n;
  buf[got] = 0;
  waitpid(pid, NULL, 0);
  close(out[0]);
  long acked = 0;
  for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) acked = atol(l);
  th_server_stop(S_srv); /* reaps the killed process */
  S_srv = S_start();
  assert_non_null(S_srv);
  long long after = S_rows();
  print_message("# kill -9 after %ld acknowledged writes: %lld rows stored\n", acked, after - before);
  assert_true(acked > 0);
  assert_true(after - before >= acked);
}

#define S_NBAD (sizeof S_bads / sizeof *S_bads)

/* Learning can be reset: everything learned is forgotten, and the
 * ranking is the text ranking again. */
static void test_reset(void **state) {
  (void)state;
  th_resp r;
  assert_int_equal(th_http(S_srv, "DELETE", "/api/v1/feedback", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "\"reset\":true"));
  th_resp_free(&r);
  assert_int_equal(S_rows(), 0);
  const char *args[] = {"--index", S_index, "--quiet", NULL};
  th_server *plain = th_server_start(args);
  char *a = S_slugs(S_srv, "blorp again today"), *b = S_slugs(plain, "blorp again today");
  assert_string_equal(a, b);
  free(a);
  free(b);
  th_server_stop(plain);
}

/* The evidence for text from store f: how many articles, and each one's
 * slug and match written into out. */
static int S_evidence(kb_feedback *f, kb_index *ix, const char *text, char *out, size_t n) {
  kb_evidence ev[10];
  kb_query_strings qs;
  kb_index_query_strings(ix, text, strlen(text), &qs);
  int k = kb_feedback_evidence(f, &qs, "default", ev, 10);
  kb_query_strings_cleanup(&qs);
  out[0] = 0;
  for (int i = 0; i < k; i++)
    snprintf(out + strlen(out), n - strlen(out), "%s %.17g;", ev[i].slug, ev[i].match);
  return k;
}

/* The learned mentions' document frequencies are counted as each mention
 * is stored (not by FTS5 at query time): a store read back from disk,
 * where they come from FTS5's own vocabulary, gives the same evidence to
 * the last digit; a reset forgets them. */
static void test_learned_terms(void **state) {
  (void)state;
  char err[256];
  char *path = th_fmt("%s/learned.sqlite", S_dir);
  kb_index *ix = kb_index_open(S_index, err, sizeof err);
  assert_non_null(ix);
  kb_feedback *f = kb_feedback_open(path, "en", err, sizeof err);
  assert_non_null(f);
  static const char *const sent[][2] = {
      {"Blorp BLORP blorping in the store again 😩 #WiFiDown", "cafe-wifi"},
      {"wifi wifi wifi in the cafe is running slow, it runs and ran", "cafe-wifi"},
      {"my sim is stuck in the iphone, \"help\" pls", "remove-sim-iphone"},
      {"store wifi keeps dropping", "find-a-store"}};
  for (size_t i = 0; i < sizeof sent / sizeof *sent; i++)
    assert_int_equal(kb_feedback_add(f, sent[i][0], NULL, sent[i][1], "sent", NULL, NULL, NULL,
                                     err, sizeof err), KB_FEEDBACK_OK);
  assert_int_equal(kb_feedback_add(f, "zorp wifi", NULL, "cafe-wifi", "dismissed", NULL, NULL,
                                   NULL, err, sizeof err), KB_FEEDBACK_OK);
  const char *q = "blorp wifi running in the store, sim \"stuck\"";
  char live[1024], reread[1024];
  int k = S_evidence(f, ix, q, live, sizeof live);
  assert_true(k >= 3);
  kb_feedback_close(f);
  f = kb_feedback_open(path, "en", err, sizeof err);
  assert_non_null(f);
  assert_int_equal(S_evidence(f, ix, q, reread, sizeof reread), k);
  assert_string_equal(live, reread);
  assert_int_equal(kb_feedback_reset(f, err, sizeof err), KB_FEEDBACK_OK);
  assert_int_equal(S_evidence(f, ix, q, live, sizeof live), 0);
  assert_int_equal(kb_feedback_add(f, sent[0][0], NULL, sent[0][1], "sent", NULL, NULL, NULL,
                                   err, sizeof err), KB_FEEDBACK_OK);
  assert_int_equal(S_evidence(f, ix, "blorp", live, sizeof live), 1);
  kb_feedback_close(f);
  kb_index_close(ix);
  free(path);
}

/* A client id makes a retry a no-op; a given id (a shared store's) is
 * kept and not stored twice; a store of version 1 (no client_id) is
 * brought up to date and keeps its rows; a newer one is refused. */
static void test_client_ids_and_versions(void **state) {
  (void)state;
  char err[256];
  char *path = th_fmt("%s/ids.sqlite", S_dir);
  sqlite3 *db;
  /* a version-1 store as kb-serve wrote it before client ids */
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "CREATE TABLE feedback(id INTEGER PRIMARY KEY, ts TEXT NOT NULL,"
                                    " text TEXT NOT NULL, collection TEXT NOT NULL, slug TEXT NOT NULL,"
                                    " action TEXT NOT NULL, reason TEXT, author TEXT);"
                                    "INSERT INTO feedback VALUES(7,'2026-01-01T00:00:00Z','old one',"
                                    "'default','cafe-wifi','dismissed',NULL,NULL);",
                                NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  kb_feedback *f = kb_feedback_open(path, "en", err, sizeof err);
  assert_non_null(f);
  assert_int_equal(kb_feedback_count(f), 1);
  kb_feedback_row row = {.text = "wifi down again", .slug = "cafe-wifi", .action = "sent",
                         .client_id = "tweet-1"};
  long long a = 0, b = 0;
  int dup = -1;
  assert_int_equal(kb_feedback_put(f, &row, &a, &dup, err, sizeof err), KB_FEEDBACK_OK);
  assert_int_equal(dup, 0);
  assert_int_equal(kb_feedback_put(f, &row, &b, &dup, err, sizeof err), KB_FEEDBACK_OK);
  assert_int_equal(dup, 1);
  assert_true(a > 7 && a == b);
  kb_feedback_row given = {.id = 1000, .ts = "2026-02-02T00:00:00Z", .text = "cafe wifi",
                           .slug = "cafe-wifi", .action = "sent"};
  assert_int_equal(kb_feedback_put_rows(f, &given, 1, err, sizeof err), KB_FEEDBACK_OK);
  assert_int_equal(kb_feedback_put_rows(f, &given, 1, err, sizeof err), KB_FEEDBACK_OK);
  assert_int_equal(kb_feedback_count(f), 3);
  kb_feedback_close(f);
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 9", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  assert_null(kb_feedback_open(path, "en", err, sizeof err));
  assert_non_null(strstr(err, "newer"));
  free(path);
}

/* Each article keeps its newest learned mentions (here 2): an older one
 * is no longer evidence, its row stays, and the term counts follow (a
 * store read back gives the same evidence). */
static void test_bounded_learning(void **state) {
  (void)state;
  char err[256], live[512], reread[512];
  char *path = th_fmt("%s/bounded.sqlite", S_dir);
  kb_index *ix = kb_index_open(S_index, err, sizeof err);
  assert_non_null(ix);
  setenv("KB_FEEDBACK_PER_ARTICLE", "2", 1);
  kb_feedback *f = kb_feedback_open(path, "en", err, sizeof err);
  assert_non_null(f);
  const char *said[] = {"zorblax one", "quuxing two", "frobnic three"};
  for (int i = 0; i < 3; i++)
    assert_int_equal(kb_feedback_add(f, said[i], NULL, "cafe-wifi", "sent", NULL, NULL, NULL, err,
                                     sizeof err), KB_FEEDBACK_OK);
  assert_int_equal(kb_feedback_count(f), 3);
  assert_int_equal(S_evidence(f, ix, "zorblax", live, sizeof live), 0);
  assert_int_equal(S_evidence(f, ix, "frobnic quuxing", live, sizeof live), 1);
  kb_feedback_optimize(f);
  assert_int_equal(S_evidence(f, ix, "zorblax", reread, sizeof reread), 0);
  kb_feedback_close(f);
  f = kb_feedback_open(path, "en", err, sizeof err);
  assert_non_null(f);
  assert_int_equal(S_evidence(f, ix, "frobnic quuxing", reread, sizeof reread), 1);
  assert_string_equal(live, reread);
  kb_feedback_close(f);
  unsetenv("KB_FEEDBACK_PER_ARTICLE");
  kb_index_close(ix);
  free(path);
}

/* Loading rows raw and relearning once builds what storing them one by
 * one builds: the same evidence to the last digit (older mentions past
 * an article's quota gone, the term counts and the priors the same), and
 * nothing is learned from a raw load before the relearn. A store opened
 * with another quota is relearned. */
static void test_relearn_same_as_put(void **state) {
  (void)state;
  char err[256], one[1024], bulk[1024];
  char *pa = th_fmt("%s/one-by-one.sqlite", S_dir), *pb = th_fmt("%s/bulk.sqlite", S_dir);
  kb_index *ix = kb_index_open(S_index, err, sizeof err);
  assert_non_null(ix);
  setenv("KB_FEEDBACK_PER_ARTICLE", "2", 1);
  kb_feedback *a = kb_feedback_open(pa, "en", err, sizeof err);
  kb_feedback *b = kb_feedback_open(pb, "en", err, sizeof err);
  assert_non_null(a);
  assert_non_null(b);
  static const char *const said[][3] = {
      {"zorblax wifi one", "cafe-wifi", "sent"},       {"quuxing wifi two", "cafe-wifi", "edited"},
      {"wifi dismissed zorblax", "cafe-wifi", "dismissed"},
      {"frobnic wifi three", "cafe-wifi", "sent"},     {"zorblax sim stuck", "remove-sim-iphone", "sent"},
      {"sim quuxing again", "remove-sim-iphone", "sent"}, {"store zorblax", "find-a-store", "sent"}};
  kb_feedback_row rows[7];
  for (int i = 0; i < 7; i++) {
    rows[i] = (kb_feedback_row){.text = said[i][0], .slug = said[i][1], .action = said[i][2]};
    assert_int_equal(kb_feedback_put(a, &rows[i], NULL, NULL, err, sizeof err), KB_FEEDBACK_OK);
  }
  assert_int_equal(kb_feedback_load_rows(b, rows, 7, err, sizeof err), KB_FEEDBACK_OK);
  assert_int_equal(kb_feedback_count(b), 7);
  assert_int_equal(S_evidence(b, ix, "zorblax quuxing frobnic", bulk, sizeof bulk), 0);
  assert_true(kb_feedback_prior(b, "default", "cafe-wifi") == 0);
  assert_int_equal(kb_feedback_relearn(b, err, sizeof err), KB_FEEDBACK_OK);
  const char *asked[] = {"zorblax", "quuxing wifi", "frobnic", "sim stuck", "zorblax store wifi"};
  for (int i = 0; i < 5; i++) {
    int ka = S_evidence(a, ix, asked[i], one, sizeof one);
    int kb = S_evidence(b, ix, asked[i], bulk, sizeof bulk);
    assert_int_equal(ka, kb);
    assert_string_equal(one, bulk);
  }
  /* the quota: "zorblax wifi one" fell out of cafe-wifi's newest two */
  assert_null(strstr((S_evidence(b, ix, "zorblax", bulk, sizeof bulk), bulk), "cafe-wifi"));
  assert_true(kb_feedback_prior(b, "default", "cafe-wifi") > 0);
  assert_true(kb_feedback_prior(a, "default", "cafe-wifi") == kb_feedback_prior(b, "default", "cafe-wifi"));
  assert_true(kb_feedback_prior(a, "default", "find-a-store") == kb_feedback_prior(b, "default", "find-a-store"));
  kb_feedback_close(b);
  b = kb_feedback_open(pb, "en", err, sizeof err); /* read back: the same */
  assert_non_null(b);
  S_evidence(b, ix, "zorblax store wifi", bulk, sizeof bulk);
  S_evidence(a, ix, "zorblax store wifi", one, sizeof one);
  assert_string_equal(one, bulk);
  kb_feedback_close(a);
  kb_feedback_close(b);
  /* another quota at open: relearned from the rows, the older mention back */
  setenv("KB_FEEDBACK_PER_ARTICLE", "0", 1);
  b = kb_feedback_open(pb, "en", err, sizeof err);
  assert_non_null(b);
  S_evidence(b, ix, "zorblax", bulk, sizeof bulk);
  assert_non_null(strstr(bulk, "cafe-wifi"));
  kb_feedback_close(b);
  unsetenv("KB_FEEDBACK_PER_ARTICLE");
  kb_index_close(ix);
  free(pa);
  free(pb);
}

/* Sends article slug of collection k times. */
static void S_send(kb_feedback *f, const char *collection, const char *slug, int k) {
  char err[256];
  for (int i = 0; i < k; i++)
    assert_int_equal(kb_feedback_add(f, "my wifi keeps dropping", collection, slug, "sent", NULL,
                                     NULL, NULL, err, sizeof err), KB_FEEDBACK_OK);
}

/* The popularity prior depends on proportions, not on the store's size:
 * the same sends stored three times give the same priors; more sends of
 * one article raise it and lower the others; a dismissal is no send; a
 * store read back from disk gives the same priors; each collection has
 * its own scale; a reset forgets them. */
static void test_prior_scale(void **state) {
  (void)state;
  char err[256];
  char *path = th_fmt("%s/prior.sqlite", S_dir);
  kb_feedback *f = kb_feedback_open(path, "en", err, sizeof err);
  assert_non_null(f);
  assert_true(kb_feedback_prior(f, "a", "x") == 0);
  S_send(f, "a", "x", 3);
  S_send(f, "a", "y", 1);
  S_send(f, "b", "x", 1);
  assert_int_equal(kb_feedback_add(f, "wifi", "a", "z", "dismissed", NULL, NULL, NULL, err,
                                   sizeof err), KB_FEEDBACK_OK);
  double x1 = kb_feedback_prior(f, "a", "x"), y1 = kb_feedback_prior(f, "a", "y");
  /* an average article of "a" was sent twice: 3 / (3 + 8), 1 / (1 + 8) */
  assert_true(fabs(x1 - 3.0 / 11) < 1e-12);
  assert_true(fabs(y1 - 1.0 / 9) < 1e-12);
  assert_true(kb_feedback_prior(f, "a", "z") == 0);
  assert_true(fabs(kb_feedback_prior(f, "b", "x") - 0.2) < 1e-12);
  for (int r = 0; r < 2; r++) {
    S_send(f, "a", "x", 3);
    S_send(f, "a", "y", 1);
  }
  assert_true(fabs(kb_feedback_prior(f, "a", "x") - x1) < 1e-12);
  assert_true(fabs(kb_feedback_prior(f, "a", "y") - y1) < 1e-12);
  S_send(f, "a", "x", 4);
  assert_true(kb_feedback_prior(f, "a", "x") > x1);
  assert_true(kb_feedback_prior(f, "a", "y") < y1);
  double x2 = kb_feedback_prior(f, "a", "x");
  kb_feedback_close(f);
  f = kb_feedback_open(path, "en", err, sizeof err);
  assert_non_null(f);
  assert_true(fabs(kb_feedback_prior(f, "a", "x") - x2) < 1e-12);
  assert_true(fabs(kb_feedback_prior(f, "b", "x") - 0.2) < 1e-12);
  assert_int_equal(kb_feedback_reset(f, err, sizeof err), KB_FEEDBACK_OK);
  assert_true(kb_feedback_prior(f, "a", "x") == 0);
  S_send(f, "a", "y", 1);
  assert_true(fabs(kb_feedback_prior(f, "a", "y") - 0.2) < 1e-12);
  kb_feedback_close(f);
  free(path);
}

/* A page on another site cannot write (issue #18, 5): with no keys set,
 * a browser posting text/plain or a form from evil.example used to get
 * 201. Writes now need application/json, and an Origin, when sent, must
 * be the server's own. */
static void test_cross_site(void **state) {
  (void)state;
  const char *b = "{\"text\":\"evil\",\"slug\":\"cafe-wifi\",\"action\":\"sent\"}";
  long long before = S_rows();
  const char *plain[] = {"Content-Type: text/plain", "Origin: http://evil.example", NULL};
  const char *form[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
  const char *evil_json[] = {"Content-Type: application/json", "Origin: http://evil.example", NULL};
  th_resp r;
  assert_int_equal(th_http(S_srv, "POST", "/api/v1/feedback", b, strlen(b), plain, &r), 0);
  assert_int_equal(r.status, 403);
  th_resp_free(&r);
  assert_int_equal(th_http(S_srv, "POST", "/api/v1/feedback", b, strlen(b), form, &r), 0);
  assert_int_equal(r.status, 415);
  th_resp_free(&r);
  assert_int_equal(th_http(S_srv, "POST", "/api/v1/feedback", b, strlen(b), evil_json, &r), 0);
  assert_int_equal(r.status, 403);
  th_resp_free(&r);
  assert_int_equal(th_http(S_srv, "DELETE", "/api/v1/feedback", NULL, 0, evil_json, &r), 0);
  assert_int_equal(r.status, 403);
  th_resp_free(&r);
  const char *h = "{\"slug\":\"cafe-wifi\",\"helpful\":true}";
  const char *plain_h[] = {"Content-Type: text/plain", NULL};
  assert_int_equal(th_http(S_srv, "POST", "/api/v1/helpful", h, strlen(h), plain_h, &r), 0);
  assert_int_equal(r.status, 415);
  th_resp_free(&r);
  assert_int_equal(th_http(S_srv, "POST", "/api/v1/suggest", "{\"text\":\"sim\"}", 14, evil_json, &r), 0);
  assert_int_equal(r.status, 403);
  th_resp_free(&r);
  const char *evil_form[] = {"Content-Type: application/x-www-form-urlencoded", "Origin: http://evil.example", NULL};
  const char *fb = "slug=cafe-wifi&helpful=yes";
  assert_int_equal(th_http(S_srv, "POST", "/helpful", fb, strlen(fb), evil_form, &r), 0);
  assert_int_equal(r.status, 403);
  th_resp_free(&r);
  assert_int_equal(S_rows(), before);
  /* the server's own pages may, by any of its loopback names */
  char *own = th_fmt("Origin: http://localhost:%d", th_server_port(S_srv));
  const char *ok[] = {"Content-Type: application/json; charset=utf-8", own, NULL};
  assert_int_equal(th_http(S_srv, "POST", "/api/v1/feedback", b, strlen(b), ok, &r), 0);
  assert_int_equal(r.status, 201);
  th_resp_free(&r);
  free(own);
  assert_int_equal(S_rows(), before + 1);
}

/* Feedback about an article the index does not have is refused, and
 * /metrics counts 201s as 201s, not "other" (issue #18, 10). */
static void test_unknown_slug_and_metrics(void **state) {
  (void)state;
  long long before = S_rows();
  assert_int_equal(S_post("/api/v1/feedback", "{\"text\":\"x\",\"slug\":\"no-such-article\",\"action\":\"sent\"}", NULL), 404);
  assert_int_equal(S_rows(), before);
  assert_int_equal(S_post("/api/v1/feedback", "{\"text\":\"x\",\"slug\":\"cafe-wifi\",\"action\":\"sent\"}", NULL), 201);
  assert_int_equal(S_post("/api/v1/helpful", "{\"slug\":\"cafe-wifi\",\"helpful\":true}", NULL), 202);
  th_resp r;
  assert_int_equal(th_http(S_srv, "GET", "/metrics", NULL, 0, NULL, &r), 0);
  assert_non_null(strstr(r.body, "kb_requests_total{route=\"feedback\",status=\"201\"}"));
  assert_non_null(strstr(r.body, "kb_requests_total{route=\"helpful\",status=\"202\"}"));
  th_resp_free(&r);
}

/* Strict JSON on the write routes too (issue #18, 8), a leading NUL
 * and a BOM included; nothing stored. */
static void test_strict_json(void **state) {
  (void)state;
  static const char fb[] = "{\"text\":\"x\",\"slug\":\"cafe-wifi\",\"action\":\"sent\"}";
  static const char hp[] = "{\"slug\":\"cafe-wifi\",\"helpful\":true}";
  long long before = S_rows();
  for (int route = 0; route < 2; route++) {
    const char *path = route ? "/api/v1/helpful" : "/api/v1/feedback";
    const char *good = route ? hp : fb;
    char *cases[4];
    size_t lens[4];
    cases[0] = th_fmt("%s xyz", good);
    cases[1] = th_fmt("\xEF\xBB\xBF%s", good);
    cases[2] = th_fmt("#%s", good);
    cases[2][0] = 0; /* a leading NUL */
    cases[3] = th_fmt("%.*s\x02\"}", (int)strlen(good) - 2, good);
    for (int i = 0; i < 4; i++) lens[i] = i == 2 ? strlen(good) + 1 : strlen(cases[i]);
    for (int i = 0; i < 4; i++) {
      th_resp r;
      assert_int_equal(th_http(S_srv, "POST", path, cases[i], lens[i], NULL, &r), 0);
      if (r.status != 400) print_error("%s case %d: %ld %s\n", path, i, r.status, r.body);
      assert_int_equal(r.status, 400);
      th_resp_free(&r);
      free(cases[i]);
    }
  }
  assert_int_equal(S_rows(), before);
}

int main(void) {
  static const struct CMUnitTest head[] = {cmocka_unit_test(test_fresh_same_ranking),
                                           cmocka_unit_test(test_stored)};
  static const struct CMUnitTest tail[] = {
      cmocka_unit_test(test_learning),
      cmocka_unit_test(test_locked_store),
      cmocka_unit_test(test_kill9_keeps_acknowledged),
      cmocka_unit_test(test_reset),
      cmocka_unit_test(test_learned_terms),
      cmocka_unit_test(test_client_ids_and_versions),
      cmocka_unit_test(test_bounded_learning),
      cmocka_unit_test(test_relearn_same_as_put),
      cmocka_unit_test(test_prior_scale),
      cmocka_unit_test(test_cross_site),
      cmocka_unit_test(test_strict_json),
      cmocka_unit_test(test_unknown_slug_and_metrics),
  };
  struct CMUnitTest tests[2 + S_NBAD + sizeof tail / sizeof *tail];
  size_t k = 0;
  tests[k++] = head[0];
  tests[k++] = head[1];
  for (size_t i = 0; i < S_NBAD; i++)
    tests[k++] = (struct CMUnitTest){S_bads[i].name, test_bad_input, NULL, NULL, (void *)&S_bads[i]};
  for (size_t i = 0; i < sizeof tail / sizeof *tail; i++) tests[k++] = tail[i];
  return _cmocka_run_group_tests("feedback", tests, k, S_setup, S_teardown);
}
