/*
 * test_lang.c - French, German and Spanish beside English (kb/ ships all
 * four): a mention is answered in its own language, decided from its words
 * or asked for; the public search searches one language; each language's
 * site, staff pages, reports and messages speak it; translations of a
 * topic share its slug. What each language's mentions reach, round after
 * round of data, is in test_lang_fr.c, test_lang_de.c, test_lang_es.c and
 * test_lang_en.c; the server and the mention checks are lang_helpers.h's.
 */
#include "lang_helpers.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void test_answered_in_its_language(void **state) {
  (void)state;
  lh_expect_first("slt, comment je récupère mon code RIO pour garder mon numéro ?", "fr", "keep-your-number");
  lh_expect_first("Hallo, wie bekomme ich die SIM-Karte aus meinem iPhone raus?", "de", "remove-sim-iphone");
  lh_expect_first("hola, como saco la tarjeta SIM de mi iPhone??", "es", "remove-sim-iphone");
  lh_expect_first("how do i get the sim out of my iphone", "en", "remove-sim-iphone");
}

/* A store question whose only other words are stop words ("gibts euch
 * auch in", "vous êtes présents à") still reaches the articles that link
 * stores, and the town is this country's ("auch" is not the French town
 * of Auch in a German tweet): the store's page in the mention's language. */
static void test_store_named_by_town_only(void **state) {
  (void)state;
  lh_expect_store_link("gibts euch auch in Nürnberg??", "de", "store-nurnberg");
  /* "est ce que vous etes présents a Nice ?": in tests/eval/lang-lines
   * (moved.tsv) since session 24's refit ranks click-and-collect first
   * (rule24 §3b) */
}

/* A question about a service done in a store (click and collect, a
 * return, a faulty phone) at a named store: article slug answers it (what
 * to bring, how long we hold it) and its reply's {store} names the store,
 * first (the link the customer sees first); in each language. */
static void S_expect_store_reply(const char *text, const char *lang, const char *slug0,
                                 const char *store) {
  char *body = th_fmt("{\"text\":\"%s\",\"author\":\"sam\"}", text);
  long st;
  cJSON *j = lh_suggest(body, &st);
  assert_int_equal(st, 200);
  const char *slug = lh_str(j, "suggestions.0.slug"), *reply = lh_str(j, "suggestions.0.reply");
  if (!slug || strcmp(slug, slug0)) print_error("%s: first %s\n", text, slug ? slug : "-");
  assert_string_equal(slug, slug0);
  char *want_store = th_fmt("%s%s/help/%s", strcmp(lang, "en") ? "/" : "", strcmp(lang, "en") ? lang : "", store);
  char *want_article = th_fmt("%s%s/help/%s", strcmp(lang, "en") ? "/" : "", strcmp(lang, "en") ? lang : "", slug0);
  assert_non_null(reply);
  const char *ps = strstr(reply, want_store), *pa = strstr(reply, want_article);
  if (!ps || !pa || ps > pa) print_error("%s: reply %s\n", text, reply);
  assert_non_null(ps);
  assert_non_null(pa);
  assert_true(ps < pa);
  /* the suggestion's own link is still the article */
  assert_non_null(strstr(lh_str(j, "suggestions.0.url"), want_article));
  free(want_store);
  free(want_article);
  cJSON_Delete(j);
  free(body);
}

static void test_store_services_name_the_store(void **state) {
  (void)state;
  S_expect_store_reply("reserved a phone for click and collect at the Leeds shop, how long do you hold it?", "en",
                       "click-and-collect", "store-leeds");
  S_expect_store_reply("jai réservé en ligne pour retrait a la boutique de Lille, vous le gardez combien de temps ?",
                       "fr", "click-and-collect", "store-lille");
  /* returns and faulty phones are dealt with in any store too (#19's
   * seventh round): the store named comes first in their replies */
  S_expect_store_reply("changed my mind, can i take my phone back to your Leeds store", "en", "returns-policy",
                       "store-leeds");
  S_expect_store_reply("my new phone is faulty, can the York store swap it for me", "en", "faulty-phone",
                       "store-york");
  /* and in French, German and Spanish, whose replies had no store link
   * at all (rule41's change H: the section, sent when a place is named) */
  S_expect_store_reply("je peux rapporter mon téléphone acheté en ligne au magasin de Lille ?", "fr",
                       "returns-policy", "store-lille");
  S_expect_store_reply("Kann ich das online gekaufte Handy in der Filiale in Bremen zurückgeben?", "de",
                       "returns-policy", "store-bremen");
  S_expect_store_reply("mi móvil nuevo viene defectuoso, ¿me lo cambian en la tienda de Bilbao?", "es",
                       "faulty-phone", "store-bilbao");
  /* no place named: the store finder */
  long st;
  cJSON *j = lh_suggest("{\"text\":\"how long do you hold click and collect orders?\"}", &st);
  assert_int_equal(st, 200);
  assert_string_equal(lh_str(j, "suggestions.0.slug"), "click-and-collect");
  assert_non_null(strstr(lh_str(j, "suggestions.0.reply"), "/stores "));
  cJSON_Delete(j);
}

/* text's first suggestion is slug, and its reply has no store link and
 * no section mark: no place named. */
static void S_expect_no_store(const char *text, const char *slug) {
  char *body = th_fmt("{\"text\":\"%s\"}", text);
  long st;
  cJSON *j = lh_suggest(body, &st);
  assert_int_equal(st, 200);
  const char *first = lh_str(j, "suggestions.0.slug"), *reply = lh_str(j, "suggestions.0.reply");
  if (!first || strcmp(first, slug) || !reply || strstr(reply, "/stores") || strstr(reply, "Your store"))
    print_error("%s: first %s, reply %s\n", text, first ? first : "-", reply ? reply : "-");
  assert_string_equal(first, slug);
  assert_null(strstr(reply, "/stores"));
  assert_null(strstr(reply, "Your store"));
  assert_null(strstr(reply, "{ifplace}"));
  assert_non_null(strstr(reply, lh_str(j, "suggestions.0.url")));
  cJSON_Delete(j);
  free(body);
}

/* A store named in passing where a store does what the article tells (a
 * repair left there, a SIM to pick up: kb_reply.h's {ifplace} section,
 * rule40's change F): the named store's page comes first in the reply, in
 * each language; the same question naming no place gets the article's
 * reply without the section (no store link, no "Your store"). */
static void test_named_store_leads_reply(void **state) {
  (void)state;
  S_expect_store_reply("left my phone at your Leeds store for a new screen last week, is my repair ready yet?",
                       "en", "repair-status", "store-leeds");
  S_expect_store_reply("can I pick up a replacement sim at the York shop today?", "en", "replacement-sim",
                       "store-york");
  S_expect_store_reply("j'ai déposé mon téléphone en réparation à la boutique de Lille, la réparation est prête ?",
                       "fr", "repair-status", "store-lille");
  S_expect_store_reply("mein Handy ist seit einer Woche in der Filiale in Bremen zur Reparatur, ist die Reparatur fertig?",
                       "de", "repair-status", "store-bremen");
  S_expect_store_reply("dejé el móvil en la tienda de Bilbao para reparar, ¿ya está lista la reparación?", "es",
                       "repair-status", "store-bilbao");
  S_expect_no_store("left my phone with you for a new screen last week, is my repair ready yet?", "repair-status");
  /* a town that is an everyday word, read from the capital that opens a
   * sentence (kb_suggest_result.names_place): no store */
  S_expect_no_store("Reading your help pages, how do I claim on my insurance?", "insurance-claim");
  S_expect_no_store("Bath time accident. phone fell in the water and is dead", "water-damage");
  S_expect_no_store("@PhoneRetailer Bath time accident, phone fell in the water and is dead", "water-damage");
  /* the same word after a preposition, or in the middle of a sentence
   * with its capital, names the place */
  S_expect_store_reply("my phone fell in the water, can your Reading shop dry it out?", "en", "water-damage",
                       "store-reading");
}

/* A place named is evidence of the mention's language (change P,
 * docs/relevance.md): a German town and emoji, or a French town and one
 * word, were read as English (the default wins a tie), whose articles
 * have none of their words, and got no suggestion at all. An English
 * mention naming a French town stays English. */
static void test_lang_of_a_place(void **state) {
  (void)state;
  lh_expect_town_link("\U0001F4CD Bielefeld?", "de", "bielefeld");
  lh_expect_town_link("\U0001F3EA\u2753 Bielefeld \U0001F64F", "de", "bielefeld");
  lh_expect_town_link("Agen. Boutique ?", "fr", "agen");
  lh_expect_town_link("is there a shop in Agen?", "en", "agen");
}

/* An emoji a customer writes for a thing is read as its word, as
 * text-speak is (change J, docs/relevance.md; kb/lang/LANG/textspeak.tsv):
 * a mention of nothing but emoji had no search term and got nothing. The
 * language's own word: a French team's "💧📱😭" is water damage in French. */
static void test_emoji_read_as_words(void **state) {
  (void)state;
  lh_expect_first("\U0001F50B\U0001F50B\U0001F50B ??", "en", "battery-problems");
  lh_expect_first("\U0001F9FE\u2753", "en", "billing-query");
  long st;
  cJSON *j = lh_suggest("{\"text\":\"\U0001F4A7\U0001F4F1\U0001F62D\",\"lang\":\"fr\"}", &st);
  assert_int_equal(st, 200);
  assert_string_equal(lh_str(j, "suggestions.0.slug"), "water-damage");
  assert_non_null(strstr(lh_str(j, "suggestions.0.url"), "/fr/help/water-damage"));
  cJSON_Delete(j);
}

static void test_lang_asked_for(void **state) {
  (void)state;
  long st;
  cJSON *j = lh_suggest("{\"text\":\"code RIO portabilite\",\"lang\":\"en\"}", &st);
  assert_int_equal(st, 200);
  assert_string_equal(lh_str(j, "lang.code"), "en");
  assert_false(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "lang"), "detected")));
  const char *l = lh_str(j, "suggestions.0.lang");
  if (l) assert_string_equal(l, "en");
  cJSON_Delete(j);
}

/* A mention no word of which is in any article (rule37b's change G): the
 * suggestions are the collection's general pages, those with the fewest
 * title words, in the mention's language; nothing fits, none answerable,
 * no confidence claimed, each marked general. A mention that matches
 * keeps its ranking and has no such mark. */
static void test_general_pages_when_nothing_matches(void **state) {
  (void)state;
  long st;
  cJSON *j = lh_suggest("{\"text\":\"zzqx blorpf wug\",\"lang\":\"en\"}", &st);
  assert_int_equal(st, 200);
  cJSON *sg = cJSON_GetObjectItem(j, "suggestions");
  assert_true(cJSON_GetArraySize(sg) >= 1);
  assert_string_equal(lh_str(j, "suggestions.0.slug"), "contact-us"); /* "Contact us": two words */
  cJSON *s;
  cJSON_ArrayForEach(s, sg) {
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(s, "general")));
    assert_true(cJSON_GetObjectItem(s, "confidence")->valuedouble == 0);
  }
  assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "nothing_fits")));
  assert_false(cJSON_IsTrue(cJSON_GetObjectItem(j, "answerable")));
  cJSON_Delete(j);
  j = lh_suggest("{\"text\":\"zzqx blorpf wug\",\"lang\":\"fr\"}", &st);
  assert_int_equal(st, 200);
  assert_string_equal(lh_str(j, "suggestions.0.lang"), "fr");
  assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "suggestions"), 0), "general")));
  cJSON_Delete(j);
  j = lh_suggest("{\"text\":\"how do i get the sim out of my iphone\"}", &st);
  assert_int_equal(st, 200);
  assert_null(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "suggestions"), 0), "general"));
  cJSON_Delete(j);
}

static void test_bad_lang(void **state) {
  (void)state;
  long st;
  cJSON *j = lh_suggest("{\"text\":\"hi there\",\"lang\":\"xx\"}", &st);
  assert_int_equal(st, 400);
  assert_string_equal(lh_str(j, "error.code"), "invalid_value");
  cJSON_Delete(j);
  j = lh_suggest("{\"text\":\"hi there\",\"lang\":7}", &st);
  assert_int_equal(st, 400);
  assert_string_equal(lh_str(j, "error.code"), "wrong_type");
  cJSON_Delete(j);
}

static void test_search_one_language(void **state) {
  (void)state;
  th_resp r;
  assert_int_equal(th_http(lh_server(), "GET", "/api/v1/search?q=portabilit%C3%A9%20RIO&lang=fr&limit=3", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  cJSON *j = cJSON_Parse(r.body);
  assert_string_equal(lh_str(j, "lang"), "fr");
  assert_string_equal(lh_str(j, "results.0.lang"), "fr");
  assert_string_equal(lh_str(j, "results.0.slug"), "keep-your-number");
  cJSON_Delete(j);
  th_resp_free(&r);
  /* the site at / searches English only, even for a French word */
  assert_int_equal(th_http(lh_server(), "GET", "/api/v1/search?q=sim&limit=50", NULL, 0, NULL, &r), 0);
  j = cJSON_Parse(r.body);
  cJSON *it;
  cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "results")) assert_string_equal(lh_str(it, "lang"), "en");
  cJSON_Delete(j);
  th_resp_free(&r);
  assert_int_equal(th_http(lh_server(), "GET", "/api/v1/search?q=sim&lang=klingon", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 400);
  th_resp_free(&r);
}

/* A misspelt word is corrected while it is typed, once no word of the
 * index starts with it, and the correction is said ("did you mean"). */
static void test_typed_typo(void **state) {
  (void)state;
  static const char *const cases[][4] = {
      {"delivry", "en", "delivery-options", "delivery"},
      {"upgrde", "en", "upgrade-eligibility", "upgrade"},
      {"rueckgabe", "de", "returns-policy", NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *path = th_fmt("/api/v1/search?q=%s&lang=%s&limit=3", cases[i][0], cases[i][1]);
    th_resp r;
    assert_int_equal(th_http(lh_server(), "GET", path, NULL, 0, NULL, &r), 0);
    cJSON *j = cJSON_Parse(r.body);
    const char *got = lh_str(j, "results.0.slug");
    if (!got || strcmp(got, cases[i][2])) print_error("%s: got %s\n", cases[i][0], got ? got : "nothing");
    assert_string_equal(got, cases[i][2]);
    if (cases[i][3]) assert_string_equal(lh_str(j, "corrected"), cases[i][3]);
    cJSON_Delete(j);
    th_resp_free(&r);
    free(path);
  }
}

/* A word the articles name is not corrected to a nearer one: a speaker
 * that crackles is a fault (faulty-phone's tags name it, #19's seventh
 * round), not a cracked screen, which "crackles" was once corrected to. */
static void test_known_word_not_corrected(void **state) {
  (void)state;
  th_resp r;
  assert_int_equal(th_http(lh_server(), "GET", "/api/v1/search?q=speaker%20crackles&limit=3", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  cJSON *j = cJSON_Parse(r.body);
  cJSON *c = cJSON_GetObjectItem(j, "corrected");
  if (!cJSON_IsNull(c)) print_error("corrected: %s\n", lh_str(j, "corrected"));
  assert_true(cJSON_IsNull(c));
  assert_string_equal(lh_str(j, "results.0.slug"), "faulty-phone");
  cJSON_Delete(j);
  th_resp_free(&r);
}

/* GET path from the server, which must answer 200 with JSON: the parsed
 * body (caller frees with cJSON_Delete()). */
static cJSON *S_get_json(const char *path) {
  th_resp r;
  assert_int_equal(th_http(lh_server(), "GET", path, NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  cJSON *j = cJSON_Parse(r.body);
  th_resp_free(&r);
  assert_non_null(j);
  return j;
}

/* The public search lists and counts only the hits that cover at least
 * half as much of the query as the first (rule26f): a sentence matched
 * 72-77 of kb/'s 83 articles by one common word ("phone", "shop"); the
 * first hit is the same. */
static void test_weak_matches_cut(void **state) {
  (void)state;
  static const struct {
    const char *q, *lang, *first;
    int most; /* total at most (main before the cut: 77, 77, 72, 9 of 83) */
  } cases[] = {
      {"my%20phone%20screen%20is%20cracked%20what%20do%20i%20do", "en", "cracked-screen", 45},
      {"how%20do%20i%20get%20the%20sim%20out%20of%20my%20iphone", "en", "remove-sim-iphone", 35},
      /* since session 35 the town's words are not searched for (the place is
       * read, as a suggest reads it: the store finder first, then the town's
       * store, kb_suggest_search()); what is counted is the articles that
       * say "shop" (36 of 83) */
      {"is%20there%20a%20shop%20in%20guildford", "en", "find-a-store", 40},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *path = th_fmt("/api/v1/search?q=%s&lang=%s&limit=3", cases[i].q, cases[i].lang);
    cJSON *j = S_get_json(path);
    int total = cJSON_GetObjectItem(j, "total")->valueint;
    const char *got = lh_str(j, "results.0.slug");
    if (total > cases[i].most || !got || strcmp(got, cases[i].first))
      print_error("%s: total %d (at most %d), first %s\n", cases[i].q, total, cases[i].most,
                  got ? got : "none");
    assert_true(total <= cases[i].most && total >= 1);
    assert_string_equal(got, cases[i].first);
    cJSON_Delete(j);
    free(path);
  }
}

/* The public search reads a query as the suggest path reads a mention and
 * ranks with its learned model (kb_suggest_search(), session 35): a town
 * without a store asks for the store finder ("bath" is no bathtub there),
 * a town's store follows the first article, and a query with no word of
 * the topic's is ranked by what customers mean. */
static void test_public_search_ranked(void **state) {
  (void)state;
  static const struct {
    const char *q, *lang, *first, *second, *third;
  } cases[] = {
      {"shop%20in%20bath", "en", "find-a-store", NULL, NULL},
      {"opening%20hours%20leeds", "en", "store-opening-hours", "store-leeds", NULL},
      {"tienda%20madrid", "es", "find-a-store", "store-madrid-gran-via", "store-madrid-la-vaguada"},
      {"charged%20twice", "en", "billing-query", NULL, NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *path = th_fmt("/api/v1/search?q=%s&lang=%s", cases[i].q, cases[i].lang);
    cJSON *j = S_get_json(path);
    const char *want[3] = {cases[i].first, cases[i].second, cases[i].third};
    for (int k = 0; k < 3 && want[k]; k++) {
      char key[32];
      snprintf(key, sizeof key, "results.%d.slug", k);
      const char *got = lh_str(j, key);
      if (!got || strcmp(got, want[k])) print_error("%s: %s is %s\n", cases[i].q, key, got ? got : "none");
      assert_non_null(got);
      assert_string_equal(got, want[k]);
    }
    cJSON_Delete(j);
    free(path);
  }
  /* pages: the second page goes on where the first stopped, the same total */
  cJSON *ja = S_get_json("/api/v1/search?q=phone&limit=5");
  cJSON *jb = S_get_json("/api/v1/search?q=phone&limit=5&offset=5");
  assert_int_equal(cJSON_GetObjectItem(ja, "total")->valueint, cJSON_GetObjectItem(jb, "total")->valueint);
  assert_true(cJSON_GetObjectItem(ja, "total")->valueint > 5);
  for (int x = 0; x < 5; x++)
    for (int y = 0; y < 5; y++) {
      char ka[32], kb[32];
      snprintf(ka, sizeof ka, "results.%d.slug", x);
      snprintf(kb, sizeof kb, "results.%d.slug", y);
      const char *sa = lh_str(ja, ka), *sb = lh_str(jb, kb);
      assert_true(!sa || !sb || strcmp(sa, sb));
    }
  cJSON_Delete(ja);
  cJSON_Delete(jb);
}

/* The site in each language: /fr/, /de/, /es/ pages say their language,
 * show the topic in it, search it, and link their own site. */
static void test_pages_per_language(void **state) {
  (void)state;
  static const char *const cases[][4] = {
      {"/fr/help/keep-your-number", "lang=\"fr\"", "code RIO", "href=\"/fr/"},
      {"/de/help/keep-your-number", "lang=\"de\"", "Portierung", "href=\"/de/"},
      {"/es/help/keep-your-number", "lang=\"es\"", "portabilidad", "href=\"/es/"},
      {"/help/keep-your-number", "lang=\"en-GB\"", "PAC", "href=\"/help/"},
      {"/fr/search?q=code%20rio", "lang=\"fr\"", "/fr/help/keep-your-number", "action=\"/fr/search\""},
      {"/fr/", "lang=\"fr\"", "href=\"/fr/stores\"", "<style>:root {"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const char *h[] = {"Accept-Encoding: identity", NULL};
    th_resp r;
    assert_int_equal(th_http(lh_server(), "GET", cases[i][0], NULL, 0, h, &r), 0);
    for (int k = 1; k < 4; k++)
      if (!strstr(r.body, cases[i][k])) print_error("%s: no %s\n", cases[i][0], cases[i][k]);
    assert_int_equal(r.status, 200);
    for (int k = 1; k < 4; k++) assert_non_null(strstr(r.body, cases[i][k]));
    th_resp_free(&r);
  }
  /* the English search page shows English articles only */
  th_resp r;
  assert_int_equal(th_http(lh_server(), "GET", "/search?q=carte%20sim%20portabilit%C3%A9", NULL, 0, NULL, &r), 0);
  assert_null(strstr(r.body, "/fr/help/"));
  assert_null(strstr(r.body, "Carte SIM"));
  th_resp_free(&r);
}

/* GET path (no compression); the body, status in *st. Caller frees. */
static char *S_page(const char *path, long *st) {
  const char *h[] = {"Accept-Encoding: identity", NULL};
  th_resp r;
  assert_int_equal(th_http(lh_server(), "GET", path, NULL, 0, h, &r), 0);
  *st = r.status;
  char *b = strdup(r.body ? r.body : "");
  th_resp_free(&r);
  return b;
}

/* An address a language's site has no page for is that site's "page not
 * found", in its language and with its links (it was the API's English
 * JSON: {"error":{"message":"no such route: /fr/..."}}); at no prefix the
 * API's JSON 404 stays (docs/api.md). */
static void test_not_found_per_language(void **state) {
  (void)state;
  static const char *const cases[][3] = {
      {"/fr/nimporte-quoi", "<html lang=\"fr\"", "Il n’y a rien à cette adresse."},
      {"/de/gibt/es/nicht", "<html lang=\"de\"", "Unter dieser Adresse gibt es nichts."},
      {"/es/no-existe?q=1", "<html lang=\"es\"", "No hay nada en esta dirección."},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    th_resp r;
    assert_int_equal(th_http(lh_server(), "GET", cases[i][0], NULL, 0, NULL, &r), 0);
    if (r.status != 404 || !strstr(r.body, cases[i][1]) || !strstr(r.body, cases[i][2]))
      print_error("%s: %ld %.200s\n", cases[i][0], r.status, r.body);
    assert_int_equal(r.status, 404);
    assert_non_null(strstr(r.body, cases[i][1]));
    assert_non_null(strstr(r.body, cases[i][2]));
    assert_null(strstr(r.body, "no such route"));
    /* its links stay on that site */
    char *home = th_fmt("href=\"/%.2s/\"", cases[i][0] + 1);
    assert_non_null(strstr(r.body, home));
    free(home);
    th_resp_free(&r);
  }
  th_resp r;
  assert_int_equal(th_http(lh_server(), "GET", "/nimporte-quoi", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 404);
  assert_non_null(strstr(r.body, "\"code\":\"not_found\""));
  th_resp_free(&r);
}

/* Every interface word of the public pages comes from the language's
 * ui.tsv: each language's home, search, topic, article, store finder and
 * store page say their words, none of English's, and no key shows. */
static void test_interface_words(void **state) {
  (void)state;
  static const char *const cases[][4] = {
      /* page, a word of the language, another, an English word it must not say */
      {"/fr/", "Comment pouvons-nous vous aider ?", "Trouver une boutique", "Help home"},
      {"/fr/search?q=code%20rio", "résultat", "Rechercher dans l’aide", "results for"},
      {"/fr/help/keep-your-number", "Cet article vous a-t-il aidé ?", "Mis à jour le", "Did this help?"},
      {"/fr/stores?near=lyon", "Boutiques les plus proches de", "Ville ou code postal", "Stores nearest"},
      {"/fr/help/store-lyon", "Horaires d’ouverture", "Lundi", "Opening hours"},
      {"/de/", "Wie können wir helfen?", "Filiale finden", "Find a store"},
      {"/de/search?q=rueckgabe", "Ergebnis", "Hilfeartikel durchsuchen", "results for"},
      {"/de/help/returns-policy", "War das hilfreich?", "Zuletzt aktualisiert am", "Related articles"},
      {"/de/topics/orders-and-delivery", "Bestellungen und Lieferung", "Hilfe-Startseite", "Orders and delivery"},
      {"/es/", "¿En qué podemos ayudarte?", "Buscar una tienda", "How can we help?"},
      {"/es/search?q=zzqqxx", "Ningún artículo coincide con «zzqqxx»", "contacta con nosotros", "No articles match"},
      {"/es/help/returns-policy", "¿Te ha sido útil?", "Artículos relacionados", "Last updated"},
      {"/es/stores", "Buscar tiendas", "Ciudad o código postal", "Town or postcode"},
      {"/", "How can we help?", "Find a store", "Trouver une boutique"},
  };
  char *keys = NULL;
  assert_int_equal(th_run("cut -f1 kb/lang/en/ui.tsv | grep -v '^#'", &keys), 0);
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    long st;
    char *b = S_page(cases[i][0], &st);
    for (int k = 1; k < 3; k++)
      if (!strstr(b, cases[i][k])) print_error("%s: no %s\n", cases[i][0], cases[i][k]);
    if (strstr(b, cases[i][3])) print_error("%s: says %s\n", cases[i][0], cases[i][3]);
    assert_int_equal(st, 200);
    assert_non_null(strstr(b, cases[i][1]));
    assert_non_null(strstr(b, cases[i][2]));
    assert_null(strstr(b, cases[i][3]));
    /* no key shown as itself (what kb_ui shows for a missing text) */
    char *save = NULL, *ks = strdup(keys);
    for (char *k = strtok_r(ks, "\n", &save); k; k = strtok_r(NULL, "\n", &save)) {
      char *as_text = th_fmt(">%s<", k), *as_attr = th_fmt("\"%s\"", k);
      int dotted = strchr(k, '.') != NULL; /* "skip" is a class name too */
      if (strstr(b, as_text) || (dotted && strstr(b, as_attr))) print_error("%s: shows the key %s\n", cases[i][0], k);
      assert_null(strstr(b, as_text));
      if (dotted) assert_null(strstr(b, as_attr));
      free(as_text);
      free(as_attr);
    }
    free(ks);
    free(b);
  }
  free(keys);
  /* popular articles (by page views) are listed in the page's language,
   * and a page the language does not have is not listed (the French home
   * page listed the English store page most viewed on the English site) */
  long st;
  for (int i = 0; i < 3; i++) free(S_page("/help/store-aberdeen", &st));
  free(S_page("/fr/help/keep-your-number", &st));
  char *b = NULL;
  const char *pop = NULL;
  /* counted from the event log about once a second: wait until the
   * English home page lists the store page, then read the French one */
  for (int i = 0; i < 50 && !(pop && strstr(pop, "Aberdeen")); i++) {
    if (b) usleep(100 * 1000);
    free(b);
    b = S_page("/", &st);
    pop = strstr(b, "<ol class=\"popular\">");
  }
  assert_non_null(pop);
  assert_non_null(strstr(pop, "Aberdeen"));
  free(b);
  b = S_page("/fr/", &st);
  pop = strstr(b, "<ol class=\"popular\">");
  assert_non_null(pop);
  assert_non_null(strstr(pop, "Garder votre numéro"));
  assert_null(strstr(pop, "Keep your number"));
  if (strstr(pop, "Aberdeen")) print_error("/fr/ lists an English page: %.200s\n", pop);
  assert_null(strstr(pop, "Aberdeen"));
  free(b);
  /* each site lists what its own visitors read first: trade-in, read more
   * on the English site, comes after keep-your-number on the French one,
   * and first on the English one */
  for (int i = 0; i < 6; i++) free(S_page("/help/trade-in", &st));
  const char *fr_first = NULL, *fr_then = NULL;
  b = NULL;
  for (int i = 0; i < 50 && !(fr_first && fr_then); i++) {
    if (b) usleep(100 * 1000);
    free(b);
    b = S_page("/fr/", &st);
    pop = strstr(b, "<ol class=\"popular\">");
    fr_first = pop ? strstr(pop, "Garder votre numéro") : NULL;
    fr_then = pop ? strstr(pop, "Reprise et recyclage") : NULL;
  }
  assert_non_null(fr_first);
  assert_non_null(fr_then);
  if (fr_then < fr_first) print_error("/fr/ lists the English site's most read first: %.400s\n", pop);
  assert_true(fr_first < fr_then);
  free(b);
  b = S_page("/", &st);
  pop = strstr(b, "<ol class=\"popular\">");
  assert_non_null(pop);
  const char *en_first = strstr(pop, "Trade in or recycle"), *en_then = strstr(pop, "Keep your number");
  assert_non_null(en_first);
  assert_true(!en_then || en_first < en_then);
  free(b);
  /* the log keeps each view's site */
  char *path = th_fmt("%s/feedback.sqlite", lh_data_dir());
  sqlite3 *h = NULL;
  assert_int_equal(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  static const struct { const char *sql; int min, max; } counts[] = {
      {"SELECT count(*) FROM views WHERE slug = 'trade-in' AND lang = 'en'", 6, 1000},
      {"SELECT count(*) FROM views WHERE slug = 'keep-your-number' AND lang = 'fr'", 1, 1000},
      {"SELECT count(*) FROM views WHERE lang IS NULL", 0, 0}, /* every view says its site */
  };
  for (int i = 0; i < 3; i++) {
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(h, counts[i].sql, -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    int n = sqlite3_column_int(q, 0);
    if (n < counts[i].min || n > counts[i].max) print_error("%s: %d\n", counts[i].sql, n);
    assert_true(n >= counts[i].min && n <= counts[i].max);
    sqlite3_finalize(q);
  }
  sqlite3_close(h);
  free(path);
}

/* A public search is logged with its site's language, and each language's
 * reports list its own searches that found nothing: the French reports
 * listed German and Spanish stop words (an "und" searched on /de/). */
static void test_reports_per_language(void **state) {
  (void)state;
  long st;
  free(S_page("/de/search?q=und", &st));
  assert_int_equal(st, 200);
  th_resp r;
  assert_int_equal(th_http(lh_server(), "GET", "/api/v1/search?q=zzqxw&lang=es", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  th_resp_free(&r);
  /* stored by the event log's writer within about 200 ms */
  int seen = 0;
  for (int i = 0; i < 50 && !seen; i++) {
    if (i) usleep(100 * 1000);
    assert_int_equal(th_http(lh_server(), "GET", "/api/v1/reports/no-results?days=0", NULL, 0, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    seen = strstr(r.body, "\"search\":\"und\"") && strstr(r.body, "\"search\":\"zzqxw\"");
    th_resp_free(&r);
  }
  assert_true(seen);
  static const struct { const char *path, *has, *lacks; } cases[] = {
      {"/api/v1/reports/no-results?days=0&lang=fr", NULL, "\"und\""},
      {"/api/v1/reports/no-results?days=0&lang=fr", NULL, "\"zzqxw\""},
      {"/api/v1/reports/no-results?days=0&lang=es", "\"zzqxw\"", "\"und\""},
      {"/api/v1/reports/no-results?days=0", "\"und\"", NULL}, /* all languages */
      {"/fr/reports?days=0", NULL, ">und<"},
      {"/reports?days=0", NULL, ">und<"},
      {"/de/reports?days=0", ">und<", ">zzqxw<"},
      /* the never-sent topics' titles in the page's language */
      {"/fr/reports?days=0", "<small>Garder votre numéro en changeant", "<small>Keep your number"},
      {"/reports?days=0", "<small>Keep your number", "<small>Garder votre numéro"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    assert_int_equal(th_http(lh_server(), "GET", cases[i].path, NULL, 0, NULL, &r), 0);
    if (r.status != 200 || (cases[i].has && !strstr(r.body, cases[i].has)) ||
        (cases[i].lacks && strstr(r.body, cases[i].lacks)))
      print_error("%s: %ld, has %s, lacks %s\n", cases[i].path, r.status,
                  cases[i].has ? cases[i].has : "-", cases[i].lacks ? cases[i].lacks : "-");
    assert_int_equal(r.status, 200);
    if (cases[i].has) assert_non_null(strstr(r.body, cases[i].has));
    if (cases[i].lacks) assert_null(strstr(r.body, cases[i].lacks));
    th_resp_free(&r);
  }
  /* the CSV's column names are the page's language's (ui.tsv) */
  static const char *const csv[][2] = {
      {"/reports.csv?days=2", "day,mentions,unique_mentions,answerable_mentions,replies_sent,searches_with_no_results,helpful_answers\r\n"},
      {"/fr/reports.csv?days=2", "jour,messages,messages_distincts,"},
      {"/de/reports.csv?days=2", "tag,nachrichten,verschiedene_nachrichten,"},
      {"/es/reports.csv?days=2", "dia,mensajes,mensajes_distintos,"},
  };
  for (size_t i = 0; i < sizeof csv / sizeof *csv; i++) {
    assert_int_equal(th_http(lh_server(), "GET", csv[i][0], NULL, 0, NULL, &r), 0);
    if (r.status != 200 || strncmp(r.body, csv[i][1], strlen(csv[i][1])))
      print_error("%s: %ld %.120s\n", csv[i][0], r.status, r.body);
    assert_int_equal(r.status, 200);
    assert_int_equal(strncmp(r.body, csv[i][1], strlen(csv[i][1])), 0);
    th_resp_free(&r);
  }
  /* a language the index does not have: a clear error */
  assert_int_equal(th_http(lh_server(), "GET", "/api/v1/reports/no-results?lang=xx", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 400);
  assert_non_null(strstr(r.body, "\"code\":\"invalid_value\""));
  th_resp_free(&r);
  /* kb-report --lang: that site's searches, in that language's words */
  char *dir = th_tmpdir(), *out = NULL;
  char *cmd = th_fmt("%s/kb-index -q kb -o %s/ix.sqlite && %s/kb-report --index %s/ix.sqlite --data %s --days 0 --lang de",
                     th_bin_dir(), dir, th_bin_dir(), dir, lh_data_dir());
  assert_int_equal(th_run(cmd, &out), 0);
  if (!strstr(out, "Bericht der Wissensdatenbank") || !strstr(out, "\n  ") || strstr(out, "Knowledge-base report"))
    print_error("%s\n", out);
  assert_non_null(strstr(out, "Bericht der Wissensdatenbank (gesamter Zeitraum)"));
  assert_non_null(strstr(out, "und\n"));
  assert_null(strstr(out, "zzqxw"));
  assert_null(strstr(out, "Knowledge-base report"));
  /* a topic's title is its German translation's (never sent: every topic) */
  assert_non_null(strstr(out, "(Rufnummer beim Anbieterwechsel mitnehmen)"));
  assert_null(strstr(out, "(Keep your number when you switch network)"));
  free(out);
  free(cmd);
  out = NULL;
  cmd = th_fmt("%s/kb-report --index %s/ix.sqlite --data %s --lang xx 2>&1", th_bin_dir(), dir, lh_data_dir());
  assert_int_equal(th_run(cmd, &out), 64);
  assert_non_null(strstr(out, "kb-report: --lang xx: not a language of"));
  free(out);
  free(cmd);
  th_rmtree(dir);
  free(dir);
}

/* A store's hours and address are answered in the store page's
 * language (ui.tsv's reply.*): the reply was English for every store. */
static void test_store_reply_words(void **state) {
  (void)state;
  static const char *const cases[][3] = {
      {"la boutique de Lyon est ouverte jusqu a quelle heure ?", "Bonjour ! Notre boutique de Lyon : ",
       "Horaires, téléphone et accès : "},
      {"wann hat der Shop in Hamburg heute offen?", "Hallo! Unser Shop in Hamburg: ", "Öffnungszeiten, Telefon und Anfahrt: "},
      {"a que hora abre la tienda de Valencia?", "¡Hola! Nuestra tienda de Valencia: ", "Horario, teléfono y cómo llegar: "},
      {"what time does the Leeds store open today?", "Hi! Our Leeds store is at 42 Briggate, LS1 6HD and is ",
       "Hours, phone and directions: "},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *body = th_fmt("{\"text\":\"%s\"}", cases[i][0]);
    long st;
    cJSON *j = lh_suggest(body, &st);
    assert_int_equal(st, 200);
    const char *reply = lh_str(j, "suggestions.0.reply");
    if (!reply || !strstr(reply, cases[i][1]) || !strstr(reply, cases[i][2]))
      print_error("%s: %s\n", cases[i][0], reply ? reply : "(no reply)");
    assert_non_null(reply);
    assert_non_null(strstr(reply, cases[i][1]));
    assert_non_null(strstr(reply, cases[i][2]));
    cJSON_Delete(j);
    free(body);
  }
}

/* The day a store question asks about, in each language (kb/lang/<code>/
 * days.tsv, read by the mention's analysis): "¿abrís el domingo?" gets
 * Sunday's hours (these stores close on Sundays) in the customer's
 * language, an abbreviation or a plural form names the day too, and a
 * phrase that only looks like a day ("Guten Morgen", "por la mañana")
 * leaves today's hours. Every other weekday is open here, so "closed"
 * says the day was read (on a Sunday it cannot tell). */
static void test_store_reply_day_asked(void **state) {
  (void)state;
  time_t now = time(NULL);
  struct tm tm;
  localtime_r(&now, &tm);
  static const char *const fr[] = {"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"};
  static const char *const de[] = {"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"};
  static const char *const es[] = {"domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"};
  /* the mention, then what the reply must say */
  const char *cases[][2] = {
      {"ouvert le dimanche a Lyon ?", "Fermée "},
      {"la boutique de Lyon est ouverte dim ?", "dimanche"},
      {"vous êtes ouverts samedi à Lyon ?", "samedi"},
      {"habt ihr sonntags auf in Hamburg?", "Geschlossen "},
      {"hat der Shop in Hamburg am Samstag offen?", "Samstag"},
      {"¿abrís el domingo en Valencia?", "Cerrada "},
      {"abris los sabados en Valencia?", "sábado"},
      /* "on Sunday", or on a Saturday "tomorrow (Sunday)": the day asked, not today */
      {"what time does the Leeds store open on sundays?", "Sunday"},
      /* no day: today's hours, not tomorrow's */
      {"Guten Morgen, hat der Shop in Hamburg offen?", th_fmt("heute (%s)", de[tm.tm_wday])},
      {"abrís por la mañana en Valencia?", th_fmt("hoy (%s)", es[tm.tm_wday])},
      {"la boutique de Lyon ouvre à quelle heure demain ?",
       th_fmt("demain (%s)", fr[(tm.tm_wday + 1) % 7])},
  };
  size_t n = sizeof cases / sizeof *cases;
  for (size_t i = 0; i < n; i++) {
    char *body = th_fmt("{\"text\":\"%s\"}", cases[i][0]);
    long st;
    cJSON *j = lh_suggest(body, &st);
    assert_int_equal(st, 200);
    const char *reply = lh_str(j, "suggestions.0.reply");
    const char *want = cases[i][1];
    if (!reply || !strstr(reply, want)) print_error("%s: %s (want %s)\n", cases[i][0], reply ? reply : "-", want);
    assert_non_null(reply);
    assert_non_null(strstr(reply, want));
    cJSON_Delete(j);
    free(body);
  }
  for (size_t i = 8; i < n; i++) free((char *)cases[i][1]);
}

/* A staff page at its plain address takes the browser's language
 * (Accept-Language) when the index has it, else the default; the
 * address's language (/fr/agent) comes first, and the switcher chooses
 * the default language at /en/agent over the browser's. */
static void test_staff_accept_language(void **state) {
  (void)state;
  static const struct { const char *path, *accept, *lang; } cases[] = {
      {"/agent", "fr-FR,fr;q=0.9,en;q=0.5", "<html lang=\"fr\""},
      {"/kb-health", "de-DE", "<html lang=\"de\""},
      {"/team/queue", "es;q=0.8, nl", "<html lang=\"es\""},
      {"/reports", "fr", "<html lang=\"fr\""},
      {"/signin", "de", "<html lang=\"de\""},
      {"/agent", "nl, en;q=0.9, fr;q=0.8", "<html lang=\"en-GB\""},
      {"/agent", "nl", "<html lang=\"en-GB\""},
      {"/agent", NULL, "<html lang=\"en-GB\""},
      {"/de/agent", "fr", "<html lang=\"de\""},
      {"/en/agent", "fr", "<html lang=\"en-GB\""},
      {"/en/reports", "fr", "<html lang=\"en-GB\""},
      {"/", "fr", "<html lang=\"en-GB\""}, /* the public site: its address only */
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *h = cases[i].accept ? th_fmt("Accept-Language: %s", cases[i].accept) : NULL;
    const char *hs[] = {h, NULL};
    th_resp r;
    assert_int_equal(th_http(lh_server(), "GET", cases[i].path, NULL, 0, h ? hs : NULL, &r), 0);
    if (r.status != 200 || !strstr(r.body, cases[i].lang))
      print_error("%s (%s): %ld, want %s\n", cases[i].path, cases[i].accept ? cases[i].accept : "-", r.status,
                  cases[i].lang);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, cases[i].lang));
    if (i == 0) { /* its links stay in French; English is chosen at /en/agent */
      assert_non_null(strstr(r.body, "href=\"/fr/kb-health\""));
      assert_non_null(strstr(r.body, "<a hreflang=\"en-GB\" lang=\"en-GB\" href=\"/en/agent\">"));
    }
    if (i == 9) { /* /en/agent: its staff links keep English, public ones are the site's */
      assert_non_null(strstr(r.body, "href=\"/en/kb-health\""));
      assert_null(strstr(r.body, "href=\"/en/help/"));
      assert_null(strstr(r.body, "href=\"/en/\""));
    }
    th_resp_free(&r);
    free(h);
  }
  /* the public site is not served at /en/ */
  th_resp r;
  assert_int_equal(th_http(lh_server(), "GET", "/en/help/keep-your-number", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 404);
  th_resp_free(&r);
}

/* kb-index's messages in the reader's language (kb/lang/<code>/
 * messages.tsv): the real indexer's problems with a broken knowledge base,
 * printed with --lang and shown on each language's KB health page from
 * the status file's ids and values (escaped); the fix joined by the
 * message's id; the build's cross-file messages (duplicate slug, a
 * translation older than its source, synonyms.txt out of place) too. */
static void test_health_messages_per_language(void **state) {
  (void)state;
  char *bad = th_tmpdir(), *out = NULL;
  char *cmd = th_fmt("mkdir -p %s/articles && printf -- '---\ntitle: \"\"\nslug: \"<b>Bad\"\nfoo: 1\n---\nText\n'"
                     " > %s/articles/x.md && echo 'a, b' > %s/synonyms.txt && printf -- '---\ntitle: Lyon\ntype: store\n"
                     "town: Lyon\naddress: 1 rue X\npostcode: \"69001\"\nphone: \"04\"\nlat: 45.7\nlon: 4.8\nhours:\n"
                     "  mon: \"9-5\"\n---\nTexte\n' > %s/articles/y.md && mkdir -p %s/lang/fr && printf 'salut\nSalut\n'"
                     " > %s/lang/fr/filler.txt && printf 'Bad Key\tx\n' > %s/lang/fr/ui.tsv && mkdir -p %s/articles/fr && printf --"
                     " '---\ntitle: A\nslug: dup\n---\nTexte\n' > %s/articles/fr/a.md && printf -- '---\ntitle: B\nslug: dup\n"
                     "---\nTexte\n' > %s/articles/fr/b.md && printf -- '---\ntitle: T\nupdated: 2026-05-01\n---\nText\n' >"
                     " %s/articles/t.md && printf -- '---\ntitle: T\nslug: t\ntranslated_from: 2026-01-01\n---\nTexte\n' >"
                     " %s/articles/fr/t.md && printf 'brand: B\ntitle: T\ntwitter: \"bad handle\"\ncontacts: x\n' > %s/site.yaml",
                     bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad, bad);
  assert_int_equal(th_run(cmd, &out), 0);
  free(out);
  free(cmd);
  static const char *const printed[][3] = {
      {"fr", "x.md:3: error: le slug '<b>Bad' ne doit contenir que a-z, 0-9 et '-'", "x.md:4: warning: clé inconnue 'foo' (ignorée)"},
      {"de", "x.md:2: error: leerer Titel", "x.md:4: warning: unbekannter Schlüssel 'foo' (ignoriert)"},
      {"es", "x.md:2: error: título vacío", "x.md:3: error: el slug '<b>Bad' solo puede llevar a-z, 0-9 y '-'"},
      {"en", "x.md:2: error: empty title", "x.md:4: warning: unknown key 'foo' (ignored)"},
      {"it", "x.md:2: error: empty title", "x.md:3: error: slug '<b>Bad' must use only a-z, 0-9 and '-'"}, /* none: English */
  };
  for (size_t i = 0; i < sizeof printed / sizeof *printed; i++) {
    out = NULL;
    cmd = th_fmt("%s/kb-index --check --lang %s %s 2>&1", th_bin_dir(), printed[i][0], bad);
    assert_int_equal(th_run(cmd, &out), 1);
    if (!strstr(out, printed[i][1]) || !strstr(out, printed[i][2])) print_error("--lang %s:\n%s\n", printed[i][0], out);
    assert_non_null(strstr(out, printed[i][1]));
    assert_non_null(strstr(out, printed[i][2]));
    /* the build's cross-file messages (kb_build.c) and site.yaml's (kb_sitefile.c) in the language too */
    static const char *const built[][6] = {
        {"fr", "synonyms.txt: error: les synonymes appartiennent à une langue : déplacez ce fichier",
         "b.md:3: error: slug 'dup' en double dans la collection 'default' (aussi dans ",
         "t.md:4: warning: traduction plus ancienne que sa source : traduite de la version 'en' du 2026-01-01, et ",
         "site.yaml:3: error: twitter 'bad handle' doit être un identifiant : 1 à 15 lettres, chiffres ou '_'",
         "site.yaml:4: error: 'contacts' doit être une liste de {name, text, link, hours}"},
        {"de", "synonyms.txt: error: Synonyme gehören zu einer Sprache: Datei nach",
         "b.md:3: error: Slug 'dup' doppelt in der Sammlung 'default' (auch in ",
         "t.md:4: warning: Übersetzung älter als ihre Vorlage: übersetzt aus der Fassung 'en' vom 2026-01-01, und ",
         "site.yaml:3: error: twitter 'bad handle' muss ein Handle sein: 1-15 Buchstaben, Ziffern oder '_'",
         "site.yaml:4: error: 'contacts' muss eine Liste von {name, text, link, hours} sein"},
        {"es", "synonyms.txt: error: los sinónimos pertenecen a un idioma: mueve este archivo",
         "b.md:3: error: slug 'dup' repetido en la colección 'default' (también en ",
         "t.md:4: warning: traducción más antigua que su original: traducida de la versión 'en' del 2026-01-01, y ",
         "site.yaml:3: error: twitter 'bad handle' debe ser un usuario: de 1 a 15 letras, cifras o '_'",
         "site.yaml:4: error: 'contacts' debe ser una lista de {name, text, link, hours}"},
        {"en", "synonyms.txt: error: synonyms belong to a language: move this file",
         "b.md:3: error: duplicate slug 'dup' in collection 'default' (also in ",
         "t.md:4: warning: translation older than its source: translated from the en of 2026-01-01, and ",
         "site.yaml:3: error: twitter 'bad handle' must be a handle: 1-15 letters, digits or '_'",
         "site.yaml:4: error: 'contacts' must be a list of {name, text, link, hours}"},
        {"it", "synonyms.txt: error: synonyms belong to a language: move this file",
         "b.md:3: error: duplicate slug 'dup' in collection 'default' (also in ",
         "t.md:4: warning: translation older than its source: translated from the en of 2026-01-01, and ",
         "site.yaml:3: error: twitter 'bad handle' must be a handle: 1-15 letters, digits or '_'",
         "site.yaml:4: error: 'contacts' must be a list of {name, text, link, hours}"},
    };
    for (int k = 1; k < 6; k++) {
      if (!strstr(out, built[i][k])) print_error("--lang %s: no %s\n", printed[i][0], built[i][k]);
      assert_non_null(strstr(out, built[i][k]));
    }
    /* a word list's message in the language (its own folder has no messages.tsv: the shipped one's) */
    if (!strcmp(printed[i][0], "fr")) assert_non_null(strstr(out, "lang/fr/filler.txt:2: error: 'Salut' : pas en minuscules"));
    if (!strcmp(printed[i][0], "fr"))
      assert_non_null(strstr(out, "lang/fr/ui.tsv:1: error: 'Bad Key' n'est pas une clé (lettres minuscules"));
    if (!strcmp(printed[i][0], "es"))
      assert_non_null(strstr(out, "lang/fr/ui.tsv:1: error: 'Bad Key' no es una clave (minúsculas"));
    if (!strcmp(printed[i][0], "en")) assert_non_null(strstr(out, "lang/fr/filler.txt:2: error: 'Salut': not lower case"));
    if (!strcmp(printed[i][0], "fr"))
      assert_non_null(strstr(out, "y.md:11: error: les horaires de 'mon' doivent s'écrire \"09:00-17:30\" ou \"closed\", pas '9-5'"));
    if (!strcmp(printed[i][0], "de"))
      assert_non_null(strstr(out, "y.md:11: warning: keine Öffnungszeiten für 'tue'"));
    free(out);
    free(cmd);
  }
  out = NULL;
  cmd = th_fmt("%s/kb-index --check --lang FR %s 2>&1", th_bin_dir(), bad);
  assert_int_equal(th_run(cmd, &out), 64);
  assert_non_null(strstr(out, "--lang 'FR'"));
  free(out);
  free(cmd);
  /* the build's status file (written in English, with the ids) behind a server */
  char *ix = NULL;
  const char *extra[] = {"--quiet", NULL};
  th_server *s = th_serve_kb("kb", extra, &ix);
  assert_non_null(s);
  out = NULL;
  cmd = th_fmt("%s/kb-index %s -o %s/ix.sqlite >/dev/null 2>&1; cp %s/ix.sqlite.status.json %s.status.json.tmp &&"
               " mv %s.status.json.tmp %s.status.json", th_bin_dir(), bad, bad, bad, ix, ix, ix);
  assert_int_equal(th_run(cmd, &out), 0);
  free(out);
  free(cmd);
  th_resp r;
  assert_true(th_wait_body(s, "/healthz", "\"status\":\"degraded\"", 40));
  static const char *const cases[][4] = {
      /* page, its words for the bad slug (escaped), the empty title's fix (by id), English it must not show */
      {"/fr/kb-health", "le slug &#39;&lt;b&gt;Bad&#39; ne doit contenir que a-z", "Écrivez le titre.", "must use only"},
      {"/de/kb-health", "der Slug &#39;&lt;b&gt;Bad&#39; darf nur a-z", "Schreiben Sie den Titel.", "empty title"},
      {"/es/kb-health", "el slug &#39;&lt;b&gt;Bad&#39; solo puede llevar", "Escribe el título.", "unknown key"},
      {"/kb-health", "slug &#39;&lt;b&gt;Bad&#39; must use only a-z", "Write the title.", "Écrivez"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    assert_int_equal(th_http(s, "GET", cases[i][0], NULL, 0, NULL, &r), 0);
    const char *ol = strstr(r.body, "<ol class=\"problems\">");
    if (r.status != 200 || !ol || !strstr(ol, cases[i][1]) || !strstr(ol, cases[i][2]) || strstr(ol, cases[i][3]))
      print_error("%s: %.1500s\n", cases[i][0], ol ? ol : r.body);
    assert_int_equal(r.status, 200);
    assert_non_null(ol);
    assert_non_null(strstr(ol, cases[i][1]));
    assert_non_null(strstr(ol, cases[i][2]));
    assert_null(strstr(ol, cases[i][3]));
    assert_null(strstr(ol, "<b>Bad"));
    /* a message of the build's cross-file checks (kb_build.c) in the page's words */
    static const char *const older[] = {"traduction plus ancienne que sa source", "Übersetzung älter als ihre Vorlage",
                                        "traducción más antigua que su original", "translation older than its source"};
    if (!strstr(ol, older[i])) print_error("%s: no %s\n", cases[i][0], older[i]);
    assert_non_null(strstr(ol, older[i]));
    th_resp_free(&r);
  }
  assert_int_equal(th_server_stop(s), 0);
  free(ix);
  th_rmtree(bad);
  free(bad);
}

/* The KB health page's fixes in the page's language (web/kb-fixes.CODE.tsv;
 * the indexer's message itself stays as kb-index writes it). */
static void test_health_fixes_per_language(void **state) {
  (void)state;
  char *ix = NULL;
  const char *extra[] = {"--quiet", NULL};
  th_server *s = th_serve_kb("kb", extra, &ix);
  assert_non_null(s);
  char *status = th_fmt("%s.status.json", ix);
  assert_int_equal(th_write_file(status, "{\"builds\":2,\"ok\":false,\"errors\":1,\"warnings\":0,"
                                 "\"finished\":\"2026-12-02T10:00:00Z\",\"kb\":\"/srv/kb\",\"problems\":["
                                 "\"/srv/kb/articles/fr/x.md:2: error: missing title (every article needs 'title:')\"],"
                                 "\"ids\":[{\"id\":\"article.no-title\",\"vals\":{}}]}\n"), 0);
  th_resp r;
  assert_true(th_wait_body(s, "/healthz", "\"status\":\"degraded\"", 40));
  static const char *const cases[][3] = {
      {"/fr/kb-health", "Ajoutez title: …", "Add title:"},
      {"/de/kb-health", "Ergänzen Sie title: …", "Add title:"},
      {"/es/kb-health", "Añade title: …", "Add title:"},
      {"/kb-health", "Add title: …", "Ajoutez"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    assert_int_equal(th_http(s, "GET", cases[i][0], NULL, 0, NULL, &r), 0);
    const char *fix = strstr(r.body, "<p class=\"fix\">");
    if (r.status != 200 || !fix || !strstr(fix, cases[i][1]) || strstr(fix, cases[i][2]))
      print_error("%s: %.200s\n", cases[i][0], fix ? fix : "(no fix)");
    assert_int_equal(r.status, 200);
    assert_non_null(fix);
    assert_non_null(strstr(fix, cases[i][1]));
    assert_null(strstr(fix, cases[i][2]));
    th_resp_free(&r);
  }
  assert_int_equal(th_server_stop(s), 0);
  free(status);
  free(ix);
}

/* With no language in its address and none the index has in the
 * browser's Accept-Language, a staff page for a collection (?collection=)
 * takes that collection's language (site.yaml collections: X: {lang}). */
static void test_staff_collection_language(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  char *cmd = th_fmt("mkdir -p %s/lang/en %s/lang/fr %s/articles && cp kb/lang/en/ui.tsv %s/lang/en/ && "
                     "cp kb/lang/fr/ui.tsv %s/lang/fr/ && cd %s && "
                     "printf 'brand: Acme\\ntitle: Acme help\\ncollections:\\n  acme-fr:\\n    lang: fr\\n' > site.yaml && "
                     "printf -- '---\\ntitle: Alpha\\n---\\nx\\n' > articles/alpha.md && "
                     "printf -- '---\\ntitle: Alphe\\ncollection: acme-fr\\n---\\nx\\n' > articles/alphe.md",
                     dir, dir, dir, dir, dir, dir);
  assert_int_equal(th_run(cmd, NULL), 0);
  free(cmd);
  th_server *srv = th_serve_kb(dir, NULL, NULL);
  assert_non_null(srv);
  static const struct { const char *path, *accept, *lang; } cases[] = {
      {"/agent?collection=acme-fr", NULL, "<html lang=\"fr\""},
      {"/agent?collection=acme-fr", "nl", "<html lang=\"fr\""},
      {"/agent?collection=acme-fr", "en-GB", "<html lang=\"en-GB\""}, /* the browser's first */
      {"/agent?collection=default", NULL, "<html lang=\"en-GB\""},
      {"/agent", NULL, "<html lang=\"en-GB\""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *h = cases[i].accept ? th_fmt("Accept-Language: %s", cases[i].accept) : NULL;
    const char *hs[] = {h, NULL};
    th_resp r;
    assert_int_equal(th_http(srv, "GET", cases[i].path, NULL, 0, h ? hs : NULL, &r), 0);
    if (r.status != 200 || !strstr(r.body, cases[i].lang))
      print_error("%s (%s): %ld, want %s\n", cases[i].path, cases[i].accept ? cases[i].accept : "-", r.status,
                  cases[i].lang);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, cases[i].lang));
    th_resp_free(&r);
    free(h);
  }
  assert_int_equal(th_server_stop(srv), 0);
  th_rmtree(dir);
  free(dir);
}

/* An article links its translations (hreflang alternates, the same slug
 * in each language) and every public page has a language switcher: a nav
 * whose links name each language in itself, with its lang. */
static void test_switcher_and_alternates(void **state) {
  (void)state;
  long st;
  char *b = S_page("/de/help/keep-your-number", &st);
  assert_int_equal(st, 200);
  static const char *const want[] = {
      "<link rel=\"alternate\" hreflang=\"fr\" href=\"", "/fr/help/keep-your-number\">",
      "<link rel=\"alternate\" hreflang=\"en-GB\" href=\"", "<link rel=\"alternate\" hreflang=\"x-default\"",
      "<nav class=\"langs\" aria-label=\"Sprache\">",
      "<a hreflang=\"en-GB\" lang=\"en-GB\" href=\"/help/keep-your-number\">English</a>",
      "<a hreflang=\"fr\" lang=\"fr\" href=\"/fr/help/keep-your-number\">Français</a>",
      "<a hreflang=\"es\" lang=\"es\" href=\"/es/help/keep-your-number\">Español</a>",
      "<a hreflang=\"de\" lang=\"de\" href=\"/de/help/keep-your-number\" aria-current=\"true\">Deutsch</a>",
  };
  for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
    if (!strstr(b, want[i])) print_error("no %s\n", want[i]);
    assert_non_null(strstr(b, want[i]));
  }
  assert_null(strstr(b, "href=\"/de/help/keep-your-number\">English"));
  free(b);
  /* a store exists in one language: no alternates; the switcher offers
   * the other languages' homes */
  b = S_page("/help/store-leeds", &st);
  assert_int_equal(st, 200);
  assert_null(strstr(b, "rel=\"alternate\""));
  assert_non_null(strstr(b, "<a hreflang=\"fr\" lang=\"fr\" href=\"/fr/\">Français</a>"));
  free(b);
  /* asked for in a language it is not written in: said so, and marked */
  b = S_page("/fr/help/store-leeds", &st);
  assert_int_equal(st, 200);
  assert_non_null(strstr(b, "<article lang=\"en-GB\">"));
  assert_non_null(strstr(b, "le voici en anglais"));
  free(b);
  static const char *const pages[] = {"/", "/es/", "/fr/stores", "/de/search?q=handy", "/es/topics/orders-and-delivery"};
  for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
    b = S_page(pages[i], &st);
    if (!strstr(b, "<nav class=\"langs\"")) print_error("%s: no switcher\n", pages[i]);
    assert_non_null(strstr(b, "<nav class=\"langs\""));
    assert_non_null(strstr(b, "lang=\"es\" href=\"/es/"));
    free(b);
  }
}

/* The store finder of each country's site searches that country's stores
 * and gazetteer, with the common spellings (Munich, Cologne, Seville). */
static void test_store_finder_per_country(void **state) {
  (void)state;
  static const char *const cases[][4] = {
      /* page, the first store it lists, a store it must not list, its place */
      {"/de/stores?near=Munich", "/de/help/store-munchen", "/help/store-leeds", "München"},
      {"/de/stores?near=M%C3%BCnchen", "/de/help/store-munchen", "/fr/help/", "München"},
      {"/de/stores?near=Cologne", "/de/help/store-koln", "/es/help/", "Köln"},
      {"/es/stores?near=Seville", "/es/help/store-sevilla", "/de/help/", "Sevilla"},
      {"/fr/stores?near=Lyon", "/fr/help/store-lyon", "/help/store-leeds", "Lyon"},
      {"/stores?near=Leeds", "/help/store-leeds", "/fr/help/", "Leeds"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    long st;
    char *b = S_page(cases[i][0], &st);
    const char *list = strstr(b, "<ol class=\"stores\">");
    const char *first = list ? strstr(list, "href=\"") : NULL;
    if (!first || strncmp(first + 6, cases[i][1], strlen(cases[i][1])))
      print_error("%s: first %.60s\n", cases[i][0], first ? first : "none");
    assert_int_equal(st, 200);
    assert_non_null(first);
    assert_memory_equal(first + 6, cases[i][1], strlen(cases[i][1]));
    assert_null(strstr(list, cases[i][2]));
    assert_non_null(strstr(b, cases[i][3]));
    free(b);
  }
  /* another country's town is not in this country's finder; every store
   * listed is this country's */
  long st;
  char *b = S_page("/fr/stores?near=Munich", &st);
  assert_non_null(strstr(b, "Nous n’avons pas trouvé « Munich »"));
  assert_null(strstr(b, "store-munchen"));
  /* ... but it points to that country's finder */
  assert_non_null(strstr(b, "<p class=\"elsewhere\">Vous cherchez à l’étranger ? <a hreflang=\"de\" "
                            "href=\"/de/stores?near=M%C3%BCnchen\">Nos boutiques près de München, sur notre site en allemand</a>"));
  assert_non_null(strstr(b, "/fr/help/store-lyon"));
  free(b);
  b = S_page("/stores?near=Seville", &st);
  assert_non_null(strstr(b, "<a hreflang=\"es\" href=\"/es/stores?near=Sevilla\">Our stores near Sevilla, on our site in Spanish</a>"));
  free(b);
  b = S_page("/stores", &st);
  assert_non_null(strstr(b, "/help/store-leeds"));
  assert_null(strstr(b, "store-lyon"));
  assert_null(strstr(b, "store-koln"));
  free(b);
}

/* An article without lang: takes its directory's (articles/fr/), else its
 * collection's (site.yaml), else English; shown by the duplicate check,
 * which is per language. */
static void test_default_lang(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  char *cmd = th_fmt("mkdir -p %s/articles/fr && printf -- '---\\ntitle: One\\nslug: topic\\n---\\nx\\n' > %s/articles/a.md && "
                     "printf -- '---\\ntitle: Un\\nslug: topic\\n---\\nx\\n' > %s/articles/fr/b.md && "
                     "printf -- '---\\ntitle: Eins\\nslug: topic\\ncollection: acme\\n---\\nx\\n' > %s/articles/c.md && "
                     "printf -- 'brand: B\\ntitle: T\\ncollections:\\n  acme:\\n    lang: de\\n' > %s/site.yaml",
                     dir, dir, dir, dir, dir);
  assert_int_equal(th_run(cmd, NULL), 0);
  free(cmd);
  char *out = NULL;
  cmd = th_fmt("%s/kb-index --check %s 2>&1", th_bin_dir(), dir);
  if (th_run(cmd, &out) != 0) print_error("%s\n", out);
  assert_int_equal(th_run(cmd, NULL), 0);
  free(out);
  char *p = th_fmt("%s/articles/fr/d.md", dir);
  th_write_file(p, "---\ntitle: Deux\nslug: topic\n---\nx\n");
  assert_int_not_equal(th_run(cmd, &out), 0);
  assert_non_null(strstr(out, "duplicate slug 'topic' in collection 'default'"));
  assert_non_null(strstr(out, "language fr"));
  free(out);
  free(p);
  p = th_fmt("%s/articles/fr/d.md", dir);
  th_write_file(p, "---\ntitle: Zwei\nslug: topic\ncollection: acme\nlang: de\n---\nx\n");
  assert_int_not_equal(th_run(cmd, &out), 0);
  assert_non_null(strstr(out, "duplicate slug 'topic' in collection 'acme'"));
  assert_non_null(strstr(out, "language de"));
  assert_non_null(strstr(out, "d.md:5: warning: lang 'de' in a directory of 'fr' articles"));
  free(out);
  free(p);
  p = th_fmt("%s/site.yaml", dir);
  th_write_file(p, "brand: B\ntitle: T\ncollections:\n  acme:\n    lang: xx\n");
  assert_int_not_equal(th_run(cmd, &out), 0);
  assert_non_null(strstr(out, "site.yaml:5: error: lang 'xx' is not a language code"));
  free(out);
  free(p);
  free(cmd);
  th_rmtree(dir);
  free(dir);
}

/* The agent console shows the mention's language, lets the agent choose
 * another (a select: a plain GET, no script needed) and marks a
 * suggestion offered in English because the language has none. */
static void test_console_language(void **state) {
  (void)state;
  long st;
  char *b = S_page("/agent?text=slt%20comment%20je%20recupere%20mon%20code%20RIO&author=bob", &st);
  assert_int_equal(st, 200);
  static const char *const want[] = {
      "<label for=\"mlang\">Language of the mention</label><select id=\"mlang\" name=\"lang\">",
      "<option value=\"\">Detect from its words</option>", "<option value=\"fr\">French</option>",
      "Language: <strong>French</strong>, detected (confidence ",
      "<h2><a href=\"/fr/help/keep-your-number\">", "name=\"reply\" rows=\"3\" lang=\"fr\">",
  };
  for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
    if (!strstr(b, want[i])) print_error("no %s\n", want[i]);
    assert_non_null(strstr(b, want[i]));
  }
  assert_null(strstr(b, "class=\"fallback\""));
  free(b);
  b = S_page("/agent?text=slt%20comment%20je%20recupere%20mon%20code%20RIO&author=bob&lang=de", &st);
  assert_non_null(strstr(b, "<option value=\"de\" selected>German</option>"));
  assert_non_null(strstr(b, "Language: <strong>German</strong>, chosen by you"));
  assert_non_null(strstr(b, "<h2><a href=\"/de/help/"));
  free(b);
  /* nothing in French fits: English articles, each said to be a fallback */
  b = S_page("/agent?text=Briggate%20Leeds&author=bob&lang=fr", &st);
  assert_non_null(strstr(b, "no article fits in it, so these are English articles"));
  assert_non_null(strstr(b, "<p class=\"fallback\">English fallback: no article in the mention&#39;s language</p>"));
  assert_non_null(strstr(b, "lang=\"en-GB\">"));
  free(b);
  b = S_page("/agent?text=hello&lang=xx", &st);
  assert_non_null(strstr(b, "That language is not one of the knowledge base&#39;s."));
  free(b);
}

/* Translations against their source: kb-index warns (file:line) when the
 * source was updated after translated_from, and /team/translations lists
 * the topics lacking a language and the translations older than their
 * source, for every language or one. */
static void test_translations_report(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  /* the page's words are English's ui.tsv (languages named in it) */
  char *cmd = th_fmt("mkdir -p %s/lang/en %s/articles/fr %s/articles/de && cp kb/lang/en/ui.tsv %s/lang/en/ && cd %s/articles && "
                     "printf -- '---\\ntitle: Alpha\\nupdated: 2026-11-20\\n---\\nx\\n' > alpha.md && "
                     "printf -- '---\\ntitle: Beta\\nupdated: 2026-11-20\\n---\\nx\\n' > beta.md && "
                     "printf -- '---\\ntitle: Alphe\\nslug: alpha\\ntranslated_from: 2026-11-01\\n---\\nx\\n' > fr/alpha.md && "
                     "printf -- '---\\ntitle: Betta\\nslug: beta\\ntranslated_from: 2026-11-20\\n---\\nx\\n' > de/beta.md",
                     dir, dir, dir, dir, dir);
  assert_int_equal(th_run(cmd, NULL), 0);
  free(cmd);
  char *out = NULL;
  cmd = th_fmt("%s/kb-index --check %s 2>&1", th_bin_dir(), dir);
  assert_int_equal(th_run(cmd, &out), 0);
  if (!strstr(out, "fr/alpha.md:4: warning: translation older than its source")) print_error("%s\n", out);
  assert_non_null(strstr(out, "fr/alpha.md:4: warning: translation older than its source: translated from the en of "
                              "2026-11-01, and "));
  assert_null(strstr(out, "de/beta.md:"));
  free(out);
  free(cmd);
  th_server *srv = th_serve_kb(dir, NULL, NULL);
  assert_non_null(srv);
  th_resp r;
  assert_int_equal(th_http(srv, "GET", "/team/translations", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  static const char *const want[] = {
      "<tr><th scope=\"row\">German</th><td>1 of 2</td><td>1</td><td>0</td><td>0</td></tr>",
      "<tr><th scope=\"row\">French</th><td>1 of 2</td><td>1</td><td>1</td><td>0</td></tr>",
      "<a href=\"/help/alpha\">Alpha</a></th><td>German</td>", "<a href=\"/help/beta\">Beta</a></th><td>French</td>",
      "<a href=\"/fr/help/alpha\">Alpha</a></th><td>French</td><td>2026-11-01</td><td>2026-11-20</td>",
  };
  for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
    if (!strstr(r.body, want[i])) print_error("no %s\n", want[i]);
    assert_non_null(strstr(r.body, want[i]));
  }
  th_resp_free(&r);
  assert_int_equal(th_http(srv, "GET", "/team/translations?lang=de", NULL, 0, NULL, &r), 0);
  assert_non_null(strstr(r.body, "<option value=\"de\" selected>"));
  assert_non_null(strstr(r.body, "<a href=\"/help/alpha\">Alpha</a></th><td>German</td>"));
  assert_null(strstr(r.body, "<th scope=\"row\">French</th>"));
  assert_null(strstr(r.body, "/fr/help/alpha"));
  th_resp_free(&r);
  assert_int_equal(th_http(srv, "GET", "/team/translations?lang=zz", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 400);
  assert_non_null(strstr(r.body, "\"invalid_value\""));
  th_resp_free(&r);
  th_server_stop(srv);
  th_rmtree(dir);
  free(dir);
}

/* kb-index checks each language's ui.tsv against English's, file:line. */
static void test_ui_words_checked(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  char *cmd = th_fmt("mkdir -p %s/articles %s/lang/fr && printf -- '---\\ntitle: One\\nslug: topic\\n---\\nx\\n' > %s/articles/a.md && "
                     "printf -- '---\\ntitle: Un\\nslug: topic\\nlang: fr\\n---\\nx\\n' > %s/articles/b.md",
                     dir, dir, dir, dir);
  assert_int_equal(th_run(cmd, NULL), 0);
  free(cmd);
  char *p = th_fmt("%s/lang/fr/ui.tsv", dir);
  th_write_file(p, "# ok\nnav.home\tAccueil\nnav.hom\tAcceuil\nsearch.count.one\t{n} résultat pour « {query} »\n"
                   "skip\n{bad}\tx\nbrand\tAide {\nnav.home\tencore\n");
  char *out = NULL;
  cmd = th_fmt("%s/kb-index --check %s 2>&1", th_bin_dir(), dir);
  assert_int_not_equal(th_run(cmd, &out), 0);
  static const char *const want[] = {
      "ui.tsv:3: error: 'nav.hom' is no key of the pages",
      "ui.tsv:4: error: 'search.count.one': {query} is not in the text of",
      "ui.tsv:5: error: expected key<TAB>text",
      "ui.tsv:6: error: '{bad}' is not a key",
      "ui.tsv:7: error: 'brand': a '{' that is not a {name}",
      "ui.tsv:8: error: 'nav.home' again (first at line 2)",
      "keys of en missing, the first 'lang.name'",
  };
  for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
    if (!strstr(out, want[i])) print_error("no %s in:\n%s\n", want[i], out);
    assert_non_null(strstr(out, want[i]));
  }
  free(out);
  /* the good lines alone: only the warning for the keys it lacks */
  th_write_file(p, "nav.home\tAccueil\n");
  assert_int_equal(th_run(cmd, &out), 0);
  assert_non_null(strstr(out, "keys of en missing"));
  free(out);
  /* the count's warning in the reader's language, plural and singular
   * (one id each: every key of English's ui.tsv but nav.home is one missing) */
  static const char *const counted[][3] = {
      {"fr", "clés de 'en' manquantes, la première 'lang.name' (", "warning: 1 clé de 'en' manquante : 'nav.home' ("},
      {"de", "Schlüssel aus 'en' fehlen, der erste 'lang.name' (", "warning: 1 Schlüssel aus 'en' fehlt: 'nav.home' ("},
      {"es", "claves de 'en', la primera 'lang.name' (", "warning: falta 1 clave de 'en': 'nav.home' ("},
      {"en", "keys of en missing, the first 'lang.name' (", "warning: 1 key of en missing, the first 'nav.home' ("},
  };
  char *one = th_fmt("grep -v '^nav.home	' kb/lang/en/ui.tsv > %s", p);
  for (int pass = 0; pass < 2; pass++) {
    if (pass) assert_int_equal(th_run(one, NULL), 0);
    for (size_t i = 0; i < sizeof counted / sizeof *counted; i++) {
      char *c = th_fmt("%s/kb-index --check --lang %s %s 2>&1", th_bin_dir(), counted[i][0], dir);
      out = NULL;
      assert_int_equal(th_run(c, &out), 0);
      if (!strstr(out, counted[i][1 + pass])) print_error("--lang %s: no %s in:\n%s\n", counted[i][0], counted[i][1 + pass], out);
      assert_non_null(strstr(out, counted[i][1 + pass]));
      free(out);
      free(c);
    }
  }
  free(one);
  free(p);
  free(cmd);
  th_rmtree(dir);
  free(dir);
}

/* kb-index: one slug per topic and language; the same slug in another
 * language is a translation. */
static void test_slugs_per_language(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  char *cmd = th_fmt("mkdir -p %s/articles && printf -- '---\\ntitle: One\\nslug: topic\\n---\\nx\\n' > %s/articles/a.md && "
                     "printf -- '---\\ntitle: Un\\nslug: topic\\nlang: fr\\n---\\nx\\n' > %s/articles/b.md",
                     dir, dir, dir);
  assert_int_equal(th_run(cmd, NULL), 0);
  free(cmd);
  char *out = NULL;
  cmd = th_fmt("%s/kb-index --check %s 2>&1", th_bin_dir(), dir);
  assert_int_equal(th_run(cmd, &out), 0);
  free(out);
  char *p = th_fmt("%s/articles/c.md", dir);
  th_write_file(p, "---\ntitle: Deux\nslug: topic\nlang: fr\n---\nx\n");
  assert_int_not_equal(th_run(cmd, &out), 0);
  assert_non_null(strstr(out, "duplicate slug 'topic' in collection 'default'"));
  assert_non_null(strstr(out, "language fr"));
  free(out);
  free(p);
  free(cmd);
  th_rmtree(dir);
  free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_answered_in_its_language),
      cmocka_unit_test(test_lang_asked_for),
      cmocka_unit_test(test_lang_of_a_place),
      cmocka_unit_test(test_emoji_read_as_words),
      cmocka_unit_test(test_store_named_by_town_only),
      cmocka_unit_test(test_store_services_name_the_store),
      cmocka_unit_test(test_named_store_leads_reply),
      cmocka_unit_test(test_general_pages_when_nothing_matches),
      cmocka_unit_test(test_bad_lang),
      cmocka_unit_test(test_known_word_not_corrected),
      cmocka_unit_test(test_weak_matches_cut),
      cmocka_unit_test(test_public_search_ranked),
      cmocka_unit_test(test_search_one_language),
      cmocka_unit_test(test_typed_typo),
      cmocka_unit_test(test_pages_per_language),
      cmocka_unit_test(test_slugs_per_language),
      cmocka_unit_test(test_interface_words),
      cmocka_unit_test(test_switcher_and_alternates),
      cmocka_unit_test(test_ui_words_checked),
      cmocka_unit_test(test_store_finder_per_country),
      cmocka_unit_test(test_default_lang),
      cmocka_unit_test(test_console_language),
      cmocka_unit_test(test_translations_report),
      cmocka_unit_test(test_reports_per_language),
      cmocka_unit_test(test_store_reply_words),
      cmocka_unit_test(test_store_reply_day_asked),
      cmocka_unit_test(test_not_found_per_language),
      cmocka_unit_test(test_staff_accept_language),
      cmocka_unit_test(test_health_fixes_per_language),
      cmocka_unit_test(test_health_messages_per_language),
      cmocka_unit_test(test_staff_collection_language),
  };
  return cmocka_run_group_tests_name("lang", tests, lh_setup, lh_teardown);
}
