/*
 * kb_watch.c - kb-index --watch: rebuild the index whenever the knowledge
 * base changes (kb_watch.h).
 */
#include "kb_watch.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
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

struct kb_watch {
  char *kb_dir;
  char *index;
  int fd;                /* inotify */
  int builds;            /* builds run */
};

/* Adds watches on dir and every directory below it. */
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
    if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) S_watch_tree(w, p);
    free(p);
  }
  closedir(dh);
}

/* Builds the index, prints the problems and writes the status file;
 * returns 0 if the index was written. */
static int S_build(kb_watch *w) {
  kb_build_opts o = {.kb_dir = w->kb_dir, .out = w->index};
  kb_diag *d = kb_diag_new();
  kb_build_stats st = {0};
  char err[512] = "";
  int rc = kb_build_run(&o, d, &st, err, sizeof err);
  w->builds++;
  kb_diag_print(d, stderr);
  if (rc == 2) fprintf(stderr, "kb-index: %s: %s\n", w->index, err);
  if (kb_status_write(w->index, w->kb_dir, w->builds, rc, d, &st, err) != 0)
    fprintf(stderr, "kb-index: cannot write the status of %s: %s\n", w->index, strerror(errno));
  kb_diag_free(d);
  if (rc == 0)
    fprintf(stderr, "kb-index: rebuilt %s: %d articles, %d warnings, %.2f s\n", w->index,
            st.articles, st.warnings, st.seconds);
  else
    fprintf(stderr, "kb-index: %s has errors; the last good index keeps serving (%s untouched)\n",
            w->kb_dir, w->index);
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

void kb_watch_run(kb_watch *w, volatile sig_atomic_t *stop) {
  struct pollfd pfd = {.fd = w->fd, .events = POLLIN};
  int pending = 0;
  while (!*stop) {
    int r = poll(&pfd, 1, pending ? S_QUIET_MS : 200);
    if (r > 0) {
      if (S_drain(w)) pending = 1;
      continue; /* wait for quiet */
    }
    if (r == 0 && pending) {
      pending = 0;
      S_watch_tree(w, w->kb_dir); /* new directories */
      S_build(w);
    }
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

int kb_watch_build(kb_watch *w) { return S_build(w); }

void kb_watch_free(kb_watch *w) {
  if (!w) return;
  if (w->fd >= 0) close(w->fd);
  free(w->kb_dir);
  free(w->index);
  free(w);
}
