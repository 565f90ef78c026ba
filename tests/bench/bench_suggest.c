/*
 * bench_suggest.c - in-process timing of the search that POST
 * /api/v1/suggest runs, plus two small helpers for tests/bench/run.sh.
 *
 *   bench_suggest search [-F] [-r ROUNDS] [-w WARMUP] NAME INDEX QUERIES ...
 *   bench_suggest bodies JSONL OUT
 *   bench_suggest agree NAME INDEX QUERIES
 *   bench_suggest port
 *   bench_suggest learn [-r ROUNDS] [-w WARMUP] [-s SEED] N INDEX QUERIES STORE
 *   bench_suggest stores [-r ROUNDS] [-w WARMUP] INDEX QUERIES STORE...
 *
 * search opens INDEX, loads the query lines of QUERIES, runs every query
 * WARMUP times untimed, then ROUNDS times timed, one clock_gettime
 * (CLOCK_MONOTONIC) pair around each search as kb_suggest() runs it
 * without feedback (S_search() below: kb_index_search() for six hits,
 * kb_results_snippets() for three, kb_results_free()). It prints one table row per NAME INDEX QUERIES triple:
 * percentiles of the single-query times in microseconds and queries per
 * second over the whole timed loop (one thread). QUERIES is either
 *   a .tsv with a header line and the query text in column 2 (collection:
 *     all), like ../shared/eval/cpw-dev.tsv, or
 *   a .jsonl of objects with "text" and "collection" (search restricted to
 *     that collection), like ../shared/eval/cdp/dev.jsonl.
 *
 * bodies turns such a .jsonl into suggest request bodies, one JSON object
 * per line ({"text", "collection", "limit": 3}; cJSON escapes newlines), for
 * tests/bench/suggest.lua. port prints a free TCP port on 127.0.0.1 (for
 * the nginx floor; the port is released again, so it is only very likely
 * still free when nginx binds it).
 *
 * learn fills the feedback store STORE (SQLite, created when missing) up
 * to N learned mentions made from QUERIES (a .jsonl with "expect"): each
 * is the first part of one line's words and the rest of another's in the
 * same collection, cut at a random word in the middle half of each, sent
 * for the first one's article, so the learned vocabulary is real and the
 * mentions vary as much as two real tweets recombined can. The rows are
 * loaded raw (kb_feedback_load_rows(), 5,000 a transaction) and learned
 * once at the end (kb_feedback_relearn(): the state storing them one by
 * one would leave, test_feedback's test_relearn_same_as_put), so a
 * million take minutes, not the hour row by row took. It then times
 * the suggest with that store (kb_suggest() with .feedback) over QUERIES,
 * one table row named N, as search does.
 *
 * stores times the suggest with each STORE (filled by learn, or a
 * replica's mirror.sqlite) over QUERIES, interleaved query by query (see
 * S_cmd_stores), one row per store named by its number of mentions: the
 * ratio of two stores' times measured on a busy machine.
 *
 * Exit status: 0 ok, 1 a file or index could not be used, 64 usage.
 */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kb_fts.h"
#include "kb_search.h"
#include "kb_suggest.h"
#include "kb_util.h"

#define S_MAX_QUERIES_FILE (64u << 20) /* a query file is at most 64 MB */


static unsigned S_ablate; /* -F: KB_ABLATE_MEMORY, every search through FTS5 */
static kb_feedback *S_fb; /* learn: the store the suggest learns from */
/* One query: its text and the collection it is restricted to. */
typedef struct {
  char *text;
  size_t n;          /* bytes of text */
  char *collection;  /* NULL: all collections */
} S_query;

typedef struct {
  S_query *a;
  int n, cap;
} S_queries;

static void S_usage(FILE *f) {
  fputs("usage: bench_suggest search [-F] [-r ROUNDS] [-w WARMUP] NAME INDEX QUERIES ...\n"
        "       bench_suggest bodies JSONL OUT\n"
        "       bench_suggest paths [--typed] PREFIX QUERIES OUT\n"
        "       bench_suggest agree NAME INDEX QUERIES\n"
        "       bench_suggest port\n"
        "       bench_suggest learn [-r ROUNDS] [-w WARMUP] [-s SEED] N INDEX QUERIES STORE\n"
        "       bench_suggest stores [-r ROUNDS] [-w WARMUP] INDEX QUERIES STORE...\n"
        "\n"
        "search   times kb_suggest() as the server calls it (no HTTP), per query, and\n"
        "         prints p50/p90/p99/max in microseconds and queries/s, and\n"
        "         best_us, each query's fastest round averaged; QUERIES is\n"
        "         a .tsv (text in column 2) or a .jsonl ({\"text\", \"collection\"})\n"
        "         -r ROUNDS timed passes over the queries (default 20)\n"
        "         -w WARMUP untimed passes first (default 2)\n"
        "         -F        every search through FTS5, none through the postings\n"
        "                   held in memory (kb_postings.h)\n"
        "bodies   writes one suggest request body per line from a .jsonl or .tsv\n"
        "paths    writes one request path per query: PREFIX and the query\n"
        "         URL-encoded (?q=... routes); --typed: every prefix of it as a\n"
        "         person types it (2 characters and more), search as you type\n"
        "agree    how often candidate pruning changes the first hit or the top\n"
        "         three (searched with and without it)\n"
        "port     prints a free TCP port on 127.0.0.1\n"
        "learn    fills the feedback store STORE up to N learned mentions recombined\n"
        "         from QUERIES (.jsonl with \"expect\"), then times kb_suggest() with it\n"
        "stores   times kb_suggest() with each STORE, interleaved query by query\n",
        f);
}

/*--- Loading queries -----------------------------------------------------*/

static void S_queries_add(S_queries *qs, const char *text, size_t n, const char *coll) {
  if (qs->n == qs->cap) {
    qs->cap = qs->cap ? qs->cap * 2 : 256;
    qs->a = kb_xrealloc(qs->a, (size_t)qs->cap * sizeof *qs->a);
  }
  S_query *q = &qs->a[qs->n++];
  q->text = kb_xstrndup(text, n);
  q->n = n;
  q->collection = coll ? kb_xstrdup(coll) : NULL;
}

static void S_queries_free(S_queries *qs) {
  for (int i = 0; i < qs->n; i++) {
    free(qs->a[i].text);
    free(qs->a[i].collection);
  }
  free(qs->a);
  memset(qs, 0, sizeof *qs);
}

static int S_ends_with(const char *s, const char *suffix) {
  size_t ns = strlen(s), nx = strlen(suffix);
  return ns >= nx && !strcmp(s + ns - nx, suffix);
}

/* Column 2 of each line after the header. */
static void S_load_tsv(char *z, S_queries *qs) {
  int first = 1;
  for (char *line = strtok(z, "\n"); line; line = strtok(NULL, "\n"), first = 0) {
    if (first) continue; /* header: id, text, expect, ... */
    char *tab = strchr(line, '\t');
    if (!tab) continue;
    char *text = tab + 1;
    char *end = strchr(text, '\t');
    size_t n = end ? (size_t)(end - text) : strcspn(text, "\r");
    if (n) S_queries_add(qs, text, n, NULL);
  }
}

/* "text" and "collection" of each JSON line; returns -1 on a bad line. */
static int S_load_jsonl(char *z, const char *path, S_queries *qs) {
  int lineno = 0;
  for (char *line = strtok(z, "\n"); line; line = strtok(NULL, "\n")) {
    lineno++;
    if (strspn(line, " \t\r") == strlen(line)) continue;
    cJSON *j = cJSON_Parse(line);
    cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "text");
    cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "collection");
    if (!cJSON_IsString(t)) {
      fprintf(stderr, "bench_suggest: %s: line %d has no \"text\" string\n", path, lineno);
      cJSON_Delete(j);
      return -1;
    }
    S_queries_add(qs, t->valuestring, strlen(t->valuestring),
                  cJSON_IsString(c) ? c->valuestring : NULL);
    cJSON_Delete(j);
  }
  return 0;
}

/* Loads a .tsv or .jsonl query file; returns 0, or -1 with a message. */
static int S_load(const char *path, S_queries *qs) {
  size_t n;
  char *z = kb_read_file(path, S_MAX_QUERIES_FILE, &n);
  if (!z) {
    perror(path);
    return -1;
  }
  int rc = 0;
  if (S_ends_with(path, ".jsonl")) rc = S_load_jsonl(z, path, qs);
  else S_load_tsv(z, qs);
  free(z);
  if (rc == 0 && qs->n == 0) {
    fprintf(stderr, "bench_suggest: %s: no queries\n", path);
    rc = -1;
  }
  return rc;
}

/*--- Timing --------------------------------------------------------------*/

static double S_us(const struct timespec *a, const struct timespec *b) {
  return (double)(b->tv_sec - a->tv_sec) * 1e6 + (double)(b->tv_nsec - a->tv_nsec) / 1e3;
}

static int S_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Nearest-rank percentile p (0..100] of sorted a[0..n). */
static double S_pct(const double *a, size_t n, double p) {
  size_t k = (size_t)((p / 100.0) * (double)n + 0.999999);
  if (k < 1) k = 1;
  if (k > n) k = n;
  return a[k - 1];
}

/* One suggest as the server runs it, without HTTP: the mention's analysis
 * (its language decided), the search in that language, ranking,
 * confidence and links (kb_suggest(), three suggestions, no feedback, no
 * places); returns the number of suggestions or -1. */
static int S_search(kb_index *ix, const S_query *q) {
  kb_suggest_opts o = {.collection = q->collection, .limit = 3, .public_url = "http://127.0.0.1",
                       .feedback = S_fb};
  kb_suggest_result res;
  char err[256];
  int rc = kb_suggest(ix, NULL, q->text, q->n, &o, &res, err, sizeof err);
  if (rc != KB_SEARCH_OK) {
    fprintf(stderr, "bench_suggest: suggest failed (%d): %s\n", rc, err);
    return -1;
  }
  int hits = res.n;
  kb_suggest_result_free(&res);
  return hits;
}

/* Times one query set and prints its table row; returns 0 or -1. */
static int S_bench_set(const char *name, const char *index, const char *file,
                       int rounds, int warmup) {
  S_queries qs = {0};
  char err[256];
  if (S_load(file, &qs) != 0) return -1;
  kb_index *ix = kb_index_open(index, err, sizeof err);
  if (!ix) {
    fprintf(stderr, "bench_suggest: %s: %s\n", index, err);
    S_queries_free(&qs);
    return -1;
  }
  int nohit = 0, failed = 0;
  for (int w = 0; w < warmup; w++)
    for (int i = 0; i < qs.n; i++) S_search(ix, &qs.a[i]);
  size_t ns = (size_t)qs.n * (size_t)rounds, k = 0;
  double *us = kb_xmalloc(ns * sizeof *us);
  struct timespec t0, t1, a, b;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int r = 0; r < rounds; r++)
    for (int i = 0; i < qs.n; i++) {
      clock_gettime(CLOCK_MONOTONIC, &a);
      int h = S_search(ix, &qs.a[i]);
      clock_gettime(CLOCK_MONOTONIC, &b);
      if (r == 0) {
        nohit += h == 0;
        failed += h < 0;
      }
      us[k++] = S_us(&a, &b);
    }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double total = S_us(&t0, &t1), sum = 0, best = 0;
  for (size_t i = 0; i < ns; i++) sum += us[i];
  /* each query's fastest round, averaged: what a query costs when nothing
   * else ran beside it (on a shared machine the mean moves by 15 % from
   * run to run, this by a few) */
  for (int i = 0; i < qs.n; i++) {
    double m = us[i];
    for (int r = 1; r < rounds; r++)
      if (us[(size_t)r * (size_t)qs.n + (size_t)i] < m) m = us[(size_t)r * (size_t)qs.n + (size_t)i];
    best += m;
  }
  qsort(us, ns, sizeof *us, S_cmp_double);
  printf("%-10s %7d %6d %9.1f %9.1f %9.1f %9.1f %9.1f %10.0f %6d %9.1f\n", name, qs.n, rounds,
         S_pct(us, ns, 50), S_pct(us, ns, 90), S_pct(us, ns, 99), us[ns - 1],
         sum / (double)ns, total > 0 ? (double)ns * 1e6 / total : 0.0, nohit,
         qs.n > 0 ? best / qs.n : 0.0);
  if (failed) fprintf(stderr, "bench_suggest: %s: %d queries failed\n", name, failed);
  free(us);
  kb_index_close(ix);
  S_queries_free(&qs);
  return failed ? -1 : 0;
}

static int S_cmd_search(int argc, char **argv) {
  int rounds = 20, warmup = 2, i = 0;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (!strcmp(argv[i], "-F")) S_ablate = KB_ABLATE_MEMORY; /* all through FTS5 */
    else if (!strcmp(argv[i], "-r") && i + 1 < argc) rounds = atoi(argv[++i]);
    else if (!strcmp(argv[i], "-w") && i + 1 < argc) warmup = atoi(argv[++i]);
    else break;
  }
  if (rounds < 1 || warmup < 0 || argc - i < 3 || (argc - i) % 3) {
    S_usage(stderr);
    return 64;
  }
  printf("%-10s %7s %6s %9s %9s %9s %9s %9s %10s %6s %9s\n", "set", "queries", "rounds",
         "p50_us", "p90_us", "p99_us", "max_us", "mean_us", "queries/s", "nohit", "best_us");
  fflush(stdout);
  int rc = 0;
  for (; i < argc; i += 3) {
    if (S_bench_set(argv[i], argv[i + 1], argv[i + 2], rounds, warmup) != 0) rc = 1;
    fflush(stdout);
  }
  return rc;
}

/*--- Pruning agreement ---------------------------------------------------*/

/* The first three ids suggest would show for q; returns how many. */
static int S_top3(kb_index *ix, const S_query *q, int64_t *ids, unsigned ablate) {
  kb_search_opts o = {.collection = q->collection, .kinds = KB_KIND_ARTICLE | KB_KIND_OFFTOPIC,
                      .limit = 3, .snippets_later = 1, .ablate = ablate};
  kb_results res;
  char err[256];
  if (kb_index_search(ix, q->text, q->n, &o, &res, err, sizeof err) != KB_SEARCH_OK) return 0;
  int n = res.n < 3 ? res.n : 3;
  for (int k = 0; k < n; k++) ids[k] = res.hits[k].id;
  kb_results_free(&res);
  return n;
}

/* How often candidate pruning (kb_search.c) changes what a query shows:
 * the first hit, and the top three as a set, with and without it. */
static int S_cmd_agree(int argc, char **argv) {
  if (argc != 3) {
    S_usage(stderr);
    return 64;
  }
  S_queries qs = {0};
  if (S_load(argv[2], &qs) != 0) return 1;
  char err[256];
  kb_index *ix = kb_index_open(argv[1], err, sizeof err);
  if (!ix) {
    fprintf(stderr, "bench_suggest: %s\n", err);
    S_queries_free(&qs);
    return 1;
  }
  int same1 = 0, same3 = 0, shown = 0;
  for (int i = 0; i < qs.n; i++) {
    int64_t a[3], b[3];
    int na = S_top3(ix, &qs.a[i], a, 0);
    int nb = S_top3(ix, &qs.a[i], b, KB_ABLATE_PRUNING);
    if (!na && !nb) continue;
    shown++;
    if (na && nb && a[0] == b[0]) same1++;
    int common = 0;
    for (int x = 0; x < na; x++)
      for (int y = 0; y < nb; y++) common += a[x] == b[y];
    if (common == na && na == nb) same3++;
  }
  printf("%-10s pruning agreement over %d queries with hits: same first hit %d (%.1f%%),"
         " same top three %d (%.1f%%)\n", argv[0], shown, same1,
         shown ? 100.0 * same1 / shown : 0, same3, shown ? 100.0 * same3 / shown : 0);
  kb_index_close(ix);
  S_queries_free(&qs);
  return 0;
}

/*--- Helpers for run.sh --------------------------------------------------*/

/* Writes {"text", "collection", "limit": 3} per query of a .jsonl. */
static int S_cmd_bodies(int argc, char **argv) {
  if (argc != 2) {
    S_usage(stderr);
    return 64;
  }
  S_queries qs = {0};
  if (S_load(argv[0], &qs) != 0) return 1;
  FILE *f = fopen(argv[1], "w");
  if (!f) {
    perror(argv[1]);
    S_queries_free(&qs);
    return 1;
  }
  for (int i = 0; i < qs.n; i++) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "text", qs.a[i].text);
    if (qs.a[i].collection) cJSON_AddStringToObject(o, "collection", qs.a[i].collection);
    cJSON_AddNumberToObject(o, "limit", 3);
    char *s = cJSON_PrintUnformatted(o);
    fprintf(f, "%s\n", s);
    cJSON_free(s);
    cJSON_Delete(o);
  }
  int rc = fclose(f) == 0 ? 0 : 1;
  if (rc) perror(argv[1]);
  S_queries_free(&qs);
  return rc;
}

/* Writes PREFIX + the URL-encoded query, one path a line; with --typed,
 * every prefix of each query from its second character on, as search as
 * you type sends them (whole UTF-8 characters only). */
static int S_cmd_paths(int argc, char **argv) {
  int typed = argc > 0 && !strcmp(argv[0], "--typed");
  if (typed) argc--, argv++;
  if (argc != 3) {
    S_usage(stderr);
    return 64;
  }
  S_queries qs = {0};
  if (S_load(argv[1], &qs) != 0) return 1;
  FILE *f = fopen(argv[2], "w");
  if (!f) {
    perror(argv[2]);
    S_queries_free(&qs);
    return 1;
  }
  kb_buf b = KB_BUF_INIT;
  for (int i = 0; i < qs.n; i++) {
    const char *t = qs.a[i].text;
    size_t n = qs.a[i].n;
    for (size_t end = typed ? 2 : n; end <= n; end++) {
      if (end < n && ((unsigned char)t[end] & 0xC0) == 0x80) continue; /* inside a character */
      char *part = kb_xstrndup(t, end);
      kb_buf_clear(&b);
      kb_buf_puts(&b, argv[0]);
      kb_buf_put_query(&b, part, 0);
      fprintf(f, "%s\n", kb_buf_str(&b));
      free(part);
    }
  }
  kb_buf_cleanup(&b);
  int rc = fclose(f) == 0 ? 0 : 1;
  if (rc) perror(argv[2]);
  S_queries_free(&qs);
  return rc;
}

/* Binds 127.0.0.1:0 and prints the port the kernel chose. */
static int S_cmd_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {0};
  socklen_t n = sizeof sa;
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
      getsockname(fd, (struct sockaddr *)&sa, &n) != 0) {
    perror("bench_suggest: port");
    if (fd >= 0) close(fd);
    return 1;
  }
  printf("%d\n", ntohs(sa.sin_port));
  close(fd);
  return 0;
}

/* The "expect" of each line of a .jsonl (NULL where none), in order. */
static char **S_expects(const char *path, int n) {
  size_t len;
  char *z = kb_read_file(path, S_MAX_QUERIES_FILE, &len);
  char **v = kb_xcalloc((size_t)n + 1, sizeof *v);
  int k = 0;
  for (char *line = z ? strtok(z, "\n") : NULL; line && k < n; line = strtok(NULL, "\n")) {
    if (strspn(line, " \t\r") == strlen(line)) continue;
    cJSON *j = cJSON_Parse(line);
    cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "expect");
    v[k++] = cJSON_IsString(e) ? kb_xstrdup(e->valuestring) : NULL;
    cJSON_Delete(j);
  }
  free(z);
  return v;
}

/* Part of text's words, cut at a random word of the middle half: the
 * words before the cut (first 1) or from it on, into b. */
static void S_part(const char *text, int first, kb_buf *b) {
  int words = 0, k = 0;
  for (const char *p = text; *p; p++) words += (p == text || p[-1] == ' ' || p[-1] == '\n') && *p != ' ';
  int cut = words / 4 + rand() % (words / 2 + 1);
  for (const char *p = text; *p; p++) {
    if ((p == text || p[-1] == ' ' || p[-1] == '\n') && *p != ' ') k++;
    if ((first && k <= cut) || (!first && k > cut)) kb_buf_putc(b, *p == '\n' ? ' ' : *p);
  }
}

static double S_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Fills S_fb up to n learned mentions from qs; 0 or -1. */
static int S_fill(const S_queries *qs, char **expect, long long n, unsigned seed) {
  char err[256];
  long long have = kb_feedback_count(S_fb);
  int added = 0;
  double t0 = S_now();
  kb_feedback_row rows[5000];
  kb_buf texts[5000];
  for (int i = 0; i < 5000; i++) texts[i] = (kb_buf)KB_BUF_INIT;
  srand(seed);
  while (have < n) {
    int m = 0;
    for (; m < 5000 && have + m < n; m++) {
      int a = rand() % qs->n, b = rand() % qs->n;
      for (int t = 0; t < 50 && qs->a[b].collection && qs->a[a].collection &&
                      strcmp(qs->a[a].collection, qs->a[b].collection); t++) b = rand() % qs->n;
      texts[m].n = 0;
      S_part(qs->a[a].text, 1, &texts[m]);
      kb_buf_putc(&texts[m], ' ');
      S_part(qs->a[b].text, 0, &texts[m]);
      rows[m] = (kb_feedback_row){.text = kb_buf_str(&texts[m]), .collection = qs->a[a].collection,
                                  .slug = expect[a] ? expect[a] : "none", .action = "sent"};
    }
    if (kb_feedback_load_rows(S_fb, rows, m, err, sizeof err) != KB_FEEDBACK_OK) {
      fprintf(stderr, "bench_suggest: learn: %s\n", err);
      return -1;
    }
    have += m;
    added = 1;
  }
  for (int i = 0; i < 5000; i++) kb_buf_cleanup(&texts[i]);
  if (added && kb_feedback_relearn(S_fb, err, sizeof err) != KB_FEEDBACK_OK) {
    fprintf(stderr, "bench_suggest: learn: %s\n", err);
    return -1;
  }
  fprintf(stderr, "bench_suggest: %lld mentions in the store (%s, %.1f s)\n", have,
          added ? "loaded and relearned" : "as found", S_now() - t0);
  return 0;
}

static int S_cmd_learn(int argc, char **argv) {
  int rounds = 5, warmup = 1, i = 0;
  unsigned seed = 21;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (!strcmp(argv[i], "-r") && i + 1 < argc) rounds = atoi(argv[++i]);
    else if (!strcmp(argv[i], "-w") && i + 1 < argc) warmup = atoi(argv[++i]);
    else if (!strcmp(argv[i], "-s") && i + 1 < argc) seed = (unsigned)atoi(argv[++i]);
    else break;
  }
  if (argc - i != 4) {
    S_usage(stderr);
    return 64;
  }
  long long n = atoll(argv[i]);
  S_queries qs = {0};
  char err[256];
  if (S_load(argv[i + 2], &qs) != 0 || qs.n == 0) return 1;
  kb_lang *words = kb_lang_open_index(argv[i + 1], err, sizeof err);
  S_fb = kb_feedback_open_lang(argv[i + 3], words, err, sizeof err);
  kb_lang_free(words);
  if (!S_fb) {
    fprintf(stderr, "bench_suggest: %s\n", err);
    S_queries_free(&qs);
    return 1;
  }
  char **expect = S_expects(argv[i + 2], qs.n);
  int rc = S_fill(&qs, expect, n, seed);
  for (int k = 0; k < qs.n; k++) free(expect[k]);
  free(expect);
  S_queries_free(&qs);
  if (rc == 0) rc = S_bench_set(argv[i], argv[i + 1], argv[i + 2], rounds, warmup) ? 1 : 0;
  kb_feedback_close(S_fb);
  S_fb = NULL;
  return rc;
}

/* Times the suggest with each of several stores, interleaved: every
 * query runs against each store in turn (the order rotating from query to
 * query), so a change in the machine's load during the run falls on every
 * store alike and their ratios hold even where the absolute times do not.
 * One row per store, named by its number of stored mentions. */
static int S_cmd_stores(int argc, char **argv) {
  int rounds = 5, warmup = 1, i = 0;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (!strcmp(argv[i], "-r") && i + 1 < argc) rounds = atoi(argv[++i]);
    else if (!strcmp(argv[i], "-w") && i + 1 < argc) warmup = atoi(argv[++i]);
    else break;
  }
  int ns = argc - i - 2;
  if (rounds < 1 || warmup < 0 || ns < 1) {
    S_usage(stderr);
    return 64;
  }
  char err[256];
  S_queries qs = {0};
  if (S_load(argv[i + 1], &qs) != 0 || qs.n == 0) return 1;
  kb_index *ix = kb_index_open(argv[i], err, sizeof err);
  kb_lang *words = ix ? kb_lang_open_index(argv[i], err, sizeof err) : NULL;
  kb_feedback **fb = kb_xcalloc((size_t)ns, sizeof *fb);
  int rc = ix ? 0 : 1;
  for (int k = 0; rc == 0 && k < ns; k++)
    if (!(fb[k] = kb_feedback_open_lang(argv[i + 2 + k], words, err, sizeof err))) rc = 1;
  kb_lang_free(words);
  if (rc) fprintf(stderr, "bench_suggest: %s\n", err);
  size_t per = (size_t)qs.n * (size_t)rounds;
  double *us = kb_xcalloc((size_t)ns * per + 1, sizeof *us);
  for (int r = -warmup; rc == 0 && r < rounds; r++)
    for (int q = 0; rc == 0 && q < qs.n; q++)
      for (int j = 0; rc == 0 && j < ns; j++) {
        int k = (q + j) % ns;
        struct timespec a, b;
        S_fb = fb[k];
        clock_gettime(CLOCK_MONOTONIC, &a);
        if (S_search(ix, &qs.a[q]) < 0) rc = 1;
        clock_gettime(CLOCK_MONOTONIC, &b);
        if (r >= 0) us[(size_t)k * per + (size_t)r * (size_t)qs.n + (size_t)q] = S_us(&a, &b);
      }
  S_fb = NULL;
  if (rc == 0) printf("%-10s %7s %6s %9s %9s %9s %9s %9s %10s %6s\n", "mentions", "queries", "rounds",
                      "p50_us", "p90_us", "p99_us", "max_us", "mean_us", "queries/s", "nohit");
  for (int k = 0; rc == 0 && k < ns; k++) {
    double *v = us + (size_t)k * per, sum = 0;
    for (size_t j = 0; j < per; j++) sum += v[j];
    qsort(v, per, sizeof *v, S_cmp_double);
    char name[32];
    snprintf(name, sizeof name, "%lld", kb_feedback_count(fb[k]));
    printf("%-10s %7d %6d %9.1f %9.1f %9.1f %9.1f %9.1f %10.0f %6d\n", name, qs.n, rounds,
           S_pct(v, per, 50), S_pct(v, per, 90), S_pct(v, per, 99), v[per - 1], sum / (double)per,
           sum > 0 ? (double)per * 1e6 / sum : 0.0, 0);
  }
  for (int k = 0; k < ns; k++) kb_feedback_close(fb[k]);
  free(fb);
  free(us);
  kb_index_close(ix);
  S_queries_free(&qs);
  return rc;
}

int main(int argc, char **argv) {
  kb_fts_global_init(); /* as kb-serve does */
  if (argc >= 2 && !strcmp(argv[1], "learn")) return S_cmd_learn(argc - 2, argv + 2);
  if (argc >= 2 && !strcmp(argv[1], "stores")) return S_cmd_stores(argc - 2, argv + 2);
  if (argc >= 2 && !strcmp(argv[1], "search")) return S_cmd_search(argc - 2, argv + 2);
  if (argc >= 2 && !strcmp(argv[1], "bodies")) return S_cmd_bodies(argc - 2, argv + 2);
  if (argc >= 2 && !strcmp(argv[1], "paths")) return S_cmd_paths(argc - 2, argv + 2);
  if (argc >= 2 && !strcmp(argv[1], "agree")) return S_cmd_agree(argc - 2, argv + 2);
  if (argc == 2 && !strcmp(argv[1], "port")) return S_cmd_port();
  if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
    S_usage(stdout);
    return 0;
  }
  S_usage(stderr);
  return 64;
}
