/*
 * kb_rank_model.h - written by tests/eval/fit.py; do not edit by hand.
 * Pairwise logistic ranker (L2 0.01) and confidence (L2 0.30), fitted on 7613 lines
 * of the tuning sets; answerable from the confidence at which the first
 * suggestion was right 95 times in 100 under 5-fold cross-validation.
 */
static const double S_ltr_w[KB_LTR_N] = {
    -1.511536 /* log_bm25f */,
    0.912326 /* coverage */,
    1.092304 /* strong */,
    2.073340 /* proximity */,
    1.546114 /* title */,
    0.498708 /* exact */,
    4.807935 /* phrase */,
    2.295142 /* log_score */,
    1.728949 /* intent_match */,
    0.201768 /* intent_miss */,
    -4.413929 /* offtopic */,
    0.000000 /* other_platform */,
    1.101430 /* place_store */,
    7.118235 /* place_nostore */,
    -6.116140 /* place_nostore_other */,
    0.000000 /* known */,
    0.000000 /* mention_intents */,
    0.000000 /* other_handle */,
    9.706447 /* ex_max */,
    0.000000 /* ex_none */,
    0.000000 /* lang_other */,
    0.000000 /* no_examples */,
    3.243637 /* clf */,
    0.000000 /* clf_none */};
static const double S_conf_w[KB_LTR_N + 3] = {
    -8.119399 /* intercept */,
    -0.756979 /* log_bm25f */,
    -2.394346 /* coverage */,
    0.615108 /* strong */,
    0.556020 /* proximity */,
    1.969565 /* title */,
    0.189455 /* exact */,
    -0.980251 /* phrase */,
    2.423449 /* log_score */,
    0.967125 /* intent_match */,
    0.230089 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    0.694585 /* place_store */,
    3.475768 /* place_nostore */,
    -4.123902 /* place_nostore_other */,
    1.183457 /* known */,
    -0.309862 /* mention_intents */,
    0.000000 /* other_handle */,
    0.482156 /* ex_max */,
    -2.171531 /* ex_none */,
    0.376825 /* lang_other */,
    0.933946 /* no_examples */,
    2.670749 /* clf */,
    0.000000 /* clf_none */,
    0.872356 /* margin */,
    0.912225 /* asks */};
#define S_CONF_NO_SECOND 2.0
/* by whether the mention asks something (0, 1) */
/* [another language than the index's default][asks] */
static const double S_conf_threshold[2][2] = {{0.80, 0.81}, {0.80, 0.81}};
/* whether any article fits (L2 3.00): under the threshold, nothing does */
static const double S_fits_w[KB_LTR_N + 6] = {
    -13.571196 /* intercept */,
    -0.003195 /* offtopic_first */,
    2.189405 /* offtopic_margin */,
    -0.687339 /* has_offtopic */,
    0.482884 /* log_bm25f */,
    -1.688035 /* coverage */,
    -0.007280 /* strong */,
    0.893630 /* proximity */,
    0.996269 /* title */,
    0.237560 /* exact */,
    1.142921 /* phrase */,
    1.955361 /* log_score */,
    1.050887 /* intent_match */,
    0.409714 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    1.643061 /* place_store */,
    3.783655 /* place_nostore */,
    0.000097 /* place_nostore_other */,
    0.966867 /* known */,
    0.000000 /* mention_intents */,
    -1.495263 /* other_handle */,
    0.850114 /* ex_max */,
    -2.477867 /* ex_none */,
    0.518840 /* lang_other */,
    -0.454296 /* no_examples */,
    1.928637 /* clf */,
    -2.028451 /* clf_none */,
    -0.010387 /* margin */,
    1.359264 /* asks */};
#define S_FITS_CAP 3.0
static const double S_fits_threshold = 0.52;
