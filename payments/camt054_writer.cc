#include "payments/camt054_writer.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "core/fixed_point.h"
#include "core/status_macros.h"
#include "payments/iso_message_writer.h"
#include "payments/payment_instruction.h"

namespace tc::payments {
namespace {

absl::Status CheckEntry(const Camt054Entry& entry, absl::string_view at) {
  auto field = [&](absl::string_view name) { return absl::StrCat(at, ".", name); };
  // The reader refuses a zero or negative Amt: CdtDbtInd gives the direction.
  if (entry.amount_cents <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field("amount_cents"), " ", entry.amount_cents,
                     " is not positive: credit_debit says which way money moves"));
  }
  TC_RETURN_IF_ERROR(ValidateCurrency(field("currency"), entry.currency));
  for (size_t k = 0; k < entry.end_to_end_ids.size(); ++k) {
    TC_RETURN_IF_ERROR(
        ValidateIsoId(absl::StrCat(at, ".end_to_end_ids[", k, "]"), entry.end_to_end_ids[k]));
  }
  TC_RETURN_IF_ERROR(
      ValidateIsoText(field("remittance_text"), entry.remittance_text, /*required=*/false));
  return absl::OkStatus();
}

absl::Status CheckNotifications(absl::string_view message_id, absl::Time creation_time,
                                absl::Span<const Camt054Notification> notifications) {
  TC_RETURN_IF_ERROR(ValidateIsoId("message_id", message_id));
  if (creation_time == absl::InfiniteFuture() || creation_time == absl::InfinitePast()) {
    return absl::InvalidArgumentError("creation_time is not a finite time");
  }
  if (notifications.empty()) {
    return absl::InvalidArgumentError(
        "notifications is empty: a camt.054 holds at least one Ntfctn");
  }
  absl::flat_hash_set<absl::string_view> ids;
  for (size_t i = 0; i < notifications.size(); ++i) {
    const Camt054Notification& n = notifications[i];
    const std::string at = absl::StrCat("notifications[", i, "]");
    TC_RETURN_IF_ERROR(ValidateIsoId(absl::StrCat(at, ".notification_id"), n.notification_id));
    if (!ids.insert(n.notification_id).second) {
      return absl::InvalidArgumentError(absl::StrCat(at, ".notification_id '", n.notification_id,
                                                     "' appears twice in the message"));
    }
    TC_RETURN_IF_ERROR(
        ValidateAccountNumber(absl::StrCat(at, ".account_number"), n.account_number));
    for (size_t j = 0; j < n.entries.size(); ++j) {
      TC_RETURN_IF_ERROR(CheckEntry(n.entries[j], absl::StrCat(at, ".entries[", j, "]")));
    }
  }
  return absl::OkStatus();
}

void WriteEntry(IsoMessageWriter& out, const Camt054Entry& entry) {
  formats::XmlWriter& xml = out.xml();
  const bool credit = entry.credit_debit == CreditDebit::kCredit;
  xml.Open("Ntry");
  // Ntry/Amt, not InstdAmt: the booked amount, always positive.
  xml.Open("Amt");
  xml.Attribute("Ccy", entry.currency);
  xml.Text(FormatFixed(entry.amount_cents, kCentsDigits));
  xml.Close();
  xml.Leaf("CdtDbtInd", credit ? "CRDT" : "DBIT");
  xml.Open("Sts");
  xml.Leaf("Cd", entry.status == EntryStatus::kBooked ? "BOOK" : "PDNG");
  xml.Close();
  xml.Open("BookgDt");
  xml.Leaf("Dt", IsoDate(entry.booking_date));
  xml.Close();
  xml.Open("ValDt");
  xml.Leaf("Dt", IsoDate(entry.value_date));
  xml.Close();
  // The schema requires a bank transaction code. Seen from the CCP's account, a credit is
  // the collection of a direct debit it issued (PMNT/IDDT/PMDD) and a debit a credit
  // transfer it issued (PMNT/ICDT/DMCT, domestic): the only movements we instruct.
  xml.Open("BkTxCd");
  xml.Open("Domn");
  xml.Leaf("Cd", "PMNT");
  xml.Open("Fmly");
  xml.Leaf("Cd", credit ? "IDDT" : "ICDT");
  xml.Leaf("SubFmlyCd", credit ? "PMDD" : "DMCT");
  xml.Close();  // Fmly
  xml.Close();  // Domn
  xml.Close();  // BkTxCd
  // One TxDtls per instruction booked. The remittance text is the entry's, so each of its
  // transactions carries it; with no EndToEndId it still has a TxDtls of its own.
  if (!entry.end_to_end_ids.empty() || !entry.remittance_text.empty()) {
    xml.Open("NtryDtls");
    auto transaction = [&](const std::string* end_to_end_id) {
      xml.Open("TxDtls");
      if (end_to_end_id != nullptr) {
        xml.Open("Refs");
        xml.Leaf("EndToEndId", *end_to_end_id);
        xml.Close();
      }
      out.Remittance(entry.remittance_text);
      xml.Close();
    };
    if (entry.end_to_end_ids.empty()) transaction(nullptr);
    for (const std::string& id : entry.end_to_end_ids) transaction(&id);
    xml.Close();  // NtryDtls
  }
  xml.Close();  // Ntry
}

}  // namespace

absl::StatusOr<std::string> WriteCamt054(absl::string_view message_id, absl::Time creation_time,
                                         absl::Span<const Camt054Notification> notifications) {
  TC_RETURN_IF_ERROR(CheckNotifications(message_id, creation_time, notifications));
  const std::string created = IsoDateTimeUtc(creation_time);
  IsoMessageWriter out(kCamt054Namespace);
  formats::XmlWriter& xml = out.xml();
  xml.Open("BkToCstmrDbtCdtNtfctn");
  xml.Open("GrpHdr");
  xml.Leaf("MsgId", message_id);
  xml.Leaf("CreDtTm", created);
  xml.Close();
  for (const Camt054Notification& n : notifications) {
    xml.Open("Ntfctn");
    xml.Leaf("Id", n.notification_id);
    xml.Leaf("CreDtTm", created);
    out.Account("Acct", n.account_number);
    for (const Camt054Entry& entry : n.entries) WriteEntry(out, entry);
    xml.Close();  // Ntfctn
  }
  xml.Close();  // BkToCstmrDbtCdtNtfctn
  return out.Finish();
}

}  // namespace tc::payments
