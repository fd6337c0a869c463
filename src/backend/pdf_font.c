/* The PDF backend's CID fonts: Type0 + CIDFont + FontDescriptor + embedded
 * hb-subset subset + /W + ToUnicode, built with libharu's object API
 * (src/backend/pdf_font.h, docs/DESIGN.md §8, docs/pdf-fonts.md). */
#include "backend/pdf_font.h"
#include "backend/font_subset.h"
#include "text/sfnt.h"
#include "base/cache.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hb-subset.h>
#include <libdeflate.h>
#include <pthread.h>
#include <hb.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>

/* ---------------------------------------------------------------------- */
/* Buffers and numbers                                                    */

static bool pb_pdfbuf_reserve(pb_pdfbuf *b, size_t n) {
  if (b->oom) return false;
  if (b->cap - b->len >= n) return true;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap - b->len < n) {
    if (cap > SIZE_MAX / 2) {
      b->oom = true;
      return false;
    }
    cap *= 2;
  }
  char *p = realloc(b->data, cap);
  if (!p) {
    b->oom = true;
    return false;
  }
  b->data = p;
  b->cap = cap;
  return true;
}

void pb_pdfbuf_free(pb_pdfbuf *b) {
  free(b->data);
  memset(b, 0, sizeof *b);
}

void pb_pdfbuf_put(pb_pdfbuf *b, const char *s, size_t n) {
  if (!pb_pdfbuf_reserve(b, n)) return;
  memcpy(b->data + b->len, s, n);
  b->len += n;
}

void pb_pdfbuf_puts(pb_pdfbuf *b, const char *s) { pb_pdfbuf_put(b, s, strlen(s)); }

void pb_pdfbuf_int(pb_pdfbuf *b, int64_t v) {
  char tmp[24];
  size_t i = sizeof tmp;
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do {
    tmp[--i] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) tmp[--i] = '-';
  pb_pdfbuf_put(b, tmp + i, sizeof tmp - i);
}

void pb_pdfbuf_milli(pb_pdfbuf *b, int64_t v) {
  /* Integer arithmetic only: printf("%.3f") would depend on LC_NUMERIC. */
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  uint64_t ip = u / 1000, fp = u % 1000;
  if (v < 0) pb_pdfbuf_put(b, "-", 1);
  pb_pdfbuf_int(b, (int64_t)ip);
  if (fp) {
    char d[4] = {'.', (char)('0' + fp / 100), (char)('0' + fp / 10 % 10),
                 (char)('0' + fp % 10)};
    size_t n = 4;
    while (d[n - 1] == '0') n--;
    pb_pdfbuf_put(b, d, n);
  }
}

void pb_pdfbuf_hex4(pb_pdfbuf *b, unsigned v) {
  static const char hx[] = "0123456789ABCDEF";
  char d[4] = {hx[(v >> 12) & 15], hx[(v >> 8) & 15], hx[(v >> 4) & 15],
               hx[v & 15]};
  pb_pdfbuf_put(b, d, 4);
}

int64_t pb_pdf_round_div(int64_t num, int64_t den) {
  if (num >= 0) return (num + den / 2) / den;
  return -((-num + den / 2) / den);
}

size_t pb_pdf_utf16_hex(const uint32_t *cps, size_t n, char *out) {
  static const char hx[] = "0123456789ABCDEF";
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t c = cps[i];
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) c = 0xFFFD;
    uint32_t units[2];
    int nu = 1;
    if (c >= 0x10000) {
      /* UTF-16 surrogate pair: 10 high bits, then 10 low bits. */
      c -= 0x10000;
      units[0] = 0xD800 | (c >> 10);
      units[1] = 0xDC00 | (c & 0x3FF);
      nu = 2;
    } else {
      units[0] = c;
    }
    for (int u = 0; u < nu; u++)
      for (int s = 12; s >= 0; s -= 4) out[k++] = hx[(units[u] >> s) & 15];
  }
  out[k] = '\0';
  return k;
}

void pb_pdf_subset_tag(const char *ps_name, const uint16_t *codes, size_t n,
                       char out[7]) {
  /* FNV-1a, 64-bit. */
  uint64_t h = 0xcbf29ce484222325u;
  for (const char *p = ps_name ? ps_name : ""; *p; p++) {
    h ^= (unsigned char)*p;
    h *= 0x100000001b3u;
  }
  for (size_t i = 0; i < n; i++) {
    h ^= codes[i] & 0xFF;
    h *= 0x100000001b3u;
    h ^= codes[i] >> 8;
    h *= 0x100000001b3u;
  }
  for (int i = 0; i < 6; i++) {
    out[i] = (char)('A' + h % 26);
    h /= 26;
  }
  out[6] = '\0';
}

/* ---------------------------------------------------------------------- */
/* Fonts                                                                  */

typedef struct pb_gid_info {
  int32_t width;      /* advance along the line, 1/1000 em (a vertical
                         font's: downward, positive) */
  int32_t vx, vy;     /* a vertical font's glyph origin (/W2), 1/1000 em */
  uint32_t text_off;  /* cluster text for ToUnicode (first one wins) */
  uint32_t text_len;  /* 0 = none yet */
  bool used;
  bool weak_text;     /* text from a cluster of several glyphs */
} pb_gid_info;

typedef enum pb_font_kind {
  PB_KIND_GLYF = 0,   /* TrueType outlines: CIDFontType2 + FontFile2 */
  PB_KIND_CFF_CID,    /* CID-keyed CFF: CIDFontType0 + CIDFontType0C */
  PB_KIND_CFF_NAME,   /* name-keyed CFF: same, glyph ids retained */
} pb_font_kind;

typedef struct pb_pdf_font {
  const pb_face *face;
  size_t index;        /* in the fontset */
  bool vertical;       /* Identity-V with /W2 (upright glyphs in columns) */
  unsigned nglyphs;
  int xscale;          /* hb_font scale: advances are in these units */
  pb_font_kind kind;
  pb_gid_info *gi[256]; /* per glyph id, in pages of 256 made on first use
                           (pb_gi_make): a CJK face has 65,535 glyphs and a
                           book uses a few thousand; a whole array was
                           1.5 MB of fresh pages per face and render */
  uint16_t *cid;       /* gid -> code, NULL = identity */
  uint16_t *used;      /* used glyph ids in order of first use */
  size_t nused, used_cap;
  HPDF_Dict type0;
} pb_pdf_font;

static const pb_gid_info pb_gi_none;

/* The entry of glyph gid (all zero when none was made). */
static const pb_gid_info *pb_gi_at(const pb_pdf_font *f, uint32_t gid) {
  const pb_gid_info *page = gid < 65536 ? f->gi[gid >> 8] : NULL;
  return page ? &page[gid & 255] : &pb_gi_none;
}

/* The entry of glyph gid, made if needed; NULL when out of memory. */
static pb_gid_info *pb_gi_make(pb_pdf_font *f, uint32_t gid) {
  if (gid >= 65536) return NULL;
  pb_gid_info **page = &f->gi[gid >> 8];
  if (!*page) *page = calloc(256, sizeof **page);
  return *page ? &(*page)[gid & 255] : NULL;
}

static void pb_gi_free(pb_pdf_font *f) {
  for (size_t i = 0; i < 256; i++) free(f->gi[i]);
}

struct pb_pdf_fonts {
  HPDF_Doc pdf;
  const pb_fontset *fs;
  const pb_layout *lo;
  bool compress;
  pb_cache *cache;                       /* borrowed; NULL: none */
  int threads;                           /* 0: one per core */
  struct libdeflate_compressor *deflater; /* owned */
  struct libdeflate_decompressor *inflater; /* owned: made on the first
                                                cache hit (pb_pf_deflate_cached) */
  pb_diags *diags;
  const char *path;
  size_t nfaces;
  pb_pdf_font **by_face;  /* 2 * nfaces entries: [2 * face + vertical],
                             NULL = unused */
  pb_pdf_font **order;    /* used fonts in order of first use */
  size_t norder;
};

static const pb_pos pb_nopos = {0, 0};

static pb_status pb_pf_nomem(pb_pdf_fonts *pf) {
  pb_diag_add_at(pf->diags, PB_SEV_ERROR, pf->path, pb_nopos,
                 "cannot write PDF: out of memory");
  return PB_ERR_NOMEM;
}

/* A failed libharu call: its error code is in the document. */
static pb_status pb_pf_hpdf(pb_pdf_fonts *pf) {
  HPDF_STATUS e = HPDF_GetError(pf->pdf);
  if (e == HPDF_FAILD_TO_ALLOC_MEM) return pb_pf_nomem(pf);
  pb_diag_add_at(pf->diags, PB_SEV_ERROR, pf->path, pb_nopos,
                 "cannot write PDF: libharu error 0x%04X (detail %u)",
                 (unsigned)e, (unsigned)HPDF_GetErrorDetail(pf->pdf));
  return PB_ERR_INTERNAL;
}

pb_pdf_fonts *pb_pdf_fonts_new(HPDF_Doc pdf, const pb_fontset *fs,
                               const pb_layout *lo, bool compress,
                               pb_cache *cache, pb_diags *diags,
                               const char *path) {
  pb_pdf_fonts *pf = calloc(1, sizeof *pf);
  if (!pf) return NULL;
  pf->cache = cache;
  /* Level 9 of libdeflate: smaller than zlib's best, about as fast as
   * zlib's default. */
  pf->deflater = libdeflate_alloc_compressor(9);
  if (!pf->deflater) {
    free(pf);
    return NULL;
  }
  pf->pdf = pdf;
  pf->fs = fs;
  pf->lo = lo;
  pf->compress = compress;
  pf->diags = diags;
  pf->path = path;
  pf->nfaces = fs ? pb_fontset_face_count(fs) : 0;
  if (pf->nfaces) {
    pf->by_face = calloc(2 * pf->nfaces, sizeof *pf->by_face);
    pf->order = calloc(2 * pf->nfaces, sizeof *pf->order);
    if (!pf->by_face || !pf->order) {
      pb_pdf_fonts_free(pf);
      return NULL;
    }
  }
  return pf;
}

void pb_pdf_fonts_free(pb_pdf_fonts *pf) {
  if (!pf) return;
  for (size_t i = 0; i < pf->norder; i++) {
    pb_gi_free(pf->order[i]);
    free(pf->order[i]->cid);
    free(pf->order[i]->used);
    free(pf->order[i]);
  }
  free(pf->by_face);
  free(pf->order);
  if (pf->deflater) libdeflate_free_compressor(pf->deflater);
  if (pf->inflater) libdeflate_free_decompressor(pf->inflater);
  free(pf);
}

/* A new indirect dictionary.  libharu: an object must be registered in the
 * xref before it is put into a dict or array, or it is copied in as a
 * direct object (and freed with its parent). */
static HPDF_Dict pb_pf_dict(pb_pdf_fonts *pf) {
  HPDF_Dict d = HPDF_Dict_New(pf->pdf->mmgr);
  if (!d) return NULL;
  /* HPDF_Xref_Add frees the object itself when it fails. */
  if (HPDF_Xref_Add(pf->pdf->xref, d) != HPDF_OK) return NULL;
  return d;
}

/* A stream object holding data.  HPDF_DictStream_New registers itself in
 * the xref; HPDF_SetCompressionMode covers only libharu's own streams, so
 * the Flate filter is set here. */
static HPDF_Dict pb_pf_stream_raw(pb_pdf_fonts *pf, const void *data,
                                   size_t len) {
  if (len > 0xFFFFFFFFu) return NULL;
  HPDF_Dict d = HPDF_DictStream_New(pf->pdf->mmgr, pf->pdf->xref);
  if (!d) return NULL;
  if (len && HPDF_Stream_Write(d->stream, (const HPDF_BYTE *)data,
                               (HPDF_UINT)len) != HPDF_OK)
    return NULL;
  return d;
}

static bool pb_zdeflate(struct libdeflate_compressor *z, const void *data,
                        size_t len, uint8_t **out, size_t *out_len);

/* libharu rebuilds a stream's /Filter from its own filter flags (and
 * compresses the stream then); a stream compressed here has no flag and
 * names its filter in the dictionary's write hook, called after the other
 * entries. */
static HPDF_STATUS pb_pf_name_flate(HPDF_Dict d, HPDF_Stream out) {
  (void)d;
  return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

void pb_pdf_mark_deflated(HPDF_Dict d) { d->write_fn = pb_pf_name_flate; }

/* Whether z (zlen bytes) inflates to exactly data (len bytes). */
static bool pb_inflates_to(pb_pdf_fonts *pf, const uint8_t *z, size_t zlen,
                           const void *data, size_t len) {
  if (!pf->inflater) pf->inflater = libdeflate_alloc_decompressor();
  uint8_t *buf = malloc(len ? len : 1);
  size_t got = 0;
  bool same = pf->inflater && buf &&
              libdeflate_zlib_decompress(pf->inflater, z, zlen, buf, len, &got) ==
                  LIBDEFLATE_SUCCESS &&
              got == len && memcmp(buf, data, len) == 0;
  free(buf);
  return same;
}

/* data deflated (*out malloc'd): from the persistent cache when it holds
 * these very bytes deflated — checked by inflating them, so a damaged or
 * colliding entry is never used — else deflated now and kept there.  A
 * font's ToUnicode CMap and CIDToGIDMap come out the same for the print
 * and ebook editions and for every render of a manuscript, and deflating
 * them at level 9 was a tenth of a warm render (2 M instructions); a small
 * stream is not worth the cache's file.  False when out of memory. */
static bool pb_pf_deflate_cached(pb_pdf_fonts *pf, const void *data, size_t len,
                                 uint8_t **out, size_t *out_len) {
  char hex[33] = "";
  pb_cache_key k;
  if (pf->cache && len >= 1024 && pb_cache_key_init(&k, "pdf-deflated-stream")) {
    int32_t level = 9;
    pb_cache_key_add(&k, &level, sizeof level);
    pb_cache_key_add_str(&k, LIBDEFLATE_VERSION_STRING);
    pb_cache_key_add(&k, data, len);
    pb_cache_key_done(&k, hex);
  }
  void *hit = NULL;
  size_t hit_len = 0;
  if (hex[0] && pb_cache_get(pf->cache, hex, &hit, &hit_len)) {
    if (pb_inflates_to(pf, hit, hit_len, data, len)) {
      *out = hit;
      *out_len = hit_len;
      return true;
    }
    free(hit);
  }
  if (!pb_zdeflate(pf->deflater, data, len, out, out_len)) return false;
  if (hex[0]) pb_cache_put(pf->cache, hex, *out, *out_len);
  return true;
}

/* A stream of data, Flate-compressed here (not by libharu) when the
 * document is compressed. */
static HPDF_Dict pb_pf_stream(pb_pdf_fonts *pf, const void *data, size_t len) {
  if (!pf->compress) return pb_pf_stream_raw(pf, data, len);
  uint8_t *z = NULL;
  size_t zlen = 0;
  HPDF_Dict d = pb_pf_deflate_cached(pf, data, len, &z, &zlen)
                    ? pb_pf_stream_raw(pf, z, zlen)
                    : NULL;
  free(z);
  if (d) pb_pdf_mark_deflated(d);
  return d;
}

static pb_pdf_font *pb_pf_open(pb_pdf_fonts *pf, size_t fi, bool vertical,
                               pb_status *st) {
  const pb_face *face = pb_fontset_face(pf->fs, fi);
  if (!face || !face->hb_face || !face->hb_font) {
    pb_diag_add_at(pf->diags, PB_SEV_ERROR, pf->path, pb_nopos,
                   "cannot write PDF: font %zu is not loaded", fi);
    *st = PB_ERR_INTERNAL;
    return NULL;
  }
  pb_pdf_font *f = calloc(1, sizeof *f);
  if (!f) {
    *st = pb_pf_nomem(pf);
    return NULL;
  }
  f->face = face;
  f->index = fi;
  f->vertical = vertical;
  f->nglyphs = hb_face_get_glyph_count(face->hb_face);
  int ys = 0;
  /* Advances come in the font's scale (upem * 64: 26.6 font units). */
  hb_font_get_scale(face->hb_font, &f->xscale, &ys);
  if (f->xscale <= 0) f->xscale = (int)(face->upem ? face->upem : 1000);
  f->kind = !face->is_cff          ? PB_KIND_GLYF
            : face->cff_cid_keyed ? PB_KIND_CFF_CID
                                  : PB_KIND_CFF_NAME;
  int r = 0;
  if (f->kind == PB_KIND_CFF_CID)
    r = pb_cff_cids(face->hb_face, f->nglyphs, &f->cid);
  if (r == -1) {
    pb_diag_add_at(pf->diags, PB_SEV_ERROR, pf->path, pb_nopos,
                   "cannot embed font %s: cannot read its CFF table",
                   face->ps_name ? face->ps_name : "?");
    *st = PB_ERR_FONT;
  } else if (r == -2) {
    *st = pb_pf_nomem(pf);
  } else {
    /* The Type0 dict exists from the first use so pages can name it; the
     * rest of the font is built after the last page. */
    HPDF_STATUS hs = HPDF_OK;
    f->type0 = pb_pf_dict(pf);
    if (f->type0) {
      hs |= HPDF_Dict_AddName(f->type0, "Type", "Font");
      hs |= HPDF_Dict_AddName(f->type0, "Subtype", "Type0");
      hs |= HPDF_Dict_AddName(f->type0, "Encoding",
                              vertical ? "Identity-V" : "Identity-H");
    }
    if (f->type0 && hs == HPDF_OK) return f;
    *st = pb_pf_hpdf(pf);
  }
  free(f->cid);
  free(f);
  return NULL;
}

pb_status pb_pdf_fonts_use(pb_pdf_fonts *pf, const pb_placed_glyph *g,
                           bool sole, pb_pdf_glyph *out) {
  if (g->face >= pf->nfaces) {
    pb_diag_add_at(pf->diags, PB_SEV_ERROR, pf->path, pb_nopos,
                   "cannot write PDF: glyph refers to font %u of %zu",
                   (unsigned)g->face, pf->nfaces);
    return PB_ERR_INTERNAL;
  }
  bool vertical = (g->flags & PB_GLYPH_VERTICAL) != 0;
  size_t slot = 2 * (size_t)g->face + vertical;
  pb_pdf_font *f = pf->by_face[slot];
  if (!f) {
    pb_status st = PB_OK;
    f = pb_pf_open(pf, g->face, vertical, &st);
    if (!f) return st;
    pf->by_face[slot] = f;
    pf->order[pf->norder++] = f;
  }
  if (g->gid >= f->nglyphs || g->gid > 0xFFFF) {
    pb_diag_add_at(pf->diags, PB_SEV_ERROR, pf->path, pb_nopos,
                   "cannot write PDF: glyph %u is not in font %s (%u glyphs)",
                   (unsigned)g->gid, f->face->ps_name ? f->face->ps_name : "?",
                   f->nglyphs);
    return PB_ERR_INTERNAL;
  }
  if (g->text_len && (uint64_t)g->text_off + g->text_len > pf->lo->text_len) {
    pb_diag_add_at(pf->diags, PB_SEV_ERROR, pf->path, pb_nopos,
                   "cannot write PDF: glyph text %u+%u outside the text pool",
                   (unsigned)g->text_off, (unsigned)g->text_len);
    return PB_ERR_INTERNAL;
  }
  pb_gid_info *gi = pb_gi_make(f, g->gid);
  if (!gi) return pb_pf_nomem(pf);
  if (!gi->used) {
    if (f->nused == f->used_cap) {
      size_t cap = f->used_cap ? 2 * f->used_cap : 256;
      uint16_t *p = realloc(f->used, cap * sizeof *p);
      if (!p) return pb_pf_nomem(pf);
      f->used = p;
      f->used_cap = cap;
    }
    f->used[f->nused++] = (uint16_t)g->gid;
    gi->used = true;
    hb_font_t *hf = f->face->hb_font;
    if (f->vertical) {
      /* The vertical advance (HarfBuzz: negative, downward) and origin,
       * exactly as /W2 will say (docs/pdf-fonts.md). */
      hb_position_t vx = 0, vy = 0;
      hb_font_get_glyph_v_origin(hf, g->gid, &vx, &vy);
      gi->width = (int32_t)pb_pdf_round_div(
          -(int64_t)hb_font_get_glyph_v_advance(hf, g->gid) * 1000, f->xscale);
      gi->vx = (int32_t)pb_pdf_round_div((int64_t)vx * 1000, f->xscale);
      gi->vy = (int32_t)pb_pdf_round_div((int64_t)vy * 1000, f->xscale);
    } else {
      hb_position_t adv = hb_font_get_glyph_h_advance(hf, g->gid);
      gi->width = (int32_t)pb_pdf_round_div((int64_t)adv * 1000, f->xscale);
    }
  }
  /* ToUnicode maps a glyph to one text: the first cluster text seen for it
   * wins, except that text from a cluster the glyph makes alone (a letter,
   * an ideograph, a ligature) replaces text from a cluster of several
   * glyphs (an "e" carrying "é" with a separate accent glyph), so one such
   * cluster does not change every other "e".  Glyphs that continue a
   * cluster (text_len 0) may still get text later. */
  if (g->text_len && (!gi->text_len || (gi->weak_text && sole))) {
    gi->text_off = g->text_off;
    gi->text_len = g->text_len;
    gi->weak_text = !sole;
  }
  out->font = f->type0;
  out->key = f;
  out->code = f->cid ? f->cid[g->gid] : (uint16_t)g->gid;
  out->width = gi->width;
  return PB_OK;
}

/* One used glyph, sorted by code for /W, ToUnicode and CIDToGIDMap. */
typedef struct pb_used {
  uint16_t code;
  uint16_t gid;
} pb_used;

static int pb_used_cmp(const void *a, const void *b) {
  const pb_used *x = a, *y = b;
  if (x->code != y->code) return (x->code > y->code) - (x->code < y->code);
  return (x->gid > y->gid) - (x->gid < y->gid);
}

/* A PDF name from a PostScript name: printable ASCII without delimiters,
 * at most 100 bytes (names are limited to 127). */
static void pb_pf_psname(const pb_face *face, size_t fi, char *out, size_t cap) {
  size_t k = 0;
  for (const char *p = face->ps_name ? face->ps_name : ""; *p && k + 1 < cap;
       p++) {
    unsigned char ch = (unsigned char)*p;
    if (ch > 32 && ch < 127 && !strchr("()<>[]{}/%#", ch)) out[k++] = (char)ch;
  }
  if (k == 0) k = (size_t)snprintf(out, cap, "Font%zu", fi);
  out[k < cap ? k : cap - 1] = '\0';
}

/* Flags for the FontDescriptor (PDF 32000 Table 123).  Symbolic, not
 * Nonsymbolic: the glyphs are addressed by CID, outside any standard Latin
 * encoding. */
static int pb_pf_flags(const pb_face *face) {
  int fl = 4;
  if (face->fixed_pitch) fl |= 1;
  if (face->serif) fl |= 2;
  if (face->italic) fl |= 64;
  return fl;
}

/* StemV is only used by viewers that substitute a font; estimate it from
 * the OS/2 weight class (400 -> 88, 700 -> 166), 80 when unknown. */
static int pb_pf_stemv(const pb_face *face) {
  hb_blob_t *os2 = hb_face_reference_table(face->hb_face, HB_TAG('O', 'S', '/', '2'));
  unsigned len = 0;
  const uint8_t *p = (const uint8_t *)hb_blob_get_data(os2, &len);
  int stemv = 80;
  if (len >= 6) {
    unsigned wc = (unsigned)p[4] << 8 | p[5];
    if (wc >= 100 && wc <= 1000) stemv = 50 + (int)((wc / 65.0) * (wc / 65.0));
  }
  hb_blob_destroy(os2);
  return stemv;
}

static int32_t pb_pf_em(const pb_face *face, int v) {
  unsigned upem = face->upem ? face->upem : 1000;
  return (int32_t)pb_pdf_round_div((int64_t)v * 1000, upem);
}

/* /W: "c [w1 w2 ...]" for runs of consecutive codes; glyphs as wide as /DW
 * (1000, every ideograph) need no entry, and /W is left out when none has
 * one.  libharu arrays hold at most
 * 32,767 elements, so runs are split, and a font whose runs would not fit
 * gets one dense range (unused codes are never drawn). */
#define PB_W_MAX 32000
static HPDF_STATUS pb_pf_widths(pb_pdf_fonts *pf, const pb_pdf_font *f,
                                const pb_used *u, size_t n, HPDF_Array w) {
  HPDF_MMgr mm = pf->pdf->mmgr;
  size_t runs = 0;
  for (size_t i = 0; i < n; i++) {
    if (pb_gi_at(f, u[i].gid)->width == 1000) continue;
    if (i == 0 || u[i].code != u[i - 1].code + 1 ||
        pb_gi_at(f, u[i - 1].gid)->width == 1000)
      runs++;
  }
  HPDF_STATUS hs = HPDF_OK;
  if (runs * 2 <= PB_W_MAX) {
    HPDF_Array sub = NULL;
    size_t sublen = 0;
    for (size_t i = 0; i < n && hs == HPDF_OK; i++) {
      int32_t wd = pb_gi_at(f, u[i].gid)->width;
      if (wd == 1000) {
        sub = NULL;
        continue;
      }
      if (!sub || u[i].code != u[i - 1].code + 1 || sublen == PB_W_MAX) {
        hs |= HPDF_Array_AddNumber(w, u[i].code);
        sub = HPDF_Array_New(mm);
        hs |= HPDF_Array_Add(w, sub); /* frees nothing on NULL: error set */
        if (hs != HPDF_OK) break;
        sublen = 0;
      }
      hs |= HPDF_Array_AddNumber(sub, wd);
      sublen++;
    }
    return hs;
  }
  unsigned lo = u[0].code, hi = u[n - 1].code;
  size_t i = 0;
  for (unsigned c = lo; c <= hi && hs == HPDF_OK; c += PB_W_MAX) {
    HPDF_Array sub = HPDF_Array_New(mm);
    hs |= HPDF_Array_AddNumber(w, (HPDF_INT32)c);
    hs |= HPDF_Array_Add(w, sub);
    if (hs != HPDF_OK) break;
    for (unsigned k = c; k <= hi && k < c + PB_W_MAX && hs == HPDF_OK; k++) {
      int32_t wd = 1000;
      if (i < n && u[i].code == k) wd = pb_gi_at(f, u[i++].gid)->width;
      hs |= HPDF_Array_AddNumber(sub, wd);
    }
  }
  return hs;
}

/* /W2 of a vertical font (PDF 32000 9.7.4.3): for runs of consecutive
 * codes "c [w1y vx vy ...]", every used glyph, so nothing depends on the
 * horizontal widths; runs stay under libharu's array limit. */
static HPDF_STATUS pb_pf_vwidths(pb_pdf_fonts *pf, const pb_pdf_font *f,
                                 const pb_used *u, size_t n, HPDF_Array w2) {
  HPDF_MMgr mm = pf->pdf->mmgr;
  HPDF_STATUS hs = HPDF_OK;
  HPDF_Array sub = NULL;
  size_t sublen = 0;
  for (size_t i = 0; i < n && hs == HPDF_OK; i++) {
    const pb_gid_info *gi = pb_gi_at(f, u[i].gid);
    if (!sub || u[i].code != u[i - 1].code + 1 || sublen + 3 > PB_W_MAX) {
      hs |= HPDF_Array_AddNumber(w2, u[i].code);
      sub = HPDF_Array_New(mm);
      hs |= HPDF_Array_Add(w2, sub);
      if (hs != HPDF_OK) break;
      sublen = 0;
    }
    hs |= HPDF_Array_AddNumber(sub, -gi->width);
    hs |= HPDF_Array_AddNumber(sub, gi->vx);
    hs |= HPDF_Array_AddNumber(sub, gi->vy);
    sublen += 3;
  }
  return hs;
}

/* The ToUnicode CMap (PDF 32000 9.10.3): one bfchar entry per code with
 * text, in code order, at most 100 per block. */
static void pb_pf_tounicode(const pb_pdf_fonts *pf, const pb_pdf_font *f,
                            const pb_used *u, size_t n, pb_pdfbuf *b) {
  pb_pdfbuf_puts(b,
                 "/CIDInit /ProcSet findresource begin\n"
                 "12 dict begin\n"
                 "begincmap\n"
                 "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
                 "/Supplement 0 >> def\n"
                 "/CMapName /Adobe-Identity-UCS def\n"
                 "/CMapType 2 def\n"
                 "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
  size_t total = 0;
  for (size_t i = 0; i < n; i++)
    if (pb_gi_at(f, u[i].gid)->text_len) total++;
  /* A destination string holds at most 512 bytes: 64 characters. */
  enum { MAXC = 64 };
  char hex[8 * MAXC + 1];
  size_t done = 0;
  for (size_t i = 0; i < n; i++) {
    const pb_gid_info *gi = pb_gi_at(f, u[i].gid);
    if (!gi->text_len) continue;
    if (done % 100 == 0) {
      size_t blk = total - done < 100 ? total - done : 100;
      pb_pdfbuf_int(b, (int64_t)blk);
      pb_pdfbuf_puts(b, " beginbfchar\n");
    }
    size_t len = gi->text_len < MAXC ? gi->text_len : MAXC;
    size_t hl = pb_pdf_utf16_hex(pf->lo->text + gi->text_off, len, hex);
    pb_pdfbuf_put(b, "<", 1);
    pb_pdfbuf_hex4(b, u[i].code);
    pb_pdfbuf_put(b, "> <", 3);
    pb_pdfbuf_put(b, hex, hl);
    pb_pdfbuf_put(b, ">\n", 2);
    done++;
    if (done % 100 == 0 || done == total) pb_pdfbuf_puts(b, "endbfchar\n");
  }
  pb_pdfbuf_puts(b,
                 "endcmap\n"
                 "CMapName currentdict /CMap defineresource pop\n"
                 "end\nend\n");
}

/* Subsets the face to the used glyphs (+ .notdef).  Layout tables go: the
 * PDF draws positioned glyphs, and keeping GSUB would pull every glyph a
 * substitution can reach into the subset.  For CFF only the CFF table is
 * embedded, so everything else goes too, and the cmap is hidden from
 * hb-subset (src/backend/font_subset.h). */
static hb_subset_plan_t *pb_pf_plan(const pb_pdf_font *f, const pb_used *u,
                                    size_t n) {
  hb_set_t *glyphs = hb_set_create();
  for (size_t i = 0; i < n; i++) hb_set_add(glyphs, u[i].gid);
  static const char *const cff_extra[] = {"cmap", "hmtx", "hhea", "name",
                                          "post", "OS/2", "gasp"};
  const char *drop[sizeof cff_extra / sizeof *cff_extra + 64];
  size_t ndrop = 0;
  for (size_t i = 0; i < pb_subset_nlayout_tables && ndrop < 64; i++)
    drop[ndrop++] = pb_subset_layout_tables[i];
  if (f->kind != PB_KIND_GLYF)
    for (size_t i = 0; i < sizeof cff_extra / sizeof *cff_extra; i++)
      drop[ndrop++] = cff_extra[i];
  unsigned flags = HB_SUBSET_FLAGS_DEFAULT;
  /* Desubroutinized CFF subsets of Noto CJK are smaller after Flate (the
   * essay's 480 ideographs: 171 KB against 197 KB; 8,000: 2.70 MB against
   * 2.85 MB) and take a fifth of the time to make. */
  if (f->kind != PB_KIND_GLYF) flags |= HB_SUBSET_FLAGS_DESUBROUTINIZE;
  /* Name-keyed CFF in a CIDFontType0: CIDs are used directly as glyph
   * indices, and a remapped subset drew wrong glyphs in poppler, mupdf and
   * Ghostscript: keep the glyph ids. */
  if (f->kind == PB_KIND_CFF_NAME) flags |= HB_SUBSET_FLAGS_RETAIN_GIDS;
  /* Draw .notdef as the font's box when the layout uses it. */
  if (pb_gi_at(f, 0)->used) flags |= HB_SUBSET_FLAGS_NOTDEF_OUTLINE;
  pb_subset_spec spec = {.glyphs = glyphs, .drop_tables = drop,
                         .ndrop = ndrop, .flags = flags,
                         .hide_cmap = f->kind != PB_KIND_GLYF};
  hb_subset_plan_t *plan = hb_set_allocation_successful(glyphs)
                               ? pb_subset_plan(f->face->hb_face, &spec)
                               : NULL;
  hb_set_destroy(glyphs);
  return plan;
}

/* A font program ready to embed: its bytes (zlib/Flate-compressed when
 * deflated), its decoded length, and for glyf fonts the subset's glyph id
 * of every used glyph in code order (for the CIDToGIDMap). */
typedef struct pb_program {
  uint8_t *data;        /* owned */
  size_t len, raw_len;
  bool deflated;
  uint32_t *new_gid;    /* owned; glyf fonts: n entries */
} pb_program;

static void pb_program_free(pb_program *p) {
  free(p->data);
  free(p->new_gid);
  memset(p, 0, sizeof *p);
}

/* Compresses data into a new malloc'd zlib stream (libdeflate: faster than
 * zlib at the same level, and smaller).  False when out of memory. */
static bool pb_zdeflate(struct libdeflate_compressor *z, const void *data,
                        size_t len, uint8_t **out, size_t *out_len) {
  size_t bound = libdeflate_zlib_compress_bound(z, len);
  uint8_t *buf = malloc(bound ? bound : 1);
  *out = buf;
  if (!buf) return false;
  *out_len = libdeflate_zlib_compress(z, data, len, buf, bound);
  return *out_len > 0;
}

bool pb_pdf_fonts_compressing(const pb_pdf_fonts *pf) { return pf->compress; }


/* Everything the subset of f over u[0..n) depends on, as a cache key:
 * the font file's identity, the face, the glyphs, the options and the
 * HarfBuzz version that subsets. */
static bool pb_pf_program_key(const pb_pdf_fonts *pf, const pb_pdf_font *f,
                              const pb_used *u, size_t n, char hex[33]) {
  pb_cache_key k;
  bool ok = pb_cache_key_init(&k, "pdf-font-program") &&
            pb_cache_key_add_file(&k, f->face->file);
  int32_t v[5] = {f->face->index, (int32_t)f->kind, pf->compress,
                  pb_gi_at(f, 0)->used, (int32_t)n};
  pb_cache_key_add(&k, v, sizeof v);
  pb_cache_key_add_str(&k, hb_version_string());
  for (size_t i = 0; ok && i < n; i++) pb_cache_key_add(&k, &u[i], sizeof u[i]);
  pb_cache_key_done(&k, hex);
  return ok && hex[0];
}

/* A cached program: 3 little-endian uint32 (raw length, data length,
 * glyph-map length), the data, the map.  False for anything else. */
static bool pb_program_parse(const uint8_t *p, size_t len, size_t n,
                             pb_program *out) {
  if (len < 12) return false;
  uint32_t h[3];
  for (int i = 0; i < 3; i++) h[i] = pb_get_le32(p + 4 * i);
  if ((h[2] != 0 && h[2] != n) || 12 + (uint64_t)h[1] + 4 * (uint64_t)h[2] != len)
    return false;
  out->data = malloc(h[1] ? h[1] : 1);
  out->new_gid = h[2] ? malloc(h[2] * sizeof *out->new_gid) : NULL;
  if (!out->data || (h[2] && !out->new_gid)) return false;
  memcpy(out->data, p + 12, h[1]);
  for (uint32_t i = 0; i < h[2]; i++) memcpy(&out->new_gid[i], p + 12 + h[1] + 4 * i, 4);
  out->len = h[1];
  out->raw_len = h[0];
  return true;
}

static void pb_program_store(const pb_pdf_fonts *pf, const char *hex,
                             const pb_program *prog, size_t n) {
  size_t nmap = prog->new_gid ? n : 0;
  size_t len = 12 + prog->len + 4 * nmap;
  uint8_t *b = malloc(len);
  if (!b) return;
  uint32_t h[3] = {(uint32_t)prog->raw_len, (uint32_t)prog->len, (uint32_t)nmap};
  for (int i = 0; i < 3; i++) pb_put_le32(b + 4 * i, h[i]);
  memcpy(b + 12, prog->data, prog->len);
  for (size_t i = 0; i < nmap; i++) memcpy(b + 12 + prog->len + 4 * i, &prog->new_gid[i], 4);
  pb_cache_put(pf->cache, hex, b, len);
  free(b);
}

/* Subsets f to u[0..n) with hb-subset: the whole sfnt for glyf
 * (FontFile2), the bare CFF table for CFF (FontFile3 /CIDFontType0C; never
 * FontFile3 /OpenType, which poppler does not draw with a remapped CFF). */
static pb_status pb_pf_subset(const pb_pdf_fonts *pf, const pb_pdf_font *f,
                              const pb_used *u, size_t n,
                              struct libdeflate_compressor *z, pb_program *out) {
  pb_status st = PB_OK;
  hb_subset_plan_t *plan = n ? pb_pf_plan(f, u, n) : NULL;
  hb_face_t *sub = plan ? hb_subset_plan_execute_or_fail(plan) : NULL;
  hb_blob_t *blob = !sub                      ? NULL
                    : f->kind == PB_KIND_GLYF ? hb_face_reference_blob(sub)
                    : hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' '));
  unsigned plen = 0;
  const char *pdata = blob ? hb_blob_get_data(blob, &plen) : NULL;
  if (!pdata || plen == 0) {
    st = PB_ERR_FONT;
    goto done;
  }
  out->raw_len = plen;
  out->deflated = pf->compress;
  bool ok = pf->compress ? pb_zdeflate(z, pdata, plen, &out->data, &out->len)
                         : (out->data = malloc(plen)) != NULL;
  if (ok && !pf->compress) memcpy(out->data, pdata, out->len = plen);
  if (ok && f->kind == PB_KIND_GLYF) {
    const hb_map_t *o2n = hb_subset_plan_old_to_new_glyph_mapping(plan);
    ok = (out->new_gid = malloc(n * sizeof *out->new_gid)) != NULL;
    for (size_t i = 0; ok && i < n; i++) {
      hb_codepoint_t ng = hb_map_get(o2n, u[i].gid);
      out->new_gid[i] = ng == HB_MAP_VALUE_INVALID ? 0 : ng;
    }
  }
  if (!ok) st = PB_ERR_NOMEM;
done:
  hb_blob_destroy(blob);
  hb_face_destroy(sub);
  hb_subset_plan_destroy(plan);
  return st;
}

/* The program of f: from the cache when it has it, else subset (and
 * compressed) now and cached.  Safe to run for different fonts at once
 * (each with its own compressor): it touches no libharu object and
 * reports no diagnostic (the status says what failed). */
static pb_status pb_pf_program(const pb_pdf_fonts *pf, const pb_pdf_font *f,
                               const pb_used *u, size_t n,
                               struct libdeflate_compressor *z, pb_program *out) {
  char hex[33] = "";
  bool keyed = pf->cache && pb_pf_program_key(pf, f, u, n, hex);
  void *data = NULL;
  size_t len = 0;
  if (keyed && pb_cache_get(pf->cache, hex, &data, &len)) {
    bool ok = pb_program_parse(data, len, f->kind == PB_KIND_GLYF ? n : 0, out);
    free(data);
    if (ok) {
      out->deflated = pf->compress;
      return PB_OK;
    }
    pb_program_free(out);
  }
  pb_status st = pb_pf_subset(pf, f, u, n, z, out);
  if (st == PB_OK && keyed) pb_program_store(pf, hex, out, n);
  return st;
}

/* The font program's stream, with the Flate filter named when its bytes
 * are compressed already. */
static HPDF_Dict pb_pf_stream_prog(pb_pdf_fonts *pf, const pb_program *p) {
  HPDF_Dict d = pb_pf_stream_raw(pf, p->data, p->len);
  if (d && p->deflated) pb_pdf_mark_deflated(d);
  return d;
}

/* The FontDescriptor of face, naming base and embedding file. */
static HPDF_STATUS pb_pf_descriptor(pb_pdf_fonts *pf, const pb_pdf_font *f,
                                    const char *base, HPDF_Dict desc,
                                    HPDF_Dict file) {
  const pb_face *face = f->face;
  HPDF_STATUS hs = HPDF_OK;
  hs |= HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
  hs |= HPDF_Dict_AddName(desc, "FontName", base);
  hs |= HPDF_Dict_AddNumber(desc, "Flags", pb_pf_flags(face));
  HPDF_Array bbox = HPDF_Array_New(pf->pdf->mmgr);
  hs |= HPDF_Dict_Add(desc, "FontBBox", bbox);
  if (hs != HPDF_OK) return hs;
  hs |= HPDF_Array_AddNumber(bbox, pb_pf_em(face, face->x_min));
  hs |= HPDF_Array_AddNumber(bbox, pb_pf_em(face, face->y_min));
  hs |= HPDF_Array_AddNumber(bbox, pb_pf_em(face, face->x_max));
  hs |= HPDF_Array_AddNumber(bbox, pb_pf_em(face, face->y_max));
  /* ItalicAngle in whole degrees keeps libharu's float formatting exact. */
  hs |= HPDF_Dict_AddNumber(desc, "ItalicAngle",
                            (HPDF_INT32)(face->italic_angle < 0
                                             ? face->italic_angle - 0.5
                                             : face->italic_angle + 0.5));
  hs |= HPDF_Dict_AddNumber(desc, "Ascent", pb_pf_em(face, face->ascent));
  hs |= HPDF_Dict_AddNumber(desc, "Descent", pb_pf_em(face, face->descent));
  hs |= HPDF_Dict_AddNumber(
      desc, "CapHeight",
      pb_pf_em(face, face->cap_height ? face->cap_height : face->ascent));
  hs |= HPDF_Dict_AddNumber(desc, "StemV", pb_pf_stemv(face));
  hs |= HPDF_Dict_Add(desc, f->kind == PB_KIND_GLYF ? "FontFile2" : "FontFile3",
                      file);
  return hs;
}

/* The CIDFont: system info, descriptor, widths (/W, or /DW2 + /W2). */
static HPDF_STATUS pb_pf_cidfont(pb_pdf_fonts *pf, const pb_pdf_font *f,
                                 const char *base, const pb_used *u, size_t n,
                                 HPDF_Dict cid, HPDF_Dict desc) {
  HPDF_MMgr mm = pf->pdf->mmgr;
  HPDF_STATUS hs = HPDF_OK;
  hs |= HPDF_Dict_AddName(cid, "Type", "Font");
  hs |= HPDF_Dict_AddName(cid, "Subtype", f->kind == PB_KIND_GLYF
                                              ? "CIDFontType2"
                                              : "CIDFontType0");
  hs |= HPDF_Dict_AddName(cid, "BaseFont", base);
  HPDF_Dict csi = HPDF_Dict_New(mm);
  hs |= HPDF_Dict_Add(cid, "CIDSystemInfo", csi);
  if (hs != HPDF_OK) return hs;
  hs |= HPDF_Dict_Add(csi, "Registry", HPDF_String_New(mm, "Adobe", NULL));
  hs |= HPDF_Dict_Add(csi, "Ordering", HPDF_String_New(mm, "Identity", NULL));
  hs |= HPDF_Dict_AddNumber(csi, "Supplement", 0);
  hs |= HPDF_Dict_Add(cid, "FontDescriptor", desc);
  hs |= HPDF_Dict_AddNumber(cid, "DW", 1000);
  bool narrow = false;
  for (size_t i = 0; i < n && !narrow && !f->vertical; i++)
    narrow = pb_gi_at(f, u[i].gid)->width != 1000;
  if (f->vertical) {
    HPDF_Array dw2 = HPDF_Array_New(mm), w2 = HPDF_Array_New(mm);
    hs |= HPDF_Dict_Add(cid, "DW2", dw2);
    hs |= HPDF_Dict_Add(cid, "W2", w2);
    if (hs != HPDF_OK) return hs;
    hs |= HPDF_Array_AddNumber(dw2, 880);
    hs |= HPDF_Array_AddNumber(dw2, -1000);
    hs |= pb_pf_vwidths(pf, f, u, n, w2);
  } else if (narrow) {
    HPDF_Array w = HPDF_Array_New(mm);
    hs |= HPDF_Dict_Add(cid, "W", w);
    if (hs != HPDF_OK) return hs;
    hs |= pb_pf_widths(pf, f, u, n, w);
  }
  return hs;
}

/* CIDToGIDMap of a glyf font: 2 bytes per CID (= original gid), the
 * subset's gid. */
static pb_status pb_pf_cidtogid(pb_pdf_fonts *pf, const pb_used *u, size_t n,
                                const uint32_t *new_gid, HPDF_Dict cid) {
  size_t ncodes = (size_t)u[n - 1].code + 1;
  uint8_t *map = calloc(ncodes, 2);
  if (!map) return pb_pf_nomem(pf);
  for (size_t i = 0; i < n; i++) {
    map[2 * (size_t)u[i].code] = (uint8_t)(new_gid[i] >> 8);
    map[2 * (size_t)u[i].code + 1] = (uint8_t)new_gid[i];
  }
  HPDF_Dict ms = pb_pf_stream(pf, map, ncodes * 2);
  free(map);
  if (!ms || HPDF_Dict_Add(cid, "CIDToGIDMap", ms) != HPDF_OK)
    return pb_pf_hpdf(pf);
  return PB_OK;
}

/* The used glyphs of f in code order, one per code (a broken charset may
 * put two glyphs on one CID: the first is kept).  *out is malloc'd. */
static pb_status pb_pf_sorted(pb_pdf_fonts *pf, const pb_pdf_font *f,
                              pb_used **out, size_t *n) {
  pb_used *u = malloc((f->nused ? f->nused : 1) * sizeof *u);
  *out = u;
  if (!u) return pb_pf_nomem(pf);
  for (size_t i = 0; i < f->nused; i++) {
    uint16_t g = f->used[i];
    u[i] = (pb_used){f->cid ? f->cid[g] : g, g};
  }
  qsort(u, f->nused, sizeof *u, pb_used_cmp);
  size_t k = 0;
  for (size_t i = 0; i < f->nused; i++)
    if (k == 0 || u[i].code != u[k - 1].code) u[k++] = u[i];
  *n = k;
  return PB_OK;
}

/* The PDF names of f's subset: "TAG+PSName" and the Type0's name. */
static pb_status pb_pf_names(pb_pdf_fonts *pf, const pb_pdf_font *f,
                             const pb_used *u, size_t n, char base[128],
                             char type0name[140]) {
  uint16_t *codes = malloc((n ? n : 1) * sizeof *codes);
  if (!codes) return pb_pf_nomem(pf);
  for (size_t i = 0; i < n; i++) codes[i] = u[i].code;
  char ps[104], tag[7];
  pb_pf_psname(f->face, f->index, ps, sizeof ps);
  pb_pdf_subset_tag(ps, codes, n, tag);
  free(codes);
  snprintf(base, 128, "%s+%s", tag, ps);
  snprintf(type0name, 140, "%s-Identity-%c", base, f->vertical ? 'V' : 'H');
  return PB_OK;
}

/* One font's work in pb_pdf_fonts_finish: its glyphs in code order and
 * its program (made on a worker thread). */
typedef struct pb_font_job {
  pb_pdf_font *f;
  pb_used *u;           /* owned */
  size_t n;
  pb_program prog;      /* owned */
  pb_status st;
} pb_font_job;

static void pb_report_program(pb_pdf_fonts *pf, const pb_font_job *j) {
  if (j->st == PB_ERR_NOMEM) {
    pb_pf_nomem(pf);
    return;
  }
  pb_diag_add_at(pf->diags, PB_SEV_ERROR, pf->path, pb_nopos,
                 "cannot subset font %s (%s)", pb_face_ps_name(j->f->face),
                 pb_face_file(j->f->face));
}

/* The font objects of one font whose program is made. */
static pb_status pb_pf_finish_one(pb_pdf_fonts *pf, pb_font_job *j) {
  pb_pdf_font *f = j->f;
  const pb_used *u = j->u;
  size_t n = j->n;
  pb_pdfbuf cmap = {0};
  char base[128], type0name[140];
  pb_status st = pb_pf_names(pf, f, u, n, base, type0name);
  if (st != PB_OK) goto done;
  HPDF_STATUS hs = HPDF_OK;
  HPDF_Dict file = pb_pf_stream_prog(pf, &j->prog);
  HPDF_Dict desc = file ? pb_pf_dict(pf) : NULL;
  HPDF_Dict cid = desc ? pb_pf_dict(pf) : NULL;
  if (!cid) goto hpdf_fail;
  /* /Length1: the decoded length of a TrueType program. */
  if (f->kind == PB_KIND_GLYF)
    hs |= HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)j->prog.raw_len);
  else
    hs |= HPDF_Dict_AddName(file, "Subtype", "CIDFontType0C");
  hs |= pb_pf_descriptor(pf, f, base, desc, file);
  hs |= pb_pf_cidfont(pf, f, base, u, n, cid, desc);
  if (hs != HPDF_OK) goto hpdf_fail;
  if (f->kind == PB_KIND_GLYF &&
      (st = pb_pf_cidtogid(pf, u, n, j->prog.new_gid, cid)) != PB_OK)
    goto done;
  pb_pf_tounicode(pf, f, u, n, &cmap);
  if (cmap.oom) {
    st = pb_pf_nomem(pf);
    goto done;
  }
  HPDF_Dict tu = pb_pf_stream(pf, cmap.data, cmap.len);
  if (!tu) goto hpdf_fail;
  HPDF_Array desc_fonts = HPDF_Array_New(pf->pdf->mmgr);
  hs |= HPDF_Dict_AddName(f->type0, "BaseFont", type0name);
  hs |= HPDF_Dict_Add(f->type0, "DescendantFonts", desc_fonts);
  if (hs != HPDF_OK) goto hpdf_fail;
  hs |= HPDF_Array_Add(desc_fonts, cid);
  hs |= HPDF_Dict_Add(f->type0, "ToUnicode", tu);
  if (hs == HPDF_OK) goto done;
hpdf_fail:
  st = pb_pf_hpdf(pf);
done:
  pb_pdfbuf_free(&cmap);
  return st;
}

/* Worker threads take items from a shared counter; each has its own
 * compressor (libdeflate's are not shared). */
typedef struct pb_par_pool {
  size_t n;
  size_t next;          /* the next item to take (under lock) */
  pthread_mutex_t lock;
  pb_pdf_par_fn fn;
  void *ctx;
} pb_par_pool;

/* Takes items until none is left, compressing with z. */
static void pb_par_run(pb_par_pool *p, struct libdeflate_compressor *z) {
  for (;;) {
    pthread_mutex_lock(&p->lock);
    size_t i = p->next++;
    pthread_mutex_unlock(&p->lock);
    if (i >= p->n) break;
    p->fn(p->ctx, i, z); /* z may be NULL: fn reports the lack of memory */
  }
}

/* A helper thread, with a compressor of its own. */
static void *pb_par_worker(void *arg) {
  struct libdeflate_compressor *z = libdeflate_alloc_compressor(9);
  pb_par_run(arg, z);
  if (z) libdeflate_free_compressor(z);
  return NULL;
}

/* Work for up to as many threads as there are cores (or as
 * pb_pdf_fonts_set_threads said), the calling thread one of them. */
void pb_pdf_fonts_set_threads(pb_pdf_fonts *pf, int threads) {
  pf->threads = threads > 0 ? threads : 0;
}

void pb_pdf_parallel(const pb_pdf_fonts *pf, size_t n, bool threads,
                     pb_pdf_par_fn fn, void *ctx) {
  if (n == 0) return;
  pb_par_pool pool = {.n = n, .fn = fn, .ctx = ctx};
  pthread_mutex_init(&pool.lock, NULL);
  long cores = pf->threads ? pf->threads : sysconf(_SC_NPROCESSORS_ONLN);
  size_t nthreads = threads && cores > 1 ? (size_t)cores - 1 : 0;
  if (nthreads > n - 1) nthreads = n - 1;
  if (nthreads > 8) nthreads = 8;
  pthread_t tid[8];
  size_t started = 0;
  for (; started < nthreads; started++)
    if (pthread_create(&tid[started], NULL, pb_par_worker, &pool) != 0) break;
  pb_par_run(&pool, pf->deflater); /* this thread: the fonts' own compressor */
  for (size_t i = 0; i < started; i++) pthread_join(tid[i], NULL);
  pthread_mutex_destroy(&pool.lock);
}

bool pb_pdf_deflate_with(struct libdeflate_compressor *z, const void *data,
                         size_t len, uint8_t **out, size_t *out_len) {
  *out = NULL;
  return z && pb_zdeflate(z, data, len, out, out_len);
}

typedef struct pb_font_jobs {
  const pb_pdf_fonts *pf;
  pb_font_job *jobs;
} pb_font_jobs;

static void pb_font_job_run(void *ctx, size_t i, struct libdeflate_compressor *z) {
  pb_font_jobs *fj = ctx;
  pb_font_job *j = &fj->jobs[i];
  j->st = z ? pb_pf_program(fj->pf, j->f, j->u, j->n, z, &j->prog) : PB_ERR_NOMEM;
}

/* Makes every job's program in parallel; the order of the output does not
 * depend on which thread made what. */
static void pb_make_programs(pb_pdf_fonts *pf, pb_font_job *jobs, size_t n) {
  pb_font_jobs fj = {.pf = pf, .jobs = jobs};
  pb_pdf_parallel(pf, n, true, pb_font_job_run, &fj);
}

pb_status pb_pdf_fonts_finish(pb_pdf_fonts *pf) {
  size_t n = pf->norder;
  pb_font_job *jobs = calloc(n ? n : 1, sizeof *jobs);
  pb_status st = jobs ? PB_OK : pb_pf_nomem(pf);
  for (size_t i = 0; st == PB_OK && i < n; i++) {
    jobs[i].f = pf->order[i];
    st = pb_pf_sorted(pf, jobs[i].f, &jobs[i].u, &jobs[i].n);
  }
  if (st == PB_OK && n) pb_make_programs(pf, jobs, n);
  for (size_t i = 0; st == PB_OK && i < n; i++) {
    if (jobs[i].st != PB_OK) {
      pb_report_program(pf, &jobs[i]);
      st = jobs[i].st;
    } else {
      st = pb_pf_finish_one(pf, &jobs[i]);
    }
  }
  for (size_t i = 0; jobs && i < n; i++) {
    free(jobs[i].u);
    pb_program_free(&jobs[i].prog);
  }
  free(jobs);
  return st;
}


