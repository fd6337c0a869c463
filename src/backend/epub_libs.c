/* dlopen of libxml2 and libzip for the EPUB backend; see epub_libs.h. */
#define PB_EPUB_LIBS_NO_REDIRECT
#include "backend/epub_libs.h"

#include <dlfcn.h>
#include <stdio.h>

#ifndef PB_LIBXML2_SONAME
#define PB_LIBXML2_SONAME "libxml2.so.2"
#endif
#ifndef PB_LIBZIP_SONAME
#define PB_LIBZIP_SONAME "libzip.so.4"
#endif

pb_epub_libs_table pb_epub_libs;
static bool pb_epub_libs_ready;

/* Opens soname; false with why set. */
static bool pb_epub_lib_open(const char *soname, void **handle, char *why,
                             size_t whylen) {
  *handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!*handle) snprintf(why, whylen, "cannot load %s: %s", soname, dlerror());
  return *handle != NULL;
}

bool pb_epub_libs_load(char *why, size_t whylen) {
  if (pb_epub_libs_ready) return true;
  void *xml = NULL, *zip = NULL;
  if (!pb_epub_lib_open(PB_LIBXML2_SONAME, &xml, why, whylen) ||
      !pb_epub_lib_open(PB_LIBZIP_SONAME, &zip, why, whylen)) {
    if (xml) dlclose(xml);
    return false;
  }
  pb_epub_libs_table t;
  const char *missing = NULL;
  /* The declared type of each slot is the header's own prototype. */
#define PB_EPUB_FILL(lib, fn)                                                  \
  *(void **)&t.fn = dlsym(lib, #fn);                                           \
  if (!t.fn && !missing) missing = #fn;
  PB_EPUB_XML_FUNCS(PB_EPUB_FILL)
  PB_EPUB_ZIP_FUNCS(PB_EPUB_FILL)
#undef PB_EPUB_FILL
  if (missing) {
    snprintf(why, whylen, "%s lacks %s", missing[0] == 'x' ? PB_LIBXML2_SONAME : PB_LIBZIP_SONAME,
             missing);
    dlclose(zip);
    dlclose(xml);
    return false;
  }
  pb_epub_libs = t;
  pb_epub_libs_ready = true;
  return true;
}
