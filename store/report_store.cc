#include "store/report_store.h"

#include <algorithm>
#include <map>

#include "absl/strings/escaping.h"
#include "settlement/ledger.h"
#include "store/cash_store.h"
#include "store/pg_date.h"

namespace tc::store {
namespace {

clearing::Origin OriginOf(const pqxx::field& field) {
  // The schema's CHECK allows the two names only.
  return settlement::OriginFromName(field.as<std::string>()).value_or(clearing::Origin::kHouse);
}

Sha256Digest DigestOf(const pqxx::field& hex_field) {
  const std::string bytes = absl::HexStringToBytes(hex_field.as<std::string>());
  Sha256Digest digest{};
  std::copy_n(bytes.begin(), std::min(bytes.size(), digest.size()), digest.begin());
  return digest;
}

void LoadReferenceRows(pqxx::transaction_base& tx, absl::CivilDay day, reporting::ReportDay& out) {
  for (const pqxx::row& r : tx.exec("SELECT member_id, name, lei FROM members ORDER BY 1")) {
    out.members.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>()});
  }
  for (const pqxx::row& r : tx.exec("SELECT account_id, member_id, origin,"
                                    " coalesce(customer_name, '') FROM accounts ORDER BY 1")) {
    out.accounts.push_back(
        {r[0].as<std::string>(), r[1].as<std::string>(), OriginOf(r[2]), r[3].as<std::string>()});
  }
  // The months held or traded on the date, at the prices the run locked.
  for (const pqxx::row& r : tx.exec_params(
           "SELECT i.instrument_id, i.product_code, i.contract_month, p.currency,"
           " coalesce(sp.price_micros, 0), coalesce(sp.previous_settlement_micros, 0)"
           " FROM instruments i JOIN products p USING (product_code)"
           " LEFT JOIN settlement_prices sp ON sp.instrument_id = i.instrument_id"
           "  AND sp.business_date = $1::date"
           "  AND sp.version = (SELECT price_version FROM eod_runs WHERE business_date = $1::date)"
           " WHERE i.instrument_id IN"
           "  (SELECT instrument_id FROM eod_positions WHERE business_date = $1::date)"
           " ORDER BY 1",
           DateParam(day))) {
    out.instruments.push_back({r[0].as<std::string>(), r[1].as<std::string>(),
                               r[2].as<std::string>(), r[3].as<std::string>(), r[4].as<int64_t>(),
                               r[5].as<int64_t>()});
  }
}

void LoadPositionRows(pqxx::transaction_base& tx, absl::CivilDay day, int pass,
                      reporting::ReportDay& out) {
  for (const pqxx::row& r : tx.exec_params(
           "WITH marks AS ("
           "  SELECT account_id, instrument_id, kind, amount_micros FROM vm_position_marks"
           "   WHERE business_date = $1::date AND pass = $2"
           "  UNION ALL"
           "  SELECT account_id, instrument_id, kind, amount_micros FROM vm_trade_marks"
           "   WHERE business_date = $1::date AND pass = $2),"
           " sums AS ("
           "  SELECT account_id, instrument_id,"
           "   coalesce(sum(amount_micros) FILTER (WHERE kind = 'DAILY'), 0)::bigint AS daily,"
           "   coalesce(sum(amount_micros) FILTER (WHERE kind = 'FINAL'), 0)::bigint AS final"
           "  FROM marks GROUP BY 1, 2)"
           " SELECT e.account_id, e.instrument_id, e.sod_long, e.sod_short, e.bought, e.sold,"
           "  e.eod_long, e.eod_short, coalesce(s.daily, 0), coalesce(s.final, 0)"
           " FROM eod_positions e LEFT JOIN sums s USING (account_id, instrument_id)"
           " WHERE e.business_date = $1::date ORDER BY 1, 2",
           DateParam(day), pass)) {
    out.positions.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<int64_t>(),
                             r[3].as<int64_t>(), r[4].as<int64_t>(), r[5].as<int64_t>(),
                             r[6].as<int64_t>(), r[7].as<int64_t>(), r[8].as<int64_t>(),
                             r[9].as<int64_t>()});
  }
  for (const pqxx::row& r : tx.exec_params(
           "SELECT account_id, initial_micros, maintenance_micros FROM margin_requirements"
           " WHERE business_date = $1::date ORDER BY 1",
           DateParam(day))) {
    out.margins.push_back({r[0].as<std::string>(), r[1].as<int64_t>(), r[2].as<int64_t>()});
  }
}

void LoadOriginCash(pqxx::transaction_base& tx, absl::CivilDay day, int pass,
                    reporting::ReportDay& out) {
  std::map<OriginKey, reporting::ReportOriginCash> cash;
  auto at = [&](const std::string& member, clearing::Origin origin,
                const std::string& currency) -> reporting::ReportOriginCash& {
    reporting::ReportOriginCash& row = cash[{member, origin, currency}];
    row.member_id = member;
    row.origin = origin;
    row.currency = currency;
    return row;
  };
  for (const settlement::OriginValuation& v : LoadValuations(tx, day)) {
    reporting::ReportOriginCash& row = at(v.member_id, v.origin, v.currency);
    row.im_required_cents = v.requirement_cents;
    row.im_on_deposit_cents = v.value_cents;
  }
  for (const pqxx::row& r :
       tx.exec_params("SELECT member_id, origin, currency, kind, amount_cents FROM vm_origin_totals"
                      " WHERE business_date = $1::date AND pass = $2",
                      DateParam(day), pass)) {
    reporting::ReportOriginCash& row =
        at(r[0].as<std::string>(), OriginOf(r[1]), r[2].as<std::string>());
    (r[3].as<std::string>() == "DAILY" ? row.variation_cents : row.final_settlement_cents) =
        r[4].as<int64_t>();
  }
  for (const pqxx::row& r : tx.exec_params(
           "SELECT member_id, origin, currency,"
           " coalesce(sum(amount_cents) FILTER (WHERE kind = 'CASH_DEPOSIT'), 0)::bigint,"
           " coalesce(sum(amount_cents) FILTER (WHERE kind = 'CASH_WITHDRAWAL'), 0)::bigint"
           " FROM collateral_movements WHERE business_date = $1::date"
           "  AND kind IN ('CASH_DEPOSIT', 'CASH_WITHDRAWAL') GROUP BY 1, 2, 3",
           DateParam(day))) {
    reporting::ReportOriginCash& row =
        at(r[0].as<std::string>(), OriginOf(r[1]), r[2].as<std::string>());
    row.collateral_deposit_cents = r[3].as<int64_t>();
    row.collateral_withdrawal_cents = r[4].as<int64_t>();
  }
  const std::optional<int> obligation_pass =
      LatestObligationPass(tx, day, "EOD", ObligationStage::kIndicative);
  if (obligation_pass) {
    for (const ObligationRow& o :
         LoadObligations(tx, {day, "EOD", ObligationStage::kIndicative, ""})) {
      if (o.pass != *obligation_pass) continue;
      reporting::ReportOriginCash& row =
          at(o.obligation.member_id, o.obligation.origin, o.obligation.currency);
      row.im_call_cents = o.obligation.im_call_cents;
      row.release_cents = o.obligation.release_cents;
    }
  }
  for (auto& [key, row] : cash) out.origins.push_back(std::move(row));
}

}  // namespace

reporting::ReportDay LoadReportDay(pqxx::transaction_base& tx, absl::CivilDay day, int pass) {
  reporting::ReportDay out;
  out.business_date = day;
  out.pass = pass;
  LoadReferenceRows(tx, day, out);
  LoadPositionRows(tx, day, pass, out);
  LoadOriginCash(tx, day, pass, out);
  return out;
}

reporting::ReportableLevels LoadReportableLevels(pqxx::transaction_base& tx) {
  reporting::ReportableLevels levels;
  for (const pqxx::row& r :
       tx.exec("SELECT product_code, level_contracts FROM reportable_levels ORDER BY 1")) {
    const std::string product = r[0].as<std::string>();
    if (product == "*") {
      levels.default_contracts = r[1].as<int64_t>();
    } else {
      levels.by_product[product] = r[1].as<int64_t>();
    }
  }
  return levels;
}

int64_t UpsertReportableLevel(pqxx::transaction_base& tx, const std::string& product_code,
                              int64_t level_contracts) {
  return tx
      .exec_params(
          "INSERT INTO reportable_levels VALUES ($1, $2) ON CONFLICT (product_code) DO UPDATE"
          " SET level_contracts = EXCLUDED.level_contracts"
          " WHERE reportable_levels.level_contracts <> EXCLUDED.level_contracts",
          product_code, level_contracts)
      .affected_rows();
}

bool ProductExists(pqxx::transaction_base& tx, const std::string& product_code) {
  return !tx.exec_params("SELECT 1 FROM products WHERE product_code = $1", product_code).empty();
}

void InsertReportFiles(pqxx::transaction_base& tx, const std::vector<ReportFileRow>& files) {
  for (const ReportFileRow& f : files) {
    tx.exec_params(
        "INSERT INTO report_files VALUES ($1::date, $2, $3, $4, $5, decode($6, 'hex'), $7, $8)",
        DateParam(f.business_date), f.pass, f.kind, f.name, f.content, ToHex(f.content_sha256),
        f.size_bytes, f.row_count);
  }
}

namespace {

std::vector<ReportFileRow> SelectReportFiles(pqxx::transaction_base& tx, absl::CivilDay day,
                                             bool with_content, bool latest_pass_only) {
  std::vector<ReportFileRow> out;
  for (const pqxx::row& r :
       tx.exec_params("SELECT pass, kind, name, CASE WHEN $2 THEN content ELSE '' END,"
                      " encode(content_sha256, 'hex'), size_bytes, row_count FROM report_files"
                      " WHERE business_date = $1::date AND (NOT $3 OR pass ="
                      "  (SELECT max(pass) FROM report_files WHERE business_date = $1::date))"
                      " ORDER BY pass, kind",
                      DateParam(day), with_content, latest_pass_only)) {
    out.push_back({day, r[0].as<int>(), r[1].as<std::string>(), r[2].as<std::string>(),
                   r[3].as<std::string>(), DigestOf(r[4]), r[5].as<int64_t>(), r[6].as<int64_t>()});
  }
  return out;
}

}  // namespace

std::vector<ReportFileRow> ListReportFiles(pqxx::transaction_base& tx, absl::CivilDay day,
                                           bool with_content) {
  return SelectReportFiles(tx, day, with_content, true);
}

std::vector<ReportFileRow> ListReportFilesOfAllPasses(pqxx::transaction_base& tx,
                                                      absl::CivilDay day, bool with_content) {
  return SelectReportFiles(tx, day, with_content, false);
}

}  // namespace tc::store
