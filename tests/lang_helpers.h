/*
 * lang_helpers.h - what the language suites share (test_lang.c, and the
 * mentions of each language: test_lang_fr.c, test_lang_de.c,
 * test_lang_es.c, test_lang_en.c): one kb-serve on the shipped kb/, and
 * the checks of what a mention gets from POST /api/v1/suggest.
 *
 * The server is set once, not passed in: lh_setup(), each suite's cmocka
 * group setup, indexes kb/ and starts kb-serve on it with a fresh --data
 * directory (page views and searches are events there); lh_teardown(), the
 * group teardown, stops it and removes the directory. Every check below
 * talks to that server. This module owns both: a test may use them through
 * lh_server() and lh_data_dir() but never stops or frees them.
 *
 * A check asserts with cmocka (the first failed assertion ends the test)
 * and first prints the mention with what it got (print_error). A mention is
 * sent as {"text":TEXT,"author":"cliente"}; TEXT goes into the JSON as it
 * is, so it must not hold a '"' or a backslash the JSON would misread.
 */
#ifndef KB_TEST_LANG_HELPERS_H
#define KB_TEST_LANG_HELPERS_H

#include "harness.h"

#include <cjson/cJSON.h>

/*--- The server ---------------------------------------------------------*/

/* cmocka group setup: starts kb-serve on kb/ with a fresh --data
 * directory. Returns 0, or -1 when the server did not start. */
int lh_setup(void **state);
/* cmocka group teardown: stops the server and removes its --data
 * directory. Returns 0. */
int lh_teardown(void **state);

/* The server lh_setup() started (owned by this module). */
th_server *lh_server(void);
/* Its --data directory (feedback.sqlite, the event log); owned by this
 * module. */
const char *lh_data_dir(void);

/*--- Talking to it ------------------------------------------------------*/

/* POST /api/v1/suggest with the JSON body as it is; the parsed answer,
 * whatever its status (*pstatus gets it). Asserts the request was made and
 * the answer is JSON. The caller frees it with cJSON_Delete(). */
cJSON *lh_suggest(const char *body, long *pstatus);

/* The string at a dotted path of o ("lang.code", "suggestions.0.slug":
 * a number is an array index), or NULL when there is none or it is not a
 * string. Points into o: valid while o is. */
const char *lh_str(const cJSON *o, const char *path);

/*--- What a mention gets ------------------------------------------------*/

/* text is answered in lang with slug first: asserts status 200, the
 * mention's language (lang.code) is lang, the first suggestion's slug is
 * slug, its language is lang, and its link is lang's page of slug
 * (/help/SLUG for en, /LANG/help/SLUG otherwise). Says nothing of whether
 * it is marked answerable. */
void lh_expect_first(const char *text, const char *lang, const char *slug);

/* lh_expect_first(text, lang, slug), and then the same mention asked
 * again is marked answerable (lh_answerable(text, 1)): first and sure of
 * it. */
void lh_expect_sure(const char *text, const char *lang, const char *slug);

/* text's first suggestion is slug and it is marked answerable (want 1) or
 * not (want 0), in one request; unlike lh_expect_sure the languages and
 * the link are not checked. Asserts status 200. */
void lh_first_answerable(const char *text, const char *slug, int want);

/* The service says nothing fits text (want 1: "nothing_fits" is true) or
 * suggests (want 0: it is not). Asserts status 200. */
void lh_nothing_fits(const char *text, int want);

/* The service marks text answerable (want 1: "answerable" is true) or
 * holds it back for an agent (want 0: it is not), whatever comes first.
 * Asserts status 200. */
void lh_answerable(const char *text, int want);

/* text's first suggestion links lang's page of the store (its URL holds
 * /LANG/help/STORE, so lang is not en) and the mention's language is lang.
 * Sent as {"text":TEXT} with no author. Asserts status 200. */
void lh_expect_store_link(const char *text, const char *lang, const char *store);

/* text's first suggestion links the store finder near town (its URL holds
 * /stores?near=TOWN for en, /LANG/stores?near=TOWN otherwise; town as the
 * link writes it, "villeneuve-d%27ascq") and the mention's language,
 * detected, is lang. Sent as {"text":TEXT} with no author. Asserts status
 * 200. */
void lh_expect_town_link(const char *text, const char *lang, const char *town);

#endif
