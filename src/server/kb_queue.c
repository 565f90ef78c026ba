/*
 * kb_queue.c - the knowledge team's queue: articles agents flagged (wrong,
 * out of date, missing a case) and mentions no article fits, sent from the
 * agent console. One SQLite file in the --data directory, DIR/queue.sqlite:
 *
 *   items(id INTEGER PRIMARY KEY, ts TEXT, kind TEXT ('flag'|'unanswered'),
 *         collection TEXT, slug TEXT, reason TEXT, note TEXT, mention TEXT,
 *         author TEXT, done INTEGER DEFAULT 0, lang TEXT)
 *
 * lang: the mention's language (#20: the reports count each language's
 * flags); added to a queue of before, whose items keep NULL (counted as
 * the default language's).
 *
 * Every call takes the queue's lock: agents add a few items a minute, so
 * one connection is plenty.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

struct kb_queue {
  sqlite3 *db;
  pthread_mutex_t mu;
};

kb_queue *kb_queue_open(const char *path, char *err, size_t nerr) {
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK ||
      sqlite3_exec(db,
                   "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=2000;"
                   "CREATE TABLE IF NOT EXISTS items(id INTEGER PRIMARY KEY, ts TEXT NOT NULL,"
                   " kind TEXT NOT NULL, collection TEXT, slug TEXT, reason TEXT, note TEXT,"
                   " mention TEXT, author TEXT, done INTEGER NOT NULL DEFAULT 0);",
                   NULL, NULL, NULL) != SQLITE_OK ||
      (sqlite3_exec(db, "SELECT lang FROM items LIMIT 0", NULL, NULL, NULL) != SQLITE_OK &&
       sqlite3_exec(db, "ALTER TABLE items ADD COLUMN lang TEXT", NULL, NULL, NULL) != SQLITE_OK)) {
    snprintf(err, nerr, "%s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return NULL;
  }
  kb_queue *q = kb_xcalloc(1, sizeof *q);
  q->db = db;
  pthread_mutex_init(&q->mu, NULL);
  return q;
}

void kb_queue_close(kb_queue *q) {
  if (!q) return;
  sqlite3_close(q->db);
  pthread_mutex_destroy(&q->mu);
  free(q);
}

static void S_bind(sqlite3_stmt *st, int i, const char *s) {
  if (s && *s) sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
  else sqlite3_bind_null(st, i);
}

int kb_queue_add(kb_queue *q, const char *kind, const char *collection, const char *slug,
                 const char *reason, const char *note, const char *mention, const char *author,
                 const char *lang) {
  char ts[32];
  time_t now = time(NULL);
  struct tm tm;
  strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
  pthread_mutex_lock(&q->mu);
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(q->db,
                              "INSERT INTO items(ts, kind, collection, slug, reason, note, mention, author, lang)"
                              " VALUES(?,?,?,?,?,?,?,?,?)", -1, &st, NULL);
  if (rc == SQLITE_OK) {
    const char *v[] = {ts, kind, collection, slug, reason, note, mention, author, lang};
    for (int i = 0; i < 9; i++) S_bind(st, i + 1, v[i]);
    rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
  }
  sqlite3_finalize(st);
  pthread_mutex_unlock(&q->mu);
  return rc == SQLITE_OK ? 0 : -1;
}

int kb_queue_done(kb_queue *q, long long id) {
  pthread_mutex_lock(&q->mu);
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(q->db, "UPDATE items SET done=1 WHERE id=?", -1, &st, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(q->db) == 1 ? SQLITE_OK : SQLITE_ERROR;
  }
  sqlite3_finalize(st);
  pthread_mutex_unlock(&q->mu);
  return rc == SQLITE_OK ? 0 : -1;
}

int kb_queue_list(kb_queue *q, int max, const char *lang, const char *dflt, kb_queue_cb fn, void *ctx) {
  pthread_mutex_lock(&q->mu);
  sqlite3_stmt *st = NULL;
  int n = -1;
  if (sqlite3_prepare_v2(q->db,
                         "SELECT id, ts, kind, collection, slug, reason, note, mention, author, ifnull(lang, ?2) FROM items"
                         " WHERE done=0 AND (?3 IS NULL OR ifnull(lang, ?2) = ?3) ORDER BY id DESC LIMIT ?1",
                         -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_int(st, 1, max);
    sqlite3_bind_text(st, 2, dflt, -1, SQLITE_STATIC);
    if (lang) sqlite3_bind_text(st, 3, lang, -1, SQLITE_STATIC);
    n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
      const char *v[9];
      for (int i = 0; i < 9; i++) v[i] = (const char *)sqlite3_column_text(st, i + 1);
      fn(ctx, sqlite3_column_int64(st, 0), v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
      n++;
    }
  }
  sqlite3_finalize(st);
  pthread_mutex_unlock(&q->mu);
  return n;
}
