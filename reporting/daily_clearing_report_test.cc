#include "reporting/daily_clearing_report.h"

#include <algorithm>
#include <map>

#include "core/fixed_point.h"
#include "formats/xml_schema.h"
#include "gtest/gtest.h"
#include "reporting/report_test_day.h"
#include "reporting/reporting_schemas.h"

namespace tc::reporting {
namespace {

std::vector<const formats::XmlElement*> Children(const formats::XmlElement& parent,
                                                 absl::string_view name) {
  std::vector<const formats::XmlElement*> children;
  for (const formats::XmlElement& child : parent.children) {
    if (child.name == name) children.push_back(&child);
  }
  return children;
}

int64_t Cents(const std::string& text) { return *ParseFixed(text, 2); }

TEST(DailyClearingReport, IsValidAgainstOurSchema) {
  absl::StatusOr<std::string> xml = WriteDailyClearingReport(TestDay());
  ASSERT_TRUE(xml.ok()) << xml.status();
  absl::StatusOr<formats::XmlSchema> schema =
      formats::XmlSchema::FromText(DailyClearingReportXsd());
  ASSERT_TRUE(schema.ok()) << schema.status();
  EXPECT_TRUE(schema->Validate(*xml).ok()) << schema->Validate(*xml) << "\n" << *xml;
}

TEST(DailyClearingReport, HeaderMembersOriginsAndAccountsWorkedByHand) {
  absl::StatusOr<std::string> xml = WriteDailyClearingReport(TestDay());
  ASSERT_TRUE(xml.ok()) << xml.status();
  absl::StatusOr<formats::XmlElement> root = formats::ParseXml(*xml);
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(Attr(*root, "RptID"), "TOKENCLEAR-DCR-20261201-1");
  EXPECT_EQ(Attr(*root, "BizDt"), "2026-12-01");
  EXPECT_EQ(Attr(*root, "TxnTm"), "2026-12-01T23:59:59Z");
  EXPECT_EQ(Attr(*root, "MsgCnt"), "2");
  const auto members = Children(*root, "Mbr");
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(Attr(*members[0], "ID"), "CM01");
  EXPECT_EQ(Attr(*members[0], "LEI"), "5493001KJTIIGC8Y1R12");
  const auto origins = Children(*members[0], "Orgn");
  ASSERT_EQ(origins.size(), 2u);
  EXPECT_EQ(Attr(*origins[0], "Typ"), "HOUSE");
  EXPECT_EQ(Attr(*origins[1], "Typ"), "CUSTOMER");
  EXPECT_EQ(Attr(*origins[1], "FundSegTyp"), "SEG");
  // The house collects 15.00 (paid by the CCP), the customer origin pays it.
  EXPECT_EQ(Attr(*origins[0]->FindChild("VM"), "Pd"), "15.00");
  EXPECT_EQ(Attr(*origins[0]->FindChild("VM"), "Coll"), "0.00");
  EXPECT_EQ(Attr(*origins[1]->FindChild("VM"), "Coll"), "15.00");
  EXPECT_EQ(Attr(*origins[1]->FindChild("Mgn"), "Req"), "600.00");
  EXPECT_EQ(Attr(*origins[1]->FindChild("Mgn"), "OnDep"), "500.00");
  EXPECT_EQ(Attr(*origins[1]->FindChild("CshFlw"), "IMCall"), "100.00");
  EXPECT_EQ(Attr(*origins[0]->FindChild("CshFlw"), "CollDep"), "1000.00");

  const auto customer = Children(*origins[1], "Acct");
  ASSERT_EQ(customer.size(), 1u);
  EXPECT_EQ(Attr(*customer[0], "ID"), "CM01-C001");
  EXPECT_EQ(Attr(*customer[0], "Name"), "Quillmark AI Inc.");
  EXPECT_EQ(Attr(*customer[0]->FindChild("Mgn"), "Req"), "600.000000");
  EXPECT_EQ(Attr(*customer[0]->FindChild("Mgn"), "Maint"), "500.000000");
  EXPECT_EQ(Attr(*customer[0]->FindChild("VM"), "Coll"), "15.000000");
  const auto positions = Children(*customer[0], "Pos");
  ASSERT_EQ(positions.size(), 2u);
  EXPECT_EQ(Attr(*positions[0], "Instrmt"), "TKF-202612");
  EXPECT_EQ(Attr(*positions[0], "MMY"), "202612");
  EXPECT_EQ(Attr(*positions[0], "Long"), "0");
  EXPECT_EQ(Attr(*positions[0], "Short"), "30");
  EXPECT_EQ(Attr(*positions[0], "SetPx"), "12.500000");
  EXPECT_EQ(Attr(*positions[1], "Long"), "3");
  // A house account has no customer name.
  EXPECT_EQ(Attr(*Children(*origins[0], "Acct")[0], "Name"), "<none>");
}

TEST(DailyClearingReport, TotalsAreTheSumsOfTheRows) {
  absl::StatusOr<std::string> xml = WriteDailyClearingReport(TestDay());
  ASSERT_TRUE(xml.ok()) << xml.status();
  absl::StatusOr<formats::XmlElement> root = formats::ParseXml(*xml);
  ASSERT_TRUE(root.ok()) << root.status();
  std::map<std::string, int64_t> sums;  // "element.attribute" -> cents
  std::map<std::string, std::pair<int64_t, int64_t>> positions;
  int origins = 0;
  int accounts = 0;
  for (const formats::XmlElement* member : Children(*root, "Mbr")) {
    for (const formats::XmlElement* origin : Children(*member, "Orgn")) {
      ++origins;
      for (const char* element : {"Mgn", "VM", "CshFlw"}) {
        for (const auto& [name, value] : origin->FindChild(element)->attributes) {
          sums[absl::StrCat(element, ".", name)] += Cents(value);
        }
      }
      for (const formats::XmlElement* account : Children(*origin, "Acct")) {
        ++accounts;
        for (const formats::XmlElement* p : Children(*account, "Pos")) {
          positions[Attr(*p, "Instrmt")].first += std::stoll(Attr(*p, "Long"));
          positions[Attr(*p, "Instrmt")].second += std::stoll(Attr(*p, "Short"));
        }
      }
    }
  }
  const formats::XmlElement* totals = root->FindChild("Tot");
  ASSERT_NE(totals, nullptr);
  EXPECT_EQ(Attr(*totals, "Mbrs"), "2");
  EXPECT_EQ(Attr(*totals, "Orgns"), absl::StrCat(origins));
  EXPECT_EQ(Attr(*totals, "Accts"), absl::StrCat(accounts));
  EXPECT_EQ(accounts, 3);
  for (const char* element : {"Mgn", "VM", "CshFlw"}) {
    for (const auto& [name, value] : totals->FindChild(element)->attributes) {
      EXPECT_EQ(Cents(value), sums[absl::StrCat(element, ".", name)]) << element << "." << name;
    }
  }
  EXPECT_EQ(Attr(*totals->FindChild("Mgn"), "Req"), "1140.00");  // 450 + 600 + 90
  EXPECT_EQ(Attr(*totals->FindChild("VM"), "Pd"), "15.00");
  EXPECT_EQ(Attr(*totals->FindChild("VM"), "Coll"), "15.00");
  EXPECT_EQ(Attr(*totals->FindChild("CshFlw"), "Rlse"), "110.00");
  const auto total_positions = Children(*totals, "Pos");
  ASSERT_EQ(total_positions.size(), 2u);
  for (const formats::XmlElement* p : total_positions) {
    const auto& [long_sum, short_sum] = positions[Attr(*p, "Instrmt")];
    EXPECT_EQ(Attr(*p, "Long"), absl::StrCat(long_sum));
    EXPECT_EQ(Attr(*p, "Short"), absl::StrCat(short_sum));
    EXPECT_EQ(long_sum, short_sum);  // every contract has a buyer and a seller
  }
  EXPECT_EQ(Attr(*total_positions[0], "Long"), "30");
}

TEST(DailyClearingReport, SameBytesWhateverTheInputOrder) {
  ReportDay day = TestDay();
  absl::StatusOr<std::string> first = WriteDailyClearingReport(day);
  std::reverse(day.members.begin(), day.members.end());
  std::reverse(day.accounts.begin(), day.accounts.end());
  std::reverse(day.positions.begin(), day.positions.end());
  std::reverse(day.margins.begin(), day.margins.end());
  std::reverse(day.origins.begin(), day.origins.end());
  absl::StatusOr<std::string> second = WriteDailyClearingReport(day);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, *second);
}

TEST(DailyClearingReport, RefusesAnInconsistentDay) {
  ReportDay day = TestDay();
  day.positions.push_back({"CM09-H", "TKF-202612", 0, 0, 1, 0, 1, 0, 0, 0});
  EXPECT_EQ(WriteDailyClearingReport(day).status().message(), "unknown account CM09-H");
  day = TestDay();
  day.instruments[0].currency = "EUR";
  EXPECT_EQ(WriteDailyClearingReport(day).status().code(), absl::StatusCode::kInvalidArgument);
  day = TestDay();
  day.positions.push_back(day.positions[0]);
  EXPECT_EQ(WriteDailyClearingReport(day).status().message(),
            "position of CM01-H in TKF-202612 given twice");
  day = TestDay();
  day.origins[0].im_required_cents = INT64_MAX;
  EXPECT_EQ(WriteDailyClearingReport(day).status().message(), "total IM required overflows");
}

TEST(DailyClearingReport, MarkupInACustomerNameIsEscapedAndReadsBack) {
  ReportDay day = TestDay();
  day.accounts[1].customer_name = "R&D <Fund> \"A\" 'B'";
  absl::StatusOr<std::string> xml = WriteDailyClearingReport(day);
  ASSERT_TRUE(xml.ok()) << xml.status();
  EXPECT_TRUE(formats::XmlSchema::FromText(DailyClearingReportXsd())->Validate(*xml).ok());
  absl::StatusOr<formats::XmlElement> root = formats::ParseXml(*xml);
  ASSERT_TRUE(root.ok()) << root.status();
  const formats::XmlElement& customer = root->children[0].children[1].children[3];
  EXPECT_EQ(Attr(customer, "ID"), "CM01-C001");
  EXPECT_EQ(Attr(customer, "Name"), "R&D <Fund> \"A\" 'B'");
}

TEST(DailyClearingReport, AnEmptyDayHasOnlyZeroTotals) {
  ReportDay day;
  day.business_date = absl::CivilDay(2026, 12, 2);
  absl::StatusOr<std::string> xml = WriteDailyClearingReport(day);
  ASSERT_TRUE(xml.ok()) << xml.status();
  EXPECT_TRUE(formats::XmlSchema::FromText(DailyClearingReportXsd())->Validate(*xml).ok());
  absl::StatusOr<formats::XmlElement> root = formats::ParseXml(*xml);
  EXPECT_EQ(Attr(*root, "MsgCnt"), "0");
  EXPECT_EQ(Attr(*root->FindChild("Tot")->FindChild("Mgn"), "Req"), "0.00");
}

}  // namespace
}  // namespace tc::reporting
