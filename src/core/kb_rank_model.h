/*
 * kb_rank_model.h - written by tests/eval/fit.py; do not edit by hand.
 * Pairwise logistic ranker (L2 0.01) and confidence (L2 0.30), fitted on 1030 lines
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
    -9.694688 /* intercept */,
    0.222926 /* log_bm25f */,
    -0.201274 /* coverage */,
    -0.049555 /* strong */,
    0.199023 /* proximity */,
    1.654770 /* title */,
    0.205477 /* exact */,
    0.417022 /* phrase */,
    1.626963 /* log_score */,
    0.661590 /* intent_match */,
    0.007922 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    0.701170 /* place_store */,
    3.477892 /* place_nostore */,
    -2.640692 /* place_nostore_other */,
    1.641795 /* known */,
    0.066116 /* mention_intents */,
    1.182446 /* margin */,
    1.030118 /* asks */};
#define S_CONF_NO_SECOND 2.0
/* by whether the mention asks something (0, 1) */
static const double S_conf_threshold[2] = {0.80, 0.81};
/* whether any article fits (L2 1.00): under the threshold, nothing does */
static const double S_fits_w[KB_LTR_N + 6] = {
    -13.750825 /* intercept */,
    -0.018702 /* offtopic_first */,
    1.673629 /* offtopic_margin */,
    -0.798593 /* has_offtopic */,
    0.462254 /* log_bm25f */,
    -0.526348 /* coverage */,
    0.070424 /* strong */,
    0.272034 /* proximity */,
    0.813309 /* title */,
    -0.021753 /* exact */,
    1.600576 /* phrase */,
    1.934544 /* log_score */,
    0.319638 /* intent_match */,
    -0.264306 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    1.425708 /* place_store */,
    2.153386 /* place_nostore */,
    0.001556 /* place_nostore_other */,
    1.175033 /* known */,
    0.000000 /* mention_intents */,
    0.280964 /* margin */,
    2.127603 /* asks */};
#define S_FITS_CAP 3.0
static const double S_fits_threshold = 0.62;
