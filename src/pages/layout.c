/* The laid-out document's containers (include/paiban/layout.h). */
#include "paiban/layout.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

void pb_layout_free(pb_layout *lo) {
  if (!lo) return;
  for (size_t i = 0; i < lo->npages; i++) {
    free(lo->pages[i].glyphs);
    free(lo->pages[i].lines);
    free(lo->pages[i].links);
    free(lo->pages[i].rules);
  }
  free(lo->pages);
  free(lo->text);
  for (size_t i = 0; i < lo->noutline; i++) free(lo->outline[i].title);
  free(lo->outline);
  for (size_t i = 0; i < lo->nlinks; i++) free(lo->links[i]);
  free(lo->links);
  for (size_t i = 0; i < lo->nimages; i++) {
    free(lo->images[i].path);
    free(lo->images[i].alt);
  }
  free(lo->images);
  free(lo->title);
  free(lo->subtitle);
  free(lo->author);
  free(lo->lang);
  free(lo->producer);
  memset(lo, 0, sizeof *lo);
}

pb_page *pb_layout_add_page(pb_layout *lo) {
  if (!pb_grow((void **)&lo->pages, &lo->pages_cap, lo->npages + 1,
               sizeof *lo->pages))
    return NULL;
  pb_page *pg = &lo->pages[lo->npages++];
  memset(pg, 0, sizeof *pg);
  pg->folio = (int)lo->npages;
  return pg;
}

bool pb_page_add_glyph(pb_page *pg, pb_placed_glyph g) {
  if (!pb_grow((void **)&pg->glyphs, &pg->glyphs_cap, pg->nglyphs + 1,
               sizeof g))
    return false;
  pg->glyphs[pg->nglyphs++] = g;
  return true;
}

bool pb_page_add_line(pb_page *pg, pb_placed_line l) {
  if (!pb_grow((void **)&pg->lines, &pg->lines_cap, pg->nlines + 1, sizeof l))
    return false;
  pg->lines[pg->nlines++] = l;
  return true;
}

bool pb_page_add_link(pb_page *pg, pb_link_area a) {
  if (!pb_grow((void **)&pg->links, &pg->links_cap, pg->nlinks + 1, sizeof a))
    return false;
  pg->links[pg->nlinks++] = a;
  return true;
}

bool pb_layout_add_text(pb_layout *lo, const uint32_t *cps, size_t n,
                        uint32_t *off) {
  return pb_text_append(&lo->text, &lo->text_len, &lo->text_cap, cps, n, off);
}

bool pb_page_add_rule(pb_page *pg, pb_rule r) {
  if (!pb_grow((void **)&pg->rules, &pg->rules_cap, pg->nrules + 1, sizeof r))
    return false;
  pg->rules[pg->nrules++] = r;
  return true;
}
