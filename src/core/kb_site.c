/*
 * kb_site.c - the site content of an index (kb_site.h): some hundred rows
 * per language (the pages' words, each article's category and dates), held
 * in memory sorted by key, collection and language, and found by binary
 * search: a page looks up dozens.
 */
#include "kb_site.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_util.h"

typedef struct {
  char *collection, *lang, *key, *value;
} S_row;

struct kb_site {
  S_row *v;
  int n;
};

static int S_cmp3(const char *key, const char *coll, const char *lang, const S_row *r) {
  int c = strcmp(key, r->key);
  if (!c) c = strcmp(coll, r->collection);
  return c ? c : strcmp(lang, r->lang);
}

static int S_cmp_row(const void *x, const void *y) {
  const S_row *a = x;
  return S_cmp3(a->key, a->collection, a->lang, y);
}

kb_site *kb_site_load(const char *path, char *err, size_t nerr) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  kb_site *s = kb_xcalloc(1, sizeof *s);
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "SELECT collection, lang, key, value FROM site", -1, &st, NULL) != SQLITE_OK) {
    snprintf(err, nerr, "%s: cannot read the site content: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    kb_site_free(s);
    return NULL;
  }
  int cap = 0, rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (s->n == cap) {
      cap = cap ? 2 * cap : 16;
      s->v = kb_xrealloc(s->v, (size_t)cap * sizeof *s->v);
    }
    s->v[s->n++] = (S_row){
        .collection = kb_xstrdup((const char *)sqlite3_column_text(st, 0)),
        .lang = kb_xstrdup((const char *)sqlite3_column_text(st, 1)),
        .key = kb_xstrdup((const char *)sqlite3_column_text(st, 2)),
        .value = kb_xstrdup((const char *)sqlite3_column_text(st, 3)),
    };
  }
  if (s->n > 1) qsort(s->v, (size_t)s->n, sizeof *s->v, S_cmp_row);
  if (rc != SQLITE_DONE) {
    snprintf(err, nerr, "%s: cannot read the site content: %s", path, sqlite3_errmsg(db));
    kb_site_free(s);
    s = NULL;
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return s;
}

void kb_site_free(kb_site *s) {
  if (!s) return;
  for (int i = 0; i < s->n; i++) {
    free(s->v[i].collection);
    free(s->v[i].lang);
    free(s->v[i].key);
    free(s->v[i].value);
  }
  free(s->v);
  free(s);
}

static const char *S_exact(const kb_site *s, const char *coll, const char *lang, const char *key) {
  int lo = 0, hi = s->n - 1;
  while (lo <= hi) {
    int mid = lo + (hi - lo) / 2, c = S_cmp3(key, coll, lang, &s->v[mid]);
    if (!c) return s->v[mid].value;
    if (c < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return NULL;
}

const char *kb_site_get(const kb_site *s, const char *collection, const char *lang, const char *key) {
  if (!s) return NULL;
  const char *c = collection && strcmp(collection, "default") ? collection : "";
  const char *l = lang ? lang : "";
  const char *v = NULL;
  if (*c && *l) v = S_exact(s, c, l, key);
  if (!v && *c) v = S_exact(s, c, "", key);
  if (!v && *l) v = S_exact(s, "", l, key);
  if (!v) v = S_exact(s, "", "", key);
  return v;
}

int kb_site_contacts(const kb_site *s, const char *collection, const char *lang) {
  int n = 0;
  char key[32];
  for (;;) {
    snprintf(key, sizeof key, "contact.%d.name", n + 1);
    if (!kb_site_get(s, collection, lang, key)) return n;
    n++;
  }
}
