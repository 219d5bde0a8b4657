#include "services/trade_ingestor.h"

#include <optional>
#include <variant>

#include "absl/strings/str_cat.h"
#include "clearing/batch_plan.h"
#include "core/business_date.h"
#include "core/check.h"
#include "core/identifiers.h"
#include "services/proto_convert.h"
#include "store/reference_store.h"
#include "store/savepoint.h"
#include "store/trade_store.h"

namespace tc::services {
namespace {

// Events that converted, with their index in the request.
struct ConvertedEvents {
  std::vector<clearing::TradeEvent> events;
  std::vector<int> request_index;
};

// Plans and writes `events` in `tx`. Returns FAILED_PRECONDITION from the store when a
// gross position would go negative; the caller rolls back what this wrote.
absl::Status PlanAndWrite(pqxx::transaction_base& tx,
                          const std::vector<clearing::TradeEvent>& events,
                          const ReferenceState& state, const Principal& caller,
                          clearing::BatchPlan* plan) {
  const clearing::StoredTrades stored = store::LoadTrades(tx, clearing::KeysToLookUp(events));
  *plan = clearing::PlanBatch(events, state.snapshot, stored);
  if (plan->new_trades.empty() && plan->cancellations.empty()) return absl::OkStatus();
  return store::WritePlan(tx, *plan, *state.snapshot.open_business_date, caller.principal_id);
}

// The slow path: each event in its own savepoint, so that one that cannot be applied is
// rejected alone. Every position the batch touches is locked first, in key order, as the
// fast path does: events in their own order would otherwise lock rows in an order that
// deadlocks against concurrent batches.
std::vector<clearing::EventResult> ApplyOneByOne(
    pqxx::dbtransaction& tx, const std::vector<clearing::TradeEvent>& events,
    const std::vector<std::pair<std::string, std::string>>& touched_positions,
    const ReferenceState& state, const Principal& caller) {
  store::LockPositions(tx, touched_positions);
  std::vector<clearing::EventResult> results;
  results.reserve(events.size());
  for (const clearing::TradeEvent& event : events) {
    store::Savepoint savepoint(tx, "event");
    clearing::BatchPlan plan;
    absl::Status status = PlanAndWrite(savepoint.tx(), {event}, state, caller, &plan);
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

void AuditBatch(pqxx::transaction_base& tx, const Principal& caller, const FeedPosition* feed,
                const std::vector<clearing::EventResult>& results) {
  int accepted = 0, replayed = 0, rejected = 0;
  for (const clearing::EventResult& r : results) {
    accepted += r.outcome == clearing::Outcome::kAccepted;
    replayed += r.outcome == clearing::Outcome::kAlreadyAccepted;
    rejected += r.outcome == clearing::Outcome::kRejected;
  }
  if (accepted == 0) return;  // nothing changed
  store::Audit(tx, caller.principal_id, "SubmitTrades",
               feed != nullptr ? absl::StrCat("feed:", feed->feed_id) : "batch",
               {"accepted", "already_accepted", "rejected", "first_key", "last_key"},
               {absl::StrCat(accepted), absl::StrCat(replayed), absl::StrCat(rejected),
                results.front().key, results.back().key});
}

}  // namespace

absl::StatusOr<IngestResult> TradeIngestor::Ingest(
    const Principal& caller,
    const google::protobuf::RepeatedPtrField<tokenclear::v1::TradeEvent>& request_events,
    const FeedPosition* feed, absl::Time deadline) {
  if (request_events.size() > limits_.max_events) {
    return absl::InvalidArgumentError(absl::StrCat("events: a batch of ", request_events.size(),
                                                   " events exceeds the maximum of ",
                                                   limits_.max_events));
  }
  if (feed != nullptr) {
    if (absl::Status s = ValidateIdentifier("feed_id", feed->feed_id); !s.ok()) return s;
    if (feed->first_sequence < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("first_sequence ", feed->first_sequence, " must be at least 1"));
    }
  }
  IngestResult out;
  out.results.resize(request_events.size());
  ConvertedEvents converted;
  for (int i = 0; i < request_events.size(); ++i) {
    const std::string path = absl::StrCat("events[", i, "]");
    auto event = FromProto(request_events[i], path);
    if (auto* rejection = std::get_if<clearing::Rejection>(&event)) {
      out.results[i] = RejectedResult("", *rejection);
      continue;
    }
    converted.events.push_back(std::get<clearing::TradeEvent>(std::move(event)));
    converted.request_index.push_back(i);
  }

  absl::Status status = pool_.Transact(
      {.deadline = deadline, .retry_unique_violation = true}, [&](pqxx::work& tx) -> absl::Status {
        std::shared_ptr<const ReferenceState> state = cache_.Current(tx);
        if (!state->snapshot.open_business_date) {
          return absl::FailedPreconditionError("no business date is open: trades are refused");
        }
        out.business_date = FormatBusinessDate(*state->snapshot.open_business_date);
        if (feed != nullptr) {
          store::FeedState held = store::LockOrCreateFeed(tx, feed->feed_id, caller.principal_id);
          if (held.principal_id != caller.principal_id) {
            return absl::PermissionDeniedError(
                absl::StrCat("feed_id '", feed->feed_id, "' belongs to another principal"));
          }
          if (feed->first_sequence > held.last_sequence + 1) {
            return absl::FailedPreconditionError(absl::StrCat(
                "first_sequence ", feed->first_sequence, " leaves a gap: feed '", feed->feed_id,
                "' holds up to ", held.last_sequence, ", so the next is ", held.last_sequence + 1));
          }
          out.last_sequence = std::max<int64_t>(held.last_sequence,
                                                feed->first_sequence + request_events.size() - 1);
          store::SaveFeed(tx, feed->feed_id, caller.principal_id, out.last_sequence);
        }
        std::vector<clearing::EventResult> results;
        clearing::BatchPlan plan;
        {
          store::Savepoint batch(tx, "batch");
          absl::Status written = PlanAndWrite(batch.tx(), converted.events, *state, caller, &plan);
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
          results = ApplyOneByOne(tx, converted.events, plan.touched_positions, *state, caller);
        }
        TC_CHECK_EQ(results.size(), converted.events.size());
        for (size_t k = 0; k < results.size(); ++k) {
          const int i = converted.request_index[k];
          out.results[i] = ToProto(results[k], absl::StrCat("events[", i, "]"));
        }
        if (!results.empty()) AuditBatch(tx, caller, feed, results);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<int64_t> TradeIngestor::LastSequence(const Principal& caller,
                                                    const std::string& feed_id) {
  if (absl::Status s = ValidateIdentifier("feed_id", feed_id); !s.ok()) return s;
  std::optional<store::FeedState> held;
  absl::Status status =
      pool_.Transact({.deadline = absl::Now() + absl::Seconds(10)}, [&](pqxx::work& tx) {
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
