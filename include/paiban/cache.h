/* paiban — the persistent cache of finished work (font subsets, already
 * compressed), shared by every paiban process of a user: where it lives
 * and how to open it.  The CLI opens one (unless --no-cache) and passes it
 * to the backends; the library never opens one by itself.
 *
 * Ownership: pb_cache owns its directory path; pb_cache_close frees it.
 */
#ifndef PAIBAN_CACHE_H
#define PAIBAN_CACHE_H

#include "base.h"

typedef struct pb_cache pb_cache;

/* The default directory: $PAIBAN_CACHE_DIR, else $XDG_CACHE_HOME/paiban,
 * else $HOME/.cache/paiban, written into buf (size bytes) and returned;
 * NULL when none can be named. */
const char *pb_cache_default_dir(char *buf, size_t size);

/* Opens (creating if needed) the cache in dir; max_bytes 0 means 256 MiB.
 * Returns NULL (no cache, never an error) when dir is NULL or unusable. */
pb_cache *pb_cache_open(const char *dir, uint64_t max_bytes);
void pb_cache_close(pb_cache *c);

#endif
