// Byte-exact decodes of the real CME 2025-06-20 .pa2 lines quoted in span.md 3.1 and 4
// (T-CME-REAL). Expectations come from the published column layout. Lines the note
// quotes with an elided middle ("...") are rebuilt from the quoted prefix and suffix at
// their layout columns with the elided columns blank (or, for type 82, filled with
// marked placeholder values); only the quoted fields are asserted as real.
#include "margin/files/pa2_records.h"

#include <string>

#include "gtest/gtest.h"

namespace tc::margin {
namespace {

using formats::FixedWidthLine;

// `text` padded with blanks to end at column `last`.
std::string PadTo(std::string text, int last) {
  text.resize(last, ' ');
  return text;
}

TEST(Pa2RecordsTest, RealHeader) {
  const FixedWidthLine line(
      "0 CME   20250620SE     202506201407U2YNCLR        C CUST  H HEDGE 1 CORE  M MAINT", 1);
  absl::StatusOr<Pa2Header> header = DecodeHeader(line);
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_EQ(header->exchange_complex, "CME");
  EXPECT_EQ(header->business_date, absl::CivilDay(2025, 6, 20));
  EXPECT_EQ(header->settlement_or_intraday, 'S');
  EXPECT_EQ(header->file_id, "E");
  EXPECT_EQ(header->format, "U2");
}

TEST(Pa2RecordsTest, RealExchange) {
  absl::StatusOr<Pa2Exchange> exchange = DecodeExchange(FixedWidthLine("1 CBT  01", 2));
  ASSERT_TRUE(exchange.ok()) << exchange.status();
  EXPECT_EQ(exchange->exchange, "CBT");
  EXPECT_EQ(exchange->code, "01");
}

TEST(Pa2RecordsTest, RealIntraTiersAndRatios) {
  const FixedWidthLine line(
      "3 06    1001202507202507022025082025080320250920250904202510202511  100010001100", 3);
  absl::StatusOr<Pa2IntraRecord> intra = DecodeIntraRecord(line);
  ASSERT_TRUE(intra.ok()) << intra.status();
  EXPECT_EQ(intra->cc, "06");
  EXPECT_EQ(intra->method, 10);
  ASSERT_EQ(intra->tiers.size(), 4u);
  const int expected[4][3] = {
      {1, 202507, 202507}, {2, 202508, 202508}, {3, 202509, 202509}, {4, 202510, 202511}};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(intra->tiers[i].tier_number, expected[i][0]);
    EXPECT_EQ(intra->tiers[i].start_period, expected[i][1]);
    EXPECT_EQ(intra->tiers[i].end_period, expected[i][2]);
  }
  EXPECT_EQ(intra->ratios.member_ppm, 1'000'000);
  EXPECT_EQ(intra->ratios.hedger_ppm, 1'000'000);
  EXPECT_EQ(intra->ratios.speculator_ppm, 1'100'000);
}

TEST(Pa2RecordsTest, RealTierToTierButterfly) {
  absl::StatusOr<Pa2IntraSpreadRecord> c =
      DecodeTierSpread(FixedWidthLine("C 06    1001030000100011401A021502B031601A", 4));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->cc, "06");
  EXPECT_EQ(c->spread.kind, IntraSpreadKind::kTierToTier);
  EXPECT_EQ(c->spread.priority, 1);
  EXPECT_EQ(c->spread.charge_per_spread_micros, 100'000'000);  // 9(7) "0000100"
  ASSERT_EQ(c->spread.legs.size(), 3u);
  EXPECT_EQ(c->spread.legs[0].tier_number, 14);
  EXPECT_EQ(c->spread.legs[0].delta_per_spread_udelta, 1'000'000);
  EXPECT_EQ(c->spread.legs[0].side, SpreadSide::kA);
  EXPECT_EQ(c->spread.legs[1].tier_number, 15);
  EXPECT_EQ(c->spread.legs[1].delta_per_spread_udelta, 2'000'000);
  EXPECT_EQ(c->spread.legs[1].side, SpreadSide::kB);
  EXPECT_EQ(c->spread.legs[2].tier_number, 16);
  EXPECT_EQ(c->spread.legs[2].side, SpreadSide::kA);
}

TEST(Pa2RecordsTest, RealSeriesToSeriesButterfly) {
  absl::StatusOr<Pa2IntraSpreadRecord> e = DecodeSeriesSpread(
      FixedWidthLine("E 17    0000100002502509   010000A2512   020000B2603   010000A", 5));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->cc, "17");
  EXPECT_EQ(e->spread.kind, IntraSpreadKind::kSeriesToSeries);
  EXPECT_EQ(e->spread.priority, 1);
  EXPECT_EQ(e->spread.charge_per_spread_micros, 250'000'000);
  ASSERT_EQ(e->spread.legs.size(), 3u);
  EXPECT_EQ(e->spread.legs[0].period, 202509);
  EXPECT_EQ(e->spread.legs[0].delta_per_spread_udelta, 1'000'000);  // 9(2)V9(4) 010000
  EXPECT_EQ(e->spread.legs[1].period, 202512);
  EXPECT_EQ(e->spread.legs[1].delta_per_spread_udelta, 2'000'000);
  EXPECT_EQ(e->spread.legs[1].side, SpreadSide::kB);
  EXPECT_EQ(e->spread.legs[2].period, 202603);
}

TEST(Pa2RecordsTest, RealSoybeanMealArrayFirstNineValues) {
  const FixedWidthLine line(
      "81CBT06        06        FUT 202507            000000000000+00000+00567-00567-00567+"
      "00567+01133-01133-01133+00000000284100N",
      6);
  absl::StatusOr<Pa2ArrayRecord> array = DecodeArrayRecord(line);
  ASSERT_TRUE(array.ok()) << array.status();
  EXPECT_TRUE(array->first);
  EXPECT_EQ(array->contract.product.exchange, "CBT");
  EXPECT_EQ(array->contract.product.product, "06");
  EXPECT_EQ(array->contract.product.type, "FUT");
  EXPECT_EQ(array->contract.right, ' ');
  EXPECT_EQ(array->contract.futures_month, 202507);
  EXPECT_EQ(array->contract.option_month, 0);
  EXPECT_EQ(array->raw_values,
            (std::vector<int64_t>{0, 0, -567, -567, 567, 567, -1133, -1133, 1133}));
  EXPECT_EQ(array->raw_settlement_price, 284100);
}

TEST(Pa2RecordsTest, RealOptionArraySecondRecord) {
  // Quoted: columns 1-72 and 102-126. Columns 73-101 (values 13-16 and the composite
  // delta digits) are elided in the note; the placeholders here are not real data.
  const std::string line = PadTo(
                               "82CBT06        06        OOFC202507   202507   000014500000+"
                               "00000+00000+",
                               72) +
                           "00001+00002+00003+00004+" + "05000" + "+002500000139100++10000+C";
  absl::StatusOr<Pa2ArrayRecord> array = DecodeArrayRecord(FixedWidthLine(line, 7));
  ASSERT_TRUE(array.ok()) << array.status();
  EXPECT_FALSE(array->first);
  EXPECT_EQ(array->contract.product.type, "OOF");
  EXPECT_EQ(array->contract.right, 'C');
  EXPECT_EQ(array->contract.futures_month, 202507);
  EXPECT_EQ(array->contract.option_month, 202507);
  EXPECT_EQ(array->contract.strike, 145);
  ASSERT_EQ(array->raw_values.size(), 7u);
  EXPECT_EQ(array->raw_values[0], 0);  // values 10-12 are quoted
  EXPECT_EQ(array->raw_values[2], 0);
  EXPECT_EQ(array->composite_delta_udelta, 500'000);  // placeholder 0.5000
  EXPECT_EQ(array->raw_settlement_price, 139100);     // quoted, columns 111-118
}

TEST(Pa2RecordsTest, RealSeriesParametersExtremeMove) {
  // Quoted through column 68; the rest is elided (blank here).
  const std::string line =
      PadTo("B CBTZSC       OOC202507   202507   99999999250000000060003000033000", 168);
  absl::StatusOr<Pa2SeriesRecord> series = DecodeSeriesRecord(FixedWidthLine(line, 8));
  ASSERT_TRUE(series.ok()) << series.status();
  EXPECT_EQ(series->product.exchange, "CBT");
  EXPECT_EQ(series->product.product, "ZSC");
  EXPECT_EQ(series->product.type, "OOC");
  EXPECT_EQ(series->futures_month, 202507);
  EXPECT_EQ(series->option_month, 202507);
  EXPECT_EQ(series->price_scan_range_micros, 600'000'000);
  EXPECT_EQ(series->extreme_move_multiplier_ppm, 3'000'000);  // 3.000
  EXPECT_EQ(series->extreme_covered_fraction_ppm, 330'000);   // 0.3300
  EXPECT_EQ(series->delta_scaling_ppm, 1'000'000);            // blank: 1.0
}

TEST(Pa2RecordsTest, RealSuperInterSpread) {
  // Quoted with legs 3-4 and columns 101-109 elided (blank); 'S' at column 110 and the
  // target delta ratio / minimum legs at 111-121 as quoted.
  const std::string line = PadTo("6 ALL00010980000NYMNNY-HH 0010000ANYMNNY-HP 0010000B", 88) +
                           "04NYMNNY-NG " + std::string(9, ' ') + "S00100000001";
  absl::StatusOr<Pa2InterSpreadRecord> spread = DecodeInterSpread(FixedWidthLine(line, 9));
  ASSERT_TRUE(spread.ok()) << spread.status();
  EXPECT_EQ(spread->group, "ALL");
  EXPECT_EQ(spread->spread.priority, 1);
  EXPECT_EQ(spread->spread.credit_rate_ppm, 980'000);  // 98%
  ASSERT_EQ(spread->spread.legs.size(), 2u);
  EXPECT_EQ(spread->spread.legs[0].combined_commodity, "NY-HH");
  EXPECT_EQ(spread->spread.legs[0].delta_per_spread_udelta, 1'000'000);
  EXPECT_EQ(spread->spread.legs[0].side, SpreadSide::kA);
  EXPECT_EQ(spread->spread.legs[1].combined_commodity, "NY-HP");
  EXPECT_EQ(spread->spread.legs[1].side, SpreadSide::kB);
  EXPECT_EQ(spread->method, 4);
  EXPECT_EQ(spread->target_cc, "NY-NG");
  EXPECT_TRUE(spread->spread.is_super_spread);
}

TEST(Pa2RecordsTest, RealScanTiersAndWfprMethod) {
  const std::string line = PadTo("S 07    20020120250720250702202508202812", 82) + "2";
  absl::StatusOr<Pa2TierRecord> tiers = DecodeTierRecord(FixedWidthLine(line, 10));
  ASSERT_TRUE(tiers.ok()) << tiers.status();
  EXPECT_EQ(tiers->cc, "07");
  EXPECT_EQ(tiers->method, 20);
  ASSERT_EQ(tiers->tiers.size(), 2u);
  EXPECT_EQ(tiers->tiers[0].start_period, 202507);
  EXPECT_EQ(tiers->tiers[0].end_period, 202507);
  EXPECT_EQ(tiers->tiers[1].tier_number, 2);
  EXPECT_EQ(tiers->tiers[1].start_period, 202508);
  EXPECT_EQ(tiers->tiers[1].end_period, 202812);
  EXPECT_EQ(tiers->wfpr_method, WfprMethod::kCappedAtScanRange);
}

TEST(Pa2RecordsTest, RealSpotAndSom) {
  const std::string line = PadTo("4 YM    10010120250600000010000000", 62) + "00001701001001001";
  absl::StatusOr<Pa2SpotRecord> spot = DecodeSpotRecord(FixedWidthLine(line, 11));
  ASSERT_TRUE(spot.ok()) << spot.status();
  EXPECT_EQ(spot->cc, "YM");
  EXPECT_EQ(spot->spot_method, 10);
  ASSERT_EQ(spot->spot_months.size(), 1u);
  EXPECT_EQ(spot->spot_months[0].period, 202506);
  EXPECT_EQ(spot->spot_months[0].charge_per_consumed_delta_micros, 1'000'000);
  EXPECT_EQ(spot->spot_months[0].charge_per_remaining_delta_micros, 0);
  EXPECT_EQ(spot->som_rate_micros, 170'000'000);
  EXPECT_EQ(spot->som_method, SomMethod::kGreaterOfCallsPuts);
}

TEST(Pa2RecordsTest, MalformedFieldNamesLineAndField) {
  absl::StatusOr<Pa2IntraRecord> intra = DecodeIntraRecord(FixedWidthLine(
      "3 06    1001202507202507022025082025080320250920250904202510202511  1O0010001100", 42));
  ASSERT_FALSE(intra.ok());
  EXPECT_EQ(intra.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(intra.status().message(),
            "line 42: member initial/maintenance ratio (columns 69-72) = '1O00' is not all "
            "digits");
}

TEST(Pa2RecordsTest, MalformedSideAndPeriod) {
  absl::StatusOr<Pa2IntraSpreadRecord> c =
      DecodeTierSpread(FixedWidthLine("C 06    1001030000100011401X021502B031601A", 3));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("line 3: leg side (columns 28-28) = 'X'"),
            absl::string_view::npos)
      << c.status();
  absl::StatusOr<Pa2IntraRecord> intra =
      DecodeIntraRecord(FixedWidthLine("3 06    1001202513202507", 4));
  ASSERT_FALSE(intra.ok());
  EXPECT_NE(intra.status().message().find("tier start period (columns 13-18) = '202513'"),
            absl::string_view::npos)
      << intra.status();
}

}  // namespace
}  // namespace tc::margin
