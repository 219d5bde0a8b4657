#include "margin/files/pa2_reader.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "core/fixed_point.h"
#include "core/status_macros.h"
#include "formats/fixed_width_line.h"
#include "margin/files/pa2_records.h"

namespace tc::margin {

using formats::FixedWidthLine;

namespace {

constexpr int kMicroDigits = 6;

std::string ProductId(const Pa2ProductKey& key) {
  return absl::StrCat(key.exchange, ":", key.product, ":", key.type);
}

std::string SeriesId(const Pa2ProductKey& key, int futures_month, int option_month) {
  return absl::StrCat(ProductId(key), ":", futures_month, ":", option_month);
}

std::string ContractId(const Pa2ContractKey& key) {
  if (key.right == ' ') return absl::StrCat(ProductId(key.product), ":", key.futures_month);
  return absl::StrCat(ProductId(key.product), ":", key.futures_month, ":", key.option_month, ":",
                      std::string(1, key.right), ":", key.strike);
}

// A product linked to a combined commodity by a type 2 record.
struct LinkedProduct {
  std::string cc;
  int value_exponent = 0;  // array value = raw x 10^value_exponent currency units
};

// A contract whose type 81 record has been read, awaiting (or completed by) its 82.
struct PendingContract {
  int line_number = 0;
  Pa2ContractKey key;
  std::vector<int64_t> raw_values;
  int64_t composite_delta_udelta = 0;
  int64_t raw_settlement_price = 0;
  bool complete = false;
};

// x 10^exponent, exactly; nullopt when it would need rounding or overflow.
std::optional<int64_t> ScaleByPowerOfTen(int64_t value, int exponent) {
  if (exponent > 18 || exponent < -18) return std::nullopt;
  if (exponent >= 0) return CheckedMul(value, PowerOfTen(exponent));
  const int64_t divisor = PowerOfTen(-exponent);
  if (value % divisor != 0) return std::nullopt;
  return value / divisor;
}

class Pa2Assembler {
 public:
  absl::Status Read(const FixedWidthLine& line) {
    const std::string type = line.Text(1, 2);
    if (type == "0 ") return ReadHeader(line);
    if (type == "1 ") return DecodeExchange(line).status();
    if (type == "2 ") return ReadCombinedCommodity(line);
    if (type == "3 ") return ReadIntra(line);
    if (type == "C ") return ReadIntraSpread(line, DecodeTierSpread(line));
    if (type == "E ") return ReadIntraSpread(line, DecodeSeriesSpread(line));
    if (type == "S ") return ReadTiers(line);
    if (type == "4 ") return ReadSpot(line);
    if (type == "B ") return ReadSeries(line);
    if (type == "P ") return ReadPrice(line);
    // Groups only scope which inter spreads apply; every spread here applies account-wide.
    if (type == "5 ") return DecodeGroupRecord(line).status();
    if (type == "6 ") return ReadInterSpread(line);
    if (type == "81" || type == "82") return ReadArray(line);
    ++out_.skipped_lines;
    return absl::OkStatus();
  }

  absl::StatusOr<Pa2File> Finish() {
    if (!have_header_) return absl::InvalidArgumentError("no type 0 header record");
    for (PendingContract& pending : contracts_) TC_RETURN_IF_ERROR(AddContract(pending));
    return std::move(out_);
  }

 private:
  RiskParameters& params() { return out_.parameters; }

  void Unsupported(const FixedWidthLine& line, absl::string_view what) {
    out_.unsupported.push_back(absl::StrCat("line ", line.line_number(), ": ", what));
  }

  absl::StatusOr<CombinedCommodity*> Commodity(const FixedWidthLine& line, const std::string& cc) {
    auto it = cc_index_.find(cc);
    if (it == cc_index_.end()) {
      return line.Error("combined commodity", 3, 8, "is not defined by a type 2 record");
    }
    return &params().combined_commodities[it->second];
  }

  absl::Status ReadHeader(const FixedWidthLine& line) {
    TC_ASSIGN_OR_RETURN(Pa2Header header, DecodeHeader(line));
    params().business_date = header.business_date;
    params().version_id =
        absl::StrCat(header.exchange_complex, "-", line.Text(9, 16), "-",
                     std::string(1, header.settlement_or_intraday), header.file_id);
    have_header_ = true;
    return absl::OkStatus();
  }

  absl::Status ReadCombinedCommodity(const FixedWidthLine& line) {
    TC_ASSIGN_OR_RETURN(Pa2CombinedCommodity record, DecodeCombinedCommodity(line));
    if (cc_index_.contains(record.code)) {
      return line.Error("combined commodity", 7, 12, "is defined twice");
    }
    cc_index_[record.code] = params().combined_commodities.size();
    params().combined_commodities.push_back({.code = record.code, .currency = record.currency});
    cc_option_style_[record.code] = record.option_style;
    for (const Pa2ProductSlot& product : record.products) {
      const Pa2ProductKey key{record.exchange, product.product_code, product.product_type};
      products_[ProductId(key)] = {
          .cc = record.code, .value_exponent = record.risk_exponent - product.decimal_locator};
    }
    return absl::OkStatus();
  }

  absl::Status ReadIntra(const FixedWidthLine& line) {
    TC_ASSIGN_OR_RETURN(Pa2IntraRecord record, DecodeIntraRecord(line));
    TC_ASSIGN_OR_RETURN(CombinedCommodity * cc, Commodity(line, record.cc));
    cc->initial_to_maintenance = record.ratios;
    if (record.method == 10) {
      cc->intra_tiers = record.tiers;
    } else if (record.method != 1) {
      Unsupported(line, absl::StrCat("intra method ", record.method, " (no intra charge applied)"));
    }
    return absl::OkStatus();
  }

  absl::Status ReadIntraSpread(const FixedWidthLine& line,
                               absl::StatusOr<Pa2IntraSpreadRecord> record) {
    if (!record.ok()) return record.status();
    TC_ASSIGN_OR_RETURN(CombinedCommodity * cc, Commodity(line, record->cc));
    cc->intra_spreads.push_back(std::move(record->spread));
    return absl::OkStatus();
  }

  absl::Status ReadTiers(const FixedWidthLine& line) {
    TC_ASSIGN_OR_RETURN(Pa2TierRecord record, DecodeTierRecord(line));
    TC_ASSIGN_OR_RETURN(CombinedCommodity * cc, Commodity(line, record.cc));
    cc->wfpr_method = record.wfpr_method;
    switch (record.method) {
      case 1:
        return absl::OkStatus();
      case 10:
        cc->scan_tiers = record.tiers;
        return absl::OkStatus();
      case 20:
        cc->inter_tiers = record.tiers;
        return absl::OkStatus();
      case 21:
        cc->scan_tiers = record.tiers;
        cc->inter_tiers = record.tiers;
        return absl::OkStatus();
      case 30:
        for (size_t i = 0; i < record.tiers.size(); ++i) {
          cc->som_tiers.push_back({.tier = record.tiers[i],
                                   .rate_per_short_option_micros = record.som_rates_micros[i]});
        }
        return absl::OkStatus();
      default:
        Unsupported(line, absl::StrCat("tier method ", record.method));
        return absl::OkStatus();
    }
  }

  absl::Status ReadSpot(const FixedWidthLine& line) {
    TC_ASSIGN_OR_RETURN(Pa2SpotRecord record, DecodeSpotRecord(line));
    TC_ASSIGN_OR_RETURN(CombinedCommodity * cc, Commodity(line, record.cc));
    cc->som_rate_per_short_option_micros = record.som_rate_micros;
    cc->som_method = record.som_method;
    if (record.spot_method == 10) {
      cc->spot_months = record.spot_months;
    } else if (!record.spot_months.empty()) {
      Unsupported(line, absl::StrCat("spot method ", record.spot_method));
    }
    return absl::OkStatus();
  }

  absl::Status ReadSeries(const FixedWidthLine& line) {
    TC_ASSIGN_OR_RETURN(Pa2SeriesRecord record, DecodeSeriesRecord(line));
    const std::string id = SeriesId(record.product, record.futures_month, record.option_month);
    // The futures price scan range of a commodity, for WFPR methods 2 and 3: the widest
    // of its futures months.
    auto product = products_.find(ProductId(record.product));
    if (record.product.type == "FUT" && product != products_.end()) {
      CombinedCommodity& cc = params().combined_commodities[cc_index_[product->second.cc]];
      cc.futures_price_scan_range_micros =
          std::max(cc.futures_price_scan_range_micros, record.price_scan_range_micros);
    }
    series_[id] = record;
    return absl::OkStatus();
  }

  absl::Status ReadPrice(const FixedWidthLine& line) {
    TC_ASSIGN_OR_RETURN(Pa2PriceRecord record, DecodePriceRecord(line));
    prices_[ProductId(record.product)] = record;
    return absl::OkStatus();
  }

  absl::Status ReadInterSpread(const FixedWidthLine& line) {
    TC_ASSIGN_OR_RETURN(Pa2InterSpreadRecord record, DecodeInterSpread(line));
    if (record.method != 10 && record.method != 20) {
      Unsupported(line, absl::StrCat("inter spread priority ", record.spread.priority, " method ",
                                     record.method, " (only delta-based)"));
      return absl::OkStatus();
    }
    if (record.credit_method != ' ' && record.credit_method != 'W') {
      Unsupported(line, absl::StrCat("inter spread priority ", record.spread.priority,
                                     " credit method ", std::string(1, record.credit_method)));
      return absl::OkStatus();
    }
    params().inter_spreads.push_back(std::move(record.spread));
    return absl::OkStatus();
  }

  absl::Status ReadArray(const FixedWidthLine& line) {
    TC_ASSIGN_OR_RETURN(Pa2ArrayRecord record, DecodeArrayRecord(line));
    const std::string id = ContractId(record.contract);
    if (record.first) {
      if (pending_index_.contains(id)) return line.Error("contract", 3, 54, "is repeated");
      pending_index_[id] = contracts_.size();
      contracts_.push_back({.line_number = line.line_number(),
                            .key = record.contract,
                            .raw_values = std::move(record.raw_values)});
      return absl::OkStatus();
    }
    auto it = pending_index_.find(id);
    if (it == pending_index_.end() || contracts_[it->second].complete) {
      return line.Error("contract", 3, 54, "has a type 82 record without its type 81");
    }
    PendingContract& pending = contracts_[it->second];
    pending.raw_values.insert(pending.raw_values.end(), record.raw_values.begin(),
                              record.raw_values.end());
    pending.composite_delta_udelta = record.composite_delta_udelta;
    pending.raw_settlement_price = record.raw_settlement_price;
    pending.complete = true;
    return absl::OkStatus();
  }

  absl::Status ContractError(const PendingContract& pending, absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("line ", pending.line_number, ": contract ",
                                                   ContractId(pending.key), " ", why));
  }

  absl::Status AddContract(const PendingContract& pending) {
    if (!pending.complete) return ContractError(pending, "has no type 82 record");
    auto product = products_.find(ProductId(pending.key.product));
    if (product == products_.end()) {
      return ContractError(pending, "belongs to no combined commodity (type 2)");
    }
    const int period =
        pending.key.option_month != 0 ? pending.key.option_month : pending.key.futures_month;
    if (period == 0) {
      out_.unsupported.push_back(absl::StrCat("line ", pending.line_number, ": contract ",
                                              ContractId(pending.key), " has no period"));
      return absl::OkStatus();
    }
    Contract contract{.contract_id = ContractId(pending.key),
                      .combined_commodity = product->second.cc,
                      .period = period,
                      .composite_delta_udelta = pending.composite_delta_udelta,
                      .is_option = pending.key.right != ' ',
                      .right = pending.key.right == 'C'   ? OptionRight::kCall
                               : pending.key.right == 'P' ? OptionRight::kPut
                                                          : OptionRight::kNone,
                      .option_style = cc_option_style_[product->second.cc]};
    for (int64_t raw : pending.raw_values) {
      std::optional<int64_t> micros =
          ScaleByPowerOfTen(raw, product->second.value_exponent + kMicroDigits);
      if (!micros) return ContractError(pending, "has a risk array value out of range");
      contract.risk_array_micros.push_back(*micros);
    }
    TC_RETURN_IF_ERROR(ApplyPrice(pending, contract));
    ApplySeries(pending.key, contract);
    params().contracts.push_back(std::move(contract));
    return absl::OkStatus();
  }

  absl::Status ApplyPrice(const PendingContract& pending, Contract& contract) {
    auto price = prices_.find(ProductId(pending.key.product));
    if (price == prices_.end()) return absl::OkStatus();  // CVF 1, price unused
    contract.contract_value_factor_ppm = price->second.contract_value_factor_ppm;
    std::optional<int64_t> micros =
        ScaleByPowerOfTen(pending.raw_settlement_price,
                          kMicroDigits - price->second.settlement_price_decimal_locator);
    if (!micros) return ContractError(pending, "has a settlement price finer than micro-units");
    contract.price_micros = *micros;
    return absl::OkStatus();
  }

  void ApplySeries(const Pa2ContractKey& key, Contract& contract) {
    auto series = series_.find(SeriesId(key.product, key.futures_month, key.option_month));
    if (series == series_.end()) return;  // validation reports the missing extreme move
    contract.extreme_move_multiplier_ppm = series->second.extreme_move_multiplier_ppm;
    contract.extreme_covered_fraction_ppm = series->second.extreme_covered_fraction_ppm;
    contract.delta_scaling_ppm = series->second.delta_scaling_ppm;
  }

  Pa2File out_;
  bool have_header_ = false;
  absl::flat_hash_map<std::string, size_t> cc_index_;
  absl::flat_hash_map<std::string, OptionStyle> cc_option_style_;
  absl::flat_hash_map<std::string, LinkedProduct> products_;
  absl::flat_hash_map<std::string, Pa2SeriesRecord> series_;
  absl::flat_hash_map<std::string, Pa2PriceRecord> prices_;
  absl::flat_hash_map<std::string, size_t> pending_index_;
  std::vector<PendingContract> contracts_;
};

}  // namespace

absl::StatusOr<Pa2File> ReadPa2(absl::string_view contents, const Pa2Limits& limits) {
  if (static_cast<int64_t>(contents.size()) > limits.max_input_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the .pa2 input is ", contents.size(), " bytes; the limit is ", limits.max_input_bytes));
  }
  Pa2Assembler assembler;
  int line_number = 0;
  int64_t records = 0;
  for (absl::string_view text : absl::StrSplit(contents, '\n')) {
    ++line_number;
    absl::ConsumeSuffix(&text, "\r");
    if (text.empty()) continue;
    if (++records > limits.max_records) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_number, ": more than ", limits.max_records, " records"));
    }
    TC_RETURN_IF_ERROR(assembler.Read(FixedWidthLine(text, line_number)));
  }
  return assembler.Finish();
}

}  // namespace tc::margin
