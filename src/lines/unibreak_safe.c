/* libunibreak with stand-ins for the characters it cannot take
 * (src/lines/unibreak_safe.h). */
#include "lines/unibreak_safe.h"

#include <linebreak.h>
#include <stdlib.h>
#include <string.h>

uint32_t pb_unibreak_standin(uint32_t cp) {
  /* Noncharacters (U+FDD0..U+FDEF and the last two of every plane, among
   * them the library's end marker U+FFFF) break like U+FFFD, which stands
   * for an unknown character. */
  if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE)
    return 0xFFFD;
  /* Regional indicators: UAX #14 keeps a pair (one flag) together and
   * lets text break around it, as it does for an ordinary letter (AL). */
  if (cp >= 0x1F1E6 && cp <= 0x1F1FF) return 'A';
  /* Outside Unicode: the library would index past its tables. */
  if (cp > 0x10FFFF) return 0xFFFD;
  return cp;
}

pb_status pb_linebreaks_safe(const uint32_t *text, size_t len,
                             const char *lang, char *brks) {
  size_t first = 0;
  while (first < len && pb_unibreak_standin(text[first]) == text[first]) first++;
  if (first == len) {
    set_linebreaks_utf32((const utf32_t *)text, len, lang, brks);
    return PB_OK;
  }
  utf32_t *mapped = malloc(len * sizeof *mapped);
  if (!mapped) return PB_ERR_NOMEM;
  memcpy(mapped, text, first * sizeof *mapped);
  for (size_t i = first; i < len; i++) mapped[i] = pb_unibreak_standin(text[i]);
  set_linebreaks_utf32(mapped, len, lang, brks);
  free(mapped);
  return PB_OK;
}
