// A ReportDay checked and arranged in the one order every report is written in: members
// by ID, house before customer, accounts by ID, positions by instrument ID. Built once
// per report; rows that name an unknown member, account or instrument, duplicate keys and
// currencies other than the base currency are refused here, so the writers can trust it.
//
//   TC_ASSIGN_OR_RETURN(DayIndex index, IndexReportDay(day));
//   for (const OriginView& origin : index.origins) { ... origin.accounts ... }
#ifndef TOKENCLEAR_REPORTING_REPORT_INDEX_H_
#define TOKENCLEAR_REPORTING_REPORT_INDEX_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "reporting/report_data.h"

namespace tc::reporting {

// Every report is in US dollars; a product in another currency is refused, not mixed in.
inline constexpr char kBaseCurrency[] = "USD";

struct AccountView {
  const ReportAccount* account = nullptr;
  const ReportAccountMargin* margin = nullptr;     // none when no margin was computed
  std::vector<const ReportPosition*> positions{};  // by instrument ID
};

struct OriginView {
  const ReportMember* member = nullptr;
  clearing::Origin origin = clearing::Origin::kHouse;
  const ReportOriginCash* cash = nullptr;  // none when the origin had no cash row
  std::vector<AccountView> accounts{};     // accounts with a position or a margin, by ID
};

struct DayIndex {
  std::vector<OriginView> origins{};  // by (member ID, house first)
  std::map<std::string, const ReportInstrument*> instruments{};
  // Accounts with positions, across origins, by ID (for per-account reports).
  std::vector<const AccountView*> AccountsById() const;
};

// The index points into `day`, which must outlive it.
absl::StatusOr<DayIndex> IndexReportDay(const ReportDay& day);

}  // namespace tc::reporting

#endif  // TOKENCLEAR_REPORTING_REPORT_INDEX_H_
