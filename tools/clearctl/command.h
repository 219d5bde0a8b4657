// What every clearctl noun file shares: the API clients a command calls, the command
// table entry, the per-noun command lists that clearctl_main.cc dispatches over, and
// printing a response as a table or (--json) as the API's JSON.
//
// A noun file (reference.cc, trades.cc, margin.cc) defines its commands and exports them:
//
//   namespace tc::clearctl {
//   namespace {
//   absl::Status ShowThings(const Clients& clients, const Args& args) {
//     pb::ListThingsResponse response;
//     TC_RETURN_IF_ERROR(clients.api.Call(*clients.things, &ThingStub::ListThings, {}, &response));
//     tools::TextTable table({"THING"});
//     for (const pb::Thing& t : response.things()) table.AddRow({t.thing_id()});
//     return Print(response, table);
//   }
//   constexpr Command kCommands[] = {{"things", "things", 0, ShowThings}};
//   }  // namespace
//   absl::Span<const Command> ThingCommands() { return kCommands; }
//   }  // namespace tc::clearctl
//
// Adding a noun: that file, its XCommands() declared below, listed in kNouns
// (clearctl_main.cc) and added to clearctl's sources (tools/CMakeLists.txt); a new
// service's stub goes into Clients; a new flag into clearctl_main.cc and flags.h.
#ifndef TOKENCLEAR_TOOLS_CLEARCTL_COMMAND_H_
#define TOKENCLEAR_TOOLS_CLEARCTL_COMMAND_H_

#include <google/protobuf/message.h>

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "tokenclear/v1/cash.grpc.pb.h"
#include "tokenclear/v1/ledger.grpc.pb.h"
#include "tokenclear/v1/margin.grpc.pb.h"
#include "tokenclear/v1/positions.grpc.pb.h"
#include "tokenclear/v1/reference_data.grpc.pb.h"
#include "tokenclear/v1/treasury.grpc.pb.h"
#include "tools/api_client.h"
#include "tools/toolkit/text_table.h"

namespace tc::clearctl {

namespace pb = ::tokenclear::v1;
using ReferenceStub = pb::ReferenceDataService::Stub;
using PositionStub = pb::PositionService::Stub;
using MarginStub = pb::MarginService::Stub;

// One channel (tools/api_client.h) and a stub per service.
struct Clients {
  explicit Clients(tools::ApiConnection connection)
      : api(std::move(connection)),
        reference(pb::ReferenceDataService::NewStub(api.channel())),
        positions(pb::PositionService::NewStub(api.channel())),
        margin(pb::MarginService::NewStub(api.channel())),
        ledger(pb::LedgerService::NewStub(api.channel())),
        treasury(pb::TreasuryService::NewStub(api.channel())),
        cash(pb::CashService::NewStub(api.channel())) {}

  tools::ApiConnection api;
  std::unique_ptr<ReferenceStub> reference;
  std::unique_ptr<PositionStub> positions;
  std::unique_ptr<MarginStub> margin;
  std::unique_ptr<pb::LedgerService::Stub> ledger;
  std::unique_ptr<pb::TreasuryService::Stub> treasury;
  std::unique_ptr<pb::CashService::Stub> cash;
};

// The positional arguments after the command name.
using Args = std::vector<std::string>;

struct Command {
  const char* name;        // as typed: "open-interest"
  const char* synopsis;    // its usage line
  size_t positional_args;  // exactly this many Args, else the usage (exit 2)
  absl::Status (*run)(const Clients& clients, const Args& args);
};

// The commands of each noun, in the order the usage lists them.
absl::Span<const Command> ReferenceCommands();   // reference.cc
absl::Span<const Command> TradeCommands();       // trades.cc
absl::Span<const Command> MarginCommands();      // margin.cc
absl::Span<const Command> IndexCommands();       // index.cc
absl::Span<const Command> LedgerCommands();      // ledger.cc
absl::Span<const Command> SettlementCommands();  // settlement.cc
absl::Span<const Command> CashCommands();        // cash.cc
absl::Span<const Command> ReportCommands();      // reports.cc
absl::Span<const Command> AccessCommands();      // access.cc
absl::Span<const Command> MemberCommands();      // member.cc

// With --json the response as the API's JSON (proto field names, indented), else the
// rendered table.
absl::Status Print(const google::protobuf::Message& response, const tools::TextTable& table);

// An enum value's name without its prefix: ("ORIGIN_HOUSE", "ORIGIN_") -> "HOUSE".
std::string EnumLabel(const std::string& name, absl::string_view prefix);

}  // namespace tc::clearctl

#endif  // TOKENCLEAR_TOOLS_CLEARCTL_COMMAND_H_
