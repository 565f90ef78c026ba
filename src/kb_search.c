/*
 * kb_search.c - the read side of the index: open, search, fetch.
 *
 * A query is analyzed once per language of the index, with that
 * language's analyzer, into groups of terms (a term and the alternatives
 * at its position, such as "iphone12" beside "iphone"). The FTS5 MATCH
 * expression ORs them all as raw terms (kb_fts.h), so FTS5 sees exactly
 * the analyzer's terms. Ranking is FTS5's bm25() with the field weights
 * below; snippets come from FTS5's snippet() with control-character
 * markers that are turned into <mark> after HTML escaping, so nothing in an
 * article can inject markup through a snippet.
 */
#include "kb_search.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_fts.h"
#include "kb_text.h"
#include "kb_util.h"

#define S_MAX_LANGS 16
#define S_MAX_TERMS 64  /* distinct terms used from one query */

/* Field weights for bm25(): title, phrases, tags, headings, body. */
static const char S_weights[] = "10.0, 6.0, 4.0, 2.0, 1.0";

typedef struct {
  char lang[32];
  kb_analyzer *an;
  sqlite3_stmt *search;   /* ranked hits */
  sqlite3_stmt *count;    /* number of matches */
} S_lang;

struct kb_index {
  sqlite3 *db;
  S_lang langs[S_MAX_LANGS];
  int nlangs;
  sqlite3_stmt *get;      /* article by collection and slug */
  char *built, *languages, *schema;
  int count;
};

/*--- Opening -------------------------------------------------------------*/

static char *S_meta_value(sqlite3 *db, const char *key) {
  sqlite3_stmt *st;
  char *v = NULL;
  if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key=?", -1, &st, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    v = kb_xstrdup((const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return v;
}

static int S_prepare_lang(kb_index *ix, const char *lang, char *err, size_t nerr) {
  S_lang *l = &ix->langs[ix->nlangs];
  if (ix->nlangs == S_MAX_LANGS || strlen(lang) >= sizeof l->lang ||
      strspn(lang, "abcdefghijklmnopqrstuvwxyz_") != strlen(lang)) {
    snprintf(err, nerr, "index lists a bad language '%s'", lang);
    return -1;
  }
  strcpy(l->lang, lang);
  l->an = kb_analyzer_new(lang, err, nerr);
  if (!l->an) return -1;
  char *sql = kb_fmt(
      "SELECT a.id, a.collection, a.slug, a.title, a.url, a.reply, a.escalate,"
      " a.type, a.lang, -bm25(fts_%s, %s) AS score,"
      " snippet(fts_%s, 4, char(2), char(3), '\xE2\x80\xA6', 24), a.summary, a.deeplink"
      " FROM fts_%s JOIN articles a ON a.id = fts_%s.rowid"
      " WHERE fts_%s MATCH ?1 AND (?2 IS NULL OR a.collection = ?2)"
      " AND (?3 IS NULL OR a.type = ?3)"
      " ORDER BY score DESC, a.id LIMIT ?4 OFFSET ?5",
      lang, S_weights, lang, lang, lang, lang);
  int rc = sqlite3_prepare_v3(ix->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &l->search, NULL);
  free(sql);
  if (rc == SQLITE_OK) {
    sql = kb_fmt("SELECT count(*) FROM fts_%s JOIN articles a ON a.id = fts_%s.rowid"
                 " WHERE fts_%s MATCH ?1 AND (?2 IS NULL OR a.collection = ?2)"
                 " AND (?3 IS NULL OR a.type = ?3)", lang, lang, lang);
    rc = sqlite3_prepare_v3(ix->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &l->count, NULL);
    free(sql);
  }
  ix->nlangs++;
  if (rc != SQLITE_OK) {
    snprintf(err, nerr, "not a usable index: %s", sqlite3_errmsg(ix->db));
    return -1;
  }
  return 0;
}

static int S_prepare_langs(kb_index *ix, char *err, size_t nerr) {
  char *list = kb_xstrdup(ix->languages ? ix->languages : "");
  int rc = 0;
  char *save = NULL;
  for (char *l = strtok_r(list, ",", &save); l && rc == 0; l = strtok_r(NULL, ",", &save))
    rc = S_prepare_lang(ix, l, err, nerr);
  free(list);
  return rc;
}

kb_index *kb_index_open(const char *path, char *err, size_t nerr) {
  kb_index *ix = kb_xcalloc(1, sizeof *ix);
  int rc = sqlite3_open_v2(path, &ix->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK) {
    snprintf(err, nerr, "cannot open %s: %s", path, ix->db ? sqlite3_errmsg(ix->db) : sqlite3_errstr(rc));
    goto fail;
  }
  if (kb_fts_register(ix->db) != SQLITE_OK) {
    snprintf(err, nerr, "this SQLite has no FTS5");
    goto fail;
  }
  /* cache generously: the whole index of a typical KB fits */
  sqlite3_exec(ix->db, "PRAGMA cache_size=-65536; PRAGMA query_only=1;"
               "PRAGMA mmap_size=268435456;", NULL, NULL, NULL);
  ix->schema = S_meta_value(ix->db, "schema_version");
  if (!ix->schema) {
    snprintf(err, nerr, "%s is not a kb index (no schema version)", path);
    goto fail;
  }
  if (atoi(ix->schema) != 1) {
    snprintf(err, nerr, "%s has schema version %s; this program reads version 1 (rebuild it with kb-index)",
             path, ix->schema);
    goto fail;
  }
  ix->built = S_meta_value(ix->db, "built");
  ix->languages = S_meta_value(ix->db, "languages");
  char *n = S_meta_value(ix->db, "articles");
  ix->count = n ? atoi(n) : 0;
  free(n);
  if (S_prepare_langs(ix, err, nerr)) goto fail;
  if (sqlite3_prepare_v3(ix->db,
                         "SELECT a.id, a.collection, a.slug, a.lang, a.type, a.title, a.url,"
                         " a.reply, a.escalate, a.deeplink, a.tags, a.phrases, a.summary, a.html, a.source,"
                         " CASE WHEN s.article_id IS NULL THEN NULL ELSE json_object("
                         "'town', s.town, 'address', s.address, 'postcode', s.postcode,"
                         " 'phone', s.phone, 'lat', s.lat, 'lon', s.lon,"
                         " 'aliases', json(s.aliases), 'hours', json(s.hours)) END"
                         " FROM articles a LEFT JOIN stores s ON s.article_id = a.id"
                         " WHERE a.collection = ?1 AND a.slug = ?2",
                         -1, SQLITE_PREPARE_PERSISTENT, &ix->get, NULL) != SQLITE_OK) {
    snprintf(err, nerr, "not a usable index: %s", sqlite3_errmsg(ix->db));
    goto fail;
  }
  return ix;
fail:
  kb_index_close(ix);
  return NULL;
}

void kb_index_close(kb_index *ix) {
  if (!ix) return;
  for (int i = 0; i < ix->nlangs; i++) {
    kb_analyzer_free(ix->langs[i].an);
    sqlite3_finalize(ix->langs[i].search);
    sqlite3_finalize(ix->langs[i].count);
  }
  sqlite3_finalize(ix->get);
  sqlite3_close(ix->db);
  free(ix->built);
  free(ix->languages);
  free(ix->schema);
  free(ix);
}

const char *kb_index_meta(const kb_index *ix, const char *key) {
  if (!strcmp(key, "built")) return ix->built;
  if (!strcmp(key, "languages")) return ix->languages;
  if (!strcmp(key, "schema_version")) return ix->schema;
  return NULL;
}

int kb_index_count(const kb_index *ix) { return ix->count; }

/*--- Query building ------------------------------------------------------*/

typedef struct {
  char *terms[S_MAX_TERMS];
  int n;
  int last_start, last_end;  /* source span of the last primary term */
} S_terms;

static int S_add_term(void *ctx, int flags, const char *t, int n, int s, int e) {
  S_terms *q = ctx;
  if (!(flags & KB_TOKEN_COLOCATED)) {
    q->last_start = s;
    q->last_end = e;
  }
  for (int i = 0; i < q->n; i++)
    if ((int)strlen(q->terms[i]) == n && memcmp(q->terms[i], t, (size_t)n) == 0) return 0;
  if (q->n < S_MAX_TERMS) q->terms[q->n++] = kb_xstrndup(t, (size_t)n);
  return 0;
}

static void S_terms_free(S_terms *q) {
  for (int i = 0; i < q->n; i++) free(q->terms[i]);
  q->n = 0;
}

/* Appends "\x01term" as an FTS5 string (quotes doubled). */
static void S_put_raw(kb_buf *b, const char *t) {
  kb_buf_puts(b, "\"\x01");
  for (const char *p = t; *p; p++) {
    if (*p == '"') kb_buf_putc(b, '"');
    kb_buf_putc(b, *p);
  }
  kb_buf_putc(b, '"');
}

/* Builds the MATCH expression for q in one language; empty when the query
 * has no terms. Returns the number of terms. */
static int S_build_match(S_lang *l, const char *q, size_t nq, int prefix_last,
                         kb_buf *out) {
  S_terms t = {{0}, 0, -1, -1};
  kb_analyzer_run(l->an, q, (int)nq, 0, S_add_term, &t);
  for (int i = 0; i < t.n; i++) {
    if (out->n) kb_buf_puts(out, " OR ");
    S_put_raw(out, t.terms[i]);
  }
  int n = t.n;
  /* the word being typed: also as a prefix of its folded, unstemmed form */
  if (prefix_last && t.last_start >= 0 && (size_t)t.last_end == nq) {
    S_terms p = {{0}, 0, -1, -1};
    kb_analyzer_run(l->an, q + t.last_start, t.last_end - t.last_start,
                    KB_TEXT_PREFIX | KB_TEXT_NOSTOP, S_add_term, &p);
    if (p.n) {
      if (out->n) kb_buf_puts(out, " OR ");
      S_put_raw(out, p.terms[0]);
      kb_buf_puts(out, " *");
    }
    S_terms_free(&p);
  }
  S_terms_free(&t);
  return n;
}

/*--- Searching -----------------------------------------------------------*/

/* Strings of all hits live in one arena, freed with the results. */
typedef struct S_arena {
  struct S_arena *next;
  char data[];
} S_arena;

static const char *S_keep(kb_results *r, const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s);
  S_arena *a = kb_xmalloc(sizeof *a + n + 1);
  memcpy(a->data, s, n + 1);
  a->next = r->mem;
  r->mem = a;
  return a->data;
}

/* Escapes a snippet for HTML and turns the \x02 \x03 markers into <mark>. */
static const char *S_keep_snippet(kb_results *r, const char *s) {
  if (!s) return NULL;
  kb_buf b = KB_BUF_INIT;
  size_t run = 0, n = strlen(s);
  for (size_t i = 0; i <= n; i++) {
    if (i < n && s[i] != '\x02' && s[i] != '\x03' && s[i] != '\n') continue;
    kb_buf_put_html(&b, s + run, i - run);
    if (i < n) kb_buf_puts(&b, s[i] == '\x02' ? "<mark>" : s[i] == '\x03' ? "</mark>" : " ");
    run = i + 1;
  }
  const char *k = S_keep(r, kb_buf_str(&b));
  kb_buf_cleanup(&b);
  return k;
}

static void S_bind_common(sqlite3_stmt *st, const char *match, const kb_search_opts *o) {
  sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
  if (o->collection) sqlite3_bind_text(st, 2, o->collection, -1, SQLITE_STATIC);
  else sqlite3_bind_null(st, 2);
  if (o->type) sqlite3_bind_text(st, 3, o->type, -1, SQLITE_STATIC);
  else sqlite3_bind_null(st, 3);
}

static void S_push_hit(kb_results *r, sqlite3_stmt *st) {
  r->hits = kb_xrealloc(r->hits, (size_t)(r->n + 1) * sizeof *r->hits);
  kb_hit *h = &r->hits[r->n++];
#define COL(i) ((const char *)sqlite3_column_text(st, i))
  h->id = sqlite3_column_int64(st, 0);
  h->collection = S_keep(r, COL(1));
  h->slug = S_keep(r, COL(2));
  h->title = S_keep(r, COL(3));
  h->url = S_keep(r, COL(4));
  h->reply = S_keep(r, COL(5));
  h->escalate = S_keep(r, COL(6));
  h->type = S_keep(r, COL(7));
  h->lang = S_keep(r, COL(8));
  h->score = sqlite3_column_double(st, 9);
  h->snippet = S_keep_snippet(r, COL(10));
  h->summary = S_keep(r, COL(11));
  h->deeplink = S_keep(r, COL(12));
#undef COL
}

static int S_cmp_hit(const void *x, const void *y) {
  const kb_hit *a = x, *b = y;
  if (a->score != b->score) return a->score > b->score ? -1 : 1;
  return a->id < b->id ? -1 : a->id > b->id;
}

/* Runs the query in one language's table, appending hits to r. */
static int S_search_lang(kb_index *ix, S_lang *l, const char *match,
                         const kb_search_opts *o, kb_results *r, char *err, size_t nerr) {
  sqlite3_stmt *st = l->search;
  S_bind_common(st, match, o);
  /* with several languages each table gives offset+limit, merged below */
  int fetch = o->limit + (ix->nlangs > 1 ? o->offset : 0);
  sqlite3_bind_int(st, 4, fetch);
  sqlite3_bind_int(st, 5, ix->nlangs > 1 ? 0 : o->offset);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) S_push_hit(r, st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) {
    snprintf(err, nerr, "search failed: %s", sqlite3_errmsg(ix->db));
    return KB_SEARCH_EDB;
  }
  if (o->count_total) {
    st = l->count;
    S_bind_common(st, match, o);
    if (sqlite3_step(st) == SQLITE_ROW) r->total += sqlite3_column_int(st, 0);
    sqlite3_reset(st);
  }
  return KB_SEARCH_OK;
}

int kb_index_search(kb_index *ix, const char *q, size_t nq,
                    const kb_search_opts *o, kb_results *out, char *err,
                    size_t nerr) {
  memset(out, 0, sizeof *out);
  if (!kb_text_utf8_valid(q, nq, NULL)) {
    snprintf(err, nerr, "the query is not valid UTF-8");
    return KB_SEARCH_EUTF8;
  }
  kb_search_opts oo = *o;
  if (oo.limit < 1) oo.limit = 1;
  if (oo.limit > 100) oo.limit = 100;
  if (oo.offset < 0) oo.offset = 0;
  int rc = KB_SEARCH_OK;
  for (int i = 0; i < ix->nlangs && rc == KB_SEARCH_OK; i++) {
    kb_buf match = KB_BUF_INIT;
    int nt = S_build_match(&ix->langs[i], q, nq, oo.prefix_last, &match);
    if (nt > out->nterms) out->nterms = nt;
    if (match.n) rc = S_search_lang(ix, &ix->langs[i], kb_buf_str(&match), &oo, out, err, nerr);
    kb_buf_cleanup(&match);
  }
  if (ix->nlangs > 1 && out->n) {
    qsort(out->hits, (size_t)out->n, sizeof *out->hits, S_cmp_hit);
    int skip = oo.offset < out->n ? oo.offset : out->n;
    memmove(out->hits, out->hits + skip, (size_t)(out->n - skip) * sizeof *out->hits);
    out->n -= skip;
    if (out->n > oo.limit) out->n = oo.limit;
  }
  if (!oo.count_total) out->total = out->n;
  if (rc != KB_SEARCH_OK) kb_results_free(out);
  return rc;
}

void kb_results_free(kb_results *r) {
  S_arena *a = r->mem;
  while (a) {
    S_arena *next = a->next;
    free(a);
    a = next;
  }
  free(r->hits);
  memset(r, 0, sizeof *r);
}

/*--- Articles ------------------------------------------------------------*/

static char *S_dup_col(sqlite3_stmt *st, int i) {
  const char *s = (const char *)sqlite3_column_text(st, i);
  return s ? kb_xstrdup(s) : NULL;
}

int kb_index_get(kb_index *ix, const char *collection, const char *slug, kb_doc *d) {
  memset(d, 0, sizeof *d);
  sqlite3_stmt *st = ix->get;
  sqlite3_bind_text(st, 1, collection ? collection : "default", -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, slug, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  int found = 0;
  if (rc == SQLITE_ROW) {
    found = 1;
    d->id = sqlite3_column_int64(st, 0);
    char **f[] = {&d->collection, &d->slug, &d->lang, &d->type, &d->title, &d->url,
                  &d->reply, &d->escalate, &d->deeplink, &d->tags, &d->phrases,
                  &d->summary, &d->html, &d->source, &d->store};
    for (int i = 0; i < 15; i++) *f[i] = S_dup_col(st, i + 1);
  } else if (rc != SQLITE_DONE) {
    found = -1;
  }
  sqlite3_reset(st);
  return found;
}

void kb_doc_free(kb_doc *d) {
  char *f[] = {d->collection, d->slug, d->lang, d->type, d->title, d->url,
               d->reply, d->escalate, d->deeplink, d->tags, d->phrases,
               d->summary, d->html, d->source, d->store};
  for (int i = 0; i < 15; i++) free(f[i]);
  memset(d, 0, sizeof *d);
}
