// libFuzzer target: a sequence of feed batches through the feed-sequence rule
// (clearing/feed_sequence.h), as one exchange feed would send them. The bytes are a script
// of batches: where each starts (the next sequence, a replay of the tail, a gap, or any
// int64), how many events it has and each event's content. The target keeps what the
// clearing house would hold (the last sequence and a fingerprint per held sequence), as
// the server does, and checks every answer against the rule:
//   - a gap or a first_sequence below 1 is refused; nothing changes;
//   - a replayed event with other content is refused (ALREADY_EXISTS); a held sequence
//     number never changes its content;
//   - an accepted batch advances the feed to max(held, its last sequence), its new events
//     start exactly after the held sequence, and resending it at once changes nothing.
// Registered in fuzz/CMakeLists.txt (clearing/CMakeLists.txt is owned by other work).
// Run: bench/fuzz.sh feed_sequence_fuzz SECONDS.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "clearing/feed_sequence.h"

namespace {

namespace clearing = tc::clearing;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "FUZZ CHECK FAILED: %s\n", what.c_str());
  std::abort();
}

// The message is built only when the check fails: checks run millions of times.
#define FUZZ_REQUIRE(condition, what) \
  do {                                \
    if (!(condition)) Fail(what);     \
  } while (false)

// Reads the script; past the end every read is 0.
class Script {
 public:
  Script(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return at_ >= size_; }
  uint8_t Byte() { return at_ < size_ ? data_[at_++] : 0; }
  int64_t Int64() {
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits = bits << 8 | Byte();
    int64_t value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

std::string Fingerprint(uint8_t content) {
  return std::string(clearing::kFeedFingerprintBytes, static_cast<char>(content));
}

// What the clearing house holds for the feed.
struct Feed {
  int64_t held_last = 0;
  clearing::HeldFingerprints held;

  // The fingerprints a batch replays, as the store would load them.
  clearing::HeldFingerprints Replayed(int64_t first, size_t count) const {
    clearing::HeldFingerprints out;
    const clearing::SequenceRange range =
        clearing::ReplayedRange(held_last, first, static_cast<int64_t>(count));
    for (int64_t sequence = range.first; sequence <= range.last; ++sequence) {
      auto it = held.find(sequence);
      if (it != held.end()) out.emplace(sequence, it->second);
    }
    return out;
  }

  absl::StatusOr<clearing::FeedAdvance> Plan(int64_t first,
                                             const std::vector<std::string>& fps) const {
    return clearing::PlanFeedBatch("F1", held_last, first, fps, Replayed(first, fps.size()));
  }
};

constexpr int kMaxBatches = 64;
constexpr int kMaxEvents = 32;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Script script(data, size);
  Feed feed;
  for (int batch = 0; batch < kMaxBatches && !script.done(); ++batch) {
    const uint8_t how = script.Byte();
    const int64_t back = script.Byte();
    int64_t first = 0;
    switch (how & 3) {
      case 0:  // the next sequence
        first = feed.held_last + 1;
        break;
      case 1:  // a replay of the tail
        first = std::max<int64_t>(1, feed.held_last - back);
        break;
      case 2:  // a gap
        first = feed.held_last + 2 + back;
        break;
      default:  // anything
        first = script.Int64();
        break;
    }
    const bool honest = (how & 4) != 0;  // replayed events carry the held content
    const size_t count = script.Byte() % (kMaxEvents + 1);
    std::vector<std::string> fps;
    for (size_t i = 0; i < count; ++i) {
      std::string fp = Fingerprint(script.Byte());
      const bool replayed = first >= 1 && first <= feed.held_last &&
                            static_cast<int64_t>(i) <= feed.held_last - first;
      if (honest && replayed) {
        auto it = feed.held.find(first + static_cast<int64_t>(i));
        if (it != feed.held.end()) fp = it->second;
      }
      fps.push_back(std::move(fp));
    }
    const int64_t held_before = feed.held_last;
    auto what = [&] {
      return absl::StrCat("batch ", batch, " first_sequence ", first, " of ", count,
                          " events, held ", held_before);
    };

    absl::StatusOr<clearing::FeedAdvance> advance = feed.Plan(first, fps);
    const bool gap = first < 1 || first > feed.held_last + 1;
    bool reuses = false;
    for (size_t i = 0; !gap && i < count; ++i) {
      auto it = feed.held.find(first + static_cast<int64_t>(i));
      reuses |= it != feed.held.end() && it->second != fps[i];
    }
    if (!advance.ok()) {
      const absl::StatusCode code = advance.status().code();
      FUZZ_REQUIRE(gap || reuses,
                   absl::StrCat(what(), ": refused without a gap or a reused sequence: ",
                                advance.status().ToString()));
      FUZZ_REQUIRE(
          code == (first < 1 ? absl::StatusCode::kInvalidArgument
                   : gap     ? absl::StatusCode::kFailedPrecondition
                             : absl::StatusCode::kAlreadyExists),
          absl::StrCat(what(), ": refused with the wrong code: ", advance.status().ToString()));
      continue;
    }
    FUZZ_REQUIRE(!gap, absl::StrCat(what(), ": a gap was accepted"));
    FUZZ_REQUIRE(!reuses,
                 absl::StrCat(what(), ": a held sequence was accepted with other content"));
    const int64_t last = first + static_cast<int64_t>(count) - 1;
    FUZZ_REQUIRE(advance->last_sequence == std::max(feed.held_last, last),
                 absl::StrCat(what(), ": advanced to ", advance->last_sequence));
    FUZZ_REQUIRE(advance->first_new_index == std::clamp<int64_t>(feed.held_last + 1 - first, 0,
                                                                 static_cast<int64_t>(count)),
                 absl::StrCat(what(), ": first new event at index ", advance->first_new_index));

    // What the server stores: the new events' fingerprints and the new last sequence.
    for (size_t i = static_cast<size_t>(advance->first_new_index); i < count; ++i) {
      const bool stored = feed.held.emplace(first + static_cast<int64_t>(i), fps[i]).second;
      FUZZ_REQUIRE(stored, absl::StrCat(what(), ": new event at an already held sequence"));
    }
    feed.held_last = advance->last_sequence;

    // Resent at once (its ack was lost): a pure replay.
    absl::StatusOr<clearing::FeedAdvance> again = feed.Plan(first, fps);
    FUZZ_REQUIRE(again.ok(), absl::StrCat(what(), ": resend refused: ", again.status().ToString()));
    FUZZ_REQUIRE(again->last_sequence == feed.held_last &&
                     again->first_new_index == static_cast<int64_t>(count),
                 absl::StrCat(what(), ": resend is not a pure replay"));
  }
  return 0;
}
