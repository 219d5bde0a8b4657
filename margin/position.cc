#include "margin/position.h"

#include "core/status_macros.h"

namespace tc::margin {

absl::StatusOr<std::vector<IndexedPosition>> ResolvePositions(
    const CompiledParameters& params, absl::Span<const Position> positions) {
  std::vector<IndexedPosition> indexed;
  indexed.reserve(positions.size());
  for (const Position& position : positions) {
    TC_ASSIGN_OR_RETURN(int32_t index, params.FindContract(position.contract_id));
    indexed.push_back({.contract_index = index, .quantity = position.quantity});
  }
  return indexed;
}

}  // namespace tc::margin
