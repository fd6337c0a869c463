/* Internal: bare URLs in Chinese text.  cmark-gfm's autolink extension
 * takes a www./http(s) link up to the next space, which in Chinese text
 * (no spaces) swallows the sentence after it: "見https://a.org/x詳情，".
 */
#ifndef PB_AUTOLINK_H
#define PB_AUTOLINK_H

#include <cmark-gfm.h>
#include <stdbool.h>

/* Ends every autolink of the tree under root (a link whose text is its
 * URL, less a "mailto:" or "http://" the extension added) before its
 * first CJK character: the link and its URL keep the part before, the
 * rest becomes a text node after the link.  Returns false when out of
 * memory (the tree is then still valid). */
bool pb_autolinks_trim(cmark_node *root);

#endif
