// PostgreSQL access for margin (migrations/0003_margin.sql): index histories, risk
// parameter sets with their four-eyes status, and the margin requirements of a business
// date. Like the other stores, every function runs inside the caller's transaction.
//
//   pool.Transact({}, [&](pqxx::work& tx) {
//     std::optional<ParameterSetRow> set = FindApprovedParameterSet(tx, day);
//     ...
//     int64_t changed = ReplaceMarginRequirements(tx, day, accounts, origins);
// Rows carry dates as absl::CivilDay and statuses and origins as enums: text exists only
// in the SQL.
//   });
#ifndef TOKENCLEAR_STORE_MARGIN_STORE_H_
#define TOKENCLEAR_STORE_MARGIN_STORE_H_

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "clearing/reference_data.h"
#include "margin/calibration.h"

namespace tc::store {

struct IndexValueRow {
  std::string index_code;
  absl::CivilDay business_date;
  int64_t value_micros = 0;
};

// Inserts, or overwrites a different value (not one of a date with an index fixing, which
// stays as fixed); returns the number of rows written.
int64_t UpsertIndexValues(pqxx::transaction_base& tx, const std::vector<IndexValueRow>& rows,
                          const std::string& loaded_by);

// The histories of `index_codes` up to and including `up_to` (YYYY-MM-DD), one per code
// that has values, ordered by code then date.
std::vector<margin::IndexHistory> LoadIndexHistories(pqxx::transaction_base& tx,
                                                     const std::vector<std::string>& index_codes,
                                                     absl::CivilDay up_to);

// Daily volume-weighted average prices of cleared, live (not cancelled or corrected)
// trades per contract, from `from` to `up_to` inclusive (YYYY-MM-DD): the price history the
// calendar-spread calibration uses until daily settlement prices exist. Rounded half away
// from zero to the micro-dollar (PostgreSQL's numeric round).
std::vector<margin::FuturesPriceHistory> LoadDailyTradePrices(
    pqxx::transaction_base& tx, const std::vector<std::string>& contract_ids, absl::CivilDay from,
    absl::CivilDay up_to);

enum class ParameterSetStatus { kDraft, kApproved, kSuperseded };
absl::string_view ParameterSetStatusName(ParameterSetStatus status);  // "DRAFT", ...

struct ParameterSetRow {
  std::string version;
  absl::CivilDay business_date;
  ParameterSetStatus status = ParameterSetStatus::kDraft;
  std::string created_by;
  std::string approved_by;  // empty while DRAFT
  std::string parameters;   // serialized bytes; empty in listings
};

void InsertParameterSet(pqxx::transaction_base& tx, const ParameterSetRow& row);

// How many sets were calibrated for the date (names the next version).
int64_t CountParameterSets(pqxx::transaction_base& tx, absl::CivilDay business_date);

// With `for_update`, the row stays locked until the transaction ends.
std::optional<ParameterSetRow> FindParameterSet(pqxx::transaction_base& tx,
                                                const std::string& version, bool for_update);

std::optional<ParameterSetRow> FindApprovedParameterSet(pqxx::transaction_base& tx,
                                                        absl::CivilDay business_date);

// Without parameters; newest first. No date = every date.
std::vector<ParameterSetRow> ListParameterSets(pqxx::transaction_base& tx,
                                               std::optional<absl::CivilDay> business_date);

// Marks the date's approved set SUPERSEDED and `version` APPROVED by `approver`.
void ApproveParameterSet(pqxx::transaction_base& tx, const ParameterSetRow& set,
                         const std::string& approver);

struct MarginRequirementRow {
  absl::CivilDay business_date;
  std::string account_id;
  std::string member_id;
  clearing::Origin origin = clearing::Origin::kHouse;
  int64_t maintenance_micros = 0;
  int64_t initial_micros = 0;
  std::string parameter_version;
  std::string breakdown_json;  // empty in listings
};

struct OriginRequirementRow {
  absl::CivilDay business_date;
  std::string member_id;
  clearing::Origin origin = clearing::Origin::kHouse;
  int64_t maintenance_micros = 0;
  int64_t initial_micros = 0;
  std::string parameter_version;
  int64_t account_count = 0;
};

// Makes the date's stored requirements exactly `accounts` and `origins`: inserts new
// rows, updates rows whose values differ, deletes rows no longer present. Returns how
// many rows that touched (0 when everything was already as given).
int64_t ReplaceMarginRequirements(pqxx::transaction_base& tx, absl::CivilDay business_date,
                                  const std::vector<MarginRequirementRow>& accounts,
                                  const std::vector<OriginRequirementRow>& origins);

// Ordered by member, then account or origin. Empty member = all.
std::vector<MarginRequirementRow> ListMarginRequirements(pqxx::transaction_base& tx,
                                                         absl::CivilDay business_date,
                                                         const std::string& member_id);
std::vector<OriginRequirementRow> ListOriginRequirements(pqxx::transaction_base& tx,
                                                         absl::CivilDay business_date,
                                                         const std::string& member_id);

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_MARGIN_STORE_H_
