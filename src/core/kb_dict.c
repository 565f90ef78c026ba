/*
 * kb_dict.c - a language's dictionary words as a Bloom filter (kb_dict.h).
 *
 * The bytes stored are a 24-byte header ("KBDICT1\0"; k in the low byte
 * of a 64-bit word whose other 56 bits count the words added; the number
 * of bits m; little-endian) and the m bits. Bit i of the
 * filter is bit i % 8 of byte i / 8. A word sets k bits, h1 + j h2 mod m
 * for j < k (double hashing, Kirsch and Mitzenmacher), h1 and h2 the two
 * halves of a 64-bit FNV-1a of its bytes.
 */
#include "kb_dict.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kb_util.h"

#define S_MAGIC "KBDICT1"
#define S_HEAD 24
#define S_K 7            /* bits a word sets */
#define S_BITS_PER_WORD 10 /* with S_K: about 1 % false positives */

struct kb_dict {
  unsigned char *p; /* S_HEAD header bytes, then the bits */
  uint64_t m;       /* bits */
  uint32_t k;
  uint64_t n;       /* words added */
};

static void S_put64(unsigned char *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t S_get64(const unsigned char *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; i++) v |= (uint64_t)p[i] << (8 * i);
  return v;
}

static uint64_t S_fnv64(const char *w, size_t n) {
  uint64_t h = 14695981039346656037ull;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)w[i];
    h *= 1099511628211ull;
  }
  return h;
}

kb_dict *kb_dict_new(size_t nwords) {
  kb_dict *d = kb_xcalloc(1, sizeof *d);
  d->m = (uint64_t)(nwords ? nwords : 1) * S_BITS_PER_WORD;
  d->m = (d->m + 63) / 64 * 64;
  d->k = S_K;
  d->p = kb_xcalloc(1, S_HEAD + d->m / 8);
  return d;
}

void kb_dict_free(kb_dict *d) {
  if (!d) return;
  free(d->p);
  free(d);
}

void kb_dict_add(kb_dict *d, const char *w, size_t n) {
  uint64_t h = S_fnv64(w, n), h1 = h & 0xffffffffu, h2 = (h >> 32) | 1;
  unsigned char *bits = d->p + S_HEAD;
  for (uint32_t j = 0; j < d->k; j++) {
    uint64_t b = (h1 + j * h2) % d->m;
    bits[b / 8] |= (unsigned char)(1u << (b % 8));
  }
  d->n++;
}

int kb_dict_has(const kb_dict *d, const char *w, size_t n) {
  uint64_t h = S_fnv64(w, n), h1 = h & 0xffffffffu, h2 = (h >> 32) | 1;
  const unsigned char *bits = d->p + S_HEAD;
  for (uint32_t j = 0; j < d->k; j++) {
    uint64_t b = (h1 + j * h2) % d->m;
    if (!(bits[b / 8] >> (b % 8) & 1)) return 0;
  }
  return 1;
}

size_t kb_dict_count(const kb_dict *d) {
  return (size_t)d->n;
}

const void *kb_dict_bytes(const kb_dict *d, size_t *n) {
  memcpy(d->p, S_MAGIC, 8); /* (with its NUL) */
  S_put64(d->p + 8, (uint64_t)d->k | d->n << 8);
  S_put64(d->p + 16, d->m);
  *n = S_HEAD + (size_t)(d->m / 8);
  return d->p;
}

kb_dict *kb_dict_from_bytes(const void *p, size_t n) {
  const unsigned char *b = p;
  if (!b || n < S_HEAD || memcmp(b, S_MAGIC, 8)) return NULL;
  uint64_t kn = S_get64(b + 8), m = S_get64(b + 16);
  uint32_t k = (uint32_t)(kn & 0xff);
  if (k == 0 || k > 32 || m == 0 || m % 64 || m / 8 != n - S_HEAD) return NULL;
  kb_dict *d = kb_xcalloc(1, sizeof *d);
  d->k = k;
  d->m = m;
  d->n = kn >> 8;
  d->p = kb_xmalloc(n);
  memcpy(d->p, b, n);
  return d;
}
