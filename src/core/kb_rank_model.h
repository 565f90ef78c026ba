/*
 * kb_rank_model.h - written by tests/eval/fit.py; do not edit by hand.
 * Pairwise logistic ranker (L2 0.01) and confidence (L2 1.00), fitted on 1030 lines
 * of the tuning sets; answerable from the confidence at which the first
 * suggestion was right 95 times in 100 under 5-fold cross-validation.
 */
static const double S_ltr_w[KB_LTR_N] = {
    -4.647416 /* log_bm25f */,
    -4.092962 /* coverage */,
    1.132857 /* strong */,
    1.996289 /* proximity */,
    2.865730 /* title */,
    2.854429 /* exact */,
    1.567881 /* phrase */,
    6.382725 /* log_score */,
    1.461712 /* intent_match */,
    0.030212 /* intent_miss */,
    -2.875877 /* offtopic */,
    0.000000 /* other_platform */,
    2.920545 /* place_store */,
    5.854589 /* place_nostore */,
    -4.340980 /* place_nostore_other */,
    0.000000 /* known */,
    0.000000 /* mention_intents */};
static const double S_conf_w[KB_LTR_N + 3] = {
    -8.851419 /* intercept */,
    0.392378 /* log_bm25f */,
    -0.103998 /* coverage */,
    -0.081061 /* strong */,
    0.287951 /* proximity */,
    1.435654 /* title */,
    0.389686 /* exact */,
    0.627164 /* phrase */,
    1.360796 /* log_score */,
    0.610837 /* intent_match */,
    -0.144290 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    0.640554 /* place_store */,
    2.365219 /* place_nostore */,
    -0.869521 /* place_nostore_other */,
    1.128952 /* known */,
    0.093256 /* mention_intents */,
    1.162906 /* margin */,
    0.991306 /* asks */};
#define S_CONF_NO_SECOND 2.0
/* by whether the mention asks something (0, 1) */
static const double S_conf_threshold[2] = {0.86, 0.81};
/* whether any article fits (L2 1.00): under the threshold, nothing does */
static const double S_fits_w[KB_LTR_N + 6] = {
    -14.251407 /* intercept */,
    -0.007598 /* offtopic_first */,
    1.874852 /* offtopic_margin */,
    -0.834931 /* has_offtopic */,
    0.419446 /* log_bm25f */,
    -0.613548 /* coverage */,
    0.065223 /* strong */,
    0.390662 /* proximity */,
    0.773372 /* title */,
    0.033171 /* exact */,
    1.692579 /* phrase */,
    1.961734 /* log_score */,
    0.285690 /* intent_match */,
    -0.093810 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    1.474369 /* place_store */,
    2.164517 /* place_nostore */,
    0.001805 /* place_nostore_other */,
    1.161315 /* known */,
    0.000000 /* mention_intents */,
    0.238130 /* margin */,
    2.088652 /* asks */};
#define S_FITS_CAP 3.0
static const double S_fits_threshold = 0.61;
