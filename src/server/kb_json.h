/*
 * kb_json.h - strict JSON (RFC 8259) for request bodies.
 *
 * cJSON is lenient: it stops at the end of the first value (so
 * {"text":"hi"}xyz passes), skips a byte-order mark and accepts raw
 * control characters inside strings. A body is checked here first, and
 * only a text that is exactly one JSON value, with white space around it
 * at most, goes to cJSON.
 *
 * kb_json_flat_member() reads the flat objects kb-index writes (a store's
 * hours) without cJSON, per reply; it leaves any other text to cJSON.
 */
#ifndef KB_JSON_H
#define KB_JSON_H

#include <stddef.h>

/* Deepest nesting of arrays and objects accepted. */
#define KB_JSON_MAX_DEPTH 64

/* 0 if s[0..n) is one strict JSON text (no BOM, no NUL, no raw control
 * character in a string, valid escapes and numbers, nothing after the
 * value, nesting at most KB_JSON_MAX_DEPTH); else -1 with the offending
 * byte's offset in *at and a static reason in *why. */
int kb_json_check(const char *s, size_t n, size_t *at, const char **why);

/* The value of member name in s, when s is a flat object of strings as
 * kb-index writes them: {"name":"value",...} with no white space, no
 * escape and no control character, nothing after it. Returns 1 with the
 * value copied into out[0..nout) (the first member of that name, as
 * cJSON_GetObjectItemCaseSensitive() takes), 0 when there is no such
 * member, and -1 when s is not of that form or the value does not fit:
 * the caller then reads s with cJSON, which gives the same answer for
 * every text this reads. */
int kb_json_flat_member(const char *s, const char *name, char *out, size_t nout);

/* A member's value as kb_json_flat_fields() read it. */
typedef enum {
  KB_JSON_ABSENT = 0, /* no member of that name */
  KB_JSON_STRING,
  KB_JSON_NUMBER,
  KB_JSON_OTHER,  /* true or false (and, from cJSON, an array or an object) */
  KB_JSON_NULL
} kb_json_kind;

typedef struct {
  kb_json_kind kind;
  const char *str; /* KB_JSON_STRING: the value unescaped, NUL-terminated (in buf) */
  double num;      /* KB_JSON_NUMBER: as strtod() reads it, as cJSON does */
} kb_json_field;

/* Reads the members names[0..nnames) of s[0..n) without cJSON, when s is
 * a flat object as API clients send a request: white space, members
 * whose names have no escape and whose values are strings without a \u
 * escape, numbers of at most 63 characters, true, false or null; nothing
 * after it. Returns 0 with out[k] the first member named names[k] (as
 * cJSON_GetObjectItemCaseSensitive() takes; KB_JSON_ABSENT when none),
 * its string unescaped into buf (n bytes at least; out's strings point
 * there), or -1 when s is of any other form: the caller then checks it
 * (kb_json_check()) and parses it with cJSON, which reads every text this
 * reads the same (a strict one), so the answers do not change. */
int kb_json_flat_fields(const char *s, size_t n, const char *const *names, int nnames,
                        kb_json_field *out, char *buf);

#endif
