// Deterministic trades on the sample seed's accounts and March contracts
// (deploy/seed/sample.textproto), for the end-to-end tests that send the same events more
// than once (failover_e2etest: retries after a failover; two_servers_e2etest: the same
// batch to two servers): trade `n` of a series is always the same event, so a retry or the
// other server is acknowledged ALREADY_ACCEPTED, never applied twice.
//
//   *request.add_events() = SampleTrade("HA", n, "2026-12-30");   // trade id "HA-000042"
//   for (const SampleInstrument& listed : kSampleInstruments) { ... listed.price_micros ... }
#ifndef TOKENCLEAR_TESTS_SAMPLE_TRADES_H_
#define TOKENCLEAR_TESTS_SAMPLE_TRADES_H_

#include <cstdint>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "tokenclear/v1/trade_capture.pb.h"

namespace tc::testing {

// The accounts trades alternate over: house and customer accounts of eight members.
inline constexpr const char* kSampleAccounts[] = {"CM01-H", "CM02-H",    "CM03-C001", "CM04-C002",
                                                  "CM05-H", "CM06-C003", "CM07-H",    "CM08-C001"};

struct SampleInstrument {
  const char* instrument_id;
  int64_t price_micros;  // near the sample's starting prices
  int64_t tick_micros;
};
inline constexpr SampleInstrument kSampleInstruments[] = {{"TKF-202703", 3'000'000, 5'000},
                                                          {"TKO-202703", 450'000, 1'000}};

// Trade `n` of the series `prefix` on `trade_date` (YYYY-MM-DD), executed at 12:00 UTC plus
// n seconds (before the settlement window: the trades do not price the day); prices on
// tick within 10 ticks of the instrument's, quantities 1 to 7.
inline tokenclear::v1::TradeEvent SampleTrade(absl::string_view prefix, int64_t n,
                                              absl::string_view trade_date) {
  constexpr int64_t kAccountCount = sizeof(kSampleAccounts) / sizeof(kSampleAccounts[0]);
  const SampleInstrument& listed = kSampleInstruments[n % 2];
  tokenclear::v1::TradeEvent event;
  tokenclear::v1::Trade* trade = event.mutable_trade();
  trade->set_trade_id(absl::StrFormat("%s-%06d", prefix, n));
  trade->set_instrument_id(listed.instrument_id);
  trade->set_price_micros(listed.price_micros + listed.tick_micros * ((n * 7) % 21 - 10));
  trade->set_quantity(1 + n % 7);
  trade->set_buyer_account_id(kSampleAccounts[n % kAccountCount]);
  trade->set_seller_account_id(kSampleAccounts[(n + 3) % kAccountCount]);
  trade->set_trade_date(std::string(trade_date));
  absl::CivilDay day;  // a date that does not parse is the caller's bug: the server refuses it
  (void)absl::ParseCivilTime(trade_date, &day);
  const absl::Time noon = absl::FromCivil(day, absl::UTCTimeZone()) + absl::Hours(12);
  trade->mutable_executed_at()->set_seconds(absl::ToUnixSeconds(noon) + n);
  trade->set_trade_type(tokenclear::v1::TRADE_TYPE_REGULAR);
  return event;
}

}  // namespace tc::testing

#endif  // TOKENCLEAR_TESTS_SAMPLE_TRADES_H_
