/*
 * kb_status.c - the outcome of a build, written beside the index
 * (kb_status.h).
 */
#include "kb_status.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kb_util.h"

/* At most this many messages are kept: a KB with thousands of errors
 * still gives a status file a page can read at once. */
#define S_MAX_PROBLEMS 200

char *kb_status_path(const char *index) { return kb_fmt("%s%s", index, KB_DIAG_STATUS_SUFFIX); }

static void S_json(kb_buf *b, const char *s) { kb_buf_put_json(b, s, strlen(s)); }

int kb_status_write(const char *index, const char *kb_dir, int builds, int rc,
                    const kb_diag *d, const kb_build_stats *st, const char *err, int building) {
  kb_buf b = KB_BUF_INIT;
  char when[32];
  time_t now = time(NULL);
  struct tm tm;
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
  int errors = st->errors + (rc == 2);
  kb_buf_printf(&b, "{\"builds\":%d,\"building\":%s,\"ok\":%s,\"errors\":%d,\"warnings\":%d,"
                "\"finished\":", builds, building ? "true" : "false", rc == 0 ? "true" : "false",
                errors, st->warnings);
  S_json(&b, when);
  kb_buf_puts(&b, ",\"kb\":");
  S_json(&b, kb_dir);
  kb_buf_puts(&b, ",\"problems\":[");
  int n = 0;
  if (rc == 2 && err && *err) {
    char *m = kb_fmt("%s: error: %s", index, err);
    S_json(&b, m);
    free(m);
    n++;
  }
  for (int i = 0; i < kb_diag_size(d) && n < S_MAX_PROBLEMS; i++, n++) {
    if (n) kb_buf_putc(&b, ',');
    S_json(&b, kb_diag_get(d, i));
  }
  /* each problem's message id and values (null: none), so a page can
   * word it in its own language (kb/lang/<code>/messages.tsv) */
  kb_buf_puts(&b, "],\"ids\":[");
  n = 0;
  if (rc == 2 && err && *err) {
    kb_buf_puts(&b, "null");
    n++;
  }
  for (int i = 0; i < kb_diag_size(d) && n < S_MAX_PROBLEMS; i++, n++) {
    if (n) kb_buf_putc(&b, ',');
    const char *id = kb_diag_id(d, i);
    const char *const *v = kb_diag_vals(d, i);
    if (!id) {
      kb_buf_puts(&b, "null");
      continue;
    }
    kb_buf_puts(&b, "{\"id\":");
    S_json(&b, id);
    kb_buf_puts(&b, ",\"vals\":{");
    for (int k = 0; v && v[k]; k += 2) {
      if (k) kb_buf_putc(&b, ',');
      S_json(&b, v[k]);
      kb_buf_putc(&b, ':');
      S_json(&b, v[k + 1]);
    }
    kb_buf_puts(&b, "}}");
  }
  kb_buf_puts(&b, "]}\n");

  char *path = kb_status_path(index);
  char *tmp = kb_fmt("%s.tmp.%ld", path, (long)getpid());
  int rv = -1, fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) {
    size_t off = 0;
    while (off < b.n) {
      ssize_t w = write(fd, b.p + off, b.n - off);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) break;
      off += (size_t)w;
    }
    int ok = off == b.n && fsync(fd) == 0;
    if (close(fd) == 0 && ok && rename(tmp, path) == 0) rv = 0;
  }
  if (rv) {
    int e = errno;
    unlink(tmp);
    errno = e;
  }
  free(tmp);
  free(path);
  kb_buf_cleanup(&b);
  return rv;
}
