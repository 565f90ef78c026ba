/*
 * test_reload.c - swapping the index without downtime: a replaced file is
 * picked up, a broken one is refused while the old index keeps serving,
 * SIGHUP reloads, the pages' frame (rendered once per index, kb_page.c)
 * shows a reloaded index's site content from its first page on, and 20
 * reloads under a steady load of suggest requests from a second process
 * lose no request and give no half-loaded answer.
 */
#include "harness.h"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static th_server *S_srv;
static char *S_index, *S_dir, *S_ix_a, *S_ix_b;

/* Builds the fixtures (A: 12 articles) and the fixtures plus one article
 * (B: 13), with another site title and phone number and words for the
 * count of results, into two index files. */
static int S_setup(void **state) {
  (void)state;
  S_dir = th_tmpdir();
  char *kb = th_fmt("%s/kb", S_dir);
  char *cmd = th_fmt("cp -r tests/fixtures/kb %s && printf -- '---\\ntitle: Extra page\\ncategory: Reloaded topic\\n---\\nextra\\n' > %s/extra.md"
                     " && sed -i 's/^title: PhoneRetailer Help/title: Reloaded Help/; s/0113 496 0500/0113 496 0999/'"
                     " %s/site.yaml && printf 'search.count.one\\t{n} reloaded result for {q}\\n"
                     "search.count.other\\t{n} reloaded results for {q}\\n' > %s/lang/en/ui.tsv",
                     kb, kb, kb, kb);
  int rc = th_run(cmd, NULL);
  free(cmd);
  S_ix_a = th_fmt("%s/a.sqlite", S_dir);
  S_ix_b = th_fmt("%s/b.sqlite", S_dir);
  cmd = th_fmt("%s/kb-index -q tests/fixtures/kb -o %s && %s/kb-index -q %s -o %s", th_bin_dir(),
               S_ix_a, th_bin_dir(), kb, S_ix_b);
  rc |= th_run(cmd, NULL);
  free(cmd);
  free(kb);
  if (rc) return -1;
  const char *extra[] = {"--quiet", NULL};
  S_srv = th_serve_kb("tests/fixtures/kb", extra, &S_index);
  return S_srv ? 0 : -1;
}

static int S_teardown(void **state) {
  (void)state;
  int rc = S_srv ? th_server_stop(S_srv) : 0;
  free(S_index);
  free(S_ix_a);
  free(S_ix_b);
  th_rmtree(S_dir);
  free(S_dir);
  return rc;
}

/* Copies src over the served index by rename, as kb-index does. */
static void S_replace(const char *src) {
  char *tmp = th_fmt("%s.new", S_index);
  char *cmd = th_fmt("cp %s %s && mv %s %s", src, tmp, tmp, S_index);
  assert_int_equal(th_run(cmd, NULL), 0);
  free(cmd);
  free(tmp);
}

static cJSON *S_health(void) {
  th_resp r;
  assert_int_equal(th_http(S_srv, "GET", "/healthz", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  cJSON *j = cJSON_Parse(r.body);
  th_resp_free(&r);
  assert_non_null(j);
  return j;
}

static int S_articles(void) {
  cJSON *j = S_health();
  int n = cJSON_GetObjectItem(j, "articles")->valueint;
  cJSON_Delete(j);
  return n;
}

static void S_sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* Waits up to 5 s for /healthz to show n articles. */
static int S_wait_articles(int n) {
  for (int i = 0; i < 250; i++) {
    if (S_articles() == n) return 1;
    S_sleep_ms(20);
  }
  return 0;
}

static void test_replaced_file_is_served(void **state) {
  (void)state;
  assert_int_equal(S_articles(), 12);
  S_replace(S_ix_b);
  assert_true(S_wait_articles(13));
  cJSON *j = S_health();
  assert_true(cJSON_GetObjectItem(j, "reloads")->valueint >= 1);
  assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "reload_error")));
  cJSON_Delete(j);
}

static void test_broken_file_is_refused(void **state) {
  (void)state;
  char *junk = th_fmt("%s/junk.sqlite", S_dir);
  th_write_file(junk, "this is not an index at all, just some text in a file");
  S_replace(junk);
  S_sleep_ms(800);
  cJSON *j = S_health();
  assert_int_equal(cJSON_GetObjectItem(j, "articles")->valueint, 13); /* old one serves */
  assert_true(cJSON_IsString(cJSON_GetObjectItem(j, "reload_error")));
  /* the reason, without where the server's files are (issue #18, 10) */
  const char *why = cJSON_GetObjectItem(j, "reload_error")->valuestring;
  if (strchr(why, '/')) print_error("reload_error: %s\n", why);
  assert_null(strchr(why, '/'));
  assert_true(cJSON_GetObjectItem(j, "refused")->valueint >= 1);
  cJSON_Delete(j);
  /* and answers */
  th_resp r;
  const char *body = "{\"text\":\"sim tray stuck\"}";
  assert_int_equal(th_http(S_srv, "POST", "/api/v1/suggest", body, strlen(body), NULL, &r), 0);
  assert_int_equal(r.status, 200);
  th_resp_free(&r);
  /* a truncated copy of a real index is refused too */
  char *cmd = th_fmt("head -c 20000 %s > %s", S_ix_a, junk);
  th_run(cmd, NULL);
  free(cmd);
  S_replace(junk);
  S_sleep_ms(800);
  assert_int_equal(S_articles(), 13);
  char *log = th_server_log(S_srv);
  assert_non_null(strstr(log, "new index refused"));
  free(log);
  free(junk);
}

static void test_sighup_reloads(void **state) {
  (void)state;
  S_replace(S_ix_a);
  assert_true(S_wait_articles(12));
  cJSON *j = S_health();
  int before = cJSON_GetObjectItem(j, "reloads")->valueint;
  cJSON_Delete(j);
  assert_int_equal(th_server_signal(S_srv, SIGHUP), 0);
  int after = before;
  for (int i = 0; i < 250 && after == before; i++) {
    S_sleep_ms(20);
    j = S_health();
    after = cJSON_GetObjectItem(j, "reloads")->valueint;
    cJSON_Delete(j);
  }
  assert_int_equal(after, before + 1);
}

/* The body of a page of the served index (200). */
static char *S_page(const char *path) {
  th_resp r;
  assert_int_equal(th_http(S_srv, "GET", path, NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  char *body = strdup(r.body);
  th_resp_free(&r);
  return body;
}

/* The frame of the pages (title, header, footer) is rendered once per
 * index generation: after a reload the next page has the new index's
 * site content in its head, header and footer, on every kind of page
 * that copies the frame; so do the texts found once per generation
 * (kb_ui_key), which the fragment shows too. */
static void test_reload_shows_new_site_content(void **state) {
  (void)state;
  static const char *const paths[] = {"/search?q=refund", "/", "/help/refund-status",
                                      "/search?q=refund&fragment=1"};
  S_replace(S_ix_a);
  assert_true(S_wait_articles(12));
  for (int i = 0; i < 4; i++) { /* A's frame rendered and kept, its texts found */
    char *p = S_page(paths[i]);
    assert_null(strstr(p, "reloaded result"));
    if (i == 3) {
      free(p);
      continue;
    }
    assert_non_null(strstr(p, "<title>"));
    assert_non_null(strstr(p, "PhoneRetailer Help</title>"));
    assert_non_null(strstr(p, "0113 496 0500"));
    assert_null(strstr(p, "Reloaded Help"));
    free(p);
  }
  S_replace(S_ix_b);
  assert_true(S_wait_articles(13));
  for (int i = 0; i < 3; i++) {
    char *p = S_page(paths[i]);
    assert_non_null(strstr(p, "Reloaded Help</title>"));
    assert_non_null(strstr(p, "class=\"brand\" href=\"/\">Reloaded Help</a>"));
    assert_non_null(strstr(p, "0113 496 0999"));
    assert_null(strstr(p, "PhoneRetailer Help"));
    assert_null(strstr(p, "0113 496 0500"));
    free(p);
  }
  char *f = S_page(paths[3]); /* the fragment: no frame, but the texts kept with it */
  assert_null(strstr(f, "<footer"));
  assert_non_null(strstr(f, "reloaded result"));
  free(f);
  f = S_page(paths[0]);
  assert_non_null(strstr(f, "reloaded result"));
  free(f);
}

/* The topic list of the home page and of a search without results is
 * rendered once per page language and index generation (kept in the
 * frame, kb_page_topics()): after a reload the next page lists the new
 * index's categories (B's extra page has one; A's articles none). */
static void test_reload_shows_new_topics(void **state) {
  (void)state;
  static const char *const paths[] = {"/", "/search?q=zzqxv", "/search?q=zzqxv&fragment=1"};
  S_replace(S_ix_a);
  assert_true(S_wait_articles(12));
  for (int r = 0; r < 2; r++) /* A's list rendered, then the kept one */
    for (int i = 0; i < 3; i++) {
      char *p = S_page(paths[i]);
      assert_null(strstr(p, "Reloaded topic"));
      free(p);
    }
  S_replace(S_ix_b);
  assert_true(S_wait_articles(13));
  for (int r = 0; r < 2; r++)
    for (int i = 0; i < 3; i++) {
      char *p = S_page(paths[i]);
      assert_non_null(strstr(p, "<ul class=\"topics\"><li><a href=\"/topics/reloaded-topic\">Reloaded topic</a>"));
      free(p);
    }
  S_replace(S_ix_a);
  assert_true(S_wait_articles(12));
  char *p = S_page(paths[2]);
  assert_null(strstr(p, "Reloaded topic"));
  free(p);
}

/* The load: a child process posts suggest requests until told to stop and
 * writes "sent failed incomplete" to the pipe. */
static void S_load(int fd) {
  const char *texts[] = {"{\"text\":\"how do i get the sim out of my iphone\"}",
                         "{\"text\":\"is there a shop in Leeds?\"}",
                         "{\"text\":\"still waiting for my refund\"}"};
  long sent = 0, failed = 0, incomplete = 0;
  while (getppid() != 1) {
    const char *b = texts[sent % 3];
    th_resp r;
    sent++;
    if (th_http(S_srv, "POST", "/api/v1/suggest", b, strlen(b), NULL, &r) != 0 || r.status != 200) {
      failed++;
    } else {
      cJSON *j = cJSON_Parse(r.body);
      cJSON *s = j ? cJSON_GetArrayItem(cJSON_GetObjectItem(j, "suggestions"), 0) : NULL;
      if (!s || !cJSON_IsString(cJSON_GetObjectItem(s, "reply"))) incomplete++;
      cJSON_Delete(j);
    }
    th_resp_free(&r);
    char c;
    if (read(fd, &c, 1) == 1) break; /* the parent says stop */
  }
  char line[128];
  int n = snprintf(line, sizeof line, "%ld %ld %ld\n", sent, failed, incomplete);
  if (write(STDOUT_FILENO, line, (size_t)n) < 0) _exit(2);
  _exit(0);
}

static void test_twenty_reloads_under_load(void **state) {
  (void)state;
  int stop[2], out[2];
  assert_int_equal(pipe(stop), 0);
  assert_int_equal(pipe(out), 0);
  pid_t pid = fork();
  if (pid == 0) {
    close(stop[1]);
    close(out[0]);
    dup2(out[1], STDOUT_FILENO);
    /* a non-blocking read end: the child polls it between requests */
    int fl = fcntl(stop[0], F_GETFL);
    fcntl(stop[0], F_SETFL, fl | O_NONBLOCK);
    S_load(stop[0]);
  }
  close(stop[0]);
  close(out[1]);
  int cur = S_articles();
  for (int i = 0; i < 20; i++) {
    int want = cur == 12 ? 13 : 12;
    S_replace(want == 13 ? S_ix_b : S_ix_a);
    assert_true(S_wait_articles(want));
    cur = want;
  }
  assert_int_equal(write(stop[1], "x", 1), 1);
  char buf[128] = {0};
  ssize_t n = read(out[0], buf, sizeof buf - 1);
  int st;
  waitpid(pid, &st, 0);
  close(stop[1]);
  close(out[0]);
  assert_true(n > 0);
  long sent = 0, failed = -1, incomplete = -1;
  sscanf(buf, "%ld %ld %ld", &sent, &failed, &incomplete);
  print_message("# load during 20 reloads: %ld requests, %ld failed, %ld incomplete\n", sent,
                failed, incomplete);
  assert_true(sent > 20);
  assert_int_equal(failed, 0);
  assert_int_equal(incomplete, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_replaced_file_is_served),
      cmocka_unit_test(test_broken_file_is_refused),
      cmocka_unit_test(test_sighup_reloads),
      cmocka_unit_test(test_reload_shows_new_site_content),
      cmocka_unit_test(test_reload_shows_new_topics),
      cmocka_unit_test(test_twenty_reloads_under_load),
  };
  return cmocka_run_group_tests_name("reload", tests, S_setup, S_teardown);
}
