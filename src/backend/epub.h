/* paiban — the EPUB backend's internals (docs/DESIGN.md §11): shared by
 * src/backend/epub.c (package, navigation, container), epub_xhtml.c
 * (content documents: structure and the typography paiban puts in the
 * markup) and epub_css.c (the style sheet and the font subsets).
 *
 * Input: a parsed (and derived) pb_doc, its pb_settings and the loaded
 * pb_fontset — the document tree, not the pages: an EPUB reflows.
 * Output: the files of the container, in memory.
 *
 * Ownership: pb_epub owns its files (names and bytes), its per-face
 * character sets and its section table; pb_epub_free() releases them.  It
 * borrows the document, settings and font set.
 */
#ifndef PB_EPUB_H
#define PB_EPUB_H

#include "paiban/doc.h"
#include "paiban/font.h"
#include "paiban/settings.h"
#include "text/face.h"

#include <hb.h>

/* libxml2 and libzip, through the table dlopen fills. */
#include "backend/epub_libs.h"

/* One file of the container, in the order it is written. */
typedef struct pb_epub_file {
  char *name;         /* owned: path inside the container ("EPUB/c001.xhtml") */
  unsigned char *data;/* owned: the bytes, or their raw deflate stream */
  size_t len;
  bool store;         /* stored uncompressed (the mimetype) */
  bool deflated;      /* data is already deflated (a font, possibly from
                         the cache): raw_len and crc describe the bytes */
  uint32_t raw_len, crc;
} pb_epub_file;

/* A content document: blocks [b0, b1) of the document. */
typedef struct pb_epub_section {
  size_t b0, b1;
  char file[32];      /* "c001.xhtml", relative to EPUB/ */
} pb_epub_section;

/* A font family stack of face indices (no duplicates), for a role, Latin
 * first (the default) or CJK first (class "cjk"). */
#define PB_EPUB_MAX_STACK 16
typedef struct pb_epub_stack {
  int face[PB_EPUB_MAX_STACK];
  int n;
} pb_epub_stack;

typedef struct pb_epub {
  const pb_doc *doc;
  const pb_settings *s;
  pb_fontset *fs;
  pb_cache *cache;        /* borrowed: finished font subsets (NULL: none) */
  pb_diags *diags;
  const char *path;       /* output path, for diagnostics */
  bool embed;             /* epub-fonts: embed (subsets) or none */
  bool cjk_text;          /* the edition is Chinese */
  size_t nfaces;
  hb_set_t **chars;       /* owned, nfaces: characters each face draws */
  pb_epub_stack stack[PB_ROLE_COUNT][2]; /* [role][cjk first] */
  pb_epub_section *sections; /* owned */
  size_t nsections;
  size_t *fn_section;     /* owned, by footnote number (1-based; [0]
                             unused): the section that first cites it */
  size_t nfootnotes;
  pb_epub_file *files;    /* owned */
  size_t nfiles, files_cap;
  struct libdeflate_compressor *deflater; /* owned, made on first use */
  pb_status st;           /* first failure; later steps do nothing */
} pb_epub;

/* Records an error (out of memory, a library failure) once. */
void pb_epub_fail(pb_epub *e, pb_status st, const char *what);

/* Adds a file (takes ownership of data, which must be malloc'd). */
void pb_epub_add(pb_epub *e, const char *name, unsigned char *data, size_t len,
                 bool store);

/* Deflates data[0..len) with e's compressor (libdeflate level
 * PB_EPUB_DEFLATE_LEVEL): *out malloc'd, *out_len, *crc; false when out of
 * memory.  The container's entries and the cached font subsets. */
#define PB_EPUB_DEFLATE_LEVEL 9
bool pb_epub_deflate(pb_epub *e, const unsigned char *data, size_t len,
                     unsigned char **out, size_t *out_len, uint32_t *crc);

/* Deflates file f in place, unless it already is; false when out of
 * memory (f is unchanged). */
bool pb_epub_file_deflate(pb_epub *e, pb_epub_file *f);

/* A writer into a memory buffer (no indentation when indent is false, so
 * inline markup gets no stray spaces); pb_epub_xml_finish hands the bytes
 * to pb_epub_add and frees the writer. */
typedef struct pb_epub_xml {
  xmlBufferPtr buf;
  xmlTextWriterPtr w;
  bool failed;            /* a libxml2 call returned an error */
} pb_epub_xml;

bool pb_epub_xml_begin(pb_epub *e, pb_epub_xml *x, bool indent);
void pb_epub_xml_finish(pb_epub *e, pb_epub_xml *x, const char *name);
/* Thin wrappers that remember a failure in x->failed. */
void pb_x_start(pb_epub_xml *x, const char *name);
void pb_x_attr(pb_epub_xml *x, const char *name, const char *value);
void pb_x_text(pb_epub_xml *x, const char *utf8);
void pb_x_end(pb_epub_xml *x);
/* <html> with the XHTML and OPS namespaces, lang and xml:lang, a <head>
 * with title and (when css) the style sheet; leaves <html> open. */
void pb_x_html_head(pb_epub *e, pb_epub_xml *x, const char *title, bool css);

/* epub_xhtml.c: assigns every character a face (as the PDF's shaper does),
 * fills e->chars and the stacks; then splits the document into sections. */
void pb_epub_assign_fonts(pb_epub *e);
void pb_epub_sections(pb_epub *e);
/* Writes the content documents (EPUB/cNNN.xhtml). */
void pb_epub_write_sections(pb_epub *e);
/* UTF-8 of a block's text without footnote marks (for headings in the
 * navigation); malloc'd, NULL when out of memory. */
char *pb_epub_block_label(const pb_block *b);

/* epub_css.c: EPUB/style.css and, when embedding, the font files. */
void pb_epub_write_css(pb_epub *e);
void pb_epub_write_fonts(pb_epub *e);
/* The manifest entries of the fonts (id, href, media type), written by
 * the package document. */
void pb_epub_manifest_fonts(pb_epub *e, pb_epub_xml *x);

#endif
