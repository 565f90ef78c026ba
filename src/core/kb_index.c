/*
 * kb_index.c - opening an index for reading: its languages (analyzer, word
 * lists, synonyms, vocabulary and postings), the id ranges of each
 * collection and type, device words, metadata; listing its topics.
 *
 * An index opened from another (kb_index_open_shared) borrows the large
 * read-only parts (documents' lengths, vocabularies, postings) so each
 * server thread has its own SQLite connection and caches without a copy
 * of the data. Searching is in kb_search.c; both share kb_index_impl.h.
 */
#include "kb_search.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

#include "kb_examples.h"
#include "kb_words.h"
#include "kb_fts.h"
#include "kb_index_impl.h"
#include "kb_lang.h"
#include "kb_postings.h"
#include "kb_rank.h"
#include "kb_rank_docs.h"
#include "kb_rows.h"
#include "kb_qcache.h"
#include "kb_text.h"
#include "kb_util.h"
#include "kb_vocab.h"

/* A table with more term occurrences than this is searched through FTS5
 * rather than held in memory (kb_postings.h): about 8 bytes each with
 * their postings (35 MB and 1 s to load for 4.2 million, the 10k-article
 * benchmark, docs/benchmarks.md). */
#define S_MEM_MAX_INST 6000000L


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
  if (ix->nlangs == KB_MAX_LANGS) {
    snprintf(err, nerr, "index lists more than %d languages", KB_MAX_LANGS);
    return -1;
  }
  kb_ix_lang *l = &ix->langs[ix->nlangs];
  if (strlen(lang) >= sizeof l->lang ||
      strspn(lang, "abcdefghijklmnopqrstuvwxyz_") != strlen(lang)) {
    snprintf(err, nerr, "index lists a bad language '%s'", lang);
    return -1;
  }
  strcpy(l->lang, lang);
  /* the word lists before anything reads the table: its tokenizer and
   * the analyzer read them */
  l->words = kb_lang_new(lang);
  ix->data.v[ix->data.n++] = l->words;
  if (kb_lang_load(l->words, ix->db, err, nerr)) {
    ix->nlangs++;
    return -1;
  }
  l->an = kb_analyzer_new_data(lang, l->words, err, nerr);
  if (!l->an) {
    ix->nlangs++;
    return -1;
  }
  char *sql = kb_fmt(
      "SELECT a.id, kb_features(fts_%s, ?2, ?3, ?6, ?7, ?8)"
      " FROM fts_%s JOIN articles a ON a.id = fts_%s.rowid"
      " WHERE fts_%s MATCH ?1 AND (?4 IS NULL OR a.collection = ?4)"
      " AND ((?5 & 1 AND a.type = 'article') OR (?5 & 2 AND a.type = 'store')"
      " OR (?5 & 4 AND a.type = 'offtopic'))",
      lang, lang, lang, lang);
  int rc = sqlite3_prepare_v3(ix->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &l->search, NULL);
  free(sql);
  if (rc == SQLITE_OK) {
    sql = kb_fmt("SELECT rowid, kb_features(fts_%s, ?2, ?3, ?6, ?7, ?8) FROM fts_%s"
                 " WHERE fts_%s MATCH ?1 AND rowid BETWEEN ?4 AND ?5", lang, lang, lang);
    rc = sqlite3_prepare_v3(ix->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &l->in_range, NULL);
    free(sql);
  }
  if (rc == SQLITE_OK) {
    /* straight from FTS5's content table (column c4 is body, kb_index.c's
     * schema): a b-tree lookup instead of a pass through the virtual table */
    sql = kb_fmt("SELECT c4 FROM fts_%s_content WHERE id = ?1", lang);
    rc = sqlite3_prepare_v3(ix->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &l->body, NULL);
    free(sql);
  }
  ix->nlangs++;
  if (rc != SQLITE_OK) {
    snprintf(err, nerr, "not a usable index: %s", sqlite3_errmsg(ix->db));
    return -1;
  }
  return 0;
}

/* Collects the analyzed terms of a synonym, joined by spaces. */
static int S_join_term(void *ctx, int flags, const char *t, int n, int s, int e) {
  kb_buf *b = ctx;
  (void)s; (void)e;
  if (flags & KB_TOKEN_COLOCATED) return 0;
  if (b->n) kb_buf_putc(b, ' ');
  kb_buf_put(b, t, (size_t)n);
  return 0;
}

/* Splits a '\x1f'-separated list of synonyms and analyzes each. Returns
 * how many were put into out (at most max); caller frees them. */
static int S_syn_terms(kb_analyzer *an, const char *list, char **out, int *nwords, int max) {
  int n = 0;
  for (const char *p = list; p && *p && n < max;) {
    const char *e = strchr(p, '\x1f');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    kb_buf b = KB_BUF_INIT;
    kb_analyzer_run(an, p, (int)len, 0, S_join_term, &b);
    if (b.n) {
      int w = 1;
      for (size_t i = 0; i < b.n; i++) w += b.p[i] == ' ';
      nwords[n] = w;
      out[n++] = kb_buf_detach(&b);
    } else {
      kb_buf_cleanup(&b);
    }
    p = e ? e + 1 : NULL;
  }
  return n;
}

static void S_add_syn(kb_ix_lang *l, const char *src, int nsrc, const char *dst) {
  if (!strcmp(src, dst)) return;
  l->syn = kb_xrealloc(l->syn, (size_t)(l->nsyn + 1) * sizeof *l->syn);
  l->syn[l->nsyn] = (kb_ix_syn){.src = kb_xstrdup(src), .nsrc = nsrc, .dst = kb_xstrdup(dst),
                              .ndst = (int)strlen(dst), .order = l->nsyn,
                              .phrase = strchr(dst, ' ') != NULL};
  memset(l->syn[l->nsyn].note, 0xff, sizeof l->syn[l->nsyn].note); /* every note -1 */
  l->nsyn++;
}

static int S_cmp_syn(const void *x, const void *y) {
  const kb_ix_syn *a = x, *b = y;
  int c = strcmp(a->src, b->src);
  return c ? c : a->order - b->order;
}

/* The slot of first word w (n bytes, kb_hash() h) in l->synword: its
 * own, or the empty one where it would go. */
static kb_ix_synword *S_synword_slot(const kb_ix_lang *l, const char *w, size_t n, uint32_t h) {
  for (uint32_t i = h & l->synmask;; i = (i + 1) & l->synmask) {
    kb_ix_synword *e = &l->synword[i];
    if (!e->end) return e;
    const char *src = l->syn[e->first].src;
    if (e->hash == h && !strncmp(src, w, n) && (src[n] == ' ' || !src[n])) return e;
  }
}

const kb_ix_synword *kb_ix_synword_of(const kb_ix_lang *l, const char *w, size_t n, uint32_t h) {
  if (!l->synword) return NULL;
  const kb_ix_synword *e = S_synword_slot(l, w, n, h);
  return e->end ? e : NULL;
}

/* Makes l->synword from l's sorted rules: each first word's rules lie
 * together (a source is the word, or the word, a space and more: every
 * other string sorts before or after all of them, a word having no byte
 * under a space); were they not, the table is not made. */
static void S_synwords(kb_ix_lang *l) {
  uint32_t slots = 16;
  while (slots < 2 * (uint32_t)l->nsyn) slots *= 2; /* at most half full */
  l->synword = kb_xcalloc(slots, sizeof *l->synword);
  l->synmask = slots - 1;
  for (int k = 0; k < l->nsyn; k++) {
    const char *sp = strchr(l->syn[k].src, ' ');
    size_t n = sp ? (size_t)(sp - l->syn[k].src) : strlen(l->syn[k].src);
    uint32_t h = kb_hash(l->syn[k].src, n);
    kb_ix_synword *e = S_synword_slot(l, l->syn[k].src, n, h);
    if (!e->end) {
      *e = (kb_ix_synword){.hash = h, .first = k, .end = k + 1};
    } else if (e->end == k) {
      e->end = k + 1;
    } else { /* (not together: searched among all) */
      free(l->synword);
      l->synword = NULL;
      return;
    }
  }
}

/* Sorts each language's rules by source, keeping the order they were
 * read in among rules of one source: a query looks its words up; and
 * marks the sources' first words in synfirst, so that a query word no
 * rule starts with is passed over without a search of the rules (most
 * are: the search was 2 % of a suggest); and makes synword (S_synwords()). */
static void S_sort_synonyms(kb_index *ix) {
  for (int li = 0; li < ix->nlangs; li++) {
    kb_ix_lang *l = &ix->langs[li];
    if (l->nsyn > 1) qsort(l->syn, (size_t)l->nsyn, sizeof(kb_ix_syn), S_cmp_syn);
    memset(l->synfirst, 0, sizeof l->synfirst);
    for (int k = 0; k < l->nsyn; k++) {
      const char *sp = strchr(l->syn[k].src, ' ');
      size_t n = sp ? (size_t)(sp - l->syn[k].src) : strlen(l->syn[k].src);
      uint32_t h = kb_hash(l->syn[k].src, n) % KB_IX_SYNFIRST_BITS;
      l->synfirst[h / 64] |= (uint64_t)1 << (h % 64);
    }
    free(l->synword);
    l->synword = NULL;
    if (l->nsyn > 0) S_synwords(l);
  }
}

/* Loads each language's synonym rules into its table of analyzed rules:
 * an equivalence group maps each member to every other, "a => b" maps a
 * to b. Returns 0, or -1 with a message: an index served without its
 * synonyms would answer worse without a word said. */
static int S_load_synonyms(kb_index *ix, char *err, size_t nerr) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(ix->db, "SELECT lhs, rhs FROM synonyms WHERE lang = ?1 ORDER BY rowid",
                         -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, nerr, "reading the synonyms: %s", sqlite3_errmsg(ix->db));
    return -1;
  }
  int rc = SQLITE_DONE;
  for (int li = 0; li < ix->nlangs && rc == SQLITE_DONE; li++) {
    kb_ix_lang *l = &ix->langs[li];
    sqlite3_bind_text(st, 1, l->lang, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      const char *lhs = (const char *)sqlite3_column_text(st, 0);
      const char *rhs = (const char *)sqlite3_column_text(st, 1);
      char *a[32], *b[32];
      int wa[32], wb[32];
      int na = S_syn_terms(l->an, lhs, a, wa, 32);
      int nb = rhs ? S_syn_terms(l->an, rhs, b, wb, 32) : 0;
      for (int i = 0; i < na; i++) {
        if (rhs) {
          for (int j = 0; j < nb; j++) S_add_syn(l, a[i], wa[i], b[j]);
        } else {
          for (int j = 0; j < na; j++)
            if (j != i) S_add_syn(l, a[i], wa[i], a[j]);
        }
      }
      for (int i = 0; i < na; i++) free(a[i]);
      for (int j = 0; j < nb; j++) free(b[j]);
    }
    sqlite3_reset(st);
  }
  if (rc != SQLITE_DONE) snprintf(err, nerr, "reading the synonyms: %s", sqlite3_errmsg(ix->db));
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

static int S_cmp_str(const void *k, const void *e) {
  return strcmp((const char *)k, *(char *const *)e);
}

/* Steps st to its end, calling fn for each row; finalizes it. Returns 0,
 * or -1 with a message about what was being read. */
static int S_load_rows(kb_index *ix, const char *sql, void (*fn)(kb_index *, sqlite3_stmt *),
                       const char *what, char *err, size_t nerr) {
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(ix->db, sql, -1, &st, NULL);
  if (rc == SQLITE_OK) {
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) fn(ix, st);
    sqlite3_finalize(st);
  }
  if (rc != SQLITE_DONE) {
    snprintf(err, nerr, "reading the %s: %s", what, sqlite3_errmsg(ix->db));
    return -1;
  }
  return 0;
}

static void S_device_row(kb_index *ix, sqlite3_stmt *st) {
  ix->dev_term = kb_xrealloc(ix->dev_term, (size_t)(ix->ndev + 1) * sizeof *ix->dev_term);
  ix->dev_platform = kb_xrealloc(ix->dev_platform, (size_t)(ix->ndev + 1) * sizeof *ix->dev_platform);
  ix->dev_term[ix->ndev] = kb_xstrdup((const char *)sqlite3_column_text(st, 0));
  size_t n = strlen(ix->dev_term[ix->ndev]);
  if (n > 0 && n < 32) ix->dev_lens[(unsigned char)ix->dev_term[ix->ndev][0]] |= 1u << n;
  ix->dev_platform[ix->ndev++] = kb_xstrdup((const char *)sqlite3_column_text(st, 1));
}

static void S_collection_row(kb_index *ix, sqlite3_stmt *st) {
  ix->colls = kb_xrealloc(ix->colls, (size_t)(ix->ncolls + 1) * sizeof *ix->colls);
  ix->colls[ix->ncolls++] = kb_xstrdup((const char *)sqlite3_column_text(st, 0));
}

static void S_ours_row(kb_index *ix, sqlite3_stmt *st) {
  const char *v = (const char *)sqlite3_column_text(st, 0);
  if (v && *v == '@') v++;
  if (!v || !*v) return;
  ix->ours = kb_xrealloc(ix->ours, (size_t)(ix->nours + 1) * sizeof *ix->ours);
  ix->ours[ix->nours++] = kb_xstrdup(v);
}

/* The site's own names (kb_index_handle_ours()). An index without site
 * content has none, and then every handle counts as ours: no evidence
 * of another company is better than a false one. */
static void S_load_ours(kb_index *ix) {
  char err[256];
  if (S_load_rows(ix, "SELECT DISTINCT value FROM site WHERE key IN ('brand', 'twitter')",
                  S_ours_row, "site names", err, sizeof err)) {
    for (int i = 0; i < ix->nours; i++) free(ix->ours[i]); /* no site table: as if none */
    free(ix->ours);
    ix->ours = NULL;
    ix->nours = 0;
  }
}

static int S_load_devices(kb_index *ix, char *err, size_t nerr) {
  return S_load_rows(ix, "SELECT term, platform FROM devices ORDER BY term", S_device_row,
                     "device words", err, nerr);
}

static int S_load_collections(kb_index *ix, char *err, size_t nerr) {
  return S_load_rows(ix, "SELECT DISTINCT collection FROM articles ORDER BY 1", S_collection_row,
                     "collections", err, nerr);
}

static int S_kind_of(const char *type) {
  return !strcmp(type, "store") ? KB_KIND_STORE
       : !strcmp(type, "offtopic") ? KB_KIND_OFFTOPIC : KB_KIND_ARTICLE;
}

/* Reads the id range of each collection and type. An index whose ranges
 * are not consecutive (ids given in another order) is still searched, the
 * slower way: every matching row, filtered by a join (ranges_ok = 0). */
static void S_load_ranges(kb_index *ix) {
  sqlite3_stmt *st;
  ix->ranges_ok = 1;
  if (sqlite3_prepare_v2(ix->db, "SELECT collection, type, min(id), max(id), count(*)"
                                 " FROM articles GROUP BY collection, type ORDER BY 3",
                         -1, &st, NULL) != SQLITE_OK) {
    ix->ranges_ok = 0;
    return;
  }
  while (sqlite3_step(st) == SQLITE_ROW) {
    ix->ranges = kb_xrealloc(ix->ranges, (size_t)(ix->nranges + 1) * sizeof *ix->ranges);
    kb_ix_range *r = &ix->ranges[ix->nranges++];
    r->collection = kb_xstrdup((const char *)sqlite3_column_text(st, 0));
    r->kind = S_kind_of((const char *)sqlite3_column_text(st, 1));
    r->lo = sqlite3_column_int64(st, 2);
    r->hi = sqlite3_column_int64(st, 3);
    /* ids are unique, so count = span means no other article in between */
    if (sqlite3_column_int64(st, 4) != r->hi - r->lo + 1) ix->ranges_ok = 0;
  }
  sqlite3_finalize(st);
}

static int S_prepare_langs(kb_index *ix, char *err, size_t nerr) {
  char *list = kb_xstrdup(ix->languages ? ix->languages : "");
  int rc = 0;
  char *save = NULL;
  for (char *l = strtok_r(list, ",", &save); l && rc == 0; l = strtok_r(NULL, ",", &save))
    rc = S_prepare_lang(ix, l, err, nerr);
  free(list);
  ix->deflang = 0;
  for (int i = 0; i < ix->nlangs; i++)
    if (!strcmp(ix->langs[i].lang, "en")) ix->deflang = i;
  return rc;
}

/* The page cache while serving: big enough for the pages every search
 * reads (the b-tree tops, the common terms' doclists), small enough that a
 * server with a connection per worker thread stays small with a large
 * index: the rest comes from the operating system's file cache. Setting a
 * smaller size drops the pages over it. */
#define S_SERVING_CACHE_KB 16384

static void S_serving_cache(kb_index *ix) {
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA cache_size=-%d;", S_SERVING_CACHE_KB);
  sqlite3_exec(ix->db, sql, NULL, NULL, NULL);
}

/* Loads what a search keeps in memory for language i, or borrows it from
 * `from`. */
/* The words (folded, letters of KB_TOKEN_WORD tokens outside handles and
 * links) of two or more of language lang's training lines, the example
 * mentions and the labelled lines: words customers write, whether or not
 * an article has them ("network", "workshop"), where a word of one line
 * may be a typo. NULL when the index has neither table or no such word. */
static kb_vocab *S_everyday(kb_index *ix, const char *lang) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(ix->db,
                         "SELECT text FROM examples WHERE lang = ?1"
                         " UNION ALL SELECT text FROM labelled WHERE lang = ?1",
                         -1, &st, NULL) != SQLITE_OK)
    return NULL; /* an index made before either table */
  sqlite3_bind_text(st, 1, lang, -1, SQLITE_STATIC);
  kb_vocab_count *c = kb_vocab_count_new();
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *text = (const char *)sqlite3_column_text(st, 0);
    int nt = 0;
    kb_token *t = text ? kb_tokens_split(text, strlen(text), &nt) : NULL;
    for (int k = 0; k < nt; k++) {
      if (t[k].kind != KB_TOKEN_WORD || t[k].quoted || t[k].nfold == 0) continue;
      /* each word once a line: a line's repeated word is no second writer */
      int seen = 0;
      for (int j = 0; j < k && !seen; j++)
        seen = t[j].kind == KB_TOKEN_WORD && !t[j].quoted && t[j].nfold == t[k].nfold &&
               !memcmp(t[j].fold, t[k].fold, (size_t)t[k].nfold);
      if (!seen) kb_vocab_count_add(c, t[k].fold, (size_t)t[k].nfold);
    }
    free(t);
  }
  sqlite3_finalize(st);
  return kb_vocab_count_done(c, 2); /* the words of two lines or more */
}

static int S_load_lang(kb_index *ix, int i, const kb_index *from, char *err, size_t nerr) {
  kb_ix_lang *l = &ix->langs[i];
  if (from) {
    if (i >= from->nlangs || strcmp(from->langs[i].lang, l->lang)) {
      snprintf(err, nerr, "the index changed while it was being opened");
      return -1;
    }
    l->vocab = from->langs[i].vocab;
    l->everyday = from->langs[i].everyday;
    l->post = from->langs[i].post;
    l->norms = from->langs[i].norms;
    return 0;
  }
  char table[48];
  int rc;
  snprintf(table, sizeof table, "fts_%s", l->lang);
  /* ids are dense: an index with far larger ones is read row by row */
  kb_rank_docs_load(ix->docs, ix->db, table, 2 * (sqlite3_int64)ix->count + 4096);
  if (!(l->vocab = kb_vocab_load(ix->db, table, &rc))) {
    snprintf(err, nerr, "reading the vocabulary: %s", sqlite3_errmsg(ix->db));
    return -1;
  }
  l->post = kb_postings_load(ix->db, table, S_MEM_MAX_INST, &rc);
  if (rc != SQLITE_OK) {
    snprintf(err, nerr, "reading the postings: %s", sqlite3_errmsg(ix->db));
    return -1;
  }
  if (l->post) { /* (the averages the postings' searches will have) */
    sqlite3_int64 totals[5];
    sqlite3_int64 nrow = kb_postings_rows(l->post, totals);
    l->norms = kb_rank_norms_new(ix->docs, nrow, totals);
    kb_postings_weigh(l->post, l->norms); /* (for the queries given l->norms) */
  }
  return 0;
}

static kb_index *S_open(const char *path, const kb_index *from, char *err, size_t nerr);

kb_index *kb_index_open(const char *path, char *err, size_t nerr) {
  return S_open(path, NULL, err, nerr);
}

kb_index *kb_index_open_shared(const char *path, const kb_index *from, char *err, size_t nerr) {
  return S_open(path, from, err, nerr);
}

static kb_index *S_open(const char *path, const kb_index *from, char *err, size_t nerr) {
  kb_index *ix = kb_xcalloc(1, sizeof *ix);
  ix->borrowed = from != NULL;
  /* An index file is never changed in place: kb-index writes a new file
   * and renames it over the old one, and a reload opens the new file
   * (kb_live.c). So the file is opened immutable: no file locks and no
   * check for changes at each transaction (that was a tenth of kb-serve's
   * time under load). Without memory mapping, so a file damaged in place
   * anyway gives read errors, not a SIGBUS. */
  kb_buf uri = KB_BUF_INIT;
  kb_buf_puts(&uri, "file:");
  for (const char *p = path; *p; p++) {
    if (*p == '%' || *p == '?' || *p == '#') kb_buf_printf(&uri, "%%%02X", (unsigned char)*p);
    else kb_buf_putc(&uri, *p);
  }
  kb_buf_puts(&uri, "?immutable=1");
  int rc = sqlite3_open_v2(kb_buf_str(&uri), &ix->db,
                           SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL);
  kb_buf_cleanup(&uri);
  if (rc != SQLITE_OK) {
    snprintf(err, nerr, "cannot open %s: %s", path, ix->db ? sqlite3_errmsg(ix->db) : sqlite3_errstr(rc));
    goto fail;
  }
  ix->docs = from ? from->docs : kb_rank_docs_new();
  if (kb_fts_register(ix->db, &ix->data) != SQLITE_OK || kb_rank_register(ix->db, ix->docs) != SQLITE_OK) {
    snprintf(err, nerr, "this SQLite has no FTS5");
    goto fail;
  }
  /* while loading, reads go through a small cache: what is read once
   * (every row's lengths, the vocabulary) need not stay (S_serving_cache) */
  sqlite3_exec(ix->db, "PRAGMA cache_size=-2048; PRAGMA mmap_size=0;", NULL, NULL, NULL);
  ix->schema = S_meta_value(ix->db, "schema_version");
  if (!ix->schema) {
    snprintf(err, nerr, "%s is not a kb index (no schema version)", path);
    goto fail;
  }
  if (atoi(ix->schema) != KB_INDEX_SCHEMA_VERSION) {
    snprintf(err, nerr, "%s has schema version %s; this program reads version %d (rebuild it with kb-index)",
             path, ix->schema, KB_INDEX_SCHEMA_VERSION);
    goto fail;
  }
  ix->built = S_meta_value(ix->db, "built");
  ix->languages = S_meta_value(ix->db, "languages");
  char *n = S_meta_value(ix->db, "articles");
  ix->count = n ? atoi(n) : 0;
  free(n);
  if (S_prepare_langs(ix, err, nerr)) goto fail;
  for (int i = 0; i < ix->nlangs; i++)
    if (S_load_lang(ix, i, from, err, nerr)) goto fail;
  if (S_load_synonyms(ix, err, nerr)) goto fail;
  S_sort_synonyms(ix);
  if (S_load_collections(ix, err, nerr)) goto fail;
  S_load_ours(ix);
  S_load_ranges(ix);
  if (S_load_devices(ix, err, nerr)) goto fail;
  sqlite3_exec(ix->db, "PRAGMA query_only=1;", NULL, NULL, NULL);
  if (sqlite3_prepare_v3(ix->db,
                         "SELECT a.id, a.collection, a.slug, a.lang, a.type, a.title, a.url,"
                         " a.reply, a.escalate, a.deeplink, a.tags, a.phrases, a.summary, a.html, a.source,"
                         " CASE WHEN s.article_id IS NULL THEN NULL ELSE json_object("
                         "'town', s.town, 'address', s.address, 'postcode', s.postcode,"
                         " 'phone', s.phone, 'lat', s.lat, 'lon', s.lon,"
                         " 'aliases', json(s.aliases), 'hours', json(s.hours)) END"
                         " FROM articles a LEFT JOIN stores s ON s.article_id = a.id"
                         " WHERE a.collection = ?1 AND a.slug = ?2"
                         /* a topic's translations share its slug: the one
                          * in the language asked for, else the default's */
                         " ORDER BY (a.lang = ?3) DESC, (a.lang = ?4) DESC, a.lang LIMIT 1",
                         -1, SQLITE_PREPARE_PERSISTENT, &ix->get, NULL) != SQLITE_OK ||
      sqlite3_prepare_v3(ix->db,
                         "SELECT 1 FROM articles WHERE collection = ?1 AND slug = ?2 AND lang = ?3",
                         -1, SQLITE_PREPARE_PERSISTENT, &ix->has_lang, NULL) != SQLITE_OK ||
      sqlite3_prepare_v3(ix->db,
                         "SELECT id, type FROM articles WHERE collection = ?1 AND slug = ?2"
                         " ORDER BY (lang = ?3) DESC, (lang = ?4) DESC, lang LIMIT 1",
                         -1, SQLITE_PREPARE_PERSISTENT, &ix->id_of, NULL) != SQLITE_OK ||
      sqlite3_prepare_v3(ix->db,
                         "SELECT collection, slug, title, url, reply, escalate, type, lang,"
                         " summary, deeplink, platform FROM articles WHERE id = ?1",
                         -1, SQLITE_PREPARE_PERSISTENT, &ix->meta_by_id, NULL) != SQLITE_OK ||
      sqlite3_prepare_v3(ix->db, "BEGIN", -1, SQLITE_PREPARE_PERSISTENT, &ix->begin, NULL) != SQLITE_OK ||
      sqlite3_prepare_v3(ix->db, "COMMIT", -1, SQLITE_PREPARE_PERSISTENT, &ix->commit, NULL) != SQLITE_OK) {
    snprintf(err, nerr, "not a usable index: %s", sqlite3_errmsg(ix->db));
    goto fail;
  }
  /* after the rest: the examples are read by the index's own analysis,
   * with its places (taken out of their words: kb_examples.h) */
  if (from) {
    memcpy(ix->examples, from->examples, sizeof ix->examples);
    memcpy(ix->words, from->words, sizeof ix->words);
  } else {
    char gerr[128];
    kb_geo *geo = kb_geo_load(path, gerr, sizeof gerr);
    /* (before the examples: their analysis finds places, and a misspelt
     * one is told from an everyday word by these) */
    for (int i = 0; i < ix->nlangs; i++) ix->langs[i].everyday = S_everyday(ix, ix->langs[i].lang);
    for (int i = 0; geo && i < ix->nlangs; i++) {
      ix->examples[i] = kb_examples_load(ix, geo, ix->langs[i].lang);
      /* the word model: the same languages, the same analysis */
      ix->words[i] = kb_words_load(ix, geo, ix->langs[i].lang, ix->examples[i]);
      kb_examples_drop_words(ix->examples[i]);
    }
    kb_geo_free(geo);
    /* the training lines' words leave the slots to the mentions' */
    for (int i = 0; i < ix->nlangs; i++) kb_analyzer_forget(ix->langs[i].an);
  }
  S_serving_cache(ix);
  return ix;
fail:
  kb_index_close(ix);
  return NULL;
}

/* The kept lists of slugs (kb_rows_linked(), kb_rows_general()). */
static void S_free_lists(kb_ix_linked *v, int n) {
  for (int i = 0; i < n; i++) {
    for (int k = 0; k < v[i].n; k++) free(v[i].slug[k]);
    free(v[i].slug);
    free(v[i].id);
    free(v[i].coll);
    free(v[i].lang);
  }
  free(v);
}

void kb_index_close(kb_index *ix) {
  if (!ix) return;
  kb_qcache_free(ix->qcache);
  kb_buf_cleanup(&ix->snipbuf);
  for (int i = 0; i < ix->nlangs; i++) {
    kb_analyzer_free(ix->langs[i].an);
    sqlite3_finalize(ix->langs[i].search);
    sqlite3_finalize(ix->langs[i].in_range);
    sqlite3_finalize(ix->langs[i].body);
    for (int k = 0; ix->langs[i].snip && k < KB_IX_SNIP_SLOTS; k++) {
      free(ix->langs[i].snip[k].body);
      free(ix->langs[i].snip[k].span);
      free(ix->langs[i].snip[k].html);
      free(ix->langs[i].snip[k].hspan);
      free(ix->langs[i].snip[k].json);
      free(ix->langs[i].snip[k].jspan);
    }
    free(ix->langs[i].snip);
    kb_postings_memo_free(ix->langs[i].memo);
    if (!ix->borrowed) {
      kb_vocab_free(ix->langs[i].vocab);
      kb_vocab_free(ix->langs[i].everyday);
      kb_postings_free(ix->langs[i].post);
      kb_rank_norms_free(ix->langs[i].norms);
    }
    for (int k = 0; k < ix->langs[i].nsyn; k++) {
      free(ix->langs[i].syn[k].src);
      free(ix->langs[i].syn[k].dst);
    }
    free(ix->langs[i].syn);
    free(ix->langs[i].synword);
  }
  sqlite3_finalize(ix->get);
  sqlite3_finalize(ix->has_lang);
  sqlite3_finalize(ix->id_of);
  sqlite3_finalize(ix->meta_by_id);
  sqlite3_finalize(ix->begin);
  sqlite3_finalize(ix->commit);
  sqlite3_close(ix->db);
  for (int i = 0; !ix->borrowed && i < KB_MAX_LANGS; i++) {
    kb_examples_free(ix->examples[i]);
    kb_words_free(ix->words[i]);
  }
  if (!ix->borrowed) kb_rank_docs_free(ix->docs); /* after the statements that use it */
  for (int i = 0; i < ix->data.n; i++) kb_lang_free((kb_lang *)ix->data.v[i]); /* after the tokenizers */
  for (int i = 0; i < ix->ncolls; i++) free(ix->colls[i]);
  free(ix->colls);
  for (int i = 0; i < ix->nours; i++) free(ix->ours[i]);
  free(ix->ours);
  for (int i = 0; i < ix->nranges; i++) free(ix->ranges[i].collection);
  free(ix->ranges);
  for (int i = 0; i < ix->ndev; i++) {
    free(ix->dev_term[i]);
    free(ix->dev_platform[i]);
  }
  free(ix->dev_term);
  free(ix->dev_platform);
  for (int i = 0; i < ix->nlists; i++) {
    kb_ix_topics *t = &ix->lists[i];
    for (int k = 0; k < t->n; k++) {
      free(t->coll[k]);
      free(t->slug[k]);
      free(t->title[k]);
    }
    free(t->coll);
    free(t->slug);
    free(t->title);
    free(t->lang);
  }
  free(ix->lists);
  S_free_lists(ix->linked, ix->nlinked);
  S_free_lists(ix->general, ix->ngeneral);
  kb_rows_free(ix);
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

long kb_index_postings(const kb_index *ix) {
  long n = 0;
  for (int i = 0; i < ix->nlangs; i++)
    if (ix->langs[i].post) n += kb_postings_size(ix->langs[i].post);
  return n;
}

int kb_index_verify(kb_index *ix, char *err, size_t nerr) {
  sqlite3_stmt *st;
  int ok = 0;
  /* the check reads every page: through a small cache, dropped after */
  sqlite3_exec(ix->db, "PRAGMA cache_size=-2048;", NULL, NULL, NULL);
  if (sqlite3_prepare_v2(ix->db, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK) {
    ok = sqlite3_step(st) == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
  }
  S_serving_cache(ix);
  if (ok) {
    kb_search_opts o = {.limit = 1};
    kb_results r;
    ok = kb_index_search(ix, "help", 4, &o, &r, err, nerr) == KB_SEARCH_OK;
    if (ok) kb_results_free(&r);
    else return -1;
  }
  if (!ok) snprintf(err, nerr, "the index is damaged (quick_check failed)");
  return ok ? 0 : -1;
}

int kb_index_list(kb_index *ix, void (*fn)(void *ctx, const char *collection, const char *slug,
                                           const char *title),
                  void *ctx) {
  return kb_index_list_lang(ix, NULL, fn, ctx);
}

static kb_ix_topics *S_read_topics(kb_index *ix, const char *want);

int kb_index_list_lang(kb_index *ix, const char *lang,
                       void (*fn)(void *ctx, const char *collection, const char *slug,
                                  const char *title),
                       void *ctx) {
  const char *want = lang ? lang : ix->nlangs ? ix->langs[ix->deflang].lang : "";
  kb_ix_topics *t = NULL;
  for (int i = 0; i < ix->nlists && !t; i++)
    if (!strcmp(ix->lists[i].lang, want)) t = &ix->lists[i];
  if (!t) {
    t = S_read_topics(ix, want);
    if (!t) return 0;
  }
  for (int i = 0; i < t->n; i++) fn(ctx, t->coll[i], t->slug[i], t->title[i]);
  return t->n;
}

/* Reads the topics in language want and keeps them in ix (NULL when the
 * query fails; nothing kept). */
static kb_ix_topics *S_read_topics(kb_index *ix, const char *want) {
  sqlite3_stmt *st;
  int cap = 0;
  kb_ix_topics t = {0};
  /* one row per topic (translations share a slug): the bare columns come
   * from the row that has the max, the one in the language asked for when
   * the topic has it (SQLite's documented min/max behaviour) */
  if (sqlite3_prepare_v2(ix->db, "SELECT collection, slug, title, max(lang = ?1) FROM articles"
                                 " WHERE type = 'article' GROUP BY collection, slug"
                                 " ORDER BY collection, slug", -1, &st, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text(st, 1, want, -1, SQLITE_STATIC);
  while (sqlite3_step(st) == SQLITE_ROW) {
    if (t.n == cap) {
      cap = cap ? 2 * cap : 64;
      t.coll = kb_xrealloc(t.coll, (size_t)cap * sizeof *t.coll);
      t.slug = kb_xrealloc(t.slug, (size_t)cap * sizeof *t.slug);
      t.title = kb_xrealloc(t.title, (size_t)cap * sizeof *t.title);
    }
    const char *c = (const char *)sqlite3_column_text(st, 0), *g = (const char *)sqlite3_column_text(st, 1),
               *h = (const char *)sqlite3_column_text(st, 2);
    t.coll[t.n] = c ? kb_xstrdup(c) : NULL;
    t.slug[t.n] = g ? kb_xstrdup(g) : NULL;
    t.title[t.n] = h ? kb_xstrdup(h) : NULL;
    t.n++;
  }
  sqlite3_finalize(st);
  t.lang = kb_xstrdup(want);
  ix->lists = kb_xrealloc(ix->lists, ((size_t)ix->nlists + 1) * sizeof *ix->lists);
  ix->lists[ix->nlists] = t;
  return &ix->lists[ix->nlists++];
}

void kb_ix_memo_trim(kb_index *ix) {
  for (int i = 0; i < ix->nlangs; i++)
    if (kb_analyzer_memo_full(ix->langs[i].an)) kb_analyzer_forget(ix->langs[i].an);
}

kb_analyzer *kb_index_analyzer(kb_index *ix) { return ix->nlangs ? ix->langs[ix->deflang].an : NULL; }

kb_analyzer *kb_index_analyzer_of(kb_index *ix, int i) {
  return i >= 0 && i < ix->nlangs ? ix->langs[i].an : NULL;
}

const kb_lang *kb_index_lang(const kb_index *ix) { return ix->nlangs ? ix->langs[ix->deflang].words : NULL; }

int kb_index_nlangs(const kb_index *ix) { return ix->nlangs; }

const char *kb_index_lang_code(const kb_index *ix, int i) {
  return i >= 0 && i < ix->nlangs ? ix->langs[i].lang : NULL;
}

const kb_lang *kb_index_lang_words(const kb_index *ix, int i) {
  return i >= 0 && i < ix->nlangs ? ix->langs[i].words : NULL;
}

int kb_index_knows_word(const kb_index *ix, int i, const char *word) {
  if (i < 0 || i >= ix->nlangs) return 0;
  const kb_ix_lang *l = &ix->langs[i];
  return (l->vocab && kb_vocab_knows_word(l->vocab, word)) ||
         (l->everyday && kb_vocab_knows_word(l->everyday, word));
}

int kb_index_lang_find(const kb_index *ix, const char *code) {
  for (int i = 0; code && i < ix->nlangs; i++)
    if (!strcmp(ix->langs[i].lang, code)) return i;
  return -1;
}

int kb_index_default_lang(const kb_index *ix) { return ix->deflang; }

const char *kb_index_default_code(const kb_index *ix) { return kb_index_lang_code(ix, ix->deflang); }

const struct kb_words *kb_index_words(const kb_index *ix, const char *lang) {
  int li = lang ? kb_index_lang_find(ix, lang) : -1;
  return li >= 0 ? ix->words[li] : NULL;
}

const struct kb_examples *kb_index_examples(const kb_index *ix, const char *lang) {
  if (lang) {
    int li = kb_index_lang_find(ix, lang);
    return li >= 0 ? ix->examples[li] : NULL;
  }
  const kb_examples *most = NULL;
  for (int i = 0; i < ix->nlangs; i++) {
    const kb_examples *e = ix->examples[i];
    int n = kb_examples_count(e), m = kb_examples_count(most);
    if (n && (n > m || (n == m && strcmp(kb_examples_lang(e), kb_examples_lang(most)) < 0))) most = e;
  }
  return most;
}

/* The platform device word w[0..n) names, or NULL. */
static const char *S_device(const kb_index *ix, const char *w, size_t n) {
  char k[32];
  if (!ix->ndev || n == 0 || n >= sizeof k) return NULL;
  if (!(ix->dev_lens[(unsigned char)w[0]] >> n & 1)) return NULL; /* no word of n bytes starts so */
  memcpy(k, w, n);
  k[n] = 0;
  char **hit = bsearch(k, ix->dev_term, (size_t)ix->ndev, sizeof *ix->dev_term, S_cmp_str);
  return hit ? ix->dev_platform[hit - ix->dev_term] : NULL;
}

const char *kb_index_platform(const kb_index *ix, const kb_token *t, int n) {
  const char *found = NULL;
  for (int i = 0; i < n; i++) {
    /* a word with an apostrophe is read as its two parts ("iphone's") */
    size_t len = strlen(t[i].fold), cut = t[i].apos ? (size_t)t[i].apos : len;
    const char *p[2] = {S_device(ix, t[i].fold, cut),
                        cut < len ? S_device(ix, t[i].fold + cut, len - cut) : NULL};
    for (int k = 0; k < 2; k++) {
      if (!p[k]) continue;
      if (found && strcmp(found, p[k])) return NULL; /* both named: no preference */
      found = p[k];
    }
  }
  return found;
}

const char *kb_index_collection(const kb_index *ix, const char *name, size_t n) {
  for (int c = 0; c < ix->ncolls; c++)
    if (strlen(ix->colls[c]) == n && strncasecmp(ix->colls[c], name, n) == 0) return ix->colls[c];
  return NULL;
}

int kb_index_handle_ours(const kb_index *ix, const char *name, size_t n) {
  if (!ix->nours || kb_index_collection(ix, name, n)) return 1;
  for (int i = 0; i < ix->nours; i++) {
    size_t k = strlen(ix->ours[i]);
    if (k <= n && strncasecmp(ix->ours[i], name, k) == 0) return 1;
  }
  return 0;
}

int kb_index_article_intents(kb_index *ix, int64_t id) {
  /* prepared per call: the ranking asks once per article while the index
   * is open (kb_index_hit_memo()) */
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(ix->db, "SELECT intents FROM articles WHERE id = ?1", -1, &st, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_int64(st, 1, id);
  int bits = -1;
  const char *v = sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
  if (v) {
    bits = 0;
    char *s = kb_xstrdup(v), *save = NULL;
    for (char *t = strtok_r(s, ",", &save); t; t = strtok_r(NULL, ",", &save)) bits |= kb_lang_intent_bit(t);
    free(s);
  }
  sqlite3_finalize(st);
  return bits;
}
