/*
 * test_lang_lists.c - the shipped word lists of the four languages
 * (kb/lang/LANG) read against each other: a text-speak form of one
 * language is not a stop word, a filler word or a text-speak form of
 * another, unless tests/fixtures/speak-shared.tsv lists it with why.
 *
 * Why it matters: a mention's language is read from these lists
 * (kb_mention.c counts a text-speak form as evidence of its language), so
 * a form that another language writes as an everyday word counts for both
 * and no longer tells them apart: change D's first draft had German "mi"
 * and "nö" and read "mi pago no pasa" as German; change E's had Spanish
 * "nen" (German "einen") and "pal" ("cheers pal"). Both were caught by
 * hand; this catches the next one when kb/lang is edited. Forms that two
 * languages share on purpose (same meaning: "msg", "tel", "pq") are in the
 * fixture; a row there that no longer collides fails too, so it stays true.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_diag.h"
#include "kb_lang.h"
#include "kb_token.h"

enum { S_NLANG = 4 };
static const char *const S_codes[S_NLANG] = {"en", "fr", "de", "es"};

/* The shipped lists of language i, read once (as kb-index reads them). */
static const kb_lang *S_lang(int i) {
  static kb_lang *ls[S_NLANG];
  if (ls[i]) return ls[i];
  kb_lang *l = ls[i] = kb_lang_new(S_codes[i]);
  kb_diag *d = kb_diag_new();
  for (int list = 0; list < KB_LANG_NLISTS; list++) {
    char *p = th_fmt("kb/lang/%s/%s", S_codes[i], kb_lang_file((kb_lang_list)list));
    size_t n;
    char *text = th_read_file(p, &n);
    if (text) assert_int_equal(kb_lang_parse(l, (kb_lang_list)list, p, text, n, d), 0);
    free(text);
    free(p);
  }
  kb_diag_free(d);
  return l;
}

/* What language o's lists make of form w (one word, folded as a mention's
 * words are): "stop word", "filler", "text-speak", or NULL. */
static const char *S_other_use(int o, const char *w) {
  int nt;
  kb_token *t = kb_tokens_split(w, strlen(w), &nt);
  const char *use = NULL;
  if (nt == 1 && t[0].nfold > 0) {
    const kb_lang_word *x = kb_lang_word_of(S_lang(o), t[0].fold, t[0].nfold);
    if (x && x->stop) use = "stop word";
    else if (x && x->filler) use = "filler";
    else if (x && x->speak) use = "text-speak";
  }
  free(t);
  return use;
}

/* The fixture's rows: lang, form, other language (and why, not read). */
typedef struct {
  char lang[8], form[64], other[8];
  int used;
} S_shared;

static int S_read_shared(S_shared *v, int cap) {
  size_t n;
  char *text = th_read_file("tests/fixtures/speak-shared.tsv", &n);
  assert_non_null(text);
  int k = 0;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    if (line[0] == '#') continue;
    assert_true(k < cap);
    S_shared *s = &v[k];
    memset(s, 0, sizeof *s);
    if (sscanf(line, "%7[^\t]\t%63[^\t]\t%7[^\t]", s->lang, s->form, s->other) != 3) {
      print_error("speak-shared.tsv: bad row: %s\n", line);
      fail();
    }
    k++;
  }
  free(text);
  return k;
}

static S_shared *S_find(S_shared *v, int n, const char *lang, const char *form,
                        const char *other) {
  for (int i = 0; i < n; i++)
    if (!strcmp(v[i].lang, lang) && !strcmp(v[i].form, form) && !strcmp(v[i].other, other))
      return &v[i];
  return NULL;
}

/* Every text-speak form of every language against the three other
 * languages' stop words, filler and text-speak; each collision not in the
 * fixture is reported as file and form. */
static void test_speak_forms_not_another_languages(void **state) {
  (void)state;
  static S_shared shared[256];
  int nshared = S_read_shared(shared, 256), bad = 0, checked = 0;
  for (int i = 0; i < S_NLANG; i++) {
    const kb_lang *l = S_lang(i);
    for (int e = 0; e < kb_lang_count(l, KB_LANG_SPEAK); e++) {
      const char *w, *value;
      kb_lang_entry(l, KB_LANG_SPEAK, e, &w, &value);
      checked++;
      for (int o = 0; o < S_NLANG; o++) {
        const char *use = o == i ? NULL : S_other_use(o, w);
        if (!use) continue;
        S_shared *s = S_find(shared, nshared, S_codes[i], w, S_codes[o]);
        if (s) {
          s->used = 1;
          continue;
        }
        print_error("kb/lang/%s/textspeak.tsv: '%s' is also a %s of %s (kb/lang/%s): a mention's "
                    "language is read from these lists, so the word no longer tells %s from %s; "
                    "leave it out, or list it in tests/fixtures/speak-shared.tsv with why\n",
                    S_codes[i], w, use, S_codes[o], S_codes[o], S_codes[i], S_codes[o]);
        bad++;
      }
    }
  }
  assert_true(checked > 500); /* the four lists were read */
  for (int k = 0; k < nshared; k++)
    if (!shared[k].used) {
      print_error("tests/fixtures/speak-shared.tsv: %s '%s' / %s no longer collides: drop the row\n",
                  shared[k].lang, shared[k].form, shared[k].other);
      bad++;
    }
  assert_int_equal(bad, 0);
}

/* The check itself: a form written into a language's lists is found as
 * another language's (a Spanish "mi" beside German text-speak). */
static void test_collision_is_seen(void **state) {
  (void)state;
  int de = 2, es = 3, en = 0;
  assert_string_equal(S_codes[de], "de");
  assert_non_null(S_other_use(es, "mi"));      /* Spanish stop word */
  assert_non_null(S_other_use(es, "MI"));      /* folded as a mention's words */
  assert_non_null(S_other_use(en, "thx"));     /* English filler */
  assert_null(S_other_use(es, "zruggschicke")); /* a German form no one else writes */
  assert_null(S_other_use(es, "two words"));   /* not one word: not looked up */
}

int main(void) {
  static const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_collision_is_seen),
      cmocka_unit_test(test_speak_forms_not_another_languages),
  };
  return cmocka_run_group_tests_name("lang_lists", tests, NULL, NULL);
}
