/*
 * fuzz_synonyms.c - libFuzzer target: the synonym file parser.
 */
#include <stddef.h>
#include <stdint.h>

#include "kb_synonyms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kb_diag *d = kb_diag_new();
  kb_synonyms *s = kb_synonyms_parse("synonyms.txt", (const char *)data, size, d);
  kb_synonyms_free(s);
  kb_diag_free(d);
  return 0;
}
