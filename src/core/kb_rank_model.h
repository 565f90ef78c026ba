/*
 * kb_rank_model.h - written by tests/eval/fit.py; do not edit by hand.
 * Pairwise logistic ranker (L2 0.03) and confidence (L2 0.10), fitted on 1202 lines
 * of the tuning sets; answerable from the confidence at which the first
 * suggestion was right 95 times in 100 under 5-fold cross-validation.
 */
static const double S_ltr_w[KB_LTR_N] = {
    -3.111608 /* log_bm25f */,
    -3.360210 /* coverage */,
    0.814973 /* strong */,
    1.912456 /* proximity */,
    2.895503 /* title */,
    3.230241 /* exact */,
    3.234076 /* phrase */,
    4.864419 /* log_score */,
    1.336797 /* intent_match */,
    0.369762 /* intent_miss */,
    -2.468331 /* offtopic */,
    0.000000 /* other_platform */,
    2.832259 /* place_store */,
    5.494537 /* place_nostore */,
    0.000000 /* known */,
    0.000000 /* mention_intents */};
static const double S_conf_w[KB_LTR_N + 3] = {
    -9.599572 /* intercept */,
    0.315229 /* log_bm25f */,
    -0.195659 /* coverage */,
    0.348352 /* strong */,
    -0.056117 /* proximity */,
    1.719909 /* title */,
    0.546080 /* exact */,
    0.283959 /* phrase */,
    1.465988 /* log_score */,
    0.537915 /* intent_match */,
    -0.441199 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    0.366276 /* place_store */,
    4.158907 /* place_nostore */,
    1.850066 /* known */,
    0.156689 /* mention_intents */,
    1.162023 /* margin */,
    1.099691 /* asks */};
#define S_CONF_NO_SECOND 2.0
/* by whether the mention asks something (0, 1) */
static const double S_conf_threshold[2] = {0.62, 0.84};
/* whether any article fits (L2 0.30): under the threshold, nothing does */
static const double S_fits_w[KB_LTR_N + 6] = {
    -16.308082 /* intercept */,
    -0.001993 /* offtopic_first */,
    2.575253 /* offtopic_margin */,
    -0.760499 /* has_offtopic */,
    -0.082858 /* log_bm25f */,
    -1.174844 /* coverage */,
    0.018001 /* strong */,
    0.413465 /* proximity */,
    1.272124 /* title */,
    0.625891 /* exact */,
    1.776021 /* phrase */,
    2.500788 /* log_score */,
    0.304505 /* intent_match */,
    -0.387085 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    2.004122 /* place_store */,
    2.883289 /* place_nostore */,
    1.031782 /* known */,
    0.000000 /* mention_intents */,
    0.030366 /* margin */,
    2.413082 /* asks */};
#define S_FITS_CAP 3.0
static const double S_fits_threshold = 0.58;
