/*
 * kb_sitefile.h - kb/site.yaml: what the pages and replies say about the
 * retailer (brand, the help site's title, the public Twitter handle, the
 * contact channels and their hours), so that another retailer, or the same
 * one in another country, edits data rather than C.
 *
 *   brand: PhoneRetailer
 *   title: PhoneRetailer Help
 *   twitter: PhoneRetailerHelp
 *   contacts:
 *     - name: Phone
 *       text: 0113 496 0500
 *       link: tel:+441134960500
 *       hours: Monday to Friday 8am to 8pm
 *   collections:            # per collection (a brand), the same keys
 *     acme: {brand: Acme, title: Acme Help}
 *   languages:              # per language, the same keys
 *     fr: {title: Aide PhoneRetailer}
 *
 * Parsed into flat entries (collection, lang, key, value): "contact.1.name"
 * and so on; "" for collection or lang means every one. Problems go to the
 * diagnostics list as path:line messages, like articles'.
 *
 * Errors: kb_sitefile_parse() never fails as a whole: what is wrong is
 * reported in d and left out.
 */
#ifndef KB_SITEFILE_H
#define KB_SITEFILE_H

#include <stddef.h>

#include "kb_diag.h"

typedef struct kb_site_entry {
  const char *collection; /* "" for every collection */
  const char *lang;       /* "" for every language */
  const char *key;        /* brand, title, twitter, contact.N.name|text|link|hours */
  const char *value;
} kb_site_entry;

typedef struct kb_sitefile kb_sitefile;

/* Parses the YAML in data[0..n) read from path. Free with kb_sitefile_free(). */
kb_sitefile *kb_sitefile_parse(const char *path, const char *data, size_t n, kb_diag *d);
void kb_sitefile_free(kb_sitefile *s);

int kb_sitefile_count(const kb_sitefile *s);
/* The i-th entry (owned by s). */
const kb_site_entry *kb_sitefile_entry(const kb_sitefile *s, int i);

#endif
