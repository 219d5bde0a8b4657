#include "services/index/index_service.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/business_date.h"
#include "core/check.h"
#include "core/identifiers.h"
#include "core/price_limits.h"
#include "core/sha256.h"
#include "core/status_macros.h"
#include "services/common/proto_convert.h"
#include "settlement/index_fixing.h"
#include "settlement/index_guards.h"
#include "settlement/index_settings.h"
#include "store/index_store.h"
#include "store/reference_store.h"

namespace tc::services {
namespace {

namespace pb = ::tokenclear::v1;

constexpr absl::Duration kReadTime = absl::Seconds(30);
constexpr absl::Duration kWriteTime = absl::Seconds(60);
constexpr absl::Duration kBatchTime = absl::Seconds(120);
constexpr size_t kMaxReasonBytes = 500;
// Observation times: the years 2000..2199, like trade times.

std::string Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

// An index is known when a product references it (products.index_code).
absl::Status CheckKnownIndex(absl::string_view field, const std::string& index_code,
                             const ReferenceState& state) {
  TC_RETURN_IF_ERROR(ValidateIdentifier(field, index_code));
  for (const auto& [code, product] : state.snapshot.products) {
    if (product.index_code == index_code) return absl::OkStatus();
  }
  return absl::NotFoundError(
      absl::StrCat(field, " '", index_code, "' is not the index of any product"));
}

absl::StatusOr<std::string> ValidReason(absl::string_view field, const std::string& reason) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(reason);
  if (trimmed.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is empty"));
  if (trimmed.size() > kMaxReasonBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " has ", trimmed.size(), " bytes, at most ", kMaxReasonBytes));
  }
  return std::string(trimmed);
}

// An optional date filter: empty means none.
absl::StatusOr<std::optional<absl::CivilDay>> OptionalDate(absl::string_view field,
                                                           const std::string& text) {
  if (text.empty()) return std::optional<absl::CivilDay>();
  TC_ASSIGN_OR_RETURN(absl::CivilDay day, ParseBusinessDate(field, text));
  return std::optional<absl::CivilDay>(day);
}

// ---- Observations ----

// The observation as it will be stored, or the status that rejects it (nothing written).
absl::StatusOr<store::IndexObservationRow> ValidObservation(const pb::IndexObservation& o,
                                                            const std::string& path,
                                                            const ReferenceState& state) {
  TC_RETURN_IF_ERROR(ValidateIdentifier(absl::StrCat(path, ".observation_id"), o.observation_id()));
  TC_RETURN_IF_ERROR(CheckKnownIndex(absl::StrCat(path, ".index_code"), o.index_code(), state));
  if (!IsPriceInRange(o.value_micros())) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".value_micros ", o.value_micros(),
                                                   " is outside ", kMinPriceMicros, "..",
                                                   kMaxPriceMicros));
  }
  if (!o.has_observed_at()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".observed_at is required"));
  }
  const google::protobuf::Timestamp& ts = o.observed_at();
  TC_ASSIGN_OR_RETURN(const absl::Time observed_at,
                      TimeFromTimestamp(absl::StrCat(path, ".observed_at"), ts));
  // Stored with PostgreSQL's microsecond precision: a finer time would not read back as
  // sent, and the fixing would not replay from what is stored.
  if (ts.nanos() % 1000 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".observed_at nanos ", ts.nanos(), " is finer than a microsecond"));
  }
  TC_RETURN_IF_ERROR(ValidateIdentifier(absl::StrCat(path, ".provider"), o.provider()));
  TC_RETURN_IF_ERROR(
      ValidateIdentifier(absl::StrCat(path, ".methodology_version"), o.methodology_version()));
  store::IndexObservationRow row;
  row.observation_id = o.observation_id();
  row.index_code = o.index_code();
  row.observed_at = observed_at;
  row.value_micros = o.value_micros();
  row.provider = o.provider();
  row.methodology_version = o.methodology_version();
  // Every field but the ID, each length-prefixed, so that a resend is recognised as the
  // same observation or as different content under the same ID.
  std::string payload;
  for (const std::string& field :
       {row.index_code, absl::StrCat(absl::ToUnixMicros(row.observed_at)),
        absl::StrCat(row.value_micros), row.provider, row.methodology_version}) {
    absl::StrAppend(&payload, field.size(), ":", field, ";");
  }
  row.payload_sha256_hex = ToHex(Sha256(payload));
  return row;
}

void Reject(pb::ObservationResult* result, const absl::Status& status) {
  result->set_outcome(pb::OBSERVATION_OUTCOME_REJECTED);
  result->set_code(static_cast<int32_t>(status.code()));
  result->set_message(std::string(status.message()));
}

// ---- Fixings ----

pb::IndexFixing FixingToProto(const store::IndexFixingRow& f) {
  pb::IndexFixing out;
  out.set_index_code(f.index_code);
  out.set_business_date(FormatBusinessDate(f.fixing_date));
  out.set_value_micros(f.value_micros);
  out.set_method_version(f.method_version);
  SetTimestamp(f.window_start, out.mutable_window_start());
  SetTimestamp(f.window_end, out.mutable_window_end());
  out.set_partitions(f.partitions);
  out.set_min_partitions_filled(f.min_partitions_filled);
  for (const settlement::PartitionMedian& m : f.medians) {
    pb::PartitionMedian* p = out.add_medians();
    p->set_partition(m.partition);
    p->set_observation_count(m.observation_count);
    p->set_median_micros(m.median_micros);
  }
  out.set_observation_count(f.observation_count);
  out.set_observations_sha256(f.observations_sha256_hex);
  for (const store::FixingObservationRow& o : f.observations) {
    pb::FixingObservation* p = out.add_observations();
    p->set_observation_id(o.observation_id);
    SetTimestamp(o.observed_at, p->mutable_observed_at());
    p->set_value_micros(o.value_micros);
  }
  out.set_computed_by(f.computed_by);
  SetTimestamp(f.computed_at, out.mutable_computed_at());
  return out;
}

// The digest of the observations a fixing used, in time order: (observed_at in epoch
// microseconds, value_micros, observation_id) per observation.
std::string ObservationsDigestHex(const std::vector<store::FixingObservationRow>& observations) {
  std::string text;
  for (const store::FixingObservationRow& o : observations) {
    absl::StrAppend(&text, absl::ToUnixMicros(o.observed_at), ",", o.value_micros, ",",
                    o.observation_id, "\n");
  }
  return ToHex(Sha256(text));
}

pb::IndexFlagKind KindToProto(store::IndexFlagKind kind) {
  return kind == store::IndexFlagKind::kJump ? pb::INDEX_FLAG_KIND_JUMP : pb::INDEX_FLAG_KIND_STALE;
}

pb::IndexFlag FlagToProto(const store::IndexFlagRow& f) {
  pb::IndexFlag out;
  out.set_flag_id(f.flag_id);
  out.set_index_code(f.index_code);
  out.set_business_date(FormatBusinessDate(f.business_date));
  out.set_kind(KindToProto(f.kind));
  out.set_observation_id(f.observation_id);
  out.set_detail(f.detail);
  out.set_raised_by(f.raised_by);
  SetTimestamp(f.raised_at, out.mutable_raised_at());
  out.set_approved(f.approved());
  if (f.approved()) {
    out.set_approved_by(f.approved_by);
    SetTimestamp(f.approved_at, out.mutable_approved_at());
    out.set_approval_reason(f.approval_reason);
  }
  return out;
}

std::string DescribeFlag(const store::IndexFlagRow& f) {
  return absl::StrCat("flag ", f.flag_id, " (", store::IndexFlagKindName(f.kind),
                      f.observation_id.empty() ? "" : absl::StrCat(" ", f.observation_id), ": ",
                      f.detail, ")");
}

pb::IndexFreezeState FreezeToProto(const std::string& index_code,
                                   const std::optional<store::IndexFreezeRow>& row) {
  pb::IndexFreezeState out;
  out.set_index_code(index_code);
  if (row) {
    out.set_frozen(row->frozen);
    out.set_reason(row->reason);
    out.set_changed_by(row->changed_by);
    SetTimestamp(row->changed_at, out.mutable_changed_at());
  }
  return out;
}

pb::IndexSettings SettingsToProto(const store::IndexSettings& s, bool is_default,
                                  const std::string& updated_by) {
  pb::IndexSettings out;
  out.set_index_code(s.index_code);
  out.set_window_start_minutes(s.window_start_minutes);
  out.set_window_minutes(s.window_minutes);
  out.set_partitions(s.partitions);
  out.set_min_partitions_filled(s.min_partitions_filled);
  out.set_stale_after_seconds(s.stale_after_seconds);
  out.set_max_jump_bps(s.max_jump_bps);
  out.set_is_default(is_default);
  out.set_updated_by(updated_by);
  return out;
}

bool SameSettings(const store::IndexSettings& a, const store::IndexSettings& b) {
  return a.window_start_minutes == b.window_start_minutes && a.window_minutes == b.window_minutes &&
         a.partitions == b.partitions && a.min_partitions_filled == b.min_partitions_filled &&
         a.stale_after_seconds == b.stale_after_seconds && a.max_jump_bps == b.max_jump_bps;
}

}  // namespace

grpc::Status IndexServiceImpl::SubmitIndexObservations(
    Context* context, const pb::SubmitIndexObservationsRequest* request,
    pb::SubmitIndexObservationsResponse* response) {
  return rpc_.Run(
      context, "SubmitIndexObservations", clearing::kIndexProviderOnly, kBatchTime,
      [&](const Call& call) -> absl::Status {
        const int count = request->observations_size();
        if (count < 1 || count > kMaxObservationsPerCall) {
          return absl::InvalidArgumentError(absl::StrCat(
              "observations: ", count, " given, expected 1..", kMaxObservationsPerCall));
        }
        const absl::Time now = clock_.Now();
        // A concurrent batch with the same observation ID: the retry sees its row.
        return pool_.Transact(
            {.deadline = call.deadline, .retry_unique_violation = true},
            [&](pqxx::work& tx) -> absl::Status {
              response->clear_results();
              std::shared_ptr<const ReferenceState> state = cache_.Current(tx);
              std::map<std::string, store::IndexSettings> settings;  // per index, read once
              int64_t accepted = 0;
              std::vector<std::string> flags;
              for (int i = 0; i < count; ++i) {
                const pb::IndexObservation& o = request->observations(i);
                pb::ObservationResult* result = response->add_results();
                result->set_observation_id(o.observation_id());
                absl::StatusOr<store::IndexObservationRow> row =
                    ValidObservation(o, absl::StrCat("observations[", i, "]"), *state);
                if (!row.ok()) {
                  Reject(result, row.status());
                  continue;
                }
                row->submitted_by = call.caller.principal_id;
                row->submitted_at = now;
                // The rule of exactly once: same ID and content is a no-op, same ID and
                // other content an error naming the ID.
                if (std::optional<store::IndexObservationRow> existing =
                        store::FindIndexObservation(tx, row->observation_id)) {
                  if (existing->payload_sha256_hex == row->payload_sha256_hex) {
                    result->set_outcome(pb::OBSERVATION_OUTCOME_ALREADY_ACCEPTED);
                  } else {
                    Reject(result, absl::AlreadyExistsError(
                                       absl::StrCat("observation_id '", row->observation_id,
                                                    "' already exists with different content")));
                  }
                  continue;
                }
                auto [it, inserted] = settings.try_emplace(row->index_code);
                if (inserted) it->second = store::LoadIndexSettings(tx, row->index_code);
                const absl::CivilDay day = absl::ToCivilDay(row->observed_at, absl::UTCTimeZone());
                std::optional<settlement::JumpFinding> jump = settlement::FindJump(
                    row->value_micros,
                    store::PreviousObservationValue(tx, row->index_code, row->observed_at),
                    store::PreviousFixingValue(tx, row->index_code, day), it->second.max_jump_bps);
                TC_CHECK(store::InsertIndexObservation(tx, *row)) << row->observation_id;
                result->set_outcome(pb::OBSERVATION_OUTCOME_ACCEPTED);
                ++accepted;
                if (jump) {
                  store::IndexFlagRow flag;
                  flag.index_code = row->index_code;
                  flag.business_date = day;
                  flag.kind = store::IndexFlagKind::kJump;
                  flag.observation_id = row->observation_id;
                  flag.detail = settlement::DescribeJump(*jump, it->second.max_jump_bps);
                  flag.raised_by = call.caller.principal_id;
                  flag.raised_at = now;
                  const store::RaisedFlag raised = store::RaiseIndexFlag(tx, flag);
                  result->set_flag_id(raised.flag_id);
                  flags.push_back(absl::StrCat(raised.flag_id));
                }
              }
              if (accepted > 0) {
                store::Audit(tx, call.actor(), "SubmitIndexObservations", "index_observations",
                             {"accepted", "jump_flags"},
                             {absl::StrCat(accepted), absl::StrJoin(flags, ",")});
              }
              return absl::OkStatus();
            });
      });
}

grpc::Status IndexServiceImpl::ComputeFixing(Context* context,
                                             const pb::ComputeFixingRequest* request,
                                             pb::IndexFixing* response) {
  return rpc_.Run(
      context, "ComputeFixing", clearing::kTreasuryOnly, kWriteTime,
      [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(const absl::CivilDay day,
                            ParseBusinessDate("business_date", request->business_date()));
        const std::string& code = request->index_code();
        const std::string date = FormatBusinessDate(day);
        const absl::Time now = clock_.Now();
        // A refusal that still commits what the guards found (the flag must outlive the
        // call, so that treasury can approve it).
        absl::Status blocked;
        TC_RETURN_IF_ERROR(pool_.Transact(
            {.deadline = call.deadline, .retry_unique_violation = true},
            [&](pqxx::work& tx) -> absl::Status {
              blocked = absl::OkStatus();
              TC_RETURN_IF_ERROR(CheckKnownIndex("index_code", code, *cache_.Current(tx)));
              // A fixing is computed once; asking again returns it and writes nothing.
              if (std::optional<store::IndexFixingRow> existing =
                      store::FindIndexFixing(tx, code, day, /*with_observations=*/true)) {
                *response = FixingToProto(*existing);
                return absl::OkStatus();
              }
              if (std::optional<store::IndexFreezeRow> freeze = store::LatestIndexFreeze(tx, code);
                  freeze && freeze->frozen) {
                return absl::FailedPreconditionError(
                    absl::StrCat("index ", code, " is frozen since ", Utc(freeze->changed_at),
                                 " by ", freeze->changed_by, " (", freeze->reason,
                                 "); no fixing is computed until treasury unfreezes it"));
              }
              const store::IndexSettings settings = store::LoadIndexSettings(tx, code);
              const settlement::SettlementWindow window =
                  settlement::SettlementWindowOf(settings, day);
              const std::vector<store::IndexObservationRow> rows = store::LoadIndexObservations(
                  tx, code, window.start, window.end, /*with_last_before=*/true);
              std::vector<settlement::IndexObservation> observations;
              observations.reserve(rows.size());
              for (const store::IndexObservationRow& r : rows) {
                observations.push_back({r.value_micros, r.observed_at});
              }

              const absl::Duration stale_after = absl::Seconds(settings.stale_after_seconds);
              if (std::optional<settlement::StaleFinding> stale =
                      settlement::FindStaleness(observations, window, stale_after)) {
                store::IndexFlagRow flag;
                flag.index_code = code;
                flag.business_date = day;
                flag.kind = store::IndexFlagKind::kStale;
                flag.detail = settlement::DescribeStaleness(*stale, stale_after);
                flag.raised_by = call.caller.principal_id;
                flag.raised_at = now;
                const store::RaisedFlag raised = store::RaiseIndexFlag(tx, flag);
                if (raised.raised_now) {
                  store::Audit(tx, call.actor(), "RaiseIndexFlag", absl::StrCat(raised.flag_id),
                               {"index_code", "business_date", "kind"}, {code, date, "STALE"});
                }
              }
              std::vector<std::string> pending;
              for (const store::IndexFlagRow& f :
                   store::ListIndexFlags(tx, code, day, /*pending_only=*/true)) {
                pending.push_back(DescribeFlag(f));
              }
              if (!pending.empty()) {
                blocked = absl::FailedPreconditionError(
                    absl::StrCat("fixing of ", code, " for ", date,
                                 " waits for treasury approval of ", absl::StrJoin(pending, ", ")));
                return absl::OkStatus();  // commit the flag, refuse the fixing
              }

              TC_ASSIGN_OR_RETURN(settlement::IndexFixing fixing,
                                  settlement::ComputeIndexFixing(
                                      settlement::FixingMethodOf(settings, day), observations));
              if (std::optional<int64_t> held = store::FindIndexValue(tx, code, day);
                  held && *held != fixing.value_micros) {
                return absl::FailedPreconditionError(absl::StrCat(
                    "index_values holds ", *held, " for ", code, " on ", date, ", the fixing is ",
                    fixing.value_micros, "; the index history is not overwritten"));
              }
              store::IndexFixingRow row;
              row.index_code = code;
              row.fixing_date = day;
              row.value_micros = fixing.value_micros;
              row.method_version = fixing.method_version;
              row.window_start = fixing.window_start;
              row.window_end = fixing.window_end;
              row.partitions = fixing.partitions;
              row.min_partitions_filled = settings.min_partitions_filled;
              row.medians = fixing.medians;
              for (const store::IndexObservationRow& r : rows) {
                if (r.observed_at >= window.start && r.observed_at < window.end) {
                  row.observations.push_back({r.observation_id, r.observed_at, r.value_micros});
                }
              }
              // Rows are in (time, ID) order, the method's in (time, value): same set.
              TC_CHECK_EQ(row.observations.size(), fixing.observations_used.size());
              row.observation_count = static_cast<int64_t>(row.observations.size());
              row.observations_sha256_hex = ObservationsDigestHex(row.observations);
              row.computed_by = call.caller.principal_id;
              row.computed_at = now;
              store::InsertIndexFixing(tx, row);
              if (!store::FindIndexValue(tx, code, day)) {
                store::InsertIndexValue(tx, code, day, row.value_micros, call.caller.principal_id);
              }
              store::Audit(tx, call.actor(), "ComputeFixing", absl::StrCat(code, "/", date),
                           {"value_micros", "method_version"},
                           {absl::StrCat(row.value_micros), row.method_version});
              *response = FixingToProto(row);
              return absl::OkStatus();
            }));
        return blocked;
      });
}

grpc::Status IndexServiceImpl::GetFixing(Context* context, const pb::GetFixingRequest* request,
                                         pb::IndexFixing* response) {
  return rpc_.Run(
      context, "GetFixing", clearing::kAnyRole, kReadTime, [&](const Call& call) -> absl::Status {
        TC_RETURN_IF_ERROR(ValidateIdentifier("index_code", request->index_code()));
        TC_ASSIGN_OR_RETURN(const absl::CivilDay day,
                            ParseBusinessDate("business_date", request->business_date()));
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          std::optional<store::IndexFixingRow> fixing =
              store::FindIndexFixing(tx, request->index_code(), day, true);
          if (!fixing) {
            return absl::NotFoundError(absl::StrCat("no fixing of ", request->index_code(), " for ",
                                                    FormatBusinessDate(day)));
          }
          *response = FixingToProto(*fixing);
          return absl::OkStatus();
        });
      });
}

grpc::Status IndexServiceImpl::ListFixings(Context* context, const pb::ListFixingsRequest* request,
                                           pb::ListFixingsResponse* response) {
  return rpc_.Run(
      context, "ListFixings", clearing::kAnyRole, kReadTime, [&](const Call& call) -> absl::Status {
        if (!request->index_code().empty()) {
          TC_RETURN_IF_ERROR(ValidateIdentifier("index_code", request->index_code()));
        }
        TC_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> from,
                            OptionalDate("from_date", request->from_date()));
        TC_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> to,
                            OptionalDate("to_date", request->to_date()));
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          response->clear_fixings();
          for (const store::IndexFixingRow& f :
               store::ListIndexFixings(tx, request->index_code(), from, to)) {
            *response->add_fixings() = FixingToProto(f);
          }
          return absl::OkStatus();
        });
      });
}

grpc::Status IndexServiceImpl::ListIndexFlags(Context* context,
                                              const pb::ListIndexFlagsRequest* request,
                                              pb::ListIndexFlagsResponse* response) {
  return rpc_.Run(
      context, "ListIndexFlags", clearing::kSettlementReaders, kReadTime,
      [&](const Call& call) -> absl::Status {
        if (!request->index_code().empty()) {
          TC_RETURN_IF_ERROR(ValidateIdentifier("index_code", request->index_code()));
        }
        TC_ASSIGN_OR_RETURN(std::optional<absl::CivilDay> day,
                            OptionalDate("business_date", request->business_date()));
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          response->clear_flags();
          for (const store::IndexFlagRow& f :
               store::ListIndexFlags(tx, request->index_code(), day, request->pending_only())) {
            *response->add_flags() = FlagToProto(f);
          }
          return absl::OkStatus();
        });
      });
}

grpc::Status IndexServiceImpl::ApproveIndexFlag(Context* context,
                                                const pb::ApproveIndexFlagRequest* request,
                                                pb::IndexFlag* response) {
  return rpc_.Run(
      context, "ApproveIndexFlag", clearing::kTreasuryOnly, kWriteTime,
      [&](const Call& call) -> absl::Status {
        if (request->flag_id() <= 0) {
          return absl::InvalidArgumentError(
              absl::StrCat("flag_id ", request->flag_id(), " is not a flag ID (> 0)"));
        }
        TC_ASSIGN_OR_RETURN(const std::string reason, ValidReason("reason", request->reason()));
        const absl::Time now = clock_.Now();
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          std::optional<store::IndexFlagRow> flag =
              store::FindIndexFlag(tx, request->flag_id(), /*for_update=*/true);
          if (!flag) {
            return absl::NotFoundError(
                absl::StrCat("flag_id ", request->flag_id(), " does not exist"));
          }
          if (flag->approved()) {
            return absl::FailedPreconditionError(
                absl::StrCat("flag ", flag->flag_id, " was approved by ", flag->approved_by, " at ",
                             Utc(flag->approved_at)));
          }
          store::ApproveIndexFlag(tx, flag->flag_id, call.caller.principal_id, reason, now);
          store::Audit(tx, call.actor(), "ApproveIndexFlag", absl::StrCat(flag->flag_id),
                       {"index_code", "business_date", "reason"},
                       {flag->index_code, FormatBusinessDate(flag->business_date), reason});
          flag->approved_by = call.caller.principal_id;
          flag->approved_at = absl::FromUnixMicros(absl::ToUnixMicros(now));
          flag->approval_reason = reason;
          *response = FlagToProto(*flag);
          return absl::OkStatus();
        });
      });
}

grpc::Status IndexServiceImpl::SetFrozen(Context* context, absl::string_view method,
                                         const std::string& index_code, const std::string& reason,
                                         bool frozen, pb::IndexFreezeState* response) {
  return rpc_.Run(
      context, method, clearing::kTreasuryOnly, kWriteTime, [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(const std::string why, ValidReason("reason", reason));
        const absl::Time now = clock_.Now();
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          TC_RETURN_IF_ERROR(CheckKnownIndex("index_code", index_code, *cache_.Current(tx)));
          // One change at a time per index: concurrent freezes queue here.
          tx.exec_params("SELECT pg_advisory_xact_lock(hashtext('index_freeze:' || $1))",
                         index_code);
          std::optional<store::IndexFreezeRow> latest = store::LatestIndexFreeze(tx, index_code);
          const bool is_frozen = latest && latest->frozen;
          if (is_frozen != frozen) {
            store::IndexFreezeRow row{index_code, frozen, why, call.caller.principal_id,
                                      absl::FromUnixMicros(absl::ToUnixMicros(now))};
            store::AppendIndexFreeze(tx, row);
            store::Audit(tx, call.actor(), std::string(method), index_code, {"reason"}, {why});
            latest = row;
          }
          *response = FreezeToProto(index_code, latest);
          return absl::OkStatus();
        });
      });
}

grpc::Status IndexServiceImpl::FreezeIndex(Context* context, const pb::FreezeIndexRequest* request,
                                           pb::IndexFreezeState* response) {
  return SetFrozen(context, "FreezeIndex", request->index_code(), request->reason(), true,
                   response);
}

grpc::Status IndexServiceImpl::UnfreezeIndex(Context* context,
                                             const pb::UnfreezeIndexRequest* request,
                                             pb::IndexFreezeState* response) {
  return SetFrozen(context, "UnfreezeIndex", request->index_code(), request->reason(), false,
                   response);
}

grpc::Status IndexServiceImpl::SetIndexSettings(Context* context,
                                                const pb::SetIndexSettingsRequest* request,
                                                pb::IndexSettings* response) {
  return rpc_.Run(
      context, "SetIndexSettings", clearing::kTreasuryOnly, kWriteTime,
      [&](const Call& call) -> absl::Status {
        const absl::Time now = clock_.Now();
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          const std::string& code = request->index_code();
          TC_RETURN_IF_ERROR(CheckKnownIndex("index_code", code, *cache_.Current(tx)));
          const std::optional<store::StoredIndexSettings> stored =
              store::FindIndexSettings(tx, code);
          store::IndexSettings settings =
              stored ? stored->settings : store::IndexSettings{.index_code = code};
          const store::IndexSettings before = settings;
          if (request->has_window_start_minutes()) {
            settings.window_start_minutes = request->window_start_minutes();
          }
          if (request->has_window_minutes()) settings.window_minutes = request->window_minutes();
          if (request->has_partitions()) settings.partitions = request->partitions();
          if (request->has_min_partitions_filled()) {
            settings.min_partitions_filled = request->min_partitions_filled();
          }
          if (request->has_stale_after_seconds()) {
            settings.stale_after_seconds = request->stale_after_seconds();
          }
          if (request->has_max_jump_bps()) settings.max_jump_bps = request->max_jump_bps();
          TC_RETURN_IF_ERROR(settlement::ValidateIndexSettings(settings));
          // The same settings again change nothing, not even the audit log.
          if (stored && SameSettings(before, settings)) {
            *response = SettingsToProto(settings, false, stored->updated_by);
            return absl::OkStatus();
          }
          store::UpsertIndexSettings(tx, settings, call.caller.principal_id, now);
          store::Audit(
              tx, call.actor(), "SetIndexSettings", code,
              {"window_start_minutes", "window_minutes", "partitions", "min_partitions_filled",
               "stale_after_seconds", "max_jump_bps"},
              {absl::StrCat(settings.window_start_minutes), absl::StrCat(settings.window_minutes),
               absl::StrCat(settings.partitions), absl::StrCat(settings.min_partitions_filled),
               absl::StrCat(settings.stale_after_seconds), absl::StrCat(settings.max_jump_bps)});
          *response = SettingsToProto(settings, false, call.caller.principal_id);
          return absl::OkStatus();
        });
      });
}

grpc::Status IndexServiceImpl::GetIndexSettings(Context* context,
                                                const pb::GetIndexSettingsRequest* request,
                                                pb::IndexSettings* response) {
  return rpc_.Run(
      context, "GetIndexSettings", clearing::kAnyRole, kReadTime,
      [&](const Call& call) -> absl::Status {
        const std::string& code = request->index_code();
        TC_RETURN_IF_ERROR(ValidateIdentifier("index_code", code));
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          TC_RETURN_IF_ERROR(CheckKnownIndex("index_code", code, *cache_.Current(tx)));
          if (std::optional<store::StoredIndexSettings> stored =
                  store::FindIndexSettings(tx, code)) {
            *response = SettingsToProto(stored->settings, false, stored->updated_by);
          } else {
            *response = SettingsToProto(store::IndexSettings{.index_code = code}, true, "");
          }
          return absl::OkStatus();
        });
      });
}

}  // namespace tc::services
