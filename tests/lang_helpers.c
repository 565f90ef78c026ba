/*
 * lang_helpers.c - the language suites' server and mention checks (see
 * lang_helpers.h).
 */
#include "lang_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static th_server *S_srv;
static char *S_data; /* --data: page views (popular articles) are events */

int lh_setup(void **state) {
  (void)state;
  S_data = th_tmpdir();
  /* a public URL under a real domain, as a deployment has: Twitter counts
   * its links as 23 characters, where a loopback address is counted whole
   * and a long reply would lose its last link to the 280 cut */
  const char *extra[] = {"--data", S_data, "--public-url", "https://help.example.com", NULL};
  S_srv = th_serve_kb("kb", extra, NULL);
  return S_srv ? 0 : -1;
}

int lh_teardown(void **state) {
  (void)state;
  th_server_stop(S_srv);
  th_rmtree(S_data);
  free(S_data);
  return 0;
}

th_server *lh_server(void) { return S_srv; }

const char *lh_data_dir(void) { return S_data; }

cJSON *lh_suggest(const char *body, long *pstatus) {
  const char *h[] = {"Content-Type: application/json", NULL};
  th_resp r;
  assert_int_equal(th_http(S_srv, "POST", "/api/v1/suggest", body, strlen(body), h, &r), 0);
  *pstatus = r.status;
  cJSON *j = cJSON_Parse(r.body);
  th_resp_free(&r);
  assert_non_null(j);
  return j;
}

const char *lh_str(const cJSON *o, const char *path) {
  const cJSON *x = o;
  char buf[128];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && x; k = strtok_r(NULL, ".", &save))
    x = (k[0] >= '0' && k[0] <= '9') ? cJSON_GetArrayItem(x, atoi(k)) : cJSON_GetObjectItemCaseSensitive(x, k);
  return cJSON_IsString(x) ? x->valuestring : NULL;
}

/* A mention's body, {"text":TEXT,"author":"cliente"}. Caller frees. */
static char *S_mention(const char *text) { return th_fmt("{\"text\":\"%s\",\"author\":\"cliente\"}", text); }

void lh_expect_first(const char *text, const char *lang, const char *slug) {
  char *body = S_mention(text);
  long st;
  cJSON *j = lh_suggest(body, &st);
  assert_int_equal(st, 200);
  const char *got_lang = lh_str(j, "lang.code"), *got = lh_str(j, "suggestions.0.slug");
  if (!got_lang || strcmp(got_lang, lang) || !got || strcmp(got, slug))
    print_error("%s: got %s / %s, want %s / %s\n", text, got_lang ? got_lang : "-", got ? got : "-", lang, slug);
  assert_string_equal(got_lang, lang);
  assert_string_equal(got, slug);
  assert_string_equal(lh_str(j, "suggestions.0.lang"), lang);
  char *path = strcmp(lang, "en") ? th_fmt("/%s/help/%s", lang, slug) : th_fmt("/help/%s", slug);
  assert_non_null(strstr(lh_str(j, "suggestions.0.url"), path));
  free(path);
  cJSON_Delete(j);
  free(body);
}

void lh_expect_sure(const char *text, const char *lang, const char *slug) {
  lh_expect_first(text, lang, slug);
  lh_answerable(text, 1);
}

void lh_first_answerable(const char *text, const char *slug, int want) {
  char *body = S_mention(text);
  long st;
  cJSON *j = lh_suggest(body, &st);
  assert_int_equal(st, 200);
  const char *got = lh_str(j, "suggestions.0.slug");
  int ans = cJSON_IsTrue(cJSON_GetObjectItem(j, "answerable"));
  if (!got || strcmp(got, slug) || ans != want)
    print_error("%s: first %s answerable %d, want %s %d\n", text, got ? got : "-", ans, slug, want);
  assert_non_null(got);
  assert_string_equal(got, slug);
  assert_int_equal(ans, want);
  cJSON_Delete(j);
  free(body);
}

/* Whether the answer to text has the boolean field true (want 1) or not
 * (want 0); asserts status 200. */
static void S_flag(const char *text, const char *field, int want) {
  char *body = S_mention(text);
  long st;
  cJSON *j = lh_suggest(body, &st);
  assert_int_equal(st, 200);
  int got = cJSON_IsTrue(cJSON_GetObjectItem(j, field));
  if (got != want) print_error("%s: %s %d, want %d\n", text, field, got, want);
  assert_int_equal(got, want);
  cJSON_Delete(j);
  free(body);
}

void lh_nothing_fits(const char *text, int want) { S_flag(text, "nothing_fits", want); }

void lh_answerable(const char *text, int want) { S_flag(text, "answerable", want); }

/* text's first suggestion's link holds want, and its language is lang */
static void S_expect_link(const char *text, const char *lang, const char *want) {
  char *body = th_fmt("{\"text\":\"%s\"}", text);
  long st;
  cJSON *j = lh_suggest(body, &st);
  assert_int_equal(st, 200);
  const char *url = lh_str(j, "suggestions.0.url"), *code = lh_str(j, "lang.code");
  if (!url || !strstr(url, want) || !code || strcmp(code, lang))
    print_error("%s: first link %s in %s, want %s in %s\n", text, url ? url : "-", code ? code : "-", want,
                lang);
  assert_non_null(url);
  assert_non_null(strstr(url, want));
  assert_string_equal(code, lang);
  cJSON_Delete(j);
  free(body);
}

void lh_expect_store_link(const char *text, const char *lang, const char *store) {
  char *want = th_fmt("/%s/help/%s", lang, store);
  S_expect_link(text, lang, want);
  free(want);
}

void lh_expect_town_link(const char *text, const char *lang, const char *town) {
  char *want = strcmp(lang, "en") ? th_fmt("/%s/stores?near=%s", lang, town) : th_fmt("/stores?near=%s", town);
  S_expect_link(text, lang, want);
  free(want);
}
