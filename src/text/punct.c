/* Punctuation widths from the font (clreq-digest §3); see punct.h. */
#include "text/punct.h"
#include "text/face.h"
#include "base/util.h"

#include <hb.h>
#include <stdlib.h>

void pb_punct_cache_free(pb_punct_cache *c) {
  free(c->v);
  c->v = NULL;
  c->len = c->cap = 0;
}

/* The blanks the font's 'halt' ('vhal' down a column) feature removes
 * from mark cp, in hb units: shape the mark alone with and without it and
 * compare.  left/right are the blanks before/after the ink along the line. */
static struct pb_halt_entry pb_halt_measure(const pb_face *f, hb_language_t lang,
                                            uint16_t face, uint32_t cp,
                                            bool vertical) {
  struct pb_halt_entry e = {.cp = cp, .face = face, .vertical = vertical};
  if (!f || !f->hb_font) return e;
  hb_buffer_t *b = hb_buffer_create();
  hb_feature_t halt = {vertical ? HB_TAG('v', 'h', 'a', 'l') : HB_TAG('h', 'a', 'l', 't'),
                       1, 0, (unsigned)-1};
  int32_t adv[2] = {0, 0}, off[2] = {0, 0};
  for (int k = 0; k < 2; k++) {
    hb_buffer_clear_contents(b);
    hb_buffer_add_utf32(b, &cp, 1, 0, 1);
    hb_buffer_set_direction(b, vertical ? HB_DIRECTION_TTB : HB_DIRECTION_LTR);
    hb_buffer_set_language(b, lang);
    hb_buffer_guess_segment_properties(b);
    hb_shape(f->hb_font, b, k ? &halt : NULL, k ? 1 : 0);
    unsigned n = 0;
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(b, &n);
    if (n == 1) {
      /* Along the line: x rightward, or y downward in a column. */
      adv[k] = vertical ? -pos[0].y_advance : pos[0].x_advance;
      off[k] = vertical ? -pos[0].y_offset : pos[0].x_offset;
    }
  }
  hb_buffer_destroy(b);
  if (adv[1] > 0 && adv[1] < adv[0]) {
    e.has_halt = true;
    e.left = off[0] - off[1];   /* the glyph moved back by the blank */
    e.right = adv[0] - adv[1] - e.left;
  }
  return e;
}

/* Cached per face and mark (a document meets a few dozen). */
static const struct pb_halt_entry *pb_halt_lookup(pb_punct_cache *c,
                                                  const pb_face *f,
                                                  uint16_t face, uint32_t cp,
                                                  bool vertical) {
  for (size_t i = 0; i < c->len; i++)
    if (c->v[i].cp == cp && c->v[i].face == face && c->v[i].vertical == vertical)
      return &c->v[i];
  if (!pb_grow((void **)&c->v, &c->cap, c->len + 1, sizeof *c->v)) return NULL;
  c->v[c->len] = pb_halt_measure(f, (hb_language_t)c->lang, face, cp, vertical);
  return &c->v[c->len++];
}

/* Blanks from the glyph's ink (a font without 'halt'): ink on the left
 * (、，。 mainland, 」), on the right (「（), or centred (Taiwan 、，。 and ·). */
static void pb_ink_blanks(const pb_face *f, const pb_glyph *g, pb_len em,
                          int sx, pb_unit *u) {
  hb_glyph_extents_t ext;
  if (!hb_font_get_glyph_extents(f->hb_font, g->gid, &ext)) return;
  double l = (double)ext.x_bearing / sx, r = (double)(ext.x_bearing + ext.width) / sx;
  pb_len half = em / 2, quarter = em / 4;
  if (r <= 0.55) {
    u->blank_right = half;
  } else if (l >= 0.45) {
    u->blank_left = half;
  } else if (l >= 0.2 && r <= 0.8) {
    u->blank_left = u->blank_right = quarter;
  } else {
    return;
  }
  u->lead = u->blank_left;
  u->width = g->advance - u->blank_left - u->blank_right;
}

/* §2/§3: the interpunct of transliterated names (間隔號 ·) is a fixed box
 * of 1 em (Taiwan style) or ½ em (mainland style) with its ink centred;
 * the glyph's own advance may be ⅓ em, proportional, or a full em, and its
 * ink need not be centred.  Down a column the vertical form's ink is
 * centred in its advance already. */
static void pb_middot_box(pb_fontset *fs, pb_punct_style style,
                          const pb_para *p, pb_unit *u) {
  if (u->g1 != u->g0 + 1) return;
  const pb_glyph *g = &p->glyphs[u->g0];
  if (p->vertical && !(g->flags & PB_GLYPH_VERTICAL)) return; /* on its side */
  pb_len em = p->size, want = style == PB_PUNCT_HANS_STANDARD ? em / 2 : em;
  pb_len ink_mid = g->advance / 2;
  const pb_face *f = pb_fontset_face(fs, g->face);
  int sx = 0, sy = 0;
  hb_glyph_extents_t ext;
  if (!p->vertical && f && f->hb_font) {
    hb_font_get_scale(f->hb_font, &sx, &sy);
    if (sx > 0 && hb_font_get_glyph_extents(f->hb_font, g->gid, &ext) && ext.width > 0)
      ink_mid = (pb_len)(((int64_t)ext.x_bearing * 2 + ext.width) * em / (2 * sx));
  }
  u->blank_left = u->blank_right = 0;
  u->width = want;
  u->lead = ink_mid - want / 2; /* negative: drawn right of the box start */
}

pb_status pb_punct_blanks(pb_punct_cache *c, pb_fontset *fs,
                          pb_punct_style style, const pb_para *p, pb_unit *u) {
  if (style == PB_PUNCT_NONE) return PB_OK;
  if (u->cls == PB_CC_MIDDOT) {
    pb_middot_box(fs, style, p, u);
    return PB_OK;
  }
  switch (u->cls) {
  case PB_CC_OPEN: case PB_CC_CLOSE: case PB_CC_STOP: case PB_CC_COLON:
  case PB_CC_EXCL: case PB_CC_MIDDOT:
    break;
  default:
    return PB_OK; /* dashes, ellipses, connectors, solidus: fixed width */
  }
  /* §2/§3: in Taiwan style ！？ are centred and keep their full em. */
  if (u->cls == PB_CC_EXCL && style == PB_PUNCT_HANT_CENTERED) return PB_OK;
  /* Curly quotes in Chinese text (class OPEN/CLOSE only there) are
   * full-width marks like 「」 (clreq-digest §3): their blanks compress
   * against neighbouring marks and vanish at line edges. */
  uint32_t cp = p->text[u->c0];
  if (u->g1 != u->g0 + 1) return PB_OK;
  const pb_glyph *g = &p->glyphs[u->g0];
  pb_len em = p->size;
  /* Only a mark set on a full em can give up part of it. */
  if (g->advance < em - em / 20 || g->advance > em + em / 20) return PB_OK;
  const pb_face *f = pb_fontset_face(fs, g->face);
  int sx = 0, sy = 0;
  if (f && f->hb_font) hb_font_get_scale(f->hb_font, &sx, &sy);
  if (sx <= 0) return PB_OK;
  bool vertical = (g->flags & PB_GLYPH_VERTICAL) != 0;
  if (p->vertical && !vertical) return PB_OK; /* lying on its side */
  const struct pb_halt_entry *e = pb_halt_lookup(c, f, g->face, cp, vertical);
  if (!e) return PB_ERR_NOMEM;
  if (!e->has_halt) {
    if (!vertical) pb_ink_blanks(f, g, em, sx, u);
    return PB_OK;
  }
  u->blank_left = (pb_len)((int64_t)e->left * em / sx);
  u->blank_right = (pb_len)((int64_t)e->right * em / sx);
  u->lead = u->blank_left;
  u->width = g->advance - u->blank_left - u->blank_right;
  return PB_OK;
}
