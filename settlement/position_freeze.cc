#include "settlement/position_freeze.h"

#include <map>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "core/fixed_point.h"
#include "core/status_macros.h"

namespace tc::settlement {
namespace {

using Key = std::pair<std::string, std::string>;  // (account, instrument)

// Quantities are bounded by the schema, but a sum of many is checked all the same.
absl::StatusOr<int64_t> Checked(std::optional<int64_t> value, absl::string_view what) {
  if (!value) return absl::OutOfRangeError(absl::StrCat("quantity overflow in ", what));
  return *value;
}

// Works for any row with account_id and instrument_id (holdings and traded totals).
template <typename Row>
absl::Status CheckSorted(absl::Span<const Row> rows, absl::string_view what) {
  for (size_t i = 1; i < rows.size(); ++i) {
    if (Key(rows[i - 1].account_id, rows[i - 1].instrument_id) >=
        Key(rows[i].account_id, rows[i].instrument_id)) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " positions are not sorted and unique at ", rows[i].account_id, "/",
                       rows[i].instrument_id));
    }
  }
  return absl::OkStatus();
}

absl::Status AddChecked(int64_t& total, int64_t quantity, const Key& key) {
  if (quantity <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("trade quantity ", quantity, " of ", key.first, "/", key.second));
  }
  TC_ASSIGN_OR_RETURN(total, Checked(CheckedAdd(total, quantity), key.first));
  return absl::OkStatus();
}

absl::Status CheckNetIdentity(const FrozenPosition& p) {
  // Every term is at most a few int64 quantities bounded by the schema; checked anyway.
  TC_ASSIGN_OR_RETURN(int64_t sod_net, Checked(CheckedSub(p.sod_long, p.sod_short), p.account_id));
  TC_ASSIGN_OR_RETURN(int64_t traded_net, Checked(CheckedSub(p.bought, p.sold), p.account_id));
  TC_ASSIGN_OR_RETURN(int64_t expected, Checked(CheckedAdd(sod_net, traded_net), p.account_id));
  TC_ASSIGN_OR_RETURN(int64_t eod_net, Checked(CheckedSub(p.eod_long, p.eod_short), p.account_id));
  if (expected == eod_net) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("positions of ", p.account_id, "/", p.instrument_id,
                   " do not follow from the trades: start of day ", sod_net, " + bought ", p.bought,
                   " - sold ", p.sold, " = ", expected, ", but end of day is ", eod_net));
}

absl::Status CheckOpenInterest(const std::vector<FrozenPosition>& rows) {
  absl::flat_hash_map<std::string, std::pair<int64_t, int64_t>> interest;
  for (const FrozenPosition& p : rows) {
    auto& [total_long, total_short] = interest[p.instrument_id];
    TC_ASSIGN_OR_RETURN(total_long, Checked(CheckedAdd(total_long, p.eod_long), p.instrument_id));
    TC_ASSIGN_OR_RETURN(total_short,
                        Checked(CheckedAdd(total_short, p.eod_short), p.instrument_id));
  }
  for (const auto& [instrument, sides] : interest) {
    if (sides.first != sides.second) {
      return absl::FailedPreconditionError(absl::StrCat(
          "open interest of ", instrument, " is long ", sides.first, " but short ", sides.second));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<TradedQuantity>> SumLegs(absl::Span<const clearing::Trade> day_trades) {
  std::map<Key, std::pair<int64_t, int64_t>> traded;  // (bought, sold), sorted by key
  for (const clearing::Trade& t : day_trades) {
    Key buyer{t.buyer_account_id, t.instrument_id};
    Key seller{t.seller_account_id, t.instrument_id};
    TC_RETURN_IF_ERROR(AddChecked(traded[buyer].first, t.quantity, buyer));
    TC_RETURN_IF_ERROR(AddChecked(traded[seller].second, t.quantity, seller));
  }
  std::vector<TradedQuantity> out;
  out.reserve(traded.size());
  for (const auto& [key, sides] : traded) {
    out.push_back({key.first, key.second, sides.first, sides.second});
  }
  return out;
}

absl::StatusOr<std::vector<FrozenPosition>> JoinPositions(
    absl::Span<const StartOfDayPosition> start_of_day, absl::Span<const TradedQuantity> traded,
    absl::Span<const StartOfDayPosition> end_of_day) {
  TC_RETURN_IF_ERROR(CheckSorted(start_of_day, "start-of-day"));
  TC_RETURN_IF_ERROR(CheckSorted(traded, "traded"));
  TC_RETURN_IF_ERROR(CheckSorted(end_of_day, "end-of-day"));
  // A three-way merge over sorted inputs: one pass, no map of a million positions.
  std::vector<FrozenPosition> out;
  out.reserve(end_of_day.size() + traded.size());
  size_t s = 0, e = 0, t = 0;
  while (s < start_of_day.size() || e < end_of_day.size() || t < traded.size()) {
    Key next{"\xff", ""};
    bool any = false;
    auto consider = [&](const Key& k) {
      if (!any || k < next) next = k;
      any = true;
    };
    if (s < start_of_day.size())
      consider({start_of_day[s].account_id, start_of_day[s].instrument_id});
    if (e < end_of_day.size()) consider({end_of_day[e].account_id, end_of_day[e].instrument_id});
    if (t < traded.size()) consider({traded[t].account_id, traded[t].instrument_id});
    FrozenPosition p{.account_id = next.first, .instrument_id = next.second};
    if (s < start_of_day.size() &&
        Key(start_of_day[s].account_id, start_of_day[s].instrument_id) == next) {
      p.sod_long = start_of_day[s].long_quantity;
      p.sod_short = start_of_day[s].short_quantity;
      ++s;
    }
    if (e < end_of_day.size() &&
        Key(end_of_day[e].account_id, end_of_day[e].instrument_id) == next) {
      p.eod_long = end_of_day[e].long_quantity;
      p.eod_short = end_of_day[e].short_quantity;
      ++e;
    }
    if (t < traded.size() && Key(traded[t].account_id, traded[t].instrument_id) == next) {
      p.bought = traded[t].bought;
      p.sold = traded[t].sold;
      ++t;
    }
    if (p.sod_long < 0 || p.sod_short < 0 || p.eod_long < 0 || p.eod_short < 0 || p.bought < 0 ||
        p.sold < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("negative side in ", p.account_id, "/", p.instrument_id));
    }
    TC_RETURN_IF_ERROR(CheckNetIdentity(p));
    if (p.sod_long || p.sod_short || p.bought || p.sold || p.eod_long || p.eod_short) {
      out.push_back(std::move(p));
    }
  }
  return out;
}

absl::StatusOr<std::vector<FrozenPosition>> FreezePositions(
    absl::Span<const StartOfDayPosition> start_of_day, absl::Span<const clearing::Trade> day_trades,
    absl::Span<const StartOfDayPosition> end_of_day) {
  TC_ASSIGN_OR_RETURN(std::vector<TradedQuantity> traded, SumLegs(day_trades));
  TC_ASSIGN_OR_RETURN(std::vector<FrozenPosition> out,
                      JoinPositions(start_of_day, traded, end_of_day));
  TC_RETURN_IF_ERROR(CheckOpenInterest(out));
  return out;
}

}  // namespace tc::settlement
