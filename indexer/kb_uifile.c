/*
 * kb_uifile.c - the pages' words per language (kb_uifile.h).
 */
#include "kb_uifile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_text.h"
#include "kb_util.h"

typedef struct {
  char *lang, *key, *text, *path;
  int line;
} S_entry;

struct kb_uifile {
  S_entry *v;
  int n, cap;
  char **files;  /* "lang\tpath" of each file parsed */
  int nfiles;
  char *what;    /* what a key is called (kb_uifile_set_what()) */
};

kb_uifile *kb_uifile_new(void) { return kb_xcalloc(1, sizeof(kb_uifile)); }

void kb_uifile_free(kb_uifile *u) {
  if (!u) return;
  for (int i = 0; i < u->n; i++) {
    free(u->v[i].lang);
    free(u->v[i].key);
    free(u->v[i].text);
    free(u->v[i].path);
  }
  for (int i = 0; i < u->nfiles; i++) free(u->files[i]);
  free(u->files);
  free(u->what);
  free(u->v);
  free(u);
}

static int S_key_ok(const char *k, size_t n) {
  if (!n || n > 64) return 0;
  for (size_t i = 0; i < n; i++)
    if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '.' || k[i] == '-' ||
          k[i] == '_'))
      return 0;
  return 1;
}

/* Checks the {name}s of t: each closed, a name of lower case letters.
 * Returns NULL, or the id of the message saying what is wrong. */
static const char *S_marks_bad(const char *t) {
  for (const char *p = t; *p; p++) {
    if (*p == '}') return "texts.brace-unopened";
    if (*p != '{') continue;
    const char *q = p + 1;
    while (*q >= 'a' && *q <= 'z') q++;
    if (*q != '}' || q == p + 1) return "texts.brace-not-mark";
    p = q;
  }
  return NULL;
}

static const S_entry *S_find(const kb_uifile *u, const char *lang, const char *key) {
  for (int i = 0; i < u->n; i++)
    if (!strcmp(u->v[i].key, key) && !strcmp(u->v[i].lang, lang)) return &u->v[i];
  return NULL;
}

void kb_uifile_parse(kb_uifile *u, const char *lang, const char *path, const char *data, size_t n,
                     kb_diag *d) {
  u->files = kb_xrealloc(u->files, (size_t)(u->nfiles + 1) * sizeof *u->files);
  u->files[u->nfiles++] = kb_fmt("%s\t%s", lang, path);
  if (!kb_text_utf8_valid(data, n, NULL) || memchr(data, 0, n)) {
    kb_diag_msg(d, KB_DIAG_ERROR, path, 0, "texts.not-utf8", NULL);
    return;
  }
  int line = 0;
  for (const char *p = data, *end = data + n; p < end;) {
    const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
    line++;
    size_t len = (size_t)(e - p);
    if (len && p[len - 1] == '\r') len--;
    const char *tab = memchr(p, '\t', len);
    if (!len || *p == '#') {
    } else if (!tab) {
      kb_diag_msg(d, KB_DIAG_ERROR, path, line, "texts.no-tab", NULL);
    } else if (!S_key_ok(p, (size_t)(tab - p))) {
      char *k = kb_xstrndup(p, (size_t)(tab - p));
      kb_diag_msg(d, KB_DIAG_ERROR, path, line, "texts.bad-key", "key", k, NULL);
      free(k);
    } else {
      char *key = kb_xstrndup(p, (size_t)(tab - p));
      char *text = kb_xstrndup(tab + 1, len - (size_t)(tab + 1 - p));
      const char *bad = S_marks_bad(text);
      const S_entry *dup = S_find(u, lang, key);
      if (!*text || strchr(text, '\t')) {
        kb_diag_msg(d, KB_DIAG_ERROR, path, line, "texts.empty", "key", key, NULL);
      } else if (bad) {
        kb_diag_msg(d, KB_DIAG_ERROR, path, line, bad, "key", key, "open", "{", "close", "}", NULL);
      } else if (dup) {
        char sl[16];
        snprintf(sl, sizeof sl, "%d", dup->line);
        kb_diag_msg(d, KB_DIAG_ERROR, path, line, "texts.again", "key", key, "line", sl, NULL);
      } else {
        if (u->n == u->cap) {
          u->cap = u->cap ? 2 * u->cap : 128;
          u->v = kb_xrealloc(u->v, (size_t)u->cap * sizeof *u->v);
        }
        u->v[u->n++] = (S_entry){.lang = kb_xstrdup(lang), .key = key, .text = text,
                                 .path = kb_xstrdup(path), .line = line};
        key = text = NULL;
      }
      free(key);
      free(text);
    }
    p = e + 1;
  }
}

static const char *S_file_of(const kb_uifile *u, const char *lang) {
  size_t n = strlen(lang);
  for (int i = 0; i < u->nfiles; i++)
    if (!strncmp(u->files[i], lang, n) && u->files[i][n] == '\t') return u->files[i] + n + 1;
  return NULL;
}

int kb_uifile_has(const kb_uifile *u, const char *lang) { return S_file_of(u, lang) != NULL; }

/* 1 if every {name} of t is one of ref's. */
static int S_marks_in(const char *t, const char *ref, const char **missing, size_t *nm) {
  for (const char *p = strchr(t, '{'); p; p = strchr(p + 1, '{')) {
    const char *q = strchr(p, '}');
    size_t len = (size_t)(q - p + 1);
    int found = 0;
    for (const char *r = strchr(ref, '{'); r && !found; r = strchr(r + 1, '{'))
      found = !strncmp(r, p, len);
    if (!found) {
      *missing = p;
      *nm = len;
      return 0;
    }
  }
  return 1;
}

void kb_uifile_check(const kb_uifile *u, const char *ref, kb_diag *d) {
  const char *refpath = S_file_of(u, ref);
  if (!refpath) return;
  for (int i = 0; i < u->n; i++) {
    const S_entry *e = &u->v[i];
    if (!strcmp(e->lang, ref) || !strncmp(e->key, "category.", 9)) continue;
    const S_entry *r = S_find(u, ref, e->key);
    const char *m;
    size_t nm;
    if (!r)
      kb_diag_msg(d, KB_DIAG_ERROR, e->path, e->line, u->what ? "texts.unknown-id" : "texts.unknown-key",
                  "key", e->key, "ref", refpath, NULL);
    else if (!S_marks_in(e->text, r->text, &m, &nm)) {
      char *mark = kb_xstrndup(m, nm), *where = kb_fmt("%s:%d", r->path, r->line);
      kb_diag_msg(d, KB_DIAG_ERROR, e->path, e->line, "texts.foreign-mark", "key", e->key, "mark", mark,
                  "ref", where, NULL);
      free(mark);
      free(where);
    }
  }
  for (int f = 0; f < u->nfiles; f++) {
    const char *tab = strchr(u->files[f], '\t');
    char *lang = kb_xstrndup(u->files[f], (size_t)(tab - u->files[f]));
    if (strcmp(lang, ref)) {
      int missing = 0;
      const S_entry *first = NULL;
      for (int i = 0; i < u->n; i++)
        if (!strcmp(u->v[i].lang, ref) && !S_find(u, lang, u->v[i].key)) {
          if (!missing++) first = &u->v[i];
        }
      if (missing) {
        /* a count of at least 1: singular for 1 alone in en, fr, de, es
         * (ui.tsv's plural.one, French's 0, never applies); ids, not a
         * plural rule, since messages.tsv has none */
        static const char *const ids[2][2] = {{"texts.pages-missing.one", "texts.pages-missing.other"},
                                              {"texts.msgs-missing.one", "texts.msgs-missing.other"}};
        char n[16], *where = kb_fmt("%s:%d", first->path, first->line);
        snprintf(n, sizeof n, "%d", missing);
        kb_diag_msg(d, KB_DIAG_WARNING, tab + 1, 0, ids[u->what != NULL][missing != 1], "count", n, "ref", ref,
                    "key", first->key, "where", where, NULL);
        free(where);
      }
    }
    free(lang);
  }
}

void kb_uifile_set_what(kb_uifile *u, const char *what) {
  free(u->what);
  u->what = what ? kb_xstrdup(what) : NULL;
}

const char *kb_uifile_text(const kb_uifile *u, const char *lang, const char *key) {
  const S_entry *e = S_find(u, lang, key);
  return e ? e->text : NULL;
}

int kb_uifile_count(const kb_uifile *u) { return u ? u->n : 0; }

void kb_uifile_entry(const kb_uifile *u, int i, const char **lang, const char **key, const char **text) {
  *lang = u->v[i].lang;
  *key = u->v[i].key;
  *text = u->v[i].text;
}
