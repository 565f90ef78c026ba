/*
 * kb_search.c - the read side of the index: search and fetch (a query's
 * analysis is kb_query.c, opening an index kb_index.c, the results' order
 * and rows added to them by name kb_results.c).
 *
 * A query is analyzed once (kb_index_analyze(), kb_query.c: per language of
 * the index, with that language's analyzer and word lists, the terms with
 * the surface form of each word and its spelling correction), then built
 * into groups of terms for each search (S_build(): a term and the
 * alternatives at its position, such as "iphone12" beside "iphone",
 * corrections and synonyms; words of an omitted span, a place, left out).
 * The FTS5 MATCH expression ORs them as raw terms (kb_fts.h), so FTS5 sees
 * exactly the analyzer's terms; terms the index lacks are left out, and it
 * runs over the id range(s) of the collection and types asked for. Every
 * matching row gets its ranking features from kb_features() (kb_rank.c) and
 * is scored in C; only the page of hits returned is looked up in full. With
 * very many matching rows, only rows with the query's rarest terms are
 * candidates (S_select). Snippets are cut (kb_snip.c) from the body at the
 * window kb_features() chose, with control-character markers that are
 * turned into <mark> after HTML escaping, so nothing in an article can
 * inject markup through a snippet.
 */
#include "kb_search.h"

#include <math.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "kb_index_impl.h"

#include "kb_arena.h"
#include "kb_fts.h"
#include "kb_lang.h"
#include "kb_postings.h"
#include "kb_qcache.h"
#include "kb_query.h"
#include "kb_order.h"
#include "kb_results.h"
#include "kb_rows.h"
#include "kb_rank.h"
#include "kb_rank_docs.h"
#include "kb_snip.h"
#include "kb_text.h"
#include "kb_util.h"
#include "kb_vocab.h"

#define S_MAX_TERMS 64  /* distinct terms used from one query */


/*--- Query building ------------------------------------------------------*/

/* The analyzed query: distinct terms, each in the group of the query word
 * it came from, with a weight (alternatives count less than the word).
 * Its strings are borrowed, not copied: the analysis's (kb_query, whose
 * records' terms, surfaces and corrections outlive every search of it)
 * and the synonym rules' (the index's); each was copied twice a word, the
 * term and the group's primary term, into an arena of the S_query's. */
typedef struct {
  const char *terms[S_MAX_TERMS];
  int len[S_MAX_TERMS];      /* strlen(terms[i]) */
  int group[S_MAX_TERMS];
  double weight[S_MAX_TERMS];
  int prefix[S_MAX_TERMS];   /* term is a prefix query ("deliv*") */
  int df[S_MAX_TERMS];       /* S_phrase_df() of the term, -2 until asked */
  int *note[S_MAX_TERMS];    /* a word's own term's notes (kb_query_rec.note,
                                KB_QUERY_NOTE_*), else NULL */
  int n;
  int ngroups;
  const char *prim[S_MAX_TERMS]; /* the primary term of each group */
  int span_s[S_MAX_TERMS], span_e[S_MAX_TERMS]; /* its source bytes */
  const char *fix[S_MAX_TERMS]; /* the word as corrected, for "did you mean" */
  int rec[S_MAX_TERMS];      /* the analysis record of each group's word */
  int nrec;                  /* the first nrec terms are the words' own
                                (S_build()'s from the records); the others
                                join their groups (alternatives, synonyms,
                                the word being typed) */
  int last_start, last_end;  /* source span of the last primary term */
} S_query;

static int S_find(const S_query *q, const char *t, int n) {
  for (int i = 0; i < q->n; i++)
    if (q->len[i] == n && memcmp(q->terms[i], t, (size_t)n) == 0) return i;
  return -1;
}

/* Adds term t (n bytes, NUL-terminated: a record's, borrowed) of the
 * word at [s, e). */
static int S_add_term(S_query *q, int flags, const char *t, int n, int s, int e) {
  int colocated = (flags & KB_TOKEN_COLOCATED) && q->ngroups > 0;
  if (!colocated) {
    q->last_start = s;
    q->last_end = e;
  }
  if (!colocated && q->ngroups < S_MAX_TERMS) {
    q->prim[q->ngroups] = t;
    q->span_s[q->ngroups] = s;
    q->span_e[q->ngroups] = e;
  }
  if (S_find(q, t, n) >= 0 || q->n >= S_MAX_TERMS) {
    if (!colocated) q->ngroups++; /* a repeated word still takes a group */
    return 0;
  }
  if (!colocated) q->ngroups++;
  q->terms[q->n] = t;
  q->len[q->n] = n;
  q->group[q->n] = q->ngroups - 1;
  /* the word 1.0, other forms at its position 0.8; the exact form counts
   * only towards KB_FEAT_EXACT (kb_rank.h), which ranks exact forms above
   * stemmed ones */
  q->weight[q->n] = !colocated ? 1.0 : t[0] == KB_TEXT_EXACT_MARK ? 1.0 : 0.8;
  q->prefix[q->n] = 0;
  q->df[q->n] = -2;
  q->note[q->n] = NULL;
  q->n++;
  return 0;
}

static void S_query_free(S_query *q) {
  q->n = 0;
  q->ngroups = 0;
}

/* Adds term t (n bytes, NUL-terminated, borrowed: a single term, or a
 * phrase of terms joined by spaces) to group g as an alternative of
 * weight w, unless it is there already; note: t's notes (a single term's,
 * KB_QUERY_NOTE_*), or NULL. */
static void S_add_alt(S_query *q, const char *t, int n, int g, double w, int *note) {
  if (S_find(q, t, n) >= 0 || q->n >= S_MAX_TERMS) return;
  q->terms[q->n] = t;
  q->len[q->n] = n;
  q->group[q->n] = g;
  q->weight[q->n] = w;
  q->prefix[q->n] = 0;
  q->df[q->n] = note && note[KB_QUERY_NOTE_DF] >= 0 ? note[KB_QUERY_NOTE_DF] : -2;
  q->note[q->n] = note;
  q->n++;
}

/* Word g's term's bytes and kb_hash(), as its analysis record r->v[q->rec[g]]
 * has them (q->prim[g] is its term: S_build()), not measured and hashed
 * again for the synonyms' look-up; the exact form's hash is without its
 * mark, so such a term (never a word's first, in practice) is hashed. */
static size_t S_prim_of(const kb_query_recs *r, const S_query *q, int g, uint32_t *h) {
  const kb_query_rec *x = &r->v[q->rec[g]];
  *h = x->term[0] != KB_TEXT_EXACT_MARK ? x->hash : kb_hash(x->term, (size_t)x->nterm);
  return (size_t)x->nterm;
}

/* Applies the synonym rules: wherever the query's words (their records
 * r) read as a rule's source, the rule's target joins the first word's
 * group. */
static void S_expand_synonyms(const kb_ix_lang *l, const kb_query_recs *r, S_query *q) {
  int ng = q->ngroups < S_MAX_TERMS ? q->ngroups : S_MAX_TERMS;
  if (!l->nsyn) return;
  for (int g = 0; g < ng; g++) {
    /* no rule's source starts with word g: none is a sequence from it */
    if (!q->prim[g]) continue;
    uint32_t hw;
    size_t n0 = S_prim_of(r, q, g, &hw);
    uint32_t h = hw % KB_IX_SYNFIRST_BITS;
    if (!(l->synfirst[h / 64] >> (h % 64) & 1)) continue;
    /* the rules a sequence from word g can be: those of its first word
     * (kb_ix_synword_of(): every other rule sorts before or after them,
     * so the first at or past a sequence is found among them, and there
     * are a few, where halving all of them was 2 % of a kb/ suggest's
     * instructions), else all */
    int from = 0, to = l->nsyn;
    if (l->synword) {
      const kb_ix_synword *sw = kb_ix_synword_of(l, q->prim[g], n0, hw);
      if (!sw) continue; /* (no rule starts with the word) */
      from = sw->first;
      to = sw->end;
    }
    char seq[4 * (KB_TEXT_MAX_TERM + 2)];
    size_t n = 0;
    for (int len = 1; len <= 4 && g + len <= ng; len++) {
      const char *w = q->prim[g + len - 1];
      if (!w) break;
      size_t wn = (size_t)r->v[q->rec[g + len - 1]].nterm; /* (S_prim_of()) */
      if (n + wn + 2 > sizeof seq) break;
      if (len > 1) seq[n++] = ' ';
      memcpy(seq + n, w, wn + 1);
      n += wn;
      /* the rules are sorted by source (S_sort_synonyms()): the first
       * with this one, and those after it, in the order they were read */
      int lo = from, hi = to;
      while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (strcmp(l->syn[mid].src, seq) < 0) lo = mid + 1;
        else hi = mid;
      }
      for (int i = lo; i < to && !strcmp(l->syn[i].src, seq); i++)
        if (l->syn[i].nsrc == len) {
          kb_ix_syn *rule = (kb_ix_syn *)&l->syn[i]; /* (its notes: a cache) */
          S_add_alt(q, rule->dst, rule->ndst, g, 0.7, rule->phrase ? NULL : rule->note);
        }
      /* the sources starting with seq follow lo: none, and no longer
       * sequence from word g can be a source either */
      if (lo == to || strncmp(l->syn[lo].src, seq, n)) break;
    }
  }
}

/* 1 if [s, e) overlaps [from, to) (bytes left out of a search). */
static int S_omitted(int s, int e, size_t from, size_t to) {
  return from < to && (size_t)e > from && (size_t)s < to;
}

/* Builds the terms of language li from q's analysis into t: the words
 * (those in [omit_from, omit_to) left out, as if that text were not
 * there), their corrections, the synonyms they read as, and the word
 * being typed as a prefix of its folded, unstemmed form when the query
 * was analyzed with prefix_last. */
static void S_build(const kb_query *q, int li, size_t omit_from, size_t omit_to, int prefix_last,
                    S_query *t) {
  const kb_ix_lang *l = &q->ix->langs[li];
  const kb_query_recs *r = &q->langs[li];
  /* not cleared whole (3.8 KB a search): a term's fields and a group's
   * prim, spans and rec are set as they are added; fix only where there
   * is a correction */
  t->n = t->ngroups = 0;
  memset(t->fix, 0, sizeof t->fix);
  t->last_start = t->last_end = -1;
  int dropped = 0; /* the word the terms at its position belong to was left out */
  for (int i = 0; i < r->n; i++) {
    const kb_query_rec *x = &r->v[i];
    int colocated = (x->flags & KB_TOKEN_COLOCATED) != 0;
    if (!colocated) dropped = S_omitted(x->start, x->end, omit_from, omit_to);
    if (dropped || S_omitted(x->start, x->end, omit_from, omit_to)) continue;
    int g = t->ngroups, nt = t->n;
    S_add_term(t, x->flags, x->term, x->nterm, x->start, x->end);
    if (t->ngroups > g && g < S_MAX_TERMS) t->rec[g] = i;
    if (t->n > nt) {
      if (x->df >= 0) t->df[nt] = x->df; /* looked up already */
      t->note[nt] = x->note;
    }
  }
  t->nrec = t->n;
  int ng = t->ngroups < S_MAX_TERMS ? t->ngroups : S_MAX_TERMS;
  int typing = prefix_last && t->last_end >= 0 && (size_t)t->last_end == q->nq;
  /* the word being typed is a prefix, not a typo, while a word of the
   * index starts with it (kb_query_correct() left it without a correction) */
  if (typing && ng > 0 && !r->v[t->rec[ng - 1]].fix && !r->v[t->rec[ng - 1]].alt) ng--;
  for (int g = 0; g < ng && !(q->ablate & KB_ABLATE_SPELLING); g++) {
    const kb_query_rec *x = &r->v[t->rec[g]];
    if (x->alt) S_add_alt(t, x->alt, (int)strlen(x->alt), g, 0.6, NULL);
    if (x->fix) t->fix[g] = x->fix;
  }
  if (!(q->ablate & KB_ABLATE_SYNONYMS)) S_expand_synonyms(l, r, t);
  if (!prefix_last || t->last_start < 0 || (size_t)t->last_end != q->nq) return;
  /* the last word as written (folded, not stemmed) */
  const kb_query_rec *last = NULL;
  for (int i = r->n - 1; i >= 0 && !last; i--)
    if (!(r->v[i].flags & KB_TOKEN_COLOCATED) && r->v[i].start == t->last_start) last = &r->v[i];
  if (last && t->n < S_MAX_TERMS && strlen(last->surface) >= 2) {
    t->terms[t->n] = last->surface;
    t->len[t->n] = (int)strlen(last->surface);
    t->group[t->n] = t->ngroups ? t->ngroups - 1 : 0;
    t->weight[t->n] = 0.9;
    t->prefix[t->n] = 1;
    t->df[t->n] = -2;
    t->note[t->n] = NULL;
    if (!t->ngroups) t->ngroups = 1;
    t->n++;
  }
}

/* Appends "\x01term" as an FTS5 string (quotes doubled). */
static void S_put_raw(kb_buf *b, const char *t) {
  kb_buf_puts(b, "\"\x01");
  for (const char *p = t; *p; p++) {
    if (*p == '"') kb_buf_putc(b, '"');
    kb_buf_putc(b, *p);
  }
  kb_buf_putc(b, '"');
}

/* The same lists as arrays, for a search of the postings in memory
 * (kb_postings.h, kb_rank_query_new()): the phrases in MATCH order. */
#define S_MAX_PHRASES (2 * S_MAX_TERMS)
typedef struct {
  int n;
  const char *text[S_MAX_PHRASES];
  unsigned char pre[S_MAX_PHRASES]; /* this phrase is a prefix query */
  int group[S_MAX_PHRASES], flag[S_MAX_PHRASES], df[S_MAX_PHRASES];
  double weight[S_MAX_PHRASES];
  int *note[S_MAX_PHRASES];         /* a word's own term's notes (S_query.note) */
  const kb_postings *noted;         /* the postings whose terms the notes keep
                                       (the query's index's), or NULL */
} S_phrases;

/* The lists kb_features() takes, built phrase by phrase. */
typedef struct {
  kb_buf *match, *groups, *weights, *exact, *dfs;
  S_phrases *ph; /* NULL: not wanted */
  int listed;   /* phrases in the lists so far */
  int in_part;  /* phrases in the current part of the expression */
} S_lists;

/* Appends phrase i of t (document frequency df; select: a copy that only
 * selects rows) to the expression and the lists. */
static void S_render_one(S_lists *o, const S_query *t, int i, int df, int select,
                         int implies) {
  int flag = select ? 2 : t->terms[i][0] == KB_TEXT_EXACT_MARK ? 1 : implies ? 3 : 0;
  long w = lround(t->weight[i] * 100); /* weights in hundredths, as "0.80" */
  S_phrases *ph = o->ph;
  if (ph && ph->n < S_MAX_PHRASES) {
    ph->text[ph->n] = t->terms[i];
    ph->group[ph->n] = t->group[i];
    ph->weight[ph->n] = (double)w / 100.0; /* what "0.80" reads as */
    ph->flag[ph->n] = flag;
    ph->df[ph->n] = df;
    ph->pre[ph->n] = (unsigned char)(t->prefix[i] != 0);
    ph->note[ph->n] = t->note[i];
    ph->n++;
  }
  if (!o->match) { /* the arrays only */
    o->listed++;
    return;
  }
  if (o->listed++) {
    kb_buf_putc(o->groups, ' ');
    kb_buf_putc(o->weights, ' ');
    kb_buf_putc(o->exact, ' ');
    if (o->dfs) kb_buf_putc(o->dfs, ' ');
  }
  if (o->in_part++) kb_buf_puts(o->match, " OR ");
  if (o->dfs) kb_buf_put_int(o->dfs, df);
  kb_buf_putc(o->exact, (char)('0' + flag));
  S_put_raw(o->match, t->terms[i]);
  if (t->prefix[i]) kb_buf_puts(o->match, " *");
  kb_buf_put_int(o->groups, t->group[i]);
  kb_buf_put_int(o->weights, w / 100);
  kb_buf_putc(o->weights, '.');
  kb_buf_putc(o->weights, (char)('0' + w % 100 / 10));
  kb_buf_putc(o->weights, (char)('0' + w % 10));
}

/* A single term's document frequency is in the vocabulary (0: the index
 * does not have it); phrases (multi-word synonyms) and prefixes: -1,
 * unknown, counted by kb_features(). */
static int S_phrase_df(const kb_ix_lang *l, S_query *t, int i) {
  if (t->df[i] != -2) return t->df[i];
  t->df[i] = !t->prefix[i] && !strchr(t->terms[i], ' ') ? kb_vocab_df(l->vocab, t->terms[i]) : -1;
  if (t->note[i]) t->note[i][KB_QUERY_NOTE_DF] = t->df[i]; /* (a single term's: S_query.note) */
  return t->df[i];
}

/* The MATCH expression (terms OR-ed) and the group and weight lists that
 * kb_features() takes, in the same order (with use_df: their document
 * frequencies into dfs, terms the index lacks left out), and the same as
 * arrays into ph (not NULL). With sel, the expression is "(selected) AND
 * (all)": only rows with a selected term are candidates, and the copies
 * of the selected terms in front are marked as not counted. match NULL:
 * the arrays only (the postings in memory read no string: rendering them
 * was 4 % of a suggest; S_search_lang() renders them when FTS5 needs
 * them). Returns the number of groups; *listed the phrases. */
static int S_render(const kb_ix_lang *l, S_query *t, const unsigned char *sel, int use_df,
                    kb_buf *match, kb_buf *groups, kb_buf *weights, kb_buf *exact, kb_buf *dfs,
                    S_phrases *ph, int *listed) {
  S_lists o = {.match = match, .groups = groups, .weights = weights, .exact = exact,
               .dfs = dfs, .ph = ph};
  if (ph) ph->n = 0; /* (its arrays are read below n only: clearing 1.6 KB
                       was 0.5 K instructions a search) */
  int ngroups = 0;
  for (int i = 0; i < t->n; i++)
    if (t->group[i] + 1 > ngroups) ngroups = t->group[i] + 1;
  /* A word's exact form with as many documents as its stem is in the same
   * documents (every exact form sits beside its stem): the stem's matches
   * stand for it, one term lookup fewer. implied[i]: phrase i is such an
   * exact form; its stem is marked instead. */
  unsigned char implied[S_MAX_TERMS] = {0}, implies[S_MAX_TERMS] = {0};
  int dfv[S_MAX_TERMS];
  for (int i = 0; i < t->n; i++) dfv[i] = use_df || sel ? S_phrase_df(l, t, i) : -1;
  for (int i = 0; use_df && i < t->n; i++) {
    if (t->terms[i][0] != KB_TEXT_EXACT_MARK || dfv[i] <= 0) continue;
    for (int k = 0; k < t->n; k++)
      if (k != i && t->group[k] == t->group[i] && t->weight[k] >= 1.0 && !t->prefix[k] &&
          t->terms[k][0] != KB_TEXT_EXACT_MARK && dfv[k] == dfv[i]) {
        implied[i] = implies[k] = 1;
        break;
      }
  }
  if (sel) {
    if (match) kb_buf_putc(match, '(');
    for (int i = 0; i < t->n; i++)
      if (sel[i]) S_render_one(&o, t, i, dfv[i], 1, 0);
    if (match) kb_buf_puts(match, ") AND (");
    o.in_part = 0;
  }
  for (int i = 0; i < t->n; i++) {
    int df = use_df ? dfv[i] : -1;
    /* a term the index does not have cannot match: left out of the MATCH
     * (a lookup saved per term), its group still counted */
    if ((use_df && df == 0) || implied[i]) continue;
    S_render_one(&o, t, i, df, 0, implies[i]);
  }
  if (sel && match) kb_buf_putc(match, ')');
  if (listed) *listed = o.listed;
  return ngroups;
}

/* Candidate pruning for large knowledge bases. When the query's terms
 * would bring more than S_PRUNE_ROWS rows (estimated from their document
 * frequencies and the share of the index being searched), only rows with
 * one of its rarest terms (rarest first, up to that many rows) are
 * candidates; a row with only common words of the query would rank low
 * anyway. The features of the candidates are computed from all the terms,
 * as without pruning. Sets sel and returns 1 when pruning applies. */
#define S_PRUNE_ROWS 1000

static int S_select(const kb_ix_lang *l, S_query *t, double share, unsigned ablate,
                    unsigned char *sel) {
  int order[S_MAX_TERMS], df[S_MAX_TERMS], n = 0;
  double total = 0;
  for (int i = 0; i < t->n; i++) {
    sel[i] = 0;
    df[i] = S_phrase_df(l, t, i);
    if (df[i] <= 0) continue;
    total += df[i] * share;
    order[n++] = i;
  }
  if (total <= S_PRUNE_ROWS || n < 2 || (ablate & KB_ABLATE_PRUNING)) return 0;
  for (int a = 1; a < n; a++) /* by document frequency, rarest first */
    for (int b = a; b > 0 && df[order[b]] < df[order[b - 1]]; b--) {
      int x = order[b];
      order[b] = order[b - 1];
      order[b - 1] = x;
    }
  double rows = 0;
  for (int k = 0; k < n; k++) {
    double r = df[order[k]] * share;
    if (k > 0 && rows + r > S_PRUNE_ROWS) break;
    sel[order[k]] = 1;
    rows += r;
  }
  return 1;
}

/*--- Searching -----------------------------------------------------------*/

/* The query with its corrected words in place, kept in r when there is a
 * correction. */
static void S_keep_corrected(kb_results *r, const char *q, size_t nq, const S_query *t) {
  kb_buf b = KB_BUF_INIT;
  size_t at = 0;
  int any = 0;
  for (int g = 0; g < t->ngroups && g < S_MAX_TERMS; g++) {
    if (!t->fix[g] || (size_t)t->span_s[g] < at) continue;
    kb_buf_put(&b, q + at, (size_t)t->span_s[g] - at);
    kb_buf_puts(&b, t->fix[g]);
    at = (size_t)t->span_e[g];
    any = 1;
  }
  if (any) {
    kb_buf_put(&b, q + at, nq - at);
    r->corrected = kb_results_keep(r, kb_buf_str(&b));
  }
  kb_buf_cleanup(&b);
}

/* A candidate row before its metadata is fetched. */
typedef struct {
  int64_t id;
  int lang;          /* index into ix->langs, for the snippet */
  double score;
  double feat[KB_RANK_NFEAT];
  int snip_start;    /* the snippet window (kb_rank.h) */
  unsigned snip_mask;
  int snip_terms;
  int bfirst, nbody; /* nbody >= 0: the window is still to be chosen, from
                        the body matches S_cands.body[bfirst..+nbody) */
} S_cand;

typedef struct {
  S_cand *v;
  int n, cap;
  unsigned ablate;   /* KB_ABLATE_* of the score (kb_rank_score_without()) */
  kb_rank_body *body; /* the body matches of candidates ranked in memory:
                        their positions in the postings (held as long as
                        the index), or copied into *mem (a list the match
                        made and freed); given to the results when their
                        snippets are cut later (kb_results.body) */
  int nbody, capbody;
  void **mem;         /* the results' arena (kb_results.mem) */
  int skipped;       /* rows counted but not ranked: their bound kept
                        them out of the page (S_search_mem()) */
  double *skipcov;   /* with cut_weak: each skipped row's coverage
                        (S_cut_weak()) */
  int nskipcov, capskipcov;
} S_cands;

static int S_cmp_cand(const void *x, const void *y) {
  const S_cand *a = x, *b = y;
  if (a->score != b->score) return a->score > b->score ? -1 : 1;
  return a->id < b->id ? -1 : a->id > b->id;
}

#define S_MAX_TOP 32 /* a page of at most this many hits is selected, not sorted */

/* c's candidates' array given back for the thread's next search
 * (kb_spare_give()): c->v is then another's (cap -1). */
static void S_cands_give(S_cands *c) {
  if (c->cap > 0) kb_spare_give(KB_SPARE_CANDS, c->v, (size_t)c->cap * sizeof *c->v);
  else free(c->v);
  c->v = NULL;
  c->cap = -1;
}

/* The indices of the first k candidates of c (k at most c->n), in the
 * order qsort() with S_cmp_cand gives (glibc's is a stable merge sort:
 * equal ones stay in the order they came), into at[0..k). A page of
 * results needs only its first rows in order: picking them from many
 * candidates (search as you type matches most of the index on a short
 * prefix) is one comparison per candidate, where sorting them all was a
 * tenth of the request. The candidates stay where they are: the page's
 * hits are filled from them through at (moving a suggest's 30 into order,
 * through an array on the stack and back, was 1.0 K instructions). */
#define S_KEYS_STACK 128
static void S_order(const S_cands *c, int k, int *at) {
  if (c->n < 2) {
    for (int j = 0; j < k; j++) at[j] = j;
    return;
  }
  if (k > S_MAX_TOP || 4 * k >= c->n) { /* sorted by their keys, the first k read */
    /* candidates in id order (the rows are called so): keys of two words
     * (kb_order_key_at; 0.6 K instructions a kb/ suggest, callgrind) */
    int rising = 1;
    for (int i = 1; i < c->n; i++) rising &= c->v[i].id >= c->v[i - 1].id;
    if (rising && c->n <= S_KEYS_STACK) {
      kb_order_key_at key[S_KEYS_STACK];
      for (int i = 0; i < c->n; i++) key[i] = (kb_order_key_at){c->v[i].score, i};
      kb_order_sort_at(key, c->n);
      for (int j = 0; j < k; j++) at[j] = (int)key[j].at;
      return;
    }
    kb_order_key kbuf[S_KEYS_STACK];
    kb_order_key *key = c->n <= S_KEYS_STACK ? kbuf : kb_xmalloc((size_t)c->n * sizeof *key);
    for (int i = 0; i < c->n; i++) key[i] = (kb_order_key){c->v[i].score, c->v[i].id, i};
    kb_order_sort(key, c->n);
    for (int j = 0; j < k; j++) at[j] = key[j].at;
    if (key != kbuf) free(key);
    return;
  }
  int nt = 0; /* at: indices of the best so far, in order */
  for (int i = 0; i < c->n; i++) {
    /* i comes after every earlier candidate it compares equal to */
    if (nt == k && S_cmp_cand(&c->v[i], &c->v[at[nt - 1]]) >= 0) continue;
    int j = nt < k ? nt++ : k - 1;
    while (j > 0 && S_cmp_cand(&c->v[i], &c->v[at[j - 1]]) < 0) {
      at[j] = at[j - 1];
      j--;
    }
    at[j] = i;
  }
}

/* Puts all of c's candidates in S_order()'s order (S_cut_weak(), with a
 * NaN score). */
static void S_order_all(S_cands *c) {
  if (c->n < 2) return;
  int *at = kb_xmalloc((size_t)c->n * sizeof *at);
  S_cand *v = kb_xmalloc((size_t)c->n * sizeof *v);
  S_order(c, c->n, at);
  for (int j = 0; j < c->n; j++) v[j] = c->v[at[j]];
  memcpy(c->v, v, (size_t)c->n * sizeof *v);
  free(v);
  free(at);
}

/* Adds row id with its features f (KB_RANK_NOUT doubles; NULL: none). */
static inline __attribute__((always_inline)) void S_add_cand(S_cands *c, int64_t id, int li,
                                                              const double *f) {
  if (c->n == c->cap) {
    c->cap = c->cap ? 2 * c->cap : 64;
    c->v = kb_xrealloc(c->v, (size_t)c->cap * sizeof *c->v);
  }
  S_cand *x = &c->v[c->n++];
  if (f) { /* every field set (a clearing first was a call per row) */
    x->id = id;
    x->lang = li;
    memcpy(x->feat, f, sizeof x->feat);
    x->snip_start = (int)f[KB_RANK_SNIPPET_START];
    x->snip_mask = (unsigned)f[KB_RANK_SNIPPET_MASK];
    x->snip_terms = (int)f[KB_RANK_SNIPPET_TERMS];
    x->bfirst = 0;
    x->nbody = -1;
  } else {
    memset(x, 0, sizeof *x);
    x->id = id;
    x->lang = li;
    x->nbody = -1;
  }
  x->score = kb_rank_score_without(x->feat, c->ablate);
}

/* Steps st, collecting every row with its features and score. */
static int S_collect(kb_index *ix, sqlite3_stmt *st, int li, S_cands *c, char *err, size_t nerr) {
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int whole = sqlite3_column_bytes(st, 1) == KB_RANK_NOUT * (int)sizeof(double);
    S_add_cand(c, sqlite3_column_int64(st, 0), li, whole ? sqlite3_column_blob(st, 1) : NULL);
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) {
    snprintf(err, nerr, "search failed: %s", sqlite3_errmsg(ix->db));
    return KB_SEARCH_EDB;
  }
  return KB_SEARCH_OK;
}

#define S_MAX_SPANS 4 /* more id ranges than this: one filtered pass instead */

/* The id ranges holding exactly the articles o asks for, adjacent ones
 * merged; returns how many (0: none can match), or -1 when they cannot be
 * used (more than S_MAX_SPANS, or an index without consecutive ids). */
static int S_spans(const kb_index *ix, const kb_search_opts *o, int kinds,
                   int64_t lo[S_MAX_SPANS], int64_t hi[S_MAX_SPANS]) {
  if (!ix->ranges_ok) return -1;
  int n = 0;
  for (int i = 0; i < ix->nranges; i++) {
    const kb_ix_range *r = &ix->ranges[i];
    if (!(r->kind & kinds) || (o->collection && strcmp(o->collection, r->collection))) continue;
    if (n && hi[n - 1] + 1 == r->lo) {
      hi[n - 1] = r->hi;
      continue;
    }
    if (n == S_MAX_SPANS) return -1;
    lo[n] = r->lo;
    hi[n++] = r->hi;
  }
  return n;
}

/* What a search reads: the kinds of articles, and the id ranges holding
 * exactly them (nspans < 0: every matching row, filtered). */
typedef struct {
  int kinds;
  int nspans;
  int64_t lo[S_MAX_SPANS], hi[S_MAX_SPANS];
} S_where;

static void S_where_of(const kb_index *ix, const kb_search_opts *o, S_where *w) {
  w->kinds = o->kinds ? o->kinds : KB_KIND_ARTICLE | KB_KIND_STORE;
  w->nspans = S_spans(ix, o, w->kinds, w->lo, w->hi);
}

/* The share of the index's articles w reads, for the estimates of the
 * pruning (S_select). */
static double S_share(const kb_index *ix, const S_where *w) {
  int64_t rows = 0;
  if (w->nspans < 0 || ix->count <= 0) return 1.0;
  for (int i = 0; i < w->nspans; i++) rows += w->hi[i] - w->lo[i] + 1;
  return rows >= ix->count ? 1.0 : (double)rows / ix->count;
}

/* A search of the postings in memory: each matching row's features
 * computed from its instances, as kb_features() computes them in FTS5, in
 * two passes. The first counts every row's term frequencies and bounds
 * its score (kb_rank_row_part()), keeping its lists; the second computes
 * the rest (proximity, the phrase match, the body's matches: most of a
 * row's cost, for long articles matching a common word dozens of times)
 * only for the rows that can be among the `need` best: a row whose bound
 * is below the score `need` rows are sure to reach is counted, not
 * scored. The results are the same (every row's score lies within its
 * bounds, so the rows left are below `need` rows already in). */
typedef struct {
  int64_t id;
  int first, n; /* its lists: S_mem.l[first..+n) */
  kb_rank_part part;
} S_row;

typedef struct {
  const kb_rank_docs *docs;
  const kb_rank_query *q;
  unsigned ablate;
  const uint32_t *plo, *phi; /* the postings' own positions (S_mem_add()) */
  S_cands *c;
  int li;
  S_row *row;
  int nrow, caprow;
  kb_rank_list *l; /* pointing into the postings and the query's lists,
                      which outlive both passes */
  int (*cut)[2];    /* per list, kb_rank_row_part()'s */
  int nl, capl;
  S_row row0[128];  /* where row and l start, not allocated: with 48 rows
                       the search page's (stores too) were allocated, and
                       its page's buffer then grew by copies (+5.7 K) */
  kb_rank_list l0[400];
  int cut0[400][2];
} S_mem;

/* a, holding *cap items of size bytes (at first0, not allocated), grown
 * to hold at least n: doubled, into memory allocated. */
static void *S_grow(void *a, void *first0, int *cap, int n, size_t size) {
  int c = *cap;
  while (c < n) c *= 2;
  void *b = kb_xmalloc((size_t)c * size);
  memcpy(b, a, (size_t)*cap * size);
  if (a != first0) free(a);
  *cap = c;
  return b;
}

/* Row id, its features f and body matches b[0..nb), added to c; the
 * matches outside the postings' positions [plo, phi) copied. (It and
 * S_add_cand() inlined: two calls a row were 1.4 K instructions a suggest.) */
static inline __attribute__((always_inline)) void S_mem_add(const uint32_t *plo,
                                                             const uint32_t *phi, int64_t id,
                                                             double *f, const kb_rank_body *b,
                                                             int nb, int li, S_cands *c) {
  /* the snippet window is chosen for the hits kept (S_fill_hit) */
  f[KB_RANK_SNIPPET_START] = f[KB_RANK_SNIPPET_MASK] = f[KB_RANK_SNIPPET_TERMS] = 0;
  S_add_cand(c, id, li, f);
  if (c->capbody - c->nbody < nb) {
    while (c->capbody - c->nbody < nb) c->capbody = c->capbody ? 2 * c->capbody : 256;
    c->body = kb_xrealloc(c->body, (size_t)c->capbody * sizeof *c->body);
  }
  for (int i = 0; i < nb; i++) {
    c->body[c->nbody + i] = b[i];
    uintptr_t x = (uintptr_t)b[i].pos; /* (as kb_postings_holds(): pointers into
                                          two objects are compared as numbers) */
    if (x >= (uintptr_t)plo && x < (uintptr_t)phi) continue;
    /* (an arena's blocks do not move: the copy is pointed at now, and
     * lives as long as the results, which the snippets are cut for) */
    kb_arena *a = *c->mem;
    c->body[c->nbody + i].pos = kb_arena_align(&a, b[i].pos, (size_t)b[i].n * sizeof *b[i].pos);
    *c->mem = a;
  }
  c->v[c->n - 1].bfirst = c->nbody;
  c->v[c->n - 1].nbody = nb;
  c->nbody += nb;
}

static int S_mem_one(void *ctx, sqlite3_int64 id, const kb_rank_list *l, int n) {
  S_mem *m = ctx;
  if (!kb_rank_docs_has(m->docs, id)) return 1; /* lengths unknown: FTS5 looks them up */
  double f[KB_RANK_NOUT];
  const kb_rank_body *b;
  int nb;
  kb_rank_row_lists(m->q, m->docs, id, l, n, f, &b, &nb);
  S_mem_add(m->plo, m->phi, id, f, b, nb, m->li, m->c);
  return 0;
}

static int S_mem_row(void *ctx, sqlite3_int64 id, const kb_rank_list *l, int n) {
  S_mem *m = ctx;
  if (!kb_rank_docs_has(m->docs, id)) return 1; /* lengths unknown: FTS5 looks them up */
  if (m->nrow == m->caprow) m->row = S_grow(m->row, m->row0, &m->caprow, m->nrow + 1, sizeof *m->row);
  if (m->capl - m->nl < n) {
    int cap = m->capl;
    m->l = S_grow(m->l, m->l0, &cap, m->nl + n, sizeof *m->l);
    m->cut = S_grow(m->cut, m->cut0, &m->capl, m->nl + n, sizeof *m->cut);
  }
  S_row *r = &m->row[m->nrow++];
  r->id = id;
  r->first = m->nl;
  r->n = n;
  /* (most rows of a typed prefix have one list: copied as a struct, not
   * by a call to memcpy()) */
  if (n == 1) m->l[m->nl] = l[0];
  else memcpy(m->l + m->nl, l, (size_t)n * sizeof *l);
  m->nl += n;
  kb_rank_row_part(m->q, m->docs, id, l, n, m->ablate, &r->part, m->cut + r->first);
  return 0;
}

/* The score `need` rows are sure to reach: the need-th best of the
 * candidates already in c and the rows' lower bounds; -HUGE_VAL when
 * there are fewer (every row can be among them). */
static double S_floor(const S_cands *c, const S_mem *m, int need) {
  int n = c->n + m->nrow;
  if (need <= 0 || n < need) return -HUGE_VAL;
  double buf[256], *v = n <= 256 ? buf : kb_xmalloc((size_t)n * sizeof *v);
  for (int i = 0; i < c->n; i++) v[i] = c->v[i].score;
  for (int i = 0; i < m->nrow; i++) v[c->n + i] = m->row[i].part.lo;
  double t = kb_kth_largest(v, n, need);
  if (v != buf) free(v);
  return t;
}

/* The pages short enough for two passes to pay (callgrind,
 * docs/benchmarks.md's thirteenth session): a suggest's 30 candidates of
 * some 37 rows leave too few; a page of ten of the search API pays. */
#define S_BOUND_NEED 10

/* Runs the phrases over the id ranges of w in language li's postings,
 * adding to c the rows that can be among the first `need` (0: every row;
 * those left are counted in c->skipped). Returns 0, or 1 when a row cannot
 * be ranked from memory (nothing is added then, for FTS5 to do the
 * search). */
/* Each phrase's term in post (term[k], for kb_postings_query_new_memo()),
 * carried by its word's notes (KB_QUERY_NOTE_POST): the vocabulary gave
 * the word's df from the notes and the postings found its term again by
 * its string, a hash and a compare, at every search; now once while the
 * analyzer remembers the word. Phrases without notes (alternatives,
 * synonyms, the prefix), or notes of another index's postings: by text. */
static void S_terms_of(const kb_postings *post, const S_phrases *ph, int *term) {
  for (int k = 0; k < ph->n; k++) {
    int *note = ph->noted == post ? ph->note[k] : NULL;
    if (!note) {
      term[k] = KB_POSTINGS_BY_TEXT;
      continue;
    }
    if (note[KB_QUERY_NOTE_POST] < 0)
      note[KB_QUERY_NOTE_POST] = kb_postings_term(post, ph->text[k]) + 1;
    term[k] = note[KB_QUERY_NOTE_POST] - 1;
  }
}

static int S_search_mem(kb_index *ix, int li, const S_phrases *ph, int ngroups,
                        const S_where *w, int need, S_cands *c) {
  const kb_postings *post = ix->langs[li].post;
  /* the phrases' lists made once: for the document frequencies the
   * vocabulary does not give (several terms, prefixes), and the match */
  kb_ix_lang *l = &ix->langs[li];
  if (!l->memo) l->memo = kb_postings_memo_new();
  int term[S_MAX_PHRASES];
  S_terms_of(post, ph, term);
  kb_postings_query *pq = kb_postings_query_new_memo(post, ph->text, ph->pre, ph->n, term, l->memo);
  int df[S_MAX_PHRASES];
  for (int k = 0; k < ph->n; k++) df[k] = ph->df[k] >= 0 ? ph->df[k] : kb_postings_query_df(pq, k);
  sqlite3_int64 totals[5];
  sqlite3_int64 nrow = kb_postings_rows(post, totals);
  kb_rank_query *q = kb_rank_query_new(nrow, totals, ph->n, ph->group, ph->weight, ph->flag, df,
                                       ngroups, l->norms);
  S_mem m;
  m.docs = ix->docs;
  m.q = q;
  m.ablate = c->ablate;
  kb_postings_span(post, &m.plo, &m.phi);
  m.c = c;
  m.li = li;
  m.row = m.row0;
  m.caprow = (int)(sizeof m.row0 / sizeof *m.row0);
  m.l = m.l0;
  m.cut = m.cut0;
  m.capl = (int)(sizeof m.l0 / sizeof *m.l0);
  m.nrow = m.nl = 0;
  /* pruned: the selecting copies (flag 2) bring the candidates */
  unsigned char drive[S_MAX_PHRASES];
  int pruned = 0;
  for (int k = 0; k < ph->n; k++) pruned |= drive[k] = ph->flag[k] == 2;
  int rc = 0, had = c->n, had_body = c->nbody;
  /* two passes only where rows can be left: more of them than the page
   * (at most the phrases' document frequencies summed) */
  int two = need > 0 && need <= S_BOUND_NEED;
  if (two) {
    long most = 0;
    for (int k = 0; k < ph->n; k++)
      if (!pruned || drive[k]) most += df[k];
    two = most > need;
  }
  for (int i = 0; i < w->nspans && !rc; i++)
    rc = kb_postings_query_match(pq, pruned ? drive : NULL, w->lo[i], w->hi[i],
                                 two ? S_mem_row : S_mem_one, &m);
  if (rc) {
    c->n = had;
    c->nbody = had_body; /* (copies made in the arena stay there, unread) */
  } else if (two) {
    double floor = S_floor(c, &m, need);
    for (int i = 0; i < m.nrow; i++) {
      const S_row *r = &m.row[i];
      if (r->part.hi < floor) {
        c->skipped++;
        if (c->skipcov) { /* (cut_weak) */
          if (c->nskipcov == c->capskipcov) {
            c->capskipcov = 2 * c->capskipcov;
            c->skipcov = kb_xrealloc(c->skipcov, (size_t)c->capskipcov * sizeof *c->skipcov);
          }
          c->skipcov[c->nskipcov++] = r->part.f[KB_FEAT_COVERAGE];
        }
        continue;
      }
      double f[KB_RANK_NOUT];
      const kb_rank_body *b;
      int nb;
      kb_rank_row_rest(q, m.docs, r->id, m.l + r->first, r->n, &r->part,
                       (const int (*)[2])(m.cut + r->first), f, &b, &nb);
      S_mem_add(m.plo, m.phi, r->id, f, b, nb, li, c);
    }
  }
  if (m.row != m.row0) free(m.row);
  if (m.l != m.l0) free(m.l);
  if (m.cut != m.cut0) free(m.cut);
  kb_rank_query_free(q);
  kb_postings_query_free(pq);
  return rc;
}

/* Runs a statement without rows (BEGIN, COMMIT) and resets it. */
static int S_step_once(sqlite3_stmt *st) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc;
}

/* Runs the query of terms t (sel: S_select()'s) in one language's table,
 * collecting every matching row with its features and score: over the id
 * ranges of the collection and types asked for when there are few, else
 * over every matching row. The postings in memory do it when they can (a
 * table held there, id ranges), from the arrays ph; else FTS5, from the
 * MATCH expression and kb_features()'s lists, rendered here. */
static int S_search_lang(kb_index *ix, int li, S_query *t, const unsigned char *sel,
                         int ngroups, const S_phrases *ph, const kb_search_opts *o,
                         const S_where *w, S_cands *c, int *txn, char *err, size_t nerr) {
  /* (ph->n below S_MAX_PHRASES: every phrase of the MATCH is in ph) */
  int prefix = 0;
  for (int k = 0; k < ph->n; k++) prefix |= ph->pre[k];
  if (ix->langs[li].post && w->nspans >= 0 && (!prefix || kb_postings_prefixes(ix->langs[li].post)) &&
      ph->n < S_MAX_PHRASES && !(o->ablate & KB_ABLATE_MEMORY) &&
      S_search_mem(ix, li, ph, ngroups, w,
                   o->ablate & KB_ABLATE_BOUNDS ? 0 : o->offset + o->limit, c) == 0)
    return KB_SEARCH_OK;
  /* one read transaction for all the statements of this search (one
   * lock taken instead of one per statement), begun at the first: a
   * search the postings answer runs none */
  if (*txn < 0) *txn = sqlite3_get_autocommit(ix->db) && S_step_once(ix->begin) == SQLITE_DONE;
  kb_buf match = KB_BUF_INIT, groups = KB_BUF_INIT, weights = KB_BUF_INIT, exact = KB_BUF_INIT,
         dfs = KB_BUF_INIT;
  S_render(&ix->langs[li], t, sel, 1, &match, &groups, &weights, &exact, &dfs, NULL, NULL);
  sqlite3_stmt *st = w->nspans >= 0 ? ix->langs[li].in_range : ix->langs[li].search;
  sqlite3_bind_text(st, 1, kb_buf_str(&match), -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, kb_buf_str(&groups), -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, kb_buf_str(&weights), -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, kb_buf_str(&exact), -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 7, kb_buf_str(&dfs), -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 8, ngroups);
  int rc = KB_SEARCH_OK;
  if (w->nspans < 0) {
    if (o->collection) sqlite3_bind_text(st, 4, o->collection, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, 4);
    sqlite3_bind_int(st, 5, w->kinds);
    rc = S_collect(ix, st, li, c, err, nerr);
  }
  for (int i = 0; w->nspans >= 0 && i < w->nspans && rc == KB_SEARCH_OK; i++) {
    sqlite3_bind_int64(st, 4, w->lo[i]);
    sqlite3_bind_int64(st, 5, w->hi[i]);
    rc = S_collect(ix, st, li, c, err, nerr);
  }
  /* (the statement keeps the strings bound until its next binding: they
   * are cleared before the buffers go) */
  sqlite3_clear_bindings(st);
  kb_buf_cleanup(&match);
  kb_buf_cleanup(&groups);
  kb_buf_cleanup(&weights);
  kb_buf_cleanup(&exact);
  kb_buf_cleanup(&dfs);
  return rc;
}

/* Fills a hit from a candidate: metadata and snippet; with json (a
 * constant: inlined in each of the two below, the first the same code as
 * before json was), a hit whose body is long enough for its snippet to be
 * cut as JSON (kb_hit_put_snippet_json()) gets none (h->snippet NULL,
 * h->cut.json set: kb_results_snippets_json()). */
static inline __attribute__((always_inline)) void S_snippet_as(kb_index *ix, kb_results *r,
                                                                kb_hit *h, int json) {
  if (h->cut.body) {
    double f[KB_RANK_NOUT];
    kb_rank_snippet(ix->docs, h->id, h->cut.body, h->cut.nbody, f);
    h->cut.start = (int)f[KB_RANK_SNIPPET_START];
    h->cut.mask = (unsigned)f[KB_RANK_SNIPPET_MASK];
    h->cut.terms = (int)f[KB_RANK_SNIPPET_TERMS];
    h->cut.body = NULL;
  }
  const kb_ix_body *sp = kb_snip_body(ix, h->cut.lang, h->id);
  if (json && sp && kb_snip_json_pays(sp)) {
    h->cut.json = 1;
    return;
  }
  if (sp) {
    kb_buf *b = &ix->snipbuf;
    kb_buf_clear(b);
    kb_snip_cut(sp, h->cut.start, h->cut.terms, h->cut.mask, b);
    kb_arena *a = r->mem;
    h->snippet = kb_arena_dup(&a, b->n ? b->p : "", b->n);
    r->mem = a;
    h->cut.json = kb_snip_json_pays(sp);
  }
  if (!h->snippet) h->snippet = kb_results_keep(r, "");
}

static void S_snippet(kb_index *ix, kb_results *r, kb_hit *h) { S_snippet_as(ix, r, h, 0); }

static void S_snippet_json(kb_index *ix, kb_results *r, kb_hit *h) { S_snippet_as(ix, r, h, 1); }

/* The first n hits' snippets, with (meta) their rows' shown columns, or
 * without them: left NULL (the hits whole for the search cache either
 * way, kb_qcache_put()). */
static void S_snippets(kb_index *ix, kb_results *r, int n, int meta, int json) {
  for (int i = 0; i < n && i < r->n; i++) {
    kb_hit *h = &r->hits[i];
    if (h->cut.meta) { /* the row is still cached from the ranking, or read again */
      const kb_ix_row *w = meta ? kb_rows_get(ix, h->id) : NULL;
      if (w) kb_results_meta(r, h, w, KB_RESULTS_META_SHOW);
      h->cut.meta = 0;
    }
    if (h->snippet || h->cut.lang >= ix->nlangs) continue;
    if (json) S_snippet_json(ix, r, h);
    else S_snippet(ix, r, h);
  }
}

void kb_results_snippets(kb_index *ix, kb_results *r, int n) { S_snippets(ix, r, n, 1, 0); }

void kb_results_snippets_only(kb_index *ix, kb_results *r, int n) { S_snippets(ix, r, n, 0, 0); }

void kb_results_snippets_json(kb_index *ix, kb_results *r, int n) { S_snippets(ix, r, n, 1, 1); }

void kb_hit_put_snippet_html(kb_index *ix, const kb_hit *h, kb_buf *b) {
  if (h->snippet) {
    kb_buf_puts(b, h->snippet);
    return;
  }
  if (h->cut.lang < 0 || h->cut.lang >= ix->nlangs) return;
  const kb_ix_body *sp = kb_snip_body(ix, h->cut.lang, h->id);
  if (sp) kb_snip_cut(sp, h->cut.start, h->cut.terms, h->cut.mask, b);
}

int kb_hit_put_snippet_json(kb_index *ix, const kb_hit *h, kb_buf *b) {
  if (!h->cut.json || h->cut.lang < 0 || h->cut.lang >= ix->nlangs) return 0;
  const kb_ix_body *sp = kb_snip_body_json(ix, h->cut.lang, h->id);
  if (!sp) return 0;
  kb_snip_cut_json(sp, h->cut.start, h->cut.terms, h->cut.mask, b);
  return 1;
}

/* A hit is its id and score, its strings, its features and its snippet's
 * place, in that order: S_fill_hit() clears the strings and the place
 * (what it writes at once, the rest, left out). */
_Static_assert(offsetof(kb_hit, id) == 0 && offsetof(kb_hit, score) == sizeof(int64_t) &&
                   offsetof(kb_hit, collection) == offsetof(kb_hit, score) + sizeof(double) &&
                   offsetof(kb_hit, feat) == offsetof(kb_hit, collection) + 12 * sizeof(char *) &&
                   offsetof(kb_hit, cut) == offsetof(kb_hit, feat) + sizeof(double[KB_RANK_NFEAT]) &&
                   sizeof(kb_hit) == offsetof(kb_hit, cut) + sizeof(((kb_hit *)0)->cut),
               "kb_hit's fields in the order S_fill_hit() clears them");

static void S_fill_hit(kb_index *ix, const S_cands *cs, const S_cand *c, kb_results *r,
                       int later) {
  kb_hit *h = &r->hits[r->n++];
  /* (not the whole hit cleared: a memset() of it was a rep stos, which
   * callgrind counts a word at a time, so its 0.7 K instructions a kb/
   * suggest overstate the time; the strings' NULLs are vector stores) */
  h->id = c->id;
  h->score = c->score;
  h->collection = h->slug = h->title = h->url = h->reply = h->escalate = h->type = h->lang = NULL;
  h->deeplink = h->platform = h->snippet = h->summary = NULL;
  memcpy(h->feat, c->feat, sizeof h->feat);
  memset(&h->cut, 0, sizeof h->cut);
  const kb_ix_row *w = kb_rows_get(ix, c->id);
  if (w) kb_results_meta(r, h, w, KB_RESULTS_META_RANK | KB_RESULTS_META_PLATFORM | (later ? 0 : KB_RESULTS_META_SHOW));
  h->cut.meta = later && w;
  h->cut.lang = c->lang;
  h->cut.start = c->snip_start;
  h->cut.mask = c->snip_mask;
  h->cut.terms = c->snip_terms;
  if (c->nbody > 0) { /* cs->body's, which the results keep until the
                         snippet is cut (a copy per hit, for a suggest's
                         30 of which three are shown, was 1 % of it) */
    h->cut.body = cs->body + c->bfirst;
    h->cut.nbody = c->nbody;
  } else if (c->nbody == 0) { /* no match in the body: still to be chosen */
    static const kb_rank_body none[1];
    h->cut.body = none;
  }
  if (!later) S_snippet(ix, r, h);
  if (!h->slug) h->slug = kb_results_keep(r, "");
  if (!h->title) h->title = kb_results_keep(r, "");
  if (!h->collection) h->collection = kb_results_keep(r, "default");
}

void kb_query_strings_of(const kb_query *q, kb_query_strings *out) {
  memset(out, 0, sizeof *out);
  if (!q || !q->ix->nlangs) return;
  S_query t;
  kb_query_correct((kb_query *)q, q->li); /* a cache, see there */
  S_build(q, q->li, 0, 0, 0, &t);
  S_render(&q->ix->langs[q->li], &t, NULL, 0, &out->match, &out->groups, &out->weights,
           &out->exact, NULL, NULL, NULL);
  S_query_free(&t);
}

/* The first phrase of each group of t, each with its NUL, into b. */
static void S_firsts(const S_query *t, kb_buf *b) {
  unsigned char seen[S_MAX_TERMS] = {0};
  for (int i = 0; i < t->n; i++) {
    int g = t->group[i];
    if (g < 0 || g >= S_MAX_TERMS || seen[g]) continue;
    seen[g] = 1;
    kb_buf_put(b, t->terms[i], strlen(t->terms[i]) + 1);
  }
}

/* 1 if every group of t (of the first S_MAX_TERMS, those S_firsts()
 * reads) has a term of its word's own, one of the first t->nrec: its first
 * phrases are then those terms, whatever S_build() added after them
 * (alternatives and synonyms join groups that are there, the word being
 * typed the last one), so a search that read the last word as a prefix
 * built the first phrases of one that did not. Not so when a group has no
 * term of its own (a word repeated) or there was none but the prefix. */
static int S_firsts_of_words(const S_query *t) {
  int ng = t->ngroups < S_MAX_TERMS ? t->ngroups : S_MAX_TERMS;
  uint64_t seen = 0;
  for (int i = 0; i < t->nrec; i++)
    if (t->group[i] >= 0 && t->group[i] < S_MAX_TERMS) seen |= (uint64_t)1 << t->group[i];
  return seen == (ng == 64 ? ~(uint64_t)0 : ((uint64_t)1 << ng) - 1);
}

/* Keeps t's first phrases in q when t has those kb_query_first_phrases()
 * builds: the suggest path's search builds them already, with the place's
 * words left out as the examples leave them out (a fifth of the
 * examples' cost, kb_examples.c); the public search as it is typed too,
 * when each group's first term is its word's own (S_firsts_of_words():
 * 1.8 K instructions a fragment). */
static void S_keep_firsts(kb_query *q, int li, const kb_search_opts *o, const S_query *t) {
  if (q->firsts || li != q->li || (o->prefix_last && !S_firsts_of_words(t))) return;
  kb_buf b = KB_BUF_INIT;
  S_firsts(t, &b);
  q->nfirsts = b.n;
  q->firsts = b.n ? kb_arena_dup(&q->mem, b.p, b.n) : "";
  q->firsts_omit_start = o->omit_start;
  q->firsts_omit_end = o->omit_end;
  kb_buf_cleanup(&b);
}

/* Keeps the first phrases b built here in q when no search kept them (a
 * search that read the last word as a prefix and whose groups' first
 * terms are not all their words' own, S_keep_firsts()), so the word
 * model's and the examples' passes do not build the same ones each (1.4 K
 * instructions a fragment before S_firsts_of_words()). The same terms:
 * built from q in its language, with the span left out that is kept with
 * them. */
static void S_keep_built_firsts(kb_query *q, size_t omit_start, size_t omit_end, const kb_buf *b) {
  if (q->firsts) return;
  q->nfirsts = b->n;
  q->firsts = b->n ? kb_arena_dup(&q->mem, b->p, b->n) : "";
  q->firsts_omit_start = omit_start;
  q->firsts_omit_end = omit_end;
}

/* 1 if the spans [a0, a1) and [b0, b1) leave out the same (empty ones
 * leave out nothing, wherever they are). */
static int S_same_omit(size_t a0, size_t a1, size_t b0, size_t b1) {
  return (a0 >= a1 && b0 >= b1) || (a0 == b0 && a1 == b1);
}

void kb_query_first_phrases(const kb_query *q, size_t omit_start, size_t omit_end,
                            void (*fn)(void *ctx, const char *term, size_t n), void *ctx) {
  if (!q || !q->ix->nlangs) return;
  if (q->firsts && S_same_omit(q->firsts_omit_start, q->firsts_omit_end, omit_start, omit_end)) {
    for (size_t at = 0; at < q->nfirsts;) {
      size_t n = strlen(q->firsts + at);
      fn(ctx, q->firsts + at, n);
      at += n + 1;
    }
    return;
  }
  S_query t;
  kb_query_correct((kb_query *)q, q->li);
  S_build(q, q->li, omit_start, omit_end, 0, &t);
  /* kb_query_strings_of()'s S_render() lists every term in this order
   * (no selection, no document frequencies) */
  kb_buf b = KB_BUF_INIT;
  S_firsts(&t, &b);
  for (size_t at = 0; at < b.n;) {
    size_t n = strlen(b.p + at);
    fn(ctx, b.p + at, n);
    at += n + 1;
  }
  S_keep_built_firsts((kb_query *)q, omit_start, omit_end, &b);
  kb_buf_cleanup(&b);
  S_query_free(&t);
}

void kb_index_query_strings(kb_index *ix, const char *text, size_t n, kb_query_strings *q) {
  kb_query *a = kb_index_analyze(ix, text, n, 0, 0);
  kb_query_strings_of(a, q);
  kb_query_free(a);
}

void kb_query_strings_cleanup(kb_query_strings *q) {
  kb_buf_cleanup(&q->match);
  kb_buf_cleanup(&q->groups);
  kb_buf_cleanup(&q->weights);
  kb_buf_cleanup(&q->exact);
}


/* Ends a search's use of c: its read transaction committed (txn > 0:
 * begun by S_search_lang()) and its arrays handed back to the thread's
 * spares (kb_spare_take()), for the next search; the body matches to out
 * instead when its hits point into them (snippets cut later). */
static void S_cands_done(kb_index *ix, S_cands *c, int txn, kb_results *out) {
  if (txn > 0) S_step_once(ix->commit);
  S_cands_give(c);
  if (out) {
    out->body = c->body;
    out->capbody = (size_t)c->capbody * sizeof *c->body;
  } else {
    kb_spare_give(KB_SPARE_BODY, c->body, (size_t)c->capbody * sizeof *c->body);
  }
  free(c->skipcov);
}

/* The public search's cut (kb_search_opts.cut_weak): c's candidates
 * covering less than half as much of the query as the first in order
 * dropped, the others kept as they were; the rows the bound skipped counted
 * again by the same test (c->skipped). Returns 1 when the page (need
 * rows) may then hold a skipped row: fewer ranked rows are left than
 * need and a skipped one passes; the caller searches again with every
 * row ranked. */
static int S_cut_weak(S_cands *c, int need) {
  if (c->n == 0) return 0;
  /* the first in order is the one no other comes before (the earliest of
   * those equal to it, as the stable sort puts them), and the page is
   * put in order from those kept (S_order()): the candidates are not
   * sorted here, but for a NaN score, with which "before" is no order
   * and only the sort says which comes first */
  int first = 0, nan = 0;
  for (int i = 0; i < c->n; i++) {
    nan |= c->v[i].score != c->v[i].score;
    if (S_cmp_cand(&c->v[i], &c->v[first]) < 0) first = i;
  }
  if (nan) {
    S_order_all(c);
    first = 0;
  }
  double cut = 0.5 * c->v[first].feat[KB_FEAT_COVERAGE];
  int k = 0;
  for (int i = 0; i < c->n; i++)
    if (c->v[i].feat[KB_FEAT_COVERAGE] >= cut) c->v[k++] = c->v[i];
  c->n = k;
  int skipped = 0;
  for (int i = 0; i < c->nskipcov; i++) skipped += c->skipcov[i] >= cut;
  if (skipped > 0 && c->n < need) return 1;
  c->skipped = skipped;
  return 0;
}

int kb_index_search(kb_index *ix, const char *q, size_t nq,
                    const kb_search_opts *o, kb_results *out, char *err,
                    size_t nerr) {
  /* a search in one language (the public site's pages) reads the text in
   * that one: the others' terms were never used (a fourth of the
   * analysis each, on kb/'s four) */
  /* the same search as one kept: a copy of its results (kb_qcache.h) */
  kb_qcache *qc = ix->qcache && kb_qcache_fits(o) ? ix->qcache : NULL;
  if (qc && kb_qcache_get(qc, q, nq, o, out)) return KB_SEARCH_OK;
  int only = o->lang ? kb_index_lang_find(ix, o->lang) : -1;
  kb_query *a = kb_query_analyze_in(ix, q, nq, o->prefix_last, o->ablate, only);
  if (!a) {
    memset(out, 0, sizeof *out);
    snprintf(err, nerr, "the query is not valid UTF-8");
    return KB_SEARCH_EUTF8;
  }
  int rc = kb_index_search_query(ix, a, o, out, err, nerr);
  kb_query_free(a);
  if (qc && rc == KB_SEARCH_OK) kb_qcache_put(qc, out);
  return rc;
}

int kb_index_search_query(kb_index *ix, const kb_query *q, const kb_search_opts *o,
                          kb_results *out, char *err, size_t nerr) {
  memset(out, 0, sizeof *out);
  kb_search_opts oo = *o;
  if (oo.limit < 1) oo.limit = 1;
  if (oo.limit > 100) oo.limit = 100;
  if (oo.offset < 0) oo.offset = 0;
  int rc = KB_SEARCH_OK;
  S_cands c = {.ablate = oo.ablate};
  if (oo.cut_weak && !(oo.ablate & KB_ABLATE_BOUNDS)) {
    c.capskipcov = 64;
    c.skipcov = kb_xmalloc((size_t)c.capskipcov * sizeof *c.skipcov);
  }
  /* the body matches' arrays of the thread's last search (kb_spare_take()) */
  size_t cb;
  c.body = kb_spare_take(KB_SPARE_BODY, &cb);
  c.capbody = (int)(cb / sizeof *c.body);
  c.mem = &out->mem;
  c.v = kb_spare_take(KB_SPARE_CANDS, &cb);
  c.cap = (int)(cb / sizeof *c.v);
  S_where where;
  S_where_of(ix, &oo, &where);
  int txn = -1; /* the read transaction: not begun yet (S_search_lang()) */
  int first = 1;
  for (int i = 0; i < ix->nlangs && rc == KB_SEARCH_OK; i++) {
    if (oo.lang && strcmp(ix->langs[i].lang, oo.lang)) continue;
    kb_query_correct((kb_query *)q, i); /* a cache, see there */
    S_query t;
    S_build(q, i, oo.omit_start, oo.omit_end, oo.prefix_last, &t);
    S_keep_firsts((kb_query *)q, i, &oo, &t);
    if (t.ngroups > out->nterms) out->nterms = t.ngroups;
    /* "did you mean": in the query's language, else the first searched */
    if (i == q->li || (first && oo.lang)) S_keep_corrected(out, q->text, q->nq, &t);
    first = 0;
    unsigned char sel[S_MAX_TERMS];
    S_phrases ph;
    int prune = S_select(&ix->langs[i], &t, S_share(ix, &where), oo.ablate, sel);
    int listed, ngroups = S_render(&ix->langs[i], &t, prune ? sel : NULL, 1, NULL, NULL, NULL,
                                   NULL, NULL, &ph, &listed);
    ph.noted = q->ix->langs[i].post; /* (t's notes are of q's analyzers) */
    if (listed) /* (a MATCH without a phrase matches nothing) */
      rc = S_search_lang(ix, i, &t, prune ? sel : NULL, ngroups, &ph, &oo, &where, &c, &txn, err,
                         nerr);
    S_query_free(&t);
  }
  if (rc == KB_SEARCH_OK && oo.cut_weak && S_cut_weak(&c, oo.offset + oo.limit)) {
    /* a row the bound left out may now be on the page: every row ranked */
    S_cands_done(ix, &c, txn, NULL);
    kb_results_free(out);
    oo.ablate |= KB_ABLATE_BOUNDS;
    return kb_index_search_query(ix, q, &oo, out, err, nerr);
  }
  if (rc == KB_SEARCH_OK) {
    /* (the rows skipped are below offset + limit others: the page is
     * among those ranked, c.n) */
    out->total = c.n + c.skipped;
    out->skipped = c.skipped;
    int from = oo.offset < c.n ? oo.offset : c.n;
    int to = from + oo.limit < c.n ? from + oo.limit : c.n;
    int atbuf[S_KEYS_STACK], *at = to <= S_KEYS_STACK ? atbuf : kb_xmalloc((size_t)to * sizeof *at);
    S_order(&c, to, at);
    /* each hit is cleared as it is filled (S_fill_hit); clearing the
     * whole array first (a page of up to a hundred) was done twice. The
     * array the thread's last results gave back (kb_results_free()):
     * a page of ten hits is 2.4 KB, past malloc()'s per-thread cache */
    size_t need = (size_t)(to - from) + 1, have;
    out->hits = kb_spare_take(KB_SPARE_HITS, &have);
    if (have < need * sizeof *out->hits) {
      free(out->hits);
      have = need * sizeof *out->hits;
      out->hits = kb_xmalloc(have);
    }
    out->caphits = (int)(have / sizeof *out->hits);
    for (int k = from; k < to; k++)
      S_fill_hit(ix, &c, &c.v[at[k]], out, oo.snippets_later);
    if (at != atbuf) free(at);
  }
  S_cands_done(ix, &c, txn, rc == KB_SEARCH_OK && oo.snippets_later ? out : NULL);
  if (rc != KB_SEARCH_OK) kb_results_free(out);
  return rc;
}

void kb_index_set_search_cache(kb_index *ix, size_t max_bytes) {
  kb_qcache_free(ix->qcache);
  ix->qcache = kb_qcache_new(max_bytes);
}
