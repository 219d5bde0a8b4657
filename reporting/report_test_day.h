// A small business day worked by hand for the reporting tests: two members, three
// accounts, two contract months of TKF.
//   CM01-H     TKF-202612  sod 10/0  bought 20       eod 30/0  variation +15.00
//   CM01-C001  TKF-202612  sod 0/5           sold 25  eod 0/30  variation -15.00
//   CM01-C001  TKF-202703            bought 3        eod 3/0
//   CM02-H     TKF-202703                    sold 3   eod 0/3
// Each month's longs equal its shorts (30/30, 3/3); the variation sums to zero.
#ifndef TOKENCLEAR_REPORTING_REPORT_TEST_DAY_H_
#define TOKENCLEAR_REPORTING_REPORT_TEST_DAY_H_

#include <string>

#include "formats/xml_document.h"
#include "reporting/report_data.h"

namespace tc::reporting {

inline ReportDay TestDay() {
  ReportDay day;
  day.business_date = absl::CivilDay(2026, 12, 1);
  day.members = {{"CM01", "Alpha Clearing LLC", "5493001KJTIIGC8Y1R12"},
                 {"CM02", "Beta Futures Inc.", "529900T8BM49AURSDO55"}};
  day.accounts = {{"CM01-H", "CM01", clearing::Origin::kHouse, ""},
                  {"CM01-C001", "CM01", clearing::Origin::kCustomer, "Quillmark AI Inc."},
                  {"CM02-H", "CM02", clearing::Origin::kHouse, ""}};
  day.instruments = {{"TKF-202612", "TKF", "202612", "USD", 12'500'000, 12'000'000},
                     {"TKF-202703", "TKF", "202703", "USD", 13'000'000, 0}};
  day.positions = {{"CM01-H", "TKF-202612", 10, 0, 20, 0, 30, 0, 15'000'000, 0},
                   {"CM01-C001", "TKF-202612", 0, 5, 0, 25, 0, 30, -15'000'000, 0},
                   {"CM01-C001", "TKF-202703", 0, 0, 3, 0, 3, 0, 0, 0},
                   {"CM02-H", "TKF-202703", 0, 0, 0, 3, 0, 3, 0, 0}};
  day.margins = {{"CM01-H", 450'000'000, 400'000'000},
                 {"CM01-C001", 600'000'000, 500'000'000},
                 {"CM02-H", 90'000'000, 80'000'000}};
  day.origins = {
      {"CM01", clearing::Origin::kHouse, "USD", 45'000, 100'000, 1'500, 0, 100'000, 0, 0, 0},
      {"CM01", clearing::Origin::kCustomer, "USD", 60'000, 50'000, -1'500, 0, 0, 0, 10'000, 0},
      {"CM02", clearing::Origin::kHouse, "USD", 9'000, 20'000, 0, 0, 0, 5'000, 0, 11'000}};
  return day;
}

// The value of attribute `name` of `element`, or "<none>".
inline std::string Attr(const formats::XmlElement& element, const std::string& name) {
  for (const auto& [key, value] : element.attributes) {
    if (key == name) return value;
  }
  return "<none>";
}

}  // namespace tc::reporting

#endif  // TOKENCLEAR_REPORTING_REPORT_TEST_DAY_H_
