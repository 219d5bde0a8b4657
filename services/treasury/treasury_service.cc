#include "services/treasury/treasury_service.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "clearing/contract_calendar.h"
#include "core/business_date.h"
#include "core/identifiers.h"
#include "core/price_limits.h"
#include "core/status_macros.h"
#include "services/cash/cash_cycle.h"
#include "settlement/index_settings.h"
#include "settlement/price_correction.h"
#include "settlement/price_proposal.h"
#include "store/cash_store.h"
#include "store/index_store.h"
#include "store/reference_store.h"
#include "store/settlement_store.h"

namespace tc::services {
namespace {

using settlement::EodStep;

constexpr absl::Duration kReadTime = absl::Seconds(30);
constexpr absl::Duration kWriteTime = absl::Seconds(60);
// A whole end-of-day run: nine steps of at most EodRunner::kStepTime each, in practice
// seconds; the client's deadline still applies.
constexpr absl::Duration kRunTime = absl::Hours(2);
constexpr int kMaxSubmittedPrices = 10'000;

pb::PriceTier TierToProto(settlement::PriceTier tier) {
  switch (tier) {
    case settlement::PriceTier::kExchange:
      return pb::PRICE_TIER_EXCHANGE;
    case settlement::PriceTier::kVwap:
      return pb::PRICE_TIER_VWAP;
    case settlement::PriceTier::kIndexAdjusted:
      return pb::PRICE_TIER_INDEX_ADJUSTED;
    case settlement::PriceTier::kCarried:
      return pb::PRICE_TIER_CARRIED;
    case settlement::PriceTier::kFinal:
      return pb::PRICE_TIER_FINAL;
  }
  return pb::PRICE_TIER_UNSPECIFIED;
}

pb::PriceSetStatus SetStatusToProto(store::PriceSetStatus status) {
  switch (status) {
    case store::PriceSetStatus::kProposed:
      return pb::PRICE_SET_STATUS_PROPOSED;
    case store::PriceSetStatus::kApproved:
      return pb::PRICE_SET_STATUS_APPROVED;
    case store::PriceSetStatus::kLocked:
      return pb::PRICE_SET_STATUS_LOCKED;
    case store::PriceSetStatus::kSuperseded:
      return pb::PRICE_SET_STATUS_SUPERSEDED;
  }
  return pb::PRICE_SET_STATUS_UNSPECIFIED;
}

pb::EodRunStatus RunStatusToProto(store::EodRunStatus status) {
  switch (status) {
    case store::EodRunStatus::kRunning:
      return pb::EOD_RUN_STATUS_RUNNING;
    case store::EodRunStatus::kStopped:
      return pb::EOD_RUN_STATUS_STOPPED;
    case store::EodRunStatus::kFailed:
      return pb::EOD_RUN_STATUS_FAILED;
    case store::EodRunStatus::kComplete:
      return pb::EOD_RUN_STATUS_COMPLETE;
  }
  return pb::EOD_RUN_STATUS_UNSPECIFIED;
}

pb::SettlementPriceSet SetToProto(const store::PriceSetRow& set) {
  pb::SettlementPriceSet out;
  out.set_business_date(FormatBusinessDate(set.business_date));
  out.set_version(set.version);
  out.set_status(SetStatusToProto(set.status));
  out.set_proposed_by(set.proposed_by);
  out.set_approved_by(set.approved_by);
  for (const store::StoredPrice& p : set.prices) {
    pb::SettlementPrice* price = out.add_prices();
    price->set_instrument_id(p.instrument_id);
    price->set_price_micros(p.price_micros);
    price->set_tier(TierToProto(p.tier));
    price->set_previous_settlement_micros(p.previous_settlement_micros.value_or(0));
    price->set_corrected(p.corrected);
  }
  out.set_corrects_version(set.corrects_version.value_or(0));
  out.set_reason(set.reason);
  return out;
}

std::string RfcTime(absl::Time at) {
  return absl::FormatTime(absl::RFC3339_full, at, absl::UTCTimeZone());
}

pb::EodRun RunToProto(const store::EodRunRow& run, const std::vector<store::EodStepRow>& steps) {
  pb::EodRun out;
  out.set_business_date(FormatBusinessDate(run.business_date));
  out.set_status(RunStatusToProto(run.status));
  out.set_steps_done(run.steps_done);
  out.set_step_count(settlement::kEodStepCount);
  if (absl::StatusOr<EodStep> next = settlement::NextEodStep(run.steps_done); next.ok()) {
    out.set_next_step(std::string(settlement::EodStepName(*next)));
  }
  out.set_message(run.message);
  out.set_price_version(run.price_version.value_or(0));
  out.set_pass(run.pass);
  if (run.next_business_date)
    out.set_next_business_date(FormatBusinessDate(*run.next_business_date));
  for (const store::EodStepRow& s : steps) {
    pb::EodStepRecord* record = out.add_steps();
    record->set_step_no(s.step_no);
    record->set_step(s.step);
    record->set_inputs_sha256(ToHex(s.inputs_sha256));
    record->set_outputs_sha256(ToHex(s.outputs_sha256));
    record->set_rows_written(s.rows_written);
    record->set_run_by(s.run_by);
    record->set_started_at(RfcTime(s.started_at));
    record->set_finished_at(RfcTime(s.finished_at));
    record->set_pass(s.pass);
  }
  return out;
}

// A date settlement prices may be given for: a business day that has been opened.
absl::StatusOr<absl::CivilDay> SettlementDate(pqxx::transaction_base& tx, const std::string& text) {
  TC_ASSIGN_OR_RETURN(absl::CivilDay day, ParseBusinessDate("business_date", text));
  if (!store::BusinessDayStatus(tx, day)) {
    return absl::FailedPreconditionError(
        absl::StrCat("business_date ", text, " has not been opened for trading"));
  }
  return day;
}

absl::Status CheckSubmittedPrice(const clearing::ReferenceSnapshot& snapshot,
                                 const pb::ExchangeSettlementPrice& price,
                                 const std::string& path) {
  TC_RETURN_IF_ERROR(ValidateIdentifier(path + ".instrument_id", price.instrument_id()));
  const clearing::Instrument* instrument = snapshot.FindInstrument(price.instrument_id());
  if (instrument == nullptr) {
    return absl::NotFoundError(
        absl::StrCat(path, ".instrument_id '", price.instrument_id(), "' is not listed"));
  }
  const clearing::Product* product = snapshot.FindProduct(instrument->product_code);
  if (!IsPriceInRange(price.price_micros()) || product == nullptr ||
      price.price_micros() > product->max_price_micros) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ".price_micros ", price.price_micros(), " is not a positive price within ",
        kMinPriceMicros, "..", product ? product->max_price_micros : kMaxPriceMicros));
  }
  if (price.price_micros() % product->tick_size_micros != 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".price_micros ", price.price_micros(),
                                                   " is not on the tick of ",
                                                   product->tick_size_micros));
  }
  return absl::OkStatus();
}

// A correction may only touch the last settled date: a later date's cash already stands
// on this date's prices as its previous settlement.
absl::Status CheckLatestLocked(pqxx::transaction_base& tx, absl::CivilDay day) {
  std::optional<absl::CivilDay> latest = store::LatestLockedPriceDate(tx);
  if (latest && *latest > day) {
    return absl::FailedPreconditionError(
        absl::StrCat("business_date ", FormatBusinessDate(day), " cannot be corrected: ",
                     FormatBusinessDate(*latest), " has locked prices that start from it"));
  }
  return absl::OkStatus();
}

// What approving `set` may replace: an ordinary proposal replaces an approved (not yet
// locked) set; a correction replaces exactly the locked set it corrects.
absl::Status CheckReplaces(pqxx::transaction_base& tx, const store::PriceSetRow& set,
                           const std::optional<store::PriceSetRow>& in_force) {
  const std::string date = FormatBusinessDate(set.business_date);
  const bool locked = in_force && in_force->status == store::PriceSetStatus::kLocked;
  if (!set.corrects_version) {
    if (!locked) return absl::OkStatus();
    return absl::FailedPreconditionError(
        absl::StrCat("the settlement prices of ", date, " are locked; a change is a correction"));
  }
  if (!locked || in_force->version != *set.corrects_version) {
    return absl::FailedPreconditionError(absl::StrCat("version ", set.version, " corrects version ",
                                                      *set.corrects_version, " of ", date,
                                                      ", which is no longer the locked set"));
  }
  return CheckLatestLocked(tx, set.business_date);
}

// Everything the proposal of `day` reads, from the store.
settlement::ProposalInputs LoadProposalInputs(pqxx::transaction_base& tx,
                                              const ReferenceState& state, absl::CivilDay day) {
  settlement::ProposalInputs in;
  in.business_date = day;
  in.exchange_prices = store::LoadExchangePrices(tx, day);
  std::optional<store::PriorSettlement> prior = store::LoadPriorSettlement(tx, day);
  if (prior) in.prior_settlement = prior->price_micros;
  absl::flat_hash_set<std::string> indexes;
  for (const auto& [code, product] : state.snapshot.products) indexes.insert(product.index_code);
  for (const std::string& index : indexes) {
    if (std::optional<int64_t> v = store::LoadFixingValue(tx, index, day))
      in.today_fixings[index] = *v;
    if (prior) {
      if (std::optional<int64_t> v = store::LoadFixingValue(tx, index, prior->business_date)) {
        in.prior_fixings[index] = *v;
      }
    }
    in.windows[index] = settlement::SettlementWindowOf(store::LoadIndexSettings(tx, index), day);
    if (store::IsIndexFrozen(tx, index)) in.frozen_indexes.insert(index);
  }
  in.trades = store::LoadDayTrades(tx, day);
  for (const clearing::Trade& t : in.trades) in.held_or_traded.insert(t.instrument_id);
  for (const settlement::StartOfDayPosition& p : store::LoadLivePositions(tx)) {
    in.held_or_traded.insert(p.instrument_id);
  }
  return in;
}

}  // namespace

grpc::Status TreasuryServiceImpl::SubmitSettlementPrices(
    Context* context, const pb::SubmitSettlementPricesRequest* request,
    pb::SubmitSettlementPricesResponse* response) {
  return rpc_.Run(
      context, "SubmitSettlementPrices", clearing::kExchangeOnly, kWriteTime,
      [&](const Call& call) -> absl::Status {
        if (request->prices().empty() || request->prices_size() > kMaxSubmittedPrices) {
          return absl::InvalidArgumentError(absl::StrCat(
              "prices: ", request->prices_size(), " given, expected 1..", kMaxSubmittedPrices));
        }
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          response->Clear();
          TC_ASSIGN_OR_RETURN(absl::CivilDay day, SettlementDate(tx, request->business_date()));
          std::shared_ptr<const ReferenceState> state = cache_.Current(tx);
          const absl::Time now = clock_.Now();
          for (int i = 0; i < request->prices_size(); ++i) {
            const pb::ExchangeSettlementPrice& p = request->prices(i);
            const std::string path = absl::StrCat("prices[", i, "]");
            TC_RETURN_IF_ERROR(CheckSubmittedPrice(state->snapshot, p, path));
            int64_t stored = 0;
            switch (store::InsertExchangePrice(tx, day, p.instrument_id(), p.price_micros(),
                                               call.caller.principal_id, now, &stored)) {
              case store::SubmitOutcome::kInserted:
                response->set_accepted(response->accepted() + 1);
                break;
              case store::SubmitOutcome::kSame:
                response->set_already_accepted(response->already_accepted() + 1);
                break;
              case store::SubmitOutcome::kDifferent:
                return absl::AlreadyExistsError(absl::StrCat(
                    path, ": ", p.instrument_id(), " already has the exchange price ", stored,
                    " for ", request->business_date(), "; a change goes through treasury"));
            }
          }
          store::Audit(
              tx, call.actor(), "SubmitSettlementPrices", request->business_date(),
              {"accepted", "already_accepted"},
              {absl::StrCat(response->accepted()), absl::StrCat(response->already_accepted())});
          return absl::OkStatus();
        });
      });
}

grpc::Status TreasuryServiceImpl::ProposeSettlementPrices(
    Context* context, const pb::ProposeSettlementPricesRequest* request,
    pb::SettlementPriceSet* response) {
  return rpc_.Run(
      context, "ProposeSettlementPrices", clearing::kTreasuryOnly, kWriteTime,
      [&](const Call& call) -> absl::Status {
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          TC_ASSIGN_OR_RETURN(absl::CivilDay day, SettlementDate(tx, request->business_date()));
          std::optional<store::PriceSetRow> in_force = store::LoadPriceSetInForce(tx, day, true);
          if (in_force && in_force->status == store::PriceSetStatus::kLocked) {
            return absl::FailedPreconditionError(
                absl::StrCat("the settlement prices of ", request->business_date(), " (version ",
                             in_force->version, ") are locked: cash has been computed on them"));
          }
          std::shared_ptr<const ReferenceState> state = cache_.Current(tx);
          const settlement::ProposalInputs inputs = LoadProposalInputs(tx, *state, day);
          TC_ASSIGN_OR_RETURN(std::vector<settlement::ProposedPrice> prices,
                              settlement::ProposePrices(state->snapshot, inputs));
          if (std::optional<store::PriceSetRow> pending = store::LoadPendingPriceSet(tx, day)) {
            store::SetPriceSetStatus(tx, day, pending->version, store::PriceSetStatus::kSuperseded);
          }
          store::PriceSetRow set{day,
                                 store::NextPriceSetVersion(tx, day),
                                 store::PriceSetStatus::kProposed,
                                 call.caller.principal_id,
                                 "",
                                 {},
                                 std::nullopt,
                                 ""};
          for (const settlement::ProposedPrice& p : prices) {
            set.prices.push_back({p.price.instrument_id, p.price.price_micros, p.price.tier,
                                  p.previous_settlement_micros, false});
          }
          store::InsertPriceSet(tx, set, settlement::ProposalInputsDigest(inputs), clock_.Now());
          store::Audit(tx, call.actor(), "ProposeSettlementPrices", request->business_date(),
                       {"version", "prices"},
                       {absl::StrCat(set.version), absl::StrCat(set.prices.size())});
          *response = SetToProto(set);
          return absl::OkStatus();
        });
      });
}

grpc::Status TreasuryServiceImpl::ApproveSettlementPrices(
    Context* context, const pb::ApproveSettlementPricesRequest* request,
    pb::SettlementPriceSet* response) {
  return rpc_.Run(
      context, "ApproveSettlementPrices", clearing::kTreasuryOnly, kWriteTime,
      [&](const Call& call) -> absl::Status {
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          TC_ASSIGN_OR_RETURN(absl::CivilDay day, SettlementDate(tx, request->business_date()));
          // Locked: a concurrent approval of the same version (here or on another server)
          // waits, then finds it APPROVED and is refused, so it is approved and audited once.
          std::vector<store::PriceSetRow> sets =
              store::ListPriceSets(tx, day, request->version(), /*for_update=*/true);
          if (request->version() <= 0 || sets.empty()) {
            return absl::NotFoundError(absl::StrCat("version ", request->version(), " of ",
                                                    request->business_date(), " does not exist"));
          }
          store::PriceSetRow& set = sets.front();
          if (set.status != store::PriceSetStatus::kProposed) {
            return absl::FailedPreconditionError(
                absl::StrCat("version ", set.version, " of ", request->business_date(),
                             " is not PROPOSED (status ",
                             pb::PriceSetStatus_Name(SetStatusToProto(set.status)), ")"));
          }
          if (set.proposed_by == call.caller.principal_id) {
            return absl::FailedPreconditionError(
                absl::StrCat("version ", set.version, " was proposed by '", set.proposed_by,
                             "'; four eyes: another treasury principal must approve it"));
          }
          std::optional<store::PriceSetRow> old = store::LoadPriceSetInForce(tx, day, true);
          TC_RETURN_IF_ERROR(CheckReplaces(tx, set, old));
          if (old) {
            store::SetPriceSetStatus(tx, day, old->version, store::PriceSetStatus::kSuperseded);
          }
          if (set.corrects_version) {
            // Later dates' proposals recorded this date's old price as their previous one.
            store::SupersedeLaterPriceSets(tx, day);
          }
          const absl::Time now = clock_.Now();
          store::ApprovePriceSet(tx, day, set.version, call.caller.principal_id, now);
          set.status = store::PriceSetStatus::kApproved;
          set.approved_by = call.caller.principal_id;
          store::Audit(tx, call.actor(), "ApproveSettlementPrices", request->business_date(),
                       {"version"}, {absl::StrCat(set.version)});
          *response = SetToProto(set);
          return absl::OkStatus();
        });
      });
}

grpc::Status TreasuryServiceImpl::CorrectSettlementPrices(
    Context* context, const pb::CorrectSettlementPricesRequest* request,
    pb::SettlementPriceSet* response) {
  return rpc_.Run(
      context, "CorrectSettlementPrices", clearing::kTreasuryOnly, kWriteTime,
      [&](const Call& call) -> absl::Status {
        if (request->prices().empty() || request->prices_size() > kMaxSubmittedPrices) {
          return absl::InvalidArgumentError(absl::StrCat(
              "prices: ", request->prices_size(), " given, expected 1..", kMaxSubmittedPrices));
        }
        if (request->reason().empty()) {
          return absl::InvalidArgumentError("reason: a correction needs one");
        }
        std::vector<settlement::PriceChange> changes;
        for (int i = 0; i < request->prices_size(); ++i) {
          const pb::PriceCorrection& p = request->prices(i);
          TC_RETURN_IF_ERROR(
              ValidateIdentifier(absl::StrCat("prices[", i, "].instrument_id"), p.instrument_id()));
          changes.push_back({p.instrument_id(), p.price_micros()});
        }
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) -> absl::Status {
          TC_ASSIGN_OR_RETURN(absl::CivilDay day, SettlementDate(tx, request->business_date()));
          std::optional<store::PriceSetRow> locked = store::LoadPriceSetInForce(tx, day, true);
          if (!locked || locked->status != store::PriceSetStatus::kLocked) {
            return absl::FailedPreconditionError(
                absl::StrCat("the settlement prices of ", request->business_date(),
                             " are not locked: propose and approve them instead"));
          }
          std::optional<store::EodRunRow> run = store::LoadEodRun(tx, day);
          if (!run || run->status != store::EodRunStatus::kComplete) {
            return absl::FailedPreconditionError(
                absl::StrCat("the end-of-day run of ", request->business_date(),
                             " is not complete: finish it before correcting its prices"));
          }
          TC_RETURN_IF_ERROR(CheckLatestLocked(tx, day));
          if (store::LatestObligationPass(tx, day, kEodCycle, store::ObligationStage::kFinal)) {
            return absl::FailedPreconditionError(absl::StrCat(
                "the payments of ", request->business_date(),
                " are instructed (final obligations): a correction now would change cash "
                "already sent to the banks"));
          }
          std::vector<settlement::LockedPrice> current;
          for (const store::StoredPrice& p : locked->prices) {
            current.push_back(
                {{p.instrument_id, p.price_micros, p.tier}, p.previous_settlement_micros});
          }
          TC_ASSIGN_OR_RETURN(
              std::vector<settlement::CorrectedPrice> corrected,
              settlement::CorrectPrices(cache_.Current(tx)->snapshot, current, changes));
          if (std::optional<store::PriceSetRow> pending = store::LoadPendingPriceSet(tx, day)) {
            store::SetPriceSetStatus(tx, day, pending->version, store::PriceSetStatus::kSuperseded);
          }
          store::PriceSetRow set{day,
                                 store::NextPriceSetVersion(tx, day),
                                 store::PriceSetStatus::kProposed,
                                 call.caller.principal_id,
                                 "",
                                 {},
                                 locked->version,
                                 request->reason()};
          RecordDigest inputs;
          inputs.Add(request->business_date()).Add(int64_t{locked->version});
          for (const settlement::CorrectedPrice& p : corrected) {
            set.prices.push_back({p.price.price.instrument_id, p.price.price.price_micros,
                                  p.price.price.tier, p.price.previous_settlement_micros,
                                  p.corrected});
            inputs.Add(p.price.price.instrument_id).Add(p.price.price.price_micros);
          }
          store::InsertPriceSet(tx, set, inputs.Finish(), clock_.Now());
          store::Audit(tx, call.actor(), "CorrectSettlementPrices", request->business_date(),
                       {"version", "corrects_version", "reason"},
                       {absl::StrCat(set.version), absl::StrCat(locked->version), set.reason});
          *response = SetToProto(set);
          return absl::OkStatus();
        });
      });
}

grpc::Status TreasuryServiceImpl::ListSettlementPrices(
    Context* context, const pb::ListSettlementPricesRequest* request,
    pb::ListSettlementPricesResponse* response) {
  return rpc_.Run(
      context, "ListSettlementPrices", clearing::kAnyRole, kReadTime,
      [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(absl::CivilDay day,
                            ParseBusinessDate("business_date", request->business_date()));
        // Proposals are the house's work in progress; approved prices are
        // published market data.
        const bool insider = clearing::kSettlementReaders.Contains(call.caller.role);
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) {
          response->Clear();
          for (const store::PriceSetRow& set : store::ListPriceSets(tx, day, request->version())) {
            const bool published = set.status == store::PriceSetStatus::kApproved ||
                                   set.status == store::PriceSetStatus::kLocked;
            if (insider || published) *response->add_sets() = SetToProto(set);
          }
          return absl::OkStatus();
        });
      });
}

grpc::Status TreasuryServiceImpl::RunEndOfDay(Context* context,
                                              const pb::RunEndOfDayRequest* request,
                                              grpc::ServerWriter<pb::EodProgress>* writer) {
  return rpc_.Run(
      context, "RunEndOfDay", clearing::kTreasuryOnly, kRunTime,
      [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(absl::CivilDay day,
                            ParseBusinessDate("business_date", request->business_date()));
        std::optional<EodStep> stop_after;
        if (!request->stop_after_step().empty()) {
          stop_after = settlement::EodStepFromName(request->stop_after_step());
          if (!stop_after) {
            return absl::InvalidArgumentError(
                absl::StrCat("stop_after_step '", request->stop_after_step(), "' is not a step (",
                             settlement::EodStepName(EodStep::kCloseTrading), " .. ",
                             settlement::EodStepName(EodStep::kOpenNextDay), ")"));
          }
        }
        const std::string date = FormatBusinessDate(day);
        // A client that goes away does not stop the run: the step in hand finishes and the
        // rest follows, so what is committed never depends on a connection.
        auto progress = [&](const EodProgressEvent& e) {
          pb::EodProgress message;
          message.set_business_date(date);
          message.set_step_no(settlement::EodStepNumber(e.step));
          message.set_step_count(settlement::kEodStepCount);
          message.set_step(std::string(settlement::EodStepName(e.step)));
          message.set_phase(e.phase);
          message.set_rows_done(e.rows_done);
          message.set_rows_total(e.rows_total);
          message.set_elapsed_micros(absl::ToInt64Microseconds(e.elapsed));
          if (e.phase == "DONE") {
            rpc_.metrics().ObserveEodStep(settlement::EodStepName(e.step), e.elapsed, e.rows_done);
          }
          writer->Write(message);
        };
        TC_RETURN_IF_ERROR(runner_.Run(day, call.actor(), stop_after, progress).status());
        TC_ASSIGN_OR_RETURN(pb::EodRun run, RunStatus(day));
        pb::EodProgress last;
        last.set_business_date(date);
        last.set_phase("END");
        *last.mutable_run() = std::move(run);
        writer->Write(last);
        return absl::OkStatus();
      });
}

absl::StatusOr<pb::EodRun> TreasuryServiceImpl::RunStatus(absl::CivilDay day) {
  pb::EodRun out;
  TC_RETURN_IF_ERROR(
      pool_.Transact({.deadline = clock_.Now() + kReadTime}, [&](pqxx::work& tx) -> absl::Status {
        std::optional<store::EodRunRow> run = store::LoadEodRun(tx, day);
        if (!run) {
          return absl::NotFoundError(
              absl::StrCat("business_date ", FormatBusinessDate(day), " has no end-of-day run"));
        }
        out = RunToProto(*run, store::LoadEodSteps(tx, day));
        return absl::OkStatus();
      }));
  return out;
}

grpc::Status TreasuryServiceImpl::StopEndOfDay(Context* context,
                                               const pb::StopEndOfDayRequest* request,
                                               pb::EodRun* response) {
  return rpc_.Run(context, "StopEndOfDay", clearing::kTreasuryOnly, kWriteTime,
                  [&](const Call& call) -> absl::Status {
                    TC_ASSIGN_OR_RETURN(
                        absl::CivilDay day,
                        ParseBusinessDate("business_date", request->business_date()));
                    TC_RETURN_IF_ERROR(runner_.Stop(day, call.actor()).status());
                    TC_ASSIGN_OR_RETURN(*response, RunStatus(day));
                    return absl::OkStatus();
                  });
}

grpc::Status TreasuryServiceImpl::GetEndOfDayStatus(Context* context,
                                                    const pb::GetEndOfDayStatusRequest* request,
                                                    pb::EodRun* response) {
  return rpc_.Run(context, "GetEndOfDayStatus", clearing::kSettlementReaders, kReadTime,
                  [&](const Call&) -> absl::Status {
                    TC_ASSIGN_OR_RETURN(
                        absl::CivilDay day,
                        ParseBusinessDate("business_date", request->business_date()));
                    TC_ASSIGN_OR_RETURN(*response, RunStatus(day));
                    return absl::OkStatus();
                  });
}

grpc::Status TreasuryServiceImpl::ReplayEndOfDay(Context* context,
                                                 const pb::ReplayEndOfDayRequest* request,
                                                 pb::ReplayEndOfDayResponse* response) {
  return rpc_.Run(context, "ReplayEndOfDay", clearing::kSettlementReaders, kRunTime,
                  [&](const Call&) -> absl::Status {
                    TC_ASSIGN_OR_RETURN(
                        absl::CivilDay day,
                        ParseBusinessDate("business_date", request->business_date()));
                    TC_ASSIGN_OR_RETURN(EodReplay replay, runner_.Replay(day));
                    response->set_business_date(FormatBusinessDate(day));
                    response->set_identical(replay.identical());
                    for (const EodReplayedStep& s : replay.steps) {
                      pb::ReplayedStep* out = response->add_steps();
                      out->set_step(std::string(settlement::EodStepName(s.step)));
                      out->set_recorded_outputs_sha256(ToHex(s.recorded));
                      out->set_replayed_outputs_sha256(ToHex(s.replayed));
                      out->set_identical(s.recorded == s.replayed);
                    }
                    return absl::OkStatus();
                  });
}

grpc::Status TreasuryServiceImpl::ListVariationMargin(Context* context,
                                                      const pb::ListVariationMarginRequest* request,
                                                      pb::ListVariationMarginResponse* response) {
  return rpc_.Run(
      context, "ListVariationMargin", clearing::kPositionReaders, kReadTime,
      [&](const Call& call) -> absl::Status {
        TC_ASSIGN_OR_RETURN(absl::CivilDay day,
                            ParseBusinessDate("business_date", request->business_date()));
        if (!request->member_id().empty()) {
          TC_RETURN_IF_ERROR(ValidateIdentifier("member_id", request->member_id()));
        }
        TC_ASSIGN_OR_RETURN(std::string member,
                            clearing::VisibleMember(call.caller, request->member_id()));
        return pool_.Transact({.deadline = call.deadline}, [&](pqxx::work& tx) {
          response->Clear();
          std::optional<store::EodRunRow> run = store::LoadEodRun(tx, day);
          const int pass = run ? run->pass : 1;
          for (const store::OriginTotalRow& t : store::LoadOriginTotals(tx, day, pass, member)) {
            pb::OriginVariationMargin* out = response->add_origins();
            out->set_member_id(t.member_id);
            out->set_origin(t.origin == clearing::Origin::kHouse ? pb::ORIGIN_HOUSE
                                                                 : pb::ORIGIN_CUSTOMER);
            out->set_currency(t.currency);
            out->set_kind(t.kind);
            out->set_amount_micros(t.amount_micros);
            out->set_amount_cents(t.amount_cents);
          }
          if (member.empty()) {  // the house's own residual is not a member's business
            for (const store::RoundingRow& r : store::LoadRounding(tx, day, pass)) {
              pb::RoundingResidual* out = response->add_residuals();
              out->set_currency(r.currency);
              out->set_kind(r.kind);
              out->set_ccp_rounding_cents(r.ccp_rounding_cents);
            }
          }
          return absl::OkStatus();
        });
      });
}

}  // namespace tc::services
