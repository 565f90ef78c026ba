/*
 * kb_session.c - signed-in staff (kb_session.h): a small table of tokens
 * under a mutex. A staff of tens of agents needs no more; lookups compare
 * every slot in constant time per slot, so a token cannot be guessed from
 * timing.
 */
#include "kb_session.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "kb_util.h"

#define S_SLOTS 1024

typedef struct {
  char tok[KB_SESSION_TOKEN]; /* "" = free */
  int roles;
  time_t started;
} S_session;

struct kb_sessions {
  pthread_mutex_t lock;
  int ttl;
  S_session v[S_SLOTS];
};

kb_sessions *kb_sessions_new(int ttl) {
  kb_sessions *s = kb_xcalloc(1, sizeof *s);
  pthread_mutex_init(&s->lock, NULL);
  s->ttl = ttl > 0 ? ttl : 8 * 3600;
  return s;
}

void kb_sessions_free(kb_sessions *s) {
  if (!s) return;
  pthread_mutex_destroy(&s->lock);
  memset(s->v, 0, sizeof s->v); /* no token left in freed memory */
  free(s);
}

int kb_sessions_create(kb_sessions *s, int roles, char tok[KB_SESSION_TOKEN]) {
  unsigned char raw[32];
  size_t got = 0;
  while (got < sizeof raw) {
    ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
    if (n <= 0) return -1;
    got += (size_t)n;
  }
  for (int i = 0; i < 32; i++) snprintf(tok + 2 * i, 3, "%02x", raw[i]);
  time_t now = time(NULL);
  pthread_mutex_lock(&s->lock);
  int at = 0;
  for (int i = 0; i < S_SLOTS; i++) { /* a free or expired slot, else the oldest */
    if (!s->v[i].tok[0] || now - s->v[i].started >= s->ttl) {
      at = i;
      break;
    }
    if (s->v[i].started < s->v[at].started) at = i;
  }
  memcpy(s->v[at].tok, tok, KB_SESSION_TOKEN);
  s->v[at].roles = roles;
  s->v[at].started = now;
  pthread_mutex_unlock(&s->lock);
  return 0;
}

/* The token in a Cookie header value, copied to tok; 0 if none. */
static int S_token(const char *cookie, char tok[KB_SESSION_TOKEN]) {
  for (const char *p = cookie; p && *p;) {
    while (*p == ' ' || *p == ';') p++;
    if (!strncmp(p, "kb_session=", 11)) {
      p += 11;
      size_t n = strcspn(p, "; ");
      if (n != KB_SESSION_TOKEN - 1) return 0;
      memcpy(tok, p, n);
      tok[n] = 0;
      return 1;
    }
    p = strchr(p, ';');
  }
  return 0;
}

/* 1 if a and b (64 hex digits each) are equal, in time that does not
 * depend on where they differ. */
static int S_same(const char *a, const char *b) {
  unsigned char d = 0;
  for (int i = 0; i < KB_SESSION_TOKEN - 1; i++) d |= (unsigned char)(a[i] ^ b[i]);
  return d == 0;
}

int kb_sessions_roles(kb_sessions *s, const char *cookie) {
  char tok[KB_SESSION_TOKEN];
  if (!s || !S_token(cookie, tok)) return 0;
  time_t now = time(NULL);
  int roles = 0;
  pthread_mutex_lock(&s->lock);
  for (int i = 0; i < S_SLOTS; i++)
    if (s->v[i].tok[0] && S_same(s->v[i].tok, tok) && now - s->v[i].started < s->ttl)
      roles = s->v[i].roles;
  pthread_mutex_unlock(&s->lock);
  return roles;
}

void kb_sessions_end(kb_sessions *s, const char *cookie) {
  char tok[KB_SESSION_TOKEN];
  if (!s || !S_token(cookie, tok)) return;
  pthread_mutex_lock(&s->lock);
  for (int i = 0; i < S_SLOTS; i++)
    if (s->v[i].tok[0] && S_same(s->v[i].tok, tok)) memset(&s->v[i], 0, sizeof s->v[i]);
  pthread_mutex_unlock(&s->lock);
}
