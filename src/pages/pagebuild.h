/* The page builder (docs/DESIGN.md §7): cuts the galley into pages and
 * places its lines — widow and orphan control, headings kept with what
 * follows, footnotes at the foot of the page that cites them, the running
 * head and folio of each page, bookmarks and contents links.  It places
 * lines that the galley stage set; it never shapes or breaks text.
 *
 * In:  the document (for bookmark titles), the settings and the galley,
 *      all read only.
 * Out: pages, outline and link areas appended to lo (owned by the caller).
 */
#ifndef PB_PAGEBUILD_H
#define PB_PAGEBUILD_H

#include "galley/galley.h"
#include "paiban/doc.h"
#include "paiban/typeset.h"

/* The page geometry every placement uses: the trim box's corner in the
 * media box, and the text block.  Lines advance from top towards bottom:
 * baselines downward in horizontal text; in vertical text column centre
 * lines leftward, so top is the first (rightmost) column's x and bottom the
 * leftmost x a column may take.  start is where lines begin: the text
 * block's left edge, or the page y of a column's top. */
typedef struct pb_page_frame {
  pb_len origin_x, origin_y;
  pb_len start, top, bottom;
  bool vertical;
  pb_len block_left;      /* the text block's left edge (furniture) */
} pb_page_frame;

/* Returns PB_OK or PB_ERR_NOMEM (reported in diags). */
pb_status pb_pages_build(const pb_doc *doc, const pb_settings *s,
                         const pb_galley *gal, const pb_page_frame *frame,
                         pb_layout *lo, pb_diags *diags);

#endif
