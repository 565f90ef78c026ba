/*
 * kb_examples_file.c - reading and checking kb/lang/<code>/examples.tsv
 * (see kb_examples_file.h).
 */
#include "kb_examples_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_text.h"
#include "kb_util.h"

struct kb_examples_file {
  char *path;
  kb_example_line *v;
  int n, cap;
};

/* s[0..n) without the spaces and tabs around it, as a new string. */
static char *S_trimmed(const char *s, size_t n) {
  while (n && (*s == ' ' || *s == '\t')) s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
  char *z = kb_xmalloc(n + 1);
  memcpy(z, s, n);
  z[n] = 0;
  return z;
}

/* The line before i with the same text, or 0 (a file of a few thousand
 * lines: a scan each is cheap enough for kb-index). */
static int S_seen(const kb_examples_file *f, const char *text) {
  for (int i = 0; i < f->n; i++)
    if (!strcmp(f->v[i].text, text)) return f->v[i].line;
  return 0;
}

static void S_line(kb_examples_file *f, int line, const char *s, size_t n, kb_diag *d) {
  const char *tab = memchr(s, '\t', n);
  if (!tab || memchr(tab + 1, '\t', n - (size_t)(tab + 1 - s))) {
    kb_diag_msg(d, KB_DIAG_ERROR, f->path, line, "examples.columns", NULL);
    return;
  }
  char *slug = S_trimmed(s, (size_t)(tab - s));
  char *text = S_trimmed(tab + 1, n - (size_t)(tab + 1 - s));
  int before = 0;
  if (!*slug) kb_diag_msg(d, KB_DIAG_ERROR, f->path, line, "examples.empty-slug", NULL);
  else if (!*text) kb_diag_msg(d, KB_DIAG_ERROR, f->path, line, "examples.empty-text", NULL);
  else if ((before = S_seen(f, text)) != 0) {
    char sl[16];
    snprintf(sl, sizeof sl, "%d", before);
    kb_diag_msg(d, KB_DIAG_ERROR, f->path, line, "examples.duplicate", "line", sl, NULL);
  } else {
    if (f->n == f->cap) {
      f->cap = f->cap ? 2 * f->cap : 256;
      f->v = kb_xrealloc(f->v, (size_t)f->cap * sizeof *f->v);
    }
    f->v[f->n++] = (kb_example_line){.line = line, .slug = slug, .text = text};
    return;
  }
  free(slug);
  free(text);
}

kb_examples_file *kb_examples_file_parse(const char *path, const char *data, size_t n,
                                         kb_diag *d) {
  kb_examples_file *f = kb_xcalloc(1, sizeof *f);
  f->path = kb_xstrdup(path);
  size_t bad;
  if (!kb_text_utf8_valid(data, n, &bad)) {
    char sb[32];
    snprintf(sb, sizeof sb, "%zu", bad);
    kb_diag_msg(d, KB_DIAG_ERROR, path, kb_line_of(data, bad), "examples.bad-utf8", "byte", sb, NULL);
    return f;
  }
  int line = 0;
  for (size_t i = 0; i < n;) {
    size_t e = i;
    while (e < n && data[e] != '\n') e++;
    line++;
    size_t k = i;
    while (k < e && (data[k] == ' ' || data[k] == '\r')) k++;
    if (k < e && data[i] != '#') S_line(f, line, data + i, e - i, d);
    i = e + 1;
  }
  return f;
}

void kb_examples_file_free(kb_examples_file *f) {
  if (!f) return;
  for (int i = 0; i < f->n; i++) {
    free(f->v[i].slug);
    free(f->v[i].text);
  }
  free(f->v);
  free(f->path);
  free(f);
}

int kb_examples_file_count(const kb_examples_file *f) { return f ? f->n : 0; }

const kb_example_line *kb_examples_file_line(const kb_examples_file *f, int i) {
  return f && i >= 0 && i < f->n ? &f->v[i] : NULL;
}

void kb_examples_file_check(const kb_examples_file *f, int (*has_slug)(void *ctx, const char *slug),
                            void *ctx, kb_diag *d) {
  for (int i = 0; f && i < f->n; i++)
    if (strcmp(f->v[i].slug, "-") && !has_slug(ctx, f->v[i].slug))
      kb_diag_msg(d, KB_DIAG_ERROR, f->path, f->v[i].line, "examples.unknown-slug", "slug",
                  f->v[i].slug, NULL);
}
