/* paiban — one way to call hb-subset, shared by the PDF backend (glyph
 * sets, bare CFF or glyf programs) and the EPUB backend (character sets,
 * whole OpenType files a browser can load).  Internal.
 *
 * Ownership: the caller owns the sets it passes; the returned plan (and a
 * face made from it) belongs to the caller, who destroys it.
 */
#ifndef PB_FONT_SUBSET_H
#define PB_FONT_SUBSET_H

#include <stdbool.h>
#include <stddef.h>

#include <hb-subset.h>
#include <hb.h>

typedef struct pb_subset_spec {
  const hb_set_t *glyphs;    /* glyph ids to keep (NULL: none besides
                                what unicodes reach); .notdef always */
  const hb_set_t *unicodes;  /* characters to keep, with their glyphs and
                                the glyphs layout features reach from
                                them (NULL: none) */
  const char *const *drop_tables; /* 4-letter tags of tables to leave out */
  size_t ndrop;
  const char *const *features; /* layout features to keep (NULL: hb-subset's
                                  default list) */
  size_t nfeatures;
  unsigned flags;            /* HB_SUBSET_FLAGS_* */
  bool hide_cmap;            /* subset as if the face had no cmap: given
                                glyph ids, hb-subset 6.0 otherwise maps the
                                whole cmap (~14 ms for Noto CJK's 65,000
                                entries) — for callers that embed only the
                                outlines */
} pb_subset_spec;

/* The subset plan for face; NULL when hb-subset fails (out of memory, a
 * font it cannot read). */
hb_subset_plan_t *pb_subset_plan(hb_face_t *face, const pb_subset_spec *spec);

/* Layout tables a renderer of positioned glyphs never reads (the PDF
 * backend drops them all; the EPUB backend keeps GSUB/GPOS/GDEF). */
extern const char *const pb_subset_layout_tables[];
extern const size_t pb_subset_nlayout_tables;

#endif
