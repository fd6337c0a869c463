/* Internal: block images of a document (src/doc/image.c). */
#ifndef PB_DOC_IMAGE_H
#define PB_DOC_IMAGE_H

#include "paiban/doc.h"

/* For every image block: a web or data address becomes a paragraph of its
 * description, with a warning; a local file (relative to the manuscript
 * the block came from, inside its directory tree unless
 * doc->derive_anywhere) is probed, and the block's image becomes that
 * path, with its format and pixel size.  A file that is missing, outside,
 * not PNG or JPEG, or too large is an error at the image.  Returns PB_OK,
 * PB_ERR_INPUT, PB_ERR_IO or PB_ERR_NOMEM. */
pb_status pb_doc_images(pb_doc *doc, pb_diags *diags);

#endif
