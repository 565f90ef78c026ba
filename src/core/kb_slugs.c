/*
 * kb_slugs.c - a numbered set of slugs (kb_slugs.h).
 */
#include "kb_slugs.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "kb_util.h"

static int S_cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int kb_slugs_find(const kb_slugs *s, const char *slug) {
  if (!s->n) return -1;
  char *const *p = bsearch(&slug, s->name, (size_t)s->n, sizeof *s->name, S_cmp_str);
  return p ? (int)(p - s->name) : -1;
}

int kb_slugs_find_hashed(const kb_slugs *s, const char *slug) {
  if (!s->nslot) return -1;
  size_t n = strlen(slug);
  for (uint32_t i = kb_hash(slug, n);; i++) {
    int k = s->slot[i & (uint32_t)(s->nslot - 1)];
    if (!k) return -1;
    if (!strcmp(s->name[k - 1], slug)) return k - 1;
  }
}

void kb_slugs_init(kb_slugs *s, char *const *raw, int n, int *num) {
  memset(s, 0, sizeof *s);
  s->none = -1;
  if (n <= 0) return;
  char **v = kb_xmalloc((size_t)n * sizeof *v);
  memcpy(v, raw, (size_t)n * sizeof *v);
  qsort(v, (size_t)n, sizeof *v, S_cmp_str);
  int k = 0;
  for (int i = 0; i < n; i++)
    if (k == 0 || strcmp(v[k - 1], v[i])) v[k++] = v[i];
  for (int i = 0; i < k; i++) v[i] = kb_xstrdup(v[i]);
  s->name = v;
  s->n = k;
  if (num)
    for (int i = 0; i < n; i++) num[i] = kb_slugs_find(s, raw[i]);
  s->none = kb_slugs_find(s, "-");
  s->nslot = 16;
  while (s->nslot < 4 * s->n) s->nslot *= 2;
  s->slot = kb_xcalloc((size_t)s->nslot, sizeof *s->slot);
  for (int m = 0; m < s->n; m++) {
    uint32_t i = kb_hash(s->name[m], strlen(s->name[m]));
    while (s->slot[i & (uint32_t)(s->nslot - 1)]) i++;
    s->slot[i & (uint32_t)(s->nslot - 1)] = m + 1;
  }
}

void kb_slugs_number_rows(kb_slugs *s, kb_index *ix) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(ix->db, "SELECT id, slug FROM articles ORDER BY id", -1, &st, NULL) !=
      SQLITE_OK)
    return;
  int64_t cap = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(st, 0);
    const char *slug = (const char *)sqlite3_column_text(st, 1);
    /* ids are dense from 1; a table far sparser is read by slug */
    if (id < 0 || id > 10 * 1000 * 1000 || !slug) continue;
    if (id >= cap) {
      int64_t c = cap ? cap : 1024;
      while (c <= id) c *= 2;
      s->by_id = kb_xrealloc(s->by_id, (size_t)c * sizeof *s->by_id);
      for (int64_t i = cap; i < c; i++) s->by_id[i] = -1;
      cap = c;
    }
    s->by_id[id] = kb_slugs_find(s, slug);
  }
  sqlite3_finalize(st);
  s->nid = cap;
}

void kb_slugs_cleanup(kb_slugs *s) {
  for (int i = 0; i < s->n; i++) free(s->name[i]);
  free(s->name);
  free(s->slot);
  free(s->by_id);
  memset(s, 0, sizeof *s);
  s->none = -1;
}
