/*
 * kb_json.c - a strict JSON checker (kb_json.h): a recursive descent over
 * the RFC 8259 grammar that builds nothing. UTF-8 validity is the
 * caller's (kb_text_utf8_valid), as before. And a reader of the one flat
 * form kb-index writes (a store's hours), which hands anything else to
 * cJSON.
 */
#include "kb_json.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

typedef struct {
  const char *s;
  size_t n, i;
  const char *why;
} S_p;

static int S_fail(S_p *p, const char *why) {
  if (!p->why) p->why = why;
  return -1;
}

static void S_ws(S_p *p) {
  while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r'))
    p->i++;
}

static int S_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int S_string(S_p *p) {
  p->i++; /* the opening quote */
  while (p->i < p->n) {
    unsigned char c = (unsigned char)p->s[p->i];
    if (c == '"') {
      p->i++;
      return 0;
    }
    if (c < 0x20) return S_fail(p, "a control character inside a string");
    if (c == '\\') {
      if (++p->i >= p->n) break;
      char e = p->s[p->i];
      if (e == 'u') {
        for (int k = 1; k <= 4; k++)
          if (p->i + (size_t)k >= p->n || !S_hex(p->s[p->i + (size_t)k])) return S_fail(p, "a bad \\u escape");
        p->i += 4;
      } else if (!strchr("\"\\/bfnrt", e) || !e) {
        return S_fail(p, "a bad escape");
      }
    }
    p->i++;
  }
  return S_fail(p, "an unterminated string");
}

static int S_digits(S_p *p) {
  size_t i0 = p->i;
  while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') p->i++;
  return p->i > i0 ? 0 : S_fail(p, "a bad number");
}

static int S_number(S_p *p) {
  if (p->s[p->i] == '-') p->i++;
  if (p->i < p->n && p->s[p->i] == '0') p->i++;
  else if (S_digits(p)) return -1;
  if (p->i < p->n && p->s[p->i] == '.') {
    p->i++;
    if (S_digits(p)) return -1;
  }
  if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
    p->i++;
    if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-')) p->i++;
    if (S_digits(p)) return -1;
  }
  return 0;
}

static int S_word(S_p *p, const char *w) {
  size_t k = strlen(w);
  if (p->n - p->i < k || memcmp(p->s + p->i, w, k)) return S_fail(p, "an unexpected character");
  p->i += k;
  return 0;
}

static int S_value(S_p *p, int depth);

/* An array or object: items separated by commas up to close. */
static int S_items(S_p *p, int depth, char close, int object) {
  if (depth >= KB_JSON_MAX_DEPTH) return S_fail(p, "nesting too deep");
  p->i++;
  S_ws(p);
  if (p->i < p->n && p->s[p->i] == close) {
    p->i++;
    return 0;
  }
  for (;;) {
    if (object) {
      if (p->i >= p->n || p->s[p->i] != '"') return S_fail(p, "a member name must be a string");
      if (S_string(p)) return -1;
      S_ws(p);
      if (p->i >= p->n || p->s[p->i] != ':') return S_fail(p, "a ':' is missing");
      p->i++;
    }
    if (S_value(p, depth + 1)) return -1;
    S_ws(p);
    if (p->i < p->n && p->s[p->i] == ',') {
      p->i++;
      S_ws(p);
      continue;
    }
    if (p->i < p->n && p->s[p->i] == close) {
      p->i++;
      return 0;
    }
    return S_fail(p, object ? "a ',' or '}' is missing" : "a ',' or ']' is missing");
  }
}

static int S_value(S_p *p, int depth) {
  S_ws(p);
  if (p->i >= p->n) return S_fail(p, "a value is missing");
  char c = p->s[p->i];
  if (c == '{') return S_items(p, depth, '}', 1);
  if (c == '[') return S_items(p, depth, ']', 0);
  if (c == '"') return S_string(p);
  if (c == '-' || (c >= '0' && c <= '9')) return S_number(p);
  if (c == 't') return S_word(p, "true");
  if (c == 'f') return S_word(p, "false");
  if (c == 'n') return S_word(p, "null");
  return S_fail(p, "an unexpected character");
}

int kb_json_check(const char *s, size_t n, size_t *at, const char **why) {
  S_p p = {.s = s, .n = n};
  if (S_value(&p, 0) == 0) {
    S_ws(&p);
    if (p.i == n) return 0;
    p.why = "something after the value";
  }
  *at = p.i;
  *why = p.why;
  return -1;
}

int kb_json_flat_member(const char *s, const char *name, char *out, size_t nout) {
  const char *p = s;
  size_t nname = strlen(name);
  int found = 0;
  if (*p++ != '{') return -1;
  if (*p == '}') return p[1] ? -1 : 0;
  for (;;) {
    const char *k = p + 1, *ke, *v, *ve;
    if (*p != '"' || !(ke = strpbrk(k, "\\\"")) || *ke != '"' || ke[1] != ':' || ke[2] != '"')
      return -1;
    v = ke + 3;
    if (!(ve = strpbrk(v, "\\\"")) || *ve != '"') return -1;
    for (const char *q = k; q < ve; q++)
      if ((unsigned char)*q < 0x20) return -1;
    if (!found && (size_t)(ke - k) == nname && !memcmp(k, name, nname)) {
      if ((size_t)(ve - v) >= nout) return -1;
      memcpy(out, v, (size_t)(ve - v));
      out[ve - v] = 0;
      found = 1;
    }
    p = ve + 1;
    if (*p == '}') return p[1] ? -1 : found;
    if (*p++ != ',') return -1;
  }
}

/*--- Flat request bodies (kb_json_flat_fields()) --------------------------*/

/* A reading of a flat object: the text, the next byte, and where the
 * strings kept go. */
typedef struct {
  const char *s;
  size_t n, i;
  char *buf;  /* the unescaped strings, one after the other */
  size_t used;
} S_flat;

static void S_flat_ws(S_flat *f) {
  while (f->i < f->n && (f->s[f->i] == ' ' || f->s[f->i] == '\t' || f->s[f->i] == '\n' || f->s[f->i] == '\r'))
    f->i++;
}

/* The end of the plain bytes of a string from s[i] (n bytes in all): the
 * first '"', '\\' or control character, or n. Sixteen bytes at a time
 * with SSE2 (every x86-64): a byte at a time was most of reading a body. */
static size_t S_flat_plain(const char *s, size_t i, size_t n) {
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"'), bsl = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1f);
  for (; i + 16 <= n; i += 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    /* x <= 0x1f, unsigned: min(x, 0x1f) == x */
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bsl)),
                               _mm_cmpeq_epi8(_mm_min_epu8(x, ctl), x));
    unsigned m = (unsigned)_mm_movemask_epi8(hit);
    if (m) return i + (size_t)__builtin_ctz(m);
  }
#endif
  while (i < n && s[i] != '"' && s[i] != '\\' && (unsigned char)s[i] >= 0x20) i++;
  return i;
}

/* The string at f->i (its opening quote), unescaped into f->buf when keep
 * is set (*out: its start); -1 for a \u escape, a bad escape, a control
 * character or no closing quote. */
static int S_flat_string(S_flat *f, int keep, const char **out) {
  char *o = f->buf + f->used;
  size_t i = f->i + 1;
  for (;;) {
    size_t run = i; /* plain bytes up to the next quote or backslash */
    i = S_flat_plain(f->s, i, f->n);
    if (keep) {
      memcpy(o, f->s + run, i - run);
      o += i - run;
    }
    if (i >= f->n || (unsigned char)f->s[i] < 0x20) return -1;
    if (f->s[i] == '"') break;
    if (i + 1 >= f->n) return -1;
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *e = f->s[i + 1] ? strchr(from, f->s[i + 1]) : NULL;
    if (!e) return -1; /* \u (and anything else): cJSON's */
    if (keep) *o++ = to[e - from];
    i += 2;
  }
  if (keep) {
    *o++ = 0;
    *out = f->buf + f->used;
    f->used = (size_t)(o - f->buf);
  }
  f->i = i + 1;
  return 0;
}

/* The number at f->i, strictly as RFC 8259 writes one, into *v. */
static int S_flat_number(S_flat *f, double *v) {
  size_t i = f->i, i0;
  const char *s = f->s;
  if (s[i] == '-') i++;
  if (i < f->n && s[i] == '0') i++;
  else if (i < f->n && s[i] >= '1' && s[i] <= '9')
    while (i < f->n && s[i] >= '0' && s[i] <= '9') i++;
  else return -1;
  if (i < f->n && s[i] == '.') {
    for (i0 = ++i; i < f->n && s[i] >= '0' && s[i] <= '9';) i++;
    if (i == i0) return -1;
  }
  if (i < f->n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < f->n && (s[i] == '+' || s[i] == '-')) i++;
    for (i0 = i; i < f->n && s[i] >= '0' && s[i] <= '9';) i++;
    if (i == i0) return -1;
  }
  char num[64]; /* cJSON reads 63 characters of a number at most */
  if (i - f->i >= sizeof num) return -1;
  memcpy(num, s + f->i, i - f->i);
  num[i - f->i] = 0;
  *v = strtod(num, NULL);
  f->i = i;
  return 0;
}

/* The value at f->i into *x (kept: a member asked for). */
static int S_flat_value(S_flat *f, kb_json_field *x, int keep) {
  static const char *const words[] = {"true", "false", "null"};
  kb_json_field v = {.kind = KB_JSON_STRING};
  char c = f->i < f->n ? f->s[f->i] : 0;
  if (c == '"') {
    if (S_flat_string(f, keep, &v.str)) return -1;
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    v.kind = KB_JSON_NUMBER;
    if (S_flat_number(f, &v.num)) return -1;
  } else {
    int w = c == 't' ? 0 : c == 'f' ? 1 : c == 'n' ? 2 : -1;
    size_t k = w < 0 ? 0 : strlen(words[w]);
    if (w < 0 || f->n - f->i < k || memcmp(f->s + f->i, words[w], k)) return -1;
    v.kind = w == 2 ? KB_JSON_NULL : KB_JSON_OTHER;
    f->i += k;
  }
  if (keep) *x = v;
  return 0;
}

int kb_json_flat_fields(const char *s, size_t n, const char *const *names, int nnames,
                        kb_json_field *out, char *buf) {
  S_flat f = {.s = s, .n = n, .buf = buf};
  for (int k = 0; k < nnames; k++) out[k] = (kb_json_field){.kind = KB_JSON_ABSENT};
  S_flat_ws(&f);
  if (f.i >= n || s[f.i++] != '{') return -1;
  S_flat_ws(&f);
  if (f.i < n && s[f.i] == '}') {
    f.i++;
  } else {
    for (;;) {
      /* a name without escapes: where it ends is its closing quote */
      if (f.i >= n || s[f.i] != '"') return -1;
      const char *k0 = s + f.i + 1, *ke = s + S_flat_plain(s, f.i + 1, n);
      if (ke >= s + n || *ke != '"') return -1;
      f.i = (size_t)(ke + 1 - s);
      int want = -1;
      for (int k = 0; k < nnames && want < 0; k++)
        if (out[k].kind == KB_JSON_ABSENT && !strncmp(names[k], k0, (size_t)(ke - k0)) &&
            !names[k][ke - k0])
          want = k;
      S_flat_ws(&f);
      if (f.i >= n || s[f.i++] != ':') return -1;
      S_flat_ws(&f);
      if (S_flat_value(&f, want >= 0 ? &out[want] : NULL, want >= 0)) return -1;
      S_flat_ws(&f);
      if (f.i < n && s[f.i] == ',') {
        f.i++;
        S_flat_ws(&f);
        continue;
      }
      if (f.i < n && s[f.i] == '}') {
        f.i++;
        break;
      }
      return -1;
    }
  }
  S_flat_ws(&f);
  return f.i == n ? 0 : -1;
}
