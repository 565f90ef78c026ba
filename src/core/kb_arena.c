/*
 * kb_arena.c - blocks of strings freed together (kb_arena.h).
 *
 * A block of KB_ARENA_BLOCK bytes is past malloc()'s per-thread cache:
 * each took its slow path, some 600 instructions, and a search as you
 * type made four or five (its analysis, its query, its hits' fields and
 * snippets; callgrind, docs/benchmarks.md). So the blocks a thread frees
 * are kept, up to S_SPARE, for its next searches, and the same few
 * blocks are reused (no more memory touched: less); a thread's are freed
 * when it exits.
 */
#include "kb_arena.h"

#include <pthread.h>
#include <stdlib.h>

#include "kb_util.h"

#define S_SPARE 8

typedef struct {
  kb_arena *a[S_SPARE];
  int n;
  void *buf[KB_SPARE_N]; /* kb_spare_give()'s, by slot */
  size_t cap[KB_SPARE_N];
  int keyed; /* 1: S_key set for this thread (its spares are freed at its
                exit); 0: not yet; -1: it could not be (none kept) */
} S_spares;

static _Thread_local S_spares S_spare;
static pthread_key_t S_key;
static pthread_once_t S_once = PTHREAD_ONCE_INIT;

/* At a thread's exit: its spare blocks (and none kept after). */
static void S_drop(void *p) {
  S_spares *s = p;
  s->keyed = -1;
  while (s->n > 0) free(s->a[--s->n]);
  for (int k = 0; k < KB_SPARE_N; k++) {
    free(s->buf[k]);
    s->buf[k] = NULL;
  }
}

static void S_key_make(void) { (void)pthread_key_create(&S_key, S_drop); }

/* Is S_key set for this thread (what it keeps is freed at its exit)? */
static int S_keyed(void) {
  if (!S_spare.keyed) {
    pthread_once(&S_once, S_key_make);
    S_spare.keyed = pthread_setspecific(S_key, &S_spare) == 0 ? 1 : -1;
  }
  return S_spare.keyed > 0;
}

void *kb_spare_take(int slot, size_t *cap) {
  void *p = S_spare.buf[slot];
  *cap = p ? S_spare.cap[slot] : 0;
  S_spare.buf[slot] = NULL;
  return p;
}

/* The most a thread keeps in a slot: a search over a large index (the
 * growth bench's 100,000 articles) can make arrays of megabytes, which a
 * worker thread would otherwise hold for its life; a kb/ search's are
 * a few kilobytes. */
#define S_SPARE_MAX (256 * 1024)

void kb_spare_give(int slot, void *p, size_t cap) {
  if (!p) return;
  if (S_spare.buf[slot] || cap > S_SPARE_MAX || !S_keyed()) {
    free(p);
    return;
  }
  S_spare.buf[slot] = p;
  S_spare.cap[slot] = cap;
}

kb_arena *kb_arena_grow(kb_arena **head, size_t n) {
  kb_arena *a;
  if (n <= KB_ARENA_BLOCK && S_spare.n > 0) {
    a = S_spare.a[--S_spare.n];
  } else {
    size_t cap = n > KB_ARENA_BLOCK ? n : KB_ARENA_BLOCK;
    a = kb_xmalloc(sizeof *a + cap);
    a->cap = cap;
  }
  a->next = *head;
  a->used = 0;
  return *head = a;
}

void *kb_arena_align(kb_arena **head, const void *p, size_t n) {
  const size_t al = sizeof(void *);
  kb_arena *a = *head;
  if (a) a->used = (a->used + al - 1) / al * al;
  if (a && a->used > a->cap) a->used = a->cap;
  return kb_arena_dup(head, p, n);
}

void kb_arena_free(kb_arena *a) {
  while (a) {
    kb_arena *next = a->next;
    if (a->cap == KB_ARENA_BLOCK && S_spare.n < S_SPARE && S_keyed()) {
      S_spare.a[S_spare.n++] = a;
    } else {
      free(a);
    }
    a = next;
  }
}
