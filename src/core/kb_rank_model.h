/*
 * kb_rank_model.h - written by tests/eval/fit.py; do not edit by hand.
 * Pairwise logistic ranker (L2 0.03) and confidence (L2 0.30), fitted on 1475 lines
 * of the tuning sets; answerable from the confidence at which the first
 * suggestion was right 95 times in 100 under 5-fold cross-validation.
 */
static const double S_ltr_w[KB_LTR_N] = {
    -2.093762 /* log_bm25f */,
    -1.500974 /* coverage */,
    0.902346 /* strong */,
    1.639398 /* proximity */,
    3.222806 /* title */,
    2.028789 /* exact */,
    2.740607 /* phrase */,
    3.600967 /* log_score */,
    1.568102 /* intent_match */,
    0.298714 /* intent_miss */,
    -1.803924 /* offtopic */,
    0.000000 /* other_platform */,
    3.157460 /* place_store */,
    5.079783 /* place_nostore */,
    -3.025926 /* place_nostore_other */,
    0.000000 /* known */,
    0.000000 /* mention_intents */,
    0.000000 /* other_handle */,
    8.029966 /* ex_max */,
    0.000000 /* ex_none */};
static const double S_conf_w[KB_LTR_N + 3] = {
    -7.066307 /* intercept */,
    0.335263 /* log_bm25f */,
    -1.108768 /* coverage */,
    0.123404 /* strong */,
    0.241819 /* proximity */,
    1.174401 /* title */,
    0.927941 /* exact */,
    0.212248 /* phrase */,
    1.357620 /* log_score */,
    0.450866 /* intent_match */,
    -0.111449 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    0.827749 /* place_store */,
    2.860113 /* place_nostore */,
    -4.387660 /* place_nostore_other */,
    0.749206 /* known */,
    0.097653 /* mention_intents */,
    0.000000 /* other_handle */,
    1.505579 /* ex_max */,
    -3.145759 /* ex_none */,
    1.008644 /* margin */,
    0.936336 /* asks */};
#define S_CONF_NO_SECOND 2.0
/* by whether the mention asks something (0, 1) */
static const double S_conf_threshold[2] = {0.69, 0.85};
/* whether any article fits (L2 0.10): under the threshold, nothing does */
static const double S_fits_w[KB_LTR_N + 6] = {
    -12.823430 /* intercept */,
    -0.019371 /* offtopic_first */,
    2.089028 /* offtopic_margin */,
    -0.681872 /* has_offtopic */,
    -1.025758 /* log_bm25f */,
    -1.901527 /* coverage */,
    -1.603301 /* strong */,
    0.414294 /* proximity */,
    0.813990 /* title */,
    0.867204 /* exact */,
    0.854069 /* phrase */,
    3.342001 /* log_score */,
    0.334220 /* intent_match */,
    0.336579 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    2.315259 /* place_store */,
    4.663434 /* place_nostore */,
    0.011881 /* place_nostore_other */,
    1.019107 /* known */,
    0.000000 /* mention_intents */,
    -4.692499 /* other_handle */,
    3.158471 /* ex_max */,
    -5.682496 /* ex_none */,
    -0.102988 /* margin */,
    2.227354 /* asks */};
#define S_FITS_CAP 3.0
static const double S_fits_threshold = 0.61;
