// Contract months from a product's rules: final settlement and last trading dates, and
// the months to list from a business date. Weekends and the holiday calendar are not
// business days.
//
//   BusinessCalendar calendar(holidays);
//   std::vector<Instrument> months = ContractMonthsToList(product, today, calendar);
//   // TKF-202612: final settlement 2026-12-31, last trading day 2026-12-30, ...
#ifndef TOKENCLEAR_CLEARING_CONTRACT_CALENDAR_H_
#define TOKENCLEAR_CLEARING_CONTRACT_CALENDAR_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/time/civil_time.h"
#include "clearing/reference_data.h"

namespace tc::clearing {

class BusinessCalendar {
 public:
  explicit BusinessCalendar(absl::flat_hash_set<absl::CivilDay> holidays)
      : holidays_(std::move(holidays)) {}

  bool IsBusinessDay(absl::CivilDay day) const;
  // The first business day strictly after / before `day`.
  absl::CivilDay Next(absl::CivilDay day) const;
  absl::CivilDay Previous(absl::CivilDay day) const;

 private:
  absl::flat_hash_set<absl::CivilDay> holidays_;
};

absl::CivilDay FinalSettlementDate(const Product& product, absl::CivilMonth month,
                                   const BusinessCalendar& calendar);

// `product.last_trading_offset_days` business days before the final settlement date.
absl::CivilDay LastTradingDate(const Product& product, absl::CivilDay final_settlement,
                               const BusinessCalendar& calendar);

// "TKF-202612".
std::string InstrumentId(const Product& product, absl::CivilMonth month);

// The product's next `listed_months` contract months still trading on `business_date`.
std::vector<Instrument> ContractMonthsToList(const Product& product, absl::CivilDay business_date,
                                             const BusinessCalendar& calendar);

}  // namespace tc::clearing

#endif  // TOKENCLEAR_CLEARING_CONTRACT_CALENDAR_H_
