// Matching the settlement bank's confirmations (camt.054 entries, or the same facts sent
// over gRPC) against the payment instructions the CCP sent. A booked entry whose
// end-to-end ids name our instructions, with the same direction, currency, account and
// amount, confirms them; any difference is a break for treasury to reconcile, never a
// posting; a pending entry only updates a status; the same booking received twice
// (over gRPC and again in a file) is recognised by its fingerprint and changes nothing.
// Pure: the store loads the instructions named and writes the outcomes.
//
//   absl::flat_hash_map<std::string, InstructionToMatch> sent = ...;  // by instruction id
//   for (const MatchResult& r : MatchConfirmations(confirmations, sent)) {
//     if (r.outcome == MatchOutcome::kConfirms) ... post the settlement, mark confirmed ...
//     if (r.outcome == MatchOutcome::kBreak) ... record BreakReasonName(r.reason), r.detail
//   }
#ifndef TOKENCLEAR_SETTLEMENT_PAYMENT_MATCHING_H_
#define TOKENCLEAR_SETTLEMENT_PAYMENT_MATCHING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "payments/camt054_reader.h"
#include "payments/payment_instruction.h"

namespace tc::settlement {

struct InstructionToMatch {
  std::string instruction_id;  // also the EndToEndId the bank reports back
  payments::PaymentDirection direction = payments::PaymentDirection::kCollect;
  int64_t amount_cents = 0;
  std::string currency;
  std::string ccp_account_number;  // the CCP's account at the bank that moves it
  bool confirmed = false;
  // When confirmed: the fingerprint of the confirmation that confirmed it.
  std::string confirmation_fingerprint;
};

struct Confirmation {
  std::vector<std::string> end_to_end_ids;  // usually one; a batch booking lists several
  int64_t amount_cents = 0;
  std::string currency;
  std::string account_id;  // the notified (CCP's) account
  // Seen from the CCP's account: CRDT = a collect came in, DBIT = a pay went out.
  payments::CreditDebit credit_debit = payments::CreditDebit::kCredit;
  payments::EntryStatus status = payments::EntryStatus::kBooked;
  // Where it came from, e.g. "camt.054 MSG1 Ntfctn[0].Ntry[2]" or "grpc:<key>"; not part
  // of the fingerprint.
  std::string reference;
};

enum class MatchOutcome {
  kConfirms,          // the instructions named are paid: settle them (obligations.h)
  kAlreadyConfirmed,  // the same booking again: nothing to do
  kPending,           // PDNG: announced, not final; never posts
  kBreak,             // does not match: treasury reconciles; nothing posts
  kConflict,          // contradicts a final payment: the caller refuses it as bad input
};

enum class BreakReason {
  kNone,
  kUnknownInstruction,
  kDirectionMismatch,
  kAmountMismatch,
  kCurrencyMismatch,
  kAccountMismatch,
  kNoReference,  // no end-to-end id, an empty one, or one listed twice
};

struct MatchResult {
  MatchOutcome outcome = MatchOutcome::kBreak;
  BreakReason reason = BreakReason::kNone;   // kNone unless outcome is kBreak
  std::vector<std::string> instruction_ids;  // the confirmation's end-to-end ids, in order
  std::string detail;                        // what was expected and received; empty for kConfirms
};

absl::string_view BreakReasonName(BreakReason r);    // "NONE", "UNKNOWN_INSTRUCTION", ...
absl::string_view MatchOutcomeName(MatchOutcome o);  // "CONFIRMS", "ALREADY_CONFIRMED", ...

// The canonical fingerprint of a confirmation's content: hex SHA-256 of its end-to-end ids
// (sorted, so the order a batch is listed in does not matter), amount, currency, account
// and direction, each length-prefixed. Not the status (only a booked entry confirms) nor
// the reference (the same booking sent twice, over gRPC and again in a file, comes from
// two places and is recognised).
std::string ConfirmationFingerprint(const Confirmation& c);

// Matches `confirmations` in order against `instructions` (keyed by instruction id); an
// instruction confirmed by an earlier confirmation of the same call counts as confirmed
// (with that confirmation's fingerprint) for later ones. One result per confirmation, in
// order. The rules, first that applies:
//  1. PDNG -> kPending (never posts).
//  2. No end-to-end id, an empty one or one listed twice -> kBreak kNoReference.
//  3. An id that names no instruction -> kBreak kUnknownInstruction.
//  4. All named instructions already confirmed: each with this confirmation's fingerprint
//     -> kAlreadyConfirmed (a duplicate: nothing to do); otherwise -> kConflict.
//     Some confirmed and some not -> kConflict.
//  5. The instructions must all have the entry's direction (CRDT <-> collect, DBIT <->
//     pay), currency and account, and the sum of their amounts (checked) must equal the
//     entry's amount; else kBreak with the first failing reason in the order direction,
//     currency, account, amount, and `detail` naming the expected and received values
//     (e.g. "amount 1234.56 USD, instruction TC-1 expects 1234.50").
//  6. Else kConfirms.
std::vector<MatchResult> MatchConfirmations(
    absl::Span<const Confirmation> confirmations,
    const absl::flat_hash_map<std::string, InstructionToMatch>& instructions);

}  // namespace tc::settlement

#endif  // TOKENCLEAR_SETTLEMENT_PAYMENT_MATCHING_H_
