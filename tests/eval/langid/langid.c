/*
 * langid.c - measures language detectors on labelled tweets: the
 * product's (kb_mention: function words and the index's vocabulary),
 * CLD2 (libcld2) and libexttextcat, each over every language and
 * restricted to the index's languages (none of them found: the default,
 * English, as kb_mention's ties). A measurement for
 * docs/languages.md, built by `make langid` (needs libcld2-dev and
 * libexttextcat-dev, which the product does not use).
 *
 *   langid INDEX LANG=FILE.tsv...   (FILE: id<TAB>text<TAB>...; notes in
 *                                    column 5; "anglicism"/"english" mark
 *                                    a mixed tweet)
 */
#include <libexttextcat/textcat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_mention.h"
#include "kb_search.h"
#include "kb_util.h"

const char *langid_cld2(const char *text, int n, const char *const *only, int nonly, int *reliable);

enum { D_KB, D_CLD2, D_CLD2_4, D_TC, D_TC_4, ND };
static const char *const S_names[ND] = {"kb_mention (today)", "CLD2, any language", "CLD2, the index's 4",
                                        "exttextcat, any", "exttextcat, the index's 4"};
static const char *const S_four[] = {"en", "fr", "de", "es"};

typedef struct {
  int n, nmixed, ok[ND], okmixed[ND];
} S_tally;

/* exttextcat's first answer "[fr--utf8][...]" as "fr"; "?" for UNKNOWN or SHORT. */
static void S_tc(void *h, const char *t, char out[8]) {
  const char *r = textcat_Classify(h, t, strlen(t));
  if (!r || r[0] != '[') {
    snprintf(out, 8, "?");
    return;
  }
  size_t n = strcspn(r + 1, "-]");
  snprintf(out, 8, "%.*s", (int)(n < 7 ? n : 7), r + 1);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: langid INDEX LANG=FILE.tsv...\n");
    return 2;
  }
  char err[256];
  kb_index *ix = kb_index_open(argv[1], err, sizeof err);
  if (!ix) {
    fprintf(stderr, "langid: %s\n", err);
    return 1;
  }
  /* every model exttextcat ships, and one of our four only */
  void *tc = special_textcat_Init("/usr/share/libexttextcat/fpdb.conf", "/usr/share/libexttextcat/");
  FILE *cf = fopen("/tmp/langid-fpdb4.conf", "w");
  if (!tc || !cf) {
    fprintf(stderr, "langid: cannot read libexttextcat's models\n");
    return 1;
  }
  fputs("en.lm en--utf8\nfr.lm fr--utf8\nde.lm de--utf8\nes.lm es--utf8\n", cf);
  fclose(cf);
  void *tc4 = special_textcat_Init("/tmp/langid-fpdb4.conf", "/usr/share/libexttextcat/");
  S_tally all = {0};
  printf("%-6s %5s", "set", "n");
  for (int d = 0; d < ND; d++) printf(" | %-26s", S_names[d]);
  printf("\n");
  for (int a = 2; a < argc; a++) {
    char *eq = strchr(argv[a], '=');
    if (!eq) continue;
    *eq = 0;
    const char *want = argv[a], *path = eq + 1;
    size_t nb;
    char *data = kb_read_file(path, 16 << 20, &nb), *save = NULL;
    if (!data) {
      fprintf(stderr, "langid: cannot read %s\n", path);
      return 1;
    }
    S_tally t = {0};
    int line = 0;
    for (char *ln = strtok_r(data, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
      if (line++ == 0 || !*ln) continue; /* the header */
      char *f[5] = {0};
      int nf = 0;
      for (char *p = ln; p && nf < 5; nf++) {
        f[nf] = p;
        p = strchr(p, '\t');
        if (p) *p++ = 0;
      }
      if (nf < 2) continue;
      int mixed = f[4] && (strstr(f[4], "anglicism") || strstr(f[4], "english"));
      char got[ND][8];
      kb_mention_opts mo = {0};
      kb_mention *m = kb_mention_new(ix, NULL, f[1], strlen(f[1]), &mo, err, sizeof err);
      snprintf(got[D_KB], 8, "%s", m ? kb_mention_lang(m) : "?");
      kb_mention_free(m);
      int rel;
      const char *c = langid_cld2(f[1], (int)strlen(f[1]), NULL, 0, &rel);
      snprintf(got[D_CLD2], 8, "%s", c ? c : "?");
      /* restricted to the index's languages, a detector that finds none of
       * them answers the default language, as kb_mention does on a tie */
      c = langid_cld2(f[1], (int)strlen(f[1]), S_four, 4, &rel);
      snprintf(got[D_CLD2_4], 8, "%s", c ? c : "en");
      S_tc(tc, f[1], got[D_TC]);
      S_tc(tc4, f[1], got[D_TC_4]);
      if (!strcmp(got[D_TC_4], "?")) snprintf(got[D_TC_4], 8, "en");
      t.n++;
      t.nmixed += mixed;
      for (int d = 0; d < ND; d++) {
        int ok = !strcmp(got[d], want);
        t.ok[d] += ok;
        if (mixed) t.okmixed[d] += ok;
      }
      if (getenv("LANGID_SHOW") && strcmp(got[D_KB], want))
        printf("  miss %s: kb %s cld2 %s tc %s: %s\n", f[0], got[D_KB], got[D_CLD2_4], got[D_TC_4], f[1]);
    }
    free(data);
    printf("%-6s %5d", want, t.n);
    for (int d = 0; d < ND; d++) printf(" | %-26.3f", (double)t.ok[d] / t.n);
    printf("\n");
    if (t.nmixed) {
      printf("%-6s %5d", "mixed", t.nmixed);
      for (int d = 0; d < ND; d++) printf(" | %-26.3f", (double)t.okmixed[d] / t.nmixed);
      printf("\n");
    }
    all.n += t.n;
    all.nmixed += t.nmixed;
    for (int d = 0; d < ND; d++) all.ok[d] += t.ok[d], all.okmixed[d] += t.okmixed[d];
  }
  printf("%-6s %5d", "all", all.n);
  for (int d = 0; d < ND; d++) printf(" | %-26.3f", (double)all.ok[d] / all.n);
  printf("\n%-6s %5d", "mixed", all.nmixed);
  for (int d = 0; d < ND; d++) printf(" | %-26.3f", all.nmixed ? (double)all.okmixed[d] / all.nmixed : 0.0);
  printf("\n");
  textcat_Done(tc);
  textcat_Done(tc4);
  kb_index_close(ix);
  return 0;
}
