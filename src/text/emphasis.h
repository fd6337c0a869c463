/* Chinese emphasis in the shape stage (issue 9 item 12; clreq-digest §7
 * "emphasis dots"):
 *   - `emphasis: dots` (着重号): emphasised Han characters keep the body
 *     face; the line setter draws a dot by each (galley/setline.c);
 *   - a block quotation in a Chinese text is set in Kai, its emphasis in
 *     the body face;
 *   - `emphasis: kai`: the emphasis face (Kai) is drawn scaled and moved
 *     so its ideographic ink box matches the body face's — Kai fonts draw
 *     their characters smaller in the em than Ming/Song fonts, which made
 *     emphasis look smaller and lighter than the text around it.  The
 *     advance stays one em, so the grid holds.
 *
 * A pb_ink_match is a value the shaper owns (nothing allocated); it
 * borrows nothing between calls.
 */
#ifndef PB_EMPHASIS_H
#define PB_EMPHASIS_H

#include "text/shape.h"

/* The role whose face a character takes, given its style role, its script
 * preference and whether it is in a Chinese quotation. */
pb_role pb_face_role(const pb_settings *s, pb_role role, pb_script_pref pref,
                     bool quotation);

/* How the emphasis CJK face maps onto the body CJK face, measured once. */
typedef struct pb_ink_match {
  bool done;
  int face;                 /* -1: no scaling */
  double scale, dx, dy;     /* size ratio; ink-centre offsets in em */
} pb_ink_match;

/* Scales the CJK glyphs [g0, g1) of p set in the emphasis face (sets their
 * size_permille and moves them so the ink centres meet; down a column the
 * em box's centre stays). */
void pb_match_ink(pb_ink_match *m, pb_fontset *fs, pb_para *p, size_t g0,
                  size_t g1);

#endif
