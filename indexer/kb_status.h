/*
 * kb_status.h - the outcome of a build, written beside the index.
 *
 * After every build that targets an index file, the indexer writes
 * INDEX.status.json (KB_DIAG_STATUS_SUFFIX in kb_diag.h), atomically
 * (temporary file, fsync, rename), so a server serving INDEX shows the
 * knowledge team the problems of the last build, failed or not, within a
 * second and without linking the indexer:
 *
 *   {"builds":3,"building":false,"ok":false,"errors":1,"warnings":0,
 *    "finished":"2026-12-02T12:00:00Z","kb":"kb",
 *    "problems":["articles/x.md:2: error: ..."]}
 *
 * Errors: kb_status_write() returns 0, or -1 with errno set.
 */
#ifndef KB_STATUS_H
#define KB_STATUS_H

#include "kb_build.h"
#include "kb_diag.h"

/* The status file of an index (caller frees). */
char *kb_status_path(const char *index);

/* Writes the status of build number `builds` of `kb_dir` into index:
 * rc is kb_build_run()'s result, err its message when rc is 2; building:
 * a newer build is running (watch mode). */
int kb_status_write(const char *index, const char *kb_dir, int builds, int rc,
                    const kb_diag *d, const kb_build_stats *st, const char *err, int building);

#endif
