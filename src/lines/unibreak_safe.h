/* Internal: line-break opportunities from libunibreak (UAX #14), made safe
 * for every code point.
 *
 * Debian 12's libunibreak (1.1) uses 0xFFFF as its end-of-text marker, so
 * U+FFFF inside a text trips an assertion (SIGABRT) and at a text's start
 * leaves the break table uninitialised; the regional indicators
 * U+1F1E6..U+1F1FF (every flag emoji) have a class its pair table does not
 * know and trip another assertion.  pb_linebreaks_safe maps such characters
 * to stand-ins of the same breaking behaviour before calling the library.
 * tests/unit/test_unibreak.c checks the whole code-point range. */
#ifndef PB_UNIBREAK_SAFE_H
#define PB_UNIBREAK_SAFE_H

#include "paiban/base.h"

/* The code point libunibreak is given for cp: cp itself, or a stand-in. */
uint32_t pb_unibreak_standin(uint32_t cp);

/* set_linebreaks_utf32 over text[0..len) into brks[0..len) (caller-owned,
 * len bytes), with every character mapped by pb_unibreak_standin.  lang is
 * libunibreak's language ("zh", "en").  PB_ERR_NOMEM when the mapped copy
 * cannot be made; brks is then untouched. */
pb_status pb_linebreaks_safe(const uint32_t *text, size_t len,
                             const char *lang, char *brks);

#endif
