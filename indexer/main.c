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
 * lacks one), and so are this program's help and its watch's lines (the
 * cli.* and watch.* messages).
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

/* Prints "kb-index: " and message id of words with its pairs filled. */
#define S_SAY(words, id, ...)                              \
  do {                                                     \
    char *t_ = kb_build_say(words, id, __VA_ARGS__, NULL); \
    fprintf(stderr, "kb-index: %s\n", t_);                 \
    free(t_);                                              \
  } while (0)

/* --watch: the first build, then one per burst of changes. Exit status:
 * 0 when stopped by a signal, 1 when the watch could not start. */
static int S_watch(const kb_build_opts *o, const kb_diag *words) {
  char err[512] = "";
  kb_watch *w = kb_watch_new(o->kb_dir, o->out, err, sizeof err);
  if (!w) {
    fprintf(stderr, "kb-index: %s\n", err);
    return 1;
  }
  kb_watch_set_lang(w, o->lang);
  struct sigaction sa = {.sa_handler = S_on_signal};
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  S_SAY(words, "watch.watching", "dir", o->kb_dir);
  kb_watch_run(w, &S_stop);
  kb_watch_free(w);
  return 0;
}

/* Writes message id of words to f, each {nl} a new line indented by
 * indent spaces (the option column's). */
static void S_help_text(FILE *f, const kb_diag *words, const char *id, int indent) {
  char nl[40];
  snprintf(nl, sizeof nl, "\n%*s", indent, "");
  char *t = kb_build_say(words, id, "nl", nl, NULL);
  fprintf(f, "%s\n", t);
  free(t);
}

/* The help, in the words of --lang (words: kb_build_words()). */
static void S_usage(FILE *f, const kb_diag *words) {
  /* the options themselves are not words of a language */
  static const char *const opts[][2] = {
      {"-o, --output INDEX", "cli.opt.output"}, {"--check", "cli.opt.check"}, {"--watch", "cli.opt.watch"},
      {"--lang L", "cli.opt.lang"}, {"-q, --quiet", "cli.opt.quiet"}, {"-h, --help", "cli.opt.help"}};
  S_help_text(f, words, "cli.usage", 0);
  fputc('\n', f);
  S_help_text(f, words, "cli.about", 0);
  fputc('\n', f);
  for (size_t i = 0; i < sizeof opts / sizeof *opts; i++) {
    fprintf(f, "  %-20s", opts[i][0]);
    S_help_text(f, words, opts[i][1], 22);
  }
  fputc('\n', f);
  S_help_text(f, words, "cli.exit", 0);
}

/* The words of --lang for what kb-index says outside a build: read from
 * KB_DIR (when given) or the shipped data, once the arguments are read. */
static kb_diag *S_words(const kb_build_opts *o) { return kb_build_words(o->kb_dir, o->lang); }

int main(int argc, char **argv) {
  kb_build_opts o = {0};
  int quiet = 0, watch = 0;
  int first = 0; /* the first of: 1 --help, 2 an unknown option, 3 a second KB_DIR */
  const char *unknown = NULL, *extra = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--check")) o.check_only = 1;
    else if (!strcmp(a, "--watch")) watch = 1;
    else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) quiet = 1;
    else if (!strcmp(a, "-h") || !strcmp(a, "--help")) first = first ? first : 1;
    else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc) o.out = argv[++i];
    else if (!strcmp(a, "--lang") && i + 1 < argc) {
      o.lang = argv[++i];
      size_t n = strspn(o.lang, "abcdefghijklmnopqrstuvwxyz");
      if (n < 2 || n > 3 || o.lang[n]) { /* no language's words to say it in */
        fprintf(stderr, "kb-index: --lang '%s': a language code is 2 or 3 lower-case letters (fr, de)\n", o.lang);
        return 64;
      }
    }
    else if (a[0] == '-' && a[1]) {
      if (!first) first = 2, unknown = a;
    } else if (!o.kb_dir) o.kb_dir = a;
    else if (!first) first = 3, extra = a;
  }
  /* the first of these, as it always was, in --lang's words (so said once
   * every argument is read) */
  if (first || !o.kb_dir || (!o.out && !o.check_only) || (watch && o.check_only)) {
    kb_diag *words = S_words(&o);
    int rc = 64;
    if (first == 1) {
      S_usage(stdout, words);
      rc = 0;
    } else if (first == 2) {
      S_SAY(words, "cli.unknown-option", "option", unknown);
      S_usage(stderr, words);
    } else if (first == 3) {
      S_SAY(words, "cli.extra-dir", "arg", extra);
    } else {
      S_usage(stderr, words);
    }
    kb_diag_free(words);
    return rc;
  }
  if (watch) {
    kb_diag *words = S_words(&o);
    int rc = S_watch(&o, words);
    kb_diag_free(words);
    return rc;
  }
  o.progress = !quiet && isatty(2);
  kb_diag *d = kb_diag_new();
  kb_build_stats st;
  char err[512] = "";
  int rc = kb_build_run(&o, d, &st, err, sizeof err);
  kb_diag_print(d, stderr);
  if (rc == 2) fprintf(stderr, "kb-index: %s\n", err);
  if (!o.check_only && kb_status_write(o.out, o.kb_dir, 1, rc, d, &st, err, 0) != 0 && !rc)
    S_SAY(d, "cli.status-not-written", "index", o.out, "reason", strerror(errno));
  if (!quiet || rc) { /* in the messages' language, as the problems */
    char *line = kb_build_summary(d, &st, rc, &o);
    fprintf(stderr, "kb-index: %s\n", line);
    free(line);
  }
  kb_diag_free(d);
  return rc;
}
