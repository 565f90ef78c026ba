/*
 * kb_ui.h - the words of the pages in the page's language: the texts of
 * kb/lang/<code>/ui.tsv (indexer/kb_uifile.h), stored as site rows
 * "ui.KEY" of their language, read through kb_site.h.
 *
 * A text is looked up in the page's language, then the index's default
 * language, then English; a key found nowhere shows as itself, so a page
 * never lacks a word silently (the tests look for stray keys).
 *
 * Texts are plain text: kb_ui_put() escapes them and puts values in their
 * {name} marks. Values are text, escaped too, unless the name is given
 * with a leading '!' (HTML the caller built and escaped).
 *
 * Nothing here fails: what is missing is shown as its key.
 */
#ifndef KB_UI_H
#define KB_UI_H

#include "kb_util.h"

struct kb_ctx;

/* The language of the page: c->lang, else the index's default. */
const char *kb_ui_lang(const struct kb_ctx *c);

/* The text of key (owned by the index's site content), or key itself. */
const char *kb_ui_text(const struct kb_ctx *c, const char *key);

/* The text of key as kb_ui_text() finds it, or NULL. */
const char *kb_ui_find(const struct kb_ctx *c, const char *key);

/* Appends key's text, HTML-escaped, with its {name} marks filled from the
 * NULL-terminated (name, value) pairs that follow. */
void kb_ui_put(const struct kb_ctx *c, kb_buf *b, const char *key, ...)
    __attribute__((sentinel));

/* A key whose text is found once per page language and index generation
 * (kept in the pages' frame, kb_page.c) rather than at every use: a page
 * or fragment looked up each of its dozen texts, 300 to 600 instructions
 * a lookup. One static per key and use: KB_UI_KEY("pages.next"). */
typedef struct kb_ui_key {
  const char *key;
  _Atomic int slot;    /* its place in the frame's texts, from 1; 0: none yet */
} kb_ui_key;
#define KB_UI_KEY(k) {(k), 0}

/* kb_ui_text() and kb_ui_put() of such a key. */
const char *kb_ui_text_k(const struct kb_ctx *c, kb_ui_key *k);
void kb_ui_put_k(const struct kb_ctx *c, kb_buf *b, kb_ui_key *k, ...) __attribute__((sentinel));

/* kb_ui_count() of a count whose key.one and key.other are one and other. */
void kb_ui_count_k(const struct kb_ctx *c, kb_buf *b, kb_ui_key *one, kb_ui_key *other, long n, ...)
    __attribute__((sentinel));

/* The same for a count: key.one or key.other as the language's plural.one
 * list of numbers says, {n} filled with n. */
void kb_ui_count(const struct kb_ctx *c, kb_buf *b, const char *key, long n, ...)
    __attribute__((sentinel));

/* key.one or key.other for n, as kb_ui_count() chooses, into buf (for a
 * text whose {n} is filled with HTML); returns buf. */
const char *kb_ui_plural(const struct kb_ctx *c, const char *key, long n, char *buf, size_t nbuf);

/* A build's or a queue item's time, "2026-12-03T08:45:59Z" (UTC), in the
 * page's words, escaped: where ui.tsv's datetime.style is "words", its
 * datetime with {iso} the time as given, {date} its day in the page's
 * words and {time} its hour and minute ("3 décembre 2026 à 08:45 UTC");
 * else (English: "iso"), or a time of another form, as it is. */
void kb_ui_datetime(const struct kb_ctx *c, kb_buf *b, const char *iso);

/* "2026-12-02" in the page's words ("2 December 2026"), or nothing. */
void kb_ui_date(const struct kb_ctx *c, kb_buf *b, const char *ymd);

/* The language switcher and the hreflang alternates of a page. paths[i]
 * is the page's address in the index's language i without the language's
 * prefix ("/help/returns-policy", "/"), or NULL where the page does not
 * exist in it; the switcher then offers that language's home. */
typedef struct kb_ui_paths {
  const char *v[32];
  int alternates; /* 1: the addresses are this page's translations */
} kb_ui_paths;

/* The language's tag for lang attributes ("en-GB", "fr"): its lang.tag. */
const char *kb_ui_tag(const struct kb_ctx *c, const char *lang);

/* <link rel="alternate" hreflang> for each language that has the page
 * (and x-default), when p->alternates; nothing otherwise. */
void kb_ui_alternates(const struct kb_ctx *c, kb_buf *b, const kb_ui_paths *p);

/* <nav> of links to the page in each language, each named in its own
 * language with its lang, the page's own marked aria-current. Links are
 * written hreflang first (kb_web.c leaves such links unprefixed). */
void kb_ui_switcher(const struct kb_ctx *c, kb_buf *b, const kb_ui_paths *p);

#endif
