/*
 * kb_intent.c - what a mention asks (see kb_intent.h). The words come
 * from the mention's analysis (kb_token.h); which words are questions,
 * requests, clause openers, lead words and intent cues is the language's
 * data (kb_lang.h), so nothing here knows a language.
 */
#include "kb_intent.h"

#include <string.h>

/* The cue bits of a word read as the expansion x of text-speak: the first
 * word's, and the ask cues of the others ("jsp" = "je sais pas"). */
static int S_expansion_cue(const kb_lang *l, const char *x) {
  int cue = 0, first = 1;
  while (*x) {
    const char *sp = strchr(x, ' ');
    int len = sp ? (int)(sp - x) : (int)strlen(x);
    int c = kb_lang_cue(l, x, len);
    cue |= first ? c : (c & KB_CUE_ASK);
    first = 0;
    x += len + (sp != NULL);
  }
  return cue;
}

/* kb_intent_cues() with x (kb_intent_cues_of()), or NULL: looked up. */
static void S_cues(kb_token *t, int n, const kb_lang *l, const kb_lang_word *const *xs) {
  for (int i = 0; i < n; i++) {
    kb_token *w = &t[i];
    w->speak = NULL;
    w->cue = 0;
    w->lists = NULL;
    if (!l || w->quoted || w->kind == KB_TOKEN_EMOJI) continue;
    const kb_lang_word *x = xs ? xs[i] : kb_lang_word_of(l, w->fold, (int)strlen(w->fold));
    if (!x) continue;
    w->lists = x;
    w->speak = x->speak;
    w->cue = w->speak ? S_expansion_cue(l, w->speak) : x->cue;
  }
}

void kb_intent_cues(kb_token *t, int n, const kb_lang *l) { S_cues(t, n, l, NULL); }

void kb_intent_cues_of(kb_token *t, int n, const kb_lang *l, const kb_lang_word *const *x) {
  S_cues(t, n, l, x);
}

int kb_intent_asks(const kb_token *t, int n, int question) {
  if (question) return 1;
  int start = 1; /* at the start of a clause */
  for (int i = 0; i < n; i++) {
    if (t[i].quoted || t[i].kind == KB_TOKEN_EMOJI) continue;
    if (t[i].clause) start = 1;
    int cue = t[i].cue;
    if ((cue & KB_CUE_ASK) || (start && (cue & KB_CUE_OPENER))) return 1;
    if (!(cue & KB_CUE_LEAD)) start = 0;
  }
  return 0;
}

/* The word a token is read as: what its text-speak stands for, else its
 * folded form. */
static const char *S_read_as(const kb_token *t) { return t->speak ? t->speak : t->fold; }

int kb_intent_detect(const kb_token *t, int n, const kb_lang *l) {
  int intents = 0;
  if (!l || !kb_lang_count(l, KB_LANG_INTENTS)) return 0;
  for (int i = 0; i < n; i++) {
    if (t[i].quoted || t[i].kind == KB_TOKEN_EMOJI) continue;
    /* a word in no list (and not text-speak) begins no cue: known already */
    if (!t[i].lists) continue;
    char phrase[KB_INTENT_MAX_WORDS * (KB_TOKEN_FOLD_MAX + 1) + 64];
    size_t len = 0;
    int words = 0;
    for (int j = i; j < n && words < KB_INTENT_MAX_WORDS; j++) {
      if (t[j].kind == KB_TOKEN_EMOJI) continue;
      if (t[j].quoted || (j > i && t[j].clause)) break; /* a cue stays in a clause */
      const char *w = S_read_as(&t[j]);
      size_t wl = t[j].speak ? strlen(w) : (size_t)t[j].nfold;
      if (len + wl + 2 > sizeof phrase) break;
      if (len) phrase[len++] = ' ';
      memcpy(phrase + len, w, wl);
      len += wl;
      words++;
      /* a word read as itself was looked up in l by its cues already
       * (t[i].lists): only phrases, and text-speak's words, are looked up
       * here (a look-up for every word in a list was half of this) */
      const kb_lang_word *x = j == i && !t[i].speak ? t[i].lists
                                                    : kb_lang_word_of(l, phrase, (int)len);
      if (!x) break;
      intents |= x->intent;
      if (!x->more) break; /* no cue goes on from here */
    }
  }
  return intents;
}
