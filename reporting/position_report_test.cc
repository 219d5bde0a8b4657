#include "reporting/position_report.h"

#include "formats/xml_schema.h"
#include "gtest/gtest.h"
#include "reporting/report_test_day.h"
#include "reporting/reporting_schemas.h"

namespace tc::reporting {
namespace {

TEST(PositionReports, AreValidAgainstOurFixmlSubset) {
  absl::StatusOr<std::string> fixml = WritePositionReports(TestDay());
  ASSERT_TRUE(fixml.ok()) << fixml.status();
  absl::StatusOr<formats::XmlSchema> schema = formats::XmlSchema::FromText(PositionReportXsd());
  ASSERT_TRUE(schema.ok()) << schema.status();
  EXPECT_TRUE(schema->Validate(*fixml).ok()) << schema->Validate(*fixml) << "\n" << *fixml;
}

TEST(PositionReports, OnePerAccountAndMonthWorkedByHand) {
  absl::StatusOr<std::string> fixml = WritePositionReports(TestDay());
  ASSERT_TRUE(fixml.ok()) << fixml.status();
  absl::StatusOr<formats::XmlElement> root = formats::ParseXml(*fixml);
  ASSERT_TRUE(root.ok()) << root.status();
  const formats::XmlElement& batch = root->children.at(0);
  ASSERT_EQ(batch.children.size(), 4u);
  // By account ID, then instrument: CM01-C001 (two months), CM01-H, CM02-H.
  const formats::XmlElement& first = batch.children[0];
  EXPECT_EQ(Attr(first, "RptID"), "TOKENCLEAR-POS-20261201-1-000001");
  EXPECT_EQ(Attr(first, "TotRpts"), "4");
  EXPECT_EQ(Attr(first, "BizDt"), "2026-12-01");
  EXPECT_EQ(Attr(first, "Acct"), "CM01-C001");
  EXPECT_EQ(Attr(first, "AcctTyp"), "1");
  EXPECT_EQ(Attr(first, "SetPx"), "12.500000");
  EXPECT_EQ(Attr(first, "PriSetPx"), "12.000000");
  EXPECT_EQ(Attr(first.children[1], "ID"), "CM01");  // the clearing firm party
  EXPECT_EQ(Attr(first.children[1], "R"), "4");
  EXPECT_EQ(Attr(*first.FindChild("Instrmt"), "MMY"), "202612");
  ASSERT_EQ(first.children.size(), 7u);  // 2 Pty, Instrmt, 3 Qty, 1 Amt
  EXPECT_EQ(Attr(first.children[3], "Typ"), "SOD");
  EXPECT_EQ(Attr(first.children[3], "Short"), "5");
  EXPECT_EQ(Attr(first.children[4], "Typ"), "TQ");
  EXPECT_EQ(Attr(first.children[4], "Short"), "25");
  EXPECT_EQ(Attr(first.children[5], "Typ"), "FIN");
  EXPECT_EQ(Attr(first.children[5], "Short"), "30");
  EXPECT_EQ(Attr(first.children[6], "Typ"), "FMTM");
  EXPECT_EQ(Attr(first.children[6], "Amt"), "-15.000000");
  EXPECT_EQ(Attr(batch.children[1], "PriSetPx"), "0.000000");  // TKF-202703's first day
  EXPECT_EQ(Attr(batch.children[2], "Acct"), "CM01-H");
  EXPECT_EQ(Attr(batch.children[2], "AcctTyp"), "3");
  // Every report: start of day + traded = end of day, net.
  for (const formats::XmlElement& report : batch.children) {
    auto net = [&](int i) {
      return std::stoll(Attr(report.children[i], "Long")) -
             std::stoll(Attr(report.children[i], "Short"));
    };
    EXPECT_EQ(net(3) + net(4), net(5)) << Attr(report, "RptID");
  }
}

TEST(PositionReports, FinalSettlementAddsASetlAmount) {
  ReportDay day = TestDay();
  day.positions[0].final_settlement_micros = 7'000'000;
  absl::StatusOr<std::string> fixml = WritePositionReports(day);
  ASSERT_TRUE(fixml.ok()) << fixml.status();
  EXPECT_TRUE(formats::XmlSchema::FromText(PositionReportXsd())->Validate(*fixml).ok());
  absl::StatusOr<formats::XmlElement> root = formats::ParseXml(*fixml);
  const formats::XmlElement& house = root->children.at(0).children.at(2);
  ASSERT_EQ(house.children.size(), 8u);
  EXPECT_EQ(Attr(house.children[7], "Typ"), "SETL");
  EXPECT_EQ(Attr(house.children[7], "Amt"), "7.000000");
}

TEST(PositionReports, SameBytesTwice) {
  EXPECT_EQ(*WritePositionReports(TestDay()), *WritePositionReports(TestDay()));
}

}  // namespace
}  // namespace tc::reporting
