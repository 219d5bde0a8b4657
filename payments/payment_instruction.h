// What the CCP asks its settlement bank to move, in the terms ISO 20022 payment messages
// need (docs/PAYMENTS_ISO20022.md). One PaymentInstruction is one movement between the
// CCP's account and one member's account: a collect is a direct debit of the member
// (pain.008), a pay is a credit transfer to the member (pain.001). Amounts are int64
// cents, always positive: the direction says which way the money goes. The writers
// validate every field and name the instruction and field they refuse.
//
//   PaymentInstruction pay;
//   pay.instruction_id = "PAY-20261201-0001";   // also the EndToEndId, max 35
//   pay.direction = PaymentDirection::kPay;
//   pay.amount_cents = 123456789;               // 1234567.89
//   TC_RETURN_IF_ERROR(ValidateAbaRoutingNumber("member_bank_aba", pay.member_bank_aba));
#ifndef TOKENCLEAR_PAYMENTS_PAYMENT_INSTRUCTION_H_
#define TOKENCLEAR_PAYMENTS_PAYMENT_INSTRUCTION_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "clearing/reference_data.h"

namespace tc::payments {

// ISO 20022 Max35Text: message, batch, instruction and end-to-end IDs, mandate IDs.
inline constexpr size_t kMaxIsoIdLength = 35;
// ISO 20022 Max140Text: names and unstructured remittance text.
inline constexpr size_t kMaxIsoTextLength = 140;
// ISO 20022 Max34Text: an account number in Othr/Id.
inline constexpr size_t kMaxAccountNumberLength = 34;
// Cents: every currency we move has two minor digits.
inline constexpr int kCentsDigits = 2;

enum class PaymentDirection {
  kCollect,  // the member pays the CCP: direct debit of the member's account (pain.008)
  kPay,      // the CCP pays the member: credit transfer to the member's account (pain.001)
};

struct PaymentInstruction {
  std::string instruction_id;  // our unique ID; InstrId and EndToEndId (max 35)
  PaymentDirection direction = PaymentDirection::kPay;
  std::string member_id;
  std::string member_name;  // Nm, max 140
  std::string member_lei;   // ISO 17442, 20 characters, check digits verified
  clearing::Origin origin = clearing::Origin::kHouse;
  int64_t amount_cents = 0;  // > 0
  std::string currency;      // ISO 4217 with 2 minor digits (kTwoDigitCurrencies)
  absl::CivilDay business_date;
  std::string member_account_number;  // Id/Othr/Id, max 34
  std::string member_bank_aba;        // 9-digit ABA routing number of the member's bank
  // Collects only: the member's standing debit mandate with the CCP.
  std::string mandate_id;  // max 35
  std::optional<absl::CivilDay> mandate_signature_date;
  std::string remittance_text;  // RmtInf/Ustrd, max 140; empty: no RmtInf
};

// The CCP as debtor of its pays and creditor of its collects.
struct CcpParty {
  std::string name;
  std::string lei;
  std::string account_number;  // the CCP's account at its settlement bank
  std::string bank_aba;        // the settlement bank's ABA routing number
};

struct MessageHeader {
  std::string message_id;         // MsgId, unique per message (banks refuse a duplicate), max 35
  absl::Time creation_time;       // CreDtTm: from the caller's clock seam, written in UTC
  absl::CivilDay execution_date;  // ReqdExctnDt (pays) or ReqdColltnDt (collects)
};

// Field checks shared by the writers; each error is InvalidArgument naming `field`.
// Max35Text restricted to the identifier characters of core/identifiers.h.
absl::Status ValidateIsoId(absl::string_view field, absl::string_view value);
// Non-empty, at most kMaxIsoTextLength bytes, no control characters.
absl::Status ValidateIsoText(absl::string_view field, absl::string_view value, bool required);
// Nine digits whose weighted sum 3-7-1 is a multiple of 10 (the ABA check digit).
absl::Status ValidateAbaRoutingNumber(absl::string_view field, absl::string_view value);
// 18 upper-case letters or digits then 2 digits, ISO 7064 MOD 97-10 remainder 1.
absl::Status ValidateLei(absl::string_view field, absl::string_view value);
// 1 to 34 letters, digits or '-'.
absl::Status ValidateAccountNumber(absl::string_view field, absl::string_view value);
// One of the ISO 4217 currencies with two minor digits that we settle in.
absl::Status ValidateCurrency(absl::string_view field, absl::string_view value);

absl::string_view OriginText(clearing::Origin origin);  // "HOUSE" or "CUSTOMER"

}  // namespace tc::payments

#endif  // TOKENCLEAR_PAYMENTS_PAYMENT_INSTRUCTION_H_
