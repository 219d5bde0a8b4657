#include "margin/files/pa2_records.h"

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "margin/parameter_validation.h"

namespace tc::margin {

using formats::FixedWidthLine;

namespace {

constexpr int kMoneyScale = 6;  // micro-USD
constexpr int kDeltaScale = 6;  // micro-delta
constexpr int kPpmScale = 6;

// A CCYYMM field; blank is 0 (absent).
absl::StatusOr<int> Period(const FixedWidthLine& line, absl::string_view field, int first) {
  if (line.IsBlank(first, first + 5)) return 0;
  TC_ASSIGN_OR_RETURN(int64_t period, line.Unsigned(field, first, first + 5));
  if (!IsValidPeriod(static_cast<int>(period))) {
    return line.Error(field, first, first + 5, "is not a CCYYMM period");
  }
  return static_cast<int>(period);
}

absl::StatusOr<absl::CivilDay> Date(const FixedWidthLine& line, absl::string_view field,
                                    int first) {
  TC_ASSIGN_OR_RETURN(int64_t date, line.Unsigned(field, first, first + 7));
  const absl::CivilDay day(date / 10000, date / 100 % 100, date % 100);
  if (day.year() * 10000 + day.month() * 100 + day.day() != date) {
    return line.Error(field, first, first + 7, "is not a CCYYMMDD date");
  }
  return day;
}

absl::StatusOr<SpreadSide> Side(const FixedWidthLine& line, absl::string_view field, int column) {
  const char side = line.Text(column, column)[0];
  if (side == 'A') return SpreadSide::kA;
  if (side == 'B') return SpreadSide::kB;
  return line.Error(field, column, column, "is not A or B");
}

// A money field given in whole currency units (COBOL 9(n)).
absl::StatusOr<int64_t> WholeMoney(const FixedWidthLine& line, absl::string_view field, int first,
                                   int last) {
  if (line.IsBlank(first, last)) return 0;
  return line.Decimal(field, first, last, 0, kMoneyScale);
}

// `count` tiers of 14 columns (tier number 9(2), start and end CCYYMM) from `first`.
// Blank slots are skipped when `skip_blank` (fixed slot lists), errors otherwise (lists
// with an explicit count, whose slots pair with other per-tier fields).
absl::StatusOr<std::vector<Tier>> Tiers(const FixedWidthLine& line, int first, int count,
                                        bool skip_blank) {
  std::vector<Tier> tiers;
  for (int i = 0; i < count; ++i) {
    const int at = first + 14 * i;
    if (skip_blank && line.IsBlank(at, at + 13)) continue;
    Tier tier;
    TC_ASSIGN_OR_RETURN(int64_t number, line.Unsigned("tier number", at, at + 1));
    tier.tier_number = static_cast<int>(number);
    TC_ASSIGN_OR_RETURN(tier.start_period, Period(line, "tier start period", at + 2));
    TC_ASSIGN_OR_RETURN(tier.end_period, Period(line, "tier end period", at + 8));
    tiers.push_back(tier);
  }
  return tiers;
}

absl::StatusOr<int> SmallNumber(const FixedWidthLine& line, absl::string_view field, int first,
                                int last) {
  if (line.IsBlank(first, last)) return 0;
  TC_ASSIGN_OR_RETURN(int64_t value, line.Unsigned(field, first, last));
  return static_cast<int>(value);
}

absl::StatusOr<Pa2ProductKey> ProductKey(const FixedWidthLine& line) {
  Pa2ProductKey key{
      .exchange = line.Trimmed(3, 5), .product = line.Trimmed(6, 15), .type = line.Trimmed(16, 18)};
  if (key.product.empty()) return line.Error("product", 6, 15, "is blank");
  return key;
}

absl::StatusOr<int64_t> SignedArrayValue(const FixedWidthLine& line, int first) {
  TC_ASSIGN_OR_RETURN(int64_t magnitude, line.Unsigned("risk array value", first, first + 4));
  TC_ASSIGN_OR_RETURN(int sign, line.Sign("risk array value sign", first + 5));
  return sign * magnitude;
}

absl::StatusOr<Pa2ContractKey> ArrayContractKey(const FixedWidthLine& line) {
  Pa2ContractKey key;
  key.product = {
      .exchange = line.Trimmed(3, 5), .product = line.Trimmed(6, 15), .type = line.Trimmed(26, 28)};
  if (key.product.product.empty()) return line.Error("product", 6, 15, "is blank");
  key.right = line.Text(29, 29)[0];
  if (key.right != ' ' && key.right != 'C' && key.right != 'P') {
    return line.Error("option right", 29, 29, "is not C, P or blank");
  }
  TC_ASSIGN_OR_RETURN(key.futures_month, Period(line, "futures month", 30));
  TC_ASSIGN_OR_RETURN(key.option_month, Period(line, "option month", 39));
  if (!line.IsBlank(48, 54)) {
    TC_ASSIGN_OR_RETURN(key.strike, line.Unsigned("strike", 48, 54));
  }
  return key;
}

}  // namespace

absl::StatusOr<Pa2Header> DecodeHeader(const FixedWidthLine& line) {
  Pa2Header header{.exchange_complex = line.Trimmed(3, 8),
                   .settlement_or_intraday = line.Text(17, 17)[0],
                   .file_id = line.Trimmed(18, 19),
                   .format = line.Text(36, 37)};
  if (header.exchange_complex.empty()) return line.Error("exchange complex", 3, 8, "is blank");
  TC_ASSIGN_OR_RETURN(header.business_date, Date(line, "business date", 9));
  if (header.settlement_or_intraday != 'S' && header.settlement_or_intraday != 'I') {
    return line.Error("settlement or intraday flag", 17, 17, "is not S or I");
  }
  if (header.format != "U2") {
    return line.Error("file format", 36, 37, "is not U2 (expanded unpacked)");
  }
  return header;
}

absl::StatusOr<Pa2Exchange> DecodeExchange(const FixedWidthLine& line) {
  Pa2Exchange exchange{.exchange = line.Trimmed(3, 5), .code = line.Trimmed(8, 9)};
  if (exchange.exchange.empty()) return line.Error("exchange", 3, 5, "is blank");
  return exchange;
}

absl::StatusOr<Pa2CombinedCommodity> DecodeCombinedCommodity(const FixedWidthLine& line) {
  Pa2CombinedCommodity cc{.exchange = line.Trimmed(3, 5),
                          .code = line.Trimmed(7, 12),
                          .currency = line.Trimmed(14, 16)};
  if (cc.code.empty()) return line.Error("combined commodity", 7, 12, "is blank");
  TC_ASSIGN_OR_RETURN(cc.risk_exponent, SmallNumber(line, "risk exponent", 13, 13));
  const char style = line.Text(18, 18)[0];
  if (style != 'P' && style != 'F' && style != ' ') {
    return line.Error("option margin style", 18, 18, "is not P, F or blank");
  }
  cc.option_style = style == 'F' ? OptionStyle::kFuturesStyle : OptionStyle::kPremium;
  for (int slot = 0; slot < 6; ++slot) {
    const int at = 23 + 16 * slot;
    if (line.IsBlank(at, at + 9)) continue;
    Pa2ProductSlot product{.product_code = line.Trimmed(at, at + 9),
                           .product_type = line.Trimmed(at + 10, at + 12)};
    TC_ASSIGN_OR_RETURN(int locator, SmallNumber(line, "decimal locator", at + 13, at + 14));
    TC_ASSIGN_OR_RETURN(int sign, line.Sign("decimal locator sign", at + 15));
    product.decimal_locator = sign * locator;
    cc.products.push_back(product);
  }
  return cc;
}

absl::StatusOr<Pa2IntraRecord> DecodeIntraRecord(const FixedWidthLine& line) {
  Pa2IntraRecord record{.cc = line.Trimmed(3, 8)};
  if (record.cc.empty()) return line.Error("combined commodity", 3, 8, "is blank");
  TC_ASSIGN_OR_RETURN(record.method, SmallNumber(line, "intra method", 9, 10));
  TC_ASSIGN_OR_RETURN(record.tiers, Tiers(line, 11, 4, /*skip_blank=*/true));
  // Ratios are 9V9(3); a blank ratio means initial equals maintenance.
  struct RatioField {
    const char* name;
    int first;
    int64_t* out;
  };
  const RatioField ratios[] = {
      {"member initial/maintenance ratio", 69, &record.ratios.member_ppm},
      {"hedger initial/maintenance ratio", 73, &record.ratios.hedger_ppm},
      {"speculator initial/maintenance ratio", 77, &record.ratios.speculator_ppm}};
  for (const RatioField& ratio : ratios) {
    if (line.IsBlank(ratio.first, ratio.first + 3)) continue;
    TC_ASSIGN_OR_RETURN(*ratio.out,
                        line.Decimal(ratio.name, ratio.first, ratio.first + 3, 3, kPpmScale));
  }
  return record;
}

absl::StatusOr<Pa2IntraSpreadRecord> DecodeTierSpread(const FixedWidthLine& line) {
  Pa2IntraSpreadRecord record{.cc = line.Trimmed(3, 8)};
  if (record.cc.empty()) return line.Error("combined commodity", 3, 8, "is blank");
  IntraSpread& spread = record.spread;
  spread.kind = IntraSpreadKind::kTierToTier;
  TC_ASSIGN_OR_RETURN(spread.priority, SmallNumber(line, "priority", 11, 12));
  TC_ASSIGN_OR_RETURN(int legs, SmallNumber(line, "number of legs", 13, 14));
  if (legs < 1 || legs > 8) return line.Error("number of legs", 13, 14, "is not 1 to 8");
  TC_ASSIGN_OR_RETURN(spread.charge_per_spread_micros, WholeMoney(line, "charge rate", 15, 21));
  for (int i = 0; i < legs; ++i) {
    const int at = 22 + 7 * i;
    IntraSpreadLeg leg;
    TC_ASSIGN_OR_RETURN(leg.tier_number, SmallNumber(line, "leg tier", at + 2, at + 3));
    TC_ASSIGN_OR_RETURN(leg.delta_per_spread_udelta,
                        line.Decimal("leg delta/spread ratio", at + 4, at + 5, 0, kDeltaScale));
    TC_ASSIGN_OR_RETURN(leg.side, Side(line, "leg side", at + 6));
    spread.legs.push_back(leg);
  }
  return record;
}

absl::StatusOr<Pa2IntraSpreadRecord> DecodeSeriesSpread(const FixedWidthLine& line) {
  Pa2IntraSpreadRecord record{.cc = line.Trimmed(3, 8)};
  if (record.cc.empty()) return line.Error("combined commodity", 3, 8, "is blank");
  IntraSpread& spread = record.spread;
  spread.kind = IntraSpreadKind::kSeriesToSeries;
  TC_ASSIGN_OR_RETURN(spread.priority, SmallNumber(line, "priority", 9, 13));
  TC_ASSIGN_OR_RETURN(spread.charge_per_spread_micros, WholeMoney(line, "charge rate", 14, 20));
  for (int i = 0; i < 4; ++i) {
    const int at = 21 + 14 * i;
    if (line.IsBlank(at, at + 13)) continue;
    IntraSpreadLeg leg;
    TC_ASSIGN_OR_RETURN(int64_t yymm, line.Unsigned("leg month", at, at + 3));
    leg.period = 200000 + static_cast<int>(yymm);  // YYMM of this century
    if (!IsValidPeriod(leg.period)) return line.Error("leg month", at, at + 3, "is not YYMM");
    TC_ASSIGN_OR_RETURN(leg.delta_per_spread_udelta,
                        line.Decimal("leg delta/spread ratio", at + 7, at + 12, 4, kDeltaScale));
    TC_ASSIGN_OR_RETURN(leg.side, Side(line, "leg side", at + 13));
    spread.legs.push_back(leg);
  }
  return record;
}

absl::StatusOr<Pa2TierRecord> DecodeTierRecord(const FixedWidthLine& line) {
  Pa2TierRecord record{.cc = line.Trimmed(3, 8)};
  if (record.cc.empty()) return line.Error("combined commodity", 3, 8, "is blank");
  TC_ASSIGN_OR_RETURN(record.method, SmallNumber(line, "tier method", 9, 10));
  TC_ASSIGN_OR_RETURN(int count, SmallNumber(line, "number of tiers", 11, 12));
  if (count > 5) return line.Error("number of tiers", 11, 12, "is more than 5");
  TC_ASSIGN_OR_RETURN(record.tiers, Tiers(line, 13, count, /*skip_blank=*/false));
  const char wfpr = line.Text(83, 83)[0];
  if (wfpr != ' ' && (wfpr < '1' || wfpr > '3')) {
    return line.Error("WFPR method", 83, 83, "is not 1, 2, 3 or blank");
  }
  record.wfpr_method = wfpr == ' ' ? WfprMethod::kNormal : static_cast<WfprMethod>(wfpr - '0');
  for (int i = 0; i < count; ++i) {
    const int at = 104 + 7 * i;
    TC_ASSIGN_OR_RETURN(int64_t rate, WholeMoney(line, "SOM tier rate", at, at + 6));
    record.som_rates_micros.push_back(rate);
  }
  return record;
}

absl::StatusOr<Pa2SpotRecord> DecodeSpotRecord(const FixedWidthLine& line) {
  Pa2SpotRecord record{.cc = line.Trimmed(3, 8)};
  if (record.cc.empty()) return line.Error("combined commodity", 3, 8, "is blank");
  TC_ASSIGN_OR_RETURN(record.spot_method, SmallNumber(line, "spot method", 9, 10));
  TC_ASSIGN_OR_RETURN(int months, SmallNumber(line, "number of delivery months", 11, 12));
  if (months > 2) return line.Error("number of delivery months", 11, 12, "is more than 2");
  for (int i = 0; i < months; ++i) {
    const int at = 13 + 22 * i;
    SpotMonth month;
    TC_ASSIGN_OR_RETURN(month.period, Period(line, "delivery month", at + 2));
    TC_ASSIGN_OR_RETURN(month.charge_per_consumed_delta_micros,
                        WholeMoney(line, "charge per consumed delta", at + 8, at + 14));
    TC_ASSIGN_OR_RETURN(month.charge_per_remaining_delta_micros,
                        WholeMoney(line, "charge per remaining delta", at + 15, at + 21));
    record.spot_months.push_back(month);
  }
  TC_ASSIGN_OR_RETURN(record.som_rate_micros, WholeMoney(line, "SOM rate", 63, 69));
  const char som = line.Text(79, 79)[0];
  if (som != '1' && som != '2' && som != ' ') {
    return line.Error("SOM method", 79, 79, "is not 1, 2 or blank");
  }
  record.som_method = som == '1' ? SomMethod::kGreaterOfCallsPuts : SomMethod::kSumOfCallsPuts;
  return record;
}

absl::StatusOr<Pa2SeriesRecord> DecodeSeriesRecord(const FixedWidthLine& line) {
  Pa2SeriesRecord record;
  TC_ASSIGN_OR_RETURN(record.product, ProductKey(line));
  TC_ASSIGN_OR_RETURN(record.futures_month, Period(line, "futures month", 19));
  TC_ASSIGN_OR_RETURN(record.option_month, Period(line, "option month", 28));
  TC_ASSIGN_OR_RETURN(record.price_scan_range_micros,
                      WholeMoney(line, "futures price scan range", 53, 57));
  TC_ASSIGN_OR_RETURN(record.extreme_move_multiplier_ppm,
                      line.Decimal("extreme move multiplier", 58, 62, 3, kPpmScale));
  TC_ASSIGN_OR_RETURN(record.extreme_covered_fraction_ppm,
                      line.Decimal("extreme move covered fraction", 63, 67, 4, kPpmScale));
  record.delta_scaling_ppm = kPpmPerUnit;
  if (!line.IsBlank(86, 91)) {
    TC_ASSIGN_OR_RETURN(record.delta_scaling_ppm,
                        line.Decimal("delta scaling factor", 86, 91, 4, kPpmScale));
  }
  return record;
}

absl::StatusOr<Pa2PriceRecord> DecodePriceRecord(const FixedWidthLine& line) {
  Pa2PriceRecord record{.settlement_currency = line.Trimmed(66, 68)};
  TC_ASSIGN_OR_RETURN(record.product, ProductKey(line));
  TC_ASSIGN_OR_RETURN(record.settlement_price_decimal_locator,
                      SmallNumber(line, "settlement price decimal locator", 34, 36));
  TC_ASSIGN_OR_RETURN(record.contract_value_factor_ppm,
                      line.Decimal("contract value factor", 42, 55, 7, kPpmScale));
  return record;
}

absl::StatusOr<Pa2GroupRecord> DecodeGroupRecord(const FixedWidthLine& line) {
  Pa2GroupRecord record{.group = line.Trimmed(3, 12)};
  if (record.group.empty()) return line.Error("group", 3, 12, "is blank");
  for (int i = 0; i < 10; ++i) {
    const std::string cc = line.Trimmed(13 + 6 * i, 18 + 6 * i);
    if (!cc.empty()) record.ccs.push_back(cc);
  }
  return record;
}

absl::StatusOr<Pa2InterSpreadRecord> DecodeInterSpread(const FixedWidthLine& line) {
  Pa2InterSpreadRecord record{.group = line.Trimmed(3, 5),
                              .target_cc = line.Trimmed(95, 100),
                              .credit_method = line.Text(101, 101)[0]};
  InterSpread& spread = record.spread;
  TC_ASSIGN_OR_RETURN(spread.priority, SmallNumber(line, "priority", 6, 9));
  // 9(3)V9(4) percent: 4 implied decimals of a percent are exactly ppm.
  TC_ASSIGN_OR_RETURN(spread.credit_rate_ppm, line.Decimal("credit rate", 10, 16, 4, 4));
  for (int i = 0; i < 4; ++i) {
    const int at = 17 + 18 * i;
    if (line.IsBlank(at + 4, at + 9)) continue;
    InterSpreadLeg leg{.combined_commodity = line.Trimmed(at + 4, at + 9)};
    TC_ASSIGN_OR_RETURN(leg.delta_per_spread_udelta,
                        line.Decimal("leg delta/spread ratio", at + 10, at + 16, 4, kDeltaScale));
    TC_ASSIGN_OR_RETURN(leg.side, Side(line, "leg side", at + 17));
    TC_ASSIGN_OR_RETURN(leg.tier_number,
                        SmallNumber(line, "leg tier number", 102 + 2 * i, 103 + 2 * i));
    spread.legs.push_back(leg);
  }
  TC_ASSIGN_OR_RETURN(record.method, SmallNumber(line, "inter spread method", 89, 90));
  spread.is_super_spread = line.Text(110, 110) == "S";
  return record;
}

absl::StatusOr<Pa2ArrayRecord> DecodeArrayRecord(const FixedWidthLine& line) {
  Pa2ArrayRecord record{.first = line.Text(1, 2) == "81"};
  TC_ASSIGN_OR_RETURN(record.contract, ArrayContractKey(line));
  const int values = record.first ? 9 : 7;
  for (int i = 0; i < values; ++i) {
    TC_ASSIGN_OR_RETURN(int64_t value, SignedArrayValue(line, 55 + 6 * i));
    record.raw_values.push_back(value);
  }
  if (record.first) {
    if (!line.IsBlank(109, 122)) {
      TC_ASSIGN_OR_RETURN(record.raw_settlement_price,
                          line.Unsigned("high-precision settlement price", 109, 122));
    }
    return record;
  }
  TC_ASSIGN_OR_RETURN(int64_t delta, line.Decimal("composite delta", 97, 101, 4, kDeltaScale));
  TC_ASSIGN_OR_RETURN(int delta_sign, line.Sign("composite delta sign", 102));
  record.composite_delta_udelta = delta_sign * delta;
  TC_ASSIGN_OR_RETURN(int64_t price, line.Unsigned("settlement price", 111, 117));
  TC_ASSIGN_OR_RETURN(int price_sign, line.Sign("settlement price sign", 118));
  record.raw_settlement_price = price_sign * price;
  return record;
}

}  // namespace tc::margin
