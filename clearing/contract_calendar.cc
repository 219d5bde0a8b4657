#include "clearing/contract_calendar.h"

#include "absl/strings/str_format.h"
#include "core/business_date.h"
#include "core/check.h"

namespace tc::clearing {
namespace {

// Holiday runs longer than a month do not exist; the bound turns a corrupt calendar into
// a crash instead of a hang.
constexpr int kMaxDaysToBusinessDay = 31;

}  // namespace

bool BusinessCalendar::IsBusinessDay(absl::CivilDay day) const {
  return !IsWeekend(day) && !holidays_.contains(day);
}

absl::CivilDay BusinessCalendar::Next(absl::CivilDay day) const {
  for (int i = 0; i < kMaxDaysToBusinessDay; ++i) {
    ++day;
    if (IsBusinessDay(day)) return day;
  }
  TC_CHECK(false) << "no business day within a month after " << day;
  return day;
}

absl::CivilDay BusinessCalendar::Previous(absl::CivilDay day) const {
  for (int i = 0; i < kMaxDaysToBusinessDay; ++i) {
    --day;
    if (IsBusinessDay(day)) return day;
  }
  TC_CHECK(false) << "no business day within a month before " << day;
  return day;
}

absl::CivilDay FinalSettlementDate(const Product& product, absl::CivilMonth month,
                                   const BusinessCalendar& calendar) {
  switch (product.final_settlement_rule) {
    case FinalSettlementRule::kLastBusinessDay: {
      const absl::CivilDay first_of_next(month + 1);
      return calendar.Previous(first_of_next);
    }
    case FinalSettlementRule::kThirdWednesday: {
      absl::CivilDay day(month);
      while (absl::GetWeekday(day) != absl::Weekday::wednesday) ++day;
      day += 14;
      return calendar.IsBusinessDay(day) ? day : calendar.Next(day);
    }
  }
  TC_CHECK(false) << "unknown final settlement rule";
  return absl::CivilDay(month);
}

absl::CivilDay LastTradingDate(const Product& product, absl::CivilDay final_settlement,
                               const BusinessCalendar& calendar) {
  absl::CivilDay day = final_settlement;
  for (int i = 0; i < product.last_trading_offset_days; ++i) day = calendar.Previous(day);
  return day;
}

std::string InstrumentId(const Product& product, absl::CivilMonth month) {
  return absl::StrFormat("%s-%04d%02d", product.product_code, month.year(), month.month());
}

std::vector<Instrument> ContractMonthsToList(const Product& product, absl::CivilDay business_date,
                                             const BusinessCalendar& calendar) {
  std::vector<Instrument> months;
  // Listing starts with the current month unless it has already stopped trading.
  for (absl::CivilMonth month(business_date);
       static_cast<int>(months.size()) < product.listed_months; ++month) {
    const absl::CivilDay final_settlement = FinalSettlementDate(product, month, calendar);
    const absl::CivilDay last_trading = LastTradingDate(product, final_settlement, calendar);
    if (last_trading < business_date) continue;
    months.push_back(Instrument{InstrumentId(product, month), product.product_code,
                                absl::StrFormat("%04d%02d", month.year(), month.month()),
                                last_trading, final_settlement, InstrumentStatus::kActive});
  }
  return months;
}

}  // namespace tc::clearing
