/*
 * kb_page.c - the page frame and the small helpers that the public site
 * (kb_web.c) and the staff's pages (kb_staff.c) both build with: the
 * layout around a page body (header, language switcher, footer with the
 * contacts of kb/site.yaml), breadcrumbs, error pages, escaping, the
 * words of the page (kb_ui.h), articles' stored details and addresses,
 * and decoding a posted form. Declared in kb_page.h and server.h.
 */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_page.h"
#include "kb_ui.h"
#include "server.h"

/*--- Layout --------------------------------------------------------------*/

void kb_page_h(kb_buf *b, const char *s) {
  if (s) kb_buf_put_html(b, s, strlen(s));
}

/* The site's brand, title and contacts come from kb/site.yaml through the
 * index (kb_site.h); a knowledge base without one shows none of them. */
static const char *S_site(const kb_ctx *c, const char *key) {
  return c ? kb_site_get(c->site, NULL, c->lang, key) : NULL;
}

/* The language of the page: the one its address names (/fr/...), else the
 * index's default. */
const char *kb_page_lang(const kb_ctx *c) { return kb_ui_lang(c); }

/* The page's words (kb_ui.h): key's text, escaped, without values. */
void kb_page_t(const kb_ctx *c, kb_buf *b, const char *key) { kb_ui_put(c, b, key, (const char *)NULL); }

/* A stylesheet in the page: css inline, or /static/NAME linked when it
 * cannot be (kb_web_style()). */
static void S_sheet(kb_buf *b, const char *css, const char *name) {
  if (css) {
    kb_buf_puts(b, "<style>");
    kb_buf_puts(b, css);
    kb_buf_puts(b, "</style>");
  } else
    kb_buf_printf(b, "<link rel=\"stylesheet\" href=\"/static/%s\">", name);
}

/* The head up to the title's text. */
static void S_head_open(const kb_ctx *c, kb_buf *b) {
  kb_buf_puts(b, "<!doctype html><html lang=\"");
  kb_buf_puts(b, kb_ui_tag(c, kb_ui_lang(c)));
  kb_buf_puts(b, "\"><head><meta charset=\"utf-8\">"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                 "<link rel=\"icon\" href=\"data:,\"><title>");
}

/* After the title's text: the site's title, the stylesheets, the script. */
static void S_head_rest(const kb_ctx *c, kb_buf *b, int team) {
  const char *site_title = S_site(c, "title");
  if (site_title) {
    kb_buf_puts(b, " \xC2\xB7 ");
    kb_page_h(b, site_title);
  }
  kb_buf_puts(b, "</title>");
  /* The stylesheets inline: the first paint waits for nothing but the page
   * (a linked one is a second request the renderer must wait for); the
   * Content-Security-Policy names each by its hash (kb_web_csp()). The
   * staff's pages add theirs, which a public page neither carries nor
   * parses; likewise they run the console's script, the public pages the
   * small one (search as you type, "Did this help?"). */
  S_sheet(b, c ? c->style : NULL, "app.css");
  if (team) S_sheet(b, c ? c->style_staff : NULL, "console.css");
  kb_buf_puts(b, team ? "<script src=\"/static/console.js\" defer></script>"
                      : "<script src=\"/static/app.js\" defer></script>");
}

/* After <body class="page-KIND">: the skip link, the brand and the main
 * navigation, up to the language switcher. */
static void S_body_open(const kb_ctx *c, kb_buf *b, int team) {
  const char *site_title = S_site(c, "title");
  kb_buf_puts(b, "<a class=\"skip\" href=\"#main\">");
  kb_page_t(c, b, "skip");
  kb_buf_puts(b, "</a><header class=\"site\"><a class=\"brand\" href=\"/\">");
  if (site_title) kb_page_h(b, site_title);
  else kb_page_t(c, b, "brand");
  if (team) /* the staff's pages: the public site shows none of them */
  {
    static const char *const links[][2] = {{"/agent", "staff.agent"}, {"/reports", "staff.reports"},
                                           {"/kb-health", "staff.health"}, {"/team/queue", "staff.queue"},
                                           {"/team/translations", "staff.translations"}};
    kb_buf_puts(b, "</a><nav aria-label=\"");
    kb_page_t(c, b, "nav.main");
    kb_buf_puts(b, "\"><ul>");
    for (int i = 0; i < 5; i++) {
      kb_buf_puts(b, "<li><a href=\"");
      kb_buf_puts(b, links[i][0]);
      kb_buf_puts(b, "\">");
      kb_page_t(c, b, links[i][1]);
      kb_buf_puts(b, "</a></li>");
    }
    kb_buf_puts(b, "<li><form class=\"signout\" method=\"post\" action=\"/signout\"><button type=\"submit\">");
    kb_page_t(c, b, "staff.signout");
    kb_buf_puts(b, "</button></form></li></ul></nav>");
  } else {
    kb_buf_puts(b, "</a><nav aria-label=\"");
    kb_page_t(c, b, "nav.main");
    kb_buf_puts(b, "\"><ul><li><a href=\"/\">");
    kb_page_t(c, b, "nav.home");
    kb_buf_puts(b, "</a></li><li><a href=\"/stores\">");
    kb_page_t(c, b, "nav.stores");
    kb_buf_puts(b, "</a></li></ul></nav>");
  }
}

/* The small search form in the header of the public pages but the home
 * and the search page. */
static void S_search_mini(const kb_ctx *c, kb_buf *b) {
  kb_buf_puts(b, "<form class=\"search-mini\" role=\"search\" action=\"/search\" method=\"get\">"
                 "<label for=\"hq\" class=\"vh\">");
  kb_page_t(c, b, "search.label");
  kb_buf_puts(b, "</label><input id=\"hq\" name=\"q\" type=\"search\" placeholder=\"");
  kb_page_t(c, b, "search.placeholder");
  kb_buf_puts(b, "\" autocomplete=\"off\"><button type=\"submit\">");
  kb_page_t(c, b, "search.button");
  kb_buf_puts(b, "</button></form>");
}

static void S_page_end(const kb_ctx *c, kb_buf *b);

/*--- The frame, rendered once per language -------------------------------*/

/* What a public page's layout holds that no request changes, in one page
 * language, rendered by the functions above: a page copies these (the
 * frame cost a search page 40 K instructions of lookups, escaping and
 * formatting, 23 K its start and 17.5 K its end: docs/benchmarks.md,
 * sixteenth session). The staff's pages render theirs each time. */
typedef struct {
  kb_buf head;      /* S_head_open() */
  kb_buf head_rest; /* S_head_rest() of a public page */
  kb_buf body;      /* S_body_open() of a public page */
  kb_buf switcher;  /* kb_ui_switcher() where each language's page is its home */
  kb_buf mini;      /* S_search_mini() */
  kb_buf end;       /* kb_web_page_end() */
  size_t size;      /* the bytes of all of them */
  const char *_Atomic texts[KB_PAGE_TEXTS]; /* kb_ui.c's kb_ui_key texts, found at first use */
  kb_buf *_Atomic topics; /* kb_page_topics(), rendered at first use, or NULL; owned */
} S_frame;

/* Room for a page's own content besides its frame, made at its start: a
 * page body starts with 8 KB (kb_server.c) and a page with the inline
 * stylesheet is 13-20 KB, which realloc() reached by copying the body
 * twice (5 K instructions a search page). */
#define S_PAGE_ROOM 8192

/* A slot per language of the index (c->lang its code), and one for
 * c->lang NULL (the default language, whose site values are looked up
 * without a language: S_site()). */
#define S_FRAME_SLOTS 33

struct kb_frames {
  S_frame *_Atomic v[S_FRAME_SLOTS]; /* built by the first page of each, or NULL */
};

kb_frames *kb_frames_new(void) { return kb_xcalloc(1, sizeof(kb_frames)); }

static void S_frame_free(S_frame *f) {
  if (!f) return;
  kb_buf_cleanup(&f->head);
  kb_buf_cleanup(&f->head_rest);
  kb_buf_cleanup(&f->body);
  kb_buf_cleanup(&f->switcher);
  kb_buf_cleanup(&f->mini);
  kb_buf_cleanup(&f->end);
  kb_buf *k = atomic_load(&f->topics);
  if (k) kb_buf_cleanup(k);
  free(k);
  free(f);
}

void kb_frames_free(kb_frames *fr) {
  if (!fr) return;
  for (int i = 0; i < S_FRAME_SLOTS; i++) S_frame_free(atomic_load(&fr->v[i]));
  free(fr);
}

/* c's frame, rendered now if it is the first page of its language, or
 * NULL when c has none (no frames, site content or index; a language the
 * index lacks). Two first pages at once both render it; one is kept. */
static _Thread_local int S_building; /* this thread is rendering a frame */

static const S_frame *S_frame_of(const kb_ctx *c) {
  /* (the frame's own parts use what they would keep in it: found as
   * without a frame while it is being rendered) */
  if (!c || !c->frames || !c->site || !c->ix || S_building) return NULL;
  int slot = S_FRAME_SLOTS - 1;
  if (c->lang) {
    slot = kb_index_lang_find(c->ix, c->lang);
    if (slot < 0 || slot >= S_FRAME_SLOTS - 1) return NULL;
  }
  S_frame *f = atomic_load_explicit(&c->frames->v[slot], memory_order_acquire);
  if (f) return f;
  f = kb_xcalloc(1, sizeof *f);
  S_building = 1;
  kb_ui_paths home = {.alternates = 0}; /* every v[i] NULL: each language's home */
  S_head_open(c, &f->head);
  S_head_rest(c, &f->head_rest, 0);
  S_body_open(c, &f->body, 0);
  kb_ui_switcher(c, &f->switcher, &home);
  S_search_mini(c, &f->mini);
  S_page_end(c, &f->end);
  S_building = 0;
  f->size = f->head.n + f->head_rest.n + f->body.n + f->switcher.n + f->mini.n + f->end.n;
  S_frame *none = NULL;
  if (!atomic_compare_exchange_strong_explicit(&c->frames->v[slot], &none, f, memory_order_acq_rel,
                                               memory_order_acquire)) {
    S_frame_free(f);
    f = none;
  }
  return f;
}

const char *_Atomic *kb_page_texts(const kb_ctx *c) {
  S_frame *f = (S_frame *)S_frame_of(c);
  return f ? f->texts : NULL;
}

const kb_buf *kb_page_topics(const kb_ctx *c, kb_page_render_fn render) {
  S_frame *f = (S_frame *)S_frame_of(c);
  if (!f) return NULL;
  kb_buf *k = atomic_load_explicit(&f->topics, memory_order_acquire);
  if (k) return k;
  k = kb_xcalloc(1, sizeof *k);
  render(c, k);
  kb_buf *none = NULL;
  /* two first uses at once both render it; one is kept */
  if (!atomic_compare_exchange_strong_explicit(&f->topics, &none, k, memory_order_acq_rel,
                                               memory_order_acquire)) {
    kb_buf_cleanup(k);
    free(k);
    k = none;
  }
  return k;
}

static void S_put(kb_buf *b, const kb_buf *part) {
  if (part->n) kb_buf_put(b, part->p, part->n);
}

/* 1 if paths names each language's home (as the switcher reads a NULL). */
static int S_paths_home(const kb_ctx *c, const kb_ui_paths *p) {
  int n = kb_index_nlangs(c->ix);
  for (int i = 0; i < n && i < 32; i++)
    if (p->v[i] && strcmp(p->v[i], "/")) return 0;
  return 1;
}

/* The page's layout up to its content; paths: the page in each language
 * (kb_ui.h), for the public pages' switcher and alternates. */
void kb_page_start_in(const kb_ctx *c, kb_buf *b, const char *title, const char *kind,
                      const kb_ui_paths *paths) {
  int team = !strcmp(kind, "agent") || !strcmp(kind, "reports") || !strncmp(kind, "team", 4);
  const S_frame *f = team ? NULL : S_frame_of(c);
  if (f) kb_buf_grow(b, f->size + S_PAGE_ROOM);
  if (f) S_put(b, &f->head);
  else S_head_open(c, b);
  kb_page_h(b, title);
  if (f) S_put(b, &f->head_rest);
  else S_head_rest(c, b, team);
  if (c && paths) kb_ui_alternates(c, b, paths);
  kb_buf_puts(b, "</head><body class=\"page-");
  kb_buf_puts(b, kind);
  kb_buf_puts(b, "\">");
  if (f) S_put(b, &f->body);
  else S_body_open(c, b, team);
  /* the staff's pages exist in every language at one address */
  if (c && paths) {
    if (f && S_paths_home(c, paths)) S_put(b, &f->switcher);
    else kb_ui_switcher(c, b, paths);
  }
  if (!team && strcmp(kind, "home") && strcmp(kind, "search")) {
    if (f) S_put(b, &f->mini);
    else S_search_mini(c, b);
  }
  kb_buf_puts(b, "</header><main id=\"main\" tabindex=\"-1\">");
}

/* The layout of a page: the home and the store finder exist in every
 * language at the same address; any other page's switcher offers each
 * language's home. */
void kb_web_page_start(const kb_ctx *c, kb_buf *b, const char *title, const char *kind) {
  kb_ui_paths p = {.alternates = !strcmp(kind, "home") || !strcmp(kind, "stores")};
  /* the staff's pages: the same page in each language (its words only) */
  static const char *const staff[][2] = {{"agent", "/agent"}, {"reports", "/reports"},
                                         {"team-health", "/kb-health"}, {"team-queue", "/team/queue"},
                                         {"team-translations", "/team/translations"}, {"team-signin", "/signin"},
                                         {"team-yaml", "/kb-health/yaml"}};
  const char *path = !strcmp(kind, "stores") ? "/stores" : "/";
  int staff_page = 0;
  for (int i = 0; i < 7; i++)
    if (!strcmp(kind, staff[i][0])) path = staff[i][1], staff_page = 1;
  for (int i = 0; c && i < kb_index_nlangs(c->ix) && i < 32; i++) p.v[i] = path;
  /* a staff page's language follows the browser's (Accept-Language) at
   * its plain address: the default language is chosen at /en/agent */
  char def[48];
  if (c && staff_page) {
    snprintf(def, sizeof def, "/%s%s", kb_index_default_code(c->ix), path);
    p.v[kb_index_default_lang(c->ix)] = def;
  }
  kb_page_start_in(c, b, title, kind, &p);
}

/* A breadcrumb: Help home, then up to two (href, name) steps, then here. */
void kb_page_crumbs(const kb_ctx *c, kb_buf *b, const char *href1, const char *name1, const char *here) {
  kb_buf_puts(b, "<nav class=\"crumbs\" aria-label=\"");
  kb_page_t(c, b, "crumbs");
  kb_buf_puts(b, "\"><ol><li><a href=\"/\">");
  kb_page_t(c, b, "nav.home");
  kb_buf_puts(b, "</a></li>");
  if (href1) {
    kb_buf_puts(b, "<li><a href=\"");
    kb_buf_puts(b, href1);
    kb_buf_puts(b, "\">");
    kb_page_h(b, name1);
    kb_buf_puts(b, "</a></li>");
  }
  kb_buf_puts(b, "<li aria-current=\"page\">");
  kb_page_h(b, here);
  kb_buf_puts(b, "</li></ol></nav>");
}

/* What the indexer stored of an article beyond its row (kb_build.c):
 * key is category, owner, review_by or updated; NULL when not set. */
const char *kb_page_art_meta_in(const kb_ctx *c, const char *coll, const char *slug, const char *lang,
                                const char *key) {
  /* "article.SLUG.KEY", cut as snprintf() would cut it; joined, not
   * formatted: the topics list looks up every article's category */
  char k[160];
  const char *part[4] = {"article.", slug, ".", key};
  size_t at = 0;
  for (int i = 0; i < 4; i++) {
    size_t n = strlen(part[i]);
    if (n > sizeof k - 1 - at) n = sizeof k - 1 - at;
    memcpy(k + at, part[i], n);
    at += n;
  }
  k[at] = 0;
  return c->site ? kb_site_get(c->site, coll, lang, k) : NULL;
}

/* The same of the topic, as its default-language article says: a topic's
 * category and review date are one for all its translations. */
const char *kb_page_art_meta(const kb_ctx *c, const char *coll, const char *slug, const char *key) {
  return kb_page_art_meta_in(c, coll, slug, kb_index_default_code(c->ix), key);
}

/* A category's address: /topics/ and its name in lower case, words joined
 * by '-' ("Orders and delivery" -> orders-and-delivery), after what b holds. */
void kb_page_topic_slug(kb_buf *b, const char *name) {
  int dash = 0;
  for (const char *p = name; *p; p++) {
    if (isalnum((unsigned char)*p)) {
      if (dash && b->n && b->p[b->n - 1] != '/') kb_buf_putc(b, '-');
      kb_buf_putc(b, (char)tolower((unsigned char)*p));
      dash = 0;
    } else {
      dash = 1;
    }
  }
}

/* A category's name in the page's language: ui.tsv's category.SLUG (the
 * slug of the default language's name), else the name itself. */
const char *kb_page_cat_name(const kb_ctx *c, const char *cat) {
  kb_buf k = KB_BUF_INIT;
  kb_buf_puts(&k, "category.");
  size_t n0 = k.n;
  kb_page_topic_slug(&k, cat);
  const char *v = k.n > n0 ? kb_ui_find(c, kb_buf_str(&k)) : NULL;
  kb_buf_cleanup(&k);
  return v ? v : cat;
}

/* One contact channel from site.yaml: "Phone <a href=tel:..>0113...</a>, hours". */
static void S_contact(const kb_ctx *c, kb_buf *b, int i, int with_hours) {
  char key[32];
  const char *v[4];
  static const char *const parts[] = {"name", "text", "link", "hours"};
  for (int k = 0; k < 4; k++) {
    snprintf(key, sizeof key, "contact.%d.%s", i, parts[k]);
    v[k] = kb_site_get(c->site, NULL, c->lang, key);
  }
  kb_page_h(b, v[0]);
  kb_buf_putc(b, ' ');
  if (v[2]) {
    kb_buf_puts(b, "<a href=\"");
    kb_page_h(b, v[2]);
    kb_buf_puts(b, "\">");
  }
  kb_page_h(b, v[1]);
  if (v[2]) kb_buf_puts(b, "</a>");
  if (with_hours && v[3]) {
    kb_buf_puts(b, ", ");
    kb_page_h(b, v[3]);
  }
}

void kb_web_page_end(const kb_ctx *c, kb_buf *b) {
  const S_frame *f = S_frame_of(c);
  if (f) S_put(b, &f->end);
  else S_page_end(c, b);
}

static void S_page_end(const kb_ctx *c, kb_buf *b) {
  kb_buf_puts(b, "</main><footer class=\"site\" id=\"contact\"><h2>");
  kb_page_t(c, b, "footer.contact");
  kb_buf_puts(b, "</h2><ul>");
  int n = c ? kb_site_contacts(c->site, NULL, c->lang) : 0;
  for (int i = 1; i <= n; i++) {
    kb_buf_puts(b, "<li>");
    S_contact(c, b, i, 1);
    kb_buf_puts(b, "</li>");
  }
  kb_buf link = KB_BUF_INIT;
  kb_buf_puts(&link, "<a href=\"/stores\">");
  kb_page_t(c, &link, "footer.stores.link");
  kb_buf_puts(&link, "</a>");
  kb_buf_puts(b, "<li>");
  kb_ui_put(c, b, "footer.stores", "!stores", kb_buf_str(&link), (const char *)NULL);
  kb_buf_puts(b, "</li></ul></footer></body></html>");
  kb_buf_cleanup(&link);
}

void kb_page_html(kb_http_resp *r, int status) {
  r->status = status;
  r->ctype = "text/html; charset=utf-8";
  r->html = 1;
}

void kb_page_error(const kb_ctx *c, kb_http_resp *r, int status, const char *title, const char *msg) {
  kb_buf_clear(&r->body);
  kb_page_html(r, status);
  kb_web_page_start(c, &r->body, title, "error");
  kb_page_crumbs(c, &r->body, NULL, NULL, title);
  kb_buf_puts(&r->body, "<h1>");
  kb_page_h(&r->body, title);
  kb_buf_puts(&r->body, "</h1><p>");
  kb_page_h(&r->body, msg);
  kb_buf_puts(&r->body, "</p><p><a href=\"/\">");
  kb_page_t(c, &r->body, "error.home");
  kb_buf_puts(&r->body, "</a></p>");
  kb_web_page_end(c, &r->body);
}

void kb_page_article_link(kb_buf *b, const char *coll, const char *slug) {
  kb_buf_puts(b, "/help/");
  if (coll && strcmp(coll, "default")) {
    kb_buf_put_query(b, coll, 1);
    kb_buf_putc(b, '/');
  }
  kb_buf_put_query(b, slug, 1);
}

const char *kb_page_jstr(cJSON *o, const char *k) {
  cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Decodes application/x-www-form-urlencoded value of key from body;
 * caller frees; NULL if absent. */
char *kb_web_form_value(const char *body, size_t n, const char *key) {
  size_t kl = strlen(key);
  for (size_t i = 0; i < n;) {
    size_t e = i;
    while (e < n && body[e] != '&') e++;
    if (e - i > kl && !strncmp(body + i, key, kl) && body[i + kl] == '=') {
      kb_buf v = KB_BUF_INIT;
      for (size_t j = i + kl + 1; j < e; j++) {
        char ch = body[j];
        if (ch == '+') ch = ' ';
        else if (ch == '%' && j + 2 < e + 1 && isxdigit((unsigned char)body[j + 1]) &&
                 isxdigit((unsigned char)body[j + 2])) {
          char hx[3] = {body[j + 1], body[j + 2], 0};
          ch = (char)strtol(hx, NULL, 16);
          j += 2;
        }
        kb_buf_putc(&v, ch);
      }
      return kb_buf_detach(&v);
    }
    i = e + 1;
  }
  return NULL;
}

/*--- Languages of the staff's pages -------------------------------------*/

int kb_page_lang_arg(const kb_ctx *c, const char *arg, int dflt_page, const char **out,
                     kb_http_resp *r) {
  *out = NULL;
  if (arg && !strcmp(arg, "all")) return 0;
  if (!arg || !*arg) {
    *out = dflt_page ? kb_ui_lang(c) : NULL;
    return 0;
  }
  int li = kb_index_lang_find(c->ix, arg);
  if (li < 0) {
    kb_api_error(r, 400, "invalid_value", "'lang' must be all or a language of this knowledge base (%s)",
                 kb_index_meta(c->ix, "languages"));
    return -1;
  }
  *out = kb_index_lang_code(c->ix, li);
  return 0;
}

void kb_page_lang_select(const kb_ctx *c, kb_buf *b, const char *id, const char *label, const char *lang) {
  kb_buf_printf(b, "<label for=\"%s\">", id);
  kb_ui_put(c, b, label, (const char *)NULL);
  kb_buf_printf(b, "</label><select id=\"%s\" name=\"lang\"><option value=\"all\"", id);
  kb_buf_puts(b, lang ? ">" : " selected>");
  kb_ui_put(c, b, "reports.lang.all", (const char *)NULL);
  kb_buf_puts(b, "</option>");
  for (int i = 0; i < kb_index_nlangs(c->ix); i++) {
    const char *code = kb_index_lang_code(c->ix, i);
    char key[32];
    snprintf(key, sizeof key, "lang.in.%s", code);
    kb_buf_printf(b, "<option value=\"%s\"%s>", code, lang && !strcmp(lang, code) ? " selected" : "");
    kb_ui_put(c, b, key, (const char *)NULL);
    kb_buf_puts(b, "</option>");
  }
  kb_buf_puts(b, "</select>");
}
