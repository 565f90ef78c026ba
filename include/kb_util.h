/*
 * kb_util.h - the allocation policy and a growable byte buffer.
 *
 * Memory: kb_xmalloc() and friends abort with a message when memory runs
 * out (as cmark's xcalloc and Redis's zmalloc do), so no caller checks for
 * NULL. Sizes that come from outside are still checked before they grow a
 * buffer (kb_buf_grow refuses sizes that would overflow).
 */
#ifndef KB_UTIL_H
#define KB_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <stdint.h>

void *kb_xmalloc(size_t n);
void *kb_xcalloc(size_t n, size_t size);
void *kb_xrealloc(void *p, size_t n);
char *kb_xstrdup(const char *s);
char *kb_xstrndup(const char *s, size_t n);

/* printf into a fresh heap string; the caller frees it. */
char *kb_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *kb_vfmt(const char *fmt, va_list ap);

/* A growable byte buffer, always NUL-terminated once anything was put in.
 * Embed it and initialise with KB_BUF_INIT; kb_buf_cleanup() frees the
 * bytes, kb_buf_detach() hands them to the caller (who frees them). */
typedef struct kb_buf {
  char *p;     /* bytes, NUL-terminated; NULL until the first put */
  size_t n;    /* bytes used, not counting the NUL */
  size_t cap;  /* bytes allocated */
} kb_buf;

#define KB_BUF_INIT {NULL, 0, 0}

void kb_buf_grow(kb_buf *b, size_t extra);
/* Appends s[0..n). Inline, as kb_buf_puts(): a suggest makes some 150
 * puts, most of a literal, whose copy the compiler then makes a move or
 * two (a call and a memcpy() call each were 5 K instructions a suggest). */
static inline void kb_buf_put(kb_buf *b, const char *s, size_t n) {
  if (n >= b->cap - b->n) kb_buf_grow(b, n); /* else room (b->n < b->cap, or both 0) */
  if (n) memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = 0;
}
/* (inline: a literal's length is then counted by the compiler, not by
 * strlen() at each call, twenty-five thousand calls a suggest) */
static inline void kb_buf_puts(kb_buf *b, const char *s) { kb_buf_put(b, s, strlen(s)); }
static inline void kb_buf_putc(kb_buf *b, char c) {
  if (b->n + 2 > b->cap) kb_buf_grow(b, 1); /* else room: the common case, no call */
  b->p[b->n++] = c;
  b->p[b->n] = 0;
}
/* Appends a decimal integer (no printf: on every search's hot path). */
void kb_buf_put_int(kb_buf *b, long long v);
/* Appends v as printf("%.*f", decimals, v) would (decimals 0..9), without
 * printf's cost for the common case: JSON scores and timings. */
void kb_buf_put_fixed(kb_buf *b, double v, int decimals);
void kb_buf_printf(kb_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends s[0..n) escaped for HTML text and attribute values. */
void kb_buf_put_html(kb_buf *b, const char *s, size_t n);
/* Appends s percent-encoded for a URL query value (RFC 3986's unreserved
 * characters kept as they are); with form set, a space becomes '+' as
 * HTML forms send it, else %20. NULL appends nothing. */
void kb_buf_put_query(kb_buf *b, const char *s, int form);
/* Appends s[0..n) as a JSON string literal, quotes included. */
void kb_buf_put_json(kb_buf *b, const char *s, size_t n);
/* The escape kb_buf_put_json() writes for each byte, padded to eight
 * bytes, its length in the last (0: the byte is written as it is). Each
 * byte's are its own: a string's JSON is its bytes' one after the other. */
extern const char kb_json_esc[256][8];
void kb_buf_clear(kb_buf *b);
char *kb_buf_detach(kb_buf *b);
void kb_buf_cleanup(kb_buf *b);
/* The buffer's text, "" when empty (never NULL). */
const char *kb_buf_str(const kb_buf *b);

/* Reads a whole file, at most max bytes. Returns the bytes (NUL-terminated,
 * caller frees) and sets *pn; returns NULL with errno set when the file
 * cannot be read, or with errno = EFBIG when it is larger than max. */
/* Reads one SQLite varint (the format of SQLite records and of FTS5's
 * own records) into *v; returns the bytes used, 0 if it runs past n. */
int kb_varint_get(const unsigned char *p, int n, uint64_t *v);

char *kb_read_file(const char *path, size_t max, size_t *pn);

/* Line number (1-based) of byte offset off in z. */
int kb_line_of(const char *z, size_t off);

/* Where to cut s at byte n or before without splitting a UTF-8 character:
 * n when s[n] begins a character (or is the NUL), else the start of the
 * character s[n] is part of. s must be readable at s[n]. */
size_t kb_utf8_cut(const char *s, size_t n);

/* FNV-1a over s[0..n): the hash of the small tables (stop words, stems,
 * the vocabulary, reply counts, learned terms). */
uint32_t kb_hash(const char *s, size_t n);

/* kb_hash() of the bytes whose kb_hash() is h followed by s[0..n): a key
 * that grows (words joined one by one) hashed without its start again. */
uint32_t kb_hash_more(uint32_t h, const char *s, size_t n);

/* The k-th largest of v[0..n) (1 <= k <= n), in expected linear time;
 * v is reordered (the score a page's rows reach, kb_search.c). */
double kb_kth_largest(double *v, int n, int k);

#endif
