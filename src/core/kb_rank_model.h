/*
 * kb_rank_model.h - written by tests/eval/fit.py; do not edit by hand.
 * Pairwise logistic ranker (L2 0.01) and confidence (L2 0.30), fitted on 7613 lines
 * of the tuning sets; answerable from the confidence at which the first
 * suggestion was right 95 times in 100 under 5-fold cross-validation.
 */
static const double S_ltr_w[KB_LTR_N] = {
    -1.393167 /* log_bm25f */,
    1.086816 /* coverage */,
    1.125457 /* strong */,
    2.053496 /* proximity */,
    1.527470 /* title */,
    0.460078 /* exact */,
    5.041272 /* phrase */,
    2.121683 /* log_score */,
    1.689000 /* intent_match */,
    0.118017 /* intent_miss */,
    -4.374477 /* offtopic */,
    0.000000 /* other_platform */,
    1.054905 /* place_store */,
    7.257006 /* place_nostore */,
    -6.125707 /* place_nostore_other */,
    0.000000 /* known */,
    0.000000 /* mention_intents */,
    0.000000 /* other_handle */,
    9.675017 /* ex_max */,
    0.000000 /* ex_none */,
    0.000000 /* lang_other */,
    0.000000 /* no_examples */,
    3.386583 /* clf */,
    0.000000 /* clf_none */};
static const double S_conf_w[KB_LTR_N + 3] = {
    -8.219682 /* intercept */,
    -0.864334 /* log_bm25f */,
    -2.457418 /* coverage */,
    0.584933 /* strong */,
    0.505721 /* proximity */,
    1.961603 /* title */,
    0.235209 /* exact */,
    -1.074246 /* phrase */,
    2.540625 /* log_score */,
    0.961954 /* intent_match */,
    0.242597 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    0.729718 /* place_store */,
    3.429289 /* place_nostore */,
    -4.190122 /* place_nostore_other */,
    1.180650 /* known */,
    -0.304142 /* mention_intents */,
    0.000000 /* other_handle */,
    0.478917 /* ex_max */,
    -2.178365 /* ex_none */,
    0.367948 /* lang_other */,
    1.027235 /* no_examples */,
    2.795282 /* clf */,
    0.000000 /* clf_none */,
    0.882652 /* margin */,
    0.918536 /* asks */};
#define S_CONF_NO_SECOND 2.0
/* by whether the mention asks something (0, 1) */
/* [another language than the index's default][asks] */
static const double S_conf_threshold[2][2] = {{0.81, 0.80}, {0.81, 0.80}};
/* whether any article fits (L2 3.00): under the threshold, nothing does */
static const double S_fits_w[KB_LTR_N + 6] = {
    -13.436309 /* intercept */,
    -0.003449 /* offtopic_first */,
    2.167200 /* offtopic_margin */,
    -0.700057 /* has_offtopic */,
    0.501938 /* log_bm25f */,
    -1.690604 /* coverage */,
    -0.028785 /* strong */,
    0.867823 /* proximity */,
    1.008024 /* title */,
    0.256165 /* exact */,
    1.150611 /* phrase */,
    1.950552 /* log_score */,
    1.054533 /* intent_match */,
    0.402849 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    1.635889 /* place_store */,
    3.781086 /* place_nostore */,
    0.000102 /* place_nostore_other */,
    0.974465 /* known */,
    0.000000 /* mention_intents */,
    -1.499558 /* other_handle */,
    0.750968 /* ex_max */,
    -2.490154 /* ex_none */,
    0.512459 /* lang_other */,
    -0.555862 /* no_examples */,
    1.865310 /* clf */,
    -2.264438 /* clf_none */,
    0.001607 /* margin */,
    1.371676 /* asks */};
#define S_FITS_CAP 3.0
static const double S_fits_threshold = 0.52;
