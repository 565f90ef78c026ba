/*
 * kb_near.h - proximity, the ranking feature KB_FEAT_PROXIMITY's count
 * (internal to src/core: kb_rank.c): which pairs of adjacent query words
 * (groups g and g + 1) a row has within two positions of each other, g's
 * match first, in one field. Split from kb_rank.c.
 */
#ifndef KB_NEAR_H
#define KB_NEAR_H

#include <stdint.h>

#include "kb_rank.h"

#define KB_NEAR_MAX_GROUPS 128 /* groups below this: the masks' bits */

/* A match of a row as its features read it: the group of its phrase,
 * column, offset. */
typedef struct {
  int group, col, off;
} kb_near_inst;

/* Clears in open (bit g: the pair (g, g + 1) still to be found,
 * KB_NEAR_MAX_GROUPS bits) each pair found among the instances
 * inst[0..kept) (in position order: column, then offset; inst[kept] of a
 * column no instance has) and among the body's lists b[0..nb) (each in
 * position order); returns how many it cleared. igroups and bgroups, if
 * not NULL, have bit g set when an instance, a list of b, is of group g
 * (else they are made from inst, b). */
int kb_near_pairs(const kb_near_inst *inst, int kept, const uint64_t *igroups,
                  const kb_rank_body *b, int nb, const uint64_t *bgroups, uint64_t *open);

#endif
