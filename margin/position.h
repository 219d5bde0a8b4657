// Portfolio positions as the margin engine takes them: by contract id at the service
// boundary, by dense contract index (CompiledParameters::FindContract) in the hot path.
// Quantities are signed whole contracts: long > 0, short < 0.
//
//   std::vector<Position> book = {{"AIX-202607", 5}, {"AIX-202608", -2}};
//   absl::StatusOr<std::vector<IndexedPosition>> indexed = ResolvePositions(compiled, book);
#ifndef TOKENCLEAR_MARGIN_POSITION_H_
#define TOKENCLEAR_MARGIN_POSITION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "margin/compiled_parameters.h"

namespace tc::margin {

// Largest |quantity| of one position; larger books are split by the caller.
inline constexpr int64_t kMaxAbsQuantity = 1'000'000'000;

struct Position {
  std::string contract_id{};
  int64_t quantity = 0;
};

struct IndexedPosition {
  int32_t contract_index = 0;
  int64_t quantity = 0;
};

// InvalidArgument naming the first unknown contract id.
absl::StatusOr<std::vector<IndexedPosition>> ResolvePositions(const CompiledParameters& params,
                                                              absl::Span<const Position> positions);

}  // namespace tc::margin

#endif  // TOKENCLEAR_MARGIN_POSITION_H_
