// The small text rules shared by the report writers: amounts as fixed decimals, the
// report's timestamp and IDs derived from the business date (never the clock), and the
// split of a signed member amount into what the clearing house paid and collected.
//
//   CentsText(-12'345);                       // "-123.45"
//   ReportTimestamp(absl::CivilDay(2026, 12, 1));  // "2026-12-01T23:59:59Z"
#ifndef TOKENCLEAR_REPORTING_REPORT_TEXT_H_
#define TOKENCLEAR_REPORTING_REPORT_TEXT_H_

#include <cstdint>
#include <string>

#include "absl/time/civil_time.h"

namespace tc::reporting {

std::string CentsText(int64_t cents);    // 2 decimals
std::string MicrosText(int64_t micros);  // 6 decimals

// The as-of time of every report of the date: the end of the business date, UTC. The
// same whenever (and however often) the report is written.
std::string ReportTimestamp(absl::CivilDay business_date);

// "20261201"
std::string CompactDate(absl::CivilDay day);

// A member amount, positive when the member collects, seen from the clearing house:
// `paid` to the member (>= 0) and `collected` from it (>= 0); one of them is zero.
struct PaidCollected {
  int64_t paid = 0;
  int64_t collected = 0;
};
PaidCollected SplitMemberAmount(int64_t member_amount);

}  // namespace tc::reporting

#endif  // TOKENCLEAR_REPORTING_REPORT_TEXT_H_
