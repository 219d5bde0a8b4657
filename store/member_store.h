// Read queries behind MemberService that no other store answers: a member's trade legs
// over a date range (paged, filtered), its stored margin results with their breakdown,
// and its ledger balances as of a date (the opening and closing of a cash statement).
// Like every store, each function runs inside the caller's transaction.
//
//   MemberLegPage page = ListMemberLegs(tx, {.member_id = "CM01", .limit = 100});
//   std::map<std::string, int64_t> opening = MemberBalancesThrough(tx, "CM01", from - 1);
#ifndef TOKENCLEAR_STORE_MEMBER_STORE_H_
#define TOKENCLEAR_STORE_MEMBER_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "store/margin_store.h"
#include "store/position_store.h"

namespace tc::store {

// The position of a leg in the member's trade order (trade id, then account): the page
// token of ListMemberLegs.
struct LegKey {
  std::string trade_id;
  std::string account_id;
};

struct MemberLegQuery {
  std::string member_id;   // required
  std::string account_id;  // optional filters (empty = any)
  std::string instrument_id;
  std::optional<absl::CivilDay> from;  // business dates, inclusive
  std::optional<absl::CivilDay> to;
  std::optional<LegKey> after;  // legs after this one
  int limit = 100;
};

struct MemberLeg {
  LegRow leg;
  absl::CivilDay business_date;
};

// The member's cleared legs matching `query`, by trade id then account.
std::vector<MemberLeg> ListMemberLegs(pqxx::transaction_base& tx, const MemberLegQuery& query);

// The stored margin of `day` per account, breakdown_json included, by account; empty
// member = all, empty account = every account.
std::vector<MarginRequirementRow> LoadMarginBreakdowns(pqxx::transaction_base& tx,
                                                       absl::CivilDay day,
                                                       const std::string& member_id,
                                                       const std::string& account_id);

// The balance in cents of each of the member's ledger accounts (ledger account id ->
// Σ lines) over entries dated on or before `through`; accounts without such lines are 0.
std::map<std::string, int64_t> MemberBalancesThrough(pqxx::transaction_base& tx,
                                                     const std::string& member_id,
                                                     absl::CivilDay through);

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_MEMBER_STORE_H_
