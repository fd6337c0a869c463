/* libxml2 and libzip for the EPUB backend, loaded with dlopen when the
 * first EPUB is written (src/backend/epub_libs.c).
 *
 * Why: libxml2 brings ICU and the C++ runtime, libzip brings libcrypto;
 * mapping and relocating them was 1.9 ms of every paiban process's
 * start-up (3.9 ms in all for `paiban --version`), paid by every PDF render
 * that never writes an EPUB.  The backend's sources call the functions by
 * their own names: after the libraries' headers, this header turns each
 * name into a call through the table pb_epub_libs_load fills.
 *
 * Ownership: the table and the library handles are the process's; they
 * stay loaded once loaded.
 */
#ifndef PB_EPUB_LIBS_H
#define PB_EPUB_LIBS_H

#include <libxml/xmlwriter.h>
#include <stdbool.h>
#include <stddef.h>
#include <zip.h>

/* X(library, function) for every function the backend calls. */
#define PB_EPUB_XML_FUNCS(X)                                                   \
  X(xml, xmlBufferCCat)                                                        \
  X(xml, xmlBufferContent)                                                     \
  X(xml, xmlBufferCreate)                                                      \
  X(xml, xmlBufferFree)                                                        \
  X(xml, xmlBufferLength)                                                      \
  X(xml, xmlFreeTextWriter)                                                    \
  X(xml, xmlNewTextWriterMemory)                                               \
  X(xml, xmlTextWriterEndDocument)                                             \
  X(xml, xmlTextWriterEndElement)                                              \
  X(xml, xmlTextWriterSetIndent)                                               \
  X(xml, xmlTextWriterSetIndentString)                                         \
  X(xml, xmlTextWriterStartDocument)                                           \
  X(xml, xmlTextWriterStartElement)                                            \
  X(xml, xmlTextWriterWriteAttribute)                                          \
  X(xml, xmlTextWriterWriteDTD)                                                \
  X(xml, xmlTextWriterWriteString)
#define PB_EPUB_ZIP_FUNCS(X)                                                   \
  X(zip, zip_close)                                                            \
  X(zip, zip_discard)                                                          \
  X(zip, zip_error_code_zip)                                                   \
  X(zip, zip_error_to_data)                                                    \
  X(zip, zip_error_fini)                                                       \
  X(zip, zip_error_init)                                                       \
  X(zip, zip_error_set)                                                        \
  X(zip, zip_error_strerror)                                                   \
  X(zip, zip_file_add)                                                         \
  X(zip, zip_file_set_dostime)                                                 \
  X(zip, zip_get_error)                                                        \
  X(zip, zip_open_from_source)                                                 \
  X(zip, zip_set_file_compression)                                             \
  X(zip, zip_source_buffer)                                                    \
  X(zip, zip_source_buffer_create)                                             \
  X(zip, zip_source_close)                                                     \
  X(zip, zip_source_free)                                                      \
  X(zip, zip_source_function)                                                  \
  X(zip, zip_source_keep)                                                      \
  X(zip, zip_source_make_command_bitmap)                                       \
  X(zip, zip_source_open)                                                      \
  X(zip, zip_source_read)                                                      \
  X(zip, zip_source_stat)                                                      \
  X(zip, zip_stat_init)

#define PB_EPUB_SLOT(lib, fn) __typeof__(fn) *fn;
typedef struct pb_epub_libs_table {
  PB_EPUB_XML_FUNCS(PB_EPUB_SLOT)
  PB_EPUB_ZIP_FUNCS(PB_EPUB_SLOT)
} pb_epub_libs_table;
#undef PB_EPUB_SLOT

extern pb_epub_libs_table pb_epub_libs;

/* Loads both libraries and fills the table; false with why set (a
 * sentence for "cannot write the EPUB: ...") if one cannot be. */
bool pb_epub_libs_load(char *why, size_t whylen);

/* From here on, the names call through the table (epub_libs.c itself
 * takes their addresses before this point). */
#ifndef PB_EPUB_LIBS_NO_REDIRECT
#define xmlBufferCCat (*pb_epub_libs.xmlBufferCCat)
#define xmlBufferContent (*pb_epub_libs.xmlBufferContent)
#define xmlBufferCreate (*pb_epub_libs.xmlBufferCreate)
#define xmlBufferFree (*pb_epub_libs.xmlBufferFree)
#define xmlBufferLength (*pb_epub_libs.xmlBufferLength)
#define xmlFreeTextWriter (*pb_epub_libs.xmlFreeTextWriter)
#define xmlNewTextWriterMemory (*pb_epub_libs.xmlNewTextWriterMemory)
#define xmlTextWriterEndDocument (*pb_epub_libs.xmlTextWriterEndDocument)
#define xmlTextWriterEndElement (*pb_epub_libs.xmlTextWriterEndElement)
#define xmlTextWriterSetIndent (*pb_epub_libs.xmlTextWriterSetIndent)
#define xmlTextWriterSetIndentString (*pb_epub_libs.xmlTextWriterSetIndentString)
#define xmlTextWriterStartDocument (*pb_epub_libs.xmlTextWriterStartDocument)
#define xmlTextWriterStartElement (*pb_epub_libs.xmlTextWriterStartElement)
#define xmlTextWriterWriteAttribute (*pb_epub_libs.xmlTextWriterWriteAttribute)
#define xmlTextWriterWriteDTD (*pb_epub_libs.xmlTextWriterWriteDTD)
#define xmlTextWriterWriteString (*pb_epub_libs.xmlTextWriterWriteString)
#define zip_close (*pb_epub_libs.zip_close)
#define zip_discard (*pb_epub_libs.zip_discard)
#define zip_error_code_zip (*pb_epub_libs.zip_error_code_zip)
#define zip_error_to_data (*pb_epub_libs.zip_error_to_data)
#define zip_error_fini (*pb_epub_libs.zip_error_fini)
#define zip_error_init (*pb_epub_libs.zip_error_init)
#define zip_error_set (*pb_epub_libs.zip_error_set)
#define zip_error_strerror (*pb_epub_libs.zip_error_strerror)
#define zip_file_add (*pb_epub_libs.zip_file_add)
#define zip_file_set_dostime (*pb_epub_libs.zip_file_set_dostime)
#define zip_get_error (*pb_epub_libs.zip_get_error)
#define zip_open_from_source (*pb_epub_libs.zip_open_from_source)
#define zip_set_file_compression (*pb_epub_libs.zip_set_file_compression)
#define zip_source_buffer (*pb_epub_libs.zip_source_buffer)
#define zip_source_buffer_create (*pb_epub_libs.zip_source_buffer_create)
#define zip_source_close (*pb_epub_libs.zip_source_close)
#define zip_source_free (*pb_epub_libs.zip_source_free)
#define zip_source_function (*pb_epub_libs.zip_source_function)
#define zip_source_keep (*pb_epub_libs.zip_source_keep)
#define zip_source_make_command_bitmap (*pb_epub_libs.zip_source_make_command_bitmap)
#define zip_source_open (*pb_epub_libs.zip_source_open)
#define zip_source_read (*pb_epub_libs.zip_source_read)
#define zip_source_stat (*pb_epub_libs.zip_source_stat)
#define zip_stat_init (*pb_epub_libs.zip_stat_init)
#endif

#endif
