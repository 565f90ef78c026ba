/*
 * test_kb.c - the knowledge base we ship (kb/), checked as content rather
 * than as code:
 *
 *   - kb-index --check kb reports no errors and no warnings;
 *   - every slug in ../shared/kb-topics.tsv is an article (one test each);
 *   - every reply template fits in a tweet with the longest @handle and a
 *     long link, is sent unshortened (with its {ifplace} sections too),
 *     and has a {url};
 *   - every article with escalate: dm asks the customer to DM us;
 *   - the articles that link a named town's store say deeplink: store;
 *   - there are at least 30 store pages, each complete (town, postcode,
 *     phone, hours for all seven days, coordinates inside the UK);
 *   - places.tsv has at least 300 places, among them every store's town.
 *
 * kb/ is built once, on first use, into a scratch index; the checks read it
 * through the library (kb_index_get, kb_reply_*) and, for the store
 * directory and places, through plain SQL. Each check prints every
 * offender before it fails, so one run shows the knowledge team all there
 * is to fix.
 */
#include "harness.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <regex.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kb_article.h"
#include "kb_reply.h"
#include "kb_search.h"

#define S_KB_DIR "kb"
#define S_MIN_STORES 30
#define S_MIN_PLACES 300
/* The longest possible @handle (15 characters). */
#define S_AUTHOR "abcdefghijklmno"
/* A link of 60 characters: Twitter counts it as 23 all the same. */
#define S_URL "https://www.example.co.uk/help/a-long-article-slug-012345678"
/* A store link as long (what {store} stands for when a place is named). */
#define S_STORE_URL "https://www.example.co.uk/help/store-london-oxford-street-0123"

/* The UK, roughly: the Scilly Isles to Shetland, Fermanagh to Lowestoft. */
#define S_LAT_MIN 49.8
#define S_LAT_MAX 60.9
#define S_LON_MIN (-8.2)
#define S_LON_MAX 1.8

/*--- The index, built once -----------------------------------------------*/

static struct {
  int tried;      /* S_open() has run */
  char *dir;      /* scratch directory */
  char *path;     /* the index in it */
  kb_index *ix;   /* library handle, or NULL when the build failed */
  sqlite3 *db;    /* plain read-only connection for SQL checks */
  char *why;      /* why the index is not usable, or NULL */
} S;

/* Builds kb/ into a scratch index and opens it, the first time only.
 * Returns 1 when the index is usable; on failure prints why (every test
 * that needs the index then fails with the same message). */
static int S_open(void) {
  if (S.tried) {
    if (S.why) print_error("%s", S.why);
    return S.ix != NULL;
  }
  S.tried = 1;
  S.dir = th_tmpdir();
  S.path = th_fmt("%s/kb.sqlite", S.dir);
  char *cmd = th_fmt("%s/kb-index -q %s -o %s", th_bin_dir(), S_KB_DIR, S.path);
  char *out = NULL;
  int st = th_run(cmd, &out);
  free(cmd);
  char err[256] = "";
  if (st != 0) {
    S.why = th_fmt("kb-index could not build %s (status %d):\n%s\n", S_KB_DIR, st, out);
  } else if ((S.ix = kb_index_open(S.path, err, sizeof err)) == NULL) {
    S.why = th_fmt("cannot open the index: %s\n", err);
  } else if (sqlite3_open_v2(S.path, &S.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    S.why = th_fmt("sqlite3 cannot open the index: %s\n", sqlite3_errmsg(S.db));
    kb_index_close(S.ix);
    S.ix = NULL;
  }
  free(out);
  if (S.why) print_error("%s", S.why);
  return S.ix != NULL;
}

static int S_teardown(void **state) {
  (void)state;
  kb_index_close(S.ix);
  sqlite3_close(S.db);
  if (S.dir) th_rmtree(S.dir);
  free(S.dir);
  free(S.path);
  free(S.why);
  memset(&S, 0, sizeof S);
  return 0;
}

/* Prepares sql on the index; fails the test when it does not compile. */
static sqlite3_stmt *S_prepare(const char *sql) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(S.db, sql, -1, &st, NULL) != SQLITE_OK)
    print_error("SQL error: %s\n  in: %s\n", sqlite3_errmsg(S.db), sql);
  assert_non_null(st);
  return st;
}

/* The single integer sql returns. */
static int S_count(const char *sql) {
  sqlite3_stmt *st = S_prepare(sql);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return n;
}

static const char *S_col(sqlite3_stmt *st, int i) {
  const char *s = (const char *)sqlite3_column_text(st, i);
  return s ? s : "";
}

/*--- (a) The indexer's own checks ----------------------------------------*/

/* kb-index --check kb: exit 0, and not even a warning. */
static void test_check_clean(void **state) {
  (void)state;
  char *cmd = th_fmt("%s/kb-index --check %s", th_bin_dir(), S_KB_DIR);
  char *out = NULL;
  int st = th_run(cmd, &out);
  int no_errors_no_warnings = st == 0 && strstr(out, "0 errors, 0 warnings") != NULL;
  if (!no_errors_no_warnings)
    print_error("kb-index --check %s: status %d, output:\n%s\n", S_KB_DIR, st, out);
  free(cmd);
  free(out);
  assert_true(no_errors_no_warnings);
}

/*--- (b) Topics ----------------------------------------------------------*/

/* One slug of kb-topics.tsv must be an article of the default
 * collection, with a title. */
static void test_topic(void **state) {
  const char *slug = *state;
  assert_true(S_open());
  kb_doc d;
  int rc = kb_index_get(S.ix, NULL, slug, &d);
  if (rc != 1) print_error("no article with slug '%s' (kb-topics.tsv lists it)\n", slug);
  assert_int_equal(rc, 1);
  int ok = strcmp(d.type, "article") == 0 && d.title && *d.title;
  if (!ok) print_error("'%s' is type '%s' with title '%s'; want an article with a title\n",
                       slug, d.type, d.title ? d.title : "");
  kb_doc_free(&d);
  assert_true(ok);
}

/* Stands in for the topic tests when ../shared is not there. */
static void test_topics_unavailable(void **state) {
  (void)state;
  print_message("../shared/kb-topics.tsv not found (set KB_SHARED): topics not checked\n");
  skip();
}

/* The slugs of kb-topics.tsv (first column, header skipped), or NULL when
 * the file is absent. *pn gets the count. Caller frees each and the array. */
static char **S_topics(int *pn) {
  *pn = 0;
  char *path = th_shared_path("kb-topics.tsv");
  if (!path) return NULL;
  char *text = th_read_file(path, NULL);
  free(path);
  if (!text) return NULL;
  char **v = NULL;
  int n = 0, line = 0;
  for (char *p = text; *p;) {
    char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    size_t f = strcspn(p, "\t\r\n");
    if (f > len) f = len;
    if (line++ > 0 && f > 0 && *p != '#') {
      v = realloc(v, (size_t)(n + 1) * sizeof *v);
      v[n++] = strndup(p, f);
    }
    p = nl ? nl + 1 : p + len;
  }
  free(text);
  *pn = n;
  return v;
}

/*--- (c) Replies fit ------------------------------------------------------*/

/* Calls fn for every article of the index, in collection and slug order.
 * fn returns 1 when the article is fine; returns the number of articles
 * that are not. */
static int S_each_article(int (*fn)(const kb_doc *d)) {
  sqlite3_stmt *st = S_prepare("SELECT collection, slug FROM articles ORDER BY collection, slug");
  int bad = 0, n = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    kb_doc d;
    int rc = kb_index_get(S.ix, S_col(st, 0), S_col(st, 1), &d);
    assert_int_equal(rc, 1);
    bad += !fn(&d);
    n++;
    kb_doc_free(&d);
  }
  sqlite3_finalize(st);
  assert_true(n > 0);
  return bad;
}

/* The reply an agent would send to the longest handle, with a 60-character
 * link, is the whole template (nothing shortened), fits in 280 and keeps
 * the link; the indexer's own worst case agrees; the template has {url}. */
static int S_reply_ok(const kb_doc *d) {
  const char *tmpl = d->reply ? d->reply : kb_reply_default;
  char *bad = NULL;
  int max = kb_reply_max_length(tmpl, d->title, &bad);
  int rlen = -1;
  char *reply = kb_reply_compose(S_AUTHOR, tmpl, d->title, S_URL, &rlen);
  char *body = kb_reply_render(tmpl, d->title, S_URL, NULL);
  char *want = th_fmt("@%s %s", S_AUTHOR, body);
  int ok = 1;
  if (bad) {
    print_error("%s: %s %s in the reply\n", d->slug, max == -2 ? "unpaired section mark" : "unknown placeholder",
                bad);
    ok = 0;
  } else if (max > KB_REPLY_MAX) {
    print_error("%s: reply can be %d characters (limit %d): %s\n", d->slug, max, KB_REPLY_MAX, tmpl);
    ok = 0;
  }
  if (rlen > KB_REPLY_MAX || strcmp(reply, want) != 0) {
    print_error("%s: reply to @%s is %d characters and was shortened:\n  %s\n", d->slug,
                S_AUTHOR, rlen, reply);
    ok = 0;
  }
  /* the same with a place named: every {ifplace} section sent, a link
   * for {store}, still whole */
  char *full = kb_reply_compose_store(S_AUTHOR, tmpl, d->title, S_URL, S_STORE_URL, 1, &rlen);
  char *fbody = kb_reply_render_store(tmpl, d->title, S_URL, S_STORE_URL, 1, NULL);
  char *fwant = th_fmt("@%s %s", S_AUTHOR, fbody ? fbody : "");
  if (rlen > KB_REPLY_MAX || strcmp(full, fwant) != 0) {
    print_error("%s: reply naming a place to @%s is %d characters and was shortened:\n  %s\n", d->slug,
                S_AUTHOR, rlen, full);
    ok = 0;
  }
  free(full);
  free(fbody);
  free(fwant);
  /* a section is there for the named store's link, in front of the
   * article's (docs/authoring.md section 5) */
  const char *sec = strstr(tmpl, "{ifplace}"), *end = sec ? strstr(sec, "{endplace}") : NULL;
  const char *st = sec ? strstr(sec, "{store}") : NULL, *u = strstr(tmpl, "{url}");
  if (sec && (!end || !st || st > end || (u && u < sec))) {
    print_error("%s: the reply's {ifplace} section should hold {store} and come before {url}: %s\n",
                d->slug, tmpl);
    ok = 0;
  }
  if (!strstr(tmpl, "{url}") || !strstr(reply, S_URL)) {
    print_error("%s: reply has no {url}: %s\n", d->slug, tmpl);
    ok = 0;
  }
  free(bad);
  free(reply);
  free(body);
  free(want);
  return ok;
}

static void test_replies_fit(void **state) {
  (void)state;
  assert_true(S_open());
  assert_int_equal(strlen(S_URL), 60);
  assert_int_equal(strlen(S_AUTHOR), KB_REPLY_HANDLE_MAX);
  assert_int_equal(S_each_article(S_reply_ok), 0);
}

/*--- (d) DM topics say DM ------------------------------------------------*/

/* 1 if s mentions a DM: the word "DM" (any case, "DMs" too) or "direct
 * message". */
static int S_mentions_dm(const char *s) {
  if (strcasestr(s, "direct message")) return 1;
  for (const char *p = s; (p = strcasestr(p, "dm")) != NULL; p += 2) {
    int before = p == s || !isalnum((unsigned char)p[-1]);
    int after = !isalnum((unsigned char)p[2]) || (p[2] == 's' && !isalnum((unsigned char)p[3]));
    if (before && after) return 1;
  }
  return 0;
}

static int S_dm_ok(const kb_doc *d) {
  if (!d->escalate || strcmp(d->escalate, "dm") != 0) return 1;
  if (d->reply && S_mentions_dm(d->reply)) return 1;
  print_error("%s: escalate: dm, but the reply does not ask for a DM: %s\n", d->slug,
              d->reply ? d->reply : "(no reply: the house default)");
  return 0;
}

static void test_dm_replies(void **state) {
  (void)state;
  assert_true(S_open());
  assert_true(S_mentions_dm("DM us your order number"));
  assert_true(S_mentions_dm("send us a DM."));
  assert_true(S_mentions_dm("our DMs are open"));
  assert_false(S_mentions_dm("ask an admin"));
  assert_false(S_mentions_dm("dmitri"));
  assert_int_equal(S_each_article(S_dm_ok), 0);
  assert_true(S_count("SELECT count(*) FROM articles WHERE escalate = 'dm'") > 0);
}

/*--- Deep links ----------------------------------------------------------*/

/* The store finder and the opening-hours article link the store of the
 * town a customer names (kb-topics.tsv: "deep-linked to the town"). */
static void test_deeplinks(void **state) {
  (void)state;
  assert_true(S_open());
  static const char *const slugs[] = {"find-a-store", "store-opening-hours"};
  int bad = 0;
  for (size_t i = 0; i < sizeof slugs / sizeof *slugs; i++) {
    kb_doc d;
    int rc = kb_index_get(S.ix, NULL, slugs[i], &d);
    if (rc != 1) {
      print_error("no article '%s'\n", slugs[i]);
      bad++;
      continue;
    }
    if (!d.deeplink || strcmp(d.deeplink, "store") != 0) {
      print_error("%s: want 'deeplink: store', have %s\n", slugs[i], d.deeplink ? d.deeplink : "none");
      bad++;
    }
    kb_doc_free(&d);
  }
  assert_int_equal(bad, 0);
}

/*--- (e) Store pages -----------------------------------------------------*/

/* "HH:MM-HH:MM" (closing after opening) or "closed". */
static int S_hours_valid(const char *s) {
  if (strcmp(s, "closed") == 0) return 1;
  int h1, m1, h2, m2, len = 0;
  if (strlen(s) != 11 || sscanf(s, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &len) != 4 || len != 11)
    return 0;
  if (h1 > 23 || h2 > 24 || m1 > 59 || m2 > 59) return 0;
  return h2 * 60 + m2 > h1 * 60 + m1;
}

/* The days of hours_json (a JSON object) that are missing or malformed,
 * listed in buf; returns how many. */
static int S_bad_days(const char *hours_json, char *buf, size_t nbuf) {
  buf[0] = 0;
  cJSON *h = cJSON_Parse(hours_json);
  int bad = 0;
  for (int i = 0; i < KB_DAYS; i++) {
    const cJSON *v = cJSON_IsObject(h) ? cJSON_GetObjectItemCaseSensitive(h, kb_article_days[i]) : NULL;
    if (!cJSON_IsString(v) || !S_hours_valid(v->valuestring)) {
      size_t len = strlen(buf);
      snprintf(buf + len, nbuf - len, "%s%s", bad ? ", " : "", kb_article_days[i]);
      bad++;
    }
  }
  cJSON_Delete(h);
  return bad;
}

/* What a store page of each country must look like: its postcode, its
 * telephone number as we print them (digits and spaces, a leading 0 and
 * this many digits; Spain has no leading 0), and a box around the country
 * (with its islands). By the store's language. */
typedef struct {
  const char *lang, *country, *postcode_re, *postcode_eg, *phone_eg;
  char first_digit; /* 0: any */
  int digits_min, digits_max;
  double lat_min, lat_max, lon_min, lon_max;
} S_country;

static const S_country S_countries[] = {
    {.lang = "en", .country = "the UK", .postcode_re = "^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$",
     .postcode_eg = "LS1 6HD", .phone_eg = "0113 496 0042", .first_digit = '0', .digits_min = 11,
     .digits_max = 11, .lat_min = S_LAT_MIN, .lat_max = S_LAT_MAX, .lon_min = S_LON_MIN,
     .lon_max = S_LON_MAX},
    {.lang = "fr", .country = "France", .postcode_re = "^[0-9]{5}$", .postcode_eg = "75001",
     .phone_eg = "01 99 00 20 01", .first_digit = '0', .digits_min = 10, .digits_max = 10,
     .lat_min = 41.3, .lat_max = 51.1, .lon_min = -5.2, .lon_max = 9.6},
    {.lang = "de", .country = "Germany", .postcode_re = "^[0-9]{5}$", .postcode_eg = "10178",
     .phone_eg = "030 23125 001", .first_digit = '0', .digits_min = 9, .digits_max = 12,
     .lat_min = 47.2, .lat_max = 55.1, .lon_min = 5.8, .lon_max = 15.1},
    {.lang = "es", .country = "Spain", .postcode_re = "^[0-9]{5}$", .postcode_eg = "28013",
     .phone_eg = "910 000 201", .first_digit = 0, .digits_min = 9, .digits_max = 9,
     .lat_min = 27.6, .lat_max = 43.8, .lon_min = -18.2, .lon_max = 4.4},
};

static const S_country *S_country_of(const char *lang) {
  for (size_t i = 0; i < sizeof S_countries / sizeof *S_countries; i++)
    if (!strcmp(S_countries[i].lang, lang)) return &S_countries[i];
  return NULL;
}

/* A telephone number as we print them for the country. */
static int S_phone_valid(const S_country *c, const char *s) {
  int digits = 0;
  if (c->first_digit && *s != c->first_digit) return 0;
  for (const char *p = s; *p; p++) {
    if (isdigit((unsigned char)*p)) digits++;
    else if (*p != ' ') return 0;
  }
  return digits >= c->digits_min && digits <= c->digits_max;
}

/* Checks one row of the store query; returns 1 when it is complete. */
static int S_store_ok(sqlite3_stmt *st) {
  const char *slug = S_col(st, 0), *town = S_col(st, 1), *pc = S_col(st, 2);
  const char *phone = S_col(st, 3), *lang = S_col(st, 7);
  const S_country *c = S_country_of(lang);
  if (!c) {
    print_error("%s: a store page in '%s', a language with no country here\n", slug, lang);
    return 0;
  }
  int ok = 1;
  if (!*town) { print_error("%s: no town\n", slug); ok = 0; }
  regex_t postcode;
  assert_int_equal(regcomp(&postcode, c->postcode_re, REG_EXTENDED | REG_NOSUB), 0);
  if (regexec(&postcode, pc, 0, NULL, 0) != 0) {
    print_error("%s: postcode '%s' is not a postcode of %s (like %s)\n", slug, pc, c->country,
                c->postcode_eg);
    ok = 0;
  }
  regfree(&postcode);
  if (!S_phone_valid(c, phone)) {
    print_error("%s: phone '%s' is not a number of %s (like %s)\n", slug, phone, c->country,
                c->phone_eg);
    ok = 0;
  }
  if (sqlite3_column_type(st, 4) == SQLITE_NULL || sqlite3_column_type(st, 5) == SQLITE_NULL) {
    print_error("%s: no coordinates\n", slug);
    ok = 0;
  } else {
    double lat = sqlite3_column_double(st, 4), lon = sqlite3_column_double(st, 5);
    if (lat < c->lat_min || lat > c->lat_max || lon < c->lon_min || lon > c->lon_max) {
      print_error("%s: lat %g, lon %g is outside %s\n", slug, lat, lon, c->country);
      ok = 0;
    }
  }
  char days[64];
  if (S_bad_days(S_col(st, 6), days, sizeof days) > 0) {
    print_error("%s: missing or malformed hours for %s\n", slug, days);
    ok = 0;
  }
  return ok;
}

static void test_stores(void **state) {
  (void)state;
  assert_true(S_open());
  int nstores = S_count("SELECT count(*) FROM articles WHERE type = 'store'");
  if (nstores < S_MIN_STORES) print_error("%d store pages; want at least %d\n", nstores, S_MIN_STORES);
  assert_true(nstores >= S_MIN_STORES);
  /* every store page made it into the store directory */
  assert_int_equal(S_count("SELECT count(*) FROM articles a LEFT JOIN stores s ON s.article_id = a.id"
                           " WHERE a.type = 'store' AND s.article_id IS NULL"), 0);
  sqlite3_stmt *st = S_prepare("SELECT a.slug, s.town, s.postcode, s.phone, s.lat, s.lon, s.hours, a.lang"
                               " FROM stores s JOIN articles a ON a.id = s.article_id"
                               " WHERE a.type = 'store' ORDER BY a.slug");
  int n = 0, bad = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    bad += !S_store_ok(st);
    n++;
  }
  sqlite3_finalize(st);
  assert_int_equal(n, nstores);
  assert_int_equal(bad, 0);
}

/*--- (f) Places ----------------------------------------------------------*/

static void test_places(void **state) {
  (void)state;
  assert_true(S_open());
  int n = S_count("SELECT count(*) FROM places");
  if (n < S_MIN_PLACES) print_error("places.tsv has %d places; want at least %d\n", n, S_MIN_PLACES);
  sqlite3_stmt *st = S_prepare("SELECT a.slug, s.town FROM stores s JOIN articles a ON a.id = s.article_id"
                               " WHERE NOT EXISTS (SELECT 1 FROM places p"
                               "  WHERE p.name = s.town COLLATE NOCASE) ORDER BY a.slug");
  int bad = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    print_error("%s: town '%s' is not a place name in places.tsv\n", S_col(st, 0), S_col(st, 1));
    bad++;
  }
  sqlite3_finalize(st);
  assert_true(n >= S_MIN_PLACES);
  assert_int_equal(bad, 0);
}

/*--- Running -------------------------------------------------------------*/

int main(void) {
  static const struct CMUnitTest fixed[] = {
      cmocka_unit_test(test_check_clean),
      cmocka_unit_test(test_replies_fit),
      cmocka_unit_test(test_dm_replies),
      cmocka_unit_test(test_deeplinks),
      cmocka_unit_test(test_stores),
      cmocka_unit_test(test_places),
  };
  enum { NFIXED = sizeof fixed / sizeof *fixed };
  int ntopics;
  char **topics = S_topics(&ntopics);
  int ntests = NFIXED + (topics ? ntopics : 1);
  struct CMUnitTest *tests = calloc((size_t)ntests, sizeof *tests);
  char **names = calloc((size_t)ntopics + 1, sizeof *names);
  int k = 0;
  for (int i = 0; i < NFIXED; i++) tests[k++] = fixed[i];
  if (!topics) {
    tests[k++] = (struct CMUnitTest){"topics", test_topics_unavailable, NULL, NULL, NULL};
  }
  for (int i = 0; topics && i < ntopics; i++) {
    names[i] = th_fmt("topic: %s", topics[i]);
    tests[k++] = (struct CMUnitTest){names[i], test_topic, NULL, NULL, topics[i]};
  }
  int rc = _cmocka_run_group_tests("kb", tests, (size_t)k, NULL, S_teardown);
  for (int i = 0; i < ntopics; i++) {
    free(names[i]);
    free(topics[i]);
  }
  free(names);
  free(topics);
  free(tests);
  return rc;
}
