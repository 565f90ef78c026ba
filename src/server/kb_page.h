/*
 * kb_page.h - what the server's pages share, behind server.h's kb_web_*
 * interface: the public site (kb_web.c), the staff's pages (kb_staff.c)
 * and the page frame and helpers both build with (kb_page.c). Internal to
 * src/server; sectioned by the file that defines each part.
 *
 * Every string from the index or the request is escaped (kb_page_h() or
 * kb_buf_put_html()); nothing here fails: what is missing shows as
 * nothing, or as its key (kb_ui.h).
 */
#ifndef KB_PAGE_H
#define KB_PAGE_H

#include <cjson/cJSON.h>
#include <pthread.h>

#include "kb_ui.h"
#include "server.h"

/*--- Interface to code in kb_web.c ---------------------------------------*/

/* One static file of the web directory, read at start. */
typedef struct {
  char *name;          /* file name under static/ */
  char *body;
  size_t n;
  const char *ctype;
  char etag[24];
  char *gz;            /* the body gzipped, or NULL when that is no smaller */
  size_t ngz;
  char gzetag[28];
} kb_web_file;

/* One line of calibration.tsv (kb_staff.c): of the first suggestions
 * with a confidence in [lo, hi), the share that was right. */
typedef struct {
  double lo, hi;
  int lines;           /* mentions of the check half in the band */
  double precision;
} kb_staff_band;

/* One line of postcode-areas.tsv. */
typedef struct {
  char area[3];        /* postcode area: "LS", "M" */
  char *town;          /* a place kb_geo knows: "Leeds" */
} kb_web_area;

/* Made by kb_web_load() (kb_web.c); its body is here because the staff's
 * pages (kb_staff.c) read the fixes and keep the queue. */
struct kb_web {
  kb_web_file *files;
  int nfiles;
  kb_web_area *areas;  /* postcode-areas.tsv, for the store finder */
  int nareas;
  char **fixes;        /* kb-fixes[.CODE].tsv: (lang, message prefix, fix)
                          triples; lang "" for English */
  int nfixes;
  char *style;         /* app.css without its comments, when pages inline it */
  char *style_staff;   /* console.css likewise, for the staff's pages */
  char *csp;           /* the pages' Content-Security-Policy */
  kb_staff_band *bands; /* calibration.tsv: the console's confidence in words */
  int nbands;
  pthread_mutex_t mu;  /* guards queue */
  kb_queue *queue;     /* DATA/queue.sqlite, opened when first used */
};

/*--- End of interface to code in kb_web.c --------------------------------*/

/*--- Interface to code in kb_page.c --------------------------------------*/
/* (kb_web_page_start, kb_web_page_end and kb_web_form_value, declared in
 * server.h, are defined there too.) */

/* s (may be NULL: nothing) escaped for HTML, after what b holds. */
void kb_page_h(kb_buf *b, const char *s);

/* The language of the page: the one its address names (/fr/...), else the
 * index's default. */
const char *kb_page_lang(const kb_ctx *c);

/* The page's words (kb_ui.h): key's text, escaped, without values. */
void kb_page_t(const kb_ctx *c, kb_buf *b, const char *key);

/* The texts of kb_ui_key's found so far for c's page language and index
 * (KB_PAGE_TEXTS of them, by slot), in c's frame; NULL when c has no
 * frame (the texts are then looked up at each use). */
#define KB_PAGE_TEXTS 64
const char *_Atomic *kb_page_texts(const kb_ctx *c);

/* The topic list of c's home and zero-result pages (kb_web.c), which
 * depends on the page language and the index generation only (its
 * articles' categories, site content and words): rendered by render at
 * its first use and kept in c's frame (that copy, owned by the frame,
 * returned), or NULL when c has no frame (the caller renders it each
 * time). Rendered each time it cost a zero-result fragment 64 K
 * instructions (callgrind.sh: 8 of its 200 fragments find nothing). */
typedef void (*kb_page_render_fn)(const kb_ctx *c, kb_buf *b);
const kb_buf *kb_page_topics(const kb_ctx *c, kb_page_render_fn render);

/* The page's layout up to its content; paths: the page in each language
 * (kb_ui.h), for the public pages' switcher and alternates. */
void kb_page_start_in(const kb_ctx *c, kb_buf *b, const char *title, const char *kind,
                      const kb_ui_paths *paths);

/* A breadcrumb: Help home, then up to two (href, name) steps, then here. */
void kb_page_crumbs(const kb_ctx *c, kb_buf *b, const char *href1, const char *name1, const char *here);

/* What the indexer stored of an article beyond its row (kb_build.c):
 * key is category, owner, review_by or updated; NULL when not set. */
const char *kb_page_art_meta_in(const kb_ctx *c, const char *coll, const char *slug, const char *lang,
                                const char *key);

/* The same of the topic, as its default-language article says. */
const char *kb_page_art_meta(const kb_ctx *c, const char *coll, const char *slug, const char *key);

/* A category's address: /topics/ and its name in lower case, words joined
 * by '-', after what b holds. */
void kb_page_topic_slug(kb_buf *b, const char *name);

/* A category's name in the page's language (ui.tsv's category.SLUG), else
 * the name itself. */
const char *kb_page_cat_name(const kb_ctx *c, const char *cat);

/* Marks r as an HTML page with status. */
void kb_page_html(kb_http_resp *r, int status);

/* r becomes an error page: status, title and msg in the site's layout
 * (what r's body held is dropped). */
void kb_page_error(const kb_ctx *c, kb_http_resp *r, int status, const char *title, const char *msg);

/* An article's address, /help/[COLL/]SLUG, after what b holds. */
void kb_page_article_link(kb_buf *b, const char *coll, const char *slug);

/* o's string member k (owned by o), or NULL. */
const char *kb_page_jstr(cJSON *o, const char *k);

/* The language a staff page's figures or items are of, from its 'lang'
 * argument: "all" (every language: NULL into *out), a language of the
 * index (its code, owned by the index), or, when there is none, the page's
 * language if dflt_page, else NULL (a French team lead's page is the
 * French account's). 0, or -1 with a 400 in r for a language the index
 * does not have. */
int kb_page_lang_arg(const kb_ctx *c, const char *arg, int dflt_page, const char **out,
                     kb_http_resp *r);

/* A form's language filter, after what b holds: a select named lang with
 * element id id, labelled by the page's words of key label, of "all
 * languages" and each language of the index by its name; lang (NULL: all)
 * selected. */
void kb_page_lang_select(const kb_ctx *c, kb_buf *b, const char *id, const char *label, const char *lang);

/*--- End of interface to code in kb_page.c -------------------------------*/

/*--- Interface to code in kb_staff.c -------------------------------------*/

/* The staff's pages need a role when keys are set: a page read without it
 * goes to the sign-in form (and comes back after), anything else is 401.
 * Returns 1 when the request may go on. */
int kb_staff_allowed(const kb_ctx *c, const kb_web_args *a, const char *method, const char *url,
                     int role, kb_http_resp *r);

/* GET /agent: the agent console, with the cards for a->text when given. */
void kb_staff_agent_page(const kb_web *w, const kb_ctx *c, const kb_web_args *a, kb_http_resp *r);

/* DIR/calibration.tsv (written by tests/eval/fit.py) into w->bands: 0, or
 * -1 with "PATH:LINE: message" in err. No file: no bands (the console
 * then says good, possible or weak match). */
int kb_staff_load_bands(kb_web *w, const char *dir, char *err, size_t nerr);

/* POST /agent/feedback from a card without JavaScript: record what the
 * agent did, then back to the console (303). */
void kb_staff_agent_feedback_form(const kb_ctx *c, const char *body, size_t n, kb_http_resp *r);

/* GET /kb-health: the indexer's last build of the served index. */
void kb_staff_health_page(const kb_web *w, const kb_ctx *c, kb_http_resp *r);
/* GET /kb-health/yaml: the front matter's YAML traps, with examples. */
void kb_staff_yaml_page(const kb_ctx *c, kb_http_resp *r);

/* GET /signin: the staff's sign-in form. */
void kb_staff_signin_page(const kb_ctx *c, const kb_web_args *a, kb_http_resp *r);

/* The knowledge team's queue (w owns it), opened on first use; NULL
 * without a --data directory or when it cannot be opened. */
kb_queue *kb_staff_queue(kb_web *w, const kb_ctx *c);

/* POST /team/flag (flag 1) and /team/unanswered (flag 0). */
void kb_staff_queue_form(kb_web *w, const kb_ctx *c, int flag, const char *body, size_t n, kb_http_resp *r);

/* GET /team/queue: what agents sent, newest first, of the language the
 * 'lang' argument lang names (kb_page_lang_arg(): by default the page's;
 * "all"; another value: a 400). */
void kb_staff_queue_page(kb_web *w, const kb_ctx *c, const char *lang, kb_http_resp *r);

/*--- End of interface to code in kb_staff.c ------------------------------*/

#endif
