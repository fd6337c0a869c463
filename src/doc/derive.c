/* Derived editions (README, "Derived editions"): an edition whose front matter says
 * "derive-from: other.md" and "convert: tw2sp" takes the other manuscript's
 * text through OpenCC at render time, so the Traditional original and its
 * Simplified edition never drift apart. */
#include "paiban/doc.h"
#include "paiban/file.h"
#include "doc/paths.h"
#include "paiban/cjk.h"
#include "base/utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Mainland horizontal text quotes with “ ” ‘ ’, Taiwan with 「」『』
 * (clreq-digest §0 "Quote conventions").  All of them are 3 bytes in
 * UTF-8, so positions do not move.  Towards zh-Hans every corner bracket
 * becomes a curly quote; towards zh-Hant a curly quote becomes a corner
 * bracket only next to Chinese text, so English quotations and apostrophes
 * ("It’s") stay as they are. */
static bool pb_cjk_at(const char *s, size_t n, size_t i, bool before) {
  /* The code point ending just before byte i, or starting at byte i. */
  size_t k = i;
  if (before) {
    if (k == 0) return false;
    k--;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80) k--;
  }
  if (k >= n) return false;
  uint32_t cp = 0;
  if (pb_utf8_decode(s + k, n - k, &cp) == 0) return false;
  return pb_is_cjk_char(cp) && !pb_is_shared_mark(cp);
}

static void pb_swap_quotes(char *s, size_t n, bool to_hans) {
  static const char *const corner[4] = {"\xE3\x80\x8C", "\xE3\x80\x8D",
                                        "\xE3\x80\x8E", "\xE3\x80\x8F"};
  static const char *const curly[4] = {"\xE2\x80\x9C", "\xE2\x80\x9D",
                                       "\xE2\x80\x98", "\xE2\x80\x99"};
  const char *const *from = to_hans ? corner : curly;
  const char *const *to = to_hans ? curly : corner;
  for (size_t i = 0; i + 3 <= n; i++)
    for (int k = 0; k < 4; k++)
      if (memcmp(s + i, from[k], 3) == 0) {
        if (to_hans || pb_cjk_at(s, n, i, true) || pb_cjk_at(s, n, i + 3, false))
          memcpy(s + i, to[k], 3);
        i += 2;
        break;
      }
}

char *pb_sibling_path(const char *base, const char *rel) {
  const char *slash = strrchr(base, '/');
  size_t dl = rel[0] == '/' || !slash ? 0 : (size_t)(slash - base) + 1;
  char *p = malloc(dl + strlen(rel) + 1);
  if (!p) return NULL;
  memcpy(p, base, dl);
  strcpy(p + dl, rel);
  return p;
}

bool pb_path_inside(const char *manuscript, const char *file) {
  char *real = realpath(file, NULL);
  if (!real) return true;
  const char *slash = strrchr(manuscript, '/');
  char *dir = slash ? strndup(manuscript, (size_t)(slash - manuscript) + 1)
                    : strdup(".");
  char *rdir = dir ? realpath(*dir ? dir : "/", NULL) : NULL;
  size_t n = rdir ? strlen(rdir) : 0;
  bool inside = rdir && strncmp(real, rdir, n) == 0 &&
                (real[n] == '/' || (n == 1 && rdir[0] == '/'));
  free(real);
  free(dir);
  free(rdir);
  return inside;
}

static void pb_take_str(char **dst, char **src) {
  if (*dst || !*src) return;
  *dst = *src;
  *src = NULL;
}

/* Converts the original's text src[0..len) with m's "convert" (if any)
 * into *conv (malloc'd; NULL without "convert").  OpenCC takes
 * NUL-terminated UTF-8: bytes it cannot take are reported as the
 * original's own errors, by parsing it as it is. */
static pb_status pb_derive_convert(const pb_meta *m, const char *path,
                                   const char *src, size_t len, char **conv,
                                   size_t *clen, pb_diags *diags) {
  if (!pb_meta_has(m, PB_KEY_CONVERT)) return PB_OK;
  const char *convert = pb_meta_enum_name(PB_KEY_CONVERT, (int)m->convert);
  if (memchr(src, 0, len) || pb_utf8_valid_prefix(src, len) != len) {
    pb_diags od;
    pb_diags_init(&od, path);
    pb_doc bad = {0};
    pb_doc_parse(src, len, path, &bad, &od);
    pb_doc_free(&bad);
    if (!od.errors)
      pb_diag_add(&od, PB_SEV_ERROR, (pb_pos){1, 1},
                  "cannot be converted (invalid UTF-8 or a NUL byte)");
    pb_diags_move(diags, &od);
    pb_diags_free(&od);
    return PB_ERR_INPUT;
  }
  pb_status st = pb_opencc_convert(convert, src, len, conv, clen, diags,
                                   m->convert_pos);
  if (st != PB_OK) return st;
  bool to_hans = strcmp(convert, "s2t") != 0 && strncmp(convert, "s2", 2) != 0;
  pb_swap_quotes(*conv, *clen, to_hans);
  return PB_OK;
}

/* Reads the original named by derive-from; a failure is reported at the
 * derive-from line ("cannot read the original 'PATH': WHY"). */
static pb_status pb_read_original(const char *path, pb_pos at, char **src,
                                  size_t *len, pb_diags *diags) {
  size_t n = strlen(path) + 32;
  char *what = malloc(n);
  if (!what) {
    pb_diag_add(diags, PB_SEV_ERROR, at, "out of memory");
    return PB_ERR_NOMEM;
  }
  snprintf(what, n, "the original '%s'", path);
  pb_status st = pb_file_read(path, PB_MAX_MANUSCRIPT_BYTES, what, at, src,
                              len, diags);
  free(what);
  return st;
}

pb_status pb_doc_derive(pb_doc *doc, pb_diags *diags) {
  pb_meta *m = &doc->meta;
  if (!m->derive_from) return PB_OK;
  pb_status st = PB_ERR_NOMEM;
  char *path = pb_sibling_path(doc->path ? doc->path : "", m->derive_from);
  char *src = NULL, *conv = NULL;
  size_t len = 0, clen = 0;
  pb_doc orig = {0};
  pb_diags od;
  pb_diags_init(&od, path);
  if (!path) goto done;
  if (!doc->derive_anywhere && !pb_path_inside(doc->path ? doc->path : "", path)) {
    pb_diag_add(diags, PB_SEV_ERROR, m->derive_pos,
                "'derive-from' names '%s', which is outside the manuscript's "
                "directory (paiban --allow-outside permits it)",
                path);
    st = PB_ERR_INPUT;
    goto done;
  }
  st = pb_read_original(path, m->derive_pos, &src, &len, diags);
  if (st != PB_OK) goto done;
  st = pb_derive_convert(m, path, src, len, &conv, &clen, diags);
  if (st != PB_OK) goto done;
  st = pb_doc_parse(conv ? conv : src, conv ? clen : len, path, &orig, &od);
  pb_diags_move(diags, &od);
  if (st != PB_OK) goto done;
  if (orig.meta.derive_from) {
    pb_diag_add(diags, PB_SEV_ERROR, m->derive_pos,
                "'%s' is itself derived from another manuscript; derive from "
                "the original instead",
                path);
    st = PB_ERR_INPUT;
    goto done;
  }
  if (doc->nblocks)
    pb_diag_add(diags, PB_SEV_WARNING, m->derive_pos,
                "this manuscript has 'derive-from', so its own text is not "
                "used");
  /* Swap bodies: doc takes the derived blocks, orig's free below takes
   * doc's own (unused) ones. */
  pb_block *blocks = doc->blocks;
  size_t nblocks = doc->nblocks;
  char **links = doc->links;
  size_t nlinks = doc->nlinks;
  doc->blocks = orig.blocks;
  doc->nblocks = orig.nblocks;
  doc->links = orig.links;
  doc->nlinks = orig.nlinks;
  orig.blocks = blocks;
  orig.nblocks = nblocks;
  orig.links = links;
  orig.nlinks = nlinks;
  pb_take_str(&m->title, &orig.meta.title);
  pb_take_str(&m->subtitle, &orig.meta.subtitle);
  pb_take_str(&m->author, &orig.meta.author);
  if (!pb_meta_has(m, PB_KEY_DATE) && pb_meta_has(&orig.meta, PB_KEY_DATE)) {
    m->date = orig.meta.date;
    m->given |= 1u << PB_KEY_DATE;
  }
  if (!m->title_pos.line) m->title_pos = orig.meta.title_pos;
  free(doc->body_path);
  doc->body_path = path;
  path = NULL;
  st = PB_OK;
done:
  pb_doc_free(&orig);
  pb_diags_free(&od);
  free(conv);
  free(src);
  free(path);
  return st;
}
