// clearctl's index commands (IndexService): sending observations from a CSV file, the
// daily fixing, published fixings, the guards' flags and their approval, the freeze (kill
// switch) and the per-index settings. Values in USD per 1M tokens with 6 decimals, exact.
//
//   clearctl --token=dev-index-provider-token-0001 index observe observations.csv
//   clearctl --token=dev-treasury-token-0001 index fix --index=TOKFRONT --date=2026-11-23
//   clearctl index fixings --index=TOKFRONT --from=2026-11-01 --to=2026-11-30
//   clearctl --token=dev-treasury-token-0001 index flags
//   clearctl --token=dev-treasury2-token-0001 index approve-flag 7 --reason="provider confirmed"
//   clearctl --token=dev-treasury-token-0001 index freeze --index=TOKFRONT --reason=disputed
//   clearctl index settings --index=TOKFRONT
//   clearctl --token=dev-treasury-token-0001 index set-settings --index=TOKFRONT
//       window_minutes=60,partitions=12,min_partitions_filled=9   (one line)
//
// The CSV of `index observe`: index_code,observed_at,value,methodology_version,
// observation_id per line (observed_at in RFC 3339, value a decimal with at most 6
// decimals); blank lines and lines starting with '#' are skipped. The provider is
// --provider.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "core/fixed_point.h"
#include "core/status_macros.h"
#include "formats/csv.h"
#include "tokenclear/v1/index.grpc.pb.h"
#include "tools/clearctl/command.h"
#include "tools/clearctl/flags.h"
#include "tools/toolkit/file.h"
#include "tools/toolkit/money.h"

namespace tc::clearctl {
namespace {

using tools::FormatUsdMicros;
using tools::TextTable;
using IndexStub = pb::IndexService::Stub;

constexpr int kMicroScale = 6;
constexpr int kObservationsPerCall = 5'000;

std::string Utc(const google::protobuf::Timestamp& ts) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ",
                          absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos()),
                          absl::UTCTimeZone());
}

absl::StatusOr<std::string> RequiredFlag(absl::string_view name, const std::string& value) {
  if (value.empty()) return absl::InvalidArgumentError(absl::StrCat("--", name, " is required"));
  return value;
}

absl::StatusOr<pb::IndexObservation> ParseObservation(const formats::CsvRecord& record,
                                                      const std::string& provider) {
  if (record.fields.size() != 5) {
    return formats::CsvLineError(
        record.line_number,
        absl::StrCat("expected index_code,observed_at,value,methodology_version,observation_id, "
                     "got ",
                     record.fields.size(), " fields"));
  }
  pb::IndexObservation o;
  o.set_index_code(std::string(record.fields[0]));
  absl::Time at;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, record.fields[1], &at, &error)) {
    return formats::CsvLineError(record.line_number, absl::StrCat("observed_at '", record.fields[1],
                                                                  "' is not RFC 3339: ", error));
  }
  const int64_t micros = absl::ToUnixMicros(at);
  o.mutable_observed_at()->set_seconds(absl::ToUnixSeconds(absl::FromUnixMicros(micros)));
  o.mutable_observed_at()->set_nanos(
      static_cast<int32_t>((micros - o.observed_at().seconds() * 1'000'000) * 1000));
  absl::StatusOr<int64_t> value = ParseFixed(record.fields[2], kMicroScale);
  if (!value.ok()) return formats::CsvLineError(record.line_number, value.status().message());
  o.set_value_micros(*value);
  o.set_methodology_version(std::string(record.fields[3]));
  o.set_observation_id(std::string(record.fields[4]));
  o.set_provider(provider);
  return o;
}

absl::Status Observe(const Clients& clients, const Args& args) {
  TC_ASSIGN_OR_RETURN(std::string contents, tools::ReadFile(args[0]));
  const std::string provider = absl::GetFlag(FLAGS_provider);
  std::vector<pb::IndexObservation> observations;
  absl::Status parsed =
      formats::ForEachCsvRecord(contents, [&](const formats::CsvRecord& record) -> absl::Status {
        TC_ASSIGN_OR_RETURN(pb::IndexObservation o, ParseObservation(record, provider));
        observations.push_back(std::move(o));
        return absl::OkStatus();
      });
  if (!parsed.ok()) return tools::InFile(args[0], parsed);
  auto stub = pb::IndexService::NewStub(clients.api.channel());
  pb::SubmitIndexObservationsResponse all;
  for (size_t begin = 0; begin < observations.size(); begin += kObservationsPerCall) {
    pb::SubmitIndexObservationsRequest request;
    for (size_t i = begin; i < observations.size() && i < begin + kObservationsPerCall; ++i) {
      *request.add_observations() = observations[i];
    }
    pb::SubmitIndexObservationsResponse response;
    TC_RETURN_IF_ERROR(
        clients.api.Call(*stub, &IndexStub::SubmitIndexObservations, request, &response));
    for (const pb::ObservationResult& r : response.results()) *all.add_results() = r;
  }
  TextTable table({"OBSERVATION", "INDEX", "OBSERVED_AT", "VALUE", "OUTCOME", "FLAG", "MESSAGE"});
  int rejected = 0;
  for (int i = 0; i < all.results_size(); ++i) {
    const pb::ObservationResult& r = all.results(i);
    const pb::IndexObservation& o = observations[i];
    rejected += r.outcome() == pb::OBSERVATION_OUTCOME_REJECTED;
    table.AddRow({r.observation_id(), o.index_code(), Utc(o.observed_at()),
                  FormatUsdMicros(o.value_micros()),
                  EnumLabel(pb::ObservationOutcome_Name(r.outcome()), "OBSERVATION_OUTCOME_"),
                  r.flag_id() == 0 ? "-" : absl::StrCat(r.flag_id()),
                  r.message().empty() ? "-" : r.message()});
  }
  TC_RETURN_IF_ERROR(Print(all, table));
  if (rejected > 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(rejected, " of ", all.results_size(), " observations rejected"));
  }
  return absl::OkStatus();
}

TextTable FixingTable() {
  return TextTable({"INDEX", "DATE", "VALUE", "METHOD", "WINDOW_UTC", "PARTITIONS", "OBSERVATIONS",
                    "COMPUTED_BY"});
}

std::vector<std::string> FixingRow(const pb::IndexFixing& f) {
  return {f.index_code(),
          f.business_date(),
          FormatUsdMicros(f.value_micros()),
          f.method_version(),
          absl::StrCat(Utc(f.window_start()), "..", Utc(f.window_end())),
          absl::StrCat(f.medians_size(), "/", f.partitions()),
          absl::StrCat(f.observation_count()),
          f.computed_by()};
}

absl::Status Fix(const Clients& clients, const Args&) {
  pb::ComputeFixingRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_index_code(),
                      RequiredFlag("index", absl::GetFlag(FLAGS_index)));
  TC_ASSIGN_OR_RETURN(*request.mutable_business_date(),
                      RequiredFlag("date", absl::GetFlag(FLAGS_date)));
  auto stub = pb::IndexService::NewStub(clients.api.channel());
  pb::IndexFixing fixing;
  TC_RETURN_IF_ERROR(clients.api.Call(*stub, &IndexStub::ComputeFixing, request, &fixing));
  TextTable table = FixingTable();
  table.AddRow(FixingRow(fixing));
  return Print(fixing, table);
}

absl::Status Fixings(const Clients& clients, const Args&) {
  pb::ListFixingsRequest request;
  request.set_index_code(absl::GetFlag(FLAGS_index));
  request.set_from_date(absl::GetFlag(FLAGS_from));
  request.set_to_date(absl::GetFlag(FLAGS_to));
  auto stub = pb::IndexService::NewStub(clients.api.channel());
  pb::ListFixingsResponse response;
  TC_RETURN_IF_ERROR(clients.api.Call(*stub, &IndexStub::ListFixings, request, &response));
  TextTable table = FixingTable();
  for (const pb::IndexFixing& f : response.fixings()) table.AddRow(FixingRow(f));
  return Print(response, table);
}

std::vector<std::string> FlagRow(const pb::IndexFlag& f) {
  return {absl::StrCat(f.flag_id()),
          f.index_code(),
          f.business_date(),
          EnumLabel(pb::IndexFlagKind_Name(f.kind()), "INDEX_FLAG_KIND_"),
          f.observation_id().empty() ? "-" : f.observation_id(),
          f.approved() ? absl::StrCat("APPROVED by ", f.approved_by()) : "PENDING",
          f.detail()};
}

TextTable FlagTable() {
  return TextTable({"FLAG", "INDEX", "DATE", "KIND", "OBSERVATION", "STATUS", "DETAIL"});
}

absl::Status Flags(const Clients& clients, const Args&) {
  pb::ListIndexFlagsRequest request;
  request.set_index_code(absl::GetFlag(FLAGS_index));
  request.set_business_date(absl::GetFlag(FLAGS_date));
  auto stub = pb::IndexService::NewStub(clients.api.channel());
  pb::ListIndexFlagsResponse response;
  TC_RETURN_IF_ERROR(clients.api.Call(*stub, &IndexStub::ListIndexFlags, request, &response));
  TextTable table = FlagTable();
  for (const pb::IndexFlag& f : response.flags()) table.AddRow(FlagRow(f));
  return Print(response, table);
}

absl::Status ApproveFlag(const Clients& clients, const Args& args) {
  pb::ApproveIndexFlagRequest request;
  int64_t flag_id = 0;
  if (!absl::SimpleAtoi(args[0], &flag_id)) {
    return absl::InvalidArgumentError(absl::StrCat("flag ID '", args[0], "' is not a number"));
  }
  request.set_flag_id(flag_id);
  request.set_reason(absl::GetFlag(FLAGS_reason));
  auto stub = pb::IndexService::NewStub(clients.api.channel());
  pb::IndexFlag flag;
  TC_RETURN_IF_ERROR(clients.api.Call(*stub, &IndexStub::ApproveIndexFlag, request, &flag));
  TextTable table = FlagTable();
  table.AddRow(FlagRow(flag));
  return Print(flag, table);
}

absl::Status PrintFreeze(const pb::IndexFreezeState& state) {
  TextTable table({"INDEX", "FROZEN", "REASON", "CHANGED_BY", "CHANGED_AT"});
  table.AddRow({state.index_code(), state.frozen() ? "yes" : "no",
                state.reason().empty() ? "-" : state.reason(),
                state.changed_by().empty() ? "-" : state.changed_by(),
                state.has_changed_at() ? Utc(state.changed_at()) : "-"});
  return Print(state, table);
}

template <typename Request>
absl::StatusOr<Request> FreezeRequest() {
  Request request;
  TC_ASSIGN_OR_RETURN(*request.mutable_index_code(),
                      RequiredFlag("index", absl::GetFlag(FLAGS_index)));
  request.set_reason(absl::GetFlag(FLAGS_reason));
  return request;
}

absl::Status Freeze(const Clients& clients, const Args&) {
  TC_ASSIGN_OR_RETURN(pb::FreezeIndexRequest request, FreezeRequest<pb::FreezeIndexRequest>());
  auto stub = pb::IndexService::NewStub(clients.api.channel());
  pb::IndexFreezeState state;
  TC_RETURN_IF_ERROR(clients.api.Call(*stub, &IndexStub::FreezeIndex, request, &state));
  return PrintFreeze(state);
}

absl::Status Unfreeze(const Clients& clients, const Args&) {
  TC_ASSIGN_OR_RETURN(pb::UnfreezeIndexRequest request, FreezeRequest<pb::UnfreezeIndexRequest>());
  auto stub = pb::IndexService::NewStub(clients.api.channel());
  pb::IndexFreezeState state;
  TC_RETURN_IF_ERROR(clients.api.Call(*stub, &IndexStub::UnfreezeIndex, request, &state));
  return PrintFreeze(state);
}

TextTable SettingsTable() {
  return TextTable({"INDEX", "WINDOW_START_MIN", "WINDOW_MIN", "PARTITIONS", "MIN_FILLED",
                    "STALE_AFTER_S", "MAX_JUMP_BPS", "SOURCE"});
}

std::vector<std::string> SettingsRow(const pb::IndexSettings& s) {
  return {s.index_code(),
          absl::StrCat(s.window_start_minutes()),
          absl::StrCat(s.window_minutes()),
          absl::StrCat(s.partitions()),
          absl::StrCat(s.min_partitions_filled()),
          absl::StrCat(s.stale_after_seconds()),
          absl::StrCat(s.max_jump_bps()),
          s.is_default() ? "default" : absl::StrCat("set by ", s.updated_by())};
}

// --index, else the index of every product.
absl::Status Settings(const Clients& clients, const Args&) {
  std::set<std::string> codes;
  if (!absl::GetFlag(FLAGS_index).empty()) {
    codes.insert(absl::GetFlag(FLAGS_index));
  } else {
    pb::ListProductsResponse products;
    TC_RETURN_IF_ERROR(
        clients.api.Call(*clients.reference, &ReferenceStub::ListProducts, {}, &products));
    for (const pb::Product& p : products.products()) codes.insert(p.index_code());
  }
  auto stub = pb::IndexService::NewStub(clients.api.channel());
  TextTable table = SettingsTable();
  pb::IndexSettingsList all;
  for (const std::string& code : codes) {
    pb::GetIndexSettingsRequest request;
    request.set_index_code(code);
    pb::IndexSettings settings;
    TC_RETURN_IF_ERROR(clients.api.Call(*stub, &IndexStub::GetIndexSettings, request, &settings));
    table.AddRow(SettingsRow(settings));
    *all.add_settings() = settings;
  }
  return Print(all, table);
}

// KEY=VALUE[,KEY=VALUE...] over the settings' field names.
absl::Status SetSettings(const Clients& clients, const Args& args) {
  pb::SetIndexSettingsRequest request;
  TC_ASSIGN_OR_RETURN(*request.mutable_index_code(),
                      RequiredFlag("index", absl::GetFlag(FLAGS_index)));
  for (absl::string_view pair : absl::StrSplit(args[0], ',', absl::SkipEmpty())) {
    std::vector<absl::string_view> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    int64_t value = 0;
    if (kv.size() != 2 || !absl::SimpleAtoi(kv[1], &value)) {
      return absl::InvalidArgumentError(absl::StrCat("'", pair, "' is not KEY=INTEGER"));
    }
    const absl::string_view key = kv[0];
    const bool fits_int32 = value >= INT32_MIN && value <= INT32_MAX;
    if (key == "stale_after_seconds") {
      request.set_stale_after_seconds(value);
    } else if (key == "max_jump_bps") {
      request.set_max_jump_bps(value);
    } else if (!fits_int32) {
      return absl::InvalidArgumentError(absl::StrCat(key, " = ", value, " is out of range"));
    } else if (key == "window_start_minutes") {
      request.set_window_start_minutes(static_cast<int32_t>(value));
    } else if (key == "window_minutes") {
      request.set_window_minutes(static_cast<int32_t>(value));
    } else if (key == "partitions") {
      request.set_partitions(static_cast<int32_t>(value));
    } else if (key == "min_partitions_filled") {
      request.set_min_partitions_filled(static_cast<int32_t>(value));
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("'", key,
                       "' is not a setting (window_start_minutes, window_minutes, partitions, "
                       "min_partitions_filled, stale_after_seconds, max_jump_bps)"));
    }
  }
  auto stub = pb::IndexService::NewStub(clients.api.channel());
  pb::IndexSettings settings;
  TC_RETURN_IF_ERROR(clients.api.Call(*stub, &IndexStub::SetIndexSettings, request, &settings));
  TextTable table = SettingsTable();
  table.AddRow(SettingsRow(settings));
  return Print(settings, table);
}

constexpr Command kCommands[] = {
    {"index observe",
     "index observe FILE.csv [--provider=P]  (index_code,observed_at,value,"
     "methodology_version,observation_id)",
     1, Observe},
    {"index fix", "index fix --index=CODE --date=YYYY-MM-DD", 0, Fix},
    {"index fixings", "index fixings [--index=CODE] [--from=DATE] [--to=DATE]", 0, Fixings},
    {"index flags", "index flags [--index=CODE] [--date=DATE]", 0, Flags},
    {"index approve-flag", "index approve-flag FLAG_ID --reason=TEXT", 1, ApproveFlag},
    {"index freeze", "index freeze --index=CODE --reason=TEXT", 0, Freeze},
    {"index unfreeze", "index unfreeze --index=CODE --reason=TEXT", 0, Unfreeze},
    {"index settings", "index settings [--index=CODE]", 0, Settings},
    {"index set-settings", "index set-settings --index=CODE KEY=VALUE[,KEY=VALUE...]", 1,
     SetSettings},
};

}  // namespace

absl::Span<const Command> IndexCommands() { return kCommands; }

}  // namespace tc::clearctl
