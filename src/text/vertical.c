/* Upright, sideways and tate-chu-yoko in vertical columns: vertical.h. */
#include "text/vertical.h"

pb_orient pb_char_orient(uint32_t cp, pb_cclass c) {
  switch (c) {
  case PB_CC_LATIN: case PB_CC_DIGIT: case PB_CC_LATIN_PUNCT: case PB_CC_SPACE:
    /* Full-width forms are Han-class; these are the proportional ones. */
    return PB_ORIENT_SIDEWAYS;
  case PB_CC_OTHER:
    /* UAX #50: symbols of the Latin blocks (©, °, ±, arrows excepted) lie
     * on their side with their text; CJK and pictographic ones stand. */
    return cp < 0x2E80 && !(cp >= 0x2190 && cp <= 0x21FF) ? PB_ORIENT_SIDEWAYS
                                                          : PB_ORIENT_UPRIGHT;
  default:
    return PB_ORIENT_UPRIGHT;
  }
}

static bool pb_is_ascii_digit(uint32_t cp) { return cp >= '0' && cp <= '9'; }

/* A character that joins a digit run into a longer Latin token. */
static bool pb_joins_number(pb_cclass c) {
  return c == PB_CC_LATIN || c == PB_CC_DIGIT || c == PB_CC_LATIN_PUNCT;
}

void pb_mark_orient(const uint32_t *text, const pb_cclass *cls, size_t len,
                    int tcy_digits, uint8_t *orient) {
  for (size_t i = 0; i < len; i++)
    orient[i] = (uint8_t)pb_char_orient(text[i], cls[i]);
  if (tcy_digits <= 0) return;
  size_t i = 0;
  while (i < len) {
    if (!pb_is_ascii_digit(text[i])) {
      i++;
      continue;
    }
    size_t j = i;
    while (j < len && pb_is_ascii_digit(text[j])) j++;
    bool alone = (i == 0 || !pb_joins_number(cls[i - 1])) &&
                 (j == len || !pb_joins_number(cls[j]));
    if (alone && j - i <= (size_t)tcy_digits)
      for (size_t k = i; k < j; k++) orient[k] = PB_ORIENT_TCY;
    i = j;
  }
}
