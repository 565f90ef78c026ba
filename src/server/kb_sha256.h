/*
 * kb_sha256.h - SHA-256 (FIPS 180-4) of a byte string, and its base64
 * (RFC 4648), for the Content-Security-Policy hash of the stylesheet the
 * pages inline ('sha256-BASE64' in style-src, CSP level 2). Not for
 * secrets: nothing here is constant-time, and nothing needs it to be.
 */
#ifndef KB_SHA256_H
#define KB_SHA256_H

#include <stddef.h>

/* The digest of data[0..n) into out. */
void kb_sha256(const void *data, size_t n, unsigned char out[32]);

/* The digest of data[0..n) in base64 with padding (44 characters and a
 * NUL) into out. */
void kb_sha256_base64(const void *data, size_t n, char out[45]);

#endif
