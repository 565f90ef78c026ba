/*
 * kb_esc.c - escaping outside text for terminals and logs (kb_esc.h).
 *
 * A query such as "%1B%5B31m" printed raw by kb-report colours the
 * reader's terminal, a newline in a file name splits a "file:line:"
 * message, and a cut at a fixed byte count can split a character and
 * leave invalid UTF-8. Every place that prints such text goes through
 * here.
 */
#include "kb_esc.h"

#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s[0..n), or 0 if it is not one
 * (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t S_seq(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  size_t len;
  unsigned cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
  else return 0;
  if (n < len) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
      (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return len;
}

size_t kb_esc_cut(const char *s, size_t n, size_t max) {
  if (n <= max) return n;
  size_t k = max;
  /* back off over continuation bytes to the start of the character that
   * does not fit */
  while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) k--;
  return k;
}

void kb_esc_put(kb_buf *out, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    unsigned c = u[i];
    size_t len = S_seq(u + i, n - i);
    int c1 = len == 2 && c == 0xC2 && u[i + 1] < 0xA0; /* U+0080..U+009F */
    if (len && c >= 0x20 && c != 0x7F && c != '\\' && !c1) {
      kb_buf_put(out, s + i, len);
      i += len;
      continue;
    }
    if (c == '\n') kb_buf_puts(out, "\\n");
    else if (c == '\r') kb_buf_puts(out, "\\r");
    else if (c == '\t') kb_buf_puts(out, "\\t");
    else if (c == '\\') kb_buf_puts(out, "\\\\");
    else if (c1) {
      char e[5] = {'\\', 'x', hex[u[i + 1] >> 4], hex[u[i + 1] & 15], 0};
      kb_buf_puts(out, e);
      i += 2;
      continue;
    } else {
      char e[5] = {'\\', 'x', hex[c >> 4], hex[c & 15], 0};
      kb_buf_puts(out, e);
    }
    i++;
  }
}

char *kb_esc(const char *s) {
  if (!s) return NULL;
  kb_buf b = KB_BUF_INIT;
  kb_esc_put(&b, s, strlen(s));
  return kb_buf_detach(&b);
}
