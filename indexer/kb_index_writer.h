/*
 * kb_index_writer.h - the index file: its schema, and writing it.
 *
 * An index is one SQLite database (schema in kb_index_writer.c) holding
 * the articles' metadata and rendered HTML, one FTS5 table per language
 * tokenized by the "kb" tokenizer, the store directory, the places file,
 * and each language's synonyms and word lists. It is built in a temporary
 * file next to the target and renamed over it only when complete, so
 * readers never see half an index and a failed build leaves the old one
 * untouched.
 *
 * Error convention: functions return 0, or -1 with a message in the
 * caller's err buffer (nerr bytes).
 */
#ifndef KB_INDEX_WRITER_H
#define KB_INDEX_WRITER_H

#include <stddef.h>

#include "kb_article.h"
#include "kb_lang.h"
#include "kb_search.h" /* KB_INDEX_SCHEMA_VERSION */

typedef struct kb_index_writer kb_index_writer;

/* Starts writing a new index that will replace `path` when finished (the
 * data goes to a temporary file in the same directory). Returns NULL with a
 * message in err on failure. */
kb_index_writer *kb_index_writer_new(const char *path, char *err, size_t nerr);

/* Adds an article. Returns 0, or -1 with a message in err. */
int kb_index_writer_add(kb_index_writer *w, const kb_article *a, char *err,
                        size_t nerr);

/* Adds a place (town) customers may name: name, county, coordinates,
 * lower-case aliases (comma-separated, may be empty) and the language of
 * the site of its country (kb/places/fr.tsv: fr). Returns 0 or -1. */
int kb_index_writer_add_place(kb_index_writer *w, const char *name,
                              const char *county, double lat, double lon,
                              const char *aliases, const char *lang, char *err, size_t nerr);

/* Adds a synonym rule of language lang read from line `line`: the terms on
 * the left, and the terms on the right for a one-way rule ("a, b => c") or
 * NULL for an equivalence group ("a, b, c"). Terms are '\x1f'-separated.
 * Returns 0 or -1. */
int kb_index_writer_add_synonyms(kb_index_writer *w, const char *lang, int line,
                                 const char *lhs, const char *rhs, char *err, size_t nerr);

/* Adds an example mention of language lang read from line `line`
 * (kb_examples_file.h): the slug of the article it was answered with, or
 * "-" for none, and its text. Returns 0 or -1. */
int kb_index_writer_add_example(kb_index_writer *w, const char *lang, int line,
                                const char *slug, const char *text, char *err, size_t nerr);

/* The same for a line of labelled.tsv (the word model's other training
 * lines, kb_words.h), into table labelled: a table of its own, not
 * examples with a kind column, so that the examples' nearness
 * (kb_examples.c) and every tool reading table examples go on reading
 * examples.tsv's lines only, unchanged. Returns 0 or -1. */
int kb_index_writer_add_labelled(kb_index_writer *w, const char *lang, int line,
                                 const char *slug, const char *text, char *err, size_t nerr);

/* Adds a language's word lists (kb_lang.h; w keeps a copy): stored in the
 * index, and read by the tokenizer of that language's table. Call before
 * the first article of the language. Returns 0, or -1 with a message in
 * err (more than KB_MAX_LANGS languages, articles already added). */
int kb_index_writer_add_lang(kb_index_writer *w, const kb_lang *l, char *err, size_t nerr);

/* Adds a word that names a phone of a platform ("galaxy", "android").
 * Returns 0 or -1. */
int kb_index_writer_add_device(kb_index_writer *w, const char *term,
                               const char *platform, char *err, size_t nerr);

/* Adds one entry of kb/site.yaml (kb_sitefile.h): collection and lang are
 * "" for every one. Returns 0 or -1. */
int kb_index_writer_add_site(kb_index_writer *w, const char *collection, const char *lang,
                             const char *key, const char *value, char *err, size_t nerr);

/* Sets a metadata value (meta table). Returns 0 or -1. */
int kb_index_writer_set_meta(kb_index_writer *w, const char *key,
                             const char *value, char *err, size_t nerr);

/* Finishes the index: optimizes the FTS tables, checks their integrity,
 * syncs the file to disk and renames it over the target. Returns 0, or -1
 * with a message (the target is then untouched). */
int kb_index_writer_finish(kb_index_writer *w, char *err, size_t nerr);

/* Frees the writer; an unfinished index is discarded (temporary file
 * removed). NULL is allowed. */
void kb_index_writer_free(kb_index_writer *w);

/* Number of articles added so far. */
int kb_index_writer_count(const kb_index_writer *w);

#endif
