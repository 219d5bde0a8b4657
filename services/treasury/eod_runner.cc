#include "services/treasury/eod_runner.h"

#include <map>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "clearing/contract_calendar.h"
#include "core/business_date.h"
#include "core/status_macros.h"
#include "services/cash/cash_cycle.h"
#include "services/margin/margin_cycle_job.h"
#include "services/regulator/report_job.h"
#include "settlement/day_variation.h"
#include "settlement/ledger.h"
#include "settlement/position_freeze.h"
#include "store/index_store.h"
#include "store/ledger_store.h"
#include "store/margin_store.h"
#include "store/reference_store.h"

namespace tc::services {
namespace {

using settlement::EodStep;

// The run's steps, in their one order; a correction after the lock runs again exactly
// those that depend on the prices (positions, expiry and margin do not).
constexpr EodStep kRunSteps[] = {
    EodStep::kCloseTrading,  EodStep::kLockPrices,          EodStep::kFreezePositions,
    EodStep::kMarkToMarket,  EodStep::kLedgerPostings,      EodStep::kExpiry,
    EodStep::kInitialMargin, EodStep::kCollateralValuation, EodStep::kObligations,
    EodStep::kReportsReady,  EodStep::kOpenNextDay};
static_assert(std::size(kRunSteps) == settlement::kEodStepCount);
// Collateral valuation does not depend on futures prices; the obligations do (their
// variation margin), so a correction recomputes them before anything is instructed.
constexpr EodStep kCorrectionSteps[] = {EodStep::kLockPrices, EodStep::kMarkToMarket,
                                        EodStep::kLedgerPostings, EodStep::kObligations,
                                        EodStep::kReportsReady};

// The advisory-lock key of a date's run: a tag in the high half, the day in the low.
int64_t RunLockKey(absl::CivilDay day) {
  constexpr int64_t kEodTag = 0x454F44;  // "EOD"
  return (kEodTag << 32) | static_cast<int64_t>(day - absl::CivilDay(1970, 1, 1));
}

absl::Status NoRunError(absl::CivilDay day) {
  return absl::NotFoundError(
      absl::StrCat("business_date ", FormatBusinessDate(day), " has no end-of-day run"));
}

std::vector<settlement::LockedPrice> LockedPrices(const store::PriceSetRow& set) {
  std::vector<settlement::LockedPrice> prices;
  for (const store::StoredPrice& p : set.prices) {
    prices.push_back({{p.instrument_id, p.price_micros, p.tier}, p.previous_settlement_micros});
  }
  return prices;
}

Sha256Digest PricesDigest(const store::PriceSetRow& set) {
  RecordDigest digest;
  digest.Add(FormatBusinessDate(set.business_date)).Add(int64_t{set.version});
  for (const store::StoredPrice& p : set.prices) {
    digest.Add(p.instrument_id).Add(p.price_micros).Add(settlement::PriceTierName(p.tier));
    digest.Add(p.previous_settlement_micros.value_or(0));
  }
  return digest.Finish();
}

Sha256Digest TradesDigest(const std::vector<clearing::Trade>& trades) {
  RecordDigest digest;
  digest.Add(static_cast<int64_t>(trades.size()));
  for (const clearing::Trade& t : trades) {
    digest.Add(t.trade_id).Add(t.instrument_id).Add(t.price_micros).Add(t.quantity);
    digest.Add(t.buyer_account_id).Add(t.seller_account_id);
  }
  return digest.Finish();
}

Sha256Digest HoldingsDigest(const std::vector<settlement::StartOfDayPosition>& rows) {
  RecordDigest digest;
  digest.Add(static_cast<int64_t>(rows.size()));
  for (const auto& r : rows) {
    digest.Add(r.account_id).Add(r.instrument_id).Add(r.long_quantity).Add(r.short_quantity);
  }
  return digest.Finish();
}

Sha256Digest Combine(std::initializer_list<Sha256Digest> parts) {
  RecordDigest digest;
  for (const Sha256Digest& part : parts) {
    digest.Add(absl::string_view(reinterpret_cast<const char*>(part.data()), part.size()));
  }
  return digest.Finish();
}

Sha256Digest TextDigest(std::initializer_list<std::string> fields) {
  RecordDigest digest;
  for (const std::string& field : fields) digest.Add(field);
  return digest.Finish();
}

Sha256Digest EntriesDigest(const std::vector<settlement::JournalEntry>& entries) {
  RecordDigest digest;
  digest.Add(static_cast<int64_t>(entries.size()));
  for (const settlement::JournalEntry& e : entries) {
    const Sha256Digest hash = settlement::PayloadHash(e);
    digest.Add(e.idempotency_key)
        .Add(absl::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()));
  }
  return digest.Finish();
}

// The cash of one kind as the mark-to-market step stored it.
settlement::CashSettlement StoredCash(const std::vector<store::OriginTotalRow>& totals,
                                      const std::vector<store::RoundingRow>& rounding,
                                      absl::string_view kind) {
  settlement::CashSettlement cash;
  for (const store::OriginTotalRow& t : totals) {
    if (t.kind != kind) continue;
    cash.calls.push_back({t.member_id, t.origin, t.currency, t.amount_micros, t.amount_cents});
  }
  for (const store::RoundingRow& r : rounding) {
    if (r.kind == kind) cash.residuals.push_back({r.currency, r.ccp_rounding_cents});
  }
  return cash;
}

// The postings of one pass's cash: variation margin and final settlement. A pass after the
// first (a correction) keys its entries "<key>/P<pass>", so they never collide with the
// entries of the pass they replace.
absl::StatusOr<std::vector<settlement::JournalEntry>> PassPostings(pqxx::transaction_base& tx,
                                                                   absl::CivilDay day, int pass) {
  const std::vector<store::OriginTotalRow> totals = store::LoadOriginTotals(tx, day, pass);
  const std::vector<store::RoundingRow> rounding = store::LoadRounding(tx, day, pass);
  const std::string step(settlement::EodStepName(EodStep::kLedgerPostings));
  TC_ASSIGN_OR_RETURN(
      std::vector<settlement::JournalEntry> entries,
      settlement::PlanCashPostings(day, settlement::CashPostingKind::kVariationMargin, step,
                                   StoredCash(totals, rounding, "DAILY")));
  TC_ASSIGN_OR_RETURN(
      std::vector<settlement::JournalEntry> final_entries,
      settlement::PlanCashPostings(day, settlement::CashPostingKind::kFinalSettlement, step,
                                   StoredCash(totals, rounding, "FINAL")));
  entries.insert(entries.end(), final_entries.begin(), final_entries.end());
  if (pass > 1) {
    for (settlement::JournalEntry& e : entries) absl::StrAppend(&e.idempotency_key, "/P", pass);
  }
  return entries;
}

// What the ledger step of `pass` posts: the pass's cash, after reversing every entry of the
// pass before it (a correction replaces the cash, it never edits an entry).
absl::StatusOr<std::vector<settlement::JournalEntry>> PlanDayPostings(pqxx::transaction_base& tx,
                                                                      absl::CivilDay day,
                                                                      int pass) {
  std::vector<settlement::JournalEntry> entries;
  if (pass > 1) {
    TC_ASSIGN_OR_RETURN(std::vector<settlement::JournalEntry> replaced,
                        PassPostings(tx, day, pass - 1));
    const std::string step(settlement::EodStepName(EodStep::kLedgerPostings));
    for (const settlement::JournalEntry& e : replaced) {
      entries.push_back(settlement::Reversal(e, day, step));
    }
  }
  TC_ASSIGN_OR_RETURN(std::vector<settlement::JournalEntry> current, PassPostings(tx, day, pass));
  entries.insert(entries.end(), current.begin(), current.end());
  return entries;
}

// The start of `day`: the end of the last settled date before it, less expired months.
std::vector<settlement::StartOfDayPosition> StartOfDay(pqxx::transaction_base& tx,
                                                       absl::CivilDay day) {
  std::optional<absl::CivilDay> previous = store::LoadPreviousSettledDate(tx, day);
  if (!previous) return {};
  return store::LoadStartOfDay(tx, *previous);
}

absl::StatusOr<settlement::DayVariation> DayVariationOf(pqxx::transaction_base& tx,
                                                        const ReferenceState& state,
                                                        absl::CivilDay day) {
  std::optional<store::PriceSetRow> set = store::LoadPriceSetInForce(tx, day);
  if (!set || set->status != store::PriceSetStatus::kLocked) {
    return absl::FailedPreconditionError(
        absl::StrCat("the settlement prices of ", FormatBusinessDate(day), " are not locked"));
  }
  const std::vector<settlement::FrozenPosition> frozen = store::LoadFrozenPositions(tx, day);
  const std::vector<clearing::Trade> trades = store::LoadDayTrades(tx, day);
  return settlement::ComputeDayVariation(state.snapshot, frozen, trades, LockedPrices(*set));
}

// The contract months the calendar lists on `day` that the snapshot does not hold yet, in
// id order.
std::vector<clearing::Instrument> NewMonths(const clearing::ReferenceSnapshot& snapshot,
                                            absl::CivilDay day,
                                            const absl::flat_hash_set<absl::CivilDay>& holidays) {
  const clearing::BusinessCalendar calendar(holidays);
  std::map<std::string, clearing::Instrument> months;
  for (const auto& [code, product] : snapshot.products) {
    for (clearing::Instrument& month : clearing::ContractMonthsToList(product, day, calendar)) {
      if (snapshot.FindInstrument(month.instrument_id) == nullptr) {
        months.emplace(month.instrument_id, std::move(month));
      }
    }
  }
  std::vector<clearing::Instrument> out;
  for (auto& [id, month] : months) out.push_back(std::move(month));
  return out;
}

// The set settles exactly the months that expire on its date at a FINAL price: a FINAL
// price of a month that does not expire, or a held expiring month priced otherwise,
// would close positions at a daily price (or carry them at a final one).
absl::Status CheckFinalPrices(pqxx::transaction_base& tx, const store::PriceSetRow& set) {
  const std::vector<std::string> expiring = store::LoadExpiringInstruments(tx, set.business_date);
  const absl::flat_hash_set<std::string> expiring_ids(expiring.begin(), expiring.end());
  absl::flat_hash_set<std::string> final_ids;
  for (const store::StoredPrice& p : set.prices) {
    if (p.tier != settlement::PriceTier::kFinal) continue;
    if (!expiring_ids.contains(p.instrument_id)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "price set v", set.version, " gives ", p.instrument_id,
          " a FINAL price, but it does not expire on ", FormatBusinessDate(set.business_date)));
    }
    final_ids.insert(p.instrument_id);
  }
  for (const std::string& id : expiring) {
    if (!final_ids.contains(id) && store::HasOpenPositions(tx, id)) {
      return absl::FailedPreconditionError(
          absl::StrCat(id, " expires on ", FormatBusinessDate(set.business_date),
                       " and is held, but price set v", set.version, " has no FINAL price for it"));
    }
  }
  return absl::OkStatus();
}

std::string ZeroSumProblem(const absl::flat_hash_map<std::string, int64_t>& sums) {
  for (const auto& [currency, sum] : sums) {
    if (sum != 0) return absl::StrCat("stored marks of ", currency, " sum to ", sum);
  }
  return "";
}

}  // namespace

bool EodReplay::identical() const {
  for (const EodReplayedStep& s : steps) {
    if (s.recorded != s.replayed) return false;
  }
  return !steps.empty();
}

struct EodRunner::StepOutput {
  Sha256Digest inputs{};
  Sha256Digest outputs{};
  int64_t rows = 0;
};

absl::StatusOr<store::EodRunRow> EodRunner::Begin(absl::CivilDay day, const store::Actor& actor) {
  store::EodRunRow run;
  TC_RETURN_IF_ERROR(pool_.Transact(
      {.deadline = clock_.Now() + absl::Seconds(30)}, [&](pqxx::work& tx) -> absl::Status {
        const absl::Time now = clock_.Now();
        std::optional<store::EodRunRow> stored = store::LoadEodRun(tx, day, true);
        if (!stored) {
          std::shared_ptr<const ReferenceState> state = cache_.Current(tx);
          if (state->snapshot.open_business_date != day) {
            return absl::FailedPreconditionError(absl::StrCat(
                "business_date ", FormatBusinessDate(day), " is not the open business date",
                state->snapshot.open_business_date
                    ? absl::StrCat(" ", FormatBusinessDate(*state->snapshot.open_business_date))
                    : std::string(" (none is open)")));
          }
          run = store::EodRunRow{day,         store::EodRunStatus::kRunning,
                                 0,           actor.principal_id,
                                 now,         now,
                                 "",          std::nullopt,
                                 std::nullopt};
          store::InsertEodRun(tx, run);
        } else {
          run = *std::move(stored);
          if (run.status == store::EodRunStatus::kComplete) {
            // Finished: nothing to do, unless an approved correction of the locked prices
            // waits, which starts a new pass over what depends on them.
            std::optional<store::PriceSetRow> in_force = store::LoadPriceSetInForce(tx, day);
            if (!in_force || in_force->status != store::PriceSetStatus::kApproved ||
                in_force->corrects_version != run.price_version) {
              return absl::OkStatus();
            }
            ++run.pass;
          }
          run.status = store::EodRunStatus::kRunning;
          run.message = "";
          run.updated_at = now;
          store::UpdateEodRun(tx, run);
        }
        store::Audit(tx, actor, "RunEndOfDay", FormatBusinessDate(day), {"steps_done", "pass"},
                     {absl::StrCat(run.steps_done), absl::StrCat(run.pass)});
        return absl::OkStatus();
      }));
  return run;
}

absl::StatusOr<store::EodRunRow> EodRunner::Run(
    absl::CivilDay day, const store::Actor& actor, std::optional<EodStep> stop_after,
    absl::FunctionRef<void(const EodProgressEvent&)> progress) {
  // The run's lock lives on its own connection for the length of the run.
  std::unique_ptr<pqxx::connection> lock;
  try {
    lock = std::make_unique<pqxx::connection>(pool_.url());
    pqxx::nontransaction n(*lock);
    if (!n.exec_params1("SELECT pg_try_advisory_lock($1)", RunLockKey(day))[0].as<bool>()) {
      return absl::AbortedError(
          absl::StrCat("the end-of-day run of ", FormatBusinessDate(day), " is already running"));
    }
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("database unreachable: ", e.what()));
  }
  TC_ASSIGN_OR_RETURN(store::EodRunRow run, Begin(day, actor));
  const absl::Span<const EodStep> steps =
      run.pass == 1 ? absl::Span<const EodStep>(kRunSteps) : kCorrectionSteps;
  if (run.status == store::EodRunStatus::kComplete) {
    for (EodStep step : steps) progress({step, "SKIPPED", 0, 0, absl::ZeroDuration()});
    return run;
  }
  // Bounded: one iteration per step of the pass.
  for (size_t i = 0; i < steps.size(); ++i) {
    const EodStep step = steps[i];
    absl::StatusOr<StepOutcome> outcome = RunStep(day, step, actor, progress);
    if (!outcome.ok()) {
      TC_RETURN_IF_ERROR(
          Finish(day, store::EodRunStatus::kFailed,
                 absl::StrCat(settlement::EodStepName(step), ": ", outcome.status().message()))
              .status());
      return outcome.status();
    }
    if (*outcome == StepOutcome::kStopped) {
      return Finish(day, store::EodRunStatus::kStopped, "stopped by treasury");
    }
    if (stop_after == step && i + 1 < steps.size()) {
      return Finish(day, store::EodRunStatus::kStopped,
                    absl::StrCat("stopped after ", settlement::EodStepName(step), " as asked"));
    }
  }
  return Finish(day, store::EodRunStatus::kComplete, "");
}

absl::StatusOr<EodRunner::StepOutcome> EodRunner::RunStep(
    absl::CivilDay day, EodStep step, const store::Actor& actor,
    absl::FunctionRef<void(const EodProgressEvent&)> progress) {
  const absl::Time started = clock_.Now();
  StepOutcome outcome = StepOutcome::kRan;
  int64_t rows = 0;
  TC_RETURN_IF_ERROR(
      pool_.Transact({.deadline = started + kStepTime}, [&](pqxx::work& tx) -> absl::Status {
        std::optional<store::EodRunRow> run = store::LoadEodRun(tx, day, true);
        if (!run) return NoRunError(day);
        if (run->status == store::EodRunStatus::kStopped) {
          outcome = StepOutcome::kStopped;
          return absl::OkStatus();
        }
        // A step done before (by an earlier attempt of this run, or by another process
        // whose commit this one did not see acknowledged) is never done again.
        const int number = settlement::EodStepNumber(step);
        if (run->pass == 1 ? run->steps_done >= number
                           : store::EodStepDone(tx, day, run->pass, number)) {
          outcome = StepOutcome::kSkipped;
          return absl::OkStatus();
        }
        progress({step, "STARTED", 0, 0, absl::ZeroDuration()});
        TC_ASSIGN_OR_RETURN(StepOutput out, Execute(tx, day, step, actor, run->pass));
        const absl::Time finished = clock_.Now();
        store::InsertEodStep(
            tx, {day, run->pass, number, std::string(settlement::EodStepName(step)), out.inputs,
                 out.outputs, out.rows, actor.principal_id, started, finished});
        if (run->pass == 1) run->steps_done = number;
        run->updated_at = finished;
        if (step == EodStep::kLockPrices || step == EodStep::kOpenNextDay) {
          std::optional<store::EodRunRow> latest = store::LoadEodRun(tx, day);
          run->price_version = latest->price_version;
          run->next_business_date = latest->next_business_date;
        }
        store::UpdateEodRun(tx, *run);
        rows = out.rows;
        return absl::OkStatus();
      }));
  if (outcome == StepOutcome::kSkipped) {
    progress({step, "SKIPPED", 0, 0, absl::ZeroDuration()});
  } else if (outcome == StepOutcome::kRan) {
    progress({step, "DONE", rows, rows, clock_.Now() - started});
  }
  return outcome;
}

absl::StatusOr<EodRunner::StepOutput> EodRunner::Execute(pqxx::work& tx, absl::CivilDay day,
                                                         EodStep step, const store::Actor& actor,
                                                         int pass) {
  const std::string date = FormatBusinessDate(day);
  std::shared_ptr<const ReferenceState> state = cache_.Current(tx);
  switch (step) {
    case EodStep::kCloseTrading: {
      const bool closed = store::CloseBusinessDay(tx, day, clock_.Now());
      if (!closed && store::BusinessDayStatus(tx, day) != "CLOSED") {
        return absl::FailedPreconditionError(absl::StrCat("business date ", date, " is not open"));
      }
      cache_.Invalidate();
      return StepOutput{TextDigest({date}), TextDigest({date, "CLOSED"}), 1};
    }
    case EodStep::kLockPrices: {
      std::optional<store::PriceSetRow> set = store::LoadPriceSetInForce(tx, day, true);
      if (!set) {
        std::optional<store::PriceSetRow> pending = store::LoadPendingPriceSet(tx, day);
        return absl::FailedPreconditionError(
            absl::StrCat("the settlement prices of ", date, " are not approved",
                         pending ? absl::StrCat(": version ", pending->version, " proposed by ",
                                                pending->proposed_by, " awaits a second treasurer")
                                 : std::string(": none is proposed")));
      }
      for (const store::StoredPrice& p : set->prices) {
        const clearing::Instrument* instrument = state->snapshot.FindInstrument(p.instrument_id);
        const clearing::Product* product =
            instrument ? state->snapshot.FindProduct(instrument->product_code) : nullptr;
        if (p.tier == settlement::PriceTier::kFinal && product &&
            store::IsIndexFrozen(tx, product->index_code)) {
          return absl::FailedPreconditionError(
              absl::StrCat("index ", product->index_code, " is frozen: ", p.instrument_id,
                           " cannot settle at its final settlement price"));
        }
      }
      TC_RETURN_IF_ERROR(CheckFinalPrices(tx, *set));
      if (set->status == store::PriceSetStatus::kApproved) {
        store::SetPriceSetStatus(tx, day, set->version, store::PriceSetStatus::kLocked);
      }
      tx.exec_params("UPDATE eod_runs SET price_version = $2 WHERE business_date = $1::date", date,
                     set->version);
      const Sha256Digest prices = PricesDigest(*set);
      return StepOutput{prices, prices, static_cast<int64_t>(set->prices.size())};
    }
    case EodStep::kFreezePositions: {
      const auto sod = StartOfDay(tx, day);
      const auto trades = store::LoadDayTrades(tx, day);
      const auto eod = store::LoadLivePositions(tx);
      TC_ASSIGN_OR_RETURN(std::vector<settlement::FrozenPosition> frozen,
                          settlement::FreezePositions(sod, trades, eod));
      store::CopyFrozenPositions(tx, day, frozen);
      return StepOutput{Combine({HoldingsDigest(sod), TradesDigest(trades), HoldingsDigest(eod)}),
                        settlement::FrozenPositionsDigest(frozen),
                        static_cast<int64_t>(frozen.size())};
    }
    case EodStep::kMarkToMarket: {
      TC_ASSIGN_OR_RETURN(settlement::DayVariation vm, DayVariationOf(tx, *state, day));
      store::CopyVariationMargin(tx, day, {&vm.daily.margin, &vm.daily.cash, "DAILY", pass});
      store::CopyVariationMargin(tx, day, {&vm.final.margin, &vm.final.cash, "FINAL", pass});
      // The invariant at the other end: what the database now holds sums to zero.
      if (std::string problem = ZeroSumProblem(store::SumStoredMarks(tx, day, pass));
          !problem.empty()) {
        return absl::InternalError(absl::StrCat("variation margin read back: ", problem));
      }
      const int64_t rows =
          static_cast<int64_t>(vm.daily.margin.positions.size() + vm.daily.margin.trades.size() +
                               vm.final.margin.positions.size() + vm.final.margin.trades.size());
      const std::optional<store::PriceSetRow> set = store::LoadPriceSetInForce(tx, day);
      return StepOutput{PricesDigest(*set), settlement::DayVariationDigest(vm), rows};
    }
    case EodStep::kLedgerPostings: {
      TC_ASSIGN_OR_RETURN(std::vector<settlement::JournalEntry> entries,
                          PlanDayPostings(tx, day, pass));
      TC_RETURN_IF_ERROR(
          store::PostJournalEntries(tx, entries, actor.principal_id, clock_.Now()).status());
      store::LedgerCheck check = store::CheckLedger(tx);
      if (!check.ok()) {
        return absl::InternalError(absl::StrCat("ledger check after posting: ",
                                                check.problems.empty() ? "" : check.problems[0]));
      }
      const Sha256Digest digest = EntriesDigest(entries);
      return StepOutput{digest, digest, static_cast<int64_t>(entries.size())};
    }
    case EodStep::kExpiry: {
      const std::vector<std::string> expiring = store::LoadExpiringInstruments(tx, day);
      const int64_t closed = store::ExpireInstruments(tx, expiring);
      cache_.Invalidate();
      RecordDigest digest;
      for (const std::string& id : expiring) digest.Add(id);
      const Sha256Digest ids = digest.Finish();
      return StepOutput{ids, Combine({ids, TextDigest({absl::StrCat(closed)})}), closed};
    }
    case EodStep::kInitialMargin: {
      TC_ASSIGN_OR_RETURN(MarginCycleOutcome outcome,
                          RunAndStoreMarginCycle(tx, *state, parameters_, day));
      RecordDigest digest;
      for (const store::MarginRequirementRow& r : store::ListMarginRequirements(tx, day, "")) {
        digest.Add(r.account_id).Add(r.maintenance_micros).Add(r.initial_micros);
      }
      return StepOutput{TextDigest({outcome.parameter_version}), digest.Finish(), outcome.accounts};
    }
    case EodStep::kCollateralValuation: {
      TC_ASSIGN_OR_RETURN(CashStepOutput out, ValueCollateralStep(tx, day, pass));
      return StepOutput{out.inputs, out.outputs, out.rows};
    }
    case EodStep::kObligations: {
      TC_ASSIGN_OR_RETURN(CashStepOutput out,
                          IndicativeObligationsStep(tx, day, pass, clock_.Now()));
      return StepOutput{out.inputs, out.outputs, out.rows};
    }
    case EodStep::kReportsReady: {
      // The day's results, as one digest of every step's outputs: what issue 10's reports
      // are generated from and reconciled against.
      RecordDigest digest;
      for (const store::EodStepRow& s : store::LoadEodSteps(tx, day)) {
        digest.Add(s.step).Add(absl::string_view(
            reinterpret_cast<const char*>(s.outputs_sha256.data()), s.outputs_sha256.size()));
      }
      const Sha256Digest day_digest = digest.Finish();
      // The regulatory reports, written from those results and stored with the step.
      TC_ASSIGN_OR_RETURN(ReportJobOutcome reports, WriteDayReports(tx, day, pass));
      return StepOutput{day_digest, Combine({day_digest, reports.digest}), reports.files};
    }
    case EodStep::kOpenNextDay: {
      const absl::CivilDay next = clearing::BusinessCalendar(state->holidays).Next(day);
      if (!store::OpenBusinessDay(tx, next, clock_.Now())) {
        return absl::FailedPreconditionError(
            absl::StrCat("the next business date ", FormatBusinessDate(next), " is closed"));
      }
      tx.exec_params(
          "UPDATE eod_runs SET next_business_date = $2::date WHERE business_date = $1::date", date,
          FormatBusinessDate(next));
      // The months the calendar lists on the new date (one rolls in as one expires).
      RecordDigest listed;
      listed.Add(FormatBusinessDate(next));
      int64_t rows = 1;
      for (const clearing::Instrument& month : NewMonths(state->snapshot, next, state->holidays)) {
        store::UpsertInstrument(tx, month);
        listed.Add(month.instrument_id);
        ++rows;
      }
      cache_.Invalidate();
      return StepOutput{TextDigest({date}), listed.Finish(), rows};
    }
  }
  return absl::InternalError("unknown end-of-day step");
}

absl::StatusOr<store::EodRunRow> EodRunner::ChangeRun(
    absl::CivilDay day,
    absl::FunctionRef<absl::StatusOr<bool>(pqxx::work&, store::EodRunRow&)> change) {
  store::EodRunRow run;
  TC_RETURN_IF_ERROR(pool_.Transact(
      {.deadline = clock_.Now() + absl::Seconds(30)}, [&](pqxx::work& tx) -> absl::Status {
        std::optional<store::EodRunRow> stored = store::LoadEodRun(tx, day, true);
        if (!stored) return NoRunError(day);
        run = *std::move(stored);
        TC_ASSIGN_OR_RETURN(bool changed, change(tx, run));
        if (!changed) return absl::OkStatus();
        run.updated_at = clock_.Now();
        store::UpdateEodRun(tx, run);
        return absl::OkStatus();
      }));
  return run;
}

absl::StatusOr<store::EodRunRow> EodRunner::Finish(absl::CivilDay day, store::EodRunStatus status,
                                                   const std::string& message) {
  return ChangeRun(day, [&](pqxx::work&, store::EodRunRow& run) -> absl::StatusOr<bool> {
    if (run.status == store::EodRunStatus::kComplete) return false;  // a rerun changes nothing
    run.status = status;
    run.message = message;
    return true;
  });
}

absl::StatusOr<store::EodRunRow> EodRunner::Stop(absl::CivilDay day, const store::Actor& actor) {
  return ChangeRun(day, [&](pqxx::work& tx, store::EodRunRow& run) -> absl::StatusOr<bool> {
    if (run.status == store::EodRunStatus::kComplete) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the end-of-day run of ", FormatBusinessDate(day), " is complete: nothing to stop"));
    }
    run.status = store::EodRunStatus::kStopped;
    run.message = absl::StrCat("stopped by ", actor.principal_id);
    store::Audit(tx, actor, "StopEndOfDay", FormatBusinessDate(day), {"steps_done"},
                 {absl::StrCat(run.steps_done)});
    return true;
  });
}

absl::StatusOr<EodReplay> EodRunner::Replay(absl::CivilDay day) {
  EodReplay replay;
  TC_RETURN_IF_ERROR(
      pool_.Transact({.deadline = clock_.Now() + kStepTime}, [&](pqxx::work& tx) -> absl::Status {
        // Each step's latest record (steps come by pass): what the date stands on now.
        std::map<std::string, Sha256Digest> recorded;
        std::map<std::string, Sha256Digest> recorded_inputs;
        for (const store::EodStepRow& s : store::LoadEodSteps(tx, day)) {
          recorded[s.step] = s.outputs_sha256;
          recorded_inputs[s.step] = s.inputs_sha256;
        }
        std::optional<store::EodRunRow> run = store::LoadEodRun(tx, day);
        const int pass = run ? run->pass : 1;
        auto add = [&](EodStep step, const Sha256Digest& replayed) {
          auto it = recorded.find(std::string(settlement::EodStepName(step)));
          if (it != recorded.end()) replay.steps.push_back({step, it->second, replayed});
        };
        if (recorded.size() <
            static_cast<size_t>(settlement::EodStepNumber(EodStep::kLedgerPostings))) {
          return absl::FailedPreconditionError(
              absl::StrCat("the end-of-day run of ", FormatBusinessDate(day),
                           " has not posted its ledger yet: nothing to replay"));
        }
        std::shared_ptr<const ReferenceState> state = cache_.Current(tx);
        // Frozen positions: the recorded end of day must follow from the recorded start
        // of day and the day's trades, giving the same rows.
        const std::vector<settlement::FrozenPosition> stored = store::LoadFrozenPositions(tx, day);
        std::vector<settlement::StartOfDayPosition> eod;
        for (const settlement::FrozenPosition& p : stored) {
          if (p.eod_long || p.eod_short)
            eod.push_back({p.account_id, p.instrument_id, p.eod_long, p.eod_short});
        }
        TC_ASSIGN_OR_RETURN(
            auto frozen,
            settlement::FreezePositions(StartOfDay(tx, day), store::LoadDayTrades(tx, day), eod));
        add(EodStep::kFreezePositions, settlement::FrozenPositionsDigest(frozen));
        TC_ASSIGN_OR_RETURN(settlement::DayVariation vm, DayVariationOf(tx, *state, day));
        add(EodStep::kMarkToMarket, settlement::DayVariationDigest(vm));
        TC_ASSIGN_OR_RETURN(std::vector<settlement::JournalEntry> entries,
                            PlanDayPostings(tx, day, pass));
        add(EodStep::kLedgerPostings, EntriesDigest(entries));
        // The reports, written again from the stored rows (the step's inputs are the digest
        // of the results they were written from, as recorded).
        auto reports_input =
            recorded_inputs.find(std::string(settlement::EodStepName(EodStep::kReportsReady)));
        if (reports_input != recorded_inputs.end()) {
          TC_ASSIGN_OR_RETURN(DayReports reports, PlanDayReports(tx, day, pass));
          add(EodStep::kReportsReady, Combine({reports_input->second, reports.digest}));
        }
        return absl::OkStatus();
      }));
  return replay;
}

}  // namespace tc::services
