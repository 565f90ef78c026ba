/*
 * kb_rank_model.h - written by tests/eval/fit.py; do not edit by hand.
 * Pairwise logistic ranker (L2 0.03) and confidence (L2 1.00), fitted on 533 lines
 * of the tuning sets; answerable from the confidence at which the first
 * suggestion was right 95 times in 100 under 5-fold cross-validation.
 */
static const double S_ltr_w[KB_LTR_N] = {
    -0.533086 /* log_bm25f */,
    -1.578110 /* coverage */,
    1.881900 /* strong */,
    0.806452 /* proximity */,
    2.114535 /* title */,
    3.104309 /* exact */,
    2.996806 /* phrase */,
    3.588056 /* log_score */,
    1.075392 /* intent_match */,
    0.832089 /* intent_miss */,
    -1.223041 /* offtopic */,
    0.000000 /* other_platform */,
    2.304188 /* place_store */,
    4.104619 /* place_nostore */,
    0.000000 /* known */};
static const double S_conf_w[KB_LTR_N + 3] = {
    -8.932564 /* intercept */,
    0.521152 /* log_bm25f */,
    -0.746415 /* coverage */,
    0.336708 /* strong */,
    -0.047998 /* proximity */,
    1.449443 /* title */,
    0.269460 /* exact */,
    1.259292 /* phrase */,
    1.336216 /* log_score */,
    0.319059 /* intent_match */,
    -0.270714 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    -0.158717 /* place_store */,
    1.748632 /* place_nostore */,
    0.722886 /* known */,
    1.441782 /* margin */,
    0.861254 /* asks */};
#define S_CONF_NO_SECOND 2.0
/* by whether the mention asks something (0, 1) */
static const double S_conf_threshold[2] = {0.74, 0.79};
