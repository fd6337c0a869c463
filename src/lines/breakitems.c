/* The break-item stage: see items.h.  Break opportunities come from
 * libunibreak (UAX #14) and are tailored here (a break is allowed only where
 * UAX #14 AND the clreq rules allow it). */
#include "lines/items.h"
#include "lines/unibreak_safe.h"

#include <linebreak.h>
#include <stdlib.h>
#include <string.h>

/* "Infinite" stretch of \parfillskip: any line ending the paragraph has
 * badness 0 however short it is. */
#define PB_PARFILL_STRETCH ((pb_len)1 << 28)

/* Penalty for a break after an explicit hyphen or at a hyphenation point
 * (TeX's \hyphenpenalty and \exhyphenpenalty). */
#define PB_HYPHEN_PENALTY 50
/* A hyphenation point in a capitalised word of Chinese text: about the
 * demerits of a line with badness 200, so a loose line is worse. */
#define PB_CAP_HYPHEN_PENALTY 200
/* Penalty for a break after · inside a name (瑪麗·|居禮): as costly as a
 * very loose line, so taken only when the alternative is worse. */
#define PB_NAME_BREAK_PENALTY 500

/* Footnote marks: is unit i one, and the unit a run of marks ending at i
 * is attached to (i itself if it is no mark or a space precedes it).  A
 * mark sits tight against its character: no Han–Latin glue, no break
 * before it, and the pair rules after it are those of that character. */
static bool pb_is_note_mark(const pb_para *p, size_t i) {
  return p->fnref && p->fnref[p->units[i].c0] != 0;
}

static size_t pb_note_base(const pb_para *p, size_t i) {
  while (i > 0 && pb_is_note_mark(p, i) && !(p->units[i - 1].flags & PB_UNIT_SPACE))
    i--;
  return i;
}

/* The kind of source space between two units (the spaces are units
 * [from, to)).  An ideographic space U+3000 is a 1-em space (a breakpoint,
 * drawn, vanishing at a line edge like any glue); a no-break space
 * (U+00A0, U+202F, U+2007) is a word space no line breaks at, even between
 * Han characters; other spaces follow docs/DESIGN.md §3.  *unit is set to
 * the special space's unit. */
typedef enum pb_space_kind {
  PB_SPACE_PLAIN = 0,
  PB_SPACE_IDEOGRAPHIC,
  PB_SPACE_NOBREAK,
} pb_space_kind;

static pb_space_kind pb_space_between(const pb_para *p, size_t from, size_t to,
                                      size_t *unit) {
  pb_space_kind k = PB_SPACE_PLAIN;
  for (size_t j = from; j < to; j++) {
    uint32_t cp = p->text[p->units[j].c0];
    if (cp == 0x3000) {
      *unit = j;
      return PB_SPACE_IDEOGRAPHIC; /* the widest wins */
    }
    if (cp == 0x00A0 || cp == 0x202F || cp == 0x2007) {
      *unit = j;
      k = PB_SPACE_NOBREAK;
    }
  }
  return k;
}

static bool pb_unit_is_digit(const pb_para *p, size_t i) {
  uint32_t c = p->text[p->units[i].c0];
  return p->units[i].cls == PB_CC_DIGIT || (c >= 0xFF10 && c <= 0xFF19);
}

/* clreq-digest §1.1: may the line not break between units l and r (the
 * next non-space unit) because they belong to one number expression?  A
 * number keeps its unit (％ ℃) and, in Chinese text, the Han character
 * that counts it (120 公尺, 3 天, 5 次); a range keeps its dash on both
 * sides (1865—1869, 7:00—9:00). */
static bool pb_number_holds(const pb_para *p, size_t l, size_t r) {
  uint32_t lc = p->text[p->units[l].c1 - 1], rc = p->text[p->units[r].c0];
  if (pb_unit_is_digit(p, l) &&
      (pb_is_number_unit(rc) || (p->cjk_text && p->units[r].cls == PB_CC_HAN)))
    return true;
  /* The units beyond the pair, skipping spaces. */
  size_t ll = l, rr = r + 1;
  while (ll > 0 && (p->units[ll - 1].flags & PB_UNIT_SPACE)) ll--;
  while (rr < p->nunits && (p->units[rr].flags & PB_UNIT_SPACE)) rr++;
  if (pb_is_range_dash(rc) && pb_unit_is_digit(p, l) && rr < p->nunits &&
      pb_unit_is_digit(p, rr))
    return true;
  if (pb_is_range_dash(lc) && pb_unit_is_digit(p, r) && ll > 0 &&
      pb_unit_is_digit(p, ll - 1))
    return true;
  return false;
}

/* How much "content" follows each unit, for §5's rule that a Chinese
 * paragraph's last line is never one character (or one plus its mark):
 * tail[i] = number of Han or letter/digit units from i to the end (or to
 * the next hard line break). */
static uint32_t *pb_tail_counts(const pb_para *p) {
  uint32_t *tail = malloc((p->nunits + 1) * sizeof *tail);
  if (!tail) return NULL;
  tail[p->nunits] = 0;
  for (size_t i = p->nunits; i-- > 0;) {
    pb_cclass c = p->units[i].cls;
    bool content = (c == PB_CC_HAN || c == PB_CC_LATIN || c == PB_CC_DIGIT ||
                    c == PB_CC_OTHER) && !pb_is_note_mark(p, i);
    /* A hard line break ends a line as the paragraph's end does. */
    bool hard = c == PB_CC_SPACE && p->text[p->units[i].c0] == 0x2028;
    tail[i] = hard ? 0 : tail[i + 1] + (content ? 1 : 0);
  }
  return tail;
}

/* Marks the units of URLs and e-mail addresses (a run without spaces that
 * contains "://", starts with "www." or has an '@' with a '.' after it):
 * url[i] = units from i to the URL's end (i included)
 * and url[n + 1 + i] = units from the URL's start to i (included); both 0
 * outside URLs (n = number of units). */
static uint32_t *pb_find_urls(const pb_para *p) {
  uint32_t *url = calloc(2 * (p->nunits + 1), sizeof *url);
  if (!url) return NULL;
  size_t i = 0;
  while (i < p->nunits) {
    pb_cclass c = p->units[i].cls;
    if (!(pb_cclass_is_alnum(c) || c == PB_CC_LATIN_PUNCT)) {
      i++;
      continue;
    }
    size_t j = i;
    bool is_url = false, at = false;
    while (j < p->nunits && (pb_cclass_is_alnum(p->units[j].cls) ||
                             p->units[j].cls == PB_CC_LATIN_PUNCT)) {
      const uint32_t *t = p->text + p->units[j].c0;
      if (t[0] == '@' && j > i) at = true;
      if (t[0] == '.' && at && j + 1 < p->nunits &&
          pb_cclass_is_alnum(p->units[j + 1].cls))
        is_url = true; /* an e-mail address */
      if (j + 2 < p->nunits && t[0] == ':' && p->text[p->units[j + 1].c0] == '/' &&
          p->text[p->units[j + 2].c0] == '/')
        is_url = true;
      j++;
    }
    if (j - i >= 4 && p->text[p->units[i].c0] == 'w' &&
        p->text[p->units[i + 1].c0] == 'w' && p->text[p->units[i + 2].c0] == 'w' &&
        p->text[p->units[i + 3].c0] == '.')
      is_url = true;
    if (is_url)
      for (size_t k = i; k < j; k++) {
        url[k] = (uint32_t)(j - k);
        url[p->nunits + 1 + k] = (uint32_t)(k - i + 1);
      }
    i = j;
  }
  return url;
}

/* Emergency breaks (a "word" wider than the measure, e.g. 100,000 letters
 * with no break opportunity): between the adjacent boxes of such a run add
 * a costly legal break, so lines still fit the measure instead of one line
 * running off the page.  Only runs wider than the measure get them, so no
 * ordinary word is ever split without a hyphen. */
#define PB_EMERGENCY_PENALTY 5000

static bool pb_is_break(const pb_items *it, size_t k) {
  const pb_item *x = &it->v[k];
  if (x->kind == PB_ITEM_PENALTY) return x->penalty < PB_INF;
  return x->kind == PB_ITEM_GLUE && k > 0 && it->v[k - 1].kind == PB_ITEM_BOX;
}

static pb_status pb_emergency_breaks(const pb_para *p, pb_items *it,
                                     pb_len measure, pb_diags *diags) {
  /* Find whether any run is too wide before copying anything. */
  size_t first_wide = SIZE_MAX, run_start = 0;
  int64_t run = 0;
  for (size_t k = 0; k < it->len && first_wide == SIZE_MAX; k++) {
    if (pb_is_break(it, k)) {
      run = 0;
      run_start = k + 1;
    } else if (it->v[k].kind == PB_ITEM_BOX && (run += it->v[k].width) > measure) {
      first_wide = run_start;
    }
  }
  if (first_wide == SIZE_MAX) return PB_OK;
  pb_pos pos = {0, 0};
  for (size_t k = first_wide; k < it->len && !pos.line; k++)
    if (it->v[k].kind == PB_ITEM_BOX && it->v[k].tag == PB_TAG_UNIT && p->pos)
      pos = p->pos[p->units[it->v[k].unit].c0];
  pb_diag_add(diags, PB_SEV_WARNING, pos,
              "overfull line avoided: text with no break opportunity is wider "
              "than the %.1f pt measure, so it is broken at arbitrary places",
              pb_len_to_pt(measure));
  pb_items out;
  pb_items_init(&out);
  size_t start = 0; /* first item of the current run */
  while (start < it->len) {
    size_t end = start;
    run = 0;
    while (end < it->len && !pb_is_break(it, end)) {
      if (it->v[end].kind == PB_ITEM_BOX) run += it->v[end].width;
      end++;
    }
    for (size_t k = start; k < end; k++) {
      pb_item x = it->v[k];
      if (run > measure && k > start && x.kind == PB_ITEM_BOX &&
          it->v[k - 1].kind == PB_ITEM_BOX &&
          !pb_items_penalty(&out, 0, PB_EMERGENCY_PENALTY, false))
        goto nomem;
      /* A forbidden break (penalty before a glue) becomes a costly one. */
      if (run > measure && x.kind == PB_ITEM_PENALTY && x.penalty >= PB_INF &&
          x.tag != PB_TAG_PARFILL && k + 1 < it->len &&
          it->v[k + 1].tag != PB_TAG_PARFILL)
        x.penalty = PB_EMERGENCY_PENALTY;
      if (!pb_items_push(&out, x)) goto nomem;
    }
    if (end < it->len && !pb_items_push(&out, it->v[end])) goto nomem;
    start = end + 1;
  }
  pb_items_free(it);
  *it = out;
  return PB_OK;
nomem:
  pb_items_free(&out);
  return PB_ERR_NOMEM;
}

/* The glue between two units. */
typedef struct pb_gap {
  pb_len width, stretch, shrink;
  uint16_t tag;
  uint32_t unit;
} pb_gap;

/* What the item builder carries from unit to unit. */
typedef struct pb_item_ctx {
  const pb_para *p;
  const pb_item_opts *o;
  pb_items *it;
  const char *brks;     /* libunibreak's opportunities, per character */
  const uint32_t *tail; /* pb_tail_counts */
  const uint32_t *url;  /* pb_find_urls */
} pb_item_ctx;

/* The glue between units l and u (spaced: a source space between them):
 * §3 punctuation blanks and pair compression, U+3000 and no-break spaces,
 * §4 Han–Latin, word spaces, §5 Han–Han.  After a footnote mark the rules
 * are those after its character; before one there is no glue. */
/* Marks whose neighbours keep their spacing when a line is expanded
 * (clreq-digest §5: avoid connectors and solidi). */
static bool pb_fixed_neighbour(pb_cclass c) {
  return c == PB_CC_CONNECTOR || c == PB_CC_SOLIDUS;
}

static pb_gap pb_gap_between(const pb_item_ctx *c, size_t li, size_t ui,
                             bool spaced) {
  const pb_para *p = c->p;
  const pb_unit *l = &p->units[li], *u = &p->units[ui];
  pb_len em = p->size;
  if (pb_is_note_mark(p, ui)) return (pb_gap){0, 0, 0, PB_TAG_NONE, PB_NO_UNIT};
  pb_cclass lk = p->units[pb_note_base(p, li)].cls, rk = u->cls;
  pb_gap gap = {l->blank_right + u->blank_left, 0,
                l->blank_right + u->blank_left, PB_TAG_NONE, PB_NO_UNIT};
  bool lpunct = pb_cclass_is_cjk_punct(lk), rpunct = pb_cclass_is_cjk_punct(rk);
  /* §3 rule 1: two adjacent marks take 1.5 em, not 2 (the blank between
   * them loses half an em; the rest may still shrink). */
  if (lpunct && rpunct && gap.width > 0) {
    gap.width = gap.width > em / 2 ? gap.width - em / 2 : 0;
    gap.shrink = gap.width;
  }
  bool lhan = lk == PB_CC_HAN, rhan = rk == PB_CC_HAN;
  /* Latin on the other side of a Han character: a letter or digit, or
   * Latin punctuation that belongs to it ("40% 的", "Ph.D. 學位"). */
  bool llat = pb_cclass_is_alnum(lk) || lk == PB_CC_LATIN_PUNCT;
  bool rlat = pb_cclass_is_alnum(rk) || rk == PB_CC_LATIN_PUNCT;
  size_t spu = 0;
  pb_space_kind sk = spaced ? pb_space_between(p, li + 1, ui, &spu) : PB_SPACE_PLAIN;
  if (sk == PB_SPACE_IDEOGRAPHIC) {
    /* U+3000: a fixed 1-em space, drawn so it copies out. */
    gap.width += em;
    gap.tag = PB_TAG_WORDSPACE;
    gap.unit = (uint32_t)spu;
  } else if (sk == PB_SPACE_NOBREAK) {
    /* U+00A0: the font's space, a little elastic, never a break. */
    pb_len w = p->units[spu].width > 0 ? p->units[spu].width : em / 4;
    gap.width += w;
    gap.stretch += w / 2;
    gap.shrink += w / 3;
    gap.tag = PB_TAG_WORDSPACE;
    gap.unit = (uint32_t)spu;
  } else if ((lhan && rlat) || (llat && rhan)) {
    /* §4: Han–Latin space, replacing a source space if there was one. */
    gap.width += em / 4;
    gap.stretch += em / 4;
    gap.shrink += em / 8;
    gap.tag = PB_TAG_HANLATIN;
  } else if (spaced && !lpunct && !rpunct && !lhan && !rhan) {
    /* A word space: the font's space with TeX-like shrink (a third);
     * stretch to ½ em at ratio 1 (clreq-digest §5 expansion step 1), at
     * least TeX's half a space. */
    const pb_unit *sp = &p->units[li + 1];
    pb_len w = sp->width > 0 ? sp->width : em / 4;
    pb_len stretch = em / 2 - w;
    if (stretch < w / 2) stretch = w / 2;
    gap.width += w;
    gap.stretch += stretch;
    gap.shrink += w / 3;
    gap.tag = PB_TAG_WORDSPACE;
    gap.unit = (uint32_t)(li + 1);
  } else if (pb_cclass_is_cjk(lk) && pb_cclass_is_cjk(rk)) {
    /* §5: inter-character glue of Chinese text: no shrink, a little
     * stretch (xeCJK's CJKglue), so full lines of Han sit on the grid.
     * The stretch, 0.08 em, is the most a good line may use: a Han–Han
     * advance beyond 1.08 em reads as letter-spacing, and the breaker
     * sees it as badness above 100. */
    gap.stretch += em * 2 / 25;
    gap.tag = PB_TAG_CJKGLUE;
  } else if (p->cjk_text && ((lpunct && rlat) || (llat && rpunct)) &&
             !pb_fixed_neighbour(lk) && !pb_fixed_neighbour(rk)) {
    /* §5 expansion step 3: every remaining gap between characters takes
     * its share, also between a Latin word and a full-width mark
     * ("Zaremba）"); never inside a word, nor at connectors and solidi. */
    gap.stretch += em * 2 / 25;
    gap.tag = PB_TAG_CJKGLUE;
  }
  return gap;
}

/* May a line break between units l and u?  UAX #14 first, then the clreq
 * tailoring: §1 kinsoku, unbreakable pairs, numbers with their units, §5
 * the last line. */
static bool pb_break_allowed(const pb_item_ctx *c, size_t li, size_t ui) {
  const pb_para *p = c->p;
  const pb_unit *l = &p->units[li], *u = &p->units[ui];
  if (pb_is_note_mark(p, ui)) return false; /* tight against its character */
  size_t lb = pb_note_base(p, li);
  uint32_t lc = p->text[p->units[lb].c1 - 1], rc = p->text[u->c0];
  pb_cclass lk = p->units[lb].cls, rk = u->cls;
  bool allow = false;
  for (uint32_t k = l->c1 - 1; k < u->c0; k++)
    if (c->brks[k] == LINEBREAK_ALLOWBREAK || c->brks[k] == LINEBREAK_MUSTBREAK)
      allow = true;
  /* Chinese text breaks between any two CJK boxes. */
  if (pb_cclass_is_cjk(lk) && pb_cclass_is_cjk(rk)) allow = true;
  if (pb_kinsoku_no_start(rc, rk, lc, c->o->kinsoku) ||
      pb_kinsoku_no_end(lc, lk, rc, c->o->kinsoku))
    allow = false;
  if (pb_is_unbreakable_pair(lc, rc)) allow = false;
  if (pb_number_holds(p, lb, ui))
    allow = false; /* §1.1: "120 公尺", "40 ％", "1865—1869" */
  size_t sp = 0;
  pb_space_kind sk = li + 1 < ui ? pb_space_between(p, li + 1, ui, &sp)
                                 : PB_SPACE_PLAIN;
  if (sk == PB_SPACE_NOBREAK) allow = false;
  if (sk == PB_SPACE_IDEOGRAPHIC)
    allow = !pb_kinsoku_no_end(lc, lk, rc, c->o->kinsoku) &&
            !pb_kinsoku_no_start(rc, rk, lc, c->o->kinsoku);
  if (p->cjk_text && c->tail[ui] <= 1) allow = false; /* §5 last line */
  return allow;
}

/* Inside a URL or e-mail address: break only after / . - @ (not inside
 * "://"), never leaving a lone character on either side, and never
 * hyphenate. */
static bool pb_url_break_allowed(const pb_item_ctx *c, size_t li, size_t ui) {
  const pb_para *p = c->p;
  uint32_t lc = p->text[p->units[li].c1 - 1], rc = p->text[p->units[ui].c0];
  return (lc == '/' || lc == '.' || lc == '-' || lc == '@') && rc != '/' && c->url[ui] >= 2 &&
         c->url[p->nunits + 1 + li] >= 2;
}

/* The items between units l and u (both drawn): penalties and glue. */
static bool pb_join_items(pb_item_ctx *c, size_t li, size_t ui) {
  const pb_para *p = c->p;
  const pb_unit *l = &p->units[li], *u = &p->units[ui];
  pb_items *it = c->it;
  /* A footnote mark takes no glue, even after a source space. */
  bool spaced = li + 1 < ui && !pb_is_note_mark(p, ui);
  uint32_t lc = p->text[l->c1 - 1];
  pb_gap gap = pb_gap_between(c, li, ui, spaced);
  bool allow = pb_break_allowed(c, li, ui);
  bool in_url = c->url[li] && c->url[ui] && !spaced;
  if (in_url) {
    /* A URL has no spaces to justify with: let its characters spread a
     * little (a line of nothing but URL would otherwise be ragged), and
     * prefer other breaks. */
    gap.stretch += p->size / 16;
    if (pb_url_break_allowed(c, li, ui) &&
        !pb_items_penalty(it, 0, PB_HYPHEN_PENALTY, false))
      return false;
    allow = false; /* the glue below is no breakpoint */
  }
  bool glue = gap.width || gap.stretch || gap.shrink || spaced;
  /* §3 rule 5: optional hanging of 、，。 past the line end — a break right
   * after the mark whose negative width takes the mark's ink out of the
   * measure.  Never when two marks meet. */
  bool hang = c->o->hanging && allow && !pb_cclass_is_cjk_punct(u->cls) &&
              (lc == 0x3001 || lc == 0xFF0C || lc == 0x3002 || lc == 0xFF0E);
  if (hang && !pb_items_push(it, (pb_item){.kind = PB_ITEM_PENALTY,
                                           .width = -(l->width + l->blank_left),
                                           .unit = PB_NO_UNIT}))
    return false;
  if (glue) {
    if ((!allow || hang) && !pb_items_penalty(it, 0, PB_INF, false))
      return false;
    /* §1: a break after the interpunct inside a transliterated name
     * (瑪麗·|居禮) is possible but discouraged. */
    if (allow && !hang && l->cls == PB_CC_MIDDOT && u->cls == PB_CC_HAN &&
        !pb_items_penalty(it, 0, PB_NAME_BREAK_PENALTY, false))
      return false;
    return pb_items_push(it, (pb_item){.kind = PB_ITEM_GLUE, .width = gap.width,
                                       .stretch = gap.stretch,
                                       .shrink = gap.shrink, .tag = gap.tag,
                                       .unit = gap.unit});
  }
  if (!in_url && (u->flags & PB_UNIT_HYPHEN_OK)) {
    const pb_hyphen_glyph *hy = pb_para_hyphen(p, (uint16_t)p->face[u->c0]);
    return !hy || pb_items_push(it, (pb_item){.kind = PB_ITEM_PENALTY,
                                             .width = hy->width,
                                             .penalty = (u->flags & PB_UNIT_HYPHEN_CAP)
                                                            ? PB_CAP_HYPHEN_PENALTY
                                                            : PB_HYPHEN_PENALTY,
                                             .flagged = true,
                                             .tag = PB_TAG_HYPHEN,
                                             .unit = (uint32_t)ui});
  }
  if (allow) {
    /* A break with no glue: after an explicit hyphen or a slash inside a
     * word, or between marks.  Explicit hyphens count as flagged. */
    bool flagged = lc == '-' || lc == 0x2010;
    return pb_items_penalty(it, 0, flagged ? PB_HYPHEN_PENALTY : 0, flagged);
  }
  return true;
}

/* \parfillskip and the final forced break (TeX's \penalty10000 before the
 * glue).  A mark's blank at the very end is dropped (§3 rule 3). */
static bool pb_par_end(pb_items *it) {
  return pb_items_penalty(it, 0, PB_INF, false) &&
         pb_items_push(it, (pb_item){.kind = PB_ITEM_GLUE,
                                     .stretch = PB_PARFILL_STRETCH,
                                     .tag = PB_TAG_PARFILL,
                                     .unit = PB_NO_UNIT}) &&
         pb_items_penalty(it, 0, -PB_INF, false);
}

/* The items of every unit, in order; prev is the last drawn unit. */
static bool pb_unit_items(pb_item_ctx *c) {
  const pb_para *p = c->p;
  long prev = -1;
  bool code = p->role == PB_ROLE_CODE;
  for (size_t i = 0; i < p->nunits; i++) {
    const pb_unit *u = &p->units[i];
    if (code && (u->flags & PB_UNIT_SPACE)) {
      /* Code keeps every space at its width (indentation, alignment); a
       * line may break after one, never at the start. */
      pb_item sp = {.kind = prev < 0 ? PB_ITEM_BOX : PB_ITEM_GLUE,
                    .width = u->width,
                    .tag = prev < 0 ? PB_TAG_UNIT : PB_TAG_WORDSPACE,
                    .unit = (uint32_t)i};
      if (!pb_items_push(c->it, sp)) return false;
      continue;
    }
    if ((u->flags & PB_UNIT_SPACE) && p->text[u->c0] == 0x2028) {
      /* A hard line break: end the line here as a paragraph ends (the
       * line is not justified); the next line starts without indent. */
      if (prev >= 0 && !pb_par_end(c->it)) return false;
      prev = -1;
      continue;
    }
    if (u->flags & PB_UNIT_SPACE) continue;
    if (prev >= 0 && !(code && (size_t)prev + 1 < i) &&
        !pb_join_items(c, (size_t)prev, i))
      return false;
    if (!pb_items_box(c->it, u->width, (uint32_t)i)) return false;
    c->it->v[c->it->len - 1].tag = PB_TAG_UNIT;
    prev = (long)i;
  }
  return true;
}

pb_status pb_para_items(const pb_para *p, const pb_item_opts *o,
                        pb_items *out, pb_diags *diags) {
  pb_status st = PB_ERR_NOMEM;
  char *brks = malloc(p->len ? p->len : 1);
  uint32_t *tail = pb_tail_counts(p), *url = pb_find_urls(p);
  if (!brks || !tail || !url) goto done;
  if (p->len && pb_linebreaks_safe(p->text, p->len, p->cjk_text ? "zh" : "en",
                                   brks) != PB_OK)
    goto done;
  pb_item_ctx c = {.p = p, .o = o, .it = out, .brks = brks, .tail = tail,
                   .url = url};
  if (o->indent > 0 &&
      !pb_items_push(out, (pb_item){.kind = PB_ITEM_BOX, .width = o->indent,
                                    .tag = PB_TAG_INDENT, .unit = PB_NO_UNIT}))
    goto done;
  if (!pb_unit_items(&c) || !pb_par_end(out)) goto done;
  st = pb_emergency_breaks(p, out, o->measure, diags);
done:
  if (st == PB_ERR_NOMEM)
    pb_diag_add(diags, PB_SEV_ERROR, (pb_pos){0, 0}, "out of memory");
  free(brks);
  free(tail);
  free(url);
  return st;
}
