/*
 * kb_feedback.c - the feedback store and the evidence learned from it
 * (see kb_feedback.h for the schema and the method).
 *
 * One connection, used under a mutex: writes are small and SQLite
 * serialises writers anyway. Every write is one transaction committed
 * with synchronous=FULL in WAL mode before the caller hears "stored".
 */
#include "kb_feedback.h"

#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_fts.h"
#include "kb_rank.h"
#include "kb_text.h"
#include "kb_util.h"


struct kb_feedback {
  sqlite3 *db;
  pthread_mutex_t lock;
  kb_analyzer *an;       /* for building MATCH expressions */
  sqlite3_stmt *ins, *ins_learned, *ins_sent, *evidence, *prior, *popular;
};

static const char S_schema[] =
    "CREATE TABLE IF NOT EXISTS feedback(id INTEGER PRIMARY KEY, ts TEXT NOT NULL,"
    " text TEXT NOT NULL, collection TEXT NOT NULL, slug TEXT NOT NULL,"
    " action TEXT NOT NULL CHECK(action IN ('sent','edited','dismissed')),"
    " reason TEXT, author TEXT);"
    "CREATE INDEX IF NOT EXISTS feedback_slug ON feedback(collection, slug);"
    "CREATE TABLE IF NOT EXISTS sent(collection TEXT NOT NULL, slug TEXT NOT NULL,"
    " n INTEGER NOT NULL, PRIMARY KEY(collection, slug)) WITHOUT ROWID;";

static void S_err(kb_feedback *f, char *err, size_t nerr, const char *what) {
  if (err) snprintf(err, nerr, "%s: %s", what, sqlite3_errmsg(f->db));
}

static int S_prepare(kb_feedback *f, const char *sql, sqlite3_stmt **st) {
  return sqlite3_prepare_v3(f->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
}

kb_feedback *kb_feedback_open(const char *path, const char *lang, char *err, size_t nerr) {
  kb_feedback *f = kb_xcalloc(1, sizeof *f);
  pthread_mutex_init(&f->lock, NULL);
  f->an = kb_analyzer_new(lang ? lang : "en", err, nerr);
  if (!f->an) goto fail;
  if (sqlite3_open_v2(path, &f->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
      kb_fts_register(f->db) != SQLITE_OK || kb_rank_register(f->db, NULL) != SQLITE_OK) {
    S_err(f, err, nerr, "cannot open the feedback store");
    goto fail;
  }
  sqlite3_busy_timeout(f->db, 2000);
  char *sql = kb_fmt("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; %s"
                     "CREATE VIRTUAL TABLE IF NOT EXISTS learned USING fts5(title, phrases, tags,"
                     " headings, body, plens UNINDEXED, tokenize='kb %s');",
                     S_schema, lang ? lang : "en");
  int rc = sqlite3_exec(f->db, sql, NULL, NULL, NULL);
  free(sql);
  if (rc != SQLITE_OK ||
      S_prepare(f, "INSERT INTO feedback(ts, text, collection, slug, action, reason, author)"
                   " VALUES(strftime('%Y-%m-%dT%H:%M:%SZ','now'),?,?,?,?,?,?)", &f->ins) ||
      S_prepare(f, "INSERT INTO learned(rowid, phrases, plens) VALUES(?,?,?)", &f->ins_learned) ||
      S_prepare(f, "INSERT INTO sent VALUES(?,?,1) ON CONFLICT(collection, slug)"
                   " DO UPDATE SET n = n + 1", &f->ins_sent) ||
      /* ranking features need the FTS scan itself: score first, then join */
      S_prepare(f, "WITH l AS MATERIALIZED (SELECT rowid AS id, kb_features(learned, ?4, ?5, ?6) AS m"
                   " FROM learned WHERE learned MATCH ?1)"
                   " SELECT f.collection, f.slug, l.m FROM l JOIN feedback f ON f.id = l.id"
                   " WHERE (?2 IS NULL OR f.collection = ?2)", &f->evidence) ||
      S_prepare(f, "SELECT collection, slug FROM sent WHERE (?1 IS NULL OR collection = ?1)"
                   " ORDER BY n DESC, slug LIMIT ?2", &f->popular) ||
      S_prepare(f, "SELECT n FROM sent WHERE collection = ?1 AND slug = ?2", &f->prior)) {
    S_err(f, err, nerr, "cannot set up the feedback store");
    goto fail;
  }
  return f;
fail:
  kb_feedback_close(f);
  return NULL;
}

void kb_feedback_close(kb_feedback *f) {
  if (!f) return;
  sqlite3_stmt *all[] = {f->ins, f->ins_learned, f->ins_sent, f->evidence, f->prior, f->popular};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) sqlite3_finalize(all[i]);
  sqlite3_close(f->db);
  kb_analyzer_free(f->an);
  pthread_mutex_destroy(&f->lock);
  free(f);
}

static int S_step(sqlite3_stmt *st) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static void S_text(sqlite3_stmt *st, int i, const char *s) {
  if (s) sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
  else sqlite3_bind_null(st, i);
}

int kb_feedback_add(kb_feedback *f, const char *text, const char *collection,
                    const char *slug, const char *action, const char *reason,
                    const char *author, long long *pid, char *err, size_t nerr) {
  if (!text || !slug || !action) {
    snprintf(err, nerr, "text, slug and action are required");
    return KB_FEEDBACK_EINVAL;
  }
  if (!collection) collection = "default";
  int learn = strcmp(action, "sent") == 0 || strcmp(action, "edited") == 0;
  pthread_mutex_lock(&f->lock);
  int rc = sqlite3_exec(f->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc == SQLITE_OK) {
    S_text(f->ins, 1, text);
    S_text(f->ins, 2, collection);
    S_text(f->ins, 3, slug);
    S_text(f->ins, 4, action);
    S_text(f->ins, 5, reason);
    S_text(f->ins, 6, author);
    rc = S_step(f->ins);
  }
  long long id = sqlite3_last_insert_rowid(f->db);
  if (rc == SQLITE_OK && learn) {
    sqlite3_bind_int64(f->ins_learned, 1, id);
    S_text(f->ins_learned, 2, text);
    sqlite3_bind_int(f->ins_learned, 3, kb_analyzer_positions(f->an, text));
    rc = S_step(f->ins_learned);
    if (rc == SQLITE_OK) {
      S_text(f->ins_sent, 1, collection);
      S_text(f->ins_sent, 2, slug);
      rc = S_step(f->ins_sent);
    }
  }
  if (rc == SQLITE_OK) rc = sqlite3_exec(f->db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    S_err(f, err, nerr, "feedback not stored");
    sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
  }
  pthread_mutex_unlock(&f->lock);
  if (rc != SQLITE_OK) return KB_FEEDBACK_EBUSY;
  if (pid) *pid = id;
  return KB_FEEDBACK_OK;
}

int kb_feedback_reset(kb_feedback *f, char *err, size_t nerr) {
  pthread_mutex_lock(&f->lock);
  int rc = sqlite3_exec(f->db, "BEGIN IMMEDIATE; DELETE FROM learned; DELETE FROM sent;"
                               " DELETE FROM feedback; COMMIT;", NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    S_err(f, err, nerr, "reset failed");
    sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
  }
  pthread_mutex_unlock(&f->lock);
  return rc == SQLITE_OK ? KB_FEEDBACK_OK : KB_FEEDBACK_EBUSY;
}

long long kb_feedback_count(kb_feedback *f) {
  sqlite3_stmt *st;
  long long n = -1;
  pthread_mutex_lock(&f->lock);
  if (sqlite3_prepare_v2(f->db, "SELECT count(*) FROM feedback", -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  pthread_mutex_unlock(&f->lock);
  return n;
}

/*--- Evidence ------------------------------------------------------------*/

/* The popularity prior: n / (n + K) for an article sent n times, so one
 * or two sends say little and many say a lot (0..1). Call with the lock
 * held. */
static double S_prior(kb_feedback *f, const char *collection, const char *slug) {
  S_text(f->prior, 1, collection);
  S_text(f->prior, 2, slug);
  double n = sqlite3_step(f->prior) == SQLITE_ROW ? sqlite3_column_double(f->prior, 0) : 0;
  sqlite3_reset(f->prior);
  return n / (n + 5.0);
}

double kb_feedback_prior(kb_feedback *f, const char *collection, const char *slug) {
  pthread_mutex_lock(&f->lock);
  double p = S_prior(f, collection ? collection : "default", slug);
  pthread_mutex_unlock(&f->lock);
  return p;
}

int kb_feedback_popular(kb_feedback *f, const char *collection, kb_evidence *out, int max) {
  int k = 0;
  pthread_mutex_lock(&f->lock);
  sqlite3_stmt *st = f->popular;
  S_text(st, 1, collection);
  sqlite3_bind_int(st, 2, max);
  while (k < max && sqlite3_step(st) == SQLITE_ROW) {
    snprintf(out[k].collection, sizeof out[k].collection, "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(out[k].slug, sizeof out[k].slug, "%s", (const char *)sqlite3_column_text(st, 1));
    out[k].match = 0;
    k++;
  }
  sqlite3_reset(st);
  for (int i = 0; i < k; i++) out[i].prior = S_prior(f, out[i].collection, out[i].slug);
  pthread_mutex_unlock(&f->lock);
  return k;
}

static int S_find_ev(const kb_evidence *out, int k, const char *coll, const char *slug) {
  for (int i = 0; i < k; i++)
    if (!strcmp(out[i].slug, slug) && !strcmp(out[i].collection, coll)) return i;
  return -1;
}

static int S_cmp_ev(const void *a, const void *b) {
  const kb_evidence *x = a, *y = b;
  return x->match != y->match ? (y->match > x->match ? 1 : -1) : strcmp(x->slug, y->slug);
}

int kb_feedback_evidence(kb_feedback *f, const kb_query_strings *q, const char *collection,
                         kb_evidence *out, int max) {
  int k = 0, cap = max * 4;
  kb_evidence *all = kb_xcalloc((size_t)cap + 1, sizeof *all);
  pthread_mutex_lock(&f->lock);
  if (q->match.n) {
    sqlite3_stmt *st = f->evidence;
    sqlite3_bind_text(st, 1, kb_buf_str(&q->match), -1, SQLITE_STATIC);
    S_text(st, 2, collection);
    sqlite3_bind_text(st, 4, kb_buf_str(&q->groups), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, kb_buf_str(&q->weights), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, kb_buf_str(&q->exact), -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
      double feat[KB_RANK_NFEAT] = {0};
      if (sqlite3_column_bytes(st, 2) >= (int)sizeof feat) memcpy(feat, sqlite3_column_blob(st, 2), sizeof feat);
      double m = kb_feedback_similarity(feat);
      const char *c = (const char *)sqlite3_column_text(st, 0), *sl = (const char *)sqlite3_column_text(st, 1);
      int at = S_find_ev(all, k, c, sl);
      if (at < 0 && k < cap) {
        at = k++;
        snprintf(all[at].collection, sizeof all[at].collection, "%s", c);
        snprintf(all[at].slug, sizeof all[at].slug, "%s", sl);
        all[at].match = 0;
      }
      if (at >= 0 && m > all[at].match) all[at].match = m;
    }
    if (sqlite3_reset(st) != SQLITE_OK)
      fprintf(stderr, "kb-serve: feedback evidence: %s\n", sqlite3_errmsg(f->db));
  }
  if (k) qsort(all, (size_t)k, sizeof *all, S_cmp_ev);
  if (k > max) k = max;
  memcpy(out, all, (size_t)k * sizeof *out);
  free(all);
  for (int i = 0; i < k; i++) out[i].prior = S_prior(f, out[i].collection, out[i].slug);
  pthread_mutex_unlock(&f->lock);
  return k;
}

double kb_feedback_similarity(const double *feat) {
  return kb_rank_score(feat);
}
