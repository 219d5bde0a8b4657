#include "services/margin/margin_service_convert.h"

#include "absl/strings/str_cat.h"
#include "core/business_date.h"
#include "core/status_macros.h"

namespace tc::services {
namespace {

// Domain and wire enums share their numbering; `valid` is the generated _IsValid.
template <typename Domain>
absl::StatusOr<Domain> EnumFromProto(int value, bool (*valid)(int), absl::string_view field) {
  if (!valid(value)) {
    return absl::InvalidArgumentError(absl::StrCat(field, " ", value, " is not a known value"));
  }
  return static_cast<Domain>(value);
}

template <typename Out, typename In, typename Convert>
void CopyAll(const std::vector<In>& in, google::protobuf::RepeatedPtrField<Out>* out,
             Convert convert) {
  for (const In& item : in) *out->Add() = convert(item);
}

pb::Tier ToProto(const margin::Tier& t) {
  pb::Tier out;
  out.set_tier_number(t.tier_number);
  out.set_start_period(t.start_period);
  out.set_end_period(t.end_period);
  return out;
}

margin::Tier FromProto(const pb::Tier& t) {
  return {.tier_number = t.tier_number(),
          .start_period = t.start_period(),
          .end_period = t.end_period()};
}

std::vector<margin::Tier> Tiers(const google::protobuf::RepeatedPtrField<pb::Tier>& tiers) {
  std::vector<margin::Tier> out;
  for (const pb::Tier& t : tiers) out.push_back(FromProto(t));
  return out;
}

pb::IntraSpread ToProto(const margin::IntraSpread& s) {
  pb::IntraSpread out;
  out.set_kind(static_cast<pb::IntraSpreadKind>(s.kind));
  out.set_priority(s.priority);
  out.set_charge_per_spread_micros(s.charge_per_spread_micros);
  for (const margin::IntraSpreadLeg& leg : s.legs) {
    pb::IntraSpreadLeg* l = out.add_legs();
    l->set_tier_number(leg.tier_number);
    l->set_period(leg.period);
    l->set_delta_per_spread_udelta(leg.delta_per_spread_udelta);
    l->set_side(static_cast<pb::SpreadSide>(leg.side));
  }
  return out;
}

absl::StatusOr<margin::IntraSpread> FromProto(const pb::IntraSpread& s) {
  TC_ASSIGN_OR_RETURN(margin::IntraSpreadKind kind,
                      EnumFromProto<margin::IntraSpreadKind>(s.kind(), pb::IntraSpreadKind_IsValid,
                                                             "intra_spreads.kind"));
  margin::IntraSpread out{.kind = kind,
                          .priority = s.priority(),
                          .charge_per_spread_micros = s.charge_per_spread_micros()};
  for (const pb::IntraSpreadLeg& l : s.legs()) {
    TC_ASSIGN_OR_RETURN(margin::SpreadSide side,
                        EnumFromProto<margin::SpreadSide>(l.side(), pb::SpreadSide_IsValid,
                                                          "intra_spreads.legs.side"));
    out.legs.push_back({.tier_number = l.tier_number(),
                        .period = l.period(),
                        .delta_per_spread_udelta = l.delta_per_spread_udelta(),
                        .side = side});
  }
  return out;
}

pb::CombinedCommodity ToProto(const margin::CombinedCommodity& cc) {
  pb::CombinedCommodity out;
  out.set_code(cc.code);
  out.set_currency(cc.currency);
  for (const auto& [in, field] : {std::pair{&cc.scan_tiers, out.mutable_scan_tiers()},
                                  std::pair{&cc.intra_tiers, out.mutable_intra_tiers()},
                                  std::pair{&cc.inter_tiers, out.mutable_inter_tiers()}}) {
    CopyAll(*in, field, [](const margin::Tier& t) { return ToProto(t); });
  }
  CopyAll(cc.intra_spreads, out.mutable_intra_spreads(),
          [](const margin::IntraSpread& s) { return ToProto(s); });
  for (const margin::SpotMonth& m : cc.spot_months) {
    pb::SpotMonth* s = out.add_spot_months();
    s->set_period(m.period);
    s->set_charge_per_consumed_delta_micros(m.charge_per_consumed_delta_micros);
    s->set_charge_per_remaining_delta_micros(m.charge_per_remaining_delta_micros);
  }
  out.set_wfpr_method(static_cast<pb::WfprMethod>(cc.wfpr_method));
  out.set_futures_price_scan_range_micros(cc.futures_price_scan_range_micros);
  out.set_som_rate_per_short_option_micros(cc.som_rate_per_short_option_micros);
  for (const margin::SomTier& t : cc.som_tiers) {
    pb::SomTier* s = out.add_som_tiers();
    *s->mutable_tier() = ToProto(t.tier);
    s->set_rate_per_short_option_micros(t.rate_per_short_option_micros);
  }
  out.set_som_method(static_cast<pb::SomMethod>(cc.som_method));
  pb::InitialToMaintenanceRatios* r = out.mutable_initial_to_maintenance();
  r->set_member_ppm(cc.initial_to_maintenance.member_ppm);
  r->set_hedger_ppm(cc.initial_to_maintenance.hedger_ppm);
  r->set_speculator_ppm(cc.initial_to_maintenance.speculator_ppm);
  return out;
}

absl::StatusOr<margin::CombinedCommodity> FromProto(const pb::CombinedCommodity& cc) {
  TC_ASSIGN_OR_RETURN(margin::WfprMethod wfpr,
                      EnumFromProto<margin::WfprMethod>(cc.wfpr_method(), pb::WfprMethod_IsValid,
                                                        "combined_commodities.wfpr_method"));
  TC_ASSIGN_OR_RETURN(margin::SomMethod som,
                      EnumFromProto<margin::SomMethod>(cc.som_method(), pb::SomMethod_IsValid,
                                                       "combined_commodities.som_method"));
  margin::CombinedCommodity out{
      .code = cc.code(),
      .currency = cc.currency(),
      .scan_tiers = Tiers(cc.scan_tiers()),
      .intra_tiers = Tiers(cc.intra_tiers()),
      .inter_tiers = Tiers(cc.inter_tiers()),
      .wfpr_method = wfpr,
      .futures_price_scan_range_micros = cc.futures_price_scan_range_micros(),
      .som_rate_per_short_option_micros = cc.som_rate_per_short_option_micros(),
      .som_method = som,
      .initial_to_maintenance = {.member_ppm = cc.initial_to_maintenance().member_ppm(),
                                 .hedger_ppm = cc.initial_to_maintenance().hedger_ppm(),
                                 .speculator_ppm = cc.initial_to_maintenance().speculator_ppm()}};
  for (const pb::IntraSpread& s : cc.intra_spreads()) {
    TC_ASSIGN_OR_RETURN(margin::IntraSpread spread, FromProto(s));
    out.intra_spreads.push_back(std::move(spread));
  }
  for (const pb::SpotMonth& m : cc.spot_months()) {
    out.spot_months.push_back(
        {.period = m.period(),
         .charge_per_consumed_delta_micros = m.charge_per_consumed_delta_micros(),
         .charge_per_remaining_delta_micros = m.charge_per_remaining_delta_micros()});
  }
  for (const pb::SomTier& t : cc.som_tiers()) {
    out.som_tiers.push_back({.tier = FromProto(t.tier()),
                             .rate_per_short_option_micros = t.rate_per_short_option_micros()});
  }
  return out;
}

pb::RiskContract ToProto(const margin::Contract& c) {
  pb::RiskContract out;
  out.set_contract_id(c.contract_id);
  out.set_combined_commodity(c.combined_commodity);
  out.set_period(c.period);
  for (int64_t v : c.risk_array_micros) out.add_risk_array_micros(v);
  out.set_composite_delta_udelta(c.composite_delta_udelta);
  out.set_delta_scaling_ppm(c.delta_scaling_ppm);
  out.set_price_micros(c.price_micros);
  out.set_contract_value_factor_ppm(c.contract_value_factor_ppm);
  out.set_is_option(c.is_option);
  out.set_right(static_cast<pb::OptionRight>(c.right));
  out.set_option_style(static_cast<pb::OptionStyle>(c.option_style));
  out.set_extreme_move_multiplier_ppm(c.extreme_move_multiplier_ppm);
  out.set_extreme_covered_fraction_ppm(c.extreme_covered_fraction_ppm);
  return out;
}

absl::StatusOr<margin::Contract> FromProto(const pb::RiskContract& c) {
  TC_ASSIGN_OR_RETURN(
      margin::OptionRight right,
      EnumFromProto<margin::OptionRight>(c.right(), pb::OptionRight_IsValid, "contracts.right"));
  TC_ASSIGN_OR_RETURN(margin::OptionStyle style,
                      EnumFromProto<margin::OptionStyle>(c.option_style(), pb::OptionStyle_IsValid,
                                                         "contracts.option_style"));
  return margin::Contract{
      .contract_id = c.contract_id(),
      .combined_commodity = c.combined_commodity(),
      .period = c.period(),
      .risk_array_micros = {c.risk_array_micros().begin(), c.risk_array_micros().end()},
      .composite_delta_udelta = c.composite_delta_udelta(),
      .delta_scaling_ppm = c.delta_scaling_ppm(),
      .price_micros = c.price_micros(),
      .contract_value_factor_ppm = c.contract_value_factor_ppm(),
      .is_option = c.is_option(),
      .right = right,
      .option_style = style,
      .extreme_move_multiplier_ppm = c.extreme_move_multiplier_ppm(),
      .extreme_covered_fraction_ppm = c.extreme_covered_fraction_ppm()};
}

pb::InterSpread ToProto(const margin::InterSpread& s) {
  pb::InterSpread out;
  out.set_priority(s.priority);
  out.set_credit_rate_ppm(s.credit_rate_ppm);
  out.set_is_super_spread(s.is_super_spread);
  for (const margin::InterSpreadLeg& leg : s.legs) {
    pb::InterSpreadLeg* l = out.add_legs();
    l->set_combined_commodity(leg.combined_commodity);
    l->set_tier_number(leg.tier_number);
    l->set_delta_per_spread_udelta(leg.delta_per_spread_udelta);
    l->set_side(static_cast<pb::SpreadSide>(leg.side));
  }
  return out;
}

absl::StatusOr<margin::InterSpread> FromProto(const pb::InterSpread& s) {
  margin::InterSpread out{.priority = s.priority(),
                          .credit_rate_ppm = s.credit_rate_ppm(),
                          .is_super_spread = s.is_super_spread()};
  for (const pb::InterSpreadLeg& l : s.legs()) {
    TC_ASSIGN_OR_RETURN(margin::SpreadSide side,
                        EnumFromProto<margin::SpreadSide>(l.side(), pb::SpreadSide_IsValid,
                                                          "inter_spreads.legs.side"));
    out.legs.push_back({.combined_commodity = l.combined_commodity(),
                        .tier_number = l.tier_number(),
                        .delta_per_spread_udelta = l.delta_per_spread_udelta(),
                        .side = side});
  }
  return out;
}

pb::ScanTierBreakdown ToProto(const margin::ScanTierBreakdown& t) {
  pb::ScanTierBreakdown out;
  out.set_tier_number(t.tier_number);
  out.set_scan_risk_micros(t.scan_risk_micros);
  out.set_active_scenario(t.active_scenario);
  for (int64_t loss : t.scenario_losses_micros) out.add_scenario_losses_micros(loss);
  out.set_time_risk_micros(t.time_risk_micros);
  out.set_price_risk_micros(t.price_risk_micros);
  out.set_volatility_risk_micros(t.volatility_risk_micros);
  return out;
}

pb::CommodityMargin ToProto(const margin::CommodityMargin& c) {
  pb::CommodityMargin out;
  out.set_combined_commodity(c.combined_commodity);
  CopyAll(c.scan_tiers, out.mutable_scan_tiers(),
          [](const margin::ScanTierBreakdown& t) { return ToProto(t); });
  out.set_scan_risk_micros(c.scan_risk_micros);
  out.set_net_delta_udelta(c.net_delta_udelta);
  out.set_wfpr_micros(c.wfpr_micros);
  out.set_intra_charge_micros(c.intra_charge_micros);
  out.set_spot_charge_micros(c.spot_charge_micros);
  out.set_inter_credit_micros(c.inter_credit_micros);
  out.set_som_micros(c.som_micros);
  out.set_nov_micros(c.nov_micros);
  out.set_risk_micros(c.risk_micros);
  out.set_maintenance_micros(c.maintenance_micros);
  out.set_initial_micros(c.initial_micros);
  return out;
}

pb::AccountClass ToProto(margin::AccountClass c) {
  switch (c) {
    case margin::AccountClass::kMember:
      return pb::ACCOUNT_CLASS_MEMBER;
    case margin::AccountClass::kHedger:
      return pb::ACCOUNT_CLASS_HEDGER;
    case margin::AccountClass::kSpeculator:
      return pb::ACCOUNT_CLASS_SPECULATOR;
  }
  return pb::ACCOUNT_CLASS_UNSPECIFIED;
}

}  // namespace

pb::RiskParameters ToProto(const margin::RiskParameters& params) {
  pb::RiskParameters out;
  out.set_version_id(params.version_id);
  out.set_business_date(FormatBusinessDate(params.business_date));
  CopyAll(params.combined_commodities, out.mutable_combined_commodities(),
          [](const margin::CombinedCommodity& cc) { return ToProto(cc); });
  CopyAll(params.contracts, out.mutable_contracts(),
          [](const margin::Contract& c) { return ToProto(c); });
  CopyAll(params.inter_spreads, out.mutable_inter_spreads(),
          [](const margin::InterSpread& s) { return ToProto(s); });
  return out;
}

absl::StatusOr<margin::RiskParameters> FromProto(const pb::RiskParameters& params) {
  TC_ASSIGN_OR_RETURN(absl::CivilDay day,
                      ParseBusinessDate("parameters.business_date", params.business_date()));
  margin::RiskParameters out{.version_id = params.version_id(), .business_date = day};
  for (const pb::CombinedCommodity& cc : params.combined_commodities()) {
    TC_ASSIGN_OR_RETURN(margin::CombinedCommodity commodity, FromProto(cc));
    out.combined_commodities.push_back(std::move(commodity));
  }
  for (const pb::RiskContract& c : params.contracts()) {
    TC_ASSIGN_OR_RETURN(margin::Contract contract, FromProto(c));
    out.contracts.push_back(std::move(contract));
  }
  for (const pb::InterSpread& s : params.inter_spreads()) {
    TC_ASSIGN_OR_RETURN(margin::InterSpread spread, FromProto(s));
    out.inter_spreads.push_back(std::move(spread));
  }
  return out;
}

pb::ProductCalibration ToProto(const margin::ProductStatistics& s) {
  pb::ProductCalibration out;
  out.set_product_code(s.product_code);
  out.set_index_value_micros(s.index_value_micros);
  out.set_return_count(s.return_count);
  out.set_ewma_volatility_ppm(s.ewma_volatility_ppm);
  out.set_long_run_volatility_ppm(s.long_run_volatility_ppm);
  out.set_buffer_released(s.buffer_released);
  out.set_raw_psr_micros(s.raw_psr_micros);
  out.set_floor_psr_micros(s.floor_psr_micros);
  out.set_psr_micros(s.psr_micros);
  return out;
}

pb::PairCalibration ToProto(const margin::PairStatistics& s) {
  pb::PairCalibration out;
  out.set_product_a(s.product_a);
  out.set_product_b(s.product_b);
  out.set_return_count(s.return_count);
  out.set_correlation_ppm(s.correlation_ppm);
  out.set_credit_rate_ppm(s.credit_rate_ppm);
  return out;
}

pb::CalendarSpreadCalibration ToProto(const margin::CalendarSpreadStatistics& s) {
  pb::CalendarSpreadCalibration out;
  out.set_near_contract(s.near_contract);
  out.set_far_contract(s.far_contract);
  out.set_spread_change_count(s.spread_change_count);
  out.set_quantile_change_micros(s.quantile_change_micros);
  out.set_from_history(s.from_history);
  out.set_charge_micros(s.charge_micros);
  return out;
}

pb::MarginBreakdown ToProto(const margin::MarginBreakdown& b) {
  pb::MarginBreakdown out;
  out.set_parameter_version(b.parameter_version_id);
  out.set_business_date(FormatBusinessDate(b.business_date));
  out.set_account_class(ToProto(b.account_class));
  out.set_currency(b.currency);
  CopyAll(b.commodities, out.mutable_commodities(),
          [](const margin::CommodityMargin& c) { return ToProto(c); });
  out.set_maintenance_micros(b.totals.maintenance_micros);
  out.set_initial_micros(b.totals.initial_micros);
  return out;
}

margin::AccountClass ToMarginClass(clearing::AccountClass account_class) {
  switch (account_class) {
    case clearing::AccountClass::kMember:
      return margin::AccountClass::kMember;
    case clearing::AccountClass::kHedger:
      return margin::AccountClass::kHedger;
    case clearing::AccountClass::kSpeculator:
      return margin::AccountClass::kSpeculator;
  }
  return margin::AccountClass::kSpeculator;
}

absl::StatusOr<margin::AccountClass> ToMarginClass(pb::AccountClass account_class,
                                                   absl::string_view field) {
  switch (account_class) {
    case pb::ACCOUNT_CLASS_MEMBER:
      return margin::AccountClass::kMember;
    case pb::ACCOUNT_CLASS_HEDGER:
      return margin::AccountClass::kHedger;
    case pb::ACCOUNT_CLASS_SPECULATOR:
      return margin::AccountClass::kSpeculator;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat(field, " ", account_class, " is not an account class"));
  }
}

}  // namespace tc::services
