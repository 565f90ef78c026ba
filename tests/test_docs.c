/*
 * test_docs.c - the documentation's examples are tests: every `curl` line
 * in docs/api.md runs against a real kb-serve on the sample knowledge base
 * and must answer the status written after "# ->".
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  char *cmd;    /* the curl command line as written */
  int status;   /* expected HTTP status */
} S_example;

static S_example S_ex[128];
static int S_nex;
static th_server *S_srv;

/* Collects "curl ... # -> NNN" lines from docs/api.md. */
static void S_load(void) {
  char *doc = th_read_file("docs/api.md", NULL);
  if (!doc) return;
  for (char *l = strtok(doc, "\n"); l && S_nex < 128; l = strtok(NULL, "\n")) {
    char *arrow = strstr(l, "# ->");
    if (strncmp(l, "curl ", 5) != 0 || !arrow) continue;
    int st = atoi(arrow + 4);
    char *end = arrow;
    while (end > l && end[-1] == ' ') end--;
    S_ex[S_nex].cmd = strndup(l, (size_t)(end - l));
    S_ex[S_nex++].status = st;
  }
  free(doc);
}

static int S_setup(void **state) {
  (void)state;
  const char *extra[] = {"--quiet", NULL};
  S_srv = th_serve_kb("kb", extra, NULL);
  return S_srv ? 0 : -1;
}

static int S_teardown(void **state) {
  (void)state;
  return S_srv ? th_server_stop(S_srv) : 0;
}

static void test_example(void **state) {
  const S_example *e = *state;
  /* point the example at the test server and ask curl for the status only */
  char *port = th_fmt("127.0.0.1:%d", th_server_port(S_srv));
  const char *at = strstr(e->cmd, "localhost:8080");
  assert_non_null(at);
  char *cmd = th_fmt("%.*s%s%s -o /dev/null -w '%%{http_code}'", (int)(at - e->cmd), e->cmd,
                     port, at + strlen("localhost:8080"));
  char *out = NULL;
  assert_int_equal(th_run(cmd, &out), 0);
  if (atoi(out) != e->status) print_error("%s\n-> %s, want %d\n", e->cmd, out, e->status);
  assert_int_equal(atoi(out), e->status);
  free(out);
  free(cmd);
  free(port);
}

static void test_examples_exist(void **state) {
  (void)state;
  assert_true(S_nex >= 15);
}

int main(void) {
  S_load();
  struct CMUnitTest tests[129];
  int n = 0;
  tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_examples_exist);
  for (int i = 0; i < S_nex; i++)
    tests[n++] = (struct CMUnitTest){S_ex[i].cmd, test_example, NULL, NULL, &S_ex[i]};
  int rc = _cmocka_run_group_tests("docs", tests, (size_t)n, S_setup, S_teardown);
  for (int i = 0; i < S_nex; i++) free(S_ex[i].cmd);
  return rc;
}
