/*
 * kb_sha256.c - SHA-256 as FIPS 180-4 specifies it (section 6.2), one
 * 64-byte block at a time, and base64 of the digest (kb_sha256.h). Small
 * inputs only (a stylesheet, once at start): no streaming interface.
 */
#include "kb_sha256.h"

#include <stdint.h>
#include <string.h>

/* The first 32 bits of the fractional parts of the cube roots of the first
 * 64 primes (FIPS 180-4, 4.2.2). */
static const uint32_t S_K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define S_ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

/* One block into the hash state h (FIPS 180-4, 6.2.2). */
static void S_block(uint32_t h[8], const unsigned char *p) {
  uint32_t w[64], v[8];
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = S_ROR(w[i - 15], 7) ^ S_ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = S_ROR(w[i - 2], 17) ^ S_ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  memcpy(v, h, sizeof v);
  for (int i = 0; i < 64; i++) {
    uint32_t S1 = S_ROR(v[4], 6) ^ S_ROR(v[4], 11) ^ S_ROR(v[4], 25);
    uint32_t ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
    uint32_t t1 = v[7] + S1 + ch + S_K[i] + w[i];
    uint32_t S0 = S_ROR(v[0], 2) ^ S_ROR(v[0], 13) ^ S_ROR(v[0], 22);
    uint32_t maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
    memmove(v + 1, v, 7 * sizeof *v);
    v[4] += t1;
    v[0] = t1 + S0 + maj;
  }
  for (int i = 0; i < 8; i++) h[i] += v[i];
}

void kb_sha256(const void *data, size_t n, unsigned char out[32]) {
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  const unsigned char *p = data;
  size_t i = 0;
  for (; n - i >= 64; i += 64) S_block(h, p + i);
  /* the tail, 0x80, zeros, and the length in bits: one or two blocks */
  unsigned char last[128] = {0};
  size_t rest = n - i, nlast = rest < 56 ? 64 : 128;
  if (rest) memcpy(last, p + i, rest);
  last[rest] = 0x80;
  uint64_t bits = (uint64_t)n * 8;
  for (int k = 0; k < 8; k++) last[nlast - 1 - (size_t)k] = (unsigned char)(bits >> (8 * k));
  for (size_t k = 0; k < nlast; k += 64) S_block(h, last + k);
  for (int k = 0; k < 8; k++) {
    out[4 * k] = (unsigned char)(h[k] >> 24);
    out[4 * k + 1] = (unsigned char)(h[k] >> 16);
    out[4 * k + 2] = (unsigned char)(h[k] >> 8);
    out[4 * k + 3] = (unsigned char)h[k];
  }
}

void kb_sha256_base64(const void *data, size_t n, char out[45]) {
  static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  unsigned char d[33] = {0}; /* 32 bytes and a zero: 11 groups of three */
  kb_sha256(data, n, d);
  for (int g = 0; g < 11; g++) {
    uint32_t v = (uint32_t)d[3 * g] << 16 | (uint32_t)d[3 * g + 1] << 8 | d[3 * g + 2];
    for (int k = 0; k < 4; k++) out[4 * g + k] = abc[(v >> (18 - 6 * k)) & 63];
  }
  out[43] = '=';             /* 32 = 10 * 3 + 2: the last group has one pad */
  out[44] = 0;
}
