/* OpenType table fields HarfBuzz does not expose; see sfnt.h. */
#include "text/sfnt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One table's bytes, borrowed from its blob; len 0 if the face lacks it. */
typedef struct pb_table {
  hb_blob_t *blob;
  const unsigned char *p;
  unsigned len;
} pb_table;

static pb_table pb_table_open(hb_face_t *face, hb_tag_t tag) {
  pb_table t = {hb_face_reference_table(face, tag), NULL, 0};
  t.p = (const unsigned char *)hb_blob_get_data(t.blob, &t.len);
  if (!t.p) t.len = 0;
  return t;
}

static void pb_table_close(pb_table *t) { hb_blob_destroy(t->blob); }

/* Big-endian fields at offset off; 0 past the end of the table. */
static unsigned pb_u16(const pb_table *t, unsigned off) {
  return off + 2 <= t->len ? (unsigned)t->p[off] << 8 | t->p[off + 1] : 0;
}

static int pb_i16(const pb_table *t, unsigned off) {
  return (int)(int16_t)pb_u16(t, off);
}

static uint32_t pb_u32(const pb_table *t, unsigned off) {
  return (uint32_t)pb_u16(t, off) << 16 | pb_u16(t, off + 2);
}

/* ---- CFF: the Top DICT and the charset (glyph id -> CID) ---------- */

/* In a CIDFontType0 with a CID-keyed CFF program, a code (= CID under
 * Identity-H) selects a glyph through the CFF charset (PDF 32000 9.7.4.2),
 * and hb-subset keeps the original CIDs in the subset's charset.  So the
 * codes written are the original CIDs.  Noto CJK's charset is the identity
 * (CID = GID), but other CID-keyed fonts need not be. */

typedef struct pb_cff {
  const uint8_t *p;
  size_t len;
} pb_cff;

static bool pb_cff_u16(const pb_cff *c, size_t off, unsigned *v) {
  if (off + 2 > c->len) return false;
  *v = (unsigned)c->p[off] << 8 | c->p[off + 1];
  return true;
}

/* An INDEX at off: number of items, offset of item 0's data and of the end
 * of the INDEX.  first/last bound item 0 (when count > 0). */
static bool pb_cff_index(const pb_cff *c, size_t off, unsigned *count,
                         size_t *first, size_t *last, size_t *end) {
  unsigned n;
  if (!pb_cff_u16(c, off, &n)) return false;
  *count = n;
  if (n == 0) {
    *first = *last = *end = off + 2;
    return true;
  }
  if (off + 3 > c->len) return false;
  unsigned osz = c->p[off + 2];
  if (osz < 1 || osz > 4) return false;
  size_t arr = off + 3;
  if (arr + (size_t)(n + 1) * osz > c->len) return false;
  /* Offsets are 1-based, relative to the byte before the data. */
  size_t base = arr + (size_t)(n + 1) * osz - 1;
  size_t o[3];
  size_t idx[3] = {0, 1, n};
  for (int k = 0; k < 3; k++) {
    size_t v = 0;
    for (unsigned j = 0; j < osz; j++) v = v << 8 | c->p[arr + idx[k] * osz + j];
    o[k] = base + v;
  }
  if (o[0] > o[1] || o[1] > o[2] || o[2] > c->len) return false;
  *first = o[0];
  *last = o[1];
  *end = o[2];
  return true;
}

/* Reads the Top DICT for the charset (15) and CharStrings (17) offsets and
 * whether ROS (12 30) is present. */
static bool pb_cff_top(const pb_cff *c, size_t a, size_t b, long *charset,
                       long *charstrings, bool *ros) {
  long stack[48];
  int sp = 0;
  *charset = 0;
  *charstrings = -1;
  *ros = false;
  while (a < b) {
    unsigned b0 = c->p[a++];
    if (b0 <= 21) {
      unsigned op = b0;
      if (b0 == 12) {
        if (a >= b) return false;
        op = 1200 + c->p[a++];
      }
      if (op == 15 && sp > 0) *charset = stack[sp - 1];
      if (op == 17 && sp > 0) *charstrings = stack[sp - 1];
      if (op == 1230) *ros = true;
      sp = 0;
      continue;
    }
    long v;
    if (b0 >= 32 && b0 <= 246) {
      v = (long)b0 - 139;
    } else if (b0 >= 247 && b0 <= 250) {
      if (a >= b) return false;
      v = ((long)b0 - 247) * 256 + c->p[a++] + 108;
    } else if (b0 >= 251 && b0 <= 254) {
      if (a >= b) return false;
      v = -((long)b0 - 251) * 256 - c->p[a++] - 108;
    } else if (b0 == 28) {
      if (a + 2 > b) return false;
      v = (int16_t)(c->p[a] << 8 | c->p[a + 1]);
      a += 2;
    } else if (b0 == 29) {
      if (a + 4 > b) return false;
      v = (int32_t)((uint32_t)c->p[a] << 24 | (uint32_t)c->p[a + 1] << 16 |
                    (uint32_t)c->p[a + 2] << 8 | c->p[a + 3]);
      a += 4;
    } else if (b0 == 30) {
      /* A real: nibbles up to the 0xf terminator; its value is unused. */
      v = 0;
      for (;;) {
        if (a >= b) return false;
        unsigned x = c->p[a++];
        if ((x & 0x0F) == 0x0F || (x >> 4) == 0x0F) break;
      }
    } else {
      return false;
    }
    if (sp == 48) return false;
    stack[sp++] = v;
  }
  return true;
}

/* Walks the charset at off (glyphs 1..ncs-1): with map, writes each
 * glyph's CID into it; without, only finds out whether every CID is its
 * glyph id (*identity), which takes one step per range in formats 1 and 2
 * (Noto CJK: one range for 65,535 glyphs).  False if the charset cannot
 * be read. */
static bool pb_cff_charset(const pb_cff *c, size_t off, unsigned ncs,
                           uint16_t *map, bool *identity) {
  if (off >= c->len) return false;
  unsigned fmt = c->p[off++];
  unsigned g = 1;
  *identity = true;
  if (fmt == 0) {
    for (; g < ncs; g++, off += 2) {
      unsigned v;
      if (!pb_cff_u16(c, off, &v)) return false;
      if (map) map[g] = (uint16_t)v;
      if (v != g) *identity = false;
    }
    return true;
  }
  if (fmt != 1 && fmt != 2) return false;
  while (g < ncs) {
    unsigned f, left;
    if (!pb_cff_u16(c, off, &f)) return false;
    off += 2;
    if (fmt == 1) {
      if (off >= c->len) return false;
      left = c->p[off++];
    } else {
      if (!pb_cff_u16(c, off, &left)) return false;
      off += 2;
    }
    if (f != g) *identity = false;
    unsigned n = left + 1 < ncs - g ? left + 1 : ncs - g;
    for (unsigned k = 0; map && k < n; k++) map[g + k] = (uint16_t)(f + k);
    g += n;
  }
  return true;
}

/* The header (major, minor, hdrSize, offSize), the Name INDEX and the
 * first font's Top DICT: its charset and CharStrings offsets and whether
 * it has ROS.  False if they cannot be read. */
static bool pb_cff_top_dict(const pb_cff *c, long *charset, long *charstrings,
                            bool *ros) {
  unsigned cnt;
  size_t first, last, end, top_a, top_b;
  return c->len >= 4 && pb_cff_index(c, c->p[2], &cnt, &first, &last, &end) &&
         pb_cff_index(c, end, &cnt, &top_a, &top_b, &end) && cnt >= 1 &&
         pb_cff_top(c, top_a, top_b, charset, charstrings, ros);
}

int pb_cff_cids(hb_face_t *face, unsigned nglyphs, uint16_t **cid) {
  *cid = NULL;
  hb_blob_t *blob = hb_face_reference_table(face, HB_TAG('C', 'F', 'F', ' '));
  unsigned blen = 0;
  pb_cff c = {(const uint8_t *)hb_blob_get_data(blob, &blen), 0};
  c.len = blen;
  int ok = -1;
  uint16_t *map = NULL;
  unsigned ncs;
  size_t first, last, end;
  long charset, charstrings;
  bool ros, identity;
  if (!pb_cff_top_dict(&c, &charset, &charstrings, &ros)) goto done;
  if (!ros) {
    ok = 0; /* not CID-keyed: codes are glyph ids */
    goto done;
  }
  if (charstrings <= 0 || (size_t)charstrings >= c.len || charset <= 2 ||
      (size_t)charset >= c.len)
    goto done;
  if (!pb_cff_index(&c, (size_t)charstrings, &ncs, &first, &last, &end))
    goto done;
  if (ncs > nglyphs) ncs = nglyphs;
  /* First only whether the map is the identity (then none is needed). */
  if (!pb_cff_charset(&c, (size_t)charset, ncs, NULL, &identity)) goto done;
  ok = 0;
  if (identity) goto done;
  map = malloc((nglyphs ? nglyphs : 1) * sizeof *map);
  if (!map) {
    ok = -2;
    goto done;
  }
  /* Glyphs beyond the charset keep CID = GID (a malformed font). */
  for (unsigned g = 0; g < nglyphs; g++) map[g] = (uint16_t)g;
  pb_cff_charset(&c, (size_t)charset, ncs, map, &identity);
  *cid = map;
  map = NULL;
done:
  free(map);
  hb_blob_destroy(blob);
  return ok;
}

bool pb_cff_is_cid_keyed(const unsigned char *data, unsigned len) {
  pb_cff c = {data, len};
  long charset, charstrings;
  bool ros = false;
  return pb_cff_top_dict(&c, &charset, &charstrings, &ros) && ros;
}

/* ascent/descent as FreeType's sfnt driver sets FT_Face's: hhea, else the
 * OS/2 typographic values, else the Windows ones. */
static void pb_sfnt_vertical(const pb_table *hhea, const pb_table *os2,
                             pb_sfnt_facts *out) {
  out->ascent = pb_i16(hhea, 4);
  out->descent = pb_i16(hhea, 6);
  if ((out->ascent || out->descent) || os2->len < 78) return;
  if (pb_i16(os2, 68) || pb_i16(os2, 70)) {
    out->ascent = pb_i16(os2, 68);
    out->descent = pb_i16(os2, 70);
  } else {
    out->ascent = (int)pb_u16(os2, 74);
    out->descent = -(int)pb_u16(os2, 76);
  }
}

bool pb_sfnt_read(hb_face_t *face, pb_sfnt_facts *out) {
  memset(out, 0, sizeof *out);
  pb_table head = pb_table_open(face, HB_TAG('h', 'e', 'a', 'd'));
  pb_table hhea = pb_table_open(face, HB_TAG('h', 'h', 'e', 'a'));
  pb_table os2 = pb_table_open(face, HB_TAG('O', 'S', '/', '2'));
  pb_table post = pb_table_open(face, HB_TAG('p', 'o', 's', 't'));
  pb_table cff = pb_table_open(face, HB_TAG('C', 'F', 'F', ' '));
  bool ok = head.len >= 54;
  if (ok) {
    out->has_cff = cff.len > 0;
    pb_table glyf = pb_table_open(face, HB_TAG('g', 'l', 'y', 'f'));
    out->has_glyf = glyf.len > 0;
    pb_table_close(&glyf);
    out->cff_cid_keyed = pb_cff_is_cid_keyed(cff.p, cff.len);
    pb_sfnt_vertical(&hhea, &os2, out);
    out->x_min = pb_i16(&head, 36);
    out->y_min = pb_i16(&head, 38);
    out->x_max = pb_i16(&head, 40);
    out->y_max = pb_i16(&head, 42);
    /* OS/2 fsSelection: bit 0 italic, bit 9 oblique; without OS/2 the
     * head table's macStyle bit 1. */
    out->italic = os2.len >= 64 ? (pb_u16(&os2, 62) & (1u | 512u)) != 0
                                : (pb_u16(&head, 44) & 2u) != 0;
    out->cap_height = os2.len >= 90 && pb_u16(&os2, 0) >= 2 ? pb_i16(&os2, 88)
                                                            : out->ascent;
    out->italic_angle = post.len >= 16 ? (double)(int32_t)pb_u32(&post, 4) / 65536.0
                                       : 0.0;
    out->fixed_pitch = post.len >= 16 && pb_u32(&post, 12) != 0;
  }
  pb_table_close(&cff);
  pb_table_close(&post);
  pb_table_close(&os2);
  pb_table_close(&hhea);
  pb_table_close(&head);
  return ok;
}
