#include "services/member/member_service.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/business_date.h"
#include "core/identifiers.h"
#include "core/internal_error.h"
#include "core/status_macros.h"
#include "services/common/proto_convert.h"
#include "settlement/eod_step.h"
#include "settlement/ledger.h"
#include "settlement/position_freeze.h"
#include "store/ledger_store.h"
#include "store/margin_store.h"
#include "store/member_store.h"
#include "store/notification_store.h"
#include "store/settlement_store.h"

namespace tc::services {
namespace {

namespace pb = ::tokenclear::v1;

constexpr absl::Duration kReadTime = absl::Seconds(30);
// A notification stream lasts at most this long; the client then resumes from its last id.
constexpr absl::Duration kStreamTime = absl::Hours(24);
// Each poll of a stream is one short read.
constexpr absl::Duration kPollReadTime = absl::Seconds(10);
// How long a stream waits between polls when it is up to date. A fixed small wait on the
// wall clock (not the clock seam: it paces polling and decides nothing), cut short by a
// shutdown.
constexpr absl::Duration kPollInterval = absl::Milliseconds(200);
// Most notifications read (and sent) per poll.
constexpr int kNotificationBatch = 100;
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
// A statement reads its journal in pages of this size, and at most this many entries in
// all: a longer range is refused (ask for a shorter one), never cut short.
constexpr int kStatementPage = 1000;
constexpr int kMaxStatementEntries = 20'000;

absl::Status CheckOptionalId(absl::string_view field, const std::string& value) {
  return value.empty() ? absl::OkStatus() : ValidateIdentifier(field, value);
}

absl::StatusOr<std::optional<absl::CivilDay>> OptionalDate(absl::string_view field,
                                                           const std::string& text) {
  if (text.empty()) return std::nullopt;
  TC_ASSIGN_OR_RETURN(absl::CivilDay day, ParseBusinessDate(field, text));
  return day;
}

absl::StatusOr<int> PageSize(int32_t requested) {
  if (requested < 0 || requested > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size ", requested, " is outside 0..", kMaxPageSize));
  }
  return requested == 0 ? kDefaultPageSize : requested;
}

// A trade page token is "<trade id>/<account id>" of the last leg of the previous page
// ('/' is not an identifier character).
std::string TradePageToken(const store::LegRow& leg) {
  return absl::StrCat(leg.trade_id, "/", leg.account_id);
}

absl::StatusOr<std::optional<store::LegKey>> ParseTradePageToken(const std::string& token) {
  if (token.empty()) return std::nullopt;
  std::vector<std::string> parts = absl::StrSplit(token, absl::MaxSplits('/', 1));
  if (parts.size() != 2 || !ValidateIdentifier("page_token", parts[0]).ok() ||
      !ValidateIdentifier("page_token", parts[1]).ok()) {
    return absl::InvalidArgumentError(absl::StrCat("page_token \"", ShortenForMessage(token),
                                                   "\" is not a token this service gave"));
  }
  return store::LegKey{parts[0], parts[1]};
}

pb::MemberPosition ToProto(const settlement::FrozenPosition& p) {
  pb::MemberPosition out;
  out.set_account_id(p.account_id);
  out.set_instrument_id(p.instrument_id);
  out.set_sod_long(p.sod_long);
  out.set_sod_short(p.sod_short);
  out.set_bought(p.bought);
  out.set_sold(p.sold);
  out.set_eod_long(p.eod_long);
  out.set_eod_short(p.eod_short);
  return out;
}

pb::Notification ToProto(const store::NotificationRow& n) {
  pb::Notification out;
  out.set_notification_id(n.notification_id);
  out.set_member_id(n.member_id);
  out.set_kind(std::string(store::NotificationKindName(n.kind)));
  out.set_business_date(FormatBusinessDate(n.business_date));
  out.set_subject(n.subject);
  out.set_detail(n.detail);
  SetTimestamp(n.created_at, out.mutable_created_at());
  return out;
}

// The positions of `day` for every account: frozen by its end-of-day run, or, for a date
// not frozen yet (the open date, or a closed one whose run has not reached the freeze),
// start of day = the previous end of day, traded = the date's trades so far, end = now,
// by the same pure rule the run freezes with. NOT_FOUND for a date never opened.
struct DatePositions {
  bool frozen = false;
  std::vector<settlement::FrozenPosition> rows;
};

// The member's positions as of `day`: frozen by the day's run, or, while the day is open,
// its start of day + the legs so far = its live positions. Only the member's rows are read
// and summed (by the database), so the cost follows the member's book, not the market's.
absl::StatusOr<DatePositions> PositionsOf(pqxx::transaction_base& tx, absl::CivilDay day,
                                          const std::string& member_id) {
  if (store::EodStepDone(tx, day, /*pass=*/1,
                         settlement::EodStepNumber(settlement::EodStep::kFreezePositions))) {
    return DatePositions{true, store::LoadFrozenPositions(tx, day, member_id)};
  }
  if (!store::BusinessDayStatus(tx, day)) {
    return absl::NotFoundError(
        absl::StrCat("business_date ", FormatBusinessDate(day), " was never opened: no positions"));
  }
  std::vector<settlement::StartOfDayPosition> start;
  if (std::optional<absl::CivilDay> previous = store::LoadPreviousSettledDate(tx, day)) {
    start = store::LoadStartOfDay(tx, *previous, member_id);
  }
  // Row by row only: open interest balances over every member's accounts, not one's.
  TC_ASSIGN_OR_RETURN(std::vector<settlement::FrozenPosition> rows,
                      settlement::JoinPositions(start, store::SumDayLegs(tx, day, member_id),
                                                store::LoadLivePositions(tx, member_id)));
  return DatePositions{false, std::move(rows)};
}

int64_t ValueAt(const std::map<std::string, int64_t>& values, const std::string& key) {
  auto it = values.find(key);
  return it == values.end() ? 0 : it->second;
}

}  // namespace

void MemberServiceImpl::BeginShutdown() {
  absl::MutexLock lock(&mutex_);
  shutting_down_ = true;
}

absl::StatusOr<std::string> MemberServiceImpl::MemberOf(const Call& call,
                                                        const std::string& requested) {
  TC_ASSIGN_OR_RETURN(std::string member, clearing::VisibleMember(call.caller, requested));
  if (call.caller.role == clearing::Role::kMember) return member;
  if (member.empty()) {
    return absl::InvalidArgumentError(
        "member_id is required: treasury and the regulator name the member");
  }
  TC_RETURN_IF_ERROR(ValidateIdentifier("member_id", member));
  TC_ASSIGN_OR_RETURN(std::shared_ptr<const ReferenceState> state, cache_.Recent());
  if (!state->snapshot.members.contains(member)) {
    return absl::InvalidArgumentError(absl::StrCat("member_id ", member, " is not a member"));
  }
  return member;
}

absl::Status MemberServiceImpl::CheckAccount(const Call& call, const std::string& member,
                                             const std::string& account_id) {
  if (account_id.empty()) return absl::OkStatus();
  TC_RETURN_IF_ERROR(ValidateIdentifier("account_id", account_id));
  TC_ASSIGN_OR_RETURN(std::shared_ptr<const ReferenceState> state, cache_.Recent());
  TC_RETURN_IF_ERROR(clearing::CheckAccountVisible(call.caller, state->snapshot, account_id));
  const clearing::Account* account = state->snapshot.FindAccount(account_id);
  if (account == nullptr || account->member_id != member) {
    return absl::InvalidArgumentError(
        absl::StrCat("account_id ", account_id, " is not an account of member ", member));
  }
  return absl::OkStatus();
}

grpc::Status MemberServiceImpl::GetPositions(Context* context,
                                             const pb::GetPositionsRequest* request,
                                             pb::GetPositionsResponse* response) {
  return rpc_.Run(
      context, "GetPositions", clearing::kPositionReaders, kReadTime,
      [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(absl::CivilDay day,
                            ParseBusinessDate("business_date", request->business_date()));
        TC_ASSIGN_OR_RETURN(std::string member, MemberOf(call, request->member_id()));
        TC_RETURN_IF_ERROR(CheckAccount(call, member, request->account_id()));
        TC_ASSIGN_OR_RETURN(std::shared_ptr<const ReferenceState> state, cache_.Recent());
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          // One snapshot for the start of day, the trades and the live positions.
          tx.exec0("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
          response->Clear();
          TC_ASSIGN_OR_RETURN(DatePositions positions, PositionsOf(tx, day, member));
          response->set_member_id(member);
          response->set_business_date(FormatBusinessDate(day));
          response->set_frozen(positions.frozen);
          for (const settlement::FrozenPosition& p : positions.rows) {
            const clearing::Account* account = state->snapshot.FindAccount(p.account_id);
            if (account == nullptr || account->member_id != member) continue;
            if (!request->account_id().empty() && p.account_id != request->account_id()) continue;
            *response->add_positions() = ToProto(p);
          }
          return absl::OkStatus();
        });
      });
}

grpc::Status MemberServiceImpl::ListTrades(Context* context,
                                           const pb::ListMemberTradesRequest* request,
                                           pb::ListMemberTradesResponse* response) {
  return rpc_.Run(context, "ListTrades", clearing::kPositionReaders, kReadTime,
                  [&](const Call& call) -> absl::Status {
                    store::MemberLegQuery query;
                    TC_ASSIGN_OR_RETURN(query.from, OptionalDate("from_business_date",
                                                                 request->from_business_date()));
                    TC_ASSIGN_OR_RETURN(
                        query.to, OptionalDate("to_business_date", request->to_business_date()));
                    if (query.from && query.to && *query.from > *query.to) {
                      return absl::InvalidArgumentError(
                          absl::StrCat("from_business_date ", request->from_business_date(),
                                       " is after to_business_date ", request->to_business_date()));
                    }
                    TC_RETURN_IF_ERROR(CheckOptionalId("instrument_id", request->instrument_id()));
                    TC_ASSIGN_OR_RETURN(int limit, PageSize(request->page_size()));
                    TC_ASSIGN_OR_RETURN(query.after, ParseTradePageToken(request->page_token()));
                    TC_ASSIGN_OR_RETURN(query.member_id, MemberOf(call, request->member_id()));
                    TC_RETURN_IF_ERROR(CheckAccount(call, query.member_id, request->account_id()));
                    query.account_id = request->account_id();
                    query.instrument_id = request->instrument_id();
                    query.limit = limit + 1;  // one more tells whether another page follows
                    return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) {
                      response->Clear();
                      std::vector<store::MemberLeg> legs = store::ListMemberLegs(tx, query);
                      const bool more = static_cast<int>(legs.size()) > limit;
                      if (more) legs.resize(limit);
                      for (const store::MemberLeg& leg : legs) {
                        pb::MemberTrade* out = response->add_trades();
                        *out->mutable_leg() = ToProto(leg.leg);
                        out->set_business_date(FormatBusinessDate(leg.business_date));
                      }
                      if (more) response->set_next_page_token(TradePageToken(legs.back().leg));
                      return absl::OkStatus();
                    });
                  });
}

grpc::Status MemberServiceImpl::GetMargin(Context* context, const pb::GetMarginRequest* request,
                                          pb::GetMarginResponse* response) {
  return rpc_.Run(
      context, "GetMargin", clearing::kPositionReaders, kReadTime,
      [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(absl::CivilDay day,
                            ParseBusinessDate("business_date", request->business_date()));
        TC_ASSIGN_OR_RETURN(std::string member, MemberOf(call, request->member_id()));
        TC_RETURN_IF_ERROR(CheckAccount(call, member, request->account_id()));
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          response->Clear();
          response->set_member_id(member);
          response->set_business_date(FormatBusinessDate(day));
          for (const store::MarginRequirementRow& row :
               store::LoadMarginBreakdowns(tx, day, member, request->account_id())) {
            pb::AccountMargin* out = response->add_accounts();
            out->set_account_id(row.account_id);
            out->set_member_id(row.member_id);
            out->set_origin(row.origin == clearing::Origin::kHouse ? pb::ORIGIN_HOUSE
                                                                   : pb::ORIGIN_CUSTOMER);
            // Stored by the margin cycle as this very message in JSON; a row that does not
            // read back is a stored-data fault, answered without details.
            if (!google::protobuf::util::JsonStringToMessage(row.breakdown_json,
                                                             out->mutable_breakdown())
                     .ok()) {
              return MarkInternal(absl::DataLossError(
                  absl::StrCat("stored margin breakdown of ", row.account_id, " on ",
                               FormatBusinessDate(day), " does not parse")));
            }
            response->set_parameter_version(row.parameter_version);
          }
          for (const store::OriginRequirementRow& row :
               store::ListOriginRequirements(tx, day, member)) {
            *response->add_origins() = ToProto(row);
            response->set_parameter_version(row.parameter_version);
          }
          if (response->origins().empty()) {
            return absl::NotFoundError(
                absl::StrCat("no margin of member ", member, " on ", FormatBusinessDate(day)));
          }
          return absl::OkStatus();
        });
      });
}

grpc::Status MemberServiceImpl::GetCashStatement(Context* context,
                                                 const pb::GetCashStatementRequest* request,
                                                 pb::GetCashStatementResponse* response) {
  return rpc_.Run(
      context, "GetCashStatement", clearing::kPositionReaders, kReadTime,
      [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(absl::CivilDay from,
                            ParseBusinessDate("from_business_date", request->from_business_date()));
        TC_ASSIGN_OR_RETURN(absl::CivilDay to,
                            ParseBusinessDate("to_business_date", request->to_business_date()));
        if (from > to) {
          return absl::InvalidArgumentError(
              absl::StrCat("from_business_date ", request->from_business_date(),
                           " is after to_business_date ", request->to_business_date()));
        }
        std::optional<clearing::Origin> origin;
        if (!request->origin().empty()) {
          origin = settlement::OriginFromName(request->origin());
          if (!origin) {
            return absl::InvalidArgumentError(absl::StrCat(
                "origin \"", ShortenForMessage(request->origin()), "\" is not HOUSE or CUSTOMER"));
          }
        }
        TC_ASSIGN_OR_RETURN(std::string member, MemberOf(call, request->member_id()));
        auto wanted = [&](const settlement::LedgerAccount& account) {
          return account.member_id == member && (!origin || account.origin == origin);
        };
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          // One snapshot: the balances and the journal must describe the same ledger.
          tx.exec0("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
          response->Clear();
          response->set_member_id(member);
          const std::map<std::string, int64_t> opening =
              store::MemberBalancesThrough(tx, member, from - 1);
          const std::map<std::string, int64_t> closing =
              store::MemberBalancesThrough(tx, member, to);
          std::map<std::string, int64_t> moved;
          std::map<std::string, int64_t> lines;
          store::JournalQuery query;
          query.from = from;
          query.to = to;
          query.member_id = member;
          query.limit = kStatementPage;
          for (int read = 0;;) {
            TC_ASSIGN_OR_RETURN(store::JournalPage page, store::LoadJournal(tx, query));
            read += static_cast<int>(page.entries.size());
            if (read > kMaxStatementEntries) {
              return absl::FailedPreconditionError(
                  absl::StrCat("more than ", kMaxStatementEntries, " journal entries between ",
                               FormatBusinessDate(from), " and ", FormatBusinessDate(to),
                               ": ask for a shorter date range"));
            }
            for (store::StoredJournalEntry& stored : page.entries) {
              std::vector<settlement::JournalLine>& entry_lines = stored.entry.lines;
              std::erase_if(entry_lines, [&](const settlement::JournalLine& line) {
                return !wanted(line.account);
              });
              if (entry_lines.empty()) continue;
              for (const settlement::JournalLine& line : entry_lines) {
                moved[line.account.ledger_account_id] += line.amount_cents;
                ++lines[line.account.ledger_account_id];
              }
              *response->add_entries() = ToProto(stored);
            }
            if (!page.next_after_entry_id) break;
            query.after_entry_id = *page.next_after_entry_id;
          }
          for (const store::LedgerBalanceRow& row :
               store::LoadLedgerBalances(tx, {member, std::nullopt})) {
            if (!wanted(row.account)) continue;
            const std::string& id = row.account.ledger_account_id;
            // The statement's own check: the lines it shows take the opening balance to
            // the closing one, both summed independently by the database.
            if (ValueAt(opening, id) + ValueAt(moved, id) != ValueAt(closing, id)) {
              return MarkInternal(absl::DataLossError(absl::StrCat(
                  "cash statement of ", id, ": opening ", ValueAt(opening, id), " + lines ",
                  ValueAt(moved, id), " != closing ", ValueAt(closing, id))));
            }
            pb::StatementAccount* out = response->add_accounts();
            *out->mutable_account() = ToProto(row.account);
            out->set_opening_cents(ValueAt(opening, id));
            out->set_closing_cents(ValueAt(closing, id));
            out->set_line_count(ValueAt(lines, id));
          }
          return absl::OkStatus();
        });
      });
}

// CashService answers these for a member's own rows already (the same role set, the same
// member scope); the member's API serves them through the same handlers.
grpc::Status MemberServiceImpl::ListCollateral(Context* context,
                                               const pb::ListCollateralRequest* request,
                                               pb::ListCollateralResponse* response) {
  return cash_.ListCollateral(context, request, response);
}

grpc::Status MemberServiceImpl::ListObligations(Context* context,
                                                const pb::ListObligationsRequest* request,
                                                pb::ListObligationsResponse* response) {
  return cash_.ListObligations(context, request, response);
}

grpc::Status MemberServiceImpl::ListPaymentInstructions(
    Context* context, const pb::ListPaymentInstructionsRequest* request,
    pb::ListPaymentInstructionsResponse* response) {
  return cash_.ListPaymentInstructions(context, request, response);
}

grpc::Status MemberServiceImpl::StreamNotifications(Context* context,
                                                    const pb::StreamNotificationsRequest* request,
                                                    grpc::ServerWriter<pb::Notification>* writer) {
  return rpc_.Run(
      context, "StreamNotifications", clearing::kPositionReaders, kStreamTime,
      [&](const Call& call) -> absl::Status {
        if (request->after_notification_id() < 0) {
          return absl::InvalidArgumentError(absl::StrCat(
              "after_notification_id ", request->after_notification_id(), " is negative"));
        }
        TC_ASSIGN_OR_RETURN(std::string member, MemberOf(call, request->member_id()));
        return ServeNotifications(call, member, request->after_notification_id(), writer);
      });
}

absl::Status MemberServiceImpl::ServeNotifications(const Call& call, const std::string& member,
                                                   int64_t after_id,
                                                   grpc::ServerWriter<pb::Notification>* writer) {
  while (true) {
    if (call.context.IsCancelled()) return absl::CancelledError("the client went away");
    {
      absl::MutexLock lock(&mutex_);
      if (shutting_down_) {
        return absl::UnavailableError(
            absl::StrCat("server shutting down; resume after notification ", after_id));
      }
    }
    if (clock_.Now() >= call.deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("stream open for its longest time; resume after notification ", after_id));
    }
    std::vector<store::NotificationRow> batch;
    const absl::Time read_deadline = std::min(call.deadline, clock_.Now() + kPollReadTime);
    TC_RETURN_IF_ERROR(pool_.Transact({.deadline = read_deadline}, [&](pqxx::work& tx) {
      batch = store::LoadNotifications(tx, member, after_id, kNotificationBatch);
      return absl::OkStatus();
    }));
    for (const store::NotificationRow& n : batch) {
      if (!writer->Write(ToProto(n))) return absl::CancelledError("the client went away");
      after_id = n.notification_id;
    }
    if (static_cast<int>(batch.size()) == kNotificationBatch) continue;  // more waiting
    absl::MutexLock lock(&mutex_);
    mutex_.AwaitWithTimeout(absl::Condition(&shutting_down_), kPollInterval);
  }
}

}  // namespace tc::services
