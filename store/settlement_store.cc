#include "store/settlement_store.h"

#include <tuple>

#include "absl/strings/str_cat.h"
#include "core/business_date.h"
#include "core/check.h"
#include "store/pg_array.h"
#include "store/pg_date.h"
#include "store/pg_time.h"

namespace tc::store {
namespace {

constexpr std::pair<PriceSetStatus, const char*> kSetStatuses[] = {
    {PriceSetStatus::kProposed, "PROPOSED"},
    {PriceSetStatus::kApproved, "APPROVED"},
    {PriceSetStatus::kLocked, "LOCKED"},
    {PriceSetStatus::kSuperseded, "SUPERSEDED"}};
constexpr std::pair<EodRunStatus, const char*> kRunStatuses[] = {
    {EodRunStatus::kRunning, "RUNNING"},
    {EodRunStatus::kStopped, "STOPPED"},
    {EodRunStatus::kFailed, "FAILED"},
    {EodRunStatus::kComplete, "COMPLETE"}};
constexpr settlement::PriceTier kTiers[] = {
    settlement::PriceTier::kExchange, settlement::PriceTier::kVwap,
    settlement::PriceTier::kIndexAdjusted, settlement::PriceTier::kCarried,
    settlement::PriceTier::kFinal};

template <typename Enum, size_t N>
const char* NameOf(const std::pair<Enum, const char*> (&names)[N], Enum value) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  TC_CHECK(false) << "unnamed enum value";
  return "";
}

// Stored text is constrained by the schema's CHECKs; anything else is not our row.
template <typename Enum, size_t N>
Enum ValueOf(const std::pair<Enum, const char*> (&names)[N], const pqxx::field& field) {
  for (const auto& [v, name] : names) {
    if (field.c_str() == std::string_view(name)) return v;
  }
  TC_CHECK(false) << field.name() << " '" << field.c_str() << "' is constrained by the schema";
  return names[0].first;
}

settlement::PriceTier TierOf(const pqxx::field& field) {
  for (settlement::PriceTier tier : kTiers) {
    if (settlement::PriceTierName(tier) == field.c_str()) return tier;
  }
  TC_CHECK(false) << "tier '" << field.c_str() << "' is constrained by the schema";
  return settlement::PriceTier::kCarried;
}

std::string HexParam(const Sha256Digest& digest) { return ToHex(digest); }

Sha256Digest DigestFromField(const pqxx::field& field) {
  // encode(..., 'hex') of a 32-byte column (CHECKed): 64 hex digits.
  const std::string hex = field.as<std::string>();
  TC_CHECK(hex.size() == 64) << field.name();
  Sha256Digest digest{};
  for (size_t i = 0; i < digest.size(); ++i) {
    digest[i] = static_cast<uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  }
  return digest;
}

std::vector<StoredPrice> LoadPrices(pqxx::transaction_base& tx, absl::CivilDay day, int version) {
  std::vector<StoredPrice> prices;
  for (const pqxx::row& r : tx.exec_params(
           "SELECT instrument_id, price_micros, tier, previous_settlement_micros,"
           " corrected FROM settlement_prices WHERE business_date = $1::date AND version = $2"
           " ORDER BY instrument_id COLLATE \"C\"",
           DateParam(day), version)) {
    StoredPrice p{r[0].as<std::string>(), r[1].as<int64_t>(), TierOf(r[2]), std::nullopt,
                  r[4].as<bool>()};
    if (!r[3].is_null()) p.previous_settlement_micros = r[3].as<int64_t>();
    prices.push_back(std::move(p));
  }
  return prices;
}

constexpr char kSetColumns[] =
    "SELECT business_date, version, status, proposed_by, coalesce(approved_by, ''),"
    " corrects_version, reason FROM settlement_price_sets ";

std::vector<PriceSetRow> SetsOf(pqxx::transaction_base& tx, const pqxx::result& result) {
  std::vector<PriceSetRow> sets;
  for (const pqxx::row& r : result) {
    PriceSetRow set{DateFromField(r[0]),    r[1].as<int>(),         ValueOf(kSetStatuses, r[2]),
                    r[3].as<std::string>(), r[4].as<std::string>(), {},
                    std::nullopt,           r[6].as<std::string>()};
    if (!r[5].is_null()) set.corrects_version = r[5].as<int>();
    set.prices = LoadPrices(tx, set.business_date, set.version);
    sets.push_back(std::move(set));
  }
  return sets;
}

std::optional<PriceSetRow> FirstOf(std::vector<PriceSetRow> sets) {
  if (sets.empty()) return std::nullopt;
  return std::move(sets.front());
}

// The member filter of the position reads: $1 is a member id, or empty for every account.
// (An unqualified account_id: each query names exactly one table that has it.)
constexpr char kOfMember[] =
    "($1 = '' OR account_id IN (SELECT account_id FROM accounts WHERE member_id = $1))";

settlement::StartOfDayPosition HoldingOf(const pqxx::row& r) {
  return {r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<int64_t>(), r[3].as<int64_t>()};
}

clearing::Trade TradeOf(const pqxx::row& r, bool reversed) {
  clearing::Trade t;
  t.trade_id = r[0].as<std::string>();
  t.instrument_id = r[1].as<std::string>();
  t.price_micros = r[2].as<int64_t>();
  t.quantity = r[3].as<int64_t>();
  t.buyer_account_id = r[reversed ? 5 : 4].as<std::string>();
  t.seller_account_id = r[reversed ? 4 : 5].as<std::string>();
  t.trade_date = DateFromField(r[6]);
  t.executed_at = TimeFromField(r[7]);
  return t;
}

}  // namespace

SubmitOutcome InsertExchangePrice(pqxx::transaction_base& tx, absl::CivilDay day,
                                  const std::string& instrument_id, int64_t price_micros,
                                  const std::string& submitted_by, absl::Time at,
                                  int64_t* stored_micros) {
  pqxx::result inserted = tx.exec_params(
      "INSERT INTO exchange_settlement_prices VALUES ($1::date, $2, $3, $4, $5::timestamptz)"
      " ON CONFLICT DO NOTHING RETURNING 1",
      DateParam(day), instrument_id, price_micros, submitted_by, TimeParam(at));
  if (!inserted.empty()) return SubmitOutcome::kInserted;
  *stored_micros = tx.exec_params1(
                         "SELECT price_micros FROM exchange_settlement_prices"
                         " WHERE business_date = $1::date AND instrument_id = $2",
                         DateParam(day), instrument_id)[0]
                       .as<int64_t>();
  return *stored_micros == price_micros ? SubmitOutcome::kSame : SubmitOutcome::kDifferent;
}

absl::flat_hash_map<std::string, int64_t> LoadExchangePrices(pqxx::transaction_base& tx,
                                                             absl::CivilDay day) {
  absl::flat_hash_map<std::string, int64_t> prices;
  for (const pqxx::row& r : tx.exec_params("SELECT instrument_id, price_micros"
                                           " FROM exchange_settlement_prices"
                                           " WHERE business_date = $1::date",
                                           DateParam(day))) {
    prices[r[0].as<std::string>()] = r[1].as<int64_t>();
  }
  return prices;
}

std::vector<PriceSetRow> ListPriceSets(pqxx::transaction_base& tx, absl::CivilDay day, int version,
                                       bool for_update) {
  return SetsOf(tx, tx.exec_params(absl::StrCat(kSetColumns,
                                                "WHERE business_date = $1::date"
                                                " AND ($2 = 0 OR version = $2) ORDER BY version",
                                                for_update ? " FOR UPDATE" : ""),
                                   DateParam(day), version));
}

std::optional<PriceSetRow> LoadPriceSetInForce(pqxx::transaction_base& tx, absl::CivilDay day,
                                               bool for_update) {
  return FirstOf(SetsOf(tx, tx.exec_params(absl::StrCat(kSetColumns,
                                                        "WHERE business_date = $1::date"
                                                        " AND status IN ('APPROVED', 'LOCKED')",
                                                        for_update ? " FOR UPDATE" : ""),
                                           DateParam(day))));
}

std::optional<PriceSetRow> LoadPendingPriceSet(pqxx::transaction_base& tx, absl::CivilDay day) {
  return FirstOf(SetsOf(
      tx, tx.exec_params(
              absl::StrCat(kSetColumns, "WHERE business_date = $1::date AND status = 'PROPOSED'"),
              DateParam(day))));
}

int NextPriceSetVersion(pqxx::transaction_base& tx, absl::CivilDay day) {
  return tx
      .exec_params1(
          "SELECT coalesce(max(version), 0) + 1 FROM settlement_price_sets"
          " WHERE business_date = $1::date",
          DateParam(day))[0]
      .as<int>();
}

void InsertPriceSet(pqxx::transaction_base& tx, const PriceSetRow& set,
                    const Sha256Digest& inputs_sha256, absl::Time at) {
  tx.exec_params(
      "INSERT INTO settlement_price_sets (business_date, version, status, proposed_by,"
      " proposed_at, inputs_sha256, corrects_version, reason) VALUES ($1::date, $2, $3, $4,"
      " $5::timestamptz, decode($6, 'hex'), $7, $8)",
      DateParam(set.business_date), set.version, NameOf(kSetStatuses, set.status), set.proposed_by,
      TimeParam(at), HexParam(inputs_sha256), set.corrects_version, set.reason);
  for (const StoredPrice& p : set.prices) {
    tx.exec_params(
        "INSERT INTO settlement_prices (business_date, version, instrument_id, price_micros, tier,"
        " previous_settlement_micros, corrected) VALUES ($1::date, $2, $3, $4, $5, $6, $7)",
        DateParam(set.business_date), set.version, p.instrument_id, p.price_micros,
        std::string(settlement::PriceTierName(p.tier)), p.previous_settlement_micros, p.corrected);
  }
}

void SetPriceSetStatus(pqxx::transaction_base& tx, absl::CivilDay day, int version,
                       PriceSetStatus status) {
  tx.exec_params(
      "UPDATE settlement_price_sets SET status = $3"
      " WHERE business_date = $1::date AND version = $2",
      DateParam(day), version, NameOf(kSetStatuses, status));
}

void ApprovePriceSet(pqxx::transaction_base& tx, absl::CivilDay day, int version,
                     const std::string& approver, absl::Time at) {
  tx.exec_params(
      "UPDATE settlement_price_sets SET status = 'APPROVED', approved_by = $3,"
      " approved_at = $4::timestamptz WHERE business_date = $1::date AND version = $2",
      DateParam(day), version, approver, TimeParam(at));
}

std::optional<PriorSettlement> LoadPriorSettlement(pqxx::transaction_base& tx, absl::CivilDay day) {
  pqxx::result last = tx.exec_params(
      "SELECT business_date, version FROM settlement_price_sets"
      " WHERE business_date < $1::date AND status = 'LOCKED'"
      " ORDER BY business_date DESC LIMIT 1",
      DateParam(day));
  if (last.empty()) return std::nullopt;
  PriorSettlement prior{DateFromField(last[0][0]), {}};
  for (const StoredPrice& p : LoadPrices(tx, prior.business_date, last[0][1].as<int>())) {
    prior.price_micros[p.instrument_id] = p.price_micros;
  }
  return prior;
}

std::optional<EodRunRow> LoadEodRun(pqxx::transaction_base& tx, absl::CivilDay day,
                                    bool for_update) {
  pqxx::result r =
      tx.exec_params(absl::StrCat("SELECT business_date, status, steps_done, started_by, ",
                                  EpochMicros("started_at"), ", ", EpochMicros("updated_at"),
                                  ", message, price_version, next_business_date, pass FROM eod_runs"
                                  " WHERE business_date = $1::date",
                                  for_update ? " FOR UPDATE" : ""),
                     DateParam(day));
  if (r.empty()) return std::nullopt;
  const pqxx::row& row = r[0];
  EodRunRow run{DateFromField(row[0]),
                ValueOf(kRunStatuses, row[1]),
                row[2].as<int>(),
                row[3].as<std::string>(),
                TimeFromField(row[4]),
                TimeFromField(row[5]),
                row[6].as<std::string>(),
                std::nullopt,
                std::nullopt};
  if (!row[7].is_null()) run.price_version = row[7].as<int>();
  if (!row[8].is_null()) run.next_business_date = DateFromField(row[8]);
  run.pass = row[9].as<int>();
  return run;
}

void InsertEodRun(pqxx::transaction_base& tx, const EodRunRow& run) {
  tx.exec_params(
      "INSERT INTO eod_runs (business_date, status, steps_done, started_by, started_at,"
      " updated_at, message) VALUES ($1::date, $2, $3, $4, $5::timestamptz, $6::timestamptz, $7)",
      DateParam(run.business_date), NameOf(kRunStatuses, run.status), run.steps_done,
      run.started_by, TimeParam(run.started_at), TimeParam(run.updated_at), run.message);
}

void UpdateEodRun(pqxx::transaction_base& tx, const EodRunRow& run) {
  std::optional<std::string> next;
  if (run.next_business_date) next = DateParam(*run.next_business_date);
  tx.exec_params(
      "UPDATE eod_runs SET status = $2, steps_done = $3, updated_at = $4::timestamptz,"
      " message = $5, price_version = $6, next_business_date = $7::date, pass = $8"
      " WHERE business_date = $1::date",
      DateParam(run.business_date), NameOf(kRunStatuses, run.status), run.steps_done,
      TimeParam(run.updated_at), run.message, run.price_version, next, run.pass);
}

std::vector<EodStepRow> LoadEodSteps(pqxx::transaction_base& tx, absl::CivilDay day) {
  std::vector<EodStepRow> steps;
  for (const pqxx::row& r :
       tx.exec_params(absl::StrCat("SELECT step_no, step, encode(inputs_sha256, 'hex'),"
                                   " encode(outputs_sha256, 'hex'), rows_written, run_by, ",
                                   EpochMicros("started_at"), ", ", EpochMicros("finished_at"),
                                   ", pass FROM eod_steps WHERE business_date = $1::date"
                                   " ORDER BY pass, step_no"),
                      DateParam(day))) {
    steps.push_back({day, r[8].as<int>(), r[0].as<int>(), r[1].as<std::string>(),
                     DigestFromField(r[2]), DigestFromField(r[3]), r[4].as<int64_t>(),
                     r[5].as<std::string>(), TimeFromField(r[6]), TimeFromField(r[7])});
  }
  return steps;
}

void InsertEodStep(pqxx::transaction_base& tx, const EodStepRow& step) {
  tx.exec_params(
      "INSERT INTO eod_steps (business_date, step_no, step, inputs_sha256, outputs_sha256,"
      " rows_written, run_by, started_at, finished_at, pass) VALUES ($1::date, $2, $3,"
      " decode($4, 'hex'), decode($5, 'hex'), $6, $7, $8::timestamptz, $9::timestamptz, $10)",
      DateParam(step.business_date), step.step_no, step.step, HexParam(step.inputs_sha256),
      HexParam(step.outputs_sha256), step.rows_written, step.run_by, TimeParam(step.started_at),
      TimeParam(step.finished_at), step.pass);
}

bool EodStepDone(pqxx::transaction_base& tx, absl::CivilDay day, int pass, int step_no) {
  return !tx.exec_params(
                "SELECT 1 FROM eod_steps WHERE business_date = $1::date AND pass = $2"
                " AND step_no = $3",
                DateParam(day), pass, step_no)
              .empty();
}

std::optional<absl::CivilDay> LoadPreviousSettledDate(pqxx::transaction_base& tx,
                                                      absl::CivilDay day) {
  pqxx::result r = tx.exec_params(
      "SELECT max(business_date) FROM eod_runs WHERE business_date < $1::date"
      " AND status = 'COMPLETE'",
      DateParam(day));
  if (r[0][0].is_null()) return std::nullopt;
  return DateFromField(r[0][0]);
}

std::optional<absl::CivilDay> LatestBusinessDay(pqxx::transaction_base& tx) {
  pqxx::result r = tx.exec("SELECT max(business_date) FROM business_days");
  if (r[0][0].is_null()) return std::nullopt;
  return DateFromField(r[0][0]);
}

bool CloseBusinessDay(pqxx::transaction_base& tx, absl::CivilDay day, absl::Time at) {
  return !tx.exec_params(
                "UPDATE business_days SET status = 'CLOSED', closed_at = $2::timestamptz"
                " WHERE business_date = $1::date AND status = 'OPEN' RETURNING 1",
                DateParam(day), TimeParam(at))
              .empty();
}

std::optional<std::string> BusinessDayStatus(pqxx::transaction_base& tx, absl::CivilDay day) {
  pqxx::result r = tx.exec_params("SELECT status FROM business_days WHERE business_date = $1::date",
                                  DateParam(day));
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

bool OpenBusinessDay(pqxx::transaction_base& tx, absl::CivilDay day, absl::Time at) {
  tx.exec_params(
      "INSERT INTO business_days (business_date, status, opened_at)"
      " VALUES ($1::date, 'OPEN', $2::timestamptz) ON CONFLICT DO NOTHING",
      DateParam(day), TimeParam(at));
  return BusinessDayStatus(tx, day) == "OPEN";
}

bool LockOpenBusinessDay(pqxx::transaction_base& tx, absl::CivilDay day) {
  return !tx.exec_params(
                "SELECT 1 FROM business_days WHERE business_date = $1::date"
                " AND status = 'OPEN' FOR SHARE",
                DateParam(day))
              .empty();
}

std::vector<settlement::StartOfDayPosition> LoadLivePositions(pqxx::transaction_base& tx,
                                                              const std::string& member_id) {
  std::vector<settlement::StartOfDayPosition> rows;
  for (const pqxx::row& r : tx.exec_params(
           absl::StrCat("SELECT account_id, instrument_id, long_quantity, short_quantity"
                        " FROM positions WHERE (long_quantity <> 0 OR short_quantity <> 0) AND ",
                        kOfMember,
                        " ORDER BY account_id COLLATE \"C\", instrument_id COLLATE \"C\""),
           member_id)) {
    rows.push_back(HoldingOf(r));
  }
  return rows;
}

std::vector<settlement::StartOfDayPosition> LoadStartOfDay(pqxx::transaction_base& tx,
                                                           absl::CivilDay previous,
                                                           const std::string& member_id) {
  std::vector<settlement::StartOfDayPosition> rows;
  for (const pqxx::row& r : tx.exec_params(
           absl::StrCat(
               "SELECT account_id, p.instrument_id, p.eod_long, p.eod_short FROM eod_positions p"
               " JOIN instruments i USING (instrument_id)"
               " WHERE p.business_date = $2::date AND i.final_settlement_date > $2::date"
               " AND (p.eod_long <> 0 OR p.eod_short <> 0) AND ",
               kOfMember, " ORDER BY account_id COLLATE \"C\", p.instrument_id COLLATE \"C\""),
           member_id, DateParam(previous))) {
    rows.push_back(HoldingOf(r));
  }
  return rows;
}

std::vector<clearing::Trade> LoadDayTrades(pqxx::transaction_base& tx, absl::CivilDay day) {
  // A trade of the day stands unless cancelled by the day's close; a cancellation on a
  // later day belongs to that day (it reverses there), so a replay sees the same set.
  std::vector<clearing::Trade> trades;
  const std::string columns = absl::StrCat(
      "SELECT t.trade_id, t.instrument_id, t.price_micros, t.quantity, t.buyer_account_id,"
      " t.seller_account_id, t.trade_date, ",
      EpochMicros("t.executed_at"),
      " FROM trades t LEFT JOIN trade_cancellations c USING (trade_id)");
  for (const pqxx::row& r :
       tx.exec_params(columns + " WHERE t.business_date = $1::date AND (c.trade_id IS NULL OR"
                                " c.business_date > $1::date) ORDER BY t.trade_id COLLATE \"C\"",
                      DateParam(day))) {
    trades.push_back(TradeOf(r, false));
  }
  for (const pqxx::row& r :
       tx.exec_params(columns + " WHERE t.business_date < $1::date AND c.business_date = $1::date"
                                " ORDER BY t.trade_id COLLATE \"C\"",
                      DateParam(day))) {
    trades.push_back(TradeOf(r, true));
  }
  return trades;
}

std::vector<settlement::TradedQuantity> SumDayLegs(pqxx::transaction_base& tx, absl::CivilDay day,
                                                   const std::string& member_id) {
  // The two sets of LoadDayTrades (standing trades of the day; earlier trades cancelled on
  // it, buyer and seller swapped), each trade as two legs, summed per account and month.
  std::vector<settlement::TradedQuantity> rows;
  for (const pqxx::row& r : tx.exec_params(
           absl::StrCat(
               "WITH day_trades AS ("
               " SELECT t.buyer_account_id AS buyer, t.seller_account_id AS seller,"
               " t.instrument_id, t.quantity"
               " FROM trades t LEFT JOIN trade_cancellations c USING (trade_id)"
               " WHERE t.business_date = $2::date"
               " AND (c.trade_id IS NULL OR c.business_date > $2::date)"
               " UNION ALL"
               " SELECT t.seller_account_id, t.buyer_account_id, t.instrument_id, t.quantity"
               " FROM trade_cancellations c JOIN trades t USING (trade_id)"
               " WHERE c.business_date = $2::date AND t.business_date < $2::date),"
               " legs AS (SELECT buyer AS account_id, instrument_id, quantity AS bought,"
               " 0 AS sold FROM day_trades"
               " UNION ALL SELECT seller, instrument_id, 0, quantity FROM day_trades)"
               " SELECT account_id, instrument_id, sum(bought)::bigint, sum(sold)::bigint"
               " FROM legs WHERE ",
               kOfMember,
               " GROUP BY account_id, instrument_id"
               " ORDER BY account_id COLLATE \"C\", instrument_id COLLATE \"C\""),
           member_id, DateParam(day))) {
    rows.push_back(
        {r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<int64_t>(), r[3].as<int64_t>()});
  }
  return rows;
}

void CopyFrozenPositions(pqxx::transaction_base& tx, absl::CivilDay day,
                         const std::vector<settlement::FrozenPosition>& rows) {
  if (rows.empty()) return;
  const std::string date = DateParam(day);
  pqxx::stream_to copy(
      tx, "eod_positions",
      std::vector<std::string>{"business_date", "account_id", "instrument_id", "sod_long",
                               "sod_short", "bought", "sold", "eod_long", "eod_short"});
  for (const settlement::FrozenPosition& p : rows) {
    copy << std::make_tuple(date, p.account_id, p.instrument_id, p.sod_long, p.sod_short, p.bought,
                            p.sold, p.eod_long, p.eod_short);
  }
  copy.complete();
}

std::vector<settlement::FrozenPosition> LoadFrozenPositions(pqxx::transaction_base& tx,
                                                            absl::CivilDay day,
                                                            const std::string& member_id) {
  std::vector<settlement::FrozenPosition> rows;
  for (const pqxx::row& r : tx.exec_params(
           absl::StrCat("SELECT account_id, instrument_id, sod_long, sod_short, bought, sold,"
                        " eod_long, eod_short FROM eod_positions WHERE business_date = $2::date"
                        " AND ",
                        kOfMember,
                        " ORDER BY account_id COLLATE \"C\", instrument_id COLLATE \"C\""),
           member_id, DateParam(day))) {
    rows.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<int64_t>(),
                    r[3].as<int64_t>(), r[4].as<int64_t>(), r[5].as<int64_t>(), r[6].as<int64_t>(),
                    r[7].as<int64_t>()});
  }
  return rows;
}

void CopyVariationMargin(pqxx::transaction_base& tx, absl::CivilDay day,
                         const VariationRows& rows) {
  const std::string date = DateParam(day);
  if (!rows.margin->positions.empty()) {
    pqxx::stream_to copy(
        tx, "vm_position_marks",
        std::vector<std::string>{"business_date", "account_id", "instrument_id", "kind",
                                 "long_quantity", "short_quantity", "previous_settlement_micros",
                                 "settlement_micros", "amount_micros", "pass"});
    for (const settlement::PositionMark& m : rows.margin->positions) {
      copy << std::make_tuple(date, m.account_id, m.instrument_id, rows.kind, m.long_quantity,
                              m.short_quantity, m.previous_settlement_micros, m.settlement_micros,
                              m.amount_micros, rows.pass);
    }
    copy.complete();
  }
  if (!rows.margin->trades.empty()) {
    pqxx::stream_to copy(
        tx, "vm_trade_marks",
        std::vector<std::string>{"business_date", "trade_id", "side", "account_id", "instrument_id",
                                 "kind", "signed_quantity", "price_micros", "settlement_micros",
                                 "amount_micros", "pass"});
    for (const settlement::TradeMark& m : rows.margin->trades) {
      copy << std::make_tuple(date, m.trade_id, std::string(m.signed_quantity > 0 ? "B" : "S"),
                              m.account_id, m.instrument_id, rows.kind, m.signed_quantity,
                              m.price_micros, m.settlement_micros, m.amount_micros, rows.pass);
    }
    copy.complete();
  }
  for (const settlement::CashCall& c : rows.cash->calls) {
    tx.exec_params(
        "INSERT INTO vm_origin_totals (business_date, kind, member_id, origin, currency,"
        " amount_micros, amount_cents, pass) VALUES ($1::date, $2, $3, $4, $5, $6, $7, $8)",
        date, rows.kind, c.member_id, c.origin == clearing::Origin::kHouse ? "HOUSE" : "CUSTOMER",
        c.currency, c.amount_micros, c.amount_cents, rows.pass);
  }
  for (const settlement::CashResidual& r : rows.cash->residuals) {
    tx.exec_params(
        "INSERT INTO vm_rounding (business_date, kind, currency, ccp_rounding_cents, pass)"
        " VALUES ($1::date, $2, $3, $4, $5)",
        date, rows.kind, r.currency, r.ccp_rounding_cents, rows.pass);
  }
}

std::vector<OriginTotalRow> LoadOriginTotals(pqxx::transaction_base& tx, absl::CivilDay day,
                                             int pass, const std::string& member_id) {
  std::vector<OriginTotalRow> rows;
  for (const pqxx::row& r :
       tx.exec_params("SELECT kind, member_id, origin, currency, amount_micros, amount_cents"
                      " FROM vm_origin_totals WHERE business_date = $1::date AND pass = $3"
                      " AND ($2 = '' OR member_id = $2)"
                      " ORDER BY kind COLLATE \"C\", member_id COLLATE \"C\", origin DESC,"
                      " currency COLLATE \"C\"",
                      DateParam(day), member_id, pass)) {
    rows.push_back(
        {r[0].as<std::string>(), r[1].as<std::string>(),
         r[2].as<std::string>() == "HOUSE" ? clearing::Origin::kHouse : clearing::Origin::kCustomer,
         r[3].as<std::string>(), r[4].as<int64_t>(), r[5].as<int64_t>()});
  }
  return rows;
}

std::vector<RoundingRow> LoadRounding(pqxx::transaction_base& tx, absl::CivilDay day, int pass) {
  std::vector<RoundingRow> rows;
  for (const pqxx::row& r :
       tx.exec_params("SELECT kind, currency, ccp_rounding_cents FROM vm_rounding"
                      " WHERE business_date = $1::date AND pass = $2 ORDER BY kind COLLATE \"C\","
                      " currency COLLATE \"C\"",
                      DateParam(day), pass)) {
    rows.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<int64_t>()});
  }
  return rows;
}

absl::flat_hash_map<std::string, int64_t> SumStoredMarks(pqxx::transaction_base& tx,
                                                         absl::CivilDay day, int pass) {
  absl::flat_hash_map<std::string, int64_t> sums;
  for (const pqxx::row& r : tx.exec_params(
           "SELECT p.currency, sum(m.amount)::bigint FROM ("
           " SELECT instrument_id, amount_micros AS amount FROM vm_position_marks"
           "  WHERE business_date = $1::date AND pass = $2"
           " UNION ALL SELECT instrument_id, amount_micros FROM vm_trade_marks"
           "  WHERE business_date = $1::date AND pass = $2) m"
           " JOIN instruments i USING (instrument_id) JOIN products p USING (product_code)"
           " GROUP BY p.currency",
           DateParam(day), pass)) {
    sums[r[0].as<std::string>()] = r[1].as<int64_t>();
  }
  return sums;
}

std::optional<absl::CivilDay> LatestLockedPriceDate(pqxx::transaction_base& tx) {
  pqxx::result r =
      tx.exec("SELECT max(business_date) FROM settlement_price_sets WHERE status = 'LOCKED'");
  if (r[0][0].is_null()) return std::nullopt;
  return DateFromField(r[0][0]);
}

int64_t SupersedeLaterPriceSets(pqxx::transaction_base& tx, absl::CivilDay day) {
  return tx
      .exec_params(
          "UPDATE settlement_price_sets SET status = 'SUPERSEDED'"
          " WHERE business_date > $1::date AND status IN ('PROPOSED', 'APPROVED')",
          DateParam(day))
      .affected_rows();
}

std::vector<std::string> LoadExpiringInstruments(pqxx::transaction_base& tx, absl::CivilDay day) {
  std::vector<std::string> ids;
  for (const pqxx::row& r :
       tx.exec_params("SELECT instrument_id FROM instruments WHERE final_settlement_date = $1::date"
                      " ORDER BY instrument_id COLLATE \"C\"",
                      DateParam(day))) {
    ids.push_back(r[0].as<std::string>());
  }
  return ids;
}

bool HasOpenPositions(pqxx::transaction_base& tx, const std::string& instrument_id) {
  return !tx.exec_params(
                "SELECT 1 FROM positions WHERE instrument_id = $1"
                " AND (long_quantity <> 0 OR short_quantity <> 0) LIMIT 1",
                instrument_id)
              .empty();
}

int64_t ExpireInstruments(pqxx::transaction_base& tx, const std::vector<std::string>& instruments) {
  if (instruments.empty()) return 0;
  const std::string ids = TextArray(instruments);
  const pqxx::result closed = tx.exec_params(
      "UPDATE positions SET long_quantity = 0, short_quantity = 0"
      " WHERE instrument_id = ANY($1::text[]) AND (long_quantity <> 0 OR short_quantity <> 0)",
      ids);
  tx.exec_params(
      "UPDATE instruments SET status = 'EXPIRED' WHERE instrument_id = ANY($1::text[])"
      " AND status <> 'EXPIRED'",
      ids);
  return closed.affected_rows();
}

}  // namespace tc::store
