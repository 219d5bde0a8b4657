#include "margin/margin_workspace.h"

#include <algorithm>

namespace tc::margin {

MarginWorkspace::MarginWorkspace(const CompiledParameters& params)
    : commodities(params.commodities.size()),
      scan_tiers(params.scan_tiers.size()),
      inter_tiers(params.inter_tiers.size()),
      period_delta_udelta(params.period_values.size()),
      period_intra_consumed_udelta(params.period_values.size()),
      wfpr_micros(params.wfpr_slot_count()),
      som_short_calls(params.som_tiers.size()),
      som_short_puts(params.som_tiers.size()),
      option_net_quantity(params.contracts.size()),
      option_epoch(params.contracts.size()) {
  touched_commodities.reserve(params.commodities.size());
  touched_options.reserve(params.contracts.size());
}

void MarginWorkspace::BeginAccount() {
  ++epoch;
  math.Reset();
  touched_commodities.clear();
  touched_options.clear();
}

void MarginWorkspace::Touch(const CompiledParameters& params, int32_t cc_index) {
  const CompiledCommodity& cc = params.commodities[cc_index];
  commodities[cc_index] = CommodityState{.epoch = epoch};
  std::fill(scan_tiers.begin() + cc.scan_begin, scan_tiers.begin() + cc.scan_end, ScenarioState{});
  std::fill(inter_tiers.begin() + cc.inter_begin, inter_tiers.begin() + cc.inter_end,
            ScenarioState{});
  std::fill(period_delta_udelta.begin() + cc.period_begin,
            period_delta_udelta.begin() + cc.period_end, 0);
  std::fill(period_intra_consumed_udelta.begin() + cc.period_begin,
            period_intra_consumed_udelta.begin() + cc.period_end, 0);
  std::fill(som_short_calls.begin() + cc.som_begin, som_short_calls.begin() + cc.som_end, 0);
  std::fill(som_short_puts.begin() + cc.som_begin, som_short_puts.begin() + cc.som_end, 0);
  wfpr_micros[cc_index] = 0;
  const int32_t inter_wfpr_base = static_cast<int32_t>(params.commodities.size());
  std::fill(wfpr_micros.begin() + inter_wfpr_base + cc.inter_begin,
            wfpr_micros.begin() + inter_wfpr_base + cc.inter_end, 0);
  touched_commodities.push_back(cc_index);
}

}  // namespace tc::margin
