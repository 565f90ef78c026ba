/*
 * kb_suggest.c - the suggest path, a pipeline (kb_suggest() at the end):
 *
 *   1. analysis     kb_mention_new(): words, cues, place, platform, handle,
 *                   search terms, once (kb_mention.h)
 *   2. retrieval    S_retrieve(): the search, fused with agents' feedback,
 *                   the phone's platform preferred, off-topic dropped
 *   3. confidence   S_confidence(): per suggestion, and answerable or not
 *   4. reply        S_url(): the link each suggestion carries
 *
 * Confidence comes from the ranking features (kb_rank_confidence(): how
 * much of the query the article matches in its strong fields, overall and
 * next to each other, and the margin over the other candidates) and from
 * whether the mention asks something (kb_mention_asks()). A
 * suggestion is sent as answerable from kb_suggest_threshold up, unless
 * a model of its own says nothing fits the mention at all (S_fits()).
 */
#include "kb_suggest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kb_arena.h"
#include "kb_examples.h"
#include "kb_index_impl.h"
#include "kb_qcache.h"
#include "kb_words.h"
#include "kb_intent.h"
#include "kb_ltr.h"
#include "kb_token.h"
#include "kb_util.h"

/* chosen with the model by tests/eval/fit.py (kb_rank_model.h): the
 * lowest confidence at which, under cross-validation on the tuning sets,
 * the first suggestion is right at least 95 times in 100 */
double kb_suggest_threshold(int asks, int lang_other, int no_examples) {
  return kb_rank_learned_threshold(asks, lang_other, no_examples);
}

/* Whether the mention was read in another language than the index's
 * default (kb_rank_ctx's lang_other: the models' input and the threshold's
 * group). */
static int S_lang_other(kb_index *ix, const kb_suggest_result *out) {
  const char *home = kb_index_default_code(ix);
  return out->lang && home && strcmp(out->lang, home) != 0;
}

/* Whether the mention's language has no example mentions in the index
 * (kb_rank_ctx's no_examples): its mentions are ranked and judged by the
 * base model (kb_ltr.h, "Two models"). */
static int S_no_examples(kb_index *ix, const kb_suggest_result *out) {
  return !out->lang || !kb_index_examples(ix, out->lang);
}

/* The site's base a link starts with: public_url, then /LANG for a
 * language other than the index's default. */
static void S_put_site(kb_buf *b, const char *public_url, const char *lang_prefix) {
  kb_buf_puts(b, public_url ? public_url : "(null)"); /* as "%s" printed it */
  if (lang_prefix) {
    kb_buf_putc(b, '/');
    kb_buf_puts(b, lang_prefix);
  }
}

char *kb_suggest_article_url(const char *public_url, const char *url,
                             const char *collection, const char *slug, const char *lang_prefix) {
  if (url && *url) return kb_xstrdup(url);
  /* joined in a buffer, not formatted: three links per suggest, and
   * vsnprintf twice over each was 2 % of it */
  kb_buf b = KB_BUF_INIT;
  S_put_site(&b, public_url, lang_prefix);
  kb_buf_puts(&b, "/help/");
  if (collection && strcmp(collection, "default")) {
    kb_buf_puts(&b, collection);
    kb_buf_putc(&b, '/');
  }
  kb_buf_puts(&b, slug ? slug : "(null)");
  return kb_buf_detach(&b);
}

const char *kb_suggest_lang_prefix(kb_index *ix, const char *lang) {
  const char *def = kb_index_default_code(ix);
  return lang && def && strcmp(lang, def) ? lang : NULL;
}

/* 1 if text[at..] opens the mention or a sentence of it: nothing but
 * spaces and @handles before it, back to the start or to a '.', '!' or
 * '?'. A capital there is the sentence's, not a name's. */
static int S_opens(const char *text, size_t at) {
  size_t i = at;
  for (;;) {
    while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) i--;
    if (i == 0) return 1;
    char c = text[i - 1];
    if (c == '.' || c == '!' || c == '?') return 1;
    size_t w = i; /* the word before: a handle is passed over */
    while (w > 0 && text[w - 1] != ' ' && text[w - 1] != '\t' && text[w - 1] != '\n') w--;
    if (text[w] != '@') return 0;
    i = w;
  }
}

/* The store link for hit h: the store of the place the mention names, or
 * the store finder near it; without a place the store finder. */
static char *S_store_url(kb_index *ix, const kb_suggest_opts *o, const kb_hit *h,
                         const kb_geo_match *place) {
  const char *lp = kb_suggest_lang_prefix(ix, h->lang);
  if (place && place->store)
    return kb_suggest_article_url(o->public_url, NULL, place->store->collection, place->store->slug, lp);
  /* joined, not formatted: every suggestion gets one, and kb_buf_printf()
   * into an empty buffer formats twice (2.3 K instructions a link) */
  kb_buf b = KB_BUF_INIT;
  S_put_site(&b, o->public_url, lp);
  kb_buf_puts(&b, "/stores");
  char sep = '?';
  if (place) {
    kb_buf_puts(&b, "?near=");
    char *low = kb_xstrdup(place->name);
    for (char *p = low; *p; p++)
      if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
    kb_buf_put_query(&b, low, 0);
    free(low);
    sep = '&';
  }
  if (h->collection && strcmp(h->collection, "default")) {
    kb_buf_putc(&b, sep);
    kb_buf_puts(&b, "collection=");
    kb_buf_put_query(&b, h->collection, 0);
  }
  return kb_buf_detach(&b);
}

/* The link for a suggestion: the store of the town the mention names (or
 * the store finder near it) for deep-linking articles, else the article's. */
static char *S_url(kb_index *ix, const kb_suggest_opts *o, const kb_hit *h,
                   const kb_geo_match *place) {
  if (place && h->deeplink && !strcmp(h->deeplink, "store")) return S_store_url(ix, o, h, place);
  return kb_suggest_article_url(o->public_url, h->url, h->collection, h->slug,
                                kb_suggest_lang_prefix(ix, h->lang));
}

/* A mention that names a phone (an iPhone, a Galaxy) is not answered with
 * an article for the other platform, which cannot apply to that phone:
 * those go behind everything else that matches (the learned scores span
 * a wide range, so a fixed share of the score would not be enough). */
#define S_OTHER_PLATFORM 1e-12
static void S_prefer_platform(kb_results *r, const char *platform) {
  if (!platform || r->n < 2) return;
  for (int i = 0; i < r->n; i++)
    if (r->hits[i].platform && strcmp(r->hits[i].platform, platform)) r->hits[i].score *= S_OTHER_PLATFORM;
  kb_results_sort(r);
}

/* Fusion with feedback (docs/relevance.md), tuned by 5-fold
 * cross-validation on the dev sets: the text score and the evidence are
 * each divided by their best among the candidates, the prior counts twice,
 * and the feedback's weight shrinks as the best article's authored phrases
 * fit the mention better (S_FUSE_TRUST times the phrase-match feature):
 * where the knowledge team wrote how customers ask, that stands. */
#define S_FUSE_EVIDENCE 1.0
#define S_FUSE_PRIOR 2.0
#define S_FUSE_TRUST 3.0
#define S_FUSE_POPULAR 20 /* most-sent articles added as candidates */
#define S_FUSE_MAX 40
#define S_RERANK_DEPTH 30 /* candidates the learned ranker orders */

static int S_find_hit(const kb_results *r, const char *collection, const char *slug) {
  for (int i = 0; i < r->n; i++)
    if (!strcmp(r->hits[i].slug, slug) && !strcmp(r->hits[i].collection, collection)) return i;
  return -1;
}

/* Fuses the text ranking with what agents sent before: each candidate's
 * score becomes text/best_text + w * (evidence/best_evidence + 2 prior),
 * w = max(0, 1 - 3 phrase match of the best text hit). The candidates are
 * the text hits, the articles sent for similar mentions and the
 * collection's most-sent articles. */
static void S_fuse(kb_index *ix, kb_feedback *fb, const kb_mention *m, const char *coll,
                   kb_results *r) {
  kb_evidence ev[S_FUSE_MAX + S_FUSE_POPULAR];
  kb_query_strings qs;
  kb_query_strings_of(kb_mention_query(m), &qs);
  int ne = kb_feedback_evidence(fb, &qs, coll, ev, S_FUSE_MAX);
  kb_query_strings_cleanup(&qs);
  if (ne < 0) ne = 0;
  int np = kb_feedback_popular(fb, coll, ev + ne, S_FUSE_POPULAR);
  if (np < 0) np = 0;
  if (ne + np == 0) return; /* nothing learned: the text ranking stands */
  int nh0 = r->n;
  /* how far the authored phrases already answer: feedback weighs in
   * where the authored content is weak */
  double trust = r->n ? r->hits[0].feat[KB_FEAT_PHRASE] : 0;
  double fbw = 1.0 - S_FUSE_TRUST * trust;
  if (fbw < 0) fbw = 0;
  double *evid = kb_xcalloc((size_t)(r->n + ne + np) + 1, sizeof *evid);
  double *prior = kb_xcalloc((size_t)(r->n + ne + np) + 1, sizeof *prior);
  for (int i = 0; i < ne + np; i++) {
    int at = S_find_hit(r, ev[i].collection, ev[i].slug);
    if (at < 0) at = kb_results_add_article(ix, r, ev[i].collection, ev[i].slug, kb_mention_lang(m));
    if (at < 0) continue;
    if (ev[i].match > evid[at]) evid[at] = ev[i].match;
    prior[at] = ev[i].prior;
  }
  for (int i = 0; i < nh0; i++)
    if (prior[i] == 0 && fb) prior[i] = kb_feedback_prior(fb, r->hits[i].collection, r->hits[i].slug);
  double mt = 0, me = 0;
  for (int i = 0; i < r->n; i++) {
    if (r->hits[i].score > mt) mt = r->hits[i].score;
    if (evid[i] > me) me = evid[i];
  }
  for (int i = 0; i < r->n; i++)
    r->hits[i].score = (mt > 0 ? r->hits[i].score / mt : 0) +
                       fbw * (S_FUSE_EVIDENCE * (me > 0 ? evid[i] / me : 0) + S_FUSE_PRIOR * prior[i]);
  free(evid);
  free(prior);
}

/* The intents an article answers: those its front matter names (intent:,
 * the author's word), else read from its title and slug with its
 * language's intent cues (intents.tsv): "Track my order" is a status,
 * "Store opening hours" hours. */
static int S_article_intents(kb_index *ix, const kb_hit *h) {
  int named = h->id ? kb_index_article_intents(ix, h->id) : -1;
  if (named >= 0) return named;
  const kb_lang *l = NULL;
  for (int i = 0; h->lang && i < kb_index_nlangs(ix); i++)
    if (!strcmp(kb_index_lang_code(ix, i), h->lang)) l = kb_index_lang_words(ix, i);
  if (!l) return 0;
  char *z = kb_fmt("%s. %s", h->title ? h->title : "", h->slug);
  for (char *p = z; *p; p++)
    if (*p == '-') *p = ' ';
  int nt = 0;
  kb_token *t = kb_tokens_split(z, strlen(z), &nt);
  kb_intent_cues(t, nt, l);
  int intents = kb_intent_detect(t, nt, l);
  free(t);
  free(z);
  return intents;
}

/* What the learned ranker's inputs take of mention m, the same for each
 * of its candidates (S_ltr_hit()): its phone platform (or NULL) and the
 * context's mention's part. */
typedef struct {
  const char *platform;
  kb_rank_ctx c;
} S_ltr_mention;

static S_ltr_mention S_ltr_mention_of(kb_index *ix, const kb_mention *m,
                                      const kb_suggest_result *out) {
  return (S_ltr_mention){
      .platform = kb_mention_platform(m),
      .c = {.mention_intents = kb_mention_intents(m),
            .place = out->has_place,
            .place_store = out->has_place && out->place.store != NULL,
            .other_handle = kb_mention_other_handle(m),
            .ex_none = kb_examples_none(out->examples),
            .clf_none = kb_words_none(out->words),
            .lang_other = S_lang_other(ix, out),
            .no_examples = S_no_examples(ix, out)}};
}

/* Whether hit h is an off-topic page (its type's first byte tested
 * first: a call to strcmp() for each of a suggest's 30 candidates, most
 * of them articles, was 0.7 K instructions). */
static int S_offtopic(const kb_hit *h) { return h->type[0] == 'o' && !strcmp(h->type, "offtopic"); }

/* The part of the learned ranker's context c that is hit h's own (the
 * rest, the mention's, is mm->c's: S_ltr_mention_of()), for the mention
 * mm: every field S_ltr_mention_of() leaves 0 set. */
static void S_ltr_hit_ctx(kb_index *ix, const S_ltr_mention *mm, const kb_suggest_result *out,
                          const kb_hit *h, kb_rank_ctx *c) {
  c->ex_max = out->examples ? kb_examples_max_row(out->examples, h->id, h->slug) : 0;
  c->clf = out->words ? kb_words_p_row(out->words, h->id, h->slug) : 0;
  c->article_intents = kb_index_hit_memo(ix, h, S_article_intents); /* read once per article */
  c->offtopic = S_offtopic(h);
  c->other_platform = mm->platform && h->platform && strcmp(h->platform, mm->platform);
  c->links_stores = h->deeplink && !strcmp(h->deeplink, "store");
}

/* The learned ranker's inputs of hit h for the mention mm (kb_ltr.h). */
static void S_ltr_hit(kb_index *ix, const S_ltr_mention *mm, const kb_suggest_result *out,
                      const kb_hit *h, double *x) {
  kb_rank_ctx c = mm->c;
  S_ltr_hit_ctx(ix, mm, out, h, &c);
  kb_rank_ltr_inputs(h->feat, &c, x);
}

/* The learned ranker's inputs of hit h for mention m. */
static void S_ltr_inputs(kb_index *ix, const kb_mention *m, const kb_suggest_result *out,
                         const kb_hit *h, double *x) {
  S_ltr_mention mm = S_ltr_mention_of(ix, m, out);
  S_ltr_hit(ix, &mm, out, h, x);
}

/* Whether any article fits (kb_rank_learned_fits()), from the learned
 * ranking of every candidate, off-topic pages included, in the order the
 * suggest path gives them without feedback (the other phone platform set
 * back): the first and second article, the best off-topic page. */
static double S_fits(const kb_results *r, const double *x, const double *score, int asks) {
  int a0 = -1, a1 = -1, off = -1;
  double p0 = 0, p1 = 0;
  for (int i = 0; i < r->n; i++) {
    const double *xi = x + (size_t)i * KB_LTR_N;
    if (xi[KB_LTR_OFFTOPIC] != 0) {
      if (off < 0 || score[i] > score[off]) off = i;
      continue;
    }
    double p = score[i] + (xi[KB_LTR_OTHER_PLATFORM] != 0 && r->n > 1 ? log(S_OTHER_PLATFORM) : 0);
    if (a0 < 0 || p > p0) {
      a1 = a0, p1 = p0;
      a0 = i, p0 = p;
    } else if (a1 < 0 || p > p1) {
      a1 = i, p1 = p;
    }
  }
  if (a0 < 0) return 0;
  kb_rank_line l = {.best = x + (size_t)a0 * KB_LTR_N, .best_score = score[a0],
                    .has_second = a1 >= 0, .second_score = a1 >= 0 ? score[a1] : 0,
                    .has_offtopic = off >= 0, .offtopic_score = off >= 0 ? score[off] : 0,
                    .offtopic_first = off >= 0 && score[off] > p0, .asks = asks};
  return kb_rank_learned_fits(&l);
}

/* The places of r a suggest's page can take its hits from, without
 * feedback (S_retrieve()): the first o->limit that are not off-topic
 * pages, so at most the limit and every off-topic page; the first
 * (whether it is off-topic) among them. The platform's sort, when the
 * mention names a phone, orders them all again (S_prefer_platform()),
 * and the hits of a suggest have distinct ids, so its order does not
 * depend on the one it is given. */
static int S_page_places(const kb_results *r, int limit) {
  int m = limit > 1 ? limit : 1;
  for (int i = 0; i < r->n; i++) m += S_offtopic(&r->hits[i]);
  return m;
}

/* The candidates whose learned inputs S_rerank() keeps on the stack. */
#define S_LTR_STACK 40

/* Ranks the candidates by the learned score (kb_rank_learned()), kept as
 * exp(score) so that it stays positive for the fusion with feedback, and
 * shows them to o->inspect (evaluation) before anything is dropped. With
 * fits, whether any article fits (out->fits, S_fits()): a suggest's
 * abstention; the public search shows what it found whatever it says,
 * and computes it (0.6 K instructions) only when asked to log it
 * (kb_search_opts.fits: the submitted searches, not the typing). */
static void S_rerank(kb_index *ix, const kb_mention *m, const kb_suggest_opts *o,
                     kb_suggest_result *out, int fits) {
  kb_results *r = &out->res;
  if (r->n == 0) return;
  /* how near the mention is to the labelled examples of its language,
   * when the index has some (kb/lang/<code>/examples.tsv); after the
   * search, whose terms it reads again */
  const kb_examples *ex = out->lang ? kb_index_examples(ix, out->lang) : NULL;
  int skip = o->example_out - 1;
  if (o->example_out_lang && strcmp(o->example_out_lang, out->lang ? out->lang : "")) skip = -1;
  /* the word model's probabilities, once (a language without examples
   * has none: the base model, fitted without them, reads 0); first, so
   * that the examples take the words' numbers it found */
  if (!out->words && ex) {
    const kb_words *wm = kb_index_words(ix, out->lang);
    int own = o->words_out_lang && strcmp(o->words_out_lang, out->lang ? out->lang : "") == 0;
    out->words = kb_words_score(wm, m, own ? o->words_out : NULL, own ? o->nwords_out : 0);
  }
  if (!out->examples && ex) {
    int nterms;
    const int *terms = kb_words_example_terms(out->words, ex, &nterms);
    out->examples = kb_examples_score_terms(ex, m, skip, terms, nterms);
  }
  /* not cleared: kb_rank_ltr_inputs() writes every input (test_search_
   * same's test_ltr_inputs), and score[i] is written below (clearing 30
   * candidates' 4 KB was 4 % of a suggest's instructions, counted per
   * byte as callgrind counts `rep stosb`) */
  double sbuf[S_LTR_STACK]; /* (a suggest's 30, with feedback 40) */
  int own = r->n > S_LTR_STACK;
  double *score = own ? kb_xmalloc((size_t)r->n * sizeof *score) : sbuf;
  /* the inputs, kept with the result for the confidence (S_ltr_of()),
   * then the hits' ids: in the thread's spare block (4 to 6 KB, which
   * malloc() took by its slow path) */
  size_t need = (size_t)r->n * (KB_LTR_N * sizeof(double) + sizeof(int64_t)), cap;
  double *x = kb_spare_take(KB_SPARE_LTR, &cap);
  if (cap < need) {
    free(x);
    x = kb_xmalloc(need);
    cap = need;
  }
  int64_t *id = (int64_t *)(x + (size_t)r->n * KB_LTR_N);
  S_ltr_mention mm = S_ltr_mention_of(ix, m, out); /* (once, not per candidate) */
  /* what is the mention's made once: the context's part (each
   * candidate's own part set over the last one's; S_ltr_hit() per
   * candidate copied the whole context) and the inputs the same for each */
  kb_rank_ctx c = mm.c;
  double mx[KB_LTR_N];
  kb_rank_ltr_mention(&c, mx);
  for (int i = 0; i < r->n; i++) {
    S_ltr_hit_ctx(ix, &mm, out, &r->hits[i], &c);
    kb_rank_ltr_inputs_with(r->hits[i].feat, &c, mx, x + (size_t)i * KB_LTR_N);
    score[i] = kb_rank_learned(x + (size_t)i * KB_LTR_N);
    r->hits[i].score = exp(score[i]);
    id[i] = r->hits[i].id;
  }
  if (fits) out->fits = S_fits(r, x, score, out->asks);
  if (o->inspect) o->inspect(o->inspect_arg, r, x);
  if (own) free(score);
  kb_spare_give(KB_SPARE_LTR, out->ltr, out->ltr_cap); /* (a second rerank's) */
  out->ltr = x;
  out->nltr = r->n;
  out->ltr_cap = cap;
  if (o->feedback) kb_results_sort(r); /* (the fusion reads them all) */
  else kb_results_sort_first(r, S_page_places(r, o->limit));
}

/* Whether the place out names is of the site searched (lang; NULL: the
 * index's default): its own store or town, not another country's. */
static int S_own_place(kb_index *ix, const kb_suggest_result *out, const char *lang) {
  const char *site = lang ? lang : kb_index_default_code(ix);
  return out->has_place &&
         (!out->place.lang || !*out->place.lang || !site || !strcmp(out->place.lang, site));
}

/* A mention that names a place may have no other word an article has
 * ("vous êtes présents à Nice ?", "gibts euch auch in Nürnberg?"): the
 * articles that link stores are candidates whenever a place of the
 * mention's site is named (another country's town is left to the search
 * and its fallback), and the ranker weighs them by the place inputs
 * (kb_ltr.h). Returns how many were added, or -1 on a database error. */
static int S_place_candidates(kb_index *ix, kb_suggest_result *out, const char *coll,
                              const char *lang, unsigned ablate) {
  if (!S_own_place(ix, out, lang) || (ablate & KB_ABLATE_PLACE_CANDIDATES)) return 0;
  return kb_results_add_deeplinked(ix, &out->res, coll, lang);
}

/* The kept hits' snippets: for a caller that writes them as JSON, not
 * cut as HTML first where the body has its JSON form (the reply cut each
 * twice, 1.45 K instructions a kb/ suggest). */
static void S_snippets(kb_index *ix, const kb_suggest_opts *o, kb_results *r) {
  if (o->json_snippets) kb_results_snippets_json(ix, r, r->n);
  else kb_results_snippets(ix, r, r->n);
}

/* Retrieval: the articles the mention's terms find (the words that named
 * a place left out), fused with what agents sent for mentions like it,
 * those for the other phone platform set back, off-topic pages dropped,
 * the first o->limit kept with their snippets. */
static int S_retrieve(kb_index *ix, const kb_mention *m, const kb_suggest_opts *o,
                      kb_suggest_result *out, char *err, size_t nerr) {
  const char *coll = kb_mention_collection(m);
  size_t n;
  kb_mention_text(m, &n);
  /* one more than asked, so the page is still full when an off-topic page
   * is among the hits and is dropped */
  int depth = o->feedback ? S_FUSE_MAX : S_RERANK_DEPTH;
  /* A place that names a store or a town is consumed by the link (the
   * store's page), not searched for: no help article is about Guildford,
   * and its name would only count as a word the articles lack. Snippets
   * are cut only for the hits kept: cutting them is most of a hit's cost. */
  kb_search_opts so = {.collection = coll, .kinds = KB_KIND_ARTICLE | KB_KIND_OFFTOPIC,
                       .limit = depth, .snippets_later = 1, .ablate = o->ablate,
                       .prefix_last = o->prefix_last};
  if (out->has_place && out->place.end <= n) {
    so.omit_start = out->place.start;
    so.omit_end = out->place.end;
  }
  /* in the mention's language only: a French customer gets French
   * articles; an index of one language searches it as before */
  if (kb_index_nlangs(ix) > 1) so.lang = kb_mention_lang(m);
  int rc = kb_index_search_query(ix, kb_mention_query(m), &so, &out->res, err, nerr);
  if (rc != KB_SEARCH_OK) return rc;
  const char *def = kb_index_default_code(ix);
  if (S_place_candidates(ix, out, coll, so.lang, o->ablate) < 0) {
    snprintf(err, nerr, "listing the articles that link stores failed");
    return KB_SEARCH_EDB;
  }
  /* nothing at all in that language (no article, not even an off-topic
   * page, matches): the default language's articles, marked as such */
  if (out->res.n == 0 && so.lang && def && strcmp(so.lang, def)) {
    kb_results_free(&out->res);
    so.lang = def;
    rc = kb_index_search_query(ix, kb_mention_query(m), &so, &out->res, err, nerr);
    if (rc != KB_SEARCH_OK) return rc;
    out->fallback = 1;
  }
  S_rerank(ix, m, o, out, 1);
  if (o->feedback) {
    S_fuse(ix, o->feedback, m, coll, &out->res);
    kb_results_sort(&out->res);
  }
  /* nothing in any language, and nothing agents sent before: the
   * collection's general pages, so that the agent has the help centre's
   * own starting points rather than nothing (not reranked: no word of
   * the mention is in them) */
  if (out->res.n == 0) {
    /* in the mention's language (the default language's search found
     * nothing either, so its fallback does not apply) */
    out->fallback = 0;
    const char *gl = kb_index_nlangs(ix) > 1 ? kb_mention_lang(m) : NULL;
    out->general = kb_results_add_general(ix, &out->res, coll, gl, o->limit) > 0;
    S_snippets(ix, o, &out->res);
    return KB_SEARCH_OK;
  }
  S_prefer_platform(&out->res, kb_mention_platform(m));
  /* an off-topic page (praise, chit-chat, spam) ranked first means nothing
   * fits; off-topic pages are never suggested themselves */
  out->offtopic = out->res.n > 0 && S_offtopic(&out->res.hits[0]);
  /* the first `limit` of the others kept, in order: the rest are cut
   * (moving each of the thirty-odd hits onto itself, and testing those
   * past the limit, was 1.6 K instructions a suggest) */
  int k = 0;
  for (int i = 0; i < out->res.n && k < o->limit; i++) {
    if (S_offtopic(&out->res.hits[i])) continue;
    if (k != i) out->res.hits[k] = out->res.hits[i];
    k++;
  }
  out->res.n = k;
  S_snippets(ix, o, &out->res);
  return KB_SEARCH_OK;
}

/* Ranking and confidence: how likely each suggestion is the right
 * article (the learned model of kb_ltr.h), and whether the first is good
 * enough to send. */
/* The learned inputs of hit h as the reranking computed them
 * (out->ltr), found by its id, else computed now into x (a hit without a
 * row id, or one the reranking did not see). The same inputs: they
 * depend on the mention, the hit's row and features, and what out held
 * before the reranking, none of which changes after it. */
static const double *S_ltr_of(kb_index *ix, const kb_mention *m, const kb_suggest_result *out,
                              const kb_hit *h, double *x) {
  const int64_t *id = out->ltr ? (const int64_t *)(out->ltr + (size_t)out->nltr * KB_LTR_N) : NULL;
  for (int i = 0; h->id && i < out->nltr; i++)
    if (id[i] == h->id) return out->ltr + (size_t)i * KB_LTR_N;
  S_ltr_inputs(ix, m, out, h, x);
  return x;
}

static void S_confidence(kb_index *ix, const kb_mention *m, kb_suggest_result *out) {
  if (out->general) { /* general pages: nothing fits, no confidence claimed */
    for (int i = 0; i < out->n; i++) out->s[i].hit = &out->res.hits[i];
    out->nothing_fits = 1;
    out->threshold = kb_suggest_threshold(out->asks, S_lang_other(ix, out), S_no_examples(ix, out));
    return;
  }
  double own0[KB_LTR_N], own1[KB_LTR_N];
  const double *x0 = out->n > 0 ? S_ltr_of(ix, m, out, &out->res.hits[0], own0) : NULL;
  const double *x1 = out->n > 1 ? S_ltr_of(ix, m, out, &out->res.hits[1], own1) : NULL;
  for (int i = 0; i < out->n; i++) {
    const kb_hit *h = &out->res.hits[i];
    out->s[i].hit = h;
    if (i == 0)
      out->s[i].confidence = kb_rank_learned_confidence(x0, out->n > 1,
                                                        out->n > 1 ? kb_rank_learned(x1) : 0, out->asks);
    /* the runners-up share the best one's evidence in proportion to their
     * scores: a distant second is not "85%" */
    else if (out->res.hits[0].score > 0)
      out->s[i].confidence = out->s[0].confidence * h->score / out->res.hits[0].score;
  }
  /* nothing fits (praise, a rant, another product): the abstention, a
   * model of its own; answerable besides means the first suggestion is
   * very probably the right one */
  int noex = S_no_examples(ix, out);
  out->nothing_fits = out->n == 0 || out->fits < kb_rank_learned_fits_threshold(noex);
  out->threshold = kb_suggest_threshold(out->asks, S_lang_other(ix, out), noex);
  out->answerable = !out->offtopic && !out->nothing_fits && out->n > 0 &&
                    out->s[0].confidence >= out->threshold;
}

/* The store m names by its street's own name after a store word ("la
 * tienda de Recogidas": kb_mention_street_store()) made out's place for
 * the links and the reply, after the ranking: it says which store, not
 * whether the mention is about one, and the ranker's place inputs were
 * fitted on the places kb_mention_place() reads. It replaces no place,
 * a place without a store, or the same town's store; a place naming
 * another town's store is kept (two stores named: the town is surer). */
static void S_street_store(const kb_mention *m, kb_suggest_result *out) {
  kb_geo_match st;
  if (!kb_mention_street_store(m, &st) || !st.store) return;
  if (out->has_place && out->place.store && strcmp(out->place.store->town, st.store->town)) return;
  out->has_place = 1;
  out->names_place = 1;
  out->place = st;
}

int kb_suggest(kb_index *ix, const kb_geo *geo, const char *text, size_t n,
               const kb_suggest_opts *o, kb_suggest_result *out, char *err,
               size_t nerr) {
  memset(out, 0, sizeof *out);
  /* 1. analysis: the mention read once */
  kb_mention_opts mo = {.collection = o->collection, .ablate = o->ablate, .lang = o->lang,
                        .prefix_last = o->prefix_last};
  kb_mention *m = kb_mention_new(ix, geo, text, n, &mo, err, nerr);
  if (!m) return KB_SEARCH_EUTF8;
  out->mention = m;
  out->lang = kb_mention_lang(m);
  out->lang_confidence = kb_mention_lang_confidence(m);
  out->has_place = kb_mention_place(m, &out->place);
  out->names_place = out->has_place && !(out->place.common && S_opens(text, out->place.start));
  out->asks = kb_mention_asks(m);
  /* 2. retrieval */
  int rc = S_retrieve(ix, m, o, out, err, nerr);
  if (rc != KB_SEARCH_OK) {
    /* everything freed, the hits too (a caller that frees it again finds
     * it cleared) */
    kb_suggest_result_free(out);
    return rc;
  }
  out->n = out->res.n;
  /* (malloc() and a clear: calloc() passes by malloc()'s per-thread
   * cache, 0.3 K instructions a suggest) */
  out->s = kb_xmalloc(((size_t)out->n + 1) * sizeof *out->s);
  memset(out->s, 0, ((size_t)out->n + 1) * sizeof *out->s);
  /* 3. ranking and confidence */
  S_confidence(ix, m, out);
  /* 4. reply: the store the links name, then the link each suggestion
   * carries. A store question that names a town with a store ("is there
   * a shop in Guildford?") is answered by that store's page when the
   * best article links to stores; whether that is the answer is the
   * confidence's to say (the place is one of its inputs), not a rule of
   * its own. */
  S_street_store(m, out);
  out->store_link = out->n > 0 && out->has_place && out->place.store && out->s[0].hit->deeplink &&
                    !strcmp(out->s[0].hit->deeplink, "store");
  for (int i = 0; i < out->n; i++) {
    out->s[i].url = S_url(ix, o, out->s[i].hit, out->has_place ? &out->place : NULL);
    out->s[i].store_url = S_store_url(ix, o, out->s[i].hit, out->has_place ? &out->place : NULL);
    out->s[i].fallback = out->fallback;
    out->s[i].general = out->general;
  }
  return KB_SEARCH_OK;
}

/* The store pages of the place the query names, added to r after its
 * first hit: "opening hours leipzig" shows the article on opening hours,
 * then the Leipzig store's page with its own; "madrid" both Madrid stores.
 * A store named by its alias or street is its town's. Returns how many. */
static int S_place_stores(kb_index *ix, const kb_geo *geo, const kb_suggest_result *s,
                          const char *coll, const char *lang, kb_results *r) {
  if (!geo || !S_own_place(ix, s, lang) || !s->place.store) return 0;
  const kb_geo_store *named = s->place.store;
  int added = 0, at = r->n > 0 ? 1 : 0;
  for (int i = 0; i < kb_geo_store_count(geo); i++) {
    const kb_geo_store *st = kb_geo_store_at(geo, i);
    if (strcmp(st->town, named->town) || strcmp(st->collection, coll ? coll : "default") ||
        (st->lang && named->lang && strcmp(st->lang, named->lang)))
      continue;
    int k = kb_results_add_store(ix, r, st->collection, st->slug, st->lang);
    if (k < 0) continue;
    /* moved up to its place (the named store first of its town's) */
    kb_hit h = r->hits[k];
    int to = at + (st == named ? 0 : added);
    memmove(&r->hits[to + 1], &r->hits[to], (size_t)(k - to) * sizeof h);
    r->hits[to] = h;
    added++;
  }
  return added;
}

int kb_suggest_search(kb_index *ix, const kb_geo *geo, const char *q, size_t nq,
                      const kb_search_opts *o, kb_results *out, char *err, size_t nerr) {
  /* the same search as one kept: a copy of its results (kb_qcache.h) */
  kb_search_opts key = *o;
  key.ranked = 1;
  kb_qcache *qc = ix->qcache && kb_qcache_fits(&key) ? ix->qcache : NULL;
  if (qc && kb_qcache_get(qc, q, nq, &key, out)) return KB_SEARCH_OK;
  memset(out, 0, sizeof *out);
  /* 1. analysis: the query read as a mention is, its last word a prefix
   * while it is being typed */
  kb_suggest_result s;
  memset(&s, 0, sizeof s);
  kb_mention_opts mo = {.collection = o->collection, .ablate = o->ablate, .lang = o->lang,
                        .prefix_last = o->prefix_last, .lang_only = 1};
  kb_mention *m = kb_mention_new(ix, geo, q, nq, &mo, err, nerr);
  if (!m) return KB_SEARCH_EUTF8;
  s.mention = m;
  s.lang = kb_mention_lang(m);
  s.has_place = kb_mention_place(m, &s.place);
  s.asks = kb_mention_asks(m);
  const char *coll = kb_mention_collection(m);
  /* 2. retrieval: the help articles only (store pages follow the place,
   * below), every one that can be on the page ranked */
  int limit = o->limit < 1 ? 1 : o->limit > 100 ? 100 : o->limit;
  int offset = o->offset < 0 ? 0 : o->offset;
  kb_search_opts so = *o;
  so.collection = coll;
  so.kinds = KB_KIND_ARTICLE;
  so.limit = offset + limit > S_RERANK_DEPTH ? offset + limit : S_RERANK_DEPTH;
  so.offset = 0;
  so.snippets_later = 1;
  so.ranked = 0;
  if (s.has_place && s.place.end <= nq) {
    so.omit_start = s.place.start;
    so.omit_end = s.place.end;
  }
  int rc = kb_index_search_query(ix, kb_mention_query(m), &so, &s.res, err, nerr);
  if (rc == KB_SEARCH_OK && S_place_candidates(ix, &s, coll, o->lang, o->ablate) < 0) {
    snprintf(err, nerr, "listing the articles that link stores failed");
    rc = KB_SEARCH_EDB;
  }
  if (rc == KB_SEARCH_OK) {
    /* 3. ranking: the learned model, as a suggest's, every place up to
     * the page's end put in order (S_rerank() sorts only those a page
     * can take: the limit's) */
    kb_suggest_opts ro = {.limit = offset + limit};
    int total = s.res.total;
    S_rerank(ix, m, &ro, &s, o->fits);
    S_prefer_platform(&s.res, kb_mention_platform(m));
    total += S_place_stores(ix, geo, &s, coll, o->lang, &s.res);
    /* 4. the page asked for, with its snippets */
    kb_results *r = &s.res;
    int from = offset < r->n ? offset : r->n;
    int n = r->n - from < limit ? r->n - from : limit;
    if (from) memmove(r->hits, r->hits + from, (size_t)n * sizeof *r->hits);
    r->n = n;
    r->total = total > from + n ? total : from + n;
    /* asked (fits): whether any article fits, as a suggest's abstention
     * (S_confidence()), from every candidate ranked; no hit: nothing */
    r->nothing_fits = !o->fits ? -1
                      : n == 0 || s.fits < kb_rank_learned_fits_threshold(S_no_examples(ix, &s));
    if (o->links_only) kb_results_snippets_only(ix, r, r->n);
    else kb_results_snippets(ix, r, r->n);
    *out = *r;
    memset(r, 0, sizeof *r);
    if (qc) kb_qcache_put(qc, out);
  }
  kb_suggest_result_free(&s);
  return rc;
}

void kb_suggest_result_free(kb_suggest_result *r) {
  for (int i = 0; i < r->n; i++) {
    free(r->s[i].url);
    free(r->s[i].store_url);
  }
  free(r->s);
  kb_results_free(&r->res);
  kb_mention_free(r->mention);
  kb_examples_scores_free(r->examples);
  kb_words_scores_free(r->words);
  kb_spare_give(KB_SPARE_LTR, r->ltr, r->ltr_cap);
  memset(r, 0, sizeof *r);
}
