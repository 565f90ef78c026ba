/*
 * kb_snip.h - cutting a hit's snippet from its body (internal to
 * src/core: kb_search.c fills hits with them). The bodies and their
 * terms' byte spans are cached per language of an open index
 * (kb_ix_body); a snippet is the window of terms kb_rank_snippet() chose,
 * escaped for HTML as it is cut, its matches in <mark>.
 */
#ifndef KB_SNIP_H
#define KB_SNIP_H

#include <stdint.h>

#include "kb_index_impl.h"
#include "kb_util.h"

/* Row id's body in language li and its terms' spans, from ix's cache or
 * read and analyzed now; NULL when the row has no body. Owned by ix,
 * valid until the next call on ix (another row may take its slot). */
const kb_ix_body *kb_snip_body(kb_index *ix, int li, int64_t id);

/* Appends to out the snippet of sp's body for the window of `terms`
 * terms at position start, the matched terms in mask (bit i: term start
 * + i), as HTML: matches in <mark>, "…" where text was left out. */
void kb_snip_cut(const kb_ix_body *sp, int start, int terms, unsigned mask, kb_buf *out);

/* The html below which a body's JSON form is not made: a short body's
 * snippet is its whole text, escaped again in a few hundred instructions,
 * and a table of short rows (the CDP collection's 3,600) reads its bodies
 * again and again through the cache's slots, each time making the form
 * for one or two snippets. */
#define KB_SNIP_JSON_MIN 512

/* 1 if sp is long enough for its JSON form to pay (kb_snip_body_json()). */
static inline int kb_snip_json_pays(const kb_ix_body *sp) { return sp->nhtml >= KB_SNIP_JSON_MIN; }

/* kb_snip_body() with the body's JSON form made too (kb_snip_cut_json()
 * reads it), or NULL: no body, or one too short for the form to pay (its
 * snippet is then escaped as it is, kb_buf_put_json()). */
const kb_ix_body *kb_snip_body_json(kb_index *ix, int li, int64_t id);

/* Appends to out the same snippet as a JSON string literal, quotes
 * included: what kb_buf_put_json() of kb_snip_cut()'s makes, byte for
 * byte, cut from the body's JSON form (sp: kb_snip_body_json()'s). */
void kb_snip_cut_json(const kb_ix_body *sp, int start, int terms, unsigned mask, kb_buf *out);

#endif
