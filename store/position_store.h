// Read queries behind PositionService: positions, open interest and cleared legs. Filters
// are optional (empty string = any); the service adds the caller's member as a filter.
//
//   std::vector<PositionRow> rows = ListPositions(tx, {.member_id = "CM01"});
#ifndef TOKENCLEAR_STORE_POSITION_STORE_H_
#define TOKENCLEAR_STORE_POSITION_STORE_H_

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace tc::store {

struct PositionFilter {
  std::string member_id;
  std::string account_id;
  std::string instrument_id;
};

struct PositionRow {
  std::string account_id;
  std::string member_id;
  std::string instrument_id;
  int64_t long_quantity = 0;
  int64_t short_quantity = 0;
};

// Non-zero positions, ordered by account then instrument.
std::vector<PositionRow> ListPositions(pqxx::transaction_base& tx, const PositionFilter& filter);

struct OpenInterestRow {
  std::string instrument_id;
  int64_t total_long = 0;
  int64_t total_short = 0;
};

std::vector<OpenInterestRow> ListOpenInterest(pqxx::transaction_base& tx,
                                              const std::string& instrument_id);

struct LegRow {
  std::string trade_id;
  std::string account_id;
  std::string instrument_id;
  std::string side;
  int64_t quantity = 0;
  int64_t price_micros = 0;
  std::string trade_date;
  int64_t executed_at_micros = 0;
  std::string status;
  std::string replaced_by;
};

struct LegQuery {
  std::string account_id;
  std::string trade_date;      // optional
  std::string after_trade_id;  // keyset pagination: legs with a greater trade id
  int limit = 100;
};

std::vector<LegRow> ListLegs(pqxx::transaction_base& tx, const LegQuery& query);

// The columns every leg query selects first, in this order, and the row read back from
// them (ListLegs, store/member_store.h).
inline constexpr char kLegColumns[] =
    "l.trade_id, l.account_id, l.instrument_id, l.side, l.quantity, l.price_micros,"
    " l.trade_date::text, (extract(epoch FROM l.executed_at) * 1000000)::bigint,"
    " s.status, coalesce(s.replaced_by, '')";
LegRow LegOf(const pqxx::row& row);

}  // namespace tc::store

#endif  // TOKENCLEAR_STORE_POSITION_STORE_H_
