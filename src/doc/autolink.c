/* Trimming cmark-gfm autolinks at Chinese text (doc/autolink.h). */
#include "doc/autolink.h"

#include "base/utf8.h"

#include <stdlib.h>
#include <string.h>

/* The scheme the autolink extension put before the text, or NULL if the
 * link's URL is not its text (an ordinary [text](url) link). */
static const char *pb_autolink_scheme(const char *url, const char *text) {
  static const char *const schemes[] = {"", "mailto:", "http://"};
  for (size_t i = 0; i < sizeof schemes / sizeof *schemes; i++) {
    size_t k = strlen(schemes[i]);
    if (strncmp(url, schemes[i], k) == 0 && strcmp(url + k, text) == 0)
      return schemes[i];
  }
  return NULL;
}

/* Byte offset of the first CJK character of s, or its length. */
static size_t pb_cjk_cut(const char *s) {
  size_t n = strlen(s), i = 0;
  while (i < n) {
    uint32_t cp = 0;
    size_t k = pb_utf8_decode(s + i, n - i, &cp);
    if (k == 0) return n;
    if (pb_is_cjk_char(cp) || (cp >= 0xFF00 && cp <= 0xFFEF)) return i;
    i += k;
  }
  return n;
}

static bool pb_trim_one(cmark_node *link) {
  cmark_node *text = cmark_node_first_child(link);
  if (!text || cmark_node_next(text) || cmark_node_get_type(text) != CMARK_NODE_TEXT)
    return true;
  const char *url = cmark_node_get_url(link), *lit = cmark_node_get_literal(text);
  if (!url || !lit) return true;
  const char *scheme = pb_autolink_scheme(url, lit);
  size_t cut = pb_cjk_cut(lit);
  if (!scheme || cut == 0 || cut == strlen(lit)) return true;
  bool ok = false;
  size_t sl = strlen(scheme);
  char *prefix = malloc(sl + cut + 1);
  char *rest = strdup(lit + cut);
  cmark_node *after = cmark_node_new(CMARK_NODE_TEXT);
  if (!prefix || !rest || !after) goto done;
  memcpy(prefix, scheme, sl);
  memcpy(prefix + sl, lit, cut);
  prefix[sl + cut] = '\0';
  if (!cmark_node_set_literal(after, rest) || !cmark_node_insert_after(link, after))
    goto done;
  after = NULL; /* the tree owns it now */
  ok = cmark_node_set_url(link, prefix) && cmark_node_set_literal(text, prefix + sl);
done:
  if (after) cmark_node_free(after);
  free(prefix);
  free(rest);
  return ok;
}

bool pb_autolinks_trim(cmark_node *root) {
  /* Collect first: the tree must not change under the iterator. */
  cmark_node **links = NULL;
  size_t n = 0, cap = 0;
  bool ok = true;
  cmark_iter *it = cmark_iter_new(root);
  if (!it) return false;
  cmark_event_type ev;
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    cmark_node *node = cmark_iter_get_node(it);
    if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(node) != CMARK_NODE_LINK)
      continue;
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 8;
      void *q = realloc(links, ncap * sizeof *links);
      if (!q) {
        ok = false;
        break;
      }
      links = q;
      cap = ncap;
    }
    links[n++] = node;
  }
  cmark_iter_free(it);
  for (size_t i = 0; i < n && ok; i++) ok = pb_trim_one(links[i]);
  free(links);
  return ok;
}
