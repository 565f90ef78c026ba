/*
 * test_text.c - table-driven tests of the analyzer (kb_text.h): every
 * tokenizer rule, written as input -> expected terms. In the expected
 * strings terms are separated by spaces and a term at the same position as
 * the one before it is joined to it with '/'.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_lang.h"
#include "kb_text.h"
#include "kb_util.h"

/* The word lists the tests run with: the shipped ones of kb/lang/<code>
 * (th_lang()), as kb-index stores them in an index. */
static const kb_lang *S_data(const char *lang) { return th_lang(lang); }

/* An analyzer of lang with its shipped word lists. */
static kb_analyzer *S_new(const char *lang) {
  return kb_analyzer_new_data(lang, S_data(lang), NULL, 0);
}

typedef struct {
  char out[1024];
} S_terms;

static int S_collect(void *ctx, int flags, const char *t, int n, int s, int e) {
  S_terms *r = ctx;
  (void)s; (void)e;
  size_t len = strlen(r->out);
  const char *sep = len == 0 ? "" : (flags & KB_TOKEN_COLOCATED) ? "/" : " ";
  snprintf(r->out + len, sizeof r->out - len, "%s%.*s", sep, n, t);
  return 0;
}

static char *S_analyze(const char *lang, const char *text, int flags, int *prc) {
  kb_analyzer *a = S_new(lang);
  assert_non_null(a);
  S_terms r = {{0}};
  int rc = kb_analyzer_run(a, text, -1, flags, S_collect, &r);
  if (prc) *prc = rc;
  kb_analyzer_free(a);
  return strdup(r.out);
}

typedef struct {
  const char *rule, *in, *want;
} S_case;

static const S_case S_cases[] = {
    /* case and diacritic folding */
    {"case folding", "SIM Card", "sim card"},
    {"diacritics", "café CAFÉ cafe", "cafe cafe cafe"},
    {"diacritics: naïve résumé", "naïve résumé", "naiv resum"},
    {"german sharp s folds", "straße", "strass"},
    {"compatibility forms", "ﬁx Ｆｉｘ", "fix fix"},
    /* word boundaries */
    {"punctuation splits", "screen,cracked.battery!", "screen crack batteri"},
    {"hyphen splits", "wi-fi e-sim", "wi fi e sim"},
    {"ideographs one term each", "手机 shop", "手 机 shop"},
    {"cyrillic words", "Телефон", "телефон"},
    /* tweet-aware */
    {"URLs dropped", "see https://example.com/a?b=1 and www.example.co.uk ok", "see ok"},
    {"scheme-less URL with path dropped", "bit.ly/abc repair", "repair"},
    {"e-mail dropped", "mail me@example.com now", "mail now"},
    {"@handles not content", "@PhoneRetailer @phone_retailer_help broken", "broken"},
    {"handle with possessive", "@PhoneRetailer's app", "app"},
    {"hashtag camel case", "#SimCard", "sim card/simcard"},
    {"hashtag underscore", "#sim_card", "sim card/simcard"},
    {"hashtag single word", "#annoyed", "annoy"},
    {"hashtag iPhone stays", "#iPhone", "iphon"},
    {"hashtag three parts", "#PhoneRetailerHelp", "phone retail help/phoneretailerhelp"},
    {"elongation squeezed", "noooo", "noo/no"},
    {"elongation pleeease", "pleeease", "pleeas/pleas"},
    {"elongation helppp", "helppp", "helpp/help"},
    {"double letters untouched", "good", "good"},
    {"digit runs untouched", "1000", "1000"},
    {"model name split", "iphone12", "iphon/iphone12 12"},
    {"model name with suffix", "iPhone12Pro", "iphon/iphone12pro 12 pro"},
    {"short model stays", "s21 a52 4g", "s21 a52 4g"},
    {"apostrophe", "can't won't", "cant wont"},
    {"curly apostrophe", "can’t", "cant"},
    {"emoji dropped", "broken 😭😭 screen 🙏🏽", "broken screen"},
    {"stop words dropped", "where is my phone", "phone"},
    {"particles kept", "turn it on", "turn on"},
    {"negations kept", "not working", "not work"},
    {"stemming", "deliveries repairs running", "deliveri repair run"},
    {"empty", "", ""},
    {"only noise", "!!! ... @x #", ""},
};

/* One cmocka test per rule, so a failure names the rule. */
static void test_rule(void **state) {
  const S_case *c = *state;
  int rc;
  char *got = S_analyze("en", c->in, 0, &rc);
  if (rc != 0 || strcmp(got, c->want) != 0)
    print_error("%s: \"%s\" -> \"%s\", want \"%s\"\n", c->rule, c->in, got, c->want);
  int ok = rc == 0 && strcmp(got, c->want) == 0;
  free(got);
  assert_true(ok);
}

static void test_invalid_utf8(void **state) {
  (void)state;
  const char *bad[] = {"abc\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    int rc;
    char *got = S_analyze("en", bad[i], 0, &rc);
    assert_int_equal(rc, KB_TEXT_EUTF8);
    assert_string_equal(got, "");
    free(got);
  }
  size_t off = 0;
  assert_false(kb_text_utf8_valid("ok\xfe", 3, &off));
  assert_int_equal(off, 2);
  assert_true(kb_text_utf8_valid("café", strlen("café"), NULL));
  /* ASCII is skipped eight bytes at a time (kb_text.c): a bad byte, a
   * cut sequence and a good one at every offset of a 40-byte text, in a
   * block, across two and in the tail, are found where they are */
  char t[41];
  for (size_t at = 0; at < 40; at++) {
    memset(t, 'a', 40);
    t[40] = 0;
    t[at] = (char)0xff;
    off = 0;
    assert_false(kb_text_utf8_valid(t, 40, &off));
    assert_int_equal(off, at);
    memset(t, 'a', 40);
    t[at] = (char)0xc3; /* the first byte of é, its second byte missing */
    off = 0;
    assert_false(kb_text_utf8_valid(t, at + 1, &off));
    assert_int_equal(off, at);
    if (at + 1 < 40) {
      t[at + 1] = (char)0xa9;
      assert_true(kb_text_utf8_valid(t, 40, NULL));
    }
  }
}

static void test_prefix_not_stemmed(void **state) {
  (void)state;
  char *got = S_analyze("en", "deliv", KB_TEXT_PREFIX, NULL);
  assert_string_equal(got, "deliv");
  free(got);
}

static void test_exact_forms(void **state) {
  (void)state;
  char *got = S_analyze("en", "running iPhone12 shop", KB_TEXT_EXACT, NULL);
  assert_string_equal(got, "run/=running iphon/=iphone/iphone12 12 shop");
  free(got);
}

static void test_languages(void **state) {
  (void)state;
  char err[128] = "";
  assert_null(kb_analyzer_new("klingon", err, sizeof err));
  assert_non_null(strstr(err, "klingon"));
  assert_true(kb_text_lang_known("de"));
  assert_true(kb_text_lang_known("french"));
  assert_false(kb_text_lang_known("xx"));
  /* German stemming with German stop words (kb/lang/de), not English
   * ones: "die" is a German article, "was" a German word */
  char *got = S_analyze("de", "Die Handys kaufen", 0, NULL);
  assert_string_equal(got, "handys kauf");
  free(got);
  got = S_analyze("de", "was kostet", 0, NULL);
  assert_string_equal(got, "kostet");
  free(got);
}

/* Spans: every term reports the bytes it came from. */
typedef struct {
  int n;
  int start[8], end[8];
} S_spans;

static int S_span(void *ctx, int flags, const char *t, int n, int s, int e) {
  S_spans *p = ctx;
  (void)flags; (void)t; (void)n;
  if (p->n < 8) {
    p->start[p->n] = s;
    p->end[p->n] = e;
  }
  p->n++;
  return 0;
}

static void test_spans(void **state) {
  (void)state;
  kb_analyzer *a = S_new("en");
  S_spans sp = {0};
  const char *text = "Café #SimCard";
  assert_int_equal(kb_analyzer_run(a, text, -1, 0, S_span, &sp), 0);
  assert_int_equal(sp.n, 4); /* cafe sim card simcard */
  assert_int_equal(sp.start[0], 0);
  assert_int_equal(sp.end[0], 5); /* é is two bytes */
  assert_int_equal(sp.start[1], 7);
  assert_int_equal(sp.end[1], 10);
  assert_int_equal(sp.start[2], 10);
  assert_int_equal(sp.end[2], 14);
  kb_analyzer_free(a);
}

static int S_stop_after_one(void *ctx, int flags, const char *t, int n, int s, int e) {
  (void)flags; (void)t; (void)n; (void)s; (void)e;
  ++*(int *)ctx;
  return 7;
}

static void test_callback_stops(void **state) {
  (void)state;
  kb_analyzer *a = S_new("en");
  int calls = 0;
  assert_int_equal(kb_analyzer_run(a, "one two three", -1, 0, S_stop_after_one, &calls), 7);
  assert_int_equal(calls, 1);
  kb_analyzer_free(a);
}

static void test_long_words_skipped(void **state) {
  (void)state;
  char buf[600];
  memset(buf, 'x', 500);
  strcpy(buf + 500, " ok");
  char *got = S_analyze("en", buf, 0, NULL);
  assert_string_equal(got, "ok");
  free(got);
}

#define S_NCASES (sizeof S_cases / sizeof *S_cases)

/* French elision (kb/lang/fr/elisions.txt): a word written FORM'REST is
 * read as REST in French, with either apostrophe, at index time and in a
 * customer's words alike; what remains may be a stop word ("qu'il", "j'ai").
 * A form the list lacks ("aujourd'hui") and a language without the file
 * (English: "don't", "iphone's", "o'neill") keep the word whole, as does
 * French without its list. */
static void test_elision(void **state) {
  (void)state;
  static const struct {
    const char *lang, *in, *want;
    int flags;
  } cases[] = {
      {"fr", "l'assurance d'assurance", "assur assur", 0},
      {"fr", "l'écran l’écran ecran", "ecran ecran ecran", 0},
      {"fr", "j'ai qu'il n'arrive s'allume jusqu'à", "arriv allum", 0},
      {"fr", "lorsqu'il puisqu’on quoiqu'elle c'est m'a t'as", "", 0},
      {"fr", "l'iphone12 d'iphone", "iphon/iphone12 12 iphon", 0},
      {"fr", "l'écraaaan", "ecraan/ecran", 0},
      {"fr", "aujourd'hui presqu'île", "aujourdhui presquil", 0},
      /* a customer's "appli" is text-speak for "application" */
      {"fr", "j'ai l'appli", "appliqu", KB_TEXT_QUERY},
      {"fr", "#l'iphone", "l'iphon", 0}, /* a hashtag is not cut (nor its apostrophe dropped) */
      {"en", "don't iphone's o'neill l'iphone", "dont iphon oneil liphon", 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *got = S_analyze(cases[i].lang, cases[i].in, cases[i].flags, NULL);
    if (strcmp(got, cases[i].want))
      print_error("%s \"%s\" -> \"%s\", want \"%s\"\n", cases[i].lang, cases[i].in, got,
                  cases[i].want);
    assert_string_equal(got, cases[i].want);
    free(got);
  }
  /* the term spans the word after the apostrophe: "écran" of "l'écran" */
  kb_analyzer *a = S_new("fr");
  S_spans sp = {0};
  assert_int_equal(kb_analyzer_run(a, "vu l'écran", -1, 0, S_span, &sp), 0);
  assert_int_equal(sp.n, 2);
  assert_int_equal(sp.start[1], 5);
  assert_int_equal(sp.end[1], 11);
  kb_analyzer_free(a);
  /* French without elisions.txt reads l'écran as one word, as before */
  kb_lang *bare = kb_lang_new("fr");
  kb_analyzer *b = kb_analyzer_new_data("fr", bare, NULL, 0);
  S_terms r = {{0}};
  kb_analyzer_run(b, "l'écran", -1, 0, S_collect, &r);
  assert_string_equal(r.out, "lecran");
  kb_analyzer_free(b);
  kb_lang_free(bare);
}

/* The analyzer knows a language's words only from its data (kb_lang.h):
 * without it nothing is dropped; text-speak may stand for several words,
 * each a term of its own, stop words among them dropped. */
static void test_language_data(void **state) {
  (void)state;
  kb_analyzer *bare = kb_analyzer_new("en", NULL, 0);
  S_terms r = {{0}};
  kb_analyzer_run(bare, "the phone pls", -1, KB_TEXT_QUERY, S_collect, &r);
  assert_string_equal(r.out, "the phone pls");
  kb_analyzer_free(bare);
  kb_lang *fr = kb_lang_new("fr");
  kb_diag *d = kb_diag_new();
  const char *speak = "jsp\tje sais pas\nstp\ts'il te plait\n", *stop = "je\n";
  assert_int_equal(kb_lang_parse(fr, KB_LANG_SPEAK, "textspeak.tsv", speak, strlen(speak), d), 0);
  assert_int_equal(kb_lang_parse(fr, KB_LANG_STOP, "stopwords.txt", stop, strlen(stop), d), 0);
  kb_analyzer *a = kb_analyzer_new_data("fr", fr, NULL, 0);
  S_terms q = {{0}};
  kb_analyzer_run(a, "jsp quoi", -1, KB_TEXT_QUERY, S_collect, &q);
  assert_string_equal(q.out, "sais pas quoi");
  S_terms doc = {{0}}; /* articles are not read as text-speak */
  kb_analyzer_run(a, "jsp quoi", -1, 0, S_collect, &doc);
  assert_string_equal(doc.out, "jsp quoi");
  kb_analyzer_free(a);
  kb_lang_free(fr);
  kb_diag_free(d);
}

/* Every term of a run as one line: flags, term, spans and surface. */
typedef struct {
  char out[4096];
} S_full;

/* The surface of each word number (kb_term.word) seen in a run, shared
 * by every language's context: one number, one surface (kb_search.c keeps
 * one copy of it for all languages' records), but for a language that
 * elides the word's beginning ("c'est": cest, and est in French), whose
 * surface is then the other's ending. */
static char S_word_surface[512][KB_TEXT_MAX_TERM + 1];

static int S_collect_term(void *ctx, const kb_term *t) {
  S_full *r = ctx;
  size_t len = strlen(r->out);
  snprintf(r->out + len, sizeof r->out - len, "%d:%.*s@%d-%d(%.*s)#%u ", t->flags, t->nterm,
           t->term, t->start, t->end, t->nsurface, t->surface, t->word);
  /* the hash it carries is the term's, without the exact mark (the
   * vocabulary's look-ups use it: kb_vocab_df_hashed()) */
  int exact = t->nterm > 0 && t->term[0] == KB_TEXT_EXACT_MARK;
  if (t->hash != kb_hash(t->term + exact, (size_t)(t->nterm - exact)))
    fail_msg("%.*s: hash %u", t->nterm, t->term, t->hash);
  /* the term is its surface, the pointer, exactly when the bytes are
   * the same (kb_search.c's records share the copy by it) */
  int same = t->nterm == t->nsurface && !memcmp(t->term, t->surface, (size_t)t->nterm);
  if (same != (t->term == t->surface))
    fail_msg("%.*s (surface %.*s): the same bytes %d, the same pointer %d", t->nterm, t->term,
             t->nsurface, t->surface, same, t->term == t->surface);
  assert_true(t->word > 0 && t->word < 512);
  char *seen = S_word_surface[t->word];
  int ns = (int)strlen(seen);
  if (!seen[0]) {
    snprintf(seen, KB_TEXT_MAX_TERM + 1, "%.*s", t->nsurface, t->surface);
  } else if (ns != t->nsurface || memcmp(seen, t->surface, (size_t)t->nsurface)) {
    int elided = ns > t->nsurface ? !memcmp(seen + ns - t->nsurface, t->surface, (size_t)t->nsurface)
                                  : !memcmp(t->surface + t->nsurface - ns, seen, (size_t)ns);
    if (!elided)
      fail_msg("word %u: surface %.*s, and %s before", t->word, t->nsurface, t->surface, seen);
  }
  return 0;
}

/* The mention is read in every language at once
 * (kb_analyzer_run_terms_all()): each language gets exactly the terms a
 * run of its own gives, over every rule's input and mixed-language
 * mentions with text-speak, elongations, hashtags and model names. */
static void test_run_all_languages(void **state) {
  (void)state;
  static const char *const langs[] = {"en", "fr", "de", "es"};
  enum { NL = sizeof langs / sizeof *langs };
  static const char *const more[] = {
      "@PhoneRetailer pleeease jsp ou est ma commande #SimCard iphone12 stp",
      "Hola, ¿dónde está mi pedido? q tal xq no llega noooo",
      "Wo ist meine Bestellung? Straße 12 #Lieferung_spaet bitteeee",
      "the store in Lyon, c'est fermé?? can't find it lol",
      /* elided in French only, the words before and after in step */
      "l'écran d’iphone12 jusqu'à l'appli d'assurance qu'il don't",
      /* a word's first form dropped as a stop word, its second kept at
       * the same position: "all" of "alll", "the" of "the12" */
      "ok alll the12 les12 pleeease",
      /* symbols read as text-speak (German's 🔋 akku): a word of their own */
      "akku leer 🔋 und 📦 kommt nicht",
  };
  kb_analyzer *a[NL];
  for (int k = 0; k < NL; k++) assert_non_null(a[k] = S_new(langs[k]));
  int flags[] = {KB_TEXT_QUERY | KB_TEXT_EXACT, 0, KB_TEXT_EXACT};
  for (size_t i = 0; i < S_NCASES + sizeof more / sizeof *more; i++) {
    const char *text = i < S_NCASES ? S_cases[i].in : more[i - S_NCASES];
    for (size_t f = 0; f < sizeof flags / sizeof *flags; f++) {
      S_full one[NL], all[NL];
      void *ctx[NL];
      for (int k = 0; k < NL; k++) {
        one[k].out[0] = all[k].out[0] = 0;
        memset(S_word_surface, 0, sizeof S_word_surface);
        assert_int_equal(kb_analyzer_run_terms(a[k], text, -1, flags[f], S_collect_term, &one[k]),
                         KB_TEXT_OK);
        ctx[k] = &all[k];
      }
      memset(S_word_surface, 0, sizeof S_word_surface);
      assert_int_equal(kb_analyzer_run_terms_all(a, ctx, NL, text, -1, flags[f], S_collect_term),
                       KB_TEXT_OK);
      for (int k = 0; k < NL; k++) {
        if (strcmp(one[k].out, all[k].out))
          fail_msg("%s (%s, flags %d):\n  alone: %s\n  all:   %s", text, langs[k], flags[f],
                   one[k].out, all[k].out);
      }
    }
  }
  for (int k = 0; k < NL; k++) kb_analyzer_free(a[k]);
}

/* Each term's note (kb_term.note) and its text, as a run hands them. */
typedef struct {
  int n;
  int *note[16];
  char term[16][KB_TEXT_MAX_TERM + 2];
} S_notes;

static int S_collect_note(void *ctx, const kb_term *t) {
  S_notes *r = ctx;
  if (r->n < 16) {
    r->note[r->n] = t->note;
    snprintf(r->term[r->n], sizeof r->term[0], "%.*s", t->nterm, t->term);
    r->n++;
  }
  return 0;
}

/* A term's note is kept with its word by the analyzer (kb_search.c keeps
 * a term's document frequency in it): the same term of the same word gets
 * the same note in every run, holding what was set; a word's stem, its
 * exact form and the word itself (unstemmed, or a stem that is the word)
 * each a note of their own; -1 until set. */
static void test_term_notes(void **state) {
  (void)state;
  kb_analyzer *a = S_new("en");
  S_notes one = {0}, two = {0};
  const char *text = "deliveries phone deliveries";
  assert_int_equal(kb_analyzer_run_terms(a, text, -1, KB_TEXT_EXACT, S_collect_note, &one), KB_TEXT_OK);
  /* deliveri, =deliveries, phone, deliveri, =deliveries */
  assert_int_equal(one.n, 5);
  assert_string_equal(one.term[0], "deliveri");
  assert_string_equal(one.term[1], "=deliveries");
  assert_string_equal(one.term[2], "phone");
  for (int i = 0; i < 5; i++) assert_non_null(one.note[i]);
  assert_int_equal(*one.note[0], -1);
  assert_ptr_equal(one.note[0], one.note[3]);
  assert_ptr_equal(one.note[1], one.note[4]);
  assert_ptr_not_equal(one.note[0], one.note[1]);
  assert_ptr_not_equal(one.note[0], one.note[2]);
  *one.note[0] = 7;
  *one.note[2] = 3;
  assert_int_equal(kb_analyzer_run_terms(a, text, -1, KB_TEXT_EXACT, S_collect_note, &two), KB_TEXT_OK);
  assert_int_equal(two.n, 5);
  for (int i = 0; i < 5; i++) assert_ptr_equal(two.note[i], one.note[i]);
  assert_int_equal(*two.note[0], 7);
  assert_int_equal(*two.note[1], -1);
  assert_int_equal(*two.note[2], 3);
  /* unstemmed (KB_TEXT_SPANS), "deliveries" is a term of its own, not
   * its stem's */
  S_notes three = {0};
  assert_int_equal(kb_analyzer_run_terms(a, text, -1, KB_TEXT_SPANS, S_collect_note, &three), KB_TEXT_OK);
  assert_string_equal(three.term[0], "deliveries");
  assert_non_null(three.note[0]);
  assert_ptr_not_equal(three.note[0], one.note[0]);
  assert_ptr_not_equal(three.note[0], one.note[1]);
  assert_ptr_equal(three.note[1], one.note[2]); /* "phone": its stem is the word */
  kb_analyzer_free(a);
}

/* Text is cut on a character boundary (kb_util.h): never inside one. */
static void test_utf8_cut(void **state) {
  (void)state;
  const char *s = "ab\xC3\xA9\xE2\x80\xA6z"; /* a b é … z */
  assert_int_equal(kb_utf8_cut(s, 0), 0);
  assert_int_equal(kb_utf8_cut(s, 2), 2);
  assert_int_equal(kb_utf8_cut(s, 3), 2); /* inside é */
  assert_int_equal(kb_utf8_cut(s, 4), 4);
  assert_int_equal(kb_utf8_cut(s, 5), 4); /* inside … */
  assert_int_equal(kb_utf8_cut(s, 6), 4);
  assert_int_equal(kb_utf8_cut(s, 7), 7);
  assert_int_equal(kb_utf8_cut(s, 8), 8); /* the NUL */
}

/* kb_analyzer_forget() empties the memo of words analysed and nothing
 * else: the same text gives the same terms before, after, and again
 * once the memo has filled anew; forgetting twice, or NULL, is allowed. */
static void test_forget(void **state) {
  (void)state;
  const char *text = "my deliveries are late, the repairs running slow #SimCard iphone12 caf\u00e9";
  kb_analyzer *a = S_new("en");
  assert_non_null(a);
  S_terms before = {{0}}, after = {{0}}, again = {{0}};
  assert_int_equal(kb_analyzer_run(a, text, -1, 0, S_collect, &before), 0);
  kb_analyzer_forget(a);
  assert_int_equal(kb_analyzer_run(a, text, -1, 0, S_collect, &after), 0);
  assert_string_equal(before.out, after.out);
  kb_analyzer_forget(a);
  kb_analyzer_forget(a);
  kb_analyzer_forget(NULL);
  assert_int_equal(kb_analyzer_run(a, text, -1, 0, S_collect, &again), 0);
  assert_string_equal(before.out, again.out);
  assert_string_equal(before.out, "deliveri late repair run slow sim card/simcard iphon/iphone12 12 cafe");
  kb_analyzer_free(a);
}

int main(void) {
  static const struct CMUnitTest fixed[] = {
      cmocka_unit_test(test_invalid_utf8),
      cmocka_unit_test(test_prefix_not_stemmed),
      cmocka_unit_test(test_exact_forms),
      cmocka_unit_test(test_languages),
      cmocka_unit_test(test_spans),
      cmocka_unit_test(test_callback_stops),
      cmocka_unit_test(test_long_words_skipped),
      cmocka_unit_test(test_language_data),
      cmocka_unit_test(test_elision),
      cmocka_unit_test(test_run_all_languages),
      cmocka_unit_test(test_term_notes),
      cmocka_unit_test(test_utf8_cut),
      cmocka_unit_test(test_forget),
  };
  enum { NFIXED = sizeof fixed / sizeof *fixed };
  struct CMUnitTest tests[S_NCASES + NFIXED];
  for (size_t i = 0; i < S_NCASES; i++)
    tests[i] = (struct CMUnitTest){.name = S_cases[i].rule, .test_func = test_rule,
                                   .initial_state = (void *)&S_cases[i]};
  for (size_t i = 0; i < NFIXED; i++) tests[S_NCASES + i] = fixed[i];
  return _cmocka_run_group_tests("text", tests, S_NCASES + NFIXED, NULL, NULL);
}
