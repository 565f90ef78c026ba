/*
 * kb_rank_model.h - written by tests/eval/fit.py; do not edit by hand.
 * Pairwise logistic ranker (L2 0.03) and confidence (L2 1.00), fitted on 533 lines
 * of the tuning sets; answerable from the confidence at which the first
 * suggestion was right 95 times in 100 under 5-fold cross-validation.
 */
static const double S_ltr_w[KB_LTR_N] = {
    -0.540433 /* log_bm25f */,
    -1.547796 /* coverage */,
    1.891043 /* strong */,
    0.806622 /* proximity */,
    2.117496 /* title */,
    3.149600 /* exact */,
    2.977318 /* phrase */,
    3.587046 /* log_score */,
    1.091768 /* intent_match */,
    0.839206 /* intent_miss */,
    -1.221691 /* offtopic */,
    0.000000 /* other_platform */,
    2.306989 /* place_store */,
    4.110016 /* place_nostore */,
    0.000000 /* known */};
static const double S_conf_w[KB_LTR_N + 3] = {
    -9.025043 /* intercept */,
    0.527190 /* log_bm25f */,
    -0.696174 /* coverage */,
    0.327355 /* strong */,
    -0.073309 /* proximity */,
    1.473791 /* title */,
    0.280602 /* exact */,
    1.217680 /* phrase */,
    1.334511 /* log_score */,
    0.323304 /* intent_match */,
    -0.249319 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    -0.191141 /* place_store */,
    1.758618 /* place_nostore */,
    0.700775 /* known */,
    1.493956 /* margin */,
    0.863387 /* asks */};
#define S_CONF_NO_SECOND 2.0
/* by whether the mention asks something (0, 1) */
static const double S_conf_threshold[2] = {0.74, 0.78};
/* whether any article fits (L2 1.00): under the threshold, nothing does */
static const double S_fits_w[KB_LTR_N + 6] = {
    -12.994105 /* intercept */,
    -0.015115 /* offtopic_first */,
    1.218801 /* offtopic_margin */,
    -0.612884 /* has_offtopic */,
    0.741953 /* log_bm25f */,
    -0.672546 /* coverage */,
    0.320878 /* strong */,
    -0.040452 /* proximity */,
    0.705520 /* title */,
    0.202970 /* exact */,
    1.816279 /* phrase */,
    1.939107 /* log_score */,
    -0.001177 /* intent_match */,
    0.735737 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    1.157371 /* place_store */,
    1.125280 /* place_nostore */,
    1.000319 /* known */,
    0.317676 /* margin */,
    1.854865 /* asks */};
#define S_FITS_CAP 3.0
static const double S_fits_threshold = 0.57;
