/*
 * kb_fts.h - the analyzer (kb_text.h) as an SQLite FTS5 tokenizer.
 *
 * Registering it on a connection makes `tokenize = 'kb en'` available to
 * FTS5 tables (with the language's word lists, kb_lang.h), so rows are indexed and MATCH queries are parsed by the same
 * code. The argument is the language (ISO 639-1 code or Snowball name;
 * default "en"). A prefix query term ("deliv*") is folded but not stemmed.
 * Text that is not valid UTF-8 makes the statement fail with SQLITE_ERROR.
 *
 * Raw terms: in a MATCH query, a string that starts with the byte 0x01
 * ("\x01deliveri") is taken as an analyzed term and passed through as it
 * is, so kb_search.c can build queries from the analyzer's terms (and
 * synonyms, corrections) without analyzing them twice. Article text never
 * reaches this path (it is not a query).
 */
#ifndef KB_FTS_H
#define KB_FTS_H

#include <sqlite3.h>

#include "kb_lang.h"

/* Process-wide SQLite settings for a multi-threaded reader; call first
 * in main(), before any other SQLite call (later it does nothing and
 * returns SQLITE_MISUSE). Turns off SQLite's memory statistics: with them
 * on, every allocation takes one global mutex, which worker threads
 * searching at the same time fight over (perf: a third of kb-serve's time
 * under load went to that lock). */
int kb_fts_global_init(void);

/* Registers the "kb" tokenizer on db. A table's tokenizer reads the word
 * lists of its language from langs (kb_lang.h; NULL, or a language not in
 * it: no stop words), which must outlive db and may be filled after this
 * call, up to the first use of a table of that language. Returns
 * SQLITE_OK or an SQLite error code (FTS5 missing from the SQLite
 * library). */
int kb_fts_register(sqlite3 *db, const kb_lang_set *langs);

#endif
