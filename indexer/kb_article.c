/*
 * kb_article.c - article files: front matter with libyaml, body with
 * cmark-gfm (see kb_article.h for the format).
 *
 * The front matter is loaded as a libyaml document, so every node carries
 * its line and messages can point at the key that is wrong. The body is
 * parsed once by cmark-gfm; a walk with its iterator collects the text of
 * headings and of everything else, and the same tree is rendered to HTML
 * with cmark's safe default (raw HTML and javascript: links removed).
 */
#include "kb_article.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <yaml.h>

#include "kb_lang.h"
#include "kb_reply.h"
#include "kb_text.h"
#include "kb_tweet.h"
#include "kb_util.h"

const char *const kb_article_days[KB_DAYS] = {"mon", "tue", "wed", "thu",
                                              "fri", "sat", "sun"};

/* State while parsing one file. */
typedef struct {
  const char *path;
  kb_diag *d;
  yaml_document_t *doc;
  int line0;          /* file line of the first front-matter line */
  kb_article *a;
  int fatal;          /* the article cannot be indexed */
} S_ctx;

static int S_line(const S_ctx *c, const yaml_node_t *n) {
  return c->line0 + (int)n->start_mark.line;
}

/* Message id of kb/lang/<code>/messages.tsv about the article's line,
 * with its values (NULL-terminated name, value pairs). */
static void S_msg(S_ctx *c, kb_diag_level level, int line, const char *id, ...)
    __attribute__((sentinel));
static void S_msg(S_ctx *c, kb_diag_level level, int line, const char *id, ...) {
  va_list ap;
  va_start(ap, id);
  kb_diag_msgv(c->d, level, c->path, line, id, ap);
  va_end(ap);
}

/*--- Front matter values -------------------------------------------------*/

/* The scalar's text, trimmed, as a new string; NULL (with an error) when
 * the node is not a scalar. */
static char *S_scalar(S_ctx *c, const char *key, yaml_node_t *v) {
  if (v->type != YAML_SCALAR_NODE) {
    S_msg(c, KB_DIAG_ERROR, S_line(c, v), v->type == YAML_SEQUENCE_NODE ? "article.text-not-list" : "article.text-not-mapping",
          "key", key, NULL);
    return NULL;
  }
  const char *s = (const char *)v->data.scalar.value;
  size_t n = v->data.scalar.length;
  while (n && isspace((unsigned char)*s)) s++, n--;
  while (n && isspace((unsigned char)s[n - 1])) n--;
  return kb_xstrndup(s, n);
}

/* A list of scalars (a single scalar is taken as a one-item list). */
static char **S_list(S_ctx *c, const char *key, yaml_node_t *v, int *pn) {
  *pn = 0;
  if (v->type == YAML_SCALAR_NODE) {
    char **out = kb_xcalloc(1, sizeof *out);
    out[0] = S_scalar(c, key, v);
    *pn = 1;
    return out;
  }
  if (v->type != YAML_SEQUENCE_NODE) {
    S_msg(c, KB_DIAG_ERROR, S_line(c, v), "article.not-list", "key", key, NULL);
    return NULL;
  }
  int n = (int)(v->data.sequence.items.top - v->data.sequence.items.start);
  char **out = kb_xcalloc((size_t)n + 1, sizeof *out);
  int m = 0;
  for (int i = 0; i < n; i++) {
    yaml_node_t *it = yaml_document_get_node(c->doc, v->data.sequence.items.start[i]);
    if (!it || it->type != YAML_SCALAR_NODE) {
      S_msg(c, KB_DIAG_ERROR, it ? S_line(c, it) : S_line(c, v), "article.item-not-text", "key", key, NULL);
      continue;
    }
    char *s = S_scalar(c, key, it);
    if (!*s) {
      S_msg(c, KB_DIAG_WARNING, S_line(c, it), "article.empty-item", "key", key, NULL);
      free(s);
      continue;
    }
    out[m++] = s;
  }
  *pn = m;
  return out;
}

static int S_number(S_ctx *c, const char *key, yaml_node_t *v, double lo,
                    double hi, double *out) {
  char *s = S_scalar(c, key, v);
  if (!s) return 0;
  char *end;
  errno = 0;
  double x = strtod(s, &end);
  int ok = *s && !*end && errno == 0 && isfinite(x) && x >= lo && x <= hi;
  if (!ok) {
    char slo[32], shi[32];
    snprintf(slo, sizeof slo, "%g", lo);
    snprintf(shi, sizeof shi, "%g", hi);
    S_msg(c, KB_DIAG_ERROR, S_line(c, v), "article.bad-number", "key", key, "min", slo, "max", shi, "value", s, NULL);
  } else
    *out = x;
  free(s);
  return ok;
}

static void S_free_list(char **l, int n) {
  for (int i = 0; i < n; i++) free(l[i]);
  free(l);
}

/*--- Store details -------------------------------------------------------*/

/* "HH:MM-HH:MM" with the close after the open, or "closed". */
static int S_hours_valid(const char *s) {
  if (strcmp(s, "closed") == 0) return 1;
  int h1, m1, h2, m2, len = 0;
  if (sscanf(s, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &len) != 4 ||
      len != (int)strlen(s) || strlen(s) != 11)
    return 0;
  if (h1 > 23 || h2 > 24 || m1 > 59 || m2 > 59) return 0;
  return h2 * 60 + m2 > h1 * 60 + m1;
}

static void S_store_hours(S_ctx *c, kb_store *st, yaml_node_t *v) {
  if (v->type != YAML_MAPPING_NODE) {
    S_msg(c, KB_DIAG_ERROR, S_line(c, v), "article.bad-hours", NULL);
    return;
  }
  for (yaml_node_pair_t *p = v->data.mapping.pairs.start;
       p < v->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
    yaml_node_t *val = yaml_document_get_node(c->doc, p->value);
    if (!k || !val || k->type != YAML_SCALAR_NODE) continue;
    const char *day = (const char *)k->data.scalar.value;
    int di = -1;
    for (int i = 0; i < KB_DAYS; i++)
      if (strcmp(day, kb_article_days[i]) == 0) di = i;
    if (di < 0) {
      S_msg(c, KB_DIAG_ERROR, S_line(c, k), "article.bad-hours-day", "day", day, NULL);
      continue;
    }
    char *h = S_scalar(c, "hours", val);
    if (h && !S_hours_valid(h)) {
      S_msg(c, KB_DIAG_ERROR, S_line(c, val), "article.bad-hours-value", "day", day, "value", h, NULL);
      free(h);
      continue;
    }
    free(st->hours[di]);
    st->hours[di] = h;
  }
  for (int i = 0; i < KB_DAYS; i++)
    if (!st->hours[i])
      S_msg(c, KB_DIAG_WARNING, S_line(c, v), "article.no-hours", "day", kb_article_days[i], NULL);
}

/* Reads a store key into a->store; returns 1 if key is a store key. */
static int S_store_key(S_ctx *c, const char *key, yaml_node_t *v) {
  static const char *const keys[] = {"town", "address", "postcode", "phone",
                                     "lat", "lon", "aliases", "hours"};
  int known = 0;
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) known |= !strcmp(key, keys[i]);
  if (!known) return 0;
  if (!c->a->store) c->a->store = kb_xcalloc(1, sizeof(kb_store));
  kb_store *st = c->a->store;
  if (!strcmp(key, "town")) { free(st->town); st->town = S_scalar(c, key, v); }
  else if (!strcmp(key, "address")) { free(st->address); st->address = S_scalar(c, key, v); }
  else if (!strcmp(key, "postcode")) { free(st->postcode); st->postcode = S_scalar(c, key, v); }
  else if (!strcmp(key, "phone")) { free(st->phone); st->phone = S_scalar(c, key, v); }
  else if (!strcmp(key, "lat")) S_number(c, key, v, -90, 90, &st->lat);
  else if (!strcmp(key, "lon")) S_number(c, key, v, -180, 180, &st->lon);
  else if (!strcmp(key, "aliases")) {
    S_free_list(st->aliases, st->naliases);
    st->aliases = S_list(c, key, v, &st->naliases);
  } else S_store_hours(c, st, v);
  return 1;
}

/*--- Keys ----------------------------------------------------------------*/

static void S_set(char **slot, char *v) {
  free(*slot);
  *slot = v;
}

/* Applies one front-matter key. */
static void S_key(S_ctx *c, const char *key, yaml_node_t *v, int kline) {
  kb_article *a = c->a;
  if (!strcmp(key, "title")) S_set(&a->title, S_scalar(c, key, v));
  else if (!strcmp(key, "slug")) { S_set(&a->slug, S_scalar(c, key, v)); a->slug_line = kline; }
  else if (!strcmp(key, "url")) S_set(&a->url, S_scalar(c, key, v));
  else if (!strcmp(key, "collection")) S_set(&a->collection, S_scalar(c, key, v));
  else if (!strcmp(key, "lang")) S_set(&a->lang, S_scalar(c, key, v));
  else if (!strcmp(key, "type")) S_set(&a->type, S_scalar(c, key, v));
  else if (!strcmp(key, "reply")) S_set(&a->reply, S_scalar(c, key, v));
  else if (!strcmp(key, "escalate")) S_set(&a->escalate, S_scalar(c, key, v));
  else if (!strcmp(key, "deeplink")) S_set(&a->deeplink, S_scalar(c, key, v));
  else if (!strcmp(key, "platform")) S_set(&a->platform, S_scalar(c, key, v));
  else if (!strcmp(key, "category")) S_set(&a->category, S_scalar(c, key, v));
  else if (!strcmp(key, "owner")) S_set(&a->owner, S_scalar(c, key, v));
  else if (!strcmp(key, "review_by")) S_set(&a->review_by, S_scalar(c, key, v));
  else if (!strcmp(key, "updated")) S_set(&a->updated, S_scalar(c, key, v));
  else if (!strcmp(key, "translated_from")) S_set(&a->translated_from, S_scalar(c, key, v));
  else if (!strcmp(key, "tags")) {
    S_free_list(a->tags, a->ntags);
    a->tags = S_list(c, key, v, &a->ntags);
  } else if (!strcmp(key, "intent")) {
    S_free_list(a->intents, a->nintents);
    a->intents = S_list(c, key, v, &a->nintents);
  } else if (!strcmp(key, "phrases")) {
    S_free_list(a->phrases, a->nphrases);
    a->phrases = S_list(c, key, v, &a->nphrases);
  } else if (!S_store_key(c, key, v)) {
    S_msg(c, KB_DIAG_WARNING, kline, "article.unknown-key", "key", key, NULL);
  }
}

/* Line numbers of the keys that later checks point at. */
typedef struct {
  int title, url, collection, lang, type, reply, escalate, deeplink, platform, review_by, updated, translated;
  int intent;
} S_lines;

static void S_front_matter(S_ctx *c, const char *yml, size_t n, S_lines *ln) {
  yaml_parser_t p;
  yaml_document_t doc;
  yaml_parser_initialize(&p);
  yaml_parser_set_input_string(&p, (const unsigned char *)yml, n);
  if (!yaml_parser_load(&p, &doc)) {
    /* a quoted value or a [list] left open is found only where the
     * front matter ends: point at where it started (the context) */
    int at = p.context && p.context_mark.line < p.problem_mark.line ? (int)p.context_mark.line
                                                                      : (int)p.problem_mark.line;
    /* libyaml's problem and its context (where it was: "while scanning a
     * quoted scalar") as libyaml words them, in English: the build names
     * them by the catalogue's yaml.* entries, so each language words them */
    if (!p.problem)
      S_msg(c, KB_DIAG_ERROR, c->line0 + at, "article.bad-yaml-syntax", NULL);
    else if (!p.context)
      S_msg(c, KB_DIAG_ERROR, c->line0 + at, "article.bad-yaml", "problem", p.problem, NULL);
    else
      S_msg(c, KB_DIAG_ERROR, c->line0 + at,
            at != (int)p.problem_mark.line ? "article.bad-yaml-context-from" : "article.bad-yaml-context",
            "problem", p.problem, "context", p.context, NULL);
    c->fatal = 1;
    yaml_parser_delete(&p);
    return;
  }
  c->doc = &doc;
  yaml_node_t *root = yaml_document_get_root_node(&doc);
  if (root && root->type != YAML_MAPPING_NODE) {
    S_msg(c, KB_DIAG_ERROR, S_line(c, root), "article.not-mapping", NULL);
    c->fatal = 1;
  } else if (root) {
    for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
         pr < root->data.mapping.pairs.top; pr++) {
      yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
      yaml_node_t *v = yaml_document_get_node(&doc, pr->value);
      if (!k || !v || k->type != YAML_SCALAR_NODE) continue;
      const char *key = (const char *)k->data.scalar.value;
      int kl = S_line(c, k);
      if (!strcmp(key, "title")) ln->title = kl;
      else if (!strcmp(key, "url")) ln->url = kl;
      else if (!strcmp(key, "collection")) ln->collection = kl;
      else if (!strcmp(key, "lang")) ln->lang = kl;
      else if (!strcmp(key, "type")) ln->type = kl;
      else if (!strcmp(key, "reply")) ln->reply = kl;
      else if (!strcmp(key, "escalate")) ln->escalate = kl;
      else if (!strcmp(key, "deeplink")) ln->deeplink = kl;
      else if (!strcmp(key, "platform")) ln->platform = kl;
      else if (!strcmp(key, "review_by")) ln->review_by = kl;
      else if (!strcmp(key, "updated")) ln->updated = kl;
      else if (!strcmp(key, "translated_from")) ln->translated = kl;
      else if (!strcmp(key, "intent")) ln->intent = kl;
      S_key(c, key, v, kl);
    }
  }
  c->doc = NULL;
  yaml_document_delete(&doc);
  yaml_parser_delete(&p);
}

/*--- Body ----------------------------------------------------------------*/

static pthread_once_t S_ext_once = PTHREAD_ONCE_INIT;
static void S_ext_init(void) { cmark_gfm_core_extensions_ensure_registered(); }

static void S_attach(cmark_parser *p, const char *name) {
  cmark_syntax_extension *e = cmark_find_syntax_extension(name);
  if (e) cmark_parser_attach_syntax_extension(p, e);
}

int kb_article_limit_check(const kb_article_limit *lim) {
  if (!lim) return 0;
  if (lim->cancel && atomic_load(lim->cancel)) return 1;
  if (lim->until > 0) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    if ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9 > lim->until) return 2;
  }
  return 0;
}

/* Block nodes after which extracted text gets a line break. */
static int S_is_block(cmark_node *n) {
  cmark_node_type t = cmark_node_get_type(n);
  if (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING ||
      t == CMARK_NODE_ITEM || t == CMARK_NODE_CODE_BLOCK)
    return 1;
  const char *tn = cmark_node_get_type_string(n);
  return tn && (strcmp(tn, "table_cell") == 0 || strcmp(tn, "table_row") == 0);
}

static int S_is_table(cmark_node *n) {
  const char *tn = cmark_node_get_type_string(n);
  return tn && strcmp(tn, "table") == 0;
}

/* The bold text that opens paragraph n on a line of its own (a heading
 * written as "**Accessibility**", the paragraph, if any, on the next
 * line), or NULL. */
static cmark_node *S_bold_label(cmark_node *n) {
  cmark_node *c = cmark_node_first_child(n);
  if (!c || cmark_node_get_type(c) != CMARK_NODE_STRONG) return NULL;
  cmark_node *next = cmark_node_next(c);
  cmark_node_type t = next ? cmark_node_get_type(next) : CMARK_NODE_NONE;
  return t == CMARK_NODE_NONE || t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK ? c : NULL;
}

/* Notes where an aside (a table, a bold label: kb_article.h) starts
 * (enter) or ends (exit) in body. */
static void S_mark_aside(kb_article *a, cmark_event_type ev, size_t at) {
  if (ev == CMARK_EVENT_ENTER) {
    a->asides = kb_xrealloc(a->asides, (size_t)(a->nasides + 1) * 2 * sizeof *a->asides);
    a->asides[2 * a->nasides] = at;
  } else {
    a->asides[2 * a->nasides++ + 1] = at;
  }
}

/* Walks the tree: heading text to headings, the rest to body (noting
 * where its asides are); the first paragraph's text to summary. Linear
 * in the tree: whether a node is in a heading is counted on the way
 * (walking up the parents for every event made a deeply nested file
 * quadratic: 100 KB of '>' took minutes). Returns 0, or what
 * kb_article_limit_check() said when it stopped. */
static int S_extract(kb_article *a, cmark_node *root, const kb_article_limit *lim) {
  kb_buf head = KB_BUF_INIT, body = KB_BUF_INIT, sum = KB_BUF_INIT;
  cmark_iter *it = cmark_iter_new(root);
  cmark_event_type ev;
  int in_first_para = 0, seen_para = 0, headings = 0, stopped = 0;
  cmark_node *label = NULL; /* the bold label being walked */
  unsigned long events = 0;
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    if (++events % 4096 == 0 && (stopped = kb_article_limit_check(lim)) != 0) break;
    cmark_node *n = cmark_iter_get_node(it);
    cmark_node_type t = cmark_node_get_type(n);
    /* tables and paragraphs are blocks: never inside a heading, a table
     * or a paragraph (so asides do not nest) */
    if ((ev == CMARK_EVENT_ENTER || ev == CMARK_EVENT_EXIT) && S_is_table(n)) {
      S_mark_aside(a, ev, body.n);
    } else if (t == CMARK_NODE_PARAGRAPH && ev == CMARK_EVENT_ENTER && (label = S_bold_label(n))) {
      S_mark_aside(a, ev, body.n);
    } else if (n == label && ev == CMARK_EVENT_EXIT) {
      S_mark_aside(a, ev, body.n);
      label = NULL;
    }
    if (t == CMARK_NODE_HEADING && ev == CMARK_EVENT_ENTER) headings++;
    int in_heading = headings > 0; /* n is a heading or inside one */
    if (t == CMARK_NODE_HEADING && ev == CMARK_EVENT_EXIT) headings--;
    if (t == CMARK_NODE_PARAGRAPH && !in_heading &&
        cmark_node_get_type(cmark_node_parent(n)) == CMARK_NODE_DOCUMENT) {
      if (ev == CMARK_EVENT_ENTER && !seen_para) in_first_para = seen_para = 1;
      else if (ev == CMARK_EVENT_EXIT) in_first_para = 0;
    }
    kb_buf *dst = in_heading ? &head : &body;
    if (ev == CMARK_EVENT_EXIT && S_is_block(n)) kb_buf_putc(dst, '\n');
    if (ev != CMARK_EVENT_ENTER) continue;
    const char *lit = NULL;
    if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE || t == CMARK_NODE_CODE_BLOCK)
      lit = cmark_node_get_literal(n);
    else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
      lit = " ";
    if (!lit) continue;
    kb_buf_puts(dst, lit);
    if (in_first_para) kb_buf_puts(&sum, lit);
  }
  cmark_iter_free(it);
  a->headings = kb_buf_detach(&head);
  a->body = kb_buf_detach(&body);
  a->summary = kb_buf_detach(&sum);
  return stopped;
}

/* Deepest nesting of block quotes and lists a body may have, and most
 * table cells: a help article needs a few of each. cmark-gfm is linear,
 * but at 1.5 million nodes to the MiB (a file of '>' is a million block
 * quotes, 28 MB of HTML) it takes a second or more, and its tables cost
 * more per cell; such files are refused before it parses them. */
#define S_MAX_DEPTH 32
#define S_MAX_CELLS 20000

/* Checks the body against those limits; on a breach reports it (error,
 * with its line) and returns -1. */
static int S_body_limits(S_ctx *c, const char *md, size_t n, int line0) {
  size_t pipes = 0;
  int line = line0;
  for (size_t i = 0; i < n;) {
    int depth = 0;
    size_t j = i;
    for (;;) { /* the line's container markers: '>', '-', '*', '+', "1." */
      while (j < n && (md[j] == ' ' || md[j] == '\t')) j++;
      if (j < n && md[j] == '>') { depth++; j++; continue; }
      if (j + 1 < n && (md[j] == '-' || md[j] == '*' || md[j] == '+') &&
          (md[j + 1] == ' ' || md[j + 1] == '\t')) { depth++; j += 2; continue; }
      size_t k = j;
      while (k < n && k - j < 9 && md[k] >= '0' && md[k] <= '9') k++;
      if (k > j && k + 1 < n && (md[k] == '.' || md[k] == ')') && (md[k + 1] == ' ' || md[k + 1] == '\t')) {
        depth++;
        j = k + 2;
        continue;
      }
      break;
    }
    if (depth > S_MAX_DEPTH) {
      char sd[16], sm[16];
      snprintf(sd, sizeof sd, "%d", depth);
      snprintf(sm, sizeof sm, "%d", S_MAX_DEPTH);
      S_msg(c, KB_DIAG_ERROR, line, "article.too-deep", "depth", sd, "max", sm, NULL);
      return -1;
    }
    while (j < n && md[j] != '\n') pipes += md[j++] == '|';
    if (pipes > S_MAX_CELLS) {
      char sm[16];
      snprintf(sm, sizeof sm, "%d", S_MAX_CELLS);
      S_msg(c, KB_DIAG_ERROR, line, "article.too-many-cells", "max", sm, NULL);
      return -1;
    }
    i = j + 1;
    line++;
  }
  return 0;
}

/* Parses and renders the body; returns 0, or why it stopped. */
static int S_body(kb_article *a, const char *md, size_t n, const kb_article_limit *lim) {
  pthread_once(&S_ext_once, S_ext_init);
  int opts = CMARK_OPT_DEFAULT; /* safe: no raw HTML, no javascript: links */
  cmark_parser *p = cmark_parser_new(opts);
  S_attach(p, "table");
  S_attach(p, "strikethrough");
  S_attach(p, "autolink");
  cmark_parser_feed(p, md, n);
  cmark_node *doc = cmark_parser_finish(p);
  int stopped = kb_article_limit_check(lim);
  if (!stopped) stopped = S_extract(a, doc, lim);
  if (!stopped) stopped = kb_article_limit_check(lim);
  if (!stopped) {
    char *html = cmark_render_html(doc, opts, cmark_parser_get_syntax_extensions(p));
    a->html = kb_xstrdup(html);
    free(html);
  }
  cmark_node_free(doc);
  cmark_parser_free(p);
  return stopped;
}

/*--- Checks --------------------------------------------------------------*/

int kb_article_slug_valid(const char *slug) {
  if (!slug || !*slug || *slug == '-') return 0;
  for (const char *p = slug; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
      return 0;
  return 1;
}

/* The slug a file gets by default: its name without directories and .md. */
static char *S_default_slug(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t n = strlen(base);
  if (n > 3 && strcmp(base + n - 3, ".md") == 0) n -= 3;
  return kb_xstrndup(base, n);
}

static int S_is_http_url(const char *u) {
  const char *rest = NULL;
  if (strncasecmp(u, "https://", 8) == 0) rest = u + 8;
  else if (strncasecmp(u, "http://", 7) == 0) rest = u + 7;
  if (!rest || !*rest || *rest == '/') return 0;
  for (const char *p = u; *p; p++)
    if ((unsigned char)*p <= ' ') return 0;
  return 1;
}

/* 1 if s is a date written YYYY-MM-DD. */
static int S_is_date(const char *s) {
  int y, m, d;
  char end;
  return strlen(s) == 10 && s[4] == '-' && s[7] == '-' && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &end) == 3 &&
         y >= 2000 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static void S_check(S_ctx *c, const S_lines *ln) {
  kb_article *a = c->a;
  if (!a->title || !*a->title) {
    S_msg(c, KB_DIAG_ERROR, ln->title ? ln->title : 1, a->title ? "article.empty-title" : "article.no-title", NULL);
    c->fatal = 1;
  }
  if (!a->slug) a->slug = S_default_slug(c->path);
  if (!kb_article_slug_valid(a->slug)) {
    S_msg(c, KB_DIAG_ERROR, a->slug_line, "article.bad-slug", "slug", a->slug, NULL);
    c->fatal = 1;
  }
  if (a->url && !S_is_http_url(a->url))
    S_msg(c, KB_DIAG_ERROR, ln->url, "article.bad-url", "url", a->url, NULL);
  if (!a->collection || !*a->collection) S_set(&a->collection, kb_xstrdup("default"));
  else if (!kb_article_slug_valid(a->collection) &&
           strspn(a->collection, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != strlen(a->collection))
    S_msg(c, KB_DIAG_ERROR, ln->collection, "article.bad-collection", "collection", a->collection, NULL);
  a->lang_line = a->lang && *a->lang ? ln->lang : 0;
  if (!a->lang || !*a->lang) S_set(&a->lang, kb_xstrdup("en"));
  else if (!kb_text_lang_known(a->lang)) {
    S_msg(c, KB_DIAG_ERROR, ln->lang, "article.bad-lang", "lang", a->lang, NULL);
    c->fatal = 1;
  }
  if (!a->type || !*a->type) S_set(&a->type, kb_xstrdup("article"));
  else if (strcmp(a->type, "article") && strcmp(a->type, "store") && strcmp(a->type, "offtopic"))
    S_msg(c, KB_DIAG_ERROR, ln->type, "article.bad-type", "type", a->type, NULL);
  if (a->escalate && strcmp(a->escalate, "dm") != 0)
    S_msg(c, KB_DIAG_ERROR, ln->escalate, "article.bad-escalate", "escalate", a->escalate, NULL);
  if (a->platform && strcmp(a->platform, "ios") && strcmp(a->platform, "android"))
    S_msg(c, KB_DIAG_ERROR, ln->platform, "article.bad-platform", "platform", a->platform, NULL);
  for (int i = 0; i < a->nintents; i++)
    if (!kb_lang_intent_bit(a->intents[i])) {
      char names[160];
      kb_lang_intent_names(names, sizeof names);
      S_msg(c, KB_DIAG_ERROR, ln->intent, "article.bad-intent", "intent", a->intents[i], "intents", names, NULL);
    }
  if (a->deeplink && strcmp(a->deeplink, "store") != 0)
    S_msg(c, KB_DIAG_ERROR, ln->deeplink, "article.bad-deeplink", "deeplink", a->deeplink, NULL);
  if (a->review_by && !S_is_date(a->review_by))
    S_msg(c, KB_DIAG_ERROR, ln->review_by, "article.bad-date", "key", "review_by", "value", a->review_by, NULL);
  if (a->updated && !S_is_date(a->updated))
    S_msg(c, KB_DIAG_ERROR, ln->updated, "article.bad-date", "key", "updated", "value", a->updated, NULL);
  a->translated_line = ln->translated;
  a->updated_line = a->updated ? ln->updated : 0;
  if (a->translated_from && !S_is_date(a->translated_from))
    S_msg(c, KB_DIAG_ERROR, ln->translated, "article.bad-translated-from", "value", a->translated_from, NULL);
  if (a->reply && a->title) {
    char *bad = NULL;
    int len = kb_reply_max_length(a->reply, a->title, &bad);
    char sl[16], sm[16];
    snprintf(sl, sizeof sl, "%d", len);
    snprintf(sm, sizeof sm, "%d", KB_REPLY_MAX);
    if (bad && len == -2) S_msg(c, KB_DIAG_ERROR, ln->reply, "article.reply-section", "mark", bad, NULL);
    else if (bad) S_msg(c, KB_DIAG_ERROR, ln->reply, "article.reply-placeholder", "mark", bad, NULL);
    else if (len > KB_REPLY_MAX)
      S_msg(c, KB_DIAG_ERROR, ln->reply, "article.reply-too-long", "length", sl, "limit", sm, NULL);
    else if (!strstr(a->reply, "{url}"))
      S_msg(c, KB_DIAG_WARNING, ln->reply, "article.reply-no-url", NULL);
    free(bad);
  }
  if (a->type && !strcmp(a->type, "store")) {
    kb_store *st = a->store;
    const char *miss = !st ? "town" : !st->town ? "town" : !st->address ? "address"
                     : !st->postcode ? "postcode" : !st->phone ? "phone" : NULL;
    if (miss) S_msg(c, KB_DIAG_ERROR, ln->type, "article.store-needs", "key", miss, NULL);
    if (st && st->lat == 0 && st->lon == 0)
      S_msg(c, KB_DIAG_ERROR, ln->type, "article.store-needs-coordinates", NULL);
  } else if (a->store) {
    S_msg(c, KB_DIAG_WARNING, ln->type ? ln->type : 1, "article.store-keys-ignored", NULL);
  }
}

/*--- Entry point ---------------------------------------------------------*/

/* Finds the front matter: "---" on the first line up to the next line that
 * is "---" (or "..."). Sets [*ps, *pe) to the YAML and *pbody to the body. */
static int S_split(const char *z, size_t n, size_t *ps, size_t *pe, size_t *pbody) {
  size_t i = 0;
  if (n >= 3 && (unsigned char)z[0] == 0xEF && (unsigned char)z[1] == 0xBB &&
      (unsigned char)z[2] == 0xBF)
    i = 3; /* byte-order mark */
  if (n - i < 3 || strncmp(z + i, "---", 3) != 0) return 0;
  size_t j = i + 3;
  while (j < n && (z[j] == ' ' || z[j] == '\t' || z[j] == '\r')) j++;
  if (j < n && z[j] != '\n') return 0;
  *ps = j + 1;
  for (size_t k = *ps; k < n;) {
    size_t e = k;
    while (e < n && z[e] != '\n') e++;
    size_t len = e - k;
    while (len && (z[k + len - 1] == '\r' || z[k + len - 1] == ' ')) len--;
    if (len == 3 && (strncmp(z + k, "---", 3) == 0 || strncmp(z + k, "...", 3) == 0)) {
      *pe = k;
      *pbody = e < n ? e + 1 : n;
      return 1;
    }
    k = e + 1;
  }
  return 0;
}

kb_article *kb_article_parse(const char *path, const char *data, size_t n,
                             kb_diag *d) {
  int stopped;
  return kb_article_parse_limited(path, data, n, d, NULL, &stopped);
}

kb_article *kb_article_parse_limited(const char *path, const char *data, size_t n,
                                     kb_diag *d, const kb_article_limit *lim,
                                     int *stopped) {
  *stopped = 0;
  S_ctx c = {.path = path, .d = d, .line0 = 2};
  size_t bad;
  if (!kb_text_utf8_valid(data, n, &bad)) {
    char sb[32];
    snprintf(sb, sizeof sb, "%zu", bad);
    kb_diag_msg(d, KB_DIAG_ERROR, path, kb_line_of(data, bad), "article.bad-utf8", "byte", sb, NULL);
    return NULL;
  }
  if (memchr(data, 0, n)) {
    kb_diag_msg(d, KB_DIAG_ERROR, path, kb_line_of(data, (size_t)((const char *)memchr(data, 0, n) - data)),
                "article.nul", NULL);
    return NULL;
  }
  size_t ys, ye, body;
  if (!S_split(data, n, &ys, &ye, &body)) {
    kb_diag_msg(d, KB_DIAG_ERROR, path, 1, "article.no-front-matter", NULL);
    return NULL;
  }
  c.line0 = kb_line_of(data, ys);
  c.a = kb_xcalloc(1, sizeof(kb_article));
  c.a->path = kb_xstrdup(path);
  c.a->slug_line = 1;
  S_lines ln = {0};
  S_front_matter(&c, data + ys, ye - ys, &ln);
  if (!c.fatal) S_check(&c, &ln);
  if (c.fatal) {
    kb_article_free(c.a);
    return NULL;
  }
  if (S_body_limits(&c, data + body, n - body, kb_line_of(data, body)) != 0) {
    kb_article_free(c.a);
    return NULL;
  }
  if ((*stopped = S_body(c.a, data + body, n - body, lim)) != 0) {
    kb_article_free(c.a);
    return NULL;
  }
  return c.a;
}

void kb_article_free(kb_article *a) {
  if (!a) return;
  free(a->path); free(a->title); free(a->slug); free(a->url);
  free(a->collection); free(a->lang); free(a->type); free(a->reply);
  free(a->escalate); free(a->deeplink); free(a->platform); free(a->headings); free(a->body); free(a->asides); free(a->summary);
  free(a->html); free(a->category); free(a->owner); free(a->review_by); free(a->updated);
  free(a->translated_from);
  free(a->source_updated);
  S_free_list(a->tags, a->ntags);
  S_free_list(a->intents, a->nintents);
  S_free_list(a->phrases, a->nphrases);
  if (a->store) {
    kb_store *st = a->store;
    free(st->town); free(st->address); free(st->postcode); free(st->phone);
    S_free_list(st->aliases, st->naliases);
    for (int i = 0; i < KB_DAYS; i++) free(st->hours[i]);
    free(st);
  }
  free(a);
}
