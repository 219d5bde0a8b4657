#include "services/cash/cash_service.h"

#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/business_date.h"
#include "core/fixed_point.h"
#include "core/identifiers.h"
#include "core/sha256.h"
#include "core/status_macros.h"
#include "payments/camt054_reader.h"
#include "payments/payment_instruction.h"
#include "services/cash/cash_cycle.h"
#include "services/cash/intraday_cycle.h"
#include "services/cash/payment_cycle.h"
#include "services/cash/reconciliation.h"
#include "services/common/proto_convert.h"
#include "settlement/intraday_mark.h"
#include "settlement/ledger.h"
#include "store/ledger_store.h"
#include "store/reference_store.h"
#include "store/settlement_store.h"

namespace tc::services {
namespace {

namespace pb = ::tokenclear::v1;

constexpr absl::Duration kReadTime = absl::Seconds(30);
constexpr absl::Duration kWriteTime = absl::Seconds(60);
// Most rows one request may carry (prices, reference rows).
constexpr int kMaxRequestRows = 10'000;
// The largest camt.054 file taken in one call (the reader's XML limits apply too).
constexpr size_t kMaxCamtBytes = 16 << 20;
// What members, treasury and the regulator may read: a member only its own.
constexpr clearing::RoleSet kCashReaders = clearing::kPositionReaders;
constexpr clearing::RoleSet kReferenceWriters = {clearing::Role::kAdmin, clearing::Role::kTreasury};

absl::StatusOr<clearing::Origin> ParseOrigin(absl::string_view field, const std::string& text) {
  std::optional<clearing::Origin> origin = settlement::OriginFromName(text);
  if (!origin) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " \"", ShortenForMessage(text), "\" is not HOUSE or CUSTOMER"));
  }
  return *origin;
}

// A positive amount with at most two decimals: an off-cent amount is refused, never
// rounded.
absl::StatusOr<int64_t> ParseCents(absl::string_view field, const std::string& text) {
  absl::StatusOr<int64_t> cents = ParseFixed(text, 2);
  if (!cents.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", cents.status().message()));
  }
  if (*cents <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " '", ShortenForMessage(text), "' must be positive"));
  }
  return *cents;
}

absl::StatusOr<std::string> ParseCycle(const std::string& text) {
  if (text.empty() || text == kEodCycle) return std::string(kEodCycle);
  int n = 0;
  if (absl::StartsWith(text, "INTRADAY") && text.size() <= 10 &&
      absl::SimpleAtoi(text.substr(8), &n) && n >= 1 && n <= 99 &&
      text == absl::StrCat("INTRADAY", n)) {
    return text;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("cycle \"", ShortenForMessage(text), "\" is not EOD or INTRADAY1..INTRADAY99"));
}

absl::Status CheckMember(const ReferenceState& state, absl::string_view field,
                         const std::string& member_id) {
  TC_RETURN_IF_ERROR(ValidateIdentifier(field, member_id));
  if (!state.snapshot.members.contains(member_id)) {
    return absl::InvalidArgumentError(absl::StrCat(field, " ", member_id, " is not a member"));
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::CivilDay> OpenDate(const ReferenceState& state) {
  if (!state.snapshot.open_business_date) {
    return absl::FailedPreconditionError(
        "no business date is open (the end-of-day run is between its close and the next "
        "open): collateral moves once the next date opens");
  }
  return *state.snapshot.open_business_date;
}

pb::Obligation ToProto(const store::ObligationRow& row) {
  pb::Obligation out;
  const settlement::Obligation& o = row.obligation;
  out.set_business_date(FormatBusinessDate(row.business_date));
  out.set_cycle(row.cycle);
  out.set_stage(std::string(store::ObligationStageName(row.stage)));
  out.set_pass(row.pass);
  out.set_member_id(o.member_id);
  out.set_origin(std::string(settlement::OriginName(o.origin)));
  out.set_currency(o.currency);
  out.set_vm_cents(o.vm_cents);
  out.set_requirement_cents(o.requirement_cents);
  out.set_collateral_value_cents(o.collateral_value_cents);
  out.set_pending_call_cents(o.pending_call_cents);
  out.set_deficit_cents(o.deficit_cents);
  out.set_im_call_cents(o.im_call_cents);
  out.set_release_cents(o.release_cents);
  out.set_net_cents(o.net_cents);
  return out;
}

pb::PaymentInstruction ToProto(const store::PaymentInstructionRow& p) {
  pb::PaymentInstruction out;
  out.set_instruction_id(p.instruction_id);
  out.set_business_date(FormatBusinessDate(p.business_date));
  out.set_cycle(p.cycle);
  out.set_member_id(p.member_id);
  out.set_origin(std::string(settlement::OriginName(p.origin)));
  out.set_currency(p.currency);
  out.set_direction(p.collect ? "COLLECT" : "PAY");
  out.set_amount_cents(p.amount_cents);
  out.set_vm_cents(p.vm_cents);
  out.set_im_call_cents(p.im_call_cents);
  out.set_release_cents(p.release_cents);
  out.set_bank_aba(p.bank_aba);
  out.set_member_account_number(p.member_account_number);
  out.set_message_id(p.message_id);
  out.set_status(p.status == store::InstructionStatus::kConfirmed ? "CONFIRMED" : "INSTRUCTED");
  SetTimestamp(p.deadline_at, out.mutable_deadline());
  if (p.confirmed_at) SetTimestamp(*p.confirmed_at, out.mutable_confirmed_at());
  out.set_confirmation_reference(p.confirmation_reference);
  out.set_ccp_account_number(p.ccp_account_number);
  return out;
}

pb::CollateralMovement ToProto(const store::CollateralMovementRow& m, bool replayed) {
  pb::CollateralMovement out;
  out.set_movement_id(m.movement_id);
  out.set_idempotency_key(m.idempotency_key);
  out.set_business_date(FormatBusinessDate(m.business_date));
  out.set_member_id(m.member_id);
  out.set_origin(std::string(settlement::OriginName(m.origin)));
  out.set_kind(std::string(store::MovementKindName(m.kind)));
  out.set_currency(m.currency);
  out.set_amount_cents(m.amount_cents);
  out.set_security_id(m.security_id);
  out.set_journal_key(m.journal_key);
  out.set_replayed(replayed);
  return out;
}

pb::MemberFlag ToProto(const store::MemberFlagRow& f) {
  pb::MemberFlag out;
  out.set_flag_id(f.flag_id);
  out.set_member_id(f.member_id);
  out.set_flag(f.flag);
  out.set_instruction_id(f.instruction_id);
  out.set_reason(f.reason);
  SetTimestamp(f.raised_at, out.mutable_raised_at());
  if (f.cured_at) SetTimestamp(*f.cured_at, out.mutable_cured_at());
  out.set_cured_by(f.cured_by);
  return out;
}

pb::CollateralValuation ToProto(const store::ValuationRow& row) {
  pb::CollateralValuation out;
  const settlement::OriginValuation& v = row.valuation;
  out.set_business_date(FormatBusinessDate(row.business_date));
  out.set_cash_cents(v.cash_cents);
  out.set_securities_market_cents(v.securities_market_cents);
  out.set_securities_after_haircut_cents(v.securities_after_haircut_cents);
  out.set_securities_counted_cents(v.securities_counted_cents);
  out.set_value_cents(v.value_cents);
  out.set_requirement_cents(v.requirement_cents);
  out.set_excess_cents(v.excess_cents);
  return out;
}

void AddApplied(const std::vector<AppliedConfirmation>& applied, pb::ConfirmPaymentsResponse* out) {
  for (const AppliedConfirmation& a : applied) {
    pb::ConfirmationResult* r = out->add_results();
    r->set_reference(a.reference);
    r->set_outcome(std::string(settlement::MatchOutcomeName(a.match.outcome)));
    if (a.match.outcome == settlement::MatchOutcome::kBreak) {
      r->set_break_reason(std::string(settlement::BreakReasonName(a.match.reason)));
    }
    for (const std::string& id : a.match.instruction_ids) r->add_instruction_ids(id);
    r->set_detail(a.match.detail);
    r->set_journal_key(a.journal_key);
    for (const std::string& m : a.cured_members) r->add_cured_members(m);
  }
}

// A stored confirmation as the answer to its resend.
void AddStored(const store::ConfirmationRow& c, const std::string& reference,
               pb::ConfirmPaymentsResponse* out) {
  pb::ConfirmationResult* r = out->add_results();
  r->set_reference(reference);
  r->set_outcome(c.outcome);
  r->set_break_reason(c.break_reason);
  for (const std::string& id : c.end_to_end_ids) r->add_instruction_ids(id);
  r->set_detail(c.detail);
}

absl::StatusOr<ReceivedConfirmation> FromProto(const pb::PaymentConfirmation& c) {
  ReceivedConfirmation out;
  TC_RETURN_IF_ERROR(ValidateIdentifier("confirmation.idempotency_key", c.idempotency_key()));
  out.source_key = c.idempotency_key();
  settlement::Confirmation& conf = out.confirmation;
  if (c.end_to_end_ids().empty()) {
    return absl::InvalidArgumentError("confirmation.end_to_end_ids: at least one is needed");
  }
  for (int i = 0; i < c.end_to_end_ids_size(); ++i) {
    TC_RETURN_IF_ERROR(payments::ValidateIsoId(absl::StrCat("confirmation.end_to_end_ids[", i, "]"),
                                               c.end_to_end_ids(i)));
    conf.end_to_end_ids.push_back(c.end_to_end_ids(i));
  }
  TC_ASSIGN_OR_RETURN(conf.amount_cents, ParseCents("confirmation.amount", c.amount()));
  TC_RETURN_IF_ERROR(payments::ValidateCurrency("confirmation.currency", c.currency()));
  conf.currency = c.currency();
  TC_RETURN_IF_ERROR(
      payments::ValidateAccountNumber("confirmation.account_number", c.account_number()));
  conf.account_id = c.account_number();
  if (c.credit_debit() != "CRDT" && c.credit_debit() != "DBIT") {
    return absl::InvalidArgumentError(absl::StrCat("confirmation.credit_debit \"",
                                                   ShortenForMessage(c.credit_debit()),
                                                   "\" is not CRDT or DBIT"));
  }
  conf.credit_debit =
      c.credit_debit() == "CRDT" ? payments::CreditDebit::kCredit : payments::CreditDebit::kDebit;
  if (!c.entry_status().empty() && c.entry_status() != "BOOK" && c.entry_status() != "PDNG") {
    return absl::InvalidArgumentError(absl::StrCat("confirmation.entry_status \"",
                                                   ShortenForMessage(c.entry_status()),
                                                   "\" is not BOOK or PDNG"));
  }
  conf.status =
      c.entry_status() == "PDNG" ? payments::EntryStatus::kPending : payments::EntryStatus::kBooked;
  conf.reference = absl::StrCat("grpc:", c.idempotency_key());
  return out;
}

// The canonical bytes of a movement request: a resend under the same key must carry them.
std::string MovementPayload(store::MovementKind kind, const std::string& member_id,
                            clearing::Origin origin, const std::string& currency,
                            int64_t amount_cents, const std::string& security_id) {
  RecordDigest digest;
  digest.Add(store::MovementKindName(kind)).Add(member_id).Add(settlement::OriginName(origin));
  digest.Add(currency).Add(amount_cents).Add(security_id);
  return ToHex(digest.Finish());
}

}  // namespace

grpc::Status CashServiceImpl::UpsertCashReference(Context* context,
                                                  const pb::UpsertCashReferenceRequest* request,
                                                  pb::UpsertCashReferenceResponse* response) {
  return rpc_.Run(
      context, "UpsertCashReference", kReferenceWriters, kWriteTime,
      [&](const Call& call) -> absl::Status {
        const int rows = request->ccp_bank_accounts_size() + request->member_bank_accounts_size() +
                         request->collateral_classes_size() + request->collateral_securities_size();
        if (rows > kMaxRequestRows) {
          return absl::InvalidArgumentError(
              absl::StrCat("a request of ", rows, " rows exceeds ", kMaxRequestRows));
        }
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          std::shared_ptr<const ReferenceState> state = cache_.Current(tx);
          int64_t changed = 0;
          if (request->has_settings()) {
            const pb::TreasurySettings& s = request->settings();
            store::TreasurySettingsRow row;
            TC_RETURN_IF_ERROR(payments::ValidateIsoText("settings.ccp_name", s.ccp_name(), true));
            TC_RETURN_IF_ERROR(payments::ValidateLei("settings.ccp_lei", s.ccp_lei()));
            if (s.collect_deadline_seconds() < 1 || s.collect_deadline_seconds() > 604800) {
              return absl::InvalidArgumentError(absl::StrCat("settings.collect_deadline_seconds ",
                                                             s.collect_deadline_seconds(),
                                                             " is outside 1..604800"));
            }
            absl::StatusOr<int64_t> threshold = ParseFixed(s.intraday_call_threshold(), 2);
            if (!threshold.ok() || *threshold < 0) {
              return absl::InvalidArgumentError(
                  absl::StrCat("settings.intraday_call_threshold '",
                               ShortenForMessage(s.intraday_call_threshold()),
                               "' is not a non-negative amount in cents"));
            }
            row = {s.ccp_name(), s.ccp_lei(), s.collect_deadline_seconds(), *threshold};
            changed += store::SaveTreasurySettings(tx, row);
          }
          for (int i = 0; i < request->ccp_bank_accounts_size(); ++i) {
            const pb::CcpBankAccount& a = request->ccp_bank_accounts(i);
            const std::string path = absl::StrCat("ccp_bank_accounts[", i, "]");
            TC_RETURN_IF_ERROR(
                payments::ValidateAbaRoutingNumber(absl::StrCat(path, ".bank_aba"), a.bank_aba()));
            TC_RETURN_IF_ERROR(
                payments::ValidateCurrency(absl::StrCat(path, ".currency"), a.currency()));
            TC_RETURN_IF_ERROR(payments::ValidateAccountNumber(
                absl::StrCat(path, ".account_number"), a.account_number()));
            changed +=
                store::UpsertCcpBankAccount(tx, {a.bank_aba(), a.currency(), a.account_number()});
          }
          for (int i = 0; i < request->member_bank_accounts_size(); ++i) {
            const pb::MemberBankAccount& a = request->member_bank_accounts(i);
            const std::string path = absl::StrCat("member_bank_accounts[", i, "]");
            store::MemberBankAccountRow row;
            TC_RETURN_IF_ERROR(
                CheckMember(*state, absl::StrCat(path, ".member_id"), a.member_id()));
            row.member_id = a.member_id();
            TC_ASSIGN_OR_RETURN(row.origin, ParseOrigin(absl::StrCat(path, ".origin"), a.origin()));
            TC_RETURN_IF_ERROR(
                payments::ValidateCurrency(absl::StrCat(path, ".currency"), a.currency()));
            row.currency = a.currency();
            TC_RETURN_IF_ERROR(
                payments::ValidateAbaRoutingNumber(absl::StrCat(path, ".bank_aba"), a.bank_aba()));
            row.bank_aba = a.bank_aba();
            TC_RETURN_IF_ERROR(payments::ValidateAccountNumber(
                absl::StrCat(path, ".account_number"), a.account_number()));
            row.account_number = a.account_number();
            TC_RETURN_IF_ERROR(
                payments::ValidateIsoId(absl::StrCat(path, ".mandate_id"), a.mandate_id()));
            row.mandate_id = a.mandate_id();
            TC_ASSIGN_OR_RETURN(
                row.mandate_signed,
                ParseBusinessDate(absl::StrCat(path, ".mandate_signed"), a.mandate_signed()));
            bool bank_known = false;
            for (const store::CcpBankAccountRow& c : store::LoadCcpBankAccounts(tx)) {
              bank_known |= c.bank_aba == row.bank_aba && c.currency == row.currency;
            }
            if (!bank_known) {
              return absl::FailedPreconditionError(
                  absl::StrCat(path, ".bank_aba ", row.bank_aba, ": the CCP has no ", row.currency,
                               " account at that bank (add it to ccp_bank_accounts first)"));
            }
            changed += store::UpsertMemberBankAccount(tx, row);
          }
          for (int i = 0; i < request->collateral_classes_size(); ++i) {
            const pb::CollateralClass& c = request->collateral_classes(i);
            const std::string path = absl::StrCat("collateral_classes[", i, "]");
            settlement::CollateralClass row;
            row.class_code = c.class_code();
            row.concentration_limit_bps = c.concentration_limit_bps();
            for (const pb::HaircutBand& b : c.haircuts()) {
              row.haircuts.push_back({b.max_days_to_maturity(), b.haircut_bps()});
            }
            // The domain's checks of a class, through a valuation of nothing.
            if (absl::Status s =
                    settlement::ValueCollateral(absl::CivilDay(2000, 1, 1), {row}, {}, {}).status();
                !s.ok()) {
              return absl::InvalidArgumentError(absl::StrCat(path, ": ", s.message()));
            }
            TC_RETURN_IF_ERROR(
                ValidateIdentifier(absl::StrCat(path, ".class_code"), row.class_code));
            changed += store::UpsertCollateralClass(tx, row, c.description());
          }
          for (int i = 0; i < request->collateral_securities_size(); ++i) {
            const pb::CollateralSecurity& s = request->collateral_securities(i);
            const std::string path = absl::StrCat("collateral_securities[", i, "]");
            TC_RETURN_IF_ERROR(
                payments::ValidateCurrency(absl::StrCat(path, ".currency"), s.currency()));
            TC_ASSIGN_OR_RETURN(
                absl::CivilDay maturity,
                ParseBusinessDate(absl::StrCat(path, ".maturity_date"), s.maturity_date()));
            changed += store::UpsertCollateralSecurity(
                tx, {s.security_id(), s.class_code(), s.currency(), maturity, s.description()});
          }
          response->set_rows_changed(changed);
          store::Audit(tx, call.actor(), "UpsertCashReference", "cash reference", {"rows_changed"},
                       {absl::StrCat(changed)});
          return absl::OkStatus();
        });
      });
}

grpc::Status CashServiceImpl::DepositCollateral(Context* context,
                                                const pb::MoveCollateralRequest* request,
                                                pb::CollateralMovement* response) {
  return MoveCollateral(context, "DepositCollateral", true, request, response);
}

grpc::Status CashServiceImpl::WithdrawCollateral(Context* context,
                                                 const pb::MoveCollateralRequest* request,
                                                 pb::CollateralMovement* response) {
  return MoveCollateral(context, "WithdrawCollateral", false, request, response);
}

grpc::Status CashServiceImpl::MoveCollateral(Context* context, const char* method, bool deposit,
                                             const pb::MoveCollateralRequest* request,
                                             pb::CollateralMovement* response) {
  return rpc_.Run(
      context, method, clearing::kTreasuryOnly, kWriteTime, [&](const Call& call) -> absl::Status {
        TC_RETURN_IF_ERROR(ValidateIdentifier("idempotency_key", request->idempotency_key()));
        TC_ASSIGN_OR_RETURN(clearing::Origin origin, ParseOrigin("origin", request->origin()));
        TC_RETURN_IF_ERROR(payments::ValidateCurrency("currency", request->currency()));
        TC_ASSIGN_OR_RETURN(int64_t cents, ParseCents("amount", request->amount()));
        const bool securities = !request->security_id().empty();
        const store::MovementKind kind =
            securities ? (deposit ? store::MovementKind::kSecuritiesDeposit
                                  : store::MovementKind::kSecuritiesWithdrawal)
                       : (deposit ? store::MovementKind::kCashDeposit
                                  : store::MovementKind::kCashWithdrawal);
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          std::shared_ptr<const ReferenceState> state = cache_.Current(tx);
          TC_RETURN_IF_ERROR(CheckMember(*state, "member_id", request->member_id()));
          const std::string& member = request->member_id();
          if (securities) {
            std::optional<store::CollateralSecurityRow> security =
                store::FindCollateralSecurity(tx, request->security_id());
            if (!security) {
              return absl::InvalidArgumentError(
                  absl::StrCat("security_id ", ShortenForMessage(request->security_id()),
                               " is not an eligible collateral security"));
            }
            if (security->currency != request->currency()) {
              return absl::InvalidArgumentError(absl::StrCat("currency ", request->currency(),
                                                             " is not ", request->security_id(),
                                                             "'s currency ", security->currency));
            }
          }
          const std::string payload = MovementPayload(kind, member, origin, request->currency(),
                                                      cents, request->security_id());
          if (std::optional<store::CollateralMovementRow> held =
                  store::FindCollateralMovement(tx, request->idempotency_key())) {
            if (held->payload_sha256_hex != payload) {
              return absl::AlreadyExistsError(
                  absl::StrCat("idempotency_key ", request->idempotency_key(),
                               " was used for another movement (", held->member_id, " ",
                               store::MovementKindName(held->kind), " ",
                               FormatFixed(held->amount_cents, 2), ")"));
            }
            *response = ToProto(*held, /*replayed=*/true);
            return absl::OkStatus();
          }
          TC_ASSIGN_OR_RETURN(absl::CivilDay day, OpenDate(*state));
          // One movement of a member origin at a time: the check and the entry see the
          // same balance.
          tx.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))",
                         absl::StrCat("collateral/", member, "/", settlement::OriginName(origin)));
          if (!deposit) {
            if (store::HasOpenFlag(tx, member)) {
              return absl::FailedPreconditionError(absl::StrCat(
                  "member ", member,
                  " is flagged FAILURE_TO_PAY: withdrawals are refused until the flag is cured"));
            }
            TC_ASSIGN_OR_RETURN(settlement::OriginValuation after,
                                ValueOriginNow(tx, day, {member, origin, request->currency()},
                                               securities ? 0 : -cents, request->security_id(),
                                               securities ? -cents : 0));
            if (after.excess_cents < 0) {
              return absl::FailedPreconditionError(absl::StrCat(
                  "withdrawing ", FormatFixed(cents, 2), " ", request->currency(),
                  securities ? absl::StrCat(" face of ", request->security_id()) : "",
                  " would leave ", member, " ", settlement::OriginName(origin), " ",
                  FormatFixed(-after.excess_cents, 2), " ", request->currency(),
                  " short of its initial margin requirement of ",
                  FormatFixed(after.requirement_cents, 2),
                  " (collateral value after: ", FormatFixed(after.value_cents, 2), ")"));
            }
          }
          const std::string journal_key = absl::StrCat("COLL/", request->idempotency_key());
          absl::StatusOr<settlement::JournalEntry> entry =
              securities ? settlement::PlanSecuritiesMovement(journal_key, day, member, origin,
                                                              request->currency(), cents, deposit)
              : deposit  ? settlement::PlanCashDeposit(journal_key, day, member, origin,
                                                       request->currency(), cents)
                         : settlement::PlanCashWithdrawal(journal_key, day, member, origin,
                                                          request->currency(), cents);
          TC_RETURN_IF_ERROR(entry.status());
          const absl::Time now = clock_.Now();
          TC_RETURN_IF_ERROR(
              store::PostJournalEntries(tx, {*entry}, call.caller.principal_id, now).status());
          store::CollateralMovementRow row;
          row.idempotency_key = request->idempotency_key();
          row.payload_sha256_hex = payload;
          row.business_date = day;
          row.member_id = member;
          row.origin = origin;
          row.kind = kind;
          row.currency = request->currency();
          row.amount_cents = cents;
          row.security_id = request->security_id();
          row.journal_key = journal_key;
          row.requested_by = call.caller.principal_id;
          row.requested_at = now;
          row.movement_id = store::InsertCollateralMovement(tx, row);
          store::Audit(tx, call.actor(), method, member,
                       {"origin", "kind", "amount_cents", "security_id", "idempotency_key"},
                       {std::string(settlement::OriginName(origin)),
                        std::string(store::MovementKindName(kind)), absl::StrCat(cents),
                        row.security_id, row.idempotency_key});
          *response = ToProto(row, /*replayed=*/false);
          return absl::OkStatus();
        });
      });
}

grpc::Status CashServiceImpl::ListCollateral(Context* context,
                                             const pb::ListCollateralRequest* request,
                                             pb::ListCollateralResponse* response) {
  return rpc_.Run(
      context, "ListCollateral", kCashReaders, kReadTime, [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(std::string member,
                            clearing::VisibleMember(call.caller, request->member_id()));
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          const std::map<store::OriginKey, int64_t> cash =
              store::LoadCashCollateral(tx, absl::CivilDay::max());
          const auto securities = store::LoadSecuritiesHeld(tx, absl::CivilDay::max());
          const auto valuations = store::LoadLatestValuations(tx, absl::CivilDay::max());
          std::set<store::OriginKey> keys;
          for (const auto& [k, _] : cash) keys.insert(k);
          for (const auto& [k, _] : securities) keys.insert(k);
          for (const auto& [k, _] : valuations) keys.insert(k);
          for (const store::OriginKey& key : keys) {
            if (!member.empty() && std::get<0>(key) != member) continue;
            pb::OriginCollateral* o = response->add_origins();
            o->set_member_id(std::get<0>(key));
            o->set_origin(std::string(settlement::OriginName(std::get<1>(key))));
            o->set_currency(std::get<2>(key));
            if (auto it = cash.find(key); it != cash.end()) o->set_cash_cents(it->second);
            if (auto it = securities.find(key); it != securities.end()) {
              for (const settlement::SecurityHolding& h : it->second) {
                pb::SecurityHolding* s = o->add_securities();
                s->set_security_id(h.security_id);
                s->set_class_code(h.class_code);
                s->set_face_cents(h.face_cents);
              }
            }
            if (auto it = valuations.find(key); it != valuations.end()) {
              *o->mutable_latest_valuation() = ToProto(it->second);
            }
          }
          for (const store::CollateralMovementRow& m : store::ListCollateralMovements(tx, member)) {
            *response->add_movements() = ToProto(m, false);
          }
          return absl::OkStatus();
        });
      });
}

grpc::Status CashServiceImpl::LoadCollateralPrices(Context* context,
                                                   const pb::LoadCollateralPricesRequest* request,
                                                   pb::LoadCollateralPricesResponse* response) {
  return rpc_.Run(
      context, "LoadCollateralPrices", clearing::kTreasuryOnly, kWriteTime,
      [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(absl::CivilDay day,
                            ParseBusinessDate("price_date", request->price_date()));
        if (request->prices_size() == 0 || request->prices_size() > kMaxRequestRows) {
          return absl::InvalidArgumentError(absl::StrCat("prices: ", request->prices_size(),
                                                         " given, expected 1..", kMaxRequestRows));
        }
        std::vector<settlement::SecurityPrice> prices;
        for (int i = 0; i < request->prices_size(); ++i) {
          const pb::CollateralPrice& p = request->prices(i);
          // Percent of face with four decimals is exactly parts per million.
          absl::StatusOr<int64_t> ppm = ParseFixed(p.price(), 4);
          if (!ppm.ok() || *ppm <= 0) {
            return absl::InvalidArgumentError(
                absl::StrCat("prices[", i, "].price '", ShortenForMessage(p.price()),
                             "' is not a positive percent of face with at most 4 decimals"));
          }
          prices.push_back({p.security_id(), *ppm});
        }
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          for (size_t i = 0; i < prices.size(); ++i) {
            if (!store::FindCollateralSecurity(tx, prices[i].security_id)) {
              return absl::InvalidArgumentError(absl::StrCat(
                  "prices[", i, "].security_id ", ShortenForMessage(prices[i].security_id),
                  " is not an eligible collateral security"));
            }
          }
          TC_ASSIGN_OR_RETURN(int64_t loaded, store::InsertCollateralPrices(
                                                  tx, day, prices, call.caller.principal_id));
          response->set_loaded(loaded);
          store::Audit(tx, call.actor(), "LoadCollateralPrices", FormatBusinessDate(day),
                       {"loaded"}, {absl::StrCat(loaded)});
          return absl::OkStatus();
        });
      });
}

grpc::Status CashServiceImpl::ListObligations(Context* context,
                                              const pb::ListObligationsRequest* request,
                                              pb::ListObligationsResponse* response) {
  return rpc_.Run(
      context, "ListObligations", kCashReaders, kReadTime, [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(std::string member,
                            clearing::VisibleMember(call.caller, request->member_id()));
        TC_ASSIGN_OR_RETURN(absl::CivilDay day,
                            ParseBusinessDate("business_date", request->business_date()));
        TC_ASSIGN_OR_RETURN(std::string cycle, ParseCycle(request->cycle()));
        std::optional<store::ObligationStage> stage;
        if (request->stage() == "FINAL") stage = store::ObligationStage::kFinal;
        if (request->stage() == "INDICATIVE") stage = store::ObligationStage::kIndicative;
        if (!request->stage().empty() && !stage) {
          return absl::InvalidArgumentError(absl::StrCat(
              "stage \"", ShortenForMessage(request->stage()), "\" is not INDICATIVE or FINAL"));
        }
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          for (const store::ObligationRow& row :
               store::LoadObligations(tx, {day, cycle, stage, member})) {
            *response->add_obligations() = ToProto(row);
          }
          return absl::OkStatus();
        });
      });
}

grpc::Status CashServiceImpl::InstructPayments(Context* context,
                                               const pb::InstructPaymentsRequest* request,
                                               pb::InstructPaymentsResponse* response) {
  return rpc_.Run(
      context, "InstructPayments", clearing::kTreasuryOnly, kWriteTime,
      [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(absl::CivilDay day,
                            ParseBusinessDate("business_date", request->business_date()));
        TC_ASSIGN_OR_RETURN(std::string cycle, ParseCycle(request->cycle()));
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          response->Clear();
          std::shared_ptr<const ReferenceState> state = cache_.Current(tx);
          InstructOutcome out;
          if (cycle == kEodCycle) {
            TC_ASSIGN_OR_RETURN(out, InstructEodCycle(tx, *state, day, call.actor(), clock_.Now()));
          } else {
            out = LoadInstructed(tx, day, cycle);
            if (out.obligations.empty()) {
              return absl::NotFoundError(absl::StrCat(cycle, " of ", FormatBusinessDate(day),
                                                      " has not run (RunIntradayCycle)"));
            }
          }
          for (const store::ObligationRow& o : out.obligations) {
            *response->add_obligations() = ToProto(o);
          }
          for (const store::PaymentInstructionRow& p : out.instructions) {
            *response->add_instructions() = ToProto(p);
          }
          response->set_replayed(out.replayed);
          return absl::OkStatus();
        });
      });
}

grpc::Status CashServiceImpl::ListPaymentInstructions(
    Context* context, const pb::ListPaymentInstructionsRequest* request,
    pb::ListPaymentInstructionsResponse* response) {
  return rpc_.Run(
      context, "ListPaymentInstructions", kCashReaders, kReadTime,
      [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(std::string member,
                            clearing::VisibleMember(call.caller, request->member_id()));
        store::InstructionQuery query;
        query.member_id = member;
        if (!request->business_date().empty()) {
          TC_ASSIGN_OR_RETURN(query.business_date,
                              ParseBusinessDate("business_date", request->business_date()));
        }
        if (!request->cycle().empty()) {
          TC_ASSIGN_OR_RETURN(query.cycle, ParseCycle(request->cycle()));
        }
        if (request->status() == "INSTRUCTED") query.status = store::InstructionStatus::kInstructed;
        if (request->status() == "CONFIRMED") query.status = store::InstructionStatus::kConfirmed;
        if (!request->status().empty() && !query.status) {
          return absl::InvalidArgumentError(absl::StrCat("status \"",
                                                         ShortenForMessage(request->status()),
                                                         "\" is not INSTRUCTED or CONFIRMED"));
        }
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          for (const store::PaymentInstructionRow& p : store::LoadInstructions(tx, query)) {
            *response->add_instructions() = ToProto(p);
          }
          return absl::OkStatus();
        });
      });
}

grpc::Status CashServiceImpl::ExportPayments(Context* context,
                                             const pb::ExportPaymentsRequest* request,
                                             pb::ExportPaymentsResponse* response) {
  return rpc_.Run(
      context, "ExportPayments", clearing::kTreasuryOnly, kWriteTime,
      [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(absl::CivilDay day,
                            ParseBusinessDate("business_date", request->business_date()));
        TC_ASSIGN_OR_RETURN(std::string cycle, ParseCycle(request->cycle()));
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          response->Clear();
          std::shared_ptr<const ReferenceState> state = cache_.Current(tx);
          TC_ASSIGN_OR_RETURN(ExportOutcome out, ExportCycle(tx, *state, day, cycle, clock_.Now()));
          for (const store::PaymentMessageRow& m : out.files) {
            pb::PaymentFile* f = response->add_files();
            f->set_message_id(m.message_id);
            f->set_message_type(m.message_type);
            f->set_bank_aba(m.bank_aba);
            f->set_file_name(absl::StrCat(m.message_id, ".xml"));
            f->set_instruction_count(m.instruction_count);
            f->set_control_sum_cents(m.control_sum_cents);
            f->set_document(m.document);
            f->set_document_sha256(m.document_sha256_hex);
          }
          response->set_collects_outstanding(out.collects_outstanding);
          response->set_pays_held(out.pays_held);
          store::Audit(tx, call.actor(), "ExportPayments",
                       absl::StrCat(FormatBusinessDate(day), "/", cycle), {"files"},
                       {absl::StrCat(out.files.size())});
          return absl::OkStatus();
        });
      });
}

grpc::Status CashServiceImpl::ConfirmPayment(Context* context,
                                             const pb::ConfirmPaymentRequest* request,
                                             pb::ConfirmPaymentsResponse* response) {
  return rpc_.Run(
      context, "ConfirmPayment", clearing::kTreasuryOnly, kWriteTime,
      [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(ReceivedConfirmation received, FromProto(request->confirmation()));
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          response->Clear();
          if (std::optional<store::ConfirmationRow> held =
                  store::FindConfirmation(tx, "GRPC", received.source_key)) {
            if (held->fingerprint != settlement::ConfirmationFingerprint(received.confirmation)) {
              return absl::AlreadyExistsError(absl::StrCat("confirmation.idempotency_key ",
                                                           received.source_key,
                                                           " was used for another confirmation"));
            }
            AddStored(*held, received.confirmation.reference, response);
            response->set_replayed(true);
            return absl::OkStatus();
          }
          TC_ASSIGN_OR_RETURN(
              std::vector<AppliedConfirmation> applied,
              ApplyConfirmations(tx, "GRPC", {received}, call.actor(), clock_.Now()));
          AddApplied(applied, response);
          store::Audit(tx, call.actor(), "ConfirmPayment", received.source_key,
                       {"outcome", "instruction_ids"},
                       {response->results(0).outcome(),
                        absl::StrJoin(received.confirmation.end_to_end_ids, ",")});
          return absl::OkStatus();
        });
      });
}

grpc::Status CashServiceImpl::ImportCamt054(Context* context,
                                            const pb::ImportCamt054Request* request,
                                            pb::ConfirmPaymentsResponse* response) {
  return rpc_.Run(
      context, "ImportCamt054", clearing::kTreasuryOnly, kWriteTime,
      [&](const Call& call) -> absl::Status {
        if (request->document().size() > kMaxCamtBytes) {
          return absl::InvalidArgumentError(absl::StrCat("document: ", request->document().size(),
                                                         " bytes exceed ", kMaxCamtBytes));
        }
        absl::StatusOr<std::vector<payments::BankNotification>> entries =
            payments::ReadCamt054(request->document());
        if (!entries.ok()) {
          return absl::InvalidArgumentError(absl::StrCat("document: ", entries.status().message()));
        }
        // A file is known by its hash: the same bytes sent again are recognised.
        const std::string file_hash = ToHex(Sha256(request->document()));
        const std::string file_key = file_hash.substr(0, 16);
        std::vector<ReceivedConfirmation> received;
        for (const payments::BankNotification& e : *entries) {
          const std::string position =
              absl::StrCat("Ntfctn[", e.notification_index, "].Ntry[", e.entry_index, "]");
          received.push_back(
              {absl::StrCat(file_key, "/", position),
               {e.end_to_end_ids, e.amount_cents, e.currency, e.account_id, e.credit_debit,
                e.status, absl::StrCat("camt.054 ", file_key, " ", position)}});
        }
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          response->Clear();
          if (store::FindCamtFile(tx, file_hash)) {
            for (const store::ConfirmationRow& c :
                 store::LoadConfirmationsWithPrefix(tx, "CAMT054", file_key + "/")) {
              AddStored(c, absl::StrCat("camt.054 ", c.source_key), response);
            }
            response->set_replayed(true);
            return absl::OkStatus();
          }
          const absl::Time now = clock_.Now();
          TC_ASSIGN_OR_RETURN(std::vector<AppliedConfirmation> applied,
                              ApplyConfirmations(tx, "CAMT054", received, call.actor(), now));
          store::InsertCamtFile(tx, {file_hash, file_hash, static_cast<int>(received.size())},
                                call.caller.principal_id, now);
          AddApplied(applied, response);
          int64_t confirms = 0, breaks = 0;
          for (const AppliedConfirmation& a : applied) {
            confirms += a.match.outcome == settlement::MatchOutcome::kConfirms;
            breaks += a.match.outcome == settlement::MatchOutcome::kBreak;
          }
          store::Audit(
              tx, call.actor(), "ImportCamt054", file_key, {"entries", "confirms", "breaks"},
              {absl::StrCat(received.size()), absl::StrCat(confirms), absl::StrCat(breaks)});
          return absl::OkStatus();
        });
      });
}

grpc::Status CashServiceImpl::CheckPaymentDeadlines(Context* context,
                                                    const pb::CheckPaymentDeadlinesRequest*,
                                                    pb::CheckPaymentDeadlinesResponse* response) {
  return rpc_.Run(
      context, "CheckPaymentDeadlines", clearing::kTreasuryOnly, kWriteTime,
      [&](const Call& call) -> absl::Status {
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          response->Clear();
          const DeadlineOutcome out = CheckDeadlines(tx, call.actor(), clock_.Now());
          for (const store::MemberFlagRow& f : out.raised) *response->add_raised() = ToProto(f);
          response->set_overdue_collects(out.overdue_collects);
          if (!out.raised.empty()) cache_.Invalidate();
          return absl::OkStatus();
        });
      });
}

grpc::Status CashServiceImpl::ListMemberFlags(Context* context,
                                              const pb::ListMemberFlagsRequest* request,
                                              pb::ListMemberFlagsResponse* response) {
  return rpc_.Run(
      context, "ListMemberFlags", kCashReaders, kReadTime, [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(std::string member,
                            clearing::VisibleMember(call.caller, request->member_id()));
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          for (const store::MemberFlagRow& f : store::ListFlags(tx, member, request->open_only())) {
            *response->add_flags() = ToProto(f);
          }
          return absl::OkStatus();
        });
      });
}

grpc::Status CashServiceImpl::GetReconciliation(Context* context,
                                                const pb::GetReconciliationRequest* request,
                                                pb::Reconciliation* response) {
  return rpc_.Run(
      context, "GetReconciliation", clearing::kSettlementReaders, kReadTime,
      [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(absl::CivilDay day,
                            ParseBusinessDate("business_date", request->business_date()));
        TC_ASSIGN_OR_RETURN(std::string cycle, ParseCycle(request->cycle()));
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          tx.exec0("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
          TC_ASSIGN_OR_RETURN(*response, Reconcile(tx, day, cycle));
          return absl::OkStatus();
        });
      });
}

grpc::Status CashServiceImpl::RunIntradayCycle(Context* context,
                                               const pb::RunIntradayCycleRequest* request,
                                               pb::RunIntradayCycleResponse* response) {
  return rpc_.Run(
      context, "RunIntradayCycle", clearing::kTreasuryOnly, kWriteTime,
      [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(std::string cycle, ParseCycle(request->cycle()));
        if (cycle == kEodCycle) {
          return absl::InvalidArgumentError("cycle EOD is the end-of-day run's, not intraday");
        }
        if (request->prices_size() == 0 || request->prices_size() > kMaxRequestRows) {
          return absl::InvalidArgumentError(absl::StrCat("prices: ", request->prices_size(),
                                                         " given, expected 1..", kMaxRequestRows));
        }
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          response->Clear();
          std::shared_ptr<const ReferenceState> state = cache_.Current(tx);
          TC_ASSIGN_OR_RETURN(absl::CivilDay day, OpenDate(*state));
          std::map<std::string, int64_t> prices;
          for (int i = 0; i < request->prices_size(); ++i) {
            const pb::IntradayPrice& p = request->prices(i);
            const std::string path = absl::StrCat("prices[", i, "]");
            if (state->snapshot.FindInstrument(p.instrument_id()) == nullptr) {
              return absl::InvalidArgumentError(absl::StrCat(path, ".instrument_id ",
                                                             ShortenForMessage(p.instrument_id()),
                                                             " is not a listed contract month"));
            }
            absl::StatusOr<int64_t> micros = ParseFixed(p.price(), 6);
            if (!micros.ok() || *micros <= 0) {
              return absl::InvalidArgumentError(absl::StrCat(
                  path, ".price '", ShortenForMessage(p.price()), "' is not a positive price"));
            }
            prices[p.instrument_id()] = *micros;
          }
          TC_ASSIGN_OR_RETURN(InstructOutcome out, RunIntraday(tx, *state, day, cycle, prices,
                                                               call.actor(), clock_.Now()));
          for (const store::ObligationRow& o : out.obligations) {
            *response->add_obligations() = ToProto(o);
          }
          for (const store::PaymentInstructionRow& p : out.instructions) {
            *response->add_instructions() = ToProto(p);
          }
          response->set_replayed(out.replayed);
          return absl::OkStatus();
        });
      });
}

}  // namespace tc::services
