/*
 * kb_diag.h - diagnostics: the indexer's list of problems, each reported
 * as "path:line: error: message" or "path:line: warning: message" (the
 * format editors and CI logs understand), kept in the order found.
 *
 * A message added by id (kb_diag_msg()) is a message catalogue's entry
 * (kb/lang/<code>/messages.tsv: id<TAB>text with {name} marks) filled with
 * its values; its text is made when it is read, in the catalogue's
 * language at that time (kb_diag_set_catalogue()), so the messages found
 * before the catalogues were read are worded by them too. The id and the
 * values are kept, so a reader can word it in another language (the KB
 * health page in the page's language).
 */
#ifndef KB_DIAG_H
#define KB_DIAG_H

#include <stdarg.h>
#include <stdio.h>

typedef struct kb_diag kb_diag;

/* The outcome of the last build of an index is written beside it, as
 * INDEX KB_DIAG_STATUS_SUFFIX (JSON: builds, errors, warnings, problems,
 * finished, kb): the indexer writes it, the server shows it on /healthz and
 * the pages. Named here because both rooms must agree on it. */
#define KB_DIAG_STATUS_SUFFIX ".status.json"

typedef enum { KB_DIAG_WARNING = 0, KB_DIAG_ERROR = 1 } kb_diag_level;

/* An empty list. Free with kb_diag_free(). */
kb_diag *kb_diag_new(void);
void kb_diag_free(kb_diag *d);

/* Adds a message about path:line (line 0 = the file as a whole). */
void kb_diag_add(kb_diag *d, kb_diag_level level, const char *path, int line,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Adds message id about path:line with the values of its {name} marks:
 * NULL-terminated (name, value) pairs of strings, copied. */
void kb_diag_msg(kb_diag *d, kb_diag_level level, const char *path, int line, const char *id, ...)
    __attribute__((sentinel));
/* The same with the pairs in ap. */
void kb_diag_msgv(kb_diag *d, kb_diag_level level, const char *path, int line, const char *id,
                  va_list ap);

/* Words the messages added by id with the catalogue ids_texts from now on:
 * NULL-terminated (id, text) pairs, copied (the first text of an id
 * counts); NULL: none. Without a catalogue, or where it lacks an id, a
 * message reads "id (name: value, ...)". */
void kb_diag_set_catalogue(kb_diag *d, const char *const *ids_texts);

/* The text of t with each {name} of vals (NULL-terminated name, value
 * pairs) filled in, marks of no value kept. Caller frees. */
char *kb_diag_fill(const char *t, const char *const *vals);

/* The same, where a value may name a catalogue entry: {name} is filled
 * with look(ctx, ID)'s text when vals has "name.id" = ID and look knows ID
 * (that text's own {text} filled with the value "name", the words it
 * stands for; {open} and {close} with braces), else with the value
 * "name". So a message carries a library's English words (libyaml's
 * problem) and the id of their entry (kb_diag_name()), and each reader
 * words them in its language. look NULL: none. Caller frees. */
char *kb_diag_fill_with(const char *t, const char *const *vals,
                        const char *(*look)(const void *ctx, const char *id), const void *ctx);

/* Names the value `name` of every message that has one: adds the value
 * "name.id", the id of ids_texts (NULL-terminated id, text pairs) whose
 * text ({open} and {close} read as braces) is the value, else
 * unknown_id. For a library's finite set of English texts (libyaml's
 * problems, kb/lang/en/messages.tsv's yaml.*), whose catalogue is read
 * after the messages were added. */
void kb_diag_name(kb_diag *d, const char *name, const char *const *ids_texts, const char *unknown_id);

/* The catalogue's text of id (owned by d, valid until
 * kb_diag_set_catalogue() or kb_diag_free()), or NULL. */
const char *kb_diag_text(const kb_diag *d, const char *id);

/* Number of messages of a level. */
int kb_diag_count(const kb_diag *d, kb_diag_level level);

/* Total number of messages. */
int kb_diag_size(const kb_diag *d);

/* The i-th message, formatted "path:line: level: message" (owned by d,
 * valid until kb_diag_set_catalogue() or kb_diag_free()). */
const char *kb_diag_get(const kb_diag *d, int i);

/* The i-th message's id and its values (NULL-terminated name, value pairs;
 * owned by d), or NULL for a message added as text (kb_diag_add()). */
const char *kb_diag_id(const kb_diag *d, int i);
const char *const *kb_diag_vals(const kb_diag *d, int i);

/* Writes every message, one per line, to f. */
void kb_diag_print(const kb_diag *d, FILE *f);

#endif
