/* Justification order for stretched lines (clreq-digest §5, "procedures
 * for inter-character space expansion"): first the Latin word spaces (to
 * their limit, ½ em) and the Han–Latin spaces up to ⅓ em ("≤ ½, often
 * ≤ ⅓"); only then the remaining gaps — Han–Han glue, the rest of the
 * Han–Latin stretch (to ½ em) and any other glue — share what is left.
 * TeX's model stretches every glue in proportion at once, which
 * letter-spaces Chinese lines that word spaces could have filled.
 *
 * In:  a line's items (read only, tagged by breakitems.c) and the ratio
 *      the breaker chose for it.
 * Out: a pb_stretch_plan (a value); the line setter asks it how much each
 *      glue stretches.  Nothing is allocated.
 */
#ifndef PB_JUSTIFY_H
#define PB_JUSTIFY_H

#include "lines/items.h"

/* How a stretched line's glue shares its shortfall: the first stage takes
 * ratio r1 (up to 1 while other glue can help), the rest of the stretch
 * r2.  For a line that shrinks (r <= 0), r1 = r2 = r. */
typedef struct pb_stretch_plan {
  double r1, r2;
  pb_len cjk_extra;      /* widest Han–Han stretch of the line */
  pb_len hanlatin_width; /* widest Han–Latin glue of the line */
} pb_stretch_plan;

/* The plan of the line of items [start, brk) set at ratio r. */
pb_stretch_plan pb_plan_stretch(const pb_items *it, size_t start, size_t brk,
                                double r);

/* The stretch glue x gets under the plan (for a line with r > 0). */
double pb_plan_extra(const pb_stretch_plan *plan, const pb_item *x);

/* Reports a line whose plan exceeds clreq's limits (Han–Han advance above
 * 1.08 em, Han–Latin space above ½ em) as a warning at pos that quotes the
 * line's first characters (from character first_c of p).  Returns whether
 * it did. */
bool pb_loose_line(const pb_para *p, const pb_stretch_plan *plan,
                   size_t first_c, pb_pos pos, pb_diags *diags);

#endif
