/*
 * kb_diag.h - diagnostics: the indexer's list of problems, each reported
 * as "path:line: error: message" or "path:line: warning: message" (the
 * format editors and CI logs understand), kept in the order found.
 */
#ifndef KB_DIAG_H
#define KB_DIAG_H

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

/* Number of messages of a level. */
int kb_diag_count(const kb_diag *d, kb_diag_level level);

/* Total number of messages. */
int kb_diag_size(const kb_diag *d);

/* The i-th message, formatted "path:line: level: message" (owned by d). */
const char *kb_diag_get(const kb_diag *d, int i);

/* Writes every message, one per line, to f. */
void kb_diag_print(const kb_diag *d, FILE *f);

#endif
