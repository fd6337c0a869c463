/* Block styling, the galley stage's driver: each block of the document
 * gets its size, role, measure, indent and spacing (docs/DESIGN.md §6) and
 * is set into the galley by setline.c; list and footnote markers hang
 * left of their first line; the title block and (ebook) the contents come
 * first, the footnotes after the main flow.
 *
 * In:  the document (read only), a setter (settings, shaper, trace).
 * Out: the galley's flow and footnote lines (gal, owned by the caller).
 */
#ifndef PB_BLOCKS_H
#define PB_BLOCKS_H

#include "galley/setline.h"
#include "paiban/doc.h"

/* Sets the title block, contents, flow and footnotes of doc into gal.
 * Diagnostics about the body carry doc->body_path when the text came from
 * another manuscript (derive-from).  Returns PB_OK or an error status
 * (reported in diags). */
pb_status pb_galley_set_blocks(const pb_doc *doc, const pb_setter *set);

/* The options pb_galley_set_blocks will most likely set paragraph block bi
 * with (the prefill's guess, src/galley/prefill.h: it takes the previous
 * text block being a heading for "right after a heading"); false for a
 * block that is no paragraph with text.  Only the fields that shaping and
 * breaking read are sure to be right. */
bool pb_galley_paragraph_opts(const pb_doc *doc, const pb_settings *s, size_t bi,
                              pb_line_opts *o);

#endif
