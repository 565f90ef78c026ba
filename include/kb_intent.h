/*
 * kb_intent.h - whether a customer's mention asks something.
 *
 * A help article answers a question, a request or a reported problem put
 * as one ("how do I...", "can you...", "need a new sim", "where's my
 * order"); praise, rants and chit-chat that share its words are mostly
 * statements ("thanks for fixing my screen so quick"). The suggest path
 * gives this cue to the confidence model (kb_rank_confidence()).
 */
#ifndef KB_INTENT_H
#define KB_INTENT_H

#include <stddef.h>

/* 1 if text[0..n) (UTF-8, a tweet) asks something: it has a question mark,
 * a question word (how, what, where, when, why, which, who, in any
 * position), a request word (help, please, need, want, wondering...), or
 * begins a clause with a verb that opens a question (can, do, is, will,
 * any...: "can i get a new one", not "it can wait"). @handles and URLs
 * are skipped; a clause begins at the start, after . , ! ; : a line break
 * or an emoji, and after a greeting or a linking word (hi, so, and...).
 * 0 otherwise. */
int kb_intent_asks(const char *text, size_t n);

#endif
