/* The galley: every line of a document set but not yet placed on a page —
 * what the galley stage (blocks.c, setline.c, furniture.c) hands to the
 * page builder (src/pages/pagebuild.c).  Glyph x positions are relative to
 * the line's start, y to its baseline.
 *
 * Lines come in three runs: the main flow [0, nflow), the footnotes
 * [nflow, nnotes) in note order, and page furniture from nnotes on — the
 * running heads (one per heading and one for the title) and the folio
 * digits, all set before page building so that the page builder only
 * places lines.
 *
 * Ownership: pb_galley owns every array in it; pb_galley_free() frees them.
 */
#ifndef PB_GALLEY_H
#define PB_GALLEY_H

#include "paiban/layout.h"

typedef struct pb_gline {
  size_t g0, g1;        /* glyphs in pb_galley.glyphs */
  pb_len x;             /* left edge relative to the text block */
  pb_len width, natural;
  double ratio;
  pb_len advance;       /* baseline distance from the previous line */
  pb_len space_before;  /* extra space above (dropped at a page top) */
  pb_pos pos;
  uint32_t block;       /* the pb_block it came from, UINT32_MAX none */
  uint16_t kind;        /* PB_LINE_* */
  bool first, last;     /* first/last line of its block */
  bool keep_with_next;  /* headings: never the last thing on a page */
  int heading_level;    /* > 0: an outline entry starts here */
  size_t a0, a1;        /* link areas in pb_galley.areas */
  int footnote;         /* a footnote's line: its number (out of the flow) */
  size_t f0, f1;        /* footnotes cited on this line: pb_galley.cites */
  uint32_t toc_target;  /* a contents entry: its heading's block + 1; 0 none */
  uint32_t image;       /* PB_LINE_IMAGE: 1-based index of the document's
                           block images (pb_layout.images) ... */
  pb_len height;        /* ... and its height above the baseline */
} pb_gline;

/* No line (pb_galley's furniture indexes). */
#define PB_NO_LINE SIZE_MAX

typedef struct pb_galley {
  pb_gline *lines;
  size_t nlines, lines_cap;
  pb_placed_glyph *glyphs; /* x relative to the line start, y = offset */
  size_t nglyphs, glyphs_cap;
  pb_link_area *areas;     /* links, relative to the line start/baseline */
  size_t nareas, areas_cap;
  uint16_t *cites;         /* footnote numbers cited, per line ranges */
  size_t ncites, cites_cap;
  uint32_t *text;          /* text pool the glyphs' text_off refer to */
  size_t text_len, text_cap;

  size_t nflow;            /* lines of the main flow */
  size_t nnotes;           /* end of the footnote lines */
  /* Furniture (PB_NO_LINE where there is none): */
  size_t title_head;       /* running head with the document's title */
  size_t *block_head;      /* per block: running head of a heading */
  size_t nblock_head;
  size_t digit[10];        /* folio digits 0–9, one line each */
} pb_galley;

void pb_galley_free(pb_galley *g);

#endif
