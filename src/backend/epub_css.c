/* The EPUB style sheet and fonts (src/backend/epub.h, docs/DESIGN.md §11).  What CSS can
 * carry of paiban's typography, CSS carries: lang-dependent indents and
 * line heights, kinsoku as line-break: strict (clreq-digest §1),
 * justification (§5), punctuation trimming as text-spacing-trim (§3),
 * hanging punctuation, text-autospace (§4; paiban's own U+2005 already
 * stands where it applies).  Fonts are subsets of exactly the characters
 * each face draws (hb-subset, src/backend/font_subset.h), as OpenType
 * files. */
#include "backend/epub.h"
#include "backend/font_subset.h"
#include "base/cache.h"
#include "base/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The font file of face fi: "fonts/fNN-PSNAME.otf" (".ttf" for glyf). */
static void pb_font_file(const pb_epub *e, size_t fi, char *out, size_t cap) {
  const pb_face *f = pb_fontset_face(e->fs, fi);
  char ps[64];
  size_t k = 0;
  for (const char *p = f && f->ps_name ? f->ps_name : "font";
       *p && k + 1 < sizeof ps; p++)
    if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
        (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')
      ps[k++] = *p;
  ps[k] = '\0';
  snprintf(out, cap, "fonts/f%02zu-%s.%s", fi, ps,
           f && !f->is_cff ? "ttf" : "otf");
}

static bool pb_face_used(const pb_epub *e, size_t fi) {
  return e->chars && fi < e->nfaces && !hb_set_is_empty(e->chars[fi]);
}

void pb_epub_manifest_fonts(pb_epub *e, pb_epub_xml *x) {
  if (!e->embed) return;
  for (size_t i = 0; i < e->nfaces; i++) {
    if (!pb_face_used(e, i)) continue;
    char href[96], id[32];
    pb_font_file(e, i, href, sizeof href);
    snprintf(id, sizeof id, "font%02zu", i);
    const pb_face *f = pb_fontset_face(e->fs, i);
    pb_x_start(x, "item");
    pb_x_attr(x, "id", id);
    pb_x_attr(x, "href", href);
    pb_x_attr(x, "media-type", f->is_cff ? "font/otf" : "font/ttf");
    pb_x_end(x);
  }
}

/* Layout features the subsets keep: the usual Latin ones and those CJK
 * text needs in a browser — halt/chws (punctuation trimming behind
 * text-spacing-trim), vert/vrt2/vhal/vchw (vertical forms and trimming) —
 * then, for a vertical edition, the half-, third- and quarter-width forms a
 * browser picks for text-combine-upright (Chromium asks for hwid for two
 * digits, twid for three, qwid for four), and, last, locl when it matters
 * (pb_locl_matters).  The width forms stay out of horizontal editions:
 * their closure adds a half-width form of every kana and mark. */
static const char *const pb_epub_features[] = {
    "ccmp", "kern", "liga", "clig", "calt", "rlig", "rvrn", "mark", "mkmk",
    "halt", "chws", "palt", "vert", "vrt2", "vhal", "vchw", "vpal", "vkrn"};
static const char *const pb_epub_vertical_features[] = {"hwid", "twid",
                                                        "qwid"};
#define PB_EPUB_NFEATURES                                                 \
  (sizeof pb_epub_features / sizeof *pb_epub_features +                   \
   sizeof pb_epub_vertical_features / sizeof *pb_epub_vertical_features + 1)

/* The features for face f's subset (see pb_epub_features); returns how
 * many it wrote into out. */
static size_t pb_epub_feature_list(const pb_epub *e, bool locl,
                                   const char *out[PB_EPUB_NFEATURES]) {
  size_t n = 0;
  for (size_t i = 0; i < sizeof pb_epub_features / sizeof *pb_epub_features;
       i++)
    out[n++] = pb_epub_features[i];
  if (e->s->vertical)
    for (size_t i = 0; i < sizeof pb_epub_vertical_features /
                               sizeof *pb_epub_vertical_features;
         i++)
      out[n++] = pb_epub_vertical_features[i];
  if (locl) out[n++] = "locl";
  return n;
}

/* Does locl change any of the characters face f draws, in the book's
 * language, as the PDF's shaper sets it (Noto CJK's curly quotes become
 * full-width in Chinese)?  Only then does the subset keep locl: its
 * closure pulls every regional variant of every ideograph in (the essay's
 * Noto Serif CJK TC subset: 964 glyphs and 305 KB with it, 480 glyphs and
 * about half without), and the TC and SC faces draw their own region's
 * forms by default. */
static bool pb_locl_matters(const pb_face *f, const hb_set_t *chars,
                            const char *lang) {
  hb_buffer_t *buf = hb_buffer_create();
  hb_language_t l = hb_language_from_string(lang, -1);
  hb_feature_t off;
  hb_feature_from_string("-locl", -1, &off);
  bool differs = !hb_buffer_allocation_successful(buf); /* keep it, then */
  hb_codepoint_t cp = HB_SET_VALUE_INVALID;
  while (!differs && f->hb_font && hb_set_next(chars, &cp)) {
    hb_codepoint_t gid[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
      hb_buffer_clear_contents(buf);
      hb_buffer_add_codepoints(buf, &cp, 1, 0, 1);
      hb_buffer_set_language(buf, l);
      hb_buffer_guess_segment_properties(buf);
      hb_shape(f->hb_font, buf, k ? &off : NULL, k ? 1 : 0);
      unsigned n = 0;
      hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &n);
      if (n) gid[k] = info[0].codepoint;
    }
    differs = gid[0] != gid[1];
  }
  hb_buffer_destroy(buf);
  return differs;
}

/* Tables no reading system needs: bitmaps, device metrics, signatures. */
static const char *const pb_epub_drop[] = {"DSIG", "EBDT", "EBLC", "EBSC",
                                           "hdmx", "VDMX", "LTSH", "PCLT",
                                           "meta", "STAT"};

/* Everything face f's subset depends on, as a cache key: the font file's
 * identity and face, the characters, the language (locl) and direction
 * (the features kept), the HarfBuzz version that subsets, and this file's
 * format of the subset ("epub-font-1"). */
static bool pb_epub_font_key(const pb_epub *e, const pb_face *f,
                             const hb_set_t *chars, char hex[33]) {
  pb_cache_key k;
  if (!f->file || !pb_cache_key_init(&k, "epub-font-deflated-1")) return false;
  bool ok = pb_cache_key_add_file(&k, f->file);
  int32_t v[3] = {f->index, e->s->vertical, f->is_cff};
  pb_cache_key_add(&k, v, sizeof v);
  pb_cache_key_add_str(&k, e->s->lang);
  pb_cache_key_add_str(&k, hb_version_string());
  for (hb_codepoint_t cp = HB_SET_VALUE_INVALID; hb_set_next(chars, &cp);)
    pb_cache_key_add(&k, &cp, sizeof cp);
  pb_cache_key_done(&k, hex);
  return ok && hex[0];
}

/* Adds data (len bytes, taken) as face i's font file. */
static void pb_epub_add_font(pb_epub *e, size_t i, void *data, size_t len) {
  char name[112];
  char file[96];
  pb_font_file(e, i, file, sizeof file);
  snprintf(name, sizeof name, "EPUB/%s", file);
  pb_epub_add(e, name, data, len, false);
}

/* Makes face i's subset with hb-subset. */
static void pb_epub_font(pb_epub *e, size_t i, const pb_face *f) {
  bool locl = pb_locl_matters(f, e->chars[i], e->s->lang);
  const char *features[PB_EPUB_NFEATURES];
  size_t nfeatures = pb_epub_feature_list(e, locl, features);
  unsigned flags = HB_SUBSET_FLAGS_DEFAULT | HB_SUBSET_FLAGS_NO_HINTING;
  /* Desubroutinized CFF deflates smaller (src/backend/pdf_font.c). */
  if (f->is_cff) flags |= HB_SUBSET_FLAGS_DESUBROUTINIZE;
  pb_subset_spec spec = {
      .unicodes = e->chars[i],
      .drop_tables = pb_epub_drop,
      .ndrop = sizeof pb_epub_drop / sizeof *pb_epub_drop,
      .features = features,
      .nfeatures = nfeatures,
      .flags = flags};
  hb_subset_plan_t *plan = f->hb_face ? pb_subset_plan(f->hb_face, &spec)
                                      : NULL;
  hb_face_t *sub = plan ? hb_subset_plan_execute_or_fail(plan) : NULL;
  hb_blob_t *blob = sub ? hb_face_reference_blob(sub) : NULL;
  unsigned len = 0;
  const char *data = blob ? hb_blob_get_data(blob, &len) : NULL;
  unsigned char *copy = data && len ? malloc(len) : NULL;
  if (copy) {
    memcpy(copy, data, len);
    pb_epub_add_font(e, i, copy, len);
  } else {
    e->st = PB_ERR_FONT;
    pb_diag_add_at(e->diags, PB_SEV_ERROR, e->path, (pb_pos){0, 0},
                   "cannot subset font %s (%s) for the EPUB",
                   f->ps_name ? f->ps_name : "?", f->file ? f->file : "?");
  }
  hb_blob_destroy(blob);
  hb_face_destroy(sub);
  hb_subset_plan_destroy(plan);
}

/* A cached font entry: its raw length and CRC (little-endian uint32),
 * then the subset's raw deflate stream, ready for the container. */
#define PB_EPUB_FONT_HEAD 8

/* Takes a cached entry as face i's font file (deflated); false if it is
 * not one. */
static bool pb_epub_cached_font(pb_epub *e, size_t i, unsigned char *data, size_t len) {
  if (len <= PB_EPUB_FONT_HEAD) return false;
  uint32_t raw = pb_get_le32(data), crc = pb_get_le32(data + 4);
  size_t n = len - PB_EPUB_FONT_HEAD;
  memmove(data, data + PB_EPUB_FONT_HEAD, n);
  size_t before = e->nfiles;
  pb_epub_add_font(e, i, data, n);
  if (e->nfiles != before + 1) return true; /* out of memory, reported */
  pb_epub_file *f = &e->files[before];
  f->deflated = true;
  f->raw_len = raw;
  f->crc = crc;
  return true;
}

/* Deflates face i's new font file (the last one added) for the container
 * and stores the result in the cache. */
static void pb_epub_cache_font(pb_epub *e, const char *hex) {
  pb_epub_file *f = &e->files[e->nfiles - 1];
  if (!pb_epub_file_deflate(e, f)) return; /* the container tries again */
  unsigned char *rec = malloc(PB_EPUB_FONT_HEAD + f->len);
  if (!rec) return;
  pb_put_le32(rec, f->raw_len);
  pb_put_le32(rec + 4, f->crc);
  memcpy(rec + PB_EPUB_FONT_HEAD, f->data, f->len);
  pb_cache_put(e->cache, hex, rec, PB_EPUB_FONT_HEAD + f->len);
  free(rec);
}

/* Each used face's subset, from the cache when it has it (then no shaping
 * for locl, no subsetting and no deflating); the cache holds exactly the
 * deflate stream the container gets for the bytes pb_epub_font makes. */
void pb_epub_write_fonts(pb_epub *e) {
  if (!e->embed) return;
  for (size_t i = 0; i < e->nfaces && e->st == PB_OK; i++) {
    if (!pb_face_used(e, i)) continue;
    const pb_face *f = pb_fontset_face(e->fs, i);
    char hex[33] = "";
    bool keyed = e->cache && pb_epub_font_key(e, f, e->chars[i], hex);
    void *data = NULL;
    size_t len = 0;
    if (keyed && pb_cache_get(e->cache, hex, &data, &len) &&
        pb_epub_cached_font(e, i, data, len))
      continue;
    free(data);
    size_t before = e->nfiles;
    pb_epub_font(e, i, f);
    if (keyed && e->st == PB_OK && e->nfiles == before + 1) pb_epub_cache_font(e, hex);
  }
}

/* ---------------------------------------------------------------------- */
/* The style sheet                                                        */

typedef struct pb_css {
  xmlBufferPtr b;
  bool failed;
} pb_css;

static void pb_css_put(pb_css *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void pb_css_put(pb_css *c, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof buf || xmlBufferCCat(c->b, buf) != 0)
    c->failed = true;
}

/* A CSS string: family names with quotes or backslashes escaped. */
static void pb_css_string(pb_css *c, const char *s) {
  char buf[256];
  size_t k = 0;
  buf[k++] = '"';
  for (; s && *s && k + 4 < sizeof buf; s++) {
    if (*s == '"' || *s == '\\') buf[k++] = '\\';
    if ((unsigned char)*s >= ' ') buf[k++] = *s;
  }
  buf[k++] = '"';
  buf[k] = '\0';
  pb_css_put(c, "%s", buf);
}

/* One font-family declaration: the stack's faces (their embedded families,
 * or their installed family names), then a generic family. */
static void pb_css_family(pb_css *c, const pb_epub *e, const pb_epub_stack *st,
                          bool mono) {
  pb_css_put(c, "font-family: ");
  const char *done[PB_EPUB_MAX_STACK];
  int ndone = 0;
  for (int j = 0; j < st->n; j++) {
    const pb_face *f = pb_fontset_face(e->fs, (size_t)st->face[j]);
    if (e->embed) {
      pb_css_put(c, "\"pb-f%02d\", ", st->face[j]);
      continue;
    }
    bool dup = false;
    for (int k = 0; k < ndone; k++)
      dup |= f->family && done[k] && strcmp(done[k], f->family) == 0;
    if (dup || !f->family) continue;
    done[ndone++] = f->family;
    pb_css_string(c, f->family);
    pb_css_put(c, ", ");
  }
  pb_css_put(c, "%s;", mono ? "monospace" : "serif");
}

/* A vertical edition (clreq-digest §6): columns right to left on the root
 * (with the EPUB 3.0.1 prefixed name older reading systems read); Latin
 * text lies on its side, the browser's default (text-orientation: mixed,
 * as paiban's PDF rotates it); the digit runs paiban sets upright in one
 * em are span.tcy, combined upright.  Physical margins of the horizontal
 * rules turn with the page: a block's start is now its right, a line's
 * start its top. */
static void pb_css_vertical(pb_css *c) {
  pb_css_put(
      c,
      "html { writing-mode: vertical-rl; -epub-writing-mode: vertical-rl; "
      "text-orientation: mixed; }\n"
      ".tcy { text-combine-upright: all; -epub-text-combine: horizontal; }\n"
      "blockquote { margin: 2em 0.5em 0 0.5em; }\n"
      "ul, ol { margin: 0 0.5em; padding-left: 0; padding-top: 2em; }\n"
      "aside { margin-top: 0; margin-right: 1em; }\n"
      ".fn { margin-right: 0; margin-bottom: 0.5em; }\n"
      "hr { border-top: 0; border-right: 1px solid; width: auto; "
      "height: 30%%; margin: auto 1em; }\n");
}

/* @font-face rules for the embedded subsets. */
static void pb_css_font_faces(pb_css *c, pb_epub *e) {
  if (e->embed)
    for (size_t i = 0; i < e->nfaces; i++) {
      if (!pb_face_used(e, i)) continue;
      const pb_face *f = pb_fontset_face(e->fs, i);
      char file[96];
      pb_font_file(e, i, file, sizeof file);
      unsigned weight = f->hb_font ? (unsigned)(hb_style_get_value(
                                         f->hb_font, HB_STYLE_TAG_WEIGHT) + 0.5f)
                                   : 400;
      if (weight < 1 || weight > 1000) weight = 400;
      pb_css_put(c,
                 "@font-face {\n  font-family: \"pb-f%02zu\";\n"
                 "  src: url(\"%s\") format(\"%s\");\n"
                 "  font-style: %s;\n  font-weight: %u;\n}\n",
                 i, file, f->is_cff ? "opentype" : "truetype",
                 f->italic ? "italic" : "normal", weight);
    }

}

/* Font stacks by role (and for class "cjk"). */
static void pb_css_stacks(pb_css *c, pb_epub *e) {
  /* Font stacks by role; class "cjk" puts the CJK face first (shared
   * marks in Chinese text, clreq-digest §0).  Later rules win ties:
   * code over strong over emphasis, as the PDF's role choice. */
  static const struct {
    pb_role role;
    const char *sel, *cjk_sel;
  } rules[] = {
      {PB_ROLE_BODY, "html", ".cjk"},
      {PB_ROLE_STRONG, "h1, h2, h3, h4, h5, h6",
       "h1 .cjk, h2 .cjk, h3 .cjk, h4 .cjk, h5 .cjk, h6 .cjk"},
      {PB_ROLE_EMPH, "em", "em .cjk"},
      {PB_ROLE_STRONG, "strong, strong em", "strong .cjk, strong em .cjk"},
      {PB_ROLE_CODE, "code, pre", "code .cjk, pre .cjk"},
  };
  for (size_t r = 0; r < sizeof rules / sizeof *rules; r++)
    for (int k = 0; k < 2; k++) {
      pb_css_put(c, "%s { ", k ? rules[r].cjk_sel : rules[r].sel);
      pb_css_family(c, e, &e->stack[rules[r].role][k],
                    rules[r].role == PB_ROLE_CODE);
      pb_css_put(c, " }\n");
    }

}

void pb_epub_write_css(pb_epub *e) {
  pb_css c = {xmlBufferCreate(), false};
  if (!c.b) {
    pb_epub_fail(e, PB_ERR_NOMEM, "out of memory");
    return;
  }
  const pb_settings *s = e->s;
  bool zh = e->cjk_text;
  pb_css_put(&c, "/* paiban: EPUB style sheet for %s */\n", s->lang);
  pb_css_font_faces(&c, e);
  pb_css_stacks(&c, e);
  /* Text: no synthesized italic or bold (a Kai face set for emphasis is
   * upright, clreq's usual contrast); kinsoku (§1) as line-break: strict;
   * trimming of adjacent and line-end punctuation (§3); hanging marks when
   * the edition hangs them; the reader's own Han–Latin spacing (§4) stays
   * on — it adds nothing where paiban's U+2005 stands. */
  const char *trim = s->punct == PB_PUNCT_NONE            ? "space-all"
                     : s->punct == PB_PUNCT_HANS_STANDARD ? "trim-both"
                                                          : "normal";
  pb_css_put(&c,
             "html {\n  font-synthesis: none;\n  line-height: %s;\n"
             "  line-break: %s;\n  text-spacing-trim: %s;\n"
             "  text-autospace: normal;\n  hanging-punctuation: %s;\n%s}\n",
             zh ? "1.7" : "1.45",
             s->kinsoku == PB_KINSOKU_NONE ? "loose" : "strict", trim,
             s->hanging ? "allow-end" : "none",
             zh ? "" : "  hyphens: auto;\n  -webkit-hyphens: auto;\n");
  pb_css_put(&c,
             "body { margin: 0; }\n"
             "p { margin: 0; text-align: justify; text-indent: %s; }\n",
             zh ? "2em" : "1em");
  if (!zh)
    pb_css_put(&c, "h1 + p, h2 + p, h3 + p, h4 + p, h5 + p, h6 + p, "
                   "hr + p, .author + p, .subtitle + p, .title + p "
                   "{ text-indent: 0; }\n");
  pb_css_put(
      &c,
      "li p, aside p, p.subtitle, p.author { text-indent: 0; }\n"
      "h1, h2, h3, h4, h5, h6 { font-weight: bold; line-height: 1.5; "
      "margin: 1.2em 0 0.6em; text-align: start; }\n"
      "h1 { font-size: 1.5em; text-align: center; }\n"
      "h2 { font-size: 1.3em; }\n"
      "h3, h4, h5, h6 { font-size: 1.15em; }\n"
      "h1.title { font-size: 1.8em; margin: 1em 0; }\n"
      "p.subtitle, p.author { text-align: center; margin-bottom: 1em; }\n"
      "em { font-style: italic; }\n"
      "blockquote { margin: 0.5em 0 0.5em 2em; }\n"
      "ul, ol { margin: 0.5em 0; padding-left: 2em; }\n"
      "pre { white-space: pre-wrap; font-size: 0.9em; line-height: 1.5; "
      "text-align: start; margin: 0.5em 0; }\n"
      "sup { font-size: 0.7em; line-height: 0; }\n"
      "sup a { text-decoration: none; }\n"
      "aside { font-size: 0.8em; margin-top: 1em; }\n"
      ".fn { margin-right: 0.5em; }\n"
      "hr { border: 0; border-top: 1px solid; width: 30%%; "
      "margin: 1em auto; }\n");
  if (s->vertical)
    pb_css_vertical(&c);
  size_t len = (size_t)xmlBufferLength(c.b);
  unsigned char *data = c.failed ? NULL : malloc(len ? len : 1);
  if (data) memcpy(data, xmlBufferContent(c.b), len);
  xmlBufferFree(c.b);
  if (!data)
    pb_epub_fail(e, PB_ERR_NOMEM, "out of memory (style sheet)");
  else
    pb_epub_add(e, "EPUB/style.css", data, len, false);
}
