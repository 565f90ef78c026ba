/*
 * kb_lang.c - a language's word lists (see kb_lang.h): parsing their
 * files, storing them in and loading them from an index, looking words up.
 *
 * Each list is an array of entries in the order they were added (the
 * order kb-index writes them) plus an open-addressing hash of them, so a
 * look-up costs what the analyzer's compiled-in stop-word hash cost: one
 * FNV-1a and a probe or two. The analyzer looks up every word of every
 * article and mention.
 */
#include "kb_lang.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "kb_token.h"
#include "kb_util.h"

typedef struct {
  char *word;
  int nword;
  char *value; /* NULL for one-word lists */
  int kind;    /* KB_CUE_*, KB_PLACE_* or KB_INTENT_* */
  int line;    /* where it was read (for "also on line N") */
} S_entry;

typedef struct {
  S_entry *v;
  int n, cap;
  int *slot;   /* hash: index + 1 into v, 0 empty; nslot a power of two */
  int nslot;
} S_list;

/* Every word of every list in one hash, so the analyzer and the cues
 * learn all they need about a word with one look-up (kb_lang_word()). */
typedef struct {
  char *word;
  int nword;
  kb_lang_word info;
} S_word;

struct kb_lang {
  char code[KB_LANG_CODE_MAX];
  S_list list[KB_LANG_NLISTS];
  S_word *words;          /* the merged index: nwords slots, a power of two */
  int nwords, used;
};

/* File name, table name, and the kinds a list's second column may hold. */
static const struct {
  const char *file, *name;
  int tabbed;                  /* word<TAB>value */
  const char *const *kinds;    /* allowed values (NULL: any words) */
  const char *what;            /* for "expected word<TAB>..." */
} S_lists[KB_LANG_NLISTS] = {
    [KB_LANG_STOP] = {.file = "stopwords.txt", .name = "stopwords"},
    [KB_LANG_FILLER] = {.file = "filler.txt", .name = "filler"},
    [KB_LANG_SPEAK] = {.file = "textspeak.tsv", .name = "textspeak", .tabbed = 1,
                       .what = "short<TAB>expansion"},
    [KB_LANG_CUES] = {.file = "cues.tsv", .name = "cues", .tabbed = 1,
                      .kinds = (const char *const[]){"ask", "opener", "lead", NULL},
                      .what = "word<TAB>kind"},
    [KB_LANG_INTENTS] = {.file = "intents.tsv", .name = "intents", .tabbed = 1,
                         .kinds = (const char *const[]){"status", "howto", "availability",
                                                        "location", "hours", "complaint",
                                                        "contact", NULL},
                         .what = "cue<TAB>intent"},
    [KB_LANG_PLACES] = {.file = "places.txt", .name = "places", .tabbed = 1,
                        .kinds = (const char *const[]){"common", "prep", "store", "street", NULL},
                        .what = "word<TAB>kind"},
    [KB_LANG_PLACE_ABBR] = {.file = "placeabbr.tsv", .name = "placeabbr", .tabbed = 1,
                            .what = "short<TAB>words"},
    [KB_LANG_PLACE_LETTERS] = {.file = "placeletters.tsv", .name = "placeletters", .tabbed = 1,
                               .what = "letters<TAB>letter"},
    /* the order of the days is KB_DAY_*'s (kind bit i is day i) */
    [KB_LANG_DAYS] = {.file = "days.tsv", .name = "days", .tabbed = 1,
                      .kinds = (const char *const[]){"sun", "mon", "tue", "wed", "thu", "fri",
                                                     "sat", "tomorrow", "none", NULL},
                      .what = "form<TAB>day"},
    [KB_LANG_ELISIONS] = {.file = "elisions.txt", .name = "elisions"},
};

const char *kb_lang_file(kb_lang_list list) { return S_lists[list].file; }
const char *kb_lang_list_name(kb_lang_list list) { return S_lists[list].name; }

const char *kb_lang_intent_name(int bit) {
  for (int i = 0; i < KB_INTENT_COUNT; i++)
    if (bit == 1 << i) return S_lists[KB_LANG_INTENTS].kinds[i];
  return NULL;
}

/* The bit of kind among a list's kinds (the i-th kind is bit i), or 0. */
static int S_kind_bit(kb_lang_list list, const char *kind) {
  const char *const *k = S_lists[list].kinds;
  for (int i = 0; k && k[i]; i++)
    if (!strcmp(k[i], kind)) return 1 << i;
  return 0;
}

int kb_lang_intent_bit(const char *name) { return name ? S_kind_bit(KB_LANG_INTENTS, name) : 0; }

void kb_lang_intent_names(char *buf, size_t size) {
  size_t n = 0;
  buf[0] = 0;
  for (int i = 0; i < KB_INTENT_COUNT && n < size; i++)
    n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", S_lists[KB_LANG_INTENTS].kinds[i]);
}

/*--- Lists ---------------------------------------------------------------*/

static uint32_t S_hash(const char *w, int n) { return kb_hash(w, (size_t)n); }

static int S_find(const S_list *s, const char *w, int n) {
  if (!s->nslot || n <= 0) return -1;
  for (uint32_t i = S_hash(w, n);; i++) {
    int k = s->slot[i & (uint32_t)(s->nslot - 1)];
    if (!k) return -1;
    const S_entry *e = &s->v[k - 1];
    if (e->nword == n && !memcmp(e->word, w, (size_t)n)) return k - 1;
  }
}

static void S_rehash(S_list *s) {
  s->nslot = 16;
  while (s->nslot < 2 * s->cap) s->nslot *= 2;
  free(s->slot);
  s->slot = kb_xcalloc((size_t)s->nslot, sizeof *s->slot);
  for (int k = 0; k < s->n; k++) {
    uint32_t i = S_hash(s->v[k].word, s->v[k].nword);
    while (s->slot[i & (uint32_t)(s->nslot - 1)]) i++;
    s->slot[i & (uint32_t)(s->nslot - 1)] = k + 1;
  }
}

/* The merged index's slot for w[0..n): its entry, or the empty slot
 * where it goes. */
static S_word *S_slot_h(const kb_lang *l, const char *w, int n, uint32_t h) {
  for (uint32_t i = h;; i++) {
    S_word *e = &l->words[i & (uint32_t)(l->nwords - 1)];
    if (!e->word || (e->nword == n && !memcmp(e->word, w, (size_t)n))) return e;
  }
}

static S_word *S_slot(const kb_lang *l, const char *w, int n) { return S_slot_h(l, w, n, S_hash(w, n)); }

/* The merged entry of w[0..n), created if new. */
static kb_lang_word *S_info(kb_lang *l, const char *w, int n) {
  if (2 * (l->used + 1) > l->nwords) {
    S_word *old = l->words;
    int nold = l->nwords;
    l->nwords = l->nwords ? 2 * l->nwords : 64;
    l->words = kb_xcalloc((size_t)l->nwords, sizeof *l->words);
    for (int i = 0; i < nold; i++)
      if (old[i].word) *S_slot(l, old[i].word, old[i].nword) = old[i];
    free(old);
  }
  S_word *e = S_slot(l, w, n);
  if (!e->word) {
    e->word = kb_xstrndup(w, (size_t)n);
    e->nword = n;
    l->used++;
  }
  return &e->info;
}

/* The bit's index (kind bit 1 << i -> i). */
static int S_bit_index(int bit) {
  int i = 0;
  while (bit > 1) bit >>= 1, i++;
  return i;
}

/* Writes w's folded words joined by single spaces into key (size bytes),
 * the key a mention's words are looked up by (kb_token.h folds them:
 * accents stripped, "sábado" -> "sabado"). Returns its length; 0 if w
 * has no words or its key does not fit. */
static int S_fold_key(const char *w, char *key, size_t size) {
  int nt;
  kb_token *t = kb_tokens_split(w, strlen(w), &nt);
  size_t n = 0;
  for (int i = 0; i < nt; i++) {
    size_t k = strlen(t[i].fold);
    if (n + k + 2 > size) {
      n = 0;
      break;
    }
    if (n) key[n++] = ' ';
    memcpy(key + n, t[i].fold, k);
    n += k;
  }
  free(t);
  key[n] = 0;
  return (int)n;
}

/* Records a day's form w in the merged index under its folded key. */
static void S_index_day(kb_lang *l, const char *w, int kind) {
  char key[KB_DAY_MAX_WORDS * KB_TOKEN_FOLD_MAX + 1];
  int n = S_fold_key(w, key, sizeof key);
  if (n) S_info(l, key, n)->day = 1 + S_bit_index(kind);
}

/* Records what entry e of list says under the merged key w[0..n). Kinds
 * are bits, so an entry and another whose key folds the same ("où" the
 * question word, "ou" the stop word) keep both. */
static void S_index_key(kb_lang *l, kb_lang_list list, const S_entry *e, const char *w, int n) {
  kb_lang_word *x = S_info(l, w, n);
  switch (list) {
  case KB_LANG_STOP: x->stop = 1; break;
  case KB_LANG_FILLER: x->filler = 1; break;
  case KB_LANG_SPEAK:
    if (!x->speak) x->speak = e->value;
    break;
  case KB_LANG_CUES: x->cue |= e->kind; break;
  case KB_LANG_PLACES: x->place |= e->kind; break;
  case KB_LANG_ELISIONS: x->elision = 1; break;
  case KB_LANG_INTENTS:
    x->intent |= e->kind;
    /* each shorter phrase a cue begins with, so a reader knows when to
     * read on ("where is" of "where is my") */
    for (int k = 0; k < n; k++)
      if (w[k] == ' ') S_info(l, w, k)->more = 1;
    break;
  default: break;
  }
}

/* Records entry e of list in the merged index: under its words as
 * written (a text-speak expansion is read as written) and under their
 * folded form, which is how a mention's words are looked up: without the
 * second, a list's accented words ("où", "ça", "für") never matched. */
static void S_index(kb_lang *l, kb_lang_list list, const S_entry *e) {
  if (list == KB_LANG_DAYS) {
    S_index_day(l, e->word, e->kind);
    return;
  }
  S_index_key(l, list, e, e->word, e->nword);
  char key[KB_INTENT_MAX_WORDS * KB_TOKEN_FOLD_MAX + 1];
  int n = S_fold_key(e->word, key, sizeof key);
  if (n && (n != e->nword || memcmp(key, e->word, (size_t)n))) S_index_key(l, list, e, key, n);
}

/* Adds an entry (the caller checked it is new). */
static void S_add(kb_lang *l, kb_lang_list list, const char *w, const char *value, int kind,
                  int line) {
  S_list *s = &l->list[list];
  if (s->n == s->cap) s->cap = s->cap ? 2 * s->cap : 32;
  s->v = kb_xrealloc(s->v, (size_t)s->cap * sizeof *s->v);
  s->v[s->n++] = (S_entry){.word = kb_xstrdup(w), .nword = (int)strlen(w),
                           .value = value ? kb_xstrdup(value) : NULL, .kind = kind,
                           .line = line};
  if (2 * s->n > s->nslot) {
    S_rehash(s);
  } else {
    uint32_t i = S_hash(w, (int)strlen(w));
    while (s->slot[i & (uint32_t)(s->nslot - 1)]) i++;
    s->slot[i & (uint32_t)(s->nslot - 1)] = s->n;
  }
  /* the values stay where they are from here on (realloc moves only the
   * array of entries): the merged index may point at them */
  S_index(l, list, &s->v[s->n - 1]);
}

kb_lang *kb_lang_new(const char *code) {
  kb_lang *l = kb_xcalloc(1, sizeof *l);
  snprintf(l->code, sizeof l->code, "%s", code ? code : "");
  return l;
}

void kb_lang_free(kb_lang *l) {
  if (!l) return;
  for (int i = 0; i < KB_LANG_NLISTS; i++) {
    S_list *s = &l->list[i];
    for (int k = 0; k < s->n; k++) {
      free(s->v[k].word);
      free(s->v[k].value);
    }
    free(s->v);
    free(s->slot);
  }
  for (int i = 0; i < l->nwords; i++) free(l->words[i].word);
  free(l->words);
  free(l);
}

kb_lang *kb_lang_dup(const kb_lang *l) {
  kb_lang *c = kb_lang_new(l->code);
  for (int i = 0; i < KB_LANG_NLISTS; i++)
    for (int k = 0; k < l->list[i].n; k++) {
      const S_entry *e = &l->list[i].v[k];
      S_add(c, (kb_lang_list)i, e->word, e->value, e->kind, e->line);
    }
  return c;
}

const char *kb_lang_code(const kb_lang *l) { return l->code; }

int kb_lang_count(const kb_lang *l, kb_lang_list list) { return l->list[list].n; }

void kb_lang_entry(const kb_lang *l, kb_lang_list list, int i, const char **word,
                   const char **value) {
  *word = l->list[list].v[i].word;
  *value = l->list[list].v[i].value;
}

/*--- Checking and adding one entry ---------------------------------------*/

/* Why w is not a lower-case word of a list (NULL when it is one): words
 * are not empty and hold no white space; phrases (several) are words
 * separated by single spaces, at most max of them. */
static const char *S_bad_words(const char *w, int max) {
  if (!*w) return "empty word";
  int words = 1;
  for (const char *p = w; *p;) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)p, -1, &cp);
    if (k <= 0) return "invalid UTF-8";
    if (cp == ' ') {
      if (p == w || p[1] == ' ' || p[1] == 0) return "words must be separated by single spaces";
      words++;
    } else if (cp < 0x20 || cp == 0x7f) {
      return "control character in a word";
    } else if (utf8proc_tolower(cp) != cp) {
      return "not lower case";
    }
    p += k;
  }
  if (words > max)
    return max == 1 ? "one word per line (no spaces)" : "too many words in a phrase";
  return NULL;
}

/* Why w is not an elided form (NULL when it is one): letters only, the
 * apostrophe left out ("l", "qu"), as the analyzer compares them with
 * what comes before a word's apostrophe. */
static const char *S_bad_elision(const char *w) {
  for (const char *p = w; *p;) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)p, -1, &cp);
    if (k <= 0) return "invalid UTF-8";
    utf8proc_category_t c = utf8proc_category(cp);
    if (cp == '\'' || cp == 0x2019 || cp == 0x02BC) return "an elided form is written without its apostrophe";
    if (!(c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) &&
        !(c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME))
      return "an elided form is letters only";
    p += k;
  }
  return NULL;
}

/* Checks one entry and adds it. Returns NULL, or the problem. */
static const char *S_check_add(kb_lang *l, kb_lang_list list, const char *w, const char *value,
                               int line, int *also) {
  const char *bad = S_bad_words(w, list == KB_LANG_INTENTS ? KB_INTENT_MAX_WORDS
                                    : list == KB_LANG_DAYS  ? KB_DAY_MAX_WORDS
                                                            : 1);
  if (bad) return bad;
  if (list == KB_LANG_ELISIONS && (bad = S_bad_elision(w)) != NULL) return bad;
  int kind = 0;
  if (S_lists[list].tabbed) {
    if (!value || !*value) return "empty second column";
    if (S_lists[list].kinds) {
      kind = S_kind_bit(list, value);
      if (!kind) return "unknown kind";
    } else if ((bad = S_bad_words(value, 8)) != NULL) {
      return bad;
    }
  }
  int at = S_find(&l->list[list], w, (int)strlen(w));
  if (at >= 0) {
    *also = l->list[list].v[at].line;
    return "duplicate";
  }
  S_add(l, list, w, S_lists[list].tabbed ? value : NULL, kind, line);
  return NULL;
}

/* The message id of each reason S_check_add() gives, beside it. */
static const char *const S_why_ids[][2] = {
    {"empty word", "lang.empty-word"},
    {"invalid UTF-8", "lang.bad-utf8-word"},
    {"words must be separated by single spaces", "lang.spaces"},
    {"control character in a word", "lang.control"},
    {"not lower case", "lang.not-lower"},
    {"one word per line (no spaces)", "lang.one-word"},
    {"too many words in a phrase", "lang.too-many-words"},
    {"empty second column", "lang.empty-value"},
    {"an elided form is written without its apostrophe", "lang.elision-apostrophe"},
    {"an elided form is letters only", "lang.elision-letters"},
};

static void S_report(kb_diag *d, kb_lang_list list, const char *path, int line, const char *w,
                     const char *value, const char *why, int also) {
  if (!strcmp(why, "duplicate")) {
    char sa[16];
    snprintf(sa, sizeof sa, "%d", also);
    kb_diag_msg(d, KB_DIAG_ERROR, path, line, "lang.duplicate", "word", w, "line", sa, NULL);
  } else if (!strcmp(why, "unknown kind")) {
    kb_diag_msg(d, KB_DIAG_ERROR, path, line,
                list == KB_LANG_INTENTS ? "lang.unknown-intent" : list == KB_LANG_DAYS ? "lang.unknown-day"
                                                                                      : "lang.unknown-kind",
                "value", value, "kinds",
                list == KB_LANG_INTENTS ? "status, howto, availability, location, hours, "
                                          "complaint or contact"
                : list == KB_LANG_CUES ? "ask, opener or lead"
                : list == KB_LANG_DAYS ? "sun, mon, tue, wed, thu, fri, sat, tomorrow or none"
                                       : "common, prep, store or street",
                NULL);
  } else {
    const char *id = NULL;
    for (size_t i = 0; i < sizeof S_why_ids / sizeof *S_why_ids && !id; i++)
      if (!strcmp(why, S_why_ids[i][0])) id = S_why_ids[i][1];
    if (id) kb_diag_msg(d, KB_DIAG_ERROR, path, line, id, "word", w, NULL);
    else kb_diag_add(d, KB_DIAG_ERROR, path, line, "'%s': %s", w, why);
  }
}

/* 1 if z[0..n) is valid UTF-8. */
static int S_utf8_ok(const char *z, size_t n) {
  for (size_t i = 0; i < n;) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)z + i,
                                          (utf8proc_ssize_t)(n - i), &cp);
    if (k <= 0) return 0;
    i += (size_t)k;
  }
  return 1;
}

int kb_lang_parse(kb_lang *l, kb_lang_list list, const char *path, const char *data, size_t n,
                  kb_diag *d) {
  int errors = 0, line = 0;
  for (size_t at = 0; at < n;) {
    const char *nl = memchr(data + at, '\n', n - at);
    size_t len = nl ? (size_t)(nl - (data + at)) : n - at;
    char *z = kb_xstrndup(data + at, len);
    at += len + 1;
    line++;
    if (len && z[len - 1] == '\r') z[--len] = 0;
    if (strlen(z) != len) {
      kb_diag_msg(d, KB_DIAG_ERROR, path, line, "lang.nul", NULL);
      errors++;
    } else if (!S_utf8_ok(z, len)) {
      kb_diag_msg(d, KB_DIAG_ERROR, path, line, "lang.bad-utf8", NULL);
      errors++;
    } else if (len && z[0] != '#') {
      char *tab = strchr(z, '\t'), *value = NULL;
      if (S_lists[list].tabbed) {
        if (!tab) {
          kb_diag_msg(d, KB_DIAG_ERROR, path, line, "lang.missing-tab", "format", S_lists[list].what, NULL);
          errors++;
          free(z);
          continue;
        }
        *tab = 0;
        value = tab + 1;
        if (strchr(value, '\t')) {
          kb_diag_msg(d, KB_DIAG_ERROR, path, line, "lang.two-tabs", "format", S_lists[list].what, NULL);
          errors++;
          free(z);
          continue;
        }
      } else if (tab) {
        kb_diag_msg(d, KB_DIAG_ERROR, path, line, "lang.tab-in-list", NULL);
        errors++;
        free(z);
        continue;
      }
      int also = 0;
      const char *why = S_check_add(l, list, z, value, line, &also);
      if (why) {
        S_report(d, list, path, line, z, value, why, also);
        errors++;
      }
    }
    free(z);
  }
  return errors ? -1 : 0;
}

/*--- The index's lang_words table ----------------------------------------*/

int kb_lang_load(kb_lang *l, sqlite3 *db, char *err, size_t nerr) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT list, word, value FROM lang_words WHERE lang = ?1", -1, &st,
                         NULL) != SQLITE_OK) {
    snprintf(err, nerr, "reading the language data: %s", sqlite3_errmsg(db));
    return -1;
  }
  sqlite3_bind_text(st, 1, l->code, -1, SQLITE_STATIC);
  int rc, bad = 0;
  while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *list = (const char *)sqlite3_column_text(st, 0);
    const char *w = (const char *)sqlite3_column_text(st, 1);
    const char *v = (const char *)sqlite3_column_text(st, 2);
    int k = 0;
    while (k < KB_LANG_NLISTS && (!list || strcmp(list, S_lists[k].name))) k++;
    int also;
    const char *why = k == KB_LANG_NLISTS || !w ? "unknown list"
                                                : S_check_add(l, (kb_lang_list)k, w, v, 0, &also);
    if (why) {
      snprintf(err, nerr, "bad language data for '%s' (%s '%s'): %s", l->code,
               list ? list : "?", w ? w : "", why);
      bad = 1;
    }
  }
  if (!bad && rc != SQLITE_DONE) {
    snprintf(err, nerr, "reading the language data: %s", sqlite3_errmsg(db));
    bad = 1;
  }
  sqlite3_finalize(st);
  return bad ? -1 : 0;
}

kb_lang *kb_lang_open_index(const char *path, char *err, size_t nerr) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  kb_lang *l = NULL;
  char code[KB_LANG_CODE_MAX] = "";
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'languages'", -1, &st, NULL) !=
          SQLITE_OK) {
    snprintf(err, nerr, "cannot read %s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
    goto done;
  }
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
    const char *v = (const char *)sqlite3_column_text(st, 0);
    size_t n = strcspn(v, ",");
    if (n < sizeof code) {
      memcpy(code, v, n);
      code[n] = 0;
    }
  }
  if (!*code) {
    snprintf(err, nerr, "%s lists no language", path);
    goto done;
  }
  l = kb_lang_new(code);
  if (kb_lang_load(l, db, err, nerr)) {
    kb_lang_free(l);
    l = NULL;
  }
done:
  sqlite3_finalize(st);
  sqlite3_close(db);
  return l;
}

/*--- Look-ups ------------------------------------------------------------*/

const kb_lang_word *kb_lang_word_of(const kb_lang *l, const char *w, int n) {
  if (!l || !l->used || n <= 0) return NULL;
  const S_word *e = S_slot(l, w, n);
  return e->word ? &e->info : NULL;
}

const kb_lang_word *kb_lang_word_of_hashed(const kb_lang *l, const char *w, int n, uint32_t h) {
  if (!l || !l->used || n <= 0) return NULL;
  const S_word *e = S_slot_h(l, w, n, h);
  return e->word ? &e->info : NULL;
}

void kb_lang_words_of_hashed(const kb_lang *l, const char *const *w, const int *n,
                             const uint32_t *h, int count, const kb_lang_word **x) {
  for (int i = 0; i < count; i++) {
    if (!l || !l->used || n[i] <= 0) {
      x[i] = NULL;
      continue;
    }
    const S_word *e = S_slot_h(l, w[i], n[i], h[i]);
    x[i] = e->word ? &e->info : NULL;
  }
}

int kb_lang_is_stop(const kb_lang *l, const char *w, int n) {
  const kb_lang_word *x = kb_lang_word_of(l, w, n);
  return x && x->stop;
}

int kb_lang_is_filler(const kb_lang *l, const char *w, int n) {
  const kb_lang_word *x = kb_lang_word_of(l, w, n);
  return x && x->filler;
}

const char *kb_lang_speak(const kb_lang *l, const char *w, int n) {
  const kb_lang_word *x = kb_lang_word_of(l, w, n);
  return x ? x->speak : NULL;
}

int kb_lang_cue(const kb_lang *l, const char *w, int n) {
  const kb_lang_word *x = kb_lang_word_of(l, w, n);
  return x ? x->cue : 0;
}

int kb_lang_place(const kb_lang *l, const char *w, int n) {
  const kb_lang_word *x = kb_lang_word_of(l, w, n);
  return x ? x->place : 0;
}

int kb_lang_intent(const kb_lang *l, const char *phrase, int n) {
  const kb_lang_word *x = kb_lang_word_of(l, phrase, n);
  return x ? x->intent : 0;
}

int kb_lang_is_elision(const kb_lang *l, const char *w, int n) {
  const kb_lang_word *x = kb_lang_word_of(l, w, n);
  return x && x->elision;
}

int kb_lang_day(const kb_lang *l, const char *phrase, int n) {
  const kb_lang_word *x = kb_lang_word_of(l, phrase, n);
  return x && x->day ? x->day - 1 : -1;
}

const kb_lang *kb_lang_set_find(const kb_lang_set *s, const char *code) {
  for (int i = 0; s && code && i < s->n; i++)
    if (!strcmp(s->v[i]->code, code)) return s->v[i];
  return NULL;
}
