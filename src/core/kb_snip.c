/*
 * kb_snip.c - cutting a hit's snippet from its body (kb_snip.h): the
 * body's terms' byte spans found by running the analyzer for positions
 * and spans only, once per row, and the body escaped for HTML then too
 * (and that for a JSON string, a long body's, at its first JSON snippet),
 * so that a window's text is copied from it; nothing in an article can
 * inject markup through a snippet.
 */
#include "kb_snip.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "kb_rank.h"
#include "kb_text.h"

/* Bytes readable past a cached body's NUL (kb_snip_body() allocates
 * them, zeros): S_put_snip() reads sixteen at a time up to the end of
 * a run of text without a byte-at-a-time tail (the tail was a quarter of
 * a search-as-you-type fragment's snippets, callgrind). */
#define S_PAD 16

/* What each byte becomes in a snippet, n 0: itself (&<>"' escaped, a
 * line break as a space, the \x02 \x03 markers a body might hold as
 * <mark> and </mark>, as the matches are marked); as eight bytes, so
 * that an escape is one store (at most S_ESC_MAX bytes count). */
#define S_ESC_MAX 7
typedef struct {
  char s[8];
  unsigned char n;
} S_esc;
static const S_esc S_escs[256] = {['&'] = {"&amp;", 5}, ['<'] = {"&lt;", 4}, ['>'] = {"&gt;", 4},
                                  ['"'] = {"&quot;", 6}, ['\''] = {"&#39;", 5},
                                  ['\x02'] = {"<mark>", 6}, ['\x03'] = {"</mark>", 7},
                                  ['\n'] = {" ", 1}};

#ifdef __SSE2__
/* Which of the sixteen bytes x S_escs[] changes (bit k: byte k), each
 * tested against the eight in five compares: & and ' are 0x26 0x27,
 * \x02 \x03 are 0x02 0x03 (bit 0 cleared), < and > are 0x3C 0x3E (bit 1
 * cleared). */
static inline __attribute__((always_inline)) unsigned S_special16(__m128i x) {
  __m128i e = _mm_and_si128(x, _mm_set1_epi8((char)0xFE));
  __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(e, _mm_set1_epi8(0x26)),
                             _mm_cmpeq_epi8(e, _mm_set1_epi8(0x02)));
  hit = _mm_or_si128(hit, _mm_cmpeq_epi8(_mm_and_si128(x, _mm_set1_epi8((char)0xFD)),
                                         _mm_set1_epi8(0x3C)));
  hit = _mm_or_si128(hit, _mm_cmpeq_epi8(x, _mm_set1_epi8('"')));
  hit = _mm_or_si128(hit, _mm_cmpeq_epi8(x, _mm_set1_epi8('\n')));
  return (unsigned)_mm_movemask_epi8(hit);
}

/* Writes body text s[0..n) into a snippet, as S_escs[] says; s[n..n +
 * S_PAD) is read (a cached body's). With SSE2 (every x86-64) it is
 * copied as it is scanned, sixteen bytes a load, a test and a store,
 * into room made first for every byte escaped and a store's sixteen
 * bytes past the end (a byte-at-a-time tail to each run, a memcpy()
 * call per run and an escape's strlen() were most of the snippets'
 * writing, callgrind). */
static void S_put_snip(kb_buf *b, const char *s, size_t n) {
  size_t room = S_ESC_MAX * n + 16;
  if (b->cap - b->n <= room) kb_buf_grow(b, room);
  char *o = b->p + b->n;
  for (size_t i = 0; i < n;) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    _mm_storeu_si128((__m128i *)(void *)o, x);
    unsigned m = S_special16(x);
    size_t k = m ? (size_t)__builtin_ctz(m) : 16; /* plain bytes from i */
    if (k >= n - i) { /* to the end (bytes past n are not the run's) */
      o += n - i;
      break;
    }
    o += k;
    i += k;
    if (!m) continue;
    const S_esc *e = &S_escs[(unsigned char)s[i++]];
    memcpy(o, e->s, sizeof e->s);
    o += e->n;
  }
  b->n = (size_t)(o - b->p);
  b->p[b->n] = 0;
}
#else
/* Writes body text s[0..n) into a snippet, as S_escs[] says. */
static void S_put_snip(kb_buf *b, const char *s, size_t n) {
  size_t run = 0;
  for (size_t i = 0; i < n; i++) {
    const S_esc *e = &S_escs[(unsigned char)s[i]];
    if (!e->n) continue;
    kb_buf_put(b, s + run, i - run);
    kb_buf_put(b, e->s, e->n);
    run = i + 1;
  }
  kb_buf_put(b, s + run, n - run);
}
#endif

/* Cutting a snippet: the body's terms at positions [start, start +
 * terms), terms at most KB_RANK_SNIPPET_LEN, their byte spans found by
 * running the analyzer for positions and spans only, once per row
 * (kb_ix_body). */
static int S_span_term(void *ctx, int flags, const char *t, int n, int s, int e) {
  kb_ix_body *sp = ctx;
  (void)t; (void)n;
  if (flags & KB_TOKEN_COLOCATED) return 0;
  if ((sp->n & (sp->n - 1)) == 0) /* 0, 1, 2, 4...: grow at powers of two */
    sp->span = kb_xrealloc(sp->span, (size_t)(sp->n ? 2 * sp->n : 1) * sizeof *sp->span);
  sp->span[sp->n][0] = s;
  sp->span[sp->n][1] = e;
  sp->n++;
  return 0;
}

/* Bytes of a body's html whose places S_json_of() counts on the stack: a
 * kb/ article's, not a long one's. */
#define S_AT_STACK 4096

/* Makes sp's html and hspan from its body and spans: each byte as
 * S_escs[] writes it, so that a run of the body's text, escaped, is the
 * html between its ends' places there (a snippet copies the runs between
 * its marks, where escaping them each time was a fifth of a kb/ snippet). */
static void S_html_of(kb_ix_body *sp) {
  size_t n = strlen(sp->body), h = 0;
  int *at = kb_xmalloc((n + 1) * sizeof *at); /* byte i's place in html */
  for (size_t i = 0; i < n; i++) {
    at[i] = (int)h;
    unsigned char e = S_escs[(unsigned char)sp->body[i]].n;
    h += e ? e : 1;
  }
  at[n] = (int)h;
  sp->html = kb_xmalloc(h + 1);
  for (size_t i = 0; i < n; i++) {
    const S_esc *e = &S_escs[(unsigned char)sp->body[i]];
    if (e->n) memcpy(sp->html + at[i], e->s, e->n);
    else sp->html[at[i]] = sp->body[i];
  }
  sp->html[h] = 0;
  sp->nhtml = (int)h;
  /* (white space is one byte in the html: the body's lead is its own) */
  while (isspace((unsigned char)sp->body[sp->lead])) sp->lead++;
  sp->hspan = kb_xmalloc((size_t)(sp->n ? sp->n : 1) * sizeof *sp->hspan);
  for (int k = 0; k < sp->n; k++) {
    sp->hspan[k][0] = at[sp->span[k][0]];
    sp->hspan[k][1] = at[sp->span[k][1]];
  }
  free(at);
}

/* Makes sp's json, jspan and jlead from its html, hspan and lead, as
 * S_html_of() made those from the body (kb_buf_put_json() escapes byte by
 * byte too, kb_json_esc[]): so that a snippet is cut for a JSON reply as
 * it is for a page (a snippet's marks and entities are a dozen escapes,
 * which escaping it again for each reply took), kb_snip_cut_json(). */
static void S_json_of(kb_ix_body *sp) {
  size_t n = (size_t)sp->nhtml, j = 0;
  int at0[S_AT_STACK + 1]; /* html byte i's place in json */
  int *at = n <= S_AT_STACK ? at0 : kb_xmalloc((n + 1) * sizeof *at);
  for (size_t i = 0; i < n; i++) {
    at[i] = (int)j;
    unsigned char e = (unsigned char)kb_json_esc[(unsigned char)sp->html[i]][7];
    j += e ? e : 1;
  }
  at[n] = (int)j;
  sp->json = kb_xmalloc(j + 1);
  for (size_t i = 0; i < n; i++) {
    const char *e = kb_json_esc[(unsigned char)sp->html[i]];
    if (e[7]) memcpy(sp->json + at[i], e, (size_t)e[7]);
    else sp->json[at[i]] = sp->html[i];
  }
  sp->json[j] = 0;
  sp->jspan = kb_xmalloc((size_t)(sp->n ? sp->n : 1) * sizeof *sp->jspan);
  for (int k = 0; k < sp->n; k++) {
    sp->jspan[k][0] = at[sp->hspan[k][0]];
    sp->jspan[k][1] = at[sp->hspan[k][1]];
  }
  sp->jlead = at[sp->lead];
  if (at != at0) free(at);
}

/* Row id's body and its spans, from the cache or read and analyzed now;
 * NULL when the row has no body. */
const kb_ix_body *kb_snip_body(kb_index *ix, int li, int64_t id) {
  kb_ix_lang *l = &ix->langs[li];
  if (!l->snip) l->snip = kb_xcalloc(KB_IX_SNIP_SLOTS, sizeof *l->snip);
  kb_ix_body *sp = &l->snip[(uint64_t)id % KB_IX_SNIP_SLOTS];
  if (sp->id == id && sp->body) return sp;
  free(sp->body);
  free(sp->span);
  free(sp->html);
  free(sp->hspan);
  free(sp->json);
  free(sp->jspan);
  memset(sp, 0, sizeof *sp);
  sqlite3_stmt *st = l->body;
  sqlite3_bind_int64(st, 1, id);
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
    const char *t = (const char *)sqlite3_column_text(st, 0);
    size_t n = strlen(t);
    sp->body = kb_xmalloc(n + 1 + S_PAD);
    memcpy(sp->body, t, n);
    memset(sp->body + n, 0, 1 + S_PAD); /* its NUL and S_PAD zeros */
  }
  sqlite3_reset(st);
  if (!sp->body) return NULL;
  sp->id = id;
  kb_analyzer_run(l->an, sp->body, -1, KB_TEXT_SPANS, S_span_term, sp);
  S_html_of(sp);
  return sp;
}

const kb_ix_body *kb_snip_body_json(kb_index *ix, int li, int64_t id) {
  kb_ix_body *sp = (kb_ix_body *)kb_snip_body(ix, li, id); /* (ix's own: see kb_snip.h) */
  if (!sp || !kb_snip_json_pays(sp)) return NULL;
  if (!sp->json) S_json_of(sp);
  return sp;
}

/* Appends s[0..n) to b, which has room for it (S_cut() made it). */
static inline void S_put_room(kb_buf *b, const char *s, size_t n) {
  memcpy(b->p + b->n, s, n);
  b->n += n;
}

/* What a snippet is written in: a page's HTML or a JSON string's text. */
typedef struct {
  const char *text;          /* the body's html, or json */
  const int (*span)[2];      /* its terms' places there */
  int lead;                  /* the place of the body's first non-space */
  const char *open, *close;  /* a match's marks */
  size_t nopen, nclose;
  int json;                  /* text is json (the tail copied from it) */
} S_form;

/* The text after the window's last term, n terms from start (S_cut()),
 * appended to out in form f: the body's bytes up to the next term (a full
 * stop, stop words), within its block, within reason and on a character
 * boundary; escaped for a page, copied from the json for JSON (their
 * end's place there counted from the last term's, byte by byte: a few
 * dozen). */
static inline __attribute__((always_inline)) void S_put_tail(const kb_ix_body *sp, int start,
                                                             int n, const S_form *f,
                                                             kb_buf *out) {
  const int (*span)[2] = (const int (*)[2])sp->span + start;
  int more = start + n < sp->n;
  const char *tail = sp->body + span[n - 1][1];
  size_t nt = more ? (size_t)(span[n][0] - span[n - 1][1]) : strlen(tail);
  const char *nl = more ? memchr(tail, '\n', nt) : NULL; /* blocks end in one */
  if (nl) nt = (size_t)(nl - tail);
  while (nt > 0 && isspace((unsigned char)tail[nt - 1])) nt--;
  if (nt > 64) nt = kb_utf8_cut(tail, 64);
  if (!f->json) {
    S_put_snip(out, tail, nt);
    return;
  }
  size_t h = (size_t)sp->hspan[start + n - 1][1], hend = h; /* in html */
  for (size_t i = 0; i < nt; i++) {
    unsigned char e = S_escs[(unsigned char)tail[i]].n;
    hend += e ? e : 1;
  }
  size_t at = (size_t)f->span[n - 1 + start][1], end = at; /* in json */
  for (size_t i = h; i < hend; i++) {
    unsigned char e = (unsigned char)kb_json_esc[(unsigned char)sp->html[i]][7];
    end += e ? e : 1;
  }
  kb_buf_put(out, f->text + at, end - at);
}

/* The snippet of sp for the window of terms terms at start with the
 * matched terms in mask, in form f: matches marked, "…" where text was
 * left out; the text up to each match, unmatched terms and all, copied
 * in one piece from the form's text made with the body (written in one
 * pass: cut, then escaped, it was a third of search as you type). A
 * window cut short by a table or another aside (kb_rank.h) ends with its
 * prose's last words, no "…". Inlined into its two callers, whose forms
 * are constants there: the marks' copies are then moves, not calls. */
static inline __attribute__((always_inline)) void S_cut(const kb_ix_body *sp, int start, int terms,
                                                        unsigned mask, const S_form *f,
                                                        kb_buf *out) {
  if (start < 0 || start >= sp->n) return;
  if (terms <= 0 || terms > KB_RANK_SNIPPET_LEN) terms = KB_RANK_SNIPPET_LEN;
  int n = sp->n - start < terms ? sp->n - start : terms;
  const int (*span)[2] = f->span + start;
  /* from the body's first byte at its start: stop words before the first
   * term take no position, but are the text's first words */
  int from = start == 0 ? f->lead : span[0][0];
  if (n < 32) mask &= (1u << n) - 1; /* (the window's terms only) */
  /* room made once for the text, the marks and the first "…" */
  kb_buf_grow(out, (size_t)(span[n - 1][1] - from) +
                       (f->nopen + f->nclose) * (size_t)__builtin_popcount(mask) + 4);
  if (start > 0) S_put_room(out, "\xE2\x80\xA6", 3);
  for (; mask; mask &= mask - 1) { /* the marked terms only, in order */
    int i = __builtin_ctz(mask);
    S_put_room(out, f->text + from, (size_t)(span[i][0] - from));
    S_put_room(out, f->open, f->nopen);
    S_put_room(out, f->text + span[i][0], (size_t)(span[i][1] - span[i][0]));
    S_put_room(out, f->close, f->nclose);
    from = span[i][1];
  }
  S_put_room(out, f->text + from, (size_t)(span[n - 1][1] - from));
  out->p[out->n] = 0;
  /* a window cut short by the end of the body or of its prose (an aside
   * follows) keeps what follows its last term */
  if (start + n < sp->n && terms == KB_RANK_SNIPPET_LEN) kb_buf_puts(out, "\xE2\x80\xA6");
  else S_put_tail(sp, start, n, f, out);
}

/* The snippet of a body for the window of terms terms at start with the
 * matched terms in mask, as HTML: matches in <mark>. */
void kb_snip_cut(const kb_ix_body *sp, int start, int terms, unsigned mask, kb_buf *out) {
  S_form f = {.text = sp->html, .span = (const int (*)[2])sp->hspan, .lead = sp->lead,
              .open = "<mark>", .close = "</mark>", .nopen = 6, .nclose = 7};
  S_cut(sp, start, terms, mask, &f, out);
}

void kb_snip_cut_json(const kb_ix_body *sp, int start, int terms, unsigned mask, kb_buf *out) {
  S_form f = {.text = sp->json, .span = (const int (*)[2])sp->jspan, .lead = sp->jlead,
              .open = "\\u003cmark\\u003e", .close = "\\u003c/mark\\u003e", .nopen = 16,
              .nclose = 17, .json = 1};
  kb_buf_putc(out, '"');
  S_cut(sp, start, terms, mask, &f, out);
  kb_buf_putc(out, '"');
}
