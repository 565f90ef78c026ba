/*
 * kb_report.c - the knowledge team's reports (see kb_report.h).
 *
 * Every report is first gathered into rows of a small table (S_table),
 * then written out as JSON, text or HTML by one writer each, so the three
 * forms always say the same thing.
 *
 * Grouping unanswered mentions by their most telling word: each mention is
 * analyzed like a query; the words are counted over all the unanswered
 * mentions, and each mention goes to the group of its word that the most
 * other unanswered mentions share (ties: the word rarer in the index), so
 * "esim", "abroad", "warranty" come out as the gaps the knowledge base
 * has, with examples.
 */
#include "kb_report.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_esc.h"

const char *const kb_report_names[] = {"unanswered", "most-sent", "never-sent", "no-results",
                                       "no-fit", "helpful", "languages", NULL};

#define S_MAX_ROWS 50
#define S_MAX_EXAMPLES 3

#define S_MAX_NUMS 8

/* One report as rows: a label, up to eight numbers, examples. */
typedef struct {
  char *label;
  char *detail;                    /* e.g. the article's title */
  long num[S_MAX_NUMS];
  char *examples[S_MAX_EXAMPLES];
  int nexamples;
} S_row;

typedef struct {
  const char *name, *title;        /* report name, heading */
  const char *cols[S_MAX_NUMS + 1]; /* label column, number columns */
  int ncols;                       /* number columns used */
  S_row *rows;
  int n;
  const char *shown;               /* NULL: a row's detail is a title;
                                      else its name in JSON ("shown": the
                                      article a search showed first) */
} S_table;

static S_row *S_add(S_table *t, const char *label, const char *detail) {
  t->rows = kb_xrealloc(t->rows, (size_t)(t->n + 1) * sizeof *t->rows);
  S_row *r = &t->rows[t->n++];
  memset(r, 0, sizeof *r);
  r->label = kb_xstrdup(label ? label : "");
  r->detail = detail ? kb_xstrdup(detail) : NULL;
  return r;
}

static void S_table_free(S_table *t) {
  for (int i = 0; i < t->n; i++) {
    free(t->rows[i].label);
    free(t->rows[i].detail);
    for (int k = 0; k < t->rows[i].nexamples; k++) free(t->rows[i].examples[k]);
  }
  free(t->rows);
}

/* The time window as an SQL condition on column ts. */
static char *S_since(int days) {
  return days > 0 ? kb_fmt("ts >= strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now', '-%d days')", days)
                  : kb_xstrdup("1");
}

/*--- Gathering -----------------------------------------------------------*/

typedef struct {
  char **terms;   /* stems */
  char **shown;   /* the word as written (folded), for people */
  int n;
} S_terms;

static int S_term_cb(void *ctx, int flags, const char *t, int n, int s, int e) {
  S_terms *q = ctx;
  (void)s; (void)e;
  if ((flags & KB_TOKEN_COLOCATED) && n > 1 && t[0] == KB_TEXT_EXACT_MARK && q->n > 0) {
    free(q->shown[q->n - 1]); /* the exact form of the stem just added */
    q->shown[q->n - 1] = kb_xstrndup(t + 1, (size_t)n - 1);
    return 0;
  }
  if ((flags & KB_TOKEN_COLOCATED) || n < 3 || q->n >= 64) return 0;
  for (int i = 0; i < q->n; i++)
    if ((int)strlen(q->terms[i]) == n && !memcmp(q->terms[i], t, (size_t)n)) return 0;
  q->terms = kb_xrealloc(q->terms, (size_t)(q->n + 1) * sizeof *q->terms);
  q->shown = kb_xrealloc(q->shown, (size_t)(q->n + 1) * sizeof *q->shown);
  q->terms[q->n] = kb_xstrndup(t, (size_t)n);
  q->shown[q->n++] = kb_xstrndup(t, (size_t)n);
  return 0;
}

typedef struct {
  char *word;
  int count;
} S_word;

static int S_word_count(const S_word *w, int n, const char *t) {
  for (int i = 0; i < n; i++)
    if (!strcmp(w[i].word, t)) return w[i].count;
  return 0;
}

static int S_cmp_rows(const void *a, const void *b) {
  const S_row *x = a, *y = b;
  return x->num[0] != y->num[0] ? (y->num[0] > x->num[0] ? 1 : -1) : strcmp(x->label, y->label);
}

/*--- Languages ------------------------------------------------------------*/

/* The code old rows count under: a row logged before its table kept a
 * language (NULL) is the index's default language's. */
static const char *S_def(kb_index *ix) {
  const char *def = kb_index_default_code(ix);
  return def ? def : "en";
}

/* 1 if table of the database attached as schema ("main" for the data's
 * own) has column col: a store no server of #20 has opened yet has no
 * lang, one of before #19's no-fit no nothing_fits or top_slug in
 * searches. */
static int S_has_col(sqlite3 *db, const char *schema, const char *table, const char *col) {
  sqlite3_stmt *st;
  char *sql = sqlite3_mprintf("SELECT 1 FROM pragma_table_info(%Q, %Q) WHERE name = %Q", table, schema, col);
  int has = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  sqlite3_free(sql);
  return has;
}

/* A row's language as SQL (an expression over a row of schema's table). */
static char *S_lang_expr(kb_index *ix, sqlite3 *db, const char *schema, const char *table) {
  char *s = S_has_col(db, schema, table, "lang") ? sqlite3_mprintf("ifnull(lang, %Q)", S_def(ix))
                                  : sqlite3_mprintf("%Q", S_def(ix));
  char *out = kb_xstrdup(s);
  sqlite3_free(s);
  return out;
}

/* The condition on table's rows for language lang (NULL: any). */
static char *S_lang_cond(kb_index *ix, sqlite3 *db, const char *table, const char *lang) {
  if (!lang) return kb_xstrdup("1");
  char *e = S_lang_expr(ix, db, "main", table);
  char *s = sqlite3_mprintf("%s = %Q", e, lang);
  char *out = kb_xstrdup(s);
  sqlite3_free(s);
  free(e);
  return out;
}

/* The searches no article fits (the suggest path's abstention said so)
 * though the search showed something: the SQL condition on a row of
 * searches ("0" in a store without the column). */
static const char *S_no_fit(sqlite3 *db) {
  return S_has_col(db, "main", "searches", "nothing_fits") ? "nothing_fits = 1 AND total > 0" : "0";
}

/* The analyzer of a mention in language code (its stop words and
 * stemmer: a French mention's most telling word is no French stop word),
 * else the default language's. */
static kb_analyzer *S_analyzer(kb_index *ix, const char *code) {
  kb_analyzer *an = code ? kb_index_analyzer_of(ix, kb_index_lang_find(ix, code)) : NULL;
  return an ? an : kb_index_analyzer(ix);
}

static int S_unanswered(kb_index *ix, sqlite3 *db, int days, const char *lang, S_table *t) {
  char *since = S_since(days);
  char *ml = S_lang_expr(ix, db, "main", "mentions"), *fl = S_lang_expr(ix, db, "main", "feedback");
  char *mc = S_lang_cond(ix, db, "mentions", lang), *fc = S_lang_cond(ix, db, "feedback", lang);
  char *sql = kb_fmt(
      "SELECT text, %s FROM mentions WHERE answerable = 0 AND %s AND %s"
      " UNION ALL SELECT text, max(%s) FROM feedback WHERE %s AND %s GROUP BY text"
      " HAVING sum(action <> 'dismissed') = 0", ml, since, mc, fl, since, fc);
  free(since);
  free(ml);
  free(fl);
  free(mc);
  free(fc);
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
  free(sql);
  if (rc != SQLITE_OK) return -1;
  char **texts = NULL;
  S_terms *terms = NULL;
  int n = 0;
  while (sqlite3_step(st) == SQLITE_ROW && n < 100000) {
    texts = kb_xrealloc(texts, (size_t)(n + 1) * sizeof *texts);
    terms = kb_xrealloc(terms, (size_t)(n + 1) * sizeof *terms);
    texts[n] = kb_xstrdup((const char *)sqlite3_column_text(st, 0));
    terms[n] = (S_terms){NULL, NULL, 0};
    kb_analyzer *an = S_analyzer(ix, (const char *)sqlite3_column_text(st, 1));
    if (an) kb_analyzer_run(an, texts[n], -1, KB_TEXT_QUERY | KB_TEXT_EXACT, S_term_cb, &terms[n]);
    n++;
  }
  sqlite3_finalize(st);
  /* how many unanswered mentions use each word */
  S_word *w = NULL;
  int nw = 0;
  for (int i = 0; i < n; i++)
    for (int k = 0; k < terms[i].n; k++) {
      int found = 0;
      for (int j = 0; j < nw && !found; j++)
        if (!strcmp(w[j].word, terms[i].terms[k])) found = ++w[j].count;
      if (!found) {
        w = kb_xrealloc(w, (size_t)(nw + 1) * sizeof *w);
        w[nw++] = (S_word){terms[i].terms[k], 1};
      }
    }
  for (int i = 0; i < n; i++) {
    const char *best = NULL, *shown = NULL;
    int bc = 0;
    for (int k = 0; k < terms[i].n; k++) {
      int c = S_word_count(w, nw, terms[i].terms[k]);
      if (c > bc) { bc = c; best = terms[i].terms[k]; shown = terms[i].shown[k]; }
    }
    if (!best) best = shown = "(no words)";
    /* rows are keyed by stem (kept in detail until the end), shown by the
     * first way it was written */
    S_row *r = NULL;
    for (int j = 0; j < t->n && !r; j++)
      if (!strcmp(t->rows[j].detail, best)) r = &t->rows[j];
    if (!r) r = S_add(t, shown, best);
    r->num[0]++;
    if (r->nexamples < S_MAX_EXAMPLES) r->examples[r->nexamples++] = kb_xstrdup(texts[i]);
  }
  for (int i = 0; i < n; i++) {
    for (int k = 0; k < terms[i].n; k++) {
      free(terms[i].terms[k]);
      free(terms[i].shown[k]);
    }
    free(terms[i].terms);
    free(terms[i].shown);
    free(texts[i]);
  }
  for (int j = 0; j < t->n; j++) { /* the stems were only keys */
    free(t->rows[j].detail);
    t->rows[j].detail = NULL;
  }
  free(terms);
  free(texts);
  free(w);
  if (t->n) qsort(t->rows, (size_t)t->n, sizeof *t->rows, S_cmp_rows);
  while (t->n > S_MAX_ROWS) { /* keep the largest groups */
    S_row *r = &t->rows[--t->n];
    free(r->label);
    free(r->detail);
    for (int k = 0; k < r->nexamples; k++) free(r->examples[k]);
  }
  return 0;
}

/* Rows from an SQL query of (label, detail, num, num, num...). */
static int S_query(sqlite3 *db, const char *sql, S_table *t) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
  while (sqlite3_step(st) == SQLITE_ROW && t->n < 1000) {
    S_row *r = S_add(t, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1));
    for (int i = 0; i < S_MAX_NUMS && i + 2 < sqlite3_column_count(st); i++)
      r->num[i] = sqlite3_column_int64(st, i + 2);
  }
  sqlite3_finalize(st);
  return 0;
}

typedef struct {
  sqlite3 *db;
  sqlite3_stmt *sent;
  S_table *t;
  int most;      /* 1: fill titles of most-sent rows; 0: never-sent */
} S_listctx;

static void S_list_cb(void *ctx, const char *coll, const char *slug, const char *title) {
  S_listctx *c = ctx;
  if (c->most) {
    for (int i = 0; i < c->t->n; i++) {
      char *lbl = kb_fmt("%s/%s", coll, slug);
      if (!strcmp(c->t->rows[i].label, lbl) && !c->t->rows[i].detail)
        c->t->rows[i].detail = kb_xstrdup(title);
      free(lbl);
    }
    return;
  }
  sqlite3_bind_text(c->sent, 1, coll, -1, SQLITE_STATIC);
  sqlite3_bind_text(c->sent, 2, slug, -1, SQLITE_STATIC);
  int sent = sqlite3_step(c->sent) == SQLITE_ROW;
  sqlite3_reset(c->sent);
  if (!sent && c->t->n < 1000) {
    char *lbl = kb_fmt("%s/%s", coll, slug);
    S_add(c->t, lbl, title);
    free(lbl);
  }
}

/* The row of language code in t (added, its numbers 0, when missing). */
static S_row *S_lang_row(S_table *t, const char *code) {
  for (int i = 0; i < t->n; i++)
    if (!strcmp(t->rows[i].label, code)) return &t->rows[i];
  return S_add(t, code, NULL);
}

/* Adds to t the numbers of sql's rows (a language, then n numbers) at
 * column at of each language's row. 0 or -1. */
static int S_lang_counts(sqlite3 *db, const char *sql, int at, int n, S_table *t) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
  while (sqlite3_step(st) == SQLITE_ROW && t->n < 1000) {
    const char *code = (const char *)sqlite3_column_text(st, 0);
    S_row *r = S_lang_row(t, code ? code : "");
    for (int k = 0; k < n; k++) r->num[at + k] += sqlite3_column_int64(st, k + 1);
  }
  sqlite3_finalize(st);
  return 0;
}

/* Adds each language's flags (articles agents flagged, from the team's
 * queue: DIR/queue.sqlite beside data_db, when there is one) at column
 * at of t. 0, or -1 when the queue cannot be read. */
static int S_lang_flags(kb_index *ix, sqlite3 *db, const char *data_db, const char *since, int at,
                        S_table *t) {
  const char *slash = strrchr(data_db, '/');
  char *path = slash ? kb_fmt("%.*s/queue.sqlite", (int)(slash - data_db), data_db) : kb_xstrdup("queue.sqlite");
  FILE *f = fopen(path, "rb");
  if (!f) { /* no queue yet: no flags */
    free(path);
    return 0;
  }
  fclose(f);
  char *att = sqlite3_mprintf("ATTACH 'file:' || %Q || '?mode=ro' AS q", path);
  free(path);
  int rc = sqlite3_exec(db, att, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
  sqlite3_free(att);
  if (rc == 0) {
    char *e = S_lang_expr(ix, db, "q", "items");
    char *sql = kb_fmt("SELECT %s, count(*) FROM q.items WHERE kind = 'flag' AND %s GROUP BY 1", e, since);
    rc = S_lang_counts(db, sql, at, 1, t);
    free(sql);
    free(e);
    sqlite3_exec(db, "DETACH q", NULL, NULL, NULL);
  }
  return rc;
}

/* The figures of every language side by side (whatever language the other
 * reports are of): the index's languages first, the default one leading,
 * then any other a row names (a language the index no longer has). */
static int S_languages(kb_index *ix, sqlite3 *db, const char *data_db, const char *since, S_table *t) {
  S_lang_row(t, S_def(ix));
  for (int i = 0; i < kb_index_nlangs(ix); i++) S_lang_row(t, kb_index_lang_code(ix, i));
  static const struct { const char *table, *sql; int at, n; } q[] = {
      {"mentions", "SELECT %s, count(*), sum(answerable != 0) FROM mentions WHERE %s GROUP BY 1", 0, 2},
      {"feedback", "SELECT %s, count(*) FROM feedback WHERE action IN ('sent','edited') AND %s GROUP BY 1", 2, 1},
      {"helpful", "SELECT %s, sum(helpful != 0), sum(helpful = 0) FROM helpful WHERE %s GROUP BY 1", 3, 2},
      {"searches", "SELECT %s, count(*) FROM searches WHERE total = 0 AND %s GROUP BY 1", 5, 1},
  };
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < sizeof q / sizeof *q; i++) {
    char *e = S_lang_expr(ix, db, "main", q[i].table);
    char *sql = kb_fmt(q[i].sql, e, since);
    rc = S_lang_counts(db, sql, q[i].at, q[i].n, t);
    free(sql);
    free(e);
  }
  if (rc == 0) { /* the searches no article fits (the no-fit report's) */
    char *e = S_lang_expr(ix, db, "main", "searches");
    char *sql = kb_fmt("SELECT %s, count(*) FROM searches WHERE %s AND %s GROUP BY 1", e, S_no_fit(db), since);
    rc = S_lang_counts(db, sql, 6, 1, t);
    free(sql);
    free(e);
  }
  return rc == 0 ? S_lang_flags(ix, db, data_db, since, 7, t) : rc;
}

static int S_gather(kb_index *ix, sqlite3 *db, const char *data_db, const char *name, int days,
                    const char *lang, S_table *t) {
  char *since = S_since(days), *sql = NULL;
  int rc = 0;
  memset(t, 0, sizeof *t);
  t->name = name;
  if (!strcmp(name, "unanswered")) {
    *t = (S_table){name, "Mentions nobody could answer, by their most telling word", {"word", "mentions"}, 1, NULL, 0, NULL};
    rc = S_unanswered(ix, db, days, lang, t);
  } else if (!strcmp(name, "most-sent")) {
    *t = (S_table){name, "Articles agents sent most", {"article", "sent"}, 1, NULL, 0, NULL};
    char *cond = S_lang_cond(ix, db, "feedback", lang);
    sql = kb_fmt("SELECT collection || '/' || slug, NULL, count(*) FROM feedback WHERE action <> 'dismissed'"
                 " AND %s AND %s GROUP BY 1 ORDER BY 3 DESC, 1 LIMIT %d", since, cond, S_MAX_ROWS);
    free(cond);
    rc = S_query(db, sql, t);
    S_listctx c = {.db = db, .t = t, .most = 1};
    if (rc == 0) kb_index_list_lang(ix, lang, S_list_cb, &c);
  } else if (!strcmp(name, "never-sent")) {
    *t = (S_table){name, "Articles agents never sent", {"article"}, 0, NULL, 0, NULL};
    S_listctx c = {.db = db, .t = t, .most = 0};
    char *cond = S_lang_cond(ix, db, "feedback", lang);
    sql = kb_fmt("SELECT 1 FROM feedback WHERE collection = ?1 AND slug = ?2 AND action <> 'dismissed' AND %s"
                 " AND %s LIMIT 1", since, cond);
    free(cond);
    rc = sqlite3_prepare_v2(db, sql, -1, &c.sent, NULL) == SQLITE_OK ? 0 : -1;
    if (rc == 0) kb_index_list_lang(ix, lang, S_list_cb, &c);
    sqlite3_finalize(c.sent);
  } else if (!strcmp(name, "no-results")) {
    *t = (S_table){name, "Public searches that found nothing", {"search", "times"}, 1, NULL, 0, NULL};
    char *cond = S_lang_cond(ix, db, "searches", lang);
    sql = kb_fmt("SELECT lower(trim(q)), NULL, count(*) FROM searches WHERE total = 0 AND %s AND %s"
                 " GROUP BY 1 ORDER BY 3 DESC, 1 LIMIT %d", since, cond, S_MAX_ROWS);
    free(cond);
    rc = S_query(db, sql, t);
  } else if (!strcmp(name, "no-fit")) {
    /* each search (as no-results groups them) with the article it showed
     * first most often (ties: the first slug) */
    *t = (S_table){name, "Public searches no article fits", {"search", "times"}, 1, NULL, 0, "shown"};
    /* (none in a store no server of #19 opened yet: no such columns) */
    if (S_has_col(db, "main", "searches", "top_slug")) {
      char *cond = S_lang_cond(ix, db, "searches", lang);
      sql = kb_fmt("WITH s AS (SELECT lower(trim(q)) AS k, top_slug AS top, count(*) AS n FROM searches"
                   " WHERE %s AND %s AND %s GROUP BY 1, 2)"
                   " SELECT k, (SELECT top FROM s AS b WHERE b.k = s.k ORDER BY b.n DESC, b.top IS NULL,"
                   " b.top LIMIT 1), sum(n) FROM s GROUP BY k ORDER BY 3 DESC, 1 LIMIT %d",
                   S_no_fit(db), since, cond, S_MAX_ROWS);
      free(cond);
      rc = S_query(db, sql, t);
    }
  } else if (!strcmp(name, "helpful")) {
    *t = (S_table){name, "\"Did this help?\" answers", {"article", "yes", "no"}, 2, NULL, 0, NULL};
    char *cond = S_lang_cond(ix, db, "helpful", lang);
    sql = kb_fmt("SELECT collection || '/' || slug, NULL, sum(helpful), sum(1 - helpful) FROM helpful"
                 " WHERE %s AND %s GROUP BY 1 ORDER BY 4 DESC, 3 DESC, 1 LIMIT %d", since, cond, S_MAX_ROWS);
    free(cond);
    rc = S_query(db, sql, t);
  } else if (!strcmp(name, "languages")) {
    *t = (S_table){name, "Each language's figures",
                   {"lang", "mentions", "answerable", "sent", "yes", "no", "no_results", "no_fit", "flags"},
                   8, NULL, 0, NULL};
    rc = S_languages(ix, db, data_db, since, t);
  } else {
    rc = -3;
  }
  free(sql);
  free(since);
  return rc;
}

/*--- Writing -------------------------------------------------------------*/

/* A reader's words (kb_report_words and its argument; words NULL: English). */
typedef struct {
  kb_report_words words;
  void *arg;
} S_lex;


static void S_json_table(const S_table *t, kb_buf *out, const S_lex *x) {
  (void)x;
  kb_buf_puts(out, "{\"report\":");
  kb_buf_put_json(out, t->name, strlen(t->name));
  kb_buf_puts(out, ",\"rows\":[");
  for (int i = 0; i < t->n; i++) {
    const S_row *r = &t->rows[i];
    if (i) kb_buf_putc(out, ',');
    kb_buf_printf(out, "{\"%s\":", t->cols[0]);
    kb_buf_put_json(out, r->label, strlen(r->label));
    if (r->detail) {
      kb_buf_printf(out, ",\"%s\":", t->shown ? t->shown : "title");
      kb_buf_put_json(out, r->detail, strlen(r->detail));
    }
    for (int c = 0; c < t->ncols; c++) kb_buf_printf(out, ",\"%s\":%ld", t->cols[c + 1], r->num[c]);
    if (r->nexamples) {
      kb_buf_puts(out, ",\"examples\":[");
      for (int k = 0; k < r->nexamples; k++) {
        if (k) kb_buf_putc(out, ',');
        kb_buf_put_json(out, r->examples[k], strlen(r->examples[k]));
      }
      kb_buf_putc(out, ']');
    }
    kb_buf_putc(out, '}');
  }
  kb_buf_puts(out, "]}");
}

/* The reader's words for key, else the English text en. */
static const char *S_text_word(const S_lex *x, const char *key, const char *en) {
  const char *w = x && x->words ? x->words(x->arg, key) : NULL;
  return w ? w : en;
}

static void S_text_table(const S_table *t, kb_buf *out, const S_lex *x) {
  char key[64];
  snprintf(key, sizeof key, "reports.table.%s", t->name);
  kb_buf_printf(out, "%s\n", S_text_word(x, key, t->title));
  if (!t->n) kb_buf_printf(out, "  (%s)\n", S_text_word(x, "tr.stale.none", "none"));
  for (int i = 0; i < t->n && t->ncols > 2; i++) {
    /* many figures a row (each language's): each named, after the label */
    const S_row *r = &t->rows[i];
    kb_buf_printf(out, "  %-6s", r->label);
    for (int c = 0; c < t->ncols; c++) {
      snprintf(key, sizeof key, "reports.col.%s", t->cols[c + 1]);
      kb_buf_printf(out, "  %s %ld", S_text_word(x, key, t->cols[c + 1]), r->num[c]);
    }
    kb_buf_putc(out, '\n');
  }
  for (int i = 0; i < t->n && t->ncols <= 2; i++) {
    const S_row *r = &t->rows[i];
    kb_buf_puts(out, "  ");
    for (int c = 0; c < t->ncols; c++) kb_buf_printf(out, "%6ld  ", r->num[c]);
    /* what the public typed goes to a terminal or an e-mail: escaped (an
     * ESC sequence in a query coloured the reader's terminal) */
    kb_esc_put(out, r->label, strlen(r->label));
    if (r->detail) {
      kb_buf_puts(out, "  (");
      if (t->shown) kb_buf_printf(out, "%s ", S_text_word(x, "reports.shown", "shown first:"));
      kb_esc_put(out, r->detail, strlen(r->detail));
      kb_buf_puts(out, ")");
    }
    kb_buf_putc(out, '\n');
    for (int k = 0; k < r->nexamples; k++) {
      kb_buf_printf(out, "            %s ", S_text_word(x, "reports.eg", "e.g."));
      kb_esc_put(out, r->examples[k], kb_esc_cut(r->examples[k], strlen(r->examples[k]), 100));
      kb_buf_putc(out, '\n');
    }
  }
  kb_buf_putc(out, '\n');
}

/* A table with a horizontal bar for the first number (inline SVG-free CSS
 * bars: the width is a percentage of the largest value). */
static void S_html_table(const S_table *t, kb_buf *out, const S_lex *x) {
  (void)x; /* the server's page puts its words in (kb_api.c) */
  long max = 1;
  for (int i = 0; i < t->n; i++) if (t->rows[i].num[0] > max) max = t->rows[i].num[0];
  kb_buf_printf(out, "<section aria-labelledby=\"h-%s\"><h2 id=\"h-%s\">", t->name, t->name);
  kb_buf_put_html(out, t->title, strlen(t->title));
  kb_buf_puts(out, "</h2>");
  if (!t->n) {
    kb_buf_puts(out, "<p>None.</p></section>");
    return;
  }
  kb_buf_puts(out, "<table><thead><tr>");
  for (int c = 0; c <= t->ncols; c++) kb_buf_printf(out, "<th scope=\"col\">%s</th>", t->cols[c]);
  kb_buf_puts(out, "</tr></thead><tbody>");
  for (int i = 0; i < t->n; i++) {
    const S_row *r = &t->rows[i];
    kb_buf_puts(out, "<tr><th scope=\"row\">");
    kb_buf_put_html(out, r->label, strlen(r->label));
    if (r->detail) {
      /* (the server's page puts its words for "shown first:") */
      kb_buf_puts(out, t->shown ? "<br><small>shown first: " : "<br><small>");
      kb_buf_put_html(out, r->detail, strlen(r->detail));
      kb_buf_puts(out, "</small>");
    }
    for (int k = 0; k < r->nexamples; k++) {
      kb_buf_puts(out, "<br><small>e.g. ");
      /* cut at a character's start: a cut inside one sent invalid UTF-8 */
      kb_buf_put_html(out, r->examples[k], kb_esc_cut(r->examples[k], strlen(r->examples[k]), 140));
      kb_buf_puts(out, "</small>");
    }
    kb_buf_puts(out, "</th>");
    for (int c = 0; c < t->ncols; c++) {
      if (c == 0)
        kb_buf_printf(out, "<td><span class=\"bar\" data-w=\"%ld\"><meter min=\"0\" max=\"%ld\" value=\"%ld\">%ld</meter> %ld</span></td>",
                      r->num[c] * 100 / max, max, r->num[c], r->num[c], r->num[c]);
      else
        kb_buf_printf(out, "<td>%ld</td>", r->num[c]);
    }
    kb_buf_puts(out, "</tr>");
  }
  kb_buf_puts(out, "</tbody></table></section>");
}

static sqlite3 *S_open(const char *data_db, char *err, size_t nerr) {
  sqlite3 *db = NULL;
  char *uri = kb_fmt("file:%s?mode=ro", data_db);
  int rc = sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
  free(uri);
  if (rc != SQLITE_OK) {
    snprintf(err, nerr, "cannot read %s: %s", data_db, db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return NULL;
  }
  sqlite3_busy_timeout(db, 2000);
  return db;
}

/* Runs fn over every report (or one) and appends what it writes. */
static int S_each(kb_index *ix, const char *data_db, const char *only, int days, const char *lang,
                  kb_buf *out, void (*fn)(const S_table *, kb_buf *, const S_lex *), const S_lex *x,
                  char *err, size_t nerr) {
  sqlite3 *db = S_open(data_db, err, nerr);
  if (!db) return -2;
  int rc = 0;
  for (int i = 0; kb_report_names[i] && rc == 0; i++) {
    if (only && strcmp(only, kb_report_names[i])) continue;
    S_table t;
    int g = S_gather(ix, db, data_db, kb_report_names[i], days, lang, &t);
    if (g == 0) fn(&t, out, x);
    else {
      snprintf(err, nerr, "report %s: %s", kb_report_names[i], sqlite3_errmsg(db));
      rc = -2;
    }
    S_table_free(&t);
  }
  sqlite3_close(db);
  return rc;
}

int kb_report_json(kb_index *ix, const char *data_db, const char *name, int days, const char *lang,
                   kb_buf *out, char *err, size_t nerr) {
  int known = 0;
  for (int i = 0; kb_report_names[i]; i++) known |= !strcmp(name, kb_report_names[i]);
  if (!known) {
    snprintf(err, nerr, "no report '%s'", name);
    return -1;
  }
  return S_each(ix, data_db, name, days, lang, out, S_json_table, NULL, err, nerr);
}

int kb_report_text(kb_index *ix, const char *data_db, int days, const char *lang, kb_buf *out,
                   char *err, size_t nerr) {
  return kb_report_text_in(ix, data_db, days, lang, NULL, NULL, out, err, nerr);
}

int kb_report_text_in(kb_index *ix, const char *data_db, int days, const char *lang,
                      kb_report_words words, void *arg, kb_buf *out, char *err, size_t nerr) {
  S_lex x = {words, arg};
  kb_buf_printf(out, "%s (%s)\n\n", S_text_word(&x, "reports.text.title", "Knowledge-base report"),
                days > 0 ? S_text_word(&x, "reports.text.recent", "recent days")
                         : S_text_word(&x, "reports.text.alltime", "all time"));
  return S_each(ix, data_db, NULL, days, lang, out, S_text_table, &x, err, nerr);
}

int kb_report_html(kb_index *ix, const char *data_db, int days, const char *lang, kb_buf *out,
                   char *err, size_t nerr) {
  kb_buf_puts(out, "<h1>Knowledge-base reports</h1>");
  kb_buf_printf(out, "<p>%s. JSON: <code>/api/v1/reports/NAME</code>; e-mail: <code>kb-report</code>.</p>",
                days > 0 ? "The last days" : "All time");
  return S_each(ix, data_db, NULL, days, lang, out, S_html_table, NULL, err, nerr);
}
