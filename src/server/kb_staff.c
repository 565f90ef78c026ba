/*
 * kb_staff.c - the staff's pages, behind a role when keys are set
 * (kb_session.h): the agent console (/agent: a mention's suggestion cards
 * and the form that records what the agent did with them), the knowledge
 * team's KB health page (/kb-health) and queue (/team/queue, /team/flag,
 * /team/unanswered), and the sign-in form (/signin). kb_web.c routes to
 * them; the page frame is kb_page.c's.
 */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kb_page.h"
#include "kb_reply.h"
#include "kb_suggest.h"
#include "kb_session.h"
#include "kb_ui.h"
#include "server.h"

/*--- Agent console -------------------------------------------------------*/

static void S_collections_cb(void *ctx, const char *coll, const char *slug, const char *title) {
  kb_buf *seen = ctx;
  (void)slug; (void)title;
  kb_buf key = KB_BUF_INIT;
  kb_buf_printf(&key, "\n%s\n", coll);
  if (!strstr(kb_buf_str(seen), kb_buf_str(&key))) {
    kb_buf_puts(seen, coll);
    kb_buf_putc(seen, '\n');
  }
  kb_buf_cleanup(&key);
}

/* 1 if url's host is a loopback address (customers cannot open it). */
static int S_loopback_url(const char *url) {
  const char *h = url ? strstr(url, "://") : NULL;
  if (!h) return 0;
  h += 3;
  return !strncmp(h, "127.", 4) || !strncmp(h, "localhost", 9) || !strncmp(h, "[::1]", 5) ||
         !strncmp(h, "0.0.0.0", 7);
}

/* Confidence in words, calibrated by kb_suggest_threshold(): from it a
 * suggestion is very probably right and sent as answerable
 * (docs/relevance.md). */
static const char *S_conf_words(double conf, int asks, const char **cls) {
  if (conf >= kb_suggest_threshold(asks)) return *cls = "conf-good", "Good match";
  if (conf >= 0.35) return *cls = "conf-fair", "Possible match";
  return *cls = "conf-weak", "Weak match";
}

static void S_hidden(kb_buf *b, const char *name, const char *v) {
  kb_buf_printf(b, "<input type=\"hidden\" name=\"%s\" value=\"", name);
  kb_page_h(b, v);
  kb_buf_puts(b, "\">");
}

/* The name of an index language in the agent's (the console's) language,
 * from ui.tsv's lang.in.CODE, else the code. */
static const char *S_lang_name(const kb_ctx *c, const char *code) {
  char k[32];
  snprintf(k, sizeof k, "lang.in.%s", code);
  const char *v = kb_ui_find(c, k);
  return v ? v : code;
}

/* One suggestion card: a form that records what the agent did with it
 * (POST /agent/feedback without JavaScript; app.js copies and records). */
static void S_card(const kb_ctx *c, kb_buf *b, const kb_suggest_result *res, int i, int n,
                   const char *text, const char *handle, const char *coll) {
  const kb_hit *h = res->s[i].hit;
  int len = 0;
  char *reply = kb_api_reply(res, i, text, handle, &len);
  const char *cls, *words = S_conf_words(res->s[i].confidence, res->asks, &cls);
  kb_buf_puts(b, "<li class=\"suggestion\" data-slug=\"");
  kb_page_h(b, h->slug);
  kb_buf_puts(b, "\" data-collection=\"");
  kb_page_h(b, h->collection);
  kb_buf_printf(b, "\" data-confidence=\"%.3f\"><form class=\"card\" action=\"/agent/feedback\" method=\"post\">",
                res->s[i].confidence);
  S_hidden(b, "text", text);
  S_hidden(b, "author", handle);
  S_hidden(b, "brand", coll);
  S_hidden(b, "collection", h->collection);
  S_hidden(b, "slug", h->slug);
  S_hidden(b, "original", reply);
  kb_buf_puts(b, "<div class=\"head\"><h2><a href=\"");
  const char *pre = kb_suggest_lang_prefix(c->ix, h->lang); /* its language's site */
  if (pre) kb_buf_printf(b, "/%s", pre);
  kb_page_article_link(b, h->collection, h->slug);
  kb_buf_puts(b, "\">");
  kb_page_h(b, h->title);
  kb_buf_printf(b, "</a></h2><p class=\"confidence %s\">%s</p>", cls, words);
  if (res->s[i].fallback) {
    kb_buf_puts(b, "<p class=\"fallback\">");
    kb_page_h(b, S_lang_name(c, h->lang));
    kb_buf_puts(b, " fallback: no article in the mention's language</p>");
  }
  if (h->escalate) kb_buf_puts(b, "<p class=\"escalate\">Move to DM</p>");
  kb_buf_printf(b, "</div><label for=\"reply-%d\" class=\"vh\">Reply %d</label>"
                   "<textarea id=\"reply-%d\" class=\"reply\" name=\"reply\" rows=\"3\" lang=\"", n, n, n);
  kb_buf_puts(b, kb_ui_tag(c, h->lang));
  kb_buf_puts(b, "\">");
  kb_page_h(b, reply);
  kb_buf_printf(b, "</textarea><div class=\"actions\"><p class=\"count\"><span class=\"n\">%d</span>/280</p>", len);
  if (c->feedback)
    kb_buf_printf(b, "<button type=\"submit\" class=\"copy\" name=\"action\" value=\"sent\">"
                     "<span class=\"label\">Mark sent</span> <kbd>%d</kbd></button>"
                     "<button type=\"submit\" class=\"dismiss\" name=\"action\" value=\"dismissed\">Not relevant</button>", n);
  else
    kb_buf_printf(b, "<button type=\"button\" class=\"copy\"><span class=\"label\">Copy reply</span> <kbd>%d</kbd></button>", n);
  kb_buf_puts(b, "</div><p class=\"snippet\">");
  kb_buf_puts(b, h->snippet ? h->snippet : "");
  kb_buf_puts(b, "</p></form>");
  if (c->data_dir) {
    kb_buf_puts(b, "<details class=\"flag\"><summary>Flag this article</summary>"
                   "<form class=\"flag\" action=\"/team/flag\" method=\"post\">");
    S_hidden(b, "text", text);
    S_hidden(b, "author", handle);
    S_hidden(b, "brand", coll);
    S_hidden(b, "collection", h->collection);
    S_hidden(b, "slug", h->slug);
    kb_buf_printf(b, "<label for=\"flag-reason-%d\">What is wrong with it?</label><select id=\"flag-reason-%d\" name=\"reason\">"
                     "<option value=\"wrong\">It is wrong</option><option value=\"outdated\">It is out of date</option>"
                     "<option value=\"missing\">It misses this case</option></select>"
                     "<label for=\"flag-note-%d\">Note for the knowledge team</label><input id=\"flag-note-%d\" name=\"note\" maxlength=\"2000\">"
                     "<button type=\"submit\">Send to the knowledge team</button></form></details>", n, n, n, n);
  }
  kb_buf_puts(b, "</li>");
  free(reply);
}

/* The cards for one mention, most confident first. */
/* "Language: French, detected (0.92)" or "..., chosen": what the cards
 * were answered in, so the agent can correct it. */
static void S_lang_status(const kb_ctx *c, kb_buf *b, const kb_suggest_result *res, int chosen) {
  kb_buf_puts(b, "<p class=\"lang\" id=\"agent-lang\">Language: <strong>");
  kb_page_h(b, S_lang_name(c, res->lang));
  kb_buf_puts(b, "</strong>");
  if (chosen) kb_buf_puts(b, ", chosen by you");
  else kb_buf_printf(b, ", detected (confidence %.2f)", res->lang_confidence);
  if (res->fallback) {
    kb_buf_puts(b, ": no article fits in it, so these are ");
    kb_page_h(b, S_lang_name(c, kb_index_lang_code(c->ix, kb_index_default_lang(c->ix))));
    kb_buf_puts(b, " articles");
  }
  kb_buf_puts(b, "</p>");
}

static void S_suggestions(const kb_ctx *c, kb_buf *b, const char *text, const char *handle,
                          const char *coll, const char *lang) {
  kb_suggest_opts o = {.collection = coll && *coll ? coll : NULL, .limit = 5,
                       .public_url = c->public_url, .feedback = c->feedback,
                       .lang = lang && *lang ? lang : NULL};
  kb_suggest_result res;
  char err[256];
  if (kb_suggest(c->ix, c->geo, text, strlen(text), &o, &res, err, sizeof err) != 0) {
    kb_buf_puts(b, "<p class=\"unanswerable\">That mention could not be read.</p>");
    return;
  }
  kb_buf_printf(b, "<p class=\"status\" id=\"agent-status\" role=\"status\">%d suggestion%s",
                res.n, res.n == 1 ? "" : "s");
  if (handle) {
    kb_buf_puts(b, " for @");
    kb_page_h(b, handle);
  }
  kb_buf_puts(b, "</p>");
  S_lang_status(c, b, &res, o.lang != NULL);
  if (res.has_place) {
    kb_buf_puts(b, "<p class=\"place\">Place: ");
    kb_page_h(b, res.place.name);
    if (res.place.store) {
      kb_buf_puts(b, " \xC2\xB7 store: <a href=\"");
      kb_page_article_link(b, res.place.store->collection, res.place.store->slug);
      kb_buf_puts(b, "\">");
      kb_page_h(b, res.place.store->title);
      kb_buf_puts(b, "</a>");
    } else {
      kb_buf_puts(b, " \xC2\xB7 no store there: replies link the <a href=\"/stores?near=");
      kb_buf_put_query(b, res.place.name, 1);
      kb_buf_puts(b, "\">nearest stores</a>");
    }
    kb_buf_puts(b, "</p>");
  }
  if (res.res.corrected) {
    kb_buf_puts(b, "<p class=\"didyoumean\">Read as \xE2\x80\x9C");
    kb_page_h(b, res.res.corrected);
    kb_buf_puts(b, "\xE2\x80\x9D</p>");
  }
  /* nothing fits (the abstention model) or no sure match (the confidence) */
  if (res.nothing_fits)
    kb_buf_puts(b, "<p class=\"unanswerable\">No article fits this mention: these are the closest.</p>");
  else if (!res.answerable)
    kb_buf_puts(b, "<p class=\"unanswerable\">No sure match: check these before sending.</p>");
  int order[10], n = res.n < 10 ? res.n : 10;
  for (int i = 0; i < n; i++) order[i] = i;
  for (int i = 1; i < n; i++) /* stable: by confidence, then rank */
    for (int j = i; j > 0 && res.s[order[j]].confidence > res.s[order[j - 1]].confidence; j--) {
      int t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
  kb_buf_puts(b, "<ol class=\"suggestions\">");
  for (int k = 0; k < n; k++) S_card(c, b, &res, order[k], k + 1, text, handle, coll);
  kb_buf_puts(b, "</ol>");
  if (c->data_dir) {
    kb_buf_puts(b, "<details class=\"miss\"><summary>No article fits: send to the team</summary>"
                   "<form class=\"miss\" action=\"/team/unanswered\" method=\"post\">");
    S_hidden(b, "text", text);
    S_hidden(b, "author", handle);
    S_hidden(b, "brand", coll);
    kb_buf_puts(b, "<label for=\"miss-note\">What would have answered it?</label><input id=\"miss-note\" name=\"note\" maxlength=\"2000\">"
                   "<button type=\"submit\">Send to the knowledge team</button></form></details>");
  }
  kb_events_mention(c->events, text, o.collection, res.answerable, res.n ? res.s[0].hit->slug : NULL);
  kb_suggest_result_free(&res);
}

void kb_staff_agent_page(const kb_ctx *c, const kb_web_args *a, kb_http_resp *r) {
  const char *text = a->text, *author = a->author, *coll = a->collection;
  const char *done = a->arg ? a->arg(a->h, "done") : NULL;
  const char *lang = a->arg ? a->arg(a->h, "lang") : NULL; /* the agent's choice, or detect */
  int bad_lang = lang && *lang && kb_index_lang_find(c->ix, lang) < 0;
  /* signed in (a session cookie does for the console's requests), or no
   * keys: the key field is only for a browser that is neither */
  int keys = a->keys && !(a->roles & KB_ROLE_AGENT), invalid = 0;
  const char *handle = kb_reply_handle(author, &invalid);
  kb_page_html(r, 200);
  kb_buf *b = &r->body;
  kb_web_page_start(c, b, "Agent console", "agent");
  kb_buf_puts(b, "<h1>Agent console</h1><div class=\"console\"><div class=\"side\">");
  if (S_loopback_url(c->public_url)) {
    kb_buf_puts(b, "<p class=\"notice loopback\">Replies link to <code>");
    kb_page_h(b, c->public_url);
    kb_buf_puts(b, "</code>, which customers cannot open: start kb-serve with <code>--public-url</code>.</p>");
  }
  if (done && !strcmp(done, "sent"))
    kb_buf_puts(b, "<p class=\"notice done\" role=\"status\">Recorded as sent. Ready for the next mention.</p>");
  else if (done && !strcmp(done, "dismissed"))
    kb_buf_puts(b, "<p class=\"notice done\" role=\"status\">Recorded as not relevant.</p>");
  else if (done && !strcmp(done, "flagged"))
    kb_buf_puts(b, "<p class=\"notice done\" role=\"status\">Flagged for the knowledge team. Thank you.</p>");
  else if (done && !strcmp(done, "queued"))
    kb_buf_puts(b, "<p class=\"notice done\" role=\"status\">Sent to the knowledge team. Ready for the next mention.</p>");
  kb_buf_printf(b, "<form id=\"agent-form\" class=\"agent\" action=\"/agent\" method=\"get\""
                   " data-feedback=\"%d\" data-keys=\"%d\" data-queue=\"%d\" data-deflang=\"%s\">",
                c->feedback ? 1 : 0, keys, c->data_dir ? 1 : 0,
                kb_index_lang_code(c->ix, kb_index_default_lang(c->ix)));
  kb_buf_puts(b, "<label for=\"mention\">Customer's mention</label><textarea id=\"mention\" name=\"text\" rows=\"4\" required>");
  kb_page_h(b, text);
  kb_buf_puts(b, "</textarea><label for=\"handle\">Customer's handle</label>"
                 "<input id=\"handle\" name=\"author\" placeholder=\"without @\" autocomplete=\"off\" value=\"");
  kb_page_h(b, author);
  kb_buf_puts(b, "\"><label for=\"collection\">Brand</label><select id=\"collection\" name=\"collection\"><option value=\"\">All</option>");
  kb_buf seen = KB_BUF_INIT;
  kb_buf_putc(&seen, '\n');
  kb_index_list_lang(c->ix, kb_page_lang(c), S_collections_cb, &seen);
  char *list = kb_xstrdup(kb_buf_str(&seen)), *save = NULL;
  for (char *t = strtok_r(list, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
    kb_buf_puts(b, "<option");
    if (coll && !strcmp(coll, t)) kb_buf_puts(b, " selected");
    kb_buf_puts(b, ">");
    kb_page_h(b, t);
    kb_buf_puts(b, "</option>");
  }
  free(list);
  kb_buf_cleanup(&seen);
  kb_buf_puts(b, "</select><label for=\"mlang\">Language of the mention</label><select id=\"mlang\" name=\"lang\">"
                 "<option value=\"\">Detect from its words</option>");
  for (int i = 0; i < kb_index_nlangs(c->ix); i++) {
    const char *code = kb_index_lang_code(c->ix, i);
    kb_buf_printf(b, "<option value=\"%s\"%s>", code, lang && !strcmp(lang, code) ? " selected" : "");
    kb_page_h(b, S_lang_name(c, code));
    kb_buf_puts(b, "</option>");
  }
  kb_buf_puts(b, "</select>");
  if (keys)
    kb_buf_puts(b, "<label for=\"apikey\" class=\"apikey\">API key</label>"
                   "<input id=\"apikey\" class=\"apikey\" type=\"password\" autocomplete=\"off\">");
  kb_buf_puts(b, "<button type=\"submit\">Suggest <kbd>Ctrl</kbd>+<kbd>Enter</kbd></button></form></div>"
                 "<div class=\"cards\"><div id=\"banner\" class=\"banner\" role=\"alert\" hidden></div>"
                 "<div id=\"suggestions\" data-text=\"");
  kb_page_h(b, text && *text ? text : "");
  kb_buf_puts(b, "\" data-author=\"");
  kb_page_h(b, handle ? handle : "");
  kb_buf_puts(b, "\">");
  if (bad_lang)
    kb_buf_puts(b, "<p class=\"unanswerable\">That language is not one of the knowledge base's.</p>");
  else if (text && *text && !keys && !invalid && kb_text_utf8_valid(text, strlen(text), NULL))
    S_suggestions(c, b, text, handle, coll, lang);
  else if (invalid)
    kb_buf_puts(b, "<p class=\"unanswerable\">The handle must be 1-15 letters, digits or _.</p>");
  kb_buf_puts(b, "</div></div></div>");
  kb_web_page_end(c, b);
}

/*--- The knowledge team: KB health --------------------------------------*/

typedef struct {
  const kb_ctx *c;
  const char *today;   /* YYYY-MM-DD */
  kb_buf *rows;
  int n;
} S_overdue_ctx;

static void S_overdue_cb(void *ctx, const char *coll, const char *slug, const char *title) {
  S_overdue_ctx *o = ctx;
  const char *rb = kb_page_art_meta(o->c, coll, slug, "review_by");
  if (!rb || strcmp(rb, o->today) >= 0) return;
  const char *owner = kb_page_art_meta(o->c, coll, slug, "owner");
  kb_buf_puts(o->rows, "<tr><td><a href=\"");
  kb_page_article_link(o->rows, coll, slug);
  kb_buf_puts(o->rows, "\">");
  kb_page_h(o->rows, title);
  kb_buf_puts(o->rows, "</a></td><td>");
  kb_page_h(o->rows, owner ? owner : "nobody");
  kb_buf_puts(o->rows, "</td><td>");
  kb_ui_date(o->c, o->rows, rb);
  kb_buf_puts(o->rows, "</td></tr>");
  o->n++;
}

/* One problem of the build, "PATH:LINE: error: message": its place made
 * relative to the knowledge base, the message, and the fix. */
static void S_problem(const kb_web *w, kb_buf *b, const char *kbdir, const char *p) {
  size_t kl = kbdir ? strlen(kbdir) : 0;
  if (kl && !strncmp(p, kbdir, kl) && p[kl] == '/') p += kl + 1;
  const char *lv = strstr(p, ": error: "), *wn = strstr(p, ": warning: ");
  const char *sep = lv && (!wn || lv < wn) ? lv : wn;
  int err = sep == lv && lv;
  kb_buf_printf(b, "<li class=\"%s\"><span class=\"level\">%s</span> ", err ? "error" : "warning",
                err ? "Error" : "Warning");
  if (!sep) {
    kb_page_h(b, p);
    kb_buf_puts(b, "</li>");
    return;
  }
  const char *msg = sep + (err ? 9 : 11);
  kb_buf_puts(b, "<code class=\"where\">");
  kb_buf_put_html(b, p, (size_t)(sep - p));
  kb_buf_puts(b, "</code> ");
  kb_page_h(b, msg);
  for (int i = 0; w && i + 1 < w->nfixes; i += 2)
    if (!strncmp(msg, w->fixes[i], strlen(w->fixes[i]))) {
      kb_buf_puts(b, "<p class=\"fix\">How to fix: ");
      kb_page_h(b, w->fixes[i + 1]);
      kb_buf_puts(b, "</p>");
      break;
    }
  kb_buf_puts(b, "</li>");
}

/* /kb-health: the indexer's last build of the served index (errors and
 * warnings with their fixes), the version serving, and the articles
 * overdue for review. app.js reloads it when /healthz changes. */
void kb_staff_health_page(const kb_web *w, const kb_ctx *c, kb_http_resp *r) {
  kb_page_html(r, 200);
  kb_buf *b = &r->body;
  kb_web_page_start(c, b, "Knowledge-base health", "team-health");
  kb_buf_puts(b, "<h1>Knowledge-base health</h1><div id=\"health\">");
  kb_buf js = KB_BUF_INIT;
  kb_buf_putc(&js, '{');
  int have = c->live && kb_live_kb_status(c->live, &js);
  kb_buf_putc(&js, '}');
  cJSON *root = have ? cJSON_Parse(kb_buf_str(&js)) : NULL, *st = cJSON_GetObjectItemCaseSensitive(root, "kb");
  kb_buf_cleanup(&js);
  const char *built = kb_index_meta(c->ix, "built");
  cJSON *errs = cJSON_GetObjectItemCaseSensitive(st, "errors"), *warns = cJSON_GetObjectItemCaseSensitive(st, "warnings");
  int ne = cJSON_IsNumber(errs) ? errs->valueint : 0, nw = cJSON_IsNumber(warns) ? warns->valueint : 0;
  const char *fin = kb_page_jstr(st, "finished"), *kbdir = kb_page_jstr(st, "kb");
  cJSON *builds = cJSON_GetObjectItemCaseSensitive(st, "builds");
  kb_buf_printf(b, "<div class=\"state %s\" data-builds=\"%d\" data-building=\"%s\" data-finished=\"",
                ne ? "bad" : "good", cJSON_IsNumber(builds) ? builds->valueint : 0,
                cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "building")) ? "true" : "false");
  kb_page_h(b, fin ? fin : "");
  kb_buf_puts(b, "\">");
  if (!st) {
    kb_buf_puts(b, "<p>No build status beside this index: it was built elsewhere. Run <code>kb-index --check</code>"
                   " on the knowledge base, or serve it with <code>kb-serve --kb</code>, to see problems here.</p>");
  } else if (ne) {
    kb_buf_printf(b, "<p><strong>%d error%s</strong> and %d warning%s in the last save", ne, ne == 1 ? "" : "s", nw,
                  nw == 1 ? "" : "s");
    if (fin) {
      kb_buf_puts(b, " (checked ");
      kb_page_h(b, fin);
      kb_buf_puts(b, ")");
    }
    kb_buf_puts(b, ". Customers and agents are not affected: the last good version is serving since ");
    kb_page_h(b, built ? built : "it was built");
    kb_buf_puts(b, ".</p>");
  } else {
    kb_buf_printf(b, "<p><strong>No errors</strong>, %d warning%s. Serving the version built ", nw, nw == 1 ? "" : "s");
    kb_page_h(b, built ? built : "");
    kb_buf_puts(b, ".</p>");
  }
  kb_buf_puts(b, "</div>");
  cJSON *probs = cJSON_GetObjectItemCaseSensitive(st, "problems");
  if (cJSON_GetArraySize(probs) > 0) {
    kb_buf_puts(b, "<h2>Problems</h2><ol class=\"problems\">");
    cJSON *p;
    cJSON_ArrayForEach(p, probs) if (cJSON_IsString(p)) S_problem(w, b, kbdir, p->valuestring);
    kb_buf_puts(b, "</ol>");
  }
  cJSON_Delete(root);
  char today[16];
  time_t now = time(NULL);
  struct tm tm;
  strftime(today, sizeof today, "%Y-%m-%d", localtime_r(&now, &tm));
  kb_buf rows = KB_BUF_INIT;
  S_overdue_ctx o = {.c = c, .today = today, .rows = &rows};
  kb_index_list_lang(c->ix, kb_page_lang(c), S_overdue_cb, &o);
  kb_buf_printf(b, "<h2>Overdue for review</h2>");
  if (o.n) {
    kb_buf_puts(b, "<table class=\"overdue\"><caption>Articles past their review_by date</caption><thead><tr>"
                   "<th scope=\"col\">Article</th><th scope=\"col\">Owner</th><th scope=\"col\">Review by</th></tr></thead><tbody>");
    kb_buf_put(b, kb_buf_str(&rows), rows.n);
    kb_buf_puts(b, "</tbody></table>");
  } else {
    kb_buf_puts(b, "<p>None: every article with a <code>review_by</code> date is within it.</p>");
  }
  kb_buf_cleanup(&rows);
  kb_buf_puts(b, "</div>");
  kb_web_page_end(c, b);
}

/*--- Sign-in -------------------------------------------------------------*/

/* GET /signin: the staff's sign-in form (the key once; a session cookie
 * afterwards, kb_session.h); next is where to go back to. */
void kb_staff_signin_page(const kb_ctx *c, const kb_web_args *a, kb_http_resp *r) {
  const char *next = a->arg ? a->arg(a->h, "next") : NULL;
  const char *failed = a->arg ? a->arg(a->h, "failed") : NULL;
  kb_page_html(r, failed ? 401 : 200);
  kb_buf *b = &r->body;
  kb_web_page_start(c, b, "Sign in", "team-signin");
  kb_buf_puts(b, "<h1>Sign in</h1>");
  if (!a->keys)
    kb_buf_puts(b, "<p>This server has no API keys: the console and the team's pages are open.</p>");
  if (failed) kb_buf_puts(b, "<p class=\"notice\" role=\"alert\">That key is not one of this server's. Try again.</p>");
  kb_buf_puts(b, "<form class=\"signin\" method=\"post\" action=\"/signin\">"
                 "<label for=\"key\">Your API key</label>"
                 "<input id=\"key\" name=\"key\" type=\"password\" autocomplete=\"current-password\" required>"
                 "<input type=\"hidden\" name=\"next\" value=\"");
  kb_page_h(b, next && next[0] == '/' && next[1] != '/' ? next : "/agent");
  kb_buf_puts(b, "\"><button type=\"submit\">Sign in</button></form>"
                 "<p>Agents' keys open the console; the knowledge team's open the reports, the KB health page "
                 "and the queue. You stay signed in for 8 hours on this browser, or until you sign out.</p>");
  kb_web_page_end(c, b);
}

/* The staff's pages need a role when keys are set: a page read without it
 * goes to the sign-in form (and comes back after), anything else is 401.
 * Returns 1 when the request may go on. */
int kb_staff_allowed(const kb_ctx *c, const kb_web_args *a, const char *method, const char *url,
                     int role, kb_http_resp *r) {
  if (!a->keys || (a->roles & role)) return 1;
  if (!strcmp(method, "GET") || !strcmp(method, "HEAD")) {
    r->status = 303;
    r->ctype = "text/html; charset=utf-8";
    r->html = 1;
    kb_buf loc = KB_BUF_INIT;
    kb_buf_puts(&loc, "/signin?next=");
    kb_buf_put_query(&loc, url, 1);
    r->location = kb_buf_detach(&loc);
    kb_buf_puts(&r->body, "<!doctype html><title>Sign in</title><p><a href=\"/signin\">Sign in</a> first.</p>");
  } else {
    kb_page_error(c, r, 401, "Sign in needed", a->roles ? "Your key does not open this page." : "Sign in with your key first.");
  }
  return 0;
}

/*--- The agent console's form -------------------------------------------*/

/* Back to the console after a form (303, so a reload does not post
 * again): the same mention's cards (text given) or an empty form, with
 * done= saying what was recorded; said is the body for a client that does
 * not follow redirects. */
static void S_back_to_agent(kb_http_resp *r, const char *done, const char *text, const char *handle,
                            const char *brand, const char *said) {
  r->status = 303;
  r->ctype = "text/html; charset=utf-8";
  r->html = 1;
  kb_buf loc = KB_BUF_INIT;
  kb_buf_printf(&loc, "/agent?done=%s", done);
  if (text) {
    kb_buf_puts(&loc, "&text=");
    kb_buf_put_query(&loc, text, 1);
  }
  if (handle) {
    kb_buf_puts(&loc, "&author=");
    kb_buf_put_query(&loc, handle, 1);
  }
  if (brand && *brand) {
    kb_buf_puts(&loc, "&collection=");
    kb_buf_put_query(&loc, brand, 1);
  }
  r->location = kb_buf_detach(&loc);
  kb_buf_printf(&r->body, "<!doctype html><title>%s</title><p>%s</p>", said, said);
}

/* POST /agent/feedback from a card without JavaScript: record what the
 * agent did, then back to the console (303): a clear form after "sent",
 * the same mention's cards after "not relevant". */
void kb_staff_agent_feedback_form(const kb_ctx *c, const char *body, size_t n, kb_http_resp *r) {
  static const char *const keys[] = {"text", "author", "brand", "collection", "slug", "original", "reply", "action"};
  char *v[8];
  for (int i = 0; i < 8; i++) {
    v[i] = kb_web_form_value(body, n, keys[i]);
    if (v[i] && !kb_text_utf8_valid(v[i], strlen(v[i]), NULL)) {
      free(v[i]);
      v[i] = NULL;
    }
  }
  const char *text = v[0], *author = v[1], *brand = v[2], *coll = v[3], *slug = v[4], *action = v[7];
  int bad = 0;
  const char *handle = kb_reply_handle(author, &bad);
  kb_doc d;
  if (!text || !*text || !slug || !action || bad || (strcmp(action, "sent") && strcmp(action, "dismissed")) ||
      kb_index_get(c->ix, coll && *coll ? coll : NULL, slug, &d) != 1) {
    kb_page_error(c, r, 400, "Something went wrong", "That could not be recorded: go back and try again.");
  } else {
    const char *act = action;
    if (!strcmp(action, "sent") && v[5] && v[6] && strcmp(v[5], v[6])) act = "edited";
    char err[256];
    long long id;
    kb_feedback_row row = {.text = text, .collection = d.collection, .slug = d.slug, .action = act,
                           .author = handle};
    if (kb_api_store_feedback(c, &row, &id, NULL, err, sizeof err) != KB_FEEDBACK_OK) {
      kb_page_error(c, r, 503, "Not recorded", "The feedback store is busy: go back and try again.");
    } else {
      /* sent: an empty form for the next tweet; dismissed: the same cards */
      int sent = !strcmp(action, "sent");
      S_back_to_agent(r, sent ? "sent" : "dismissed", sent ? NULL : text, sent ? NULL : handle, brand,
                      "Recorded.");
    }
    kb_doc_free(&d);
  }
  for (int i = 0; i < 8; i++) free(v[i]);
}

/*--- The knowledge team's queue -----------------------------------------*/

kb_queue *kb_staff_queue(kb_web *w, const kb_ctx *c) {
  if (!c->data_dir) return NULL;
  pthread_mutex_lock(&w->mu);
  if (!w->queue) {
    char err[256], *path = kb_fmt("%s/queue.sqlite", c->data_dir);
    w->queue = kb_queue_open(path, err, sizeof err);
    if (!w->queue) fprintf(stderr, "kb-serve: the knowledge team's queue: %s\n", err);
    free(path);
  }
  kb_queue *q = w->queue;
  pthread_mutex_unlock(&w->mu);
  return q;
}


/* POST /team/flag and /team/unanswered. */
void kb_staff_queue_form(kb_web *w, const kb_ctx *c, int flag, const char *body, size_t n, kb_http_resp *r) {
  static const char *const keys[] = {"text", "author", "brand", "collection", "slug", "reason", "note"};
  char *v[7];
  int bad = 0;
  for (int i = 0; i < 7; i++) {
    v[i] = kb_web_form_value(body, n, keys[i]);
    if (v[i] && (!kb_text_utf8_valid(v[i], strlen(v[i]), NULL) || strlen(v[i]) > 10000)) bad = 1;
  }
  const char *handle = bad ? NULL : kb_reply_handle(v[1], &bad);
  kb_queue *q = kb_staff_queue(w, c);
  kb_doc d;
  int art = 0;
  if (!bad && flag) {
    bad = !v[4] || !v[5] || (strcmp(v[5], "wrong") && strcmp(v[5], "outdated") && strcmp(v[5], "missing")) ||
          kb_index_get(c->ix, v[3] && *v[3] ? v[3] : NULL, v[4], &d) != 1;
    art = !bad;
  } else if (!bad) {
    bad = !v[0] || !*v[0];
  }
  if (bad) kb_page_error(c, r, 400, "Something went wrong", "That could not be sent: go back and try again.");
  else if (!q || kb_queue_add(q, flag ? "flag" : "unanswered", art ? d.collection : NULL, art ? d.slug : NULL,
                              flag ? v[5] : NULL, v[6], v[0], handle) != 0)
    kb_page_error(c, r, 503, "Not sent", "The knowledge team's queue cannot be written now: try again.");
  else if (flag) S_back_to_agent(r, "flagged", v[0], handle, v[2], "Sent to the knowledge team.");
  else S_back_to_agent(r, "queued", NULL, NULL, v[2], "Sent to the knowledge team.");
  if (art) kb_doc_free(&d);
  for (int i = 0; i < 7; i++) free(v[i]);
}

typedef struct {
  const kb_ctx *c;
  kb_buf *b;
} S_queue_ctx;

static void S_queue_row(void *ctx, long long id, const char *ts, const char *kind, const char *coll,
                        const char *slug, const char *reason, const char *note, const char *mention,
                        const char *author) {
  S_queue_ctx *x = ctx;
  kb_buf *b = x->b;
  static const char *const reasons[][2] = {{"wrong", "Wrong"}, {"outdated", "Out of date"}, {"missing", "Misses a case"}};
  const char *why = "No article fits";
  for (int i = 0; reason && i < 3; i++)
    if (!strcmp(reason, reasons[i][0])) why = reasons[i][1];
  kb_buf_printf(b, "<li class=\"item %s\"><p class=\"what\"><strong>", !strcmp(kind, "flag") ? "flag" : "unanswered");
  kb_page_h(b, why);
  kb_buf_puts(b, "</strong>");
  if (slug) {
    kb_doc d;
    kb_buf_puts(b, ": <a href=\"");
    kb_page_article_link(b, coll, slug);
    kb_buf_puts(b, "\">");
    int found = kb_index_get(x->c->ix, coll, slug, &d) == 1;
    kb_page_h(b, found ? d.title : slug);
    if (found) kb_doc_free(&d);
    kb_buf_puts(b, "</a>");
  }
  kb_buf_puts(b, " <span class=\"when\">");
  kb_page_h(b, ts);
  kb_buf_puts(b, "</span></p>");
  if (mention) {
    kb_buf_puts(b, "<blockquote class=\"mention\">");
    if (author) {
      kb_buf_puts(b, "@");
      kb_page_h(b, author);
      kb_buf_puts(b, ": ");
    }
    kb_page_h(b, mention);
    kb_buf_puts(b, "</blockquote>");
  }
  if (note) {
    kb_buf_puts(b, "<p class=\"note\">Note: ");
    kb_page_h(b, note);
    kb_buf_puts(b, "</p>");
  }
  kb_buf_printf(b, "<form action=\"/team/queue/done\" method=\"post\"><input type=\"hidden\" name=\"id\" value=\"%lld\">"
                   "<button type=\"submit\">Done</button></form></li>", id);
}

/* GET /team/queue: what agents sent, newest first. */
void kb_staff_queue_page(kb_web *w, const kb_ctx *c, kb_http_resp *r) {
  kb_queue *q = kb_staff_queue(w, c);
  kb_page_html(r, 200);
  kb_buf *b = &r->body;
  kb_web_page_start(c, b, "The knowledge team's queue", "team-queue");
  kb_buf_puts(b, "<h1>The knowledge team's queue</h1>");
  kb_buf items = KB_BUF_INIT;
  S_queue_ctx x = {.c = c, .b = &items};
  int n = q ? kb_queue_list(q, 200, S_queue_row, &x) : -1;
  if (n < 0) kb_buf_puts(b, "<p>The queue needs a --data directory that can be written.</p>");
  else if (n == 0) kb_buf_puts(b, "<p class=\"count\">Nothing waiting: no flagged articles and no unanswered mentions.</p>");
  else {
    kb_buf_printf(b, "<p class=\"count\">%d waiting, newest first.</p><ol class=\"queue\">", n);
    kb_buf_put(b, kb_buf_str(&items), items.n);
    kb_buf_puts(b, "</ol>");
  }
  kb_buf_cleanup(&items);
  kb_web_page_end(c, b);
}
