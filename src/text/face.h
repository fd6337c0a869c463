/* The font face behind the opaque pb_face of paiban/font.h: what the
 * shape stage and the PDF backend need of HarfBuzz.  Private
 * to the library.
 *
 * Ownership: the pb_fontset owns every pb_face and everything in it.
 */
#ifndef PB_FACE_H
#define PB_FACE_H

#include "paiban/font.h"

#include <hb.h>

struct pb_face {
  char *family;        /* owned: family name as fontconfig reports it */
  char *file;          /* owned: path of the font file */
  int index;           /* face index in a collection (.ttc) */
  char *ps_name;       /* owned: PostScript name (for /BaseFont) */
  hb_blob_t *blob;     /* the whole font file (referenced) */
  hb_face_t *hb_face;  /* the face inside it */
  hb_font_t *hb_font;  /* HarfBuzz's own OpenType font functions (hmtx,
                          vmtx, VORG: both directions), scale = upem * 64;
                          immutable, so threads may share it */
  unsigned upem;
  bool is_sfnt;        /* the file has a 'head' table */
  bool is_cff;         /* outlines in a 'CFF ' table */
  bool has_glyf;       /* outlines in a 'glyf' table */
  bool cff_cid_keyed;  /* the CFF Top DICT has ROS (Noto CJK) */
  bool is_cjk;         /* covers U+4E00 and U+3002 (a CJK face) */
  /* Metrics in font units, for the PDF FontDescriptor. */
  int ascent, descent, cap_height, x_min, y_min, x_max, y_max;
  double italic_angle;
  bool fixed_pitch, serif, italic;
};

/* Opens every face of fs that is not open yet.  Faces open lazily, on
 * first use, which is not thread-safe: a font set shared by threads (the
 * paragraph prefill, src/galley/prefill.h) is opened whole first. */
void pb_fontset_open_faces(pb_fontset *fs);

#endif
