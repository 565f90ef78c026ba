/*
 * test_tweet.c - kb_tweet against twitter-text's own conformance data.
 *
 * At run time it reads ../shared/conformance/twitter-text/validate.yml with
 * libyaml and turns every case of three sections into its own cmocka test,
 * named "<section>: <description>", comparing weightedLength:
 *   WeightedTweetsCounterTest                     with kb_tweet_config_v2
 *   WeightedTweetsWithDiscountedEmojiCounterTest  with kb_tweet_config_v3
 *   UnicodeDirectionalMarkerCounterTest           with kb_tweet_config_v3
 * Each case of urls_without_protocol must also be found by
 * kb_tweet_find_url as one URL covering the whole text. config-v3.json is
 * checked against kb_tweet_config_v3, and fixed unit tests cover URL
 * finding, emoji sequences and invalid UTF-8. Without ../shared the
 * data-driven tests are skipped.
 */
#include "harness.h"
#include "kb_reply.h"
#include "kb_tweet.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define S_YAML "conformance/twitter-text/validate.yml"
#define S_JSON "conformance/twitter-text/config-v3.json"

/*--- validate.yml ------------------------------------------------------ */

/* One case of validate.yml. */
typedef struct tcase {
  char *name;                 /* "<section>: <description>", the test name */
  char *text;                 /* the tweet, ntext bytes (NUL-terminated) */
  size_t ntext;
  long want;                  /* expected weightedLength */
  const kb_tweet_config *cfg; /* NULL: a URL case (text is one URL) */
  const char *skip;           /* why it is skipped on purpose, or NULL */
} tcase;

/* The sections we run, and how. */
static const struct {
  const char *name;
  const kb_tweet_config *cfg; /* NULL for URL cases */
} S_sections[] = {
    {"WeightedTweetsCounterTest", &kb_tweet_config_v2},
    {"WeightedTweetsWithDiscountedEmojiCounterTest", &kb_tweet_config_v3},
    {"UnicodeDirectionalMarkerCounterTest", &kb_tweet_config_v3},
    {"urls_without_protocol", NULL},
};

/* Cases skipped on purpose ("<section>: <description>") with the reason.
 * None at present: every case passes, the two CJK-host cases included
 * (labels are punycode-encoded per RFC 3492 before the 63-character check).
 * Add an entry here rather than deleting a case. */
static const struct {
  const char *name, *why;
} S_skips[] = {{NULL, NULL}};

static const char *S_skip_reason(const char *name) {
  for (size_t i = 0; S_skips[i].name; i++)
    if (strcmp(S_skips[i].name, name) == 0) return S_skips[i].why;
  return NULL;
}

/* The value of `key` in a YAML mapping node, or NULL. */
static yaml_node_t *S_get(yaml_document_t *doc, yaml_node_t *map,
                          const char *key) {
  if (!map || map->type != YAML_MAPPING_NODE) return NULL;
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
       p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(doc, p->key);
    if (k && k->type == YAML_SCALAR_NODE &&
        strcmp((const char *)k->data.scalar.value, key) == 0)
      return yaml_document_get_node(doc, p->value);
  }
  return NULL;
}

/* A scalar node's bytes, or NULL (with *pn untouched) if it is none. */
static const char *S_scalar(yaml_node_t *node, size_t *pn) {
  if (!node || node->type != YAML_SCALAR_NODE) return NULL;
  if (pn) *pn = node->data.scalar.length;
  return (const char *)node->data.scalar.value;
}

/* Appends one case built from a YAML case mapping; 0, or -1 if the mapping
 * lacks a description, a text or an expected weightedLength. */
static int S_add_case(yaml_document_t *doc, yaml_node_t *item,
                      const char *section, const kb_tweet_config *cfg,
                      tcase **pcases, size_t *pn) {
  size_t ntext = 0;
  const char *desc = S_scalar(S_get(doc, item, "description"), NULL);
  const char *text = S_scalar(S_get(doc, item, "text"), &ntext);
  yaml_node_t *exp = S_get(doc, item, "expected");
  const char *want = cfg ? S_scalar(S_get(doc, exp, "weightedLength"), NULL)
                         : S_scalar(exp, NULL);
  tcase *c;
  if (!desc || !text || !want) return -1;
  *pcases = realloc(*pcases, (*pn + 1) * sizeof **pcases);
  if (!*pcases) abort();
  c = &(*pcases)[(*pn)++];
  c->name = th_fmt("%s: %s", section, desc);
  c->text = malloc(ntext + 1);
  if (!c->text) abort();
  memcpy(c->text, text, ntext);
  c->text[ntext] = 0;
  c->ntext = ntext;
  c->want = cfg ? strtol(want, NULL, 10) : 0;
  c->cfg = cfg;
  c->skip = S_skip_reason(c->name);
  return 0;
}

/* Adds every case of one section; 0, or -1 if the section is missing,
 * empty or malformed. */
static int S_add_section(yaml_document_t *doc, yaml_node_t *tests, size_t k,
                         tcase **pcases, size_t *pn) {
  yaml_node_t *seq = S_get(doc, tests, S_sections[k].name);
  if (!seq || seq->type != YAML_SEQUENCE_NODE ||
      seq->data.sequence.items.top == seq->data.sequence.items.start)
    return -1;
  for (yaml_node_item_t *it = seq->data.sequence.items.start;
       it < seq->data.sequence.items.top; it++) {
    yaml_node_t *item = yaml_document_get_node(doc, *it);
    if (S_add_case(doc, item, S_sections[k].name, S_sections[k].cfg, pcases,
                   pn))
      return -1;
  }
  return 0;
}

/* Loads the cases of validate.yml into *pcases (caller frees with
 * S_free_cases). Returns 1 when loaded, 0 when ../shared is absent, -1 when
 * the file cannot be read or lacks one of our sections. */
static int S_load_cases(tcase **pcases, size_t *pn) {
  char *path = th_shared_path(S_YAML);
  yaml_parser_t parser;
  yaml_document_t doc;
  FILE *f;
  int rc = -1;
  *pcases = NULL;
  *pn = 0;
  if (!path) return 0;
  f = fopen(path, "rb");
  free(path);
  if (!f) return -1;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_file(&parser, f);
  if (yaml_parser_load(&parser, &doc)) {
    yaml_node_t *tests = S_get(&doc, yaml_document_get_root_node(&doc), "tests");
    rc = 1;
    for (size_t k = 0; rc == 1 && k < sizeof S_sections / sizeof S_sections[0];
         k++)
      if (S_add_section(&doc, tests, k, pcases, pn)) rc = -1;
    yaml_document_delete(&doc);
  }
  yaml_parser_delete(&parser);
  fclose(f);
  return rc;
}

static void S_free_cases(tcase *cases, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(cases[i].name);
    free(cases[i].text);
  }
  free(cases);
}

/* One validate.yml case (state: its tcase). */
static void test_yaml_case(void **state) {
  const tcase *c = *state;
  size_t s = 1, e = 0;
  if (c->skip) {
    print_message("skipped on purpose: %s\n", c->skip);
    skip();
  }
  if (c->cfg) {
    int got = kb_tweet_length_cfg(c->cfg, c->text, c->ntext);
    if (got != c->want)
      fail_msg("weightedLength %d, want %ld", got, c->want);
    return;
  }
  if (!kb_tweet_find_url(c->text, c->ntext, 0, &s, &e) || s != 0 ||
      e != c->ntext)
    fail_msg("no URL covering the whole text");
}

/* Stands in for the cases when ../shared is absent. */
static void test_yaml_absent(void **state) {
  (void)state;
  print_message("../shared absent: validate.yml cases not run\n");
  skip();
}

/* Stands in for the cases when validate.yml cannot be used. */
static void test_yaml_broken(void **state) {
  (void)state;
  fail_msg("%s cannot be read, or lacks a section this suite runs", S_YAML);
}

/*--- config-v3.json ---------------------------------------------------- */

/* An integer member of a JSON object; fails the test if it is missing. */
static int S_json_int(const cJSON *obj, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!cJSON_IsNumber(v)) fail_msg("config-v3.json: no number \"%s\"", key);
  return v->valueint;
}

static void test_config_v3_json(void **state) {
  const kb_tweet_config *c = &kb_tweet_config_v3;
  char *path = th_shared_path(S_JSON), *text;
  const cJSON *ranges, *r;
  cJSON *j;
  int i = 0;
  (void)state;
  if (!path) skip();
  text = th_read_file(path, NULL);
  free(path);
  assert_non_null(text);
  j = cJSON_Parse(text);
  free(text);
  assert_non_null(j);
  assert_int_equal(S_json_int(j, "maxWeightedTweetLength"), c->max_weighted_length);
  assert_int_equal(S_json_int(j, "scale"), c->scale);
  assert_int_equal(S_json_int(j, "defaultWeight"), c->default_weight);
  assert_int_equal(S_json_int(j, "transformedURLLength"), c->url_length);
  assert_true(cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(j, "emojiParsingEnabled")));
  assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "emojiParsingEnabled")),
                   c->emoji_parsing);
  ranges = cJSON_GetObjectItemCaseSensitive(j, "ranges");
  assert_int_equal(cJSON_GetArraySize(ranges), c->nranges);
  cJSON_ArrayForEach(r, ranges) {
    assert_int_equal(S_json_int(r, "start"), c->ranges[i].start);
    assert_int_equal(S_json_int(r, "end"), c->ranges[i].end);
    assert_int_equal(S_json_int(r, "weight"), c->ranges[i].weight);
    i++;
  }
  cJSON_Delete(j);
}

/* v2 is v3 without emoji parsing. */
static void test_config_v2(void **state) {
  const kb_tweet_config *a = &kb_tweet_config_v2, *b = &kb_tweet_config_v3;
  (void)state;
  assert_int_equal(a->emoji_parsing, 0);
  assert_int_equal(a->max_weighted_length, b->max_weighted_length);
  assert_int_equal(a->scale, b->scale);
  assert_int_equal(a->default_weight, b->default_weight);
  assert_int_equal(a->url_length, b->url_length);
  assert_int_equal(a->nranges, b->nranges);
  assert_memory_equal(a->ranges, b->ranges, (size_t)a->nranges * sizeof *a->ranges);
}

/*--- kb_tweet_find_url ------------------------------------------------- */

/* Checks that the first URL of `text` is `url` (NULL: that there is none). */
static void S_expect_url(const char *text, const char *url) {
  size_t s = 0, e = 0, n = strlen(text);
  int got = kb_tweet_find_url(text, n, 0, &s, &e);
  if (!url && got)
    fail_msg("\"%s\": unexpected URL \"%.*s\"", text, (int)(e - s), text + s);
  if (!url) return;
  if (!got) fail_msg("\"%s\": no URL, want \"%s\"", text, url);
  if (e - s != strlen(url) || memcmp(text + s, url, e - s) != 0)
    fail_msg("\"%s\": URL \"%.*s\", want \"%s\"", text, (int)(e - s), text + s,
             url);
}

static void test_url_scheme(void **state) {
  (void)state;
  S_expect_url("see https://example.com/path/to/resource?search=foo&lang=en now",
               "https://example.com/path/to/resource?search=foo&lang=en");
  S_expect_url("HTTPS://www.ExaMPLE.COM/index.html",
               "HTTPS://www.ExaMPLE.COM/index.html");
  S_expect_url("http://example.com:8080/a", "http://example.com:8080/a");
  S_expect_url("http://test_underscore.twitter.com",
               "http://test_underscore.twitter.com");
  S_expect_url("http://\xe2\x98\x83.net/ snow", "http://\xe2\x98\x83.net/");
  S_expect_url("https://www.youtube.com/playlist?list=PL0ZPu8XSRTB7wZzn0mLHMvyzVFeRxbWn-",
               "https://www.youtube.com/playlist?list=PL0ZPu8XSRTB7wZzn0mLHMvyzVFeRxbWn-");
}

static void test_url_trailing_punct(void **state) {
  (void)state;
  S_expect_url("Read http://example.com/foo.", "http://example.com/foo");
  S_expect_url("(see http://example.com/foo), then", "http://example.com/foo");
  S_expect_url("Wow http://example.com!", "http://example.com");
  S_expect_url("http://example.com/foo?bar.", "http://example.com/foo?bar");
  S_expect_url("http://example.com?foo=$bar.;baz?BAZ&c=d-#top/?stories+",
               "http://example.com?foo=$bar.;baz?BAZ&c=d-#top/?stories");
  S_expect_url("http://en.wikipedia.org/wiki/Primer_(film) is good",
               "http://en.wikipedia.org/wiki/Primer_(film)");
  S_expect_url("http://a.com/We_Up_(Album_(Edited))/x.",
               "http://a.com/We_Up_(Album_(Edited))/x");
  /* A group must follow an ending character or another group. */
  S_expect_url("http://a.com/org(film)(x)", "http://a.com/org(film)(x)");
  S_expect_url("http://a.com/org%(film)", "http://a.com/org");
  S_expect_url("http://a.com/org%(film)x", "http://a.com/org%(film)x");
}

static void test_url_schemeless(void **state) {
  (void)state;
  S_expect_url("visit example.co.uk today", "example.co.uk");
  S_expect_url("t.co", "t.co");
  S_expect_url("mail me at x, or foo.co.jp.", "foo.co.jp");
  S_expect_url("example.com/path?q=1 ok", "example.com/path?q=1");
  S_expect_url("example.com?q=1", "example.com"); /* no path: query left out */
  S_expect_url("test_underscore.twitter.com", "underscore.twitter.com");
}

static void test_url_not_urls(void **state) {
  (void)state;
  S_expect_url("e.g. this", NULL);
  S_expect_url("3.5 apples", NULL);
  S_expect_url("version 1.2.3", NULL);
  S_expect_url("foo.bar", NULL);
  S_expect_url("ftp://www.example.com/", NULL);
  S_expect_url("user@example.com", NULL);
  S_expect_url("-example.com", NULL);
  S_expect_url("http://www.-domain4352.com/", NULL);
  S_expect_url("http://domain-dash_2314352345_dfasd.foo-cow_4352.com", NULL);
  S_expect_url("http://256.1.2.3/", NULL);
  S_expect_url("", NULL);
}

/* A 63-character label is fine, a 64-character one is not. */
static void test_url_label_limits(void **state) {
  char l63[64], l64[65], buf[200];
  (void)state;
  memset(l63, 'a', 63);
  l63[63] = 0;
  memset(l64, 'a', 64);
  l64[64] = 0;
  snprintf(buf, sizeof buf, "%s.com", l63);
  S_expect_url(buf, buf);
  snprintf(buf, sizeof buf, "http://%s.com/x", l64);
  S_expect_url(buf, NULL);
  snprintf(buf, sizeof buf, "http://www.%s.com/x", l64);
  S_expect_url(buf, NULL);
}

static void test_url_tco(void **state) {
  char buf[200];
  (void)state;
  S_expect_url("https://t.co/abc123/extra", "https://t.co/abc123");
  S_expect_url("https://t.co/abc?x=1 y", "https://t.co/abc?x=1");
  snprintf(buf, sizeof buf, "https://t.co/%0*d", 41, 0);
  S_expect_url(buf, NULL);
}

/* Walks the URLs of text with from = *pend; want is a NULL-terminated
 * list of the expected URLs. */
static void S_expect_walk(const char *text, const char *const *want) {
  size_t from = 0, s, e, n = strlen(text), k = 0;
  while (kb_tweet_find_url(text, n, from, &s, &e)) {
    if (!want[k]) fail_msg("\"%s\": extra URL \"%.*s\"", text, (int)(e - s), text + s);
    if (e - s != strlen(want[k]) || memcmp(text + s, want[k], e - s) != 0)
      fail_msg("\"%s\": URL \"%.*s\", want \"%s\"", text, (int)(e - s),
               text + s, want[k]);
    from = e;
    k++;
  }
  if (want[k]) fail_msg("\"%s\": missing URL \"%s\"", text, want[k]);
}

static void test_url_iterate(void **state) {
  static const char *const w1[] = {"http://a.com", "https://b.org/x",
                                   "example.net/y", NULL};
  static const char *const w2[] = {"a.com", "b.com/x", NULL};
  static const char *const w3[] = {"https://t.co/abc", "x.com", NULL};
  static const char *const w4[] = {"xample.com", NULL};
  size_t s, e;
  (void)state;
  S_expect_walk("a http://a.com b https://b.org/x c example.net/y. d", w1);
  S_expect_walk("a.com\xe2\x98\x83" "b.com/x", w2);  /* one host, two domains */
  S_expect_walk("https://t.co/abc/d.com x.com", w3); /* resumes after /d.com */
  S_expect_walk("\xc3\xa9xample.com", w4);          /* twitter-text's quirk */
  assert_int_equal(kb_tweet_find_url("x.com", 5, 6, &s, &e), 0);
  assert_int_equal(kb_tweet_find_url("x.com", 5, 1, &s, &e), 0);
}

/* Every ISO 3166-1 ccTLD, and the usual extras, is known. */
static void test_url_cctlds(void **state) {
  static const char iso[] =
      "ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi "
      "bj bl bm bn bo bq br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn "
      "co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg eh er es et fi fj fk "
      "fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm "
      "hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh ki km kn "
      "kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mf mg mh mk "
      "ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np "
      "nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw "
      "sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st sv sx sy sz tc td tf "
      "tg th tj tk tl tm tn to tr tt tv tw tz ua ug um us uy uz va vc ve vg vi "
      "vn vu wf ws ye yt za zm zw ac eu su uk com net org edu gov mil int info "
      "biz name pro mobi app dev io ai co shop online site store tech xyz blog "
      "club top";
  char buf[32];
  int count = 0;
  (void)state;
  for (const char *p = iso; *p;) {
    size_t len = strcspn(p, " ");
    snprintf(buf, sizeof buf, "foo.%.*s", (int)len, p);
    S_expect_url(buf, buf);
    p += len + (p[len] == ' ');
    count++;
  }
  assert_int_equal(count, 249 + 4 + 26);
  S_expect_url("foo.COM", "foo.COM");
  S_expect_url("http://foobar.\xd9\xbe\xd8\xa7\xda\xa9\xd8\xb3\xd8\xaa\xd8\xa7\xd9\x86/",
               "http://foobar.\xd9\xbe\xd8\xa7\xda\xa9\xd8\xb3\xd8\xaa\xd8\xa7\xd9\x86/");
  S_expect_url("http://xn--80ak6aa92e.xn--p1ai/", "http://xn--80ak6aa92e.xn--p1ai/");
}

/*--- kb_tweet_length --------------------------------------------------- */

static int S_len(const kb_tweet_config *cfg, const char *z) {
  return kb_tweet_length_cfg(cfg, z, strlen(z));
}

static void test_invalid_utf8(void **state) {
  static const char *const bad[] = {
      "\xff", "abc\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
      "ok \x80 no", "\xe2\x82"};
  (void)state;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(kb_tweet_length(bad[i], strlen(bad[i])), -1);
    assert_int_equal(S_len(&kb_tweet_config_v2, bad[i]), -1);
  }
  assert_int_equal(kb_tweet_length(NULL, 1), -1);
  assert_int_equal(kb_tweet_length_cfg(NULL, "a", 1), -1);
  assert_int_equal(kb_tweet_length("\xf4\x8f\xbf\xbf", 4), 2); /* U+10FFFF */
}

static void test_basics(void **state) {
  (void)state;
  assert_int_equal(kb_tweet_length("", 0), 0);
  assert_int_equal(kb_tweet_length(NULL, 0), 0);
  assert_int_equal(kb_tweet_length("a\0b", 3), 3);
  assert_int_equal(S_len(&kb_tweet_config_v3, "Hi http://test.co"), 26);
  assert_int_equal(S_len(&kb_tweet_config_v3, "A\xcc\x81"), 1); /* NFC: U+00C1 */
  assert_int_equal(S_len(&kb_tweet_config_v3, "\xe3\x81\x82"), 2); /* あ */
}

/* twitter-text limits protocol + URL to 4096, counting "http://" twice. */
static void test_url_max_length(void **state) {
  size_t n = 19 + 4071;
  char *t = malloc(n + 1);
  (void)state;
  assert_non_null(t);
  memcpy(t, "http://example.com/", 19);
  memset(t + 19, 'a', 4071);
  t[n] = 0;
  assert_int_equal(kb_tweet_length(t, n - 1), 23); /* 7 + 4089 */
  assert_int_equal(kb_tweet_length(t, n), (int)n); /* 7 + 4090 */
  free(t);
}

/* Emoji as twitter-text 3.1.0 counts them (values from that library):
 * only Emoji 11 sequences count as one, so newer ones and an FE0F after an
 * emoji-style character count as their parts. */
static void test_emoji(void **state) {
  static const struct {
    const char *text;
    int v3, v2;
  } cases[] = {
      {"\xc2\xa9", 1, 1},                         /* © is text */
      {"\xc2\xa9\xef\xb8\x8f", 2, 3},             /* ©️ */
      {"\xe2\x9d\xa4\xef\xb8\x8e", 4, 4},         /* ❤ FE0E: text style */
      {"#\xef\xb8\x8f\xe2\x83\xa3", 2, 5},         /* #️⃣ */
      {"1\xe2\x83\xa3", 2, 3},                      /* 1⃣ */
      {"12", 2, 2},
      {"🇯🇵", 2, 4},
      {"🇦🇦", 4, 4},                                /* not a flag */
      {"🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", 2, 14},
      {"🏴\U000E0075\U000E0073\U000E0074\U000E0078\U000E007F", 12, 12},
      {"👍🏽", 2, 4},
      {"😷🏽", 4, 4},                               /* 😷 takes no skin tone */
      {"👍\xef\xb8\x8f", 4, 4},                     /* FE0F after emoji style */
      {"☝\xef\xb8\x8f🏽", 2, 6},
      {"♾\xef\xb8\x8f", 4, 4},                      /* not in Emoji 11's list */
      {"👨\u200d👩\u200d👧", 2, 8},
      {"👩\u200d👨\u200d👦", 5, 8},                   /* not a listed family */
      {"👩\u200d❤\xef\xb8\x8f\u200d💋\u200d👨", 2, 13},
      {"🏳\xef\xb8\x8f\u200d🌈", 2, 7},
      {"👨🏽\u200d💻", 2, 7},
      {"🏃🏽\u200d♀\xef\xb8\x8f", 2, 9},
      {"⛹\xef\xb8\x8f\u200d♀\xef\xb8\x8f", 2, 9},
      {"⛹\u200d♀\xef\xb8\x8f", 5, 7},
      {"🧑\u200d💻", 5, 5},                         /* Emoji 12.1 */
      {"❤\xef\xb8\x8f\u200d🔥", 5, 7},             /* Emoji 13.1 */
      {"🐱\u200d🐶", 5, 5},
      {"a\u200d", 2, 2},
  };
  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int v3 = S_len(&kb_tweet_config_v3, cases[i].text);
    int v2 = S_len(&kb_tweet_config_v2, cases[i].text);
    if (v3 != cases[i].v3 || v2 != cases[i].v2)
      fail_msg("case %zu: v3 %d (want %d), v2 %d (want %d)", i, v3,
               cases[i].v3, v2, cases[i].v2);
  }
}

/* A configuration of our own: everything else follows it. */
static void test_custom_config(void **state) {
  static const kb_tweet_range r[] = {{0, 127, 10}};
  const kb_tweet_config c = {.max_weighted_length = 140, .scale = 10,
                             .default_weight = 30, .url_length = 10,
                             .emoji_parsing = 0, .ranges = r, .nranges = 1};
  kb_tweet_config bad = c;
  (void)state;
  assert_int_equal(S_len(&c, "Hi http://test.co"), 13);
  assert_int_equal(S_len(&c, "\xc3\xa9"), 3); /* é: default 30 / 10 */
  bad.scale = 0;
  assert_int_equal(S_len(&bad, "a"), -1);
}

/*--- main -------------------------------------------------------------- */

/* A composed reply's length is Twitter's count of the whole reply, for
 * every handle, template opening and title, the first time and when the
 * count comes from kb_reply.c's cache (it counts the handle and the rest
 * apart where that gives the same answer). */
static void test_reply_counts(void **state) {
  (void)state;
  const char *authors[] = {NULL, "", "a", "foo_bar", "x12345678901234", "foo.com", "\xC3\xA9t\xC3\xA9"};
  const char *tmpls[] = {NULL, "{url}", "{title} {url}", ". {url}", "-{title} {url}",
                         "\xC3\xA9 {url}", "#{title} {url}", "{title}", "_{url}", "{title}.{url}"};
  char longt[400];
  memset(longt, 0, sizeof longt);
  for (int i = 0; i < 60; i++) strcat(longt, "word ");
  const char *titles[] = {"Find a store", "example.com is our site", "\xC3\xA9t\xC3\xA9 sale",
                          "\xF0\x9F\x98\x80 emoji title", "-dash", ".co start", "xample.com",
                          "\xC3\xA9xample.com", "", "e\xCC\x81 combining", longt,
                          "1 2 3 go", "www.example.com/help"};
  const char *urls[] = {"https://ex.com/a", "http://t.co/abc", "shop.example.co.uk/x", ""};
  int n = 0;
  for (size_t a = 0; a < sizeof authors / sizeof *authors; a++)
    for (size_t t = 0; t < sizeof tmpls / sizeof *tmpls; t++)
      for (size_t i = 0; i < sizeof titles / sizeof *titles; i++)
        for (size_t u = 0; u < sizeof urls / sizeof *urls; u++)
          for (int pass = 0; pass < 2; pass++) {
            int len = -2;
            char *r = kb_reply_compose(authors[a], tmpls[t], titles[i], urls[u], &len);
            int want = kb_tweet_length(r, strlen(r));
            if (len != want) fail_msg("reply '%s': composed length %d, counted %d", r, len, want);
            assert_true(len <= KB_REPLY_MAX);
            free(r);
            n++;
          }
  assert_true(n > 1000);
}

/* The reply counts' table is shared by the server's threads (kb_reply.c):
 * threads composing replies at once, more distinct ones than the table
 * holds so that counts are put (and old texts freed) while others look
 * theirs up, each get the count of their own reply. ASan reports a text
 * freed under a reader when putting takes the lock shared. */
#define S_THREADS 4
#define S_REPLIES 6000
static void *S_compose_many(void *arg) {
  int id = *(int *)arg, bad = 0;
  char title[64];
  for (int round = 0; round < 4; round++)
    for (int i = 0; i < S_REPLIES; i++) {
      /* the threads share half their titles: the same texts looked up at once */
      snprintf(title, sizeof title, "Title %d of %d", i, i % 2 ? id : -1);
      int len = -2;
      char *r = kb_reply_compose("sam", "{title} {url}", title, "https://ex.com/a", &len);
      if (len != kb_tweet_length(r, strlen(r))) bad++;
      free(r);
    }
  return (void *)(intptr_t)bad;
}

static void test_reply_counts_threads(void **state) {
  (void)state;
  pthread_t t[S_THREADS];
  int ids[S_THREADS];
  for (int i = 0; i < S_THREADS; i++) {
    ids[i] = i;
    assert_int_equal(pthread_create(&t[i], NULL, S_compose_many, &ids[i]), 0);
  }
  for (int i = 0; i < S_THREADS; i++) {
    void *bad = NULL;
    pthread_join(t[i], &bad);
    assert_int_equal((intptr_t)bad, 0);
  }
}

/* {store}: the store link a suggestion carries (kb_suggest.h), else the
 * article's; counted as a URL like {url}, never cut. */
static void test_reply_store(void **state) {
  (void)state;
  char *bad = NULL;
  char *r = kb_reply_render_store("Your store: {store} How: {url}", "T", "https://ex.com/a",
                                  "https://ex.com/s", 0, &bad);
  assert_null(bad);
  assert_string_equal(r, "Your store: https://ex.com/s How: https://ex.com/a");
  free(r);
  /* braces that open no placeholder are text, whatever follows them */
  r = kb_reply_render_store("50% off {not one} {{title}} {", "T", "u", NULL, 0, &bad);
  assert_null(bad);
  assert_string_equal(r, "50% off {not one} {T} {");
  free(r);
  r = kb_reply_render("Your store: {store}", "T", "https://ex.com/a", &bad);
  assert_string_equal(r, "Your store: https://ex.com/a");
  free(r);
  /* an empty template renders an empty reply (the buffer is sized before
   * anything is put in it: fuzz_reply found it unterminated) */
  r = kb_reply_render("", "T", "u", &bad);
  assert_null(bad);
  assert_string_equal(r, "");
  free(r);
  int elen = -1;
  r = kb_reply_compose(NULL, "", "T", "u", &elen);
  assert_string_equal(r, "");
  assert_int_equal(elen, 0);
  free(r);
  assert_int_equal(kb_reply_max_length("{store} {url}", "T", &bad), 16 + 1 + 23 + 1 + 23);
  assert_null(kb_reply_render("{shop}", "T", "u", &bad));
  assert_string_equal(bad, "{shop}");
  free(bad);
  int len = 0;
  r = kb_reply_compose_store("sam", "At {store}, see {url}", "T", "https://ex.com/a", "https://ex.com/s", 0, &len);
  assert_string_equal(r, "@sam At https://ex.com/s, see https://ex.com/a");
  assert_int_equal(len, kb_tweet_length(r, strlen(r)));
  free(r);
  /* a title too long for a tweet is shortened and the reply rendered
   * again in its place: the handle, the title's first words ending in an
   * ellipsis, the link once, nothing of the first rendering left */
  char title[600] = "";
  for (int i = 0; i < 40; i++) strcat(title, "Moving photos ");
  r = kb_reply_compose_store("sam", "{title} see {url}", title, "https://ex.com/a", NULL, 0, &len);
  assert_int_equal(len, kb_tweet_length(r, strlen(r)));
  assert_true(len <= 280 && len >= 250);
  assert_int_equal(strncmp(r, "@sam Moving photos Moving ", 26), 0);
  const char *tail = "\xE2\x80\xA6 see https://ex.com/a"; /* (the ellipsis) */
  assert_string_equal(r + strlen(r) - strlen(tail), tail);
  assert_null(strstr(strstr(r, "https://") + 1, "https://"));
  free(r);
}

/* {ifplace}...{endplace}: sent only when the mention names a place
 * (kb_suggest_result.names_place); counted in full by kb_reply_max_length();
 * an unpaired mark is an error naming the mark, in every function that
 * validates, and nothing when composing (validation comes first): an
 * {ifplace} with no {endplace} after it opens no section, so the rest of
 * the reply and its link are still sent. */
static void test_reply_place_section(void **state) {
  (void)state;
  const char *t = "Hi! {ifplace}Your store: {store} {endplace}How: {url}";
  char *bad = NULL;
  char *r = kb_reply_render_store(t, "T", "https://ex.com/a", "https://ex.com/s", 1, &bad);
  assert_null(bad);
  assert_string_equal(r, "Hi! Your store: https://ex.com/s How: https://ex.com/a");
  free(r);
  r = kb_reply_render_store(t, "T", "https://ex.com/a", "https://ex.com/s", 0, &bad);
  assert_null(bad);
  assert_string_equal(r, "Hi! How: https://ex.com/a");
  free(r);
  int len = 0;
  r = kb_reply_compose_store("sam", t, "T", "https://ex.com/a", "https://ex.com/s", 1, &len);
  assert_string_equal(r, "@sam Hi! Your store: https://ex.com/s How: https://ex.com/a");
  assert_int_equal(len, kb_tweet_length(r, strlen(r)));
  free(r);
  r = kb_reply_compose_store("sam", t, "T", "https://ex.com/a", "https://ex.com/s", 0, &len);
  assert_string_equal(r, "@sam Hi! How: https://ex.com/a");
  assert_int_equal(len, kb_tweet_length(r, strlen(r)));
  free(r);
  /* two sections, one at the end, and a section that is the whole text */
  r = kb_reply_render_store("{ifplace}A {endplace}B {url}{ifplace} C{endplace}", "T", "u", NULL, 0, &bad);
  assert_null(bad);
  assert_string_equal(r, "B u");
  free(r);
  r = kb_reply_render_store("{ifplace}A {endplace}B {url}{ifplace} C{endplace}", "T", "u", NULL, 1, &bad);
  assert_null(bad);
  assert_string_equal(r, "A B u C");
  free(r);
  r = kb_reply_render_store("{ifplace}{store}{endplace}", "T", "u", "s", 1, &bad);
  assert_string_equal(r, "s");
  free(r);
  /* the longest reply sends the section: "@" + 15 + " " + "Hi! Your
   * store: " + 23 + " How: " + 23 */
  assert_int_equal(kb_reply_max_length(t, "T", &bad), 17 + 16 + 23 + 6 + 23);
  assert_null(bad);
  /* unpaired marks: the mark out of place */
  static const struct {
    const char *tmpl, *mark, *composed;
  } wrong[] = {
      {"Hi {ifplace}store {store} {url}", "{ifplace}", "Hi store u u"},
      {"Hi {endplace} {url}", "{endplace}", "Hi  u"},
      {"{ifplace}a {ifplace}b{endplace} {url}", "{ifplace}", " u"},
      {"{ifplace}a{endplace}{endplace} {url}", "{endplace}", " u"},
  };
  for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++) {
    bad = NULL;
    assert_int_equal(kb_reply_max_length(wrong[i].tmpl, "T", &bad), -2);
    assert_string_equal(bad, wrong[i].mark);
    free(bad);
    bad = NULL;
    assert_null(kb_reply_render_store(wrong[i].tmpl, "T", "u", NULL, 1, &bad));
    assert_string_equal(bad, wrong[i].mark);
    free(bad);
    r = kb_reply_compose_store(NULL, wrong[i].tmpl, "T", "u", NULL, 0, &len);
    assert_string_equal(r, wrong[i].composed);
    free(r);
  }
  /* an unknown placeholder inside a section is still unknown, whether the
   * section would be sent or not */
  bad = NULL;
  assert_int_equal(kb_reply_max_length("{ifplace}{shop}{endplace} {url}", "T", &bad), -1);
  assert_string_equal(bad, "{shop}");
  free(bad);
  bad = NULL;
  assert_null(kb_reply_render("{ifplace}{shop}{endplace} {url}", "T", "u", &bad));
  assert_string_equal(bad, "{shop}");
  free(bad);
  /* a long title, put twice with a section sent: shortened once to fit,
   * not emptied; the links whole */
  char title[400] = "";
  for (int i = 0; i < 20; i++) strcat(title, "Moving photos ");
  r = kb_reply_compose_store("sam", "{ifplace}{title} {store} {endplace}{title} see {url}", title,
                             "https://ex.com/a", "https://ex.com/s", 1, &len);
  assert_int_equal(len, kb_tweet_length(r, strlen(r)));
  assert_true(len <= 280 && len >= 240);
  assert_int_equal(strncmp(r, "@sam Moving photos", 18), 0);
  assert_non_null(strstr(r, " https://ex.com/s Moving photos"));
  const char *tail = " see https://ex.com/a";
  assert_string_equal(r + strlen(r) - strlen(tail), tail);
  free(r);
}

/* The links a reply is given ({url}, {store}) are kept whole when the
 * reply is cut to 280, also where Twitter would not take them for links
 * (a loopback address, as a server without --public-url has): Twitter
 * counts them whole, so the text around them is cut instead. Only links
 * that alone do not fit are cut as text. */
static void test_reply_links_kept(void **state) {
  (void)state;
  const char *url = "http://127.0.0.1:8080/fr/help/returns-policy";
  const char *store = "http://127.0.0.1:8080/fr/help/store-lille";
  char tmpl[600] = "";
  for (int i = 0; i < 12; i++) strcat(tmpl, "Retour sous 14 jours. ");
  strcat(tmpl, "{ifplace}Votre magasin : {store} {endplace}Comment faire : {url}");
  int len = -2;
  char *r = kb_reply_compose_store("sam", tmpl, "T", url, store, 1, &len);
  assert_int_equal(len, kb_tweet_length(r, strlen(r)));
  assert_true(len <= KB_REPLY_MAX);
  assert_non_null(strstr(r, store));
  const char *tail = "Comment faire : http://127.0.0.1:8080/fr/help/returns-policy";
  assert_true(strlen(r) > strlen(tail));
  assert_string_equal(r + strlen(r) - strlen(url), url);
  assert_non_null(strstr(r, "\xE2\x80\xA6")); /* the text was cut */
  assert_int_equal(strncmp(r, "@sam Retour sous 14 jours.", 26), 0);
  free(r);
  /* without the section: the article's link kept, the store's not there */
  r = kb_reply_compose_store("sam", tmpl, "T", url, store, 0, &len);
  assert_true(len <= KB_REPLY_MAX);
  assert_null(strstr(r, store));
  assert_string_equal(r + strlen(r) - strlen(url), url);
  free(r);
  /* the text between two links cut away: a space keeps them apart */
  char between[600] = "Short. {ifplace}Store {store} ";
  for (int i = 0; i < 14; i++) strcat(between, "Tarifs et delais. ");
  strcat(between, "{endplace}{url}");
  r = kb_reply_compose_store("sam", between, "T", url, store, 1, &len);
  assert_true(len <= KB_REPLY_MAX);
  const char *at = strstr(r, url);
  if (!strstr(r, store) || !at || at[-1] != ' ') fail_msg("reply '%s'", r);
  free(r);
  /* and emptied: the two links a space apart */
  between[0] = 0;
  strcat(between, "Short. {ifplace}Store {store} ");
  for (int i = 0; i < 3; i++) strcat(between, "Tarifs. ");
  strcat(between, "{endplace}{url}");
  char longurl[300];
  snprintf(longurl, sizeof longurl, "%s/%0185d", url, 0);
  r = kb_reply_compose_store("sam", between, "T", longurl, store, 1, &len);
  assert_true(len <= KB_REPLY_MAX);
  at = strstr(r, longurl);
  if (!strstr(r, store) || !at || at[-1] != ' ') fail_msg("reply '%s'", r);
  free(r);
  /* a link that alone is over 280: cut as text, the reply still fits */
  char huge[400] = "http://127.0.0.1/";
  for (int i = 0; i < 300; i++) strcat(huge, "a");
  r = kb_reply_compose_store("sam", "See {url}", "T", huge, NULL, 0, &len);
  assert_int_equal(len, kb_tweet_length(r, strlen(r)));
  assert_true(len <= KB_REPLY_MAX);
  free(r);
}

int main(void) {
  static const struct CMUnitTest fixed[] = {
      cmocka_unit_test(test_config_v3_json),
      cmocka_unit_test(test_config_v2),
      cmocka_unit_test(test_url_scheme),
      cmocka_unit_test(test_url_trailing_punct),
      cmocka_unit_test(test_url_schemeless),
      cmocka_unit_test(test_url_not_urls),
      cmocka_unit_test(test_url_label_limits),
      cmocka_unit_test(test_url_tco),
      cmocka_unit_test(test_url_iterate),
      cmocka_unit_test(test_url_cctlds),
      cmocka_unit_test(test_url_max_length),
      cmocka_unit_test(test_invalid_utf8),
      cmocka_unit_test(test_basics),
      cmocka_unit_test(test_emoji),
      cmocka_unit_test(test_custom_config),
      cmocka_unit_test(test_reply_counts),
      cmocka_unit_test(test_reply_counts_threads),
      cmocka_unit_test(test_reply_store),
      cmocka_unit_test(test_reply_place_section),
      cmocka_unit_test(test_reply_links_kept),
  };
  size_t nfixed = sizeof fixed / sizeof fixed[0], ncases = 0, n;
  tcase *cases = NULL;
  int loaded = S_load_cases(&cases, &ncases), rc;
  struct CMUnitTest *all = calloc(nfixed + ncases + 1, sizeof *all);
  if (!all) abort();
  memcpy(all, fixed, sizeof fixed);
  n = nfixed;
  if (loaded <= 0)
    all[n++] = (struct CMUnitTest){
        .name = "validate.yml",
        .test_func = loaded == 0 ? test_yaml_absent : test_yaml_broken};
  for (size_t i = 0; loaded > 0 && i < ncases; i++)
    all[n++] = (struct CMUnitTest){.name = cases[i].name,
                                   .test_func = test_yaml_case,
                                   .initial_state = &cases[i]};
  /* cmocka_run_group_tests() wants an array of fixed size; this is what it
   * expands to, with the count of our dynamic one. */
  rc = _cmocka_run_group_tests("tweet", all, n, NULL, NULL);
  free(all);
  S_free_cases(cases, ncases);
  return rc;
}
