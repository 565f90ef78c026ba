/*
 * fuzz_reply.c - libFuzzer target: the reply renderer. The input is split
 * into author, template and title at NUL bytes; whatever it is, the reply
 * must fit in a tweet whenever its URL and handle do, with links Twitter
 * counts as 23 and with loopback ones it counts whole.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kb_reply.h"
#include "kb_text.h"
#include "kb_tweet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 8192) return 0;
  char *buf = malloc(size + 3);
  memcpy(buf, data, size);
  buf[size] = buf[size + 1] = buf[size + 2] = 0;
  const char *author = buf;
  const char *tmpl = author + strlen(author) + 1;
  const char *title = tmpl <= buf + size ? tmpl + strlen(tmpl) + 1 : buf + size + 2;
  if (title > buf + size + 2) title = buf + size + 2;
  if (!kb_text_utf8_valid(tmpl, strlen(tmpl), NULL) || !kb_text_utf8_valid(title, strlen(title), NULL)) {
    free(buf);
    return 0;
  }
  int len = 0;
  const char *handle = kb_reply_handle_valid(author) ? author : NULL;
  char *r = kb_reply_compose(handle, tmpl, title, "https://help.example.co.uk/help/x", &len);
  if (len != kb_tweet_length(r, strlen(r))) __builtin_trap();
  free(r);
  /* with a place named: the sections sent, {store} a link of its own */
  r = kb_reply_compose_store(handle, tmpl, title, "https://help.example.co.uk/help/x",
                             "https://help.example.co.uk/help/store-leeds", 1, &len);
  if (len != kb_tweet_length(r, strlen(r))) __builtin_trap();
  free(r);
  /* links Twitter does not count as links (a loopback public URL): kept
   * whole, counted whole, and the reply still fits (they fit alone) */
  r = kb_reply_compose_store(handle, tmpl, title, "http://127.0.0.1:8080/help/x",
                             "http://127.0.0.1:8080/help/store-leeds", 1, &len);
  if (len != kb_tweet_length(r, strlen(r)) || len > KB_REPLY_MAX) __builtin_trap();
  free(r);
  char *bad = NULL;
  kb_reply_max_length(tmpl, title, &bad);
  free(bad);
  free(buf);
  return 0;
}
