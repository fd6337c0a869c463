/* paiban — backends: the PDF writer (libharu for the document, our own
 * Type0/CID fonts for text, docs/DESIGN.md §8), the EPUB 3 writer (from the
 * document tree, not the pages, docs/DESIGN.md §11) and the text dump for tests.
 *
 * Neither owns its inputs.  Both write to a temporary file beside the target
 * and rename it over the target only when everything succeeded, so a failure
 * never leaves a partial file and never clobbers a previous good output.
 */
#ifndef PAIBAN_BACKEND_H
#define PAIBAN_BACKEND_H

#include "base.h"
#include "cache.h"
#include "doc.h"
#include "font.h"
#include "layout.h"
#include "typeset.h"

#include <stdio.h>

typedef struct pb_pdf_options {
  bool compress;        /* Flate-compress streams (default true) */
  pb_cache *cache;      /* finished font programs from earlier documents,
                           and room for this one's (NULL: none); the PDF
                           is the same bytes with or without it */
  int threads;          /* threads font programs are made on, the calling
                           one included (0: one per core); a batch of
                           several worker processes shares out the cores */
  bool use_fd;          /* write to fd (e.g. standard output) instead of
                           a file at path; path then only names it in
                           messages */
  int fd;
} pb_pdf_options;

/* Writes the layout as a PDF 1.6 file at path (atomically).  Fonts are
 * embedded as hb-subset subsets with ToUnicode CMaps.  Errors (libharu
 * failure, subsetting failure, unwritable path) are reported in diags with
 * the output path; returns PB_OK or an error status. */
pb_status pb_pdf_write(const pb_layout *lo, const pb_fontset *fs,
                       const pb_pdf_options *opt, const char *path,
                       pb_diags *diags);

/* Writes the document as a reflowable EPUB 3 at path (atomically): one
 * XHTML content document per top-level section, nav.xhtml (contents and
 * landmarks), a style sheet carrying the edition's typography, and, unless
 * the front matter says "epub-fonts: none", hb-subset subsets of the faces
 * fs gives each character (exactly the characters used).  doc is parsed
 * and derived (pb_doc_derive); s gives language, kinsoku, punctuation and
 * the date (s->date_epoch; the caller applies SOURCE_DATE_EPOCH).  The
 * same input gives the same bytes: fixed entry order and dates, an
 * identifier hashed from the content.  Errors go to diags with the output
 * path; returns PB_OK or an error status. */
pb_status pb_epub_write(const pb_doc *doc, const pb_settings *s,
                        pb_fontset *fs, const char *path, pb_diags *diags);
/* The same, with the font subsets taken from cache when it has them and
 * stored there when it does not (cache may be NULL): the same bytes. */
pb_status pb_epub_write_cached(const pb_doc *doc, const pb_settings *s,
                               pb_fontset *fs, pb_cache *cache,
                               const char *path, pb_diags *diags);

typedef enum pb_dump_kind {
  PB_DUMP_LINES = 0,   /* one record per line: page, y, x, width, ratio, text */
  PB_DUMP_GLYPHS,      /* lines plus every glyph: gid, face, x, y */
  PB_DUMP_PAGES,       /* one record per page: number, lines, glyphs */
  PB_DUMP_ITEMS,       /* the break-item stage: every paragraph's boxes,
                          glue and penalties (pb_dump_stages) */
  PB_DUMP_BREAKS,      /* the line-break stage: every paragraph's breaks
                          with their ratios and lines (pb_dump_stages) */
} pb_dump_kind;

/* Writes a stable text form of the layout (fixed decimals, no pointers,
 * no paths) to out. Returns PB_OK or PB_ERR_IO. */
pb_status pb_dump_write(const pb_layout *lo, const pb_fontset *fs,
                        pb_dump_kind kind, FILE *out);

/* Typesets doc (as pb_typeset) and writes the stage dump kind
 * (PB_DUMP_ITEMS or PB_DUMP_BREAKS) of every paragraph set — body, notes,
 * title, contents and furniture, in the order they are set — to out, in
 * the same stable text form.  Returns PB_OK, a typesetting error (in
 * diags), or PB_ERR_IO. */
pb_status pb_dump_stages(const pb_doc *doc, const pb_settings *s,
                         pb_fontset *fs, pb_dump_kind kind, FILE *out,
                         pb_diags *diags);

#endif
