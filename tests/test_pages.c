/*
 * test_pages.c - the public site and the agent console as served HTML
 * (docs/web-contract.md): every page, its security headers, escaping,
 * "did you mean", pagination, the store finder, the "did this help?" form,
 * static files and path traversal. The browser suite (tests/browser) checks
 * the same pages with JavaScript on and off in Chromium.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kb_sha256.h"

static th_server *S_srv;
static char *S_dir;

static int S_setup(void **state) {
  (void)state;
  S_dir = th_tmpdir();
  const char *extra[] = {"--data", S_dir, "--quiet", NULL};
  S_srv = th_serve_kb("tests/fixtures/kb", extra, NULL);
  return S_srv ? 0 : -1;
}

static int S_teardown(void **state) {
  (void)state;
  int rc = S_srv ? th_server_stop(S_srv) : 0;
  th_rmtree(S_dir);
  free(S_dir);
  return rc;
}

/* GETs path; checks the status; returns the body (caller frees). */
static char *S_get(const char *path, long want, th_resp *keep) {
  th_resp r;
  assert_int_equal(th_http(S_srv, "GET", path, NULL, 0, NULL, &r), 0);
  if (r.status != want) print_error("%s: %ld, want %ld\n", path, r.status, want);
  assert_int_equal(r.status, want);
  char *b = strdup(r.body);
  if (keep) *keep = r; else th_resp_free(&r);
  return b;
}

static void test_home_and_headers(void **state) {
  (void)state;
  th_resp r;
  char *b = S_get("/", 200, &r);
  assert_non_null(strstr(b, "<form class=\"search\" role=\"search\""));
  assert_non_null(strstr(b, "<main id=\"main\""));
  char *h = th_resp_header(&r, "Content-Security-Policy");
  assert_non_null(h);
  assert_non_null(strstr(h, "script-src 'self'"));
  assert_null(strstr(h, "unsafe-inline"));
  free(h);
  h = th_resp_header(&r, "X-Content-Type-Options");
  assert_string_equal(h, "nosniff");
  free(h);
  h = th_resp_header(&r, "Referrer-Policy");
  assert_non_null(h);
  free(h);
  h = th_resp_header(&r, "X-Frame-Options");
  assert_string_equal(h, "DENY");
  free(h);
  /* no inline scripts or style attributes anywhere: the CSP would block
   * them (the one <style> is test_inline_style's) */
  assert_null(strstr(b, "<script>"));
  assert_null(strstr(b, "style="));
  th_resp_free(&r);
  free(b);
}

static void test_search_results(void **state) {
  (void)state;
  char *b = S_get("/search?q=sim+tray", 200, NULL);
  assert_non_null(strstr(b, "<ol class=\"results\""));
  assert_non_null(strstr(b, "<mark>"));
  assert_non_null(strstr(b, "href=\"/help/remove-sim-"));
  free(b);
  b = S_get("/search?q=sim&fragment=1", 200, NULL);
  assert_int_equal(strncmp(b, "<div id=\"results\"", 17), 0);
  free(b);
}

/* A result's link and title are kept with its row once made (kb_web.c
 * S_result_head(), kb_index_row_text()) beside the API's JSON of the row
 * and an article page's related articles, each row keeping three texts:
 * every page of results is the same when its heads are made, read from
 * the memo, and read again after the API's and the article pages' memos
 * of the same rows were made; a link into another collection (AcmeHelp) and
 * a store page's among them. */
static void test_result_heads_kept(void **state) {
  (void)state;
  static const char *const paths[] = {
      "/search?q=sim&fragment=1", "/search?q=sim+tray", "/search?q=acme+sim&fragment=1",
      "/search?q=screen+rep&fragment=1", "/search?q=store+in+leeds&fragment=1",
      "/search?q=phone&fragment=1&page=2", "/search?q=refund"};
  enum { N = sizeof paths / sizeof *paths };
  char *first[N];
  for (int i = 0; i < N; i++) first[i] = S_get(paths[i], 200, NULL);
  assert_non_null(strstr(first[0], "<li><h2><a href=\"/help/remove-sim-iphone\">Remove the SIM from an iPhone</a></h2><p class=\"snippet\">"));
  assert_non_null(strstr(first[2], "<li><h2><a href=\"/help/AcmeHelp/acme-sim\">Swap your Acme SIM</a></h2>"));
  for (int round = 0; round < 2; round++) {
    if (round == 1) { /* the rows' other texts */
      static const char *const other[] = {"/api/v1/search?q=sim", "/api/v1/search?q=acme+sim",
                                          "/api/v1/search?q=store+in+leeds", "/help/remove-sim-iphone",
                                          "/help/remove-sim-android", "/help/AcmeHelp/acme-sim"};
      for (size_t k = 0; k < sizeof other / sizeof *other; k++) free(S_get(other[k], 200, NULL));
    }
    for (int i = 0; i < N; i++) {
      char *b = S_get(paths[i], 200, NULL);
      if (strcmp(b, first[i])) print_error("%s (round %d) differs\n", paths[i], round);
      assert_string_equal(b, first[i]);
      free(b);
    }
  }
  for (int i = 0; i < N; i++) free(first[i]);
}

/* The pages' arguments are read in one pass over the query (kb_server.c)
 * as libmicrohttpd's lookup of each name found them: in any case, the
 * first of a name counting, a name without '=' present with no value. */
static void test_page_arguments(void **state) {
  (void)state;
  char *b = S_get("/search?Q=sim+tray&q=zzqqxx&FRAGMENT=1", 200, NULL);
  assert_int_equal(strncmp(b, "<div id=\"results\"", 17), 0); /* a fragment */
  assert_non_null(strstr(b, "<ol class=\"results\"")); /* of the first q */
  assert_null(strstr(b, "zzqqxx"));
  free(b);
  b = S_get("/search?q=sim&fragment", 200, NULL); /* no value: NULL, as a lookup had it */
  assert_non_null(strstr(b, "<main id=\"main\""));
  free(b);
  b = S_get("/search?qq=sim&fragment=1&page=2&PAGE=9", 200, NULL); /* q absent: "" */
  assert_string_equal(b, "<div id=\"results\"></div>");
  free(b);
}

static void test_did_you_mean(void **state) {
  (void)state;
  char *b = S_get("/search?q=smashd+screan", 200, NULL);
  assert_non_null(strstr(b, "class=\"didyoumean\""));
  assert_non_null(strstr(b, "smashed screen"));
  free(b);
}

static void test_empty_state(void **state) {
  (void)state;
  free(S_get("/help/cafe-wifi", 200, NULL)); /* a view: popular by views */
  char *b = NULL;
  for (int i = 0; i < 50; i++) { /* views are counted from the event log, every second or so */
    free(b);
    b = S_get("/search?q=zzqqxx", 200, NULL);
    if (strstr(b, "<ol class=\"popular\">")) break;
    usleep(100 * 1000);
  }
  assert_non_null(strstr(b, "class=\"empty\""));
  assert_non_null(strstr(b, "<h2>Popular articles</h2><ol class=\"popular\"><li><a href=\"/help/cafe-wifi\">"));
  assert_non_null(strstr(b, "<a href=\"#contact\">contact us</a>"));
  const char *h2 = strstr(b, "<h2>Contact us</h2>");
  assert_non_null(h2);
  assert_null(strstr(h2 + 1, "<h2>Contact us</h2>")); /* once: the footer's */
  free(b);
}

static void test_escaping(void **state) {
  (void)state;
  char *b = S_get("/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", 200, NULL);
  assert_null(strstr(b, "<script>alert"));
  assert_non_null(strstr(b, "&lt;script&gt;alert(1)"));
  free(b);
  b = S_get("/stores?near=%22%3E%3Cimg%20src%3Dx%3E", 200, NULL);
  assert_null(strstr(b, "<img src=x>"));
  free(b);
  b = S_get("/agent?text=%3Cb%3Ehi%3C%2Fb%3E", 200, NULL);
  assert_null(strstr(b, "<b>hi</b>"));
  free(b);
}

static void test_article(void **state) {
  (void)state;
  char *b = S_get("/help/remove-sim-iphone", 200, NULL);
  assert_non_null(strstr(b, "<h1>Remove the SIM from an iPhone</h1>"));
  assert_non_null(strstr(b, "<table>"));
  assert_non_null(strstr(b, "class=\"related\""));
  assert_non_null(strstr(b, "<form class=\"helpful\" action=\"/helpful\" method=\"post\" data-thanks=\"Thanks for telling us.\">"));
  assert_null(strstr(b, "<script>alert")); /* the article's raw HTML was dropped */
  /* the related articles are a search made once per row while the index is
   * open (kb_index_row_text): every later page shows the same list,
   * whichever worker answers it */
  const char *rel = strstr(b, "<aside class=\"related\"");
  const char *end = rel ? strstr(rel, "</aside>") : NULL;
  assert_non_null(end);
  assert_non_null(strstr(rel, "<li><a href=\"/help/"));
  size_t nrel = (size_t)(end - rel);
  for (int i = 0; i < 6; i++) {
    char *again = S_get("/help/remove-sim-iphone", 200, NULL);
    const char *r2 = strstr(again, "<aside class=\"related\"");
    assert_non_null(r2);
    assert_int_equal(strncmp(r2, rel, nrel + 8), 0);
    free(again);
  }
  free(b);
  b = S_get("/help/AcmeHelp/acme-sim", 200, NULL);
  assert_non_null(strstr(b, "Swap your Acme SIM"));
  free(b);
  b = S_get("/help/no-such-page", 404, NULL);
  assert_non_null(strstr(b, "Page not found"));
  free(b);
}

static void test_store_page_and_finder(void **state) {
  (void)state;
  char *b = S_get("/help/store-leeds", 200, NULL);
  assert_non_null(strstr(b, "class=\"address\""));
  assert_non_null(strstr(b, "<table class=\"hours\">"));
  assert_non_null(strstr(b, "class=\"directions\""));
  assert_non_null(strstr(b, "href=\"tel:01134960123\""));
  free(b);
  b = S_get("/stores?near=harrogate", 200, NULL);
  assert_non_null(strstr(b, "Stores nearest to Harrogate"));
  char *leeds = strstr(b, "store-leeds"), *york = strstr(b, "store-york");
  assert_true(leeds && york && leeds < york); /* Leeds is nearer Harrogate */
  assert_non_null(strstr(b, "class=\"distance\""));
  free(b);
  b = S_get("/stores?near=atlantis", 200, NULL);
  assert_non_null(strstr(b, "could not find"));
  free(b);
}

static void test_helpful_form(void **state) {
  (void)state;
  th_resp r;
  const char *body = "collection=default&slug=cafe-wifi&helpful=yes";
  const char *h[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
  assert_int_equal(th_http(S_srv, "POST", "/helpful", body, strlen(body), h, &r), 0);
  assert_int_equal(r.status, 303);
  char *loc = th_resp_header(&r, "Location");
  assert_string_equal(loc, "/help/cafe-wifi?thanks=1");
  free(loc);
  th_resp_free(&r);
  char *b = S_get("/help/cafe-wifi?thanks=1", 200, NULL);
  assert_non_null(strstr(b, "class=\"helpful-thanks\""));
  free(b);
  const char *bad = "slug=cafe-wifi&helpful=maybe";
  assert_int_equal(th_http(S_srv, "POST", "/helpful", bad, strlen(bad), h, &r), 0);
  assert_int_equal(r.status, 400);
  th_resp_free(&r);
}

static void test_agent_console(void **state) {
  (void)state;
  char *b = S_get("/agent", 200, NULL);
  assert_non_null(strstr(b, "<form id=\"agent-form\""));
  assert_non_null(strstr(b, "data-feedback=\"1\""));
  assert_non_null(strstr(b, "<option>AcmeHelp</option>"));
  free(b);
  b = S_get("/agent?text=how+do+i+get+my+sim+out+of+my+iphone&author=jo_bloggs&collection=default", 200, NULL);
  assert_non_null(strstr(b, "<li class=\"suggestion\" data-slug=\"remove-sim-iphone\""));
  assert_non_null(strstr(b, "@jo_bloggs "));
  assert_non_null(strstr(b, "class=\"copy\""));
  free(b);
}

/* Issue #22, item 1: cards as forms (no JavaScript needed to record what
 * was done with them), the named store's data in the reply, and the
 * loopback notice. */
static void test_agent_cards_and_forms(void **state) {
  (void)state;
  char *b = S_get("/agent?text=what+time+does+the+leeds+store+open+on+thursday&author=sam", 200, NULL);
  assert_non_null(strstr(b, "<form class=\"card\" action=\"/agent/feedback\" method=\"post\">"));
  assert_non_null(strstr(b, "42 Briggate, LS1 6HD and is open 09:00-20:00 "));
  assert_non_null(strstr(b, "Thursday"));
  assert_non_null(strstr(b, "<p class=\"place\">Place: Leeds"));
  assert_non_null(strstr(b, "<h2><a href=\"/help/"));
  assert_non_null(strstr(b, " times in 10</p>")); /* confidence in words (calibration.tsv) */
  assert_non_null(strstr(b, "class=\"notice loopback\""));
  assert_non_null(strstr(b, "data-author=\"sam\""));
  free(b);
  th_resp r;
  const char *h[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
  const char *sent = "text=where+is+my+refund&author=sam&brand=&collection=default&slug=refund-status"
                     "&original=a&reply=a&action=sent";
  assert_int_equal(th_http(S_srv, "POST", "/agent/feedback", sent, strlen(sent), h, &r), 0);
  assert_int_equal(r.status, 303);
  char *loc = th_resp_header(&r, "Location");
  assert_string_equal(loc, "/agent?done=sent");
  free(loc);
  th_resp_free(&r);
  const char *dis = "text=where+is+my+refund&author=sam&collection=default&slug=refund-status&action=dismissed";
  assert_int_equal(th_http(S_srv, "POST", "/agent/feedback", dis, strlen(dis), h, &r), 0);
  assert_int_equal(r.status, 303);
  loc = th_resp_header(&r, "Location");
  assert_string_equal(loc, "/agent?done=dismissed&text=where+is+my+refund&author=sam");
  free(loc);
  th_resp_free(&r);
  const char *bad = "text=x&slug=refund-status&action=deleted";
  assert_int_equal(th_http(S_srv, "POST", "/agent/feedback", bad, strlen(bad), h, &r), 0);
  assert_int_equal(r.status, 400);
  th_resp_free(&r);
  b = S_get("/agent?done=sent", 200, NULL);
  assert_non_null(strstr(b, "Recorded as sent"));
  free(b);
  char *log = th_server_log(S_srv);
  assert_non_null(strstr(log, "warning: replies link to http://127.0.0.1:"));
  free(log);
}

/* Issue #22, items 10-13: gzip, pagination bounds, postcodes and near
 * misses, breadcrumbs and the header search. */
static void test_public_basics(void **state) {
  (void)state;
  th_resp r;
  const char *gz[] = {"Accept-Encoding: gzip, deflate", NULL};
  const char *paths[] = {"/", "/help/cafe-wifi", "/static/app.js", "/static/console.js", "/static/app.css"};
  for (size_t i = 0; i < 5; i++) {
    assert_int_equal(th_http(S_srv, "GET", paths[i], NULL, 0, gz, &r), 0);
    char *ce = th_resp_header(&r, "Content-Encoding"), *vary = th_resp_header(&r, "Vary");
    if (!ce || strcmp(ce, "gzip")) print_error("%s: Content-Encoding %s\n", paths[i], ce ? ce : "none");
    assert_non_null(ce);
    assert_string_equal(ce, "gzip");
    assert_string_equal(vary, "Accept-Encoding");
    free(ce);
    free(vary);
    th_resp_free(&r);
  }
  /* the search-as-you-type fragment (a few KB, every keystroke) is sent
   * as it is: it fits the first round trip either way */
  assert_int_equal(th_http(S_srv, "GET", "/search?q=phone&fragment=1", NULL, 0, gz, &r), 0);
  assert_int_equal(r.status, 200);
  char *ce = th_resp_header(&r, "Content-Encoding");
  assert_null(ce);
  assert_true(r.nbody > 512 && r.nbody < 8192);
  assert_non_null(strstr(r.body, "<mark>"));
  th_resp_free(&r);
  assert_int_equal(th_http(S_srv, "GET", "/help/cafe-wifi", NULL, 0, NULL, &r), 0);
  ce = th_resp_header(&r, "Content-Encoding");
  assert_null(ce); /* not asked for: plain */
  assert_non_null(strstr(r.body, "<nav class=\"crumbs\" aria-label=\"Breadcrumb\">"));
  assert_non_null(strstr(r.body, "<form class=\"search-mini\" role=\"search\""));
  assert_non_null(strstr(r.body, "<p class=\"updated\">Last updated <time datetime=\""));
  assert_null(strstr(r.body, "href=\"/agent\"")); /* the public navigation */
  /* a public page runs the public script only; the console its own */
  assert_non_null(strstr(r.body, "<script src=\"/static/app.js\" defer></script>"));
  assert_null(strstr(r.body, "console.js"));
  th_resp_free(&r);
  char *agent = S_get("/agent", 200, NULL);
  assert_non_null(strstr(agent, "<script src=\"/static/console.js\" defer></script>"));
  assert_null(strstr(agent, "/static/app.js"));
  free(agent);
  char *b = S_get("/search?q=sim&page=99", 200, NULL);
  assert_null(strstr(b, "Page 99"));
  free(b);
  const char *near[][2] = {{"LS1+4AP", "LS1 4AP (Leeds)"}, {"ls14ap", "LS1 4AP (Leeds)"}, {"YO1", "YO1 (York)"},
                           {"harogate", "Stores nearest to Harrogate (you searched for"}};
  for (size_t i = 0; i < 4; i++) {
    char *path = th_fmt("/stores?near=%s", near[i][0]);
    b = S_get(path, 200, NULL);
    if (!strstr(b, near[i][1])) print_error("%s: no %s\n", path, near[i][1]);
    assert_non_null(strstr(b, near[i][1]));
    free(b);
    free(path);
  }
  free(S_get("/topics/no-such-topic", 404, NULL));
}

/* Issue #22, item 7: the KB health page and /healthz while the indexer's
 * last build has errors (its status file beside the index). */
static void test_kb_health(void **state) {
  (void)state;
  char *ix = NULL;
  const char *extra[] = {"--quiet", NULL};
  th_server *s = th_serve_kb("tests/fixtures/kb", extra, &ix);
  assert_non_null(s);
  char *status = th_fmt("%s.status.json", ix);
  assert_int_equal(th_write_file(status, "{\"builds\":2,\"ok\":false,\"errors\":1,\"warnings\":1,"
                                 "\"finished\":\"2026-12-02T10:00:00Z\",\"kb\":\"/srv/kb\",\"problems\":["
                                 "\"/srv/kb/articles/x.md:2: error: missing title (every article needs 'title:')\","
                                 "\"/srv/kb/articles/y.md:4: warning: unknown key 'phrase' (ignored)\"]}\n"), 0);
  th_resp r;
  assert_true(th_wait_body(s, "/healthz", "\"status\":\"degraded\"", 40));
  assert_int_equal(th_http(s, "GET", "/kb-health", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(r.body, "<code class=\"where\">articles/x.md:2</code> <span class=\"msg\">missing title"));
  assert_null(strstr(r.body, "/srv/kb"));
  assert_non_null(strstr(r.body, "<p class=\"fix\">How to fix: Add title:"));
  assert_non_null(strstr(r.body, "<code class=\"where\">articles/y.md:4</code> <span class=\"msg\">unknown key"));
  assert_non_null(strstr(r.body, "last good version is serving since"));
  th_resp_free(&r);
  assert_int_equal(th_write_file(status, "{\"builds\":3,\"ok\":true,\"errors\":0,\"warnings\":0,\"problems\":[]}\n"), 0);
  int ok = 0;
  for (int i = 0; i < 40 && !ok; i++) {
    assert_int_equal(th_http(s, "GET", "/healthz", NULL, 0, NULL, &r), 0);
    ok = strstr(r.body, "\"status\":\"ok\"") != NULL;
    th_resp_free(&r);
    if (!ok) usleep(50 * 1000);
  }
  assert_true(ok);
  assert_int_equal(th_server_stop(s), 0);
  free(status);
  free(ix);
}

/* Issue #22, item 9: flags and unanswered mentions reach the queue. */
static void test_team_queue(void **state) {
  (void)state;
  th_resp r;
  const char *h[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
  const char *flag = "text=where+is+my+refund&author=sam&collection=default&slug=refund-status&reason=outdated&note=new+rules";
  assert_int_equal(th_http(S_srv, "POST", "/team/flag", flag, strlen(flag), h, &r), 0);
  assert_int_equal(r.status, 303);
  char *loc = th_resp_header(&r, "Location");
  assert_string_equal(loc, "/agent?done=flagged&text=where+is+my+refund&author=sam");
  free(loc);
  th_resp_free(&r);
  const char *miss = "text=do+you+sell+fairphones&author=zoe&note=phones+we+do+not+sell";
  assert_int_equal(th_http(S_srv, "POST", "/team/unanswered", miss, strlen(miss), h, &r), 0);
  assert_int_equal(r.status, 303);
  th_resp_free(&r);
  const char *bad = "text=x&collection=default&slug=refund-status&reason=boring";
  assert_int_equal(th_http(S_srv, "POST", "/team/flag", bad, strlen(bad), h, &r), 0);
  assert_int_equal(r.status, 400);
  th_resp_free(&r);
  char *b = S_get("/team/queue", 200, NULL);
  assert_non_null(strstr(b, "2 waiting"));
  assert_non_null(strstr(b, "<strong>Out of date</strong>: <a href=\"/help/refund-status\">"));
  assert_non_null(strstr(b, "@zoe: do you sell fairphones"));
  free(b);
  const char *done = "id=1";
  assert_int_equal(th_http(S_srv, "POST", "/team/queue/done", done, strlen(done), h, &r), 0);
  assert_int_equal(r.status, 303);
  th_resp_free(&r);
  b = S_get("/team/queue", 200, NULL);
  assert_non_null(strstr(b, "1 waiting"));
  free(b);
  assert_int_equal(th_http(S_srv, "GET", "/team/flag", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 405);
  th_resp_free(&r);
}

/* Issue #22, item 8: the reports' trends and their CSV. */
static void test_reports_trends(void **state) {
  (void)state;
  th_resp r;
  assert_int_equal(th_http(S_srv, "GET", "/reports.csv?days=3", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  char *ct = th_resp_header(&r, "Content-Type");
  assert_string_equal(ct, "text/csv; charset=utf-8");
  free(ct);
  assert_int_equal(strncmp(r.body, "day,mentions,unique_mentions,", 29), 0);
  int lines = 0;
  for (const char *p = r.body; *p; p++) lines += *p == '\n';
  assert_int_equal(lines, 4);
  th_resp_free(&r);
  assert_int_equal(th_http(S_srv, "GET", "/reports.csv?days=0", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 400);
  th_resp_free(&r);
  char *b = S_get("/reports?days=7", 200, NULL);
  assert_non_null(strstr(b, "<option value=\"7\" selected>"));
  assert_non_null(strstr(b, "<svg viewBox=\"0 0 600 160\" role=\"img\" aria-labelledby=\"ch0-t ch0-d\"><title id=\"ch0-t\">Mentions a day</title>"));
  const char *h1 = strstr(b, "<h1>");
  assert_non_null(h1);
  assert_null(strstr(h1 + 1, "<h1>"));
  free(b);
}

/* With a public address, neither the warning nor the notice. */
static void test_public_url_no_notice(void **state) {
  (void)state;
  const char *extra[] = {"--public-url", "https://help.example.com", "--quiet", NULL};
  th_server *s = th_serve_kb("tests/fixtures/kb", extra, NULL);
  assert_non_null(s);
  th_resp r;
  assert_int_equal(th_http(s, "GET", "/agent", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  assert_null(strstr(r.body, "notice loopback"));
  th_resp_free(&r);
  char *log = th_server_log(s);
  assert_null(strstr(log, "warning: replies link"));
  free(log);
  assert_int_equal(th_server_stop(s), 0);
}

/* n occurrences of ch in s[0..n). */
static int S_count(const char *s, size_t n, char ch) {
  int k = 0;
  for (size_t i = 0; i < n; i++) k += s[i] == ch;
  return k;
}

/* Every page carries app.css in a <style> (the first paint waits for no
 * second request), and the staff's pages console.css in a second one
 * after it, each without the file's comments but with all its rules; the
 * public pages carry app.css alone. The Content-Security-Policy admits
 * those texts by their SHA-256 and no other inline style: a changed byte
 * would leave the page unstyled, which the browser suite would see as a
 * CSP violation. */
static void test_inline_style(void **state) {
  (void)state;
  th_resp r;
  char *css[2] = {S_get("/static/app.css", 200, NULL), S_get("/static/console.css", 200, NULL)};
  const char *paths[] = {"/", "/search?q=wifi", "/help/cafe-wifi", "/stores", "/help/no-such-page",
                         "/agent", "/reports", "/kb-health"};
  for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
    int staff = i >= 5, nsheets = staff ? 2 : 1;
    assert_int_equal(th_http(S_srv, "GET", paths[i], NULL, 0, NULL, &r), 0);
    const char *at = r.body, *head = strstr(r.body, "</head>");
    assert_null(strstr(r.body, "rel=\"stylesheet\""));   /* nothing else to wait for */
    char *csp = th_resp_header(&r, "Content-Security-Policy");
    assert_null(strstr(csp, "unsafe-inline"));
    for (int k = 0; k < nsheets; k++) {
      const char *open = strstr(at, "<style>");
      if (!open) print_error("%s: no <style> %d\n", paths[i], k + 1);
      assert_non_null(open);
      assert_true(open < head);
      open += strlen("<style>");
      const char *close = strstr(open, "</style>");
      assert_non_null(close);
      size_t n = (size_t)(close - open);
      assert_int_equal(S_count(open, n, '{'), S_count(css[k], strlen(css[k]), '{'));
      assert_int_equal(S_count(open, n, '}'), S_count(css[k], strlen(css[k]), '}'));
      assert_null(memmem(open, n, "/*", 2));
      char want[64], hash[45];
      kb_sha256_base64(open, n, hash);
      snprintf(want, sizeof want, " 'sha256-%s'", hash);
      if (!strstr(csp, want)) print_error("%s: CSP %s, want %s\n", paths[i], csp, want);
      assert_non_null(strstr(csp, want));
      at = close;
    }
    assert_null(strstr(at, "<style"));                     /* no more */
    /* the console's rules stay off the public pages */
    assert_true(staff == (strstr(r.body, "li.suggestion") != NULL));
    free(csp);
    th_resp_free(&r);
  }
  free(css[0]);
  free(css[1]);
}

static void test_static_files(void **state) {
  (void)state;
  th_resp r;
  char *b = S_get("/static/app.css", 200, &r);
  char *ct = th_resp_header(&r, "Content-Type"), *cc = th_resp_header(&r, "Cache-Control"),
       *et = th_resp_header(&r, "ETag");
  assert_string_equal(ct, "text/css; charset=utf-8");
  assert_non_null(strstr(cc, "max-age"));
  assert_non_null(et);
  free(ct); free(cc); free(et);
  th_resp_free(&r);
  free(b);
  const char *bad[] = {"/static/../Makefile", "/static/%2e%2e/Makefile", "/static/%2e%2e%2fMakefile",
                       "/static/.hidden", "/static/", "/static/app.css%00.png", "/static/..%5cMakefile"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    assert_int_equal(th_http(S_srv, "GET", bad[i], NULL, 0, NULL, &r), 0);
    if (r.status != 404 && r.status != 400) print_error("%s: %ld\n", bad[i], r.status);
    assert_true(r.status == 404 || r.status == 400);
    assert_null(strstr(r.body, "PREFIX")); /* not the Makefile */
    th_resp_free(&r);
  }
}

static void test_methods(void **state) {
  (void)state;
  th_resp r;
  assert_int_equal(th_http(S_srv, "POST", "/", "x", 1, NULL, &r), 0);
  assert_int_equal(r.status, 405);
  th_resp_free(&r);
  assert_int_equal(th_http(S_srv, "GET", "/helpful", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 405);
  th_resp_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_home_and_headers), cmocka_unit_test(test_search_results),
      cmocka_unit_test(test_page_arguments),
      cmocka_unit_test(test_did_you_mean),     cmocka_unit_test(test_empty_state),
      cmocka_unit_test(test_escaping),         cmocka_unit_test(test_article),
      cmocka_unit_test(test_store_page_and_finder), cmocka_unit_test(test_helpful_form),
      cmocka_unit_test(test_agent_console),    cmocka_unit_test(test_static_files),
      cmocka_unit_test(test_methods),          cmocka_unit_test(test_agent_cards_and_forms),
      cmocka_unit_test(test_public_url_no_notice), cmocka_unit_test(test_public_basics),
      cmocka_unit_test(test_kb_health),        cmocka_unit_test(test_team_queue),
      cmocka_unit_test(test_reports_trends),    cmocka_unit_test(test_inline_style),
      cmocka_unit_test(test_result_heads_kept), /* last: its views move the popular list */
  };
  return cmocka_run_group_tests_name("pages", tests, S_setup, S_teardown);
}
