/* Page furniture, set before page building as ready galley lines: a
 * running head for the title and for every heading (cut to one line's
 * worth, with an ellipsis), and the ten folio digits, from which the page
 * builder composes each page number without shaping.
 *
 * In:  the document, settings, a setter on the galley.
 * Out: gal's furniture lines and indexes (title_head, block_head, digit).
 */
#ifndef PB_FURNITURE_H
#define PB_FURNITURE_H

#include "galley/setline.h"
#include "paiban/doc.h"

/* Returns PB_OK or an error status (reported). */
pb_status pb_galley_set_furniture(const pb_doc *doc, pb_setter *st);

#endif
