/*
 * kb_web.c - the public self-help site and the agent console, rendered on
 * the server (docs/web-contract.md has the markup; web/static holds the
 * stylesheet and the script that enhances it).
 *
 * Every page is built into one buffer: the layout around a body, with
 * every string from the index or the request escaped by kb_buf_put_html();
 * the only unescaped HTML is what the indexer rendered with cmark-gfm's
 * safe mode (article bodies) and the snippets, which kb_search.c escapes
 * before marking the matched words. Static files are read once from the
 * web directory at start and served from memory, so no request can name a
 * file outside it.
 */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "kb_reply.h"
#include "kb_suggest.h"
#include "kb_session.h"
#include "kb_ui.h"
#include "server.h"

#define S_PER_PAGE 10
#define S_MAX_STATIC (512 * 1024)

typedef struct {
  char *name;          /* file name under static/ */
  char *body;
  size_t n;
  const char *ctype;
  char etag[24];
  char *gz;            /* the body gzipped, or NULL when that is no smaller */
  size_t ngz;
  char gzetag[28];
} S_file;

typedef struct {
  char area[3];        /* postcode area: "LS", "M" */
  char *town;          /* a place kb_geo knows: "Leeds" */
} S_area;

struct kb_web {
  S_file *files;
  int nfiles;
  S_area *areas;       /* postcode-areas.tsv, for the store finder */
  int nareas;
  char **fixes;        /* kb-fixes.tsv: message prefix, fix; pairs */
  int nfixes;
  pthread_mutex_t mu;  /* guards queue */
  kb_queue *queue;     /* DATA/queue.sqlite, opened when first used */
};

/*--- Compression ---------------------------------------------------------*/

/* in[0..n) gzipped into out. Returns 0, or -1 (out unchanged). */
static int S_gzip(const char *in, size_t n, kb_buf *out) {
  z_stream z;
  memset(&z, 0, sizeof z);
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
  uLong cap = deflateBound(&z, (uLong)n);
  unsigned char *buf = kb_xmalloc(cap);
  z.next_in = (unsigned char *)(uintptr_t)in;
  z.avail_in = (uInt)n;
  z.next_out = buf;
  z.avail_out = (uInt)cap;
  int rc = deflate(&z, Z_FINISH);
  size_t got = cap - z.avail_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) {
    free(buf);
    return -1;
  }
  kb_buf_put(out, (const char *)buf, got);
  free(buf);
  return 0;
}

/* 1 if the client takes gzip (Accept-Encoding names it, without q=0). */
static int S_takes_gzip(const kb_web_args *a) {
  const char *ae = a && a->arg ? a->arg(a->h, "header:Accept-Encoding") : NULL;
  const char *g = ae ? strstr(ae, "gzip") : NULL;
  if (!g) return 0;
  const char *q = g + 4;
  while (*q == ' ') q++;
  return !(*q == ';' && strstr(q, "q=0") && !strstr(q, "q=0."));
}

/* Text worth compressing: pages, stylesheets, scripts, SVG, CSV. */
static int S_compressible(const char *ctype) {
  return ctype && (!strncmp(ctype, "text/", 5) || !strcmp(ctype, "image/svg+xml"));
}

/*--- Static files --------------------------------------------------------*/

static const char *S_ctype(const char *name) {
  const char *dot = strrchr(name, '.');
  if (!dot) return "application/octet-stream";
  if (!strcmp(dot, ".css")) return "text/css; charset=utf-8";
  if (!strcmp(dot, ".js") || !strcmp(dot, ".mjs")) return "text/javascript; charset=utf-8";
  if (!strcmp(dot, ".svg")) return "image/svg+xml";
  if (!strcmp(dot, ".png")) return "image/png";
  if (!strcmp(dot, ".ico")) return "image/x-icon";
  if (!strcmp(dot, ".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

/* Names served: letters, digits, '-', '_', '.', not starting with '.'. */
static int S_name_ok(const char *n) {
  if (!*n || *n == '.') return 0;
  for (const char *p = n; *p; p++)
    if (!(isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == '.')) return 0;
  return 1;
}

/* DIR/postcode-areas.tsv: "AREA<tab>Town" lines, '#' comments. Optional:
 * without it the finder knows only the districts of its stores. */
static void S_load_areas(kb_web *w, const char *dir) {
  char *p = kb_fmt("%s/postcode-areas.tsv", dir);
  size_t n;
  char *data = kb_read_file(p, 64 * 1024, &n), *save = NULL;
  free(p);
  if (!data) return;
  for (char *ln = strtok_r(data, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
    char *tab = strchr(ln, '\t');
    if (*ln == '#' || !tab || tab - ln < 1 || tab - ln > 2 || !tab[1]) continue;
    w->areas = kb_xrealloc(w->areas, (size_t)(w->nareas + 1) * sizeof *w->areas);
    S_area *a = &w->areas[w->nareas++];
    memset(a->area, 0, sizeof a->area);
    memcpy(a->area, ln, (size_t)(tab - ln));
    a->town = kb_xstrdup(tab + 1);
    size_t tl = strlen(a->town);
    if (tl && a->town[tl - 1] == '\r') a->town[tl - 1] = 0;
  }
  free(data);
}

/* DIR/kb-fixes.tsv: "message prefix<tab>fix" lines (docs/authoring.md's
 * table of messages), for the KB health page. Optional. */
static void S_load_fixes(kb_web *w, const char *dir) {
  char *p = kb_fmt("%s/kb-fixes.tsv", dir);
  size_t n;
  char *data = kb_read_file(p, 256 * 1024, &n), *save = NULL;
  free(p);
  if (!data) return;
  for (char *ln = strtok_r(data, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
    char *tab = strchr(ln, '\t');
    if (*ln == '#' || !tab || tab == ln) continue;
    w->fixes = kb_xrealloc(w->fixes, (size_t)(w->nfixes + 2) * sizeof *w->fixes);
    w->fixes[w->nfixes++] = kb_xstrndup(ln, (size_t)(tab - ln));
    w->fixes[w->nfixes++] = kb_xstrdup(tab + 1);
  }
  free(data);
}

kb_web *kb_web_load(const char *dir, char *err, size_t nerr) {
  kb_web *w = kb_xcalloc(1, sizeof *w);
  pthread_mutex_init(&w->mu, NULL);
  char *sdir = kb_fmt("%s/static", dir);
  DIR *dh = opendir(sdir);
  if (!dh) {
    snprintf(err, nerr, "cannot read %s: the web assets are missing", sdir);
    free(sdir);
    free(w);
    return NULL;
  }
  struct dirent *e;
  while ((e = readdir(dh)) != NULL) {
    if (!S_name_ok(e->d_name)) continue;
    char *p = kb_fmt("%s/%s", sdir, e->d_name);
    size_t n;
    char *body = kb_read_file(p, S_MAX_STATIC, &n);
    free(p);
    if (!body) continue;
    w->files = kb_xrealloc(w->files, (size_t)(w->nfiles + 1) * sizeof *w->files);
    S_file *f = &w->files[w->nfiles++];
    f->name = kb_xstrdup(e->d_name);
    f->body = body;
    f->n = n;
    f->ctype = S_ctype(e->d_name);
    unsigned long h = 5381; /* djb2, enough to tell versions apart */
    for (size_t i = 0; i < n; i++) h = h * 33 + (unsigned char)body[i];
    snprintf(f->etag, sizeof f->etag, "\"%lx\"", h);
    f->gz = NULL;
    f->ngz = 0;
    kb_buf z = KB_BUF_INIT;
    if (S_compressible(f->ctype) && n > 512 && S_gzip(body, n, &z) == 0 && z.n < n) {
      f->ngz = z.n;
      f->gz = kb_buf_detach(&z);
      snprintf(f->gzetag, sizeof f->gzetag, "\"%lx-gz\"", h);
    }
    kb_buf_cleanup(&z);
  }
  closedir(dh);
  free(sdir);
  S_load_areas(w, dir);
  S_load_fixes(w, dir);
  return w;
}

void kb_web_free(kb_web *w) {
  if (!w) return;
  for (int i = 0; i < w->nfiles; i++) {
    free(w->files[i].name);
    free(w->files[i].body);
    free(w->files[i].gz);
  }
  free(w->files);
  for (int i = 0; i < w->nareas; i++) free(w->areas[i].town);
  free(w->areas);
  kb_queue_close(w->queue);
  for (int i = 0; i < w->nfixes; i++) free(w->fixes[i]);
  free(w->fixes);
  pthread_mutex_destroy(&w->mu);
  free(w);
}

static int S_static(kb_web *w, const char *name, int gz, kb_http_resp *r) {
  for (int i = 0; w && i < w->nfiles; i++) {
    const S_file *f = &w->files[i];
    if (strcmp(f->name, name)) continue;
    r->status = 200;
    r->ctype = f->ctype;
    r->cache = "public, max-age=3600";
    r->vary = f->gz != NULL;
    if (gz && f->gz) {
      r->etag = f->gzetag;
      r->encoding = "gzip";
      kb_buf_put(&r->body, f->gz, f->ngz);
    } else {
      r->etag = f->etag;
      kb_buf_put(&r->body, f->body, f->n);
    }
    return 1;
  }
  return 0;
}

/*--- Layout --------------------------------------------------------------*/

static void S_h(kb_buf *b, const char *s) {
  if (s) kb_buf_put_html(b, s, strlen(s));
}

/* The site's brand, title and contacts come from kb/site.yaml through the
 * index (kb_site.h); a knowledge base without one shows none of them. */
static const char *S_site(const kb_ctx *c, const char *key) {
  return c ? kb_site_get(c->site, NULL, c->lang, key) : NULL;
}

/* The language of the page: the one its address names (/fr/...), else the
 * index's default. */
static const char *S_page_lang(const kb_ctx *c) { return kb_ui_lang(c); }

/* The page's words (kb_ui.h): key's text, escaped, without values. */
static void S_t(const kb_ctx *c, kb_buf *b, const char *key) { kb_ui_put(c, b, key, (const char *)NULL); }

/* The page's layout up to its content; paths: the page in each language
 * (kb_ui.h), for the public pages' switcher and alternates. */
static void S_page_start_in(const kb_ctx *c, kb_buf *b, const char *title, const char *kind,
                            const kb_ui_paths *paths) {
  const char *site_title = S_site(c, "title");
  kb_buf_puts(b, "<!doctype html><html lang=\"");
  kb_buf_puts(b, kb_ui_tag(c, kb_ui_lang(c)));
  kb_buf_puts(b, "\"><head><meta charset=\"utf-8\">"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                 "<link rel=\"icon\" href=\"data:,\"><title>");
  S_h(b, title);
  if (site_title) {
    kb_buf_puts(b, " \xC2\xB7 ");
    S_h(b, site_title);
  }
  kb_buf_puts(b, "</title><link rel=\"stylesheet\" href=\"/static/app.css\">"
                 "<script src=\"/static/app.js\" defer></script>");
  if (c && paths) kb_ui_alternates(c, b, paths);
  kb_buf_puts(b, "</head>");
  kb_buf_printf(b, "<body class=\"page-%s\"><a class=\"skip\" href=\"#main\">", kind);
  S_t(c, b, "skip");
  kb_buf_puts(b, "</a><header class=\"site\"><a class=\"brand\" href=\"/\">");
  if (site_title) S_h(b, site_title);
  else S_t(c, b, "brand");
  int team = !strcmp(kind, "agent") || !strcmp(kind, "reports") || !strncmp(kind, "team", 4);
  if (team) /* the staff's pages: the public site shows none of them */
    kb_buf_puts(b, "</a><nav aria-label=\"Main\"><ul><li><a href=\"/agent\">Agent console</a></li>"
                   "<li><a href=\"/reports\">Reports</a></li><li><a href=\"/kb-health\">KB health</a></li>"
                   "<li><a href=\"/team/queue\">Queue</a></li><li><a href=\"/team/translations\">Translations</a></li>"
                   "<li><form class=\"signout\" method=\"post\" action=\"/signout\">"
                   "<button type=\"submit\">Sign out</button></form></li></ul></nav>");
  else {
    kb_buf_puts(b, "</a><nav aria-label=\"");
    S_t(c, b, "nav.main");
    kb_buf_puts(b, "\"><ul><li><a href=\"/\">");
    S_t(c, b, "nav.home");
    kb_buf_puts(b, "</a></li><li><a href=\"/stores\">");
    S_t(c, b, "nav.stores");
    kb_buf_puts(b, "</a></li></ul></nav>");
    if (c && paths) kb_ui_switcher(c, b, paths);
  }
  if (!team && strcmp(kind, "home") && strcmp(kind, "search")) {
    kb_buf_puts(b, "<form class=\"search-mini\" role=\"search\" action=\"/search\" method=\"get\">"
                   "<label for=\"hq\" class=\"vh\">");
    S_t(c, b, "search.label");
    kb_buf_puts(b, "</label><input id=\"hq\" name=\"q\" type=\"search\" placeholder=\"");
    S_t(c, b, "search.placeholder");
    kb_buf_puts(b, "\" autocomplete=\"off\"><button type=\"submit\">");
    S_t(c, b, "search.button");
    kb_buf_puts(b, "</button></form>");
  }
  kb_buf_puts(b, "</header><main id=\"main\" tabindex=\"-1\">");
}

/* The layout of a page: the home and the store finder exist in every
 * language at the same address; any other page's switcher offers each
 * language's home. */
static void S_page_start(const kb_ctx *c, kb_buf *b, const char *title, const char *kind) {
  kb_ui_paths p = {.alternates = !strcmp(kind, "home") || !strcmp(kind, "stores")};
  const char *path = !strcmp(kind, "stores") ? "/stores" : "/";
  for (int i = 0; c && i < kb_index_nlangs(c->ix) && i < 32; i++) p.v[i] = path;
  S_page_start_in(c, b, title, kind, &p);
}

/* A breadcrumb: Help home, then up to two (href, name) steps, then here. */
static void S_crumbs(const kb_ctx *c, kb_buf *b, const char *href1, const char *name1, const char *here) {
  kb_buf_puts(b, "<nav class=\"crumbs\" aria-label=\"");
  S_t(c, b, "crumbs");
  kb_buf_puts(b, "\"><ol><li><a href=\"/\">");
  S_t(c, b, "nav.home");
  kb_buf_puts(b, "</a></li>");
  if (href1) {
    kb_buf_puts(b, "<li><a href=\"");
    kb_buf_puts(b, href1);
    kb_buf_puts(b, "\">");
    S_h(b, name1);
    kb_buf_puts(b, "</a></li>");
  }
  kb_buf_puts(b, "<li aria-current=\"page\">");
  S_h(b, here);
  kb_buf_puts(b, "</li></ol></nav>");
}

/* What the indexer stored of an article beyond its row (kb_build.c):
 * key is category, owner, review_by or updated; NULL when not set. */
static const char *S_art_meta_in(const kb_ctx *c, const char *coll, const char *slug, const char *lang,
                                 const char *key) {
  char k[160];
  snprintf(k, sizeof k, "article.%s.%s", slug, key);
  return c->site ? kb_site_get(c->site, coll, lang, k) : NULL;
}

/* The same of the topic, as its default-language article says: a topic's
 * category and review date are one for all its translations. */
static const char *S_art_meta(const kb_ctx *c, const char *coll, const char *slug, const char *key) {
  return S_art_meta_in(c, coll, slug, kb_index_lang_code(c->ix, kb_index_default_lang(c->ix)), key);
}

/* A category's address: /topics/ and its name in lower case, words joined
 * by '-' ("Orders and delivery" -> orders-and-delivery), after what b holds. */
static void S_topic_slug(kb_buf *b, const char *name) {
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
static const char *S_cat_name(const kb_ctx *c, const char *cat) {
  kb_buf k = KB_BUF_INIT;
  kb_buf_puts(&k, "category.");
  size_t n0 = k.n;
  S_topic_slug(&k, cat);
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
  S_h(b, v[0]);
  kb_buf_putc(b, ' ');
  if (v[2]) {
    kb_buf_puts(b, "<a href=\"");
    S_h(b, v[2]);
    kb_buf_puts(b, "\">");
  }
  S_h(b, v[1]);
  if (v[2]) kb_buf_puts(b, "</a>");
  if (with_hours && v[3]) {
    kb_buf_puts(b, ", ");
    S_h(b, v[3]);
  }
}

static void S_page_end(const kb_ctx *c, kb_buf *b) {
  kb_buf_puts(b, "</main><footer class=\"site\" id=\"contact\"><h2>");
  S_t(c, b, "footer.contact");
  kb_buf_puts(b, "</h2><ul>");
  int n = c ? kb_site_contacts(c->site, NULL, c->lang) : 0;
  for (int i = 1; i <= n; i++) {
    kb_buf_puts(b, "<li>");
    S_contact(c, b, i, 1);
    kb_buf_puts(b, "</li>");
  }
  kb_buf link = KB_BUF_INIT;
  kb_buf_puts(&link, "<a href=\"/stores\">");
  S_t(c, &link, "footer.stores.link");
  kb_buf_puts(&link, "</a>");
  kb_buf_puts(b, "<li>");
  kb_ui_put(c, b, "footer.stores", "!stores", kb_buf_str(&link), (const char *)NULL);
  kb_buf_puts(b, "</li></ul></footer></body></html>");
  kb_buf_cleanup(&link);
}

void kb_web_page_start(const kb_ctx *c, kb_buf *b, const char *title, const char *kind) {
  S_page_start(c, b, title, kind);
}

void kb_web_page_end(const kb_ctx *c, kb_buf *b) { S_page_end(c, b); }

static void S_html(kb_http_resp *r, int status) {
  r->status = status;
  r->ctype = "text/html; charset=utf-8";
  r->html = 1;
}

static void S_error_page(const kb_ctx *c, kb_http_resp *r, int status, const char *title, const char *msg) {
  kb_buf_clear(&r->body);
  S_html(r, status);
  S_page_start(c, &r->body, title, "error");
  S_crumbs(c, &r->body, NULL, NULL, title);
  kb_buf_puts(&r->body, "<h1>");
  S_h(&r->body, title);
  kb_buf_puts(&r->body, "</h1><p>");
  S_h(&r->body, msg);
  kb_buf_puts(&r->body, "</p><p><a href=\"/\">");
  S_t(c, &r->body, "error.home");
  kb_buf_puts(&r->body, "</a></p>");
  S_page_end(c, &r->body);
}

/*--- Search --------------------------------------------------------------*/

static void S_search_form(const kb_ctx *c, kb_buf *b, const char *q) {
  kb_buf_puts(b, "<form class=\"search\" role=\"search\" action=\"/search\" method=\"get\"><label for=\"q\">");
  S_t(c, b, "search.label");
  kb_buf_puts(b, "</label><input id=\"q\" name=\"q\" type=\"search\" autocomplete=\"off\" spellcheck=\"false\" value=\"");
  S_h(b, q);
  kb_buf_puts(b, "\"><button type=\"submit\">");
  S_t(c, b, "search.button");
  kb_buf_puts(b, "</button></form>");
}

static void S_article_link(kb_buf *b, const char *coll, const char *slug) {
  kb_buf_puts(b, "/help/");
  if (coll && strcmp(coll, "default")) {
    kb_buf_put_query(b, coll, 1);
    kb_buf_putc(b, '/');
  }
  kb_buf_put_query(b, slug, 1);
}

typedef struct {
  kb_buf *b;
  int n, max;
} S_listctx;

static void S_list_cb(void *ctx, const char *coll, const char *slug, const char *title) {
  S_listctx *l = ctx;
  if (l->n++ >= l->max) return;
  kb_buf_puts(l->b, "<li><a href=\"");
  S_article_link(l->b, coll, slug);
  kb_buf_puts(l->b, "\">");
  S_h(l->b, title);
  kb_buf_puts(l->b, "</a></li>");
}

/* Popular articles: the most viewed (the event log's views), then the
 * most sent by agents; none when neither is known yet. Returns how many. */
static int S_popular(const kb_ctx *c, kb_buf *b, int max) {
  char *keys[64];
  int nk = kb_events_popular(c->events, keys, max < 64 ? max : 64), shown = 0;
  kb_buf list = KB_BUF_INIT, seen = KB_BUF_INIT;
  for (int i = 0; i < nk; i++) {
    char *slash = strchr(keys[i], '/');
    kb_doc d;
    if (slash && (*slash = 0, kb_index_get_lang(c->ix, keys[i], slash + 1, S_page_lang(c), &d) == 1)) {
      S_listctx l = {.b = &list, .max = 1};
      S_list_cb(&l, d.collection, d.slug, d.title);
      kb_buf_printf(&seen, "\n%s/%s\n", d.collection, d.slug);
      kb_doc_free(&d);
      shown++;
    }
    free(keys[i]);
  }
  if (c->feedback && shown < max) {
    kb_evidence ev[20];
    int n = kb_feedback_popular(c->feedback, "default", ev, max < 20 ? max : 20);
    for (int i = 0; i < n && shown < max; i++) {
      kb_doc d;
      char *key = kb_fmt("\n%s/%s\n", ev[i].collection, ev[i].slug);
      int dup = seen.n && strstr(kb_buf_str(&seen), key);
      free(key);
      if (dup) continue;
      if (kb_index_get_lang(c->ix, ev[i].collection, ev[i].slug, S_page_lang(c), &d) == 1) {
        S_listctx l = {.b = &list, .max = 1};
        S_list_cb(&l, d.collection, d.slug, d.title);
        kb_doc_free(&d);
        shown++;
      }
    }
  }
  if (shown) {
    kb_buf_puts(b, "<ol class=\"popular\">");
    kb_buf_put(b, kb_buf_str(&list), list.n);
    kb_buf_puts(b, "</ol>");
  }
  kb_buf_cleanup(&list);
  kb_buf_cleanup(&seen);
  return shown;
}

typedef struct {
  const kb_ctx *c;
  char *names[64];     /* categories in order of first appearance */
  int counts[64];
  int n;
} S_topics_ctx;

static void S_topics_cb(void *ctx, const char *coll, const char *slug, const char *title) {
  S_topics_ctx *t = ctx;
  (void)title;
  if (strcmp(coll, "default")) return;
  const char *cat = S_art_meta(t->c, coll, slug, "category");
  if (!cat) return;
  int i = 0;
  while (i < t->n && strcmp(t->names[i], cat)) i++;
  if (i == t->n) {
    if (t->n == 64) return;
    t->names[t->n] = kb_xstrdup(cat);
    t->counts[t->n++] = 0;
  }
  t->counts[i]++;
}

/* The categories of the default collection, with their article counts,
 * sorted by name. Returns how many. */
static int S_topics(const kb_ctx *c, kb_buf *b) {
  S_topics_ctx t = {.c = c};
  kb_index_list_lang(c->ix, S_page_lang(c), S_topics_cb, &t);
  for (int i = 1; i < t.n; i++)
    for (int j = i; j > 0 && strcmp(t.names[j], t.names[j - 1]) < 0; j--) {
      char *x = t.names[j];
      t.names[j] = t.names[j - 1];
      t.names[j - 1] = x;
      int y = t.counts[j];
      t.counts[j] = t.counts[j - 1];
      t.counts[j - 1] = y;
    }
  if (t.n) kb_buf_puts(b, "<ul class=\"topics\">");
  for (int i = 0; i < t.n; i++) {
    kb_buf_puts(b, "<li><a href=\"/topics/");
    S_topic_slug(b, t.names[i]);
    kb_buf_puts(b, "\">");
    S_h(b, S_cat_name(c, t.names[i]));
    kb_buf_puts(b, "</a> <span class=\"n\">");
    kb_ui_count(c, b, "topic.count", t.counts[i], (const char *)NULL);
    kb_buf_puts(b, "</span></li>");
    free(t.names[i]);
  }
  if (t.n) kb_buf_puts(b, "</ul>");
  return t.n;
}

/* The #results block for q on page `page` (1-based); typing: the last
 * word is still being typed (search as you type), so it is a prefix. */
static void S_results(const kb_ctx *c, const char *q, int page, int typing, kb_buf *b) {
  kb_buf_puts(b, "<div id=\"results\">");
  if (!q || !*q) {
    kb_buf_puts(b, "</div>");
    return;
  }
  size_t nq = strlen(q);
  kb_search_opts o = {.kinds = KB_KIND_ARTICLE | KB_KIND_STORE, .limit = S_PER_PAGE,
                      .offset = (page - 1) * S_PER_PAGE,
                      .prefix_last = typing && nq > 0 && q[nq - 1] != ' ', .count_total = 1,
                      .lang = S_page_lang(c)};
  kb_results res;
  char err[256];
  if (!kb_text_utf8_valid(q, nq, NULL) || kb_index_search(c->ix, q, nq, &o, &res, err, sizeof err) != 0) {
    kb_buf_puts(b, "<p class=\"count\">");
    S_t(c, b, "search.unreadable");
    kb_buf_puts(b, "</p></div>");
    return;
  }
  int pages = (res.total + S_PER_PAGE - 1) / S_PER_PAGE;
  if (pages >= 1 && page > pages) { /* past the end: the last page */
    kb_results_free(&res);
    page = pages;
    o.offset = (page - 1) * S_PER_PAGE;
    if (kb_index_search(c->ix, q, nq, &o, &res, err, sizeof err) != 0) {
      kb_buf_puts(b, "<p class=\"count\">");
    S_t(c, b, "search.unreadable");
    kb_buf_puts(b, "</p></div>");
      return;
    }
  }
  if (page == 1) kb_events_search(c->events, q, NULL, res.total);
  if (res.total == 0) {
    kb_buf link = KB_BUF_INIT;
    kb_buf_puts(&link, "<a href=\"#contact\">");
    S_t(c, &link, "search.none.contact");
    kb_buf_puts(&link, "</a>");
    kb_buf_puts(b, "<div class=\"empty\"><p>");
    kb_ui_put(c, b, "search.none", "q", q, "!contact", kb_buf_str(&link), (const char *)NULL);
    kb_buf_puts(b, "</p>");
    kb_buf_cleanup(&link);
    kb_buf topics = KB_BUF_INIT;
    if (S_topics(c, &topics)) {
      kb_buf_puts(b, "<h2>");
      S_t(c, b, "browse");
      kb_buf_puts(b, "</h2>");
      kb_buf_put(b, kb_buf_str(&topics), topics.n);
    }
    kb_buf_cleanup(&topics);
    kb_buf pop = KB_BUF_INIT;
    if (S_popular(c, &pop, 5)) {
      kb_buf_puts(b, "<h2>");
      S_t(c, b, "popular");
      kb_buf_puts(b, "</h2>");
      kb_buf_put(b, kb_buf_str(&pop), pop.n);
    }
    kb_buf_cleanup(&pop);
    kb_buf_puts(b, "</div></div>");
    kb_results_free(&res);
    return;
  }
  kb_buf_puts(b, "<p class=\"count\">");
  kb_ui_count(c, b, "search.count", res.total, "q", q, (const char *)NULL);
  kb_buf_puts(b, "</p>");
  if (res.corrected) {
    kb_buf link = KB_BUF_INIT;
    kb_buf_puts(&link, "<a href=\"/search?q=");
    kb_buf_put_query(&link, res.corrected, 1);
    kb_buf_puts(&link, "\">");
    S_h(&link, res.corrected);
    kb_buf_puts(&link, "</a>");
    kb_buf_puts(b, "<p class=\"didyoumean\">");
    kb_ui_put(c, b, "search.didyoumean", "!q", kb_buf_str(&link), (const char *)NULL);
    kb_buf_puts(b, "</p>");
    kb_buf_cleanup(&link);
  }
  kb_buf_printf(b, "<ol class=\"results\" start=\"%d\">", (page - 1) * S_PER_PAGE + 1);
  for (int i = 0; i < res.n; i++) {
    const kb_hit *h = &res.hits[i];
    kb_buf_puts(b, "<li><h2><a href=\"");
    S_article_link(b, h->collection, h->slug);
    kb_buf_puts(b, "\">");
    S_h(b, h->title);
    kb_buf_puts(b, "</a></h2><p class=\"snippet\">");
    kb_buf_puts(b, h->snippet); /* escaped by kb_search.c, <mark> only */
    kb_buf_puts(b, "</p></li>");
  }
  kb_buf_puts(b, "</ol>");
  if (pages > 1) {
    kb_buf_puts(b, "<nav class=\"pages\" aria-label=\"");
    S_t(c, b, "pages.label");
    kb_buf_puts(b, "\">");
    if (page > 1) {
      kb_buf_puts(b, "<a rel=\"prev\" href=\"/search?q=");
      kb_buf_put_query(b, q, 1);
      kb_buf_printf(b, "&amp;page=%d\">", page - 1);
      S_t(c, b, "pages.previous");
      kb_buf_puts(b, "</a> ");
    }
    char sp[16], sn[16];
    snprintf(sp, sizeof sp, "%d", page);
    snprintf(sn, sizeof sn, "%d", pages);
    kb_buf_puts(b, "<span>");
    kb_ui_put(c, b, "pages.of", "n", sp, "total", sn, (const char *)NULL);
    kb_buf_puts(b, "</span>");
    if (page < pages) {
      kb_buf_puts(b, " <a rel=\"next\" href=\"/search?q=");
      kb_buf_put_query(b, q, 1);
      kb_buf_printf(b, "&amp;page=%d\">", page + 1);
      S_t(c, b, "pages.next");
      kb_buf_puts(b, "</a>");
    }
    kb_buf_puts(b, "</nav>");
  }
  kb_buf_puts(b, "</div>");
  kb_results_free(&res);
}

static void S_search_page(const kb_ctx *c, const char *q, const char *pagestr, int fragment,
                          kb_http_resp *r) {
  int page = pagestr ? atoi(pagestr) : 1;
  if (page < 1 || page > 100) page = 1;
  if (q && strlen(q) > 1000) {
    S_error_page(c, r, 400, kb_ui_text(c, "search.toolong.title"), kb_ui_text(c, "search.toolong"));
    return;
  }
  S_html(r, 200);
  r->cache = "public, max-age=60";
  if (fragment) {
    S_results(c, q, page, 1, &r->body);
    return;
  }
  kb_buf *b = &r->body;
  S_page_start(c, b, q && *q ? q : kb_ui_text(c, "home.title"), q ? "search" : "home");
  kb_buf_puts(b, "<h1>");
  S_t(c, b, "home.heading");
  kb_buf_puts(b, "</h1>");
  S_search_form(c, b, q);
  /* the one live region: app.js writes the count of live results here */
  kb_buf_puts(b, "<p id=\"result-count\" class=\"vh\" role=\"status\"></p>");
  S_results(c, q, page, 0, b);
  if (!q) {
    kb_buf topics = KB_BUF_INIT, pop = KB_BUF_INIT;
    int nt = S_topics(c, &topics), np = S_popular(c, &pop, 8);
    kb_buf_puts(b, "<div class=\"home-extra\">");
    if (nt) {
      kb_buf_puts(b, "<section class=\"browse\" aria-labelledby=\"topics-h\"><h2 id=\"topics-h\">");
      S_t(c, b, "browse");
      kb_buf_puts(b, "</h2>");
      kb_buf_put(b, kb_buf_str(&topics), topics.n);
      kb_buf_puts(b, "</section>");
    }
    if (np) {
      kb_buf_puts(b, "<section class=\"browse\" aria-labelledby=\"popular-h\"><h2 id=\"popular-h\">");
      S_t(c, b, "popular");
      kb_buf_puts(b, "</h2>");
      kb_buf_put(b, kb_buf_str(&pop), pop.n);
      kb_buf_puts(b, "</section>");
    }
    kb_buf_puts(b, "</div>");
    kb_buf_cleanup(&topics);
    kb_buf_cleanup(&pop);
  }
  S_page_end(c, b);
}

typedef struct {
  const kb_ctx *c;
  const char *want;    /* the topic's slug */
  kb_buf *b, name;
  int n;
} S_topic_ctx;

static void S_topic_cb(void *ctx, const char *coll, const char *slug, const char *title) {
  S_topic_ctx *t = ctx;
  if (strcmp(coll, "default")) return;
  const char *cat = S_art_meta(t->c, coll, slug, "category");
  if (!cat) return;
  kb_buf ts = KB_BUF_INIT;
  S_topic_slug(&ts, cat);
  if (!strcmp(kb_buf_str(&ts), t->want)) {
    if (!t->name.n) kb_buf_puts(&t->name, cat);
    S_listctx l = {.b = t->b, .max = 1};
    S_list_cb(&l, coll, slug, title);
    t->n++;
  }
  kb_buf_cleanup(&ts);
}

/* /topics/SLUG: the articles of one category. */
static void S_topic_page(const kb_ctx *c, const char *want, kb_http_resp *r) {
  kb_buf list = KB_BUF_INIT;
  S_topic_ctx t = {.c = c, .want = want, .b = &list, .name = KB_BUF_INIT};
  if (*want) kb_index_list_lang(c->ix, S_page_lang(c), S_topic_cb, &t);
  if (!t.n) {
    S_error_page(c, r, 404, kb_ui_text(c, "error.notfound"), kb_ui_text(c, "error.notopic"));
  } else {
    S_html(r, 200);
    r->cache = "public, max-age=60";
    kb_buf *b = &r->body;
    /* a topic's address is its default-language name's: the same in every
     * language that has articles in it */
    kb_ui_paths paths = {.alternates = 1};
    kb_buf path = KB_BUF_INIT, other = KB_BUF_INIT;
    kb_buf_printf(&path, "/topics/%s", want);
    for (int i = 0; i < kb_index_nlangs(c->ix) && i < 32; i++) {
      S_topic_ctx u = {.c = c, .want = want, .b = &other, .name = KB_BUF_INIT};
      kb_index_list_lang(c->ix, kb_index_lang_code(c->ix, i), S_topic_cb, &u);
      if (u.n) paths.v[i] = kb_buf_str(&path);
      kb_buf_cleanup(&u.name);
    }
    const char *name = S_cat_name(c, kb_buf_str(&t.name));
    S_page_start_in(c, b, name, "topic", &paths);
    kb_buf_cleanup(&path);
    kb_buf_cleanup(&other);
    S_crumbs(c, b, NULL, NULL, name);
    kb_buf_puts(b, "<h1>");
    S_h(b, name);
    kb_buf_puts(b, "</h1><ul class=\"topic-list\">");
    kb_buf_put(b, kb_buf_str(&list), list.n);
    kb_buf_puts(b, "</ul>");
    S_page_end(c, b);
  }
  kb_buf_cleanup(&list);
  kb_buf_cleanup(&t.name);
}

/*--- Articles and stores -------------------------------------------------*/

static const char *S_jstr(cJSON *o, const char *k) {
  cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void S_store_details(const kb_ctx *c, kb_buf *b, const char *json) {
  static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  cJSON *s = cJSON_Parse(json);
  if (!s) return;
  kb_buf_puts(b, "<p class=\"address\">");
  S_h(b, S_jstr(s, "address"));
  kb_buf_puts(b, ", ");
  S_h(b, S_jstr(s, "town"));
  kb_buf_puts(b, " ");
  S_h(b, S_jstr(s, "postcode"));
  kb_buf_puts(b, "</p>");
  const char *phone = S_jstr(s, "phone");
  if (phone) {
    kb_buf_puts(b, "<p class=\"phone\">");
    S_t(c, b, "store.phone");
    kb_buf_puts(b, " <a href=\"tel:");
    for (const char *p = phone; *p; p++)
      if (isdigit((unsigned char)*p) || *p == '+') kb_buf_putc(b, *p);
    kb_buf_puts(b, "\">");
    S_h(b, phone);
    kb_buf_puts(b, "</a></p>");
  }
  cJSON *hours = cJSON_GetObjectItemCaseSensitive(s, "hours");
  kb_buf_puts(b, "<table class=\"hours\"><caption>");
  S_t(c, b, "store.hours");
  kb_buf_puts(b, "</caption><tbody>");
  for (int i = 0; i < 7; i++) {
    const char *h = S_jstr(hours, days[i]);
    char dk[16];
    snprintf(dk, sizeof dk, "day.%s", days[i]);
    kb_buf_puts(b, "<tr><th scope=\"row\">");
    S_t(c, b, dk);
    kb_buf_puts(b, "</th><td>");
    if (!h) S_t(c, b, "store.unknown");
    else if (!strcmp(h, "closed")) S_t(c, b, "store.closed");
    else S_h(b, h);
    kb_buf_puts(b, "</td></tr>");
  }
  kb_buf_puts(b, "</tbody></table>");
  cJSON *lat = cJSON_GetObjectItemCaseSensitive(s, "lat"), *lon = cJSON_GetObjectItemCaseSensitive(s, "lon");
  if (cJSON_IsNumber(lat) && cJSON_IsNumber(lon)) {
    kb_buf_printf(b, "<p><a class=\"directions\" href=\"https://www.google.com/maps/dir/?api=1&amp;"
                     "destination=%.5f,%.5f\">", lat->valuedouble, lon->valuedouble);
    S_t(c, b, "store.directions");
    kb_buf_puts(b, "</a></p>");
  }
  cJSON_Delete(s);
}

/* Related articles: a search with the article's title, itself left out;
 * titles only, so no snippets are cut. */
static void S_related(const kb_ctx *c, const kb_doc *d, kb_buf *b) {
  kb_search_opts o = {.collection = d->collection, .kinds = KB_KIND_ARTICLE, .limit = 6,
                      .snippets_later = 1};
  kb_results res;
  char err[128];
  if (kb_index_search(c->ix, d->title, strlen(d->title), &o, &res, err, sizeof err) != 0) return;
  kb_buf_puts(b, "<aside class=\"related\" aria-labelledby=\"related-h\"><h2 id=\"related-h\">");
  S_t(c, b, "related");
  kb_buf_puts(b, "</h2><ul>");
  int shown = 0;
  for (int i = 0; i < res.n && shown < 5; i++) {
    if (!strcmp(res.hits[i].slug, d->slug)) continue;
    S_listctx l = {.b = b, .max = 1};
    S_list_cb(&l, res.hits[i].collection, res.hits[i].slug, res.hits[i].title);
    shown++;
  }
  kb_buf_puts(b, "</ul></aside>");
  kb_results_free(&res);
}

static void S_article_page(const kb_ctx *c, const char *coll, const char *slug, int thanks,
                           int count, kb_http_resp *r) {
  kb_doc d;
  int found = kb_index_get_lang(c->ix, coll, slug, S_page_lang(c), &d);
  if (found != 1) {
    S_error_page(c, r, 404, kb_ui_text(c, "error.notfound"), kb_ui_text(c, "error.noarticle"));
    return;
  }
  int store = !strcmp(d.type, "store");
  S_html(r, 200);
  r->cache = "public, max-age=60";
  kb_buf *b = &r->body;
  /* the topic's translations: the same slug in each language */
  kb_ui_paths paths = {.alternates = 1};
  kb_buf link = KB_BUF_INIT;
  S_article_link(&link, d.collection, d.slug);
  for (int i = 0; i < kb_index_nlangs(c->ix) && i < 32; i++) {
    kb_doc t;
    const char *code = kb_index_lang_code(c->ix, i);
    if (!strcmp(code, d.lang)) {
      paths.v[i] = kb_buf_str(&link);
    } else if (kb_index_get_lang(c->ix, d.collection, d.slug, code, &t) == 1) {
      if (!strcmp(t.lang, code)) paths.v[i] = kb_buf_str(&link);
      kb_doc_free(&t);
    }
  }
  S_page_start_in(c, b, d.title, store ? "store" : "article", &paths);
  kb_buf_cleanup(&link);
  const char *cat = S_art_meta(c, d.collection, d.slug, "category");
  if (store) {
    S_crumbs(c, b, "/stores", kb_ui_text(c, "stores.title"), d.title);
  } else if (cat) {
    kb_buf href = KB_BUF_INIT;
    kb_buf_puts(&href, "/topics/");
    S_topic_slug(&href, cat);
    S_crumbs(c, b, kb_buf_str(&href), S_cat_name(c, cat), d.title);
    kb_buf_cleanup(&href);
  } else {
    S_crumbs(c, b, NULL, NULL, d.title);
  }
  if (count) kb_events_view(c->events, d.collection, d.slug);
  int other = strcmp(d.lang, S_page_lang(c)) != 0; /* no translation in the page's language */
  if (other) {
    int li = kb_index_lang_find(c->ix, d.lang);
    char nk[16];
    snprintf(nk, sizeof nk, "lang.in.%s", d.lang);
    kb_buf_puts(b, "<p class=\"fallback\">");
    kb_ui_put(c, b, "translation.fallback", "lang", li >= 0 ? kb_ui_text(c, nk) : d.lang, (const char *)NULL);
    kb_buf_puts(b, "</p><article lang=\"");
    kb_buf_puts(b, kb_ui_tag(c, d.lang));
    kb_buf_puts(b, "\"><h1>");
  } else {
    kb_buf_puts(b, "<article><h1>");
  }
  S_h(b, d.title);
  kb_buf_puts(b, "</h1>");
  const char *upd = S_art_meta_in(c, d.collection, d.slug, d.lang, "updated");
  if (upd) {
    kb_buf date = KB_BUF_INIT;
    kb_ui_date(c, &date, upd);
    kb_buf_puts(b, "<p class=\"updated\">");
    kb_ui_put(c, b, "updated", "!date", kb_buf_str(&date), (const char *)NULL);
    kb_buf_puts(b, "</p>");
    kb_buf_cleanup(&date);
  }
  if (store && d.store) S_store_details(c, b, d.store);
  kb_buf_puts(b, d.html); /* rendered by cmark-gfm in safe mode at index time */
  kb_buf_puts(b, "</article>");
  if (!store) S_related(c, &d, b);
  if (thanks) {
    kb_buf_puts(b, "<p class=\"helpful-thanks\" role=\"status\">");
    S_t(c, b, "helpful.thanks");
    kb_buf_puts(b, "</p>");
  } else {
    /* app.js says the thanks from data-thanks when it posts without reloading */
    kb_buf_puts(b, "<form class=\"helpful\" action=\"/helpful\" method=\"post\" data-thanks=\"");
    S_t(c, b, "helpful.thanks");
    kb_buf_puts(b, "\"><input type=\"hidden\" name=\"collection\" value=\"");
    S_h(b, d.collection);
    kb_buf_puts(b, "\"><input type=\"hidden\" name=\"slug\" value=\"");
    S_h(b, d.slug);
    kb_buf_puts(b, "\"><fieldset><legend>");
    S_t(c, b, "helpful.legend");
    kb_buf_puts(b, "</legend><button type=\"submit\" name=\"helpful\" value=\"yes\">");
    S_t(c, b, "helpful.yes");
    kb_buf_puts(b, "</button> <button type=\"submit\" name=\"helpful\" value=\"no\">");
    S_t(c, b, "helpful.no");
    kb_buf_puts(b, "</button></fieldset></form>");
  }
  S_page_end(c, b);
  kb_doc_free(&d);
}

/*--- Store finder --------------------------------------------------------*/

/* A UK postcode typed any way ("LS1 4AP", "ls14ap", "SW1A 1AA", "M1"):
 * its outward code into out ("LS1"), and the inward code ("4AP") into in
 * (empty for an outward code alone). Returns 1 if q is one. */
static int S_postcode(const char *q, char out[8], char in[4]) {
  char pc[12];
  size_t n = 0;
  for (const char *p = q; *p; p++) {
    if (*p == ' ') continue;
    if (!isalnum((unsigned char)*p) || n >= 8) return 0;
    pc[n++] = (char)toupper((unsigned char)*p);
  }
  pc[n] = 0;
  size_t on = n;
  in[0] = 0;
  if (n >= 5 && isdigit((unsigned char)pc[n - 3]) && isalpha((unsigned char)pc[n - 2]) &&
      isalpha((unsigned char)pc[n - 1])) {
    on = n - 3;
    memcpy(in, pc + on, 4);
  }
  /* outward: 1-2 letters, a digit, then a digit or a letter */
  size_t i = 0;
  while (i < on && isalpha((unsigned char)pc[i])) i++;
  if (i < 1 || i > 2 || i >= on || !isdigit((unsigned char)pc[i]) || on - i > 2) return 0;
  if (on - i == 2 && !isalnum((unsigned char)pc[i + 1])) return 0;
  memcpy(out, pc, on);
  out[on] = 0;
  return 1;
}

/* Edit distance between a and b (ASCII case folded), up to 3. */
static int S_distance(const char *a, const char *b) {
  size_t na = strlen(a), nb = strlen(b);
  if (na > 40 || nb > 40 || (na > nb ? na - nb : nb - na) > 2) return 3;
  int d[41][41];
  for (size_t i = 0; i <= na; i++) d[i][0] = (int)i;
  for (size_t j = 0; j <= nb; j++) d[0][j] = (int)j;
  for (size_t i = 1; i <= na; i++)
    for (size_t j = 1; j <= nb; j++) {
      int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
      int v = d[i - 1][j - 1] + cost;
      if (d[i - 1][j] + 1 < v) v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
      if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
          tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) && d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
    }
  return d[na][nb] < 3 ? d[na][nb] : 3;
}

/* Where near is: a town or place, a postcode (full or outward, spaced or
 * not), or a near miss of a town we know. Fills *m and the label to show
 * ("LS1 4AP", "Harrogate"); *guess is set for a near miss. */
static int S_find_near(const kb_web *w, const kb_ctx *c, const char *near, kb_geo_match *m,
                       kb_buf *label, int *guess) {
  *guess = 0;
  if (!c->geo || !near || !*near || strlen(near) > 100 || !kb_text_utf8_valid(near, strlen(near), NULL)) return 0;
  char out[8], in[4];
  const char *lang = S_page_lang(c); /* the country's stores and places */
  if (!S_postcode(near, out, in) && kb_geo_lookup_lang(c->geo, near, NULL, lang, m)) {
    kb_buf_puts(label, m->name);
    return 1;
  }
  if (S_postcode(near, out, in)) {
    int found = kb_geo_lookup_lang(c->geo, out, NULL, lang, m);
    for (int i = 0; !found && w && i < w->nareas; i++) {
      size_t al = strlen(w->areas[i].area);
      if (!strncmp(out, w->areas[i].area, al) && isdigit((unsigned char)out[al]))
        found = kb_geo_lookup_lang(c->geo, w->areas[i].town, NULL, lang, m);
    }
    if (found) kb_buf_printf(label, "%s%s%s (%s)", out, *in ? " " : "", in, m->name);
    return found;
  }
  /* a near miss: the closest of the stores' towns and the areas' towns */
  const char *best = NULL;
  int bd = 3, max = strlen(near) >= 6 ? 2 : 1;
  for (int i = 0; i < kb_geo_store_count(c->geo); i++) {
    const kb_geo_store *s = kb_geo_store_at(c->geo, i);
    int d = strcmp(s->lang, lang) ? 3 : S_distance(near, s->town);
    if (d < bd) bd = d, best = s->town;
  }
  for (int i = 0; w && !c->lang && i < w->nareas; i++) { /* postcode areas: the default site's */
    int d = S_distance(near, w->areas[i].town);
    if (d < bd) bd = d, best = w->areas[i].town;
  }
  if (!best || bd > max || !kb_geo_lookup_lang(c->geo, best, NULL, lang, m)) return 0;
  *guess = 1;
  kb_buf_puts(label, m->name);
  return 1;
}

/* A town of another country ("Munich" on the French finder): the finder
 * of that country's site, its nearest store's language. */
static void S_elsewhere(const kb_ctx *c, kb_buf *b, const char *near) {
  kb_geo_match m;
  const kb_geo_store *st[1];
  double km[1];
  if (!c->geo || !near || strlen(near) > 100 || !kb_text_utf8_valid(near, strlen(near), NULL) ||
      !kb_geo_lookup_lang(c->geo, near, NULL, NULL, &m) ||
      kb_geo_nearest_lang(c->geo, m.lat, m.lon, NULL, NULL, 1, st, km) != 1 ||
      !strcmp(st[0]->lang, S_page_lang(c)) || km[0] > 500)
    return;
  const char *code = st[0]->lang, *tag = kb_ui_tag(c, code);
  char k[32];
  snprintf(k, sizeof k, "lang.in.%s", code);
  kb_buf link = KB_BUF_INIT;
  /* hreflang first: the link is to another site, left unprefixed */
  kb_buf_printf(&link, "<a hreflang=\"%s\" href=\"", tag);
  if (kb_index_lang_find(c->ix, code) != kb_index_default_lang(c->ix)) kb_buf_printf(&link, "/%s", code);
  kb_buf_puts(&link, "/stores?near=");
  kb_buf_put_query(&link, m.name, 1);
  kb_buf_puts(&link, "\">");
  kb_ui_put(c, &link, "stores.elsewhere.link", "place", m.name, "lang", kb_ui_text(c, k), (const char *)NULL);
  kb_buf_puts(&link, "</a>");
  kb_buf_puts(b, "<p class=\"elsewhere\">");
  kb_ui_put(c, b, "stores.elsewhere", "!link", kb_buf_str(&link), (const char *)NULL);
  kb_buf_puts(b, "</p>");
  kb_buf_cleanup(&link);
}

static void S_stores_page(const kb_web *w, const kb_ctx *c, const char *near, kb_http_resp *r) {
  S_html(r, 200);
  r->cache = "public, max-age=60";
  kb_buf *b = &r->body;
  const char *title = kb_ui_text(c, "stores.title");
  S_page_start(c, b, title, "stores");
  S_crumbs(c, b, NULL, NULL, title);
  kb_buf_puts(b, "<h1>");
  S_h(b, title);
  kb_buf_puts(b, "</h1><form class=\"store-search\" action=\"/stores\" method=\"get\"><label for=\"near\">");
  S_t(c, b, "stores.near");
  kb_buf_puts(b, "</label><input id=\"near\" name=\"near\" autocomplete=\"postal-code\" value=\"");
  S_h(b, near);
  kb_buf_puts(b, "\"><button type=\"submit\">");
  S_t(c, b, "stores.button");
  kb_buf_puts(b, "</button></form>");
  const kb_geo_store *st[8];
  double km[8];
  int n = 0, guess = 0;
  kb_geo_match m;
  kb_buf label = KB_BUF_INIT;
  int found = S_find_near(w, c, near, &m, &label, &guess);
  if (near && *near && !found) {
    kb_buf_puts(b, "<p class=\"count\">");
    kb_ui_put(c, b, "stores.notfound", "q", near, (const char *)NULL);
    kb_buf_puts(b, "</p>");
    S_elsewhere(c, b, near);
  }
  if (found) {
    n = kb_geo_nearest_lang(c->geo, m.lat, m.lon, NULL, S_page_lang(c), 5, st, km);
    kb_buf place = KB_BUF_INIT;
    if (guess) kb_ui_put(c, &place, "stores.searched", "place", kb_buf_str(&label), "q", near, (const char *)NULL);
    else S_h(&place, kb_buf_str(&label));
    kb_buf_puts(b, "<p class=\"count\">");
    kb_ui_put(c, b, "stores.nearest", "!place", kb_buf_str(&place), (const char *)NULL);
    kb_buf_puts(b, "</p>");
    kb_buf_cleanup(&place);
  }
  kb_buf_cleanup(&label);
  kb_buf_puts(b, "<ol class=\"stores\">");
  int total = found ? n : (c->geo ? kb_geo_store_count(c->geo) : 0);
  for (int i = 0; i < total; i++) {
    const kb_geo_store *s = found ? st[i] : kb_geo_store_at(c->geo, i);
    if (strcmp(s->lang, S_page_lang(c))) continue; /* another country's */
    kb_buf_puts(b, "<li><h2><a href=\"");
    S_article_link(b, s->collection, s->slug);
    kb_buf_puts(b, "\">");
    S_h(b, s->title);
    kb_buf_puts(b, "</a></h2>");
    if (found) {
      char k[24], mi[24];
      snprintf(k, sizeof k, "%.0f", km[i]);
      snprintf(mi, sizeof mi, "%.0f", km[i] / 1.609);
      kb_buf_puts(b, "<p class=\"distance\">");
      kb_ui_put(c, b, "stores.distance", "km", k, "miles", mi, (const char *)NULL);
      kb_buf_puts(b, "</p>");
    }
    kb_buf_puts(b, "<p class=\"address\">");
    S_h(b, s->address);
    kb_buf_puts(b, ", ");
    S_h(b, s->town);
    kb_buf_puts(b, " ");
    S_h(b, s->postcode);
    kb_buf_puts(b, "</p></li>");
  }
  kb_buf_puts(b, "</ol>");
  S_page_end(c, b);
}

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
  S_h(b, v);
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
  S_h(b, h->slug);
  kb_buf_puts(b, "\" data-collection=\"");
  S_h(b, h->collection);
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
  S_article_link(b, h->collection, h->slug);
  kb_buf_puts(b, "\">");
  S_h(b, h->title);
  kb_buf_printf(b, "</a></h2><p class=\"confidence %s\">%s</p>", cls, words);
  if (res->s[i].fallback) {
    kb_buf_puts(b, "<p class=\"fallback\">");
    S_h(b, S_lang_name(c, h->lang));
    kb_buf_puts(b, " fallback: no article in the mention's language</p>");
  }
  if (h->escalate) kb_buf_puts(b, "<p class=\"escalate\">Move to DM</p>");
  kb_buf_printf(b, "</div><label for=\"reply-%d\" class=\"vh\">Reply %d</label>"
                   "<textarea id=\"reply-%d\" class=\"reply\" name=\"reply\" rows=\"3\" lang=\"", n, n, n);
  kb_buf_puts(b, kb_ui_tag(c, h->lang));
  kb_buf_puts(b, "\">");
  S_h(b, reply);
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
  S_h(b, S_lang_name(c, res->lang));
  kb_buf_puts(b, "</strong>");
  if (chosen) kb_buf_puts(b, ", chosen by you");
  else kb_buf_printf(b, ", detected (confidence %.2f)", res->lang_confidence);
  if (res->fallback) {
    kb_buf_puts(b, ": no article fits in it, so these are ");
    S_h(b, S_lang_name(c, kb_index_lang_code(c->ix, kb_index_default_lang(c->ix))));
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
    S_h(b, handle);
  }
  kb_buf_puts(b, "</p>");
  S_lang_status(c, b, &res, o.lang != NULL);
  if (res.has_place) {
    kb_buf_puts(b, "<p class=\"place\">Place: ");
    S_h(b, res.place.name);
    if (res.place.store) {
      kb_buf_puts(b, " \xC2\xB7 store: <a href=\"");
      S_article_link(b, res.place.store->collection, res.place.store->slug);
      kb_buf_puts(b, "\">");
      S_h(b, res.place.store->title);
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
    S_h(b, res.res.corrected);
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

static void S_agent_page(const kb_ctx *c, const kb_web_args *a, kb_http_resp *r) {
  const char *text = a->text, *author = a->author, *coll = a->collection;
  const char *done = a->arg ? a->arg(a->h, "done") : NULL;
  const char *lang = a->arg ? a->arg(a->h, "lang") : NULL; /* the agent's choice, or detect */
  int bad_lang = lang && *lang && kb_index_lang_find(c->ix, lang) < 0;
  /* signed in (a session cookie does for the console's requests), or no
   * keys: the key field is only for a browser that is neither */
  int keys = a->keys && !(a->roles & KB_ROLE_AGENT), invalid = 0;
  const char *handle = kb_reply_handle(author, &invalid);
  S_html(r, 200);
  kb_buf *b = &r->body;
  S_page_start(c, b, "Agent console", "agent");
  kb_buf_puts(b, "<h1>Agent console</h1><div class=\"console\"><div class=\"side\">");
  if (S_loopback_url(c->public_url)) {
    kb_buf_puts(b, "<p class=\"notice loopback\">Replies link to <code>");
    S_h(b, c->public_url);
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
  S_h(b, text);
  kb_buf_puts(b, "</textarea><label for=\"handle\">Customer's handle</label>"
                 "<input id=\"handle\" name=\"author\" placeholder=\"without @\" autocomplete=\"off\" value=\"");
  S_h(b, author);
  kb_buf_puts(b, "\"><label for=\"collection\">Brand</label><select id=\"collection\" name=\"collection\"><option value=\"\">All</option>");
  kb_buf seen = KB_BUF_INIT;
  kb_buf_putc(&seen, '\n');
  kb_index_list_lang(c->ix, S_page_lang(c), S_collections_cb, &seen);
  char *list = kb_xstrdup(kb_buf_str(&seen)), *save = NULL;
  for (char *t = strtok_r(list, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
    kb_buf_puts(b, "<option");
    if (coll && !strcmp(coll, t)) kb_buf_puts(b, " selected");
    kb_buf_puts(b, ">");
    S_h(b, t);
    kb_buf_puts(b, "</option>");
  }
  free(list);
  kb_buf_cleanup(&seen);
  kb_buf_puts(b, "</select><label for=\"mlang\">Language of the mention</label><select id=\"mlang\" name=\"lang\">"
                 "<option value=\"\">Detect from its words</option>");
  for (int i = 0; i < kb_index_nlangs(c->ix); i++) {
    const char *code = kb_index_lang_code(c->ix, i);
    kb_buf_printf(b, "<option value=\"%s\"%s>", code, lang && !strcmp(lang, code) ? " selected" : "");
    S_h(b, S_lang_name(c, code));
    kb_buf_puts(b, "</option>");
  }
  kb_buf_puts(b, "</select>");
  if (keys)
    kb_buf_puts(b, "<label for=\"apikey\" class=\"apikey\">API key</label>"
                   "<input id=\"apikey\" class=\"apikey\" type=\"password\" autocomplete=\"off\">");
  kb_buf_puts(b, "<button type=\"submit\">Suggest <kbd>Ctrl</kbd>+<kbd>Enter</kbd></button></form></div>"
                 "<div class=\"cards\"><div id=\"banner\" class=\"banner\" role=\"alert\" hidden></div>"
                 "<div id=\"suggestions\" data-text=\"");
  S_h(b, text && *text ? text : "");
  kb_buf_puts(b, "\" data-author=\"");
  S_h(b, handle ? handle : "");
  kb_buf_puts(b, "\">");
  if (bad_lang)
    kb_buf_puts(b, "<p class=\"unanswerable\">That language is not one of the knowledge base's.</p>");
  else if (text && *text && !keys && !invalid && kb_text_utf8_valid(text, strlen(text), NULL))
    S_suggestions(c, b, text, handle, coll, lang);
  else if (invalid)
    kb_buf_puts(b, "<p class=\"unanswerable\">The handle must be 1-15 letters, digits or _.</p>");
  kb_buf_puts(b, "</div></div></div>");
  S_page_end(c, b);
}

/* POST /agent/feedback from a card without JavaScript: record what the
 * agent did, then back to the console (303): a clear form after "sent",
 * the same mention's cards after "not relevant". */
static void S_agent_feedback_form(const kb_ctx *c, const char *body, size_t n, kb_http_resp *r);

/*--- The knowledge team: KB health --------------------------------------*/

typedef struct {
  const kb_ctx *c;
  const char *today;   /* YYYY-MM-DD */
  kb_buf *rows;
  int n;
} S_overdue_ctx;

static void S_overdue_cb(void *ctx, const char *coll, const char *slug, const char *title) {
  S_overdue_ctx *o = ctx;
  const char *rb = S_art_meta(o->c, coll, slug, "review_by");
  if (!rb || strcmp(rb, o->today) >= 0) return;
  const char *owner = S_art_meta(o->c, coll, slug, "owner");
  kb_buf_puts(o->rows, "<tr><td><a href=\"");
  S_article_link(o->rows, coll, slug);
  kb_buf_puts(o->rows, "\">");
  S_h(o->rows, title);
  kb_buf_puts(o->rows, "</a></td><td>");
  S_h(o->rows, owner ? owner : "nobody");
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
    S_h(b, p);
    kb_buf_puts(b, "</li>");
    return;
  }
  const char *msg = sep + (err ? 9 : 11);
  kb_buf_puts(b, "<code class=\"where\">");
  kb_buf_put_html(b, p, (size_t)(sep - p));
  kb_buf_puts(b, "</code> ");
  S_h(b, msg);
  for (int i = 0; w && i + 1 < w->nfixes; i += 2)
    if (!strncmp(msg, w->fixes[i], strlen(w->fixes[i]))) {
      kb_buf_puts(b, "<p class=\"fix\">How to fix: ");
      S_h(b, w->fixes[i + 1]);
      kb_buf_puts(b, "</p>");
      break;
    }
  kb_buf_puts(b, "</li>");
}

/* /kb-health: the indexer's last build of the served index (errors and
 * warnings with their fixes), the version serving, and the articles
 * overdue for review. app.js reloads it when /healthz changes. */
static void S_health_page(const kb_web *w, const kb_ctx *c, kb_http_resp *r) {
  S_html(r, 200);
  kb_buf *b = &r->body;
  S_page_start(c, b, "Knowledge-base health", "team-health");
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
  const char *fin = S_jstr(st, "finished"), *kbdir = S_jstr(st, "kb");
  cJSON *builds = cJSON_GetObjectItemCaseSensitive(st, "builds");
  kb_buf_printf(b, "<div class=\"state %s\" data-builds=\"%d\" data-building=\"%s\" data-finished=\"",
                ne ? "bad" : "good", cJSON_IsNumber(builds) ? builds->valueint : 0,
                cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "building")) ? "true" : "false");
  S_h(b, fin ? fin : "");
  kb_buf_puts(b, "\">");
  if (!st) {
    kb_buf_puts(b, "<p>No build status beside this index: it was built elsewhere. Run <code>kb-index --check</code>"
                   " on the knowledge base, or serve it with <code>kb-serve --kb</code>, to see problems here.</p>");
  } else if (ne) {
    kb_buf_printf(b, "<p><strong>%d error%s</strong> and %d warning%s in the last save", ne, ne == 1 ? "" : "s", nw,
                  nw == 1 ? "" : "s");
    if (fin) {
      kb_buf_puts(b, " (checked ");
      S_h(b, fin);
      kb_buf_puts(b, ")");
    }
    kb_buf_puts(b, ". Customers and agents are not affected: the last good version is serving since ");
    S_h(b, built ? built : "it was built");
    kb_buf_puts(b, ".</p>");
  } else {
    kb_buf_printf(b, "<p><strong>No errors</strong>, %d warning%s. Serving the version built ", nw, nw == 1 ? "" : "s");
    S_h(b, built ? built : "");
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
  kb_index_list_lang(c->ix, S_page_lang(c), S_overdue_cb, &o);
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
  S_page_end(c, b);
}

/*--- Forms ---------------------------------------------------------------*/

/* Decodes application/x-www-form-urlencoded value of key from body;
 * caller frees; NULL if absent. */
static char *S_form_value(const char *body, size_t n, const char *key) {
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

char *kb_web_form_value(const char *body, size_t n, const char *key) {
  return S_form_value(body, n, key);
}

/* GET /signin: the staff's sign-in form (the key once; a session cookie
 * afterwards, kb_session.h); next is where to go back to. */
static void S_signin_page(const kb_ctx *c, const kb_web_args *a, kb_http_resp *r) {
  const char *next = a->arg ? a->arg(a->h, "next") : NULL;
  const char *failed = a->arg ? a->arg(a->h, "failed") : NULL;
  S_html(r, failed ? 401 : 200);
  kb_buf *b = &r->body;
  S_page_start(c, b, "Sign in", "team-signin");
  kb_buf_puts(b, "<h1>Sign in</h1>");
  if (!a->keys)
    kb_buf_puts(b, "<p>This server has no API keys: the console and the team's pages are open.</p>");
  if (failed) kb_buf_puts(b, "<p class=\"notice\" role=\"alert\">That key is not one of this server's. Try again.</p>");
  kb_buf_puts(b, "<form class=\"signin\" method=\"post\" action=\"/signin\">"
                 "<label for=\"key\">Your API key</label>"
                 "<input id=\"key\" name=\"key\" type=\"password\" autocomplete=\"current-password\" required>"
                 "<input type=\"hidden\" name=\"next\" value=\"");
  S_h(b, next && next[0] == '/' && next[1] != '/' ? next : "/agent");
  kb_buf_puts(b, "\"><button type=\"submit\">Sign in</button></form>"
                 "<p>Agents' keys open the console; the knowledge team's open the reports, the KB health page "
                 "and the queue. You stay signed in for 8 hours on this browser, or until you sign out.</p>");
  S_page_end(c, b);
}

/* The staff's pages need a role when keys are set: a page read without it
 * goes to the sign-in form (and comes back after), anything else is 401.
 * Returns 1 when the request may go on. */
static int S_staff(const kb_ctx *c, const kb_web_args *a, const char *method, const char *url,
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
    S_error_page(c, r, 401, "Sign in needed", a->roles ? "Your key does not open this page." : "Sign in with your key first.");
  }
  return 0;
}

/* POST /helpful from the article page's form: record, then back to the
 * article with a thank-you (303 See Other, so a reload does not post
 * again). */
static void S_helpful_form(const kb_ctx *c, const char *body, size_t n, kb_http_resp *r) {
  char *coll = S_form_value(body, n, "collection"), *slug = S_form_value(body, n, "slug");
  char *h = S_form_value(body, n, "helpful");
  kb_doc d;
  if (!slug || !h || (strcmp(h, "yes") && strcmp(h, "no")) ||
      !kb_text_utf8_valid(slug, strlen(slug), NULL) ||
      (coll && !kb_text_utf8_valid(coll, strlen(coll), NULL)) || kb_index_get(c->ix, coll, slug, &d) != 1) {
    S_error_page(c, r, 400, kb_ui_text(c, "error.wrong"), kb_ui_text(c, "helpful.failed"));
  } else {
    kb_events_helpful(c->events, d.collection, d.slug, !strcmp(h, "yes"), NULL);
    r->status = 303;
    r->ctype = "text/html; charset=utf-8";
    r->html = 1;
    kb_buf loc = KB_BUF_INIT;
    S_article_link(&loc, d.collection, d.slug);
    kb_buf_puts(&loc, "?thanks=1");
    r->location = kb_buf_detach(&loc);
    kb_buf_puts(&r->body, "<!doctype html><p>");
    S_t(c, &r->body, "helpful.thanks");
    kb_buf_puts(&r->body, "</p>");
    kb_doc_free(&d);
  }
  free(coll);
  free(slug);
  free(h);
}

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

static void S_agent_feedback_form(const kb_ctx *c, const char *body, size_t n, kb_http_resp *r) {
  static const char *const keys[] = {"text", "author", "brand", "collection", "slug", "original", "reply", "action"};
  char *v[8];
  for (int i = 0; i < 8; i++) {
    v[i] = S_form_value(body, n, keys[i]);
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
    S_error_page(c, r, 400, "Something went wrong", "That could not be recorded: go back and try again.");
  } else {
    const char *act = action;
    if (!strcmp(action, "sent") && v[5] && v[6] && strcmp(v[5], v[6])) act = "edited";
    char err[256];
    long long id;
    kb_feedback_row row = {.text = text, .collection = d.collection, .slug = d.slug, .action = act,
                           .author = handle};
    if (kb_api_store_feedback(c, &row, &id, NULL, err, sizeof err) != KB_FEEDBACK_OK) {
      S_error_page(c, r, 503, "Not recorded", "The feedback store is busy: go back and try again.");
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

static kb_queue *S_queue(kb_web *w, const kb_ctx *c) {
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
static void S_queue_form(kb_web *w, const kb_ctx *c, int flag, const char *body, size_t n, kb_http_resp *r) {
  static const char *const keys[] = {"text", "author", "brand", "collection", "slug", "reason", "note"};
  char *v[7];
  int bad = 0;
  for (int i = 0; i < 7; i++) {
    v[i] = S_form_value(body, n, keys[i]);
    if (v[i] && (!kb_text_utf8_valid(v[i], strlen(v[i]), NULL) || strlen(v[i]) > 10000)) bad = 1;
  }
  const char *handle = bad ? NULL : kb_reply_handle(v[1], &bad);
  kb_queue *q = S_queue(w, c);
  kb_doc d;
  int art = 0;
  if (!bad && flag) {
    bad = !v[4] || !v[5] || (strcmp(v[5], "wrong") && strcmp(v[5], "outdated") && strcmp(v[5], "missing")) ||
          kb_index_get(c->ix, v[3] && *v[3] ? v[3] : NULL, v[4], &d) != 1;
    art = !bad;
  } else if (!bad) {
    bad = !v[0] || !*v[0];
  }
  if (bad) S_error_page(c, r, 400, "Something went wrong", "That could not be sent: go back and try again.");
  else if (!q || kb_queue_add(q, flag ? "flag" : "unanswered", art ? d.collection : NULL, art ? d.slug : NULL,
                              flag ? v[5] : NULL, v[6], v[0], handle) != 0)
    S_error_page(c, r, 503, "Not sent", "The knowledge team's queue cannot be written now: try again.");
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
  S_h(b, why);
  kb_buf_puts(b, "</strong>");
  if (slug) {
    kb_doc d;
    kb_buf_puts(b, ": <a href=\"");
    S_article_link(b, coll, slug);
    kb_buf_puts(b, "\">");
    int found = kb_index_get(x->c->ix, coll, slug, &d) == 1;
    S_h(b, found ? d.title : slug);
    if (found) kb_doc_free(&d);
    kb_buf_puts(b, "</a>");
  }
  kb_buf_puts(b, " <span class=\"when\">");
  S_h(b, ts);
  kb_buf_puts(b, "</span></p>");
  if (mention) {
    kb_buf_puts(b, "<blockquote class=\"mention\">");
    if (author) {
      kb_buf_puts(b, "@");
      S_h(b, author);
      kb_buf_puts(b, ": ");
    }
    S_h(b, mention);
    kb_buf_puts(b, "</blockquote>");
  }
  if (note) {
    kb_buf_puts(b, "<p class=\"note\">Note: ");
    S_h(b, note);
    kb_buf_puts(b, "</p>");
  }
  kb_buf_printf(b, "<form action=\"/team/queue/done\" method=\"post\"><input type=\"hidden\" name=\"id\" value=\"%lld\">"
                   "<button type=\"submit\">Done</button></form></li>", id);
}

/* GET /team/queue: what agents sent, newest first. */
static void S_queue_page(kb_web *w, const kb_ctx *c, kb_http_resp *r) {
  kb_queue *q = S_queue(w, c);
  S_html(r, 200);
  kb_buf *b = &r->body;
  S_page_start(c, b, "The knowledge team's queue", "team-queue");
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
  S_page_end(c, b);
}

/*--- Routing -------------------------------------------------------------*/

static int S_handle(kb_web *w, const kb_ctx *c, const char *method, const char *url,
                    const kb_web_args *a, const char *body, size_t nbody, kb_http_resp *r) {
  int get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
  if (!strncmp(url, "/static/", 8)) {
    if (!get) goto not_allowed;
    if (!S_name_ok(url + 8) || !S_static(w, url + 8, S_takes_gzip(a), r))
      S_error_page(c, r, 404, kb_ui_text(c, "error.notfound"), kb_ui_text(c, "error.nothing"));
    return 1;
  }
  if (!strcmp(url, "/agent/feedback")) {
    if (strcmp(method, "POST")) goto not_allowed_post;
    if (!S_staff(c, a, method, url, KB_ROLE_AGENT, r)) {
    } else if (!c->feedback) S_error_page(c, r, 503, "Not available", "Feedback cannot be recorded right now (no --data).");
    else S_agent_feedback_form(c, body, nbody, r);
    return 1;
  }
  if (!strcmp(url, "/helpful")) {
    if (strcmp(method, "POST")) goto not_allowed_post;
    if (!c->events) S_error_page(c, r, 503, kb_ui_text(c, "error.unavailable"), kb_ui_text(c, "helpful.unavailable"));
    else S_helpful_form(c, body, nbody, r);
    return 1;
  }
  if (!strncmp(url, "/topics/", 8)) {
    if (!get) goto not_allowed;
    S_topic_page(c, url + 8, r);
    return 1;
  }
  if (!strcmp(url, "/team/flag") || !strcmp(url, "/team/unanswered") || !strcmp(url, "/team/queue/done")) {
    if (strcmp(method, "POST")) goto not_allowed_post;
    if (!S_staff(c, a, method, url, strcmp(url, "/team/queue/done") ? KB_ROLE_AGENT | KB_ROLE_TEAM : KB_ROLE_TEAM, r)) {
    } else if (!strcmp(url, "/team/queue/done")) {
      char *id = S_form_value(body, nbody, "id");
      kb_queue *q = S_queue(w, c);
      if (!id || !q || kb_queue_done(q, atoll(id)) != 0) S_error_page(c, r, 404, "Not found", "There is no such item in the queue.");
      else {
        r->status = 303;
        r->ctype = "text/html; charset=utf-8";
        r->html = 1;
        r->location = kb_xstrdup("/team/queue");
        kb_buf_puts(&r->body, "<!doctype html><title>Done</title><p>Done.</p>");
      }
      free(id);
    } else S_queue_form(w, c, !strcmp(url, "/team/flag"), body, nbody, r);
    return 1;
  }
  if (!strcmp(url, "/reports.csv")) {
    if (!get) goto not_allowed;
    if (S_staff(c, a, method, url, KB_ROLE_TEAM, r)) kb_api_reports_csv(c, a->arg ? a->arg(a->h, "days") : NULL, r);
    return 1;
  }
  if (!strcmp(url, "/team/translations")) {
    if (!get) goto not_allowed;
    if (S_staff(c, a, method, url, KB_ROLE_TEAM, r)) kb_web_translations_page(c, a->arg ? a->arg(a->h, "lang") : NULL, r);
    return 1;
  }
  if (!strcmp(url, "/team/queue")) {
    if (!get) goto not_allowed;
    if (S_staff(c, a, method, url, KB_ROLE_TEAM, r)) S_queue_page(w, c, r);
    return 1;
  }
  if (!strcmp(url, "/signin")) {
    if (!get) goto not_allowed;
    S_signin_page(c, a, r);
    return 1;
  }
  if (!strcmp(url, "/kb-health")) {
    if (!get) goto not_allowed;
    if (S_staff(c, a, method, url, KB_ROLE_TEAM, r)) S_health_page(w, c, r);
    return 1;
  }
  if (!strcmp(url, "/") || !strcmp(url, "/search") || !strcmp(url, "/stores") ||
      !strcmp(url, "/agent") || !strncmp(url, "/help/", 6)) {
    if (!get) goto not_allowed;
    if (!strcmp(url, "/")) S_search_page(c, NULL, NULL, 0, r);
    else if (!strcmp(url, "/search")) S_search_page(c, a->q ? a->q : "", a->page, a->fragment != NULL, r);
    else if (!strcmp(url, "/stores")) S_stores_page(w, c, a->near, r);
    else if (!strcmp(url, "/agent")) {
      if (S_staff(c, a, method, url, KB_ROLE_AGENT, r)) S_agent_page(c, a, r);
    }
    else {
      const char *rest = url + 6, *slash = strchr(rest, '/');
      if (slash && !strchr(slash + 1, '/')) {
        char *coll = kb_xstrndup(rest, (size_t)(slash - rest));
        S_article_page(c, coll, slash + 1, a->thanks != NULL, !strcmp(method, "GET"), r);
        free(coll);
      } else if (!slash && *rest) {
        S_article_page(c, NULL, rest, a->thanks != NULL, !strcmp(method, "GET"), r);
      } else {
        S_error_page(c, r, 404, kb_ui_text(c, "error.notfound"), kb_ui_text(c, "error.noarticle"));
      }
    }
    return 1;
  }
  return 0;
not_allowed:
  S_error_page(c, r, 405, kb_ui_text(c, "error.notallowed"), kb_ui_text(c, "error.readonly"));
  r->allow = "GET";
  return 1;
not_allowed_post:
  S_error_page(c, r, 405, kb_ui_text(c, "error.notallowed"), kb_ui_text(c, "error.formonly"));
  r->allow = "POST";
  return 1;
}

/* The language an address names, /fr or /fr/...: another language of the
 * index than its default; its length (3) or 0. */
static size_t S_lang_prefix(const kb_ctx *c, const char *url, char code[8]) {
  size_t n = 1;
  while (url[n] >= 'a' && url[n] <= 'z' && n < 7) n++;
  if (n < 3 || (url[n] && url[n] != '/')) return 0;
  snprintf(code, 8, "%.*s", (int)(n - 1), url + 1);
  int li = kb_index_lang_find(c->ix, code);
  return li >= 0 && li != kb_index_default_lang(c->ix) ? n : 0;
}

/* A page of the /fr/ site links the /fr/ site: href="/x" and action="/x"
 * get the prefix (not /static/, not /api/, and not twice), as does a
 * redirect. One pass over the page, so no link can be forgotten. */
/* 1 if the tag around the attribute at h (in [start, h)) has an hreflang
 * before it: a link to another language's page, already addressed. */
static int S_hreflang_before(const char *start, const char *h) {
  const char *lt = h;
  while (lt > start && *lt != '<' && h - lt < 200) lt--;
  for (const char *x = lt; x + 10 <= h; x++)
    if (!memcmp(x, "hreflang=\"", 10)) return 1;
  return 0;
}

static void S_prefix_links(kb_http_resp *r, const char *code) {
  char pre[16];
  int np = snprintf(pre, sizeof pre, "/%s", code);
  kb_buf out = KB_BUF_INIT;
  const char *p = r->body.p, *end = r->body.p + r->body.n;
  while (p < end) {
    const char *h = NULL, *x = p;
    for (; x + 7 <= end; x++)
      if ((!memcmp(x, "href=\"/", 7)) || (x + 9 <= end && !memcmp(x, "action=\"/", 9))) { h = x; break; }
    if (!h) break;
    const char *slash = strchr(h, '/');
    kb_buf_put(&out, p, (size_t)(slash - p));
    if (strncmp(slash, "/static/", 8) && strncmp(slash, "/api/", 5) && slash[1] != '/' &&
        !S_hreflang_before(r->body.p, h) &&
        !(!strncmp(slash, pre, (size_t)np) && (slash[np] == '/' || slash[np] == '"')))
      kb_buf_puts(&out, pre);
    p = slash;
  }
  kb_buf_put(&out, p, (size_t)(end - p));
  kb_buf_cleanup(&r->body);
  r->body = out;
  if (r->location && r->location[0] == '/' && strncmp(r->location, pre, (size_t)np)) {
    char *loc = kb_fmt("%s%s", pre, r->location);
    free(r->location);
    r->location = loc;
  }
}

int kb_web_handle(kb_web *w, const kb_ctx *c, const char *method, const char *url,
                  const kb_web_args *a, const char *body, size_t nbody, kb_http_resp *r) {
  char code[8];
  size_t np = strncmp(url, "/static/", 8) ? S_lang_prefix(c, url, code) : 0;
  if (np) { /* the site in another language: /fr/, /de/, /es/ */
    kb_ctx lc = *c;
    lc.lang = code;
    const char *rest = url[np] ? url + np : "/";
    if (!S_handle(w, &lc, method, rest, a, body, nbody, r)) return 0;
    if (r->body.p && r->ctype && !strncmp(r->ctype, "text/html", 9)) S_prefix_links(r, code);
  } else if (!S_handle(w, c, method, url, a, body, nbody, r)) {
    return 0;
  }
  /* pages gzipped for clients that take it (static files were at load) */
  if (!r->encoding && S_compressible(r->ctype) && r->body.n > 512) {
    r->vary = 1;
    kb_buf z = KB_BUF_INIT;
    if (S_takes_gzip(a) && S_gzip(r->body.p, r->body.n, &z) == 0 && z.n < r->body.n) {
      kb_buf_cleanup(&r->body);
      r->body = z;
      r->encoding = "gzip";
    } else {
      kb_buf_cleanup(&z);
    }
  }
  return 1;
}
