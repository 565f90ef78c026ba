/*
 * kb_rank_model.h - written by tests/eval/fit.py; do not edit by hand.
 * Pairwise logistic ranker (L2 0.03) and confidence (L2 1.00), fitted on 533 lines
 * of the tuning sets; answerable from the confidence at which the first
 * suggestion was right 95 times in 100 under 5-fold cross-validation.
 */
static const double S_ltr_w[KB_LTR_N] = {
    -0.494424 /* log_bm25f */,
    -3.095229 /* coverage */,
    1.309065 /* strong */,
    0.532079 /* proximity */,
    2.563497 /* title */,
    1.504753 /* exact */,
    3.762081 /* phrase */,
    3.880654 /* log_score */,
    0.000000 /* intent_match */,
    0.000000 /* intent_miss */,
    -2.177604 /* offtopic */,
    0.000000 /* other_platform */,
    0.000000 /* place_store */,
    0.000000 /* place_nostore */,
    0.000000 /* known */};
static const double S_conf_w[KB_LTR_N + 3] = {
    -7.953582 /* intercept */,
    0.586695 /* log_bm25f */,
    -0.367546 /* coverage */,
    0.488168 /* strong */,
    -0.350458 /* proximity */,
    0.958342 /* title */,
    0.303250 /* exact */,
    0.711989 /* phrase */,
    1.255398 /* log_score */,
    0.194156 /* intent_match */,
    1.014497 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    0.318694 /* place_store */,
    -0.408823 /* place_nostore */,
    0.467720 /* known */,
    0.680665 /* margin */,
    0.947966 /* asks */};
#define S_CONF_NO_SECOND 5.0
static const double S_conf_threshold = 0.83;
