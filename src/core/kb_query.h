/*
 * kb_query.h - a text's terms, once (internal to src/core): the analysis
 * behind kb_index_analyze(), kb_query_free(), kb_query_corrections(),
 * kb_query_set_lang() and kb_query_known() of kb_search.h, which this
 * module implements (a query's phrases and strings are kb_search.c's). A query is read once in every language
 * of the index (or one), each word recorded with its term, its surface
 * form and, when a language is chosen or searched, its spelling
 * correction; kb_search.c builds each search's terms from the records.
 * Split from kb_search.c.
 */
#ifndef KB_QUERY_H
#define KB_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "kb_search.h"

#include "kb_arena.h"
#include "kb_index_impl.h"

/* One term of a text as the analyzer gave it (kb_analyzer_run_terms()),
 * with the spelling correction of its word when the index lacks it. */
typedef struct {
  int flags;              /* KB_TOKEN_COLOCATED */
  const char *term;       /* (the record's strings are shared: kb_query.c) */
  int nterm;
  int start, end;         /* its source bytes */
  const char *surface;    /* the word as written, folded, not stemmed */
  char *alt;              /* correction: the corrected word's stem, or NULL */
  char *fix;              /* correction: the word as corrected, or NULL */
  int df;                 /* kb_vocab_df() of term in its language, -1
                             until looked up (kb_query.c) */
  uint32_t hash;          /* kb_term.hash: the look-up's */
  int *note;              /* kb_term.note, remembered by the language's
                             analyzer (kb_query.c keeps the word's df and
                             whether it has no correction there) */
} kb_query_rec;

/* What kb_query.c and kb_search.c keep in a term's notes (kb_term.note,
 * KB_TERM_NOTES), each looked up once per word while the language's
 * analyzer remembers it, not at every mention: the term's df
 * (kb_query.c's S_rec_df()), its word's correction (S_fix_of()), and its
 * kb_postings_term() in the language's postings + 1 (0: not there;
 * kb_search.c's S_terms_of()). */
enum { KB_QUERY_NOTE_DF, KB_QUERY_NOTE_FIX, KB_QUERY_NOTE_POST };

typedef struct {
  kb_query_rec *v;
  int n, cap;
  int known, pending;     /* words (records not colocated) whose df was
                             remembered as they were recorded:
                             those over 0, and those not remembered */
} kb_query_recs;

struct kb_query {
  kb_index *ix;
  const char *text;       /* the text analyzed (a copy, in mem) */
  size_t nq;              /* bytes of the text */
  int prefix_last;        /* the last word is being typed */
  unsigned ablate;        /* KB_ABLATE_* */
  int li;                 /* its language (corrections, feedback strings):
                             the index's default until kb_query_set_lang() */
  uint64_t corrected;     /* languages whose words were corrected (bit i):
                             spelling is corrected only in the languages
                             searched, not in every language of the index */
  kb_query_recs langs[KB_MAX_LANGS]; /* the terms in each language of ix */
  kb_arena *mem;           /* owns the records' strings */
  const char *last;       /* the last surface copied (in mem) and its word
                             (kb_term.word): every language records it */
  unsigned last_word;
  int nlast;              /* its bytes (a language that elides part of
                             a word records another surface for it) */
  const char *firsts;     /* kb_query_first_phrases()'s terms, each ending
                             in a NUL (in mem), kept by the first search
                             that built them (its language; with the last
                             word a prefix, when each group's first term is
                             its word's own), else by that function, with
                             the span left out; NULL: not yet */
  size_t nfirsts;         /* their bytes */
  size_t firsts_omit_start, firsts_omit_end;
};

/* Corrects the words of language li once. Called when a language is
 * chosen or searched: correcting costs more than reading the words, and
 * most of an index's languages are never searched for a given mention.
 * The query's meaning does not change by it, so a search that holds the
 * query as const may fill it (a cache). */
void kb_query_correct(kb_query *q, int li);

#endif
