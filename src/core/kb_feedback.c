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


/* Each term's number of learned mentions (an open-addressing hash table):
 * with it a query skips FTS5's pass over every term's doclist
 * (xQueryPhrase) and leaves out the terms no learned mention has. */
typedef struct {
  char *term;            /* owned; NULL: an empty slot */
  int df;
} S_df_slot;

typedef struct {
  S_df_slot *v;
  size_t cap, n;         /* cap a power of two, n < cap / 2 */
} S_dfs;

/* A collection's sends and the number of distinct articles they went to:
 * their ratio, the sends of an average sent article, sets the scale of
 * the popularity prior (S_prior). */
typedef struct {
  char *collection;      /* owned */
  double sends, articles;
} S_total;

struct kb_feedback {
  sqlite3 *db;
  pthread_mutex_t lock;
  kb_analyzer *an;       /* the learned table's analyzer, for its terms */
  kb_lang *words;        /* its language's word lists (a copy), or NULL */
  kb_lang_set data;      /* the same, for the tokenizer */
  S_dfs dfs;             /* document frequencies in the learned table */
  S_total *tot;          /* per collection; few, so searched in order */
  int ntot;
  sqlite3_stmt *ins, *ins_learned, *ins_sent, *evidence, *prior, *popular, *seen;
  sqlite3_stmt *evict, *learned_text, *del_learned, *ins_of, *del_of;
  int per_article;       /* learned mentions kept per article (S_PER_ARTICLE) */
  int evicted;           /* mentions taken out since the last optimize */
};

/* Mentions taken out of the learned table between two merges of its
 * segments: FTS5 keeps a deleted row's entries until its segments are
 * merged, so a store that keeps evicting would otherwise read more and
 * more of them per query. */
#define S_OPTIMIZE_EVERY 2000

/* The learned mentions an article keeps, the newest: the evidence is the
 * best match among them, and the cost of a suggest is bounded by the
 * articles times this, not by the store (every feedback row is kept, so
 * the learning is rebuilt at open when the bound changes). 16, not 32:
 * the same cdp MRR (0.503 against 0.501), and a suggest with 1,000,000
 * learned mentions costs 1.05 times one with 10,000 instead of 1.43
 * (docs/relevance.md, docs/benchmarks.md). */
#define S_PER_ARTICLE 16

/* The schema's version (PRAGMA user_version): 1 without client ids, 2
 * without learned_of. (The rows' lang column, added when missing, needs no
 * new version: an older program names its columns and reads the store as
 * before.) */
#define S_VERSION 3

static const char S_schema[] =
    "CREATE TABLE IF NOT EXISTS feedback(id INTEGER PRIMARY KEY, ts TEXT NOT NULL,"
    " text TEXT NOT NULL, collection TEXT NOT NULL, slug TEXT NOT NULL,"
    " action TEXT NOT NULL CHECK(action IN ('sent','edited','dismissed')),"
    " reason TEXT, author TEXT, client_id TEXT, lang TEXT);"
    "CREATE INDEX IF NOT EXISTS feedback_slug ON feedback(collection, slug);"
    "CREATE TABLE IF NOT EXISTS sent(collection TEXT NOT NULL, slug TEXT NOT NULL,"
    " n INTEGER NOT NULL, PRIMARY KEY(collection, slug)) WITHOUT ROWID;"
    /* whose each learned mention is: the evidence reads it for every
     * mention it matches, from a table as small as the learned one
     * (articles x quota rows) rather than from feedback, whose B-tree
     * deepens with every row ever stored */
    "CREATE TABLE IF NOT EXISTS learned_of(id INTEGER PRIMARY KEY, collection TEXT NOT NULL,"
    " slug TEXT NOT NULL);"
    /* the quota the learned table was built with: another one (a new
     * default, KB_FEEDBACK_PER_ARTICLE) and it is rebuilt at open */
    "CREATE TABLE IF NOT EXISTS learned_quota(k INTEGER PRIMARY KEY CHECK(k = 1),"
    " quota INTEGER NOT NULL);";

static void S_err(kb_feedback *f, char *err, size_t nerr, const char *what) {
  if (err) snprintf(err, nerr, "%s: %s", what, sqlite3_errmsg(f->db));
}

static int S_prepare(kb_feedback *f, const char *sql, sqlite3_stmt **st) {
  return sqlite3_prepare_v3(f->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
}

/*--- Document frequencies of the learned mentions ------------------------*/

/* The slot of term t[0..n): its own, or the empty one where it belongs. */
static S_df_slot *S_df_slot_of(const S_dfs *d, const char *t, size_t n) {
  size_t i = kb_hash(t, n) & (d->cap - 1);
  while (d->v[i].term && (strncmp(d->v[i].term, t, n) || d->v[i].term[n]))
    i = (i + 1) & (d->cap - 1);
  return &d->v[i];
}

/* Documents of the learned table holding term t[0..n) (0: none). */
static int S_df_get(const S_dfs *d, const char *t, size_t n) {
  return d->cap ? S_df_slot_of(d, t, n)->df : 0;
}

static void S_df_add(S_dfs *d, const char *t, size_t n, int k) {
  if (2 * (d->n + 1) > d->cap) {
    S_dfs g = {.v = kb_xcalloc(d->cap ? 2 * d->cap : 1024, sizeof *g.v),
               .cap = d->cap ? 2 * d->cap : 1024, .n = d->n};
    for (size_t i = 0; i < d->cap; i++)
      if (d->v[i].term) *S_df_slot_of(&g, d->v[i].term, strlen(d->v[i].term)) = d->v[i];
    free(d->v);
    *d = g;
  }
  S_df_slot *s = S_df_slot_of(d, t, n);
  if (!s->term) {
    s->term = kb_xmalloc(n + 1);
    memcpy(s->term, t, n);
    s->term[n] = 0;
    d->n++;
  }
  s->df += k;
}

static void S_dfs_clear(S_dfs *d) {
  for (size_t i = 0; i < d->cap; i++) free(d->v[i].term);
  free(d->v);
  memset(d, 0, sizeof *d);
}

/* Reads every term's document count from FTS5's own vocabulary. */
static int S_dfs_load(kb_feedback *f) {
  sqlite3_stmt *st;
  int rc = sqlite3_exec(f->db, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.learned_vocab USING"
                               " fts5vocab(main, learned, 'row')", NULL, NULL, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(f->db, "SELECT term, doc FROM temp.learned_vocab",
                                               -1, &st, NULL);
  if (rc != SQLITE_OK) return rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    S_df_add(&f->dfs, (const char *)sqlite3_column_text(st, 0),
             (size_t)sqlite3_column_bytes(st, 0), sqlite3_column_int(st, 1));
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int S_note_term(void *ctx, int flags, const char *t, int n, int start, int end) {
  (void)flags; (void)start; (void)end;
  S_df_add(ctx, t, (size_t)n, 1);
  return 0;
}

/* Counts the distinct terms of a stored mention, as the learned table's
 * tokenizer indexes it (kb_fts.c: a document, with exact forms). Call
 * with the lock held. */
static void S_dfs_count(kb_feedback *f, const char *text, int k) {
  S_dfs one = {0};
  kb_analyzer_run(f->an, text, (int)strlen(text), KB_TEXT_EXACT, S_note_term, &one);
  for (size_t i = 0; i < one.cap; i++)
    if (one.v[i].term) S_df_add(&f->dfs, one.v[i].term, strlen(one.v[i].term), k);
  S_dfs_clear(&one);
}

/*--- Sends per collection ----------------------------------------------*/

static S_total *S_total_of(kb_feedback *f, const char *collection, int create) {
  for (int i = 0; i < f->ntot; i++)
    if (!strcmp(f->tot[i].collection, collection)) return &f->tot[i];
  if (!create) return NULL;
  f->tot = kb_xrealloc(f->tot, (size_t)(f->ntot + 1) * sizeof *f->tot);
  S_total *t = &f->tot[f->ntot++];
  t->collection = kb_xstrdup(collection);
  t->sends = t->articles = 0;
  return t;
}

static void S_totals_clear(kb_feedback *f) {
  for (int i = 0; i < f->ntot; i++) free(f->tot[i].collection);
  free(f->tot);
  f->tot = NULL;
  f->ntot = 0;
}

static int S_totals_load(kb_feedback *f) {
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(f->db, "SELECT collection, sum(n), count(*) FROM sent GROUP BY collection",
                              -1, &st, NULL);
  if (rc != SQLITE_OK) return rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    S_total *t = S_total_of(f, (const char *)sqlite3_column_text(st, 0), 1);
    t->sends = sqlite3_column_double(st, 1);
    t->articles = sqlite3_column_double(st, 2);
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Brings a store of an older version to S_VERSION (version 1 -> 2: the
 * client_id column and its unique index); refuses a newer one. */
static int S_migrate(kb_feedback *f, char *err, size_t nerr) {
  sqlite3_stmt *st;
  int v = 0, has = 0;
  if (sqlite3_prepare_v2(f->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) return -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  if (v > S_VERSION) {
    snprintf(err, nerr, "the feedback store is of version %d, newer than this program's %d", v, S_VERSION);
    return -1;
  }
  if (sqlite3_prepare_v2(f->db, "SELECT 1 FROM pragma_table_info('feedback') WHERE name = 'client_id'",
                         -1, &st, NULL) != SQLITE_OK) return -1;
  has = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  /* version 3 -> 4: the mention's language (rows of before stay NULL: the
   * reports count them as the index's default language's) */
  int has_lang = 0;
  if (sqlite3_prepare_v2(f->db, "SELECT 1 FROM pragma_table_info('feedback') WHERE name = 'lang'",
                         -1, &st, NULL) != SQLITE_OK) return -1;
  has_lang = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  /* version 2 -> 3: learned_of (created empty by S_schema) filled */
  char *sql = kb_fmt("%s %s CREATE UNIQUE INDEX IF NOT EXISTS feedback_client ON feedback(client_id);"
                     " %s PRAGMA user_version = %d;",
                     has ? "" : "ALTER TABLE feedback ADD COLUMN client_id TEXT;",
                     has_lang ? "" : "ALTER TABLE feedback ADD COLUMN lang TEXT;",
                     v >= 3 ? "" : "INSERT OR IGNORE INTO learned_of SELECT id, collection, slug"
                                   " FROM feedback WHERE id IN (SELECT rowid FROM learned);",
                     S_VERSION);
  int rc = sqlite3_exec(f->db, sql, NULL, NULL, NULL);
  free(sql);
  if (rc != SQLITE_OK) S_err(f, err, nerr, "cannot bring the feedback store up to date");
  return rc == SQLITE_OK ? 0 : -1;
}

static kb_feedback *S_open(const char *path, const char *lang, const kb_lang *words, char *err,
                           size_t nerr);

kb_feedback *kb_feedback_open(const char *path, const char *lang, char *err, size_t nerr) {
  return S_open(path, lang, NULL, err, nerr);
}

kb_feedback *kb_feedback_open_lang(const char *path, const kb_lang *words, char *err,
                                   size_t nerr) {
  return S_open(path, words ? kb_lang_code(words) : NULL, words, err, nerr);
}

static kb_feedback *S_open(const char *path, const char *lang, const kb_lang *words, char *err,
                           size_t nerr) {
  kb_feedback *f = kb_xcalloc(1, sizeof *f);
  pthread_mutex_init(&f->lock, NULL);
  if (!lang || !*lang) lang = "en";
  if (words) {
    f->words = kb_lang_dup(words);
    f->data = (kb_lang_set){.v = {f->words}, .n = 1};
  }
  f->per_article = S_PER_ARTICLE;
  if (getenv("KB_FEEDBACK_PER_ARTICLE")) f->per_article = atoi(getenv("KB_FEEDBACK_PER_ARTICLE"));
  f->an = kb_analyzer_new_data(lang, f->words, err, nerr);
  if (!f->an) goto fail;
  if (sqlite3_open_v2(path, &f->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
      kb_fts_register(f->db, &f->data) != SQLITE_OK || kb_rank_register(f->db, NULL) != SQLITE_OK) {
    S_err(f, err, nerr, "cannot open the feedback store");
    goto fail;
  }
  sqlite3_busy_timeout(f->db, 2000);
  char *sql = kb_fmt("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; %s"
                     "CREATE VIRTUAL TABLE IF NOT EXISTS learned USING fts5(title, phrases, tags,"
                     " headings, body, plens UNINDEXED, tokenize='kb %s');",
                     S_schema, lang);
  int rc = sqlite3_exec(f->db, sql, NULL, NULL, NULL);
  free(sql);
  if (rc == SQLITE_OK && S_migrate(f, err, nerr) != 0) goto fail;
  if (rc != SQLITE_OK ||
      S_prepare(f, "INSERT INTO feedback(id, ts, text, collection, slug, action, reason, author, client_id,"
                   " lang) VALUES(?1, coalesce(?2, strftime('%Y-%m-%dT%H:%M:%SZ','now')),?3,?4,?5,?6,?7,"
                   "?8,?9,?10)",
                &f->ins) ||
      S_prepare(f, "SELECT id FROM feedback WHERE id = ?1 OR client_id = ?2", &f->seen) ||
      S_prepare(f, "SELECT id FROM feedback WHERE collection = ?1 AND slug = ?2 AND action IN"
                   " ('sent','edited') ORDER BY id DESC LIMIT 1 OFFSET ?3", &f->evict) ||
      S_prepare(f, "SELECT phrases FROM learned WHERE rowid = ?1", &f->learned_text) ||
      S_prepare(f, "DELETE FROM learned WHERE rowid = ?1", &f->del_learned) ||
      S_prepare(f, "INSERT OR REPLACE INTO learned_of VALUES(?1, ?2, ?3)", &f->ins_of) ||
      S_prepare(f, "DELETE FROM learned_of WHERE id = ?1", &f->del_of) ||
      S_prepare(f, "INSERT INTO learned(rowid, phrases, plens) VALUES(?,?,?)", &f->ins_learned) ||
      S_prepare(f, "INSERT INTO sent VALUES(?,?,1) ON CONFLICT(collection, slug)"
                   " DO UPDATE SET n = n + 1", &f->ins_sent) ||
      S_prepare(f, "SELECT f.collection, f.slug, kb_features(learned, ?4, ?5, ?6, ?7, ?8)"
                   " FROM learned CROSS JOIN learned_of f ON f.id = learned.rowid"
                   " WHERE learned MATCH ?1 AND (?2 IS NULL OR f.collection = ?2)", &f->evidence) ||
      S_prepare(f, "SELECT collection, slug FROM sent WHERE (?1 IS NULL OR collection = ?1)"
                   " ORDER BY n DESC, slug LIMIT ?2", &f->popular) ||
      S_prepare(f, "SELECT n FROM sent WHERE collection = ?1 AND slug = ?2", &f->prior)) {
    S_err(f, err, nerr, "cannot set up the feedback store");
    goto fail;
  }
  sqlite3_stmt *st;
  int quota = -1;
  if (sqlite3_prepare_v2(f->db, "SELECT quota FROM learned_quota", -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    quota = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  if (quota != f->per_article) {
    if (kb_feedback_relearn(f, err, nerr) != KB_FEEDBACK_OK) goto fail;
  } else if (S_dfs_load(f) != SQLITE_OK || S_totals_load(f) != SQLITE_OK) {
    S_err(f, err, nerr, "cannot read the learned mentions");
    goto fail;
  }
  return f;
fail:
  kb_feedback_close(f);
  return NULL;
}

void kb_feedback_close(kb_feedback *f) {
  if (!f) return;
  sqlite3_stmt *all[] = {f->ins, f->ins_learned, f->ins_sent, f->evidence, f->prior, f->popular,
                         f->seen, f->evict, f->learned_text, f->del_learned, f->ins_of, f->del_of};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) sqlite3_finalize(all[i]);
  sqlite3_close(f->db);
  kb_analyzer_free(f->an);
  kb_lang_free(f->words); /* after the tokenizer and the analyzer */
  S_dfs_clear(&f->dfs);
  S_totals_clear(f);
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

/* How many times an article was sent. Call with the lock held. */
static double S_sent_n(kb_feedback *f, const char *collection, const char *slug) {
  S_text(f->prior, 1, collection);
  S_text(f->prior, 2, slug);
  double n = sqlite3_step(f->prior) == SQLITE_ROW ? sqlite3_column_double(f->prior, 0) : 0;
  sqlite3_reset(f->prior);
  return n;
}

int kb_feedback_add(kb_feedback *f, const char *text, const char *collection,
                    const char *slug, const char *action, const char *reason,
                    const char *author, long long *pid, char *err, size_t nerr) {
  kb_feedback_row row = {.text = text, .collection = collection, .slug = slug, .action = action,
                         .reason = reason, .author = author};
  return kb_feedback_put(f, &row, pid, NULL, err, nerr);
}

/* The id of the stored row with row's id or client id, 0 if none. Call
 * with the lock held. */
static long long S_seen(kb_feedback *f, const kb_feedback_row *row) {
  if (!row->id && !row->client_id) return 0;
  sqlite3_bind_int64(f->seen, 1, row->id);
  S_text(f->seen, 2, row->client_id);
  long long id = sqlite3_step(f->seen) == SQLITE_ROW ? sqlite3_column_int64(f->seen, 0) : 0;
  sqlite3_reset(f->seen);
  return id;
}

/* Keeps an article's learned mentions to its newest f->per_article (0:
 * all): takes the one that fell out of them out of the learned table, its
 * text appended to *gone (for the term counts, after the commit). Call
 * with the lock held, in the open transaction. */
static int S_evict(kb_feedback *f, const char *collection, const char *slug, kb_buf *gone) {
  if (f->per_article <= 0) return SQLITE_OK;
  S_text(f->evict, 1, collection);
  S_text(f->evict, 2, slug);
  sqlite3_bind_int(f->evict, 3, f->per_article);
  long long id = sqlite3_step(f->evict) == SQLITE_ROW ? sqlite3_column_int64(f->evict, 0) : 0;
  sqlite3_reset(f->evict);
  if (!id) return SQLITE_OK;
  sqlite3_bind_int64(f->learned_text, 1, id);
  int there = sqlite3_step(f->learned_text) == SQLITE_ROW;
  if (there) kb_buf_put(gone, (const char *)sqlite3_column_text(f->learned_text, 0),
                        (size_t)sqlite3_column_bytes(f->learned_text, 0) + 1); /* with its NUL */
  sqlite3_reset(f->learned_text);
  if (!there) return SQLITE_OK;
  sqlite3_bind_int64(f->del_learned, 1, id);
  int rc = S_step(f->del_learned);
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(f->del_of, 1, id);
    rc = S_step(f->del_of);
  }
  return rc;
}

/* Notes that learned mention id is of collection's slug. Call with the
 * lock held, in the open transaction. */
static int S_learned_of(kb_feedback *f, long long id, const char *collection, const char *slug) {
  sqlite3_bind_int64(f->ins_of, 1, id);
  S_text(f->ins_of, 2, collection);
  S_text(f->ins_of, 3, slug);
  return S_step(f->ins_of);
}

/* Inserts row in the open transaction, and for an article sent or edited
 * (sends 1) its count, and with learn 1 what is learned from it; returns
 * an SQLite code and the new id in *pid. Call with the lock held. */
static int S_insert(kb_feedback *f, const kb_feedback_row *row, const char *collection, int sends,
                    int learn, long long *pid, kb_buf *gone) {
  if (row->id) sqlite3_bind_int64(f->ins, 1, row->id);
  else sqlite3_bind_null(f->ins, 1);
  S_text(f->ins, 2, row->ts);
  S_text(f->ins, 3, row->text);
  S_text(f->ins, 4, collection);
  S_text(f->ins, 5, row->slug);
  S_text(f->ins, 6, row->action);
  S_text(f->ins, 7, row->reason);
  S_text(f->ins, 8, row->author);
  S_text(f->ins, 9, row->client_id);
  S_text(f->ins, 10, row->lang);
  int rc = S_step(f->ins);
  long long id = *pid = sqlite3_last_insert_rowid(f->db);
  if (rc == SQLITE_OK && sends) {
    S_text(f->ins_sent, 1, collection);
    S_text(f->ins_sent, 2, row->slug);
    rc = S_step(f->ins_sent);
  }
  if (rc == SQLITE_OK && sends && learn) {
    sqlite3_bind_int64(f->ins_learned, 1, id);
    S_text(f->ins_learned, 2, row->text);
    sqlite3_bind_int(f->ins_learned, 3, kb_analyzer_positions(f->an, row->text));
    rc = S_step(f->ins_learned);
    if (rc == SQLITE_OK) rc = S_learned_of(f, id, collection, row->slug);
    if (rc == SQLITE_OK) rc = S_evict(f, collection, row->slug, gone);
  }
  return rc;
}

/* Merges the learned table's segments (dropping evicted entries). Call
 * with the lock held, outside a transaction. */
static void S_optimize(kb_feedback *f) {
  if (sqlite3_exec(f->db, "INSERT INTO learned(learned) VALUES('optimize')", NULL, NULL, NULL) == SQLITE_OK)
    f->evicted = 0;
}

void kb_feedback_optimize(kb_feedback *f) {
  pthread_mutex_lock(&f->lock);
  S_optimize(f);
  pthread_mutex_unlock(&f->lock);
}

/* Stores rows[0..n) in one transaction: ids into pid[i] and dup[i]
 * (either may be NULL). Returns an SQLite code. */
static int S_put(kb_feedback *f, const kb_feedback_row *rows, int n, long long *pid, int *dup,
                 int learn, char *err, size_t nerr) {
  for (int i = 0; i < n; i++)
    if (!rows[i].text || !rows[i].slug || !rows[i].action) {
      snprintf(err, nerr, "text, slug and action are required");
      return SQLITE_MISUSE;
    }
  long long *ids = kb_xcalloc((size_t)n + 1, sizeof *ids);
  char *old = kb_xcalloc((size_t)n + 1, 1);
  kb_buf gone = KB_BUF_INIT; /* texts of the mentions no longer learned, NUL-separated */
  pthread_mutex_lock(&f->lock);
  int rc = sqlite3_exec(f->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  for (int i = 0; rc == SQLITE_OK && i < n; i++) {
    const kb_feedback_row *row = &rows[i];
    long long seen = S_seen(f, row);
    old[i] = seen != 0;
    if (seen) ids[i] = seen;
    else rc = S_insert(f, row, row->collection ? row->collection : "default",
                       !strcmp(row->action, "sent") || !strcmp(row->action, "edited"), learn,
                       &ids[i], &gone);
  }
  if (rc == SQLITE_OK) rc = sqlite3_exec(f->db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    S_err(f, err, nerr, "feedback not stored");
    sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
  }
  int sends = 0;
  for (int i = 0; rc == SQLITE_OK && i < n; i++) {
    if (old[i] || (strcmp(rows[i].action, "sent") && strcmp(rows[i].action, "edited"))) continue;
    if (learn) S_dfs_count(f, rows[i].text, 1);
    sends++;
  }
  /* read back rather than counted here: several sends of one new article
   * in a batch make it one article (sent is one row an article) */
  if (rc == SQLITE_OK && sends) {
    S_totals_clear(f);
    S_totals_load(f);
  }
  for (size_t at = 0; rc == SQLITE_OK && at < gone.n; at += strlen(gone.p + at) + 1) {
    S_dfs_count(f, gone.p + at, -1);
    f->evicted++;
  }
  if (rc == SQLITE_OK && f->evicted >= S_OPTIMIZE_EVERY) S_optimize(f);
  kb_buf_cleanup(&gone);
  pthread_mutex_unlock(&f->lock);
  for (int i = 0; rc == SQLITE_OK && i < n; i++) {
    if (pid) pid[i] = ids[i];
    if (dup) dup[i] = old[i];
  }
  free(ids);
  free(old);
  return rc;
}

int kb_feedback_put(kb_feedback *f, const kb_feedback_row *row, long long *pid, int *pdup,
                    char *err, size_t nerr) {
  int d = 0;
  int rc = S_put(f, row, 1, pid, &d, 1, err, nerr);
  if (pdup) *pdup = d;
  return rc == SQLITE_OK ? KB_FEEDBACK_OK : rc == SQLITE_MISUSE ? KB_FEEDBACK_EINVAL : KB_FEEDBACK_EBUSY;
}

int kb_feedback_put_rows(kb_feedback *f, const kb_feedback_row *rows, int n, char *err,
                         size_t nerr) {
  int rc = n > 0 ? S_put(f, rows, n, NULL, NULL, 1, err, nerr) : SQLITE_OK;
  return rc == SQLITE_OK ? KB_FEEDBACK_OK : rc == SQLITE_MISUSE ? KB_FEEDBACK_EINVAL : KB_FEEDBACK_EBUSY;
}

int kb_feedback_load_rows(kb_feedback *f, const kb_feedback_row *rows, int n, char *err,
                          size_t nerr) {
  int rc = n > 0 ? S_put(f, rows, n, NULL, NULL, 0, err, nerr) : SQLITE_OK;
  return rc == SQLITE_OK ? KB_FEEDBACK_OK : rc == SQLITE_MISUSE ? KB_FEEDBACK_EINVAL : KB_FEEDBACK_EBUSY;
}

/* The learned table rebuilt from the feedback rows in the open
 * transaction: every sent article's newest f->per_article mentions sent or
 * edited (all of them with 0), as S_insert() and S_evict() leave them row
 * by row. One article at a time along the feedback_slug index
 * (collection, slug, id), newest first, so the work is the articles times
 * the quota, not a pass over every row: the lock it holds keeps suggests
 * waiting (a mirror relearns while serving). The sends (sent) are not
 * recounted: every stored row counts as it is stored, raw or not. Call
 * with the lock held. */
static int S_relearn(kb_feedback *f) {
  sqlite3_stmt *arts = NULL, *newest = NULL;
  int rc = sqlite3_exec(f->db, "DELETE FROM learned; DELETE FROM learned_of;", NULL, NULL, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_prepare_v2(f->db, "SELECT collection, slug FROM sent", -1, &arts, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2(f->db, "SELECT id, text FROM feedback WHERE collection = ?1 AND slug = ?2"
                                   " AND action IN ('sent','edited') ORDER BY id DESC LIMIT ?3",
                            -1, &newest, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step(arts)) == SQLITE_ROW) {
    const char *coll = (const char *)sqlite3_column_text(arts, 0), *slug = (const char *)sqlite3_column_text(arts, 1);
    sqlite3_bind_text(newest, 1, coll, -1, SQLITE_STATIC);
    sqlite3_bind_text(newest, 2, slug, -1, SQLITE_STATIC);
    sqlite3_bind_int(newest, 3, f->per_article > 0 ? f->per_article : -1); /* -1: no limit */
    while ((rc = sqlite3_step(newest)) == SQLITE_ROW) {
      const char *text = (const char *)sqlite3_column_text(newest, 1);
      long long id = sqlite3_column_int64(newest, 0);
      sqlite3_bind_int64(f->ins_learned, 1, id);
      S_text(f->ins_learned, 2, text);
      sqlite3_bind_int(f->ins_learned, 3, kb_analyzer_positions(f->an, text));
      if ((rc = S_step(f->ins_learned)) != SQLITE_OK || (rc = S_learned_of(f, id, coll, slug)) != SQLITE_OK) break;
    }
    sqlite3_reset(newest);
    rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
  }
  sqlite3_finalize(arts);
  sqlite3_finalize(newest);
  if (rc == SQLITE_DONE) {
    char *sql = kb_fmt("INSERT OR REPLACE INTO learned_quota VALUES(1, %d)", f->per_article);
    rc = sqlite3_exec(f->db, sql, NULL, NULL, NULL);
    free(sql);
  }
  return rc;
}

int kb_feedback_relearn(kb_feedback *f, char *err, size_t nerr) {
  pthread_mutex_lock(&f->lock);
  int rc = sqlite3_exec(f->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc == SQLITE_OK) rc = S_relearn(f);
  if (rc == SQLITE_OK) rc = sqlite3_exec(f->db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    S_err(f, err, nerr, "cannot relearn");
    sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
  } else {
    S_optimize(f); /* first: the counts are read from the merged table */
    S_dfs_clear(&f->dfs);
    S_totals_clear(f);
    if (S_dfs_load(f) != SQLITE_OK || S_totals_load(f) != SQLITE_OK) {
      S_err(f, err, nerr, "cannot read the learned mentions");
      rc = SQLITE_ERROR;
    }
  }
  pthread_mutex_unlock(&f->lock);
  return rc == SQLITE_OK ? KB_FEEDBACK_OK : KB_FEEDBACK_EBUSY;
}

int kb_feedback_reset(kb_feedback *f, char *err, size_t nerr) {
  pthread_mutex_lock(&f->lock);
  int rc = sqlite3_exec(f->db, "BEGIN IMMEDIATE; DELETE FROM learned; DELETE FROM learned_of; DELETE FROM sent;"
                               " DELETE FROM feedback; COMMIT;", NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    S_err(f, err, nerr, "reset failed");
    sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
  } else {
    S_dfs_clear(&f->dfs);
    S_totals_clear(f);
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

/* The popularity prior: n / (n + 4 m) for an article sent n times, m the
 * sends of an average sent article in its collection. One send among
 * articles sent ten times each says little; the article sent most says a
 * lot. Relative to m, so the same proportions give the same prior as the
 * store grows: an absolute n / (n + 5), tuned on the cdp dev set (MRR 0.503
 * there against 0.500), fell to 0.454 when the same feedback was stored 20
 * times; this stays at 0.500 (docs/relevance.md). Call with the lock held. */
static double S_prior(kb_feedback *f, const char *collection, const char *slug) {
  double n = S_sent_n(f, collection, slug);
  const S_total *t = n > 0 ? S_total_of(f, collection, 0) : NULL;
  if (!t || t->articles <= 0) return 0;
  return n / (n + 4.0 * t->sends / t->articles);
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

/* The next space-separated item of *p, in [*w, *w + *n); 0 at the end. */
static int S_next_item(const char **p, const char **w, size_t *n) {
  const char *s = *p;
  while (*s == ' ') s++;
  if (!*s) return 0;
  *w = s;
  while (*s && *s != ' ') s++;
  *n = (size_t)(s - *w);
  *p = s;
  return 1;
}

/* The next phrase of a MATCH expression built by kb_search.c ("\x01term"
 * items, "" for a quote, " *" after a prefix, joined by OR): the whole
 * item in [*w, *w + *n), its term unquoted into t. 0 at the end. */
static int S_next_phrase(const char **p, const char **w, size_t *n, kb_buf *t) {
  const char *s = strchr(*p, '"');
  if (!s) return 0;
  *w = s++;
  t->n = 0;
  if (*s == '\x01') s++;
  for (; *s && !(s[0] == '"' && s[1] != '"'); s++) {
    if (*s == '"') s++;
    kb_buf_putc(t, *s);
  }
  if (*s) s++;
  if (!strncmp(s, " *", 2)) s += 2;
  *n = (size_t)(s - *w);
  *p = s;
  return 1;
}

/* The query q for the learned table: the phrases no learned mention has
 * left out, and each kept phrase's document frequency in dfs (-1: several
 * words or a prefix, counted by kb_features()). Returns the number of
 * groups of the whole query (which still count for coverage). Call with
 * the lock held. */
static int S_learned_query(const S_dfs *d, const kb_query_strings *q, kb_query_strings *o,
                           kb_buf *dfs) {
  const char *pm = kb_buf_str(&q->match), *pg = kb_buf_str(&q->groups),
             *pw = kb_buf_str(&q->weights), *pe = kb_buf_str(&q->exact);
  const char *m, *g, *w, *e;
  size_t nm, ng, nw, ne;
  kb_buf t = KB_BUF_INIT;
  int ngroups = 0;
  while (S_next_phrase(&pm, &m, &nm, &t) && S_next_item(&pg, &g, &ng) &&
         S_next_item(&pw, &w, &nw) && S_next_item(&pe, &e, &ne)) {
    int group = atoi(g);
    if (group + 1 > ngroups) ngroups = group + 1;
    int single = m[nm - 1] == '"' && !memchr(kb_buf_str(&t), ' ', t.n);
    int df = single ? S_df_get(d, kb_buf_str(&t), t.n) : -1;
    if (df == 0) continue;
    if (o->match.n) {
      kb_buf_puts(&o->match, " OR ");
      kb_buf_putc(&o->groups, ' ');
      kb_buf_putc(&o->weights, ' ');
      kb_buf_putc(&o->exact, ' ');
      kb_buf_putc(dfs, ' ');
    }
    kb_buf_put(&o->match, m, nm);
    kb_buf_put(&o->groups, g, ng);
    kb_buf_put(&o->weights, w, nw);
    kb_buf_put(&o->exact, e, ne);
    kb_buf_put_int(dfs, df);
  }
  kb_buf_cleanup(&t);
  return ngroups;
}

int kb_feedback_evidence(kb_feedback *f, const kb_query_strings *q, const char *collection,
                         kb_evidence *out, int max) {
  int k = 0, cap = max * 4;
  kb_evidence *all = kb_xcalloc((size_t)cap + 1, sizeof *all);
  pthread_mutex_lock(&f->lock);
  kb_query_strings lq = {.match = KB_BUF_INIT, .groups = KB_BUF_INIT, .weights = KB_BUF_INIT,
                         .exact = KB_BUF_INIT};
  kb_buf dfs = KB_BUF_INIT;
  int ngroups = S_learned_query(&f->dfs, q, &lq, &dfs);
  if (lq.match.n) {
    sqlite3_stmt *st = f->evidence;
    sqlite3_bind_text(st, 1, kb_buf_str(&lq.match), -1, SQLITE_STATIC);
    S_text(st, 2, collection);
    sqlite3_bind_text(st, 4, kb_buf_str(&lq.groups), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, kb_buf_str(&lq.weights), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, kb_buf_str(&lq.exact), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, kb_buf_str(&dfs), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, ngroups);
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
  kb_query_strings_cleanup(&lq);
  kb_buf_cleanup(&dfs);
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
