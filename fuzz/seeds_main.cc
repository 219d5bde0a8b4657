// fuzz_seeds: writes the seed inputs of every fuzz target, at build time, into
// <out>/<target>/ (cmake/Tokenclear.cmake tc_fuzz reads them from build/fuzz/seeds/).
// Generated rather than checked in so that they follow the file formats and the API:
//   spn_reader_fuzz     .spn files written by WriteSpn from RandomParameters (the
//                       smallest of seeds 1..64)
//   pa2_reader_fuzz     small SyntheticPa2 files
//   trade_request_fuzz  serialized SubmitTradesRequests on clearing/test_reference.h's
//                       snapshot: valid trades, cancels, corrections and a few refusals
//   feed_sequence_fuzz  batch scripts: in order, replays (same and other content), a gap
//   index_history_fuzz  index-history CSVs: two indexes and two futures months over 45
//                       business days (enough to calibrate), and too short a history
//   camt054_fuzz        camt.054 files written by WriteCamt054 naming the instructions
//                       payments/camt054_fuzz.cc matches against (confirms, a batch
//                       booking, a pending entry, a duplicate, breaks, an entry without
//                       id, an empty notification), and a pain.001 and a pain.008 written
//                       by WritePain001/WritePain008 (payments/payments_test_data.h)
//
//   fuzz_seeds build/fuzz/seeds
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "margin/files/spn_writer.h"
#include "margin/files/synthetic_files.h"
#include "payments/camt054_writer.h"
#include "payments/pain001_writer.h"
#include "payments/pain008_writer.h"
#include "payments/payments_test_data.h"
#include "tokenclear/v1/trade_capture.pb.h"

namespace {

namespace fs = std::filesystem;
namespace pb = tokenclear::v1;

bool Write(const fs::path& dir, const std::string& name, const std::string& contents) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out << contents;
  return static_cast<bool>(out);
}

pb::Trade SampleTrade(const std::string& id, int64_t price_micros, int64_t quantity) {
  pb::Trade trade;
  trade.set_trade_id(id);
  trade.set_instrument_id("TKF-202612");
  trade.set_price_micros(price_micros);
  trade.set_quantity(quantity);
  trade.set_buyer_account_id("CM01-H");
  trade.set_seller_account_id("CM02-C1");
  trade.set_trade_date("2026-11-23");  // clearing::testing::kOpenDate
  trade.mutable_executed_at()->set_seconds(1795430000);
  trade.set_trade_type(pb::TRADE_TYPE_REGULAR);
  trade.set_seller_position_effect(pb::POSITION_EFFECT_CLOSE);
  return trade;
}

std::vector<std::pair<std::string, pb::SubmitTradesRequest>> TradeRequests() {
  std::vector<std::pair<std::string, pb::SubmitTradesRequest>> out;
  pb::SubmitTradesRequest one;
  *one.add_events()->mutable_trade() = SampleTrade("T1", 3'125'000, 10);
  out.emplace_back("one_trade", one);

  pb::SubmitTradesRequest lifecycle;  // trade, correction of it, cancel of the replacement
  *lifecycle.add_events()->mutable_trade() = SampleTrade("T1", 3'125'000, 10);
  *lifecycle.add_events()->mutable_trade() = SampleTrade("T2", 3'130'000, 4);
  pb::TradeCorrection* correction = lifecycle.add_events()->mutable_correction();
  correction->set_original_trade_id("T1");
  *correction->mutable_replacement() = SampleTrade("T3", 3'120'000, 7);
  pb::TradeCancel* cancel = lifecycle.add_events()->mutable_cancel();
  cancel->set_trade_id("T3");
  cancel->set_reason("busted by the exchange");
  out.emplace_back("lifecycle", lifecycle);

  pb::SubmitTradesRequest refused;  // off tick, expired, late, unknown account, no event
  *refused.add_events()->mutable_trade() = SampleTrade("R1", 3'125'001, 10);
  pb::Trade expired = SampleTrade("R2", 3'125'000, 10);
  expired.set_instrument_id("TKF-202610");
  *refused.add_events()->mutable_trade() = expired;
  pb::Trade late = SampleTrade("R3", 3'125'000, 10);
  late.set_trade_date("2026-11-20");
  *refused.add_events()->mutable_trade() = late;
  pb::Trade unknown = SampleTrade("R4", 3'125'000, 10);
  unknown.set_buyer_account_id("CM09-H");
  unknown.set_seller_account_id("CM77-H");
  *refused.add_events()->mutable_trade() = unknown;
  refused.add_events();
  out.emplace_back("refused", refused);

  pb::SubmitTradesRequest repeated;  // same key, same and different content
  *repeated.add_events()->mutable_trade() = SampleTrade("T9", 3'125'000, 10);
  *repeated.add_events()->mutable_trade() = SampleTrade("T9", 3'125'000, 10);
  *repeated.add_events()->mutable_trade() = SampleTrade("T9", 3'125'000, 11);
  out.emplace_back("repeated_key", repeated);
  return out;
}

// feed_sequence_fuzz scripts: per batch a mode byte (0 next, 1 replay of the tail, 2 gap,
// 3 any int64; +4 replays carry the held content), a distance, a count, one byte per event.
std::vector<std::pair<std::string, std::string>> FeedScripts() {
  using Bytes = std::vector<uint8_t>;
  auto text = [](const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); };
  return {
      {"in_order", text({0, 0, 4, 1, 2, 3, 4, 0, 0, 4, 5, 6, 7, 8, 0, 0, 1, 9})},
      {"honest_replay", text({0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8, 5, 2, 6, 6, 7, 8, 9, 10, 11})},
      {"reused_sequence", text({0, 0, 4, 1, 2, 3, 4, 1, 1, 3, 9, 9, 9})},
      {"gap", text({0, 0, 2, 1, 2, 2, 0, 1, 3, 0, 0, 1, 3})},
      {"any_first", text({0, 0, 3, 1, 2, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 1, 3})},
  };
}

// An index-history CSV: TOKFRONT near 3.00 and TOKOPEN near 0.45 on `days` weekdays up to
// 2026-11-20 (a seeded walk in whole micro-USD), and two TKF months on the last 25.
std::string IndexCsv(int days) {
  std::vector<absl::CivilDay> dates;
  for (absl::CivilDay day(2026, 11, 20); static_cast<int>(dates.size()) < days; --day) {
    const absl::Weekday weekday = absl::GetWeekday(day);
    if (weekday != absl::Weekday::saturday && weekday != absl::Weekday::sunday) {
      dates.insert(dates.begin(), day);
    }
  }
  uint64_t state = 20261123;
  auto step = [&state](int64_t scale) {  // a deterministic move in [-scale, scale]
    state = state * 6364136223846793005u + 1442695040888963407u;
    return static_cast<int64_t>(state >> 33) % (2 * scale + 1) - scale;
  };
  auto decimal = [](int64_t micros) {
    return absl::StrCat(micros / 1'000'000, ".", absl::Dec(micros % 1'000'000, absl::kZeroPad6));
  };
  std::string csv = "# index_code,date,value (USD per 1M tokens)\n";
  int64_t front = 3'000'000, open = 450'000, near = 3'010'000, far = 3'030'000;
  for (size_t i = 0; i < dates.size(); ++i) {
    const std::string date = absl::FormatCivilTime(dates[i]);
    front += step(60'000);
    open += step(12'000);
    absl::StrAppend(&csv, "TOKFRONT,", date, ",", decimal(front), "\n");
    absl::StrAppend(&csv, "TOKOPEN,", date, ",", decimal(open), "\n");
    if (dates.size() - i <= 25) {
      near = front + step(20'000);
      far = near + 15'000 + step(10'000);
      absl::StrAppend(&csv, "TKF-202612,", date, ",", decimal(near), "\n");
      absl::StrAppend(&csv, "TKF-202701,", date, ",", decimal(far), "\n");
    }
  }
  return csv;
}

// camt054_fuzz: the bank's confirmations of the instructions the target knows (COL-1..4,
// PAY-1, PAY-2 already confirmed, EUR-1 in EUR; all through CCP-SETTLE-001), and our two
// pain messages. Small files: the larger a seed, the slower every execution.
std::vector<std::pair<std::string, std::string>> PaymentFiles() {
  namespace pay = tc::payments;
  using pay::CreditDebit;
  using pay::EntryStatus;
  const absl::Time created =
      absl::FromCivil(absl::CivilSecond(2026, 12, 2, 17, 0, 0), absl::UTCTimeZone());
  const absl::CivilDay day(2026, 12, 2);
  auto entry = [&](int64_t cents, CreditDebit cd, EntryStatus status,
                   std::vector<std::string> ids) {
    return pay::Camt054Entry{.amount_cents = cents,
                             .currency = "USD",
                             .credit_debit = cd,
                             .status = status,
                             .booking_date = day,
                             .value_date = day,
                             .end_to_end_ids = std::move(ids),
                             .remittance_text = "VM 2026-12-01"};
  };
  constexpr CreditDebit kIn = CreditDebit::kCredit, kOut = CreditDebit::kDebit;
  constexpr EntryStatus kBook = EntryStatus::kBooked, kPending = EntryStatus::kPending;
  std::vector<std::pair<std::string, std::string>> out;
  auto camt = [&](const std::string& name, std::vector<pay::Camt054Notification> n) {
    absl::StatusOr<std::string> xml = pay::WriteCamt054("BANK-20261202-1", created, n);
    out.emplace_back(name, xml.ok() ? *xml : "");
  };
  camt("confirms.xml",
       {{.notification_id = "CCP-SETTLE-001",
         .account_number = "CCP-SETTLE-001",
         .entries = {entry(10000, kIn, kBook, {"COL-1"}), entry(2500, kOut, kBook, {"PAY-1"}),
                     entry(7500, kIn, kBook, {"COL-2", "COL-3"}),
                     entry(1, kIn, kPending, {"COL-4"})}}});
  pay::Camt054Entry euros = entry(990000, kIn, kBook, {"EUR-1"});
  euros.currency = "EUR";
  camt("duplicates_and_breaks.xml",
       {{.notification_id = "N1",
         .account_number = "CCP-SETTLE-001",
         .entries = {entry(7500, kOut, kBook, {"PAY-2"}), entry(7600, kOut, kBook, {"PAY-2"}),
                     entry(9999, kIn, kBook, {"COL-1"}), entry(2500, kIn, kBook, {"PAY-1"}),
                     entry(5000, kIn, kBook, {"NOPE-1"}), entry(100, kIn, kBook, {}), euros}},
        {.notification_id = "N2", .account_number = "OTHER-ACCT", .entries = {}}});

  using pay::testing::kAlpha;
  using pay::testing::kBeta;
  using pay::testing::SampleInstruction;
  const pay::CcpParty ccp = pay::testing::SampleCcp();
  const std::vector<pay::PaymentInstruction> pays = {
      SampleInstruction(pay::PaymentDirection::kPay, "PAY-1", kAlpha, tc::clearing::Origin::kHouse,
                        2500),
      SampleInstruction(pay::PaymentDirection::kPay, "PAY-2", kBeta,
                        tc::clearing::Origin::kCustomer, 7500)};
  const std::vector<pay::PaymentInstruction> collects = {
      SampleInstruction(pay::PaymentDirection::kCollect, "COL-1", kAlpha,
                        tc::clearing::Origin::kHouse, 10000),
      SampleInstruction(pay::PaymentDirection::kCollect, "COL-2", kBeta,
                        tc::clearing::Origin::kCustomer, 5000)};
  absl::StatusOr<std::string> pain001 = pay::WritePain001(
      pay::testing::SampleHeader("TC-PAY-20261201-1", absl::CivilSecond(2026, 12, 1, 18, 30, 0)),
      ccp, pays);
  out.emplace_back("pays.pain001.xml", pain001.ok() ? *pain001 : "");
  absl::StatusOr<std::string> pain008 = pay::WritePain008(
      pay::testing::SampleHeader("TC-COL-20261201-1", absl::CivilSecond(2026, 12, 1, 18, 30, 0)),
      ccp, collects);
  out.emplace_back("collects.pain008.xml", pain008.ok() ? *pain008 : "");
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_seeds OUT_DIR\n");
    return 2;
  }
  const fs::path root = argv[1];
  for (const char* target : {"spn_reader_fuzz", "pa2_reader_fuzz", "trade_request_fuzz",
                             "feed_sequence_fuzz", "index_history_fuzz", "camt054_fuzz"}) {
    fs::remove_all(root / target);  // no seed of an earlier version stays behind
  }
  bool ok = true;
  // The four smallest of 64 random parameter sets: small inputs fuzz faster.
  std::vector<std::pair<std::string, uint64_t>> spn;
  for (uint64_t seed = 1; seed <= 64; ++seed) {
    spn.emplace_back(tc::margin::WriteSpn(tc::margin::RandomParameters(seed)), seed);
  }
  std::sort(spn.begin(), spn.end(),
            [](const auto& a, const auto& b) { return a.first.size() < b.first.size(); });
  for (size_t i = 0; i < 4; ++i) {
    ok &= Write(root / "spn_reader_fuzz", absl::StrCat("random_", spn[i].second, ".spn"),
                spn[i].first);
  }
  const tc::margin::SyntheticPa2Options pa2_shapes[] = {
      {.target_bytes = 1, .futures_months = 1, .strikes = 1},
      {.target_bytes = 1, .futures_months = 3, .strikes = 2},
      {.target_bytes = 4000, .futures_months = 2, .strikes = 0}};
  for (size_t i = 0; i < std::size(pa2_shapes); ++i) {
    ok &= Write(root / "pa2_reader_fuzz", absl::StrCat("synthetic_", i, ".pa2"),
                tc::margin::SyntheticPa2(pa2_shapes[i]));
  }
  for (const auto& [name, request] : TradeRequests()) {
    ok &= Write(root / "trade_request_fuzz", name + ".pb", request.SerializeAsString());
  }
  for (const auto& [name, script] : FeedScripts()) {
    ok &= Write(root / "feed_sequence_fuzz", name, script);
  }
  ok &= Write(root / "index_history_fuzz", "45_days.csv", IndexCsv(45));
  ok &= Write(root / "index_history_fuzz", "10_days.csv", IndexCsv(10));
  for (const auto& [name, xml] : PaymentFiles()) {
    if (xml.empty()) {
      std::fprintf(stderr, "fuzz_seeds: the payments writers refused %s\n", name.c_str());
      ok = false;
    }
    ok &= Write(root / "camt054_fuzz", name, xml);
  }
  if (!ok) std::fprintf(stderr, "fuzz_seeds: could not write under %s\n", argv[1]);
  return ok ? 0 : 1;
}
