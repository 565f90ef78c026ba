/*
 * kb_article.h - one knowledge-base article: Markdown with YAML front
 * matter, parsed and validated.
 *
 * The file format (docs/authoring.md is the guide for the knowledge team):
 *
 *   ---
 *   title: Remove the SIM from an iPhone     (required)
 *   slug: remove-sim-iphone                  (default: file name; [a-z0-9-])
 *   url: https://...                         (default: the public page)
 *   collection: default                      (one index can hold brands)
 *   lang: en                                 (Snowball language)
 *   type: article | store | offtopic          (offtopic: what we do not
 *                                             answer, never suggested)
 *   tags: [sim, iphone]
 *   phrases: [sim tray stuck, ...]           (how customers ask it)
 *   reply: "Here's how: {url}"               (placeholders {url} {title})
 *   escalate: dm                             (needs account details)
 *   deeplink: store                          (link the named town's store)
 *   platform: ios | android                  (only for that platform)
 *   town/address/postcode/phone/lat/lon/aliases/hours   (type: store)
 *   ---
 *   Markdown body (CommonMark + GFM tables, strikethrough, autolinks)
 *
 * Parsing never stops at the first problem: every problem found goes to
 * the kb_diag list as path:line, and the article is returned as long as it
 * has what the index needs (a title, a valid slug, valid UTF-8).
 */
#ifndef KB_ARTICLE_H
#define KB_ARTICLE_H

#include <stdatomic.h>
#include <stddef.h>

#include "kb_diag.h"

/* Largest article file accepted. */
#define KB_ARTICLE_MAX_BYTES (1024 * 1024)

/* Days of the week in store opening hours, Monday first. */
#define KB_DAYS 7
extern const char *const kb_article_days[KB_DAYS]; /* "mon" ... "sun" */

typedef struct kb_store {
  char *town;             /* as customers name it */
  char *address;          /* street address */
  char *postcode;
  char *phone;
  double lat, lon;        /* WGS84 degrees */
  char **aliases;         /* other names of the location */
  int naliases;
  char *hours[KB_DAYS];   /* "09:00-17:30" or "closed"; NULL if not given */
} kb_store;

typedef struct kb_article {
  char *path;             /* source file, as given to kb_article_parse() */
  char *title;
  char *slug;
  char *url;              /* NULL: the public page of the article */
  char *collection;
  char *lang;
  char *type;             /* "article", "store" or "offtopic" */
  char *reply;            /* template, or NULL for the house default */
  char *escalate;         /* "dm" or NULL */
  char *deeplink;         /* "store": link the store of a town the mention
                             names instead of url; or NULL */
  char *platform;         /* "ios" or "android": the article is only for
                             phones of that platform; or NULL */
  char **tags;
  int ntags;
  char **intents;         /* what the article answers (front matter
                             intent:), names of kb_lang_intent_name():
                             status, howto, availability, location, hours,
                             complaint, contact; NULL: read from its title */
  int nintents;
  char **phrases;
  int nphrases;
  char *headings;         /* text of the body's headings, one per line */
  char *body;             /* plain text of the body (paragraphs, lists,
                             tables, link text), blocks separated by "\n" */
  size_t *asides;         /* the bytes of body that are not prose: tables,
                             and bold lines standing for headings
                             ("**Accessibility**" over a paragraph);
                             [asides[2i], asides[2i + 1]) for i < nasides,
                             in order (snippets are cut from prose only) */
  int nasides;
  char *summary;          /* first paragraph of the body, plain text */
  char *html;             /* the body rendered to HTML, raw HTML removed */
  char *category;         /* "Orders and delivery": the site's section, or NULL */
  char *owner;            /* who in the knowledge team keeps it right, or NULL */
  char *review_by;        /* YYYY-MM-DD: to be checked again by then, or NULL */
  char *updated;          /* YYYY-MM-DD: last changed (front matter, else the
                             file's modification date, set by kb_build.c) */
  char *translated_from;  /* YYYY-MM-DD: the source (the topic's article in
                             the default language) as updated then was
                             translated; NULL: not said */
  int translated_line;    /* its line, for messages */
  int updated_line;       /* line of updated:, 0 when the date is the file's */
  char *source_updated;   /* set by kb_build.c when the source was updated
                             after translated_from: the source's date */
  kb_store *store;        /* store details when type is "store", else NULL */
  int slug_line;          /* line of the slug key (or 1), for messages */
  int lang_line;          /* line of the lang key; 0: not given, lang is
                             "en" until kb_build.c gives the default of its
                             directory or collection */
} kb_article;

/* Parses the article in data[0..n) read from path (used in messages and
 * for the default slug). Problems go to d. Returns the article, or NULL
 * when it cannot be indexed (invalid UTF-8, no front matter, malformed
 * YAML, no title, bad slug); the caller frees it with kb_article_free(). */
kb_article *kb_article_parse(const char *path, const char *data, size_t n,
                             kb_diag *d);

/* When a parse must stop: a flag another thread may set, and a time. */
typedef struct kb_article_limit {
  const atomic_int *cancel;   /* non-zero: stop now (NULL: never) */
  double until;               /* CLOCK_MONOTONIC seconds; 0: no deadline */
} kb_article_limit;

/* kb_article_parse(), stopping (NULL, *stopped set: 1 cancelled, 2 past
 * the deadline; no message added) when lim says so, checked while the
 * body is walked. */
kb_article *kb_article_parse_limited(const char *path, const char *data, size_t n,
                                     kb_diag *d, const kb_article_limit *lim,
                                     int *stopped);

/* 0 to go on, 1 cancelled, 2 past the deadline. */
int kb_article_limit_check(const kb_article_limit *lim);

void kb_article_free(kb_article *a);

/* 1 if slug is non-empty and made of [a-z0-9-] only, starting with a
 * letter or digit. */
int kb_article_slug_valid(const char *slug);

#endif
