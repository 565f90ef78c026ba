/*
 * kb_slugs.h - a set of slugs numbered in byte order, found by a hash,
 * with each article row's number (internal to src/core: the classes of
 * the example mentions, kb_examples.c, and of the word model,
 * kb_words.c, which both ask a candidate's number twice a suggest).
 *
 * Errors: none; allocation failure aborts (kb_xmalloc()).
 */
#ifndef KB_SLUGS_H
#define KB_SLUGS_H

#include <stdint.h>

#include "kb_index_impl.h"

/* The fields are read by the inline look-ups below; set only by
 * kb_slugs_init(), kb_slugs_number_rows() and kb_slugs_cleanup(). */
typedef struct {
  char **name;   /* the distinct slugs, sorted (strcmp), owned */
  int n;
  int none;      /* the number of "-", or -1 */
  int *slot;     /* the slugs hashed: number + 1, 0 empty */
  int nslot;     /* a power of two, at least 4 n */
  int *by_id;    /* an article row's number (-1: none) by its id, below nid */
  int64_t nid;
} kb_slugs;

/* s = the distinct slugs of raw[0..n) (copied), numbered in strcmp order,
 * and num[i] = raw[i]'s number (num may be NULL). */
void kb_slugs_init(kb_slugs *s, char *const *raw, int n, int *num);

/* Fills s's row table from ix's articles (id -> the number of its slug,
 * -1 for a slug s lacks). A query that fails leaves it empty: look-ups
 * by row then go by slug. */
void kb_slugs_number_rows(kb_slugs *s, kb_index *ix);

/* Frees what s holds (not s); s is then empty. */
void kb_slugs_cleanup(kb_slugs *s);

/* The number of slug by binary search (loading), -1 when s lacks it. */
int kb_slugs_find(const kb_slugs *s, const char *slug);

/* The same through the hash (a candidate's, at suggest time: a binary
 * search's strcmp()s were a tenth of the examples' cost). */
int kb_slugs_find_hashed(const kb_slugs *s, const char *slug);

/* The number of the article of row id, whose slug is slug: an array read
 * when the row is in the table, else by slug. */
static inline int kb_slugs_of_row(const kb_slugs *s, int64_t id, const char *slug) {
  if (id > 0 && id < s->nid) return s->by_id[id];
  return slug ? kb_slugs_find_hashed(s, slug) : -1;
}

#endif
