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
 * The most viewed articles are counted from the log by the writer thread
 * (at start, then after storing views, at most every S_POPULAR_GAP seconds
 * and never more than a twentieth of its time) and kept, so a page asks
 * for them without a query (kb_events_popular).
 *
 * Tables (in DATA/feedback.sqlite beside the feedback):
 *   mentions(ts, text, collection, answerable, top_slug)
 *   searches(ts, q, collection, total)
 *   helpful(ts, collection, slug, helpful)
 *   views(ts, collection, slug)
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

#define S_QUEUE_MAX 10000
#define S_ROW_BYTES 48          /* a row's overhead beside its text */
#define S_TRIM_ROWS 1000        /* rows deleted per step when over the cap */
#define S_AGE_EVERY 60          /* seconds between age checks */
#define S_POPULAR_DAYS 30       /* popular: the most viewed over these days */
#define S_POPULAR_MAX 64        /* articles kept, most viewed first */
#define S_POPULAR_GAP 1.0       /* seconds at least between two countings */

typedef enum { S_MENTION, S_SEARCH, S_HELPFUL, S_VIEW, S_NKINDS } S_kind;

typedef struct S_event {
  struct S_event *next;
  S_kind kind;
  char *text, *collection, *slug;
  int num;              /* answerable / total / helpful; unused for views */
  time_t ts;
} S_event;

struct kb_events {
  sqlite3 *db;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  S_event *head, *tail;
  int queued;
  atomic_long dropped;
  int stop;
  pthread_t writer;
  sqlite3_stmt *ins[S_NKINDS];
  sqlite3_stmt *top;       /* the most viewed articles (writer thread) */
  int viewed;              /* views stored since they were counted (writer) */
  double top_after;        /* CLOCK_MONOTONIC time of the next counting (writer) */
  pthread_mutex_t plock;   /* guards popular */
  char *popular[S_POPULAR_MAX]; /* "collection/slug", most viewed first */
  int npopular;
  atomic_int days;         /* retention in days; 0: none */
  atomic_llong max_bytes;  /* cap on the log; 0: none */
  long long bytes;         /* the log's size as counted (writer thread) */
  time_t aged;             /* last age check (writer thread) */
  atomic_int age_now;      /* check the age at the next store */
};

static const char *const S_tables[S_NKINDS] = {"mentions", "searches", "helpful", "views"};
/* Each table's counted size of a row, as SQL. */
static const char *const S_row_bytes[S_NKINDS] = {
    "length(text) + ifnull(length(collection), 0) + ifnull(length(top_slug), 0) + 48",
    "length(q) + ifnull(length(collection), 0) + 48",
    "length(collection) + length(slug) + 48",
    "length(collection) + length(slug) + 48"};

/* The counted size of the rows of table t that match where ("" for all). */
static long long S_sum(kb_events *ev, int t, const char *where) {
  char *sql = kb_fmt("SELECT total(%s) FROM %s %s", S_row_bytes[t], S_tables[t], where);
  sqlite3_stmt *st = NULL;
  long long n = 0;
  if (sqlite3_prepare_v2(ev->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    n = (long long)sqlite3_column_double(st, 0);
  sqlite3_finalize(st);
  free(sql);
  return n;
}

/* Deletes the rows of table t that match where; keeps ev->bytes. */
static void S_delete(kb_events *ev, int t, const char *where) {
  long long n = S_sum(ev, t, where);
  char *sql = kb_fmt("DELETE FROM %s %s", S_tables[t], where);
  if (sqlite3_exec(ev->db, sql, NULL, NULL, NULL) == SQLITE_OK) ev->bytes -= n;
  free(sql);
}

/* The ts of table t's oldest row into ts (empty when none). */
static void S_oldest(kb_events *ev, int t, char *ts, size_t n) {
  char *sql = kb_fmt("SELECT ts FROM %s ORDER BY rowid LIMIT 1", S_tables[t]);
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
  sqlite3_exec(ev->db, "BEGIN", NULL, NULL, NULL);
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
             S_tables[pick], S_TRIM_ROWS);
    S_delete(ev, pick, where);
  }
  sqlite3_exec(ev->db, "COMMIT", NULL, NULL, NULL);
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

static void S_free_event(S_event *e) {
  free(e->text);
  free(e->collection);
  free(e->slug);
  free(e);
}

static void S_store(kb_events *ev, S_event *list) {
  if (!list) return;
  sqlite3_exec(ev->db, "BEGIN", NULL, NULL, NULL);
  for (S_event *e = list; e; e = e->next) {
    char ts[32];
    struct tm tm;
    gmtime_r(&e->ts, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    sqlite3_stmt *st = ev->ins[e->kind];
    sqlite3_bind_text(st, 1, ts, -1, SQLITE_TRANSIENT);
    if (e->kind == S_HELPFUL || e->kind == S_VIEW) {
      sqlite3_bind_text(st, 2, e->collection, -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 3, e->slug, -1, SQLITE_STATIC);
      if (e->kind == S_HELPFUL) sqlite3_bind_int(st, 4, e->num);
      else ev->viewed++;
    } else {
      sqlite3_bind_text(st, 2, e->text, -1, SQLITE_STATIC);
      if (e->collection) sqlite3_bind_text(st, 3, e->collection, -1, SQLITE_STATIC);
      else sqlite3_bind_null(st, 3);
      sqlite3_bind_int(st, 4, e->num);
      if (e->kind == S_MENTION) {
        if (e->slug) sqlite3_bind_text(st, 5, e->slug, -1, SQLITE_STATIC);
        else sqlite3_bind_null(st, 5);
      }
    }
    if (sqlite3_step(st) != SQLITE_DONE) atomic_fetch_add(&ev->dropped, 1);
    else
      ev->bytes += S_ROW_BYTES + (long long)(e->text ? strlen(e->text) : 0) +
                   (long long)(e->collection ? strlen(e->collection) : 0) +
                   (long long)(e->slug ? strlen(e->slug) : 0);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  }
  if (sqlite3_exec(ev->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    sqlite3_exec(ev->db, "ROLLBACK", NULL, NULL, NULL);
}

/*--- Popular articles ----------------------------------------------------*/

static double S_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Counts the most viewed articles of the last S_POPULAR_DAYS days into
 * ev->popular. The next counting waits S_POPULAR_GAP seconds, or twenty
 * times as long as this one took (a large log: a twentieth of the writer's
 * time at most). Writer thread, or kb_events_open() before it starts. */
static void S_count_popular(kb_events *ev) {
  double t0 = S_now();
  char cut[32];
  time_t from = time(NULL) - (time_t)S_POPULAR_DAYS * 86400;
  struct tm tm;
  gmtime_r(&from, &tm);
  strftime(cut, sizeof cut, "%Y-%m-%dT%H:%M:%SZ", &tm);
  char *top[S_POPULAR_MAX];
  int n = 0;
  sqlite3_bind_text(ev->top, 1, cut, -1, SQLITE_STATIC);
  sqlite3_bind_int(ev->top, 2, S_POPULAR_MAX);
  while (n < S_POPULAR_MAX && sqlite3_step(ev->top) == SQLITE_ROW)
    top[n++] = kb_fmt("%s/%s", (const char *)sqlite3_column_text(ev->top, 0),
                      (const char *)sqlite3_column_text(ev->top, 1));
  sqlite3_reset(ev->top);
  pthread_mutex_lock(&ev->plock);
  for (int i = 0; i < ev->npopular; i++) free(ev->popular[i]);
  memcpy(ev->popular, top, (size_t)n * sizeof *top);
  ev->npopular = n;
  pthread_mutex_unlock(&ev->plock);
  ev->viewed = 0;
  double took = S_now() - t0;
  ev->top_after = S_now() + (20 * took > S_POPULAR_GAP ? 20 * took : S_POPULAR_GAP);
}

int kb_events_popular(kb_events *ev, char **keys, int max) {
  if (!ev) return 0;
  pthread_mutex_lock(&ev->plock);
  int n = ev->npopular < max ? ev->npopular : max;
  for (int i = 0; i < n; i++) keys[i] = kb_xstrdup(ev->popular[i]);
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
    S_store(ev, list);
    S_trim(ev);
    /* after new views; else now and then, as the days go by and the
     * retention deletes */
    double now = S_now();
    if (now >= ev->top_after && (ev->viewed || now >= ev->top_after + S_AGE_EVERY)) S_count_popular(ev);
    while (list) {
      S_event *next = list->next;
      S_free_event(list);
      list = next;
    }
    if (stop) return NULL;
    pthread_mutex_lock(&ev->lock);
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
  if (sqlite3_exec(ev->db, S_schema, NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(ev->db, "INSERT INTO mentions VALUES(?,?,?,?,?)", -1, &ev->ins[S_MENTION], NULL) ||
      sqlite3_prepare_v2(ev->db, "INSERT INTO searches VALUES(?,?,?,?)", -1, &ev->ins[S_SEARCH], NULL) ||
      sqlite3_prepare_v2(ev->db, "INSERT INTO helpful VALUES(?,?,?,?)", -1, &ev->ins[S_HELPFUL], NULL) ||
      sqlite3_prepare_v2(ev->db, "INSERT INTO views VALUES(?,?,?)", -1, &ev->ins[S_VIEW], NULL) ||
      sqlite3_prepare_v2(ev->db, "SELECT collection, slug, count(*) AS n FROM views WHERE ts >= ?1"
                                 " GROUP BY collection, slug ORDER BY n DESC, collection, slug LIMIT ?2",
                         -1, &ev->top, NULL)) {
    snprintf(err, nerr, "cannot set up the event log: %s", sqlite3_errmsg(ev->db));
    for (int i = 0; i < S_NKINDS; i++) sqlite3_finalize(ev->ins[i]);
    sqlite3_finalize(ev->top);
    sqlite3_close(ev->db);
    free(ev);
    return NULL;
  }
  for (int t = 0; t < S_NKINDS; t++) ev->bytes += S_sum(ev, t, "");
  atomic_store(&ev->days, 90);
  atomic_store(&ev->max_bytes, 64LL * 1024 * 1024);
  pthread_mutex_init(&ev->lock, NULL);
  pthread_mutex_init(&ev->plock, NULL);
  pthread_cond_init(&ev->wake, NULL);
  S_count_popular(ev); /* what the log holds from earlier runs */
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
  for (int i = 0; i < S_NKINDS; i++) sqlite3_finalize(ev->ins[i]);
  sqlite3_finalize(ev->top);
  sqlite3_close(ev->db);
  for (int i = 0; i < ev->npopular; i++) free(ev->popular[i]);
  pthread_mutex_destroy(&ev->lock);
  pthread_mutex_destroy(&ev->plock);
  pthread_cond_destroy(&ev->wake);
  free(ev);
}

static void S_push(kb_events *ev, S_kind kind, const char *text, const char *coll,
                   const char *slug, int num) {
  if (!ev) return;
  S_event *e = kb_xcalloc(1, sizeof *e);
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
                       const char *top_slug) {
  S_push(ev, S_MENTION, text, collection, top_slug, answerable);
}

void kb_events_search(kb_events *ev, const char *q, const char *collection, int total) {
  S_push(ev, S_SEARCH, q, collection, NULL, total);
}

void kb_events_helpful(kb_events *ev, const char *collection, const char *slug, int helpful) {
  S_push(ev, S_HELPFUL, NULL, collection ? collection : "default", slug, helpful);
}

void kb_events_view(kb_events *ev, const char *collection, const char *slug) {
  S_push(ev, S_VIEW, NULL, collection ? collection : "default", slug, 0);
}

long kb_events_dropped(kb_events *ev) { return ev ? atomic_load(&ev->dropped) : 0; }
