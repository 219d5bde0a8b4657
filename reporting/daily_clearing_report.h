// The daily clearing report to the regulator, in the spirit of CFTC §39.19(c)(1) and
// Part 39 Appendix C: per clearing member, per origin (house, customer) and per
// individual account, initial margin required and on deposit, variation margin paid and
// collected, the other cash flows of the day (final settlement, collateral deposits and
// withdrawals, margin calls and releases) and end-of-day positions per contract month;
// then a totals section that is the sum of the rows above it. FIXML-flavoured XML valid
// against reporting/schemas/daily_clearing_report.xsd (DailyClearingReportXsd()); the
// fields are described in docs/REPORTING.md.
//
//   TC_ASSIGN_OR_RETURN(std::string xml, WriteDailyClearingReport(day));
#ifndef TOKENCLEAR_REPORTING_DAILY_CLEARING_REPORT_H_
#define TOKENCLEAR_REPORTING_DAILY_CLEARING_REPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "reporting/report_data.h"

namespace tc::reporting {

inline constexpr char kDailyClearingNamespace[] = "urn:tokenclear:reporting:daily-clearing:1";

// The same day gives the same bytes. InvalidArgument for an inconsistent day
// (IndexReportDay) or a total outside int64.
absl::StatusOr<std::string> WriteDailyClearingReport(const ReportDay& day);

}  // namespace tc::reporting

#endif  // TOKENCLEAR_REPORTING_DAILY_CLEARING_REPORT_H_
