/*
 * kb_rank_model.h - written by tests/eval/fit.py; do not edit by hand.
 * Pairwise logistic ranker (L2 0.01) and confidence (L2 0.30), fitted on 7613 lines
 * of the tuning sets; answerable from the confidence at which the first
 * suggestion was right 95 times in 100 under 5-fold cross-validation.
 */
static const double S_ltr_w[KB_LTR_N] = {
    -2.311003 /* log_bm25f */,
    0.746782 /* coverage */,
    1.956159 /* strong */,
    3.867890 /* proximity */,
    1.941921 /* title */,
    1.102888 /* exact */,
    4.520429 /* phrase */,
    2.999284 /* log_score */,
    2.059358 /* intent_match */,
    0.231212 /* intent_miss */,
    -4.423647 /* offtopic */,
    0.000000 /* other_platform */,
    1.171960 /* place_store */,
    7.476436 /* place_nostore */,
    -5.649640 /* place_nostore_other */,
    0.000000 /* known */,
    0.000000 /* mention_intents */,
    0.000000 /* other_handle */,
    14.207150 /* ex_max */,
    0.000000 /* ex_none */,
    0.000000 /* lang_other */};
static const double S_conf_w[KB_LTR_N + 3] = {
    -7.213263 /* intercept */,
    0.476700 /* log_bm25f */,
    -1.562371 /* coverage */,
    0.173672 /* strong */,
    0.749020 /* proximity */,
    1.332985 /* title */,
    0.093602 /* exact */,
    -0.257364 /* phrase */,
    1.389821 /* log_score */,
    1.003796 /* intent_match */,
    0.301169 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    0.363740 /* place_store */,
    3.463860 /* place_nostore */,
    -2.160082 /* place_nostore_other */,
    0.278703 /* known */,
    -0.470375 /* mention_intents */,
    0.000000 /* other_handle */,
    3.285343 /* ex_max */,
    -3.173233 /* ex_none */,
    0.458284 /* lang_other */,
    0.997418 /* margin */,
    0.731494 /* asks */};
#define S_CONF_NO_SECOND 2.0
/* by whether the mention asks something (0, 1) */
/* [another language than the index's default][asks] */
static const double S_conf_threshold[2][2] = {{0.81, 0.88}, {0.81, 0.88}};
/* whether any article fits (L2 0.30): under the threshold, nothing does */
static const double S_fits_w[KB_LTR_N + 6] = {
    -12.307996 /* intercept */,
    -0.010835 /* offtopic_first */,
    1.982881 /* offtopic_margin */,
    -0.562166 /* has_offtopic */,
    0.702865 /* log_bm25f */,
    -1.579291 /* coverage */,
    -0.454566 /* strong */,
    1.010431 /* proximity */,
    0.483800 /* title */,
    -0.050540 /* exact */,
    0.644467 /* phrase */,
    1.786208 /* log_score */,
    0.998531 /* intent_match */,
    0.351294 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    1.077240 /* place_store */,
    4.183257 /* place_nostore */,
    0.002542 /* place_nostore_other */,
    0.214787 /* known */,
    0.000000 /* mention_intents */,
    -3.553232 /* other_handle */,
    4.963403 /* ex_max */,
    -4.866612 /* ex_none */,
    0.643009 /* lang_other */,
    -0.070300 /* margin */,
    1.170783 /* asks */};
#define S_FITS_CAP 3.0
static const double S_fits_threshold = 0.58;
