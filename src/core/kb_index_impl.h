/*
 * kb_index_impl.h - the index reader's private structures, shared by its
 * modules: kb_index.c (opening an index, its metadata and listings),
 * kb_search.c (analysis of a query, search, fetching articles) and
 * kb_rows.c (the rows' metadata kept while the index is open). Not a
 * public header: nothing outside src/core/kb_index.c, kb_search.c and
 * kb_rows.c includes it, and include/kb_search.h stays the only interface.
 */
#ifndef KB_INDEX_IMPL_H
#define KB_INDEX_IMPL_H

#include <sqlite3.h>
#include <stdint.h>

#include "kb_lang.h"
#include "kb_postings.h"
#include "kb_rank.h"
#include "kb_rank_docs.h"
#include "kb_search.h"
#include "kb_vocab.h"

#define KB_IX_SYNFIRST_BITS 4096

/* A synonym rule, analyzed: the query words src (terms joined by single
 * spaces) may also be read as dst. */
typedef struct {
  char *src;
  int nsrc;               /* words in src */
  char *dst;
  int ndst;               /* its bytes */
  int order;              /* rules with one source apply in this order */
  int phrase;             /* dst has several terms */
  int note[KB_TERM_NOTES]; /* dst's notes when it is one term, kept as a
                             word's are (KB_QUERY_NOTE_*, kb_query.h: its
                             df and its term in the postings) by the
                             searches that add it (a cache, each -1 until
                             set): a synonym's target was looked up by its
                             string twice at every search that added it */
} kb_ix_syn;

/* The rules whose source is one word or starts with it and a space:
 * [first, end) of the sorted rules (kb_ix_lang.synword). */
typedef struct {
  uint32_t hash;          /* kb_hash() of the word; the slot is empty when end is 0 */
  int first, end;
} kb_ix_synword;

/* The ids of the articles of one collection and type: the indexer gives
 * them consecutive ids (kb_build.c), so a search restricted to them reads
 * one rowid range of the full-text table. */
typedef struct {
  char *collection;
  int kind;               /* KB_KIND_* */
  int64_t lo, hi;
} kb_ix_range;

/* A body's terms as a snippet needs them: the byte span of each position
 * (S_spans_of). Analyzing the body again for each hit was two thirds of a
 * public search and two fifths of a suggest (callgrind, docs/benchmarks.md);
 * a row's body never changes while its index is open. */
typedef struct {
  int64_t id;             /* 0: empty slot */
  char *body;
  int (*span)[2];         /* [position] = {start, end} in body */
  int n;
  int nhtml;              /* html's bytes */
  char *html;             /* body as a snippet shows it, escaped byte by
                             byte (kb_snip.c's S_escs[]), made with it */
  int (*hspan)[2];        /* [position] = span's {start, end} in html */
  char *json;             /* html as a JSON string's text shows it
                             (kb_buf_put_json()'s, without the quotes),
                             made at its first use, or NULL */
  int (*jspan)[2];        /* [position] = span's {start, end} in json */
  int lead, jlead;        /* the body's leading white space: its bytes,
                             and their end's place in json */
} kb_ix_body;
/* Slots per language, direct-mapped by row id: the indexer numbers rows
 * consecutively, so a table of up to this many rows never evicts, and a
 * larger one keeps the memory bounded. */
#define KB_IX_SNIP_SLOTS 1024

/* A row's metadata as a hit shows it (S_fill_hit), and one value computed
 * from it (kb_index_hit_memo): looking them up for every candidate of a
 * suggest was a fifth of its time, and a row never changes while its index
 * is open. */
#define KB_IX_META_COLS 11
#define KB_IX_ROW_TEXTS 3
typedef struct {
  int64_t id;             /* 0: empty slot */
  char *col[KB_IX_META_COLS]; /* NULL where the column is NULL, else in blk */
  char *blk;              /* the columns one after another, each with its
                             NUL, in S_meta_order (kb_search.c): a hit
                             copies them in one or two pieces */
  size_t nblk;
  size_t nrank;           /* bytes of blk holding the columns ranking reads */
  int (*memo_fn)(kb_index *, const kb_hit *); /* what memo holds, or NULL */
  int memo;
  char *(*text_fn[KB_IX_ROW_TEXTS])(kb_index *, int64_t, void *); /* what text
                             holds, or NULL */
  char *text[KB_IX_ROW_TEXTS]; /* kb_index_row_text()'s memos, one per fn
                             (an article page's related articles, a
                             results page's link and title, the API's
                             JSON of the row: kb_web.c, kb_api.c) */
} kb_ix_row;
#define KB_IX_ROW_SLOTS 4096  /* direct-mapped by row id, as KB_IX_SNIP_SLOTS */

/* The topics of the index in one language, as kb_index_list_lang() gives
 * them: an SQL GROUP BY over every article, run by each public page that
 * lists topics (a tenth of a search as you type that found nothing), and
 * the same while the index is open. */
typedef struct {
  char *lang;
  int n;
  char **coll, **slug, **title; /* [n] */
} kb_ix_topics;

/* The help articles of one collection and language that deep-link stores,
 * as kb_results_add_deeplinked() lists them (slugs by id): a scan of the
 * articles table, which was a ninth of a suggest on kb/ naming a place
 * (callgrind, docs/benchmarks.md), made once per index and kept. */
typedef struct {
  char *coll, *lang;
  int n;
  char **slug;                  /* [n] */
  int64_t *id;                  /* [n]: the row kb_results_add_article()
                                   finds for it (0: none), -1 until looked up */
} kb_ix_linked;

typedef struct {
  char lang[KB_LANG_CODE_MAX];
  kb_lang *words;         /* its word lists (kb_lang.h), read from the index */
  kb_analyzer *an;
  sqlite3_stmt *search;   /* matching rows with their ranking features */
  sqlite3_stmt *in_range; /* the same, rows with ids in [?4, ?5] only */
  sqlite3_stmt *body;     /* the body of one row, for its snippet */
  kb_ix_syn *syn;             /* the knowledge team's synonyms in this language */
  int nsyn;
  uint64_t synfirst[KB_IX_SYNFIRST_BITS / 64]; /* bit kb_hash(w) % BITS: some rule's
                             source starts with the word w (a filter: a
                             word without its bit has no rule; with it, may) */
  kb_ix_synword *synword; /* the rules by their first word, synmask + 1
                             slots (open addressing by hash); NULL: not
                             made, every rule searched */
  uint32_t synmask;
  kb_vocab *vocab;        /* the table's terms, for idf and corrections */
  kb_vocab *everyday;     /* words customers use: those written in two or
                             more of the language's training lines
                             (examples, labelled), for telling a misspelt
                             place from a word the articles lack
                             (kb_index_knows_word()); NULL: none */
  kb_postings *post;      /* its postings in memory; NULL: too large,
                             searched through FTS5 */
  kb_rank_norms *norms;   /* its rows' length normalisation (kb_rank_docs.h),
                             with post */
  kb_postings_memo *memo; /* post's lists of phrases and prefixes made for
                             queries (kb_postings.h), made on first use;
                             this index's own, as snip */
  kb_ix_body *snip;           /* KB_IX_SNIP_SLOTS bodies analyzed for snippets, made
                             on first use; this index's own (an index is
                             used by one thread at a time) */
} kb_ix_lang;

struct kb_index {
  sqlite3 *db;
  kb_ix_lang langs[KB_MAX_LANGS];
  int nlangs;
  int deflang;            /* the default language: English if the index
                             has it, else its first */
  kb_lang_set data;       /* the languages' word lists, for the tokenizer */
  sqlite3_stmt *get;      /* article by collection and slug */
  sqlite3_stmt *has_lang; /* whether a topic has a translation in a language */
  sqlite3_stmt *id_of;    /* the id and type of the article get would read */
  sqlite3_stmt *meta_by_id; /* a hit's metadata */
  sqlite3_stmt *begin, *commit; /* one read transaction per search */
  char *built, *languages, *schema;
  int count;
  kb_rank_docs *docs;     /* rows' lengths for kb_features() */
  int borrowed;           /* docs and each language's vocab and post
                             belong to the index this one was opened
                             from (kb_index_open_shared) */
  char **colls;           /* the collections in the index */
  int ncolls;
  char **ours;            /* the site's own names (its brand and Twitter
                             handles, from the site table): an @handle
                             that begins with one is ours */
  int nours;
  kb_ix_range *ranges;        /* ids of each collection and type, by first id */
  int nranges;
  int ranges_ok;          /* every range holds exactly its own articles */
  char **dev_term;        /* device words (sorted) and their platforms */
  char **dev_platform;
  int ndev;
  uint32_t dev_lens[256]; /* by a device word's first byte: bit n set when
                             one of n bytes starts with it (a filter: most
                             words are none, and skip the search) */
  kb_ix_row *rows;            /* KB_IX_ROW_SLOTS rows' metadata, made on first use */
  int *hit_memo;              /* kb_index_hit_memo()'s values of hit_memo_fn
                                 by row id (below nhit_memo; INT_MIN: not
                                 made yet), made on first use */
  int64_t nhit_memo;
  int (*hit_memo_fn)(kb_index *, const kb_hit *);
  kb_ix_topics *lists;        /* kb_index_list_lang()'s answers, per language
                             asked for, made on first use */
  int nlists;
  kb_ix_linked *general;      /* kb_results_add_general()'s lists (the
                             fewest title words first), per collection and
                             language asked for, made on first use */
  int ngeneral;
  kb_ix_linked *linked;       /* kb_results_add_deeplinked()'s lists, per
                             collection and language asked for, made on
                             first use */
  int nlinked;
  struct kb_qcache *qcache; /* kb_index_search()'s results, or NULL (kb_qcache.h) */
  struct kb_examples *examples[KB_MAX_LANGS]; /* each language's labelled
                             examples (kb_examples.h), by its number in
                             langs[], or NULL; borrowed like docs */
  struct kb_words *words[KB_MAX_LANGS]; /* each language's word model
                             (kb_words.h), by its number in langs[], or
                             NULL; borrowed like docs */
  kb_buf snipbuf;         /* a snippet being cut (S_snippet): one buffer
                             for every hit, not one allocated and freed
                             for each */
};

/* The rules of l whose source is the word w[0..n) (kb_hash() h) or
 * starts with it and a space, or NULL: none, or not known this way
 * (l->synword not made: search all of l->syn). Defined in kb_index.c. */
const kb_ix_synword *kb_ix_synword_of(const kb_ix_lang *l, const char *w, size_t n, uint32_t h);

/* Binds an article's address to st, a statement of ix (get, id_of) whose
 * ?1-?4 are collection (NULL: "default"), slug, the language preferred
 * (NULL: the index's default) and the default language, its fallback.
 * Defined in kb_doc.c. */
void kb_ix_bind_article(kb_index *ix, sqlite3_stmt *st, const char *collection, const char *slug,
                        const char *lang);

/* Empties the memo of each of ix's analyzers that is full
 * (kb_analyzer_memo_full()): called between the training lines read at
 * open (kb_examples.c, kb_words.c), thousands of mentions in every
 * language, whose words would otherwise fill the memos early and leave
 * the rest of them stemmed again word by word. Defined in kb_index.c. */
void kb_ix_memo_trim(kb_index *ix);

#endif
