/*
 * kb_util.c - allocation that aborts on exhaustion, the growable buffer and
 * small file helpers (see kb_util.h).
 */
#include "kb_util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static void S_oom(size_t n) {
  fprintf(stderr, "out of memory (allocating %zu bytes)\n", n);
  abort();
}

void *kb_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) S_oom(n);
  return p;
}

void *kb_xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p) S_oom(n * size);
  return p;
}

void *kb_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) S_oom(n);
  return q;
}

char *kb_xstrdup(const char *s) { return kb_xstrndup(s, strlen(s)); }

char *kb_xstrndup(const char *s, size_t n) {
  char *p = kb_xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *kb_vfmt(const char *fmt, va_list ap) {
  va_list cp;
  va_copy(cp, ap);
  int n = vsnprintf(NULL, 0, fmt, cp);
  va_end(cp);
  if (n < 0) n = 0;
  char *s = kb_xmalloc((size_t)n + 1);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  return s;
}

char *kb_fmt(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = kb_vfmt(fmt, ap);
  va_end(ap);
  return s;
}

/*--- kb_buf --------------------------------------------------------------*/

void kb_buf_grow(kb_buf *b, size_t extra) {
  if (extra > SIZE_MAX / 2 - b->n) S_oom(SIZE_MAX);
  size_t need = b->n + extra + 1;
  if (need <= b->cap) return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need) cap *= 2;
  if (b->p && !b->n) { /* nothing to keep: a new block, not realloc()'s copy of the old one */
    free(b->p);
    b->p = kb_xmalloc(cap);
    b->p[0] = 0;
  } else {
    b->p = kb_xrealloc(b->p, cap);
  }
  b->cap = cap;
}


uint32_t kb_hash(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

uint32_t kb_hash_more(uint32_t h, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

void kb_buf_put_int(kb_buf *b, long long v) {
  char tmp[24];
  int n = 0;
  unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) tmp[n++] = '-';
  /* reversed in place and put at once (a kb_buf_putc() a digit was most
   * of writing a number) */
  for (int i = 0, j = n - 1; i < j; i++, j--) {
    char c = tmp[i];
    tmp[i] = tmp[j];
    tmp[j] = c;
  }
  kb_buf_put(b, tmp, (size_t)n);
}

/* Puts w, and '.' and x in d digits when d is not 0, after a '-' when
 * neg: written backwards into out[] and put at once (a put or putc each
 * was 190 instructions a number). */
static void S_put_fixed_digits(kb_buf *b, unsigned long long w, unsigned long long x, int d,
                               int neg) {
  char out[48];
  int k = (int)sizeof out;
  for (int i = 0; i < d; i++, x /= 10) out[--k] = (char)('0' + x % 10);
  if (d) out[--k] = '.';
  do {
    out[--k] = (char)('0' + w % 10);
    w /= 10;
  } while (w);
  if (neg) out[--k] = '-';
  kb_buf_put(b, out + k, sizeof out - (size_t)k);
}

/* kb_buf_put_fixed() of 10^9 <= |v| < 2^63 (a suggest's learned scores,
 * exp() of the ranker's, are often over 10^9: printf took 4,200
 * instructions for each, 2.3 K a kb/ suggest). The whole part w is exact
 * (an integer below 2^63), and so is the rest |v| - w: a multiple of v's
 * last bit (v over 2^29: 2^-23 or coarser), below 1; times 10^d (5^9 <
 * 2^21) it keeps under 53 bits, so a, its floor and a - floor - 0.5 are
 * exact too, and say which way to round; the half itself goes to even
 * (the last digit, the whole part's without decimals), as printf rounds. */
static void S_put_fixed_large(kb_buf *b, double v, int d, double p) {
  double av = fabs(v), w = floor(av), a = (av - w) * p, f = floor(a), d0 = a - f - 0.5;
  unsigned long long wi = (unsigned long long)w, fi = (unsigned long long)f;
  int up = d0 > 0 || (d0 == 0 && ((d ? fi : wi) & 1));
  fi += (unsigned long long)up;
  if (fi == (unsigned long long)p) { /* .9999.. rounded up: carried */
    fi = 0;
    wi++;
  }
  S_put_fixed_digits(b, wi, fi, d, signbit(v) != 0);
}

/* Below 10^9, a = |v| * 10^decimals is computed with an error under half
 * its last bit, which decides only when a lies on a half (printf rounds
 * the exact binary value, an exact half to even); from 10^9,
 * S_put_fixed_large(). Values of 2^63 and more, infinite and NaN go to
 * printf. */
void kb_buf_put_fixed(kb_buf *b, double v, int decimals) {
  static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  if (decimals < 0 || decimals > 9 || !isfinite(v) || fabs(v) >= 0x1p63) {
    kb_buf_printf(b, "%.*f", decimals < 0 ? 0 : decimals, v);
    return;
  }
  if (fabs(v) >= 1e9) {
    S_put_fixed_large(b, v, decimals, pow10[decimals]);
    return;
  }
  double a = fabs(v) * pow10[decimals], f = floor(a);
  if (a >= 4503599627370496.0) { /* 2^52: a is a whole number, its error may be 1 */
    kb_buf_printf(b, "%.*f", decimals, v);
    return;
  }
  /* a - f - 0.5 is exact, a multiple of a's last bit: when not 0 it is
   * larger than a's rounding error and says which way to round; on 0,
   * that error e (exact, by fma) says which side of the half the exact
   * value is, and on the half itself it goes to even, as printf rounds
   * (which took 3,300 instructions: a learned score over 858,993 at four
   * decimals, once in 30 numbers of a suggest, went to it) */
  double d0 = a - f - 0.5;
  int up = d0 > 0;
  if (d0 == 0) {
    double e = fma(fabs(v), pow10[decimals], -a);
    up = e != 0 ? e > 0 : fmod(f, 2.0) != 0;
  }
  unsigned long long r = (unsigned long long)f + (unsigned long long)up;
  unsigned long long p = (unsigned long long)pow10[decimals];
  S_put_fixed_digits(b, r / p, r % p, decimals, signbit(v) != 0);
}

/* Formats into the room the buffer has, and again only when that was too
 * little: measuring first, then writing, formatted everything twice
 * (a page's few printfs were 1.5 K instructions each). */
void kb_buf_printf(kb_buf *b, const char *fmt, ...) {
  va_list ap, cp;
  va_start(ap, fmt);
  va_copy(cp, ap);
  size_t room = b->cap > b->n ? b->cap - b->n : 0; /* with the NUL */
  int n = vsnprintf(room ? b->p + b->n : NULL, room, fmt, cp);
  va_end(cp);
  if (n > 0 && (size_t)n >= room) {
    kb_buf_grow(b, (size_t)n);
    vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
  }
  if (n > 0) b->n += (size_t)n;
  else if (room) b->p[b->n] = 0; /* nothing written (or an error): as it was */
  va_end(ap);
}

/* The first byte of s[i..n) HTML escapes (&<>"'), or n: sixteen bytes
 * at a time with SSE2, then a table (a switch a byte, a page's titles,
 * names and texts cost it 7.5 K instructions). */
static size_t S_html_plain(const char *s, size_t i, size_t n, const char *const *as) {
#ifdef __SSE2__
  const __m128i amp = _mm_set1_epi8('&'), lt = _mm_set1_epi8('<'), gt = _mm_set1_epi8('>'),
                quot = _mm_set1_epi8('"'), apos = _mm_set1_epi8('\'');
  for (; i + 16 <= n; i += 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, amp), _mm_cmpeq_epi8(x, lt)),
                               _mm_or_si128(_mm_cmpeq_epi8(x, gt), _mm_cmpeq_epi8(x, quot)));
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(x, apos));
    int m = _mm_movemask_epi8(hit);
    if (m) return i + (size_t)__builtin_ctz((unsigned)m);
  }
#endif
  while (i < n && !as[(unsigned char)s[i]]) i++;
  return i;
}

void kb_buf_put_html(kb_buf *b, const char *s, size_t n) {
  static const char *const as[256] = {['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;",
                                      ['"'] = "&quot;", ['\''] = "&#39;"};
  size_t run = 0;
  for (size_t i = S_html_plain(s, 0, n, as); i < n; i = S_html_plain(s, i + 1, n, as)) {
    kb_buf_put(b, s + run, i - run);
    kb_buf_puts(b, as[(unsigned char)s[i]]);
    run = i + 1;
  }
  kb_buf_put(b, s + run, n - run);
}

void kb_buf_put_query(kb_buf *b, const char *s, int form) {
  static const char hex[] = "0123456789ABCDEF";
  /* the bytes written as themselves (RFC 3986's unreserved): copied a
   * run at a time (a byte at a time, a result's link cost 370
   * instructions) */
  static const unsigned char plain[256] = {
      ['-'] = 1, ['_'] = 1, ['.'] = 1, ['~'] = 1,
      ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
      ['8'] = 1, ['9'] = 1,
      ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
      ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
      ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
      ['Y'] = 1, ['Z'] = 1,
      ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
      ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
      ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
      ['y'] = 1, ['z'] = 1};
  if (!s) return;
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    const unsigned char *run = p;
    while (plain[*p]) p++; /* the NUL is not plain */
    if (p > run) kb_buf_put(b, (const char *)run, (size_t)(p - run));
    if (!*p) break;
    if (form && *p == ' ') {
      kb_buf_putc(b, '+');
    } else {
      char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
      kb_buf_put(b, e, 3);
    }
    p++;
  }
}

/* The bytes JSON output escapes (a control character, '"', '\\', '<',
 * '>', '&'), as a bit mask of the sixteen bytes at s: replies and
 * snippets are mostly plain text, and with SSE2 (every x86-64) sixteen
 * bytes are tested at once. */
#ifdef __SSE2__
static inline __attribute__((always_inline)) unsigned S_json_mask(const char *s) {
  const __m128i quote = _mm_set1_epi8('"'), bsl = _mm_set1_epi8('\\'), lt = _mm_set1_epi8('<'),
                gt = _mm_set1_epi8('>'), amp = _mm_set1_epi8('&'), ctl = _mm_set1_epi8(0x1f);
  __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
  __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bsl)),
                             _mm_or_si128(_mm_cmpeq_epi8(x, lt), _mm_cmpeq_epi8(x, gt)));
  /* x <= 0x1f, unsigned: min(x, 0x1f) == x */
  hit = _mm_or_si128(hit, _mm_or_si128(_mm_cmpeq_epi8(x, amp), _mm_cmpeq_epi8(_mm_min_epu8(x, ctl), x)));
  return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/* The escape of each byte JSON output escapes, padded to eight bytes,
 * its length in the last: written as one 8-byte copy and a step (the
 * escape's switch and byte stores were 30 instructions an escape, and a
 * snippet's <mark> tags make about 50 escapes a suggest). */
#define S_HEX(x) ((x) < 10 ? '0' + (x) : 'a' + (x) - 10)
#define S_U(c) [c] = {'\\', 'u', '0', '0', S_HEX((c) >> 4), S_HEX((c) & 15), 0, 6}
const char kb_json_esc[256][8] = {
    S_U(0x00), S_U(0x01), S_U(0x02), S_U(0x03), S_U(0x04), S_U(0x05), S_U(0x06), S_U(0x07),
    S_U(0x08), S_U(0x0b), S_U(0x0c), S_U(0x0e), S_U(0x0f),
    S_U(0x10), S_U(0x11), S_U(0x12), S_U(0x13), S_U(0x14), S_U(0x15), S_U(0x16), S_U(0x17),
    S_U(0x18), S_U(0x19), S_U(0x1a), S_U(0x1b), S_U(0x1c), S_U(0x1d), S_U(0x1e), S_U(0x1f),
    /* control characters and <>&, so JSON is safe inside HTML, as \u00XX */
    S_U('<'), S_U('>'), S_U('&'),
    ['"'] = {'\\', '"', 0, 0, 0, 0, 0, 2}, ['\\'] = {'\\', '\\', 0, 0, 0, 0, 0, 2},
    ['\n'] = {'\\', 'n', 0, 0, 0, 0, 0, 2}, ['\r'] = {'\\', 'r', 0, 0, 0, 0, 0, 2},
    ['\t'] = {'\\', 't', 0, 0, 0, 0, 0, 2}};
#undef S_U
#undef S_HEX

/* Appends the escape of byte c at o (room for eight bytes: two past the
 * longest escape are written over); returns the end. */
static inline __attribute__((always_inline)) char *S_json_escape(char *o, unsigned char c) {
  memcpy(o, kb_json_esc[c], 8);
  return o + kb_json_esc[c][7];
}

/* Copies the k bytes at s to o (memcpy() without its call: the plain
 * runs between a snippet's escapes, and a string's last run, are short,
 * about 70 a suggest): 16 bytes at a time, the last 16 (or 8, or 4)
 * overlapping the run before them; nothing outside the k bytes is read
 * or written. */
static inline __attribute__((always_inline)) void S_copy_run(char *o, const char *s, size_t k) {
#ifdef __SSE2__
  if (k >= 16) {
    for (size_t i = 0; i + 16 < k; i += 16)
      _mm_storeu_si128((__m128i *)(void *)(o + i), _mm_loadu_si128((const __m128i *)(const void *)(s + i)));
    _mm_storeu_si128((__m128i *)(void *)(o + k - 16),
                     _mm_loadu_si128((const __m128i *)(const void *)(s + k - 16)));
    return;
  }
#endif
  if (k >= 8) {
    memcpy(o, s, 8);
    memcpy(o + k - 8, s + k - 8, 8);
  } else if (k >= 4) {
    memcpy(o, s, 4);
    memcpy(o + k - 4, s + k - 4, 4);
  } else {
    for (size_t i = 0; i < k; i++) o[i] = s[i];
  }
}

/* Written straight into the buffer, grown once for the plain case and
 * again only when an escape needs more: a kb_buf_put() per plain run and
 * a kb_buf_puts() per escape were half of a suggest's JSON writing. Each
 * block of sixteen bytes is tested once and its escapes taken from the
 * mask one by one (snippets carry their <mark> tags, four escapes each:
 * testing again from the byte after each escape was the rest). */
void kb_buf_put_json(kb_buf *b, const char *s, size_t n) {
  /* the bytes written escaped: control characters, '"', '\\', and <>& */
  static const unsigned char esc[256] = {
      1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
      ['"'] = 1, ['\\'] = 1, ['<'] = 1, ['>'] = 1, ['&'] = 1};
  kb_buf_grow(b, n + 2); /* the quotes and s unescaped (and the NUL) */
  char *o = b->p + b->n;
  *o++ = '"';
  size_t run = 0; /* s[run..) is not written yet */
  for (size_t i = 0; i < n;) {
    unsigned m;
    size_t base;
#ifdef __SSE2__
    if (i + 16 <= n) {
      base = i;
      m = S_json_mask(s + i);
    } else if (n >= 16) { /* the tail: the last sixteen, those before i masked off */
      base = n - 16;
      m = S_json_mask(s + base) & (0xffffu << (i - base));
    } else
#endif
    { /* short texts (and without SSE2): a byte at a time */
      base = i;
      m = 0;
      for (size_t k = 0; k < 16 && i + k < n; k++) m |= (unsigned)esc[(unsigned char)s[i + k]] << k;
    }
    for (; m; m &= m - 1) {
      size_t at = base + (size_t)__builtin_ctz(m);
      S_copy_run(o, s + run, at - run);
      o += at - run;
      run = at + 1;
      /* room for this escape (6 bytes at most, 1 was counted), the rest
       * of s, the quote and the NUL */
      size_t used = (size_t)(o - b->p);
      if (used + 5 + (n - at) + 2 > b->cap) {
        b->n = used;
        kb_buf_grow(b, 5 + (n - at) + 1);
        o = b->p + used;
      }
      o = S_json_escape(o, (unsigned char)s[at]);
    }
    i = base + 16;
  }
  S_copy_run(o, s + run, n - run);
  o += n - run;
  *o++ = '"';
  *o = 0;
  b->n = (size_t)(o - b->p);
}

void kb_buf_clear(kb_buf *b) {
  b->n = 0;
  if (b->p) b->p[0] = 0;
}

char *kb_buf_detach(kb_buf *b) {
  char *p = b->p ? b->p : kb_xstrdup("");
  b->p = NULL;
  b->n = b->cap = 0;
  return p;
}

void kb_buf_cleanup(kb_buf *b) {
  free(b->p);
  b->p = NULL;
  b->n = b->cap = 0;
}

const char *kb_buf_str(const kb_buf *b) { return b->p ? b->p : ""; }

/*--- Files ---------------------------------------------------------------*/

char *kb_read_file(const char *path, size_t max, size_t *pn) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && (size_t)st.st_size > max) {
    fclose(f);
    errno = EFBIG;
    return NULL;
  }
  kb_buf b = KB_BUF_INIT;
  char chunk[65536];
  size_t got;
  while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (b.n + got > max) {
      fclose(f);
      kb_buf_cleanup(&b);
      errno = EFBIG;
      return NULL;
    }
    kb_buf_put(&b, chunk, got);
  }
  int err = ferror(f);
  fclose(f);
  if (err) {
    kb_buf_cleanup(&b);
    errno = EIO;
    return NULL;
  }
  if (pn) *pn = b.n;
  return kb_buf_detach(&b);
}

int kb_line_of(const char *z, size_t off) {
  int line = 1;
  for (size_t i = 0; i < off && z[i]; i++) line += z[i] == '\n';
  return line;
}

int kb_varint_get(const unsigned char *p, int n, uint64_t *v) {
  uint64_t x = 0;
  for (int i = 0; i < 9; i++) {
    if (i >= n) return 0;
    if (i == 8) {
      *v = (x << 8) | p[i];
      return 9;
    }
    x = (x << 7) | (p[i] & 0x7f);
    if (!(p[i] & 0x80)) {
      *v = x;
      return i + 1;
    }
  }
  return 0;
}

size_t kb_utf8_cut(const char *s, size_t n) {
  while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
  return n;
}

double kb_kth_largest(double *v, int n, int k) {
  int lo = 0, hi = n - 1, want = k - 1;
  while (lo < hi) { /* Hoare's selection: v[want] ends where sorting puts it */
    double pivot = v[lo + (hi - lo) / 2];
    int i = lo, j = hi;
    while (i <= j) {
      while (v[i] > pivot) i++;
      while (v[j] < pivot) j--;
      if (i <= j) {
        double t = v[i];
        v[i++] = v[j];
        v[j--] = t;
      }
    }
    if (want <= j) hi = j;
    else if (want >= i) lo = i;
    else break;
  }
  return v[want];
}
