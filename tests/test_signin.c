/*
 * test_signin.c - the staff sign in with their key once: a session cookie
 * (HttpOnly, SameSite=Strict) then opens the console or the team's pages,
 * as the key's role allows; pages asked for without it go to the sign-in
 * form and back; the agent routes take the cookie too; signing out ends
 * it; a foreign Origin cannot use it.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_AGENT "agent-0123456789abcdef"
#define S_TEAM "team-fedcba9876543210"

static th_server *S_srv;
static char *S_dir;

static int S_setup(void **state) {
  (void)state;
  S_dir = th_tmpdir();
  char *keys = th_fmt("%s/keys", S_dir), *data = th_fmt("%s/data", S_dir);
  th_write_file(keys, "# one key for agents, one for the knowledge team\nagent " S_AGENT "\nteam " S_TEAM "\n");
  char *cmd = th_fmt("mkdir -p %s", data);
  th_run(cmd, NULL);
  free(cmd);
  const char *extra[] = {"--api-keys", keys, "--data", data, "--quiet", NULL};
  S_srv = th_serve_kb("tests/fixtures/kb", extra, NULL);
  free(keys);
  free(data);
  return S_srv ? 0 : -1;
}

static int S_teardown(void **state) {
  (void)state;
  int rc = S_srv ? th_server_stop(S_srv) : 0;
  th_rmtree(S_dir);
  free(S_dir);
  return rc;
}

/* Signs in with key; returns the session cookie ("kb_session=..."), or
 * NULL when the server set none. */
static char *S_signin(const char *key, const char *next, char **plocation) {
  char *body = th_fmt("key=%s&next=%s", key, next);
  const char *h[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
  th_resp r;
  assert_int_equal(th_http(S_srv, "POST", "/signin", body, strlen(body), h, &r), 0);
  assert_int_equal(r.status, 303);
  char *set = th_resp_header(&r, "Set-Cookie");
  *plocation = th_resp_header(&r, "Location");
  th_resp_free(&r);
  free(body);
  if (!set) return NULL;
  assert_non_null(strstr(set, "HttpOnly"));
  assert_non_null(strstr(set, "SameSite=Strict"));
  assert_non_null(strstr(set, "Path=/"));
  char *semi = strchr(set, ';');
  if (semi) *semi = 0;
  return set;
}

static long S_get(const char *path, const char *cookie, char **plocation) {
  char *ch = cookie ? th_fmt("Cookie: %s", cookie) : NULL;
  const char *h[] = {ch, NULL};
  th_resp r;
  assert_int_equal(th_http(S_srv, "GET", path, NULL, 0, ch ? h : NULL, &r), 0);
  long st = r.status;
  if (plocation) *plocation = th_resp_header(&r, "Location");
  th_resp_free(&r);
  free(ch);
  return st;
}

static void test_pages_ask_to_sign_in(void **state) {
  (void)state;
  char *loc = NULL;
  assert_int_equal(S_get("/agent", NULL, &loc), 303);
  assert_string_equal(loc, "/signin?next=%2Fagent");
  free(loc);
  assert_int_equal(S_get("/kb-health", NULL, &loc), 303);
  free(loc);
  assert_int_equal(S_get("/reports", NULL, &loc), 303);
  free(loc);
  assert_int_equal(S_get("/signin?next=%2Fagent", NULL, NULL), 200);
  /* the public site needs nothing */
  assert_int_equal(S_get("/", NULL, NULL), 200);
}

static void test_wrong_key(void **state) {
  (void)state;
  char *loc = NULL;
  char *c = S_signin("not-a-key-of-ours-000", "%2Fagent", &loc);
  assert_null(c);
  assert_non_null(strstr(loc, "/signin?failed=1"));
  free(loc);
  assert_int_equal(S_get("/signin?failed=1", NULL, NULL), 401);
}

static void test_roles(void **state) {
  (void)state;
  char *loc = NULL;
  char *agent = S_signin(S_AGENT, "%2Fagent", &loc);
  assert_non_null(agent);
  assert_string_equal(loc, "/agent");
  free(loc);
  assert_int_equal(S_get("/agent", agent, NULL), 200);
  assert_int_not_equal(S_get("/kb-health", agent, NULL), 200); /* an agent's key: not the team's pages */
  /* the console's own requests take the cookie as they take the key */
  char *ch = th_fmt("Cookie: %s", agent);
  const char *h[] = {ch, "Content-Type: application/json", NULL};
  const char *b = "{\"text\":\"sim tray stuck\"}";
  th_resp r;
  assert_int_equal(th_http(S_srv, "POST", "/api/v1/suggest", b, strlen(b), h, &r), 0);
  assert_int_equal(r.status, 200);
  th_resp_free(&r);
  /* ... but not from another site's page */
  const char *hx[] = {ch, "Content-Type: application/json", "Origin: http://evil.example", NULL};
  assert_int_equal(th_http(S_srv, "POST", "/api/v1/suggest", b, strlen(b), hx, &r), 0);
  assert_int_equal(r.status, 403);
  th_resp_free(&r);
  char *team = S_signin(S_TEAM, "%2Fkb-health", &loc);
  assert_non_null(team);
  assert_string_equal(loc, "/kb-health");
  free(loc);
  assert_int_equal(S_get("/kb-health", team, NULL), 200);
  assert_int_equal(S_get("/reports", team, NULL), 200);
  /* signing out ends the session */
  const char *hs[] = {ch, NULL};
  assert_int_equal(th_http(S_srv, "POST", "/signout", "", 0, hs, &r), 0);
  assert_int_equal(r.status, 303);
  char *set = th_resp_header(&r, "Set-Cookie");
  assert_non_null(strstr(set, "Max-Age=0"));
  free(set);
  th_resp_free(&r);
  assert_int_equal(S_get("/agent", agent, NULL), 303);
  /* a made-up cookie opens nothing; a redirect never leaves the site */
  assert_int_equal(S_get("/agent", "kb_session=0000000000000000000000000000000000000000000000000000000000000000", NULL), 303);
  char *far = S_signin(S_AGENT, "%2F%2Fevil.example%2F", &loc);
  assert_string_equal(loc, "/agent");
  free(loc);
  free(far);
  free(ch);
  free(agent);
  free(team);
}

/* The French site's sign-in: its form posts to /fr/signin, and every
 * redirect stays on the French site. */
static void test_signin_in_french(void **state) {
  (void)state;
  /* the sample KB (the fixtures are English only), with the same keys */
  th_server *en = S_srv;
  char *keys = th_fmt("%s/keys", S_dir), *data = th_fmt("%s/data-fr", S_dir), *cmd = th_fmt("mkdir -p %s", data);
  th_run(cmd, NULL);
  const char *extra[] = {"--api-keys", keys, "--data", data, "--quiet", NULL};
  S_srv = th_serve_kb("kb", extra, NULL);
  assert_non_null(S_srv);
  char *loc = NULL;
  assert_int_equal(S_get("/fr/agent", NULL, &loc), 303);
  assert_string_equal(loc, "/fr/signin?next=%2Fagent");
  free(loc);
  const char *h[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
  th_resp r;
  char *body = th_fmt("key=%s&next=%%2Fagent", S_AGENT);
  assert_int_equal(th_http(S_srv, "POST", "/fr/signin", body, strlen(body), h, &r), 0);
  assert_int_equal(r.status, 303);
  loc = th_resp_header(&r, "Location");
  assert_string_equal(loc, "/fr/agent");
  free(loc);
  char *set = th_resp_header(&r, "Set-Cookie");
  assert_non_null(set);
  free(set);
  th_resp_free(&r);
  free(body);
  body = th_fmt("key=not-a-key-of-ours-000&next=%%2Fagent");
  assert_int_equal(th_http(S_srv, "POST", "/fr/signin", body, strlen(body), h, &r), 0);
  assert_int_equal(r.status, 303);
  loc = th_resp_header(&r, "Location");
  assert_string_equal(loc, "/fr/signin?failed=1&next=%2Fagent");
  free(loc);
  th_resp_free(&r);
  free(body);
  assert_int_equal(th_http(S_srv, "POST", "/fr/signout", "", 0, h, &r), 0);
  assert_int_equal(r.status, 303);
  loc = th_resp_header(&r, "Location");
  assert_string_equal(loc, "/fr/");
  free(loc);
  th_resp_free(&r);
  /* not a language of the index: no such page */
  assert_int_equal(th_http(S_srv, "POST", "/zz/signin", "key=x", 5, h, &r), 0);
  assert_int_equal(r.status, 404);
  th_resp_free(&r);
  th_server_stop(S_srv);
  S_srv = en;
  free(cmd);
  free(data);
  free(keys);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pages_ask_to_sign_in),
      cmocka_unit_test(test_wrong_key),
      cmocka_unit_test(test_roles),
      cmocka_unit_test(test_signin_in_french),
  };
  return cmocka_run_group_tests_name("signin", tests, S_setup, S_teardown);
}
