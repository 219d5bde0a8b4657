#include "settlement/index_guards.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/fixed_point.h"

namespace tc::settlement {
namespace {

constexpr int64_t kBpsPerUnit = 10'000;

std::string Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

std::optional<JumpFinding> Check(JumpReference reference, int64_t reference_micros,
                                 int64_t value_micros, int64_t max_jump_bps) {
  const __int128 moved = value_micros > reference_micros
                             ? static_cast<__int128>(value_micros) - reference_micros
                             : static_cast<__int128>(reference_micros) - value_micros;
  // Exact: no rounded ratio decides whether a move of exactly max_jump_bps is a jump.
  if (moved * kBpsPerUnit <= static_cast<__int128>(max_jump_bps) * reference_micros) {
    return std::nullopt;
  }
  return JumpFinding{reference, reference_micros, value_micros,
                     RoundedDiv(moved * kBpsPerUnit, reference_micros)};
}

}  // namespace

std::optional<StaleFinding> FindStaleness(absl::Span<const IndexObservation> observations,
                                          const SettlementWindow& window,
                                          absl::Duration stale_after) {
  // The moments an observation refreshed the index, up to the window's end.
  std::vector<absl::Time> times;
  times.reserve(observations.size());
  absl::Time last_before_start = window.start;
  bool any_before_start = false;
  for (const IndexObservation& o : observations) {
    if (o.observed_at <= window.start) {
      if (!any_before_start || o.observed_at > last_before_start) last_before_start = o.observed_at;
      any_before_start = true;
    } else if (o.observed_at < window.end) {
      times.push_back(o.observed_at);
    }
  }
  std::sort(times.begin(), times.end());
  std::optional<StaleFinding> longest;
  absl::Time from = any_before_start ? last_before_start : window.start;
  auto consider = [&](absl::Time until) {
    const absl::Duration quiet = until - from;
    if (quiet > stale_after && (!longest || quiet > longest->quiet)) {
      longest = StaleFinding{from, until, quiet};
    }
    from = until;
  };
  for (absl::Time t : times) consider(t);
  consider(window.end);
  return longest;
}

std::optional<JumpFinding> FindJump(int64_t value_micros,
                                    std::optional<int64_t> previous_observation_micros,
                                    std::optional<int64_t> previous_fixing_micros,
                                    int64_t max_jump_bps) {
  if (previous_observation_micros && *previous_observation_micros > 0) {
    if (auto jump = Check(JumpReference::kPreviousObservation, *previous_observation_micros,
                          value_micros, max_jump_bps)) {
      return jump;
    }
  }
  if (previous_fixing_micros && *previous_fixing_micros > 0) {
    return Check(JumpReference::kPreviousFixing, *previous_fixing_micros, value_micros,
                 max_jump_bps);
  }
  return std::nullopt;
}

std::string DescribeStaleness(const StaleFinding& finding, absl::Duration stale_after) {
  return absl::StrCat("no observation from ", Utc(finding.quiet_from), " to ",
                      Utc(finding.quiet_until), " (", absl::ToInt64Seconds(finding.quiet),
                      " s, more than stale_after_seconds ", absl::ToInt64Seconds(stale_after), ")");
}

std::string DescribeJump(const JumpFinding& finding, int64_t max_jump_bps) {
  return absl::StrCat(
      "value_micros ", finding.value_micros, " moved ", finding.moved_bps, " bps from the ",
      finding.reference == JumpReference::kPreviousObservation ? "previous observation"
                                                               : "previous fixing",
      " ", finding.reference_micros, " (max_jump_bps ", max_jump_bps, ")");
}

}  // namespace tc::settlement
