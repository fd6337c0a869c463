/* Internal helpers shared by the library's stages. */
#ifndef PB_UTIL_H
#define PB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Grows the array *v (elements of elem bytes, capacity *cap) to hold at
 * least need elements, doubling from 16.  False on allocation failure (or
 * a size that would overflow), with the array unchanged. */
bool pb_grow(void **v, size_t *cap, size_t need, size_t elem);

/* Appends cps[0..n) to the code-point pool *pool (*len used, *cap
 * allocated); *off receives where they start.  False on allocation
 * failure or when the pool would pass UINT32_MAX code points. */
bool pb_text_append(uint32_t **pool, size_t *len, size_t *cap,
                    const uint32_t *cps, size_t n, uint32_t *off);

/* malloc'd copy of s; NULL for NULL or on allocation failure. */
char *pb_strdup(const char *s);

/* Little-endian uint32 in the byte records paiban keeps in its persistent
 * cache (font programs, EPUB font entries). */
static inline void pb_put_le32(uint8_t *p, uint32_t v) {
  for (int k = 0; k < 4; k++) p[k] = (uint8_t)(v >> (8 * k));
}

static inline uint32_t pb_get_le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

/* The family of a language tag: 0 Traditional Chinese (also the default
 * for NULL), 1 Simplified Chinese, 2 Latin script (English). */
int pb_lang_family(const char *tag);

#endif
