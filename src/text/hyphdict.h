/* libhyphen dictionaries, compiled once and kept in the persistent cache
 * (src/base/cache.h).
 *
 * hnj_hyphen_load parses a pattern file into a state machine: for Debian's
 * hyph_en_US.dic that is 37 M instructions (16 k states, 90 k mallocs), as
 * much as the rest of a warm render of the essay, which needs the patterns
 * for a handful of English names.  The machine is plain data in structs
 * that <hyphen.h> makes public, so it is written to the cache as a flat
 * record and read back into one allocation; hnj_hyphen_hyphenate2 then
 * walks it as it would walk libhyphen's own.  The record is keyed by the
 * pattern file's path, size and mtime and by paiban's version, and every
 * index in it is checked on the way in (the cache's own checksum has
 * already rejected a damaged file).
 *
 * Ownership: a pb_hyphdict owns its HyphenDict (libhyphen's, or the one
 * block read from the cache); pb_hyphdict_free frees either.
 */
#ifndef PB_HYPHDICT_H
#define PB_HYPHDICT_H

#include "base/cache.h"

#include <hyphen.h>
#include <stddef.h>

typedef struct pb_hyphdict {
  HyphenDict *dict;
  void *block; /* the flat copy's single allocation, or NULL: libhyphen's */
} pb_hyphdict;

/* Loads the pattern file at path, through cache (may be NULL).  NULL if
 * the file cannot be loaded or memory runs out. */
pb_hyphdict *pb_hyphdict_load(const char *path, pb_cache *cache);
void pb_hyphdict_free(pb_hyphdict *d);

/* The cache record of dict: malloc'd, *len bytes; NULL when out of memory
 * or the dictionary is too large to record.  Exposed for the unit tests. */
void *pb_hyphdict_record(const HyphenDict *dict, size_t *len);

/* Rebuilds a record into d (dict and block); false if it is not a whole,
 * consistent record. */
bool pb_hyphdict_from_record(const void *data, size_t len, pb_hyphdict *d);

#endif
