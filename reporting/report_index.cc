#include "reporting/report_index.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "settlement/ledger.h"

namespace tc::reporting {
namespace {

using OriginKey = std::pair<std::string, int>;  // member ID, 0 house / 1 customer

OriginKey KeyOf(const std::string& member_id, clearing::Origin origin) {
  return {member_id, origin == clearing::Origin::kHouse ? 0 : 1};
}

absl::Status CheckCurrency(absl::string_view what, absl::string_view id,
                           absl::string_view currency) {
  if (currency == kBaseCurrency) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(what, " ", id, " is in currency '", currency,
                                                 "': reports are in ", kBaseCurrency, " only"));
}

}  // namespace

std::vector<const AccountView*> DayIndex::AccountsById() const {
  std::vector<const AccountView*> accounts;
  for (const OriginView& origin : origins) {
    for (const AccountView& account : origin.accounts) accounts.push_back(&account);
  }
  std::sort(accounts.begin(), accounts.end(), [](const AccountView* a, const AccountView* b) {
    return a->account->account_id < b->account->account_id;
  });
  return accounts;
}

absl::StatusOr<DayIndex> IndexReportDay(const ReportDay& day) {
  DayIndex index;
  absl::flat_hash_map<std::string, const ReportMember*> members;
  for (const ReportMember& m : day.members) {
    if (!members.emplace(m.member_id, &m).second) {
      return absl::InvalidArgumentError(absl::StrCat("member ", m.member_id, " given twice"));
    }
  }
  for (const ReportInstrument& i : day.instruments) {
    TC_RETURN_IF_ERROR(CheckCurrency("instrument", i.instrument_id, i.currency));
    if (!index.instruments.emplace(i.instrument_id, &i).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("instrument ", i.instrument_id, " given twice"));
    }
  }
  absl::flat_hash_map<std::string, const ReportAccount*> accounts;
  for (const ReportAccount& a : day.accounts) {
    if (!members.contains(a.member_id)) {
      return absl::InvalidArgumentError(
          absl::StrCat("account ", a.account_id, " names unknown member ", a.member_id));
    }
    if (!accounts.emplace(a.account_id, &a).second) {
      return absl::InvalidArgumentError(absl::StrCat("account ", a.account_id, " given twice"));
    }
  }

  std::map<OriginKey, OriginView> origins;
  auto origin_of = [&](const ReportMember* member, clearing::Origin origin) -> OriginView& {
    OriginView& view = origins[KeyOf(member->member_id, origin)];
    view.member = member;
    view.origin = origin;
    return view;
  };
  for (const ReportOriginCash& c : day.origins) {
    auto member = members.find(c.member_id);
    if (member == members.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("origin cash names unknown member ", c.member_id));
    }
    TC_RETURN_IF_ERROR(CheckCurrency("origin cash of", c.member_id, c.currency));
    OriginView& view = origin_of(member->second, c.origin);
    if (view.cash != nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "origin cash of ", c.member_id, " ", settlement::OriginName(c.origin), " given twice"));
    }
    view.cash = &c;
  }

  // Accounts with data, by ID, then moved into their origins in that order.
  std::map<std::string, AccountView> by_account;
  auto account_of = [&](const std::string& id) -> absl::StatusOr<AccountView*> {
    auto account = accounts.find(id);
    if (account == accounts.end()) {
      return absl::InvalidArgumentError(absl::StrCat("unknown account ", id));
    }
    AccountView& view = by_account[id];
    view.account = account->second;
    return &view;
  };
  for (const ReportAccountMargin& m : day.margins) {
    absl::StatusOr<AccountView*> view = account_of(m.account_id);
    if (!view.ok()) return view.status();
    if ((*view)->margin != nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("margin of ", m.account_id, " given twice"));
    }
    (*view)->margin = &m;
  }
  for (const ReportPosition& p : day.positions) {
    if (!index.instruments.contains(p.instrument_id)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "position of ", p.account_id, " names unknown instrument ", p.instrument_id));
    }
    absl::StatusOr<AccountView*> view = account_of(p.account_id);
    if (!view.ok()) return view.status();
    (*view)->positions.push_back(&p);
  }
  for (auto& [id, view] : by_account) {
    std::sort(view.positions.begin(), view.positions.end(),
              [](const ReportPosition* a, const ReportPosition* b) {
                return a->instrument_id < b->instrument_id;
              });
    for (size_t i = 1; i < view.positions.size(); ++i) {
      if (view.positions[i]->instrument_id == view.positions[i - 1]->instrument_id) {
        return absl::InvalidArgumentError(absl::StrCat(
            "position of ", id, " in ", view.positions[i]->instrument_id, " given twice"));
      }
    }
    const ReportAccount& account = *view.account;
    origin_of(members.at(account.member_id), account.origin).accounts.push_back(std::move(view));
  }
  for (auto& [key, view] : origins) index.origins.push_back(std::move(view));
  return index;
}

}  // namespace tc::reporting
