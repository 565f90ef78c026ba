/*
 * kb_geo.c - the store directory and the places table in memory, and
 * finding place names in text (see kb_geo.h).
 *
 * Names are matched as sequences of folded words (lower case, accents
 * stripped, punctuation dropped: "Stoke-on-Trent" is stoke on trent), up to
 * S_MAX_NAME_WORDS words, against a sorted table of every name and alias.
 * Each name is in the table as written and with the words its language's
 * people shorten shortened (placeabbr.tsv of kb/lang/<code>/: "Jameson
 * Street" is also "jameson st", "Paseo de la Independencia" also "po de la
 * independencia"; an ending: "Kaufingerstraße" also "kaufingerstr"), with
 * its apostrophes as spaces, and spelt as people without a letter's key
 * spell it (placeletters.tsv: "moenckebergstrasse"), so the finder itself
 * compares whole keys only.
 */
#include "kb_geo.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <utf8proc.h>
#include <stdlib.h>
#include <string.h>

#include "kb_lang.h"
#include "kb_token.h"
#include "kb_util.h"
#include "kb_vocab.h"

#define S_MAX_NAME_WORDS 5
#define S_MAX_WORDS 512  /* words of a mention examined */
#define S_MAX_CUT 8      /* of them, read without an elided article */
#define S_MAX_VARIANTS 16 /* keys of one name, shortened ways included */
/* A word of a mention is read as a misspelt place name only from this
 * many bytes, and as a name's word of as many: shorter words are one edit
 * from too many others ("nime", "tour", "aber" are words or abbreviations
 * before they are Nîmes, Tours or Aberystwyth; "parvis", a church's
 * forecourt, is one letter from Paris). */
#define S_MIN_SPELT 6

/* One language's shortenings (placeabbr.tsv), as folded keys. */
typedef struct {
  char *lang;                /* its language code */
  char **shortk, **longk;    /* "st", "street" */
  char *suffix;              /* 1: an ending ("-str" of "-straße":
                                Kaufingerstraße is Kaufingerstr) */
  int n;
  char **letter, **letters;  /* placeletters.tsv: "ö" written "oe" (lower
                                case, composed) */
  int nletters;
  kb_lang *words;            /* the language's word lists, while loading:
                                its street types (places.txt, kind street)
                                and stop words (S_street_names()) */
} S_abbr;

typedef struct {
  char *key;                 /* folded words joined by single spaces */
  int store;                 /* index into stores, or -1 */
  int place;                 /* index into places, or -1 */
  int addr;                  /* 1: a store's name its address holds
                                (S_add_name()) */
  int street;                /* 1: a store's street by its own name
                                ("recogidas" of "Calle Recogidas"), a name
                                only after a store word (S_after_store()) */
} S_name;

/* A byte prefix of some name's key (every prefix of every key is one), so
 * a mention's word is looked up once, not by a binary search of the
 * names per word. */
typedef struct {
  uint32_t h;                /* kb_hash() of the prefix; */
  int len;                   /* its bytes (0: an empty slot) */
  int first;                 /* the first name (sorted) that starts with it */
  int whole;                 /* the first name whose key it is, or -1 */
} S_prefix;

typedef struct {
  char *name;
  double lat, lon;
  char *lang;                /* its country's site ("": every site's) */
} S_place;

struct kb_geo {
  kb_geo_store *stores;
  int nstores;
  S_place *places;
  int nplaces;
  S_name *names;             /* sorted by key, then stores before places */
  int nnames;
  S_prefix *prefixes;        /* every prefix of a key, hashed (S_prefixes()) */
  uint32_t nprefixes;        /* slots: a power of two, at most half used */
  char **pkey;               /* [nstores]: each store's postcode key (S_key;
                                NULL: none), made once, not per mention */
  char **strings;            /* everything allocated for the stores */
  int nstrings;
  kb_lang *words;            /* the index's word lists: place names that are
                                everyday words, prepositions (places.txt);
                                NULL: none */
  S_abbr *abbr;              /* each language's shortenings */
  int nabbr;
  char *deflang;             /* the index's first language: the one of a
                                gazetteer of no language (places.tsv) */
  kb_vocab *spell;           /* the words of the names (S_MIN_SPELT bytes or
                                more, letters only), for reading a misspelt
                                one (kb_geo_find_misspelt()) */
  S_name *streets;           /* while loading: the street names of the
                                stores' aliases (S_street_names()) */
  int nstreets;
};

/*--- Keys ----------------------------------------------------------------*/

/* The folded key of a name: its words (kb_token.h) joined by single
 * spaces; NULL when it has none or more than S_MAX_NAME_WORDS. */
static char *S_key(const char *name) {
  int n;
  kb_token *t = kb_tokens_split(name, strlen(name), &n);
  kb_buf b = KB_BUF_INIT;
  int words = 0;
  for (int i = 0; i < n && words <= S_MAX_NAME_WORDS; i++) {
    if (t[i].kind == KB_TOKEN_EMOJI) continue;
    if (words++) kb_buf_putc(&b, ' ');
    kb_buf_puts(&b, t[i].fold);
  }
  free(t);
  if (words == 0 || words > S_MAX_NAME_WORDS) {
    kb_buf_cleanup(&b);
    return NULL;
  }
  return kb_buf_detach(&b);
}

/*--- Loading -------------------------------------------------------------*/

static const char *S_keep(kb_geo *g, const unsigned char *s) {
  g->strings = kb_xrealloc(g->strings, (size_t)(g->nstrings + 1) * sizeof *g->strings);
  return g->strings[g->nstrings++] = kb_xstrdup(s ? (const char *)s : "");
}

/* The shortenings of language lang ("": the index's first language's),
 * or NULL. */
static const S_abbr *S_abbr_of(const kb_geo *g, const char *lang) {
  if (!lang || !*lang) lang = g->deflang;
  for (int i = 0; lang && i < g->nabbr; i++)
    if (!strcmp(g->abbr[i].lang, lang)) return &g->abbr[i];
  return NULL;
}

/* key with each whole-word occurrence of the words longk replaced by
 * shortk (suffix: each word longer than longk that ends with it, its
 * ending replaced), or NULL when it has none, or the result would be a
 * single bare abbreviation (the town of Street is not "st") or too long a
 * name. Caller frees. */
static char *S_shorten(const char *key, const char *longk, const char *shortk, int suffix) {
  size_t ll = strlen(longk);
  kb_buf b = KB_BUF_INIT;
  int hits = 0;
  for (const char *p = key; *p;) {
    size_t wl = strcspn(p, " ");
    int start = p == key || p[-1] == ' ';
    if (suffix && start && wl > ll && !strncmp(p + wl - ll, longk, ll)) {
      kb_buf_put(&b, p, wl - ll);
      kb_buf_puts(&b, shortk);
      p += wl;
      hits++;
    } else if (!suffix && start && !strncmp(p, longk, ll) && (p[ll] == ' ' || !p[ll])) {
      kb_buf_puts(&b, shortk);
      p += ll;
      hits++;
    } else {
      kb_buf_putc(&b, *p++);
    }
  }
  char *v = kb_buf_detach(&b);
  int words = 1;
  for (const char *p = v; *p; p++) words += *p == ' ';
  if (!hits || (words < 2 && !suffix) || words > S_MAX_NAME_WORDS) {
    free(v);
    return NULL;
  }
  return v;
}

/* 1 if key's words are words of hay, in a row (both S_key()s). */
static int S_holds_words(const char *hay, const char *key) {
  size_t n = strlen(key);
  for (const char *p = hay; (p = strstr(p, key)) != NULL; p++)
    if ((p == hay || p[-1] == ' ') && (p[n] == ' ' || !p[n])) return 1;
  return 0;
}

static void S_push_name(kb_geo *g, char *key, int store, int place, int addr) {
  g->names = kb_xrealloc(g->names, (size_t)(g->nnames + 1) * sizeof *g->names);
  g->names[g->nnames++] = (S_name){.key = key, .store = store, .place = place, .addr = addr};
}

/* name with each apostrophe (' or U+2019) made a space, or NULL when it
 * has none: "rue d'Orléans" is read as one word "dorleans", and a
 * customer who leaves the apostrophe out types "rue d orleans". Caller
 * frees. */
static char *S_unelide(const char *name) {
  if (!strchr(name, '\'') && !strstr(name, "\xe2\x80\x99")) return NULL;
  kb_buf b = KB_BUF_INIT;
  for (const char *p = name; *p; p++) {
    if (*p == '\'') {
      kb_buf_putc(&b, ' ');
    } else if (!strncmp(p, "\xe2\x80\x99", 3)) {
      kb_buf_putc(&b, ' ');
      p += 2;
    } else {
      kb_buf_putc(&b, *p);
    }
  }
  return kb_buf_detach(&b);
}

/* name in lower case with each letter of a's placeletters.tsv written as
 * its people write it without the key ("Mönckebergstraße" is
 * "moenckebergstraße"), or NULL when it has none. Caller frees. */
static char *S_spell_out(const S_abbr *a, const char *name) {
  if (!a || !a->nletters) return NULL;
  utf8proc_uint8_t *low = NULL;
  if (utf8proc_map((const utf8proc_uint8_t *)name, 0, &low,
                   UTF8PROC_NULLTERM | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD) < 0)
    return NULL;
  kb_buf b = KB_BUF_INIT;
  int hits = 0;
  for (const char *p = (const char *)low; *p;) {
    int k = 0;
    while (k < a->nletters && strncmp(p, a->letter[k], strlen(a->letter[k]))) k++;
    if (k < a->nletters) {
      kb_buf_puts(&b, a->letters[k]);
      p += strlen(a->letter[k]);
      hits++;
    } else {
      kb_buf_putc(&b, *p++);
    }
  }
  free(low);
  char *v = kb_buf_detach(&b);
  if (!hits) {
    free(v);
    return NULL;
  }
  return v;
}

/* Adds a name, in the language lang's ("": the first language's), as
 * written, with its apostrophes as spaces, with its letters spelt out
 * (placeletters.tsv), and with each combination of its shortenings. */
static void S_add_name(kb_geo *g, const char *name, int store, int place, const char *lang) {
  char *v[S_MAX_VARIANTS];
  int nv = 0;
  if (!(v[nv] = S_key(name))) return;
  nv++;
  char *spaced = S_unelide(name);
  if (spaced && (v[nv] = S_key(spaced)) != NULL) {
    if (strcmp(v[nv], v[0])) nv++;
    else free(v[nv]);
  }
  free(spaced);
  const S_abbr *a = S_abbr_of(g, lang);
  /* spelt out from the name as written (its key has lost the accents) */
  char *sp = S_spell_out(a, name);
  if (sp) {
    char *k = S_key(sp);
    if (k && strcmp(k, v[0])) v[nv++] = k;
    else free(k);
    free(sp);
  }
  for (int e = 0; a && e < a->n; e++)
    for (int j = 0, nj = nv; j < nj && nv < S_MAX_VARIANTS; j++) {
      char *x = S_shorten(v[j], a->longk[e], a->shortk[e], a->suffix[e]);
      if (x) v[nv++] = x;
    }
  /* a store's name its address holds, in every way it is written
   * (S_name.addr: "Jameson St" too, of "28 Jameson Street") */
  int addr = 0;
  if (store >= 0) {
    char *ak = S_key(g->stores[store].address);
    addr = ak && S_holds_words(ak, v[0]);
    free(ak);
  }
  for (int j = 0; j < nv; j++) S_push_name(g, v[j], store, place, addr);
}

/* The street's own name of alias (a store's, in language lang), into
 * g->streets: the words after a first word that is a street type of the
 * language and the stop words after it ("Paseo de la Independencia":
 * "independencia"); none when the alias is not so written. Which of them
 * become names is decided once all names are in (S_add_streets()). */
static void S_street_names(kb_geo *g, const char *alias, int store, const char *lang) {
  const S_abbr *a = S_abbr_of(g, lang);
  char *k = a && a->words ? S_key(alias) : NULL;
  if (!k) return;
  const char *p = k;
  size_t l = strcspn(p, " ");
  int kinds = kb_lang_place(a->words, p, (int)l);
  if (!(kinds & KB_PLACE_STREET) || !p[l]) {
    free(k);
    return;
  }
  p += l + 1;
  for (l = strcspn(p, " "); p[l] && kb_lang_is_stop(a->words, p, (int)l); l = strcspn(p, " "))
    p += l + 1;
  if (*p && !kb_lang_is_stop(a->words, p, (int)strlen(p))) {
    g->streets = kb_xrealloc(g->streets, (size_t)(g->nstreets + 1) * sizeof *g->streets);
    g->streets[g->nstreets++] = (S_name){.key = kb_xstrdup(p), .store = store, .place = -1, .street = 1};
  }
  free(k);
}

/* The street names of g->streets that name one store and nothing else (no
 * town, place, alias or other store's street has the name) become names;
 * the rest are dropped. Before the names are sorted. */
static void S_add_streets(kb_geo *g) {
  /* decided for all before any is pushed or freed: a name is compared
   * with every other street's, and with the names there were before */
  int n0 = g->nnames;
  unsigned char *keep = kb_xcalloc((size_t)g->nstreets + 1, 1);
  for (int i = 0; i < g->nstreets; i++) {
    const S_name *x = &g->streets[i];
    int k = 1;
    for (int j = 0; j < n0 && k; j++) k = strcmp(g->names[j].key, x->key) != 0;
    for (int j = 0; j < g->nstreets && k; j++) {
      if (j == i || strcmp(g->streets[j].key, x->key)) continue;
      if (g->streets[j].store != x->store) k = 0;
      else if (j < i) k = 0; /* (the same store's twice: the first kept) */
    }
    keep[i] = (unsigned char)k;
  }
  for (int i = 0; i < g->nstreets; i++) {
    if (keep[i]) {
      S_push_name(g, g->streets[i].key, g->streets[i].store, -1, 0);
      g->names[g->nnames - 1].street = 1;
    } else {
      free(g->streets[i].key);
    }
  }
  free(keep);
  free(g->streets);
  g->streets = NULL;
  g->nstreets = 0;
}

/* Adds each comma-separated (places) or JSON-array (stores) alias. */
static void S_add_aliases(kb_geo *g, const char *list, int store, int place, const char *lang) {
  char *s = kb_xstrdup(list ? list : "");
  char *save = NULL;
  for (char *a = strtok_r(s, ",[]\"", &save); a; a = strtok_r(NULL, ",[]\"", &save)) {
    S_add_name(g, a, store, place, lang);
    if (store >= 0) S_street_names(g, a, store, lang);
  }
  free(s);
}

/* Reads each language's shortenings from the index (before any name is
 * added). An index without word lists has none: the names are then
 * matched as written, and kb_geo_load() reports the missing lists. */
static void S_load_abbr(kb_geo *g, sqlite3 *db) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'languages'", -1, &st, NULL) !=
      SQLITE_OK)
    return;
  char *langs = NULL;
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    langs = kb_xstrdup((const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  char *save = NULL;
  for (char *code = langs ? strtok_r(langs, ",", &save) : NULL; code;
       code = strtok_r(NULL, ",", &save)) {
    if (!g->deflang) g->deflang = kb_xstrdup(code);
    kb_lang *l = kb_lang_new(code);
    char err[256];
    if (kb_lang_load(l, db, err, sizeof err) == 0 &&
        kb_lang_count(l, KB_LANG_PLACE_ABBR) + kb_lang_count(l, KB_LANG_PLACE_LETTERS) +
                kb_lang_count(l, KB_LANG_PLACES) > 0) {
      g->abbr = kb_xrealloc(g->abbr, (size_t)(g->nabbr + 1) * sizeof *g->abbr);
      S_abbr *a = &g->abbr[g->nabbr++];
      *a = (S_abbr){.lang = kb_xstrdup(code), .words = l};
      int n = kb_lang_count(l, KB_LANG_PLACE_ABBR);
      a->shortk = kb_xcalloc((size_t)n + 1, sizeof *a->shortk);
      a->longk = kb_xcalloc((size_t)n + 1, sizeof *a->longk);
      a->suffix = kb_xcalloc((size_t)n + 1, 1);
      for (int i = 0; i < n; i++) {
        const char *w, *v;
        kb_lang_entry(l, KB_LANG_PLACE_ABBR, i, &w, &v);
        /* "-str<TAB>-straße": an ending, of one word */
        int suf = w[0] == '-' && v[0] == '-';
        char *sk = S_key(w + suf), *lk = S_key(v + suf);
        if (sk && lk && strcmp(sk, lk) && (!suf || (!strchr(sk, ' ') && !strchr(lk, ' ')))) {
          a->suffix[a->n] = (char)suf;
          a->shortk[a->n] = sk;
          a->longk[a->n++] = lk;
        } else {
          free(sk);
          free(lk);
        }
      }
      int nl = kb_lang_count(l, KB_LANG_PLACE_LETTERS);
      a->letter = kb_xcalloc((size_t)nl + 1, sizeof *a->letter);
      a->letters = kb_xcalloc((size_t)nl + 1, sizeof *a->letters);
      for (int i = 0; i < nl; i++) {
        const char *w, *v;
        kb_lang_entry(l, KB_LANG_PLACE_LETTERS, i, &w, &v);
        utf8proc_uint8_t *c = NULL;
        if (utf8proc_map((const utf8proc_uint8_t *)v, 0, &c, UTF8PROC_NULLTERM | UTF8PROC_COMPOSE) < 0)
          continue;
        a->letter[a->nletters] = (char *)c;
        a->letters[a->nletters++] = kb_xstrdup(w);
      }
      continue; /* (l kept in a->words until the names are made) */
    }
    kb_lang_free(l);
  }
  free(langs);
}

static int S_load_stores(kb_geo *g, sqlite3 *db) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db,
                         "SELECT a.collection, a.slug, a.title, s.town, s.address, s.postcode,"
                         " s.phone, s.hours, s.lat, s.lon, s.aliases, a.lang FROM stores s"
                         " JOIN articles a ON a.id = s.article_id ORDER BY a.id",
                         -1, &st, NULL) != SQLITE_OK)
    return -1;
  while (sqlite3_step(st) == SQLITE_ROW) {
    g->stores = kb_xrealloc(g->stores, (size_t)(g->nstores + 1) * sizeof *g->stores);
    kb_geo_store *s = &g->stores[g->nstores];
    s->collection = S_keep(g, sqlite3_column_text(st, 0));
    s->slug = S_keep(g, sqlite3_column_text(st, 1));
    s->title = S_keep(g, sqlite3_column_text(st, 2));
    s->town = S_keep(g, sqlite3_column_text(st, 3));
    s->address = S_keep(g, sqlite3_column_text(st, 4));
    s->postcode = S_keep(g, sqlite3_column_text(st, 5));
    s->phone = S_keep(g, sqlite3_column_text(st, 6));
    s->hours = S_keep(g, sqlite3_column_text(st, 7));
    s->lat = sqlite3_column_double(st, 8);
    s->lon = sqlite3_column_double(st, 9);
    s->lang = S_keep(g, sqlite3_column_text(st, 11));
    S_add_name(g, s->town, g->nstores, -1, s->lang);
    S_add_aliases(g, (const char *)sqlite3_column_text(st, 10), g->nstores, -1, s->lang);
    g->nstores++;
  }
  sqlite3_finalize(st);
  return 0;
}

static int S_load_places(kb_geo *g, sqlite3 *db) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT name, lat, lon, aliases, lang FROM places", -1, &st, NULL) != SQLITE_OK)
    return -1;
  while (sqlite3_step(st) == SQLITE_ROW) {
    g->places = kb_xrealloc(g->places, (size_t)(g->nplaces + 1) * sizeof *g->places);
    S_place *p = &g->places[g->nplaces];
    p->name = kb_xstrdup((const char *)sqlite3_column_text(st, 0));
    p->lat = sqlite3_column_double(st, 1);
    p->lon = sqlite3_column_double(st, 2);
    p->lang = kb_xstrdup((const char *)sqlite3_column_text(st, 4));
    S_add_name(g, p->name, -1, g->nplaces, p->lang);
    /* "Bangor (County Down)": also findable as its first part */
    char *paren = strchr(p->name, '(');
    if (paren && paren > p->name) {
      char *base = kb_xstrndup(p->name, (size_t)(paren - p->name));
      S_add_name(g, base, -1, g->nplaces, p->lang);
      free(base);
    }
    S_add_aliases(g, (const char *)sqlite3_column_text(st, 3), -1, g->nplaces, p->lang);
    g->nplaces++;
  }
  sqlite3_finalize(st);
  return 0;
}

/* The slot of prefix key[0..n) with hash h: its entry, or the empty slot
 * where it would go. */
static S_prefix *S_prefix_slot(const kb_geo *g, const char *key, size_t n, uint32_t h) {
  for (uint32_t i = h;; i++) {
    S_prefix *e = &g->prefixes[i & (g->nprefixes - 1)];
    if (!e->len || ((size_t)e->len == n && e->h == h && !memcmp(g->names[e->first].key, key, n)))
      return e;
  }
}

/* Hashes every byte prefix of every name's key, names sorted (so the
 * first name to add one is the first that starts with it). */
static void S_prefixes(kb_geo *g) {
  size_t total = 0;
  for (int i = 0; i < g->nnames; i++) total += strlen(g->names[i].key);
  g->nprefixes = 16;
  while (g->nprefixes < 2 * total + 2) g->nprefixes *= 2;
  g->prefixes = kb_xcalloc(g->nprefixes, sizeof *g->prefixes);
  for (int i = 0; i < g->nnames; i++) {
    const char *k = g->names[i].key;
    size_t n = strlen(k);
    for (size_t l = 1; l <= n; l++) {
      uint32_t h = kb_hash(k, l);
      S_prefix *e = S_prefix_slot(g, k, l, h);
      if (!e->len) *e = (S_prefix){.h = h, .len = (int)l, .first = i, .whole = -1};
      if (l == n && e->whole < 0) e->whole = i;
    }
  }
}

/* The entry of prefix key[0..n), or NULL when no name starts with it. */
/* The entry of prefix key[0..n) whose kb_hash() is h, or NULL. */
static const S_prefix *S_prefix_of_h(const kb_geo *g, const char *key, size_t n, uint32_t h) {
  if (!g->prefixes || !n) return NULL;
  const S_prefix *e = S_prefix_slot(g, key, n, h);
  return e->len ? e : NULL;
}

static const S_prefix *S_prefix_of(const kb_geo *g, const char *key, size_t n) {
  return S_prefix_of_h(g, key, n, kb_hash(key, n));
}

static int S_cmp_name(const void *x, const void *y) {
  const S_name *a = x, *b = y;
  int c = strcmp(a->key, b->key);
  if (c) return c;
  if ((a->store < 0) != (b->store < 0)) return (a->store < 0) - (b->store < 0); /* stores first */
  /* of the stores one name is, the one whose address holds it first
   * ("Eastgate": the Inverness centre, before the Chester street that
   * store lists as an alias); then the stores', or places', own order */
  if (a->addr != b->addr) return b->addr - a->addr;
  if (a->store != b->store) return (a->store > b->store) - (a->store < b->store);
  return (a->place > b->place) - (a->place < b->place);
}

static int S_is_common(const kb_geo *g, const char *key);

/* 1 if folded word w[0..n) is letters only (no digit, no apostrophe): a
 * word a misspelling of which can be read back. */
static int S_letters(const char *w, size_t n) {
  for (size_t i = 0; i < n; i++)
    if ((w[i] >= '0' && w[i] <= '9') || w[i] == '\'' || w[i] == '-') return 0;
  return n > 0;
}

/* g->spell: every word of every name's key of S_MIN_SPELT bytes or more,
 * letters only, except the names that are everyday words (Reading,
 * Bath: a misspelt "readin" is not a town), each as often as names have
 * it (the correction prefers the most frequent of equally near words). */
static void S_spell_words(kb_geo *g) {
  kb_vocab_count *c = kb_vocab_count_new();
  for (int i = 0; i < g->nnames; i++) {
    const char *k = g->names[i].key;
    if (S_is_common(g, k) || g->names[i].street) continue; /* (a street's
      own name needs its store word: not read from a misspelling) */
    for (const char *p = k; *p;) {
      size_t l = strcspn(p, " ");
      if (l >= S_MIN_SPELT && S_letters(p, l)) kb_vocab_count_add(c, p, l);
      p += l;
      if (*p) p++;
    }
  }
  g->spell = kb_vocab_count_done(c, 1);
}

kb_geo *kb_geo_load(const char *path, char *err, size_t nerr) {
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    snprintf(err, nerr, "cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return NULL;
  }
  kb_geo *g = kb_xcalloc(1, sizeof *g);
  S_load_abbr(g, db);
  if (S_load_stores(g, db) || S_load_places(g, db)) {
    snprintf(err, nerr, "reading stores and places: %s", sqlite3_errmsg(db));
    sqlite3_close(db);
    kb_geo_free(g);
    return NULL;
  }
  sqlite3_close(db);
  S_add_streets(g);
  for (int i = 0; i < g->nabbr; i++) { /* (only the street names read them) */
    kb_lang_free(g->abbr[i].words);
    g->abbr[i].words = NULL;
  }
  g->pkey = kb_xcalloc((size_t)g->nstores + 1, sizeof *g->pkey);
  for (int i = 0; i < g->nstores; i++) g->pkey[i] = S_key(g->stores[i].postcode);
  if (g->nnames) qsort(g->names, (size_t)g->nnames, sizeof *g->names, S_cmp_name);
  S_prefixes(g);
  if (g->nnames) {
    char lerr[256];
    g->words = kb_lang_open_index(path, lerr, sizeof lerr);
    if (!g->words) {
      snprintf(err, nerr, "reading the place words: %s", lerr);
      kb_geo_free(g);
      return NULL;
    }
    S_spell_words(g);
  }
  return g;
}

void kb_geo_free(kb_geo *g) {
  if (!g) return;
  for (int i = 0; i < g->nnames; i++) free(g->names[i].key);
  for (int i = 0; i < g->nplaces; i++) {
    free(g->places[i].name);
    free(g->places[i].lang);
  }
  for (int i = 0; i < g->nstrings; i++) free(g->strings[i]);
  for (int i = 0; g->pkey && i < g->nstores; i++) free(g->pkey[i]);
  free(g->pkey);
  free(g->names);
  free(g->prefixes);
  free(g->places);
  free(g->stores);
  free(g->strings);
  kb_lang_free(g->words);
  for (int i = 0; i < g->nstreets; i++) free(g->streets[i].key);
  free(g->streets);
  for (int i = 0; i < g->nabbr; i++) {
    kb_lang_free(g->abbr[i].words);
    for (int j = 0; j < g->abbr[i].n; j++) {
      free(g->abbr[i].shortk[j]);
      free(g->abbr[i].longk[j]);
    }
    free(g->abbr[i].shortk);
    free(g->abbr[i].longk);
    free(g->abbr[i].suffix);
    for (int j = 0; j < g->abbr[i].nletters; j++) {
      free(g->abbr[i].letter[j]);
      free(g->abbr[i].letters[j]);
    }
    free(g->abbr[i].letter);
    free(g->abbr[i].letters);
    free(g->abbr[i].lang);
  }
  free(g->abbr);
  free(g->deflang);
  kb_vocab_free(g->spell);
  free(g);
}

int kb_geo_store_count(const kb_geo *g) { return g->nstores; }

const kb_geo_store *kb_geo_store_at(const kb_geo *g, int i) {
  return (i >= 0 && i < g->nstores) ? &g->stores[i] : NULL;
}

/*--- Matching ------------------------------------------------------------*/

/* 1 if the entry belongs to the site of language lang (NULL: any). */
static int S_in_lang(const kb_geo *g, const S_name *nm, const char *lang) {
  if (!lang) return 1;
  if (nm->store >= 0) return !strcmp(g->stores[nm->store].lang, lang);
  const char *pl = g->places[nm->place].lang;
  return !*pl || !strcmp(pl, lang);
}

/* First entry with this key usable for collection and language, or NULL. */
static const S_name *S_find_in(const kb_geo *g, const char *key, const char *coll, const char *lang) {
  const S_prefix *e = S_prefix_of(g, key, strlen(key));
  if (!e || e->whole < 0) return NULL;
  for (int i = e->whole; i < g->nnames && strcmp(g->names[i].key, key) == 0; i++) {
    const S_name *nm = &g->names[i];
    if (nm->store >= 0 && coll && strcmp(g->stores[nm->store].collection, coll) != 0) continue;
    if (!S_in_lang(g, nm, lang)) continue;
    return nm;
  }
  return NULL;
}

static int S_is_common(const kb_geo *g, const char *key) {
  return kb_lang_place(g->words, key, (int)strlen(key)) & KB_PLACE_COMMON;
}

static int S_is_prep(const kb_geo *g, const char *w) {
  return kb_lang_place(g->words, w, (int)strlen(w)) & KB_PLACE_PREP;
}

static void S_fill(const kb_geo *g, const S_name *nm, kb_geo_match *m) {
  memset(m, 0, sizeof *m);
  if (nm->store >= 0) {
    const kb_geo_store *s = &g->stores[nm->store];
    m->store = s;
    m->name = s->town;
    m->lat = s->lat;
    m->lon = s->lon;
    m->lang = s->lang;
  } else {
    const S_place *p = &g->places[nm->place];
    m->name = p->name;
    m->lat = p->lat;
    m->lon = p->lon;
    m->lang = p->lang;
  }
  m->has_coords = 1;
}

/* A place entry for the same name as a store's town, if any store of the
 * collection is in that town (so "Leeds" from places.tsv becomes the store). */
static const S_name *S_prefer_store(const kb_geo *g, const S_name *nm, const char *coll, const char *lang) {
  if (nm->store >= 0) return nm;
  const S_place *p = &g->places[nm->place];
  char *k = S_key(p->name);
  const S_name *st = k ? S_find_in(g, k, coll, lang) : NULL;
  free(k);
  return (st && st->store >= 0) ? st : nm;
}

/* A store whose postcode is the words w[i..i+len) as a whole ("TS1 1RA")
 * or, after a preposition, its district ("near TS1"); NULL if none. A
 * district alone could be anything with a letter and a digit (an M1 chip,
 * an S23), so it needs the preposition. */
/* 1 if folded word f may be a postcode's district (S_postcode()): four
 * bytes at most, letters and digits. Asked once a word, for both of
 * S_find_tokens()' passes. */
static int S_district_like(const char *f) {
  int letters = 0, digits = 0, n = 0;
  /* (a district is four bytes at most: longer words end the count there,
   * and most words are) */
  for (const char *p = f; *p && n <= 4; p++, n++) {
    letters += *p >= 'a' && *p <= 'z';
    digits += *p >= '0' && *p <= '9';
  }
  return letters && digits && n <= 4;
}

static const kb_geo_store *S_postcode(const kb_geo *g, const kb_token *const *w, int nw, int i,
                                      const char *collection, const char *lang, int *len) {
  const char *f = w[i]->fold;
  int prep = i > 0 && S_is_prep(g, w[i - 1]->fold);
  size_t fl = strlen(f);
  for (int k = 0; k < g->nstores; k++) {
    const char *pk = g->pkey[k];
    /* (most stores' postcodes start otherwise: told by the first byte
     * before the names are compared) */
    if (!pk || (fl && pk[0] != f[0])) continue;
    const kb_geo_store *s = &g->stores[k];
    if (collection && strcmp(s->collection, collection)) continue;
    if (lang && strcmp(s->lang, lang)) continue;
    int hit = 0;
    if (!strncmp(pk, f, fl) && pk[fl] == ' ' && i + 1 < nw && !strcmp(pk + fl + 1, w[i + 1]->fold))
      hit = 2;
    else if (prep && !strncmp(pk, f, fl) && (pk[fl] == ' ' || !pk[fl]))
      hit = 1;
    if (hit) {
      *len = hit;
      return s;
    }
  }
  return NULL;
}

/* The words w[i..) joined by single spaces into key (up to len words);
 * end[j] is where the first j words end. */
static void S_join(const kb_token *const *w, int i, int len, char *key, size_t *end) {
  end[0] = 0;
  for (int j = 0; j < len; j++) {
    size_t kl = end[j], wl = strlen(w[i + j]->fold);
    if (j) key[kl++] = ' ';
    memcpy(key + kl, w[i + j]->fold, wl);
    end[j + 1] = kl + wl;
  }
}

/* For each word i, most[i]: how many words from it some name starts with
 * (a name of len words starts with its first len - 1 words, so none is
 * longer), and bit len - 1 of named[i] set when those len words are a
 * whole name (the only ones S_find_in() can find: most words are only
 * the start of a name's bytes, "i" of Ilford, and were joined, hashed
 * and looked up again in each pass). Most words start no name, and are
 * looked up once. The same for every site, so computed once for both
 * passes of kb_geo_find_tokens_lang(). */
static void S_most(const kb_geo *g, const kb_token *const *w, int nw, int *most,
                   unsigned char *named) {
  for (int i = 0; i < nw; i++) {
    char key[S_MAX_NAME_WORDS * (KB_TOKEN_FOLD_MAX + 1)];
    size_t end[S_MAX_NAME_WORDS + 1];
    most[i] = 0;
    named[i] = 0;
    end[0] = 0;
    uint32_t h = 0; /* kb_hash() of key[0..end[j]): the words' own, and
                       each joined one hashed onto it (kb_hash_more()) */
    for (int j = 0; j < S_MAX_NAME_WORDS && i + j < nw; j++) {
      const kb_token *x = w[i + j];
      size_t kl = end[j], wl = (size_t)x->nfold;
      /* the first word looked up as it is, copied only when a second is
       * joined to it (most words start no name) */
      if (j == 1) memcpy(key, w[i]->fold, end[1]);
      if (j) {
        key[kl++] = ' ';
        memcpy(key + kl, x->fold, wl);
      }
      end[j + 1] = kl + wl;
      h = j ? kb_hash_more(kb_hash_more(h, " ", 1), x->fold, wl)
            : x->hash ? x->hash : kb_hash(x->fold, wl);
      /* (a word folded to nothing starts every name and is none) */
      const S_prefix *e = end[j + 1] ? S_prefix_of_h(g, j ? key : x->fold, end[j + 1], h) : NULL;
      if (!e && end[j + 1]) break;
      most[i] = j + 1;
      if (e && e->whole >= 0) named[i] |= (unsigned char)(1u << j);
    }
  }
}

/* 1 if word i of w comes after a store word of ctx with a stop word (and
 * perhaps more, and street types) between them: "la tienda de [la plaza
 * de] Recogidas", where a store's street is named by its own name. */
static int S_after_store(const kb_lang *ctx, const kb_token *const *w, int i) {
  if (!ctx) return 0;
  int stops = 0;
  for (int j = i - 1; j >= 0 && j >= i - 5; j--) {
    int kinds = kb_lang_place(ctx, w[j]->fold, w[j]->nfold);
    if (kinds & KB_PLACE_STORE) return stops > 0;
    if (kb_lang_is_stop(ctx, w[j]->fold, w[j]->nfold)) stops++;
    else if (!(kinds & KB_PLACE_STREET)) return 0;
  }
  return 0;
}

/* The first place of the site of lang (NULL: any) the words name; most
 * and named from S_most(), district[i] S_district_like() of word i,
 * elided[i] 1 when word i followed an elided article (a preposition
 * before it; elided NULL: none); a one-word name that is a stop word of
 * stop (NULL: none) names nothing. ctx NULL: the places, not a street's
 * own name; ctx given (the mention's language's words): only a street's
 * own name, after a store word of ctx (kb_geo_find_street()). */
static int S_find_tokens(const kb_geo *g, const kb_token *const *w, int nw, const int *most,
                         const unsigned char *named, const unsigned char *district,
                         const unsigned char *elided,
                         const char *collection, const char *lang, const kb_lang *stop,
                         const kb_lang *ctx, kb_geo_match *m) {
  for (int i = 0; i < nw; i++) {
    char key[S_MAX_NAME_WORDS * (KB_TOKEN_FOLD_MAX + 1)];
    size_t end[S_MAX_NAME_WORDS + 1];
    if (named[i]) S_join(w, i, most[i], key, end);
    for (int len = most[i]; len >= 1; len--) {
      if (!(named[i] >> (len - 1) & 1)) continue; /* no name is these words */
      key[end[len]] = 0;
      const S_name *nm = S_find_in(g, key, collection, lang);
      if (!nm) continue;
      if (nm->street != (ctx != NULL) || (ctx && !S_after_store(ctx, w, i))) continue;
      if (len == 1 && S_is_common(g, key) && !w[i]->upper && !(elided && elided[i]) &&
          !(i > 0 && S_is_prep(g, w[i - 1]->fold)))
        continue;
      if (len == 1 && stop && kb_lang_is_stop(stop, key, (int)end[1])) continue;
      S_fill(g, S_prefer_store(g, nm, collection, lang), m);
      m->start = (size_t)w[i]->start;
      m->end = (size_t)w[i + len - 1]->end;
      m->common = len == 1 && S_is_common(g, key);
      return 1;
    }
    int len = 0;
    const kb_geo_store *s = district[i] && !ctx ? S_postcode(g, w, nw, i, collection, lang, &len) : NULL;
    if (s) {
      memset(m, 0, sizeof *m);
      m->store = s;
      m->name = s->town;
      m->lat = s->lat;
      m->lon = s->lon;
      m->lang = s->lang;
      m->has_coords = 1;
      m->start = (size_t)w[i]->start;
      m->end = (size_t)w[i + len - 1]->end;
      return 1;
    }
  }
  return 0;
}

/* x read without what comes before its apostrophe, into c: "darles"
 * (from "d'Arles") as "arles". Returns c. */
static const kb_token *S_cut_elided(const kb_token *x, kb_token *c) {
  *c = *x;
  memcpy(c->fold, x->fold + x->apos, (size_t)(x->nfold - x->apos) + 1);
  c->nfold = x->nfold - x->apos;
  c->apos = 0;
  c->hash = 0;
  c->upper = 0;
  return c;
}

int kb_geo_find_tokens(const kb_geo *g, const kb_token *t, int nt, const char *collection,
                       kb_geo_match *m) {
  return kb_geo_find_tokens_lang(g, t, nt, collection, NULL, NULL, m);
}

/* The first place the words w[0..nw) name, of the mention's own country
 * first: "auch" (also) in a German tweet is not the French town of Auch
 * when it names Nürnberg; then any country's (a French customer asking
 * about London). elided: S_find_tokens()'s, or NULL (none). */
static int S_find_words(const kb_geo *g, const kb_token *const *w, int nw,
                        const unsigned char *elided, const char *collection, const char *lang,
                        const kb_lang *words, kb_geo_match *m) {
  int most[S_MAX_WORDS];
  unsigned char district[S_MAX_WORDS], named[S_MAX_WORDS];
  S_most(g, w, nw, most, named);
  /* (a district is four bytes at most: most words are longer, told by
   * their length) */
  for (int i = 0; i < nw; i++)
    district[i] = (unsigned char)(w[i]->nfold <= 4 && S_district_like(w[i]->fold));
  if (lang && S_find_tokens(g, w, nw, most, named, district, elided, collection, lang, NULL, NULL,
                            m))
    return 1;
  /* another country's place is not one of the mention's everyday words
   * (its own country's, found above, may be: "Essen") */
  return S_find_tokens(g, w, nw, most, named, district, elided, collection, NULL,
                       lang ? words : NULL, NULL, m);
}

int kb_geo_find_tokens_lang(const kb_geo *g, const kb_token *t, int nt, const char *collection,
                            const char *lang, const kb_lang *words, kb_geo_match *m) {
  if (!g->nnames) return 0; /* no stores or places: nothing to find */
  /* the words (emoji are not part of a name), the first S_MAX_WORDS */
  const kb_token *w[S_MAX_WORDS];
  w[0] = NULL; /* (read below nw only; gcc cannot tell when nw is 0) */
  int nw = 0, nelided = 0;
  for (int i = 0; i < nt && nw < S_MAX_WORDS; i++) {
    if (t[i].kind == KB_TOKEN_EMOJI) continue;
    nelided += words && t[i].apos > 0 && t[i].apos < t[i].nfold &&
               kb_lang_is_elision(words, t[i].fold, t[i].apos);
    w[nw++] = &t[i];
  }
  if (S_find_words(g, w, nw, NULL, collection, lang, words, m)) return 1;
  if (!nelided) return 0;
  /* none: then the words after an elided article of the mention's
   * language ("d'Arles", one token "darles") read without it, as the
   * search reads them (elisions.txt), the article standing for the
   * preposition before them. Only then: "rue d'Orléans" and
   * "Villeneuve-d'Ascq" are names as written. */
  unsigned char elided[S_MAX_WORDS];
  kb_token cut[S_MAX_CUT];
  int ncut = 0;
  for (int i = 0; i < nw; i++) {
    elided[i] = 0;
    if (ncut < S_MAX_CUT && w[i]->apos > 0 && w[i]->apos < w[i]->nfold &&
        kb_lang_is_elision(words, w[i]->fold, w[i]->apos)) {
      w[i] = S_cut_elided(w[i], &cut[ncut++]);
      elided[i] = 1;
    }
  }
  return S_find_words(g, w, nw, elided, collection, lang, words, m);
}

int kb_geo_find_street(const kb_geo *g, const kb_token *t, int nt, const char *collection,
                       const char *lang, const kb_lang *words, kb_geo_match *m) {
  if (!g->nnames || !lang || !words) return 0;
  const kb_token *w[S_MAX_WORDS];
  w[0] = NULL; /* (read below nw only; gcc cannot tell when nw is 0) */
  int nw = 0;
  for (int i = 0; i < nt && nw < S_MAX_WORDS; i++)
    if (t[i].kind != KB_TOKEN_EMOJI) w[nw++] = &t[i];
  int most[S_MAX_WORDS];
  unsigned char district[S_MAX_WORDS], named[S_MAX_WORDS];
  S_most(g, w, nw, most, named);
  memset(district, 0, (size_t)nw); /* (no postcode: S_find_tokens() reads none with ctx) */
  return S_find_tokens(g, w, nw, most, named, district, NULL, collection, lang, NULL, words, m);
}

/* 1 if x is a preposition before a place in the word lists words (their
 * places.txt, kind prep). */
static int S_is_prep_of(const kb_lang *words, const kb_token *x) {
  return words && x->kind == KB_TOKEN_WORD && (kb_lang_place(words, x->fold, x->nfold) & KB_PLACE_PREP);
}

int kb_geo_find_misspelt(const kb_geo *g, const kb_token *t, int nt, const char *collection,
                         const char *lang, const kb_lang *words,
                         int (*known)(void *arg, const char *word), void *arg, kb_geo_match *m) {
  if (!g->nnames || !g->spell || !lang) return 0;
  const kb_token *w[S_MAX_WORDS];
  w[0] = NULL; /* (read below nw only; gcc cannot tell when nw is 0) */
  kb_token fixed[S_MAX_CUT];
  unsigned char spelt[S_MAX_WORDS]; /* word i is one read as corrected */
  int nw = 0, nfixed = 0;
  for (int i = 0; i < nt && nw < S_MAX_WORDS; i++) {
    if (t[i].kind == KB_TOKEN_EMOJI) continue;
    const kb_token *x = &t[i];
    spelt[nw] = 0;
    w[nw++] = x;
    /* a word of letters after a preposition ("in", "en", "nach": the
     * language's places.txt), perhaps and a short word ("en la vagada"),
     * that the mention's language does not have, read as the name's word
     * it is one edit from (a word the articles lack is often an everyday
     * one: "network" is two edits from Newark, "Herren" one from Herne) */
    /* (the word's own tests first: most words are short, and the
     * prepositions' look-ups were most of this function's cost) */
    if (nfixed == S_MAX_CUT || x->kind != KB_TOKEN_WORD || x->quoted || x->nfold < S_MIN_SPELT ||
        !S_letters(x->fold, (size_t)x->nfold))
      continue;
    int prep = (nw >= 2 && S_is_prep_of(words, w[nw - 2])) ||
               (nw >= 3 && w[nw - 2]->nfold <= 3 && S_is_prep_of(words, w[nw - 3]));
    if (!prep || (words && kb_lang_is_stop(words, x->fold, x->nfold)) || (known && known(arg, x->fold)))
      continue;
    const char *fix = kb_vocab_correct_word_within(g->spell, x->fold, 1);
    if (!fix || !strcmp(fix, x->fold) || strlen(fix) >= sizeof fixed->fold) continue;
    kb_token *c = &fixed[nfixed++];
    *c = *x;
    c->nfold = (int)strlen(fix);
    memcpy(c->fold, fix, (size_t)c->nfold + 1);
    c->hash = 0;
    w[nw - 1] = c;
    spelt[nw - 1] = 1;
  }
  if (!nfixed) return 0;
  int most[S_MAX_WORDS];
  unsigned char district[S_MAX_WORDS], named[S_MAX_WORDS];
  S_most(g, w, nw, most, named);
  memset(district, 0, (size_t)nw); /* (postcodes were read as written) */
  /* the mention's own country only: a misspelling is read as one of the
   * places its customers write about, not as any country's */
  if (!S_find_tokens(g, w, nw, most, named, district, NULL, collection, lang, NULL, NULL, m))
    return 0;
  /* the name found is one a corrected word is part of; a place with no
   * store only when that word is written as a name, with a capital
   * ("Talabera de la Reina"): a lowercase word one edit from a town is as
   * often an everyday word the training lines lack ("to borrow" is not
   * Barrow), and a store's town or street is what a customer most often
   * means */
  int read = 0, lower = 0;
  for (int i = 0; i < nw; i++) {
    if (!spelt[i] || (size_t)w[i]->start < m->start || (size_t)w[i]->end > m->end) continue;
    read = 1;
    lower |= !w[i]->upper;
  }
  if (!m->store && lower) return 0;
  int own = m->lang && (*m->lang ? !strcmp(m->lang, lang) : g->deflang && !strcmp(g->deflang, lang));
  return read && own;
}

int kb_geo_find(const kb_geo *g, const char *text, size_t n, const char *collection,
                kb_geo_match *m) {
  if (!g->nnames) return 0;
  int nt;
  kb_token *t = kb_tokens_split(text, n, &nt);
  int found = kb_geo_find_tokens(g, t, nt, collection, m);
  free(t);
  return found;
}

int kb_geo_lookup(const kb_geo *g, const char *q, const char *collection,
                  kb_geo_match *m) {
  return kb_geo_lookup_lang(g, q, collection, NULL, m);
}

int kb_geo_lookup_lang(const kb_geo *g, const char *q, const char *collection, const char *lang,
                       kb_geo_match *m) {
  char *k = S_key(q);
  if (!k) return 0;
  const S_name *nm = S_find_in(g, k, collection, lang);
  if (!nm) {
    /* a postcode district or full postcode: match a store's postcode area */
    size_t kl = strlen(k);
    for (int i = 0; i < g->nstores; i++) {
      const char *pk = g->pkey[i];
      int hit = pk && kl >= 2 && strncmp(pk, k, kl) == 0 && (pk[kl] == ' ' || pk[kl] == 0);
      if (hit && (!collection || !strcmp(g->stores[i].collection, collection)) &&
          (!lang || !strcmp(g->stores[i].lang, lang))) {
        free(k);
        memset(m, 0, sizeof *m);
        m->store = &g->stores[i];
        m->name = g->stores[i].town;
        m->lat = g->stores[i].lat;
        m->lon = g->stores[i].lon;
        m->lang = g->stores[i].lang;
        m->has_coords = 1;
        return 1;
      }
    }
    free(k);
    return 0;
  }
  free(k);
  S_fill(g, S_prefer_store(g, nm, collection, lang), m);
  return 1;
}

double kb_geo_km(double lat1, double lon1, double lat2, double lon2) {
  const double r = 6371.0, rad = M_PI / 180.0;
  double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
  double a = sin(dlat / 2) * sin(dlat / 2) +
             cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
  return 2 * r * asin(sqrt(a < 1 ? a : 1));
}

int kb_geo_nearest(const kb_geo *g, double lat, double lon,
                   const char *collection, int k, const kb_geo_store **out,
                   double *km) {
  return kb_geo_nearest_lang(g, lat, lon, collection, NULL, k, out, km);
}

int kb_geo_nearest_lang(const kb_geo *g, double lat, double lon, const char *collection,
                        const char *lang, int k, const kb_geo_store **out, double *km) {
  int n = 0;
  for (int i = 0; i < g->nstores; i++) {
    const kb_geo_store *s = &g->stores[i];
    if (collection && strcmp(s->collection, collection)) continue;
    if (lang && strcmp(s->lang, lang)) continue;
    double d = kb_geo_km(lat, lon, s->lat, s->lon);
    int pos = n < k ? n : k;
    while (pos > 0 && km[pos - 1] > d) pos--;
    if (pos >= k) continue;
    int last = n < k ? n : k - 1;
    for (int j = last; j > pos; j--) {
      out[j] = out[j - 1];
      km[j] = km[j - 1];
    }
    out[pos] = s;
    km[pos] = d;
    if (n < k) n++;
  }
  return n;
}
