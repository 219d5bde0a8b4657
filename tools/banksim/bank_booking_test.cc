// banksim's booking without a shell: pain messages written by our writers and read back
// (payments/pain_reader.h) become one camt.054 notification per CCP account, collects as
// credits and pays as debits in file and instruction order; a failing member is left out,
// a pending one is PDNG, a shaved one is a cent short; the result written as camt.054 is
// read back by our reader.
#include "tools/banksim/bank_booking.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "payments/camt054_reader.h"
#include "payments/pain001_writer.h"
#include "payments/pain008_writer.h"
#include "payments/payments_test_data.h"

namespace tc::tools {
namespace {

using payments::Camt054Entry;
using payments::Camt054Notification;
using payments::CreditDebit;
using payments::EntryStatus;
using payments::PainMessage;
using payments::PaymentDirection;
using payments::PaymentInstruction;
using payments::testing::kAlpha;
using payments::testing::kBeta;
using ::testing::ElementsAre;

constexpr char kAlphaLei[] = "MEMBERALPHA000000183";
constexpr char kBetaLei[] = "MEMBERBETA0000000253";
constexpr absl::CivilDay kBookingDate(2026, 12, 2);

PaymentInstruction Instruction(PaymentDirection direction, std::string id, bool alpha,
                               int64_t cents) {
  return payments::testing::SampleInstruction(direction, std::move(id), alpha,
                                              clearing::Origin::kHouse, cents);
}

// Written by our writer and read back, as banksim reads its files.
PainMessage Message(const std::string& message_id, const std::string& ccp_account,
                    std::vector<PaymentInstruction> instructions) {
  payments::CcpParty ccp = payments::testing::SampleCcp();
  ccp.account_number = ccp_account;
  const payments::MessageHeader header =
      payments::testing::SampleHeader(message_id, absl::CivilSecond(2026, 12, 1, 18, 0, 0));
  absl::StatusOr<std::string> xml = instructions[0].direction == PaymentDirection::kCollect
                                        ? payments::WritePain008(header, ccp, instructions)
                                        : payments::WritePain001(header, ccp, instructions);
  EXPECT_TRUE(xml.ok()) << xml.status();
  absl::StatusOr<PainMessage> message = payments::ReadPainMessage(*xml);
  EXPECT_TRUE(message.ok()) << message.status();
  return *message;
}

// The files in name order: pays of a second account, then collects and pays of the first.
std::vector<PainMessage> Messages() {
  return {
      Message("TC-PAY-2", "CCP-SETTLE-002",
              {Instruction(PaymentDirection::kPay, "PAY-2-1", kBeta, 700)}),
      Message("TC-COL-1", "CCP-SETTLE-001",
              {Instruction(PaymentDirection::kCollect, "COL-1-1", kAlpha, 123456789),
               Instruction(PaymentDirection::kCollect, "COL-1-2", kBeta, 5)}),
      Message("TC-PAY-1", "CCP-SETTLE-001",
              {Instruction(PaymentDirection::kPay, "PAY-1-1", kBeta, 100),
               Instruction(PaymentDirection::kPay, "PAY-1-2", kAlpha, 1)}),
  };
}

// "COL-1-1 CRDT BOOK 123456789" for compact expectations.
std::vector<std::string> Summary(const Camt054Notification& n) {
  std::vector<std::string> out;
  for (const Camt054Entry& e : n.entries) {
    EXPECT_EQ(e.end_to_end_ids.size(), 1u);
    out.push_back(absl::StrCat(
        e.end_to_end_ids[0], " ", e.credit_debit == CreditDebit::kCredit ? "CRDT" : "DBIT", " ",
        e.status == EntryStatus::kBooked ? "BOOK" : "PDNG", " ", e.amount_cents));
  }
  return out;
}

TEST(BankBookingTest, BooksCollectsAsCreditsAndPaysAsDebitsPerAccount) {
  absl::StatusOr<std::vector<Camt054Notification>> booked =
      BookInstructions(Messages(), BankBehaviour{}, kBookingDate);
  ASSERT_TRUE(booked.ok()) << booked.status();
  ASSERT_EQ(booked->size(), 2u);
  // Sorted by account, entries in file then instruction order.
  EXPECT_EQ((*booked)[0].account_number, "CCP-SETTLE-001");
  EXPECT_EQ((*booked)[0].notification_id, "CCP-SETTLE-001");
  EXPECT_THAT(Summary((*booked)[0]),
              ElementsAre("COL-1-1 CRDT BOOK 123456789", "COL-1-2 CRDT BOOK 5",
                          "PAY-1-1 DBIT BOOK 100", "PAY-1-2 DBIT BOOK 1"));
  EXPECT_EQ((*booked)[1].account_number, "CCP-SETTLE-002");
  EXPECT_THAT(Summary((*booked)[1]), ElementsAre("PAY-2-1 DBIT BOOK 700"));

  const Camt054Entry& first = (*booked)[0].entries[0];
  EXPECT_EQ(first.currency, "USD");
  EXPECT_EQ(first.booking_date, kBookingDate);
  EXPECT_EQ(first.value_date, kBookingDate);
  EXPECT_EQ(first.remittance_text, "VM 2026-12-01 HOUSE ALPHA");
}

TEST(BankBookingTest, SimulatesAFailurePendingEntriesAndAShortBooking) {
  BankBehaviour fail;
  fail.fail_member_lei = kBetaLei;
  absl::StatusOr<std::vector<Camt054Notification>> booked =
      BookInstructions(Messages(), fail, kBookingDate);
  ASSERT_TRUE(booked.ok()) << booked.status();
  EXPECT_THAT(Summary((*booked)[0]),
              ElementsAre("COL-1-1 CRDT BOOK 123456789", "PAY-1-2 DBIT BOOK 1"));
  // The account is still notified, with nothing on it.
  ASSERT_EQ(booked->size(), 2u);
  EXPECT_TRUE((*booked)[1].entries.empty());

  BankBehaviour pending_and_short;
  pending_and_short.pending_member_lei = kBetaLei;
  pending_and_short.shave_cents_member_lei = kAlphaLei;
  // Alpha's 0.01 pay cannot be booked a cent short: leave Alpha's pays out of this one.
  std::vector<PainMessage> messages = Messages();
  messages.pop_back();
  booked = BookInstructions(messages, pending_and_short, kBookingDate);
  ASSERT_TRUE(booked.ok()) << booked.status();
  EXPECT_THAT(Summary((*booked)[0]),
              ElementsAre("COL-1-1 CRDT BOOK 123456788", "COL-1-2 CRDT PDNG 5"));
  EXPECT_THAT(Summary((*booked)[1]), ElementsAre("PAY-2-1 DBIT PDNG 700"));

  // Failure wins over the other switches for the same member.
  BankBehaviour all_beta;
  all_beta.fail_member_lei = kBetaLei;
  all_beta.pending_member_lei = kBetaLei;
  all_beta.shave_cents_member_lei = kBetaLei;
  booked = BookInstructions(messages, all_beta, kBookingDate);
  ASSERT_TRUE(booked.ok()) << booked.status();
  EXPECT_THAT(Summary((*booked)[0]), ElementsAre("COL-1-1 CRDT BOOK 123456789"));
}

TEST(BankBookingTest, RefusesWhatCannotBeBooked) {
  BankBehaviour shave_alpha;
  shave_alpha.shave_cents_member_lei = kAlphaLei;
  absl::StatusOr<std::vector<Camt054Notification>> booked =
      BookInstructions(Messages(), shave_alpha, kBookingDate);
  ASSERT_EQ(booked.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(booked.status().message(),
            "message TC-PAY-1: instruction PAY-1-2 of 0.01 USD cannot be booked one cent "
            "short: a booked amount is positive");

  EXPECT_EQ(BookInstructions({}, BankBehaviour{}, kBookingDate).status().message(),
            "no pain messages to book");
}

TEST(BankBookingTest, WrittenAsCamt054OurReaderReadsTheBooking) {
  BankBehaviour behaviour;
  behaviour.pending_member_lei = kAlphaLei;
  absl::StatusOr<std::vector<Camt054Notification>> booked =
      BookInstructions(Messages(), behaviour, kBookingDate);
  ASSERT_TRUE(booked.ok()) << booked.status();
  const absl::Time created =
      absl::FromCivil(absl::CivilSecond(2026, 12, 2, 17, 0, 0), absl::UTCTimeZone());
  absl::StatusOr<std::string> camt = payments::WriteCamt054("BANK-20261202-1", created, *booked);
  ASSERT_TRUE(camt.ok()) << camt.status();
  absl::StatusOr<std::vector<payments::BankNotification>> read = payments::ReadCamt054(*camt);
  ASSERT_TRUE(read.ok()) << read.status();
  std::vector<std::string> entries;
  for (const payments::BankNotification& n : *read) {
    entries.push_back(absl::StrCat(n.account_id, " ", n.end_to_end_ids[0], " ",
                                   n.credit_debit == CreditDebit::kCredit ? "CRDT" : "DBIT", " ",
                                   n.status == EntryStatus::kBooked ? "BOOK" : "PDNG", " ",
                                   n.amount_cents, " ", n.currency));
    EXPECT_EQ(n.booking_date, kBookingDate);
  }
  EXPECT_THAT(entries, ElementsAre("CCP-SETTLE-001 COL-1-1 CRDT PDNG 123456789 USD",
                                   "CCP-SETTLE-001 COL-1-2 CRDT BOOK 5 USD",
                                   "CCP-SETTLE-001 PAY-1-1 DBIT BOOK 100 USD",
                                   "CCP-SETTLE-001 PAY-1-2 DBIT PDNG 1 USD",
                                   "CCP-SETTLE-002 PAY-2-1 DBIT BOOK 700 USD"));
}

}  // namespace
}  // namespace tc::tools
