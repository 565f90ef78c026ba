/*
 * kb_reply.h - ready-to-send replies from an article's reply template.
 *
 * A template is text with the placeholders {url} (the link to send),
 * {title} (the article's title) and {store} (the store the mention names:
 * its page, or the store finder near the town; without a place the store
 * finder; where no store link is given, the same as {url}), and a section
 * {ifplace}...{endplace} whose text is sent only when the mention names
 * a place (a town, a store, a centre, a street, a postcode district): the
 * named store's link in front of the article's, say, where a store does
 * what the article tells. Sections do not nest; an unpaired mark is an
 * error of validation (kb_reply_max_length()). The reply an agent sends is "@author "
 * followed by the rendered template, and it must fit in a tweet as Twitter
 * counts it (kb_tweet.h: every URL 23, most Latin characters 1, others 2).
 * When it does not fit, the text is shortened at word boundaries with an
 * ellipsis, the title first; URLs and the @handle are never cut.
 */
#ifndef KB_REPLY_H
#define KB_REPLY_H

/* Longest reply, counted as Twitter counts. */
#define KB_REPLY_MAX 280
/* Longest Twitter handle, without the '@'. */
#define KB_REPLY_HANDLE_MAX 15

/* The template used for articles that have none. */
extern const char kb_reply_default[];

/* Renders tmpl with title and url, its sections left out. Returns a new
 * string (caller frees). When pbad is non-NULL the whole template is
 * checked first (sections sent or not): on an unknown placeholder or an
 * unpaired section mark returns NULL and sets *pbad to it, which the
 * caller frees. */
char *kb_reply_render(const char *tmpl, const char *title, const char *url,
                      char **pbad);
/* The same with the link {store} stands for (NULL: url), and the
 * sections sent when named is non-zero (the mention names a place). */
char *kb_reply_render_store(const char *tmpl, const char *title, const char *url, const char *store,
                            int named, char **pbad);

/* The weighted length of the longest reply tmpl can give: a 15-character
 * @handle and a space in front, {url} and {store} counted as 23, {title}
 * as title, every section sent.
 * Returns -1 with *pbad set on an unknown placeholder, -2 with *pbad set
 * to the mark on an unpaired section mark (the caller frees *pbad). */
int kb_reply_max_length(const char *tmpl, const char *title, char **pbad);

/* The reply to send: "@author " (when author is non-empty) and tmpl (or
 * kb_reply_default when NULL) rendered with title and url, shortened to
 * KB_REPLY_MAX. *plen gets the weighted length. Caller frees. An unknown
 * placeholder renders as its literal text, and an unpaired section mark as
 * nothing (a {ifplace} with no {endplace} after it opens no section):
 * validation catches both first. */
char *kb_reply_compose(const char *author, const char *tmpl, const char *title,
                       const char *url, int *plen);
/* The same with the link {store} stands for (NULL: url), and the
 * sections sent when named is non-zero (the mention names a place). */
char *kb_reply_compose_store(const char *author, const char *tmpl, const char *title,
                             const char *url, const char *store, int named, int *plen);
/* kb_reply_compose_store() into out (emptied first; the caller's, who
 * cleans it up), returning the weighted length: one buffer serves the
 * replies of a suggest. */
struct kb_buf;
int kb_reply_compose_into(struct kb_buf *out, const char *author, const char *tmpl,
                          const char *title, const char *url, const char *store, int named);

/* 1 if h (without '@') is a valid Twitter handle: 1-15 of [A-Za-z0-9_]. */
int kb_reply_handle_valid(const char *h);

/* The handle a reply is addressed to, from what a client sent as the
 * author ("@sam" or "sam"): a pointer into author past any '@', or NULL
 * when author is NULL or empty. *invalid is set to 1 when author is given
 * but is not a valid handle (NULL is returned then too), else 0. Every
 * route that takes an author reads it through this one function. */
const char *kb_reply_handle(const char *author, int *invalid);

#endif
