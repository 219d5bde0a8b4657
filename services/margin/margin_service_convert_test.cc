#include "services/margin/margin_service_convert.h"

#include "gtest/gtest.h"
#include "margin/compiled_parameters.h"
#include "margin/margin_calculator.h"

namespace tc::services {
namespace {

// A calibrated set with every kind of field the calibration fills in.
margin::RiskParameters CalibratedParameters() {
  margin::CalibrationInput input{.version_id = "2026-11-23-1",
                                 .business_date = absl::CivilDay(2026, 11, 23)};
  for (auto [code, low] : {std::pair{"FRONT", 100}, std::pair{"OPEN", 40}}) {
    margin::IndexHistory history{.index_code = code};
    for (int i = 0; i < 30; ++i) {
      history.values.push_back({absl::CivilDay(2026, 10, 20) + i,
                                (i % 3 == 0 ? low * 11 : low * 10) * 100'000 + i * 1000});
    }
    input.histories.push_back(history);
  }
  input.products = {{.product_code = "TKA",
                     .index_code = "FRONT",
                     .contract_multiplier = 1000,
                     .contracts = {{"TKA-202612", 202612}, {"TKA-202702", 202702}}},
                    {.product_code = "TKB",
                     .index_code = "OPEN",
                     .contract_multiplier = 1000,
                     .contracts = {{"TKB-202612", 202612}}}};
  absl::StatusOr<margin::CalibrationResult> result = margin::Calibrate(input);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? result->parameters : margin::RiskParameters{};
}

TEST(MarginServiceConvert, ParametersSurviveTheWireExactly) {
  const margin::RiskParameters params = CalibratedParameters();
  ASSERT_FALSE(params.inter_spreads.empty());
  const pb::RiskParameters wire = ToProto(params);
  absl::StatusOr<margin::RiskParameters> back = FromProto(wire);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(ToProto(*back).SerializeAsString(), wire.SerializeAsString());
  EXPECT_EQ(back->business_date, params.business_date);

  absl::StatusOr<margin::CompiledParameters> a = margin::CompileParameters(params);
  absl::StatusOr<margin::CompiledParameters> b = margin::CompileParameters(*back);
  ASSERT_TRUE(a.ok() && b.ok());
  const std::vector<margin::Position> book = {
      {"TKA-202612", 3}, {"TKA-202702", -1}, {"TKB-202612", -4}};
  margin::MarginCalculator ca(*a), cb(*b);
  absl::StatusOr<margin::MarginBreakdown> ma =
      ca.ComputeBreakdown(book, margin::AccountClass::kHedger);
  absl::StatusOr<margin::MarginBreakdown> mb =
      cb.ComputeBreakdown(book, margin::AccountClass::kHedger);
  ASSERT_TRUE(ma.ok() && mb.ok());
  EXPECT_EQ(ma->totals.maintenance_micros, mb->totals.maintenance_micros);
  EXPECT_EQ(ToProto(*ma).SerializeAsString(), ToProto(*mb).SerializeAsString());
}

TEST(MarginServiceConvert, RejectsBadDatesAndEnums) {
  pb::RiskParameters wire = ToProto(CalibratedParameters());
  wire.set_business_date("2026-02-30");
  absl::Status bad_date = FromProto(wire).status();
  EXPECT_EQ(bad_date.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad_date.message().find("business_date"), absl::string_view::npos);
  wire = ToProto(CalibratedParameters());
  wire.mutable_contracts(0)->set_right(static_cast<pb::OptionRight>(7));
  EXPECT_EQ(FromProto(wire).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ToMarginClass(pb::ACCOUNT_CLASS_UNSPECIFIED, "account_class").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*ToMarginClass(pb::ACCOUNT_CLASS_SPECULATOR, "account_class"),
            margin::AccountClass::kSpeculator);
}

}  // namespace
}  // namespace tc::services
