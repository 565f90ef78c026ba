/*
 * kb_ltr.c - the confidence of a search's best row and the learned
 * ranker, confidence and "nothing fits" model (see kb_ltr.h), moved out
 * of kb_rank.c: they read the features it computes, never its internals.
 */
#include "kb_ltr.h"

#include <math.h>

#include "kb_intent.h"
#include "kb_lang.h"
#include "kb_rank.h"

/*--- The hand-set confidence ---------------------------------------------*/

/* A logistic model of "an article answers this mention", fitted with L2
 * regularisation on the retailer's dev tweets and our own labelled tweets
 * together by tests/eval/fit_confidence.py (docs/relevance.md); margin is
 * how far the best row's score is ahead of the other candidate's. The
 * strongest signals are the BM25F evidence, whether the mention asks
 * something at all (praise and rants share the articles' words) and how
 * closely it resembles one authored phrase. */
double kb_rank_confidence(const double *best, const double *second, int asks, unsigned ablate) {
  if (best[KB_FEAT_GROUPS] < 1) return 0;
  double margin = 1.0;
  if (second) {
    double a = kb_rank_score_without(best, ablate), b = kb_rank_score_without(second, ablate);
    margin = a > 0 ? (a - b) / a : 0;
  }
  double z = -7.258 + 0.889 * best[KB_FEAT_STRONG] + 0.169 * best[KB_FEAT_COVERAGE] +
             0.491 * best[KB_FEAT_PROXIMITY] + 0.924 * best[KB_FEAT_TITLE] +
             1.464 * best[KB_FEAT_PHRASE] + 0.435 * margin + 2.330 * log1p(best[KB_FEAT_BM25F]) +
             2.233 * asks;
  return 1.0 / (1.0 + exp(-z));
}

/*--- The learned ranker and confidence -----------------------------------*/

/* the fitted weights: S_ltr_w, S_conf_w, S_conf_threshold, S_fits_w,
 * S_fits_threshold; and the base model's, the same names with _base
 * ("Two models", kb_ltr.h) */
#include "kb_rank_model.h"
#include "kb_rank_model_base.h"

/* The inputs that are the candidate's own (every one but those
 * S_mention_inputs() writes). */
static inline __attribute__((always_inline)) void S_candidate_inputs(const double *f,
                                                                     const kb_rank_ctx *c,
                                                                     double *x) {
  x[KB_LTR_LOG_BM25F] = log1p(f[KB_FEAT_BM25F]);
  x[KB_LTR_COVERAGE] = f[KB_FEAT_COVERAGE];
  x[KB_LTR_STRONG] = f[KB_FEAT_STRONG];
  x[KB_LTR_PROXIMITY] = f[KB_FEAT_PROXIMITY];
  x[KB_LTR_TITLE] = f[KB_FEAT_TITLE];
  x[KB_LTR_EXACT] = f[KB_FEAT_EXACT];
  x[KB_LTR_PHRASE] = f[KB_FEAT_PHRASE];
  x[KB_LTR_LOG_SCORE] = log1p(kb_rank_score(f));
  int both = c->mention_intents && c->article_intents;
  x[KB_LTR_INTENT_MATCH] = (c->mention_intents & c->article_intents) != 0;
  x[KB_LTR_INTENT_MISS] = both && !(c->mention_intents & c->article_intents);
  x[KB_LTR_OFFTOPIC] = c->offtopic != 0;
  x[KB_LTR_OTHER_PLATFORM] = c->other_platform != 0;
  x[KB_LTR_PLACE_STORE] = c->place && c->links_stores;
  /* a town without a store: the store finder near it (the article for
   * finding a store, whose intent is a location) is the answer */
  x[KB_LTR_PLACE_NOSTORE] = c->place && !c->place_store && (c->article_intents & KB_INTENT_LOCATION);
  /* ...and another store article (hours, stock, collecting) is not: it
   * answers about a store that is not there ("opening times for your Bath
   * store": no Bath store); a weight of its own, not the location's */
  x[KB_LTR_PLACE_NOSTORE_OTHER] = c->place && !c->place_store && c->links_stores &&
                                  !(c->article_intents & KB_INTENT_LOCATION);
  x[KB_LTR_KNOWN] = f[KB_FEAT_KNOWN];
  x[KB_LTR_EX_MAX] = c->ex_max;
  x[KB_LTR_CLF] = c->offtopic ? 0 : c->clf;
}

/* The inputs that are the mention's, the same for each of its candidates. */
static inline __attribute__((always_inline)) void S_mention_inputs(const kb_rank_ctx *c,
                                                                   double *x) {
  int n = 0;
  for (int b = c->mention_intents; b; b &= b - 1) n++;
  x[KB_LTR_MENTION_INTENTS] = n;
  x[KB_LTR_OTHER_HANDLE] = c->other_handle != 0;
  x[KB_LTR_EX_NONE] = c->ex_none;
  x[KB_LTR_LANG_OTHER] = c->lang_other != 0;
  x[KB_LTR_NO_EXAMPLES] = c->no_examples != 0;
  x[KB_LTR_CLF_NONE] = c->clf_none;
}

void kb_rank_ltr_inputs(const double *f, const kb_rank_ctx *c, double *x) {
  S_candidate_inputs(f, c, x);
  S_mention_inputs(c, x);
}

void kb_rank_ltr_mention(const kb_rank_ctx *c, double *m) { S_mention_inputs(c, m); }

void kb_rank_ltr_inputs_with(const double *f, const kb_rank_ctx *c, const double *m, double *x) {
  S_candidate_inputs(f, c, x);
  x[KB_LTR_MENTION_INTENTS] = m[KB_LTR_MENTION_INTENTS];
  x[KB_LTR_OTHER_HANDLE] = m[KB_LTR_OTHER_HANDLE];
  x[KB_LTR_EX_NONE] = m[KB_LTR_EX_NONE];
  x[KB_LTR_LANG_OTHER] = m[KB_LTR_LANG_OTHER];
  x[KB_LTR_NO_EXAMPLES] = m[KB_LTR_NO_EXAMPLES];
  x[KB_LTR_CLF_NONE] = m[KB_LTR_CLF_NONE];
}

/* The model of a candidate whose inputs are x ("Two models", kb_ltr.h):
 * the base one where the mention's language has no example mentions. */
#define S_MODEL(x, name) ((x)[KB_LTR_NO_EXAMPLES] != 0 ? name##_base : name)

/* The sum of w[i] * x[i] in the order of i, the terms of a weight of 0
 * left out: the fit leaves a third of the ranker's weights at 0 (the
 * mention's own inputs, the same for each of its candidates), and adding
 * 0 * x, ±0 for a finite input (every input is: flags, counts, shares,
 * logs of sums of at least 0), leaves a sum that is never -0 (it starts at
 * +0, and only -0 + -0 is -0) as it was, so the same bits. Unrolled with
 * w one of the models' constant arrays, each test is made by the compiler
 * and the terms are not there at all (unrolled also so that the loop's end
 * is not missed once a call, callgrind --branch-sim). */
static inline __attribute__((always_inline)) double S_dot(const double *w, const double *x) {
  double s = 0;
#pragma GCC unroll 32
  for (int i = 0; i < KB_LTR_N; i++)
    if (w[i] != 0) s += w[i] * x[i];
  return s;
}

double kb_rank_learned(const double *x) {
  /* (S_MODEL()'s choice written out: each branch's weights known to the
   * compiler) */
  return x[KB_LTR_NO_EXAMPLES] != 0 ? S_dot(S_ltr_w_base, x) : S_dot(S_ltr_w, x);
}

double kb_rank_learned_confidence(const double *best, int has_second, double second_score,
                                  int asks) {
  double s = kb_rank_learned(best);
  double margin = has_second ? s - second_score : S_CONF_NO_SECOND;
  if (margin > S_CONF_NO_SECOND) margin = S_CONF_NO_SECOND;
  const double *w = S_MODEL(best, S_conf_w);
  double z = w[0];
  for (int i = 0; i < KB_LTR_N; i++) z += w[1 + i] * best[i];
  z += w[1 + KB_LTR_N] * margin + w[2 + KB_LTR_N] * asks;
  return 1.0 / (1.0 + exp(-z));
}

double kb_rank_learned_threshold(int asks, int lang_other, int no_examples) {
  return (no_examples ? S_conf_threshold_base : S_conf_threshold)[lang_other != 0][asks != 0];
}

/* A margin capped both ways: past it, a score difference says nothing
 * more (and one outlying candidate does not swing the model). */
static double S_cap(double v, double cap) { return v > cap ? cap : v < -cap ? -cap : v; }

double kb_rank_learned_fits(const kb_rank_line *l) {
  if (!l->best) return 0; /* no article at all */
  const double *w = S_MODEL(l->best, S_fits_w);
  double z = w[0];
  z += w[1] * (l->offtopic_first != 0);
  z += w[2] * (l->has_offtopic ? S_cap(l->best_score - l->offtopic_score, S_FITS_CAP) : S_FITS_CAP);
  z += w[3] * (l->has_offtopic != 0);
  for (int i = 0; i < KB_LTR_N; i++) z += w[4 + i] * l->best[i];
  double margin = l->has_second ? l->best_score - l->second_score : S_CONF_NO_SECOND;
  if (margin > S_CONF_NO_SECOND) margin = S_CONF_NO_SECOND;
  z += w[4 + KB_LTR_N] * margin + w[5 + KB_LTR_N] * (l->asks != 0);
  return 1.0 / (1.0 + exp(-z));
}

double kb_rank_learned_fits_threshold(int no_examples) {
  return no_examples ? S_fits_threshold_base : S_fits_threshold;
}
