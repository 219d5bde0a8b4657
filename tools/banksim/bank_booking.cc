#include "tools/banksim/bank_booking.h"

#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/fixed_point.h"

namespace tc::tools {

using payments::Camt054Entry;
using payments::Camt054Notification;
using payments::PainMessage;
using payments::PaymentDirection;
using payments::PaymentInstruction;

namespace {

// An empty switch names nobody, even an instruction without an LEI.
bool Names(const std::string& lei, const PaymentInstruction& p) {
  return !lei.empty() && p.member_lei == lei;
}

}  // namespace

absl::StatusOr<std::vector<Camt054Notification>> BookInstructions(
    const std::vector<PainMessage>& messages, const BankBehaviour& behaviour,
    absl::CivilDay booking_date) {
  if (messages.empty()) {
    return absl::InvalidArgumentError("no pain messages to book");
  }
  // Keyed by the CCP's account: sorted, so the output does not depend on which account's
  // file came first.
  std::map<std::string, Camt054Notification> by_account;
  for (const PainMessage& message : messages) {
    Camt054Notification& notification = by_account[message.ccp.account_number];
    notification.notification_id = message.ccp.account_number;
    notification.account_number = message.ccp.account_number;
    for (const PaymentInstruction& p : message.instructions) {
      if (Names(behaviour.fail_member_lei, p)) continue;
      Camt054Entry entry;
      entry.amount_cents = p.amount_cents;
      if (Names(behaviour.shave_cents_member_lei, p)) {
        if (p.amount_cents <= 1) {
          return absl::InvalidArgumentError(absl::StrCat(
              "message ", message.header.message_id, ": instruction ", p.instruction_id, " of ",
              FormatFixed(p.amount_cents, payments::kCentsDigits), " ", p.currency,
              " cannot be booked one cent short: a booked amount is positive"));
        }
        entry.amount_cents = p.amount_cents - 1;
      }
      entry.currency = p.currency;
      // Seen from the CCP's account: a collect brings money in, a pay takes it out.
      entry.credit_debit = p.direction == PaymentDirection::kCollect
                               ? payments::CreditDebit::kCredit
                               : payments::CreditDebit::kDebit;
      entry.status = Names(behaviour.pending_member_lei, p) ? payments::EntryStatus::kPending
                                                            : payments::EntryStatus::kBooked;
      entry.booking_date = booking_date;
      entry.value_date = booking_date;
      entry.end_to_end_ids = {p.instruction_id};
      entry.remittance_text = p.remittance_text;
      notification.entries.push_back(std::move(entry));
    }
  }
  std::vector<Camt054Notification> notifications;
  notifications.reserve(by_account.size());
  for (auto& [account, notification] : by_account) notifications.push_back(std::move(notification));
  return notifications;
}

}  // namespace tc::tools
