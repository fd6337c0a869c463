/* Fonts: profiles, fontconfig lookup, HarfBuzz faces
 * (include/paiban/font.h, docs/DESIGN.md §4). */
#include "text/face.h"
#include "text/sfnt.h"
#include "base/cache.h"
#include "base/util.h"
#include "paiban/file.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_FONT_FORMATS_H
#include <hb-ot.h>

#ifndef PB_DEFAULT_FONT_DIR
#define PB_DEFAULT_FONT_DIR "fonts"
#endif

#define PB_MAX_FACES 64
#define PB_MAX_CHAIN 16

enum { PB_CHAIN_CJK = 0, PB_CHAIN_LATIN = 1 };

typedef struct pb_chain {
  int face[PB_MAX_CHAIN];
  int n;
} pb_chain;

struct pb_fontset {
  pb_face faces[PB_MAX_FACES];
  bool loaded[PB_MAX_FACES];
  size_t nfaces;
  pb_chain chains[PB_ROLE_COUNT][2]; /* [role][cjk|latin] */
  pb_chain fallback;
  char *missing_fallback[PB_MAX_CHAIN]; /* owned: fallbacks not installed */
  int nmissing_fallback;
  pb_cache *cache;     /* borrowed, during pb_fontset_load_cached only */
  bool fc_ready;       /* FcInit has run (only when the cache missed) */
  char fc_state[33];   /* pb_fc_signature's hash, made once per load */
};

static const char *const pb_role_names[PB_ROLE_COUNT] = {"body", "emph",
                                                         "strong", "code"};

static void pb_face_close(pb_face *f) {
  if (f->hb_font) hb_font_destroy(f->hb_font);
  if (f->hb_face) hb_face_destroy(f->hb_face);
  if (f->blob) hb_blob_destroy(f->blob);
  free(f->family);
  free(f->file);
  free(f->ps_name);
  memset(f, 0, sizeof *f);
}

void pb_fontset_free(pb_fontset *fs) {
  if (!fs) return;
  for (size_t i = 0; i < fs->nfaces; i++) pb_face_close(&fs->faces[i]);
  for (int i = 0; i < fs->nmissing_fallback; i++) free(fs->missing_fallback[i]);
  free(fs);
}

size_t pb_fontset_face_count(const pb_fontset *fs) { return fs->nfaces; }

const pb_face *pb_fontset_face(const pb_fontset *fs, size_t i) {
  return i < fs->nfaces ? &fs->faces[i] : NULL;
}

/* Opens the font file behind face f: the bytes are mapped once (hb_blob)
 * and HarfBuzz reads the face from them, shaping with its own OpenType
 * font functions (hmtx, vmtx, VORG, glyf/CFF extents) at a scale of
 * upem*64, so positions come out in 26.6 font units.  The fields HarfBuzz
 * has no query for come from the tables (text/sfnt.h says why not
 * FreeType).  A file that is no sfnt opens with no tables; the
 * embeddability check names what it is. */
static bool pb_face_open(pb_face *f) {
  f->blob = hb_blob_create_from_file_or_fail(f->file);
  if (!f->blob) return false;
  f->hb_face = hb_face_create(f->blob, (unsigned)f->index);
  f->upem = hb_face_get_upem(f->hb_face);
  if (!f->upem) f->upem = 1000;
  f->hb_font = hb_font_create(f->hb_face);
  if (!f->hb_font || hb_font_get_empty() == f->hb_font) return false;
  hb_font_set_scale(f->hb_font, (int)f->upem * 64, (int)f->upem * 64);
  hb_font_make_immutable(f->hb_font);

  pb_sfnt_facts facts;
  f->is_sfnt = pb_sfnt_read(f->hb_face, &facts);
  char ps[128];
  unsigned pslen = sizeof ps;
  if (!hb_ot_name_get_utf8(f->hb_face, HB_OT_NAME_ID_POSTSCRIPT_NAME,
                           HB_LANGUAGE_INVALID, &pslen, ps))
    strcpy(ps, "Unnamed");
  f->ps_name = pb_strdup(ps);
  f->is_cff = facts.has_cff;
  f->has_glyf = facts.has_glyf;
  f->cff_cid_keyed = facts.cff_cid_keyed;
  hb_codepoint_t g;
  f->is_cjk = hb_font_get_nominal_glyph(f->hb_font, 0x4E00, &g) &&
              hb_font_get_nominal_glyph(f->hb_font, 0x3002, &g);
  f->ascent = facts.ascent;
  f->descent = facts.descent;
  f->x_min = facts.x_min;
  f->y_min = facts.y_min;
  f->x_max = facts.x_max;
  f->y_max = facts.y_max;
  f->italic = facts.italic;
  f->fixed_pitch = facts.fixed_pitch;
  f->cap_height = facts.cap_height;
  /* PANOSE serif style 11..13 are sans; families named "Sans" likewise. */
  f->serif = !(f->family && strstr(f->family, "Sans"));
  f->italic_angle = facts.italic_angle;
  return f->ps_name != NULL;
}

/* Ensures face i is open; false if it cannot be (it then covers nothing). */
static bool pb_face_ready(pb_fontset *fs, int i) {
  if (fs->loaded[i]) return fs->faces[i].hb_font != NULL;
  fs->loaded[i] = true;
  if (!pb_face_open(&fs->faces[i])) {
    /* Keep the names for messages; drop the rest. */
    pb_face *f = &fs->faces[i];
    if (f->hb_font) hb_font_destroy(f->hb_font);
    if (f->hb_face) hb_face_destroy(f->hb_face);
    if (f->blob) hb_blob_destroy(f->blob);
    f->hb_font = NULL;
    f->hb_face = NULL;
    f->blob = NULL;
    return false;
  }
  return true;
}

void pb_fontset_open_faces(pb_fontset *fs) {
  for (size_t i = 0; i < fs->nfaces; i++) pb_face_ready(fs, (int)i);
}

const char *pb_face_family(const pb_face *f) {
  return f && f->family ? f->family : "";
}

const char *pb_face_file(const pb_face *f) {
  return f && f->file ? f->file : "";
}

const char *pb_face_ps_name(const pb_face *f) {
  return f && f->ps_name ? f->ps_name : "";
}

uint32_t pb_face_glyph(const pb_face *f, uint32_t cp) {
  hb_codepoint_t g = 0;
  if (!f->hb_font || !hb_font_get_nominal_glyph(f->hb_font, cp, &g)) return 0;
  return g;
}

/* Case-insensitive equality of a requested family and one fontconfig gives. */
static bool pb_family_eq(const char *a, const char *b) {
  for (; *a && *b; a++, b++)
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return false;
  return *a == *b;
}

/* The face for file and index, added if new; -1 on failure (why says). */
static int pb_add_face(pb_fontset *fs, const char *file, int index,
                       const char *family, char *why, size_t whylen) {
  for (size_t i = 0; i < fs->nfaces; i++)
    if (fs->faces[i].index == index && strcmp(fs->faces[i].file, file) == 0)
      return (int)i;
  if (fs->nfaces == PB_MAX_FACES) {
    snprintf(why, whylen, "too many fonts in one profile (max %d)",
             PB_MAX_FACES);
    return -1;
  }
  pb_face *f = &fs->faces[fs->nfaces];
  memset(f, 0, sizeof *f);
  f->file = pb_strdup(file);
  f->family = pb_strdup(family);
  f->index = index;
  if (!f->file || !f->family) {
    free(f->file);
    free(f->family);
    memset(f, 0, sizeof *f);
    snprintf(why, whylen, "out of memory");
    return -1;
  }
  return (int)fs->nfaces++;
}

/* The file of the face pat names exactly (a malloc'd copy, *index its
 * face index), or NULL.  An exact listing is much cheaper than
 * FcFontMatch's scoring of every font, and it never substitutes.  Without
 * a style, it asks for the upright regular face of normal width. */
static char *pb_list_exact(FcPattern *pat, int *index) {
  FcChar8 *file = NULL;
  FcPattern *lp = FcPatternDuplicate(pat);
  FcObjectSet *os = FcObjectSetBuild(FC_FILE, FC_INDEX, NULL);
  FcFontSet *list = NULL;
  if (lp && os) {
    FcValue v;
    if (FcPatternGet(lp, FC_STYLE, 0, &v) != FcResultMatch) {
      if (FcPatternGet(lp, FC_WEIGHT, 0, &v) != FcResultMatch)
        FcPatternAddInteger(lp, FC_WEIGHT, FC_WEIGHT_REGULAR);
      if (FcPatternGet(lp, FC_SLANT, 0, &v) != FcResultMatch)
        FcPatternAddInteger(lp, FC_SLANT, FC_SLANT_ROMAN);
      if (FcPatternGet(lp, FC_WIDTH, 0, &v) != FcResultMatch)
        FcPatternAddInteger(lp, FC_WIDTH, FC_WIDTH_NORMAL);
    }
    list = FcFontList(NULL, lp, os);
  }
  /* Several candidates (rare): the first by file name, for determinism. */
  for (int k = 0; list && k < list->nfont; k++) {
    FcChar8 *f = NULL;
    int idx = 0;
    if (FcPatternGetString(list->fonts[k], FC_FILE, 0, &f) != FcResultMatch)
      continue;
    FcPatternGetInteger(list->fonts[k], FC_INDEX, 0, &idx);
    int cmp = file ? strcmp((const char *)f, (const char *)file) : -1;
    if (cmp < 0 || (cmp == 0 && idx < *index)) {
      file = f;
      *index = idx;
    }
  }
  char *listed = file ? pb_strdup((const char *)file) : NULL;
  if (list) FcFontSetDestroy(list);
  if (os) FcObjectSetDestroy(os);
  if (lp) FcPatternDestroy(lp);
  return listed;
}

/* A pattern that is not listed: FcFontMatch is asked, and its face taken
 * only when it is of the family wanted; otherwise why says what it would
 * substitute.  Returns the face index or -1. */
static int pb_match_family(pb_fontset *fs, FcPattern *pat, const char *want,
                           char *why, size_t whylen) {
  FcConfigSubstitute(NULL, pat, FcMatchPattern);
  FcDefaultSubstitute(pat);
  FcResult res;
  FcPattern *match = FcFontMatch(NULL, pat, &res);
  if (!match) {
    snprintf(why, whylen, "fontconfig found nothing");
    return -1;
  }
  int result = -1;
  FcChar8 *fam = NULL, *file = NULL;
  bool family_ok = false;
  for (int k = 0; FcPatternGetString(match, FC_FAMILY, k, &fam) == FcResultMatch;
       k++)
    if (pb_family_eq((const char *)fam, want)) family_ok = true;
  if (!family_ok) {
    FcPatternGetString(match, FC_FAMILY, 0, &fam);
    snprintf(why, whylen, "not installed (fontconfig would substitute '%s')",
             fam ? (const char *)fam : "?");
  } else if (FcPatternGetString(match, FC_FILE, 0, &file) != FcResultMatch) {
    snprintf(why, whylen, "fontconfig gives no file");
  } else {
    int index = 0;
    FcPatternGetInteger(match, FC_INDEX, 0, &index);
    result = pb_add_face(fs, (const char *)file, index, want, why, whylen);
  }
  FcPatternDestroy(match);
  return result;
}

/* The state of fontconfig's configuration and caches, for keys of
 * resolutions: its configuration files and directories, its cache
 * directories (fc-cache rewrites them when fonts are installed or
 * removed), and the variables that point it elsewhere. */
static void pb_fc_signature(char hex[33]) {
  pb_cache_key key, *k = &key;
  if (!pb_cache_key_init(k, "fontconfig-state")) {
    pb_cache_key_done(k, hex);
    return;
  }
  static const char *const env[] = {"FONTCONFIG_FILE", "FONTCONFIG_PATH",
                                    "FONTCONFIG_SYSROOT", "XDG_CONFIG_HOME",
                                    "XDG_CACHE_HOME", "HOME"};
  for (size_t i = 0; i < sizeof env / sizeof *env; i++)
    pb_cache_key_add_str(k, getenv(env[i]));
  char user[3][4096];
  const char *home = getenv("HOME");
  snprintf(user[0], sizeof user[0], "%s/.cache/fontconfig", home ? home : "/");
  snprintf(user[1], sizeof user[1], "%s/.config/fontconfig", home ? home : "/");
  snprintf(user[2], sizeof user[2], "%s/.fonts", home ? home : "/");
  const char *paths[] = {"/etc/fonts", "/etc/fonts/fonts.conf",
                         "/etc/fonts/conf.d", "/usr/share/fontconfig",
                         "/var/cache/fontconfig", "/usr/local/share/fonts",
                         user[0], user[1], user[2]};
  for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
    if (!pb_cache_key_add_file(k, paths[i])) pb_cache_key_add_str(k, "-");
  pb_cache_key_done(k, hex);
}

static bool pb_fc_init(pb_fontset *fs) {
  if (!fs->fc_ready) fs->fc_ready = FcInit() != 0;
  return fs->fc_ready;
}

/* A resolution remembered in the cache: "FILE\nINDEX\nFAMILY", valid while
 * the file is the one it was (its identity is in the key too). */
static int pb_resolve_cached(pb_fontset *fs, const char *key, char *why,
                             size_t whylen) {
  void *data = NULL;
  size_t len = 0;
  if (!pb_cache_get(fs->cache, key, &data, &len)) return -1;
  char *file = data, *nl1 = strchr(file, '\n'), *nl2 = nl1 ? strchr(nl1 + 1, '\n') : NULL;
  int result = -1;
  struct stat st;
  if (nl2 && memchr(data, 0, len) == NULL) {
    *nl1 = *nl2 = 0;
    if (stat(file, &st) == 0 && S_ISREG(st.st_mode))
      result = pb_add_face(fs, file, atoi(nl1 + 1), nl2 + 1, why, whylen);
  }
  free(data);
  return result;
}

static void pb_resolve_store(pb_fontset *fs, const char *key, int fi) {
  const pb_face *f = &fs->faces[fi];
  char buf[8400];
  int n = snprintf(buf, sizeof buf, "%s\n%d\n%s", f->file, f->index, f->family);
  if (n > 0 && (size_t)n < sizeof buf) pb_cache_put(fs->cache, key, buf, (size_t)n);
}

static int pb_resolve_fc(pb_fontset *fs, const char *pattern, char *why,
                         size_t whylen);

/* Resolves one fontconfig pattern to a face index (deduplicated by file and
 * index), through the cache when there is one: a warm cache never starts
 * fontconfig (whose configuration load is a fifth of a render).  Returns
 * -1 when no installed font has the requested family (why says). */
static int pb_resolve(pb_fontset *fs, const char *pattern, char *why,
                      size_t whylen) {
  char key[33] = "";
  if (fs->cache && fs->fc_state[0]) {
    pb_cache_key k;
    if (pb_cache_key_init(&k, "fontconfig-resolution")) {
      pb_cache_key_add_str(&k, pattern);
      int v = FcGetVersion();
      pb_cache_key_add(&k, &v, sizeof v);
      pb_cache_key_add_str(&k, fs->fc_state);
    }
    pb_cache_key_done(&k, key);
  }
  int fi = *key ? pb_resolve_cached(fs, key, why, whylen) : -1;
  if (fi >= 0) return fi;
  if (!pb_fc_init(fs)) {
    snprintf(why, whylen, "cannot initialise fontconfig");
    return -1;
  }
  fi = pb_resolve_fc(fs, pattern, why, whylen);
  if (fi >= 0 && *key) pb_resolve_store(fs, key, fi);
  return fi;
}

/* pb_resolve's work when the cache does not have it: fontconfig itself. */
static int pb_resolve_fc(pb_fontset *fs, const char *pattern, char *why,
                         size_t whylen) {
  int result = -1;
  FcPattern *pat = FcNameParse((const FcChar8 *)pattern);
  FcChar8 *want = NULL;
  if (!pat) {
    snprintf(why, whylen, "not a valid fontconfig pattern");
  } else if (FcPatternGetString(pat, FC_FAMILY, 0, &want) != FcResultMatch) {
    snprintf(why, whylen, "no family name");
  } else {
    int index = 0;
    char *listed = pb_list_exact(pat, &index);
    if (listed)
      result = pb_add_face(fs, listed, index, (const char *)want, why, whylen);
    else
      result = pb_match_family(fs, pat, (const char *)want, why, whylen);
    free(listed);
  }
  if (pat) FcPatternDestroy(pat);
  return result;
}

/* FreeType's name for the format of a file that holds no OpenType face
 * ("Type 1", "PCF", ...), or NULL if FreeType cannot read it either.  For
 * the message only: this error path is the one place FreeType opens a
 * face (text/sfnt.h says why). */
static const char *pb_font_format_name(const pb_face *f, char *out, size_t len) {
  FT_Library ft = NULL;
  FT_Face face = NULL;
  const char *name = NULL;
  if (FT_Init_FreeType(&ft) == 0 && FT_New_Face(ft, f->file, f->index, &face) == 0) {
    const char *fmt = FT_Get_Font_Format(face);
    snprintf(out, len, "%s", fmt ? fmt : "unknown");
    name = out;
  }
  if (face) FT_Done_Face(face);
  if (ft) FT_Done_FreeType(ft);
  return name;
}

/* Can face i be shaped and embedded?  The PDF writer embeds TrueType and
 * CFF (OpenType) outlines only, and a face HarfBuzz sees no glyphs in
 * (a Type 1 font, a bitmap font) would fail at the very end.  Opens the
 * face; why says what is wrong. */
static bool pb_face_embeddable(pb_fontset *fs, int i, char *why, size_t whylen) {
  if (!pb_face_ready(fs, i)) {
    snprintf(why, whylen, "its file '%s' cannot be read as a font",
             fs->faces[i].file);
    return false;
  }
  const pb_face *f = &fs->faces[i];
  if (!f->is_cff && !f->has_glyf) {
    char buf[32];
    const char *fmt = f->is_sfnt ? "CFF2 or bitmap-only"
                                 : pb_font_format_name(f, buf, sizeof buf);
    if (!fmt)
      snprintf(why, whylen, "its file '%s' cannot be read as a font", f->file);
    else
      snprintf(why, whylen,
               "'%s' is a %s font; paiban embeds only OpenType and TrueType "
               "fonts",
               f->file, fmt);
    return false;
  }
  if (hb_face_get_glyph_count(f->hb_face) == 0) {
    snprintf(why, whylen, "HarfBuzz finds no glyphs in '%s'", f->file);
    return false;
  }
  return true;
}

static char *pb_trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  char *e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
                   e[-1] == '\n'))
    *--e = 0;
  return s;
}

/* Parses one "key = pattern, pattern" line of a profile. */
static void pb_profile_line(pb_fontset *fs, const char *path, uint32_t lineno,
                            char *line, pb_diags *d) {
  char *eq = strchr(line, '=');
  if (!eq) {
    pb_diag_add_at(d, PB_SEV_ERROR, path, (pb_pos){lineno, 1},
                   "expected 'role.chain = font, font...'");
    return;
  }
  *eq = 0;
  char *key = pb_trim(line);
  char *val = eq + 1;
  pb_chain *chain = NULL;
  bool optional = false;
  if (strcmp(key, "fallback") == 0) {
    chain = &fs->fallback;
    optional = true;
  } else {
    char *dot = strchr(key, '.');
    if (dot) {
      *dot = 0;
      for (int r = 0; r < PB_ROLE_COUNT; r++)
        if (strcmp(key, pb_role_names[r]) == 0) {
          if (strcmp(dot + 1, "cjk") == 0) chain = &fs->chains[r][PB_CHAIN_CJK];
          if (strcmp(dot + 1, "latin") == 0)
            chain = &fs->chains[r][PB_CHAIN_LATIN];
        }
      *dot = '.';
    }
  }
  if (!chain) {
    pb_diag_add_at(d, PB_SEV_ERROR, path, (pb_pos){lineno, 1},
                   "unknown key '%s' (expected body|emph|strong|code . "
                   "cjk|latin, or fallback)",
                   key);
    return;
  }
  uint32_t col = (uint32_t)(val - line) + 1;
  char *save = NULL;
  for (char *tok = strtok_r(val, ",", &save); tok;
       tok = strtok_r(NULL, ",", &save)) {
    char *pat = pb_trim(tok);
    uint32_t pcol = col + (uint32_t)(pat - val);
    if (!*pat) continue;
    char why[200];
    int fi = pb_resolve(fs, pat, why, sizeof why);
    if (fi < 0) {
      if (!optional)
        pb_diag_add_at(d, PB_SEV_ERROR, path, (pb_pos){lineno, pcol},
                       "font '%s' cannot be found: %s", pat, why);
      else if (fs->nmissing_fallback < PB_MAX_CHAIN &&
               (fs->missing_fallback[fs->nmissing_fallback] = pb_strdup(pat)))
        fs->nmissing_fallback++;
      continue;
    }
    if (!pb_face_embeddable(fs, fi, why, sizeof why)) {
      pb_diag_add_at(d, optional ? PB_SEV_WARNING : PB_SEV_ERROR, path,
                     (pb_pos){lineno, pcol}, "font '%s' cannot be used%s: %s",
                     pat, optional ? " (left out of the fallbacks)" : "", why);
      continue;
    }
    if (chain->n < PB_MAX_CHAIN) chain->face[chain->n++] = fi;
  }
}

const char *pb_font_profile_name(const char *name, const char *lang) {
  static const char *const names[3] = {"zh-Hant", "zh-Hans", "en"};
  return name ? name : names[pb_lang_family(lang)];
}

/* Reads the profile at path (a regular file of at most 1 MiB: a FIFO
 * would hang, /dev/zero never end) and takes its lines into fs. */
static pb_status pb_profile_read(pb_fontset *fs, const char *path,
                                 const char *name, pb_diags *diags) {
  char *text = NULL;
  size_t text_len = 0;
  char what[300];
  snprintf(what, sizeof what, "font profile '%s'", name);
  pb_status st = pb_file_read(path, 1u << 20, what, (pb_pos){0, 0}, &text,
                              &text_len, diags);
  if (st != PB_OK) return st;
  size_t errors_before = diags->errors;
  uint32_t lineno = 0;
  for (char *next = text; next && next < text + text_len;) {
    char *cur = next;
    char *nl = memchr(cur, '\n', (size_t)(text + text_len - cur));
    if (nl) *nl = '\0';
    next = nl ? nl + 1 : NULL;
    lineno++;
    char *s = pb_trim(cur);
    if (!*s || *s == '#') continue;
    pb_profile_line(fs, path, lineno, s, diags);
  }
  free(text);
  return diags->errors > errors_before ? PB_ERR_FONT : PB_OK;
}

/* A profile needs a body font, and its files must open: reported here,
 * not at the first character set. */
static pb_status pb_profile_check(pb_fontset *fs, const char *path,
                                  pb_diags *diags) {
  if (fs->chains[PB_ROLE_BODY][PB_CHAIN_CJK].n == 0 &&
      fs->chains[PB_ROLE_BODY][PB_CHAIN_LATIN].n == 0) {
    pb_diag_add_at(diags, PB_SEV_ERROR, path, (pb_pos){0, 0},
                   "font profile names no body font");
    return PB_ERR_FONT;
  }
  for (int c = 0; c < 2; c++) {
    pb_chain *ch = &fs->chains[PB_ROLE_BODY][c];
    for (int k = 0; k < ch->n; k++)
      if (!pb_face_ready(fs, ch->face[k])) {
        pb_diag_add_at(diags, PB_SEV_ERROR, path, (pb_pos){0, 0},
                       "font file '%s' cannot be read",
                       fs->faces[ch->face[k]].file);
        return PB_ERR_FONT;
      }
  }
  return PB_OK;
}

pb_status pb_fontset_load(const char *font_dir, const char *name,
                          const char *lang, pb_fontset **out,
                          pb_diags *diags) {
  return pb_fontset_load_cached(font_dir, name, lang, NULL, out, diags);
}

pb_status pb_fontset_load_cached(const char *font_dir, const char *name,
                                 const char *lang, pb_cache *cache,
                                 pb_fontset **out, pb_diags *diags) {
  *out = NULL;
  if (!font_dir) font_dir = getenv("PAIBAN_FONT_DIR");
  if (!font_dir || !*font_dir) font_dir = PB_DEFAULT_FONT_DIR;
  name = pb_font_profile_name(name, lang);
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.conf", font_dir, name);

  pb_status st = PB_ERR_FONT;
  pb_fontset *fs = calloc(1, sizeof *fs);
  if (!fs) {
    pb_diag_add(diags, PB_SEV_ERROR, (pb_pos){0, 0}, "out of memory");
    return PB_ERR_NOMEM;
  }
  fs->cache = cache;
  /* Fontconfig's state is the same for every pattern of the profile. */
  if (cache) pb_fc_signature(fs->fc_state);
  if ((st = pb_profile_read(fs, path, name, diags)) == PB_OK)
    st = pb_profile_check(fs, path, diags);
  fs->cache = NULL;
  if (st != PB_OK) {
    pb_fontset_free(fs);
    return st;
  }
  *out = fs;
  return PB_OK;
}

int pb_fontset_chain(const pb_fontset *fs, pb_role role, int chain,
                     int *faces, int max) {
  const pb_chain *ch = chain == 2 ? &fs->fallback : &fs->chains[role][chain & 1];
  for (int k = 0; k < ch->n && k < max; k++) faces[k] = ch->face[k];
  return ch->n;
}

const char *pb_fontset_missing_fallback(const pb_fontset *fs, int i) {
  return i >= 0 && i < fs->nmissing_fallback ? fs->missing_fallback[i] : NULL;
}

bool pb_fontset_face_usable(pb_fontset *fs, size_t i) {
  return i < fs->nfaces && pb_face_ready(fs, (int)i);
}

static int pb_chain_pick(pb_fontset *fs, const pb_chain *ch, uint32_t cp) {
  for (int k = 0; k < ch->n; k++) {
    int fi = ch->face[k];
    if (pb_face_ready(fs, fi) && pb_face_glyph(&fs->faces[fi], cp)) return fi;
  }
  return -1;
}

int pb_fontset_pick(pb_fontset *fs, pb_role role, pb_script_pref pref,
                    uint32_t cp) {
  int first = pref == PB_PREF_LATIN ? PB_CHAIN_LATIN : PB_CHAIN_CJK;
  int order[4][2] = {{(int)role, first},
                     {(int)role, 1 - first},
                     {PB_ROLE_BODY, first},
                     {PB_ROLE_BODY, 1 - first}};
  for (int k = 0; k < 4; k++) {
    int fi = pb_chain_pick(fs, &fs->chains[order[k][0]][order[k][1]], cp);
    if (fi >= 0) return fi;
  }
  return pb_chain_pick(fs, &fs->fallback, cp);
}
