/*
 * kb_watch.c - the knowledge team's mode (kb-serve --kb DIR): build the
 * index from the Markdown and rebuild it whenever a file changes.
 *
 * A thread watches the knowledge base with inotify (every directory, new
 * ones as they appear). After a change it waits until the files have been
 * quiet for a short moment (editors save in several steps), rebuilds the
 * index into the data directory (kb_build: atomic, so a failed build leaves
 * the last good index) and asks the live index to load it. The problems of
 * the last build are kept for /healthz and the agent console's banner.
 *
 * The build runs on a thread of its own, so the watcher keeps reading
 * changes meanwhile: a change during a build cancels it (kb_build_opts'
 * cancel flag, checked between files and while one is parsed) and a new
 * one starts once the files are quiet; stopping the server cancels it
 * too. A file that takes too long to parse is an error of that file.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kb_build.h"
#include "server.h"

#define S_QUIET_MS 150   /* changes must stop this long before a rebuild */

struct kb_watch {
  char *kb_dir;
  char *index;
  kb_live *live;         /* told to reload after a good build; may be NULL */
  int fd;                /* inotify */
  pthread_t thread;
  int running;
  atomic_int stop;
  pthread_t builder;     /* the build in progress, if building */
  atomic_int building;   /* builder was started and not joined yet */
  atomic_int built;      /* builder has finished */
  atomic_int cancel;     /* tells the build in progress to stop */
  int build_rc;          /* S_build's result, read after the join */
  pthread_mutex_t lock;  /* guards the fields below */
  char **problems;       /* messages of the last build (errors first) */
  int nproblems;
  int errors;            /* errors in the last build */
  int builds;            /* builds run */
};

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

/* Builds the index; keeps the messages; returns 0 if it was written, 1
 * when it was cancelled (the last build's messages are kept), -1 when it
 * failed. */
static int S_build(kb_watch *w) {
  kb_build_opts o = {w->kb_dir, w->index, 0, 0, &w->cancel, 0};
  kb_diag *d = kb_diag_new();
  kb_build_stats st;
  char err[512] = "";
  int rc = kb_build_run(&o, d, &st, err, sizeof err);
  if (rc == 3) {
    kb_diag_free(d);
    fprintf(stderr, "kb-serve: build of %s cancelled\n", w->kb_dir);
    return 1;
  }
  int n = kb_diag_size(d) + (rc == 2);
  char **msgs = kb_xcalloc((size_t)n + 1, sizeof *msgs);
  int k = 0;
  for (int i = 0; i < kb_diag_size(d); i++) msgs[k++] = kb_xstrdup(kb_diag_get(d, i));
  if (rc == 2) msgs[k++] = kb_fmt("%s: %s", w->index, err);
  for (int i = 0; i < k; i++) fprintf(stderr, "kb-serve: %s\n", msgs[i]);
  pthread_mutex_lock(&w->lock);
  for (int i = 0; i < w->nproblems; i++) free(w->problems[i]);
  free(w->problems);
  w->problems = msgs;
  w->nproblems = k;
  w->errors = st.errors + (rc == 2);
  w->builds++;
  pthread_mutex_unlock(&w->lock);
  kb_diag_free(d);
  if (rc == 0)
    fprintf(stderr, "kb-serve: rebuilt %s: %d articles, %d warnings, %.2f s\n", w->index,
            st.articles, st.warnings, st.seconds);
  else
    fprintf(stderr, "kb-serve: %s has errors; the last good index keeps serving\n", w->kb_dir);
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

/* Joins a finished build; swaps in what it wrote. Returns 1 if it was
 * cancelled (the files must be built again). */
static int S_build_join(kb_watch *w) {
  pthread_join(w->builder, NULL);
  w->building = 0;
  if (w->build_rc == 0 && w->live) kb_live_reload(w->live, "knowledge base changed");
  return w->build_rc == 1;
}

static void *S_run(void *arg) {
  kb_watch *w = arg;
  struct pollfd pfd = {w->fd, POLLIN, 0};
  int pending = 0;
  while (!atomic_load(&w->stop)) {
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
      atomic_store(&w->cancel, 0);
      atomic_store(&w->built, 0);
      if (pthread_create(&w->builder, NULL, S_build_run, w) == 0) w->building = 1;
      else pending = 1;
    }
  }
  if (w->building) {
    atomic_store(&w->cancel, 1);
    pthread_join(w->builder, NULL);
    w->building = 0;
  }
  return NULL;
}

kb_watch *kb_watch_new(const char *kb_dir, const char *index, char *err, size_t nerr) {
  kb_watch *w = kb_xcalloc(1, sizeof *w);
  w->kb_dir = kb_xstrdup(kb_dir);
  w->index = kb_xstrdup(index);
  pthread_mutex_init(&w->lock, NULL);
  w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (w->fd < 0) {
    snprintf(err, nerr, "cannot watch %s: %s", kb_dir, strerror(errno));
    kb_watch_free(w);
    return NULL;
  }
  S_watch_tree(w, kb_dir);
  return w;
}

int kb_watch_build(kb_watch *w) { return S_build(w) == 0 ? 0 : -1; }

int kb_watch_start(kb_watch *w, kb_live *live) {
  w->live = live;
  if (pthread_create(&w->thread, NULL, S_run, w) != 0) return -1;
  w->running = 1;
  return 0;
}

void kb_watch_status(kb_watch *w, kb_buf *out) {
  pthread_mutex_lock(&w->lock);
  kb_buf_printf(out, "\"kb\":{\"builds\":%d,\"building\":%s,\"errors\":%d,\"problems\":[",
                w->builds, w->building && !atomic_load(&w->built) ? "true" : "false", w->errors);
  for (int i = 0; i < w->nproblems && i < 50; i++) {
    if (i) kb_buf_putc(out, ',');
    kb_buf_put_json(out, w->problems[i], strlen(w->problems[i]));
  }
  kb_buf_puts(out, "]}");
  pthread_mutex_unlock(&w->lock);
}

void kb_watch_free(kb_watch *w) {
  if (!w) return;
  if (w->running) {
    atomic_store(&w->stop, 1);
    atomic_store(&w->cancel, 1);
    pthread_join(w->thread, NULL);
  }
  if (w->fd >= 0) close(w->fd);
  for (int i = 0; i < w->nproblems; i++) free(w->problems[i]);
  free(w->problems);
  pthread_mutex_destroy(&w->lock);
  free(w->kb_dir);
  free(w->index);
  free(w);
}
