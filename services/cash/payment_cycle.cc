#include "services/cash/payment_cycle.h"

#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clearing/contract_calendar.h"
#include "core/business_date.h"
#include "core/fixed_point.h"
#include "core/sha256.h"
#include "core/status_macros.h"
#include "payments/pain001_writer.h"
#include "payments/pain008_writer.h"
#include "services/cash/cash_cycle.h"
#include "settlement/ledger.h"
#include "store/ledger_store.h"
#include "store/reference_store.h"
#include "store/settlement_store.h"

namespace tc::services {
namespace {

using store::PaymentInstructionRow;

// "EOD" stays; "INTRADAY3" becomes "I3", so IDs stay within ISO's 35 characters.
std::string CycleTag(const std::string& cycle) {
  return cycle == kEodCycle ? cycle : absl::StrCat("I", cycle.substr(std::strlen("INTRADAY")));
}

std::string CompactDate(absl::CivilDay day) {
  return absl::StrFormat("%04d%02d%02d", day.year(), day.month(), day.day());
}

std::string OriginKeyText(const settlement::Obligation& o) {
  return absl::StrCat(o.member_id, "/", settlement::OriginName(o.origin), "/", o.currency);
}

settlement::Obligation ObligationOf(const PaymentInstructionRow& p) {
  settlement::Obligation o;
  o.member_id = p.member_id;
  o.origin = p.origin;
  o.currency = p.currency;
  o.vm_cents = p.vm_cents;
  o.im_call_cents = p.im_call_cents;
  o.release_cents = p.release_cents;
  o.net_cents = p.collect ? -p.amount_cents : p.amount_cents;
  return o;
}

std::string Describe(const PaymentInstructionRow& p) {
  return absl::StrCat(p.collect ? "collect " : "pay ", p.instruction_id, " of ",
                      FormatFixed(p.amount_cents, 2), " ", p.currency, " (", p.member_id, " ",
                      settlement::OriginName(p.origin), ", ", FormatBusinessDate(p.business_date),
                      " ", p.cycle, ")");
}

// What the bank sees as free text: the date, the cycle and what the amount is for.
std::string Remittance(const PaymentInstructionRow& p) {
  return absl::StrCat("tokenclear ", FormatBusinessDate(p.business_date), " ", p.cycle, " ",
                      settlement::OriginName(p.origin), " VM ", FormatFixed(p.vm_cents, 2),
                      " IM call ", FormatFixed(p.im_call_cents, 2), " release ",
                      FormatFixed(p.release_cents, 2));
}

payments::PaymentInstruction ToPayment(const PaymentInstructionRow& p,
                                       const clearing::Member& member) {
  payments::PaymentInstruction out;
  out.instruction_id = p.instruction_id;
  out.direction =
      p.collect ? payments::PaymentDirection::kCollect : payments::PaymentDirection::kPay;
  out.member_id = p.member_id;
  out.member_name = member.name;
  out.member_lei = member.lei;
  out.origin = p.origin;
  out.amount_cents = p.amount_cents;
  out.currency = p.currency;
  out.business_date = p.business_date;
  out.member_account_number = p.member_account_number;
  out.member_bank_aba = p.bank_aba;
  if (p.collect) {
    out.mandate_id = p.mandate_id;
    out.mandate_signature_date = p.mandate_signed;
  }
  out.remittance_text = Remittance(p);
  return out;
}

// Writes one file of one bank: pain.008 for collects, pain.001 for pays.
absl::StatusOr<store::PaymentMessageRow> WriteFile(
    pqxx::transaction_base& tx, const ReferenceState& state, absl::CivilDay day,
    const std::string& cycle, const std::string& bank_aba, bool collects,
    const std::vector<PaymentInstructionRow>& instructions, absl::Time now) {
  const store::TreasurySettingsRow settings = store::LoadTreasurySettings(tx);
  const PaymentInstructionRow& first = instructions.front();
  // Money moves on the business day after an end of day (the morning cycle), and on the
  // day itself for an intraday call.
  const absl::CivilDay value_date =
      cycle == kEodCycle ? clearing::BusinessCalendar(state.holidays).Next(day) : day;
  payments::MessageHeader header{absl::StrCat("TC-", CompactDate(day), "-", CycleTag(cycle), "-",
                                              bank_aba, collects ? "-DD" : "-CT"),
                                 now, value_date};
  payments::CcpParty ccp{settings.ccp_name, settings.ccp_lei, first.ccp_account_number, bank_aba};
  std::vector<payments::PaymentInstruction> payments;
  int64_t sum_cents = 0;
  for (const PaymentInstructionRow& p : instructions) {
    auto member = state.snapshot.members.find(p.member_id);
    if (member == state.snapshot.members.end()) {
      return absl::FailedPreconditionError(absl::StrCat("member ", p.member_id, " is unknown"));
    }
    payments.push_back(ToPayment(p, member->second));
    sum_cents += p.amount_cents;  // bounded: the writers check the sum again, with overflow
  }
  absl::StatusOr<std::string> document = collects ? payments::WritePain008(header, ccp, payments)
                                                  : payments::WritePain001(header, ccp, payments);
  if (!document.ok()) {
    // Our own rows failed the message's rules: a reference-data problem (an account or a
    // mandate that is not valid), for treasury to fix before the file can go.
    return absl::FailedPreconditionError(
        absl::StrCat("payment file ", header.message_id, ": ", document.status().message()));
  }
  store::PaymentMessageRow row{header.message_id,
                               day,
                               cycle,
                               bank_aba,
                               collects ? "pain.008.001.08" : "pain.001.001.09",
                               static_cast<int>(instructions.size()),
                               sum_cents,
                               ToHex(Sha256(*document)),
                               *document,
                               now};
  store::InsertPaymentMessage(tx, row);
  std::vector<std::string> ids;
  for (const PaymentInstructionRow& p : instructions) ids.push_back(p.instruction_id);
  store::MarkExported(tx, ids, header.message_id);
  return row;
}

// Settles one instruction (or a zero-net obligation) in the ledger under `key`.
absl::StatusOr<std::string> PostSettlement(pqxx::transaction_base& tx,
                                           const settlement::Obligation& o, absl::CivilDay day,
                                           const std::string& key, const std::string& description,
                                           const store::Actor& actor, absl::Time now) {
  TC_ASSIGN_OR_RETURN(std::optional<settlement::JournalEntry> entry,
                      settlement::PlanObligationSettlement(o, key, day, description));
  if (!entry) return std::string();
  TC_RETURN_IF_ERROR(store::PostJournalEntries(tx, {*entry}, actor.principal_id, now).status());
  return key;
}

}  // namespace

InstructOutcome LoadInstructed(pqxx::transaction_base& tx, absl::CivilDay day,
                               const std::string& cycle) {
  InstructOutcome out;
  out.replayed = true;
  out.obligations = store::LoadObligations(tx, {day, cycle, store::ObligationStage::kFinal, ""});
  out.instructions = store::LoadInstructions(tx, store::CycleInstructions(day, cycle));
  return out;
}

absl::StatusOr<InstructOutcome> InstructObligations(pqxx::transaction_base& tx, absl::CivilDay day,
                                                    const std::string& cycle, int pass,
                                                    const std::vector<settlement::Obligation>& due,
                                                    const store::Actor& actor, absl::Time now) {
  const std::map<store::OriginKey, store::MemberBankAccountRow> banks =
      store::LoadMemberBankAccounts(tx);
  std::map<std::string, std::string> ccp_accounts;  // "<aba>/<currency>" -> account
  for (const store::CcpBankAccountRow& a : store::LoadCcpBankAccounts(tx)) {
    ccp_accounts[absl::StrCat(a.bank_aba, "/", a.currency)] = a.account_number;
  }
  const store::TreasurySettingsRow settings = store::LoadTreasurySettings(tx);
  InstructOutcome out;
  std::vector<const settlement::Obligation*> collects, pays;
  for (const settlement::Obligation& o : due) {
    out.obligations.push_back({day, cycle, store::ObligationStage::kFinal, pass, o});
    if (o.net_cents < 0) collects.push_back(&o);
    if (o.net_cents > 0) pays.push_back(&o);
  }
  store::InsertObligations(tx, out.obligations, now);
  int sequence = 0;
  for (const auto* group : {&collects, &pays}) {
    for (const settlement::Obligation* o : *group) {
      auto bank = banks.find({o->member_id, o->origin, o->currency});
      if (bank == banks.end()) {
        return absl::FailedPreconditionError(
            absl::StrCat("member ", o->member_id, " has no ", settlement::OriginName(o->origin),
                         " settlement account in ", o->currency, ": ", OriginKeyText(*o),
                         " cannot be instructed"));
      }
      PaymentInstructionRow p;
      p.instruction_id =
          absl::StrFormat("TC-%s-%s-%04d", CompactDate(day), CycleTag(cycle), ++sequence);
      p.business_date = day;
      p.cycle = cycle;
      p.member_id = o->member_id;
      p.origin = o->origin;
      p.currency = o->currency;
      p.collect = o->net_cents < 0;
      p.amount_cents = p.collect ? -o->net_cents : o->net_cents;
      p.vm_cents = o->vm_cents;
      p.im_call_cents = o->im_call_cents;
      p.release_cents = o->release_cents;
      p.bank_aba = bank->second.bank_aba;
      p.member_account_number = bank->second.account_number;
      p.ccp_account_number = ccp_accounts[absl::StrCat(p.bank_aba, "/", p.currency)];
      p.mandate_id = bank->second.mandate_id;
      p.mandate_signed = bank->second.mandate_signed;
      p.created_at = now;
      p.deadline_at = now + absl::Seconds(settings.collect_deadline_seconds);
      store::InsertInstruction(tx, p);
      out.instructions.push_back(std::move(p));
    }
  }
  // Parts that cancel out (a release that pays a loss): settled now, nothing moves.
  for (const settlement::Obligation& o : due) {
    if (o.net_cents != 0) continue;
    TC_RETURN_IF_ERROR(PostSettlement(tx, o, day,
                                      absl::StrCat("PAYNET/", FormatBusinessDate(day), "/", cycle,
                                                   "/", OriginKeyText(o)),
                                      absl::StrCat(cycle, " obligation netted to zero"), actor, now)
                           .status());
  }
  store::Audit(
      tx, actor, "InstructPayments", absl::StrCat(FormatBusinessDate(day), "/", cycle),
      {"obligations", "instructions", "pass"},
      {absl::StrCat(due.size()), absl::StrCat(out.instructions.size()), absl::StrCat(pass)});
  return out;
}

absl::StatusOr<InstructOutcome> InstructEodCycle(pqxx::transaction_base& tx,
                                                 const ReferenceState& /*state*/,
                                                 absl::CivilDay day, const store::Actor& actor,
                                                 absl::Time now) {
  const std::string date = FormatBusinessDate(day);
  // One cycle instructs once: serialise on the date's run row.
  std::optional<store::EodRunRow> run = store::LoadEodRun(tx, day, /*for_update=*/true);
  if (!run || run->status != store::EodRunStatus::kComplete) {
    return absl::FailedPreconditionError(absl::StrCat("the end-of-day run of ", date,
                                                      " is not complete: its obligations are",
                                                      run ? " still indicative" : " not computed"));
  }
  if (store::LatestObligationPass(tx, day, kEodCycle, store::ObligationStage::kFinal)) {
    return LoadInstructed(tx, day, kEodCycle);
  }
  TC_ASSIGN_OR_RETURN(std::vector<settlement::Obligation> due, EodObligations(tx, day, run->pass));
  return InstructObligations(tx, day, kEodCycle, run->pass, due, actor, now);
}

absl::StatusOr<ExportOutcome> ExportCycle(pqxx::transaction_base& tx, const ReferenceState& state,
                                          absl::CivilDay day, const std::string& cycle,
                                          absl::Time now) {
  const std::vector<PaymentInstructionRow> all =
      store::LoadInstructions(tx, store::CycleInstructions(day, cycle, /*for_update=*/true));
  if (all.empty()) {
    return absl::NotFoundError(absl::StrCat(FormatBusinessDate(day), " ", cycle,
                                            " has no payment instructions (instruct it first)"));
  }
  ExportOutcome out;
  absl::flat_hash_map<std::string, bool> flagged;  // instruction id -> its member is flagged
  for (const store::MemberFlagRow& f : store::ListFlags(tx, "", /*open_only=*/false)) {
    flagged[f.instruction_id] = true;
  }
  for (const PaymentInstructionRow& p : all) {
    if (p.collect && p.status != store::InstructionStatus::kConfirmed &&
        !flagged.contains(p.instruction_id)) {
      ++out.collects_outstanding;
    }
  }
  std::map<std::pair<std::string, bool>, std::vector<PaymentInstructionRow>> by_file;
  for (const PaymentInstructionRow& p : all) by_file[{p.bank_aba, !p.collect}].push_back(p);
  std::map<std::string, store::PaymentMessageRow> stored;
  for (store::PaymentMessageRow& m : store::LoadPaymentMessages(tx, day, cycle)) {
    stored.emplace(m.message_id, std::move(m));
  }
  for (const auto& [file, instructions] : by_file) {
    const auto& [bank_aba, is_pay] = file;
    const std::string message_id = instructions.front().message_id;
    if (!message_id.empty()) {
      out.files.push_back(stored.at(message_id));
      continue;
    }
    if (is_pay && out.collects_outstanding > 0) {  // pays wait for the collects
      out.pays_held += static_cast<int64_t>(instructions.size());
      continue;
    }
    TC_ASSIGN_OR_RETURN(store::PaymentMessageRow row,
                        WriteFile(tx, state, day, cycle, bank_aba, !is_pay, instructions, now));
    out.files.push_back(std::move(row));
  }
  return out;
}

absl::StatusOr<std::vector<AppliedConfirmation>> ApplyConfirmations(
    pqxx::transaction_base& tx, const std::string& source,
    const std::vector<ReceivedConfirmation>& received, const store::Actor& actor, absl::Time now) {
  std::vector<std::string> ids;
  for (const ReceivedConfirmation& r : received) {
    for (const std::string& id : r.confirmation.end_to_end_ids) ids.push_back(id);
  }
  absl::flat_hash_map<std::string, PaymentInstructionRow> rows;
  absl::flat_hash_map<std::string, settlement::InstructionToMatch> sent;
  for (PaymentInstructionRow& p : store::LoadInstructionsById(tx, ids)) {
    settlement::InstructionToMatch m;
    m.instruction_id = p.instruction_id;
    m.direction =
        p.collect ? payments::PaymentDirection::kCollect : payments::PaymentDirection::kPay;
    m.amount_cents = p.amount_cents;
    m.currency = p.currency;
    m.ccp_account_number = p.ccp_account_number;
    m.confirmed = p.status == store::InstructionStatus::kConfirmed;
    m.confirmation_fingerprint = p.confirmation_fingerprint;
    sent.emplace(p.instruction_id, std::move(m));
    rows.emplace(p.instruction_id, std::move(p));
  }
  std::vector<settlement::Confirmation> confirmations;
  for (const ReceivedConfirmation& r : received) confirmations.push_back(r.confirmation);
  const std::vector<settlement::MatchResult> matches =
      settlement::MatchConfirmations(confirmations, sent);
  std::vector<std::string> conflicts;
  for (size_t i = 0; i < matches.size(); ++i) {
    if (matches[i].outcome == settlement::MatchOutcome::kConflict) {
      conflicts.push_back(
          absl::StrCat(received[i].confirmation.reference, ": ", matches[i].detail));
    }
  }
  if (!conflicts.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("confirmations contradict payments already final (nothing was taken): ",
                     absl::StrJoin(conflicts, "; ")));
  }
  std::vector<AppliedConfirmation> applied;
  for (size_t i = 0; i < matches.size(); ++i) {
    const settlement::Confirmation& c = received[i].confirmation;
    const settlement::MatchResult& match = matches[i];
    AppliedConfirmation done{c.reference, match, "", {}};
    const std::string fingerprint = settlement::ConfirmationFingerprint(c);
    if (match.outcome == settlement::MatchOutcome::kConfirms) {
      for (const std::string& id : match.instruction_ids) {
        const PaymentInstructionRow& p = rows.at(id);
        const std::string key = absl::StrCat("PAY/", id);
        TC_RETURN_IF_ERROR(PostSettlement(tx, ObligationOf(p), p.business_date, key,
                                          absl::StrCat(Describe(p), " confirmed: ", c.reference),
                                          actor, now)
                               .status());
        store::MarkConfirmed(tx, id, now, fingerprint, c.reference, key);
        for (std::string& member : store::CureFlags(tx, id, actor.principal_id, now)) {
          store::Audit(tx, actor, "CureMemberFlag", member, {"instruction_id", "confirmation"},
                       {id, c.reference});
          done.cured_members.push_back(std::move(member));
        }
        if (done.journal_key.empty()) done.journal_key = key;
      }
    }
    store::InsertConfirmation(
        tx, {0, source, received[i].source_key, fingerprint, c.end_to_end_ids, c.amount_cents,
             c.currency, c.account_id,
             c.credit_debit == payments::CreditDebit::kCredit ? "CRDT" : "DBIT",
             c.status == payments::EntryStatus::kBooked ? "BOOK" : "PDNG",
             std::string(settlement::MatchOutcomeName(match.outcome)),
             match.outcome == settlement::MatchOutcome::kBreak
                 ? std::string(settlement::BreakReasonName(match.reason))
                 : "",
             match.detail, actor.principal_id, now});
    applied.push_back(std::move(done));
  }
  return applied;
}

DeadlineOutcome CheckDeadlines(pqxx::transaction_base& tx, const store::Actor& actor,
                               absl::Time now) {
  DeadlineOutcome out;
  store::InstructionQuery unconfirmed;
  unconfirmed.status = store::InstructionStatus::kInstructed;
  for (const PaymentInstructionRow& p : store::LoadInstructions(tx, unconfirmed)) {
    if (!p.collect || p.deadline_at > now) continue;
    ++out.overdue_collects;
    store::MemberFlagRow flag;
    flag.member_id = p.member_id;
    flag.flag = "FAILURE_TO_PAY";
    flag.instruction_id = p.instruction_id;
    flag.reason =
        absl::StrCat(Describe(p), " unconfirmed at its deadline ",
                     absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", p.deadline_at, absl::UTCTimeZone()));
    flag.raised_at = now;
    flag.raised_by = actor.principal_id;
    if (std::optional<store::MemberFlagRow> raised = store::RaiseFlag(tx, flag)) {
      store::Audit(tx, actor, "RaiseMemberFlag", p.member_id, {"flag", "instruction_id", "reason"},
                   {flag.flag, p.instruction_id, flag.reason});
      out.raised.push_back(*std::move(raised));
    }
  }
  return out;
}

}  // namespace tc::services
