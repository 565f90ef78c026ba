/*
 * kb_build.h - a knowledge-base directory to an index: walk, parse,
 * validate, write. Used by kb-index and by the server's --kb mode.
 *
 * KB_DIR holds articles as *.md files at any depth, and optionally, at its
 * top, lang/<code>/ for each language (its word lists, kb_lang.h, and its
 * synonyms.txt, kb_synonyms.h; a language of the articles without one gets
 * the lists shipped with kb-index, else empty lists and a warning),
 * places.tsv (towns customers name:
 * "name<TAB>county<TAB>lat<TAB>lon<TAB>aliases" with a header line) and
 * devices.tsv (words that name a phone of a platform: "term<TAB>platform",
 * platform ios or android, with a header line).
 * Every problem is collected (path:line: message); the index is written
 * only when there is no error, and atomically (kb_index.h).
 */
#ifndef KB_BUILD_H
#define KB_BUILD_H

#include <stdatomic.h>
#include <stddef.h>

#include "kb_diag.h"

typedef struct kb_build_stats {
  int articles;
  int stores;
  int collections;
  int places;
  int synonyms;
  int errors;
  int warnings;
  double seconds;
} kb_build_stats;

typedef struct kb_build_opts {
  const char *kb_dir;   /* the knowledge base */
  const char *out;      /* the index to write; NULL with check_only */
  int check_only;       /* validate, write nothing */
  const char *lang;     /* the language of the messages (kb/lang/<code>/
                           messages.tsv, English where it lacks one);
                           NULL: English */
  int progress;         /* print progress to stderr (a terminal) */
  const atomic_int *cancel; /* set non-zero (from any thread) to stop the
                           build: checked between files and while one is
                           parsed; kb_build_run() then returns 3. NULL:
                           never */
  double file_seconds;  /* a file that takes longer to parse is an error
                           of that file; 0: 10 s */
  /* Called (on the building thread) once the files are read and checked
   * without an error, before the index is written (most of a build's
   * time): d and st are the build's problems and counts so far. NULL:
   * not called. */
  void (*on_checked)(void *ctx, const kb_diag *d, const kb_build_stats *st);
  void *on_checked_ctx;
} kb_build_opts;

/* Builds (or checks) the index. Returns 0 on success, 1 when the
 * knowledge base has errors (listed in d; nothing written), 2 when the
 * index could not be written (message in err; the old index untouched),
 * 3 when cancelled through o->cancel (nothing written). */
int kb_build_run(const kb_build_opts *o, kb_diag *d, kb_build_stats *st,
                 char *err, size_t nerr);

/* The build's summary line without its "kb-index: " ("260 articles (76
 * stores), 1 collection, ..., 0.35 s -> INDEX"), in the language of d's
 * messages (its catalogue's summary.* texts and plural.one, as
 * kb_build_run() set it); rc is kb_build_run()'s. Caller frees. */
char *kb_build_summary(const kb_diag *d, const kb_build_stats *st, int rc, const kb_build_opts *o);

/* kb-index's own words in language lang (NULL: English): a kb_diag with
 * no messages whose catalogue is lang/<code>/messages.tsv of kb_dir (NULL:
 * none), else the shipped one, English's where lang's lacks an id. For
 * what kb-index says outside a build (its help, the watch's lines). The
 * caller frees it with kb_diag_free(). */
kb_diag *kb_build_words(const char *kb_dir, const char *lang);

/* The text of id in words (NULL: the id itself) with its {name} marks
 * filled from the NULL-terminated name, value pairs that follow. Caller
 * frees. */
char *kb_build_say(const kb_diag *words, const char *id, ...) __attribute__((sentinel));

#endif
