/*
 * kb_ratelimit.c - per-client token buckets in a fixed table (see
 * kb_ratelimit.h). A client hashes to a slot; a slot held by another client
 * whose bucket has refilled completely (it has been quiet long enough that
 * forgetting it changes nothing) is taken over, else the client is looked
 * up in the next few slots.
 */
#include "kb_ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kb_util.h"

#define S_SLOTS 65536
#define S_STRIPES 64
#define S_PROBE 8

typedef struct {
  char client[48];
  double tokens;
  double last;       /* time of the last refill */
} S_slot;

struct kb_ratelimit {
  double rate, burst;
  S_slot *slots;
  pthread_mutex_t locks[S_STRIPES];
};

kb_ratelimit *kb_ratelimit_new(double rate, double burst) {
  if (rate <= 0) return NULL;
  kb_ratelimit *rl = kb_xcalloc(1, sizeof *rl);
  rl->rate = rate;
  rl->burst = burst >= 1 ? burst : 1;
  rl->slots = kb_xcalloc(S_SLOTS, sizeof *rl->slots);
  for (int i = 0; i < S_STRIPES; i++) pthread_mutex_init(&rl->locks[i], NULL);
  return rl;
}

void kb_ratelimit_free(kb_ratelimit *rl) {
  if (!rl) return;
  for (int i = 0; i < S_STRIPES; i++) pthread_mutex_destroy(&rl->locks[i]);
  free(rl->slots);
  free(rl);
}

static unsigned S_hash(const char *s) {
  unsigned h = 2166136261u; /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

int kb_ratelimit_take(kb_ratelimit *rl, const char *client, double now) {
  if (!rl) return 0;
  unsigned h = S_hash(client);
  /* all probed slots share one stripe: the stripe is chosen by h's block */
  unsigned base = (h % (S_SLOTS / S_PROBE)) * S_PROBE;
  pthread_mutex_t *lock = &rl->locks[(base / S_PROBE) % S_STRIPES];
  pthread_mutex_lock(lock);
  S_slot *slot = NULL, *free_slot = NULL;
  for (int i = 0; i < S_PROBE && !slot; i++) {
    S_slot *s = &rl->slots[base + (unsigned)i];
    if (!strncmp(s->client, client, sizeof s->client - 1)) slot = s;
    else if (!free_slot && (!s->client[0] || s->tokens + (now - s->last) * rl->rate >= rl->burst))
      free_slot = s; /* empty, or its client is full again: forgettable */
  }
  if (!slot) {
    slot = free_slot ? free_slot : &rl->slots[base + (h >> 16) % S_PROBE];
    strncpy(slot->client, client, sizeof slot->client - 1);
    slot->client[sizeof slot->client - 1] = 0;
    slot->tokens = rl->burst;
    slot->last = now;
  }
  slot->tokens += (now - slot->last) * rl->rate;
  if (slot->tokens > rl->burst) slot->tokens = rl->burst;
  slot->last = now;
  int wait = 0;
  if (slot->tokens >= 1) {
    slot->tokens -= 1;
  } else {
    wait = (int)ceil((1 - slot->tokens) / rl->rate);
    if (wait < 1) wait = 1;
  }
  pthread_mutex_unlock(lock);
  return wait;
}
