#include "store/margin_store.h"

#include "absl/strings/escaping.h"
#include "core/business_date.h"
#include "core/check.h"
#include "store/pg_array.h"
#include "store/pg_date.h"

namespace tc::store {
namespace {

constexpr char kParameterSetColumns[] =
    "SELECT version, business_date::text, status, created_by, coalesce(approved_by, ''),"
    " encode(parameters, 'hex') FROM risk_parameter_sets";

const char* OriginText(clearing::Origin origin) {
  return origin == clearing::Origin::kHouse ? "HOUSE" : "CUSTOMER";
}

// The schema allows only HOUSE and CUSTOMER.
clearing::Origin OriginFrom(const pqxx::field& field) {
  return field.as<std::string>() == "HOUSE" ? clearing::Origin::kHouse
                                            : clearing::Origin::kCustomer;
}

// The schema allows only the three names.
ParameterSetStatus StatusFrom(const pqxx::field& field) {
  const std::string text = field.as<std::string>();
  if (text == "DRAFT") return ParameterSetStatus::kDraft;
  if (text == "APPROVED") return ParameterSetStatus::kApproved;
  return ParameterSetStatus::kSuperseded;
}

ParameterSetRow ToParameterSet(const pqxx::row& r) {
  return {r[0].as<std::string>(), DateFromField(r[1]),
          StatusFrom(r[2]),       r[3].as<std::string>(),
          r[4].as<std::string>(), absl::HexStringToBytes(r[5].as<std::string>())};
}

std::optional<ParameterSetRow> OptionalSet(const pqxx::result& result) {
  if (result.empty()) return std::nullopt;
  return ToParameterSet(result[0]);
}

int64_t UpsertAccountRow(pqxx::transaction_base& tx, const MarginRequirementRow& r) {
  return tx
      .exec_params(
          "INSERT INTO margin_requirements AS m (business_date, account_id, member_id, origin,"
          " maintenance_micros, initial_micros, parameter_version, breakdown)"
          " VALUES ($1::date, $2, $3, $4, $5, $6, $7, $8::jsonb)"
          " ON CONFLICT (business_date, account_id) DO UPDATE SET"
          " member_id = EXCLUDED.member_id, origin = EXCLUDED.origin,"
          " maintenance_micros = EXCLUDED.maintenance_micros,"
          " initial_micros = EXCLUDED.initial_micros,"
          " parameter_version = EXCLUDED.parameter_version, breakdown = EXCLUDED.breakdown,"
          " computed_at = now()"
          " WHERE (m.member_id, m.origin, m.maintenance_micros, m.initial_micros,"
          "  m.parameter_version, m.breakdown) IS DISTINCT FROM (EXCLUDED.member_id,"
          "  EXCLUDED.origin, EXCLUDED.maintenance_micros, EXCLUDED.initial_micros,"
          "  EXCLUDED.parameter_version, EXCLUDED.breakdown)",
          DateParam(r.business_date), r.account_id, r.member_id, OriginText(r.origin),
          r.maintenance_micros, r.initial_micros, r.parameter_version, r.breakdown_json)
      .affected_rows();
}

int64_t UpsertOriginRow(pqxx::transaction_base& tx, const OriginRequirementRow& r) {
  return tx
      .exec_params(
          "INSERT INTO margin_origin_requirements AS o (business_date, member_id, origin,"
          " maintenance_micros, initial_micros, parameter_version, account_count)"
          " VALUES ($1::date, $2, $3, $4, $5, $6, $7)"
          " ON CONFLICT (business_date, member_id, origin) DO UPDATE SET"
          " maintenance_micros = EXCLUDED.maintenance_micros,"
          " initial_micros = EXCLUDED.initial_micros,"
          " parameter_version = EXCLUDED.parameter_version,"
          " account_count = EXCLUDED.account_count, computed_at = now()"
          " WHERE (o.maintenance_micros, o.initial_micros, o.parameter_version, o.account_count)"
          "  IS DISTINCT FROM (EXCLUDED.maintenance_micros, EXCLUDED.initial_micros,"
          "  EXCLUDED.parameter_version, EXCLUDED.account_count)",
          DateParam(r.business_date), r.member_id, OriginText(r.origin), r.maintenance_micros,
          r.initial_micros, r.parameter_version, r.account_count)
      .affected_rows();
}

}  // namespace

absl::string_view ParameterSetStatusName(ParameterSetStatus status) {
  switch (status) {
    case ParameterSetStatus::kDraft:
      return "DRAFT";
    case ParameterSetStatus::kApproved:
      return "APPROVED";
    case ParameterSetStatus::kSuperseded:
      return "SUPERSEDED";
  }
  return "SUPERSEDED";
}

int64_t UpsertIndexValues(pqxx::transaction_base& tx, const std::vector<IndexValueRow>& rows,
                          const std::string& loaded_by) {
  std::vector<std::string> codes, dates;
  std::vector<int64_t> values;
  for (const IndexValueRow& row : rows) {
    codes.push_back(row.index_code);
    dates.push_back(DateParam(row.business_date));
    values.push_back(row.value_micros);
  }
  return tx
      .exec_params(
          "INSERT INTO index_values (index_code, business_date, value_micros, loaded_by)"
          " SELECT c, d::date, v, $4 FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(c, d, "
          "v)"
          " ON CONFLICT (index_code, business_date) DO UPDATE SET"
          " value_micros = EXCLUDED.value_micros, loaded_by = EXCLUDED.loaded_by, loaded_at = "
          "now()"
          // The same value again writes nothing (a reload changes nothing), and a date the
          // house fixed itself keeps its fixing: calibration must read what settled.
          " WHERE index_values.value_micros <> EXCLUDED.value_micros AND NOT EXISTS ("
          "  SELECT 1 FROM index_fixings f WHERE f.index_code = EXCLUDED.index_code"
          "  AND f.fixing_date = EXCLUDED.business_date)",
          TextArray(codes), TextArray(dates), BigintArray(values), loaded_by)
      .affected_rows();
}

std::vector<margin::IndexHistory> LoadIndexHistories(pqxx::transaction_base& tx,
                                                     const std::vector<std::string>& index_codes,
                                                     absl::CivilDay up_to) {
  std::vector<margin::IndexHistory> histories;
  for (const pqxx::row& r :
       tx.exec_params("SELECT index_code, business_date::text, value_micros FROM index_values"
                      " WHERE index_code = ANY($1::text[]) AND business_date <= $2::date"
                      " ORDER BY index_code, business_date",
                      TextArray(index_codes), DateParam(up_to))) {
    const std::string code = r[0].as<std::string>();
    if (histories.empty() || histories.back().index_code != code) {
      histories.push_back({.index_code = code});
    }
    histories.back().values.push_back({DateFromField(r[1]), r[2].as<int64_t>()});
  }
  return histories;
}

std::vector<margin::FuturesPriceHistory> LoadDailyTradePrices(
    pqxx::transaction_base& tx, const std::vector<std::string>& contract_ids, absl::CivilDay from,
    absl::CivilDay up_to) {
  std::vector<margin::FuturesPriceHistory> histories;
  for (const pqxx::row& r : tx.exec_params(
           "SELECT t.instrument_id, t.trade_date::text,"
           " round(sum(t.price_micros::numeric * t.quantity) / sum(t.quantity))::bigint"
           " FROM trades t LEFT JOIN trade_cancellations c USING (trade_id)"
           " WHERE c.trade_id IS NULL AND t.instrument_id = ANY($1::text[])"
           "  AND t.trade_date BETWEEN $2::date AND $3::date"
           " GROUP BY t.instrument_id, t.trade_date ORDER BY t.instrument_id, t.trade_date",
           TextArray(contract_ids), DateParam(from), DateParam(up_to))) {
    const std::string contract = r[0].as<std::string>();
    if (histories.empty() || histories.back().contract_id != contract) {
      histories.push_back({.contract_id = contract});
    }
    histories.back().prices.push_back({DateFromField(r[1]), r[2].as<int64_t>()});
  }
  return histories;
}

void InsertParameterSet(pqxx::transaction_base& tx, const ParameterSetRow& row) {
  tx.exec_params(
      "INSERT INTO risk_parameter_sets (version, business_date, status, created_by, parameters)"
      " VALUES ($1, $2::date, $3, $4, decode($5, 'hex'))",
      row.version, DateParam(row.business_date), std::string(ParameterSetStatusName(row.status)),
      row.created_by, absl::BytesToHexString(row.parameters));
}

int64_t CountParameterSets(pqxx::transaction_base& tx, absl::CivilDay business_date) {
  return tx
      .exec_params1("SELECT count(*) FROM risk_parameter_sets WHERE business_date = $1::date",
                    DateParam(business_date))[0]
      .as<int64_t>();
}

std::optional<ParameterSetRow> FindParameterSet(pqxx::transaction_base& tx,
                                                const std::string& version, bool for_update) {
  return OptionalSet(tx.exec_params(
      std::string(kParameterSetColumns) + " WHERE version = $1" + (for_update ? " FOR UPDATE" : ""),
      version));
}

std::optional<ParameterSetRow> FindApprovedParameterSet(pqxx::transaction_base& tx,
                                                        absl::CivilDay business_date) {
  return OptionalSet(tx.exec_params(
      std::string(kParameterSetColumns) + " WHERE business_date = $1::date AND status = 'APPROVED'",
      DateParam(business_date)));
}

std::vector<ParameterSetRow> ListParameterSets(pqxx::transaction_base& tx,
                                               std::optional<absl::CivilDay> business_date) {
  std::vector<ParameterSetRow> rows;
  for (const pqxx::row& r : tx.exec_params(
           "SELECT version, business_date::text, status, created_by, coalesce(approved_by, ''),"
           " '' FROM risk_parameter_sets WHERE ($1 = '' OR business_date = $1::date)"
           " ORDER BY business_date DESC, created_at DESC, version DESC",
           business_date ? DateParam(*business_date) : "")) {
    rows.push_back(ToParameterSet(r));
  }
  return rows;
}

void ApproveParameterSet(pqxx::transaction_base& tx, const ParameterSetRow& set,
                         const std::string& approver) {
  tx.exec_params(
      "UPDATE risk_parameter_sets SET status = 'SUPERSEDED'"
      " WHERE business_date = $1::date AND status = 'APPROVED'",
      DateParam(set.business_date));
  tx.exec_params(
      "UPDATE risk_parameter_sets SET status = 'APPROVED', approved_by = $2, approved_at = now()"
      " WHERE version = $1",
      set.version, approver);
}

int64_t ReplaceMarginRequirements(pqxx::transaction_base& tx, absl::CivilDay business_date,
                                  const std::vector<MarginRequirementRow>& accounts,
                                  const std::vector<OriginRequirementRow>& origins) {
  int64_t changed = 0;
  std::vector<std::string> account_ids, origin_keys;
  for (const MarginRequirementRow& row : accounts) {
    changed += UpsertAccountRow(tx, row);
    account_ids.push_back(row.account_id);
  }
  for (const OriginRequirementRow& row : origins) {
    changed += UpsertOriginRow(tx, row);
    origin_keys.push_back(row.member_id + "/" + OriginText(row.origin));
  }
  changed += tx.exec_params(
                   "DELETE FROM margin_requirements WHERE business_date = $1::date"
                   " AND NOT (account_id = ANY($2::text[]))",
                   DateParam(business_date), TextArray(account_ids))
                 .affected_rows();
  changed += tx.exec_params(
                   "DELETE FROM margin_origin_requirements WHERE business_date = $1::date"
                   " AND NOT (member_id || '/' || origin = ANY($2::text[]))",
                   DateParam(business_date), TextArray(origin_keys))
                 .affected_rows();
  return changed;
}

std::vector<MarginRequirementRow> ListMarginRequirements(pqxx::transaction_base& tx,
                                                         absl::CivilDay business_date,
                                                         const std::string& member_id) {
  std::vector<MarginRequirementRow> rows;
  for (const pqxx::row& r : tx.exec_params(
           "SELECT business_date::text, account_id, member_id, origin, maintenance_micros,"
           " initial_micros, parameter_version FROM margin_requirements"
           " WHERE business_date = $1::date AND ($2 = '' OR member_id = $2)"
           " ORDER BY member_id, account_id",
           DateParam(business_date), member_id)) {
    rows.push_back({DateFromField(r[0]), r[1].as<std::string>(), r[2].as<std::string>(),
                    OriginFrom(r[3]), r[4].as<int64_t>(), r[5].as<int64_t>(),
                    r[6].as<std::string>(), ""});
  }
  return rows;
}

std::vector<OriginRequirementRow> ListOriginRequirements(pqxx::transaction_base& tx,
                                                         absl::CivilDay business_date,
                                                         const std::string& member_id) {
  std::vector<OriginRequirementRow> rows;
  for (const pqxx::row& r : tx.exec_params(
           "SELECT business_date::text, member_id, origin, maintenance_micros, initial_micros,"
           " parameter_version, account_count FROM margin_origin_requirements"
           " WHERE business_date = $1::date AND ($2 = '' OR member_id = $2)"
           " ORDER BY member_id, origin",
           DateParam(business_date), member_id)) {
    rows.push_back({DateFromField(r[0]), r[1].as<std::string>(), OriginFrom(r[2]),
                    r[3].as<int64_t>(), r[4].as<int64_t>(), r[5].as<std::string>(),
                    r[6].as<int64_t>()});
  }
  return rows;
}

}  // namespace tc::store
