/*
 * kb_rank_model.h - written by tests/eval/fit.py; do not edit by hand.
 * Pairwise logistic ranker (L2 0.03) and confidence (L2 1.00), fitted on 1030 lines
 * of the tuning sets; answerable from the confidence at which the first
 * suggestion was right 95 times in 100 under 5-fold cross-validation.
 */
static const double S_ltr_w[KB_LTR_N] = {
    -3.037706 /* log_bm25f */,
    -3.598430 /* coverage */,
    0.615755 /* strong */,
    1.892784 /* proximity */,
    2.172514 /* title */,
    3.006632 /* exact */,
    2.793031 /* phrase */,
    4.992812 /* log_score */,
    1.290827 /* intent_match */,
    0.375436 /* intent_miss */,
    -2.216949 /* offtopic */,
    0.000000 /* other_platform */,
    2.732607 /* place_store */,
    5.424050 /* place_nostore */,
    0.000000 /* known */,
    0.000000 /* mention_intents */};
static const double S_conf_w[KB_LTR_N + 3] = {
    -8.433901 /* intercept */,
    0.468034 /* log_bm25f */,
    -0.092203 /* coverage */,
    0.021105 /* strong */,
    0.119583 /* proximity */,
    1.341865 /* title */,
    0.248942 /* exact */,
    0.580198 /* phrase */,
    1.186918 /* log_score */,
    0.294356 /* intent_match */,
    -0.459370 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    0.214276 /* place_store */,
    2.428750 /* place_nostore */,
    1.108590 /* known */,
    0.271696 /* mention_intents */,
    1.256042 /* margin */,
    0.896706 /* asks */};
#define S_CONF_NO_SECOND 2.0
/* by whether the mention asks something (0, 1) */
static const double S_conf_threshold[2] = {0.79, 0.81};
/* whether any article fits (L2 1.00): under the threshold, nothing does */
static const double S_fits_w[KB_LTR_N + 6] = {
    -13.675924 /* intercept */,
    -0.005835 /* offtopic_first */,
    1.847433 /* offtopic_margin */,
    -0.725927 /* has_offtopic */,
    0.426189 /* log_bm25f */,
    -0.479107 /* coverage */,
    0.024466 /* strong */,
    0.159738 /* proximity */,
    0.874442 /* title */,
    -0.066623 /* exact */,
    1.611430 /* phrase */,
    1.859017 /* log_score */,
    0.298410 /* intent_match */,
    -0.212712 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    1.396502 /* place_store */,
    2.005019 /* place_nostore */,
    1.000228 /* known */,
    0.000000 /* mention_intents */,
    0.236289 /* margin */,
    2.089613 /* asks */};
#define S_FITS_CAP 3.0
static const double S_fits_threshold = 0.63;
