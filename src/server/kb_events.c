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
};

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
  pthread_mutex_init(&ev->lock, NULL);
  pthread_cond_init(&ev->wake, NULL);
  pthread_create(&ev->writer, NULL, S_writer, ev);
  return ev;
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
