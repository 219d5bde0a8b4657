#include "services/cash/reconciliation.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/business_date.h"
#include "core/fixed_point.h"
#include "core/status_macros.h"
#include "services/cash/cash_cycle.h"
#include "settlement/obligations.h"
#include "store/cash_store.h"
#include "store/settlement_store.h"

namespace tc::services {
namespace {

namespace pb = ::tokenclear::v1;

// Deposits + confirmed collects - confirmed pays per currency: what the banks moved.
std::map<std::string, int64_t> BankMovements(pqxx::transaction_base& tx) {
  std::map<std::string, int64_t> out;
  for (const pqxx::row& r :
       tx.exec("SELECT currency, sum(cents)::bigint FROM ("
               " SELECT currency, amount_cents AS cents FROM collateral_movements"
               " WHERE kind = 'CASH_DEPOSIT'"
               " UNION ALL SELECT currency, CASE direction WHEN 'COLLECT' THEN amount_cents"
               " ELSE -amount_cents END FROM payment_instructions WHERE status = 'CONFIRMED') m"
               " GROUP BY 1")) {
    out[r[0].as<std::string>()] = r[1].as<int64_t>();
  }
  return out;
}

void AddVariationMargin(pqxx::transaction_base& tx, absl::CivilDay day, const std::string& cycle,
                        const std::vector<store::ObligationRow>& final_rows,
                        pb::Reconciliation& out, bool& ok) {
  std::vector<settlement::Obligation> obligations;
  for (const store::ObligationRow& row : final_rows) obligations.push_back(row.obligation);
  absl::StatusOr<std::vector<settlement::VmBalance>> sums =
      settlement::SumVariationMargin(obligations);
  if (!sums.ok()) {
    ok = false;
    out.add_problems(std::string(sums.status().message()));
    return;
  }
  const int pass = final_rows.empty() ? 1 : final_rows.front().pass;
  const std::map<std::string, int64_t> rounding = cycle == kEodCycle
                                                      ? store::LoadRoundingCents(tx, day, pass)
                                                      : std::map<std::string, int64_t>{};
  for (const settlement::VmBalance& b : *sums) {
    pb::VmBalance* v = out.add_variation_margin();
    v->set_currency(b.currency);
    v->set_pays_cents(b.pays_cents);
    v->set_collects_cents(b.collects_cents);
    v->set_collects_minus_pays_cents(b.collects_minus_pays_cents);
    auto it = rounding.find(b.currency);
    v->set_ccp_rounding_cents(it == rounding.end() ? 0 : it->second);
    if (v->collects_minus_pays_cents() != v->ccp_rounding_cents()) {
      ok = false;
      out.add_problems(
          absl::StrCat("variation margin of ", b.currency,
                       ": collects - pays = ", FormatFixed(b.collects_minus_pays_cents, 2),
                       ", the rounding residual is ", FormatFixed(v->ccp_rounding_cents(), 2)));
    }
  }
}

}  // namespace

absl::StatusOr<pb::Reconciliation> Reconcile(pqxx::transaction_base& tx, absl::CivilDay day,
                                             const std::string& cycle) {
  pb::Reconciliation out;
  bool ok = true;
  out.set_business_date(FormatBusinessDate(day));
  out.set_cycle(cycle);
  const std::vector<store::PaymentInstructionRow> instructions =
      store::LoadInstructions(tx, store::CycleInstructions(day, cycle));
  std::set<std::string> ids;
  for (const store::PaymentInstructionRow& p : instructions) {
    ids.insert(p.instruction_id);
    const bool confirmed = p.status == store::InstructionStatus::kConfirmed;
    out.set_confirmed(out.confirmed() + confirmed);
    out.set_unconfirmed(out.unconfirmed() + !confirmed);
  }
  out.set_instructions(static_cast<int64_t>(instructions.size()));
  for (const pqxx::row& r :
       tx.exec("SELECT array_to_string(end_to_end_ids, ' ') FROM payment_confirmations"
               " WHERE outcome = 'PENDING'")) {
    for (absl::string_view id : absl::StrSplit(r[0].c_str(), ' ', absl::SkipEmpty())) {
      if (ids.contains(std::string(id))) {
        out.set_pending_confirmations(out.pending_confirmations() + 1);
        break;
      }
    }
  }
  for (const store::ConfirmationRow& c : store::LoadBreaks(tx)) {
    // The cycle's breaks, and those naming no instruction at all (nobody else owns them).
    bool mine = c.break_reason == "UNKNOWN_INSTRUCTION" || c.break_reason == "NO_REFERENCE";
    for (const std::string& id : c.end_to_end_ids) mine |= ids.contains(id);
    if (!mine) continue;
    pb::PaymentBreak* b = out.add_breaks();
    b->set_confirmation_id(c.confirmation_id);
    b->set_source(c.source);
    b->set_reference(c.source_key);
    b->set_break_reason(c.break_reason);
    b->set_detail(c.detail);
    for (const std::string& id : c.end_to_end_ids) b->add_end_to_end_ids(id);
    b->set_amount_cents(c.amount_cents);
    b->set_currency(c.currency);
  }
  AddVariationMargin(tx, day, cycle,
                     store::LoadObligations(tx, {day, cycle, store::ObligationStage::kFinal, ""}),
                     out, ok);
  const std::map<std::string, int64_t> ledger = store::LoadBankLedgerCents(tx);
  const std::map<std::string, int64_t> bank = BankMovements(tx);
  std::set<std::string> currencies;
  for (const auto& [c, _] : ledger) currencies.insert(c);
  for (const auto& [c, _] : bank) currencies.insert(c);
  for (const std::string& currency : currencies) {
    const int64_t in_ledger = ledger.contains(currency) ? ledger.at(currency) : 0;
    const int64_t at_bank = bank.contains(currency) ? bank.at(currency) : 0;
    if (currency == kMarginCurrency) {
      out.set_bank_ledger_cents(in_ledger);
      out.set_bank_movements_cents(at_bank);
    }
    if (in_ledger != at_bank) {
      ok = false;
      out.add_problems(absl::StrCat("settlement bank ", currency, ": the ledger holds ",
                                    FormatFixed(in_ledger, 2), ", the banks moved ",
                                    FormatFixed(at_bank, 2)));
    }
  }
  out.set_ok(ok);
  return out;
}

}  // namespace tc::services
