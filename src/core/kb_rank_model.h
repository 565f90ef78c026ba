/*
 * kb_rank_model.h - written by tests/eval/fit.py; do not edit by hand.
 * Pairwise logistic ranker (L2 0.01) and confidence (L2 1.00), fitted on 1030 lines
 * of the tuning sets; answerable from the confidence at which the first
 * suggestion was right 95 times in 100 under 5-fold cross-validation.
 */
static const double S_ltr_w[KB_LTR_N] = {
    -4.644338 /* log_bm25f */,
    -3.985354 /* coverage */,
    1.170035 /* strong */,
    2.018664 /* proximity */,
    2.885181 /* title */,
    2.838101 /* exact */,
    1.619822 /* phrase */,
    6.339817 /* log_score */,
    1.409549 /* intent_match */,
    0.079778 /* intent_miss */,
    -2.879077 /* offtopic */,
    0.000000 /* other_platform */,
    2.923317 /* place_store */,
    5.862732 /* place_nostore */,
    -4.297129 /* place_nostore_other */,
    0.000000 /* known */,
    0.000000 /* mention_intents */};
static const double S_conf_w[KB_LTR_N + 3] = {
    -8.903187 /* intercept */,
    0.391861 /* log_bm25f */,
    -0.085651 /* coverage */,
    -0.078985 /* strong */,
    0.227468 /* proximity */,
    1.425381 /* title */,
    0.393671 /* exact */,
    0.639221 /* phrase */,
    1.363978 /* log_score */,
    0.552933 /* intent_match */,
    -0.127613 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    0.690402 /* place_store */,
    2.342820 /* place_nostore */,
    -0.854101 /* place_nostore_other */,
    1.118198 /* known */,
    0.061147 /* mention_intents */,
    1.196942 /* margin */,
    0.976971 /* asks */};
#define S_CONF_NO_SECOND 2.0
/* by whether the mention asks something (0, 1) */
static const double S_conf_threshold[2] = {0.87, 0.83};
/* whether any article fits (L2 1.00): under the threshold, nothing does */
static const double S_fits_w[KB_LTR_N + 6] = {
    -14.231678 /* intercept */,
    -0.007049 /* offtopic_first */,
    1.880066 /* offtopic_margin */,
    -0.823973 /* has_offtopic */,
    0.401246 /* log_bm25f */,
    -0.597450 /* coverage */,
    0.038920 /* strong */,
    0.315773 /* proximity */,
    0.850404 /* title */,
    0.024189 /* exact */,
    1.749859 /* phrase */,
    1.998303 /* log_score */,
    0.237876 /* intent_match */,
    -0.121156 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    1.492581 /* place_store */,
    2.163277 /* place_nostore */,
    0.001778 /* place_nostore_other */,
    1.073161 /* known */,
    0.000000 /* mention_intents */,
    0.205733 /* margin */,
    2.103255 /* asks */};
#define S_FITS_CAP 3.0
static const double S_fits_threshold = 0.62;
