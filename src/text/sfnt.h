/* The few facts of an OpenType face that HarfBuzz has no query for, read
 * straight from its tables (docs/DESIGN.md §4).
 *
 * Why not FreeType: opening a face with FT_New_Memory_Face parses and
 * validates the whole cmap and CFF charset up front, about 20 M
 * instructions for each Noto CJK face, half of a warm render of the essay
 * and all of what a batch's parent did before forking (issue 13).
 * HarfBuzz reads tables lazily from the mapped file; what it does not
 * expose (the CFF's CID-keyedness, the raw hhea/head/post/OS/2 fields the
 * PDF FontDescriptor wants) is a handful of big-endian fields, read here
 * with every offset checked against the table's length.  The CFF reader
 * also gives the PDF backend a CID-keyed font's charset.
 *
 * Ownership: nothing is kept; the face is borrowed.
 */
#ifndef PB_SFNT_H
#define PB_SFNT_H

#include <hb.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct pb_sfnt_facts {
  bool has_cff;        /* a 'CFF ' table (OpenType with CFF outlines) */
  bool has_glyf;       /* a 'glyf' table (TrueType outlines) */
  bool cff_cid_keyed;  /* the CFF Top DICT has the ROS operator */
  /* Font units, as FreeType's FT_Face fields would give them. */
  int ascent, descent;           /* hhea (OS/2 typo, then win, if zero) */
  int x_min, y_min, x_max, y_max; /* head's bounding box */
  int cap_height;                /* OS/2 v2+ sCapHeight, else ascent */
  double italic_angle;           /* post, degrees */
  bool fixed_pitch;              /* post.isFixedPitch */
  bool italic;                   /* OS/2 fsSelection bit 0, else head */
} pb_sfnt_facts;

/* Reads face's facts; false if it has no 'head' table (not an sfnt). */
bool pb_sfnt_read(hb_face_t *face, pb_sfnt_facts *out);

/* Is the CFF table in data[0..len) CID-keyed (Top DICT operator 12 30)?
 * Exposed for the unit tests. */
bool pb_cff_is_cid_keyed(const unsigned char *data, unsigned len);

/* The CFF charset of a CID-keyed font as a glyph id -> CID table.  In a
 * CIDFontType0 the code (CID) selects a glyph through the charset, so the
 * content stream must carry CIDs.  Sets *cid to a malloc'd table of nglyphs
 * entries, or NULL when the charset is the identity (Noto CJK) or the font
 * is not CID-keyed.  Returns 0, -1 if the CFF table cannot be read, -2 when
 * out of memory. */
int pb_cff_cids(hb_face_t *face, unsigned nglyphs, uint16_t **cid);


#endif
