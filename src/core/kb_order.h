/*
 * kb_order.h - the order of a search's candidates and hits: by score
 * (higher first), then id, then where they were (internal to src/core:
 * kb_search.c orders its candidates and kb_results_sort() its hits by
 * it). Split from kb_search.c.
 */
#ifndef KB_ORDER_H
#define KB_ORDER_H

#include <stdint.h>

/* What a candidate or a hit is ordered by; `at` (where it was) makes the
 * order total, so equal scores and ids keep their order, as glibc's
 * qsort(), a stable merge sort, kept them. */
typedef struct {
  double score;
  int64_t id;
  int at;
} kb_order_key;

/* Whether a comes before b (the same answers as "if the scores differ,
 * the higher; else the ids..." for every pair, NaN too, with the usual
 * answer, a higher score, tested first: one comparison a step of the
 * insertion sort, not two). */
static inline int kb_order_before(const kb_order_key *a, const kb_order_key *b) {
  return a->score > b->score ||
         (a->score == b->score && (a->id < b->id || (a->id == b->id && a->at < b->at)));
}

/* Sorts k[0..n) in place: by insertion while short (a suggest orders
 * thirty-odd candidates; qsort() moved whole candidates and hits of a
 * hundred bytes and more, through a comparison function), else qsort(). */
void kb_order_sort(kb_order_key *k, int n);

/* A key of a candidate or hit among others whose ids do not fall as `at`
 * rises: then `at` alone orders those of one score as the id and `at`
 * together do (kb_order_before()), and the key is two words, not three
 * (an insertion sort's step moves one 16-byte key). */
typedef struct {
  double score;
  int64_t at;
} kb_order_key_at;

/* kb_order_before() of such keys. */
static inline int kb_order_at_before(const kb_order_key_at *a, const kb_order_key_at *b) {
  return a->score > b->score || (a->score == b->score && a->at < b->at);
}

/* kb_order_sort() of such keys. */
void kb_order_sort_at(kb_order_key_at *k, int n);

#endif
