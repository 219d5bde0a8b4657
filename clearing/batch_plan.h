// Plans a batch of trade events: decides each event's outcome (accepted, already
// accepted, rejected) and the rows and position changes the store must write, given the
// reference snapshot and what is already stored under the events' keys. Pure, so every
// rule of idempotency, cancel and correction is testable without a database; the
// service writes the plan in the same transaction that read the stored state. When a
// member is flagged (failure to pay, clearing/risk_reducing.h), the plan also needs the
// net positions its events touch; PositionsToCheck names them, and names none when no
// flagged member trades, so the common case costs no query.
//
//   std::vector<std::string> keys = KeysToLookUp(events);
//   StoredTrades stored = store.LoadTrades(tx, keys);
//   NetPositions nets = store.LockNetPositions(tx, PositionsToCheck(events, snapshot, stored));
//   BatchPlan plan = PlanBatch(events, snapshot, stored, nets);
//   store.Write(tx, plan); tx.commit();
#ifndef TOKENCLEAR_CLEARING_BATCH_PLAN_H_
#define TOKENCLEAR_CLEARING_BATCH_PLAN_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/civil_time.h"
#include "clearing/novation.h"
#include "clearing/reference_data.h"
#include "clearing/rejection.h"
#include "clearing/risk_reducing.h"
#include "clearing/trade_event.h"
#include "core/sha256.h"

namespace tc::clearing {

struct StoredCancellation {
  bool is_correction = false;
  std::string replaced_by;
  Sha256Digest payload_hash{};
};

// A trade as stored, with its cancellation if it has one.
struct StoredTrade {
  Trade trade;
  Sha256Digest payload_hash{};
  absl::CivilDay business_date;
  std::optional<StoredCancellation> cancellation;
};

using StoredTrades = absl::flat_hash_map<std::string, StoredTrade>;

enum class Outcome { kAccepted, kAlreadyAccepted, kRejected };

struct EventResult {
  std::string key;
  Outcome outcome = Outcome::kRejected;
  std::optional<Rejection> rejection;  // set when rejected
};

struct NewTradeRow {
  Trade trade;
  Sha256Digest payload_hash{};
};

struct CancellationRow {
  std::string trade_id;
  bool is_correction = false;
  std::string replaced_by;
  std::string reason;
  Sha256Digest payload_hash{};
};

struct BatchPlan {
  std::vector<EventResult> results;  // one per event, in order
  std::vector<NewTradeRow> new_trades;
  std::vector<CancellationRow> cancellations;
  std::vector<PositionChange> position_changes;  // aggregated, sorted, nets to zero
  // Every (account, instrument) any event touches, sorted and unique, including those
  // whose changes cancel out: the rows to lock before applying events one by one.
  std::vector<std::pair<std::string, std::string>> touched_positions;
};

// Every trade id whose stored state the plan needs: new trades' and replacements' ids,
// and the ids that cancels and corrections refer to.
std::vector<std::string> KeysToLookUp(const std::vector<TradeEvent>& events);

// The positions whose net PlanBatch needs for the failure-to-pay rule. Empty unless a new
// trade or a replacement has a side on an account of a flagged member; then every
// (account, instrument) of known accounts and instruments that the batch's events may
// touch (their sides, and the trades that cancels and corrections reverse), sorted and
// unique: the caller reads them locked, in this one order, as every batch locks
// positions, so that concurrent batches neither deadlock nor decide on stale positions.
std::vector<std::pair<std::string, std::string>> PositionsToCheck(
    const std::vector<TradeEvent>& events, const ReferenceSnapshot& snapshot,
    const StoredTrades& stored);

// Events are applied in order: a cancel may bust a trade accepted earlier in the same
// batch. A cancel or correction may only touch a trade of the open business date.
//
// A new trade, or a correction's replacement, with a side on an account of a flagged
// member is rejected (FAILED_PRECONDITION, field naming the side) unless that side
// reduces the account's position (clearing/risk_reducing.h), judged from `nets` (the
// stored net positions, see PositionsToCheck; an absent pair is flat) as changed by the
// events before it in the batch. A correction is judged as a whole (the original's bust
// and the replacement together), and a correction that leaves the side's position where
// it was is accepted: fixing a price or a time adds no risk. Cancels are never refused
// by this rule: a bust adds no risk.
BatchPlan PlanBatch(const std::vector<TradeEvent>& events, const ReferenceSnapshot& snapshot,
                    const StoredTrades& stored, const NetPositions& nets = NetPositions{});

}  // namespace tc::clearing

#endif  // TOKENCLEAR_CLEARING_BATCH_PLAN_H_
