/* Line setting, the heart of the galley stage: a run of text is shaped
 * (src/text/shape.h), turned into break items (src/lines/items.h), broken
 * into lines (paiban/linebreak.h) and set into the galley at the final x of
 * every glyph.
 *
 * A pb_setter holds what one document's runs share: the settings and the
 * shaper (both borrowed), the galley being filled and the diagnostics
 * (borrowed).
 */
#ifndef PB_SETLINE_H
#define PB_SETLINE_H

#include "galley/galley.h"
#include "text/shape.h"
#include "lines/items.h"

struct pb_prefill;

typedef struct pb_setter {
  const pb_settings *s;
  pb_shaper *sh;
  pb_galley *gal;
  pb_diags *diags;
  const pb_trace *trace;   /* borrowed; NULL: no stage trace */
  struct pb_prefill *prefill; /* borrowed; NULL: every paragraph is shaped
                                 and broken here (galley/prefill.h) */
} pb_setter;

/* How a run of text is set. */
typedef struct pb_line_opts {
  pb_len measure;       /* line width */
  pb_len x;             /* left edge within the text block */
  pb_len indent;        /* first-line indent */
  pb_len advance;       /* baseline distance */
  pb_len space_before;  /* above the first line */
  uint16_t kind;        /* PB_LINE_* */
  bool center;          /* centre each line at its natural width */
  bool ragged;          /* do not justify (headings, code) */
  bool ragged_right;    /* body text set ragged right: break for it
                           (linebreak.h right_stretch) */
  bool quotation;       /* a block quotation of a Chinese text: its Chinese
                           in Kai (text/emphasis.h) */
  bool keep_with_next;
  bool horizontal;      /* set horizontally even in a vertical document
                           (page furniture) */
  int heading_level;
  uint32_t toc_target;  /* contents entry: heading block + 1; 0 none */
  size_t marker_g0;     /* PB_NO_GLYPH, or the galley glyph where a hanging
                           marker (set just before, see pb_set_marker)
                           starts: the first line begins with it */
} pb_line_opts;

#define PB_NO_GLYPH SIZE_MAX

/* A run of text: characters with their style, positions, link and
 * footnote-reference indexes (style, link, fnref may be NULL). */
typedef struct pb_text_run {
  const uint32_t *text;
  const uint8_t *style;
  const pb_pos *pos;
  const uint16_t *link;
  const uint16_t *fnref;
  size_t len;
} pb_text_run;

/* Shapes and breaks one run as a paragraph at size in role with sh (p,
 * items and br are made for the caller to free, also on failure). */
pb_status pb_make_para(pb_shaper *sh, const pb_settings *s, pb_diags *diags,
                       const pb_text_run *run, pb_len size, pb_role role,
                       const pb_line_opts *o, pb_para *p, pb_items *items,
                       pb_breaks *br);

/* Shapes, breaks and sets one run as a paragraph at size in role; its
 * lines record block (UINT32_MAX for text that is no block's).  Returns
 * PB_OK or an error status (reported in diags). */
pb_status pb_set_text(pb_setter *st, const pb_text_run *run, pb_len size,
                      pb_role role, const pb_line_opts *o, uint32_t block);

/* Same for NUL-free UTF-8 (a title, a marker, a folio digit), all at pos;
 * whitespace collapses to single spaces. */
pb_status pb_set_utf8(pb_setter *st, const char *s, pb_len size, pb_role role,
                      const pb_line_opts *o, pb_pos pos);

/* An empty line (a blank line of code, an empty list item). */
pb_status pb_set_empty_line(pb_setter *st, const pb_line_opts *o,
                            uint32_t block, pb_pos pos);

/* Sets a marker (list bullet or number, footnote number) to hang left of
 * the next run set: its right edge half an em before the run's start.  Its
 * glyphs stay in the galley (no line of their own); *g0 receives where
 * they start, for pb_line_opts.marker_g0. */
pb_status pb_set_marker(pb_setter *st, const char *marker, pb_len size,
                        pb_pos pos, size_t *g0);

#endif
