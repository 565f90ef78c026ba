/*
 * kb_mention.h - the analysis of a customer's mention (or a search
 * query), made once; every later stage of the suggest path reads it and
 * none reads the raw text again:
 *
 *   request -> kb_mention_new()           analysis (this module)
 *           -> kb_index_search_query()    retrieval (kb_search.h)
 *           -> kb_rank_confidence()       ranking and confidence (kb_ltr.h)
 *           -> kb_suggest()'s links       reply (kb_suggest.h, kb_reply.h)
 *
 * What it holds:
 *   - the words (kb_token.h): byte spans, surface and folded forms, kinds
 *     (word, number, model name, @handle, URL, hashtag, emoji), and the
 *     cues each carries (kb_intent.h);
 *   - the search terms in each language of the index (kb_search.h's
 *     kb_query: stems, text-speak read, stop words and filler dropped),
 *     with the spelling corrections of words the index lacks;
 *   - the language: the one asked for, else the index language whose
 *     function words (stop words, filler, text-speak, cues: 2 each) and
 *     vocabulary (1 each) know most of its words, the default language
 *     winning ties; the word lists it was read with;
 *   - the place and store it names (kb_geo.h), the phone platform (device
 *     words), the collection its @handle addresses, and whether it names
 *     an @handle that is not ours (another company's);
 *   - whether it asks something, and the intents its words carry.
 *
 * A kb_mention is read-only once made; it borrows the index and the
 * places it was made with, which must outlive it.
 *
 * Error convention: kb_mention_new() returns NULL with a message in the
 * caller's err buffer; the accessors cannot fail.
 */
#ifndef KB_MENTION_H
#define KB_MENTION_H

#include <stddef.h>

#include "kb_geo.h"
#include "kb_lang.h"
#include "kb_search.h"
#include "kb_token.h"

typedef struct kb_mention kb_mention;

typedef struct kb_mention_opts {
  const char *collection; /* the collection asked for; NULL: the one its
                             @handle addresses, if any, else all */
  unsigned ablate;        /* KB_ABLATE_* left out (evaluation only) */
  const char *lang;       /* the language it is written in, when the caller
                             knows (a language of the index); NULL: decided
                             from its words */
  int prefix_last;        /* the last word is being typed (a search box's
                             query as it stands): read as a prefix */
  int lang_only;          /* the caller searches lang alone (the public
                             search): the text's terms analysed in that
                             language only, when it is one of the index */
} kb_mention_opts;

/* Analyzes text[0..n) for the index ix (its words, language, devices and
 * collections) and geo (places and stores; may be NULL). Returns NULL
 * with a message in err when the text is not valid UTF-8. Free with
 * kb_mention_free(). */
kb_mention *kb_mention_new(kb_index *ix, const kb_geo *geo, const char *text, size_t n,
                           const kb_mention_opts *o, char *err, size_t nerr);
void kb_mention_free(kb_mention *m); /* NULL is allowed */

/* The text (a copy, owned by m) and its length in bytes. */
const char *kb_mention_text(const kb_mention *m, size_t *n);

/* The words, in text order (owned by m). */
const kb_token *kb_mention_tokens(const kb_mention *m, int *n);

/* The search terms (owned by m). */
const kb_query *kb_mention_query(const kb_mention *m);

/* The language it was analyzed in (an ISO code, owned by the index), and
 * that language's word lists (NULL: none). */
const char *kb_mention_lang(const kb_mention *m);
const kb_lang *kb_mention_words(const kb_mention *m);
/* The share of the language evidence the chosen language has (0..1; 1
 * when it was asked for or the index has one language), and whether it was
 * decided from the words (1) or asked for (0). */
double kb_mention_lang_confidence(const kb_mention *m);
int kb_mention_lang_detected(const kb_mention *m);

/* The collection searched: the one asked for, else the one its @handle
 * addresses (kb_mention_addressed()), else NULL (all). */
const char *kb_mention_collection(const kb_mention *m);

/* The collection the first @handle naming one addresses, or NULL. */
const char *kb_mention_addressed(const kb_mention *m);

/* The place it names (restricted to the searched collection's stores):
 * 1 and *place filled (its span is the words that named it), or 0. */
int kb_mention_place(const kb_mention *m, kb_geo_match *place);

/* The store it names by its street's own name after a store word ("la
 * tienda de Recogidas": kb_geo_find_street()), of the searched
 * collection and the mention's language's site: 1 and *store filled, or
 * 0. Not a place (kb_mention_place() does not read it): which store,
 * for the links. */
int kb_mention_street_store(const kb_mention *m, kb_geo_match *store);

/* The phone platform its words name ("ios", "android"), or NULL. */
const char *kb_mention_platform(const kb_mention *m);

/* The day it asks about (days.tsv of its language, then of the index's
 * default language when its own names none): KB_DAY_SUN .. KB_DAY_SAT
 * for the first weekday it names ("habt ihr sonntags auf?"), else
 * KB_DAY_TOMORROW when it says tomorrow, else -1 (today, for a store's
 * hours). Words of @handles and URLs name no day. */
int kb_mention_day(const kb_mention *m);

/* 1 if it names an @handle that is not ours (kb_index_handle_ours():
 * not a collection, not beginning with the site's brand or handles). */
int kb_mention_other_handle(const kb_mention *m);

/* 1 if it asks something (kb_intent_asks()). */
int kb_mention_asks(const kb_mention *m);

/* The intents its words carry (KB_INTENT_* bits, intents.tsv). Not used
 * in ranking yet. */
int kb_mention_intents(const kb_mention *m);

#endif
