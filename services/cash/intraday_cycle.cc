#include "services/cash/intraday_cycle.h"

#include "absl/strings/str_cat.h"
#include "core/business_date.h"
#include "core/status_macros.h"
#include "services/cash/cash_cycle.h"
#include "settlement/intraday_mark.h"
#include "settlement/ledger.h"
#include "store/settlement_store.h"

namespace tc::services {
namespace {

// The last settlement price of every month: the locked set of the last settled date.
absl::flat_hash_map<std::string, int64_t> LastSettlementPrices(pqxx::transaction_base& tx,
                                                               absl::CivilDay day) {
  absl::flat_hash_map<std::string, int64_t> out;
  std::optional<absl::CivilDay> previous = store::LoadPreviousSettledDate(tx, day);
  if (!previous) return out;
  if (std::optional<store::PriceSetRow> set = store::LoadPriceSetInForce(tx, *previous)) {
    for (const store::StoredPrice& p : set->prices) out[p.instrument_id] = p.price_micros;
  }
  return out;
}

absl::StatusOr<std::vector<settlement::IntradayPosition>> PositionsNow(
    pqxx::transaction_base& tx, const ReferenceState& state) {
  std::vector<settlement::IntradayPosition> out;
  for (const settlement::StartOfDayPosition& p : store::LoadLivePositions(tx)) {
    const clearing::Account* account = state.snapshot.FindAccount(p.account_id);
    const clearing::Instrument* month = state.snapshot.FindInstrument(p.instrument_id);
    const clearing::Product* product =
        month ? state.snapshot.FindProduct(month->product_code) : nullptr;
    if (account == nullptr || product == nullptr) {
      return absl::InternalError(absl::StrCat("position ", p.account_id, " ", p.instrument_id,
                                              " has no account or product in the snapshot"));
    }
    out.push_back({account->member_id, account->origin, product->currency, p.instrument_id,
                   p.long_quantity - p.short_quantity, product->contract_multiplier});
  }
  return out;
}

}  // namespace

absl::StatusOr<InstructOutcome> RunIntraday(pqxx::transaction_base& tx, const ReferenceState& state,
                                            absl::CivilDay day, const std::string& cycle,
                                            const std::map<std::string, int64_t>& prices_micros,
                                            const store::Actor& actor, absl::Time now) {
  // Serialise runs of one cycle; the prices are records, so a second run sees the first's.
  tx.exec_params("SELECT pg_advisory_xact_lock(hashtext($1))",
                 absl::StrCat("intraday/", FormatBusinessDate(day), "/", cycle));
  TC_ASSIGN_OR_RETURN(int64_t inserted, store::InsertIntradayPrices(tx, day, cycle, prices_micros));
  if (inserted == 0 &&
      store::LatestObligationPass(tx, day, cycle, store::ObligationStage::kFinal)) {
    return LoadInstructed(tx, day, cycle);
  }
  TC_ASSIGN_OR_RETURN(std::vector<settlement::IntradayPosition> positions, PositionsNow(tx, state));
  absl::flat_hash_map<std::string, int64_t> intraday(prices_micros.begin(), prices_micros.end());
  TC_ASSIGN_OR_RETURN(std::vector<settlement::IntradayMark> marks,
                      settlement::MarkIntraday(positions, intraday, LastSettlementPrices(tx, day)));
  std::map<store::OriginKey, int64_t> losses;
  for (const settlement::IntradayMark& m : marks) {
    if (m.mark_cents < 0) losses[{m.member_id, m.origin, m.currency}] = -m.mark_cents;
  }
  const std::map<store::OriginKey, int64_t> pending = store::LoadPendingCalls(tx, day, cycle);
  std::vector<settlement::ObligationInput> inputs;
  for (const auto& [key, loss] : losses) {
    TC_ASSIGN_OR_RETURN(settlement::OriginValuation now_value,
                        ValueOriginNow(tx, day, key, 0, "", 0));
    settlement::ObligationInput in;
    std::tie(in.member_id, in.origin, in.currency) = key;
    // The loss is owed now: it raises what the collateral must cover until it is paid.
    in.requirement_cents = now_value.requirement_cents + loss;
    in.collateral_value_cents = now_value.value_cents;
    if (auto it = pending.find(key); it != pending.end()) in.pending_call_cents = it->second;
    inputs.push_back(in);
  }
  TC_ASSIGN_OR_RETURN(std::vector<settlement::Obligation> due,
                      settlement::ComputeObligations(
                          inputs, store::LoadTreasurySettings(tx).intraday_call_threshold_cents));
  return InstructObligations(tx, day, cycle, /*pass=*/1, due, actor, now);
}

}  // namespace tc::services
