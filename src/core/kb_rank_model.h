/*
 * kb_rank_model.h - written by tests/eval/fit.py; do not edit by hand.
 * Pairwise logistic ranker (L2 0.01) and confidence (L2 1.00), fitted on 533 lines
 * of the tuning sets; answerable from the confidence at which the first
 * suggestion was right 95 times in 100 under 5-fold cross-validation.
 */
static const double S_ltr_w[KB_LTR_N] = {
    -1.303969 /* log_bm25f */,
    -2.035190 /* coverage */,
    2.041877 /* strong */,
    0.789150 /* proximity */,
    2.684004 /* title */,
    4.989847 /* exact */,
    3.249777 /* phrase */,
    4.133432 /* log_score */,
    1.206373 /* intent_match */,
    0.915802 /* intent_miss */,
    -2.784085 /* offtopic */,
    0.000000 /* other_platform */,
    2.350283 /* place_store */,
    6.656505 /* place_nostore */,
    0.000000 /* known */,
    0.000000 /* mention_intents */};
static const double S_conf_w[KB_LTR_N + 3] = {
    -9.230627 /* intercept */,
    0.527048 /* log_bm25f */,
    -0.508553 /* coverage */,
    0.363583 /* strong */,
    0.109179 /* proximity */,
    1.525308 /* title */,
    0.420965 /* exact */,
    1.142313 /* phrase */,
    1.402105 /* log_score */,
    -0.063173 /* intent_match */,
    -0.508334 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    0.018104 /* place_store */,
    1.541902 /* place_nostore */,
    0.641453 /* known */,
    0.589465 /* mention_intents */,
    1.344531 /* margin */,
    0.778936 /* asks */};
#define S_CONF_NO_SECOND 2.0
/* by whether the mention asks something (0, 1) */
static const double S_conf_threshold[2] = {0.71, 0.73};
/* whether any article fits (L2 0.30): under the threshold, nothing does */
static const double S_fits_w[KB_LTR_N + 6] = {
    -18.808858 /* intercept */,
    -0.000159 /* offtopic_first */,
    2.574186 /* offtopic_margin */,
    -0.951369 /* has_offtopic */,
    0.495649 /* log_bm25f */,
    -0.985241 /* coverage */,
    0.009778 /* strong */,
    -0.447813 /* proximity */,
    0.841075 /* title */,
    0.021645 /* exact */,
    3.110047 /* phrase */,
    2.595462 /* log_score */,
    0.115442 /* intent_match */,
    1.534696 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    1.477247 /* place_store */,
    1.712602 /* place_nostore */,
    1.536733 /* known */,
    0.000000 /* mention_intents */,
    0.191591 /* margin */,
    2.282134 /* asks */};
#define S_FITS_CAP 3.0
static const double S_fits_threshold = 0.59;
