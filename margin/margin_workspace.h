// Reusable scratch state for margin computations, sized once from CompiledParameters so
// computing an account allocates nothing. Only the commodities an account touches are
// reset (tracked with an epoch counter), which keeps per-account cost proportional to
// the account's size, not to the size of the parameter set. Owned by MarginCalculator;
// one per thread.
//
//   MarginWorkspace ws(compiled);
//   ws.BeginAccount();
//   if (!ws.IsTouched(cc)) ws.Touch(compiled, cc);
#ifndef TOKENCLEAR_MARGIN_MARGIN_WORKSPACE_H_
#define TOKENCLEAR_MARGIN_MARGIN_WORKSPACE_H_

#include <array>
#include <cstdint>
#include <vector>

#include "margin/checked_math.h"
#include "margin/compiled_parameters.h"

namespace tc::margin {

// Scenario sums of a scan tier or inter tier and what is derived from them.
struct ScenarioState {
  std::array<int64_t, kScenarioCount> losses_micros{};
  int64_t scan_risk_micros = 0;
  int64_t time_risk_micros = 0;
  int64_t price_risk_micros = 0;
  int64_t net_delta_udelta = 0;  // inter tiers only: delta before spreading
  int active_scenario = 1;
};

struct CommodityState {
  uint64_t epoch = 0;  // equals MarginWorkspace::epoch when held by the current account
  int64_t net_delta_udelta = 0;
  int64_t scan_risk_micros = 0;
  int64_t price_risk_micros = 0;
  int64_t nov_micros = 0;
  int64_t intra_charge_micros = 0;
  int64_t spot_charge_micros = 0;
  int64_t inter_credit_micros = 0;
  int64_t som_micros = 0;
  int64_t risk_micros = 0;
  int64_t maintenance_micros = 0;
  int64_t initial_micros = 0;
};

struct MarginWorkspace {
  explicit MarginWorkspace(const CompiledParameters& params);

  // Starts a new account: forgets which commodities were touched.
  void BeginAccount();
  bool IsTouched(int32_t cc_index) const { return commodities[cc_index].epoch == epoch; }
  // Zeroes the commodity's slots and records it as held by the current account.
  void Touch(const CompiledParameters& params, int32_t cc_index);

  uint64_t epoch = 0;
  CheckedMath math;
  std::vector<int32_t> touched_commodities;           // in first-touch order
  std::vector<CommodityState> commodities;            // by commodity index
  std::vector<ScenarioState> scan_tiers;              // by scan slot
  std::vector<ScenarioState> inter_tiers;             // by inter slot
  std::vector<int64_t> period_delta_udelta;           // remaining delta, by period slot
  std::vector<int64_t> period_intra_consumed_udelta;  // consumed by intra spreads
  std::vector<int64_t> wfpr_micros;                   // by WFPR slot
  std::vector<int64_t> som_short_calls;               // contracts, by SOM slot
  std::vector<int64_t> som_short_puts;
  // Net quantity per option contract (SOM needs netted shorts); valid where
  // option_epoch equals epoch. touched_options lists those options once each.
  std::vector<int64_t> option_net_quantity;
  std::vector<uint64_t> option_epoch;
  std::vector<int32_t> touched_options;
};

}  // namespace tc::margin

#endif  // TOKENCLEAR_MARGIN_MARGIN_WORKSPACE_H_
