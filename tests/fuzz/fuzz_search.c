/*
 * fuzz_search.c - libFuzzer target: the public search box and the suggest
 * path on any bytes, against kb/'s index (KB_FUZZ_INDEX, which run.sh
 * builds). The search box is the most exposed input the service reads
 * (kb_suggest_search(): the query read as a mention, searched and ranked),
 * as typed and as submitted, in each language of the index, with a page
 * past the first; then the same text as a customer's mention (kb_suggest()).
 * Whatever the bytes, invalid UTF-8 is refused with KB_SEARCH_EUTF8 and
 * anything else answers with at most the page asked for.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kb_geo.h"
#include "kb_search.h"
#include "kb_suggest.h"
#include "kb_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static kb_index *ix;
  static kb_geo *geo;
  char err[256];
  if (!ix) {
    const char *path = getenv("KB_FUZZ_INDEX");
    ix = path ? kb_index_open(path, err, sizeof err) : NULL;
    geo = ix ? kb_geo_load(path, err, sizeof err) : NULL;
    if (!ix || !geo) __builtin_trap(); /* run.sh builds it: a missing index is a setup error */
  }
  if (size > 2000) return 0; /* the API refuses queries over 1,000 bytes */
  const char *q = (const char *)data;
  int utf8 = kb_text_utf8_valid(q, size, NULL);
  static const char *const langs[] = {"en", "fr", "de", "es"};
  for (int i = 0; i < 4; i++) {
    kb_search_opts o = {.kinds = KB_KIND_ARTICLE | KB_KIND_STORE, .limit = 10,
                        .offset = (i & 1) ? 10 : 0, .prefix_last = i & 1, .cut_weak = 1,
                        .lang = langs[i]};
    kb_results r;
    int rc = kb_suggest_search(ix, geo, q, size, &o, &r, err, sizeof err);
    if (utf8 ? rc != KB_SEARCH_OK : rc != KB_SEARCH_EUTF8) __builtin_trap();
    if (rc == KB_SEARCH_OK && (r.n > o.limit || r.total < r.n)) __builtin_trap();
    if (rc == KB_SEARCH_OK) kb_results_free(&r);
  }
  if (utf8) {
    kb_suggest_opts so = {.limit = 5, .public_url = "https://help.example.co.uk"};
    kb_suggest_result s;
    if (kb_suggest(ix, geo, q, size, &so, &s, err, sizeof err) == KB_SEARCH_OK) kb_suggest_result_free(&s);
  }
  return 0;
}
