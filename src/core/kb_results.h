/*
 * kb_results.h - what a search's results are made of, for the modules that
 * fill them (internal to src/core: kb_search.c ranks and fills hits,
 * kb_results.c orders them and adds rows by name). Inline: both are called
 * for every hit a search ranks.
 */
#ifndef KB_RESULTS_H
#define KB_RESULTS_H

#include <stddef.h>
#include <string.h>

#include "kb_arena.h"
#include "kb_index_impl.h"

/* s copied into r's arena (the strings of all hits live there, freed with
 * the results); NULL for NULL. */
static inline const char *kb_results_keep(kb_results *r, const char *s) {
  if (!s) return NULL;
  kb_arena *a = r->mem;
  const char *k = kb_arena_dup(&a, s, strlen(s));
  r->mem = a;
  return k;
}

/* A hit's metadata from its row: the row's columns copied into the
 * results' arena in one piece, then pointed at (eleven strlen+copies
 * cost a kb/ suggest 16 K instructions). WHAT: KB_RESULTS_META_RANK, the columns
 * ranking reads, with KB_RESULTS_META_PLATFORM the row's platform too (the ranked
 * hits carry it; rows added by id, kb_results_add_article(), never did);
 * KB_RESULTS_META_SHOW, the columns only a shown hit needs. */
enum { KB_RESULTS_META_RANK = 1, KB_RESULTS_META_SHOW = 2, KB_RESULTS_META_PLATFORM = 4 };
static inline void kb_results_meta(kb_results *r, kb_hit *h, const kb_ix_row *w, unsigned what) {
  size_t from = what & KB_RESULTS_META_RANK ? 0 : w->nrank;
  size_t to = what & KB_RESULTS_META_SHOW ? w->nblk : w->nrank;
  const char *k = NULL;
  if (to > from) {
    kb_arena *a = r->mem;
    k = kb_arena_dup(&a, w->blk + from, to - from - 1); /* the last NUL is its own */
    r->mem = a;
  }
#define S_COL(j) (w->col[j] ? k + (w->col[j] - w->blk - (ptrdiff_t)from) : NULL)
  if (what & KB_RESULTS_META_RANK) {
    h->collection = S_COL(0);
    h->slug = S_COL(1);
    h->title = S_COL(2);
    h->type = S_COL(6);
    h->lang = S_COL(7);
    h->deeplink = S_COL(9);
    if (what & KB_RESULTS_META_PLATFORM) h->platform = S_COL(10);
  }
  if (what & KB_RESULTS_META_SHOW) {
    h->url = S_COL(3);
    h->reply = S_COL(4);
    h->escalate = S_COL(5);
    h->summary = S_COL(8);
  }
#undef S_COL
}

#endif
