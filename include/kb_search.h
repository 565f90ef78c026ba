/*
 * kb_search.h - reading an index: search and article lookup.
 *
 * A kb_index is one read-only SQLite connection with its prepared
 * statements and one analyzer per language. It is not thread-safe: the
 * server opens one per worker thread (they share the OS page cache).
 *
 * Error convention: KB_SEARCH_* codes (or NULL for an index not opened)
 * with a message in the caller's err buffer.
 *
 * Queries are analyzed with the same code as the articles (kb_text.h) and
 * sent to FTS5 as raw terms, OR-ed; every matching row is scored from the
 * features kb_features() computes inside FTS5 (kb_rank.h): BM25F with field
 * weights title > phrases > tags > headings > body, query coverage and
 * proximity.
 */
#ifndef KB_SEARCH_H
#define KB_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "kb_rank.h"
#include "kb_text.h"
#include "kb_token.h"
#include "kb_util.h"

/* The index file's schema version, written by the indexer
 * (indexer/kb_index_writer.c holds the schema) and checked here: bumped when
 * the schema changes incompatibly; readers refuse others. */
#define KB_INDEX_SCHEMA_VERSION 6

typedef struct kb_index kb_index;

/* Opens an index read-only. Returns NULL with a message in err when the
 * file is missing, is not an index, has another schema version, or any
 * part of it does not load (word lists, synonyms, device words,
 * collections: an index is served whole or not at all). */
kb_index *kb_index_open(const char *path, char *err, size_t nerr);

/* Opens path again for another thread, sharing what `from` (an index
 * opened from the same file) loaded into memory and never changes: the
 * vocabulary, the rows' lengths and the postings (kb_postings.h), so N
 * connections hold one copy and load it once. `from` must be closed
 * after every index opened from it. */
kb_index *kb_index_open_shared(const char *path, const kb_index *from, char *err, size_t nerr);
void kb_index_close(kb_index *ix);

/* A metadata value ("built", "articles", "languages", ...) or NULL. The
 * string is owned by ix. */
const char *kb_index_meta(const kb_index *ix, const char *key);

/* Number of articles in the index. */
int kb_index_count(const kb_index *ix);

/* Term occurrences of the index held in memory for searching
 * (kb_postings.h); 0 when every search goes through FTS5 (an index too
 * large to hold). */
long kb_index_postings(const kb_index *ix);

/* Checks that the index reads back: SQLite's quick_check and one search.
 * Returns 0, or -1 with a message in err. */
int kb_index_verify(kb_index *ix, char *err, size_t nerr);

/* Calls fn once for every help topic (type article; a topic's translations
 * share its slug), in collection and slug order, with its title in the
 * default language where it has one. Returns the number of topics. */
int kb_index_list(kb_index *ix, void (*fn)(void *ctx, const char *collection, const char *slug,
                                           const char *title),
                  void *ctx);

/* The same, one call per topic (translations share a slug), with the
 * title in language lang where the topic has it (NULL: the default
 * language). kb_index_list() is this with NULL. */
int kb_index_list_lang(kb_index *ix, const char *lang,
                       void (*fn)(void *ctx, const char *collection, const char *slug,
                                  const char *title),
                       void *ctx);

/* The analyzer of the index's default language (to analyze text the way the
 * index does). Owned by ix. */
kb_analyzer *kb_index_analyzer(kb_index *ix);
/* The analyzer of the index's language i (its stop words and stemmer), or
 * NULL for no such language. Owned by ix. */
kb_analyzer *kb_index_analyzer_of(kb_index *ix, int i);

/* The index's languages: how many, the i-th's code and word lists (NULL
 * when i is out of range), the index of a code (-1: none), and the default
 * language's index (English if the index has it, else its first). */
int kb_index_nlangs(const kb_index *ix);
const char *kb_index_lang_code(const kb_index *ix, int i);
const kb_lang *kb_index_lang_words(const kb_index *ix, int i);
int kb_index_lang_find(const kb_index *ix, const char *code);
/* 1 if language i's articles have word (folded, as written) among their
 * words as written (kb_vocab_knows_word()); 0 when not, or i is out of
 * range. */
int kb_index_knows_word(const kb_index *ix, int i, const char *word);
int kb_index_default_lang(const kb_index *ix);
/* The default language's code ("en"), owned by the index; NULL only for
 * an index of no language. */
const char *kb_index_default_code(const kb_index *ix);

/* The labelled example mentions of language `lang` (a code; kb_examples.h),
 * or NULL when it has none. lang NULL: those of the language that has the
 * most (ties: the lower code). Owned by the index (or the one it was
 * opened from). */
struct kb_examples;
const struct kb_examples *kb_index_examples(const kb_index *ix, const char *lang);

/* The word model of language `lang` (a code; kb_words.h), or NULL when
 * it has no training lines (or lang is NULL). Owned by the index (or the
 * one it was opened from). */
struct kb_words;
const struct kb_words *kb_index_words(const kb_index *ix, const char *lang);

/* The word lists of the index's default language (kb_lang.h), or NULL.
 * Owned by ix. */
const kb_lang *kb_index_lang(const kb_index *ix);

/* The phone platform ("ios", "android") a mention's words t[0..n) name
 * through the index's device words (devices.tsv), or NULL when they name
 * none or both. The string is owned by ix. */
const char *kb_index_platform(const kb_index *ix, const kb_token *t, int n);

/* The collection named name[0..n) (case-insensitive), or NULL: what a
 * mention addressed to @name searches. The string is owned by ix. */
const char *kb_index_collection(const kb_index *ix, const char *name, size_t n);

/* Whether @name[0..n) is one of ours: a collection's name, or beginning
 * with the site's brand or one of its Twitter handles (site.yaml's brand
 * and twitter: "PhoneRetailerHelp" begins with "PhoneRetailer"). 1 as
 * well when the index has no site content (nothing to tell them apart). */
int kb_index_handle_ours(const kb_index *ix, const char *name, size_t n);

/* One search result. Strings are owned by the kb_results. */
typedef struct kb_hit {
  int64_t id;
  double score;         /* the ranking score (kb_rank.h: fields weighted like
                           BM25, then fused and ranked), higher is better */
  const char *collection, *slug, *title, *url, *reply, *escalate, *type, *lang;
  const char *deeplink; /* "store" or NULL (kb_article.h) */
  const char *platform; /* "ios", "android" or NULL (kb_article.h) */
  const char *snippet;  /* HTML-safe text with <mark>matched</mark> words */
  const char *summary;  /* the article's first paragraph, plain text */
  double feat[KB_RANK_NFEAT]; /* ranking features (kb_rank.h) */
  struct {
    int lang, start, terms;
    unsigned mask;
    const kb_rank_body *body; /* when not NULL, start, terms and mask are
                             still to be chosen from these body matches
                             (nbody words' of them, in the kb_results'
                             body, their positions pointing into the
                             index's postings or the kb_results' mem:
                             kb_results_snippets() with the index the
                             results came from) */
    int nbody;
    unsigned char meta; /* url, reply, escalate and summary are still to
                           be copied (a search with snippets_later) */
    unsigned char json; /* the snippet was cut for this window from the
                           body of row id in language lang, long enough to
                           be cut again for JSON (kb_hit_put_snippet_json()) */
  } cut;                /* where its snippet is (kb_results_snippets()) */
} kb_hit;

typedef struct kb_results {
  kb_hit *hits;
  int n;
  int total;           /* matching articles (for pagination) */
  int skipped;         /* of them, those never ranked whole: the bound of
                          their score kept them off the page (kb_rank.h's
                          kb_rank_row_part()) */
  int nterms;          /* terms the query was analyzed into */
  const char *corrected; /* the query with misspelt words corrected, or NULL */
  void *mem;           /* owns the strings */
  kb_rank_body *body;  /* the hits' cut.body point into it (snippets cut
                          later), or NULL; capbody bytes, kept by the
                          thread for its next search when freed */
  size_t capbody;
  int caphits;         /* hits allocated, when known (0: not): the array is
                          then kept by the thread for its next search */
  int nothing_fits;    /* kb_suggest_search() asked with fits: 1 when no
                          article fits the query (a suggest's abstention,
                          kb_suggest_result.nothing_fits; no hit counts as
                          nothing fits), else 0; -1 when not asked. Other
                          searches leave it 0: read it only when asked */
} kb_results;

/* fn(ix, h), memoized for h's row while ix is open: fn must compute its
 * value from the row's own metadata (title, slug, lang...) and nothing
 * else (the learned ranker's article intents, kb_suggest.c). A hit without
 * a row id gets fn(ix, h) each time. */
int kb_index_hit_memo(kb_index *ix, const kb_hit *h, int (*fn)(kb_index *ix, const kb_hit *h));

/* fn(ix, id, ctx), a text made for row id, memoized with the row while ix
 * is open, as kb_index_hit_memo() keeps a number: fn must depend on the
 * index and the row alone (ctx only carries what the caller already read
 * of the row), and returns a string the memo then owns, or NULL (nothing
 * kept: asked again next time). Returns the text, owned by ix and valid
 * until the next call on ix, or NULL (no such row, or fn gave NULL). A
 * row keeps a text for each of three functions (a fourth takes the last
 * one's place): an article page's related articles (a search of its
 * title: half the page's cost, kb_web.c), a results page's link and
 * title (kb_web.c) and the API's JSON of the row (kb_api.c). */
const char *kb_index_row_text(kb_index *ix, int64_t id,
                              char *(*fn)(kb_index *ix, int64_t id, void *ctx), void *ctx);

/* The intents (KB_INTENT_* bits, kb_lang.h) the article of row id names in
 * its front matter (intent: location), or -1 when it names none (or on a
 * database error): the ranking then reads them from its title. */
int kb_index_article_intents(kb_index *ix, int64_t id);

/* Kinds of articles (front matter "type"). */
#define KB_KIND_ARTICLE 0x01  /* help articles */
#define KB_KIND_STORE 0x02    /* store pages */
#define KB_KIND_OFFTOPIC 0x04 /* what we do not answer: praise, chit-chat, spam */

/* Every field that can change a search's results is part of the search
 * cache's key (src/core/kb_qcache.c's S_key()): a field added here must be
 * added there (a size check there fails to compile until it is). */
typedef struct kb_search_opts {
  const char *collection; /* only this collection, or NULL for all */
  const char *lang;       /* only articles in this language (its full-text
                             table), or NULL for every language */
  int kinds;              /* KB_KIND_* of articles to search; 0: articles
                             and stores */
  int limit;              /* at most this many hits (1..100) */
  int offset;             /* skip this many (pagination) */
  int prefix_last;        /* the last word is still being typed */
  int count_total;        /* unused: total is always filled */
  int snippets_later;     /* leave the hits' snippets, url, reply,
                             escalate and summary NULL; the caller fills
                             them with kb_results_snippets() for the hits
                             it keeps (ranking reads the other fields) */
  int cut_weak;           /* list and count only the hits that cover at
                             least half as much of the query as the first
                             (the ranking's coverage: matched idf over the
                             query's): the public search, where a sentence
                             matched nearly every article by one common
                             word (#19; docs/rules/session26/rule26f.md).
                             The order is not changed */
  unsigned ablate;        /* KB_ABLATE_* techniques left out (evaluation
                             only, kb_rank.h); 0 in the server */
  int ranked;             /* the results are kb_suggest_search()'s (the
                             learned ranking), not kb_index_search()'s:
                             only a cache key (kb_qcache.h) */
  int links_only;         /* kb_suggest_search(): leave the articles'
                             url, reply, escalate and summary NULL (a
                             results page shows a hit's link, title and
                             snippet: the rows' other columns copied per
                             hit were 1.6 K instructions a fragment); the
                             store pages added after the search have them */
  int fits;               /* kb_suggest_search(): say whether any article
                             fits the query at all, as a suggest's
                             abstention does (kb_results.nothing_fits);
                             what is found and shown does not change */
  size_t omit_start, omit_end; /* kb_index_search_query(): the words of
                             text[omit_start..omit_end) are not searched
                             for (a place the link answers); equal: none */
} kb_search_opts;

#define KB_SEARCH_OK 0
#define KB_SEARCH_EUTF8 (-1)  /* the query is not valid UTF-8 */
#define KB_SEARCH_EDB (-2)    /* SQLite failed; message in err */

/* A text analyzed for searching: its terms in each language of the index
 * (the analyzer's terms, kb_text.h, with the surface form of each word and
 * the spelling correction of each word the index lacks), made once and
 * read by every search and by the feedback evidence (kb_query_strings_of()). */
typedef struct kb_query kb_query;

/* Analyzes text[0..n) for ix (prefix_last: the last word is being typed,
 * not corrected; ablate: KB_ABLATE_* left out). Returns NULL when the text
 * is not valid UTF-8. Free with kb_query_free(); ix must outlive it. */
kb_query *kb_index_analyze(kb_index *ix, const char *text, size_t n, int prefix_last,
                           unsigned ablate);
/* kb_index_analyze() in language `only` alone, or in every language of
 * the index (only < 0): for a caller that searches that one only (its
 * other languages' terms would never be read). NULL when the text is not
 * valid UTF-8; else the caller's, freed with kb_query_free() (ix must
 * outlive it). */
kb_query *kb_query_analyze_in(kb_index *ix, const char *text, size_t n, int prefix_last,
                               unsigned ablate, int only);
void kb_query_free(kb_query *q); /* NULL is allowed */

/* Sets the language q is read in (its corrections and the feedback
 * strings; an index of kb_index_lang_code()); the default language until
 * then. Out of range: unchanged. */
void kb_query_set_lang(kb_query *q, int li);

/* How many of q's words the vocabulary of language li knows (a signal of
 * the language the text is written in). */
int kb_query_known(const kb_query *q, int li);

/* The i-th spelling correction of q's words (in the index's first
 * language): 1 with the word's bytes [*start, *end) and the word as
 * corrected (owned by q), or 0 when there are no more. */
int kb_query_corrections(const kb_query *q, int i, int *start, int *end, const char **fix);

/* Searches with an analyzed query (o->omit_start/omit_end: words left
 * out; o->prefix_last as q was analyzed). Fills *out (free with
 * kb_results_free()) and returns KB_SEARCH_OK, or an error code with a
 * message in err. A query with no terms (only stop words, emoji...) gives
 * no results, not an error. */
int kb_index_search_query(kb_index *ix, const kb_query *q, const kb_search_opts *o,
                          kb_results *out, char *err, size_t nerr);

/* Analyzes q[0..nq) and searches (kb_index_analyze(), then
 * kb_index_search_query()): the public search. KB_SEARCH_EUTF8 when q is
 * not valid UTF-8. */
int kb_index_search(kb_index *ix, const char *q, size_t nq,
                    const kb_search_opts *o, kb_results *out, char *err,
                    size_t nerr);
void kb_results_free(kb_results *r);

/* Keeps the results of ix's kb_index_search() calls in a cache of at
 * most max_bytes (0, the default: none), keyed by the query's bytes and
 * every option (searches with snippets_later are not kept): a repeated
 * search gets a copy of the same results (src/core/kb_qcache.h). The
 * cache is ix's, emptied when it is closed or set again; an index never
 * changes under a handle, so an entry never goes stale. */
void kb_index_set_search_cache(kb_index *ix, size_t max_bytes);

/* The search caches' counters, summed over every index handle of the
 * process: searches answered from a cache and those searched (with a
 * cache), entries evicted to stay within a bound, and bytes held now. */
typedef struct kb_search_cache_counts {
  unsigned long hits, misses, evictions, bytes;
} kb_search_cache_counts;
void kb_search_cache_stats(kb_search_cache_counts *out);

/* Orders r's hits by score, higher first, then by id, equal ones kept in
 * their order: what qsort() with that comparison gives (glibc's is a
 * stable merge sort), without moving whole hits through it. */
void kb_results_sort(kb_results *r);

/* Puts the hits kb_results_sort() would put in r's first m places there,
 * in that order, and the others after them in no given order (all of
 * them kept): for a caller that reads the first m only (a suggest's page
 * was 3 of 30 hits, each 216 bytes moved by the whole sort). The order
 * of the hits after them does not change what a later kb_results_sort()
 * gives, when no two hits have the same score and id. */
void kb_results_sort_first(kb_results *r, int m);

/* Cuts the snippets of the first n hits of r that have none, and copies
 * their url, reply, escalate and summary (a search made with
 * snippets_later). ix must be the index that was searched. */
void kb_results_snippets(kb_index *ix, kb_results *r, int n);
/* kb_results_snippets() without the rows' shown columns: the first n
 * hits' snippets only, their url, reply, escalate and summary left NULL
 * (kb_search_opts.links_only). */
void kb_results_snippets_only(kb_index *ix, kb_results *r, int n);
/* kb_results_snippets() for a caller that writes the snippets as JSON
 * (kb_hit_put_snippet_json()): a hit whose body is long enough for that
 * (h->cut.json) is left without its HTML snippet (h->snippet NULL), which
 * it would cut again as JSON; kb_hit_put_snippet_html() cuts it when
 * asked. */
void kb_results_snippets_json(kb_index *ix, kb_results *r, int n);

/* Appends hit h's snippet to b as a JSON string literal, the bytes
 * kb_buf_put_json() writes of h->snippet, cut again from ix's JSON form
 * of the body (a snippet's marks and entities are a dozen escapes, which
 * escaping it for each reply took: 1.4 K instructions a kb/ snippet);
 * returns 1, or 0 with nothing written when h's snippet was not cut from
 * a body long enough (h->cut.json 0: the caller then escapes h->snippet,
 * and may test it first). ix must be the index that was searched. */
int kb_hit_put_snippet_json(kb_index *ix, const kb_hit *h, kb_buf *b);
/* Appends hit h's snippet as kb_results_snippets() would have cut it
 * into h->snippet (HTML, not a JSON literal): h->snippet itself, or for a
 * hit kb_results_snippets_json() left without it, cut now (nothing when
 * its body cannot be read). ix must be the index that was searched. */
void kb_hit_put_snippet_html(kb_index *ix, const kb_hit *h, kb_buf *b);

/* A query as the kb_features() ranking function takes it (kb_rank.h): the
 * MATCH expression and the group, weight and exact-form lists. */
typedef struct kb_query_strings {
  kb_buf match, groups, weights, exact;
} kb_query_strings;

/* The strings of an analyzed query q as a search reads it (its language
 * of the index, with corrections and synonyms) into out; free with
 * kb_query_strings_cleanup(). */
void kb_query_strings_of(const kb_query *q, kb_query_strings *out);

/* The first phrase of each group of q's strings, in their order (the
 * word's own term, before its alternatives: its exact form, corrections,
 * synonyms), each as fn(ctx, term, n), term valid during the call only:
 * what kb_examples.c compares mentions by, as tests/eval/exinputs.py reads
 * them from kb-eval --terms (there each phrase has the raw-term byte
 * 0x01 before it), without rendering the strings. The words of
 * text[omit_start..omit_end) are left out, as a search leaves them out
 * (kb_search_opts; an empty span: none). */
void kb_query_first_phrases(const kb_query *q, size_t omit_start, size_t omit_end,
                            void (*fn)(void *ctx, const char *term, size_t n), void *ctx);

/* The same for text[0..n), analyzed first (tools and tests). */
void kb_index_query_strings(kb_index *ix, const char *text, size_t n, kb_query_strings *q);
void kb_query_strings_cleanup(kb_query_strings *q);

/* Appends the article collection/slug to r as a hit with no text match
 * (score 0, features 0, its summary as the snippet), if it exists and is a
 * help article, in language lang as kb_index_get_lang() chooses it.
 * Returns its index in r->hits, or -1. */
int kb_results_add_article(kb_index *ix, kb_results *r, const char *collection,
                           const char *slug, const char *lang);

/* Appends to r, as kb_results_add_article() does, the first `limit` help
 * articles of collection (NULL: "default") in language lang (NULL: the
 * index's default) by their titles, the fewest words first, then the
 * shorter title, then the slug: the collection's general pages, what a
 * suggest shows when no word of the mention is in any article (rule37b).
 * Returns how many, or -1 on a database error. */
int kb_results_add_general(kb_index *ix, kb_results *r, const char *collection, const char *lang, int limit);

/* Appends to r, as kb_results_add_article() does, every help article of
 * collection (NULL: "default") in language lang (NULL: the index's
 * default) that deep-links stores (front matter deeplink: store) and is
 * not in r yet: what a mention naming a town can be answered with even
 * when no other word of it matches (the place's words are not searched
 * for). Returns how many were added, or -1 on a database error. */
int kb_results_add_deeplinked(kb_index *ix, kb_results *r, const char *collection, const char *lang);

/* Appends store page slug of collection (NULL: "default") in language lang
 * (NULL: the index's default) to r, as kb_results_add_article() appends an
 * article. Returns its index in r, or -1 when there is no such store. */
int kb_results_add_store(kb_index *ix, kb_results *r, const char *collection, const char *slug,
                         const char *lang);

/* A whole article, for the article API and pages. Strings owned by the
 * kb_doc; free with kb_doc_free(). */
typedef struct kb_doc {
  int64_t id;
  char *collection, *slug, *lang, *type, *title, *url, *reply, *escalate;
  char *deeplink;
  char *tags;      /* JSON array */
  char *phrases;   /* JSON array */
  char *summary, *html, *source;
  char *store;     /* JSON object of the store details, or NULL */
} kb_doc;

/* Looks an article up; collection NULL means "default". Returns 1 and
 * fills *d when found, 0 when not, -1 on a database error. */
int kb_index_get(kb_index *ix, const char *collection, const char *slug,
                 kb_doc *d);
/* The same, in language lang where the topic has a translation in it
 * (articles in several languages share their slug), else in the index's
 * default language, else any; lang NULL: the default language. */
int kb_index_get_lang(kb_index *ix, const char *collection, const char *slug, const char *lang,
                      kb_doc *d);
void kb_doc_free(kb_doc *d);

/* 1 if the topic collection/slug (collection NULL: "default") has an
 * article in language lang, 0 if not, -1 on a database error: what an
 * article page's language links need, without reading the articles
 * (reading each translation whole was a third of an article page). */
int kb_index_has_lang(kb_index *ix, const char *collection, const char *slug, const char *lang);

#endif
