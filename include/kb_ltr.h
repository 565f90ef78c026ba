/*
 * kb_ltr.h - how sure we are of a search's best row, and the learned
 * ranker, confidence and "nothing fits" model of the suggest path.
 *
 * All of it reads the features kb_features() computes (kb_rank.h) and,
 * for the learned models, what the suggest path knows of the mention
 * beside the article (kb_suggest.c); the fitted weights are the generated
 * headers src/core/kb_rank_model.h and kb_rank_model_base.h, included by
 * kb_ltr.c alone. Every function is pure: it reads its arguments, keeps
 * nothing and owns nothing, and none can fail (a missing best row or
 * article is a confidence of 0).
 */
#ifndef KB_LTR_H
#define KB_LTR_H

/*--- The hand-set confidence ---------------------------------------------*/

/* How sure we are that the best row answers the query, 0..1, from its
 * features, those of the runner-up (NULL when there is none; the margin
 * between them scored without ablate's parts) and whether the mention
 * asks something (kb_intent_asks(): 1 or 0). */
double kb_rank_confidence(const double *best, const double *second, int asks, unsigned ablate);

/*--- The learned ranker and confidence -----------------------------------*/

/* The inputs of the learned ranker (kb_rank_learned()) for one candidate:
 * its features transformed, and what the suggest path knows of the
 * mention beside the article (kb_suggest.c). The weights and the
 * confidence model are fitted by tests/eval/fit.py and read from the
 * header it writes (src/core/kb_rank_model.h); the names here are the
 * fitting script's. */
typedef enum {
  KB_LTR_LOG_BM25F = 0, /* log(1 + BM25F) */
  KB_LTR_COVERAGE,
  KB_LTR_STRONG,
  KB_LTR_PROXIMITY,
  KB_LTR_TITLE,
  KB_LTR_EXACT,
  KB_LTR_PHRASE,
  KB_LTR_LOG_SCORE,     /* log(1 + kb_rank_score()), the hand-set score */
  KB_LTR_INTENT_MATCH,  /* the mention's and the article's intents meet */
  KB_LTR_INTENT_MISS,   /* both have intents, none in common */
  KB_LTR_OFFTOPIC,      /* an off-topic page */
  KB_LTR_OTHER_PLATFORM, /* for the other phone platform than the one named */
  KB_LTR_PLACE_STORE,   /* the mention names a place, the article links stores */
  KB_LTR_PLACE_NOSTORE, /* a place with no store, and the article is about
                           finding a store (its intents: a location) */
  KB_LTR_PLACE_NOSTORE_OTHER, /* a place with no store, and the article links
                           stores but is not about finding one (its hours,
                           stock, collecting there): the customer first
                           needs to learn there is no store there */
  KB_LTR_KNOWN,         /* share of the mention's words the index knows
                           (the same for every candidate: confidence only) */
  KB_LTR_MENTION_INTENTS, /* how many intents the mention shows: two
                           questions in one are often two intents (the
                           same for every candidate: confidence only) */
  KB_LTR_OTHER_HANDLE,  /* the mention names another company's @handle
                           (the same for every candidate: confidence and
                           "nothing fits" only) */
  KB_LTR_EX_MAX,        /* the best cosine between the mention and the
                           examples labelled with the article (kb_examples.h;
                           English mentions, others 0) */
  KB_LTR_EX_NONE,       /* of the mention's 7 nearest examples, the
                           cosine-weighted share labelled "-" (nothing fits;
                           the same for every candidate) */
  KB_LTR_LANG_OTHER,    /* the mention is in another language than the
                           index's default (the same for every candidate:
                           confidence and "nothing fits" only) */
  KB_LTR_NO_EXAMPLES,   /* the mention's language has no example mentions
                           in the index (kb_index_examples()), so EX_MAX and
                           EX_NONE say nothing: a knowledge base before its
                           team wrote any (confidence and "nothing fits"
                           only) */
  KB_LTR_CLF,           /* the word model's p of the article's slug
                           (kb_words.h; 0 for an off-topic page, a slug no
                           training line has, a language without a model) */
  KB_LTR_CLF_NONE,      /* the word model's p("-"), nothing fits (the same
                           for every candidate; 0 without a model) */
  KB_LTR_N
} kb_ltr_input;

/* What the suggest path knows of a candidate besides its features. */
typedef struct {
  int mention_intents, article_intents; /* KB_INTENT_* bits */
  int offtopic, other_platform;
  int place, place_store; /* a place named; it has a store */
  int links_stores;       /* the article deep-links stores */
  int other_handle;       /* the mention names another company's @handle */
  double ex_max, ex_none; /* the examples' inputs (kb_examples.h), 0: none */
  double clf, clf_none;   /* the word model's inputs (kb_words.h), 0: none */
  int lang_other;         /* the mention is not in the index's default
                             language */
  int no_examples;        /* its language has no example mentions */
} kb_rank_ctx;

/* Fills x[KB_LTR_N] from a candidate's features f and its context c. */
void kb_rank_ltr_inputs(const double *f, const kb_rank_ctx *c, double *x);
/* The same in two parts, for the candidates of one mention: its inputs
 * that are the same for each (MENTION_INTENTS, OTHER_HANDLE, EX_NONE,
 * LANG_OTHER, NO_EXAMPLES, CLF_NONE) made into m[KB_LTR_N] once (the
 * others left), then each candidate's x filled from f, c and m: what
 * kb_rank_ltr_inputs(f, c, x) fills. */
void kb_rank_ltr_mention(const kb_rank_ctx *c, double *m);
void kb_rank_ltr_inputs_with(const double *f, const kb_rank_ctx *c, const double *m, double *x);

/* Two models. Each learned function below (ranker, confidence, "nothing
 * fits" and their thresholds) has two fitted versions, picked by the
 * candidate's KB_LTR_NO_EXAMPLES input: the model with examples
 * (kb_rank_model.h, tests/eval/fit.py: fitted where every language has
 * example mentions) and the base model (kb_rank_model_base.h,
 * tests/eval/base_model.py: the model fitted in session 18, before
 * French, German and Spanish had examples) for a mention whose language
 * has none in the index, such as a knowledge base before its team wrote
 * any. The first was never shown to serve that case (docs/relevance.md,
 * nineteenth and twentieth rounds). */

/* The learned ranking score (higher is better; a log-odds, may be
 * negative) of a candidate from its inputs. */
double kb_rank_learned(const double *x);

/* How likely the first candidate (inputs best) is the right article,
 * 0..1, given the learned score of the runner-up (or no runner-up when
 * has_second is 0) and whether the mention asks something. */
double kb_rank_learned_confidence(const double *best, int has_second, double second_score,
                                  int asks);

/* The confidence from which the first suggestion is answerable (fitted
 * with the model: "very probably right"), for a mention that asks
 * something (asks 1) or only states something (0), in the index's default
 * language (lang_other 0) or another (1): each language group's first
 * suggestions are right as often from its threshold up (a threshold
 * shared by all let one group's mistakes pass as another's sureness);
 * no_examples 1: the mention's language has no example mentions in the
 * index (kb_rank_ctx's no_examples): the base model's threshold (below). */
double kb_rank_learned_threshold(int asks, int lang_other, int no_examples);

/* Whether any article fits the mention at all (the abstention: praise,
 * rants, other products), a model of its own beside the confidence, which
 * asks whether the *first* suggestion is right. Its inputs, from the
 * learned ranking of every candidate (articles and off-topic pages): */
typedef struct {
  const double *best;    /* the first article's inputs (KB_LTR_N) */
  double best_score;     /* its learned score */
  int has_second;        /* a second article, with its learned score */
  double second_score;
  int has_offtopic;      /* an off-topic page among the candidates, with */
  double offtopic_score; /* the best one's learned score */
  int offtopic_first;    /* an off-topic page ranks over every article */
  int asks;              /* kb_mention_asks() */
} kb_rank_line;

/* How likely some article fits, 0..1 (fitted by tests/eval/fit.py). */
double kb_rank_learned_fits(const kb_rank_line *l);

/* Under it, nothing fits: the mention is one we do not answer (the base
 * model's where the mention's language has no example mentions). */
double kb_rank_learned_fits_threshold(int no_examples);

#endif
