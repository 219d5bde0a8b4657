#include "store/index_store.h"

#include "absl/strings/str_cat.h"
#include "core/check.h"
#include "store/pg_array.h"
#include "store/pg_date.h"
#include "store/pg_time.h"

namespace tc::store {
namespace {

constexpr char kObservationColumns[] =
    "observation_id, index_code, (extract(epoch FROM observed_at) * 1000000)::bigint,"
    " value_micros, provider, methodology_version, encode(payload_sha256, 'hex'), submitted_by,"
    " (extract(epoch FROM submitted_at) * 1000000)::bigint";

IndexObservationRow ObservationFromRow(const pqxx::row& r) {
  return {r[0].as<std::string>(), r[1].as<std::string>(), TimeFromField(r[2]),
          r[3].as<int64_t>(),     r[4].as<std::string>(), r[5].as<std::string>(),
          r[6].as<std::string>(), r[7].as<std::string>(), TimeFromField(r[8])};
}

constexpr char kFlagColumns[] =
    "flag_id, index_code, business_date::text, kind, coalesce(observation_id, ''), detail,"
    " raised_by, (extract(epoch FROM raised_at) * 1000000)::bigint, coalesce(approved_by, ''),"
    " coalesce((extract(epoch FROM approved_at) * 1000000)::bigint, 0),"
    " coalesce(approval_reason, '')";

IndexFlagRow FlagFromRow(const pqxx::row& r) {
  IndexFlagRow flag;
  flag.flag_id = r[0].as<int64_t>();
  flag.index_code = r[1].as<std::string>();
  flag.business_date = DateFromField(r[2]);
  flag.kind = r[3].as<std::string>() == "JUMP" ? IndexFlagKind::kJump : IndexFlagKind::kStale;
  flag.observation_id = r[4].as<std::string>();
  flag.detail = r[5].as<std::string>();
  flag.raised_by = r[6].as<std::string>();
  flag.raised_at = TimeFromField(r[7]);
  flag.approved_by = r[8].as<std::string>();
  flag.approved_at = TimeFromField(r[9]);
  flag.approval_reason = r[10].as<std::string>();
  return flag;
}

constexpr char kFixingColumns[] =
    "index_code, fixing_date::text, value_micros, method_version,"
    " (extract(epoch FROM window_start) * 1000000)::bigint,"
    " (extract(epoch FROM window_end) * 1000000)::bigint, partitions, min_partitions_filled,"
    " observation_count, encode(observations_sha256, 'hex'), computed_by,"
    " (extract(epoch FROM computed_at) * 1000000)::bigint";

IndexFixingRow FixingFromRow(const pqxx::row& r) {
  IndexFixingRow f;
  f.index_code = r[0].as<std::string>();
  f.fixing_date = DateFromField(r[1]);
  f.value_micros = r[2].as<int64_t>();
  f.method_version = r[3].as<std::string>();
  f.window_start = TimeFromField(r[4]);
  f.window_end = TimeFromField(r[5]);
  f.partitions = r[6].as<int>();
  f.min_partitions_filled = r[7].as<int>();
  f.observation_count = r[8].as<int64_t>();
  f.observations_sha256_hex = r[9].as<std::string>();
  f.computed_by = r[10].as<std::string>();
  f.computed_at = TimeFromField(r[11]);
  return f;
}

void LoadMedians(pqxx::transaction_base& tx, IndexFixingRow& f) {
  for (const pqxx::row& r : tx.exec_params(
           "SELECT partition_number, observation_count, median_micros FROM index_fixing_medians"
           " WHERE index_code = $1 AND fixing_date = $2::date ORDER BY partition_number",
           f.index_code, DateParam(f.fixing_date))) {
    f.medians.push_back({r[0].as<int>(), r[1].as<int64_t>(), r[2].as<int64_t>()});
  }
}

}  // namespace

// ---- Settings ----

std::optional<StoredIndexSettings> FindIndexSettings(pqxx::transaction_base& tx,
                                                     const std::string& index_code) {
  const pqxx::result r = tx.exec_params(
      "SELECT window_start_minutes, window_minutes, partitions, min_partitions_filled,"
      " stale_after_seconds, max_jump_bps, updated_by FROM index_settings WHERE index_code = $1",
      index_code);
  if (r.empty()) return std::nullopt;
  StoredIndexSettings stored;
  stored.settings = {.index_code = index_code,
                     .window_start_minutes = r[0][0].as<int>(),
                     .window_minutes = r[0][1].as<int>(),
                     .partitions = r[0][2].as<int>(),
                     .min_partitions_filled = r[0][3].as<int>(),
                     .stale_after_seconds = r[0][4].as<int64_t>(),
                     .max_jump_bps = r[0][5].as<int64_t>()};
  stored.updated_by = r[0][6].as<std::string>();
  return stored;
}

IndexSettings LoadIndexSettings(pqxx::transaction_base& tx, const std::string& index_code) {
  std::optional<StoredIndexSettings> stored = FindIndexSettings(tx, index_code);
  if (stored) return stored->settings;
  return IndexSettings{.index_code = index_code};
}

void UpsertIndexSettings(pqxx::transaction_base& tx, const IndexSettings& s,
                         const std::string& updated_by, absl::Time updated_at) {
  tx.exec_params(
      "INSERT INTO index_settings (index_code, window_start_minutes, window_minutes, partitions,"
      " min_partitions_filled, stale_after_seconds, max_jump_bps, updated_by, updated_at)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::timestamptz)"
      " ON CONFLICT (index_code) DO UPDATE SET"
      " window_start_minutes = EXCLUDED.window_start_minutes,"
      " window_minutes = EXCLUDED.window_minutes, partitions = EXCLUDED.partitions,"
      " min_partitions_filled = EXCLUDED.min_partitions_filled,"
      " stale_after_seconds = EXCLUDED.stale_after_seconds, max_jump_bps = EXCLUDED.max_jump_bps,"
      " updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at",
      s.index_code, s.window_start_minutes, s.window_minutes, s.partitions, s.min_partitions_filled,
      s.stale_after_seconds, s.max_jump_bps, updated_by, TimeParam(updated_at));
}

// ---- Observations ----

std::optional<IndexObservationRow> FindIndexObservation(pqxx::transaction_base& tx,
                                                        const std::string& observation_id) {
  const pqxx::result r =
      tx.exec_params(absl::StrCat("SELECT ", kObservationColumns,
                                  " FROM index_observations WHERE observation_id = $1"),
                     observation_id);
  if (r.empty()) return std::nullopt;
  return ObservationFromRow(r[0]);
}

bool InsertIndexObservation(pqxx::transaction_base& tx, const IndexObservationRow& row) {
  return tx.exec_params(
               "INSERT INTO index_observations (observation_id, index_code, observed_at,"
               " value_micros, provider, methodology_version, payload_sha256, submitted_by,"
               " submitted_at) VALUES ($1, $2, $3::timestamptz, $4, $5, $6, decode($7, 'hex'),"
               " $8, $9::timestamptz) ON CONFLICT (observation_id) DO NOTHING",
               row.observation_id, row.index_code, TimeParam(row.observed_at), row.value_micros,
               row.provider, row.methodology_version, row.payload_sha256_hex, row.submitted_by,
               TimeParam(row.submitted_at))
             .affected_rows() == 1;
}

std::optional<int64_t> PreviousObservationValue(pqxx::transaction_base& tx,
                                                const std::string& index_code, absl::Time before) {
  const pqxx::result r = tx.exec_params(
      "SELECT value_micros FROM index_observations WHERE index_code = $1"
      " AND observed_at < $2::timestamptz ORDER BY observed_at DESC, observation_id DESC LIMIT 1",
      index_code, TimeParam(before));
  if (r.empty()) return std::nullopt;
  return r[0][0].as<int64_t>();
}

std::vector<IndexObservationRow> LoadIndexObservations(pqxx::transaction_base& tx,
                                                       const std::string& index_code,
                                                       absl::Time from, absl::Time to,
                                                       bool with_last_before) {
  std::vector<IndexObservationRow> rows;
  if (with_last_before) {
    for (const pqxx::row& r :
         tx.exec_params(absl::StrCat("SELECT ", kObservationColumns,
                                     " FROM index_observations WHERE index_code = $1"
                                     " AND observed_at <= $2::timestamptz"
                                     " ORDER BY observed_at DESC, observation_id DESC LIMIT 1"),
                        index_code, TimeParam(from))) {
      rows.push_back(ObservationFromRow(r));
    }
  }
  for (const pqxx::row& r :
       tx.exec_params(absl::StrCat("SELECT ", kObservationColumns,
                                   " FROM index_observations WHERE index_code = $1"
                                   " AND observed_at >= $2::timestamptz"
                                   " AND observed_at < $3::timestamptz"
                                   " ORDER BY observed_at, observation_id LIMIT $4"),
                      index_code, TimeParam(from), TimeParam(to), kMaxObservationsPerWindow)) {
    // The newest one at `from` is both the last before and the first inside.
    if (!rows.empty() && rows.back().observation_id == r[0].as<std::string>()) continue;
    rows.push_back(ObservationFromRow(r));
  }
  return rows;
}

// ---- Flags ----

absl::string_view IndexFlagKindName(IndexFlagKind kind) {
  return kind == IndexFlagKind::kJump ? "JUMP" : "STALE";
}

RaisedFlag RaiseIndexFlag(pqxx::transaction_base& tx, const IndexFlagRow& row) {
  const pqxx::result inserted = tx.exec_params(
      "INSERT INTO index_flags (index_code, business_date, kind, observation_id, detail,"
      " raised_by, raised_at) VALUES ($1, $2::date, $3, nullif($4, ''), $5, $6,"
      " $7::timestamptz) ON CONFLICT DO NOTHING RETURNING flag_id",
      row.index_code, DateParam(row.business_date), std::string(IndexFlagKindName(row.kind)),
      row.observation_id, row.detail, row.raised_by, TimeParam(row.raised_at));
  if (!inserted.empty()) return {inserted[0][0].as<int64_t>(), true};
  // Already flagged: the existing flag of the same finding.
  const pqxx::result existing = row.kind == IndexFlagKind::kJump
                                    ? tx.exec_params(
                                          "SELECT flag_id FROM index_flags WHERE kind = 'JUMP'"
                                          " AND observation_id = $1",
                                          row.observation_id)
                                    : tx.exec_params(
                                          "SELECT flag_id FROM index_flags WHERE kind = 'STALE'"
                                          " AND index_code = $1 AND business_date = $2::date",
                                          row.index_code, DateParam(row.business_date));
  TC_CHECK(!existing.empty()) << "flag conflict without a flag for " << row.index_code;
  return {existing[0][0].as<int64_t>(), false};
}

std::optional<IndexFlagRow> FindIndexFlag(pqxx::transaction_base& tx, int64_t flag_id,
                                          bool for_update) {
  const pqxx::result r =
      tx.exec_params(absl::StrCat("SELECT ", kFlagColumns, " FROM index_flags WHERE flag_id = $1",
                                  for_update ? " FOR UPDATE" : ""),
                     flag_id);
  if (r.empty()) return std::nullopt;
  return FlagFromRow(r[0]);
}

std::vector<IndexFlagRow> ListIndexFlags(pqxx::transaction_base& tx, const std::string& index_code,
                                         std::optional<absl::CivilDay> business_date,
                                         bool pending_only) {
  std::vector<IndexFlagRow> flags;
  for (const pqxx::row& r : tx.exec_params(
           absl::StrCat("SELECT ", kFlagColumns,
                        " FROM index_flags WHERE ($1 = '' OR index_code = $1)"
                        " AND ($2 = '' OR business_date = $2::date)"
                        " AND (NOT $3 OR approved_by IS NULL) ORDER BY flag_id LIMIT $4"),
           index_code, business_date ? DateParam(*business_date) : std::string(), pending_only,
           kMaxListedRows)) {
    flags.push_back(FlagFromRow(r));
  }
  return flags;
}

void ApproveIndexFlag(pqxx::transaction_base& tx, int64_t flag_id, const std::string& approved_by,
                      const std::string& reason, absl::Time approved_at) {
  tx.exec_params(
      "UPDATE index_flags SET approved_by = $2, approval_reason = $3,"
      " approved_at = $4::timestamptz WHERE flag_id = $1",
      flag_id, approved_by, reason, TimeParam(approved_at));
}

// ---- Freezes ----

std::optional<IndexFreezeRow> LatestIndexFreeze(pqxx::transaction_base& tx,
                                                const std::string& index_code) {
  const pqxx::result r = tx.exec_params(
      absl::StrCat("SELECT frozen, reason, changed_by, ", EpochMicros("changed_at"),
                   " FROM index_freezes WHERE index_code = $1 ORDER BY event_id DESC LIMIT 1"),
      index_code);
  if (r.empty()) return std::nullopt;
  return IndexFreezeRow{index_code, r[0][0].as<bool>(), r[0][1].as<std::string>(),
                        r[0][2].as<std::string>(), TimeFromField(r[0][3])};
}

bool IsIndexFrozen(pqxx::transaction_base& tx, const std::string& index_code) {
  std::optional<IndexFreezeRow> latest = LatestIndexFreeze(tx, index_code);
  return latest && latest->frozen;
}

void AppendIndexFreeze(pqxx::transaction_base& tx, const IndexFreezeRow& row) {
  tx.exec_params(
      "INSERT INTO index_freezes (index_code, frozen, reason, changed_by, changed_at)"
      " VALUES ($1, $2, $3, $4, $5::timestamptz)",
      row.index_code, row.frozen, row.reason, row.changed_by, TimeParam(row.changed_at));
}

// ---- Fixings ----

void InsertIndexFixing(pqxx::transaction_base& tx, const IndexFixingRow& f) {
  const std::string date = DateParam(f.fixing_date);
  tx.exec_params(
      "INSERT INTO index_fixings (index_code, fixing_date, value_micros, method_version,"
      " window_start, window_end, partitions, min_partitions_filled, observation_count,"
      " observations_sha256, computed_by, computed_at) VALUES ($1, $2::date, $3, $4,"
      " $5::timestamptz, $6::timestamptz, $7, $8, $9, decode($10, 'hex'), $11, $12::timestamptz)",
      f.index_code, date, f.value_micros, f.method_version, TimeParam(f.window_start),
      TimeParam(f.window_end), f.partitions, f.min_partitions_filled, f.observation_count,
      f.observations_sha256_hex, f.computed_by, TimeParam(f.computed_at));
  std::vector<int64_t> partitions, counts, medians;
  for (const settlement::PartitionMedian& m : f.medians) {
    partitions.push_back(m.partition);
    counts.push_back(m.observation_count);
    medians.push_back(m.median_micros);
  }
  tx.exec_params(
      "INSERT INTO index_fixing_medians (index_code, fixing_date, partition_number,"
      " observation_count, median_micros)"
      " SELECT $1, $2::date, p, c, m FROM unnest($3::bigint[], $4::bigint[], $5::bigint[])"
      " AS u(p, c, m)",
      f.index_code, date, BigintArray(partitions), BigintArray(counts), BigintArray(medians));
  std::vector<std::string> ids;
  for (const FixingObservationRow& o : f.observations) ids.push_back(o.observation_id);
  tx.exec_params(
      "INSERT INTO index_fixing_observations (index_code, fixing_date, observation_id)"
      " SELECT $1, $2::date, id FROM unnest($3::text[]) AS u(id)",
      f.index_code, date, TextArray(ids));
}

std::optional<IndexFixingRow> FindIndexFixing(pqxx::transaction_base& tx,
                                              const std::string& index_code,
                                              absl::CivilDay fixing_date, bool with_observations) {
  const pqxx::result r = tx.exec_params(
      absl::StrCat("SELECT ", kFixingColumns,
                   " FROM index_fixings WHERE index_code = $1 AND fixing_date = $2::date"),
      index_code, DateParam(fixing_date));
  if (r.empty()) return std::nullopt;
  IndexFixingRow f = FixingFromRow(r[0]);
  LoadMedians(tx, f);
  if (with_observations) {
    for (const pqxx::row& o :
         tx.exec_params(absl::StrCat("SELECT o.observation_id, ", EpochMicros("o.observed_at"),
                                     ", o.value_micros FROM index_fixing_observations f"
                                     " JOIN index_observations o USING (observation_id)"
                                     " WHERE f.index_code = $1 AND f.fixing_date = $2::date"
                                     " ORDER BY o.observed_at, o.observation_id"),
                        index_code, DateParam(fixing_date))) {
      f.observations.push_back({o[0].as<std::string>(), TimeFromField(o[1]), o[2].as<int64_t>()});
    }
  }
  return f;
}

std::vector<IndexFixingRow> ListIndexFixings(pqxx::transaction_base& tx,
                                             const std::string& index_code,
                                             std::optional<absl::CivilDay> from,
                                             std::optional<absl::CivilDay> to) {
  std::vector<IndexFixingRow> fixings;
  for (const pqxx::row& r :
       tx.exec_params(absl::StrCat("SELECT ", kFixingColumns,
                                   " FROM index_fixings WHERE ($1 = '' OR index_code = $1)"
                                   " AND ($2 = '' OR fixing_date >= $2::date)"
                                   " AND ($3 = '' OR fixing_date <= $3::date)"
                                   " ORDER BY fixing_date, index_code LIMIT $4"),
                      index_code, from ? DateParam(*from) : std::string(),
                      to ? DateParam(*to) : std::string(), kMaxListedRows)) {
    fixings.push_back(FixingFromRow(r));
  }
  for (IndexFixingRow& f : fixings) LoadMedians(tx, f);
  return fixings;
}

std::optional<int64_t> LoadFixingValue(pqxx::transaction_base& tx, const std::string& index_code,
                                       absl::CivilDay fixing_date) {
  const pqxx::result r = tx.exec_params(
      "SELECT value_micros FROM index_fixings WHERE index_code = $1 AND fixing_date = $2::date",
      index_code, DateParam(fixing_date));
  if (r.empty()) return std::nullopt;
  return r[0][0].as<int64_t>();
}

std::optional<int64_t> PreviousFixingValue(pqxx::transaction_base& tx,
                                           const std::string& index_code, absl::CivilDay before) {
  const pqxx::result r = tx.exec_params(
      "SELECT value_micros FROM index_fixings WHERE index_code = $1 AND fixing_date < $2::date"
      " ORDER BY fixing_date DESC LIMIT 1",
      index_code, DateParam(before));
  if (r.empty()) return std::nullopt;
  return r[0][0].as<int64_t>();
}

// ---- index_values ----

std::optional<int64_t> FindIndexValue(pqxx::transaction_base& tx, const std::string& index_code,
                                      absl::CivilDay business_date) {
  const pqxx::result r = tx.exec_params(
      "SELECT value_micros FROM index_values WHERE index_code = $1 AND business_date = $2::date",
      index_code, DateParam(business_date));
  if (r.empty()) return std::nullopt;
  return r[0][0].as<int64_t>();
}

void InsertIndexValue(pqxx::transaction_base& tx, const std::string& index_code,
                      absl::CivilDay business_date, int64_t value_micros,
                      const std::string& loaded_by) {
  tx.exec_params(
      "INSERT INTO index_values (index_code, business_date, value_micros, loaded_by)"
      " VALUES ($1, $2::date, $3, $4)",
      index_code, DateParam(business_date), value_micros, loaded_by);
}

}  // namespace tc::store
