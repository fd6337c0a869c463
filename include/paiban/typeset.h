/* paiban — from document tree to pages: style, itemize/shape, break items,
 * line breaking and page building (docs/DESIGN.md §1).  The settings it
 * takes come from include/paiban/settings.h.
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
#include "linebreak.h"
#include "settings.h"

/* Lays out the document into pages.  Warnings (overfull lines, characters
 * no font has) and errors go to diags with source positions. */
pb_status pb_typeset(const pb_doc *doc, const pb_settings *s, pb_fontset *fs,
                     pb_layout *out, pb_diags *diags);

/* Stage traces (--dump items|breaks, golden tests of the stages): the
 * typesetter can report every paragraph it sets — its break items and the
 * breaks chosen — to a caller's function, as libraqm's test build prints
 * its stages.  Everything in a pb_para_trace is borrowed for the call. */
typedef struct pb_para_trace {
  const uint32_t *text;     /* the paragraph's characters */
  size_t len;
  pb_pos pos;               /* where it starts in the source ({0,0}: no
                               source, e.g. a folio digit) */
  pb_len size;              /* font size */
  pb_len measure;           /* line width */
  const pb_items *items;
  const pb_breaks *breaks;
  const void *para;         /* opaque, for pb_trace_unit_chars */
} pb_para_trace;

/* The characters [*c0, *c1) of text that item unit u stands for; false for
 * an item of no unit (indent, parfill, hang). */
bool pb_trace_unit_chars(const pb_para_trace *t, uint32_t u, size_t *c0,
                         size_t *c1);

typedef struct pb_trace {
  void (*paragraph)(void *user, const pb_para_trace *t);
  void *user;
} pb_trace;

/* pb_typeset, reporting each paragraph to trace (which may be NULL). */
pb_status pb_typeset_traced(const pb_doc *doc, const pb_settings *s,
                            pb_fontset *fs, const pb_trace *trace,
                            pb_layout *out, pb_diags *diags);

typedef struct pb_typeset_options {
  const pb_trace *trace; /* NULL: no stage trace */
  int threads;           /* threads that shape and break paragraphs (this
                            one included); 0 or 1: this one only.  The
                            layout is the same with any number. */
} pb_typeset_options;

/* pb_typeset with options (opt may be NULL: the defaults). */
pb_status pb_typeset_with(const pb_doc *doc, const pb_settings *s,
                          pb_fontset *fs, const pb_typeset_options *opt,
                          pb_layout *out, pb_diags *diags);

#endif
