/*
 * kb_token.c - the word layer of a mention's analysis (see kb_token.h):
 * one pass over the text that finds the words with their spans, folded
 * forms and kinds, and marks where clauses begin and which words are part
 * of an @handle or a URL.
 *
 * ASCII is read without a call into utf8proc (most of a tweet is ASCII);
 * other code points get their category and folding from utf8proc.
 */
#include "kb_token.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "kb_arena.h"
#include "kb_util.h"

/*--- Links ---------------------------------------------------------------*/

static int S_has_ci(const char *z, int n, const char *needle) {
  int k = (int)strlen(needle);
  for (int i = 0; i + k <= n; i++)
    if (strncasecmp(z + i, needle, (size_t)k) == 0) return 1;
  return 0;
}

int kb_token_is_link(const char *z, int n) {
  /* every form has a '.' or a ':'; most words have neither (a quick exit,
   * one pass over a short word rather than two calls) */
  int i = 0;
  while (i < n && z[i] != '.' && z[i] != ':') i++;
  if (i == n) return 0;
  if (S_has_ci(z, n, "://") || (n > 4 && strncasecmp(z, "www.", 4) == 0))
    return 1;
  const char *at = memchr(z, '@', (size_t)n);
  if (at && at > z && memchr(at, '.', (size_t)(n - (at - z)))) return 1;
  /* host.tld/path: a dot before the first slash, letters on both sides */
  const char *slash = memchr(z, '/', (size_t)n);
  if (slash && slash > z + 2) {
    for (const char *p = z + 1; p < slash - 1; p++)
      if (*p == '.' && ((p[1] | 0x20) >= 'a' && (p[1] | 0x20) <= 'z') &&
          ((p[-1] | 0x20) >= 'a' && (p[-1] | 0x20) <= 'z'))
        return 1;
  }
  return 0;
}

/*--- Code points ---------------------------------------------------------*/

/* A code point and what the splitter needs to know about it. */
typedef struct {
  int32_t cp;
  int len;       /* bytes; 0: an invalid byte */
  int cat;       /* utf8proc category (ASCII: computed here) */
} S_cp;

/* utf8proc's category of each ASCII character, without the call. */
static const unsigned char S_ascii_cat[128] = {
    ['0' ... '9'] = UTF8PROC_CATEGORY_ND,
    ['A' ... 'Z'] = UTF8PROC_CATEGORY_LU,
    ['a' ... 'z'] = UTF8PROC_CATEGORY_LL,
};

static S_cp S_read_utf8(const char *z, size_t n, size_t i) {
  utf8proc_int32_t cp;
  utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)z + i, (utf8proc_ssize_t)(n - i), &cp);
  if (k <= 0) return (S_cp){.cp = -1, .len = 0, .cat = UTF8PROC_CATEGORY_CN};
  return (S_cp){.cp = cp, .len = (int)k, .cat = utf8proc_category(cp)};
}

/* The code point at z[i] (ASCII other than letters and digits: category
 * PO, which nothing here tells apart). */
static inline S_cp S_read(const char *z, size_t n, size_t i) {
  unsigned char c = (unsigned char)z[i];
  if (c < 0x80) {
    int cat = S_ascii_cat[c];
    return (S_cp){.cp = c, .len = 1, .cat = cat ? cat : UTF8PROC_CATEGORY_PO};
  }
  return S_read_utf8(z, n, i);
}

static int S_letter_or_digit(int cat) {
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
         (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

static int S_mark(int cat) { return cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME; }

static int S_apostrophe(int32_t cp) { return cp == '\'' || cp == 0x2019; }

static int S_space(S_cp c) {
  if (c.cp < 0x80) return c.cp == ' ' || (c.cp >= 9 && c.cp <= 13);
  return c.cat == UTF8PROC_CATEGORY_ZS || c.cat == UTF8PROC_CATEGORY_ZL ||
         c.cat == UTF8PROC_CATEGORY_ZP;
}

static int S_emoji(int32_t cp) {
  return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) ||
         (cp >= 0x2B00 && cp <= 0x2BFF);
}

static int S_ascii_word(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Appends the folded form of c to t->fold (bytes *plen): case folded,
 * compatibility forms and accents removed. */
static void S_fold(kb_token *t, size_t *plen, S_cp c) {
  if (c.cp < 0x80) {
    if (*plen + 1 < sizeof t->fold)
      t->fold[(*plen)++] = (char)(c.cp >= 'A' && c.cp <= 'Z' ? c.cp + 32 : c.cp);
    return;
  }
  utf8proc_int32_t f[8];
  utf8proc_ssize_t nf = utf8proc_decompose_char(
      c.cp, f, 8, UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_COMPAT, NULL);
  for (utf8proc_ssize_t j = 0; j < nf && j < 8; j++) {
    utf8proc_uint8_t buf[4];
    utf8proc_ssize_t e = utf8proc_encode_char(f[j], buf);
    if (*plen + (size_t)e < sizeof t->fold) {
      memcpy(t->fold + *plen, buf, (size_t)e);
      *plen += (size_t)e;
    }
  }
}

/*--- Splitting -----------------------------------------------------------*/

/* The state of one split. */
typedef struct {
  const char *z;
  size_t n;
  kb_token *v;
  int m, cap;
  int quoted;          /* in an @handle's or URL's chunk, from its '@' or "http" */
  int clause;          /* a clause boundary since the last token read for cues */
  int link;            /* the current chunk is a link */
  int hashtag;         /* after a '#', until a character that ends it */
  size_t handle_end;   /* an @handle runs up to here */
} S_split;

static inline __attribute__((always_inline)) kb_token *S_push(S_split *s) {
  if (s->m == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 32;
    s->v = kb_xrealloc(s->v, (size_t)s->cap * sizeof *s->v);
  }
  kb_token *t = &s->v[s->m];
  memset(t, 0, sizeof *t);
  return t;
}

/* Reads the word starting at byte i; returns the byte after it. */
static size_t S_word(S_split *s, size_t i, S_cp first) {
  kb_token *t = S_push(s);
  t->start = (int)i;
  t->upper = first.cat == UTF8PROC_CATEGORY_LU;
  size_t len = 0;
  int digits = 0, letters = 0;
  while (i < s->n) {
    unsigned char b = (unsigned char)s->z[i];
    if (b < 0x80) { /* most of a tweet: no call */
      int cat = S_ascii_cat[b];
      if (cat == UTF8PROC_CATEGORY_ND) {
        digits = 1;
      } else if (cat) {
        letters = 1;
        if (b <= 'Z') b = (unsigned char)(b + 32);
      } else if (b == '\'' && len > 0) {
        if (!t->apos) t->apos = (int)len;
        i++;
        continue;
      } else {
        break;
      }
      if (len + 1 < sizeof t->fold) t->fold[len++] = (char)b;
      i++;
      continue;
    }
    S_cp c = S_read_utf8(s->z, s->n, i);
    if (!c.len) break;
    int word = S_letter_or_digit(c.cat);
    if (!word && !S_mark(c.cat) && !(S_apostrophe(c.cp) && len > 0)) break;
    if (S_apostrophe(c.cp)) {
      if (!t->apos) t->apos = (int)len;
    } else if (!S_mark(c.cat)) {
      S_fold(t, &len, c);
      if (c.cat >= UTF8PROC_CATEGORY_ND && c.cat <= UTF8PROC_CATEGORY_NO) digits = 1;
      else if (word) letters = 1;
    }
    i += (size_t)c.len;
  }
  t->fold[len] = 0;
  t->end = (int)i;
  if (!len) return i; /* nothing left once folded: not a token */
  t->nfold = (int)len;
  /* a word starting "http" makes the rest of its chunk a URL */
  /* (a word's bytes hold no NUL: four compared without a call) */
  if (!s->quoted && t->end - t->start >= 4 && !memcmp(s->z + t->start, "http", 4)) s->quoted = 1;
  t->quoted = s->quoted;
  t->clause = !t->quoted && s->clause;
  if (!t->quoted) s->clause = 0;
  t->kind = s->link ? KB_TOKEN_URL
          : (size_t)t->start < s->handle_end ? KB_TOKEN_HANDLE
          : s->hashtag ? KB_TOKEN_HASHTAG
          : digits && !letters ? KB_TOKEN_NUMBER
          : digits ? KB_TOKEN_MODEL : KB_TOKEN_WORD;
  s->m++;
  return i;
}

/* Reads a character between words at byte i. */
static void S_between(S_split *s, size_t i, S_cp c) {
  if (c.cp == '@') {
    /* an @handle: not after a letter or digit (that is an e-mail) */
    unsigned char before = i ? (unsigned char)s->z[i - 1] : ' ';
    if (!S_ascii_word(before)) {
      size_t j = i + 1;
      while (j < s->n && S_ascii_word((unsigned char)s->z[j])) j++;
      s->handle_end = j;
    }
    s->quoted = 1;
  }
  s->hashtag = c.cp == '#' || (s->hashtag && c.cp == '_');
  if (s->quoted) return;
  if ((c.cp < 0x80 && c.cp && strchr(".,!;:\n", (int)c.cp)) || c.len == 4) s->clause = 1;
  if (S_emoji(c.cp)) {
    kb_token *t = S_push(s);
    *t = (kb_token){.kind = KB_TOKEN_EMOJI, .start = (int)i, .end = (int)i + c.len, .quoted = 1};
    s->m++;
  }
}

/* The tokens of z[0..n) into s (its array v of cap set: grown as
 * needed), s->m of them. */
static void S_split_all(S_split *s, const char *z, size_t n);

/* a token takes two bytes at least (a character and a separator): room
 * for that many, up to a tweet's worth, then growth */
static int S_first_cap(size_t n) { return (int)(n < 512 ? n / 2 + 1 : 256); }

kb_token *kb_tokens_split(const char *z, size_t n, int *pn) {
  S_split s = {.z = z, .n = n, .clause = 1};
  s.cap = S_first_cap(n);
  s.v = kb_xmalloc((size_t)s.cap * sizeof *s.v);
  S_split_all(&s, z, n);
  *pn = s.m;
  if (!s.m) {
    free(s.v);
    return NULL;
  }
  return s.v;
}

kb_token *kb_tokens_split_spare(const char *z, size_t n, int *pn, int *pcap) {
  S_split s = {.z = z, .n = n, .clause = 1};
  size_t have;
  s.v = kb_spare_take(KB_SPARE_TOKENS, &have);
  s.cap = (int)(have / sizeof *s.v);
  if (!s.v) { /* (a smaller one grows as the tokens come) */
    s.cap = S_first_cap(n);
    s.v = kb_xmalloc((size_t)s.cap * sizeof *s.v);
  }
  S_split_all(&s, z, n);
  *pn = s.m;
  *pcap = s.cap;
  return s.v;
}

void kb_tokens_give(kb_token *t, int cap) {
  kb_spare_give(KB_SPARE_TOKENS, t, (size_t)cap * sizeof *t);
}

static void S_split_all(S_split *sp, const char *z, size_t n) {
  S_split s = *sp; /* (written back at the end) */
  int chunk_start = 1;
  for (size_t i = 0; i < n;) {
    S_cp c = S_read(z, n, i);
    if (!c.len) { /* an invalid byte: skipped */
      i++;
      continue;
    }
    if (S_space(c)) {
      s.quoted = s.hashtag = 0;
      if (c.cp == '\n') s.clause = 1;
      chunk_start = 1;
      i += (size_t)c.len;
      continue;
    }
    if (chunk_start) {
      size_t j = i;
      int dots = 0; /* a '.' or ':': it may be a link */
      while (j < n) {
        unsigned char b = (unsigned char)z[j];
        if (b < 0x80) {
          if (b == ' ' || (b >= 9 && b <= 13)) break;
          dots |= b == '.' || b == ':';
          j++;
          continue;
        }
        S_cp d = S_read_utf8(z, n, j);
        if (d.len && S_space(d)) break;
        j += d.len ? (size_t)d.len : 1;
      }
      s.link = dots && kb_token_is_link(z + i, (int)(j - i));
      chunk_start = 0;
    }
    if (S_letter_or_digit(c.cat)) {
      i = S_word(&s, i, c);
    } else {
      S_between(&s, i, c);
      i += (size_t)c.len;
    }
  }
  *sp = s;
}
