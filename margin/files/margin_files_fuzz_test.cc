// Seeded mutation fuzzing of both parameter-file readers (.spn and .pa2): byte flips,
// truncation, duplicated ranges, deep nesting and huge numbers applied to valid files.
// Every outcome is either a clean InvalidArgument naming a line (or a documented limit)
// or parameters that compile or are rejected cleanly and then margin without aborting.
// Inputs above the XML limits are rejected before any tree is built.
#include <random>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "margin/files/pa2_reader.h"
#include "margin/files/spn_reader.h"
#include "margin/files/spn_writer.h"
#include "margin/files/synthetic_files.h"
#include "margin/margin_calculator.h"
#include "margin/test_parameters.h"

namespace tc::margin {
namespace {

constexpr int kIterations = 3000;

class Mutator {
 public:
  explicit Mutator(uint64_t seed) : rng_(seed) {}

  size_t Below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

  std::string Mutate(std::string text, bool xml) {
    for (size_t edits = 1 + Below(3); edits > 0 && !text.empty(); --edits) {
      switch (Below(xml ? 6 : 5)) {
        case 0:  // byte flip
          text[Below(text.size())] = static_cast<char>(Below(256));
          break;
        case 1:  // truncation
          text.resize(Below(text.size()));
          break;
        case 2: {  // duplicate a range somewhere else
          const size_t from = Below(text.size());
          const size_t length = std::min<size_t>(1 + Below(400), text.size() - from);
          text.insert(Below(text.size()), text.substr(from, length));
          break;
        }
        case 3:  // huge or odd number over a digit run
          ReplaceNumber(text);
          break;
        case 4:  // printable symbol that matters to the format
          text[Below(text.size())] =
              xml ? "<>&/;=\"'!?-"[Below(11)] : "0123456789+- ABCPS"[Below(18)];
          break;
        default:  // deep nesting
          text.insert(Below(text.size()), Repeat("<n>", 1 + Below(200)));
          break;
      }
    }
    return text;
  }

 private:
  static std::string Repeat(absl::string_view unit, size_t times) {
    std::string out;
    for (size_t i = 0; i < times; ++i) out.append(unit.data(), unit.size());
    return out;
  }

  void ReplaceNumber(std::string& text) {
    static const char* const kNumbers[] = {"99999999999999999999999999999",
                                           "1e308",
                                           "-1E-400",
                                           "9223372036854775807",
                                           "-0.0000000000000000001",
                                           "4294967296",
                                           "00000000000000000000000000000000001"};
    const size_t at = text.find_first_of("0123456789", Below(text.size()));
    if (at == std::string::npos) return;
    size_t end = at;
    while (end < text.size() &&
           (absl::ascii_isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) {
      ++end;
    }
    text.replace(at, end - at, kNumbers[Below(7)]);
  }

  std::mt19937_64 rng_;
};

// Margins every contract of `params` long and short; must not abort.
void MarginEverything(const RiskParameters& params) {
  absl::StatusOr<CompiledParameters> compiled = CompileParameters(params);
  if (!compiled.ok()) {
    ASSERT_EQ(compiled.status().code(), absl::StatusCode::kInvalidArgument) << compiled.status();
    return;
  }
  std::vector<Position> book;
  for (size_t i = 0; i < params.contracts.size() && i < 50; ++i) {
    book.push_back({params.contracts[i].contract_id, i % 2 == 0 ? 3 : -2});
  }
  MarginCalculator calculator(*compiled);
  absl::StatusOr<MarginBreakdown> b =
      calculator.ComputeBreakdown(absl::MakeConstSpan(book), AccountClass::kSpeculator);
  if (!b.ok()) {
    // Duplicate ids make the book ambiguous; out-of-range books are OutOfRange.
    ASSERT_TRUE(b.status().code() == absl::StatusCode::kInvalidArgument ||
                b.status().code() == absl::StatusCode::kOutOfRange)
        << b.status();
  }
}

TEST(MarginFilesFuzzTest, SpnReaderSurvivesMutations) {
  const std::vector<std::string> seeds = {
      WriteSpn(testing::DerivedParameters({.spot_month = true})), WriteSpn(RandomParameters(3)),
      WriteSpn(RandomParameters(11))};
  Mutator mutator(20261123);
  int rejected = 0;
  int read = 0;
  for (int trial = 0; trial < kIterations; ++trial) {
    const std::string input = mutator.Mutate(seeds[trial % seeds.size()], /*xml=*/true);
    absl::StatusOr<SpnFile> file = ReadSpn(input);
    if (!file.ok()) {
      ASSERT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
      ASSERT_TRUE(absl::StartsWith(file.status().message(), "line ")) << file.status();
      ++rejected;
      continue;
    }
    ++read;
    MarginEverything(file->parameters);
  }
  EXPECT_GT(rejected, kIterations / 4);
  EXPECT_GT(read, kIterations / 20);
}

TEST(MarginFilesFuzzTest, Pa2ReaderSurvivesMutations) {
  const std::string original = SyntheticPa2({.target_bytes = 1, .futures_months = 3, .strikes = 2});
  Mutator mutator(424243);
  int rejected = 0;
  int read = 0;
  for (int trial = 0; trial < kIterations; ++trial) {
    const std::string input = mutator.Mutate(original, /*xml=*/false);
    absl::StatusOr<Pa2File> file = ReadPa2(input);
    if (!file.ok()) {
      ASSERT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
      ASSERT_TRUE(absl::StartsWith(file.status().message(), "line ") ||
                  file.status().message() == "no type 0 header record")
          << file.status();
      ++rejected;
      continue;
    }
    ++read;
    MarginEverything(file->parameters);
  }
  EXPECT_GT(rejected, kIterations / 4);
  EXPECT_GT(read, kIterations / 20);
}

TEST(MarginFilesFuzzTest, SyntheticPa2IsValid) {
  absl::StatusOr<Pa2File> file =
      ReadPa2(SyntheticPa2({.target_bytes = 1, .futures_months = 3, .strikes = 2}));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->parameters.contracts.size(), 3u * 5u);
  EXPECT_TRUE(file->unsupported.empty());
  EXPECT_TRUE(CompileParameters(file->parameters).ok());
}

TEST(MarginFilesFuzzTest, SpnInputsAboveTheLimitsAreRejected) {
  const std::string valid = WriteSpn(testing::DerivedParameters({}));
  const formats::XmlLimits tight{.max_input_bytes = static_cast<int64_t>(valid.size()) - 1};
  absl::StatusOr<SpnFile> too_big = ReadSpn(valid, tight);
  ASSERT_FALSE(too_big.ok());
  EXPECT_TRUE(absl::StartsWith(too_big.status().message(), "XML input of ")) << too_big.status();
  absl::StatusOr<SpnFile> too_many = ReadSpn(valid, {.max_elements = 100});
  ASSERT_FALSE(too_many.ok());
  EXPECT_TRUE(absl::StrContains(too_many.status().message(), "more than 100 elements"));
  std::string deep = valid;
  std::string nest;
  for (int i = 0; i < 1000; ++i) nest += "<n>";
  deep.insert(deep.find("<fileFormat>"), nest);
  absl::StatusOr<SpnFile> too_deep = ReadSpn(deep);
  ASSERT_FALSE(too_deep.ok());
  EXPECT_TRUE(absl::StrContains(too_deep.status().message(), "nested deeper than 64"));
  EXPECT_TRUE(ReadSpn(valid).ok());
}

}  // namespace
}  // namespace tc::margin
