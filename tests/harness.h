/*
 * harness.h - what every C test suite shares: cmocka, paths to the programs
 * under test and to ../shared, scratch directories, and a real kb-serve on a
 * loopback port driven over HTTP with libcurl.
 *
 * Each suite is one tests/test_<name>.c with its own main() calling
 * cmocka_run_group_tests(); tests/run.sh runs every suite against the plain
 * and the sanitizer builds and prints the "N passed, N failed" summary.
 */
#ifndef KB_TEST_HARNESS_H
#define KB_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Absolute path of the directory holding the programs under test
 * (kb-index, kb-serve, ...): $KB_BIN when set (tests/run.sh sets it per
 * build), else "bin". */
const char *th_bin_dir(void);

/* Path to a file in ../shared (the project lead's read-only material), or
 * NULL when ../shared is absent. Caller frees. */
char *th_shared_path(const char *rel);

/* Make a fresh scratch directory under $TMPDIR; caller frees the path and
 * removes the tree with th_rmtree(). */
char *th_tmpdir(void);
void th_rmtree(const char *path);

/* Write a whole file (creating parent directories); returns 0 on success. */
int th_write_file(const char *path, const char *content);

/* Read a whole file; NULL if it cannot be read. *pn gets the size when
 * non-NULL. Caller frees. */
char *th_read_file(const char *path, size_t *pn);

/* The shipped word lists of language code (kb/lang/CODE, every list file
 * there), parsed as kb-index parses them; a list that does not parse fails
 * the test. Kept for the whole run (analyzers borrow them): owned by the
 * harness, never freed. */
struct kb_lang;
const struct kb_lang *th_lang(const char *code);

/* Run a command line through /bin/sh, capturing stdout and stderr together.
 * Returns the exit status (or -1); *pout gets the output (caller frees) when
 * pout is non-NULL. */
int th_run(const char *cmdline, char **pout);

/* printf into a fresh heap string. Caller frees. */
char *th_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A kb-serve process on 127.0.0.1 with a kernel-chosen port. */
typedef struct th_server th_server;

/* Start bin/kb-serve with the given extra arguments (a NULL-terminated list
 * after --listen 127.0.0.1:0, and --rate -1 unless args set a rate);
 * waits until it accepts connections. NULL on failure. */
th_server *th_server_start(const char *const *args);
/* The same, the program started through a wrapper command (a
 * NULL-terminated list, e.g. setpriv to drop root). */
th_server *th_server_start_wrapped(const char *const *wrapper, const char *const *args);
int th_server_port(const th_server *s);

/* Indexes the knowledge base kb_dir into a fresh scratch directory and
 * starts kb-serve on that index, with the extra arguments (NULL-terminated
 * list, may be NULL). *pindex gets the index path; the scratch directory
 * goes when the server is stopped. NULL on failure. */
th_server *th_serve_kb(const char *kb_dir, const char *const *extra, char **pindex);
/* Sends a signal to the server process; returns kill()'s result. */
int th_server_signal(const th_server *s, int sig);

/* The server's stderr/stdout log so far. Caller frees. */
char *th_server_log(const th_server *s);
/* Send SIGTERM and wait; returns the exit status (or -1). Frees s. */
int th_server_stop(th_server *s);

/* An HTTP response: status, body (NUL-terminated) and raw headers. */
typedef struct th_resp {
  long status;
  char *body;
  size_t nbody;
  char *headers;
} th_resp;

/* Perform a request on the server with libcurl: method ("GET", "POST", ...),
 * path ("/api/v1/suggest"), optional body (NULL for none, nbody bytes),
 * optional extra header lines (NULL-terminated; a body goes with
 * Content-Type: application/json unless they give one). Returns 0 on success and
 * fills *r; free it with th_resp_free(). */
int th_http(const th_server *s, const char *method, const char *path,
            const char *body, size_t nbody, const char *const *headers,
            th_resp *r);
void th_resp_free(th_resp *r);

/* GETs path every 50 ms, up to tries times, until the body contains
 * needle. Returns 1 when it did, 0 when it never did (or a request
 * failed). */
int th_wait_body(const th_server *s, const char *path, const char *needle, int tries);

/* The value of the sample `name` (with its labels, as written: 'kb_requests_total{route="suggest",
 * status="200"}') in the server's GET /metrics, or -1 when it has none or the request failed. */
double th_metric(const th_server *s, const char *name);

/* The value of a response header (case-insensitive name), or NULL. Caller
 * frees. */
char *th_resp_header(const th_resp *r, const char *name);

/* Indexes the knowledge base kb (NULL: DIR/kb) into DIR/kb.sqlite with
 * kb-index and opens the index (asserts both work). Close it with
 * th_index_done(). */
struct kb_index *th_index_kb(const char *kb, const char *dir);
/* Closes x and removes (and frees) dir. */
void th_index_done(struct kb_index *x, char *dir);

#endif
