/*
 * test_results_same.c - a search's results, ordered and cut, as the long
 * way orders and cuts them: kb_order_sort() and kb_results_sort_first()
 * against a reference order, a snippet's HTML against its body escaped
 * run by run, a JSON reply's snippet against the page's (split from
 * test_search_same.c, which was past 1,500 lines).
 */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_search.h"
#include "kb_suggest.h"
#include "kb_util.h"
#include "../src/core/kb_index_impl.h" /* (internal to src/core) */
#include "../src/core/kb_order.h" /* (internal to src/core) */
#include "../src/core/kb_snip.h"  /* (internal to src/core) */

/* kb_order_sort() puts keys in the order of "if the scores differ, the
 * higher first; else the lower id; else the lower at", for keys with equal
 * scores, -0 and 0, and NaN among them: the order a suggest's candidates
 * and hits take (results identical), by insertion and by qsort(). */
static int S_ref_before(const kb_order_key *a, const kb_order_key *b) {
  if (a->score != b->score) return a->score > b->score;
  if (a->id != b->id) return a->id < b->id;
  return a->at < b->at;
}

static void test_order_sort(void **state) {
  (void)state;
  static const double scores[] = {1.5, 0.25, 0.0, -0.0, 2.0, -1.0, 0.25};
  unsigned seed = 7;
  for (int round = 0; round < 200; round++) {
    int n = 1 + round % 90; /* both sides of the insertion sort's bound */
    kb_order_key k[90], ref[90];
    for (int i = 0; i < n; i++) {
      seed = seed * 1103515245u + 12345u;
      double s = scores[(seed >> 16) % 7];
      if (round % 50 == 49 && i == n / 2) s = NAN;
      k[i] = (kb_order_key){s, (int64_t)((seed >> 8) % 5), i};
    }
    memcpy(ref, k, sizeof(kb_order_key) * (size_t)n);
    /* the reference: insertion by S_ref_before() */
    for (int i = 1; i < n; i++) {
      kb_order_key v = ref[i];
      int j = i;
      for (; j > 0 && S_ref_before(&v, &ref[j - 1]); j--) ref[j] = ref[j - 1];
      ref[j] = v;
    }
    int nan = 0;
    for (int i = 0; i < n; i++) nan |= isnan(k[i].score);
    kb_order_sort(k, n);
    if (nan && n > 64) continue; /* (qsort() with NaN: no order to compare) */
    for (int i = 0; i < n; i++) assert_int_equal(k[i].at, ref[i].at);
  }
}

/* kb_order_sort_at() of keys whose ids do not fall as `at` rises (some
 * equal) puts them in kb_order_sort()'s order: what S_order() takes the
 * shorter keys for (kb_search.c). */
static void test_order_sort_at(void **state) {
  (void)state;
  static const double scores[] = {1.5, 0.25, 0.0, -0.0, 2.0, -1.0, 0.25};
  unsigned seed = 13;
  for (int round = 0; round < 200; round++) {
    int n = 1 + round % 90; /* both sides of the insertion sort's bound */
    kb_order_key k[90];
    kb_order_key_at a[90];
    int64_t id = 3;
    for (int i = 0; i < n; i++) {
      seed = seed * 1103515245u + 12345u;
      double s = scores[(seed >> 16) % 7];
      if (round % 50 == 49 && i == n / 2) s = NAN;
      id += (seed >> 8) % 3; /* (rising, or the same) */
      k[i] = (kb_order_key){s, id, i};
      a[i] = (kb_order_key_at){s, i};
    }
    int nan = 0;
    for (int i = 0; i < n; i++) nan |= isnan(k[i].score);
    kb_order_sort(k, n);
    kb_order_sort_at(a, n);
    if (nan && n > 64) continue; /* (qsort() with NaN: no order to compare) */
    for (int i = 0; i < n; i++) assert_int_equal(a[i].at, k[i].at);
  }
}

/* kb_results_sort_first() puts in the first m places the hits
 * kb_results_sort() puts there, in that order, keeps every hit (the
 * others in some order), and a whole sort after it gives what one sort
 * gives (the platform's, kb_suggest.c): hits of ties in score, and not
 * in id, as a suggest's are; m up to n and past the places it fills
 * itself. */
static void test_results_sort_first(void **state) {
  (void)state;
  static const double scores[] = {1.5, 0.25, 0.0, -0.0, 2.0, -1.0, 0.25, 3e-12};
  unsigned seed = 11;
  for (int round = 0; round < 400; round++) {
    int n = 1 + round % 70, m = round % 23;
    kb_hit h[70], ref[70];
    memset(h, 0, sizeof h);
    for (int i = 0; i < n; i++) {
      seed = seed * 1103515245u + 12345u;
      h[i].score = scores[(seed >> 16) % 8];
      h[i].id = 1000 - 7 * i + (int64_t)((seed >> 8) % 5) * 1000; /* distinct */
      h[i].cut.start = i; /* (which hit it is) */
    }
    memcpy(ref, h, sizeof(kb_hit) * (size_t)n);
    kb_results a = {.hits = h, .n = n}, b = {.hits = ref, .n = n};
    kb_results_sort(&b);
    kb_results_sort_first(&a, m);
    for (int i = 0; i < m && i < n; i++) assert_int_equal(h[i].cut.start, ref[i].cut.start);
    int seen[70] = {0};
    for (int i = 0; i < n; i++) seen[h[i].cut.start]++;
    for (int i = 0; i < n; i++) assert_int_equal(seen[i], 1);
    kb_results_sort(&a);
    for (int i = 0; i < n; i++) assert_int_equal(h[i].cut.start, ref[i].cut.start);
  }
}

/* A snippet's text is copied from its body's html made with the body
 * (kb_snip.c's S_html_of()): the html is the body escaped byte by byte as
 * the snippets always were, and each term's place there is its span's:
 * every term, and the text between two, escaped here one run at a time
 * and compared, for every body of kb/ in each language. A JSON reply's
 * snippet, cut from the body's JSON form, is the page's escaped. */
static void S_escape_ref(kb_buf *b, const char *s, int n) {
  for (int i = 0; i < n; i++) {
    switch (s[i]) {
    case '&': kb_buf_puts(b, "&amp;"); break;
    case '<': kb_buf_puts(b, "&lt;"); break;
    case '>': kb_buf_puts(b, "&gt;"); break;
    case '"': kb_buf_puts(b, "&quot;"); break;
    case '\'': kb_buf_puts(b, "&#39;"); break;
    case '\x02': kb_buf_puts(b, "<mark>"); break;
    case '\x03': kb_buf_puts(b, "</mark>"); break;
    case '\n': kb_buf_putc(b, ' '); break;
    default: kb_buf_putc(b, s[i]);
    }
  }
}

/* 1 if html[at..) begins with body[from..to) escaped, which is its
 * length there; then *at moves past it. */
static int S_run_at(const kb_ix_body *sp, int from, int to, int *at) {
  kb_buf b = KB_BUF_INIT;
  S_escape_ref(&b, sp->body + from, to - from);
  int ok = strncmp(sp->html + *at, b.n ? b.p : "", b.n) == 0;
  *at += (int)b.n;
  kb_buf_cleanup(&b);
  return ok;
}

/* Windows of sp at its start, middle and end, short (to the prose's end:
 * the text after them) and long, with no match, some and all: each cut
 * for JSON (kb_snip_cut_json()) as the JSON of its cut for a page; returns
 * how many were compared. */
static int S_cuts_same(const kb_ix_body *sp) {
  int starts[] = {0, 1, sp->n / 2, sp->n - 3, sp->n - 1}, lens[] = {0, 3, 8, KB_RANK_SNIPPET_LEN};
  unsigned masks[] = {0, 0x5, 0xffffffffu};
  int compared = 0;
  for (size_t i = 0; i < sizeof starts / sizeof *starts; i++)
    for (size_t j = 0; j < sizeof lens / sizeof *lens; j++)
      for (size_t k = 0; k < sizeof masks / sizeof *masks; k++) {
        kb_buf page = KB_BUF_INIT, want = KB_BUF_INIT, got = KB_BUF_INIT;
        kb_snip_cut(sp, starts[i], lens[j], masks[k], &page);
        kb_buf_put_json(&want, page.p ? page.p : "", page.n);
        kb_snip_cut_json(sp, starts[i], lens[j], masks[k], &got);
        if (strcmp(kb_buf_str(&want), kb_buf_str(&got)))
          print_error("row %lld at %d, %d terms: %s\nwant %s\n", (long long)sp->id, starts[i], lens[j],
                      kb_buf_str(&got), kb_buf_str(&want));
        assert_string_equal(kb_buf_str(&got), kb_buf_str(&want));
        compared++;
        kb_buf_cleanup(&page);
        kb_buf_cleanup(&want);
        kb_buf_cleanup(&got);
      }
  return compared;
}

static void test_snip_html(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  kb_index *x = th_index_kb("kb", dir);
  int bodies = 0, escaped = 0, cuts = 0;
  for (int li = 0; li < x->nlangs; li++) {
    for (int64_t id = 1; id < 4 * KB_IX_SNIP_SLOTS; id++) {
      const kb_ix_body *sp = kb_snip_body(x, li, id);
      if (!sp) continue;
      bodies++;
      int at = 0, from = 0;
      for (int k = 0; k < sp->n; k++) {
        assert_true(S_run_at(sp, from, sp->span[k][0], &at)); /* before the term */
        assert_int_equal(sp->hspan[k][0], at);
        assert_true(S_run_at(sp, sp->span[k][0], sp->span[k][1], &at));
        assert_int_equal(sp->hspan[k][1], at);
        from = sp->span[k][1];
      }
      assert_true(S_run_at(sp, from, (int)strlen(sp->body), &at));
      assert_int_equal(at, (int)strlen(sp->html));
      escaped += strpbrk(sp->body, "&<>\"'") != NULL;
      const kb_ix_body *sj = kb_snip_body_json(x, li, id); /* (sp, with its JSON form) */
      if (sj) cuts += S_cuts_same(sj);
    }
  }
  assert_true(bodies > 200);
  assert_true(escaped > 20); /* (bodies with a character the html escapes, not
                                only line breaks) */
  assert_true(cuts > 20 * bodies); /* (most bodies long enough for a JSON form) */
  th_index_done(x, dir);
}

/* A suggest whose caller writes its snippets as JSON (json_snippets, the
 * API's) cuts no HTML snippet where the body has its JSON form: the same
 * suggestions, and each snippet the same bytes, whether written from the
 * JSON form or cut as HTML when asked (kb_hit_put_snippet_html()), as the
 * HTML snippet of a suggest without the option escaped; at least one hit
 * was left without its HTML snippet (the option taken), and none of them
 * lacks a window (h->cut.json) it would be cut at. */
static void test_snippets_json_only(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  kb_index *x = th_index_kb("kb", dir);
  static const char *const q[] = {"omg smashed my screen again how much 2 fix??",
                                  "how do I get the sim tray out of my iphone 12",
                                  "delivary still not here, where is my order",
                                  "can i return a phone i bought online",
                                  "thanks guys great service today",
                                  "mi móvil no carga", "zzqx unknownword"};
  int left = 0;
  kb_buf a = KB_BUF_INIT, b = KB_BUF_INIT;
  for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
    kb_suggest_opts o = {.limit = 3, .public_url = "https://x"};
    kb_suggest_opts oj = o;
    oj.json_snippets = 1;
    kb_suggest_result html, json;
    char err[256];
    size_t n = strlen(q[i]);
    assert_int_equal(kb_suggest(x, NULL, q[i], n, &o, &html, err, sizeof err), KB_SEARCH_OK);
    assert_int_equal(kb_suggest(x, NULL, q[i], n, &oj, &json, err, sizeof err), KB_SEARCH_OK);
    assert_int_equal(json.n, html.n);
    for (int k = 0; k < html.n; k++) {
      const kb_hit *h = html.s[k].hit, *j = json.s[k].hit;
      assert_int_equal(j->id, h->id);
      assert_true(j->score == h->score);
      assert_int_equal(j->cut.json, h->cut.json);
      kb_buf_clear(&a);
      kb_buf_clear(&b);
      kb_buf_put_json(&a, h->snippet, strlen(h->snippet));
      if (!j->snippet) {
        left++;
        assert_true(j->cut.json);
      }
      if (!j->cut.json || !kb_hit_put_snippet_json(x, j, &b)) {
        kb_buf t = KB_BUF_INIT;
        kb_hit_put_snippet_html(x, j, &t);
        kb_buf_put_json(&b, t.n ? t.p : "", t.n);
        kb_buf_cleanup(&t);
      }
      assert_string_equal(kb_buf_str(&b), kb_buf_str(&a));
      kb_buf_clear(&b); /* the HTML, cut when asked, as the suggest's */
      kb_hit_put_snippet_html(x, j, &b);
      assert_string_equal(kb_buf_str(&b), h->snippet);
    }
    kb_suggest_result_free(&html);
    kb_suggest_result_free(&json);
  }
  assert_true(left > 5);
  kb_buf_cleanup(&a);
  kb_buf_cleanup(&b);
  th_index_done(x, dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_order_sort),
      cmocka_unit_test(test_order_sort_at),
      cmocka_unit_test(test_results_sort_first),
      cmocka_unit_test(test_snip_html),
      cmocka_unit_test(test_snippets_json_only),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
