/*
 * kb_site.c - the site content of an index (kb_site.h): some hundred rows
 * per language (the pages' words, each article's category and dates: 3,038
 * rows in kb/'s index), held in memory and found by a hash of (key,
 * collection, language): a page looks up dozens, each up to four times
 * (kb_site_get()), and a binary search of the rows by strcmp() cost a
 * search page 10 K instructions in lookups (docs/benchmarks.md, thirteenth
 * session).
 */
#include "kb_site.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_util.h"

typedef struct {
  char *collection, *lang, *key, *value;
  uint64_t hash; /* S_hash() of (key, collection, lang) */
} S_row;

struct kb_site {
  S_row *v;
  int n;
  int *slot; /* nslot entries (a power of two, over twice n): a row's index + 1, or 0 */
  size_t nslot;
};

/* FNV-1a over s and its NUL, from h: a key's hash is continued with the
 * collection's and the language's, so a lookup hashes its key once. */
static uint64_t S_fnv(uint64_t h, const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  do {
    h ^= *p;
    h *= 0x100000001b3ULL;
  } while (*p++);
  return h;
}

#define S_FNV_START 0xcbf29ce484222325ULL

static uint64_t S_hash_from(uint64_t hkey, const char *coll, const char *lang) {
  return S_fnv(S_fnv(hkey, coll), lang);
}

/* Puts row i into the table (the rows are distinct: the site table's
 * primary key is (collection, lang, key)). */
static void S_insert(kb_site *s, int i) {
  size_t at = (size_t)s->v[i].hash & (s->nslot - 1);
  while (s->slot[at]) at = (at + 1) & (s->nslot - 1);
  s->slot[at] = i + 1;
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
  s->nslot = 16;
  while (s->nslot < 2 * (size_t)s->n) s->nslot *= 2;
  s->slot = kb_xcalloc(s->nslot, sizeof *s->slot);
  for (int i = 0; i < s->n; i++) {
    S_row *r = &s->v[i];
    r->hash = S_hash_from(S_fnv(S_FNV_START, r->key), r->collection, r->lang);
    S_insert(s, i);
  }
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
  free(s->slot);
  free(s);
}

static const char *S_exact(const kb_site *s, uint64_t hkey, const char *coll, const char *lang,
                           const char *key) {
  uint64_t h = S_hash_from(hkey, coll, lang);
  for (size_t at = (size_t)h & (s->nslot - 1); s->slot[at]; at = (at + 1) & (s->nslot - 1)) {
    const S_row *r = &s->v[s->slot[at] - 1];
    if (r->hash == h && !strcmp(r->key, key) && !strcmp(r->collection, coll) && !strcmp(r->lang, lang))
      return r->value;
  }
  return NULL;
}

const char *kb_site_get(const kb_site *s, const char *collection, const char *lang, const char *key) {
  if (!s) return NULL;
  const char *c = collection && strcmp(collection, "default") ? collection : "";
  const char *l = lang ? lang : "";
  const char *v = NULL;
  uint64_t hk = S_fnv(S_FNV_START, key);
  if (*c && *l) v = S_exact(s, hk, c, l, key);
  if (!v && *c) v = S_exact(s, hk, c, "", key);
  if (!v && *l) v = S_exact(s, hk, "", l, key);
  if (!v) v = S_exact(s, hk, "", "", key);
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
