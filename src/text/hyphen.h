/* Hyphenation points of Latin words (part of the shape stage), with
 * libhyphen: Liang's patterns, the files LibreOffice uses (Debian's
 * hyphen-en-us).  clreq has nothing to say about Latin words; TeX's
 * minima (2 letters before, 3 after) apply.
 *
 * Ownership: a pb_hyphenator owns its dictionary, loaded on the first word
 * that needs it; pb_hyphenator_free() frees it — unless it was preloaded
 * for the whole process (include/paiban/preload.h), which it borrows.
 */
#ifndef PB_HYPHEN_H
#define PB_HYPHEN_H

#include "text/shape.h"
#include "paiban/cache.h"

typedef struct pb_hyphenator {
  const char *dict_name;  /* borrowed: e.g. "hyph_en_US.dic"; "" = none */
  struct pb_hyphdict *dict; /* NULL until loaded (text/hyphdict.h) */
  bool tried;             /* the load was attempted (it may have failed) */
  bool borrowed;          /* dict is the process's preloaded one, or the
                             share's */
  struct pb_hyphen_share *share; /* borrowed, or NULL: load through it */
} pb_hyphenator;

/* One dictionary for the shapers of several threads (the paragraph
 * prefill, src/galley/prefill.h): the first that needs it loads it under
 * the lock, the others borrow it.  A failed load is not remembered, so
 * the render's own pass reports it where it happens. */
typedef struct pb_hyphen_share {
  void *lock;             /* pthread_mutex_t *, owned */
  pb_hyphenator central;  /* owns the dictionary */
} pb_hyphen_share;

/* Starts a share for dictionary dict_name; false when out of memory. */
bool pb_hyphen_share_init(pb_hyphen_share *sh, const char *dict_name);
/* Ends it: h (the render's own hyphenator, whose share it was) takes the
 * dictionary if it has none, else the share frees its own. */
void pb_hyphen_share_end(pb_hyphen_share *sh, pb_hyphenator *h);

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
