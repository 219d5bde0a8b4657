// libFuzzer target: a SubmitTrades request from bytes, through what the server does with
// it before the database. The bytes are parsed as tokenclear.v1.SubmitTradesRequest
// (inputs that do not parse are skipped, as gRPC refuses them); each event is converted
// (services/common/proto_convert.h), hashed, and validated (clearing/trade_validation.h) against
// the test reference snapshot (clearing/test_reference.h); the batch is planned
// (clearing/batch_plan.h) over an empty store, then again over the store that plan would
// write. Checked: every refusal names its field in a message; the response the client
// would get parses back (valid UTF-8); an event accepted once is already accepted on a
// resend (exactly once); and with member CM01 flagged for failure to pay and flat
// (clearing/risk_reducing.h), no new trade or replacement with a side on a CM01 account
// is accepted, and the refusals name their field. Seeds: fuzz/seeds_main.cc. Run:
// bench/fuzz.sh trade_request_fuzz.
//
// Registered in fuzz/CMakeLists.txt (services/CMakeLists.txt is owned by the services work).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clearing/batch_plan.h"
#include "clearing/payload_hash.h"
#include "clearing/test_reference.h"
#include "clearing/trade_event.h"
#include "clearing/trade_validation.h"
#include "google/protobuf/stubs/logging.h"
#include "services/common/proto_convert.h"
#include "tokenclear/v1/trade_capture.pb.h"

namespace {

namespace clearing = tc::clearing;
namespace pb = tokenclear::v1;

void Require(bool ok, const std::string& what) {
  if (ok) return;
  std::fprintf(stderr, "FUZZ CHECK FAILED: %s\n", what.c_str());
  std::abort();
}

// A refusal carries an error code, the field it is about and a message naming it.
void RequireNamedRejection(const clearing::Rejection& r, absl::string_view path) {
  Require(r.code != absl::StatusCode::kOk, absl::StrCat("rejection with code OK: ", r.message));
  Require(absl::StartsWith(r.field, path),
          absl::StrCat("rejection field '", r.field, "' is not under '", path, "'"));
  Require(absl::StrContains(r.message, r.field),
          absl::StrCat("rejection message '", r.message, "' does not name '", r.field, "'"));
}

void ValidateTrade(const clearing::Trade& trade, const clearing::ReferenceSnapshot& snapshot,
                   const std::string& prefix) {
  std::optional<clearing::Rejection> r = clearing::CheckTradeFields(trade, prefix);
  if (!r) r = clearing::CheckTradeAgainstReference(trade, snapshot, prefix);
  if (r) RequireNamedRejection(*r, prefix);
}

// The store after writing `plan` over an empty one: its new trades and cancellations.
clearing::StoredTrades StoreAfter(const clearing::BatchPlan& plan, absl::CivilDay date) {
  clearing::StoredTrades stored;
  for (const clearing::NewTradeRow& row : plan.new_trades) {
    stored[row.trade.trade_id] = clearing::StoredTrade{row.trade, row.payload_hash, date, {}};
  }
  for (const clearing::CancellationRow& row : plan.cancellations) {
    auto it = stored.find(row.trade_id);
    Require(it != stored.end(), absl::StrCat("plan cancels '", row.trade_id,
                                             "', which is neither stored nor in the batch"));
    it->second.cancellation =
        clearing::StoredCancellation{row.is_correction, row.replaced_by, row.payload_hash};
  }
  return stored;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Parse failures of invalid UTF-8 are logged by protobuf; they are expected here.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pb::SubmitTradesRequest request;
  if (size > (size_t{1} << 24) || !request.ParseFromArray(data, static_cast<int>(size))) return 0;
  static const clearing::ReferenceSnapshot snapshot = clearing::testing::SampleSnapshot();

  // What the ingestor does: convert, answer conversion failures, plan the rest.
  pb::SubmitTradesResponse response;
  std::vector<clearing::TradeEvent> events;
  std::vector<int> request_index;
  for (int i = 0; i < request.events_size(); ++i) {
    const std::string path = absl::StrCat("events[", i, "]");
    auto converted = tc::services::FromProto(request.events(i), path);
    if (auto* rejection = std::get_if<clearing::Rejection>(&converted)) {
      RequireNamedRejection(*rejection, path);
      *response.add_results() =
          tc::services::RejectedResult(tc::services::SentEventKey(request.events(i)), *rejection);
      continue;
    }
    clearing::TradeEvent& event = std::get<clearing::TradeEvent>(converted);
    (void)clearing::PayloadHash(event);
    if (const auto* e = std::get_if<clearing::NewTrade>(&event)) {
      ValidateTrade(e->trade, snapshot, "trade");
    } else if (const auto* e = std::get_if<clearing::CorrectTrade>(&event)) {
      ValidateTrade(e->replacement, snapshot, "correction.replacement");
    }
    events.push_back(std::move(event));
    request_index.push_back(i);
    response.add_results();
  }

  const clearing::BatchPlan first = clearing::PlanBatch(events, snapshot, {});
  Require(first.results.size() == events.size(), "plan has not one result per event");
  for (size_t j = 0; j < events.size(); ++j) {
    const clearing::EventResult& result = first.results[j];
    const std::string path = absl::StrCat("events[", request_index[j], "]");
    Require(result.key == clearing::IdempotencyKey(events[j]), "result key is not the event's");
    Require(result.rejection.has_value() == (result.outcome == clearing::Outcome::kRejected),
            "a rejected result without a rejection, or the other way round");
    if (result.rejection) {
      Require(result.rejection->code != absl::StatusCode::kOk, "rejection with code OK");
      Require(!result.rejection->message.empty(), "rejection without a message");
    }
    *response.mutable_results(request_index[j]) = tc::services::ToProto(result, path);
  }

  // The client must be able to read the answer (proto3 strings are valid UTF-8).
  std::string wire;
  Require(response.SerializeToString(&wire), "response does not serialize");
  pb::SubmitTradesResponse read_back;
  Require(read_back.ParseFromString(wire),
          "the response does not parse back (a message is not valid UTF-8?)");

  // Exactly once: resent after the first plan was written, every event accepted the first
  // time is already accepted and changes nothing.
  const clearing::BatchPlan again =
      clearing::PlanBatch(events, snapshot, StoreAfter(first, clearing::testing::kOpenDate));
  Require(again.results.size() == events.size(), "resend plan has not one result per event");
  for (size_t j = 0; j < events.size(); ++j) {
    if (first.results[j].outcome != clearing::Outcome::kAccepted) continue;
    Require(again.results[j].outcome == clearing::Outcome::kAlreadyAccepted,
            absl::StrCat("events[", request_index[j], "] (key '", first.results[j].key,
                         "') was accepted, but its resend is not ALREADY_ACCEPTED: ",
                         again.results[j].rejection ? again.results[j].rejection->message : ""));
  }

  // Failure to pay: CM01 flagged and flat everywhere (no net positions), so no trade with a
  // side on its accounts reduces anything and none may be accepted.
  static const clearing::ReferenceSnapshot flagged = [] {
    clearing::ReferenceSnapshot s = clearing::testing::SampleSnapshot();
    s.flagged_members["CM01"] = clearing::MemberFlagNote{"FAILURE_TO_PAY", "TC-E-1", "fuzz"};
    return s;
  }();
  Require(clearing::PositionsToCheck(events, snapshot, {}).empty(),
          "positions to check named although nobody is flagged");
  const clearing::BatchPlan restricted = clearing::PlanBatch(events, flagged, {}, {});
  Require(restricted.results.size() == events.size(), "flagged plan has not one result per event");
  for (size_t j = 0; j < events.size(); ++j) {
    const clearing::EventResult& result = restricted.results[j];
    if (result.rejection) {
      Require(result.rejection->code != absl::StatusCode::kOk, "rejection with code OK");
      Require(!result.rejection->message.empty(), "rejection without a message");
      if (result.rejection->code == absl::StatusCode::kFailedPrecondition &&
          absl::StrContains(result.rejection->message, "is flagged")) {
        RequireNamedRejection(*result.rejection, "");
      }
    }
  }
  for (const clearing::NewTradeRow& row : restricted.new_trades) {
    for (const std::string* account : {&row.trade.buyer_account_id, &row.trade.seller_account_id}) {
      const clearing::Account* a = flagged.FindAccount(*account);
      Require(a == nullptr || a->member_id != "CM01",
              absl::StrCat("trade '", row.trade.trade_id, "' on flagged account '", *account,
                           "' was accepted from a flat position"));
    }
  }
  return 0;
}
