/*
 * kb_rank_model.h - written by tests/eval/fit.py; do not edit by hand.
 * Pairwise logistic ranker (L2 0.01) and confidence (L2 1.00), fitted on 533 lines
 * of the tuning sets; answerable from the confidence at which the first
 * suggestion was right 95 times in 100 under 5-fold cross-validation.
 */
static const double S_ltr_w[KB_LTR_N] = {
    -1.292945 /* log_bm25f */,
    -2.106048 /* coverage */,
    1.951045 /* strong */,
    0.833199 /* proximity */,
    2.483051 /* title */,
    5.078849 /* exact */,
    3.264612 /* phrase */,
    4.138872 /* log_score */,
    0.771884 /* intent_match */,
    0.336993 /* intent_miss */,
    -2.822194 /* offtopic */,
    0.000000 /* other_platform */,
    2.427694 /* place_store */,
    6.707529 /* place_nostore */,
    0.000000 /* known */,
    0.000000 /* mention_intents */};
static const double S_conf_w[KB_LTR_N + 3] = {
    -8.970180 /* intercept */,
    0.583945 /* log_bm25f */,
    -0.543468 /* coverage */,
    0.399873 /* strong */,
    0.073702 /* proximity */,
    1.609990 /* title */,
    0.381094 /* exact */,
    1.170149 /* phrase */,
    1.390719 /* log_score */,
    -0.051209 /* intent_match */,
    -0.670659 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    -0.016080 /* place_store */,
    1.537327 /* place_nostore */,
    0.669332 /* known */,
    0.694905 /* mention_intents */,
    1.099784 /* margin */,
    0.814684 /* asks */};
#define S_CONF_NO_SECOND 2.0
/* by whether the mention asks something (0, 1) */
static const double S_conf_threshold[2] = {0.76, 0.72};
/* whether any article fits (L2 0.30): under the threshold, nothing does */
static const double S_fits_w[KB_LTR_N + 6] = {
    -17.692318 /* intercept */,
    -0.000495 /* offtopic_first */,
    2.240072 /* offtopic_margin */,
    -0.981701 /* has_offtopic */,
    0.409119 /* log_bm25f */,
    -1.005661 /* coverage */,
    0.003625 /* strong */,
    -0.373034 /* proximity */,
    0.885621 /* title */,
    0.045347 /* exact */,
    3.144171 /* phrase */,
    2.668201 /* log_score */,
    -0.045787 /* intent_match */,
    1.851794 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    1.582463 /* place_store */,
    1.769323 /* place_nostore */,
    1.499395 /* known */,
    0.000000 /* mention_intents */,
    0.125753 /* margin */,
    2.240209 /* asks */};
#define S_FITS_CAP 3.0
static const double S_fits_threshold = 0.58;
