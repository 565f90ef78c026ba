/*
 * kb_rank_model.h - written by tests/eval/fit.py; do not edit by hand.
 * Pairwise logistic ranker (L2 0.01) and confidence (L2 1.00), fitted on 7613 lines
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
    0.000000 /* lang_other */,
    0.000000 /* no_examples */};
static const double S_conf_w[KB_LTR_N + 3] = {
    -8.194825 /* intercept */,
    0.104922 /* log_bm25f */,
    -1.999815 /* coverage */,
    0.618678 /* strong */,
    0.749475 /* proximity */,
    1.901813 /* title */,
    0.245727 /* exact */,
    -0.386074 /* phrase */,
    1.877998 /* log_score */,
    0.914422 /* intent_match */,
    0.208801 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    0.777840 /* place_store */,
    3.666784 /* place_nostore */,
    -2.157235 /* place_nostore_other */,
    0.820922 /* known */,
    -0.316292 /* mention_intents */,
    0.000000 /* other_handle */,
    2.635866 /* ex_max */,
    -2.882145 /* ex_none */,
    0.406273 /* lang_other */,
    0.161850 /* no_examples */,
    0.960931 /* margin */,
    0.878041 /* asks */};
#define S_CONF_NO_SECOND 2.0
/* by whether the mention asks something (0, 1) */
/* [another language than the index's default][asks] */
static const double S_conf_threshold[2][2] = {{0.80, 0.89}, {0.80, 0.89}};
/* whether any article fits (L2 0.30): under the threshold, nothing does */
static const double S_fits_w[KB_LTR_N + 6] = {
    -15.282038 /* intercept */,
    -0.022033 /* offtopic_first */,
    2.514610 /* offtopic_margin */,
    -0.737602 /* has_offtopic */,
    0.089509 /* log_bm25f */,
    -2.323010 /* coverage */,
    0.127615 /* strong */,
    1.208378 /* proximity */,
    0.966157 /* title */,
    0.196318 /* exact */,
    0.769137 /* phrase */,
    2.580101 /* log_score */,
    1.153384 /* intent_match */,
    0.283690 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    1.631918 /* place_store */,
    4.986312 /* place_nostore */,
    0.011797 /* place_nostore_other */,
    1.102959 /* known */,
    0.000000 /* mention_intents */,
    -4.302133 /* other_handle */,
    4.275694 /* ex_max */,
    -4.792967 /* ex_none */,
    0.628875 /* lang_other */,
    -0.164507 /* no_examples */,
    -0.084130 /* margin */,
    1.310474 /* asks */};
#define S_FITS_CAP 3.0
static const double S_fits_threshold = 0.57;
