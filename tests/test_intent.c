/*
 * test_intent.c - table-driven tests of kb_intent_asks(): which mentions
 * ask something (a question, a request, a problem put as one) and which
 * are statements (praise, rants, chit-chat), one rule per line.
 */
#include "harness.h"

#include <string.h>

#include "kb_intent.h"

typedef struct {
  const char *rule, *text;
  int asks;
} S_case;

static const S_case S_cases[] = {
    /* questions and requests */
    {"question mark", "store open sunday?", 1},
    {"question word anywhere", "dropped it in the bath what do i do", 1},
    {"question word with apostrophe", "what's the number for customer services", 1},
    {"curly apostrophe", "where’s my parcel", 1},
    {"text-speak question word", "wen can i upgrde", 1},
    {"request word", "need a new sim for my old number", 1},
    {"help", "pls help phone wont switch on", 1},
    {"opener at the start", "can you send me a new sim", 1},
    {"opener after a handle", "@PhoneRetailer do you deliver on saturdays", 1},
    {"opener after a greeting", "hiya, is the leeds store open late", 1},
    {"opener after a comma", "my sim snapped, can i get a new one", 1},
    {"opener after an emoji", "my sim snapped 🙃 can i get a new one", 1},
    {"opener after a full stop", "bought it monday. am i too late to return it", 1},
    {"hashtag word", "#help my order", 1},
    /* statements */
    {"praise", "thanks for fixing my screen so quick, good as new", 0},
    {"rant", "3rd repair in 6 months and it's STILL broken. you lot are a joke", 0},
    {"chit-chat", "my dog just ate my phone charger lol", 0},
    {"opener inside a clause", "the shop is open late tonight, nice", 0},
    {"question word inside a handle", "@WhatPhone loved the review", 0},
    {"question word inside a URL", "see https://example.com/how-to-win", 0},
    {"question word inside a word", "somewhere nice for lunch", 0},
    {"empty", "", 0},
};
#define S_NCASES (sizeof S_cases / sizeof *S_cases)

static void test_rule(void **state) {
  const S_case *c = *state;
  assert_int_equal(kb_intent_asks(c->text, strlen(c->text)), c->asks);
}

/* Only the n bytes given are read: a question mark past them is not seen. */
static void test_length_respected(void **state) {
  (void)state;
  const char *s = "thanks so much?";
  assert_int_equal(kb_intent_asks(s, strlen(s) - 1), 0);
  assert_int_equal(kb_intent_asks(s, strlen(s)), 1);
  assert_int_equal(kb_intent_asks("http", 4), 0);
  assert_int_equal(kb_intent_asks("\xE2\x80", 2), 0); /* a cut-off apostrophe */
}

int main(void) {
  static const struct CMUnitTest fixed[] = {
      cmocka_unit_test(test_length_respected),
  };
  enum { NFIXED = sizeof fixed / sizeof *fixed };
  struct CMUnitTest tests[S_NCASES + NFIXED];
  for (size_t i = 0; i < S_NCASES; i++)
    tests[i] = (struct CMUnitTest){S_cases[i].rule, test_rule, NULL, NULL, (void *)&S_cases[i]};
  for (size_t i = 0; i < NFIXED; i++) tests[S_NCASES + i] = fixed[i];
  return _cmocka_run_group_tests("intent", tests, S_NCASES + NFIXED, NULL, NULL);
}
