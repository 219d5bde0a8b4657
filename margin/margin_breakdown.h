// Results of a margin computation: the totals the hot path produces and the full
// per-commodity breakdown (scan tiers with their 16 scenario values, time/price/vol risk,
// WFPR, intra, spot, inter, SOM, NOV) that members and auditors see. Money in micro-USD,
// deltas in micro-delta.
//
//   absl::StatusOr<MarginBreakdown> b = calculator.ComputeBreakdown(book, AccountClass::kMember);
//   b->commodities[0].scan_tiers[0].active_scenario;  // 1..16
#ifndef TOKENCLEAR_MARGIN_MARGIN_BREAKDOWN_H_
#define TOKENCLEAR_MARGIN_MARGIN_BREAKDOWN_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "margin/risk_parameters.h"

namespace tc::margin {

struct MarginTotals {
  int64_t maintenance_micros = 0;
  int64_t initial_micros = 0;
};

// Scenario analysis of one group of positions (a scan tier or an inter tier).
struct ScanTierBreakdown {
  int tier_number = 0;  // 0 = the whole commodity
  int64_t scan_risk_micros = 0;
  int active_scenario = 1;  // 1..16, lowest-numbered maximiser
  std::array<int64_t, kScenarioCount> scenario_losses_micros{};
  int64_t time_risk_micros = 0;
  int64_t price_risk_micros = 0;
  int64_t volatility_risk_micros = 0;
};

struct InterTierWfpr {
  int tier_number = 0;
  int64_t net_delta_udelta = 0;
  int64_t price_risk_micros = 0;
  int64_t wfpr_micros = 0;  // per delta
};

struct CommodityMargin {
  std::string combined_commodity{};
  std::string currency{};
  std::vector<ScanTierBreakdown> scan_tiers{};
  int64_t scan_risk_micros = 0;  // sum over scan tiers
  int64_t time_risk_micros = 0;
  int64_t price_risk_micros = 0;
  int64_t volatility_risk_micros = 0;
  int64_t net_delta_udelta = 0;                  // before any spreading
  int64_t wfpr_micros = 0;                       // per delta, commodity level
  std::vector<InterTierWfpr> inter_tier_wfpr{};  // when the commodity has inter tiers
  int64_t intra_charge_micros = 0;
  int64_t spot_charge_micros = 0;
  int64_t inter_credit_micros = 0;  // super and inter spreads; negative = net charge
  int64_t som_micros = 0;
  int64_t nov_micros = 0;          // long minus short premium-style option value
  int64_t risk_micros = 0;         // max(scan + intra + spot - inter, SOM)
  int64_t maintenance_micros = 0;  // max(risk - NOV, 0)
  int64_t initial_micros = 0;
};

struct MarginBreakdown {
  std::string parameter_version_id{};
  absl::CivilDay business_date{};
  AccountClass account_class = AccountClass::kMember;
  std::string currency{};
  std::vector<CommodityMargin> commodities{};  // in parameter order, only those held
  MarginTotals totals{};
};

}  // namespace tc::margin

#endif  // TOKENCLEAR_MARGIN_MARGIN_BREAKDOWN_H_
