/*
 * kb_sitefile.c - kb/site.yaml, parsed with libyaml's document API so that
 * every message names the line of the node it is about (kb_sitefile.h).
 */
#include "kb_sitefile.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "kb_reply.h"
#include "kb_text.h"
#include "kb_util.h"

#define S_MAX_CONTACTS 8

struct kb_sitefile {
  kb_site_entry *v;
  int n, cap;
};

typedef struct {
  kb_sitefile *s;
  yaml_document_t *doc;
  const char *path;
  kb_diag *d;
} S_ctx;

static int S_line(const yaml_node_t *n) { return (int)n->start_mark.line + 1; }

static void S_add(S_ctx *c, const char *coll, const char *lang, const char *key, const char *value) {
  kb_sitefile *s = c->s;
  if (s->n == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 16;
    s->v = kb_xrealloc(s->v, (size_t)s->cap * sizeof *s->v);
  }
  s->v[s->n++] = (kb_site_entry){.collection = kb_xstrdup(coll), .lang = kb_xstrdup(lang),
                                 .key = kb_xstrdup(key), .value = kb_xstrdup(value)};
}

/* The text of a scalar that must be one line of valid UTF-8, or NULL (reported). */
static const char *S_text(S_ctx *c, const char *key, yaml_node_t *v) {
  if (v->type != YAML_SCALAR_NODE) {
    kb_diag_msg(c->d, KB_DIAG_ERROR, c->path, S_line(v), "site.not-text", "key", key, NULL);
    return NULL;
  }
  const char *t = (const char *)v->data.scalar.value;
  size_t n = v->data.scalar.length;
  if (!kb_text_utf8_valid(t, n, NULL) || strlen(t) != n || strpbrk(t, "\r\n")) {
    kb_diag_msg(c->d, KB_DIAG_ERROR, c->path, S_line(v), "site.not-one-line", "key", key, NULL);
    return NULL;
  }
  if (!*t) {
    kb_diag_msg(c->d, KB_DIAG_ERROR, c->path, S_line(v), "site.empty", "key", key, NULL);
    return NULL;
  }
  return t;
}

/* Links in contacts are to the phone, e-mail, the web over https, or a
 * page of our own site. */
static int S_link_ok(const char *l) {
  return !strncmp(l, "tel:", 4) || !strncmp(l, "mailto:", 7) || !strncmp(l, "https://", 8) ||
         (l[0] == '/' && l[1] != '/');
}

static void S_contacts(S_ctx *c, const char *coll, const char *lang, yaml_node_t *v) {
  if (v->type != YAML_SEQUENCE_NODE) {
    kb_diag_msg(c->d, KB_DIAG_ERROR, c->path, S_line(v), "site.contacts-not-list", "open", "{", "close", "}", NULL);
    return;
  }
  int i = 0;
  for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
    yaml_node_t *m = yaml_document_get_node(c->doc, *it);
    if (++i > S_MAX_CONTACTS) {
      char sm[16];
      snprintf(sm, sizeof sm, "%d", S_MAX_CONTACTS);
      kb_diag_msg(c->d, KB_DIAG_ERROR, c->path, S_line(m), "site.too-many-contacts", "max", sm, NULL);
      return;
    }
    if (m->type != YAML_MAPPING_NODE) {
      kb_diag_msg(c->d, KB_DIAG_ERROR, c->path, S_line(m), "site.contact-not-mapping", "open", "{", "close", "}", NULL);
      continue;
    }
    int has_name = 0, has_text = 0;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
      yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
      yaml_node_t *val = yaml_document_get_node(c->doc, p->value);
      const char *key = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
      if (strcmp(key, "name") && strcmp(key, "text") && strcmp(key, "link") && strcmp(key, "hours")) {
        kb_diag_msg(c->d, KB_DIAG_ERROR, c->path, S_line(k), "site.contact-unknown-key", "key", key, NULL);
        continue;
      }
      const char *t = S_text(c, key, val);
      if (!t) continue;
      if (!strcmp(key, "link") && !S_link_ok(t)) {
        kb_diag_msg(c->d, KB_DIAG_ERROR, c->path, S_line(val), "site.bad-link", "link", t, NULL);
        continue;
      }
      has_name |= !strcmp(key, "name");
      has_text |= !strcmp(key, "text");
      char *full = kb_fmt("contact.%d.%s", i, key);
      S_add(c, coll, lang, full, t);
      free(full);
    }
    if (!has_name || !has_text)
      kb_diag_msg(c->d, KB_DIAG_ERROR, c->path, S_line(m), "site.contact-incomplete", NULL);
  }
}

static int S_name_ok(const char *s) {
  if (!*s) return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          *s == '_' || *s == '-'))
      return 0;
  return 1;
}

static void S_mapping(S_ctx *c, const char *coll, const char *lang, yaml_node_t *m, int top);

/* collections: {name: {...}} or languages: {code: {...}} */
static void S_scoped(S_ctx *c, const char *what, yaml_node_t *v, int by_lang) {
  if (v->type != YAML_MAPPING_NODE) {
    kb_diag_msg(c->d, KB_DIAG_ERROR, c->path, S_line(v), "site.not-scoped", "key", what, NULL);
    return;
  }
  for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
    yaml_node_t *val = yaml_document_get_node(c->doc, p->value);
    const char *name = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
    if (!S_name_ok(name) || (by_lang && !kb_text_lang_known(name))) {
      kb_diag_msg(c->d, KB_DIAG_ERROR, c->path, S_line(k), by_lang ? "site.bad-lang-code" : "site.bad-collection",
                  by_lang ? "lang" : "collection", name, NULL);
      continue;
    }
    if (val->type != YAML_MAPPING_NODE) {
      kb_diag_msg(c->d, KB_DIAG_ERROR, c->path, S_line(val), "site.not-settings", "name", name, NULL);
      continue;
    }
    S_mapping(c, by_lang ? "" : name, by_lang ? name : "", val, 0);
  }
}

static void S_mapping(S_ctx *c, const char *coll, const char *lang, yaml_node_t *m, int top) {
  for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
    yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
    const char *key = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
    if (!strcmp(key, "contacts")) S_contacts(c, coll, lang, v);
    else if (top && !strcmp(key, "collections")) S_scoped(c, key, v, 0);
    else if (top && !strcmp(key, "languages")) S_scoped(c, key, v, 1);
    else if (!strcmp(key, "lang") && *coll) { /* a collection's articles' language */
      const char *t = S_text(c, key, v);
      if (t && (strlen(t) != 2 || !kb_text_lang_known(t)))
        kb_diag_msg(c->d, KB_DIAG_ERROR, c->path, S_line(v), "site.bad-lang", "lang", t, NULL);
      else if (t)
        S_add(c, coll, "", key, t);
    } else if (!strcmp(key, "brand") || !strcmp(key, "title") || !strcmp(key, "twitter")) {
      const char *t = S_text(c, key, v);
      if (!t) continue;
      if (!strcmp(key, "twitter") && !kb_reply_handle_valid(t[0] == '@' ? t + 1 : t)) {
        kb_diag_msg(c->d, KB_DIAG_ERROR, c->path, S_line(v), "site.bad-twitter", "twitter", t, NULL);
        continue;
      }
      S_add(c, coll, lang, key, t[0] == '@' ? t + 1 : t);
    } else {
      kb_diag_msg(c->d, KB_DIAG_ERROR, c->path, S_line(k), top ? "site.unknown-key-top" : "site.unknown-key", "key",
                  key, NULL);
    }
  }
}

static int S_has(const kb_sitefile *s, const char *key) {
  for (int i = 0; i < s->n; i++)
    if (!*s->v[i].collection && !*s->v[i].lang && !strcmp(s->v[i].key, key)) return 1;
  return 0;
}

kb_sitefile *kb_sitefile_parse(const char *path, const char *data, size_t n, kb_diag *d) {
  kb_sitefile *s = kb_xcalloc(1, sizeof *s);
  yaml_parser_t p;
  yaml_document_t doc;
  yaml_parser_initialize(&p);
  yaml_parser_set_input_string(&p, (const unsigned char *)data, n);
  if (!yaml_parser_load(&p, &doc)) {
    kb_diag_msg(d, KB_DIAG_ERROR, path, (int)p.problem_mark.line + 1, p.problem ? "site.bad-yaml" : "site.bad-yaml-syntax",
                "problem", p.problem ? p.problem : "", NULL); /* libyaml's English, named by the build */
    yaml_parser_delete(&p);
    return s;
  }
  S_ctx c = {.s = s, .doc = &doc, .path = path, .d = d};
  yaml_node_t *root = yaml_document_get_root_node(&doc);
  if (!root || root->type != YAML_MAPPING_NODE) {
    kb_diag_msg(d, KB_DIAG_ERROR, path, root ? S_line(root) : 1, "site.not-mapping", NULL);
  } else {
    S_mapping(&c, "", "", root, 1);
    if (!S_has(s, "brand")) kb_diag_msg(d, KB_DIAG_ERROR, path, 1, "site.missing", "key", "brand", NULL);
    if (!S_has(s, "title")) kb_diag_msg(d, KB_DIAG_ERROR, path, 1, "site.missing", "key", "title", NULL);
  }
  yaml_document_delete(&doc);
  yaml_parser_delete(&p);
  return s;
}

void kb_sitefile_free(kb_sitefile *s) {
  if (!s) return;
  for (int i = 0; i < s->n; i++) {
    free((char *)s->v[i].collection);
    free((char *)s->v[i].lang);
    free((char *)s->v[i].key);
    free((char *)s->v[i].value);
  }
  free(s->v);
  free(s);
}

int kb_sitefile_count(const kb_sitefile *s) { return s ? s->n : 0; }
const kb_site_entry *kb_sitefile_entry(const kb_sitefile *s, int i) { return &s->v[i]; }
