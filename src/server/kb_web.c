/*
 * kb_web.c - the public self-help site, rendered on the server
 * (docs/web-contract.md has the markup; web/static holds the stylesheet
 * and the script that enhances it): search, topics, articles, the store
 * finder, static files, gzip, the /fr/ language prefix, and the
 * dispatcher (kb_web_handle) that also routes the staff's pages
 * (kb_staff.c). The page frame both use is kb_page.c's (kb_page.h).
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

#include "kb_page.h"
#include "kb_reply.h"
#include "kb_suggest.h"
#include "kb_session.h"
#include "kb_sha256.h"
#include "kb_ui.h"
#include "server.h"

#define S_PER_PAGE 10
#define S_MAX_STATIC (512 * 1024)

/*--- Compression ---------------------------------------------------------*/

/* How hard to compress. A static file is compressed once, at load: zlib's
 * default. A page is compressed on every request from a browser, and
 * that cost more than building it (callgrind, docs/benchmarks.md,
 * thirteenth session: 460 K instructions a 3.7 KB search-as-you-type
 * fragment at the default, against 166 K for the whole request without
 * compression; 900 K an 11 KB search page): a page takes zlib's fastest
 * level (nginx's default gzip_comp_level too) with an 8 KB window and a
 * smaller hash (memLevel 6: 64 KB of state to set up, not 256 KB, and no
 * worse on pages of 1-16 KB): 29 % fewer instructions for the fragment,
 * 36 % for the page, for 5 % and 11 % more bytes. */
typedef struct {
  int level, window_bits, mem_level;
} S_gzip_how;
static const S_gzip_how S_GZIP_FILE = {6, 15, 8}, S_GZIP_PAGE = {1, 13, 6};

/* A page under this many bytes is sent as it is, even to a client that
 * takes gzip (nginx's gzip_min_length, set high): it fits the first round
 * trip either way (half of TCP's initial window of ten 1,460-byte
 * segments), so compressing it only costs. The search-as-you-type fragment
 * (0.7-4.1 KB, on every keystroke) is such a page: gzip at level 1 cost
 * 350 K instructions a fragment, more than twice the fragment itself (150
 * K), to save about 2.2 KB; whole pages (11-20 KB) are still compressed. */
#define S_GZIP_PAGE_MIN 8192

/* in[0..n) gzipped into out. Returns 0, or -1 (out unchanged). */
static int S_gzip(const char *in, size_t n, const S_gzip_how *how, kb_buf *out) {
  z_stream z;
  memset(&z, 0, sizeof z);
  if (deflateInit2(&z, how->level, Z_DEFLATED, how->window_bits + 16, how->mem_level,
                   Z_DEFAULT_STRATEGY) != Z_OK)
    return -1;
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
    kb_web_area *a = &w->areas[w->nareas++];
    memset(a->area, 0, sizeof a->area);
    memcpy(a->area, ln, (size_t)(tab - ln));
    a->town = kb_xstrdup(tab + 1);
    size_t tl = strlen(a->town);
    if (tl && a->town[tl - 1] == '\r') a->town[tl - 1] = 0;
  }
  free(data);
}

/* One fixes file: "message prefix<tab>fix" lines, kept as (lang, prefix,
 * fix) triples; lang "" for the English kb-fixes.tsv. */
static void S_load_fixes_file(kb_web *w, const char *path, const char *lang) {
  size_t n;
  char *data = kb_read_file(path, 256 * 1024, &n), *save = NULL;
  if (!data) return;
  for (char *ln = strtok_r(data, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
    char *tab = strchr(ln, '\t');
    if (*ln == '#' || !tab || tab == ln) continue;
    w->fixes = kb_xrealloc(w->fixes, (size_t)(w->nfixes + 3) * sizeof *w->fixes);
    w->fixes[w->nfixes++] = kb_xstrdup(lang);
    w->fixes[w->nfixes++] = kb_xstrndup(ln, (size_t)(tab - ln));
    w->fixes[w->nfixes++] = kb_xstrdup(tab + 1);
  }
  free(data);
}

/* DIR/kb-fixes.tsv: the indexer's message prefixes and their fixes
 * (docs/authoring.md's table of messages), for the KB health page; and
 * DIR/kb-fixes.CODE.tsv, the same prefixes with the fixes in language
 * CODE (the page in that language shows those). Optional. */
static void S_load_fixes(kb_web *w, const char *dir) {
  char *p = kb_fmt("%s/kb-fixes.tsv", dir);
  S_load_fixes_file(w, p, "");
  free(p);
  DIR *d = opendir(dir);
  for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
    size_t n = strlen(e->d_name);
    if (n != 15 || strncmp(e->d_name, "kb-fixes.", 9) || strcmp(e->d_name + 11, ".tsv") ||
        e->d_name[9] < 'a' || e->d_name[9] > 'z' || e->d_name[10] < 'a' || e->d_name[10] > 'z')
      continue;
    char code[3] = {e->d_name[9], e->d_name[10], 0};
    p = kb_fmt("%s/%s", dir, e->d_name);
    S_load_fixes_file(w, p, code);
    free(p);
  }
  if (d) closedir(d);
}

/* The pages' policy: everything from our own origin, nothing inline but
 * the stylesheet whose hash it names (if any). */
#define S_CSP_HEAD "default-src 'self'; script-src 'self'; style-src 'self'"
#define S_CSP_TAIL "; img-src 'self' data:; connect-src 'self'; form-action 'self';" \
                   " frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

/* css[0..n) without its comments and with each run of blank space that
 * holds a line break made one line break: every page carries it, and its
 * comments are for its authors (a sixth of it gzipped). Quoted strings are
 * copied as they are. Caller frees. */
static char *S_css_strip(const char *css, size_t n) {
  char *out = kb_xmalloc(n + 1), quote = 0;
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    char ch = css[i];
    if (quote) {
      out[o++] = ch;
      if (ch == '\\' && i + 1 < n) out[o++] = css[++i];
      else if (ch == quote) quote = 0;
    } else if (ch == '/' && i + 1 < n && css[i + 1] == '*') {
      const char *end = strstr(css + i + 2, "*/");
      i = end ? (size_t)(end - css) + 1 : n;
    } else if (ch == '\n' || ((ch == ' ' || ch == '\t') && o && out[o - 1] == '\n')) {
      while (o && (out[o - 1] == ' ' || out[o - 1] == '\t')) o--;
      if (o && out[o - 1] != '\n') out[o++] = '\n';
    } else {
      if (ch == '"' || ch == '\'') quote = ch;
      out[o++] = ch;
    }
  }
  out[o] = 0;
  return out;
}

/* static/NAME stripped for a <style> element, its hash added to hashes
 * (" 'sha256-...'"), or NULL when it is missing or cannot sit there: a
 * "</" could end the element early (</style>), and a NUL byte would cut
 * the page's copy short of what the hash covers. Caller frees. */
static char *S_inline_sheet(const kb_web *w, const char *name, kb_buf *hashes) {
  for (int i = 0; i < w->nfiles; i++) {
    const kb_web_file *f = &w->files[i];
    if (strcmp(f->name, name) || memchr(f->body, 0, f->n)) continue;
    char *css = S_css_strip(f->body, f->n), h[45];
    if (strstr(css, "</")) {
      free(css);
      return NULL;
    }
    kb_sha256_base64(css, strlen(css), h);
    kb_buf_printf(hashes, " 'sha256-%s'", h);
    return css;
  }
  return NULL;
}

/* The public pages' stylesheet (app.css) and the one the staff's pages
 * add (console.css), each inline when it can be, and the policy naming
 * what is. */
static void S_load_style(kb_web *w) {
  kb_buf hashes = KB_BUF_INIT;
  w->style = S_inline_sheet(w, "app.css", &hashes);
  w->style_staff = S_inline_sheet(w, "console.css", &hashes);
  w->csp = kb_fmt(S_CSP_HEAD "%s" S_CSP_TAIL, kb_buf_str(&hashes));
  kb_buf_cleanup(&hashes);
}

const char *kb_web_style(const kb_web *w, int staff) {
  return w ? (staff ? w->style_staff : w->style) : NULL;
}
const char *kb_web_csp(const kb_web *w) { return w ? w->csp : S_CSP_HEAD S_CSP_TAIL; }

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
    kb_web_file *f = &w->files[w->nfiles++];
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
    if (S_compressible(f->ctype) && n > 512 && S_gzip(body, n, &S_GZIP_FILE, &z) == 0 && z.n < n) {
      f->ngz = z.n;
      f->gz = kb_buf_detach(&z);
      snprintf(f->gzetag, sizeof f->gzetag, "\"%lx-gz\"", h);
    }
    kb_buf_cleanup(&z);
  }
  closedir(dh);
  free(sdir);
  S_load_style(w);
  S_load_areas(w, dir);
  S_load_fixes(w, dir);
  if (kb_staff_load_bands(w, dir, err, nerr) != 0) {
    kb_web_free(w);
    return NULL;
  }
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
  free(w->style);
  free(w->style_staff);
  free(w->csp);
  for (int i = 0; i < w->nareas; i++) free(w->areas[i].town);
  free(w->areas);
  kb_queue_close(w->queue);
  for (int i = 0; i < w->nfixes; i++) free(w->fixes[i]);
  free(w->fixes);
  free(w->bands);
  pthread_mutex_destroy(&w->mu);
  free(w);
}

static int S_static(kb_web *w, const char *name, int gz, kb_http_resp *r) {
  for (int i = 0; w && i < w->nfiles; i++) {
    const kb_web_file *f = &w->files[i];
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

/*--- Search --------------------------------------------------------------*/

/* The search form's texts (kb_ui.h's kb_ui_key). */
static kb_ui_key S_k_search_label = KB_UI_KEY("search.label");
static kb_ui_key S_k_search_button = KB_UI_KEY("search.button");

static void S_search_form(const kb_ctx *c, kb_buf *b, const char *q) {
  kb_buf_puts(b, "<form class=\"search\" role=\"search\" action=\"/search\" method=\"get\"><label for=\"q\">");
  kb_ui_put_k(c, b, &S_k_search_label, (const char *)NULL);
  kb_buf_puts(b, "</label><input id=\"q\" name=\"q\" type=\"search\" autocomplete=\"off\" spellcheck=\"false\" value=\"");
  kb_page_h(b, q);
  kb_buf_puts(b, "\"><button type=\"submit\">");
  kb_ui_put_k(c, b, &S_k_search_button, (const char *)NULL);
  kb_buf_puts(b, "</button></form>");
}

typedef struct {
  kb_buf *b;
  int n, max;
} S_listctx;

static void S_list_cb(void *ctx, const char *coll, const char *slug, const char *title) {
  S_listctx *l = ctx;
  if (l->n++ >= l->max) return;
  kb_buf_puts(l->b, "<li><a href=\"");
  kb_page_article_link(l->b, coll, slug);
  kb_buf_puts(l->b, "\">");
  kb_page_h(l->b, title);
  kb_buf_puts(l->b, "</a></li>");
}

/* The page of coll/slug in the page's language into d: 1, or 0 when it
 * has none there (kb_index_get_lang() falls back to another language,
 * and a store page exists in its country's only: the French home page
 * listed the English store page most viewed on the English site). */
static int S_get_own_lang(const kb_ctx *c, const char *coll, const char *slug, kb_doc *d) {
  if (kb_index_get_lang(c->ix, coll, slug, kb_page_lang(c), d) != 1) return 0;
  if (d->lang && !strcmp(d->lang, kb_page_lang(c))) return 1;
  kb_doc_free(d);
  return 0;
}

/* Popular articles: the most viewed (the event log's views: on this
 * language's site first, then on every site), then the most sent by
 * agents, each in the page's language; none when neither is known yet.
 * Returns how many. */
static int S_popular(const kb_ctx *c, kb_buf *b, int max) {
  char *keys[64];
  int nk = kb_events_popular(c->events, kb_page_lang(c), keys, max < 64 ? max : 64), shown = 0;
  kb_buf list = KB_BUF_INIT, seen = KB_BUF_INIT;
  for (int i = 0; i < nk; i++) {
    char *slash = strchr(keys[i], '/');
    kb_doc d;
    if (slash && (*slash = 0, S_get_own_lang(c, keys[i], slash + 1, &d))) {
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
      if (S_get_own_lang(c, ev[i].collection, ev[i].slug, &d)) {
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
  const char *cat = kb_page_art_meta(t->c, coll, slug, "category");
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
 * sorted by name, as a list into b (nothing when there are none). */
static void S_topics_render(const kb_ctx *c, kb_buf *b) {
  S_topics_ctx t = {.c = c};
  kb_index_list_lang(c->ix, kb_page_lang(c), S_topics_cb, &t);
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
    kb_page_topic_slug(b, t.names[i]);
    kb_buf_puts(b, "\">");
    kb_page_h(b, kb_page_cat_name(c, t.names[i]));
    kb_buf_puts(b, "</a> <span class=\"n\">");
    kb_ui_count(c, b, "topic.count", t.counts[i], (const char *)NULL);
    kb_buf_puts(b, "</span></li>");
    free(t.names[i]);
  }
  if (t.n) kb_buf_puts(b, "</ul>");
}

/* S_topics_render()'s list: the one kept for the page's language and
 * index (kb_page_topics()), or rendered into own now; empty when there
 * are no topics. */
static const kb_buf *S_topics(const kb_ctx *c, kb_buf *own) {
  const kb_buf *kept = kb_page_topics(c, S_topics_render);
  if (kept) return kept;
  S_topics_render(c, own);
  return own;
}

/* The texts of the search page and its results, found once per language
 * and index (kb_ui.h's kb_ui_key). */
static kb_ui_key S_k_search_unreadable = KB_UI_KEY("search.unreadable");
static kb_ui_key S_k_search_none_contact = KB_UI_KEY("search.none.contact");
static kb_ui_key S_k_browse = KB_UI_KEY("browse");
static kb_ui_key S_k_popular = KB_UI_KEY("popular");
static kb_ui_key S_k_pages_label = KB_UI_KEY("pages.label");
static kb_ui_key S_k_pages_previous = KB_UI_KEY("pages.previous");
static kb_ui_key S_k_pages_next = KB_UI_KEY("pages.next");
static kb_ui_key S_k_home_heading = KB_UI_KEY("home.heading");
static kb_ui_key S_k_home_title = KB_UI_KEY("home.title");
static kb_ui_key S_k_search_none = KB_UI_KEY("search.none");
static kb_ui_key S_k_search_didyoumean = KB_UI_KEY("search.didyoumean");
static kb_ui_key S_k_pages_of = KB_UI_KEY("pages.of");
static kb_ui_key S_k_search_count_one = KB_UI_KEY("search.count.one");
static kb_ui_key S_k_search_count_other = KB_UI_KEY("search.count.other");

/* n in decimal into out, as snprintf("%d") writes it; returns out. */
static char *S_itoa(char out[24], int n) {
  kb_buf t = {.p = out, .n = 0, .cap = 24}; /* room for any int: never grown */
  kb_buf_put_int(&t, n);
  return out;
}

/* A result's list item up to its snippet: its article's link and title. */
static void S_put_result_head(kb_buf *b, const kb_hit *h) {
  kb_buf_puts(b, "<li><h2><a href=\"");
  kb_page_article_link(b, h->collection, h->slug);
  kb_buf_puts(b, "\">");
  kb_page_h(b, h->title);
  kb_buf_puts(b, "</a></h2><p class=\"snippet\">");
}

/* S_put_result_head()'s HTML of hit h's row, made once and kept with the
 * row while the index is open (kb_index_row_text()), as the API keeps its
 * JSON (kb_api.c S_row_head()): the link's slug and the title escaped for
 * every result again were 3.3 K instructions a fragment. ctx: the hit,
 * whose collection, slug and title are its row's columns. The caller owns
 * the text (the memo, once given). */
static char *S_result_head(kb_index *ix, int64_t id, void *ctx) {
  (void)ix;
  (void)id;
  kb_buf b = KB_BUF_INIT;
  S_put_result_head(&b, ctx);
  return kb_buf_detach(&b);
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
                      .cut_weak = 1, .lang = kb_page_lang(c), .links_only = 1,
                      .fits = !typing && page == 1};
  /* (fits: the submitted search's first page is logged with whether any
   * article fits it, for the no-fit report; the typing fragment's is not,
   * and costs no more) */
  kb_results res;
  char err[256];
  if (!kb_text_utf8_valid(q, nq, NULL) ||
      kb_suggest_search(c->ix, c->geo, q, nq, &o, &res, err, sizeof err) != 0) {
    kb_buf_puts(b, "<p class=\"count\">");
    kb_ui_put_k(c, b, &S_k_search_unreadable, (const char *)NULL);
    kb_buf_puts(b, "</p></div>");
    return;
  }
  int pages = (res.total + S_PER_PAGE - 1) / S_PER_PAGE;
  if (pages >= 1 && page > pages) { /* past the end: the last page */
    kb_results_free(&res);
    page = pages;
    o.offset = (page - 1) * S_PER_PAGE;
    o.fits = !typing && page == 1;
    if (kb_suggest_search(c->ix, c->geo, q, nq, &o, &res, err, sizeof err) != 0) {
      kb_buf_puts(b, "<p class=\"count\">");
    kb_ui_put_k(c, b, &S_k_search_unreadable, (const char *)NULL);
    kb_buf_puts(b, "</p></div>");
      return;
    }
  }
  if (page == 1)
    kb_events_search(c->events, q, NULL, kb_page_lang(c), res.total, res.nothing_fits,
                     res.nothing_fits >= 0 && res.n > 0 ? res.hits[0].slug : NULL);
  if (res.total == 0) {
    kb_buf link = KB_BUF_INIT;
    kb_buf_puts(&link, "<a href=\"#contact\">");
    kb_ui_put_k(c, &link, &S_k_search_none_contact, (const char *)NULL);
    kb_buf_puts(&link, "</a>");
    kb_buf_puts(b, "<div class=\"empty\"><p>");
    kb_ui_put_k(c, b, &S_k_search_none, "q", q, "!contact", kb_buf_str(&link), (const char *)NULL);
    kb_buf_puts(b, "</p>");
    kb_buf_cleanup(&link);
    kb_buf own = KB_BUF_INIT;
    const kb_buf *topics = S_topics(c, &own);
    if (topics->n) {
      kb_buf_puts(b, "<h2>");
      kb_ui_put_k(c, b, &S_k_browse, (const char *)NULL);
      kb_buf_puts(b, "</h2>");
      kb_buf_put(b, topics->p, topics->n);
    }
    kb_buf_cleanup(&own);
    kb_buf pop = KB_BUF_INIT;
    if (S_popular(c, &pop, 5)) {
      kb_buf_puts(b, "<h2>");
      kb_ui_put_k(c, b, &S_k_popular, (const char *)NULL);
      kb_buf_puts(b, "</h2>");
      kb_buf_put(b, kb_buf_str(&pop), pop.n);
    }
    kb_buf_cleanup(&pop);
    kb_buf_puts(b, "</div></div>");
    kb_results_free(&res);
    return;
  }
  kb_buf_puts(b, "<p class=\"count\">");
  kb_ui_count_k(c, b, &S_k_search_count_one, &S_k_search_count_other, res.total, "q", q,
                (const char *)NULL);
  kb_buf_puts(b, "</p>");
  if (res.corrected) {
    kb_buf link = KB_BUF_INIT;
    kb_buf_puts(&link, "<a href=\"/search?q=");
    kb_buf_put_query(&link, res.corrected, 1);
    kb_buf_puts(&link, "\">");
    kb_page_h(&link, res.corrected);
    kb_buf_puts(&link, "</a>");
    kb_buf_puts(b, "<p class=\"didyoumean\">");
    kb_ui_put_k(c, b, &S_k_search_didyoumean, "!q", kb_buf_str(&link), (const char *)NULL);
    kb_buf_puts(b, "</p>");
    kb_buf_cleanup(&link);
  }
  /* numbers put directly, not formatted: printf cost a fragment 2.4 K
   * instructions (docs/benchmarks.md, sixteenth session) */
  kb_buf_puts(b, "<ol class=\"results\" start=\"");
  kb_buf_put_int(b, (page - 1) * S_PER_PAGE + 1);
  kb_buf_puts(b, "\">");
  for (int i = 0; i < res.n; i++) {
    const kb_hit *h = &res.hits[i];
    /* (the memo's text put at once: it lives until the next call on the
     * index) */
    const char *head = h->id ? kb_index_row_text(c->ix, h->id, S_result_head, (void *)h) : NULL;
    if (head) kb_buf_puts(b, head);
    else S_put_result_head(b, h);
    kb_buf_puts(b, h->snippet); /* escaped by kb_search.c, <mark> only */
    kb_buf_puts(b, "</p></li>");
  }
  kb_buf_puts(b, "</ol>");
  if (pages > 1) {
    kb_buf_puts(b, "<nav class=\"pages\" aria-label=\"");
    kb_ui_put_k(c, b, &S_k_pages_label, (const char *)NULL);
    kb_buf_puts(b, "\">");
    if (page > 1) {
      kb_buf_puts(b, "<a rel=\"prev\" href=\"/search?q=");
      kb_buf_put_query(b, q, 1);
      kb_buf_puts(b, "&amp;page=");
      kb_buf_put_int(b, page - 1);
      kb_buf_puts(b, "\">");
      kb_ui_put_k(c, b, &S_k_pages_previous, (const char *)NULL);
      kb_buf_puts(b, "</a> ");
    }
    char sp[24], sn[24];
    S_itoa(sp, page);
    S_itoa(sn, pages);
    kb_buf_puts(b, "<span>");
    kb_ui_put_k(c, b, &S_k_pages_of, "n", sp, "total", sn, (const char *)NULL);
    kb_buf_puts(b, "</span>");
    if (page < pages) {
      kb_buf_puts(b, " <a rel=\"next\" href=\"/search?q=");
      kb_buf_put_query(b, q, 1);
      kb_buf_puts(b, "&amp;page=");
      kb_buf_put_int(b, page + 1);
      kb_buf_puts(b, "\">");
      kb_ui_put_k(c, b, &S_k_pages_next, (const char *)NULL);
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
    kb_page_error(c, r, 400, kb_ui_text(c, "search.toolong.title"), kb_ui_text(c, "search.toolong"));
    return;
  }
  kb_page_html(r, 200);
  r->cache = "public, max-age=60";
  if (fragment) {
    S_results(c, q, page, 1, &r->body);
    return;
  }
  kb_buf *b = &r->body;
  kb_web_page_start(c, b, q && *q ? q : kb_ui_text_k(c, &S_k_home_title), q ? "search" : "home");
  kb_buf_puts(b, "<h1>");
  kb_ui_put_k(c, b, &S_k_home_heading, (const char *)NULL);
  kb_buf_puts(b, "</h1>");
  S_search_form(c, b, q);
  /* the one live region: app.js writes the count of live results here */
  kb_buf_puts(b, "<p id=\"result-count\" class=\"vh\" role=\"status\"></p>");
  S_results(c, q, page, 0, b);
  if (!q) {
    kb_buf own = KB_BUF_INIT, pop = KB_BUF_INIT;
    const kb_buf *topics = S_topics(c, &own);
    int nt = topics->n > 0, np = S_popular(c, &pop, 8);
    kb_buf_puts(b, "<div class=\"home-extra\">");
    if (nt) {
      kb_buf_puts(b, "<section class=\"browse\" aria-labelledby=\"topics-h\"><h2 id=\"topics-h\">");
      kb_ui_put_k(c, b, &S_k_browse, (const char *)NULL);
      kb_buf_puts(b, "</h2>");
      kb_buf_put(b, topics->p, topics->n);
      kb_buf_puts(b, "</section>");
    }
    if (np) {
      kb_buf_puts(b, "<section class=\"browse\" aria-labelledby=\"popular-h\"><h2 id=\"popular-h\">");
      kb_ui_put_k(c, b, &S_k_popular, (const char *)NULL);
      kb_buf_puts(b, "</h2>");
      kb_buf_put(b, kb_buf_str(&pop), pop.n);
      kb_buf_puts(b, "</section>");
    }
    kb_buf_puts(b, "</div>");
    kb_buf_cleanup(&own);
    kb_buf_cleanup(&pop);
  }
  kb_web_page_end(c, b);
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
  const char *cat = kb_page_art_meta(t->c, coll, slug, "category");
  if (!cat) return;
  kb_buf ts = KB_BUF_INIT;
  kb_page_topic_slug(&ts, cat);
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
  if (*want) kb_index_list_lang(c->ix, kb_page_lang(c), S_topic_cb, &t);
  if (!t.n) {
    kb_page_error(c, r, 404, kb_ui_text(c, "error.notfound"), kb_ui_text(c, "error.notopic"));
  } else {
    kb_page_html(r, 200);
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
    const char *name = kb_page_cat_name(c, kb_buf_str(&t.name));
    kb_page_start_in(c, b, name, "topic", &paths);
    kb_buf_cleanup(&path);
    kb_buf_cleanup(&other);
    kb_page_crumbs(c, b, NULL, NULL, name);
    kb_buf_puts(b, "<h1>");
    kb_page_h(b, name);
    kb_buf_puts(b, "</h1><ul class=\"topic-list\">");
    kb_buf_put(b, kb_buf_str(&list), list.n);
    kb_buf_puts(b, "</ul>");
    kb_web_page_end(c, b);
  }
  kb_buf_cleanup(&list);
  kb_buf_cleanup(&t.name);
}

/*--- Articles and stores -------------------------------------------------*/

static void S_store_details(const kb_ctx *c, kb_buf *b, const char *json) {
  static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  cJSON *s = cJSON_Parse(json);
  if (!s) return;
  kb_buf_puts(b, "<p class=\"address\">");
  kb_page_h(b, kb_page_jstr(s, "address"));
  kb_buf_puts(b, ", ");
  kb_page_h(b, kb_page_jstr(s, "town"));
  kb_buf_puts(b, " ");
  kb_page_h(b, kb_page_jstr(s, "postcode"));
  kb_buf_puts(b, "</p>");
  const char *phone = kb_page_jstr(s, "phone");
  if (phone) {
    kb_buf_puts(b, "<p class=\"phone\">");
    kb_page_t(c, b, "store.phone");
    kb_buf_puts(b, " <a href=\"tel:");
    for (const char *p = phone; *p; p++)
      if (isdigit((unsigned char)*p) || *p == '+') kb_buf_putc(b, *p);
    kb_buf_puts(b, "\">");
    kb_page_h(b, phone);
    kb_buf_puts(b, "</a></p>");
  }
  cJSON *hours = cJSON_GetObjectItemCaseSensitive(s, "hours");
  kb_buf_puts(b, "<table class=\"hours\"><caption>");
  kb_page_t(c, b, "store.hours");
  kb_buf_puts(b, "</caption><tbody>");
  for (int i = 0; i < 7; i++) {
    const char *h = kb_page_jstr(hours, days[i]);
    char dk[16];
    snprintf(dk, sizeof dk, "day.%s", days[i]);
    kb_buf_puts(b, "<tr><th scope=\"row\">");
    kb_page_t(c, b, dk);
    kb_buf_puts(b, "</th><td>");
    if (!h) kb_page_t(c, b, "store.unknown");
    else if (!strcmp(h, "closed")) kb_page_t(c, b, "store.closed");
    else kb_page_h(b, h);
    kb_buf_puts(b, "</td></tr>");
  }
  kb_buf_puts(b, "</tbody></table>");
  cJSON *lat = cJSON_GetObjectItemCaseSensitive(s, "lat"), *lon = cJSON_GetObjectItemCaseSensitive(s, "lon");
  if (cJSON_IsNumber(lat) && cJSON_IsNumber(lon)) {
    kb_buf_printf(b, "<p><a class=\"directions\" href=\"https://www.google.com/maps/dir/?api=1&amp;"
                     "destination=%.5f,%.5f\">", lat->valuedouble, lon->valuedouble);
    kb_page_t(c, b, "store.directions");
    kb_buf_puts(b, "</a></p>");
  }
  cJSON_Delete(s);
}

/* Related articles: a search with the article's title, itself left out;
 * titles only, so no snippets are cut. */
/* The list items of an article's related articles: a search of its
 * title in its collection, itself left out; NULL when the search fails.
 * The same for as long as the index is open (kb_index_row_text). */
static char *S_related_items(kb_index *ix, int64_t id, void *ctx) {
  const kb_doc *d = ctx;
  (void)id;
  kb_search_opts o = {.collection = d->collection, .kinds = KB_KIND_ARTICLE, .limit = 6,
                      .snippets_later = 1};
  kb_results res;
  char err[128];
  if (kb_index_search(ix, d->title, strlen(d->title), &o, &res, err, sizeof err) != 0) return NULL;
  kb_buf b = KB_BUF_INIT;
  kb_buf_puts(&b, ""); /* an empty list is a text too */
  int shown = 0;
  for (int i = 0; i < res.n && shown < 5; i++) {
    if (!strcmp(res.hits[i].slug, d->slug)) continue;
    S_listctx l = {.b = &b, .max = 1};
    S_list_cb(&l, res.hits[i].collection, res.hits[i].slug, res.hits[i].title);
    shown++;
  }
  kb_results_free(&res);
  return kb_buf_detach(&b);
}

static void S_related(const kb_ctx *c, const kb_doc *d, kb_buf *b) {
  size_t mark = b->n;
  kb_buf_puts(b, "<aside class=\"related\" aria-labelledby=\"related-h\"><h2 id=\"related-h\">");
  kb_page_t(c, b, "related");
  kb_buf_puts(b, "</h2><ul>");
  /* the memo's text is put at once: it lives until the next call on the
   * index */
  const char *items = kb_index_row_text(c->ix, d->id, S_related_items, (void *)d);
  char *own = NULL;
  if (!items && !d->id) items = own = S_related_items(c->ix, 0, (void *)d); /* no row id */
  if (!items) { /* the search failed: no list at all, as before */
    b->n = mark;
    if (b->p) b->p[mark] = 0;
    return;
  }
  kb_buf_puts(b, items);
  kb_buf_puts(b, "</ul></aside>");
  free(own);
}

static void S_article_page(const kb_ctx *c, const char *coll, const char *slug, int thanks,
                           int count, kb_http_resp *r) {
  kb_doc d;
  int found = kb_index_get_lang(c->ix, coll, slug, kb_page_lang(c), &d);
  if (found != 1) {
    kb_page_error(c, r, 404, kb_ui_text(c, "error.notfound"), kb_ui_text(c, "error.noarticle"));
    return;
  }
  int store = !strcmp(d.type, "store");
  kb_page_html(r, 200);
  r->cache = "public, max-age=60";
  kb_buf *b = &r->body;
  /* the topic's translations: the same slug in each language */
  kb_ui_paths paths = {.alternates = 1};
  kb_buf link = KB_BUF_INIT;
  kb_page_article_link(&link, d.collection, d.slug);
  for (int i = 0; i < kb_index_nlangs(c->ix) && i < 32; i++) {
    const char *code = kb_index_lang_code(c->ix, i);
    if (!strcmp(code, d.lang) || kb_index_has_lang(c->ix, d.collection, d.slug, code) == 1)
      paths.v[i] = kb_buf_str(&link);
  }
  kb_page_start_in(c, b, d.title, store ? "store" : "article", &paths);
  kb_buf_cleanup(&link);
  const char *cat = kb_page_art_meta(c, d.collection, d.slug, "category");
  if (store) {
    kb_page_crumbs(c, b, "/stores", kb_ui_text(c, "stores.title"), d.title);
  } else if (cat) {
    kb_buf href = KB_BUF_INIT;
    kb_buf_puts(&href, "/topics/");
    kb_page_topic_slug(&href, cat);
    kb_page_crumbs(c, b, kb_buf_str(&href), kb_page_cat_name(c, cat), d.title);
    kb_buf_cleanup(&href);
  } else {
    kb_page_crumbs(c, b, NULL, NULL, d.title);
  }
  if (count) kb_events_view(c->events, d.collection, d.slug, kb_page_lang(c));
  int other = strcmp(d.lang, kb_page_lang(c)) != 0; /* no translation in the page's language */
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
  kb_page_h(b, d.title);
  kb_buf_puts(b, "</h1>");
  const char *upd = kb_page_art_meta_in(c, d.collection, d.slug, d.lang, "updated");
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
    kb_page_t(c, b, "helpful.thanks");
    kb_buf_puts(b, "</p>");
  } else {
    /* app.js says the thanks from data-thanks when it posts without reloading */
    kb_buf_puts(b, "<form class=\"helpful\" action=\"/helpful\" method=\"post\" data-thanks=\"");
    kb_page_t(c, b, "helpful.thanks");
    kb_buf_puts(b, "\"><input type=\"hidden\" name=\"collection\" value=\"");
    kb_page_h(b, d.collection);
    kb_buf_puts(b, "\"><input type=\"hidden\" name=\"slug\" value=\"");
    kb_page_h(b, d.slug);
    kb_buf_puts(b, "\"><fieldset><legend>");
    kb_page_t(c, b, "helpful.legend");
    kb_buf_puts(b, "</legend><button type=\"submit\" name=\"helpful\" value=\"yes\">");
    kb_page_t(c, b, "helpful.yes");
    kb_buf_puts(b, "</button> <button type=\"submit\" name=\"helpful\" value=\"no\">");
    kb_page_t(c, b, "helpful.no");
    kb_buf_puts(b, "</button></fieldset></form>");
  }
  kb_web_page_end(c, b);
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
  const char *lang = kb_page_lang(c); /* the country's stores and places */
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
      !strcmp(st[0]->lang, kb_page_lang(c)) || km[0] > 500)
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
  kb_page_html(r, 200);
  r->cache = "public, max-age=60";
  kb_buf *b = &r->body;
  const char *title = kb_ui_text(c, "stores.title");
  kb_web_page_start(c, b, title, "stores");
  kb_page_crumbs(c, b, NULL, NULL, title);
  kb_buf_puts(b, "<h1>");
  kb_page_h(b, title);
  kb_buf_puts(b, "</h1><form class=\"store-search\" action=\"/stores\" method=\"get\"><label for=\"near\">");
  kb_page_t(c, b, "stores.near");
  kb_buf_puts(b, "</label><input id=\"near\" name=\"near\" autocomplete=\"postal-code\" value=\"");
  kb_page_h(b, near);
  kb_buf_puts(b, "\"><button type=\"submit\">");
  kb_page_t(c, b, "stores.button");
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
    n = kb_geo_nearest_lang(c->geo, m.lat, m.lon, NULL, kb_page_lang(c), 5, st, km);
    kb_buf place = KB_BUF_INIT;
    if (guess) kb_ui_put(c, &place, "stores.searched", "place", kb_buf_str(&label), "q", near, (const char *)NULL);
    else kb_page_h(&place, kb_buf_str(&label));
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
    if (strcmp(s->lang, kb_page_lang(c))) continue; /* another country's */
    kb_buf_puts(b, "<li><h2><a href=\"");
    kb_page_article_link(b, s->collection, s->slug);
    kb_buf_puts(b, "\">");
    kb_page_h(b, s->title);
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
    kb_page_h(b, s->address);
    kb_buf_puts(b, ", ");
    kb_page_h(b, s->town);
    kb_buf_puts(b, " ");
    kb_page_h(b, s->postcode);
    kb_buf_puts(b, "</p></li>");
  }
  kb_buf_puts(b, "</ol>");
  kb_web_page_end(c, b);
}

/* POST /helpful from the article page's form: record, then back to the
 * article with a thank-you (303 See Other, so a reload does not post
 * again). */
static void S_helpful_form(const kb_ctx *c, const char *body, size_t n, kb_http_resp *r) {
  char *coll = kb_web_form_value(body, n, "collection"), *slug = kb_web_form_value(body, n, "slug");
  char *h = kb_web_form_value(body, n, "helpful");
  kb_doc d;
  if (!slug || !h || (strcmp(h, "yes") && strcmp(h, "no")) ||
      !kb_text_utf8_valid(slug, strlen(slug), NULL) ||
      (coll && !kb_text_utf8_valid(coll, strlen(coll), NULL)) || kb_index_get(c->ix, coll, slug, &d) != 1) {
    kb_page_error(c, r, 400, kb_ui_text(c, "error.wrong"), kb_ui_text(c, "helpful.failed"));
  } else {
    kb_events_helpful(c->events, d.collection, d.slug, !strcmp(h, "yes"), NULL, kb_page_lang(c));
    r->status = 303;
    r->ctype = "text/html; charset=utf-8";
    r->html = 1;
    kb_buf loc = KB_BUF_INIT;
    kb_page_article_link(&loc, d.collection, d.slug);
    kb_buf_puts(&loc, "?thanks=1");
    r->location = kb_buf_detach(&loc);
    kb_buf_puts(&r->body, "<!doctype html><p>");
    kb_page_t(c, &r->body, "helpful.thanks");
    kb_buf_puts(&r->body, "</p>");
    kb_doc_free(&d);
  }
  free(coll);
  free(slug);
  free(h);
}

/*--- Routing -------------------------------------------------------------*/

static int S_handle(kb_web *w, const kb_ctx *c, const char *method, const char *url,
                    const kb_web_args *a, const char *body, size_t nbody, kb_http_resp *r) {
  int get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
  if (!strncmp(url, "/static/", 8)) {
    if (!get) goto not_allowed;
    if (!S_name_ok(url + 8) || !S_static(w, url + 8, S_takes_gzip(a), r))
      kb_page_error(c, r, 404, kb_ui_text(c, "error.notfound"), kb_ui_text(c, "error.nothing"));
    return 1;
  }
  if (!strcmp(url, "/agent/feedback")) {
    if (strcmp(method, "POST")) goto not_allowed_post;
    if (!kb_staff_allowed(c, a, method, url, KB_ROLE_AGENT, r)) {
    } else if (!c->feedback) kb_page_error(c, r, 503, kb_ui_text(c, "error.unavailable"), kb_ui_text(c, "staff.nofeedback"));
    else kb_staff_agent_feedback_form(c, body, nbody, r);
    return 1;
  }
  if (!strcmp(url, "/helpful")) {
    if (strcmp(method, "POST")) goto not_allowed_post;
    if (!c->events) kb_page_error(c, r, 503, kb_ui_text(c, "error.unavailable"), kb_ui_text(c, "helpful.unavailable"));
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
    if (!kb_staff_allowed(c, a, method, url, strcmp(url, "/team/queue/done") ? KB_ROLE_AGENT | KB_ROLE_TEAM : KB_ROLE_TEAM, r)) {
    } else if (!strcmp(url, "/team/queue/done")) {
      char *id = kb_web_form_value(body, nbody, "id");
      char *lang = kb_web_form_value(body, nbody, "lang"); /* the list it was on */
      kb_queue *q = kb_staff_queue(w, c);
      if (!id || !q || kb_queue_done(q, atoll(id)) != 0) kb_page_error(c, r, 404, kb_ui_text(c, "error.notfound"), kb_ui_text(c, "queue.noitem"));
      else {
        r->status = 303;
        r->ctype = "text/html; charset=utf-8";
        r->html = 1;
        int keep = lang && (!strcmp(lang, "all") || kb_index_lang_find(c->ix, lang) >= 0);
        r->location = keep ? kb_fmt("/team/queue?lang=%s", lang) : kb_xstrdup("/team/queue");
        kb_buf_puts(&r->body, "<!doctype html><title>");
        kb_page_t(c, &r->body, "queue.done");
        kb_buf_puts(&r->body, "</title><p>");
        kb_page_t(c, &r->body, "queue.done");
        kb_buf_puts(&r->body, "</p>");
      }
      free(id);
      free(lang);
    } else kb_staff_queue_form(w, c, !strcmp(url, "/team/flag"), body, nbody, r);
    return 1;
  }
  if (!strcmp(url, "/reports.csv")) {
    if (!get) goto not_allowed;
    if (kb_staff_allowed(c, a, method, url, KB_ROLE_TEAM, r)) kb_api_reports_csv(c, a->arg ? a->arg(a->h, "days") : NULL,
                                                                               a->arg ? a->arg(a->h, "lang") : NULL, r);
    return 1;
  }
  if (!strcmp(url, "/team/translations")) {
    if (!get) goto not_allowed;
    if (kb_staff_allowed(c, a, method, url, KB_ROLE_TEAM, r)) kb_web_translations_page(c, a->arg ? a->arg(a->h, "lang") : NULL, r);
    return 1;
  }
  if (!strcmp(url, "/team/queue")) {
    if (!get) goto not_allowed;
    if (kb_staff_allowed(c, a, method, url, KB_ROLE_TEAM, r))
      kb_staff_queue_page(w, c, a->arg ? a->arg(a->h, "lang") : NULL, r);
    return 1;
  }
  if (!strcmp(url, "/signin")) {
    if (!get) goto not_allowed;
    kb_staff_signin_page(c, a, r);
    return 1;
  }
  if (!strcmp(url, "/kb-health")) {
    if (!get) goto not_allowed;
    if (kb_staff_allowed(c, a, method, url, KB_ROLE_TEAM, r)) kb_staff_health_page(w, c, r);
    return 1;
  }
  if (!strcmp(url, "/kb-health/yaml")) {
    if (!get) goto not_allowed;
    if (kb_staff_allowed(c, a, method, url, KB_ROLE_TEAM, r)) kb_staff_yaml_page(c, r);
    return 1;
  }
  if (!strcmp(url, "/") || !strcmp(url, "/search") || !strcmp(url, "/stores") ||
      !strcmp(url, "/agent") || !strncmp(url, "/help/", 6)) {
    if (!get) goto not_allowed;
    if (!strcmp(url, "/")) S_search_page(c, NULL, NULL, 0, r);
    else if (!strcmp(url, "/search")) S_search_page(c, a->q ? a->q : "", a->page, a->fragment != NULL, r);
    else if (!strcmp(url, "/stores")) S_stores_page(w, c, a->near, r);
    else if (!strcmp(url, "/agent")) {
      if (kb_staff_allowed(c, a, method, url, KB_ROLE_AGENT, r)) kb_staff_agent_page(w, c, a, r);
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
        kb_page_error(c, r, 404, kb_ui_text(c, "error.notfound"), kb_ui_text(c, "error.noarticle"));
      }
    }
    return 1;
  }
  return 0;
not_allowed:
  kb_page_error(c, r, 405, kb_ui_text(c, "error.notallowed"), kb_ui_text(c, "error.readonly"));
  r->allow = "GET";
  return 1;
not_allowed_post:
  kb_page_error(c, r, 405, kb_ui_text(c, "error.notallowed"), kb_ui_text(c, "error.formonly"));
  r->allow = "POST";
  return 1;
}

/* 1 if url is one of the staff's pages (their language is chosen as
 * kb_web_staff_lang() says). */
int kb_web_is_staff(const char *url) {
  if (url[0] != '/') return 0;
  switch (url[1]) { /* by the first letter: every page and fragment asks */
  case 'a': return !strcmp(url, "/agent") || !strcmp(url, "/agent/feedback");
  case 'k': return !strcmp(url, "/kb-health") || !strcmp(url, "/kb-health/yaml");
  case 't': return !strncmp(url, "/team/", 6);
  case 's': return !strcmp(url, "/signin") || !strcmp(url, "/signout");
  case 'r': return !strcmp(url, "/reports") || !strcmp(url, "/reports.csv");
  default: return 0;
  }
}

const char *kb_web_staff_lang(const kb_ctx *c, const char *accept) {
  /* "fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5": the highest q whose primary
   * subtag is a language of the index (ties: the first) */
  const char *best = NULL;
  double bq = 0;
  for (const char *p = accept; p && *p;) {
    p += strspn(p, " \t,");
    size_t n = strcspn(p, ",");
    char tag[8] = "";
    size_t tl = 0;
    while (tl < n && tl < 7 && ((p[tl] >= 'a' && p[tl] <= 'z') || (p[tl] >= 'A' && p[tl] <= 'Z'))) {
      tag[tl] = (char)(p[tl] | 0x20);
      tl++;
    }
    tag[tl] = 0;
    double q = 1;
    const char *qs = memchr(p, ';', n);
    if (qs && (qs = strstr(qs, "q=")) != NULL && qs < p + n) q = atof(qs + 2);
    int li = tl >= 2 && tl <= 3 ? kb_index_lang_find(c->ix, tag) : -1;
    if (li >= 0 && q > bq) {
      best = kb_index_lang_code(c->ix, li);
      bq = q;
    }
    p += n;
  }
  return best;
}

/* The language an address names, /fr or /fr/...: another language of the
 * index than its default, or the default's own (/en/agent) before a staff
 * page (*explicit_default set: the switcher's choice of the default
 * language over the browser's Accept-Language); its length (3) or 0. */
static size_t S_lang_prefix(const kb_ctx *c, const char *url, char code[8], int *explicit_default) {
  size_t n = 1;
  *explicit_default = 0;
  while (url[n] >= 'a' && url[n] <= 'z' && n < 7) n++;
  if (n < 3 || (url[n] && url[n] != '/')) return 0;
  memcpy(code, url + 1, n - 1); /* (snprintf "%.*s" cost every page 700 instructions) */
  code[n - 1] = 0;
  int li = kb_index_lang_find(c->ix, code);
  if (li >= 0 && li == kb_index_default_lang(c->ix) && kb_web_is_staff(url + n)) {
    *explicit_default = 1;
    return n;
  }
  return li >= 0 && li != kb_index_default_lang(c->ix) ? n : 0;
}

/* 1 if the tag around the attribute at h (in [start, h)) has an hreflang
 * before it: a link to another language's page, already addressed. */
static int S_hreflang_before(const char *start, const char *h) {
  const char *lt = h;
  while (lt > start && *lt != '<' && h - lt < 200) lt--;
  for (const char *x = lt; x + 10 <= h; x++)
    if (!memcmp(x, "hreflang=\"", 10)) return 1;
  return 0;
}

void kb_web_prefix_links(kb_http_resp *r, const char *code) { kb_web_prefix_links_of(r, code, 0); }

void kb_web_prefix_links_of(kb_http_resp *r, const char *code, int staff_only) {
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
    size_t pl = strcspn(slash, "\"?#");
    char path[64] = "";
    if (staff_only && pl < sizeof path) snprintf(path, sizeof path, "%.*s", (int)pl, slash);
    if (strncmp(slash, "/static/", 8) && strncmp(slash, "/api/", 5) && slash[1] != '/' &&
        (!staff_only || kb_web_is_staff(path)) && !S_hreflang_before(r->body.p, h) &&
        !(!strncmp(slash, pre, (size_t)np) && (slash[np] == '/' || slash[np] == '"')))
      kb_buf_puts(&out, pre);
    p = slash;
  }
  kb_buf_put(&out, p, (size_t)(end - p));
  kb_buf_cleanup(&r->body);
  r->body = out;
  char lp[64] = "";
  if (staff_only && r->location) snprintf(lp, sizeof lp, "%.*s", (int)strcspn(r->location, "?#"), r->location);
  if (r->location && r->location[0] == '/' && strncmp(r->location, pre, (size_t)np) &&
      (!staff_only || kb_web_is_staff(lp))) {
    char *loc = kb_fmt("%s%s", pre, r->location);
    free(r->location);
    r->location = loc;
  }
}

void kb_web_refusal(const kb_ctx *c, const char *url, const char *code, kb_http_resp *r) {
  char lang[8];
  int def = 0;
  if (!c->ix || !strncmp(url, "/static/", 8) || !S_lang_prefix(c, url, lang, &def) || def) return;
  kb_ctx lc = *c;
  lc.lang = lang;
  char key[64];
  snprintf(key, sizeof key, "refused.%s", code);
  const char *msg = kb_ui_find(&lc, key);
  if (!msg) return; /* no words for it: the JSON stays */
  int retry = r->retry_after;
  kb_page_error(&lc, r, r->status, kb_ui_text(&lc, r->status == 403 ? "error.notallowed" : "error.wrong"), msg);
  r->retry_after = retry;
  kb_web_prefix_links(r, lang);
}

int kb_web_handle(kb_web *w, const kb_ctx *c, const char *method, const char *url,
                  const kb_web_args *a, const char *body, size_t nbody, kb_http_resp *r) {
  char code[8];
  int def = 0;
  size_t np = strncmp(url, "/static/", 8) ? S_lang_prefix(c, url, code, &def) : 0;
  /* a staff page at no language's address: the browser's language if the
   * index has it (Accept-Language), else the language of the collection
   * it is for (site.yaml collections: X: {lang}), else the default; its
   * links then carry that language's prefix, as if it had been asked for */
  int staff = !np && kb_web_is_staff(url);
  const char *al = staff && a->arg ? a->arg(a->h, "header:Accept-Language") : NULL;
  const char *pick = al ? kb_web_staff_lang(c, al) : NULL;
  const char *cl = staff && !pick && a->collection && c->site ? kb_site_get(c->site, a->collection, NULL, "lang") : NULL;
  if (cl && kb_index_lang_find(c->ix, cl) >= 0) pick = kb_index_lang_code(c->ix, kb_index_lang_find(c->ix, cl));
  if (pick && kb_index_lang_find(c->ix, pick) != kb_index_default_lang(c->ix)) {
    kb_ctx lc = *c;
    lc.lang = pick;
    if (!S_handle(w, &lc, method, url, a, body, nbody, r)) return 0;
    if (r->body.p && r->ctype && !strncmp(r->ctype, "text/html", 9)) kb_web_prefix_links(r, pick);
  } else if (np) { /* the site in another language: /fr/, /de/, /es/ */
    kb_ctx lc = *c;
    lc.lang = def ? NULL : code;
    const char *rest = url[np] ? url + np : "/";
    /* an address no page of that site has: its "page not found", in its
     * language (the JSON 404 of no route is the API's, at no prefix) */
    if (!S_handle(w, &lc, method, rest, a, body, nbody, r))
      kb_page_error(&lc, r, 404, kb_ui_text(&lc, "error.notfound"), kb_ui_text(&lc, "error.nothing"));
    /* /en/agent: the staff's links keep the choice, the public site's are
     * the default site's own */
    if (r->body.p && r->ctype && !strncmp(r->ctype, "text/html", 9)) kb_web_prefix_links_of(r, code, def);
  } else if (!S_handle(w, c, method, url, a, body, nbody, r)) {
    return 0;
  }
  /* pages gzipped for clients that take it (static files were at load) */
  if (!r->encoding && S_compressible(r->ctype) && r->body.n > 512) {
    r->vary = 1;
    kb_buf z = KB_BUF_INIT;
    if (r->body.n >= S_GZIP_PAGE_MIN && S_takes_gzip(a) && S_gzip(r->body.p, r->body.n, &S_GZIP_PAGE, &z) == 0 &&
        z.n < r->body.n) {
      kb_buf_cleanup(&r->body);
      r->body = z;
      r->encoding = "gzip";
    } else {
      kb_buf_cleanup(&z);
    }
  }
  return 1;
}
