/* hb-subset, called one way for both backends (src/backend/font_subset.h). */
#include "backend/font_subset.h"

const char *const pb_subset_layout_tables[] = {
    "GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "COLR", "CPAL",
    "SVG ", "vhea", "vmtx", "VORG", "kern", "DSIG", "morx", "kerx",
    "mort", "feat", "trak", "prop", "EBDT", "EBLC", "EBSC", "CBDT",
    "CBLC", "sbix", "STAT", "meta", "LTSH", "hdmx", "VDMX", "PCLT"};
const size_t pb_subset_nlayout_tables =
    sizeof pb_subset_layout_tables / sizeof *pb_subset_layout_tables;

/* The face's tables, except that its cmap looks empty (see hide_cmap). */
static hb_blob_t *pb_subset_no_cmap(hb_face_t *proxy, hb_tag_t tag,
                                    void *face) {
  (void)proxy;
  if (tag == HB_TAG('c', 'm', 'a', 'p')) return hb_blob_get_empty();
  return hb_face_reference_table(face, tag);
}

hb_subset_plan_t *pb_subset_plan(hb_face_t *face, const pb_subset_spec *spec) {
  hb_subset_input_t *in = hb_subset_input_create_or_fail();
  if (!in) return NULL;
  hb_set_t *glyphs = hb_subset_input_glyph_set(in);
  hb_set_add(glyphs, 0);
  if (spec->glyphs) hb_set_union(glyphs, spec->glyphs);
  if (spec->unicodes)
    hb_set_union(hb_subset_input_unicode_set(in), spec->unicodes);
  hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
  for (size_t i = 0; i < spec->ndrop; i++)
    hb_set_add(drop, hb_tag_from_string(spec->drop_tables[i], 4));
  if (spec->features) {
    hb_set_t *feat = hb_subset_input_set(in, HB_SUBSET_SETS_LAYOUT_FEATURE_TAG);
    hb_set_clear(feat);
    for (size_t i = 0; i < spec->nfeatures; i++)
      hb_set_add(feat, hb_tag_from_string(spec->features[i], 4));
  }
  hb_subset_input_set_flags(in, spec->flags);
  hb_face_t *src = face;
  if (spec->hide_cmap) {
    src = hb_face_create_for_tables(pb_subset_no_cmap, face, NULL);
    hb_face_set_index(src, hb_face_get_index(face));
  }
  hb_subset_plan_t *plan = hb_subset_plan_create_or_fail(src, in);
  /* The plan holds its own reference to the source face. */
  if (src != face) hb_face_destroy(src);
  hb_subset_input_destroy(in);
  return plan;
}
