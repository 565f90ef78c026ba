/*
 * kb-report - the knowledge team's reports as text, for a daily e-mail.
 *
 *   kb-report --index INDEX --data DIR [--days N] [--lang L] [--json REPORT]
 *
 * Reads the server's data directory (feedback and event log) and the
 * index; prints every report as text, or one as JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_report.h"
#include "kb_search.h"
#include "kb_site.h"

static void S_usage(FILE *f) {
  fputs("usage: kb-report --index INDEX --data DIR [--days N] [--lang L] [--json REPORT]\n"
        "\n"
        "Prints the knowledge team's reports from the server's data directory:\n"
        "unanswered mentions by their most telling word, most-sent and never-sent\n"
        "articles, public searches with no results, public searches no article\n"
        "fits (with what they showed first), \"did this help?\" answers, and\n"
        "every language's figures side by side.\n"
        "  --days N       only the last N days (default 1; 0 for all time)\n"
        "  --lang L       one language's figures (fr, de...): its mentions, actions,\n"
        "                 answers and searches only, and the report in its words\n"
        "  --json REPORT  one report as JSON: unanswered, most-sent, never-sent,\n"
        "                 no-results, no-fit, helpful, languages\n"
        "Example for a daily e-mail:\n"
        "  kb-report --index kb.sqlite --data /var/lib/kb/data | mail -s 'KB report' team@example.co.uk\n",
        f);
}

/* The reader's words: the index's ui.tsv texts of --lang (kb_report_words). */
typedef struct {
  kb_site *site;
  const char *lang;
} S_words_arg;

static const char *S_words(void *arg, const char *key) {
  S_words_arg *w = arg;
  char k[96];
  snprintf(k, sizeof k, "ui.%s", key);
  return w->site ? kb_site_get(w->site, NULL, w->lang, k) : NULL;
}

int main(int argc, char **argv) {
  const char *index = NULL, *data = NULL, *json = NULL, *lang = NULL;
  int days = 1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) { S_usage(stdout); return 0; }
    else if (v && !strcmp(a, "--index")) { index = v; i++; }
    else if (v && !strcmp(a, "--data")) { data = v; i++; }
    else if (v && !strcmp(a, "--days")) { days = atoi(v); i++; }
    else if (v && !strcmp(a, "--json")) { json = v; i++; }
    else if (v && !strcmp(a, "--lang")) { lang = v; i++; }
    else { S_usage(stderr); return 64; }
  }
  if (!index || !data || days < 0) {
    S_usage(stderr);
    return 64;
  }
  char err[512];
  kb_index *ix = kb_index_open(index, err, sizeof err);
  if (!ix) {
    fprintf(stderr, "kb-report: %s\n", err);
    return 1;
  }
  if (lang && kb_index_lang_find(ix, lang) < 0) {
    fprintf(stderr, "kb-report: --lang %s: not a language of %s (%s)\n", lang, index,
            kb_index_meta(ix, "languages"));
    kb_index_close(ix);
    return 64;
  }
  char *db = kb_fmt("%s/feedback.sqlite", data);
  kb_buf out = KB_BUF_INIT;
  /* the text in --lang's words (the JSON's names are the API's) */
  S_words_arg wa = {lang ? kb_site_load(index, err, sizeof err) : NULL, lang};
  int rc = json ? kb_report_json(ix, db, json, days, lang, &out, err, sizeof err)
                : kb_report_text_in(ix, db, days, lang, wa.site ? S_words : NULL, &wa, &out, err, sizeof err);
  kb_site_free(wa.site);
  if (rc == 0) {
    fputs(kb_buf_str(&out), stdout);
    if (json) fputc('\n', stdout);
  } else {
    fprintf(stderr, "kb-report: %s\n", err);
  }
  kb_buf_cleanup(&out);
  free(db);
  kb_index_close(ix);
  return rc == 0 ? 0 : 1;
}
