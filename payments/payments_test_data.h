// Test-only: what the payments tests share. The CCP, a message header, and instructions of
// two members: ALPHA ("Alpha Clearing LLC") and BETA ("Beta Futures & Co", whose name
// needs escaping), each with a valid LEI, account and ABA routing number, and for
// collects a standing debit mandate.
//
//   std::vector<PaymentInstruction> pays = {
//       SampleInstruction(PaymentDirection::kPay, "PAY-1", kAlpha, clearing::Origin::kHouse, 100)};
#ifndef TOKENCLEAR_PAYMENTS_PAYMENTS_TEST_DATA_H_
#define TOKENCLEAR_PAYMENTS_PAYMENTS_TEST_DATA_H_

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "payments/payment_instruction.h"

namespace tc::payments::testing {

inline constexpr bool kAlpha = true;
inline constexpr bool kBeta = false;

inline CcpParty SampleCcp() {
  CcpParty ccp;
  ccp.name = "Tokenclear CCP";
  ccp.lei = "TOKENCLEARCCP0000159";
  ccp.account_number = "CCP-SETTLE-001";
  ccp.bank_aba = "021000021";
  return ccp;
}

// Created at `created` (UTC), executed or collected on 2026-12-02.
inline MessageHeader SampleHeader(std::string message_id, absl::CivilSecond created) {
  MessageHeader header;
  header.message_id = std::move(message_id);
  header.creation_time = absl::FromCivil(created, absl::UTCTimeZone());
  header.execution_date = absl::CivilDay(2026, 12, 2);
  return header;
}

// Variation margin of business date 2026-12-01, in USD.
inline PaymentInstruction SampleInstruction(PaymentDirection direction, std::string id, bool alpha,
                                            clearing::Origin origin, int64_t amount_cents) {
  PaymentInstruction p;
  p.instruction_id = std::move(id);
  p.direction = direction;
  p.member_id = alpha ? "ALPHA" : "BETA";
  p.member_name = alpha ? "Alpha Clearing LLC" : "Beta Futures & Co";
  p.member_lei = alpha ? "MEMBERALPHA000000183" : "MEMBERBETA0000000253";
  p.origin = origin;
  p.amount_cents = amount_cents;
  p.currency = "USD";
  p.business_date = absl::CivilDay(2026, 12, 1);
  p.member_account_number = alpha ? "ALPHA-0001" : "BETA-0002";
  p.member_bank_aba = alpha ? "011000015" : "026009593";
  if (direction == PaymentDirection::kCollect) {
    p.mandate_id = alpha ? "MNDT-ALPHA-1" : "MNDT-BETA-1";
    p.mandate_signature_date = absl::CivilDay(2026, 1, 15);
  }
  p.remittance_text = absl::StrCat("VM 2026-12-01 ", OriginText(origin), " ", p.member_id);
  return p;
}

}  // namespace tc::payments::testing

#endif  // TOKENCLEAR_PAYMENTS_PAYMENTS_TEST_DATA_H_
