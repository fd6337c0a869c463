/* The paragraph cache: see parcache.h. */
#include "galley/parcache.h"
#include "paiban/preload.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

typedef struct pb_parcache_entry {
  uint64_t key[2];
  unsigned gen;                 /* the render that last used it */
  pb_gline *lines;              /* g0/g1, a0/a1, f0/f1 relative */
  size_t nlines;
  pb_placed_glyph *glyphs;      /* text_off relative */
  size_t nglyphs;
  pb_link_area *areas;
  size_t nareas;
  uint16_t *cites;
  size_t ncites;
  uint32_t *text;
  size_t ntext;
  struct pb_parcache_entry *next; /* same bucket */
} pb_parcache_entry;

#define PB_PARCACHE_BUCKETS 4096

static struct {
  bool on;
  unsigned gen;
  size_t hits;
  pb_parcache_entry **bucket; /* PB_PARCACHE_BUCKETS chains */
} pb_pc;

static void pb_entry_free(pb_parcache_entry *e) {
  free(e->lines);
  free(e->glyphs);
  free(e->areas);
  free(e->cites);
  free(e->text);
  free(e);
}

/* Frees every entry (all), or those the current render did not use. */
static void pb_parcache_evict(bool all) {
  for (size_t b = 0; pb_pc.bucket && b < PB_PARCACHE_BUCKETS; b++)
    for (pb_parcache_entry **p = &pb_pc.bucket[b]; *p;) {
      pb_parcache_entry *e = *p;
      if (all || e->gen != pb_pc.gen) {
        *p = e->next;
        pb_entry_free(e);
      } else {
        p = &e->next;
      }
    }
}

pb_status pb_paragraph_cache_enable(void) {
  if (pb_pc.on) return PB_OK;
  pb_pc.bucket = calloc(PB_PARCACHE_BUCKETS, sizeof *pb_pc.bucket);
  if (!pb_pc.bucket) return PB_ERR_NOMEM;
  pb_pc.on = true;
  return PB_OK;
}

void pb_paragraph_cache_disable(void) {
  pb_parcache_evict(true);
  free(pb_pc.bucket);
  pb_pc.bucket = NULL;
  pb_pc.on = false;
}

size_t pb_parcache_hits(void) { return pb_pc.hits; }

void pb_parcache_begin(void) {
  if (!pb_pc.on) return;
  pb_parcache_evict(false);
  pb_pc.gen++;
}

static void pb_hash_opts(XXH3_state_t *h, const pb_line_opts *o) {
  /* Field by field: the struct has padding. */
  pb_len l[5] = {o->measure, o->x, o->indent, o->advance, o->space_before};
  XXH3_128bits_update(h, l, sizeof l);
  uint8_t b[8] = {o->center, o->ragged, o->ragged_right, o->quotation,
                  o->keep_with_next, o->horizontal};
  XXH3_128bits_update(h, b, sizeof b);
  int32_t v[3] = {o->kind, o->heading_level, (int32_t)o->toc_target};
  XXH3_128bits_update(h, v, sizeof v);
}

static void pb_hash_array(XXH3_state_t *h, const void *a, size_t n, size_t size) {
  uint8_t present = a != NULL;
  XXH3_128bits_update(h, &present, 1);
  if (a && n) XXH3_128bits_update(h, a, n * size);
}

bool pb_parcache_lookup(pb_parcache_probe *pr, const pb_setter *st,
                        const pb_text_run *run, pb_len size, pb_role role,
                        const pb_line_opts *o, uint32_t block) {
  const pb_galley *gal = st->gal;
  *pr = (pb_parcache_probe){.lines = gal->nlines, .glyphs = gal->nglyphs,
                            .areas = gal->nareas, .cites = gal->ncites,
                            .text = gal->text_len, .diags = st->diags->count};
  if (!pb_pc.on || st->trace || o->marker_g0 != PB_NO_GLYPH ||
      pb_shaper_reported(st->sh))
    return false;
  XXH3_state_t *h = XXH3_createState();
  if (!h || XXH3_128bits_reset(h) != XXH_OK) {
    XXH3_freeState(h);
    return false;
  }
  const pb_fontset *fs = pb_shaper_fontset(st->sh);
  XXH3_128bits_update(h, &fs, sizeof fs);
  XXH3_128bits_update(h, st->s, sizeof *st->s);
  int64_t sr[3] = {size, role, (int64_t)run->len};
  XXH3_128bits_update(h, sr, sizeof sr);
  pb_hash_opts(h, o);
  pb_hash_array(h, run->text, run->len, sizeof *run->text);
  pb_hash_array(h, run->style, run->len, sizeof *run->style);
  pb_hash_array(h, run->pos, run->len, sizeof *run->pos);
  pb_hash_array(h, run->link, run->len, sizeof *run->link);
  pb_hash_array(h, run->fnref, run->len, sizeof *run->fnref);
  XXH128_hash_t d = XXH3_128bits_digest(h);
  XXH3_freeState(h);
  pr->key[0] = d.low64;
  pr->key[1] = d.high64;
  pr->keep = true;
  pb_parcache_entry *e = pb_pc.bucket[d.low64 % PB_PARCACHE_BUCKETS];
  while (e && (e->key[0] != pr->key[0] || e->key[1] != pr->key[1])) e = e->next;
  if (!e) return false;
  pb_galley *g = st->gal;
  if (!pb_grow((void **)&g->lines, &g->lines_cap, g->nlines + e->nlines, sizeof *g->lines) ||
      !pb_grow((void **)&g->glyphs, &g->glyphs_cap, g->nglyphs + e->nglyphs, sizeof *g->glyphs) ||
      !pb_grow((void **)&g->areas, &g->areas_cap, g->nareas + e->nareas, sizeof *g->areas) ||
      !pb_grow((void **)&g->cites, &g->cites_cap, g->ncites + e->ncites, sizeof *g->cites) ||
      !pb_grow((void **)&g->text, &g->text_cap, g->text_len + e->ntext, sizeof *g->text)) {
    pr->keep = false;
    return false; /* set afresh, which reports the lack of memory */
  }
  for (size_t i = 0; i < e->nlines; i++) {
    pb_gline l = e->lines[i];
    l.g0 += g->nglyphs;
    l.g1 += g->nglyphs;
    l.a0 += g->nareas;
    l.a1 += g->nareas;
    l.f0 += g->ncites;
    l.f1 += g->ncites;
    l.block = block;
    g->lines[g->nlines + i] = l;
  }
  for (size_t i = 0; i < e->nglyphs; i++) {
    pb_placed_glyph pg = e->glyphs[i];
    if (pg.text_len) pg.text_off += (uint32_t)g->text_len;
    g->glyphs[g->nglyphs + i] = pg;
  }
  if (e->nareas) memcpy(g->areas + g->nareas, e->areas, e->nareas * sizeof *e->areas);
  if (e->ncites) memcpy(g->cites + g->ncites, e->cites, e->ncites * sizeof *e->cites);
  if (e->ntext) memcpy(g->text + g->text_len, e->text, e->ntext * sizeof *e->text);
  g->nlines += e->nlines;
  g->nglyphs += e->nglyphs;
  g->nareas += e->nareas;
  g->ncites += e->ncites;
  g->text_len += e->ntext;
  e->gen = pb_pc.gen;
  pr->keep = false;
  pb_pc.hits++;
  return true;
}

/* A copy of n items of a[from...] (NULL when n is 0); false when out of
 * memory. */
static bool pb_copy(void **out, const void *a, size_t from, size_t n, size_t size) {
  *out = NULL;
  if (!n) return true;
  *out = malloc(n * size);
  if (*out) memcpy(*out, (const char *)a + from * size, n * size);
  return *out != NULL;
}

void pb_parcache_store(const pb_parcache_probe *pr, const pb_setter *st,
                       pb_status rc) {
  const pb_galley *g = st->gal;
  if (!pr->keep || rc != PB_OK || st->diags->count != pr->diags ||
      pb_shaper_reported(st->sh) || g->nlines < pr->lines)
    return;
  pb_parcache_entry *e = calloc(1, sizeof *e);
  if (!e) return;
  e->key[0] = pr->key[0];
  e->key[1] = pr->key[1];
  e->gen = pb_pc.gen;
  e->nlines = g->nlines - pr->lines;
  e->nglyphs = g->nglyphs - pr->glyphs;
  e->nareas = g->nareas - pr->areas;
  e->ncites = g->ncites - pr->cites;
  e->ntext = g->text_len - pr->text;
  if (!pb_copy((void **)&e->lines, g->lines, pr->lines, e->nlines, sizeof *e->lines) ||
      !pb_copy((void **)&e->glyphs, g->glyphs, pr->glyphs, e->nglyphs, sizeof *e->glyphs) ||
      !pb_copy((void **)&e->areas, g->areas, pr->areas, e->nareas, sizeof *e->areas) ||
      !pb_copy((void **)&e->cites, g->cites, pr->cites, e->ncites, sizeof *e->cites) ||
      !pb_copy((void **)&e->text, g->text, pr->text, e->ntext, sizeof *e->text)) {
    pb_entry_free(e);
    return;
  }
  for (size_t i = 0; i < e->nlines; i++) {
    pb_gline *l = &e->lines[i];
    l->g0 -= pr->glyphs;
    l->g1 -= pr->glyphs;
    l->a0 -= pr->areas;
    l->a1 -= pr->areas;
    l->f0 -= pr->cites;
    l->f1 -= pr->cites;
  }
  for (size_t i = 0; i < e->nglyphs; i++)
    if (e->glyphs[i].text_len) e->glyphs[i].text_off -= (uint32_t)pr->text;
  pb_parcache_entry **b = &pb_pc.bucket[e->key[0] % PB_PARCACHE_BUCKETS];
  e->next = *b;
  *b = e;
}
