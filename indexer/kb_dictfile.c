/*
 * kb_dictfile.c - reading kb/lang/<code>/dictionary.txt and the word lists
 * it names into a kb_dict (see kb_dictfile.h).
 */
#include "kb_dictfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kb_text.h"
#include "kb_token.h"
#include "kb_util.h"

/* The longest word list read (Debian's largest, ngerman, is 4.7 MB; an
 * expanded hunspell dictionary some 15 MB). */
#define S_MAX_BYTES (64u * 1024 * 1024)

/* The corrector leaves words under 4 bytes and over 48 alone (kb_vocab.c):
 * no need to keep them. */
#define S_MIN_WORD 4
#define S_MAX_WORD 48

typedef struct {
  char *kind, *path, *package;
  int line;
} S_source;

/* Adds w[0..n), a folded word, unless the corrector never looks at it
 * (too short or long, or with a digit: a model name). */
static void S_add_folded(kb_dict *dict, const char *w, size_t n) {
  if (n < S_MIN_WORD || n > S_MAX_WORD) return;
  for (size_t i = 0; i < n; i++)
    if (w[i] >= '0' && w[i] <= '9') return;
  kb_dict_add(dict, w, n);
}

/* Adds the words of one line s[0..n) of a word list. A line of ASCII
 * letters (and apostrophes) is folded here, as kb_tokens_split() would
 * fold it (lower case, apostrophes dropped): most lines are, and splitting
 * a million lines into tokens one by one was most of the time; any other
 * line is split into tokens, each token's fold a word. */
static void S_add_line(kb_dict *dict, const char *s, size_t n) {
  char w[S_MAX_WORD + 1];
  size_t k = 0, i = 0;
  for (; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\'') continue;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) break;
    if (k < sizeof w) w[k++] = (char)(c | 0x20);
  }
  if (i == n) {
    if (k <= S_MAX_WORD) S_add_folded(dict, w, k);
    return;
  }
  int nt = 0;
  kb_token *t = kb_tokens_split(s, n, &nt);
  for (int j = 0; j < nt; j++)
    if (t[j].kind == KB_TOKEN_WORD) S_add_folded(dict, t[j].fold, (size_t)t[j].nfold);
  free(t);
}

/* Adds every line of data[0..n); -1 (reported at src's line) when it is
 * not UTF-8. */
static int S_add_words(kb_dict *dict, const char *what, const char *data, size_t n,
                       const char *path, const S_source *src, kb_diag *d) {
  size_t bad;
  if (!kb_text_utf8_valid(data, n, &bad)) {
    char sb[32];
    snprintf(sb, sizeof sb, "%zu", bad);
    kb_diag_msg(d, KB_DIAG_ERROR, path, src->line, "dictionary.bad-utf8", "source", what, "byte",
                sb, NULL);
    return -1;
  }
  for (size_t i = 0; i < n;) {
    const char *nl = memchr(data + i, '\n', n - i);
    size_t e = nl ? (size_t)(nl - data) : n;
    size_t len = e - i;
    while (len && (data[i + len - 1] == '\r' || data[i + len - 1] == ' ')) len--;
    if (len) S_add_line(dict, data + i, len);
    i = e + 1;
  }
  return 0;
}

/* Lines in data[0..n): an upper bound of the words a source adds. */
static size_t S_lines(const char *data, size_t n) {
  size_t c = 1;
  for (const char *p = data; (p = memchr(p, '\n', n - (size_t)(p - data))) != NULL; p++) c++;
  return c;
}

/* Runs unmunch DIC AFF and returns what it writes (caller frees), with
 * *pn its bytes; NULL when it could not run or failed (*why says which). */
static char *S_unmunch(const char *dic, const char *aff, size_t *pn, const char **why) {
  int fd[2];
  *why = "failed";
  if (pipe(fd) != 0) return NULL;
  pid_t pid = fork();
  if (pid < 0) {
    close(fd[0]);
    close(fd[1]);
    return NULL;
  }
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(fd[1], 1);
    if (null >= 0) dup2(null, 2), dup2(null, 0);
    close(fd[0]);
    close(fd[1]);
    execlp("unmunch", "unmunch", dic, aff, (char *)NULL);
    _exit(127);
  }
  close(fd[1]);
  kb_buf b = KB_BUF_INIT;
  char chunk[65536];
  ssize_t r;
  int over = 0;
  while ((r = read(fd[0], chunk, sizeof chunk)) != 0) {
    if (r < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (b.n + (size_t)r > S_MAX_BYTES) over = 1;
    if (!over) kb_buf_put(&b, chunk, (size_t)r);
  }
  close(fd[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || over || b.n == 0) {
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127) *why = "missing";
    kb_buf_cleanup(&b);
    return NULL;
  }
  *pn = b.n;
  return kb_buf_detach(&b);
}

/* src's PATH: as written when absolute, else beside the file at path. */
static char *S_resolve(const char *path, const char *p) {
  if (p[0] == '/') return kb_xstrdup(p);
  const char *slash = strrchr(path, '/');
  if (!slash) return kb_xstrdup(p);
  return kb_fmt("%.*s/%s", (int)(slash - path), path, p);
}

/* Reads source src of the file at path: its words' text (caller frees),
 * *pn its bytes; NULL when it could not be read (reported). */
static char *S_read_source(const S_source *src, const char *path, size_t *pn, kb_diag *d) {
  char *p = S_resolve(path, src->path);
  char *data = NULL;
  if (!strcmp(src->kind, "words")) {
    data = kb_read_file(p, S_MAX_BYTES, pn);
    if (!data)
      kb_diag_msg(d, KB_DIAG_ERROR, path, src->line, "dictionary.cannot-read", "source", p,
                  "reason", strerror(errno), "package", src->package, NULL);
  } else {
    char *dic = kb_fmt("%s.dic", p), *aff = kb_fmt("%s.aff", p);
    if (access(dic, R_OK) != 0 || access(aff, R_OK) != 0) {
      kb_diag_msg(d, KB_DIAG_ERROR, path, src->line, "dictionary.cannot-read", "source", dic,
                  "reason", strerror(errno), "package", src->package, NULL);
    } else {
      const char *why;
      data = S_unmunch(dic, aff, pn, &why);
      if (!data)
        kb_diag_msg(d, KB_DIAG_ERROR, path, src->line,
                    !strcmp(why, "missing") ? "dictionary.no-unmunch" : "dictionary.unmunch-failed",
                    "source", p, NULL);
    }
    free(dic);
    free(aff);
  }
  free(p);
  return data;
}

/* Parses line s[0..n) into src; 0, or -1 when it is not a source line
 * (reported). */
static int S_parse(const char *path, int line, const char *s, size_t n, S_source *src,
                   kb_diag *d) {
  const char *t1 = memchr(s, '\t', n);
  const char *t2 = t1 ? memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - s)) : NULL;
  if (!t1 || !t2 || memchr(t2 + 1, '\t', n - (size_t)(t2 + 1 - s)) || t1 == s || t2 == t1 + 1 ||
      t2 + 1 == s + n) {
    kb_diag_msg(d, KB_DIAG_ERROR, path, line, "dictionary.fields", NULL);
    return -1;
  }
  src->kind = kb_xstrndup(s, (size_t)(t1 - s));
  src->path = kb_xstrndup(t1 + 1, (size_t)(t2 - t1 - 1));
  src->package = kb_xstrndup(t2 + 1, n - (size_t)(t2 + 1 - s));
  src->line = line;
  if (strcmp(src->kind, "words") && strcmp(src->kind, "hunspell")) {
    kb_diag_msg(d, KB_DIAG_ERROR, path, line, "dictionary.bad-kind", "kind", src->kind, NULL);
    return -1;
  }
  return 0;
}

kb_dict *kb_dictfile_load(const char *path, const char *data, size_t n, kb_diag *d) {
  S_source *v = NULL;
  int nv = 0, bad = 0, line = 0;
  size_t badbyte;
  if (!kb_text_utf8_valid(data, n, &badbyte)) {
    char sb[32];
    snprintf(sb, sizeof sb, "%zu", badbyte);
    kb_diag_msg(d, KB_DIAG_ERROR, path, kb_line_of(data, badbyte), "dictionary.bad-utf8",
                "source", path, "byte", sb, NULL);
    return NULL;
  }
  for (size_t i = 0; i < n;) {
    const char *nl = memchr(data + i, '\n', n - i);
    size_t e = nl ? (size_t)(nl - data) : n, len = e - i;
    line++;
    while (len && (data[i + len - 1] == '\r' || data[i + len - 1] == ' ')) len--;
    if (len && data[i] != '#') {
      v = kb_xrealloc(v, (size_t)(nv + 1) * sizeof *v);
      memset(&v[nv], 0, sizeof v[nv]);
      if (S_parse(path, line, data + i, len, &v[nv], d) != 0) bad = 1;
      nv++;
    }
    i = e + 1;
  }
  /* every source read first: its lines size the filter */
  char **text = kb_xcalloc((size_t)nv + 1, sizeof *text);
  size_t *ntext = kb_xcalloc((size_t)nv + 1, sizeof *ntext), words = 0;
  for (int i = 0; !bad && i < nv; i++)
    if (!(text[i] = S_read_source(&v[i], path, &ntext[i], d))) bad = 1;
    else words += S_lines(text[i], ntext[i]);
  kb_dict *dict = NULL;
  if (!bad && nv > 0) {
    dict = kb_dict_new(words);
    for (int i = 0; !bad && i < nv; i++) {
      char *p = S_resolve(path, v[i].path);
      if (S_add_words(dict, p, text[i], ntext[i], path, &v[i], d) != 0) bad = 1;
      free(p);
    }
    if (bad) {
      kb_dict_free(dict);
      dict = NULL;
    }
  }
  for (int i = 0; i < nv; i++) free(text[i]);
  free(text);
  free(ntext);
  for (int i = 0; i < nv; i++) {
    free(v[i].kind);
    free(v[i].path);
    free(v[i].package);
  }
  free(v);
  return dict;
}
