/*
 * kb_synonyms.h - the knowledge team's synonym file (kb/synonyms.txt).
 *
 * Format (as Solr's synonym files): one rule per line, '#' starts a
 * comment, blank lines are ignored.
 *
 *   phone, mobile, handset, mob      equivalence: any of them finds all
 *   ph, fon => phone                 one way: the left is read as the right
 *   sim card, simcard                terms may be several words
 *
 * Terms are lower-cased and trimmed. Problems are reported as path:line.
 */
#ifndef KB_SYNONYMS_H
#define KB_SYNONYMS_H

#include <stddef.h>

#include "kb_diag.h"

typedef struct kb_synonyms kb_synonyms;

/* One rule: lhs terms, and rhs terms for a one-way rule (nrhs 0 for an
 * equivalence group). Strings are owned by the kb_synonyms. */
typedef struct kb_synonym_rule {
  int line;
  char **lhs;
  int nlhs;
  char **rhs;
  int nrhs;
} kb_synonym_rule;

/* Parses data[0..n) read from path; problems go to d. Always returns an
 * object (with the rules that were valid); free with kb_synonyms_free(). */
kb_synonyms *kb_synonyms_parse(const char *path, const char *data, size_t n,
                               kb_diag *d);
void kb_synonyms_free(kb_synonyms *s);

int kb_synonyms_count(const kb_synonyms *s);
const kb_synonym_rule *kb_synonyms_rule(const kb_synonyms *s, int i);

#endif
