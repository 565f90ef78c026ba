/*
 * fuzz_json.c - libFuzzer target: the JSON request handling of
 * POST /api/v1/suggest, /feedback and /helpful, on a real index built from
 * the test fixtures. Every answer must be a status with a JSON body. And
 * kb_json_flat_member() (a store's hours read without cJSON) gives what
 * cJSON gives on every text it reads; so does kb_json_flat_fields() (a
 * suggest's body read without cJSON), on texts kb_json_check() passes.
 */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kb_build.h"
#include "kb_json.h"
#include "server.h"

static kb_ctx S_ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc; (void)argv;
  char path[] = "/tmp/kbfuzz.XXXXXX";
  int fd = mkstemp(path);
  if (fd >= 0) close(fd);
  kb_build_opts o = {.kb_dir = "tests/fixtures/kb", .out = path};
  kb_diag *d = kb_diag_new();
  kb_build_stats st;
  char err[256];
  if (kb_build_run(&o, d, &st, err, sizeof err) != 0) {
    fprintf(stderr, "fuzz_json: cannot build the fixture index (run from the repository root)\n");
    exit(1);
  }
  kb_diag_free(d);
  S_ctx.ix = kb_index_open(path, err, sizeof err);
  S_ctx.geo = kb_geo_load(path, err, sizeof err);
  S_ctx.public_url = "http://kb.test";
  unlink(path);
  return S_ctx.ix && S_ctx.geo ? 0 : 1;
}

static void S_check(kb_http_resp *r) {
  if (r->status < 200 || r->status > 599) __builtin_trap();
  cJSON *j = cJSON_ParseWithLength(r->body.p ? r->body.p : "", r->body.n);
  if (!j) __builtin_trap(); /* every answer is JSON */
  cJSON_Delete(j);
  kb_buf_cleanup(&r->body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 64 * 1024) return 0;
  kb_http_resp r = {.ctype = "application/json", .body = KB_BUF_INIT};
  kb_api_suggest(&S_ctx, (const char *)data, size, &r);
  S_check(&r);
  kb_api_feedback(&S_ctx, (const char *)data, size, &r);
  S_check(&r);
  kb_api_helpful(&S_ctx, (const char *)data, size, &r);
  S_check(&r);
  char *z = malloc(size + 1);
  memcpy(z, data, size);
  z[size] = 0;
  static const char *const names[] = {"mon", "sun", ""};
  for (int k = 0; k < 3; k++) {
    char out[64];
    int got = kb_json_flat_member(z, names[k], out, sizeof out);
    if (got < 0) continue;
    cJSON *j = cJSON_Parse(z);
    cJSON *v = cJSON_GetObjectItemCaseSensitive(j, names[k]);
    if (!j || got != cJSON_IsString(v) || (got && strcmp(out, v->valuestring))) __builtin_trap();
    cJSON_Delete(j);
  }
  static const char *const fields[] = {"text", "limit", "lang", ""};
  kb_json_field f[4];
  char *buf = malloc(size + 1);
  size_t at;
  const char *why;
  if (kb_json_flat_fields((const char *)data, size, fields, 4, f, buf) == 0) {
    cJSON *j = cJSON_ParseWithLength((const char *)data, size);
    if (!j || kb_json_check((const char *)data, size, &at, &why) != 0) __builtin_trap();
    for (int k = 0; k < 4; k++) {
      cJSON *v = cJSON_GetObjectItemCaseSensitive(j, fields[k]);
      kb_json_kind want = !v                  ? KB_JSON_ABSENT
                          : cJSON_IsString(v) ? KB_JSON_STRING
                          : cJSON_IsNumber(v) ? KB_JSON_NUMBER
                          : cJSON_IsNull(v)   ? KB_JSON_NULL
                                              : KB_JSON_OTHER;
      if (f[k].kind != want || (want == KB_JSON_STRING && strcmp(f[k].str, v->valuestring)) ||
          (want == KB_JSON_NUMBER && memcmp(&f[k].num, &v->valuedouble, sizeof f[k].num)))
        __builtin_trap();
    }
    cJSON_Delete(j);
  }
  free(buf);
  free(z);
  return 0;
}
