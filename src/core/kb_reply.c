/*
 * kb_reply.c - rendering and fitting reply templates (see kb_reply.h).
 */
#include "kb_reply.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kb_tweet.h"
#include "kb_util.h"

const char kb_reply_default[] = "This should help: {title} {url}";

/* A placeholder is '{' + [a-z_]+ + '}'; anything else is literal text. */
static size_t S_placeholder(const char *p) {
  if (*p != '{') return 0;
  size_t i = 1;
  while ((p[i] >= 'a' && p[i] <= 'z') || p[i] == '_') i++;
  return (i > 1 && p[i] == '}') ? i + 1 : 0;
}

char *kb_reply_render(const char *tmpl, const char *title, const char *url,
                      char **pbad) {
  return kb_reply_render_store(tmpl, title, url, NULL, 0, pbad);
}

/* The section marks (kb_reply.h): the text between them is sent only
 * when the mention names a place. */
#define S_IF "{ifplace}"
#define S_END "{endplace}"

/* 1 if p[0..k) (a placeholder, S_placeholder()) is the mark m. */
static int S_is(const char *p, size_t k, const char *m, size_t mk) {
  return k == mk && strncmp(p, m, k) == 0;
}

/* 0 when tmpl holds only known placeholders and every S_IF is closed by
 * an S_END before the next S_IF, with no S_END without its S_IF (its
 * sections, sent or not, all read); else -1 with *pbad set to the first
 * unknown placeholder, or -2 with *pbad set to the first mark out of
 * place (the caller frees *pbad). */
static int S_check(const char *tmpl, char **pbad) {
  int open = 0;
  for (const char *p = strchr(tmpl, '{'); p; p = strchr(p + 1, '{')) {
    size_t k = S_placeholder(p);
    if (!k) continue;
    if (S_is(p, k, S_IF, sizeof S_IF - 1)) {
      if (open) {
        *pbad = kb_xstrdup(S_IF);
        return -2;
      }
      open = 1;
    } else if (S_is(p, k, S_END, sizeof S_END - 1)) {
      if (!open) {
        *pbad = kb_xstrdup(S_END);
        return -2;
      }
      open = 0;
    } else if (!S_is(p, k, "{url}", 5) && !S_is(p, k, "{title}", 7) && !S_is(p, k, "{store}", 7)) {
      *pbad = kb_xstrndup(p, k);
      return -1;
    }
  }
  if (open) {
    *pbad = kb_xstrdup(S_IF);
    return -2;
  }
  return 0;
}

/* Appends tmpl rendered to b (kb_reply_render_store()). A section is left
 * out whole when named is 0; a mark S_check() would report is passed over
 * (an S_IF with no S_END after it opens nothing), and an unknown
 * placeholder is put as its text: validation reports both first. */
static void S_render(kb_buf *b, const char *tmpl, const char *title, const char *url,
                     const char *store, int named) {
  for (const char *p = tmpl; *p;) {
    size_t k = S_placeholder(p);
    if (!k) { /* the text up to the next '{' in one piece (a byte at a
                 time was a twentieth of a suggest) */
      const char *q = strchr(p + 1, '{');
      size_t run = q ? (size_t)(q - p) : strlen(p);
      kb_buf_put(b, p, run);
      p += run;
      continue;
    }
    if (S_is(p, k, "{url}", 5)) kb_buf_puts(b, url ? url : "");
    else if (S_is(p, k, "{title}", 7)) kb_buf_puts(b, title ? title : "");
    else if (S_is(p, k, "{store}", 7)) kb_buf_puts(b, store ? store : url ? url : "");
    else if (S_is(p, k, S_IF, sizeof S_IF - 1)) {
      const char *e = named ? NULL : strstr(p + k, S_END);
      if (e) {
        p = e + sizeof S_END - 1;
        continue;
      }
    } else if (!S_is(p, k, S_END, sizeof S_END - 1)) kb_buf_put(b, p, k);
    p += k;
  }
}

char *kb_reply_render_store(const char *tmpl, const char *title, const char *url, const char *store,
                            int named, char **pbad) {
  if (pbad) {
    *pbad = NULL;
    if (S_check(tmpl, pbad) != 0) return NULL;
  }
  kb_buf b = KB_BUF_INIT;
  /* room for the template with each value once, allocated at once: grown
   * from 64 bytes, a reply was two reallocs */
  kb_buf_grow(&b, strlen(tmpl) + (title ? strlen(title) : 0) + (url ? strlen(url) : 0) +
                      (store ? strlen(store) : 0));
  b.p[0] = 0; /* (an empty template puts nothing) */
  S_render(&b, tmpl, title, url, store, named);
  return kb_buf_detach(&b);
}

int kb_reply_max_length(const char *tmpl, const char *title, char **pbad) {
  char *bad = NULL;
  int rc = S_check(tmpl, &bad);
  if (pbad) *pbad = bad;
  else free(bad);
  if (rc != 0) return rc;
  /* the longest: every section sent */
  char *r = kb_reply_render_store(tmpl, title, "https://example.com/", NULL, 1, NULL);
  char *full = kb_fmt("@%.*s %s", KB_REPLY_HANDLE_MAX, "xxxxxxxxxxxxxxxxxxxx", r);
  int len = kb_tweet_length(full, strlen(full));
  free(full);
  free(r);
  return len;
}

int kb_reply_handle_valid(const char *h) {
  size_t n = h ? strlen(h) : 0;
  if (n < 1 || n > KB_REPLY_HANDLE_MAX) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = h[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_'))
      return 0;
  }
  return 1;
}

static int S_len(const char *s) { return kb_tweet_length(s, strlen(s)); }

/*
 * Counting a reply is most of the cost of composing one (twitter-text's
 * URL rules: about 20,000 instructions for a 100-character reply, a tenth
 * of a whole suggest request), and the same few articles' replies are
 * composed again and again. So the counts of recent rendered templates
 * are kept, keyed by their text: a table shared by the server's threads,
 * of sets of S_CACHE_WAYS slots (a text goes in the set its hash names,
 * in an empty slot or over the set's oldest). Direct-mapped, two texts
 * sharing a slot (with a few hundred replies in use, a few dozen pairs
 * of 4,096 slots) pushed each other out and were counted again each
 * time. Texts over S_CACHE_TEXT bytes are not kept, which bounds the
 * table to 4 MiB (replies are nearer 150 bytes: about 600 KiB when full).
 * A read-write lock: a suggest looks up a reply's count three times or
 * so, and under make bench's load the two workers' lookups met on a
 * mutex (about 1,000 futex calls in 60,000 suggests), and a worker
 * preempted while holding it stalled the other for milliseconds (2 to
 * 9 ms, perf trace -e futex). Lookups share the lock; only putting a new
 * count takes it alone.
 */
#define S_CACHE_SLOTS 4096
#define S_CACHE_WAYS 4
#define S_CACHE_TEXT 1024
static struct {
  char *text;
  unsigned hash;
  int len;
} S_cache[S_CACHE_SLOTS];
static unsigned char S_cache_next[S_CACHE_SLOTS / S_CACHE_WAYS]; /* per set: the way replaced next */
static pthread_rwlock_t S_cache_lock = PTHREAD_RWLOCK_INITIALIZER;

/* A hash of s[0..n) for the table: eight bytes a step (a reply is a few
 * hundred bytes, and kb_hash() takes them one by one: a tenth of
 * composing one). Only where a text goes in the table depends on it. */
static unsigned S_text_hash(const char *s, size_t n) {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, s + i, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  for (; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
  h ^= h >> 29;
  return (unsigned)h;
}

/* S_len(s), from the table when s was counted recently. */
static int S_len_cached(const char *s) {
  size_t n = strlen(s);
  if (n > S_CACHE_TEXT) return S_len(s);
  unsigned h = S_text_hash(s, n), set = h % (S_CACHE_SLOTS / S_CACHE_WAYS);
  int len = -1;
  pthread_rwlock_rdlock(&S_cache_lock);
  for (int w = 0; w < S_CACHE_WAYS && len < 0; w++) {
    unsigned k = set * S_CACHE_WAYS + (unsigned)w;
    if (S_cache[k].text && S_cache[k].hash == h && !strcmp(S_cache[k].text, s)) len = S_cache[k].len;
  }
  pthread_rwlock_unlock(&S_cache_lock);
  if (len >= 0) return len;
  len = S_len(s);
  if (len < 0) return len;
  char *copy = kb_xstrdup(s);
  char *old = NULL;
  pthread_rwlock_wrlock(&S_cache_lock);
  unsigned k = set * S_CACHE_WAYS, w = 0;
  while (w < S_CACHE_WAYS && S_cache[k + w].text) w++;
  if (w == S_CACHE_WAYS) { /* the set is full: its oldest goes */
    w = S_cache_next[set];
    S_cache_next[set] = (unsigned char)((w + 1) % S_CACHE_WAYS);
  }
  k += w;
  old = S_cache[k].text;
  S_cache[k].text = copy;
  S_cache[k].hash = h;
  S_cache[k].len = len;
  pthread_rwlock_unlock(&S_cache_lock);
  free(old);
  return len;
}

/* The count of "@author " + r (keep: its length in bytes; 0 when there is
 * no author; handle: author is a valid handle). Twitter counts the two
 * parts separately when r starts with an ASCII letter or digit: the
 * handle is ASCII (one each) and holds no dot, so no URL starts in it or
 * runs across the space, and a URL at r's start is found as it is at the
 * start of the text; otherwise (r opening with punctuation or a non-ASCII
 * character, where the character before a URL matters) it counts the
 * whole. tests/test_tweet.c (test_reply_counts) compares both ways. */
static int S_reply_len(const char *full, size_t keep, int handle) {
  const char *r = full + keep;
  unsigned char c = (unsigned char)r[0];
  int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  if (keep && (!alnum || !handle)) return S_len(full);
  int len = S_len_cached(r);
  return len < 0 ? len : (int)keep + len;
}

/* Removes the last word of s, or its last character when it is one word
 * (titles in scripts written without spaces). */
static void S_drop_last(char *s) {
  char *sp = strrchr(s, ' ');
  if (sp) {
    *sp = 0;
    return;
  }
  size_t n = strlen(s);
  if (!n) return;
  s[kb_utf8_cut(s, n - 1)] = 0;
}

/* Cuts s (a title) so that it is `over` weighted characters shorter,
 * ending in an ellipsis, or empties it. */
static void S_shorten_title(char *s, int over) {
  int target = S_len(s) - over - 1;
  /* most titles are words: find the longest run of whole words that fits
   * by bisection over the word ends (a title's weight grows with its
   * words), then cut further one word or character at a time if needed */
  int ends[256], nends = 0;
  for (int i = 1; s[i] && nends < 256; i++)
    if (s[i] == ' ' && s[i - 1] != ' ') ends[nends++] = i;
  int lo = 0, hi = nends - 1, best = -1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    char c = s[ends[mid]];
    s[ends[mid]] = 0;
    int fits = S_len(s) <= target;
    s[ends[mid]] = c;
    if (fits) {
      best = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (best >= 0) s[ends[best]] = 0;
  while (*s && S_len(s) > target) S_drop_last(s);
  if (*s) strcat(s, "\xE2\x80\xA6"); /* … */
}

/* A reply split into text and URLs, to shorten the text only. */
typedef struct {
  char *text;       /* this segment's bytes (owned) */
  int url;          /* a URL: never cut */
  int cut;          /* text was removed from its end: ends in an ellipsis */
} S_seg;

/* Where the next link of s at or after `at` lies, [*us, *ue): a URL as
 * Twitter finds it, or one of the links the renderer put in (keep[0..nkeep),
 * non-empty), which Twitter may not take for one (a loopback address, a
 * top-level domain outside kb_tweet.c's list) but a reply must keep whole
 * all the same. The earliest wins; at one place, the longer. Returns 0 when
 * there is none. */
static int S_next_link(const char *s, size_t n, size_t at, const char *const *keep, int nkeep,
                       size_t *us, size_t *ue) {
  int found = kb_tweet_find_url(s, n, at, us, ue) && *ue > *us && *us >= at;
  for (int i = 0; i < nkeep; i++) {
    const char *h = strstr(s + at, keep[i]);
    if (!h) continue;
    size_t hs = (size_t)(h - s), he = hs + strlen(keep[i]);
    if (!found || hs < *us || (hs == *us && he > *ue)) {
      *us = hs;
      *ue = he;
      found = 1;
    }
  }
  return found;
}

/* Splits s into alternating text and URL segments (S_next_link()'s). */
static S_seg *S_split(const char *s, const char *const *keep, int nkeep, int *pn) {
  size_t n = strlen(s), at = 0, us, ue;
  S_seg *v = NULL;
  int k = 0;
  while (at < n) {
    int found = S_next_link(s, n, at, keep, nkeep, &us, &ue);
    size_t te = found ? us : n;
    if (te > at) {
      v = kb_xrealloc(v, (size_t)(k + 1) * sizeof *v);
      v[k++] = (S_seg){.text = kb_xstrndup(s + at, te - at)};
    }
    if (!found) break;
    v = kb_xrealloc(v, (size_t)(k + 1) * sizeof *v);
    v[k++] = (S_seg){.text = kb_xstrndup(s + us, ue - us), .url = 1};
    at = ue;
  }
  *pn = k;
  return v;
}

static void S_join(kb_buf *b, const S_seg *v, int n) {
  for (int i = 0; i < n; i++) {
    kb_buf_puts(b, v[i].text);
    if (!v[i].cut) continue;
    kb_buf_puts(b, "\xE2\x80\xA6"); /* … */
    if (i + 1 < n) kb_buf_putc(b, ' '); /* (a link follows: apart from it) */
  }
}

/* Removes text from the end of the last text segment that has any, at
 * least `want` weighted characters' worth (whole words when it can, else
 * characters). Returns 0 when no text is left to remove. */
static int S_trim(S_seg *v, int n, int want) {
  for (int i = n - 1; i >= 0; i--) {
    if (v[i].url) continue;
    char *t = v[i].text;
    size_t len = strlen(t);
    while (len && t[len - 1] == ' ') len--;
    if (!len) continue;
    int removed = 0;
    while (len && removed < want) {
      size_t from = len;
      while (from && t[from - 1] != ' ') from--;
      if (from == 0) { /* one word left (or no spaces): one character */
        from = kb_utf8_cut(t, len - 1);
      }
      removed += kb_tweet_length(t + from, len - from);
      len = from;
      while (len && t[len - 1] == ' ') len--;
    }
    t[len] = 0;
    if (len) v[i].cut = 1;
    else if (i > 0 && i < n - 1) strcpy(t, " "); /* two links apart, not one */
    return 1;
  }
  return 0;
}

/* b's text after its first `at` bytes replaced by text (b's before the
 * cut) shortened to KB_REPLY_MAX, cutting text from the end, never a URL
 * or a link of keep[0..nkeep); returns the length. Each round removes at
 * least what is over, so this ends after a few rounds. */
static int S_shorten(kb_buf *b, size_t at, const char *text, const char *const *keep, int nkeep) {
  int nseg, len = 0;
  S_seg *v = S_split(text, keep, nkeep, &nseg);
  for (int round = 0; round < 10000; round++) {
    kb_buf joined = KB_BUF_INIT;
    kb_buf_put(&joined, kb_buf_str(b), at);
    S_join(&joined, v, nseg);
    len = S_len(kb_buf_str(&joined));
    int excess = len - KB_REPLY_MAX;
    b->n = 0;
    kb_buf_puts(b, kb_buf_str(&joined));
    kb_buf_cleanup(&joined);
    if (excess <= 0 || !S_trim(v, nseg, excess + 2)) break;
  }
  for (int i = 0; i < nseg; i++) free(v[i].text);
  free(v);
  return len;
}

char *kb_reply_compose(const char *author, const char *tmpl, const char *title,
                       const char *url, int *plen) {
  return kb_reply_compose_store(author, tmpl, title, url, NULL, 0, plen);
}

char *kb_reply_compose_store(const char *author, const char *tmpl, const char *title,
                             const char *url, const char *store, int named, int *plen) {
  kb_buf b = KB_BUF_INIT;
  int len = kb_reply_compose_into(&b, author, tmpl, title, url, store, named);
  if (plen) *plen = len;
  return kb_buf_detach(&b);
}

int kb_reply_compose_into(kb_buf *out, const char *author, const char *tmpl, const char *title,
                          const char *url, const char *store, int named) {
  kb_buf b = *out; /* (handed back at the end) */
  size_t keep = 0;
  b.n = 0;
  kb_buf_grow(&b, 255); /* a reply's room at once (280 characters are a tweet's) */
  b.p[0] = 0;
  if (author && *author) {
    kb_buf_putc(&b, '@');
    kb_buf_puts(&b, author);
    kb_buf_putc(&b, ' ');
    keep = b.n;
  }
  if (!tmpl) tmpl = kb_reply_default;
  const char *tt = title ? title : "";
  /* rendered in place after the handle (a copy of the title, the
   * rendering's own buffer and their frees were a fifth of a reply) */
  S_render(&b, tmpl, tt, url, store, named);
  /* len always holds the count of b, so each version is counted once */
  int handle = keep && kb_reply_handle_valid(author);
  int len = S_reply_len(kb_buf_str(&b), keep, handle);
  int over = len - KB_REPLY_MAX;
  if (over > 0 && *tt && strstr(tmpl, "{title}")) {
    /* room for the ellipsis S_shorten_title() may add */
    char *t = kb_xmalloc(strlen(tt) + 4);
    strcpy(t, tt);
    /* a title put twice gives back twice what is cut from it (one in a
     * section left out gives back less: the cut below takes the rest) */
    int times = 0;
    for (const char *q = tmpl; (q = strstr(q, "{title}")) != NULL; q += 7) times++;
    S_shorten_title(t, (over + times - 1) / times);
    b.n = keep;
    b.p[keep] = 0;
    S_render(&b, tmpl, t, url, store, named);
    len = S_len(kb_buf_str(&b));
    free(t);
  }
  if (len > KB_REPLY_MAX) {
    /* shorten the text after the handle, never a URL nor a link put in
     * ({url}, {store}: an article's link lost to the cut was a reply
     * without its article, where the public URL is a loopback address);
     * only if the links alone do not fit, they are cut as text */
    const char *links[2] = {NULL, NULL};
    int nlinks = 0;
    if (url && *url) links[nlinks++] = url;
    if (store && *store && (!url || strcmp(store, url))) links[nlinks++] = store;
    char *text = kb_xstrdup(kb_buf_str(&b) + keep);
    len = S_shorten(&b, keep, text, links, nlinks);
    if (len > KB_REPLY_MAX && nlinks) len = S_shorten(&b, keep, text, NULL, 0);
    free(text);
  }
  *out = b;
  return len;
}

const char *kb_reply_handle(const char *author, int *invalid) {
  *invalid = 0;
  if (!author || !*author) return NULL;
  const char *h = author[0] == '@' ? author + 1 : author;
  if (kb_reply_handle_valid(h)) return h;
  *invalid = 1;
  return NULL;
}
