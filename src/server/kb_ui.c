/*
 * kb_ui.c - the pages' words in the page's language (kb_ui.h).
 */
#include "kb_ui.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_page.h"
#include "server.h"

const char *kb_ui_lang(const kb_ctx *c) {
  if (!c) return "en";
  return c->lang ? c->lang : kb_index_default_code(c->ix);
}

const char *kb_ui_text(const kb_ctx *c, const char *key) {
  const char *v = kb_ui_find(c, key);
  return v ? v : key;
}

/* "ui." key into k, cut as snprintf() would cut it (joined, not
 * formatted: pages look up a dozen texts each). */
static void S_ui_key(char k[96], const char *key) {
  size_t kl = strlen(key);
  if (kl > 96 - 4) kl = 96 - 4;
  memcpy(k, "ui.", 3);
  memcpy(k + 3, key, kl);
  k[3 + kl] = 0;
}

const char *kb_ui_find(const kb_ctx *c, const char *key) {
  if (!c || !c->site) return NULL;
  char k[96];
  S_ui_key(k, key);
  const char *v = kb_site_get(c->site, NULL, kb_ui_lang(c), k);
  if (!v) v = kb_site_get(c->site, NULL, kb_index_default_code(c->ix), k);
  if (!v) v = kb_site_get(c->site, NULL, "en", k);
  return v;
}

/* Slots of the frame's texts handed to kb_ui_key's so far. */
static atomic_int S_slots;

/* What find(c, k) returns (NULL: nothing), kept in c's frame from its
 * first use there: find must depend on nothing but c's site content, page
 * language and index. */
static const char *S_kept(const kb_ctx *c, kb_ui_key *k, const char *(*find)(const kb_ctx *, const kb_ui_key *)) {
  static const char none[] = ""; /* found nothing */
  int slot = atomic_load_explicit(&k->slot, memory_order_relaxed);
  if (!slot) { /* a race hands out two: one is used, one wasted */
    int mine = atomic_fetch_add(&S_slots, 1) + 1, zero = 0;
    slot = atomic_compare_exchange_strong(&k->slot, &zero, mine) ? mine : zero;
  }
  const char *_Atomic *texts = slot <= KB_PAGE_TEXTS ? kb_page_texts(c) : NULL;
  if (!texts) return find(c, k);
  const char *v = atomic_load_explicit(&texts[slot - 1], memory_order_acquire);
  if (!v) { /* the same for every page of the frame: two pages may both store it */
    v = find(c, k);
    if (!v) v = none;
    atomic_store_explicit(&texts[slot - 1], v, memory_order_release);
  }
  return v == none ? NULL : v;
}

static const char *S_find_key(const kb_ctx *c, const kb_ui_key *k) { return kb_ui_find(c, k->key); }

/* The text of key k (k->key itself when there is none) kept in c's frame,
 * found there after its first use in the frame's language. */
const char *kb_ui_text_k(const kb_ctx *c, kb_ui_key *k) {
  const char *v = S_kept(c, k, S_find_key);
  return v ? v : k->key;
}

/* Appends t with its marks filled from the pairs in ap. */
static void S_fill(kb_buf *b, const char *t, va_list ap) {
  const char *names[8], *vals[8];
  int n = 0;
  for (const char *nm; n < 8 && (nm = va_arg(ap, const char *)) != NULL; n++) {
    names[n] = nm;
    vals[n] = va_arg(ap, const char *);
  }
  const char *p = t;
  for (const char *o; (o = strchr(p, '{')) != NULL;) {
    const char *e = strchr(o, '}');
    if (!e) break;
    kb_buf_put_html(b, p, (size_t)(o - p));
    size_t len = (size_t)(e - o - 1);
    int i = 0;
    while (i < n && !(strlen(names[i] + (names[i][0] == '!')) == len &&
                      !strncmp(names[i] + (names[i][0] == '!'), o + 1, len)))
      i++;
    if (i == n) kb_buf_put_html(b, o, (size_t)(e - o + 1)); /* no value: the mark shows */
    else if (names[i][0] == '!') kb_buf_puts(b, vals[i] ? vals[i] : "");
    else if (vals[i]) kb_buf_put_html(b, vals[i], strlen(vals[i]));
    p = e + 1;
  }
  kb_buf_put_html(b, p, strlen(p));
}

void kb_ui_put(const kb_ctx *c, kb_buf *b, const char *key, ...) {
  va_list ap;
  va_start(ap, key);
  S_fill(b, kb_ui_text(c, key), ap);
  va_end(ap);
}

void kb_ui_put_k(const kb_ctx *c, kb_buf *b, kb_ui_key *k, ...) {
  va_list ap;
  va_start(ap, k);
  S_fill(b, kb_ui_text_k(c, k), ap);
  va_end(ap);
}

/* 1 if n takes the singular in the page's language (plural.one: the
 * numbers that do, "1" in English, "0 1" in French). */
/* n in decimal into num (24 bytes: any long); returns its length. As
 * snprintf("%ld") writes it, without the formatter's cost (a count on
 * every results page formatted it twice, 1.5 K instructions). */
static int S_num(char num[24], long n) {
  char t[24];
  int k = 0, len = 0;
  unsigned long u = n < 0 ? 0UL - (unsigned long)n : (unsigned long)n;
  do t[k++] = (char)('0' + u % 10); while ((u /= 10) != 0);
  if (n < 0) num[len++] = '-';
  while (k) num[len++] = t[--k];
  num[len] = 0;
  return len;
}

/* "key.one" or "key.other" into k[0..nk), cut as snprintf() would cut it. */
static void S_plural_key(char *k, size_t nk, const char *key, int one) {
  const char *suf = one ? ".one" : ".other";
  size_t a = strlen(key), b = strlen(suf);
  if (a > nk - 1) a = nk - 1;
  if (b > nk - 1 - a) b = nk - 1 - a;
  memcpy(k, key, a);
  memcpy(k + a, suf, b);
  k[a + b] = 0;
}

static int S_one(const kb_ctx *c, long n) {
  static kb_ui_key plural_one = KB_UI_KEY("plural.one");
  const char *l = kb_ui_text_k(c, &plural_one);
  char num[24];
  int len = S_num(num, n);
  for (const char *p = l; (p = strstr(p, num)) != NULL; p++)
    if ((p == l || p[-1] == ' ') && (p[len] == 0 || p[len] == ' ')) return 1;
  return 0;
}

const char *kb_ui_plural(const kb_ctx *c, const char *key, long n, char *buf, size_t nbuf) {
  if (nbuf) S_plural_key(buf, nbuf, key, S_one(c, n));
  return buf;
}

/* {n} (num) first, then the caller's pairs from ap (up to six, NULL
 * after the last): one list of eight names and values, NULL-padded. */
static void S_count_args(const char *num, va_list ap, const char *names[8], const char *vals[8]) {
  names[0] = "n";
  vals[0] = num;
  int m = 1;
  for (const char *nm; m < 7 && (nm = va_arg(ap, const char *)) != NULL; m++) {
    names[m] = nm;
    vals[m] = va_arg(ap, const char *);
  }
  for (; m < 8; m++) names[m] = NULL, vals[m] = NULL;
}

void kb_ui_count(const kb_ctx *c, kb_buf *b, const char *key, long n, ...) {
  char k[96], num[24];
  S_plural_key(k, sizeof k, key, S_one(c, n));
  S_num(num, n);
  const char *names[8], *vals[8];
  va_list ap;
  va_start(ap, n);
  S_count_args(num, ap, names, vals);
  va_end(ap);
  kb_ui_put(c, b, k, names[0], vals[0], names[1], vals[1], names[2], vals[2], names[3], vals[3],
            names[4], vals[4], names[5], vals[5], names[6], vals[6], (const char *)NULL);
}

void kb_ui_count_k(const kb_ctx *c, kb_buf *b, kb_ui_key *one, kb_ui_key *other, long n, ...) {
  char num[24];
  kb_ui_key *k = S_one(c, n) ? one : other;
  S_num(num, n);
  const char *names[8], *vals[8];
  va_list ap;
  va_start(ap, n);
  S_count_args(num, ap, names, vals);
  va_end(ap);
  kb_ui_put_k(c, b, k, names[0], vals[0], names[1], vals[1], names[2], vals[2], names[3], vals[3],
              names[4], vals[4], names[5], vals[5], names[6], vals[6], (const char *)NULL);
}

/* 1 if s starts with n ASCII digits; their value into *v. */
static int S_digits(const char *s, int n, int *v) {
  *v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    *v = *v * 10 + (s[i] - '0');
  }
  return 1;
}

/* The months' words (month.1 ... month.12) and the date's pattern, found
 * once per page language (kb_ui_key). */
static kb_ui_key S_months[12] = {
    KB_UI_KEY("month.1"), KB_UI_KEY("month.2"), KB_UI_KEY("month.3"),  KB_UI_KEY("month.4"),
    KB_UI_KEY("month.5"), KB_UI_KEY("month.6"), KB_UI_KEY("month.7"),  KB_UI_KEY("month.8"),
    KB_UI_KEY("month.9"), KB_UI_KEY("month.10"), KB_UI_KEY("month.11"), KB_UI_KEY("month.12")};
static kb_ui_key S_date = KB_UI_KEY("date");

void kb_ui_date(const kb_ctx *c, kb_buf *b, const char *ymd) {
  int y, m, d;
  /* "2026-12-02", as the indexer stores a date: read and written without
   * sscanf() and printf() (9.9 K instructions an article page with the
   * lookups); anything else as they read it */
  if (S_digits(ymd, 4, &y) && ymd[4] == '-' && S_digits(ymd + 5, 2, &m) && ymd[7] == '-' &&
      S_digits(ymd + 8, 2, &d)) {
    if (m < 1 || m > 12) return;
    char ds[24], ys[24];
    S_num(ds, d);
    S_num(ys, y);
    kb_buf_puts(b, "<time datetime=\"");
    kb_buf_put(b, ymd, 10); /* as %04d-%02d-%02d writes these */
    kb_buf_puts(b, "\">");
    kb_ui_put_k(c, b, &S_date, "day", ds, "month", kb_ui_text_k(c, &S_months[m - 1]), "year", ys,
                (const char *)NULL);
    kb_buf_puts(b, "</time>");
    return;
  }
  if (sscanf(ymd, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12) return;
  char mk[16], ds[8], ys[8];
  snprintf(mk, sizeof mk, "month.%d", m);
  snprintf(ds, sizeof ds, "%d", d);
  snprintf(ys, sizeof ys, "%d", y);
  kb_buf_printf(b, "<time datetime=\"%04d-%02d-%02d\">", y, m, d);
  kb_ui_put(c, b, "date", "day", ds, "month", kb_ui_text(c, mk), "year", ys, (const char *)NULL);
  kb_buf_puts(b, "</time>");
}

void kb_ui_datetime(const kb_ctx *c, kb_buf *b, const char *iso) {
  int y, m, d, hh, mm;
  char z;
  if (strcmp(kb_ui_text(c, "datetime.style"), "words") ||
      sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%*2d%c", &y, &m, &d, &hh, &mm, &z) != 6 || z != 'Z' || m < 1 || m > 12) {
    kb_buf_put_html(b, iso, strlen(iso));
    return;
  }
  kb_buf day = KB_BUF_INIT;
  char mk[16], ds[8], ys[8], hm[8];
  snprintf(mk, sizeof mk, "month.%d", m);
  snprintf(ds, sizeof ds, "%d", d);
  snprintf(ys, sizeof ys, "%d", y);
  snprintf(hm, sizeof hm, "%02d:%02d", hh, mm);
  kb_ui_put(c, &day, "date", "day", ds, "month", kb_ui_text(c, mk), "year", ys, (const char *)NULL);
  kb_ui_put(c, b, "datetime", "iso", iso, "!date", kb_buf_str(&day), "time", hm, (const char *)NULL);
  kb_buf_cleanup(&day);
}

/* Text of key in language lang itself (no fallback but English). */
static const char *S_text_in(const kb_ctx *c, const char *lang, const char *key) {
  char k[96];
  S_ui_key(k, key);
  const char *v = c && c->site ? kb_site_get(c->site, NULL, lang, k) : NULL;
  if (!v && c && c->site) v = kb_site_get(c->site, NULL, "en", k);
  return v;
}

const char *kb_ui_tag(const kb_ctx *c, const char *lang) {
  const char *own = c && c->site ? kb_site_get(c->site, NULL, lang, "ui.lang.tag") : NULL;
  return own ? own : lang;
}

/* The address of path in language i: "/fr" + path, or path for the
 * default language. */
static void S_href(const kb_ctx *c, kb_buf *b, int i, const char *path, int absolute) {
  if (absolute && c->public_url) kb_buf_put_html(b, c->public_url, strlen(c->public_url));
  if (i != kb_index_default_lang(c->ix)) {
    kb_buf_putc(b, '/');
    kb_buf_puts(b, kb_index_lang_code(c->ix, i));
  }
  if (i == kb_index_default_lang(c->ix) || strcmp(path, "/")) kb_buf_put_html(b, path, strlen(path));
  else kb_buf_putc(b, '/');
}

/* Each language of the index by its number (k->key: "0" ... "31"): its
 * tag (kb_ui_tag()) and its name in its own words (lang.name), kept in the
 * frame (an article's switcher and alternates looked each up on every
 * page, 9 K instructions). */
#define S_K32(f)                                                                                     \
  {f("0"),  f("1"),  f("2"),  f("3"),  f("4"),  f("5"),  f("6"),  f("7"),  f("8"),  f("9"),  f("10"),  \
   f("11"), f("12"), f("13"), f("14"), f("15"), f("16"), f("17"), f("18"), f("19"), f("20"), f("21"), \
   f("22"), f("23"), f("24"), f("25"), f("26"), f("27"), f("28"), f("29"), f("30"), f("31")}
static kb_ui_key S_tags[32] = S_K32(KB_UI_KEY), S_names[32] = S_K32(KB_UI_KEY);

static const char *S_find_tag(const kb_ctx *c, const kb_ui_key *k) {
  return kb_ui_tag(c, kb_index_lang_code(c->ix, atoi(k->key)));
}

static const char *S_find_name(const kb_ctx *c, const kb_ui_key *k) {
  return S_text_in(c, kb_index_lang_code(c->ix, atoi(k->key)), "lang.name");
}

/* Language i's tag and name, kept in c's frame. */
static const char *S_tag_of(const kb_ctx *c, int i) {
  return S_kept(c, &S_tags[i], S_find_tag);
}

static const char *S_name_of(const kb_ctx *c, int i) {
  return S_kept(c, &S_names[i], S_find_name);
}

void kb_ui_alternates(const kb_ctx *c, kb_buf *b, const kb_ui_paths *p) {
  int n = kb_index_nlangs(c->ix), have = 0;
  if (!p->alternates || n < 2) return;
  for (int i = 0; i < n && i < 32; i++) have += p->v[i] != NULL;
  if (have < 2) return;
  for (int i = 0; i < n && i < 32; i++) {
    if (!p->v[i]) continue;
    kb_buf_puts(b, "<link rel=\"alternate\" hreflang=\"");
    kb_buf_puts(b, S_tag_of(c, i));
    kb_buf_puts(b, "\" href=\"");
    S_href(c, b, i, p->v[i], 1);
    kb_buf_puts(b, "\">");
  }
  int d = kb_index_default_lang(c->ix);
  if (d >= 0 && d < 32 && p->v[d]) {
    kb_buf_puts(b, "<link rel=\"alternate\" hreflang=\"x-default\" href=\"");
    S_href(c, b, d, p->v[d], 1);
    kb_buf_puts(b, "\">");
  }
}

void kb_ui_switcher(const kb_ctx *c, kb_buf *b, const kb_ui_paths *p) {
  int n = kb_index_nlangs(c->ix);
  if (n < 2) return;
  const char *here = kb_ui_lang(c);
  static kb_ui_key label = KB_UI_KEY("lang.switch");
  kb_buf_puts(b, "<nav class=\"langs\" aria-label=\"");
  kb_ui_put_k(c, b, &label, (const char *)NULL);
  kb_buf_puts(b, "\"><ul>");
  for (int i = 0; i < n && i < 32; i++) {
    const char *code = kb_index_lang_code(c->ix, i), *tag = S_tag_of(c, i);
    const char *name = S_name_of(c, i);
    kb_buf_puts(b, "<li><a hreflang=\"");
    kb_buf_puts(b, tag);
    kb_buf_puts(b, "\" lang=\"");
    kb_buf_puts(b, tag);
    kb_buf_puts(b, "\" href=\"");
    S_href(c, b, i, p->v[i] ? p->v[i] : "/", 0);
    kb_buf_puts(b, strcmp(code, here) ? "\">" : "\" aria-current=\"true\">");
    kb_buf_put_html(b, name ? name : code, strlen(name ? name : code));
    kb_buf_puts(b, "</a></li>");
  }
  kb_buf_puts(b, "</ul></nav>");
}
