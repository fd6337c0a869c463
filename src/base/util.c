/* Internal helpers shared by the library's stages (src/util.h). */
#include "base/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool pb_grow(void **v, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return true;
  /* Sizes that would overflow size_t fail like an allocation failure. */
  if (elem == 0 || need > SIZE_MAX / 2 / elem) return false;
  size_t n = *cap ? *cap : 16;
  while (n < need) n *= 2;
  void *q = realloc(*v, n * elem);
  if (!q) return false;
  *v = q;
  *cap = n;
  return true;
}

bool pb_text_append(uint32_t **pool, size_t *len, size_t *cap,
                    const uint32_t *cps, size_t n, uint32_t *off) {
  if (n > UINT32_MAX - *len ||
      !pb_grow((void **)pool, cap, *len + n, sizeof **pool))
    return false;
  if (n) memcpy(*pool + *len, cps, n * sizeof *cps);
  *off = (uint32_t)*len;
  *len += n;
  return true;
}

char *pb_strdup(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  if (p) memcpy(p, s, n);
  return p;
}

int pb_lang_family(const char *tag) {
  if (!tag || !*tag) return 0;
  if (strncasecmp(tag, "en", 2) == 0) return 2;
  if (strncasecmp(tag, "zh-Hans", 7) == 0 || strcasecmp(tag, "zh-CN") == 0 ||
      strcasecmp(tag, "zh-SG") == 0 || strcasecmp(tag, "zh") == 0)
    return 1;
  return 0;
}
