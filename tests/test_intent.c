/*
 * test_intent.c - table-driven tests of kb_intent_asks(): which mentions
 * ask something (a question, a request, a problem put as one) and which
 * are statements (praise, rants, chit-chat), one rule per line; text-speak
 * asks as its words do; the intents a mention's cues carry.
 *
 * The words go through the mention analysis's word layer (kb_token.h) and
 * the shipped English lists (kb/lang/en), as in the suggest path.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "kb_intent.h"
#include "kb_lang.h"
#include "kb_token.h"
#include "kb_util.h"

/* The shipped word lists of language code ("en", "fr", ...), read once. */
static const kb_lang *S_lang(const char *code) { return th_lang(code); }

static const kb_lang *S_en(void) { return S_lang("en"); }

/* Whether text[0..n) asks something, read as the suggest path reads it. */
static int S_asks(const char *text, size_t n) {
  int nt;
  kb_token *t = kb_tokens_split(text, n, &nt);
  kb_intent_cues(t, nt, S_en());
  int asks = kb_intent_asks(t, nt, memchr(text, '?', n) != NULL);
  free(t);
  return asks;
}

/* The intents of text (KB_INTENT_* bits) read with language code's lists. */
static int S_intents_in(const char *code, const char *text) {
  int nt;
  kb_token *t = kb_tokens_split(text, strlen(text), &nt);
  kb_intent_cues(t, nt, S_lang(code));
  int intents = kb_intent_detect(t, nt, S_lang(code));
  free(t);
  return intents;
}

static int S_intents(const char *text) { return S_intents_in("en", text); }

/* Each token carries its fold's length (the place finder and the
 * language's word look-ups read it instead of strlen()) and no hash until
 * a reader makes one (kb_token.h): words, accents, an apostrophe, a
 * handle, a URL, digits, an emoji, a long word cut at its fold's room. */
static void test_token_fold_lengths(void **state) {
  (void)state;
  const char *text = "Caf\xc3\xa9 \xc3\x89T\xc3\x89 what\xe2\x80\x99s @Handle_1 https://x.co/a 12ab "
                     "\xf0\x9f\x99\x82 stra\xc3\x9f" "e Donaudampfschifffahrtsgesellschaftskapitaensmuetze";
  int nt;
  kb_token *t = kb_tokens_split(text, strlen(text), &nt);
  assert_true(nt >= 10);
  for (int i = 0; i < nt; i++) {
    assert_int_equal(t[i].nfold, (int)strlen(t[i].fold));
    assert_int_equal(t[i].hash, 0);
  }
  assert_string_equal(t[0].fold, "cafe");
  assert_int_equal(t[0].nfold, 4);
  free(t);
}

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
  assert_int_equal(S_asks(c->text, strlen(c->text)), c->asks);
}

/* Only the n bytes given are read: a question mark past them is not seen. */
static void test_length_respected(void **state) {
  (void)state;
  const char *s = "thanks so much?";
  assert_int_equal(S_asks(s, strlen(s) - 1), 0);
  assert_int_equal(S_asks(s, strlen(s)), 1);
  assert_int_equal(S_asks("http", 4), 0);
  assert_int_equal(S_asks("\xE2\x80", 2), 0); /* a cut-off apostrophe */
}

/* Text-speak asks as the words it stands for (textspeak.tsv is read for
 * cues as for search): "wat" is "what", "hw" is "how", "r" is "are". The
 * two spellings give the same answer and the same intents. */
static void test_text_speak_same_as_words(void **state) {
  (void)state;
  static const char *const pairs[][2] = {
      {"wat time does the leeds shop open", "what time does the leeds shop open"},
      {"hw do i get the sim out", "how do i get the sim out"},
      {"wot is the number for the shop", "what is the number for the shop"},
      {"r u open on sunday", "are you open on sunday"},
      {"my screen is cracked y", "my screen is cracked why"},
  };
  for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
    if (S_asks(pairs[i][0], strlen(pairs[i][0])) != S_asks(pairs[i][1], strlen(pairs[i][1])) ||
        S_intents(pairs[i][0]) != S_intents(pairs[i][1]))
      print_error("'%s' and '%s' differ\n", pairs[i][0], pairs[i][1]);
    assert_int_equal(S_asks(pairs[i][0], strlen(pairs[i][0])), 1);
    assert_int_equal(S_asks(pairs[i][0], strlen(pairs[i][0])),
                     S_asks(pairs[i][1], strlen(pairs[i][1])));
    assert_int_equal(S_intents(pairs[i][0]), S_intents(pairs[i][1]));
  }
  assert_int_equal(S_intents("wat time does the leeds shop open"), KB_INTENT_HOURS);
}

/* The intents of intents.tsv: a word or a phrase, inside one clause, not
 * in handles or links. */
static void test_intents(void **state) {
  (void)state;
  assert_int_equal(S_intents("where is my order, ordered monday"), KB_INTENT_STATUS | KB_INTENT_LOCATION);
  assert_int_equal(S_intents("how do i set up voicemail"), KB_INTENT_HOWTO);
  assert_int_equal(S_intents("do you have the s24 in stock"), KB_INTENT_AVAILABILITY);
  assert_int_equal(S_intents("what time do you close"), KB_INTENT_HOURS);
  assert_int_equal(S_intents("worst service ever, i want to complain"), KB_INTENT_COMPLAINT);
  assert_int_equal(S_intents("whats your phone number"), KB_INTENT_CONTACT);
  assert_int_equal(S_intents("where. is my"), 0);     /* not across clauses */
  assert_int_equal(S_intents("@WhereIsMy hello"), 0); /* not in a handle */
  assert_int_equal(S_intents("lovely day"), 0);
}

/* A list's accented words match a mention's words, which are read folded
 * (accents stripped), whether the customer types the accents or not: they
 * once never matched. "où" (where) and "ou" (or) fold the same and keep
 * both what they are. */
static void test_accented_words(void **state) {
  (void)state;
  assert_int_equal(S_intents_in("fr", "où est ma commande ?"), KB_INTENT_STATUS);
  assert_int_equal(S_intents_in("fr", "ou est ma commande"), KB_INTENT_STATUS);
  assert_int_equal(S_intents_in("de", "immer noch keine Rückmeldung"), KB_INTENT_STATUS);
  assert_int_equal(S_intents_in("de", "wie ändere ich meinen Tarif"), KB_INTENT_HOWTO);
  const kb_lang_word *x = kb_lang_word_of(S_lang("es"), "donde", 5);
  assert_non_null(x);
  assert_true(x->cue != 0);
  x = kb_lang_word_of(S_lang("fr"), "ca", 2);
  assert_non_null(x);
  assert_true(x->stop);
  x = kb_lang_word_of(S_lang("fr"), "ou", 2);
  assert_non_null(x);
  assert_true(x->stop && x->cue);
}

/* French (kb/lang/fr/intents.tsv): no solution after several tries is a
 * complaint, whatever the problem was; the date we gave ("vous m'aviez dit
 * vendredi") asks where things are. */
static void test_french_no_solution(void **state) {
  (void)state;
  assert_int_equal(S_intents_in("fr", "vous m'aviez dit vendredi pour mon tel") & KB_INTENT_STATUS,
                   KB_INTENT_STATUS);
  assert_int_equal(S_intents_in("fr", "trois appels et toujours pas de solution") & KB_INTENT_COMPLAINT,
                   KB_INTENT_COMPLAINT);
  assert_int_equal(S_intents_in("fr", "aucune solution depuis un mois") & KB_INTENT_COMPLAINT,
                   KB_INTENT_COMPLAINT);
}

/* French (kb/lang/fr/intents.tsv): taking a matter to the management
 * ("à la direction", "faire remonter", the franglais "escalader") is a
 * complaint, whatever the matter; "la direction" of a street is not. */
static void test_french_escalation(void **state) {
  (void)state;
  assert_true(S_intents_in("fr", "je veux en parler à la direction") & KB_INTENT_COMPLAINT);
  assert_true(S_intents_in("fr", "jvais faire remonter ça, c'est quoi la marche") & KB_INTENT_COMPLAINT);
  assert_true(S_intents_in("fr", "on peut escalader mon cas ?") & KB_INTENT_COMPLAINT);
  assert_int_equal(S_intents_in("fr", "la direction de la gare") & KB_INTENT_COMPLAINT, 0);
}

/* French phonetic spellings (kb/lang/fr/textspeak.tsv: dyslexia,
 * dictation) are read as the words they sound like: «comen» and «coman»
 * ask how as «comment» does. */
static void test_french_phonetic_spellings(void **state) {
  (void)state;
  assert_int_equal(S_intents_in("fr", "comen je met la sim dans le nouvo"), KB_INTENT_HOWTO);
  assert_int_equal(S_intents_in("fr", "coman on regle le répondeur"), KB_INTENT_HOWTO);
  assert_int_equal(S_intents_in("fr", "comen je met la sim dans le nouvo"),
                   S_intents_in("fr", "comment je met la sim dans le nouveau"));
}

/* German (kb/lang/de/intents.tsv): staff who laughed at or shouted at a
 * customer is a complaint without the word "Beschwerde", umlaut or not. */
static void test_german_staff_complaint(void **state) {
  (void)state;
  assert_int_equal(S_intents_in("de", "der verkäufer hat mich ausgelacht"), KB_INTENT_COMPLAINT);
  assert_int_equal(S_intents_in("de", "wurde an der kasse angebruellt"), KB_INTENT_COMPLAINT);
  assert_int_equal(S_intents_in("de", "der verkäufer hat mich beraten"), 0);
}

/* English (#19's seventh round): a repair in progress named by who has it,
 * asking when it comes back or where it is without "status", and asking
 * for a number to call (not "my number", which is keeping a number). */
static void test_english_status_and_contact(void **state) {
  (void)state;
  assert_int_equal(S_intents("still with the engineers?"), KB_INTENT_STATUS);
  assert_int_equal(S_intents("has the engineer looked at it"), KB_INTENT_STATUS);
  assert_int_equal(S_intents("when can i get it back"), KB_INTENT_STATUS);
  assert_int_equal(S_intents("sent it in, when do i get mine back"), KB_INTENT_STATUS);
  assert_true(S_intents("paid last week, where is it") & KB_INTENT_STATUS);
  assert_int_equal(S_intents("what number do i ring"), 0); /* "ring" alone is no cue */
  assert_int_equal(S_intents("is there a number to ring"), KB_INTENT_CONTACT);
  assert_int_equal(S_intents("any number i can call"), KB_INTENT_CONTACT);
  assert_int_equal(S_intents("can i keep my number"), 0);
}

/* Spanish (kb/lang/es/intents.tsv): «teléfono» alone is also the handset,
 * so only the phone line asked with more words is a contact cue; «¿qué
 * pasa con mi pedido?», «¿alguna novedad?» and «no sé nada» ask for a
 * status as "any news" does, text-speak («q») included. */
static void test_spanish_phone_and_status(void **state) {
  (void)state;
  assert_int_equal(S_intents_in("es", "el teléfono nuevo no carga"), 0);
  assert_int_equal(S_intents_in("es", "se me cayó el telefono"), 0);
  assert_true(S_intents_in("es", "cuál es vuestro teléfono") & KB_INTENT_CONTACT);
  assert_true(S_intents_in("es", "atendéis por telefono los festivos?") & KB_INTENT_CONTACT);
  assert_true(S_intents_in("es", "el teléfono de atención al cliente") & KB_INTENT_CONTACT);
  assert_int_equal(S_intents_in("es", "q pasa con mi pedido??"), KB_INTENT_STATUS);
  assert_int_equal(S_intents_in("es", "alguna novedad de la reparación?"), KB_INTENT_STATUS);
  assert_int_equal(S_intents_in("es", "se puede saber cómo va lo mío"), KB_INTENT_STATUS);
  /* no news, said as «no sé nada», or in English inside a Spanish tweet */
  assert_int_equal(S_intents_in("es", "hice un pedido el martes y no sé nada"), KB_INTENT_STATUS);
  assert_int_equal(S_intents_in("es", "any news de mi reparación?"), KB_INTENT_STATUS);
  /* what should have come and did not; when an order leaves the warehouse */
  assert_int_equal(S_intents_in("es", "el paquete tenía que llegar el lunes"), KB_INTENT_STATUS);
  assert_int_equal(S_intents_in("es", "cuándo sale mi pedido?"), KB_INTENT_STATUS);
  /* fed up, or not served, without a complaint word */
  assert_int_equal(S_intents_in("es", "estoy hasta las narices"), KB_INTENT_COMPLAINT);
  assert_int_equal(S_intents_in("es", "en la tienda no me quisieron atender"), KB_INTENT_COMPLAINT);
  /* common misspellings read as their words (kb/lang/es/textspeak.tsv):
   * the h left out of «horario» */
  assert_int_equal(S_intents_in("es", "q orario teneis en navidad"), S_intents_in("es", "q horario teneis en navidad"));
  assert_true(S_intents_in("es", "q orario teneis en navidad") & KB_INTENT_HOURS);
}

/* A mention's words looked up in one call a language
 * (kb_lang_words_of_hashed(), kb_mention.c's language scoring): each as
 * kb_lang_word_of_hashed() finds it alone, words of no list and words
 * not read (length 0 or -1) NULL, and every word NULL without lists. */
static void test_words_of_hashed(void **state) {
  (void)state;
  static const char *const w[] = {"the", "donde", "ou", "xyzzyq", "phone", "lol", "", "pls", "the"};
  enum { N = sizeof w / sizeof *w };
  int n[N];
  uint32_t h[N];
  for (int i = 0; i < N; i++) {
    n[i] = i == 6 ? -1 : (int)strlen(w[i]);
    h[i] = kb_hash(w[i], strlen(w[i]));
  }
  n[8] = 0; /* (not read) */
  static const char *const codes[] = {"en", "fr", "de", "es"};
  for (int k = 0; k < 4; k++) {
    const kb_lang *l = S_lang(codes[k]);
    const kb_lang_word *x[N];
    for (int i = 0; i < N; i++) x[i] = (const kb_lang_word *)&x; /* (not NULL: each is set) */
    kb_lang_words_of_hashed(l, w, n, h, N, x);
    for (int i = 0; i < N; i++)
      assert_ptr_equal(x[i], n[i] > 0 ? kb_lang_word_of_hashed(l, w[i], n[i], h[i]) : NULL);
    kb_lang_words_of_hashed(NULL, w, n, h, N, x);
    for (int i = 0; i < N; i++) assert_null(x[i]);
  }
  const kb_lang_word *x[N];
  kb_lang_words_of_hashed(S_lang("en"), w, n, h, N, x);
  assert_non_null(x[0]); /* "the": an English stop word */
  assert_true(x[0]->stop);
  assert_null(x[3]);
  assert_null(x[8]);
}

/* Every language (kb/lang/LANG/intents.tsv, rule30b's change R): a contact
 * made for the third time or more (an ordinal, or a count of calls, e-mails
 * or visits) is a complaint, whatever else it asks; a bare count of times is
 * not (a card declined three times), nor a second time (a screen cracked
 * again). */
static void test_repeated_contact(void **state) {
  (void)state;
  assert_true(S_intents("third time I've asked about this") & KB_INTENT_COMPLAINT);
  assert_true(S_intents("4th time explaining it to your chat") & KB_INTENT_COMPLAINT);
  assert_true(S_intents("three calls, three different answers") & KB_INTENT_COMPLAINT);
  assert_int_equal(S_intents("card declined three times on your site") & KB_INTENT_COMPLAINT, 0);
  assert_int_equal(S_intents("cracked my screen for the second time") & KB_INTENT_COMPLAINT, 0);
  assert_true(S_intents_in("fr", "c'est la troisième fois que je vous écris") & KB_INTENT_COMPLAINT);
  assert_true(S_intents_in("fr", "3e fois que je me déplace") & KB_INTENT_COMPLAINT);
  assert_int_equal(S_intents_in("fr", "carte refusée trois fois") & KB_INTENT_COMPLAINT, 0);
  assert_true(S_intents_in("de", "ich rufe zum dritten Mal an") & KB_INTENT_COMPLAINT);
  assert_true(S_intents_in("de", "drei Anrufe und keiner weiß was") & KB_INTENT_COMPLAINT);
  assert_int_equal(S_intents_in("de", "dreimal probiert, Karte abgelehnt") & KB_INTENT_COMPLAINT, 0);
  assert_true(S_intents_in("es", "es la tercera vez que escribo") & KB_INTENT_COMPLAINT);
  assert_true(S_intents_in("es", "tres llamadas y nada") & KB_INTENT_COMPLAINT);
  assert_int_equal(S_intents_in("es", "la tarjeta rechazada tres veces") & KB_INTENT_COMPLAINT, 0);
}

int main(void) {
  static const struct CMUnitTest fixed[] = {
      cmocka_unit_test(test_words_of_hashed),
      cmocka_unit_test(test_token_fold_lengths),
      cmocka_unit_test(test_length_respected),
      cmocka_unit_test(test_text_speak_same_as_words),
      cmocka_unit_test(test_intents),
      cmocka_unit_test(test_accented_words),
      cmocka_unit_test(test_french_no_solution),
      cmocka_unit_test(test_french_escalation),
      cmocka_unit_test(test_french_phonetic_spellings),
      cmocka_unit_test(test_spanish_phone_and_status),
      cmocka_unit_test(test_german_staff_complaint),
      cmocka_unit_test(test_english_status_and_contact),
      cmocka_unit_test(test_repeated_contact),
  };
  enum { NFIXED = sizeof fixed / sizeof *fixed };
  struct CMUnitTest tests[S_NCASES + NFIXED];
  for (size_t i = 0; i < S_NCASES; i++)
    tests[i] = (struct CMUnitTest){.name = S_cases[i].rule, .test_func = test_rule,
                                   .initial_state = (void *)&S_cases[i]};
  for (size_t i = 0; i < NFIXED; i++) tests[S_NCASES + i] = fixed[i];
  return _cmocka_run_group_tests("intent", tests, S_NCASES + NFIXED, NULL, NULL);
}
