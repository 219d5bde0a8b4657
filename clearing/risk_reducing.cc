#include "clearing/risk_reducing.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace tc::clearing {
namespace {

// What the flag is about. The reason is free text from whoever raised the flag; the
// instruction is named whatever it says, because it is what the member has to pay.
std::string FlagCause(const MemberFlagNote& note) {
  if (note.reason.empty()) return absl::StrCat("instruction ", note.instruction_id);
  if (note.instruction_id.empty() || absl::StrContains(note.reason, note.instruction_id)) {
    return note.reason;
  }
  return absl::StrCat(note.reason, ", instruction ", note.instruction_id);
}

}  // namespace

bool ReducesPosition(int64_t net_before, int64_t net_after) {
  // Comparing on the side of zero that net_before is on avoids abs(INT64_MIN).
  if (net_before > 0) return net_after >= 0 && net_after < net_before;
  if (net_before < 0) return net_after <= 0 && net_after > net_before;
  return false;  // flat: any trade opens a position
}

std::string DescribeNet(int64_t net) {
  if (net > 0) return absl::StrCat("long ", net);
  // The digits after the minus sign: -net would overflow for INT64_MIN.
  if (net < 0) return absl::StrCat("short ", absl::StrCat(net).substr(1));
  return "flat";
}

Rejection NotReducingRejection(const FlaggedSide& side) {
  return Rejection{
      absl::StatusCode::kFailedPrecondition, side.field,
      absl::StrCat(side.field, " '", side.account_id, "': member ", side.member_id, " is flagged ",
                   side.note.flag, " (", FlagCause(side.note),
                   "): only trades that reduce its positions are accepted; this ", side.event_kind,
                   " takes account ", side.account_id, " in ", side.instrument_id, " from ",
                   DescribeNet(side.net_before), " to ", DescribeNet(side.net_after))};
}

}  // namespace tc::clearing
