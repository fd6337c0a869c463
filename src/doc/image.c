/* Block images: each image block's file is found relative to its
 * manuscript, kept inside its directory tree (as derive-from is), and
 * probed for its format and size (include/paiban/doc.h: pb_doc_check).
 *
 * The size comes from the PNG IHDR chunk or the JPEG frame header, a few
 * fixed fields read here.  libharu embeds the image (the PDF backend):
 * JPEG data as it is, PNG decoded with libpng — but without catching
 * libpng's errors, so a damaged PNG would abort the process.  A PNG is
 * therefore decoded once here, with libpng's simplified API, which reports
 * them. */
#include "doc/image.h"
#include "doc/paths.h"
#include "paiban/file.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

/* Larger files are refused before reading; more pixels than this would
 * take libharu hundreds of megabytes to decode. */
#define PB_MAX_IMAGE_BYTES (64u << 20)
#define PB_MAX_IMAGE_PIXELS 25000000ull

static uint32_t pb_be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t pb_be16(const unsigned char *p) { return (uint32_t)p[0] << 8 | p[1]; }

/* PNG: the signature, then IHDR with width and height.  NULL, or why not. */
static const char *pb_probe_png(const unsigned char *d, size_t n, pb_block *b) {
  if (n < 24 || memcmp(d + 12, "IHDR", 4) != 0) return "a PNG file without its header";
  b->image_w = pb_be32(d + 16);
  b->image_h = pb_be32(d + 20);
  b->image_format = PB_IMAGE_PNG;
  return NULL;
}

/* Does the whole PNG decode?  NULL, or why not (libpng's words, which
 * live in a static buffer here). */
static const char *pb_decode_png(const unsigned char *d, size_t n) {
  static char why[128];
  png_image img;
  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  void *pixels = NULL;
  bool ok = png_image_begin_read_from_memory(&img, d, n);
  if (ok) {
    img.format = PNG_FORMAT_RGBA;
    pixels = malloc(PNG_IMAGE_SIZE(img));
    ok = pixels && png_image_finish_read(&img, NULL, pixels, 0, NULL);
  }
  if (!ok)
    snprintf(why, sizeof why, "a damaged PNG file (%s)",
             img.warning_or_error ? img.message : "out of memory");
  png_image_free(&img);
  free(pixels);
  return ok ? NULL : why;
}

/* JPEG: the segments up to the frame header.  Baseline, extended and
 * progressive frames (SOF0-2) are what PDF's DCTDecode and libharu take;
 * lossless and arithmetic-coded ones are refused. */
static const char *pb_probe_jpeg(const unsigned char *d, size_t n, pb_block *b) {
  size_t i = 2;
  while (i + 4 <= n) {
    if (d[i] != 0xFF) return "a damaged JPEG file";
    unsigned m = d[i + 1];
    if (m == 0xFF) { /* fill byte */
      i++;
      continue;
    }
    if (m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
      i += 2;
      continue;
    }
    if (m == 0xDA || m == 0xD9) break; /* scan or end before any frame */
    size_t len = pb_be16(d + i + 2);
    bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (sof && m > 0xC2) return "a lossless or arithmetic-coded JPEG, which PDF cannot show";
    if (sof) {
      if (i + 9 > n || len < 7) break;
      b->image_h = pb_be16(d + i + 5);
      b->image_w = pb_be16(d + i + 7);
      b->image_format = PB_IMAGE_JPEG;
      return NULL;
    }
    i += 2 + len;
  }
  return "a JPEG file without a frame header";
}

/* Reads b's file and fills its format and size; an error at the image
 * otherwise. */
static pb_status pb_probe_image(pb_block *b, const char *path, pb_diags *diags) {
  unsigned char *d = NULL;
  size_t n = 0;
  char what[300];
  snprintf(what, sizeof what, "the image '%.250s'", path);
  pb_status st = pb_file_read(path, PB_MAX_IMAGE_BYTES, what, b->start,
                              (char **)&d, &n, diags);
  if (st != PB_OK) return st;
  static const unsigned char png[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  const char *why = NULL;
  if (n >= 8 && memcmp(d, png, 8) == 0) why = pb_probe_png(d, n, b);
  else if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) why = pb_probe_jpeg(d, n, b);
  else why = "not a PNG or JPEG image";
  if (!why && (b->image_w == 0 || b->image_h == 0)) why = "an image of no pixels";
  if (!why && (unsigned long long)b->image_w * b->image_h > PB_MAX_IMAGE_PIXELS)
    why = "more than 25 million pixels";
  if (!why && b->image_format == PB_IMAGE_PNG) why = pb_decode_png(d, n);
  free(d);
  if (!why) return PB_OK;
  b->image_format = PB_IMAGE_NONE;
  pb_diag_add(diags, PB_SEV_ERROR, b->start, "the image '%s' cannot be used: %s",
              path, why);
  return PB_ERR_INPUT;
}

/* A web or data address: not fetched. */
static bool pb_is_remote(const char *url) {
  return strstr(url, "://") || strncmp(url, "data:", 5) == 0;
}

pb_status pb_doc_images(pb_doc *doc, pb_diags *diags) {
  const char *base = doc->body_path ? doc->body_path : doc->path ? doc->path : "";
  pb_status result = PB_OK;
  for (size_t i = 0; i < doc->nblocks; i++) {
    pb_block *b = &doc->blocks[i];
    if (b->kind != PB_BLOCK_IMAGE || b->image_format != PB_IMAGE_NONE) continue;
    if (!b->image || !*b->image || pb_is_remote(b->image)) {
      pb_diag_add(diags, PB_SEV_WARNING, b->start,
                  "the image '%.60s' is not a local file; its description is "
                  "set as text",
                  b->image ? b->image : "");
      b->kind = PB_BLOCK_PARAGRAPH;
      continue;
    }
    char *path = pb_sibling_path(base, b->image);
    pb_status st = PB_ERR_NOMEM;
    if (!path)
      pb_diag_add(diags, PB_SEV_ERROR, b->start, "out of memory");
    else if (!doc->derive_anywhere && !pb_path_inside(base, path)) {
      pb_diag_add(diags, PB_SEV_ERROR, b->start,
                  "the image '%s' is outside the manuscript's directory "
                  "(paiban --allow-outside permits it)",
                  path);
      st = PB_ERR_INPUT;
    } else {
      st = pb_probe_image(b, path, diags);
    }
    if (st == PB_OK) {
      free(b->image);
      b->image = path;
    } else {
      free(path);
      if (result == PB_OK) result = st;
    }
  }
  return result;
}
