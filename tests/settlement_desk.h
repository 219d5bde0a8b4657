// The end-of-day desk work the tests share, through the real API on a channel: the index
// history calibration looks back on, the day's fixings (treasury1), the day's risk
// parameters (risk1 calibrates, risk2 approves) and the day's settlement prices (the
// exchange submits, treasury1 proposes, treasury2 approves). The PostgreSQL tests call as
// TestClearingHouse's principals (kTestDesk, the default); the end-to-end tests of the real
// binaries, seeded with deploy/seed/sample.textproto, as its development ones
// (kSampleSeedDesk).
//
//   LoadIndexHistory(channel);
//   CalibrateAndApprove(channel, "2026-11-23");
//   ApproveDayPrices(channel, "2026-11-23", {{"TKF-202612", 3'150'000}});
//   ComputeFixings(channel, "2026-12-30", {"TOKFRONT", "TOKOPEN"}, kSampleSeedDesk);
#ifndef TOKENCLEAR_TESTS_SETTLEMENT_DESK_H_
#define TOKENCLEAR_TESTS_SETTLEMENT_DESK_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/test_clearing_house.h"
#include "tokenclear/v1/margin.pb.h"

namespace tc::testing {

// The bearer tokens of the principals doing the desk work.
struct DeskTokens {
  const char* exchange;
  const char* treasury1;
  const char* treasury2;
  const char* risk1;
  const char* risk2;
};
inline constexpr DeskTokens kTestDesk = {kExchangeToken, kTreasuryToken, kTreasury2Token,
                                         kRiskToken, kRisk2Token};
inline constexpr DeskTokens kSampleSeedDesk = {"dev-exchange-token-0001", "dev-treasury-token-0001",
                                               "dev-treasury2-token-0001", "dev-risk-token-0001",
                                               "dev-risk2-token-0001"};

// An exchange settlement price of one instrument.
struct ExchangePrice {
  std::string instrument_id;
  int64_t price_micros = 0;
};

// 60 business days of TOKFRONT ending on 2026-11-23, loaded by risk1.
void LoadIndexHistory(const std::shared_ptr<grpc::Channel>& channel);

// Every failed call below is recorded as a (non-fatal) test failure naming the call.

// risk1 calibrates the parameters of `date`, risk2 approves them; the approved set.
tokenclear::v1::RiskParameterSet CalibrateAndApprove(const std::shared_ptr<grpc::Channel>& channel,
                                                     const std::string& date,
                                                     const DeskTokens& desk = kTestDesk);

// The exchange submits `prices`, treasury1 proposes the day's prices (by tier: the others
// from fixings or trades), treasury2 approves them; the number of prices approved.
int ApproveDayPrices(const std::shared_ptr<grpc::Channel>& channel, const std::string& date,
                     const std::vector<ExchangePrice>& prices, const DeskTokens& desk = kTestDesk);

// treasury1 computes the day's fixing of each index (its observations must be in).
void ComputeFixings(const std::shared_ptr<grpc::Channel>& channel, const std::string& date,
                    const std::vector<std::string>& index_codes,
                    const DeskTokens& desk = kTestDesk);

}  // namespace tc::testing

#endif  // TOKENCLEAR_TESTS_SETTLEMENT_DESK_H_
