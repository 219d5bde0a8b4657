// Our subset schemas of the three ISO 20022 messages (payments/schema/*.xsd), compiled
// into the binary at build time (payments/CMakeLists.txt), so a server validates files
// without depending on its working directory or an installed data folder.
//
//   TC_ASSIGN_OR_RETURN(formats::XmlSchema schema, formats::XmlSchema::FromText(Camt054Xsd()));
#ifndef TOKENCLEAR_PAYMENTS_ISO20022_SCHEMAS_H_
#define TOKENCLEAR_PAYMENTS_ISO20022_SCHEMAS_H_

#include "absl/strings/string_view.h"

namespace tc::payments {

absl::string_view Pain001Xsd();  // pain.001.001.09 subset
absl::string_view Pain008Xsd();  // pain.008.001.08 subset
absl::string_view Camt054Xsd();  // camt.054.001.08 subset

}  // namespace tc::payments

#endif  // TOKENCLEAR_PAYMENTS_ISO20022_SCHEMAS_H_
