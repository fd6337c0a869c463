/* paiban — line breaking over boxes, glue and penalties (Knuth & Plass,
 * "Breaking paragraphs into lines", 1981), with the CJK glue model of
 * clreq-digest §5.  Pure: no fonts, no Unicode; unit-testable on hand-built
 * item lists.
 *
 * Ownership: pb_items owns its array; pb_breaks owns its array.  Both are
 * plain growable arrays freed with their _free function.
 */
#ifndef PAIBAN_LINEBREAK_H
#define PAIBAN_LINEBREAK_H

#include "base.h"

typedef enum pb_item_kind {
  PB_ITEM_BOX = 0,
  PB_ITEM_GLUE,
  PB_ITEM_PENALTY,
} pb_item_kind;

/* Penalties at or above this forbid a break; at or below -PB_INF force one. */
#define PB_INF 10000

typedef struct pb_item {
  pb_item_kind kind;
  pb_len width;     /* box/glue: natural width; penalty: width added to the
                       line if the break is taken here (e.g. a hyphen) */
  pb_len stretch;   /* glue only */
  pb_len shrink;    /* glue only */
  int32_t penalty;  /* penalty only: cost of breaking here, ±PB_INF */
  bool flagged;     /* penalty only: a hyphen break (consecutive flagged
                       breaks cost the double-hyphen demerits) */
  /* For the caller; the breaker ignores them. */
  uint32_t unit;    /* what the item stands for, e.g. a unit index */
  uint16_t tag;     /* caller-defined sub-kind (word space, hyphen, ...) */
} pb_item;

typedef struct pb_items {
  pb_item *v;
  size_t len, cap;
} pb_items;

void pb_items_init(pb_items *it);
void pb_items_free(pb_items *it);
/* Appends; returns false on allocation failure (the list is unchanged). */
bool pb_items_push(pb_items *it, pb_item item);
bool pb_items_box(pb_items *it, pb_len width, uint32_t unit);
bool pb_items_glue(pb_items *it, pb_len width, pb_len stretch, pb_len shrink);
bool pb_items_penalty(pb_items *it, pb_len width, int32_t penalty, bool flagged);

/* Line-breaking parameters (TeX names where they exist). */
typedef struct pb_break_params {
  pb_len line_width;        /* every line's width... */
  pb_len first_line_width;  /* ...except the first (0 = same as line_width) */
  int32_t tolerance;        /* max badness on the final pass (TeX: 200) */
  int32_t pretolerance;     /* max badness on the first pass, which ignores
                               flagged (hyphen) breaks; < 0 skips it */
  int32_t line_penalty;     /* added to every line's badness (TeX: 10) */
  int32_t hyphen_demerits;  /* two consecutive flagged breaks (TeX: 10000
                               "doublehyphendemerits") */
  int32_t final_hyphen_demerits; /* flagged break on the second-last line */
  int32_t adj_demerits;     /* fitness classes two apart (TeX: 10000) */
  pb_len emergency_stretch; /* extra stretch on the emergency pass */
  pb_len right_stretch;     /* ragged right: stretch at every line's end
                               (TeX's \rightskip), 0 when justified */
  int32_t looseness;        /* 0: optimal; not otherwise supported yet
                               (other values are ignored) */
} pb_break_params;

/* Sensible defaults for a line width: tolerance 200, pretolerance 100,
 * line penalty 10, demerits as in plain TeX, emergency stretch 1/10 of the
 * line. */
pb_break_params pb_break_params_default(pb_len line_width);

/* |pb_break.ratio| never exceeds this; a line that must stretch with no
 * stretch (or shrink with no shrink) gets +PB_RATIO_MAX (-PB_RATIO_MAX). */
#define PB_RATIO_MAX 1e6

typedef struct pb_break {
  size_t index;      /* item index of the break (glue or penalty); the last
                        break is the paragraph's final penalty */
  double ratio;      /* adjustment ratio r of the line ending here:
                        >0 stretched (fraction of total stretch), <0 shrunk;
                        may be < -1 for an overfull line; 0 when exact;
                        finite, within ±PB_RATIO_MAX (computed from the
                        real stretch, without emergency_stretch) */
  int32_t fitness;   /* 0 tight, 1 decent, 2 loose, 3 very loose (TeX's
                        thresholds on the badness the pass used) */
  pb_len natural;    /* natural width of the line (sum after discarding,
                        plus the width of the penalty broken at) */
  pb_len stretch;    /* total stretch of the line */
  pb_len shrink;     /* total shrink of the line (these three saturate at
                        INT32_MAX, e.g. for one enormous overfull line) */
  bool overfull;     /* the line is wider than its measure even shrunk */
  bool underfull;    /* badness above tolerance (stretched too far), with
                        the real stretch */
} pb_break;

typedef struct pb_breaks {
  pb_break *v;
  size_t len, cap;
  int pass;          /* which pass produced them: 1, 2 or 3 (emergency) */
} pb_breaks;

void pb_breaks_free(pb_breaks *b);

/* Finds the optimal breaks of a paragraph.  The item list must end with
 * (glue 0 +inf-ish stretch, penalty -PB_INF) as in TeX's \parfillskip; the
 * caller adds them.  Passes: (1) pretolerance without flagged breaks;
 * (2) tolerance with them; (3) emergency: emergency_stretch added and, if
 * still no feasible solution, the least bad one (overfull lines allowed) —
 * it always returns lines.  Returns PB_OK or PB_ERR_NOMEM.  Runs in time
 * linear in the item count times the number of active breakpoints.
 *
 * Details:
 *  - Legal breaks: a penalty < PB_INF (flagged ones not on pass 1, unless
 *    forced); a glue right after a box, except the glue just before the
 *    last item (\parfillskip: TeX puts \penalty10000 before it).  The last
 *    item is always a forced break, whatever it is.
 *  - After a break, the glue and penalties up to the next box or forced
 *    break are discarded; at the paragraph start nothing is (as in TeX).
 *  - Pass 3 accepts any line that is not overfull (badness <= PB_INF, i.e.
 *    TeX's final pass with tolerance 10000): it prefers underfull lines to
 *    overfull ones.  It runs even if emergency_stretch is 0.
 *  - An empty item list gives zero breaks and pass 0.  A list with no box
 *    (e.g. only the final glue and penalty) gives one, empty, line.
 *  - *out is overwritten, not freed: pb_breaks_free() it before reuse.  On
 *    error it is left empty. */
pb_status pb_linebreak(const pb_items *items, const pb_break_params *params,
                       pb_breaks *out);

/* Badness of stretching/shrinking: 100 r^3 capped at PB_INF, with TeX's
 * integer approximation (§108); r = |excess| / capacity, and capacity <= 0
 * with excess != 0 gives PB_INF. */
int32_t pb_badness(pb_len excess, pb_len capacity);

#endif
