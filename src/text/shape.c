/* The shape stage (docs/DESIGN.md §1, §4): classify characters, choose a
 * face per character (font.h chains; shared marks by language and
 * neighbours), shape each run once with HarfBuzz, group glyphs into units
 * (one HarfBuzz cluster each), then the glyph facts later stages need:
 * punctuation blanks (punct.c), hyphenation points (hyphen.c) and the
 * hyphen glyph of each face that has one. */
#include "text/shape.h"
#include "text/emphasis.h"
#include "text/face.h"
#include "text/hyphen.h"
#include "text/punct.h"
#include "text/vertical.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

struct pb_shaper {
  pb_fontset *fs;             /* borrowed */
  const pb_settings *settings; /* borrowed */
  pb_diags *diags;            /* borrowed, during pb_para_shape only */
  hb_buffer_t *buf;
  hb_language_t lang;
  /* Code points already reported as missing from every font: a bitset
   * over U+0000..U+10FFFF, made on first use. */
  uint32_t *missing;
  pb_hyphenator hyphenator;
  pb_punct_cache punct;
  pb_ink_match ink;           /* Kai emphasis drawn to the body's ink */
};

pb_status pb_shaper_new(pb_fontset *fs, const pb_settings *s, pb_diags *diags,
                        pb_shaper **out) {
  pb_shaper *sh = calloc(1, sizeof *sh);
  *out = NULL;
  if (!sh) goto nomem;
  sh->fs = fs;
  sh->settings = s;
  sh->buf = hb_buffer_create();
  sh->lang = hb_language_from_string(s->lang, -1);
  sh->hyphenator.dict_name = s->hyphen_dict;
  sh->punct.lang = (void *)sh->lang;
  if (!hb_buffer_allocation_successful(sh->buf)) goto nomem;
  *out = sh;
  return PB_OK;
nomem:
  pb_shaper_free(sh);
  pb_diag_add(diags, PB_SEV_ERROR, (pb_pos){0, 0}, "out of memory");
  return PB_ERR_NOMEM;
}

const pb_fontset *pb_shaper_fontset(const pb_shaper *sh) { return sh->fs; }

bool pb_shaper_reported(const pb_shaper *sh) {
  return sh->missing != NULL || (sh->hyphenator.tried && !sh->hyphenator.dict);
}

void pb_shaper_free(pb_shaper *sh) {
  if (!sh) return;
  if (sh->buf) hb_buffer_destroy(sh->buf);
  free(sh->missing);
  pb_punct_cache_free(&sh->punct);
  pb_hyphenator_free(&sh->hyphenator);
  free(sh);
}

void pb_para_free(pb_para *p) {
  free(p->cls);
  free(p->face);
  free(p->glyphs);
  free(p->units);
  free(p->hyphens);
  free(p->orient);
  p->orient = NULL;
  p->cls = NULL;
  p->face = NULL;
  p->glyphs = NULL;
  p->units = NULL;
  p->hyphens = NULL;
  p->nglyphs = p->nunits = p->nhyphens = 0;
  p->glyphs_cap = p->units_cap = p->hyphens_cap = 0;
}

const pb_hyphen_glyph *pb_para_hyphen(const pb_para *p, uint16_t face) {
  for (size_t i = 0; i < p->nhyphens; i++)
    if (p->hyphens[i].face == face) return &p->hyphens[i];
  return NULL;
}

static pb_role pb_role_of(const pb_para *p, size_t i) {
  uint8_t st = p->style ? p->style[i] : 0;
  if (st & PB_STYLE_CODE) return PB_ROLE_CODE;
  if (st & PB_STYLE_STRONG) return PB_ROLE_STRONG;
  if (st & PB_STYLE_EMPH) return PB_ROLE_EMPH;
  return p->role;
}

/* Reports a character no font has, once per document.  sh->missing is a
 * bitset over the code-point range (one bit per code point, made on first
 * use), so reporting many distinct characters stays linear. */
static void pb_report_missing(pb_shaper *sh, const pb_para *p, size_t i) {
  uint32_t cp = p->text[i];
  if (cp > 0x10FFFF) cp = 0xFFFD;
  if (!sh->missing) {
    sh->missing = calloc(0x110000 / 32, sizeof *sh->missing);
    if (!sh->missing) return;
  }
  uint32_t bit = 1u << (cp & 31);
  if (sh->missing[cp >> 5] & bit) return;
  sh->missing[cp >> 5] |= bit;
  pb_diag_add(sh->diags, PB_SEV_WARNING, p->pos ? p->pos[i] : (pb_pos){0, 0},
              "character U+%04X is in no font of the profile; it is drawn as "
              "the missing-glyph box",
              cp);
}

static void pb_classify(pb_shaper *sh, pb_para *p) {
  pb_shared_cursor nb = PB_SHARED_CURSOR_INIT;
  for (size_t i = 0; i < p->len; i++) {
    uint32_t cp = p->text[i];
    bool cjk = pb_is_shared_mark(cp)
                   ? pb_shared_mark_is_cjk_next(&nb, p->text, p->len, i,
                                                p->cjk_text)
                   : p->cjk_text;
    p->cls[i] = pb_char_class(cp, cjk);
  }
  for (size_t i = 0; i < p->len; i++) {
    pb_cclass c = p->cls[i];
    if (c == PB_CC_SPACE) continue;
    pb_script_pref pref = pb_cclass_is_cjk(c) || c == PB_CC_OTHER
                              ? (c == PB_CC_OTHER && !p->cjk_text ? PB_PREF_LATIN
                                                                  : PB_PREF_CJK)
                              : PB_PREF_LATIN;
    pb_role role = pb_face_role(sh->settings, pb_role_of(p, i), pref, p->quotation);
    int fi = pb_fontset_pick(sh->fs, role, pref, p->text[i]);
    if (fi < 0) {
      pb_report_missing(sh, p, i);
      fi = pb_fontset_pick(sh->fs, PB_ROLE_BODY, pref, 0x3002);
      if (fi < 0) fi = pb_fontset_pick(sh->fs, PB_ROLE_BODY, pref, 'a');
      if (fi < 0) fi = 0;
    }
    p->face[i] = (int16_t)fi;
  }
  /* Spaces take the face of a neighbouring letter (so a word space has the
   * Latin font's width), else the Latin body font. */
  for (size_t i = 0; i < p->len; i++) {
    if (p->cls[i] != PB_CC_SPACE) continue;
    int fi = -1;
    if (i > 0 && p->cls[i - 1] != PB_CC_SPACE &&
        pb_face_glyph(pb_fontset_face(sh->fs, (size_t)p->face[i - 1]),
                      p->text[i]))
      fi = p->face[i - 1];
    if (fi < 0 && p->text[i] == 0x3000) /* drawn: a face that has it */
      fi = pb_fontset_pick(sh->fs, pb_role_of(p, i), PB_PREF_CJK, 0x3000);
    if (fi < 0)
      fi = pb_fontset_pick(sh->fs, pb_role_of(p, i), PB_PREF_LATIN, ' ');
    if (fi < 0) fi = 0;
    p->face[i] = (int16_t)fi;
  }
}

/* Glyph positions of a horizontal run (also sideways: rotated, its
 * baseline PB_SIDEWAYS_BASELINE left of the column's centre). */
static void pb_place_h(pb_glyph *g, const hb_glyph_position_t *pos,
                       int64_t size, int sx, bool sideways) {
  g->advance = (pb_len)((pos->x_advance * size + sx / 2) / sx);
  g->x_off = (pb_len)((pos->x_offset * size) / sx);
  g->y_off = (pb_len)((pos->y_offset * size) / sx);
  if (sideways) {
    g->flags |= PB_GLYPH_SIDEWAYS;
    g->y_off -= PB_SIDEWAYS_BASELINE((pb_len)size);
  }
}

/* An upright glyph of a vertical run: HarfBuzz gives offsets from the
 * glyph's horizontal origin; the PDF draws an Identity-V glyph at its
 * vertical origin, so add that origin back.  Down the column is +x. */
static void pb_place_v(pb_glyph *g, hb_font_t *font,
                       const hb_glyph_position_t *pos, int64_t size, int sx) {
  hb_position_t vx = 0, vy = 0;
  hb_font_get_glyph_v_origin(font, g->gid, &vx, &vy);
  g->advance = (pb_len)((-(int64_t)pos->y_advance * size + sx / 2) / sx);
  g->x_off = (pb_len)((-((int64_t)pos->y_offset + vy) * size) / sx);
  g->y_off = (pb_len)((((int64_t)pos->x_offset + vx) * size) / sx);
  g->flags |= PB_GLYPH_VERTICAL;
}

/* A tate-chu-yoko run [g0, g0 + n): side by side, centred across the
 * column, squeezed into one em if wider, on a baseline PB_TCY_BASELINE
 * below the top of its em; one cluster, so one unit. */
static void pb_place_tcy(pb_glyph *g, const hb_glyph_position_t *pos,
                         unsigned n, int64_t size, int sx) {
  int64_t w = 0, pen = 0;
  for (unsigned k = 0; k < n; k++) w += pos[k].x_advance;
  int64_t num = w > sx ? sx : 1, den = w > sx ? w : 1; /* squeeze num/den */
  uint32_t cluster = g[0].cluster;
  for (unsigned k = 0; k < n; k++) {
    int64_t across = (pen + pos[k].x_offset) * num / den - w * num / den / 2;
    g[k].advance = 0;
    g[k].x_off = PB_TCY_BASELINE((pb_len)size) -
                 (pb_len)(pos[k].y_offset * num / den * size / sx);
    g[k].y_off = (pb_len)(across * size / sx);
    g[k].cluster = cluster;
    if (num != den) g[k].size_permille = (uint16_t)(1000 * num / den);
    pen += pos[k].x_advance;
  }
}

static pb_status pb_shape_run(pb_shaper *sh, pb_para *p, size_t start,
                              size_t end) {
  const pb_face *f = pb_fontset_face(sh->fs, (size_t)p->face[start]);
  pb_orient orient = p->orient ? (pb_orient)p->orient[start] : PB_ORIENT_SIDEWAYS;
  hb_buffer_t *buf = sh->buf;
  hb_buffer_clear_contents(buf);
  hb_buffer_add_utf32(buf, p->text, (int)p->len, (unsigned)start,
                      (int)(end - start));
  hb_buffer_set_direction(buf, p->vertical && orient == PB_ORIENT_UPRIGHT
                                   ? HB_DIRECTION_TTB : HB_DIRECTION_LTR);
  hb_buffer_set_language(buf, sh->lang);
  hb_buffer_guess_segment_properties(buf);
  if (!f || !f->hb_font) {
    pb_diag_add(sh->diags, PB_SEV_ERROR, p->pos ? p->pos[start] : (pb_pos){0, 0},
                "font face %d of the profile ('%s') cannot be used for shaping",
                (int)p->face[start], pb_face_family(f));
    return PB_ERR_FONT;
  }
  /* Tate-chu-yoko digits take the font's half-width forms (two fill an em). */
  hb_feature_t hwid = {HB_TAG('h', 'w', 'i', 'd'), 1, 0, (unsigned)-1};
  bool tcy = p->vertical && orient == PB_ORIENT_TCY;
  hb_shape(f->hb_font, buf, tcy ? &hwid : NULL, tcy ? 1 : 0);
  if (!hb_buffer_allocation_successful(buf)) return PB_ERR_NOMEM;
  unsigned n = 0;
  hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &n);
  hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, &n);
  int scale_x = 0, scale_y = 0;
  hb_font_get_scale(f->hb_font, &scale_x, &scale_y);
  if (scale_x <= 0) scale_x = 1000 * 64;
  if (!pb_grow((void **)&p->glyphs, &p->glyphs_cap, p->nglyphs + n,
               sizeof *p->glyphs))
    return PB_ERR_NOMEM;
  int64_t size = p->size;
  pb_glyph *first = &p->glyphs[p->nglyphs];
  for (unsigned k = 0; k < n; k++) {
    pb_glyph *g = &p->glyphs[p->nglyphs++];
    memset(g, 0, sizeof *g);
    g->gid = info[k].codepoint;
    g->face = (uint16_t)p->face[start];
    g->flags = p->cls[info[k].cluster] == PB_CC_SPACE ? 1 : 0;
    g->cluster = info[k].cluster;
    /* Round to the nearest sp; positions are whole numbers from here on. */
    if (!p->vertical || orient == PB_ORIENT_SIDEWAYS)
      pb_place_h(g, &pos[k], size, scale_x, p->vertical);
    else if (orient == PB_ORIENT_UPRIGHT)
      pb_place_v(g, f->hb_font, &pos[k], size, scale_x);
  }
  if (tcy) pb_place_tcy(first, pos, n, size, scale_x);
  /* A footnote reference is a superscript: 0.6 of the size, raised (in a
   * column: moved to the right of the centre line). */
  for (unsigned k = 0; k < n; k++) {
    pb_glyph *g = &first[k];
    if (!p->style || !(p->style[g->cluster] & PB_STYLE_FNREF)) continue;
    g->flags |= PB_GLYPH_SUPERSCRIPT;
    g->advance = PB_SUPERSCRIPT_SCALE(g->advance);
    g->x_off = PB_SUPERSCRIPT_SCALE(g->x_off);
    g->y_off = PB_SUPERSCRIPT_SCALE(g->y_off) + p->size * 38 / 100;
  }
  pb_match_ink(&sh->ink, sh->fs, p, (size_t)(first - p->glyphs), p->nglyphs);
  return PB_OK;
}

/* Groups glyphs into units: a unit ends where the next glyph starts a new
 * cluster. */
static pb_status pb_make_units(pb_para *p) {
  size_t g = 0;
  while (g < p->nglyphs) {
    size_t g1 = g + 1;
    while (g1 < p->nglyphs && p->glyphs[g1].cluster == p->glyphs[g].cluster)
      g1++;
    if (!pb_grow((void **)&p->units, &p->units_cap, p->nunits + 1,
                 sizeof *p->units))
      return PB_ERR_NOMEM;
    pb_unit *u = &p->units[p->nunits++];
    memset(u, 0, sizeof *u);
    u->g0 = (uint32_t)g;
    u->g1 = (uint32_t)g1;
    u->c0 = p->glyphs[g].cluster;
    u->c1 = g1 < p->nglyphs ? p->glyphs[g1].cluster : (uint32_t)p->len;
    for (size_t k = g; k < g1; k++) u->width += p->glyphs[k].advance;
    u->cls = p->cls[u->c0];
    if (p->orient && p->orient[u->c0] == PB_ORIENT_TCY) {
      u->width = p->size; /* one em, set like an ideograph */
      if (p->style && (p->style[u->c0] & PB_STYLE_FNREF))
        u->width = PB_SUPERSCRIPT_SCALE(p->size);
      u->cls = PB_CC_HAN;
    }
    if (u->cls == PB_CC_SPACE) u->flags |= PB_UNIT_SPACE;
    g = g1;
  }
  return PB_OK;
}

/* The hyphen glyph of face fi at the paragraph's size, once per face. */
static pb_status pb_add_hyphen_glyph(pb_shaper *sh, pb_para *p, uint16_t fi) {
  if (pb_para_hyphen(p, fi)) return PB_OK;
  const pb_face *f = pb_fontset_face(sh->fs, fi);
  hb_codepoint_t g = 0;
  int sx = 0, sy = 0;
  if (!f || !f->hb_font || !hb_font_get_nominal_glyph(f->hb_font, '-', &g))
    return PB_OK; /* no hyphen: the point is not used */
  hb_font_get_scale(f->hb_font, &sx, &sy);
  if (sx <= 0) return PB_OK;
  int64_t adv = hb_font_get_glyph_h_advance(f->hb_font, g);
  if (!pb_grow((void **)&p->hyphens, &p->hyphens_cap, p->nhyphens + 1,
               sizeof *p->hyphens))
    return PB_ERR_NOMEM;
  p->hyphens[p->nhyphens++] = (pb_hyphen_glyph){
      .face = fi, .gid = g, .width = (pb_len)((adv * p->size + sx / 2) / sx)};
  return PB_OK;
}

/* What later stages need to know of the glyphs: the blanks of full-width
 * marks (§3), hyphenation points and the hyphen glyphs for them. */
static pb_status pb_glyph_facts(pb_shaper *sh, pb_para *p) {
  pb_status st = PB_OK;
  for (size_t i = 0; st == PB_OK && i < p->nunits; i++)
    if (pb_cclass_is_cjk_punct(p->units[i].cls))
      st = pb_punct_blanks(&sh->punct, sh->fs, sh->settings->punct, p,
                           &p->units[i]);
  return st;
}

pb_status pb_para_hyphen_points(pb_shaper *sh, pb_para *p, pb_diags *diags,
                                bool *added) {
  *added = false;
  if (!sh->settings->hyphenate || p->hyphenated) return PB_OK;
  p->hyphenated = true;
  sh->diags = diags;
  pb_status st = pb_para_hyphenate(&sh->hyphenator, p, diags);
  for (size_t i = 0; st == PB_OK && i < p->nunits; i++)
    if (p->units[i].flags & PB_UNIT_HYPHEN_OK) {
      *added = true;
      st = pb_add_hyphen_glyph(sh, p, (uint16_t)p->face[p->units[i].c0]);
    }
  if (st == PB_ERR_NOMEM)
    pb_diag_add(diags, PB_SEV_ERROR, (pb_pos){0, 0}, "out of memory");
  sh->diags = NULL;
  return st;
}

/* Vertical: each character's orientation; tate-chu-yoko digits take the
 * CJK font (its half-width digits fill an em in pairs). */
static pb_status pb_orient_chars(pb_shaper *sh, pb_para *p) {
  p->orient = malloc(p->len ? p->len : 1);
  if (!p->orient) return PB_ERR_NOMEM;
  pb_mark_orient(p->text, p->cls, p->len, p->tcy_digits, p->orient);
  for (size_t i = 0; i < p->len; i++) {
    if (p->orient[i] != PB_ORIENT_TCY) continue;
    int fi = pb_fontset_pick(sh->fs, pb_role_of(p, i), PB_PREF_CJK, p->text[i]);
    if (fi >= 0) p->face[i] = (int16_t)fi;
  }
  return PB_OK;
}

pb_status pb_para_shape(pb_shaper *sh, pb_para *p, pb_diags *diags) {
  pb_status st = PB_ERR_NOMEM;
  sh->diags = diags;
  p->cls = malloc((p->len ? p->len : 1) * sizeof *p->cls);
  p->face = malloc((p->len ? p->len : 1) * sizeof *p->face);
  if (!p->cls || !p->face) goto done;
  pb_classify(sh, p);
  if (p->vertical) {
    st = pb_orient_chars(sh, p);
    if (st != PB_OK) goto done;
  }
  /* Runs: maximal spans of one face (and one orientation). */
  size_t start = 0;
  for (size_t i = 1; i <= p->len; i++) {
    if (i < p->len && p->face[i] == p->face[start] &&
        (!p->orient || p->orient[i] == p->orient[start]))
      continue;
    st = pb_shape_run(sh, p, start, i);
    if (st != PB_OK) goto done;
    start = i;
  }
  st = pb_make_units(p);
  if (st == PB_OK) st = pb_glyph_facts(sh, p);
done:
  if (st == PB_ERR_NOMEM)
    pb_diag_add(sh->diags, PB_SEV_ERROR, (pb_pos){0, 0}, "out of memory");
  sh->diags = NULL;
  return st;
}
