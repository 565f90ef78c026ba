/*
 * kb_site.h - the site content of an index (kb/site.yaml, stored by the
 * indexer in the index's site table): brand, the help site's title, the
 * public Twitter handle, the contact channels and their hours. Read once
 * per index file and shared read-only by every request.
 *
 * A value is looked up for a collection and a language, most specific
 * first: (collection, lang), (collection, any), (any, lang), (any, any).
 *
 * Errors: kb_site_load() returns NULL with a message in err; lookups return
 * NULL for what is not there.
 */
#ifndef KB_SITE_H
#define KB_SITE_H

#include <stddef.h>

typedef struct kb_site kb_site;

/* Reads the site table of the index at path. Free with kb_site_free(). */
kb_site *kb_site_load(const char *path, char *err, size_t nerr);
void kb_site_free(kb_site *s);

/* The value of key (brand, title, twitter, contact.N.name|text|link|hours)
 * for a collection (NULL: the default) and a language (NULL: any); owned
 * by s; NULL when not set. */
const char *kb_site_get(const kb_site *s, const char *collection, const char *lang, const char *key);

/* The number of contacts (contact.1 ... contact.N) for a collection and language. */
int kb_site_contacts(const kb_site *s, const char *collection, const char *lang);

#endif
