/* Helpers over the document tree (include/paiban/doc.h). */
#include "paiban/doc.h"
#include "base/utf8.h"

#include <stdlib.h>

char *pb_block_utf8(const pb_block *b) {
  char *t = malloc(b->len * 4 + 1);
  if (!t) return NULL;
  size_t n = 0;
  for (size_t i = 0; i < b->len; i++)
    if (!(b->style && (b->style[i] & PB_STYLE_FNREF)))
      n += pb_utf8_encode(b->text[i], t + n);
  t[n] = 0;
  return t;
}
