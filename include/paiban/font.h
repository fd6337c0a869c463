/* paiban — fonts: profiles (fonts/NAME.conf), fontconfig lookup, faces
 * read by HarfBuzz (mapped once, its own OpenType font functions),
 * per-character font choice.
 *
 * A font profile lists, per role, the fontconfig patterns for CJK text, for
 * Latin text and for fallback.  Each character takes the first face of its
 * chain that has it (see pb_fontset_pick).
 *
 * Ownership: pb_fontset owns its faces (FreeType face, HarfBuzz face/font,
 * the font file's bytes) and frees them in pb_fontset_free().  Pointers
 * returned by the accessors stay valid until then.
 */
#ifndef PAIBAN_FONT_H
#define PAIBAN_FONT_H

#include "base.h"
#include "cache.h"

typedef enum pb_role {
  PB_ROLE_BODY = 0,   /* running text */
  PB_ROLE_EMPH,       /* *emphasis*: Latin italic, CJK as body (or Kai) */
  PB_ROLE_STRONG,     /* **strong** and headings: bold */
  PB_ROLE_CODE,       /* `code`: monospace */
  PB_ROLE_COUNT
} pb_role;

/* Which chain a character is looked up in first. */
typedef enum pb_script_pref {
  PB_PREF_CJK = 0,
  PB_PREF_LATIN = 1,
} pb_script_pref;

/* One font face of a profile (opaque: its HarfBuzz and FreeType objects
 * stay inside the library, as libraqm keeps its runs). */
typedef struct pb_face pb_face;

typedef struct pb_fontset pb_fontset;

/* Loads the profile for lang (or the named profile) from font_dir into
 * *out (the caller frees it with pb_fontset_free).  name may be NULL (then
 * "zh-Hant", "zh-Hans" or "en" from lang).  Fonts missing from the system
 * or that cannot be embedded are errors naming the profile line.  On
 * failure *out is NULL, the cause is in diags, and the status is
 * PB_ERR_IO (the profile cannot be read), PB_ERR_FONT or PB_ERR_NOMEM.
 * font_dir NULL means the built-in default (PAIBAN_FONT_DIR or the
 * directory given at build time). */
pb_status pb_fontset_load(const char *font_dir, const char *name,
                          const char *lang, pb_fontset **out,
                          pb_diags *diags);
/* The same, remembering each pattern's resolution in cache (may be NULL):
 * with every pattern of the profile in it, fontconfig is never started.
 * A resolution is used only while fontconfig's configuration, its cache
 * directories and the font file are unchanged. */
pb_status pb_fontset_load_cached(const char *font_dir, const char *name,
                                 const char *lang, pb_cache *cache,
                                 pb_fontset **out, pb_diags *diags);
void pb_fontset_free(pb_fontset *fs);

/* The profile pb_fontset_load would read: name if given, else "zh-Hant",
 * "zh-Hans" or "en" from lang.  A fontset may serve any number of
 * documents that resolve to the same profile (one at a time). */
const char *pb_font_profile_name(const char *name, const char *lang);

/* The faces of one chain of role (chain 0: CJK, 1: Latin, 2: the fallbacks,
 * the same for every role), in order, into faces[0..max); returns how many
 * the chain has.  A face that cannot be opened is still listed (see
 * pb_fontset_face_usable).  For `paiban fonts`. */
int pb_fontset_chain(const pb_fontset *fs, pb_role role, int chain,
                     int *faces, int max);
/* The i-th fallback of the profile that is not installed (fallbacks may
 * be missing), or NULL past the last. */
const char *pb_fontset_missing_fallback(const pb_fontset *fs, int i);
/* Can face i be opened and shaped with (loads it if not yet loaded)? */
bool pb_fontset_face_usable(pb_fontset *fs, size_t i);

size_t pb_fontset_face_count(const pb_fontset *fs);
const pb_face *pb_fontset_face(const pb_fontset *fs, size_t i);

/* Face index for character cp in role, trying the preferred chain first,
 * then the other, then the fallbacks; -1 if no face has it. */
int pb_fontset_pick(pb_fontset *fs, pb_role role, pb_script_pref pref,
                    uint32_t cp);

/* Glyph id of cp in face f (0 if missing). */
uint32_t pb_face_glyph(const pb_face *f, uint32_t cp);

/* The face's family name as fontconfig reports it, its file and its
 * PostScript name; never NULL (may be ""), valid while the fontset lives. */
const char *pb_face_family(const pb_face *f);
const char *pb_face_file(const pb_face *f);
const char *pb_face_ps_name(const pb_face *f);

#endif
