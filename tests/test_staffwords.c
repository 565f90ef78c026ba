/*
 * test_staffwords.c - the staff's pages (the agent console, sign-in, KB
 * health, the queue, translations, reports) say only words of the page
 * language's ui.tsv.
 *
 * The sample KB is copied with its French ui.tsv "marked": every text
 * wrapped in ⟦ ⟧. Each staff page is rendered in French (/fr/...); with the
 * marked stretches taken out, no text a person reads (text between tags,
 * placeholder, aria-label, title) may keep a letter, except inside elements
 * that show data (links' titles, the mention in its textarea, code, table
 * cells, the footer's contacts from site.yaml, a build message). An English
 * literal left in C, or a key missing from the French file, fails here with
 * the page and the words. The console script's words (#agent-words) must be
 * marked too.
 */
#include "harness.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OPEN "\xE2\x9F\xA6"  /* ⟦ */
#define CLOSE "\xE2\x9F\xA7" /* ⟧ */

static th_server *S_srv;
static char *S_kb, *S_data;

/* Marks every text of dir/lang/fr/ui.tsv but the tag and the plural rule
 * (attribute values and numbers, not words). */
static void S_mark(const char *path) {
  char *in = th_read_file(path, NULL);
  assert_non_null(in);
  size_t cap = strlen(in) * 2 + 64, n = 0;
  char *out = malloc(cap);
  for (char *save = NULL, *l = strtok_r(in, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
    char *tab = strchr(l, '\t');
    int keep = l[0] == '#' || !tab || !strncmp(l, "lang.tag\t", 9) || !strncmp(l, "plural.one\t", 11);
    if (keep) n += (size_t)snprintf(out + n, cap - n, "%s\n", l);
    else n += (size_t)snprintf(out + n, cap - n, "%.*s\t" OPEN "%s" CLOSE "\n", (int)(tab - l), l, tab + 1);
    assert_true(n < cap);
  }
  assert_int_equal(th_write_file(path, out), 0);
  free(out);
  free(in);
}

static int S_setup(void **state) {
  (void)state;
  S_kb = th_tmpdir();
  S_data = th_tmpdir();
  char *cmd = th_fmt("cp -r kb/. %s/", S_kb);
  if (th_run(cmd, NULL) != 0) return -1;
  free(cmd);
  char *ui = th_fmt("%s/lang/fr/ui.tsv", S_kb);
  S_mark(ui);
  free(ui);
  /* --kb: the KB health page shows its build */
  const char *args[] = {"--kb", S_kb, "--data", S_data, NULL};
  S_srv = th_server_start(args);
  return S_srv ? 0 : -1;
}

static int S_teardown(void **state) {
  (void)state;
  th_server_stop(S_srv);
  th_rmtree(S_kb);
  th_rmtree(S_data);
  free(S_kb);
  free(S_data);
  return 0;
}

/* Elements whose content is data, not the page's words. */
static int S_data_element(const char *tag, size_t n, const char *attrs) {
  static const char *const names[] = {"textarea", "code", "blockquote", "td", "time", "script", "title",
                                      "a", "footer", "style"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (strlen(names[i]) == n && !strncmp(tag, names[i], n)) return 1;
  if (n == 2 && !strncmp(tag, "th", 2) && strstr(attrs, "scope=\"row\"")) return 1;
  /* an article's snippet; a build message (the indexer's, file:line) */
  if (strstr(attrs, "class=\"snippet\"") || strstr(attrs, "class=\"msg\"")) return 1;
  /* a brand's name in the console's brand select: an option without value */
  if (n == 6 && !strncmp(tag, "option", 6) && !strstr(attrs, "value=")) return 1;
  return 0;
}

/* Appends to bad what of s (n bytes), with the marks taken out, has a
 * letter. */
static void S_check_text(const char *s, size_t n, const char *where, char **bad) {
  for (size_t i = 0; i < n; i++) {
    if (isalpha((unsigned char)s[i])) {
      size_t a = i, e = i;
      while (e < n && s[e] != '<' && s[e] != '"') e++;
      char *old = *bad;
      *bad = th_fmt("%s%s (%s): \"%.*s\"\n", old ? old : "", where, "unmarked", (int)(e - a), s + a);
      free(old);
      return;
    }
  }
}

/* The page's words not from ui.tsv, one a line, or NULL. */
static char *S_unmarked(const char *page, const char *html) {
  /* take the marked stretches out; a value in a text may be a marked
   * text itself (a language's name in a sentence): nested */
  size_t len = strlen(html);
  char *t = malloc(len + 1), *o = t;
  int depth = 0;
  for (const char *p = html; *p;) {
    if (!strncmp(p, OPEN, 3)) depth++, p += 3;
    else if (!strncmp(p, CLOSE, 3) && depth > 0) depth--, p += 3;
    else if (depth) p++;
    else *o++ = *p++;
  }
  *o = 0;
  char *bad = NULL;
  int skip = 0;               /* inside a data element: its depth */
  char skiptag[16] = "";
  for (const char *p = t; *p;) {
    if (*p == '<') {
      const char *e = strchr(p, '>');
      if (!e) break;
      int closing = p[1] == '/';
      const char *tag = p + 1 + closing;
      size_t tn = strcspn(tag, " >/");
      char attrs[1024];
      snprintf(attrs, sizeof attrs, "%.*s", (int)(e - p), p);
      if (!skip && !closing) {
        /* read attributes */
        static const char *const shown[] = {"placeholder=\"", "aria-label=\"", "title=\""};
        for (int k = 0; k < 3; k++) {
          const char *v = strstr(attrs, shown[k]);
          if (v) {
            v += strlen(shown[k]);
            S_check_text(v, strcspn(v, "\""), page, &bad);
          }
        }
        if (S_data_element(tag, tn, attrs) && tn < sizeof skiptag && attrs[strlen(attrs) - 1] != '/') {
          skip = 1;
          snprintf(skiptag, sizeof skiptag, "%.*s", (int)tn, tag);
        }
      } else if (skip) {
        if (strlen(skiptag) == tn && !strncmp(tag, skiptag, tn)) skip += closing ? -1 : 1;
      }
      p = e + 1;
      continue;
    }
    const char *e = strchr(p, '<');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (!skip) S_check_text(p, n, page, &bad);
    p += n;
  }
  free(t);
  return bad;
}

static char *S_get(const char *path, long want) {
  const char *h[] = {"Accept-Encoding: identity", NULL};
  th_resp r;
  assert_int_equal(th_http(S_srv, "GET", path, NULL, 0, h, &r), 0);
  if (r.status != want) print_error("%s: %ld\n", path, r.status);
  assert_int_equal(r.status, want);
  char *b = strdup(r.body ? r.body : "");
  th_resp_free(&r);
  return b;
}

static void S_post(const char *path, const char *body, long *status, char **html) {
  const char *h[] = {"Content-Type: application/x-www-form-urlencoded", "Accept-Encoding: identity", NULL};
  th_resp r;
  assert_int_equal(th_http(S_srv, "POST", path, body, strlen(body), h, &r), 0);
  *status = r.status;
  if (html) *html = strdup(r.body ? r.body : "");
  th_resp_free(&r);
}

static void S_expect_marked(const char *page, const char *html) {
  char *bad = S_unmarked(page, html);
  if (bad) print_error("words not from ui.tsv:\n%s", bad);
  assert_null(bad);
}

/* The console's script words: each a marked text (plural.one: numbers). */
static void S_script_words(const char *html) {
  const char *s = strstr(html, "<script type=\"application/json\" id=\"agent-words\">");
  assert_non_null(s);
  s = strchr(s, '>') + 1;
  const char *end = strstr(s, "</script>");
  assert_non_null(end);
  int n = 0;
  for (const char *p = strstr(s, "\":\""); p && p < end; p = strstr(p + 3, "\":\"")) {
    const char *v = p + 3;
    const char *k = p;
    while (k > s && k[-1] != '"') k--;
    if (!strncmp(k, "plural.one", 10)) continue;
    if (strncmp(v, OPEN, 3)) print_error("agent-words: %.*s not marked\n", 40, k);
    assert_memory_equal(v, OPEN, 3);
    n++;
  }
  assert_true(n > 40);
}

static void test_console_words(void **state) {
  (void)state;
  static const char *const pages[] = {
      "/fr/agent",
      "/fr/agent?text=slt%20comment%20je%20recupere%20mon%20code%20RIO&author=bob",
      "/fr/agent?text=Briggate%20Leeds&author=bob&lang=fr",           /* a fallback, a store */
      "/fr/agent?text=je%20suis%20a%20Carcassonne%20boutique&author=bob", /* a place */
      "/fr/agent?text=hello&lang=xx",
      "/fr/agent?text=hello&author=not%20a%20handle",
      "/fr/agent?done=sent", "/fr/agent?done=dismissed", "/fr/agent?done=flagged", "/fr/agent?done=queued",
  };
  for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
    char *b = S_get(pages[i], 200);
    assert_non_null(strstr(b, "<html lang=\"fr\""));
    S_expect_marked(pages[i], b);
    S_script_words(b);
    free(b);
  }
}

static void test_team_pages_words(void **state) {
  (void)state;
  long st;
  /* something in the queue and in the reports */
  S_post("/fr/team/flag", "text=ou+est+mon+colis&author=bob&collection=default&slug=returns-policy&reason=outdated&note=vieux",
         &st, NULL);
  assert_int_equal(st, 303);
  S_post("/fr/team/unanswered", "text=vous+vendez+des+velos&author=bob&note=rien", &st, NULL);
  assert_int_equal(st, 303);
  static const char *const pages[] = {"/fr/signin", "/fr/signin?failed=1", "/fr/kb-health", "/fr/kb-health/yaml", "/fr/team/queue",
                                      "/fr/team/translations", "/fr/team/translations?lang=de", "/fr/reports"};
  for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
    char *b = S_get(pages[i], strstr(pages[i], "failed") ? 401 : 200);
    assert_non_null(strstr(b, "<html lang=\"fr\""));
    S_expect_marked(pages[i], b);
    free(b);
  }
  /* the reports' trends (the events are counted about once a second) */
  char *rep = NULL;
  for (int i = 0; i < 100 && (!rep || !strstr(rep, "class=\"trends\"")); i++) {
    if (rep) usleep(100 * 1000);
    free(rep);
    rep = S_get("/fr/reports?days=7", 200);
  }
  assert_non_null(strstr(rep, "class=\"trends\""));
  assert_non_null(strstr(rep, "href=\"/fr/agent\"")); /* the staff's links stay in French */
  S_expect_marked("/fr/reports?days=7", rep);
  free(rep);
  /* error pages of the staff's forms */
  char *b = NULL;
  S_post("/fr/team/queue/done", "id=999999", &st, &b);
  assert_int_equal(st, 404);
  S_expect_marked("/fr/team/queue/done", b);
  free(b);
  S_post("/fr/agent/feedback", "text=x&slug=nope&action=sent", &st, &b);
  assert_int_equal(st, 400);
  S_expect_marked("/fr/agent/feedback", b);
  free(b);
  S_post("/fr/team/flag", "text=x&slug=nope&reason=wrong", &st, &b);
  assert_int_equal(st, 400);
  S_expect_marked("/fr/team/flag", b);
  free(b);
}

/* The check fails on what it should: the same pages in English (unmarked)
 * are all words. */
static void test_check_can_fail(void **state) {
  (void)state;
  char *b = S_get("/agent", 200);
  char *bad = S_unmarked("/agent", b);
  assert_non_null(bad);
  assert_non_null(strstr(bad, "Customer"));
  free(bad);
  free(b);
}

/* The bands of web/calibration.tsv: lo, hi, lines, precision. */
static int S_bands(double (*v)[4], int max) {
  char *t = th_read_file("web/calibration.tsv", NULL);
  assert_non_null(t);
  int n = 0;
  for (char *save = NULL, *l = strtok_r(t, "\n", &save); l && n < max; l = strtok_r(NULL, "\n", &save)) {
    if (*l == '#') continue;
    int lines;
    assert_int_equal(sscanf(l, "%lf\t%lf\t%d\t%lf", &v[n][0], &v[n][1], &lines, &v[n][3]), 4);
    v[n++][2] = lines;
  }
  free(t);
  return n;
}

/* Each card says its confidence in the words of the calibration table:
 * the first, how often first suggestions of its confidence were right on
 * the check half; the others that they are less likely; in the page's
 * language (the marked French) too. */
static void test_confidence_words(void **state) {
  (void)state;
  double v[16][4];
  int nb = S_bands(v, 16);
  assert_true(nb >= 2);
  static const char *const mentions[] = {"how+do+i+get+my+sim+out+of+my+iphone", "wo+ist+meine+bestellung",
                                         "is+there+a+store+in+leeds"};
  for (size_t m = 0; m < sizeof mentions / sizeof *mentions; m++) {
    char *path = th_fmt("/agent?text=%s", mentions[m]);
    char *b = S_get(path, 200);
    const char *card = strstr(b, "data-confidence=\"");
    assert_non_null(card);
    double conf = atof(card + 17);
    int k = -1;
    for (int i = 0; i < nb; i++)
      if (conf >= v[i][0] && conf < v[i][1]) k = (int)lround(v[i][3] * 10);
    assert_true(k >= 0);
    /* a mention where nothing fits was not measured: its cards say so */
    int nofit = strstr(b, "<p class=\"unanswerable\">No article fits this mention") != NULL;
    char *want = nofit ? strdup(">Not rated: no article seems to fit</p>")
                 : k >= 10 ? strdup(">Right nearly every time</p>")
                 : k <= 0 ? strdup(">Right less than once in 10</p>")
                 : th_fmt(">Right about %d time%s in 10</p>", k, k == 1 ? "" : "s");
    const char *words = strstr(card, "<p class=\"confidence");
    if (!words || strncmp(strchr(words, '>'), want, strlen(want)))
      print_error("%s: confidence %.3f, want %s in %.300s\n", path, conf, want, words ? words : "(none)");
    assert_non_null(words);
    assert_memory_equal(strchr(words, '>'), want, strlen(want));
    /* the rest: not the first's figure */
    const char *next = strstr(words + 1, "<p class=\"confidence");
    if (next) assert_non_null(strstr(next, nofit ? ">Not rated: no article seems to fit</p>" : ">Less likely than the first</p>"));
    free(want);
    free(b);
    free(path);
  }
  /* in French: the band's words, marked (they come from fr/ui.tsv) */
  char *b = S_get("/fr/agent?text=slt+comment+je+recupere+mon+code+RIO", 200);
  const char *w = strstr(b, "<p class=\"confidence");
  assert_non_null(w);
  assert_memory_equal(strchr(w, '>') + 1, OPEN, 3);
  assert_non_null(strstr(b, "<script type=\"application/json\" id=\"agent-bands\">[[0,"));
  free(b);
}

/* The bands were measured with the model being served: the file names the
 * sha256 of src/core/kb_rank_model.h it measured. */
static void test_bands_match_model(void **state) {
  (void)state;
  char *sum = NULL, *t = th_read_file("web/calibration.tsv", NULL);
  assert_int_equal(th_run("sha256sum src/core/kb_rank_model.h | cut -c1-64", &sum), 0);
  sum[strcspn(sum, "\n")] = 0;
  char *want = th_fmt("# model sha256 %s\n", sum);
  if (!strstr(t, want))
    print_error("web/calibration.tsv was measured with another model than src/core/kb_rank_model.h: run "
                "python3 tests/eval/fit.py --calibration tests/eval/blind/tweets-blind-check.tsv,"
                "tests/eval/blind2/tweets-blind2-check.tsv,"
                "tests/eval/blind3/tweets-blind3-check.tsv "
                "--bands web/calibration.tsv\n");
  assert_non_null(strstr(t, want));
  free(want);
  free(sum);
  free(t);
}

/* A calibration.tsv that cannot be read stops kb-serve with file:line. */
static void test_bad_bands(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  char *cmd = th_fmt("cp -r web/. %s/ && printf '# x\\n0.00\\t0.50\\t21\\t0.476\\n0.40\\t0.90\\tmany\\t0.7\\n' > %s/calibration.tsv",
                     dir, dir);
  assert_int_equal(th_run(cmd, NULL), 0);
  free(cmd);
  char *out = NULL;
  cmd = th_fmt("%s/kb-index -q kb -o %s/i.sqlite && %s/kb-serve --index %s/i.sqlite --web %s --listen 127.0.0.1:0 2>&1",
               th_bin_dir(), dir, th_bin_dir(), dir, dir);
  assert_int_not_equal(th_run(cmd, &out), 0);
  if (!strstr(out, "/calibration.tsv:3: expected low<TAB>high<TAB>lines<TAB>precision")) print_error("%s\n", out);
  assert_non_null(strstr(out, "/calibration.tsv:3: expected low<TAB>high<TAB>lines<TAB>precision"));
  free(out);
  free(cmd);
  th_rmtree(dir);
  free(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_console_words),
      cmocka_unit_test(test_team_pages_words),
      cmocka_unit_test(test_check_can_fail),
      cmocka_unit_test(test_confidence_words),
      cmocka_unit_test(test_bands_match_model),
      cmocka_unit_test(test_bad_bands),
  };
  return cmocka_run_group_tests(tests, S_setup, S_teardown);
}
