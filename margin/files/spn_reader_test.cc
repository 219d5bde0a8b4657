// ReadSpn on hand-written fixtures in both layouts: CME (product families and ccDef
// nested under clearingOrg/exchange, percent credit rates, rate classes) and NSE
// (futPf and ccDef directly under clearingOrg, fractional rates, no rate classes); the
// decoded values; the unit rules; malformed elements named by line and field.
#include "margin/files/spn_reader.h"

#include <string>

#include "absl/strings/str_replace.h"
#include "gtest/gtest.h"
#include "margin/compiled_parameters.h"
#include "margin/margin_calculator.h"
#include "margin/test_parameters.h"

namespace tc::margin {
namespace {

// Scan points 1 and 15 only: the reader needs point 15 for the extreme move.
constexpr char kCmePointDef[] = R"(
      <pointDef><r>1</r>
        <scanPointDef><point>1</point><priceScanDef><mult>1</mult><numerator>0</numerator>
          <denominator>3</denominator></priceScanDef><volScanDef><mult>1</mult></volScanDef>
          <weight>1</weight><pairedPoint>2</pairedPoint></scanPointDef>
        <scanPointDef><point>15</point><priceScanDef><mult>3</mult><numerator>1</numerator>
          <denominator>1</denominator></priceScanDef><volScanDef><mult>0</mult></volScanDef>
          <weight>0.33</weight><pairedPoint>15</pairedPoint></scanPointDef>
      </pointDef>)";

std::string FuturesArray(const std::string& psr) {
  // Values of a linear array for PSR 1000 (or 1500), written as CME writes doubles.
  if (psr == "1000") {
    return "<a>0</a><a>0</a><a>-333.333333</a><a>-333.333333</a><a>333.333333</a>"
           "<a>333.333333</a><a>-666.666667</a><a>-666.666667</a><a>666.666667</a>"
           "<a>666.666667</a><a>-1000</a><a>-1000</a><a>1000</a><a>1000</a><a>-990</a>"
           "<a>990</a>";
  }
  return "<a>0</a><a>0</a><a>-500</a><a>-500</a><a>500</a><a>500</a><a>-1000</a><a>-1000</a>"
         "<a>1000</a><a>1000</a><a>-1.5E3</a><a>-1500</a><a>1500.0</a><a>1500</a><a>-1485</a>"
         "<a>1485</a>";
}

std::string CmeFuture(int id, const std::string& pe, const std::string& psr) {
  return "<fut><cId>" + std::to_string(id) + "</cId><pe>" + pe +
         "</pe><p>12.5</p><cvf>1</cvf><undC><exch>TCX</exch><pfId>0</pfId><cId>0</cId><s/><i>1</i>"
         "</undC><scanRate><r>1</r><priceScan>" +
         psr + "</priceScan></scanRate><ra><r>2</r>" + FuturesArray("1500") +
         "<d>1</d></ra><ra><r>1</r>" + FuturesArray(psr) + "<d>1</d></ra></fut>";
}

// The D1-D8 set-up, CME layout: AIX months 1-4 and GPU month 1, an AIX option series.
std::string CmeFixture() {
  return std::string(R"(<?xml version="1.0"?>
<spanFile>
  <fileFormat>4.00</fileFormat>
  <definitions><currencyDef><currency>USD</currency><symbol>$</symbol><name>US Dollar</name>
    <decimalPos>2</decimalPos></currencyDef></definitions>
  <pointInTime>
    <date>20261123</date><isSetl>1</isSetl><setlQualifier>final</setlQualifier>
    <clearingOrg>
      <ec>TCX</ec><name>tokenclear</name><finalizeMeth>NORMAL</finalizeMeth>
      <curConv><fromCur>EUR</fromCur><toCur>USD</toCur><factor>1.1</factor></curConv>
      <pbRateDef><r>1</r><isCust>0</isCust><acctType>M</acctType><isM>1</isM><pbc>CORE</pbc></pbRateDef>
      <pbRateDef><r>2</r><isCust>1</isCust><acctType>S</acctType><isM>0</isM><pbc>CORE</pbc></pbRateDef>
      <pbRateDef><r>3</r><isCust>1</isCust><acctType>H</acctType><isM>0</isM><pbc>CORE</pbc></pbRateDef>)") +
         kCmePointDef + R"(
      <hvarMarginParams><hvarSet>ignored</hvarSet></hvarMarginParams>
      <exchange>
        <exch>TCX</exch>
        <futPf><pfId>11</pfId><pfCode>AIX</pfCode><currency>USD</currency><valueMeth>FUT</valueMeth>
          <undPf><exch>TCX</exch><pfId>0</pfId><s/><i>1</i></undPf>)" +
         CmeFuture(1, "202701", "1000") + CmeFuture(2, "202702", "1000") +
         CmeFuture(3, "202703", "1000") + CmeFuture(4, "202704", "1000") + R"(
        </futPf>
        <futPf><pfId>21</pfId><pfCode>GPU</pfCode><currency>USD</currency><valueMeth>FUT</valueMeth>
          <undPf><exch>TCX</exch><pfId>0</pfId><s/><i>1</i></undPf>)" +
         CmeFuture(5, "202701", "1500") + R"(
        </futPf>
        <phyPf><pfId>9</pfId><pfCode>IDX</pfCode><currency>USD</currency><valueMeth>EQTY</valueMeth></phyPf>
        <oofPf><pfId>12</pfId><pfCode>AIX</pfCode><currency>USD</currency><cab>0</cab>
          <valueMeth>PREM</valueMeth><priceModel>BLACK76</priceModel>
          <undPf><exch>TCX</exch><pfId>11</pfId><s/><i>1</i></undPf>
          <series><pe>202702</pe><cvf>10</cvf><sc>1</sc>
            <undC><exch>TCX</exch><pfId>11</pfId><cId>2</cId><s/><i>1</i></undC>
            <opt><cId>7</cId><o>C</o><k>1050</k><p>25.5</p>
              <ra><r>1</r><a>1</a><a>2</a><a>3</a><a>4</a><a>5</a><a>6</a><a>7</a><a>8</a><a>9</a>
                <a>10</a><a>11</a><a>12</a><a>13</a><a>14</a><a>15</a><a>16</a><d>0.4567891</d></ra>
            </opt>
          </series>
        </oofPf>
      </exchange>
      <ccDef><cc>AIX</cc><name>AI index</name><currency>USD</currency><wfprMeth>1</wfprMeth>
        <somMeth>GROSS</somMeth>
        <pfLink><exch>TCX</exch><pfId>11</pfId><pfCode>AIX</pfCode><pfType>FUT</pfType><sc>1</sc></pfLink>
        <pfLink><exch>TCX</exch><pfId>12</pfId><pfCode>AIX</pfCode><pfType>OOF</pfType><sc>1</sc></pfLink>
        <adjRate><r>2</r><baseR>1</baseR><val>1.1</val></adjRate>
        <adjRate><r>3</r><baseR>1</baseR><val>1</val></adjRate>
        <intraTiers>
          <tier><tn>1</tn><sPe>202701</sPe><ePe>202701</ePe></tier>
          <tier><tn>2</tn><sPe>202702</sPe><ePe>202703</ePe></tier>
          <tier><tn>3</tn><sPe>202704</sPe><ePe>202704</ePe></tier>
        </intraTiers>
        <somTiers><tier><tn>1</tn><sPe>202701</sPe><ePe>202712</ePe><rate><r>1</r><val>7.5</val></rate></tier></somTiers>
        <dSpread><spread>1</spread><chargeMeth>F</chargeMeth><rate><r>1</r><val>100</val></rate>
          <tLeg><cc>AIX</cc><tn>1</tn><rs>A</rs><i>1</i></tLeg><tLeg><cc>AIX</cc><tn>2</tn><rs>B</rs><i>1</i></tLeg></dSpread>
        <dSpread><spread>2</spread><chargeMeth>F</chargeMeth><rate><r>1</r><val>150</val></rate>
          <tLeg><cc>AIX</cc><tn>2</tn><rs>A</rs><i>1</i></tLeg><tLeg><cc>AIX</cc><tn>3</tn><rs>B</rs><i>1</i></tLeg></dSpread>
        <dSpread><spread>3</spread><chargeMeth>F</chargeMeth><rate><r>1</r><val>250</val></rate>
          <tLeg><cc>AIX</cc><tn>1</tn><rs>A</rs><i>1</i></tLeg><tLeg><cc>AIX</cc><tn>3</tn><rs>B</rs><i>1</i></tLeg></dSpread>
        <dSpread><spread>4</spread><chargeMeth>F</chargeMeth><rate><r>1</r><val>30</val></rate>
          <pLeg><cc>AIX</cc><pe>202702</pe><rs>A</rs><i>0.5</i></pLeg><pLeg><cc>AIX</cc><pe>202703</pe><rs>B</rs><i>0.5</i></pLeg></dSpread>
        <dSpread><spread>5</spread><chargeMeth>W</chargeMeth><rate><r>1</r><val>10</val></rate>
          <tLeg><cc>AIX</cc><tn>1</tn><rs>A</rs><i>1</i></tLeg><tLeg><cc>AIX</cc><tn>2</tn><rs>B</rs><i>1</i></tLeg></dSpread>
        <spotRate><r>2</r><pe>202701</pe><sprd>999</sprd><outr>999</outr></spotRate>
        <spotRate><r>1</r><pe>202701</pe><sprd>50</sprd><outr>200</outr></spotRate>
      </ccDef>
      <ccDef><cc>GPU</cc><currency>USD</currency>
        <pfLink><exch>TCX</exch><pfId>21</pfId><sc>1</sc></pfLink>
      </ccDef>
      <superSpreads>
        <sSpread><spread>9</spread></sSpread>
      </superSpreads>
      <interSpreads>
        <dSpread><spread>1</spread><chargeMeth>W</chargeMeth><rate><r>1</r><val>40</val></rate>
          <tLeg><cc>AIX</cc><tn>0</tn><rs>A</rs><i>3</i></tLeg><tLeg><cc>GPU</cc><tn>0</tn><rs>B</rs><i>2</i></tLeg></dSpread>
      </interSpreads>
    </clearingOrg>
  </pointInTime>
</spanFile>
)";
}

TEST(SpnReaderTest, ReadsCmeNestedLayout) {
  absl::StatusOr<SpnFile> file = ReadSpn(CmeFixture());
  ASSERT_TRUE(file.ok()) << file.status();
  const RiskParameters& params = file->parameters;
  EXPECT_EQ(params.version_id, "TCX-20261123-final");
  EXPECT_EQ(params.business_date, absl::CivilDay(2026, 11, 23));
  ASSERT_EQ(params.combined_commodities.size(), 2u);
  const CombinedCommodity& aix = params.combined_commodities[0];
  EXPECT_EQ(aix.code, "AIX");
  EXPECT_EQ(aix.intra_tiers.size(), 3u);
  ASSERT_EQ(aix.intra_spreads.size(), 4u);  // the W-method spread is unsupported
  EXPECT_EQ(aix.intra_spreads[2].charge_per_spread_micros, 250'000'000);
  EXPECT_EQ(aix.intra_spreads[3].kind, IntraSpreadKind::kSeriesToSeries);
  EXPECT_EQ(aix.intra_spreads[3].legs[1].period, 202703);
  EXPECT_EQ(aix.intra_spreads[3].legs[1].delta_per_spread_udelta, 500'000);
  EXPECT_EQ(aix.intra_spreads[3].legs[1].side, SpreadSide::kB);
  ASSERT_EQ(aix.spot_months.size(), 1u);  // the r=2 (initial) spot rate is not maintenance
  EXPECT_EQ(aix.spot_months[0].charge_per_consumed_delta_micros, 50'000'000);
  EXPECT_EQ(aix.spot_months[0].charge_per_remaining_delta_micros, 200'000'000);
  EXPECT_EQ(aix.som_method, SomMethod::kSumOfCallsPuts);
  ASSERT_EQ(aix.som_tiers.size(), 1u);
  EXPECT_EQ(aix.som_tiers[0].rate_per_short_option_micros, 7'500'000);
  EXPECT_EQ(aix.initial_to_maintenance.member_ppm, 1'000'000);
  EXPECT_EQ(aix.initial_to_maintenance.hedger_ppm, 1'000'000);
  EXPECT_EQ(aix.initial_to_maintenance.speculator_ppm, 1'100'000);
  EXPECT_EQ(aix.futures_price_scan_range_micros, 1'000'000'000);
  EXPECT_EQ(params.combined_commodities[1].som_method, SomMethod::kGreaterOfCallsPuts);

  ASSERT_EQ(params.contracts.size(), 6u);
  const Contract& m1 = params.contracts[0];
  EXPECT_EQ(m1.contract_id, "TCX:AIX:FUT:202701");
  EXPECT_EQ(m1.combined_commodity, "AIX");
  EXPECT_EQ(m1.risk_array_micros[2], -333'333'333);  // the r=1 array, not r=2
  EXPECT_EQ(m1.risk_array_micros[6], -666'666'667);
  EXPECT_EQ(m1.price_micros, 12'500'000);
  EXPECT_EQ(m1.extreme_move_multiplier_ppm, 3'000'000);
  EXPECT_EQ(m1.extreme_covered_fraction_ppm, 330'000);
  const Contract& gpu = params.contracts[4];
  EXPECT_EQ(gpu.contract_id, "TCX:GPU:FUT:202701");
  EXPECT_EQ(gpu.risk_array_micros[10], -1'500'000'000);  // "-1.5E3"
  const Contract& option = params.contracts[5];
  EXPECT_EQ(option.contract_id, "TCX:AIX:OOF:202702:C:1050");
  EXPECT_TRUE(option.is_option);
  EXPECT_EQ(option.right, OptionRight::kCall);
  EXPECT_EQ(option.period, 202702);
  EXPECT_EQ(option.contract_value_factor_ppm, 10'000'000);
  EXPECT_EQ(option.composite_delta_udelta, 456'789);  // 0.4567891 rounded to 1e-6
  EXPECT_EQ(option.price_micros, 25'500'000);
  EXPECT_EQ(option.option_style, OptionStyle::kPremium);

  ASSERT_EQ(params.inter_spreads.size(), 1u);
  EXPECT_EQ(params.inter_spreads[0].credit_rate_ppm, 400'000);  // 40 = percent
  EXPECT_EQ(params.inter_spreads[0].legs[0].delta_per_spread_udelta, 3'000'000);
  EXPECT_EQ(file->skipped_elements, 2);  // hvarMarginParams, phyPf
  ASSERT_EQ(file->unsupported.size(), 3u);
  EXPECT_EQ(file->unsupported[0], "line 10: currency conversion (curConv)");
  EXPECT_NE(file->unsupported[1].find("intra spread 5 (only flat"), std::string::npos);
  EXPECT_NE(file->unsupported[2].find("scanning-based inter spread"), std::string::npos);
}

TEST(SpnReaderTest, CmeFixtureMarginsLikeD4D7AndD8) {
  absl::StatusOr<SpnFile> file = ReadSpn(CmeFixture());
  ASSERT_TRUE(file.ok()) << file.status();
  // The speculator ratio comes from adjRate r=2; GPU has no adjRate: 1.0.
  testing::ExpectD4AndD7Margins(file->parameters);
}

// NSE layout: futPf and ccDef directly under clearingOrg, no exchange, no rate classes,
// no aliases, Rs values with 2 decimals, a fractional inter-spread rate.
std::string NseFixture(const std::string& inter_rate) {
  return R"(<spanFile><fileFormat>4.00</fileFormat>
<pointInTime><date>20260625</date><isSetl>1</isSetl>
<clearingOrg><ec>NSCCL</ec><name>NSCCL</name>
<pointDef><r>1</r><scanPointDef><point>15</point><priceScanDef><mult>1</mult><numerator>2</numerator>
<denominator>1</denominator></priceScanDef><volScanDef><mult>0</mult></volScanDef><weight>0.35</weight>
<pairedPoint>15</pairedPoint></scanPointDef></pointDef>
<futPf><pfId>1</pfId><pfCode>NIFTY</pfCode><currency>INR</currency><cvf>1</cvf><valueMeth>FUT</valueMeth>
<fut><cId>101</cId><pe>20260625</pe><p>23500.5</p>
<ra><r>1</r><a>8.72</a><a>8.72</a><a>-736.49</a><a>-736.49</a><a>753.93</a><a>753.93</a><a>-1481.70</a>
<a>-1481.70</a><a>1499.14</a><a>1499.14</a><a>-2226.91</a><a>-2226.91</a><a>2244.36</a><a>2244.36</a>
<a>-1561.89</a><a>1568.00</a><d>1</d></ra></fut>
</futPf>
<futPf><pfId>2</pfId><pfCode>BANKNIFTY</pfCode><currency>INR</currency><valueMeth>FUT</valueMeth>
<fut><cId>201</cId><pe>202606</pe><ra><r>1</r><a>0</a><a>0</a><a>-1000</a><a>-1000</a><a>1000</a>
<a>1000</a><a>-2000</a><a>-2000</a><a>2000</a><a>2000</a><a>-3000</a><a>-3000</a><a>3000</a>
<a>3000</a><a>-2100</a><a>2100</a><d>1</d></ra></fut>
</futPf>
<ccDef><cc>NIFTY</cc><currency>INR</currency><somMeth>GROSS</somMeth>
<pfLink><exch>NSE</exch><pfId>1</pfId><pfCode>NIFTY</pfCode><sc>1</sc></pfLink></ccDef>
<ccDef><cc>BANKNIFTY</cc><currency>INR</currency></ccDef>
<interSpreads><dSpread><spread>1</spread><chargeMeth>W</chargeMeth><rate><r>1</r><val>)" +
         inter_rate + R"(</val></rate>
<tLeg><cc>NIFTY</cc><tn>0</tn><rs>A</rs><i>1</i></tLeg>
<tLeg><cc>BANKNIFTY</cc><tn>0</tn><rs>B</rs><i>1</i></tLeg></dSpread></interSpreads>
</clearingOrg></pointInTime></spanFile>)";
}

TEST(SpnReaderTest, ReadsNseFlatLayout) {
  absl::StatusOr<SpnFile> file = ReadSpn(NseFixture("0.55"));
  ASSERT_TRUE(file.ok()) << file.status();
  const RiskParameters& params = file->parameters;
  EXPECT_EQ(params.version_id, "NSCCL-20260625");
  ASSERT_EQ(params.combined_commodities.size(), 2u);
  EXPECT_EQ(params.combined_commodities[0].currency, "INR");
  ASSERT_EQ(params.contracts.size(), 2u);
  const Contract& nifty = params.contracts[0];
  // The pfLink names exchange NSE, which the flat layout does not have: linked by code.
  EXPECT_EQ(nifty.contract_id, "NSCCL:NIFTY:FUT:20260625");
  EXPECT_EQ(nifty.combined_commodity, "NIFTY");
  EXPECT_EQ(nifty.period, 202606);
  EXPECT_EQ(nifty.risk_array_micros[0], 8'720'000);
  EXPECT_EQ(nifty.risk_array_micros[15], 1'568'000'000);
  EXPECT_EQ(nifty.price_micros, 23'500'500'000);
  EXPECT_EQ(nifty.extreme_move_multiplier_ppm, 2'000'000);
  EXPECT_EQ(nifty.extreme_covered_fraction_ppm, 350'000);
  EXPECT_EQ(params.contracts[1].combined_commodity, "BANKNIFTY");
  ASSERT_EQ(params.inter_spreads.size(), 1u);
  EXPECT_EQ(params.inter_spreads[0].credit_rate_ppm, 550'000);  // 0.55 = fraction
  EXPECT_TRUE(file->unsupported.empty());
  EXPECT_TRUE(CompileParameters(params).ok());
}

TEST(SpnReaderTest, InterRateUnitRule) {
  struct Case {
    std::string text;
    int64_t ppm;
  };
  for (const Case& c :
       {Case{"55", 550'000}, Case{"0.55", 550'000}, Case{"5.5E1", 550'000}, Case{"1", 1'000'000},
        Case{"1.5", 15'000}, Case{"-20", -200'000}, Case{"0.004", 4'000}}) {
    absl::StatusOr<SpnFile> file = ReadSpn(NseFixture(c.text));
    ASSERT_TRUE(file.ok()) << file.status();
    EXPECT_EQ(file->parameters.inter_spreads[0].credit_rate_ppm, c.ppm) << c.text;
  }
}

std::string ErrorOf(const std::string& xml) {
  absl::StatusOr<SpnFile> file = ReadSpn(xml);
  if (file.ok()) return "ok";
  EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(file.status().message());
}

TEST(SpnReaderTest, MalformedElementsNameLineAndField) {
  const std::string nse = NseFixture("0.55");
  EXPECT_EQ(ErrorOf(absl::StrReplaceAll(nse, {{"<a>8.72</a>", "<a>8.7x</a>"}})),
            "line 9: ra/a = '8.7x' is not a decimal number in range");
  EXPECT_EQ(ErrorOf(absl::StrReplaceAll(nse, {{"<pe>202606</pe>", ""}})),
            "line 14: fut/pe is missing");
  EXPECT_EQ(ErrorOf(absl::StrReplaceAll(nse, {{"<rs>B</rs>", "<rs>Q</rs>"}})),
            "line 23: tLeg/rs = 'Q' is not A or B");
  EXPECT_EQ(ErrorOf(absl::StrReplaceAll(nse, {{"<a>-1561.89</a>", ""}})),
            "line 9: ra/a has 15 values, expected 16");
  EXPECT_EQ(ErrorOf(absl::StrReplaceAll(nse, {{"<a>8.72</a>", "<a>1e300</a>"}})),
            "line 9: ra/a = '1e300' is not a decimal number in range");
  EXPECT_EQ(
      ErrorOf(absl::StrReplaceAll(nse, {{"<date>20260625</date>", "<date>2026-06-25</date>"}})),
      "line 2: pointInTime/date = '2026-06-25' is not CCYYMMDD");
  EXPECT_EQ(ErrorOf(absl::StrReplaceAll(
                nse, {{"<cId>201</cId><pe>202606</pe>", "<cId>201</cId><pe>20260625</pe>"},
                      {"BANKNIFTY</pfCode>", "NIFTY</pfCode>"}})),
            "line 14: fut/cId contract NSCCL:NIFTY:FUT:20260625 is repeated");
  EXPECT_EQ(ErrorOf("<posFile/>"), "line 1: root element is <posFile>, not <spanFile>");
  EXPECT_EQ(ErrorOf("<spanFile>"), "line 1: end of input inside <spanFile>");
}

TEST(SpnReaderTest, DecimalsAreExactOrRoundedOnceHalfAwayFromZero) {
  struct Case {
    std::string text;
    int64_t micros;
  };
  for (const Case& c :
       {Case{"0.0000005", 1}, Case{"-0.0000005", -1}, Case{"0.00000049", 0}, Case{"1.25e-3", 1'250},
        Case{"+7", 7'000'000}, Case{".5", 500'000}, Case{"9223372036854.775807", INT64_MAX}}) {
    const std::string xml =
        absl::StrReplaceAll(NseFixture("0.5"), {{"<a>8.72</a>", "<a>" + c.text + "</a>"}});
    absl::StatusOr<SpnFile> file = ReadSpn(xml);
    ASSERT_TRUE(file.ok()) << c.text << ": " << file.status();
    EXPECT_EQ(file->parameters.contracts[0].risk_array_micros[0], c.micros) << c.text;
  }
  for (const std::string bad :
       {"", "-", "1.2.3", "1e", "NaN", "INF", "0x10", "1 000", "9223372036854.775808"}) {
    const std::string xml =
        absl::StrReplaceAll(NseFixture("0.5"), {{"<a>8.72</a>", "<a>" + bad + "</a>"}});
    EXPECT_FALSE(ReadSpn(xml).ok()) << "'" << bad << "'";
  }
}

}  // namespace
}  // namespace tc::margin
