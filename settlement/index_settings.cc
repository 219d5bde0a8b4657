#include "settlement/index_settings.h"

#include "absl/strings/str_cat.h"

namespace tc::settlement {
namespace {

absl::Status OutOfRange(absl::string_view field, int64_t value, absl::string_view range) {
  return absl::InvalidArgumentError(
      absl::StrCat("settings.", field, " = ", value, " is not in ", range));
}

}  // namespace

absl::Status ValidateIndexSettings(const IndexSettings& s) {
  if (s.window_start_minutes < 0 || s.window_start_minutes >= kMinutesPerDay) {
    return OutOfRange("window_start_minutes", s.window_start_minutes, "0..1439");
  }
  // The window stays inside its business date, so a date has exactly one window and two
  // dates never share observations.
  if (s.window_minutes < 1 || s.window_minutes > kMinutesPerDay - s.window_start_minutes) {
    return OutOfRange("window_minutes", s.window_minutes,
                      absl::StrCat("1..", kMinutesPerDay - s.window_start_minutes,
                                   " (the window ends by 24:00 UTC)"));
  }
  if (s.partitions < 1 || s.partitions > kMaxFixingPartitions) {
    return OutOfRange("partitions", s.partitions, absl::StrCat("1..", kMaxFixingPartitions));
  }
  if (s.min_partitions_filled < 1 || s.min_partitions_filled > s.partitions) {
    return OutOfRange("min_partitions_filled", s.min_partitions_filled,
                      absl::StrCat("1..partitions (", s.partitions, ")"));
  }
  if (s.stale_after_seconds < 1 || s.stale_after_seconds > kMaxStaleAfterSeconds) {
    return OutOfRange("stale_after_seconds", s.stale_after_seconds,
                      absl::StrCat("1..", kMaxStaleAfterSeconds));
  }
  if (s.max_jump_bps < 1 || s.max_jump_bps > kMaxJumpBps) {
    return OutOfRange("max_jump_bps", s.max_jump_bps, absl::StrCat("1..", kMaxJumpBps));
  }
  return absl::OkStatus();
}

SettlementWindow SettlementWindowOf(const IndexSettings& settings, absl::CivilDay business_date) {
  const absl::Time midnight = absl::FromCivil(business_date, absl::UTCTimeZone());
  const absl::Time start = midnight + absl::Minutes(settings.window_start_minutes);
  return {start, start + absl::Minutes(settings.window_minutes)};
}

FixingMethod FixingMethodOf(const IndexSettings& settings, absl::CivilDay business_date) {
  const SettlementWindow window = SettlementWindowOf(settings, business_date);
  return {.index_code = settings.index_code,
          .fixing_date = business_date,
          .window_start = window.start,
          .window_end = window.end,
          .partitions = settings.partitions,
          .min_partitions_filled = settings.min_partitions_filled};
}

}  // namespace tc::settlement
