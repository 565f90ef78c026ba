/*
 * kb_order.c - the order of a search's candidates and hits (kb_order.h).
 * Split from kb_search.c.
 */
#include "kb_order.h"

#include <stdlib.h>

static inline int S_key_before(const kb_order_key *a, const kb_order_key *b) {
  return kb_order_before(a, b);
}

static int S_cmp_key(const void *x, const void *y) {
  return S_key_before(x, y) ? -1 : S_key_before(y, x);
}

void kb_order_sort(kb_order_key *k, int n) {
  if (n > 64) {
    qsort(k, (size_t)n, sizeof *k, S_cmp_key);
    return;
  }
  for (int i = 1; i < n; i++) {
    kb_order_key v = k[i];
    int j = i;
    for (; j > 0 && S_key_before(&v, &k[j - 1]); j--) k[j] = k[j - 1];
    k[j] = v;
  }
}

static int S_cmp_key_at(const void *x, const void *y) {
  return kb_order_at_before(x, y) ? -1 : kb_order_at_before(y, x);
}

void kb_order_sort_at(kb_order_key_at *k, int n) {
  if (n > 64) {
    qsort(k, (size_t)n, sizeof *k, S_cmp_key_at);
    return;
  }
  for (int i = 1; i < n; i++) {
    kb_order_key_at v = k[i];
    int j = i;
    for (; j > 0 && kb_order_at_before(&v, &k[j - 1]); j--) k[j] = k[j - 1];
    k[j] = v;
  }
}
