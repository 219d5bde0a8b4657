#include "services/regulator/report_job.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "formats/xml_schema.h"
#include "reporting/daily_clearing_report.h"
#include "reporting/large_trader_report.h"
#include "reporting/position_report.h"
#include "reporting/report_text.h"
#include "reporting/reporting_schemas.h"
#include "store/report_store.h"

namespace tc::services {
namespace {

store::ReportFileRow FileRow(absl::CivilDay day, int pass, const char* kind, std::string name,
                             std::string content, int64_t rows) {
  store::ReportFileRow row;
  row.business_date = day;
  row.pass = pass;
  row.kind = kind;
  row.name = std::move(name);
  row.content_sha256 = Sha256(content);
  row.size_bytes = static_cast<int64_t>(content.size());
  row.content = std::move(content);
  row.row_count = rows;
  return row;
}

// A report that does not meet its own schema is our bug: refuse to store it.
absl::Status SelfCheck(absl::string_view xsd, absl::string_view document, absl::string_view what) {
  TC_ASSIGN_OR_RETURN(formats::XmlSchema schema, formats::XmlSchema::FromText(xsd));
  absl::Status valid = schema.Validate(document);
  if (valid.ok()) return valid;
  return absl::InternalError(absl::StrCat(what, " does not meet its schema: ", valid.message()));
}

}  // namespace

absl::StatusOr<DayReports> PlanDayReports(pqxx::transaction_base& tx, absl::CivilDay day,
                                          int pass) {
  const reporting::ReportDay data = store::LoadReportDay(tx, day, pass);
  const int64_t positions = static_cast<int64_t>(data.positions.size());
  const std::string date = reporting::CompactDate(day);

  TC_ASSIGN_OR_RETURN(std::string daily, reporting::WriteDailyClearingReport(data));
  TC_RETURN_IF_ERROR(
      SelfCheck(reporting::DailyClearingReportXsd(), daily, "the daily clearing report"));
  TC_ASSIGN_OR_RETURN(std::string position_reports, reporting::WritePositionReports(data));
  TC_RETURN_IF_ERROR(
      SelfCheck(reporting::PositionReportXsd(), position_reports, "the position reports"));
  TC_ASSIGN_OR_RETURN(reporting::LargeTraderFiles large_trader,
                      reporting::WriteLargeTraderReports(data, store::LoadReportableLevels(tx)));

  // In kind order (report_files lists by kind), so the digest follows the listing.
  std::vector<store::ReportFileRow> files;
  files.push_back(FileRow(day, pass, "DAILY_CLEARING",
                          absl::StrCat("daily_clearing_", date, ".xml"), std::move(daily),
                          positions));
  files.push_back(FileRow(day, pass, "LARGE_TRADER_CSV",
                          absl::StrCat("large_trader_", date, ".csv"), std::move(large_trader.csv),
                          large_trader.records));
  files.push_back(FileRow(day, pass, "LARGE_TRADER_PART17",
                          absl::StrCat("large_trader_", date, ".txt"),
                          std::move(large_trader.part17), large_trader.records));
  files.push_back(FileRow(day, pass, "POSITION_REPORTS",
                          absl::StrCat("position_reports_", date, ".xml"),
                          std::move(position_reports), positions));
  RecordDigest digest;
  for (const store::ReportFileRow& f : files) {
    digest.Add(f.kind).Add(f.name).Add(absl::string_view(
        reinterpret_cast<const char*>(f.content_sha256.data()), f.content_sha256.size()));
  }
  return DayReports{std::move(files), digest.Finish()};
}

absl::StatusOr<ReportJobOutcome> WriteDayReports(pqxx::transaction_base& tx, absl::CivilDay day,
                                                 int pass) {
  TC_ASSIGN_OR_RETURN(DayReports reports, PlanDayReports(tx, day, pass));
  store::InsertReportFiles(tx, reports.files);
  return ReportJobOutcome{reports.digest, static_cast<int64_t>(reports.files.size())};
}

}  // namespace tc::services
