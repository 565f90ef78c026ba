/*
 * kb_diag.c - an append-only list of formatted diagnostics.
 */
#include "kb_diag.h"


#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kb_esc.h"
#include "kb_util.h"

struct kb_diag {
  char **msg;  /* formatted lines */
  int *level;  /* kb_diag_level of each line */
  int n, cap;
};

kb_diag *kb_diag_new(void) { return kb_xcalloc(1, sizeof(kb_diag)); }

void kb_diag_free(kb_diag *d) {
  if (!d) return;
  for (int i = 0; i < d->n; i++) free(d->msg[i]);
  free(d->msg);
  free(d->level);
  free(d);
}

void kb_diag_add(kb_diag *d, kb_diag_level level, const char *path, int line,
                 const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *text = kb_vfmt(fmt, ap);
  va_end(ap);
  if (d->n == d->cap) {
    d->cap = d->cap ? 2 * d->cap : 16;
    d->msg = kb_xrealloc(d->msg, (size_t)d->cap * sizeof *d->msg);
    d->level = kb_xrealloc(d->level, (size_t)d->cap * sizeof *d->level);
  }
  const char *lv = level == KB_DIAG_ERROR ? "error" : "warning";
  /* file names and quoted content are escaped: a newline in a name split
   * a "file:line:" message, an ESC sequence reached the terminal */
  char *ep = kb_esc(path), *et = kb_esc(text);
  d->msg[d->n] = line > 0 ? kb_fmt("%s:%d: %s: %s", ep, line, lv, et)
                          : kb_fmt("%s: %s: %s", ep, lv, et);
  d->level[d->n++] = level;
  free(ep);
  free(et);
  free(text);
}

int kb_diag_count(const kb_diag *d, kb_diag_level level) {
  int c = 0;
  for (int i = 0; i < d->n; i++) c += d->level[i] == (int)level;
  return c;
}

int kb_diag_size(const kb_diag *d) { return d->n; }

const char *kb_diag_get(const kb_diag *d, int i) {
  return (i >= 0 && i < d->n) ? d->msg[i] : NULL;
}

void kb_diag_print(const kb_diag *d, FILE *f) {
  for (int i = 0; i < d->n; i++) fprintf(f, "%s\n", d->msg[i]);
}
