/* OpenCC, loaded on first use, with conversions kept in the persistent
 * cache (src/doc/opencc.c; pb_opencc_convert is in paiban/doc.h).
 *
 * Ownership: the process-wide converter table and the library handle
 * belong to opencc.c (pb_unload_opencc frees the converters).
 */
#ifndef PB_DOC_OPENCC_H
#define PB_DOC_OPENCC_H

#include "paiban/cache.h"

/* Conversions from now on go through cache (pb_preload_use_cache). */
void pb_opencc_use_cache(pb_cache *cache);

#endif
