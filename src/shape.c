/* Itemize and shape (DESIGN.md §1 "itemize/shape"): classify characters,
 * choose a face per character (font.h chains; shared marks by language and
 * neighbours, DESIGN.md §5), shape each run once with HarfBuzz, group glyphs
 * into units (one HarfBuzz cluster each). */
#include "para.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

bool pb_shaper_init(pb_shaper *sh, pb_fontset *fs, const pb_settings *s,
                    pb_diags *diags) {
  memset(sh, 0, sizeof *sh);
  sh->fs = fs;
  sh->settings = s;
  sh->diags = diags;
  sh->buf = hb_buffer_create();
  sh->lang = hb_language_from_string(s->lang, -1);
  return hb_buffer_allocation_successful(sh->buf);
}

void pb_shaper_free(pb_shaper *sh) {
  if (sh->buf) hb_buffer_destroy(sh->buf);
  free(sh->missing);
  free(sh->halt);
  pb_hyphen_free(sh->hyphen);
  memset(sh, 0, sizeof *sh);
}

void pb_para_free(pb_para *p) {
  free(p->cls);
  free(p->face);
  free(p->glyphs);
  free(p->units);
  pb_items_free(&p->items);
  p->cls = NULL;
  p->face = NULL;
  p->glyphs = NULL;
  p->units = NULL;
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
    sh->missing_cap = 0x110000 / 32;
  }
  uint32_t bit = 1u << (cp & 31);
  if (sh->missing[cp >> 5] & bit) return;
  sh->missing[cp >> 5] |= bit;
  sh->nmissing++;
  pb_diag_add(sh->diags, PB_SEV_WARNING, p->pos ? p->pos[i] : (pb_pos){0, 0},
              "character U+%04X is in no font of the profile; it is drawn as "
              "the missing-glyph box",
              cp);
}

/* Shared marks in Chinese text are CJK unless both neighbours are Latin;
 * in Latin text they are Latin unless both neighbours are CJK.  Neighbours
 * skip spaces and other shared marks (DESIGN.md §5, clreq-digest §0).
 * The neighbours are found in one pass over the paragraph: left is carried
 * forward, and the right one found once for a whole run of marks (40,000
 * dashes are looked at once, not once per dash). */
typedef struct pb_neighbours {
  int left;        /* -1 none, 0 latin, 1 cjk */
  size_t right_at; /* the right neighbour's index (len: none) ... */
  int right;       /* ... and its side; valid while right_at > i */
} pb_neighbours;

static bool pb_neighbour_skips(uint32_t c) {
  return c == ' ' || pb_is_shared_mark(c);
}

static int pb_side(uint32_t c) {
  return pb_cclass_is_cjk(pb_char_class(c, true)) ? 1 : 0;
}

static bool pb_shared_is_cjk(const pb_para *p, size_t i, pb_neighbours *nb) {
  if (nb->right_at <= i) {
    size_t k = i + 1;
    while (k < p->len && pb_neighbour_skips(p->text[k])) k++;
    nb->right_at = k;
    nb->right = k < p->len ? pb_side(p->text[k]) : -1;
  }
  int left = nb->left, right = nb->right;
  if (p->cjk_text) return !(left == 0 && right == 0) || (left < 0 && right < 0);
  return left == 1 && right == 1;
}

static void pb_classify(pb_shaper *sh, pb_para *p) {
  pb_neighbours nb = {.left = -1, .right_at = 0, .right = -1};
  for (size_t i = 0; i < p->len; i++) {
    uint32_t cp = p->text[i];
    bool cjk = pb_is_shared_mark(cp) ? pb_shared_is_cjk(p, i, &nb) : p->cjk_text;
    p->cls[i] = pb_char_class(cp, cjk);
    if (!pb_neighbour_skips(cp)) nb.left = pb_side(cp);
  }
  for (size_t i = 0; i < p->len; i++) {
    pb_cclass c = p->cls[i];
    if (c == PB_CC_SPACE) continue;
    pb_script_pref pref = pb_cclass_is_cjk(c) || c == PB_CC_OTHER
                              ? (c == PB_CC_OTHER && !p->cjk_text ? PB_PREF_LATIN
                                                                  : PB_PREF_CJK)
                              : PB_PREF_LATIN;
    int fi = pb_fontset_pick(sh->fs, pb_role_of(p, i), pref, p->text[i]);
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
    if (fi < 0)
      fi = pb_fontset_pick(sh->fs, pb_role_of(p, i), PB_PREF_LATIN, ' ');
    if (fi < 0) fi = 0;
    p->face[i] = (int16_t)fi;
  }
}

static pb_status pb_shape_run(pb_shaper *sh, pb_para *p, size_t start,
                              size_t end) {
  const pb_face *f = pb_fontset_face(sh->fs, (size_t)p->face[start]);
  hb_buffer_t *buf = sh->buf;
  hb_buffer_clear_contents(buf);
  hb_buffer_add_utf32(buf, p->text, (int)p->len, (unsigned)start,
                      (int)(end - start));
  hb_buffer_set_direction(buf, HB_DIRECTION_LTR);
  hb_buffer_set_language(buf, sh->lang);
  hb_buffer_guess_segment_properties(buf);
  if (!f || !f->hb_font) return PB_ERR_INTERNAL;
  hb_shape(f->hb_font, buf, NULL, 0);
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
  for (unsigned k = 0; k < n; k++) {
    pb_glyph *g = &p->glyphs[p->nglyphs++];
    g->gid = info[k].codepoint;
    g->face = (uint16_t)p->face[start];
    g->flags = p->cls[info[k].cluster] == PB_CC_SPACE ? 1 : 0;
    /* Round to the nearest sp; positions are whole numbers from here on. */
    g->advance = (pb_len)((pos[k].x_advance * size + scale_x / 2) / scale_x);
    g->x_off = (pb_len)((pos[k].x_offset * size) / scale_x);
    g->y_off = (pb_len)((pos[k].y_offset * size) / scale_x);
    g->cluster = info[k].cluster;
    if (p->style && (p->style[g->cluster] & PB_STYLE_FNREF)) {
      g->flags |= PB_GLYPH_SUPERSCRIPT;
      g->advance = PB_SUPERSCRIPT_SCALE(g->advance);
      g->x_off = PB_SUPERSCRIPT_SCALE(g->x_off);
      g->y_off = PB_SUPERSCRIPT_SCALE(g->y_off) + p->size * 38 / 100;
    }
  }
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
    if (u->cls == PB_CC_SPACE) u->flags |= PB_UNIT_SPACE;
    g = g1;
  }
  return PB_OK;
}

pb_status pb_para_shape(pb_shaper *sh, pb_para *p) {
  pb_status st = PB_ERR_NOMEM;
  p->cls = malloc((p->len ? p->len : 1) * sizeof *p->cls);
  p->face = malloc((p->len ? p->len : 1) * sizeof *p->face);
  if (!p->cls || !p->face) goto done;
  pb_classify(sh, p);
  /* Runs: maximal spans of one face. */
  size_t start = 0;
  for (size_t i = 1; i <= p->len; i++) {
    if (i < p->len && p->face[i] == p->face[start]) continue;
    st = pb_shape_run(sh, p, start, i);
    if (st != PB_OK) goto done;
    start = i;
  }
  st = pb_make_units(p);
done:
  return st;
}
