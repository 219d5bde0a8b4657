// Internal to formats/: initializes libxml2 once per process, thread-safely, before the
// first parser, writer or schema is made (libxml2 asks for xmlInitParser before use from
// several threads).
//
//   InitLibxml2();
//   xmlParserCtxtPtr context = xmlNewParserCtxt();
#ifndef TOKENCLEAR_FORMATS_LIBXML2_INIT_H_
#define TOKENCLEAR_FORMATS_LIBXML2_INIT_H_

#include <libxml/parser.h>

namespace tc::formats {

inline void InitLibxml2() {
  static const bool initialized = [] {
    xmlInitParser();
    return true;
  }();
  (void)initialized;
}

}  // namespace tc::formats

#endif  // TOKENCLEAR_FORMATS_LIBXML2_INIT_H_
