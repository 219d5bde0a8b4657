// WriteSpn -> ReadSpn round trips: the D1-D8 set-up and seeded random parameter sets
// margin identical portfolios before and after; exported files validate against CME's
// spanrisk.xsd, in-process with libxml2 (formats/xml_schema.h) and with xmllint when it
// is installed. The schema is the CI copy of shared/ beside the repository clone.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "formats/xml_schema.h"
#include "gtest/gtest.h"
#include "margin/files/pa2_reader.h"
#include "margin/files/spn_reader.h"
#include "margin/files/spn_writer.h"
#include "margin/files/synthetic_files.h"
#include "margin/margin_calculator.h"
#include "margin/test_parameters.h"

namespace tc::margin {
namespace {

using testing::DerivedOptions;
using testing::DerivedParameters;
using testing::MustCompile;

constexpr char kSchemaPath[] = "/work/shared/reference/spanrisk.xsd";

RiskParameters RoundTrip(const RiskParameters& params) {
  absl::StatusOr<SpnFile> file = ReadSpn(WriteSpn(params));
  EXPECT_TRUE(file.ok()) << file.status();
  if (!file.ok()) return {};
  EXPECT_TRUE(file->unsupported.empty()) << file->unsupported.front();
  return file->parameters;
}

// Margins of `book` for every account class, or the error text.
std::vector<std::string> Margins(const CompiledParameters& compiled,
                                 const std::vector<Position>& book) {
  MarginCalculator calculator(compiled);
  std::vector<std::string> out;
  for (AccountClass account :
       {AccountClass::kMember, AccountClass::kHedger, AccountClass::kSpeculator}) {
    absl::StatusOr<MarginBreakdown> b =
        calculator.ComputeBreakdown(absl::MakeConstSpan(book), account);
    if (!b.ok()) {
      out.push_back(std::string(b.status().message()));
      continue;
    }
    for (const CommodityMargin& cc : b->commodities) {
      out.push_back(absl::StrCat(cc.combined_commodity, " scan ", cc.scan_risk_micros, " intra ",
                                 cc.intra_charge_micros, " spot ", cc.spot_charge_micros, " inter ",
                                 cc.inter_credit_micros, " som ", cc.som_micros, " nov ",
                                 cc.nov_micros, " init ", cc.initial_micros));
    }
    out.push_back(absl::StrCat(b->totals.maintenance_micros, "/", b->totals.initial_micros));
  }
  return out;
}

TEST(SpnRoundTripTest, DerivedSetUpMarginsD1ToD8Identically) {
  const std::vector<std::vector<Position>> books = {
      {{"AIX-M1", 1}},
      {{"AIX-M1", 5}, {"AIX-M2", -3}, {"AIX-M3", 1}, {"AIX-M4", -4}},
      {{"AIX-M1", 5}, {"AIX-M2", -2}},
      {{"AIX-M1", 7}, {"GPU-M1", -4}},
      {{"AIX-M1", 7}, {"GPU-M1", -6}},
      {{"AIX-M1", 5}, {"AIX-M2", -2}, {"GPU-M1", -2}}};
  for (const DerivedOptions& options :
       {DerivedOptions{}, DerivedOptions{.spot_month = true},
        DerivedOptions{.reversed_priorities = true}, DerivedOptions{.m4_own_scan_tier = true}}) {
    const RiskParameters params = DerivedParameters(options);
    const CompiledParameters before = MustCompile(params);
    const CompiledParameters after = MustCompile(RoundTrip(params));
    for (const std::vector<Position>& book : books) {
      EXPECT_EQ(Margins(before, book), Margins(after, book));
    }
  }
}

TEST(SpnRoundTripTest, DerivedD7AndD8ValuesAfterRoundTrip) {
  const CompiledParameters compiled =
      MustCompile(RoundTrip(DerivedParameters({.spot_month = true})));
  MarginCalculator calculator(compiled);
  const std::vector<Position> d7 = {{"AIX-M1", 5}, {"AIX-M2", -2}, {"GPU-M1", -2}};
  absl::StatusOr<MarginBreakdown> b7 =
      calculator.ComputeBreakdown(absl::MakeConstSpan(d7), AccountClass::kMember);
  ASSERT_TRUE(b7.ok()) << b7.status();
  EXPECT_EQ(b7->totals.maintenance_micros, 4'500'000'000);
  const CompiledParameters no_spot = MustCompile(RoundTrip(DerivedParameters({})));
  MarginCalculator d8_calculator(no_spot);
  const std::vector<Position> d5 = {{"AIX-M1", 7}, {"GPU-M1", -4}};
  absl::StatusOr<MarginBreakdown> b8 =
      d8_calculator.ComputeBreakdown(absl::MakeConstSpan(d5), AccountClass::kSpeculator);
  ASSERT_TRUE(b8.ok()) << b8.status();
  EXPECT_EQ(b8->totals.maintenance_micros, 8'200'000'000);
  EXPECT_EQ(b8->totals.initial_micros, 9'020'000'000);
}

TEST(SpnRoundTripTest, RandomParameterSetsMarginIdentically) {
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    const RiskParameters params = RandomParameters(seed);
    const CompiledParameters before = MustCompile(params);
    const RiskParameters read = RoundTrip(params);
    const CompiledParameters after = MustCompile(read);
    ASSERT_EQ(read.contracts.size(), params.contracts.size()) << "seed " << seed;
    for (uint64_t book_seed = 0; book_seed < 5; ++book_seed) {
      const std::vector<Position> book = RandomPortfolio(params, seed * 100 + book_seed);
      ASSERT_EQ(Margins(before, book), Margins(after, book)) << "seed " << seed;
    }
  }
}

TEST(SpnRoundTripTest, Pa2ConvertedToSpnMarginsIdentically) {
  absl::StatusOr<Pa2File> pa2 =
      ReadPa2(SyntheticPa2({.target_bytes = 20'000, .futures_months = 4, .strikes = 3}));
  ASSERT_TRUE(pa2.ok()) << pa2.status();
  const RiskParameters& params = pa2->parameters;
  const CompiledParameters before = MustCompile(params);
  const CompiledParameters after = MustCompile(RoundTrip(params));
  for (uint64_t book_seed = 0; book_seed < 20; ++book_seed) {
    const std::vector<Position> book = RandomPortfolio(params, book_seed);
    ASSERT_EQ(Margins(before, book), Margins(after, book)) << "book " << book_seed;
  }
}

TEST(SpnRoundTripTest, WriteIsDeterministicAndStableUnderRoundTrip) {
  const RiskParameters params = RandomParameters(42);
  const std::string first = WriteSpn(params);
  EXPECT_EQ(first, WriteSpn(params));
  RiskParameters read = RoundTrip(params);
  read.version_id = params.version_id;
  EXPECT_EQ(WriteSpn(read), first);
}

TEST(SpnRoundTripTest, TinyInterRatesAreWrittenAsFractions) {
  RiskParameters params = DerivedParameters({});
  params.inter_spreads[0].credit_rate_ppm = 5'000;  // 0.5%
  const std::string xml = WriteSpn(params);
  EXPECT_NE(xml.find("<val>0.005</val>"), std::string::npos);
  EXPECT_EQ(RoundTrip(params).inter_spreads[0].credit_rate_ppm, 5'000);
  params.inter_spreads[0].credit_rate_ppm = 975'000;  // 97.5%
  EXPECT_NE(WriteSpn(params).find("<val>97.5</val>"), std::string::npos);
  EXPECT_EQ(RoundTrip(params).inter_spreads[0].credit_rate_ppm, 975'000);
}

bool HaveXmllint() { return std::system("command -v xmllint >/dev/null 2>&1") == 0; }

// xmllint's verdict on `xml`: empty when valid, else its output.
std::string SchemaErrors(const std::string& xml, const std::string& name) {
  const std::string dir = ::testing::TempDir();
  const std::string path = absl::StrCat(dir, "/", name, ".spn");
  const std::string log = absl::StrCat(path, ".log");
  std::ofstream(path) << xml;
  const int rc = std::system(
      absl::StrCat("xmllint --noout --schema ", kSchemaPath, " ", path, " >", log, " 2>&1")
          .c_str());
  std::ifstream in(log);
  std::string errors = rc == 0 ? "" : std::string(std::istreambuf_iterator<char>(in), {});
  std::remove(path.c_str());
  std::remove(log.c_str());
  return errors;
}

TEST(SpnRoundTripTest, ExportedFilesValidateAgainstCmeSchema) {
  if (!HaveXmllint()) GTEST_SKIP() << "xmllint is not on PATH (Debian: libxml2-utils)";
  if (!std::ifstream(kSchemaPath)) GTEST_SKIP() << "schema " << kSchemaPath << " not present";
  EXPECT_EQ(SchemaErrors(WriteSpn(DerivedParameters({.spot_month = true})), "derived"), "");
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    EXPECT_EQ(SchemaErrors(WriteSpn(RandomParameters(seed), {.created = "20261123T1800"}),
                           absl::StrCat("random", seed)),
              "")
        << "seed " << seed;
  }
}

TEST(SpnRoundTripTest, ExportedFilesValidateAgainstCmeSchemaInProcess) {
  if (!std::ifstream(kSchemaPath)) GTEST_SKIP() << "schema " << kSchemaPath << " not present";
  absl::StatusOr<formats::XmlSchema> schema = formats::XmlSchema::FromFile(kSchemaPath);
  ASSERT_TRUE(schema.ok()) << schema.status();
  EXPECT_TRUE(schema->Validate(WriteSpn(DerivedParameters({.spot_month = true}))).ok());
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    const absl::Status valid =
        schema->Validate(WriteSpn(RandomParameters(seed), {.created = "20261123T1800"}));
    EXPECT_TRUE(valid.ok()) << "seed " << seed << ": " << valid;
  }
  // The validator does reject: a value of the wrong type, an element out of place.
  const std::string good = WriteSpn(DerivedParameters({}));
  std::string bad_boolean = good;
  const size_t is_setl = bad_boolean.find("<isSetl>true</isSetl>");
  ASSERT_NE(is_setl, std::string::npos);
  bad_boolean.replace(is_setl, 21, "<isSetl>maybe</isSetl>");
  EXPECT_EQ(schema->Validate(bad_boolean).code(), absl::StatusCode::kInvalidArgument);
  std::string unknown = good;
  unknown.insert(unknown.find("<pointInTime>"), "<notInSchema/>");
  EXPECT_EQ(schema->Validate(unknown).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tc::margin
