/*
 * fuzz_text.c - libFuzzer target: the analyzer (every flag combination the
 * index and the queries use) and the tweet-length counter on any bytes.
 */
#include <stddef.h>
#include <stdint.h>

#include "kb_text.h"
#include "kb_tweet.h"

static int S_sink(void *ctx, int flags, const char *t, int n, int s, int e) {
  (void)ctx; (void)flags;
  /* the spans must lie inside the input and the terms be non-empty */
  if (n <= 0 || s < 0 || e < s || !t) __builtin_trap();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static kb_analyzer *an;
  if (!an) an = kb_analyzer_new("en", NULL, 0);
  if (size > 1 << 16) return 0;
  static const int flags[] = {0, KB_TEXT_QUERY, KB_TEXT_EXACT, KB_TEXT_PREFIX | KB_TEXT_NOSTOP,
                              KB_TEXT_QUERY | KB_TEXT_EXACT};
  for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
    kb_analyzer_run(an, (const char *)data, (int)size, flags[i], S_sink, NULL);
  kb_tweet_length((const char *)data, size);
  return 0;
}
