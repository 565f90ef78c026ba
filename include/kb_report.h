/*
 * kb_report.h - the knowledge team's reports, read from the data
 * directory's database (feedback and the event log, kb_feedback.h and the
 * server's kb_events.c) and the index:
 *
 *   unanswered   mentions no suggestion answered (not answerable, or every
 *                suggestion dismissed), grouped by their most telling word
 *   most-sent    the articles agents sent most
 *   never-sent   articles agents never sent
 *                (both with each topic's title in the language given, where
 *                it has a translation in it, else the default language's)
 *   no-results   public searches that found nothing, most frequent first
 *   no-fit       public searches that showed results though no article
 *                fits them (the suggest path's abstention, logged with the
 *                submitted searches: kb_search_opts.fits), most frequent
 *                first, each with the article it showed first most often
 *   helpful      "did this help?" answers per article
 *   languages    every language's figures side by side (mentions,
 *                answerable, replies sent, yes, no, searches with no
 *                results, searches no article fits, flags: the team
 *                queue's, queue.sqlite beside the data), whatever
 *                language the others are of
 *
 * Given a language, every other report is of that language's rows only:
 * each event and action is logged with the language it belongs to (a
 * mention's, given or detected; the site's of a search or an answer); a
 * row logged before its table kept one (lang NULL, or no lang column in a
 * store no server of #20 opened yet) counts as the index's default
 * language's. An unanswered mention's most telling word is read with its
 * own language's analyzer.
 *
 * Each is available as JSON (GET /api/v1/reports/NAME), all of them as an
 * HTML page (/reports) and as text for a daily e-mail (kb-report).
 */
#ifndef KB_REPORT_H
#define KB_REPORT_H

#include <stddef.h>

#include "kb_search.h"
#include "kb_util.h"

/* The names of the reports, NULL-terminated. */
extern const char *const kb_report_names[];

/* Appends report `name` over the last `days` days (0: all) as JSON. data_db
 * is the path of DATA/feedback.sqlite; lang: one language (a code of the
 * index), or NULL for all. Returns 0, -1 for an unknown name,
 * -2 when the data cannot be read (message in err). */
int kb_report_json(kb_index *ix, const char *data_db, const char *name, int days, const char *lang,
                   kb_buf *out, char *err, size_t nerr);

/* Appends every report as text (for e-mail) or as the body of an HTML
 * page (the caller adds the layout). Return as kb_report_json(). */
int kb_report_text(kb_index *ix, const char *data_db, int days, const char *lang, kb_buf *out,
                   char *err, size_t nerr);

/* The words of a report in a reader's language: the text of key
 * (reports.text.title, reports.text.recent, reports.text.alltime,
 * reports.table.NAME, reports.col.NAME, reports.eg, reports.shown,
 * tr.stale.none: kb/lang/<code>/ui.tsv's
 * keys), owned by the caller's data, or NULL for the English default. */
typedef const char *(*kb_report_words)(void *arg, const char *key);

/* kb_report_text() with its headings and labels from words(arg, key). */
int kb_report_text_in(kb_index *ix, const char *data_db, int days, const char *lang,
                      kb_report_words words, void *arg, kb_buf *out, char *err, size_t nerr);
int kb_report_html(kb_index *ix, const char *data_db, int days, const char *lang, kb_buf *out,
                   char *err, size_t nerr);

#endif
