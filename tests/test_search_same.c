/*
 * test_search_same.c - the search's shortcuts give what the long way
 * gives: candidate pruning, the rows' caches, metadata copied later, the
 * postings held in memory against FTS5's, and rows left unranked by a
 * bound of their score (split from test_index.c, which was past 1,500
 * lines). The results' order and snippets are test_results_same.c's.
 */
#include "harness.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_fts.h"
#include "kb_ltr.h"
#include "kb_postings.h"
#include "kb_rank.h"
#include "kb_rank_docs.h"
#include "kb_search.h"
#include "kb_suggest.h"
#include "kb_util.h"
#include "../src/core/kb_index_impl.h" /* (internal to src/core) */
#include "../src/core/kb_query.h" /* (internal to src/core) */


/* Candidate pruning: with more than 1,000 rows for the query's terms, only
 * rows with its rarest terms are candidates, and their scores are those
 * of the full query. */
static void S_same_hits(kb_index *x, const char *q, const kb_search_opts *o);

static void test_pruning(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  for (int i = 0; i < 1200; i++) {
    char *p = th_fmt("%s/kb/a%04d.md", dir, i);
    char *t = th_fmt("---\ntitle: Widget page %d\n---\nWidget care and %s.\n", i,
                     i == 7 ? "zebra stripes" : "more");
    th_write_file(p, t);
    free(p); free(t);
  }
  kb_index *x = th_index_kb(NULL, dir);
  char err[256];
  kb_search_opts o = {.kinds = KB_KIND_ARTICLE, .limit = 5};
  kb_results pruned, full;
  assert_int_equal(kb_index_search(x, "zebra widget", 12, &o, &pruned, err, sizeof err), 0);
  kb_search_opts every = o;
  every.ablate = KB_ABLATE_PRUNING;
  assert_int_equal(kb_index_search(x, "zebra widget", 12, &every, &full, err, sizeof err), 0);
  assert_int_equal(full.total, 1200);
  assert_int_equal(pruned.total, 1); /* only the row with the rare word */
  assert_string_equal(pruned.hits[0].slug, "a0007");
  assert_string_equal(full.hits[0].slug, "a0007");
  assert_true(pruned.hits[0].score == full.hits[0].score);
  for (int k = 0; k < KB_RANK_NFEAT; k++) assert_true(pruned.hits[0].feat[k] == full.hits[0].feat[k]);
  kb_results_free(&pruned);
  kb_results_free(&full);
  /* pruned in memory as in FTS5 */
  S_same_hits(x, "zebra widget", &o);
  S_same_hits(x, "zebra stripes widget care", &o);
  /* one term: nothing to prune with */
  assert_int_equal(kb_index_search(x, "widget", 6, &o, &full, err, sizeof err), 0);
  assert_int_equal(full.total, 1200);
  kb_results_free(&full);
  th_index_done(x, dir);
}

/* Rows left unranked by the bound of their score (kb_rank_row_part()):
 * the same page, features and total as when every row is ranked whole
 * (KB_ABLATE_BOUNDS), so that a bound that is not one (a row's score
 * above it) shows as a different page. */
static int S_same_bounded(kb_index *x, const char *q, const kb_search_opts *o) {
  char err[256];
  kb_results b, whole;
  assert_int_equal(kb_index_search(x, q, strlen(q), o, &b, err, sizeof err), 0);
  kb_search_opts every = *o;
  every.ablate |= KB_ABLATE_BOUNDS;
  assert_int_equal(kb_index_search(x, q, strlen(q), &every, &whole, err, sizeof err), 0);
  assert_int_equal(whole.skipped, 0);
  assert_int_equal(b.total, whole.total);
  assert_int_equal(b.n, whole.n);
  for (int i = 0; i < b.n; i++) {
    if (b.hits[i].id != whole.hits[i].id)
      print_error("'%s' (limit %d, offset %d) hit %d: row %lld (%.17g) with bounds, %lld (%.17g) without\n",
                  q, o->limit, o->offset, i, (long long)b.hits[i].id, b.hits[i].score,
                  (long long)whole.hits[i].id, whole.hits[i].score);
    assert_int_equal(b.hits[i].id, whole.hits[i].id);
    assert_true(b.hits[i].score == whole.hits[i].score);
    for (int k = 0; k < KB_RANK_NFEAT; k++) assert_true(b.hits[i].feat[k] == whole.hits[i].feat[k]);
    assert_true(!b.hits[i].snippet == !whole.hits[i].snippet);
    if (b.hits[i].snippet) assert_string_equal(b.hits[i].snippet, whole.hits[i].snippet);
  }
  int skipped = b.skipped;
  kb_results_free(&b);
  kb_results_free(&whole);
  return skipped;
}

static void test_bounds(void **state) {
  (void)state;
  /* Forty articles say "widget" and "care" often in their bodies; one
   * says them once, but has them as an authored phrase and in its title,
   * and one has them next to each other: the phrase match and proximity,
   * the features a row's bound guesses at, decide the first hits. */
  char *dir = th_tmpdir();
  for (int i = 0; i < 40; i++) {
    char *p = th_fmt("%s/kb/a%02d.md", dir, i);
    char *t = th_fmt("---\ntitle: Page %d\n---\nA widget, a widget and a widget: the widget %s "
                     "and of %s care; care and more care, care about it.\n", i,
                     i == 21 ? "needs" : "is here", i == 33 ? "widget" : "its");
    th_write_file(p, t);
    free(p);
    free(t);
  }
  char *p = th_fmt("%s/kb/z-phrase.md", dir);
  th_write_file(p, "---\ntitle: Widget care\nphrases:\n  - widget care\n---\nOne widget, some care.\n");
  free(p);
  kb_index *x = th_index_kb(NULL, dir);
  static const char *const q[] = {"widget care", "care widget", "widget", "widget care needs",
                                  "the widget needs care", "care"};
  int skipped = 0;
  for (size_t i = 0; i < sizeof q / sizeof *q; i++)
    for (int limit = 1; limit <= 5; limit += 2) {
      kb_search_opts o = {.kinds = KB_KIND_ARTICLE, .limit = limit};
      skipped += S_same_bounded(x, q[i], &o);
      o.offset = 2;
      skipped += S_same_bounded(x, q[i], &o);
    }
  assert_true(skipped > 0); /* the bounds were used */
  th_index_done(x, dir);
  /* and on kb/, with the suggest's depth (30) and the search page's */
  dir = th_tmpdir();
  x = th_index_kb("kb", dir);
  static const char *const m[] = {
      "omg smashed my screen again how much 2 fix??", "can i return a phone i bought online",
      "my mobile phone wont turn on after the update", "delivary still not here, where is my order",
      "store address opening hours directions", "sim card not detected on my samsung galaxy",
      "the", "battery", "phone", "order"};
  skipped = 0;
  for (size_t i = 0; i < sizeof m / sizeof *m; i++) {
    kb_search_opts s = {.kinds = KB_KIND_ARTICLE | KB_KIND_OFFTOPIC, .limit = 30, .lang = "en",
                        .snippets_later = 1};
    skipped += S_same_bounded(x, m[i], &s);
    kb_search_opts page = {.kinds = KB_KIND_ARTICLE | KB_KIND_STORE, .limit = 10};
    skipped += S_same_bounded(x, m[i], &page);
    page.offset = 10;
    skipped += S_same_bounded(x, m[i], &page);
  }
  assert_true(skipped > 0);
  th_index_done(x, dir);
}

/* The rows' metadata and bodies are cached per index (kb_search.c, 4,096
 * and 1,024 slots direct-mapped by row id): with more rows than slots,
 * rows evict each other, and every hit must still show its own title and
 * snippet, paging through all rows twice (cold, then evicted and warm). */
static void test_row_caches(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  enum { N = 1100 };
  for (int i = 0; i < N; i++) {
    char *p = th_fmt("%s/kb/r%04d.md", dir, i);
    char *t = th_fmt("---\ntitle: Gadget page %d\n---\nGadget notes for row n%d only.\n", i, i);
    th_write_file(p, t);
    free(p); free(t);
  }
  kb_index *x = th_index_kb(NULL, dir);
  char err[256];
  for (int pass = 0; pass < 2; pass++) {
    int seen = 0;
    for (int off = 0; off < N; off += 100) {
      kb_search_opts o = {.kinds = KB_KIND_ARTICLE, .limit = 100, .offset = off};
      kb_results r;
      assert_int_equal(kb_index_search(x, "gadget notes", 12, &o, &r, err, sizeof err), 0);
      assert_int_equal(r.total, N);
      for (int i = 0; i < r.n; i++) {
        int k = atoi(r.hits[i].slug + 1);
        char *title = th_fmt("Gadget page %d", k), *own = th_fmt(" n%d ", k);
        assert_string_equal(r.hits[i].title, title);
        if (!strstr(r.hits[i].snippet, own)) print_error("%s: %s\n", r.hits[i].slug, r.hits[i].snippet);
        assert_non_null(strstr(r.hits[i].snippet, own));
        free(title); free(own);
      }
      seen += r.n;
      kb_results_free(&r);
    }
    assert_int_equal(seen, N);
  }
  th_index_done(x, dir);
}

/* Writes dir/kb/p<i>.md, "Page <a+i>", with the n phrases given, in order. */
static void S_phrase_page(const char *dir, int i, const char *const *phrases, int n) {
  kb_buf t = KB_BUF_INIT;
  kb_buf_printf(&t, "---\ntitle: Page %c\nphrases:\n", 'a' + i);
  for (int k = 0; k < n; k++) kb_buf_printf(&t, "  - %s\n", phrases[k]);
  kb_buf_puts(&t, "---\nNotes.\n");
  char *p = th_fmt("%s/kb/p%d.md", dir, i);
  th_write_file(p, kb_buf_str(&t));
  free(p);
  kb_buf_cleanup(&t);
}

/* The phrase match is the best authored phrase's value: a query that is
 * one of an article's phrases whole matches it fully (1), whatever the
 * other phrases around it match of it (less). */
static void test_phrase_match_best(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  const char *lines[] = {"screen protector fitting", "cracked screen repair",
                         "repair shop opening hours"};
  const int order[3][3] = {{1, 0, 2}, {0, 1, 2}, {0, 2, 1}}; /* the full line first,
                                                               in the middle, last */
  for (int i = 0; i < 3; i++) {
    const char *ph[3] = {lines[order[i][0]], lines[order[i][1]], lines[order[i][2]]};
    S_phrase_page(dir, i, ph, 3);
  }
  kb_index *x = th_index_kb(NULL, dir);
  char err[256];
  kb_search_opts o = {.kinds = KB_KIND_ARTICLE, .limit = 10};
  kb_results r;
  assert_int_equal(kb_index_search(x, "cracked screen repair", 21, &o, &r, err, sizeof err), 0);
  assert_int_equal(r.n, 3);
  for (int i = 0; i < r.n; i++) assert_true(fabs(r.hits[i].feat[KB_FEAT_PHRASE] - 1) < 1e-9);
  kb_results_free(&r);
  th_index_done(x, dir);
}

/* The phrase match finds each matched position's line however many lines
 * it skips, landing on a line's first position too (kb_rank.c halves the
 * lines between two matches rather than stepping through them): the same
 * lines in another order, where no match skips a line, give the same
 * value; the line the query matches most of (half of "screen repair today
 * please") is the best, not the short one skipped before it, whose
 * length in its place made the value 1. */
static void test_phrase_match_lines(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  static const char *const pages[2][5] = {
      {"cracked phone", "battery swap", "sim tray", "water damage", "screen repair today please"},
      {"cracked phone", "screen repair today please", "battery swap", "sim tray", "water damage"}};
  for (int i = 0; i < 2; i++) S_phrase_page(dir, i, pages[i], 5);
  kb_index *x = th_index_kb(NULL, dir);
  char err[256];
  kb_search_opts o = {.kinds = KB_KIND_ARTICLE, .limit = 10};
  kb_results r;
  assert_int_equal(kb_index_search(x, "screen repair", 13, &o, &r, err, sizeof err), 0);
  assert_int_equal(r.n, 2);
  double a = r.hits[0].feat[KB_FEAT_PHRASE], b = r.hits[1].feat[KB_FEAT_PHRASE];
  assert_true(a > 0 && a < 1 - 1e-6);
  assert_true(a == b);
  kb_results_free(&r);
  assert_int_equal(kb_index_search(x, "cracked screen repair", 21, &o, &r, err, sizeof err), 0);
  assert_int_equal(r.n, 2);
  assert_true(r.hits[0].feat[KB_FEAT_PHRASE] == r.hits[1].feat[KB_FEAT_PHRASE]);
  kb_results_free(&r);
  th_index_done(x, dir);
}

/* The phrase match reads each phrases-field position's line from a table
 * made at load (kb_rank_docs_load()): the query's words in the line of
 * twelve, of several lengths, where the page puts them, the value is that
 * line's (both words of the query in it: the square root of 2 of its
 * length), or with them in two lines the better one's. */
static void test_phrase_match_line_table(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  const char *const fill[12] = {"one",       "two three",       "four five six", "seven",
                                "eight nine", "ten eleven twelve thirteen", "fourteen",
                                "fifteen sixteen", "seventeen", "eighteen nineteen twenty",
                                "wombat",    "quokka numbat"};
  /* page i: gamma and epsilon in line at[i] (its fill after them), or (the
   * last page) gamma in line 3 and epsilon in line 9 */
  const int at[4] = {0, 5, 11, -1};
  const int len[4] = {3, 6, 4, 0};
  for (int i = 0; i < 4; i++) {
    char *lines[12];
    const char *ph[12];
    for (int k = 0; k < 12; k++) {
      if (k == at[i]) lines[k] = th_fmt("gamma epsilon %s", fill[k]);
      else if (at[i] < 0 && k == 3) lines[k] = th_fmt("gamma %s", fill[k]);
      else if (at[i] < 0 && k == 9) lines[k] = th_fmt("%s epsilon", fill[k]);
      else lines[k] = th_fmt("%s", fill[k]);
      ph[k] = lines[k];
    }
    S_phrase_page(dir, i, ph, 12);
    for (int k = 0; k < 12; k++) free(lines[k]);
  }
  kb_index *x = th_index_kb(NULL, dir);
  char err[256];
  kb_search_opts o = {.kinds = KB_KIND_ARTICLE, .limit = 10};
  kb_results r;
  assert_int_equal(kb_index_search(x, "gamma epsilon", 13, &o, &r, err, sizeof err), 0);
  assert_int_equal(r.n, 4);
  int seen = 0;
  for (int h = 0; h < r.n; h++) {
    const char *t = r.hits[h].title;
    assert_non_null(t);
    int i = t[strlen(t) - 1] - 'a';
    assert_true(i >= 0 && i < 4);
    seen |= 1 << i;
    /* (the last page: one word in each of "gamma seven" and "eighteen
     * nineteen twenty epsilon", half the query's mass: the shorter line) */
    double want = at[i] >= 0 ? sqrt(2.0 / len[i]) : sqrt(1.0 / 2 * 0.5);
    assert_true(fabs(r.hits[h].feat[KB_FEAT_PHRASE] - want) < 1e-12);
  }
  assert_int_equal(seen, 15);
  kb_results_free(&r);
  th_index_done(x, dir);
}

static void S_same_str(const char *a, const char *b) {
  assert_true(!a == !b);
  if (a) assert_string_equal(a, b);
}

/* A search with snippets_later leaves url, reply, escalate and summary,
 * like the snippet, to kb_results_snippets() for the hits kept (a suggest
 * ranks ten times the hits it shows): those it fills show what a search
 * without it shows, the others none yet, and what ranking reads is there
 * from the start. */
static void test_meta_later(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  kb_index *x = th_index_kb("kb", dir);
  char err[256];
  static const char *const q[] = {"how do I get the sim tray out of my iphone 12",
                                  "any branch near leeds city centre open sunday",
                                  "thanks guys great service today", "screen repair cost",
                                  "sim card not detected on my samsung galaxy"};
  int replies = 0, summaries = 0, platforms = 0;
  for (size_t k = 0; k < sizeof q / sizeof *q; k++) {
    kb_search_opts now = {.kinds = KB_KIND_ARTICLE | KB_KIND_OFFTOPIC, .limit = 9};
    kb_search_opts later = now;
    later.snippets_later = 1;
    kb_results a, b;
    assert_int_equal(kb_index_search(x, q[k], strlen(q[k]), &now, &a, err, sizeof err), 0);
    assert_int_equal(kb_index_search(x, q[k], strlen(q[k]), &later, &b, err, sizeof err), 0);
    assert_int_equal(a.n, b.n);
    assert_true(b.n > 3);
    for (int i = 0; i < b.n; i++) {
      const kb_hit *h = &a.hits[i], *g = &b.hits[i];
      assert_true(h->id == g->id);
      S_same_str(h->collection, g->collection);
      S_same_str(h->slug, g->slug);
      S_same_str(h->title, g->title);
      S_same_str(h->type, g->type);
      S_same_str(h->lang, g->lang);
      S_same_str(h->deeplink, g->deeplink);
      S_same_str(h->platform, g->platform);
      platforms += h->platform != NULL;
      assert_null(g->url);
      assert_null(g->reply);
      assert_null(g->escalate);
      assert_null(g->summary);
      assert_null(g->snippet);
    }
    kb_results_snippets(x, &b, 3);
    for (int i = 0; i < b.n; i++) {
      const kb_hit *h = &a.hits[i], *g = &b.hits[i];
      if (i < 3) {
        S_same_str(h->url, g->url);
        S_same_str(h->reply, g->reply);
        S_same_str(h->escalate, g->escalate);
        S_same_str(h->summary, g->summary);
        S_same_str(h->snippet, g->snippet);
        replies += g->reply != NULL;
        summaries += g->summary != NULL;
      } else {
        assert_null(g->summary);
        assert_null(g->reply);
        assert_null(g->snippet);
      }
    }
    kb_results_snippets(x, &b, b.n); /* the rest, a second call */
    for (int i = 0; i < b.n; i++) {
      S_same_str(a.hits[i].summary, b.hits[i].summary);
      S_same_str(a.hits[i].escalate, b.hits[i].escalate);
      S_same_str(a.hits[i].snippet, b.hits[i].snippet);
    }
    kb_results_free(&a);
    kb_results_free(&b);
  }
  /* the sample knowledge base has these: the comparisons above compared text */
  assert_true(replies > 0);
  assert_true(summaries > 0);
  assert_true(platforms > 0);
  th_index_done(x, dir);
}

/* The postings held in memory answer a search exactly as FTS5 does: the
 * same rows, scores and features, on the sample knowledge base (its
 * multi-word synonyms give phrase queries) for mentions of every kind,
 * whole and restricted to one collection. */
static void S_same_hits(kb_index *x, const char *q, const kb_search_opts *o) {
  char err[256];
  kb_results mem, fts;
  assert_int_equal(kb_index_search(x, q, strlen(q), o, &mem, err, sizeof err), 0);
  kb_search_opts in_fts5 = *o;
  in_fts5.ablate |= KB_ABLATE_MEMORY;
  assert_int_equal(kb_index_search(x, q, strlen(q), &in_fts5, &fts, err, sizeof err), 0);
  if (mem.total != fts.total) print_error("'%s': %d rows in memory, %d in FTS5\n", q, mem.total, fts.total);
  assert_int_equal(mem.total, fts.total);
  assert_int_equal(mem.n, fts.n);
  for (int i = 0; i < mem.n; i++) {
    if (mem.hits[i].id != fts.hits[i].id || mem.hits[i].score != fts.hits[i].score)
      print_error("'%s' hit %d: row %lld score %.17g in memory, row %lld score %.17g in FTS5\n", q, i,
                  (long long)mem.hits[i].id, mem.hits[i].score, (long long)fts.hits[i].id, fts.hits[i].score);
    assert_int_equal(mem.hits[i].id, fts.hits[i].id);
    assert_true(mem.hits[i].score == fts.hits[i].score);
    for (int k = 0; k < KB_RANK_NFEAT; k++) assert_true(mem.hits[i].feat[k] == fts.hits[i].feat[k]);
    assert_true(!mem.hits[i].snippet == !fts.hits[i].snippet);
    if (mem.hits[i].snippet) assert_string_equal(mem.hits[i].snippet, fts.hits[i].snippet);
  }
  kb_results_free(&mem);
  kb_results_free(&fts);
}

static void test_memory_same_as_fts5(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  kb_index *x = th_index_kb("kb", dir);
  assert_true(kb_index_postings(x) > 1000);
  static const char *const q[] = {
      "omg smashed my screen again how much 2 fix??",
      "how do I get the sim tray out of my iphone 12",
      "my mobile phone wont turn on after the update",
      "any branch near leeds city centre open sunday",
      "delivary still not here, where is my order",
      "sim card not detected on my samsung galaxy",
      "thanks guys great service today",
      "can i return a phone i bought online",
      "my repair is 3 weeks late!!!",
      "imei number blocked after theft",
      "esim set up e sim digital sim",
      "screen screen screen display",
      "zzqx unknownword",
      "the",
      "store address opening hours directions", /* tables and bold labels */
      "accessibility step free access",
  };
  kb_search_opts all = {.kinds = KB_KIND_ARTICLE | KB_KIND_OFFTOPIC, .limit = 9};
  kb_search_opts stores = {.kinds = KB_KIND_STORE, .limit = 5};
  kb_search_opts paged = {.kinds = KB_KIND_ARTICLE, .limit = 3, .offset = 2, .snippets_later = 1};
  /* twice: the second time each word's term in the postings is read from
   * its notes (KB_QUERY_NOTE_POST), kept by the first */
  for (int round = 0; round < 2; round++)
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
      S_same_hits(x, q[i], &all);
      S_same_hits(x, q[i], &stores);
      S_same_hits(x, q[i], &paged);
    }
  /* search as you type, the last word a prefix, every prefix of a few
   * queries: "im" and "ime" read FTS5's prefix indexes, "imei" merges the
   * terms' lists, and imei and imei2 share a position in one article */
  static const char *const typed[] = {"iphone 12 sim tray", "delivery charges", "screen repair",
                                      "opening hours leeds", "esim", "return policy", "imei2"};
  kb_search_opts typing = {.kinds = KB_KIND_ARTICLE, .limit = 9, .prefix_last = 1};
  for (size_t i = 0; i < sizeof typed / sizeof *typed; i++)
    for (size_t n = 1; n <= strlen(typed[i]); n++) {
      char *p = th_fmt("%.*s", (int)n, typed[i]);
      S_same_hits(x, p, &typing);
      S_same_hits(x, p, &all);
      free(p);
    }
  th_index_done(x, dir);
}

/* A row with more matches than the ranking examines (512): only the
 * first in position order are kept for proximity, the phrase match and
 * the snippet, in memory as in FTS5 (the long page's only adjacent query
 * words, and its best snippet, are past them: read, both would differ). */
static void test_memory_same_as_fts5_long(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  kb_buf body = KB_BUF_INIT;
  for (int i = 0; i < 600; i++) kb_buf_puts(&body, i % 50 == 49 ? "Screen glass.\n\n" : "Screen glass. ");
  kb_buf_puts(&body, "Cracked screen repair today.");
  char *p = th_fmt("%s/kb/long.md", dir);
  char *t = th_fmt("---\ntitle: Glass care\n---\n%s\n", kb_buf_str(&body));
  th_write_file(p, t);
  free(p); free(t);
  const char *other[] = {"Battery care", "Screen protectors", "Repair times"};
  for (int i = 0; i < 3; i++) {
    p = th_fmt("%s/kb/o%d.md", dir, i);
    t = th_fmt("---\ntitle: %s\n---\nA short page about %s, a screen and a repair.\n", other[i], other[i]);
    th_write_file(p, t);
    free(p); free(t);
  }
  char *ix = th_fmt("%s/kb.sqlite", dir);
  char *cmd = th_fmt("%s/kb-index -q %s/kb -o %s", th_bin_dir(), dir, ix);
  assert_int_equal(th_run(cmd, NULL), 0);
  char err[256];
  kb_index *x = kb_index_open(ix, err, sizeof err);
  assert_non_null(x);
  assert_true(kb_index_postings(x) > 600);
  kb_search_opts all = {.limit = 9};
  kb_search_opts later = {.limit = 2, .snippets_later = 1};
  static const char *const q[] = {"cracked screen repair", "screen repair", "repair cracked",
                                  "shop said screen", "quick repair"};
  for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
    S_same_hits(x, q[i], &all);
    S_same_hits(x, q[i], &later);
  }
  kb_index_close(x);
  kb_buf_cleanup(&body);
  th_rmtree(dir);
  free(dir); free(ix); free(cmd);
}

/* A list's positions before the body are counted at load (kb_rank_head(),
 * a byte a field): a page with a word 300 times in a heading (too many:
 * counted per row) and 255 times in another (the most that fits) ranks
 * in memory as in FTS5. */
static void test_memory_same_as_fts5_heads(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  kb_buf body = KB_BUF_INIT;
  kb_buf_puts(&body, "---\ntitle: Glass care\n---\n## ");
  for (int i = 0; i < 300; i++) kb_buf_puts(&body, "screen ");
  kb_buf_puts(&body, "\n\nCracked screen repair today.\n\n## ");
  for (int i = 0; i < 255; i++) kb_buf_puts(&body, "glass ");
  kb_buf_puts(&body, "repair\n\nScreen glass repair.\n");
  char *p = th_fmt("%s/kb/heavy.md", dir);
  th_write_file(p, kb_buf_str(&body));
  free(p);
  const char *other[] = {"Battery care", "Screen protectors", "Repair times"};
  for (int i = 0; i < 3; i++) {
    p = th_fmt("%s/kb/o%d.md", dir, i);
    char *t = th_fmt("---\ntitle: %s\n---\n## Glass\n\nA short page about %s, a screen and a "
                     "repair.\n", other[i], other[i]);
    th_write_file(p, t);
    free(p); free(t);
  }
  kb_index *x = th_index_kb(NULL, dir);
  kb_search_opts all = {.limit = 9};
  static const char *const q[] = {"screen", "glass", "screen glass repair", "cracked screen",
                                  "glass repair"};
  for (size_t i = 0; i < sizeof q / sizeof *q; i++) S_same_hits(x, q[i], &all);
  kb_buf_cleanup(&body);
  th_index_done(x, dir);
}

/* kb_postings on a small table: phrases are consecutive positions in one
 * column, reported at their first term, and a range restricts the rows.
 * A row's lists, read in order (by column, offset, then phrase), are its
 * instances as FTS5's xInst gives them: printed so. */
typedef struct {
  int phrase, col, off;
} S_inst;

static int S_cmp_inst(const void *x, const void *y) {
  const S_inst *a = x, *b = y;
  if (a->col != b->col) return a->col - b->col;
  if (a->off != b->off) return a->off - b->off;
  return a->phrase - b->phrase;
}

static int S_collect_rows(void *ctx, sqlite3_int64 id, const kb_rank_list *l, int n) {
  kb_buf *b = ctx;
  S_inst v[128];
  int nv = 0, last = -1;
  for (int k = 0; k < n; k++) {
    assert_true(l[k].phrase > last); /* in phrase order */
    last = l[k].phrase;
    assert_true(l[k].n > 0);
    for (int j = 0; j < l[k].n; j++) {
      if (j) assert_true(l[k].pos[j - 1] <= l[k].pos[j]);
      assert_true(nv < 128);
      v[nv++] = (S_inst){l[k].phrase, (int)(l[k].pos[j] >> KB_RANK_COL_SHIFT),
                         (int)(l[k].pos[j] & ((1u << KB_RANK_COL_SHIFT) - 1))};
    }
  }
  qsort(v, (size_t)nv, sizeof *v, S_cmp_inst);
  kb_buf_printf(b, "%lld:", (long long)id);
  for (int i = 0; i < nv; i++) kb_buf_printf(b, " %d/%d/%d", v[i].phrase, v[i].col, v[i].off);
  kb_buf_puts(b, ";");
  return 0;
}

/* Indexes DIR/kb with kb-index into DIR/kb.sqlite and opens it read-write
 * with kb's FTS5 tokenizer registered (*db: close it). */
static sqlite3 *S_open_indexed(const char *dir) {
  char *ix = th_fmt("%s/kb.sqlite", dir);
  char *cmd = th_fmt("%s/kb-index -q %s/kb -o %s", th_bin_dir(), dir, ix);
  assert_int_equal(th_run(cmd, NULL), 0);
  sqlite3 *db;
  assert_int_equal(sqlite3_open_v2(ix, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  assert_int_equal(kb_fts_register(db, NULL), SQLITE_OK);
  free(ix); free(cmd);
  return db;
}

static void test_postings_phrases(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  const char *body[] = {"Fit a screen protector.", "A protector for the screen.", "Screen cleaning."};
  for (int i = 0; i < 3; i++) {
    char *p = th_fmt("%s/kb/a%d.md", dir, i);
    char *t = th_fmt("---\ntitle: Page %s\n---\n%s\n", i == 0 ? "one" : i == 1 ? "two" : "three", body[i]);
    th_write_file(p, t);
    free(p); free(t);
  }
  sqlite3 *db = S_open_indexed(dir);
  int rc;
  kb_postings *p = kb_postings_load(db, "fts_en", 1000000, &rc);
  assert_int_equal(rc, SQLITE_OK);
  assert_non_null(p);
  sqlite3_int64 tot[5];
  assert_int_equal(kb_postings_rows(p, tot), 3);
  assert_int_equal(kb_postings_df(p, "screen", 0), 3);
  assert_int_equal(kb_postings_df(p, "screen protector", 0), 1);
  assert_int_equal(kb_postings_df(p, "protector screen", 0), 1); /* "protector [for the] screen" */
  assert_int_equal(kb_postings_df(p, "zebra", 0), 0);
  assert_int_equal(kb_postings_df(p, "screen zebra", 0), 0);
  /* prefixes: every term starting with them */
  assert_int_equal(kb_postings_df(p, "scr", 1), 3);
  assert_int_equal(kb_postings_df(p, "prot", 1), 2);
  assert_int_equal(kb_postings_df(p, "zeb", 1), 0);
  /* the same document frequencies from a query's lists, made once */
  const char *qph[] = {"screen protector", "scr", "prot", "zebra", "screen zebra"};
  const unsigned char qpre[] = {0, 1, 1, 0, 0};
  kb_postings_query *pq = kb_postings_query_new(p, qph, qpre, 5);
  for (int k = 0; k < 5; k++) assert_int_equal(kb_postings_query_df(pq, k), kb_postings_df(p, qph[k], qpre[k]));
  assert_int_equal(kb_postings_query_df(pq, 0), 1);
  assert_int_equal(kb_postings_query_df(pq, 1), 3);
  /* the same through a memo of the lists (kept, given out again, and a
   * memo too full for a query's 70 lists of one phrase spelt 70 ways
   * emptied before it, never while the query holds its lists) */
  kb_buf want = KB_BUF_INIT, got = KB_BUF_INIT;
  assert_int_equal(kb_postings_query_match(pq, NULL, 0, 1000, S_collect_rows, &want), 0);
  kb_postings_memo *memo = kb_postings_memo_new();
  for (int round = 0; round < 3; round++) {
    kb_postings_query *mq = kb_postings_query_new_memo(p, qph, qpre, 5, NULL, memo);
    for (int k = 0; k < 5; k++) assert_int_equal(kb_postings_query_df(mq, k), kb_postings_query_df(pq, k));
    kb_buf_clear(&got);
    assert_int_equal(kb_postings_query_match(mq, NULL, 0, 1000, S_collect_rows, &got), 0);
    assert_string_equal(kb_buf_str(&got), kb_buf_str(&want));
    kb_postings_query_free(mq);
    char *many[70];
    for (int k = 0; k < 70; k++) many[k] = th_fmt("screen%*sprotector", k + 1, "");
    mq = kb_postings_query_new_memo(p, (const char *const *)many, NULL, 70, NULL, memo);
    for (int k = 0; k < 70; k++) assert_int_equal(kb_postings_query_df(mq, k), 1);
    kb_buf_clear(&got);
    assert_int_equal(kb_postings_query_match(mq, NULL, 0, 1000, S_collect_rows, &got), 0);
    assert_non_null(strstr(kb_buf_str(&got), "1: 0/4/1 1/4/1 2/4/1"));
    kb_postings_query_free(mq);
    for (int k = 0; k < 70; k++) free(many[k]);
  }
  /* the single terms' lists given by the index kb_postings_term() found
   * (the search keeps it in a word's notes), beside phrases and prefixes
   * found by text: the same lists and matches as all by text, through the
   * memo and without (a term's index off by one fails: "screen" and
   * "protector" are in different rows) */
  const char *tph[] = {"screen", "protector", "scr", "zebra", "screen protector", "clean"};
  const unsigned char tpre[] = {0, 0, 1, 0, 0, 0};
  int term[6];
  for (int k = 0; k < 6; k++)
    term[k] = tpre[k] || strchr(tph[k], ' ') ? KB_POSTINGS_BY_TEXT : kb_postings_term(p, tph[k]);
  assert_true(term[0] >= 0 && term[1] >= 0 && term[0] != term[1]);
  assert_int_equal(term[3], -1); /* (not in the table) */
  kb_postings_query *byt = kb_postings_query_new(p, tph, tpre, 6);
  kb_buf_clear(&want);
  assert_int_equal(kb_postings_query_match(byt, NULL, 0, 1000, S_collect_rows, &want), 0);
  for (int round = 0; round < 2; round++) {
    kb_postings_query *tq = kb_postings_query_new_memo(p, tph, tpre, 6, term, round ? memo : NULL);
    for (int k = 0; k < 6; k++)
      assert_int_equal(kb_postings_query_df(tq, k), kb_postings_query_df(byt, k));
    kb_buf_clear(&got);
    assert_int_equal(kb_postings_query_match(tq, NULL, 0, 1000, S_collect_rows, &got), 0);
    assert_string_equal(kb_buf_str(&got), kb_buf_str(&want));
    kb_postings_query_free(tq);
  }
  kb_postings_query_free(byt);
  kb_postings_memo_free(memo);
  kb_buf_cleanup(&want);
  kb_buf_cleanup(&got);
  kb_postings_query_free(pq);
  const char *pre_ph[] = {"clea", "protector"};
  const unsigned char pre[] = {1, 0};
  kb_buf pb = KB_BUF_INIT;
  assert_int_equal(kb_postings_match(p, pre_ph, pre, 2, NULL, 0, 1000, S_collect_rows, &pb), 0);
  assert_string_equal(kb_buf_str(&pb), "1: 1/4/2;2: 1/4/0;3: 0/4/1;");
  kb_buf_cleanup(&pb);
  const char *ph[] = {"screen protector", "clean"};
  kb_buf b = KB_BUF_INIT;
  assert_int_equal(kb_postings_match(p, ph, NULL, 2, NULL, 0, 1000, S_collect_rows, &b), 0);
  /* ids follow the indexer's order (by slug): a0, a1, a2 are 1, 2, 3;
   * body is column 4; stop words take no position */
  assert_string_equal(kb_buf_str(&b), "1: 0/4/1;3: 1/4/1;");
  kb_buf_clear(&b);
  assert_int_equal(kb_postings_match(p, ph, NULL, 2, NULL, 2, 2, S_collect_rows, &b), 0);
  assert_string_equal(kb_buf_str(&b), "");
  /* driven by "clean" alone: only its row, with the other's instances */
  const char *ph2[] = {"screen", "clean"};
  const unsigned char drive[] = {0, 1};
  assert_int_equal(kb_postings_match(p, ph2, NULL, 2, drive, 0, 1000, S_collect_rows, &b), 0);
  assert_string_equal(kb_buf_str(&b), "3: 0/4/0 1/4/1;");
  /* phrases whose lists end at different rows ("clean" has only the
   * last, "protector" not the last): each row has all its phrases, in
   * phrase order, over the whole table and over a range inside it */
  const char *ph3[] = {"clean", "screen", "protector"};
  kb_buf_clear(&b);
  assert_int_equal(kb_postings_match(p, ph3, NULL, 3, NULL, 0, 1000, S_collect_rows, &b), 0);
  assert_string_equal(kb_buf_str(&b), "1: 1/4/1 2/4/2;2: 2/4/0 1/4/1;3: 1/4/0 0/4/1;");
  kb_buf_clear(&b);
  assert_int_equal(kb_postings_match(p, ph3, NULL, 3, NULL, 2, 3, S_collect_rows, &b), 0);
  assert_string_equal(kb_buf_str(&b), "2: 2/4/0 1/4/1;3: 1/4/0 0/4/1;");
  kb_buf_clear(&b);
  assert_int_equal(kb_postings_match(p, ph3, NULL, 3, NULL, 1, 2, S_collect_rows, &b), 0);
  assert_string_equal(kb_buf_str(&b), "1: 1/4/1 2/4/2;2: 2/4/0 1/4/1;");
  kb_buf_cleanup(&b);
  kb_postings_free(p);
  /* too large for the limit: left to FTS5, no error */
  assert_null(kb_postings_load(db, "fts_en", 3, &rc));
  assert_int_equal(rc, SQLITE_OK);
  sqlite3_close(db);
  th_rmtree(dir);
  free(dir);
}

/* A phrase's list is its first word's positions followed, one position on
 * in the same column, by its second's (and its third's two on): every
 * phrase of two and three of kb/'s English words (each one's own list
 * read too, and the starts found from them here) has the rows and
 * positions kb_postings.c's merge finds, the same word twice among them. */
typedef struct {
  kb_buf *b;
  int nw; /* 1: the phrase's own list; else the words' lists, nw of them */
} S_starts_ctx;

static int S_collect_starts(void *ctx, sqlite3_int64 id, const kb_rank_list *l, int n) {
  S_starts_ctx *c = ctx;
  const uint32_t off = (1u << KB_RANK_COL_SHIFT) - 1;
  kb_buf row = KB_BUF_INIT, *keep = c->b;
  c->b = &row; /* (the row's starts, kept when it has some) */
  kb_buf_printf(c->b, "%lld:", (long long)id);
  int any = 0;
  if (c->nw == 1) {
    assert_int_equal(n, 1);
    for (int j = 0; j < l[0].n; j++, any = 1) kb_buf_printf(c->b, " %u", (unsigned)l[0].pos[j]);
  } else if (n == c->nw) { /* (a row with every word) */
    for (int j = 0; j < l[0].n; j++) {
      uint32_t x = l[0].pos[j];
      int ok = 1;
      for (int k = 1; k < c->nw && ok; k++) {
        ok = (x & off) + (uint32_t)k <= off;
        int has = 0;
        for (int i = 0; ok && i < l[k].n; i++) has |= l[k].pos[i] == x + (uint32_t)k;
        ok = ok && has;
      }
      if (ok) {
        kb_buf_printf(c->b, " %u", (unsigned)x);
        any = 1;
      }
    }
  }
  c->b = keep;
  if (any) kb_buf_printf(keep, "%s;", kb_buf_str(&row)); /* (a row without a start:
                                                          not in the phrase's list) */
  kb_buf_cleanup(&row);
  return 0;
}

static void test_postings_phrase_starts(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  kb_index *x = th_index_kb("kb", dir);
  int li = kb_index_lang_find(x, "en");
  assert_true(li >= 0);
  const kb_postings *p = x->langs[li].post;
  assert_non_null(p);
  static const char *const words[] = {"screen", "repair", "order", "store", "phone", "sim",
                                      "card", "track", "deliveri", "click", "return", "iphon"};
  enum { NW = sizeof words / sizeof *words };
  kb_buf want = KB_BUF_INIT, got = KB_BUF_INIT;
  int found = 0;
  for (int a = 0; a < NW; a++)
    for (int b = 0; b < NW; b++)
      for (int c = -1; c < (a < 4 && b < 4 ? 4 : 0); c++) {
        const char *w3[3] = {words[a], words[b], c >= 0 ? words[c] : NULL};
        int nw = c >= 0 ? 3 : 2;
        char *phrase = nw == 3 ? th_fmt("%s %s %s", w3[0], w3[1], w3[2])
                               : th_fmt("%s %s", w3[0], w3[1]);
        const char *one[1] = {phrase};
        kb_buf_clear(&want);
        kb_buf_clear(&got);
        S_starts_ctx cw = {&want, nw}, cg = {&got, 1};
        assert_int_equal(kb_postings_match(p, w3, NULL, nw, NULL, 0, INT64_MAX / 2, S_collect_starts, &cw), 0);
        assert_int_equal(kb_postings_match(p, one, NULL, 1, NULL, 0, INT64_MAX / 2, S_collect_starts, &cg), 0);
        if (strcmp(kb_buf_str(&want), kb_buf_str(&got))) print_error("%s\n", phrase);
        assert_string_equal(kb_buf_str(&got), kb_buf_str(&want));
        found += got.n > 0;
        free(phrase);
      }
  assert_true(found > 10); /* (phrases that some rows have) */
  kb_buf_cleanup(&want);
  kb_buf_cleanup(&got);
  th_index_done(x, dir);
}

/* A prefix's list in a row where the terms starting with it take turns:
 * each term's positions are a run, and the row's (120 of them, past
 * insertion's 32) are merged into order (kb_postings.c's S_sort_pos());
 * S_collect_rows() fails on a list out of order. */
static void test_postings_prefix_order(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  kb_buf body = KB_BUF_INIT;
  for (int i = 0; i < 40; i++) kb_buf_puts(&body, "Glass glassware glasshouse. ");
  char *p = th_fmt("%s/kb/a0.md", dir);
  char *t = th_fmt("---\ntitle: Kinds\n---\n%s\n", kb_buf_str(&body));
  th_write_file(p, t);
  free(p); free(t);
  kb_buf_cleanup(&body);
  sqlite3 *db = S_open_indexed(dir);
  int rc;
  kb_postings *post = kb_postings_load(db, "fts_en", 1000000, &rc);
  assert_non_null(post);
  const char *ph[] = {"glas"};
  const unsigned char pre[] = {1};
  kb_buf b = KB_BUF_INIT;
  assert_int_equal(kb_postings_match(post, ph, pre, 1, NULL, 0, 1000, S_collect_rows, &b), 0);
  kb_buf want = KB_BUF_INIT;
  kb_buf_puts(&want, "1:");
  for (int i = 0; i < 120; i++) kb_buf_printf(&want, " 0/4/%d", i);
  kb_buf_puts(&want, ";");
  assert_string_equal(kb_buf_str(&b), kb_buf_str(&want));
  kb_buf_cleanup(&b);
  kb_buf_cleanup(&want);
  kb_postings_free(post);
  sqlite3_close(db);
  th_rmtree(dir);
  free(dir);
}

static int S_stop_rows(void *ctx, sqlite3_int64 id, const kb_rank_list *l, int n) {
  (void)l; (void)n;
  *(sqlite3_int64 *)ctx = id;
  return 7;
}

/* A match's rows are the same whether the lists' postings are bucketed
 * by id (ids close together: kb_postings.c's S_match_dense()) or merged
 * (ids far apart for the postings read): twenty pages, "gamma" in every
 * one, "alpha" and "beta" in the first and last only. Alone, alpha and
 * beta read 4 postings over 20 ids (merged); with gamma, 24 (bucketed). */
static void test_postings_dense(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  for (int i = 0; i < 20; i++) {
    char *p = th_fmt("%s/kb/p%02d.md", dir, i);
    const char *body = i == 0 ? "Alpha beta gamma." : i == 19 ? "Gamma beta alpha." : "Gamma.";
    char *t = th_fmt("---\ntitle: Page\n---\n%s\n", body);
    th_write_file(p, t);
    free(p); free(t);
  }
  sqlite3 *db = S_open_indexed(dir);
  int rc;
  kb_postings *p = kb_postings_load(db, "fts_en", 1000000, &rc);
  assert_non_null(p);
  kb_buf b = KB_BUF_INIT;
  const char *two[] = {"alpha", "beta"};
  assert_int_equal(kb_postings_match(p, two, NULL, 2, NULL, 0, 1000, S_collect_rows, &b), 0);
  assert_string_equal(kb_buf_str(&b), "1: 0/4/0 1/4/1;20: 1/4/1 0/4/2;");
  const char *three[] = {"gamma", "alpha", "beta"};
  kb_buf want = KB_BUF_INIT;
  kb_buf_puts(&want, "1: 1/4/0 2/4/1 0/4/2;");
  for (int i = 2; i < 20; i++) kb_buf_printf(&want, "%d: 0/4/0;", i);
  kb_buf_puts(&want, "20: 0/4/0 2/4/1 1/4/2;");
  for (int round = 0; round < 2; round++) { /* (the second through a memo's memory) */
    kb_postings_memo *memo = round ? kb_postings_memo_new() : NULL;
    kb_postings_query *q = kb_postings_query_new_memo(p, three, NULL, 3, NULL, memo);
    kb_buf_clear(&b);
    assert_int_equal(kb_postings_query_match(q, NULL, 0, 1000, S_collect_rows, &b), 0);
    assert_string_equal(kb_buf_str(&b), kb_buf_str(&want));
    kb_buf_clear(&b); /* a range inside: its rows only */
    assert_int_equal(kb_postings_query_match(q, NULL, 19, 20, S_collect_rows, &b), 0);
    assert_string_equal(kb_buf_str(&b), "19: 0/4/0;20: 0/4/0 2/4/1 1/4/2;");
    /* a callback that stops the match: its code returned, and the next
     * match (the buckets' memory reused) the same as ever */
    sqlite3_int64 first = 0;
    assert_int_equal(kb_postings_query_match(q, NULL, 0, 1000, S_stop_rows, &first), 7);
    assert_int_equal(first, 1);
    kb_buf_clear(&b);
    assert_int_equal(kb_postings_query_match(q, NULL, 0, 1000, S_collect_rows, &b), 0);
    assert_string_equal(kb_buf_str(&b), kb_buf_str(&want));
    kb_postings_query_free(q);
    kb_postings_memo_free(memo);
  }
  kb_buf_cleanup(&want);
  kb_buf_cleanup(&b);
  kb_postings_free(p);
  sqlite3_close(db);
  th_rmtree(dir);
  free(dir);
}

/* The synonym rules' first-word filter (kb_ix_lang.synfirst) passes
 * every rule a query's words start: kb/'s one-word sources (fone,
 * sammy), two-word sources whose first word is a rule of its own or of
 * none ("i phone", "e sim"), a rule past the first word ("sim tray"), each
 * read as its targets. */
static void test_synonym_filter(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  kb_index *x = th_index_kb("kb", dir);
  static const char *const want[][2] = {
      {"my fone broke", "\"\x01" "smartphon\""}, {"my fone broke", "\"\x01" "mobil phone\""},
      {"i phone sim tray", "\"\x01" "iphon\""},  {"i phone sim tray", "\"\x01" "sim drawer\""},
      {"e sim help", "\"\x01" "esim\""},         {"e sim help", "\"\x01" "embed sim\""},
      {"sammy screen", "\"\x01" "samsung\""},    {"sammy screen", "\"\x01" "display\""},
  };
  for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
    kb_query_strings q;
    kb_index_query_strings(x, want[i][0], strlen(want[i][0]), &q);
    if (!strstr(kb_buf_str(&q.match), want[i][1]))
      print_error("'%s' reads as %s, without %s\n", want[i][0], kb_buf_str(&q.match), want[i][1] + 2); /* (past the quote and \x01) */
    assert_non_null(strstr(kb_buf_str(&q.match), want[i][1]));
    kb_query_strings_cleanup(&q);
  }
  th_index_done(x, dir);
}

/* A synonym's target of one term keeps what its searches looked up in
 * its notes (kb_ix_syn.note): after mentions that read as kb/'s rules,
 * searched twice (the second time from the notes, the same hits as from
 * FTS5), each note set is its target's own df in the vocabulary and term
 * in the postings (a note kept for another rule's target fails), and a
 * target of several terms keeps none. */
static void test_synonym_notes(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  kb_index *x = th_index_kb("kb", dir);
  static const char *const q[] = {"my fone broke", "i phone sim tray", "e sim help", "sammy screen",
                                  "mobile phone wont charge", "my cell is cracked"};
  kb_search_opts all = {.kinds = KB_KIND_ARTICLE | KB_KIND_OFFTOPIC, .limit = 9};
  for (int round = 0; round < 2; round++)
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) S_same_hits(x, q[i], &all);
  int noted = 0;
  for (int li = 0; li < x->nlangs; li++) {
    const kb_ix_lang *l = &x->langs[li];
    for (int k = 0; k < l->nsyn; k++) {
      const kb_ix_syn *r = &l->syn[k];
      if (r->phrase) {
        for (int n = 0; n < KB_TERM_NOTES; n++) assert_int_equal(r->note[n], -1);
        continue;
      }
      if (r->note[KB_QUERY_NOTE_DF] >= 0) {
        assert_int_equal(r->note[KB_QUERY_NOTE_DF], kb_vocab_df(l->vocab, r->dst));
        noted++;
      }
      if (r->note[KB_QUERY_NOTE_POST] >= 0)
        assert_int_equal(r->note[KB_QUERY_NOTE_POST] - 1, kb_postings_term(l->post, r->dst));
    }
  }
  assert_true(noted >= 4);
  th_index_done(x, dir);
}

/* Each record of a query's analysis carries its term's kb_hash() (the
 * exact form's without its mark), which the synonyms' look-up takes for
 * its first word (S_expand_synonyms()) instead of hashing the word again,
 * and its term NUL-terminated at its length, which the search borrows:
 * mentions of every kind in kb/'s four languages, text-speak and a word
 * of the exact form among them. */
static void test_records_hashed(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  kb_index *x = th_index_kb("kb", dir);
  static const char *const q[] = {"omg smashed my screen again how much 2 fix??", "my fone broke",
                                  "i phone sim tray", "l'écran de mon téléphone est cassé",
                                  "Mein Handy lädt nicht", "mi móvil no carga", "imei2 blocked"};
  int seen = 0;
  for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
    kb_query *a = kb_index_analyze(x, q[i], strlen(q[i]), 0, 0);
    assert_non_null(a);
    for (int li = 0; li < x->nlangs; li++)
      for (int k = 0; k < a->langs[li].n; k++) {
        const kb_query_rec *r = &a->langs[li].v[k];
        int exact = r->term[0] == KB_TEXT_EXACT_MARK;
        assert_int_equal(r->hash, kb_hash(r->term + exact, (size_t)(r->nterm - exact)));
        assert_int_equal(strlen(r->term), r->nterm); /* (the search borrows it: S_query) */
        seen++;
      }
    kb_query_free(a);
  }
  assert_true(seen > 50);
  th_index_done(x, dir);
}

/* The synonym rules by first word (kb_ix_synword_of()) are, in each of
 * kb/'s languages, exactly the rules a pass over all of them finds for
 * each first word, one range each (the expansion searches only there),
 * and a word no rule starts with has none. */
static void test_synonym_words(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  kb_index *x = th_index_kb("kb", dir);
  int langs = 0;
  for (int li = 0; li < x->nlangs; li++) {
    const kb_ix_lang *l = &x->langs[li];
    if (!l->nsyn) continue;
    langs++;
    assert_non_null(l->synword);
    for (int k = 0; k < l->nsyn; k++) {
      const char *w = l->syn[k].src, *sp = strchr(w, ' ');
      size_t n = sp ? (size_t)(sp - w) : strlen(w);
      const kb_ix_synword *e = kb_ix_synword_of(l, w, n, kb_hash(w, n));
      assert_non_null(e);
      for (int i = 0; i < l->nsyn; i++) { /* rule i's first word is w's: in e */
        const char *s = l->syn[i].src;
        int same = !strncmp(s, w, n) && (s[n] == ' ' || !s[n]);
        if (same != (i >= e->first && i < e->end))
          print_error("%s: rule '%s' %s the rules of '%.*s'\n", l->lang, s,
                      same ? "outside" : "among", (int)n, w);
        assert_int_equal(same, i >= e->first && i < e->end);
      }
    }
    assert_null(kb_ix_synword_of(l, "zzqx", 4, kb_hash("zzqx", 4)));
  }
  assert_true(langs >= 1);
  th_index_done(x, dir);
}

/* kb_rank_ltr_inputs() writes every input of x (the suggest's rerank
 * does not clear x first): each slot set to NaN before, none left so,
 * with every context flag off and on. */
static void test_ltr_inputs(void **state) {
  (void)state;
  double f[KB_RANK_NOUT];
  for (int k = 0; k < KB_RANK_NOUT; k++) f[k] = 0.25 * (k + 1);
  kb_rank_ctx ctx[2] = {{0},
                        {.mention_intents = 3, .article_intents = 1, .offtopic = 1,
                         .other_platform = 1, .place = 1, .place_store = 1, .links_stores = 1,
                         .other_handle = 1, .ex_none = 0.25, .clf_none = 0.125,
                         .lang_other = 1, .no_examples = 1}};
  for (int c = 0; c < 2; c++) {
    double x[KB_LTR_N + 1];
    for (int i = 0; i <= KB_LTR_N; i++) x[i] = NAN;
    kb_rank_ltr_inputs(f, &ctx[c], x);
    for (int i = 0; i < KB_LTR_N; i++) {
      if (isnan(x[i])) print_error("input %d of %d not written\n", i, KB_LTR_N);
      assert_false(isnan(x[i]));
    }
    assert_true(isnan(x[KB_LTR_N])); /* and nothing past them */
    /* the same in two parts: the mention's inputs made once, from a
     * context whose candidate's part is another's (it is not read) */
    kb_rank_ctx other = ctx[c];
    other.article_intents = 6, other.offtopic = !other.offtopic, other.ex_max = 0.5;
    double m[KB_LTR_N], y[KB_LTR_N + 1];
    for (int i = 0; i < KB_LTR_N; i++) m[i] = NAN;
    kb_rank_ltr_mention(&other, m);
    for (int i = 0; i <= KB_LTR_N; i++) y[i] = NAN;
    kb_rank_ltr_inputs_with(f, &ctx[c], m, y);
    assert_memory_equal(x, y, sizeof(double) * KB_LTR_N);
    assert_true(isnan(y[KB_LTR_N]));
  }
}

/* the fitted weights, for test_ltr_learned_sum (static in kb_ltr.c) */
#include "../src/core/kb_rank_model.h"      /* (internal to src/core) */
#include "../src/core/kb_rank_model_base.h" /* (internal to src/core) */

/* kb_rank_learned() leaves out the terms of a weight of 0: its sums are
 * the whole sums', bit for bit, for either model, with inputs of either
 * sign (a weight of 0 times a negative input is -0) and of 0. */
static void test_ltr_learned_sum(void **state) {
  (void)state;
  (void)S_conf_w, (void)S_conf_threshold, (void)S_fits_w, (void)S_fits_threshold;
  (void)S_conf_w_base, (void)S_conf_threshold_base, (void)S_fits_w_base,
      (void)S_fits_threshold_base;
  unsigned seed = 23;
  int zeros = 0;
  for (int i = 0; i < KB_LTR_N; i++) zeros += (S_ltr_w[i] == 0) + (S_ltr_w_base[i] == 0);
  for (int round = 0; round < 4000; round++) {
    double x[KB_LTR_N];
    for (int i = 0; i < KB_LTR_N; i++) {
      seed = seed * 1103515245u + 12345u;
      int kind = (int)(seed >> 16) % 4; /* 0, a small count, a share, a log */
      double v = (double)((seed >> 8) % 100000) / 99991.0;
      x[i] = kind == 0 ? 0 : kind == 1 ? (double)((seed >> 4) % 5) : kind == 2 ? v : log1p(v) - 0.3;
    }
    x[KB_LTR_NO_EXAMPLES] = round % 2;
    const double *w = round % 2 ? S_ltr_w_base : S_ltr_w;
    double s = 0;
    for (int i = 0; i < KB_LTR_N; i++) s += w[i] * x[i];
    double got = kb_rank_learned(x);
    if (memcmp(&got, &s, sizeof s)) print_error("round %d: %.17g, not %.17g\n", round, got, s);
    assert_memory_equal(&got, &s, sizeof s);
  }
  assert_true(zeros > 0); /* (else nothing here is left out) */
}

/* The first phrases' terms kb_query_first_phrases() gives, one after
 * the other with a NUL each, into b. */
static void S_put_phrase(void *ctx, const char *term, size_t n) {
  kb_buf_put((kb_buf *)ctx, term, n);
  kb_buf_putc((kb_buf *)ctx, 0);
}

/* hits a and b the same, bit for bit: ids, scores and features */
static void S_same_results(const kb_results *a, const kb_results *b, const char *q) {
  if (a->n != b->n) print_error("%s: %d hits, %d\n", q, a->n, b->n);
  assert_int_equal(a->n, b->n);
  assert_int_equal(a->total, b->total);
  for (int i = 0; i < a->n; i++) {
    assert_true(a->hits[i].id == b->hits[i].id);
    assert_memory_equal(&a->hits[i].score, &b->hits[i].score, sizeof a->hits[i].score);
    assert_memory_equal(a->hits[i].feat, b->hits[i].feat, sizeof a->hits[i].feat);
  }
}

/* The public search's shortcuts (kb_suggest_search()): a query read in
 * the one language it searches (kb_query_analyze_in(), a mention's
 * lang_only) finds what the query read in all four of kb/'s finds, bit
 * for bit; and the first phrases of a query as typed, kept by its search
 * (which read the last word as a prefix) or else by the first pass over
 * them, the word model's, are given to both passes as a query that was
 * not searched builds them (words repeated, stop words alone, typos,
 * synonyms among the queries). */
static void test_public_search_same(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  kb_index *x = th_index_kb("kb", dir);
  static const char *const qs[] = {
      "how do i get the sim out of my iph", "opening hours leip", "track my ord",
      "portabilité RI", "wie bekomme ich die SIM-Kar", "hola como saco la tarj",
      "store in madr", "battery", "phone wont turn on ", "le", "the", "sim card sim",
      "sim sim", "mobile phone cell", "handy akku handy", "delivary stil not her",
      "screen broken scre"};
  int compared = 0;
  for (int li = 0; li < kb_index_nlangs(x); li++) {
    const char *code = kb_index_lang_code(x, li);
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++)
      for (int typed = 0; typed < 2; typed++) {
        size_t n = strlen(qs[i]);
        kb_query *all = kb_query_analyze_in(x, qs[i], n, typed, 0, -1);
        kb_query *one = kb_query_analyze_in(x, qs[i], n, typed, 0, li);
        kb_query *fresh = kb_query_analyze_in(x, qs[i], n, typed, 0, -1);
        kb_query_set_lang(all, li);
        kb_query_set_lang(one, li);
        kb_query_set_lang(fresh, li);
        kb_search_opts o = {.kinds = KB_KIND_ARTICLE, .limit = 30, .lang = code,
                            .snippets_later = 1, .prefix_last = typed, .count_total = 1};
        kb_results ra, ro;
        char err[256];
        assert_int_equal(kb_index_search_query(x, all, &o, &ra, err, sizeof err), KB_SEARCH_OK);
        assert_int_equal(kb_index_search_query(x, one, &o, &ro, err, sizeof err), KB_SEARCH_OK);
        S_same_results(&ra, &ro, qs[i]);
        compared += ra.n;
        kb_results_free(&ra);
        kb_results_free(&ro);
        /* the word model's pass, the examples' (kept), and a query
         * never searched */
        kb_buf first = KB_BUF_INIT, again = KB_BUF_INIT, ref = KB_BUF_INIT;
        kb_query_first_phrases(one, 0, 0, S_put_phrase, &first);
        kb_query_first_phrases(one, 0, 0, S_put_phrase, &again);
        kb_query_first_phrases(fresh, 0, 0, S_put_phrase, &ref);
        assert_int_equal(first.n, ref.n);
        assert_int_equal(again.n, ref.n);
        if (ref.n) {
          assert_memory_equal(first.p, ref.p, ref.n);
          assert_memory_equal(again.p, ref.p, ref.n);
        }
        /* another span left out: built again, not the one kept */
        kb_buf cut = KB_BUF_INIT, cutref = KB_BUF_INIT;
        kb_query_first_phrases(one, 0, n < 4 ? n : 4, S_put_phrase, &cut);
        kb_query *fresh2 = kb_query_analyze_in(x, qs[i], n, typed, 0, -1);
        kb_query_set_lang(fresh2, li);
        kb_query_first_phrases(fresh2, 0, n < 4 ? n : 4, S_put_phrase, &cutref);
        assert_int_equal(cut.n, cutref.n);
        if (cutref.n) assert_memory_equal(cut.p, cutref.p, cutref.n);
        kb_buf_cleanup(&first);
        kb_buf_cleanup(&again);
        kb_buf_cleanup(&ref);
        kb_buf_cleanup(&cut);
        kb_buf_cleanup(&cutref);
        kb_query_free(all);
        kb_query_free(one);
        kb_query_free(fresh);
        kb_query_free(fresh2);
      }
  }
  assert_true(compared > 100);
  th_index_done(x, dir);
}

/* kb_suggest_search() with links_only (a results page's) gives the hits it
 * gives without: the same rows, scores, features, links, titles and
 * snippets, and totals; only the articles' url, reply, escalate and
 * summary left unread (NULL), typed and not, a page past the first too. */
static void test_links_only(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  kb_index *x = th_index_kb("kb", dir);
  static const char *const qs[] = {"how do i get the sim out of my iph", "opening hours leip",
                                   "track my ord", "portabilité RI", "wie bekomme ich die SIM-Kar",
                                   "screen broken scre", "battery", "store in madr"};
  int compared = 0, unread = 0, summaries = 0;
  for (size_t i = 0; i < sizeof qs / sizeof *qs; i++)
    for (int typed = 0; typed < 2; typed++)
      for (int page = 0; page < 2; page++) {
        size_t n = strlen(qs[i]);
        kb_search_opts o = {.kinds = KB_KIND_ARTICLE | KB_KIND_STORE, .limit = 10,
                            .offset = 10 * page, .prefix_last = typed, .count_total = 1,
                            .cut_weak = 1};
        kb_search_opts lo = o;
        lo.links_only = 1;
        kb_results a, b;
        char err[256];
        assert_int_equal(kb_suggest_search(x, NULL, qs[i], n, &o, &a, err, sizeof err), KB_SEARCH_OK);
        assert_int_equal(kb_suggest_search(x, NULL, qs[i], n, &lo, &b, err, sizeof err), KB_SEARCH_OK);
        assert_int_equal(a.n, b.n);
        assert_int_equal(a.total, b.total);
        S_same_str(a.corrected, b.corrected);
        for (int k = 0; k < a.n; k++) {
          const kb_hit *h = &a.hits[k], *g = &b.hits[k];
          assert_true(h->id == g->id && h->score == g->score);
          assert_memory_equal(h->feat, g->feat, sizeof h->feat);
          S_same_str(h->collection, g->collection);
          S_same_str(h->slug, g->slug);
          S_same_str(h->title, g->title);
          S_same_str(h->snippet, g->snippet);
          if (g->url || g->reply || g->escalate || g->summary) { /* a store page's */
            S_same_str(h->url, g->url);
            S_same_str(h->summary, g->summary);
          } else {
            unread++;
          }
          summaries += h->summary != NULL;
          compared++;
        }
        kb_results_free(&a);
        kb_results_free(&b);
      }
  assert_true(compared > 100);
  assert_true(unread > 100);
  assert_true(summaries > 50); /* what links_only leaves was there to leave */
  th_index_done(x, dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pruning),
      cmocka_unit_test(test_row_caches),
      cmocka_unit_test(test_meta_later),
      cmocka_unit_test(test_links_only),
      cmocka_unit_test(test_memory_same_as_fts5),
      cmocka_unit_test(test_memory_same_as_fts5_long),
      cmocka_unit_test(test_bounds),
      cmocka_unit_test(test_postings_phrases),
      cmocka_unit_test(test_postings_dense),
      cmocka_unit_test(test_postings_prefix_order),
      cmocka_unit_test(test_phrase_match_best),
      cmocka_unit_test(test_phrase_match_lines),
      cmocka_unit_test(test_phrase_match_line_table),
      cmocka_unit_test(test_memory_same_as_fts5_heads),
      cmocka_unit_test(test_ltr_inputs),
      cmocka_unit_test(test_ltr_learned_sum),
      cmocka_unit_test(test_synonym_filter),
      cmocka_unit_test(test_synonym_words),
      cmocka_unit_test(test_synonym_notes),
      cmocka_unit_test(test_records_hashed),
      cmocka_unit_test(test_postings_phrase_starts),
      cmocka_unit_test(test_public_search_same),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
