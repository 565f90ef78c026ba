/*
 * kb_fts.c - the "kb" FTS5 tokenizer: a thin wrapper that hands FTS5's
 * xTokenize calls to a kb_analyzer (one per tokenizer instance, so one per
 * table and connection, which keeps the Snowball stemmer single-threaded).
 */
#include "kb_fts.h"

#include <string.h>

#include "kb_text.h"


typedef struct {
  void *pCtx;
  int (*xToken)(void *, int, const char *, int, int, int);
} S_cb;

/* pLangs: the kb_lang_set given to kb_fts_register(), or NULL. */
static int S_xCreate(void *pLangs, const char **azArg, int nArg,
                     Fts5Tokenizer **ppOut) {
  char err[128];
  const char *lang = nArg > 0 ? azArg[0] : "en";
  kb_analyzer *a = kb_analyzer_new_data(lang, kb_lang_set_find(pLangs, lang), err, sizeof err);
  *ppOut = (Fts5Tokenizer *)a;
  return a ? SQLITE_OK : SQLITE_ERROR;
}

static void S_xDelete(Fts5Tokenizer *p) { kb_analyzer_free((kb_analyzer *)p); }

static int S_forward(void *ctx, int flags, const char *term, int nterm,
                     int start, int end) {
  S_cb *cb = ctx;
  return cb->xToken(cb->pCtx, (flags & KB_TOKEN_COLOCATED) ? FTS5_TOKEN_COLOCATED : 0,
                    term, nterm, start, end);
}

static int S_xTokenize(Fts5Tokenizer *p, void *pCtx, int flags,
                       const char *pText, int nText,
                       int (*xToken)(void *, int, const char *, int, int, int)) {
  S_cb cb = {.pCtx = pCtx, .xToken = xToken};
  /* A query string starting with \x01 holds analyzed terms separated by
   * spaces (kb_search.c builds queries from terms): pass them through. */
  if ((flags & FTS5_TOKENIZE_QUERY) && nText > 1 && pText[0] == '\x01') {
    int rc = SQLITE_OK;
    for (int i = 1; rc == SQLITE_OK && i < nText;) {
      int j = i;
      while (j < nText && pText[j] != ' ') j++;
      if (j > i) rc = xToken(pCtx, 0, pText + i, j - i, i, j);
      i = j + 1;
    }
    return rc;
  }
  /* documents carry exact forms beside stems; queries ask for them as
   * raw terms (kb_search.c) */
  int kflags = (flags & FTS5_TOKENIZE_PREFIX) ? KB_TEXT_PREFIX
             : (flags & FTS5_TOKENIZE_DOCUMENT) ? KB_TEXT_EXACT
             /* auxiliary functions (snippet, highlight) read positions and
              * spans, never the terms: stemming would be wasted there */
             : (flags == FTS5_TOKENIZE_AUX) ? KB_TEXT_SPANS : 0;
  int rc = kb_analyzer_run((kb_analyzer *)p, pText ? pText : "", nText, kflags,
                           S_forward, &cb);
  if (rc == KB_TEXT_EUTF8) return SQLITE_ERROR;
  return rc;
}

int kb_fts_global_init(void) {
  return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static fts5_api *S_fts5_api(sqlite3 *db) {
  fts5_api *api = NULL;
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
  sqlite3_step(st);
  sqlite3_finalize(st);
  return api;
}

int kb_fts_register(sqlite3 *db, const kb_lang_set *langs) {
  static fts5_tokenizer tok = {.xCreate = S_xCreate, .xDelete = S_xDelete,
                               .xTokenize = S_xTokenize};
  fts5_api *api = S_fts5_api(db);
  if (!api) return SQLITE_ERROR;
  return api->xCreateTokenizer(api, "kb", (void *)langs, &tok, NULL);
}
