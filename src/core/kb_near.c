/*
 * kb_near.c - proximity: the pairs of adjacent query words a row has
 * within two positions (kb_near.h). Split from kb_rank.c.
 *
 * A kb/ row is a long article: most of its positions are the body's, in
 * the words' lists, and the other fields' few are instances in position
 * order. Both walks are written so that their branches follow the shape
 * of the data (how many instances, lists and pairs a row has), not the
 * positions' values, which no predictor learns (callgrind --branch-sim,
 * docs/benchmarks.md, twentieth session).
 */
#include "kb_near.h"

#include <stddef.h>

/* Whether bit g of m is set. */
static inline unsigned S_bit(const uint64_t *m, int g) { return (unsigned)(m[g / 64] >> (g % 64) & 1); }

/* Clears bit g of m when hit (0 or 1). */
static inline void S_clear(uint64_t *m, int g, unsigned hit) {
  m[g / 64] &= ~((uint64_t)hit << (g % 64));
}

/* Sets bit g of m. */
static inline void S_set(uint64_t *m, int g) { m[g / 64] |= (uint64_t)1 << (g % 64); }

/* The open pairs (bit g) whose two words are both in groups (bit g). */
static inline uint64_t S_cand(const uint64_t *open, const uint64_t *groups, int w) {
  return w == 0 ? open[0] & groups[0] & (groups[0] >> 1 | groups[1] << 63)
                : open[1] & groups[1] & groups[1] >> 1;
}

/* The instances' pairs: only when an open pair has both its words among
 * them (most rows: none, one test); then each instance of a word so
 * paired against those after it in the same column within two positions
 * (in position order, so only the next few; inst[kept], of a column
 * none has, ends the walk). A pair is counted once, its bit then
 * cleared. */
static int S_pairs_inst(const kb_near_inst *inst, int kept, const uint64_t *igroups,
                        uint64_t *open) {
  uint64_t own[KB_NEAR_MAX_GROUPS / 64] = {0};
  if (!igroups) {
    for (int i = 0; i < kept; i++) S_set(own, inst[i].group);
    igroups = own;
  }
  uint64_t cand[KB_NEAR_MAX_GROUPS / 64] = {S_cand(open, igroups, 0), S_cand(open, igroups, 1)};
  if (!(cand[0] | cand[1])) return 0;
  int pairs = 0;
  for (int i = 0; i < kept; i++) {
    int g = inst[i].group;
    if (!S_bit(cand, g)) continue;
    for (int j = i + 1; inst[j].col == inst[i].col && inst[j].off - inst[i].off <= 2; j++)
      if (inst[j].off > inst[i].off && inst[j].group == g + 1) {
        S_clear(cand, g, 1);
        S_clear(open, g, 1);
        pairs++;
        break; /* (found: the rest cannot change it) */
      }
  }
  return pairs;
}

/* 1 if a match of x is followed within two positions by a match of y
 * (both in the body: one column): the two lists merged, the one behind
 * stepping. The steps are taken without a branch (a comparison added to
 * a pointer): a long article's lists are hundreds of positions whose
 * order no predictor learns, and the loop of the merge written with
 * branches missed one a few positions (callgrind --branch-sim: 80 a kb/
 * suggest, a few microseconds of its CPU; CDP's short articles, none). */
static int S_near(const kb_rank_body *x, const kb_rank_body *y) {
  const uint32_t *a = x->pos, *b = y->pos;
  size_t i = 0, j = 0, nx = (size_t)x->n, ny = (size_t)y->n;
  while (i < nx && j < ny) {
    uint32_t u = a[i], v = b[j];
    if (v - u - 1 <= 1) return 1; /* v past u by one or two (one test: at
                                     u or before it, the difference wraps) */
    /* v past u: v is the first of y's past u, too far: u is near none;
     * else v is near no match of x, all at u or past it. (The sign of
     * u - v as a number, not a comparison, which the compiler made a
     * branch again.) */
    size_t ahead = (uint64_t)((int64_t)u - (int64_t)v) >> 63;
    i += ahead;
    j += ahead ^ 1;
  }
  return 0;
}

/* The body's pairs: only the open pairs whose two words both have a body
 * list are looked for (most rows have none: one test), and for each, the
 * lists of its first word against those of its second, found by a pass
 * over the row's few lists (a row's word has one list or two; chains of
 * them per group, made for every row with a pair to look for, cost more
 * than the passes). */
static int S_pairs_body(const kb_rank_body *b, int nb, const uint64_t *bgroups, uint64_t *open) {
  uint64_t own[KB_NEAR_MAX_GROUPS / 64] = {0};
  if (!bgroups) {
    for (int i = 0; i < nb; i++) S_set(own, b[i].group);
    bgroups = own;
  }
  uint64_t cand[KB_NEAR_MAX_GROUPS / 64] = {S_cand(open, bgroups, 0), S_cand(open, bgroups, 1)};
  if (!(cand[0] | cand[1])) return 0;
  int pairs = 0;
  for (int w = 0; w < KB_NEAR_MAX_GROUPS / 64; w++)
    for (uint64_t m = cand[w]; m; m &= m - 1) {
      int g = w * 64 + __builtin_ctzll(m);
      unsigned hit = 0;
      for (int i = 0; i < nb && !hit; i++) {
        if (b[i].group != g) continue;
        for (int j = 0; j < nb && !hit; j++)
          if (b[j].group == g + 1) hit = (unsigned)S_near(&b[i], &b[j]);
      }
      S_clear(open, g, hit);
      pairs += (int)hit;
    }
  return pairs;
}

int kb_near_pairs(const kb_near_inst *inst, int kept, const uint64_t *igroups,
                  const kb_rank_body *b, int nb, const uint64_t *bgroups, uint64_t *open) {
  int pairs = S_pairs_inst(inst, kept, igroups, open);
  return pairs + S_pairs_body(b, nb, bgroups, open);
}
