/* libFuzzer target for the whole pipeline, as the CLI's pb_render runs it:
 * pb_doc_parse → pb_doc_derive → pb_doc_check (which probes images) →
 * pb_settings_from_meta → pb_fontset_load → pb_typeset → pb_pdf_write (to
 * a per-process file under /tmp, removed afterwards) and a dump (to
 * /dev/null); and pb_epub_write from the same document (also to a
 * per-process file, removed).
 *
 * Which command-line choices an input runs with is decided by a hash of
 * its bytes (so an input always runs the same way, and a reproducer needs
 * nothing but its file): the --profile override (none, print, ebook), the
 * --writing-mode override (none, horizontal-tb, vertical-rl), the dump
 * (lines, glyphs, pages, or the stage dumps items and breaks, which set
 * the document again, traced), whether the EPUB is written, and whether
 * the PDF goes through a font cache.  With the cache the PDF is written
 * twice, cold (the cache emptied first) and warm, and the two files must
 * be the same bytes (backend.h promises the PDF does not depend on the
 * cache); a difference aborts.  With FUZZ_RENDER_VERBOSE set in the
 * environment, the choices and the diagnostics of each input are printed.
 *
 * The input is named PB_FUZZ_DOC_DIR/fuzz.md (set by fuzz.mk: a copy of the
 * seed corpus plus the test images card.png and card.jpg), so
 * "derive-from: essay-zh-Hant.md" derives from a small seed file and
 * exercises the OpenCC conversion, and "![x](card.png)" draws an image;
 * other names are read errors.
 *
 * Loading fonts is slow, so font sets are loaded once per profile and kept
 * for the life of the process (they stay reachable, so LeakSanitizer does
 * not count them).  Inputs over 64 KiB are skipped to keep runs fast.
 *
 * Build and run with `make fuzz-build` / `make fuzz` (tests/fuzz/fuzz.mk).
 */
#include "paiban/paiban.h"

#include <dirent.h>
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
static char pdf_path[64], pdf_warm_path[64], epub_path[64], cache_dir[64];
static FILE *dev_null;

/* How one input is run (the command-line choices), from its hash. */
typedef struct fuzz_choice {
  pb_overrides ov;
  pb_dump_kind dump;
  bool epub;
  bool cache;
  int threads;   /* for paragraphs and page streams: 1, 2 or 3 */
} fuzz_choice;

static fuzz_choice choose(const uint8_t *data, size_t size) {
  uint32_t h = 2166136261u; /* FNV-1a */
  for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 16777619u;
  fuzz_choice c = {0};
  unsigned profile = h % 3, mode = (h / 3) % 3;
  c.ov.has_profile = profile != 0;
  c.ov.profile = profile == 2 ? PB_PROFILE_EBOOK : PB_PROFILE_PRINT;
  c.ov.has_writing_mode = mode != 0;
  c.ov.vertical = mode == 2;
  c.dump = (pb_dump_kind)((h / 9) % 5);
  c.epub = (h >> 8) & 1;
  c.cache = ((h >> 9) & 3) == 0;
  c.threads = 1 + (int)((h >> 11) % 3);
  if (getenv("FUZZ_RENDER_VERBOSE"))
    fprintf(stderr,
            "fuzz_render: profile %s, writing mode %s, dump %d, epub %d, "
            "cache %d, threads %d\n",
            profile == 0 ? "-" : profile == 1 ? "print" : "ebook",
            mode == 0 ? "-" : mode == 1 ? "horizontal-tb" : "vertical-rl",
            (int)c.dump, c.epub, c.cache, c.threads);
  return c;
}

/* Removes every entry of the fuzzer's cache directory (a cold cache). */
static void empty_cache_dir(void) {
  DIR *dir = opendir(cache_dir);
  if (!dir) return;
  struct dirent *e;
  char path[512];
  while ((e = readdir(dir)) != NULL) {
    if (e->d_name[0] == '.' &&
        (e->d_name[1] == 0 || (e->d_name[1] == '.' && e->d_name[2] == 0)))
      continue;
    snprintf(path, sizeof path, "%s/%s", cache_dir, e->d_name);
    unlink(path);
  }
  closedir(dir);
}

/* Aborts unless the files at a and b hold the same bytes. */
static void expect_same_file(const char *a, const char *b) {
  FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
  if (!fa || !fb) {
    fprintf(stderr, "fuzz_render: cannot reopen %s or %s\n", a, b);
    abort();
  }
  long off = 0;
  for (;; off++) {
    int ca = getc(fa), cb = getc(fb);
    if (ca != cb) {
      fprintf(stderr, "fuzz_render: the PDF written with a warm cache "
                      "differs from the cold one at byte %ld\n", off);
      abort();
    }
    if (ca == EOF) break;
  }
  fclose(fa);
  fclose(fb);
}

static void remove_cache_dir(void) {
  empty_cache_dir();
  rmdir(cache_dir);
}

/* Writes the PDF: without a cache, or (c->cache) cold then warm through
 * one, and checks that both are the same bytes. */
static void write_pdf(const fuzz_choice *c, const pb_layout *lo,
                      const pb_fontset *fs, pb_diags *d) {
  if (!c->cache) {
    pb_pdf_options po = {.compress = true, .threads = c->threads};
    if (pb_pdf_write(lo, fs, &po, pdf_path, d) == PB_OK) unlink(pdf_path);
    return;
  }
  empty_cache_dir();
  pb_cache *cache = pb_cache_open(cache_dir, 0);
  if (!cache) {
    fprintf(stderr, "fuzz_render: cannot open the cache %s\n", cache_dir);
    abort(); /* a broken setup, not a finding */
  }
  pb_pdf_options po = {.compress = true, .cache = cache, .threads = c->threads};
  pb_status cold = pb_pdf_write(lo, fs, &po, pdf_path, d);
  pb_status warm = pb_pdf_write(lo, fs, &po, pdf_warm_path, d);
  if (cold != warm) {
    fprintf(stderr, "fuzz_render: cold cache %d, warm cache %d\n", (int)cold,
            (int)warm);
    abort();
  }
  if (cold == PB_OK) expect_same_file(pdf_path, pdf_warm_path);
  unlink(pdf_path);
  unlink(pdf_warm_path);
  pb_cache_close(cache);
}


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
  snprintf(pdf_warm_path, sizeof pdf_warm_path,
           "/tmp/paiban-fuzz-%ld-warm.pdf", (long)getpid());
  snprintf(epub_path, sizeof epub_path, "/tmp/paiban-fuzz-%ld.epub",
           (long)getpid());
  snprintf(cache_dir, sizeof cache_dir, "/tmp/paiban-fuzz-%ld-cache",
           (long)getpid());
  dev_null = fopen("/dev/null", "w");
  if (!dev_null) abort();
  atexit(remove_cache_dir);
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
  fuzz_choice c = choose(data, size);

  if (pb_doc_parse(src, size, DOC_PATH, &doc, &d) != PB_OK || d.errors)
    goto done;
  if (pb_doc_derive(&doc, &d) != PB_OK || d.errors) goto done;
  if (pb_doc_check(&doc, &d) != PB_OK || d.errors) goto done;
  if (pb_settings_from_meta(&doc.meta, &c.ov, &s, &d) != PB_OK || d.errors)
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
  if (c.epub && pb_epub_write(&doc, &s, fs, epub_path, &d) == PB_OK)
    unlink(epub_path);
  pb_typeset_options to = {.threads = c.threads};
  if (pb_typeset_with(&doc, &s, fs, &to, &lo, &d) != PB_OK || d.errors) goto done;
  write_pdf(&c, &lo, fs, &d);
  if (c.dump == PB_DUMP_ITEMS || c.dump == PB_DUMP_BREAKS)
    (void)pb_dump_stages(&doc, &s, fs, c.dump, dev_null, &d);
  else
    (void)pb_dump_write(&lo, fs, c.dump, dev_null);

done:
  if (getenv("FUZZ_RENDER_VERBOSE")) {
    char buf[512];
    for (size_t k = 0; k < d.count; k++) {
      pb_diag_format(&d.items[k], buf, sizeof buf);
      fprintf(stderr, "fuzz_render: %s\n", buf);
    }
  }
  pb_layout_free(&lo);
  pb_fontset_free(own);
  pb_doc_free(&doc);
  pb_diags_free(&d);
  free(src);
  return 0;
}
