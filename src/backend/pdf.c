/* The PDF backend (include/paiban/backend.h, docs/DESIGN.md §8): libharu builds
 * the document — pages and boxes, info, outlines, links, compression, the
 * xref — and the text goes in as raw operators with our own CID fonts
 * (src/pdf_font.c).  Output is reproducible: no clock, no random /ID. */
#include "paiban/backend.h"

#include "paiban/file.h"
#include "backend/pdf_font.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>

/* This file and pdf_font.c reach into libharu's structs (doc -> mmgr, xref,
 * info, catalog; page -> attr -> stream) and rely on its 2.3.0 behaviour
 * (HPDF_Page_SetBoxValue only edits an existing box, no /ID unless
 * encrypting, the version field decides the header).  Re-check them before
 * building against another version. */
#if HPDF_VERSION_ID != 20300
#error "paiban's PDF backend is written against libharu 2.3.0"
#endif

static const pb_pos pb_nopos = {0, 0};

/* The first libharu error, as its error handler reports it.  libharu calls
 * the handler for failures of public API calls; failures inside the object
 * API only set the document's error code, so both are checked. */
typedef struct pb_hpdf_error {
  HPDF_STATUS error, detail;
} pb_hpdf_error;

static void pb_hpdf_on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no,
                             void *user_data) {
  pb_hpdf_error *e = user_data;
  if (!e->error) {
    e->error = error_no;
    e->detail = detail_no;
  }
}

typedef struct pb_pdfw {
  const pb_layout *lo;
  const char *path;
  pb_diags *diags;
  HPDF_Doc pdf;
  pb_hpdf_error err;
  pb_pdf_fonts *fonts;
  HPDF_Page *pages;
  size_t npages;
  pb_pdfbuf buf;
  bool reported; /* an error is already in diags */
  int fd;        /* opt->use_fd: the descriptor written to, else -1 */
  HPDF_Image *images; /* the layout's images, each loaded once when first
                         drawn (lo->nimages entries) */
} pb_pdfw;

static pb_status pb_w_nomem(pb_pdfw *w) {
  pb_diag_add_at(w->diags, PB_SEV_ERROR, w->path, pb_nopos,
                 "cannot write PDF: out of memory");
  w->reported = true;
  return PB_ERR_NOMEM;
}

static pb_status pb_w_hpdf(pb_pdfw *w) {
  HPDF_STATUS e = w->err.error, d = w->err.detail;
  if (!e) {
    e = HPDF_GetError(w->pdf);
    d = HPDF_GetErrorDetail(w->pdf);
  }
  if (e == HPDF_FAILD_TO_ALLOC_MEM) return pb_w_nomem(w);
  pb_diag_add_at(w->diags, PB_SEV_ERROR, w->path, pb_nopos,
                 "cannot write PDF: libharu error 0x%04X (detail %u)",
                 (unsigned)e, (unsigned)d);
  w->reported = true;
  return PB_ERR_INTERNAL;
}

static int64_t pb_milli(pb_len sp) {
  return pb_pdf_round_div((int64_t)sp * 1000, PB_SP_PER_PT);
}

/* ---------------------------------------------------------------------- */
/* Strings                                                                */

/* Next code point of UTF-8 text; malformed bytes give U+FFFD. */
static uint32_t pb_utf8_next(const unsigned char *s, size_t n, size_t *i) {
  unsigned c = s[(*i)++];
  if (c < 0x80) return c;
  int extra = c >= 0xF0 && c < 0xF5 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : -1;
  if (extra < 0 || c >= 0xF5) return 0xFFFD;
  uint32_t cp = c & (0x3F >> extra);
  for (int k = 0; k < extra; k++) {
    if (*i >= n || (s[*i] & 0xC0) != 0x80) return 0xFFFD;
    cp = cp << 6 | (s[(*i)++] & 0x3F);
  }
  static const uint32_t min[4] = {0, 0x80, 0x800, 0x10000};
  if (cp < min[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0xFFFD;
  return cp;
}

/* A PDF text string from UTF-8: printable ASCII as a literal string
 * (libharu escapes it), anything else as UTF-16BE with a byte order mark,
 * written by libharu's binary object as <FEFF...>. */
static HPDF_STATUS pb_put_text(pb_pdfw *w, HPDF_Dict dict, const char *key,
                               const char *utf8) {
  HPDF_MMgr mm = w->pdf->mmgr;
  size_t n = strlen(utf8);
  bool ascii = true;
  for (size_t i = 0; i < n && ascii; i++)
    ascii = utf8[i] >= 0x20 && utf8[i] < 0x7F;
  if (ascii) return HPDF_Dict_Add(dict, key, HPDF_String_New(mm, utf8, NULL));
  /* At most 4 bytes of UTF-16 per input byte, plus the BOM. */
  /* libharu strings hold 65,535 bytes; pb_doc_check keeps titles and
   * headings shorter, so only a bookmark of a 4,000-character heading of
   * astral characters could reach this cut, made at a character boundary. */
  if (n > 16000) {
    n = 16000;
    while (n > 0 && ((unsigned char)utf8[n] & 0xC0) == 0x80) n--;
  }
  unsigned char *u = malloc(4 * n + 2);
  if (!u) return HPDF_Dict_Add(dict, key, NULL);
  size_t k = 0;
  u[k++] = 0xFE;
  u[k++] = 0xFF;
  for (size_t i = 0; i < n;) {
    uint32_t cp = pb_utf8_next((const unsigned char *)utf8, n, &i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      uint32_t hi = 0xD800 | (cp >> 10), lo = 0xDC00 | (cp & 0x3FF);
      u[k++] = (unsigned char)(hi >> 8);
      u[k++] = (unsigned char)hi;
      u[k++] = (unsigned char)(lo >> 8);
      u[k++] = (unsigned char)lo;
    } else {
      u[k++] = (unsigned char)(cp >> 8);
      u[k++] = (unsigned char)cp;
    }
  }
  HPDF_STATUS hs =
      HPDF_Dict_Add(dict, key, HPDF_Binary_New(mm, u, (HPDF_UINT)k));
  free(u);
  return hs;
}

/* ---------------------------------------------------------------------- */
/* Pages                                                                  */

static HPDF_STATUS pb_put_box(pb_pdfw *w, HPDF_Page page, const char *key,
                              pb_len x0, pb_len y0, pb_len x1, pb_len y1) {
  /* libharu 2.3.0's HPDF_Page_SetBoxValue only edits a box that exists
   * (the MediaBox), so TrimBox and BleedBox are added as arrays. */
  HPDF_Box box = {(HPDF_REAL)pb_milli(x0) / 1000, (HPDF_REAL)pb_milli(y0) / 1000,
                  (HPDF_REAL)pb_milli(x1) / 1000, (HPDF_REAL)pb_milli(y1) / 1000};
  return HPDF_Dict_Add(page, key, HPDF_Box_Array_New(w->pdf->mmgr, box));
}

static HPDF_STATUS pb_page_boxes(pb_pdfw *w, HPDF_Page page) {
  const pb_layout *lo = w->lo;
  pb_len mw = lo->media_w, mh = lo->media_h;
  if (mw <= 0 || mh <= 0) {
    mw = PB_MM(148); /* no size: A5 */
    mh = PB_MM(210);
  }
  HPDF_STATUS hs = HPDF_OK;
  hs |= HPDF_Page_SetWidth(page, (HPDF_REAL)pb_milli(mw) / 1000);
  hs |= HPDF_Page_SetHeight(page, (HPDF_REAL)pb_milli(mh) / 1000);
  if (lo->trim_w > 0 && lo->trim_h > 0) {
    hs |= pb_put_box(w, page, "TrimBox", lo->trim_x, lo->trim_y,
                     lo->trim_x + lo->trim_w, lo->trim_y + lo->trim_h);
    if (lo->bleed > 0) {
      /* The BleedBox may not extend past the MediaBox. */
      pb_len x0 = lo->trim_x - lo->bleed, y0 = lo->trim_y - lo->bleed;
      pb_len x1 = lo->trim_x + lo->trim_w + lo->bleed;
      pb_len y1 = lo->trim_y + lo->trim_h + lo->bleed;
      hs |= pb_put_box(w, page, "BleedBox", x0 < 0 ? 0 : x0, y0 < 0 ? 0 : y0,
                       x1 > mw ? mw : x1, y1 > mh ? mh : y1);
    }
  }
  return hs;
}

static void pb_put_xy(pb_pdfbuf *b, pb_len x, pb_len y, const char *op) {
  pb_pdfbuf_milli(b, pb_milli(x));
  pb_pdfbuf_put(b, " ", 1);
  pb_pdfbuf_milli(b, pb_milli(y));
  pb_pdfbuf_puts(b, op);
}

/* Crop marks outside the trim box, starting past the bleed (at least 3 mm
 * from the trim), clipped to the media box. */
static void pb_crop_marks(pb_pdfw *w) {
  const pb_layout *lo = w->lo;
  if (!lo->crop_marks || lo->trim_w <= 0 || lo->trim_h <= 0) return;
  pb_pdfbuf *b = &w->buf;
  pb_len off = lo->bleed > PB_MM(3) ? lo->bleed : PB_MM(3);
  pb_len len = PB_MM(5);
  pb_len xs[2] = {lo->trim_x, lo->trim_x + lo->trim_w};
  pb_len ys[2] = {lo->trim_y, lo->trim_y + lo->trim_h};
  pb_pdfbuf_puts(b, lo->rgb ? "q\n0 0 0 RG\n0.25 w\n" : "q\n0 G\n0.25 w\n");
  for (int i = 0; i < 2; i++) {
    for (int j = 0; j < 2; j++) {
      int dx = i ? 1 : -1, dy = j ? 1 : -1;
      /* Horizontal mark on the trim line y = ys[j], beside the corner. */
      pb_len a = xs[i] + dx * off, e = xs[i] + dx * (off + len);
      if (e < 0) e = 0;
      if (e > lo->media_w) e = lo->media_w;
      if ((e - a) * dx > 0) {
        pb_put_xy(b, a, ys[j], " m\n");
        pb_put_xy(b, e, ys[j], " l\n");
      }
      /* Vertical mark on the trim line x = xs[i]. */
      a = ys[j] + dy * off;
      e = ys[j] + dy * (off + len);
      if (e < 0) e = 0;
      if (e > lo->media_h) e = lo->media_h;
      if ((e - a) * dy > 0) {
        pb_put_xy(b, xs[i], a, " m\n");
        pb_put_xy(b, xs[i], e, " l\n");
      }
    }
  }
  pb_pdfbuf_puts(b, "S\nQ\n");
}

/* Emphasis dots (layout.h PB_GLYPH_DOT): filled circles in the text
 * colour, four Bézier quarters each (k = 0.5523 of the radius). */
static void pb_page_dots(pb_pdfw *w, const pb_page *pg) {
  pb_pdfbuf *b = &w->buf;
  bool any = false;
  for (size_t i = 0; i < pg->nglyphs; i++) {
    const pb_placed_glyph *g = &pg->glyphs[i];
    if (!(g->flags & PB_GLYPH_DOT)) continue;
    if (!any) pb_pdfbuf_puts(b, w->lo->rgb ? "q\n0 0 0 rg\n" : "q\n0 g\n");
    any = true;
    pb_len r = g->size / 2, k = (pb_len)((int64_t)r * 5523 / 10000);
    pb_len x = g->x, y = g->y;
    pb_put_xy(b, x + r, y, " m\n");
    pb_put_xy(b, x + r, y + k, " ");
    pb_put_xy(b, x + k, y + r, " ");
    pb_put_xy(b, x, y + r, " c\n");
    pb_put_xy(b, x - k, y + r, " ");
    pb_put_xy(b, x - r, y + k, " ");
    pb_put_xy(b, x - r, y, " c\n");
    pb_put_xy(b, x - r, y - k, " ");
    pb_put_xy(b, x - k, y - r, " ");
    pb_put_xy(b, x, y - r, " c\n");
    pb_put_xy(b, x + k, y - r, " ");
    pb_put_xy(b, x + r, y - k, " ");
    pb_put_xy(b, x + r, y, " c\n");
  }
  if (any) pb_pdfbuf_puts(b, "f\nQ\n");
}

/* Rules (filled rectangles) in the text colour. */
static void pb_page_rules(pb_pdfw *w, const pb_page *pg) {
  if (!pg->nrules) return;
  pb_pdfbuf *b = &w->buf;
  pb_pdfbuf_puts(b, w->lo->rgb ? "q\n0 0 0 rg\n" : "q\n0 g\n");
  for (size_t i = 0; i < pg->nrules; i++) {
    const pb_rule *r = &pg->rules[i];
    pb_put_xy(b, r->x, r->y, " ");
    pb_put_xy(b, r->w, r->h, " re\n");
  }
  pb_pdfbuf_puts(b, "f\nQ\n");
}

/* The layout's image k as a libharu image XObject, loaded (decoded by
 * libpng, or taken as DCT data) on first use.  NULL with the error
 * reported at the image file. */
static HPDF_Image pb_w_image(pb_pdfw *w, size_t k) {
  if (w->images[k]) return w->images[k];
  const pb_layout_image *im = &w->lo->images[k];
  HPDF_Image img = im->format == PB_IMAGE_PNG
                       ? HPDF_LoadPngImageFromFile(w->pdf, im->path)
                       : HPDF_LoadJpegImageFromFile(w->pdf, im->path);
  if (!img) {
    pb_diag_add_at(w->diags, PB_SEV_ERROR, im->path, pb_nopos,
                   "cannot embed this image in the PDF (libharu error "
                   "0x%04X, detail %u)",
                   (unsigned)w->err.error, (unsigned)w->err.detail);
    w->reported = true;
  }
  return w->images[k] = img;
}

/* Block images, drawn after the text, each in its line's box: the
 * baseline is its bottom edge (include/paiban/layout.h). */
static pb_status pb_page_images(pb_pdfw *w, HPDF_Page page, const pb_page *pg) {
  pb_pdfbuf *b = &w->buf;
  for (size_t i = 0; i < pg->nlines; i++) {
    const pb_placed_line *l = &pg->lines[i];
    if (l->kind != PB_LINE_IMAGE || !l->image || l->image > w->lo->nimages)
      continue;
    HPDF_Image img = pb_w_image(w, l->image - 1);
    if (!img) return PB_ERR_IO;
    /* The image goes into our content stream like everything else on the
     * page (libharu's DrawImage would append to it after we compress it):
     * libharu only names the XObject in the page's resources. */
    const char *name = HPDF_Page_GetXObjectName(page, img);
    if (!name) return pb_w_hpdf(w);
    pb_pdfbuf_puts(b, "q\n");
    pb_put_xy(b, l->width, 0, " 0 ");
    pb_put_xy(b, l->height, l->x, " ");
    pb_pdfbuf_milli(b, pb_milli(l->y));
    pb_pdfbuf_puts(b, " cm\n/");
    pb_pdfbuf_puts(b, name);
    pb_pdfbuf_puts(b, " Do\nQ\n");
  }
  return PB_OK;
}

/* A jump along the line larger than this (in 1/10^6 em) starts a new text
 * matrix instead of a TJ number. */
#define PB_TJ_MAX_JUMP 4000000

/* How a run's glyphs are drawn: along x (horizontal text and tate-chu-
 * yoko), upright down a column (Identity-V), or rotated 90° clockwise
 * down a column (Latin in vertical text). */
typedef enum pb_run_mode {
  PB_RUN_H = 0,
  PB_RUN_V,
  PB_RUN_SIDEWAYS,
} pb_run_mode;

/* Text state while writing one page's glyphs.  "Along" is the run's
 * direction (x, or downward -y); "across" the other coordinate. */
typedef struct pb_run {
  const void *key;    /* current font */
  int64_t size;       /* current size, 1/1000 pt as written in Tf */
  bool open;          /* inside "[ ... ] TJ" */
  bool hex;           /* inside "<...>" */
  pb_run_mode mode;   /* of the open run */
  pb_len y;           /* across: baseline (or column x) of the open run */
  int64_t x0;         /* run start along, as written in Tm, 1/1000 pt */
  int64_t pen;        /* pen from x0 in 1/10^6 em, as a viewer computes it */
  size_t line_start;  /* buffer offset of the current line */
} pb_run;

/* Position x relative to the run start, in 1/10^6 em of the written size.
 * Exact integers: (x/65536 - x0/1000) pt * 10^6 / (size/1000 pt). */
static int64_t pb_run_mu(const pb_run *r, pb_len x) {
  return pb_pdf_round_div(((int64_t)x * 1000 - r->x0 * PB_SP_PER_PT) * 1000000,
                          (int64_t)PB_SP_PER_PT * r->size);
}

static void pb_run_close(pb_pdfbuf *b, pb_run *r) {
  if (!r->open) return;
  if (r->hex) pb_pdfbuf_put(b, ">", 1);
  pb_pdfbuf_puts(b, "] TJ\n");
  r->open = r->hex = false;
  r->line_start = b->len;
}

static pb_run_mode pb_glyph_mode(const pb_placed_glyph *g) {
  return g->flags & PB_GLYPH_VERTICAL   ? PB_RUN_V
         : g->flags & PB_GLYPH_SIDEWAYS ? PB_RUN_SIDEWAYS
                                        : PB_RUN_H;
}

/* Starts a run at g: its text matrix (rotated for sideways glyphs). */
static void pb_run_start(pb_pdfbuf *b, pb_run *r, const pb_placed_glyph *g,
                         pb_run_mode mode) {
  r->mode = mode;
  r->x0 = pb_milli(mode == PB_RUN_H ? g->x : -g->y);
  r->y = mode == PB_RUN_H ? g->y : g->x;
  pb_pdfbuf_puts(b, mode == PB_RUN_SIDEWAYS ? "0 -1 1 0 " : "1 0 0 1 ");
  pb_pdfbuf_milli(b, pb_milli(g->x));
  pb_pdfbuf_put(b, " ", 1);
  pb_pdfbuf_milli(b, pb_milli(g->y));
  pb_pdfbuf_puts(b, " Tm\n[");
  r->open = true;
  /* The first glyph sits at the written Tm, within 0.0005 pt of its
   * position; the pen is where the viewer has it. */
  r->pen = 0;
}

/* Moves the pen of run r to glyph g: a TJ number if g continues the run
 * along its line, else a new text matrix. */
static void pb_run_place(pb_pdfbuf *b, pb_run *r, const pb_placed_glyph *g) {
  pb_run_mode mode = pb_glyph_mode(g);
  pb_len along = mode == PB_RUN_H ? g->x : -g->y;
  pb_len across = mode == PB_RUN_H ? g->y : g->x;
  bool newtm = !r->open || mode != r->mode || across != r->y;
  int64_t target = 0, adj = 0;
  if (!newtm) {
    target = pb_run_mu(r, along);
    /* A TJ number moves the pen back along a horizontal line but further
     * down a vertical one (PDF 32000 9.4.4). */
    adj = mode == PB_RUN_V ? target - r->pen : r->pen - target;
    newtm = adj > PB_TJ_MAX_JUMP || adj < -PB_TJ_MAX_JUMP;
    /* Differences under 0.001 pt (the precision of every other number
     * here) are rounding residue of the layout's advances, not spacing:
     * leave them, and the pen keeps the exact value, so the next
     * correction removes what has piled up.  |adj| * size / 10^9 pt. */
    if (!newtm && (adj < 0 ? -adj : adj) * r->size < 1000000) adj = 0;
  }
  if (newtm) {
    pb_run_close(b, r);
    pb_run_start(b, r, g, mode);
  } else if (adj != 0 || b->len - r->line_start > 200) {
    /* Keep content lines short: break between array elements. */
    if (r->hex) pb_pdfbuf_put(b, ">", 1);
    r->hex = false;
    if (b->len - r->line_start > 200) {
      pb_pdfbuf_put(b, "\n", 1);
      r->line_start = b->len;
    }
    if (adj != 0) {
      pb_pdfbuf_milli(b, adj);
      r->pen = target;
    }
  }
}

/* Writes the glyphs of pg:
 *   q 0 g BT /F1 10.5 Tf 1 0 0 1 x y Tm [<gid gid> -adj <gid>] TJ ... ET Q
 * Glyphs of one font, size and baseline share a TJ; between two glyphs the
 * pen has moved by the first one's /W width, and the TJ number
 * -(target - pen) * 1000 / size moves it to the next glyph's x.  Pen and
 * target are integers in 1/10^6 em, so numbers written with 3 decimals
 * are exact and nothing drifts along a line. */
static pb_status pb_page_text(pb_pdfw *w, HPDF_Page page, const pb_page *pg) {
  pb_pdfbuf *b = &w->buf;
  pb_run r = {0};
  r.size = -1;
  /* q/Q keep this text state away from anything libharu draws later. */
  pb_pdfbuf_puts(b, w->lo->rgb ? "q\n0 0 0 rg\nBT\n" : "q\n0 g\nBT\n");
  r.line_start = b->len;
  for (size_t i = 0; i < pg->nglyphs; i++) {
    const pb_placed_glyph *g = &pg->glyphs[i];
    if (g->flags & PB_GLYPH_DOT) continue; /* drawn by pb_page_dots */
    pb_pdf_glyph pgl;
    /* Further glyphs of a cluster carry no text (layout.h). */
    size_t next = i + 1;
    while (next < pg->nglyphs && (pg->glyphs[next].flags & PB_GLYPH_DOT)) next++;
    bool sole = g->text_len && (next == pg->nglyphs || pg->glyphs[next].text_len != 0);
    pb_status st = pb_pdf_fonts_use(w->fonts, g, sole, &pgl);
    if (st != PB_OK) {
      w->reported = true;
      return st;
    }
    int64_t size = pb_milli(g->size);
    if (size <= 0) {
      pb_diag_add_at(w->diags, PB_SEV_ERROR, w->path, pb_nopos,
                     "cannot write PDF: glyph with font size %d sp",
                     (int)g->size);
      w->reported = true;
      return PB_ERR_INTERNAL;
    }
    if (pgl.key != r.key || size != r.size) {
      pb_run_close(b, &r);
      /* libharu adds the font to the page's /Font resources under a new
       * name, or returns the name it already has there. */
      const char *name = HPDF_Page_GetLocalFontName(page, pgl.font);
      if (!name) return pb_w_hpdf(w);
      pb_pdfbuf_put(b, "/", 1);
      pb_pdfbuf_puts(b, name);
      pb_pdfbuf_put(b, " ", 1);
      pb_pdfbuf_milli(b, size);
      pb_pdfbuf_puts(b, " Tf\n");
      r.key = pgl.key;
      r.size = size;
    }
    pb_run_place(b, &r, g);
    if (!r.hex) pb_pdfbuf_put(b, "<", 1);
    r.hex = true;
    pb_pdfbuf_hex4(b, pgl.code);
    r.pen += (int64_t)pgl.width * 1000;
  }
  pb_run_close(b, &r);
  pb_pdfbuf_puts(b, "ET\nQ\n");
  return PB_OK;
}

/* URIs are 7-bit ASCII (PDF 32000 12.6.4.7): percent-encode the rest. */
static char *pb_uri_ascii(const char *s) {
  static const char hx[] = "0123456789ABCDEF";
  size_t n = strlen(s);
  char *o = malloc(3 * n + 1);
  if (!o) return NULL;
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c <= 0x20 || c >= 0x7F) {
      o[k++] = '%';
      o[k++] = hx[c >> 4];
      o[k++] = hx[c & 15];
    } else {
      o[k++] = (char)c;
    }
  }
  o[k] = '\0';
  return o;
}

/* [page /XYZ null top null]: jump to a position and keep the reader's zoom
 * (libharu's SetXYZ insists on a zoom). */
static HPDF_Destination pb_dest(pb_pdfw *w, size_t page_index, pb_len top) {
  HPDF_Page page = w->pages[page_index];
  HPDF_MMgr mm = w->pdf->mmgr;
  HPDF_Destination d = HPDF_Page_CreateDestination(page);
  if (!d) return NULL;
  HPDF_Array_Clear(d);
  HPDF_STATUS hs = HPDF_Array_Add(d, page);
  hs |= HPDF_Array_AddName(d, "XYZ");
  hs |= HPDF_Array_Add(d, HPDF_Null_New(mm));
  hs |= HPDF_Array_AddReal(d, (HPDF_REAL)pb_milli(top) / 1000);
  hs |= HPDF_Array_Add(d, HPDF_Null_New(mm));
  return hs == HPDF_OK ? d : NULL;
}

static pb_status pb_page_links(pb_pdfw *w, HPDF_Page page, const pb_page *pg,
                               size_t pi) {
  for (size_t i = 0; i < pg->nlinks; i++) {
    const pb_link_area *a = &pg->links[i];
    if (a->link == 0 && a->dest_page >= 0 && (size_t)a->dest_page < w->npages) {
      HPDF_Rect rect = {(HPDF_REAL)pb_milli(a->x0) / 1000,
                        (HPDF_REAL)pb_milli(a->y0) / 1000,
                        (HPDF_REAL)pb_milli(a->x1) / 1000,
                        (HPDF_REAL)pb_milli(a->y1) / 1000};
      HPDF_Destination d = pb_dest(w, (size_t)a->dest_page, a->dest_y);
      HPDF_Annotation an = d ? HPDF_Page_CreateLinkAnnot(page, rect, d) : NULL;
      if (!an || HPDF_LinkAnnot_SetBorderStyle(an, 0, 0, 0) != HPDF_OK)
        return pb_w_hpdf(w);
      continue;
    }
    if (a->link < 1 || a->link > w->lo->nlinks || !w->lo->links[a->link - 1] ||
        !*w->lo->links[a->link - 1]) {
      pb_diag_add_at(w->diags, PB_SEV_WARNING, w->path, pb_nopos,
                     "PDF: page %zu: link %u has no target; left out",
                     pi + 1, (unsigned)a->link);
      continue;
    }
    char *uri = pb_uri_ascii(w->lo->links[a->link - 1]);
    if (!uri) return pb_w_nomem(w);
    HPDF_Rect rect = {(HPDF_REAL)pb_milli(a->x0) / 1000,
                      (HPDF_REAL)pb_milli(a->y0) / 1000,
                      (HPDF_REAL)pb_milli(a->x1) / 1000,
                      (HPDF_REAL)pb_milli(a->y1) / 1000};
    HPDF_Annotation an = HPDF_Page_CreateURILinkAnnot(page, rect, uri);
    free(uri);
    /* No visible border (the default /Border is [0 0 1]). */
    if (!an || HPDF_LinkAnnot_SetBorderStyle(an, 0, 0, 0) != HPDF_OK)
      return pb_w_hpdf(w);
  }
  return PB_OK;
}

/* Page pi: its object, boxes and resources in the document, its content
 * stream's bytes in w->buf (written by pb_put_content). */
static pb_status pb_build_page(pb_pdfw *w, size_t pi) {
  HPDF_Page page = HPDF_AddPage(w->pdf);
  if (!page) return pb_w_hpdf(w);
  w->pages[pi] = page;
  if (pb_page_boxes(w, page) != HPDF_OK) return pb_w_hpdf(w);
  w->buf.len = 0;
  const pb_page *pg = pi < w->lo->npages ? &w->lo->pages[pi] : NULL;
  if (pg && pg->nglyphs) {
    pb_status st = pb_page_text(w, page, pg);
    if (st != PB_OK) return st;
  }
  if (pg) pb_page_rules(w, pg);
  if (pg) pb_page_dots(w, pg);
  pb_crop_marks(w);
  if (pg) {
    pb_status st = pb_page_images(w, page, pg);
    if (st != PB_OK) return st;
  }
  return w->buf.oom ? pb_w_nomem(w) : PB_OK;
}

/* Page pi's content stream: data[0..len), already deflated when z. */
static pb_status pb_put_content(pb_pdfw *w, size_t pi, const void *data,
                                size_t len, bool z) {
  if (!len) return PB_OK;
  HPDF_PageAttr attr = (HPDF_PageAttr)w->pages[pi]->attr;
  if (z) {
    /* Compressed here (libdeflate), as the fonts are, not by libharu at
     * save time. */
    attr->contents->filter = HPDF_STREAM_FILTER_NONE;
    pb_pdf_mark_deflated(attr->contents);
  }
  HPDF_STATUS hs = HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)data,
                                     (HPDF_UINT)len);
  return hs == HPDF_OK ? PB_OK : pb_w_hpdf(w);
}

/* Pages are built PB_PAGE_BATCH at a time (libharu's objects, one thread),
 * their content streams compressed in parallel (pb_pdf_parallel: each on
 * one thread, so the bytes do not depend on the threads), then written in
 * page order.  A batch keeps memory bounded on long books. */
#define PB_PAGE_BATCH 32

typedef struct pb_page_batch {
  pb_pdfbuf raw[PB_PAGE_BATCH];
  uint8_t *z[PB_PAGE_BATCH];
  size_t zlen[PB_PAGE_BATCH];
  bool ok[PB_PAGE_BATCH];
} pb_page_batch;

static void pb_deflate_page(void *ctx, size_t i, struct libdeflate_compressor *z) {
  pb_page_batch *b = ctx;
  b->ok[i] = !b->raw[i].len ||
             pb_pdf_deflate_with(z, b->raw[i].data, b->raw[i].len, &b->z[i], &b->zlen[i]);
}

/* Page i0 + j's compressed stream (an empty page has none). */
static pb_status pb_put_deflated(pb_pdfw *w, pb_page_batch *b, size_t i0, size_t j) {
  if (!b->raw[j].len) return PB_OK;
  if (!b->ok[j]) return pb_w_nomem(w);
  return pb_put_content(w, i0 + j, b->z[j], b->zlen[j], true);
}

/* Pages [i0, i0 + n) through batch b. */
static pb_status pb_write_batch(pb_pdfw *w, pb_page_batch *b, size_t i0, size_t n) {
  pb_status st = PB_OK;
  size_t bytes = 0;
  for (size_t j = 0; j < n && st == PB_OK; j++) {
    st = pb_build_page(w, i0 + j);
    pb_pdfbuf t = b->raw[j]; /* keep both buffers' memory for reuse */
    b->raw[j] = w->buf;
    w->buf = t;
    w->buf.len = 0;
    bytes += b->raw[j].len;
  }
  bool compress = pb_pdf_fonts_compressing(w->fonts);
  if (st == PB_OK && compress) {
    memset(b->z, 0, sizeof b->z);
    /* Threads pay off from a few pages of text on. */
    pb_pdf_parallel(w->fonts, n, n > 1 && bytes > 64 * 1024, pb_deflate_page, b);
  }
  for (size_t j = 0; j < n && st == PB_OK; j++)
    st = compress ? pb_put_deflated(w, b, i0, j)
                  : pb_put_content(w, i0 + j, b->raw[j].data, b->raw[j].len, false);
  for (size_t j = 0; compress && j < n; j++) {
    free(b->z[j]);
    b->z[j] = NULL;
  }
  return st;
}

static pb_status pb_write_pages(pb_pdfw *w) {
  pb_page_batch *b = calloc(1, sizeof *b);
  if (!b) return pb_w_nomem(w);
  pb_status st = PB_OK;
  for (size_t i0 = 0; i0 < w->npages && st == PB_OK; i0 += PB_PAGE_BATCH) {
    size_t n = w->npages - i0 < PB_PAGE_BATCH ? w->npages - i0 : PB_PAGE_BATCH;
    st = pb_write_batch(w, b, i0, n);
  }
  for (size_t j = 0; j < PB_PAGE_BATCH; j++) pb_pdfbuf_free(&b->raw[j]);
  free(b);
  return st;
}

/* ---------------------------------------------------------------------- */
/* Document                                                               */

static pb_status pb_write_info(pb_pdfw *w) {
  const pb_layout *lo = w->lo;
  /* libharu's NewDoc already created the info dict with its own Producer;
   * ours replaces it. */
  HPDF_Dict info = w->pdf->info;
  if (!info) return pb_w_hpdf(w);
  HPDF_STATUS hs = HPDF_OK;
  char prod[64];
  snprintf(prod, sizeof prod, "paiban %s", pb_version());
  hs |= pb_put_text(w, info, "Producer", lo->producer ? lo->producer : prod);
  if (lo->title) hs |= pb_put_text(w, info, "Title", lo->title);
  if (lo->author) hs |= pb_put_text(w, info, "Author", lo->author);
  if (lo->subtitle) hs |= pb_put_text(w, info, "Subject", lo->subtitle);
  if (lo->date_epoch != -1) { /* negative: before 1970 */
    time_t t = (time_t)lo->date_epoch;
    struct tm tm;
    if (gmtime_r(&t, &tm) && tm.tm_year + 1900 >= 1 &&
        tm.tm_year + 1900 <= 9999) {
      char d[80];
      snprintf(d, sizeof d, "D:%04d%02d%02d%02d%02d%02dZ", tm.tm_year + 1900,
               tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
      hs |= pb_put_text(w, info, "CreationDate", d);
      hs |= pb_put_text(w, info, "ModDate", d);
    }
  }
  if (lo->lang && *lo->lang)
    hs |= pb_put_text(w, w->pdf->catalog, "Lang", lo->lang);
  if (lo->vertical) {
    /* A vertical book binds on the right: pages read right to left, and
     * spreads open with the first page on the right (PDF 32000 12.2). */
    HPDF_Dict vp = HPDF_Dict_New(w->pdf->mmgr);
    hs |= HPDF_Dict_Add(w->pdf->catalog, "ViewerPreferences", vp);
    if (hs == HPDF_OK) hs |= HPDF_Dict_AddName(vp, "Direction", "R2L");
    hs |= HPDF_Dict_AddName(w->pdf->catalog, "PageLayout", "TwoPageRight");
  }
  return hs == HPDF_OK ? PB_OK : pb_w_hpdf(w);
}

/* Bookmarks from the headings: each entry nests under the nearest earlier
 * entry of a lower level, and jumps to [page /XYZ null top null] (keep the
 * reader's zoom; libharu's SetXYZ insists on a zoom). */
static pb_status pb_write_outline(pb_pdfw *w) {
  const pb_layout *lo = w->lo;
  HPDF_Outline parents[7] = {0};
  bool any = false;
  for (size_t i = 0; i < lo->noutline; i++) {
    const pb_outline_entry *e = &lo->outline[i];
    if (e->page >= w->npages) {
      pb_diag_add_at(w->diags, PB_SEV_WARNING, w->path, pb_nopos,
                     "PDF: bookmark %zu points past the last page; left out",
                     i + 1);
      continue;
    }
    int lvl = e->level < 1 ? 1 : e->level > 6 ? 6 : e->level;
    HPDF_Outline parent = NULL;
    for (int l = lvl - 1; l >= 1 && !parent; l--) parent = parents[l];
    HPDF_Outline o = HPDF_CreateOutline(w->pdf, parent, "", NULL);
    if (!o) return pb_w_hpdf(w);
    HPDF_STATUS hs = pb_put_text(w, o, "Title", e->title ? e->title : "");
    hs |= HPDF_Outline_SetOpened(o, lvl == 1 ? HPDF_TRUE : HPDF_FALSE);
    HPDF_Destination d = pb_dest(w, e->page, e->y);
    if (!d || hs != HPDF_OK) return pb_w_hpdf(w);
    hs |= HPDF_Outline_SetDestination(o, d);
    if (hs != HPDF_OK) return pb_w_hpdf(w);
    parents[lvl] = o;
    for (int l = lvl + 1; l <= 6; l++) parents[l] = NULL;
    any = true;
  }
  if (any && HPDF_SetPageMode(w->pdf, HPDF_PAGE_MODE_USE_OUTLINE) != HPDF_OK)
    return pb_w_hpdf(w);
  return PB_OK;
}

/* The finished document goes from libharu straight to the file: its
 * writer is a callback stream (HPDF_CallbackWriter_New) whose bytes gather
 * here and reach the temporary file (or the caller's descriptor) in large
 * writes through our own descriptor, where every write, the fsync and the
 * close are checked — libharu's own file handle's fclose result is lost.
 * (Saving into libharu's memory stream and reading it back copied every
 * byte twice more, one byte at a time.) */
typedef struct pb_sink {
  pb_pdfw *w;
  pb_atomic_file *af; /* NULL: w->fd */
  pb_pdfbuf buf;
  pb_status st;
} pb_sink;

static void pb_sink_flush(pb_sink *k) {
  if (k->st != PB_OK || !k->buf.len) return;
  k->st = k->af ? pb_atomic_write(k->af, k->buf.data, k->buf.len, k->w->diags)
                : pb_write_all(k->w->fd, k->w->path, k->buf.data, k->buf.len,
                               k->w->diags);
  if (k->st != PB_OK) k->w->reported = true;
  k->buf.len = 0;
}

static HPDF_STATUS pb_sink_write(HPDF_Stream stream, const HPDF_BYTE *ptr,
                                 HPDF_UINT siz) {
  pb_sink *k = stream->attr;
  if (k->st != PB_OK) return HPDF_FILE_IO_ERROR;
  pb_pdfbuf_put(&k->buf, (const char *)ptr, siz);
  if (k->buf.oom) {
    k->st = pb_w_nomem(k->w);
    return HPDF_FAILD_TO_ALLOC_MEM;
  }
  /* A temporary file is thrown away if the save fails later, so it may
   * take the bytes as they come; a caller's descriptor (standard output,
   * a device) gets the document only once it is whole. */
  if (k->af && k->buf.len >= 256 * 1024) pb_sink_flush(k);
  return k->st == PB_OK ? HPDF_OK : HPDF_FILE_IO_ERROR;
}

/* Saves the document through a pb_sink. */
static pb_status pb_w_save(pb_pdfw *w, pb_atomic_file *af) {
  pb_sink k = {.w = w, .af = af};
  /* HPDF_SaveToStream writes into pdf->stream when there is one (it frees
   * the data only of a memory stream), and HPDF_Free frees it. */
  w->pdf->stream = HPDF_CallbackWriter_New(w->pdf->mmgr, pb_sink_write, &k);
  if (!w->pdf->stream) return pb_w_nomem(w);
  HPDF_STATUS hs = HPDF_SaveToStream(w->pdf);
  if (hs == HPDF_OK) pb_sink_flush(&k);
  pb_pdfbuf_free(&k.buf);
  if (k.st != PB_OK) return k.st; /* reported where it happened */
  return hs == HPDF_OK ? PB_OK : pb_w_hpdf(w);
}

pb_status pb_pdf_write(const pb_layout *lo, const pb_fontset *fs,
                       const pb_pdf_options *opt, const char *path,
                       pb_diags *diags) {
  /* The struct layouts this file uses must be the ones compiled against. */
  if (strcmp(HPDF_GetVersion(), HPDF_VERSION_TEXT) != 0) {
    pb_diag_add_at(diags, PB_SEV_ERROR, path, pb_nopos,
                   "cannot write PDF: libharu %s found, %s expected",
                   HPDF_GetVersion(), HPDF_VERSION_TEXT);
    return PB_ERR_INTERNAL;
  }
  bool compress = opt ? opt->compress : true;
  bool to_fd = opt && opt->use_fd;
  pb_atomic_file af;
  pb_status st = to_fd ? PB_OK : pb_atomic_open(&af, path, diags);
  if (st != PB_OK) return st;

  pb_pdfw w = {0};
  w.fd = to_fd ? opt->fd : -1;
  w.lo = lo;
  w.path = path;
  w.diags = diags;
  w.npages = lo->npages ? lo->npages : 1; /* no pages: one blank page */
  w.pdf = HPDF_New(pb_hpdf_on_error, &w.err);
  w.pages = calloc(w.npages, sizeof *w.pages);
  w.images = calloc(lo->nimages ? lo->nimages : 1, sizeof *w.images);
  if (!w.pdf || !w.pages || !w.images) {
    st = pb_w_nomem(&w);
    goto done;
  }
  if (compress && HPDF_SetCompressionMode(w.pdf, HPDF_COMP_ALL) != HPDF_OK) {
    st = pb_w_hpdf(&w);
    goto done;
  }
  w.fonts = pb_pdf_fonts_new(w.pdf, fs, lo, compress, opt ? opt->cache : NULL,
                             diags, path);
  if (w.fonts && opt) pb_pdf_fonts_set_threads(w.fonts, opt->threads);
  if (!w.fonts) {
    st = pb_w_nomem(&w);
    goto done;
  }
  st = pb_write_pages(&w);
  /* Links after every page exists, so they may point forward. */
  for (size_t i = 0; i < w.npages && i < lo->npages && st == PB_OK; i++)
    st = pb_page_links(&w, w.pages[i], &lo->pages[i], i);
  /* Each used face is subset once, after the last page. */
  if (st == PB_OK) {
    st = pb_pdf_fonts_finish(w.fonts);
    if (st != PB_OK) w.reported = true;
  }
  if (st == PB_OK) st = pb_write_info(&w);
  if (st == PB_OK) st = pb_write_outline(&w);
  if (st == PB_OK) {
    /* libharu writes the header from this field, which starts at 1.3 and
     * has no setter in 2.3.0.  PDF 1.6 is our baseline (docs/DESIGN.md §8). */
    w.pdf->pdf_version = HPDF_VER_16;
    st = pb_w_save(&w, to_fd ? NULL : &af);
  }
  if (st == PB_OK && (w.err.error || HPDF_GetError(w.pdf) != HPDF_OK))
    st = pb_w_hpdf(&w);
done:
  if (st != PB_OK && !w.reported && !diags->errors)
    pb_diag_add_at(diags, PB_SEV_ERROR, path, pb_nopos,
                   "cannot write PDF: internal error");
  pb_pdf_fonts_free(w.fonts);
  if (w.pdf) HPDF_Free(w.pdf);
  free(w.pages);
  free(w.images);
  pb_pdfbuf_free(&w.buf);
  if (to_fd) return st;
  if (st == PB_OK) return pb_atomic_commit(&af, diags);
  pb_atomic_abort(&af);
  return st;
}
