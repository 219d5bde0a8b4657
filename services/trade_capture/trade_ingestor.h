// Trade ingestion, end to end below the transport: converts events, and in ONE
// transaction reads the reference snapshot and what is stored under the events' keys,
// plans the batch (clearing::PlanBatch), writes it, advances the feed's sequence number
// (clearing::PlanFeedBatch: no gap, no held sequence reused) and audits it. Only after
// the commit returns does the caller acknowledge.
//
// When a new trade or correction has a side on an account of a member with an open
// failure-to-pay flag (in the reference snapshot), the positions the batch touches are
// read locked in the same transaction so that PlanBatch accepts only trades that reduce
// the flagged member's positions (clearing/risk_reducing.h); with no flagged member in
// the batch this costs no query.
//
// A batch whose CLOSE sides would take a gross position below zero is retried in the
// same way event by event, each in a savepoint, so that only the offending events are
// rejected. Retries after a lost connection or an unknown commit outcome are safe
// because every event is idempotent on its key.
//
//   TradeIngestor ingestor(pool, cache, {.max_events = 10'000});
//   absl::StatusOr<IngestResult> result = ingestor.Ingest(caller, request.events(), nullptr,
//                                                          deadline);
#ifndef TOKENCLEAR_SERVICES_TRADE_INGESTOR_H_
#define TOKENCLEAR_SERVICES_TRADE_INGESTOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/repeated_field.h"
#include "services/common/auth.h"
#include "services/common/reference_cache.h"
#include "store/pg_pool.h"
#include "tokenclear/v1/trade_capture.pb.h"

namespace tc::services {

struct IngestLimits {
  int max_events = 10'000;  // per batch or stream message
};

// Where a batch sits in an exchange feed: its events take sequence numbers
// first_sequence, first_sequence + 1, ...; sent by the session of `session_epoch`.
struct FeedPosition {
  std::string feed_id;
  int64_t first_sequence = 0;
  int64_t session_epoch = 0;
};

struct IngestResult {
  std::vector<tokenclear::v1::TradeResult> results;  // one per event, in order
  std::string business_date;
  int64_t last_sequence = 0;  // of the feed, after this batch (feeds only)
};

// A feed session as started by a logon: where to resume, and the session's epoch.
struct FeedSessionStart {
  int64_t last_sequence = 0;
  int64_t session_epoch = 0;
};

class TradeIngestor {
 public:
  TradeIngestor(store::PgPool& pool, ReferenceCache& cache, IngestLimits limits)
      : pool_(pool), cache_(cache), limits_(limits) {}

  // `request_id` names the call in the audit log.
  absl::StatusOr<IngestResult> Ingest(
      const Principal& caller, const std::string& request_id,
      const google::protobuf::RepeatedPtrField<tokenclear::v1::TradeEvent>& events,
      const FeedPosition* feed, absl::Time deadline);

  // A logon: the held sequence, and a new session epoch that fences earlier sessions.
  // PERMISSION_DENIED when the feed belongs to another principal.
  absl::StatusOr<FeedSessionStart> BeginFeedSession(const Principal& caller,
                                                    const std::string& feed_id,
                                                    absl::Time deadline);

  // The last sequence number held for a feed (0 when unknown); PERMISSION_DENIED when
  // the feed belongs to another principal.
  absl::StatusOr<int64_t> LastSequence(const Principal& caller, const std::string& feed_id,
                                       absl::Time deadline);

  const IngestLimits& limits() const { return limits_; }

 private:
  store::PgPool& pool_;
  ReferenceCache& cache_;
  const IngestLimits limits_;
};

// The content fingerprint of a feed event (clearing/feed_sequence.h): a truncated SHA-256
// of its deterministic serialization.
std::string EventFingerprint(const tokenclear::v1::TradeEvent& event);

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_TRADE_INGESTOR_H_
