/*
 * kb_reply.c - rendering and fitting reply templates (see kb_reply.h).
 */
#include "kb_reply.h"

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
  kb_buf b = KB_BUF_INIT;
  if (pbad) *pbad = NULL;
  for (const char *p = tmpl; *p;) {
    size_t k = S_placeholder(p);
    if (!k) {
      kb_buf_putc(&b, *p++);
      continue;
    }
    if (k == 5 && strncmp(p, "{url}", 5) == 0) kb_buf_puts(&b, url ? url : "");
    else if (k == 7 && strncmp(p, "{title}", 7) == 0) kb_buf_puts(&b, title ? title : "");
    else if (pbad) {
      *pbad = kb_xstrndup(p, k);
      kb_buf_cleanup(&b);
      return NULL;
    } else kb_buf_put(&b, p, k);
    p += k;
  }
  return kb_buf_detach(&b);
}

int kb_reply_max_length(const char *tmpl, const char *title, char **pbad) {
  char *r = kb_reply_render(tmpl, title, "https://example.com/", pbad);
  if (!r) return -1;
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
  n--;
  while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
  s[n] = 0;
}

/* Cuts s (a title) so that it is `over` weighted characters shorter,
 * ending in an ellipsis, or empties it. */
static void S_shorten_title(char *s, int over) {
  int target = S_len(s) - over - 1;
  while (*s && S_len(s) > target) S_drop_last(s);
  if (*s) strcat(s, "\xE2\x80\xA6"); /* … */
}

/* 1 if [i, j) of s overlaps a URL. */
static int S_in_url(const char *s, size_t i, size_t j) {
  size_t n = strlen(s), from = 0, us, ue;
  while (from < n && kb_tweet_find_url(s, n, from, &us, &ue)) {
    if (us < j && i < ue) return 1;
    from = ue;
  }
  return 0;
}

/* Removes the last word of reply text that is not part of a URL or of the
 * @handle (the first `keep` bytes) and ends the cut with an ellipsis.
 * Returns 0 when nothing more can be cut. */
static int S_cut_word(kb_buf *b, size_t keep) {
  const char *s = kb_buf_str(b);
  size_t n = b->n;
  for (size_t e = n; e > keep;) {
    while (e > keep && s[e - 1] == ' ') e--;
    size_t st = e;
    while (st > keep && s[st - 1] != ' ') st--;
    if (st == e) break;
    if (!S_in_url(s, st, e)) {
      char *rest = kb_xstrdup(s + e);
      b->n = st;
      while (b->n > keep && b->p[b->n - 1] == ' ') b->n--;
      b->p[b->n] = 0;
      if (strncmp(rest, "\xE2\x80\xA6", 3) != 0 &&
          !(b->n >= 3 && strncmp(b->p + b->n - 3, "\xE2\x80\xA6", 3) == 0))
        kb_buf_puts(b, "\xE2\x80\xA6");
      if (*rest && *rest != ' ') kb_buf_putc(b, ' ');
      kb_buf_puts(b, rest);
      free(rest);
      return 1;
    }
    e = st;
  }
  return 0;
}

char *kb_reply_compose(const char *author, const char *tmpl, const char *title,
                       const char *url, int *plen) {
  kb_buf b = KB_BUF_INIT;
  size_t keep = 0;
  if (author && *author) {
    kb_buf_printf(&b, "@%s ", author);
    keep = b.n;
  }
  if (!tmpl) tmpl = kb_reply_default;
  /* room for the ellipsis S_shorten_title() may add */
  const char *tt = title ? title : "";
  char *t = kb_xmalloc(strlen(tt) + 4);
  strcpy(t, tt);
  char *r = kb_reply_render(tmpl, t, url, NULL);
  kb_buf_puts(&b, r);
  int over = S_len(kb_buf_str(&b)) - KB_REPLY_MAX;
  if (over > 0 && *t && strstr(tmpl, "{title}")) {
    S_shorten_title(t, over);
    free(r);
    r = kb_reply_render(tmpl, t, url, NULL);
    b.n = keep;
    kb_buf_puts(&b, r);
  }
  free(r);
  free(t);
  while (S_len(kb_buf_str(&b)) > KB_REPLY_MAX && S_cut_word(&b, keep)) {
  }
  if (plen) *plen = S_len(kb_buf_str(&b));
  return kb_buf_detach(&b);
}
