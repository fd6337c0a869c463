/* The EPUB 3 backend (include/paiban/backend.h, docs/DESIGN.md §11): the
 * container (libzip), the package document and the navigation document
 * (libxml2's xmlTextWriter); content documents come from epub_xhtml.c,
 * the style sheet and fonts from epub_css.c (src/backend/epub.h). */
#include "backend/epub.h"
#include "paiban/file.h"
#include "base/util.h"
#include "paiban/backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libdeflate.h>


static const pb_pos pb_nopos = {0, 0};

void pb_epub_fail(pb_epub *e, pb_status st, const char *what) {
  if (e->st != PB_OK) return;
  e->st = st;
  pb_diag_add_at(e->diags, PB_SEV_ERROR, e->path, pb_nopos,
                 "cannot write the EPUB: %s", what);
}

void pb_epub_add(pb_epub *e, const char *name, unsigned char *data, size_t len,
                 bool store) {
  char *n = pb_strdup(name);
  if (!n || !pb_grow((void **)&e->files, &e->files_cap, e->nfiles + 1,
                     sizeof *e->files)) {
    free(n);
    free(data);
    pb_epub_fail(e, PB_ERR_NOMEM, "out of memory");
    return;
  }
  e->files[e->nfiles++] = (pb_epub_file){n, data, len, store, false, 0, 0};
}

/* ---------------------------------------------------------------------- */
/* XML through xmlTextWriter                                              */

bool pb_epub_xml_begin(pb_epub *e, pb_epub_xml *x, bool indent) {
  memset(x, 0, sizeof *x);
  x->buf = xmlBufferCreate();
  x->w = x->buf ? xmlNewTextWriterMemory(x->buf, 0) : NULL;
  if (!x->w) {
    if (x->buf) xmlBufferFree(x->buf);
    x->buf = NULL;
    pb_epub_fail(e, PB_ERR_NOMEM, "out of memory (XML writer)");
    return false;
  }
  if (indent) {
    xmlTextWriterSetIndent(x->w, 1);
    xmlTextWriterSetIndentString(x->w, BAD_CAST "  ");
  }
  x->failed = xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0;
  return true;
}

void pb_epub_xml_finish(pb_epub *e, pb_epub_xml *x, const char *name) {
  if (!x->w) return;
  if (xmlTextWriterEndDocument(x->w) < 0) x->failed = true;
  xmlFreeTextWriter(x->w); /* flushes into buf */
  x->w = NULL;
  size_t len = x->buf ? (size_t)xmlBufferLength(x->buf) : 0;
  unsigned char *data = x->failed ? NULL : malloc(len ? len : 1);
  if (data) memcpy(data, xmlBufferContent(x->buf), len);
  if (x->buf) xmlBufferFree(x->buf);
  x->buf = NULL;
  if (!data) {
    pb_epub_fail(e, x->failed ? PB_ERR_INTERNAL : PB_ERR_NOMEM,
                 x->failed ? "libxml2 could not write a document"
                           : "out of memory");
    return;
  }
  pb_epub_add(e, name, data, len, false);
}

void pb_x_start(pb_epub_xml *x, const char *name) {
  if (xmlTextWriterStartElement(x->w, BAD_CAST name) < 0) x->failed = true;
}

void pb_x_attr(pb_epub_xml *x, const char *name, const char *value) {
  if (xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST value) < 0)
    x->failed = true;
}

void pb_x_text(pb_epub_xml *x, const char *utf8) {
  if (xmlTextWriterWriteString(x->w, BAD_CAST utf8) < 0) x->failed = true;
}

void pb_x_end(pb_epub_xml *x) {
  if (xmlTextWriterEndElement(x->w) < 0) x->failed = true;
}

static void pb_x_leaf(pb_epub_xml *x, const char *name, const char *text) {
  pb_x_start(x, name);
  pb_x_text(x, text);
  pb_x_end(x);
}

void pb_x_html_head(pb_epub *e, pb_epub_xml *x, const char *title, bool css) {
  if (xmlTextWriterWriteDTD(x->w, BAD_CAST "html", NULL, NULL, NULL) < 0)
    x->failed = true;
  pb_x_start(x, "html");
  pb_x_attr(x, "xmlns", "http://www.w3.org/1999/xhtml");
  pb_x_attr(x, "xmlns:epub", "http://www.idpf.org/2007/ops");
  pb_x_attr(x, "lang", e->s->lang);
  pb_x_attr(x, "xml:lang", e->s->lang);
  pb_x_start(x, "head");
  pb_x_start(x, "meta");
  pb_x_attr(x, "charset", "utf-8");
  pb_x_end(x);
  pb_x_leaf(x, "title", title);
  if (css) {
    pb_x_start(x, "link");
    pb_x_attr(x, "rel", "stylesheet");
    pb_x_attr(x, "type", "text/css");
    pb_x_attr(x, "href", "style.css");
    pb_x_end(x);
  }
  pb_x_end(x); /* head */
}

/* ---------------------------------------------------------------------- */
/* Identity and dates                                                     */

/* The book's title: the front matter's, else the file name without .md. */
static char *pb_epub_title(const pb_epub *e) {
  if (e->doc->meta.title && *e->doc->meta.title)
    return pb_strdup(e->doc->meta.title);
  const char *p = e->doc->path ? e->doc->path : "untitled";
  const char *base = strrchr(p, '/');
  base = base ? base + 1 : p;
  char *t = pb_strdup(*base ? base : "untitled");
  size_t n = t ? strlen(t) : 0;
  if (n > 3 && strcmp(t + n - 3, ".md") == 0) t[n - 3] = '\0';
  return t;
}

/* FNV-1a with a 128-bit state (offset basis and prime from the FNV
 * specification).  Hand-written because the identifier only needs to be
 * stable and distinct, not secret: none of the libraries paiban links
 * (libxml2, libzip, HarfBuzz ...) exposes a digest, and a crypto library
 * for one identifier is not worth the dependency. */
typedef struct pb_fnv128 {
  unsigned __int128 h;
} pb_fnv128;

static void pb_fnv128_init(pb_fnv128 *f) {
  f->h = ((unsigned __int128)0x6c62272e07bb0142u << 64) | 0x62b821756295c58du;
}

static void pb_fnv128_add(pb_fnv128 *f, const void *data, size_t len) {
  const unsigned __int128 prime = ((unsigned __int128)1 << 88) | 0x13bu;
  const unsigned char *p = data;
  for (size_t i = 0; i < len; i++) {
    f->h ^= p[i];
    f->h *= prime;
  }
}

/* The front matter's date as "YYYY-MM-DD" (validated by the parser), or
 * "" when it has none. */
static void pb_epub_date(const pb_meta *m, char out[16]) {
  out[0] = '\0';
  if (pb_meta_has(m, PB_KEY_DATE))
    snprintf(out, 16, "%04d-%02d-%02d", m->date.year, m->date.month,
             m->date.day);
}

/* urn:uuid from the content: the text of every content document, the
 * navigation and the metadata (not the fonts, so a font update keeps the
 * book's identity), with the UUID version 8 ("custom") bits set. */
static void pb_epub_identifier(const pb_epub *e, const char *title,
                               char out[46]) {
  pb_fnv128 f;
  pb_fnv128_init(&f);
  char date[16];
  pb_epub_date(&e->doc->meta, date);
  const char *meta[] = {title, e->doc->meta.author, e->s->lang, date};
  for (size_t i = 0; i < sizeof meta / sizeof *meta; i++)
    pb_fnv128_add(&f, meta[i] ? meta[i] : "", meta[i] ? strlen(meta[i]) + 1 : 1);
  for (size_t i = 0; i < e->nfiles; i++) {
    const char *n = e->files[i].name;
    size_t nl = strlen(n);
    if (nl > 6 && strcmp(n + nl - 6, ".xhtml") == 0) {
      pb_fnv128_add(&f, n, nl + 1);
      pb_fnv128_add(&f, e->files[i].data, e->files[i].len);
    }
  }
  unsigned char b[16];
  for (int i = 0; i < 16; i++) b[i] = (unsigned char)(f.h >> (8 * (15 - i)));
  b[6] = (unsigned char)((b[6] & 0x0F) | 0x80); /* version 8 */
  b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* RFC 9562 variant */
  snprintf(out, 46,
           "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
           "%02x%02x%02x%02x%02x%02x",
           b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
           b[11], b[12], b[13], b[14], b[15]);
}

/* The modification date: the front matter's date or SOURCE_DATE_EPOCH
 * (settings.date_epoch, set by the caller); without either, 1980-01-01,
 * the earliest date a ZIP entry can carry — never the clock, so the same
 * input gives the same bytes. */
static int64_t pb_epub_epoch(const pb_epub *e) {
  int64_t t = e->s->date_epoch;
  if (t < 315532800) t = 315532800;         /* 1980-01-01 */
  if (t > 4354819199LL) t = 4354819199LL;   /* 2107-12-31, DOS's last year */
  return t;
}

/* ---------------------------------------------------------------------- */
/* Package and navigation documents                                       */

static void pb_epub_container(pb_epub *e) {
  pb_epub_xml x;
  if (!pb_epub_xml_begin(e, &x, true)) return;
  pb_x_start(&x, "container");
  pb_x_attr(&x, "version", "1.0");
  pb_x_attr(&x, "xmlns", "urn:oasis:names:tc:opendocument:xmlns:container");
  pb_x_start(&x, "rootfiles");
  pb_x_start(&x, "rootfile");
  pb_x_attr(&x, "full-path", "EPUB/package.opf");
  pb_x_attr(&x, "media-type", "application/oebps-package+xml");
  pb_x_end(&x);
  pb_x_end(&x);
  pb_x_end(&x);
  pb_epub_xml_finish(e, &x, "META-INF/container.xml");
}

/* The table of contents: the title, then every heading, nested by level
 * (a jump of several levels nests one deeper). */
static void pb_epub_toc(pb_epub *e, pb_epub_xml *x, const char *title) {
  const pb_doc *doc = e->doc;
  int minlv = 7;
  for (size_t i = 0; i < doc->nblocks; i++)
    if (doc->blocks[i].kind == PB_BLOCK_HEADING && doc->blocks[i].len &&
        doc->blocks[i].level < minlv)
      minlv = doc->blocks[i].level;
  pb_x_start(x, "ol");
  pb_x_start(x, "li");
  pb_x_start(x, "a");
  pb_x_attr(x, "href", e->sections[0].file);
  pb_x_text(x, title);
  pb_x_end(x);
  int depth = 0;
  for (size_t s = 0; s < e->nsections; s++)
    for (size_t i = e->sections[s].b0; i < e->sections[s].b1; i++) {
      const pb_block *b = &doc->blocks[i];
      if (b->kind != PB_BLOCK_HEADING || !b->len) continue;
      char *label = pb_epub_block_label(b);
      if (!label) {
        pb_epub_fail(e, PB_ERR_NOMEM, "out of memory");
        return;
      }
      /* Depth 0 is the title's list; headings of the top level sit
       * beside the title, deeper ones inside the entry before them. */
      int d = b->level - minlv;
      if (d > depth + 1) d = depth + 1;
      if (d > depth) {
        pb_x_start(x, "ol"); /* inside the open li */
        depth = d;
      } else {
        pb_x_end(x); /* li */
        while (depth > d) {
          pb_x_end(x); /* ol */
          pb_x_end(x); /* li */
          depth--;
        }
      }
      pb_x_start(x, "li");
      pb_x_start(x, "a");
      char href[64];
      snprintf(href, sizeof href, "%s#h%zu", e->sections[s].file, i + 1);
      pb_x_attr(x, "href", href);
      pb_x_text(x, label);
      pb_x_end(x);
      free(label);
    }
  pb_x_end(x); /* li */
  while (depth > 0) {
    pb_x_end(x);
    pb_x_end(x);
    depth--;
  }
  pb_x_end(x); /* ol */
}

static void pb_epub_nav(pb_epub *e, const char *title) {
  bool zh = e->cjk_text;
  bool hans = e->s->script == PB_TEXT_HANS;
  const char *contents = zh ? (hans ? "目录" : "目錄") : "Contents";
  const char *landmarks = zh ? (hans ? "导览" : "導覽") : "Landmarks";
  const char *start = zh ? (hans ? "正文" : "正文") : "Start of text";
  pb_epub_xml x;
  if (!pb_epub_xml_begin(e, &x, true)) return;
  pb_x_html_head(e, &x, contents, true);
  pb_x_start(&x, "body");
  pb_x_start(&x, "nav");
  pb_x_attr(&x, "epub:type", "toc");
  pb_x_attr(&x, "role", "doc-toc");
  pb_x_attr(&x, "id", "toc");
  pb_x_leaf(&x, "h1", contents);
  pb_epub_toc(e, &x, title);
  pb_x_end(&x);
  pb_x_start(&x, "nav");
  pb_x_attr(&x, "epub:type", "landmarks");
  pb_x_attr(&x, "hidden", "hidden");
  pb_x_leaf(&x, "h2", landmarks);
  pb_x_start(&x, "ol");
  pb_x_start(&x, "li");
  pb_x_start(&x, "a");
  pb_x_attr(&x, "epub:type", "toc");
  pb_x_attr(&x, "href", "nav.xhtml#toc");
  pb_x_text(&x, contents);
  pb_x_end(&x);
  pb_x_end(&x);
  pb_x_start(&x, "li");
  pb_x_start(&x, "a");
  pb_x_attr(&x, "epub:type", "bodymatter");
  pb_x_attr(&x, "href", e->sections[0].file);
  pb_x_text(&x, start);
  pb_x_end(&x);
  pb_x_end(&x);
  pb_x_end(&x); /* ol */
  pb_x_end(&x); /* nav */
  pb_x_end(&x); /* body */
  pb_x_end(&x); /* html */
  pb_epub_xml_finish(e, &x, "EPUB/nav.xhtml");
}

static void pb_x_meta(pb_epub_xml *x, const char *property, const char *v) {
  pb_x_start(x, "meta");
  pb_x_attr(x, "property", property);
  pb_x_text(x, v);
  pb_x_end(x);
}

static void pb_x_item(pb_epub_xml *x, const char *id, const char *href,
                      const char *type, const char *props) {
  pb_x_start(x, "item");
  pb_x_attr(x, "id", id);
  pb_x_attr(x, "href", href);
  pb_x_attr(x, "media-type", type);
  if (props) pb_x_attr(x, "properties", props);
  pb_x_end(x);
}

static void pb_epub_package(pb_epub *e, const char *title) {
  char id[46], modified[32];
  pb_epub_identifier(e, title, id);
  time_t t = (time_t)pb_epub_epoch(e);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(modified, sizeof modified, "%Y-%m-%dT%H:%M:%SZ", &tm);
  const pb_meta *m = &e->doc->meta;

  pb_epub_xml x;
  if (!pb_epub_xml_begin(e, &x, true)) return;
  pb_x_start(&x, "package");
  pb_x_attr(&x, "xmlns", "http://www.idpf.org/2007/opf");
  pb_x_attr(&x, "version", "3.0");
  pb_x_attr(&x, "unique-identifier", "pub-id");
  pb_x_attr(&x, "xml:lang", e->s->lang);
  pb_x_start(&x, "metadata");
  pb_x_attr(&x, "xmlns:dc", "http://purl.org/dc/elements/1.1/");
  pb_x_start(&x, "dc:identifier");
  pb_x_attr(&x, "id", "pub-id");
  pb_x_text(&x, id);
  pb_x_end(&x);
  pb_x_leaf(&x, "dc:title", title);
  if (m->author && *m->author) pb_x_leaf(&x, "dc:creator", m->author);
  pb_x_leaf(&x, "dc:language", e->s->lang);
  char date[16];
  pb_epub_date(m, date);
  if (*date) pb_x_leaf(&x, "dc:date", date);
  pb_x_meta(&x, "dcterms:modified", modified);
  /* Accessibility metadata (EPUB Accessibility 1.1, schema.org). */
  pb_x_meta(&x, "schema:accessMode", "textual");
  pb_x_meta(&x, "schema:accessModeSufficient", "textual");
  pb_x_meta(&x, "schema:accessibilityFeature", "structuralNavigation");
  pb_x_meta(&x, "schema:accessibilityFeature", "tableOfContents");
  pb_x_meta(&x, "schema:accessibilityFeature", "readingOrder");
  pb_x_meta(&x, "schema:accessibilityHazard", "none");
  pb_x_meta(&x, "schema:accessibilitySummary",
            "Reflowable text with a table of contents, headings in order "
            "and the language declared on every document; no images, "
            "audio or video. Footnotes are linked both ways.");
  pb_x_end(&x); /* metadata */

  pb_x_start(&x, "manifest");
  pb_x_item(&x, "nav", "nav.xhtml", "application/xhtml+xml", "nav");
  pb_x_item(&x, "css", "style.css", "text/css", NULL);
  for (size_t i = 0; i < e->nsections; i++) {
    char sid[32];
    snprintf(sid, sizeof sid, "c%03zu", i + 1);
    pb_x_item(&x, sid, e->sections[i].file, "application/xhtml+xml", NULL);
  }
  pb_epub_manifest_fonts(e, &x);
  pb_x_end(&x); /* manifest */

  pb_x_start(&x, "spine");
  /* A vertical book turns its pages right to left (clreq-digest §6). */
  if (e->s->vertical) pb_x_attr(&x, "page-progression-direction", "rtl");
  for (size_t i = 0; i < e->nsections; i++) {
    char sid[32];
    snprintf(sid, sizeof sid, "c%03zu", i + 1);
    pb_x_start(&x, "itemref");
    pb_x_attr(&x, "idref", sid);
    pb_x_end(&x);
  }
  /* The contents landmark points into the navigation document, so it is
   * in the spine too, out of the reading order. */
  pb_x_start(&x, "itemref");
  pb_x_attr(&x, "idref", "nav");
  pb_x_attr(&x, "linear", "no");
  pb_x_end(&x);
  pb_x_end(&x); /* spine */
  pb_x_end(&x); /* package */
  pb_epub_xml_finish(e, &x, "EPUB/package.opf");
}

/* ---------------------------------------------------------------------- */
/* The container                                                          */

/* An entry's data already deflated (raw deflate, libdeflate), handed to
 * libzip as a source whose stat names the method, sizes and CRC: libzip
 * then copies it instead of compressing it again with zlib (zip_close's
 * add_data: no recompression when the source's method is the entry's).
 * Why: zlib at level 9 was half of an EPUB render (27 M instructions for
 * the essay); libdeflate makes smaller streams in a fraction of that.
 * The source owns the compressed bytes. */
typedef struct pb_zsrc {
  const unsigned char *z; /* borrowed from the file (freed with e) */
  size_t zlen, pos;
  zip_uint64_t size;    /* uncompressed */
  zip_uint32_t crc;
  zip_error_t error;
} pb_zsrc;

static zip_int64_t pb_zsrc_cb(void *ud, void *data, zip_uint64_t len,
                              zip_source_cmd_t cmd) {
  pb_zsrc *z = ud;
  switch (cmd) {
  case ZIP_SOURCE_OPEN:
    z->pos = 0;
    return 0;
  case ZIP_SOURCE_READ: {
    size_t n = z->zlen - z->pos < len ? z->zlen - z->pos : (size_t)len;
    memcpy(data, z->z + z->pos, n);
    z->pos += n;
    return (zip_int64_t)n;
  }
  case ZIP_SOURCE_CLOSE:
    return 0;
  case ZIP_SOURCE_STAT: {
    if (len < sizeof(zip_stat_t)) return -1;
    zip_stat_t *st = data;
    zip_stat_init(st);
    st->valid = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD |
                ZIP_STAT_CRC | ZIP_STAT_ENCRYPTION_METHOD;
    st->size = z->size;
    st->comp_size = z->zlen;
    st->comp_method = ZIP_CM_DEFLATE;
    st->encryption_method = ZIP_EM_NONE;
    st->crc = z->crc;
    return sizeof *st;
  }
  case ZIP_SOURCE_ERROR:
    return zip_error_to_data(&z->error, data, len);
  case ZIP_SOURCE_FREE:
    zip_error_fini(&z->error);
    free(z);
    return 0;
  case ZIP_SOURCE_SUPPORTS:
    return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ,
                                          ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
                                          ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
  default:
    zip_error_set(&z->error, ZIP_ER_OPNOTSUPP, 0);
    return -1;
  }
}

bool pb_epub_deflate(pb_epub *e, const unsigned char *data, size_t len,
                     unsigned char **out, size_t *out_len, uint32_t *crc) {
  *out = NULL;
  if (!e->deflater) e->deflater = libdeflate_alloc_compressor(PB_EPUB_DEFLATE_LEVEL);
  if (!e->deflater) return false;
  size_t bound = libdeflate_deflate_compress_bound(e->deflater, len);
  *out = malloc(bound ? bound : 1);
  if (!*out) return false;
  *out_len = libdeflate_deflate_compress(e->deflater, data, len, *out, bound);
  *crc = (uint32_t)libdeflate_crc32(0, data, len);
  return *out_len > 0 || len == 0;
}

bool pb_epub_file_deflate(pb_epub *e, pb_epub_file *f) {
  if (f->deflated) return true;
  unsigned char *z = NULL;
  size_t zlen;
  uint32_t crc;
  if (f->len > UINT32_MAX || !pb_epub_deflate(e, f->data, f->len, &z, &zlen, &crc)) {
    free(z);
    return false;
  }
  free(f->data);
  *f = (pb_epub_file){f->name, z, zlen, false, true, (uint32_t)f->len, crc};
  return true;
}

/* A source of deflated file f for libzip; NULL when out of memory. */
static zip_source_t *pb_zsrc_new(zip_t *za, const pb_epub_file *f) {
  pb_zsrc *z = calloc(1, sizeof *z);
  if (!z) return NULL;
  *z = (pb_zsrc){.z = f->data, .zlen = f->len, .size = f->raw_len, .crc = f->crc};
  zip_error_init(&z->error);
  zip_source_t *src = zip_source_function(za, pb_zsrc_cb, z);
  if (src) return src;
  zip_error_fini(&z->error);
  free(z);
  return NULL;
}

/* The ZIP: mimetype first and stored (EPUB OCF), then the other files in
 * the order they were made, deflated (pb_zsrc); every entry dated from the
 * document's date in UTC (zip_file_set_dostime, not zip_file_set_mtime,
 * which would read the time zone).  Built in memory and written through
 * pb_atomic_file. */
static void pb_epub_zip(pb_epub *e, unsigned char **out, size_t *out_len) {
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
  zip_t *za = NULL;
  if (!src) goto fail;
  zip_source_keep(src);
  za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
  if (!za) goto fail;
  time_t t = (time_t)pb_epub_epoch(e);
  struct tm tm;
  gmtime_r(&t, &tm);
  zip_uint16_t dtime = (zip_uint16_t)(tm.tm_hour << 11 | tm.tm_min << 5 |
                                      tm.tm_sec / 2);
  zip_uint16_t ddate = (zip_uint16_t)((tm.tm_year - 80) << 9 |
                                      (tm.tm_mon + 1) << 5 | tm.tm_mday);
  for (size_t i = 0; i < e->nfiles; i++) {
    pb_epub_file *f = &e->files[i];
    if (!f->store && !pb_epub_file_deflate(e, f)) {
      pb_epub_fail(e, PB_ERR_NOMEM, "out of memory");
      goto fail_za;
    }
    zip_source_t *fs = f->store ? zip_source_buffer(za, f->data, f->len, 0)
                                : pb_zsrc_new(za, f);
    if (!fs) goto fail_za;
    zip_int64_t idx = zip_file_add(za, f->name, fs, ZIP_FL_ENC_GUESS);
    if (idx < 0) {
      zip_source_free(fs);
      goto fail_za;
    }
    if ((f->store && zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0) < 0) ||
        zip_file_set_dostime(za, (zip_uint64_t)idx, dtime, ddate, 0) < 0)
      goto fail_za;
  }
  if (zip_close(za) < 0) goto fail_za;
  za = NULL;
  zip_stat_t st;
  if (zip_source_open(src) < 0) goto fail;
  if (zip_source_stat(src, &st) < 0 || !(st.valid & ZIP_STAT_SIZE)) {
    zip_source_close(src);
    goto fail;
  }
  *out = malloc(st.size ? st.size : 1);
  *out_len = (size_t)st.size;
  if (!*out || zip_source_read(src, *out, st.size) != (zip_int64_t)st.size) {
    free(*out);
    *out = NULL;
    zip_source_close(src);
    goto fail;
  }
  zip_source_close(src);
  zip_source_free(src);
  return;
fail_za:
  zip_error_set(&ze, zip_error_code_zip(zip_get_error(za)), 0);
  zip_discard(za);
fail:
  if (src) zip_source_free(src);
  if (e->st == PB_OK) {
    e->st = PB_ERR_INTERNAL;
    pb_diag_add_at(e->diags, PB_SEV_ERROR, e->path, pb_nopos,
                   "cannot write the EPUB container: %s",
                   zip_error_strerror(&ze));
  }
  zip_error_fini(&ze);
}

static void pb_epub_free(pb_epub *e) {
  for (size_t i = 0; i < e->nfaces && e->chars; i++)
    hb_set_destroy(e->chars[i]);
  free(e->chars);
  for (size_t i = 0; i < e->nfiles; i++) {
    free(e->files[i].name);
    free(e->files[i].data);
  }
  free(e->files);
  if (e->deflater) libdeflate_free_compressor(e->deflater);
  free(e->sections);
  free(e->fn_section);
}

pb_status pb_epub_write(const pb_doc *doc, const pb_settings *s,
                        pb_fontset *fs, const char *path, pb_diags *diags) {
  return pb_epub_write_cached(doc, s, fs, NULL, path, diags);
}

pb_status pb_epub_write_cached(const pb_doc *doc, const pb_settings *s,
                               pb_fontset *fs, pb_cache *cache,
                               const char *path, pb_diags *diags) {
  pb_epub e = {.doc = doc, .s = s, .fs = fs, .cache = cache, .diags = diags,
               .path = path,
               .embed = doc->meta.epub_fonts == PB_EPUB_FONTS_EMBED,
               .cjk_text = s->script != PB_TEXT_LATIN};
  char why[512];
  if (!pb_epub_libs_load(why, sizeof why)) {
    pb_epub_fail(&e, PB_ERR_IO, why);
    return e.st;
  }
  char *title = pb_epub_title(&e);
  unsigned char *zip = NULL, *mt = NULL;
  size_t zip_len = 0;
  if (!title) pb_epub_fail(&e, PB_ERR_NOMEM, "out of memory");
  static const char mimetype[] = "application/epub+zip";
  if (e.st == PB_OK && (mt = malloc(sizeof mimetype - 1))) {
    memcpy(mt, mimetype, sizeof mimetype - 1);
    pb_epub_add(&e, "mimetype", mt, sizeof mimetype - 1, true);
  } else {
    pb_epub_fail(&e, PB_ERR_NOMEM, "out of memory");
  }
  if (e.st == PB_OK) pb_epub_container(&e);
  if (e.st == PB_OK) pb_epub_assign_fonts(&e);
  if (e.st == PB_OK) pb_epub_sections(&e);
  /* The package document comes third in the container, but its
   * identifier hashes the content documents: make those first. */
  size_t opf_at = e.nfiles;
  if (e.st == PB_OK) pb_epub_write_sections(&e);
  if (e.st == PB_OK) pb_epub_nav(&e, title);
  if (e.st == PB_OK) pb_epub_write_css(&e);
  if (e.st == PB_OK) pb_epub_write_fonts(&e);
  if (e.st == PB_OK) pb_epub_package(&e, title);
  if (e.st == PB_OK) {
    /* Move the package document (last) to its place after the container. */
    pb_epub_file opf = e.files[e.nfiles - 1];
    memmove(&e.files[opf_at + 1], &e.files[opf_at],
            (e.nfiles - 1 - opf_at) * sizeof *e.files);
    e.files[opf_at] = opf;
    pb_epub_zip(&e, &zip, &zip_len);
  }
  if (e.st == PB_OK) {
    pb_atomic_file af;
    if (pb_atomic_open(&af, path, diags) != PB_OK) {
      e.st = PB_ERR_IO;
    } else {
      size_t off = 0;
      while (off < zip_len) {
        ssize_t w = write(af.fd, zip + off, zip_len - off);
        if (w <= 0) break;
        off += (size_t)w;
      }
      if (off < zip_len) {
        pb_atomic_abort(&af);
        pb_epub_fail(&e, PB_ERR_IO, "write failed");
      } else if (pb_atomic_commit(&af, diags) != PB_OK) {
        e.st = PB_ERR_IO;
      }
    }
  }
  free(zip);
  free(title);
  pb_epub_free(&e);
  return e.st;
}
