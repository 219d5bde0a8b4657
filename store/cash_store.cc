#include "store/cash_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/check.h"
#include "settlement/ledger.h"
#include "store/pg_array.h"
#include "store/pg_date.h"
#include "store/pg_time.h"

namespace tc::store {
namespace {

// The bound of an "on or before" query. absl::CivilDay::max() (everything so far) lies
// beyond PostgreSQL's date range, which refuses it: it is the date 'infinity' there.
std::string AsOfParam(absl::CivilDay as_of) {
  return as_of.year() > 9999 ? std::string("infinity") : DateParam(as_of);
}

std::string OriginText(clearing::Origin origin) {
  return std::string(settlement::OriginName(origin));
}

// Our own column, CHECKed to HOUSE or CUSTOMER.
clearing::Origin OriginOf(const pqxx::field& field) {
  return field.as<std::string>() == "HOUSE" ? clearing::Origin::kHouse
                                            : clearing::Origin::kCustomer;
}

OriginKey KeyOf(const pqxx::row& r, int member, int origin, int currency) {
  return {r[member].as<std::string>(), OriginOf(r[origin]), r[currency].as<std::string>()};
}

std::map<OriginKey, int64_t> CentsByKey(const pqxx::result& rows) {
  std::map<OriginKey, int64_t> out;
  for (const pqxx::row& r : rows) out[KeyOf(r, 0, 1, 2)] = r[3].as<int64_t>();
  return out;
}

constexpr std::pair<MovementKind, const char*> kMovementKinds[] = {
    {MovementKind::kCashDeposit, "CASH_DEPOSIT"},
    {MovementKind::kCashWithdrawal, "CASH_WITHDRAWAL"},
    {MovementKind::kSecuritiesDeposit, "SECURITIES_DEPOSIT"},
    {MovementKind::kSecuritiesWithdrawal, "SECURITIES_WITHDRAWAL"}};

MovementKind MovementKindOf(const std::string& name) {
  for (const auto& [kind, text] : kMovementKinds) {
    if (name == text) return kind;
  }
  TC_CHECK(false) << "collateral movement kind " << name;
  return MovementKind::kCashDeposit;
}

constexpr char kMovementColumns[] =
    "movement_id, idempotency_key, encode(payload_sha256, 'hex'), business_date::text,"
    " member_id, origin, kind, currency, amount_cents, coalesce(security_id, ''), journal_key,"
    " requested_by, (extract(epoch FROM requested_at) * 1000000)::bigint";

CollateralMovementRow MovementFromRow(const pqxx::row& r) {
  CollateralMovementRow m;
  m.movement_id = r[0].as<int64_t>();
  m.idempotency_key = r[1].as<std::string>();
  m.payload_sha256_hex = r[2].as<std::string>();
  m.business_date = DateFromField(r[3]);
  m.member_id = r[4].as<std::string>();
  m.origin = OriginOf(r[5]);
  m.kind = MovementKindOf(r[6].as<std::string>());
  m.currency = r[7].as<std::string>();
  m.amount_cents = r[8].as<int64_t>();
  m.security_id = r[9].as<std::string>();
  m.journal_key = r[10].as<std::string>();
  m.requested_by = r[11].as<std::string>();
  m.requested_at = TimeFromField(r[12]);
  return m;
}

constexpr char kValuationColumns[] =
    "business_date::text, pass, member_id, origin, currency, cash_cents, securities_market_cents,"
    " securities_after_haircut_cents, securities_counted_cents, value_cents, requirement_cents,"
    " excess_cents";

ValuationRow ValuationFromRow(const pqxx::row& r) {
  ValuationRow row;
  row.business_date = DateFromField(r[0]);
  row.pass = r[1].as<int>();
  settlement::OriginValuation& v = row.valuation;
  v.member_id = r[2].as<std::string>();
  v.origin = OriginOf(r[3]);
  v.currency = r[4].as<std::string>();
  v.cash_cents = r[5].as<int64_t>();
  v.securities_market_cents = r[6].as<int64_t>();
  v.securities_after_haircut_cents = r[7].as<int64_t>();
  v.securities_counted_cents = r[8].as<int64_t>();
  v.value_cents = r[9].as<int64_t>();
  v.requirement_cents = r[10].as<int64_t>();
  v.excess_cents = r[11].as<int64_t>();
  return row;
}

constexpr char kObligationColumns[] =
    "business_date::text, cycle, stage, pass, member_id, origin, currency, vm_cents,"
    " requirement_cents, collateral_value_cents, pending_call_cents, deficit_cents,"
    " im_call_cents, release_cents, net_cents";

ObligationRow ObligationFromRow(const pqxx::row& r) {
  ObligationRow row;
  row.business_date = DateFromField(r[0]);
  row.cycle = r[1].as<std::string>();
  row.stage =
      r[2].as<std::string>() == "FINAL" ? ObligationStage::kFinal : ObligationStage::kIndicative;
  row.pass = r[3].as<int>();
  settlement::Obligation& o = row.obligation;
  o.member_id = r[4].as<std::string>();
  o.origin = OriginOf(r[5]);
  o.currency = r[6].as<std::string>();
  o.vm_cents = r[7].as<int64_t>();
  o.requirement_cents = r[8].as<int64_t>();
  o.collateral_value_cents = r[9].as<int64_t>();
  o.pending_call_cents = r[10].as<int64_t>();
  o.deficit_cents = r[11].as<int64_t>();
  o.im_call_cents = r[12].as<int64_t>();
  o.release_cents = r[13].as<int64_t>();
  o.net_cents = r[14].as<int64_t>();
  return row;
}

constexpr char kInstructionColumns[] =
    "instruction_id, business_date::text, cycle, member_id, origin, currency, direction,"
    " amount_cents, vm_cents, im_call_cents, release_cents, bank_aba, member_account_number,"
    " ccp_account_number, mandate_id, mandate_signed::text,"
    " (extract(epoch FROM created_at) * 1000000)::bigint,"
    " (extract(epoch FROM deadline_at) * 1000000)::bigint, coalesce(message_id, ''), status,"
    " (extract(epoch FROM confirmed_at) * 1000000)::bigint,"
    " coalesce(confirmation_fingerprint, ''), coalesce(confirmation_reference, ''),"
    " coalesce(journal_key, '')";

PaymentInstructionRow InstructionFromRow(const pqxx::row& r) {
  PaymentInstructionRow p;
  p.instruction_id = r[0].as<std::string>();
  p.business_date = DateFromField(r[1]);
  p.cycle = r[2].as<std::string>();
  p.member_id = r[3].as<std::string>();
  p.origin = OriginOf(r[4]);
  p.currency = r[5].as<std::string>();
  p.collect = r[6].as<std::string>() == "COLLECT";
  p.amount_cents = r[7].as<int64_t>();
  p.vm_cents = r[8].as<int64_t>();
  p.im_call_cents = r[9].as<int64_t>();
  p.release_cents = r[10].as<int64_t>();
  p.bank_aba = r[11].as<std::string>();
  p.member_account_number = r[12].as<std::string>();
  p.ccp_account_number = r[13].as<std::string>();
  p.mandate_id = r[14].as<std::string>();
  p.mandate_signed = DateFromField(r[15]);
  p.created_at = TimeFromField(r[16]);
  p.deadline_at = TimeFromField(r[17]);
  p.message_id = r[18].as<std::string>();
  p.status = r[19].as<std::string>() == "CONFIRMED" ? InstructionStatus::kConfirmed
                                                    : InstructionStatus::kInstructed;
  if (!r[20].is_null()) p.confirmed_at = TimeFromField(r[20]);
  p.confirmation_fingerprint = r[21].as<std::string>();
  p.confirmation_reference = r[22].as<std::string>();
  p.journal_key = r[23].as<std::string>();
  return p;
}

constexpr char kConfirmationColumns[] =
    "confirmation_id, source, source_key, fingerprint, array_to_string(end_to_end_ids, ' '),"
    " amount_cents, currency,"
    " account_id, credit_debit, entry_status, outcome, coalesce(break_reason, ''), detail,"
    " received_by, (extract(epoch FROM received_at) * 1000000)::bigint";

ConfirmationRow ConfirmationFromRow(const pqxx::row& r) {
  ConfirmationRow c;
  c.confirmation_id = r[0].as<int64_t>();
  c.source = r[1].as<std::string>();
  c.source_key = r[2].as<std::string>();
  c.fingerprint = r[3].as<std::string>();
  c.end_to_end_ids = absl::StrSplit(r[4].as<std::string>(), ' ', absl::SkipEmpty());
  c.amount_cents = r[5].as<int64_t>();
  c.currency = r[6].as<std::string>();
  c.account_id = r[7].as<std::string>();
  c.credit_debit = r[8].as<std::string>();
  c.entry_status = r[9].as<std::string>();
  c.outcome = r[10].as<std::string>();
  c.break_reason = r[11].as<std::string>();
  c.detail = r[12].as<std::string>();
  c.received_by = r[13].as<std::string>();
  c.received_at = TimeFromField(r[14]);
  return c;
}

constexpr char kFlagColumns[] =
    "flag_id, member_id, flag, instruction_id, reason,"
    " (extract(epoch FROM raised_at) * 1000000)::bigint, raised_by,"
    " (extract(epoch FROM cured_at) * 1000000)::bigint, coalesce(cured_by, '')";

MemberFlagRow FlagFromRow(const pqxx::row& r) {
  MemberFlagRow f;
  f.flag_id = r[0].as<int64_t>();
  f.member_id = r[1].as<std::string>();
  f.flag = r[2].as<std::string>();
  f.instruction_id = r[3].as<std::string>();
  f.reason = r[4].as<std::string>();
  f.raised_at = TimeFromField(r[5]);
  f.raised_by = r[6].as<std::string>();
  if (!r[7].is_null()) f.cured_at = TimeFromField(r[7]);
  f.cured_by = r[8].as<std::string>();
  return f;
}

}  // namespace

TreasurySettingsRow LoadTreasurySettings(pqxx::transaction_base& tx) {
  const pqxx::row r = tx.exec1(
      "SELECT ccp_name, ccp_lei, collect_deadline_seconds, intraday_call_threshold_cents"
      " FROM treasury_settings");
  return {r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<int32_t>(), r[3].as<int64_t>()};
}

int64_t SaveTreasurySettings(pqxx::transaction_base& tx, const TreasurySettingsRow& row) {
  return tx
      .exec_params(
          "UPDATE treasury_settings SET ccp_name = $1, ccp_lei = $2,"
          " collect_deadline_seconds = $3, intraday_call_threshold_cents = $4"
          " WHERE (ccp_name, ccp_lei, collect_deadline_seconds, intraday_call_threshold_cents)"
          " IS DISTINCT FROM ($1, $2::char(20), $3, $4)",
          row.ccp_name, row.ccp_lei, row.collect_deadline_seconds,
          row.intraday_call_threshold_cents)
      .affected_rows();
}

int64_t UpsertCcpBankAccount(pqxx::transaction_base& tx, const CcpBankAccountRow& row) {
  return tx
      .exec_params(
          "INSERT INTO ccp_bank_accounts AS a VALUES ($1, $2, $3)"
          " ON CONFLICT (bank_aba, currency) DO UPDATE SET account_number = excluded.account_number"
          " WHERE a.account_number <> excluded.account_number",
          row.bank_aba, row.currency, row.account_number)
      .affected_rows();
}

int64_t UpsertMemberBankAccount(pqxx::transaction_base& tx, const MemberBankAccountRow& row) {
  return tx
      .exec_params(
          "INSERT INTO member_bank_accounts AS a VALUES ($1, $2, $3, $4, $5, $6, $7::date)"
          " ON CONFLICT (member_id, origin, currency) DO UPDATE SET bank_aba = excluded.bank_aba,"
          " account_number = excluded.account_number, mandate_id = excluded.mandate_id,"
          " mandate_signed = excluded.mandate_signed"
          " WHERE (a.bank_aba, a.account_number, a.mandate_id, a.mandate_signed) IS DISTINCT FROM"
          " (excluded.bank_aba, excluded.account_number, excluded.mandate_id,"
          " excluded.mandate_signed)",
          row.member_id, OriginText(row.origin), row.currency, row.bank_aba, row.account_number,
          row.mandate_id, DateParam(row.mandate_signed))
      .affected_rows();
}

int64_t UpsertCollateralClass(pqxx::transaction_base& tx, const settlement::CollateralClass& row,
                              const std::string& description) {
  int64_t changed =
      tx.exec_params(
            "INSERT INTO collateral_classes AS c VALUES ($1, $2, $3)"
            " ON CONFLICT (class_code) DO UPDATE SET description = excluded.description,"
            " concentration_limit_bps = excluded.concentration_limit_bps"
            " WHERE (c.description, c.concentration_limit_bps) IS DISTINCT FROM"
            " (excluded.description, excluded.concentration_limit_bps)",
            row.class_code, description, row.concentration_limit_bps)
          .affected_rows();
  std::vector<int64_t> days, bps;
  for (const settlement::HaircutBand& b : row.haircuts) {
    days.push_back(b.max_days_to_maturity);
    bps.push_back(b.haircut_bps);
  }
  // The schedule becomes exactly the given bands.
  changed += tx.exec_params(
                   "DELETE FROM collateral_haircuts WHERE class_code = $1 AND"
                   " (max_days_to_maturity, haircut_bps) NOT IN"
                   " (SELECT * FROM unnest($2::integer[], $3::integer[]))",
                   row.class_code, BigintArray(days), BigintArray(bps))
                 .affected_rows();
  changed += tx.exec_params(
                   "INSERT INTO collateral_haircuts"
                   " SELECT $1, d, b FROM unnest($2::integer[], $3::integer[]) AS u(d, b)"
                   " ON CONFLICT DO NOTHING",
                   row.class_code, BigintArray(days), BigintArray(bps))
                 .affected_rows();
  return changed;
}

int64_t UpsertCollateralSecurity(pqxx::transaction_base& tx, const CollateralSecurityRow& row) {
  return tx
      .exec_params(
          "INSERT INTO collateral_securities AS s VALUES ($1, $2, $3, $4::date, $5)"
          " ON CONFLICT (security_id) DO UPDATE SET class_code = excluded.class_code,"
          " currency = excluded.currency, maturity_date = excluded.maturity_date,"
          " description = excluded.description"
          " WHERE (s.class_code, s.currency, s.maturity_date, s.description) IS DISTINCT FROM"
          " (excluded.class_code, excluded.currency, excluded.maturity_date, excluded.description)",
          row.security_id, row.class_code, row.currency, DateParam(row.maturity_date),
          row.description)
      .affected_rows();
}

std::vector<CcpBankAccountRow> LoadCcpBankAccounts(pqxx::transaction_base& tx) {
  std::vector<CcpBankAccountRow> out;
  for (const pqxx::row& r :
       tx.exec("SELECT bank_aba, currency, account_number FROM ccp_bank_accounts ORDER BY 1, 2")) {
    out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>()});
  }
  return out;
}

std::map<OriginKey, MemberBankAccountRow> LoadMemberBankAccounts(pqxx::transaction_base& tx) {
  std::map<OriginKey, MemberBankAccountRow> out;
  for (const pqxx::row& r :
       tx.exec("SELECT member_id, origin, currency, bank_aba, account_number, mandate_id,"
               " mandate_signed::text FROM member_bank_accounts")) {
    MemberBankAccountRow a{r[0].as<std::string>(), OriginOf(r[1]),         r[2].as<std::string>(),
                           r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<std::string>(),
                           DateFromField(r[6])};
    out.emplace(OriginKey{a.member_id, a.origin, a.currency}, std::move(a));
  }
  return out;
}

std::vector<settlement::CollateralClass> LoadCollateralClasses(pqxx::transaction_base& tx) {
  std::vector<settlement::CollateralClass> out;
  for (const pqxx::row& r :
       tx.exec("SELECT class_code, concentration_limit_bps FROM collateral_classes ORDER BY 1")) {
    settlement::CollateralClass c;
    c.class_code = r[0].as<std::string>();
    c.concentration_limit_bps = r[1].as<int32_t>();
    for (const pqxx::row& b :
         tx.exec_params("SELECT max_days_to_maturity, haircut_bps FROM collateral_haircuts"
                        " WHERE class_code = $1 ORDER BY 1",
                        c.class_code)) {
      c.haircuts.push_back({b[0].as<int32_t>(), b[1].as<int32_t>()});
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::optional<CollateralSecurityRow> FindCollateralSecurity(pqxx::transaction_base& tx,
                                                            const std::string& security_id) {
  const pqxx::result r = tx.exec_params(
      "SELECT security_id, class_code, currency, maturity_date::text, description"
      " FROM collateral_securities WHERE security_id = $1",
      security_id);
  if (r.empty()) return std::nullopt;
  return CollateralSecurityRow{r[0][0].as<std::string>(), r[0][1].as<std::string>(),
                               r[0][2].as<std::string>(), DateFromField(r[0][3]),
                               r[0][4].as<std::string>()};
}

absl::string_view MovementKindName(MovementKind kind) {
  for (const auto& [k, text] : kMovementKinds) {
    if (k == kind) return text;
  }
  return "";
}

std::optional<CollateralMovementRow> FindCollateralMovement(pqxx::transaction_base& tx,
                                                            const std::string& key) {
  const pqxx::result r =
      tx.exec_params(absl::StrCat("SELECT ", kMovementColumns,
                                  " FROM collateral_movements WHERE idempotency_key = $1"),
                     key);
  if (r.empty()) return std::nullopt;
  return MovementFromRow(r[0]);
}

int64_t InsertCollateralMovement(pqxx::transaction_base& tx, const CollateralMovementRow& row) {
  return tx
      .exec_params1(
          "INSERT INTO collateral_movements (idempotency_key, payload_sha256, business_date,"
          " member_id, origin, kind, currency, amount_cents, security_id, journal_key,"
          " requested_by, requested_at) VALUES ($1, decode($2, 'hex'), $3::date, $4, $5, $6, $7,"
          " $8, nullif($9, ''), $10, $11, $12::timestamptz) RETURNING movement_id",
          row.idempotency_key, row.payload_sha256_hex, DateParam(row.business_date), row.member_id,
          OriginText(row.origin), std::string(MovementKindName(row.kind)), row.currency,
          row.amount_cents, row.security_id, row.journal_key, row.requested_by,
          TimeParam(row.requested_at))[0]
      .as<int64_t>();
}

std::vector<CollateralMovementRow> ListCollateralMovements(pqxx::transaction_base& tx,
                                                           const std::string& member_id) {
  std::vector<CollateralMovementRow> out;
  for (const pqxx::row& r :
       tx.exec_params(absl::StrCat("SELECT ", kMovementColumns,
                                   " FROM collateral_movements WHERE ($1 = '' OR member_id = $1)"
                                   " ORDER BY movement_id"),
                      member_id)) {
    out.push_back(MovementFromRow(r));
  }
  return out;
}

std::map<OriginKey, int64_t> LoadCashCollateral(pqxx::transaction_base& tx, absl::CivilDay as_of) {
  return CentsByKey(
      tx.exec_params("SELECT a.member_id, a.origin, a.currency, -sum(l.amount_cents)::bigint"
                     " FROM ledger_accounts a JOIN journal_lines l USING (ledger_account_id)"
                     " JOIN journal_entries e USING (entry_id)"
                     " WHERE a.kind = 'MEMBER_COLLATERAL_CASH' AND e.business_date <= $1::date"
                     " GROUP BY 1, 2, 3 HAVING sum(l.amount_cents) <> 0",
                     AsOfParam(as_of)));
}

std::map<OriginKey, std::vector<settlement::SecurityHolding>> LoadSecuritiesHeld(
    pqxx::transaction_base& tx, absl::CivilDay as_of) {
  std::map<OriginKey, std::vector<settlement::SecurityHolding>> out;
  for (const pqxx::row& r : tx.exec_params(
           "SELECT m.member_id, m.origin, s.currency, s.security_id, s.class_code,"
           " s.maturity_date::text,"
           " sum(CASE m.kind WHEN 'SECURITIES_DEPOSIT' THEN m.amount_cents"
           " ELSE -m.amount_cents END)::bigint"
           " FROM collateral_movements m JOIN collateral_securities s USING (security_id)"
           " WHERE m.business_date <= $1::date GROUP BY 1, 2, 3, 4, 5, 6"
           " HAVING sum(CASE m.kind WHEN 'SECURITIES_DEPOSIT' THEN m.amount_cents"
           " ELSE -m.amount_cents END) > 0 ORDER BY 1, 2, 3, 4",
           AsOfParam(as_of))) {
    out[KeyOf(r, 0, 1, 2)].push_back(
        {r[3].as<std::string>(), r[4].as<std::string>(), DateFromField(r[5]), r[6].as<int64_t>()});
  }
  return out;
}

absl::StatusOr<int64_t> InsertCollateralPrices(pqxx::transaction_base& tx, absl::CivilDay day,
                                               const std::vector<settlement::SecurityPrice>& prices,
                                               const std::string& loaded_by) {
  int64_t inserted = 0;
  for (const settlement::SecurityPrice& p : prices) {
    const pqxx::result held = tx.exec_params(
        "SELECT price_ppm FROM collateral_prices WHERE security_id = $1 AND price_date = $2::date",
        p.security_id, DateParam(day));
    if (!held.empty()) {
      if (held[0][0].as<int64_t>() != p.price_ppm) {
        return absl::FailedPreconditionError(absl::StrCat(
            "security ", p.security_id, " already has a price for ", DateParam(day), " (",
            held[0][0].as<int64_t>(), " per million of face); a loaded price is a record"));
      }
      continue;
    }
    tx.exec_params("INSERT INTO collateral_prices VALUES ($1, $2::date, $3, $4)", p.security_id,
                   DateParam(day), p.price_ppm, loaded_by);
    ++inserted;
  }
  return inserted;
}

std::vector<settlement::SecurityPrice> LoadCollateralPrices(pqxx::transaction_base& tx,
                                                            absl::CivilDay day) {
  std::vector<settlement::SecurityPrice> out;
  for (const pqxx::row& r : tx.exec_params(
           "SELECT security_id, price_ppm FROM collateral_prices WHERE price_date = $1::date"
           " ORDER BY 1",
           DateParam(day))) {
    out.push_back({r[0].as<std::string>(), r[1].as<int64_t>()});
  }
  return out;
}

void InsertValuations(pqxx::transaction_base& tx, absl::CivilDay day, int pass,
                      const std::vector<settlement::OriginValuation>& rows) {
  for (const settlement::OriginValuation& v : rows) {
    tx.exec_params(
        "INSERT INTO collateral_valuations VALUES ($1::date, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
        " $11, $12) ON CONFLICT DO NOTHING",
        DateParam(day), pass, v.member_id, OriginText(v.origin), v.currency, v.cash_cents,
        v.securities_market_cents, v.securities_after_haircut_cents, v.securities_counted_cents,
        v.value_cents, v.requirement_cents, v.excess_cents);
  }
}

std::vector<settlement::OriginValuation> LoadValuations(pqxx::transaction_base& tx,
                                                        absl::CivilDay day) {
  std::vector<settlement::OriginValuation> out;
  for (const pqxx::row& r : tx.exec_params(
           absl::StrCat("SELECT ", kValuationColumns,
                        " FROM collateral_valuations v WHERE business_date = $1::date"
                        " AND pass = (SELECT max(pass) FROM collateral_valuations"
                        " WHERE business_date = $1::date) ORDER BY member_id, origin, currency"),
           DateParam(day))) {
    out.push_back(ValuationFromRow(r).valuation);
  }
  return out;
}

std::map<OriginKey, ValuationRow> LoadLatestValuations(pqxx::transaction_base& tx,
                                                       absl::CivilDay as_of) {
  std::map<OriginKey, ValuationRow> out;
  for (const pqxx::row& r : tx.exec_params(
           absl::StrCat("SELECT DISTINCT ON (member_id, origin, currency) ", kValuationColumns,
                        " FROM collateral_valuations WHERE business_date <= $1::date"
                        " ORDER BY member_id, origin, currency, business_date DESC, pass DESC"),
           AsOfParam(as_of))) {
    ValuationRow row = ValuationFromRow(r);
    out.emplace(OriginKey{row.valuation.member_id, row.valuation.origin, row.valuation.currency},
                std::move(row));
  }
  return out;
}

std::map<OriginKey, int64_t> LoadVmCents(pqxx::transaction_base& tx, absl::CivilDay day, int pass) {
  return CentsByKey(tx.exec_params(
      "SELECT member_id, origin, currency, sum(amount_cents)::bigint FROM vm_origin_totals"
      " WHERE business_date = $1::date AND pass = $2 GROUP BY 1, 2, 3",
      DateParam(day), pass));
}

std::map<std::string, int64_t> LoadRoundingCents(pqxx::transaction_base& tx, absl::CivilDay day,
                                                 int pass) {
  std::map<std::string, int64_t> out;
  for (const pqxx::row& r :
       tx.exec_params("SELECT currency, sum(ccp_rounding_cents)::bigint FROM vm_rounding"
                      " WHERE business_date = $1::date AND pass = $2 GROUP BY 1",
                      DateParam(day), pass)) {
    out[r[0].as<std::string>()] = r[1].as<int64_t>();
  }
  return out;
}

std::map<OriginKey, int64_t> LoadPendingCalls(pqxx::transaction_base& tx, absl::CivilDay day,
                                              const std::string& cycle) {
  return CentsByKey(tx.exec_params(
      "SELECT member_id, origin, currency, sum(im_call_cents)::bigint FROM payment_instructions"
      " WHERE status = 'INSTRUCTED' AND im_call_cents > 0"
      " AND NOT (business_date = $1::date AND cycle = $2) GROUP BY 1, 2, 3",
      DateParam(day), cycle));
}

std::map<OriginKey, int64_t> LoadUnreleasedWithdrawals(pqxx::transaction_base& tx,
                                                       absl::CivilDay as_of) {
  return CentsByKey(tx.exec_params(
      "SELECT member_id, origin, currency, sum(cents)::bigint FROM ("
      " SELECT member_id, origin, currency, amount_cents AS cents FROM collateral_movements"
      " WHERE kind = 'CASH_WITHDRAWAL' AND business_date <= $1::date"
      " UNION ALL SELECT member_id, origin, currency, -release_cents FROM obligations"
      " WHERE stage = 'FINAL' AND release_cents > 0) w GROUP BY 1, 2, 3 HAVING sum(cents) <> 0",
      AsOfParam(as_of)));
}

absl::string_view ObligationStageName(ObligationStage stage) {
  return stage == ObligationStage::kFinal ? "FINAL" : "INDICATIVE";
}

void InsertObligations(pqxx::transaction_base& tx, const std::vector<ObligationRow>& rows,
                       absl::Time computed_at) {
  for (const ObligationRow& row : rows) {
    const settlement::Obligation& o = row.obligation;
    tx.exec_params(
        "INSERT INTO obligations VALUES ($1::date, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,"
        " $13, $14, $15, $16::timestamptz)",
        DateParam(row.business_date), row.cycle, std::string(ObligationStageName(row.stage)),
        row.pass, o.member_id, OriginText(o.origin), o.currency, o.vm_cents, o.requirement_cents,
        o.collateral_value_cents, o.pending_call_cents, o.deficit_cents, o.im_call_cents,
        o.release_cents, o.net_cents, TimeParam(computed_at));
  }
}

std::vector<ObligationRow> LoadObligations(pqxx::transaction_base& tx, const ObligationQuery& q) {
  std::vector<ObligationRow> out;
  const std::string stage = q.stage ? std::string(ObligationStageName(*q.stage)) : "";
  for (const pqxx::row& r :
       tx.exec_params(absl::StrCat("SELECT ", kObligationColumns,
                                   " FROM obligations WHERE business_date = $1::date AND cycle = $2"
                                   " AND ($3 = '' OR stage = $3) AND ($4 = '' OR member_id = $4)"
                                   " ORDER BY stage DESC, pass, member_id, origin, currency"),
                      DateParam(q.business_date), q.cycle, stage, q.member_id)) {
    out.push_back(ObligationFromRow(r));
  }
  return out;
}

std::optional<int> LatestObligationPass(pqxx::transaction_base& tx, absl::CivilDay day,
                                        const std::string& cycle, ObligationStage stage) {
  const pqxx::row r = tx.exec_params1(
      "SELECT max(pass) FROM obligations WHERE business_date = $1::date AND cycle = $2"
      " AND stage = $3",
      DateParam(day), cycle, std::string(ObligationStageName(stage)));
  if (r[0].is_null()) return std::nullopt;
  return r[0].as<int>();
}

void InsertInstruction(pqxx::transaction_base& tx, const PaymentInstructionRow& p) {
  tx.exec_params(
      "INSERT INTO payment_instructions (instruction_id, business_date, cycle, member_id, origin,"
      " currency, direction, amount_cents, vm_cents, im_call_cents, release_cents, bank_aba,"
      " member_account_number, ccp_account_number, mandate_id, mandate_signed, created_at,"
      " deadline_at, status) VALUES ($1, $2::date, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
      " $14, $15, $16::date, $17::timestamptz, $18::timestamptz, 'INSTRUCTED')",
      p.instruction_id, DateParam(p.business_date), p.cycle, p.member_id, OriginText(p.origin),
      p.currency, p.collect ? "COLLECT" : "PAY", p.amount_cents, p.vm_cents, p.im_call_cents,
      p.release_cents, p.bank_aba, p.member_account_number, p.ccp_account_number, p.mandate_id,
      DateParam(p.mandate_signed), TimeParam(p.created_at), TimeParam(p.deadline_at));
}

std::vector<PaymentInstructionRow> LoadInstructions(pqxx::transaction_base& tx,
                                                    const InstructionQuery& q) {
  std::vector<PaymentInstructionRow> out;
  const std::string status =
      !q.status ? "" : (*q.status == InstructionStatus::kConfirmed ? "CONFIRMED" : "INSTRUCTED");
  for (const pqxx::row& r : tx.exec_params(
           absl::StrCat("SELECT ", kInstructionColumns,
                        " FROM payment_instructions WHERE ($1 = '' OR business_date = $1::date)"
                        " AND ($2 = '' OR cycle = $2) AND ($3 = '' OR member_id = $3)"
                        " AND ($4 = '' OR status = $4)"
                        " ORDER BY business_date, cycle, direction, instruction_id",
                        q.for_update ? " FOR UPDATE" : ""),
           q.business_date ? DateParam(*q.business_date) : "", q.cycle, q.member_id, status)) {
    out.push_back(InstructionFromRow(r));
  }
  return out;
}

std::vector<PaymentInstructionRow> LoadInstructionsById(pqxx::transaction_base& tx,
                                                        const std::vector<std::string>& ids) {
  std::vector<PaymentInstructionRow> out;
  for (const pqxx::row& r : tx.exec_params(
           absl::StrCat("SELECT ", kInstructionColumns,
                        " FROM payment_instructions WHERE instruction_id = ANY($1::text[])"
                        " ORDER BY instruction_id FOR UPDATE"),
           TextArray(ids))) {
    out.push_back(InstructionFromRow(r));
  }
  return out;
}

void MarkExported(pqxx::transaction_base& tx, const std::vector<std::string>& ids,
                  const std::string& message_id) {
  tx.exec_params(
      "UPDATE payment_instructions SET message_id = $2"
      " WHERE instruction_id = ANY($1::text[]) AND message_id IS NULL",
      TextArray(ids), message_id);
}

void MarkConfirmed(pqxx::transaction_base& tx, const std::string& id, absl::Time at,
                   const std::string& fingerprint, const std::string& reference,
                   const std::string& journal_key) {
  tx.exec_params(
      "UPDATE payment_instructions SET status = 'CONFIRMED', confirmed_at = $2::timestamptz,"
      " confirmation_fingerprint = $3, confirmation_reference = $4, journal_key = $5"
      " WHERE instruction_id = $1",
      id, TimeParam(at), fingerprint, reference, journal_key);
}

void InsertPaymentMessage(pqxx::transaction_base& tx, const PaymentMessageRow& m) {
  tx.exec_params(
      "INSERT INTO payment_messages VALUES ($1, $2::date, $3, $4, $5, $6, $7, decode($8, 'hex'),"
      " $9, $10::timestamptz)",
      m.message_id, DateParam(m.business_date), m.cycle, m.bank_aba, m.message_type,
      m.instruction_count, m.control_sum_cents, m.document_sha256_hex, m.document,
      TimeParam(m.created_at));
}

std::vector<PaymentMessageRow> LoadPaymentMessages(pqxx::transaction_base& tx, absl::CivilDay day,
                                                   const std::string& cycle) {
  std::vector<PaymentMessageRow> out;
  for (const pqxx::row& r : tx.exec_params(
           "SELECT message_id, business_date::text, cycle, bank_aba, message_type,"
           " instruction_count, control_sum_cents, encode(document_sha256, 'hex'), document,"
           " (extract(epoch FROM created_at) * 1000000)::bigint FROM payment_messages"
           " WHERE business_date = $1::date AND cycle = $2 ORDER BY bank_aba, message_type DESC",
           DateParam(day), cycle)) {
    out.push_back({r[0].as<std::string>(), DateFromField(r[1]), r[2].as<std::string>(),
                   r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<int>(),
                   r[6].as<int64_t>(), r[7].as<std::string>(), r[8].as<std::string>(),
                   TimeFromField(r[9])});
  }
  return out;
}

void InsertConfirmation(pqxx::transaction_base& tx, const ConfirmationRow& c) {
  tx.exec_params(
      "INSERT INTO payment_confirmations (source, source_key, fingerprint, end_to_end_ids,"
      " amount_cents, currency, account_id, credit_debit, entry_status, outcome, break_reason,"
      " detail, received_by, received_at) VALUES ($1, $2, $3, $4::text[], $5, $6, $7, $8, $9,"
      " $10, nullif($11, ''), $12, $13, $14::timestamptz)",
      c.source, c.source_key, c.fingerprint, TextArray(c.end_to_end_ids), c.amount_cents,
      c.currency, c.account_id, c.credit_debit, c.entry_status, c.outcome, c.break_reason, c.detail,
      c.received_by, TimeParam(c.received_at));
}

std::optional<ConfirmationRow> FindConfirmation(pqxx::transaction_base& tx,
                                                const std::string& source,
                                                const std::string& source_key) {
  const pqxx::result r = tx.exec_params(
      absl::StrCat("SELECT ", kConfirmationColumns,
                   " FROM payment_confirmations WHERE source = $1 AND source_key = $2"),
      source, source_key);
  if (r.empty()) return std::nullopt;
  return ConfirmationFromRow(r[0]);
}

std::vector<ConfirmationRow> LoadConfirmationsWithPrefix(pqxx::transaction_base& tx,
                                                         const std::string& source,
                                                         const std::string& key_prefix) {
  std::vector<ConfirmationRow> out;
  for (const pqxx::row& r : tx.exec_params(
           absl::StrCat("SELECT ", kConfirmationColumns,
                        " FROM payment_confirmations WHERE source = $1"
                        " AND left(source_key, length($2)) = $2 ORDER BY confirmation_id"),
           source, key_prefix)) {
    out.push_back(ConfirmationFromRow(r));
  }
  return out;
}

std::vector<ConfirmationRow> LoadBreaks(pqxx::transaction_base& tx) {
  std::vector<ConfirmationRow> out;
  for (const pqxx::row& r : tx.exec(absl::StrCat(
           "SELECT ", kConfirmationColumns,
           " FROM payment_confirmations WHERE outcome = 'BREAK' ORDER BY confirmation_id"))) {
    out.push_back(ConfirmationFromRow(r));
  }
  return out;
}

std::optional<CamtFileRow> FindCamtFile(pqxx::transaction_base& tx, const std::string& message_id) {
  const pqxx::result r = tx.exec_params(
      "SELECT message_id, encode(document_sha256, 'hex'), entries FROM camt_files"
      " WHERE message_id = $1",
      message_id);
  if (r.empty()) return std::nullopt;
  return CamtFileRow{r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<int>()};
}

void InsertCamtFile(pqxx::transaction_base& tx, const CamtFileRow& row,
                    const std::string& received_by, absl::Time at) {
  tx.exec_params("INSERT INTO camt_files VALUES ($1, decode($2, 'hex'), $3, $4, $5::timestamptz)",
                 row.message_id, row.document_sha256_hex, row.entries, received_by, TimeParam(at));
}

std::optional<MemberFlagRow> RaiseFlag(pqxx::transaction_base& tx, const MemberFlagRow& row) {
  const pqxx::result r = tx.exec_params(
      absl::StrCat("INSERT INTO member_flags (member_id, flag, instruction_id, reason, raised_at,"
                   " raised_by) VALUES ($1, $2, $3, $4, $5::timestamptz, $6)"
                   " ON CONFLICT (instruction_id, flag) DO NOTHING RETURNING ",
                   kFlagColumns),
      row.member_id, row.flag, row.instruction_id, row.reason, TimeParam(row.raised_at),
      row.raised_by);
  if (r.empty()) return std::nullopt;
  return FlagFromRow(r[0]);
}

std::vector<std::string> CureFlags(pqxx::transaction_base& tx, const std::string& instruction_id,
                                   const std::string& cured_by, absl::Time at) {
  std::vector<std::string> members;
  for (const pqxx::row& r :
       tx.exec_params("UPDATE member_flags SET cured_at = $2::timestamptz, cured_by = $3"
                      " WHERE instruction_id = $1 AND cured_at IS NULL RETURNING member_id",
                      instruction_id, TimeParam(at), cured_by)) {
    members.push_back(r[0].as<std::string>());
  }
  return members;
}

std::vector<MemberFlagRow> ListFlags(pqxx::transaction_base& tx, const std::string& member_id,
                                     bool open_only) {
  std::vector<MemberFlagRow> out;
  for (const pqxx::row& r :
       tx.exec_params(absl::StrCat("SELECT ", kFlagColumns,
                                   " FROM member_flags WHERE ($1 = '' OR member_id = $1)"
                                   " AND (NOT $2 OR cured_at IS NULL) ORDER BY flag_id"),
                      member_id, open_only)) {
    out.push_back(FlagFromRow(r));
  }
  return out;
}

bool HasOpenFlag(pqxx::transaction_base& tx, const std::string& member_id) {
  return !tx.exec_params(
                "SELECT 1 FROM member_flags WHERE member_id = $1 AND cured_at IS NULL LIMIT 1",
                member_id)
              .empty();
}

absl::StatusOr<int64_t> InsertIntradayPrices(pqxx::transaction_base& tx, absl::CivilDay day,
                                             const std::string& cycle,
                                             const std::map<std::string, int64_t>& prices_micros) {
  int64_t inserted = 0;
  for (const auto& [instrument, micros] : prices_micros) {
    const pqxx::result held = tx.exec_params(
        "SELECT price_micros FROM intraday_prices WHERE business_date = $1::date AND cycle = $2"
        " AND instrument_id = $3",
        DateParam(day), cycle, instrument);
    if (!held.empty()) {
      if (held[0][0].as<int64_t>() != micros) {
        return absl::FailedPreconditionError(absl::StrCat(cycle, " of ", DateParam(day),
                                                          " already has a price for ", instrument,
                                                          "; a cycle's prices are records"));
      }
      continue;
    }
    tx.exec_params("INSERT INTO intraday_prices VALUES ($1::date, $2, $3, $4)", DateParam(day),
                   cycle, instrument, micros);
    ++inserted;
  }
  return inserted;
}

std::map<std::string, int64_t> LoadBankLedgerCents(pqxx::transaction_base& tx) {
  std::map<std::string, int64_t> out;
  for (const pqxx::row& r :
       tx.exec("SELECT a.currency, coalesce(sum(b.balance_cents), 0)::bigint"
               " FROM ledger_accounts a LEFT JOIN ledger_balances b USING (ledger_account_id)"
               " WHERE a.kind = 'SETTLEMENT_BANK' GROUP BY 1")) {
    out[r[0].as<std::string>()] = r[1].as<int64_t>();
  }
  return out;
}

}  // namespace tc::store
