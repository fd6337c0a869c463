/* Block styling: see blocks.h. */
#include "galley/blocks.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pb_block_setter {
  pb_setter set;
  const pb_doc *doc;
  bool after_heading;   /* the previous block was a heading */
  int last_footnote;    /* number of the last footnote block set */
  uint32_t nimages;     /* block images met so far (pb_layout.images) */
} pb_block_setter;

/* The run of len characters of b from start.  An empty block (an empty
 * heading "#") has no arrays at all, and NULL + 0 is undefined in C: an
 * empty run points nowhere. */
static pb_text_run pb_block_run(const pb_block *b, size_t start, size_t len) {
  if (len == 0) return (pb_text_run){.len = 0};
  return (pb_text_run){.text = b->text + start,
                       .style = b->style ? b->style + start : NULL,
                       .pos = b->pos + start,
                       .link = b->link ? b->link + start : NULL,
                       .fnref = b->fnref ? b->fnref + start : NULL,
                       .len = len};
}

/* A run of the whole block. */
static pb_status pb_set_block_text(pb_block_setter *c, size_t bi, pb_len size,
                                   pb_role role, const pb_line_opts *o) {
  const pb_block *b = &c->doc->blocks[bi];
  pb_text_run run = pb_block_run(b, 0, b->len);
  return b->len ? pb_set_text(&c->set, &run, size, role, o, (uint32_t)bi)
                : PB_OK;
}

static pb_status pb_title_block(pb_block_setter *c) {
  const pb_meta *m = &c->doc->meta;
  const pb_settings *s = c->set.s;
  pb_galley *gal = c->set.gal;
  pb_status st = PB_OK;
  pb_line_opts o = {.measure = s->measure, .kind = PB_LINE_TITLE,
                    .center = true, .ragged = true, .keep_with_next = true,
                    .marker_g0 = PB_NO_GLYPH};
  if (m->title) {
    pb_len size = s->font_size * 16 / 10; /* 16.8 pt at 10.5 */
    o.advance = size * 3 / 2;
    st = pb_set_utf8(&c->set, m->title, size, PB_ROLE_STRONG, &o, m->title_pos);
  }
  if (st == PB_OK && m->subtitle) {
    pb_len size = s->font_size * 12 / 10;
    o.advance = size * 3 / 2;
    st = pb_set_utf8(&c->set, m->subtitle, size, PB_ROLE_BODY, &o, (pb_pos){0, 0});
  }
  if (st == PB_OK && m->author) {
    o.advance = s->line_pitch;
    o.space_before = s->line_pitch / 2;
    st = pb_set_utf8(&c->set, m->author, s->font_size, PB_ROLE_BODY, &o,
                     (pb_pos){0, 0});
  }
  /* One blank line between the title block and the text. */
  if (st == PB_OK && gal->nlines) gal->lines[gal->nlines - 1].keep_with_next = true;
  return st;
}

static void pb_list_marker(const pb_block *b, char *buf, size_t size) {
  if (b->list_ordered)
    snprintf(buf, size, "%d.", b->list_number);
  else
    snprintf(buf, size, "\xE2\x80\xA2"); /* • */
}

/* One contents entry: the heading's text without its footnote marks,
 * indented by level; it links to its heading's page (resolved by the page
 * builder). */
static pb_status pb_contents_entry(pb_block_setter *c, size_t bi) {
  const pb_block *b = &c->doc->blocks[bi];
  const pb_settings *s = c->set.s;
  pb_len em = s->font_size;
  int lv = b->level < 1 ? 1 : b->level > 6 ? 6 : b->level;
  pb_len ind = (pb_len)(lv - 1) * 2 * em;
  if (ind > s->measure / 2) ind = s->measure / 2;
  pb_line_opts e = {.measure = s->measure - ind, .x = ind,
                    .advance = s->line_pitch, .kind = PB_LINE_BODY,
                    .ragged = true, .toc_target = (uint32_t)bi + 1,
                    .marker_g0 = PB_NO_GLYPH};
  uint32_t *t = malloc(b->len * sizeof *t);
  pb_pos *tp = malloc(b->len * sizeof *tp);
  pb_status st = PB_ERR_NOMEM;
  size_t n = 0;
  if (!t || !tp) {
    pb_diag_add(c->set.diags, PB_SEV_ERROR, b->start, "out of memory");
    goto done;
  }
  for (size_t k = 0; k < b->len; k++)
    if (!(b->style && (b->style[k] & PB_STYLE_FNREF))) {
      tp[n] = b->pos[k];
      t[n++] = b->text[k];
    }
  pb_text_run run = {.text = t, .pos = tp, .len = n};
  st = n ? pb_set_text(&c->set, &run, em, PB_ROLE_BODY, &e, UINT32_MAX) : PB_OK;
done:
  free(t);
  free(tp);
  return st;
}

/* The ebook's linked table of contents, after the title. */
static pb_status pb_contents(pb_block_setter *c) {
  const pb_doc *doc = c->doc;
  const pb_settings *s = c->set.s;
  size_t nheadings = 0;
  for (size_t i = 0; i < doc->nblocks; i++)
    if (doc->blocks[i].kind == PB_BLOCK_HEADING && doc->blocks[i].len) nheadings++;
  if (!nheadings) return PB_OK;
  const char *label = s->script == PB_TEXT_LATIN  ? "Contents"
                      : s->script == PB_TEXT_HANS ? "\xE7\x9B\xAE\xE5\xBD\x95"  /* 目录 */
                                                  : "\xE7\x9B\xAE\xE9\x8C\x84"; /* 目錄 */
  pb_len em = s->font_size;
  pb_line_opts o = {.measure = s->measure, .advance = em * 2,
                    .space_before = c->set.gal->nlines ? s->line_pitch : 0,
                    .kind = PB_LINE_HEADING, .ragged = true,
                    .keep_with_next = true, .marker_g0 = PB_NO_GLYPH};
  pb_status st = pb_set_utf8(&c->set, label, em * 13 / 10, PB_ROLE_STRONG, &o,
                             (pb_pos){0, 0});
  for (size_t i = 0; st == PB_OK && i < doc->nblocks; i++)
    if (doc->blocks[i].kind == PB_BLOCK_HEADING && doc->blocks[i].len)
      st = pb_contents_entry(c, i);
  return st;
}

static pb_status pb_heading(pb_block_setter *c, size_t bi, pb_line_opts *o,
                            bool first_block) {
  const pb_block *b = &c->doc->blocks[bi];
  const pb_settings *s = c->set.s;
  pb_len em = s->font_size;
  int lv = b->level < 1 ? 1 : b->level > 6 ? 6 : b->level;
  pb_len size = lv == 1 ? em * 3 / 2 : lv == 2 ? em * 13 / 10 : em * 23 / 20;
  o->advance = size * 3 / 2;
  o->space_before = first_block ? 0 : s->line_pitch;
  o->kind = PB_LINE_HEADING;
  o->ragged = true;
  o->center = lv == 1;
  o->keep_with_next = true;
  o->heading_level = lv;
  c->after_heading = true;
  return pb_set_block_text(c, bi, size, PB_ROLE_STRONG, o);
}

/* Code keeps its lines: one ragged paragraph per source line. */
static pb_status pb_code(pb_block_setter *c, size_t bi, pb_line_opts *o) {
  const pb_block *b = &c->doc->blocks[bi];
  pb_len em = c->set.s->font_size;
  o->ragged = true;
  size_t start = 0;
  for (size_t i = 0; i <= b->len; i++) {
    if (i < b->len && b->text[i] != '\n') continue;
    pb_text_run run = pb_block_run(b, start, i - start);
    pb_status st = i > start
                       ? pb_set_text(&c->set, &run, em * 9 / 10, PB_ROLE_CODE,
                                     o, (uint32_t)bi)
                       : pb_set_empty_line(&c->set, o, (uint32_t)bi, b->start);
    if (st != PB_OK) return st;
    o->space_before = 0; /* only above the block */
    start = i + 1;
  }
  c->after_heading = false;
  return PB_OK;
}

/* A footnote's block, at 0.8 of the body size with the number hanging in a
 * 1.5 em inset (before the note's first block only; a list item inside a
 * note gets its own marker).  The page builder puts it at the foot of the
 * page that cites it. */
static pb_status pb_footnote(pb_block_setter *c, size_t bi, pb_line_opts *o,
                             pb_len inset) {
  const pb_block *b = &c->doc->blocks[bi];
  pb_galley *gal = c->set.gal;
  pb_len fs = c->set.s->font_size * 8 / 10;
  o->advance = fs * 3 / 2;
  o->kind = PB_LINE_FOOTNOTE;
  o->x = inset + 3 * fs / 2;
  o->measure = c->set.s->measure - o->x;
  o->ragged = o->ragged_right = c->set.s->ragged_right;
  if (!b->len) return PB_OK;
  char marker[32] = "";
  if (b->footnote_index != c->last_footnote) {
    c->last_footnote = b->footnote_index;
    snprintf(marker, sizeof marker, "%d", b->footnote_index);
  } else if (b->list_item_start) {
    pb_list_marker(b, marker, sizeof marker);
  }
  pb_status st = PB_OK;
  if (*marker) st = pb_set_marker(&c->set, marker, fs, b->start, &o->marker_g0);
  size_t first_line = gal->nlines;
  if (st == PB_OK) st = pb_set_block_text(c, bi, fs, PB_ROLE_BODY, o);
  for (size_t l = first_line; l < gal->nlines; l++)
    gal->lines[l].footnote = b->footnote_index;
  return st;
}

/* Is block b mostly in the other script than the document (an English
 * quotation in a Chinese text, or the reverse)? */
static bool pb_block_other_language(const pb_block *b, const pb_settings *s) {
  size_t han = 0, latin = 0;
  for (size_t i = 0; i < b->len; i++) {
    pb_cclass k = pb_char_class(b->text[i], s->script != PB_TEXT_LATIN);
    if (k == PB_CC_HAN) han++;
    else if (k == PB_CC_LATIN) latin++;
  }
  return s->script == PB_TEXT_LATIN ? han > latin : latin > han;
}

/* The nearest block before bi that is not a footnote, or NULL. */
static const pb_block *pb_prev_text_block(const pb_doc *doc, size_t bi) {
  while (bi-- > 0)
    if (doc->blocks[bi].kind != PB_BLOCK_FOOTNOTE) return &doc->blocks[bi];
  return NULL;
}

/* Quotations and lists (issue 9, the same in print and ebook): half a
 * line of space where a quotation or a list begins or ends, so the
 * paragraph after a list does not read as its last item; a quotation is
 * inset 2 em from the end of the line as well as from its start (down a
 * column: from its foot as well as its head), its Chinese in Kai.  The indent rules are in
 * pb_nesting_indent. */
static void pb_nesting_space(const pb_block_setter *c, size_t bi,
                             pb_line_opts *o) {
  const pb_block *b = &c->doc->blocks[bi], *prev = pb_prev_text_block(c->doc, bi);
  const pb_settings *s = c->set.s;
  pb_len em = s->font_size;
  if (b->quote_depth > 0 && o->measure > 10 * em) o->measure -= 2 * em;
  /* A Chinese quotation is set in Kai, the Chinese book convention
   * (text/emphasis.h). */
  o->quotation = b->quote_depth > 0 && s->script != PB_TEXT_LATIN;
  if (!prev || prev->kind == PB_BLOCK_HEADING) return;
  bool change = prev->quote_depth != b->quote_depth ||
                (prev->list_depth > 0) != (b->list_depth > 0);
  if (change && o->space_before < s->line_pitch / 2)
    o->space_before = s->line_pitch / 2;
}

/* First-line indent inside quotations and lists: none for a quotation in
 * the other language or the first paragraph of an English quotation
 * (clreq-digest §5: the 2-em indent is the Chinese paragraph's); a list
 * item starting with an opening bracket keeps the bracket's ½ em blank
 * (§3 trims it at a line start), so its marker stands as far from the
 * bracket's ink as from a letter. */
static void pb_nesting_indent(const pb_block_setter *c, size_t bi,
                              pb_line_opts *o) {
  const pb_block *b = &c->doc->blocks[bi], *prev = pb_prev_text_block(c->doc, bi);
  const pb_settings *s = c->set.s;
  if (b->quote_depth > 0 &&
      (pb_block_other_language(b, s) ||
       (s->script == PB_TEXT_LATIN && (!prev || prev->quote_depth < b->quote_depth))))
    o->indent = 0;
  if (b->list_item_start && b->len && s->punct != PB_PUNCT_NONE &&
      pb_char_class(b->text[0], s->script != PB_TEXT_LATIN) == PB_CC_OPEN)
    o->indent = s->font_size / 2;
}

/* A paragraph (or a list item's): clreq-digest §5's 2 em indent on every
 * Chinese paragraph; English 1 em, none right after a heading; none for a
 * list item's paragraphs, whose first one hangs its marker. */
static void pb_paragraph_opts(const pb_block_setter *c, size_t bi, pb_line_opts *o) {
  const pb_block *b = &c->doc->blocks[bi];
  const pb_settings *s = c->set.s;
  o->indent = s->indent;
  if (s->script == PB_TEXT_LATIN && c->after_heading) o->indent = 0;
  if (b->list_depth > 0) o->indent = 0;
  pb_nesting_indent(c, bi, o);
  o->ragged = o->ragged_right = s->ragged_right;
}

static pb_status pb_paragraph(pb_block_setter *c, size_t bi, pb_line_opts *o) {
  const pb_block *b = &c->doc->blocks[bi];
  const pb_settings *s = c->set.s;
  if (!b->len && !b->list_item_start) return PB_OK;
  pb_paragraph_opts(c, bi, o);
  c->after_heading = false;
  pb_status st = PB_OK;
  if (b->list_item_start) {
    char marker[32];
    pb_list_marker(b, marker, sizeof marker);
    st = pb_set_marker(&c->set, marker, s->font_size, b->start, &o->marker_g0);
  }
  if (st != PB_OK) return st;
  return b->len ? pb_set_block_text(c, bi, s->font_size, PB_ROLE_BODY, o)
                : pb_set_empty_line(&c->set, o, (uint32_t)bi, b->start);
}

/* A block image: one galley line as tall as the image scaled to the
 * measure, but at most 3/4 of the text block's height (then narrower, and
 * centred), half a line pitch below the line before it; the next line's
 * advance is the space below.  Vertical writing does not draw images yet:
 * the description is set as text. */
static pb_status pb_image(pb_block_setter *c, size_t bi, pb_line_opts *o) {
  const pb_block *b = &c->doc->blocks[bi];
  const pb_settings *s = c->set.s;
  uint32_t index = ++c->nimages;
  if (s->vertical) {
    pb_diag_add(c->set.diags, PB_SEV_WARNING, b->start,
                "images are not drawn in vertical writing yet: '%s' is left "
                "out and its description is set as text",
                b->image);
    return pb_paragraph(c, bi, o);
  }
  c->after_heading = false;
  int64_t w = o->measure, h = w * b->image_h / b->image_w;
  int64_t h_max = (int64_t)s->block_h * 3 / 4;
  if (h > h_max) {
    h = h_max;
    w = h * b->image_w / b->image_h;
  }
  o->x += (o->measure - (pb_len)w) / 2;
  o->measure = (pb_len)w;
  o->advance = (pb_len)h + s->line_pitch / 2;
  o->kind = PB_LINE_IMAGE;
  pb_status st = pb_set_empty_line(&c->set, o, (uint32_t)bi, b->start);
  if (st != PB_OK) return st;
  pb_gline *l = &c->set.gal->lines[c->set.gal->nlines - 1];
  l->image = index;
  l->height = (pb_len)h;
  l->natural = (pb_len)w;
  return PB_OK;
}

/* A block's options before its kind adds its own: the measure less the
 * inset of its quotations and lists. */
static pb_line_opts pb_block_opts(const pb_block_setter *c, size_t bi,
                                  pb_len *inset_out) {
  const pb_block *b = &c->doc->blocks[bi];
  const pb_settings *s = c->set.s;
  pb_len em = s->font_size;
  pb_len inset = (pb_len)(b->quote_depth + b->list_depth) * 2 * em;
  if (inset > s->measure - 8 * em) inset = s->measure - 8 * em;
  if (inset < 0) inset = 0;
  *inset_out = inset;
  return (pb_line_opts){.measure = s->measure - inset, .x = inset,
                        .advance = s->line_pitch, .kind = PB_LINE_BODY,
                        .marker_g0 = PB_NO_GLYPH};
}

bool pb_galley_paragraph_opts(const pb_doc *doc, const pb_settings *s, size_t bi,
                              pb_line_opts *o) {
  const pb_block *b = &doc->blocks[bi];
  if (b->kind != PB_BLOCK_PARAGRAPH || !b->len) return false;
  const pb_block *prev = pb_prev_text_block(doc, bi);
  pb_block_setter c = {.set = {.s = s}, .doc = doc,
                       .after_heading = prev && prev->kind == PB_BLOCK_HEADING};
  pb_len inset;
  *o = pb_block_opts(&c, bi, &inset);
  pb_nesting_space(&c, bi, o);
  pb_paragraph_opts(&c, bi, o);
  return true;
}

static pb_status pb_set_block(pb_block_setter *c, size_t bi) {
  const pb_block *b = &c->doc->blocks[bi];
  const pb_settings *s = c->set.s;
  pb_galley *gal = c->set.gal;
  pb_len em = s->font_size;
  pb_len inset;
  pb_line_opts o = pb_block_opts(c, bi, &inset);
  bool first_block = gal->nlines == 0;
  if (!first_block && gal->lines[gal->nlines - 1].kind == PB_LINE_TITLE)
    o.space_before = s->line_pitch;
  if (b->kind != PB_BLOCK_FOOTNOTE && b->kind != PB_BLOCK_HEADING)
    pb_nesting_space(c, bi, &o);
  switch (b->kind) {
  case PB_BLOCK_HEADING:
    return pb_heading(c, bi, &o, first_block);
  case PB_BLOCK_THEMATIC_BREAK:
    c->after_heading = false;
    o.center = true;
    o.ragged = true;
    o.space_before = s->line_pitch / 2;
    return pb_set_utf8(&c->set, "* * *", em, PB_ROLE_BODY, &o, b->start);
  case PB_BLOCK_CODE:
    return pb_code(c, bi, &o);
  case PB_BLOCK_FOOTNOTE:
    return pb_footnote(c, bi, &o, inset);
  case PB_BLOCK_IMAGE:
    return b->image_format ? pb_image(c, bi, &o) : pb_paragraph(c, bi, &o);
  case PB_BLOCK_PARAGRAPH:
  default:
    return pb_paragraph(c, bi, &o);
  }
}

pb_status pb_galley_set_blocks(const pb_doc *doc, const pb_setter *set) {
  pb_block_setter c = {.set = *set, .doc = doc};
  const pb_settings *s = set->s;
  pb_galley *gal = set->gal;
  pb_diags *diags = set->diags;
  /* Diagnostics about the text name the file the text came from (a derived
   * edition's body is another manuscript's): they are collected apart and
   * joined to diags at the end. */
  pb_diags body;
  pb_diags_init(&body, doc->body_path ? doc->body_path : diags->path);
  pb_status st = pb_title_block(&c);
  if (doc->body_path) c.set.diags = &body;
  if (st == PB_OK && s->profile == PB_PROFILE_EBOOK) st = pb_contents(&c);
  for (size_t i = 0; st == PB_OK && i < doc->nblocks; i++)
    if (doc->blocks[i].kind != PB_BLOCK_FOOTNOTE) st = pb_set_block(&c, i);
  gal->nflow = gal->nlines; /* footnotes follow, out of the flow */
  for (size_t i = 0; st == PB_OK && i < doc->nblocks; i++)
    if (doc->blocks[i].kind == PB_BLOCK_FOOTNOTE) st = pb_set_block(&c, i);
  gal->nnotes = gal->nlines;
  pb_diags_move(diags, &body);
  pb_diags_free(&body);
  return st;
}
