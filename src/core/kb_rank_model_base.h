/*
 * kb_rank_model_base.h - written by tests/eval/base_model.py; do not edit by hand.
 * The models and thresholds for a mention whose language has no example
 * mentions in the index (kb_rank.h, "Two models"): src/core/kb_rank_model.h as
 * tests/eval/fit.py wrote it at 3870db5, number for number.
 * Pairwise logistic ranker (L2 0.01) and confidence (L2 1.00), fitted on 1475 lines
 * of the tuning sets; answerable from the confidence at which the first
 * suggestion was right 95 times in 100 under 5-fold cross-validation.
 */
static const double S_ltr_w_base[KB_LTR_N] = {
    -2.678698 /* log_bm25f */,
    -1.558387 /* coverage */,
    0.753292 /* strong */,
    1.704299 /* proximity */,
    3.647115 /* title */,
    2.483275 /* exact */,
    2.669270 /* phrase */,
    4.045055 /* log_score */,
    1.702175 /* intent_match */,
    0.353319 /* intent_miss */,
    -2.523272 /* offtopic */,
    0.000000 /* other_platform */,
    2.901203 /* place_store */,
    5.800470 /* place_nostore */,
    -4.205687 /* place_nostore_other */,
    0.000000 /* known */,
    0.000000 /* mention_intents */,
    0.000000 /* other_handle */,
    9.804694 /* ex_max */,
    0.000000 /* ex_none */,
    0.000000 /* lang_other */,
    0.000000 /* no_examples */,
    0.000000 /* clf */,
    0.000000 /* clf_none */};
static const double S_conf_w_base[KB_LTR_N + 3] = {
    -7.571834 /* intercept */,
    0.419024 /* log_bm25f */,
    -0.510228 /* coverage */,
    0.046185 /* strong */,
    0.395244 /* proximity */,
    0.940579 /* title */,
    0.776328 /* exact */,
    0.415684 /* phrase */,
    1.230013 /* log_score */,
    0.372775 /* intent_match */,
    -0.275774 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    0.618170 /* place_store */,
    2.380311 /* place_nostore */,
    -0.762679 /* place_nostore_other */,
    0.719744 /* known */,
    0.093461 /* mention_intents */,
    0.000000 /* other_handle */,
    0.895945 /* ex_max */,
    -2.659777 /* ex_none */,
    0.000000 /* lang_other */,
    0.000000 /* no_examples */,
    0.000000 /* clf */,
    0.000000 /* clf_none */,
    1.185744 /* margin */,
    0.974803 /* asks */};
/* by whether the mention asks something (0, 1) */
static const double S_conf_threshold_base[2][2] = {{0.72, 0.86}, {0.72, 0.86}};
/* whether any article fits (L2 0.10): under the threshold, nothing does */
static const double S_fits_w_base[KB_LTR_N + 6] = {
    -17.795107 /* intercept */,
    -0.000016 /* offtopic_first */,
    3.759791 /* offtopic_margin */,
    -0.769776 /* has_offtopic */,
    -0.626141 /* log_bm25f */,
    -1.380039 /* coverage */,
    -1.467801 /* strong */,
    0.681166 /* proximity */,
    0.770374 /* title */,
    0.846506 /* exact */,
    0.831418 /* phrase */,
    2.962235 /* log_score */,
    0.303972 /* intent_match */,
    0.352857 /* intent_miss */,
    0.000000 /* offtopic */,
    0.000000 /* other_platform */,
    1.904941 /* place_store */,
    5.154251 /* place_nostore */,
    0.003840 /* place_nostore_other */,
    0.893509 /* known */,
    0.000000 /* mention_intents */,
    -4.602368 /* other_handle */,
    2.774211 /* ex_max */,
    -5.496361 /* ex_none */,
    0.000000 /* lang_other */,
    0.000000 /* no_examples */,
    0.000000 /* clf */,
    0.000000 /* clf_none */,
    -0.158534 /* margin */,
    2.161929 /* asks */};
static const double S_fits_threshold_base = 0.59;
