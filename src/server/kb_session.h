/*
 * kb_session.h - signed-in staff: sessions behind an HttpOnly cookie.
 *
 * When API keys are configured, agents and the knowledge team sign in to
 * the console and the team's pages with their key once (POST /signin); the
 * server answers with a session cookie (kb_session, HttpOnly,
 * SameSite=Strict, Secure behind https) naming a random 256-bit token, and
 * the pages and the agent routes take the cookie as they take the key.
 * Cross-site requests never carry a SameSite=Strict cookie, and the
 * server refuses writes from a foreign Origin besides, so a session cannot
 * be used from another site (CSRF).
 *
 * A session has the roles of the key that opened it (KB_ROLE_*), lasts
 * `ttl` seconds from its start, and ends at POST /signout. The table has a
 * fixed size; when full, the oldest session ends. Thread-safe.
 *
 * Errors: kb_sessions_create() returns 0, or -1 when no random token could
 * be had; lookups return 0 roles for what is unknown or expired.
 */
#ifndef KB_SESSION_H
#define KB_SESSION_H

#define KB_ROLE_AGENT 0x01 /* the agent console, suggest, feedback */
#define KB_ROLE_TEAM 0x02  /* reports, KB health, the team's queue */
#define KB_ROLE_ALL (KB_ROLE_AGENT | KB_ROLE_TEAM)

#define KB_SESSION_TOKEN 65 /* 64 hex digits and a NUL */

typedef struct kb_sessions kb_sessions;

/* A table of sessions that last ttl seconds. Free with kb_sessions_free(). */
kb_sessions *kb_sessions_new(int ttl);
void kb_sessions_free(kb_sessions *s); /* NULL is allowed */

/* Opens a session with roles; its token goes to tok. */
int kb_sessions_create(kb_sessions *s, int roles, char tok[KB_SESSION_TOKEN]);

/* The roles of the session named by the Cookie header value cookie (its
 * kb_session=TOKEN), or 0. */
int kb_sessions_roles(kb_sessions *s, const char *cookie);

/* Ends the session the Cookie header names, if any. */
void kb_sessions_end(kb_sessions *s, const char *cookie);

#endif
