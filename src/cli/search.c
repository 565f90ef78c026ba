/*
 * kb-search - what would a mention find? Searches an index from the shell.
 *
 *   kb-search [-c COLLECTION] [-n LIMIT] INDEX "query text"
 *
 * Prints the top articles with their scores, best first, so the knowledge
 * team can try phrasings without starting the server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_search.h"

static void S_usage(FILE *f) {
  fputs("usage: kb-search [-c COLLECTION] [-n LIMIT] INDEX \"query text\"\n"
        "\n"
        "Prints the articles a query finds, best first: score, collection/slug, title.\n"
        "  -c, --collection C  only articles of collection C\n"
        "  -n, --limit N       how many (1-100, default 5)\n"
        "  -h, --help          this help\n",
        f);
}

int main(int argc, char **argv) {
  const char *index = NULL, *query = NULL, *coll = NULL;
  int limit = 5;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if ((!strcmp(a, "-c") || !strcmp(a, "--collection")) && i + 1 < argc) coll = argv[++i];
    else if ((!strcmp(a, "-n") || !strcmp(a, "--limit")) && i + 1 < argc) limit = atoi(argv[++i]);
    else if (!strcmp(a, "-h") || !strcmp(a, "--help")) { S_usage(stdout); return 0; }
    else if (a[0] == '-' && a[1]) { S_usage(stderr); return 64; }
    else if (!index) index = a;
    else if (!query) query = a;
    else { S_usage(stderr); return 64; }
  }
  if (!index || !query || limit < 1 || limit > 100) {
    S_usage(stderr);
    return 64;
  }
  char err[512];
  kb_index *ix = kb_index_open(index, err, sizeof err);
  if (!ix) {
    fprintf(stderr, "kb-search: %s\n", err);
    return 1;
  }
  kb_search_opts o = {.collection = coll,
                      .kinds = KB_KIND_ARTICLE | KB_KIND_STORE | KB_KIND_OFFTOPIC, .limit = limit,
                      .count_total = 1};
  kb_results r;
  int rc = kb_index_search(ix, query, strlen(query), &o, &r, err, sizeof err);
  if (rc != KB_SEARCH_OK) {
    fprintf(stderr, "kb-search: %s\n", err);
    kb_index_close(ix);
    return 1;
  }
  if (r.n == 0) printf("no articles match (%d terms after analysis)\n", r.nterms);
  for (int i = 0; i < r.n; i++)
    printf("%2d. %7.3f  %s/%s  %s\n", i + 1, r.hits[i].score, r.hits[i].collection,
           r.hits[i].slug, r.hits[i].title);
  if (r.n) printf("(%d of %d matching)\n", r.n, r.total);
  kb_results_free(&r);
  kb_index_close(ix);
  return 0;
}
