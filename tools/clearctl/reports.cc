// clearctl's reports noun (RegulatorService): the regulatory reports the end-of-day run
// stored for a date, listed, and exported to a directory byte for byte (each file's
// SHA-256 checked against the server's before it is written). Treasury or regulator token.
//
//   clearctl --token=$TREASURY reports list --date=2026-11-23
//   clearctl --token=$REGULATOR reports export --date=2026-11-23 --out=out/reports
//   clearctl --token=$REGULATOR reports levels
//   clearctl --token=$ADMIN reports level TKF 100     # '*' for every other product
#include <filesystem>
#include <string>
#include <system_error>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/sha256.h"
#include "core/status_macros.h"
#include "tokenclear/v1/regulator.grpc.pb.h"
#include "tools/clearctl/command.h"
#include "tools/clearctl/flags.h"
#include "tools/toolkit/file.h"

namespace tc::clearctl {
namespace {

using tools::TextTable;
using RegulatorStub = pb::RegulatorService::Stub;

absl::StatusOr<std::string> RequiredDate() {
  std::string date = absl::GetFlag(FLAGS_date);
  if (date.empty()) return absl::InvalidArgumentError("--date=YYYY-MM-DD is required");
  return date;
}

absl::StatusOr<pb::ListReportsResponse> ListReports(const Clients& clients,
                                                    const std::string& date) {
  std::unique_ptr<RegulatorStub> stub = pb::RegulatorService::NewStub(clients.api.channel());
  pb::ListReportsRequest request;
  request.set_business_date(date);
  pb::ListReportsResponse response;
  TC_RETURN_IF_ERROR(clients.api.Call(*stub, &RegulatorStub::ListReports, request, &response));
  return response;
}

TextTable ReportTable(std::initializer_list<std::string> extra) {
  std::vector<std::string> columns = {"KIND", "NAME", "PASS", "CURRENT", "ROWS", "BYTES", "SHA256"};
  columns.insert(columns.end(), extra);
  TextTable table(columns);
  table.SetAlignment(0, TextTable::Alignment::kLeft);
  table.SetAlignment(1, TextTable::Alignment::kLeft);
  return table;
}

std::vector<std::string> ReportRow(const pb::ReportFile& f) {
  return {f.kind(),
          f.name(),
          absl::StrCat(f.pass()),
          f.current() ? "yes" : "no",
          absl::StrCat(f.row_count()),
          absl::StrCat(f.size_bytes()),
          f.sha256_hex()};
}

absl::Status List(const Clients& clients, const Args&) {
  TC_ASSIGN_OR_RETURN(const std::string date, RequiredDate());
  TC_ASSIGN_OR_RETURN(pb::ListReportsResponse response, ListReports(clients, date));
  TextTable table = ReportTable({});
  for (const pb::ReportFile& f : response.reports()) table.AddRow(ReportRow(f));
  return Print(response, table);
}

// A file name from the server used under --out: one plain path component.
absl::Status CheckFileName(const std::string& name) {
  if (name.empty() || name == "." || name == ".." ||
      name.find_first_of("/\\") != std::string::npos || name.find('\0') != std::string::npos) {
    return absl::DataLossError(
        absl::StrCat("the server named a report '", name, "', which is not a plain file name"));
  }
  return absl::OkStatus();
}

// The date's current reports (its latest pass), each fetched, checked against its
// SHA-256 and written to --out under the name the server gives it.
absl::Status Export(const Clients& clients, const Args&) {
  TC_ASSIGN_OR_RETURN(const std::string date, RequiredDate());
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) return absl::InvalidArgumentError("--out=DIRECTORY is required");
  TC_ASSIGN_OR_RETURN(pb::ListReportsResponse listed, ListReports(clients, date));
  std::error_code error;
  std::filesystem::create_directories(out, error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot create directory ", out, ": ", error.message()));
  }
  std::unique_ptr<RegulatorStub> stub = pb::RegulatorService::NewStub(clients.api.channel());
  pb::ListReportsResponse written;  // what --json prints: the files written, with content
  TextTable table = ReportTable({"PATH"});
  for (const pb::ReportFile& f : listed.reports()) {
    if (!f.current()) continue;
    TC_RETURN_IF_ERROR(CheckFileName(f.name()));
    pb::GetReportRequest request;
    request.set_business_date(date);
    request.set_kind(f.kind());
    request.set_pass(f.pass());
    pb::GetReportResponse response;
    TC_RETURN_IF_ERROR(clients.api.Call(*stub, &RegulatorStub::GetReport, request, &response));
    const pb::ReportFile& report = response.report();
    if (Sha256Hex(report.content()) != report.sha256_hex() ||
        report.sha256_hex() != f.sha256_hex()) {
      return absl::DataLossError(absl::StrCat(
          "report ", f.name(), ": the content does not match its sha256 ", f.sha256_hex()));
    }
    const std::string path = (std::filesystem::path(out) / f.name()).string();
    TC_RETURN_IF_ERROR(tools::WriteFile(path, report.content()));
    std::vector<std::string> row = ReportRow(report);
    row.push_back(path);
    table.AddRow(row);
    *written.add_reports() = report;
  }
  if (written.reports_size() == 0) {
    return absl::NotFoundError(absl::StrCat("business_date ", date, " has no stored reports"));
  }
  return Print(written, table);
}

absl::Status Levels(const Clients& clients, const Args&) {
  std::unique_ptr<RegulatorStub> stub = pb::RegulatorService::NewStub(clients.api.channel());
  pb::ListReportableLevelsResponse response;
  TC_RETURN_IF_ERROR(clients.api.Call(*stub, &RegulatorStub::ListReportableLevels, {}, &response));
  TextTable table({"PRODUCT", "LEVEL_CONTRACTS"});
  table.SetAlignment(0, TextTable::Alignment::kLeft);
  for (const pb::ReportableLevel& l : response.levels()) {
    table.AddRow({l.product_code(), absl::StrCat(l.level_contracts())});
  }
  return Print(response, table);
}

absl::Status SetLevel(const Clients& clients, const Args& args) {
  pb::SetReportableLevelRequest request;
  request.mutable_level()->set_product_code(args[0]);
  int64_t contracts = 0;
  if (!absl::SimpleAtoi(args[1], &contracts)) {
    return absl::InvalidArgumentError(
        absl::StrCat("CONTRACTS '", args[1], "' is not a whole number of contracts"));
  }
  request.mutable_level()->set_level_contracts(contracts);
  std::unique_ptr<RegulatorStub> stub = pb::RegulatorService::NewStub(clients.api.channel());
  pb::SetReportableLevelResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*stub, &RegulatorStub::SetReportableLevel, request, &response));
  TextTable table({"PRODUCT", "LEVEL_CONTRACTS", "CHANGED"});
  table.SetAlignment(0, TextTable::Alignment::kLeft);
  table.AddRow({response.level().product_code(), absl::StrCat(response.level().level_contracts()),
                response.changed() ? "yes" : "no"});
  return Print(response, table);
}

constexpr Command kCommands[] = {
    {"reports list", "reports list --date=D   (every pass; the latest is current)", 0, List},
    {"reports export", "reports export --date=D --out=DIR   (the current reports, SHA-256 checked)",
     0, Export},
    {"reports levels", "reports levels   (the large-trader reportable levels, contracts)", 0,
     Levels},
    {"reports level",
     "reports level PRODUCT|'*' CONTRACTS   (admin; used from the next end-of-day run on)", 2,
     SetLevel},
};

}  // namespace

absl::Span<const Command> ReportCommands() { return kCommands; }

}  // namespace tc::clearctl
