/*
 * kb_uifile.h - kb/lang/<code>/ui.tsv: every word the public pages say
 * (navigation, headings, buttons, messages, month and day names), per
 * language, so that a page of the /fr/ site is French from data, not C.
 *
 *   # key<TAB>text
 *   nav.home	Help home
 *   search.count.other	{n} results for “{q}”
 *
 * A text is one line of UTF-8, written as plain text (the pages escape it);
 * {name} marks where the page puts a value. Keys are lower case letters,
 * digits, '.', '-' and '_'. English (the reference, shipped with kb-index
 * when a knowledge base has none of its own) names every key the pages
 * use: another language's key that English lacks, or a {name} that
 * English's text of the key lacks, is an error; a key English has and the
 * language lacks is a warning (the page shows the English text).
 * Keys category.SLUG name a category of the articles (SLUG: its address
 * under /topics/, from the default language's name) in a language; they
 * are not checked against English, whose names are the articles' own.
 *
 * The indexer stores each text as a site row (collection "", the
 * language, "ui.KEY"); kb_ui.h on the server reads them.
 *
 * Errors: parsing and checking report in a kb_diag as path:line messages
 * and leave out what is wrong; nothing here fails as a whole.
 */
#ifndef KB_UIFILE_H
#define KB_UIFILE_H

#include <stddef.h>

#include "kb_diag.h"

typedef struct kb_uifile kb_uifile;

/* An empty set of texts. Free with kb_uifile_free(). */
kb_uifile *kb_uifile_new(void);
void kb_uifile_free(kb_uifile *u); /* NULL is allowed */

/* Adds the texts of language lang from the file read from path (its text
 * data[0..n)), checking each line. */
void kb_uifile_parse(kb_uifile *u, const char *lang, const char *path, const char *data, size_t n,
                     kb_diag *d);

/* 1 if a file of language lang was parsed. */
int kb_uifile_has(const kb_uifile *u, const char *lang);

/* Checks every language against ref's texts (above). */
void kb_uifile_check(const kb_uifile *u, const char *ref, kb_diag *d);

/* What a key is called in check's messages ("key of the pages", the
 * default; "message id" for messages.tsv); copied. */
void kb_uifile_set_what(kb_uifile *u, const char *what);

/* The text of key in lang, or NULL (owned by u). */
const char *kb_uifile_text(const kb_uifile *u, const char *lang, const char *key);

/* The texts, in the order parsed; entry i's strings are owned by u. */
int kb_uifile_count(const kb_uifile *u);
void kb_uifile_entry(const kb_uifile *u, int i, const char **lang, const char **key, const char **text);

#endif
