/*
 * kb_intent.c - whether a mention asks something (see kb_intent.h).
 *
 * Words are ASCII letters and digits, lower-cased, with apostrophes
 * dropped ("what's" is "whats", "’" too). The lists are small and
 * general on purpose: the question and request words of English, spelt as
 * customers type them ("wen", "cud", "pls"); no product or topic words.
 */
#include "kb_intent.h"

#include <ctype.h>
#include <string.h>

#define S_WORD_MAX 16

/* A question or request anywhere in the mention. */
static const char *const S_ask[] = {
    "how",  "what", "whats", "where", "wheres", "when", "wen",  "why", "which",
    "who",  "whos", "help",  "please", "pls",   "plz",  "need", "want", "wondering",
    "advice", NULL};

/* Verbs that open a question when they begin a clause. */
static const char *const S_opener[] = {
    "can", "could", "cud", "do", "does", "did", "is", "are", "am", "will",
    "would", "should", "has", "have", "any", "anyone", NULL};

/* Words that do not end a clause's start: "hi, can you...", "so is it...". */
static const char *const S_lead[] = {
    "hi", "hiya", "hey", "hello", "morning", "evening", "ok", "okay", "so",
    "and", "but", "also", "just", "um", "right", NULL};

static int S_in(const char *const *list, const char *w) {
  for (; *list; list++)
    if (!strcmp(*list, w)) return 1;
  return 0;
}

/* Whether the bytes at p start a curly apostrophe (U+2019). */
static int S_curly(const unsigned char *p, const unsigned char *end) {
  return end - p >= 3 && p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0x99;
}

/* Skips an @handle or a URL starting at p; returns where it ends. */
static const unsigned char *S_skip_token(const unsigned char *p, const unsigned char *end) {
  while (p < end && !isspace(*p)) p++;
  return p;
}

/* Reads one word from p into w (lower-cased, apostrophes dropped, cut at
 * S_WORD_MAX - 1 bytes); returns where it ends. */
static const unsigned char *S_word(const unsigned char *p, const unsigned char *end, char *w) {
  size_t k = 0;
  while (p < end) {
    if (isalnum(*p)) {
      if (k < S_WORD_MAX - 1) w[k++] = (char)tolower(*p);
      p++;
    } else if (*p == '\'') {
      p++;
    } else if (S_curly(p, end)) {
      p += 3;
    } else {
      break;
    }
  }
  w[k] = 0;
  return p;
}

int kb_intent_asks(const char *text, size_t n) {
  const unsigned char *p = (const unsigned char *)text, *end = p + n;
  if (n == 0) return 0;
  if (memchr(text, '?', n)) return 1;
  int start = 1; /* at the start of a clause */
  char w[S_WORD_MAX];
  while (p < end) {
    if (*p == '@' || (end - p >= 4 && !strncmp((const char *)p, "http", 4))) {
      p = S_skip_token(p, end);
    } else if (isalnum(*p)) {
      p = S_word(p, end, w);
      if (S_in(S_ask, w) || (start && S_in(S_opener, w))) return 1;
      if (!S_in(S_lead, w)) start = 0;
    } else {
      /* punctuation that ends a clause, and emoji (4-byte UTF-8) */
      if ((*p && strchr(".,!;:\n", *p)) || *p >= 0xF0) start = 1;
      p++;
    }
  }
  return 0;
}
