// ReadPa2 end to end: a small file written from the .pa2 layout for the D1-D8 set-up
// ("AIX" months 1-4, "GPU"), read, compiled and margined; unknown and unsupported records.
#include "margin/files/pa2_reader.h"

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "margin/margin_calculator.h"
#include "margin/test_parameters.h"

namespace tc::margin {
namespace {

// A record with each text placed at its 1-based start column, blanks elsewhere.
std::string Record(const std::vector<std::pair<int, std::string>>& fields) {
  std::string line;
  for (const auto& [column, text] : fields) {
    if (line.size() < column - 1 + text.size()) line.resize(column - 1 + text.size(), ' ');
    line.replace(column - 1, text.size(), text);
  }
  return line;
}

std::string ArrayRecords(const std::string& product, int period, int psr) {
  const int third = psr / 3;
  const int two_thirds = (2 * psr + 1) / 3;
  const int extreme = psr * 99 / 100;
  auto value = [](int v) {
    std::string digits = std::to_string(v < 0 ? -v : v);
    return std::string(5 - digits.size(), '0') + digits + (v < 0 ? "-" : "+");
  };
  std::string first_nine = value(0) + value(0) + value(-third) + value(-third) + value(third) +
                           value(third) + value(-two_thirds) + value(-two_thirds) +
                           value(two_thirds);
  std::string last_seven = value(two_thirds) + value(-psr) + value(-psr) + value(psr) + value(psr) +
                           value(-extreme) + value(extreme);
  const std::string month = std::to_string(period);
  return Record({{1, "81"},
                 {3, "TCX"},
                 {6, product},
                 {16, product},
                 {26, "FUT"},
                 {30, month},
                 {55, first_nine}}) +
         "\n" +
         Record({{1, "82"},
                 {3, "TCX"},
                 {6, product},
                 {16, product},
                 {26, "FUT"},
                 {30, month},
                 {55, last_seven},
                 {97, "10000+"},
                 {111, "0001250+"}});
}

std::string SeriesRecord(const std::string& product, int period, const std::string& psr) {
  return Record({{1, "B "},
                 {3, "TCX"},
                 {6, product},
                 {16, "FUT"},
                 {19, std::to_string(period)},
                 {53, psr},
                 {58, "03000"},
                 {63, "03300"},
                 {86, "010000"}});
}

std::string DerivedFile() {
  std::vector<std::string> lines = {
      Record({{1, "0 "}, {3, "TCX"}, {9, "20261123"}, {17, "S"}, {18, "F"}, {36, "U2"}}),
      "1 TCX  01",
      Record({{1, "2 "},
              {3, "TCX"},
              {7, "AIX"},
              {13, "0"},
              {14, "USD"},
              {18, "P"},
              {23, "AIX"},
              {33, "FUT"},
              {36, "00+"}}),
      Record({{1, "2 "},
              {3, "TCX"},
              {7, "GPU"},
              {13, "0"},
              {14, "USD"},
              {18, "P"},
              {23, "GPU"},
              {33, "FUT"},
              {36, "00+"}}),
      Record({{1, "3 "},
              {3, "AIX"},
              {9, "10"},
              {11, "01202701202701"},
              {25, "02202702202703"},
              {39, "03202704202704"},
              {69, "100010001100"}}),
      Record({{1, "C "},
              {3, "AIX"},
              {9, "10"},
              {11, "01"},
              {13, "02"},
              {15, "0000100"},
              {22, "010101A020201B"}}),
      Record({{1, "C "},
              {3, "AIX"},
              {9, "10"},
              {11, "02"},
              {13, "02"},
              {15, "0000150"},
              {22, "010201A020301B"}}),
      Record({{1, "C "},
              {3, "AIX"},
              {9, "10"},
              {11, "03"},
              {13, "02"},
              {15, "0000250"},
              {22, "010101A020301B"}}),
      Record({{1, "4 "}, {3, "AIX"}, {9, "10"}, {11, "01"}, {13, "0120270100000500000200"}}),
      "5 TCX       AIX   GPU",
      Record({{1, "6 "},
              {3, "TCX"},
              {6, "0001"},
              {10, "0400000"},
              {17, "TCXNAIX   0030000A"},
              {35, "TCXNGPU   0020000B"},
              {89, "10"}}),
      // A scanning-based super spread: read, then reported as unsupported.
      Record({{1, "6 "},
              {3, "TCX"},
              {6, "0002"},
              {10, "0980000"},
              {17, "TCXNAIX   0010000A"},
              {35, "TCXNGPU   0010000B"},
              {89, "04"},
              {91, "TCXNGPU"},
              {110, "S"}}),
      Record({{1, "P "},
              {3, "TCX"},
              {6, "AIX"},
              {16, "FUT"},
              {34, "002"},
              {42, "00000010000000"},
              {66, "USD"}}),
      "T CLPCUSD$0000001063",
  };
  for (int m = 0; m < 4; ++m) {
    lines.push_back(SeriesRecord("AIX", 202701 + m, "01000"));
    lines.push_back(ArrayRecords("AIX", 202701 + m, 1000));
  }
  lines.push_back(SeriesRecord("GPU", 202701, "01500"));
  lines.push_back(ArrayRecords("GPU", 202701, 1500));
  return absl::StrJoin(lines, "\r\n") + "\r\n";
}

TEST(Pa2ReaderTest, ReadsTheDerivedSetUp) {
  absl::StatusOr<Pa2File> file = ReadPa2(DerivedFile());
  ASSERT_TRUE(file.ok()) << file.status();
  const RiskParameters& params = file->parameters;
  EXPECT_EQ(params.version_id, "TCX-20261123-SF");
  EXPECT_EQ(params.business_date, absl::CivilDay(2026, 11, 23));
  ASSERT_EQ(params.combined_commodities.size(), 2u);
  const CombinedCommodity& aix = params.combined_commodities[0];
  EXPECT_EQ(aix.intra_tiers.size(), 3u);
  EXPECT_EQ(aix.intra_spreads.size(), 3u);
  ASSERT_EQ(aix.spot_months.size(), 1u);
  EXPECT_EQ(aix.spot_months[0].charge_per_remaining_delta_micros, 200'000'000);
  EXPECT_EQ(aix.initial_to_maintenance.speculator_ppm, 1'100'000);
  EXPECT_EQ(aix.futures_price_scan_range_micros, 1'000'000'000);
  ASSERT_EQ(params.contracts.size(), 5u);
  const Contract& m1 = params.contracts[0];
  EXPECT_EQ(m1.contract_id, "TCX:AIX:FUT:202701");
  EXPECT_EQ(m1.period, 202701);
  EXPECT_EQ(m1.risk_array_micros[2], -333'000'000);
  EXPECT_EQ(m1.risk_array_micros[12], 1'000'000'000);
  EXPECT_EQ(m1.composite_delta_udelta, 1'000'000);
  EXPECT_EQ(m1.extreme_covered_fraction_ppm, 330'000);
  EXPECT_EQ(m1.price_micros, 12'500'000);  // 0001250 with 2 decimals
  ASSERT_EQ(params.inter_spreads.size(), 1u);
  EXPECT_EQ(params.inter_spreads[0].credit_rate_ppm, 400'000);
  EXPECT_EQ(file->skipped_lines, 1);  // the T record
  ASSERT_EQ(file->unsupported.size(), 1u);
  EXPECT_EQ(file->unsupported[0], "line 12: inter spread priority 2 method 4 (only delta-based)");
}

TEST(Pa2ReaderTest, FileMarginsLikeD4AndD7) {
  absl::StatusOr<Pa2File> file = ReadPa2(DerivedFile());
  ASSERT_TRUE(file.ok()) << file.status();
  // GPU has no type 3 record, so its initial margin takes the 1.0 ratio.
  testing::ExpectD4AndD7Margins(file->parameters);
  EXPECT_EQ(file->parameters.version_id, "TCX-20261123-SF");
}

TEST(Pa2ReaderTest, MalformedLineIsRejectedWithItsNumber) {
  std::string contents = DerivedFile();
  const size_t at = contents.find("010101A020201B");
  contents.replace(at, 14, "010101A020201Q");
  absl::StatusOr<Pa2File> file = ReadPa2(contents);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(file.status().message(), "line 6: leg side (columns 35-35) = 'Q' is not A or B");
}

TEST(Pa2ReaderTest, ArrayWithoutSecondRecordIsRejected) {
  const std::string contents =
      Record({{1, "0 "}, {3, "TCX"}, {9, "20261123"}, {17, "S"}, {18, "F"}, {36, "U2"}}) + "\n" +
      Record({{1, "2 "}, {3, "TCX"}, {7, "AIX"}, {14, "USD"}, {23, "AIX"}, {33, "FUT"}}) + "\n" +
      ArrayRecords("AIX", 202701, 1000).substr(0, 109) + "\n";
  absl::StatusOr<Pa2File> file = ReadPa2(contents);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().message(), "line 3: contract TCX:AIX:FUT:202701 has no type 82 record");
}

TEST(Pa2ReaderTest, CorruptedFilesNeverCrash) {
  // Seeded random corruption of 1-3 bytes: every outcome is a clean error or a file
  // that compiles (or is rejected by validation) and margins without aborting.
  const std::string original = DerivedFile();
  const std::string alphabet = "0123456789+- ABPSQ9";
  std::mt19937_64 rng(424242);
  std::uniform_int_distribution<size_t> position(0, original.size() - 1);
  std::uniform_int_distribution<size_t> symbol(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> edits(1, 3);
  const std::vector<Position> book = {{"TCX:AIX:FUT:202701", 5}, {"TCX:GPU:FUT:202701", -2}};
  int rejected_by_reader = 0;
  int margined = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    std::string corrupted = original;
    for (int e = edits(rng); e > 0; --e) corrupted[position(rng)] = alphabet[symbol(rng)];
    absl::StatusOr<Pa2File> file = ReadPa2(corrupted);
    if (!file.ok()) {
      ASSERT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
      const bool names_line = file.status().message().substr(0, 5) == "line ";
      ASSERT_TRUE(names_line || file.status().message() == "no type 0 header record")
          << file.status();
      ++rejected_by_reader;
      continue;
    }
    absl::StatusOr<CompiledParameters> compiled = CompileParameters(file->parameters);
    if (!compiled.ok()) {
      ASSERT_EQ(compiled.status().code(), absl::StatusCode::kInvalidArgument);
      continue;
    }
    MarginCalculator calculator(*compiled);
    absl::StatusOr<MarginBreakdown> b =
        calculator.ComputeBreakdown(absl::MakeConstSpan(book), AccountClass::kMember);
    margined += b.ok() ? 1 : 0;
  }
  EXPECT_GT(rejected_by_reader, 100);
  EXPECT_GT(margined, 100);
}

TEST(Pa2ReaderTest, EmptyFileHasNoHeader) {
  absl::StatusOr<Pa2File> file = ReadPa2("");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tc::margin

namespace tc::margin {
namespace {

TEST(Pa2ReaderLimitsTest, OversizedInputIsRefusedBeforeReading) {
  const std::string file = std::string(2000, ' ') + "\n";
  absl::StatusOr<Pa2File> too_big = ReadPa2(file, {.max_input_bytes = 1000});
  EXPECT_EQ(too_big.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(too_big.status().message().find("limit is 1000"), std::string::npos);
}

TEST(Pa2ReaderLimitsTest, TooManyRecordsAreRefusedNamingTheLine) {
  const std::string file = DerivedFile();  // CRLF line ends, no blank lines
  const int64_t records = std::count(file.begin(), file.end(), '\n');
  EXPECT_TRUE(ReadPa2(file, {.max_records = records}).ok());
  absl::StatusOr<Pa2File> too_many = ReadPa2(file, {.max_records = records - 1});
  EXPECT_EQ(too_many.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(too_many.status().message().find(absl::StrCat("line ", records, ":")),
            std::string::npos)
      << too_many.status();
}

}  // namespace
}  // namespace tc::margin
