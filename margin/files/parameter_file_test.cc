// LoadParameterFile: the format from the name (any case) or the content, both readers
// reached, their errors and limits passed through unchanged.
#include "margin/files/parameter_file.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "margin/files/spn_writer.h"
#include "margin/files/synthetic_files.h"
#include "margin/test_parameters.h"

namespace tc::margin {
namespace {

TEST(ParameterFileTest, DetectsTheFormatFromTheNameThenTheContent) {
  EXPECT_EQ(DetectParameterFileFormat("anything", "eod.SPN"), ParameterFileFormat::kSpn);
  EXPECT_EQ(DetectParameterFileFormat("anything", "/tmp/eod.xml"), ParameterFileFormat::kSpn);
  EXPECT_EQ(DetectParameterFileFormat("<spanFile/>", "eod.Pa2"), ParameterFileFormat::kPa2);
  EXPECT_EQ(DetectParameterFileFormat(" \r\n\t<?xml version=\"1.0\"?>"), ParameterFileFormat::kSpn);
  EXPECT_EQ(DetectParameterFileFormat("<spanFile/>", "params.txt"), ParameterFileFormat::kSpn);
  EXPECT_EQ(DetectParameterFileFormat("0 CME  20261123"), ParameterFileFormat::kPa2);
  EXPECT_EQ(DetectParameterFileFormat(""), ParameterFileFormat::kPa2);
}

TEST(ParameterFileTest, ReadsBothFormats) {
  const RiskParameters params = testing::DerivedParameters({.spot_month = true});
  absl::StatusOr<ParameterFile> spn = LoadParameterFile(WriteSpn(params));
  ASSERT_TRUE(spn.ok()) << spn.status();
  EXPECT_EQ(spn->format, ParameterFileFormat::kSpn);
  EXPECT_EQ(spn->parameters.contracts.size(), params.contracts.size());
  EXPECT_TRUE(spn->unsupported.empty());

  absl::StatusOr<ParameterFile> pa2 = LoadParameterFile(
      SyntheticPa2({.target_bytes = 1, .futures_months = 3, .strikes = 2}), "synthetic.pa2");
  ASSERT_TRUE(pa2.ok()) << pa2.status();
  EXPECT_EQ(pa2->format, ParameterFileFormat::kPa2);
  EXPECT_EQ(pa2->parameters.contracts.size(), 3u * 5u);
}

TEST(ParameterFileTest, ReaderErrorsAndLimitsPassThrough) {
  EXPECT_EQ(LoadParameterFile("<posFile/>").status().message(),
            "line 1: root element is <posFile>, not <spanFile>");
  EXPECT_EQ(LoadParameterFile("junk", "x.pa2").status().message(), "no type 0 header record");
  const std::string spn = WriteSpn(testing::DerivedParameters({}));
  absl::StatusOr<ParameterFile> limited =
      LoadParameterFile(spn, "eod.spn", {.xml = {.max_elements = 10}});
  ASSERT_FALSE(limited.ok());
  EXPECT_TRUE(absl::StrContains(limited.status().message(), "more than 10 elements"));
}

}  // namespace
}  // namespace tc::margin
