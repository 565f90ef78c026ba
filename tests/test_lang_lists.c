/*
 * test_lang_lists.c - the shipped word lists of the four languages
 * (kb/lang/LANG) read against each other: a text-speak form of one
 * language is not a stop word, a filler word, a text-speak form or a
 * question cue of another, unless tests/fixtures/speak-shared.tsv lists it
 * with why.
 *
 * Why it matters: a mention's language is read from these lists
 * (kb_mention.c counts each of the four as evidence of its language), so
 * a form that another language's lists also hold counts for both and no
 * longer tells them apart: change D's first draft had German "mi" (a
 * Spanish stop word) and change E's Spanish "nen" (German text-speak for
 * "einen"), both caught by hand. A form another language only writes as
 * an everyday word ("pal" in "cheers pal") is in no list and not caught
 * here. Forms two languages share on purpose ("msg", "tel", "pq") are in
 * the fixture; a row there that no longer collides fails too, so it
 * stays true.
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

/* The shipped lists of language i (th_lang()); each has stop words,
 * filler and text-speak. */
static const kb_lang *S_lang(int i) {
  const kb_lang *l = th_lang(S_codes[i]);
  assert_true(kb_lang_count(l, KB_LANG_STOP) > 0);
  assert_true(kb_lang_count(l, KB_LANG_FILLER) > 0);
  assert_true(kb_lang_count(l, KB_LANG_SPEAK) > 0);
  return l;
}

/* What lists o make of form w (one word, folded as a mention's words
 * are): "stop word", "filler", "text-speak", "question cue", or NULL. */
static const char *S_other_use(const kb_lang *o, const char *w) {
  int nt;
  kb_token *t = kb_tokens_split(w, strlen(w), &nt);
  const char *use = NULL;
  if (nt == 1 && t[0].nfold > 0) {
    const kb_lang_word *x = kb_lang_word_of(o, t[0].fold, t[0].nfold);
    if (x && x->stop) use = "stop word";
    else if (x && x->filler) use = "filler";
    else if (x && x->speak) use = "text-speak";
    else if (x && x->cue) use = "question cue";
  }
  free(t);
  return use;
}

/* A fixture row: lang, form, the other language, and why (not empty). */
typedef struct {
  char lang[8], form[64], other[8];
  int used;
} S_shared;

/* Reads rows of text (the fixture's format) into v, at most cap; a row
 * without its four fields, or seen twice, fails. Returns how many. */
static int S_parse_shared(const char *text, S_shared *v, int cap) {
  char *copy = th_fmt("%s", text);
  int k = 0, bad = 0;
  for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
    if (line[0] == '#') continue;
    assert_true(k < cap);
    S_shared *s = &v[k];
    memset(s, 0, sizeof *s);
    int end = 0;
    if (sscanf(line, "%7[^\t]\t%63[^\t]\t%7[^\t]\t%*[^\t\n]%n", s->lang, s->form, s->other, &end) != 3 ||
        !end) {
      print_error("speak-shared.tsv: a row needs lang, form, other language and why: %s\n", line);
      bad++;
      continue;
    }
    for (int j = 0; j < k; j++)
      if (!strcmp(v[j].lang, s->lang) && !strcmp(v[j].form, s->form) && !strcmp(v[j].other, s->other)) {
        print_error("speak-shared.tsv: row seen twice: %s\n", line);
        bad++;
      }
    k++;
  }
  free(copy);
  assert_int_equal(bad, 0);
  return k;
}

static S_shared *S_find(S_shared *v, int n, const char *lang, const char *form,
                        const char *other) {
  for (int i = 0; i < n; i++)
    if (!strcmp(v[i].lang, lang) && !strcmp(v[i].form, form) && !strcmp(v[i].other, other))
      return &v[i];
  return NULL;
}

/* Every text-speak form of each language of ls[0..n) (codes[i] its code)
 * against the other languages' lists; each collision not in shared (rows
 * found are marked used) is reported as file and form (unless quiet).
 * Returns how many, with the rows of shared that matched nothing. */
static int S_collisions(const kb_lang *const *ls, const char *const *codes, int n,
                        S_shared *shared, int nshared, int quiet) {
  int bad = 0;
  for (int i = 0; i < n; i++) {
    for (int e = 0; e < kb_lang_count(ls[i], KB_LANG_SPEAK); e++) {
      const char *w, *value;
      kb_lang_entry(ls[i], KB_LANG_SPEAK, e, &w, &value);
      for (int o = 0; o < n; o++) {
        const char *use = o == i ? NULL : S_other_use(ls[o], w);
        if (!use) continue;
        S_shared *s = S_find(shared, nshared, codes[i], w, codes[o]);
        if (s) {
          s->used = 1;
          continue;
        }
        if (!quiet)
          print_error("kb/lang/%s/textspeak.tsv: '%s' is also a %s of %s (kb/lang/%s): a "
                      "mention's language is read from these lists, so the word no longer tells "
                      "%s from %s; leave it out, or list it in tests/fixtures/speak-shared.tsv "
                      "with why\n",
                      codes[i], w, use, codes[o], codes[o], codes[i], codes[o]);
        bad++;
      }
    }
  }
  for (int k = 0; k < nshared; k++)
    if (!shared[k].used) {
      if (!quiet)
        print_error("tests/fixtures/speak-shared.tsv: %s '%s' / %s no longer collides: "
                    "drop the row\n",
                    shared[k].lang, shared[k].form, shared[k].other);
      bad++;
    }
  return bad;
}

/* The shipped lists against each other and the fixture. */
static void test_speak_forms_not_another_languages(void **state) {
  (void)state;
  static S_shared shared[256];
  size_t n;
  char *text = th_read_file("tests/fixtures/speak-shared.tsv", &n);
  assert_non_null(text);
  int nshared = S_parse_shared(text, shared, 256);
  free(text);
  const kb_lang *ls[S_NLANG];
  for (int i = 0; i < S_NLANG; i++) ls[i] = S_lang(i);
  assert_int_equal(S_collisions(ls, S_codes, S_NLANG, shared, nshared, 0), 0);
}

/* A list of one language parsed from text (list's file format). */
static kb_lang *S_made_up(const char *code, kb_lang_list list, const char *text) {
  kb_lang *l = kb_lang_new(code);
  kb_diag *d = kb_diag_new();
  assert_int_equal(kb_lang_parse(l, list, kb_lang_file(list), text, strlen(text), d), 0);
  kb_diag_free(d);
  return l;
}

/* The check itself, on made-up lists: a German text-speak "mi" beside a
 * Spanish stop word "mi" is one collision, gone once the fixture lists
 * it; a fixture row that matches nothing is one more; a form no other
 * list holds is none; a form is looked up folded, as a mention's words. */
static void test_collision_is_seen(void **state) {
  (void)state;
  static const char *const codes[] = {"de", "es"};
  kb_lang *de = S_made_up("de", KB_LANG_SPEAK, "mi\tmein\nzruggschicke\tzurückschicken\n");
  kb_lang *es = S_made_up("es", KB_LANG_STOP, "mi\nde\n");
  const kb_lang *ls[] = {de, es};
  S_shared none[1];
  assert_int_equal(S_collisions(ls, codes, 2, none, 0, 1), 1);
  S_shared one[4];
  int k = S_parse_shared("# a comment\nde\tmi\tes\tmade up\n", one, 4);
  assert_int_equal(k, 1);
  assert_int_equal(S_collisions(ls, codes, 2, one, k, 1), 0);
  k = S_parse_shared("de\tmi\tes\tmade up\nde\tzruggschicke\tes\tmatches nothing\n", one, 4);
  assert_int_equal(S_collisions(ls, codes, 2, one, k, 1), 1);
  assert_non_null(S_other_use(es, "MI"));
  assert_null(S_other_use(es, "two words")); /* not one word: not looked up */
  kb_lang_free(de);
  kb_lang_free(es);
}

int main(void) {
  static const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_collision_is_seen),
      cmocka_unit_test(test_speak_forms_not_another_languages),
  };
  return cmocka_run_group_tests_name("lang_lists", tests, NULL, NULL);
}
