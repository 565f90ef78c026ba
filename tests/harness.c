/*
 * harness.c - shared helpers for the C test suites (see harness.h).
 */
#include "harness.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kb_diag.h"
#include "kb_lang.h"
#include "kb_search.h"

const char *th_bin_dir(void) {
  static char abs[4096];
  if (!abs[0]) {
    const char *b = getenv("KB_BIN");
    if (!realpath((b && *b) ? b : "bin", abs)) snprintf(abs, sizeof abs, "%s", (b && *b) ? b : "bin");
  }
  return abs;
}

char *th_shared_path(const char *rel) {
  const char *root = getenv("KB_SHARED");
  char *p = th_fmt("%s/%s", (root && *root) ? root : "../shared", rel);
  if (access(p, R_OK) != 0) {
    free(p);
    return NULL;
  }
  return p;
}

char *th_fmt(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *s = malloc((size_t)n + 1);
  if (!s) abort();
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return s;
}

char *th_tmpdir(void) {
  const char *t = getenv("TMPDIR");
  char *p = th_fmt("%s/kbtest.XXXXXX", (t && *t) ? t : "/tmp");
  if (!mkdtemp(p)) abort();
  return p;
}

static int S_rm(const char *path, const struct stat *st, int flag,
                struct FTW *ftw) {
  (void)st; (void)flag; (void)ftw;
  return remove(path);
}

void th_rmtree(const char *path) {
  if (path) nftw(path, S_rm, 16, FTW_DEPTH | FTW_PHYS);
}

static void S_mkparents(const char *path) {
  char *p = strdup(path);
  for (char *s = p + 1; *s; s++) {
    if (*s == '/') {
      *s = 0;
      mkdir(p, 0777);
      *s = '/';
    }
  }
  free(p);
}

int th_write_file(const char *path, const char *content) {
  S_mkparents(path);
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  size_t n = strlen(content);
  int rc = fwrite(content, 1, n, f) == n ? 0 : -1;
  if (fclose(f) != 0) rc = -1;
  return rc;
}

char *th_read_file(const char *path, size_t *pn) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  size_t got;
  while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (cap - n - 1 == 0) buf = realloc(buf, cap *= 2);
  }
  fclose(f);
  buf[n] = 0;
  if (pn) *pn = n;
  return buf;
}

const struct kb_lang *th_lang(const char *code) {
  static kb_lang *cache[8];
  static int n;
  for (int i = 0; i < n; i++)
    if (!strcmp(kb_lang_code(cache[i]), code)) return cache[i];
  kb_lang *l = kb_lang_new(code);
  kb_diag *d = kb_diag_new();
  for (int list = 0; list < KB_LANG_NLISTS; list++) {
    char *p = th_fmt("kb/lang/%s/%s", code, kb_lang_file((kb_lang_list)list));
    size_t len;
    char *text = th_read_file(p, &len);
    if (text) assert_int_equal(kb_lang_parse(l, (kb_lang_list)list, p, text, len, d), 0);
    free(text);
    free(p);
  }
  kb_diag_free(d);
  assert_true(n < 8);
  cache[n++] = l;
  return l;
}

int th_run(const char *cmdline, char **pout) {
  char *cmd = th_fmt("( %s ) 2>&1", cmdline);
  FILE *p = popen(cmd, "r");
  free(cmd);
  if (!p) return -1;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  size_t got;
  while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
    n += got;
    if (cap - n - 1 == 0) buf = realloc(buf, cap *= 2);
  }
  buf[n] = 0;
  int st = pclose(p);
  if (pout) *pout = buf; else free(buf);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* --- The server under test -------------------------------------------- */

struct th_server {
  pid_t pid;
  int port;
  char *dir;     /* scratch dir holding the log */
  char *log;     /* path of the captured stdout+stderr */
  char *kbdir;   /* scratch dir of th_serve_kb()'s index, or NULL */
};

static void S_sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* Finds "listening on http://127.0.0.1:PORT" in the log. */
static int S_port_from_log(const char *log) {
  const char *m = strstr(log, "listening on http://");
  if (!m) return 0;
  const char *colon = strchr(m + 20, ':');
  return colon ? atoi(colon + 1) : 0;
}

/* KB_SERVE_WRAPPER (e.g. "valgrind --leak-check=full --error-exitcode=99")
 * runs every server under that command. */
th_server *th_server_start(const char *const *args) {
  static char *words[16];
  static int nwords = -1;
  if (nwords < 0) {
    nwords = 0;
    const char *w = getenv("KB_SERVE_WRAPPER");
    char *copy = w && *w ? strdup(w) : NULL, *save = NULL;
    for (char *t = copy ? strtok_r(copy, " ", &save) : NULL; t && nwords < 15; t = strtok_r(NULL, " ", &save))
      words[nwords++] = t;
    words[nwords] = NULL;
  }
  return th_server_start_wrapped(nwords ? (const char *const *)words : NULL, args);
}

th_server *th_server_start_wrapped(const char *const *wrapper, const char *const *args) {
  th_server *s = calloc(1, sizeof *s);
  s->dir = th_tmpdir();
  chmod(s->dir, 0777); /* a wrapped server may run as another user */
  s->log = th_fmt("%s/server.log", s->dir);
  const char *argv[80];
  int n = 0;
  char *prog = th_fmt("%s/kb-serve", th_bin_dir());
  for (int i = 0; wrapper && wrapper[i] && n < 10; i++) argv[n++] = wrapper[i];
  argv[n++] = prog;
  argv[n++] = "--listen";
  argv[n++] = "127.0.0.1:0";
  int rate = 0;
  for (int i = 0; args && args[i]; i++) rate |= !strcmp(args[i], "--rate");
  if (!rate) { /* tests poll fast; the rate limit has its own test */
    argv[n++] = "--rate";
    argv[n++] = "-1";
  }
  for (int i = 0; args && args[i] && n < 78; i++) argv[n++] = args[i];
  argv[n] = NULL;
  s->pid = fork();
  if (s->pid == 0) {
    int fd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execvp(argv[0], (char *const *)argv);
    _exit(127);
  }
  free(prog);
  for (int i = 0; i < 3000 && s->port == 0; i++) {  /* up to 60 s (valgrind is slow) */
    S_sleep_ms(20);
    char *log = th_read_file(s->log, NULL);
    if (log) s->port = S_port_from_log(log);
    free(log);
    int st;
    if (s->port == 0 && waitpid(s->pid, &st, WNOHANG) == s->pid) {
      char *l = th_read_file(s->log, NULL);
      fprintf(stderr, "kb-serve exited early:\n%s\n", l ? l : "");
      free(l);
      s->pid = 0;
      break;
    }
  }
  if (s->port == 0) {
    if (s->pid > 0) th_server_stop(s); else { th_rmtree(s->dir); free(s->dir); free(s->log); free(s); }
    return NULL;
  }
  return s;
}

int th_server_port(const th_server *s) { return s->port; }

int th_server_signal(const th_server *s, int sig) { return s->pid > 0 ? kill(s->pid, sig) : -1; }

char *th_server_log(const th_server *s) {
  char *l = th_read_file(s->log, NULL);
  return l ? l : strdup("");
}

int th_server_stop(th_server *s) {
  int rc = -1;
  if (s->pid > 0) {
    kill(s->pid, SIGTERM);
    int st = 0;
    for (int i = 0; i < 3000; i++) {
      if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
        rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        break;
      }
      S_sleep_ms(20);
    }
    if (rc == -1 && kill(s->pid, 0) == 0) {
      kill(s->pid, SIGKILL);
      waitpid(s->pid, &st, 0);
    }
  }
  th_rmtree(s->dir);
  free(s->dir);
  free(s->log);
  if (s->kbdir) th_rmtree(s->kbdir);
  free(s->kbdir);
  free(s);
  return rc;
}

th_server *th_serve_kb(const char *kb_dir, const char *const *extra, char **pindex) {
  char *dir = th_tmpdir();
  char *ix = th_fmt("%s/kb.sqlite", dir);
  char *cmd = th_fmt("%s/kb-index -q %s -o %s", th_bin_dir(), kb_dir, ix);
  int rc = th_run(cmd, NULL);
  free(cmd);
  const char *args[32] = {"--index", ix};
  int n = 2;
  for (int i = 0; extra && extra[i] && n < 31; i++) args[n++] = extra[i];
  args[n] = NULL;
  th_server *s = rc == 0 ? th_server_start(args) : NULL;
  if (!s) {
    th_rmtree(dir);
    free(dir);
    free(ix);
    return NULL;
  }
  s->kbdir = dir;
  if (pindex) *pindex = ix; else free(ix);
  return s;
}

/* --- HTTP ------------------------------------------------------------- */

typedef struct {
  char *p;
  size_t n;
} S_buf;

static size_t S_collect(char *data, size_t size, size_t nmemb, void *ud) {
  S_buf *b = ud;
  size_t k = size * nmemb;
  b->p = realloc(b->p, b->n + k + 1);
  memcpy(b->p + b->n, data, k);
  b->n += k;
  b->p[b->n] = 0;
  return k;
}

int th_http(const th_server *s, const char *method, const char *path,
            const char *body, size_t nbody, const char *const *headers,
            th_resp *r) {
  memset(r, 0, sizeof *r);
  CURL *c = curl_easy_init();
  if (!c) return -1;
  char *url = th_fmt("http://127.0.0.1:%d%s", s->port, path);
  S_buf b = {calloc(1, 1), 0}, h = {calloc(1, 1), 0};
  struct curl_slist *hl = NULL;
  int ctype = 0;
  for (int i = 0; headers && headers[i]; i++) {
    hl = curl_slist_append(hl, headers[i]);
    ctype |= !strncasecmp(headers[i], "Content-Type:", 13);
  }
  /* a body is JSON unless the test says otherwise, as the API's clients
   * send it (the write routes take nothing else) */
  if (body && !ctype) hl = curl_slist_append(hl, "Content-Type: application/json");
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  if (strcmp(method, "HEAD") == 0) curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  if (body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)nbody);
  }
  if (hl) curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, S_collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, S_collect);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
  curl_slist_free_all(hl);
  curl_easy_cleanup(c);
  free(url);
  r->body = b.p;
  r->nbody = b.n;
  r->headers = h.p;
  return rc == CURLE_OK ? 0 : -1;
}

void th_resp_free(th_resp *r) {
  free(r->body);
  free(r->headers);
  memset(r, 0, sizeof *r);
}

char *th_resp_header(const th_resp *r, const char *name) {
  size_t nl = strlen(name);
  for (const char *l = r->headers; l && *l;) {
    const char *e = strchr(l, '\n');
    size_t len = e ? (size_t)(e - l) : strlen(l);
    if (len > nl && strncasecmp(l, name, nl) == 0 && l[nl] == ':') {
      const char *v = l + nl + 1;
      while (*v == ' ') v++;
      size_t vl = (size_t)(l + len - v);
      while (vl && (v[vl - 1] == '\r' || v[vl - 1] == ' ')) vl--;
      return strndup(v, vl);
    }
    l = e ? e + 1 : l + len;
  }
  return NULL;
}

int th_wait_body(const th_server *s, const char *path, const char *needle, int tries) {
  for (int i = 0; i < tries; i++) {
    th_resp r;
    if (th_http(s, "GET", path, NULL, 0, NULL, &r) != 0) return 0;
    int found = r.body && strstr(r.body, needle) != NULL;
    th_resp_free(&r);
    if (found) return 1;
    usleep(50 * 1000);
  }
  return 0;
}

double th_metric(const th_server *s, const char *name) {
  th_resp r;
  if (th_http(s, "GET", "/metrics", NULL, 0, NULL, &r) != 0) return -1;
  double v = -1;
  size_t n = strlen(name);
  /* a sample is a line: the name at its start, then a space and the value */
  for (const char *p = r.body; p && (p = strstr(p, name)) != NULL; p += n)
    if ((p == r.body || p[-1] == '\n') && p[n] == ' ') {
      v = atof(p + n + 1);
      break;
    }
  th_resp_free(&r);
  return v;
}

struct kb_index *th_index_kb(const char *kb, const char *dir) {
  char *ix = th_fmt("%s/kb.sqlite", dir);
  char *cmd = kb ? th_fmt("%s/kb-index -q %s -o %s", th_bin_dir(), kb, ix)
                 : th_fmt("%s/kb-index -q %s/kb -o %s", th_bin_dir(), dir, ix);
  assert_int_equal(th_run(cmd, NULL), 0);
  char err[256];
  kb_index *x = kb_index_open(ix, err, sizeof err);
  if (!x) print_error("%s\n", err);
  assert_non_null(x);
  free(cmd);
  free(ix);
  return x;
}

void th_index_done(struct kb_index *x, char *dir) {
  kb_index_close(x);
  th_rmtree(dir);
  free(dir);
}
