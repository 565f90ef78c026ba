/*
 * kb_rows.c - the rows' metadata kept with an open index (kb_ix_row in
 * kb_index_impl.h): what a hit shows of its row, and the values memoized
 * per row (kb_index_hit_memo(), kb_index_row_text()). Split from
 * kb_search.c, which fills hits from it.
 */
#include "kb_rows.h"

#include <limits.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kb_index_impl.h"
#include "kb_util.h"

/* The columns of meta_by_id in the order a row's blk holds them: first
 * the S_META_RANKED that ranking reads (collection, slug, title, type,
 * lang, deeplink, platform), then those only a hit that is shown needs
 * (url, reply, escalate, summary: 85 % of a kb/ row's bytes). A suggest
 * ranks ten times the hits it keeps, so its candidates copy the first
 * part only (S_hit_meta() in kb_search.c). */
static const int S_meta_order[KB_IX_META_COLS] = {0, 1, 2, 6, 7, 9, 10, 3, 4, 5, 8};
#define S_META_RANKED 7

/* Row id read into its slot w (a row not there yet, or another's). Not
 * inlined into kb_rows_get(): there, its registers were saved and
 * restored on every call, 60 a suggest, almost all of them found in their
 * slot. */
static __attribute__((noinline)) kb_ix_row *S_read_row(kb_index *ix, kb_ix_row *w, int64_t id);

kb_ix_row *kb_rows_get(kb_index *ix, int64_t id) {
  if (!ix->rows) ix->rows = kb_xcalloc(KB_IX_ROW_SLOTS, sizeof *ix->rows);
  kb_ix_row *w = &ix->rows[(uint64_t)id % KB_IX_ROW_SLOTS];
  if (w->id == id && id) return w;
  return S_read_row(ix, w, id);
}

static kb_ix_row *S_read_row(kb_index *ix, kb_ix_row *w, int64_t id) {
  free(w->blk);
  for (int k = 0; k < KB_IX_ROW_TEXTS; k++) free(w->text[k]);
  memset(w, 0, sizeof *w);
  sqlite3_stmt *st = ix->meta_by_id;
  sqlite3_bind_int64(st, 1, id);
  if (sqlite3_step(st) == SQLITE_ROW) {
    w->id = id;
    size_t at[KB_IX_META_COLS];
    for (int k = 0; k < KB_IX_META_COLS; k++) {
      int j = S_meta_order[k];
      const char *v = (const char *)sqlite3_column_text(st, j);
      at[j] = v ? w->nblk : SIZE_MAX;
      if (v) w->nblk += (size_t)sqlite3_column_bytes(st, j) + 1;
      if (k + 1 == S_META_RANKED) w->nrank = w->nblk;
    }
    w->blk = kb_xmalloc(w->nblk + 1);
    for (int j = 0; j < KB_IX_META_COLS; j++) {
      if (at[j] == SIZE_MAX) continue;
      w->col[j] = w->blk + at[j];
      memcpy(w->col[j], sqlite3_column_text(st, j), (size_t)sqlite3_column_bytes(st, j) + 1);
    }
  }
  sqlite3_reset(st);
  return w->id ? w : NULL;
}

/* kb_index_hit_memo()'s table by row id, for ids below this (past it,
 * the rows' slots keep the values). */
#define S_MEMO_MAX_IDS (1 << 20)
#define S_MEMO_UNSET INT_MIN

/* The table grown to hold id (the indexer numbers rows consecutively:
 * the ids searched are the table's), the new values not made yet. */
static void S_memo_grow(kb_index *ix, int64_t id) {
  int64_t n = ix->nhit_memo ? 2 * ix->nhit_memo : 256;
  while (n <= id) n *= 2;
  ix->hit_memo = kb_xrealloc(ix->hit_memo, (size_t)n * sizeof *ix->hit_memo);
  for (int64_t i = ix->nhit_memo; i < n; i++) ix->hit_memo[i] = S_MEMO_UNSET;
  ix->nhit_memo = n;
}

/* kb_index_hit_memo() where the table has no value for h: made into the
 * table (the first fn asked for, an id below S_MEMO_MAX_IDS), else kept
 * with the row's slot. Out of line: the registers it needs were saved and
 * restored on every call, the values almost all found in the table. */
static __attribute__((noinline)) int S_hit_memo_make(kb_index *ix, const kb_hit *h,
                                                     int (*fn)(kb_index *, const kb_hit *)) {
  if (!ix->hit_memo_fn) ix->hit_memo_fn = fn;
  if (fn == ix->hit_memo_fn && h->id > 0 && h->id < S_MEMO_MAX_IDS) {
    if (h->id >= ix->nhit_memo) S_memo_grow(ix, h->id);
    return ix->hit_memo[h->id] = fn(ix, h);
  }
  kb_ix_row *w = h->id ? kb_rows_get(ix, h->id) : NULL;
  if (!w) return fn(ix, h);
  if (w->memo_fn != fn) {
    w->memo = fn(ix, h);
    w->memo_fn = fn;
  }
  return w->memo;
}

int kb_index_hit_memo(kb_index *ix, const kb_hit *h, int (*fn)(kb_index *, const kb_hit *)) {
  /* the first fn asked for, by id in a table (the rows' slots, found by
   * id and holding which function their value is of, were 40
   * instructions a suggest's candidate) */
  int64_t id = h->id;
  if (fn == ix->hit_memo_fn && id > 0 && id < ix->nhit_memo && ix->hit_memo[id] != S_MEMO_UNSET)
    return ix->hit_memo[id];
  return S_hit_memo_make(ix, h, fn);
}

const char *kb_index_row_text(kb_index *ix, int64_t id,
                              char *(*fn)(kb_index *ix, int64_t id, void *ctx), void *ctx) {
  kb_ix_row *w = id ? kb_rows_get(ix, id) : NULL;
  if (!w) return NULL;
  /* fn's own memo, else an empty one, else the last one's (taken over) */
  int k = 0;
  while (k + 1 < KB_IX_ROW_TEXTS && w->text_fn[k] != fn && w->text_fn[k]) k++;
  if (w->text_fn[k] != fn || !w->text[k]) {
    free(w->text[k]);
    w->text[k] = fn(ix, id, ctx);
    w->text_fn[k] = w->text[k] ? fn : NULL;
  }
  return w->text[k];
}

void kb_rows_free(kb_index *ix) {
  for (int k = 0; ix->rows && k < KB_IX_ROW_SLOTS; k++) {
    free(ix->rows[k].blk);
    for (int t = 0; t < KB_IX_ROW_TEXTS; t++) free(ix->rows[k].text[t]);
  }
  free(ix->rows);
  ix->rows = NULL;
  free(ix->hit_memo);
  ix->hit_memo = NULL;
  ix->nhit_memo = 0;
  ix->hit_memo_fn = NULL;
}

/* A topic's slug and its title's length in words and bytes. */
typedef struct {
  char *slug;
  int words, bytes;
} S_titled;

/* Fewest words first, then the shorter title, then the slug: an order
 * that depends on the articles alone. */
static int S_titled_cmp(const void *a, const void *b) {
  const S_titled *x = a, *y = b;
  if (x->words != y->words) return x->words < y->words ? -1 : 1;
  if (x->bytes != y->bytes) return x->bytes < y->bytes ? -1 : 1;
  return strcmp(x->slug, y->slug);
}

static int S_words(const char *t) {
  int n = 0;
  for (const char *p = t; *p; p++) n += *p != ' ' && (p[1] == ' ' || p[1] == 0);
  return n;
}

/* Reads sql's slugs (its first column; bound ?1 coll, ?2 lang) into a list
 * kept in *v (*n of them): by id, or by the title (second column) as
 * S_titled_cmp() orders them. NULL when the query fails. */
static kb_ix_linked *S_read_list(kb_index *ix, const char *sql, int by_title, const char *coll,
                                 const char *lang, kb_ix_linked **v, int *n) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(ix->db, sql, -1, &st, NULL) != SQLITE_OK) return NULL;
  sqlite3_bind_text(st, 1, coll, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, lang, -1, SQLITE_STATIC);
  S_titled *t = NULL;
  int nt = 0, rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *slug = (const char *)sqlite3_column_text(st, 0);
    const char *title = by_title ? (const char *)sqlite3_column_text(st, 1) : NULL;
    t = kb_xrealloc(t, ((size_t)nt + 1) * sizeof *t);
    t[nt++] = (S_titled){kb_xstrdup(slug ? slug : ""), title ? S_words(title) : 0,
                         title ? (int)strlen(title) : 0};
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    for (int k = 0; k < nt; k++) free(t[k].slug);
    free(t);
    return NULL;
  }
  if (by_title && nt > 1) qsort(t, (size_t)nt, sizeof *t, S_titled_cmp);
  kb_ix_linked l = {.coll = kb_xstrdup(coll), .lang = kb_xstrdup(lang), .n = nt};
  l.slug = kb_xmalloc(((size_t)nt + 1) * sizeof *l.slug);
  l.id = kb_xmalloc(((size_t)nt + 1) * sizeof *l.id);
  for (int k = 0; k < nt; k++) {
    l.slug[k] = t[k].slug;
    l.id[k] = -1;
  }
  free(t);
  *v = kb_xrealloc(*v, ((size_t)*n + 1) * sizeof **v);
  (*v)[*n] = l;
  return &(*v)[(*n)++];
}

kb_ix_linked *kb_rows_linked(kb_index *ix, const char *coll, const char *lang) {
  for (int i = 0; i < ix->nlinked; i++)
    if (!strcmp(ix->linked[i].coll, coll) && !strcmp(ix->linked[i].lang, lang)) return &ix->linked[i];
  return S_read_list(ix,
                     "SELECT slug FROM articles WHERE deeplink = 'store' AND type = 'article'"
                     " AND collection = ?1 AND lang = ?2 ORDER BY id",
                     0, coll, lang, &ix->linked, &ix->nlinked);
}

kb_ix_linked *kb_rows_general(kb_index *ix, const char *coll, const char *lang) {
  for (int i = 0; i < ix->ngeneral; i++)
    if (!strcmp(ix->general[i].coll, coll) && !strcmp(ix->general[i].lang, lang)) return &ix->general[i];
  return S_read_list(ix,
                     "SELECT slug, title FROM articles WHERE type = 'article'"
                     " AND collection = ?1 AND lang = ?2",
                     1, coll, lang, &ix->general, &ix->ngeneral);
}
