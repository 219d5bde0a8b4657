#include "store/member_store.h"

#include "absl/strings/str_cat.h"
#include "settlement/ledger.h"
#include "store/pg_date.h"

namespace tc::store {
namespace {

// NULL (no bound) or the date's ISO text.
std::optional<std::string> OptionalDate(const std::optional<absl::CivilDay>& day) {
  if (!day) return std::nullopt;
  return DateParam(*day);
}

}  // namespace

std::vector<MemberLeg> ListMemberLegs(pqxx::transaction_base& tx, const MemberLegQuery& q) {
  const LegKey after = q.after.value_or(LegKey{});
  std::vector<MemberLeg> rows;
  // COLLATE "C": the page token is compared byte-wise, so the order must be byte-wise too.
  for (const pqxx::row& r : tx.exec_params(
           absl::StrCat(
               "SELECT ", kLegColumns,
               ", l.business_date::text FROM cleared_legs l JOIN trade_status s USING (trade_id)"
               " JOIN accounts a ON a.account_id = l.account_id"
               " WHERE a.member_id = $1 AND ($2 = '' OR l.account_id = $2)"
               "  AND ($3 = '' OR l.instrument_id = $3)"
               "  AND ($4::date IS NULL OR l.business_date >= $4::date)"
               "  AND ($5::date IS NULL OR l.business_date <= $5::date)"
               "  AND (l.trade_id COLLATE \"C\", l.account_id COLLATE \"C\") > ($6, $7)"
               " ORDER BY l.trade_id COLLATE \"C\", l.account_id COLLATE \"C\" LIMIT $8"),
           q.member_id, q.account_id, q.instrument_id, OptionalDate(q.from), OptionalDate(q.to),
           after.trade_id, after.account_id, q.limit)) {
    rows.push_back(MemberLeg{LegOf(r), DateFromField(r[10])});
  }
  return rows;
}

std::vector<MarginRequirementRow> LoadMarginBreakdowns(pqxx::transaction_base& tx,
                                                       absl::CivilDay day,
                                                       const std::string& member_id,
                                                       const std::string& account_id) {
  std::vector<MarginRequirementRow> rows;
  for (const pqxx::row& r : tx.exec_params(
           "SELECT business_date::text, account_id, member_id, origin, maintenance_micros,"
           " initial_micros, parameter_version, breakdown::text FROM margin_requirements"
           " WHERE business_date = $1::date AND ($2 = '' OR member_id = $2)"
           "  AND ($3 = '' OR account_id = $3)"
           " ORDER BY member_id COLLATE \"C\", account_id COLLATE \"C\"",
           DateParam(day), member_id, account_id)) {
    // The schema admits only HOUSE and CUSTOMER.
    rows.push_back(
        {DateFromField(r[0]), r[1].as<std::string>(), r[2].as<std::string>(),
         settlement::OriginFromName(r[3].as<std::string>()).value_or(clearing::Origin::kHouse),
         r[4].as<int64_t>(), r[5].as<int64_t>(), r[6].as<std::string>(), r[7].as<std::string>()});
  }
  return rows;
}

std::map<std::string, int64_t> MemberBalancesThrough(pqxx::transaction_base& tx,
                                                     const std::string& member_id,
                                                     absl::CivilDay through) {
  std::map<std::string, int64_t> balances;
  for (const pqxx::row& r :
       tx.exec_params("SELECT a.ledger_account_id, coalesce(sum(l.amount_cents) FILTER ("
                      "  WHERE e.business_date <= $2::date), 0)::bigint"
                      " FROM ledger_accounts a"
                      " LEFT JOIN journal_lines l USING (ledger_account_id)"
                      " LEFT JOIN journal_entries e USING (entry_id)"
                      " WHERE a.member_id = $1 GROUP BY a.ledger_account_id",
                      member_id, DateParam(through))) {
    balances[r[0].as<std::string>()] = r[1].as<int64_t>();
  }
  return balances;
}

}  // namespace tc::store
