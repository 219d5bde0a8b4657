#include "reporting/daily_clearing_report.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/business_date.h"
#include "core/fixed_point.h"
#include "core/status_macros.h"
#include "formats/xml_document.h"
#include "reporting/report_index.h"
#include "reporting/report_text.h"
#include "settlement/ledger.h"

namespace tc::reporting {
namespace {

// A running total that refuses to overflow instead of wrapping.
class Total {
 public:
  explicit Total(const char* what) : what_(what) {}
  absl::Status Add(int64_t value) {
    std::optional<int64_t> sum = CheckedAdd(sum_, value);
    if (!sum) return absl::InvalidArgumentError(absl::StrCat("total ", what_, " overflows"));
    sum_ = *sum;
    return absl::OkStatus();
  }
  int64_t value() const { return sum_; }

 private:
  const char* what_;
  int64_t sum_ = 0;
};

struct Totals {
  int64_t members = 0;
  int64_t origins = 0;
  int64_t accounts = 0;
  Total im_required_cents{"IM required"};
  Total im_on_deposit_cents{"IM on deposit"};
  Total vm_paid_cents{"VM paid"};
  Total vm_collected_cents{"VM collected"};
  Total final_paid_cents{"final settlement paid"};
  Total final_collected_cents{"final settlement collected"};
  Total deposit_cents{"collateral deposits"};
  Total withdrawal_cents{"collateral withdrawals"};
  Total im_call_cents{"IM calls"};
  Total release_cents{"releases"};
  // instrument ID -> end-of-day long and short over every account.
  std::map<std::string, std::pair<Total, Total>> positions;
};

void PaidCollectedElement(formats::XmlWriter& xml, const char* name, PaidCollected amount,
                          std::string (*text)(int64_t)) {
  xml.Open(name);
  xml.Attribute("Pd", text(amount.paid));
  xml.Attribute("Coll", text(amount.collected));
  xml.Close();
}

absl::Status WriteOriginCash(formats::XmlWriter& xml, const ReportOriginCash& cash,
                             Totals& totals) {
  const PaidCollected vm = SplitMemberAmount(cash.variation_cents);
  const PaidCollected final_settlement = SplitMemberAmount(cash.final_settlement_cents);
  xml.Open("Mgn");
  xml.Attribute("Req", CentsText(cash.im_required_cents));
  xml.Attribute("OnDep", CentsText(cash.im_on_deposit_cents));
  xml.Close();
  PaidCollectedElement(xml, "VM", vm, CentsText);
  xml.Open("CshFlw");
  xml.Attribute("FinSetPd", CentsText(final_settlement.paid));
  xml.Attribute("FinSetColl", CentsText(final_settlement.collected));
  xml.Attribute("CollDep", CentsText(cash.collateral_deposit_cents));
  xml.Attribute("CollWdr", CentsText(cash.collateral_withdrawal_cents));
  xml.Attribute("IMCall", CentsText(cash.im_call_cents));
  xml.Attribute("Rlse", CentsText(cash.release_cents));
  xml.Close();
  TC_RETURN_IF_ERROR(totals.im_required_cents.Add(cash.im_required_cents));
  TC_RETURN_IF_ERROR(totals.im_on_deposit_cents.Add(cash.im_on_deposit_cents));
  TC_RETURN_IF_ERROR(totals.vm_paid_cents.Add(vm.paid));
  TC_RETURN_IF_ERROR(totals.vm_collected_cents.Add(vm.collected));
  TC_RETURN_IF_ERROR(totals.final_paid_cents.Add(final_settlement.paid));
  TC_RETURN_IF_ERROR(totals.final_collected_cents.Add(final_settlement.collected));
  TC_RETURN_IF_ERROR(totals.deposit_cents.Add(cash.collateral_deposit_cents));
  TC_RETURN_IF_ERROR(totals.withdrawal_cents.Add(cash.collateral_withdrawal_cents));
  TC_RETURN_IF_ERROR(totals.im_call_cents.Add(cash.im_call_cents));
  return totals.release_cents.Add(cash.release_cents);
}

absl::Status WriteAccount(formats::XmlWriter& xml, const DayIndex& index, const AccountView& view,
                          Totals& totals) {
  const ReportAccount& account = *view.account;
  xml.Open("Acct");
  xml.Attribute("ID", account.account_id);
  if (!account.customer_name.empty()) xml.Attribute("Name", account.customer_name);
  Total variation("account variation");
  Total final_settlement("account final settlement");
  for (const ReportPosition* p : view.positions) {
    TC_RETURN_IF_ERROR(variation.Add(p->variation_micros));
    TC_RETURN_IF_ERROR(final_settlement.Add(p->final_settlement_micros));
  }
  xml.Open("Mgn");
  xml.Attribute("Req", MicrosText(view.margin ? view.margin->initial_micros : 0));
  xml.Attribute("Maint", MicrosText(view.margin ? view.margin->maintenance_micros : 0));
  xml.Close();
  PaidCollectedElement(xml, "VM", SplitMemberAmount(variation.value()), MicrosText);
  PaidCollectedElement(xml, "FinSet", SplitMemberAmount(final_settlement.value()), MicrosText);
  for (const ReportPosition* p : view.positions) {
    const ReportInstrument& instrument = *index.instruments.at(p->instrument_id);
    xml.Open("Pos");
    xml.Attribute("Instrmt", instrument.instrument_id);
    xml.Attribute("Sym", instrument.product_code);
    xml.Attribute("MMY", instrument.contract_month);
    xml.Attribute("Long", absl::StrCat(p->eod_long));
    xml.Attribute("Short", absl::StrCat(p->eod_short));
    xml.Attribute("SetPx", MicrosText(instrument.settlement_micros));
    xml.Close();
    auto& [long_total, short_total] =
        totals.positions.try_emplace(p->instrument_id, Total("long"), Total("short")).first->second;
    TC_RETURN_IF_ERROR(long_total.Add(p->eod_long));
    TC_RETURN_IF_ERROR(short_total.Add(p->eod_short));
  }
  xml.Close();
  ++totals.accounts;
  return absl::OkStatus();
}

void WriteTotals(formats::XmlWriter& xml, const Totals& totals) {
  xml.Open("Tot");
  xml.Attribute("Mbrs", absl::StrCat(totals.members));
  xml.Attribute("Orgns", absl::StrCat(totals.origins));
  xml.Attribute("Accts", absl::StrCat(totals.accounts));
  xml.Open("Mgn");
  xml.Attribute("Req", CentsText(totals.im_required_cents.value()));
  xml.Attribute("OnDep", CentsText(totals.im_on_deposit_cents.value()));
  xml.Close();
  PaidCollectedElement(xml, "VM", {totals.vm_paid_cents.value(), totals.vm_collected_cents.value()},
                       CentsText);
  xml.Open("CshFlw");
  xml.Attribute("FinSetPd", CentsText(totals.final_paid_cents.value()));
  xml.Attribute("FinSetColl", CentsText(totals.final_collected_cents.value()));
  xml.Attribute("CollDep", CentsText(totals.deposit_cents.value()));
  xml.Attribute("CollWdr", CentsText(totals.withdrawal_cents.value()));
  xml.Attribute("IMCall", CentsText(totals.im_call_cents.value()));
  xml.Attribute("Rlse", CentsText(totals.release_cents.value()));
  xml.Close();
  for (const auto& [instrument_id, quantities] : totals.positions) {
    xml.Open("Pos");
    xml.Attribute("Instrmt", instrument_id);
    xml.Attribute("Long", absl::StrCat(quantities.first.value()));
    xml.Attribute("Short", absl::StrCat(quantities.second.value()));
    xml.Close();
  }
  xml.Close();
}

}  // namespace

absl::StatusOr<std::string> WriteDailyClearingReport(const ReportDay& day) {
  TC_ASSIGN_OR_RETURN(DayIndex index, IndexReportDay(day));
  // Appendix C's "Total Message Count": one report per member.
  int64_t member_count = 0;
  for (size_t i = 0; i < index.origins.size(); ++i) {
    if (i == 0 || index.origins[i].member != index.origins[i - 1].member) ++member_count;
  }
  formats::XmlWriter xml;
  xml.Open("DlyClrRpt");
  xml.Attribute("xmlns", kDailyClearingNamespace);
  xml.Attribute("RptID",
                absl::StrCat(day.dco_id, "-DCR-", CompactDate(day.business_date), "-", day.pass));
  xml.Attribute("BizDt", FormatBusinessDate(day.business_date));
  xml.Attribute("Pass", absl::StrCat(day.pass));
  xml.Attribute("SndrID", day.dco_id);
  xml.Attribute("ToID", "CFTC");
  xml.Attribute("TxnTm", ReportTimestamp(day.business_date));
  xml.Attribute("BaseCcy", kBaseCurrency);
  xml.Attribute("MsgCnt", absl::StrCat(member_count));
  Totals totals;
  totals.members = member_count;
  const ReportMember* open_member = nullptr;
  for (const OriginView& origin : index.origins) {
    if (origin.member != open_member) {
      if (open_member != nullptr) xml.Close();
      open_member = origin.member;
      xml.Open("Mbr");
      xml.Attribute("ID", open_member->member_id);
      xml.Attribute("Name", open_member->name);
      if (!open_member->lei.empty()) xml.Attribute("LEI", open_member->lei);
    }
    xml.Open("Orgn");
    xml.Attribute("Typ", settlement::OriginName(origin.origin));
    xml.Attribute("FundSegTyp", origin.origin == clearing::Origin::kHouse ? "HOUSE" : "SEG");
    xml.Attribute("Ccy", kBaseCurrency);
    TC_RETURN_IF_ERROR(
        WriteOriginCash(xml, origin.cash ? *origin.cash : ReportOriginCash{}, totals));
    for (const AccountView& account : origin.accounts) {
      TC_RETURN_IF_ERROR(WriteAccount(xml, index, account, totals));
    }
    xml.Close();
    ++totals.origins;
  }
  if (open_member != nullptr) xml.Close();
  WriteTotals(xml, totals);
  xml.Close();
  return xml.Finish();
}

}  // namespace tc::reporting
