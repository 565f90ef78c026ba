/*
 * kb_rank_model.h - written by tests/eval/fit.py; do not edit by hand.
 * Pairwise logistic ranker (L2 0.03) and confidence (L2 1.00), fitted on 533 lines
 * of the tuning sets; answerable from the confidence at which the first
 * suggestion was right 95 times in 100 under 5-fold cross-validation.
 */
static const double S_ltr_w[KB_LTR_N] = {
    -0.535810 /* log_bm25f */,
    -2.807110 /* coverage */,
    1.679261 /* strong */,
    0.723573 /* proximity */,
    2.643277 /* title */,
    1.450619 /* exact */,
    3.559789 /* phrase */,
    3.806254 /* log_score */,
    0.988887 /* intent_match */,
    1.528203 /* intent_miss */,
    -1.862531 /* offtopic */,
    0.000000 /* other_platform */,
    0.000000 /* place_store */,
    0.000000 /* place_nostore */,
    0.000000 /* known */};
static const double S_conf_w[KB_LTR_N + 3] = {
    -7.688707 /* intercept */,
    0.478242 /* log_bm25f */,
    -0.391403 /* coverage */,
    0.342231 /* strong */,
    -0.315365 /* proximity */,
    1.076663 /* title */,
    0.325765 /* exact */,
    0.772909 /* phrase */,
    1.321881 /* log_score */,
    0.125604 /* intent_match */,
    -0.049734 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    0.342085 /* place_store */,
    -0.259243 /* place_nostore */,
    0.418944 /* known */,
    0.665915 /* margin */,
    0.848380 /* asks */};
#define S_CONF_NO_SECOND 5.0
static const double S_conf_threshold = 0.85;
