// The end-of-day desk work the PostgreSQL tests share, through the real API on a channel to
// a test server seeded with TestClearingHouse's principals: the index history calibration
// looks back on, the day's risk parameters (risk1 calibrates, risk2 approves) and the day's
// settlement prices (the exchange submits, treasury1 proposes, treasury2 approves).
//
//   LoadIndexHistory(channel);
//   CalibrateAndApprove(channel, "2026-11-23");
//   ApproveDayPrices(channel, "2026-11-23", "TKF-202612", 3'150'000);
#ifndef TOKENCLEAR_TESTS_SETTLEMENT_DESK_H_
#define TOKENCLEAR_TESTS_SETTLEMENT_DESK_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <memory>
#include <string>

#include "tokenclear/v1/margin.pb.h"

namespace tc::testing {

// 60 business days of TOKFRONT ending on 2026-11-23, loaded by risk1.
void LoadIndexHistory(const std::shared_ptr<grpc::Channel>& channel);

// risk1 calibrates the parameters of `date`, risk2 approves them; the approved set (a test
// failure is recorded when either call fails).
tokenclear::v1::RiskParameterSet CalibrateAndApprove(const std::shared_ptr<grpc::Channel>& channel,
                                                     const std::string& date);

// The exchange submits `price_micros` for `instrument_id`, treasury1 proposes the day's
// prices, treasury2 approves them.
void ApproveDayPrices(const std::shared_ptr<grpc::Channel>& channel, const std::string& date,
                      const std::string& instrument_id, int64_t price_micros);

}  // namespace tc::testing

#endif  // TOKENCLEAR_TESTS_SETTLEMENT_DESK_H_
