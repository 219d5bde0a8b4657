// Reference data as the domain sees it: an immutable snapshot of products, instruments,
// members and accounts, the open business date and the members' open flags, loaded by
// the service from PostgreSQL and shared read-only between request threads.
//
//   ReferenceSnapshot snapshot = ...;            // built by store::LoadReferenceSnapshot
//   const Account* buyer = snapshot.FindAccount("CM01-H");
//   const MemberFlagNote* flag = snapshot.FindFlag(buyer->member_id);  // null: unflagged
#ifndef TOKENCLEAR_CLEARING_REFERENCE_DATA_H_
#define TOKENCLEAR_CLEARING_REFERENCE_DATA_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace tc::clearing {

enum class FinalSettlementRule { kLastBusinessDay, kThirdWednesday };

struct Product {
  std::string product_code;
  std::string name;
  std::string index_code;
  int64_t contract_multiplier = 0;  // USD per contract = price x multiplier
  int64_t tick_size_micros = 0;     // micro-USD per 1M tokens
  std::string currency;
  int listed_months = 0;
  FinalSettlementRule final_settlement_rule = FinalSettlementRule::kLastBusinessDay;
  int last_trading_offset_days = 0;
  std::string settlement_type;
  int64_t max_trade_quantity = 0;
  // Highest price a trade may carry, micro-USD per 1M tokens (at most kMaxPriceMicros);
  // with max_trade_quantity and the multiplier it bounds every trade's notional.
  int64_t max_price_micros = 0;
};

enum class InstrumentStatus { kActive, kExpired };

struct Instrument {
  std::string instrument_id;
  std::string product_code;
  std::string contract_month;  // CCYYMM
  absl::CivilDay last_trading_date;
  absl::CivilDay final_settlement_date;
  InstrumentStatus status = InstrumentStatus::kActive;
};

enum class MemberStatus { kActive, kSuspended };

struct Member {
  std::string member_id;
  std::string name;
  std::string lei;
  MemberStatus status = MemberStatus::kActive;
};

// House positions are net, customer positions gross.
enum class Origin { kHouse, kCustomer };
enum class AccountClass { kMember, kHedger, kSpeculator };
enum class AccountStatus { kActive, kSuspended };

struct Account {
  std::string account_id;
  std::string member_id;
  Origin origin = Origin::kHouse;
  AccountClass account_class = AccountClass::kMember;
  AccountStatus status = AccountStatus::kActive;
  std::string customer_name;
};

// An open flag on a member (a `member_flags` row with cured_at NULL, migration 0008):
// while a member has one, trade capture accepts only trades that reduce its positions
// (clearing/risk_reducing.h). Kept in the snapshot because the flag table's writes bump
// the reference version, so a raise or a cure reloads it and the common case (nobody
// flagged) costs trade capture nothing.
struct MemberFlagNote {
  std::string flag;            // "FAILURE_TO_PAY"
  std::string instruction_id;  // the collect that was not confirmed in time
  std::string reason;          // free text written by whoever raised the flag
};

struct ReferenceSnapshot {
  int64_t version = 0;
  std::optional<absl::CivilDay> open_business_date;
  absl::flat_hash_map<std::string, Product> products;
  absl::flat_hash_map<std::string, Instrument> instruments;
  absl::flat_hash_map<std::string, Member> members;
  absl::flat_hash_map<std::string, Account> accounts;
  // member_id -> its open flag; a member with several open flags keeps the earliest.
  absl::flat_hash_map<std::string, MemberFlagNote> flagged_members;

  const Product* FindProduct(absl::string_view code) const { return Find(products, code); }
  const Instrument* FindInstrument(absl::string_view id) const { return Find(instruments, id); }
  const Member* FindMember(absl::string_view id) const { return Find(members, id); }
  const Account* FindAccount(absl::string_view id) const { return Find(accounts, id); }
  const MemberFlagNote* FindFlag(absl::string_view member_id) const {
    return Find(flagged_members, member_id);
  }

 private:
  template <typename T>
  static const T* Find(const absl::flat_hash_map<std::string, T>& map, absl::string_view key) {
    auto it = map.find(key);
    return it == map.end() ? nullptr : &it->second;
  }
};

}  // namespace tc::clearing

#endif  // TOKENCLEAR_CLEARING_REFERENCE_DATA_H_
