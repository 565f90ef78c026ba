/*
 * kb_api.c - the JSON API: suggest, search, articles, and JSON errors.
 *
 * POST /api/v1/suggest
 *   request  {"text": "...", "author": "handle", "collection": "...", "limit": 3}
 *            text required (1..10,000 characters), author optional (a
 *            Twitter handle, '@' optional), collection optional, limit 1..10
 *   response {"answerable": bool, "nothing_fits": bool, "fits": n,
 *             "place": null | {...},
 *             "suggestions": [{"slug", "collection", "title", "url", "score",
 *               "confidence", "reply", "reply_length", "snippet",
 *               "escalate"}], "took_ms": n}
 * GET /api/v1/search?q=&collection=&limit=&offset=
 *   response {"query", "total", "results": [{"slug", "collection", "title",
 *             "url", "type", "snippet"}], "took_ms"}
 * GET /api/v1/articles/[{collection}/]{slug}
 *   response the article: metadata, rendered HTML, store details
 *
 * Responses are written straight into a buffer (kb_buf_put_json escapes
 * strings); requests are parsed with cJSON.
 */
#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "kb_reply.h"
#include "kb_report.h"
#include "kb_suggest.h"
#include "kb_text.h"
#include "kb_json.h"
#include "kb_mention.h"
#include "kb_page.h"
#include "kb_ui.h"
#include "server.h"

/*--- Helpers -------------------------------------------------------------*/

static void S_json_str(kb_buf *b, const char *s) {
  if (s) kb_buf_put_json(b, s, strlen(s));
  else kb_buf_puts(b, "null");
}

void kb_api_error(kb_http_resp *r, int status, const char *code,
                  const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = kb_vfmt(fmt, ap);
  va_end(ap);
  r->status = status;
  r->ctype = "application/json";
  kb_buf_clear(&r->body);
  kb_buf_puts(&r->body, "{\"error\":{\"code\":");
  S_json_str(&r->body, code);
  kb_buf_puts(&r->body, ",\"message\":");
  S_json_str(&r->body, msg);
  kb_buf_puts(&r->body, "}}");
  free(msg);
}

static double S_ms_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

char *kb_api_article_url(const kb_ctx *c, const char *url, const char *collection,
                         const char *slug, const char *lang) {
  return kb_suggest_article_url(c->public_url, url, collection, slug,
                                kb_suggest_lang_prefix(c->ix, lang));
}

/* Collections and slugs in URLs and requests: letters, digits, '_', '-'. */
static int S_name_ok(const char *s) {
  if (!s || !*s || strlen(s) > 100) return 0;
  for (const char *p = s; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
          (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
      return 0;
  return 1;
}

/* Number of code points in valid UTF-8: its bytes less the continuation
 * bytes (10xxxxxx), none in ASCII, which is skipped eight bytes at a
 * time (a byte at a time was 500 instructions a suggest). */
static size_t S_chars(const char *s) {
  size_t len = strlen(s), n = len, i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    if (!(w & 0x8080808080808080ull)) continue;
    for (size_t k = i; k < i + 8; k++) n -= ((unsigned char)s[k] & 0xC0) == 0x80;
  }
  for (; i < len; i++) n -= ((unsigned char)s[i] & 0xC0) == 0x80;
  return n;
}

/* Parses a whole decimal number in [lo, hi]; *out unchanged if s is NULL. */
static int S_int_arg(const char *s, int lo, int hi, int *out) {
  if (!s) return 1;
  char *end;
  long v = strtol(s, &end, 10);
  if (!*s || *end || v < lo || v > hi) return 0;
  *out = (int)v;
  return 1;
}

/*--- Suggest -------------------------------------------------------------*/

typedef struct {
  const char *text, *author, *collection, *lang;
  int limit;
} S_suggest_req;

/* The members of a suggest request (S_FIELDS's order), read by
 * kb_json_flat_fields() or, for any other form of body, by cJSON. */
static const char *const S_FIELDS[] = {"text", "author", "collection", "limit", "lang"};
enum { S_TEXT, S_AUTHOR, S_COLLECTION, S_LIMIT, S_LANG, S_NFIELDS };

/* The members of the object j as kb_json_flat_fields() gives them (an
 * array or an object: KB_JSON_OTHER, as true and false). */
static void S_fields_of(cJSON *j, kb_json_field *out) {
  for (int k = 0; k < S_NFIELDS; k++) {
    cJSON *v = cJSON_GetObjectItemCaseSensitive(j, S_FIELDS[k]);
    out[k] = (kb_json_field){.kind = !v                  ? KB_JSON_ABSENT
                                     : cJSON_IsString(v) ? KB_JSON_STRING
                                     : cJSON_IsNumber(v) ? KB_JSON_NUMBER
                                     : cJSON_IsNull(v)   ? KB_JSON_NULL
                                                         : KB_JSON_OTHER};
    if (cJSON_IsString(v)) out[k].str = v->valuestring;
    if (cJSON_IsNumber(v)) out[k].num = v->valuedouble;
  }
}

/* Validates the request's members f (S_FIELDS); on error fills r and
 * returns -1. The strings point into f's. */
static int S_suggest_parse(const kb_json_field *f, S_suggest_req *q, kb_http_resp *r) {
  const kb_json_field *t = &f[S_TEXT], *a = &f[S_AUTHOR], *c = &f[S_COLLECTION], *l = &f[S_LIMIT],
                      *lg = &f[S_LANG];
  if (!t->kind) {
    kb_api_error(r, 400, "missing_field", "'text' is required: the customer's mention");
    return -1;
  }
  if (lg->kind && lg->kind != KB_JSON_NULL) {
    if (lg->kind != KB_JSON_STRING) {
      kb_api_error(r, 400, "wrong_type", "'lang' must be a string (a language code such as \"fr\")");
      return -1;
    }
    q->lang = lg->str;
  }
  if (t->kind != KB_JSON_STRING) {
    kb_api_error(r, 400, "wrong_type", "'text' must be a string");
    return -1;
  }
  q->text = t->str;
  if (!kb_text_utf8_valid(q->text, strlen(q->text), NULL)) {
    kb_api_error(r, 400, "invalid_utf8", "'text' is not valid UTF-8");
    return -1;
  }
  size_t nc = S_chars(q->text);
  if (nc > KB_MAX_TEXT) {
    kb_api_error(r, 400, "out_of_range", "'text' has %zu characters; the limit is %d", nc, KB_MAX_TEXT);
    return -1;
  }
  if (strspn(q->text, " \t\r\n") == strlen(q->text)) {
    kb_api_error(r, 400, "missing_field", "'text' is empty");
    return -1;
  }
  if (a->kind && a->kind != KB_JSON_NULL) {
    if (a->kind != KB_JSON_STRING) {
      kb_api_error(r, 400, "wrong_type", "'author' must be a string (a Twitter handle)");
      return -1;
    }
    int invalid;
    q->author = kb_reply_handle(a->str, &invalid);
    if (invalid) {
      kb_api_error(r, 400, "invalid_value", "'author' must be a Twitter handle: 1-15 letters, digits or '_'");
      return -1;
    }
  }
  if (c->kind && c->kind != KB_JSON_NULL) {
    if (c->kind != KB_JSON_STRING) {
      kb_api_error(r, 400, "wrong_type", "'collection' must be a string");
      return -1;
    }
    if (!S_name_ok(c->str)) {
      kb_api_error(r, 400, "invalid_value", "'collection' must be letters, digits, '_' or '-'");
      return -1;
    }
    q->collection = c->str;
  }
  if (l->kind && l->kind != KB_JSON_NULL) {
    if (l->kind != KB_JSON_NUMBER || l->num != floor(l->num)) {
      kb_api_error(r, 400, "wrong_type", "'limit' must be a whole number");
      return -1;
    }
    if (l->num < 1 || l->num > 10) {
      kb_api_error(r, 400, "out_of_range", "'limit' must be from 1 to 10");
      return -1;
    }
    q->limit = (int)l->num;
  }
  return 0;
}

static void S_put_place(kb_buf *b, const kb_geo_match *m) {
  if (!m) {
    kb_buf_puts(b, "null");
    return;
  }
  kb_buf_puts(b, "{\"name\":");
  S_json_str(b, m->name);
  kb_buf_puts(b, ",\"store\":");
  S_json_str(b, m->store ? m->store->slug : NULL);
  kb_buf_puts(b, ",\"store_title\":");
  S_json_str(b, m->store ? m->store->title : NULL);
  kb_buf_puts(b, "}");
}

/* The store a suggestion links to: the store the mention names, when the
 * suggestion's link is that store's page (articles with deeplink: store). */
static const kb_geo_store *S_linked_store(const kb_suggest_result *res, int i) {
  const kb_geo_store *st = res->has_place ? res->place.store : NULL;
  if (!st || !res->s[i].url) return NULL;
  const char *u = res->s[i].url, *tail = strrchr(u, '/');
  return tail && !strcmp(tail + 1, st->slug) && strstr(u, "/help/") ? st : NULL;
}

/* The text of key in language lang (kb_ui.h: then the default, then
 * English); owned by the site content. */
static const char *S_words_in(const kb_ctx *c, const char *lang, const char *key) {
  kb_ctx lc = *c;
  lc.lang = lang;
  return kb_ui_text(&lc, key);
}

/* Appends template t with the marks named in vals ({name}, value pairs,
 * NULL-terminated) filled; other marks ({title}, {url}: kb_reply's) kept.
 * Plain text: a reply is not HTML. */
static void S_fill_plain(kb_buf *b, const char *t, const char *const *vals) {
  while (*t) {
    int done = 0;
    if (*t == '{')
      for (int k = 0; vals[k] && !done; k += 2) {
        size_t n = strlen(vals[k]);
        if (!strncmp(t + 1, vals[k], n) && t[1 + n] == '}') {
          kb_buf_puts(b, vals[k + 1]);
          t += n + 2;
          done = 1;
        }
      }
    if (!done) kb_buf_putc(b, *t++);
  }
}

static int S_reply_into(const kb_ctx *c, const kb_suggest_result *res, int i, const char *handle,
                        kb_buf *out);

char *kb_api_reply(const kb_ctx *c, const kb_suggest_result *res, int i, const char *handle,
                   int *plen) {
  kb_buf b = KB_BUF_INIT;
  int len = S_reply_into(c, res, i, handle, &b);
  if (plen) *plen = len;
  return kb_buf_detach(&b);
}

/* kb_api_reply() into out (kb_reply_compose_into()): one buffer serves
 * a suggest's replies (a buffer and its free a reply were 0.2 K). */
static int S_reply_into(const kb_ctx *c, const kb_suggest_result *res, int i, const char *handle,
                        kb_buf *out) {
  static const char *const days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  const kb_hit *h = res->s[i].hit;
  const kb_geo_store *st = S_linked_store(res, i);
  if (!st)
    return kb_reply_compose_into(out, handle, h->reply, h->title, res->s[i].url, res->s[i].store_url,
                                 res->names_place);
  /* the words are the store page's language's (kb/lang/<code>/ui.tsv,
   * reply.*): a French store answers in French */
  const char *lang = h->lang ? h->lang : st->lang;
  time_t now = time(NULL);
  struct tm tm;
  localtime_r(&now, &tm);
  /* the day asked about, by the mention's analysis (kb/lang/<code>/days.tsv) */
  int asked = res->mention ? kb_mention_day(res->mention) : -1;
  int day = asked < 0 ? tm.tm_wday : asked == KB_DAY_TOMORROW ? (tm.tm_wday + 1) % 7 : asked;
  const char *when = asked < 0 || day == tm.tm_wday ? "reply.when.today"
                     : day == (tm.tm_wday + 1) % 7 ? "reply.when.tomorrow" : "reply.when.on";
  /* that day's hours (NULL: none): kb-index writes a flat object of
   * "HH:MM-HH:MM" or "closed", read without cJSON (parsed for each reply
   * that links a store, it was 2,200 instructions a suggest); cJSON reads
   * anything else */
  char hbuf[64];
  const char *open = NULL;
  int known = st->hours ? kb_json_flat_member(st->hours, days[day], hbuf, sizeof hbuf) : 0;
  cJSON *hours = known < 0 ? cJSON_Parse(st->hours) : NULL;
  cJSON *today = cJSON_GetObjectItemCaseSensitive(hours, days[day]);
  if (known > 0) open = hbuf;
  else if (cJSON_IsString(today)) open = today->valuestring;
  char dkey[16] = "reply.day.";
  memcpy(dkey + 10, days[day], 4); /* (three letters and the NUL) */
  kb_buf w = KB_BUF_INIT, addr = KB_BUF_INIT, t = KB_BUF_INIT;
  const char *const dv[] = {"day", S_words_in(c, lang, dkey), NULL};
  S_fill_plain(&w, S_words_in(c, lang, when), dv);
  kb_buf_puts(&addr, st->address ? st->address : "");
  if (st->postcode) {
    kb_buf_puts(&addr, ", ");
    kb_buf_puts(&addr, st->postcode);
  }
  int closed = open && !strcmp(open, "closed");
  const char *tkey = closed ? "reply.store.closed" : open ? "reply.store.open" : "reply.store.nohours";
  const char *const tv[] = {"address", kb_buf_str(&addr), "when", kb_buf_str(&w),
                            "hours", open ? open : "", NULL};
  S_fill_plain(&t, S_words_in(c, lang, tkey), tv);
  cJSON_Delete(hours);
  /* the store's town as the title: "Our Leeds store" */
  int len = kb_reply_compose_into(out, handle, kb_buf_str(&t), st->town ? st->town : st->title,
                                  res->s[i].url, NULL, 0);
  kb_buf_cleanup(&t);
  kb_buf_cleanup(&w);
  kb_buf_cleanup(&addr);
  return len;
}

/* The members every listed article starts with but its url, in suggest
 * and search: {"slug", "collection", "title" (the object left open). */
static void S_put_row_head(kb_buf *b, const kb_hit *h) {
  kb_buf_puts(b, "{\"slug\":");
  S_json_str(b, h->slug);
  kb_buf_puts(b, ",\"collection\":");
  S_json_str(b, h->collection);
  kb_buf_puts(b, ",\"title\":");
  S_json_str(b, h->title);
}

/* S_put_row_head()'s JSON of hit h's row, made once and kept with the row
 * while the index is open (kb_index_row_text()): escaping the slug,
 * collection and title again for every reply was 2.4 K instructions a
 * suggest. ctx: the hit, whose slug, collection and title are its row's
 * columns (kb_search.c fills them from the row; the three are NOT NULL in
 * the index, so a hit made any way shows the same). The caller owns the
 * text (the memo, once given). */
static char *S_row_head(kb_index *ix, int64_t id, void *ctx) {
  (void)ix;
  (void)id;
  kb_buf b = KB_BUF_INIT;
  S_put_row_head(&b, ctx);
  return kb_buf_detach(&b);
}

/* The members every listed article starts with, in suggest and search:
 * {"slug", "collection", "title", "url" (the object left open); the first
 * three from the row's memo (S_row_head()) when the hit has a row in ix. */
static void S_put_hit_head(kb_index *ix, kb_buf *b, const kb_hit *h, const char *url) {
  const char *head = h->id ? kb_index_row_text(ix, h->id, S_row_head, (void *)h) : NULL;
  if (head) kb_buf_puts(b, head);
  else S_put_row_head(b, h);
  kb_buf_puts(b, ",\"url\":");
  S_json_str(b, url);
}

/* Hit h's snippet as a JSON string from its HTML: h->snippet, or cut
 * now for a hit the suggest left without it (json_snippets) whose JSON
 * form could not be had. */
static void S_put_snippet_html(const kb_ctx *c, kb_buf *b, const kb_hit *h) {
  if (h->snippet) {
    S_json_str(b, h->snippet);
    return;
  }
  kb_buf t = KB_BUF_INIT;
  kb_hit_put_snippet_html(c->ix, h, &t);
  kb_buf_put_json(b, t.n ? t.p : "", t.n);
  kb_buf_cleanup(&t);
}

/* Suggestion i into b; reply: the caller's buffer for its reply. */
static void S_put_suggestion(const kb_ctx *c, kb_buf *b, const kb_suggest_result *res, int i,
                             const S_suggest_req *q, kb_buf *reply) {
  const kb_suggestion *sg = &res->s[i];
  const kb_hit *h = sg->hit;
  const char *url = sg->url;
  double conf = sg->confidence;
  int rlen = S_reply_into(c, res, i, q->author, reply);
  S_put_hit_head(c->ix, b, h, url);
  kb_buf_puts(b, ",\"score\":");
  kb_buf_put_fixed(b, h->score, 4);
  kb_buf_puts(b, ",\"confidence\":");
  kb_buf_put_fixed(b, conf, 3);
  kb_buf_puts(b, ",\"reply\":");
  kb_buf_put_json(b, kb_buf_str(reply), reply->n);
  kb_buf_puts(b, ",\"reply_length\":");
  kb_buf_put_int(b, rlen);
  kb_buf_puts(b, ",\"snippet\":");
  if (!h->cut.json || !kb_hit_put_snippet_json(c->ix, h, b)) S_put_snippet_html(c, b, h);
  kb_buf_puts(b, ",\"escalate\":");
  S_json_str(b, h->escalate);
  kb_buf_puts(b, ",\"lang\":");
  S_json_str(b, h->lang);
  kb_buf_puts(b, sg->fallback ? ",\"fallback\":true" : ",\"fallback\":false");
  kb_buf_puts(b, sg->general ? ",\"general\":true}" : "}"); /* (only when it is one) */
}

/* 0 if the body is one strict JSON text (kb_json.h); else -1 with r
 * filled (400 invalid_json). */
static int S_strict(const char *body, size_t n, kb_http_resp *r) {
  size_t at;
  const char *why;
  if (kb_json_check(body, n, &at, &why) == 0) return 0;
  kb_api_error(r, 400, "invalid_json", "the body is not valid JSON: %s at byte %zu", why, at);
  return -1;
}

void kb_api_suggest(const kb_ctx *c, const char *body, size_t n, kb_http_resp *r) {
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  if (!kb_text_utf8_valid(body, n, NULL)) {
    kb_api_error(r, 400, "invalid_utf8", "the body is not valid UTF-8");
    return;
  }
  /* a flat object (as clients send one) is read without cJSON, its
   * strings into str: a cJSON tree and the strict check before it were
   * 5 K instructions a suggest; any other body goes the long way */
  char str_s[1024], *str = n < sizeof str_s ? str_s : kb_xmalloc(n + 1);
  kb_json_field f[S_NFIELDS];
  cJSON *j = NULL;
  if (kb_json_flat_fields(body, n, S_FIELDS, S_NFIELDS, f, str) != 0) {
    if (S_strict(body, n, r)) goto done;
    const char *end = NULL;
    j = cJSON_ParseWithLengthOpts(body, n, &end, 0);
    if (!j) {
      size_t at = end && end >= body ? (size_t)(end - body) : 0;
      kb_api_error(r, 400, "invalid_json", "the body is not valid JSON (near byte %zu)", at);
      goto done;
    }
    if (!cJSON_IsObject(j)) {
      kb_api_error(r, 400, "invalid_json", "the body must be a JSON object");
      goto done;
    }
    S_fields_of(j, f);
  }
  S_suggest_req q = {.limit = 3};
  if (S_suggest_parse(f, &q, r) != 0) goto done;
  if (q.lang && kb_index_lang_find(c->ix, q.lang) < 0) {
    kb_api_error(r, 400, "invalid_value", "'lang' '%.16s' is not a language of this knowledge base (%s)",
                 q.lang, kb_index_meta(c->ix, "languages"));
    goto done;
  }
  /* (the snippets written as JSON only: S_put_suggestion()) */
  kb_suggest_opts o = {.collection = q.collection, .limit = q.limit, .public_url = c->public_url,
                       .feedback = c->feedback, .lang = q.lang, .json_snippets = 1};
  kb_suggest_result res;
  char err[256];
  int rc = kb_suggest(c->ix, c->geo, q.text, strlen(q.text), &o, &res, err, sizeof err);
  if (rc != KB_SEARCH_OK) {
    if (rc == KB_SEARCH_EUTF8) kb_api_error(r, 400, "invalid_utf8", "%s", err);
    else kb_api_error(r, 500, "internal", "%s", err);
    goto done;
  }
  r->status = 200;
  r->ctype = "application/json";
  kb_buf *b = &r->body;
  kb_buf_puts(b, res.answerable ? "{\"answerable\":true,\"lang\":{\"code\":"
                                 : "{\"answerable\":false,\"lang\":{\"code\":");
  S_json_str(b, res.lang);
  kb_buf_puts(b, ",\"confidence\":");
  kb_buf_put_fixed(b, res.lang_confidence, 3);
  kb_buf_puts(b, q.lang ? ",\"detected\":false},\"threshold\":" : ",\"detected\":true},\"threshold\":");
  kb_buf_put_fixed(b, res.threshold, 3);
  kb_buf_puts(b, res.nothing_fits ? ",\"nothing_fits\":true,\"fits\":" : ",\"nothing_fits\":false,\"fits\":");
  kb_buf_put_fixed(b, res.fits, 3);
  kb_buf_puts(b, ",\"place\":");
  S_put_place(b, res.has_place ? &res.place : NULL);
  kb_buf_puts(b, ",\"suggestions\":[");
  kb_buf reply = KB_BUF_INIT;
  for (int i = 0; i < res.n; i++) {
    if (i) kb_buf_putc(b, ',');
    S_put_suggestion(c, b, &res, i, &q, &reply);
  }
  kb_buf_cleanup(&reply);
  kb_buf_puts(b, "],\"corrected\":");
  S_json_str(b, res.res.corrected);
  kb_buf_puts(b, ",\"took_ms\":");
  kb_buf_put_fixed(b, S_ms_since(&t0), 3);
  kb_buf_putc(b, '}');
  kb_events_mention(c->events, q.text, q.collection, res.answerable,
                    res.n ? res.s[0].hit->slug : NULL, res.lang);
  kb_suggest_result_free(&res);
done:
  cJSON_Delete(j);
  if (str != str_s) free(str);
}

/*--- Feedback ------------------------------------------------------------*/

/* An optional string member: NULL when absent or null; -1 (with r filled)
 * when of the wrong type or too long. */
static int S_opt_str(cJSON *j, const char *k, size_t max, const char **out, kb_http_resp *r) {
  cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);
  *out = NULL;
  if (!v || cJSON_IsNull(v)) return 0;
  if (!cJSON_IsString(v)) {
    kb_api_error(r, 400, "wrong_type", "'%s' must be a string", k);
    return -1;
  }
  if (strlen(v->valuestring) > max) {
    kb_api_error(r, 400, "out_of_range", "'%s' is over %zu bytes", k, max);
    return -1;
  }
  *out = v->valuestring;
  return 0;
}

/* An optional 'lang' of a write: 0 when absent or a language of the
 * index; -1 with a 400 invalid_value in r otherwise. */
static int S_lang_arg(const kb_ctx *c, const char *lang, kb_http_resp *r) {
  if (!lang || kb_index_lang_find(c->ix, lang) >= 0) return 0;
  kb_api_error(r, 400, "invalid_value", "'lang' '%.16s' is not a language of this knowledge base (%s)",
               lang, kb_index_meta(c->ix, "languages"));
  return -1;
}

void kb_api_feedback_reset(const kb_ctx *c, kb_http_resp *r) {
  char err[256];
  if (!c->feedback) {
    kb_api_error(r, 503, "feedback_unavailable", "the feedback store is not available");
    return;
  }
  long long n = c->pg ? 0 : kb_feedback_count(c->feedback);
  if ((c->pg ? kb_pg_feedback_reset(c->pg, c->feedback, &n, err, sizeof err)
             : kb_feedback_reset(c->feedback, err, sizeof err)) != KB_FEEDBACK_OK) {
    kb_api_error(r, 503, "feedback_unavailable", "not reset, try again: %s", err);
    return;
  }
  r->status = 200;
  r->ctype = "application/json";
  kb_buf_printf(&r->body, "{\"reset\":true,\"deleted\":%lld}", n);
}

/* 1 if the index being served has the article. */
static int S_article_exists(const kb_ctx *c, const char *coll, const char *slug) {
  kb_doc d;
  if (!c->ix || kb_index_get(c->ix, coll, slug, &d) != 1) return 0;
  kb_doc_free(&d);
  return 1;
}

const char *kb_api_mention_lang(const kb_ctx *c, const char *given, const char *text,
                                const char *collection) {
  int li = given && *given ? kb_index_lang_find(c->ix, given) : -1;
  if (li >= 0) return kb_index_lang_code(c->ix, li);
  if (!text || kb_index_nlangs(c->ix) < 2) /* one language: the mention's */
    return kb_index_default_code(c->ix);
  /* the decision suggest makes for this text (an older client, a form of
   * before the field): the same analysis, so the same language */
  kb_mention_opts mo = {.collection = collection};
  char err[128];
  kb_mention *m = kb_mention_new(c->ix, c->geo, text, strlen(text), &mo, err, sizeof err);
  li = m ? kb_index_lang_find(c->ix, kb_mention_lang(m)) : -1;
  kb_mention_free(m);
  return kb_index_lang_code(c->ix, li >= 0 ? li : kb_index_default_lang(c->ix));
}

int kb_api_store_feedback(const kb_ctx *c, const kb_feedback_row *row, long long *pid, int *pdup,
                          char *err, size_t nerr) {
  if (c->pg) return kb_pg_feedback_put(c->pg, c->feedback, row, pid, pdup, err, nerr);
  return kb_feedback_put(c->feedback, row, pid, pdup, err, nerr);
}

void kb_api_feedback(const kb_ctx *c, const char *body, size_t n, kb_http_resp *r) {
  if (!c->feedback) {
    kb_api_error(r, 503, "feedback_unavailable",
                 "the feedback store is not available (no --data directory, or it cannot be written); nothing was stored");
    return;
  }
  if (!kb_text_utf8_valid(body, n, NULL)) {
    kb_api_error(r, 400, "invalid_utf8", "the body is not valid UTF-8");
    return;
  }
  if (S_strict(body, n, r)) return;
  cJSON *j = cJSON_ParseWithLength(body, n);
  if (!j || !cJSON_IsObject(j)) {
    kb_api_error(r, 400, "invalid_json", "the body must be a JSON object");
    cJSON_Delete(j);
    return;
  }
  const char *text, *coll, *slug, *action, *reason, *author, *cid, *lang;
  if (S_opt_str(j, "text", 40000, &text, r) || S_opt_str(j, "collection", 100, &coll, r) ||
      S_opt_str(j, "slug", 100, &slug, r) || S_opt_str(j, "action", 20, &action, r) ||
      S_opt_str(j, "reason", 2000, &reason, r) || S_opt_str(j, "author", 20, &author, r) ||
      S_opt_str(j, "client_id", 100, &cid, r) || S_opt_str(j, "lang", 16, &lang, r) ||
      S_lang_arg(c, lang, r)) {
    cJSON_Delete(j);
    return;
  }
  int bad_author = 0;
  const char *missing = !text || !*text ? "text" : !slug ? "slug" : !action ? "action" : NULL;
  if (missing) kb_api_error(r, 400, "missing_field", "'%s' is required", missing);
  else if (S_chars(text) > KB_MAX_TEXT)
    kb_api_error(r, 400, "out_of_range", "'text' is over %d characters", KB_MAX_TEXT);
  else if (!S_name_ok(slug) || (coll && !S_name_ok(coll)))
    kb_api_error(r, 400, "invalid_value", "'slug' and 'collection' must be letters, digits, '_' or '-'");
  else if (strcmp(action, "sent") && strcmp(action, "edited") && strcmp(action, "dismissed"))
    kb_api_error(r, 400, "invalid_value", "'action' must be sent, edited or dismissed");
  else if ((kb_reply_handle(author, &bad_author), bad_author))
    kb_api_error(r, 400, "invalid_value", "'author' must be a Twitter handle");
  else if (!S_article_exists(c, coll, slug))
    kb_api_error(r, 404, "not_found", "no such article: learning from it would rank nothing");
  else {
    char err[256];
    long long id = 0;
    int dup = 0;
    kb_feedback_row row = {.text = text, .collection = coll, .slug = slug, .action = action,
                           .reason = reason, .author = author, .client_id = cid && *cid ? cid : NULL,
                           .lang = kb_api_mention_lang(c, lang, text, coll)};
    if (kb_api_store_feedback(c, &row, &id, &dup, err, sizeof err) != KB_FEEDBACK_OK) {
      kb_api_error(r, 503, "feedback_unavailable", "not stored, try again: %s", err);
    } else {
      /* a retry of a stored client_id: 200 and the first one's id */
      r->status = dup ? 200 : 201;
      r->ctype = "application/json";
      kb_buf_printf(&r->body, "{\"id\":%lld,\"stored\":true%s}", id, dup ? ",\"duplicate\":true" : "");
    }
  }
  cJSON_Delete(j);
}

void kb_api_helpful(const kb_ctx *c, const char *body, size_t n, kb_http_resp *r) {
  if (!c->events) {
    kb_api_error(r, 503, "feedback_unavailable", "this server has no --data directory to store answers in");
    return;
  }
  size_t at;
  const char *why;
  cJSON *j = kb_text_utf8_valid(body, n, NULL) && kb_json_check(body, n, &at, &why) == 0
                 ? cJSON_ParseWithLength(body, n) : NULL;
  if (!j || !cJSON_IsObject(j)) {
    kb_api_error(r, 400, "invalid_json", "the body must be a JSON object");
    cJSON_Delete(j);
    return;
  }
  const char *coll, *slug, *cid, *lang;
  cJSON *h = cJSON_GetObjectItemCaseSensitive(j, "helpful");
  if (S_opt_str(j, "collection", 100, &coll, r) || S_opt_str(j, "slug", 100, &slug, r) ||
      S_opt_str(j, "client_id", 100, &cid, r) || S_opt_str(j, "lang", 16, &lang, r) ||
      S_lang_arg(c, lang, r)) {
    cJSON_Delete(j);
    return;
  }
  kb_doc d;
  if (!slug || !h) kb_api_error(r, 400, "missing_field", "'slug' and 'helpful' are required");
  else if (!cJSON_IsBool(h)) kb_api_error(r, 400, "wrong_type", "'helpful' must be true or false");
  else if (!S_name_ok(slug) || (coll && !S_name_ok(coll)) || kb_index_get(c->ix, coll, slug, &d) != 1)
    kb_api_error(r, 404, "not_found", "no such article");
  else {
    kb_doc_free(&d);
    /* the site's language it was answered on (default: the default's) */
    kb_events_helpful(c->events, coll, slug, cJSON_IsTrue(h), cid && *cid ? cid : NULL,
                      lang ? lang : kb_index_default_code(c->ix));
    r->status = 202;
    r->ctype = "application/json";
    kb_buf_puts(&r->body, "{\"recorded\":true}");
  }
  cJSON_Delete(j);
}

/*--- Reports -------------------------------------------------------------*/

static int S_days(const char *s, int *out) {
  *out = 0;
  return S_int_arg(s, 0, 3650, out);
}

void kb_api_report(const kb_ctx *c, const char *name, const char *days, const char *lang,
                   kb_http_resp *r) {
  int d;
  if (!c->data_dir) {
    kb_api_error(r, 503, "reports_unavailable", "this server has no --data directory");
    return;
  }
  if (!S_days(days, &d)) {
    kb_api_error(r, 400, "out_of_range", "'days' must be a whole number from 0 (all) to 3650");
    return;
  }
  if (lang && !strcmp(lang, "all")) lang = NULL;
  if (lang && kb_index_lang_find(c->ix, lang) < 0) {
    kb_api_error(r, 400, "invalid_value", "'lang' is not a language of this knowledge base (%s)",
                 kb_index_meta(c->ix, "languages"));
    return;
  }
  char *db = kb_xstrdup(c->store_path), err[256];
  int rc = kb_report_json(c->ix, db, name, d, lang, &r->body, err, sizeof err);
  free(db);
  if (rc == -1) kb_api_error(r, 404, "not_found", "%s (reports: unanswered, most-sent, never-sent, no-results, no-fit, helpful, languages)", err);
  else if (rc != 0) kb_api_error(r, 503, "reports_unavailable", "%s", err);
  else {
    r->status = 200;
    r->ctype = "application/json";
  }
}

/*--- Reports: trends (charts, CSV) ---------------------------------------*/

/* the series: mentions, unique mentions, answerable mentions, replies
 * sent, searches with no results, helpful answers (their names are
 * ui.tsv's: reports.series.K on the page, reports.csv.columns in the CSV) */
#define S_SERIES 6

/* Per UTC day over the last `days` days (today included): the counts of
 * the series, from the event log and the feedback table, of language lang
 * only (NULL: every language; a row of before the tables kept languages
 * is the default language's, def). Returns the number of days filled (at
 * most max), or -1 when the log cannot be read. */
static int S_trend(const char *db_path, int days, const char *lang, const char *def, char (*day)[11],
                   long (*v)[S_SERIES], int max) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  int n = -1;
  char *lc = lang ? sqlite3_mprintf(" AND ifnull(lang, %Q) = %Q", def, lang) : sqlite3_mprintf("%s", "");
  char *sql = kb_fmt(
      "WITH RECURSIVE d(day) AS (SELECT date('now','-%d days') UNION ALL"
      " SELECT date(day,'+1 day') FROM d WHERE day < date('now'))"
      " SELECT d.day,"
      " (SELECT count(*) FROM mentions WHERE substr(ts,1,10)=d.day%s),"
      " (SELECT count(DISTINCT lower(trim(text))) FROM mentions WHERE substr(ts,1,10)=d.day%s),"
      " (SELECT count(*) FROM mentions WHERE substr(ts,1,10)=d.day AND answerable%s),"
      " (SELECT count(*) FROM feedback WHERE substr(ts,1,10)=d.day AND action IN ('sent','edited')%s),"
      " (SELECT count(*) FROM searches WHERE substr(ts,1,10)=d.day AND total=0%s),"
      " (SELECT count(*) FROM helpful WHERE substr(ts,1,10)=d.day AND helpful%s)"
      " FROM d ORDER BY d.day", days - 1, lc, lc, lc, lc, lc, lc);
  sqlite3_free(lc);
  if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
    n = 0;
    while (n < max && sqlite3_step(st) == SQLITE_ROW) {
      snprintf(day[n], 11, "%s", (const char *)sqlite3_column_text(st, 0));
      for (int k = 0; k < S_SERIES; k++) v[n][k] = sqlite3_column_int64(st, k + 1);
      n++;
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  free(sql);
  return n;
}

/* One series as an accessible bar chart: an SVG with a title and a
 * description, and the numbers behind it in a table. */
/* A series' name on the page: ui.tsv's reports.series.K. */
static const char *S_series_words(const kb_ctx *c, int k) {
  char key[32];
  snprintf(key, sizeof key, "reports.series.%d", k);
  return kb_ui_text(c, key);
}

static void S_chart(const kb_ctx *c, kb_buf *b, int k, char (*day)[11], long (*v)[S_SERIES], int n) {
  long top = 0, sum = 0;
  for (int i = 0; i < n; i++) {
    if (v[i][k] > top) top = v[i][k];
    sum += v[i][k];
  }
  const int W = 600, H = 160, L = 34, B = 22;
  double bw = n ? (double)(W - L) / n : 0;
  char ssum[24], sn[16], stop[24];
  snprintf(ssum, sizeof ssum, "%ld", sum);
  snprintf(sn, sizeof sn, "%d", n);
  snprintf(stop, sizeof stop, "%ld", top);
  const char *name = S_series_words(c, k);
  kb_buf_printf(b, "<figure class=\"chart\"><svg viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"ch%d-t ch%d-d\">"
                   "<title id=\"ch%d-t\">", W, H, k, k, k);
  kb_ui_put(c, b, "reports.chart.title", "series", name, (const char *)NULL);
  kb_buf_printf(b, "</title><desc id=\"ch%d-d\">", k);
  kb_ui_put(c, b, "reports.chart.desc", "sum", ssum, "days", sn, "top", stop, "from", n ? day[0] : "", "to",
            n ? day[n - 1] : "", (const char *)NULL);
  kb_buf_puts(b, "</desc>");
  kb_buf_printf(b, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", L, H - B, W, H - B);
  kb_buf_printf(b, "<text class=\"tick\" x=\"%d\" y=\"12\" text-anchor=\"end\">%ld</text>"
                   "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>", L - 4, top, L - 4, H - B);
  for (int i = 0; i < n; i++) {
    double h = top ? (double)(H - B - 16) * (double)v[i][k] / (double)top : 0;
    kb_buf_printf(b, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
                  L + i * bw + bw * 0.15, H - B - h, bw * 0.7, h);
  }
  if (n)
    kb_buf_printf(b, "<text class=\"tick\" x=\"%d\" y=\"%d\">%s</text><text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>",
                  L, H - 6, day[0], W, H - 6, day[n - 1]);
  kb_buf_puts(b, "</svg><figcaption>");
  kb_ui_put(c, b, "reports.chart.caption", "series", name, "sum", ssum, (const char *)NULL);
  kb_buf_puts(b, "</figcaption></figure>");
}

/* The trends section of /reports: a range form, the totals, the charts,
 * the table behind them and the CSV link; of language lang (NULL: all). */
static void S_trends(const kb_ctx *c, int days, const char *lang, kb_buf *b) {
  char day[366][11];
  long v[366][S_SERIES];
  int range = days > 0 && days <= 365 ? days : 30;
  char *db = kb_xstrdup(c->store_path);
  int n = S_trend(db, range, lang, kb_index_default_code(c->ix), day, v, 366);
  free(db);
  static const int choices[] = {7, 14, 30, 90, 365};
  char num[24];
  kb_buf_puts(b, "<h1>");
  kb_ui_put(c, b, "reports.title", (const char *)NULL);
  kb_buf_puts(b, "</h1><form class=\"range\" action=\"/reports\" method=\"get\"><label for=\"days\">");
  kb_ui_put(c, b, "reports.period", (const char *)NULL);
  kb_buf_puts(b, "</label><select id=\"days\" name=\"days\">");
  for (int i = 0; i < 5; i++) {
    snprintf(num, sizeof num, "%d", choices[i]);
    kb_buf_printf(b, "<option value=\"%d\"%s>", choices[i], choices[i] == range ? " selected" : "");
    kb_ui_put(c, b, "reports.lastdays", "n", num, (const char *)NULL);
    kb_buf_puts(b, "</option>");
  }
  kb_buf_puts(b, "</select>");
  kb_page_lang_select(c, b, "rlang", "reports.lang", lang);
  kb_buf_puts(b, "<button type=\"submit\">");
  kb_ui_put(c, b, "tr.show", (const char *)NULL);
  kb_buf_printf(b, "</button> <a class=\"csv\" href=\"/reports.csv?days=%d&amp;lang=%s\">", range,
                lang ? lang : "all");
  kb_ui_put(c, b, "reports.csv", (const char *)NULL);
  kb_buf_puts(b, "</a></form>");
  if (n <= 0) {
    kb_buf_puts(b, "<p>");
    kb_ui_put(c, b, "reports.nodata", (const char *)NULL);
    kb_buf_puts(b, "</p>");
    return;
  }
  long tot[S_SERIES] = {0};
  for (int i = 0; i < n; i++)
    for (int k = 0; k < S_SERIES; k++) tot[k] += v[i][k];
  snprintf(num, sizeof num, "%d", range);
  kb_buf_puts(b, "<section class=\"trends\" aria-labelledby=\"trends-h\"><h2 id=\"trends-h\">");
  kb_ui_put(c, b, "reports.lastdays.heading", "n", num, (const char *)NULL);
  kb_buf_puts(b, "</h2><ul class=\"totals\">");
  /* each total: its figure in <strong>, in the sentence of its key */
  long pct = tot[0] ? (tot[2] * 100 + tot[0] / 2) / tot[0] : 0;
  const struct { const char *key; long v, v2; } totals[] = {
      {"reports.total.mentions", tot[0], tot[1]}, {"reports.total.answerable", pct, 0},
      {"reports.total.sent", tot[3], 0}, {"reports.total.nothing", tot[4], 0}};
  for (int i = 0; i < 4; i++) {
    char f[48], u[24], k[64];
    snprintf(f, sizeof f, "<strong>%ld</strong>", totals[i].v);
    snprintf(u, sizeof u, "%ld", totals[i].v2);
    kb_buf_puts(b, "<li>"); /* a count's sentence as its language says it ("1 réponse envoyée") */
    kb_ui_put(c, b, i == 1 ? totals[i].key : kb_ui_plural(c, totals[i].key, totals[i].v, k, sizeof k), "!n", f,
              "unique", u, (const char *)NULL);
    kb_buf_puts(b, "</li>");
  }
  kb_buf_puts(b, "</ul><div class=\"charts\">");
  static const int shown[] = {0, 2, 3, 4, 5};
  for (int i = 0; i < 5; i++) S_chart(c, b, shown[i], day, v, n);
  kb_buf_puts(b, "</div><details class=\"data\"><summary>");
  kb_ui_put(c, b, "reports.figures", (const char *)NULL);
  kb_buf_puts(b, "</summary><div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"");
  kb_ui_put(c, b, "reports.perday", (const char *)NULL);
  kb_buf_puts(b, "\"><table><caption>");
  kb_ui_put(c, b, "reports.perday", (const char *)NULL);
  kb_buf_puts(b, "</caption><thead><tr><th scope=\"col\">");
  kb_ui_put(c, b, "reports.day", (const char *)NULL);
  kb_buf_puts(b, "</th>");
  for (int k = 0; k < S_SERIES; k++) {
    kb_buf_puts(b, "<th scope=\"col\">");
    kb_ui_put(c, b, "reports.series", "series", S_series_words(c, k), (const char *)NULL);
    kb_buf_puts(b, "</th>");
  }
  kb_buf_puts(b, "</tr></thead><tbody>");
  for (int i = n - 1; i >= 0; i--) {
    kb_buf_printf(b, "<tr><th scope=\"row\">%s</th>", day[i]);
    for (int k = 0; k < S_SERIES; k++) kb_buf_printf(b, "<td>%ld</td>", v[i][k]);
    kb_buf_puts(b, "</tr>");
  }
  kb_buf_puts(b, "</tbody></table></div></details></section>");
}

void kb_api_reports_csv(const kb_ctx *c, const char *days, const char *lang_arg, kb_http_resp *r) {
  int d = 30;
  const char *lang;
  if (!c->data_dir || !S_int_arg(days, 1, 365, &d)) {
    kb_api_error(r, c->data_dir ? 400 : 503, c->data_dir ? "out_of_range" : "reports_unavailable",
                 "reports need --data, and 'days' from 1 to 365");
    return;
  }
  /* without 'lang', every language's (the file is for a spreadsheet: the
   * page's link names the language it shows) */
  if (kb_page_lang_arg(c, lang_arg, 0, &lang, r)) return;
  char day[366][11];
  long v[366][S_SERIES];
  char *db = kb_xstrdup(c->store_path);
  int n = S_trend(db, d, lang, kb_index_default_code(c->ix), day, v, 366);
  free(db);
  r->status = 200;
  r->ctype = "text/csv; charset=utf-8";
  /* the column names in the page's language (/fr/reports.csv: French);
   * a line with another number of columns than the figures is not used */
  const char *cols = kb_ui_text(c, "reports.csv.columns");
  int ncomma = 0;
  for (const char *p = cols; *p; p++) ncomma += *p == ',';
  if (ncomma != S_SERIES || strpbrk(cols, "\r\n\"")) {
    kb_ctx en = *c;
    en.lang = "en";
    cols = kb_ui_text(&en, "reports.csv.columns");
  }
  kb_buf_puts(&r->body, cols);
  kb_buf_puts(&r->body, "\r\n");
  for (int i = 0; i < n; i++) {
    kb_buf_puts(&r->body, day[i]);
    for (int k = 0; k < S_SERIES; k++) kb_buf_printf(&r->body, ",%ld", v[i][k]);
    kb_buf_puts(&r->body, "\r\n");
  }
}

/* The no-fit report's article shown first (slug, then "</small>") as a
 * link to its page in the report's language, where the topic has an
 * article there: the knowledge team opens what the public was shown.
 * Returns where the page goes on (after the slug when linked, else slug:
 * a slug the index no longer has stays text, as does every slug of the
 * report over all languages, lang NULL, whose rows' languages differ). */
static const char *S_shown_link(const kb_ctx *c, const char *lang, const char *slug, kb_buf *out) {
  size_t n = strspn(slug, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
  if (!n || n > 100 || strncmp(slug + n, "</small>", 8)) return slug;
  char *s = kb_xstrndup(slug, n);
  if (kb_index_has_lang(c->ix, NULL, s, lang) == 1) {
    char *url = kb_suggest_article_url("", NULL, NULL, s, kb_suggest_lang_prefix(c->ix, lang));
    kb_buf_puts(out, "<a href=\"");
    kb_buf_puts(out, url); /* letters, digits, '_', '-' and '/' only */
    kb_buf_puts(out, "\">");
    kb_buf_puts(out, s);
    kb_buf_puts(out, "</a>");
    free(url);
    slug += n;
  }
  free(s);
  return slug;
}

/* The core's report tables (kb_report_html) as the page shows them: its
 * heading left out (the page has its own), each table in a scroll region
 * the keyboard can reach, named by its section's heading, and an example
 * repeated in one row shown once. */
static void S_report_tables(const kb_ctx *c, const char *in, const char *lang, kb_buf *out) {
  const char *p = in;
  if (!strncmp(p, "<h1>", 4) && (p = strstr(p, "</h1>")) != NULL) {
    p += 5;
    if (!strncmp(p, "<p>", 3) && strstr(p, "</p>")) p = strstr(p, "</p>") + 4;
  } else {
    p = in;
  }
  const char *h2id = NULL, *row = NULL;
  while (*p) {
    if (!strncmp(p, "<h2 id=\"h-", 10)) { /* the table's heading, in the page's words */
      h2id = p + 8;
      const char *gt = strchr(p, '>'), *end = gt ? strstr(gt, "</h2>") : NULL;
      if (end) {
        char key[64];
        snprintf(key, sizeof key, "reports.table.%.*s", (int)strcspn(p + 10, "\""), p + 10);
        kb_buf_put(out, p, (size_t)(gt + 1 - p));
        kb_ui_put(c, out, key, (const char *)NULL);
        kb_buf_puts(out, "</h2>");
        p = end + 5;
        continue;
      }
    }
    if (!strncmp(p, "<th scope=\"col\">", 16)) { /* a column: its name is its key */
      const char *end = strstr(p, "</th>");
      if (end) {
        char key[64];
        snprintf(key, sizeof key, "reports.col.%.*s", (int)(end - p - 16), p + 16);
        kb_buf_puts(out, "<th scope=\"col\">");
        kb_ui_put(c, out, key, (const char *)NULL);
        kb_buf_puts(out, "</th>");
        p = end + 5;
        continue;
      }
    }
    if (!strncmp(p, "<p>None.</p>", 12)) {
      kb_buf_puts(out, "<p>");
      kb_ui_put(c, out, "tr.stale.none", (const char *)NULL);
      kb_buf_puts(out, "</p>");
      p += 12;
      continue;
    }
    if (!strncmp(p, "<tr>", 4)) row = p;
    if (!strncmp(p, "<table>", 7)) {
      kb_buf_puts(out, "<div class=\"scroll\" tabindex=\"0\" role=\"group\"");
      if (h2id) {
        kb_buf_puts(out, " aria-labelledby=\"");
        kb_buf_put(out, h2id, strcspn(h2id, "\""));
        kb_buf_putc(out, '"');
      }
      kb_buf_puts(out, "><table>");
      p += 7;
      continue;
    }
    if (!strncmp(p, "</table>", 8)) {
      kb_buf_puts(out, "</table></div>");
      p += 8;
      continue;
    }
    if (!strncmp(p, "<tr><th scope=\"row\">", 20) && h2id && !strncmp(h2id, "h-languages\"", 12)) {
      /* a language's row: its name in the page's words (lang.in.CODE) */
      const char *l = p + 20;
      size_t n = strspn(l, "abcdefghijklmnopqrstuvwxyz");
      char key[32];
      snprintf(key, sizeof key, "lang.in.%.*s", (int)(n < 8 ? n : 8), l);
      if (n && l[n] == '<' && kb_ui_find(c, key)) {
        kb_buf_puts(out, "<tr><th scope=\"row\">");
        kb_ui_put(c, out, key, (const char *)NULL);
        p = l + n;
        continue;
      }
    }
    if (!strncmp(p, "<tr><th scope=\"row\">", 20) && h2id &&
        (!strncmp(h2id, "h-most-sent\"", 12) || !strncmp(h2id, "h-never-sent\"", 13) || !strncmp(h2id, "h-helpful\"", 10))) {
      /* an article row ("collection/slug"): a link to the article */
      const char *l = p + 20;
      size_t n = strspn(l, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-/");
      const char *slash = memchr(l, '/', n);
      if (slash && n < 200 && (l[n] == '<') && slash > l && slash + 1 < l + n && !memchr(slash + 1, '/', (size_t)(l + n - slash - 1))) {
        row = p;
        kb_buf_puts(out, "<tr><th scope=\"row\"><a href=\"/help/");
        if ((size_t)(slash - l) != 7 || strncmp(l, "default", 7)) kb_buf_put(out, l, (size_t)(slash - l) + 1);
        kb_buf_put(out, slash + 1, (size_t)(l + n - slash - 1));
        kb_buf_puts(out, "\">");
        kb_buf_put(out, l, n);
        kb_buf_puts(out, "</a>");
        p = l + n;
        continue;
      }
    }
    if (!strncmp(p, "<br><small>shown first: ", 24)) { /* no-fit: the article shown first */
      kb_buf_puts(out, "<br><small>");
      kb_ui_put(c, out, "reports.shown", (const char *)NULL);
      kb_buf_putc(out, ' ');
      p = S_shown_link(c, lang, p + 24, out);
      continue;
    }
    if (row && !strncmp(p, "<br><small>e.g. ", 16)) {
      const char *end = strstr(p, "</small>");
      if (end) {
        size_t n = (size_t)(end + 8 - p);
        /* the same example earlier in this row? */
        const char *q = row, *dup = NULL;
        while ((q = strstr(q, "<br><small>e.g. ")) != NULL && q < p) {
          if (!strncmp(q, p, n)) { dup = q; break; }
          q += 16;
        }
        if (!dup) {
          kb_buf_puts(out, "<br><small>");
          kb_ui_put(c, out, "reports.eg", (const char *)NULL);
          kb_buf_putc(out, ' ');
          kb_buf_put(out, p + 16, n - 16);
        }
        p += n;
        continue;
      }
    }
    kb_buf_putc(out, *p++);
  }
}

void kb_api_reports_page(const kb_ctx *c, const char *days, const char *lang_arg, kb_http_resp *r) {
  int d;
  const char *lang;
  if (!c->data_dir || !S_days(days, &d)) {
    kb_api_error(r, c->data_dir ? 400 : 503, c->data_dir ? "out_of_range" : "reports_unavailable",
                 "reports need --data, and 'days' from 0 to 3650");
    return;
  }
  if (kb_page_lang_arg(c, lang_arg, 1, &lang, r)) return;
  char *db = kb_xstrdup(c->store_path), err[256];
  kb_web_page_start(c, &r->body, kb_ui_text(c, "reports.title"), "reports");
  S_trends(c, d, lang, &r->body);
  kb_buf core = KB_BUF_INIT;
  /* the language chosen, by default the page's (/fr/reports: the French
   * mentions, replies, answers and searches) */
  int rc = kb_report_html(c->ix, db, d, lang, &core, err, sizeof err);
  S_report_tables(c, kb_buf_str(&core), lang, &r->body);
  kb_buf_cleanup(&core);
  kb_web_page_end(c, &r->body);
  free(db);
  if (rc != 0) kb_api_error(r, 503, "reports_unavailable", "%s", err);
  else {
    r->status = 200;
    r->ctype = "text/html; charset=utf-8";
    r->html = 1;
  }
}

/*--- Search --------------------------------------------------------------*/

void kb_api_search(const kb_ctx *c, const kb_search_args *a, kb_http_resp *r) {
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int limit = 10, offset = 0;
  if (!a->q || strspn(a->q, " \t\r\n") == strlen(a->q)) {
    kb_api_error(r, 400, "missing_field", "the query parameter 'q' is required");
    return;
  }
  if (!kb_text_utf8_valid(a->q, strlen(a->q), NULL)) {
    kb_api_error(r, 400, "invalid_utf8", "'q' is not valid UTF-8");
    return;
  }
  if (strlen(a->q) > 1000) {
    kb_api_error(r, 400, "out_of_range", "'q' is over 1000 bytes");
    return;
  }
  if (!S_int_arg(a->limit, 1, 50, &limit)) {
    kb_api_error(r, 400, "out_of_range", "'limit' must be a whole number from 1 to 50");
    return;
  }
  if (!S_int_arg(a->offset, 0, 1000, &offset)) {
    kb_api_error(r, 400, "out_of_range", "'offset' must be a whole number from 0 to 1000");
    return;
  }
  if (a->collection && !S_name_ok(a->collection)) {
    kb_api_error(r, 400, "invalid_value", "'collection' must be letters, digits, '_' or '-'");
    return;
  }
  if (a->lang && kb_index_lang_find(c->ix, a->lang) < 0) {
    kb_api_error(r, 400, "invalid_value", "'lang' is not a language of this knowledge base (%s)",
                 kb_index_meta(c->ix, "languages"));
    return;
  }
  size_t nq = strlen(a->q);
  int typing = nq > 0 && a->q[nq - 1] != ' ';
  /* the public site searches one language: the one asked for (/fr/...),
   * else the default (the site at /) */
  const char *lang = a->lang ? a->lang : kb_index_default_code(c->ix);
  kb_search_opts o = {.collection = a->collection, .kinds = KB_KIND_ARTICLE | KB_KIND_STORE,
                      .limit = limit, .offset = offset, .prefix_last = typing, .count_total = 1,
                      .cut_weak = 1, .lang = lang, .fits = offset == 0};
  /* (fits: whether any article fits, logged with the first page for the
   * no-fit report; the answer does not change) */
  kb_results res;
  char err[256];
  int rc = kb_suggest_search(c->ix, c->geo, a->q, nq, &o, &res, err, sizeof err);
  if (rc != KB_SEARCH_OK) {
    kb_api_error(r, rc == KB_SEARCH_EUTF8 ? 400 : 500, rc == KB_SEARCH_EUTF8 ? "invalid_utf8" : "internal", "%s", err);
    return;
  }
  r->status = 200;
  r->ctype = "application/json";
  kb_buf *b = &r->body;
  kb_buf_puts(b, "{\"query\":");
  S_json_str(b, a->q);
  kb_buf_puts(b, ",\"lang\":");
  S_json_str(b, lang);
  kb_buf_puts(b, ",\"corrected\":"); /* "did you mean", or null */
  S_json_str(b, res.corrected);
  kb_buf_printf(b, ",\"total\":%d,\"results\":[", res.total);
  for (int i = 0; i < res.n; i++) {
    const kb_hit *h = &res.hits[i];
    char *url = kb_api_article_url(c, h->url, h->collection, h->slug, h->lang);
    if (i) kb_buf_putc(b, ',');
    S_put_hit_head(c->ix, b, h, url);
    kb_buf_puts(b, ",\"type\":");
    S_json_str(b, h->type);
    kb_buf_puts(b, ",\"lang\":");
    S_json_str(b, h->lang);
    kb_buf_puts(b, ",\"snippet\":");
    if (!h->cut.json || !kb_hit_put_snippet_json(c->ix, h, b)) S_json_str(b, h->snippet);
    kb_buf_puts(b, "}");
    free(url);
  }
  kb_buf_printf(b, "],\"took_ms\":%.3f}", S_ms_since(&t0));
  if (offset == 0)
    kb_events_search(c->events, a->q, a->collection, lang, res.total, res.nothing_fits,
                     res.nothing_fits >= 0 && res.n > 0 ? res.hits[0].slug : NULL);
  kb_results_free(&res);
}

/*--- Articles ------------------------------------------------------------*/

void kb_api_article(const kb_ctx *c, const char *collection, const char *slug,
                    kb_http_resp *r) {
  if (!S_name_ok(slug) || (collection && !S_name_ok(collection))) {
    kb_api_error(r, 404, "not_found", "no such article");
    return;
  }
  kb_doc d;
  int found = kb_index_get(c->ix, collection, slug, &d);
  if (found <= 0) {
    if (found < 0) kb_api_error(r, 500, "internal", "reading the article failed");
    else kb_api_error(r, 404, "not_found", "no article '%s' in collection '%s'", slug,
                      collection ? collection : "default");
    return;
  }
  char *url = kb_api_article_url(c, d.url, d.collection, d.slug, d.lang);
  kb_buf *b = &r->body;
  r->status = 200;
  r->ctype = "application/json";
  r->cache = "public, max-age=60";
  kb_buf_puts(b, "{\"slug\":");
  S_json_str(b, d.slug);
  kb_buf_puts(b, ",\"collection\":");
  S_json_str(b, d.collection);
  kb_buf_puts(b, ",\"title\":");
  S_json_str(b, d.title);
  kb_buf_puts(b, ",\"url\":");
  S_json_str(b, url);
  kb_buf_puts(b, ",\"lang\":");
  S_json_str(b, d.lang);
  kb_buf_puts(b, ",\"type\":");
  S_json_str(b, d.type);
  /* tags, phrases and store are JSON the indexer wrote */
  kb_buf_printf(b, ",\"tags\":%s,\"phrases\":%s,\"reply\":", d.tags ? d.tags : "[]",
                d.phrases ? d.phrases : "[]");
  S_json_str(b, d.reply);
  kb_buf_puts(b, ",\"escalate\":");
  S_json_str(b, d.escalate);
  kb_buf_puts(b, ",\"summary\":");
  S_json_str(b, d.summary);
  kb_buf_puts(b, ",\"html\":");
  S_json_str(b, d.html);
  kb_buf_printf(b, ",\"store\":%s}", d.store ? d.store : "null");
  free(url);
  kb_doc_free(&d);
}
