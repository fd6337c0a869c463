/* Vertical writing (直排) in the shape stage: which characters stand
 * upright in a vertical column, which lie on their side (rotated 90°
 * clockwise, as clreq's Western text in vertical writing asks), and which
 * short digit runs are set upright side by side in one em (縱中橫,
 * tate-chu-yoko).  Pure functions over code points and classes.
 *
 * The decision follows UAX #50 (Vertical_Orientation) for every class
 * paiban distinguishes: Han, kana, bopomofo, CJK and full-width punctuation
 * and symbols are upright (U or Tu: the font's 'vert' forms rotate
 * brackets, dashes and ellipses); Latin letters, European digits, Latin
 * punctuation and spaces are sideways (R).  UAX #50's own table is in ICU,
 * which paiban does not otherwise need; the classes of cjk.h already make
 * the distinction.
 */
#ifndef PB_VERTICAL_H
#define PB_VERTICAL_H

#include "paiban/cjk.h"

typedef enum pb_orient {
  PB_ORIENT_UPRIGHT = 0,  /* vertical glyph forms and metrics */
  PB_ORIENT_SIDEWAYS,     /* horizontal glyphs rotated 90° clockwise */
  PB_ORIENT_TCY,          /* horizontal glyphs side by side in one em */
} pb_orient;

/* The orientation of cp (class c) in a vertical column, before
 * tate-chu-yoko. */
pb_orient pb_char_orient(uint32_t cp, pb_cclass c);

/* Fills orient[0..len) for a vertical paragraph: each character's
 * orientation, and PB_ORIENT_TCY for every run of 1..tcy_digits European
 * digits that stands alone (no Latin letter, digit or Latin punctuation
 * right before or after it: "第 3 次", "12 月", not "4.5" or "GPT-4").
 * tcy_digits 0 turns tate-chu-yoko off. */
void pb_mark_orient(const uint32_t *text, const pb_cclass *cls, size_t len,
                    int tcy_digits, uint8_t *orient);

/* Where a sideways (rotated) Latin baseline lies across the column: this
 * far left of the column's centre line, so the ideographic em box (from
 * 0.12 em below the baseline to 0.88 em above it) is centred. */
#define PB_SIDEWAYS_BASELINE(size) ((size) * 38 / 100)

/* Where a tate-chu-yoko run's baseline lies below the top of its em. */
#define PB_TCY_BASELINE(size) ((size) * 88 / 100)

#endif
