/* Page furniture set before page building: see furniture.h. */
#include "galley/furniture.h"
#include "base/utf8.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* A running head is one line: no more characters than could fit (at a
 * quarter em each), the rest replaced by an ellipsis — so a 10,000-
 * character title costs no more than a short one.  Width in quarter ems of
 * the head's size (0.8 em): a CJK character takes 4, anything else 2 (a
 * generous Latin average); room is kept for the ellipsis.  Returns a
 * malloc'd copy (NULL when out of memory). */
static char *pb_head_text(const char *head, int measure_em) {
  size_t limit = (size_t)measure_em * 5 - 4, units = 0, cut = 0;
  size_t len = strlen(head);
  for (size_t q = 0; q < len && !cut;) {
    uint32_t cp = 0;
    size_t used = pb_utf8_decode(head + q, len - q, &cp);
    if (!used) break;
    units += pb_is_cjk_char(cp) ? 4 : 2;
    if (units > limit) cut = q;
    q += used;
  }
  if (!cut) return pb_strdup(head);
  char *t = malloc(cut + 4);
  if (!t) return NULL;
  memcpy(t, head, cut);
  memcpy(t + cut, "\xE2\x80\xA6", 4); /* … and the NUL */
  return t;
}

/* Sets one furniture line of text (centred on the measure); *line gets its
 * galley index, or PB_NO_LINE for an empty text. */
static pb_status pb_furniture_line(pb_setter *st, const char *text, pb_len size,
                                   uint16_t kind, bool center, size_t *line) {
  /* Furniture is set horizontally, across the text block, in either
   * writing mode (docs/DESIGN.md §7). */
  pb_line_opts o = {.measure = st->s->block_w, .center = center,
                    .ragged = true, .kind = kind, .horizontal = true,
                    .marker_g0 = PB_NO_GLYPH};
  size_t before = st->gal->nlines;
  *line = PB_NO_LINE;
  pb_status rc = pb_set_utf8(st, text, size, PB_ROLE_BODY, &o, (pb_pos){0, 0});
  if (rc == PB_OK && st->gal->nlines > before) {
    *line = before;
    st->gal->nlines = before + 1; /* one line, the first */
  }
  return rc;
}

/* The running head of a text (title or heading), if it has any. */
static pb_status pb_running_head(pb_setter *st, const char *text, size_t *line) {
  *line = PB_NO_LINE;
  if (!text || !*text) return PB_OK;
  char *head = pb_head_text(text, st->s->measure_em);
  if (!head) {
    pb_diag_add(st->diags, PB_SEV_ERROR, (pb_pos){0, 0}, "out of memory");
    return PB_ERR_NOMEM;
  }
  pb_status rc = pb_furniture_line(st, head, st->s->font_size * 8 / 10,
                                   PB_LINE_RUNNING_HEAD, true, line);
  free(head);
  return rc;
}

static pb_status pb_heads(const pb_doc *doc, pb_setter *st) {
  pb_galley *gal = st->gal;
  pb_status rc = pb_running_head(st, doc->meta.title, &gal->title_head);
  for (size_t b = 0; rc == PB_OK && b < doc->nblocks; b++) {
    if (doc->blocks[b].kind != PB_BLOCK_HEADING) continue;
    char *t = pb_block_utf8(&doc->blocks[b]);
    if (!t) {
      pb_diag_add(st->diags, PB_SEV_ERROR, doc->blocks[b].start, "out of memory");
      return PB_ERR_NOMEM;
    }
    rc = pb_running_head(st, t, &gal->block_head[b]);
    free(t);
  }
  return rc;
}

pb_status pb_galley_set_furniture(const pb_doc *doc, pb_setter *st) {
  pb_galley *gal = st->gal;
  gal->title_head = PB_NO_LINE;
  gal->nblock_head = doc->nblocks;
  gal->block_head = malloc((doc->nblocks ? doc->nblocks : 1) * sizeof *gal->block_head);
  if (!gal->block_head) {
    pb_diag_add(st->diags, PB_SEV_ERROR, (pb_pos){0, 0}, "out of memory");
    return PB_ERR_NOMEM;
  }
  for (size_t b = 0; b < doc->nblocks; b++) gal->block_head[b] = PB_NO_LINE;
  pb_status rc = st->s->running_heads ? pb_heads(doc, st) : PB_OK;
  /* Folio digits: the page builder lays them side by side. */
  for (int d = 0; rc == PB_OK && d < 10; d++) {
    char digit[2] = {(char)('0' + d), 0};
    rc = pb_furniture_line(st, digit, st->s->font_size * 9 / 10, PB_LINE_FOLIO,
                           false, &gal->digit[d]);
  }
  return rc;
}
