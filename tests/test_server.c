/*
 * test_server.c - kb-serve over real HTTP on a loopback port: every route,
 * every error, replies that fit a tweet, the town deep link, metrics, the
 * access log and a clean stop on SIGTERM.
 */
#include "harness.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kb_json.h"
#include "kb_util.h"
#include "kb_tweet.h"

static char *S_index;
static th_server *S_srv;

static int S_setup(void **state) {
  (void)state;
  S_srv = th_serve_kb("tests/fixtures/kb", NULL, &S_index);
  return S_srv ? 0 : -1;
}

static int S_teardown(void **state) {
  (void)state;
  int rc = S_srv ? th_server_stop(S_srv) : 0;
  free(S_index);
  return rc == 0 ? 0 : -1;
}

/* POSTs a JSON body to /api/v1/suggest; returns the parsed response. */
static cJSON *S_suggest(const char *body, long *status) {
  th_resp r;
  const char *h[] = {"Content-Type: application/json", NULL};
  assert_int_equal(th_http(S_srv, "POST", "/api/v1/suggest", body, strlen(body), h, &r), 0);
  *status = r.status;
  cJSON *j = cJSON_Parse(r.body);
  if (!j) print_error("not JSON: %s\n", r.body);
  th_resp_free(&r);
  return j;
}

static const char *S_str(cJSON *o, const char *k) {
  cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static cJSON *S_first(cJSON *j) {
  return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "suggestions"), 0);
}

/*--- Happy paths ---------------------------------------------------------*/

static void test_healthz(void **state) {
  (void)state;
  th_resp r;
  assert_int_equal(th_http(S_srv, "GET", "/healthz", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  cJSON *j = cJSON_Parse(r.body);
  assert_string_equal(S_str(j, "status"), "ok");
  assert_int_equal(cJSON_GetObjectItem(j, "articles")->valueint, 12);
  assert_int_equal(strlen(S_str(j, "built")), 20);
  cJSON_Delete(j);
  th_resp_free(&r);
}

static void test_suggest_basic(void **state) {
  (void)state;
  long st;
  cJSON *j = S_suggest("{\"text\":\"how do I get the sim out of my iphone?? @PhoneRetailer\",\"author\":\"@jo_bloggs\",\"limit\":2}", &st);
  assert_int_equal(st, 200);
  cJSON *s = S_first(j);
  assert_non_null(s);
  assert_string_equal(S_str(s, "slug"), "remove-sim-iphone");
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "suggestions")), 2);
  assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "answerable")));
  const char *reply = S_str(s, "reply");
  assert_non_null(reply);
  assert_int_equal(strncmp(reply, "@jo_bloggs ", 11), 0);
  char *url = th_fmt("http://127.0.0.1:%d/help/remove-sim-iphone", th_server_port(S_srv));
  assert_string_equal(S_str(s, "url"), url);
  assert_non_null(strstr(reply, url));
  free(url);
  int len = cJSON_GetObjectItem(s, "reply_length")->valueint;
  assert_int_equal(len, kb_tweet_length(reply, strlen(reply)));
  assert_true(len <= 280);
  assert_true(cJSON_IsNumber(cJSON_GetObjectItem(s, "confidence")));
  assert_true(cJSON_IsNull(cJSON_GetObjectItem(s, "escalate")));
  assert_true(cJSON_IsNumber(cJSON_GetObjectItem(j, "took_ms")));
  cJSON_Delete(j);
}

/* A mention addressed to a brand's handle searches that brand's articles;
 * without it the default collection's article wins. */
static void test_suggest_addressed_to_brand(void **state) {
  (void)state;
  long st;
  cJSON *j = S_suggest("{\"text\":\"@acmehelp sim tray stuck\"}", &st);
  assert_int_equal(st, 200);
  cJSON *s = S_first(j);
  assert_string_equal(S_str(s, "collection"), "AcmeHelp");
  assert_string_equal(S_str(s, "slug"), "acme-sim");
  char *url = th_fmt("http://127.0.0.1:%d/help/AcmeHelp/acme-sim", th_server_port(S_srv));
  assert_string_equal(S_str(s, "url"), url);
  free(url);
  cJSON_Delete(j);
  j = S_suggest("{\"text\":\"@acmehelp sim tray stuck\",\"collection\":\"default\"}", &st);
  assert_string_equal(S_str(S_first(j), "collection"), "default");
  cJSON_Delete(j);
}

/* A mention that names a phone of one platform is not answered first with
 * the other platform's article. */
static void test_suggest_platform(void **state) {
  (void)state;
  long st;
  cJSON *j = S_suggest("{\"text\":\"sim tray stuck, how do i get my sim out\",\"collection\":\"default\"}", &st);
  assert_string_equal(S_str(S_first(j), "slug"), "remove-sim-iphone");
  cJSON_Delete(j);
  j = S_suggest("{\"text\":\"sim tray stuck on my Nokia, how do i get my sim out\",\"collection\":\"default\"}", &st);
  assert_string_equal(S_str(S_first(j), "slug"), "remove-sim-android");
  cJSON_Delete(j);
}

static void test_suggest_escalate(void **state) {
  (void)state;
  long st;
  cJSON *j = S_suggest("{\"text\":\"still waiting for my refund, where is my money back\"}", &st);
  assert_int_equal(st, 200);
  cJSON *s = S_first(j);
  assert_string_equal(S_str(s, "slug"), "refund-status");
  assert_string_equal(S_str(s, "escalate"), "dm");
  assert_non_null(strstr(S_str(s, "reply"), "DM"));
  cJSON_Delete(j);
}

static void test_suggest_nothing_fits(void **state) {
  (void)state;
  long st;
  cJSON *j = S_suggest("{\"text\":\"who else is watching the match tonight lol\"}", &st);
  assert_int_equal(st, 200);
  assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "answerable")));
  cJSON_Delete(j);
}

/* Praise matches an off-topic page: not answerable, and the off-topic
 * page itself is never suggested. */
static void test_suggest_offtopic(void **state) {
  (void)state;
  long st;
  cJSON *j = S_suggest("{\"text\":\"great service, brilliant staff, thank you!\"}", &st);
  assert_int_equal(st, 200);
  assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "answerable")));
  /* nothing fits: the abstention, from its own model, says so */
  assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "nothing_fits")));
  assert_true(cJSON_GetObjectItem(j, "fits")->valuedouble < 0.5);
  cJSON *s;
  cJSON_ArrayForEach(s, cJSON_GetObjectItem(j, "suggestions"))
    assert_string_not_equal(S_str(s, "slug"), "offtopic-praise");
  cJSON_Delete(j);
}

static void test_deep_link_store_town(void **state) {
  (void)state;
  long st;
  cJSON *j = S_suggest("{\"text\":\"is there a shop in Leeds?\",\"author\":\"sam\"}", &st);
  assert_int_equal(st, 200);
  cJSON *s = S_first(j);
  assert_string_equal(S_str(s, "slug"), "find-a-store");
  char *url = th_fmt("http://127.0.0.1:%d/help/store-leeds", th_server_port(S_srv));
  assert_string_equal(S_str(s, "url"), url);
  assert_non_null(strstr(S_str(s, "reply"), url));
  cJSON *place = cJSON_GetObjectItem(j, "place");
  assert_string_equal(S_str(place, "name"), "Leeds");
  assert_string_equal(S_str(place, "store"), "store-leeds");
  /* the store's page answers it: answerable, however short the question */
  assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "answerable")));
  free(url);
  cJSON_Delete(j);
  /* praise that names the town's store is still not answerable */
  j = S_suggest("{\"text\":\"thank you so much to the brilliant staff in your Leeds shop\"}", &st);
  assert_int_equal(st, 200);
  assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "answerable")));
  cJSON_Delete(j);
}

/* A mention that only states something (praise for a repair) is not
 * answerable, though it has the screen article's words; asked as a
 * question, the same words are. */
static void test_statement_not_answerable(void **state) {
  (void)state;
  long st;
  cJSON *j = S_suggest("{\"text\":\"the screen repair was quick, good as new\"}", &st);
  assert_int_equal(st, 200);
  assert_string_equal(S_str(S_first(j), "slug"), "cracked-screen");
  assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "answerable")));
  cJSON_Delete(j);
  j = S_suggest("{\"text\":\"how much is a screen repair\"}", &st);
  assert_int_equal(st, 200);
  assert_string_equal(S_str(S_first(j), "slug"), "cracked-screen");
  assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "answerable")));
  /* answerable implies that something fits */
  assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "nothing_fits")));
  assert_true(cJSON_GetObjectItem(j, "fits")->valuedouble >= 0.5);
  cJSON_Delete(j);
}

static void test_deep_link_town_without_store(void **state) {
  (void)state;
  long st;
  cJSON *j = S_suggest("{\"text\":\"nearest store to harrogate?\"}", &st);
  assert_int_equal(st, 200);
  cJSON *s = S_first(j);
  assert_string_equal(S_str(s, "slug"), "find-a-store");
  char *url = th_fmt("http://127.0.0.1:%d/stores?near=harrogate", th_server_port(S_srv));
  assert_string_equal(S_str(s, "url"), url);
  free(url);
  cJSON_Delete(j);
  /* "bath" as an everyday word is not a town */
  j = S_suggest("{\"text\":\"dropped my phone in the bath, nearest store?\"}", &st);
  assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "place")));
  cJSON_Delete(j);
}

/* A reply built from a long title (house template) still fits, and the
 * URL is never cut. */
static void S_check_fits(const char *text, const char *slug) {
  long st;
  char *body = th_fmt("{\"text\":\"%s\",\"author\":\"abcdefghijklmno\",\"limit\":10}", text);
  cJSON *j = S_suggest(body, &st);
  free(body);
  assert_int_equal(st, 200);
  cJSON *arr = cJSON_GetObjectItem(j, "suggestions"), *s;
  int found = 0;
  cJSON_ArrayForEach(s, arr) {
    if (strcmp(S_str(s, "slug"), slug)) continue;
    found = 1;
    const char *reply = S_str(s, "reply");
    int len = cJSON_GetObjectItem(s, "reply_length")->valueint;
    assert_int_equal(len, kb_tweet_length(reply, strlen(reply)));
    assert_true(len <= 280);
    assert_true(len >= 200); /* shortened, not emptied */
    assert_non_null(strstr(reply, S_str(s, "url")));
    assert_int_equal(strncmp(reply, "@abcdefghijklmno ", 17), 0);
  }
  assert_true(found);
  cJSON_Delete(j);
}

/* Every suggestion's reply is its own (one buffer serves a suggest's
 * replies): the handle, the suggestion's link, its counted length. */
static void test_replies_each_their_own(void **state) {
  (void)state;
  long st;
  cJSON *j = S_suggest("{\"text\":\"how do i remove the sim card from my phone\","
                       "\"author\":\"sam_1\",\"limit\":5}", &st);
  assert_int_equal(st, 200);
  cJSON *arr = cJSON_GetObjectItem(j, "suggestions"), *s;
  int n = 0;
  cJSON_ArrayForEach(s, arr) {
    const char *reply = S_str(s, "reply");
    assert_int_equal(strncmp(reply, "@sam_1 ", 7), 0);
    assert_non_null(strstr(reply, S_str(s, "url")));
    assert_int_equal(cJSON_GetObjectItem(s, "reply_length")->valueint, kb_tweet_length(reply, strlen(reply)));
    n++;
  }
  assert_true(n >= 2);
  cJSON_Delete(j);
}

/* The head of each listed article ({"slug", "collection", "title",
 * "url") is its fields escaped as kb_buf_put_json() escapes them, in
 * suggest and search alike, the first time a row is shown and every
 * later time (the first three kept with the row: kb_api.c S_row_head()). */
static void S_heads_escaped(const char *method, const char *path, const char *body,
                            const char *list) {
  for (int pass = 0; pass < 3; pass++) {
    th_resp r;
    const char *h[] = {"Content-Type: application/json", NULL};
    assert_int_equal(th_http(S_srv, method, path, body, body ? strlen(body) : 0, h, &r), 0);
    assert_int_equal(r.status, 200);
    cJSON *j = cJSON_Parse(r.body), *s;
    int n = 0;
    cJSON_ArrayForEach(s, cJSON_GetObjectItem(j, list)) {
      kb_buf want = KB_BUF_INIT;
      const char *k[] = {"slug", "collection", "title", "url"};
      for (int i = 0; i < 4; i++) {
        kb_buf_puts(&want, i ? ",\"" : "{\"");
        kb_buf_puts(&want, k[i]);
        kb_buf_puts(&want, "\":");
        kb_buf_put_json(&want, S_str(s, k[i]), strlen(S_str(s, k[i])));
      }
      kb_buf_putc(&want, ',');
      if (!strstr(r.body, kb_buf_str(&want))) print_error("%s not in %s\n", kb_buf_str(&want), r.body);
      assert_non_null(strstr(r.body, kb_buf_str(&want)));
      kb_buf_cleanup(&want);
      n++;
    }
    assert_true(n >= 1);
    cJSON_Delete(j);
    th_resp_free(&r);
  }
}

static void test_heads_escaped(void **state) {
  (void)state;
  S_heads_escaped("POST", "/api/v1/suggest",
                  "{\"text\":\"how do i remove the sim card from my phone\",\"limit\":5}",
                  "suggestions");
  S_heads_escaped("POST", "/api/v1/suggest",
                  "{\"text\":\"moving contacts photos messages apps old phone new phone\",\"limit\":5}",
                  "suggestions");
  S_heads_escaped("GET", "/api/v1/search?q=sim&limit=10", NULL, "results");
  S_heads_escaped("GET", "/api/v1/search?q=%E6%90%BA%E5%B8%AF&limit=10", NULL, "results");
}

static void test_reply_long_title(void **state) {
  (void)state;
  S_check_fits("moving contacts photos messages apps old phone new phone", "long-title");
}

static void test_reply_non_latin_title(void **state) {
  (void)state;
  S_check_fits("携帯電話 画面 修理 料金 kanji", "japanese-title");
}

/* A store's hours are read without cJSON when kb-index wrote them (a
 * flat object of strings, kb_json_flat_member()): on every text it reads
 * it gives cJSON's answer, the first member of a name; every other text
 * (white space, escapes, other values, text after the object, a value
 * too long for the room) is left to cJSON. */
static void test_json_flat_member(void **state) {
  (void)state;
  static const struct {
    const char *json;
    int flat; /* read by kb_json_flat_member(), not left to cJSON (2:
                 but for "mon", whose value does not fit) */
  } cases[] = {
      {"{\"mon\":\"09:00-17:30\",\"sun\":\"closed\"}", 1},
      {"{}", 1},
      {"{\"sun\":\"closed\",\"mon\":\"a\",\"mon\":\"b\"}", 1},
      {"{\"monday\":\"x\",\"mo\":\"y\",\"\":\"z\"}", 1},
      {"{\"mon\":\"caf\xc3\xa9 9-5\",\"m:n\":\"{,}\"}", 1},
      {"{\"mon\":\"0123456789012345678901234567890123456789012345678901234567890123\"}", 2},
      {"{ \"mon\":\"a\"}", 0},
      {"{\"mon\" : \"a\"}", 0},
      {"{\"mon\":\"a\\\"b\"}", 0},
      {"{\"m\\u006fn\":\"a\"}", 0},
      {"{\"mon\":1,\"sun\":\"closed\"}", 0},
      {"{\"mon\":\"a\"}x", 0},
      {"{\"mon\":\"a\",}", 0},
      {"{\"mon\":\"a\"", 0},
      {"{\"mon\":\"a\tb\"}", 0},
      {"[\"mon\",\"a\"]", 0},
      {"", 0},
  };
  static const char *const names[] = {"mon", "sun", "mo", "", "m:n", "tue"};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
      char out[64];
      int r = kb_json_flat_member(cases[i].json, names[k], out, sizeof out);
      int flat = cases[i].flat == 2 ? strcmp(names[k], "mon") != 0 : cases[i].flat;
      if ((r >= 0) != flat)
        fail_msg("%s: %d for '%s' (%s)", cases[i].json, r, names[k], cases[i].flat ? "flat" : "not flat");
      if (r < 0) continue;
      cJSON *j = cJSON_Parse(cases[i].json);
      cJSON *v = cJSON_GetObjectItemCaseSensitive(j, names[k]);
      assert_int_equal(r, cJSON_IsString(v));
      if (r) assert_string_equal(out, v->valuestring);
      cJSON_Delete(j);
    }
}

/* A suggest's body is read without cJSON when it is a flat object
 * (kb_json_flat_fields()): every text read so is one that kb_json_check()
 * passes, and each member is what cJSON gives (kind, string, number);
 * every other text (a \u escape, nesting, a number too long for cJSON's
 * 63 characters, a bad number or escape, a control character, text after
 * the object) is left to cJSON. */
static void test_json_flat_fields(void **state) {
  (void)state;
  static const struct {
    const char *json;
    int flat; /* read by kb_json_flat_fields(), not left to cJSON */
  } cases[] = {
      {"{\"text\":\"hi there\",\"limit\":3}", 1},
      {"{}", 1},
      {" { \"text\" : \"a\" , \"limit\" : 2 } \n", 1},
      {"{\"text\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\te\",\"lang\":null}", 1},
      {"{\"text\":\"first\",\"text\":\"second\",\"limit\":1,\"limit\":\"x\"}", 1},
      {"{\"text\":\"caf\xc3\xa9 \xf0\x9f\x93\xb1\",\"author\":\"@x_y\",\"collection\":\"cdp\"}", 1},
      {"{\"limit\":-0,\"text\":true,\"author\":false,\"lang\":1.5e3,\"collection\":-12.25E-1}", 1},
      {"{\"limit\":1e999,\"other\":\"x\",\"textx\":1,\"tex\":2,\"\":null}", 1},
      {"{\"limit\":0.1,\"text\":\"\"}", 1},
      {"{\"limit\":123456789012345678901234567890123456789012345678901234567890123}", 1},
      {"{\"limit\":1234567890123456789012345678901234567890123456789012345678901234}", 0},
      {"{\"text\":\"\\u00e9\"}", 0},
      {"{\"te\\u0078t\":\"a\"}", 0},
      {"{\"text\":\"a\\x\"}", 0},
      {"{\"text\":\"a\tb\"}", 0},
      {"{\"text\":[\"a\"]}", 0},
      {"{\"text\":{}}", 0},
      {"{\"limit\":01}", 0},
      {"{\"limit\":1.}", 0},
      {"{\"limit\":.5}", 0},
      {"{\"limit\":1e}", 0},
      {"{\"limit\":+1}", 0},
      {"{\"limit\":tru}", 0},
      {"{\"limit\":nul}", 0},
      {"{\"text\":\"a\"}x", 0},
      {"{\"text\":\"a\",}", 0},
      {"{\"text\":\"a\"", 0},
      {"{\"text\" \"a\"}", 0},
      {"{\"text\":}", 0},
      {"{,}", 0},
      {"\xef\xbb\xbf{\"text\":\"a\"}", 0},
      {"\x0c{\"text\":\"a\"}", 0},
      {"[\"text\",\"a\"]", 0},
      {"\"text\"", 0},
      {"", 0},
  };
  static const char *const names[] = {"text", "author", "collection", "limit", "lang"};
  enum { N = sizeof names / sizeof *names };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const char *s = cases[i].json;
    size_t n = strlen(s), at;
    const char *why;
    kb_json_field f[N];
    char *buf = malloc(n + 1);
    int r = kb_json_flat_fields(s, n, names, N, f, buf);
    if ((r == 0) != cases[i].flat) fail_msg("%s: %d (%s)", s, r, cases[i].flat ? "flat" : "not flat");
    if (r == 0) {
      assert_int_equal(kb_json_check(s, n, &at, &why), 0);
      cJSON *j = cJSON_ParseWithLength(s, n);
      assert_non_null(j);
      for (int k = 0; k < N; k++) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(j, names[k]);
        kb_json_kind want = !v                  ? KB_JSON_ABSENT
                            : cJSON_IsString(v) ? KB_JSON_STRING
                            : cJSON_IsNumber(v) ? KB_JSON_NUMBER
                            : cJSON_IsNull(v)   ? KB_JSON_NULL
                                                : KB_JSON_OTHER;
        if (f[k].kind != want) fail_msg("%s: '%s' kind %d, cJSON's %d", s, names[k], f[k].kind, want);
        if (want == KB_JSON_STRING) assert_string_equal(f[k].str, v->valuestring);
        if (want == KB_JSON_NUMBER && memcmp(&f[k].num, &v->valuedouble, sizeof f[k].num))
          fail_msg("%s: '%s' %g, cJSON's %g", s, names[k], f[k].num, v->valuedouble);
      }
      cJSON_Delete(j);
    }
    free(buf);
  }
  /* long strings (read sixteen bytes at a time): an escape, a quote, a
   * control character or a high byte at every offset of a name and a value */
  for (int at = 0; at < 40; at++)
    for (int kind = 0; kind < 4; kind++)
      for (int in_name = 0; in_name < 2; in_name++) {
        static const char *const ins[] = {"\\n", "\\\"", "\x01", "\xc3\xa9"};
        char v[64], body[160];
        memset(v, 'a', 40);
        v[40] = 0;
        snprintf(v + at, sizeof v - (size_t)at, "%s%.*s", ins[kind], 39 - at, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
        if (in_name) snprintf(body, sizeof body, "{\"%s\":1,\"text\":\"x\"}", v);
        else snprintf(body, sizeof body, "{\"text\":\"%s\",\"limit\":2}", v);
        size_t n = strlen(body), at2;
        const char *why;
        kb_json_field f[N];
        char buf[160];
        int r = kb_json_flat_fields(body, n, names, N, f, buf);
        /* a control character anywhere, and an escape in a name, are cJSON's */
        int flat = kind != 2 && !(in_name && kind < 2);
        if ((r == 0) != flat) fail_msg("%s: %d", body, r);
        if (r) continue;
        assert_int_equal(kb_json_check(body, n, &at2, &why), 0);
        cJSON *j = cJSON_ParseWithLength(body, n);
        cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "text");
        assert_int_equal(f[0].kind, KB_JSON_STRING);
        assert_string_equal(f[0].str, t->valuestring);
        cJSON_Delete(j);
      }
}

static void test_search(void **state) {
  (void)state;
  th_resp r;
  assert_int_equal(th_http(S_srv, "GET", "/api/v1/search?q=sim%20tray&limit=5", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  cJSON *j = cJSON_Parse(r.body);
  assert_true(cJSON_GetObjectItem(j, "total")->valueint >= 2);
  cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "results"), 0);
  assert_non_null(strstr(S_str(first, "snippet"), "<mark>"));
  cJSON_Delete(j);
  th_resp_free(&r);
  /* a prefix being typed */
  assert_int_equal(th_http(S_srv, "GET", "/api/v1/search?q=refu", NULL, 0, NULL, &r), 0);
  j = cJSON_Parse(r.body);
  first = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "results"), 0);
  assert_string_equal(S_str(first, "slug"), "refund-status");
  cJSON_Delete(j);
  th_resp_free(&r);
  /* pagination */
  assert_int_equal(th_http(S_srv, "GET", "/api/v1/search?q=sim&limit=1&offset=1", NULL, 0, NULL, &r), 0);
  j = cJSON_Parse(r.body);
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "results")), 1);
  cJSON_Delete(j);
  th_resp_free(&r);
  /* markup in the query comes back escaped in JSON, never raw */
  assert_int_equal(th_http(S_srv, "GET", "/api/v1/search?q=%3Cscript%3Ealert(1)%3C/script%3E", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  assert_null(strstr(r.body, "<script"));
  th_resp_free(&r);
}

static void test_article(void **state) {
  (void)state;
  th_resp r;
  assert_int_equal(th_http(S_srv, "GET", "/api/v1/articles/remove-sim-iphone", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  cJSON *j = cJSON_Parse(r.body);
  assert_string_equal(S_str(j, "title"), "Remove the SIM from an iPhone");
  assert_non_null(strstr(S_str(j, "html"), "<table>"));
  assert_true(cJSON_IsArray(cJSON_GetObjectItem(j, "phrases")));
  cJSON_Delete(j);
  th_resp_free(&r);
  assert_int_equal(th_http(S_srv, "GET", "/api/v1/articles/default/store-leeds", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  j = cJSON_Parse(r.body);
  cJSON *store = cJSON_GetObjectItem(j, "store");
  assert_string_equal(S_str(store, "postcode"), "LS1 6HD");
  assert_string_equal(S_str(cJSON_GetObjectItem(store, "hours"), "sun"), "10:30-16:30");
  cJSON_Delete(j);
  th_resp_free(&r);
}

static void test_metrics_and_log(void **state) {
  (void)state;
  th_resp r;
  assert_int_equal(th_http(S_srv, "GET", "/metrics", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "kb_requests_total{route=\"suggest\",status=\"200\"}"));
  assert_non_null(strstr(r.body, "kb_request_duration_seconds_bucket{route=\"suggest\",le=\"+Inf\"}"));
  assert_non_null(strstr(r.body, "kb_articles 12"));
  assert_non_null(strstr(r.body, "kb_index_age_seconds"));
  /* memory and the gate's records (issue #18, 1): this request's own
   * connection is open; the heap figure is glibc's (0 under ASan) */
  const char *open = strstr(r.body, "\nkb_connections{state=\"open\"} ");
  assert_non_null(open);
  assert_true(atoi(open + strlen("\nkb_connections{state=\"open\"} ")) >= 1);
  assert_non_null(strstr(r.body, "\nkb_connections{state=\"refused\"} "));
  const char *heap = strstr(r.body, "\nkb_heap_bytes{kind=\"in_use\"} ");
  assert_non_null(heap);
  if (!strstr(th_bin_dir(), "san")) assert_true(atoll(heap + strlen("\nkb_heap_bytes{kind=\"in_use\"} ")) > 1000000);
  th_resp_free(&r);
  /* a method as sent reaches the access log only as printable text
   * (issue #18, 8): quotes and ESC from it were written raw */
  assert_int_equal(th_http(S_srv, "GE\"T\x1b[31m", "/healthz", NULL, 0, NULL, &r), 0);
  th_resp_free(&r);
  char *log = th_server_log(S_srv);
  for (int i = 0; i < 100 && !strstr(log, "[31m /healthz"); i++) { /* logged on completion */
    struct timespec ts = {0, 20 * 1000000L};
    nanosleep(&ts, NULL);
    free(log);
    log = th_server_log(S_srv);
  }
  assert_non_null(strstr(log, "\"POST /api/v1/suggest\" 200 "));
  assert_non_null(strstr(log, "\"GET /healthz\" 200 "));
  assert_non_null(strstr(log, "\"GE?T?[31m /healthz\""));
  assert_null(strchr(log, '\x1b'));
  free(log);
}

/*--- Errors --------------------------------------------------------------*/

typedef struct {
  const char *name, *method, *path, *body;
  long status;
  const char *code;
} S_err_case;

static const S_err_case S_errs[] = {
    {"unknown route", "GET", "/nope", NULL, 404, "not_found"},
    {"unknown api route", "GET", "/api/v1/nope", NULL, 404, "not_found"},
    {"suggest with GET", "GET", "/api/v1/suggest", NULL, 405, "method_not_allowed"},
    {"search with POST", "POST", "/api/v1/search?q=x", "{}", 405, "method_not_allowed"},
    {"healthz with DELETE", "DELETE", "/healthz", NULL, 405, "method_not_allowed"},
    {"malformed JSON", "POST", "/api/v1/suggest", "{\"text\": ", 400, "invalid_json"},
    {"JSON not an object", "POST", "/api/v1/suggest", "[1,2]", 400, "invalid_json"},
    {"empty body", "POST", "/api/v1/suggest", "", 400, "invalid_json"},
    {"missing text", "POST", "/api/v1/suggest", "{\"author\":\"x\"}", 400, "missing_field"},
    {"empty text", "POST", "/api/v1/suggest", "{\"text\":\"   \"}", 400, "missing_field"},
    {"text of wrong type", "POST", "/api/v1/suggest", "{\"text\":42}", 400, "wrong_type"},
    {"author of wrong type", "POST", "/api/v1/suggest", "{\"text\":\"hi\",\"author\":[]}", 400, "wrong_type"},
    {"author not a handle", "POST", "/api/v1/suggest", "{\"text\":\"hi\",\"author\":\"no spaces allowed\"}", 400, "invalid_value"},
    {"collection of wrong type", "POST", "/api/v1/suggest", "{\"text\":\"hi\",\"collection\":1}", 400, "wrong_type"},
    {"limit 0", "POST", "/api/v1/suggest", "{\"text\":\"hi\",\"limit\":0}", 400, "out_of_range"},
    {"limit 11", "POST", "/api/v1/suggest", "{\"text\":\"hi\",\"limit\":11}", 400, "out_of_range"},
    {"limit as string", "POST", "/api/v1/suggest", "{\"text\":\"hi\",\"limit\":\"3\"}", 400, "wrong_type"},
    {"limit fractional", "POST", "/api/v1/suggest", "{\"text\":\"hi\",\"limit\":2.5}", 400, "wrong_type"},
    {"invalid UTF-8 in body", "POST", "/api/v1/suggest", "{\"text\":\"caf\xe9\"}", 400, "invalid_utf8"},
    {"lone surrogate escape", "POST", "/api/v1/suggest", "{\"text\":\"\\ud800\"}", 400, "invalid_json"},
    /* strict JSON (issue #18, 8): cJSON alone took all of these */
    {"trailing garbage", "POST", "/api/v1/suggest", "{\"text\":\"hi\"}xyz", 400, "invalid_json"},
    {"two values", "POST", "/api/v1/suggest", "{\"text\":\"hi\"} {}", 400, "invalid_json"},
    {"byte-order mark", "POST", "/api/v1/suggest", "\xEF\xBB\xBF{\"text\":\"hi\"}", 400, "invalid_json"},
    {"raw control character", "POST", "/api/v1/suggest", "{\"text\":\"a\x01b\"}", 400, "invalid_json"},
    {"raw newline in a string", "POST", "/api/v1/suggest", "{\"text\":\"a\nb\"}", 400, "invalid_json"},
    {"trailing comma", "POST", "/api/v1/suggest", "{\"text\":\"hi\",}", 400, "invalid_json"},
    {"single quotes", "POST", "/api/v1/suggest", "{'text':'hi'}", 400, "invalid_json"},
    {"bad escape", "POST", "/api/v1/suggest", "{\"text\":\"\\q\"}", 400, "invalid_json"},
    {"leading zero", "POST", "/api/v1/suggest", "{\"text\":\"hi\",\"limit\":03}", 400, "invalid_json"},
    {"search without q", "GET", "/api/v1/search", NULL, 400, "missing_field"},
    {"search limit 0", "GET", "/api/v1/search?q=sim&limit=0", NULL, 400, "out_of_range"},
    {"search limit junk", "GET", "/api/v1/search?q=sim&limit=ten", NULL, 400, "out_of_range"},
    {"search offset negative", "GET", "/api/v1/search?q=sim&offset=-1", NULL, 400, "out_of_range"},
    {"search invalid UTF-8", "GET", "/api/v1/search?q=%FF%FE", NULL, 400, "invalid_utf8"},
    {"article not found", "GET", "/api/v1/articles/nope", NULL, 404, "not_found"},
    {"article in unknown collection", "GET", "/api/v1/articles/brand9/remove-sim-iphone", NULL, 404, "not_found"},
    {"article path too deep", "GET", "/api/v1/articles/a/b/c", NULL, 404, "not_found"},
    {"article traversal", "GET", "/api/v1/articles/..%2f..%2fetc", NULL, 404, "not_found"},
    {"feedback without a data dir", "POST", "/api/v1/feedback", "{\"text\":\"x\",\"slug\":\"a\",\"action\":\"sent\"}", 503, "feedback_unavailable"},
    {"feedback with GET", "GET", "/api/v1/feedback", NULL, 405, "method_not_allowed"},
};

static void test_error(void **state) {
  const S_err_case *c = *state;
  th_resp r;
  assert_int_equal(th_http(S_srv, c->method, c->path, c->body, c->body ? strlen(c->body) : 0, NULL, &r), 0);
  if (r.status != c->status) print_error("%s: status %ld, want %ld: %s\n", c->name, r.status, c->status, r.body);
  assert_int_equal(r.status, c->status);
  char *ct = th_resp_header(&r, "Content-Type");
  assert_non_null(ct);
  assert_string_equal(ct, "application/json");
  free(ct);
  cJSON *j = cJSON_Parse(r.body);
  assert_non_null(j);
  cJSON *e = cJSON_GetObjectItem(j, "error");
  assert_string_equal(S_str(e, "code"), c->code);
  assert_true(strlen(S_str(e, "message")) > 5);
  if (c->status == 405) {
    char *allow = th_resp_header(&r, "Allow");
    assert_non_null(allow);
    free(allow);
  }
  cJSON_Delete(j);
  th_resp_free(&r);
}

static void test_body_too_large(void **state) {
  (void)state;
  size_t n = 70 * 1024;
  char *big = malloc(n + 1);
  memset(big, 'a', n);
  memcpy(big, "{\"text\":\"", 9);
  big[n - 2] = '"';
  big[n - 1] = '}';
  big[n] = 0;
  th_resp r;
  assert_int_equal(th_http(S_srv, "POST", "/api/v1/suggest", big, n, NULL, &r), 0);
  assert_int_equal(r.status, 413);
  assert_non_null(strstr(r.body, "payload_too_large"));
  th_resp_free(&r);
  free(big);
}

static void test_text_too_long(void **state) {
  (void)state;
  size_t n = 10001 + 12;
  char *body = malloc(n + 1);
  memset(body, 'a', n);
  memcpy(body, "{\"text\":\"", 9);
  body[n - 2] = '"';
  body[n - 1] = '}';
  body[n] = 0;
  th_resp r;
  assert_int_equal(th_http(S_srv, "POST", "/api/v1/suggest", body, n, NULL, &r), 0);
  assert_int_equal(r.status, 400);
  assert_non_null(strstr(r.body, "out_of_range"));
  th_resp_free(&r);
  free(body);
}

/* The limit counts characters, not bytes: ten thousand of them, two
 * bytes or one each, are taken; one more is refused. */
static void test_text_limit_in_characters(void **state) {
  (void)state;
  for (int extra = 0; extra < 2; extra++)
    for (int form = 0; form < 2; form++) {
      kb_buf b = KB_BUF_INIT;
      kb_buf_puts(&b, "{\"text\":\"");
      for (int i = 0; i < 5000; i++) kb_buf_puts(&b, form ? "\xc3\xa9\xc3\xa9" : "a\xc3\xa9");
      if (extra) kb_buf_puts(&b, "\xc3\xa9");
      kb_buf_puts(&b, "\",\"limit\":1}");
      th_resp r;
      assert_int_equal(th_http(S_srv, "POST", "/api/v1/suggest", b.p, b.n, NULL, &r), 0);
      if (r.status != (extra ? 400 : 200)) fail_msg("%d extra, form %d: %ld", extra, form, r.status);
      if (extra) assert_non_null(strstr(r.body, "has 10001 characters"));
      th_resp_free(&r);
      kb_buf_cleanup(&b);
    }
}

/* The server survives all of the above and stops cleanly (checked by the
 * group teardown: SIGTERM must give exit status 0). */
static void test_still_healthy(void **state) {
  test_healthz(state);
}

/* A server that cannot start says why. */
static void test_bad_index(void **state) {
  (void)state;
  char *cmd = th_fmt("%s/kb-serve --index /nonexistent/kb.sqlite --listen 127.0.0.1:0", th_bin_dir()), *out = NULL;
  assert_int_equal(th_run(cmd, &out), 1);
  assert_non_null(strstr(out, "cannot open"));
  free(out);
  free(cmd);
  cmd = th_fmt("%s/kb-serve --help", th_bin_dir());
  assert_int_equal(th_run(cmd, &out), 0);
  assert_non_null(strstr(out, "KB_PUBLIC_URL"));
  free(out);
  free(cmd);
}

/* A number option given something else stops the server with its name,
 * rather than running with what atoi() made of it (a cache of "4M" was
 * a cache turned off, "--threads two" one thread per core). */
static void test_bad_numbers(void **state) {
  (void)state;
  static const char *const bad[][2] = {
      {"--threads two", "--threads: 'two'"},
      {"--search-cache 4M", "--search-cache: '4M'"},
      {"--timeout -3", "--timeout: '-3'"},
      {"--rate fast", "--rate: 'fast'"},
      {"--events-max-mb 1e3", "--events-max-mb: '1e3'"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char *out = NULL;
    char *cmd = th_fmt("%s/kb-serve --index /nonexistent/kb.sqlite --listen 127.0.0.1:0 %s", th_bin_dir(), bad[i][0]);
    assert_int_equal(th_run(cmd, &out), 64);
    if (!strstr(out, bad[i][1])) fail_msg("%s: %s", bad[i][0], out);
    free(out);
    free(cmd);
  }
  char *out = NULL;
  char *cmd = th_fmt("KB_SEARCH_CACHE=lots %s/kb-serve --index /nonexistent/kb.sqlite", th_bin_dir());
  assert_int_equal(th_run(cmd, &out), 64);
  assert_non_null(strstr(out, "KB_SEARCH_CACHE: 'lots'"));
  free(out);
  free(cmd);
  /* numbers still start it (then the missing index stops it) */
  cmd = th_fmt("%s/kb-serve --index /nonexistent/kb.sqlite --listen 127.0.0.1:0 --threads 2 --rate -1"
               " --search-cache 0 --timeout 5", th_bin_dir());
  assert_int_equal(th_run(cmd, &out), 1);
  assert_non_null(strstr(out, "cannot open"));
  free(out);
  free(cmd);
}

#define S_NERRS (sizeof S_errs / sizeof *S_errs)

int main(void) {
  static const struct CMUnitTest before[] = {
      cmocka_unit_test(test_healthz),
      cmocka_unit_test(test_suggest_basic),
      cmocka_unit_test(test_suggest_addressed_to_brand),
      cmocka_unit_test(test_suggest_platform),
      cmocka_unit_test(test_suggest_escalate),
      cmocka_unit_test(test_suggest_nothing_fits),
      cmocka_unit_test(test_suggest_offtopic),
      cmocka_unit_test(test_deep_link_store_town),
      cmocka_unit_test(test_deep_link_town_without_store),
      cmocka_unit_test(test_statement_not_answerable),
      cmocka_unit_test(test_replies_each_their_own),
      cmocka_unit_test(test_heads_escaped),
      cmocka_unit_test(test_reply_long_title),
      cmocka_unit_test(test_reply_non_latin_title),
      cmocka_unit_test(test_json_flat_member),
      cmocka_unit_test(test_json_flat_fields),
      cmocka_unit_test(test_search),
      cmocka_unit_test(test_article),
      cmocka_unit_test(test_body_too_large),
      cmocka_unit_test(test_text_too_long),
      cmocka_unit_test(test_text_limit_in_characters),
  };
  static const struct CMUnitTest after[] = {
      cmocka_unit_test(test_metrics_and_log),
      cmocka_unit_test(test_still_healthy),
      cmocka_unit_test(test_bad_index),
      cmocka_unit_test(test_bad_numbers),
  };
  enum { NB = sizeof before / sizeof *before, NA = sizeof after / sizeof *after };
  struct CMUnitTest tests[NB + S_NERRS + NA];
  size_t k = 0;
  for (size_t i = 0; i < NB; i++) tests[k++] = before[i];
  for (size_t i = 0; i < S_NERRS; i++)
    tests[k++] = (struct CMUnitTest){S_errs[i].name, test_error, NULL, NULL, (void *)&S_errs[i]};
  for (size_t i = 0; i < NA; i++) tests[k++] = after[i];
  return _cmocka_run_group_tests("server", tests, k, S_setup, S_teardown);
}
