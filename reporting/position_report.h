// FIXML Position Reports (PosRpt, MsgType AP) of the end of day: one per account and
// contract month held or traded on the date, in one FIXML batch. Each carries the start-
// of-day (SOD), traded (TQ) and end-of-day (FIN) quantities, the settlement and previous
// settlement prices and the mark-to-market amount (FMTM; SETL as well on the month's
// final settlement day). Valid against our FIXML subset reporting/schemas/position_report.xsd
// (PositionReportXsd()); fields in docs/REPORTING.md.
//
//   TC_ASSIGN_OR_RETURN(std::string fixml, WritePositionReports(day));
#ifndef TOKENCLEAR_REPORTING_POSITION_REPORT_H_
#define TOKENCLEAR_REPORTING_POSITION_REPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "reporting/report_data.h"

namespace tc::reporting {

inline constexpr char kFixmlNamespace[] = "http://www.fixprotocol.org/FIXML-5-0-SP2";

// The same day gives the same bytes; InvalidArgument for an inconsistent day.
absl::StatusOr<std::string> WritePositionReports(const ReportDay& day);

}  // namespace tc::reporting

#endif  // TOKENCLEAR_REPORTING_POSITION_REPORT_H_
