/*
 * kb_doc.c - an article of an open index by collection and slug, whole
 * (kb_index_get(), kb_doc in kb_search.h): what the article page and the
 * API's article route read. Split from kb_search.c, which ranks rows.
 */
#include "kb_search.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "kb_index_impl.h"
#include "kb_util.h"

void kb_ix_bind_article(kb_index *ix, sqlite3_stmt *st, const char *collection, const char *slug,
                        const char *lang) {
  const char *def = ix->nlangs ? ix->langs[ix->deflang].lang : "";
  sqlite3_bind_text(st, 1, collection ? collection : "default", -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, slug, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, lang ? lang : def, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, def, -1, SQLITE_STATIC);
}

static char *S_dup_col(sqlite3_stmt *st, int i) {
  const char *s = (const char *)sqlite3_column_text(st, i);
  return s ? kb_xstrdup(s) : NULL;
}

int kb_index_get(kb_index *ix, const char *collection, const char *slug, kb_doc *d) {
  return kb_index_get_lang(ix, collection, slug, NULL, d);
}

int kb_index_get_lang(kb_index *ix, const char *collection, const char *slug, const char *lang,
                      kb_doc *d) {
  memset(d, 0, sizeof *d);
  sqlite3_stmt *st = ix->get;
  kb_ix_bind_article(ix, st, collection, slug, lang);
  int rc = sqlite3_step(st);
  int found = 0;
  if (rc == SQLITE_ROW) {
    found = 1;
    d->id = sqlite3_column_int64(st, 0);
    char **f[] = {&d->collection, &d->slug, &d->lang, &d->type, &d->title, &d->url,
                  &d->reply, &d->escalate, &d->deeplink, &d->tags, &d->phrases,
                  &d->summary, &d->html, &d->source, &d->store};
    for (int i = 0; i < 15; i++) *f[i] = S_dup_col(st, i + 1);
  } else if (rc != SQLITE_DONE) {
    found = -1;
  }
  sqlite3_reset(st);
  return found;
}

int kb_index_has_lang(kb_index *ix, const char *collection, const char *slug, const char *lang) {
  sqlite3_stmt *st = ix->has_lang;
  sqlite3_bind_text(st, 1, collection ? collection : "default", -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, slug, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, lang, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

void kb_doc_free(kb_doc *d) {
  char *f[] = {d->collection, d->slug, d->lang, d->type, d->title, d->url,
               d->reply, d->escalate, d->deeplink, d->tags, d->phrases,
               d->summary, d->html, d->source, d->store};
  for (int i = 0; i < 15; i++) free(f[i]);
  memset(d, 0, sizeof *d);
}
