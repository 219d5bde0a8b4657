#include "services/regulator/regulator_service.h"

#include "absl/strings/str_cat.h"
#include "core/business_date.h"
#include "core/identifiers.h"
#include "core/status_macros.h"
#include "store/reference_store.h"
#include "store/report_store.h"

namespace tc::services {
namespace {

namespace pb = ::tokenclear::v1;

constexpr absl::Duration kReadTime = absl::Seconds(30);
constexpr absl::Duration kWriteTime = absl::Seconds(30);
constexpr int64_t kMaxLevelContracts = 9'999'999;  // a Part 17 quantity's 7 columns
constexpr const char* kKinds[] = {"DAILY_CLEARING", "LARGE_TRADER_CSV", "LARGE_TRADER_PART17",
                                  "POSITION_REPORTS"};

void ToProto(const store::ReportFileRow& row, int latest_pass, pb::ReportFile* out) {
  out->set_business_date(FormatBusinessDate(row.business_date));
  out->set_pass(row.pass);
  out->set_kind(row.kind);
  out->set_name(row.name);
  out->set_sha256_hex(ToHex(row.content_sha256));
  out->set_size_bytes(row.size_bytes);
  out->set_row_count(row.row_count);
  out->set_current(row.pass == latest_pass);
  out->set_content(row.content);
}

absl::Status CheckKind(const std::string& kind) {
  for (const char* known : kKinds) {
    if (kind == known) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "kind \"", ShortenForMessage(kind),
      "\" is not a report kind (DAILY_CLEARING, POSITION_REPORTS, LARGE_TRADER_PART17, "
      "LARGE_TRADER_CSV)"));
}

absl::Status NoReports(const std::string& date) {
  return absl::NotFoundError(absl::StrCat("business_date ", date, " has no stored reports"));
}

}  // namespace

grpc::Status RegulatorServiceImpl::ListReports(Context* context,
                                               const pb::ListReportsRequest* request,
                                               pb::ListReportsResponse* response) {
  return rpc_.Run(context, "ListReports", clearing::kSettlementReaders, kReadTime,
                  [&](const Call& call) -> absl::Status {
                    TC_ASSIGN_OR_RETURN(
                        absl::CivilDay day,
                        ParseBusinessDate("business_date", request->business_date()));
                    return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) {
                      const std::vector<store::ReportFileRow> rows =
                          store::ListReportFilesOfAllPasses(tx, day, false);
                      const int latest = rows.empty() ? 0 : rows.back().pass;
                      for (const store::ReportFileRow& row : rows) {
                        ToProto(row, latest, response->add_reports());
                      }
                      return absl::OkStatus();
                    });
                  });
}

grpc::Status RegulatorServiceImpl::GetReport(Context* context, const pb::GetReportRequest* request,
                                             pb::GetReportResponse* response) {
  return rpc_.Run(
      context, "GetReport", clearing::kSettlementReaders, kReadTime,
      [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(absl::CivilDay day,
                            ParseBusinessDate("business_date", request->business_date()));
        TC_RETURN_IF_ERROR(CheckKind(request->kind()));
        if (request->pass() < 0) {
          return absl::InvalidArgumentError(
              absl::StrCat("pass ", request->pass(), " is negative (0 = the latest)"));
        }
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          const std::vector<store::ReportFileRow> rows =
              store::ListReportFilesOfAllPasses(tx, day, true);
          if (rows.empty()) return NoReports(request->business_date());
          const int latest = rows.back().pass;
          const int pass = request->pass() == 0 ? latest : request->pass();
          for (const store::ReportFileRow& row : rows) {
            if (row.pass == pass && row.kind == request->kind()) {
              ToProto(row, latest, response->mutable_report());
              return absl::OkStatus();
            }
          }
          return absl::NotFoundError(absl::StrCat("business_date ", request->business_date(),
                                                  " has no pass ", pass, " (latest ", latest, ")"));
        });
      });
}

grpc::Status RegulatorServiceImpl::ListReportableLevels(
    Context* context, const pb::ListReportableLevelsRequest*,
    pb::ListReportableLevelsResponse* response) {
  return rpc_.Run(context, "ListReportableLevels", clearing::kSettlementReaders, kReadTime,
                  [&](const Call& call) -> absl::Status {
                    return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) {
                      const reporting::ReportableLevels levels = store::LoadReportableLevels(tx);
                      pb::ReportableLevel* all = response->add_levels();
                      all->set_product_code("*");
                      all->set_level_contracts(levels.default_contracts);
                      for (const auto& [product, level] : levels.by_product) {
                        pb::ReportableLevel* out = response->add_levels();
                        out->set_product_code(product);
                        out->set_level_contracts(level);
                      }
                      return absl::OkStatus();
                    });
                  });
}

grpc::Status RegulatorServiceImpl::SetReportableLevel(Context* context,
                                                      const pb::SetReportableLevelRequest* request,
                                                      pb::SetReportableLevelResponse* response) {
  return rpc_.Run(
      context, "SetReportableLevel", clearing::kAdminOnly, kWriteTime,
      [&](const Call& call) -> absl::Status {
        const pb::ReportableLevel& level = request->level();
        if (level.product_code() != "*") {
          TC_RETURN_IF_ERROR(ValidateIdentifier("level.product_code", level.product_code()));
        }
        if (level.level_contracts() < 1 || level.level_contracts() > kMaxLevelContracts) {
          return absl::InvalidArgumentError(absl::StrCat("level.level_contracts ",
                                                         level.level_contracts(), " is outside 1..",
                                                         kMaxLevelContracts));
        }
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          if (level.product_code() != "*" && !store::ProductExists(tx, level.product_code())) {
            return absl::NotFoundError(
                absl::StrCat("level.product_code ", level.product_code(), " is not a product"));
          }
          const bool changed =
              store::UpsertReportableLevel(tx, level.product_code(), level.level_contracts()) > 0;
          if (changed) {
            store::Audit(tx, call.actor(), "SetReportableLevel", level.product_code(),
                         {"level_contracts"}, {absl::StrCat(level.level_contracts())});
          }
          *response->mutable_level() = level;
          response->set_changed(changed);
          return absl::OkStatus();
        });
      });
}

}  // namespace tc::services
