/*
 * kb_arena.h - strings that live as long as one search (its query's
 * terms, its results' fields), carved from blocks freed together: a
 * query's forty terms and a hit's dozen fields were one allocation each
 * (internal to src/core: kb_search.c's queries and results;
 * and a thread's spare buffers, kb_search.c's and kb_rank.c's).
 */
#ifndef KB_ARENA_H
#define KB_ARENA_H

#include <stddef.h>
#include <string.h>

#define KB_ARENA_BLOCK 4096
/* A block; a list of them (NULL: none yet) is an arena, owned by its
 * holder and freed with kb_arena_free(). */
typedef struct kb_arena {
  struct kb_arena *next;
  size_t used, cap;
  char data[];
} kb_arena;

/* A new block at *head with room for n bytes (a block of KB_ARENA_BLOCK
 * bytes the thread freed before, when there is one). */
kb_arena *kb_arena_grow(kb_arena **head, size_t n);

/* A copy of s[0..n) with a NUL, carved from the blocks at *head (inlined:
 * a suggest's hundred copies paid a call's entry and exit each). */
static inline char *kb_arena_dup(kb_arena **head, const char *s, size_t n) {
  kb_arena *a = *head;
  if (__builtin_expect(!a || a->cap - a->used < n + 1, 0)) a = kb_arena_grow(head, n + 1);
  char *k = a->data + a->used;
  memcpy(k, s, n);
  k[n] = 0;
  a->used += n + 1;
  return k;
}

/* A copy of the n bytes at p, aligned as a pointer (enough for arrays of
 * ints), from the blocks at *head (a block's data follows a pointer and
 * two sizes: aligned so). */
void *kb_arena_align(kb_arena **head, const void *p, size_t n);

/* Frees the blocks from a (NULL: none); the thread keeps a few of
 * KB_ARENA_BLOCK bytes for its next kb_arena_grow() calls, freed when it
 * exits. */
void kb_arena_free(kb_arena *a);

/* Buffers a thread gives back for its next search, one per slot: a
 * search's candidates' arrays were four allocations past malloc()'s
 * per-thread cache. kb_spare_take() hands over the slot's (its size in
 * bytes in *cap), or NULL and 0; kb_spare_give() keeps p (cap bytes) for
 * the next, or frees it (the slot is taken, or p is over 256 KB); what
 * is kept is freed at the thread's exit. */
/* (KB_SPARE_EXAMPLES: kb_examples.c's cosines, kept all 0;
 * KB_SPARE_SCORES: its kb_examples_scores, given back when freed;
 * KB_SPARE_RECS + i: a kb_query's records of the index's language i, the
 * first KB_SPARE_RECS_LANGS languages (kb_query.c: a suggest on kb/ reads
 * the mention in its four, and with one slot for all, three arrays a
 * query were allocated and grown by realloc() each time);
 * KB_SPARE_PREFIX: kb_postings.c's counts per row of a prefix, kept all 0;
 * KB_SPARE_HITS: a search's kb_results.hits, given back when freed;
 * KB_SPARE_TOKENS: a mention's tokens, kb_tokens_split_spare();
 * KB_SPARE_LTR: a suggest's learned inputs, kb_suggest_result.ltr) */
#define KB_SPARE_RECS_LANGS 4
enum { KB_SPARE_CANDS, KB_SPARE_BODY, KB_SPARE_RANKQ, KB_SPARE_EXAMPLES,
       KB_SPARE_SCORES, KB_SPARE_RECS, KB_SPARE_PREFIX = KB_SPARE_RECS + KB_SPARE_RECS_LANGS,
       KB_SPARE_HITS, KB_SPARE_TOKENS, KB_SPARE_LTR, KB_SPARE_N };
void *kb_spare_take(int slot, size_t *cap);
void kb_spare_give(int slot, void *p, size_t cap);

#endif
