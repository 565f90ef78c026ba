/*
 * kb_rank_model.h - written by tests/eval/fit.py; do not edit by hand.
 * Pairwise logistic ranker (L2 0.01) and confidence (L2 0.10), fitted on 1202 lines
 * of the tuning sets; answerable from the confidence at which the first
 * suggestion was right 95 times in 100 under 5-fold cross-validation.
 */
static const double S_ltr_w[KB_LTR_N] = {
    -4.623938 /* log_bm25f */,
    -3.649358 /* coverage */,
    1.376278 /* strong */,
    1.990292 /* proximity */,
    3.774191 /* title */,
    3.136463 /* exact */,
    2.340418 /* phrase */,
    6.085513 /* log_score */,
    1.501684 /* intent_match */,
    0.030200 /* intent_miss */,
    -3.127791 /* offtopic */,
    0.000000 /* other_platform */,
    3.021558 /* place_store */,
    5.913459 /* place_nostore */,
    -4.560361 /* place_nostore_other */,
    0.000000 /* known */,
    0.000000 /* mention_intents */};
static const double S_conf_w[KB_LTR_N + 3] = {
    -10.288319 /* intercept */,
    0.041381 /* log_bm25f */,
    -0.402624 /* coverage */,
    0.188210 /* strong */,
    0.085484 /* proximity */,
    1.874555 /* title */,
    0.629356 /* exact */,
    0.181819 /* phrase */,
    1.940493 /* log_score */,
    0.963357 /* intent_match */,
    -0.081564 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    0.808724 /* place_store */,
    4.304004 /* place_nostore */,
    -5.046106 /* place_nostore_other */,
    1.905051 /* known */,
    -0.056980 /* mention_intents */,
    1.097825 /* margin */,
    1.145372 /* asks */};
#define S_CONF_NO_SECOND 2.0
/* by whether the mention asks something (0, 1) */
static const double S_conf_threshold[2] = {0.65, 0.82};
/* whether any article fits (L2 0.30): under the threshold, nothing does */
static const double S_fits_w[KB_LTR_N + 6] = {
    -16.579097 /* intercept */,
    -0.001315 /* offtopic_first */,
    2.507620 /* offtopic_margin */,
    -0.827323 /* has_offtopic */,
    -0.187690 /* log_bm25f */,
    -1.292557 /* coverage */,
    0.039901 /* strong */,
    0.567937 /* proximity */,
    1.101744 /* title */,
    0.702186 /* exact */,
    1.862073 /* phrase */,
    2.629664 /* log_score */,
    0.280441 /* intent_match */,
    -0.173708 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    1.924665 /* place_store */,
    3.147279 /* place_nostore */,
    0.002735 /* place_nostore_other */,
    1.297076 /* known */,
    0.000000 /* mention_intents */,
    0.086780 /* margin */,
    2.426477 /* asks */};
#define S_FITS_CAP 3.0
static const double S_fits_threshold = 0.59;
