// Test fixture: a small reference snapshot (one product, two instruments, two members
// with house and customer accounts) and a valid trade on it. Test-only.
#ifndef TOKENCLEAR_CLEARING_TEST_REFERENCE_H_
#define TOKENCLEAR_CLEARING_TEST_REFERENCE_H_

#include "absl/time/time.h"
#include "clearing/reference_data.h"
#include "clearing/trade_event.h"

namespace tc::clearing::testing {

inline const absl::CivilDay kOpenDate(2026, 11, 23);

inline ReferenceSnapshot SampleSnapshot() {
  ReferenceSnapshot snapshot;
  snapshot.version = 1;
  snapshot.open_business_date = kOpenDate;
  snapshot.products["TKF"] = Product{"TKF",      "Frontier token futures",
                                     "TOKFRONT", 1000,
                                     5000,       "USD",
                                     12,         FinalSettlementRule::kLastBusinessDay,
                                     1,          "CASH",
                                     10'000,     1'000'000'000};
  snapshot.instruments["TKF-202612"] = Instrument{"TKF-202612",
                                                  "TKF",
                                                  "202612",
                                                  absl::CivilDay(2026, 12, 30),
                                                  absl::CivilDay(2026, 12, 31),
                                                  InstrumentStatus::kActive};
  snapshot.instruments["TKF-202610"] = Instrument{"TKF-202610",
                                                  "TKF",
                                                  "202610",
                                                  absl::CivilDay(2026, 10, 29),
                                                  absl::CivilDay(2026, 10, 30),
                                                  InstrumentStatus::kExpired};
  snapshot.members["CM01"] = Member{"CM01", "One", "5493001KJTIIGC8Y1R12", MemberStatus::kActive};
  snapshot.members["CM02"] = Member{"CM02", "Two", "5493001KJTIIGC8Y1R13", MemberStatus::kActive};
  snapshot.members["CM09"] =
      Member{"CM09", "Nine", "5493001KJTIIGC8Y1R19", MemberStatus::kSuspended};
  auto add = [&](const char* id, const char* member, Origin origin, AccountStatus status) {
    snapshot.accounts[id] = Account{id,     member,
                                    origin, AccountClass::kMember,
                                    status, origin == Origin::kCustomer ? "Customer" : ""};
  };
  add("CM01-H", "CM01", Origin::kHouse, AccountStatus::kActive);
  add("CM01-C1", "CM01", Origin::kCustomer, AccountStatus::kActive);
  add("CM02-H", "CM02", Origin::kHouse, AccountStatus::kActive);
  add("CM02-C1", "CM02", Origin::kCustomer, AccountStatus::kActive);
  add("CM02-X", "CM02", Origin::kHouse, AccountStatus::kSuspended);
  add("CM09-H", "CM09", Origin::kHouse, AccountStatus::kActive);
  return snapshot;
}

inline Trade SampleTrade(const char* trade_id = "T1") {
  Trade trade;
  trade.trade_id = trade_id;
  trade.instrument_id = "TKF-202612";
  trade.price_micros = 3'125'000;  // 3.125 USD per 1M tokens, on the 0.005 tick
  trade.quantity = 10;
  trade.buyer_account_id = "CM01-H";
  trade.seller_account_id = "CM02-H";
  trade.trade_date = kOpenDate;
  trade.executed_at = absl::FromUnixSeconds(1795430000);
  return trade;
}

}  // namespace tc::clearing::testing

#endif  // TOKENCLEAR_CLEARING_TEST_REFERENCE_H_
