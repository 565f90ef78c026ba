/*
 * test_geo.c - the place finder (kb_geo.h) on a real index built by
 * kb-index: names as people shorten them (placeabbr.tsv of each language),
 * never a one-word name shortened to a bare abbreviation, endings of
 * compounds ("-str" of "-straße"), a name's apostrophe left out, letters
 * written without their key ("ue" for "ü", placeletters.tsv), each
 * language's
 * shortenings on its own country's names only; and placeabbr.tsv checked
 * with file:line.
 *
 * The knowledge base is tests/fixtures/kb copied to a temporary directory,
 * with a Hull store, a Paris store, a French gazetteer and the two
 * languages' shortenings added (the shipped kb/ is not used: its data may
 * change under the test). A place of another country is not one of the
 * mention's language's stop words ("auch" is not the French town of Auch).
 * A misspelt name after a preposition is read as the place it is one edit
 * from (kb_geo_find_misspelt()), within the rules its test names.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "kb_diag.h"
#include "kb_geo.h"
#include "kb_lang.h"
#include "kb_token.h"

static const char *S_HULL =
    "---\ntitle: PhoneRetailer Hull Jameson Street\nslug: store-hull\ntype: store\ntown: Hull\n"
    "address: 28 Jameson Street\npostcode: HU1 3JX\nphone: 01632 960128\nlat: 53.7446\n"
    "lon: -0.3390\naliases: [Jameson Street, Kings Boulevard, Princes Quay]\n---\nCity centre.\n";

static const char *S_PARIS =
    "---\ntitle: PhoneRetailer Paris Haussmann\nslug: store-paris\nlang: fr\ntype: store\n"
    "town: Paris\naddress: 40 boulevard Haussmann\npostcode: \"75009\"\nphone: 01 99 00 20 01\n"
    "lat: 48.8738\nlon: 2.3320\naliases: [boulevard Haussmann, Opéra]\n---\nPrès de l'Opéra.\n";

static const char *S_NANTES =
    "---\ntitle: PhoneRetailer Nantes Place Royale\nslug: store-nantes\nlang: fr\ntype: store\n"
    "town: Nantes\naddress: \"14 rue d'Orléans\"\npostcode: \"44000\"\nphone: 01 99 00 20 08\n"
    "lat: 47.2141\nlon: -1.5580\naliases: [rue d'Orléans, place Royale]\n---\nCentre-ville.\n";

static const char *S_MUNICH =
    "---\ntitle: PhoneRetailer München Kaufingerstraße\nslug: store-munchen\nlang: de\n"
    "type: store\ntown: München\naddress: Kaufingerstraße 14\npostcode: \"80331\"\n"
    "phone: 030 23125 203\nlat: 48.1375\nlon: 11.5725\n"
    "aliases: [Kaufingerstraße, Marienplatz, Münchner Freiheit]\n"
    "---\nIn der Fußgängerzone.\n";

/* A store that lists Hull's street as an alias too, before Hull in the
 * stores' order (test_shared_name_address()) */
static const char *S_BEVERLEY =
    "---\ntitle: PhoneRetailer Beverley\nslug: store-beverley\ntype: store\ntown: Beverley\n"
    "address: 3 Saturday Market\npostcode: HU17 8BB\nphone: 01632 960129\nlat: 53.8420\n"
    "lon: -0.4300\naliases: [Jameson Street, Saturday Market]\n---\nMarket place.\n";

typedef struct {
  char *dir;   /* the temporary directory (kb/ and kb.sqlite in it) */
  kb_geo *geo; /* loaded from dir/kb.sqlite */
} S_fix;

static void S_write(const char *dir, const char *file, const char *text) {
  char *p = th_fmt("%s/kb/%s", dir, file);
  assert_int_equal(th_write_file(p, text), 0);
  free(p);
}

static int S_setup(void **state) {
  S_fix *f = calloc(1, sizeof *f);
  f->dir = th_tmpdir();
  char *cmd = th_fmt("cp -R tests/fixtures/kb %s/kb", f->dir);
  assert_int_equal(th_run(cmd, NULL), 0);
  free(cmd);
  S_write(f->dir, "stores/store-hull.md", S_HULL);
  S_write(f->dir, "stores/store-beverley.md", S_BEVERLEY);
  S_write(f->dir, "stores/fr/store-paris.md", S_PARIS);
  S_write(f->dir, "stores/de/store-munchen.md", S_MUNICH);
  S_write(f->dir, "stores/fr/store-nantes.md", S_NANTES);
  S_write(f->dir, "lang/de/placeabbr.tsv", "str\tstraße\n-str\t-straße\n");
  S_write(f->dir, "lang/de/placeletters.tsv", "ae\tä\noe\tö\nue\tü\n");
  S_write(f->dir, "lang/en/placeabbr.tsv", "# shortenings\nst\tstreet\nrd\troad\n");
  /* (street types and stop words: a store alias's street by its own
   * name, test_street_own_name()) */
  S_write(f->dir, "lang/fr/places.txt", "magasin\tstore\nrue\tstreet\nboulevard\tstreet\n");
  S_write(f->dir, "lang/fr/stopwords.txt", "de\nla\nle\nd\n");
  S_write(f->dir, "lang/fr/placeabbr.tsv", "st\tsaint\nbd\tboulevard\ncc\tcentre commercial\n");
  S_write(f->dir, "places/fr.tsv",
          "name\tregion\tlat\tlon\taliases\n"
          "Nantes\tPays de la Loire\t47.2184\t-1.5536\t\n"
          "Orléans\tCentre-Val de Loire\t47.9030\t1.9093\torleans\n"
          "Saint-Malo\tBretagne\t48.6493\t-2.0257\t\n"
          "Auch\tOccitanie\t43.6454\t0.5879\t\n"
          "Évry Centre Commercial\tÎle-de-France\t48.6290\t2.4410\t\n");
  /* a town whose one-word name is the long form of an abbreviation */
  char *p = th_fmt("%s/kb/places.tsv", f->dir);
  size_t n;
  char *places = th_read_file(p, &n);
  assert_non_null(places);
  char *more = th_fmt("%sStreet\tSomerset\t51.1244\t-2.7403\t\n", places);
  assert_int_equal(th_write_file(p, more), 0);
  free(p); free(places); free(more);
  char *ix = th_fmt("%s/kb.sqlite", f->dir);
  cmd = th_fmt("%s/kb-index -q %s/kb -o %s", th_bin_dir(), f->dir, ix);
  assert_int_equal(th_run(cmd, NULL), 0);
  char err[256];
  f->geo = kb_geo_load(ix, err, sizeof err);
  if (!f->geo) print_error("%s\n", err);
  assert_non_null(f->geo);
  free(cmd); free(ix);
  *state = f;
  return 0;
}

static int S_teardown(void **state) {
  S_fix *f = *state;
  kb_geo_free(f->geo);
  th_rmtree(f->dir);
  free(f->dir);
  free(f);
  return 0;
}

/* The place text names for a mention of language lang (NULL: any) whose
 * word lists are words (NULL: none), as the suggest path finds it; m gets
 * the match. 1 if found. */
static int S_find_words(const S_fix *f, const char *text, const char *lang, const kb_lang *words,
                        kb_geo_match *m) {
  int nt;
  kb_token *t = kb_tokens_split(text, strlen(text), &nt);
  int found = kb_geo_find_tokens_lang(f->geo, t, nt, NULL, lang, words, m);
  free(t);
  return found;
}

static int S_find(const S_fix *f, const char *text, const char *lang, kb_geo_match *m) {
  return S_find_words(f, text, lang, NULL, m);
}

/* A store alias with a word shortened names the store, and the match
 * covers the shortened words. */
static void test_shortened_alias(void **state) {
  const S_fix *f = *state;
  kb_geo_match m;
  const char *t = "is the shop in Jameson St open til 8 on thurs";
  assert_int_equal(S_find(f, t, "en", &m), 1);
  assert_non_null(m.store);
  assert_string_equal(m.store->slug, "store-hull");
  assert_int_equal(strncmp(t + m.start, "Jameson St", m.end - m.start), 0);
  assert_int_equal(m.end - m.start, strlen("Jameson St"));
  /* written in full, and with a full stop after the abbreviation */
  assert_int_equal(S_find(f, "the jameson street shop", "en", &m), 1);
  assert_string_equal(m.store->slug, "store-hull");
  assert_int_equal(S_find(f, "open on Jameson St. today?", "en", &m), 1);
  assert_string_equal(m.store->slug, "store-hull");
  /* the search box reads it the same way */
  assert_int_equal(kb_geo_lookup(f->geo, "jameson st", NULL, &m), 1);
  assert_string_equal(m.store->slug, "store-hull");
}

/* A store's postcode names it: the whole postcode, or its district (four
 * bytes at most, letters and digits) after a preposition; a model name
 * of the same form does not, nor a district without one. */
static void test_postcode_names_store(void **state) {
  const S_fix *f = *state;
  kb_geo_match m;
  const char *t = "is the hu1 3jx shop open";
  assert_int_equal(S_find(f, t, "en", &m), 1);
  assert_string_equal(m.store->slug, "store-hull");
  assert_int_equal(strncmp(t + m.start, "hu1 3jx", m.end - m.start), 0);
  assert_int_equal(S_find(f, "any store in HU1 open late", NULL, &m), 1);
  assert_string_equal(m.store->slug, "store-hull");
  assert_int_equal(S_find(f, "my hu1 broke again", "en", &m), 0);
  assert_int_equal(S_find(f, "hu12 3jx", "en", &m), 0);
}

/* A one-word name is never shortened: the Somerset town of Street is not
 * "st" (St Ives, St Albans, a saint's day). */
static void test_one_word_not_shortened(void **state) {
  const S_fix *f = *state;
  kb_geo_match m;
  assert_int_equal(S_find(f, "any shop in Street?", "en", &m), 1);
  assert_string_equal(m.name, "Street");
  assert_int_equal(S_find(f, "is there a store in st", "en", &m), 0);
}

/* Each language's shortenings apply to its own country's names: "St-Malo"
 * and "bd Haussmann" in French; the French "bd" does not shorten an
 * English store's "Boulevard", and English has no "st" for saint. */
static void test_shortenings_per_language(void **state) {
  const S_fix *f = *state;
  kb_geo_match m;
  assert_int_equal(S_find(f, "un magasin à St-Malo ?", "fr", &m), 1);
  assert_string_equal(m.name, "Saint-Malo");
  assert_null(m.store);
  assert_int_equal(S_find(f, "le magasin du bd Haussmann ferme à quelle heure", "fr", &m), 1);
  assert_non_null(m.store);
  assert_string_equal(m.store->slug, "store-paris");
  /* a shortening of several words ("cc" for centre commercial) */
  assert_int_equal(S_find(f, "vous êtes à Évry cc ?", "fr", &m), 1);
  assert_string_equal(m.name, "Évry Centre Commercial");
  /* the English store's alias in full, not with the French shortening */
  assert_int_equal(S_find(f, "the Kings Boulevard shop", "en", &m), 1);
  assert_string_equal(m.store->slug, "store-hull");
  assert_int_equal(S_find(f, "the Kings bd shop", "en", &m), 0);
}

/* An ending ("-str" of "-straße"): a one-word name shortened at its end
 * is still a name ("Kaufingerstr."), the ending alone is not. */
static void test_shortened_ending(void **state) {
  const S_fix *f = *state;
  kb_geo_match m;
  assert_int_equal(S_find(f, "Filiale Kaufingerstr. offen?", "de", &m), 1);
  assert_non_null(m.store);
  assert_string_equal(m.store->slug, "store-munchen");
  assert_int_equal(S_find(f, "Filiale Kaufingerstrasse offen?", "de", &m), 1);
  assert_string_equal(m.store->slug, "store-munchen");
  assert_int_equal(S_find(f, "welche str ist das", "de", &m), 0);
}

/* An apostrophe left out: "rue d orleans" is the alias "rue d'Orléans"
 * (the Nantes store), and is found before the town of Orléans its last
 * word names; written with the apostrophe or without the space, too. */
static void test_apostrophe_left_out(void **state) {
  const S_fix *f = *state;
  kb_geo_match m;
  const char *t[] = {"le magasin rue d orleans à Nantes", "le magasin rue d'Orléans",
                     "le magasin rue d\u2019Orléans", "le magasin rue dorleans"};
  for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
    assert_int_equal(S_find(f, t[i], "fr", &m), 1);
    assert_non_null(m.store);
    assert_string_equal(m.store->slug, "store-nantes");
  }
  assert_int_equal(S_find(f, "un magasin à Orléans ?", "fr", &m), 1);
  assert_string_equal(m.name, "Orléans");
}

/* A letter written as people without the key write it (placeletters.tsv:
 * "ue" for "ü"); with the umlaut and without it too. */
static void test_letters_spelt_out(void **state) {
  const S_fix *f = *state;
  kb_geo_match m;
  const char *t[] = {"Filiale Muenchner Freiheit?", "Filiale Münchner Freiheit?",
                     "Filiale Munchner Freiheit?"};
  for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
    assert_int_equal(S_find(f, t[i], "de", &m), 1);
    assert_non_null(m.store);
    assert_string_equal(m.store->slug, "store-munchen");
  }
}

/* Another country's place named by one of the mention's stop words is
 * not found ("auch", also, in a German tweet is not the French town of
 * Auch), and the search goes on past it to a place the tweet does name;
 * in its own country's tweets the town is still found. */
static void test_foreign_place_not_a_stop_word(void **state) {
  const S_fix *f = *state;
  kb_geo_match m;
  kb_lang *de = kb_lang_new("de");
  kb_diag *d = kb_diag_new();
  const char *stop = "auch\nihr\n";
  assert_int_equal(kb_lang_parse(de, KB_LANG_STOP, "stopwords.txt", stop, strlen(stop), d), 0);
  /* without the German words it is read as the town */
  assert_int_equal(S_find_words(f, "Liefert ihr auch samstags?", "de", NULL, &m), 1);
  assert_string_equal(m.name, "Auch");
  assert_int_equal(S_find_words(f, "Liefert ihr auch samstags?", "de", de, &m), 0);
  assert_int_equal(S_find_words(f, "Auch am Samstag?", "de", de, &m), 0);
  assert_int_equal(S_find_words(f, "Habt ihr auch in Nantes einen Laden?", "de", de, &m), 1);
  assert_string_equal(m.name, "Nantes");
  assert_int_equal(S_find_words(f, "un magasin à Auch ?", "fr", NULL, &m), 1);
  assert_string_equal(m.name, "Auch");
  kb_diag_free(d);
  kb_lang_free(de);
}

/* kb_geo_find_misspelt(): the place of words, the lists' prepositions
 * parsed from text (NULL: no lists), known a word known to the language */
static int S_known_none(void *arg, const char *word) {
  (void)arg;
  (void)word;
  return 0;
}

static int S_known_one(void *arg, const char *word) { return !strcmp(word, (const char *)arg); }

static int S_misspelt(const S_fix *f, const char *text, const char *lang, const char *preps,
                      int (*known)(void *, const char *), void *arg, kb_geo_match *m) {
  kb_lang *l = kb_lang_new(lang);
  kb_diag *d = kb_diag_new();
  if (preps) assert_int_equal(kb_lang_parse(l, KB_LANG_PLACES, "places.txt", preps, strlen(preps), d), 0);
  int nt;
  kb_token *t = kb_tokens_split(text, strlen(text), &nt);
  int found = kb_geo_find_misspelt(f->geo, t, nt, NULL, lang, preps ? l : NULL, known, arg, m);
  free(t);
  kb_diag_free(d);
  kb_lang_free(l);
  return found;
}

/* A misspelt town or street after a preposition names the place it is
 * one edit from: a store's town or alias whatever its case, a place with
 * no store only written with a capital; not a word the language knows,
 * not without a preposition, not a name under six letters ("parvis" is
 * no Paris), not another country's place. */
static void test_misspelt_place(void **state) {
  const S_fix *f = *state;
  kb_geo_match m;
  const char *fr = "à\tprep\nen\tprep\n", *en = "in\tprep\nnear\tprep\n";
  const char *text = "un magasin à Nantess ?";
  assert_int_equal(S_find(f, text, "fr", &m), 0); /* not as written */
  assert_int_equal(S_misspelt(f, text, "fr", fr, S_known_none, NULL, &m), 1);
  assert_string_equal(m.name, "Nantes");
  assert_non_null(m.store);
  assert_string_equal(text + m.start, "Nantess ?");
  assert_int_equal((int)(m.end - m.start), 7);
  /* two letters swapped, lower case: a store's town */
  assert_int_equal(S_misspelt(f, "un magasin à nantse", "fr", fr, S_known_none, NULL, &m), 1);
  assert_string_equal(m.name, "Nantes");
  /* a store's alias of two words, one misspelt */
  assert_int_equal(S_misspelt(f, "any shop in jamesonn street", "en", en, S_known_none, NULL, &m), 1);
  assert_string_equal(m.name, "Hull");
  /* no preposition before it, or none in the lists */
  assert_int_equal(S_misspelt(f, "Nantess magasin ?", "fr", fr, S_known_none, NULL, &m), 0);
  assert_int_equal(S_misspelt(f, "un magasin à Nantess ?", "fr", NULL, S_known_none, NULL, &m), 0);
  /* a word the language knows is no misspelling */
  assert_int_equal(S_misspelt(f, "un magasin à Nantess ?", "fr", fr, S_known_one, "nantess", &m), 0);
  /* a place with no store: with a capital only */
  assert_int_equal(S_misspelt(f, "un magasin à orleens", "fr", fr, S_known_none, NULL, &m), 0);
  assert_int_equal(S_misspelt(f, "un magasin à Orleens", "fr", fr, S_known_none, NULL, &m), 1);
  assert_string_equal(m.name, "Orléans");
  assert_null(m.store);
  /* five letters are too few to read: Paris is not found from "Parris" */
  assert_int_equal(S_misspelt(f, "un magasin à Parris", "fr", fr, S_known_none, NULL, &m), 0);
  /* the mention's own country only */
  assert_int_equal(S_misspelt(f, "any shop in Nantess", "en", en, S_known_none, NULL, &m), 0);
  /* a place found as written is not asked for again */
  assert_int_equal(S_misspelt(f, "plain text, nothing misspelt", "en", en, S_known_none, NULL, &m), 0);
}

/* A name two stores have names the one whose address holds it (Hull's
 * "28 Jameson Street"), also shortened, whatever the stores' order
 * (Beverley comes first and lists it as an alias). */
static void test_shared_name_address(void **state) {
  const S_fix *f = *state;
  kb_geo_match m;
  assert_int_equal(S_find(f, "is the Jameson Street shop open late?", "en", &m), 1);
  assert_string_equal(m.store->slug, "store-hull");
  assert_int_equal(S_find(f, "is the Jameson St shop open late?", "en", &m), 1);
  assert_string_equal(m.store->slug, "store-hull");
  assert_int_equal(S_find(f, "the Saturday Market shop", "en", &m), 1);
  assert_string_equal(m.store->slug, "store-beverley");
}

/* kb_geo_find_street() on text, a French mention, with French lists of
 * store words, street types and stop words; m gets the match. */
static int S_street(const S_fix *f, const char *text, const char *lang, kb_geo_match *m) {
  kb_lang *fr = kb_lang_new("fr");
  kb_diag *d = kb_diag_new();
  const char *places = "magasin\tstore\nboutique\tstore\nrue\tstreet\nboulevard\tstreet\n";
  const char *stop = "de\nla\nle\nd\n";
  assert_int_equal(kb_lang_parse(fr, KB_LANG_PLACES, "places.txt", places, strlen(places), d), 0);
  assert_int_equal(kb_lang_parse(fr, KB_LANG_STOP, "stopwords.txt", stop, strlen(stop), d), 0);
  int nt;
  kb_token *t = kb_tokens_split(text, strlen(text), &nt);
  int found = kb_geo_find_street(f->geo, t, nt, NULL, lang, fr, m);
  free(t);
  kb_diag_free(d);
  kb_lang_free(fr);
  return found;
}

/* A store named by its street's own name after a store word and a stop
 * word ("le magasin de Haussmann": the alias "boulevard Haussmann", the
 * index's French street types) is found by kb_geo_find_street() only:
 * not a place for kb_geo_find_tokens_lang(), not without the store word
 * or the stop word, not a name that is also a place's ("Orléans", of
 * Nantes's "rue d'Orléans"), not for another language's site. */
static void test_street_own_name(void **state) {
  const S_fix *f = *state;
  kb_geo_match m;
  const char *q = "le magasin de Haussmann ouvre à quelle heure ?";
  assert_int_equal(S_street(f, q, "fr", &m), 1);
  assert_string_equal(m.store->slug, "store-paris");
  assert_int_equal((int)m.start, (int)(strstr(q, "Haussmann") - q));
  assert_int_equal((int)m.end, (int)(strstr(q, "Haussmann") - q + 9));
  assert_int_equal(S_street(f, "la boutique de la Haussmann ?", "fr", &m), 1);
  assert_string_equal(m.store->slug, "store-paris");
  assert_int_equal(S_find(f, q, "fr", &m), 0);
  assert_int_equal(S_street(f, "Haussmann ouvre à quelle heure ?", "fr", &m), 0);
  assert_int_equal(S_street(f, "le magasin Haussmann ouvre ?", "fr", &m), 0);
  assert_int_equal(S_street(f, "le magasin de Orléans ouvre ?", "fr", &m), 0);
  assert_int_equal(S_street(f, q, "de", &m), 0);
  /* the street with its type is the alias, a place as before */
  assert_int_equal(S_find(f, "le magasin du boulevard Haussmann", "fr", &m), 1);
  assert_string_equal(m.store->slug, "store-paris");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_shortened_alias),
      cmocka_unit_test(test_one_word_not_shortened),
      cmocka_unit_test(test_postcode_names_store),
      cmocka_unit_test(test_shortenings_per_language),
      cmocka_unit_test(test_shortened_ending),
      cmocka_unit_test(test_apostrophe_left_out),
      cmocka_unit_test(test_letters_spelt_out),
      cmocka_unit_test(test_foreign_place_not_a_stop_word),
      cmocka_unit_test(test_misspelt_place),
      cmocka_unit_test(test_shared_name_address),
      cmocka_unit_test(test_street_own_name),
  };
  return cmocka_run_group_tests_name("geo", tests, S_setup, S_teardown);
}
