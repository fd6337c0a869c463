/* Punctuation widths (clreq-digest §3), part of the shape stage: a
 * full-width mark is its ink plus adjustable blanks, taken from the font's
 * 'halt' forms (OpenType alternate half widths; Noto CJK has them) — in a
 * vertical column its 'vhal' forms, the blanks above and below the ink —
 * or, for a horizontal font without them, from the glyph's ink box.
 *
 * Ownership: a pb_punct_cache owns its entries (one per face and mark met);
 * pb_punct_cache_free() frees them.  It borrows nothing.
 */
#ifndef PB_PUNCT_H
#define PB_PUNCT_H

#include "text/shape.h"

typedef struct pb_punct_cache {
  struct pb_halt_entry {
    uint32_t cp;
    uint16_t face;
    bool vertical;        /* measured with 'vhal' down a column */
    bool has_halt;
    int32_t left, right;  /* blanks in the hb font's scale */
  } *v;
  size_t len, cap;
  void *lang;             /* hb_language_t of the document */
} pb_punct_cache;

void pb_punct_cache_free(pb_punct_cache *c);

/* Gives unit u of p (a full-width mark in style) its blanks, box width and
 * lead.  Marks that keep their em (dashes, ellipses, Taiwan-style ！？, curly
 * quotes) are left as they are.  Returns PB_OK or PB_ERR_NOMEM. */
pb_status pb_punct_blanks(pb_punct_cache *c, pb_fontset *fs,
                          pb_punct_style style, const pb_para *p, pb_unit *u);

#endif
