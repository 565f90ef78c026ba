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

#include "kb_diag.h"
#include "kb_page.h"
#include "kb_reply.h"
#include "kb_suggest.h"
#include "kb_session.h"
#include "kb_ui.h"
#include "server.h"

/*--- Agent console -------------------------------------------------------*/

/* num, a figure written with a '.', with the page's decimal mark
 * (ui.tsv's number.decimal: "0,71" in French), in place. */
static void S_decimal(const kb_ctx *c, char *num, size_t n) {
  const char *mark = kb_ui_text(c, "number.decimal");
  char *dot = strchr(num, '.');
  if (!dot || !strcmp(mark, ".") || !strcmp(mark, "number.decimal")) return;
  char tail[32];
  snprintf(tail, sizeof tail, "%s", dot + 1);
  snprintf(dot, n - (size_t)(dot - num), "%s%s", mark, tail);
}

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

/*--- Confidence in words -------------------------------------------------*/

int kb_staff_load_bands(kb_web *w, const char *dir, char *err, size_t nerr) {
  char *p = kb_fmt("%s/calibration.tsv", dir);
  size_t n;
  char *data = kb_read_file(p, 64 * 1024, &n);
  int rc = 0, line = 0;
  for (char *ln = data, *next; rc == 0 && ln && *ln; ln = next) {
    next = strchr(ln, '\n');
    if (next) *next++ = 0;
    line++;
    if (*ln == '#' || !*ln) continue;
    kb_staff_band b;
    char rest;
    if (sscanf(ln, "%lf\t%lf\t%d\t%lf %c", &b.lo, &b.hi, &b.lines, &b.precision, &rest) != 4 ||
        !(b.lo >= 0 && b.lo < b.hi) || b.lines < 1 || !(b.precision >= 0 && b.precision <= 1) ||
        (w->nbands && b.lo < w->bands[w->nbands - 1].hi)) {
      snprintf(err, nerr, "%s:%d: expected low<TAB>high<TAB>lines<TAB>precision, bands in order, "
                          "precision from 0 to 1 (written by tests/eval/fit.py)", p, line);
      rc = -1;
      break;
    }
    w->bands = kb_xrealloc(w->bands, (size_t)(w->nbands + 1) * sizeof *w->bands);
    w->bands[w->nbands++] = b;
  }
  free(data);
  free(p);
  return rc;
}

/* The band of confidence conf, or NULL. */
static const kb_staff_band *S_band(const kb_web *w, double conf) {
  for (int i = 0; w && i < w->nbands; i++)
    if (conf >= w->bands[i].lo && conf < w->bands[i].hi) return &w->bands[i];
  return NULL;
}

/* <p class="confidence">: what a card's confidence means. The class says
 * whether it is answerable (the result's threshold); the words, for the
 * first suggestion, how often the check half's first suggestions of that
 * confidence were right ("Right about 8 times in 10", calibration.tsv).
 * That was measured for first suggestions where some article fits only:
 * the others say so instead of borrowing its figure. */
static void S_conf_put(const kb_web *w, const kb_ctx *c, kb_buf *b, const kb_suggest_result *res, int i) {
  double conf = res->s[i].confidence;
  const char *cls = conf >= res->threshold ? "conf-good" : conf >= 0.35 ? "conf-fair" : "conf-weak";
  const kb_staff_band *band = S_band(w, conf);
  kb_buf_printf(b, "<p class=\"confidence %s\"", cls);
  if (!band) { /* no calibration: the words of the threshold */
    kb_buf_puts(b, ">");
    kb_page_t(c, b, !strcmp(cls, "conf-good") ? "agent.conf.good" : !strcmp(cls, "conf-fair") ? "agent.conf.fair" : "agent.conf.weak");
  } else if (res->nothing_fits || i != 0) {
    kb_buf_puts(b, ">");
    kb_page_t(c, b, res->nothing_fits ? "agent.conf.nofit" : "agent.conf.alt");
  } else {
    char cs[16], pct[16], lines[16];
    /* rounded half away from zero, as console.js's Math.round does, so
     * the script's cards and the server's say the same figures */
    snprintf(cs, sizeof cs, "%.2f", (double)lround(conf * 100) / 100);
    S_decimal(c, cs, sizeof cs);
    snprintf(pct, sizeof pct, "%ld", lround(band->precision * 100));
    snprintf(lines, sizeof lines, "%d", band->lines);
    kb_buf_puts(b, " title=\"");
    kb_ui_put(c, b, "agent.conf.title", "conf", cs, "pct", pct, "lines", lines, (const char *)NULL);
    kb_buf_puts(b, "\">");
    long k = lround(band->precision * 10);
    if (k >= 10) kb_page_t(c, b, "agent.conf.always");
    else if (k <= 0) kb_page_t(c, b, "agent.conf.rarely");
    else kb_ui_count(c, b, "agent.conf.band", k, (const char *)NULL);
  }
  kb_buf_puts(b, "</p>");
}

/* <p class="cls">key's text</p>. */
static void S_para(const kb_ctx *c, kb_buf *b, const char *cls, const char *key) {
  kb_buf_printf(b, "<p class=\"%s\">", cls);
  kb_page_t(c, b, key);
  kb_buf_puts(b, "</p>");
}

/* s as a JSON string; inside <script>, so '<' is written \u003c and the
 * element cannot be closed by a text. */
static void S_json_text(kb_buf *b, const char *s) {
  kb_buf_putc(b, '"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') kb_buf_printf(b, "\\%c", *p);
    else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&') kb_buf_printf(b, "\\u%04x", *p);
    else kb_buf_putc(b, (char)*p);
  }
  kb_buf_putc(b, '"');
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
 * (POST /agent/feedback without JavaScript; console.js copies and records). */
static void S_card(const kb_web *w, const kb_ctx *c, kb_buf *b, const kb_suggest_result *res, int i, int n,
                   const char *text, const char *handle, const char *coll) {
  const kb_hit *h = res->s[i].hit;
  int len = 0;
  char *reply = kb_api_reply(c, res, i, handle, &len);
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
  S_hidden(b, "mention_lang", res->lang); /* the reports' language of what the agent does */
  kb_buf_puts(b, "<div class=\"head\"><h2><a href=\"");
  const char *pre = kb_suggest_lang_prefix(c->ix, h->lang); /* its language's site */
  if (pre) kb_buf_printf(b, "/%s", pre);
  kb_page_article_link(b, h->collection, h->slug);
  kb_buf_puts(b, "\">");
  kb_page_h(b, h->title);
  kb_buf_puts(b, "</a></h2>");
  S_conf_put(w, c, b, res, i);
  if (res->s[i].fallback) {
    kb_buf_puts(b, "<p class=\"fallback\">");
    kb_ui_put(c, b, "agent.fallback", "lang", S_lang_name(c, h->lang), (const char *)NULL);
    kb_buf_puts(b, "</p>");
  }
  if (h->escalate) S_para(c, b, "escalate", "agent.escalate");
  char num[16];
  snprintf(num, sizeof num, "%d", n);
  kb_buf_printf(b, "</div><label for=\"reply-%d\" class=\"vh\">", n);
  kb_ui_put(c, b, "agent.reply", "n", num, (const char *)NULL);
  kb_buf_printf(b, "</label><textarea id=\"reply-%d\" class=\"reply\" name=\"reply\" rows=\"3\" lang=\"", n);
  kb_buf_puts(b, kb_ui_tag(c, h->lang));
  kb_buf_puts(b, "\">");
  kb_page_h(b, reply);
  kb_buf_printf(b, "</textarea><div class=\"actions\"><p class=\"count%s\"><span class=\"n\">%d</span>/280</p>",
                len > 280 ? " over" : "", len);
  if (c->feedback) {
    kb_buf_puts(b, "<button type=\"submit\" class=\"copy\" name=\"action\" value=\"sent\"><span class=\"label\">");
    kb_page_t(c, b, "agent.marksent");
    kb_buf_printf(b, "</span> <kbd>%d</kbd></button><button type=\"submit\" class=\"dismiss\" name=\"action\" value=\"dismissed\">", n);
    kb_page_t(c, b, "agent.notrelevant");
    kb_buf_puts(b, "</button>");
  } else {
    kb_buf_puts(b, "<button type=\"button\" class=\"copy\"><span class=\"label\">");
    kb_page_t(c, b, "agent.copy");
    kb_buf_printf(b, "</span> <kbd>%d</kbd></button>", n);
  }
  kb_buf_puts(b, "</div><p class=\"snippet\">");
  kb_buf_puts(b, h->snippet ? h->snippet : "");
  kb_buf_puts(b, "</p></form>");
  if (c->data_dir) {
    kb_buf_puts(b, "<details class=\"flag\"><summary>");
    kb_page_t(c, b, "agent.flag");
    kb_buf_puts(b, "</summary><form class=\"flag\" action=\"/team/flag\" method=\"post\">");
    S_hidden(b, "text", text);
    S_hidden(b, "author", handle);
    S_hidden(b, "brand", coll);
    S_hidden(b, "collection", h->collection);
    S_hidden(b, "slug", h->slug);
    S_hidden(b, "mention_lang", res->lang);
    kb_buf_printf(b, "<label for=\"flag-reason-%d\">", n);
    kb_page_t(c, b, "agent.flag.why");
    kb_buf_printf(b, "</label><select id=\"flag-reason-%d\" name=\"reason\">", n);
    static const char *const reasons[] = {"wrong", "outdated", "missing"};
    for (int k = 0; k < 3; k++) {
      char key[32];
      snprintf(key, sizeof key, "agent.flag.%s", reasons[k]);
      kb_buf_printf(b, "<option value=\"%s\">", reasons[k]);
      kb_page_t(c, b, key);
      kb_buf_puts(b, "</option>");
    }
    kb_buf_printf(b, "</select><label for=\"flag-note-%d\">", n);
    kb_page_t(c, b, "agent.flag.note");
    kb_buf_printf(b, "</label><input id=\"flag-note-%d\" name=\"note\" maxlength=\"2000\"><button type=\"submit\">", n);
    kb_page_t(c, b, "agent.team.send");
    kb_buf_puts(b, "</button></form></details>");
  }
  kb_buf_puts(b, "</li>");
  free(reply);
}

/* The cards for one mention, most confident first. */
/* "Language: French, detected (0.92)" or "..., chosen": what the cards
 * were answered in, so the agent can correct it. */
static void S_lang_status(const kb_ctx *c, kb_buf *b, const kb_suggest_result *res, int chosen) {
  kb_buf name = KB_BUF_INIT;
  kb_buf_puts(&name, "<strong>");
  kb_page_h(&name, S_lang_name(c, res->lang));
  kb_buf_puts(&name, "</strong>");
  char conf[16];
  snprintf(conf, sizeof conf, "%.2f", res->lang_confidence);
  S_decimal(c, conf, sizeof conf);
  kb_buf_puts(b, "<p class=\"lang\" id=\"agent-lang\">");
  /* one sentence per case: the fallback's words depend on the rest */
  const char *key = res->fallback ? (chosen ? "agent.lang.chosen.fallback" : "agent.lang.detected.fallback")
                                  : (chosen ? "agent.lang.chosen" : "agent.lang.detected");
  kb_ui_put(c, b, key, "!lang", kb_buf_str(&name), "conf", conf, "default",
            S_lang_name(c, kb_index_default_code(c->ix)), (const char *)NULL);
  kb_buf_puts(b, "</p>");
  kb_buf_cleanup(&name);
}

static void S_suggestions(const kb_web *w, const kb_ctx *c, kb_buf *b, const char *text, const char *handle,
                          const char *coll, const char *lang) {
  kb_suggest_opts o = {.collection = coll && *coll ? coll : NULL, .limit = 5,
                       .public_url = c->public_url, .feedback = c->feedback,
                       .lang = lang && *lang ? lang : NULL};
  kb_suggest_result res;
  char err[256];
  if (kb_suggest(c->ix, c->geo, text, strlen(text), &o, &res, err, sizeof err) != 0) {
    S_para(c, b, "unanswerable", "agent.unreadable");
    return;
  }
  kb_buf_puts(b, "<p class=\"status\" id=\"agent-status\" role=\"status\">");
  kb_ui_count(c, b, handle ? "agent.count.for" : "agent.count", res.n, "handle", handle, (const char *)NULL);
  kb_buf_puts(b, "</p>");
  S_lang_status(c, b, &res, o.lang != NULL);
  if (res.has_place) {
    kb_buf link = KB_BUF_INIT;
    kb_buf_puts(&link, "<a href=\"");
    if (res.place.store) {
      kb_page_article_link(&link, res.place.store->collection, res.place.store->slug);
      kb_buf_puts(&link, "\">");
      kb_page_h(&link, res.place.store->title);
    } else {
      kb_buf_puts(&link, "/stores?near=");
      kb_buf_put_query(&link, res.place.name, 1);
      kb_buf_puts(&link, "\">");
      kb_page_t(c, &link, "agent.place.nearest");
    }
    kb_buf_puts(&link, "</a>");
    kb_buf_puts(b, "<p class=\"place\">");
    kb_ui_put(c, b, res.place.store ? "agent.place.store" : "agent.place.nostore", "place", res.place.name,
              "!link", kb_buf_str(&link), (const char *)NULL);
    kb_buf_puts(b, "</p>");
    kb_buf_cleanup(&link);
  }
  if (res.res.corrected) {
    kb_buf_puts(b, "<p class=\"didyoumean\">");
    kb_ui_put(c, b, "agent.readas", "q", res.res.corrected, (const char *)NULL);
    kb_buf_puts(b, "</p>");
  }
  /* nothing fits (the abstention model) or no sure match (the confidence) */
  /* (nothing matched at all: the general pages, rule37b) */
  if (res.nothing_fits) S_para(c, b, "unanswerable", res.general ? "agent.general" : "agent.nothingfits");
  else if (!res.answerable) S_para(c, b, "unanswerable", "agent.notsure");
  int order[10], n = res.n < 10 ? res.n : 10;
  for (int i = 0; i < n; i++) order[i] = i;
  for (int i = 1; i < n; i++) /* stable: by confidence, then rank */
    for (int j = i; j > 0 && res.s[order[j]].confidence > res.s[order[j - 1]].confidence; j--) {
      int t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
  kb_buf_puts(b, "<ol class=\"suggestions\">");
  for (int k = 0; k < n; k++) S_card(w, c, b, &res, order[k], k + 1, text, handle, coll);
  kb_buf_puts(b, "</ol>");
  if (c->data_dir) {
    kb_buf_puts(b, "<details class=\"miss\"><summary>");
    kb_page_t(c, b, "agent.miss");
    kb_buf_puts(b, "</summary><form class=\"miss\" action=\"/team/unanswered\" method=\"post\">");
    S_hidden(b, "text", text);
    S_hidden(b, "author", handle);
    S_hidden(b, "brand", coll);
    S_hidden(b, "mention_lang", res.lang);
    kb_buf_puts(b, "<label for=\"miss-note\">");
    kb_page_t(c, b, "agent.miss.note");
    kb_buf_puts(b, "</label><input id=\"miss-note\" name=\"note\" maxlength=\"2000\"><button type=\"submit\">");
    kb_page_t(c, b, "agent.team.send");
    kb_buf_puts(b, "</button></form></details>");
  }
  kb_events_mention(c->events, text, o.collection, res.answerable, res.n ? res.s[0].hit->slug : NULL,
                    res.lang);
  kb_suggest_result_free(&res);
}

/* The console's words its script needs (console.js renders cards, notices and
 * errors itself), as JSON in the page: the keys without "agent.", in the
 * page's language. A <script type="application/json"> is data, not code:
 * the pages' CSP lets it be read. */
static void S_script_words(const kb_ctx *c, kb_buf *b) {
  static const char *const keys[] = {
      "conf.good", "conf.fair", "conf.weak", "conf.band.one", "conf.band.other", "conf.always", "conf.rarely",
      "conf.nofit", "conf.alt", "conf.title", "fallback", "escalate", "reply", "marksent", "notrelevant",
      "copy", "copysend", "flag", "flag.why", "flag.wrong", "flag.outdated", "flag.missing", "flag.note",
      "team.send", "miss", "miss.note", "count.one", "count.other", "count.for.one", "count.for.other",
      "lang.detected", "lang.chosen", "lang.detected.fallback", "lang.chosen.fallback", "place.store",
      "place.nostore", "place.nearest", "readas", "nothingfits", "general", "notsure", "none", "shortcuts", "stale",
      "stale.from", "dismissed", "undo", "undone", "copied", "copied.sent", "announce.copied",
      "announce.sent", "copyfailed", "nothingwell", "fail.record", "fail.send", "fail.suggest", "fail.team",
      "fail.key", "fail.status", "fail.answered", "fail.net", "sent.team", "health.one", "health.other",
      /* every code the API can answer the console with (docs/api.md) */
      "error.bad_request", "error.invalid_json", "error.wrong_type", "error.method_not_allowed",
      "error.unsupported_media_type", "error.forbidden_origin", "error.invalid_utf8", "error.invalid_value",
      "error.missing_field", "error.not_found", "error.out_of_range", "error.payload_too_large",
      "error.uri_too_long", "error.unauthorized", "error.too_many_requests", "error.too_many_connections",
      "error.index_unavailable", "error.feedback_unavailable", "error.reports_unavailable", "error.internal",
      "error.other"};
  kb_buf_puts(b, "<script type=\"application/json\" id=\"agent-words\">{\"plural.one\":");
  S_json_text(b, kb_ui_text(c, "plural.one"));
  kb_buf_puts(b, ",\"number.decimal\":");
  S_json_text(b, kb_ui_text(c, "number.decimal"));
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
    char k[64];
    snprintf(k, sizeof k, "agent.%s", keys[i]);
    kb_buf_puts(b, ",");
    S_json_text(b, keys[i]);
    kb_buf_puts(b, ":");
    S_json_text(b, kb_ui_text(c, k));
  }
  kb_buf_puts(b, "}</script>");
}

/* The key names of a shortcut in the page's language, as <kbd>s. */
static void S_keys(const kb_ctx *c, kb_buf *b) {
  kb_buf_puts(b, "<kbd>");
  kb_page_t(c, b, "key.ctrl");
  kb_buf_puts(b, "</kbd>+<kbd>");
  kb_page_t(c, b, "key.enter");
  kb_buf_puts(b, "</kbd>");
}

void kb_staff_agent_page(const kb_web *w, const kb_ctx *c, const kb_web_args *a, kb_http_resp *r) {
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
  kb_web_page_start(c, b, kb_ui_text(c, "agent.title"), "agent");
  kb_buf_puts(b, "<h1>");
  kb_page_t(c, b, "agent.title");
  kb_buf_puts(b, "</h1><div class=\"console\"><div class=\"side\">");
  if (S_loopback_url(c->public_url)) {
    kb_buf url = KB_BUF_INIT;
    kb_buf_puts(&url, "<code>");
    kb_page_h(&url, c->public_url);
    kb_buf_puts(&url, "</code>");
    kb_buf_puts(b, "<p class=\"notice loopback\">");
    kb_ui_put(c, b, "agent.loopback", "!url", kb_buf_str(&url), "!option", "<code>--public-url</code>",
              (const char *)NULL);
    kb_buf_puts(b, "</p>");
    kb_buf_cleanup(&url);
  }
  static const char *const dones[] = {"sent", "dismissed", "flagged", "queued"};
  for (int i = 0; done && i < 4; i++)
    if (!strcmp(done, dones[i])) {
      char k[32];
      snprintf(k, sizeof k, "agent.done.%s", dones[i]);
      kb_buf_puts(b, "<p class=\"notice done\" role=\"status\">");
      kb_page_t(c, b, k);
      kb_buf_puts(b, "</p>");
    }
  kb_buf_printf(b, "<form id=\"agent-form\" class=\"agent\" action=\"/agent\" method=\"get\""
                   " data-feedback=\"%d\" data-keys=\"%d\" data-queue=\"%d\" data-deflang=\"%s\">",
                c->feedback ? 1 : 0, keys, c->data_dir ? 1 : 0,
                kb_index_default_code(c->ix));
  kb_buf_puts(b, "<label for=\"mention\">");
  kb_page_t(c, b, "agent.mention");
  kb_buf_puts(b, "</label><textarea id=\"mention\" name=\"text\" rows=\"4\" required>");
  kb_page_h(b, text);
  kb_buf_puts(b, "</textarea><label for=\"handle\">");
  kb_page_t(c, b, "agent.handle");
  kb_buf_puts(b, "</label><input id=\"handle\" name=\"author\" placeholder=\"");
  kb_page_t(c, b, "agent.handle.placeholder");
  kb_buf_puts(b, "\" autocomplete=\"off\" value=\"");
  kb_page_h(b, author);
  kb_buf_puts(b, "\"><label for=\"collection\">");
  kb_page_t(c, b, "agent.brand");
  kb_buf_puts(b, "</label><select id=\"collection\" name=\"collection\"><option value=\"\">");
  kb_page_t(c, b, "agent.brand.all");
  kb_buf_puts(b, "</option>");
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
  kb_buf_puts(b, "</select><label for=\"mlang\">");
  kb_page_t(c, b, "agent.lang");
  kb_buf_puts(b, "</label><select id=\"mlang\" name=\"lang\"><option value=\"\">");
  kb_page_t(c, b, "agent.lang.detect");
  kb_buf_puts(b, "</option>");
  for (int i = 0; i < kb_index_nlangs(c->ix); i++) {
    const char *code = kb_index_lang_code(c->ix, i);
    kb_buf_printf(b, "<option value=\"%s\"%s>", code, lang && !strcmp(lang, code) ? " selected" : "");
    kb_page_h(b, S_lang_name(c, code));
    kb_buf_puts(b, "</option>");
  }
  kb_buf_puts(b, "</select>");
  if (keys) {
    kb_buf_puts(b, "<label for=\"apikey\" class=\"apikey\">");
    kb_page_t(c, b, "agent.apikey");
    kb_buf_puts(b, "</label><input id=\"apikey\" class=\"apikey\" type=\"password\" autocomplete=\"off\">");
  }
  kb_buf kk = KB_BUF_INIT;
  S_keys(c, &kk);
  kb_buf_puts(b, "<button type=\"submit\">");
  kb_ui_put(c, b, "agent.suggest", "!keys", kb_buf_str(&kk), (const char *)NULL);
  kb_buf_cleanup(&kk);
  kb_buf_puts(b, "</button></form>");
  S_script_words(c, b);
  /* the bands too, for the cards the script renders */
  kb_buf_puts(b, "<script type=\"application/json\" id=\"agent-bands\">[");
  for (int i = 0; i < w->nbands; i++)
    kb_buf_printf(b, "%s[%.4g,%.4g,%d,%.4g]", i ? "," : "", w->bands[i].lo, w->bands[i].hi, w->bands[i].lines,
                  w->bands[i].precision);
  kb_buf_puts(b, "]</script>");
  kb_buf_puts(b, "</div><div class=\"cards\"><div id=\"banner\" class=\"banner\" role=\"alert\" hidden></div>"
                 "<div id=\"suggestions\" data-text=\"");
  kb_page_h(b, text && *text ? text : "");
  kb_buf_puts(b, "\" data-author=\"");
  kb_page_h(b, handle ? handle : "");
  kb_buf_puts(b, "\">");
  if (bad_lang) S_para(c, b, "unanswerable", "agent.badlang");
  else if (text && *text && !keys && !invalid && kb_text_utf8_valid(text, strlen(text), NULL))
    S_suggestions(w, c, b, text, handle, coll, lang);
  else if (invalid) S_para(c, b, "unanswerable", "agent.badhandle");
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
  if (owner) kb_page_h(o->rows, owner);
  else kb_page_t(o->c, o->rows, "health.noowner");
  kb_buf_puts(o->rows, "</td><td>");
  kb_ui_date(o->c, o->rows, rb);
  kb_buf_puts(o->rows, "</td></tr>");
  o->n++;
}

/* The text of catalogue id in the page's language (ui.msg.ID), or NULL. */
static const char *S_msg_text(const void *ctx, const char *id) {
  char key[96];
  snprintf(key, sizeof key, "msg.%s", id);
  return kb_ui_find(ctx, key);
}

/* Message id's text in the page's language (kb/lang/<code>/messages.tsv,
 * stored as ui.msg.ID; English's where it lacks one) with the {name}s of
 * vals (the status file's {"name": "value"}) filled, a value that names
 * an entry (libyaml's words, "problem.id") worded by it, escaped; 0 when
 * the index has no text for id (the indexer's own words are shown). */
static int S_put_msg(const kb_ctx *c, kb_buf *b, const char *id, const cJSON *vals) {
  const char *t = S_msg_text(c, id);
  if (!t) return 0;
  int n = cJSON_GetArraySize(vals), k = 0;
  const char **pairs = kb_xcalloc(2 * (size_t)(n > 0 ? n : 0) + 1, sizeof *pairs);
  for (const cJSON *v = vals ? vals->child : NULL; v; v = v->next)
    if (v->string && cJSON_IsString(v)) {
      pairs[k++] = v->string;
      pairs[k++] = v->valuestring;
    }
  char *words = kb_diag_fill_with(t, pairs, S_msg_text, c);
  kb_page_h(b, words);
  free(words);
  free(pairs);
  return 1;
}

/* 1 if key, a fix's key in kb-fixes*.tsv, names the English message msg:
 * its start ("reply can be"), or a message id (article.no-title) whose
 * English text msg starts as (up to its first {mark}): a status file
 * written before the messages had ids still finds their fixes. */
static int S_fix_matches(const kb_ctx *c, const char *msg, const char *key) {
  if (strchr(key, ' ') || !strchr(key, '.')) return !strncmp(msg, key, strlen(key));
  char k[96];
  snprintf(k, sizeof k, "msg.%s", key);
  kb_ctx en = *c;
  en.lang = "en";
  const char *t = kb_ui_find(&en, k);
  size_t n = t ? strcspn(t, "{") : 0;
  return n > 0 && !strncmp(msg, t, n);
}

/* One problem of the build, "PATH:LINE: error: message": its place made
 * relative to the knowledge base, the message (in the page's language
 * when the status names its id: item, {"id", "vals"}, may be NULL), and
 * the fix (by the id, else by the message's English prefix). */
static void S_problem(const kb_web *w, const kb_ctx *c, kb_buf *b, const char *kbdir, const char *p,
                      cJSON *item) {
  const char *id = kb_page_jstr(item, "id");
  size_t kl = kbdir ? strlen(kbdir) : 0;
  if (kl && !strncmp(p, kbdir, kl) && p[kl] == '/') p += kl + 1;
  const char *lv = strstr(p, ": error: "), *wn = strstr(p, ": warning: ");
  const char *sep = lv && (!wn || lv < wn) ? lv : wn;
  int err = sep == lv && lv;
  kb_buf_printf(b, "<li class=\"%s\"><span class=\"level\">", err ? "error" : "warning");
  kb_page_t(c, b, err ? "health.error" : "health.warning");
  kb_buf_puts(b, "</span> ");
  if (!sep) {
    kb_page_h(b, p);
    kb_buf_puts(b, "</li>");
    return;
  }
  const char *msg = sep + (err ? 9 : 11);
  kb_buf_puts(b, "<code class=\"where\">");
  kb_buf_put_html(b, p, (size_t)(sep - p));
  kb_buf_puts(b, "</code> <span class=\"msg\">"); /* the message in the page's words, else the indexer's */
  if (!id || !S_put_msg(c, b, id, cJSON_GetObjectItemCaseSensitive(item, "vals"))) kb_page_h(b, msg);
  kb_buf_puts(b, "</span>");
  /* the fix in the page's language, else the English one: by the
   * message's id, else by its (English) text's start */
  const char *fix = NULL, *lang = kb_ui_lang(c);
  for (int pass = 0; pass < 4 && !fix; pass++)
    for (int i = 0; w && i + 2 < w->nfixes && !fix; i += 3)
      if (!strcmp(w->fixes[i], pass % 2 ? "" : lang) &&
          (pass < 2 ? id && !strcmp(id, w->fixes[i + 1]) : S_fix_matches(c, msg, w->fixes[i + 1])))
        fix = w->fixes[i + 2];
  if (fix) {
    kb_buf_puts(b, "<p class=\"fix\">");
    kb_ui_put(c, b, "health.fix", "fix", fix, (const char *)NULL);
    kb_buf_puts(b, "</p>");
  }
  /* malformed YAML: the traps, in the page's language (its own page; the
   * fix used to name a section of docs/authoring.md, in English) */
  if ((id && (!strncmp(id, "article.bad-yaml", 16) || !strncmp(id, "site.bad-yaml", 13))) ||
      (!id && !strncmp(msg, "malformed YAML", 14))) {
    kb_buf_puts(b, "<p class=\"more\"><a href=\"/kb-health/yaml\">");
    kb_page_t(c, b, "health.yamlhelp");
    kb_buf_puts(b, "</a></p>");
  }
  kb_buf_puts(b, "</li>");
}

/* /kb-health/yaml: the traps of the articles' front matter, each with a
 * line that breaks and the same line that works, all from the page
 * language's ui.tsv (yamlhelp.N.*, as many as it has: its examples are
 * its authors' own, "Forfait : changer d'offre" in French). */
void kb_staff_yaml_page(const kb_ctx *c, kb_http_resp *r) {
  kb_page_html(r, 200);
  kb_buf *b = &r->body;
  kb_web_page_start(c, b, kb_ui_text(c, "yamlhelp.title"), "team-yaml");
  kb_buf_puts(b, "<h1>");
  kb_page_t(c, b, "yamlhelp.title");
  kb_buf_puts(b, "</h1><p>");
  kb_page_t(c, b, "yamlhelp.intro");
  kb_buf_puts(b, "</p>");
  char key[48];
  for (int k = 1; k < 100; k++) {
    snprintf(key, sizeof key, "yamlhelp.%d.title", k);
    if (!kb_ui_find(c, key)) break;
    kb_buf_printf(b, "<section aria-labelledby=\"trap-%d\"><h2 id=\"trap-%d\">", k, k);
    kb_page_t(c, b, key);
    kb_buf_puts(b, "</h2><p>");
    snprintf(key, sizeof key, "yamlhelp.%d.text", k);
    kb_ui_put(c, b, key, "open", "{", "close", "}", (const char *)NULL);
    kb_buf_puts(b, "</p><dl class=\"yaml\">");
    static const char *const ways[][2] = {{"bad", "yamlhelp.bad"}, {"good", "yamlhelp.good"}};
    for (int i = 0; i < 2; i++) {
      kb_buf_printf(b, "<dt class=\"%s\">", ways[i][0]);
      kb_page_t(c, b, ways[i][1]);
      kb_buf_puts(b, "</dt><dd><pre><code>");
      snprintf(key, sizeof key, "yamlhelp.%d.%s", k, ways[i][0]);
      kb_ui_put(c, b, key, "open", "{", "close", "}", "nl", "\n", (const char *)NULL);
      kb_buf_puts(b, "</code></pre></dd>");
    }
    kb_buf_puts(b, "</dl></section>");
  }
  kb_web_page_end(c, b);
}

/* /kb-health: the indexer's last build of the served index (errors and
 * warnings with their fixes), the version serving, and the articles
 * overdue for review. console.js reloads it when /healthz changes. */
void kb_staff_health_page(const kb_web *w, const kb_ctx *c, kb_http_resp *r) {
  kb_page_html(r, 200);
  kb_buf *b = &r->body;
  kb_web_page_start(c, b, kb_ui_text(c, "health.title"), "team-health");
  kb_buf_puts(b, "<h1>");
  kb_page_t(c, b, "health.title");
  kb_buf_puts(b, "</h1><div id=\"health\">");
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
  char ns[16], nws[16];
  snprintf(ns, sizeof ns, "%d", ne);
  snprintf(nws, sizeof nws, "%d", nw);
  kb_buf errs_t = KB_BUF_INIT, warns_t = KB_BUF_INIT;
  kb_buf_puts(&errs_t, "<strong>");
  if (ne) kb_ui_count(c, &errs_t, "health.errors", ne, (const char *)NULL);
  else kb_page_t(c, &errs_t, "health.noerrors");
  kb_buf_puts(&errs_t, "</strong>");
  kb_ui_count(c, &warns_t, "health.warnings", nw, (const char *)NULL);
  kb_buf_puts(b, "<p>");
  if (!st)
    kb_ui_put(c, b, "health.nostatus", "!check", "<code>kb-index --check</code>", "!serve",
              "<code>kb-serve --kb</code>", (const char *)NULL);
  else {
    kb_buf when = KB_BUF_INIT, at = KB_BUF_INIT; /* times in the page's words */
    kb_ui_datetime(c, &when, fin ? fin : "");
    kb_ui_datetime(c, &at, built ? built : "");
    kb_ui_put(c, b, ne ? "health.bad" : "health.good", "!errors", kb_buf_str(&errs_t), "!warnings",
              kb_buf_str(&warns_t), "!when", kb_buf_str(&when), "!built", kb_buf_str(&at), (const char *)NULL);
    kb_buf_cleanup(&when);
    kb_buf_cleanup(&at);
  }
  kb_buf_puts(b, "</p>");
  kb_buf_cleanup(&errs_t);
  kb_buf_cleanup(&warns_t);
  kb_buf_puts(b, "</div>");
  cJSON *probs = cJSON_GetObjectItemCaseSensitive(st, "problems");
  if (cJSON_GetArraySize(probs) > 0) {
    kb_buf_puts(b, "<h2>");
    kb_page_t(c, b, "health.problems");
    kb_buf_puts(b, "</h2><ol class=\"problems\">");
    cJSON *p, *ids = cJSON_GetObjectItemCaseSensitive(st, "ids");
    int i = 0;
    cJSON_ArrayForEach(p, probs) {
      if (cJSON_IsString(p)) S_problem(w, c, b, kbdir, p->valuestring, cJSON_GetArrayItem(ids, i));
      i++;
    }
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
  kb_buf_puts(b, "<h2 id=\"h-overdue\">");
  kb_page_t(c, b, "health.overdue");
  kb_buf_puts(b, "</h2>");
  if (o.n) { /* scrolls on its own on a phone: longer words than English's fit */
    kb_buf_puts(b, "<div class=\"scroll\" tabindex=\"0\" role=\"group\" aria-labelledby=\"h-overdue\">"
                   "<table class=\"overdue\"><caption>");
    kb_page_t(c, b, "health.overdue.caption");
    static const char *const cols[] = {"health.col.article", "health.col.owner", "health.col.reviewby"};
    kb_buf_puts(b, "</caption><thead><tr>");
    for (int i = 0; i < 3; i++) {
      kb_buf_puts(b, "<th scope=\"col\">");
      kb_page_t(c, b, cols[i]);
      kb_buf_puts(b, "</th>");
    }
    kb_buf_puts(b, "</tr></thead><tbody>");
    kb_buf_put(b, kb_buf_str(&rows), rows.n);
    kb_buf_puts(b, "</tbody></table></div>");
  } else {
    kb_buf_puts(b, "<p>");
    kb_ui_put(c, b, "health.overdue.none", "!field", "<code>review_by</code>", (const char *)NULL);
    kb_buf_puts(b, "</p>");
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
  kb_web_page_start(c, b, kb_ui_text(c, "signin.title"), "team-signin");
  kb_buf_puts(b, "<h1>");
  kb_page_t(c, b, "signin.title");
  kb_buf_puts(b, "</h1>");
  if (!a->keys) S_para(c, b, "open", "signin.nokeys");
  if (failed) {
    kb_buf_puts(b, "<p class=\"notice\" role=\"alert\">");
    kb_page_t(c, b, "signin.failed");
    kb_buf_puts(b, "</p>");
  }
  kb_buf_puts(b, "<form class=\"signin\" method=\"post\" action=\"/signin\"><label for=\"key\">");
  kb_page_t(c, b, "signin.key");
  kb_buf_puts(b, "</label><input id=\"key\" name=\"key\" type=\"password\" autocomplete=\"current-password\" required>"
                 "<input type=\"hidden\" name=\"next\" value=\"");
  kb_page_h(b, next && next[0] == '/' && next[1] != '/' ? next : "/agent");
  kb_buf_puts(b, "\"><button type=\"submit\">");
  kb_page_t(c, b, "signin.button");
  kb_buf_puts(b, "</button></form>");
  S_para(c, b, "about", "signin.about");
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
    kb_buf_puts(&r->body, "<!doctype html><title>");
    kb_page_t(c, &r->body, "signin.title");
    kb_buf_puts(&r->body, "</title><p><a href=\"/signin\">");
    kb_page_t(c, &r->body, "signin.first");
    kb_buf_puts(&r->body, "</a></p>");
  } else {
    kb_page_error(c, r, 401, kb_ui_text(c, "signin.needed"),
                  kb_ui_text(c, a->roles ? "signin.wrongrole" : "signin.withkey"));
  }
  return 0;
}

/*--- The agent console's form -------------------------------------------*/

/* Back to the console after a form (303, so a reload does not post
 * again): the same mention's cards (text given) or an empty form, with
 * done= saying what was recorded; said is the key of the body for a client that does
 * not follow redirects. */
static void S_back_to_agent(const kb_ctx *c, kb_http_resp *r, const char *done, const char *text, const char *handle,
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
  kb_buf_puts(&r->body, "<!doctype html><title>");
  kb_page_t(c, &r->body, said);
  kb_buf_puts(&r->body, "</title><p>");
  kb_page_t(c, &r->body, said);
  kb_buf_puts(&r->body, "</p>");
}

/* POST /agent/feedback from a card without JavaScript: record what the
 * agent did, then back to the console (303): a clear form after "sent",
 * the same mention's cards after "not relevant". */
void kb_staff_agent_feedback_form(const kb_ctx *c, const char *body, size_t n, kb_http_resp *r) {
  static const char *const keys[] = {"text",     "author", "brand",  "collection", "slug",
                                     "original", "reply",  "action", "mention_lang"};
  char *v[9];
  for (int i = 0; i < 9; i++) {
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
    kb_page_error(c, r, 400, kb_ui_text(c, "error.wrong"), kb_ui_text(c, "staff.notrecorded"));
  } else {
    const char *act = action;
    if (!strcmp(action, "sent") && v[5] && v[6] && strcmp(v[5], v[6])) act = "edited";
    char err[256];
    long long id;
    kb_feedback_row row = {.text = text, .collection = d.collection, .slug = d.slug, .action = act,
                           .author = handle,
                           .lang = kb_api_mention_lang(c, v[8], text, brand && *brand ? brand : NULL)};
    if (kb_api_store_feedback(c, &row, &id, NULL, err, sizeof err) != KB_FEEDBACK_OK) {
      kb_page_error(c, r, 503, kb_ui_text(c, "staff.busy.title"), kb_ui_text(c, "staff.busy"));
    } else {
      /* sent: an empty form for the next tweet; dismissed: the same cards */
      int sent = !strcmp(action, "sent");
      S_back_to_agent(c, r, sent ? "sent" : "dismissed", sent ? NULL : text, sent ? NULL : handle, brand,
                      "staff.recorded");
    }
    kb_doc_free(&d);
  }
  for (int i = 0; i < 9; i++) free(v[i]);
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
  static const char *const keys[] = {"text", "author", "brand", "collection", "slug", "reason", "note",
                                     "mention_lang"};
  char *v[8];
  int bad = 0;
  for (int i = 0; i < 8; i++) {
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
  if (bad) kb_page_error(c, r, 400, kb_ui_text(c, "error.wrong"), kb_ui_text(c, "staff.notsent"));
  else if (!q || kb_queue_add(q, flag ? "flag" : "unanswered", art ? d.collection : NULL, art ? d.slug : NULL,
                              flag ? v[5] : NULL, v[6], v[0], handle,
                              kb_api_mention_lang(c, v[7], v[0], v[2] && *v[2] ? v[2] : NULL)) != 0)
    kb_page_error(c, r, 503, kb_ui_text(c, "staff.queuefull.title"), kb_ui_text(c, "staff.queuefull"));
  else if (flag) S_back_to_agent(c, r, "flagged", v[0], handle, v[2], "staff.sent");
  else S_back_to_agent(c, r, "queued", NULL, NULL, v[2], "staff.sent");
  if (art) kb_doc_free(&d);
  for (int i = 0; i < 8; i++) free(v[i]);
}

typedef struct {
  const kb_ctx *c;
  kb_buf *b;
  int all;             /* every language listed: each item says its own */
  const char *keep;    /* the list's 'lang' argument, for Done to return to
                          (NULL: none was given) */
} S_queue_ctx;

/* A flagged article's link: the article of the item's language (its
 * title, its address), which is what the agent flagged, whatever the
 * page's language. */
static void S_queue_article(const kb_ctx *c, kb_buf *b, const char *coll, const char *slug, const char *lang) {
  kb_doc d;
  int other = strcmp(lang, kb_page_lang(c)) != 0;
  if (other) { /* hreflang first: the link stays on that language's site */
    const char *def = kb_index_default_code(c->ix);
    kb_buf_printf(b, "<a hreflang=\"%s\" lang=\"%s\" href=\"", lang, lang);
    if (!def || strcmp(lang, def)) kb_buf_printf(b, "/%s", lang);
  } else {
    kb_buf_puts(b, "<a href=\"");
  }
  kb_page_article_link(b, coll, slug);
  kb_buf_puts(b, "\">");
  int found = kb_index_get_lang(c->ix, coll, slug, lang, &d) == 1;
  if (!found && other) found = kb_index_get_lang(c->ix, coll, slug, kb_page_lang(c), &d) == 1;
  kb_page_h(b, found ? d.title : slug);
  if (found) kb_doc_free(&d);
  kb_buf_puts(b, "</a>");
}

static void S_queue_row(void *ctx, long long id, const char *ts, const char *kind, const char *coll,
                        const char *slug, const char *reason, const char *note, const char *mention,
                        const char *author, const char *lang) {
  S_queue_ctx *x = ctx;
  kb_buf *b = x->b;
  static const char *const reasons[] = {"wrong", "outdated", "missing"};
  const char *why = "queue.reason.none";
  char k[32];
  for (int i = 0; reason && i < 3; i++)
    if (!strcmp(reason, reasons[i])) why = (snprintf(k, sizeof k, "queue.reason.%s", reasons[i]), k);
  kb_buf_printf(b, "<li class=\"item %s\"><p class=\"what\">", !strcmp(kind, "flag") ? "flag" : "unanswered");
  kb_buf rh = KB_BUF_INIT;
  kb_buf_puts(&rh, "<strong>");
  kb_page_t(x->c, &rh, why);
  kb_buf_puts(&rh, "</strong>");
  if (slug) { /* "Out of date: <the article>" */
    kb_buf ah = KB_BUF_INIT;
    S_queue_article(x->c, &ah, coll, slug, lang);
    kb_ui_put(x->c, b, "queue.flagged", "!reason", kb_buf_str(&rh), "!article", kb_buf_str(&ah), (const char *)NULL);
    kb_buf_cleanup(&ah);
  } else {
    kb_buf_puts(b, kb_buf_str(&rh));
  }
  kb_buf_cleanup(&rh);
  if (x->all) { /* whose language it is, when the list holds them all */
    char key[32];
    snprintf(key, sizeof key, "lang.in.%s", lang);
    kb_buf_printf(b, " <span class=\"lang\" data-lang=\"%s\">", lang);
    kb_page_t(x->c, b, key);
    kb_buf_puts(b, "</span>");
  }
  kb_buf_puts(b, " <time class=\"when\" datetime=\""); /* when it was sent, in the page's words */
  kb_page_h(b, ts);
  kb_buf_puts(b, "\">");
  kb_ui_datetime(x->c, b, ts);
  kb_buf_puts(b, "</time></p>");
  if (mention) {
    kb_buf_printf(b, "<blockquote class=\"mention\" lang=\"%s\">", lang);
    if (author) {
      kb_buf_puts(b, "@");
      kb_page_h(b, author);
      kb_buf_puts(b, ": ");
    }
    kb_page_h(b, mention);
    kb_buf_puts(b, "</blockquote>");
  }
  if (note) {
    kb_buf_puts(b, "<p class=\"note\">");
    kb_ui_put(x->c, b, "queue.note", "note", note, (const char *)NULL);
    kb_buf_puts(b, "</p>");
  }
  kb_buf_printf(b, "<form action=\"/team/queue/done\" method=\"post\"><input type=\"hidden\" name=\"id\" value=\"%lld\">", id);
  if (x->keep) kb_buf_printf(b, "<input type=\"hidden\" name=\"lang\" value=\"%s\">", x->keep);
  kb_buf_puts(b, "<button type=\"submit\">");
  kb_page_t(x->c, b, "queue.done");
  kb_buf_puts(b, "</button></form></li>");
}

/* GET /team/queue[?lang=CODE|all]: what agents sent, newest first; by
 * default the items of the page's language (/fr/team/queue: the French
 * team's), as the reports. */
void kb_staff_queue_page(kb_web *w, const kb_ctx *c, const char *lang_arg, kb_http_resp *r) {
  const char *lang;
  if (kb_page_lang_arg(c, lang_arg, 1, &lang, r)) return;
  kb_queue *q = kb_staff_queue(w, c);
  kb_page_html(r, 200);
  kb_buf *b = &r->body;
  kb_web_page_start(c, b, kb_ui_text(c, "queue.title"), "team-queue");
  kb_buf_puts(b, "<h1>");
  kb_page_t(c, b, "queue.title");
  kb_buf_puts(b, "</h1><form class=\"range\" action=\"/team/queue\" method=\"get\">");
  kb_page_lang_select(c, b, "qlang", "reports.lang", lang);
  kb_buf_puts(b, " <button type=\"submit\">");
  kb_page_t(c, b, "tr.show");
  kb_buf_puts(b, "</button></form>");
  kb_buf items = KB_BUF_INIT;
  S_queue_ctx x = {.c = c, .b = &items, .all = lang == NULL,
                   .keep = lang_arg && *lang_arg ? (lang ? lang : "all") : NULL};
  const char *def = kb_index_default_code(c->ix);
  int n = q ? kb_queue_list(q, 200, lang, def ? def : "en", S_queue_row, &x) : -1;
  if (n < 0) S_para(c, b, "nodata", "queue.nodata");
  else if (n == 0) S_para(c, b, "count", "queue.empty");
  else {
    kb_buf_puts(b, "<p class=\"count\">");
    kb_ui_count(c, b, "queue.count", n, (const char *)NULL);
    kb_buf_puts(b, "</p><ol class=\"queue\">");
    kb_buf_put(b, kb_buf_str(&items), items.n);
    kb_buf_puts(b, "</ol>");
  }
  kb_buf_cleanup(&items);
  kb_web_page_end(c, b);
}
