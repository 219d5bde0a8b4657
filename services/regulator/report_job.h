// The end-of-day run's REPORTS_READY step: loads the day's records of the run's pass
// (store::LoadReportDay, the reportable levels), writes the regulatory reports with
// reporting/ (the daily clearing report, the FIXML position reports, the Part 17 large-
// trader records and their CSV), checks the XML against our schemas and stores the
// files in the caller's transaction. The digest names every file's kind, name and
// SHA-256, so the step's recorded output changes exactly when a report's bytes do.
//
//   TC_ASSIGN_OR_RETURN(ReportJobOutcome reports, WriteDayReports(tx, day, pass));
//   return StepOutput{inputs, Combine({outputs, reports.digest}), reports.files};
#ifndef TOKENCLEAR_SERVICES_REGULATOR_REPORT_JOB_H_
#define TOKENCLEAR_SERVICES_REGULATOR_REPORT_JOB_H_

#include <cstdint>
#include <pqxx/pqxx>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "core/sha256.h"
#include "store/report_store.h"

namespace tc::services {

struct ReportJobOutcome {
  Sha256Digest digest{};
  int64_t files = 0;
};

// The day's report files of `pass`, written from the stored rows, and their digest;
// nothing is stored (what ReplayEndOfDay compares with the step's record).
struct DayReports {
  std::vector<store::ReportFileRow> files;
  Sha256Digest digest{};
};
absl::StatusOr<DayReports> PlanDayReports(pqxx::transaction_base& tx, absl::CivilDay day, int pass);

// PlanDayReports, then the files stored. Once per (day, pass): the caller's step record
// guarantees it (a second insert of the same pass's files would violate report_files' key).
absl::StatusOr<ReportJobOutcome> WriteDayReports(pqxx::transaction_base& tx, absl::CivilDay day,
                                                 int pass);

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_REGULATOR_REPORT_JOB_H_
