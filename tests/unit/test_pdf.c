/* Unit tests for the PDF backend (src/backend_pdf.c, src/pdf_font.c,
 * src/atomic_file.c).
 *
 * A small layout is built by hand — a line of Noto Serif CJK TC, a line of
 * Noto Serif shaped with HarfBuzz (so "ffi" is one ligature glyph) — and
 * written as PDF; the file is then checked with independent tools: qpdf
 * --check, pdffonts (every font embedded and subset, with ToUnicode) and
 * pdftotext -raw (the text comes back).  Also: atomic output (missing
 * directory, no clobbering on failure, nothing left behind), byte-identical
 * output for the same input, and the pure helpers (number formatting,
 * UTF-16 surrogates for ToUnicode). */
#include "check.h"

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hb.h>

#include "paiban/backend.h"
#include "paiban/font.h"
#include "paiban/layout.h"
#include "backend/pdf_font.h"
#include "text/sfnt.h"

static char tmpdir[64];

/* ---- helpers ------------------------------------------------------------ */

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n == cap) {
      cap = cap ? cap * 2 : 65536;
      char *p = realloc(buf, cap + 1);
      if (!p) break;
      buf = p;
    }
    size_t r = fread(buf + n, 1, cap - n, f);
    if (r == 0) break;
    n += r;
  }
  fclose(f);
  if (buf) buf[n] = '\0';
  if (len) *len = n;
  return buf;
}

static void write_file(const char *path, const char *s) {
  FILE *f = fopen(path, "wb");
  if (!f) return;
  fputs(s, f);
  fclose(f);
}

/* Number of directory entries whose name starts with prefix. */
static int count_entries(const char *dir, const char *prefix) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) n++;
  closedir(d);
  return n;
}

static int run(const char *fmt, const char *a, const char *b) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, fmt, a, b);
  int rc = system(cmd);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* The value of "Key:   value" in pdfinfo output, or "" (static buffer). */
static const char *info_value(const char *txt, const char *key) {
  static char val[256];
  val[0] = '\0';
  size_t kl = strlen(key);
  for (const char *l = txt; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    if (strncmp(l, key, kl) == 0 && l[kl] == ':') {
      const char *v = l + kl + 1;
      while (*v == ' ') v++;
      size_t n = strcspn(v, "\n");
      if (n >= sizeof val) n = sizeof val - 1;
      memcpy(val, v, n);
      val[n] = '\0';
      break;
    }
  }
  return val;
}

/* Does the file's text (binary streams included) contain s? */
static bool contains(const char *data, size_t len, const char *s) {
  size_t n = strlen(s);
  for (size_t i = 0; n <= len && i <= len - n; i++)
    if (data[i] == s[0] && memcmp(data + i, s, n) == 0) return true;
  return false;
}

static bool has_error_at(const pb_diags *d, const char *path) {
  for (size_t i = 0; i < d->count; i++)
    if (d->items[i].severity == PB_SEV_ERROR && d->items[i].path &&
        strcmp(d->items[i].path, path) == 0 && d->items[i].pos.line == 0)
      return true;
  return false;
}

/* Decodes UTF-8 (valid input only) into the layout's text pool. */
static uint32_t add_text(pb_layout *lo, const char *s, size_t *n_out) {
  uint32_t cps[256];
  size_t n = 0;
  const unsigned char *p = (const unsigned char *)s;
  while (*p && n < 256) {
    uint32_t c = *p++;
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    c &= extra ? 0x3Fu >> extra : 0x7F;
    while (extra-- > 0) c = c << 6 | (*p++ & 0x3F);
    cps[n++] = c;
  }
  uint32_t off = 0;
  CHECK(pb_layout_add_text(lo, cps, n, &off));
  *n_out = n;
  return off;
}

/* Shapes s with face fi (left to right) and places its glyphs on page pg
 * from (x, y) at size; extra is added after every glyph (letterspacing, to
 * exercise TJ numbers).  Cluster text goes to the first glyph of each
 * cluster, as the layout stage does. */
static pb_len place(pb_layout *lo, pb_page *pg, const pb_fontset *fs, int fi,
                    const char *s, pb_len x, pb_len y, pb_len size,
                    pb_len extra) {
  const pb_face *face = pb_fontset_face(fs, (size_t)fi);
  size_t n = 0;
  uint32_t off = add_text(lo, s, &n);
  hb_buffer_t *buf = hb_buffer_create();
  hb_buffer_add_utf32(buf, lo->text + off, (int)n, 0, (int)n);
  hb_buffer_guess_segment_properties(buf);
  hb_shape(face->hb_font, buf, NULL, 0);
  unsigned ng = 0;
  hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &ng);
  hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, NULL);
  int xs = 0, ys = 0;
  hb_font_get_scale(face->hb_font, &xs, &ys);
  for (unsigned i = 0; i < ng; i++) {
    uint32_t c = info[i].cluster, next = (uint32_t)n;
    for (unsigned j = i + 1; j < ng; j++)
      if (info[j].cluster != c) {
        next = info[j].cluster;
        break;
      }
    bool first = i == 0 || info[i - 1].cluster != c;
    pb_placed_glyph g = {
        .gid = info[i].codepoint,
        .face = (uint16_t)fi,
        .size = size,
        .x = x + (pb_len)((int64_t)pos[i].x_offset * size / xs),
        .y = y + (pb_len)((int64_t)pos[i].y_offset * size / xs),
        .text_off = off + c,
        .text_len = first ? next - c : 0,
    };
    CHECK(pb_page_add_glyph(pg, g));
    x += (pb_len)((int64_t)pos[i].x_advance * size / xs) + extra;
  }
  hb_buffer_destroy(buf);
  return x;
}

static char *dupstr(const char *s) {
  char *p = malloc(strlen(s) + 1);
  if (p) strcpy(p, s);
  return p;
}

/* ---- pure helpers ------------------------------------------------------- */

static void test_helpers(void) {
  char out[64];
  uint32_t a[] = {0x41};
  CHECK_EQ_INT(pb_pdf_utf16_hex(a, 1, out), 4);
  CHECK_EQ_STR(out, "0041");
  uint32_t han[] = {0x6392, 0x7248};
  pb_pdf_utf16_hex(han, 2, out);
  CHECK_EQ_STR(out, "63927248");
  uint32_t astral[] = {0x20000, 0x1F600, 0x10FFFF};
  CHECK_EQ_INT(pb_pdf_utf16_hex(astral, 3, out), 24);
  CHECK_EQ_STR(out, "D840DC00D83DDE00DBFFDFFF");
  uint32_t bad[] = {0xD800, 0x110000};
  pb_pdf_utf16_hex(bad, 2, out);
  CHECK_EQ_STR(out, "FFFDFFFD");
  uint32_t ffi[] = {'f', 'f', 'i'};
  pb_pdf_utf16_hex(ffi, 3, out);
  CHECK_EQ_STR(out, "006600660069");

  struct {
    int64_t v;
    const char *s;
  } nums[] = {{0, "0"},          {10500, "10.5"}, {-250, "-0.25"},
              {1, "0.001"},      {-1000, "-1"},   {595276, "595.276"},
              {-100000, "-100"}, {12340, "12.34"}};
  for (size_t i = 0; i < sizeof nums / sizeof *nums; i++) {
    pb_pdfbuf b = {0};
    pb_pdfbuf_milli(&b, nums[i].v);
    pb_pdfbuf_put(&b, "", 1);
    CHECK_EQ_STR(b.data, nums[i].s);
    pb_pdfbuf_free(&b);
  }
  CHECK_EQ_INT(pb_pdf_round_div(5, 10), 1);
  CHECK_EQ_INT(pb_pdf_round_div(-5, 10), -1);
  CHECK_EQ_INT(pb_pdf_round_div(4, 10), 0);
  CHECK_EQ_INT(pb_pdf_round_div(-14, 10), -1);

  uint16_t c1[] = {3, 17, 400}, c2[] = {3, 17, 401};
  char t1[7], t2[7], t3[7];
  pb_pdf_subset_tag("NotoSerifCJKtc-Regular", c1, 3, t1);
  pb_pdf_subset_tag("NotoSerifCJKtc-Regular", c1, 3, t2);
  pb_pdf_subset_tag("NotoSerifCJKtc-Regular", c2, 3, t3);
  CHECK_EQ_STR(t1, t2);
  CHECK(strcmp(t1, t3) != 0);
  bool upper = strlen(t1) == 6;
  for (int i = 0; i < 6; i++) upper = upper && t1[i] >= 'A' && t1[i] <= 'Z';
  CHECK(upper);
}

/* A minimal CFF table: header, Name INDEX, Top DICT INDEX (optional ROS,
 * charset, CharStrings), a format-2 charset and 5 empty charstrings. */
static hb_face_t *cff_face(bool ros, const uint8_t *charset, size_t cslen,
                           size_t truncate) {
  uint8_t b[128];
  size_t n = 0;
  const uint8_t head[] = {1, 0, 4, 1, /* Name INDEX */ 0, 1, 1, 1, 2, 'A'};
  memcpy(b, head, sizeof head);
  n = sizeof head;
  uint8_t dict[32];
  size_t dl = 0;
  if (ros) {
    /* 391 392 0 ROS */
    const uint8_t r[] = {248, 27, 248, 28, 139, 12, 30};
    memcpy(dict, r, sizeof r);
    dl = sizeof r;
  }
  /* charset and CharStrings offsets as 16-bit operands (28 hi lo) */
  size_t top_len = 5 + dl + 8; /* INDEX header + dict */
  size_t charset_off = n + top_len, charstrings_off = charset_off + cslen;
  const uint8_t ops[] = {28, (uint8_t)(charset_off >> 8), (uint8_t)charset_off,
                         15, 28, (uint8_t)(charstrings_off >> 8),
                         (uint8_t)charstrings_off, 17};
  memcpy(dict + dl, ops, sizeof ops);
  dl += sizeof ops;
  b[n++] = 0;
  b[n++] = 1;
  b[n++] = 1;
  b[n++] = 1;
  b[n++] = (uint8_t)(1 + dl);
  memcpy(b + n, dict, dl);
  n += dl;
  memcpy(b + n, charset, cslen);
  n += cslen;
  const uint8_t cstr[] = {0, 5, 1, 1, 2, 3, 4, 5, 6, 14, 14, 14, 14, 14};
  memcpy(b + n, cstr, sizeof cstr);
  n += sizeof cstr;
  if (truncate) n = truncate;
  hb_blob_t *blob =
      hb_blob_create((const char *)b, (unsigned)n, HB_MEMORY_MODE_DUPLICATE,
                     NULL, NULL);
  hb_face_t *face = hb_face_builder_create();
  hb_face_builder_add_table(face, HB_TAG('C', 'F', 'F', ' '), blob);
  hb_blob_destroy(blob);
  return face;
}

static void test_cff_charset(void) {
  /* format 2: gids 1-3 -> CIDs 100-102, gid 4 -> CID 5 */
  const uint8_t fmt2[] = {2, 0, 100, 0, 2, 0, 5, 0, 0};
  hb_face_t *f = cff_face(true, fmt2, sizeof fmt2, 0);
  uint16_t *cid = NULL;
  CHECK_EQ_INT(pb_cff_cids(f, 5, &cid), 0);
  CHECK(cid != NULL);
  if (cid) {
    CHECK_EQ_INT(cid[0], 0);
    CHECK_EQ_INT(cid[1], 100);
    CHECK_EQ_INT(cid[3], 102);
    CHECK_EQ_INT(cid[4], 5);
  }
  free(cid);
  hb_face_destroy(f);
  /* format 1 (8-bit counts), identity: no table needed */
  const uint8_t fmt1[] = {1, 0, 1, 3};
  f = cff_face(true, fmt1, sizeof fmt1, 0);
  CHECK_EQ_INT(pb_cff_cids(f, 5, &cid), 0);
  CHECK(cid == NULL);
  hb_face_destroy(f);
  /* format 0 */
  const uint8_t fmt0[] = {0, 0, 7, 0, 2, 0, 3, 0, 4};
  f = cff_face(true, fmt0, sizeof fmt0, 0);
  CHECK_EQ_INT(pb_cff_cids(f, 5, &cid), 0);
  CHECK(cid && cid[1] == 7 && cid[2] == 2 && cid[4] == 4);
  free(cid);
  hb_face_destroy(f);
  /* name-keyed (no ROS): glyph ids are the codes */
  f = cff_face(false, fmt2, sizeof fmt2, 0);
  cid = NULL;
  CHECK_EQ_INT(pb_cff_cids(f, 5, &cid), 0);
  CHECK(cid == NULL);
  hb_face_destroy(f);
  /* cut short inside the Top DICT */
  f = cff_face(true, fmt2, sizeof fmt2, 17);
  CHECK_EQ_INT(pb_cff_cids(f, 5, &cid), -1);
  CHECK(cid == NULL);
  hb_face_destroy(f);
}

/* ---- the layout --------------------------------------------------------- */

static const char *const cjk_line = "排版測試：中文書籍。";
static const char *const latin_line = "Efficient office ffi 2024";

static bool build_layout(pb_layout *lo, const pb_fontset *fs, int cjk,
                         int latin) {
  memset(lo, 0, sizeof *lo);
  /* A5 trim with 3 mm bleed, on media with room for crop marks. */
  lo->media_w = PB_MM(172);
  lo->media_h = PB_MM(234);
  lo->trim_x = PB_MM(12);
  lo->trim_y = PB_MM(12);
  lo->trim_w = PB_MM(148);
  lo->trim_h = PB_MM(210);
  lo->bleed = PB_MM(3);
  lo->crop_marks = true;
  lo->title = dupstr("排版測試");
  lo->subtitle = dupstr("A test (with parens)");
  lo->author = dupstr("Paiban Tester");
  lo->lang = dupstr("zh-Hant");
  lo->date_epoch = 1700000000;
  pb_page *p1 = pb_layout_add_page(lo);
  if (!p1) return false;
  pb_len top = lo->media_h - PB_MM(30);
  /* Line 1: CJK with 1 pt between characters -> TJ numbers. */
  place(lo, p1, fs, cjk, cjk_line, PB_MM(20), top, PB_PT(10.5), PB_PT(1));
  /* Line 2: Latin (ligatures), no extra spacing -> no TJ numbers. */
  place(lo, p1, fs, latin, latin_line, PB_MM(20), top - PB_PT(18), PB_PT(10.5),
        0);
  /* Line 3: mixed, CJK then Latin on one baseline. */
  pb_len x = place(lo, p1, fs, cjk, "中文", PB_MM(20), top - PB_PT(36),
                   PB_PT(10.5), 0);
  place(lo, p1, fs, latin, "PDF", x + PB_PT(2.625), top - PB_PT(36),
        PB_PT(10.5), 0);
  /* Page 2: one line; page 3 stays empty. */
  pb_page *p2 = pb_layout_add_page(lo);
  if (!p2) return false;
  place(lo, p2, fs, cjk, "第二頁", PB_MM(20), top, PB_PT(12), 0);
  if (!pb_layout_add_page(lo)) return false;
  /* Bookmarks (UTF-8 titles) and a link. */
  lo->outline = calloc(2, sizeof *lo->outline);
  if (!lo->outline) return false;
  lo->outline[0] = (pb_outline_entry){dupstr("第一章"), 1, 0, top};
  lo->outline[1] = (pb_outline_entry){dupstr("Section two"), 2, 1, top};
  lo->noutline = lo->outline_cap = 2;
  lo->links = calloc(1, sizeof *lo->links);
  if (!lo->links) return false;
  lo->links[0] = dupstr("https://example.org/書");
  lo->nlinks = 1;
  return pb_page_add_link(p1, (pb_link_area){PB_MM(20), top - PB_PT(40),
                                             PB_MM(60), top - PB_PT(28), 1, -1, 0});
}

/* pdffonts: every font line must read "yes yes yes" for emb, sub, uni. */
static void check_pdffonts(const char *pdf, int expect_fonts) {
  char out[256];
  snprintf(out, sizeof out, "%s/fonts.txt", tmpdir);
  CHECK_EQ_INT(run("pdffonts '%s' > '%s' 2>&1", pdf, out), 0);
  char *txt = read_file(out, NULL);
  CHECK(txt != NULL);
  if (!txt) return;
  int fonts = 0, good = 0, lineno = 0;
  for (char *line = strtok(txt, "\n"); line; line = strtok(NULL, "\n")) {
    if (++lineno <= 2) continue; /* header and ----- rule */
    char *tok[32];
    int nt = 0;
    for (char *t = line; nt < 32;) {
      while (*t == ' ') t++;
      if (!*t) break;
      tok[nt++] = t;
      while (*t && *t != ' ') t++;
      if (*t) *t++ = '\0';
    }
    if (nt < 6) continue;
    fonts++;
    /* ... emb sub uni object-number generation */
    if (!strcmp(tok[nt - 5], "yes") && !strcmp(tok[nt - 4], "yes") &&
        !strcmp(tok[nt - 3], "yes") && strchr(tok[0], '+') == tok[0] + 6)
      good++;
    else
      fprintf(stderr, "pdffonts line %d: not embedded/subset/uni\n", lineno);
  }
  CHECK_EQ_INT(fonts, expect_fonts);
  CHECK_EQ_INT(good, fonts);
  free(txt);
}

static void check_text(const char *pdf) {
  char out[256];
  snprintf(out, sizeof out, "%s/text.txt", tmpdir);
  CHECK_EQ_INT(run("pdftotext -raw -enc UTF-8 '%s' '%s'", pdf, out), 0);
  char *txt = read_file(out, NULL);
  CHECK(txt != NULL);
  if (!txt) return;
  /* Letterspaced CJK may come back with spaces between characters only if
   * the gaps were large; 1 pt at 10.5 pt is not. */
  CHECK(strstr(txt, cjk_line) != NULL);
  CHECK(strstr(txt, latin_line) != NULL);
  CHECK(strstr(txt, "中文 PDF") != NULL || strstr(txt, "中文PDF") != NULL);
  CHECK(strstr(txt, "第二頁") != NULL);
  if (!strstr(txt, cjk_line) || !strstr(txt, latin_line))
    fprintf(stderr, "pdftotext gave:\n%s\n", txt);
  free(txt);
}

static void test_write(const pb_fontset *fs, int cjk, int latin) {
  pb_layout lo;
  CHECK(build_layout(&lo, fs, cjk, latin));
  char a[128], b[128], raw[128];
  snprintf(a, sizeof a, "%s/a.pdf", tmpdir);
  snprintf(b, sizeof b, "%s/b.pdf", tmpdir);
  snprintf(raw, sizeof raw, "%s/raw.pdf", tmpdir);

  pb_diags d;
  pb_diags_init(&d, "test.md");
  pb_pdf_options opt = {.compress = true};
  CHECK_EQ_INT(pb_pdf_write(&lo, fs, &opt, a, &d), PB_OK);
  CHECK_EQ_INT(d.errors, 0);
  for (size_t i = 0; i < d.count; i++)
    fprintf(stderr, "diag: %s\n", d.items[i].message);
  CHECK_EQ_INT(run("qpdf --check '%s' > /dev/null%s", a, ""), 0);
  check_pdffonts(a, 2);
  check_text(a);
  char pages[256];
  snprintf(pages, sizeof pages, "%s/info.txt", tmpdir);
  CHECK_EQ_INT(run("pdfinfo '%s' > '%s'", a, pages), 0);
  char *info = read_file(pages, NULL);
  CHECK(info != NULL);
  if (info) {
    CHECK_EQ_STR(info_value(info, "Pages"), "3");
    CHECK_EQ_STR(info_value(info, "PDF version"), "1.6");
    CHECK_EQ_STR(info_value(info, "Title"), "排版測試");
    CHECK_EQ_STR(info_value(info, "Author"), "Paiban Tester");
    CHECK_EQ_STR(info_value(info, "Subject"), "A test (with parens)");
    CHECK(strncmp(info_value(info, "Producer"), "paiban ", 7) == 0);
    CHECK_EQ_STR(info_value(info, "Page size"), "487.559 x 663.307 pts");
  }
  free(info);

  /* Same layout again: byte-identical. */
  CHECK_EQ_INT(pb_pdf_write(&lo, fs, NULL, b, &d), PB_OK);
  size_t la = 0, lb = 0;
  char *da = read_file(a, &la), *db = read_file(b, &lb);
  CHECK(da && db && la == lb && la > 1000 && memcmp(da, db, la) == 0);
  free(da);
  free(db);

  /* Uncompressed: look at what was written. */
  opt.compress = false;
  CHECK_EQ_INT(pb_pdf_write(&lo, fs, &opt, raw, &d), PB_OK);
  CHECK_EQ_INT(run("qpdf --check '%s' > /dev/null%s", raw, ""), 0);
  size_t rl = 0;
  char *r = read_file(raw, &rl);
  CHECK(r != NULL);
  if (r) {
    CHECK(strncmp(r, "%PDF-1.6", 8) == 0);
    CHECK(contains(r, rl, "/Lang (zh-Hant)"));
    CHECK(contains(r, rl, "/CreationDate (D:20231114221320Z)"));
    CHECK(contains(r, rl, "/Subject (A test \\050with parens\\051)"));
    CHECK(contains(r, rl, "/TrimBox ["));
    CHECK(contains(r, rl, "/BleedBox ["));
    CHECK(contains(r, rl, "/CIDFontType0C"));
    CHECK(contains(r, rl, "/FontFile2"));
    CHECK(contains(r, rl, "/CIDToGIDMap"));
    CHECK(contains(r, rl, "/Identity-H"));
    CHECK(contains(r, rl, "beginbfchar"));
    /* the ffi ligature maps to three characters */
    CHECK(contains(r, rl, "> <006600660069>"));
    /* 1 pt letterspacing at 10.5 pt: TJ numbers of -95.238 */
    CHECK(contains(r, rl, ">-95.238<"));
    /* black text, DeviceGray */
    CHECK(contains(r, rl, "q\n0 g\nBT\n"));
    /* crop marks: 3 mm (the bleed) to 8 mm outside the trim box corner */
    CHECK(contains(r, rl, "q\n0 G\n0.25 w\n25.512 34.016 m\n11.339 34.016 l\n"));
    CHECK(contains(r, rl, " Tf\n1 0 0 1 "));
    /* percent-encoded; libharu escapes '/' and '%' as octal in strings */
    CHECK(contains(r, rl, "/URI (https:\\057\\057example.org\\057\\045E6"
                          "\\0459B\\045B8)"));
    /* outline title 第一章 as UTF-16BE with BOM */
    CHECK(contains(r, rl, "<FEFF7B2C4E007AE0>"));
    CHECK(!contains(r, rl, "/ID"));
    free(r);
  }
  pb_diags_free(&d);
  pb_layout_free(&lo);
}

/* ToUnicode: a glyph that first appears inside a cluster of several glyphs
 * ("e" + combining acute) gets its own text once it appears alone. */
static void test_tounicode_priority(const pb_fontset *fs, int latin) {
  const pb_face *face = pb_fontset_face(fs, (size_t)latin);
  hb_codepoint_t ge = 0, gacute = 0;
  CHECK(hb_font_get_nominal_glyph(face->hb_font, 'e', &ge));
  CHECK(hb_font_get_nominal_glyph(face->hb_font, 0x301, &gacute));
  pb_layout lo = {0};
  lo.media_w = PB_MM(148);
  lo.media_h = PB_MM(210);
  lo.date_epoch = -1;
  pb_page *pg = pb_layout_add_page(&lo);
  uint32_t text[] = {'e', 0x301, 'e'}, off = 0;
  CHECK(pg && pb_layout_add_text(&lo, text, 3, &off));
  pb_len y = PB_MM(150), sz = PB_PT(12);
  /* cluster "é": e carries both characters, the accent none */
  pb_placed_glyph g1 = {ge, (uint16_t)latin, 0, sz, PB_MM(20), y, off, 2};
  pb_placed_glyph g2 = {gacute, (uint16_t)latin, 0, sz, PB_MM(20), y, off, 0};
  pb_placed_glyph g3 = {ge, (uint16_t)latin, 0, sz, PB_MM(25), y, off + 2, 1};
  CHECK(pb_page_add_glyph(pg, g1) && pb_page_add_glyph(pg, g2) &&
        pb_page_add_glyph(pg, g3));
  char p[128], want[32];
  snprintf(p, sizeof p, "%s/tounicode.pdf", tmpdir);
  snprintf(want, sizeof want, "<%04X> <0065>\n", (unsigned)ge);
  pb_diags d;
  pb_diags_init(&d, "in.md");
  pb_pdf_options raw = {.compress = false};
  CHECK_EQ_INT(pb_pdf_write(&lo, fs, &raw, p, &d), PB_OK);
  size_t rl = 0;
  char *r = read_file(p, &rl);
  CHECK(r && contains(r, rl, want));
  CHECK(r && contains(r, rl, "1 beginbfchar\n"));
  free(r);
  pb_diags_free(&d);
  pb_layout_free(&lo);
}

/* A layout with no pages still gives a valid one-page PDF. */
static void test_empty(const pb_fontset *fs) {
  pb_layout lo = {0};
  lo.media_w = PB_MM(148);
  lo.media_h = PB_MM(210);
  lo.date_epoch = -1;
  char p[128], info[128];
  snprintf(p, sizeof p, "%s/empty.pdf", tmpdir);
  snprintf(info, sizeof info, "%s/empty.txt", tmpdir);
  pb_diags d;
  pb_diags_init(&d, "empty.md");
  CHECK_EQ_INT(pb_pdf_write(&lo, fs, NULL, p, &d), PB_OK);
  CHECK_EQ_INT(run("qpdf --check '%s' > /dev/null%s", p, ""), 0);
  CHECK_EQ_INT(run("pdfinfo '%s' > '%s'", p, info), 0);
  char *t = read_file(info, NULL);
  CHECK(t != NULL);
  if (t) {
    CHECK_EQ_STR(info_value(t, "Pages"), "1");
    CHECK(strncmp(info_value(t, "Page size"), "419.528 x 595.276 pts", 21) == 0);
    CHECK_EQ_STR(info_value(t, "CreationDate"), "");
  }
  free(t);
  pb_diags_free(&d);
  pb_layout_free(&lo);
}

static void test_failures(const pb_fontset *fs, int cjk) {
  pb_layout lo = {0};
  lo.media_w = PB_MM(148);
  lo.media_h = PB_MM(210);
  pb_page *pg = pb_layout_add_page(&lo);
  CHECK(pg != NULL);
  place(&lo, pg, fs, cjk, "中文", PB_MM(20), PB_MM(180), PB_PT(10), 0);

  /* A missing directory: an error at the output path, nothing created. */
  char missing[128], missdir[128];
  snprintf(missdir, sizeof missdir, "%s/nope", tmpdir);
  snprintf(missing, sizeof missing, "%s/nope/out.pdf", tmpdir);
  pb_diags d;
  pb_diags_init(&d, "in.md");
  CHECK(pb_pdf_write(&lo, fs, NULL, missing, &d) != PB_OK);
  CHECK(has_error_at(&d, missing));
  CHECK(d.count > 0 && strstr(d.items[0].message, "No such file or directory"));
  struct stat st;
  CHECK(stat(missdir, &st) != 0);
  pb_diags_free(&d);

  /* The target is a directory. */
  pb_diags_init(&d, "in.md");
  CHECK(pb_pdf_write(&lo, fs, NULL, tmpdir, &d) != PB_OK);
  CHECK(has_error_at(&d, tmpdir));
  CHECK(d.count > 0 && strstr(d.items[0].message, "Is a directory"));
  pb_diags_free(&d);

  /* A failing render (a glyph of a font that does not exist) keeps the
   * previous file and leaves no temporary file. */
  char keep[128];
  snprintf(keep, sizeof keep, "%s/keep.pdf", tmpdir);
  write_file(keep, "GOOD");
  pb_placed_glyph bad = pg->glyphs[0];
  bad.face = 999;
  CHECK(pb_page_add_glyph(pg, bad));
  pb_diags_init(&d, "in.md");
  CHECK(pb_pdf_write(&lo, fs, NULL, keep, &d) != PB_OK);
  CHECK(has_error_at(&d, keep));
  char *k = read_file(keep, NULL);
  CHECK(k && strcmp(k, "GOOD") == 0);
  free(k);
  CHECK_EQ_INT(count_entries(tmpdir, ".keep.pdf."), 0);
  pb_diags_free(&d);

  /* A glyph id past the end of the font. */
  pg->glyphs[pg->nglyphs - 1].face = (uint16_t)cjk;
  pg->glyphs[pg->nglyphs - 1].gid = 70000;
  pb_diags_init(&d, "in.md");
  CHECK(pb_pdf_write(&lo, fs, NULL, keep, &d) != PB_OK);
  CHECK(d.errors == 1);
  pb_diags_free(&d);
  CHECK_EQ_INT(count_entries(tmpdir, ".keep.pdf."), 0);

  /* Permission denied (not meaningful as root, who may write anywhere). */
  if (geteuid() != 0) {
    char ro[128], rofile[160];
    snprintf(ro, sizeof ro, "%s/ro", tmpdir);
    snprintf(rofile, sizeof rofile, "%s/out.pdf", ro);
    CHECK(mkdir(ro, 0555) == 0);
    pb_diags_init(&d, "in.md");
    pg->nglyphs--;
    CHECK(pb_pdf_write(&lo, fs, NULL, rofile, &d) != PB_OK);
    CHECK(d.count > 0 && strstr(d.items[0].message, "Permission denied"));
    pb_diags_free(&d);
    rmdir(ro);
  }
  pb_layout_free(&lo);
}

/* A name-keyed CFF font (EB Garamond, if installed): subset with the glyph
 * ids kept, embedded as CIDFontType0C. */
static void test_name_keyed_cff(void) {
  const char *otf = "/usr/share/fonts/opentype/ebgaramond/EBGaramond12-Regular.otf";
  if (access(otf, R_OK) != 0) {
    printf("skipped: EB Garamond not installed (fonts-ebgaramond)\n");
    return;
  }
  char conf[128];
  snprintf(conf, sizeof conf, "%s/garamond.conf", tmpdir);
  write_file(conf, "body.latin = EB Garamond 12\nbody.cjk = Noto Serif CJK TC\n");
  pb_diags d;
  pb_diags_init(&d, conf);
  pb_fontset *fs = NULL;
  CHECK(pb_fontset_load(tmpdir, "garamond", "en", &fs, &d) == PB_OK);
  CHECK(fs != NULL);
  if (!fs) {
    for (size_t i = 0; i < d.count; i++)
      fprintf(stderr, "diag: %s\n", d.items[i].message);
    pb_diags_free(&d);
    return;
  }
  int latin = pb_fontset_pick(fs, PB_ROLE_BODY, PB_PREF_LATIN, 'E');
  CHECK(latin >= 0);
  if (latin >= 0) {
    const pb_face *f = pb_fontset_face(fs, (size_t)latin);
    CHECK(f->is_cff && !f->cff_cid_keyed);
    pb_layout lo = {0};
    lo.media_w = PB_MM(148);
    lo.media_h = PB_MM(210);
    lo.date_epoch = -1;
    lo.rgb = true;
    pb_page *pg = pb_layout_add_page(&lo);
    CHECK(pg != NULL);
    place(&lo, pg, fs, latin, latin_line, PB_MM(20), PB_MM(180), PB_PT(11), 0);
    place(&lo, pg, fs, latin, "Quaint fjords", PB_MM(20), PB_MM(170), PB_PT(11),
          PB_PT(0.5));
    char p[128], t[128];
    snprintf(p, sizeof p, "%s/garamond.pdf", tmpdir);
    snprintf(t, sizeof t, "%s/garamond.txt", tmpdir);
    pb_pdf_options raw = {.compress = false};
    CHECK_EQ_INT(pb_pdf_write(&lo, fs, &raw, p, &d), PB_OK);
    CHECK_EQ_INT(run("qpdf --check '%s' > /dev/null%s", p, ""), 0);
    check_pdffonts(p, 1);
    size_t rl = 0;
    char *r = read_file(p, &rl);
    CHECK(r && contains(r, rl, "q\n0 0 0 rg\nBT\n"));
    CHECK(r && contains(r, rl, "/Subtype /CIDFontType0C"));
    CHECK(r && !contains(r, rl, "/CIDToGIDMap"));
    free(r);
    CHECK_EQ_INT(run("pdftotext -raw -enc UTF-8 '%s' '%s'", p, t), 0);
    char *txt = read_file(t, NULL);
    CHECK(txt && strstr(txt, latin_line) && strstr(txt, "Quaint fjords"));
    free(txt);
    pb_layout_free(&lo);
  }
  pb_fontset_free(fs);
  pb_diags_free(&d);
}

int main(void) {
  test_helpers();
  test_cff_charset();

  const char *base = getenv("TMPDIR");
  snprintf(tmpdir, sizeof tmpdir, "%s/pb_test_pdf.XXXXXX",
           base && *base && strlen(base) < 40 ? base : "/tmp");
  if (!mkdtemp(tmpdir)) {
    perror("mkdtemp");
    return 1;
  }
  pb_diags d;
  pb_diags_init(&d, "fonts");
  pb_fontset *fs = NULL;
  CHECK(pb_fontset_load(NULL, NULL, "zh-Hant", &fs, &d) == PB_OK);
  CHECK(fs != NULL);
  if (fs) {
    int cjk = pb_fontset_pick(fs, PB_ROLE_BODY, PB_PREF_CJK, 0x6392);
    int latin = pb_fontset_pick(fs, PB_ROLE_BODY, PB_PREF_LATIN, 'E');
    CHECK(cjk >= 0 && latin >= 0 && cjk != latin);
    if (cjk >= 0 && latin >= 0) {
      const pb_face *cf = pb_fontset_face(fs, (size_t)cjk);
      const pb_face *lf = pb_fontset_face(fs, (size_t)latin);
      CHECK(cf->is_cff && cf->cff_cid_keyed);
      CHECK(!lf->is_cff);
      test_write(fs, cjk, latin);
      test_empty(fs);
      test_tounicode_priority(fs, latin);
      test_failures(fs, cjk);
    }
    pb_fontset_free(fs);
  }
  test_name_keyed_cff();
  pb_diags_free(&d);
  /* PB_KEEP_TMP=1 keeps the PDFs for a look. */
  if (pb_t_failed == 0 && !getenv("PB_KEEP_TMP"))
    run("rm -rf '%s'%s", tmpdir, "");
  else fprintf(stderr, "test files kept in %s\n", tmpdir);
  CHECK_DONE("pdf");
}
