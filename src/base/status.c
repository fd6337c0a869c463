/* Names of the status codes (include/paiban/base.h). */
#include "paiban/base.h"

const char *pb_status_name(pb_status st) {
  switch (st) {
  case PB_OK: return "ok";
  case PB_ERR_INPUT: return "input error";
  case PB_ERR_NOMEM: return "out of memory";
  case PB_ERR_IO: return "input/output error";
  case PB_ERR_FONT: return "font error";
  case PB_ERR_INTERNAL: return "internal error";
  }
  return "unknown status";
}
