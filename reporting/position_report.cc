#include "reporting/position_report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/business_date.h"
#include "core/status_macros.h"
#include "formats/xml_document.h"
#include "reporting/report_index.h"
#include "reporting/report_text.h"

namespace tc::reporting {
namespace {

// FIX AccountType (581): 1 = carried on the customer side of the books, 3 = house trader.
const char* AccountType(clearing::Origin origin) {
  return origin == clearing::Origin::kCustomer ? "1" : "3";
}

void Quantity(formats::XmlWriter& xml, const char* type, int64_t long_quantity,
              int64_t short_quantity) {
  xml.Open("Qty");
  xml.Attribute("Typ", type);
  xml.Attribute("Long", absl::StrCat(long_quantity));
  xml.Attribute("Short", absl::StrCat(short_quantity));
  xml.Close();
}

void Amount(formats::XmlWriter& xml, const char* type, int64_t micros) {
  xml.Open("Amt");
  xml.Attribute("Typ", type);
  xml.Attribute("Amt", MicrosText(micros));
  xml.Attribute("Ccy", kBaseCurrency);
  xml.Close();
}

void Party(formats::XmlWriter& xml, absl::string_view id, const char* role) {
  xml.Open("Pty");
  xml.Attribute("ID", id);
  xml.Attribute("R", role);
  xml.Close();
}

}  // namespace

absl::StatusOr<std::string> WritePositionReports(const ReportDay& day) {
  TC_ASSIGN_OR_RETURN(DayIndex index, IndexReportDay(day));
  const std::vector<const AccountView*> accounts = index.AccountsById();
  int64_t report_count = 0;
  for (const AccountView* account : accounts) report_count += account->positions.size();

  const std::string date = FormatBusinessDate(day.business_date);
  formats::XmlWriter xml;
  xml.Open("FIXML");
  xml.Attribute("xmlns", kFixmlNamespace);
  xml.Attribute("v", "5.0 SP2");
  xml.Open("Batch");
  int64_t sequence = 0;
  for (const AccountView* view : accounts) {
    const ReportAccount& account = *view->account;
    for (const ReportPosition* p : view->positions) {
      const ReportInstrument& instrument = *index.instruments.at(p->instrument_id);
      ++sequence;
      xml.Open("PosRpt");
      xml.Attribute("RptID", absl::StrFormat("%s-POS-%s-%d-%06d", day.dco_id,
                                             CompactDate(day.business_date), day.pass, sequence));
      xml.Attribute("TotRpts", absl::StrCat(report_count));
      xml.Attribute("Unsol", "Y");
      xml.Attribute("Rslt", "0");  // valid request
      xml.Attribute("BizDt", date);
      xml.Attribute("SetSesID", "EOD");
      xml.Attribute("Acct", account.account_id);
      xml.Attribute("AcctTyp", AccountType(account.origin));
      xml.Attribute("Ccy", kBaseCurrency);
      xml.Attribute("SetPx", MicrosText(instrument.settlement_micros));
      xml.Attribute("SetPxTyp", "1");  // final: the day's official settlement price
      xml.Attribute("PriSetPx", MicrosText(instrument.previous_settlement_micros));
      xml.Attribute("TxnTm", ReportTimestamp(day.business_date));
      Party(xml, day.dco_id, "21");        // clearing organization
      Party(xml, account.member_id, "4");  // clearing firm
      xml.Open("Instrmt");
      xml.Attribute("Sym", instrument.product_code);
      xml.Attribute("ID", instrument.instrument_id);
      xml.Attribute("Src", "H");  // exchange symbol
      xml.Attribute("SecTyp", "FUT");
      xml.Attribute("MMY", instrument.contract_month);
      xml.Close();
      Quantity(xml, "SOD", p->sod_long, p->sod_short);
      Quantity(xml, "TQ", p->bought, p->sold);
      Quantity(xml, "FIN", p->eod_long, p->eod_short);
      Amount(xml, "FMTM", p->variation_micros);
      if (p->final_settlement_micros != 0) Amount(xml, "SETL", p->final_settlement_micros);
      xml.Close();
    }
  }
  xml.Close();
  xml.Close();
  return xml.Finish();
}

}  // namespace tc::reporting
