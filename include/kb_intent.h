/*
 * kb_intent.h - what a customer's mention asks, read from its words
 * (kb_token.h) with the cues of its language (kb_lang.h: cues.tsv,
 * intents.tsv, and textspeak.tsv, so "wat" is read as "what").
 *
 * A help article answers a question, a request or a reported problem put
 * as one ("how do I...", "can you...", "need a new sim", "where's my
 * order"); praise, rants and chit-chat that share its words are mostly
 * statements ("thanks for fixing my screen so quick"). The suggest path
 * gives this cue to the confidence model (kb_rank_confidence()).
 *
 * Error convention: none (the functions cannot fail).
 */
#ifndef KB_INTENT_H
#define KB_INTENT_H

#include <stddef.h>

#include "kb_lang.h"
#include "kb_token.h"

/* Reads the cues of the words t[0..n) (not those in @handles and URLs):
 * sets each one's speak (what text-speak stands for) and cue (KB_CUE_*
 * bits of the word, or of what it stands for). l may be NULL (no cues). */
void kb_intent_cues(kb_token *t, int n, const kb_lang *l);
/* kb_intent_cues() with the look-ups made already: x[i] is
 * kb_lang_word_of(l, t[i].fold, strlen(t[i].fold)) for every word not in
 * an @handle or URL and not an emoji (the others' are not read). */
void kb_intent_cues_of(kb_token *t, int n, const kb_lang *l, const kb_lang_word *const *x);

/* 1 if the mention asks something: question is set (it has a question
 * mark), or one of its words is an ask cue (how, help, need... in any
 * position), or an opener cue (can, do, is...: "can i get a new one", not
 * "it can wait") begins a clause; a clause begins at the start, after
 * . , ! ; : a line break or an emoji, and after lead words (hi, so,
 * and...). t[0..n) went through kb_intent_cues(). 0 otherwise. */
int kb_intent_asks(const kb_token *t, int n, int question);

/* The intents (KB_INTENT_* bits) whose cues (intents.tsv: a word or up to
 * KB_INTENT_MAX_WORDS words in a row) the words t[0..n) hold, read as
 * text-speak stands for them. t[0..n) (kb_tokens_split()'s) went through
 * kb_intent_cues() with the same lists l: what they say of each word is
 * read from there. */
int kb_intent_detect(const kb_token *t, int n, const kb_lang *l);

#endif
