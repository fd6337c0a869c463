/* paiban — the PDF backend's own fonts: one Type0 font with a CIDFont
 * descendant per face, the face subset with hb-subset and embedded, /W
 * widths and a ToUnicode CMap from the layout's clusters (docs/DESIGN.md §8,
 * docs/pdf-fonts.md).  Internal to the backend; libharu and hb-subset
 * appear only here and in backend_pdf.c.
 *
 * Use: pb_pdf_fonts_new() once per document; pb_pdf_fonts_use() for every
 * glyph as the pages are written (content streams carry the codes it
 * returns); pb_pdf_fonts_finish() after the last page subsets each used face
 * once and builds its objects; pb_pdf_fonts_free().  The objects it creates
 * belong to the HPDF_Doc.
 */
#ifndef PB_PDF_FONT_H
#define PB_PDF_FONT_H

#include "paiban/base.h"
#include "text/face.h"
#include "paiban/cache.h"
#include "paiban/layout.h"

#include <hpdf.h>

/* A growing byte buffer for content streams and CMaps.  Functions never
 * fail: an allocation failure sets oom and later appends do nothing. */
typedef struct pb_pdfbuf {
  char *data;
  size_t len, cap;
  bool oom;
} pb_pdfbuf;

void pb_pdfbuf_free(pb_pdfbuf *b);
void pb_pdfbuf_put(pb_pdfbuf *b, const char *s, size_t n);
void pb_pdfbuf_puts(pb_pdfbuf *b, const char *s);
/* v / 1000 with at most 3 decimals, no trailing zeros, '.' whatever the
 * locale: 10500 -> "10.5", -250 -> "-0.25", 0 -> "0". */
void pb_pdfbuf_milli(pb_pdfbuf *b, int64_t v);
void pb_pdfbuf_int(pb_pdfbuf *b, int64_t v);
/* Four uppercase hex digits (a 2-byte code). */
void pb_pdfbuf_hex4(pb_pdfbuf *b, unsigned v);

/* num / den rounded half away from zero (den > 0). */
int64_t pb_pdf_round_div(int64_t num, int64_t den);

/* Writes code points as UTF-16BE in uppercase hex ("0041", astral
 * characters as surrogate pairs "D840DC00"; surrogates and values above
 * U+10FFFF become U+FFFD) into out, which must hold 8 * n + 1 bytes.
 * Returns the number of hex digits written (out is NUL-terminated). */
size_t pb_pdf_utf16_hex(const uint32_t *cps, size_t n, char *out);

/* The 6-letter subset tag for a glyph set: uppercase A–Z from a hash of
 * the PostScript name and the codes, so the same subset always gets the
 * same tag and a different one (almost always) another.  out[7]. */
void pb_pdf_subset_tag(const char *ps_name, const uint16_t *codes, size_t n,
                       char out[7]);

/* Marks a stream dict whose data is Flate-compressed already: libharu
 * writes it as it is and /Filter /FlateDecode is named. */
void pb_pdf_mark_deflated(HPDF_Dict d);

typedef struct pb_pdf_fonts pb_pdf_fonts;

/* diags/path: where errors go (the output path, no position).  cache
 * (may be NULL) keeps finished font programs for later documents. */
pb_pdf_fonts *pb_pdf_fonts_new(HPDF_Doc pdf, const pb_fontset *fs,
                               const pb_layout *lo, bool compress,
                               pb_cache *cache, pb_diags *diags,
                               const char *path);
void pb_pdf_fonts_free(pb_pdf_fonts *pf);

/* At most threads threads (the caller's included) make the font programs
 * in pb_pdf_fonts_finish and run pb_pdf_parallel; 0 (the default): one per
 * core. */
void pb_pdf_fonts_set_threads(pb_pdf_fonts *pf, int threads);

/* fn(ctx, i, z) for every i in [0, n), in any order: with threads on pf's
 * threads, the calling one among them, else on the calling thread alone
 * (small work does not pay for starting threads).  z is the thread's own
 * compressor (the calling thread's is pf's), NULL when it could not be
 * made. */
struct libdeflate_compressor;
typedef void (*pb_pdf_par_fn)(void *ctx, size_t i, struct libdeflate_compressor *z);
void pb_pdf_parallel(const pb_pdf_fonts *pf, size_t n, bool threads,
                     pb_pdf_par_fn fn, void *ctx);

/* Whether the document's streams are compressed (libdeflate, zlib format). */
bool pb_pdf_fonts_compressing(const pb_pdf_fonts *pf);

/* Compresses data into a new zlib stream with compressor z (false when z
 * is NULL or out of memory); *out is malloc'd, NULL on failure. */
bool pb_pdf_deflate_with(struct libdeflate_compressor *z, const void *data,
                         size_t len, uint8_t **out, size_t *out_len);

/* The font's glyph as used on a page. */
typedef struct pb_pdf_glyph {
  HPDF_Dict font;   /* the Type0 font dict, for the page's /Font resources */
  const void *key;  /* identifies the font (face and writing mode) */
  uint16_t code;    /* 2-byte code for the content stream (Identity-H/V) */
  int32_t width;    /* advance in 1/1000 em, exactly as written to /W, or
                       (an upright glyph, Identity-V) downward, as /W2 */
} pb_pdf_glyph;

/* Registers glyph g of the layout (face, gid, cluster text) and returns how
 * to draw it; sole: g is the only glyph of its cluster (the next glyph does
 * not continue it).  The first glyph of a face creates its Type0 font.
 * Returns PB_OK, or an error status after reporting (bad face index or
 * glyph id, out of memory, libharu failure). */
pb_status pb_pdf_fonts_use(pb_pdf_fonts *pf, const pb_placed_glyph *g,
                           bool sole, pb_pdf_glyph *out);

/* Subsets every used face and completes its font objects. */
pb_status pb_pdf_fonts_finish(pb_pdf_fonts *pf);

#endif
