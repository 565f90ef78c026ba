/*
 * test_examples.c - the labelled example mentions (kb_examples.h): stored
 * by kb-index, read when an index opens, a mention's ex_max and ex_none as
 * the formulas say, in the examples' own language only, places as one
 * word, two indexes' examples apart. (kb-index's checks of examples.tsv
 * are test_index.c's validation cases.)
 */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_examples.h"
#include "kb_geo.h"
#include "kb_mention.h"
#include "kb_search.h"
#include "kb_suggest.h"
#include "kb_util.h"

/* The labelled examples (kb_examples.h): stored by kb-index, read at
 * open, a mention's ex_max and ex_none as the formulas say; English
 * mentions only. */
static kb_examples_scores *S_ex_scores(kb_index *ix, const kb_geo *geo, const char *text) {
  char err[128];
  kb_mention *m = kb_mention_new(ix, geo, text, strlen(text), &(kb_mention_opts){.lang = "en"}, err,
                                 sizeof err);
  assert_non_null(m);
  kb_examples_scores *s = kb_examples_score(kb_index_examples(ix, NULL), m, -1);
  kb_mention_free(m);
  return s;
}

static double S_ex_score(kb_index *ix, const char *text, const char *slug, double *none) {
  kb_examples_scores *s = S_ex_scores(ix, NULL, text);
  double v = kb_examples_max(s, slug);
  *none = kb_examples_none(s);
  kb_examples_scores_free(s);
  return v;
}

/* Writes each files[i] (a path under dir, its text) for a test's kb/. */
static void S_write_files(const char *dir, const char *const (*files)[2], size_t n) {
  for (size_t i = 0; i < n; i++) {
    char *p = th_fmt("%s/%s", dir, files[i][0]);
    th_write_file(p, files[i][1]);
    free(p);
  }
}

static void test_examples(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  const char *files[][2] = {
      {"kb/screen.md", "---\ntitle: Cracked phone screen\nslug: screen\n---\nA cracked screen on your phone.\n"},
      {"kb/shop.md", "---\ntitle: Our shop\nslug: shop\n---\nWe love our shop and advert.\n"},
      {"kb/de.md", "---\ntitle: Handy Bildschirm\nslug: screen\nlang: de\n---\nBildschirm kaputt.\n"},
      {"kb/lang/en/examples.tsv", "# examples\nscreen\tphone screen cracked\n-\tlove advert\n-\tlove shop\n"},
  };
  S_write_files(dir, files, sizeof files / sizeof *files);
  kb_index *ix = th_index_kb(NULL, dir);
  assert_non_null(ix);
  assert_int_equal(kb_examples_count(kb_index_examples(ix, NULL)), 3);
  double none;
  /* the same words as an example: cosine 1, and its neighbours' label */
  assert_true(fabs(S_ex_score(ix, "phone screen cracked", "screen", &none) - 1) < 1e-12);
  assert_true(none == 0);
  assert_true(S_ex_score(ix, "love advert", "screen", &none) == 0);
  assert_true(fabs(none - 1) < 1e-12);
  /* idf log(4/1) for phone and screen, log(4/2) for love: the mention
   * (love, phone, screen) against the three unit vectors */
  double a = log(4.0), b = log(2.0);
  double nm = sqrt(b * b + 2 * a * a);
  double c1 = 2 * a / nm / sqrt(3.0), c2 = b / nm * (b / sqrt(b * b + a * a));
  assert_true(fabs(S_ex_score(ix, "love phone screen", "screen", &none) - c1) < 1e-12);
  assert_true(fabs(none - 2 * c2 / (2 * c2 + c1)) < 1e-12);
  /* a word no example has weighs log(4) in the mention's norm */
  double nm2 = sqrt(2 * a * a + a * a);
  assert_true(fabs(S_ex_score(ix, "phone screen wobbly", "screen", &none) - 2 * a / nm2 / sqrt(3.0)) < 1e-12);
  assert_true(S_ex_score(ix, "nothing in common", "screen", &none) == 0 && none == 0);
  assert_true(S_ex_score(ix, "phone screen cracked", "no-such-slug", &none) == 0);
  /* the suggest path: English mentions get them, the others none */
  kb_suggest_opts o = {.limit = 3, .public_url = "https://x"};
  kb_suggest_result r;
  char err[256];
  const char *m = "phone screen cracked";
  assert_int_equal(kb_suggest(ix, NULL, m, strlen(m), &o, &r, err, sizeof err), KB_SEARCH_OK);
  assert_non_null(r.examples);
  assert_true(fabs(kb_examples_max(r.examples, "screen") - 1) < 1e-12);
  kb_suggest_result_free(&r);
  /* without its own example (kb-eval --leave-own-example-out): example 0
   * is examples.tsv's line 2, and no other is labelled screen */
  assert_int_equal(kb_examples_line(kb_index_examples(ix, NULL), 0), 2);
  assert_int_equal(kb_examples_line(kb_index_examples(ix, NULL), 2), 4);
  assert_int_equal(kb_examples_line(kb_index_examples(ix, NULL), 3), 0);
  o.example_out = 1;
  assert_int_equal(kb_suggest(ix, NULL, m, strlen(m), &o, &r, err, sizeof err), KB_SEARCH_OK);
  assert_true(r.examples && kb_examples_max(r.examples, "screen") == 0);
  kb_suggest_result_free(&r);
  o.example_out = 0;
  o.lang = "de";
  assert_int_equal(kb_suggest(ix, NULL, m, strlen(m), &o, &r, err, sizeof err), KB_SEARCH_OK);
  assert_null(r.examples);
  kb_suggest_result_free(&r);
  /* a word twice is one term (the analysis lists it once), a word no
   * example has too: (phone, screen, wobbly), each weighing log(4) */
  assert_true(fabs(S_ex_score(ix, "phone phone screen", "screen", &none) - 2 / sqrt(6.0)) < 1e-12);
  assert_true(fabs(S_ex_score(ix, "wobbly phone wobbly screen", "screen", &none) - 2.0 / 3) < 1e-12);
  /* an example left out (skip): "love advert" is example 1, so then only
   * example 2 ("love shop") is near, at (love, advert) . (love, shop) */
  char err2[128];
  kb_mention *lm = kb_mention_new(ix, NULL, "love advert", 11, &(kb_mention_opts){.lang = "en"}, err2,
                                  sizeof err2);
  assert_non_null(lm);
  double near2 = b * b / (b * b + a * a);
  for (int skip = -1; skip <= 2; skip++) {
    kb_examples_scores *s = kb_examples_score(kb_index_examples(ix, NULL), lm, skip);
    double want = skip == 1 ? near2 : 1;
    if (fabs(kb_examples_max(s, "-") - want) >= 1e-12)
      print_error("skip %d: ex_max(-) %.17g, want %.17g\n", skip, kb_examples_max(s, "-"), want);
    assert_true(fabs(kb_examples_max(s, "-") - want) < 1e-12);
    assert_true(kb_examples_max(s, "screen") == 0 && kb_examples_none(s) == 1);
    kb_examples_scores_free(s);
  }
  kb_mention_free(lm);
  th_index_done(ix, dir);
}

/* The language the examples are in comes from the data: an index whose
 * only examples are German scores German mentions against them and
 * English ones not at all (the index's default language is English). */
static void test_examples_language_of_data(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  const char *files[][2] = {
      {"kb/screen.md", "---\ntitle: Cracked phone screen\nslug: screen\n---\nA cracked screen on your phone.\n"},
      {"kb/de.md", "---\ntitle: Handy Bildschirm\nslug: screen\nlang: de\n---\nBildschirm kaputt.\n"},
      {"kb/lang/de/examples.tsv", "# Beispiele\nscreen\tbildschirm kaputt\n"},
  };
  S_write_files(dir, files, sizeof files / sizeof *files);
  kb_index *ix = th_index_kb(NULL, dir);
  assert_non_null(ix);
  assert_int_equal(kb_examples_count(kb_index_examples(ix, NULL)), 1);
  assert_string_equal(kb_examples_lang(kb_index_examples(ix, NULL)), "de");
  kb_suggest_opts o = {.limit = 3, .public_url = "https://x", .lang = "de"};
  kb_suggest_result r;
  char err[256];
  const char *m = "bildschirm kaputt";
  assert_int_equal(kb_suggest(ix, NULL, m, strlen(m), &o, &r, err, sizeof err), KB_SEARCH_OK);
  assert_non_null(r.examples);
  assert_true(fabs(kb_examples_max(r.examples, "screen") - 1) < 1e-12);
  kb_suggest_result_free(&r);
  o.lang = "en";
  assert_int_equal(kb_suggest(ix, NULL, m, strlen(m), &o, &r, err, sizeof err), KB_SEARCH_OK);
  assert_null(r.examples);
  kb_suggest_result_free(&r);
  assert_null(kb_examples_lang(NULL));
  th_index_done(ix, dir);
}

/* Each language's mentions are scored against that language's examples:
 * an index with English and German examples gives an English mention
 * English ex_max and a German one German, and a language with none (fr)
 * none. (Before, only the language with the most examples had any.) */
static void test_examples_each_language(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  const char *files[][2] = {
      {"kb/screen.md", "---\ntitle: Cracked phone screen\nslug: screen\n---\nA cracked screen on your phone.\n"},
      {"kb/battery.md", "---\ntitle: Battery\nslug: battery\n---\nA dead battery.\n"},
      {"kb/de.md", "---\ntitle: Handy Bildschirm\nslug: screen\nlang: de\n---\nBildschirm kaputt.\n"},
      {"kb/deb.md", "---\ntitle: Akku\nslug: battery\nlang: de\n---\nAkku leer.\n"},
      {"kb/fr.md", "---\ntitle: Batterie\nslug: battery\nlang: fr\n---\nBatterie vide.\n"},
      {"kb/lang/en/examples.tsv", "battery\tphone dies by lunchtime\nscreen\tglass smashed\n-\tlovely staff\n"},
      {"kb/lang/de/examples.tsv", "screen\tdisplay gesprungen\n"},
  };
  S_write_files(dir, files, sizeof files / sizeof *files);
  kb_index *ix = th_index_kb(NULL, dir);
  assert_non_null(ix);
  assert_int_equal(kb_examples_count(kb_index_examples(ix, "en")), 3);
  assert_int_equal(kb_examples_count(kb_index_examples(ix, "de")), 1);
  assert_string_equal(kb_examples_lang(kb_index_examples(ix, "de")), "de");
  assert_null(kb_index_examples(ix, "fr"));
  assert_null(kb_index_examples(ix, "xx"));
  assert_string_equal(kb_examples_lang(kb_index_examples(ix, NULL)), "en"); /* the most */
  kb_suggest_opts o = {.limit = 3, .public_url = "https://x", .lang = "de"};
  kb_suggest_result r;
  char err[256];
  const char *m = "display gesprungen bildschirm";
  assert_int_equal(kb_suggest(ix, NULL, m, strlen(m), &o, &r, err, sizeof err), KB_SEARCH_OK);
  assert_non_null(r.examples);
  assert_true(kb_examples_max(r.examples, "screen") > 0.5);
  assert_true(kb_examples_max(r.examples, "battery") == 0);
  kb_suggest_result_free(&r);
  o.lang = "en";
  m = "my phone dies by lunchtime, battery?";
  assert_int_equal(kb_suggest(ix, NULL, m, strlen(m), &o, &r, err, sizeof err), KB_SEARCH_OK);
  assert_non_null(r.examples);
  assert_true(kb_examples_max(r.examples, "battery") > 0.5);
  kb_suggest_result_free(&r);
  o.lang = "fr";
  m = "batterie vide";
  assert_int_equal(kb_suggest(ix, NULL, m, strlen(m), &o, &r, err, sizeof err), KB_SEARCH_OK);
  assert_null(r.examples);
  kb_suggest_result_free(&r);
  th_index_done(ix, dir);
}

static void S_add_word(void *ctx, const char *term, size_t n) {
  kb_buf *b = ctx;
  kb_buf_put(b, term[0] == '\x01' ? term + 1 : term, term[0] == '\x01' ? n - 1 : n);
  kb_buf_put(b, " ", 1);
}

/* The words kb_examples_words() gives text (each raw-term byte left out),
 * one space after each; caller frees. */
static char *S_ex_words(kb_index *ix, const kb_geo *geo, const char *text) {
  char err[128];
  kb_mention *m = kb_mention_new(ix, geo, text, strlen(text), &(kb_mention_opts){.lang = "en"}, err,
                                 sizeof err);
  assert_non_null(m);
  kb_buf b = KB_BUF_INIT;
  kb_examples_words(m, S_add_word, &b);
  kb_buf_put(&b, "", 1);
  kb_mention_free(m);
  return b.p;
}

/* A place is one word in the examples (kb_examples.h): a town named in an
 * example labelled with one article does not pull mentions naming that
 * town towards it; a town of no example, a town of two words and a town
 * of another example give the same inputs; a place name that is also an
 * everyday word stays a word where kb_geo.h does not read it as a place. */
static void test_examples_places(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  char *cmd = th_fmt("cp -r tests/fixtures/kb %s/kb && printf 'Milton Keynes\tBucks\t52.04\t-0.76\t\n'"
                     " >> %s/kb/places.tsv",
                     dir, dir);
  assert_int_equal(th_run(cmd, NULL), 0);
  free(cmd);
  char *p = th_fmt("%s/kb/lang/en/examples.tsv", dir);
  th_write_file(p, "find-a-store\tis there a shop in leeds\n"
                   "find-a-store\tany store near milton keynes\n"
                   "cafe-wifi\tyork shop wifi not working\n"
                   "-\trun me a bath please\n"
                   "cracked-screen\tcracked screen\n");
  free(p);
  kb_index *ix = th_index_kb(NULL, dir);
  assert_non_null(ix);
  char err[256];
  char *path = th_fmt("%s/kb.sqlite", dir);
  kb_geo *geo = kb_geo_load(path, err, sizeof err);
  assert_non_null(geo);
  free(path);
  /* the words: the place's words out, one word for it after the rest */
  struct {
    const char *text, *words;
  } w[] = {
      {"is there a shop in York?", "shop " KB_EXAMPLES_PLACE " "},
      {"is there a shop in Milton Keynes", "shop " KB_EXAMPLES_PLACE " "},
      {"york shop wifi not working", "shop wifi not work " KB_EXAMPLES_PLACE " "},
      {"need a bath towel", "need bath towel "},
      {"a hotel in Bath", "hotel " KB_EXAMPLES_PLACE " "},
      {"cracked screen", "crack screen "},
  };
  for (size_t i = 0; i < sizeof w / sizeof *w; i++) {
    char *got = S_ex_words(ix, geo, w[i].text);
    if (strcmp(got, w[i].words)) print_error("%s: words '%s', want '%s'\n", w[i].text, got, w[i].words);
    assert_string_equal(got, w[i].words);
    free(got);
  }
  /* the inputs: the same whichever town (in an example of the finder, in
   * one of another article, in none, of two words) */
  const char *towns[] = {"is there a shop in Leeds?", "is there a shop in York?",
                         "is there a shop in Harrogate?", "is there a shop in Milton Keynes?"};
  const char *slugs[] = {"find-a-store", "cafe-wifi", "-", "cracked-screen"};
  kb_examples_scores *s0 = S_ex_scores(ix, geo, towns[0]);
  assert_true(kb_examples_max(s0, "find-a-store") > kb_examples_max(s0, "cafe-wifi"));
  for (size_t i = 1; i < sizeof towns / sizeof *towns; i++) {
    kb_examples_scores *s = S_ex_scores(ix, geo, towns[i]);
    for (size_t k = 0; k < sizeof slugs / sizeof *slugs; k++) {
      if (kb_examples_max(s, slugs[k]) != kb_examples_max(s0, slugs[k]))
        print_error("%s: ex_max(%s) %.17g, Leeds's %.17g\n", towns[i], slugs[k],
                    kb_examples_max(s, slugs[k]), kb_examples_max(s0, slugs[k]));
      assert_true(kb_examples_max(s, slugs[k]) == kb_examples_max(s0, slugs[k]));
    }
    assert_true(kb_examples_none(s) == kb_examples_none(s0));
    kb_examples_scores_free(s);
  }
  kb_examples_scores_free(s0);
  /* the everyday word is still one: "bath" near the example that has it */
  double none;
  assert_true(S_ex_score(ix, "need a bath", "-", &none) > 0);
  kb_geo_free(geo);
  th_index_done(ix, dir);
}

/* Two indexes' examples scored in turn on one thread (the scoring's
 * spare buffer, kept all 0 between calls, is shared by them): the same
 * values as each alone. */
static void test_examples_two_indexes(void **state) {
  (void)state;
  const char *ex[2] = {"screen\tphone screen cracked\n-\tlove advert\n-\tlove shop\n"
                       "battery\tbattery dead fast\n-\twhere is the shop\nscreen\tmy screen is broken\n",
                       "screen\tphone screen cracked\n-\tlove advert\n-\tlove shop\n"};
  char *dir[2];
  kb_index *ix[2];
  for (int k = 0; k < 2; k++) {
    dir[k] = th_tmpdir();
    char *p = th_fmt("%s/kb/screen.md", dir[k]);
    th_write_file(p, "---\ntitle: Cracked phone screen\nslug: screen\n---\nA cracked screen.\n");
    free(p);
    p = th_fmt("%s/kb/battery.md", dir[k]);
    th_write_file(p, "---\ntitle: Battery\nslug: battery\n---\nA dead battery.\n");
    free(p);
    p = th_fmt("%s/kb/lang/en/examples.tsv", dir[k]);
    th_write_file(p, ex[k]);
    free(p);
    ix[k] = th_index_kb(NULL, dir[k]);
    assert_non_null(ix[k]);
  }
  assert_int_equal(kb_examples_count(kb_index_examples(ix[0], NULL)), 6);
  double none, none0, none1;
  /* the bigger first, then the smaller (touching its examples 1 and 2:
   * where the bigger's example 3 is in the buffer), then the bigger again
   * (its examples 1 and 2, then 3) */
  double v0 = S_ex_score(ix[0], "love battery", "battery", &none0);
  double v1 = S_ex_score(ix[1], "love advert", "screen", &none1);
  assert_true(v0 > 0.3 && none0 > 0 && v1 == 0 && fabs(none1 - 1) < 1e-12);
  assert_true(S_ex_score(ix[0], "love battery", "battery", &none) == v0 && none == none0);
  assert_true(S_ex_score(ix[1], "love advert", "screen", &none) == v1 && none == none1);
  assert_true(S_ex_score(ix[0], "love battery", "battery", &none) == v0 && none == none0);
  for (int k = 0; k < 2; k++) th_index_done(ix[k], dir[k]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_examples),
      cmocka_unit_test(test_examples_language_of_data),
      cmocka_unit_test(test_examples_each_language),
      cmocka_unit_test(test_examples_two_indexes),
      cmocka_unit_test(test_examples_places),
  };
  return cmocka_run_group_tests_name("examples", tests, NULL, NULL);
}
