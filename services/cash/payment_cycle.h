// A payment cycle's life inside the caller's transaction: final obligations become
// payment instructions (collects before pays, stable IDs), instructions become ISO 20022
// files per settlement bank (pain.008 collects, pain.001 pays; a re-export returns the
// same bytes), confirmations are matched (settlement/payment_matching.h) and a matched
// one settles its obligation in the ledger, and collects past their deadline flag their
// member. Each function is one step of read → plan (pure) → write; the service gives each
// its own transaction, so a crash between them leaves a state the next call resumes from.
//
//   TC_ASSIGN_OR_RETURN(InstructOutcome out, InstructEodCycle(tx, state, day, who, now));
//   TC_ASSIGN_OR_RETURN(ExportOutcome files, ExportCycle(tx, state, day, "EOD", now));
//   TC_ASSIGN_OR_RETURN(std::vector<AppliedConfirmation> done,
//                       ApplyConfirmations(tx, "CAMT054", received, who, now));
#ifndef TOKENCLEAR_SERVICES_CASH_PAYMENT_CYCLE_H_
#define TOKENCLEAR_SERVICES_CASH_PAYMENT_CYCLE_H_

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/common/reference_cache.h"
#include "settlement/obligations.h"
#include "settlement/payment_matching.h"
#include "store/cash_store.h"

namespace tc::services {

struct InstructOutcome {
  std::vector<store::ObligationRow> obligations;           // FINAL
  std::vector<store::PaymentInstructionRow> instructions;  // collects, then pays
  bool replayed = false;
};

// The EOD cycle of `day`: its final obligations (recomputed on the run's last pass, as the
// day stands now) and their instructions. FAILED_PRECONDITION unless the date's
// end-of-day run is complete; a second call returns what the first wrote (replayed).
absl::StatusOr<InstructOutcome> InstructEodCycle(pqxx::transaction_base& tx,
                                                 const ReferenceState& state, absl::CivilDay day,
                                                 const store::Actor& actor, absl::Time now);

// Writes `due` as the cycle's FINAL obligations of `pass`, an instruction for each nonzero
// net (IDs "TC-<yyyymmdd>-<cycle>-<nnnn>", collects first), and settles at once the
// obligations whose net is zero but whose parts are not (no money moves at the bank).
// FAILED_PRECONDITION naming a member origin without a settlement account.
absl::StatusOr<InstructOutcome> InstructObligations(pqxx::transaction_base& tx, absl::CivilDay day,
                                                    const std::string& cycle, int pass,
                                                    const std::vector<settlement::Obligation>& due,
                                                    const store::Actor& actor, absl::Time now);

// The cycle's instructions loaded back as InstructOutcome (replayed = true).
InstructOutcome LoadInstructed(pqxx::transaction_base& tx, absl::CivilDay day,
                               const std::string& cycle);

struct ExportOutcome {
  std::vector<store::PaymentMessageRow> files;  // per bank: collects file, then pays file
  int64_t collects_outstanding = 0;             // collects neither confirmed nor flagged: pays wait
  int64_t pays_held = 0;                        // pay instructions held back for them
};

// The cycle's files, written once and then returned as stored. Collects go first: a
// bank's pay file is written only when every collect of the cycle is confirmed or its
// member flagged, so the CCP pays out only what it has collected (or covers a failure
// from its own liquidity, knowingly). NOT_FOUND when the cycle has no instructions.
absl::StatusOr<ExportOutcome> ExportCycle(pqxx::transaction_base& tx, const ReferenceState& state,
                                          absl::CivilDay day, const std::string& cycle,
                                          absl::Time now);

struct ReceivedConfirmation {
  std::string source_key;  // unique per source: the request key, or "<file>/Ntfctn[i].Ntry[j]"
  settlement::Confirmation confirmation;
};

struct AppliedConfirmation {
  std::string reference;
  settlement::MatchResult match;
  std::string journal_key;                 // the settlement posted, when it confirms
  std::vector<std::string> cured_members;  // flags its late confirmation cured
};

// Matches and applies `received` in order: CONFIRMS settles each instruction named
// (PAYMENT_SETTLEMENT entry "PAY/<instruction id>", status CONFIRMED) and cures the flags
// they raised; PENDING, ALREADY_CONFIRMED and BREAK are recorded, never posted. A
// confirmation contradicting a confirmed instruction (kConflict) is bad input: the whole
// call is refused with FAILED_PRECONDITION naming each one, and nothing is written.
absl::StatusOr<std::vector<AppliedConfirmation>> ApplyConfirmations(
    pqxx::transaction_base& tx, const std::string& source,
    const std::vector<ReceivedConfirmation>& received, const store::Actor& actor, absl::Time now);

struct DeadlineOutcome {
  std::vector<store::MemberFlagRow> raised;
  int64_t overdue_collects = 0;
};

// Flags FAILURE_TO_PAY for every collect unconfirmed at its deadline (`now` from the
// clock seam); a collect flags once.
DeadlineOutcome CheckDeadlines(pqxx::transaction_base& tx, const store::Actor& actor,
                               absl::Time now);

}  // namespace tc::services

#endif  // TOKENCLEAR_SERVICES_CASH_PAYMENT_CYCLE_H_
