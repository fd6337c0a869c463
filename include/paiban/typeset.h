/* paiban — from document tree to pages: style, itemize/shape, break items,
 * line breaking and page building (DESIGN.md §1).  The settings it takes
 * come from include/paiban/settings.h.
 *
 * Ownership: pb_typeset fills a pb_layout that the caller frees with
 * pb_layout_free(); it reads the doc and fontset and keeps no reference to
 * them.
 */
#ifndef PAIBAN_TYPESET_H
#define PAIBAN_TYPESET_H

#include "base.h"
#include "cjk.h"
#include "doc.h"
#include "font.h"
#include "layout.h"
#include "settings.h"

/* Lays out the document into pages.  Warnings (overfull lines, characters
 * no font has) and errors go to diags with source positions. */
pb_status pb_typeset(const pb_doc *doc, const pb_settings *s, pb_fontset *fs,
                     pb_layout *out, pb_diags *diags);

#endif
