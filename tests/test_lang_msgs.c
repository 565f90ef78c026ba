/*
 * test_lang_msgs.c - what kb-index and the staff's pages say to a French,
 * German or Spanish member of staff, in their words (issue #20, the parts
 * that were still English): kb-index's summary line under --lang,
 * libyaml's problem texts (named by kb/lang/<code>/messages.tsv's yaml.*
 * entries, in kb-index's output and on /xx/kb-health), and a text in
 * every language for every error code the API can answer the console
 * with. English output is checked byte for byte where English is asked.
 */
#include "harness.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <netinet/in.h>
#include <poll.h>
#include <regex.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "kb_diag.h"

/* Runs cmd (2>&1); asserts its exit status; the output (caller frees). */
static char *S_run(const char *cmd, int want) {
  char *out = NULL;
  int st = th_run(cmd, &out);
  if (st != want) print_error("%s: exit %d\n%s\n", cmd, st, out ? out : "");
  assert_int_equal(st, want);
  return out;
}

static void S_has(const char *out, const char *want) {
  if (!strstr(out, want)) print_error("no \"%s\" in:\n%s\n", want, out);
  assert_non_null(strstr(out, want));
}

static void S_lacks(const char *out, const char *bad) {
  if (strstr(out, bad)) print_error("\"%s\" in:\n%s\n", bad, out);
  assert_null(strstr(out, bad));
}

/*--- The mechanism: a library's English words named, worded per language -*/

static const char *S_look_pairs(const void *ctx, const char *id) {
  const char *const *p = ctx;
  for (int k = 0; p[k]; k += 2)
    if (!strcmp(p[k], id)) return p[k + 1];
  return NULL;
}

static void test_diag_names_library_words(void **state) {
  (void)state;
  kb_diag *d = kb_diag_new();
  kb_diag_msg(d, KB_DIAG_ERROR, "a.md", 2, "article.bad-yaml", "problem", "found unexpected end of stream", NULL);
  kb_diag_msg(d, KB_DIAG_ERROR, "b.md", 3, "article.bad-yaml-context", "problem", "did not find expected ',' or '}'",
              "context", "while parsing a flow mapping", NULL);
  kb_diag_msg(d, KB_DIAG_ERROR, "c.md", 4, "article.bad-yaml", "problem", "a problem of a newer libyaml", NULL);
  kb_diag_msg(d, KB_DIAG_WARNING, "d.md", 5, "article.unknown-key", "key", "foo", NULL);
  /* English: libyaml's words are the texts of their entries */
  static const char *const en[] = {"yaml.unexpected-end", "found unexpected end of stream",
                                   "yaml.no-comma-or-brace", "did not find expected ',' or '{close}'",
                                   "yaml.in-flow-mapping", "while parsing a flow mapping", NULL};
  kb_diag_name(d, "problem", en, "yaml.unknown");
  kb_diag_name(d, "context", en, "yaml.unknown");
  static const char *const fr[] = {
      "article.bad-yaml", "en-tête YAML mal formé : {problem}",
      "article.bad-yaml-context", "en-tête YAML mal formé : {problem} {context}",
      "article.unknown-key", "clé inconnue '{key}' (ignorée)",
      "yaml.unexpected-end", "fin du texte inattendue",
      "yaml.no-comma-or-brace", "il manque « , » ou « {close} »",
      "yaml.in-flow-mapping", "en lisant un ensemble de clés entre accolades",
      "yaml.unknown", "« {text} » (message de libyaml, en anglais)", NULL};
  kb_diag_set_catalogue(d, fr);
  assert_string_equal(kb_diag_get(d, 0), "a.md:2: error: en-tête YAML mal formé : fin du texte inattendue");
  assert_string_equal(kb_diag_get(d, 1), "b.md:3: error: en-tête YAML mal formé : il manque « , » ou « } »"
                                         " en lisant un ensemble de clés entre accolades");
  /* words no entry has: as they are, quoted, after the translated lead-in */
  assert_string_equal(kb_diag_get(d, 2), "c.md:4: error: en-tête YAML mal formé : « a problem of a newer libyaml »"
                                         " (message de libyaml, en anglais)");
  assert_string_equal(kb_diag_get(d, 3), "d.md:5: warning: clé inconnue 'foo' (ignorée)");
  /* the ids go with the values (the status file's, for the pages) */
  const char *const *v = kb_diag_vals(d, 1);
  int seen = 0;
  for (int k = 0; v[k]; k += 2) {
    seen += !strcmp(v[k], "problem.id") && !strcmp(v[k + 1], "yaml.no-comma-or-brace");
    seen += !strcmp(v[k], "context.id") && !strcmp(v[k + 1], "yaml.in-flow-mapping");
  }
  assert_int_equal(seen, 2);
  /* a reader's own look-up (the server's ui.msg.*) words them the same */
  char *w = kb_diag_fill_with("{problem} {context}!", v, S_look_pairs, fr);
  assert_string_equal(w, "il manque « , » ou « } » en lisant un ensemble de clés entre accolades!");
  free(w);
  /* without the entry's text, the value itself; without either, the mark */
  static const char *const none[] = {NULL};
  w = kb_diag_fill_with("{problem} {context} {other}", v, S_look_pairs, none);
  assert_string_equal(w, "did not find expected ',' or '}' while parsing a flow mapping {other}");
  free(w);
  kb_diag_free(d);
}

/*--- kb-index: libyaml's problems in each language ------------------------*/

/* A knowledge base whose articles and site.yaml libyaml cannot read. */
static char *S_broken_kb(void) {
  char *dir = th_tmpdir();
  static const char *const files[][2] = {
      {"articles/a.md", "---\ntitle: \"Unclosed\nslug: a\n---\nBody.\n"},
      {"articles/b.md", "---\ntitle: Foo: bar\n---\nBody.\n"},
      {"articles/c.md", "---\ntitle: T\ntags: [a, b\n---\nBody.\n"},
      {"articles/d.md", "---\ntitle: T\nx: {a: b\n---\nBody.\n"},
      {"articles/e.md", "---\ntitle: @foo\n---\nBody.\n"},
      {"site.yaml", "brand: B\ntitle: [x\n"},
  };
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    char *p = th_fmt("%s/%s", dir, files[i][0]);
    assert_int_equal(th_write_file(p, files[i][1]), 0);
    free(p);
  }
  return dir;
}

static void test_yaml_problems_per_language(void **state) {
  (void)state;
  char *dir = S_broken_kb();
  static const char *const want[][7] = {
      /* English exactly as kb-index wrote it before its words had ids */
      {"en", "a.md:2: error: malformed YAML front matter: found unexpected end of stream while scanning a quoted scalar"
             " that starts on this line",
       "b.md:2: error: malformed YAML front matter: mapping values are not allowed in this context",
       "c.md:3: error: malformed YAML front matter: did not find expected ',' or ']' while parsing a flow sequence that"
       " starts on this line",
       "d.md:3: error: malformed YAML front matter: did not find expected ',' or '}' while parsing a flow mapping that"
       " starts on this line",
       "e.md:2: error: malformed YAML front matter: found character that cannot start any token while scanning for the"
       " next token",
       "site.yaml:3: error: malformed YAML: did not find expected ',' or ']'"},
      {"fr", "a.md:2: error: en-tête YAML mal formé : fin du texte inattendue en lisant une valeur entre guillemets qui"
             " commence à cette ligne",
       "b.md:2: error: en-tête YAML mal formé : « : » n'est pas permis à cet endroit",
       "c.md:3: error: en-tête YAML mal formé : il manque « , » ou « ] » en lisant une liste entre crochets [ ] qui"
       " commence à cette ligne",
       "d.md:3: error: en-tête YAML mal formé : il manque « , » ou « } » en lisant un ensemble de clés entre accolades"
       " qui commence à cette ligne",
       "e.md:2: error: en-tête YAML mal formé : caractère par lequel rien ne peut commencer ici en cherchant l'élément"
       " suivant",
       "site.yaml:3: error: YAML mal formé : il manque « , » ou « ] »"},
      {"de", "a.md:2: error: fehlerhafter YAML-Kopfbereich: unerwartetes Textende beim Lesen eines Werts in"
             " Anführungszeichen (beginnt in dieser Zeile)",
       "b.md:2: error: fehlerhafter YAML-Kopfbereich: „:“ ist an dieser Stelle nicht erlaubt",
       "c.md:3: error: fehlerhafter YAML-Kopfbereich: erwartetes „,“ oder „]“ nicht gefunden beim Lesen einer Liste in"
       " eckigen Klammern [ ] (beginnt in dieser Zeile)",
       "d.md:3: error: fehlerhafter YAML-Kopfbereich: erwartetes „,“ oder „}“ nicht gefunden beim Lesen von"
       " Schlüsseln in geschweiften Klammern (beginnt in dieser Zeile)",
       "e.md:2: error: fehlerhafter YAML-Kopfbereich: Zeichen, mit dem hier nichts beginnen kann bei der Suche nach"
       " dem nächsten Element",
       "site.yaml:3: error: fehlerhaftes YAML: erwartetes „,“ oder „]“ nicht gefunden"},
      {"es", "a.md:2: error: cabecera YAML mal formada: fin del texto inesperado al leer un valor entre comillas que"
             " empieza en esta línea",
       "b.md:2: error: cabecera YAML mal formada: aquí no se permite «:»",
       "c.md:3: error: cabecera YAML mal formada: falta «,» o «]» al leer una lista entre corchetes [ ] que empieza en"
       " esta línea",
       "d.md:3: error: cabecera YAML mal formada: falta «,» o «}» al leer un grupo de claves entre llaves que empieza"
       " en esta línea",
       "e.md:2: error: cabecera YAML mal formada: carácter con el que aquí no puede empezar nada al buscar el"
       " siguiente elemento",
       "site.yaml:3: error: YAML mal formado: falta «,» o «]»"},
  };
  /* libyaml's own words, none of which a French, German or Spanish line may show */
  static const char *const english[] = {"found", "while", "expected", "allowed", "scanning", "parsing", "mapping",
                                        "stream", "token", "malformed"};
  for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
    char *cmd = th_fmt("%s/kb-index --check --lang %s %s 2>&1", th_bin_dir(), want[i][0], dir);
    char *out = S_run(cmd, 1);
    for (int k = 1; k < 7; k++) S_has(out, want[i][k]);
    if (strcmp(want[i][0], "en")) {
      /* the problems' lines (the summary is another test's) */
      char *end = strstr(out, "\nkb-index: ");
      if (end) *end = 0;
      for (size_t k = 0; k < sizeof english / sizeof *english; k++) S_lacks(out, english[k]);
    }
    free(out);
    free(cmd);
  }
  th_rmtree(dir);
  free(dir);
}

/* The same words on each language's KB health page: the status file keeps
 * libyaml's words and their entries' ids, the page words them. */
static void test_yaml_problems_on_health_pages(void **state) {
  (void)state;
  char *dir = S_broken_kb(), *ix = NULL;
  const char *extra[] = {"--quiet", NULL};
  th_server *s = th_serve_kb("kb", extra, &ix);
  assert_non_null(s);
  char *cmd = th_fmt("%s/kb-index %s -o %s/ix.sqlite >/dev/null 2>&1; cp %s/ix.sqlite.status.json %s.status.json.tmp &&"
                     " mv %s.status.json.tmp %s.status.json", th_bin_dir(), dir, dir, dir, ix, ix, ix);
  free(S_run(cmd, 0));
  free(cmd);
  assert_true(th_wait_body(s, "/healthz", "\"status\":\"degraded\"", 40));
  static const char *const pages[][4] = {
      {"/fr/kb-health", "il manque « , » ou « ] » en lisant une liste entre crochets [ ] qui commence à cette ligne",
       "fin du texte inattendue en lisant une valeur entre guillemets", "flow sequence"},
      {"/de/kb-health", "erwartetes „,“ oder „]“ nicht gefunden beim Lesen einer Liste in eckigen Klammern [ ]",
       "unerwartetes Textende beim Lesen eines Werts in Anführungszeichen", "flow sequence"},
      {"/es/kb-health", "falta «,» o «]» al leer una lista entre corchetes [ ] que empieza en esta línea",
       "fin del texto inesperado al leer un valor entre comillas", "flow sequence"},
      {"/kb-health", "did not find expected &#39;,&#39; or &#39;]&#39; while parsing a flow sequence that starts on this line",
       "found unexpected end of stream while scanning a quoted scalar", "en lisant"},
  };
  for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
    th_resp r;
    assert_int_equal(th_http(s, "GET", pages[i][0], NULL, 0, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    const char *ol = strstr(r.body, "<ol class=\"problems\">");
    assert_non_null(ol);
    if (!strstr(ol, pages[i][1])) print_error("%s: %.2000s\n", pages[i][0], ol);
    S_has(ol, pages[i][1]);
    S_has(ol, pages[i][2]);
    S_lacks(ol, pages[i][3]);
    S_lacks(ol, "YAML traps\""); /* the fix named an English document's section */
    th_resp_free(&r);
  }
  /* the fix's target: the YAML traps in the reader's language, linked
   * from each malformed YAML problem, its examples its authors' own */
  static const char *const help[][4] = {
      {"/fr/kb-health", "<p class=\"more\"><a href=\"/fr/kb-health/yaml\">Les pièges du YAML, avec des exemples</a>",
       "/fr/kb-health/yaml", "<code>title: Forfait : changer d&#39;offre</code>"},
      {"/de/kb-health", "<a href=\"/de/kb-health/yaml\">YAML-Fallen, mit Beispielen</a>", "/de/kb-health/yaml",
       "<code>Titel: Rufnummer mitnehmen</code>"},
      {"/es/kb-health", "<a href=\"/es/kb-health/yaml\">Trampas de YAML, con ejemplos</a>", "/es/kb-health/yaml",
       "<code>reply: {url} tiene la respuesta</code>"},
      {"/kb-health", "<a href=\"/kb-health/yaml\">YAML traps, with examples</a>", "/kb-health/yaml",
       "<code>tags:\n  - sim\n   - esim</code>"},
  };
  for (size_t i = 0; i < sizeof help / sizeof *help; i++) {
    th_resp r;
    assert_int_equal(th_http(s, "GET", help[i][0], NULL, 0, NULL, &r), 0);
    S_has(r.body, help[i][1]);
    th_resp_free(&r);
    assert_int_equal(th_http(s, "GET", help[i][2], NULL, 0, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    S_has(r.body, help[i][3]);
    S_lacks(r.body, "{open}");
    S_lacks(r.body, "{nl}");
    if (i < 3) S_lacks(r.body, "Breaks the article");
    th_resp_free(&r);
  }
  assert_int_equal(th_server_stop(s), 0);
  free(ix);
  th_rmtree(dir);
  free(dir);
}

/*--- kb-index: the summary line ------------------------------------------*/

/* The summary line of out ("kb-index: ..." up to its " s"), its time
 * (a.bc) replaced by T, to compare whole. Caller frees. */
static char *S_summary(const char *out) {
  const char *p = strstr(out, "kb-index: ");
  assert_non_null(p);
  const char *e = strchr(p, '\n');
  char *line = th_fmt("%.*s", (int)(e ? e - p : (long)strlen(p)), p);
  regex_t re;
  assert_int_equal(regcomp(&re, "[0-9]+[.,][0-9][0-9] s", REG_EXTENDED), 0);
  regmatch_t m;
  if (regexec(&re, line, 1, &m, 0) == 0) {
    char *t = th_fmt("%.*sT s%s", (int)m.rm_so, line, line + m.rm_eo);
    free(line);
    line = t;
  }
  regfree(&re);
  return line;
}

static void test_summary_per_language(void **state) {
  (void)state;
  char *dir = th_tmpdir();
  char *p = th_fmt("%s/articles/a.md", dir);
  assert_int_equal(th_write_file(p, "---\ntitle: Returns\n---\nHow to return an order.\n"), 0);
  free(p);
  static const char *const want[][4] = {
      /* --check; a build; a build with an error. English as it always was */
      {"en", "kb-index: 1 articles (0 stores), 1 collection, 0 places, 0 synonym rules, 0 errors, 0 warnings, T s"
             " (checked only)",
       "kb-index: 1 articles (0 stores), 1 collection, 0 places, 0 synonym rules, 0 errors, 0 warnings, T s -> ",
       "kb-index: 1 articles (0 stores), 1 collection, 0 places, 0 synonym rules, 1 error, 0 warnings, T s; index not"
       " written"},
      {"fr", "kb-index: 1 article (0 boutique), 1 collection, 0 lieu, 0 règle de synonymes, 0 erreur, 0 avertissement,"
             " T s (vérification seule)",
       "kb-index: 1 article (0 boutique), 1 collection, 0 lieu, 0 règle de synonymes, 0 erreur, 0 avertissement, T s"
       " -> ",
       "kb-index: 1 article (0 boutique), 1 collection, 0 lieu, 0 règle de synonymes, 1 erreur, 0 avertissement, T s"
       " ; index non écrit"},
      {"de", "kb-index: 1 Artikel (0 Filialen), 1 Sammlung, 0 Orte, 0 Synonymregeln, 0 Fehler, 0 Warnungen, T s"
             " (nur geprüft)",
       "kb-index: 1 Artikel (0 Filialen), 1 Sammlung, 0 Orte, 0 Synonymregeln, 0 Fehler, 0 Warnungen, T s -> ",
       "kb-index: 1 Artikel (0 Filialen), 1 Sammlung, 0 Orte, 0 Synonymregeln, 1 Fehler, 0 Warnungen, T s; Index"
       " nicht geschrieben"},
      {"es", "kb-index: 1 artículo (0 tiendas), 1 colección, 0 lugares, 0 reglas de sinónimos, 0 errores, 0 avisos, T s"
             " (solo comprobado)",
       "kb-index: 1 artículo (0 tiendas), 1 colección, 0 lugares, 0 reglas de sinónimos, 0 errores, 0 avisos, T s -> ",
       "kb-index: 1 artículo (0 tiendas), 1 colección, 0 lugares, 0 reglas de sinónimos, 1 error, 0 avisos, T s;"
       " índice no escrito"},
  };
  for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
    const char *l = want[i][0];
    p = th_fmt("%s/articles/b.md", dir);
    remove(p);
    char *cmd = th_fmt("%s/kb-index --check --lang %s %s 2>&1", th_bin_dir(), l, dir);
    char *out = S_run(cmd, 0), *line = S_summary(out);
    if (strcmp(line, want[i][1])) print_error("--lang %s: %s\n", l, line);
    assert_string_equal(line, want[i][1]);
    free(line);
    free(out);
    free(cmd);
    cmd = th_fmt("%s/kb-index --lang %s %s -o %s/ix.sqlite 2>&1", th_bin_dir(), l, dir, dir);
    out = S_run(cmd, 0);
    line = S_summary(out);
    char *full = th_fmt("%s%s/ix.sqlite", want[i][2], dir);
    if (strcmp(line, full)) print_error("--lang %s: %s\n", l, line);
    assert_string_equal(line, full);
    free(full);
    free(line);
    free(out);
    free(cmd);
    /* an error: nothing written, said in the same words */
    assert_int_equal(th_write_file(p, "---\ntitle: \"\"\n---\nText.\n"), 0);
    cmd = th_fmt("%s/kb-index --lang %s %s -o %s/ix.sqlite 2>&1", th_bin_dir(), l, dir, dir);
    out = S_run(cmd, 1);
    line = S_summary(out);
    if (strcmp(line, want[i][3])) print_error("--lang %s: %s\n", l, line);
    assert_string_equal(line, want[i][3]);
    free(line);
    free(out);
    free(cmd);
    free(p);
  }
  /* the time with the language's decimal mark */
  char *cmd = th_fmt("%s/kb-index --check --lang fr %s 2>&1", th_bin_dir(), dir);
  char *out = S_run(cmd, 1);
  regex_t re;
  assert_int_equal(regcomp(&re, "avertissement, [0-9]+,[0-9][0-9] s ; index non écrit", REG_EXTENDED), 0);
  assert_int_equal(regexec(&re, out, 0, NULL, 0), 0);
  regfree(&re);
  free(out);
  free(cmd);
  th_rmtree(dir);
  free(dir);
}

/*--- The console: a text for every error code the API answers with -------*/

/* Adds the string literals of text ("out_of_range") up to the first that
 * is no identifier (a message's format) to codes, once each. */
static void S_add_codes(const char *text, size_t len, char codes[][40], int *n, int max) {
  char *t = th_fmt("%.*s", (int)len, text);
  regex_t lit, ident;
  assert_int_equal(regcomp(&lit, "\"(([^\"\\\\]|\\\\.)*)\"", REG_EXTENDED), 0);
  assert_int_equal(regcomp(&ident, "^[a-z][a-z0-9_]*$", REG_EXTENDED | REG_NOSUB), 0);
  regmatch_t m[2];
  for (const char *q = t; regexec(&lit, q, 2, m, 0) == 0; q += m[0].rm_eo) {
    char code[64];
    snprintf(code, sizeof code, "%.*s", (int)(m[1].rm_eo - m[1].rm_so), q + m[1].rm_so);
    if (regexec(&ident, code, 0, NULL, 0) != 0) break;
    int seen = 0;
    for (int k = 0; k < *n; k++) seen |= !strcmp(codes[k], code);
    if (!seen && *n < max) snprintf(codes[(*n)++], 40, "%.39s", code);
  }
  regfree(&lit);
  regfree(&ident);
  free(t);
}

/* Every error code kb-serve's sources answer with: those of each
 * kb_api_error() call (its code, both of a conditional; its message has
 * spaces or a format) and of the gate's refusal body (kb_conns.c). */
static int S_codes(char codes[][40], int max) {
  static const char *const files[] = {"src/server/kb_api.c", "src/server/kb_server.c", "src/server/kb_conns.c",
                                      "src/server/kb_translations.c", "src/server/kb_staff.c", "src/server/kb_web.c"};
  static const char gate[] = "\\\"code\\\":\\\""; /* \"code\":\" in a C literal */
  regex_t call;
  assert_int_equal(regcomp(&call, "kb_api_error\\([^;]*", REG_EXTENDED), 0);
  int n = 0;
  for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
    char *src = th_read_file(files[f], NULL);
    assert_non_null(src);
    for (const char *g = src; (g = strstr(g, gate)) != NULL; g += sizeof gate - 1) {
      char *lit = th_fmt("\"%.*s\"", (int)strcspn(g + sizeof gate - 1, "\\"), g + sizeof gate - 1);
      S_add_codes(lit, strlen(lit), codes, &n, max);
      free(lit);
    }
    regmatch_t m;
    for (const char *p = src; regexec(&call, p, 1, &m, 0) == 0; p += m.rm_eo)
      S_add_codes(p + m.rm_so, (size_t)(m.rm_eo - m.rm_so), codes, &n, max);
    free(src);
  }
  regfree(&call);
  return n;
}

static void test_console_error_codes_have_texts(void **state) {
  (void)state;
  char codes[64][40];
  int n = S_codes(codes, 64);
  /* the table of docs/api.md and the gate's */
  static const char *const known[] = {"not_found", "method_not_allowed", "payload_too_large", "invalid_json",
                                      "invalid_utf8", "missing_field", "wrong_type", "invalid_value", "out_of_range",
                                      "unauthorized", "feedback_unavailable", "index_unavailable",
                                      "too_many_requests", "too_many_connections", "bad_request", "internal"};
  for (size_t k = 0; k < sizeof known / sizeof *known; k++) {
    int seen = 0;
    for (int i = 0; i < n; i++) seen |= !strcmp(codes[i], known[k]);
    if (!seen) print_error("the sources' codes lack %s\n", known[k]);
    assert_true(seen);
  }
  const char *extra[] = {"--quiet", NULL};
  th_server *s = th_serve_kb("kb", extra, NULL);
  assert_non_null(s);
  static const char *const pages[] = {"/agent", "/fr/agent", "/de/agent", "/es/agent"};
  cJSON *words[4] = {0};
  for (int i = 0; i < 4; i++) {
    th_resp r;
    assert_int_equal(th_http(s, "GET", pages[i], NULL, 0, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    const char *w = strstr(r.body, "id=\"agent-words\">");
    assert_non_null(w);
    w = strchr(w, '>') + 1;
    words[i] = cJSON_ParseWithLength(w, strcspn(w, "<"));
    assert_non_null(words[i]);
    th_resp_free(&r);
  }
  for (int c = 0; c <= n; c++) {
    char key[48];
    snprintf(key, sizeof key, "error.%.40s", c < n ? codes[c] : "other"); /* "other": a code it does not know */
    const cJSON *en = cJSON_GetObjectItemCaseSensitive(words[0], key);
    if (!cJSON_IsString(en) || !strcmp(en->valuestring, key)) print_error("/agent has no text for %s\n", key);
    assert_true(cJSON_IsString(en) && strcmp(en->valuestring, key));
    for (int i = 1; i < 4; i++) {
      const cJSON *t = cJSON_GetObjectItemCaseSensitive(words[i], key);
      if (!cJSON_IsString(t) || !strcmp(t->valuestring, en->valuestring))
        print_error("%s: %s is not in its language\n", pages[i], key);
      assert_true(cJSON_IsString(t) && strcmp(t->valuestring, en->valuestring) && strcmp(t->valuestring, key));
    }
  }
  for (int i = 0; i < 4; i++) cJSON_Delete(words[i]);
  assert_int_equal(th_server_stop(s), 0);
}

/*--- The team's queue: each language's items, in the page's language ------*/

static void test_queue_in_page_language(void **state) {
  (void)state;
  char *data = th_tmpdir();
  const char *extra[] = {"--quiet", "--data", data, NULL};
  th_server *s = th_serve_kb("kb", extra, NULL);
  assert_non_null(s);
  /* the same article flagged from four cards, one of each language */
  static const char *const langs[] = {"en", "fr", "de", "es"};
  const char *h[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
  th_resp r;
  for (int i = 0; i < 4; i++) {
    char *form = th_fmt("text=x&slug=keep-your-number&collection=default&reason=outdated&note=n&mention_lang=%s",
                        langs[i]);
    assert_int_equal(th_http(s, "POST", "/team/flag", form, strlen(form), h, &r), 0);
    assert_int_equal(r.status, 303);
    th_resp_free(&r);
    free(form);
  }
  /* by default a page lists its own language's items: the article that
   * was flagged, in the page's words */
  static const char *const pages[][3] = {
      {"/team/queue", "<strong>Out of date</strong>: <a href=\"/help/keep-your-number\">Keep your number when you"
                      " switch network</a>", "Garder votre"},
      {"/fr/team/queue", "<strong>Plus à jour</strong> : <a href=\"/fr/help/keep-your-number\">Garder votre numéro",
       "Keep your number"},
      {"/de/team/queue", "<strong>Veraltet</strong>: <a href=\"/de/help/keep-your-number\">Rufnummer beim",
       "Keep your number"},
      {"/es/team/queue", "</strong>: <a href=\"/es/help/keep-your-number\">Conservar tu número", "Keep your number"},
  };
  static const char *const counts[] = {"1 waiting", "1 en attente", "1 offen", "1 pendiente"};
  /* when it was sent, in the page's words (English: the timestamp, as it was) */
  static const char *const times[] = {
      "datetime=\"[^\"]+\">20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z</time>",
      "datetime=\"[^\"]+\">[0-9]{1,2} [a-zéû]+ 20[0-9]{2} à [0-9]{2}:[0-9]{2} UTC</time>",
      "datetime=\"[^\"]+\">[0-9]{1,2}\\. [A-Za-zä]+ 20[0-9]{2} um [0-9]{2}:[0-9]{2} UTC</time>",
      "datetime=\"[^\"]+\">[0-9]{1,2} de [a-z]+ de 20[0-9]{2} a las [0-9]{2}:[0-9]{2} UTC</time>"};
  for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
    assert_int_equal(th_http(s, "GET", pages[i][0], NULL, 0, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    S_has(r.body, pages[i][1]);
    S_lacks(r.body, pages[i][2]);
    S_has(r.body, counts[i]);
    S_lacks(r.body, "class=\"lang\""); /* one language: no item says its own */
    char *sel = th_fmt("<option value=\"%s\" selected>", langs[i]);
    S_has(r.body, sel); /* the filter says which */
    free(sel);
    regex_t re;
    assert_int_equal(regcomp(&re, times[i], REG_EXTENDED | REG_NOSUB), 0);
    if (regexec(&re, r.body, 0, NULL, 0)) print_error("%s: no %s\n", pages[i][0], times[i]);
    assert_int_equal(regexec(&re, r.body, 0, NULL, 0), 0);
    regfree(&re);
    th_resp_free(&r);
  }
  /* every language: each item links its own language's article, named
   * in that language, and says which language it is in the page's words */
  assert_int_equal(th_http(s, "GET", "/fr/team/queue?lang=all", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  S_has(r.body, "4 en attente");
  S_has(r.body, "<option value=\"all\" selected>");
  S_has(r.body, "<a hreflang=\"en\" lang=\"en\" href=\"/help/keep-your-number\">Keep your number when you");
  S_has(r.body, "<a hreflang=\"de\" lang=\"de\" href=\"/de/help/keep-your-number\">Rufnummer beim");
  S_has(r.body, "<a href=\"/fr/help/keep-your-number\">Garder votre numéro");
  S_has(r.body, "<span class=\"lang\" data-lang=\"en\">anglais</span>");
  S_has(r.body, "<span class=\"lang\" data-lang=\"es\">espagnol</span>");
  th_resp_free(&r);
  /* another language than the page's, by name */
  assert_int_equal(th_http(s, "GET", "/team/queue?lang=de", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 200);
  S_has(r.body, "1 waiting");
  S_has(r.body, "<a hreflang=\"de\" lang=\"de\" href=\"/de/help/keep-your-number\">Rufnummer beim");
  S_lacks(r.body, "Keep your number");
  th_resp_free(&r);
  /* a language the knowledge base does not have: a clear 400 */
  assert_int_equal(th_http(s, "GET", "/team/queue?lang=nl", NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 400);
  S_has(r.body, "\"code\":\"invalid_value\"");
  S_has(r.body, "'lang' must be all or a language of this knowledge base");
  th_resp_free(&r);
  /* Done returns to the list it was on: the page's language, or the filter
   * chosen (a value that is no language of the index: the plain list) */
  static const char *const done_on[][3] = {
      {"/es/team/queue", "", "/es/team/queue"},
      {"/team/queue?lang=fr", "&lang=fr", "/team/queue?lang=fr"},
      {"/team/queue?lang=de", "&lang=x%0d%0aSet-Cookie:%20a", "/team/queue"},
  };
  for (int i = 0; i < 3; i++) {
    assert_int_equal(th_http(s, "GET", done_on[i][0], NULL, 0, NULL, &r), 0);
    const char *idp = strstr(r.body, "name=\"id\" value=\"");
    assert_non_null(idp);
    int id = atoi(idp + strlen("name=\"id\" value=\""));
    if (i == 0) S_lacks(r.body, "type=\"hidden\" name=\"lang\""); /* no filter chosen */
    else S_has(r.body, "type=\"hidden\" name=\"lang\" value=\"");
    th_resp_free(&r);
    char *done = th_fmt("id=%d%s", id, done_on[i][1]);
    const char *path = i == 0 ? "/es/team/queue/done" : "/team/queue/done";
    assert_int_equal(th_http(s, "POST", path, done, strlen(done), h, &r), 0);
    assert_int_equal(r.status, 303);
    char *loc = th_resp_header(&r, "Location");
    assert_non_null(loc);
    assert_string_equal(loc, done_on[i][2]);
    free(loc);
    th_resp_free(&r);
    free(done);
  }
  assert_int_equal(th_http(s, "GET", "/team/queue?lang=all", NULL, 0, NULL, &r), 0);
  S_has(r.body, "1 waiting");
  S_has(r.body, "data-lang=\"en\"");
  S_lacks(r.body, "data-lang=\"es\"");
  S_has(r.body, "<input type=\"hidden\" name=\"lang\" value=\"all\">");
  th_resp_free(&r);
  /* the KB health page's times likewise */
  static const char *const health[][2] = {
      {"/kb-health", "built 20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"},
      {"/fr/kb-health", "construite le [0-9]{1,2} [a-zéû]+ 20[0-9]{2} à [0-9]{2}:[0-9]{2} UTC"},
  };
  for (size_t i = 0; i < 2; i++) {
    assert_int_equal(th_http(s, "GET", health[i][0], NULL, 0, NULL, &r), 0);
    regex_t re;
    assert_int_equal(regcomp(&re, health[i][1], REG_EXTENDED | REG_NOSUB), 0);
    if (regexec(&re, r.body, 0, NULL, 0)) print_error("%s: no %s\n%.3000s\n", health[i][0], health[i][1], r.body);
    assert_int_equal(regexec(&re, r.body, 0, NULL, 0), 0);
    regfree(&re);
    th_resp_free(&r);
  }
  assert_int_equal(th_server_stop(s), 0);
  th_rmtree(data);
  free(data);
}

/*--- Refusals of another language's page address ------------------------*/

/* GETs (or POSTs) path until the status is want (up to tries times); the
 * last response in *r. */
static void S_until(th_server *s, const char *method, const char *path, const char *const *h, long want, int tries,
                    th_resp *r) {
  for (int i = 0; i < tries; i++) {
    assert_int_equal(th_http(s, method, path, method[0] == 'P' ? "x=1" : NULL, method[0] == 'P' ? 3 : 0, h, r), 0);
    if (r->status == want || i == tries - 1) return;
    th_resp_free(r);
  }
}

static void test_page_refusals_per_language(void **state) {
  (void)state;
  const char *extra[] = {"--quiet", "--rate", "2", NULL};
  th_server *s = th_serve_kb("kb", extra, NULL);
  assert_non_null(s);
  char *q = malloc(9001);
  memset(q, 'a', 9000);
  q[9000] = 0;
  char *longfr = th_fmt("/fr/search?q=%s", q), *longen = th_fmt("/search?q=%s", q);
  char args[1024] = "/de/search?q=x";
  for (int i = 0; i < 70; i++) snprintf(args + strlen(args), sizeof args - strlen(args), "&a%d=1", i);
  const char *evil[] = {"Origin: http://evil.example", "Content-Type: application/x-www-form-urlencoded", NULL};
  static const char *const none[] = {NULL};
  const struct {
    const char *method, *path;
    const char *const *headers;
    long status;
    const char *lang, *words;
  } cases[] = {
      {"GET", longfr, none, 414, "fr", "Cette adresse est trop longue pour être lue."},
      {"GET", args, none, 400, "de", "Diese Adresse kann nicht gelesen werden."},
      {"POST", "/es/help/cracked-screen", evil, 403, "es", "Aquí no se acepta un formulario enviado desde la página de otro"},
      {"GET", "/fr/", none, 429, "fr", "Trop de demandes sont venues de votre connexion en même temps."},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    th_resp r;
    S_until(s, cases[i].method, cases[i].path, cases[i].headers, cases[i].status, cases[i].status == 429 ? 60 : 1, &r);
    if (r.status != cases[i].status) print_error("%s %.40s: %ld\n%.300s\n", cases[i].method, cases[i].path, r.status, r.body);
    assert_int_equal(r.status, cases[i].status);
    char *ct = th_resp_header(&r, "Content-Type"), *lang = th_fmt("<html lang=\"%s\"", cases[i].lang);
    assert_non_null(ct);
    assert_non_null(strstr(ct, "text/html"));
    S_has(r.body, lang);
    S_has(r.body, cases[i].words);
    S_lacks(r.body, "\"error\"");
    if (cases[i].status == 429) {
      char *ra = th_resp_header(&r, "Retry-After");
      assert_non_null(ra);
      free(ra);
    }
    free(lang);
    free(ct);
    th_resp_free(&r);
  }
  /* the default site's addresses and the API keep the JSON, as they always had */
  th_resp r;
  assert_int_equal(th_http(s, "GET", longen, NULL, 0, NULL, &r), 0);
  assert_int_equal(r.status, 414);
  S_has(r.body, "{\"error\":{\"code\":\"uri_too_long\",\"message\":\"the address is over 8192 bytes\"}}");
  th_resp_free(&r);
  S_until(s, "GET", "/", NULL, 429, 60, &r);
  assert_int_equal(r.status, 429);
  S_has(r.body, "{\"error\":{\"code\":\"too_many_requests\"");
  th_resp_free(&r);
  free(longfr);
  free(longen);
  free(q);
  assert_int_equal(th_server_stop(s), 0);
}

/* Sends req on a new connection to s; the answer (up to nout - 1 bytes,
 * until the server closes) into out. */
static void S_raw(const th_server *s, const char *req, char *out, size_t nout) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {0};
  sa.sin_family = AF_INET;
  sa.sin_port = htons((unsigned short)th_server_port(s));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
  size_t got = 0;
  struct pollfd p = {fd, POLLIN, 0};
  while (got < nout - 1 && poll(&p, 1, 3000) == 1) {
    ssize_t k = read(fd, out + got, nout - 1 - got);
    if (k <= 0) break;
    got += (size_t)k;
  }
  out[got] = 0;
  close(fd);
}

/* The refusals made before a request is routed, with no body read: a
 * Content-Length over 64 KiB (413) and an ambiguous framing (400) were
 * the API's English JSON on /fr/ and /de/ page addresses. */
static void test_early_refusals_per_language(void **state) {
  (void)state;
  const char *extra[] = {"--quiet", NULL};
  th_server *s = th_serve_kb("kb", extra, NULL);
  assert_non_null(s);
  static const struct { const char *req, *status, *has; } cases[] = {
      {"POST /fr/helpful HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
       "Content-Length: 70000\r\n\r\n", "HTTP/1.1 413", "Ce qui a été envoyé est trop long."},
      {"POST /de/helpful HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
       "HTTP/1.1 400", "Diese Adresse kann nicht gelesen werden."},
      {"GET /es/search?q=x HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
       "HTTP/1.1 400", "<html lang=\"es\""},
      /* the default site and the API keep the JSON, as they always had */
      {"POST /helpful HTTP/1.1\r\nHost: x\r\nContent-Length: 70000\r\n\r\n", "HTTP/1.1 413",
       "{\"error\":{\"code\":\"payload_too_large\""},
      {"POST /api/v1/suggest HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
       "Content-Length: 70000\r\n\r\n", "HTTP/1.1 413", "{\"error\":{\"code\":\"payload_too_large\""},
      {"POST /fr/helpful HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
       "HTTP/1.1 400", "<html lang=\"fr\""},
  };
  char out[65536];
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    S_raw(s, cases[i].req, out, sizeof out);
    if (strncmp(out, cases[i].status, strlen(cases[i].status)) || !strstr(out, cases[i].has))
      print_error("case %zu: %.600s\n", i, out);
    assert_memory_equal(out, cases[i].status, strlen(cases[i].status));
    S_has(out, cases[i].has);
    if (cases[i].has[0] != '{') {
      S_has(out, "Content-Type: text/html");
      S_lacks(out, "\"error\"");
    }
  }
  assert_int_equal(th_server_stop(s), 0);
}

/*--- kb-index's help and watch lines in --lang's words ----------------------*/

/* kb-index --help and the lines of --watch were English under --lang
 * (#20, 5): they are messages.tsv's cli.* and watch.*; English's bytes as
 * they were. */
static void test_cli_words(void **state) {
  (void)state;
  char *cmd = th_fmt("%s/kb-index --help", th_bin_dir());
  char *out = S_run(cmd, 0);
  /* the English help as it always was (a few of its lines, whole) */
  S_has(out, "usage: kb-index [--check] [--quiet] [--lang L] KB_DIR -o INDEX\n"
             "       kb-index --watch KB_DIR -o INDEX\n\n");
  S_has(out, "  --watch             build, then rebuild on every change until\n"
             "                      SIGTERM/Ctrl-C (a server serving INDEX swaps\n");
  S_has(out, "  -h, --help          this help\n\nExit status: 0 ok, 1 the knowledge base has errors, 2 the index\n"
             "could not be written, 64 usage error.\n");
  free(out);
  free(cmd);
  static const char *const langs[][4] = {
      {"fr", "utilisation : kb-index", "  --check             vérifier seulement, ne rien écrire\n", "option inconnue '--zzz'"},
      {"de", "Aufruf: kb-index", "  --check             nur prüfen, nichts schreiben\n", "unbekannte Option '--zzz'"},
      {"es", "uso: kb-index", "  --check             solo comprobar, no escribir nada\n", "opción desconocida '--zzz'"},
  };
  for (int i = 0; i < 3; i++) {
    cmd = th_fmt("%s/kb-index --lang %s --help", th_bin_dir(), langs[i][0]);
    out = S_run(cmd, 0);
    S_has(out, langs[i][1]);
    S_has(out, langs[i][2]);
    S_lacks(out, "validate only");
    S_lacks(out, "{nl}");
    free(out);
    free(cmd);
    cmd = th_fmt("%s/kb-index --lang %s --zzz kb 2>&1", th_bin_dir(), langs[i][0]);
    out = S_run(cmd, 64);
    S_has(out, langs[i][3]);
    S_lacks(out, "unknown option");
    free(out);
    free(cmd);
  }
  /* the watch's lines: French, the seconds with a comma */
  char *dir = th_tmpdir();
  cmd = th_fmt("%s/kb-index --watch --lang fr kb -o %s/ix.sqlite >%s/log 2>&1 & p=$!;"
               " for i in $(seq 300); do grep -q 'reconstruit' %s/log && break; sleep 0.1; done;"
               " kill $p; wait $p; cat %s/log", th_bin_dir(), dir, dir, dir, dir);
  out = S_run(cmd, 0);
  S_has(out, "kb-index: surveillance de kb (SIGTERM ou Ctrl-C pour arrêter)\n");
  S_has(out, "/ix.sqlite reconstruit : articles : ");
  regex_t re;
  assert_int_equal(regcomp(&re, "avertissements : [0-9]+, [0-9]+,[0-9][0-9] s\n", REG_EXTENDED | REG_NOSUB), 0);
  if (regexec(&re, out, 0, NULL, 0)) print_error("%s\n", out);
  assert_int_equal(regexec(&re, out, 0, NULL, 0), 0);
  regfree(&re);
  S_lacks(out, "rebuilt");
  free(out);
  free(cmd);
  /* and English's as they were */
  cmd = th_fmt("%s/kb-index --watch kb -o %s/ix.sqlite >%s/log 2>&1 & p=$!;"
               " for i in $(seq 300); do grep -q 'rebuilt' %s/log && break; sleep 0.1; done;"
               " kill $p; wait $p; cat %s/log", th_bin_dir(), dir, dir, dir, dir);
  out = S_run(cmd, 0);
  S_has(out, "kb-index: watching kb (SIGTERM or Ctrl-C stops)\n");
  assert_int_equal(regcomp(&re, "kb-index: rebuilt [^ ]*/ix.sqlite: [0-9]+ articles, [0-9]+ warnings, [0-9]+\\.[0-9][0-9] s\n",
                           REG_EXTENDED | REG_NOSUB), 0);
  assert_int_equal(regexec(&re, out, 0, NULL, 0), 0);
  regfree(&re);
  free(out);
  free(cmd);
  th_rmtree(dir);
  free(dir);
}

/*--- Figures with decimals in the page's words ------------------------------*/

static void test_decimal_mark(void **state) {
  (void)state;
  const char *extra[] = {"--quiet", NULL};
  th_server *s = th_serve_kb("kb", extra, NULL);
  assert_non_null(s);
  static const char *const pages[][2] = {
      {"/agent", "detected \\(confidence 0\\.[0-9][0-9]\\)"},
      {"/fr/agent", "détectée \\(confiance 0,[0-9][0-9]\\)"},
      {"/de/agent", "erkannt \\(Sicherheit 0,[0-9][0-9]\\)"},
      {"/es/agent", "detectado \\(confianza 0,[0-9][0-9]\\)"},
  };
  for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
    char *path = th_fmt("%s?text=slt%%20comment%%20je%%20recupere%%20mon%%20code%%20RIO&author=bob", pages[i][0]);
    th_resp r;
    assert_int_equal(th_http(s, "GET", path, NULL, 0, NULL, &r), 0);
    assert_int_equal(r.status, 200);
    regex_t re;
    assert_int_equal(regcomp(&re, pages[i][1], REG_EXTENDED | REG_NOSUB), 0);
    if (regexec(&re, r.body, 0, NULL, 0)) print_error("%s: no %s\n", path, pages[i][1]);
    assert_int_equal(regexec(&re, r.body, 0, NULL, 0), 0);
    regfree(&re);
    /* and the script's words say the same mark */
    S_has(r.body, i ? "\"number.decimal\":\",\"" : "\"number.decimal\":\".\"");
    th_resp_free(&r);
    free(path);
  }
  assert_int_equal(th_server_stop(s), 0);
}

/*--- The reports' totals with their language's plural ----------------------*/

static void test_report_totals_plural(void **state) {
  (void)state;
  char *data = th_tmpdir();
  const char *extra[] = {"--quiet", "--data", data, NULL};
  th_server *s = th_serve_kb("kb", extra, NULL);
  assert_non_null(s);
  static const char fb[] = "{\"text\":\"x\",\"slug\":\"keep-your-number\",\"action\":\"sent\"}";
  th_resp r;
  assert_int_equal(th_http(s, "POST", "/api/v1/feedback", fb, sizeof fb - 1, NULL, &r), 0);
  assert_int_equal(r.status, 201);
  th_resp_free(&r);
  /* one reply sent (of every language: a page's own default is its
   * language's, and "x" is English): the singular in French, German and
   * Spanish; 0 in French too */
  assert_true(th_wait_body(s, "/fr/reports?lang=all", "<strong>1</strong> réponse envoyée", 100));
  assert_true(th_wait_body(s, "/fr/reports?lang=all", "<strong>0</strong> recherche sans résultat", 2));
  assert_true(th_wait_body(s, "/de/reports?lang=all", "<strong>1</strong> Antwort gesendet", 2));
  assert_true(th_wait_body(s, "/de/reports?lang=all", "<strong>0</strong> Suchen ohne Ergebnis", 2));
  assert_true(th_wait_body(s, "/es/reports?lang=all", "<strong>1</strong> respuesta enviada", 2));
  assert_true(th_wait_body(s, "/fr/reports", "<strong>0</strong> réponse envoyée", 2));
  /* English as the page always said it */
  assert_true(th_wait_body(s, "/reports", "<strong>1</strong> replies sent", 2));
  assert_int_equal(th_server_stop(s), 0);
  th_rmtree(data);
  free(data);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_diag_names_library_words),
      cmocka_unit_test(test_yaml_problems_per_language),
      cmocka_unit_test(test_yaml_problems_on_health_pages),
      cmocka_unit_test(test_summary_per_language),
      cmocka_unit_test(test_console_error_codes_have_texts),
      cmocka_unit_test(test_queue_in_page_language),
      cmocka_unit_test(test_page_refusals_per_language),
      cmocka_unit_test(test_early_refusals_per_language),
      cmocka_unit_test(test_cli_words),
      cmocka_unit_test(test_decimal_mark),
      cmocka_unit_test(test_report_totals_plural),
  };
  return cmocka_run_group_tests_name("lang_msgs", tests, NULL, NULL);
}
