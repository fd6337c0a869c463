/* The typesetting driver (docs/DESIGN.md §1): the galley stage sets every
 * line (src/galley/), then the page builder places them (pagebuild.c).
 * This file only wires the stages and fills the layout's document data. */
#include "galley/blocks.h"
#include "galley/parcache.h"
#include "galley/furniture.h"
#include "galley/prefill.h"
#include "pages/pagebuild.h"
#include "base/util.h"
#include "doc/opencc.h"
#include "text/hyphen.h"
#include "paiban/preload.h"

#include <linebreak.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pb_galley_free(pb_galley *g) {
  free(g->lines);
  free(g->glyphs);
  free(g->areas);
  free(g->cites);
  free(g->text);
  free(g->block_head);
  memset(g, 0, sizeof *g);
}

/* The document's block images, in order (the galley numbers its image
 * lines the same way, src/galley/blocks.c). */
static pb_status pb_layout_images(const pb_doc *doc, pb_layout *out) {
  size_t n = 0;
  for (size_t i = 0; i < doc->nblocks; i++)
    if (doc->blocks[i].kind == PB_BLOCK_IMAGE && doc->blocks[i].image_format) n++;
  if (!n) return PB_OK;
  out->images = calloc(n, sizeof *out->images);
  if (!out->images) return PB_ERR_NOMEM;
  for (size_t i = 0; i < doc->nblocks; i++) {
    const pb_block *b = &doc->blocks[i];
    if (b->kind != PB_BLOCK_IMAGE || !b->image_format) continue;
    pb_layout_image *im = &out->images[out->nimages++];
    *im = (pb_layout_image){.path = pb_strdup(b->image), .format = b->image_format,
                            .px_w = b->image_w, .px_h = b->image_h,
                            .alt = pb_block_utf8(b)};
    if (!im->path || !im->alt) return PB_ERR_NOMEM;
  }
  return PB_OK;
}

/* The layout's page boxes and document information. */
static pb_status pb_layout_frame(const pb_doc *doc, const pb_settings *s,
                                 pb_layout *out, pb_page_frame *fr) {
  /* Print: the media box holds the trim box, the bleed around it and room
   * for crop marks (3 mm off the bleed, 5 mm long). */
  pb_len pad = s->bleed + (s->crop_marks ? PB_MM(9) : 0);
  out->trim_x = out->trim_y = pad;
  out->trim_w = s->paper_w;
  out->trim_h = s->paper_h;
  out->media_w = s->paper_w + 2 * pad;
  out->media_h = s->paper_h + 2 * pad;
  out->bleed = s->bleed;
  out->crop_marks = s->crop_marks;
  out->rgb = s->profile == PB_PROFILE_EBOOK;
  out->date_epoch = s->date_epoch;
  out->vertical = s->vertical;
  pb_len block_left = pad + (s->paper_w - s->block_w) / 2;
  if (s->vertical) /* columns right to left, each an em wide */
    *fr = (pb_page_frame){.origin_x = pad, .origin_y = pad, .vertical = true,
                          .start = pad + s->paper_h - s->margin_top,
                          .top = block_left + s->block_w - s->font_size / 2,
                          .bottom = block_left + s->font_size / 2,
                          .block_left = block_left};
  else
    *fr = (pb_page_frame){.origin_x = pad, .origin_y = pad,
                          .start = block_left,
                          .top = pad + s->paper_h - s->margin_top - s->font_size,
                          .bottom = pad + s->margin_bottom,
                          .block_left = block_left};
  char producer[64];
  snprintf(producer, sizeof producer, "paiban %s", pb_version());
  out->title = pb_strdup(doc->meta.title);
  out->subtitle = pb_strdup(doc->meta.subtitle);
  out->author = pb_strdup(doc->meta.author);
  out->lang = pb_strdup(s->lang);
  out->producer = pb_strdup(producer);
  if ((doc->meta.title && !out->title) || !out->lang || !out->producer)
    return PB_ERR_NOMEM;
  if (pb_layout_images(doc, out) != PB_OK) return PB_ERR_NOMEM;
  if (doc->nlinks) {
    out->links = calloc(doc->nlinks, sizeof *out->links);
    if (!out->links) return PB_ERR_NOMEM;
    out->nlinks = doc->nlinks;
    for (size_t i = 0; i < doc->nlinks; i++)
      if (!(out->links[i] = pb_strdup(doc->links[i]))) return PB_ERR_NOMEM;
  }
  return PB_OK;
}

/* The one switch for every stage's use of the persistent cache by what
 * it loads (paiban/preload.h). */
void pb_preload_use_cache(pb_cache *cache) {
  pb_hyphen_use_cache(cache);
  pb_opencc_use_cache(cache);
}

pb_status pb_typeset(const pb_doc *doc, const pb_settings *s, pb_fontset *fs,
                     pb_layout *out, pb_diags *diags) {
  return pb_typeset_with(doc, s, fs, NULL, out, diags);
}

pb_status pb_typeset_traced(const pb_doc *doc, const pb_settings *s,
                            pb_fontset *fs, const pb_trace *trace,
                            pb_layout *out, pb_diags *diags) {
  pb_typeset_options opt = {.trace = trace};
  return pb_typeset_with(doc, s, fs, &opt, out, diags);
}

pb_status pb_typeset_with(const pb_doc *doc, const pb_settings *s,
                          pb_fontset *fs, const pb_typeset_options *opt,
                          pb_layout *out, pb_diags *diags) {
  pb_galley gal = {0};
  pb_shaper *sh = NULL;
  pb_page_frame fr;
  memset(out, 0, sizeof *out);
  init_linebreak();
  pb_parcache_begin();
  pb_status st = pb_layout_frame(doc, s, out, &fr);
  if (st != PB_OK)
    pb_diag_add(diags, PB_SEV_ERROR, (pb_pos){0, 0}, "out of memory");
  if (st == PB_OK) st = pb_shaper_new(fs, s, diags, &sh);
  /* Other threads shape and break the paragraphs ahead of the galley pass
   * (galley/prefill.h). */
  pb_prefill *pf = st == PB_OK && opt ? pb_prefill_start(doc, s, fs, opt->threads)
                                      : NULL;
  pb_setter set = {.s = s, .sh = sh, .gal = &gal, .diags = diags,
                   .trace = opt ? opt->trace : NULL, .prefill = pf};
  if (st == PB_OK) st = pb_galley_set_blocks(doc, &set);
  pb_prefill_end(pf);
  set.prefill = NULL;
  if (st == PB_OK) st = pb_galley_set_furniture(doc, &set);
  if (st == PB_OK) {
    /* The layout takes the galley's text pool, which its glyphs refer to. */
    out->text = gal.text;
    out->text_len = gal.text_len;
    out->text_cap = gal.text_cap;
    gal.text = NULL;
    st = pb_pages_build(doc, s, &gal, &fr, out, diags);
  }
  pb_galley_free(&gal);
  pb_shaper_free(sh);
  return st;
}
