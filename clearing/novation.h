// Novation: an accepted trade becomes two cleared legs against the CCP (the CCP buys
// from the seller and sells to the buyer), and each leg changes its account's position.
// House accounts are net; customer accounts are gross, where a CLOSE side reduces the
// opposite side instead of adding to its own.
//
//   std::array<PositionChange, 2> changes = Novate(trade, snapshot);
//   PositionChange undo = Reversed(changes[0]);   // what a cancel applies
#ifndef TOKENCLEAR_CLEARING_NOVATION_H_
#define TOKENCLEAR_CLEARING_NOVATION_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "clearing/reference_data.h"
#include "clearing/trade_event.h"

namespace tc::clearing {

// A change to one (account, instrument) position. For a netted (house) position only
// the difference long_delta - short_delta matters.
struct PositionChange {
  std::string account_id;
  std::string instrument_id;
  bool netted = false;
  int64_t long_delta = 0;
  int64_t short_delta = 0;

  int64_t NetDelta() const { return long_delta - short_delta; }
};

// The buyer's and the seller's position changes. Both accounts must be in `snapshot`
// (the trade was validated, or it is a stored trade whose accounts are never deleted).
std::array<PositionChange, 2> Novate(const Trade& trade, const ReferenceSnapshot& snapshot);

PositionChange Reversed(const PositionChange& change);

// Sums changes per (account, instrument), sorted by that key (the lock order that keeps
// concurrent batches free of deadlocks), dropping changes that cancel out. Aborts if
// the changes of any instrument do not net to zero: every leg has an equal and opposite
// leg, so an imbalance is a programmer error.
std::vector<PositionChange> AggregateChanges(const std::vector<PositionChange>& changes);

}  // namespace tc::clearing

#endif  // TOKENCLEAR_CLEARING_NOVATION_H_
