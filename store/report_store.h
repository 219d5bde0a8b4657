// Regulatory reports in PostgreSQL (migrations/0011_reports.sql): the day's data the
// reports are written from (read out of the end-of-day run's records), the files the run
// stored per pass, and the reportable levels. One function per statement or read, inside
// the caller's transaction.
//
//   reporting::ReportDay day = LoadReportDay(tx, business_date, pass);
//   InsertReportFiles(tx, files);
//   std::vector<ReportFileRow> current = ListReportFiles(tx, business_date, false);
#ifndef TOKENCLEAR_STORE_REPORT_STORE_H_
#define TOKENCLEAR_STORE_REPORT_STORE_H_

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "core/sha256.h"
#include "reporting/large_trader_report.h"
#include "reporting/report_data.h"

namespace tc::store {

// The rows of `day` as its pass `pass` of the end-of-day run left them: eod_positions
// with the pass's variation margin marks per account and month, the locked settlement
// prices, margin requirements, the latest collateral valuation, the pass's origin totals
// of variation margin and final settlement, the cash deposited and withdrawn on the date
// and the EOD cycle's latest indicative obligations.
reporting::ReportDay LoadReportDay(pqxx::transaction_base& tx, absl::CivilDay day, int pass);

// The '*' row is the default.
reporting::ReportableLevels LoadReportableLevels(pqxx::transaction_base& tx);
// Sets a product's level ('*': the default); returns 1 when it changed, 0 when it was so.
int64_t UpsertReportableLevel(pqxx::transaction_base& tx, const std::string& product_code,
                              int64_t level_contracts);
// Whether `product_code` is a product of the reference data.
bool ProductExists(pqxx::transaction_base& tx, const std::string& product_code);

struct ReportFileRow {
  absl::CivilDay business_date{};
  int pass = 1;
  std::string kind{};  // DAILY_CLEARING, POSITION_REPORTS, LARGE_TRADER_PART17, ..._CSV
  std::string name{};
  std::string content{};  // empty when listed without content
  Sha256Digest content_sha256{};
  int64_t size_bytes = 0;
  int64_t row_count = 0;
};
void InsertReportFiles(pqxx::transaction_base& tx, const std::vector<ReportFileRow>& files);
// The files of the date's latest pass (its current reports), by kind.
std::vector<ReportFileRow> ListReportFiles(pqxx::transaction_base& tx, absl::CivilDay day,
                                           bool with_content);
// Every pass's files of the date, by pass then kind.
std::vector<ReportFileRow> ListReportFilesOfAllPasses(pqxx::transaction_base& tx,
                                                      absl::CivilDay day, bool with_content);

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_REPORT_STORE_H_
