// Decoders for the record types of the CME expanded positional risk-parameter format
// (.pa2, span.md 3.1) that the margin engine uses: 0, 1, 2, 3, C, E, S, 4, B, P, 5, 6,
// 81, 82. Each turns one line into a typed record, converting the layout's implied
// decimals into the engine's units (money micro-USD, deltas micro-delta, rates ppm)
// exactly. Array values are returned raw (integers plus sign); the reader scales them
// with the commodity's exponent and decimal locator. A malformed field is an
// InvalidArgument naming the line number and the field.
//
//   formats::FixedWidthLine line(text, 7);
//   absl::StatusOr<Pa2IntraRecord> intra = DecodeIntraRecord(line);  // type 3
#ifndef TOKENCLEAR_MARGIN_FILES_PA2_RECORDS_H_
#define TOKENCLEAR_MARGIN_FILES_PA2_RECORDS_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "formats/fixed_width_line.h"
#include "margin/risk_parameters.h"

namespace tc::margin {

// Type 0: exchange complex header.
struct Pa2Header {
  std::string exchange_complex{};
  absl::CivilDay business_date{};
  char settlement_or_intraday = ' ';  // S or I
  std::string file_id{};              // E, F or C
  std::string format{};               // U2 (expanded unpacked)
};

// Type 1: exchange header.
struct Pa2Exchange {
  std::string exchange{};
  std::string code{};
};

struct Pa2ProductSlot {
  std::string product_code{};
  std::string product_type{};  // FUT, PHY, CMB, OOF, OOP, OOC
  int decimal_locator = 0;     // risk array values are in units of 10^-decimal_locator
};

// Type 2: combined commodity and the products linked to it.
struct Pa2CombinedCommodity {
  std::string exchange{};
  std::string code{};
  int risk_exponent = 0;
  std::string currency{};
  OptionStyle option_style = OptionStyle::kPremium;
  std::vector<Pa2ProductSlot> products{};
};

// Type 3: intra tiers and initial-to-maintenance ratios.
struct Pa2IntraRecord {
  std::string cc{};
  int method = 0;  // 01 none, 10 table driven
  std::vector<Tier> tiers{};
  InitialToMaintenanceRatios ratios{};
};

// Type C (tier-to-tier) or E (series-to-series) intra spread.
struct Pa2IntraSpreadRecord {
  std::string cc{};
  IntraSpread spread{};
};

// Type S: scan, inter and SOM tiers.
struct Pa2TierRecord {
  std::string cc{};
  int method = 0;
  std::vector<Tier> tiers{};
  WfprMethod wfpr_method = WfprMethod::kNormal;
  std::vector<int64_t> som_rates_micros{};  // per tier, method 30
};

// Type 4: spot months and the short option minimum.
struct Pa2SpotRecord {
  std::string cc{};
  int spot_method = 0;
  std::vector<SpotMonth> spot_months{};
  int64_t som_rate_micros = 0;
  SomMethod som_method = SomMethod::kSumOfCallsPuts;
};

// Identity of a product family within an exchange.
struct Pa2ProductKey {
  std::string exchange{};
  std::string product{};
  std::string type{};
};

// Type B: array calculation parameters of one futures month or option series.
struct Pa2SeriesRecord {
  Pa2ProductKey product{};
  int futures_month = 0;  // CCYYMM, 0 if blank
  int option_month = 0;
  int64_t price_scan_range_micros = 0;
  int64_t extreme_move_multiplier_ppm = 0;
  int64_t extreme_covered_fraction_ppm = 0;
  int64_t delta_scaling_ppm = 0;
};

// Type P: price conversion.
struct Pa2PriceRecord {
  Pa2ProductKey product{};
  int settlement_price_decimal_locator = 0;
  int64_t contract_value_factor_ppm = 0;
  std::string settlement_currency{};
};

// Type 5: combined commodity group.
struct Pa2GroupRecord {
  std::string group{};
  std::vector<std::string> ccs{};
};

// Type 6: inter-commodity spread.
struct Pa2InterSpreadRecord {
  std::string group{};
  int method = 0;  // 10 delta-based, 04 scanning-based, 20 tiered delta-based
  std::string target_cc{};
  char credit_method = ' ';  // blank or W: WFPR; F: flat
  InterSpread spread{};
};

// Identity of one contract in a risk-array record.
struct Pa2ContractKey {
  Pa2ProductKey product{};
  char right = ' ';  // C, P or blank
  int futures_month = 0;
  int option_month = 0;
  int64_t strike = 0;  // raw, as in the file
};

// Type 81 (first = true: values 1-9) or 82 (values 10-16 and the composite delta).
struct Pa2ArrayRecord {
  Pa2ContractKey contract{};
  bool first = true;
  std::vector<int64_t> raw_values{};
  int64_t composite_delta_udelta = 0;  // 82 only
  int64_t raw_settlement_price = 0;    // 81: high-precision price; 82: settlement price
};

absl::StatusOr<Pa2Header> DecodeHeader(const formats::FixedWidthLine& line);
absl::StatusOr<Pa2Exchange> DecodeExchange(const formats::FixedWidthLine& line);
absl::StatusOr<Pa2CombinedCommodity> DecodeCombinedCommodity(const formats::FixedWidthLine& line);
absl::StatusOr<Pa2IntraRecord> DecodeIntraRecord(const formats::FixedWidthLine& line);
absl::StatusOr<Pa2IntraSpreadRecord> DecodeTierSpread(const formats::FixedWidthLine& line);
absl::StatusOr<Pa2IntraSpreadRecord> DecodeSeriesSpread(const formats::FixedWidthLine& line);
absl::StatusOr<Pa2TierRecord> DecodeTierRecord(const formats::FixedWidthLine& line);
absl::StatusOr<Pa2SpotRecord> DecodeSpotRecord(const formats::FixedWidthLine& line);
absl::StatusOr<Pa2SeriesRecord> DecodeSeriesRecord(const formats::FixedWidthLine& line);
absl::StatusOr<Pa2PriceRecord> DecodePriceRecord(const formats::FixedWidthLine& line);
absl::StatusOr<Pa2GroupRecord> DecodeGroupRecord(const formats::FixedWidthLine& line);
absl::StatusOr<Pa2InterSpreadRecord> DecodeInterSpread(const formats::FixedWidthLine& line);
absl::StatusOr<Pa2ArrayRecord> DecodeArrayRecord(const formats::FixedWidthLine& line);

}  // namespace tc::margin

#endif  // TOKENCLEAR_MARGIN_FILES_PA2_RECORDS_H_
