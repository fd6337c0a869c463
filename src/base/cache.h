/* A persistent cache of finished work (issue "performance": font subsets
 * already compressed, fontconfig resolutions), shared by every paiban
 * process of a user.
 *
 * One file per entry, named by the 128-bit XXH3 hash of its key (the
 * caller puts everything that decides the value into the key: the font
 * file's path, size and mtime, the glyph set, paiban's version...).  An
 * entry file is "PBC2", the payload length and the payload's XXH3-128
 * seeded with the key, then the payload: a truncated or corrupted entry,
 * or a whole entry under another key's name, is detected, ignored and
 * removed, never trusted.  Writes go to a temporary file renamed into
 * place, so processes sharing the cache see an entry whole or not at all.
 * The cache is bounded: past its size limit the entries used least
 * recently (by mtime, refreshed by a hit on an entry an hour old or more)
 * are removed.
 *
 * The cache never fails a render: a directory that cannot be created or
 * written just disables it (pb_cache_open reports why in a warning only
 * when PAIBAN_CACHE_DIR names it explicitly).
 *
 * Ownership: pb_cache owns its directory path; pb_cache_close frees it.
 * Payloads returned by pb_cache_get are malloc'd for the caller.
 */
#ifndef PB_CACHE_H
#define PB_CACHE_H

#include "paiban/cache.h"

/* A key under construction: feed it everything the value depends on. */
typedef struct pb_cache_key {
  void *state; /* XXH3 state */
} pb_cache_key;

bool pb_cache_key_init(pb_cache_key *k, const char *kind);
void pb_cache_key_add(pb_cache_key *k, const void *data, size_t len);
void pb_cache_key_add_str(pb_cache_key *k, const char *s);
/* Adds a file's identity: its path, size and modification time (false if
 * it cannot be stat'ed: then nothing about it should be cached). */
bool pb_cache_key_add_file(pb_cache_key *k, const char *path);
/* Finishes the key: hex[33] receives its name (the key is freed). */
void pb_cache_key_done(pb_cache_key *k, char hex[33]);

/* The payload stored under key, or false (no entry, or a bad one, which
 * is removed).  On success *data is malloc'd (len bytes, plus a spare NUL
 * byte after them). */
bool pb_cache_get(pb_cache *c, const char *hex, void **data, size_t *len);

/* Stores a payload under key (best effort: failures are silent). */
void pb_cache_put(pb_cache *c, const char *hex, const void *data, size_t len);

#endif
