/*
 * test_search_cache.c - the search-results cache (src/core/kb_qcache.c):
 * a repeated search gets the very results a search would (in the core,
 * field by field; over HTTP, the API, the search page and the fragment
 * byte for byte against a server with --search-cache 0); every option of
 * kb_search_opts is part of the key; the bound holds, the oldest entries
 * evicted and counted; the reports still see every search; and a new
 * index generation never serves an old index's results.
 */
#include "harness.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kb_search.h"

static kb_search_cache_counts S_counts(void) {
  kb_search_cache_counts c;
  kb_search_cache_stats(&c);
  return c;
}

static int S_streq(const char *a, const char *b) { return a == b || (a && b && !strcmp(a, b)); }

/* a and b are the same results: every field a caller reads. */
static void S_same(const kb_results *a, const kb_results *b) {
  assert_int_equal(a->n, b->n);
  assert_int_equal(a->total, b->total);
  assert_int_equal(a->skipped, b->skipped);
  assert_int_equal(a->nterms, b->nterms);
  assert_true(S_streq(a->corrected, b->corrected));
  for (int i = 0; i < a->n; i++) {
    const kb_hit *x = &a->hits[i], *y = &b->hits[i];
    assert_true(x->id == y->id);
    assert_true(x->score == y->score);
    assert_memory_equal(x->feat, y->feat, sizeof x->feat);
    assert_true(S_streq(x->collection, y->collection) && S_streq(x->slug, y->slug) &&
                S_streq(x->title, y->title) && S_streq(x->url, y->url) &&
                S_streq(x->reply, y->reply) && S_streq(x->escalate, y->escalate) &&
                S_streq(x->type, y->type) && S_streq(x->lang, y->lang) &&
                S_streq(x->deeplink, y->deeplink) && S_streq(x->platform, y->platform) &&
                S_streq(x->snippet, y->snippet) && S_streq(x->summary, y->summary));
  }
}

/* Searches q with o; *hit: whether the cache answered (its counters). */
static void S_search(kb_index *x, const char *q, const kb_search_opts *o, kb_results *r, int *hit) {
  char err[256];
  kb_search_cache_counts before = S_counts();
  assert_int_equal(kb_index_search(x, q, strlen(q), o, r, err, sizeof err), KB_SEARCH_OK);
  kb_search_cache_counts after = S_counts();
  assert_true(after.hits + after.misses == before.hits + before.misses + 1);
  *hit = after.hits == before.hits + 1;
}

/* A repeated search is a hit with the same results as the search without
 * a cache; each option changed alone (and the query's bytes) is a miss. */
static void test_hit_same_and_every_option_keyed(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  kb_index *x = th_index_kb("tests/fixtures/kb", dir);
  const kb_search_opts base = {.kinds = KB_KIND_ARTICLE | KB_KIND_STORE, .limit = 10,
                               .count_total = 1, .lang = "en"};
  /* misspelt (a "did you mean"), typed, several words */
  const char *qs[] = {"screan", "remove sim", "wif", "store cafe wifi"};
  for (size_t k = 0; k < sizeof qs / sizeof *qs; k++) {
    kb_results none, miss, hit;
    char err[256];
    kb_index_set_search_cache(x, 0);
    kb_search_cache_counts c0 = S_counts();
    assert_int_equal(kb_index_search(x, qs[k], strlen(qs[k]), &base, &none, err, sizeof err), 0);
    kb_search_cache_counts c1 = S_counts();
    assert_true(c1.hits == c0.hits && c1.misses == c0.misses); /* off: not counted */
    kb_index_set_search_cache(x, 1 << 20);
    int h;
    S_search(x, qs[k], &base, &miss, &h);
    assert_false(h);
    S_search(x, qs[k], &base, &hit, &h);
    assert_true(h);
    S_same(&none, &miss);
    S_same(&none, &hit);
    kb_results_free(&none);
    kb_results_free(&miss);
    kb_results_free(&hit);
  }
  /* each option alone: a search of its own (then a hit when repeated) */
  kb_search_opts v[12];
  for (int i = 0; i < 12; i++) v[i] = base;
  v[0].kinds = KB_KIND_ARTICLE;
  v[1].limit = 5;
  v[2].offset = 1;
  v[3].prefix_last = 1;
  v[4].count_total = 0;
  v[5].ablate = 1;
  v[6].omit_start = 0, v[6].omit_end = 3;
  v[7].omit_start = 1, v[7].omit_end = 3;
  v[8].collection = "default";
  v[9].lang = NULL;
  v[10].lang = "fr";
  v[11].collection = "acme";
  kb_index_set_search_cache(x, 1 << 20);
  kb_results r;
  int h;
  S_search(x, "remove sim", &base, &r, &h);
  kb_results_free(&r);
  for (int i = 0; i < 12; i++) {
    S_search(x, "remove sim", &v[i], &r, &h);
    if (h) print_error("option %d shares the entry of another search\n", i);
    assert_false(h);
    kb_results_free(&r);
  }
  for (int i = 0; i < 12; i++) {
    S_search(x, "remove sim", &v[i], &r, &h);
    assert_true(h);
    kb_results_free(&r);
  }
  /* the query's bytes: one more byte, a space, another case */
  const char *near[] = {"remove sim ", "Remove sim", "remove si"};
  for (int i = 0; i < 3; i++) {
    S_search(x, near[i], &base, &r, &h);
    assert_false(h);
    kb_results_free(&r);
  }
  /* a search with snippets_later is never kept (nor counted) */
  kb_search_opts later = base;
  later.snippets_later = 1;
  for (int i = 0; i < 2; i++) {
    char err[256];
    kb_search_cache_counts c0 = S_counts();
    assert_int_equal(kb_index_search(x, "remove sim", 10, &later, &r, err, sizeof err), 0);
    kb_search_cache_counts c1 = S_counts();
    assert_true(c1.hits == c0.hits && c1.misses == c0.misses);
    kb_results_free(&r);
  }
  th_index_done(x, dir);
  assert_int_equal(S_counts().bytes, 0); /* closing gives the bytes back */
}

/* Many distinct searches: the bytes held never pass the bound, the
 * oldest are evicted (and counted), the newest still answer. */
static void test_bound_holds(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  kb_index *x = th_index_kb("tests/fixtures/kb", dir);
  const size_t bound = 24 * 1024;
  kb_index_set_search_cache(x, bound);
  const kb_search_opts o = {.kinds = KB_KIND_ARTICLE | KB_KIND_STORE, .limit = 10,
                            .count_total = 1, .lang = "en"};
  kb_search_cache_counts c0 = S_counts();
  unsigned long most = 0;
  for (int i = 0; i < 300; i++) {
    char q[64];
    snprintf(q, sizeof q, "store wifi screen sim %d", i);
    kb_results r;
    int h;
    S_search(x, q, &o, &r, &h);
    assert_false(h);
    kb_results_free(&r);
    kb_search_cache_counts c = S_counts();
    assert_true(c.bytes <= bound);
    if (c.bytes > most) most = c.bytes;
  }
  kb_search_cache_counts c1 = S_counts();
  assert_true(c1.evictions > c0.evictions + 100);
  assert_true(most > bound / 2); /* it did fill */
  kb_results r;
  int h;
  S_search(x, "store wifi screen sim 299", &o, &r, &h); /* the newest is kept */
  assert_true(h);
  kb_results_free(&r);
  S_search(x, "store wifi screen sim 0", &o, &r, &h); /* the oldest is not */
  assert_false(h);
  kb_results_free(&r);
  th_index_done(x, dir);
}

/* GET path from s: its body, "took_ms" cut out (the API's timing). */
static char *S_get(const th_server *s, const char *path) {
  th_resp r;
  assert_int_equal(th_http(s, "GET", path, NULL, 0, NULL, &r), 0);
  if (r.status != 200) print_error("%s: %ld\n", path, r.status);
  assert_int_equal(r.status, 200);
  char *b = r.body;
  r.body = NULL;
  char *t = strstr(b, "\"took_ms\":");
  if (t) *t = 0;
  th_resp_free(&r);
  return b;
}

/* The API, the search page and the fragment answer a hit byte for byte as
 * a server with no cache answers the same search. */
static void test_http_same_as_no_cache(void **state) {
  (void)state;
  char *ixa = NULL, *ixb = NULL;
  /* (one public URL: the links would name each server's port; one
   * worker thread, so a repeated search meets its thread's cache) */
  const char *off[] = {"--quiet", "--public-url", "https://help.example", "--threads", "1",
                       "--search-cache", "0", NULL};
  const char *on[] = {"--quiet", "--public-url", "https://help.example", "--threads", "1", NULL};
  th_server *a = th_serve_kb("tests/fixtures/kb", on, &ixa);
  th_server *b = th_serve_kb("tests/fixtures/kb", off, &ixb);
  assert_non_null(a);
  assert_non_null(b);
  const char *paths[] = {
      "/api/v1/search?q=screan", "/api/v1/search?q=remove%20sim", "/api/v1/search?q=wif",
      "/api/v1/search?q=store&limit=2&offset=1", "/api/v1/search?q=wifi&lang=en",
      "/api/v1/search?q=sim&collection=acme", "/search?q=screan", "/search?q=remove+sim",
      "/search?q=store&page=9", "/search?q=zzzzqqq", "/search?q=wif&fragment=1",
      "/search?q=remove+si&fragment=1", "/search?q=remove+sim+&fragment=1",
      "/search?q=st&fragment=1&page=2"};
  int n = (int)(sizeof paths / sizeof *paths);
  for (int i = 0; i < n; i++) {
    char *want = S_get(b, paths[i]);
    for (int round = 0; round < 2; round++) { /* a miss, then a hit */
      char *got = S_get(a, paths[i]);
      if (strcmp(got, want)) print_error("%s differs (round %d)\n", paths[i], round);
      assert_string_equal(got, want);
      free(got);
    }
    free(want);
  }
  assert_true(th_metric(a, "kb_search_cache_hits_total") >= n);
  assert_true(th_metric(a, "kb_search_cache_misses_total") >= n);
  assert_true(th_metric(a, "kb_search_cache_bytes") > 0);
  assert_true(th_metric(b, "kb_search_cache_hits_total") == 0);
  assert_true(th_metric(b, "kb_search_cache_misses_total") == 0);
  assert_true(th_metric(b, "kb_search_cache_bytes") == 0);
  assert_true(th_metric(b, "kb_search_cache_evictions_total") == 0);
  assert_int_equal(th_server_stop(a), 0);
  assert_int_equal(th_server_stop(b), 0);
  free(ixa);
  free(ixb);
}

/* A search answered from the cache is still a search the reports see
 * (the no-results report counts every one: kb_events_search() is called
 * by the routes, whatever answered). */
static void test_reports_see_cached_searches(void **state) {
  (void)state;
  char *dir = th_tmpdir(), *ix = NULL;
  char *data = th_fmt("%s/data", dir);
  char *cmd = th_fmt("mkdir -p %s", data);
  assert_int_equal(th_run(cmd, NULL), 0);
  free(cmd);
  const char *args[] = {"--data", data, "--quiet", "--threads", "1", NULL};
  th_server *s = th_serve_kb("tests/fixtures/kb", args, &ix);
  assert_non_null(s);
  double h0 = th_metric(s, "kb_search_cache_hits_total");
  for (int i = 0; i < 3; i++) free(S_get(s, "/api/v1/search?q=zzqqxx"));
  for (int i = 0; i < 2; i++) free(S_get(s, "/search?q=zzqqxx&fragment=1"));
  assert_true(th_metric(s, "kb_search_cache_hits_total") - h0 >= 3);
  int times = 0;
  for (int tries = 0; tries < 50 && times < 5; tries++) { /* written every 200 ms */
    struct timespec ts = {0, 100 * 1000000L};
    nanosleep(&ts, NULL);
    char *b = S_get(s, "/api/v1/reports/no-results?days=0");
    cJSON *j = cJSON_Parse(b);
    cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "rows"), 0);
    times = first ? cJSON_GetObjectItem(first, "times")->valueint : 0;
    cJSON_Delete(j);
    free(b);
  }
  assert_int_equal(times, 5);
  assert_int_equal(th_server_stop(s), 0);
  th_rmtree(dir);
  free(dir);
  free(data);
  free(ix);
}

/* An article changed and the index rebuilt (--kb): the next search shows
 * the new text although the old one was cached (a new generation's
 * handles start with empty caches). */
static void test_new_index_never_old_results(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  char *kb = th_fmt("%s/kb", dir), *data = th_fmt("%s/data", dir);
  char *cmd = th_fmt("cp -r tests/fixtures/kb %s && mkdir -p %s", kb, data);
  assert_int_equal(th_run(cmd, NULL), 0);
  free(cmd);
  const char *args[] = {"--kb", kb, "--data", data, "--quiet", "--threads", "1", NULL};
  th_server *s = th_server_start(args);
  assert_non_null(s);
  const char *paths[] = {"/api/v1/search?q=cafe", "/search?q=cafe", "/search?q=caf&fragment=1"};
  for (int i = 0; i < 3; i++)
    for (int k = 0; k < 3; k++) { /* a miss, then hits */
      char *b = S_get(s, paths[i]);
      assert_null(strstr(b, "Rebuilt"));
      free(b);
    }
  double hits = th_metric(s, "kb_search_cache_hits_total");
  assert_true(hits >= 3);
  cmd = th_fmt("sed -i 's/^title: Free café Wi-Fi in our stores/title: Rebuilt café Wi-Fi/'"
               " %s/articles/cafe-wifi.md", kb);
  assert_int_equal(th_run(cmd, NULL), 0);
  free(cmd);
  assert_true(th_wait_body(s, paths[0], "Rebuilt", 200));
  for (int i = 0; i < 3; i++) {
    char *b = S_get(s, paths[i]);
    if (!strstr(b, "Rebuilt")) print_error("%s: the old index's results: %s\n", paths[i], b);
    assert_non_null(strstr(b, "Rebuilt"));
    free(b);
  }
  assert_int_equal(th_server_stop(s), 0);
  th_rmtree(dir);
  free(dir);
  free(kb);
  free(data);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hit_same_and_every_option_keyed),
      cmocka_unit_test(test_bound_holds),
      cmocka_unit_test(test_http_same_as_no_cache),
      cmocka_unit_test(test_reports_see_cached_searches),
      cmocka_unit_test(test_new_index_never_old_results),
  };
  return cmocka_run_group_tests_name("search_cache", tests, NULL, NULL);
}
