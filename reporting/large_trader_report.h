// Large-trader positions for CFTC Part 17: every account whose end-of-day position in a
// product reaches the product's reportable level (long or short, in any one contract
// month or all months combined) has each of its open months in that product reported,
// as the legacy 80-character "RP" records (every line exactly 80 characters and a line
// feed) and as CSV with a header. Column layout and the choices made for the fields we
// do not hold (firm code, strike) in docs/REPORTING.md.
//
//   ReportableLevels levels;
//   levels.default_contracts = 25;
//   levels.by_product["TKF"] = 100;
//   TC_ASSIGN_OR_RETURN(LargeTraderFiles files, WriteLargeTraderReports(day, levels));
//   // files.part17, files.csv, files.records
#ifndef TOKENCLEAR_REPORTING_LARGE_TRADER_REPORT_H_
#define TOKENCLEAR_REPORTING_LARGE_TRADER_REPORT_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "reporting/report_data.h"

namespace tc::reporting {

inline constexpr int kPart17LineLength = 80;
inline constexpr char kLargeTraderCsvHeader[] =
    "report_date,member_id,account_id,origin,product_code,contract_month,instrument_id,"
    "long_contracts,short_contracts,reportable_level";

// Contracts; a product without its own level has the default (§15.03(b)'s residual
// "all other commodities" line; 25 in the older table).
struct ReportableLevels {
  int64_t default_contracts = 25;
  std::map<std::string, int64_t> by_product{};
  int64_t For(const std::string& product_code) const;
};

struct LargeTraderFiles {
  std::string part17{};  // 80-character records, one per line
  std::string csv{};     // header, then the same records
  int64_t records = 0;
};

// InvalidArgument for an inconsistent day or a quantity wider than its 7 columns.
absl::StatusOr<LargeTraderFiles> WriteLargeTraderReports(const ReportDay& day,
                                                         const ReportableLevels& levels);

}  // namespace tc::reporting

#endif  // TOKENCLEAR_REPORTING_LARGE_TRADER_REPORT_H_
