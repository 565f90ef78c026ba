/*
 * kb_rank_model_base.h - written by FIT_BASE=1 tests/eval/fit.py; do not edit by hand.
 * The models and thresholds for a mention whose language has no example
 * mentions in the index (rule25's F; kb_rank.c picks them by the
 * no_examples input): main's inputs and tuning sets of before
 * session 25, fitted on today's tree.
 * Pairwise logistic ranker (L2 0.01) and confidence (L2 1.00), fitted on 1475 lines
 * of the tuning sets; answerable from the confidence at which the first
 * suggestion was right 95 times in 100 under 5-fold cross-validation.
 */
static const double S_ltr_w_base[KB_LTR_N] = {
    -2.318555 /* log_bm25f */,
    -0.637717 /* coverage */,
    0.912371 /* strong */,
    1.356836 /* proximity */,
    3.453466 /* title */,
    2.359370 /* exact */,
    2.656292 /* phrase */,
    3.599709 /* log_score */,
    1.835139 /* intent_match */,
    0.048117 /* intent_miss */,
    -2.354599 /* offtopic */,
    0.000000 /* other_platform */,
    3.395925 /* place_store */,
    7.350291 /* place_nostore */,
    -3.228181 /* place_nostore_other */,
    0.000000 /* known */,
    0.000000 /* mention_intents */,
    0.000000 /* other_handle */,
    9.789843 /* ex_max */,
    0.000000 /* ex_none */,
    0.000000 /* lang_other */,
    0.000000 /* no_examples */};
static const double S_conf_w_base[KB_LTR_N + 3] = {
    -7.300285 /* intercept */,
    0.194482 /* log_bm25f */,
    -0.596757 /* coverage */,
    -0.007544 /* strong */,
    0.596616 /* proximity */,
    0.856363 /* title */,
    0.663651 /* exact */,
    0.512237 /* phrase */,
    1.367067 /* log_score */,
    0.329810 /* intent_match */,
    -0.174219 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    0.743816 /* place_store */,
    2.219441 /* place_nostore */,
    0.000000 /* place_nostore_other */,
    0.558670 /* known */,
    0.090144 /* mention_intents */,
    0.000000 /* other_handle */,
    0.955656 /* ex_max */,
    -2.843907 /* ex_none */,
    0.000000 /* lang_other */,
    0.000000 /* no_examples */,
    1.174472 /* margin */,
    1.051189 /* asks */};
/* by whether the mention asks something (0, 1) */
/* [another language than the index's default][asks] */
static const double S_conf_threshold_base[2][2] = {{0.74, 0.83}, {0.74, 0.83}};
/* whether any article fits (L2 0.10): under the threshold, nothing does */
static const double S_fits_w_base[KB_LTR_N + 6] = {
    -19.272679 /* intercept */,
    -0.000069 /* offtopic_first */,
    4.030850 /* offtopic_margin */,
    -0.827109 /* has_offtopic */,
    -0.681815 /* log_bm25f */,
    -1.870811 /* coverage */,
    -1.455378 /* strong */,
    0.480853 /* proximity */,
    0.886146 /* title */,
    0.714759 /* exact */,
    0.920832 /* phrase */,
    3.099277 /* log_score */,
    0.340390 /* intent_match */,
    -0.051577 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    1.896994 /* place_store */,
    5.368011 /* place_nostore */,
    0.000000 /* place_nostore_other */,
    1.184895 /* known */,
    0.000000 /* mention_intents */,
    -4.750503 /* other_handle */,
    2.447524 /* ex_max */,
    -5.533353 /* ex_none */,
    0.000000 /* lang_other */,
    0.000000 /* no_examples */,
    0.166820 /* margin */,
    2.187314 /* asks */};
static const double S_fits_threshold_base = 0.61;
