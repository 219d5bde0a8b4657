// The exchange-feed sequence rule, pure. Each event of a feed batch takes the next
// sequence number, starting at the batch's `first_sequence`. Against the last sequence
// the clearing house holds for the feed:
//   - a batch that starts past held + 1 leaves a gap: refused (FAILED_PRECONDITION, saying
//     where to resume), nothing applied;
//   - events at or below the held sequence are replays: each must be the very event held
//     at that sequence (same content fingerprint), or the whole batch is refused
//     (ALREADY_EXISTS naming the sequence): a held sequence number is never reused;
//   - events above it are new, and the feed then holds up to the batch's last sequence.
//
//   TC_ASSIGN_OR_RETURN(FeedAdvance advance,
//                       PlanFeedBatch("F1", held_last, batch.first_sequence, fingerprints,
//                                     held_fingerprints));
//   store the fingerprints from advance.first_new_index on; held becomes advance.last_sequence
#ifndef TOKENCLEAR_CLEARING_FEED_SEQUENCE_H_
#define TOKENCLEAR_CLEARING_FEED_SEQUENCE_H_

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace tc::clearing {

// A 16-byte content fingerprint of one feed event (a truncated SHA-256 of its bytes).
inline constexpr size_t kFeedFingerprintBytes = 16;

// Sequence number -> fingerprint of the event held at it (only those a batch replays).
using HeldFingerprints = absl::flat_hash_map<int64_t, std::string>;

struct FeedAdvance {
  int64_t last_sequence = 0;    // held after the batch
  int64_t first_new_index = 0;  // index of the batch's first event above the held sequence
};

// The sequence range [first, last] of a batch's events that are replays of held ones
// (empty when first > last).
struct SequenceRange {
  int64_t first = 0;
  int64_t last = -1;
};
SequenceRange ReplayedRange(int64_t held_last, int64_t first_sequence, int64_t event_count);

// Applies the rule above. `fingerprints` holds one per event of the batch, in order;
// `held` must hold a fingerprint for every sequence of ReplayedRange (a missing one, e.g.
// from before fingerprints were kept, is accepted as unknown rather than refused).
absl::StatusOr<FeedAdvance> PlanFeedBatch(absl::string_view feed_id, int64_t held_last,
                                          int64_t first_sequence,
                                          absl::Span<const std::string> fingerprints,
                                          const HeldFingerprints& held);

}  // namespace tc::clearing

#endif  // TOKENCLEAR_CLEARING_FEED_SEQUENCE_H_
