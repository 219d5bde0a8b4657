#include "settlement/payment_matching.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/fixed_point.h"
#include "core/identifiers.h"
#include "core/sha256.h"

namespace tc::settlement {
namespace {

using payments::CreditDebit;
using payments::PaymentDirection;

// The direction a booking on the CCP's account means: money in is a collect.
PaymentDirection DirectionOf(CreditDebit cd) {
  return cd == CreditDebit::kCredit ? PaymentDirection::kCollect : PaymentDirection::kPay;
}

absl::string_view CreditDebitText(CreditDebit cd) {
  return cd == CreditDebit::kCredit ? "CRDT (a collect came in)" : "DBIT (a pay went out)";
}

absl::string_view DirectionText(PaymentDirection d) {
  return d == PaymentDirection::kCollect ? "a collect" : "a pay";
}

std::string Cents(int64_t cents) { return FormatFixed(cents, 2); }

MatchResult Result(MatchOutcome outcome, BreakReason reason, const Confirmation& c,
                   std::string detail) {
  return {outcome, reason, c.end_to_end_ids, std::move(detail)};
}

MatchResult Break(BreakReason reason, const Confirmation& c, std::string detail) {
  return Result(MatchOutcome::kBreak, reason, c, std::move(detail));
}

// An instruction named by a confirmation, under the id the confirmation names it by (the
// key of the instructions' map).
struct Named {
  absl::string_view id;
  const InstructionToMatch* instruction;
};

// Rules 5 and 6: the content of an entry against the unconfirmed instructions it names.
MatchResult MatchContent(const Confirmation& c, const std::vector<Named>& named) {
  const PaymentDirection direction = DirectionOf(c.credit_debit);
  for (const auto& [id, i] : named) {
    if (i->direction != direction) {
      return Break(BreakReason::kDirectionMismatch, c,
                   absl::StrCat(CreditDebitText(c.credit_debit), ", instruction ",
                                ShortenForMessage(id), " is ", DirectionText(i->direction)));
    }
  }
  for (const auto& [id, i] : named) {
    if (i->currency != c.currency) {
      return Break(
          BreakReason::kCurrencyMismatch, c,
          absl::StrCat("currency ", ShortenForMessage(c.currency), ", instruction ",
                       ShortenForMessage(id), " expects ", ShortenForMessage(i->currency)));
    }
  }
  for (const auto& [id, i] : named) {
    if (i->ccp_account_number != c.account_id) {
      return Break(BreakReason::kAccountMismatch, c,
                   absl::StrCat("account '", ShortenForMessage(c.account_id), "', instruction ",
                                ShortenForMessage(id), " moves through '",
                                ShortenForMessage(i->ccp_account_number), "'"));
    }
  }
  std::vector<std::string> ids;
  std::optional<int64_t> expected_cents = 0;
  for (const auto& [id, i] : named) {
    ids.emplace_back(ShortenForMessage(id));
    if (expected_cents) expected_cents = CheckedAdd(*expected_cents, i->amount_cents);
  }
  const std::string who =
      named.size() == 1 ? absl::StrCat("instruction ", ids[0], " expects ")
                        : absl::StrCat("instructions ", absl::StrJoin(ids, " + "), " expect ");
  if (!expected_cents) {
    return Break(BreakReason::kAmountMismatch, c,
                 absl::StrCat("amount ", Cents(c.amount_cents), " ", ShortenForMessage(c.currency),
                              ", ", who, "more than a sum can hold (overflow)"));
  }
  if (*expected_cents != c.amount_cents) {
    return Break(BreakReason::kAmountMismatch, c,
                 absl::StrCat("amount ", Cents(c.amount_cents), " ", ShortenForMessage(c.currency),
                              ", ", who, Cents(*expected_cents)));
  }
  return Result(MatchOutcome::kConfirms, BreakReason::kNone, c, "");
}

}  // namespace

absl::string_view BreakReasonName(BreakReason r) {
  switch (r) {
    case BreakReason::kNone:
      return "NONE";
    case BreakReason::kUnknownInstruction:
      return "UNKNOWN_INSTRUCTION";
    case BreakReason::kDirectionMismatch:
      return "DIRECTION_MISMATCH";
    case BreakReason::kAmountMismatch:
      return "AMOUNT_MISMATCH";
    case BreakReason::kCurrencyMismatch:
      return "CURRENCY_MISMATCH";
    case BreakReason::kAccountMismatch:
      return "ACCOUNT_MISMATCH";
    case BreakReason::kNoReference:
      return "NO_REFERENCE";
  }
  return "UNKNOWN";
}

absl::string_view MatchOutcomeName(MatchOutcome o) {
  switch (o) {
    case MatchOutcome::kConfirms:
      return "CONFIRMS";
    case MatchOutcome::kAlreadyConfirmed:
      return "ALREADY_CONFIRMED";
    case MatchOutcome::kPending:
      return "PENDING";
    case MatchOutcome::kBreak:
      return "BREAK";
    case MatchOutcome::kConflict:
      return "CONFLICT";
  }
  return "UNKNOWN";
}

std::string ConfirmationFingerprint(const Confirmation& c) {
  std::vector<std::string> ids = c.end_to_end_ids;
  std::sort(ids.begin(), ids.end());
  RecordDigest digest;
  digest.Add("tokenclear.confirmation/v1").Add(static_cast<int64_t>(ids.size()));
  for (const std::string& id : ids) digest.Add(id);
  digest.Add(c.amount_cents).Add(c.currency).Add(c.account_id);
  digest.Add(c.credit_debit == CreditDebit::kCredit ? "CRDT" : "DBIT");
  return ToHex(digest.Finish());
}

std::vector<MatchResult> MatchConfirmations(
    absl::Span<const Confirmation> confirmations,
    const absl::flat_hash_map<std::string, InstructionToMatch>& instructions) {
  // Instructions confirmed by an earlier confirmation of this call: id -> fingerprint.
  absl::flat_hash_map<std::string, std::string> confirmed_here;
  std::vector<MatchResult> results;
  results.reserve(confirmations.size());
  for (const Confirmation& c : confirmations) {
    if (c.status == payments::EntryStatus::kPending) {
      results.push_back(Result(MatchOutcome::kPending, BreakReason::kNone, c,
                               "pending at the bank (PDNG): not final"));
      continue;
    }
    if (c.end_to_end_ids.empty()) {
      results.push_back(Break(BreakReason::kNoReference, c, "the entry names no end-to-end id"));
      continue;
    }
    // A repeated id would count one instruction's amount twice; an empty one names nothing.
    std::optional<std::string> bad_reference;
    absl::flat_hash_set<absl::string_view> seen;
    for (const std::string& id : c.end_to_end_ids) {
      if (id.empty()) {
        bad_reference = "the entry has an empty end-to-end id";
      } else if (!seen.insert(id).second) {
        bad_reference = absl::StrCat("end-to-end id '", ShortenForMessage(id), "' is listed twice");
      }
      if (bad_reference) break;
    }
    if (bad_reference) {
      results.push_back(Break(BreakReason::kNoReference, c, *std::move(bad_reference)));
      continue;
    }
    std::vector<Named> named;
    std::optional<std::string> unknown;
    for (const std::string& id : c.end_to_end_ids) {
      auto it = instructions.find(id);
      if (it == instructions.end()) {
        unknown = id;
        break;
      }
      named.push_back({id, &it->second});
    }
    if (unknown) {
      results.push_back(Break(
          BreakReason::kUnknownInstruction, c,
          absl::StrCat("end-to-end id '", ShortenForMessage(*unknown), "' names no instruction")));
      continue;
    }
    const std::string fingerprint = ConfirmationFingerprint(c);
    size_t confirmed = 0;
    std::optional<std::string> other_booking;  // an instruction confirmed by another one
    for (const auto& [id, i] : named) {
      auto here = confirmed_here.find(id);
      const bool is_confirmed = i->confirmed || here != confirmed_here.end();
      if (!is_confirmed) continue;
      ++confirmed;
      const std::string& by =
          here != confirmed_here.end() ? here->second : i->confirmation_fingerprint;
      if (by != fingerprint && !other_booking) other_booking = std::string(id);
    }
    if (confirmed == named.size() && !other_booking) {
      results.push_back(Result(MatchOutcome::kAlreadyConfirmed, BreakReason::kNone, c,
                               "already confirmed by the same booking"));
      continue;
    }
    if (confirmed > 0) {
      results.push_back(Result(
          MatchOutcome::kConflict, BreakReason::kNone, c,
          other_booking
              ? absl::StrCat("instruction ", ShortenForMessage(*other_booking),
                             " is already confirmed by a different booking")
              : absl::StrCat(confirmed, " of the ", named.size(),
                             " instructions named are already confirmed and the others not")));
      continue;
    }
    MatchResult result = MatchContent(c, named);
    if (result.outcome == MatchOutcome::kConfirms) {
      for (const Named& n : named) confirmed_here[std::string(n.id)] = fingerprint;
    }
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace tc::settlement
