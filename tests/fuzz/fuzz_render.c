/* libFuzzer target for the whole pipeline, as the CLI's pb_render runs it:
 * pb_doc_parse → pb_doc_derive → pb_doc_check → pb_settings_from_meta → pb_fontset_load →
 * pb_typeset → pb_pdf_write (to a per-process file under /tmp, removed
 * afterwards) and pb_dump_write (to /dev/null); and pb_epub_write from the
 * same document (also to a per-process file, removed).
 *
 * The input is named PB_FUZZ_DOC_DIR/fuzz.md (the seed corpus directory,
 * set by fuzz.mk), so "derive-from: essay-zh-Hant.md" derives from a small
 * seed file and exercises the OpenCC conversion; other names are read
 * errors.
 *
 * Loading fonts is slow, so font sets are loaded once per profile and kept
 * for the life of the process (they stay reachable, so LeakSanitizer does
 * not count them).  Inputs over 64 KiB are skipped to keep runs fast.
 *
 * Build and run with `make fuzz-build` / `make fuzz` (tests/fuzz/fuzz.mk).
 */
#include "paiban/paiban.h"

#include <fontconfig/fontconfig.h>
#include <sanitizer/lsan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define FUZZ_MAX_INPUT (64u << 10)

#ifndef PB_FUZZ_DOC_DIR
#define PB_FUZZ_DOC_DIR "tests/fuzz/corpus"
#endif
#define DOC_PATH PB_FUZZ_DOC_DIR "/fuzz.md"

/* The three profiles in fonts/, cached on first use. */
static const char *const profile_names[] = {"zh-Hant", "zh-Hans", "en"};
static pb_fontset *profile_cache[3];
static bool profile_tried[3];
static char pdf_path[64], epub_path[64];
static FILE *dev_null;


/* The cached font set for a profile name, loading it on first use; NULL if
 * the name is not one of the three. */
static pb_fontset *cached_fontset(const char *name, bool *known) {
  for (int i = 0; i < 3; i++) {
    if (strcmp(name, profile_names[i]) != 0) continue;
    *known = true;
    if (!profile_tried[i]) {
      profile_tried[i] = true;
      pb_diags d;
      pb_diags_init(&d, "fuzz-fonts");
      (void)pb_fontset_load(NULL, name, NULL, &profile_cache[i], &d);
      if (!profile_cache[i]) {
        char buf[512];
        for (size_t k = 0; k < d.count; k++) {
          pb_diag_format(&d.items[k], buf, sizeof buf);
          fprintf(stderr, "fuzz_render: %s\n", buf);
        }
        fprintf(stderr, "fuzz_render: cannot load font profile %s\n", name);
        abort(); /* a broken setup, not a finding: stop at once */
      }
      pb_diags_free(&d);
    }
    return profile_cache[i];
  }
  *known = false;
  return NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  snprintf(pdf_path, sizeof pdf_path, "/tmp/paiban-fuzz-%ld.pdf",
           (long)getpid());
  snprintf(epub_path, sizeof epub_path, "/tmp/paiban-fuzz-%ld.epub",
           (long)getpid());
  dev_null = fopen("/dev/null", "w");
  if (!dev_null) abort();
  /* fontconfig's one-time configuration load (FcInit reading fonts.conf
   * through expat) leaks ~300 bytes once per process in this Debian build.
   * Do it here with LeakSanitizer off so that leak is not reported; the
   * FcInit inside pb_fontset_load is then a no-op.  (A suppression cannot
   * be used: fontconfig has no frame pointers, so the fast unwinder's stack
   * never reaches a name to match.) */
  __lsan_disable();
  FcInit();
  __lsan_enable();
  /* The brief: zh-Hant up front, the others when a document needs them. */
  bool known;
  cached_fontset("zh-Hant", &known);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > FUZZ_MAX_INPUT) return 0;
  char *src = malloc(size ? size : 1); /* exact size: no terminating NUL */
  if (!src) return 0;
  if (size) memcpy(src, data, size);

  pb_diags d;
  pb_doc doc;
  pb_layout lo;
  pb_settings s;
  pb_fontset *own = NULL; /* a profile outside the cache, freed here */
  memset(&doc, 0, sizeof doc);
  memset(&lo, 0, sizeof lo);
  pb_diags_init(&d, DOC_PATH);

  if (pb_doc_parse(src, size, DOC_PATH, &doc, &d) != PB_OK || d.errors)
    goto done;
  if (pb_doc_derive(&doc, &d) != PB_OK || d.errors) goto done;
  if (pb_doc_check(&doc, &d) != PB_OK || d.errors) goto done;
  if (pb_settings_from_meta(&doc.meta, NULL, &s, &d) != PB_OK || d.errors)
    goto done;
  const char *name = pb_font_profile_name(doc.meta.fonts, s.lang);
  bool known = false;
  pb_fontset *fs = cached_fontset(name, &known);
  if (!known) {
    /* Any other profile name goes the uncached way (normally a missing
     * profile file: the error path). */
    (void)pb_fontset_load(NULL, name, s.lang, &own, &d);
    fs = own;
  }
  if (!fs) goto done;
  if (pb_typeset(&doc, &s, fs, &lo, &d) != PB_OK || d.errors) goto done;
  pb_pdf_options po = {.compress = true};
  if (pb_pdf_write(&lo, fs, &po, pdf_path, &d) == PB_OK) unlink(pdf_path);
  pb_dump_write(&lo, fs, PB_DUMP_GLYPHS, dev_null);
  if (pb_epub_write(&doc, &s, fs, epub_path, &d) == PB_OK) unlink(epub_path);

done:
  pb_layout_free(&lo);
  pb_fontset_free(own);
  pb_doc_free(&doc);
  pb_diags_free(&d);
  free(src);
  return 0;
}
