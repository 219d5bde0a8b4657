// PostgreSQL access for end-of-day settlement (migrations/0005_settlement.sql): the
// exchange's settlement prices, proposed and approved price sets, the end-of-day run and
// its step records, frozen positions, variation margin. Every function runs inside the
// caller's transaction; rows carry dates as absl::CivilDay and statuses as enums. Reads
// that feed a digest return rows in byte order (COLLATE "C"), the order the domain sorts
// in, so a digest never depends on the database's locale.
//
//   pool.Transact({}, [&](pqxx::work& tx) {
//     std::optional<PriceSetRow> set = LoadPriceSetInForce(tx, day);
//     std::vector<clearing::Trade> trades = LoadDayTrades(tx, day);
//     ...
//   });
#ifndef TOKENCLEAR_STORE_SETTLEMENT_STORE_H_
#define TOKENCLEAR_STORE_SETTLEMENT_STORE_H_

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "clearing/trade_event.h"
#include "core/sha256.h"
#include "settlement/cash_cents.h"
#include "settlement/position_freeze.h"
#include "settlement/settlement_price.h"
#include "settlement/variation_margin.h"

namespace tc::store {

// ---- Exchange submissions ----

enum class SubmitOutcome { kInserted, kSame, kDifferent };

// Inserts the exchange's price unless one is stored; kDifferent (nothing written) when the
// stored price differs, with `stored_micros` set to it.
SubmitOutcome InsertExchangePrice(pqxx::transaction_base& tx, absl::CivilDay day,
                                  const std::string& instrument_id, int64_t price_micros,
                                  const std::string& submitted_by, absl::Time at,
                                  int64_t* stored_micros);

absl::flat_hash_map<std::string, int64_t> LoadExchangePrices(pqxx::transaction_base& tx,
                                                             absl::CivilDay day);

// ---- Price sets ----

enum class PriceSetStatus { kProposed, kApproved, kLocked, kSuperseded };

struct StoredPrice {
  std::string instrument_id;
  int64_t price_micros = 0;
  settlement::PriceTier tier = settlement::PriceTier::kCarried;
  std::optional<int64_t> previous_settlement_micros;
  bool corrected = false;  // changed by a correction after the lock
};

struct PriceSetRow {
  absl::CivilDay business_date;
  int version = 0;
  PriceSetStatus status = PriceSetStatus::kProposed;
  std::string proposed_by;
  std::string approved_by;              // empty until approved
  std::vector<StoredPrice> prices;      // by instrument id, byte order
  std::optional<int> corrects_version;  // a correction: the locked version it replaces
  std::string reason;                   // a correction's reason
};

// Every version of `day` (or only `version` when > 0), oldest first, with prices; the
// set rows locked for update when `for_update` (an approval: two at once, on one server
// or two, must not both find the set PROPOSED).
std::vector<PriceSetRow> ListPriceSets(pqxx::transaction_base& tx, absl::CivilDay day,
                                       int version = 0, bool for_update = false);
// The set in force (APPROVED or LOCKED), locked for update when `for_update`.
std::optional<PriceSetRow> LoadPriceSetInForce(pqxx::transaction_base& tx, absl::CivilDay day,
                                               bool for_update = false);
std::optional<PriceSetRow> LoadPendingPriceSet(pqxx::transaction_base& tx, absl::CivilDay day);
int NextPriceSetVersion(pqxx::transaction_base& tx, absl::CivilDay day);
void InsertPriceSet(pqxx::transaction_base& tx, const PriceSetRow& set,
                    const Sha256Digest& inputs_sha256, absl::Time at);
// Status moves only; the database refuses what is not a transition (migration 0005).
void SetPriceSetStatus(pqxx::transaction_base& tx, absl::CivilDay day, int version,
                       PriceSetStatus status);
// PROPOSED -> APPROVED by `approver`; the database refuses the proposer (four eyes).
void ApprovePriceSet(pqxx::transaction_base& tx, absl::CivilDay day, int version,
                     const std::string& approver, absl::Time at);

// The last locked settlement before `day`: its date and price per instrument.
struct PriorSettlement {
  absl::CivilDay business_date;
  absl::flat_hash_map<std::string, int64_t> price_micros;
};
std::optional<PriorSettlement> LoadPriorSettlement(pqxx::transaction_base& tx, absl::CivilDay day);

// ---- The end-of-day run ----

enum class EodRunStatus { kRunning, kStopped, kFailed, kComplete };

struct EodRunRow {
  absl::CivilDay business_date;
  EodRunStatus status = EodRunStatus::kRunning;
  int steps_done = 0;
  std::string started_by;
  absl::Time started_at;
  absl::Time updated_at;
  std::string message;
  std::optional<int> price_version;
  std::optional<absl::CivilDay> next_business_date;
  int pass = 1;  // 1, then one more per correction after the lock
};

std::optional<EodRunRow> LoadEodRun(pqxx::transaction_base& tx, absl::CivilDay day,
                                    bool for_update = false);
void InsertEodRun(pqxx::transaction_base& tx, const EodRunRow& run);
void UpdateEodRun(pqxx::transaction_base& tx, const EodRunRow& run);

struct EodStepRow {
  absl::CivilDay business_date;
  int pass = 1;
  int step_no = 0;
  std::string step;
  Sha256Digest inputs_sha256{};
  Sha256Digest outputs_sha256{};
  int64_t rows_written = 0;
  std::string run_by;
  absl::Time started_at;
  absl::Time finished_at;
};

// Every pass's steps, by pass then step number.
std::vector<EodStepRow> LoadEodSteps(pqxx::transaction_base& tx, absl::CivilDay day);
void InsertEodStep(pqxx::transaction_base& tx, const EodStepRow& step);
// Whether step `step_no` of the date's pass `pass` is recorded.
bool EodStepDone(pqxx::transaction_base& tx, absl::CivilDay day, int pass, int step_no);

// The date of the last completed run before `day`, if any.
std::optional<absl::CivilDay> LoadPreviousSettledDate(pqxx::transaction_base& tx,
                                                      absl::CivilDay day);

// ---- Business days ----

// The latest business date ever opened (open or closed), if any.
std::optional<absl::CivilDay> LatestBusinessDay(pqxx::transaction_base& tx);
// OPEN -> CLOSED; false when `day` was not open (already closed, or never opened).
bool CloseBusinessDay(pqxx::transaction_base& tx, absl::CivilDay day, absl::Time at);
// "OPEN", "CLOSED" or nothing.
std::optional<std::string> BusinessDayStatus(pqxx::transaction_base& tx, absl::CivilDay day);
// Opens `day` unless it is open already; false when it exists closed.
bool OpenBusinessDay(pqxx::transaction_base& tx, absl::CivilDay day, absl::Time at);
// For trade capture: takes a share lock on the open day's row, so that closing it waits
// for batches in flight and no batch commits into a closed day; false when not open.
bool LockOpenBusinessDay(pqxx::transaction_base& tx, absl::CivilDay day);

// ---- Positions and trades of a day ----

// Where a member_id parameter is not empty, only the accounts of that member; empty is
// every account (the end-of-day run's whole book).

// Every non-zero live position, in (account, instrument) byte order.
std::vector<settlement::StartOfDayPosition> LoadLivePositions(pqxx::transaction_base& tx,
                                                              const std::string& member_id = "");
// End of day of `previous` (frozen), less months whose final settlement date has passed
// by then: the start of the next day. Byte order.
std::vector<settlement::StartOfDayPosition> LoadStartOfDay(pqxx::transaction_base& tx,
                                                           absl::CivilDay previous,
                                                           const std::string& member_id = "");
// The day's trades that still stand (cleared on `day`, not cancelled on or before it),
// then each earlier trade cancelled on `day` as its reversal (buyer and seller swapped).
// By trade id, byte order.
std::vector<clearing::Trade> LoadDayTrades(pqxx::transaction_base& tx, absl::CivilDay day);
// The same legs as LoadDayTrades, summed by the database per (account, instrument), in
// byte order: what settlement::SumLegs(LoadDayTrades(tx, day)) gives, without bringing a
// busy day's trades into the server (a member's open-date positions read this).
std::vector<settlement::TradedQuantity> SumDayLegs(pqxx::transaction_base& tx, absl::CivilDay day,
                                                   const std::string& member_id = "");

void CopyFrozenPositions(pqxx::transaction_base& tx, absl::CivilDay day,
                         const std::vector<settlement::FrozenPosition>& rows);
std::vector<settlement::FrozenPosition> LoadFrozenPositions(pqxx::transaction_base& tx,
                                                            absl::CivilDay day,
                                                            const std::string& member_id = "");

// ---- Variation margin ----

// "DAILY" for months that carry on, "FINAL" for months settling at expiry.
struct VariationRows {
  const settlement::VariationMargin* margin = nullptr;
  const settlement::CashSettlement* cash = nullptr;
  std::string kind;
  int pass = 1;
};

// Writes the marks (COPY), the origin totals and the rounding residuals of one kind.
void CopyVariationMargin(pqxx::transaction_base& tx, absl::CivilDay day, const VariationRows& rows);

struct OriginTotalRow {
  std::string kind;
  std::string member_id;
  clearing::Origin origin = clearing::Origin::kHouse;
  std::string currency;
  int64_t amount_micros = 0;
  int64_t amount_cents = 0;
};
struct RoundingRow {
  std::string kind;
  std::string currency;
  int64_t ccp_rounding_cents = 0;
};

// The totals of one pass of the run, ordered by kind, member, origin, currency (byte order).
std::vector<OriginTotalRow> LoadOriginTotals(pqxx::transaction_base& tx, absl::CivilDay day,
                                             int pass, const std::string& member_id = "");
std::vector<RoundingRow> LoadRounding(pqxx::transaction_base& tx, absl::CivilDay day, int pass);

// The sum of every mark of `day`'s pass per currency, as stored (the read-back check).
absl::flat_hash_map<std::string, int64_t> SumStoredMarks(pqxx::transaction_base& tx,
                                                         absl::CivilDay day, int pass);

// The latest date with a locked price set, if any.
std::optional<absl::CivilDay> LatestLockedPriceDate(pqxx::transaction_base& tx);
// Sets of dates after `day` that are PROPOSED or APPROVED become SUPERSEDED (they recorded
// `day`'s settlement as their previous one); returns how many.
int64_t SupersedeLaterPriceSets(pqxx::transaction_base& tx, absl::CivilDay day);

// ---- Expiry ----

// Months whose final settlement date is `day`, by id.
std::vector<std::string> LoadExpiringInstruments(pqxx::transaction_base& tx, absl::CivilDay day);
// Whether anyone holds a live position in `instrument_id`.
bool HasOpenPositions(pqxx::transaction_base& tx, const std::string& instrument_id);
// Zeroes the live positions of `instruments` and marks them EXPIRED; returns the
// positions closed.
int64_t ExpireInstruments(pqxx::transaction_base& tx, const std::vector<std::string>& instruments);

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_SETTLEMENT_STORE_H_
