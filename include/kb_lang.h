/*
 * kb_lang.h - a language's word lists, as data: what the analyzer, the
 * question cues and the place finder know about a language, read from the
 * files of kb/lang/<code>/ instead of being compiled into C.
 *
 * The lists (file, format; docs/authoring.md):
 *
 *   KB_LANG_STOP     stopwords.txt  one word per line: dropped everywhere
 *   KB_LANG_FILLER   filler.txt     one word per line: social filler,
 *                                   dropped from customers' words only
 *   KB_LANG_SPEAK    textspeak.tsv  short<TAB>expansion (one or more words)
 *   KB_LANG_CUES     cues.tsv       word<TAB>kind, kind ask, opener or lead
 *   KB_LANG_INTENTS  intents.tsv    cue<TAB>intent, a cue one to four words,
 *                                   intent status, howto, availability,
 *                                   location, hours, complaint or contact
 *   KB_LANG_PLACES   places.txt     word<TAB>kind, kind common or prep
 *   KB_LANG_PLACE_ABBR placeabbr.tsv short<TAB>words: how people shorten a
 *                                   word of a place's name ("st" street,
 *                                   "av" avenida); the place finder also
 *                                   knows each name with it shortened;
 *                                   "-str<TAB>-straße" is an ending
 *   KB_LANG_PLACE_LETTERS placeletters.tsv letters<TAB>letter: how people
 *                                   write a letter their keyboard lacks
 *                                   ("oe" for "ö"); the place finder also
 *                                   knows each name written so
 *   KB_LANG_DAYS     days.tsv       form<TAB>day: how people name a day
 *                                   ("sonntags", "dim", "los domingos"),
 *                                   a form one or two words, day sun, mon,
 *                                   tue, wed, thu, fri, sat, tomorrow, or
 *                                   none (a phrase that only looks like
 *                                   one: "guten morgen", "la mañana"). The
 *                                   forms are looked up folded, as a
 *                                   mention's words are ("sábado" is also
 *                                   "sabado")
 *   KB_LANG_ELISIONS elisions.txt   one elided form per line, letters only,
 *                                   without its apostrophe ("l", "qu",
 *                                   "jusqu"): a word written FORM'REST
 *                                   (' or U+2019) is read as REST in this
 *                                   language ("l'écran" as "écran"); a
 *                                   language without the file keeps such
 *                                   words whole ("don't" as "dont")
 *
 * Files are UTF-8 and lower case; '#' starts a comment line; blank lines
 * are skipped. kb-index parses them (kb_lang_parse(), every problem as
 * path:line: message) and stores them in the index (table lang_words); a
 * reader loads them back (kb_lang_load()), so the server reads no loose
 * files. A kb_lang is read-only once filled: any number of threads may
 * look words up in it at once.
 *
 * Error convention: functions that can fail return 0, or -1 with the
 * problem in a kb_diag (parsing) or a caller's buffer (loading).
 */
#ifndef KB_LANG_H
#define KB_LANG_H

#include <stdint.h>

#include <sqlite3.h>
#include <stddef.h>

#include "kb_diag.h"

/* Languages one index may hold (one FTS table each): the writer refuses
 * more, so the reader never meets more. */
#define KB_MAX_LANGS 32

/* Longest language code ("en", "english", "porter"...), with its NUL. */
#define KB_LANG_CODE_MAX 32

typedef enum {
  KB_LANG_STOP = 0,
  KB_LANG_FILLER,
  KB_LANG_SPEAK,
  KB_LANG_CUES,
  KB_LANG_INTENTS,
  KB_LANG_PLACES,
  KB_LANG_PLACE_ABBR,
  KB_LANG_PLACE_LETTERS,
  KB_LANG_DAYS,
  KB_LANG_ELISIONS,
  KB_LANG_NLISTS
} kb_lang_list;

/* Kinds of cues (cues.tsv). */
#define KB_CUE_ASK 0x01    /* asks or requests, anywhere in a mention */
#define KB_CUE_OPENER 0x02 /* opens a question when it begins a clause */
#define KB_CUE_LEAD 0x04   /* does not end the start of a clause */

/* Kinds of place words (places.txt). */
#define KB_PLACE_COMMON 0x01 /* a place name that is an everyday word */
#define KB_PLACE_PREP 0x02   /* a preposition before a place */
#define KB_PLACE_STORE 0x04  /* a word for one of our stores ("tienda") */
#define KB_PLACE_STREET 0x08 /* a street's type, written before its name ("calle") */

/* Intents (intents.tsv), as bits. */
#define KB_INTENT_STATUS 0x01
#define KB_INTENT_HOWTO 0x02
#define KB_INTENT_AVAILABILITY 0x04
#define KB_INTENT_LOCATION 0x08
#define KB_INTENT_HOURS 0x10
#define KB_INTENT_COMPLAINT 0x20
#define KB_INTENT_CONTACT 0x40
#define KB_INTENT_COUNT 7

/* The days of days.tsv: KB_DAY_SUN (0) .. KB_DAY_SAT (6) as struct tm's
 * tm_wday counts them, then "tomorrow" and "none". */
#define KB_DAY_SUN 0
#define KB_DAY_SAT 6
#define KB_DAY_TOMORROW 7
#define KB_DAY_NOTADAY 8
/* Words in the longest form of a day ("guten morgen"). */
#define KB_DAY_MAX_WORDS 2

/* Words in the longest intent cue. */
#define KB_INTENT_MAX_WORDS 4

typedef struct kb_lang kb_lang;

/* An empty set of lists for language code. Free with kb_lang_free(). */
kb_lang *kb_lang_new(const char *code);
void kb_lang_free(kb_lang *l); /* NULL is allowed */

/* A copy of l (the feedback store keeps one past the index's life). */
kb_lang *kb_lang_dup(const kb_lang *l);

/* The language code given to kb_lang_new() (owned by l). */
const char *kb_lang_code(const kb_lang *l);

/* The file name of a list ("stopwords.txt"), and the name it has in the
 * index's lang_words table ("stopwords"). */
const char *kb_lang_file(kb_lang_list list);
const char *kb_lang_list_name(kb_lang_list list);

/* Parses the text of one list's file (data[0..n), path for messages) into
 * l, checking every line. Returns 0, or -1 when d got an error. */
int kb_lang_parse(kb_lang *l, kb_lang_list list, const char *path, const char *data, size_t n,
                  kb_diag *d);

/* Entries of a list, in the order they were added; entry i's word and
 * value (NULL for one-word lists) are owned by l. */
int kb_lang_count(const kb_lang *l, kb_lang_list list);
void kb_lang_entry(const kb_lang *l, kb_lang_list list, int i, const char **word,
                   const char **value);

/* Fills l from an index's lang_words table (the rows of l's language).
 * Returns 0, or -1 with a message in err (no table, a bad row). */
int kb_lang_load(kb_lang *l, sqlite3 *db, char *err, size_t nerr);

/* The word lists of the first language of the index file at path (for a
 * store that outlives the index it was opened beside, as the feedback
 * store does). NULL with a message in err. Free with kb_lang_free(). */
kb_lang *kb_lang_open_index(const char *path, char *err, size_t nerr);

/* All the lists say about a folded word (or an intent cue's phrase). */
typedef struct kb_lang_word {
  unsigned stop : 1;      /* a stop word */
  unsigned filler : 1;    /* social filler */
  unsigned more : 1;      /* an intent cue goes on after this phrase */
  unsigned elision : 1;   /* an elided form (elisions.txt) */
  int cue;                /* KB_CUE_* bits, or 0 */
  int place;              /* KB_PLACE_* bits, or 0 */
  int intent;             /* the KB_INTENT_* of this cue phrase, or 0 */
  int day;                /* 1 + the KB_DAY_* this folded form names
                             (days.tsv), or 0 */
  const char *speak;      /* what this text-speak stands for, or NULL */
} kb_lang_word;

/* What the lists say about w[0..n) (owned by l), or NULL when it is in
 * none: one look-up for everything (the analyzer runs it per word). */
const kb_lang_word *kb_lang_word_of(const kb_lang *l, const char *w, int n);

/* The same with h, kb_hash(w, n), given: a word looked up in several
 * languages' lists is hashed once. */
const kb_lang_word *kb_lang_word_of_hashed(const kb_lang *l, const char *w, int n, uint32_t h);

/* x[i] = kb_lang_word_of_hashed(l, w[i], n[i], h[i]) for each i < count
 * (NULL where n[i] <= 0): a mention's words in one call a language (a
 * call a word was a third of the look-ups). */
void kb_lang_words_of_hashed(const kb_lang *l, const char *const *w, const int *n,
                             const uint32_t *h, int count, const kb_lang_word **x);

/* Look-ups of a folded word w[0..n); all are 0/NULL for a NULL l. */
int kb_lang_is_stop(const kb_lang *l, const char *w, int n);
int kb_lang_is_filler(const kb_lang *l, const char *w, int n);
const char *kb_lang_speak(const kb_lang *l, const char *w, int n); /* expansion or NULL */
int kb_lang_cue(const kb_lang *l, const char *w, int n);           /* KB_CUE_* bits or 0 */
int kb_lang_place(const kb_lang *l, const char *w, int n);         /* KB_PLACE_* or 0 */
/* The intent of a cue phrase (folded words joined by single spaces), or 0. */
int kb_lang_intent(const kb_lang *l, const char *phrase, int n);
/* 1 if the folded w[0..n) is an elided form of the language
 * (elisions.txt: "l" of "l'écran"). */
int kb_lang_is_elision(const kb_lang *l, const char *w, int n);
/* The KB_DAY_* a folded form (one or two words joined by a space) names,
 * or -1. */
int kb_lang_day(const kb_lang *l, const char *phrase, int n);

/* The name of one KB_INTENT_* bit ("status"), or NULL. */
const char *kb_lang_intent_name(int bit);
/* The KB_INTENT_* bit of an intent's name (kb_lang_intent_name()), or 0. */
int kb_lang_intent_bit(const char *name);
/* Every intent's name, comma-separated, into buf[0..size) (messages). */
void kb_lang_intent_names(char *buf, size_t size);

/* The languages an index holds, for the FTS5 tokenizer (kb_fts.h) and
 * the analyzers: pointers borrowed from their owner, who keeps them alive
 * as long as the set is used. */
typedef struct kb_lang_set {
  const kb_lang *v[KB_MAX_LANGS];
  int n;
} kb_lang_set;

/* The lists of language code in s, or NULL (s may be NULL). */
const kb_lang *kb_lang_set_find(const kb_lang_set *s, const char *code);

#endif
