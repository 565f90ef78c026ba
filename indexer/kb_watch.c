/*
 * kb_watch.c - kb-index --watch: rebuild the index whenever the knowledge
 * base changes (kb_watch.h).
 */
#include "kb_watch.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kb_build.h"
#include "kb_status.h"
#include "kb_util.h"

#define S_QUIET_MS 150   /* changes must stop this long before a rebuild */

/* The build runs on a thread of its own, so the watcher keeps reading
 * changes meanwhile: a change during a build cancels it (kb_build_opts'
 * cancel flag, checked between files and while one is parsed) and a new
 * one starts once the files are quiet; a stop cancels it too. While it
 * runs the status file says "building": true, with the last finished
 * build's problems until its own files are checked, then with its own
 * (S_checked) while the index is written. */
struct kb_watch {
  char *kb_dir;
  char *index;
  int fd;                /* inotify */
  int builds;            /* builds whose check finished */
  int counted;           /* the build in progress is in builds */
  pthread_t builder;     /* the build in progress, if building */
  int building;          /* builder was started and not joined yet */
  atomic_int built;      /* builder has finished */
  atomic_int cancel;     /* tells the build in progress to stop */
  int build_rc;          /* S_build's result, read after the join */
  /* the last finished build, written again while the next one runs */
  kb_diag *last_d;
  kb_build_stats last_st;
  int last_rc;
  char last_err[512];
  char *lang;            /* the language of the builds' messages, or NULL */
  kb_diag *words;        /* its words for the watch's own lines (kb_build_words) */
};

/* Prints "kb-index: " and message id of the watch's words, filled. */
#define S_SAY(w, id, ...)                                     \
  do {                                                        \
    char *t_ = kb_build_say((w)->words, id, __VA_ARGS__, NULL); \
    fprintf(stderr, "kb-index: %s\n", t_);                    \
    free(t_);                                                 \
  } while (0)

/* Adds watches on dir and every directory below it; symbolic links are
 * not followed (one to a parent would never end). */
static void S_watch_tree(kb_watch *w, const char *dir) {
  inotify_add_watch(w->fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE |
                                    IN_DELETE | IN_DELETE_SELF | IN_ATTRIB);
  DIR *dh = opendir(dir);
  if (!dh) return;
  struct dirent *e;
  while ((e = readdir(dh)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char *p = kb_fmt("%s/%s", dir, e->d_name);
    struct stat st;
    if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) S_watch_tree(w, p);
    free(p);
  }
  closedir(dh);
}

/* Writes the last finished build's status; nothing before the first
 * build has finished (a server waits for that one). */
static void S_write_status(kb_watch *w, int building) {
  if (!w->last_d) return;
  if (kb_status_write(w->index, w->kb_dir, w->builds, w->last_rc, w->last_d, &w->last_st,
                      w->last_err, building) != 0)
    S_SAY(w, "cli.status-not-written", "index", w->index, "reason", strerror(errno));
}

/* The build's files are checked and without errors; the index is being
 * written. The status says so at once (building, this build's problems),
 * so a fixed error clears within the check's time, not the whole
 * build's: writing, optimizing and checking the index is most of it (1 s
 * of 1.2 for kb/ on a loaded 2-core machine). Builder thread. */
static void S_checked(void *ctx, const kb_diag *d, const kb_build_stats *st) {
  kb_watch *w = ctx;
  w->builds++;
  w->counted = 1;
  if (!w->last_d) return; /* the first build: a server waits for its end (S_write_status) */
  if (kb_status_write(w->index, w->kb_dir, w->builds, 0, d, st, "", 1) != 0)
    S_SAY(w, "cli.status-not-written", "index", w->index, "reason", strerror(errno));
}

/* Builds the index, prints the problems and writes the status file;
 * returns 0 if the index was written, 1 when the build was cancelled (the
 * last build's status stands), -1 when it failed. */
static int S_build(kb_watch *w) {
  kb_build_opts o = {.kb_dir = w->kb_dir, .out = w->index, .cancel = &w->cancel, .lang = w->lang,
                     .on_checked = S_checked, .on_checked_ctx = w};
  kb_diag *d = kb_diag_new();
  kb_build_stats st = {0};
  char err[512] = "";
  w->counted = 0;
  int rc = kb_build_run(&o, d, &st, err, sizeof err);
  if (rc == 3) {
    kb_diag_free(d);
    S_SAY(w, "watch.cancelled", "dir", w->kb_dir);
    if (w->counted) w->builds--; /* the next status: the last finished build's */
    return 1;
  }
  if (!w->counted) w->builds++;
  kb_diag_print(d, stderr);
  if (rc == 2) fprintf(stderr, "kb-index: %s: %s\n", w->index, err);
  kb_diag_free(w->last_d);
  w->last_d = d;
  w->last_st = st;
  w->last_rc = rc;
  snprintf(w->last_err, sizeof w->last_err, "%s", err);
  S_write_status(w, 0);
  if (rc == 0) {
    char na[16], nw[16], secs[32];
    snprintf(na, sizeof na, "%d", st.articles);
    snprintf(nw, sizeof nw, "%d", st.warnings);
    snprintf(secs, sizeof secs, "%.2f", st.seconds);
    char *dot = strchr(secs, '.');
    if (dot) *dot = 0; /* {s}.{cs}: the language's decimal mark */
    S_SAY(w, "watch.rebuilt", "index", w->index, "articles", na, "warnings", nw, "s", secs, "cs",
          dot ? dot + 1 : "00");
  } else {
    S_SAY(w, "watch.has-errors", "dir", w->kb_dir, "index", w->index);
  }
  return rc == 0 ? 0 : -1;
}

/* Reads inotify events; returns 1 if any concerns the knowledge base. */
static int S_drain(kb_watch *w) {
  char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
  int changed = 0;
  ssize_t n;
  while ((n = read(w->fd, buf, sizeof buf)) > 0) {
    for (char *p = buf; p < buf + n;) {
      struct inotify_event *ev = (struct inotify_event *)(void *)p;
      if (ev->len == 0 || ev->name[0] != '.') changed = 1;
      p += sizeof *ev + ev->len;
    }
  }
  return changed;
}

static void *S_build_run(void *arg) {
  kb_watch *w = arg;
  w->build_rc = S_build(w);
  atomic_store(&w->built, 1);
  return NULL;
}

/* Starts a build on its own thread; 0, or -1 when no thread could start. */
static int S_build_start(kb_watch *w) {
  atomic_store(&w->cancel, 0);
  atomic_store(&w->built, 0);
  S_write_status(w, 1);
  if (pthread_create(&w->builder, NULL, S_build_run, w) != 0) return -1;
  w->building = 1;
  return 0;
}

/* Joins a finished build. Returns 1 if it was cancelled (the files must
 * be built again). */
static int S_build_join(kb_watch *w) {
  pthread_join(w->builder, NULL);
  w->building = 0;
  return w->build_rc == 1;
}

void kb_watch_run(kb_watch *w, volatile sig_atomic_t *stop) {
  struct pollfd pfd = {.fd = w->fd, .events = POLLIN};
  int pending = 0;
  if (S_build_start(w) != 0) pending = 1; /* the first build, at once */
  while (!*stop) {
    int r = poll(&pfd, 1, pending || w->building ? S_QUIET_MS : 200);
    if (r > 0) {
      if (S_drain(w)) {
        pending = 1;
        if (w->building) atomic_store(&w->cancel, 1); /* outdated: start again */
      }
      continue; /* wait for quiet */
    }
    if (w->building && atomic_load(&w->built) && S_build_join(w)) pending = 1;
    if (r == 0 && pending && !w->building) {
      pending = 0;
      S_watch_tree(w, w->kb_dir); /* new directories */
      if (S_build_start(w) != 0) pending = 1;
    }
  }
  if (w->building) { /* stopped: the build in progress is cancelled */
    atomic_store(&w->cancel, 1);
    pthread_join(w->builder, NULL);
    w->building = 0;
  }
}

kb_watch *kb_watch_new(const char *kb_dir, const char *index, char *err, size_t nerr) {
  kb_watch *w = kb_xcalloc(1, sizeof *w);
  w->kb_dir = kb_xstrdup(kb_dir);
  w->index = kb_xstrdup(index);
  w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (w->fd < 0) {
    snprintf(err, nerr, "cannot watch %s: %s", kb_dir, strerror(errno));
    kb_watch_free(w);
    return NULL;
  }
  S_watch_tree(w, kb_dir);
  return w;
}

void kb_watch_set_lang(kb_watch *w, const char *lang) {
  free(w->lang);
  kb_diag_free(w->words);
  w->lang = lang ? kb_xstrdup(lang) : NULL;
  w->words = kb_build_words(w->kb_dir, lang);
}

void kb_watch_free(kb_watch *w) {
  if (!w) return;
  if (w->fd >= 0) close(w->fd);
  kb_diag_free(w->last_d);
  kb_diag_free(w->words);
  free(w->lang);
  free(w->kb_dir);
  free(w->index);
  free(w);
}
