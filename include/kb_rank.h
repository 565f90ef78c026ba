/*
 * kb_rank.h - ranking features computed inside FTS5, and the score made
 * from them (the confidence and the learned ranker: kb_ltr.h).
 *
 * kb_rank_register() adds the FTS5 auxiliary function
 *
 *   kb_features(fts_table, groups, weights, exact [, dfs [, ngroups]])
 *
 * to a connection. The query's phrases (one per MATCH term, in order) are
 * grouped: the alternatives for one word of the query (its stem, its exact
 * form, a synonym, a spelling correction) share a group. `groups` lists the
 * group of each phrase ("0 0 1 2 2"), `weights` how much each phrase counts
 * ("1 .6 1 1 .5"), `exact` which phrases are a word's exact form ("0 1 0
 * 0 0"): those only count towards KB_FEAT_EXACT, so a word is never
 * counted twice; a 2 there marks a phrase that is in the MATCH only to
 * select rows (a copy of one counted elsewhere in the expression: the
 * candidate pruning of kb_search.c) and is not counted at all; a 3 marks
 * a phrase whose every match is also its word's exact form (the exact
 * form then is not in the MATCH: it has the same documents). `dfs`, optional, gives each phrase's document frequency
 * when the caller knows it ("12 3 -1": -1 for unknown); the others are
 * counted with xQueryPhrase, a pass over the term's whole doclist.
 * `ngroups`, optional, is the number of groups when the phrases of some
 * groups were left out of the MATCH (terms the index does not have). For a
 * matching row it returns a blob of KB_RANK_NOUT
 * doubles (see kb_rank_feature): a BM25F score over the five fields
 * (title, phrases, tags, headings, body) in which each group counts once,
 * by its best phrase; the share of the query's weight (idf) the row
 * matches, overall and in the strong fields (title, phrases, tags); and
 * the share of adjacent query words found next to each other, and the
 * share of the query's words that occur in the index at all (mentions
 * about something else are mostly unknown words).
 */
#ifndef KB_RANK_H
#define KB_RANK_H

#include <sqlite3.h>
#include <stdint.h>

#include "kb_rank_docs.h"

#define KB_RANK_NFEAT 9

/* After the features, the blob holds where the body's best snippet is, so
 * it can be cut without a second query: the position (token number) of
 * the window's first term, which of the KB_RANK_SNIPPET_LEN terms from
 * there matched (bit i: the term at start + i), and how many terms it
 * has: fewer than KB_RANK_SNIPPET_LEN when an aside follows (snippets are
 * prose: a window never holds an aside, the body's text that is not prose,
 * such as a table: the index's asides column, kb_index_writer.c). */
#define KB_RANK_SNIPPET_LEN 24
#define KB_RANK_SNIPPET_START KB_RANK_NFEAT
#define KB_RANK_SNIPPET_MASK (KB_RANK_NFEAT + 1)
#define KB_RANK_SNIPPET_TERMS (KB_RANK_NFEAT + 2)
#define KB_RANK_NOUT (KB_RANK_NFEAT + 3)

typedef enum {
  KB_FEAT_BM25F = 0,   /* BM25F, groups counted once */
  KB_FEAT_COVERAGE,    /* matched idf / query idf, any field (0..1) */
  KB_FEAT_STRONG,      /* matched idf / query idf in title, phrases, tags */
  KB_FEAT_PROXIMITY,   /* adjacent query words adjacent in a field (0..1) */
  KB_FEAT_TITLE,       /* matched idf / query idf in the title */
  KB_FEAT_GROUPS,      /* groups that occur in the index at all */
  KB_FEAT_KNOWN,       /* share of the query's words the index knows */
  KB_FEAT_EXACT,       /* matched idf / query idf by the exact (unstemmed)
                          form of the word */
  KB_FEAT_PHRASE       /* best authored phrase: how much of it the mention
                          has and how much of the mention it covers
                          (geometric mean, 0..1) */
} kb_rank_feature;

/* Registers kb_features() on db, with docs (kb_rank_docs.h; may be NULL;
 * not owned, must outlive db's statements) for the rows it holds.
 * Returns SQLITE_OK or an error code. */
int kb_rank_register(sqlite3 *db, const kb_rank_docs *docs);

/*--- Ranking rows held elsewhere (kb_postings.c) -------------------------*/

/* One query phrase's occurrences in a row, as kb_postings.c holds them:
 * each position packed as column << KB_RANK_COL_SHIFT | offset, in
 * ascending order (the same position twice where FTS5's xInst gives it
 * twice: a prefix index's two terms at one position). A row's lists come
 * in phrase order; read together they are the row's instances in FTS5's
 * xInst order (column, then offset, then phrase). */
#define KB_RANK_COL_SHIFT 29
typedef struct {
  int phrase;             /* the phrase's number in the query */
  int n;                  /* occurrences, at least one */
  const uint32_t *pos;    /* n packed positions, ascending */
  uint64_t head;          /* the positions before the body's, counted
                             (kb_rank_head()), or 0: not known (counted
                             from pos) */
} kb_rank_list;

/* A list's head: its positions in the four fields before the body (a
 * list's first) counted, cnt[c] in column c (each below 256): the counts
 * in bits 8c, the columns with one in bits 32 + c, their sum in bits 40
 * up, and bit 63 (known); 0 when a count does not fit. */
static inline uint64_t kb_rank_head(const unsigned *cnt) {
  uint64_t h = (uint64_t)1 << 63;
  unsigned sum = 0;
  for (int c = 0; c < 4; c++) {
    if (cnt[c] > 255) return 0;
    h |= (uint64_t)cnt[c] << (8 * c) | (uint64_t)(cnt[c] > 0) << (32 + c);
    sum += cnt[c];
  }
  return h | (uint64_t)sum << 40;
}

/* A query as kb_features() reads its arguments: per phrase its group,
 * weight, flag (0 a word, 1 its exact form, 2 a copy that only selects
 * rows, 3 a word whose matches are also its exact form) and document
 * frequency; with the table's row count and the total length of each of
 * its five fields (what FTS5's xRowCount and xColumnTotalSize give). */
typedef struct kb_rank_query kb_rank_query;

/* norms (or NULL), kb_rank_norms_new()'s for the table (kb_rank_docs.h):
 * its rows' normalisations are read there when it was made for totals'
 * averages, and its idfs when for nrow rows (else computed): the same
 * values, so the same scores. The query reads norms until it is freed. */
kb_rank_query *kb_rank_query_new(sqlite3_int64 nrow, const sqlite3_int64 *totals, int nphrase,
                                 const int *group, const double *weight, const int *flag,
                                 const int *df, int ngroups, const kb_rank_norms *norms);
void kb_rank_query_free(kb_rank_query *q);

/* BM25F's weighted term frequency of list l (its head and positions; its
 * phrase is not read) in row id with n's normalisations: the sum over the
 * fields with a match, in order, of the field's weight x its count / its
 * normalisation, as a query scores the list in that row
 * (kb_rank_row_lists()); 0 when n has no normalisations for row id, or l
 * no position in the five fields. */
double kb_rank_list_wtf(const kb_rank_norms *n, sqlite3_int64 id, const kb_rank_list *l);
/* A query word's matches in a row's body, as the snippet window is
 * chosen from them: the word's group, and n of its list's positions (the
 * body's, packed as in kb_rank_list, in order). */
typedef struct {
  int group, n;
  const uint32_t *pos;
} kb_rank_body;

/* The features of row id (its lengths loaded in d) from its matches,
 * l[0..nl) (kb_rank_list, in phrase order), in two steps, so that a row
 * that cannot rank among those a search keeps is left after the first:
 *
 * kb_rank_row_part() counts the term frequencies and gives the features
 * they make (BM25F, coverage, strong, title, exact...; proximity and the
 * phrase match 0), and bounds of the row's score from them: lo, its score
 * with proximity and the phrase match 0, and hi, with each at the most
 * the row's matches allow (adjacent query words that both match all near;
 * the phrase match of an authored phrase made of every query word the
 * phrases field matches). kb_rank_score_without(f, ablate) of the row's
 * whole features lies in [lo, hi]: a row whose hi is below the score of
 * as many rows as a search keeps is not among them.
 *
 * The part also writes, per list, cut[i] (nl of them): where the list's
 * fields are split (the caller keeps it for the rest, not reading it).
 *
 * kb_rank_row_rest() computes the rest from the same lists, that part
 * and cut, into f[KB_RANK_NOUT]: the blob kb_features() returns for the row,
 * but for the snippet window: f[KB_RANK_SNIPPET_*] are left unwritten,
 * and *body is set to the row's body matches (*nbody words' of them,
 * pointing into l's positions), from which kb_rank_snippet() chooses it
 * later. A search ranks every matching row but cuts the snippets of a
 * few: choosing each row's window was a tenth of a suggest on kb/, whose
 * long articles match many times.
 *
 * The term frequencies are counted per list (a list's body matches are
 * those after its last one in another field: a subtraction), and the
 * body's matches are never merged into position order here: proximity
 * walks the lists of each two adjacent words side by side, and only the
 * other fields' few matches (the phrase match reads the phrases field's)
 * are merged. *body is owned by the thread and valid until its next
 * kb_rank_row_rest() call: copy what is kept. */
void kb_rank_row_lists(const kb_rank_query *q, const kb_rank_docs *d, sqlite3_int64 id,
                       const kb_rank_list *l, int nl, double *f, const kb_rank_body **body,
                       int *nbody);

typedef struct {
  double f[KB_RANK_NFEAT]; /* the term frequencies' features */
  double lo, hi;           /* the bounds of the row's score */
} kb_rank_part;

void kb_rank_row_part(const kb_rank_query *q, const kb_rank_docs *d, sqlite3_int64 id,
                      const kb_rank_list *l, int nl, unsigned ablate, kb_rank_part *part,
                      int (*cut)[2]);
void kb_rank_row_rest(const kb_rank_query *q, const kb_rank_docs *d, sqlite3_int64 id,
                      const kb_rank_list *l, int nl, const kb_rank_part *part,
                      const int (*cut)[2], double *f, const kb_rank_body **body, int *nbody);

/* The snippet window of row id (its asides loaded in d) chosen from its
 * body matches b[0..n) (kb_rank_row_lists()), into f[KB_RANK_SNIPPET_*]:
 * what kb_features() writes there. */
void kb_rank_snippet(const kb_rank_docs *d, sqlite3_int64 id, const kb_rank_body *b, int n,
                     double *f);

/* Techniques that can be left out, to measure what each adds (kb-eval's
 * --without; the server never leaves any out). An option of each search
 * (kb_search_opts.ablate) and suggest (kb_suggest_opts.ablate), never a
 * setting of the process. */
#define KB_ABLATE_SPELLING 0x01  /* no spelling corrections */
#define KB_ABLATE_SYNONYMS 0x02  /* no synonyms */
#define KB_ABLATE_SOCIAL 0x04    /* no social filler / text-speak handling */
#define KB_ABLATE_PHRASE 0x08    /* phrase match left out of the score */
#define KB_ABLATE_EXACT 0x10     /* exact forms left out of the score */
#define KB_ABLATE_PROXIMITY 0x20 /* proximity left out of the score */
#define KB_ABLATE_PRUNING 0x40   /* every matching row is a candidate */
#define KB_ABLATE_MEMORY 0x80    /* every search through FTS5, none through
                                    the postings held in memory */
#define KB_ABLATE_PLACE_CANDIDATES 0x100 /* a place named does not make the
                                    articles that link stores candidates */
#define KB_ABLATE_BOUNDS 0x200   /* every matching row scored whole, none
                                    left by its score's bound (kb_rank_row_part():
                                    the same results, slower; for tests) */
#define KB_ABLATE_PLACE_SPELLING 0x400 /* a misspelt place name is not read
                                    as the place (kb_geo_find_misspelt()) */

/* The ranking score of a row from its features (higher is better). */
double kb_rank_score(const double *f);

/* The same with the KB_ABLATE_PHRASE, _EXACT and _PROXIMITY parts of
 * ablate left out. */
double kb_rank_score_without(const double *f, unsigned ablate);

/* The confidence, the learned ranker made from these features and the
 * "nothing fits" model are kb_ltr.h's. */

#endif
