/*
 * gen_kb.c - a synthetic knowledge base for the growth benchmark.
 *
 *   gen_kb [-s SEED] N OUT_DIR SOURCE_DIR...
 *
 * Writes N articles as OUT_DIR/<collection>/syn-NNNNNN.md, made of the real
 * articles' vocabulary: every word of the *.md files under the SOURCE_DIRs
 * (front matter and Markdown syntax left out) is counted, and articles are
 * drawn word by word from those counts, so common words are common and the
 * long tail of rare ones is there too. Sizes follow real help articles: a
 * title of 3 to 9 words, 2 to 4 tags, up to 3 authored phrases, 1 to 4
 * sections under headings, and a body of about 300 words (80 to 1,500,
 * log-normal). The collections are the subdirectories of the first
 * SOURCE_DIR that hold articles (a real multi-brand set such as
 * ../shared/eval/cdp/kb), or "default"; article i goes to collection
 * i mod their number. The same seed gives the same files.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
  char *w;
  long n;
} S_word;

static S_word *S_words;
static int S_nwords, S_capwords;
static long *S_cum; /* cumulative counts, for drawing by frequency */
static char **S_colls;
static int S_ncolls;
static uint64_t S_rng = 0x9E3779B97F4A7C15ull;

static void *S_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fprintf(stderr, "gen_kb: out of memory\n");
    exit(1);
  }
  return q;
}

/* xorshift64*: fast, and the same sequence for the same seed everywhere */
static uint64_t S_next(void) {
  S_rng ^= S_rng >> 12;
  S_rng ^= S_rng << 25;
  S_rng ^= S_rng >> 27;
  return S_rng * 2685821657736338717ull;
}

static double S_unit(void) { return (double)(S_next() >> 11) / 9007199254740992.0; }

static int S_range(int lo, int hi) { return lo + (int)(S_next() % (uint64_t)(hi - lo + 1)); }

static int S_cmp_word(const void *a, const void *b) {
  return strcmp(((const S_word *)a)->w, ((const S_word *)b)->w);
}

/* Words are counted in a sorted array after the scan (qsort + merge):
 * simple, and fast enough for a few hundred thousand words. */
static void S_add_word(const char *w, size_t n) {
  if (n < 2 || n > 20) return;
  if (S_nwords == S_capwords) {
    S_capwords = S_capwords ? 2 * S_capwords : 4096;
    S_words = S_xrealloc(S_words, (size_t)S_capwords * sizeof *S_words);
  }
  char *c = S_xrealloc(NULL, n + 1);
  for (size_t i = 0; i < n; i++) c[i] = (char)tolower((unsigned char)w[i]);
  c[n] = 0;
  S_words[S_nwords++] = (S_word){c, 1};
}

static void S_merge_words(void) {
  qsort(S_words, (size_t)S_nwords, sizeof *S_words, S_cmp_word);
  int k = 0;
  for (int i = 0; i < S_nwords; i++) {
    if (k && !strcmp(S_words[k - 1].w, S_words[i].w)) {
      S_words[k - 1].n += S_words[i].n;
      free(S_words[i].w);
    } else {
      S_words[k++] = S_words[i];
    }
  }
  S_nwords = k;
  S_cum = S_xrealloc(NULL, (size_t)(S_nwords ? S_nwords : 1) * sizeof *S_cum);
  long sum = 0;
  for (int i = 0; i < S_nwords; i++) S_cum[i] = sum += S_words[i].n;
}

/* The words of one Markdown file, past its front matter; ASCII letters
 * only (the Snowball stemmer and folding see plain English words). */
static void S_read_file(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return;
  char line[8192];
  int fm = 0, lineno = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    if (lineno == 1 && !strncmp(line, "---", 3)) {
      fm = 1;
      continue;
    }
    if (fm) {
      if (!strncmp(line, "---", 3)) fm = 0;
      else if (!strncmp(line, "title:", 6)) {
        /* titles are real words too (the only text of URL-titled sets) */
      } else {
        continue;
      }
    }
    if (!fm && !strncmp(line, "Source:", 7)) continue; /* a data set's provenance line */
    const char *p = fm ? line + 6 : line;
    while (*p) {
      while (*p && !isalpha((unsigned char)*p)) p++;
      const char *s = p;
      while (isalpha((unsigned char)*p)) p++;
      if (p > s) S_add_word(s, (size_t)(p - s));
    }
  }
  fclose(f);
}

static void S_scan(const char *dir, int depth, int top) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(path, &st) != 0) continue;
    if (S_ISDIR(st.st_mode) && depth < 4) {
      if (top) {
        S_colls = S_xrealloc(S_colls, (size_t)(S_ncolls + 1) * sizeof *S_colls);
        S_colls[S_ncolls++] = strdup(e->d_name);
      }
      S_scan(path, depth + 1, 0);
    } else if (S_ISREG(st.st_mode)) {
      size_t n = strlen(e->d_name);
      if (n > 3 && !strcmp(e->d_name + n - 3, ".md")) S_read_file(path);
    }
  }
  closedir(d);
}

static int S_cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One word drawn by frequency. */
static const char *S_draw(void) {
  long r = (long)(S_unit() * (double)S_cum[S_nwords - 1]);
  int lo = 0, hi = S_nwords - 1;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (S_cum[mid] > r) hi = mid;
    else lo = mid + 1;
  }
  return S_words[lo].w;
}

static void S_put_words(FILE *f, int n, int capital) {
  for (int i = 0; i < n; i++) {
    const char *w = S_draw();
    if (i) fputc(' ', f);
    if (i == 0 && capital) {
      fputc(toupper((unsigned char)w[0]), f);
      fputs(w + 1, f);
    } else {
      fputs(w, f);
    }
  }
}

/* A body of about `words` words in sentences of 6 to 18 words and
 * paragraphs of 2 to 5 sentences, under 1 to 4 headings. */
static void S_put_body(FILE *f, int words) {
  int sections = S_range(1, 4), left = words;
  for (int s = 0; s < sections && left > 0; s++) {
    if (s > 0 || S_range(0, 1)) {
      fputs("## ", f);
      S_put_words(f, S_range(2, 5), 1);
      fputs("\n\n", f);
    }
    int budget = s == sections - 1 ? left : words / sections;
    while (budget > 0) {
      int sentences = S_range(2, 5);
      for (int k = 0; k < sentences && budget > 0; k++) {
        int n = S_range(6, 18);
        if (n > budget) n = budget;
        if (k) fputc(' ', f);
        S_put_words(f, n, 1);
        fputc('.', f);
        budget -= n;
        left -= n;
      }
      fputs("\n\n", f);
    }
  }
}

static int S_mkdir(const char *p) { return mkdir(p, 0755) == 0 || errno == EEXIST ? 0 : -1; }

int main(int argc, char **argv) {
  int a = 1;
  if (a + 1 < argc && !strcmp(argv[a], "-s")) {
    S_rng ^= strtoull(argv[a + 1], NULL, 10) * 0xD1B54A32D192ED03ull;
    a += 2;
  }
  if (argc - a < 3) {
    fprintf(stderr, "usage: gen_kb [-s SEED] N OUT_DIR SOURCE_DIR...\n");
    return 64;
  }
  long n = strtol(argv[a], NULL, 10);
  const char *out = argv[a + 1];
  for (int i = a + 2; i < argc; i++) S_scan(argv[i], 0, i == a + 2);
  S_merge_words();
  if (S_nwords < 100) {
    fprintf(stderr, "gen_kb: only %d distinct words in the sources\n", S_nwords);
    return 1;
  }
  if (!S_ncolls) {
    S_colls = S_xrealloc(NULL, sizeof *S_colls);
    S_colls[S_ncolls++] = strdup("default");
  }
  qsort(S_colls, (size_t)S_ncolls, sizeof *S_colls, S_cmp_str);
  if (S_mkdir(out)) {
    perror(out);
    return 1;
  }
  for (int c = 0; c < S_ncolls; c++) {
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", out, S_colls[c]);
    if (S_mkdir(p)) {
      perror(p);
      return 1;
    }
  }
  long total = 0;
  for (long i = 0; i < n; i++) {
    const char *coll = S_colls[i % S_ncolls];
    char p[4096];
    snprintf(p, sizeof p, "%s/%s/syn-%06ld.md", out, coll, i);
    FILE *f = fopen(p, "w");
    if (!f) {
      perror(p);
      return 1;
    }
    fputs("---\ntitle: \"", f);
    S_put_words(f, S_range(3, 9), 1);
    fprintf(f, "\"\nslug: syn-%06ld\nurl: \"https://help.example.com/%s/syn-%06ld\"\n", i, coll, i);
    fprintf(f, "collection: %s\ntags: [", coll);
    int nt = S_range(2, 4);
    for (int t = 0; t < nt; t++) {
      if (t) fputs(", ", f);
      S_put_words(f, S_range(1, 2), 0);
    }
    fputs("]\n", f);
    int np = S_range(0, 3);
    if (np) {
      fputs("phrases:\n", f);
      for (int k = 0; k < np; k++) {
        fputs("  - \"", f);
        S_put_words(f, S_range(4, 8), 0);
        fputs("\"\n", f);
      }
    }
    fputs("---\n\n", f);
    /* log-normal around 300 words */
    double z = sqrt(-2 * log(S_unit() + 1e-12)) * cos(2 * M_PI * S_unit());
    int words = (int)(300 * exp(0.6 * z));
    if (words < 80) words = 80;
    if (words > 1500) words = 1500;
    total += words;
    S_put_body(f, words);
    if (fclose(f) != 0) {
      perror(p);
      return 1;
    }
  }
  fprintf(stderr, "gen_kb: %ld articles in %d collections, %ld body words (%d distinct words drawn from)\n",
          n, S_ncolls, total, S_nwords);
  return 0;
}
