/* paiban — UTF-8 decoding, encoding and CJK classification. */
#include "base/utf8.h"

static bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

size_t pb_utf8_decode(const char *s, size_t n, uint32_t *cp) {
  const unsigned char *u = (const unsigned char *)s;
  *cp = 0xFFFD;
  if (n == 0)
    return 0;
  unsigned char b0 = u[0];
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t len;
  uint32_t v;
  /* lo/hi bound the second byte: this is what rules out overlong forms
   * (E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and values above
   * U+10FFFF (F4 90..BF). */
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    v = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    v = b0 & 0x0F;
    if (b0 == 0xE0)
      lo = 0xA0;
    else if (b0 == 0xED)
      hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    v = b0 & 0x07;
    if (b0 == 0xF0)
      lo = 0x90;
    else if (b0 == 0xF4)
      hi = 0x8F;
  } else {
    return 0; /* continuation byte, C0/C1 (overlong) or F5..FF */
  }
  if (n < len)
    return 0;
  if (u[1] < lo || u[1] > hi)
    return 0;
  v = (v << 6) | (u[1] & 0x3F);
  for (size_t i = 2; i < len; i++) {
    if (!is_cont(u[i]))
      return 0;
    v = (v << 6) | (u[i] & 0x3F);
  }
  *cp = v;
  return len;
}

size_t pb_utf8_encode(uint32_t cp, char out[4]) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp >= 0xD800 && cp <= 0xDFFF)
    return 0;
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  if (cp <= 0x10FFFF) {
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
  }
  return 0;
}

size_t pb_utf8_valid_prefix(const char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    if ((unsigned char)s[i] < 0x80) {
      i++;
      continue;
    }
    uint32_t cp;
    size_t k = pb_utf8_decode(s + i, n - i, &cp);
    if (k == 0)
      return i;
    i += k;
  }
  return n;
}

size_t pb_utf8_count(const char *s, size_t n) {
  size_t count = 0;
  for (size_t i = 0; i < n; i++)
    if (!is_cont((unsigned char)s[i]))
      count++;
  return count;
}

bool pb_is_cjk_char(uint32_t cp) {
  if (cp < 0x2E80)
    return false;
  if (cp <= 0x2FDF) /* CJK radicals supplement, Kangxi radicals */
    return true;
  if (cp >= 0x2FF0 && cp <= 0x2FFF) /* ideographic description chars */
    return true;
  if (cp >= 0x3000 && cp <= 0x303F) /* CJK symbols and punctuation */
    return true;
  if (cp >= 0x3040 && cp <= 0x30FF) /* hiragana, katakana */
    return true;
  if (cp >= 0x3100 && cp <= 0x312F) /* bopomofo */
    return true;
  if (cp >= 0x3190 && cp <= 0x31FF) /* kanbun, bopomofo ext, strokes,
                                       katakana phonetic extensions */
    return true;
  if (cp >= 0x3400 && cp <= 0x4DBF) /* Ext A */
    return true;
  if (cp >= 0x4E00 && cp <= 0x9FFF) /* unified ideographs */
    return true;
  if (cp >= 0xF900 && cp <= 0xFAFF) /* compatibility ideographs */
    return true;
  if (cp >= 0xFE10 && cp <= 0xFE1F) /* vertical forms */
    return true;
  if (cp >= 0xFE30 && cp <= 0xFE4F) /* CJK compatibility forms */
    return true;
  if (cp >= 0xFF00 && cp <= 0xFF60) /* full-width forms */
    return true;
  if (cp >= 0xFF61 && cp <= 0xFF9F) /* half-width CJK punctuation, katakana */
    return true;
  if (cp >= 0xFFE0 && cp <= 0xFFE6) /* full-width signs */
    return true;
  if (cp >= 0x1B000 && cp <= 0x1B16F) /* kana supplement, ext A, small kana */
    return true;
  if (cp >= 0x20000 && cp <= 0x2FA1F) /* Ext B..F, I, compat. supplement */
    return true;
  if (cp >= 0x30000 && cp <= 0x323AF) /* Ext G, H */
    return true;
  return false;
}

bool pb_is_bad_control(uint32_t cp) {
  return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7F ||
         (cp >= 0x80 && cp <= 0x9F);
}

int pb_utf8_clip(const char *s, size_t n, size_t max) {
  size_t k = 0;
  while (k < n && s[k] != '\n' && s[k] != '\r')
    k++;
  if (k > max) {
    k = max;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
      k--;
  }
  return (int)k;
}
