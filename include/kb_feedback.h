/*
 * kb_feedback.h - what agents did with suggestions, stored durably, and
 * what the ranking learns from it.
 *
 * The store is an SQLite database (WAL, synchronous=FULL: a write is on
 * disk when kb_feedback_add() returns, so an acknowledged write survives
 * kill -9 or a power cut). Schema (version 3, PRAGMA user_version; a
 * store of a newer version is refused):
 *
 *   feedback(id INTEGER PRIMARY KEY, ts, text, collection, slug, action,
 *            reason, author, client_id UNIQUE)
 *                                      one row per agent action; client_id
 *                                      (version 2) makes a retry a no-op
 *   learned USING fts5(title, phrases, tags, headings, body, plens
 *            UNINDEXED, tokenize='kb <lang>')
 *                                      the articles' schema; the mentions
 *                                      agents answered with an article
 *                                      (action sent or edited) are its
 *                                      phrases, rowid = feedback.id
 *   learned_of(id, collection, slug)   (version 3) the article of each
 *                                      learned mention, so the evidence
 *                                      never reads the feedback table
 *   sent(collection, slug, n)          how often each article was sent
 *
 * Learning (kb_feedback_evidence()): a new mention is matched against the
 * learned mentions of its collection with the articles' ranking features
 * (kb_features(), kb_rank_score()); each article gets the best score of a
 * mention it was sent for (evidence, like a learned phrase) and a
 * popularity prior from how often it was sent in its collection
 * (n / (n + 4 m), m the sends of an average sent article there: the same
 * proportions give the same prior in a small or a large store). With no
 * feedback nothing changes.
 *
 * Each term's number of learned mentions is held in memory, read from
 * FTS5 at open and counted as mentions are stored, so a query neither
 * counts them through FTS5 nor asks for terms no mention has; so are each
 * collection's sends and sent articles. The counts are this handle's: a
 * store is written through one kb_feedback (the server's); another
 * writer's mentions count from the next open.
 */
#ifndef KB_FEEDBACK_H
#define KB_FEEDBACK_H

#include <stddef.h>

#include "kb_search.h"

typedef struct kb_feedback kb_feedback;

/* Return codes. */
#define KB_FEEDBACK_OK 0
#define KB_FEEDBACK_EBUSY (-1)   /* locked, read-only or full: try later */
#define KB_FEEDBACK_EINVAL (-2)  /* bad argument */

/* Opens (creating) the store at path (":memory:" for a private one) with
 * the analyzer language lang and no word lists (nothing dropped from the
 * mentions it learns). NULL with a message in err on failure. */
kb_feedback *kb_feedback_open(const char *path, const char *lang, char *err, size_t nerr);

/* The same, analyzing mentions as the index does: with the language and
 * word lists of words (kb_index_lang(); the store keeps a copy, so the
 * index may be closed first). */
kb_feedback *kb_feedback_open_lang(const char *path, const kb_lang *words, char *err,
                                   size_t nerr);
void kb_feedback_close(kb_feedback *f);

/* Records one action: "sent", "edited" or "dismissed". reason and author
 * may be NULL. Returns KB_FEEDBACK_OK once committed (and sets *pid when
 * non-NULL), or an error code with a message. */
int kb_feedback_add(kb_feedback *f, const char *text, const char *collection,
                    const char *slug, const char *action, const char *reason,
                    const char *author, long long *pid, char *err, size_t nerr);

/* One agent action as stored. id 0 lets the store number it; a given id
 * (a shared store's, kb-serve --feedback-db) is kept, and a row whose id
 * is already stored is not stored again. client_id (NULL: none) is the
 * caller's name for the action (a tweet id): a second row with the same
 * client_id is not stored either. ts NULL: now. */
typedef struct kb_feedback_row {
  long long id;
  const char *ts;          /* "YYYY-MM-DDTHH:MM:SSZ", or NULL */
  const char *text, *collection, *slug, *action, *reason, *author, *client_id;
  const char *lang;        /* the mention's language (a code), or NULL:
                              unknown, reported as the default language's */
} kb_feedback_row;

/* Records row (as kb_feedback_add()). *pid gets the stored row's id (the
 * earlier one's for a repeat) and *pdup 1 when the row was already there
 * (either may be NULL). */
int kb_feedback_put(kb_feedback *f, const kb_feedback_row *row, long long *pid, int *pdup,
                    char *err, size_t nerr);

/* Records rows[0..n) in one transaction (a mirror catching up): rows
 * already there are skipped. KB_FEEDBACK_OK or an error (nothing stored). */
int kb_feedback_put_rows(kb_feedback *f, const kb_feedback_row *rows, int n, char *err,
                         size_t nerr);

/* Records rows[0..n) as kb_feedback_put_rows() does, but learns no
 * mention from them yet: the rows and each article's sends (the prior)
 * only (one transaction, rows already there skipped). For loading many rows at once (a mirror catching up, a bulk
 * load): learning row by row costs an FTS5 insert and, once an article
 * holds its quota, a delete per row; kb_feedback_relearn() afterwards
 * builds the same learned state in one pass. Until then the evidence is
 * what it was before the load. KB_FEEDBACK_OK or an error (nothing
 * stored). */
int kb_feedback_load_rows(kb_feedback *f, const kb_feedback_row *rows, int n, char *err,
                          size_t nerr);

/* Rebuilds the learned mentions from the stored rows: each article's
 * newest (the per-article quota below; read article by article along an
 * index, so the work is the articles times the quota, whatever the number
 * of rows), the term counts, then merges the segments; each article's
 * sends are counted as rows are stored and stay. The result is what storing the same
 * rows one by one with kb_feedback_put() gives. KB_FEEDBACK_OK or an
 * error (the learned state is then unchanged). */
int kb_feedback_relearn(kb_feedback *f, char *err, size_t nerr);

/* Merges the learned table's segments, dropping what older mentions left
 * (each article keeps its newest 16 learned mentions, KB_FEEDBACK_PER_ARTICLE
 * in the environment to change it, 0 for all); kb_feedback_put() does it
 * by itself every 2,000 mentions taken out. */
void kb_feedback_optimize(kb_feedback *f);

/* Deletes everything learned (the feedback rows too). */
int kb_feedback_reset(kb_feedback *f, char *err, size_t nerr);

/* Number of rows recorded. */
long long kb_feedback_count(kb_feedback *f);

/* Evidence for articles from earlier mentions like this one. */
typedef struct kb_evidence {
  char collection[128];
  char slug[128];
  double match;    /* best BM25 of a learned mention, 0 if none */
  double prior;    /* popularity: n / (n + 4 m), sent n times, m an average article's sends */
} kb_evidence;

/* Fills out (up to max entries, best match first) for the query q
 * (kb_index_query_strings()) in collection (NULL: all). Returns how many
 * were filled, or -1. */
int kb_feedback_evidence(kb_feedback *f, const kb_query_strings *q, const char *collection,
                         kb_evidence *out, int max);

/* How well a learned mention matches, from its ranking features. */
double kb_feedback_similarity(const double *feat);

/* The popularity prior of one article (0 when never sent). */
double kb_feedback_prior(kb_feedback *f, const char *collection, const char *slug);

/* The most sent articles of collection (NULL: all), most sent first, with
 * their priors (match 0). Returns how many were filled, or -1. */
int kb_feedback_popular(kb_feedback *f, const char *collection, kb_evidence *out, int max);

#endif
