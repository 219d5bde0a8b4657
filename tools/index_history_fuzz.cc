// libFuzzer target: index-value loading and what is computed from it. The bytes are an
// index-history CSV (tools/index_csv.h, what `clearctl load-index` sends); a history that
// parses is calibrated (margin/calibration.h) as the server would for two products, with
// every value as given: the door bounds values, but calibration must never abort on one
// that got stored (a value out of range, a duplicate date, too short a history), only
// return an error. Lines whose code is a contract id (TKF-202612, ...) are the futures
// prices of the calendar-spread charges. A calibration that succeeds is compiled and
// margined (margin/margin_fuzzing.h). Seeds: fuzz/seeds_main.cc. Run: bench/fuzz.sh
// index_history_fuzz SECONDS.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "core/business_date.h"
#include "margin/calibration.h"
#include "margin/margin_fuzzing.h"
#include "tools/index_csv.h"

namespace {

using tc::margin::fuzzing::Require;

// Two products on the sample seed's indexes, three and two listed months.
tc::margin::CalibrationInput Products() {
  tc::margin::CalibrationInput input;
  input.version_id = "2026-11-23-1";
  input.business_date = absl::CivilDay(2026, 11, 23);
  input.products = {
      {.product_code = "TKF",
       .index_code = "TOKFRONT",
       .contract_multiplier = 1000,
       .contracts = {{"TKF-202612", 202612}, {"TKF-202701", 202701}, {"TKF-202702", 202702}}},
      {.product_code = "TKO",
       .index_code = "TOKOPEN",
       .contract_multiplier = 1000,
       .contracts = {{"TKO-202612", 202612}, {"TKO-202701", 202701}}}};
  return input;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto values = tc::tools::ParseIndexCsv(text);
  if (!values.ok()) {
    Require(values.status().code() == absl::StatusCode::kInvalidArgument &&
                absl::StartsWith(values.status().message(), "line "),
            "ParseIndexCsv refused without InvalidArgument naming a line", values.status());
    return 0;
  }
  tc::margin::CalibrationInput input = Products();
  std::map<std::string, std::vector<tc::margin::IndexObservation>> by_code;
  for (const auto& value : *values) {
    absl::StatusOr<absl::CivilDay> day = tc::ParseBusinessDate("date", value.business_date());
    Require(day.ok(), "ParseIndexCsv returned a date that does not parse", day.status());
    by_code[value.index_code()].push_back({*day, value.value_micros()});
  }
  for (auto& [code, observations] : by_code) {
    if (absl::StartsWith(code, "TKF-") || absl::StartsWith(code, "TKO-")) {
      input.futures_prices.push_back({code, std::move(observations)});
    } else {
      input.histories.push_back({code, std::move(observations)});
    }
  }
  absl::StatusOr<tc::margin::CalibrationResult> result = tc::margin::Calibrate(input);
  if (!result.ok()) {
    const absl::StatusCode code = result.status().code();
    Require(code == absl::StatusCode::kInvalidArgument ||
                code == absl::StatusCode::kFailedPrecondition ||
                code == absl::StatusCode::kOutOfRange,
            "Calibrate refused with a status other than InvalidArgument, FailedPrecondition "
            "or OutOfRange",
            result.status());
    return 0;
  }
  tc::margin::fuzzing::MarginSmallBooks(result->parameters);
  return 0;
}
