/*
 * kb_index_writer.c - the index file's schema, and the writer that builds it.
 *
 * Schema (KB_INDEX_SCHEMA_VERSION 6; 4 added places.lang, 5 the asides column,
 * 6 articles.intents):
 *
 *   meta(key PRIMARY KEY, value)
 *       schema_version, built (UTC, ISO 8601), articles, languages
 *       (comma-separated, one FTS table each), generator.
 *   articles(id INTEGER PRIMARY KEY, collection, slug, lang, type, title,
 *            url, reply, escalate, deeplink, platform, tags, phrases, summary, html,
 *            source, intents)
 *       one row per article; tags and phrases are JSON arrays; intents the
 *       front matter's intent: names, comma-separated ("location,hours"),
 *       NULL when it names none; url is NULL
 *       when the article has none (the server links its public page, so
 *       the index holds no host name); UNIQUE(collection, slug, lang), in
 *       that order so one slug of a collection is one index search.
 *   fts_<lang>(title, phrases, tags, headings, body, plens UNINDEXED,
 *              asides UNINDEXED)
 *       FTS5, tokenize='kb <lang>', rowid = articles.id; one table per
 *       language because the tokenizer (and so the stemmer) is per table.
 *       Prefix indexes of 2 and 3 characters serve search-as-you-type.
 *       Phrases are one per line; plens holds the token positions each
 *       phrase takes ("4 3 5"), for the phrase-match feature (kb_rank.c).
 *       asides holds the body's positions that are not prose (tables,
 *       bold lines standing for headings: kb_article.h), as "start end"
 *       pairs ("12 40 77 90": [12, 40) and [77, 90)), so snippets are cut
 *       from prose only (kb_rank.c).
 *   stores(article_id PRIMARY KEY, town, address, postcode, phone, lat,
 *          lon, aliases, hours)
 *       the store directory: aliases a JSON array, hours a JSON object
 *       {"mon": "09:00-17:30", ...}.
 *   places(name, county, lat, lon, aliases, lang): lang the site whose
 *       store finder searches the place (its country's language)
 *       towns customers name, for "nearest store to ..."; aliases
 *       lower-case, comma-separated.
 *   devices(term, platform)
 *       words that name a phone of a platform (iphone -> ios, galaxy ->
 *       android), from devices.tsv, for platform-specific articles.
 *   synonyms(lang, line, lhs, rhs)
 *       the knowledge team's synonym rules of a language (kb/lang/<lang>/
 *       synonyms.txt); terms '\x1f'-separated; rhs NULL for an
 *       equivalence group.
 *   lang_words(lang, list, word, value)
 *       each language's word lists (kb_lang.h): list is stopwords, filler,
 *       textspeak, cues, intents or places; value the expansion or kind
 *       (NULL for stopwords and filler).
 *
 * The writer fills a temporary file (journal off: a crash leaves only a
 * temporary file to delete), then optimizes, runs FTS5's integrity-check,
 * closes, fsyncs and renames it over the target and fsyncs the directory.
 */
#include "kb_index_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kb_fts.h"
#include "kb_text.h"
#include "kb_util.h"

struct kb_index_writer {
  sqlite3 *db;
  char *path;             /* the target */
  char *tmp;              /* the temporary file being written */
  sqlite3_stmt *ins_article;
  sqlite3_stmt *ins_store;
  char *langs[KB_MAX_LANGS]; /* languages with an FTS table */
  kb_analyzer *an[KB_MAX_LANGS]; /* to count the positions of each phrase */
  sqlite3_stmt *ins_fts[KB_MAX_LANGS];
  int nlangs;
  kb_lang_set data;       /* the languages' word lists (borrowed, added by
                             kb_index_writer_add_lang()), which the
                             tokenizer and the analyzers read */
  kb_lang *owned[KB_MAX_LANGS]; /* copies of them, kept as long as w */
  int count;              /* articles added */
  int finished;
};

static const char S_schema[] =
    "PRAGMA journal_mode=OFF;"
    "PRAGMA synchronous=OFF;"
    "PRAGMA page_size=4096;"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
    "CREATE TABLE articles(id INTEGER PRIMARY KEY, collection TEXT NOT NULL,"
    " slug TEXT NOT NULL, lang TEXT NOT NULL, type TEXT NOT NULL,"
    " title TEXT NOT NULL, url TEXT, reply TEXT, escalate TEXT, deeplink TEXT, platform TEXT, tags TEXT,"
    " phrases TEXT, summary TEXT, html TEXT NOT NULL, source TEXT, intents TEXT,"
    " UNIQUE(collection, slug, lang));"
    "CREATE TABLE stores(article_id INTEGER PRIMARY KEY REFERENCES articles(id),"
    " town TEXT NOT NULL, address TEXT, postcode TEXT, phone TEXT,"
    " lat REAL, lon REAL, aliases TEXT, hours TEXT);"
    "CREATE TABLE places(name TEXT NOT NULL, county TEXT, lat REAL NOT NULL,"
    " lon REAL NOT NULL, aliases TEXT, lang TEXT NOT NULL);"
    "CREATE TABLE synonyms(lang TEXT NOT NULL, line INTEGER, lhs TEXT NOT NULL, rhs TEXT);"
    "CREATE TABLE examples(lang TEXT NOT NULL, line INTEGER NOT NULL, slug TEXT NOT NULL,"
    " text TEXT NOT NULL);"
    "CREATE TABLE labelled(lang TEXT NOT NULL, line INTEGER NOT NULL, slug TEXT NOT NULL,"
    " text TEXT NOT NULL);"
    "CREATE TABLE lang_words(lang TEXT NOT NULL, list TEXT NOT NULL, word TEXT NOT NULL,"
    " value TEXT, PRIMARY KEY(lang, list, word)) WITHOUT ROWID;"
    "CREATE TABLE devices(term TEXT PRIMARY KEY, platform TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE site(collection TEXT NOT NULL, lang TEXT NOT NULL, key TEXT NOT NULL,"
    " value TEXT NOT NULL, PRIMARY KEY(collection, lang, key)) WITHOUT ROWID;";

static void S_dberr(sqlite3 *db, char *err, size_t nerr, const char *what) {
  snprintf(err, nerr, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
}

kb_index_writer *kb_index_writer_new(const char *path, char *err, size_t nerr) {
  kb_index_writer *w = kb_xcalloc(1, sizeof *w);
  w->path = kb_xstrdup(path);
  w->tmp = kb_fmt("%s.tmp-%ld", path, (long)getpid());
  unlink(w->tmp);
  int rc = sqlite3_open_v2(w->tmp, &w->db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK) {
    snprintf(err, nerr, "cannot create %s: %s", w->tmp,
             w->db ? sqlite3_errmsg(w->db) : sqlite3_errstr(rc));
    goto fail;
  }
  if (kb_fts_register(w->db, &w->data) != SQLITE_OK) {
    snprintf(err, nerr, "this SQLite has no FTS5");
    goto fail;
  }
  if (sqlite3_exec(w->db, S_schema, NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_exec(w->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
    S_dberr(w->db, err, nerr, "creating the schema");
    goto fail;
  }
  if (sqlite3_prepare_v2(w->db,
                         "INSERT INTO articles(collection, slug, lang, type, title, url,"
                         " reply, escalate, deeplink, platform, tags, phrases, summary, html, source, intents)"
                         " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                         -1, &w->ins_article, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(w->db,
                         "INSERT INTO stores(article_id, town, address, postcode, phone,"
                         " lat, lon, aliases, hours) VALUES(?,?,?,?,?,?,?,?,?)",
                         -1, &w->ins_store, NULL) != SQLITE_OK) {
    S_dberr(w->db, err, nerr, "preparing statements");
    goto fail;
  }
  return w;
fail:
  kb_index_writer_free(w);
  return NULL;
}

/* The FTS insert statement for a language, creating its table on first
 * use. Language names were checked by the article parser (libstemmer knows
 * them), and only [a-z_] reach a table name. */
static sqlite3_stmt *S_fts_for(kb_index_writer *w, const char *lang, char *err,
                               size_t nerr) {
  for (int i = 0; i < w->nlangs; i++)
    if (strcmp(w->langs[i], lang) == 0) return w->ins_fts[i];
  if (w->nlangs == KB_MAX_LANGS || strspn(lang, "abcdefghijklmnopqrstuvwxyz_") != strlen(lang)) {
    snprintf(err, nerr, "language '%s' cannot have a table", lang);
    return NULL;
  }
  /* A bulk load: FTS5 keeps up to 64 MB of new terms in memory before it
   * writes a segment (1 MB by default) and does not merge segments as it
   * goes, since 'optimize' merges them all at the end (S_optimize). */
  char *sql = kb_fmt("CREATE VIRTUAL TABLE fts_%s USING fts5(title, phrases, tags,"
                     " headings, body, plens UNINDEXED, asides UNINDEXED, tokenize='kb %s',"
                     " prefix='2 3');"
                     "INSERT INTO fts_%s(fts_%s, rank) VALUES('hashsize', 67108864);"
                     "INSERT INTO fts_%s(fts_%s, rank) VALUES('automerge', 0);",
                     lang, lang, lang, lang, lang, lang);
  int rc = sqlite3_exec(w->db, sql, NULL, NULL, NULL);
  free(sql);
  sqlite3_stmt *st = NULL;
  if (rc == SQLITE_OK) {
    sql = kb_fmt("INSERT INTO fts_%s(rowid, title, phrases, tags, headings, body, plens,"
                 " asides) VALUES(?,?,?,?,?,?,?,?)", lang);
    rc = sqlite3_prepare_v2(w->db, sql, -1, &st, NULL);
    free(sql);
  }
  if (rc != SQLITE_OK) {
    S_dberr(w->db, err, nerr, "creating a full-text table");
    return NULL;
  }
  w->an[w->nlangs] = kb_analyzer_new_data(lang, kb_lang_set_find(&w->data, lang), err, nerr);
  if (!w->an[w->nlangs]) {
    sqlite3_finalize(st);
    return NULL;
  }
  w->langs[w->nlangs] = kb_xstrdup(lang);
  w->ins_fts[w->nlangs++] = st;
  return st;
}

/* A JSON array of strings, written with the core's JSON string writer (the
 * indexer links no JSON library; the server parses these with cJSON). */
static char *S_json_list(char **items, int n) {
  kb_buf b = KB_BUF_INIT;
  kb_buf_putc(&b, '[');
  for (int i = 0; i < n; i++) {
    if (i) kb_buf_putc(&b, ',');
    kb_buf_put_json(&b, items[i], strlen(items[i]));
  }
  kb_buf_putc(&b, ']');
  return kb_buf_detach(&b);
}

/* A store's hours as a JSON object keyed by day ("mon": "09:00-18:00"). */
static char *S_json_hours(const kb_store *s) {
  kb_buf b = KB_BUF_INIT;
  kb_buf_putc(&b, '{');
  for (int i = 0, n = 0; i < KB_DAYS; i++) {
    if (!s->hours[i]) continue;
    if (n++) kb_buf_putc(&b, ',');
    kb_buf_put_json(&b, kb_article_days[i], strlen(kb_article_days[i]));
    kb_buf_putc(&b, ':');
    kb_buf_put_json(&b, s->hours[i], strlen(s->hours[i]));
  }
  kb_buf_putc(&b, '}');
  return kb_buf_detach(&b);
}

/* Joins items with newlines: phrases and tags are indexed as lines so a
 * phrase query cannot match across two of them. */
static char *S_lines(char **items, int n) {
  kb_buf b = KB_BUF_INIT;
  for (int i = 0; i < n; i++) {
    if (i) kb_buf_puts(&b, "\n");
    kb_buf_puts(&b, items[i]);
  }
  return kb_buf_detach(&b);
}

static void S_bind_text(sqlite3_stmt *st, int i, const char *s) {
  if (s) sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
  else sqlite3_bind_null(st, i);
}

static int S_step(sqlite3 *db, sqlite3_stmt *st, char *err, size_t nerr,
                  const char *what) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  if (rc != SQLITE_DONE) {
    S_dberr(db, err, nerr, what);
    return -1;
  }
  return 0;
}

static int S_add_store(kb_index_writer *w, sqlite3_int64 id, const kb_store *s,
                       char *err, size_t nerr) {
  char *aliases = S_json_list(s->aliases, s->naliases);
  char *hours = S_json_hours(s);
  sqlite3_stmt *st = w->ins_store;
  sqlite3_bind_int64(st, 1, id);
  S_bind_text(st, 2, s->town);
  S_bind_text(st, 3, s->address);
  S_bind_text(st, 4, s->postcode);
  S_bind_text(st, 5, s->phone);
  sqlite3_bind_double(st, 6, s->lat);
  sqlite3_bind_double(st, 7, s->lon);
  S_bind_text(st, 8, aliases);
  S_bind_text(st, 9, hours);
  int rc = S_step(w->db, st, err, nerr, "adding a store");
  free(aliases);
  free(hours);
  return rc;
}

/* "n1 n2 ...": the token positions each phrase takes in the phrases field,
 * so kb_features() can tell the phrases apart without re-tokenizing. */
static char *S_phrase_lengths(kb_analyzer *an, char **items, int n) {
  kb_buf b = KB_BUF_INIT;
  for (int i = 0; i < n; i++) {
    kb_buf_printf(&b, i ? " %d" : "%d", kb_analyzer_positions(an, items[i]));
  }
  return kb_buf_detach(&b);
}

static int S_count_pos(void *ctx, int flags, const char *t, int n, int s, int e) {
  (void)t; (void)n; (void)s; (void)e;
  if (!(flags & KB_TOKEN_COLOCATED)) ++*(int *)ctx;
  return 0;
}

/* The body's asides in positions, "start end ..." (the asides column):
 * each end of a byte span counted as the positions of the text before it.
 * Asides start and end at white space, where the analyzer's chunks break
 * too, so a prefix counts as the whole does. */
static char *S_aside_positions(kb_analyzer *an, const kb_article *a) {
  kb_buf b = KB_BUF_INIT;
  for (int i = 0; i < 2 * a->nasides; i++) {
    int pos = 0;
    kb_analyzer_run(an, a->body, (int)a->asides[i], KB_TEXT_EXACT, S_count_pos, &pos);
    kb_buf_printf(&b, i ? " %d" : "%d", pos);
  }
  return kb_buf_detach(&b);
}

int kb_index_writer_add(kb_index_writer *w, const kb_article *a, char *err,
                        size_t nerr) {
  sqlite3_stmt *fts = S_fts_for(w, a->lang, err, nerr);
  if (!fts) return -1;
  kb_analyzer *an = NULL;
  for (int i = 0; i < w->nlangs; i++)
    if (w->ins_fts[i] == fts) an = w->an[i];
  char *tags = S_json_list(a->tags, a->ntags);
  char *phrases = S_json_list(a->phrases, a->nphrases);
  sqlite3_stmt *st = w->ins_article;
  /* the front matter's intents as their names, comma-separated; NULL
   * when the article names none (the ranking reads them from its title) */
  kb_buf ib = KB_BUF_INIT;
  for (int i = 0; i < a->nintents; i++) {
    if (i) kb_buf_putc(&ib, ',');
    kb_buf_puts(&ib, a->intents[i]);
  }
  char *intents = NULL;
  if (a->nintents) intents = kb_buf_detach(&ib);
  else kb_buf_cleanup(&ib);
  const char *vals[] = {a->collection, a->slug, a->lang, a->type, a->title,
                        a->url, a->reply, a->escalate, a->deeplink, a->platform,
                        tags, phrases, a->summary, a->html, a->path, intents};
  for (int i = 0; i < 16; i++) S_bind_text(st, i + 1, vals[i]);
  int rc = S_step(w->db, st, err, nerr, "adding an article");
  free(tags);
  free(phrases);
  free(intents);
  if (rc) return -1;
  sqlite3_int64 id = sqlite3_last_insert_rowid(w->db);
  char *ptext = S_lines(a->phrases, a->nphrases);
  char *ttext = S_lines(a->tags, a->ntags);
  sqlite3_bind_int64(fts, 1, id);
  S_bind_text(fts, 2, a->title);
  S_bind_text(fts, 3, ptext);
  S_bind_text(fts, 4, ttext);
  S_bind_text(fts, 5, a->headings);
  S_bind_text(fts, 6, a->body);
  char *plens = S_phrase_lengths(an, a->phrases, a->nphrases);
  S_bind_text(fts, 7, plens);
  char *asides = S_aside_positions(an, a);
  S_bind_text(fts, 8, asides);
  rc = S_step(w->db, fts, err, nerr, "indexing an article");
  free(asides);
  free(plens);
  free(ptext);
  free(ttext);
  if (rc == 0 && a->store && strcmp(a->type, "store") == 0)
    rc = S_add_store(w, id, a->store, err, nerr);
  if (rc == 0) w->count++;
  return rc;
}

int kb_index_writer_add_place(kb_index_writer *w, const char *name,
                              const char *county, double lat, double lon,
                              const char *aliases, const char *lang, char *err, size_t nerr) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(w->db, "INSERT INTO places VALUES(?,?,?,?,?,?)", -1, &st,
                         NULL) != SQLITE_OK) {
    S_dberr(w->db, err, nerr, "adding a place");
    return -1;
  }
  S_bind_text(st, 1, name);
  S_bind_text(st, 2, county);
  sqlite3_bind_double(st, 3, lat);
  sqlite3_bind_double(st, 4, lon);
  S_bind_text(st, 5, aliases);
  S_bind_text(st, 6, lang);
  int rc = S_step(w->db, st, err, nerr, "adding a place");
  sqlite3_finalize(st);
  return rc;
}

int kb_index_writer_add_lang(kb_index_writer *w, const kb_lang *l, char *err, size_t nerr) {
  if (kb_lang_set_find(&w->data, kb_lang_code(l))) return 0;
  if (w->data.n == KB_MAX_LANGS) {
    snprintf(err, nerr, "more than %d languages", KB_MAX_LANGS);
    return -1;
  }
  for (int i = 0; i < w->nlangs; i++)
    if (!strcmp(w->langs[i], kb_lang_code(l))) {
      snprintf(err, nerr, "the word lists of '%s' come after its articles", w->langs[i]);
      return -1;
    }
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(w->db, "INSERT INTO lang_words VALUES(?,?,?,?)", -1, &st, NULL) !=
      SQLITE_OK) {
    S_dberr(w->db, err, nerr, "adding language data");
    return -1;
  }
  int rc = 0;
  for (int list = 0; rc == 0 && list < KB_LANG_NLISTS; list++)
    for (int i = 0; rc == 0 && i < kb_lang_count(l, (kb_lang_list)list); i++) {
      const char *word, *value;
      kb_lang_entry(l, (kb_lang_list)list, i, &word, &value);
      S_bind_text(st, 1, kb_lang_code(l));
      S_bind_text(st, 2, kb_lang_list_name((kb_lang_list)list));
      S_bind_text(st, 3, word);
      S_bind_text(st, 4, value);
      rc = S_step(w->db, st, err, nerr, "adding language data");
    }
  sqlite3_finalize(st);
  if (rc == 0) {
    w->owned[w->data.n] = kb_lang_dup(l);
    w->data.v[w->data.n] = w->owned[w->data.n];
    w->data.n++;
  }
  return rc;
}

int kb_index_writer_add_synonyms(kb_index_writer *w, const char *lang, int line,
                                 const char *lhs, const char *rhs, char *err, size_t nerr) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(w->db, "INSERT INTO synonyms VALUES(?,?,?,?)", -1, &st,
                         NULL) != SQLITE_OK) {
    S_dberr(w->db, err, nerr, "adding synonyms");
    return -1;
  }
  S_bind_text(st, 1, lang);
  sqlite3_bind_int(st, 2, line);
  S_bind_text(st, 3, lhs);
  S_bind_text(st, 4, rhs);
  int rc = S_step(w->db, st, err, nerr, "adding synonyms");
  sqlite3_finalize(st);
  return rc;
}

/* A row of examples or labelled (the same columns). */
static int S_add_example_row(kb_index_writer *w, const char *sql, const char *lang, int line,
                             const char *slug, const char *text, char *err, size_t nerr) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(w->db, sql, -1, &st, NULL) != SQLITE_OK) {
    S_dberr(w->db, err, nerr, "adding examples");
    return -1;
  }
  S_bind_text(st, 1, lang);
  sqlite3_bind_int(st, 2, line);
  S_bind_text(st, 3, slug);
  S_bind_text(st, 4, text);
  int rc = S_step(w->db, st, err, nerr, "adding examples");
  sqlite3_finalize(st);
  return rc;
}

int kb_index_writer_add_example(kb_index_writer *w, const char *lang, int line,
                                const char *slug, const char *text, char *err, size_t nerr) {
  return S_add_example_row(w, "INSERT INTO examples VALUES(?,?,?,?)", lang, line, slug, text, err,
                           nerr);
}

int kb_index_writer_add_labelled(kb_index_writer *w, const char *lang, int line,
                                 const char *slug, const char *text, char *err, size_t nerr) {
  return S_add_example_row(w, "INSERT INTO labelled VALUES(?,?,?,?)", lang, line, slug, text, err,
                           nerr);
}

int kb_index_writer_add_device(kb_index_writer *w, const char *term,
                               const char *platform, char *err, size_t nerr) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(w->db, "INSERT OR REPLACE INTO devices VALUES(?,?)", -1, &st,
                         NULL) != SQLITE_OK) {
    S_dberr(w->db, err, nerr, "adding a device");
    return -1;
  }
  S_bind_text(st, 1, term);
  S_bind_text(st, 2, platform);
  int rc = S_step(w->db, st, err, nerr, "adding a device");
  sqlite3_finalize(st);
  return rc;
}

int kb_index_writer_set_meta(kb_index_writer *w, const char *key,
                             const char *value, char *err, size_t nerr) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(w->db, "INSERT OR REPLACE INTO meta VALUES(?,?)", -1,
                         &st, NULL) != SQLITE_OK) {
    S_dberr(w->db, err, nerr, "writing metadata");
    return -1;
  }
  S_bind_text(st, 1, key);
  S_bind_text(st, 2, value);
  int rc = S_step(w->db, st, err, nerr, "writing metadata");
  sqlite3_finalize(st);
  return rc;
}

int kb_index_writer_count(const kb_index_writer *w) { return w->count; }

/* Writes the metadata every index has. */
static int S_finish_meta(kb_index_writer *w, char *err, size_t nerr) {
  char built[32], num[32];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(built, sizeof built, "%Y-%m-%dT%H:%M:%SZ", &tm);
  snprintf(num, sizeof num, "%d", w->count);
  kb_buf langs = KB_BUF_INIT;
  for (int i = 0; i < w->nlangs; i++) {
    if (i) kb_buf_putc(&langs, ',');
    kb_buf_puts(&langs, w->langs[i]);
  }
  char ver[16];
  snprintf(ver, sizeof ver, "%d", KB_INDEX_SCHEMA_VERSION);
  int rc = kb_index_writer_set_meta(w, "schema_version", ver, err, nerr) ||
           kb_index_writer_set_meta(w, "built", built, err, nerr) ||
           kb_index_writer_set_meta(w, "articles", num, err, nerr) ||
           kb_index_writer_set_meta(w, "languages", kb_buf_str(&langs), err, nerr) ||
           kb_index_writer_set_meta(w, "generator", "kb-index", err, nerr);
  kb_buf_cleanup(&langs);
  return rc ? -1 : 0;
}

/* Merges each FTS table's segments and runs its integrity check. */
static int S_optimize(kb_index_writer *w, char *err, size_t nerr) {
  for (int i = 0; i < w->nlangs; i++) {
    char *sql = kb_fmt("INSERT INTO fts_%s(fts_%s) VALUES('optimize');"
                       "INSERT INTO fts_%s(fts_%s) VALUES('integrity-check');",
                       w->langs[i], w->langs[i], w->langs[i], w->langs[i]);
    int rc = sqlite3_exec(w->db, sql, NULL, NULL, NULL);
    free(sql);
    if (rc != SQLITE_OK) {
      S_dberr(w->db, err, nerr, "checking the full-text index");
      return -1;
    }
  }
  return 0;
}

static int S_fsync_path(const char *path, int dir) {
  int fd = open(path, dir ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return -1;
  int rc = fsync(fd);
  close(fd);
  return rc;
}

static void S_finalize_all(kb_index_writer *w) {
  sqlite3_finalize(w->ins_article);
  sqlite3_finalize(w->ins_store);
  w->ins_article = w->ins_store = NULL;
  for (int i = 0; i < w->nlangs; i++) {
    sqlite3_finalize(w->ins_fts[i]);
    w->ins_fts[i] = NULL;
  }
}

int kb_index_writer_finish(kb_index_writer *w, char *err, size_t nerr) {
  if (S_finish_meta(w, err, nerr) || S_optimize(w, err, nerr)) return -1;
  if (sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
    S_dberr(w->db, err, nerr, "committing the index");
    return -1;
  }
  S_finalize_all(w);
  if (sqlite3_close(w->db) != SQLITE_OK) {
    snprintf(err, nerr, "closing the index: %s", sqlite3_errmsg(w->db));
    return -1;
  }
  w->db = NULL;
  if (S_fsync_path(w->tmp, 0) != 0) {
    snprintf(err, nerr, "syncing %s: %s", w->tmp, strerror(errno));
    return -1;
  }
  if (rename(w->tmp, w->path) != 0) {
    snprintf(err, nerr, "replacing %s: %s", w->path, strerror(errno));
    return -1;
  }
  char *dir = kb_xstrdup(w->path);
  char *slash = strrchr(dir, '/');
  if (slash) slash[slash == dir ? 1 : 0] = 0; else strcpy(dir, ".");
  S_fsync_path(dir, 1); /* best effort: some file systems refuse it */
  free(dir);
  w->finished = 1;
  return 0;
}

void kb_index_writer_free(kb_index_writer *w) {
  if (!w) return;
  S_finalize_all(w);
  if (w->db) sqlite3_close(w->db);
  if (!w->finished && w->tmp) unlink(w->tmp);
  for (int i = 0; i < w->nlangs; i++) {
    free(w->langs[i]);
    kb_analyzer_free(w->an[i]);
  }
  for (int i = 0; i < w->data.n; i++) kb_lang_free(w->owned[i]);
  free(w->tmp);
  free(w->path);
  free(w);
}

int kb_index_writer_add_site(kb_index_writer *w, const char *collection, const char *lang,
                             const char *key, const char *value, char *err, size_t nerr) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(w->db, "INSERT OR REPLACE INTO site(collection, lang, key, value) VALUES(?,?,?,?)",
                         -1, &st, NULL) != SQLITE_OK) {
    S_dberr(w->db, err, nerr, "adding site content");
    return -1;
  }
  S_bind_text(st, 1, collection);
  S_bind_text(st, 2, lang);
  S_bind_text(st, 3, key);
  S_bind_text(st, 4, value);
  int rc = S_step(w->db, st, err, nerr, "adding site content");
  sqlite3_finalize(st);
  return rc;
}
