/*
 * kb_diag.c - an append-only list of diagnostics (kb_diag.h): each kept
 * as its place, level and either its text or its message id and values;
 * the "path:line: level: message" line is made when read and kept until
 * the catalogue changes.
 */
#include "kb_diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_esc.h"
#include "kb_util.h"

typedef struct {
  int level;   /* kb_diag_level */
  char *path;
  int line;
  char *text;  /* kb_diag_add()'s text, or NULL */
  char *id;    /* kb_diag_msg()'s id, or NULL */
  char **vals; /* its name, value pairs, NULL-terminated */
  char *line_text; /* the formatted line, or NULL until read */
} S_msg;

struct kb_diag {
  S_msg *v;
  int n, cap;
  char **cat;  /* the catalogue: id, text pairs, NULL-terminated */
};

kb_diag *kb_diag_new(void) { return kb_xcalloc(1, sizeof(kb_diag)); }

static void S_free_strv(char **v) {
  for (int k = 0; v && v[k]; k++) free(v[k]);
  free(v);
}

static void S_forget_lines(kb_diag *d) {
  for (int i = 0; i < d->n; i++) {
    free(d->v[i].line_text);
    d->v[i].line_text = NULL;
  }
}

void kb_diag_free(kb_diag *d) {
  if (!d) return;
  S_forget_lines(d);
  for (int i = 0; i < d->n; i++) {
    S_msg *m = &d->v[i];
    free(m->path);
    free(m->text);
    free(m->id);
    S_free_strv(m->vals);
  }
  S_free_strv(d->cat);
  free(d->v);
  free(d);
}

static S_msg *S_push(kb_diag *d, kb_diag_level level, const char *path, int line) {
  if (d->n == d->cap) {
    d->cap = d->cap ? 2 * d->cap : 16;
    d->v = kb_xrealloc(d->v, (size_t)d->cap * sizeof *d->v);
  }
  S_msg *m = &d->v[d->n++];
  *m = (S_msg){.level = level, .path = kb_xstrdup(path ? path : ""), .line = line};
  return m;
}

void kb_diag_add(kb_diag *d, kb_diag_level level, const char *path, int line,
                 const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *text = kb_vfmt(fmt, ap);
  va_end(ap);
  S_push(d, level, path, line)->text = text;
}

void kb_diag_msgv(kb_diag *d, kb_diag_level level, const char *path, int line, const char *id,
                  va_list ap) {
  S_msg *m = S_push(d, level, path, line);
  m->id = kb_xstrdup(id);
  int n = 0, cap = 8;
  m->vals = kb_xcalloc((size_t)cap + 1, sizeof *m->vals);
  for (const char *s; (s = va_arg(ap, const char *)) != NULL;) {
    if (n == cap) {
      cap *= 2;
      m->vals = kb_xrealloc(m->vals, ((size_t)cap + 1) * sizeof *m->vals);
    }
    m->vals[n++] = kb_xstrdup(s);
  }
  if (n % 2) free(m->vals[--n]); /* a name without its value is left out */
  m->vals[n] = NULL;
}

void kb_diag_msg(kb_diag *d, kb_diag_level level, const char *path, int line, const char *id, ...) {
  va_list ap;
  va_start(ap, id);
  kb_diag_msgv(d, level, path, line, id, ap);
  va_end(ap);
}

void kb_diag_set_catalogue(kb_diag *d, const char *const *ids_texts) {
  S_free_strv(d->cat);
  d->cat = NULL;
  int n = 0;
  while (ids_texts && ids_texts[n] && ids_texts[n + 1]) n += 2;
  if (n) {
    d->cat = kb_xcalloc((size_t)n + 1, sizeof *d->cat);
    for (int k = 0; k < n; k++) d->cat[k] = kb_xstrdup(ids_texts[k]);
  }
  S_forget_lines(d);
}

/* The value of name in vals (NULL-terminated name, value pairs), or NULL;
 * name is n bytes (a mark inside a text). */
static const char *S_val(const char *const *vals, const char *name, size_t n) {
  for (int k = 0; vals && vals[k] && vals[k + 1]; k += 2)
    if (strlen(vals[k]) == n && !strncmp(vals[k], name, n)) return vals[k + 1];
  return NULL;
}

char *kb_diag_fill_with(const char *t, const char *const *vals,
                        const char *(*look)(const void *ctx, const char *id), const void *ctx) {
  kb_buf b = KB_BUF_INIT;
  while (*t) {
    size_t n = *t == '{' ? strcspn(t + 1, "{}") : 0;
    if (!n || t[1 + n] != '}') {
      kb_buf_putc(&b, *t++);
      continue;
    }
    const char *v = S_val(vals, t + 1, n), *words = NULL;
    if (look && n < 60) {
      char idname[64];
      snprintf(idname, sizeof idname, "%.*s.id", (int)n, t + 1);
      const char *id = S_val(vals, idname, strlen(idname));
      words = id ? look(ctx, id) : NULL;
    }
    if (words) { /* the entry's words, its {text} the value it stands for */
      const char *const own[] = {"text", v ? v : "", "open", "{", "close", "}", NULL};
      char *w = kb_diag_fill_with(words, own, NULL, NULL);
      kb_buf_puts(&b, w);
      free(w);
    } else if (v) {
      kb_buf_puts(&b, v);
    } else {
      kb_buf_put(&b, t, n + 2); /* no value: the mark stays */
    }
    t += n + 2;
  }
  char *out = kb_xstrdup(kb_buf_str(&b));
  kb_buf_cleanup(&b);
  return out;
}

char *kb_diag_fill(const char *t, const char *const *vals) { return kb_diag_fill_with(t, vals, NULL, NULL); }

const char *kb_diag_text(const kb_diag *d, const char *id) {
  for (int k = 0; d && d->cat && d->cat[k]; k += 2)
    if (!strcmp(d->cat[k], id)) return d->cat[k + 1];
  return NULL;
}

static const char *S_look(const void *ctx, const char *id) { return kb_diag_text(ctx, id); }

void kb_diag_name(kb_diag *d, const char *name, const char *const *ids_texts, const char *unknown_id) {
  static const char *const braces[] = {"open", "{", "close", "}", NULL};
  char *idname = kb_fmt("%s.id", name);
  for (int i = 0; i < d->n; i++) {
    S_msg *m = &d->v[i];
    const char *v = m->id ? S_val((const char *const *)m->vals, name, strlen(name)) : NULL;
    if (!v || S_val((const char *const *)m->vals, idname, strlen(idname))) continue;
    const char *id = unknown_id;
    for (int k = 0; ids_texts && ids_texts[k] && ids_texts[k + 1] && id == unknown_id; k += 2) {
      char *t = kb_diag_fill(ids_texts[k + 1], braces); /* a catalogue writes { } as marks */
      if (!strcmp(t, v)) id = ids_texts[k];
      free(t);
    }
    int nv = 0;
    while (m->vals[nv]) nv++;
    m->vals = kb_xrealloc(m->vals, ((size_t)nv + 3) * sizeof *m->vals);
    m->vals[nv] = kb_xstrdup(idname);
    m->vals[nv + 1] = kb_xstrdup(id);
    m->vals[nv + 2] = NULL;
    free(m->line_text); /* worded again when read */
    m->line_text = NULL;
  }
  free(idname);
}

/* The message's words: its text, else its catalogue entry filled, else
 * "id (name: value, ...)". Caller frees. */
static char *S_words(const kb_diag *d, const S_msg *m) {
  if (m->text) return kb_xstrdup(m->text);
  const char *t = kb_diag_text(d, m->id);
  if (t) return kb_diag_fill_with(t, (const char *const *)m->vals, S_look, d);
  kb_buf b = KB_BUF_INIT;
  kb_buf_puts(&b, m->id);
  for (int k = 0; m->vals[k]; k += 2)
    kb_buf_printf(&b, "%s%s: %s", k ? ", " : " (", m->vals[k], m->vals[k + 1]);
  if (m->vals[0]) kb_buf_putc(&b, ')');
  char *out = kb_xstrdup(kb_buf_str(&b));
  kb_buf_cleanup(&b);
  return out;
}

int kb_diag_count(const kb_diag *d, kb_diag_level level) {
  int c = 0;
  for (int i = 0; i < d->n; i++) c += d->v[i].level == (int)level;
  return c;
}

int kb_diag_size(const kb_diag *d) { return d->n; }

const char *kb_diag_get(const kb_diag *d, int i) {
  if (i < 0 || i >= d->n) return NULL;
  S_msg *m = &d->v[i]; /* the line is made once per catalogue: a cache */
  if (!m->line_text) {
    const char *lv = m->level == KB_DIAG_ERROR ? "error" : "warning";
    /* file names and quoted content are escaped: a newline in a name split
     * a "file:line:" message, an ESC sequence reached the terminal */
    char *words = S_words(d, m), *ep = kb_esc(m->path), *et = kb_esc(words);
    m->line_text = m->line > 0 ? kb_fmt("%s:%d: %s: %s", ep, m->line, lv, et)
                               : kb_fmt("%s: %s: %s", ep, lv, et);
    free(words);
    free(ep);
    free(et);
  }
  return m->line_text;
}

const char *kb_diag_id(const kb_diag *d, int i) { return i >= 0 && i < d->n ? d->v[i].id : NULL; }

const char *const *kb_diag_vals(const kb_diag *d, int i) {
  return i >= 0 && i < d->n && d->v[i].id ? (const char *const *)d->v[i].vals : NULL;
}

void kb_diag_print(const kb_diag *d, FILE *f) {
  for (int i = 0; i < d->n; i++) fprintf(f, "%s\n", kb_diag_get(d, i));
}
