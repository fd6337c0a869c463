/* OpenCC conversion for derived editions (src/doc/derive.c): loaded only
 * when an edition needs it, and skipped when the persistent cache already
 * has the conversion (include/paiban/preload.h).
 *
 * Why dlopen: libopencc brings libstdc++ and libmarisa; mapping and
 * relocating them took 0.8 ms of every paiban process's start-up, most of
 * which convert nothing.  Why a cache of results: opening a configuration
 * parses its dictionaries (12 M instructions for tw2sp), more than the
 * rest of a warm render of the Simplified edition.  The result depends on
 * the text, the configuration's file and its dictionary directory, so the
 * key holds all three; it is the same bytes OpenCC gives.
 */
#include "doc/opencc.h"
#include "paiban/doc.h"
#include "paiban/preload.h"
#include "base/cache.h"

#include <dlfcn.h>
#include <opencc/opencc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef PB_OPENCC_SONAME
#define PB_OPENCC_SONAME "libopencc.so.1.1"
#endif
#ifndef PB_OPENCC_DATA_DIR
#define PB_OPENCC_DATA_DIR "/usr/share/opencc"
#endif

/* The library's entry points, once loaded. */
static struct {
  void *handle;
  __typeof__(opencc_open) *open;
  __typeof__(opencc_close) *close;
  __typeof__(opencc_convert_utf8) *convert;
  __typeof__(opencc_convert_utf8_free) *free_result;
  __typeof__(opencc_error) *error;
} pb_cc;

/* Loads libopencc; false with why set if it cannot be. */
static bool pb_opencc_library(char *why, size_t whylen) {
  if (pb_cc.handle) return true;
  void *h = dlopen(PB_OPENCC_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    snprintf(why, whylen, "cannot load OpenCC (%s): %s", PB_OPENCC_SONAME, dlerror());
    return false;
  }
  *(void **)&pb_cc.open = dlsym(h, "opencc_open");
  *(void **)&pb_cc.close = dlsym(h, "opencc_close");
  *(void **)&pb_cc.convert = dlsym(h, "opencc_convert_utf8");
  *(void **)&pb_cc.free_result = dlsym(h, "opencc_convert_utf8_free");
  *(void **)&pb_cc.error = dlsym(h, "opencc_error");
  if (!pb_cc.open || !pb_cc.close || !pb_cc.convert || !pb_cc.free_result ||
      !pb_cc.error) {
    snprintf(why, whylen, "%s lacks OpenCC's C functions", PB_OPENCC_SONAME);
    dlclose(h);
    return false;
  }
  pb_cc.handle = h;
  return true;
}

/* Converters preloaded for the whole process, by configuration file name. */
#define PB_OPENCC_PRELOAD 8
static struct {
  char name[64];
  opencc_t cc;
} pb_opencc_preloaded[PB_OPENCC_PRELOAD];

static opencc_t pb_opencc_find(const char *name) {
  for (int i = 0; i < PB_OPENCC_PRELOAD && pb_opencc_preloaded[i].name[0]; i++)
    if (strcmp(pb_opencc_preloaded[i].name, name) == 0)
      return pb_opencc_preloaded[i].cc;
  return (opencc_t)-1;
}

pb_status pb_preload_opencc(const char *config) {
  char name[64], why[256];
  snprintf(name, sizeof name, "%s.json", config);
  if (pb_opencc_find(name) != (opencc_t)-1) return PB_OK;
  if (!pb_opencc_library(why, sizeof why)) return PB_ERR_IO;
  for (int i = 0; i < PB_OPENCC_PRELOAD; i++)
    if (!pb_opencc_preloaded[i].name[0]) {
      opencc_t cc = pb_cc.open(name);
      if (cc == (opencc_t)-1) return PB_ERR_IO;
      memcpy(pb_opencc_preloaded[i].name, name, sizeof name);
      pb_opencc_preloaded[i].cc = cc;
      return PB_OK;
    }
  return PB_OK; /* table full: renders open their own */
}

void pb_unload_opencc(void) {
  for (int i = 0; i < PB_OPENCC_PRELOAD && pb_opencc_preloaded[i].name[0]; i++) {
    pb_cc.close(pb_opencc_preloaded[i].cc);
    pb_opencc_preloaded[i].name[0] = '\0';
  }
  /* The library stays mapped: libstdc++ does not unload cleanly. */
}

/* The persistent cache conversions go through (pb_preload_use_cache). */
static pb_cache *pb_opencc_cache;

void pb_opencc_use_cache(pb_cache *cache) { pb_opencc_cache = cache; }

/* The cache key of converting in[0..len) with configuration file name:
 * false (hex empty) if the configuration's file cannot be identified.
 * OpenCC opens a configuration from the working directory if it is there,
 * else from its data directory. */
static bool pb_opencc_key(const char *name, const char *in, size_t len,
                          char hex[33]) {
  char path[512];
  if (access(name, R_OK) == 0)
    snprintf(path, sizeof path, "%s", name);
  else
    snprintf(path, sizeof path, "%s/%s", PB_OPENCC_DATA_DIR, name);
  char *slash = strrchr(path, '/');
  pb_cache_key k;
  bool ok = pb_cache_key_init(&k, "opencc-conversion") &&
            pb_cache_key_add_file(&k, path);
  if (ok && slash) {
    /* The dictionaries it names live beside it: a package upgrade
     * replaces them, which changes the directory. */
    *slash = '\0';
    ok = pb_cache_key_add_file(&k, path);
  }
  pb_cache_key_add(&k, in, len);
  pb_cache_key_done(&k, hex);
  return ok && hex[0];
}

/* Converts with OpenCC itself; *out is malloc'd. */
static pb_status pb_opencc_run(const char *name, const char *in, size_t len,
                               char **out, size_t *out_len, pb_diags *diags,
                               pb_pos pos) {
  char why[256];
  if (!pb_opencc_library(why, sizeof why)) {
    pb_diag_add(diags, PB_SEV_ERROR, pos, "%s", why);
    return PB_ERR_IO;
  }
  opencc_t shared = pb_opencc_find(name);
  opencc_t cc = shared != (opencc_t)-1 ? shared : pb_cc.open(name);
  if (cc == (opencc_t)-1) {
    pb_diag_add(diags, PB_SEV_ERROR, pos,
                "OpenCC configuration '%s' cannot be opened: %s", name,
                pb_cc.error());
    return PB_ERR_IO;
  }
  char *res = pb_cc.convert(cc, in, len);
  if (cc != shared) pb_cc.close(cc);
  if (!res) {
    pb_diag_add(diags, PB_SEV_ERROR, pos, "OpenCC conversion failed: %s",
                pb_cc.error());
    return PB_ERR_INPUT;
  }
  /* Copy into malloc'd memory so the caller frees it like everything else. */
  size_t n = strlen(res);
  *out = malloc(n + 1);
  if (*out) memcpy(*out, res, n + 1);
  pb_cc.free_result(res);
  if (!*out) return PB_ERR_NOMEM;
  *out_len = n;
  return PB_OK;
}

pb_status pb_opencc_convert(const char *config, const char *in, size_t len,
                            char **out, size_t *out_len, pb_diags *diags,
                            pb_pos pos) {
  char name[64], hex[33] = "";
  snprintf(name, sizeof name, "%s.json", config);
  void *data = NULL;
  size_t n = 0;
  /* A cached result is used only if it is whole text (no NUL). */
  if (pb_opencc_cache && pb_opencc_key(name, in, len, hex) &&
      pb_cache_get(pb_opencc_cache, hex, &data, &n) && !memchr(data, 0, n)) {
    *out = data; /* pb_cache_get leaves a NUL after the payload */
    *out_len = n;
    return PB_OK;
  }
  free(data);
  pb_status st = pb_opencc_run(name, in, len, out, out_len, diags, pos);
  if (st == PB_OK && hex[0]) pb_cache_put(pb_opencc_cache, hex, *out, *out_len);
  return st;
}
