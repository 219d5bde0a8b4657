#include "services/cash/cash_cycle.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "core/business_date.h"
#include "core/fixed_point.h"
#include "core/status_macros.h"
#include "settlement/cash_cents.h"
#include "settlement/ledger.h"
#include "store/margin_store.h"
#include "store/pg_date.h"

namespace tc::services {
namespace {

using store::OriginKey;

// Requirements in micro-USD become cents by the one rounding rule.
std::map<OriginKey, int64_t> RequirementCents(pqxx::transaction_base& tx, absl::CivilDay day) {
  std::map<OriginKey, int64_t> out;
  for (const store::OriginRequirementRow& r : store::ListOriginRequirements(tx, day, "")) {
    out[{r.member_id, r.origin, kMarginCurrency}] =
        RoundedDiv(r.initial_micros, settlement::kMicrosPerCent);
  }
  return out;
}

// The date of the latest requirements on or before `day` (an intraday margin cycle of
// the open date, or the last end of day).
std::optional<absl::CivilDay> LatestRequirementDate(pqxx::transaction_base& tx,
                                                    absl::CivilDay day) {
  const pqxx::row r = tx.exec_params1(
      "SELECT max(business_date)::text FROM margin_origin_requirements"
      " WHERE business_date <= $1::date",
      store::DateParam(day));
  if (r[0].is_null()) return std::nullopt;
  return store::DateFromField(r[0]);
}

std::vector<settlement::OriginCollateral> CollateralOf(
    const std::map<OriginKey, int64_t>& requirements, const std::map<OriginKey, int64_t>& cash,
    const std::map<OriginKey, std::vector<settlement::SecurityHolding>>& securities) {
  std::set<OriginKey> keys;
  for (const auto& [key, _] : requirements) keys.insert(key);
  for (const auto& [key, _] : cash) keys.insert(key);
  for (const auto& [key, _] : securities) keys.insert(key);
  std::vector<settlement::OriginCollateral> out;
  for (const OriginKey& key : keys) {
    settlement::OriginCollateral c;
    std::tie(c.member_id, c.origin, c.currency) = key;
    if (auto it = cash.find(key); it != cash.end()) c.cash_cents = it->second;
    if (auto it = securities.find(key); it != securities.end()) c.securities = it->second;
    if (auto it = requirements.find(key); it != requirements.end()) {
      c.requirement_cents = it->second;
    }
    out.push_back(std::move(c));
  }
  return out;
}

Sha256Digest CollateralDigest(const std::vector<settlement::OriginCollateral>& origins,
                              const std::vector<settlement::SecurityPrice>& prices) {
  RecordDigest digest;
  for (const settlement::OriginCollateral& c : origins) {
    digest.Add(c.member_id).Add(settlement::OriginName(c.origin)).Add(c.currency);
    digest.Add(c.cash_cents).Add(c.requirement_cents);
    for (const settlement::SecurityHolding& h : c.securities) {
      digest.Add(h.security_id).Add(h.face_cents);
    }
  }
  for (const settlement::SecurityPrice& p : prices) digest.Add(p.security_id).Add(p.price_ppm);
  return digest.Finish();
}

Sha256Digest ValuationsDigest(const std::vector<settlement::OriginValuation>& rows) {
  RecordDigest digest;
  for (const settlement::OriginValuation& v : rows) {
    digest.Add(v.member_id).Add(settlement::OriginName(v.origin)).Add(v.currency);
    digest.Add(v.cash_cents).Add(v.securities_counted_cents).Add(v.value_cents);
    digest.Add(v.requirement_cents).Add(v.excess_cents);
  }
  return digest.Finish();
}

// Each security's latest price on or before `day`.
std::vector<settlement::SecurityPrice> LatestPrices(pqxx::transaction_base& tx,
                                                    absl::CivilDay day) {
  std::vector<settlement::SecurityPrice> out;
  for (const pqxx::row& r : tx.exec_params(
           "SELECT DISTINCT ON (security_id) security_id, price_ppm FROM collateral_prices"
           " WHERE price_date <= $1::date ORDER BY security_id, price_date DESC",
           store::DateParam(day))) {
    out.push_back({r[0].as<std::string>(), r[1].as<int64_t>()});
  }
  return out;
}

}  // namespace

Sha256Digest ObligationsDigest(const std::vector<settlement::Obligation>& obligations) {
  RecordDigest digest;
  for (const settlement::Obligation& o : obligations) {
    digest.Add(o.member_id).Add(settlement::OriginName(o.origin)).Add(o.currency);
    digest.Add(o.vm_cents).Add(o.requirement_cents).Add(o.collateral_value_cents);
    digest.Add(o.pending_call_cents).Add(o.im_call_cents).Add(o.release_cents).Add(o.net_cents);
  }
  return digest.Finish();
}

absl::StatusOr<CashStepOutput> ValueCollateralStep(pqxx::transaction_base& tx, absl::CivilDay day,
                                                   int pass) {
  const std::vector<settlement::OriginCollateral> origins =
      CollateralOf(RequirementCents(tx, day), store::LoadCashCollateral(tx, day),
                   store::LoadSecuritiesHeld(tx, day));
  const std::vector<settlement::SecurityPrice> prices = store::LoadCollateralPrices(tx, day);
  TC_ASSIGN_OR_RETURN(
      std::vector<settlement::OriginValuation> valued,
      settlement::ValueCollateral(day, store::LoadCollateralClasses(tx), prices, origins));
  store::InsertValuations(tx, day, pass, valued);
  return CashStepOutput{CollateralDigest(origins, prices), ValuationsDigest(valued),
                        static_cast<int64_t>(valued.size())};
}

absl::StatusOr<std::vector<settlement::Obligation>> EodObligations(pqxx::transaction_base& tx,
                                                                   absl::CivilDay day, int pass) {
  const std::map<OriginKey, int64_t> vm = store::LoadVmCents(tx, day, pass);
  const std::map<OriginKey, int64_t> pending = store::LoadPendingCalls(tx, day, kEodCycle);
  const std::map<OriginKey, int64_t> releases = store::LoadUnreleasedWithdrawals(tx, day);
  std::map<OriginKey, settlement::ObligationInput> inputs;
  auto input = [&](const OriginKey& key) -> settlement::ObligationInput& {
    settlement::ObligationInput& in = inputs[key];
    std::tie(in.member_id, in.origin, in.currency) = key;
    return in;
  };
  for (const settlement::OriginValuation& v : store::LoadValuations(tx, day)) {
    settlement::ObligationInput& in = input({v.member_id, v.origin, v.currency});
    in.requirement_cents = v.requirement_cents;
    in.collateral_value_cents = v.value_cents;
  }
  for (const auto& [key, cents] : vm) input(key).vm_cents = cents;
  for (const auto& [key, cents] : releases) input(key).release_cents = cents;
  for (const auto& [key, cents] : pending) {
    if (inputs.contains(key)) inputs[key].pending_call_cents = cents;
  }
  std::vector<settlement::ObligationInput> ordered;
  for (auto& [key, in] : inputs) ordered.push_back(std::move(in));
  return settlement::ComputeObligations(ordered, /*call_threshold_cents=*/0);
}

absl::StatusOr<CashStepOutput> IndicativeObligationsStep(pqxx::transaction_base& tx,
                                                         absl::CivilDay day, int pass,
                                                         absl::Time now) {
  TC_ASSIGN_OR_RETURN(std::vector<settlement::Obligation> due, EodObligations(tx, day, pass));
  std::vector<store::ObligationRow> rows;
  for (const settlement::Obligation& o : due) {
    rows.push_back({day, kEodCycle, store::ObligationStage::kIndicative, pass, o});
  }
  store::InsertObligations(tx, rows, now);
  const Sha256Digest digest = ObligationsDigest(due);
  return CashStepOutput{digest, digest, static_cast<int64_t>(rows.size())};
}

absl::StatusOr<settlement::OriginValuation> ValueOriginNow(pqxx::transaction_base& tx,
                                                           absl::CivilDay day, const OriginKey& key,
                                                           int64_t cash_change_cents,
                                                           const std::string& security_id,
                                                           int64_t face_change_cents) {
  std::map<OriginKey, int64_t> requirements;
  if (std::optional<absl::CivilDay> at = LatestRequirementDate(tx, day)) {
    requirements = RequirementCents(tx, *at);
  }
  // Cash: every entry so far, including today's (a deposit counts at once).
  std::map<OriginKey, int64_t> cash = store::LoadCashCollateral(tx, absl::CivilDay::max());
  std::map<OriginKey, std::vector<settlement::SecurityHolding>> securities =
      store::LoadSecuritiesHeld(tx, absl::CivilDay::max());
  const std::optional<int64_t> cash_after = CheckedAdd(cash[key], cash_change_cents);
  if (!cash_after.has_value()) return absl::OutOfRangeError("cash collateral overflows");
  if (*cash_after < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        std::get<0>(key), " ", settlement::OriginName(std::get<1>(key)), " holds only ",
        FormatFixed(cash[key], 2), " ", std::get<2>(key), " of cash collateral"));
  }
  std::map<OriginKey, int64_t> one_cash = {{key, *cash_after}};
  std::vector<settlement::SecurityHolding> held = securities[key];
  if (!security_id.empty()) {
    bool found = false;
    for (settlement::SecurityHolding& h : held) {
      if (h.security_id != security_id) continue;
      found = true;
      if (h.face_cents + face_change_cents < 0) {
        return absl::FailedPreconditionError(
            absl::StrCat(std::get<0>(key), " ", settlement::OriginName(std::get<1>(key)),
                         " holds only ", FormatFixed(h.face_cents, 2), " face of ", security_id));
      }
      h.face_cents += face_change_cents;
    }
    if (!found) {
      return absl::FailedPreconditionError(absl::StrCat(std::get<0>(key), " ",
                                                        settlement::OriginName(std::get<1>(key)),
                                                        " holds no ", security_id));
    }
    std::erase_if(held, [](const settlement::SecurityHolding& h) { return h.face_cents <= 0; });
  }
  std::map<OriginKey, std::vector<settlement::SecurityHolding>> one_securities;
  if (!held.empty()) one_securities[key] = held;
  std::map<OriginKey, int64_t> one_requirement = {{key, requirements[key]}};
  const std::vector<settlement::OriginCollateral> origins =
      CollateralOf(one_requirement, one_cash, one_securities);
  TC_ASSIGN_OR_RETURN(std::vector<settlement::OriginValuation> valued,
                      settlement::ValueCollateral(day, store::LoadCollateralClasses(tx),
                                                  LatestPrices(tx, day), origins));
  return valued.at(0);
}

}  // namespace tc::services
