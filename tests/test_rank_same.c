/*
 * test_rank_same.c - what the ranking keeps or makes once gives what
 * computing it each time gives: a table's norms (idfs, weighted term
 * frequencies), a query's constants, the rows' memo by id, the open
 * pairs of the proximity pass (split from test_search_same.c, which was
 * past 1,500 lines).
 */
#include "harness.h"

#include <math.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_rank.h"
#include "kb_rank_docs.h"
#include "kb_search.h"
#include "kb_postings.h"
#include "kb_util.h"
#include "../src/core/kb_index_impl.h" /* (internal to src/core) */
#include "../src/core/kb_near.h"  /* (internal to src/core) */

/* The idfs a table's norms keep (kb_rank_norms_new()) are BM25's of each
 * document frequency, bit for bit, as kb_features() computes them in
 * FTS5 (the memory path's scores must stay the same); those past the
 * table's rows, and below 0, are computed. */
static void test_norms_idf(void **state) {
  (void)state;
  static const sqlite3_int64 rows[] = {0, 1, 2, 83, 101, 3600};
  kb_rank_docs *d = kb_rank_docs_new();
  for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
    sqlite3_int64 nrow = rows[r], totals[5] = {nrow, 2 * nrow, 3 * nrow, nrow, 90 * nrow};
    kb_rank_norms *n = kb_rank_norms_new(d, nrow, totals);
    for (int df = -1; df <= (int)nrow + 2; df++) {
      double want = log(((double)nrow - (double)df + 0.5) / ((double)df + 0.5) + 1.0);
      double got = kb_rank_norms_idf(n, df);
      if (memcmp(&want, &got, sizeof want) && !(isnan(want) && isnan(got)))
        print_error("nrow %lld df %d: %.17g, not %.17g\n", (long long)nrow, df, got, want);
      assert_true(!memcmp(&want, &got, sizeof want) || (isnan(want) && isnan(got)));
    }
    kb_rank_norms_free(n);
  }
  kb_rank_docs_free(d);
}

/* The weighted term frequencies a table's norms keep for its postings
 * (kb_postings_weigh(), at load) are those a row computes without them:
 * every row of kb/'s English table that a few queries' words match (one
 * word a phrase: the postings' own lists; a phrase of two words: a list
 * made per query, never kept), ranked by a query given the index's norms
 * (the kept ones read) and by one given norms made without them (each
 * computed), all features and bounds equal bit for bit, and each posting's
 * kept value kb_rank_list_wtf()'s. */
typedef struct {
  const kb_rank_query *kept, *made;
  const kb_rank_docs *docs;
  int rows;
} S_wtf_ctx;

static int S_wtf_row(void *ctx, sqlite3_int64 id, const kb_rank_list *l, int n) {
  S_wtf_ctx *c = ctx;
  if (!kb_rank_docs_has(c->docs, id)) return 0;
  double a[KB_RANK_NOUT] = {0}, b[KB_RANK_NOUT] = {0}; /* (the snippet's not written) */
  const kb_rank_body *ba, *bb;
  int na, nb;
  kb_rank_row_lists(c->kept, c->docs, id, l, n, a, &ba, &na);
  kb_rank_row_lists(c->made, c->docs, id, l, n, b, &bb, &nb);
  assert_memory_equal(a, b, sizeof a);
  assert_int_equal(na, nb);
  kb_rank_part pa, pb;
  memset(&pa, 0, sizeof pa); /* (compared whole) */
  memset(&pb, 0, sizeof pb);
  int cut[64][2];
  assert_true(n <= 64);
  kb_rank_row_part(c->kept, c->docs, id, l, n, 0, &pa, cut);
  kb_rank_row_part(c->made, c->docs, id, l, n, 0, &pb, cut);
  assert_memory_equal(&pa, &pb, sizeof pa);
  c->rows++;
  return 0;
}

/* kb/'s English table of index x. */
static kb_ix_lang *S_english(kb_index *x) {
  int li = kb_index_lang_find(x, "en");
  assert_true(li >= 0);
  return &x->langs[li];
}

static void test_norms_wtf(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  kb_index *x = th_index_kb("kb", dir);
  kb_ix_lang *lang = S_english(x);
  assert_non_null(lang->post);
  assert_non_null(lang->norms);
  sqlite3_int64 totals[5];
  sqlite3_int64 nrow = kb_postings_rows(lang->post, totals);
  kb_rank_norms *plain = kb_rank_norms_new(x->docs, nrow, totals); /* (not weighed) */
  static const char *const phrases[] = {"screen", "repair", "sim", "order", "store", "phone",
                                        "deliveri", "sim card", "iphon"};
  enum { NP = sizeof phrases / sizeof *phrases };
  int group[NP], flag[NP] = {0}, df[NP];
  double weight[NP];
  for (int k = 0; k < NP; k++) {
    group[k] = k;
    weight[k] = 1.0;
    df[k] = kb_postings_df(lang->post, phrases[k], 0);
  }
  kb_rank_query *kept = kb_rank_query_new(nrow, totals, NP, group, weight, flag, df, NP, lang->norms);
  kb_rank_query *made = kb_rank_query_new(nrow, totals, NP, group, weight, flag, df, NP, plain);
  S_wtf_ctx c = {.kept = kept, .made = made, .docs = x->docs};
  kb_postings_query *pq = kb_postings_query_new(lang->post, phrases, NULL, NP);
  assert_int_equal(kb_postings_query_match(pq, NULL, 0, INT64_MAX / 2, S_wtf_row, &c), 0);
  assert_true(c.rows > 20);
  kb_postings_query_free(pq);
  kb_rank_query_free(kept);
  kb_rank_query_free(made);
  kb_rank_norms_free(plain);
  th_index_done(x, dir);
}

/* A row's features that are the query's (kb_rank.c's S_query_init(),
 * made once per query): the groups known and their share of the query's
 * groups, the same bits as the expressions of them, for every row of
 * kb/'s English table that a query of twelve groups matches (one of its
 * words in no row, three groups with no word searched, as a query whose
 * terms were left out of the MATCH has), and each row's shares of the
 * query's weight at most 1. */
typedef struct {
  const kb_rank_query *q;
  const kb_rank_docs *docs;
  double groups, known;
  int rows;
} S_consts_ctx;

static int S_consts_row(void *ctx, sqlite3_int64 id, const kb_rank_list *l, int n) {
  S_consts_ctx *c = ctx;
  if (!kb_rank_docs_has(c->docs, id)) return 0;
  double f[KB_RANK_NOUT] = {0};
  const kb_rank_body *b;
  int nb;
  kb_rank_row_lists(c->q, c->docs, id, l, n, f, &b, &nb);
  assert_memory_equal(&f[KB_FEAT_GROUPS], &c->groups, sizeof c->groups);
  assert_memory_equal(&f[KB_FEAT_KNOWN], &c->known, sizeof c->known);
  assert_true(f[KB_FEAT_COVERAGE] > 0 && f[KB_FEAT_COVERAGE] <= 1);
  assert_true(f[KB_FEAT_STRONG] <= 1 && f[KB_FEAT_TITLE] <= 1 && f[KB_FEAT_EXACT] <= 1);
  c->rows++;
  return 0;
}

static void test_rank_query_consts(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  kb_index *x = th_index_kb("kb", dir);
  kb_ix_lang *lang = S_english(x);
  sqlite3_int64 totals[5];
  sqlite3_int64 nrow = kb_postings_rows(lang->post, totals);
  static const char *const phrases[] = {"screen", "repair", "zzqxv", "order", "store", "phone",
                                        "deliveri", "sim card", "iphon"};
  enum { NP = sizeof phrases / sizeof *phrases, NG = NP + 3 };
  int group[NP], flag[NP] = {0}, df[NP], known = 0;
  double weight[NP];
  for (int k = 0; k < NP; k++) {
    group[k] = k;
    weight[k] = 1.0;
    df[k] = kb_postings_df(lang->post, phrases[k], 0);
    known += df[k] > 0;
  }
  assert_int_equal(df[2], 0);
  kb_rank_query *q = kb_rank_query_new(nrow, totals, NP, group, weight, flag, df, NG, lang->norms);
  S_consts_ctx c = {.q = q, .docs = x->docs, .groups = known, .known = (double)known / NG};
  kb_postings_query *pq = kb_postings_query_new(lang->post, phrases, NULL, NP);
  assert_int_equal(kb_postings_query_match(pq, NULL, 0, INT64_MAX / 2, S_consts_row, &c), 0);
  assert_true(c.rows > 20);
  kb_postings_query_free(pq);
  kb_rank_query_free(q);
  th_index_done(x, dir);
}

/* kb_index_hit_memo(): the first function asked for is kept by row id in
 * a table (kb_rows.c), any other with the rows' slots, both made once a
 * row (the table grown past its first size, ids with no row too), and a
 * hit without an id, or of an id past the table's, asked each time. */
static int S_memo_calls;
static int S_memo_by_id(kb_index *ix, const kb_hit *h) {
  (void)ix;
  S_memo_calls++;
  return (int)(h->id * 7 % 1000);
}
static int S_memo_other(kb_index *ix, const kb_hit *h) {
  (void)ix;
  S_memo_calls++;
  return (int)(h->id % 13) - 5;
}

static void test_hit_memo(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  kb_index *x = th_index_kb("kb", dir);
  kb_hit h;
  memset(&h, 0, sizeof h);
  for (int round = 0; round < 2; round++) {
    S_memo_calls = 0;
    for (int64_t id = 1; id <= 600; id++) { /* (kb/'s rows, and ids past them) */
      h.id = id;
      assert_int_equal(kb_index_hit_memo(x, &h, S_memo_by_id), (int)(id * 7 % 1000));
    }
    assert_int_equal(S_memo_calls, round == 0 ? 600 : 0);
  }
  S_memo_calls = 0;
  for (int round = 0; round < 2; round++)
    for (int64_t id = 1; id <= 20; id++) { /* another function: the rows' slots */
      h.id = id;
      assert_int_equal(kb_index_hit_memo(x, &h, S_memo_other), (int)(id % 13) - 5);
    }
  assert_int_equal(S_memo_calls, 20); /* (kb/ has rows 1 to 20) */
  S_memo_calls = 0;
  h.id = 0;
  kb_index_hit_memo(x, &h, S_memo_by_id);
  kb_index_hit_memo(x, &h, S_memo_by_id);
  h.id = (int64_t)1 << 21; /* past the table: a row's slot, and no such row */
  assert_int_equal(kb_index_hit_memo(x, &h, S_memo_by_id), (int)(h.id * 7 % 1000));
  kb_index_hit_memo(x, &h, S_memo_by_id);
  assert_int_equal(S_memo_calls, 4);
  th_index_done(x, dir);
}

/* kb_near_pairs() clears the open pairs (g, g + 1) that a pass over every
 * two matches finds (g's match one or two positions before g + 1's, in one
 * column), and only those: random rows of instances in the four fields
 * before the body and of body lists, a group with two lists or none, the
 * groups' masks given and made; what kb_rank.c's features count. */
static uint32_t S_near_seed = 11;
static int S_near_rand(int n) {
  S_near_seed = S_near_seed * 1103515245u + 12345u;
  return (int)((S_near_seed >> 16) % (unsigned)n);
}

static int S_near_ref(const kb_near_inst *in, int kept, const kb_rank_body *b, int nb,
                      uint64_t *open) {
  int pairs = 0;
  for (int g = 0; g + 1 < 128; g++) {
    if (!(open[g / 64] >> (g % 64) & 1)) continue;
    int hit = 0;
    for (int i = 0; i < kept; i++)
      for (int j = 0; j < kept; j++)
        hit |= in[i].group == g && in[j].group == g + 1 && in[i].col == in[j].col &&
               in[j].off - in[i].off >= 1 && in[j].off - in[i].off <= 2;
    for (int i = 0; i < nb; i++)
      for (int j = 0; j < nb; j++)
        for (int x = 0; b[i].group == g && b[j].group == g + 1 && x < b[i].n; x++)
          for (int y = 0; y < b[j].n; y++)
            hit |= b[j].pos[y] - b[i].pos[x] >= 1 && b[j].pos[y] - b[i].pos[x] <= 2 &&
                   b[j].pos[y] > b[i].pos[x];
    if (hit) {
      open[g / 64] &= ~((uint64_t)1 << (g % 64));
      pairs++;
    }
  }
  return pairs;
}

static void test_near_pairs(void **state) {
  (void)state;
  enum { NG = 6 };
  int found = 0;
  for (int round = 0; round < 4000; round++) {
    kb_near_inst in[17];
    int kept = S_near_rand(16), off = 0, col = 0;
    for (int i = 0; i < kept; i++) { /* in position order */
      if (S_near_rand(4) == 0 && col < 3) col++, off = 0;
      off += S_near_rand(4); /* (0: two forms at one position) */
      in[i] = (kb_near_inst){.group = S_near_rand(NG), .col = col, .off = off};
    }
    in[kept] = (kb_near_inst){.group = 0, .col = 5, .off = 1 << 30}; /* (kb_rank.c's end) */
    uint32_t pos[8][24];
    kb_rank_body b[8];
    int nb = S_near_rand(8);
    uint64_t igroups[2] = {0}, bgroups[2] = {0};
    for (int i = 0; i < kept; i++) igroups[in[i].group / 64] |= (uint64_t)1 << (in[i].group % 64);
    for (int i = 0; i < nb; i++) {
      int n = 1 + S_near_rand(24), at = S_near_rand(8);
      for (int k = 0; k < n; k++, at += 1 + S_near_rand(5)) pos[i][k] = 4u << KB_RANK_COL_SHIFT | (uint32_t)at;
      b[i] = (kb_rank_body){.group = S_near_rand(NG), .n = n, .pos = pos[i]};
      bgroups[b[i].group / 64] |= (uint64_t)1 << (b[i].group % 64);
    }
    uint64_t open[2] = {(uint64_t)S_near_rand(1 << (NG - 1)), 0}, ref[2], mine[2];
    memcpy(ref, open, sizeof open);
    int want = S_near_ref(in, kept, b, nb, ref);
    memcpy(mine, open, sizeof open);
    assert_int_equal(kb_near_pairs(in, kept, NULL, b, nb, NULL, mine), want);
    assert_memory_equal(mine, ref, sizeof ref);
    memcpy(mine, open, sizeof open);
    assert_int_equal(kb_near_pairs(in, kept, igroups, b, nb, bgroups, mine), want);
    assert_memory_equal(mine, ref, sizeof ref);
    found += want;
  }
  assert_true(found > 1000); /* (the rows have pairs to find) */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_near_pairs),
      cmocka_unit_test(test_norms_idf),
      cmocka_unit_test(test_norms_wtf),
      cmocka_unit_test(test_rank_query_consts),
      cmocka_unit_test(test_hit_memo),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
