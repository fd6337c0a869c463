/* Hyphenation points of Latin words (part of the shape stage), with
 * libhyphen: Liang's patterns, the files LibreOffice uses (Debian's
 * hyphen-en-us).  clreq has nothing to say about Latin words; TeX's
 * minima (2 letters before, 3 after) apply.
 *
 * Ownership: a pb_hyphenator borrows its dictionary, found or loaded on
 * the first word that needs it, from the process's table
 * (include/paiban/preload.h; threads load each dictionary once), which
 * keeps it for later renders; only when the table is full does the
 * hyphenator own it, and pb_hyphenator_free() frees it.
 */
#ifndef PB_HYPHEN_H
#define PB_HYPHEN_H

#include "text/shape.h"
#include "paiban/cache.h"

typedef struct pb_hyphenator {
  const char *dict_name;  /* borrowed: e.g. "hyph_en_US.dic"; "" = none */
  struct pb_hyphdict *dict; /* NULL until loaded (text/hyphdict.h) */
  bool tried;             /* the load was attempted (it may have failed) */
  bool borrowed;          /* dict is in the process's table */
} pb_hyphenator;

void pb_hyphenator_free(pb_hyphenator *h);

/* Dictionaries loaded from now on go through cache (pb_preload_use_cache). */
void pb_hyphen_use_cache(pb_cache *cache);

/* Sets PB_UNIT_HYPHEN_OK on the units of p's Latin words where a hyphen
 * may go.  Capitalised names inside Chinese text get PB_UNIT_HYPHEN_CAP
 * too (a high penalty); words with a capital after the first letter
 * (MacroPolo, OpenAI) are split only in Chinese text and only at the seam
 * of their parts (Macro-Polo), never by the patterns; all-capital words
 * (GPT, NIH) never.  A missing pattern file is a warning (once).  Returns
 * PB_OK. */
pb_status pb_para_hyphenate(pb_hyphenator *h, pb_para *p, pb_diags *diags);

/* Hyphenation points of one word: ok[i] when a hyphen may go before
 * word[i] (n entries).  False when no dictionary could be loaded. */
bool pb_hyphenate_word(pb_hyphenator *h, const uint32_t *word, size_t n,
                       bool *ok);

#endif
