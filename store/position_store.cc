#include "store/position_store.h"

#include "absl/strings/str_cat.h"

namespace tc::store {

std::vector<PositionRow> ListPositions(pqxx::transaction_base& tx, const PositionFilter& f) {
  std::vector<PositionRow> rows;
  for (const pqxx::row& r : tx.exec_params(
           "SELECT p.account_id, a.member_id, p.instrument_id, p.long_quantity, p.short_quantity"
           " FROM positions p JOIN accounts a USING (account_id)"
           " WHERE (p.long_quantity <> 0 OR p.short_quantity <> 0)"
           "  AND ($1 = '' OR a.member_id = $1) AND ($2 = '' OR p.account_id = $2)"
           "  AND ($3 = '' OR p.instrument_id = $3)"
           " ORDER BY p.account_id, p.instrument_id",
           f.member_id, f.account_id, f.instrument_id)) {
    rows.push_back(PositionRow{r[0].as<std::string>(), r[1].as<std::string>(),
                               r[2].as<std::string>(), r[3].as<int64_t>(), r[4].as<int64_t>()});
  }
  return rows;
}

std::vector<OpenInterestRow> ListOpenInterest(pqxx::transaction_base& tx,
                                              const std::string& instrument_id) {
  std::vector<OpenInterestRow> rows;
  for (const pqxx::row& r : tx.exec_params(
           "SELECT instrument_id, total_long, total_short FROM open_interest"
           " WHERE ($1 = '' OR instrument_id = $1) AND (total_long <> 0 OR total_short <> 0)"
           " ORDER BY instrument_id",
           instrument_id)) {
    rows.push_back(OpenInterestRow{r[0].as<std::string>(), r[1].as<int64_t>(), r[2].as<int64_t>()});
  }
  return rows;
}

LegRow LegOf(const pqxx::row& r) {
  return LegRow{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                r[3].as<std::string>(), r[4].as<int64_t>(),     r[5].as<int64_t>(),
                r[6].as<std::string>(), r[7].as<int64_t>(),     r[8].as<std::string>(),
                r[9].as<std::string>()};
}

std::vector<LegRow> ListLegs(pqxx::transaction_base& tx, const LegQuery& q) {
  std::vector<LegRow> rows;
  for (const pqxx::row& r : tx.exec_params(
           absl::StrCat("SELECT ", kLegColumns,
                        " FROM cleared_legs l JOIN trade_status s USING (trade_id)"
                        " WHERE l.account_id = $1 AND ($2 = '' OR l.trade_date = $2::date)"
                        "  AND l.trade_id > $3"
                        " ORDER BY l.trade_id LIMIT $4"),
           q.account_id, q.trade_date, q.after_trade_id, q.limit)) {
    rows.push_back(LegOf(r));
  }
  return rows;
}

}  // namespace tc::store
