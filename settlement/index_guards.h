// The two guards on an index before its fixing may be computed, as pure rules. A finding
// is not an error: the service stores it as a flag, and the fixing of that index and
// date waits until treasury approves the flag (docs/INDEX_FIXING.md).
//
//   Stale: at some moment of the settlement window [start, end], the newest observation
//   is older than stale_after. Ages count from the newest observation at or before the
//   window's start, or from the start itself when there is none, so a provider that
//   goes quiet at the start, in the middle or before the close is caught alike.
//
//   Jump: an observation moves more than max_jump_bps from the previous observation of
//   its index, or from the previous fixing. Compared exactly in integers
//   (|new - old| x 10,000 > max_jump_bps x old), never through a rounded ratio.
//
//   std::optional<StaleFinding> stale = FindStaleness(observations, window, absl::Minutes(15));
//   std::optional<JumpFinding> jump =
//       FindJump(3'900'000, /*previous_observation_micros=*/3'000'000,
//                /*previous_fixing_micros=*/std::nullopt, /*max_jump_bps=*/2000);
//   // jump->reference == JumpReference::kPreviousObservation, jump->moved_bps == 3000
#ifndef TOKENCLEAR_SETTLEMENT_INDEX_GUARDS_H_
#define TOKENCLEAR_SETTLEMENT_INDEX_GUARDS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "absl/types/span.h"
#include "settlement/index_fixing.h"
#include "settlement/index_settings.h"

namespace tc::settlement {

struct StaleFinding {
  absl::Time quiet_from;   // the newest observation (or the window start) before the gap
  absl::Time quiet_until;  // the next observation, or the window end
  absl::Duration quiet;    // quiet_until - quiet_from, > stale_after
};

// The longest quiet stretch of the window when it exceeds `stale_after`, else nullopt.
// `observations` in any order; those after the window are ignored.
std::optional<StaleFinding> FindStaleness(absl::Span<const IndexObservation> observations,
                                          const SettlementWindow& window,
                                          absl::Duration stale_after);

enum class JumpReference { kPreviousObservation, kPreviousFixing };

struct JumpFinding {
  JumpReference reference = JumpReference::kPreviousObservation;
  int64_t reference_micros = 0;
  int64_t value_micros = 0;
  int64_t moved_bps = 0;  // |value - reference| x 10,000 / reference, rounded by the one rule
};

// The first reference (previous observation, then previous fixing) that `value_micros`
// moves away from by more than `max_jump_bps`, else nullopt. References absent (the first
// observation of an index, no fixing yet) are skipped. All values are positive (within
// core/price_limits.h), so the arithmetic in 128 bits cannot overflow.
std::optional<JumpFinding> FindJump(int64_t value_micros,
                                    std::optional<int64_t> previous_observation_micros,
                                    std::optional<int64_t> previous_fixing_micros,
                                    int64_t max_jump_bps);

// The finding in words, for the flag row and the error that names it.
std::string DescribeStaleness(const StaleFinding& finding, absl::Duration stale_after);
std::string DescribeJump(const JumpFinding& finding, int64_t max_jump_bps);

}  // namespace tc::settlement

#endif  // TOKENCLEAR_SETTLEMENT_INDEX_GUARDS_H_
