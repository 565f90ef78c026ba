/*
 * kb_examples_file.h - a language's labelled example mentions
 * (kb/lang/<code>/examples.tsv), as kb-index reads and checks them.
 *
 * Format: one example a line, slug<TAB>text: the slug of the article
 * that answers the mention, or "-" where no article fits; '#' at the
 * start of a line makes it a comment, blank lines are ignored. The
 * suggest path compares each mention with them (src/core/kb_examples.c).
 * Problems are reported as path:line and the index is not replaced:
 * a line without exactly one tab, an empty slug or text, a text met
 * before, invalid UTF-8; a slug no article of the language has is
 * checked once the articles are read (kb_examples_file_check()).
 */
#ifndef KB_EXAMPLES_FILE_H
#define KB_EXAMPLES_FILE_H

#include <stddef.h>

#include "kb_diag.h"

typedef struct kb_examples_file kb_examples_file;

/* One example; strings owned by the kb_examples_file. */
typedef struct {
  int line;
  char *slug, *text;
} kb_example_line;

/* Parses data[0..n) read from path; problems go to d. Always returns an
 * object (with the lines that were valid); free with
 * kb_examples_file_free() (NULL is fine). */
kb_examples_file *kb_examples_file_parse(const char *path, const char *data, size_t n,
                                         kb_diag *d);
void kb_examples_file_free(kb_examples_file *f);

int kb_examples_file_count(const kb_examples_file *f);
const kb_example_line *kb_examples_file_line(const kb_examples_file *f, int i);

/* Reports each example whose slug (not "-") has_slug(ctx, slug) says no
 * article has (0), as an error at its line. */
void kb_examples_file_check(const kb_examples_file *f, int (*has_slug)(void *ctx, const char *slug),
                            void *ctx, kb_diag *d);

#endif
