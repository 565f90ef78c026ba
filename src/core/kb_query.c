/*
 * kb_query.c - a text's terms, once: kb_index_analyze() and the analysed
 * query (kb_query.h). The text is read once for every language of the
 * index (kb_analyzer_run_terms_all()); each term is recorded with the
 * word's surface form, and its document frequency when the language's
 * analyzer remembers it. Spelling is corrected per language, only when a
 * language is chosen or searched (kb_query_correct()). Split from
 * kb_search.c, which builds each search's terms from these records.
 */
#include "kb_query.h"

#include <stdlib.h>
#include <string.h>

#include "kb_text.h"
#include "kb_util.h"
#include "kb_vocab.h"


static int S_record(void *ctx, const kb_term *t) {
  kb_query *q = ((void **)ctx)[0];
  kb_query_recs *r = ((void **)ctx)[1];
  if (r->n == r->cap) {
    /* the first array the thread's last query gave back (kb_query_free()):
     * 16 records, a tweet's, are 1,152 bytes, past malloc()'s per-thread
     * cache (a search as you type's records took its slow path, 1.8 K
     * instructions of its 100 K) */
    int li = (int)(r - q->langs); /* (its language's: kb_arena.h) */
    if (!r->v && li < KB_SPARE_RECS_LANGS) {
      size_t have;
      r->v = kb_spare_take(KB_SPARE_RECS + li, &have);
      r->cap = (int)(have / sizeof *r->v);
    }
    if (r->n == r->cap) {
      r->cap = r->cap ? 2 * r->cap : 16;
      r->v = kb_xrealloc(r->v, (size_t)r->cap * sizeof *r->v);
    }
  }
  /* one copy of a word for every language's record of it, and for a
   * term that is the word unstemmed (two copies a record were a fifth of
   * the analysis). The bytes are not compared: every surface of one word
   * (kb_term.word) is the word as folded or, in a language that elides
   * part of it, the rest after the elision, so a surface of the same word
   * and length is the same bytes (their memcmp() was 0.8 K instructions
   * a suggest) */
  if (!q->last || t->word != q->last_word || t->nsurface != q->nlast) {
    q->last = kb_arena_dup(&q->mem, t->surface, (size_t)t->nsurface);
    q->nlast = t->nsurface;
    q->last_word = t->word;
  }
  int same = t->term == t->surface; /* (the same bytes: kb_term's promise) */
  /* a word's df, when the analyzer remembers it, is taken now: the
   * language scoring counts the words each language knows
   * (kb_query_known()) without reading the records again */
  int df = t->note ? t->note[KB_QUERY_NOTE_DF] : -1;
  if (!(t->flags & KB_TOKEN_COLOCATED)) {
    if (df >= 0) r->known += df > 0;
    else r->pending++;
  }
  r->v[r->n++] = (kb_query_rec){.flags = t->flags, .nterm = t->nterm, .start = t->start, .end = t->end,
                         .df = df, .surface = q->last, .hash = t->hash, .note = t->note,
                         .term = same ? q->last : kb_arena_dup(&q->mem, t->term, (size_t)t->nterm)};
  return 0;
}

static int S_first_term(void *ctx, int flags, const char *t, int n, int s, int e) {
  char **out = ctx;
  (void)flags; (void)s; (void)e;
  if (!*out) *out = kb_xstrndup(t, (size_t)n);
  return 0;
}

/* The document frequency of record x's term in language l, looked up
 * once: the language score, the correction and the search each ask. */
static int S_rec_df(const kb_ix_lang *l, kb_query_rec *x) {
  if (x->df >= 0) return x->df;
  /* the analyzer remembers it with the word (kb_term.note): l->an made
   * the record, and l->vocab does not change while l is open; the
   * language scoring asks it of every word in every language, and most
   * words come again */
  if (x->note && x->note[KB_QUERY_NOTE_DF] >= 0) return x->df = x->note[KB_QUERY_NOTE_DF];
  x->df = kb_vocab_df_hashed(l->vocab, x->term, x->hash);
  if (x->note) x->note[KB_QUERY_NOTE_DF] = x->df;
  return x->df;
}

/* The correction of record x's word in l, as kept in its note
 * (KB_QUERY_NOTE_FIX): 0 none; 2k + 1 the word as written corrected to l's
 * word k (kb_vocab_word_at()); 2k + 2 its stem corrected to l's stem k
 * (kb_vocab_stem_at()). The word as written first, when the index lacks
 * it, else the stem. */
static int S_fix_of(const kb_ix_lang *l, const kb_query_rec *x) {
  int k = !kb_vocab_knows_word(l->vocab, x->surface) ? kb_vocab_correct_word_id(l->vocab, x->surface)
                                                     : -1;
  if (k >= 0) return 2 * k + 1;
  k = kb_vocab_correct_stem_id(l->vocab, x->term);
  return k >= 0 ? 2 * k + 2 : 0;
}

/* Corrects every word of r the index does not know: first as written,
 * against the words of the index (that correction is also shown as "did
 * you mean"), else its stem against the stems. The word being typed (the
 * last, with prefix_last) is a prefix, not a typo, while a word of the
 * index starts with it. */
static void S_correct(kb_query *q, const kb_ix_lang *l, kb_query_recs *r) {
  int typed = -1; /* the record of the word being typed, if any */
  for (int i = 0; i < r->n; i++)
    if (!(r->v[i].flags & KB_TOKEN_COLOCATED)) typed = i;
  if (!q->prefix_last || typed < 0 || (size_t)r->v[typed].end != q->nq) typed = -1;
  for (int i = 0; i < r->n; i++) {
    kb_query_rec *x = &r->v[i];
    if ((x->flags & KB_TOKEN_COLOCATED) || S_rec_df(l, x) > 0) continue;
    /* the word being typed is a prefix while some word of the index
     * starts with it; past that ("delivry") it is a typo like any other */
    if (i == typed && kb_vocab_word_prefix(l->vocab, x->surface)) continue;
    /* what follows depends on the word, its term and l's vocabulary
     * alone, so its outcome is settled once (kb_term.note), not at each
     * mention: none (a name, slang), or the correction found (its search
     * was 4 K instructions a word, every time the word came) */
    int fix = x->note ? x->note[KB_QUERY_NOTE_FIX] : -1;
    if (fix == 0) continue;
    if (fix < 0) fix = S_fix_of(l, x);
    if (x->note) x->note[KB_QUERY_NOTE_FIX] = fix;
    if (fix & 1) {
      const char *fixed = kb_vocab_word_at(l->vocab, (fix - 1) / 2);
      /* the corrected word is a word of the index, not of the mention:
       * analyzed for its stem */
      char *stem = NULL;
      kb_analyzer_run(l->an, fixed, -1, 0, S_first_term, &stem);
      if (stem) x->alt = kb_arena_dup(&q->mem, stem, strlen(stem));
      free(stem);
      x->fix = kb_arena_dup(&q->mem, fixed, strlen(fixed));
    } else if (fix) {
      const char *c = kb_vocab_stem_at(l->vocab, (fix - 2) / 2);
      x->alt = kb_arena_dup(&q->mem, c, strlen(c));
    }
  }
}

void kb_query_correct(kb_query *q, int li) {
  if (li < 0 || li >= q->ix->nlangs || (q->corrected >> li & 1)) return;
  q->corrected |= 1ull << li;
  if (!(q->ablate & KB_ABLATE_SPELLING)) S_correct(q, &q->ix->langs[li], &q->langs[li]);
}

kb_query *kb_query_analyze_in(kb_index *ix, const char *text, size_t n, int prefix_last,
                               unsigned ablate, int only) {
  if (!kb_text_utf8_valid(text, n, NULL)) return NULL;
  kb_query *q = kb_xmalloc(sizeof *q); /* (calloc() passes by malloc()'s per-thread cache) */
  memset(q, 0, sizeof *q);
  *q = (kb_query){.ix = ix, .nq = n, .prefix_last = prefix_last, .ablate = ablate,
                  .li = ix->deflang};
  q->text = kb_arena_dup(&q->mem, text, n);
  int flags = (ablate & KB_ABLATE_SOCIAL ? 0 : KB_TEXT_QUERY) | KB_TEXT_EXACT | KB_TEXT_VALID;
  /* the text read once for every language (kb_analyzer_run_terms_all()) */
  kb_analyzer *an[KB_MAX_LANGS];
  void *ctx[KB_MAX_LANGS][2], *pctx[KB_MAX_LANGS];
  int nl = ix->nlangs < KB_MAX_LANGS ? ix->nlangs : KB_MAX_LANGS, na = 0;
  for (int i = 0; i < nl; i++) {
    if (only >= 0 && i != only) continue;
    an[na] = ix->langs[i].an;
    ctx[na][0] = q;
    ctx[na][1] = &q->langs[i];
    pctx[na] = ctx[na];
    na++;
  }
  kb_analyzer_run_terms_all(an, pctx, na, text, (int)n, flags, S_record);
  if (ix->nlangs == 1) kb_query_correct(q, 0);
  return q;
}

kb_query *kb_index_analyze(kb_index *ix, const char *text, size_t n, int prefix_last,
                           unsigned ablate) {
  return kb_query_analyze_in(ix, text, n, prefix_last, ablate, -1);
}

void kb_query_free(kb_query *q) {
  if (!q) return;
  for (int i = 0; i < KB_MAX_LANGS; i++) {
    if (!q->langs[i].v) continue; /* (most are none: a call each was 800 instructions) */
    if (i < KB_SPARE_RECS_LANGS)
      kb_spare_give(KB_SPARE_RECS + i, q->langs[i].v, (size_t)q->langs[i].cap * sizeof *q->langs[i].v);
    else free(q->langs[i].v);
  }
  kb_arena_free(q->mem);
  free(q);
}

int kb_query_corrections(const kb_query *q, int i, int *start, int *end, const char **fix) {
  int k = 0;
  kb_query_correct((kb_query *)q, q->li); /* a cache, see there */
  const kb_query_recs *r = q->ix->nlangs ? &q->langs[q->li] : NULL;
  for (int j = 0; r && j < r->n; j++)
    if (r->v[j].fix && k++ == i) {
      *start = r->v[j].start;
      *end = r->v[j].end;
      *fix = r->v[j].fix;
      return 1;
    }
  return 0;
}

void kb_query_set_lang(kb_query *q, int li) {
  if (li >= 0 && li < q->ix->nlangs) q->li = li;
  kb_query_correct(q, q->li);
}

int kb_query_known(const kb_query *q, int li) {
  if (li < 0 || li >= q->ix->nlangs) return 0;
  kb_query_recs *r = (kb_query_recs *)&q->langs[li]; /* (its dfs: a cache, see S_rec_df()) */
  if (!r->pending) return r->known; /* (every df taken as recorded) */
  int k = 0;
  for (int i = 0; i < r->n; i++)
    if (!(r->v[i].flags & KB_TOKEN_COLOCATED) && S_rec_df(&q->ix->langs[li], &r->v[i]) > 0) k++;
  return k;
}
