/*
 * kb_synonyms.c - parsing and checking synonym rules (see kb_synonyms.h).
 */
#include "kb_synonyms.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "kb_text.h"
#include "kb_util.h"

struct kb_synonyms {
  kb_synonym_rule *rules;
  int n, cap;
};

/* Longest term accepted, in bytes. */
#define S_MAX_TERM 100

static void S_free_terms(char **t, int n) {
  for (int i = 0; i < n; i++) free(t[i]);
  free(t);
}

/* Lower-cases and trims s[0..n), folding inner runs of spaces to one. */
static char *S_norm(const char *s, size_t n) {
  while (n && isspace((unsigned char)*s)) s++, n--;
  while (n && isspace((unsigned char)s[n - 1])) n--;
  char *raw = kb_xstrndup(s, n);
  utf8proc_uint8_t *low = NULL;
  utf8proc_map((const utf8proc_uint8_t *)raw, (utf8proc_ssize_t)n, &low,
               UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE);
  free(raw);
  char *t = low ? (char *)low : kb_xstrdup("");
  char *o = t;
  for (char *p = t; *p; p++) {
    if (isspace((unsigned char)*p) && (o == t || o[-1] == ' ')) continue;
    *o++ = isspace((unsigned char)*p) ? ' ' : *p;
  }
  *o = 0;
  return t;
}

/* A term needs at least one letter or digit. */
static int S_has_word(const char *t) {
  for (const char *p = t; *p; p++)
    if (isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80) return 1;
  return 0;
}

/* Splits a comma-separated side into terms; 0 on an empty term. */
static char **S_side(const char *path, int line, const char *s, size_t n,
                     int *pn, kb_diag *d) {
  char **out = NULL;
  int m = 0, ok = 1;
  size_t i = 0;
  while (i <= n) {
    size_t j = i;
    while (j < n && s[j] != ',') j++;
    char *t = S_norm(s + i, j - i);
    if (!*t || !S_has_word(t)) {
      if (*t) kb_diag_msg(d, KB_DIAG_ERROR, path, line, "synonyms.empty-term", "term", t, NULL);
      else kb_diag_msg(d, KB_DIAG_ERROR, path, line, "synonyms.empty", NULL);
      ok = 0;
      free(t);
    } else if (strlen(t) > S_MAX_TERM) {
      char sm[16];
      snprintf(sm, sizeof sm, "%d", S_MAX_TERM);
      kb_diag_msg(d, KB_DIAG_ERROR, path, line, "synonyms.too-long", "max", sm, NULL);
      ok = 0;
      free(t);
    } else {
      out = kb_xrealloc(out, (size_t)(m + 1) * sizeof *out);
      out[m++] = t;
    }
    i = j + 1;
  }
  if (!ok) {
    S_free_terms(out, m);
    *pn = 0;
    return NULL;
  }
  *pn = m;
  return out;
}

static void S_add(kb_synonyms *s, kb_synonym_rule r) {
  if (s->n == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 32;
    s->rules = kb_xrealloc(s->rules, (size_t)s->cap * sizeof *s->rules);
  }
  s->rules[s->n++] = r;
}

/* Parses one line (without comment); adds the rule if it is valid. */
static void S_line(kb_synonyms *s, const char *path, int line, const char *z,
                   size_t n, kb_diag *d) {
  const char *arrow = NULL;
  for (size_t i = 0; i + 1 < n; i++)
    if (z[i] == '=' && z[i + 1] == '>') {
      if (arrow) {
        kb_diag_msg(d, KB_DIAG_ERROR, path, line, "synonyms.two-arrows", NULL);
        return;
      }
      arrow = z + i;
    }
  kb_synonym_rule r = {.line = line};
  size_t nl = arrow ? (size_t)(arrow - z) : n;
  r.lhs = S_side(path, line, z, nl, &r.nlhs, d);
  if (!r.lhs) return;
  if (arrow) {
    r.rhs = S_side(path, line, arrow + 2, n - nl - 2, &r.nrhs, d);
    if (!r.rhs) {
      S_free_terms(r.lhs, r.nlhs);
      return;
    }
  } else if (r.nlhs < 2) {
    kb_diag_msg(d, KB_DIAG_WARNING, path, line, "synonyms.alone", "term", r.lhs[0], NULL);
    S_free_terms(r.lhs, r.nlhs);
    return;
  }
  S_add(s, r);
}

kb_synonyms *kb_synonyms_parse(const char *path, const char *data, size_t n,
                               kb_diag *d) {
  kb_synonyms *s = kb_xcalloc(1, sizeof *s);
  size_t bad;
  if (!kb_text_utf8_valid(data, n, &bad)) {
    char sb[32];
    snprintf(sb, sizeof sb, "%zu", bad);
    kb_diag_msg(d, KB_DIAG_ERROR, path, kb_line_of(data, bad), "synonyms.bad-utf8", "byte", sb, NULL);
    return s;
  }
  int line = 0;
  for (size_t i = 0; i < n;) {
    size_t e = i;
    while (e < n && data[e] != '\n') e++;
    line++;
    size_t len = e - i;
    const char *hash = memchr(data + i, '#', len);
    if (hash) len = (size_t)(hash - (data + i));
    size_t k = 0;
    while (k < len && isspace((unsigned char)data[i + k])) k++;
    if (k < len) S_line(s, path, line, data + i, len, d);
    i = e + 1;
  }
  return s;
}

void kb_synonyms_free(kb_synonyms *s) {
  if (!s) return;
  for (int i = 0; i < s->n; i++) {
    S_free_terms(s->rules[i].lhs, s->rules[i].nlhs);
    S_free_terms(s->rules[i].rhs, s->rules[i].nrhs);
  }
  free(s->rules);
  free(s);
}

int kb_synonyms_count(const kb_synonyms *s) { return s->n; }

const kb_synonym_rule *kb_synonyms_rule(const kb_synonyms *s, int i) {
  return (i >= 0 && i < s->n) ? &s->rules[i] : NULL;
}
