#include "clearing/feed_sequence.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace tc::clearing {

SequenceRange ReplayedRange(int64_t held_last, int64_t first_sequence, int64_t event_count) {
  if (event_count <= 0 || first_sequence > held_last) return {};
  return {first_sequence, std::min(held_last, first_sequence + event_count - 1)};
}

absl::StatusOr<FeedAdvance> PlanFeedBatch(absl::string_view feed_id, int64_t held_last,
                                          int64_t first_sequence,
                                          absl::Span<const std::string> fingerprints,
                                          const HeldFingerprints& held) {
  if (first_sequence < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("first_sequence ", first_sequence, " must be at least 1"));
  }
  if (first_sequence > held_last + 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("first_sequence ", first_sequence, " leaves a gap: feed '", feed_id,
                     "' holds up to ", held_last, ", so the next is ", held_last + 1));
  }
  const int64_t count = static_cast<int64_t>(fingerprints.size());
  const SequenceRange replayed = ReplayedRange(held_last, first_sequence, count);
  for (int64_t sequence = replayed.first; sequence <= replayed.last; ++sequence) {
    auto it = held.find(sequence);
    if (it == held.end()) continue;
    const int64_t index = sequence - first_sequence;
    if (it->second != fingerprints[index]) {
      return absl::AlreadyExistsError(absl::StrCat(
          "events[", index, "]: sequence ", sequence, " of feed '", feed_id,
          "' is held with other content; a held sequence number is never reused (resume after ",
          held_last, ")"));
    }
  }
  FeedAdvance advance;
  advance.last_sequence = std::max(held_last, first_sequence + count - 1);
  advance.first_new_index = std::clamp<int64_t>(held_last + 1 - first_sequence, 0, count);
  return advance;
}

}  // namespace tc::clearing
