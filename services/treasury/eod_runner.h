// The end-of-day run of a business date (settlement/eod_step.h names the steps): a state
// machine stored in PostgreSQL that treasury starts, stops and resumes.
//
// Why it survives a crash anywhere: each step is one transaction that writes its results,
// its record in eod_steps (digests of what it read and wrote) and the run's step count
// together. A kill inside a step rolls the step back; a kill between steps leaves the
// count at the last finished one. Resuming runs the next step from stored inputs only, so
// an interrupted run and an uninterrupted one write the same rows. A finished date
// changes nothing when run again. One run per date at a time: the runner holds a session
// advisory lock on the date (another server's run of the date is refused with ABORTED);
// the lock dies with the connection, so a killed server never blocks a resume.
//
//   EodRunner runner(pool, cache, parameters, clock);
//   TC_ASSIGN_OR_RETURN(store::EodRunRow run,
//                       runner.Run(day, "treasury1", std::nullopt,
//                                  [](const EodProgressEvent& e) { ... }));
//   TC_ASSIGN_OR_RETURN(EodReplay replay, runner.Replay(day));   // writes nothing
#ifndef TOKENCLEAR_SERVICES_TREASURY_EOD_RUNNER_H_
#define TOKENCLEAR_SERVICES_TREASURY_EOD_RUNNER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "core/clock.h"
#include "services/common/reference_cache.h"
#include "services/margin/parameter_cache.h"
#include "settlement/eod_step.h"
#include "store/pg_pool.h"
#include "store/settlement_store.h"

namespace tc::services {

struct EodProgressEvent {
  settlement::EodStep step = settlement::EodStep::kCloseTrading;
  std::string phase;  // "STARTED", "DONE", "SKIPPED" (done before)
  int64_t rows_done = 0;
  int64_t rows_total = 0;
  absl::Duration elapsed;
};

struct EodReplayedStep {
  settlement::EodStep step = settlement::EodStep::kFreezePositions;
  Sha256Digest recorded{};
  Sha256Digest replayed{};
};

struct EodReplay {
  std::vector<EodReplayedStep> steps;
  bool identical() const;
};

class EodRunner {
 public:
  // Each step gets this long (1M positions take seconds, not minutes).
  static constexpr absl::Duration kStepTime = absl::Minutes(10);

  EodRunner(store::PgPool& pool, ReferenceCache& cache, ParameterCache& parameters,
            const Clock& clock)
      : pool_(pool), cache_(cache), parameters_(parameters), clock_(clock) {}

  // Runs the date's run from where it stands to the end, or through `stop_after`.
  // Returns the run as it stands; a step that refuses (prices not approved, positions that
  // do not follow from the trades) marks the run FAILED and returns that step's status.
  // ABORTED when the date's run is held elsewhere; FAILED_PRECONDITION for a date that is
  // neither the open date nor a date with a run.
  absl::StatusOr<store::EodRunRow> Run(absl::CivilDay day, const store::Actor& actor,
                                       std::optional<settlement::EodStep> stop_after,
                                       absl::FunctionRef<void(const EodProgressEvent&)> progress);

  // Asks a running run to stop after its current step (or marks an idle one STOPPED).
  absl::StatusOr<store::EodRunRow> Stop(absl::CivilDay day, const store::Actor& actor);

  // Recomputes the frozen positions, the variation margin and the ledger postings of a
  // finished date from its recorded inputs and compares digests with the recorded ones.
  absl::StatusOr<EodReplay> Replay(absl::CivilDay day);

 private:
  struct StepOutput;
  enum class StepOutcome { kRan, kSkipped, kStopped };
  absl::StatusOr<store::EodRunRow> Begin(absl::CivilDay day, const store::Actor& actor);
  absl::StatusOr<StepOutcome> RunStep(absl::CivilDay day, settlement::EodStep step,
                                      const store::Actor& actor,
                                      absl::FunctionRef<void(const EodProgressEvent&)> progress);
  absl::StatusOr<StepOutput> Execute(pqxx::work& tx, absl::CivilDay day, settlement::EodStep step,
                                     const store::Actor& actor, int pass);
  absl::StatusOr<store::EodRunRow> Finish(absl::CivilDay day, store::EodRunStatus status,
                                          const std::string& message);
  // Loads the date's run for update and stores what `change` made of it, in one
  // transaction; `change` returns false for "nothing to store".
  absl::StatusOr<store::EodRunRow> ChangeRun(
      absl::CivilDay day,
      absl::FunctionRef<absl::StatusOr<bool>(pqxx::work&, store::EodRunRow&)> change);

  store::PgPool& pool_;
  ReferenceCache& cache_;
  ParameterCache& parameters_;
  const Clock& clock_;
};

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_TREASURY_EOD_RUNNER_H_
