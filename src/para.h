/* Internal: one paragraph on its way from text to lines — the shaped glyphs
 * (shape.c), the break items (breakitems.c) and the units that connect them.
 *
 * Ownership: pb_para owns every array in it; pb_para_free() frees them.  The
 * text/style/pos pointers are borrowed from the pb_block.
 */
#ifndef PB_PARA_H
#define PB_PARA_H

#include "paiban/cjk.h"
#include "paiban/font.h"
#include "paiban/linebreak.h"
#include "paiban/typeset.h"

#include <hb.h>

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
  PB_UNIT_HYPHEN_OK = 1u << 1 /* a hyphenation point before this unit */
};

/* Item tags (pb_item.tag) so pagebuild knows what a glue is. */
enum {
  PB_TAG_NONE = 0,
  PB_TAG_UNIT,        /* box: data = unit index */
  PB_TAG_INDENT,      /* box: paragraph indent */
  PB_TAG_WORDSPACE,   /* glue: Latin word space; data = unit of the space */
  PB_TAG_HYPHEN,      /* penalty: discretionary hyphen; data = unit after */
  PB_TAG_PARFILL,     /* glue: end of paragraph */
};

typedef struct pb_para {
  /* Input (borrowed). */
  const uint32_t *text;
  const uint8_t *style;
  const pb_pos *pos;
  const uint16_t *link; /* per character link index or NULL */
  const uint16_t *fnref; /* per character footnote number or NULL */
  size_t len;
  pb_len size;          /* font size */
  pb_role role;         /* base role (body, strong for headings, code) */
  bool cjk_text;        /* the paragraph's language is Chinese */

  /* Per character (owned, len entries). */
  pb_cclass *cls;
  int16_t *face;        /* face index, -1 for a dropped space */

  /* Glyphs (owned). */
  pb_glyph *glyphs;
  size_t nglyphs, glyphs_cap;

  /* Units (owned). */
  pb_unit *units;
  size_t nunits, units_cap;

  /* Break items (owned). */
  pb_items items;
} pb_para;

/* Context shared across the paragraphs of one document. */
typedef struct pb_shaper {
  pb_fontset *fs;
  const pb_settings *settings;
  hb_buffer_t *buf;
  hb_language_t lang;
  pb_diags *diags;
  /* Code points already reported as missing from every font: a bitset
   * over U+0000..U+10FFFF (missing_cap words), made on first use. */
  uint32_t *missing;
  size_t nmissing, missing_cap;
  void *hyphen;         /* HyphenDict*, loaded at the first word to split */
  bool hyphen_tried;    /* the load was attempted (it may have failed) */
  /* The font's own half-width forms ('halt') of the marks met so far. */
  struct pb_halt_entry {
    uint32_t cp;
    uint16_t face;
    bool has_halt;
    int32_t left, right;  /* blanks in font units * 64 (hb scale) */
  } *halt;
  size_t nhalt, halt_cap;
} pb_shaper;

bool pb_shaper_init(pb_shaper *sh, pb_fontset *fs, const pb_settings *s,
                    pb_diags *diags);
void pb_shaper_free(pb_shaper *sh);

void pb_para_free(pb_para *p);

/* Classifies characters, chooses fonts, shapes runs with HarfBuzz and
 * groups the glyphs into units.  Returns PB_OK or PB_ERR_NOMEM. */
pb_status pb_para_shape(pb_shaper *sh, pb_para *p);

/* Builds the breaker's items from the units: punctuation widths (§3),
 * Han–Latin glue (§4), kinsoku penalties (§1), hyphenation, word spaces,
 * the indent box and \parfillskip; emergency breaks in runs wider than
 * measure.  Returns PB_OK or PB_ERR_NOMEM. */
pb_status pb_para_items(pb_shaper *sh, pb_para *p, pb_len indent,
                        pb_len measure);

/* Hyphenation points of a Latin word (hyphen.c): sets ok[i] when a hyphen
 * may go before word[i].  Returns false if no dictionary is loaded. */
bool pb_hyphenate_word(void *dict, const uint32_t *word, size_t n, bool *ok);
void *pb_hyphen_load(const char *dict_name);
void pb_hyphen_free(void *dict);

#endif
