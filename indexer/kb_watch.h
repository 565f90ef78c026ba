/*
 * kb_watch.h - the knowledge team's mode (kb-index --watch KB -o INDEX):
 * build the index, then rebuild it whenever a file of the knowledge base
 * changes, writing the outcome of every build beside the index
 * (kb_status.h). A server serving INDEX swaps each good build in by itself
 * (it watches the file) and shows the problems of a failed one, while the
 * last good index keeps serving.
 *
 * Errors: kb_watch_new() returns NULL with a message in err; the other
 * functions return 0 or -1.
 */
#ifndef KB_WATCH_H
#define KB_WATCH_H

#include <signal.h>
#include <stddef.h>

typedef struct kb_watch kb_watch;

/* Watches kb_dir (inotify, every directory, new ones as they appear);
 * index is the file it builds. Free with kb_watch_free(). */
kb_watch *kb_watch_new(const char *kb_dir, const char *index, char *err, size_t nerr);

/* The builds' messages and the watch's own lines (rebuilt, cancelled...)
 * in language lang (NULL: English; kb/lang/<code>/messages.tsv, as
 * kb-index --lang). Without it they are English. */
void kb_watch_set_lang(kb_watch *w, const char *lang);

/* Builds now, prints the problems to stderr and writes the status file.
 * Returns 0 when the index was written. */
int kb_watch_build(kb_watch *w);

/* Rebuilds after each burst of changes (once the files have been quiet
 * for a moment: editors save in several steps) until *stop is set, which
 * it checks at least every 200 ms (a signal handler may set it). */
void kb_watch_run(kb_watch *w, volatile sig_atomic_t *stop);

void kb_watch_free(kb_watch *w);

#endif
