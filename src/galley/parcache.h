/* The paragraph cache (include/paiban/preload.h, pb_paragraph_cache_*):
 * what pb_set_text added to the galley for one run of text — its lines,
 * glyphs, link areas, footnote cites and text — kept across renders in
 * one process (paiban watch), so that a run set again with the same
 * inputs is copied instead of shaped, broken and set.
 *
 * The key is everything the result depends on: the run's characters,
 * styles, source positions (lines and diagnostics carry them), links and
 * footnote references, the size, role and line options, the settings
 * (hashed as bytes: pb_settings_from_meta zeroes the struct first) and
 * the font set (by address: the caller keeps its font sets loaded while
 * the cache is on).  The block index is not in it: lines get the caller's.
 * Only runs that start no hanging marker, reported no diagnostic, and were
 * set while the shaper had reported nothing once-per-document (a missing
 * character, missing hyphenation patterns) are kept, and a lookup is made
 * only in that state too, so the diagnostics are those of a fresh render.
 *
 * Ownership: the cache owns its entries; an entry unused by one render
 * (pb_parcache_begin to the next) is freed at the next begin.
 * Not thread-safe (one render at a time).
 */
#ifndef PB_PARCACHE_H
#define PB_PARCACHE_H

#include "galley/setline.h"

/* A lookup's state, handed from pb_parcache_lookup to pb_parcache_store. */
typedef struct pb_parcache_probe {
  bool keep;                 /* store the result when it is clean */
  uint64_t key[2];
  size_t lines, glyphs, areas, cites, text, diags; /* counts before */
} pb_parcache_probe;

/* Starts a render: frees the entries the previous render did not use. */
void pb_parcache_begin(void);

/* True when the run was found and its lines appended to st->gal (their
 * block set to block); else pr says whether to keep what is set now. */
bool pb_parcache_lookup(pb_parcache_probe *pr, const pb_setter *st,
                        const pb_text_run *run, pb_len size, pb_role role,
                        const pb_line_opts *o, uint32_t block);

/* After the run was set (status rc): keeps what it added, when clean. */
void pb_parcache_store(const pb_parcache_probe *pr, const pb_setter *st,
                       pb_status rc);

/* Runs copied from the cache since the process started (for tests). */
size_t pb_parcache_hits(void);

#endif
