/*
 * kb_results.c - a search's results once ranked: put in order (the whole
 * sort, or only the first places a page shows), rows added to them by name
 * (an article, a store's page, the articles that link stores, the general
 * pages), freed. Declared in kb_search.h with the search that makes them;
 * split from kb_search.c, which was past 1,500 lines.
 */
#include "kb_search.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kb_arena.h"
#include "kb_index_impl.h"
#include "kb_order.h"
#include "kb_results.h"
#include "kb_rows.h"
#include "kb_util.h"

/*--- Order ---------------------------------------------------------------*/

/* The keys kb_results_sort() sorts on the stack, up to this many (a
 * suggest's 30; more are allocated). */
#define S_SORT_STACK 64

void kb_results_sort(kb_results *r) {
  if (r->n < 2) return;
  kb_order_key kbuf[S_SORT_STACK];
  kb_order_key *k = r->n <= S_SORT_STACK ? kbuf : kb_xmalloc((size_t)r->n * sizeof *k);
  for (int i = 0; i < r->n; i++) k[i] = (kb_order_key){r->hits[i].score, r->hits[i].id, i};
  kb_order_sort(k, r->n);
  /* the hits moved in place, cycle by cycle of the order (hit k[i].at
   * goes to i), through one spare hit: no second array allocated and the
   * first freed (a suggest's 30 hits, 8 KB, twice a suggest), and none
   * moved when they were in order (a suggest's second sort, for the
   * phone's platform, often) */
  for (int i = 0; i < r->n; i++) {
    if (k[i].at == i) continue;
    kb_hit t = r->hits[i];
    int j = i;
    while (k[j].at != i) {
      int from = k[j].at;
      r->hits[j] = r->hits[from];
      k[j].at = j; /* (placed) */
      j = from;
    }
    r->hits[j] = t;
    k[j].at = j;
  }
  if (k != kbuf) free(k);
}

/* The most places kb_results_sort_first() fills itself (a suggest's
 * limit and its off-topic pages); more: the whole sort. */
#define S_FIRST_MAX 16

void kb_results_sort_first(kb_results *r, int m) {
  if (m >= r->n || m > S_FIRST_MAX || r->n > S_SORT_STACK) {
    kb_results_sort(r);
    return;
  }
  if (m <= 0) return;
  /* the first m keys in order, each key compared with the m-th first
   * (most are behind it) */
  kb_order_key k[S_FIRST_MAX];
  int nk = 0;
  for (int i = 0; i < r->n; i++) {
    kb_order_key v = {r->hits[i].score, r->hits[i].id, i};
    if (nk == m && !kb_order_before(&v, &k[m - 1])) continue;
    int j = nk < m ? nk++ : m - 1;
    for (; j > 0 && kb_order_before(&v, &k[j - 1]); j--) k[j] = k[j - 1];
    k[j] = v;
  }
  /* each to its place by a swap, the hit there taken to where it came
   * from: place[i] is where hit i (by its first place) is now, was[p]
   * which hit place p holds */
  int place[S_SORT_STACK], was[S_SORT_STACK];
  for (int i = 0; i < r->n; i++) place[i] = was[i] = i;
  for (int j = 0; j < m; j++) {
    int from = place[k[j].at];
    if (from == j) continue;
    kb_hit t = r->hits[j];
    r->hits[j] = r->hits[from];
    r->hits[from] = t;
    place[was[j]] = from;
    was[from] = was[j];
    place[k[j].at] = j;
    was[j] = k[j].at;
  }
}

/*--- Rows added by name ---------------------------------------------------*/

/* The row of type `type` ("article", "store") collection/slug in language
 * lang (or the default), as kb_results_add_article() takes it: 0 when there
 * is none.
 * Found by id (ix->id_of: the row get would read, without its html,
 * source and store, which are not needed here and were nearly all of the
 * cost of a suggest naming a place with a store); its fields come from
 * the rows' metadata kept with the index (kb_rows_get()). */
static int64_t S_row_id(kb_index *ix, const char *collection, const char *slug, const char *lang,
                        const char *type) {
  sqlite3_stmt *st = ix->id_of;
  kb_ix_bind_article(ix, st, collection, slug, lang);
  int64_t id = 0;
  if (sqlite3_step(st) == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 1), type))
    id = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return id;
}

static int64_t S_article_id(kb_index *ix, const char *collection, const char *slug,
                            const char *lang) {
  return S_row_id(ix, collection, slug, lang, "article");
}

/* Appends row id (S_article_id()) to r as kb_results_add_article() does. */
static int S_add_row(kb_index *ix, kb_results *r, int64_t id) {
  const kb_ix_row *w = id ? kb_rows_get(ix, id) : NULL;
  if (!w) return -1;
  r->hits = kb_xrealloc(r->hits, (size_t)(r->n + 1) * sizeof *r->hits);
  r->caphits = r->n + 1;
  kb_hit *h = &r->hits[r->n];
  memset(h, 0, sizeof *h);
  h->id = id;
  kb_results_meta(r, h, w, KB_RESULTS_META_RANK | KB_RESULTS_META_SHOW); /* the platform is not read here, as before */
  kb_buf b = KB_BUF_INIT;
  if (h->summary) {
    size_t len = strlen(h->summary);
    if (len > 200) len = kb_utf8_cut(h->summary, 200); /* on a character boundary */
    kb_buf_put_html(&b, h->summary, len);
  }
  h->snippet = kb_results_keep(r, kb_buf_str(&b));
  kb_buf_cleanup(&b);
  return r->n++;
}

int kb_results_add_article(kb_index *ix, kb_results *r, const char *collection,
                           const char *slug, const char *lang) {
  return S_add_row(ix, r, S_article_id(ix, collection, slug, lang));
}

int kb_results_add_store(kb_index *ix, kb_results *r, const char *collection, const char *slug,
                         const char *lang) {
  return S_add_row(ix, r, S_row_id(ix, collection, slug, lang, "store"));
}

int kb_results_add_deeplinked(kb_index *ix, kb_results *r, const char *collection, const char *lang) {
  const char *def = ix->nlangs ? ix->langs[ix->deflang].lang : "";
  const char *coll = collection ? collection : "default";
  kb_ix_linked *l = kb_rows_linked(ix, coll, lang ? lang : def);
  if (!l) return -1;
  int added = 0;
  for (int k = 0; k < l->n; k++) {
    const char *slug = l->slug[k];
    int have = 0;
    for (int i = 0; i < r->n && !have; i++)
      have = r->hits[i].slug && r->hits[i].collection && !strcmp(r->hits[i].slug, slug) &&
             !strcmp(r->hits[i].collection, coll);
    if (have) continue;
    /* the row, looked up once while the index is open (the article's
     * row in lang, else in the default language, never changes) */
    if (l->id[k] < 0) l->id[k] = S_article_id(ix, collection, slug, lang);
    if (S_add_row(ix, r, l->id[k]) >= 0) added++;
  }
  return added;
}

int kb_results_add_general(kb_index *ix, kb_results *r, const char *collection, const char *lang, int limit) {
  const char *def = ix->nlangs ? ix->langs[ix->deflang].lang : "";
  kb_ix_linked *l = kb_rows_general(ix, collection ? collection : "default", lang ? lang : def);
  if (!l) return -1;
  int added = 0;
  for (int k = 0; k < l->n && added < limit; k++) {
    /* (the row looked up once while the index is open, as above) */
    if (l->id[k] < 0) l->id[k] = S_article_id(ix, collection, l->slug[k], lang);
    if (S_add_row(ix, r, l->id[k]) >= 0) added++;
  }
  return added;
}

void kb_results_free(kb_results *r) {
  kb_arena_free(r->mem);
  kb_spare_give(KB_SPARE_BODY, r->body, r->capbody);
  if (r->caphits > 0) kb_spare_give(KB_SPARE_HITS, r->hits, (size_t)r->caphits * sizeof *r->hits);
  else free(r->hits);
  memset(r, 0, sizeof *r);
}
