#include "services/ledger/ledger_service.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/business_date.h"
#include "core/identifiers.h"
#include "core/sha256.h"
#include "core/status_macros.h"
#include "services/common/page_token.h"
#include "services/common/proto_convert.h"
#include "settlement/ledger.h"
#include "store/ledger_store.h"

namespace tc::services {
namespace {

namespace pb = ::tokenclear::v1;

constexpr absl::Duration kReadTime = absl::Seconds(30);
// The check reads the whole journal; it gets longer than a listing.
constexpr absl::Duration kCheckTime = absl::Minutes(2);
constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;

absl::StatusOr<std::optional<absl::CivilDay>> OptionalDate(absl::string_view field,
                                                           const std::string& text) {
  if (text.empty()) return std::nullopt;
  TC_ASSIGN_OR_RETURN(absl::CivilDay day, ParseBusinessDate(field, text));
  return day;
}

}  // namespace

absl::Status LedgerServiceImpl::CheckMemberFilter(const std::string& member_id) {
  if (member_id.empty()) return absl::OkStatus();
  TC_RETURN_IF_ERROR(ValidateIdentifier("member_id", member_id));
  TC_ASSIGN_OR_RETURN(std::shared_ptr<const ReferenceState> state, cache_.Recent());
  if (!state->snapshot.members.contains(member_id)) {
    return absl::InvalidArgumentError(absl::StrCat("member_id ", member_id, " is not a member"));
  }
  return absl::OkStatus();
}

grpc::Status LedgerServiceImpl::ListLedgerBalances(Context* context,
                                                   const pb::ListLedgerBalancesRequest* request,
                                                   pb::ListLedgerBalancesResponse* response) {
  return rpc_.Run(
      context, "ListLedgerBalances", clearing::kSettlementReaders, kReadTime,
      [&](const Call& call) -> absl::Status {
        TC_RETURN_IF_ERROR(CheckMemberFilter(request->member_id()));
        store::LedgerBalanceFilter filter{request->member_id(), std::nullopt};
        if (!request->kind().empty()) {
          filter.kind = settlement::LedgerAccountKindFromName(request->kind());
          if (!filter.kind.has_value()) {
            return absl::InvalidArgumentError(
                absl::StrCat("kind \"", ShortenForMessage(request->kind()),
                             "\" is not a ledger account kind (MEMBER_CASH, CCP_VM_SETTLEMENT, "
                             "CCP_FINAL_SETTLEMENT, CCP_ROUNDING, SETTLEMENT_BANK)"));
          }
        }
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) {
          for (const store::LedgerBalanceRow& row : store::LoadLedgerBalances(tx, filter)) {
            pb::LedgerBalance* out = response->add_balances();
            *out->mutable_account() = ToProto(row.account);
            out->set_balance_cents(row.balance_cents);
            out->set_line_count(row.line_count);
            out->set_last_entry_id(row.last_entry_id.value_or(0));
          }
          return absl::OkStatus();
        });
      });
}

grpc::Status LedgerServiceImpl::ListJournalEntries(Context* context,
                                                   const pb::ListJournalEntriesRequest* request,
                                                   pb::ListJournalEntriesResponse* response) {
  return rpc_.Run(
      context, "ListJournalEntries", clearing::kSettlementReaders, kReadTime,
      [&](const Call& call) -> absl::Status {
        store::JournalQuery query;
        TC_ASSIGN_OR_RETURN(query.from,
                            OptionalDate("from_business_date", request->from_business_date()));
        TC_ASSIGN_OR_RETURN(query.to,
                            OptionalDate("to_business_date", request->to_business_date()));
        if (query.from.has_value() && query.to.has_value() && *query.from > *query.to) {
          return absl::InvalidArgumentError(
              absl::StrCat("from_business_date ", request->from_business_date(),
                           " is after to_business_date ", request->to_business_date()));
        }
        if (!request->ledger_account_id().empty()) {
          TC_RETURN_IF_ERROR(ValidateIdentifier("ledger_account_id", request->ledger_account_id()));
        }
        TC_RETURN_IF_ERROR(CheckMemberFilter(request->member_id()));
        TC_ASSIGN_OR_RETURN(query.after_entry_id, ParseIdPageToken(request->page_token()));
        if (request->page_size() < 0 || request->page_size() > kMaxPageSize) {
          return absl::InvalidArgumentError(
              absl::StrCat("page_size ", request->page_size(), " is outside 0..", kMaxPageSize));
        }
        query.limit = request->page_size() == 0 ? kDefaultPageSize : request->page_size();
        query.ledger_account_id = request->ledger_account_id();
        query.member_id = request->member_id();
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          if (!query.ledger_account_id.empty() &&
              tx.exec_params("SELECT 1 FROM ledger_accounts WHERE ledger_account_id = $1",
                             query.ledger_account_id)
                  .empty()) {
            return absl::InvalidArgumentError(absl::StrCat(
                "ledger_account_id ", query.ledger_account_id, " is not a ledger account"));
          }
          TC_ASSIGN_OR_RETURN(store::JournalPage page, store::LoadJournal(tx, query));
          for (const store::StoredJournalEntry& stored : page.entries) {
            *response->add_entries() = ToProto(stored);
          }
          if (page.next_after_entry_id.has_value()) {
            response->set_next_page_token(absl::StrCat(*page.next_after_entry_id));
          }
          return absl::OkStatus();
        });
      });
}

grpc::Status LedgerServiceImpl::CheckLedger(Context* context,
                                            const pb::CheckLedgerRequest* /*request*/,
                                            pb::CheckLedgerResponse* response) {
  return rpc_.Run(
      context, "CheckLedger", clearing::kSettlementReaders, kCheckTime,
      [&](const Call& call) -> absl::Status {
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) {
          // One snapshot for all the check's queries: under READ COMMITTED an
          // entry posted between two of them would show as a false mismatch.
          // (The pool's SET LOCAL takes no snapshot, so this is still allowed.)
          tx.exec0("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
          const store::LedgerCheck check = store::CheckLedger(tx);
          response->set_ok(check.ok());
          response->set_entries(check.entries);
          response->set_unbalanced_entries(check.unbalanced_entries);
          response->set_balance_mismatches(check.balance_mismatches);
          response->set_settlement_nonzero_dates(check.vm_settlement_nonzero_dates);
          response->set_variation_margin_nonzero_dates(check.variation_margin_nonzero_dates);
          for (const std::string& p : check.problems) response->add_problems(p);
          return absl::OkStatus();
        });
      });
}

}  // namespace tc::services
