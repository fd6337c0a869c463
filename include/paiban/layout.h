/* paiban — the laid-out document: pages of positioned glyphs, what every
 * backend (PDF, text dump) reads.
 *
 * Coordinates are PDF-native: scaled points (pb_len) from the bottom-left
 * corner of the media box, y upward; a glyph's (x, y) is its origin on the
 * baseline, offsets already applied.
 *
 * Ownership: pb_layout owns its pages, their glyph and line arrays, the text
 * pool and the strings; pb_layout_free() frees all of it.  It does not own
 * the pb_fontset its glyphs refer to (by face index).
 */
#ifndef PAIBAN_LAYOUT_H
#define PAIBAN_LAYOUT_H

#include "base.h"

typedef struct pb_placed_glyph {
  uint32_t gid;        /* glyph id in the face (original, not subset) */
  uint16_t face;       /* index into the pb_fontset */
  uint16_t flags;      /* PB_GLYPH_* */
  pb_len size;         /* font size */
  pb_len x, y;         /* origin on the page */
  /* The characters this glyph stands for (HarfBuzz cluster), as a range of
   * the layout's text pool.  The first glyph of a cluster carries the whole
   * cluster's text; further glyphs of the same cluster have text_len 0.
   * A ligature "ffi" is one glyph with text_len 3. */
  uint32_t text_off;
  uint32_t text_len;
} pb_placed_glyph;

enum {
  PB_GLYPH_SPACE = 1u << 0,    /* an inter-word space glyph */
  PB_GLYPH_VERTICAL = 1u << 1, /* upright in a vertical column: drawn with
                                  the face's vertical metrics (Identity-V);
                                  (x, y) is its vertical origin */
  PB_GLYPH_SIDEWAYS = 1u << 2, /* rotated 90° clockwise (Latin in a
                                  vertical column); (x, y) is its origin on
                                  the baseline, which runs downward */
  PB_GLYPH_DOT = 1u << 3,      /* not a glyph: an emphasis dot (着重号), a
                                  filled circle of diameter size centred at
                                  (x, y); gid, face and text are unused */
};

/* A line of text on a page, for dumps and the PDF structure. */
typedef struct pb_placed_line {
  uint32_t first_glyph, glyph_count; /* into pb_page.glyphs */
  pb_len x, y;          /* start of the line (left edge of the measure), baseline */
  pb_len width;         /* the measure */
  pb_len natural;       /* natural width of its content */
  double ratio;         /* adjustment ratio chosen by the breaker */
  pb_pos pos;           /* source position of the line's first character */
  uint32_t block;       /* index of the pb_block it came from */
  uint16_t kind;        /* PB_LINE_* */
  bool last_of_block;   /* the paragraph's last line (not justified) */
  uint32_t image;       /* PB_LINE_IMAGE: 1-based index into
                           pb_layout.images; the image fills width (from
                           x) by the line's height above the baseline y */
  pb_len height;        /* PB_LINE_IMAGE: the image's height */
} pb_placed_line;

enum {
  PB_LINE_BODY = 0,
  PB_LINE_TITLE,
  PB_LINE_HEADING,
  PB_LINE_FOLIO,        /* page number */
  PB_LINE_RUNNING_HEAD,
  PB_LINE_FOOTNOTE,
  PB_LINE_IMAGE,        /* a block image (no glyphs) */
};

/* An image the layout draws (a block image of the document). */
typedef struct pb_layout_image {
  char *path;           /* owned: the file */
  int format;           /* pb_image_format (include/paiban/doc.h) */
  uint32_t px_w, px_h;  /* size in pixels */
  char *alt;            /* owned UTF-8: its description, may be "" */
} pb_layout_image;

typedef struct pb_link_area {
  pb_len x0, y0, x1, y1;
  uint32_t link;        /* 1-based index into pb_layout.links (a URI), or 0
                           for a link inside the document: */
  int32_t dest_page;    /* link == 0: 0-based target page */
  pb_len dest_y;        /* link == 0: top of the target on that page */
} pb_link_area;

/* A filled rectangle (a rule, e.g. the footnote separator), in black. */
typedef struct pb_rule {
  pb_len x, y, w, h;    /* lower-left corner and size */
} pb_rule;

typedef struct pb_page {
  pb_placed_glyph *glyphs; /* owned */
  size_t nglyphs, glyphs_cap;
  pb_placed_line *lines;   /* owned */
  size_t nlines, lines_cap;
  pb_link_area *links;     /* owned */
  size_t nlinks, links_cap;
  pb_rule *rules;          /* owned */
  size_t nrules, rules_cap;
  int folio;               /* printed page number (1-based) */
} pb_page;

typedef struct pb_outline_entry {
  char *title;          /* owned UTF-8 */
  int level;            /* 1..6 */
  uint32_t page;        /* 0-based page index */
  pb_len y;             /* top of the heading on that page */
} pb_outline_entry;

typedef struct pb_layout {
  pb_len media_w, media_h;   /* page size (the MediaBox) */
  pb_len trim_x, trim_y, trim_w, trim_h; /* TrimBox inside the media box */
  pb_len bleed;              /* BleedBox = TrimBox grown by this (0 = none) */
  bool crop_marks;
  bool rgb;                  /* ebook: DeviceRGB; print: DeviceGray black */
  bool vertical;             /* vertical-rl: lines are columns, pages read
                                right to left (the PDF opens on the right) */

  pb_page *pages;            /* owned */
  size_t npages, pages_cap;

  uint32_t *text;            /* owned text pool (code points) */
  size_t text_len, text_cap;

  pb_outline_entry *outline; /* owned */
  size_t noutline, outline_cap;

  char **links;              /* owned copies of URLs, nlinks entries */
  size_t nlinks;

  pb_layout_image *images;   /* owned, nimages: the document's block
                                images in order */
  size_t nimages;

  /* Document information (owned UTF-8, may be NULL). */
  char *title, *subtitle, *author, *lang, *producer;
  int64_t date_epoch;        /* creation date, seconds since 1970 (fixed for
                                reproducible output), negative
                                before 1970; -1 = omit */
} pb_layout;

void pb_layout_free(pb_layout *lo);
pb_page *pb_layout_add_page(pb_layout *lo);           /* NULL on OOM */
bool pb_page_add_glyph(pb_page *pg, pb_placed_glyph g);
bool pb_page_add_line(pb_page *pg, pb_placed_line l);
bool pb_page_add_link(pb_page *pg, pb_link_area a);
bool pb_page_add_rule(pb_page *pg, pb_rule r);
/* Appends n code points to the text pool; *off receives their offset. */
bool pb_layout_add_text(pb_layout *lo, const uint32_t *cps, size_t n,
                        uint32_t *off);

#endif
