/*
 * kb_esc.h - text from outside (queries, mentions, file names, request
 * methods) made safe to print on a terminal or in a log line: control
 * characters and bytes that are not UTF-8 become visible escapes, and a
 * text shortened for display is never cut inside a character.
 */
#ifndef KB_ESC_H
#define KB_ESC_H

#include <stddef.h>

#include "kb_util.h"

/* The length of the longest prefix of s[0..n) of at most max bytes that
 * does not end inside a UTF-8 sequence. */
size_t kb_esc_cut(const char *s, size_t n, size_t max);

/* Appends s[0..n) to out with C0 controls, DEL and C1 controls written
 * as \n, \r, \t or \xNN, a backslash as \\, and each byte that is not
 * part of valid UTF-8 as \xNN. Everything else is copied as it is. */
void kb_esc_put(kb_buf *out, const char *s, size_t n);

/* The same into a new string (NULL gives NULL); the caller frees it. */
char *kb_esc(const char *s);

#endif
