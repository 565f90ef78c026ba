/*
 * kb_suggest.h - a customer's mention to suggested articles: the search,
 * the town it names, a confidence per suggestion, whether anything is good
 * enough to send, and the link each suggestion should carry.
 *
 * This is the whole suggest path short of HTTP and JSON, so the server
 * (kb_api.c) and the evaluation tool (tests/eval) run the same code.
 * Error convention: KB_SEARCH_* codes with a message in the caller's err.
 */
#ifndef KB_SUGGEST_H
#define KB_SUGGEST_H

#include "kb_feedback.h"
#include "kb_geo.h"
#include "kb_mention.h"
#include "kb_search.h"

typedef struct kb_suggestion {
  const kb_hit *hit;     /* the article (owned by the kb_suggest_result) */
  double confidence;     /* 0..1: how likely this is the right article */
  char *url;             /* the link to send (deep-linked when it applies) */
  char *store_url;       /* the store the mention names (its page, or the
                            store finder near the town; without a place
                            the store finder): what a reply's {store}
                            stands for (kb_reply.h) */
  int fallback;          /* in the default language: the mention's language
                            has no article that fits */
  int general;           /* one of the collection's general pages: nothing
                            matched (kb_suggest_result.general) */
} kb_suggestion;

typedef struct kb_suggest_result {
  kb_results res;        /* the ranked hits */
  kb_suggestion *s;      /* res.n suggestions, best first */
  int n;
  int answerable;        /* the first suggestion is good enough to send */
  double fits;           /* 0..1: how likely some article fits at all */
  int nothing_fits;      /* no article fits (praise, rants, other
                            products...): the abstention; when 0 and not
                            answerable, the suggestions need an agent's
                            eye */
  int offtopic;          /* an off-topic page ranked first (nothing fits) */
  int store_link;        /* a town with a store, and the best article links
                            to stores: answerable by the link alone */
  int asks;              /* the mention asks something (kb_intent.h) */
  double threshold;      /* the confidence from which its first suggestion
                            is answerable (kb_suggest_threshold() for its
                            asks, language and whether that language has
                            example mentions) */
  int has_place;         /* the mention names a place (kb_mention_place()),
                            or a store by its street's own name after a
                            store word (kb_mention_street_store(): for the
                            links and the reply only, read after the
                            ranking) */
  int names_place;       /* has_place, and not only by an everyday word
                            whose capital opens the mention or a sentence
                            ("Reading your pages...", "Bath time..."): a
                            reply's {ifplace} section is sent (kb_reply.h) */
  kb_geo_match place;
  kb_mention *mention;   /* the mention's analysis (kb_mention.h), owned */
  struct kb_examples_scores *examples; /* its nearness to the labelled
                            examples (kb_examples.h; English mentions, else
                            NULL), owned */
  struct kb_words_scores *words; /* its word model's probabilities
                            (kb_words.h; NULL where its language has no
                            examples or no model), owned */
  const char *lang;      /* the language answered in (kb_mention_lang()) */
  double lang_confidence; /* kb_mention_lang_confidence() */
  int fallback;          /* the suggestions are in the default language:
                            nothing matched in the mention's */
  int general;           /* nothing matched in any language: the suggestions
                            are the collection's general pages (its articles
                            with the shortest titles), nothing fits, no
                            confidence claimed */
  double *ltr;           /* the learned ranker's inputs of the nltr hits
                            reranked (KB_LTR_N each), then their ids
                            (int64_t): the confidence reads its hits' again,
                            not computed twice; owned (ltr_cap bytes) */
  int nltr;
  size_t ltr_cap;
} kb_suggest_result;

typedef struct kb_suggest_opts {
  const char *collection;  /* only this collection, or NULL */
  int limit;               /* 1..10 */
  const char *public_url;  /* base of links to our pages, no trailing / */
  kb_feedback *feedback;   /* what agents sent before, or NULL */
  unsigned ablate;         /* KB_ABLATE_* left out (evaluation only) */
  const char *lang;        /* the mention's language when known (a language
                              of the index); NULL: decided from its words */
  int prefix_last;         /* the text is a search box's query as typed: its
                              last word read as a prefix */
  int json_snippets;       /* the caller writes the suggestions' snippets as
                              JSON (kb_hit_put_snippet_json()): a hit whose
                              body is long enough for that has no HTML
                              snippet (kb_results_snippets_json()) */
  /* evaluation only (kb-eval --dump): shown every candidate after the
   * learned ranking, before feedback, platform and off-topic pages move
   * or drop any: r's hits and their r->n * KB_LTR_N ranker inputs */
  void (*inspect)(void *arg, const kb_results *r, const double *x);
  void *inspect_arg;
  /* evaluation only (kb-eval --leave-own-example-out): the number plus
   * one of a labelled example the mention is not compared with (its own,
   * when the mention is one: kb_examples_score()'s skip); 0, the server's:
   * every example; of the examples of example_out_lang (a language code,
   * NULL: any), so a mention read in another language leaves none out */
  int example_out;
  const char *example_out_lang;
  /* evaluation only (kb-eval --leave-own-example-out): the word model's
   * training lines (kb_words_find()'s numbers) left out of its counts,
   * words_out[0..nwords_out), for a mention read in words_out_lang (a
   * language code; NULL: none left out) */
  const int *words_out;
  int nwords_out;
  const char *words_out_lang;
} kb_suggest_opts;

/* Confidence from which a suggestion is sent as answerable (fitted with
 * the model, kb_rank_learned_threshold()), for a mention that asks
 * something (asks 1) or not (0), in the index's default language
 * (lang_other 0) or another (1), in a language with example mentions in
 * the index (no_examples 0) or without (1); a result's own is its
 * threshold. */
double kb_suggest_threshold(int asks, int lang_other, int no_examples);

/* Suggests articles for text[0..n): analysis (kb_mention.h), retrieval,
 * confidence, links. geo may be NULL. Returns KB_SEARCH_OK or a
 * KB_SEARCH_* error with a message in err (out then holds nothing). Free
 * with kb_suggest_result_free(). */
int kb_suggest(kb_index *ix, const kb_geo *geo, const char *text, size_t n,
               const kb_suggest_opts *o, kb_suggest_result *out, char *err,
               size_t nerr);
void kb_suggest_result_free(kb_suggest_result *r);

/* The public search box (GET /api/v1/search, the search page and its
 * search-as-you-type fragment): q[0..nq) read as a mention is (its words,
 * language, place, intents), its help articles found with o (collection,
 * lang, prefix_last, cut_weak as kb_index_search() reads them) and ranked
 * by the learned model as a suggest's candidates are, then the store pages
 * of the place it names after the first article, then o's page
 * [offset, offset + limit) with snippets; total counts every article ranked
 * and those stores. Pages past the first 100 articles are empty. geo may be
 * NULL (no place is read). Fills *out as kb_index_search() does (free with
 * kb_results_free()); returns KB_SEARCH_OK or a KB_SEARCH_* error with a
 * message in err. With o->fits, out->nothing_fits says whether no article
 * fits the query (a suggest's abstention for its language: the same model
 * and threshold, over the articles the search ranked; no hit counts as
 * nothing fits), else it is -1; the hits are the same either way. */
int kb_suggest_search(kb_index *ix, const kb_geo *geo, const char *q, size_t nq,
                      const kb_search_opts *o, kb_results *out, char *err, size_t nerr);

/* The link to an article: its own url, else its page on the public site
 * (public_url/help/slug, or public_url/help/collection/slug outside the
 * default collection), under /LANG when lang_prefix is given (an article
 * in another language than the site's default: /fr/help/slug). Caller
 * frees. */
char *kb_suggest_article_url(const char *public_url, const char *url,
                             const char *collection, const char *slug, const char *lang_prefix);

/* The language prefix of an article's page: its language when the index's
 * default language is another, else NULL. */
const char *kb_suggest_lang_prefix(kb_index *ix, const char *lang);

#endif
