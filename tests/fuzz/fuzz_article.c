/*
 * fuzz_article.c - libFuzzer target: front matter (libyaml) and Markdown
 * (cmark-gfm) extraction of an article file, with its validation.
 */
#include <stddef.h>
#include <stdint.h>

#include "kb_article.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > KB_ARTICLE_MAX_BYTES) return 0;
  kb_diag *d = kb_diag_new();
  kb_article *a = kb_article_parse("fuzz.md", (const char *)data, size, d);
  kb_article_free(a);
  kb_diag_free(d);
  return 0;
}
