/*
 * kb-index - build the search index from a knowledge-base directory.
 *
 *   kb-index [--check] [--quiet] [--lang L] KB_DIR [-o INDEX]
 *   kb-index --watch KB_DIR -o INDEX
 *
 * Every problem is printed as path:line: error|warning: message. With
 * errors the exit status is 1 and INDEX is left as it was; 2 means the
 * index could not be written; 0 success. --check validates only. Every
 * build that targets INDEX also writes INDEX.status.json (kb_status.h).
 * --watch rebuilds on every change until SIGTERM or SIGINT. --lang words
 * the messages in language L (kb/lang/L/messages.tsv; English where it
 * lacks one).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kb_build.h"
#include "kb_status.h"
#include "kb_watch.h"

static volatile sig_atomic_t S_stop;

static void S_on_signal(int sig) {
  (void)sig;
  S_stop = 1;
}

/* --watch: the first build, then one per burst of changes. Exit status:
 * 0 when stopped by a signal, 1 when the watch could not start. */
static int S_watch(const kb_build_opts *o) {
  char err[512] = "";
  kb_watch *w = kb_watch_new(o->kb_dir, o->out, err, sizeof err);
  if (!w) {
    fprintf(stderr, "kb-index: %s\n", err);
    return 1;
  }
  struct sigaction sa = {.sa_handler = S_on_signal};
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  fprintf(stderr, "kb-index: watching %s (SIGTERM or Ctrl-C stops)\n", o->kb_dir);
  kb_watch_run(w, &S_stop);
  kb_watch_free(w);
  return 0;
}

static void S_usage(FILE *f) {
  fputs("usage: kb-index [--check] [--quiet] [--lang L] KB_DIR -o INDEX\n"
        "       kb-index --watch KB_DIR -o INDEX\n"
        "\n"
        "Builds the search index INDEX from the Markdown articles in KB_DIR\n"
        "(and its site.yaml, lang/<code>/ word lists and synonyms, places.tsv\n"
        "and places/*.tsv). Problems are printed as\n"
        "path:line: message; with any error INDEX is not touched.\n"
        "\n"
        "  -o, --output INDEX  the index file to write (replaced atomically)\n"
        "  --check             validate only, write nothing\n"
        "  --watch             build, then rebuild on every change until\n"
        "                      SIGTERM/Ctrl-C (a server serving INDEX swaps\n"
        "                      each good build in; INDEX.status.json tells\n"
        "                      it the problems of the last build)\n"
        "  --lang L            the messages in language L (fr, de, es...:\n"
        "                      lang/L/messages.tsv; English where it has none)\n"
        "  -q, --quiet         no summary line\n"
        "  -h, --help          this help\n"
        "\n"
        "Exit status: 0 ok, 1 the knowledge base has errors, 2 the index\n"
        "could not be written, 64 usage error.\n",
        f);
}

int main(int argc, char **argv) {
  kb_build_opts o = {0};
  int quiet = 0, watch = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--check")) o.check_only = 1;
    else if (!strcmp(a, "--watch")) watch = 1;
    else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) quiet = 1;
    else if (!strcmp(a, "-h") || !strcmp(a, "--help")) { S_usage(stdout); return 0; }
    else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc) o.out = argv[++i];
    else if (!strcmp(a, "--lang") && i + 1 < argc) {
      o.lang = argv[++i];
      size_t n = strspn(o.lang, "abcdefghijklmnopqrstuvwxyz");
      if (n < 2 || n > 3 || o.lang[n]) {
        fprintf(stderr, "kb-index: --lang '%s': a language code is 2 or 3 lower-case letters (fr, de)\n", o.lang);
        return 64;
      }
    }
    else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "kb-index: unknown option '%s'\n", a);
      S_usage(stderr);
      return 64;
    } else if (!o.kb_dir) o.kb_dir = a;
    else {
      fprintf(stderr, "kb-index: one KB_DIR only ('%s' is extra)\n", a);
      return 64;
    }
  }
  if (!o.kb_dir || (!o.out && !o.check_only) || (watch && o.check_only)) {
    S_usage(stderr);
    return 64;
  }
  if (watch) return S_watch(&o);
  o.progress = !quiet && isatty(2);
  kb_diag *d = kb_diag_new();
  kb_build_stats st;
  char err[512] = "";
  int rc = kb_build_run(&o, d, &st, err, sizeof err);
  kb_diag_print(d, stderr);
  if (rc == 2) fprintf(stderr, "kb-index: %s\n", err);
  if (!o.check_only && kb_status_write(o.out, o.kb_dir, 1, rc, d, &st, err, 0) != 0 && !rc)
    fprintf(stderr, "kb-index: cannot write the status of %s: %s\n", o.out, strerror(errno));
  if (!quiet || rc) { /* in the messages' language, as the problems */
    char *line = kb_build_summary(d, &st, rc, &o);
    fprintf(stderr, "kb-index: %s\n", line);
    free(line);
  }
  kb_diag_free(d);
  return rc;
}
