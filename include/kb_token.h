/*
 * kb_token.h - the word layer of a mention's analysis: its text split once
 * into tokens with byte spans, folded forms and kinds, which the place
 * finder (kb_geo.h), the question cues (kb_intent.h), the device words and
 * the @handle read (kb_mention.h puts it all together).
 *
 * A token is a run of letters, digits and marks (Unicode categories L, N,
 * M; an apostrophe inside a run stays in it: "what's", "where’s"), or an
 * emoji. Its folded form is case folded with accents stripped and
 * apostrophes dropped ("What’s" -> "whats", "Café" -> "cafe"). Tokens
 * inside an @handle, a URL or after a #, keep their words (a town can be
 * named in a handle) but are marked so: cues are not read there.
 *
 * The search terms (stems, text-speak, stop words) are the other layer of
 * the analysis, made by the analyzer (kb_text.h) that also indexes the
 * articles.
 *
 * Error convention: none; invalid UTF-8 bytes are skipped.
 */
#ifndef KB_TOKEN_H
#define KB_TOKEN_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
  KB_TOKEN_WORD = 0, /* letters */
  KB_TOKEN_NUMBER,   /* digits only */
  KB_TOKEN_MODEL,    /* letters and digits: a model name (iphone12, s21) */
  KB_TOKEN_HANDLE,   /* a word of an @handle */
  KB_TOKEN_URL,      /* a word of a URL or an e-mail address */
  KB_TOKEN_HASHTAG,  /* a word of a #hashtag */
  KB_TOKEN_EMOJI     /* one emoji (fold is empty) */
} kb_token_kind;

#define KB_TOKEN_FOLD_MAX 48 /* bytes of a folded form, with its NUL */

typedef struct kb_token {
  kb_token_kind kind;
  int start, end;      /* the surface form: text[start..end) */
  /* (flags as bytes: the token stays 96 bytes with nfold and hash) */
  unsigned char upper;  /* begins with an upper-case letter */
  unsigned char clause; /* a clause begins before it: it is the first
                           token read for cues, or . , ! ; : a line break
                           or an emoji came since the last one */
  unsigned char quoted; /* in an @handle or a URL (from its '@' or "http"
                           to the next white space): not read for cues */
  int apos;            /* bytes of fold before its first apostrophe; 0:
                          none ("iphone's": 6) */
  char fold[KB_TOKEN_FOLD_MAX]; /* folded form (cut at a character) */
  int nfold;           /* its bytes */
  uint32_t hash;       /* its kb_hash() (kb_util.h) once a reader made it
                          (kb_mention.c, for the word lists), so the next
                          (the places) need not; 0: not made yet */
  int cue;             /* KB_CUE_* bits of the word (kb_intent_cues()) */
  const char *speak;   /* what the word stands for when it is text-speak
                          (kb_intent_cues(); owned by the word lists), or
                          NULL */
  const struct kb_lang_word *lists; /* what the word lists say about the
                          word (kb_intent_cues()), or NULL */
} kb_token;

/* Splits z[0..n) into tokens: sets *pn to how many and returns them, in
 * text order (caller frees; NULL when there are none). */
kb_token *kb_tokens_split(const char *z, size_t n, int *pn);

/* kb_tokens_split() into the array the thread's last kb_tokens_give()
 * handed back, grown as needed, else a new one (a mention's array of
 * some 50 tokens, 4.8 KB, took malloc()'s slow path every suggest): sets
 * *pcap to its room in tokens; never NULL, even with no token. Give it
 * back with kb_tokens_give(t, *pcap), not free(). */
kb_token *kb_tokens_split_spare(const char *z, size_t n, int *pn, int *pcap);
void kb_tokens_give(kb_token *t, int cap);

/* 1 if the chunk z[0..n) (text between white space) is a URL or an e-mail
 * address: "scheme://...", "www.", "user@host.tld", or host.tld/path.
 * The analyzer drops such chunks whole (kb_text.h). */
int kb_token_is_link(const char *z, int n);

#endif
