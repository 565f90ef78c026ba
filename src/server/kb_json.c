/*
 * kb_json.c - a strict JSON checker (kb_json.h): a recursive descent over
 * the RFC 8259 grammar that builds nothing. UTF-8 validity is the
 * caller's (kb_text_utf8_valid), as before. And a reader of the one flat
 * form kb-index writes (a store's hours), which hands anything else to
 * cJSON.
 */
#include "kb_json.h"

#include <string.h>

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
