/*
 * kb_rows.h - the rows' metadata cache of an open index, and the list of
 * articles that deep-link stores (internal to src/core: kb_search.c fills
 * hits from them, kb_index.c frees them).
 */
#ifndef KB_ROWS_H
#define KB_ROWS_H

#include <stdint.h>

#include "kb_index_impl.h"

/* Row id's metadata (the columns of meta_by_id, in S_meta_order: the
 * columns ranking reads, then those a shown hit needs), from ix's cache
 * (KB_IX_ROW_SLOTS, direct-mapped by id) or read now; NULL when there is
 * no such row. Owned by ix, valid until the next call on ix (another row
 * may take its slot). */
kb_ix_row *kb_rows_get(kb_index *ix, int64_t id);

/* The slugs of the help articles of collection coll in language lang
 * that deep-link stores, from ix's cache or read now and kept (NULL when
 * the query fails; nothing kept). Owned by ix until kb_index_close(). */
kb_ix_linked *kb_rows_linked(kb_index *ix, const char *coll, const char *lang);

/* The slugs of the help articles of collection coll in language lang,
 * the fewest title words first, then the shorter title, then the slug
 * (a general page, "Accounts" or "Contact us", has a short title), from
 * ix's cache or read now and kept (NULL when the query fails; nothing
 * kept). Owned by ix until kb_index_close(). */
kb_ix_linked *kb_rows_general(kb_index *ix, const char *coll, const char *lang);

/* Frees ix's rows cache (kb_index_close()). */
void kb_rows_free(kb_index *ix);

#endif
