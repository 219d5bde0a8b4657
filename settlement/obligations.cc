#include "settlement/obligations.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/check.h"
#include "core/fixed_point.h"
#include "core/identifiers.h"
#include "core/status_macros.h"

namespace tc::settlement {
namespace {

constexpr int64_t kMinCents = std::numeric_limits<int64_t>::min();

// "CM01/HOUSE/USD": how messages name an obligation's key.
std::string KeyLabel(absl::string_view member_id, clearing::Origin origin,
                     absl::string_view currency) {
  return absl::StrCat(ShortenForMessage(member_id), "/", OriginName(origin), "/",
                      ShortenForMessage(currency));
}

absl::Status CheckKey(absl::string_view member_id, clearing::Origin origin,
                      absl::string_view currency) {
  TC_RETURN_IF_ERROR(ValidateIdentifier("member_id", member_id));
  if (!IsCurrencyCode(currency)) {
    return absl::InvalidArgumentError(absl::StrCat(KeyLabel(member_id, origin, currency),
                                                   ": currency is not three capital letters"));
  }
  return absl::OkStatus();
}

absl::Status CheckNotNegative(absl::string_view where, absl::string_view field, int64_t value) {
  if (value >= 0) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", field, " ", value, " is negative"));
}

absl::Status Overflow(absl::string_view where, absl::string_view what) {
  return absl::OutOfRangeError(absl::StrCat(where, ": ", what, " overflows"));
}

// What the settlement entry's lines are made of: vm + release (the member's cash) and
// net = vm - im_call + release (the bank), each negatable (never INT64_MIN) so that the
// entry passes CheckBalanced and can be reversed.
struct SettlementCents {
  int64_t cash_cents = 0;
  int64_t net_cents = 0;
};

absl::StatusOr<SettlementCents> SettlementOf(absl::string_view where, int64_t vm_cents,
                                             int64_t im_call_cents, int64_t release_cents) {
  std::optional<int64_t> cash = CheckedAdd(vm_cents, release_cents);
  if (!cash || *cash == kMinCents || vm_cents == kMinCents) {
    return Overflow(where, "variation margin plus release");
  }
  std::optional<int64_t> net = CheckedSub(*cash, im_call_cents);
  if (!net || *net == kMinCents) return Overflow(where, "the net amount");
  return SettlementCents{*cash, *net};
}

}  // namespace

absl::StatusOr<std::vector<Obligation>> ComputeObligations(absl::Span<const ObligationInput> inputs,
                                                           int64_t call_threshold_cents) {
  if (call_threshold_cents < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("call_threshold_cents ", call_threshold_cents, " is negative"));
  }
  std::set<std::tuple<std::string, clearing::Origin, std::string>> keys;
  std::vector<Obligation> out;
  out.reserve(inputs.size());
  for (const ObligationInput& in : inputs) {
    TC_RETURN_IF_ERROR(CheckKey(in.member_id, in.origin, in.currency));
    const std::string where = KeyLabel(in.member_id, in.origin, in.currency);
    TC_RETURN_IF_ERROR(CheckNotNegative(where, "requirement_cents", in.requirement_cents));
    TC_RETURN_IF_ERROR(
        CheckNotNegative(where, "collateral_value_cents", in.collateral_value_cents));
    TC_RETURN_IF_ERROR(CheckNotNegative(where, "pending_call_cents", in.pending_call_cents));
    TC_RETURN_IF_ERROR(CheckNotNegative(where, "release_cents", in.release_cents));
    if (!keys.emplace(in.member_id, in.origin, in.currency).second) {
      // Two rows of one key would be netted by nobody, or paid twice.
      return absl::InvalidArgumentError(absl::StrCat(where, " is given twice"));
    }
    Obligation o;
    o.member_id = in.member_id;
    o.origin = in.origin;
    o.currency = in.currency;
    o.vm_cents = in.vm_cents;
    o.requirement_cents = in.requirement_cents;
    o.collateral_value_cents = in.collateral_value_cents;
    o.pending_call_cents = in.pending_call_cents;
    o.release_cents = in.release_cents;
    // Exact in __int128: three values >= 0 cannot overflow it, and a positive result is at
    // most the requirement, so it fits int64.
    const __int128 deficit = static_cast<__int128>(in.requirement_cents) -
                             in.collateral_value_cents - in.pending_call_cents;
    o.deficit_cents = deficit > 0 ? static_cast<int64_t>(deficit) : 0;
    o.im_call_cents = o.deficit_cents > call_threshold_cents ? o.deficit_cents : 0;
    TC_ASSIGN_OR_RETURN(const SettlementCents cents,
                        SettlementOf(where, o.vm_cents, o.im_call_cents, o.release_cents));
    o.net_cents = cents.net_cents;
    out.push_back(std::move(o));
  }
  return out;
}

absl::StatusOr<std::optional<JournalEntry>> PlanObligationSettlement(
    const Obligation& o, absl::string_view key, absl::CivilDay business_date,
    absl::string_view description) {
  if (key.empty() || key.size() > kMaxIdempotencyKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("key has ", key.size(), " bytes; 1 to ", kMaxIdempotencyKeyBytes, " allowed"));
  }
  TC_RETURN_IF_ERROR(CheckKey(o.member_id, o.origin, o.currency));
  const std::string where = KeyLabel(o.member_id, o.origin, o.currency);
  TC_RETURN_IF_ERROR(CheckNotNegative(where, "im_call_cents", o.im_call_cents));
  TC_RETURN_IF_ERROR(CheckNotNegative(where, "release_cents", o.release_cents));
  TC_ASSIGN_OR_RETURN(const SettlementCents cents,
                      SettlementOf(where, o.vm_cents, o.im_call_cents, o.release_cents));
  // The bank line is what was paid or collected: an obligation whose net disagrees with
  // its parts would post a payment that never happened.
  if (cents.net_cents != o.net_cents) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": net_cents ", o.net_cents, " is not vm - im_call + release = ", o.vm_cents, " - ",
        o.im_call_cents, " + ", o.release_cents, " = ", cents.net_cents));
  }
  JournalEntry entry;
  entry.idempotency_key = std::string(key);
  entry.business_date = business_date;
  entry.kind = "PAYMENT_SETTLEMENT";
  entry.description = std::string(description);
  const auto add = [&entry](LedgerAccount account, int64_t amount_cents) {
    if (amount_cents != 0) entry.lines.push_back({std::move(account), amount_cents});
  };
  // A collect (net < 0) debits the bank account: the cash came in; a pay credits it.
  add(CcpAccount(LedgerAccountKind::kSettlementBank, o.currency), -cents.net_cents);
  // The variation margin posting left the member's cash at -vm (what the CCP owed); the
  // withdrawal left -release. Paying (or collecting) them brings it back to zero.
  add(MemberCashAccount(o.member_id, o.origin, o.currency), cents.cash_cents);
  // The called cash is held as collateral for the member: a credit, as a deposit is.
  add(MemberAccount(LedgerAccountKind::kMemberCollateralCash, o.member_id, o.origin, o.currency),
      -o.im_call_cents);
  if (entry.lines.empty()) return std::nullopt;
  // Never one line alone: the three sum to zero, so a single nonzero one is impossible.
  const absl::Status balanced = CheckBalanced(entry);
  TC_CHECK(balanced.ok()) << balanced;
  return entry;
}

absl::StatusOr<std::vector<VmBalance>> SumVariationMargin(
    absl::Span<const Obligation> obligations) {
  std::map<std::string, VmBalance> by_currency;
  for (const Obligation& o : obligations) {
    const std::string where = KeyLabel(o.member_id, o.origin, o.currency);
    if (o.vm_cents == kMinCents) return Overflow(where, "variation margin");
    VmBalance& b = by_currency[o.currency];
    std::optional<int64_t> sum = o.vm_cents >= 0 ? CheckedAdd(b.pays_cents, o.vm_cents)
                                                 : CheckedAdd(b.collects_cents, -o.vm_cents);
    if (!sum) return Overflow(o.currency, "the sum of variation margin");
    (o.vm_cents >= 0 ? b.pays_cents : b.collects_cents) = *sum;
  }
  std::vector<VmBalance> out;
  out.reserve(by_currency.size());
  for (auto& [currency, b] : by_currency) {
    b.currency = currency;
    // Both sums are >= 0, so the difference fits.
    b.collects_minus_pays_cents = b.collects_cents - b.pays_cents;
    out.push_back(std::move(b));
  }
  return out;
}

absl::Status CheckVariationMarginMeetsResidual(absl::Span<const VmBalance> balances,
                                               absl::Span<const CashResidual> residuals) {
  std::map<std::string, std::pair<int64_t, int64_t>> by_currency;  // (vm, residual)
  for (const VmBalance& b : balances) {
    int64_t& vm = by_currency[b.currency].first;
    std::optional<int64_t> sum = CheckedAdd(vm, b.collects_minus_pays_cents);
    if (!sum) return Overflow(b.currency, "collects - pays");
    vm = *sum;
  }
  for (const CashResidual& r : residuals) {
    int64_t& residual = by_currency[r.currency].second;
    std::optional<int64_t> sum = CheckedAdd(residual, r.ccp_rounding_cents);
    if (!sum) return Overflow(r.currency, "the rounding residual");
    residual = *sum;
  }
  for (const auto& [currency, amounts] : by_currency) {
    if (amounts.first != amounts.second) {
      return absl::FailedPreconditionError(
          absl::StrCat("variation margin in ", currency, ": collects - pays is ", amounts.first,
                       " cents but the rounding residual is ", amounts.second,
                       " cents; the cycle's obligations do not match the day's variation margin"));
    }
  }
  return absl::OkStatus();
}

}  // namespace tc::settlement
