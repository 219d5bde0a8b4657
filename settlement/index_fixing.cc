#include "settlement/index_fixing.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "core/fixed_point.h"
#include "core/price_limits.h"

namespace tc::settlement {
namespace {

absl::Status CheckMethod(const FixingMethod& method) {
  if (method.window_end <= method.window_start) {
    return absl::InvalidArgumentError(absl::StrCat(
        "fixing of ", method.index_code, ": window_end ", absl::FormatTime(method.window_end),
        " is not after window_start ", absl::FormatTime(method.window_start)));
  }
  if (method.partitions < 1 || method.partitions > kMaxFixingPartitions) {
    return absl::InvalidArgumentError(absl::StrCat("fixing of ", method.index_code,
                                                   ": partitions = ", method.partitions,
                                                   " is not in 1..", kMaxFixingPartitions));
  }
  if (method.min_partitions_filled < 1 || method.min_partitions_filled > method.partitions) {
    return absl::InvalidArgumentError(absl::StrCat(
        "fixing of ", method.index_code, ": min_partitions_filled = ", method.min_partitions_filled,
        " is not in 1..partitions (", method.partitions, ")"));
  }
  return absl::OkStatus();
}

// The median of a non-empty run sorted by value; even counts take the rounded mean of the
// two middle values.
int64_t Median(absl::Span<const IndexObservation> sorted) {
  const size_t n = sorted.size();
  if (n % 2 == 1) return sorted[n / 2].value_micros;
  // Both values are within the price limits, so the sum and quotient cannot overflow.
  return RoundedDiv(
      static_cast<__int128>(sorted[n / 2 - 1].value_micros) + sorted[n / 2].value_micros, 2);
}

}  // namespace

absl::StatusOr<IndexFixing> ComputeIndexFixing(const FixingMethod& method,
                                               absl::Span<const IndexObservation> observations) {
  if (absl::Status s = CheckMethod(method); !s.ok()) return s;
  // Every value is checked, used or not: a value outside the limits is corrupt input.
  for (size_t i = 0; i < observations.size(); ++i) {
    if (!IsPriceInRange(observations[i].value_micros)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "fixing of ", method.index_code, ": observations[", i, "].value_micros = ",
          observations[i].value_micros, " is outside ", kMinPriceMicros, "..", kMaxPriceMicros));
    }
  }

  IndexFixing fixing;
  fixing.index_code = method.index_code;
  fixing.fixing_date = method.fixing_date;
  fixing.method_version = std::string(kPartitionMedianMeanV1);
  fixing.window_start = method.window_start;
  fixing.window_end = method.window_end;
  fixing.partitions = method.partitions;
  for (const IndexObservation& o : observations) {
    if (o.observed_at >= method.window_start && o.observed_at < method.window_end) {
      fixing.observations_used.push_back(o);
    }
  }
  if (fixing.observations_used.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("fixing of ", method.index_code, " for ",
                                                      absl::FormatCivilTime(method.fixing_date),
                                                      ": no observation in the settlement window"));
  }
  std::sort(fixing.observations_used.begin(), fixing.observations_used.end(),
            [](const IndexObservation& a, const IndexObservation& b) {
              if (a.observed_at != b.observed_at) return a.observed_at < b.observed_at;
              return a.value_micros < b.value_micros;
            });

  // Partition index in integer nanoseconds: 128 bits hold (window length x partitions).
  const __int128 window_ns = absl::ToInt64Nanoseconds(method.window_end - method.window_start);
  auto partition_of = [&](absl::Time t) {
    const __int128 offset_ns = absl::ToInt64Nanoseconds(t - method.window_start);
    return static_cast<int>(offset_ns * method.partitions / window_ns);
  };

  // observations_used is in time order, so each partition is one contiguous run.
  __int128 sum_of_medians = 0;
  size_t begin = 0;
  while (begin < fixing.observations_used.size()) {
    const int partition = partition_of(fixing.observations_used[begin].observed_at);
    size_t end = begin + 1;
    while (end < fixing.observations_used.size() &&
           partition_of(fixing.observations_used[end].observed_at) == partition) {
      ++end;
    }
    std::vector<IndexObservation> run(fixing.observations_used.begin() + begin,
                                      fixing.observations_used.begin() + end);
    std::sort(run.begin(), run.end(), [](const IndexObservation& a, const IndexObservation& b) {
      return a.value_micros < b.value_micros;
    });
    PartitionMedian median{partition, static_cast<int64_t>(run.size()), Median(run)};
    sum_of_medians += median.median_micros;
    fixing.medians.push_back(median);
    begin = end;
  }

  const int filled = static_cast<int>(fixing.medians.size());
  if (filled < method.min_partitions_filled) {
    return absl::FailedPreconditionError(absl::StrCat(
        "fixing of ", method.index_code, " for ", absl::FormatCivilTime(method.fixing_date), ": ",
        filled, " of ", method.partitions, " partitions have observations, fewer than the ",
        method.min_partitions_filled, " required"));
  }
  // At most kMaxFixingPartitions medians, each within the price limits: no overflow, and
  // the mean stays within the limits.
  fixing.value_micros = RoundedDiv(sum_of_medians, filled);
  return fixing;
}

}  // namespace tc::settlement
