#include "services/trade_capture/trade_ingestor.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <algorithm>
#include <optional>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "clearing/batch_plan.h"
#include "clearing/feed_sequence.h"
#include "core/business_date.h"
#include "core/check.h"
#include "core/identifiers.h"
#include "core/sha256.h"
#include "core/status_macros.h"
#include "services/common/proto_convert.h"
#include "store/reference_store.h"
#include "store/savepoint.h"
#include "store/settlement_store.h"
#include "store/trade_store.h"

namespace tc::services {
namespace {

// Events that converted, with their index in the request.
struct ConvertedEvents {
  std::vector<clearing::TradeEvent> events;
  std::vector<int> request_index;
};

// Plans and writes `events` in `tx`. Returns FAILED_PRECONDITION from the store when a
// gross position would go negative; the caller rolls back what this wrote. When a flagged
// member trades (failure to pay), the positions the plan judges are read locked first and
// named in `checked_positions`; otherwise that stays empty and costs no query.
absl::Status PlanAndWrite(pqxx::transaction_base& tx,
                          const std::vector<clearing::TradeEvent>& events,
                          const ReferenceState& state, const Principal& caller,
                          clearing::BatchPlan* plan,
                          std::vector<std::pair<std::string, std::string>>* checked_positions) {
  const clearing::StoredTrades stored = store::LoadTrades(tx, clearing::KeysToLookUp(events));
  *checked_positions = clearing::PositionsToCheck(events, state.snapshot, stored);
  if (checked_positions->empty()) {
    *plan = clearing::PlanBatch(events, state.snapshot, stored);
  } else {
    *plan = clearing::PlanBatch(events, state.snapshot, stored,
                                store::LockNetPositions(tx, *checked_positions));
  }
  if (plan->new_trades.empty() && plan->cancellations.empty()) return absl::OkStatus();
  return store::WritePlan(tx, *plan, *state.snapshot.open_business_date, caller.principal_id);
}

// The slow path: each event in its own savepoint, so that one that cannot be applied is
// rejected alone. Every position the batch touches is locked first, in key order, as the
// fast path does: events in their own order would otherwise lock rows in an order that
// deadlocks against concurrent batches. That includes the positions the failure-to-pay
// rule reads (`checked_positions`, stored rows only): an event the batch plan refused
// may be accepted here, after an earlier event was rolled back.
std::vector<clearing::EventResult> ApplyOneByOne(
    pqxx::dbtransaction& tx, const std::vector<clearing::TradeEvent>& events,
    const std::vector<std::pair<std::string, std::string>>& touched_positions,
    const std::vector<std::pair<std::string, std::string>>& checked_positions,
    const ReferenceState& state, const Principal& caller) {
  if (!checked_positions.empty()) {
    std::vector<std::pair<std::string, std::string>> all = touched_positions;
    all.insert(all.end(), checked_positions.begin(), checked_positions.end());
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    store::LockNetPositions(tx, all);
  }
  store::LockPositions(tx, touched_positions);
  std::vector<clearing::EventResult> results;
  results.reserve(events.size());
  for (const clearing::TradeEvent& event : events) {
    store::Savepoint savepoint(tx, "event");
    clearing::BatchPlan plan;
    std::vector<std::pair<std::string, std::string>> checked;
    absl::Status status = PlanAndWrite(savepoint.tx(), {event}, state, caller, &plan, &checked);
    if (status.ok()) {
      savepoint.Release();
      results.push_back(plan.results[0]);
      continue;
    }
    savepoint.RollBack();
    results.push_back(clearing::EventResult{
        std::string(clearing::IdempotencyKey(event)), clearing::Outcome::kRejected,
        clearing::Rejection{status.code(), "", std::string(status.message())}});
  }
  return results;
}

// Locks the feed, applies the feed-sequence rule and keeps the new events' fingerprints.
absl::StatusOr<int64_t> AdvanceFeed(pqxx::transaction_base& tx, const FeedPosition& feed,
                                    const Principal& caller,
                                    const std::vector<std::string>& fingerprints) {
  store::FeedState held = store::LockOrCreateFeed(tx, feed.feed_id, caller.principal_id);
  if (held.principal_id != caller.principal_id) {
    return absl::PermissionDeniedError(
        absl::StrCat("feed_id '", feed.feed_id, "' belongs to another principal"));
  }
  if (held.session_epoch != feed.session_epoch) {
    return absl::AbortedError(absl::StrCat("feed_id '", feed.feed_id,
                                           "' was taken over by a later logon (session epoch ",
                                           held.session_epoch, "): this session is ended"));
  }
  const clearing::SequenceRange replayed = clearing::ReplayedRange(
      held.last_sequence, feed.first_sequence, static_cast<int64_t>(fingerprints.size()));
  const clearing::HeldFingerprints held_prints =
      store::LoadFeedFingerprints(tx, feed.feed_id, replayed.first, replayed.last);
  TC_ASSIGN_OR_RETURN(clearing::FeedAdvance advance,
                      clearing::PlanFeedBatch(feed.feed_id, held.last_sequence, feed.first_sequence,
                                              fingerprints, held_prints));
  if (advance.last_sequence != held.last_sequence) {
    store::SaveFeed(tx, feed.feed_id, advance.last_sequence);
    store::InsertFeedFingerprints(
        tx, feed.feed_id, feed.first_sequence + advance.first_new_index,
        absl::MakeConstSpan(fingerprints).subspan(advance.first_new_index));
  }
  return advance.last_sequence;
}

void AuditBatch(pqxx::transaction_base& tx, const store::Actor& actor, const FeedPosition* feed,
                const std::vector<clearing::EventResult>& results) {
  int accepted = 0, replayed = 0, rejected = 0;
  for (const clearing::EventResult& r : results) {
    accepted += r.outcome == clearing::Outcome::kAccepted;
    replayed += r.outcome == clearing::Outcome::kAlreadyAccepted;
    rejected += r.outcome == clearing::Outcome::kRejected;
  }
  if (accepted == 0) return;  // nothing changed
  store::Audit(tx, actor, "SubmitTrades",
               feed != nullptr ? absl::StrCat("feed:", feed->feed_id) : "batch",
               {"accepted", "already_accepted", "rejected", "first_key", "last_key"},
               {absl::StrCat(accepted), absl::StrCat(replayed), absl::StrCat(rejected),
                results.front().key, results.back().key});
}

}  // namespace

absl::StatusOr<IngestResult> TradeIngestor::Ingest(
    const Principal& caller, const std::string& request_id,
    const google::protobuf::RepeatedPtrField<tokenclear::v1::TradeEvent>& request_events,
    const FeedPosition* feed, absl::Time deadline) {
  if (request_events.size() > limits_.max_events) {
    return absl::InvalidArgumentError(absl::StrCat("events: a batch of ", request_events.size(),
                                                   " events exceeds the maximum of ",
                                                   limits_.max_events));
  }
  std::vector<std::string> fingerprints;
  if (feed != nullptr) {
    if (absl::Status s = ValidateIdentifier("feed_id", feed->feed_id); !s.ok()) return s;
    fingerprints.reserve(request_events.size());
    for (const tokenclear::v1::TradeEvent& event : request_events) {
      fingerprints.push_back(EventFingerprint(event));
    }
  }
  IngestResult out;
  out.results.resize(request_events.size());
  ConvertedEvents converted;
  for (int i = 0; i < request_events.size(); ++i) {
    const std::string path = absl::StrCat("events[", i, "]");
    auto event = FromProto(request_events[i], path);
    if (auto* rejection = std::get_if<clearing::Rejection>(&event)) {
      out.results[i] = RejectedResult(SentEventKey(request_events[i]), *rejection);
      continue;
    }
    converted.events.push_back(std::get<clearing::TradeEvent>(std::move(event)));
    converted.request_index.push_back(i);
  }

  absl::Status status = pool_.Transact(
      {.deadline = deadline, .retry_unique_violation = true}, [&](pqxx::work& tx) -> absl::Status {
        std::shared_ptr<const ReferenceState> state = cache_.Current(tx);
        // The share lock on the open day's row makes the end-of-day close wait for this
        // batch, and refuses the batch once the close has committed: no trade lands in a
        // day whose positions are being frozen.
        if (!state->snapshot.open_business_date ||
            !store::LockOpenBusinessDay(tx, *state->snapshot.open_business_date)) {
          return absl::FailedPreconditionError("no business date is open: trades are refused");
        }
        out.business_date = FormatBusinessDate(*state->snapshot.open_business_date);
        if (feed != nullptr) {
          TC_ASSIGN_OR_RETURN(out.last_sequence, AdvanceFeed(tx, *feed, caller, fingerprints));
        }
        std::vector<clearing::EventResult> results;
        clearing::BatchPlan plan;
        std::vector<std::pair<std::string, std::string>> checked_positions;
        {
          store::Savepoint batch(tx, "batch");
          absl::Status written =
              PlanAndWrite(batch.tx(), converted.events, *state, caller, &plan, &checked_positions);
          if (written.ok()) {
            batch.Release();
            results = std::move(plan.results);
          } else if (written.code() == absl::StatusCode::kFailedPrecondition) {
            batch.RollBack();
          } else {
            return written;
          }
        }
        if (results.empty() && !converted.events.empty()) {
          results = ApplyOneByOne(tx, converted.events, plan.touched_positions, checked_positions,
                                  *state, caller);
        }
        TC_CHECK_EQ(results.size(), converted.events.size());
        for (size_t k = 0; k < results.size(); ++k) {
          const int i = converted.request_index[k];
          out.results[i] = ToProto(results[k], absl::StrCat("events[", i, "]"));
        }
        if (!results.empty()) AuditBatch(tx, {caller.principal_id, request_id}, feed, results);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<FeedSessionStart> TradeIngestor::BeginFeedSession(const Principal& caller,
                                                                 const std::string& feed_id,
                                                                 absl::Time deadline) {
  TC_RETURN_IF_ERROR(ValidateIdentifier("feed_id", feed_id));
  store::FeedState held;
  TC_RETURN_IF_ERROR(pool_.Transact({.deadline = deadline}, [&](pqxx::work& tx) {
    held = store::BeginFeedSession(tx, feed_id, caller.principal_id);
    return absl::OkStatus();
  }));
  if (held.principal_id != caller.principal_id) {
    return absl::PermissionDeniedError(
        absl::StrCat("feed_id '", feed_id, "' belongs to another principal"));
  }
  return FeedSessionStart{held.last_sequence, held.session_epoch};
}

std::string EventFingerprint(const tokenclear::v1::TradeEvent& event) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    event.SerializeToCodedStream(&coded);
  }
  const Sha256Digest digest = Sha256(bytes);
  return std::string(reinterpret_cast<const char*>(digest.data()), clearing::kFeedFingerprintBytes);
}

absl::StatusOr<int64_t> TradeIngestor::LastSequence(const Principal& caller,
                                                    const std::string& feed_id,
                                                    absl::Time deadline) {
  if (absl::Status s = ValidateIdentifier("feed_id", feed_id); !s.ok()) return s;
  std::optional<store::FeedState> held;
  absl::Status status = pool_.Transact({.deadline = deadline}, [&](pqxx::work& tx) {
    held = store::ReadFeed(tx, feed_id);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!held) return 0;
  if (held->principal_id != caller.principal_id) {
    return absl::PermissionDeniedError(
        absl::StrCat("feed_id '", feed_id, "' belongs to another principal"));
  }
  return held->last_sequence;
}

}  // namespace tc::services
