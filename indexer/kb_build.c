/*
 * kb_build.c - from a knowledge-base directory to an index file.
 *
 * Three passes: collect the *.md paths (sorted, so runs are repeatable and
 * messages come in a stable order), parse and validate everything
 * (articles, synonyms, places, then cross-file checks such as duplicate
 * slugs), and only if nothing is wrong, write the index.
 */
#include "kb_build.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kb_article.h"
#include "kb_index_writer.h"
#include "kb_sitefile.h"
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
} S_place;

typedef struct {
  char *term, *platform;
} S_device;

typedef struct {
  kb_article **arts;
  int narts;
  kb_synonyms *syn;
  kb_sitefile *site;     /* kb/site.yaml */
  S_place *places;
  int nplaces;
  S_device *devices;
  int ndevices;
} S_kb;

static void S_push(S_paths *p, char *s) {
  if (p->n == p->cap) {
    p->cap = p->cap ? 2 * p->cap : 256;
    p->v = kb_xrealloc(p->v, (size_t)p->cap * sizeof *p->v);
  }
  p->v[p->n++] = s;
}

/* Collects *.md files below dir (hidden entries skipped). */
static void S_walk(const char *dir, S_paths *out, kb_diag *d) {
  DIR *dh = opendir(dir);
  if (!dh) {
    kb_diag_add(d, KB_DIAG_ERROR, dir, 0, "cannot read directory: %s", strerror(errno));
    return;
  }
  struct dirent *e;
  while ((e = readdir(dh)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char *p = kb_fmt("%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(p, &st) != 0) {
      free(p);
      continue;
    }
    size_t n = strlen(e->d_name);
    if (S_ISDIR(st.st_mode)) {
      S_walk(p, out, d);
      free(p);
    } else if (S_ISREG(st.st_mode) && n > 3 && strcmp(e->d_name + n - 3, ".md") == 0) {
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

static void S_read_article(S_kb *kb, const char *path, kb_diag *d) {
  size_t n;
  char *data = kb_read_file(path, KB_ARTICLE_MAX_BYTES, &n);
  if (!data) {
    if (errno == EFBIG)
      kb_diag_add(d, KB_DIAG_ERROR, path, 1, "file is larger than the 1 MiB limit for an article");
    else
      kb_diag_add(d, KB_DIAG_ERROR, path, 1, "cannot read: %s", strerror(errno));
    return;
  }
  kb_article *a = kb_article_parse(path, data, n, d);
  free(data);
  struct stat sb;
  if (a && !a->updated && stat(path, &sb) == 0) {
    struct tm tm;
    char day[16];
    strftime(day, sizeof day, "%Y-%m-%d", gmtime_r(&sb.st_mtime, &tm));
    a->updated = kb_xstrdup(day);
  }
  if (a) kb->arts[kb->narts++] = a;
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
    kb_diag_add(d, KB_DIAG_ERROR, path, line, "expected 5 tab-separated fields (name, county, lat, lon, aliases), found %d", nf);
    return;
  }
  S_place pl = {0};
  if (!*f[0]) {
    kb_diag_add(d, KB_DIAG_ERROR, path, line, "empty place name");
    return;
  }
  if (!S_parse_coord(f[2], -90, 90, &pl.lat) || !S_parse_coord(f[3], -180, 180, &pl.lon)) {
    kb_diag_add(d, KB_DIAG_ERROR, path, line, "lat and lon must be decimal degrees (e.g. 53.7997 and -1.5492)");
    return;
  }
  pl.name = kb_xstrdup(f[0]);
  pl.county = kb_xstrdup(f[1]);
  pl.aliases = kb_xstrdup(f[4]);
  kb->places = kb_xrealloc(kb->places, (size_t)(kb->nplaces + 1) * sizeof *kb->places);
  kb->places[kb->nplaces++] = pl;
}

/* One data line of a TSV file (NUL-terminated, without its newline). */
typedef void (*S_line_fn)(S_kb *kb, const char *path, int line, char *text, kb_diag *d);

/* Reads a tab-separated file whose first line must start with header:
 * every other non-empty line that is not a # comment goes to fn. A missing
 * file is fine (it is optional). */
static void S_read_tsv(S_kb *kb, const char *path, const char *header, const char *header_msg,
                       S_line_fn fn, kb_diag *d) {
  size_t n;
  char *data = kb_read_file(path, 16 * 1024 * 1024, &n);
  if (!data) {
    if (errno != ENOENT) kb_diag_add(d, KB_DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
    return;
  }
  size_t bad;
  if (!kb_text_utf8_valid(data, n, &bad)) {
    kb_diag_add(d, KB_DIAG_ERROR, path, kb_line_of(data, bad), "invalid UTF-8");
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
      if (strncmp(p, header, strlen(header)) != 0) kb_diag_add(d, KB_DIAG_ERROR, path, 1, "%s", header_msg);
    } else if (*p && *p != '#') {
      fn(kb, path, line, p, d);
    }
    p = nl ? nl + 1 : NULL;
  }
  free(data);
}

static void S_read_places(S_kb *kb, const char *path, kb_diag *d) {
  S_read_tsv(kb, path, "name\t",
             "first line must be the header: name, county, lat, lon, aliases (tab-separated)",
             S_place_line, d);
}

/* devices.tsv: "term<TAB>platform"; a term is one lower-case word
 * customers use for a phone of that platform. */
static void S_device_line(S_kb *kb, const char *path, int line, char *p, kb_diag *d) {
  char *tab = strchr(p, '\t');
  if (!tab || strchr(tab + 1, '\t') || tab == p) {
    kb_diag_add(d, KB_DIAG_ERROR, path, line, "expected a term and a platform, tab-separated");
  } else if (strcmp(tab + 1, "ios") && strcmp(tab + 1, "android")) {
    kb_diag_add(d, KB_DIAG_ERROR, path, line, "platform '%s' must be 'ios' or 'android'", tab + 1);
  } else if (strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789") != (size_t)(tab - p)) {
    kb_diag_add(d, KB_DIAG_ERROR, path, line, "a device term is one lower-case word (letters and digits)");
  } else {
    kb->devices = kb_xrealloc(kb->devices, (size_t)(kb->ndevices + 1) * sizeof *kb->devices);
    kb->devices[kb->ndevices++] = (S_device){kb_xstrndup(p, (size_t)(tab - p)), kb_xstrdup(tab + 1)};
  }
}

static void S_read_devices(S_kb *kb, const char *path, kb_diag *d) {
  S_read_tsv(kb, path, "term\tplatform", "first line must be the header: term, platform (tab-separated)",
             S_device_line, d);
}

/* kb/site.yaml is optional (a bare knowledge base of articles still
 * builds); without it the pages name no brand and list no contacts. */
static void S_read_site(S_kb *kb, const char *path, kb_diag *d) {
  size_t n;
  char *data = kb_read_file(path, 1024 * 1024, &n);
  if (!data) {
    if (errno != ENOENT) kb_diag_add(d, KB_DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
    return;
  }
  kb->site = kb_sitefile_parse(path, data, n, d);
  free(data);
}

static void S_read_synonyms(S_kb *kb, const char *path, kb_diag *d) {
  size_t n;
  char *data = kb_read_file(path, 16 * 1024 * 1024, &n);
  if (!data) {
    if (errno != ENOENT) kb_diag_add(d, KB_DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
    return;
  }
  kb->syn = kb_synonyms_parse(path, data, n, d);
  free(data);
}

/*--- Cross-file checks ---------------------------------------------------*/

static int S_cmp_art(const void *x, const void *y) {
  const kb_article *a = *(kb_article *const *)x, *b = *(kb_article *const *)y;
  int c = strcmp(a->collection, b->collection);
  if (c) return c;
  c = strcmp(a->slug, b->slug);
  return c ? c : strcmp(a->path, b->path);
}

/* Reports duplicate slugs within a collection; counts collections. */
static int S_check_slugs(S_kb *kb, kb_diag *d) {
  qsort(kb->arts, (size_t)kb->narts, sizeof *kb->arts, S_cmp_art);
  int colls = 0;
  for (int i = 0; i < kb->narts; i++) {
    kb_article *a = kb->arts[i];
    if (i == 0 || strcmp(a->collection, kb->arts[i - 1]->collection)) colls++;
    for (int j = i - 1; j >= 0; j--) {
      kb_article *b = kb->arts[j];
      if (strcmp(a->collection, b->collection) || strcmp(a->slug, b->slug)) break;
      if (j == i - 1)
        kb_diag_add(d, KB_DIAG_ERROR, a->path, a->slug_line,
                    "duplicate slug '%s' in collection '%s' (also in %s)", a->slug,
                    a->collection, b->path);
    }
  }
  return colls;
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

static int S_write(S_kb *kb, const char *out, char *err, size_t nerr) {
  kb_index_writer *w = kb_index_writer_new(out, err, nerr);
  if (!w) return -1;
  int rc = 0;
  qsort(kb->arts, (size_t)kb->narts, sizeof *kb->arts, S_cmp_write);
  for (int i = 0; rc == 0 && i < kb->narts; i++)
    rc = kb_index_writer_add(w, kb->arts[i], err, nerr);
  for (int i = 0; rc == 0 && i < kb->nplaces; i++) {
    const S_place *p = &kb->places[i];
    rc = kb_index_writer_add_place(w, p->name, p->county, p->lat, p->lon, p->aliases, err, nerr);
  }
  for (int i = 0; rc == 0 && i < kb->ndevices; i++)
    rc = kb_index_writer_add_device(w, kb->devices[i].term, kb->devices[i].platform, err, nerr);
  for (int i = 0; rc == 0 && kb->syn && i < kb_synonyms_count(kb->syn); i++) {
    const kb_synonym_rule *r = kb_synonyms_rule(kb->syn, i);
    kb_buf l = KB_BUF_INIT, rr = KB_BUF_INIT;
    for (int k = 0; k < r->nlhs; k++) {
      if (k) kb_buf_putc(&l, '\x1f');
      kb_buf_puts(&l, r->lhs[k]);
    }
    for (int k = 0; k < r->nrhs; k++) {
      if (k) kb_buf_putc(&rr, '\x1f');
      kb_buf_puts(&rr, r->rhs[k]);
    }
    rc = kb_index_writer_add_synonyms(w, r->line, kb_buf_str(&l), r->nrhs ? kb_buf_str(&rr) : NULL, err, nerr);
    kb_buf_cleanup(&l);
    kb_buf_cleanup(&rr);
  }
  /* what the pages show of each article beyond the articles table: its
   * category, owner, review date and last change, as site rows
   * "article.SLUG.KEY" of its collection (kb_site.h reads them) */
  for (int i = 0; rc == 0 && i < kb->narts; i++) {
    const kb_article *a = kb->arts[i];
    const char *coll = strcmp(a->collection, "default") ? a->collection : "";
    const char *keys[] = {"category", "owner", "review_by", "updated"};
    const char *vals[] = {a->category, a->owner, a->review_by, a->updated};
    for (int k = 0; rc == 0 && k < 4; k++) {
      if (!vals[k] || !*vals[k]) continue;
      char *key = kb_fmt("article.%s.%s", a->slug, keys[k]);
      rc = kb_index_writer_add_site(w, coll, "", key, vals[k], err, nerr);
      free(key);
    }
  }
  for (int i = 0; rc == 0 && i < kb_sitefile_count(kb->site); i++) {
    const kb_site_entry *e = kb_sitefile_entry(kb->site, i);
    rc = kb_index_writer_add_site(w, e->collection, e->lang, e->key, e->value, err, nerr);
  }
  if (rc == 0) rc = kb_index_writer_finish(w, err, nerr);
  kb_index_writer_free(w);
  return rc;
}

static void S_kb_free(S_kb *kb) {
  for (int i = 0; i < kb->narts; i++) kb_article_free(kb->arts[i]);
  free(kb->arts);
  kb_synonyms_free(kb->syn);
  kb_sitefile_free(kb->site);
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
  if (stat(o->kb_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
    kb_diag_add(d, KB_DIAG_ERROR, o->kb_dir, 0, "not a directory");
  } else {
    S_walk(o->kb_dir, &paths, d);
  }
  qsort(paths.v, (size_t)paths.n, sizeof *paths.v, S_cmp_str);
  kb.arts = kb_xcalloc((size_t)paths.n + 1, sizeof *kb.arts);
  for (int i = 0; i < paths.n; i++) {
    S_read_article(&kb, paths.v[i], d);
    if (o->progress && (i % 200 == 199 || i == paths.n - 1))
      fprintf(stderr, "\rkb-index: %d/%d files", i + 1, paths.n);
  }
  if (o->progress && paths.n) fputc('\n', stderr);
  char *p = kb_fmt("%s/synonyms.txt", o->kb_dir);
  S_read_synonyms(&kb, p, d);
  free(p);
  p = kb_fmt("%s/places.tsv", o->kb_dir);
  S_read_places(&kb, p, d);
  free(p);
  p = kb_fmt("%s/devices.tsv", o->kb_dir);
  S_read_devices(&kb, p, d);
  free(p);
  p = kb_fmt("%s/site.yaml", o->kb_dir);
  S_read_site(&kb, p, d);
  free(p);
  st->collections = S_check_slugs(&kb, d);
  if (paths.n == 0 && kb_diag_count(d, KB_DIAG_ERROR) == 0)
    kb_diag_add(d, KB_DIAG_ERROR, o->kb_dir, 0, "no articles (*.md files) found");
  st->articles = kb.narts;
  for (int i = 0; i < kb.narts; i++) st->stores += !strcmp(kb.arts[i]->type, "store");
  st->places = kb.nplaces;
  st->synonyms = kb.syn ? kb_synonyms_count(kb.syn) : 0;
  st->errors = kb_diag_count(d, KB_DIAG_ERROR);
  st->warnings = kb_diag_count(d, KB_DIAG_WARNING);
  int rc = st->errors ? 1 : 0;
  if (rc == 0 && !o->check_only && S_write(&kb, o->out, err, nerr) != 0) rc = 2;
  S_kb_free(&kb);
  for (int i = 0; i < paths.n; i++) free(paths.v[i]);
  free(paths.v);
  st->seconds = S_now() - t0;
  return rc;
}
