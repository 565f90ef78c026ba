/*
 * kb_rank_model.h - written by tests/eval/fit.py; do not edit by hand.
 * Pairwise logistic ranker (L2 0.01) and confidence (L2 0.10), fitted on 1202 lines
 * of the tuning sets; answerable from the confidence at which the first
 * suggestion was right 95 times in 100 under 5-fold cross-validation.
 */
static const double S_ltr_w[KB_LTR_N] = {
    -4.644150 /* log_bm25f */,
    -3.638669 /* coverage */,
    1.346405 /* strong */,
    1.994470 /* proximity */,
    3.739707 /* title */,
    3.105695 /* exact */,
    2.409321 /* phrase */,
    6.096989 /* log_score */,
    1.502051 /* intent_match */,
    0.030591 /* intent_miss */,
    -3.123377 /* offtopic */,
    0.000000 /* other_platform */,
    3.041395 /* place_store */,
    5.908471 /* place_nostore */,
    -4.572810 /* place_nostore_other */,
    0.000000 /* known */,
    0.000000 /* mention_intents */,
    0.000000 /* other_handle */,
    0.000000 /* ex_max */,
    0.000000 /* ex_none */};
static const double S_conf_w[KB_LTR_N + 3] = {
    -10.285263 /* intercept */,
    0.036752 /* log_bm25f */,
    -0.387902 /* coverage */,
    0.186417 /* strong */,
    0.082391 /* proximity */,
    1.877180 /* title */,
    0.617892 /* exact */,
    0.157460 /* phrase */,
    1.941675 /* log_score */,
    0.963338 /* intent_match */,
    -0.083770 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    0.803210 /* place_store */,
    4.298708 /* place_nostore */,
    -5.044535 /* place_nostore_other */,
    1.908621 /* known */,
    -0.059608 /* mention_intents */,
    0.000000 /* other_handle */,
    0.000000 /* ex_max */,
    0.000000 /* ex_none */,
    1.102120 /* margin */,
    1.148440 /* asks */};
#define S_CONF_NO_SECOND 2.0
/* by whether the mention asks something (0, 1) */
static const double S_conf_threshold[2] = {0.65, 0.82};
/* whether any article fits (L2 0.30): under the threshold, nothing does */
static const double S_fits_w[KB_LTR_N + 6] = {
    -16.338150 /* intercept */,
    -0.002312 /* offtopic_first */,
    2.415477 /* offtopic_margin */,
    -0.840791 /* has_offtopic */,
    -0.156495 /* log_bm25f */,
    -1.284164 /* coverage */,
    0.088375 /* strong */,
    0.582310 /* proximity */,
    1.072854 /* title */,
    0.689757 /* exact */,
    1.805014 /* phrase */,
    2.613513 /* log_score */,
    0.325732 /* intent_match */,
    -0.202644 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    1.897950 /* place_store */,
    3.188604 /* place_nostore */,
    0.002535 /* place_nostore_other */,
    1.385125 /* known */,
    0.000000 /* mention_intents */,
    -3.010708 /* other_handle */,
    0.000000 /* ex_max */,
    0.000000 /* ex_none */,
    0.068465 /* margin */,
    2.422651 /* asks */};
#define S_FITS_CAP 3.0
static const double S_fits_threshold = 0.58;
