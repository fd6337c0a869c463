/* Character classes and kinsoku sets (include/paiban/cjk.h).
 * The sets are clreq-digest §1.1 ("Concrete sets for this project"); the
 * classes follow its §0 table.  Line-break opportunities themselves come
 * from libunibreak (UAX #14); these functions tailor them. */
#include "paiban/cjk.h"

bool pb_is_shared_mark(uint32_t cp) {
  switch (cp) {
  case 0x201C: case 0x201D: case 0x2018: case 0x2019: /* “ ” ‘ ’ */
  case 0x2014: case 0x2026: case 0x00B7: case 0x2013: /* — … · – */
  case 0x2E3A: case 0x2027: case 0x2025:              /* ⸺ ‧ ‥ */
    return true;
  default:
    return false;
  }
}

/* Neighbours skip spaces and other shared marks. */
static bool pb_neighbour_skips(uint32_t c) {
  return c == ' ' || pb_is_shared_mark(c);
}

static int pb_side(uint32_t c) {
  return pb_cclass_is_cjk(pb_char_class(c, true)) ? 1 : 0;
}

static bool pb_shared_decide(int left, int right, bool cjk_text) {
  if (cjk_text) return !(left == 0 && right == 0) || (left < 0 && right < 0);
  return left == 1 && right == 1;
}

bool pb_shared_mark_is_cjk(const uint32_t *text, size_t len, size_t i,
                           bool cjk_text) {
  int left = -1, right = -1; /* -1 none, 0 latin, 1 cjk */
  size_t k = i;
  while (k > 0 && pb_neighbour_skips(text[k - 1])) k--;
  if (k > 0) left = pb_side(text[k - 1]);
  k = i + 1;
  while (k < len && pb_neighbour_skips(text[k])) k++;
  if (k < len) right = pb_side(text[k]);
  return pb_shared_decide(left, right, cjk_text);
}

bool pb_shared_mark_is_cjk_next(pb_shared_cursor *c, const uint32_t *text,
                                size_t len, size_t i, bool cjk_text) {
  for (; c->scanned < i; c->scanned++)
    if (!pb_neighbour_skips(text[c->scanned])) c->left = pb_side(text[c->scanned]);
  if (c->right_at <= i) {
    size_t k = i + 1;
    while (k < len && pb_neighbour_skips(text[k])) k++;
    c->right_at = k;
    c->right = k < len ? pb_side(text[k]) : -1;
  }
  return pb_shared_decide(c->left, c->right, cjk_text);
}

static bool pb_is_han_like(uint32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) ||   /* CJK Unified Ideographs */
         (cp >= 0x3400 && cp <= 0x4DBF) ||   /* Ext A */
         (cp >= 0x20000 && cp <= 0x323AF) || /* Ext B..H (planes 2, 3) */
         (cp >= 0xF900 && cp <= 0xFAFF) ||   /* compatibility ideographs */
         (cp >= 0x2F800 && cp <= 0x2FA1F) ||
         (cp >= 0x3040 && cp <= 0x30FF && cp != 0x30FB) || /* kana */
         (cp >= 0x3100 && cp <= 0x312F) ||   /* bopomofo */
         (cp >= 0x31A0 && cp <= 0x31BF) || (cp >= 0x31F0 && cp <= 0x31FF) ||
         (cp >= 0x2E80 && cp <= 0x2FDF) ||   /* radicals */
         cp == 0x3005 || cp == 0x3007 || cp == 0x3006 || /* 々 〇 〆 */
         (cp >= 0xFF10 && cp <= 0xFF19) ||   /* full-width digits */
         (cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A) ||
         (cp >= 0x3200 && cp <= 0x33FF) ||   /* enclosed CJK, squared */
         (cp >= 0xAC00 && cp <= 0xD7AF);     /* Hangul syllables (a box) */
}

pb_cclass pb_char_class(uint32_t cp, bool cjk_context) {
  switch (cp) {
  case 0x3001: case 0xFF0C: case 0x3002: case 0xFF0E:
    return PB_CC_STOP;
  case 0xFF1A: case 0xFF1B:
    return PB_CC_COLON;
  case 0xFF01: case 0xFF1F: case 0x203C: case 0x2047: case 0x2048: case 0x2049:
    return cjk_context || cp >= 0xFF00 ? PB_CC_EXCL : PB_CC_LATIN_PUNCT;
  case 0x300C: case 0x300E: case 0xFF08: case 0x300A: case 0x3008:
  case 0x3010: case 0x3016: case 0x3014: case 0xFF3B: case 0xFF5B:
  case 0x3018: case 0x301A: case 0xFF5F: case 0x301D:
    return PB_CC_OPEN;
  case 0x300D: case 0x300F: case 0xFF09: case 0x300B: case 0x3009:
  case 0x3011: case 0x3017: case 0x3015: case 0xFF3D: case 0xFF5D:
  case 0x3019: case 0x301B: case 0xFF60: case 0x301E: case 0x301F:
    return PB_CC_CLOSE;
  case 0x201C: case 0x2018:
    return cjk_context ? PB_CC_OPEN : PB_CC_LATIN_PUNCT;
  case 0x201D: case 0x2019:
    return cjk_context ? PB_CC_CLOSE : PB_CC_LATIN_PUNCT;
  case 0x00B7: case 0x2027:
    return cjk_context ? PB_CC_MIDDOT : PB_CC_LATIN_PUNCT;
  case 0x30FB:
    return PB_CC_MIDDOT;
  case 0x2014: case 0x2E3A:
    return cjk_context ? PB_CC_DASH : PB_CC_LATIN_PUNCT;
  case 0x2026: case 0x22EF: case 0x2025:
    return cjk_context ? PB_CC_ELLIPSIS : PB_CC_LATIN_PUNCT;
  case 0xFF5E: case 0x301C:
    return PB_CC_CONNECTOR;
  case 0x2013:
    return cjk_context ? PB_CC_CONNECTOR : PB_CC_LATIN_PUNCT;
  case 0xFF0F:
    return PB_CC_SOLIDUS;
  case 0x0020: case 0x00A0: case 0x3000: case 0x2002: case 0x2003:
  case 0x2009: case 0x200A: case 0x202F:
  case 0x2028: /* a hard line break (the parser's), see breakitems.c */
    return PB_CC_SPACE;
  default:
    break;
  }
  if (cp >= '0' && cp <= '9') return PB_CC_DIGIT;
  if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
      (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
      (cp >= 0x370 && cp <= 0x52F) || /* Greek, Cyrillic */
      (cp >= 0x1E00 && cp <= 0x1FFF))
    return PB_CC_LATIN;
  if (cp < 0x80 || (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0xA0 && cp < 0xC0))
    return PB_CC_LATIN_PUNCT;
  if (pb_is_han_like(cp)) return PB_CC_HAN;
  if (cp >= 0xFF01 && cp <= 0xFF60) return PB_CC_OTHER; /* other full-width */
  return PB_CC_OTHER;
}

bool pb_cclass_is_cjk_punct(pb_cclass c) {
  return c >= PB_CC_OPEN && c <= PB_CC_SOLIDUS;
}

bool pb_cclass_is_cjk(pb_cclass c) {
  return c == PB_CC_HAN || pb_cclass_is_cjk_punct(c);
}

bool pb_cclass_is_alnum(pb_cclass c) {
  return c == PB_CC_LATIN || c == PB_CC_DIGIT;
}

static bool pb_is_digit(uint32_t cp) {
  return (cp >= '0' && cp <= '9') || (cp >= 0xFF10 && cp <= 0xFF19);
}

bool pb_kinsoku_no_start(uint32_t cp, pb_cclass c, uint32_t prev,
                         pb_kinsoku level) {
  if (level == PB_KINSOKU_NONE) return false;
  switch (c) {
  case PB_CC_STOP: case PB_CC_COLON: case PB_CC_EXCL: case PB_CC_CLOSE:
  case PB_CC_MIDDOT:
    return true;
  case PB_CC_CONNECTOR:
    return true; /* – ～ 〜 */
  case PB_CC_DASH:
  case PB_CC_ELLIPSIS:
    /* A single — is the GB long connector (never starts a line); the 2-em
     * dash and the ellipsis only under strict (§1.1).  The pair itself is
     * kept together by pb_is_unbreakable_pair. */
    if (level == PB_KINSOKU_STRICT) return true;
    return false;
  default:
    break;
  }
  switch (cp) {
  case ',': case '.': case ':': case ';': case '!': case '?': case ')':
  case ']': case '}': case 0x201D: case 0x2019: case 0x2013: case 0xFF5E:
  case '~': case 0x00B7: case 0x2027: case 0x30FB:
    return true;
  case 0xFF05: case 0x2103: case 0x00B0: case 0x2030: case '%':
    return pb_is_digit(prev) || prev == ' ';
  default:
    return false;
  }
}

bool pb_kinsoku_no_end(uint32_t cp, pb_cclass c, uint32_t next,
                       pb_kinsoku level) {
  if (level == PB_KINSOKU_NONE) return false;
  if (c == PB_CC_OPEN) return true;
  switch (cp) {
  case '(': case '[': case '{': case 0x201C: case 0x2018:
    return true;
  case 0xFF04: case 0xFFE5: case 0xFFE1: case '$':
    return pb_is_digit(next);
  case '/': case 0xFF0F:
    return level >= PB_KINSOKU_GB;
  default:
    return false;
  }
}

bool pb_is_unbreakable_pair(uint32_t a, uint32_t b) {
  return a == b && (a == 0x2014 || a == 0x2E3A || a == 0x2026 || a == 0x22EF);
}

bool pb_is_number_unit(uint32_t cp) {
  switch (cp) {
  case 0x5E74: /* 年 */ case 0x6708: /* 月 */ case 0x65E5: /* 日 */
  case 0x865F: /* 號 */ case 0x53F7: /* 号 */ case 0x6642: /* 時 */
  case 0x65F6: /* 时 */ case 0x5206: /* 分 */ case 0x79D2: /* 秒 */
  case 0x6B72: /* 歲 */ case 0x5C81: /* 岁 */ case 0x5143: /* 元 */
  case 0x842C: /* 萬 */ case 0x4E07: /* 万 */ case 0x5104: /* 億 */
  case 0x4EBF: /* 亿 */ case 0x500B: /* 個 */ case 0x4E2A: /* 个 */
  case 0x500D: /* 倍 */ case 0x5343: /* 千 */ case 0x767E: /* 百 */
  case 0xFF05: /* ％ */ case 0x2103: /* ℃ */ case 0x2030: /* ‰ */
  case '%': case 0x00B0:
    return true;
  default:
    return false;
  }
}

bool pb_is_range_dash(uint32_t cp) {
  switch (cp) {
  case 0x2014: case 0x2013: case 0x2012: case 0x2015: case 0xFF5E:
  case 0x301C: case '~': case '-':
    return true;
  default:
    return false;
  }
}
