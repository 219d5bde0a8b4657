// The failure-to-pay restriction: while a clearing member has an open flag (a collect
// unconfirmed at its deadline, migrations/0008_treasury_cash.sql), trade capture accepts
// only trades that reduce that member's positions, so a member that owes the CCP money
// cannot add risk until it pays. Cancels stay accepted: a bust removes a trade, it adds
// no new risk.
//
// Definition: a trade side reduces its account's position when the account's net
// position in the instrument (long - short of its position row) moves toward zero
// without crossing it: |after| < |before| and sign(after) is 0 or sign(before). A flat
// position can therefore never be "reduced": every trade opening one is refused. Net is
// the measure for customer (gross) accounts too, whatever the sides' position effects:
// what the member is exposed to through one account in one instrument is its net.
//
// clearing::PlanBatch applies the rule to new trades and to corrections' replacements,
// event by event, with the position each event leaves behind (NetPositions, loaded by
// the service for the flagged members' accounts a batch touches).
//
//   if (!ReducesPosition(net_before, net_after)) {
//     return NotReducingRejection({field, member_id, *flag, "trade", account, instrument,
//                                  net_before, net_after});
//   }
#ifndef TOKENCLEAR_CLEARING_RISK_REDUCING_H_
#define TOKENCLEAR_CLEARING_RISK_REDUCING_H_

#include <cstdint>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "clearing/reference_data.h"
#include "clearing/rejection.h"

namespace tc::clearing {

// (account_id, instrument_id) -> net position (long - short). A pair that is absent is
// flat, which is also how the rule fails closed: a missing position refuses every trade.
using NetPositions = absl::flat_hash_map<std::pair<std::string, std::string>, int64_t>;

// True when net_after is strictly nearer zero than net_before and on the same side of it
// (or zero). Exact for every int64 pair: no absolute value is taken.
bool ReducesPosition(int64_t net_before, int64_t net_after);

// "long 5", "short 3" or "flat".
std::string DescribeNet(int64_t net);

// A side of a trade (or correction) that does not reduce a flagged member's position.
struct FlaggedSide {
  std::string field;  // e.g. "trade.buyer_account_id"
  std::string member_id;
  MemberFlagNote note;
  absl::string_view event_kind;  // "trade" or "correction"
  std::string account_id;
  std::string instrument_id;
  int64_t net_before = 0;
  int64_t net_after = 0;
};

// FAILED_PRECONDITION on the side's field, e.g. "trade.buyer_account_id 'CM03-H': member
// CM03 is flagged FAILURE_TO_PAY (collect TC-E-20261229-0003 unconfirmed at its
// deadline): only trades that reduce its positions are accepted; this trade takes
// account CM03-H in TKO-202703 from long 5 to long 8".
Rejection NotReducingRejection(const FlaggedSide& side);

}  // namespace tc::clearing

#endif  // TOKENCLEAR_CLEARING_RISK_REDUCING_H_
