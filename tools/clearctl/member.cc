// clearctl's member commands (MemberService): a clearing member's own positions as of a
// business date, its trades, its margin with the breakdown, its cash statement and its
// notifications (once, or followed as they come). A member's token reads its own member;
// treasury and the regulator name one with --member.
//
//   clearctl --token=dev-cm01-token-0001 member positions --date=2026-12-28 [--account=A]
//   clearctl member trades [--from=D] [--to=D] [--instrument=I] [--account=A] [--limit=N]
//   clearctl member margin --date=2026-12-28 [--account=A]
//   clearctl member statement --from=2026-12-01 --to=2026-12-28 [--origin=HOUSE]
//   clearctl member notifications [--after=ID] [--follow]
//
// Without --follow, notifications prints what is there after --after and stops; with it,
// it keeps printing new ones until interrupted (or until the server goes away: the last
// line says the id to resume after); with --json one object per line. Cents print as the
// ledger noun prints them.
#include <google/protobuf/util/json_util.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/fixed_point.h"
#include "core/status_macros.h"
#include "tokenclear/v1/member.grpc.pb.h"
#include "tools/clearctl/command.h"
#include "tools/clearctl/flags.h"

namespace tc::clearctl {
namespace {

using tools::TextTable;
using MemberStub = pb::MemberService::Stub;

// How long `member notifications` waits for what is already there (without --follow);
// with --follow, a day (then it reconnects by hand: --after).
constexpr absl::Duration kDrainWait = absl::Seconds(2);
constexpr absl::Duration kFollowTime = absl::Hours(24);
// Pages of trades read per call when --limit asks for more than one page.
constexpr int kTradePage = 1000;

std::unique_ptr<MemberStub> Stub(const Clients& clients) {
  return pb::MemberService::NewStub(clients.api.channel());
}

std::string Cents(int64_t cents) { return FormatFixed(cents, 2); }

absl::Status Positions(const Clients& clients, const Args&) {
  pb::GetPositionsRequest request;
  request.set_business_date(absl::GetFlag(FLAGS_date));
  request.set_account_id(absl::GetFlag(FLAGS_account));
  request.set_member_id(absl::GetFlag(FLAGS_member));
  pb::GetPositionsResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*Stub(clients), &MemberStub::GetPositions, request, &response));
  TextTable table({"ACCOUNT", "INSTRUMENT", "SOD_LONG", "SOD_SHORT", "BOUGHT", "SOLD", "EOD_LONG",
                   "EOD_SHORT"});
  for (const pb::MemberPosition& p : response.positions()) {
    table.AddRow({p.account_id(), p.instrument_id(), absl::StrCat(p.sod_long()),
                  absl::StrCat(p.sod_short()), absl::StrCat(p.bought()), absl::StrCat(p.sold()),
                  absl::StrCat(p.eod_long()), absl::StrCat(p.eod_short())});
  }
  return Print(response, table);
}

absl::Status Trades(const Clients& clients, const Args&) {
  pb::ListMemberTradesRequest request;
  request.set_member_id(absl::GetFlag(FLAGS_member));
  request.set_from_business_date(absl::GetFlag(FLAGS_from));
  request.set_to_business_date(absl::GetFlag(FLAGS_to));
  request.set_instrument_id(absl::GetFlag(FLAGS_instrument));
  request.set_account_id(absl::GetFlag(FLAGS_account));
  request.set_page_size(absl::GetFlag(FLAGS_limit) > 0 ? absl::GetFlag(FLAGS_limit) : 0);
  pb::ListMemberTradesResponse response;
  TC_RETURN_IF_ERROR(clients.api.Call(*Stub(clients), &MemberStub::ListTrades, request, &response));
  TextTable table({"TRADE", "ACCOUNT", "INSTRUMENT", "SIDE", "QUANTITY", "PRICE_MICROS",
                   "BUSINESS_DATE", "STATUS"});
  for (const pb::MemberTrade& t : response.trades()) {
    table.AddRow({t.leg().trade_id(), t.leg().account_id(), t.leg().instrument_id(), t.leg().side(),
                  absl::StrCat(t.leg().quantity()), absl::StrCat(t.leg().price_micros()),
                  t.business_date(),
                  EnumLabel(pb::TradeStatus_Name(t.leg().status()), "TRADE_STATUS_")});
  }
  if (!response.next_page_token().empty()) {
    std::fprintf(stderr, "more: ask again with --from/--to or a larger --limit (max %d)\n",
                 kTradePage);
  }
  return Print(response, table);
}

absl::Status Margin(const Clients& clients, const Args&) {
  pb::GetMarginRequest request;
  request.set_business_date(absl::GetFlag(FLAGS_date));
  request.set_account_id(absl::GetFlag(FLAGS_account));
  request.set_member_id(absl::GetFlag(FLAGS_member));
  pb::GetMarginResponse response;
  TC_RETURN_IF_ERROR(clients.api.Call(*Stub(clients), &MemberStub::GetMargin, request, &response));
  TextTable table({"ACCOUNT", "COMMODITY", "SCAN_RISK", "INTRA", "SPOT", "INTER_CREDIT", "SOM",
                   "NOV", "MAINTENANCE", "INITIAL"});
  for (const pb::AccountMargin& a : response.accounts()) {
    for (const pb::CommodityMargin& c : a.breakdown().commodities()) {
      table.AddRow({a.account_id(), c.combined_commodity(), FormatFixed(c.scan_risk_micros(), 6),
                    FormatFixed(c.intra_charge_micros(), 6), FormatFixed(c.spot_charge_micros(), 6),
                    FormatFixed(c.inter_credit_micros(), 6), FormatFixed(c.som_micros(), 6),
                    FormatFixed(c.nov_micros(), 6), FormatFixed(c.maintenance_micros(), 6),
                    FormatFixed(c.initial_micros(), 6)});
    }
  }
  if (!absl::GetFlag(FLAGS_json)) {
    std::printf("parameter set %s\n", response.parameter_version().c_str());
  }
  return Print(response, table);
}

absl::Status Statement(const Clients& clients, const Args&) {
  pb::GetCashStatementRequest request;
  request.set_from_business_date(absl::GetFlag(FLAGS_from));
  request.set_to_business_date(absl::GetFlag(FLAGS_to));
  request.set_origin(absl::GetFlag(FLAGS_origin));
  request.set_member_id(absl::GetFlag(FLAGS_member));
  pb::GetCashStatementResponse response;
  TC_RETURN_IF_ERROR(
      clients.api.Call(*Stub(clients), &MemberStub::GetCashStatement, request, &response));
  TextTable table({"LEDGER_ACCOUNT", "CURRENCY", "OPENING", "LINES", "CLOSING"});
  for (const pb::StatementAccount& a : response.accounts()) {
    table.AddRow({a.account().ledger_account_id(), a.account().currency(), Cents(a.opening_cents()),
                  absl::StrCat(a.line_count()), Cents(a.closing_cents())});
  }
  if (!absl::GetFlag(FLAGS_json)) {
    TextTable lines({"ENTRY", "DATE", "KIND", "LEDGER_ACCOUNT", "AMOUNT"});
    for (const pb::JournalEntry& e : response.entries()) {
      for (const pb::JournalLine& l : e.lines()) {
        lines.AddRow({absl::StrCat(e.entry_id()), e.business_date(), e.kind(),
                      l.account().ledger_account_id(), Cents(l.amount_cents())});
      }
    }
    std::printf("%s\n", lines.Render().c_str());
  }
  return Print(response, table);
}

absl::Status Notifications(const Clients& clients, const Args&) {
  pb::StreamNotificationsRequest request;
  request.set_after_notification_id(absl::GetFlag(FLAGS_after));
  request.set_member_id(absl::GetFlag(FLAGS_member));
  const bool follow = absl::GetFlag(FLAGS_follow);
  grpc::ClientContext context;
  clients.api.Prepare(context, follow ? kFollowTime : kDrainWait);
  std::unique_ptr<MemberStub> stub = Stub(clients);
  std::unique_ptr<grpc::ClientReader<pb::Notification>> reader =
      stub->StreamNotifications(&context, request);
  pb::Notification n;
  int64_t last = request.after_notification_id();
  while (reader->Read(&n)) {
    last = n.notification_id();
    if (absl::GetFlag(FLAGS_json)) {
      // One compact object per line (JSON Lines), so that a follower can read line by line.
      std::string json;
      google::protobuf::util::JsonPrintOptions options;
      options.preserve_proto_field_names = true;
      if (!google::protobuf::util::MessageToJsonString(n, &json, options).ok()) {
        return absl::InternalError("a notification does not convert to JSON");
      }
      std::printf("%s\n", json.c_str());
    } else {
      std::printf("%lld %s %s %s %s\n", static_cast<long long>(n.notification_id()),
                  n.business_date().c_str(), n.kind().c_str(), n.subject().c_str(),
                  n.detail().c_str());
    }
    std::fflush(stdout);
  }
  const grpc::Status status = reader->Finish();
  // Without --follow the stream is read until its short deadline: that is the end.
  if (!follow && status.error_code() == grpc::DEADLINE_EXCEEDED) return absl::OkStatus();
  if (!status.ok()) {
    std::fprintf(stderr, "stream ended; resume with --after=%lld\n", static_cast<long long>(last));
  }
  return tools::ToAbslStatus(status);
}

constexpr Command kCommands[] = {
    {"member positions",
     "member positions --date=D [--account=A] [--member=M]   (start of day, bought, sold, end)", 0,
     Positions},
    {"member trades",
     "member trades [--from=D] [--to=D] [--instrument=I] [--account=A] [--limit=N] [--member=M]", 0,
     Trades},
    {"member margin", "member margin --date=D [--account=A] [--member=M]   (with the breakdown)", 0,
     Margin},
    {"member statement",
     "member statement --from=D --to=D [--origin=HOUSE|CUSTOMER] [--member=M]   (cash)", 0,
     Statement},
    {"member notifications",
     "member notifications [--after=ID] [--follow] [--member=M]   (margin calls, end of day, "
     "flags)",
     0, Notifications},
};

}  // namespace

absl::Span<const Command> MemberCommands() { return kCommands; }

}  // namespace tc::clearctl
