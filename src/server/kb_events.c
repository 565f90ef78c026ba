/*
 * kb_events.c - what the knowledge team's reports are made of: mentions
 * the suggest API could not answer, public searches and whether they found
 * anything, and "did this help?" answers; and the public site's article
 * page views, from which the home page's popular articles come.
 *
 * These are logged on the request path, so a request only appends to an
 * in-memory queue; a writer thread stores the queue every 200 ms in one
 * transaction on its own connection to the data directory's database
 * (synchronous=NORMAL: a crash may lose the last moments of log, never
 * corrupt it). When the queue is full, events are dropped and counted
 * rather than slowing requests down.
 *
 * Anonymous traffic writes here (every public search is logged), so the
 * log has a retention: events older than a number of days, and the
 * oldest events whenever the log holds more than a number of bytes
 * (counted as the text's length plus a row's overhead, about 48 bytes),
 * are deleted by the writer thread; SQLite reuses the freed pages, so
 * the file stops growing near the cap (kb_events_set_limits).
 *
 * The most viewed articles are counted from the local views table by the
 * writer thread (at start, then after views were stored or mirrored, at
 * most every S_POPULAR_GAP seconds and never more than a twentieth of its
 * time, and every S_AGE_EVERY seconds) and kept, so a page asks for them
 * without a query (kb_events_popular): per language of the site they
 * were seen on (what French visitors read is not what British ones do),
 * and over every language, which fills a language's list while it has
 * few views of its own.
 *
 * Tables (in DATA/feedback.sqlite beside the feedback):
 *   mentions(ts, text, collection, answerable, top_slug, lang)
 *   searches(ts, q, collection, total, lang, nothing_fits, top_slug)
 *   helpful(ts, collection, slug, helpful, client_id UNIQUE, lang)
 * where lang is the language the event belongs to: the one a mention was
 * answered in (given or detected), the site's of a public search or a
 * "did this help?" answer; NULL in rows of before #20, which the reports
 * count as the index's default language's (kb_report.h). A search's
 * nothing_fits (1: no article fits it, the suggest path's abstention; 0:
 * one does) and top_slug (the first result shown) are kept for the
 * submitted searches (the API's first page, the search page's first), NULL
 * for the search-as-you-type fragment's and rows of before #19's column.
 *   views(ts, collection, slug, lang)
 * where lang is the site's language the page was seen on; NULL in rows of
 * before session 13, counted in the list over every language only.
 *
 * With a shared store (kb-serve --feedback-db, kb_pgstore.c) the writer
 * thread sends the queue to PostgreSQL's one events table instead (kept
 * queued while it cannot be reached), and the local tables, in the
 * replica's mirror file, are filled from every replica's events by the
 * mirror (kb_events_mirror()), so the reports read them as before.
 *
 * The kinds of event are the rows of S_kinds: a new kind is a line there
 * (its name, its local table and insert) and a kb_events_KIND() that
 * queues it; the shared store's table needs no change.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "server.h"

#define S_QUEUE_MAX 10000
#define S_ROW_BYTES 48          /* a row's overhead beside its text */
#define S_TRIM_ROWS 1000        /* rows deleted per step when over the cap */
#define S_AGE_EVERY 60          /* seconds between age checks */
#define S_POPULAR_DAYS 30       /* popular: the most viewed over these days */
#define S_POPULAR_MAX 64        /* articles kept, most viewed first */
#define S_POPULAR_ROWS 512      /* (language, article) counts kept */
#define S_POPULAR_GAP 1.0       /* seconds at least between two countings */

typedef enum { S_MENTION, S_SEARCH, S_HELPFUL, S_VIEW, S_NKINDS } S_kind;

typedef kb_event S_event;

/* An article's views on one language's site. */
typedef struct {
  char lang[8];
  char *key;               /* "collection/slug" */
} S_view_count;

/* Each kind: its name in the shared store, its local table, the SQL of
 * its counted size of a row, and its insert, which takes ?1 ts, ?2 text,
 * ?3 collection, ?4 num, ?5 slug, ?6 client_id, ?7 lang, ?8 top_slug,
 * ?9 nothing_fits (using those it has; a language code is not counted in
 * a row's size: it fits in the row's overhead, and the shared store counts
 * the same). */
static const struct {
  const char *name, *table, *row_bytes, *insert;
} S_kinds[S_NKINDS] = {
    [S_MENTION] = {"mention", "mentions",
                   "length(text) + ifnull(length(collection), 0) + ifnull(length(top_slug), 0) + 48",
                   "INSERT INTO mentions(ts, text, collection, answerable, top_slug, lang)"
                   " VALUES(?1,?2,?3,?4,?5,?7)"},
    /* a search's language goes where other kinds keep a slug (?5), so the
     * shared store's events table needs no new column */
    [S_SEARCH] = {"search", "searches",
                  "length(q) + ifnull(length(collection), 0) + ifnull(length(top_slug), 0) + 48",
                  "INSERT INTO searches(ts, q, collection, total, lang, top_slug, nothing_fits)"
                  " VALUES(?1,?2,?3,?4,?5,?8,?9)"},
    [S_HELPFUL] = {"helpful", "helpful", "length(collection) + length(slug) + 48",
                   "INSERT OR IGNORE INTO helpful(ts, collection, slug, helpful, client_id, lang)"
                   " VALUES(?1,?3,?5,?4,?6,?7)"},
    [S_VIEW] = {"view", "views", "length(collection) + length(slug) + 48",
                "INSERT INTO views(ts, collection, slug, lang) VALUES(?1,?3,?5,?7)"},
};

struct kb_events {
  sqlite3 *db;
  pthread_mutex_t db_lock; /* the connection: the writer and the mirror */
  kb_pg *pg;               /* the shared store the writer sends to, or NULL */
  pthread_mutex_t lock;
  pthread_cond_t wake;
  S_event *head, *tail;
  int queued;
  atomic_long dropped;
  int stop;
  pthread_t writer;
  sqlite3_stmt *ins[S_NKINDS];
  atomic_int days;         /* retention in days; 0: none */
  atomic_llong max_bytes;  /* cap on the log; 0: none */
  long long bytes;         /* the log's size as counted (writer thread) */
  time_t aged;             /* last age check (writer thread) */
  atomic_int age_now;      /* check the age at the next store */
  sqlite3_stmt *top;       /* the most viewed articles (writer thread) */
  sqlite3_stmt *top_lang;  /* the same per language */
  atomic_int viewed;       /* views stored or mirrored since they were counted */
  double top_after;        /* CLOCK_MONOTONIC time of the next counting (writer) */
  pthread_mutex_t plock;   /* guards popular and by_lang */
  char *popular[S_POPULAR_MAX]; /* "collection/slug", most viewed first
                                   over every language */
  int npopular;
  S_view_count *by_lang;   /* the most viewed (language, article) pairs,
                              most viewed first */
  int nby_lang;
};

/* The counted size of the rows of table t that match where ("" for all). */
static long long S_sum(kb_events *ev, int t, const char *where) {
  char *sql = kb_fmt("SELECT total(%s) FROM %s %s", S_kinds[t].row_bytes, S_kinds[t].table, where);
  sqlite3_stmt *st = NULL;
  long long n = 0;
  if (sqlite3_prepare_v2(ev->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    n = (long long)sqlite3_column_double(st, 0);
  sqlite3_finalize(st);
  free(sql);
  return n;
}

/* Deletes the rows of table t that match where; keeps ev->bytes.
 * -1 when the delete failed (nothing deleted). */
static int S_delete(kb_events *ev, int t, const char *where) {
  long long n = S_sum(ev, t, where);
  char *sql = kb_fmt("DELETE FROM %s %s", S_kinds[t].table, where);
  int rc = sqlite3_exec(ev->db, sql, NULL, NULL, NULL);
  if (rc == SQLITE_OK) ev->bytes -= n;
  free(sql);
  return rc == SQLITE_OK ? 0 : -1;
}

/* The ts of table t's oldest row into ts (empty when none). */
static void S_oldest(kb_events *ev, int t, char *ts, size_t n) {
  char *sql = kb_fmt("SELECT ts FROM %s ORDER BY rowid LIMIT 1", S_kinds[t].table);
  sqlite3_stmt *st = NULL;
  ts[0] = 0;
  if (sqlite3_prepare_v2(ev->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
      sqlite3_column_text(st, 0))
    snprintf(ts, n, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  free(sql);
}

/* Applies the retention: the age limit every S_AGE_EVERY seconds, the
 * size cap whenever the log is over it (down to nine tenths of it, the
 * oldest rows first, whichever table holds them). Writer thread. */
static void S_trim(kb_events *ev) {
  int days = atomic_load(&ev->days);
  long long cap = atomic_load(&ev->max_bytes);
  time_t now = time(NULL);
  if (days > 0 && (atomic_exchange(&ev->age_now, 0) || now - ev->aged >= S_AGE_EVERY)) {
    ev->aged = now;
    char cut[32], where[64];
    time_t t0 = now - (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t0, &tm);
    strftime(cut, sizeof cut, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(where, sizeof where, "WHERE ts < '%s'", cut);
    for (int t = 0; t < S_NKINDS; t++) S_delete(ev, t, where);
  }
  if (cap <= 0 || ev->bytes <= cap) return;
  /* IMMEDIATE: the write lock first, waiting out the feedback store's
   * writes (busy timeout). A deferred transaction read first and could
   * then not write once feedback had committed meanwhile
   * (SQLITE_BUSY_SNAPSHOT, which no busy timeout waits out): under
   * steady feedback every delete failed and the log grew past its cap
   * (2.6 MB counted against a cap of 1 MiB in a 30-minute soak). */
  if (sqlite3_exec(ev->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) return; /* next round */
  long long before = ev->bytes;
  int failed = 0;
  for (int guard = 0; ev->bytes > cap / 10 * 9 && guard < 100000; guard++) {
    int pick = -1;
    char best[32] = "", ts[32];
    for (int t = 0; t < S_NKINDS; t++) {
      S_oldest(ev, t, ts, sizeof ts);
      if (ts[0] && (pick < 0 || strcmp(ts, best) < 0)) {
        pick = t;
        snprintf(best, sizeof best, "%s", ts);
      }
    }
    if (pick < 0) {
      ev->bytes = 0;
      break;
    }
    char where[128];
    snprintf(where, sizeof where, "WHERE rowid IN (SELECT rowid FROM %s ORDER BY rowid LIMIT %d)",
             S_kinds[pick].table, S_TRIM_ROWS);
    if (S_delete(ev, pick, where) != 0) {
      failed = 1;
      break;
    }
  }
  if (failed || sqlite3_exec(ev->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
    sqlite3_exec(ev->db, "ROLLBACK", NULL, NULL, NULL);
    ev->bytes = before; /* nothing was deleted; tried again next round */
  }
}

static const char S_schema[] =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS mentions(ts TEXT NOT NULL, text TEXT NOT NULL,"
    " collection TEXT, answerable INTEGER NOT NULL, top_slug TEXT);"
    "CREATE TABLE IF NOT EXISTS searches(ts TEXT NOT NULL, q TEXT NOT NULL,"
    " collection TEXT, total INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS helpful(ts TEXT NOT NULL, collection TEXT NOT NULL,"
    " slug TEXT NOT NULL, helpful INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS views(ts TEXT NOT NULL, collection TEXT NOT NULL,"
    " slug TEXT NOT NULL);";

/* 1 if table has column col, 0 if not, -1 on an error. */
static int S_has_column(sqlite3 *db, const char *table, const char *col) {
  sqlite3_stmt *st;
  char *sql = kb_fmt("SELECT 1 FROM pragma_table_info('%s') WHERE name = '%s'", table, col);
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
  free(sql);
  if (rc != SQLITE_OK) return -1;
  int has = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return has;
}

/* Version 2 of the helpful table: a client's id makes a retry a no-op;
 * version 2 of searches: the language of the site searched, so each
 * language's reports list its own searches (#20: the French report listed
 * German and Spanish stop words as searches that found nothing); then the
 * language of mentions and helpful answers, so every report is per
 * language, and of page views, so each site lists its own popular
 * articles; then a search's abstention and first result, for the searches
 * no article fits (#19) (a column added: rows of before stay NULL, none is
 * lost). */
static int S_migrate(sqlite3 *db) {
  int has = S_has_column(db, "helpful", "client_id"), lang = S_has_column(db, "searches", "lang");
  int mlang = S_has_column(db, "mentions", "lang"), hlang = S_has_column(db, "helpful", "lang");
  int vlang = S_has_column(db, "views", "lang");
  int nfits = S_has_column(db, "searches", "nothing_fits"), top = S_has_column(db, "searches", "top_slug");
  if (has < 0 || lang < 0 || mlang < 0 || hlang < 0 || vlang < 0 || nfits < 0 || top < 0) return -1;
  if (!nfits && sqlite3_exec(db, "ALTER TABLE searches ADD COLUMN nothing_fits INTEGER", NULL, NULL, NULL))
    return -1;
  if (!top && sqlite3_exec(db, "ALTER TABLE searches ADD COLUMN top_slug TEXT", NULL, NULL, NULL)) return -1;
  if (!vlang && sqlite3_exec(db, "ALTER TABLE views ADD COLUMN lang TEXT", NULL, NULL, NULL)) return -1;
  if (!has && sqlite3_exec(db, "ALTER TABLE helpful ADD COLUMN client_id TEXT", NULL, NULL, NULL)) return -1;
  if (!lang && sqlite3_exec(db, "ALTER TABLE searches ADD COLUMN lang TEXT", NULL, NULL, NULL)) return -1;
  if (!mlang && sqlite3_exec(db, "ALTER TABLE mentions ADD COLUMN lang TEXT", NULL, NULL, NULL)) return -1;
  if (!hlang && sqlite3_exec(db, "ALTER TABLE helpful ADD COLUMN lang TEXT", NULL, NULL, NULL)) return -1;
  return sqlite3_exec(db, "CREATE UNIQUE INDEX IF NOT EXISTS helpful_client ON helpful(client_id)",
                      NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static void S_free_event(S_event *e) {
  free(e->text);
  free(e->collection);
  free(e->slug);
  free(e->client_id);
  free(e->lang);
  free(e->top_slug);
  free(e);
}

static void S_bind(sqlite3_stmt *st, int i, const char *v) {
  if (v) sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
  else sqlite3_bind_null(st, i);
}

/* Inserts one event in its local table; 0 or -1. Call with db_lock held. */
static int S_insert(kb_events *ev, int kind, const char *ts, const char *text, const char *coll,
                    const char *slug, int num, const char *client_id, const char *lang,
                    const char *top_slug, int nothing_fits) {
  sqlite3_stmt *st = ev->ins[kind];
  sqlite3_bind_text(st, 1, ts, -1, SQLITE_TRANSIENT);
  S_bind(st, 2, text);
  S_bind(st, 3, coll);
  sqlite3_bind_int(st, 4, num);
  if (sqlite3_bind_parameter_count(st) >= 5) S_bind(st, 5, slug);
  if (sqlite3_bind_parameter_count(st) >= 6) S_bind(st, 6, client_id);
  if (sqlite3_bind_parameter_count(st) >= 7) S_bind(st, 7, lang);
  if (sqlite3_bind_parameter_count(st) >= 9) {
    S_bind(st, 8, top_slug);
    if (nothing_fits >= 0) sqlite3_bind_int(st, 9, nothing_fits);
    else sqlite3_bind_null(st, 9);
  }
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  if (rc != SQLITE_DONE) return -1;
  if (kind == S_VIEW) atomic_fetch_add(&ev->viewed, 1);
  ev->bytes += S_ROW_BYTES + (long long)(text ? strlen(text) : 0) +
               (long long)(coll ? strlen(coll) : 0) + (long long)(slug ? strlen(slug) : 0) +
               (long long)(top_slug ? strlen(top_slug) : 0);
  return 0;
}

void kb_event_ts(time_t t, char *out, size_t n) {
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void S_store(kb_events *ev, S_event *list) {
  if (!list) return;
  pthread_mutex_lock(&ev->db_lock);
  sqlite3_exec(ev->db, "BEGIN", NULL, NULL, NULL);
  for (S_event *e = list; e; e = e->next) {
    char ts[32];
    kb_event_ts(e->ts, ts, sizeof ts);
    if (S_insert(ev, e->kind, ts, e->text, e->collection, e->slug, e->num, e->client_id, e->lang,
                 e->top_slug, e->nothing_fits))
      atomic_fetch_add(&ev->dropped, 1);
  }
  if (sqlite3_exec(ev->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    sqlite3_exec(ev->db, "ROLLBACK", NULL, NULL, NULL);
  pthread_mutex_unlock(&ev->db_lock);
}

/* Puts list back at the head of the queue (the shared store could not
 * take it), dropping what is over the queue's bound; returns what is left
 * to free (NULL). */
static S_event *S_requeue(kb_events *ev, S_event *list) {
  pthread_mutex_lock(&ev->lock);
  S_event *last = NULL;
  int n = 0;
  for (S_event *e = list; e; e = e->next) last = e, n++;
  if (last && ev->queued + n <= S_QUEUE_MAX) {
    last->next = ev->head;
    ev->head = list;
    if (!ev->tail) ev->tail = last;
    ev->queued += n;
    list = NULL;
  }
  pthread_mutex_unlock(&ev->lock);
  if (list) atomic_fetch_add(&ev->dropped, n);
  return list;
}

int kb_events_mirror(kb_events *ev, const kb_event_row *rows, int n) {
  int rc = 0;
  pthread_mutex_lock(&ev->db_lock);
  sqlite3_exec(ev->db, "BEGIN", NULL, NULL, NULL);
  for (int i = 0; i < n; i++) {
    int k = kb_events_kind(rows[i].kind);
    if (k < 0) continue; /* a kind a newer replica logs: not reported here */
    if (S_insert(ev, k, rows[i].ts, rows[i].text, rows[i].collection, rows[i].slug, rows[i].num,
                 rows[i].client_id, rows[i].lang, rows[i].top_slug, rows[i].nothing_fits)) rc = -1;
  }
  if (rc || sqlite3_exec(ev->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
    sqlite3_exec(ev->db, "ROLLBACK", NULL, NULL, NULL);
    rc = -1;
  }
  pthread_mutex_unlock(&ev->db_lock);
  return rc;
}

void kb_events_clear(kb_events *ev) {
  pthread_mutex_lock(&ev->db_lock);
  for (int t = 0; t < S_NKINDS; t++) S_delete(ev, t, "");
  pthread_mutex_unlock(&ev->db_lock);
}

int kb_events_kind(const char *name) {
  for (int k = 0; k < S_NKINDS; k++)
    if (!strcmp(S_kinds[k].name, name)) return k;
  return -1;
}

const char *kb_events_kind_name(int kind) {
  return kind >= 0 && kind < S_NKINDS ? S_kinds[kind].name : NULL;
}

void kb_events_use_pg(kb_events *ev, kb_pg *pg) { ev->pg = pg; }

/*--- Popular articles ----------------------------------------------------*/

static double S_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Counts the most viewed articles of the last S_POPULAR_DAYS days into
 * ev->popular (over every language) and ev->by_lang (per language). The
 * next counting waits S_POPULAR_GAP seconds, or twenty times as long as
 * this one took (a large log: a twentieth of the writer's time at most).
 * Call with db_lock held: the writer thread, or kb_events_open() before it
 * starts. */
static void S_count_popular(kb_events *ev) {
  double t0 = S_now();
  char cut[32];
  kb_event_ts(time(NULL) - (time_t)S_POPULAR_DAYS * 86400, cut, sizeof cut);
  char *top[S_POPULAR_MAX];
  int n = 0, nl = 0;
  atomic_store(&ev->viewed, 0);
  sqlite3_bind_text(ev->top, 1, cut, -1, SQLITE_STATIC);
  sqlite3_bind_int(ev->top, 2, S_POPULAR_MAX);
  while (n < S_POPULAR_MAX && sqlite3_step(ev->top) == SQLITE_ROW)
    top[n++] = kb_fmt("%s/%s", (const char *)sqlite3_column_text(ev->top, 0),
                      (const char *)sqlite3_column_text(ev->top, 1));
  sqlite3_reset(ev->top);
  S_view_count *by = kb_xcalloc(S_POPULAR_ROWS, sizeof *by);
  sqlite3_bind_text(ev->top_lang, 1, cut, -1, SQLITE_STATIC);
  sqlite3_bind_int(ev->top_lang, 2, S_POPULAR_ROWS);
  while (nl < S_POPULAR_ROWS && sqlite3_step(ev->top_lang) == SQLITE_ROW) {
    snprintf(by[nl].lang, sizeof by[nl].lang, "%s", (const char *)sqlite3_column_text(ev->top_lang, 0));
    by[nl++].key = kb_fmt("%s/%s", (const char *)sqlite3_column_text(ev->top_lang, 1),
                          (const char *)sqlite3_column_text(ev->top_lang, 2));
  }
  sqlite3_reset(ev->top_lang);
  pthread_mutex_lock(&ev->plock);
  for (int i = 0; i < ev->npopular; i++) free(ev->popular[i]);
  memcpy(ev->popular, top, (size_t)n * sizeof *top);
  ev->npopular = n;
  S_view_count *old = ev->by_lang;
  int nold = ev->nby_lang;
  ev->by_lang = by;
  ev->nby_lang = nl;
  pthread_mutex_unlock(&ev->plock);
  for (int i = 0; i < nold; i++) free(old[i].key);
  free(old);
  double took = S_now() - t0;
  ev->top_after = S_now() + (20 * took > S_POPULAR_GAP ? 20 * took : S_POPULAR_GAP);
}

int kb_events_popular(kb_events *ev, const char *lang, char **keys, int max) {
  if (!ev) return 0;
  pthread_mutex_lock(&ev->plock);
  int n = 0;
  for (int i = 0; lang && i < ev->nby_lang && n < max; i++)
    if (!strcmp(ev->by_lang[i].lang, lang)) keys[n++] = kb_xstrdup(ev->by_lang[i].key);
  int own = n; /* then the list over every language, less what is there */
  for (int i = 0; i < ev->npopular && n < max; i++) {
    int dup = 0;
    for (int j = 0; j < own && !dup; j++) dup = !strcmp(keys[j], ev->popular[i]);
    if (!dup) keys[n++] = kb_xstrdup(ev->popular[i]);
  }
  pthread_mutex_unlock(&ev->plock);
  return n;
}

/*--- The writer ----------------------------------------------------------*/

static void *S_writer(void *arg) {
  kb_events *ev = arg;
  pthread_mutex_lock(&ev->lock);
  for (;;) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 200 * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000L;
    }
    if (!ev->stop) pthread_cond_timedwait(&ev->wake, &ev->lock, &until);
    S_event *list = ev->head;
    ev->head = ev->tail = NULL;
    ev->queued = 0;
    int stop = ev->stop;
    pthread_mutex_unlock(&ev->lock);
    if (!ev->pg) S_store(ev, list);
    else if (list && kb_pg_events_put(ev->pg, list) != 0) list = S_requeue(ev, list);
    if (ev->pg) kb_pg_events_trim(ev->pg, atomic_load(&ev->days), atomic_load(&ev->max_bytes));
    pthread_mutex_lock(&ev->db_lock);
    S_trim(ev);
    /* after new views; else now and then, as the days go by and the
     * retention deletes */
    double now = S_now();
    if (now >= ev->top_after && (atomic_load(&ev->viewed) || now >= ev->top_after + S_AGE_EVERY))
      S_count_popular(ev);
    pthread_mutex_unlock(&ev->db_lock);
    while (list) {
      S_event *next = list->next;
      S_free_event(list);
      list = next;
    }
    if (stop) return NULL;
    pthread_mutex_lock(&ev->lock);
    if (ev->pg && ev->head && !ev->stop) {
      /* the shared store refused them: try again in a second */
      pthread_mutex_unlock(&ev->lock);
      sleep(1);
      pthread_mutex_lock(&ev->lock);
    }
  }
}

kb_events *kb_events_open(const char *path, char *err, size_t nerr) {
  kb_events *ev = kb_xcalloc(1, sizeof *ev);
  if (sqlite3_open_v2(path, &ev->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
    snprintf(err, nerr, "cannot open %s: %s", path, sqlite3_errmsg(ev->db));
    sqlite3_close(ev->db);
    free(ev);
    return NULL;
  }
  sqlite3_busy_timeout(ev->db, 5000);
  int rc = sqlite3_exec(ev->db, S_schema, NULL, NULL, NULL) == SQLITE_OK && S_migrate(ev->db) == 0
               ? SQLITE_OK : SQLITE_ERROR;
  for (int k = 0; rc == SQLITE_OK && k < S_NKINDS; k++)
    rc = sqlite3_prepare_v2(ev->db, S_kinds[k].insert, -1, &ev->ins[k], NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2(ev->db, "SELECT collection, slug, count(*) AS n FROM views WHERE ts >= ?1"
                                    " GROUP BY collection, slug ORDER BY n DESC, collection, slug LIMIT ?2",
                            -1, &ev->top, NULL);
  if (rc == SQLITE_OK) /* a view of before the lang column: in the list over every language only */
    rc = sqlite3_prepare_v2(ev->db, "SELECT lang, collection, slug, count(*) AS n FROM views"
                                    " WHERE ts >= ?1 AND lang IS NOT NULL GROUP BY lang, collection, slug"
                                    " ORDER BY n DESC, lang, collection, slug LIMIT ?2",
                            -1, &ev->top_lang, NULL);
  if (rc != SQLITE_OK) {
    snprintf(err, nerr, "cannot set up the event log: %s", sqlite3_errmsg(ev->db));
    for (int i = 0; i < S_NKINDS; i++) sqlite3_finalize(ev->ins[i]);
    sqlite3_finalize(ev->top);
    sqlite3_finalize(ev->top_lang);
    sqlite3_close(ev->db);
    free(ev);
    return NULL;
  }
  for (int t = 0; t < S_NKINDS; t++) ev->bytes += S_sum(ev, t, "");
  pthread_mutex_init(&ev->db_lock, NULL);
  pthread_mutex_init(&ev->plock, NULL);
  S_count_popular(ev); /* what the log holds from earlier runs */
  atomic_store(&ev->days, 90);
  atomic_store(&ev->max_bytes, 64LL * 1024 * 1024);
  pthread_mutex_init(&ev->lock, NULL);
  pthread_cond_init(&ev->wake, NULL);
  pthread_create(&ev->writer, NULL, S_writer, ev);
  return ev;
}

void kb_events_set_limits(kb_events *ev, int days, long long max_bytes) {
  if (!ev) return;
  atomic_store(&ev->days, days);
  atomic_store(&ev->max_bytes, max_bytes);
  atomic_store(&ev->age_now, 1); /* apply at once */
  pthread_mutex_lock(&ev->lock);
  pthread_cond_signal(&ev->wake);
  pthread_mutex_unlock(&ev->lock);
}

void kb_events_close(kb_events *ev) {
  if (!ev) return;
  pthread_mutex_lock(&ev->lock);
  ev->stop = 1;
  pthread_cond_signal(&ev->wake);
  pthread_mutex_unlock(&ev->lock);
  pthread_join(ev->writer, NULL); /* stores what is queued */
  if (ev->pg && ev->head) /* the shared store was away: a last try */
    if (kb_pg_events_put(ev->pg, ev->head) != 0)
      fprintf(stderr, "kb-serve: %d events not stored: the shared store cannot be reached\n", ev->queued);
  while (ev->head) {
    S_event *next = ev->head->next;
    S_free_event(ev->head);
    ev->head = next;
  }
  for (int i = 0; i < S_NKINDS; i++) sqlite3_finalize(ev->ins[i]);
  sqlite3_finalize(ev->top);
  sqlite3_finalize(ev->top_lang);
  sqlite3_close(ev->db);
  for (int i = 0; i < ev->npopular; i++) free(ev->popular[i]);
  for (int i = 0; i < ev->nby_lang; i++) free(ev->by_lang[i].key);
  free(ev->by_lang);
  pthread_mutex_destroy(&ev->plock);
  pthread_mutex_destroy(&ev->db_lock);
  pthread_mutex_destroy(&ev->lock);
  pthread_cond_destroy(&ev->wake);
  free(ev);
}

/* Queues one event (top_slug and nothing_fits: a search's, else NULL and
 * -1). */
static void S_push(kb_events *ev, S_kind kind, const char *text, const char *coll,
                   const char *slug, int num, const char *client_id, const char *lang,
                   const char *top_slug, int nothing_fits) {
  if (!ev) return;
  S_event *e = kb_xcalloc(1, sizeof *e);
  e->top_slug = top_slug ? kb_xstrdup(top_slug) : NULL;
  e->nothing_fits = nothing_fits;
  e->lang = lang ? kb_xstrdup(lang) : NULL;
  e->client_id = client_id ? kb_xstrdup(client_id) : NULL;
  e->kind = kind;
  e->text = text ? kb_xstrdup(text) : NULL;
  e->collection = coll ? kb_xstrdup(coll) : NULL;
  e->slug = slug ? kb_xstrdup(slug) : NULL;
  e->num = num;
  e->ts = time(NULL);
  pthread_mutex_lock(&ev->lock);
  if (ev->queued >= S_QUEUE_MAX) {
    pthread_mutex_unlock(&ev->lock);
    atomic_fetch_add(&ev->dropped, 1);
    S_free_event(e);
    return;
  }
  if (ev->tail) ev->tail->next = e; else ev->head = e;
  ev->tail = e;
  ev->queued++;
  pthread_mutex_unlock(&ev->lock);
}

void kb_events_mention(kb_events *ev, const char *text, const char *collection, int answerable,
                       const char *top_slug, const char *lang) {
  S_push(ev, S_MENTION, text, collection, top_slug, answerable, NULL, lang, NULL, -1);
}

void kb_events_search(kb_events *ev, const char *q, const char *collection, const char *lang,
                      int total, int nothing_fits, const char *top_slug) {
  /* the language also where a replica of before the lang column reads it
   * (the slug): the first result has its own column */
  S_push(ev, S_SEARCH, q, collection, lang, total, NULL, lang, top_slug, nothing_fits);
}

void kb_events_helpful(kb_events *ev, const char *collection, const char *slug, int helpful,
                       const char *client_id, const char *lang) {
  S_push(ev, S_HELPFUL, NULL, collection ? collection : "default", slug, helpful, client_id, lang, NULL, -1);
}

void kb_events_view(kb_events *ev, const char *collection, const char *slug, const char *lang) {
  S_push(ev, S_VIEW, NULL, collection ? collection : "default", slug, 0, NULL, lang, NULL, -1);
}

long kb_events_dropped(kb_events *ev) { return ev ? atomic_load(&ev->dropped) : 0; }
