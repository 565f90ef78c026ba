/*
 * kb_ratelimit.h - a token bucket per client, for the public routes.
 *
 * Each client (an address) may make `rate` requests a second on average
 * with bursts of `burst`. The table has a fixed size; a client not seen for
 * a while gives its slot to the next, so memory stays bounded whatever the
 * number of clients. Thread-safe (striped locks).
 */
#ifndef KB_RATELIMIT_H
#define KB_RATELIMIT_H

typedef struct kb_ratelimit kb_ratelimit;

/* rate requests per second, bursts of burst. NULL if rate <= 0 (no limit). */
kb_ratelimit *kb_ratelimit_new(double rate, double burst);
void kb_ratelimit_free(kb_ratelimit *rl);

/* Takes a token for client at time now (seconds). Returns 0 if allowed,
 * else the seconds to wait before the next request (at least 1). */
int kb_ratelimit_take(kb_ratelimit *rl, const char *client, double now);

#endif
