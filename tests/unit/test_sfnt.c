/* Unit tests for the OpenType table reader (src/text/sfnt.c): hand-made
 * CFF Top DICTs, and every face fontconfig lists checked against what
 * FreeType says of it (the reader replaced FreeType's face open). */
#include "check.h"
#include "text/sfnt.h"

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_CID_H
#include FT_FONT_FORMATS_H
#include FT_TRUETYPE_TABLES_H

/* A CFF: header, Name INDEX with one name "A", Top DICT INDEX with dict. */
static unsigned pb_t_cff(unsigned char *out, const unsigned char *dict,
                         unsigned len) {
  unsigned n = 0;
  const unsigned char head[] = {1, 0, 4, 1, 0, 1, 1, 1, 2, 'A'};
  memcpy(out, head, sizeof head);
  n = sizeof head;
  out[n++] = 0;
  out[n++] = 1;             /* count 1 */
  out[n++] = 1;             /* offSize 1 */
  out[n++] = 1;
  out[n++] = (unsigned char)(len + 1);
  memcpy(out + n, dict, len);
  return n + len;
}

static void test_cff_top_dict(void) {
  unsigned char buf[64];
  /* ROS: 391 392 0 12 30 (SIDs as 2-byte operands 247..254). */
  const unsigned char ros[] = {248, 31, 248, 32, 139, 12, 30};
  CHECK(pb_cff_is_cid_keyed(buf, pb_t_cff(buf, ros, sizeof ros)));
  /* A real (30 ...f), a 5-byte integer, then ROS further on. */
  const unsigned char later[] = {30, 0x12, 0x5f, 29, 0, 0, 1, 0, 17,
                                 139, 139, 139, 12, 30};
  CHECK(pb_cff_is_cid_keyed(buf, pb_t_cff(buf, later, sizeof later)));
  /* A name-keyed font: FontBBox and CharStrings, no ROS. */
  const unsigned char named[] = {139, 139, 139, 139, 5, 28, 1, 0, 17};
  CHECK(!pb_cff_is_cid_keyed(buf, pb_t_cff(buf, named, sizeof named)));
  /* 12 30 hidden in an operand is not an operator. */
  const unsigned char operand[] = {28, 12, 30, 17};
  CHECK(!pb_cff_is_cid_keyed(buf, pb_t_cff(buf, operand, sizeof operand)));
  /* Truncated and hostile data is refused, never read past. */
  unsigned n = pb_t_cff(buf, ros, sizeof ros);
  for (unsigned cut = 0; cut < n - 2; cut++) CHECK(!pb_cff_is_cid_keyed(buf, cut));
  buf[12] = 9; /* offSize 9 */
  CHECK(!pb_cff_is_cid_keyed(buf, n));
  CHECK(!pb_cff_is_cid_keyed(NULL, 0));
}

/* The reader against FreeType on one face; returns false if FreeType
 * cannot read it as an sfnt. */
static bool pb_t_against_freetype(FT_Library ft, const char *file, int index) {
  FT_Face face;
  if (FT_New_Face(ft, file, index, &face)) return false;
  const char *fmt = FT_Get_Font_Format(face);
  bool sfnt = FT_IS_SFNT(face) && fmt &&
              (strcmp(fmt, "TrueType") == 0 || strcmp(fmt, "CFF") == 0);
  hb_blob_t *blob = sfnt ? hb_blob_create_from_file_or_fail(file) : NULL;
  hb_face_t *hb = blob ? hb_face_create(blob, (unsigned)index) : NULL;
  pb_sfnt_facts f;
  if (hb && pb_sfnt_read(hb, &f) && (f.has_cff || f.has_glyf)) {
    int bad = 0; /* one check per face; each difference is printed */
#define SAME(a, b)                                                           \
  if ((long long)(a) != (long long)(b)) {                                    \
    bad++;                                                                   \
    fprintf(stderr, "%s: %s = %lld, FreeType %lld\n", file, #a,              \
            (long long)(a), (long long)(b));                                 \
  }
    SAME(f.has_cff, strcmp(fmt, "CFF") == 0);
    SAME(f.ascent, face->ascender);
    SAME(f.descent, face->descender);
    SAME(f.x_min, face->bbox.xMin);
    SAME(f.y_min, face->bbox.yMin);
    SAME(f.x_max, face->bbox.xMax);
    SAME(f.y_max, face->bbox.yMax);
    SAME(f.italic, (face->style_flags & FT_STYLE_FLAG_ITALIC) != 0);
    SAME(f.fixed_pitch, FT_IS_FIXED_WIDTH(face) != 0);
    TT_OS2 *os2 = FT_Get_Sfnt_Table(face, FT_SFNT_OS2);
    SAME(f.cap_height, os2 && os2->version >= 2 ? os2->sCapHeight : face->ascender);
    TT_Postscript *post = FT_Get_Sfnt_Table(face, FT_SFNT_POST);
    SAME(f.italic_angle * 65536.0, post ? (double)post->italicAngle : 0.0);
    FT_Bool cid = 0;
    if (f.has_cff && FT_Get_CID_Is_Internally_CID_Keyed(face, &cid) == 0)
      SAME(f.cff_cid_keyed, cid != 0);
#undef SAME
    CHECK(bad == 0);
  } else {
    sfnt = false;
  }
  if (hb) hb_face_destroy(hb);
  if (blob) hb_blob_destroy(blob);
  FT_Done_Face(face);
  return sfnt;
}

/* Every OpenType and TrueType face installed (the CJK faces of the
 * profiles among them). */
static void test_installed_faces(void) {
  FT_Library ft;
  if (FT_Init_FreeType(&ft)) {
    CHECK(!"FreeType initialises");
    return;
  }
  FcPattern *pat = FcPatternCreate();
  FcObjectSet *os = FcObjectSetBuild(FC_FILE, FC_INDEX, NULL);
  FcFontSet *set = FcFontList(NULL, pat, os);
  int checked = 0, cjk = 0;
  for (int i = 0; set && i < set->nfont && checked < 400; i++) {
    FcChar8 *file = NULL;
    int index = 0;
    if (FcPatternGetString(set->fonts[i], FC_FILE, 0, &file) != FcResultMatch) continue;
    FcPatternGetInteger(set->fonts[i], FC_INDEX, 0, &index);
    if (index >> 16) continue; /* named instances of variable fonts */
    if (pb_t_against_freetype(ft, (const char *)file, index)) {
      checked++;
      if (strstr((const char *)file, "CJK")) cjk++;
    }
  }
  CHECK(checked > 0);
  CHECK(cjk > 0);
  if (set) FcFontSetDestroy(set);
  FcObjectSetDestroy(os);
  FcPatternDestroy(pat);
  FT_Done_FreeType(ft);
}

int main(void) {
  test_cff_top_dict();
  test_installed_faces();
  CHECK_DONE("sfnt");
}
