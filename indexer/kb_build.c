/*
 * kb_build.c - from a knowledge-base directory to an index file.
 *
 * Three passes: collect the *.md paths (sorted, so runs are repeatable and
 * messages come in a stable order), parse and validate everything
 * (articles, each language's word lists and synonyms, places, devices,
 * then cross-file checks such as duplicate slugs), and only if nothing is
 * wrong, write the index.
 */
#include "kb_build.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kb_article.h"
#include "kb_index_writer.h"
#include "kb_examples_file.h"
#include "kb_lang.h"
#include "kb_sitefile.h"
#include "kb_uifile.h"
#include "kb_synonyms.h"
#include "kb_text.h"
#include "kb_util.h"

typedef struct {
  char **v;
  int n, cap;
} S_paths;

typedef struct {
  char *name, *county, *aliases;
  double lat, lon;
  const char *lang;      /* the site whose store finder searches it ("": all) */
} S_place;

typedef struct {
  char *term, *platform;
} S_device;

/* One language's data: its word lists and the knowledge team's synonyms. */
typedef struct {
  kb_lang *words;
  kb_synonyms *syn;       /* NULL: no synonyms.txt */
  kb_examples_file *ex;   /* NULL: no examples.tsv (the knowledge team's) */
  kb_examples_file *lab;  /* NULL: no labelled.tsv (the word model's other
                             training lines, kb_words.h; examples.tsv's format) */
} S_lang;

typedef struct {
  kb_article **arts;
  int narts;
  S_lang langs[KB_MAX_LANGS];
  kb_sitefile *site;     /* kb/site.yaml */
  kb_uifile *ui;         /* lang/<code>/ui.tsv: the pages' words */
  kb_uifile *msgs;       /* lang/<code>/messages.tsv: kb-index's messages */
  int nlangs;
  S_place *places;
  int nplaces;
  S_device *devices;
  int ndevices;
  const char *places_lang; /* the language of the gazetteer being read */
} S_kb;

static void S_push(S_paths *p, char *s) {
  if (p->n == p->cap) {
    p->cap = p->cap ? 2 * p->cap : 256;
    p->v = kb_xrealloc(p->v, (size_t)p->cap * sizeof *p->v);
  }
  p->v[p->n++] = s;
}

/* What the walk has seen: the knowledge base's real path, and the
 * directories and files read (device and inode), so that a symbolic link
 * back into the tree is read once. */
typedef struct {
  char *root;            /* realpath of the KB directory, "/" appended */
  dev_t *dev;
  ino_t *ino;
  int n;
} S_seen;

/* 1 if (dev, ino) was seen; else records it and returns 0. */
static int S_seen_before(S_seen *sn, const struct stat *st) {
  for (int i = 0; i < sn->n; i++)
    if (sn->dev[i] == st->st_dev && sn->ino[i] == st->st_ino) return 1;
  sn->dev = kb_xrealloc(sn->dev, (size_t)(sn->n + 1) * sizeof *sn->dev);
  sn->ino = kb_xrealloc(sn->ino, (size_t)(sn->n + 1) * sizeof *sn->ino);
  sn->dev[sn->n] = st->st_dev;
  sn->ino[sn->n++] = st->st_ino;
  return 0;
}

/* A symbolic link is followed only when it leads inside the knowledge
 * base, to something not read yet (a link to a parent made the walk
 * endless, and one to a file outside published it); otherwise it is a
 * warning of the link. Returns 1 if p may be read. */
static int S_link_ok(S_seen *sn, const char *p, kb_diag *d) {
  char *real = realpath(p, NULL);
  if (!real) {
    kb_diag_msg(d, KB_DIAG_WARNING, p, 1, "build.link-nowhere", NULL);
    return 0;
  }
  size_t n = strlen(sn->root); /* ends in '/' */
  int inside = !strncmp(real, sn->root, n) || (strlen(real) == n - 1 && !strncmp(real, sn->root, n - 1));
  if (!inside)
    kb_diag_msg(d, KB_DIAG_WARNING, p, 1, "build.link-outside", "target", real, NULL);
  free(real);
  return inside; /* a link to the root itself: S_seen_before() stops it */
}

/* Collects *.md files below dir (hidden entries skipped). */
static void S_walk(const char *dir, S_paths *out, S_seen *sn, kb_diag *d) {
  DIR *dh = opendir(dir);
  if (!dh) {
    kb_diag_msg(d, KB_DIAG_ERROR, dir, 0, "build.cannot-read-dir", "reason", strerror(errno), NULL);
    return;
  }
  struct dirent *e;
  while ((e = readdir(dh)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char *p = kb_fmt("%s/%s", dir, e->d_name);
    struct stat st, lst;
    if (lstat(p, &lst) != 0 || (S_ISLNK(lst.st_mode) && !S_link_ok(sn, p, d)) || stat(p, &st) != 0) {
      free(p);
      continue;
    }
    size_t n = strlen(e->d_name);
    int md = S_ISREG(st.st_mode) && n > 3 && strcmp(e->d_name + n - 3, ".md") == 0;
    if ((S_ISDIR(st.st_mode) || md) && S_seen_before(sn, &st)) {
      kb_diag_msg(d, KB_DIAG_WARNING, p, 1, md ? "build.link-file-again" : "build.link-dir-again", NULL);
      free(p);
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      S_walk(p, out, sn, d);
      free(p);
    } else if (md) {
      S_push(out, p);
    } else {
      free(p);
    }
  }
  closedir(dh);
}

static int S_cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads and parses one article; returns 1 if the build was cancelled
 * meanwhile. A parse that runs past o->file_seconds is an error of the
 * file. */
static int S_read_article(S_kb *kb, const kb_build_opts *o, const char *path, kb_diag *d) {
  size_t n;
  char *data = kb_read_file(path, KB_ARTICLE_MAX_BYTES, &n);
  if (!data) {
    if (errno == EFBIG)
      kb_diag_msg(d, KB_DIAG_ERROR, path, 1, "build.too-large", NULL);
    else
      kb_diag_msg(d, KB_DIAG_ERROR, path, 1, "build.cannot-read", "reason", strerror(errno), NULL);
    return 0;
  }
  double secs = o->file_seconds > 0 ? o->file_seconds : 10;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  kb_article_limit lim = {o->cancel, (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 + secs};
  int stopped;
  kb_article *a = kb_article_parse_limited(path, data, n, d, &lim, &stopped);
  free(data);
  if (stopped == 2) {
    char ss[32];
    snprintf(ss, sizeof ss, "%g", secs);
    kb_diag_msg(d, KB_DIAG_ERROR, path, 1, "build.too-slow", "seconds", ss, NULL);
  }
  struct stat sb;
  if (a && !a->updated && stat(path, &sb) == 0) {
    struct tm tm;
    char day[16];
    strftime(day, sizeof day, "%Y-%m-%d", gmtime_r(&sb.st_mtime, &tm));
    a->updated = kb_xstrdup(day);
  }
  if (a) kb->arts[kb->narts++] = a;
  return stopped == 1;
}

/*--- places.tsv ----------------------------------------------------------*/

static int S_parse_coord(const char *s, double lo, double hi, double *out) {
  char *end;
  errno = 0;
  double x = strtod(s, &end);
  if (!*s || *end || errno || !isfinite(x) || x < lo || x > hi) return 0;
  *out = x;
  return 1;
}

/* Parses one data line of places.tsv into kb->places. */
static void S_place_line(S_kb *kb, const char *path, int line, char *z, kb_diag *d) {
  char *f[6];
  int nf = 0;
  for (char *p = z;; p++) {
    if (nf < 6) f[nf] = p;
    char *tab = strchr(p, '\t');
    nf++;
    if (!tab) break;
    *tab = 0;
    p = tab;
  }
  if (nf != 5) {
    char sn[16];
    snprintf(sn, sizeof sn, "%d", nf);
    kb_diag_msg(d, KB_DIAG_ERROR, path, line, "places.fields", "found", sn, NULL);
    return;
  }
  S_place pl = {0};
  if (!*f[0]) {
    kb_diag_msg(d, KB_DIAG_ERROR, path, line, "places.empty-name", NULL);
    return;
  }
  if (!S_parse_coord(f[2], -90, 90, &pl.lat) || !S_parse_coord(f[3], -180, 180, &pl.lon)) {
    kb_diag_msg(d, KB_DIAG_ERROR, path, line, "places.bad-coordinates", NULL);
    return;
  }
  pl.name = kb_xstrdup(f[0]);
  pl.county = kb_xstrdup(f[1]);
  pl.aliases = kb_xstrdup(f[4]);
  pl.lang = kb->places_lang;
  kb->places = kb_xrealloc(kb->places, (size_t)(kb->nplaces + 1) * sizeof *kb->places);
  kb->places[kb->nplaces++] = pl;
}

/* One data line of a TSV file (NUL-terminated, without its newline). */
typedef void (*S_line_fn)(S_kb *kb, const char *path, int line, char *text, kb_diag *d);

/* Reads a tab-separated file whose first line must start with header (else
 * the error header_id, a message id of messages.tsv): every other non-empty
 * line that is not a # comment goes to fn. A missing file is fine (it is
 * optional). */
static void S_read_tsv(S_kb *kb, const char *path, const char *header, const char *header_id,
                       S_line_fn fn, kb_diag *d) {
  size_t n;
  char *data = kb_read_file(path, 16 * 1024 * 1024, &n);
  if (!data) {
    if (errno != ENOENT) kb_diag_msg(d, KB_DIAG_ERROR, path, 0, "build.cannot-read", "reason", strerror(errno), NULL);
    return;
  }
  size_t bad;
  if (!kb_text_utf8_valid(data, n, &bad)) {
    kb_diag_msg(d, KB_DIAG_ERROR, path, kb_line_of(data, bad), "build.bad-utf8", NULL);
    free(data);
    return;
  }
  int line = 0;
  for (char *p = data; p && *p;) {
    char *nl = strchr(p, '\n');
    if (nl) *nl = 0;
    line++;
    size_t len = strlen(p);
    if (len && p[len - 1] == '\r') p[len - 1] = 0;
    if (line == 1) {
      if (strncmp(p, header, strlen(header)) != 0) kb_diag_msg(d, KB_DIAG_ERROR, path, 1, header_id, NULL);
    } else if (*p && *p != '#') {
      fn(kb, path, line, p, d);
    }
    p = nl ? nl + 1 : NULL;
  }
  free(data);
}

static void S_read_places(S_kb *kb, const char *path, kb_diag *d) {
  S_read_tsv(kb, path, "name\t",
             "places.header",
             S_place_line, d);
}

static int S_has_lang(const S_kb *kb, const char *code);

/* kb/places.tsv (the country of the default language: English if the
 * knowledge base has it, else its first), then one gazetteer per country
 * in kb/places/<code>.tsv, named by the language of that country's site
 * (same columns; the second may be called region), in name order. The
 * store finder of a language's site searches its own gazetteer. */
static void S_read_gazetteers(S_kb *kb, const char *kb_dir, kb_diag *d) {
  char *p = kb_fmt("%s/places.tsv", kb_dir);
  kb->places_lang = S_has_lang(kb, "en") || !kb->nlangs ? "en" : kb_lang_code(kb->langs[0].words);
  S_read_places(kb, p, d);
  free(p);
  char *dir = kb_fmt("%s/places", kb_dir);
  DIR *dh = opendir(dir);
  if (dh) {
    S_paths files = {0};
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
      size_t n = strlen(e->d_name);
      if (e->d_name[0] != '.' && n > 4 && !strcmp(e->d_name + n - 4, ".tsv")) {
        files.v = kb_xrealloc(files.v, (size_t)(files.n + 1) * sizeof *files.v);
        files.v[files.n++] = kb_fmt("%s/%s", dir, e->d_name);
      }
    }
    closedir(dh);
    if (files.n) qsort(files.v, (size_t)files.n, sizeof *files.v, S_cmp_str);
    for (int i = 0; i < files.n; i++) {
      const char *base = strrchr(files.v[i], '/') + 1;
      int li = -1;
      for (int k = 0; k < kb->nlangs; k++)
        if (!strncmp(base, kb_lang_code(kb->langs[k].words), strlen(base) - 4) &&
            strlen(kb_lang_code(kb->langs[k].words)) == strlen(base) - 4)
          li = k;
      if (li < 0) {
        char *code = kb_xstrndup(base, strlen(base) - 4);
        kb_diag_msg(d, KB_DIAG_WARNING, files.v[i], 0, "places.not-a-lang", "lang", code, NULL);
        free(code);
      }
      kb->places_lang = li >= 0 ? kb_lang_code(kb->langs[li].words) : "";
      S_read_places(kb, files.v[i], d);
      free(files.v[i]);
    }
    free(files.v);
  }
  free(dir);
}

/* kb/site.yaml is optional (a bare knowledge base of articles still
 * builds); without it the pages name no brand and list no contacts. */
static void S_read_site(S_kb *kb, const char *path, kb_diag *d) {
  size_t n;
  char *data = kb_read_file(path, 1024 * 1024, &n);
  if (!data) {
    if (errno != ENOENT) kb_diag_msg(d, KB_DIAG_ERROR, path, 0, "build.cannot-read", "reason", strerror(errno), NULL);
    return;
  }
  kb->site = kb_sitefile_parse(path, data, n, d);
  free(data);
}

/* devices.tsv: "term<TAB>platform"; a term is one lower-case word
 * customers use for a phone of that platform. */
static void S_device_line(S_kb *kb, const char *path, int line, char *p, kb_diag *d) {
  char *tab = strchr(p, '\t');
  if (!tab || strchr(tab + 1, '\t') || tab == p) {
    kb_diag_msg(d, KB_DIAG_ERROR, path, line, "devices.fields", NULL);
  } else if (strcmp(tab + 1, "ios") && strcmp(tab + 1, "android")) {
    kb_diag_msg(d, KB_DIAG_ERROR, path, line, "devices.bad-platform", "platform", tab + 1, NULL);
  } else if (strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789") != (size_t)(tab - p)) {
    kb_diag_msg(d, KB_DIAG_ERROR, path, line, "devices.bad-term", NULL);
  } else {
    kb->devices = kb_xrealloc(kb->devices, (size_t)(kb->ndevices + 1) * sizeof *kb->devices);
    kb->devices[kb->ndevices++] = (S_device){.term = kb_xstrndup(p, (size_t)(tab - p)),
                                                 .platform = kb_xstrdup(tab + 1)};
  }
}

static void S_read_devices(S_kb *kb, const char *path, kb_diag *d) {
  S_read_tsv(kb, path, "term\tplatform", "devices.header",
             S_device_line, d);
}

/*--- lang/<code>/: each language's data --------------------------------*/

/* Reads a whole file for a list; NULL when it is absent (an empty list),
 * or unreadable (reported). */
static char *S_read_optional(const char *path, size_t *pn, kb_diag *d) {
  char *data = kb_read_file(path, 16 * 1024 * 1024, pn);
  if (!data && errno != ENOENT) kb_diag_msg(d, KB_DIAG_ERROR, path, 0, "build.cannot-read", "reason", strerror(errno), NULL);
  return data;
}

/* Reads the language data in dir (KB_DIR/lang/<code> or the shipped
 * data) into a new language of kb; synonyms only when synonyms is set
 * (they are the knowledge team's, never shipped). */
static S_lang *S_read_lang(S_kb *kb, const char *code, const char *dir, int synonyms, kb_diag *d) {
  if (kb->nlangs == KB_MAX_LANGS) {
    char sm[16];
    snprintf(sm, sizeof sm, "%d", KB_MAX_LANGS);
    kb_diag_msg(d, KB_DIAG_ERROR, dir, 0, "build.too-many-langs", "max", sm, NULL);
    return NULL;
  }
  S_lang *l = &kb->langs[kb->nlangs++];
  *l = (S_lang){.words = kb_lang_new(code)};
  for (int list = 0; list < KB_LANG_NLISTS; list++) {
    char *p = kb_fmt("%s/%s", dir, kb_lang_file((kb_lang_list)list));
    size_t n;
    char *data = S_read_optional(p, &n, d);
    if (data) kb_lang_parse(l->words, (kb_lang_list)list, p, data, n, d);
    free(data);
    free(p);
  }
  if (synonyms) {
    char *p = kb_fmt("%s/synonyms.txt", dir);
    size_t n;
    char *data = S_read_optional(p, &n, d);
    if (data) l->syn = kb_synonyms_parse(p, data, n, d);
    free(data);
    free(p);
    p = kb_fmt("%s/examples.tsv", dir);
    data = S_read_optional(p, &n, d);
    if (data) l->ex = kb_examples_file_parse(p, data, n, d);
    free(data);
    free(p);
    p = kb_fmt("%s/labelled.tsv", dir);
    data = S_read_optional(p, &n, d);
    if (data) l->lab = kb_examples_file_parse(p, data, n, d);
    free(data);
    free(p);
  }
  return l;
}

static int S_has_lang(const S_kb *kb, const char *code) {
  for (int i = 0; i < kb->nlangs; i++)
    if (!strcmp(kb_lang_code(kb->langs[i].words), code)) return 1;
  return 0;
}

/* Reads every KB_DIR/lang/<code>/ directory, in name order. */
static void S_read_kb_langs(S_kb *kb, const char *kb_dir, kb_diag *d) {
  char *dir = kb_fmt("%s/lang", kb_dir);
  DIR *dh = opendir(dir);
  S_paths names = {0};
  struct dirent *e;
  while (dh && (e = readdir(dh)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char *p = kb_fmt("%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) S_push(&names, kb_xstrdup(e->d_name));
    free(p);
  }
  if (dh) closedir(dh);
  if (names.n) qsort(names.v, (size_t)names.n, sizeof *names.v, S_cmp_str);
  for (int i = 0; i < names.n; i++) {
    char *p = kb_fmt("%s/%s", dir, names.v[i]);
    if (strlen(names.v[i]) >= KB_LANG_CODE_MAX || !kb_text_lang_known(names.v[i]))
      kb_diag_msg(d, KB_DIAG_ERROR, p, 0, "build.no-stemmer", "lang", names.v[i], NULL);
    else
      S_read_lang(kb, names.v[i], p, 1, d);
    free(p);
    free(names.v[i]);
  }
  free(names.v);
  free(dir);
}

/* The language data shipped with kb-index: $KB_LANG_DIR, else share/kb/lang
 * or kb/lang (the source tree's) in the program's directory or up to three
 * above it. Caller frees; NULL when there is none. */
static char *S_shipped_dir(void) {
  const char *env = getenv("KB_LANG_DIR");
  if (env && *env) return kb_xstrdup(env);
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return NULL;
  exe[n] = 0;
  for (int up = 0; up < 4; up++) {
    char *slash = strrchr(exe, '/');
    if (!slash) break;
    *slash = 0;
    static const char *const where[] = {"share/kb/lang", "kb/lang"};
    for (int k = 0; k < 2; k++) {
      char *p = kb_fmt("%s/%s", exe, where[k]);
      struct stat st;
      if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) return p;
      free(p);
    }
  }
  return NULL;
}

/* Every article's language has data: its own lang/<code>/, else the
 * shipped lists of that language (without synonyms), else empty lists
 * with a warning (nothing dropped or read as another word). */
static void S_complete_langs(S_kb *kb, const char *kb_dir, kb_diag *d) {
  char *shipped = NULL;
  int looked = 0;
  for (int i = 0; i < kb->narts; i++) {
    const char *code = kb->arts[i]->lang;
    if (S_has_lang(kb, code)) continue;
    if (!looked) {
      shipped = S_shipped_dir();
      looked = 1;
    }
    char *p = shipped ? kb_fmt("%s/%s", shipped, code) : NULL;
    struct stat st;
    if (p && stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
      S_read_lang(kb, code, p, 0, d);
    } else {
      char *own = kb_fmt("%s/lang/%s", kb_dir, code);
      kb_diag_msg(d, KB_DIAG_WARNING, own, 0, "build.no-word-lists", "lang", code, NULL);
      free(own);
      if (kb->nlangs < KB_MAX_LANGS)
        kb->langs[kb->nlangs++] = (S_lang){.words = kb_lang_new(code)};
    }
    free(p);
  }
  free(shipped);
}

/* One text file (file: "ui.tsv", "messages.tsv") of every language the
 * index holds, English's (the reference and the last resort) and extra's
 * (NULL: none) into u: each from KB_DIR/lang/<code>/FILE, else from the
 * shipped data; missing is the id of the message (kb/lang/<code>/messages.tsv,
 * with the value lang) warning of a language with neither, NULL for none. */
static void S_read_texts(S_kb *kb, const char *kb_dir, const char *file, const char *extra,
                         kb_uifile *u, const char *missing, kb_diag *d) {
  char *shipped = NULL;
  int looked = 0;
  for (int i = -2; i < kb->nlangs; i++) {
    const char *code = i == -2 ? "en" : i == -1 ? extra : kb_lang_code(kb->langs[i].words);
    if (!code || kb_uifile_has(u, code)) continue;
    /* kb_dir NULL: the shipped data only */
    char *p = kb_dir ? kb_fmt("%s/lang/%s/%s", kb_dir, code, file) : kb_xstrdup("");
    if (!kb_dir || access(p, F_OK) != 0) {
      if (!looked) shipped = S_shipped_dir(), looked = 1;
      char *q = shipped ? kb_fmt("%s/%s/%s", shipped, code, file) : NULL;
      if (q && access(q, F_OK) == 0) {
        free(p);
        p = q;
      } else {
        free(q);
        if (i >= 0 && missing)
          kb_diag_msg(d, KB_DIAG_WARNING, p, 0, missing, "lang", code, NULL);
        free(p);
        continue;
      }
    }
    size_t n;
    char *data = S_read_optional(p, &n, d);
    if (data) kb_uifile_parse(u, code, p, data, n, d);
    free(data);
    free(p);
  }
  free(shipped);
  kb_uifile_check(u, "en", d);
}

/* Words the messages of d from now on with the catalogue msgs in lang's
 * texts (NULL: English), English's where lang's lack one. */
static void S_set_catalogue(const kb_uifile *msgs, const char *lang, kb_diag *d) {
  int n = kb_uifile_count(msgs), k = 0;
  const char **cat = kb_xcalloc(2 * (size_t)n + 1, sizeof *cat);
  if (lang && !strcmp(lang, "en")) lang = NULL;
  /* lang's first (the first text of an id counts), then English's; each
   * entry is one language's, so the two passes add at most n pairs */
  for (int pass = lang ? 0 : 1; pass < 2; pass++)
    for (int i = 0; i < n; i++) {
      const char *l, *key, *text;
      kb_uifile_entry(msgs, i, &l, &key, &text);
      if (!strcmp(l, pass ? "en" : lang ? lang : "en")) {
        cat[k++] = key;
        cat[k++] = text;
      }
    }
  kb_diag_set_catalogue(d, cat);
  /* libyaml's problems (the YAML messages' values problem and context,
   * its English words) named by the English catalogue's yaml.* entries,
   * whose texts are libyaml's words: a reader words them in its language
   * (kb_diag_fill_with()); words it has no entry for are yaml.unknown */
  k = 0;
  for (int i = 0; i < n; i++) {
    const char *l, *key, *text;
    kb_uifile_entry(msgs, i, &l, &key, &text);
    if (!strcmp(l, "en") && !strncmp(key, "yaml.", 5)) {
      cat[k++] = key;
      cat[k++] = text;
    }
  }
  cat[k] = NULL;
  kb_diag_name(d, "problem", cat, "yaml.unknown");
  kb_diag_name(d, "context", cat, "yaml.unknown");
  free(cat);
}

/* The pages' words (ui.tsv) and kb-index's messages (messages.tsv) of
 * every language; the messages of d are worded from now on in lang's
 * (NULL: English), English's where lang's lack one. */
static void S_read_ui(S_kb *kb, const char *kb_dir, const char *lang, kb_diag *d) {
  kb->ui = kb_uifile_new();
  S_read_texts(kb, kb_dir, "ui.tsv", NULL, kb->ui, "build.no-ui-words", d);
  kb->msgs = kb_uifile_new();
  kb_uifile_set_what(kb->msgs, "message id");
  S_read_texts(kb, kb_dir, "messages.tsv", lang, kb->msgs, NULL, d);
  S_set_catalogue(kb->msgs, lang, d);
}

kb_diag *kb_build_words(const char *kb_dir, const char *lang) {
  S_kb kb;
  memset(&kb, 0, sizeof kb);
  kb_diag *d = kb_diag_new(), *scratch = kb_diag_new(); /* the files' own problems: a build's */
  kb_uifile *msgs = kb_uifile_new();
  kb_uifile_set_what(msgs, "message id");
  S_read_texts(&kb, kb_dir, "messages.tsv", lang, msgs, NULL, scratch);
  S_set_catalogue(msgs, lang, d);
  kb_uifile_free(msgs);
  kb_diag_free(scratch);
  return d;
}

char *kb_build_say(const kb_diag *words, const char *id, ...) {
  const char *vals[32];
  int n = 0;
  va_list ap;
  va_start(ap, id);
  for (const char *k; n < 30 && (k = va_arg(ap, const char *)) != NULL; n += 2) {
    vals[n] = k;
    vals[n + 1] = va_arg(ap, const char *);
  }
  va_end(ap);
  vals[n] = NULL;
  const char *t = words ? kb_diag_text(words, id) : NULL;
  return kb_diag_fill(t ? t : id, vals);
}

/* The language a directory of path under kb_dir names (kb/articles/fr/x.md:
 * "fr"; the nearest two-letter directory that is a language), or NULL. */
static char *S_dir_lang(const char *kb_dir, const char *path) {
  size_t kl = strlen(kb_dir);
  const char *rel = !strncmp(path, kb_dir, kl) ? path + kl : path;
  const char *end = strrchr(rel, '/');
  while (end && end > rel) {
    const char *start = end - 1;
    while (start > rel && start[-1] != '/') start--;
    if (end - start == 2) {
      char code[3] = {start[0], start[1], 0};
      if (kb_text_lang_known(code)) return kb_xstrdup(code);
    }
    end = start > rel ? start - 1 : NULL;
  }
  return NULL;
}

/* An article without lang: takes its directory's language (kb/articles/fr/),
 * else its collection's (site.yaml collections: NAME: {lang: fr}), else
 * English. One with lang: in another language's directory is warned of. */
static void S_default_langs(S_kb *kb, const char *kb_dir, kb_diag *d) {
  for (int i = 0; i < kb->narts; i++) {
    kb_article *a = kb->arts[i];
    char *dl = S_dir_lang(kb_dir, a->path);
    if (a->lang_line) {
      if (dl && strcmp(dl, a->lang))
        kb_diag_msg(d, KB_DIAG_WARNING, a->path, a->lang_line, "build.lang-dir", "lang", a->lang, "dir", dl, NULL);
      free(dl);
      continue;
    }
    const char *cl = NULL;
    for (int k = 0; !dl && !cl && k < kb_sitefile_count(kb->site); k++) {
      const kb_site_entry *e = kb_sitefile_entry(kb->site, k);
      if (!strcmp(e->key, "lang") && !strcmp(e->collection, a->collection)) cl = e->value;
    }
    if (dl || cl) {
      free(a->lang);
      a->lang = dl ? dl : kb_xstrdup(cl);
    }
  }
}

/*--- Cross-file checks ---------------------------------------------------*/

static int S_cmp_art(const void *x, const void *y) {
  const kb_article *a = *(kb_article *const *)x, *b = *(kb_article *const *)y;
  int c = strcmp(a->collection, b->collection);
  if (c) return c;
  c = strcmp(a->lang, b->lang);
  if (c) return c;
  c = strcmp(a->slug, b->slug);
  return c ? c : strcmp(a->path, b->path);
}

/* Reports duplicate slugs within a collection and language (the same
 * slug in another language is that topic's translation); counts
 * collections. */
static int S_check_slugs(S_kb *kb, kb_diag *d) {
  qsort(kb->arts, (size_t)kb->narts, sizeof *kb->arts, S_cmp_art);
  int colls = 0;
  const char *last_coll = NULL;
  for (int i = 0; i < kb->narts; i++) {
    kb_article *a = kb->arts[i];
    if (!last_coll || strcmp(a->collection, last_coll)) colls++;
    last_coll = a->collection;
    if (i == 0) continue;
    kb_article *b = kb->arts[i - 1];
    if (!strcmp(a->collection, b->collection) && !strcmp(a->lang, b->lang) && !strcmp(a->slug, b->slug))
      kb_diag_msg(d, KB_DIAG_ERROR, a->path, a->slug_line,
                  strcmp(a->lang, "en") ? "build.duplicate-slug-lang" : "build.duplicate-slug", "slug", a->slug,
                  "collection", a->collection, "other", b->path, "lang", a->lang, NULL);
  }
  return colls;
}

/* Translations against their source, the topic's article in the default
 * language (same collection and slug): translated_from older than the
 * source's updated: (front matter; a file's date changes with every
 * checkout) is a warning (the translation may say what the source no
 * longer does), as is a translated_from with no source or on the
 * source itself. */
static void S_check_translations(S_kb *kb, kb_diag *d) {
  const char *dflt = S_has_lang(kb, "en") || !kb->nlangs ? "en" : kb_lang_code(kb->langs[0].words);
  for (int i = 0; i < kb->narts; i++) {
    kb_article *a = kb->arts[i];
    if (!a->translated_from || strlen(a->translated_from) != 10) continue; /* else an error already */
    if (!strcmp(a->lang, dflt)) {
      kb_diag_msg(d, KB_DIAG_WARNING, a->path, a->translated_line, "build.translated-source", "lang", dflt, NULL);
      continue;
    }
    const kb_article *src = NULL;
    for (int k = 0; k < kb->narts && !src; k++) {
      const kb_article *b = kb->arts[k];
      if (!strcmp(b->lang, dflt) && !strcmp(b->slug, a->slug) && !strcmp(b->collection, a->collection)) src = b;
    }
    if (!src)
      kb_diag_msg(d, KB_DIAG_WARNING, a->path, a->translated_line, "build.no-source", "lang", dflt, "slug", a->slug,
                  NULL);
    else if (src->updated_line && strcmp(src->updated, a->translated_from) > 0) { /* a file's date says nothing */
      free(a->source_updated);
      a->source_updated = kb_xstrdup(src->updated);
      kb_diag_msg(d, KB_DIAG_WARNING, a->path, a->translated_line, "build.translation-older", "lang", dflt,
                  "translated", a->translated_from, "source", src->path, "updated", src->updated, NULL);
    }
  }
}

/*--- Writing -------------------------------------------------------------*/

/* Write order: by collection, then type, then slug. Ids are given in this
 * order, so the articles of one collection and type have consecutive ids
 * and a search restricted to them reads one rowid range of the full-text
 * table (kb_search.c) instead of every matching row. */
static int S_cmp_write(const void *x, const void *y) {
  const kb_article *a = *(kb_article *const *)x, *b = *(kb_article *const *)y;
  int c = strcmp(a->collection, b->collection);
  if (c) return c;
  c = strcmp(a->type, b->type);
  if (c) return c;
  c = strcmp(a->slug, b->slug);
  return c ? c : strcmp(a->path, b->path);
}

static int S_write_synonyms(kb_index_writer *w, const S_lang *l, char *err, size_t nerr);

/* Each language's examples (examples.tsv) and labelled lines
 * (labelled.tsv) must name its articles. */
typedef struct {
  const S_kb *kb;
  const char *lang;
} S_slug_ctx;

static int S_lang_has_slug(void *ctx, const char *slug) {
  const S_slug_ctx *c = ctx;
  for (int i = 0; i < c->kb->narts; i++)
    if (!strcmp(c->kb->arts[i]->slug, slug) && !strcmp(c->kb->arts[i]->lang, c->lang)) return 1;
  return 0;
}

static void S_check_examples(const S_kb *kb, kb_diag *d) {
  for (int i = 0; i < kb->nlangs; i++) {
    S_slug_ctx c = {kb, kb_lang_code(kb->langs[i].words)};
    kb_examples_file_check(kb->langs[i].ex, S_lang_has_slug, &c, d);
    kb_examples_file_check(kb->langs[i].lab, S_lang_has_slug, &c, d);
  }
}

/* Writes the index; -1 with a message on failure, -3 when cancelled. */
static int S_write(S_kb *kb, const char *out, const atomic_int *cancel, char *err, size_t nerr) {
  kb_index_writer *w = kb_index_writer_new(out, err, nerr);
  if (!w) return -1;
  int rc = 0;
  /* word lists first: the tokenizer of a language's table reads them */
  for (int i = 0; rc == 0 && i < kb->nlangs; i++)
    rc = kb_index_writer_add_lang(w, kb->langs[i].words, err, nerr);
  qsort(kb->arts, (size_t)kb->narts, sizeof *kb->arts, S_cmp_write);
  for (int i = 0; rc == 0 && i < kb->narts; i++) {
    if (i % 256 == 255 && cancel && atomic_load(cancel)) {
      rc = -3;
      break;
    }
    rc = kb_index_writer_add(w, kb->arts[i], err, nerr);
  }
  for (int i = 0; rc == 0 && i < kb->nplaces; i++) {
    const S_place *p = &kb->places[i];
    rc = kb_index_writer_add_place(w, p->name, p->county, p->lat, p->lon, p->aliases, p->lang, err, nerr);
  }
  for (int i = 0; rc == 0 && i < kb->ndevices; i++)
    rc = kb_index_writer_add_device(w, kb->devices[i].term, kb->devices[i].platform, err, nerr);
  for (int li = 0; rc == 0 && li < kb->nlangs; li++)
    rc = S_write_synonyms(w, &kb->langs[li], err, nerr);
  for (int li = 0; rc == 0 && li < kb->nlangs; li++)
    for (int i = 0; rc == 0 && i < kb_examples_file_count(kb->langs[li].ex); i++) {
      const kb_example_line *e = kb_examples_file_line(kb->langs[li].ex, i);
      rc = kb_index_writer_add_example(w, kb_lang_code(kb->langs[li].words), e->line, e->slug,
                                       e->text, err, nerr);
    }
  for (int li = 0; rc == 0 && li < kb->nlangs; li++)
    for (int i = 0; rc == 0 && i < kb_examples_file_count(kb->langs[li].lab); i++) {
      const kb_example_line *e = kb_examples_file_line(kb->langs[li].lab, i);
      rc = kb_index_writer_add_labelled(w, kb_lang_code(kb->langs[li].words), e->line, e->slug,
                                        e->text, err, nerr);
    }
  /* what the pages show of each article beyond the articles table: its
   * category, owner, review date and last change, as site rows
   * "article.SLUG.KEY" of its collection and language (kb_site.h reads
   * them; a topic's translations share its slug) */
  for (int i = 0; rc == 0 && i < kb->narts; i++) {
    const kb_article *a = kb->arts[i];
    const char *coll = strcmp(a->collection, "default") ? a->collection : "";
    const char *keys[] = {"category", "owner", "review_by", "updated", "translated_from", "source_updated"};
    const char *vals[] = {a->category, a->owner, a->review_by, a->updated, a->translated_from, a->source_updated};
    for (int k = 0; rc == 0 && k < 6; k++) {
      if (!vals[k] || !*vals[k]) continue;
      char *key = kb_fmt("article.%s.%s", a->slug, keys[k]);
      rc = kb_index_writer_add_site(w, coll, a->lang, key, vals[k], err, nerr);
      free(key);
    }
  }
  for (int i = 0; rc == 0 && i < kb_sitefile_count(kb->site); i++) {
    const kb_site_entry *e = kb_sitefile_entry(kb->site, i);
    rc = kb_index_writer_add_site(w, e->collection, e->lang, e->key, e->value, err, nerr);
  }
  for (int i = 0; rc == 0 && i < kb_uifile_count(kb->ui); i++) {
    const char *lang, *key, *text;
    kb_uifile_entry(kb->ui, i, &lang, &key, &text);
    char *k = kb_fmt("ui.%s", key);
    rc = kb_index_writer_add_site(w, "", lang, k, text, err, nerr);
    free(k);
  }
  /* the messages too, so a page can word the build's problems in its
   * language (the status file keeps each message's id and values) */
  for (int i = 0; rc == 0 && i < kb_uifile_count(kb->msgs); i++) {
    const char *lang, *key, *text;
    kb_uifile_entry(kb->msgs, i, &lang, &key, &text);
    char *k = kb_fmt("ui.msg.%s", key);
    rc = kb_index_writer_add_site(w, "", lang, k, text, err, nerr);
    free(k);
  }
  if (rc == 0) rc = kb_index_writer_finish(w, err, nerr);
  kb_index_writer_free(w);
  return rc;
}

/* Writes a language's synonym rules. */
static int S_write_synonyms(kb_index_writer *w, const S_lang *l, char *err, size_t nerr) {
  int rc = 0;
  for (int i = 0; rc == 0 && l->syn && i < kb_synonyms_count(l->syn); i++) {
    const kb_synonym_rule *r = kb_synonyms_rule(l->syn, i);
    kb_buf lhs = KB_BUF_INIT, rhs = KB_BUF_INIT;
    for (int k = 0; k < r->nlhs; k++) {
      if (k) kb_buf_putc(&lhs, '\x1f');
      kb_buf_puts(&lhs, r->lhs[k]);
    }
    for (int k = 0; k < r->nrhs; k++) {
      if (k) kb_buf_putc(&rhs, '\x1f');
      kb_buf_puts(&rhs, r->rhs[k]);
    }
    rc = kb_index_writer_add_synonyms(w, kb_lang_code(l->words), r->line, kb_buf_str(&lhs),
                                      r->nrhs ? kb_buf_str(&rhs) : NULL, err, nerr);
    kb_buf_cleanup(&lhs);
    kb_buf_cleanup(&rhs);
  }
  return rc;
}

static void S_kb_free(S_kb *kb) {
  for (int i = 0; i < kb->narts; i++) kb_article_free(kb->arts[i]);
  free(kb->arts);
  for (int i = 0; i < kb->nlangs; i++) {
    kb_lang_free(kb->langs[i].words);
    kb_synonyms_free(kb->langs[i].syn);
    kb_examples_file_free(kb->langs[i].ex);
    kb_examples_file_free(kb->langs[i].lab);
  }
  kb_sitefile_free(kb->site);
  kb_uifile_free(kb->ui);
  kb_uifile_free(kb->msgs);
  for (int i = 0; i < kb->nplaces; i++) {
    free(kb->places[i].name);
    free(kb->places[i].county);
    free(kb->places[i].aliases);
  }
  free(kb->places);
  for (int i = 0; i < kb->ndevices; i++) {
    free(kb->devices[i].term);
    free(kb->devices[i].platform);
  }
  free(kb->devices);
}

static double S_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int kb_build_run(const kb_build_opts *o, kb_diag *d, kb_build_stats *st,
                 char *err, size_t nerr) {
  double t0 = S_now();
  memset(st, 0, sizeof *st);
  S_paths paths = {0};
  S_kb kb = {0};
  struct stat sb;
  S_seen seen = {0};
  char *root = realpath(o->kb_dir, NULL);
  if (stat(o->kb_dir, &sb) != 0 || !S_ISDIR(sb.st_mode) || !root) {
    kb_diag_msg(d, KB_DIAG_ERROR, o->kb_dir, 0, "build.not-dir", NULL);
  } else {
    seen.root = kb_fmt("%s%s", root, strcmp(root, "/") ? "/" : "");
    S_seen_before(&seen, &sb);
    S_walk(o->kb_dir, &paths, &seen, d);
  }
  free(root);
  free(seen.root);
  free(seen.dev);
  free(seen.ino);
  qsort(paths.v, (size_t)paths.n, sizeof *paths.v, S_cmp_str);
  kb.arts = kb_xcalloc((size_t)paths.n + 1, sizeof *kb.arts);
  int cancelled = 0;
  for (int i = 0; i < paths.n && !cancelled; i++) {
    cancelled = S_read_article(&kb, o, paths.v[i], d) || (o->cancel && atomic_load(o->cancel));
    if (o->progress && (i % 200 == 199 || i == paths.n - 1))
      fprintf(stderr, "\rkb-index: %d/%d files", i + 1, paths.n);
  }
  if (o->progress && paths.n) fputc('\n', stderr);
  char *p = kb_fmt("%s/synonyms.txt", o->kb_dir);
  if (access(p, F_OK) == 0)
    kb_diag_msg(d, KB_DIAG_ERROR, p, 0, "build.synonyms-outside", NULL);
  free(p);
  p = kb_fmt("%s/site.yaml", o->kb_dir);
  S_read_site(&kb, p, d);
  free(p);
  S_default_langs(&kb, o->kb_dir, d);
  S_read_kb_langs(&kb, o->kb_dir, d);
  S_complete_langs(&kb, o->kb_dir, d);
  S_read_ui(&kb, o->kb_dir, o->lang, d);
  S_read_gazetteers(&kb, o->kb_dir, d);
  p = kb_fmt("%s/devices.tsv", o->kb_dir);
  S_read_devices(&kb, p, d);
  free(p);
  st->collections = S_check_slugs(&kb, d);
  S_check_translations(&kb, d);
  S_check_examples(&kb, d);
  if (paths.n == 0 && kb_diag_count(d, KB_DIAG_ERROR) == 0)
    kb_diag_msg(d, KB_DIAG_ERROR, o->kb_dir, 0, "build.no-articles", NULL);
  st->articles = kb.narts;
  for (int i = 0; i < kb.narts; i++) st->stores += !strcmp(kb.arts[i]->type, "store");
  st->places = kb.nplaces;
  for (int i = 0; i < kb.nlangs; i++)
    st->synonyms += kb.langs[i].syn ? kb_synonyms_count(kb.langs[i].syn) : 0;
  st->errors = kb_diag_count(d, KB_DIAG_ERROR);
  st->warnings = kb_diag_count(d, KB_DIAG_WARNING);
  int rc = st->errors ? 1 : 0;
  if (cancelled || (o->cancel && atomic_load(o->cancel))) rc = 3;
  else if (rc == 0 && !o->check_only) {
    if (o->on_checked) o->on_checked(o->on_checked_ctx, d, st);
    int wr = S_write(&kb, o->out, o->cancel, err, nerr);
    rc = wr == -3 ? 3 : wr != 0 ? 2 : 0;
  }
  S_kb_free(&kb);
  for (int i = 0; i < paths.n; i++) free(paths.v[i]);
  free(paths.v);
  st->seconds = S_now() - t0;
  return rc;
}

/*--- The summary line -----------------------------------------------------*/

/* 1 if n takes the .one text: it is in the catalogue's plural.one ("1"
 * in English, "0 1" in French). */
static int S_one(const kb_diag *d, long n) {
  const char *l = kb_diag_text(d, "plural.one");
  char num[24];
  int len = snprintf(num, sizeof num, "%ld", n);
  for (const char *p = l; p && (p = strstr(p, num)) != NULL; p++)
    if ((p == l || p[-1] == ' ') && (p[len] == 0 || p[len] == ' ')) return 1;
  return 0;
}

/* summary.WHAT.one or .other, {n} n and the other NULL-terminated pairs
 * filled; the id itself when the catalogue lacks it. Caller frees. */
static char *S_count(const kb_diag *d, const char *what, long n, const char *name, const char *val) {
  char id[64], num[24];
  snprintf(id, sizeof id, "summary.%s.%s", what, S_one(d, n) ? "one" : "other");
  snprintf(num, sizeof num, "%ld", n);
  const char *t = kb_diag_text(d, id);
  const char *const vals[] = {"n", num, name, val, NULL};
  return kb_diag_fill(t ? t : id, vals);
}

char *kb_build_summary(const kb_diag *d, const kb_build_stats *st, int rc, const kb_build_opts *o) {
  char secs[32];
  snprintf(secs, sizeof secs, "%.2f", st->seconds);
  char *dot = strchr(secs, '.');
  if (dot) *dot = 0;
  const char *const sv[] = {"s", secs, "cs", dot ? dot + 1 : "00", NULL};
  const char *ts = kb_diag_text(d, "summary.seconds");
  char *stores = S_count(d, "stores", st->stores, NULL, NULL);
  char *parts[] = {S_count(d, "articles", st->articles, "stores", stores),
                   S_count(d, "collections", st->collections, NULL, NULL),
                   S_count(d, "places", st->places, NULL, NULL),
                   S_count(d, "synonyms", st->synonyms, NULL, NULL),
                   S_count(d, "errors", st->errors, NULL, NULL),
                   S_count(d, "warnings", st->warnings, NULL, NULL),
                   kb_diag_fill(ts ? ts : "summary.seconds", sv)};
  const char *id = rc == 0 && !o->check_only ? "summary.written" : rc ? "summary.not-written" : "summary.checked";
  const char *t = kb_diag_text(d, id);
  const char *const vals[] = {"articles", parts[0], "collections", parts[1], "places", parts[2],
                              "synonyms", parts[3], "errors", parts[4], "warnings", parts[5],
                              "seconds", parts[6], "index", o->out ? o->out : "", NULL};
  char *line = kb_diag_fill(t ? t : id, vals);
  for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) free(parts[i]);
  free(stores);
  return line;
}
