/* Break items: turns a shaped paragraph's units into boxes, glue and
 * penalties for the Knuth–Plass breaker, with the Chinese rules of
 * clreq-digest:
 *   §1   kinsoku as infinite penalties, unbreakable —— ……, numbers + units;
 *   §3   punctuation = ink box + adjustable blank glue (style per document),
 *        adjacent marks compressed to 1.5 em, blanks vanish at line edges;
 *   §4   Han–Latin glue ¼ em (stretch to ½, shrink to ⅛), replacing a source
 *        space, never next to full-width punctuation;
 *   §5   Han–Han glue: no shrink, small stretch (grid friendly); last line
 *        never a single character.
 * Break opportunities come from libunibreak (UAX #14) and are tailored here
 * (a break is allowed only where UAX #14 AND the clreq rules allow it). */
#include "para.h"

#include <linebreak.h>
#include "unibreak_safe.h"
#include <stdlib.h>
#include <string.h>

/* "Infinite" stretch of \parfillskip: any line ending the paragraph has
 * badness 0 however short it is. */
#define PB_PARFILL_STRETCH ((pb_len)1 << 28)

/* Penalty for a break after an explicit hyphen or at a hyphenation point
 * (TeX's \hyphenpenalty and \exhyphenpenalty). */
#define PB_HYPHEN_PENALTY 50

/* The blanks the font's 'halt' feature (OpenType alternate half widths)
 * removes from mark cp, in hb units: shape the mark alone with and without
 * halt and compare.  Cached per face and mark.  False if the font has no
 * halt form for it. */
static bool pb_halt_blanks(pb_shaper *sh, uint16_t face, uint32_t cp,
                           int32_t *left, int32_t *right) {
  for (size_t i = 0; i < sh->nhalt; i++)
    if (sh->halt[i].cp == cp && sh->halt[i].face == face) {
      *left = sh->halt[i].left;
      *right = sh->halt[i].right;
      return sh->halt[i].has_halt;
    }
  const pb_face *f = pb_fontset_face(sh->fs, face);
  struct pb_halt_entry e = {.cp = cp, .face = face};
  if (f && f->hb_font) {
    hb_buffer_t *b = hb_buffer_create();
    hb_feature_t halt = {HB_TAG('h', 'a', 'l', 't'), 1, 0, (unsigned)-1};
    int32_t adv[2] = {0, 0}, off[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
      hb_buffer_clear_contents(b);
      hb_buffer_add_utf32(b, &cp, 1, 0, 1);
      hb_buffer_set_direction(b, HB_DIRECTION_LTR);
      hb_buffer_set_language(b, sh->lang);
      hb_buffer_guess_segment_properties(b);
      hb_shape(f->hb_font, b, k ? &halt : NULL, k ? 1 : 0);
      unsigned n = 0;
      hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(b, &n);
      if (n == 1) {
        adv[k] = pos[0].x_advance;
        off[k] = pos[0].x_offset;
      }
    }
    hb_buffer_destroy(b);
    if (adv[1] > 0 && adv[1] < adv[0]) {
      e.has_halt = true;
      e.left = off[0] - off[1];   /* the glyph moved left by the blank */
      e.right = adv[0] - adv[1] - e.left;
    }
  }
  if (sh->nhalt == sh->halt_cap) {
    size_t cap = sh->halt_cap ? sh->halt_cap * 2 : 32;
    void *q = realloc(sh->halt, cap * sizeof *sh->halt);
    if (q) {
      sh->halt = q;
      sh->halt_cap = cap;
    }
  }
  if (sh->nhalt < sh->halt_cap) sh->halt[sh->nhalt++] = e;
  *left = e.left;
  *right = e.right;
  return e.has_halt;
}

/* §3: decides the adjustable blanks of a full-width mark — from the font's
 * 'halt' forms where it has them (Noto CJK does), else from the glyph's ink
 * (so TC centred and SC corner forms both come out right, whatever the
 * font) — then applies the document's punctuation style. */
static void pb_punct_blanks(pb_shaper *sh, const pb_para *p, pb_unit *u) {
  pb_punct_style style = sh->settings->punct;
  if (style == PB_PUNCT_NONE) return;
  switch (u->cls) {
  case PB_CC_OPEN: case PB_CC_CLOSE: case PB_CC_STOP: case PB_CC_COLON:
  case PB_CC_EXCL: case PB_CC_MIDDOT:
    break;
  default:
    return; /* dashes, ellipses, connectors, solidus: fixed width */
  }
  /* §2/§3: in Taiwan style ！？ are centred and keep their full em. */
  if (u->cls == PB_CC_EXCL && style == PB_PUNCT_HANT_CENTERED) return;
  /* The curly quotes shared with Latin text keep their em too: then a line
   * never starts or ends with half a quote (the em box stays the line's
   * edge), and a neighbouring mark's blank still gives the 1.5 em pair. */
  uint32_t cp = p->text[u->c0];
  if (cp == 0x201C || cp == 0x201D || cp == 0x2018 || cp == 0x2019) return;
  if (u->g1 != u->g0 + 1) return;
  const pb_glyph *g = &p->glyphs[u->g0];
  pb_len em = p->size;
  /* Only a mark set on a full em can give up part of it. */
  if (g->advance < em - em / 20 || g->advance > em + em / 20) return;
  const pb_face *f = pb_fontset_face(sh->fs, g->face);
  int sx = 0, sy = 0;
  if (f && f->hb_font) hb_font_get_scale(f->hb_font, &sx, &sy);
  if (sx <= 0) return;
  int32_t hl = 0, hr = 0;
  if (pb_halt_blanks(sh, g->face, p->text[u->c0], &hl, &hr)) {
    u->blank_left = (pb_len)((int64_t)hl * em / sx);
    u->blank_right = (pb_len)((int64_t)hr * em / sx);
    u->lead = u->blank_left;
    u->width = g->advance - u->blank_left - u->blank_right;
    return;
  }
  hb_glyph_extents_t ext;
  if (!hb_font_get_glyph_extents(f->hb_font, g->gid, &ext)) return;
  double l = (double)ext.x_bearing / sx, r = (double)(ext.x_bearing + ext.width) / sx;
  pb_len half = em / 2, quarter = em / 4;
  if (r <= 0.55) {
    u->blank_right = half;              /* ink on the left: 、，。 SC, 」 */
  } else if (l >= 0.45) {
    u->blank_left = half;               /* ink on the right: 「（ */
  } else if (l >= 0.2 && r <= 0.8) {
    u->blank_left = u->blank_right = quarter; /* centred: TC 、，。 and · */
  } else {
    return;
  }
  u->lead = u->blank_left;
  u->width = g->advance - u->blank_left - u->blank_right;
}

static bool pb_is_upper(uint32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7);
}

/* Marks hyphenation points in Latin words (DESIGN.md §6).  Words with a
 * capital after the first letter (MacroPolo, OpenAI, GPT) are never split,
 * nor capitalised names inside Chinese text. */
static void pb_mark_hyphens(pb_shaper *sh, pb_para *p) {
  if (!sh->settings->hyphenate) return;
  size_t i = 0;
  while (i < p->nunits) {
    if (p->units[i].cls != PB_CC_LATIN) {
      i++;
      continue;
    }
    size_t j = i;
    bool plain = true;
    while (j < p->nunits && p->units[j].cls == PB_CC_LATIN) {
      if (p->units[j].c1 != p->units[j].c0 + 1) plain = false; /* ligature */
      if (j > i && pb_is_upper(p->text[p->units[j].c0])) plain = false;
      j++;
    }
    if (p->cjk_text && pb_is_upper(p->text[p->units[i].c0])) plain = false;
    /* A word glued to digits or '@' etc. is not a dictionary word. */
    if (i > 0 && p->units[i - 1].cls == PB_CC_DIGIT) plain = false;
    if (j < p->nunits && p->units[j].cls == PB_CC_DIGIT) plain = false;
    size_t n = j - i;
    if (plain && n >= 5 && n <= 64 && !sh->hyphen_tried) {
      /* Parsing the patterns takes milliseconds: only when a word needs
       * them (Chinese text with only names never does). */
      sh->hyphen_tried = true;
      sh->hyphen = pb_hyphen_load(sh->settings->hyphen_dict);
      if (!sh->hyphen)
        pb_diag_add(sh->diags, PB_SEV_WARNING, p->pos ? p->pos[p->units[i].c0] : (pb_pos){0, 0},
                    "hyphenation patterns '%s' not found; Latin words are not "
                    "hyphenated",
                    sh->settings->hyphen_dict);
    }
    if (plain && n >= 5 && n <= 64 && sh->hyphen) {
      uint32_t word[64];
      bool ok[64];
      for (size_t k = 0; k < n; k++) word[k] = p->text[p->units[i + k].c0];
      if (pb_hyphenate_word(sh->hyphen, word, n, ok))
        for (size_t k = 1; k < n; k++)
          if (ok[k]) p->units[i + k].flags |= PB_UNIT_HYPHEN_OK;
    }
    i = j;
  }
}

/* The glyph and width of a hyphen in face fi at the paragraph's size. */
static bool pb_hyphen_glyph(pb_shaper *sh, const pb_para *p, int fi,
                            uint32_t *gid, pb_len *width) {
  const pb_face *f = pb_fontset_face(sh->fs, (size_t)fi);
  hb_codepoint_t g = 0;
  if (!f || !f->hb_font || !hb_font_get_nominal_glyph(f->hb_font, '-', &g))
    return false;
  int sx = 0, sy = 0;
  hb_font_get_scale(f->hb_font, &sx, &sy);
  if (sx <= 0) return false;
  int64_t adv = hb_font_get_glyph_h_advance(f->hb_font, g);
  *gid = g;
  *width = (pb_len)((adv * p->size + sx / 2) / sx);
  return true;
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
    bool content = c == PB_CC_HAN || c == PB_CC_LATIN || c == PB_CC_DIGIT ||
                   c == PB_CC_OTHER;
    /* A hard line break ends a line as the paragraph's end does. */
    bool hard = c == PB_CC_SPACE && p->text[p->units[i].c0] == 0x2028;
    tail[i] = hard ? 0 : tail[i + 1] + (content ? 1 : 0);
  }
  return tail;
}

/* Marks the units of URLs (a run without spaces that contains "://" or
 * starts with "www."): url[i] = units from i to the URL's end (i included)
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
    bool is_url = false;
    while (j < p->nunits && (pb_cclass_is_alnum(p->units[j].cls) ||
                             p->units[j].cls == PB_CC_LATIN_PUNCT)) {
      const uint32_t *t = p->text + p->units[j].c0;
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

static pb_status pb_emergency_breaks(pb_shaper *sh, const pb_para *p,
                                     pb_items *it, pb_len measure) {
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
      pos = p->pos[p->units[it->v[k].data].c0];
  pb_diag_add(sh->diags, PB_SEV_WARNING, pos,
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

typedef struct pb_gap {
  pb_len width, stretch, shrink;
  uint16_t tag;
  uint32_t data;
} pb_gap;

pb_status pb_para_items(pb_shaper *sh, pb_para *p, pb_len indent,
                        pb_len measure) {
  pb_status st = PB_ERR_NOMEM;
  char *brks = NULL;
  uint32_t *tail = NULL, *url = NULL;
  pb_items *it = &p->items;
  const pb_settings *s = sh->settings;
  pb_len em = p->size;

  brks = malloc(p->len ? p->len : 1);
  tail = pb_tail_counts(p);
  url = pb_find_urls(p);
  if (!brks || !tail || !url) goto done;
  if (p->len && pb_linebreaks_safe(p->text, p->len, p->cjk_text ? "zh" : "en",
                                   brks) != PB_OK)
    goto done;
  for (size_t i = 0; i < p->nunits; i++)
    if (pb_cclass_is_cjk_punct(p->units[i].cls)) pb_punct_blanks(sh, p, &p->units[i]);
  pb_mark_hyphens(sh, p);

  if (indent > 0) {
    pb_item box = {.kind = PB_ITEM_BOX, .width = indent, .tag = PB_TAG_INDENT};
    if (!pb_items_push(it, box)) goto done;
  }

  long prev = -1; /* previous non-space unit */
  bool code = p->role == PB_ROLE_CODE;
  for (size_t i = 0; i < p->nunits; i++) {
    pb_unit *u = &p->units[i];
    if (code && (u->flags & PB_UNIT_SPACE)) {
      /* Code keeps every space at its width (indentation, alignment); a
       * line may break after one, never at the start. */
      pb_item sp = {.kind = prev < 0 ? PB_ITEM_BOX : PB_ITEM_GLUE,
                    .width = u->width,
                    .tag = prev < 0 ? PB_TAG_UNIT : PB_TAG_WORDSPACE,
                    .data = (uint32_t)i};
      if (!pb_items_push(it, sp)) goto done;
      continue;
    }
    if ((u->flags & PB_UNIT_SPACE) && p->text[u->c0] == 0x2028) {
      /* A hard line break: end the line here as a paragraph ends (the
       * line is not justified); the next line starts without indent. */
      if (prev >= 0 && (!pb_items_penalty(it, 0, PB_INF, false) ||
                        !pb_items_push(it, (pb_item){.kind = PB_ITEM_GLUE,
                                                     .stretch = PB_PARFILL_STRETCH,
                                                     .tag = PB_TAG_PARFILL}) ||
                        !pb_items_penalty(it, 0, -PB_INF, false)))
        goto done;
      prev = -1;
      continue;
    }
    if (u->flags & PB_UNIT_SPACE) continue;
    if (prev >= 0 && !(code && (size_t)prev + 1 < i)) {
      pb_unit *l = &p->units[prev];
      bool spaced = (size_t)prev + 1 < i;
      uint32_t lc = p->text[l->c1 - 1], rc = p->text[u->c0];
      pb_cclass lk = l->cls, rk = u->cls;
      pb_gap gap = {l->blank_right + u->blank_left, 0,
                    l->blank_right + u->blank_left, PB_TAG_NONE, 0};
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
      if ((lhan && rlat) || (llat && rhan)) {
        /* §4: Han–Latin space, replacing a source space if there was one. */
        gap.width += em / 4;
        gap.stretch += em / 4;
        gap.shrink += em / 8;
      } else if (spaced && !lpunct && !rpunct && !lhan && !rhan) {
        /* A word space: the font's space with TeX-like shrink (a third);
         * stretch to ½ em at ratio 1 (clreq-digest §5 expansion step 1),
         * at least TeX's half a space. */
        pb_unit *sp = &p->units[prev + 1];
        pb_len w = sp->width > 0 ? sp->width : em / 4;
        pb_len stretch = em / 2 - w;
        if (stretch < w / 2) stretch = w / 2;
        gap.width += w;
        gap.stretch += stretch;
        gap.shrink += w / 3;
        gap.tag = PB_TAG_WORDSPACE;
        gap.data = (uint32_t)(prev + 1);
      } else if (pb_cclass_is_cjk(lk) && pb_cclass_is_cjk(rk)) {
        /* §5: inter-character glue of Chinese text: no shrink, a little
         * stretch (xeCJK's CJKglue), so full lines of Han sit on the grid. */
        gap.stretch += em / 10;
      }
      /* Is a break allowed here?  UAX #14 (libunibreak) first. */
      bool allow = false;
      for (uint32_t k = l->c1 - 1; k < u->c0; k++)
        if (brks[k] == LINEBREAK_ALLOWBREAK || brks[k] == LINEBREAK_MUSTBREAK)
          allow = true;
      /* clreq tailoring: Chinese text breaks between any two CJK boxes. */
      if (pb_cclass_is_cjk(lk) && pb_cclass_is_cjk(rk)) allow = true;
      if (pb_kinsoku_no_start(rc, rk, lc, s->kinsoku) ||
          pb_kinsoku_no_end(lc, lk, rc, s->kinsoku))
        allow = false;
      if (pb_is_unbreakable_pair(lc, rc)) allow = false;
      if ((lk == PB_CC_DIGIT || (lc >= 0xFF10 && lc <= 0xFF19)) &&
          pb_is_number_unit(rc))
        allow = false; /* §1.1: "2024 年", "40 ％" stay together */
      if (p->cjk_text && tail[i] <= 1) allow = false; /* §5 last line */
      /* Inside a URL: break only after / . - (not inside "://"), never
       * leaving a lone character on either side, and never hyphenate. */
      bool in_url = url[prev] && url[i] && !spaced;
      if (in_url)
        allow = (lc == '/' || lc == '.' || lc == '-') && rc != '/' &&
                url[i] >= 2 && url[p->nunits + 1 + (size_t)prev] >= 2;
      bool hyphen_here = !spaced && !in_url && (u->flags & PB_UNIT_HYPHEN_OK);
      if (in_url) {
        /* A URL has no spaces to justify with: let its characters spread a
         * little (a line of nothing but URL would otherwise be ragged),
         * and prefer other breaks. */
        gap.stretch += em / 16;
        if (allow && !pb_items_penalty(it, 0, PB_HYPHEN_PENALTY, false))
          goto done;
        allow = false; /* the glue below is no breakpoint */
      }
      bool glue = gap.width || gap.stretch || gap.shrink || spaced;
      /* §3 rule 5: optional hanging of 、，。 past the line end — a break
       * right after the mark whose negative width takes the mark's ink out
       * of the measure.  Never when two marks meet. */
      bool hang = s->hanging && allow && !rpunct &&
                  (lc == 0x3001 || lc == 0xFF0C || lc == 0x3002 || lc == 0xFF0E);
      if (hang) {
        pb_item pen = {.kind = PB_ITEM_PENALTY, .width = -(l->width + l->blank_left),
                       .penalty = 0};
        if (!pb_items_push(it, pen)) goto done;
      }
      if (glue) {
        if ((!allow || hang) && !pb_items_penalty(it, 0, PB_INF, false))
          goto done;
        pb_item g = {.kind = PB_ITEM_GLUE, .width = gap.width,
                     .stretch = gap.stretch, .shrink = gap.shrink,
                     .tag = gap.tag, .data = gap.data};
        if (!pb_items_push(it, g)) goto done;
      } else if (hyphen_here) {
        uint32_t gid = 0;
        pb_len w = 0;
        if (pb_hyphen_glyph(sh, p, p->face[u->c0], &gid, &w)) {
          pb_item pen = {.kind = PB_ITEM_PENALTY, .width = w,
                         .penalty = PB_HYPHEN_PENALTY, .flagged = true,
                         .tag = PB_TAG_HYPHEN, .data = (uint32_t)p->face[u->c0],
                         .data2 = gid};
          if (!pb_items_push(it, pen)) goto done;
        }
      } else if (allow) {
        /* A break with no glue: after an explicit hyphen or a slash inside
         * a word, or between marks.  Explicit hyphens count as flagged. */
        bool flagged = lc == '-' || lc == 0x2010;
        if (!pb_items_penalty(it, 0, flagged ? PB_HYPHEN_PENALTY : 0, flagged))
          goto done;
      }
    }
    pb_item box = {.kind = PB_ITEM_BOX, .width = u->width, .tag = PB_TAG_UNIT,
                   .data = (uint32_t)i};
    if (!pb_items_push(it, box)) goto done;
    prev = (long)i;
  }
  /* \parfillskip: the last line may be short.  A mark's blank at the very
   * end is dropped (§3 rule 3: line-end marks lose their blank). */
  if (!pb_items_penalty(it, 0, PB_INF, false)) goto done;
  pb_item fill = {.kind = PB_ITEM_GLUE, .stretch = PB_PARFILL_STRETCH,
                  .tag = PB_TAG_PARFILL};
  if (!pb_items_push(it, fill)) goto done;
  if (!pb_items_penalty(it, 0, -PB_INF, false)) goto done;
  st = pb_emergency_breaks(sh, p, it, measure);
done:
  free(brks);
  free(tail);
  free(url);
  return st;
}
