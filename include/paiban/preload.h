/* paiban — what many renders share, loaded once per process: OpenCC
 * converters and hyphenation dictionaries.  A batch preloads them in its
 * parent process before it forks its workers (which inherit them), and a
 * watch loop before its first render; a render then uses the preloaded one
 * instead of loading its own.  The output is the same bytes either way.
 *
 * Not thread-safe: preload and unload while no render runs.
 * Ownership: a process-wide table owns what is preloaded until the unload
 * call.  A failed preload is no error: the render that needs the file
 * loads it itself and reports what is wrong, at its own position.
 */
#ifndef PAIBAN_PRELOAD_H
#define PAIBAN_PRELOAD_H

#include "base.h"
#include "cache.h"

/* Opens OpenCC's configuration NAME.json (e.g. "tw2sp") for every later
 * pb_opencc_convert with that name (loading libopencc first: paiban links
 * it only on demand).  Returns PB_OK, or PB_ERR_IO when OpenCC cannot open
 * it (nothing is kept). */
pb_status pb_preload_opencc(const char *config);
void pb_unload_opencc(void);

/* Loads libhyphen's dictionary dict_name (e.g. "hyph_en_US.dic", as in
 * pb_settings.hyphen_dict) for every later render.  Returns PB_OK, or
 * PB_ERR_IO when it cannot be loaded (nothing is kept).  A dictionary a
 * render loads itself goes into the same table (up to four in all), so
 * later renders, and a render's threads, find it; the unload frees them
 * all. */
pb_status pb_preload_hyphenation(const char *dict_name);
void pb_unload_hyphenation(void);

/* From now on, hyphenation dictionaries (preloaded or loaded by a render)
 * are read from cache in their compiled form when it has them, and OpenCC
 * conversions are taken from it when it has the same text converted the
 * same way; what is missing is made and stored there.  NULL: no cache.
 * Parsing the English patterns is 37 M instructions and opening OpenCC's
 * tw2sp 12 M; reading either back, a few.  The output is the same bytes.
 * The cache must stay open until this is called again (with NULL). */
void pb_preload_use_cache(pb_cache *cache);

/* The paragraph cache (src/galley/parcache.h): while it is on, each run
 * of text a render sets is kept with the lines it made, and a later render
 * that sets a run with the same text, positions, styles, options,
 * settings and font set copies them instead of shaping and breaking it
 * again (paiban watch).  The output and diagnostics are those of a fresh
 * render.  The font sets used must stay loaded while it is on.  A render
 * frees the entries the previous one did not use; disable frees all. */
pb_status pb_paragraph_cache_enable(void);
void pb_paragraph_cache_disable(void);

#endif
