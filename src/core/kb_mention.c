/*
 * kb_mention.c - a mention analyzed once (see kb_mention.h): the search
 * terms made by the analyzer (kb_search.c's kb_index_analyze()), the
 * words split (kb_token.c), their cues read (kb_intent.c), the place found
 * among them (kb_geo.c), the device words and the @handle looked up in
 * the index, in that order.
 */
#include "kb_mention.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_intent.h"
#include "kb_util.h"

struct kb_mention {
  char *text;
  size_t n;
  kb_token *tokens;
  int ntokens, tokcap; /* (tokcap: kb_tokens_give()'s) */
  kb_query *query;
  const kb_lang *words;    /* its language's word lists */
  const kb_lang *fallback; /* the index's default language's (days) */
  const char *lang;
  double lang_confidence;  /* share of the language evidence the chosen one has */
  int lang_detected;       /* chosen from the words, not asked for */
  const char *collection;  /* searched (asked for, or addressed) */
  const char *addressed;
  int has_place;
  kb_geo_match place;
  int has_street;          /* a store named by its street's own name */
  kb_geo_match street;
  const char *platform;
  int asks;
  int intents;
  int other_handle;        /* an @handle of someone else's */
};

/* The length of the @handle whose first word is token i, or 0 when the
 * token begins none: a handle is the letters, digits and '_' after an
 * '@' (kb_token.c marks its words). */
static size_t S_handle_len(const kb_mention *m, int i) {
  const kb_token *t = &m->tokens[i];
  if (t->kind != KB_TOKEN_HANDLE || t->start == 0 || m->text[t->start - 1] != '@') return 0;
  size_t e = (size_t)t->start;
  while (e < m->n && (m->text[e] == '_' || (m->text[e] >= 'a' && m->text[e] <= 'z') ||
                      (m->text[e] >= 'A' && m->text[e] <= 'Z') ||
                      (m->text[e] >= '0' && m->text[e] <= '9')))
    e++;
  return e - (size_t)t->start;
}

/* The collection the first @handle that names one addresses. */
static const char *S_addressed(kb_index *ix, const kb_mention *m) {
  for (int i = 0; i < m->ntokens; i++) {
    size_t len = S_handle_len(m, i);
    const char *c = len ? kb_index_collection(ix, m->text + m->tokens[i].start, len) : NULL;
    if (c) return c;
  }
  return NULL;
}

/* Whether the mention names an @handle that is not ours (@Yodel, @Tesco,
 * @EE): customers tag the company they are writing about, and a mention
 * about another company's parcel, network or app is one no article of
 * ours answers, however many of our words it shares. */
static int S_other_handle(kb_index *ix, const kb_mention *m) {
  for (int i = 0; i < m->ntokens; i++) {
    size_t len = S_handle_len(m, i);
    if (len && !kb_index_handle_ours(ix, m->text + m->tokens[i].start, len)) return 1;
  }
  return 0;
}

/* How much the words of a mention say it is written in language li: a
 * word in the language's function-word lists (stop words, social filler,
 * text-speak, question cues) counts 2, those lists being the surest sign
 * of a language; a word its articles' vocabulary knows counts 1. Words of
 * @handles, URLs and hashtags say nothing. x[i] gets each word's look-up
 * (a hashtag's too: the cues read it, kb_intent_cues_of()). */
static double S_lang_score(kb_index *ix, const kb_query *q, const kb_token *t, int nt,
                           const char *const *fold, const int *len, const uint32_t *h, int li,
                           const kb_lang_word **x) {
  double score = kb_query_known(q, li);
  /* one look-up for the four lists (kb_lang_word_of()), not four; the
   * word hashed once for every language (S_language()); NULL where not
   * read (len -1); through the language's analyzer's memo, whose slots
   * the mention's analysis has just read (kb_analyzer_words_of()) */
  _Static_assert(KB_TOKEN_FOLD_MAX >= 24, "kb_analyzer_words_of() reads 24 bytes of a fold");
  kb_analyzer *an = kb_index_analyzer_of(ix, li);
  if (an) kb_analyzer_words_of(an, fold, len, h, nt, x);
  else kb_lang_words_of_hashed(kb_index_lang_words(ix, li), fold, len, h, nt, x);
  for (int i = 0; i < nt; i++) {
    if (t[i].kind == KB_TOKEN_HASHTAG) continue;
    if (x[i] && (x[i]->stop || x[i]->filler || x[i]->speak || x[i]->cue)) score += 2;
  }
  return score;
}

/* The language whose site's place list has a place the words t[0..nt)
 * name (any country's; kb_geo.h), or -1: asked only when the languages'
 * scores sc[0..n) leave li, the best, within one point of another, where
 * a place counts as a known word of its country's language (change P,
 * docs/relevance.md): "Gap. Boutique ?" is French, "🏪❓ Wuppertal 🙏"
 * German, though no function word says so. */
static int S_place_lang(kb_index *ix, const kb_geo *geo, const kb_token *t, int nt,
                        const double *sc, int n, int li) {
  int close = 0;
  for (int i = 0; i < n && i < KB_MAX_LANGS && !close; i++)
    close = i != li && sc[li] - sc[i] <= 1;
  kb_geo_match pm;
  if (!geo || !close || !kb_geo_find_tokens(geo, t, nt, NULL, &pm) || !pm.lang || !*pm.lang)
    return -1;
  int pl = kb_index_lang_find(ix, pm.lang);
  return pl >= 0 && pl < KB_MAX_LANGS && pl < n ? pl : -1;
}

/* The language of the mention: the one asked for when the index has it,
 * else the one with the most evidence (S_lang_score), the default language
 * winning ties (a mention with no evidence at all, "ok", is the default's).
 * When it weighs the languages, the chosen one's look-ups of the words are
 * handed to its cues (kb_intent_cues_of(): they were made again there);
 * else they are read as kb_intent_cues() reads them. */
static int S_language(kb_index *ix, const kb_geo *geo, const kb_query *q, kb_token *t, int nt,
                      const char *asked, double *confidence, int *detected) {
  int def = kb_index_default_lang(ix), n = kb_index_nlangs(ix);
  int li = kb_index_lang_find(ix, asked);
  *detected = li < 0;
  *confidence = 1;
  if (li >= 0 || n < 2) {
    li = li >= 0 ? li : def;
    kb_intent_cues(t, nt, kb_index_lang_words(ix, li));
    return li;
  }
  /* on the stack for a tweet's words (allocations a mention else) */
  int len_s[64], *len = nt < 64 ? len_s : kb_xmalloc(((size_t)nt + 1) * sizeof *len);
  const char *fold_s[64], **fold = nt < 64 ? fold_s : kb_xmalloc(((size_t)nt + 1) * sizeof *fold);
  uint32_t h_s[64], *h = nt < 64 ? h_s : kb_xmalloc(((size_t)nt + 1) * sizeof *h);
  const kb_lang_word *xa_s[64], *xb_s[64];
  const kb_lang_word **xa = nt < 64 ? xa_s : kb_xmalloc(((size_t)nt + 1) * sizeof *xa);
  const kb_lang_word **xb = nt < 64 ? xb_s : kb_xmalloc(((size_t)nt + 1) * sizeof *xb);
  const kb_lang_word **best_x = xa, **x = xb;
  for (int i = 0; i < nt; i++) {
    /* @handles, URLs and empty words (emoji) are not read: -1, once;
     * hashtags are read for their cues, and say nothing of the language */
    if (t[i].quoted || !t[i].fold[0]) {
      len[i] = -1;
      fold[i] = NULL;
      continue;
    }
    len[i] = t[i].nfold;
    fold[i] = t[i].fold;
    h[i] = t[i].hash = kb_hash(t[i].fold, (size_t)len[i]); /* (kept for the places) */
  }
  double sc[KB_MAX_LANGS];
  double best = sc[def] = S_lang_score(ix, q, t, nt, fold, len, h, def, best_x), total = best;
  li = def;
  for (int i = 0; i < n && i < KB_MAX_LANGS; i++) {
    if (i == def) continue;
    sc[i] = S_lang_score(ix, q, t, nt, fold, len, h, i, x);
    total += sc[i];
    if (sc[i] > best) {
      best = sc[i], li = i;
      const kb_lang_word **swap = best_x;
      best_x = x, x = swap;
    }
  }
  int pl = S_place_lang(ix, geo, t, nt, sc, n, li);
  if (pl >= 0 && pl != li && (sc[pl] + 1 > best || (sc[pl] + 1 == best && pl == def))) {
    /* the place tips it: its language's cues are looked up again */
    li = pl;
    best = sc[pl] + 1;
    total += 1;
    kb_intent_cues(t, nt, kb_index_lang_words(ix, li));
  } else {
    /* (the place's point counted where it went) */
    total += pl >= 0;
    best += pl == li;
    kb_intent_cues_of(t, nt, kb_index_lang_words(ix, li), best_x);
  }
  if (len != len_s) free(len);
  if (fold != fold_s) free(fold);
  if (h != h_s) free(h);
  if (xa != xa_s) free(xa);
  if (xb != xb_s) free(xb);
  *confidence = total > 0 ? best / total : 1.0 / n;
  return li;
}

/* 1 if a word of m is a store word of its language (places.txt, kind
 * store), by its look-up the cues made (t[i].lists: kb_intent_cues()). */
static int S_store_word(const kb_mention *m) {
  for (int i = 0; i < m->ntokens; i++)
    if (m->tokens[i].lists && (m->tokens[i].lists->place & KB_PLACE_STORE)) return 1;
  return 0;
}

/* kb_geo_find_misspelt()'s test of a word: one the mention's language's
 * articles have is no misspelt place, however near a town's name. */
typedef struct {
  kb_index *ix;
  int li;
} S_known_arg;

static int S_known(void *arg, const char *word) {
  const S_known_arg *a = arg;
  return kb_index_knows_word(a->ix, a->li, word);
}

kb_mention *kb_mention_new(kb_index *ix, const kb_geo *geo, const char *text, size_t n,
                           const kb_mention_opts *o, char *err, size_t nerr) {
  /* the search terms first: the analysis checks that the text is UTF-8;
   * in the one language searched when the caller searches one (the
   * public search, as kb_index_search() does): the others' terms were
   * never read (1.4 K instructions a query on kb/'s four) */
  int only = o->lang_only && o->lang ? kb_index_lang_find(ix, o->lang) : -1;
  kb_query *q = kb_query_analyze_in(ix, text, n, o->prefix_last, o->ablate, only);
  if (!q) {
    snprintf(err, nerr, "the query is not valid UTF-8");
    return NULL;
  }
  kb_mention *m = kb_xmalloc(sizeof *m); /* (calloc() passes by malloc()'s per-thread cache) */
  memset(m, 0, sizeof *m);
  m->query = q;
  m->text = kb_xstrndup(text, n);
  m->n = n;
  /* the words, their language, and what they ask */
  m->tokens = kb_tokens_split_spare(m->text, n, &m->ntokens, &m->tokcap);
  int li = S_language(ix, geo, q, m->tokens, m->ntokens, o->lang, &m->lang_confidence,
                      &m->lang_detected);
  kb_query_set_lang(q, li);
  m->words = kb_index_lang_words(ix, li);
  m->fallback = kb_index_lang_words(ix, kb_index_default_lang(ix));
  m->lang = kb_index_lang_code(ix, li);
  m->asks = kb_intent_asks(m->tokens, m->ntokens, memchr(m->text, '?', n) != NULL);
  m->intents = kb_intent_detect(m->tokens, m->ntokens, m->words);
  /* whom it is addressed to, the place and the phone it names */
  m->addressed = S_addressed(ix, m);
  m->other_handle = S_other_handle(ix, m);
  m->collection = o->collection ? o->collection : m->addressed;
  m->has_place = geo && kb_geo_find_tokens_lang(geo, m->tokens, m->ntokens, m->collection,
                                                       m->lang, m->words, &m->place);
  /* none: a misspelt place ("tienda en zaragosa"), a word the language's
   * articles do not have read as the place name it is nearest to */
  if (geo && !m->has_place && !(o->ablate & KB_ABLATE_PLACE_SPELLING)) {
    S_known_arg ka = {ix, li};
    m->has_place = kb_geo_find_misspelt(geo, m->tokens, m->ntokens, m->collection, m->lang,
                                        m->words, S_known, &ka, &m->place);
  }
  /* a store named by its street's own name after a store word ("la
   * tienda de Recogidas"): only when a word is a store word (its look-up,
   * t[i].lists, made by the cues above), as few mentions have one */
  if (geo && S_store_word(m))
    m->has_street = kb_geo_find_street(geo, m->tokens, m->ntokens, m->collection, m->lang, m->words,
                                       &m->street);
  m->platform = kb_index_platform(ix, m->tokens, m->ntokens);
  return m;
}

void kb_mention_free(kb_mention *m) {
  if (!m) return;
  kb_query_free(m->query);
  kb_tokens_give(m->tokens, m->tokcap);
  free(m->text);
  free(m);
}

const char *kb_mention_text(const kb_mention *m, size_t *n) {
  if (n) *n = m->n;
  return m->text;
}

const kb_token *kb_mention_tokens(const kb_mention *m, int *n) {
  *n = m->ntokens;
  return m->tokens;
}

const kb_query *kb_mention_query(const kb_mention *m) { return m->query; }
const char *kb_mention_lang(const kb_mention *m) { return m->lang; }
const kb_lang *kb_mention_words(const kb_mention *m) { return m->words; }
double kb_mention_lang_confidence(const kb_mention *m) { return m->lang_confidence; }
int kb_mention_lang_detected(const kb_mention *m) { return m->lang_detected; }
const char *kb_mention_collection(const kb_mention *m) { return m->collection; }
const char *kb_mention_addressed(const kb_mention *m) { return m->addressed; }

int kb_mention_place(const kb_mention *m, kb_geo_match *place) {
  if (m->has_place && place) *place = m->place;
  return m->has_place;
}

int kb_mention_street_store(const kb_mention *m, kb_geo_match *store) {
  if (m->has_street && store) *store = m->street;
  return m->has_street;
}

/* The day the words t[0..n) name in l's days.tsv (kb_mention_day()):
 * a form of two words is read before one of its first word ("guten
 * morgen" is no morning, "los domingos" is Sunday). cued: l holds the
 * lists the words' cues were read with (kb_intent_cues()), whose look-up
 * of each word is its t[i].lists: a word is not looked up again. */
static int S_day_in(const kb_token *t, int n, const kb_lang *l, int cued) {
  int tomorrow = 0;
  if (!l || !kb_lang_count(l, KB_LANG_DAYS)) return -1;
  for (int i = 0; i < n; i++) {
    if (t[i].quoted || t[i].kind != KB_TOKEN_WORD) continue;
    int d = -1, used = 1;
    if (i + 1 < n && !t[i + 1].quoted && t[i + 1].kind == KB_TOKEN_WORD) {
      /* joined, not formatted: snprintf was 850 instructions a pair */
      char two[2 * KB_TOKEN_FOLD_MAX + 1];
      size_t a = (size_t)t[i].nfold, b = (size_t)t[i + 1].nfold;
      if (a + 1 + b < sizeof two) {
        memcpy(two, t[i].fold, a);
        two[a] = ' ';
        memcpy(two + a + 1, t[i + 1].fold, b + 1);
        if ((d = kb_lang_day(l, two, (int)(a + 1 + b))) >= 0) used = 2;
      }
    }
    if (d < 0) {
      const kb_lang_word *x = cued ? t[i].lists : kb_lang_word_of(l, t[i].fold, t[i].nfold);
      d = x && x->day ? x->day - 1 : -1; /* (kb_lang_day()) */
    }
    if (d >= KB_DAY_SUN && d <= KB_DAY_SAT) return d;
    if (d == KB_DAY_TOMORROW) tomorrow = 1;
    i += used - 1;
  }
  return tomorrow ? KB_DAY_TOMORROW : -1;
}

int kb_mention_day(const kb_mention *m) {
  int d = S_day_in(m->tokens, m->ntokens, m->words, 1);
  if (d < 0 && m->fallback != m->words) d = S_day_in(m->tokens, m->ntokens, m->fallback, 0);
  return d;
}

const char *kb_mention_platform(const kb_mention *m) { return m->platform; }
int kb_mention_asks(const kb_mention *m) { return m->asks; }
int kb_mention_intents(const kb_mention *m) { return m->intents; }
int kb_mention_other_handle(const kb_mention *m) { return m->other_handle; }
