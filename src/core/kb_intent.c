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

/* The words that matter, sorted (bisection: this runs on every word of
 * every mention): S_ASK, a question or request anywhere in the mention;
 * S_OPENER, a verb that opens a question when it begins a clause;
 * S_LEAD, a word that does not end a clause's start ("hi, can you...",
 * "so is it..."). */
enum { S_ASK = 1, S_OPENER = 2, S_LEAD = 4 };
static const struct {
  const char *w;
  int kind;
} S_words[] = {
    {"advice", S_ASK}, {"also", S_LEAD}, {"am", S_OPENER}, {"and", S_LEAD},
    {"any", S_OPENER}, {"anyone", S_OPENER}, {"are", S_OPENER}, {"but", S_LEAD},
    {"can", S_OPENER}, {"could", S_OPENER}, {"cud", S_OPENER}, {"did", S_OPENER},
    {"do", S_OPENER}, {"does", S_OPENER}, {"evening", S_LEAD}, {"has", S_OPENER},
    {"have", S_OPENER}, {"hello", S_LEAD}, {"help", S_ASK}, {"hey", S_LEAD},
    {"hi", S_LEAD}, {"hiya", S_LEAD}, {"how", S_ASK}, {"is", S_OPENER},
    {"just", S_LEAD}, {"morning", S_LEAD}, {"need", S_ASK}, {"ok", S_LEAD},
    {"okay", S_LEAD}, {"please", S_ASK}, {"pls", S_ASK}, {"plz", S_ASK},
    {"right", S_LEAD}, {"should", S_OPENER}, {"so", S_LEAD}, {"um", S_LEAD},
    {"want", S_ASK}, {"wen", S_ASK}, {"what", S_ASK}, {"whats", S_ASK},
    {"when", S_ASK}, {"where", S_ASK}, {"wheres", S_ASK}, {"which", S_ASK},
    {"who", S_ASK}, {"whos", S_ASK}, {"why", S_ASK}, {"will", S_OPENER},
    {"wondering", S_ASK}, {"would", S_OPENER},
};

/* The kind of word w (0 for any other word). */
static int S_kind(const char *w) {
  int lo = 0, hi = (int)(sizeof S_words / sizeof *S_words);
  while (lo < hi) {
    int mid = (lo + hi) / 2, c = strcmp(S_words[mid].w, w);
    if (!c) return S_words[mid].kind;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
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
      int kind = S_kind(w);
      if ((kind & S_ASK) || (start && (kind & S_OPENER))) return 1;
      if (!(kind & S_LEAD)) start = 0;
    } else {
      /* punctuation that ends a clause, and emoji (4-byte UTF-8) */
      if ((*p && strchr(".,!;:\n", *p)) || *p >= 0xF0) start = 1;
      p++;
    }
  }
  return 0;
}
