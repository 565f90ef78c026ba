/*
 * kb_translations.c - the knowledge team's translations page
 * (/team/translations, server.h): which topics lack which language, and
 * which translations are older than their source, for every language or
 * one (?lang=fr). Read from the index's site rows that kb-index writes
 * per article (article.SLUG.updated, .translated_from, .source_updated:
 * kb_build.c's check of translated_from).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_ui.h"
#include "server.h"

typedef struct {
  const kb_ctx *c;
  const char *only;       /* the language asked for, or NULL: every one */
  kb_buf missing, stale;  /* table rows */
  int nmissing[32], nstale[32], nunknown[32], have[32], topics;
} S_ctx;

static const char *S_meta(const kb_ctx *c, const char *coll, const char *slug, const char *lang,
                          const char *key) {
  char k[160];
  snprintf(k, sizeof k, "article.%s.%s", slug, key);
  return kb_site_get(c->site, coll, lang, k);
}

static void S_h(kb_buf *b, const char *s) {
  if (s) kb_buf_put_html(b, s, strlen(s));
}

/* A language's name in the page's language (ui.tsv's lang.in.CODE). */
static const char *S_name(const kb_ctx *c, const char *code) {
  char k[32];
  snprintf(k, sizeof k, "lang.in.%s", code);
  const char *v = kb_ui_find(c, k);
  return v ? v : code;
}

/* <tag>key's text</tag>, with scope="col" for th. */
static void S_cell(const kb_ctx *c, kb_buf *b, const char *tag, const char *key) {
  kb_buf_printf(b, "<%s%s>", tag, strcmp(tag, "th") ? "" : " scope=\"col\"");
  kb_ui_put(c, b, key, (const char *)NULL);
  kb_buf_printf(b, "</%s>", tag);
}

static void S_link(const kb_ctx *c, kb_buf *b, const char *coll, const char *slug, const char *lang,
                   const char *text) {
  kb_buf_puts(b, "<a href=\"");
  if (kb_index_lang_find(c->ix, lang) != kb_index_default_lang(c->ix)) kb_buf_printf(b, "/%s", lang);
  kb_buf_puts(b, "/help/");
  if (strcmp(coll, "default")) {
    kb_buf_put_query(b, coll, 1);
    kb_buf_putc(b, '/');
  }
  kb_buf_put_query(b, slug, 1);
  kb_buf_puts(b, "\">");
  S_h(b, text);
  kb_buf_puts(b, "</a>");
}

static void S_topic(void *ctx, const char *coll, const char *slug, const char *title) {
  S_ctx *t = ctx;
  const kb_ctx *c = t->c;
  int d = kb_index_default_lang(c->ix);
  t->topics++;
  kb_buf lacks = KB_BUF_INIT;
  for (int i = 0; i < kb_index_nlangs(c->ix) && i < 32; i++) {
    const char *code = kb_index_lang_code(c->ix, i);
    if (i == d || (t->only && strcmp(t->only, code))) continue;
    if (!S_meta(c, coll, slug, code, "updated")) {
      t->nmissing[i]++;
      if (lacks.n) kb_buf_puts(&lacks, ", ");
      S_h(&lacks, S_name(c, code));
      continue;
    }
    t->have[i]++;
    const char *from = S_meta(c, coll, slug, code, "translated_from");
    const char *src = S_meta(c, coll, slug, code, "source_updated");
    if (!from) t->nunknown[i]++;
    if (src) {
      t->nstale[i]++;
      kb_buf_puts(&t->stale, "<tr><th scope=\"row\">");
      S_link(c, &t->stale, coll, slug, code, title);
      kb_buf_puts(&t->stale, "</th><td>");
      S_h(&t->stale, S_name(c, code));
      kb_buf_puts(&t->stale, "</td><td>");
      S_h(&t->stale, from);
      kb_buf_puts(&t->stale, "</td><td>");
      S_h(&t->stale, src);
      kb_buf_puts(&t->stale, "</td></tr>");
    }
  }
  if (lacks.n) {
    kb_buf_puts(&t->missing, "<tr><th scope=\"row\">");
    S_link(c, &t->missing, coll, slug, kb_index_lang_code(c->ix, d), title);
    kb_buf_puts(&t->missing, "</th><td>");
    kb_buf_put(&t->missing, kb_buf_str(&lacks), lacks.n);
    kb_buf_puts(&t->missing, "</td></tr>");
  }
  kb_buf_cleanup(&lacks);
}

void kb_web_translations_page(const kb_ctx *c, const char *lang, kb_http_resp *r) {
  int li = lang && *lang ? kb_index_lang_find(c->ix, lang) : -1;
  if (lang && *lang && li < 0) {
    kb_api_error(r, 400, "invalid_value", "'lang' must be one of the index's languages");
    return;
  }
  S_ctx t = {.c = c, .only = li >= 0 ? lang : NULL, .missing = KB_BUF_INIT, .stale = KB_BUF_INIT};
  kb_index_list(c->ix, S_topic, &t);
  r->status = 200;
  r->ctype = "text/html; charset=utf-8";
  r->html = 1;
  kb_buf *b = &r->body;
  int d = kb_index_default_lang(c->ix);
  kb_web_page_start(c, b, kb_ui_text(c, "tr.title"), "team-translations");
  S_cell(c, b, "h1", "tr.title");
  kb_buf_puts(b, "<p>");
  kb_ui_put(c, b, "tr.intro", "lang", S_name(c, kb_index_lang_code(c->ix, d)), "!field",
            "<code>translated_from</code>", (const char *)NULL);
  kb_buf_puts(b, "</p><form class=\"filter\" action=\"/team/translations\" method=\"get\"><label for=\"tlang\">");
  kb_ui_put(c, b, "tr.lang", (const char *)NULL);
  kb_buf_puts(b, "</label><select id=\"tlang\" name=\"lang\"><option value=\"\">");
  kb_ui_put(c, b, "tr.all", (const char *)NULL);
  kb_buf_puts(b, "</option>");
  for (int i = 0; i < kb_index_nlangs(c->ix); i++) {
    if (i == d) continue;
    const char *code = kb_index_lang_code(c->ix, i);
    kb_buf_printf(b, "<option value=\"%s\"%s>", code, li == i ? " selected" : "");
    S_h(b, S_name(c, code));
    kb_buf_puts(b, "</option>");
  }
  kb_buf_puts(b, "</select><button type=\"submit\">");
  kb_ui_put(c, b, "tr.show", (const char *)NULL);
  kb_buf_puts(b, "</button></form><div class=\"scroll\" tabindex=\"0\" role=\"group\" aria-label=\"");
  kb_ui_put(c, b, "tr.table", (const char *)NULL);
  kb_buf_puts(b, "\"><table>");
  S_cell(c, b, "caption", "tr.table");
  kb_buf_puts(b, "<thead><tr>");
  static const char *const cols[] = {"tr.col.lang", "tr.col.have", "tr.col.lacking", "tr.col.stale", "tr.col.unknown"};
  for (int i = 0; i < 5; i++) S_cell(c, b, "th", cols[i]);
  kb_buf_puts(b, "</tr></thead><tbody>");
  for (int i = 0; i < kb_index_nlangs(c->ix) && i < 32; i++) {
    if (i == d || (li >= 0 && i != li)) continue;
    char have[16], all[16];
    snprintf(have, sizeof have, "%d", t.have[i]);
    snprintf(all, sizeof all, "%d", t.topics);
    kb_buf_puts(b, "<tr><th scope=\"row\">");
    S_h(b, S_name(c, kb_index_lang_code(c->ix, i)));
    kb_buf_puts(b, "</th><td>");
    kb_ui_put(c, b, "tr.have", "n", have, "total", all, (const char *)NULL);
    kb_buf_printf(b, "</td><td>%d</td><td>%d</td><td>%d</td></tr>", t.nmissing[i], t.nstale[i], t.nunknown[i]);
  }
  kb_buf_puts(b, "</tbody></table></div><h2 id=\"h-lacking\">");
  kb_ui_put(c, b, "tr.lacking", (const char *)NULL);
  kb_buf_puts(b, "</h2>");
  if (t.missing.n) {
    kb_buf_puts(b, "<div class=\"scroll\" tabindex=\"0\" role=\"group\" aria-labelledby=\"h-lacking\"><table><thead><tr>");
    S_cell(c, b, "th", "tr.col.topic");
    S_cell(c, b, "th", "tr.col.lacks");
    kb_buf_puts(b, "</tr></thead><tbody>");
    kb_buf_put(b, kb_buf_str(&t.missing), t.missing.n);
    kb_buf_puts(b, "</tbody></table></div>");
  } else {
    kb_buf_puts(b, "<p class=\"none\">");
    kb_ui_put(c, b, "tr.lacking.none", (const char *)NULL);
    kb_buf_puts(b, "</p>");
  }
  kb_buf_puts(b, "<h2 id=\"h-stale\">");
  kb_ui_put(c, b, "tr.stale", (const char *)NULL);
  kb_buf_puts(b, "</h2>");
  if (t.stale.n) {
    kb_buf_puts(b, "<div class=\"scroll\" tabindex=\"0\" role=\"group\" aria-labelledby=\"h-stale\"><table><thead><tr>");
    static const char *const scols[] = {"tr.col.translation", "tr.col.lang", "tr.col.from", "tr.col.updated"};
    for (int i = 0; i < 4; i++) S_cell(c, b, "th", scols[i]);
    kb_buf_puts(b, "</tr></thead><tbody>");
    kb_buf_put(b, kb_buf_str(&t.stale), t.stale.n);
    kb_buf_puts(b, "</tbody></table></div>");
  } else {
    kb_buf_puts(b, "<p class=\"none\">");
    kb_ui_put(c, b, "tr.stale.none", (const char *)NULL);
    kb_buf_puts(b, "</p>");
  }
  kb_web_page_end(c, b);
  kb_buf_cleanup(&t.missing);
  kb_buf_cleanup(&t.stale);
}
