// What the regulatory reports of one business date are written from: plain rows copied
// out of the end-of-day run's records (eod_positions, the variation margin marks and
// origin totals, margin requirements, collateral valuations, cash movements and the
// indicative obligations). Every report of reporting/ is a function of a ReportDay and
// nothing else (no clock, no I/O), so the same day always gives the same bytes.
//
// Units: amounts of an account are exact micro-USD as the marks and the margin engine
// compute them; amounts of a member origin are cents as the ledger books them (rounded
// once per origin by settlement/). Positive variation means the member collects.
//
//   ReportDay day;
//   day.business_date = absl::CivilDay(2026, 12, 1);
//   day.members.push_back({"CM01", "Alpha Clearing", "5493001KJTIIGC8Y1R12"});
//   absl::StatusOr<std::string> xml = WriteDailyClearingReport(day);
#ifndef TOKENCLEAR_REPORTING_REPORT_DATA_H_
#define TOKENCLEAR_REPORTING_REPORT_DATA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "clearing/reference_data.h"

namespace tc::reporting {

struct ReportMember {
  std::string member_id{};
  std::string name{};
  std::string lei{};
};

struct ReportAccount {
  std::string account_id{};
  std::string member_id{};
  clearing::Origin origin = clearing::Origin::kHouse;
  std::string customer_name{};  // empty for a house account
};

struct ReportInstrument {
  std::string instrument_id{};
  std::string product_code{};
  std::string contract_month{};  // "YYYYMM"
  std::string currency{};
  int64_t settlement_micros = 0;
  int64_t previous_settlement_micros = 0;  // 0 when the month had none (its first day)
};

// One eod_positions row with the account's marks on it.
struct ReportPosition {
  std::string account_id{};
  std::string instrument_id{};
  int64_t sod_long = 0;
  int64_t sod_short = 0;
  int64_t bought = 0;
  int64_t sold = 0;
  int64_t eod_long = 0;
  int64_t eod_short = 0;
  int64_t variation_micros = 0;         // DAILY marks of the carried position and trades
  int64_t final_settlement_micros = 0;  // FINAL marks on the month's last day
};

struct ReportAccountMargin {
  std::string account_id{};
  int64_t initial_micros = 0;
  int64_t maintenance_micros = 0;
};

// The cash of one member origin in one currency on the date.
struct ReportOriginCash {
  std::string member_id{};
  clearing::Origin origin = clearing::Origin::kHouse;
  std::string currency{};
  int64_t im_required_cents = 0;            // collateral_valuations.requirement_cents
  int64_t im_on_deposit_cents = 0;          // collateral_valuations.value_cents (after haircuts)
  int64_t variation_cents = 0;              // vm_origin_totals DAILY
  int64_t final_settlement_cents = 0;       // vm_origin_totals FINAL
  int64_t collateral_deposit_cents = 0;     // cash deposited on the date
  int64_t collateral_withdrawal_cents = 0;  // cash withdrawn on the date
  int64_t im_call_cents = 0;                // the EOD cycle's indicative obligation
  int64_t release_cents = 0;
};

struct ReportDay {
  absl::CivilDay business_date{};
  int pass = 1;  // the end-of-day pass (a price correction re-reports as pass 2, ...)
  std::string dco_id = "TOKENCLEAR";
  std::vector<ReportMember> members{};
  std::vector<ReportAccount> accounts{};
  std::vector<ReportInstrument> instruments{};
  std::vector<ReportPosition> positions{};
  std::vector<ReportAccountMargin> margins{};
  std::vector<ReportOriginCash> origins{};
};

}  // namespace tc::reporting

#endif  // TOKENCLEAR_REPORTING_REPORT_DATA_H_
