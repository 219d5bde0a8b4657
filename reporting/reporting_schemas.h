// Our schemas of the XML reports (reporting/schemas/*.xsd), compiled into the binary at
// build time (reporting/CMakeLists.txt), so the server and the tests validate a report
// without depending on the working directory.
//
//   TC_ASSIGN_OR_RETURN(formats::XmlSchema schema,
//                       formats::XmlSchema::FromText(DailyClearingReportXsd()));
#ifndef TOKENCLEAR_REPORTING_REPORTING_SCHEMAS_H_
#define TOKENCLEAR_REPORTING_REPORTING_SCHEMAS_H_

#include "absl/strings/string_view.h"

namespace tc::reporting {

absl::string_view DailyClearingReportXsd();  // schemas/daily_clearing_report.xsd
absl::string_view PositionReportXsd();       // schemas/position_report.xsd (FIXML subset)

}  // namespace tc::reporting

#endif  // TOKENCLEAR_REPORTING_REPORTING_SCHEMAS_H_
