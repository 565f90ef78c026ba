/*
 * kb_pgstore.c - the shared store in PostgreSQL (kb-serve --feedback-db
 * URL), through libpq; see server.h for the interface.
 *
 * PostgreSQL holds the truth: every replica's feedback, helpful answers
 * and the reports' events. Each replica reads nothing from it on the
 * request path: it keeps a mirror in SQLite (the kb_feedback the ranking
 * learns from, the kb_events tables the reports read) that this module's
 * thread fills from the rows it has not seen yet (id above its
 * watermark), woken by NOTIFY kb_changed or every 500 ms. So a suggestion
 * never waits for PostgreSQL, keeps the last learned state while it is
 * away, and learns another replica's feedback within a second.
 *
 * The watermark is safe because ids commit in order: each writer takes a
 * transaction-scoped advisory lock before it draws an id (S_LOCK_*), so no
 * transaction can commit a smaller id after a reader saw a larger one.
 * Feedback writes are few (an agent's actions), events come in batches of
 * 200 ms per replica: the lock costs nothing measurable at these rates.
 *
 * Schema (numbered migrations, S_migrations; kb_schema holds the version;
 * a database newer than this program is refused):
 *   kb_meta(key, value)       database_id (the mirror follows one
 *                             database), feedback_epoch (new on a reset:
 *                             every mirror forgets its feedback)
 *   feedback(id bigserial, ts, text, collection, slug, action, reason,
 *            author, client_id UNIQUE, lang (3): the mention's language)
 *   events(id bigserial, kind, ts, text, collection, slug, num,
 *          client_id, UNIQUE(kind, client_id), lang)
 *                             lang (3): the language an event belongs to
 *                             (a mention's, the site's of a search or a
 *                             "did this help?"); NULL in rows of before,
 *                             which the reports count as the default
 *                             language's (a search's also sits in slug,
 *                             where replicas of before 3 put it)
 *                             nothing_fits, top_slug (4): a search's
 *                             abstention and first result (#19); NULL
 *                             from the typing fragment, and from replicas
 *                             of before 4, which name their columns and
 *                             keep reading slug and num as before
 *                             one table for every kind of event, so a new
 *                             kind (kb_events.c) needs no migration here
 * The mirror's position is in its own SQLite file: kb_mirror(key, value).
 */
#include <libpq-fe.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "server.h"

#define S_LOCK_MIGRATE 2100   /* advisory lock keys */
#define S_LOCK_FEEDBACK 2101
#define S_LOCK_EVENTS 2102
#define S_BATCH_FEEDBACK 2000 /* rows the mirror reads at a time */
#define S_BATCH_EVENTS 5000
#define S_POLL_MS 500

struct kb_pg {
  char *url;
  PGconn *w;               /* writes, under wlock */
  pthread_mutex_t wlock;
  atomic_int ok;           /* the last write or poll worked */
  atomic_int stop;
  int running;
  pthread_t thread;
  kb_feedback *fb;         /* the mirror (not owned) */
  kb_events *ev;
  sqlite3 *mdb;            /* the mirror's position (its thread) */
  atomic_llong fwm, ewm;   /* highest feedback / event id mirrored */
  int relearn;             /* rows loaded raw, not learned yet (mirror thread) */
  char dbid[64], epoch[64]; /* the mirror's database and feedback epoch */
  time_t trimmed;          /* last events trim by age (writer thread) */
  atomic_llong ev_bytes;   /* events' size as last read (written by the writer thread) */
};

static const char *const S_migrations[] = {
    /* 1: the shared store */
    "CREATE TABLE kb_meta(key text PRIMARY KEY, value text NOT NULL);"
    "INSERT INTO kb_meta VALUES ('database_id', md5(random()::text || clock_timestamp()::text)),"
    " ('feedback_epoch', md5(random()::text || clock_timestamp()::text));"
    "CREATE TABLE feedback(id bigserial PRIMARY KEY, ts timestamptz NOT NULL DEFAULT now(),"
    " text text NOT NULL, collection text NOT NULL, slug text NOT NULL,"
    " action text NOT NULL CHECK (action IN ('sent','edited','dismissed')),"
    " reason text, author text, client_id text UNIQUE);"
    "CREATE TABLE events(id bigserial PRIMARY KEY, kind text NOT NULL,"
    " ts timestamptz NOT NULL, text text, collection text, slug text,"
    " num integer NOT NULL DEFAULT 0, client_id text, UNIQUE (kind, client_id));"
    "CREATE INDEX events_ts ON events(ts);",
    /* 2: the events' size, kept beside them for the cap (S_EVENT_BYTES) */
    "INSERT INTO kb_meta SELECT 'events_bytes', coalesce(sum(" "48 + octet_length(coalesce(text, ''))"
    " + octet_length(coalesce(collection, '')) + octet_length(coalesce(slug, ''))" "), 0)::text"
    " FROM events;",
    /* 3: the language of each feedback row and event (the reports per
     * language); a column a replica of before 3 leaves NULL */
    "ALTER TABLE feedback ADD COLUMN lang text; ALTER TABLE events ADD COLUMN lang text;",
    /* 4: a search's abstention (1: no article fits, 0: one does) and the
     * slug of its first result (#19: the no-fit report); columns a replica
     * of before 4 leaves NULL. The events' stored size needs no recount:
     * every row of before has no top_slug */
    "ALTER TABLE events ADD COLUMN nothing_fits integer; ALTER TABLE events ADD COLUMN top_slug text;",
};
#define S_NMIGRATIONS ((int)(sizeof S_migrations / sizeof *S_migrations))

/* An event's size for the cap, as kb_events.c counts its local rows: its
 * text, collection, slug and top_slug, and 48 bytes of a row's overhead
 * (a replica of before 4 takes off a deleted row's size without its
 * top_slug: the total then stays above the rows' by those bytes, which
 * only trims a little early). */
#define S_EVENT_BYTES                                                                       \
  "(48 + octet_length(coalesce(text, '')) + octet_length(coalesce(collection, ''))"         \
  " + octet_length(coalesce(slug, '')) + octet_length(coalesce(top_slug, '')))"
#define S_TRIM_ROWS 1000 /* events deleted per statement when over the cap */

/* timestamptz as the SQLite store writes it */
#define S_TS "to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static void S_quiet(void *arg, const char *msg) { (void)arg; (void)msg; }

/*--- Connections -----------------------------------------------------------*/

/* A new connection to url (2 s to connect, keepalives on), or NULL with a
 * message. */
static PGconn *S_connect(const char *url, char *err, size_t nerr) {
  const char *k[] = {"dbname", "connect_timeout", "application_name", "keepalives_idle", NULL};
  const char *v[] = {url, "2", "kb-serve", "10", NULL};
  PGconn *c = PQconnectdbParams(k, v, 1);
  if (!c || PQstatus(c) != CONNECTION_OK) {
    snprintf(err, nerr, "cannot connect to PostgreSQL: %s", c ? PQerrorMessage(c) : "out of memory");
    char *nl = strchr(err, '\n');
    if (nl) *nl = 0;
    PQfinish(c);
    return NULL;
  }
  PQsetNoticeProcessor(c, S_quiet, NULL);
  return c;
}

/* Runs sql; 0 if it worked (command or rows), else -1 with a message. */
static int S_exec(PGconn *c, const char *sql, char *err, size_t nerr) {
  PGresult *r = PQexec(c, sql);
  ExecStatusType st = PQresultStatus(r);
  int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
  if (!ok && err) {
    snprintf(err, nerr, "%s", PQerrorMessage(c));
    char *nl = strchr(err, '\n');
    if (nl) *nl = 0;
  }
  PQclear(r);
  return ok ? 0 : -1;
}

/* The params query's result, or NULL (cleared) with a message. */
static PGresult *S_query(PGconn *c, const char *sql, int n, const char *const *v, char *err,
                         size_t nerr) {
  PGresult *r = PQexecParams(c, sql, n, NULL, v, NULL, NULL, 0);
  ExecStatusType st = PQresultStatus(r);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
  if (err) {
    snprintf(err, nerr, "%s", PQerrorMessage(c));
    char *nl = strchr(err, '\n');
    if (nl) *nl = 0;
  }
  PQclear(r);
  return NULL;
}

/* Begins a transaction on the write connection, connecting again once if
 * the connection was lost (PostgreSQL restarted): nothing was sent yet,
 * so trying again is safe. Call with wlock held. 0 or -1. */
static int S_begin(kb_pg *pg, char *err, size_t nerr) {
  if (pg->w && PQstatus(pg->w) == CONNECTION_OK && S_exec(pg->w, "BEGIN", err, nerr) == 0) return 0;
  PQfinish(pg->w);
  pg->w = S_connect(pg->url, err, nerr);
  if (!pg->w || S_exec(pg->w, "BEGIN", err, nerr) != 0) {
    atomic_store(&pg->ok, 0);
    return -1;
  }
  return 0;
}

/* Ends the write connection's transaction: commit if rc is 0, else roll
 * back. Returns 0 when committed. Call with wlock held. */
static int S_end(kb_pg *pg, int rc, char *err, size_t nerr) {
  if (rc == 0) rc = S_exec(pg->w, "COMMIT", err, nerr);
  else S_exec(pg->w, "ROLLBACK", NULL, 0);
  atomic_store(&pg->ok, rc == 0 || PQstatus(pg->w) == CONNECTION_OK);
  return rc;
}

/*--- Migrations ------------------------------------------------------------*/

/* Brings the database to S_NMIGRATIONS, one migration at a time, under an
 * advisory lock (replicas starting together apply each once). */
static int S_migrate(PGconn *c, char *err, size_t nerr) {
  char lock[64];
  snprintf(lock, sizeof lock, "SELECT pg_advisory_xact_lock(%d)", S_LOCK_MIGRATE);
  if (S_exec(c, "BEGIN", err, nerr) || S_exec(c, lock, err, nerr) ||
      S_exec(c, "CREATE TABLE IF NOT EXISTS kb_schema(version integer NOT NULL)", err, nerr)) {
    S_exec(c, "ROLLBACK", NULL, 0);
    return -1;
  }
  PGresult *r = S_query(c, "SELECT coalesce(max(version), 0) FROM kb_schema", 0, NULL, err, nerr);
  int v = r ? atoi(PQgetvalue(r, 0, 0)) : -1;
  PQclear(r);
  int rc = v < 0 ? -1 : 0;
  if (v > S_NMIGRATIONS) {
    snprintf(err, nerr, "the shared store's schema is version %d, newer than this program's %d:"
                        " upgrade kb-serve", v, S_NMIGRATIONS);
    rc = -1;
  }
  for (int m = v + 1; rc == 0 && m <= S_NMIGRATIONS; m++) {
    char ins[64];
    snprintf(ins, sizeof ins, "INSERT INTO kb_schema VALUES (%d)", m);
    rc = S_exec(c, S_migrations[m - 1], err, nerr) || S_exec(c, ins, err, nerr) ? -1 : 0;
  }
  if (rc == 0) rc = S_exec(c, "COMMIT", err, nerr);
  else S_exec(c, "ROLLBACK", NULL, 0);
  return rc;
}

kb_pg *kb_pg_open(const char *url, char *err, size_t nerr) {
  PGconn *c = S_connect(url, err, nerr);
  if (!c) return NULL;
  if (S_migrate(c, err, nerr) != 0) {
    PQfinish(c);
    return NULL;
  }
  kb_pg *pg = kb_xcalloc(1, sizeof *pg);
  pg->url = kb_xstrdup(url);
  pg->w = c;
  pthread_mutex_init(&pg->wlock, NULL);
  atomic_store(&pg->ok, 1);
  return pg;
}

void kb_pg_close(kb_pg *pg) {
  if (!pg) return;
  if (pg->running) {
    atomic_store(&pg->stop, 1);
    pthread_join(pg->thread, NULL);
  }
  sqlite3_close(pg->mdb);
  PQfinish(pg->w);
  pthread_mutex_destroy(&pg->wlock);
  free(pg->url);
  free(pg);
}

int kb_pg_ok(kb_pg *pg) { return pg && atomic_load(&pg->ok); }

void kb_pg_status(kb_pg *pg, kb_buf *out) {
  kb_buf_printf(out, "\"store\":{\"kind\":\"postgresql\",\"ok\":%s,\"mirrored_feedback_id\":%lld,"
                     "\"mirrored_event_id\":%lld,\"events_bytes\":%lld}",
                kb_pg_ok(pg) ? "true" : "false", (long long)atomic_load(&pg->fwm),
                (long long)atomic_load(&pg->ewm), (long long)atomic_load(&pg->ev_bytes));
}

/*--- Writes ----------------------------------------------------------------*/

/* Inserts row (unless its client_id is stored), id and ts into *pid, ts;
 * *pdup 1 for a repeat. In the open transaction. 0 or -1. */
static int S_insert_feedback(kb_pg *pg, const kb_feedback_row *row, long long *pid, char *ts,
                             size_t nts, int *pdup, char *err, size_t nerr) {
  const char *v[8] = {row->text, row->collection ? row->collection : "default", row->slug,
                      row->action, row->reason, row->author, row->client_id, row->lang};
  PGresult *r = S_query(pg->w, "INSERT INTO feedback(text, collection, slug, action, reason, author,"
                               " client_id, lang) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)"
                               " ON CONFLICT (client_id) DO NOTHING RETURNING id, " S_TS,
                        8, v, err, nerr);
  if (!r) return -1;
  *pdup = PQntuples(r) == 0;
  PQclear(r);
  if (*pdup) /* stored before: its id */
    r = S_query(pg->w, "SELECT id, " S_TS " FROM feedback WHERE client_id = $1", 1, &v[6], err, nerr);
  else
    r = S_query(pg->w, "SELECT currval('feedback_id_seq'), " S_TS " FROM feedback"
                       " WHERE id = currval('feedback_id_seq')", 0, NULL, err, nerr);
  if (!r) return -1;
  int rc = PQntuples(r) == 1 ? 0 : -1;
  if (rc == 0) {
    *pid = atoll(PQgetvalue(r, 0, 0));
    snprintf(ts, nts, "%s", PQgetvalue(r, 0, 1));
  } else snprintf(err, nerr, "the stored row cannot be read back");
  PQclear(r);
  return rc;
}

int kb_pg_feedback_put(kb_pg *pg, kb_feedback *fb, const kb_feedback_row *row, long long *pid,
                       int *pdup, char *err, size_t nerr) {
  char lock[64], ts[40] = "";
  long long id = 0;
  int dup = 0;
  snprintf(lock, sizeof lock, "SELECT pg_advisory_xact_lock(%d)", S_LOCK_FEEDBACK);
  pthread_mutex_lock(&pg->wlock);
  int rc = S_begin(pg, err, nerr);
  if (rc == 0)
    rc = S_exec(pg->w, lock, err, nerr) || S_insert_feedback(pg, row, &id, ts, sizeof ts, &dup, err, nerr) ||
         (!dup && S_exec(pg->w, "NOTIFY kb_changed", err, nerr)) ? -1 : 0;
  if (rc == 0 || pg->w) rc = S_end(pg, rc, err, nerr);
  pthread_mutex_unlock(&pg->wlock);
  if (rc != 0) return KB_FEEDBACK_EBUSY;
  /* this replica learns it now; the mirror would within a second */
  kb_feedback_row mine = *row;
  mine.id = id;
  mine.ts = ts;
  char e2[128];
  if (fb) kb_feedback_put(fb, &mine, NULL, NULL, e2, sizeof e2);
  if (pid) *pid = id;
  if (pdup) *pdup = dup;
  return KB_FEEDBACK_OK;
}

int kb_pg_feedback_reset(kb_pg *pg, kb_feedback *fb, long long *pn, char *err, size_t nerr) {
  char lock[64];
  snprintf(lock, sizeof lock, "SELECT pg_advisory_xact_lock(%d)", S_LOCK_FEEDBACK);
  pthread_mutex_lock(&pg->wlock);
  int rc = S_begin(pg, err, nerr);
  PGresult *r = NULL;
  if (rc == 0) rc = S_exec(pg->w, lock, err, nerr);
  if (rc == 0) rc = (r = S_query(pg->w, "DELETE FROM feedback", 0, NULL, err, nerr)) ? 0 : -1;
  if (rc == 0 && pn) *pn = atoll(PQcmdTuples(r));
  PQclear(r);
  if (rc == 0)
    rc = S_exec(pg->w, "UPDATE kb_meta SET value = md5(random()::text || clock_timestamp()::text)"
                       " WHERE key = 'feedback_epoch'; NOTIFY kb_changed", err, nerr);
  if (rc == 0 || pg->w) rc = S_end(pg, rc, err, nerr);
  pthread_mutex_unlock(&pg->wlock);
  if (rc != 0) return KB_FEEDBACK_EBUSY;
  /* this replica forgets now; the others when their mirror sees the epoch */
  return kb_feedback_reset(fb, err, nerr);
}

/* Adds bytes of events to the stored total, in c's open transaction; the
 * new total into *total (when not NULL). 0 or -1. */
static int S_event_bytes(PGconn *c, long long bytes, long long *total, char *err, size_t nerr) {
  char b[32];
  snprintf(b, sizeof b, "%lld", bytes);
  const char *v[1] = {b};
  PGresult *r = S_query(c, "UPDATE kb_meta SET value = (value::bigint + $1::bigint)::text"
                           " WHERE key = 'events_bytes' RETURNING value::bigint", 1, v, err, nerr);
  if (!r) return -1;
  if (total && PQntuples(r) == 1) *total = atoll(PQgetvalue(r, 0, 0));
  PQclear(r);
  return 0;
}

int kb_pg_events_put(kb_pg *pg, const kb_event *list) {
  char err[256], lock[64];
  long long bytes = 0;
  snprintf(lock, sizeof lock, "SELECT pg_advisory_xact_lock(%d)", S_LOCK_EVENTS);
  pthread_mutex_lock(&pg->wlock);
  int rc = S_begin(pg, err, sizeof err);
  if (rc == 0) rc = S_exec(pg->w, lock, err, sizeof err);
  for (const kb_event *e = list; rc == 0 && e; e = e->next) {
    char ts[32], num[16], fits[16];
    kb_event_ts(e->ts, ts, sizeof ts);
    snprintf(num, sizeof num, "%d", e->num);
    snprintf(fits, sizeof fits, "%d", e->nothing_fits);
    const char *v[10] = {kb_events_kind_name(e->kind), ts, e->text, e->collection, e->slug, num,
                         e->client_id, e->lang, e->nothing_fits >= 0 ? fits : NULL, e->top_slug};
    PGresult *r = S_query(pg->w, "INSERT INTO events(kind, ts, text, collection, slug, num, client_id,"
                                 " lang, nothing_fits, top_slug) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)"
                                 " ON CONFLICT DO NOTHING RETURNING " S_EVENT_BYTES, 10, v, err, sizeof err);
    rc = r ? 0 : -1;
    if (r && PQntuples(r) == 1) bytes += atoll(PQgetvalue(r, 0, 0)); /* not a repeat */
    PQclear(r);
  }
  long long total = -1;
  if (rc == 0) rc = S_event_bytes(pg->w, bytes, &total, err, sizeof err);
  if (rc == 0) rc = S_exec(pg->w, "NOTIFY kb_changed", err, sizeof err);
  if (rc == 0 || pg->w) rc = S_end(pg, rc, err, sizeof err);
  if (rc == 0 && total >= 0) atomic_store(&pg->ev_bytes, total);
  pthread_mutex_unlock(&pg->wlock);
  return rc;
}

/* Deletes the events where (a condition on events) in one transaction and
 * takes their size off the total; the new total, or -1. Call with wlock
 * held. */
static long long S_trim_where(kb_pg *pg, const char *where) {
  long long total = -1;
  char *sql = kb_fmt("WITH d AS (DELETE FROM events WHERE %s RETURNING " S_EVENT_BYTES " AS b)"
                     " UPDATE kb_meta SET value = (value::bigint - (SELECT coalesce(sum(b), 0) FROM d))::text"
                     " WHERE key = 'events_bytes' RETURNING value::bigint", where);
  if (pg->w && PQstatus(pg->w) == CONNECTION_OK) {
    PGresult *r = S_query(pg->w, sql, 0, NULL, NULL, 0);
    if (r && PQntuples(r) == 1) total = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
  }
  free(sql);
  return total;
}

void kb_pg_events_trim(kb_pg *pg, int days, long long max_bytes) {
  time_t now = time(NULL);
  pthread_mutex_lock(&pg->wlock);
  if (days > 0 && now - pg->trimmed >= 60) {
    char where[64];
    snprintf(where, sizeof where, "ts < now() - interval '%d days'", days);
    long long t = S_trim_where(pg, where);
    /* done: not again for a minute; not done (no writer connection yet,
     * before the first events are put): at the next call, not a minute
     * later, so a start trims by age at once */
    if (t >= 0) {
      pg->trimmed = now;
      atomic_store(&pg->ev_bytes, t);
    }
  }
  /* the oldest first, down to nine tenths of the cap, as kb_events.c
   * trims its local tables; every replica may trim, a row is deleted
   * (and its size taken off) once */
  long long t = atomic_load(&pg->ev_bytes);
  if (max_bytes > 0 && t > max_bytes) {
    char where[96];
    snprintf(where, sizeof where, "id IN (SELECT id FROM events ORDER BY id LIMIT %d)", S_TRIM_ROWS);
    /* until under, or a step deleted nothing (the table is empty) */
    for (long long before = t + 1; t > max_bytes / 10 * 9 && t < before;) {
      before = t;
      if ((t = S_trim_where(pg, where)) < 0) break;
      atomic_store(&pg->ev_bytes, t);
    }
  }
  pthread_mutex_unlock(&pg->wlock);
}

/*--- The mirror ------------------------------------------------------------*/

static void S_mirror_set(kb_pg *pg, const char *key, const char *value) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(pg->mdb, "INSERT OR REPLACE INTO kb_mirror VALUES (?1, ?2)", -1, &st, NULL))
    return;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
  sqlite3_step(st);
  sqlite3_finalize(st);
}

static void S_mirror_get(kb_pg *pg, const char *key, char *out, size_t n) {
  sqlite3_stmt *st;
  out[0] = 0;
  if (sqlite3_prepare_v2(pg->mdb, "SELECT value FROM kb_mirror WHERE key = ?1", -1, &st, NULL)) return;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
}

static void S_mirror_wm(kb_pg *pg, const char *key, long long v) {
  char s[32];
  snprintf(s, sizeof s, "%lld", v);
  S_mirror_set(pg, key, s);
}

/* Follows the database's identity: another database, or a reset of the
 * feedback (a new epoch), and the mirror starts again from nothing. */
static int S_check_meta(kb_pg *pg, PGconn *c) {
  PGresult *r = S_query(c, "SELECT key, value FROM kb_meta", 0, NULL, NULL, 0);
  if (!r) return -1;
  char dbid[64] = "", epoch[64] = "", e[256];
  for (int i = 0; i < PQntuples(r); i++) {
    if (!strcmp(PQgetvalue(r, i, 0), "database_id")) snprintf(dbid, sizeof dbid, "%s", PQgetvalue(r, i, 1));
    if (!strcmp(PQgetvalue(r, i, 0), "feedback_epoch")) snprintf(epoch, sizeof epoch, "%s", PQgetvalue(r, i, 1));
  }
  PQclear(r);
  if (strcmp(dbid, pg->dbid)) {
    kb_feedback_reset(pg->fb, e, sizeof e);
    kb_events_clear(pg->ev);
    atomic_store(&pg->fwm, 0);
    atomic_store(&pg->ewm, 0);
    S_mirror_wm(pg, "feedback_id", 0);
    S_mirror_wm(pg, "event_id", 0);
    snprintf(pg->epoch, sizeof pg->epoch, "%s", epoch);
    S_mirror_set(pg, "feedback_epoch", epoch);
    snprintf(pg->dbid, sizeof pg->dbid, "%s", dbid);
    S_mirror_set(pg, "database_id", dbid);
  } else if (strcmp(epoch, pg->epoch)) {
    kb_feedback_reset(pg->fb, e, sizeof e);
    atomic_store(&pg->fwm, 0);
    S_mirror_wm(pg, "feedback_id", 0);
    snprintf(pg->epoch, sizeof pg->epoch, "%s", epoch);
    S_mirror_set(pg, "feedback_epoch", epoch);
  }
  return 0;
}

static const char *S_val(PGresult *r, int i, int j) {
  return PQgetisnull(r, i, j) ? NULL : PQgetvalue(r, i, j);
}

/* Mirrors the next feedback rows; how many (-1: failed). */
static int S_pull_feedback(kb_pg *pg, PGconn *c) {
  char wm[32], lim[16], e[256];
  snprintf(wm, sizeof wm, "%lld", (long long)atomic_load(&pg->fwm));
  snprintf(lim, sizeof lim, "%d", S_BATCH_FEEDBACK);
  const char *v[2] = {wm, lim};
  PGresult *r = S_query(c, "SELECT id, " S_TS ", text, collection, slug, action, reason, author,"
                           " client_id, lang FROM feedback WHERE id > $1 ORDER BY id LIMIT $2",
                        2, v, NULL, 0);
  if (!r) return -1;
  int n = PQntuples(r);
  kb_feedback_row *rows = kb_xcalloc((size_t)n + 1, sizeof *rows);
  for (int i = 0; i < n; i++)
    rows[i] = (kb_feedback_row){.id = atoll(PQgetvalue(r, i, 0)), .ts = S_val(r, i, 1),
                                .text = S_val(r, i, 2), .collection = S_val(r, i, 3),
                                .slug = S_val(r, i, 4), .action = S_val(r, i, 5),
                                .reason = S_val(r, i, 6), .author = S_val(r, i, 7),
                                .client_id = S_val(r, i, 8), .lang = S_val(r, i, 9)};
  /* A full batch is a backlog (a new replica, one that was down, a copied
   * store): its rows are stored raw and learned from once, when the
   * mirror has caught up (the evidence meanwhile is the one before),
   * instead of learning and evicting row by row. */
  int rc;
  if (n == S_BATCH_FEEDBACK || pg->relearn) {
    if (!pg->relearn) S_mirror_set(pg, "relearn", "1"); /* a restart finishes it */
    pg->relearn = 1;
    rc = kb_feedback_load_rows(pg->fb, rows, n, e, sizeof e) == KB_FEEDBACK_OK ? n : -1;
    if (rc >= 0 && n < S_BATCH_FEEDBACK) {
      if (kb_feedback_relearn(pg->fb, e, sizeof e) == KB_FEEDBACK_OK) {
        pg->relearn = 0;
        S_mirror_set(pg, "relearn", "0");
      } else fprintf(stderr, "kb-serve: mirror: %s\n", e);
    }
  } else rc = kb_feedback_put_rows(pg->fb, rows, n, e, sizeof e) == KB_FEEDBACK_OK ? n : -1;
  if (rc > 0) {
    atomic_store(&pg->fwm, rows[n - 1].id);
    S_mirror_wm(pg, "feedback_id", rows[n - 1].id);
  }
  free(rows);
  PQclear(r);
  return rc;
}

/* Mirrors the next events; how many (-1: failed). */
static int S_pull_events(kb_pg *pg, PGconn *c) {
  char wm[32], lim[16];
  snprintf(wm, sizeof wm, "%lld", (long long)atomic_load(&pg->ewm));
  snprintf(lim, sizeof lim, "%d", S_BATCH_EVENTS);
  const char *v[2] = {wm, lim};
  PGresult *r = S_query(c, "SELECT id, kind, " S_TS ", text, collection, slug, num, client_id, lang,"
                           " nothing_fits, top_slug FROM events WHERE id > $1 ORDER BY id LIMIT $2",
                        2, v, NULL, 0);
  if (!r) return -1;
  int n = PQntuples(r);
  kb_event_row *rows = kb_xcalloc((size_t)n + 1, sizeof *rows);
  for (int i = 0; i < n; i++)
    rows[i] = (kb_event_row){.kind = S_val(r, i, 1), .ts = S_val(r, i, 2), .text = S_val(r, i, 3),
                             .collection = S_val(r, i, 4), .slug = S_val(r, i, 5),
                             .num = atoi(PQgetvalue(r, i, 6)), .client_id = S_val(r, i, 7),
                             .lang = S_val(r, i, 8),
                             .nothing_fits = S_val(r, i, 9) ? atoi(PQgetvalue(r, i, 9)) : -1,
                             .top_slug = S_val(r, i, 10)};
  int rc = n == 0 || kb_events_mirror(pg->ev, rows, n) == 0 ? n : -1;
  if (rc > 0) {
    long long last = atoll(PQgetvalue(r, n - 1, 0));
    atomic_store(&pg->ewm, last);
    S_mirror_wm(pg, "event_id", last);
  }
  free(rows);
  PQclear(r);
  return rc;
}

/* Waits up to S_POLL_MS for a notification on c; -1 if the connection
 * broke. */
static int S_wait(PGconn *c) {
  int fd = PQsocket(c);
  if (fd < 0) return -1;
  fd_set rd;
  FD_ZERO(&rd);
  FD_SET(fd, &rd);
  struct timeval tv = {.tv_sec = 0, .tv_usec = S_POLL_MS * 1000};
  if (select(fd + 1, &rd, NULL, NULL, &tv) < 0) return 0;
  if (!PQconsumeInput(c)) return -1;
  PGnotify *n;
  while ((n = PQnotifies(c))) PQfreemem(n);
  return 0;
}

static void *S_mirror(void *arg) {
  kb_pg *pg = arg;
  PGconn *c = NULL;
  char err[256];
  while (!atomic_load(&pg->stop)) {
    if (!c) {
      c = S_connect(pg->url, err, sizeof err);
      if (c && S_exec(c, "LISTEN kb_changed", err, sizeof err)) {
        PQfinish(c);
        c = NULL;
      }
      if (!c) {
        atomic_store(&pg->ok, 0);
        usleep(S_POLL_MS * 1000);
        continue;
      }
    }
    int nf = 0, ne = 0;
    if (S_check_meta(pg, c) || (nf = S_pull_feedback(pg, c)) < 0 || (ne = S_pull_events(pg, c)) < 0 ||
        (nf < S_BATCH_FEEDBACK && ne < S_BATCH_EVENTS && S_wait(c) < 0)) {
      atomic_store(&pg->ok, PQstatus(c) == CONNECTION_OK);
      if (PQstatus(c) != CONNECTION_OK) {
        PQfinish(c);
        c = NULL;
      } else usleep(S_POLL_MS * 1000);
      continue;
    }
    atomic_store(&pg->ok, 1);
  }
  PQfinish(c);
  return NULL;
}

int kb_pg_start(kb_pg *pg, kb_feedback *fb, kb_events *ev, const char *mirror_db, char *err,
                size_t nerr) {
  pg->fb = fb;
  pg->ev = ev;
  if (sqlite3_open(mirror_db, &pg->mdb) != SQLITE_OK ||
      sqlite3_exec(pg->mdb, "PRAGMA busy_timeout = 5000; CREATE TABLE IF NOT EXISTS"
                            " kb_mirror(key TEXT PRIMARY KEY, value TEXT)", NULL, NULL, NULL)) {
    snprintf(err, nerr, "cannot open the mirror %s: %s", mirror_db, sqlite3_errmsg(pg->mdb));
    return -1;
  }
  char v[64];
  S_mirror_get(pg, "database_id", pg->dbid, sizeof pg->dbid);
  S_mirror_get(pg, "feedback_epoch", pg->epoch, sizeof pg->epoch);
  S_mirror_get(pg, "feedback_id", v, sizeof v);
  atomic_store(&pg->fwm, atoll(v));
  S_mirror_get(pg, "event_id", v, sizeof v);
  atomic_store(&pg->ewm, atoll(v));
  S_mirror_get(pg, "relearn", v, sizeof v);
  pg->relearn = atoi(v) == 1;
  kb_events_use_pg(ev, pg);
  if (pthread_create(&pg->thread, NULL, S_mirror, pg) != 0) {
    snprintf(err, nerr, "cannot start the mirror's thread");
    return -1;
  }
  pg->running = 1;
  return 0;
}

/*--- Copying an SQLite store into PostgreSQL -----------------------------*/

/* 1 if the SQLite table t has column col. */
static int S_has_col(sqlite3 *db, const char *t, const char *col) {
  sqlite3_stmt *st;
  char *sql = kb_fmt("SELECT 1 FROM pragma_table_info('%s') WHERE name = '%s'", t, col);
  int has = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  free(sql);
  return has;
}

/* Runs the SQLite query sql and sends each row's n columns (text or
 * NULL) to the prepared PostgreSQL statement name. 0 or -1. */
static int S_copy_rows(sqlite3 *db, const char *sql, PGconn *c, const char *name, int n,
                       long long *count, char *err, size_t nerr) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, nerr, "cannot read the SQLite store: %s", sqlite3_errmsg(db));
    return -1;
  }
  int rc = 0, src;
  const char *v[16];
  while (rc == 0 && (src = sqlite3_step(st)) == SQLITE_ROW) {
    for (int i = 0; i < n; i++) v[i] = (const char *)sqlite3_column_text(st, i);
    PGresult *r = PQexecPrepared(c, name, n, v, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      snprintf(err, nerr, "%s", PQerrorMessage(c));
      rc = -1;
    } else (*count)++;
    PQclear(r);
  }
  if (rc == 0 && src != SQLITE_DONE) {
    snprintf(err, nerr, "cannot read the SQLite store: %s", sqlite3_errmsg(db));
    rc = -1;
  }
  sqlite3_finalize(st);
  return rc;
}

static int S_prep(PGconn *c, const char *name, const char *sql, int n, char *err, size_t nerr) {
  PGresult *r = PQprepare(c, name, sql, n, NULL);
  int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
  if (rc) snprintf(err, nerr, "%s", PQerrorMessage(c));
  PQclear(r);
  return rc;
}

/* Copies into c's open transaction; 0 or -1. */
static int S_copy(sqlite3 *db, PGconn *c, long long *nf, long long *ne, char *err, size_t nerr) {
  PGresult *r = S_query(c, "SELECT (SELECT count(*) FROM feedback) + (SELECT count(*) FROM events)",
                        0, NULL, err, nerr);
  if (!r) return -1;
  long long there = atoll(PQgetvalue(r, 0, 0));
  PQclear(r);
  if (there) {
    snprintf(err, nerr, "the shared store already holds %lld rows: copy into an empty one", there);
    return -1;
  }
  const char *ev = "INSERT INTO events(kind, ts, text, collection, slug, num, client_id, lang,"
                   " nothing_fits, top_slug) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)";
  /* each row's language where the store kept it (#20), else NULL */
#define S_LANG(t) (S_has_col(db, t, "lang") ? "lang" : "NULL")
  char *fsql = kb_fmt("SELECT id, ts, text, collection, slug, action, reason, author, %s, %s"
                      " FROM feedback ORDER BY id",
                      S_has_col(db, "feedback", "client_id") ? "client_id" : "NULL", S_LANG("feedback"));
  /* a search's language where other events keep a slug (kb_events.c);
   * its abstention and first result where the store kept them (#19) */
  char *ssql = kb_fmt("SELECT 'search', ts, q, collection, %s, total, NULL, %s, %s, %s FROM searches"
                      " ORDER BY rowid", S_LANG("searches"), S_LANG("searches"),
                      S_has_col(db, "searches", "nothing_fits") ? "nothing_fits" : "NULL",
                      S_has_col(db, "searches", "top_slug") ? "top_slug" : "NULL");
  char *hsql = kb_fmt("SELECT 'helpful', ts, NULL, collection, slug, helpful, %s, %s, NULL, NULL FROM helpful"
                      " ORDER BY rowid",
                      S_has_col(db, "helpful", "client_id") ? "client_id" : "NULL", S_LANG("helpful"));
  char *msql = kb_fmt("SELECT 'mention', ts, text, collection, top_slug, answerable, NULL, %s, NULL, NULL"
                      " FROM mentions ORDER BY rowid", S_LANG("mentions"));
  char *vsql = kb_fmt("SELECT 'view', ts, NULL, collection, slug, 0, NULL, %s, NULL, NULL FROM views"
                      " ORDER BY rowid", S_has_col(db, "views", "slug") ? S_LANG("views") : "NULL");
#undef S_LANG
  int rc = S_prep(c, "fb", "INSERT INTO feedback(id, ts, text, collection, slug, action, reason,"
                           " author, client_id, lang) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)", 10, err, nerr) ||
                   S_prep(c, "ev", ev, 10, err, nerr) ||
                   S_copy_rows(db, fsql, c, "fb", 10, nf, err, nerr) ||
                   S_copy_rows(db, msql, c, "ev", 10, ne, err, nerr) ||
                   S_copy_rows(db, ssql, c, "ev", 10, ne, err, nerr) ||
                   S_copy_rows(db, hsql, c, "ev", 10, ne, err, nerr) ||
                   (S_has_col(db, "views", "slug") && /* page views: a store since #22 */
                    S_copy_rows(db, vsql, c, "ev", 10, ne, err, nerr)) ||
                   S_exec(c, "SELECT setval('feedback_id_seq', greatest((SELECT max(id) FROM feedback), 1))",
                          err, nerr) ||
                   S_exec(c, "UPDATE kb_meta SET value = (SELECT coalesce(sum(" S_EVENT_BYTES "), 0)"
                             " FROM events)::text WHERE key = 'events_bytes'", err, nerr) ? -1 : 0;
  free(fsql);
  free(vsql);
  free(hsql);
  free(ssql);
  free(msql);
  return rc;
}

int kb_pg_copy(const char *sqlite_path, const char *url, char *err, size_t nerr) {
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(sqlite_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_exec(db, "SELECT 1 FROM feedback LIMIT 1", NULL, NULL, NULL) != SQLITE_OK) {
    snprintf(err, nerr, "%s is not a feedback store: %s", sqlite_path, sqlite3_errmsg(db));
    sqlite3_close(db);
    return -1;
  }
  /* the event tables may not exist yet in a store that never logged */
  int events = sqlite3_exec(db, "SELECT 1 FROM mentions, searches, helpful LIMIT 1", NULL, NULL, NULL) == SQLITE_OK;
  PGconn *c = S_connect(url, err, nerr);
  long long nf = 0, ne = 0;
  int rc = !c || S_migrate(c, err, nerr) || S_exec(c, "BEGIN", err, nerr) ? -1 : 0;
  if (rc == 0 && !events) {
    snprintf(err, nerr, "%s has no event tables (start kb-serve on it once)", sqlite_path);
    rc = -1;
  }
  if (rc == 0) rc = S_copy(db, c, &nf, &ne, err, nerr);
  if (rc == 0) rc = S_exec(c, "COMMIT", err, nerr);
  else if (c) S_exec(c, "ROLLBACK", NULL, 0);
  if (rc == 0) fprintf(stderr, "kb-serve: copied %lld feedback rows and %lld events\n", nf, ne);
  PQfinish(c);
  sqlite3_close(db);
  return rc;
}
