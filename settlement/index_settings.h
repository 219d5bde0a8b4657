// The settings of one index's daily fixing: where the settlement window lies in the UTC
// business date, how it is partitioned, and the thresholds of the stale and jump guards
// (settlement/index_guards.h). Stored per index code as data; an index without a row
// uses the documented defaults below (docs/INDEX_FIXING.md), so a new index fixes at
// 15:30-16:00 UTC in six five-minute partitions without any configuration.
//
//   IndexSettings settings{.index_code = "TOKFRONT"};          // the defaults
//   TC_RETURN_IF_ERROR(ValidateIndexSettings(settings));
//   SettlementWindow w = SettlementWindowOf(settings, absl::CivilDay(2026, 11, 23));
//   // w.start == 2026-11-23T15:30:00Z, w.end == 2026-11-23T16:00:00Z
//   FixingMethod method = FixingMethodOf(settings, day);    // for ComputeIndexFixing
#ifndef TOKENCLEAR_SETTLEMENT_INDEX_SETTINGS_H_
#define TOKENCLEAR_SETTLEMENT_INDEX_SETTINGS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "settlement/index_fixing.h"

namespace tc::settlement {

// Bounds of each setting, checked by ValidateIndexSettings and by the table's CHECKs.
inline constexpr int kMinutesPerDay = 1440;
inline constexpr int64_t kMaxStaleAfterSeconds = 86'400;
inline constexpr int64_t kMaxJumpBps = 100'000;  // 1000%: beyond it the guard means nothing

struct IndexSettings {
  std::string index_code{};
  int window_start_minutes = 930;  // after 00:00 UTC of the business date: 15:30 UTC
  int window_minutes = 30;         // the window ends by midnight: start + length <= 1440
  int partitions = 6;              // 1..kMaxFixingPartitions
  int min_partitions_filled = 4;   // 1..partitions
  int64_t stale_after_seconds = 900;
  int64_t max_jump_bps = 2000;  // 20%
};

// InvalidArgument naming the setting and its value when one is out of range.
absl::Status ValidateIndexSettings(const IndexSettings& settings);

// The settlement window of a business date under these settings, in UTC:
// [start, end), start = 00:00 UTC + window_start_minutes.
struct SettlementWindow {
  absl::Time start;  // inclusive
  absl::Time end;    // exclusive
};
SettlementWindow SettlementWindowOf(const IndexSettings& settings, absl::CivilDay business_date);

// The fixing method (settlement/index_fixing.h) of a business date under these settings.
FixingMethod FixingMethodOf(const IndexSettings& settings, absl::CivilDay business_date);

}  // namespace tc::settlement

#endif  // TOKENCLEAR_SETTLEMENT_INDEX_SETTINGS_H_
