#include "settlement/ledger.h"

#include <limits>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "core/business_date.h"
#include "core/check.h"
#include "core/fixed_point.h"
#include "core/identifiers.h"
#include "core/status_macros.h"

namespace tc::settlement {
namespace {

constexpr std::pair<LedgerAccountKind, absl::string_view> kKindNames[] = {
    {LedgerAccountKind::kMemberCash, "MEMBER_CASH"},
    {LedgerAccountKind::kCcpVmSettlement, "CCP_VM_SETTLEMENT"},
    {LedgerAccountKind::kCcpFinalSettlement, "CCP_FINAL_SETTLEMENT"},
    {LedgerAccountKind::kCcpRounding, "CCP_ROUNDING"},
    {LedgerAccountKind::kSettlementBank, "SETTLEMENT_BANK"},
    {LedgerAccountKind::kMemberCollateralCash, "MEMBER_COLLATERAL_CASH"},
    {LedgerAccountKind::kMemberCollateralSecurities, "MEMBER_COLLATERAL_SECURITIES"},
    {LedgerAccountKind::kCustodianSecurities, "CUSTODIAN_SECURITIES"},
};

// The schema's rule for entry kinds: [A-Z][A-Z_]{0,63}.
bool IsEntryKind(absl::string_view kind) {
  if (kind.empty() || kind.size() > 64 || !absl::ascii_isupper(static_cast<unsigned char>(kind[0])))
    return false;
  for (char c : kind) {
    if (c != '_' && !absl::ascii_isupper(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::Status Unbalanced(const JournalEntry& entry, absl::string_view why) {
  return absl::FailedPreconditionError(absl::StrCat(
      "journal entry ", ShortenForMessage(entry.idempotency_key), " cannot be posted: ", why));
}

// Canonical bytes: every field length-prefixed (8 bytes, little end first), so no two
// different entries can give the same bytes by moving text from one field to the next.
void Append(std::string& out, absl::string_view field) {
  uint64_t size = field.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((size >> (8 * i)) & 0xff));
  out.append(field.data(), field.size());
}

void AppendInt(std::string& out, int64_t value) {
  const uint64_t bits = static_cast<uint64_t>(value);
  std::string bytes;
  for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
  Append(out, bytes);
}

struct PostingNames {
  absl::string_view key_prefix;  // "VM"
  absl::string_view entry_kind;  // "VARIATION_MARGIN"
  absl::string_view rounding_kind;
  absl::string_view what;  // for descriptions
  LedgerAccountKind settlement_account;
};

PostingNames NamesOf(CashPostingKind kind) {
  if (kind == CashPostingKind::kVariationMargin) {
    return {"VM", "VARIATION_MARGIN", "VARIATION_MARGIN_ROUNDING", "variation margin",
            LedgerAccountKind::kCcpVmSettlement};
  }
  return {"FS", "FINAL_SETTLEMENT", "FINAL_SETTLEMENT_ROUNDING", "final settlement",
          LedgerAccountKind::kCcpFinalSettlement};
}

}  // namespace

absl::string_view LedgerAccountKindName(LedgerAccountKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  TC_CHECK(false) << "unknown ledger account kind " << static_cast<int>(kind);
  return "";
}

std::optional<LedgerAccountKind> LedgerAccountKindFromName(absl::string_view name) {
  for (const auto& [kind, n] : kKindNames) {
    if (n == name) return kind;
  }
  return std::nullopt;
}

absl::string_view OriginName(clearing::Origin origin) {
  return origin == clearing::Origin::kHouse ? "HOUSE" : "CUSTOMER";
}

std::optional<clearing::Origin> OriginFromName(absl::string_view name) {
  if (name == "HOUSE") return clearing::Origin::kHouse;
  if (name == "CUSTOMER") return clearing::Origin::kCustomer;
  return std::nullopt;
}

bool IsCurrencyCode(absl::string_view currency) {
  if (currency.size() != 3) return false;
  for (char c : currency) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsPerMemberKind(LedgerAccountKind kind) {
  switch (kind) {
    case LedgerAccountKind::kMemberCash:
    case LedgerAccountKind::kMemberCollateralCash:
    case LedgerAccountKind::kMemberCollateralSecurities:
      return true;
    case LedgerAccountKind::kCcpVmSettlement:
    case LedgerAccountKind::kCcpFinalSettlement:
    case LedgerAccountKind::kCcpRounding:
    case LedgerAccountKind::kSettlementBank:
    case LedgerAccountKind::kCustodianSecurities:
      return false;
  }
  TC_CHECK(false) << "unknown ledger account kind " << static_cast<int>(kind);
  return false;
}

LedgerAccount MemberCashAccount(absl::string_view member_id, clearing::Origin origin,
                                absl::string_view currency) {
  return MemberAccount(LedgerAccountKind::kMemberCash, member_id, origin, currency);
}

LedgerAccount MemberAccount(LedgerAccountKind kind, absl::string_view member_id,
                            clearing::Origin origin, absl::string_view currency) {
  absl::string_view infix;
  switch (kind) {
    case LedgerAccountKind::kMemberCash:
      infix = ":CASH:";
      break;
    case LedgerAccountKind::kMemberCollateralCash:
      infix = ":COLLATERAL_CASH:";
      break;
    case LedgerAccountKind::kMemberCollateralSecurities:
      infix = ":COLLATERAL_SECURITIES:";
      break;
    case LedgerAccountKind::kCcpVmSettlement:
    case LedgerAccountKind::kCcpFinalSettlement:
    case LedgerAccountKind::kCcpRounding:
    case LedgerAccountKind::kSettlementBank:
    case LedgerAccountKind::kCustodianSecurities:
      TC_CHECK(false) << LedgerAccountKindName(kind) << " is the CCP's: use CcpAccount";
  }
  return {absl::StrCat(member_id, ":", OriginName(origin), infix, currency), kind,
          std::string(member_id), origin, std::string(currency)};
}

LedgerAccount CcpAccount(LedgerAccountKind kind, absl::string_view currency) {
  absl::string_view id;
  switch (kind) {
    case LedgerAccountKind::kCcpVmSettlement:
      id = "CCP:VM_SETTLEMENT:";
      break;
    case LedgerAccountKind::kCcpFinalSettlement:
      id = "CCP:FINAL_SETTLEMENT:";
      break;
    case LedgerAccountKind::kCcpRounding:
      id = "CCP:ROUNDING:";
      break;
    case LedgerAccountKind::kSettlementBank:
      id = "BANK:SETTLEMENT:";
      break;
    case LedgerAccountKind::kCustodianSecurities:
      id = "CCP:CUSTODIAN_SECURITIES:";
      break;
    case LedgerAccountKind::kMemberCash:
    case LedgerAccountKind::kMemberCollateralCash:
    case LedgerAccountKind::kMemberCollateralSecurities:
      TC_CHECK(false) << LedgerAccountKindName(kind) << " is per member: use MemberAccount";
  }
  return {absl::StrCat(id, currency), kind, "", std::nullopt, std::string(currency)};
}

absl::Status CheckBalanced(const JournalEntry& entry) {
  if (entry.idempotency_key.empty() || entry.idempotency_key.size() > kMaxIdempotencyKeyBytes) {
    return Unbalanced(entry, absl::StrCat("the key has ", entry.idempotency_key.size(),
                                          " bytes; 1 to ", kMaxIdempotencyKeyBytes, " allowed"));
  }
  if (!IsEntryKind(entry.kind)) {
    return Unbalanced(entry, absl::StrCat("kind \"", ShortenForMessage(entry.kind),
                                          "\" is not [A-Z][A-Z_]{0,63}"));
  }
  if (entry.lines.size() < 2) {
    return Unbalanced(entry,
                      absl::StrCat("it has ", entry.lines.size(), " line(s); at least two needed"));
  }
  std::map<std::string, int64_t> sum_cents;        // by currency
  std::map<std::string, std::string> currency_of;  // by account id
  for (size_t i = 0; i < entry.lines.size(); ++i) {
    const JournalLine& line = entry.lines[i];
    const LedgerAccount& a = line.account;
    const std::string where =
        absl::StrCat("line ", i + 1, " (", ShortenForMessage(a.ledger_account_id), ")");
    if (a.ledger_account_id.empty())
      return Unbalanced(entry, absl::StrCat(where, " has no account"));
    if (!IsCurrencyCode(a.currency)) {
      return Unbalanced(
          entry, absl::StrCat(where, " has currency \"", ShortenForMessage(a.currency), "\""));
    }
    const bool per_member = IsPerMemberKind(a.kind);
    if (per_member != !a.member_id.empty() || per_member != a.origin.has_value()) {
      return Unbalanced(entry,
                        absl::StrCat(where, ": a ", LedgerAccountKindName(a.kind), " account ",
                                     per_member ? "needs" : "has no", " member and origin"));
    }
    auto [it, inserted] = currency_of.emplace(a.ledger_account_id, a.currency);
    if (!inserted && it->second != a.currency) {
      return Unbalanced(
          entry, absl::StrCat(where, " names the account in ", a.currency, " and in ", it->second));
    }
    if (line.amount_cents == 0) return Unbalanced(entry, absl::StrCat(where, " is zero"));
    // INT64_MIN has no negation: such an entry could never be reversed.
    if (line.amount_cents == std::numeric_limits<int64_t>::min()) {
      return Unbalanced(entry, absl::StrCat(where, " is out of range"));
    }
    int64_t& sum = sum_cents[a.currency];
    if (__builtin_add_overflow(sum, line.amount_cents, &sum)) {
      return Unbalanced(entry, absl::StrCat("the ", a.currency, " lines overflow at ", where));
    }
  }
  for (const auto& [currency, sum] : sum_cents) {
    if (sum != 0) {
      return Unbalanced(entry,
                        absl::StrCat("the ", currency, " lines sum to ", sum, " cents, not zero"));
    }
  }
  return absl::OkStatus();
}

Sha256Digest PayloadHash(const JournalEntry& entry) {
  std::string bytes;
  Append(bytes, "tokenclear.journal_entry/v1");
  Append(bytes, entry.idempotency_key);
  Append(bytes, FormatBusinessDate(entry.business_date));
  Append(bytes, entry.kind);
  Append(bytes, entry.description);
  Append(bytes, entry.eod_step);
  Append(bytes, entry.reverses_key);
  AppendInt(bytes, static_cast<int64_t>(entry.lines.size()));
  for (const JournalLine& line : entry.lines) {
    const LedgerAccount& a = line.account;
    Append(bytes, a.ledger_account_id);
    Append(bytes, LedgerAccountKindName(a.kind));
    Append(bytes, a.member_id);
    Append(bytes, a.origin.has_value() ? OriginName(*a.origin) : "");
    Append(bytes, a.currency);
    AppendInt(bytes, line.amount_cents);
  }
  return Sha256(bytes);
}

absl::StatusOr<std::vector<JournalEntry>> PlanCashPostings(absl::CivilDay business_date,
                                                           CashPostingKind kind,
                                                           absl::string_view eod_step,
                                                           const CashSettlement& cash) {
  const PostingNames names = NamesOf(kind);
  const std::string date = FormatBusinessDate(business_date);
  std::vector<JournalEntry> entries;
  std::set<std::string> keys;
  // Per currency: what the calls leave on the CCP settlement account (+ debit).
  std::map<std::string, int64_t> settlement_cents;
  for (const CashCall& call : cash.calls) {
    if (absl::Status s = ValidateIdentifier("member_id", call.member_id); !s.ok()) return s;
    if (!IsCurrencyCode(call.currency)) {
      return absl::InvalidArgumentError(
          absl::StrCat("currency \"", ShortenForMessage(call.currency), "\" of member ",
                       call.member_id, " is not three capital letters"));
    }
    // A call that is INT64_MIN could not be credited to the member (no negation).
    if (call.amount_cents == std::numeric_limits<int64_t>::min()) {
      return absl::OutOfRangeError(absl::StrCat("the call of ", call.member_id, " ",
                                                OriginName(call.origin), " is out of range"));
    }
    JournalEntry entry;
    entry.idempotency_key = absl::StrCat(names.key_prefix, "/", date, "/", call.member_id, "/",
                                         OriginName(call.origin), "/", call.currency);
    if (!keys.insert(entry.idempotency_key).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("two cash calls for ", call.member_id, " ", OriginName(call.origin), " ",
                       call.currency, " on ", date, "; the calls are one per origin"));
    }
    int64_t& settlement = settlement_cents[call.currency];
    if (__builtin_add_overflow(settlement, call.amount_cents, &settlement)) {
      return absl::OutOfRangeError(
          absl::StrCat("the ", call.currency, " calls of ", date, " overflow"));
    }
    if (call.amount_cents == 0) continue;  // nothing moves, no entry
    entry.business_date = business_date;
    entry.kind = std::string(names.entry_kind);
    entry.description =
        absl::StrCat(names.what, " ", date, ": ", call.member_id, " ", OriginName(call.origin),
                     call.amount_cents > 0 ? " collects " : " pays ",
                     FormatFixed(call.amount_cents > 0 ? call.amount_cents : -call.amount_cents, 2),
                     " ", call.currency);
    entry.eod_step = std::string(eod_step);
    // The member collects X: the CCP owes it X (credit) and its settlement account has paid
    // out X (debit). A payment is the same with the signs turned.
    entry.lines = {
        {MemberCashAccount(call.member_id, call.origin, call.currency), -call.amount_cents},
        {CcpAccount(names.settlement_account, call.currency), call.amount_cents}};
    entries.push_back(std::move(entry));
  }
  std::set<std::string> residual_currencies;
  for (const CashResidual& r : cash.residuals) {
    if (!IsCurrencyCode(r.currency)) {
      return absl::InvalidArgumentError(absl::StrCat("residual currency \"",
                                                     ShortenForMessage(r.currency),
                                                     "\" is not three capital letters"));
    }
    if (!residual_currencies.insert(r.currency).second) {
      return absl::InvalidArgumentError(absl::StrCat("two residuals in ", r.currency));
    }
    // The residual is what the rounding account collects: minus the sum of the calls.
    int64_t left_cents = 0;
    if (__builtin_add_overflow(settlement_cents[r.currency], r.ccp_rounding_cents, &left_cents)) {
      return absl::OutOfRangeError(absl::StrCat("the ", r.currency, " residual overflows"));
    }
    if (left_cents != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("the ", r.currency, " calls of ", date, " sum to ",
                       settlement_cents[r.currency], " cents but the rounding residual is ",
                       r.ccp_rounding_cents, ": pays and collects do not meet"));
    }
    settlement_cents[r.currency] = 0;
    if (r.ccp_rounding_cents == 0) continue;
    if (r.ccp_rounding_cents == std::numeric_limits<int64_t>::min()) {
      return absl::OutOfRangeError(absl::StrCat("the ", r.currency, " residual is out of range"));
    }
    JournalEntry entry;
    entry.idempotency_key = absl::StrCat(names.key_prefix, "/", date, "/ROUNDING/", r.currency);
    entry.business_date = business_date;
    entry.kind = std::string(names.rounding_kind);
    entry.description = absl::StrCat(
        names.what, " ", date, ": the rounding account ",
        r.ccp_rounding_cents > 0 ? "collects " : "pays ",
        FormatFixed(r.ccp_rounding_cents > 0 ? r.ccp_rounding_cents : -r.ccp_rounding_cents, 2),
        " ", r.currency);
    entry.eod_step = std::string(eod_step);
    // The calls left -residual on the settlement account; this line brings it to zero.
    // The rounding account is credited what it collects (income) and debited what it pays.
    entry.lines = {
        {CcpAccount(names.settlement_account, r.currency), r.ccp_rounding_cents},
        {CcpAccount(LedgerAccountKind::kCcpRounding, r.currency), -r.ccp_rounding_cents}};
    entries.push_back(std::move(entry));
  }
  for (const auto& [currency, left_cents] : settlement_cents) {
    if (left_cents != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("the ", currency, " calls of ", date, " sum to ", left_cents,
                       " cents and there is no rounding residual for ", currency));
    }
  }
  // Postconditions: every entry balances, and the settlement account nets to zero.
  std::map<std::string, int64_t> check_cents;
  for (const JournalEntry& entry : entries) {
    const absl::Status balanced = CheckBalanced(entry);
    TC_CHECK(balanced.ok()) << balanced;
    for (const JournalLine& line : entry.lines) {
      // The same terms in the same order as the checked sums above, so never overflows.
      if (line.account.kind != names.settlement_account) continue;
      int64_t& cents = check_cents[line.account.currency];
      const bool overflow = __builtin_add_overflow(cents, line.amount_cents, &cents);
      TC_CHECK(!overflow) << "settlement account " << line.account.currency << " overflows";
    }
  }
  for (const auto& [currency, cents] : check_cents) {
    TC_CHECK_EQ(cents, 0) << "settlement account " << currency << " does not net to zero";
  }
  return entries;
}

JournalEntry Reversal(const JournalEntry& original, absl::CivilDay business_date,
                      absl::string_view eod_step) {
  JournalEntry reversal;
  reversal.idempotency_key = absl::StrCat("REV/", original.idempotency_key);
  reversal.business_date = business_date;
  reversal.kind = "REVERSAL";
  reversal.description = absl::StrCat("reverses ", original.idempotency_key);
  reversal.eod_step = std::string(eod_step);
  reversal.reverses_key = original.idempotency_key;
  reversal.lines.reserve(original.lines.size());
  for (const JournalLine& line : original.lines) {
    TC_CHECK(line.amount_cents != std::numeric_limits<int64_t>::min())
        << "reversal of an entry that does not pass CheckBalanced";
    reversal.lines.push_back({line.account, -line.amount_cents});
  }
  return reversal;
}

namespace {

// What the collateral planners check of their inputs; INVALID_ARGUMENT naming the field.
absl::Status CheckMovement(absl::string_view key, absl::string_view member_id,
                           absl::string_view currency, absl::string_view amount_field,
                           int64_t amount_cents) {
  if (key.empty() || key.size() > kMaxIdempotencyKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("key has ", key.size(), " bytes; 1 to ", kMaxIdempotencyKeyBytes, " allowed"));
  }
  TC_RETURN_IF_ERROR(ValidateIdentifier("member_id", member_id));
  if (!IsCurrencyCode(currency)) {
    return absl::InvalidArgumentError(absl::StrCat("currency \"", ShortenForMessage(currency),
                                                   "\" is not three capital letters"));
  }
  if (amount_cents <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(amount_field, " ", amount_cents, " is not positive"));
  }
  return absl::OkStatus();
}

JournalEntry Movement(absl::string_view key, absl::CivilDay date, absl::string_view kind,
                      std::string description, std::vector<JournalLine> lines) {
  JournalEntry entry;
  entry.idempotency_key = std::string(key);
  entry.business_date = date;
  entry.kind = std::string(kind);
  entry.description = std::move(description);
  entry.lines = std::move(lines);
  // The inputs were checked above, so a failure here is ours.
  const absl::Status balanced = CheckBalanced(entry);
  TC_CHECK(balanced.ok()) << balanced;
  return entry;
}

}  // namespace

absl::StatusOr<JournalEntry> PlanCashDeposit(absl::string_view key, absl::CivilDay date,
                                             absl::string_view member_id, clearing::Origin origin,
                                             absl::string_view currency, int64_t amount_cents) {
  TC_RETURN_IF_ERROR(CheckMovement(key, member_id, currency, "amount_cents", amount_cents));
  return Movement(
      key, date, "COLLATERAL_DEPOSIT",
      absl::StrCat("cash collateral ", FormatBusinessDate(date), ": ", member_id, " ",
                   OriginName(origin), " deposits ", FormatFixed(amount_cents, 2), " ", currency),
      {{CcpAccount(LedgerAccountKind::kSettlementBank, currency), amount_cents},
       {MemberAccount(LedgerAccountKind::kMemberCollateralCash, member_id, origin, currency),
        -amount_cents}});
}

absl::StatusOr<JournalEntry> PlanCashWithdrawal(absl::string_view key, absl::CivilDay date,
                                                absl::string_view member_id,
                                                clearing::Origin origin, absl::string_view currency,
                                                int64_t amount_cents) {
  TC_RETURN_IF_ERROR(CheckMovement(key, member_id, currency, "amount_cents", amount_cents));
  // No bank line: the cash leaves the bank when the next payment cycle pays the release.
  return Movement(
      key, date, "COLLATERAL_WITHDRAWAL",
      absl::StrCat("cash collateral ", FormatBusinessDate(date), ": ", member_id, " ",
                   OriginName(origin), " withdraws ", FormatFixed(amount_cents, 2), " ", currency),
      {{MemberAccount(LedgerAccountKind::kMemberCollateralCash, member_id, origin, currency),
        amount_cents},
       {MemberCashAccount(member_id, origin, currency), -amount_cents}});
}

absl::StatusOr<JournalEntry> PlanSecuritiesMovement(absl::string_view key, absl::CivilDay date,
                                                    absl::string_view member_id,
                                                    clearing::Origin origin,
                                                    absl::string_view currency, int64_t face_cents,
                                                    bool deposit) {
  TC_RETURN_IF_ERROR(CheckMovement(key, member_id, currency, "face_cents", face_cents));
  const int64_t custodian_cents = deposit ? face_cents : -face_cents;
  return Movement(
      key, date, deposit ? "SECURITIES_DEPOSIT" : "SECURITIES_WITHDRAWAL",
      absl::StrCat("securities collateral ", FormatBusinessDate(date), ": ", member_id, " ",
                   OriginName(origin), deposit ? " deposits " : " withdraws ", "face ",
                   FormatFixed(face_cents, 2), " ", currency),
      {{CcpAccount(LedgerAccountKind::kCustodianSecurities, currency), custodian_cents},
       {MemberAccount(LedgerAccountKind::kMemberCollateralSecurities, member_id, origin, currency),
        -custodian_cents}});
}

}  // namespace tc::settlement
