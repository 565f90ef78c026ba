/*
 * kb_translations.c - the knowledge team's translations page
 * (/team/translations, server.h): which topics lack which language, and
 * which translations are older than their source, for every language or
 * one (?lang=fr). Read from the index's site rows that kb-index writes
 * per article (article.SLUG.updated, .translated_from, .source_updated:
 * kb_build.c's check of translated_from).
 */
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
      kb_buf_puts(&lacks, code);
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
      kb_buf_printf(&t->stale, "</th><td>%s</td><td>", code);
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
  kb_web_page_start(c, b, "Translations", "team-translations");
  kb_buf_puts(b, "<h1>Translations</h1><p>Every help topic in each language, against the topic's article in ");
  kb_buf_puts(b, kb_index_lang_code(c->ix, d));
  kb_buf_puts(b, " (translated_from in an article's front matter: the date of the source it was translated "
                 "from; kb-index warns when the source was updated since).</p>"
                 "<form class=\"filter\" action=\"/team/translations\" method=\"get\">"
                 "<label for=\"tlang\">Language</label><select id=\"tlang\" name=\"lang\">"
                 "<option value=\"\">Every language</option>");
  for (int i = 0; i < kb_index_nlangs(c->ix); i++) {
    if (i == d) continue;
    const char *code = kb_index_lang_code(c->ix, i);
    kb_buf_printf(b, "<option value=\"%s\"%s>%s</option>", code, li == i ? " selected" : "", code);
  }
  kb_buf_puts(b, "</select><button type=\"submit\">Show</button></form>"
                 "<div class=\"scroll\" tabindex=\"0\" role=\"group\" aria-label=\"Topics per language\"><table><caption>Topics per language</caption><thead><tr>"
                 "<th scope=\"col\">Language</th><th scope=\"col\">Topics in it</th><th scope=\"col\">Lacking</th>"
                 "<th scope=\"col\">Older than the source</th><th scope=\"col\">No translated_from</th>"
                 "</tr></thead><tbody>");
  for (int i = 0; i < kb_index_nlangs(c->ix) && i < 32; i++) {
    if (i == d || (li >= 0 && i != li)) continue;
    kb_buf_printf(b, "<tr><th scope=\"row\">%s</th><td>%d of %d</td><td>%d</td><td>%d</td><td>%d</td></tr>",
                  kb_index_lang_code(c->ix, i), t.have[i], t.topics, t.nmissing[i], t.nstale[i], t.nunknown[i]);
  }
  kb_buf_puts(b, "</tbody></table></div><h2 id=\"h-lacking\">Topics lacking a language</h2>");
  if (t.missing.n) {
    kb_buf_puts(b, "<div class=\"scroll\" tabindex=\"0\" role=\"group\" aria-labelledby=\"h-lacking\"><table><thead><tr><th scope=\"col\">Topic</th>"
                   "<th scope=\"col\">Lacks</th></tr></thead><tbody>");
    kb_buf_put(b, kb_buf_str(&t.missing), t.missing.n);
    kb_buf_puts(b, "</tbody></table></div>");
  } else {
    kb_buf_puts(b, "<p class=\"none\">None: every topic is in every language shown.</p>");
  }
  kb_buf_puts(b, "<h2 id=\"h-stale\">Translations older than their source</h2>");
  if (t.stale.n) {
    kb_buf_puts(b, "<div class=\"scroll\" tabindex=\"0\" role=\"group\" aria-labelledby=\"h-stale\"><table><thead><tr><th scope=\"col\">Translation</th>"
                   "<th scope=\"col\">Language</th><th scope=\"col\">Translated from</th>"
                   "<th scope=\"col\">Source updated</th></tr></thead><tbody>");
    kb_buf_put(b, kb_buf_str(&t.stale), t.stale.n);
    kb_buf_puts(b, "</tbody></table></div>");
  } else {
    kb_buf_puts(b, "<p class=\"none\">None.</p>");
  }
  kb_web_page_end(c, b);
  kb_buf_cleanup(&t.missing);
  kb_buf_cleanup(&t.stale);
}
