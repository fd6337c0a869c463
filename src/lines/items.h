/* The break-item stage (docs/DESIGN.md §1, §5): a shaped paragraph (const)
 * becomes boxes, glue and penalties for the Knuth–Plass breaker, with the
 * Chinese rules of the clreq digest:
 *   §1   kinsoku as infinite penalties, unbreakable —— ……, numbers + units;
 *   §3   punctuation = ink box + adjustable blank glue, adjacent marks
 *        compressed to 1.5 em, blanks vanish at line edges;
 *   §4   Han–Latin glue ¼ em (stretch to ½, shrink to ⅛), replacing a
 *        source space, never next to full-width punctuation;
 *   §5   Han–Han glue: no shrink, stretch 0.08 em (grid friendly); last
 *        line never a single character.
 *
 * In:  a pb_para from the shape stage (read only) and pb_item_opts.
 * Out: a pb_items list the caller owns.  Each item's tag says what it is
 *      and its unit field names the unit it stands for.
 */
#ifndef PB_ITEMS_H
#define PB_ITEMS_H

#include "paiban/linebreak.h"
#include "text/shape.h"

/* Item tags (pb_item.tag): what an item stands for, for the line setter. */
enum {
  PB_TAG_NONE = 0,
  PB_TAG_UNIT,        /* box: unit = the unit drawn */
  PB_TAG_INDENT,      /* box: paragraph indent */
  PB_TAG_WORDSPACE,   /* glue: Latin word space; unit = the space's unit */
  PB_TAG_HYPHEN,      /* penalty: discretionary hyphen; unit = the unit
                         after it (its face's hyphen glyph is drawn) */
  PB_TAG_PARFILL,     /* glue: end of paragraph */
  PB_TAG_HANLATIN,    /* glue: Han–Latin space (clreq-digest §4) */
  PB_TAG_CJKGLUE,     /* glue: between two CJK characters (§5) */
};

/* No unit (pb_item.unit of items that stand for none). */
#define PB_NO_UNIT UINT32_MAX

typedef struct pb_item_opts {
  pb_len indent;        /* first-line indent box (0 = none) */
  pb_len measure;       /* line width, for emergency breaks */
  pb_kinsoku kinsoku;   /* §1 level */
  bool hanging;         /* §3 rule 5: hang 、，。 past the line end */
} pb_item_opts;

/* Appends the paragraph's items to out (which the caller initialised and
 * owns), ending with \parfillskip and a forced break.  Text with no break
 * opportunity wider than the measure gets emergency breaks and a warning
 * in diags.  Returns PB_OK or PB_ERR_NOMEM (reported). */
pb_status pb_para_items(const pb_para *p, const pb_item_opts *o,
                        pb_items *out, pb_diags *diags);

#endif
