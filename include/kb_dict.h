/*
 * kb_dict.h - the words of a language, as a set the spelling corrector
 * asks: a word the language's dictionary has is never "corrected" into
 * another word of the index ("Damen" is not a typo of "Daten"; rule26,
 * docs/relevance.md twenty-first round).
 *
 * A Bloom filter of the folded words (kb_token.h's fold: lower case,
 * accents stripped, apostrophes dropped): a dictionary has 80,000 to
 * 1,300,000 forms, and the index keeps about 10 bits of each (k = 7, about
 * 1 % false positives: one real typo in a hundred is then left as
 * written, as a dictionary word is). kb-index fills one per language from
 * the lists kb/lang/<code>/dictionary.txt names (indexer/kb_dictfile.h)
 * and stores its bytes in the index; a reader loads them with the
 * vocabulary (kb_index.c), shared by the index's worker slots.
 *
 * Error convention: kb_dict_from_bytes() returns NULL on malformed bytes;
 * the rest cannot fail (allocation failure aborts, as kb_util.h's).
 */
#ifndef KB_DICT_H
#define KB_DICT_H

#include <stddef.h>

typedef struct kb_dict kb_dict;

/* An empty set sized for about nwords words. Free with kb_dict_free(). */
kb_dict *kb_dict_new(size_t nwords);
void kb_dict_free(kb_dict *d);

/* Adds the folded word w[0..n). */
void kb_dict_add(kb_dict *d, const char *w, size_t n);

/* 1 if w[0..n) was added (or, rarely, a false positive), else 0. */
int kb_dict_has(const kb_dict *d, const char *w, size_t n);

/* How many words were added (with repeats). */
size_t kb_dict_count(const kb_dict *d);

/* The set as bytes to store (owned by d, valid until the next add), and
 * a set read back from such bytes (copied; NULL when they are not). */
const void *kb_dict_bytes(const kb_dict *d, size_t *n);
kb_dict *kb_dict_from_bytes(const void *p, size_t n);

#endif
