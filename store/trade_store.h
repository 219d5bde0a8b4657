// PostgreSQL access for trade capture: reads what is stored under a batch's keys, and
// writes a clearing::BatchPlan (trades by COPY, cancellations, position changes, the
// feed's sequence number) inside the caller's transaction. After writing it reads open
// interest back for the instruments touched: long must equal short.
//
//   StoredTrades stored = LoadTrades(tx, KeysToLookUp(events));
//   BatchPlan plan = PlanBatch(events, snapshot, stored);
//   TC_RETURN_IF_ERROR(WritePlan(tx, plan, business_date, principal_id));
#ifndef TOKENCLEAR_STORE_TRADE_STORE_H_
#define TOKENCLEAR_STORE_TRADE_STORE_H_

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "clearing/batch_plan.h"
#include "clearing/feed_sequence.h"

namespace tc::store {

// Keys that are not well-formed identifiers are skipped: they cannot be stored.
clearing::StoredTrades LoadTrades(pqxx::transaction_base& tx, const std::vector<std::string>& keys);

// Writes the plan: trades, cancellations, then positions, locked in key order first.
// Returns FAILED_PRECONDITION naming the account and instrument when a gross position
// would go negative (closing more than is open), in which case the caller rolls back;
// aborts if open interest reads back out of balance.
absl::Status WritePlan(pqxx::transaction_base& tx, const clearing::BatchPlan& plan,
                       absl::CivilDay business_date, const std::string& submitted_by);

// Makes the positions exist (at zero when new) and locks them, in key order, for the
// rest of the transaction. Applying events one by one afterwards then takes no further
// row locks, so it cannot deadlock with batches that lock in the same order.
void LockPositions(pqxx::transaction_base& tx,
                   const std::vector<std::pair<std::string, std::string>>& sorted_keys);

// The failure-to-pay rule's input (clearing::PositionsToCheck): locks the stored
// positions among `sorted_keys`, in key order, for the rest of the transaction, and
// returns their net (long - short). A pair with no row is flat and left out; no row is
// created, so a refused trade leaves nothing behind. Locking first (as WritePlan does
// for the rows it changes, in the same order) keeps a concurrent batch from moving a
// flagged member's position between this read and the write it decides.
clearing::NetPositions LockNetPositions(
    pqxx::transaction_base& tx,
    const std::vector<std::pair<std::string, std::string>>& sorted_keys);

struct FeedState {
  std::string principal_id;
  int64_t last_sequence = 0;
  int64_t session_epoch = 0;  // moves on at every logon (BeginFeedSession)
};

// The feed's row (created at sequence 0 for `principal_id` if new), locked for the rest
// of the transaction so that one feed is applied by one stream at a time.
FeedState LockOrCreateFeed(pqxx::transaction_base& tx, const std::string& feed_id,
                           const std::string& principal_id);
// The feed's row as committed; waits for a batch of the feed whose transaction is under way.
std::optional<FeedState> ReadFeed(pqxx::transaction_base& tx, const std::string& feed_id);
// A logon: locks (or creates) the feed and, when `principal_id` owns it, moves its session
// epoch on, so that batches of any earlier session are refused from now on.
FeedState BeginFeedSession(pqxx::transaction_base& tx, const std::string& feed_id,
                           const std::string& principal_id);
void SaveFeed(pqxx::transaction_base& tx, const std::string& feed_id, int64_t last_sequence);

// The content fingerprints (clearing/feed_sequence.h) held for sequences first..last.
clearing::HeldFingerprints LoadFeedFingerprints(pqxx::transaction_base& tx,
                                                const std::string& feed_id, int64_t first,
                                                int64_t last);
// Keeps the fingerprints of a batch's new events, which take first_sequence onwards.
void InsertFeedFingerprints(pqxx::transaction_base& tx, const std::string& feed_id,
                            int64_t first_sequence, absl::Span<const std::string> fingerprints);

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_TRADE_STORE_H_
