/* paiban — reading the YAML front matter (src/doc/frontmatter.c); private
 * to the parse stage.  The public side (pb_meta, the key table) is
 * include/paiban/frontmatter.h.
 */
#ifndef PB_DOC_FRONTMATTER_H
#define PB_DOC_FRONTMATTER_H

#include "paiban/frontmatter.h"

/* Reads the YAML text yaml[0..len) (LF line ends; it starts at the start
 * of file line first_line) into *m, which must be empty.  The text is first
 * checked as YAML as a whole, so broken YAML gives one message, at the
 * problem; then each value is parsed and validated once, from the key
 * table, and reported at its position.  Unknown keys are warnings (naming
 * a known key close to them).  Returns PB_OK, PB_ERR_INPUT (an error was
 * reported) or PB_ERR_NOMEM (also reported). */
pb_status pb_frontmatter_read(const char *yaml, size_t len, uint32_t first_line,
                              pb_meta *m, pb_diags *diags);

#endif
