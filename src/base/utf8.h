/* paiban — internal UTF-8 helpers (not part of the public API). */
#ifndef PB_UTF8_H
#define PB_UTF8_H

#include "paiban/base.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* pb_utf8_decode is public (include/paiban/base.h). */

/* Encodes cp into out (not NUL-terminated).  Returns the number of bytes
 * (1..4), or 0 if cp is a surrogate or above U+10FFFF. */
size_t pb_utf8_encode(uint32_t cp, char out[4]);

/* Length of the longest valid UTF-8 prefix of s[0..n): n if all of s is
 * valid, else the offset of the first byte of the first invalid sequence. */
size_t pb_utf8_valid_prefix(const char *s, size_t n);

/* Number of code points in valid UTF-8 s[0..n) (an invalid byte counts as
 * one). */
size_t pb_utf8_count(const char *s, size_t n);

/* True for the control characters a manuscript may not hold: C0 other than
 * tab, LF and CR; DEL; C1. */
bool pb_is_bad_control(uint32_t cp);

/* Byte length of at most max bytes of s[0..n) that ends on a character
 * boundary and before any line end: for quoting values in messages. */
int pb_utf8_clip(const char *s, size_t n, size_t max);

/* True for characters set solid in CJK text: Han ideographs (URO, Ext A..I,
 * radicals, strokes, compatibility ideographs), CJK symbols and punctuation
 * U+3000..303F, kana (incl. half-width katakana and the kana supplements),
 * bopomofo, full-width forms U+FF00..FF60 and U+FFE0..FFE6, CJK
 * compatibility forms U+FE30..FE4F and vertical forms U+FE10..FE1F.
 * Hangul is deliberately not included: Korean separates words by spaces. */
bool pb_is_cjk_char(uint32_t cp);

#endif
