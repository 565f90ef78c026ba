/*
 * kb_dictfile.h - a language's dictionary (kb/lang/<code>/dictionary.txt),
 * as kb-index reads it: the word lists of the language, installed from
 * Debian's packages, whose words the spelling corrector must never
 * "correct" (kb_dict.h).
 *
 * Format: one source a line, KIND<TAB>PATH<TAB>PACKAGE; '#' at the start of
 * a line makes it a comment, blank lines are ignored.
 *   words     PATH is a word list, one word a line (/usr/share/dict/...)
 *   hunspell  PATH is a hunspell dictionary without its extension: PATH.dic
 *             and PATH.aff, every form of which hunspell-tools' unmunch
 *             writes out (a Spanish verb's -áis, -éis forms are only there)
 * PACKAGE is the Debian package that installs PATH (hunspell-tools too for
 * a hunspell line), named in the message when PATH is missing; `make
 * deps` (.ci/deps.sh) installs them. A relative PATH is read from the
 * file's directory.
 *
 * Problems are reported as path:line and the index is not replaced: a line
 * without three fields, an unknown kind, a source that cannot be read,
 * unmunch missing or failing, invalid UTF-8 in a source.
 */
#ifndef KB_DICTFILE_H
#define KB_DICTFILE_H

#include <stddef.h>

#include "kb_diag.h"
#include "kb_dict.h"

/* Reads every source data[0..n) (read from path) names into a new
 * dictionary, each word folded as a mention's words are (kb_token.h);
 * problems go to d. NULL when it names no source or one failed. Free
 * with kb_dict_free(). */
kb_dict *kb_dictfile_load(const char *path, const char *data, size_t n, kb_diag *d);

#endif
