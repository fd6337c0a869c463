/* paiban — typesetting for Chinese and mixed Chinese–English books.
 * Umbrella header: the whole public API.  The pipeline (docs/DESIGN.md §1):
 *   pb_doc_parse → pb_settings_from_meta → pb_fontset_load → pb_typeset
 *   → pb_pdf_write | pb_dump_write
 */
#ifndef PAIBAN_H
#define PAIBAN_H

#include "base.h"
#include "backend.h"
#include "cache.h"
#include "cjk.h"
#include "doc.h"
#include "file.h"
#include "font.h"
#include "frontmatter.h"
#include "layout.h"
#include "linebreak.h"
#include "preload.h"
#include "settings.h"
#include "typeset.h"

#endif
