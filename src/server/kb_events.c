/*
 * kb_events.c - what the knowledge team's reports are made of: mentions
 * the suggest API could not answer, public searches and whether they found
 * anything, and "did this help?" answers.
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
 * Tables (in DATA/feedback.sqlite beside the feedback):
 *   mentions(ts, text, collection, answerable, top_slug)
 *   searches(ts, q, collection, total)
 *   helpful(ts, collection, slug, helpful)
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

typedef enum { S_MENTION, S_SEARCH, S_HELPFUL } S_kind;

typedef struct S_event {
  struct S_event *next;
  S_kind kind;
  char *text, *collection, *slug;
  int num;              /* answerable / total / helpful */
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
  sqlite3_stmt *ins[3];
  atomic_int days;         /* retention in days; 0: none */
  atomic_llong max_bytes;  /* cap on the log; 0: none */
  long long bytes;         /* the log's size as counted (writer thread) */
  time_t aged;             /* last age check (writer thread) */
  atomic_int age_now;      /* check the age at the next store */
};

static const char *const S_tables[3] = {"mentions", "searches", "helpful"};
/* Each table's counted size of a row, as SQL. */
static const char *const S_row_bytes[3] = {
    "length(text) + ifnull(length(collection), 0) + ifnull(length(top_slug), 0) + 48",
    "length(q) + ifnull(length(collection), 0) + 48",
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
    for (int t = 0; t < 3; t++) S_delete(ev, t, where);
  }
  if (cap <= 0 || ev->bytes <= cap) return;
  sqlite3_exec(ev->db, "BEGIN", NULL, NULL, NULL);
  for (int guard = 0; ev->bytes > cap / 10 * 9 && guard < 100000; guard++) {
    int pick = -1;
    char best[32] = "", ts[32];
    for (int t = 0; t < 3; t++) {
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
    " slug TEXT NOT NULL, helpful INTEGER NOT NULL);";

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
    if (e->kind == S_HELPFUL) {
      sqlite3_bind_text(st, 2, e->collection, -1, SQLITE_STATIC);
      sqlite3_bind_text(st, 3, e->slug, -1, SQLITE_STATIC);
      sqlite3_bind_int(st, 4, e->num);
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
      sqlite3_prepare_v2(ev->db, "INSERT INTO helpful VALUES(?,?,?,?)", -1, &ev->ins[S_HELPFUL], NULL)) {
    snprintf(err, nerr, "cannot set up the event log: %s", sqlite3_errmsg(ev->db));
    for (int i = 0; i < 3; i++) sqlite3_finalize(ev->ins[i]);
    sqlite3_close(ev->db);
    free(ev);
    return NULL;
  }
  for (int t = 0; t < 3; t++) ev->bytes += S_sum(ev, t, "");
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
  for (int i = 0; i < 3; i++) sqlite3_finalize(ev->ins[i]);
  sqlite3_close(ev->db);
  pthread_mutex_destroy(&ev->lock);
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

long kb_events_dropped(kb_events *ev) { return ev ? atomic_load(&ev->dropped) : 0; }
