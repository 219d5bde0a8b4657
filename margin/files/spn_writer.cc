#include "margin/files/spn_writer.h"

#include <algorithm>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "core/fixed_point.h"
#include "formats/decimal_text.h"
#include "formats/xml_document.h"
#include "margin/files/spn_reader.h"

namespace tc::margin {
namespace {

using formats::FormatDecimal;

constexpr int kMicroDigits = 6;
// Performance-bond rate classes (pbRateDef/r) of written files.
constexpr int kMaintenanceRate = 1;
constexpr int kMemberInitialRate = 2;
constexpr int kHedgerInitialRate = 3;
constexpr int kSpeculatorInitialRate = 4;
// Inter-spread rates up to 1% are written as fractions, larger ones in percent, so the
// reader's rule (percent when any |val| > 1) reads every file back exactly.
constexpr int64_t kLargestFractionWrittenPpm = 10'000;

std::string Micros(int64_t value) { return FormatDecimal(value, kMicroDigits); }

// The contracts of one combined commodity, by product family.
struct CommodityContracts {
  std::vector<const Contract*> futures;
  std::vector<const Contract*> premium_options;
  std::vector<const Contract*> futures_style_options;
};

// Product family ids: three per commodity (futures, premium options, futures-style).
int FamilyId(size_t cc_index, int family) { return static_cast<int>(cc_index) * 3 + family; }

class SpnWriter {
 public:
  SpnWriter(const RiskParameters& params, const SpnWriteOptions& options)
      : params_(params), options_(options) {
    for (size_t i = 0; i < params.combined_commodities.size(); ++i) {
      cc_index_[params.combined_commodities[i].code] = i;
    }
    by_cc_.resize(params.combined_commodities.size());
    for (const Contract& contract : params.contracts) {
      auto it = cc_index_.find(contract.combined_commodity);
      if (it == cc_index_.end()) continue;  // not margined: no commodity
      CommodityContracts& group = by_cc_[it->second];
      (!contract.is_option                                   ? group.futures
       : contract.option_style == OptionStyle::kFuturesStyle ? group.futures_style_options
                                                             : group.premium_options)
          .push_back(&contract);
    }
  }

  std::string Write() {
    w_.Open("spanFile");
    w_.Leaf("fileFormat", "4.00");
    if (!options_.created.empty()) w_.Leaf("created", options_.created);
    WriteDefinitions();
    w_.Open("pointInTime");
    const absl::CivilDay day = params_.business_date;
    w_.Leaf("date", absl::StrCat(absl::Dec(day.year(), absl::kZeroPad4),
                                 absl::Dec(day.month(), absl::kZeroPad2),
                                 absl::Dec(day.day(), absl::kZeroPad2)));
    w_.Leaf("isSetl", "true");
    w_.Leaf("setlQualifier", "final");
    WriteClearingOrg();
    w_.Close();
    w_.Close();
    return w_.Finish();
  }

 private:
  void WriteDefinitions() {
    w_.Open("definitions");
    std::vector<std::string> currencies;
    for (const CombinedCommodity& cc : params_.combined_commodities) {
      if (std::find(currencies.begin(), currencies.end(), cc.currency) == currencies.end()) {
        currencies.push_back(cc.currency);
      }
    }
    if (currencies.empty()) currencies.push_back("USD");
    for (const std::string& currency : currencies) {
      w_.Open("currencyDef");
      w_.Leaf("currency", currency);
      w_.Leaf("symbol", currency);
      w_.Leaf("name", currency);
      w_.Leaf("decimalPos", "2");
      w_.Close();
    }
    w_.Open("acctTypeDef");
    w_.Leaf("isCust", "false");
    w_.Leaf("acctType", "M");
    w_.Leaf("isNetMargin", "true");
    w_.Leaf("priority", "1");
    w_.Close();
    w_.Close();
  }

  void WriteRateClass(int r, bool is_customer, absl::string_view account_type,
                      bool is_maintenance) {
    w_.Open("pbRateDef");
    w_.Leaf("r", absl::StrCat(r));
    w_.Leaf("isCust", is_customer ? "true" : "false");
    w_.Leaf("acctType", account_type);
    w_.Leaf("isM", is_maintenance ? "true" : "false");
    w_.Leaf("pbc", "CORE");
    w_.Close();
  }

  void WriteClearingOrg() {
    w_.Open("clearingOrg");
    w_.Leaf("ec", options_.exchange_complex);
    w_.Leaf("name", options_.exchange_complex);
    w_.Leaf("finalizeMeth", "NORMAL");
    WriteRateClass(kMaintenanceRate, false, "M", true);
    WriteRateClass(kMemberInitialRate, false, "M", false);
    WriteRateClass(kHedgerInitialRate, true, "H", false);
    WriteRateClass(kSpeculatorInitialRate, true, "S", false);
    WriteExchange();
    for (size_t i = 0; i < params_.combined_commodities.size(); ++i) WriteCcDef(i);
    WriteInterSpreads(/*super=*/true);
    WriteInterSpreads(/*super=*/false);
    w_.Close();
  }

  void WriteExchange() {
    w_.Open("exchange");
    w_.Leaf("exch", options_.exchange);
    for (size_t i = 0; i < by_cc_.size(); ++i) {
      if (!by_cc_[i].futures.empty()) WriteFuturesFamily(i);
    }
    for (size_t i = 0; i < by_cc_.size(); ++i) {
      WriteOptionFamily(i, by_cc_[i].premium_options, 2);
      WriteOptionFamily(i, by_cc_[i].futures_style_options, 3);
    }
    w_.Close();
  }

  void WriteUnderlying(absl::string_view element, int pf_id, bool with_contract) {
    w_.Open(element);
    w_.Leaf("exch", options_.exchange);
    w_.Leaf("pfId", absl::StrCat(pf_id));
    if (with_contract) w_.Leaf("cId", "0");
    w_.Leaf("s", "");
    w_.Leaf("i", "1");
    w_.Close();
  }

  void WriteIdentity(const Contract& contract) {
    w_.Leaf("cId", absl::StrCat(++next_contract_number_));
    w_.Open("alias");
    w_.Leaf("aType", kSpnContractIdAlias);
    w_.Leaf("aVal", contract.contract_id);
    w_.Close();
  }

  void WriteRiskArray(const Contract& contract) {
    w_.Open("ra");
    w_.Leaf("r", absl::StrCat(kMaintenanceRate));
    for (int64_t value : contract.risk_array_micros) w_.Leaf("a", Micros(value));
    w_.Leaf("d", Micros(contract.composite_delta_udelta));
    w_.Close();
  }

  void WriteFuturesFamily(size_t cc_index) {
    const CombinedCommodity& cc = params_.combined_commodities[cc_index];
    w_.Open("futPf");
    w_.Leaf("pfId", absl::StrCat(FamilyId(cc_index, 1)));
    w_.Leaf("pfCode", cc.code);
    w_.Leaf("currency", cc.currency);
    w_.Leaf("valueMeth", "FUT");
    w_.Leaf("setlMeth", "CASH");
    WriteUnderlying("undPf", 0, false);
    for (const Contract* contract : by_cc_[cc_index].futures) {
      w_.Open("fut");
      WriteIdentity(*contract);
      w_.Leaf("pe", absl::StrCat(contract->period));
      w_.Leaf("p", Micros(contract->price_micros));
      w_.Leaf("cvf", Micros(contract->contract_value_factor_ppm));
      w_.Leaf("sc", Micros(contract->delta_scaling_ppm));
      WriteUnderlying("undC", 0, true);
      w_.Open("scanRate");
      w_.Leaf("r", absl::StrCat(kMaintenanceRate));
      w_.Leaf("priceScan", Micros(cc.futures_price_scan_range_micros));
      w_.Close();
      WriteRiskArray(*contract);
      w_.Close();
    }
    w_.Close();
  }

  // family 2: premium-style options (valueMeth PREM); 3: futures-style (valueMeth FUT).
  void WriteOptionFamily(size_t cc_index, const std::vector<const Contract*>& options, int family) {
    if (options.empty()) return;
    const CombinedCommodity& cc = params_.combined_commodities[cc_index];
    w_.Open("oofPf");
    w_.Leaf("pfId", absl::StrCat(FamilyId(cc_index, family)));
    w_.Leaf("pfCode", cc.code);
    w_.Leaf("currency", cc.currency);
    w_.Leaf("cab", "0");
    w_.Leaf("valueMeth", family == 3 ? "FUT" : "PREM");
    w_.Leaf("setlMeth", "CASH");
    w_.Leaf("priceModel", "BLACK76");
    WriteUnderlying("undPf", FamilyId(cc_index, 1), false);
    std::vector<int> periods;
    for (const Contract* option : options) {
      if (std::find(periods.begin(), periods.end(), option->period) == periods.end()) {
        periods.push_back(option->period);
      }
    }
    for (int period : periods) {
      w_.Open("series");
      w_.Leaf("pe", absl::StrCat(period));
      w_.Leaf("sc", "1");
      WriteUnderlying("undC", FamilyId(cc_index, 1), true);
      for (const Contract* option : options) {
        if (option->period == period) WriteOption(*option);
      }
      w_.Close();
    }
    w_.Close();
  }

  void WriteOption(const Contract& option) {
    w_.Open("opt");
    WriteIdentity(option);
    w_.Leaf("o", option.right == OptionRight::kPut ? "P" : "C");
    w_.Leaf("k", "0");
    w_.Leaf("p", Micros(option.price_micros));
    w_.Leaf("cvf", Micros(option.contract_value_factor_ppm));
    w_.Leaf("sc", Micros(option.delta_scaling_ppm));
    WriteRiskArray(option);
    w_.Close();
  }

  // Scan points 1-14 at 0, +-1/3, +-2/3, +-3/3 of the price scan range with volatility
  // up and down; 15 and 16 at +-k with volatility unchanged and weight f.
  void WritePointDef(const Contract& contract) {
    static constexpr int kThirds[14] = {0, 0, 1, 1, -1, -1, 2, 2, -2, -2, 3, 3, -3, -3};
    w_.Open("pointDef");
    w_.Leaf("r", "1");
    for (int point = 1; point <= kScenarioCount; ++point) {
      const bool extreme = point > 14;
      w_.Open("scanPointDef");
      w_.Leaf("point", absl::StrCat(point));
      w_.Open("priceScanDef");
      const int64_t k_ppm = point == 16 ? -contract.extreme_move_multiplier_ppm
                                        : contract.extreme_move_multiplier_ppm;
      w_.Leaf("mult", extreme ? Micros(k_ppm) : "1");
      w_.Leaf("numerator", extreme ? "1" : absl::StrCat(kThirds[point - 1]));
      w_.Leaf("denominator", extreme ? "1" : "3");
      w_.Close();
      w_.Open("volScanDef");
      w_.Leaf("mult", extreme ? "0" : point % 2 == 1 ? "1" : "-1");
      w_.Close();
      w_.Leaf("weight", extreme ? Micros(contract.extreme_covered_fraction_ppm) : "1");
      w_.Leaf("pairedPoint", absl::StrCat(extreme          ? point
                                          : point % 2 == 1 ? point + 1
                                                           : point - 1));
      w_.Close();
    }
    w_.Close();
  }

  void WriteLink(size_t cc_index, int family, absl::string_view type) {
    w_.Open("pfLink");
    w_.Leaf("exch", options_.exchange);
    w_.Leaf("pfId", absl::StrCat(FamilyId(cc_index, family)));
    w_.Leaf("pfCode", params_.combined_commodities[cc_index].code);
    w_.Leaf("pfType", type);
    w_.Leaf("sc", "1");
    w_.Close();
  }

  void WriteAdjRate(int r, int64_t ratio_ppm) {
    w_.Open("adjRate");
    w_.Leaf("r", absl::StrCat(r));
    w_.Leaf("baseR", absl::StrCat(kMaintenanceRate));
    w_.Leaf("val", Micros(ratio_ppm));
    w_.Close();
  }

  void WriteRate(int64_t value, int scale_digits) {
    w_.Open("rate");
    w_.Leaf("r", absl::StrCat(kMaintenanceRate));
    w_.Leaf("val", FormatDecimal(value, scale_digits));
    w_.Close();
  }

  void WriteTier(const Tier& tier) {
    w_.Leaf("tn", absl::StrCat(tier.tier_number));
    w_.Leaf("sPe", absl::StrCat(tier.start_period));
    w_.Leaf("ePe", absl::StrCat(tier.end_period));
  }

  void WriteTiers(absl::string_view element, const std::vector<Tier>& tiers) {
    if (tiers.empty()) return;
    w_.Open(element);
    for (const Tier& tier : tiers) {
      w_.Open("tier");
      WriteTier(tier);
      w_.Close();
    }
    w_.Close();
  }

  // SOM tiers; a commodity-wide rate is a tier without periods.
  void WriteSomTiers(const CombinedCommodity& cc) {
    if (cc.som_tiers.empty() && cc.som_rate_per_short_option_micros == 0) return;
    w_.Open("somTiers");
    if (cc.som_tiers.empty()) {
      w_.Open("tier");
      w_.Leaf("tn", "0");
      WriteRate(cc.som_rate_per_short_option_micros, kMicroDigits);
      w_.Close();
    }
    for (const SomTier& tier : cc.som_tiers) {
      w_.Open("tier");
      WriteTier(tier.tier);
      WriteRate(tier.rate_per_short_option_micros, kMicroDigits);
      w_.Close();
    }
    w_.Close();
  }

  // A tLeg (tier `tn`; 0 = whole commodity) or pLeg (period `pe`) of a dSpread.
  void WriteLeg(bool tier_leg, absl::string_view cc, int tier_or_period, SpreadSide side,
                int64_t delta_per_spread_udelta) {
    w_.Open(tier_leg ? "tLeg" : "pLeg");
    w_.Leaf("cc", cc);
    w_.Leaf(tier_leg ? "tn" : "pe", absl::StrCat(tier_or_period));
    w_.Leaf("rs", side == SpreadSide::kA ? "A" : "B");
    w_.Leaf("i", Micros(delta_per_spread_udelta));
    w_.Close();
  }

  void WriteCcDef(size_t cc_index) {
    const CombinedCommodity& cc = params_.combined_commodities[cc_index];
    const CommodityContracts& contracts = by_cc_[cc_index];
    w_.Open("ccDef");
    w_.Leaf("cc", cc.code);
    w_.Leaf("currency", cc.currency);
    w_.Leaf("wfprMeth", absl::StrCat(static_cast<int>(cc.wfpr_method)));
    w_.Leaf("somMeth", cc.som_method == SomMethod::kSumOfCallsPuts ? "2" : "1");
    const Contract* first = !contracts.futures.empty()           ? contracts.futures.front()
                            : !contracts.premium_options.empty() ? contracts.premium_options.front()
                            : !contracts.futures_style_options.empty()
                                ? contracts.futures_style_options.front()
                                : nullptr;
    if (first != nullptr) WritePointDef(*first);
    if (!contracts.futures.empty()) WriteLink(cc_index, 1, "FUT");
    if (!contracts.premium_options.empty()) WriteLink(cc_index, 2, "OOF");
    if (!contracts.futures_style_options.empty()) WriteLink(cc_index, 3, "OOF");
    WriteAdjRate(kMemberInitialRate, cc.initial_to_maintenance.member_ppm);
    WriteAdjRate(kHedgerInitialRate, cc.initial_to_maintenance.hedger_ppm);
    WriteAdjRate(kSpeculatorInitialRate, cc.initial_to_maintenance.speculator_ppm);
    WriteTiers("scanTiers", cc.scan_tiers);
    WriteTiers("intraTiers", cc.intra_tiers);
    WriteTiers("interTiers", cc.inter_tiers);
    WriteSomTiers(cc);
    for (const IntraSpread& spread : cc.intra_spreads) {
      w_.Open("dSpread");
      w_.Leaf("spread", absl::StrCat(spread.priority));
      w_.Leaf("chargeMeth", "F");
      WriteRate(spread.charge_per_spread_micros, kMicroDigits);
      const bool tier_legs = spread.kind == IntraSpreadKind::kTierToTier;
      for (const IntraSpreadLeg& leg : spread.legs) {
        WriteLeg(tier_legs, cc.code, tier_legs ? leg.tier_number : leg.period, leg.side,
                 leg.delta_per_spread_udelta);
      }
      w_.Close();
    }
    for (const SpotMonth& spot : cc.spot_months) {
      w_.Open("spotRate");
      w_.Leaf("r", absl::StrCat(kMaintenanceRate));
      w_.Leaf("pe", absl::StrCat(spot.period));
      w_.Leaf("sprd", Micros(spot.charge_per_consumed_delta_micros));
      w_.Leaf("outr", Micros(spot.charge_per_remaining_delta_micros));
      w_.Close();
    }
    w_.Close();
  }

  void WriteInterSpreads(bool super) {
    int64_t max_abs_rate_ppm = 0;
    bool any = false;
    for (const InterSpread& spread : params_.inter_spreads) {
      max_abs_rate_ppm =
          std::max(max_abs_rate_ppm,
                   spread.credit_rate_ppm < 0 ? -spread.credit_rate_ppm : spread.credit_rate_ppm);
      any = any || spread.is_super_spread == super;
    }
    if (!any) return;
    // Percent has 4 decimals of ppm; fractions 6.
    const int rate_digits = max_abs_rate_ppm > kLargestFractionWrittenPpm ? 4 : kMicroDigits;
    w_.Open(super ? "superSpreads" : "interSpreads");
    for (const InterSpread& spread : params_.inter_spreads) {
      if (spread.is_super_spread != super) continue;
      w_.Open("dSpread");
      w_.Leaf("spread", absl::StrCat(spread.priority));
      w_.Leaf("chargeMeth", "W");
      WriteRate(spread.credit_rate_ppm, rate_digits);
      for (const InterSpreadLeg& leg : spread.legs) {
        WriteLeg(/*tier_leg=*/true, leg.combined_commodity, leg.tier_number, leg.side,
                 leg.delta_per_spread_udelta);
      }
      w_.Close();
    }
    w_.Close();
  }

  const RiskParameters& params_;
  const SpnWriteOptions& options_;
  formats::XmlWriter w_;
  absl::flat_hash_map<std::string, size_t> cc_index_;
  std::vector<CommodityContracts> by_cc_;
  int next_contract_number_ = 0;
};

}  // namespace

std::string WriteSpn(const RiskParameters& params, const SpnWriteOptions& options) {
  return SpnWriter(params, options).Write();
}

}  // namespace tc::margin
