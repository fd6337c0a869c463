/* `paiban fonts [MANUSCRIPT|PROFILE]` (src/cli/cli.h): what each role of a
 * font profile resolves to, and what is missing. */
#include "cli.h"
#include "paiban/file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const pb_role_label[PB_ROLE_COUNT] = {"body", "emph",
                                                         "strong", "code"};

static int pb_list_profile(const pb_cli *cli, const char *name,
                           const char *lang, const char *from) {
  pb_diags d;
  pb_diags_init(&d, from ? from : "paiban");
  pb_fontset *fs = NULL;
  (void)pb_fontset_load(cli->font_dir, name, lang, &fs, &d); /* fs NULL on failure */
  const char *profile = pb_font_profile_name(name, lang);
  int rc = 0;
  if (fs) {
    printf("profile %s%s%s%s\n", profile, from ? " (for " : "", from ? from : "",
           from ? ")" : "");
    static const char *const chain_name[3] = {"cjk", "latin", "fallback"};
    for (int r = 0; r <= PB_ROLE_COUNT; r++)
      for (int c = 0; c < 3; c++) {
        if ((r == PB_ROLE_COUNT) != (c == 2)) continue;
        int faces[64];
        int n = pb_fontset_chain(fs, r == PB_ROLE_COUNT ? PB_ROLE_BODY : (pb_role)r,
                                 c, faces, 64);
        char label[32];
        snprintf(label, sizeof label, "%s%s%s",
                 r == PB_ROLE_COUNT ? "" : pb_role_label[r],
                 r == PB_ROLE_COUNT ? "" : ".", chain_name[c]);
        if (n == 0) {
          printf("  %-14s (none: %s)\n", label,
                 r == PB_ROLE_BODY || c == 2 ? "not given"
                                             : "falls back to the body font");
          continue;
        }
        for (int k = 0; k < n && k < 64; k++) {
          const pb_face *f = pb_fontset_face(fs, (size_t)faces[k]);
          bool ok = pb_fontset_face_usable(fs, (size_t)faces[k]);
          printf("  %-14s %s — %s%s\n", k ? "" : label,
                 f ? pb_face_family(f) : "?", f ? pb_face_file(f) : "?",
                 ok ? "" : "  [MISSING: cannot be opened]");
          if (!ok) rc = 1;
        }
      }
    bool any_fallback = pb_fontset_chain(fs, PB_ROLE_BODY, 2, NULL, 0) > 0;
    for (int i = 0; pb_fontset_missing_fallback(fs, i); i++)
      printf("  %-14s %s — MISSING: not installed (skipped)\n",
             i || any_fallback ? "" : "fallback",
             pb_fontset_missing_fallback(fs, i));
    pb_fontset_free(fs);
  }
  pb_print_diags(&d, false, cli->diag_style, "", NULL);
  if (d.errors) rc = 1;
  pb_diags_free(&d);
  return rc;
}

int pb_fonts_command(const pb_cli *cli, int argc, char **argv) {
  if (argc == 0) {
    static const char *const langs[3] = {"zh-Hant", "zh-Hans", "en"};
    int rc = 0;
    for (int i = 0; i < 3; i++) rc |= pb_list_profile(cli, NULL, langs[i], NULL);
    return rc;
  }
  int rc = 0;
  for (int i = 0; i < argc; i++) {
    size_t n = strlen(argv[i]);
    if (n < 3 || strcmp(argv[i] + n - 3, ".md") != 0) {
      rc |= pb_list_profile(cli, argv[i], NULL, NULL);
      continue;
    }
    /* A manuscript: the profile its front matter selects. */
    char *src = NULL;
    size_t len = 0;
    pb_diags d;
    pb_diags_init(&d, argv[i]);
    pb_status rst = pb_file_read(argv[i], PB_MAX_MANUSCRIPT_BYTES, NULL,
                                 (pb_pos){0, 0}, &src, &len, &d);
    pb_doc doc = {0};
    pb_settings s;
    pb_overrides ov = {.font_dir = cli->font_dir};
    if (rst == PB_OK && pb_doc_parse(src, len, argv[i], &doc, &d) == PB_OK && !d.errors &&
               pb_settings_from_meta(&doc.meta, &ov, &s, &d) == PB_OK &&
               !d.errors) {
      rc |= pb_list_profile(cli, doc.meta.fonts, s.lang, argv[i]);
    }
    if (d.errors) rc = 1;
    pb_print_diags(&d, false, cli->diag_style, "", NULL);
    pb_diags_free(&d);
    pb_doc_free(&doc);
    free(src);
  }
  return rc;
}
