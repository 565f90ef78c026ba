/*
 * test_words.c - the word model (kb_words.h): read from the examples and
 * labelled tables when an index opens, a mention's probabilities as the
 * formulas say on a model small enough to compute by hand, lines left out
 * as clfinputs.py leaves them out, the suggest path's two inputs.
 * (tests/eval/clf_check.py compares it with clfinputs.py on kb/.)
 */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_ltr.h"
#include "kb_mention.h"
#include "kb_rank.h"
#include "kb_search.h"
#include "kb_suggest.h"
#include "kb_util.h"
#include "kb_words.h"
#include "kb_examples.h"

/* Writes each files[i] (a path under dir, its text) for a test's kb/. */
static void S_write_files(const char *dir, const char *const (*files)[2], size_t n) {
  for (size_t i = 0; i < n; i++) {
    char *p = th_fmt("%s/%s", dir, files[i][0]);
    th_write_file(p, files[i][1]);
    free(p);
  }
}

static kb_words_scores *S_score(kb_index *ix, const char *text, const int *out, int nout) {
  char err[128];
  kb_mention *m = kb_mention_new(ix, NULL, text, strlen(text), &(kb_mention_opts){.lang = "en"}, err,
                                 sizeof err);
  assert_non_null(m);
  kb_words_scores *s = kb_words_score(kb_index_words(ix, "en"), m, out, nout);
  kb_mention_free(m);
  return s;
}

static void S_near(double got, double want, const char *what) {
  if (fabs(got - want) >= 1e-12) print_error("%s: %.17g, want %.17g\n", what, got, want);
  assert_true(fabs(got - want) < 1e-12);
}

/* Three training lines, two classes:
 *
 *   examples.tsv:1  screen  phone screen   {phone, screen, phone+screen}
 *   examples.tsv:2  -       love shop      {love, shop, love+shop}
 *   labelled.tsv:2  screen  screen shop    {screen, shop, screen+shop}
 *
 * n(-) = 1, N(-) = 3; n(screen) = 2, N(screen) = 6; V = 7 distinct
 * features; ALPHA V = 0.7. The mention "phone shop" has the features
 * phone, shop (known) and phone+shop (no line has it: skipped):
 *
 *   score(-)      = log 2 + [log 0.1 - log 3.7] + [log 1.1 - log 3.7] = -4.130794
 *   score(screen) = log 3 + [log 1.1 - log 6.7] + [log 1.1 - log 6.7] = -2.514984
 *   p(screen) = 1 / (1 + exp(-(1.615810 / T=2))) = 0.69166, p(-) = 0.30834
 *
 * labelled.tsv:2 left out: n(screen) = 1, N(screen) = 3 (V stays 7), and
 * the two classes score the same, log 2 + [log 0.1 - log 3.7] + [log 1.1 -
 * log 3.7]: 0.5 each. A mention of words no line has: the priors alone,
 * p ~ exp(log(n + 1) / 2) = sqrt(n + 1): sqrt 3 / (sqrt 2 + sqrt 3). */
static void test_words_by_hand(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  const char *files[][2] = {
      {"kb/screen.md", "---\ntitle: Cracked phone screen\nslug: screen\n---\nA cracked screen on your phone.\n"},
      {"kb/de.md", "---\ntitle: Handy Bildschirm\nslug: screen\nlang: de\n---\nBildschirm kaputt.\n"},
      {"kb/lang/en/examples.tsv", "screen\tphone screen\n-\tlove shop\n"},
      {"kb/lang/en/labelled.tsv", "# the word model's own lines\nscreen\tscreen shop\n"},
  };
  S_write_files(dir, files, sizeof files / sizeof *files);
  kb_index *ix = th_index_kb(NULL, dir);
  assert_non_null(ix);
  const kb_words *w = kb_index_words(ix, "en");
  assert_int_equal(kb_words_count(w), 3);
  assert_string_equal(kb_words_lang(w), "en");
  assert_null(kb_index_words(ix, "de"));
  /* examples first, then labelled, by line */
  assert_int_equal(kb_words_find(w, 0, 1), 0);
  assert_int_equal(kb_words_find(w, 0, 2), 1);
  assert_int_equal(kb_words_find(w, 1, 2), 2);
  assert_int_equal(kb_words_find(w, 1, 1), -1);

  double sm = log(2) + (log(0.1) - log(3.7)) + (log(1.1) - log(3.7));
  double ss = log(3) + (log(1.1) - log(6.7)) + (log(1.1) - log(6.7));
  double ps = 1 / (1 + exp(-(ss - sm) / 2));
  kb_words_scores *s = S_score(ix, "phone shop", NULL, 0);
  S_near(kb_words_p(s, "screen"), ps, "p(screen)");
  S_near(kb_words_none(s), 1 - ps, "p(-)");
  assert_true(fabs(kb_words_p(s, "screen") - 0.69166) < 1e-5);
  kb_words_scores_free(s);
  /* a word list scores as the mention does; a word twice is one feature
   * (and phone+phone no line has) */
  const char *words[] = {"phone", "phone", "shop"};
  s = kb_words_score_words(w, words, 3, NULL, 0);
  S_near(kb_words_p(s, "screen"), ps, "p(screen), phone twice");
  assert_true(kb_words_p(s, "no-such-slug") == 0);
  kb_words_scores_free(s);
  /* labelled.tsv's line left out (twice named: once) */
  int out[] = {2, 2};
  s = S_score(ix, "phone shop", out, 2);
  S_near(kb_words_p(s, "screen"), 0.5, "p(screen) without labelled.tsv:2");
  S_near(kb_words_none(s), 0.5, "p(-) without labelled.tsv:2");
  kb_words_scores_free(s);
  /* nothing known: the priors */
  s = S_score(ix, "wobbly kettle", NULL, 0);
  S_near(kb_words_p(s, "screen"), sqrt(3) / (sqrt(2) + sqrt(3)), "p(screen), priors");
  kb_words_scores_free(s);
  /* words longer than a mention's terms, their pair past the buffer it is
   * joined in (kb_words.c's S_known_words()): unknown, the priors */
  char long1[201], long2[201];
  memset(long1, 'a', 200);
  memset(long2, 'b', 200);
  long1[200] = long2[200] = 0;
  const char *lw[] = {long1, long2};
  s = kb_words_score_words(w, lw, 2, NULL, 0);
  S_near(kb_words_p(s, "screen"), sqrt(3) / (sqrt(2) + sqrt(3)), "p(screen), long words");
  kb_words_scores_free(s);

  /* the suggest path: one scoring, its p as the candidate's KB_LTR_CLF */
  kb_suggest_opts o = {.limit = 3, .public_url = "https://x"};
  kb_suggest_result r;
  char err[256];
  const char *m = "phone screen shop";
  assert_int_equal(kb_suggest(ix, NULL, m, strlen(m), &o, &r, err, sizeof err), KB_SEARCH_OK);
  assert_non_null(r.words);
  kb_words_scores *direct = S_score(ix, m, NULL, 0);
  assert_true(kb_words_p(r.words, "screen") == kb_words_p(direct, "screen"));
  assert_true(kb_words_none(r.words) == kb_words_none(direct));
  kb_words_scores_free(direct);
  kb_suggest_result_free(&r);
  /* a language of the index without examples: no scores (the inputs
   * read 0) */
  o.lang = "de";
  assert_int_equal(kb_suggest(ix, NULL, m, strlen(m), &o, &r, err, sizeof err), KB_SEARCH_OK);
  assert_null(r.words);
  kb_suggest_result_free(&r);
  th_index_done(ix, dir);
}

/* A mention's words (kb_examples_words()'s), kept for S_check_pairs(). */
typedef struct {
  char *v[256];
  int n;
} S_wordlist;

static void S_keep_word(void *ctx, const char *term, size_t n) {
  S_wordlist *l = ctx;
  if (l->n < 256) l->v[l->n++] = kb_xstrndup(term, n);
}

/* Checks that every pair of words i, j of l (the next, the one after, and
 * each the other way round) is the same feature found by the words'
 * numbers as by its joined string; returns how many were known. */
static int S_check_pairs(const kb_words *w, const S_wordlist *l) {
  int known = 0;
  for (int i = 0; i < l->n; i++)
    for (int j = i > 2 ? i - 2 : 0; j < l->n && j <= i + 2; j++) {
      int by_ids = kb_words_pair(w, l->v[i], l->v[j], 0);
      int by_string = kb_words_pair(w, l->v[i], l->v[j], 1);
      if (by_ids != by_string)
        print_error("%s + %s: %d by the words' numbers, %d by the string\n", l->v[i], l->v[j],
                    by_ids, by_string);
      assert_int_equal(by_ids, by_string);
      known += by_ids >= 0;
    }
  return known;
}

/* Checks that the probabilities of l's words, summed with the rows of
 * terms made at load, are those summed one class's term at a time, bit
 * for bit: every slug of slugs[0..n) and "no article". */
static void S_check_rows(const kb_words *w, const S_wordlist *l, char **slugs, int n) {
  kb_words_scores *a = kb_words_score_words(w, (const char *const *)l->v, l->n, NULL, 0);
  kb_words_scores *b = kb_words_score_words_by_term(w, (const char *const *)l->v, l->n);
  for (int i = 0; i < n; i++) {
    double pa = kb_words_p(a, slugs[i]), pb = kb_words_p(b, slugs[i]);
    if (memcmp(&pa, &pb, sizeof pa))
      print_error("p(%s): %.17g with the rows, %.17g without\n", slugs[i], pa, pb);
    assert_memory_equal(&pa, &pb, sizeof pa);
  }
  double na = kb_words_none(a), nb = kb_words_none(b);
  assert_memory_equal(&na, &nb, sizeof na);
  kb_words_scores_free(a);
  kb_words_scores_free(b);
}

/* Checks that mention m's example scores are the same, bit for bit,
 * with its words' numbers taken from the word model's look-ups
 * (kb_words_example_terms()) as looked up by the examples themselves:
 * every slug of slugs[0..n), and ex_none. */
static void S_check_example_terms(kb_index *ix, const char *lang, const kb_mention *m, char **slugs,
                                  int n) {
  const kb_examples *ex = kb_index_examples(ix, lang);
  kb_words_scores *ws = kb_words_score(kb_index_words(ix, lang), m, NULL, 0);
  int nterms;
  const int *terms = kb_words_example_terms(ws, ex, &nterms);
  assert_non_null(terms); /* (kb/'s models map every example term) */
  kb_examples_scores *a = kb_examples_score_terms(ex, m, -1, terms, nterms);
  kb_examples_scores *b = kb_examples_score(ex, m, -1);
  for (int i = 0; i < n; i++) {
    double xa = kb_examples_max(a, slugs[i]), xb = kb_examples_max(b, slugs[i]);
    assert_memory_equal(&xa, &xb, sizeof xa);
  }
  double na = kb_examples_none(a), nb = kb_examples_none(b);
  assert_memory_equal(&na, &nb, sizeof na);
  kb_examples_scores_free(a);
  kb_examples_scores_free(b);
  kb_words_scores_free(ws);
}

/* The reranking's inputs as o->inspect sees them: each hit's id and row. */
typedef struct {
  int n;
  int64_t id[64];
  double x[64][KB_LTR_N];
} S_seen;

static void S_inspect(void *arg, const kb_results *r, const double *x) {
  S_seen *s = arg;
  s->n = r->n < 64 ? r->n : 64;
  for (int i = 0; i < s->n; i++) {
    s->id[i] = r->hits[i].id;
    memcpy(s->x[i], x + (size_t)i * KB_LTR_N, sizeof s->x[i]);
  }
}

static const double *S_seen_row(const S_seen *s, int64_t id) {
  for (int i = 0; i < s->n; i++)
    if (s->id[i] == id) return s->x[i];
  return NULL;
}

/* Checks that a suggest of mention text keeps the reranking's inputs
 * with its result (kb_suggest_result.ltr, the same rows the ranker
 * scored) and that its first suggestion's confidence is the one those
 * rows give. */
static void S_check_kept_inputs(kb_index *ix, const char *lang, const char *text) {
  S_seen seen = {.n = 0};
  kb_suggest_opts o = {.limit = 3, .public_url = "https://x", .lang = lang, .inspect = S_inspect,
                       .inspect_arg = &seen};
  kb_suggest_result r;
  char err[256];
  assert_int_equal(kb_suggest(ix, NULL, text, strlen(text), &o, &r, err, sizeof err), KB_SEARCH_OK);
  assert_int_equal(r.nltr, seen.n);
  const int64_t *id = (const int64_t *)(r.ltr + (size_t)r.nltr * KB_LTR_N);
  for (int i = 0; i < r.nltr; i++) {
    const double *x = S_seen_row(&seen, id[i]);
    assert_non_null(x);
    assert_memory_equal(x, r.ltr + (size_t)i * KB_LTR_N, KB_LTR_N * sizeof *x);
  }
  if (r.general) { /* nothing matched: general pages, none reranked, no confidence (rule37b) */
    assert_int_equal(r.nltr, 0);
    assert_true(r.nothing_fits);
    for (int i = 0; i < r.n; i++) assert_true(r.s[i].confidence == 0);
  } else if (r.n > 0) {
    const double *x0 = S_seen_row(&seen, r.s[0].hit->id), *x1 = r.n > 1 ? S_seen_row(&seen, r.s[1].hit->id) : NULL;
    assert_non_null(x0);
    double c = kb_rank_learned_confidence(x0, r.n > 1, r.n > 1 ? kb_rank_learned(x1) : 0, r.asks);
    assert_memory_equal(&c, &r.s[0].confidence, sizeof c);
  }
  kb_suggest_result_free(&r);
}

/* The pairs found by their words' numbers (a table made at load) are the
 * features the joined strings are, on kb/'s word models: every example
 * mention's adjacent words (pairs the model has) and words two apart and
 * reversed (mostly not); and each example mention's probabilities are
 * the same with the rows of terms made at load as without them, its
 * example scores with its words' numbers from the word model as without;
 * a tenth of them suggested, the reranking's inputs kept for the
 * confidence. */
static void test_words_pairs(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  kb_index *ix = th_index_kb("kb", dir);
  const char *langs[] = {"en", "fr", "de", "es"};
  int models = 0;
  for (size_t k = 0; k < sizeof langs / sizeof *langs; k++) {
    const kb_words *w = kb_index_words(ix, langs[k]);
    if (!w) continue;
    models++;
    char *path = th_fmt("kb/lang/%s/examples.tsv", langs[k]);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    int known = 0, lines = 0, nslugs = 0;
    char *slugs[512];
    while (fgets(line, sizeof line, f)) {
      char *text = strchr(line, '\t');
      if (line[0] == '#' || !text) continue;
      *text++ = 0;
      int s = 0;
      while (s < nslugs && strcmp(slugs[s], line)) s++;
      if (s == nslugs && nslugs < 512) slugs[nslugs++] = kb_xstrdup(line);
      text[strcspn(text, "\n")] = 0;
      char err[128];
      kb_mention *m = kb_mention_new(ix, NULL, text, strlen(text), &(kb_mention_opts){.lang = langs[k]},
                                     err, sizeof err);
      if (!m) continue;
      S_wordlist l = {.n = 0};
      kb_examples_words(m, S_keep_word, &l);
      S_check_example_terms(ix, langs[k], m, slugs, nslugs);
      if (lines % 10 == 0) S_check_kept_inputs(ix, langs[k], text);
      kb_mention_free(m);
      known += S_check_pairs(w, &l);
      S_check_rows(w, &l, slugs, nslugs);
      for (int i = 0; i < l.n; i++) free(l.v[i]);
      lines++;
    }
    fclose(f);
    free(path);
    for (int i = 0; i < nslugs; i++) free(slugs[i]);
    assert_true(lines > 100 && known > lines); /* (most adjacent pairs are known) */
  }
  assert_true(models >= 1);
  th_index_done(ix, dir);
}

/* The inputs: an off-topic page's p is 0 whatever the model says. */
static void test_words_inputs(void **state) {
  (void)state;
  double f[KB_RANK_NOUT] = {0}, x[KB_LTR_N];
  kb_rank_ctx c = {.clf = 0.25, .clf_none = 0.5};
  kb_rank_ltr_inputs(f, &c, x);
  assert_true(x[KB_LTR_CLF] == 0.25 && x[KB_LTR_CLF_NONE] == 0.5);
  c.offtopic = 1;
  kb_rank_ltr_inputs(f, &c, x);
  assert_true(x[KB_LTR_CLF] == 0 && x[KB_LTR_CLF_NONE] == 0.5);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_words_by_hand),
      cmocka_unit_test(test_words_inputs),
      cmocka_unit_test(test_words_pairs),
  };
  return cmocka_run_group_tests_name("words", tests, NULL, NULL);
}
