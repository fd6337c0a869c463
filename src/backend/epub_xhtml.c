/* EPUB content documents (src/backend/epub.h, docs/DESIGN.md §11): the document tree as
 * XHTML, with the typography reading systems do not reliably do put in the
 * markup — the Han–Latin ¼ em as U+2005 (clreq-digest §4), spaces next to
 * full-width punctuation dropped (§3), shared marks in Chinese text in the
 * CJK font through a span (§0) — and the font of every character chosen as
 * the PDF's shaper chooses it, so the subsets hold exactly what is drawn. */
#include "backend/epub.h"
#include "base/utf8.h"
#include "base/util.h"
#include "paiban/cjk.h"
#include "text/vertical.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* Characters, classes and faces                                          */

/* What stands before character i of a block. */
enum {
  PB_GAP_NONE = 0,   /* nothing */
  PB_GAP_HAN_LATIN,  /* U+2005 FOUR-PER-EM SPACE: ¼ em (§4) */
  PB_GAP_SPACE,      /* a source space kept: a word space */
  PB_GAP_HAN_LATIN_KEEP, /* U+2005 and U+2060 WORD JOINER: ¼ em that never
                            breaks, between a number and its unit (§1.1) */
  PB_GAP_JOIN,       /* U+2060 alone: a tate-chu-yoko number and its unit
                        (vertical, §1.1), which never break apart */
};

typedef struct pb_run_info {
  pb_cclass *cls;     /* per character */
  int16_t *face;      /* per character: the face the PDF would use, -1 none */
  uint8_t *gap;       /* per character: PB_GAP_* before it (spaces dropped) */
  bool *skip;         /* per character: a source space, not written */
  uint8_t *orient;    /* vertical editions: per character pb_orient (the
                         tate-chu-yoko runs); NULL otherwise */
  bool *english;      /* Chinese editions: per character, inside a run of
                         Latin-script words (lang="en"); NULL otherwise */
} pb_run_info;

static void pb_run_info_free(pb_run_info *r) {
  free(r->cls);
  free(r->face);
  free(r->gap);
  free(r->skip);
  free(r->orient);
  free(r->english);
  memset(r, 0, sizeof *r);
}

static pb_role pb_epub_role(uint8_t style, pb_role block_role) {
  if (style & PB_STYLE_CODE) return PB_ROLE_CODE;
  if (style & PB_STYLE_STRONG) return PB_ROLE_STRONG;
  if (style & PB_STYLE_EMPH) return PB_ROLE_EMPH;
  return block_role;
}

static pb_role pb_block_role(const pb_block *b) {
  return b->kind == PB_BLOCK_HEADING ? PB_ROLE_STRONG
         : b->kind == PB_BLOCK_CODE  ? PB_ROLE_CODE
                                     : PB_ROLE_BODY;
}

/* The chain a character is looked up in first, as the shaper does: CJK
 * classes (and symbols in Chinese text) the CJK chain, the rest Latin. */
static pb_script_pref pb_epub_pref(pb_cclass c, bool cjk_text) {
  if (c == PB_CC_OTHER) return cjk_text ? PB_PREF_CJK : PB_PREF_LATIN;
  return pb_cclass_is_cjk(c) ? PB_PREF_CJK : PB_PREF_LATIN;
}

static bool pb_is_latinish(pb_cclass c) {
  return pb_cclass_is_alnum(c) || c == PB_CC_LATIN_PUNCT;
}

/* Letters of the Latin script (Basic Latin to Latin Extended-B, Latin
 * Extended Additional); PB_CC_LATIN also holds Greek and Cyrillic. */
static bool pb_is_latin_script(uint32_t cp) {
  return cp < 0x250 || (cp >= 0x1E00 && cp <= 0x1EFF);
}

/* Chinese editions: marks the runs of Latin-script words (letters, digits
 * and Latin punctuation, with the spaces between them) that hold a letter,
 * so they can say lang="en": a reading system then hyphenates, speaks and
 * picks fallback fonts for them as English.  A tate-chu-yoko run is an
 * ideograph, not a word. */
static void pb_mark_english(const uint32_t *t, size_t n, pb_run_info *r) {
  size_t i = 0;
  while (i < n) {
    bool tcy = r->orient && r->orient[i] == PB_ORIENT_TCY;
    if (!pb_is_latinish(r->cls[i]) || tcy) {
      i++;
      continue;
    }
    size_t j = i, last = i;
    bool letter = false, foreign = false;
    while (j < n) {
      if (r->skip[j]) {
        j++;
        continue;
      }
      if (!pb_is_latinish(r->cls[j]) ||
          (r->orient && r->orient[j] == PB_ORIENT_TCY))
        break;
      letter |= r->cls[j] == PB_CC_LATIN;
      foreign |= r->cls[j] == PB_CC_LATIN && !pb_is_latin_script(t[j]);
      last = j++;
    }
    if (letter && !foreign)
      for (size_t k = i; k <= last; k++) r->english[k] = !r->skip[k];
    i = last + 1;
  }
}

/* Classes, faces and gaps of one run of text (a block's, or the title's).
 * Code blocks keep their text verbatim. */
static bool pb_run_analyse(pb_epub *e, const uint32_t *t, const uint8_t *style,
                           const uint16_t *fnref, size_t n, pb_role role,
                           bool verbatim, pb_run_info *r) {
  size_t m = n ? n : 1;
  r->cls = malloc(m * sizeof *r->cls);
  r->face = malloc(m * sizeof *r->face);
  r->gap = calloc(m, 1);
  r->skip = calloc(m, sizeof *r->skip);
  if (!r->cls || !r->face || !r->gap || !r->skip) return false;
  pb_shared_cursor sc = PB_SHARED_CURSOR_INIT;
  for (size_t i = 0; i < n; i++) {
    uint32_t cp = t[i];
    bool cjk = pb_is_shared_mark(cp) ? pb_shared_mark_is_cjk_next(&sc, t, n, i, e->cjk_text)
                                     : e->cjk_text;
    r->cls[i] = pb_char_class(cp, cjk);
    r->face[i] = -1;
    if (r->cls[i] == PB_CC_SPACE && cp != ' ' && cp != '\t') continue;
    pb_role ro = pb_epub_role(style ? style[i] : 0, role);
    pb_script_pref pref = r->cls[i] == PB_CC_SPACE
                              ? PB_PREF_LATIN
                              : pb_epub_pref(r->cls[i], e->cjk_text);
    int fi = pb_fontset_pick(e->fs, ro, pref, cp);
    r->face[i] = (int16_t)fi;
  }
  if (verbatim) return true;
  /* Vertical: the digit runs the PDF sets upright in one em (縱中橫,
   * clreq-digest §6) — in the CJK font, as the shaper sets them — and
   * which then count as ideographs (no Han–Latin space around them). */
  if (e->s->vertical) {
    r->orient = malloc(m);
    if (!r->orient) return false;
    pb_mark_orient(t, r->cls, n, e->s->tcy_digits, r->orient);
    for (size_t i = 0; i < n; i++) {
      if (r->orient[i] != PB_ORIENT_TCY) continue;
      int fi = pb_fontset_pick(e->fs, pb_epub_role(style ? style[i] : 0, role),
                               PB_PREF_CJK, t[i]);
      if (fi >= 0) r->face[i] = (int16_t)fi;
    }
  }
  /* Gaps (clreq-digest §3, §4): look at the characters on either side of
   * each place, spaces skipped, as the PDF's break items do. */
  size_t prev = SIZE_MAX;
  for (size_t i = 0; i < n; i++) {
    if (t[i] == ' ') {
      r->skip[i] = true;
      continue;
    }
    if (r->cls[i] == PB_CC_SPACE) { /* U+2028 and other spaces: kept */
      prev = SIZE_MAX;
      continue;
    }
    if (prev != SIZE_MAX) {
      bool spaced = prev + 1 < i;
      pb_cclass lk = r->cls[prev], rk = r->cls[i];
      bool ltcy = r->orient && r->orient[prev] == PB_ORIENT_TCY;
      if (ltcy) lk = PB_CC_HAN;
      if (r->orient && r->orient[i] == PB_ORIENT_TCY) rk = PB_CC_HAN;
      bool fn = (fnref && (fnref[prev] || fnref[i]));
      bool lhan = lk == PB_CC_HAN, rhan = rk == PB_CC_HAN;
      if (ltcy && !fn && pb_is_number_unit(t[i]))
        r->gap[i] = PB_GAP_JOIN;
      else if (!fn &&
               ((lhan && pb_is_latinish(rk)) || (pb_is_latinish(lk) && rhan)))
        /* §1.1: "2024 年" stays together, as in the PDF's break items. */
        r->gap[i] = lk == PB_CC_DIGIT && pb_is_number_unit(t[i])
                        ? PB_GAP_HAN_LATIN_KEEP
                        : PB_GAP_HAN_LATIN;
      else if (spaced && !pb_cclass_is_cjk_punct(lk) &&
               !pb_cclass_is_cjk_punct(rk) && !lhan && !rhan)
        r->gap[i] = PB_GAP_SPACE;
    }
    prev = i;
  }
  if (e->cjk_text) {
    r->english = calloc(m, sizeof *r->english);
    if (!r->english) return false;
    pb_mark_english(t, n, r);
  }
  return true;
}

/* Adds character cp to face fi's set. */
static void pb_use(pb_epub *e, int fi, uint32_t cp) {
  if (fi >= 0 && (size_t)fi < e->nfaces) hb_set_add(e->chars[fi], cp);
}

static void pb_use_run(pb_epub *e, const uint32_t *t, const uint8_t *style,
                       size_t n, pb_role role, const pb_run_info *r) {
  for (size_t i = 0; i < n; i++) {
    pb_role ro = pb_epub_role(style ? style[i] : 0, role);
    if (r->gap[i] == PB_GAP_HAN_LATIN || r->gap[i] == PB_GAP_HAN_LATIN_KEEP)
      pb_use(e, pb_fontset_pick(e->fs, ro, PB_PREF_LATIN, 0x2005), 0x2005);
    else if (r->gap[i] == PB_GAP_SPACE)
      pb_use(e, pb_fontset_pick(e->fs, ro, PB_PREF_LATIN, ' '), ' ');
    if (!r->skip[i] && r->face[i] >= 0) pb_use(e, r->face[i], t[i]);
  }
}

/* Decodes UTF-8 into code points (invalid bytes as U+FFFD); malloc'd. */
static uint32_t *pb_decode(const char *s, size_t *n) {
  size_t len = strlen(s);
  uint32_t *t = malloc((len ? len : 1) * sizeof *t);
  if (!t) return NULL;
  size_t k = 0;
  for (size_t i = 0; i < len;) {
    size_t l = pb_utf8_decode(s + i, len - i, &t[k]);
    i += l ? l : 1;
    k++;
  }
  *n = k;
  return t;
}

static void pb_use_string(pb_epub *e, const char *s, pb_role role) {
  size_t n = 0;
  uint32_t *t = s ? pb_decode(s, &n) : NULL;
  pb_run_info r = {0};
  if (s && (!t || !pb_run_analyse(e, t, NULL, NULL, n, role, false, &r)))
    pb_epub_fail(e, PB_ERR_NOMEM, "out of memory");
  else if (t)
    pb_use_run(e, t, NULL, n, role, &r);
  pb_run_info_free(&r);
  free(t);
}

/* The family stack of a role: the face its Latin chain gives a letter and
 * the face its CJK chain gives an ideograph (in that order, or the other
 * way round for class "cjk"), then every other face the book uses. */
static void pb_make_stack(pb_epub *e, pb_role role, bool cjk_first,
                          pb_epub_stack *st) {
  int lat = pb_fontset_pick(e->fs, role, PB_PREF_LATIN, 'A');
  int han = pb_fontset_pick(e->fs, role, PB_PREF_CJK, 0x6587);
  int first[2] = {cjk_first ? han : lat, cjk_first ? lat : han};
  st->n = 0;
  for (size_t k = 0; k < 2 + e->nfaces && st->n < PB_EPUB_MAX_STACK; k++) {
    int f = k < 2 ? first[k] : (int)(k - 2);
    if (f < 0 || (size_t)f >= e->nfaces) continue;
    /* Embedded, a face the book does not use has no file; installed
     * (epub-fonts: none), the role's own faces stay in the stack. */
    if ((k >= 2 || e->embed) && hb_set_is_empty(e->chars[f])) continue;
    bool dup = false;
    for (int j = 0; j < st->n; j++) dup |= st->face[j] == f;
    if (!dup) st->face[st->n++] = f;
  }
}

void pb_epub_assign_fonts(pb_epub *e) {
  e->nfaces = pb_fontset_face_count(e->fs);
  e->chars = calloc(e->nfaces ? e->nfaces : 1, sizeof *e->chars);
  if (!e->chars) {
    pb_epub_fail(e, PB_ERR_NOMEM, "out of memory");
    return;
  }
  for (size_t i = 0; i < e->nfaces; i++)
    if (!hb_set_allocation_successful(e->chars[i] = hb_set_create())) {
      pb_epub_fail(e, PB_ERR_NOMEM, "out of memory");
      return;
    }
  const pb_doc *doc = e->doc;
  bool lists = false;
  for (size_t bi = 0; bi < doc->nblocks && e->st == PB_OK; bi++) {
    const pb_block *b = &doc->blocks[bi];
    pb_run_info r = {0};
    pb_role role = pb_block_role(b);
    if (b->kind == PB_BLOCK_IMAGE && b->image_format)
      pb_diag_add_at(e->diags, PB_SEV_WARNING,
                     doc->body_path ? doc->body_path : e->diags->path, b->start,
                     "images are not in the EPUB yet: '%s' is left out and "
                     "its description is set as text",
                     b->image);
    if (!pb_run_analyse(e, b->text, b->style, b->fnref, b->len, role,
                        b->kind == PB_BLOCK_CODE, &r))
      pb_epub_fail(e, PB_ERR_NOMEM, "out of memory");
    else
      pb_use_run(e, b->text, b->style, b->len, role, &r);
    pb_run_info_free(&r);
    lists |= b->list_depth > 0 || b->kind == PB_BLOCK_FOOTNOTE;
    if (b->kind == PB_BLOCK_HEADING && b->len && e->st == PB_OK) {
      /* The navigation lists headings in body type. */
      char *label = pb_epub_block_label(b);
      if (!label) pb_epub_fail(e, PB_ERR_NOMEM, "out of memory");
      pb_use_string(e, label, PB_ROLE_BODY);
      free(label);
    }
  }
  /* Text the markup adds: the title block, the navigation's labels, list
   * and footnote numbers the reading system draws. */
  pb_use_string(e, e->doc->meta.title, PB_ROLE_STRONG);
  pb_use_string(e, e->doc->meta.subtitle, PB_ROLE_BODY);
  pb_use_string(e, e->doc->meta.author, PB_ROLE_BODY);
  pb_use_string(e, e->cjk_text ? (e->s->script == PB_TEXT_HANS ? "目录" : "目錄")
                               : "Contents",
                PB_ROLE_STRONG);
  if (lists) pb_use_string(e, "0123456789.\xE2\x80\xA2", PB_ROLE_BODY);
  for (int role = 0; role < PB_ROLE_COUNT; role++)
    for (int c = 0; c < 2; c++)
      pb_make_stack(e, (pb_role)role, c == 1, &e->stack[role][c]);
}

/* Does face fi draw cp here: in its subset (embedded) or in the whole
 * font (epub-fonts: none, the reader's installed fonts)? */
static bool pb_covers(const pb_epub *e, int fi, uint32_t cp) {
  if (e->embed) return hb_set_has(e->chars[fi], cp);
  return pb_face_glyph(pb_fontset_face(e->fs, (size_t)fi), cp) != 0;
}

/* The face a reading system takes from a stack for cp: the first that
 * has it. */
static int pb_stack_pick(const pb_epub *e, const pb_epub_stack *st,
                         uint32_t cp) {
  for (int j = 0; j < st->n; j++)
    if (pb_covers(e, st->face[j], cp)) return st->face[j];
  return -1;
}

/* ---------------------------------------------------------------------- */
/* Sections                                                               */

void pb_epub_sections(pb_epub *e) {
  const pb_doc *doc = e->doc;
  /* Split at the top heading level; if that level has one heading only (a
   * book's title as "# ..."), at the next level too. */
  int minlv = 7, count = 0, next = 7;
  for (size_t i = 0; i < doc->nblocks; i++) {
    const pb_block *b = &doc->blocks[i];
    if (b->kind != PB_BLOCK_HEADING) continue;
    if (b->level < minlv) minlv = b->level;
  }
  for (size_t i = 0; i < doc->nblocks; i++) {
    const pb_block *b = &doc->blocks[i];
    if (b->kind != PB_BLOCK_HEADING) continue;
    if (b->level == minlv) count++;
    if (b->level > minlv && b->level < next) next = b->level;
  }
  int split = count == 1 && next < 7 ? next : minlv;
  e->sections = calloc(doc->nblocks + 1, sizeof *e->sections);
  size_t nfn = 0;
  for (size_t i = 0; i < doc->nblocks; i++) {
    const pb_block *b = &doc->blocks[i];
    if (b->footnote_index > 0 && (size_t)b->footnote_index > nfn)
      nfn = (size_t)b->footnote_index;
    for (size_t k = 0; b->fnref && k < b->len; k++)
      if (b->fnref[k] > nfn) nfn = b->fnref[k];
  }
  e->nfootnotes = nfn;
  e->fn_section = calloc(nfn + 1, sizeof *e->fn_section);
  if (!e->sections || !e->fn_section) {
    pb_epub_fail(e, PB_ERR_NOMEM, "out of memory");
    return;
  }
  for (size_t i = 0; i <= nfn; i++) e->fn_section[i] = SIZE_MAX;
  size_t cur = 0;
  bool has_content = false;
  e->nsections = 1;
  for (size_t i = 0; i < doc->nblocks; i++) {
    const pb_block *b = &doc->blocks[i];
    if (b->kind == PB_BLOCK_FOOTNOTE) continue;
    if (b->kind == PB_BLOCK_HEADING && b->level <= split && has_content) {
      e->sections[cur].b1 = i;
      cur = e->nsections++;
      e->sections[cur].b0 = i;
      has_content = false;
    }
    has_content = true;
    for (size_t k = 0; b->fnref && k < b->len; k++)
      if (b->fnref[k] && e->fn_section[b->fnref[k]] == SIZE_MAX)
        e->fn_section[b->fnref[k]] = cur;
  }
  e->sections[cur].b1 = doc->nblocks;
  for (size_t i = 1; i <= nfn; i++)
    if (e->fn_section[i] == SIZE_MAX) e->fn_section[i] = cur;
  for (size_t s = 0; s < e->nsections; s++)
    snprintf(e->sections[s].file, sizeof e->sections[s].file, "c%03zu.xhtml",
             s + 1);
}

char *pb_epub_block_label(const pb_block *b) {
  char *out = malloc(b->len * 4 + 1);
  if (!out) return NULL;
  size_t k = 0;
  for (size_t i = 0; i < b->len; i++) {
    if (b->style && (b->style[i] & PB_STYLE_FNREF)) continue;
    uint32_t cp = b->text[i] == 0x2028 ? ' ' : b->text[i];
    size_t l = pb_utf8_encode(cp, out + k);
    k += l;
  }
  out[k] = '\0';
  return out;
}

/* ---------------------------------------------------------------------- */
/* Inline markup                                                          */

/* Inline wrappers, outermost first.  A character wants a value for each
 * (0 = not wrapped); a change closes the inner ones and opens anew. */
enum {
  PB_W_NOTEREF, /* footnote number: <sup><a epub:type="noteref"> */
  PB_W_LINK,    /* link index: <a href> */
  PB_W_STRONG,
  PB_W_EM,
  PB_W_CODE,
  PB_W_STRIKE,
  PB_W_LANG,    /* <span lang="en">: Latin words in Chinese text */
  PB_W_CJK,     /* <span class="cjk">: CJK-first font stack */
  PB_W_TCY,     /* <span class="tcy">: text-combine-upright (vertical) */
  PB_W_COUNT
};

typedef struct pb_writer {
  pb_epub *e;
  pb_epub_xml *x;
  size_t section;
  unsigned cur[PB_W_COUNT];
  char text[1024];      /* pending UTF-8 */
  size_t tlen;
  bool *ref_seen;       /* by footnote number: its first reference written */
} pb_writer;

static void pb_flush(pb_writer *w) {
  if (!w->tlen) return;
  w->text[w->tlen] = '\0';
  pb_x_text(w->x, w->text);
  w->tlen = 0;
}

static void pb_put(pb_writer *w, uint32_t cp) {
  if (w->tlen + 5 >= sizeof w->text) pb_flush(w);
  /* Not characters in XML 1.0. */
  if (cp == 0xFFFE || cp == 0xFFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
      cp > 0x10FFFF || (cp < 0x20 && cp != '\t' && cp != '\n'))
    cp = 0xFFFD;
  w->tlen += pb_utf8_encode(cp, w->text + w->tlen);
}

/* A link target a reading system can follow: an absolute URL with a
 * scheme and no characters a URL may not hold.  Relative links (to other
 * manuscripts) have nothing to point at inside the book. */
static bool pb_url_ok(const char *u) {
  size_t i = 0;
  if (!u || !((u[0] | 32) >= 'a' && (u[0] | 32) <= 'z')) return false;
  while ((u[i] | 32) >= 'a' && (u[i] | 32) <= 'z') i++;
  while ((u[i] >= '0' && u[i] <= '9') || u[i] == '+' || u[i] == '.' ||
         u[i] == '-' || ((u[i] | 32) >= 'a' && (u[i] | 32) <= 'z'))
    i++;
  if (u[i] != ':' || !u[i + 1]) return false;
  for (const unsigned char *p = (const unsigned char *)u; *p; p++)
    if (*p <= ' ' || *p == 0x7F || strchr("\"<>\\^`{|}", *p)) return false;
  return true;
}

static void pb_open(pb_writer *w, int level, unsigned v) {
  pb_epub_xml *x = w->x;
  char buf[64];
  switch (level) {
  case PB_W_NOTEREF: {
    size_t fs = w->e->fn_section[v];
    pb_x_start(x, "sup");
    pb_x_start(x, "a");
    pb_x_attr(x, "epub:type", "noteref");
    pb_x_attr(x, "role", "doc-noteref");
    if (fs == w->section)
      snprintf(buf, sizeof buf, "#fn%u", v);
    else
      snprintf(buf, sizeof buf, "%s#fn%u", w->e->sections[fs].file, v);
    pb_x_attr(x, "href", buf);
    if (!w->ref_seen[v] && fs == w->section) {
      snprintf(buf, sizeof buf, "fnref%u", v);
      pb_x_attr(x, "id", buf);
      w->ref_seen[v] = true;
    }
    return;
  }
  case PB_W_LINK:
    pb_x_start(x, "a");
    pb_x_attr(x, "href", w->e->doc->links[v - 1]);
    return;
  case PB_W_STRONG: pb_x_start(x, "strong"); return;
  case PB_W_EM: pb_x_start(x, "em"); return;
  case PB_W_CODE: pb_x_start(x, "code"); return;
  case PB_W_STRIKE: pb_x_start(x, "s"); return;
  case PB_W_LANG:
    pb_x_start(x, "span");
    pb_x_attr(x, "lang", "en");
    pb_x_attr(x, "xml:lang", "en");
    return;
  case PB_W_CJK:
    pb_x_start(x, "span");
    pb_x_attr(x, "class", "cjk");
    return;
  case PB_W_TCY:
    pb_x_start(x, "span");
    pb_x_attr(x, "class", "tcy");
    return;
  default: return;
  }
}

/* Moves the open wrappers to want. */
static void pb_wrap(pb_writer *w, const unsigned want[PB_W_COUNT]) {
  int k = 0;
  while (k < PB_W_COUNT && w->cur[k] == want[k]) k++;
  if (k == PB_W_COUNT) return;
  pb_flush(w);
  for (int l = PB_W_COUNT - 1; l >= k; l--)
    if (w->cur[l]) {
      pb_x_end(w->x);
      if (l == PB_W_NOTEREF) pb_x_end(w->x); /* sup */
      w->cur[l] = 0;
    }
  for (int l = k; l < PB_W_COUNT; l++)
    if (want[l]) {
      pb_open(w, l, want[l]);
      w->cur[l] = want[l];
    }
}

/* The wrappers character i wants. */
static void pb_want(const pb_writer *w, const uint32_t *t, const uint8_t *style,
                    const uint16_t *link, const uint16_t *fnref, size_t i,
                    pb_role role, const pb_run_info *r,
                    unsigned want[PB_W_COUNT]) {
  const pb_epub *e = w->e;
  uint8_t st = style ? style[i] : 0;
  memset(want, 0, PB_W_COUNT * sizeof *want);
  unsigned fn = fnref ? fnref[i] : 0;
  if (fn && fn <= e->nfootnotes) {
    want[PB_W_NOTEREF] = fn;
  } else if (link && link[i] && link[i] <= e->doc->nlinks &&
             pb_url_ok(e->doc->links[link[i] - 1])) {
    want[PB_W_LINK] = link[i];
  }
  want[PB_W_STRONG] = (st & PB_STYLE_STRONG) != 0;
  want[PB_W_EM] = (st & PB_STYLE_EMPH) != 0;
  want[PB_W_CODE] = (st & PB_STYLE_CODE) != 0;
  want[PB_W_STRIKE] = (st & PB_STYLE_STRIKE) != 0;
  /* The CJK font for a shared mark set as CJK punctuation (clreq-digest
   * §0), and for any character the default stack would give another face
   * than the PDF's. */
  int f = r->face[i];
  if (f >= 0 && r->cls[i] != PB_CC_SPACE) {
    pb_role ro = pb_epub_role(st, role);
    bool shared_cjk = pb_is_shared_mark(t[i]) && pb_cclass_is_cjk(r->cls[i]);
    int dflt = pb_stack_pick(e, &e->stack[ro][0], t[i]);
    int cjk = pb_stack_pick(e, &e->stack[ro][1], t[i]);
    if (shared_cjk || (dflt != f && cjk == f)) want[PB_W_CJK] = 1;
  }
  want[PB_W_TCY] = r->orient && r->orient[i] == PB_ORIENT_TCY;
  want[PB_W_LANG] = r->english && r->english[i];
}

/* Writes one run of text with its inline markup. */
static void pb_write_run(pb_writer *w, const uint32_t *t, const uint8_t *style,
                         const uint16_t *link, const uint16_t *fnref, size_t n,
                         pb_role role, const pb_run_info *r) {
  unsigned want[PB_W_COUNT], next[PB_W_COUNT];
  for (size_t i = 0; i < n; i++) {
    if (r->skip[i]) continue;
    pb_want(w, t, style, link, fnref, i, role, r, want);
    if (r->gap[i] != PB_GAP_NONE || t[i] == 0x2028) {
      /* A space sits inside the wrappers both sides share (never in a
       * footnote mark, a CJK span or a tate-chu-yoko run). */
      memcpy(next, want, sizeof next);
      for (int l = 0; l < PB_W_COUNT; l++)
        if (l == PB_W_CJK || l == PB_W_TCY || next[l] != w->cur[l] ||
            (l == PB_W_NOTEREF && next[l])) {
          for (int m = l; m < PB_W_COUNT; m++) next[m] = 0;
          break;
        }
      pb_wrap(w, next);
      if (t[i] == 0x2028) {
        pb_flush(w);
        pb_x_start(w->x, "br");
        pb_x_end(w->x);
        continue;
      }
      if (r->gap[i] != PB_GAP_JOIN)
        pb_put(w, r->gap[i] == PB_GAP_SPACE ? ' ' : 0x2005);
      /* The joiner is default-ignorable: drawn by no font, so no subset
       * needs it. */
      if (r->gap[i] == PB_GAP_HAN_LATIN_KEEP || r->gap[i] == PB_GAP_JOIN)
        pb_put(w, 0x2060);
    }
    pb_wrap(w, want);
    pb_put(w, t[i]);
  }
  unsigned none[PB_W_COUNT] = {0};
  pb_wrap(w, none);
  pb_flush(w);
}

static void pb_write_text(pb_writer *w, const pb_block *b) {
  pb_run_info r = {0};
  pb_role role = pb_block_role(b);
  if (!pb_run_analyse(w->e, b->text, b->style, b->fnref, b->len, role,
                      b->kind == PB_BLOCK_CODE, &r)) {
    pb_epub_fail(w->e, PB_ERR_NOMEM, "out of memory");
  } else if (b->kind == PB_BLOCK_CODE) {
    for (size_t i = 0; i < b->len; i++) pb_put(w, b->text[i]);
    pb_flush(w);
  } else {
    pb_write_run(w, b->text, b->style, b->link, b->fnref, b->len, role, &r);
  }
  pb_run_info_free(&r);
}

static void pb_write_string(pb_writer *w, const char *s, pb_role role) {
  size_t n = 0;
  uint32_t *t = pb_decode(s, &n);
  pb_run_info r = {0};
  if (!t || !pb_run_analyse(w->e, t, NULL, NULL, n, role, false, &r))
    pb_epub_fail(w->e, PB_ERR_NOMEM, "out of memory");
  else
    pb_write_run(w, t, NULL, NULL, NULL, n, role, &r);
  pb_run_info_free(&r);
  free(t);
}

/* ---------------------------------------------------------------------- */
/* Blocks                                                                 */

/* Open block containers: 'q' blockquote, 'l' list, 'i' list item. */
#define PB_MAX_OPEN (3 * PB_MAX_NESTING + 4)
typedef struct pb_open_stack {
  char kind[PB_MAX_OPEN];
  bool ordered[PB_MAX_OPEN];
  int n;
} pb_open_stack;

static void pb_nl(pb_writer *w) { pb_x_text(w->x, "\n"); }

static void pb_close_to(pb_writer *w, pb_open_stack *os, int k) {
  while (os->n > k) {
    pb_x_end(w->x);
    os->n--;
    pb_nl(w);
  }
}

/* Opens and closes block quotes and lists so that block b sits at its
 * depths (quotes outside lists: the tree keeps depths, not the order). */
static void pb_containers(pb_writer *w, pb_open_stack *os, const pb_block *b) {
  char kind[PB_MAX_OPEN];
  bool ordered[PB_MAX_OPEN];
  int n = 0;
  for (int q = 0; q < b->quote_depth && n < PB_MAX_OPEN - 2; q++) {
    kind[n] = 'q';
    ordered[n++] = false;
  }
  int last_item = -1;
  for (int l = 0; l < b->list_depth && n < PB_MAX_OPEN - 2; l++) {
    bool inner = l == b->list_depth - 1;
    /* Outer lists keep what is open; only the innermost is known. */
    kind[n] = 'l';
    ordered[n] = inner ? b->list_ordered
                       : (n < os->n && os->kind[n] == 'l' ? os->ordered[n]
                                                           : false);
    n++;
    last_item = n;
    kind[n] = 'i';
    ordered[n++] = false;
  }
  int k = 0;
  while (k < n && k < os->n && kind[k] == os->kind[k] &&
         ordered[k] == os->ordered[k])
    k++;
  if (b->list_item_start && last_item >= 0 && k > last_item) k = last_item;
  pb_close_to(w, os, k);
  for (int i = k; i < n; i++) {
    if (kind[i] == 'q') {
      pb_x_start(w->x, "blockquote");
    } else if (kind[i] == 'l') {
      pb_x_start(w->x, ordered[i] ? "ol" : "ul");
      if (ordered[i] && i + 1 == last_item && b->list_number != 1) {
        char num[16];
        snprintf(num, sizeof num, "%d", b->list_number);
        pb_x_attr(w->x, "start", num);
      }
    } else {
      pb_x_start(w->x, "li");
    }
    if (kind[i] != 'i') pb_nl(w);
    os->kind[i] = kind[i];
    os->ordered[i] = ordered[i];
    os->n = i + 1;
  }
}

static void pb_write_block(pb_writer *w, pb_open_stack *os, size_t bi) {
  const pb_block *b = &w->e->doc->blocks[bi];
  pb_containers(w, os, b);
  char tag[8], id[32];
  switch (b->kind) {
  case PB_BLOCK_HEADING: {
    int lv = b->level < 1 ? 1 : b->level > 6 ? 6 : b->level;
    snprintf(tag, sizeof tag, "h%d", lv);
    snprintf(id, sizeof id, "h%zu", bi + 1);
    pb_x_start(w->x, tag);
    pb_x_attr(w->x, "id", id);
    pb_write_text(w, b);
    pb_x_end(w->x);
    break;
  }
  case PB_BLOCK_THEMATIC_BREAK:
    pb_x_start(w->x, "hr");
    pb_x_end(w->x);
    break;
  case PB_BLOCK_CODE:
    pb_x_start(w->x, "pre");
    pb_x_start(w->x, "code");
    pb_write_text(w, b);
    pb_x_end(w->x);
    pb_x_end(w->x);
    break;
  default:
    if (!b->len) return; /* an empty list item: the li alone */
    pb_x_start(w->x, "p");
    pb_write_text(w, b);
    pb_x_end(w->x);
    break;
  }
  pb_nl(w);
}

/* The notes first cited in this section, as EPUB 3 footnotes (pop-up
 * notes in Apple Books, Kobo, Readium), each numbered and linked back. */
static void pb_write_notes(pb_writer *w, size_t s) {
  pb_epub *e = w->e;
  const pb_doc *doc = e->doc;
  for (size_t fn = 1; fn <= e->nfootnotes; fn++) {
    if (e->fn_section[fn] != s) continue;
    char id[32], href[40], num[16];
    snprintf(id, sizeof id, "fn%zu", fn);
    snprintf(href, sizeof href, "#fnref%zu", fn);
    snprintf(num, sizeof num, "%zu", fn);
    pb_x_start(w->x, "aside");
    pb_x_attr(w->x, "epub:type", "footnote");
    pb_x_attr(w->x, "role", "doc-footnote");
    pb_x_attr(w->x, "id", id);
    pb_nl(w);
    pb_open_stack os = {0};
    bool first = true;
    for (size_t bi = 0; bi < doc->nblocks; bi++) {
      const pb_block *b = &doc->blocks[bi];
      if (b->kind != PB_BLOCK_FOOTNOTE || (size_t)b->footnote_index != fn)
        continue;
      pb_containers(w, &os, b);
      pb_x_start(w->x, "p");
      if (first) {
        /* The number, linking back to the first reference. */
        pb_x_start(w->x, w->ref_seen[fn] ? "a" : "span");
        pb_x_attr(w->x, "class", "fn");
        if (w->ref_seen[fn]) {
          pb_x_attr(w->x, "href", href);
          pb_x_attr(w->x, "role", "doc-backlink");
        }
        /* In columns a short number stands upright, as the marks do. */
        bool tcy = e->s->vertical && strlen(num) <= (size_t)e->s->tcy_digits;
        if (tcy) {
          pb_x_start(w->x, "span");
          pb_x_attr(w->x, "class", "tcy");
        }
        pb_x_text(w->x, num);
        if (tcy) pb_x_end(w->x);
        pb_x_end(w->x);
        first = false;
      }
      pb_write_text(w, b);
      pb_x_end(w->x);
      pb_nl(w);
    }
    pb_close_to(w, &os, 0);
    pb_x_end(w->x); /* aside */
    pb_nl(w);
  }
}

void pb_epub_write_sections(pb_epub *e) {
  const pb_doc *doc = e->doc;
  bool *seen = calloc(e->nfootnotes + 1, sizeof *seen);
  if (!seen) {
    pb_epub_fail(e, PB_ERR_NOMEM, "out of memory");
    return;
  }
  for (size_t s = 0; s < e->nsections && e->st == PB_OK; s++) {
    const pb_epub_section *sec = &e->sections[s];
    /* The document's title: its first heading, else the book's. */
    char *title = NULL;
    for (size_t i = sec->b0; i < sec->b1 && !title; i++)
      if (doc->blocks[i].kind == PB_BLOCK_HEADING && doc->blocks[i].len)
        title = pb_epub_block_label(&doc->blocks[i]);
    if (!title || !*title) {
      free(title);
      title = pb_strdup(doc->meta.title && *doc->meta.title ? doc->meta.title
                                                            : sec->file);
    }
    pb_epub_xml x;
    if (!title || !pb_epub_xml_begin(e, &x, false)) {
      free(title);
      pb_epub_fail(e, PB_ERR_NOMEM, "out of memory");
      break;
    }
    pb_writer w = {.e = e, .x = &x, .section = s, .ref_seen = seen};
    pb_x_html_head(e, &x, title, true);
    free(title);
    pb_x_text(&x, "\n");
    pb_x_start(&x, "body");
    pb_x_attr(&x, "epub:type", "bodymatter");
    pb_x_text(&x, "\n");
    if (s == 0 && doc->meta.title) {
      pb_x_start(&x, "h1");
      pb_x_attr(&x, "class", "title");
      pb_write_string(&w, doc->meta.title, PB_ROLE_STRONG);
      pb_x_end(&x);
      pb_nl(&w);
      const char *extra[2] = {doc->meta.subtitle, doc->meta.author};
      static const char *const cls[2] = {"subtitle", "author"};
      for (int k = 0; k < 2; k++) {
        if (!extra[k]) continue;
        pb_x_start(&x, "p");
        pb_x_attr(&x, "class", cls[k]);
        pb_write_string(&w, extra[k], PB_ROLE_BODY);
        pb_x_end(&x);
        pb_nl(&w);
      }
    }
    pb_open_stack os = {0};
    for (size_t i = sec->b0; i < sec->b1; i++)
      if (doc->blocks[i].kind != PB_BLOCK_FOOTNOTE) pb_write_block(&w, &os, i);
    pb_close_to(&w, &os, 0);
    pb_write_notes(&w, s);
    pb_x_end(&x); /* body */
    pb_x_text(&x, "\n");
    pb_x_end(&x); /* html */
    char name[48];
    snprintf(name, sizeof name, "EPUB/%s", sec->file);
    pb_epub_xml_finish(e, &x, name);
  }
  free(seen);
}
