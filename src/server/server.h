/*
 * server.h - internals shared by the server's files (kb_server.c: HTTP,
 * threads, routing; kb_api.c: the JSON API). Sectioned by file, as
 * fts5Int.h is. The public face is include/kb_server.h.
 */
#ifndef KB_SERVER_INT_H
#define KB_SERVER_INT_H

#include <stddef.h>
#include <time.h>

#include "kb_feedback.h"
#include "kb_geo.h"
#include "kb_metrics.h"
#include "kb_search.h"
#include "kb_site.h"
#include "kb_server.h"
#include "kb_util.h"

/* Largest request body accepted (413 beyond). */
#define KB_MAX_BODY (64 * 1024)
/* Longest mention, in characters (code points). */
#define KB_MAX_TEXT 10000

/* What a handler answers: status, content type, body and a few headers. */
typedef struct kb_http_resp {
  int status;
  const char *ctype;        /* static string */
  kb_buf body;
  const char *allow;        /* Allow header for 405, or NULL */
  const char *cache;        /* Cache-Control value, or NULL for no-store */
  int auth;                 /* 401: send WWW-Authenticate: Bearer */
  int html;                 /* a page: send the Content-Security-Policy */
  const char *etag;         /* ETag value (static), or NULL */
  char *location;           /* Location for a redirect (owned), or NULL */
  int retry_after;          /* 429: seconds, sent as Retry-After */
  char *set_cookie;         /* Set-Cookie value (owned), or NULL */
  const char *encoding;     /* Content-Encoding of the body ("gzip"), or NULL */
  int vary;                 /* the body depends on Accept-Encoding */
} kb_http_resp;

typedef struct kb_events kb_events;
typedef struct kb_pg kb_pg;
typedef struct kb_frames kb_frames;

/* What a handler sees of the server for one request. */
typedef struct kb_ctx {
  kb_index *ix;             /* this thread's connection to the index */
  const kb_geo *geo;        /* stores and places (shared, read-only) */
  const kb_site *site;      /* brand, title, contacts (shared, read-only) */
  const char *lang;         /* the page's language (a /fr/... page), or NULL:
                               the index's default language */
  const char *public_url;   /* base of links to our pages, no trailing / */
  kb_feedback *feedback;    /* the feedback store (--data), or NULL */
  kb_events *events;        /* the reports' event log (--data), or NULL */
  kb_pg *pg;                /* the shared store (--feedback-db), or NULL */
  const char *data_dir;     /* --data, or NULL */
  const char *store_path;   /* the SQLite file the reports read: DATA/feedback.sqlite,
                               or the shared store's mirror; NULL without --data */
  struct kb_live *live;     /* the served index and the indexer's status */
  const char *style;        /* the stylesheet pages inline (kb_web_style()),
                               or NULL: they link /static/app.css */
  const char *style_staff;  /* the one the staff's pages inline after it,
                               or NULL: they link /static/console.css */
  kb_frames *frames;        /* the served index's pages' frame, rendered once
                               per language (kb_page.c), or NULL: rendered
                               on every page */
} kb_ctx;

/* Query-string arguments of GET /api/v1/search (NULL when absent). */
typedef struct kb_search_args {
  const char *q, *collection, *limit, *offset;
  const char *lang; /* the site's language (NULL: the index's default) */
} kb_search_args;

/*--- Interface to code in kb_live.c --------------------------------------*/

/* One index file as served: a connection per worker slot, stores, meta. */
typedef struct kb_gen kb_gen;
/* The index being served, swapped on reload. */
typedef struct kb_live kb_live;

/* Loads path with nslots connections. NULL with a message on failure. */
kb_live *kb_live_new(const char *path, int nslots, size_t search_cache, char *err, size_t nerr);
/* Stops the watcher and frees everything; no request may hold a
 * generation any more. */
void kb_live_free(kb_live *l);
/* The current generation, held until kb_gen_release(). */
kb_gen *kb_live_acquire(kb_live *l);
void kb_gen_release(kb_gen *g);
/* Loads the file at the path again and swaps it in; on failure keeps the
 * old one and records why. why is logged. Returns 0 or -1. */
int kb_live_reload(kb_live *l, const char *why);
/* Starts a thread that reloads when the file at the path is replaced. */
int kb_live_watch(kb_live *l);
/* Appends "reloads":n,"refused":n,"reload_error":... (JSON members). */
void kb_live_status(kb_live *l, kb_buf *out);
/* Appends "kb":{...}, the indexer's status of its last build of the file
 * (INDEX.status.json as it is now: a stat per call, the file read again
 * when it was replaced), and returns 1; returns 0 and appends nothing when
 * there is none. */
int kb_live_kb_status(kb_live *l, kb_buf *out);
/* The errors of the indexer's last build (0 when there is no status). */
int kb_live_kb_errors(kb_live *l);

/* This worker thread's connection in g (NULL if the thread has no slot). */
kb_index *kb_gen_index(kb_gen *g);
const kb_geo *kb_gen_geo(const kb_gen *g);
const kb_site *kb_gen_site(const kb_gen *g);
/* The pages' frame of g's site content (kb_frames_new()), owned by g. */
kb_frames *kb_gen_frames(const kb_gen *g);
int kb_gen_articles(const kb_gen *g);
const char *kb_gen_built(const kb_gen *g);
double kb_gen_built_epoch(const kb_gen *g);
/* The index file's build id: a hash of its content (16 hex digits). */
const char *kb_gen_build_id(const kb_gen *g);

/*--- End of interface to code in kb_live.c -------------------------------*/

/*--- Interface to code in kb_events.c ------------------------------------*/

/* The log the knowledge team's reports read (kb_events.c): kb_events. */

/* One queued event (kind: an S_kind of kb_events.c, kb_events_kind()). */
typedef struct kb_event {
  struct kb_event *next;
  int kind;
  char *text, *collection, *slug, *client_id; /* owned, may be NULL */
  char *lang;               /* owned: the language it belongs to, or NULL */
  int num;                  /* answerable / total / helpful */
  char *top_slug;           /* owned: a search's first result, or NULL */
  int nothing_fits;         /* a search's: 1 no article fits, 0 one does,
                               -1 not asked (stored NULL) */
  time_t ts;
} kb_event;

/* An event as read back from the shared store (strings borrowed). */
typedef struct kb_event_row {
  const char *kind, *ts, *text, *collection, *slug, *client_id;
  const char *lang;         /* NULL from a replica of before the column */
  int num;
  const char *top_slug;     /* a search's first result (NULL: none, or a
                               replica of before the column) */
  int nothing_fits;         /* a search's, or -1 (NULL) */
} kb_event_row;

kb_events *kb_events_open(const char *path, char *err, size_t nerr);
/* Stores what is queued and closes. */
void kb_events_close(kb_events *ev);
/* Queue one event; never blocks on the database. ev may be NULL. */
/* lang: the language the mention was answered in (given or detected). */
void kb_events_mention(kb_events *ev, const char *text, const char *collection, int answerable,
                       const char *top_slug, const char *lang);
/* lang: the language of the site searched (the reports are per language);
 * nothing_fits: the search's abstention (kb_results.nothing_fits: 1, 0, or
 * -1 when it was not asked, stored NULL) and top_slug the slug of the
 * first result the visitor was shown (NULL: none). */
void kb_events_search(kb_events *ev, const char *q, const char *collection, const char *lang,
                      int total, int nothing_fits, const char *top_slug);
/* client_id (NULL: none): a second answer with the same id is not stored. */
void kb_events_helpful(kb_events *ev, const char *collection, const char *slug, int helpful,
                       const char *client_id, const char *lang);
/* An article page seen on the public site of language lang. */
void kb_events_view(kb_events *ev, const char *collection, const char *slug, const char *lang);
/* Copies the keys ("collection/slug") of the up to max articles most
 * viewed over the last 30 days into keys, as last counted (the writer
 * counts them from the log after storing views, about every second): no
 * query. First the most viewed on lang's site (NULL: none), then the most
 * viewed over every language not already listed. Returns how many; the
 * caller frees each. ev may be NULL (no --data): 0. */
int kb_events_popular(kb_events *ev, const char *lang, char **keys, int max);
long kb_events_dropped(kb_events *ev);
/* Keeps the log to the last days days (0: no age limit) and to about
 * max_bytes of events (0: no size limit), the oldest deleted first; the
 * writer thread enforces it at once and then every minute and whenever
 * the log grows past it. Defaults: 90 days, 64 MiB. */
void kb_events_set_limits(kb_events *ev, int days, long long max_bytes);
/* From now on the writer sends the queue to pg (which must outlive ev)
 * instead of the local tables; call before anything is queued. */
void kb_events_use_pg(kb_events *ev, kb_pg *pg);
/* Stores rows read from the shared store in the local tables, in one
 * transaction (kinds this build does not know are skipped). 0 or -1. */
int kb_events_mirror(kb_events *ev, const kb_event_row *rows, int n);
/* Deletes every local event (the mirror starts again from the beginning). */
void kb_events_clear(kb_events *ev);
/* A kind's number from its name (-1: unknown), and back (NULL). */
int kb_events_kind(const char *name);
const char *kb_events_kind_name(int kind);
/* ts as "YYYY-MM-DDTHH:MM:SSZ" (UTC). */
void kb_event_ts(time_t t, char *out, size_t n);

/*--- End of interface to code in kb_events.c -----------------------------*/

/*--- Interface to code in kb_pgstore.c ----------------------------------*/

/* The shared store in PostgreSQL (kb-serve --feedback-db URL): feedback,
 * helpful answers and the reports' events of every replica. Each replica
 * keeps a mirror of it in SQLite (its kb_feedback and kb_events, in
 * DATA/mirror.sqlite) that a thread keeps up to date, so suggestions and
 * reports read locally and keep working while PostgreSQL is away. */

/* Connects to url, applies the schema's migrations (refusing a database
 * newer than this program), and returns the store, or NULL with a message.
 * Nothing runs until kb_pg_start(). */
kb_pg *kb_pg_open(const char *url, char *err, size_t nerr);
/* Starts the mirror's thread: fb and ev (which must outlive pg's thread,
 * stopped by kb_pg_close()) get every replica's writes within about a
 * second (LISTEN/NOTIFY, and a poll every 500 ms). mirror_db is the
 * path of the SQLite file fb and ev are in; its kb_mirror table holds
 * how far the mirror has read. 0 or -1 with a message. */
int kb_pg_start(kb_pg *pg, kb_feedback *fb, kb_events *ev, const char *mirror_db, char *err,
                size_t nerr);
void kb_pg_close(kb_pg *pg);
/* Stores one agent action (row->id is ignored; a row with the same
 * client_id is not stored again: *pdup 1, *pid its id), and applies it to
 * fb at once. KB_FEEDBACK_OK, or KB_FEEDBACK_EBUSY when PostgreSQL cannot
 * be reached or refuses (message in err): nothing was stored. */
int kb_pg_feedback_put(kb_pg *pg, kb_feedback *fb, const kb_feedback_row *row, long long *pid,
                       int *pdup, char *err, size_t nerr);
/* Deletes every feedback row, in PostgreSQL and (through the mirrors) in
 * every replica. *pn gets how many. KB_FEEDBACK_OK or KB_FEEDBACK_EBUSY. */
int kb_pg_feedback_reset(kb_pg *pg, kb_feedback *fb, long long *pn, char *err, size_t nerr);
/* Stores a list of events (kb_events' writer). 0, or -1: nothing stored. */
int kb_pg_events_put(kb_pg *pg, const kb_event *list);
/* The events' retention in the shared store, as kb_events_set_limits()
 * keeps the local log: deletes events older than days (0: none) at most
 * once a minute, and whenever the events hold more than max_bytes (0: no
 * cap; counted as kb_events.c counts, kept in kb_meta as rows come and
 * go), the oldest down to nine tenths of it. Every replica's writer calls
 * it after each batch. */
void kb_pg_events_trim(kb_pg *pg, int days, long long max_bytes);
/* 1 while PostgreSQL answers (the last write or poll worked). */
int kb_pg_ok(kb_pg *pg);
/* Appends "store":{...} (JSON member: kind, ok, the mirror's position). */
void kb_pg_status(kb_pg *pg, kb_buf *out);
/* Copies the SQLite store at sqlite_path (feedback and events) into the
 * empty shared store at url. 0, or -1 with a message (nothing copied). */
int kb_pg_copy(const char *sqlite_path, const char *url, char *err, size_t nerr);

/*--- End of interface to code in kb_pgstore.c ----------------------------*/

/*--- Interface to code in kb_queue.c -------------------------------------*/

/* The knowledge team's queue (DIR/queue.sqlite): flagged articles and
 * mentions no article fits. */
typedef struct kb_queue kb_queue;
/* An item as kb_queue_list() reads it; lang: the item's language (an item
 * of before #20, which has none, the dflt given to kb_queue_list()). */
typedef void (*kb_queue_cb)(void *ctx, long long id, const char *ts, const char *kind,
                            const char *collection, const char *slug, const char *reason,
                            const char *note, const char *mention, const char *author,
                            const char *lang);

kb_queue *kb_queue_open(const char *path, char *err, size_t nerr);
void kb_queue_close(kb_queue *q);
/* Adds an item (kind "flag" or "unanswered"); empty strings are stored as
 * NULL; lang: the mention's language. Returns 0 once it is on disk, -1 on
 * failure. */
int kb_queue_add(kb_queue *q, const char *kind, const char *collection, const char *slug,
                 const char *reason, const char *note, const char *mention, const char *author,
                 const char *lang);
/* Marks an item done. Returns 0, or -1 when there is no such item. */
int kb_queue_done(kb_queue *q, long long id);
/* Calls fn for the up to max open items of language lang (NULL: every
 * language; an item with none is of dflt, the index's default language),
 * newest first. Returns how many, or -1 on a database error. */
int kb_queue_list(kb_queue *q, int max, const char *lang, const char *dflt, kb_queue_cb fn, void *ctx);

/*--- End of interface to code in kb_queue.c ------------------------------*/

/*--- Interface to code in kb_web.c ---------------------------------------*/
/* (kb_web_form_value and kb_web_page_start/end are defined in kb_page.c;
 * the pages' internals are in kb_page.h.) */

/* The web directory's static files, in memory. */
typedef struct kb_web kb_web;

/* Query-string arguments the pages use (NULL when absent). */
typedef struct kb_web_args {
  const char *q, *page, *fragment, *near, *text, *author, *collection, *thanks;
  int keys;                 /* the agent routes need an API key */
  const char *(*arg)(void *h, const char *key); /* any other argument (or
                               "header:NAME", a request header), or NULL */
  void *h;                  /* what arg reads */
  int roles;                /* KB_ROLE_* of the request (kb_session.h):
                               its key's or its session's; all without keys */
} kb_web_args;

/* Loads DIR/static/ *. NULL with a message when it cannot be read. */
kb_web *kb_web_load(const char *dir, char *err, size_t nerr);
void kb_web_free(kb_web *w);

/* static/app.css's text (staff 0), which every page carries in its
 * <style> so that nothing but the page itself stands between a click and
 * the first paint (docs/web-contract.md), or static/console.css's (staff
 * 1), which the staff's pages carry after it; NULL when there is none or
 * it cannot go inline (it holds "</"). Owned by w. */
const char *kb_web_style(const kb_web *w, int staff);

/* The Content-Security-Policy of pages: 'self' only, plus the inline
 * stylesheets by their SHA-256 (style-src 'sha256-...'). Owned by w. */
const char *kb_web_csp(const kb_web *w);

/* Serves the pages and static files; returns 1 if url is one of them (r
 * filled), 0 if not. Every address under another language's prefix
 * (/fr/...) is that site's: one it has no page for gets its HTML "page
 * not found" in that language (1). */
int kb_web_handle(kb_web *w, const kb_ctx *c, const char *method, const char *url,
                  const kb_web_args *a, const char *body, size_t nbody, kb_http_resp *r);

/* The value of key in an application/x-www-form-urlencoded body, decoded
 * (caller frees), or NULL. */
char *kb_web_form_value(const char *body, size_t n, const char *key);

/* A page of the /fr/ site links the /fr/ site: href="/x" and action="/x"
 * get the prefix /CODE (not /static/, not /api/, not a link written with
 * hreflang, and not twice), as does a redirect. One pass over the page,
 * so no link can be forgotten. */
void kb_web_prefix_links(kb_http_resp *r, const char *code);
/* The same for the staff's pages' links only when staff_only. */
void kb_web_prefix_links_of(kb_http_resp *r, const char *code, int staff_only);
/* r, a refusal the server made before routing (kb_api_error()'s JSON:
 * 429, 414, 413, 403, 400) of a page address of another language's site
 * (/fr/search...), becomes that site's error page in its words
 * (ui.tsv's refused.CODE), its status and Retry-After kept; any other
 * address keeps the JSON (the default site's pages as they always had).
 * c->ix must be open; c's language is ignored. */
void kb_web_refusal(const kb_ctx *c, const char *url, const char *code, kb_http_resp *r);
/* 1 if url (no language prefix) is a staff page. */
int kb_web_is_staff(const char *url);
/* The language of the index an Accept-Language header prefers (its
 * code, owned by the index), or NULL. */
const char *kb_web_staff_lang(const kb_ctx *c, const char *accept);

/* The parts of the public pages' layout that depend on no request (the
 * head up to the title, the header, the language switcher of a page that
 * exists at one address in every language, the footer), rendered once per
 * page language from one index generation's site content, at the first
 * page of that language, and copied into every page after it
 * (kb_page.c). A generation owns its kb_frames: a reloaded index's site
 * content shows from its first page on. Safe for concurrent pages. */
kb_frames *kb_frames_new(void);
void kb_frames_free(kb_frames *f);

/* The site's layout around a page body: everything up to <main>'s
 * content, and everything after it. */
void kb_web_page_start(const kb_ctx *c, kb_buf *b, const char *title, const char *kind);
void kb_web_page_end(const kb_ctx *c, kb_buf *b);

/*--- End of interface to code in kb_web.c --------------------------------*/

/*--- Interface to code in kb_translations.c ------------------------------*/

/* /team/translations[?lang=CODE]: topics lacking a language, translations
 * older than their source; a 400 for a language the index lacks. */
void kb_web_translations_page(const kb_ctx *c, const char *lang, kb_http_resp *r);

/*--- End of interface to code in kb_translations.c -----------------------*/

/*--- Interface to code in kb_api.c ---------------------------------------*/

/* Fills r with a JSON error: {"error": {"code": code, "message": msg}}. */
void kb_api_error(kb_http_resp *r, int status, const char *code,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* POST /api/v1/suggest with body[0..n). */
void kb_api_suggest(const kb_ctx *c, const char *body, size_t n, kb_http_resp *r);

/* DELETE /api/v1/feedback: forget everything learned from agents. */
void kb_api_feedback_reset(const kb_ctx *c, kb_http_resp *r);

/* Stores one agent action in the store this server uses (the shared one,
 * or the local kb_feedback); as kb_feedback_put(). */
int kb_api_store_feedback(const kb_ctx *c, const kb_feedback_row *row, long long *pid, int *pdup,
                          char *err, size_t nerr);

/* The language an agent's action on a mention belongs to, for the reports:
 * given when it is a language of the index, else the one suggest decides
 * for text in collection (NULL: the default). A code owned by the index. */
const char *kb_api_mention_lang(const kb_ctx *c, const char *given, const char *text,
                                const char *collection);

/* POST /api/v1/feedback with body[0..n). */
void kb_api_feedback(const kb_ctx *c, const char *body, size_t n, kb_http_resp *r);

/* POST /api/v1/helpful: a reader's "did this help?" answer. */
void kb_api_helpful(const kb_ctx *c, const char *body, size_t n, kb_http_resp *r);

/* GET /api/v1/reports/{name}?days=N, and the /reports page. lang (the
 * 'lang' argument): one language's mentions, actions, answers and
 * searches (?lang=fr), "all" for every language; absent, the API's are
 * every language's and the page's its own language's. */
void kb_api_report(const kb_ctx *c, const char *name, const char *days, const char *lang,
                   kb_http_resp *r);
void kb_api_reports_page(const kb_ctx *c, const char *days, const char *lang, kb_http_resp *r);
/* GET /reports.csv?days=N&lang=L: the figures a day behind the reports'
 * charts (lang as kb_api_report's). */
void kb_api_reports_csv(const kb_ctx *c, const char *days, const char *lang, kb_http_resp *r);

/* The reply for suggestion i of res, to handle (NULL: none): the
 * article's template, or, when the suggestion links the store the mention
 * names, that store's address and its hours today (or on the day the
 * mention names, kb_mention_day(): "thursday", "dimanche", "mañana"), in the words of the store page's
 * language (ui.tsv's reply.*, looked up in c's site content). *plen gets
 * its weighted length. Caller frees. */
struct kb_suggest_result;
char *kb_api_reply(const kb_ctx *c, const struct kb_suggest_result *res, int i,
                   const char *handle, int *plen);

/* GET /api/v1/search. */
void kb_api_search(const kb_ctx *c, const kb_search_args *a, kb_http_resp *r);

/* GET /api/v1/articles/{collection}/{slug} (collection NULL: default). */
void kb_api_article(const kb_ctx *c, const char *collection, const char *slug,
                    kb_http_resp *r);

/* The link to an article: its own url, else its page on the public site. */
char *kb_api_article_url(const kb_ctx *c, const char *url, const char *collection,
                         const char *slug, const char *lang);

/*--- End of interface to code in kb_api.c --------------------------------*/

#endif
