/*
 * kb_geo.h - stores and places: which town a mention names, and the
 * stores nearest to it.
 *
 * Loaded once from an index (the stores and places tables) and read-only
 * afterwards, so one kb_geo is shared by all the server's threads.
 * Error convention: kb_geo_load() returns NULL with a message in err; the
 * look-ups return 1 (found) or 0.
 *
 * A mention names a place when its words contain a store's town or alias,
 * or a place name or alias from places.tsv (longest match first, earliest
 * in the text wins); each name also as its language's people shorten it
 * (kb/lang/<code>/placeabbr.tsv: "Jameson St", "bd Haussmann",
 * "Kaufingerstr."), with its apostrophes left out ("rue d orleans") and
 * with letters written without their key (placeletters.tsv: "Muenchner"). Place names that are also everyday words (places.txt
 * of the index's language, kind common: Bath, Reading, Deal...) only count
 * when written with a capital or after a preposition (kind prep: in,
 * near, at...).
 */
#ifndef KB_GEO_H
#define KB_GEO_H

#include <stddef.h>

#include "kb_lang.h"
#include "kb_token.h"

typedef struct kb_geo kb_geo;

typedef struct kb_geo_store {
  const char *collection, *slug, *title, *town, *address, *postcode, *phone;
  const char *lang;      /* the store page's language: its country's site */
  const char *hours;     /* JSON object */
  double lat, lon;
} kb_geo_store;

typedef struct kb_geo_match {
  const char *name;            /* the place as listed (town or place name) */
  const kb_geo_store *store;   /* the store named (town or alias), or NULL */
  double lat, lon;             /* where the place is */
  int has_coords;              /* lat/lon known */
  const char *lang;            /* the site (language) whose store or
                                  gazetteer it is from ("": every site's) */
  size_t start, end;           /* kb_geo_find(): the words of text that
                                  named it, text[start..end) */
  int common;                  /* named by one word that is also an everyday
                                  word (Reading, Bath: the place lists'
                                  common words), read as the place for its
                                  capital or the preposition before it */
} kb_geo_match;

/* Loads stores and places from the index at path. Returns NULL with a
 * message in err on failure (an index without stores loads fine). */
kb_geo *kb_geo_load(const char *path, char *err, size_t nerr);
void kb_geo_free(kb_geo *g);

int kb_geo_store_count(const kb_geo *g);
const kb_geo_store *kb_geo_store_at(const kb_geo *g, int i);

/* Finds the place a mention's words t[0..n) (kb_tokens_split()'s: their folds'
 * lengths are read, and their hashes when made) name, restricted
 * to stores of collection (NULL: any). Returns 1 and fills *m, or 0. */
int kb_geo_find_tokens(const kb_geo *g, const kb_token *t, int n, const char *collection,
                       kb_geo_match *m);

/* The same, preferring the places and stores of the site of language lang
 * (its country's gazetteer, kb/places/<lang>.tsv; NULL: any): a place of
 * another country is found only when no place of lang's is named, and
 * not by one word that is a stop word of words (the mention's language's
 * lists, borrowed; NULL: none): "auch" (also) in a German tweet is not
 * the French town of Auch, nor "aber" (but) Aberystwyth. A store's
 * postcode names the store too: in full ("TS1 1RA") or, after a
 * preposition, its district ("near TS1"). */
int kb_geo_find_tokens_lang(const kb_geo *g, const kb_token *t, int n, const char *collection,
                            const char *lang, const kb_lang *words, kb_geo_match *m);

/* When kb_geo_find_tokens_lang() found nothing: the first place of the
 * site of lang the words name once a misspelt word is read as the word of
 * a place name it is one edit from ("tienda en zaragosa", "Laden in
 * Regensbrug", "Talabera de la Reina"). Such a word: letters only, six
 * bytes or more, after a preposition of words (places.txt, kind prep;
 * perhaps with a word of three bytes or fewer between: "en la vagada"),
 * no stop word of words, and one known(arg, fold) says the mention's
 * language does not have (known NULL: every such word); the name's word:
 * six bytes or more, of a name that is no everyday word (places.txt, kind
 * common). A place with no store only when the misspelt word begins with
 * a capital. words NULL: no prepositions, so nothing. Returns 1 and fills
 * *m (m->start, end: the words as written), or 0. */
int kb_geo_find_misspelt(const kb_geo *g, const kb_token *t, int nt, const char *collection,
                         const char *lang, const kb_lang *words,
                         int (*known)(void *arg, const char *word), void *arg, kb_geo_match *m);

/* The store the words t[0..nt) name by its street's own name, after a
 * store word of words (the mention's language's lists; places.txt kinds
 * store and street): "la tienda de Recogidas", of the store alias "Calle
 * Recogidas" (a street type, stop words, the name). A name that is also
 * a town, place, alias or another store's street's is none. Only stores
 * of collection (NULL: any) and of the site of lang. A weaker reading
 * than kb_geo_find_tokens_lang()'s, which never reads these names: it
 * says which store, not that the mention is about a place (a suggest's
 * links read it; its ranking does not). Returns 1 and fills *m, or 0
 * (lang or words NULL: 0). */
int kb_geo_find_street(const kb_geo *g, const kb_token *t, int nt, const char *collection,
                       const char *lang, const kb_lang *words, kb_geo_match *m);

/* The same for text[0..n), split into words first (for tools and tests;
 * the suggest path reads the words of its mention analysis). */
int kb_geo_find(const kb_geo *g, const char *text, size_t n,
                const char *collection, kb_geo_match *m);

/* Looks up a single place name or postcode district typed in a search box
 * ("harrogate", "Milton Keynes", "LS1"). Returns 1 and fills *m, or 0. */
int kb_geo_lookup(const kb_geo *g, const char *q, const char *collection,
                  kb_geo_match *m);

/* The k stores of collection (NULL: any) nearest to lat/lon, nearest
 * first, with their distances in km. Returns how many were filled. */
int kb_geo_nearest(const kb_geo *g, double lat, double lon,
                   const char *collection, int k, const kb_geo_store **out,
                   double *km);

/* The same within one country's site: stores whose pages are in language
 * lang and places of its gazetteer (kb/places/<lang>.tsv, or places.tsv
 * for the default language; a gazetteer of no language is everyone's).
 * lang NULL: every country. */
int kb_geo_lookup_lang(const kb_geo *g, const char *q, const char *collection, const char *lang,
                       kb_geo_match *m);
int kb_geo_nearest_lang(const kb_geo *g, double lat, double lon, const char *collection,
                        const char *lang, int k, const kb_geo_store **out, double *km);

/* Great-circle distance in km. */
double kb_geo_km(double lat1, double lon1, double lat2, double lon2);

#endif
