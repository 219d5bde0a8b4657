// PostgreSQL access for index and fixings (migrations/0006_index.sql): per-index
// settings with documented defaults, the provider's observations, the guards' flags, the
// freeze history (kill switch) and the append-only daily fixings with their partition
// medians and the observations they used. Every function runs inside the caller's
// transaction; rows carry dates as absl::CivilDay, times as absl::Time (whole
// microseconds, PostgreSQL's precision) and digests as lowercase hex.
//
// The end-of-day run reads three of them:
//
//   pool.Transact({}, [&](pqxx::work& tx) {
//     IndexSettings settings = LoadIndexSettings(tx, "TOKFRONT");      // defaults if absent
//     settlement::SettlementWindow w = settlement::SettlementWindowOf(settings, day);
//     std::optional<int64_t> fixing = LoadFixingValue(tx, "TOKFRONT", day);
//     if (IsIndexFrozen(tx, "TOKFRONT")) ... refuse final settlement ...
//   });
#ifndef TOKENCLEAR_STORE_INDEX_STORE_H_
#define TOKENCLEAR_STORE_INDEX_STORE_H_

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "settlement/index_fixing.h"
#include "settlement/index_settings.h"

namespace tc::store {

// One definition of the settings and their defaults, the pure one
// (settlement/index_settings.h: window_start_minutes 930, window_minutes 30,
// partitions 6, min_partitions_filled 4, stale_after_seconds 900, max_jump_bps 2000).
using IndexSettings = settlement::IndexSettings;

// ---- Settings ----

// The stored settings of `index_code`, or the defaults when it has no row.
IndexSettings LoadIndexSettings(pqxx::transaction_base& tx, const std::string& index_code);

struct StoredIndexSettings {
  IndexSettings settings;
  std::string updated_by;
};
// The stored row only; nullopt when the index uses the defaults.
std::optional<StoredIndexSettings> FindIndexSettings(pqxx::transaction_base& tx,
                                                     const std::string& index_code);
// Inserts or replaces the row of settings.index_code (validated by the caller).
void UpsertIndexSettings(pqxx::transaction_base& tx, const IndexSettings& settings,
                         const std::string& updated_by, absl::Time updated_at);

// ---- Observations ----

struct IndexObservationRow {
  std::string observation_id;
  std::string index_code;
  absl::Time observed_at;
  int64_t value_micros = 0;
  std::string provider;
  std::string methodology_version;
  std::string payload_sha256_hex;
  std::string submitted_by;
  absl::Time submitted_at;
};

std::optional<IndexObservationRow> FindIndexObservation(pqxx::transaction_base& tx,
                                                        const std::string& observation_id);
// False when an observation with this ID exists (nothing written).
bool InsertIndexObservation(pqxx::transaction_base& tx, const IndexObservationRow& row);
// The value of the newest observation of `index_code` strictly before `before`.
std::optional<int64_t> PreviousObservationValue(pqxx::transaction_base& tx,
                                                const std::string& index_code, absl::Time before);
// Observations of `index_code` with from <= observed_at < to, in time order (then ID),
// plus, first, the newest one at or before `from` when `with_last_before` (the stale
// guard counts ages from it). At most kMaxObservationsPerWindow.
inline constexpr int kMaxObservationsPerWindow = 100'000;
std::vector<IndexObservationRow> LoadIndexObservations(pqxx::transaction_base& tx,
                                                       const std::string& index_code,
                                                       absl::Time from, absl::Time to,
                                                       bool with_last_before);

// ---- Flags ----

enum class IndexFlagKind { kStale, kJump };
absl::string_view IndexFlagKindName(IndexFlagKind kind);  // "STALE", "JUMP"

struct IndexFlagRow {
  int64_t flag_id = 0;
  std::string index_code;
  absl::CivilDay business_date;
  IndexFlagKind kind = IndexFlagKind::kStale;
  std::string observation_id;  // JUMP only
  std::string detail;
  std::string raised_by;
  absl::Time raised_at;
  std::string approved_by;  // empty while pending
  absl::Time approved_at;
  std::string approval_reason;
  bool approved() const { return !approved_by.empty(); }
};

// Inserts the flag unless the same finding is already flagged (one STALE flag per index
// and date, one JUMP flag per observation); the flag's ID either way.
struct RaisedFlag {
  int64_t flag_id = 0;
  bool raised_now = false;  // false: the finding was flagged before
};
RaisedFlag RaiseIndexFlag(pqxx::transaction_base& tx, const IndexFlagRow& row);
std::optional<IndexFlagRow> FindIndexFlag(pqxx::transaction_base& tx, int64_t flag_id,
                                          bool for_update);
// Filters are optional; oldest first. At most kMaxListedRows.
inline constexpr int kMaxListedRows = 10'000;
std::vector<IndexFlagRow> ListIndexFlags(pqxx::transaction_base& tx,
                                         const std::string& index_code,  // empty = all
                                         std::optional<absl::CivilDay> business_date,
                                         bool pending_only);
void ApproveIndexFlag(pqxx::transaction_base& tx, int64_t flag_id, const std::string& approved_by,
                      const std::string& reason, absl::Time approved_at);

// ---- Freezes ----

struct IndexFreezeRow {
  std::string index_code;
  bool frozen = false;
  std::string reason;
  std::string changed_by;
  absl::Time changed_at;
};
// The latest freeze or unfreeze of the index; nullopt when it never had one.
std::optional<IndexFreezeRow> LatestIndexFreeze(pqxx::transaction_base& tx,
                                                const std::string& index_code);
bool IsIndexFrozen(pqxx::transaction_base& tx, const std::string& index_code);
void AppendIndexFreeze(pqxx::transaction_base& tx, const IndexFreezeRow& row);

// ---- Fixings ----

struct FixingObservationRow {
  std::string observation_id;
  absl::Time observed_at;
  int64_t value_micros = 0;
};

struct IndexFixingRow {
  std::string index_code;
  absl::CivilDay fixing_date;
  int64_t value_micros = 0;
  std::string method_version;
  absl::Time window_start;
  absl::Time window_end;
  int partitions = 0;
  int min_partitions_filled = 0;
  std::vector<settlement::PartitionMedian> medians;  // in partition order
  int64_t observation_count = 0;
  std::string observations_sha256_hex;
  std::vector<FixingObservationRow> observations;  // in time order; empty in listings
  std::string computed_by;
  absl::Time computed_at;
};

// Writes the fixing, its medians and its observation references. The caller has checked
// that none exists (the primary key refuses a second one).
void InsertIndexFixing(pqxx::transaction_base& tx, const IndexFixingRow& row);
std::optional<IndexFixingRow> FindIndexFixing(pqxx::transaction_base& tx,
                                              const std::string& index_code,
                                              absl::CivilDay fixing_date, bool with_observations);
// Without observations; by date then index. At most kMaxListedRows.
std::vector<IndexFixingRow> ListIndexFixings(pqxx::transaction_base& tx,
                                             const std::string& index_code,  // empty = all
                                             std::optional<absl::CivilDay> from,
                                             std::optional<absl::CivilDay> to);
std::optional<int64_t> LoadFixingValue(pqxx::transaction_base& tx, const std::string& index_code,
                                       absl::CivilDay fixing_date);
// The value of the newest fixing of `index_code` dated before `before`.
std::optional<int64_t> PreviousFixingValue(pqxx::transaction_base& tx,
                                           const std::string& index_code, absl::CivilDay before);

// ---- The index history margin calibration reads (index_values, 0003_margin.sql) ----

std::optional<int64_t> FindIndexValue(pqxx::transaction_base& tx, const std::string& index_code,
                                      absl::CivilDay business_date);
// Inserts; the caller has checked that no row exists for the date.
void InsertIndexValue(pqxx::transaction_base& tx, const std::string& index_code,
                      absl::CivilDay business_date, int64_t value_micros,
                      const std::string& loaded_by);

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_INDEX_STORE_H_
