#include "reporting/large_trader_report.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/business_date.h"
#include "core/status_macros.h"
#include "reporting/report_index.h"
#include "reporting/report_text.h"
#include "settlement/ledger.h"

namespace tc::reporting {
namespace {

constexpr int64_t kMaxQuantity = 9'999'999;  // 7 columns

// `text` cut or blank-padded to `width` columns, left-justified.
std::string Left(absl::string_view text, size_t width) {
  std::string field(text.substr(0, width));
  field.resize(width, ' ');
  return field;
}

// The rightmost `width` characters of `text`, zero-filled on the left.
std::string RightZeroFilled(absl::string_view text, size_t width) {
  if (text.size() >= width) return std::string(text.substr(text.size() - width));
  return absl::StrCat(std::string(width - text.size(), '0'), text);
}

struct Holding {
  const ReportAccount* account;
  const ReportInstrument* instrument;
  const ReportPosition* position;
};

// One RP record: columns as CFTC's large-trader format numbers them (clearing.md D.2).
std::string Part17Record(const ReportDay& day, const Holding& h, bool correction) {
  std::string line;
  line += "RP";                                                             // 1-2 report type
  line += RightZeroFilled(absl::AsciiStrToUpper(h.account->member_id), 3);  // 3-5 firm
  line += "  ";                                                             // 6-7 reserved
  line += RightZeroFilled(h.account->account_id, 12);                       // 8-19 account
  line += CompactDate(day.business_date);                                   // 20-27 report date
  line += "TC";                                                             // 28-29 exchange
  line += " ";                                                              // 30 put/call: future
  line += Left(h.instrument->product_code, 5);                              // 31-35 commodity
  line += absl::StrCat(h.instrument->contract_month, "00");                 // 36-43 expiration
  line += std::string(7, ' ');                                              // 44-50 strike: none
  line += " ";                                                              // 51 exercise style
  line += absl::StrFormat("%07d", h.position->eod_long);                    // 52-58 long
  line += absl::StrFormat("%07d", h.position->eod_short);                   // 59-65 short
  line += std::string(5, ' ');                                              // 66-70 commodity (2)
  line += std::string(8, ' ');                                              // 71-78 expiration (2)
  line += " ";                                                              // 79 reserved
  line += correction ? "C" : "N";                                           // 80 record type
  return line;
}

}  // namespace

int64_t ReportableLevels::For(const std::string& product_code) const {
  auto it = by_product.find(product_code);
  return it == by_product.end() ? default_contracts : it->second;
}

absl::StatusOr<LargeTraderFiles> WriteLargeTraderReports(const ReportDay& day,
                                                         const ReportableLevels& levels) {
  TC_ASSIGN_OR_RETURN(DayIndex index, IndexReportDay(day));
  std::vector<Holding> reported;
  for (const AccountView* view : index.AccountsById()) {
    // The account's open months grouped by product (positions come by instrument ID).
    std::map<std::string, std::vector<Holding>> by_product;
    for (const ReportPosition* p : view->positions) {
      if (p->eod_long > kMaxQuantity || p->eod_short > kMaxQuantity) {
        return absl::InvalidArgumentError(
            absl::StrCat("position of ", p->account_id, " in ", p->instrument_id,
                         " is wider than the 7 columns of a Part 17 quantity"));
      }
      if (p->eod_long == 0 && p->eod_short == 0) continue;
      const ReportInstrument* instrument = index.instruments.at(p->instrument_id);
      by_product[instrument->product_code].push_back({view->account, instrument, p});
    }
    for (auto& [product, holdings] : by_product) {
      const int64_t level = levels.For(product);
      int64_t all_long = 0;
      int64_t all_short = 0;
      bool reportable = false;
      for (const Holding& h : holdings) {
        all_long += h.position->eod_long;  // at most 7 digits each, no overflow
        all_short += h.position->eod_short;
        reportable |= h.position->eod_long >= level || h.position->eod_short >= level;
      }
      reportable |= all_long >= level || all_short >= level;
      if (!reportable) continue;
      std::sort(holdings.begin(), holdings.end(), [](const Holding& a, const Holding& b) {
        return a.instrument->contract_month < b.instrument->contract_month;
      });
      reported.insert(reported.end(), holdings.begin(), holdings.end());
    }
  }

  LargeTraderFiles files;
  files.csv = absl::StrCat(kLargeTraderCsvHeader, "\n");
  const std::string date = FormatBusinessDate(day.business_date);
  for (const Holding& h : reported) {
    absl::StrAppend(&files.part17, Part17Record(day, h, day.pass > 1), "\n");
    absl::StrAppend(&files.csv, date, ",", h.account->member_id, ",", h.account->account_id, ",",
                    settlement::OriginName(h.account->origin), ",", h.instrument->product_code, ",",
                    h.instrument->contract_month, ",", h.instrument->instrument_id, ",",
                    h.position->eod_long, ",", h.position->eod_short, ",",
                    levels.For(h.instrument->product_code), "\n");
  }
  files.records = static_cast<int64_t>(reported.size());
  return files;
}

}  // namespace tc::reporting
