/*
 * kb_text.c - the analyzer: UTF-8 text to folded, stemmed terms.
 *
 * The pipeline (see kb_text.h for the rules it implements):
 *
 *   text -> chunks between white space
 *        -> chunk dropped whole if it is a URL or an e-mail address
 *        -> words (runs of letters/marks/digits), @handles skipped,
 *           #hashtags split into parts
 *        -> per word: fold each code point (utf8proc: compatibility
 *           decomposition + case folding, marks stripped from Latin, Greek
 *           and Cyrillic), squeeze elongations, split letters from digits
 *        -> stop words dropped, Snowball stem, callback.
 *
 * Words are held as arrays of code points with the byte span each came
 * from, so every term reports the exact span of source text behind it
 * (FTS5 uses those spans for highlight() and snippet()).
 */
#include "kb_text.h"

#include <libstemmer.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "kb_lang.h"
#include "kb_token.h"
#include "kb_util.h"

#define S_MAX_WORD 128 /* code points in one word; longer runs are noise */
#define S_MAX_FOLD 4   /* code points one source code point folds into */

#define S_CACHE_SLOTS 16384  /* stems remembered (a power of two) */
#define S_CACHE_WORD 24      /* longest word (and stem) remembered, + NUL */

/* A remembered word: words repeat (a few thousand make up most text),
 * and its look-up in the language's word lists (kb_lang_word_of()) and
 * its Snowball stem cost far more than one look-up here, made once for
 * both. */
/* (A slot is two cache lines, aligned: what a look-up of a word whose
 * stem is itself reads in the first (the hash, the word, its word-list
 * entry x, the stem's length and hash and the word's notes), the stem's
 * bytes and their notes in the second. Unaligned, 104 bytes, a slot
 * straddled three lines in two, and x, at its end, was read from another
 * line than the word's: 128 reads a kb/ suggest that missed L1,
 * callgrind --cache-sim.) */
typedef struct {
  _Alignas(64) uint32_t hash; /* the word's kb_hash() (1 for 0); 0: empty */
  unsigned char nstem;
  unsigned char stemmed;     /* stem, nstem, same and stem_hash are set */
  unsigned char same;        /* the stem is the word's bytes */
  const kb_lang_word *x;     /* kb_lang_word_of_hashed() of the word (the
                                lists are the analyzer's data: read-only
                                while it lives) */
  char word[S_CACHE_WORD];
  uint32_t stem_hash;        /* kb_hash() of the stem */
  int note[KB_TERM_NOTES];   /* kb_term.note of its terms: the word itself, */
  _Alignas(64) char stem[S_CACHE_WORD];
  int note_stem[2][KB_TERM_NOTES]; /* its stem, its exact form */
} S_stem;
_Static_assert(sizeof(S_stem) == 128, "a memo slot is two cache lines");

/* 1 if the memo's word sw is w: both S_CACHE_WORD bytes, NUL-padded
 * (S_memo()): three 8-byte compares, without a call or a length (asked
 * for every word in every language). */
static inline int S_same_word(const char *sw, const char *w) {
  uint64_t a[3], b[3];
  memcpy(a, sw, sizeof a);
  memcpy(b, w, sizeof b);
  return !((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]));
}

struct kb_analyzer {
  struct sb_stemmer *stemmer; /* Snowball stemmer for lang; not thread-safe */
  const kb_lang *data;        /* the language's word lists (borrowed), or
                                 NULL: no stop words, filler or text-speak */
  S_stem *cache;              /* S_CACHE_SLOTS, allocated on first use */
  int cached;                 /* slots in use (at most 3/4 are filled) */
  char lang[32];              /* as given to kb_analyzer_new() */
};

/* One folded code point and the source bytes it came from. */
typedef struct {
  int32_t cp;
  int start, end;
} S_ch;

/* A word being analyzed: folded code points with their spans. */
typedef struct {
  S_ch c[S_MAX_WORD * S_MAX_FOLD];
  int n;
} S_word;

/* State of one kb_analyzer_run() call. A run for several languages at
 * once (kb_analyzer_run_terms_all()) reads, folds and splits the text once
 * and hands each word to every language in turn (S_emit()): a, ctx and
 * placed are the current language's, saved in each[] between words. */
typedef struct {
  kb_analyzer *a;
  int flags;
  kb_token_fn fn;
  kb_term_fn fn_term;         /* instead of fn: terms with their surface */
  void *ctx;
  int placed; /* a term has been emitted at the current position */
  unsigned word;              /* words emitted (kb_term.word) */
  int nlang;                  /* languages of the run: 0 (a), or each[0..nlang) */
  int word_start, elide_at;   /* the plain word being emitted has an
                                 apostrophe: the source bytes where the
                                 word starts and where its part after the
                                 first apostrophe does (S_emit_plain());
                                 elide_at 0: none */
  struct S_lang_run *each;    /* (the caller's: a run of one language
                                 initialises no array) */
} S_run;

/* One language of a run for several (kb_analyzer_run_terms_all()). */
struct S_lang_run {
  kb_analyzer *a;
  void *ctx;
  int placed;
};

/* Sets the current position's "a term has been emitted" for every
 * language of the run (the word splitting decides it, not a language). */
static void S_place(S_run *r, int placed) {
  r->placed = placed;
  for (int k = 0; k < r->nlang; k++) r->each[k].placed = placed;
}

/*--- Stop words ----------------------------------------------------------*/

int kb_analyzer_is_stopword(const kb_analyzer *a, const char *w, int n) {
  if (n <= 0 || n > KB_TEXT_MAX_TERM) return 0;
  return kb_lang_is_stop(a->data, w, n);
}

_Static_assert(sizeof(((S_stem *)0)->word) == 3 * sizeof(uint64_t), "S_same_word() reads 24 bytes");

/* S_memo()'s new slot for w (its word-list look-up made), or NULL when
 * the memo is full. */
static __attribute__((noinline)) S_stem *S_memo_claim(kb_analyzer *a, S_stem *slot, const char *w,
                                                      int n, uint32_t hw, uint32_t h) {
  if (kb_analyzer_memo_full(a)) return NULL;
  slot->hash = h;
  memcpy(slot->word, w, S_CACHE_WORD);
  slot->x = kb_lang_word_of_hashed(a->data, w, n, hw);
  memset(slot->note, 0xff, sizeof slot->note); /* every note -1 */
  memset(slot->note_stem, 0xff, sizeof slot->note_stem);
  a->cached++;
  return slot;
}

/* The memo slot of the word w[0..n), whose kb_hash() is hw (the
 * caller's: one hash of a word serves every language), claimed with its
 * word-list look-up when it is new; NULL when the word is too long to
 * remember (n >= S_CACHE_WORD) or the memo is full. w is S_CACHE_WORD
 * bytes, NUL from n on (its buffer zeroed before the word is written:
 * S_emit_d(), S_emit_expansion()). */
static inline __attribute__((always_inline)) S_stem *S_memo(kb_analyzer *a, const char *w, int n,
                                                           uint32_t hw) {
  if (n >= S_CACHE_WORD) return NULL;
  if (__builtin_expect(!a->cache, 0)) {
    a->cache = aligned_alloc(_Alignof(S_stem), S_CACHE_SLOTS * sizeof *a->cache);
    if (!a->cache) abort();
    memset(a->cache, 0, S_CACHE_SLOTS * sizeof *a->cache);
  }
  uint32_t h = hw ? hw : 1; /* never 0: 0 marks an empty slot */
  for (uint32_t i = h;; i++) {
    S_stem *slot = &a->cache[i & (S_CACHE_SLOTS - 1)];
    if (!slot->hash) return S_memo_claim(a, slot, w, n, hw, h);
    if (slot->hash == h && S_same_word(slot->word, w)) return slot;
  }
}

/* The word-list look-up of w[0..n) (hash hw) in a's language, from its
 * memo slot when it has one. */
static inline const kb_lang_word *S_word_of(const kb_analyzer *a, const S_stem *slot,
                                            const char *w, int n, uint32_t hw) {
  return slot ? slot->x : kb_lang_word_of_hashed(a->data, w, n, hw);
}

/* The stem of w[0..n) (NUL-terminated), whose kb_hash() is hw, and
 * slot its memo slot (S_memo(), or NULL): *plen gets its length and
 * *phash its kb_hash() (remembered with it: the vocabulary looks stems up
 * by it). */
static const char *S_stem_of(kb_analyzer *a, S_stem *slot, const char *w, int n, uint32_t hw,
                             int *plen, uint32_t *phash) {
  if (slot && slot->stemmed) {
    *plen = slot->nstem;
    *phash = slot->stem_hash;
    return slot->stem;
  }
  const sb_symbol *st = sb_stemmer_stem(a->stemmer, (const sb_symbol *)w, n);
  if (!st) return NULL;
  int len = sb_stemmer_length(a->stemmer);
  *plen = len;
  *phash = kb_hash((const char *)st, (size_t)len);
  (void)hw;
  if (slot && len < S_CACHE_WORD) {
    memcpy(slot->stem, st, (size_t)len);
    slot->stem[len] = 0;
    slot->nstem = (unsigned char)len;
    slot->stem_hash = *phash;
    slot->same = len == n && !memcmp(st, w, (size_t)n);
    slot->stemmed = 1;
    return slot->stem;
  }
  return (const char *)st;
}

/*--- Analyzer objects ----------------------------------------------------*/

int kb_text_lang_known(const char *lang) {
  struct sb_stemmer *s = lang ? sb_stemmer_new(lang, "UTF_8") : NULL;
  sb_stemmer_delete(s);
  return s != NULL;
}

kb_analyzer *kb_analyzer_new(const char *lang, char *err, size_t nerr) {
  return kb_analyzer_new_data(lang, NULL, err, nerr);
}

kb_analyzer *kb_analyzer_new_data(const char *lang, const kb_lang *data, char *err, size_t nerr) {
  if (!lang || !*lang) lang = "en";
  struct sb_stemmer *s = sb_stemmer_new(lang, "UTF_8");
  if (!s || strlen(lang) >= sizeof(((kb_analyzer *)0)->lang)) {
    sb_stemmer_delete(s);
    if (err) snprintf(err, nerr, "no Snowball stemmer for language '%s'", lang);
    return NULL;
  }
  kb_analyzer *a = calloc(1, sizeof *a);
  if (!a) abort();
  a->stemmer = s;
  a->data = data;
  strcpy(a->lang, lang);
  return a;
}

void kb_analyzer_free(kb_analyzer *a) {
  if (!a) return;
  sb_stemmer_delete(a->stemmer);
  free(a->cache);
  free(a);
}

void kb_analyzer_forget(kb_analyzer *a) {
  if (!a || !a->cache) return;
  free(a->cache); /* (allocated again on first use) */
  a->cache = NULL;
  a->cached = 0;
}

/* S_pad_word()'s masks: S_CACHE_WORD bytes from S_ones + S_CACHE_WORD - n
 * keep the first n. */
static const unsigned char S_ones[2 * S_CACHE_WORD] = {
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255};

/* w[0..n) (n below S_CACHE_WORD; w readable for S_CACHE_WORD bytes)
 * into out as S_memo() reads a word: S_CACHE_WORD bytes, NUL from n on;
 * by three loads masked, not a call to memcpy() of n bytes (its branches
 * on the size were mispredicted 48 times a kb/ suggest, callgrind
 * --branch-sim). */
static inline void S_pad8(const char *w, const unsigned char *keep, char *out) {
  uint64_t v, m;
  memcpy(&v, w, sizeof v);
  memcpy(&m, keep, sizeof m);
  v &= m;
  memcpy(out, &v, sizeof v);
}

static inline void S_pad_word(const char *w, int n, char *out) {
  _Static_assert(S_CACHE_WORD == 24, "three loads");
  const unsigned char *keep = S_ones + S_CACHE_WORD - n;
  S_pad8(w, keep, out);
  S_pad8(w + 8, keep + 8, out + 8);
  S_pad8(w + 16, keep + 16, out + 16);
}

void kb_analyzer_words_of(kb_analyzer *a, const char *const *w, const int *n, const uint32_t *h,
                          int count, const kb_lang_word **x) {
  for (int i = 0; i < count; i++) {
    if (n[i] <= 0 || n[i] >= S_CACHE_WORD) { /* (none, or too long to remember) */
      x[i] = n[i] <= 0 ? NULL : kb_lang_word_of_hashed(a->data, w[i], n[i], h[i]);
      continue;
    }
    char buf[S_CACHE_WORD]; /* (S_memo() reads that many, NUL from n on) */
    S_pad_word(w[i], n[i], buf);
    x[i] = S_word_of(a, S_memo(a, buf, n[i], h[i]), buf, n[i], h[i]);
  }
}

int kb_analyzer_memo_full(const kb_analyzer *a) { return a && a->cached >= S_CACHE_SLOTS / 4 * 3; }

const char *kb_analyzer_lang(const kb_analyzer *a) { return a->lang; }

/*--- Character classes ---------------------------------------------------*/

int kb_text_utf8_valid(const char *z, size_t n, size_t *pbad) {
  size_t i = 0;
  while (i < n) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k;
    uint64_t w;
    /* ASCII eight bytes at a time (a suggest's body and text are read
     * three times: a byte at a time that was 1,300 instructions) */
    while (i + 8 <= n && (memcpy(&w, z + i, 8), !(w & 0x8080808080808080ull))) i += 8;
    if (i >= n) break;
    if ((unsigned char)z[i] < 0x80) {
      i++;
      continue;
    }
    k = utf8proc_iterate((const utf8proc_uint8_t *)z + i,
                         (utf8proc_ssize_t)(n - i), &cp);
    if (k <= 0) {
      if (pbad) *pbad = i;
      return 0;
    }
    i += (size_t)k;
  }
  return 1;
}

static int S_is_space(int32_t cp) {
  if (cp == ' ' || (cp >= 9 && cp <= 13)) return 1;
  if (cp < 0x80) return 0;
  utf8proc_category_t c = utf8proc_category(cp);
  return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL ||
         c == UTF8PROC_CATEGORY_ZP;
}

static int S_is_word_start_wide(int32_t cp) {
  utf8proc_category_t c = utf8proc_category(cp);
  return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
         (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

/* Letters and digits start a word; marks only continue one. (ASCII
 * inlined: asked of every character read.) */
static inline __attribute__((always_inline)) int S_is_word_start(int32_t cp) {
  if (cp < 0x80)
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
           (cp >= '0' && cp <= '9');
  return S_is_word_start_wide(cp);
}

static int S_is_mark(int32_t cp) {
  if (cp < 0x300) return 0;
  utf8proc_category_t c = utf8proc_category(cp);
  return c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME;
}

static int S_is_apostrophe(int32_t cp) {
  return cp == '\'' || cp == 0x2019 || cp == 0x02BC;
}

/* Han, Hiragana and Katakana are written without spaces: one term each. */
static int S_is_ideograph(int32_t cp) {
  return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x20000 && cp <= 0x2FFFF);
}

static int S_is_digit(int32_t cp) {
  if (cp < 0x80) return cp >= '0' && cp <= '9';
  utf8proc_category_t c = utf8proc_category(cp);
  return c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO;
}

static int S_is_upper(int32_t cp) {
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
  return utf8proc_category(cp) == UTF8PROC_CATEGORY_LU;
}

/* Marks are folded away on scripts where they are accents (Latin, Greek,
 * Cyrillic); elsewhere (Devanagari, Arabic...) they are part of the letter. */
static int S_strips_marks(int32_t base) {
  return base < 0x0530 || (base >= 0x1E00 && base <= 0x1FFF);
}

/*--- Reading the source --------------------------------------------------*/

/* Decodes the code point at z[i]; the text was validated beforehand. */
static int S_next(const char *z, int n, int i, int32_t *pcp) {
  unsigned char c = (unsigned char)z[i];
  if (c < 0x80) {
    *pcp = c;
    return 1;
  }
  utf8proc_int32_t cp;
  utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)z + i,
                                        (utf8proc_ssize_t)(n - i), &cp);
  *pcp = cp;
  return k > 0 ? (int)k : 1;
}

/*--- Folding -------------------------------------------------------------*/

static void S_fold_wide(S_word *w, int32_t cp, int start, int end);

/* Appends the folded form of cp (from source bytes [start,end)) to w:
 * ASCII here, inlined (most letters; a call each was 36 instructions),
 * the rest by S_fold_wide(). */
static inline __attribute__((always_inline)) void S_fold_into(S_word *w, int32_t cp, int start,
                                                              int end) {
  if (w->n + S_MAX_FOLD > (int)(sizeof w->c / sizeof *w->c)) return;
  if (cp < 0x80) {
    if (cp >= 'A' && cp <= 'Z') cp += 32;
    w->c[w->n++] = (S_ch){.cp = cp, .start = start, .end = end};
    return;
  }
  S_fold_wide(w, cp, start, end);
}

/* S_fold_into() of a code point past ASCII (w has room for its fold). */
static void S_fold_wide(S_word *w, int32_t cp, int start, int end) {
  utf8proc_int32_t out[S_MAX_FOLD * 4];
  utf8proc_ssize_t k = utf8proc_decompose_char(
      cp, out, (utf8proc_ssize_t)(sizeof out / sizeof *out),
      UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD, NULL);
  if (k < 0 || k > (utf8proc_ssize_t)(sizeof out / sizeof *out)) return;
  int32_t base = w->n ? w->c[w->n - 1].cp : 0;
  for (utf8proc_ssize_t i = 0; i < k; i++) {
    if (S_is_mark(out[i])) {
      if (w->n == 0 || S_strips_marks(base)) continue;
    } else {
      base = out[i];
    }
    if (w->n < (int)(sizeof w->c / sizeof *w->c))
      w->c[w->n++] = (S_ch){.cp = out[i], .start = start, .end = end};
  }
}

/*--- Emitting terms ------------------------------------------------------*/

/* Encodes c[0..n) as UTF-8 into buf (size KB_TEXT_MAX_TERM+1); returns the
 * byte length, or -1 if the term is too long. */
static int S_encode(const S_ch *c, int n, char *buf) {
  int len = 0;
  for (int i = 0; i < n; i++) {
    if (c[i].cp < 0x80) { /* most letters: no call */
      if (len + 1 > KB_TEXT_MAX_TERM) return -1;
      buf[len++] = (char)c[i].cp;
      continue;
    }
    utf8proc_uint8_t tmp[4];
    utf8proc_ssize_t k = utf8proc_encode_char(c[i].cp, tmp);
    if (len + k > KB_TEXT_MAX_TERM) return -1;
    memcpy(buf + len, tmp, (size_t)k);
    len += (int)k;
  }
  buf[len] = 0;
  return len;
}

static int S_has_digit(const S_ch *c, int n) {
  for (int i = 0; i < n; i++)
    if (S_is_digit(c[i].cp)) return 1;
  return 0;
}

/* Emits the term buf[0..len) (h: its kb_hash()) made of source c[0..n)
 * (digits: S_has_digit(c, n), asked once for every language) (surface:
 * the word as written, folded; it differs from buf when text-speak was
 * read): stem, callback. With colocated set, the term goes at the
 * position of the previous one. */
static inline __attribute__((always_inline)) int
S_emit_term(S_run *r, const S_ch *c, int n, int digits, int colocated, char *buf, int len,
            uint32_t h, S_stem *slot, const char *surface, int nsurface) {
  const char *term = buf;
  int blen = len;
  uint32_t th = h; /* the term's kb_hash() */
  /* a stem that is the word itself is handed on as the word (buf): the
   * callers tell "the same" by the pointer (S_record()); the memo knows,
   * else the hashes tell most stems apart without comparing their bytes */
  int same = 1;
  /* stemming never adds or drops a term, so spans-only callers skip it */
  if (!(r->flags & (KB_TEXT_PREFIX | KB_TEXT_SPANS)) && len >= 3 && !digits) {
    int slen;
    uint32_t sh;
    const char *st;
    if (slot && slot->stemmed) { /* most words: remembered, no call */
      st = slot->stem;
      slen = slot->nstem;
      sh = slot->stem_hash;
    } else {
      st = S_stem_of(r->a, slot, buf, len, h, &slen, &sh);
    }
    if (st && slot && st == slot->stem) {
      same = slot->same;
    } else if (st) {
      same = slen == blen && sh == h && !memcmp(st, buf, (size_t)blen);
    }
    if (!same) {
      term = st;
      len = slen;
      th = sh;
    }
  }
  /* (kb_term's promise: term is surface when their bytes are the same;
   * a text-speak expansion's words are not their surface) */
  if (surface != buf && len == nsurface && !memcmp(term, surface, (size_t)len)) term = surface;
  /* (an expansion's words are noted with no slot: their surface is
   * another word's) */
  S_stem *noted = slot && surface == buf ? slot : NULL;
  int flags = (colocated && r->placed) ? KB_TOKEN_COLOCATED : 0;
  r->placed = 1;
  int rc;
  if (r->fn_term) {
    kb_term t = {.flags = flags, .term = term, .nterm = len, .start = c[0].start,
                 .end = c[n - 1].end, .surface = surface, .nsurface = nsurface, .hash = th,
                 .word = r->word, .note = noted ? (same ? noted->note : noted->note_stem[0]) : NULL};
    rc = r->fn_term(r->ctx, &t);
  } else {
    rc = r->fn(r->ctx, flags, term, len, c[0].start, c[n - 1].end);
  }
  /* the exact (folded, unstemmed) form beside the stem, marked with '=' */
  if (rc == 0 && (r->flags & KB_TEXT_EXACT) && !same) {
    char exact[KB_TEXT_MAX_TERM + 2];
    exact[0] = KB_TEXT_EXACT_MARK;
    memcpy(exact + 1, buf, (size_t)blen);
    if (r->fn_term) {
      kb_term t = {.flags = KB_TOKEN_COLOCATED, .term = exact, .nterm = blen + 1,
                   .start = c[0].start, .end = c[n - 1].end, .surface = surface,
                   .nsurface = nsurface, .hash = h, .word = r->word,
                   .note = noted ? noted->note_stem[1] : NULL};
      rc = r->fn_term(r->ctx, &t);
    } else {
      rc = r->fn(r->ctx, KB_TOKEN_COLOCATED, exact, blen + 1, c[0].start, c[n - 1].end);
    }
  }
  return rc;
}

/* 1 if a customer's word w[0..n) is dropped: a stop word or filler. */
static int S_dropped(const S_run *r, const char *w, int n) {
  return kb_analyzer_is_stopword(r->a, w, n) || kb_lang_is_filler(r->a->data, w, n);
}

/* Emits the words of a text-speak expansion x read for source c[0..n)
 * (surface as written): each a term of its own, spanning the source;
 * stop words and filler among them dropped. */
static int S_emit_expansion(S_run *r, const S_ch *c, int n, int digits, int colocated,
                            const char *x, const char *surface, int nsurface) {
  int rc = 0, first = 1;
  while (*x && rc == 0) {
    const char *sp = strchr(x, ' ');
    int len = sp ? (int)(sp - x) : (int)strlen(x);
    char buf[KB_TEXT_MAX_TERM + 1];
    if (len > 0 && len <= KB_TEXT_MAX_TERM) {
      memset(buf, 0, S_CACHE_WORD); /* (S_memo() reads that many) */
      memcpy(buf, x, (size_t)len);
      buf[len] = 0;
      if (!S_dropped(r, buf, len)) {
        uint32_t hb = kb_hash(buf, (size_t)len);
        rc = S_emit_term(r, c, n, digits, first ? colocated : 0, buf, len, hb,
                         S_memo(r->a, buf, len, hb), surface, nsurface);
        first = 0;
      }
    }
    x += len + (sp != NULL);
  }
  return rc;
}

/* Emits one word made of c[0..n) (digits: S_has_digit(c, n)), encoded in
 * buf[0..len) (h: its kb_hash()), in r's current language: stop words
 * dropped; in a customer's words (KB_TEXT_QUERY) text-speak read and
 * filler dropped too; then stemmed and passed on. */
static inline __attribute__((always_inline)) int
S_emit_lang(S_run *r, const S_ch *c, int n, int digits, int colocated, char *buf,
            int len, uint32_t h) {
  /* one look-up says whether it is a stop word, filler or text-speak */
  S_stem *slot = S_memo(r->a, buf, len, h);
  const kb_lang_word *x = S_word_of(r->a, slot, buf, len, h);
  if (x && x->stop && !(r->flags & KB_TEXT_NOSTOP)) return 0;
  if ((r->flags & KB_TEXT_QUERY) && r->a->data) {
    if (x && x->speak) return S_emit_expansion(r, c, n, digits, colocated, x->speak, buf, len);
    if (x && (x->stop || x->filler)) return 0;
  }
  return S_emit_term(r, c, n, digits, colocated, buf, len, h, slot, buf, len);
}

/* Where a's language cuts the word c[0..n): the index of its first code
 * point after an elided form and its apostrophe ("l'écran" in French: 1,
 * the "e"), or 0 (no apostrophe, a part of a word that does not begin it,
 * a form the language's elisions.txt lacks, or nothing after it). */
static int S_elided(const S_run *r, const kb_analyzer *a, const S_ch *c, int n) {
  if (!a->data || n < 2 || c[0].start != r->word_start || c[0].start >= r->elide_at) return 0;
  int k = 1;
  while (k < n && c[k].start < r->elide_at) k++;
  if (k >= n) return 0;
  char pre[KB_TEXT_MAX_TERM + 1];
  int len = S_encode(c, k, pre);
  return len > 0 && kb_lang_is_elision(a->data, pre, len) ? k : 0;
}

/* S_emit_lang() of c[k..n), the rest of a word after its elided form
 * c[0..k) (S_emit_cut()). */
static __attribute__((noinline)) int S_emit_rest(S_run *r, const S_ch *c, int n, int k,
                                                 int colocated) {
  char rest[KB_TEXT_MAX_TERM + 1];
  memset(rest, 0, S_CACHE_WORD); /* (S_memo() reads that many) */
  int rlen = S_encode(c + k, n - k, rest);
  if (rlen <= 0) return 0;
  return S_emit_lang(r, c + k, n - k, S_has_digit(c + k, n - k), colocated, rest, rlen,
                     kb_hash(rest, (size_t)rlen));
}

/* S_emit_lang() of c[0..n) in r's current language, read without its
 * elided form when the language has one there (S_elided()): "l'écran" is
 * "ecran" in French, "lecran" in English. Inlined in S_emit_d()'s loop
 * over the languages, the elided case out of line: a call a word and
 * language was 1.6 K instructions a suggest (four languages, 12 words). */
static inline __attribute__((always_inline)) int S_emit_cut(S_run *r, const S_ch *c, int n,
                                                            int digits, int colocated,
                                                            char *buf, int len, uint32_t h) {
  int k = r->elide_at ? S_elided(r, r->a, c, n) : 0;
  if (!k) return S_emit_lang(r, c, n, digits, colocated, buf, len, h);
  return S_emit_rest(r, c, n, k, colocated);
}

/* Emits one word made of c[0..n) (S_emit_cut()) in each language of r;
 * digits: S_has_digit(c, n), or -1 when not known yet. The word is hashed,
 * and its digits looked for, once here: each language's word lists and
 * stems hashed it again, eight hashes a word. */
static int S_emit_d(S_run *r, const S_ch *c, int n, int colocated, int digits) {
  char buf[KB_TEXT_MAX_TERM + 1];
  if (n <= 0) return 0;
  memset(buf, 0, S_CACHE_WORD); /* (S_memo() reads that many) */
  int len = S_encode(c, n, buf);
  if (len <= 0) return 0;
  uint32_t h = kb_hash(buf, (size_t)len);
  if (digits < 0) digits = S_has_digit(c, n);
  r->word++;
  if (!r->nlang) return S_emit_cut(r, c, n, digits, colocated, buf, len, h);
  int rc = 0;
  for (int k = 0; rc == 0 && k < r->nlang; k++) {
    r->a = r->each[k].a;
    r->ctx = r->each[k].ctx;
    r->placed = r->each[k].placed;
    rc = S_emit_cut(r, c, n, digits, colocated, buf, len, h); /* (buf is only read) */
    r->each[k].placed = r->placed;
  }
  return rc;
}

static int S_emit(S_run *r, const S_ch *c, int n, int colocated) {
  return S_emit_d(r, c, n, colocated, -1);
}

/* Squeezes runs of three or more equal letters in c[0..n) down to keep
 * copies into out; returns the new length. */
static int S_squeeze(const S_ch *c, int n, int keep, S_ch *out) {
  int m = 0;
  for (int i = 0; i < n;) {
    int j = i;
    while (j < n && c[j].cp == c[i].cp) j++;
    int run = j - i;
    int take = (run >= 3 && !S_is_digit(c[i].cp)) ? keep : run;
    for (int k = 0; k < take; k++) out[m++] = c[i + k];
    if (take < run) out[m - 1].end = c[j - 1].end;
    i = j;
  }
  return m;
}

/* 1 if c[0..n) has a run that S_squeeze() shortens (three or more of a
 * letter): most words have none and are emitted without a copy. */
static int S_elongated(const S_ch *c, int n) {
  for (int i = 2; i < n; i++)
    if (c[i].cp == c[i - 1].cp && c[i].cp == c[i - 2].cp && !S_is_digit(c[i].cp)) return 1;
  return 0;
}

/* Emits a folded word: squeezed elongations with their single-letter
 * variant, and letter/digit runs split when a letter run is 3 or longer. */
static int S_emit_word(S_run *r, const S_ch *c, int n) {
  static _Thread_local S_ch sq[S_MAX_WORD * S_MAX_FOLD], one[S_MAX_WORD * S_MAX_FOLD];
  int rc;
  if (S_elongated(c, n)) {
    int nsq = S_squeeze(c, n, 2, sq);
    int none = S_squeeze(c, n, 1, one);
    S_place(r, 0);
    if ((rc = S_emit(r, sq, nsq, 0)) != 0) return rc;
    return S_emit(r, one, none, 1);
  }
  /* most words have no digit: one segment, emitted as it is (the
   * segments' search and the emission's own look for digits were a tenth
   * of the analysis) */
  if (!S_has_digit(c, n)) {
    S_place(r, 0);
    return S_emit_d(r, c, n, 0, 0);
  }
  /* find letter/digit segments */
  int nseg = 1, longletters = 0, seglen = 1;
  for (int i = 1; i <= n; i++) {
    if (i == n || S_is_digit(c[i].cp) != S_is_digit(c[i - 1].cp)) {
      if (!S_is_digit(c[i - 1].cp) && seglen >= 3) longletters = 1;
      if (i < n) nseg++;
      seglen = 1;
    } else {
      seglen++;
    }
  }
  S_place(r, 0);
  if (nseg < 2 || !longletters) return S_emit(r, c, n, 0);
  int first = 1;
  for (int i = 0; i < n;) {
    int j = i + 1;
    while (j < n && S_is_digit(c[j].cp) == S_is_digit(c[i].cp)) j++;
    S_place(r, first ? 0 : 1);
    if ((rc = S_emit(r, c + i, j - i, 0)) != 0) return rc;
    if (first && (rc = S_emit(r, c, n, 1)) != 0) return rc;
    first = 0;
    i = j;
  }
  return 0;
}

/* Splits a hashtag's source code points src[0..n) into parts at '_' and
 * camel-case humps (SimCard -> Sim|Card; a single leading lower-case letter
 * as in iPhone is not a hump), folds and emits each part, with the joined
 * form at the position of the last part. */
static int S_emit_hashtag(S_run *r, const S_ch *src, int n) {
  static _Thread_local S_word part, joined;
  int rc, nparts = 0;
  joined.n = 0;
  part.n = 0;
  int partsrc = 0; /* source code points in the current part */
  for (int i = 0; i <= n; i++) {
    int boundary = i == n || src[i].cp == '_' ||
                   (S_is_upper(src[i].cp) && partsrc >= 2 &&
                    !S_is_upper(src[i - 1].cp) && !S_is_digit(src[i - 1].cp));
    if (boundary && part.n) {
      if ((rc = S_emit_word(r, part.c, part.n)) != 0) return rc;
      nparts++;
      part.n = 0;
      partsrc = 0;
    }
    if (i == n) break;
    if (src[i].cp == '_') continue;
    S_fold_into(&part, src[i].cp, src[i].start, src[i].end);
    S_fold_into(&joined, src[i].cp, src[i].start, src[i].end);
    partsrc++;
  }
  if (nparts > 1) {
    S_place(r, 1);
    return S_emit(r, joined.c, joined.n, 1);
  }
  return 0;
}

/* Folds a plain word's source code points and emits it. Apostrophes are
 * dropped (can't -> cant); where the first one comes is remembered, for
 * the languages that elide (S_elided(): l'écran -> ecran in French). */
static int S_emit_plain(S_run *r, const S_ch *src, int n) {
  static _Thread_local S_word w;
  w.n = 0;
  r->elide_at = 0;
  for (int i = 0; i < n; i++) {
    if (!S_is_apostrophe(src[i].cp)) {
      S_fold_into(&w, src[i].cp, src[i].start, src[i].end);
    } else if (!r->elide_at && i > 0 && i + 1 < n) {
      r->word_start = src[0].start;
      r->elide_at = src[i + 1].start;
    }
  }
  int rc = S_emit_word(r, w.c, w.n);
  r->elide_at = 0;
  return rc;
}

/*--- Chunks and words ----------------------------------------------------*/

/* Reads the word starting at byte i of chunk z[0..n) into src (source code
 * points, unfolded); returns the byte offset after it. Apostrophes are kept
 * only between two word characters; underscores only when underscore is set
 * (hashtags and handles). */
static int S_read_word(const char *z, int n, int i, int base, int underscore,
                       S_ch *src, int *pn) {
  int m = 0;
  while (i < n) {
    int32_t cp;
    int k = S_next(z, n, i, &cp);
    int ok = S_is_word_start(cp) || (m > 0 && S_is_mark(cp)) ||
             (underscore && cp == '_');
    if (!ok && m > 0 && S_is_apostrophe(cp) && i + k < n) {
      int32_t nx;
      S_next(z, n, i + k, &nx);
      ok = S_is_word_start(nx) && !S_is_ideograph(nx);
    }
    if (!ok || S_is_ideograph(cp)) break;
    if (m < S_MAX_WORD) src[m] = (S_ch){.cp = cp, .start = base + i, .end = base + i + k};
    m++;
    i += k;
  }
  *pn = m;
  return i;
}

/* A symbol z[0..k) (code point cp, at byte offset at of the text) that a
 * customer writes for a word, "🔋" for battery: in a customer's words
 * (KB_TEXT_QUERY) it is read as its language's text-speak lists it
 * (kb/lang/LANG/textspeak.tsv), like "slt" for salut; any other symbol,
 * and every symbol of an article, says nothing (change J). */
static int S_emit_symbol(S_run *r, const char *z, int k, int at, int32_t cp) {
  if (!(r->flags & KB_TEXT_QUERY)) return 0;
  S_ch one = {.cp = cp, .start = at, .end = at + k};
  if (!r->nlang) {
    const char *x = r->a->data ? kb_lang_speak(r->a->data, z, k) : NULL;
    if (!x) return 0;
    /* a word of its own, numbered as the loop below numbers it (its
     * terms carried the number of the word before it: kb_term.word, whose
     * surfaces kb_query.c's S_record() tells apart by their length) */
    r->word++;
    return S_emit_expansion(r, &one, 1, 0, 0, x, z, k);
  }
  /* each language its own word (S_emit_d()'s loop) */
  int rc = 0, placed = 0;
  for (int i = 0; rc == 0 && i < r->nlang; i++) {
    const kb_lang *l = r->each[i].a->data;
    const char *x = l ? kb_lang_speak(l, z, k) : NULL;
    if (!x) continue;
    if (!placed) {
      S_place(r, 0);
      r->word++;
      placed = 1;
    }
    r->a = r->each[i].a;
    r->ctx = r->each[i].ctx;
    r->placed = r->each[i].placed;
    rc = S_emit_expansion(r, &one, 1, 0, 0, x, z, k);
    r->each[i].placed = r->placed;
  }
  return rc;
}

/* Analyzes one chunk z[0..n) found at byte offset base of the text;
 * dots: it has a '.' or a ':', which every link has (kb_token_is_link()
 * is not asked of the others: the chunk's end was found reading them). */
static int S_chunk(S_run *r, const char *z, int n, int base, int dots) {
  static _Thread_local S_ch src[S_MAX_WORD];
  if (dots && kb_token_is_link(z, n)) return 0;
  int i = 0, rc;
  while (i < n) {
    int32_t cp;
    int k = S_next(z, n, i, &cp);
    if (S_is_ideograph(cp)) {
      S_ch one = {.cp = cp, .start = base + i, .end = base + i + k};
      if ((rc = S_emit_plain(r, &one, 1)) != 0) return rc;
      i += k;
      continue;
    }
    if ((cp == '@' || cp == '#') && i + 1 < n) {
      int32_t nx;
      S_next(z, n, i + 1, &nx);
      if (S_is_word_start(nx) || nx == '_') {
        int m, j = S_read_word(z, n, i + 1, base, 1, src, &m);
        /* @handles are not content; #hashtags are split into words */
        if (cp == '#' && m <= S_MAX_WORD && (rc = S_emit_hashtag(r, src, m)) != 0)
          return rc;
        i = j;
        continue;
      }
    }
    if (!S_is_word_start(cp)) {
      if (cp >= 0x2000 && (rc = S_emit_symbol(r, z + i, k, base + i, cp)) != 0) return rc;
      i += k;
      continue;
    }
    int m;
    i = S_read_word(z, n, i, base, 0, src, &m);
    if (m <= S_MAX_WORD && (rc = S_emit_plain(r, src, m)) != 0) return rc;
  }
  return 0;
}

static int S_count_pos(void *ctx, int flags, const char *t, int n, int s, int e) {
  (void)t; (void)n; (void)s; (void)e;
  if (!(flags & KB_TOKEN_COLOCATED)) ++*(int *)ctx;
  return 0;
}

int kb_analyzer_positions(kb_analyzer *a, const char *text) {
  int pos = 0;
  kb_analyzer_run(a, text, -1, KB_TEXT_EXACT, S_count_pos, &pos);
  return pos;
}

/* Runs r over z[0..n): chunk by chunk between white space. */
static int S_run_text(S_run *r, const char *z, int n) {
  if (!(r->flags & KB_TEXT_VALID) && !kb_text_utf8_valid(z, (size_t)n, NULL)) return KB_TEXT_EUTF8;
  int i = 0;
  while (i < n) {
    int32_t cp;
    int k = S_next(z, n, i, &cp);
    if (S_is_space(cp)) {
      i += k;
      continue;
    }
    int j = i + k, dots = cp == '.' || cp == ':';
    while (j < n) {
      k = S_next(z, n, j, &cp);
      if (S_is_space(cp)) break;
      dots |= cp == '.' || cp == ':';
      j += k;
    }
    int rc = S_chunk(r, z + i, j - i, i, dots);
    if (rc != 0) return rc;
    i = j;
  }
  return KB_TEXT_OK;
}

int kb_analyzer_run(kb_analyzer *a, const char *z, int n, int flags,
                    kb_token_fn fn, void *ctx) {
  if (n < 0) n = (int)strlen(z);
  S_run r = {.a = a, .flags = flags, .fn = fn, .ctx = ctx};
  return S_run_text(&r, z, n);
}

int kb_analyzer_run_terms(kb_analyzer *a, const char *z, int n, int flags, kb_term_fn fn,
                          void *ctx) {
  if (n < 0) n = (int)strlen(z);
  S_run r = {.a = a, .flags = flags, .fn_term = fn, .ctx = ctx};
  return S_run_text(&r, z, n);
}

int kb_analyzer_run_terms_all(kb_analyzer *const *a, void *const *ctx, int na, const char *z,
                              int n, int flags, kb_term_fn fn) {
  if (na <= 0) return KB_TEXT_OK;
  if (na > KB_MAX_LANGS) na = KB_MAX_LANGS;
  if (n < 0) n = (int)strlen(z);
  struct S_lang_run each[KB_MAX_LANGS];
  for (int k = 0; k < na; k++) each[k] = (struct S_lang_run){.a = a[k], .ctx = ctx[k]};
  S_run r = {.a = a[0], .flags = flags, .fn_term = fn, .ctx = ctx[0], .nlang = na, .each = each};
  return S_run_text(&r, z, n);
}
