/* The shape stage (docs/DESIGN.md §1, §4): one paragraph's text becomes
 * glyphs and units, with every fact about the glyphs that later stages need
 * — each unit's box width and adjustable punctuation blanks (from the
 * font's 'halt' forms, clreq-digest §3), the hyphenation points of Latin
 * words, and the hyphen glyph of each face that has such a point.
 *
 * In:  text, style and positions of a paragraph (borrowed from a pb_block
 *      or a caller's buffer), its size, base role and language.
 * Out: pb_para's cls/face/glyphs/units/hyphens arrays (owned by the
 *      pb_para, freed with pb_para_free).  Later stages read them as const.
 *
 * A pb_shaper holds what the paragraphs of one document share: the fonts
 * (borrowed), a HarfBuzz buffer, caches of 'halt' blanks and missing
 * characters, and the hyphenation dictionary (owned, loaded on first use).
 */
#ifndef PB_SHAPE_H
#define PB_SHAPE_H

#include "paiban/cjk.h"
#include "paiban/font.h"
#include "paiban/typeset.h"

/* A footnote reference is set as a superscript: 0.6 of the size, raised. */
#define PB_GLYPH_SUPERSCRIPT (1u << 8)
#define PB_SUPERSCRIPT_SCALE(x) ((x) * 6 / 10)

typedef struct pb_glyph {
  uint32_t gid;
  uint16_t face;
  uint16_t flags;     /* PB_GLYPH_* (layout.h), PB_GLYPH_SUPERSCRIPT */
  pb_len advance;     /* at the paragraph's size */
  pb_len x_off, y_off;
  uint32_t cluster;   /* index of the first character of its cluster */
  uint16_t size_permille; /* drawn at this fraction of the paragraph's size
                             (a squeezed tate-chu-yoko run); 0 = full */
} pb_glyph;

/* A unit is the smallest thing the breaker sees as a box: one HarfBuzz
 * cluster (a Han character, a punctuation mark, one letter or a ligature). */
typedef struct pb_unit {
  uint32_t c0, c1;    /* characters [c0, c1) */
  uint32_t g0, g1;    /* glyphs [g0, g1) */
  pb_len width;       /* box width: glyph advances less the trimmed blanks */
  pb_len lead;        /* blank removed at the left: the glyphs are drawn
                         this far left of the box start */
  pb_len blank_left;  /* adjustable blank before the ink (punctuation) */
  pb_len blank_right; /* adjustable blank after the ink */
  pb_cclass cls;
  uint8_t flags;      /* PB_UNIT_* */
} pb_unit;

enum {
  PB_UNIT_SPACE = 1u << 0,    /* a source space (word space or dropped) */
  PB_UNIT_HYPHEN_OK = 1u << 1, /* a hyphenation point before this unit */
  PB_UNIT_HYPHEN_CAP = 1u << 2 /* ... in a capitalised word in Chinese
                                  text: a costlier break */
};

/* The hyphen glyph of one face at the paragraph's size. */
typedef struct pb_hyphen_glyph {
  uint16_t face;
  uint32_t gid;
  pb_len width;
} pb_hyphen_glyph;

typedef struct pb_para {
  /* Input (borrowed). */
  const uint32_t *text;
  const uint8_t *style;
  const pb_pos *pos;
  const uint16_t *link;  /* per character link index or NULL */
  const uint16_t *fnref; /* per character footnote number or NULL */
  size_t len;
  pb_len size;          /* font size */
  pb_role role;         /* base role (body, strong for headings, code) */
  bool cjk_text;        /* the paragraph's language is Chinese */
  bool vertical;        /* set in a vertical column (docs/DESIGN.md §4):
                           glyph advances and x_off run down the column,
                           y_off across it (right positive) */
  int tcy_digits;       /* vertical: tate-chu-yoko up to this many digits */
  bool quotation;       /* in a block quotation of a Chinese text: its
                           Chinese is set in Kai (text/emphasis.h) */

  /* Per character (owned, len entries). */
  pb_cclass *cls;
  int16_t *face;        /* face index */
  uint8_t *orient;      /* vertical only: pb_orient (text/vertical.h) */

  /* Glyphs (owned). */
  pb_glyph *glyphs;
  size_t nglyphs, glyphs_cap;

  /* Units (owned). */
  pb_unit *units;
  size_t nunits, units_cap;

  bool hyphenated;       /* pb_para_hyphen_points has run */

  /* Hyphen glyphs of the faces with hyphenation points (owned). */
  pb_hyphen_glyph *hyphens;
  size_t nhyphens, hyphens_cap;
} pb_para;

typedef struct pb_shaper pb_shaper;

/* A shaper for the documents set with fs and s (both borrowed; they must
 * outlive it).  Returns PB_OK or PB_ERR_NOMEM (reported in diags). */
pb_status pb_shaper_new(pb_fontset *fs, const pb_settings *s, pb_diags *diags,
                        pb_shaper **out);
void pb_shaper_free(pb_shaper *sh);

/* The font set sh shapes with (borrowed). */
const pb_fontset *pb_shaper_fontset(const pb_shaper *sh);

/* Has sh reported something once per document (a character no font has,
 * hyphenation patterns not found)?  The paragraph cache is not used then
 * (src/galley/parcache.h). */
bool pb_shaper_reported(const pb_shaper *sh);


/* Classifies characters, chooses fonts, shapes runs with HarfBuzz, groups
 * the glyphs into units and gives full-width marks their blanks (§3).
 * p's input fields must be set; its arrays are allocated here.  Characters
 * no font has are reported once per shaper.  Returns PB_OK, or an error
 * status with a diagnostic in diags. */
pb_status pb_para_shape(pb_shaper *sh, pb_para *p, pb_diags *diags);

/* Marks the hyphenation points of p's Latin words and finds the hyphen
 * glyphs for them (once per paragraph; *added says whether there is any).
 * Called only when a paragraph cannot be set without them — the line
 * breaker's first pass never uses hyphens — so that most Chinese documents
 * never load the patterns (tens of millions of instructions).  Returns
 * PB_OK or an error status with a diagnostic. */
pb_status pb_para_hyphen_points(pb_shaper *sh, pb_para *p, pb_diags *diags,
                                bool *added);

/* The hyphen glyph of face, or NULL if the paragraph has none for it. */
const pb_hyphen_glyph *pb_para_hyphen(const pb_para *p, uint16_t face);

void pb_para_free(pb_para *p);

#endif
