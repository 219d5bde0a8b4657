// The daily fixing of an index: one value per index and business date, computed from the
// provider's observations by a documented, versioned method, so that a fixing can be
// replayed from what it records (method version, window, the observations it used).
//
// Method "partition-median-mean/v1" (the CME CF BRR pattern, clearing.md A.2):
//   1. Only observations with window_start <= observed_at < window_end are used.
//   2. The window is split into `partitions` equal parts; observation t falls in part
//      floor((t - window_start) x partitions / (window_end - window_start)).
//   3. Each non-empty part gives its median value; with an even count, the mean of the two
//      middle values rounded by the one rule (tc::RoundedDiv, halves away from zero).
//   4. The fixing is the mean of the part medians, equally weighted, rounded once by the
//      same rule. Empty parts are left out; fewer than `min_partitions_filled` non-empty
//      parts is an error, not a thinner fixing.
// Errors, never aborts: a method that makes no sense (INVALID_ARGUMENT), a value outside
// core/price_limits.h anywhere in the input (INVALID_ARGUMENT naming it), no observation
// in the window or too few parts filled (FAILED_PRECONDITION: the caller falls back).
//
//   FixingMethod method{.index_code = "TOKFRONT", .fixing_date = day,
//                       .window_start = t0, .window_end = t0 + absl::Hours(1),
//                       .partitions = 12, .min_partitions_filled = 9};
//   TC_ASSIGN_OR_RETURN(IndexFixing fixing, ComputeIndexFixing(method, observations));
//   fixing.value_micros;  fixing.method_version == kPartitionMedianMeanV1
#ifndef TOKENCLEAR_SETTLEMENT_INDEX_FIXING_H_
#define TOKENCLEAR_SETTLEMENT_INDEX_FIXING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace tc::settlement {

inline constexpr absl::string_view kPartitionMedianMeanV1 = "partition-median-mean/v1";

// Bound on partitions (one per minute of a day at most), so every loop is bounded.
inline constexpr int kMaxFixingPartitions = 1440;

struct IndexObservation {
  int64_t value_micros = 0;  // micro-USD per 1M tokens
  absl::Time observed_at;
};

struct FixingMethod {
  std::string index_code;
  absl::CivilDay fixing_date;
  absl::Time window_start;        // inclusive
  absl::Time window_end;          // exclusive, after window_start
  int partitions = 12;            // 1..kMaxFixingPartitions
  int min_partitions_filled = 1;  // 1..partitions
};

struct PartitionMedian {
  int partition = 0;  // 0-based, in time order
  int64_t observation_count = 0;
  int64_t median_micros = 0;
};

struct IndexFixing {
  std::string index_code;
  absl::CivilDay fixing_date;
  int64_t value_micros = 0;
  std::string method_version;  // kPartitionMedianMeanV1
  absl::Time window_start;
  absl::Time window_end;
  int partitions = 0;
  std::vector<PartitionMedian> medians;  // non-empty partitions only, in time order
  // The observations inside the window, by (observed_at, value_micros).
  std::vector<IndexObservation> observations_used;
};

absl::StatusOr<IndexFixing> ComputeIndexFixing(const FixingMethod& method,
                                               absl::Span<const IndexObservation> observations);

}  // namespace tc::settlement

#endif  // TOKENCLEAR_SETTLEMENT_INDEX_FIXING_H_
