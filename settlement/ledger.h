// The double-entry cash ledger, pure: accounts with deterministic ids, journal entries
// that balance per currency by construction, their canonical payload hash (the
// idempotency check), and the posting plan that turns the day's cash calls
// (settlement/cash_cents.h) into entries. The store writes what is planned here; the
// database checks the same rule again at commit (migrations/0005_settlement.sql).
//
// Sign convention: amounts are int64 cents, positive = debit, negative = credit. A member
// cash account in credit is what the CCP owes the member; in debit, what it is owed.
// A member who collects X cents of variation margin: its cash account is credited X
// (line -X) and the CCP's settlement account debited X (line +X). The rounding residual
// of the day moves between the settlement account and CCP_ROUNDING, so the CCP's
// settlement account nets to zero per business date and currency (docs/LEDGER.md).
//
// Collateral: cash collateral is a credit on the member's COLLATERAL_CASH account (the CCP
// holds it and owes it back) against the cash at the bank; securities collateral is a memo
// at face value in cents, the member's COLLATERAL_SECURITIES credited against the CCP's
// CUSTODIAN_SECURITIES. A withdrawal of cash collateral moves it to the member's CASH
// account, from which the next payment cycle pays it out (settlement/obligations.h).
//
//   TC_ASSIGN_OR_RETURN(CashSettlement cash, RoundToCents(vm.origins));
//   TC_ASSIGN_OR_RETURN(std::vector<JournalEntry> entries,
//                       PlanCashPostings(day, CashPostingKind::kVariationMargin, "VM_POST",
//                                        cash));
//   // entries[0].idempotency_key == "VM/2026-11-30/CM01/HOUSE/USD", each CheckBalanced
//   TC_ASSIGN_OR_RETURN(int64_t posted, store::PostJournalEntries(tx, entries, who, now));
//
//   TC_ASSIGN_OR_RETURN(JournalEntry deposit,
//                       PlanCashDeposit("COLL/DEP/42", day, "CM01", Origin::kHouse, "USD",
//                                       100'000'00));  // $100,000.00 of cash collateral
#ifndef TOKENCLEAR_SETTLEMENT_LEDGER_H_
#define TOKENCLEAR_SETTLEMENT_LEDGER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "clearing/reference_data.h"
#include "core/sha256.h"
#include "settlement/cash_cents.h"

namespace tc::settlement {

// The rows of ledger_account_kinds.
enum class LedgerAccountKind {
  kMemberCash,
  kCcpVmSettlement,
  kCcpFinalSettlement,
  kCcpRounding,
  kSettlementBank,
  // Per member and origin: the cash collateral the CCP holds for the member (a credit).
  kMemberCollateralCash,
  // Per member and origin: securities collateral at face value in cents, a memo in the
  // currency of the security (a credit: the CCP holds it for the member).
  kMemberCollateralSecurities,
  // CCP-wide: the securities the CCP holds at its custodian, at face value (a debit).
  kCustodianSecurities,
};

absl::string_view LedgerAccountKindName(LedgerAccountKind kind);  // "MEMBER_CASH", ...
std::optional<LedgerAccountKind> LedgerAccountKindFromName(absl::string_view name);

// Whether accounts of `kind` belong to one member and origin (MEMBER_CASH,
// MEMBER_COLLATERAL_CASH, MEMBER_COLLATERAL_SECURITIES); the others are the CCP's.
bool IsPerMemberKind(LedgerAccountKind kind);

absl::string_view OriginName(clearing::Origin origin);  // "HOUSE", "CUSTOMER"
std::optional<clearing::Origin> OriginFromName(absl::string_view name);

// The ledger's rule for a currency: three capital letters (ISO 4217 form), "USD".
bool IsCurrencyCode(absl::string_view currency);

struct LedgerAccount {
  std::string ledger_account_id;
  LedgerAccountKind kind = LedgerAccountKind::kMemberCash;
  std::string member_id;                   // per-member kinds only (IsPerMemberKind)
  std::optional<clearing::Origin> origin;  // per-member kinds only
  std::string currency;                    // ISO 4217, e.g. "USD"

  friend bool operator==(const LedgerAccount&, const LedgerAccount&) = default;
};

// "CM01:HOUSE:CASH:USD": the member's cash account of one origin and currency (house and
// customer money are never one account).
LedgerAccount MemberCashAccount(absl::string_view member_id, clearing::Origin origin,
                                absl::string_view currency);

// A per-member account of one origin and currency: "CM01:HOUSE:CASH:USD" (the same as
// MemberCashAccount), "CM01:HOUSE:COLLATERAL_CASH:USD",
// "CM01:HOUSE:COLLATERAL_SECURITIES:USD". `kind` is per member (IsPerMemberKind; a
// programmer error otherwise: aborts).
LedgerAccount MemberAccount(LedgerAccountKind kind, absl::string_view member_id,
                            clearing::Origin origin, absl::string_view currency);

// "CCP:VM_SETTLEMENT:USD", "CCP:FINAL_SETTLEMENT:USD", "CCP:ROUNDING:USD",
// "BANK:SETTLEMENT:USD", "CCP:CUSTODIAN_SECURITIES:USD". `kind` is not per member (a
// programmer error; aborts).
LedgerAccount CcpAccount(LedgerAccountKind kind, absl::string_view currency);

struct JournalLine {
  LedgerAccount account;
  int64_t amount_cents = 0;  // + debit, - credit, never 0
};

struct JournalEntry {
  std::string idempotency_key;  // 1..200 bytes, unique in the journal
  absl::CivilDay business_date;
  std::string kind;  // [A-Z][A-Z_]*, e.g. "VARIATION_MARGIN"
  std::string description;
  std::string eod_step;      // the end-of-day step that posted it; empty when none
  std::string reverses_key;  // a reversal: the key of the entry it reverses; else empty
  std::vector<JournalLine> lines;
};

inline constexpr size_t kMaxIdempotencyKeyBytes = 200;

// OK when the entry can be written: a key of 1..200 bytes, a kind of [A-Z][A-Z_]{0,63},
// at least two lines, no zero line and no INT64_MIN line (so that every entry can be
// reversed), every account carrying a member and origin exactly when its kind is per
// member (IsPerMemberKind) and a three-letter currency, one account id never with two currencies,
// and the lines of each currency summing to zero, summed with overflow checks. FAILED_PRECONDITION
// naming the key otherwise.
absl::Status CheckBalanced(const JournalEntry& entry);

// SHA-256 of the entry's canonical bytes (every field, each length-prefixed, lines in
// order): the same content always gives the same hash, so a repost is recognised and a
// different payload under the same key is not.
Sha256Digest PayloadHash(const JournalEntry& entry);

enum class CashPostingKind { kVariationMargin, kFinalSettlement };

// The entries that post `cash`: one per (member, origin, currency) call with a nonzero
// amount, MEMBER_CASH against CCP_VM_SETTLEMENT (kVariationMargin) or
// CCP_FINAL_SETTLEMENT (kFinalSettlement), and one per currency with a nonzero residual
// moving it between that settlement account and CCP_ROUNDING. Keys:
// "VM/2026-11-30/CM01/HOUSE/USD", "VM/2026-11-30/ROUNDING/USD"; "FS/..." for final
// settlement. Entries come in the order of the calls, then the residuals.
// INVALID_ARGUMENT for a malformed member id or currency or a repeated call;
// FAILED_PRECONDITION when the calls and residual of a currency do not sum to zero;
// OUT_OF_RANGE on overflow. Every entry passes CheckBalanced and the settlement account
// nets to zero per currency (both checked before returning).
absl::StatusOr<std::vector<JournalEntry>> PlanCashPostings(absl::CivilDay business_date,
                                                           CashPostingKind kind,
                                                           absl::string_view eod_step,
                                                           const CashSettlement& cash);

// The correction of `original`: the same lines negated, key "REV/<original key>", kind
// "REVERSAL", reverses_key the original's key. Precondition: CheckBalanced(original) is OK
// (then every line can be negated).
JournalEntry Reversal(const JournalEntry& original, absl::CivilDay business_date,
                      absl::string_view eod_step);

// Collateral movements. Each plans one entry under the caller's `key` (the treasury
// request's idempotency key, 1..200 bytes), dated `date`, that passes CheckBalanced.
// INVALID_ARGUMENT for an amount <= 0, a malformed key, member id or currency.
//
// Cash collateral received at the bank, kind "COLLATERAL_DEPOSIT":
//   BANK:SETTLEMENT:<ccy> +amount (the cash is in), <member>:COLLATERAL_CASH -amount (the
//   CCP holds it for the member).
absl::StatusOr<JournalEntry> PlanCashDeposit(absl::string_view key, absl::CivilDay date,
                                             absl::string_view member_id, clearing::Origin origin,
                                             absl::string_view currency, int64_t amount_cents);

// An accepted withdrawal of cash collateral, kind "COLLATERAL_WITHDRAWAL":
//   <member>:COLLATERAL_CASH +amount (no longer collateral), <member>:CASH -amount (the CCP
//   now owes the member that cash; the next payment cycle pays it out as a release,
//   ObligationInput::release_cents, whose settlement debits CASH again).
// Whether the withdrawal leaves margin uncovered is the caller's check beforehand
// (WithdrawalShortfallCents in settlement/collateral.h).
absl::StatusOr<JournalEntry> PlanCashWithdrawal(absl::string_view key, absl::CivilDay date,
                                                absl::string_view member_id,
                                                clearing::Origin origin, absl::string_view currency,
                                                int64_t amount_cents);

// Securities delivered to (deposit) or released from the CCP's custodian account, at face
// value in cents of `currency` (the security's), kind "SECURITIES_DEPOSIT" or
// "SECURITIES_WITHDRAWAL":
//   deposit:    CCP:CUSTODIAN_SECURITIES +face, <member>:COLLATERAL_SECURITIES -face
//   withdrawal: CCP:CUSTODIAN_SECURITIES -face, <member>:COLLATERAL_SECURITIES +face
absl::StatusOr<JournalEntry> PlanSecuritiesMovement(absl::string_view key, absl::CivilDay date,
                                                    absl::string_view member_id,
                                                    clearing::Origin origin,
                                                    absl::string_view currency, int64_t face_cents,
                                                    bool deposit);

}  // namespace tc::settlement

#endif  // TOKENCLEAR_SETTLEMENT_LEDGER_H_
