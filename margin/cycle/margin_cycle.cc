#include "margin/cycle/margin_cycle.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "margin/margin_calculator.h"

namespace tc::margin {
namespace {

struct HouseBook {
  std::map<std::string, int64_t> net_by_instrument;
  int64_t account_count = 0;
};

absl::Status AddChecked(int64_t value, int64_t* total) {
  if (__builtin_add_overflow(*total, value, total)) {
    return absl::OutOfRangeError("margin cycle: a member's total does not fit in int64 micro-USD");
  }
  return absl::OkStatus();
}

}  // namespace

AccountClass ToMarginClass(clearing::AccountClass account_class) {
  switch (account_class) {
    case clearing::AccountClass::kMember:
      return AccountClass::kMember;
    case clearing::AccountClass::kHedger:
      return AccountClass::kHedger;
    case clearing::AccountClass::kSpeculator:
      return AccountClass::kSpeculator;
  }
  return AccountClass::kSpeculator;  // the most conservative ratio
}

std::vector<Position> NetPositions(absl::Span<const AccountPosition> rows) {
  std::vector<Position> book;
  for (const AccountPosition& row : rows) {
    if (row.long_quantity != row.short_quantity) {
      book.push_back({row.instrument_id, row.long_quantity - row.short_quantity});
    }
  }
  return book;
}

absl::StatusOr<MarginBreakdown> MarginBook(const CompiledParameters& params,
                                           absl::Span<const Position> book,
                                           AccountClass account_class) {
  for (const Position& p : book) {
    if (!params.contract_index_by_id.contains(p.contract_id)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "parameter set ", params.version_id, " has no contract for instrument ", p.contract_id));
    }
  }
  MarginCalculator calculator(params);
  return calculator.ComputeBreakdown(book, account_class);
}

absl::Status CheckPosition(const CompiledParameters& params, absl::string_view prefix,
                           const Position& position) {
  const absl::string_view dot = prefix.empty() ? "" : ".";
  if (!params.contract_index_by_id.contains(position.contract_id)) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, dot, "instrument_id '", position.contract_id,
                     "' is not a contract of parameter set ", params.version_id));
  }
  if (position.quantity == 0 || position.quantity > kMaxAbsQuantity ||
      position.quantity < -kMaxAbsQuantity) {
    return absl::InvalidArgumentError(absl::StrCat(prefix, dot, "quantity ", position.quantity,
                                                   " must be non-zero, |q| <= ", kMaxAbsQuantity));
  }
  return absl::OkStatus();
}

absl::StatusOr<IncrementalResult> IncrementalMargin(const CompiledParameters& params,
                                                    std::vector<Position> book,
                                                    AccountClass account_class,
                                                    const Position& trade) {
  TC_RETURN_IF_ERROR(CheckPosition(params, "", trade));
  IncrementalResult result;
  TC_ASSIGN_OR_RETURN(result.before, MarginBook(params, book, account_class));
  book.push_back(trade);
  TC_ASSIGN_OR_RETURN(result.after, MarginBook(params, book, account_class));
  return result;
}

absl::StatusOr<CycleResult> RunMarginCycle(const CompiledParameters& params,
                                           const clearing::ReferenceSnapshot& snapshot,
                                           absl::Span<const AccountPosition> positions) {
  std::map<std::string, std::vector<AccountPosition>> by_account;
  for (const AccountPosition& row : positions) by_account[row.account_id].push_back(row);
  CycleResult out;
  std::map<std::string, HouseBook> house;
  std::map<std::string, OriginRequirement> customer;
  for (const auto& [account_id, rows] : by_account) {
    const clearing::Account* account = snapshot.FindAccount(account_id);
    if (account == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat("positions of unknown account ", account_id));
    }
    const std::vector<Position> book = NetPositions(rows);
    TC_ASSIGN_OR_RETURN(MarginBreakdown breakdown,
                        MarginBook(params, book, ToMarginClass(account->account_class)));
    if (account->origin == clearing::Origin::kHouse) {
      HouseBook& h = house[account->member_id];
      for (const Position& p : book) {
        TC_RETURN_IF_ERROR(AddChecked(p.quantity, &h.net_by_instrument[p.contract_id]));
      }
      ++h.account_count;
    } else {
      OriginRequirement& c = customer[account->member_id];
      c.member_id = account->member_id;
      c.origin = clearing::Origin::kCustomer;
      TC_RETURN_IF_ERROR(AddChecked(breakdown.totals.maintenance_micros, &c.maintenance_micros));
      TC_RETURN_IF_ERROR(AddChecked(breakdown.totals.initial_micros, &c.initial_micros));
      ++c.account_count;
    }
    out.accounts.push_back({account_id, account->member_id, account->origin, std::move(breakdown)});
  }
  for (const auto& [member_id, h] : house) {
    std::vector<Position> book;
    for (const auto& [instrument, quantity] : h.net_by_instrument) {
      if (quantity != 0) book.push_back({instrument, quantity});
    }
    TC_ASSIGN_OR_RETURN(MarginBreakdown b, MarginBook(params, book, AccountClass::kMember));
    out.origins.push_back({member_id, clearing::Origin::kHouse, b.totals.maintenance_micros,
                           b.totals.initial_micros, h.account_count});
  }
  for (auto& [member_id, row] : customer) out.origins.push_back(std::move(row));
  return out;
}

}  // namespace tc::margin
