// Matching the bank's confirmations to our instructions: a match confirms, the same
// booking again is a duplicate, a different booking of a confirmed payment is a conflict,
// a pending entry never posts, and every kind of difference is a named break.
#include "settlement/payment_matching.h"

#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace tc::settlement {
namespace {

using payments::CreditDebit;
using payments::EntryStatus;
using payments::PaymentDirection;

constexpr char kAccount[] = "CCP-001";

absl::flat_hash_map<std::string, InstructionToMatch> Sent() {
  absl::flat_hash_map<std::string, InstructionToMatch> sent;
  const std::vector<InstructionToMatch> all = {
      {"TC-C1", PaymentDirection::kCollect, 123'450, "USD", kAccount, false, ""},  // 1234.50
      {"TC-P1", PaymentDirection::kPay, 50'000, "USD", kAccount, false, ""},
      {"TC-B1", PaymentDirection::kPay, 10'000, "USD", kAccount, false, ""},  // a batch of
      {"TC-B2", PaymentDirection::kPay, 20'000, "USD", kAccount, false, ""},  // two pays
  };
  for (const InstructionToMatch& i : all) sent[i.instruction_id] = i;
  return sent;
}

// A booked debit of the batch TC-B1 + TC-B2: 100.00 + 200.00 as one 300.00.
Confirmation BatchOut() {
  return {{"TC-B1", "TC-B2"},
          30'000,
          "USD",
          kAccount,
          CreditDebit::kDebit,
          EntryStatus::kBooked,
          "camt.054 MSG1 Ntfctn[0].Ntry[1]"};
}

// A booked credit of the collect TC-C1, exactly as instructed.
Confirmation CollectIn() {
  return {{"TC-C1"},
          123'450,
          "USD",
          kAccount,
          CreditDebit::kCredit,
          EntryStatus::kBooked,
          "camt.054 MSG1 Ntfctn[0].Ntry[0]"};
}

MatchResult MatchOne(const Confirmation& c,
                     const absl::flat_hash_map<std::string, InstructionToMatch>& sent = Sent()) {
  std::vector<MatchResult> results = MatchConfirmations({c}, sent);
  EXPECT_EQ(results.size(), 1u);
  return results.empty() ? MatchResult{} : results[0];
}

TEST(PaymentMatchingTest, AnExactBookingConfirms) {
  const MatchResult r = MatchOne(CollectIn());
  EXPECT_EQ(r.outcome, MatchOutcome::kConfirms);
  EXPECT_EQ(r.reason, BreakReason::kNone);
  EXPECT_EQ(r.instruction_ids, std::vector<std::string>{"TC-C1"});
  EXPECT_EQ(r.detail, "");
  // A pay goes out as a debit.
  const Confirmation pay{
      {"TC-P1"}, 50'000, "USD", kAccount, CreditDebit::kDebit, EntryStatus::kBooked, "grpc:pay-1"};
  EXPECT_EQ(MatchOne(pay).outcome, MatchOutcome::kConfirms);
}

TEST(PaymentMatchingTest, ABatchBookingOfTwoIdsConfirmsBoth) {
  Confirmation batch = BatchOut();
  MatchResult r = MatchOne(batch);
  EXPECT_EQ(r.outcome, MatchOutcome::kConfirms);
  EXPECT_EQ(r.instruction_ids, (std::vector<std::string>{"TC-B1", "TC-B2"}));
  batch.amount_cents = 30'001;
  r = MatchOne(batch);
  EXPECT_EQ(r.outcome, MatchOutcome::kBreak);
  EXPECT_EQ(r.reason, BreakReason::kAmountMismatch);
  EXPECT_EQ(r.detail, "amount 300.01 USD, instructions TC-B1 + TC-B2 expect 300.00");
}

TEST(PaymentMatchingTest, TheSameBookingTwiceIsADuplicate) {
  // Once over gRPC, once in the day's file: different references, same content.
  Confirmation grpc = CollectIn();
  grpc.reference = "grpc:req-77";
  const std::vector<MatchResult> results =
      MatchConfirmations({grpc, CollectIn(), CollectIn()}, Sent());
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].outcome, MatchOutcome::kConfirms);
  EXPECT_EQ(results[1].outcome, MatchOutcome::kAlreadyConfirmed);
  EXPECT_EQ(results[2].outcome, MatchOutcome::kAlreadyConfirmed);
  // Confirmed in an earlier call: the store's fingerprint recognises it.
  absl::flat_hash_map<std::string, InstructionToMatch> sent = Sent();
  sent["TC-C1"].confirmed = true;
  sent["TC-C1"].confirmation_fingerprint = ConfirmationFingerprint(grpc);
  EXPECT_EQ(MatchOne(CollectIn(), sent).outcome, MatchOutcome::kAlreadyConfirmed);
  // A batch listed in the other order is the same booking.
  Confirmation batch = BatchOut();
  Confirmation reordered = batch;
  reordered.end_to_end_ids = {"TC-B2", "TC-B1"};
  const std::vector<MatchResult> batches = MatchConfirmations({batch, reordered}, Sent());
  EXPECT_EQ(batches[0].outcome, MatchOutcome::kConfirms);
  EXPECT_EQ(batches[1].outcome, MatchOutcome::kAlreadyConfirmed);
}

TEST(PaymentMatchingTest, ADifferentBookingOfAConfirmedPaymentIsAConflict) {
  absl::flat_hash_map<std::string, InstructionToMatch> sent = Sent();
  sent["TC-C1"].confirmed = true;
  sent["TC-C1"].confirmation_fingerprint = ConfirmationFingerprint(CollectIn());
  // The same instruction booked again for another amount contradicts the final payment.
  Confirmation again = CollectIn();
  again.amount_cents = 123'451;
  MatchResult r = MatchOne(again, sent);
  EXPECT_EQ(r.outcome, MatchOutcome::kConflict);
  EXPECT_EQ(r.reason, BreakReason::kNone);
  EXPECT_EQ(r.detail, "instruction TC-C1 is already confirmed by a different booking");
  // Within one call too: the second, different booking conflicts with the first.
  const std::vector<MatchResult> results = MatchConfirmations({CollectIn(), again}, Sent());
  EXPECT_EQ(results[0].outcome, MatchOutcome::kConfirms);
  EXPECT_EQ(results[1].outcome, MatchOutcome::kConflict);
  // A batch of which one instruction is confirmed and the other not.
  sent = Sent();
  sent["TC-B1"].confirmed = true;
  sent["TC-B1"].confirmation_fingerprint = "ab";
  r = MatchOne(BatchOut(), sent);
  EXPECT_EQ(r.outcome, MatchOutcome::kConflict);
  // ... even when the confirmed one was confirmed by this very booking's fingerprint.
  Confirmation batch = BatchOut();
  sent["TC-B1"].confirmation_fingerprint = ConfirmationFingerprint(batch);
  r = MatchOne(batch, sent);
  EXPECT_EQ(r.outcome, MatchOutcome::kConflict);
  EXPECT_EQ(r.detail, "1 of the 2 instructions named are already confirmed and the others not");
}

TEST(PaymentMatchingTest, APendingEntryNeverPosts) {
  Confirmation pending = CollectIn();
  pending.status = EntryStatus::kPending;
  MatchResult r = MatchOne(pending);
  EXPECT_EQ(r.outcome, MatchOutcome::kPending);
  EXPECT_EQ(r.reason, BreakReason::kNone);
  EXPECT_EQ(r.instruction_ids, std::vector<std::string>{"TC-C1"});
  // Pending first, even with a wrong amount or an unknown id: nothing is final yet.
  pending.end_to_end_ids = {"NOT-OURS"};
  EXPECT_EQ(MatchOne(pending).outcome, MatchOutcome::kPending);
  // A pending entry does not confirm, so the booking after it does.
  pending = CollectIn();
  pending.status = EntryStatus::kPending;
  const std::vector<MatchResult> results = MatchConfirmations({pending, CollectIn()}, Sent());
  EXPECT_EQ(results[1].outcome, MatchOutcome::kConfirms);
}

TEST(PaymentMatchingTest, EveryBreakReasonIsNamed) {
  Confirmation c = CollectIn();
  c.end_to_end_ids = {};
  MatchResult r = MatchOne(c);
  EXPECT_EQ(r.outcome, MatchOutcome::kBreak);
  EXPECT_EQ(r.reason, BreakReason::kNoReference);
  EXPECT_EQ(r.detail, "the entry names no end-to-end id");
  c.end_to_end_ids = {"TC-C1", ""};
  r = MatchOne(c);
  EXPECT_EQ(r.reason, BreakReason::kNoReference);
  EXPECT_EQ(r.detail, "the entry has an empty end-to-end id");
  // Listing one id twice would count its amount twice: 2 x 1234.50 = 2469.00.
  c.end_to_end_ids = {"TC-C1", "TC-C1"};
  c.amount_cents = 246'900;
  r = MatchOne(c);
  EXPECT_EQ(r.reason, BreakReason::kNoReference);
  EXPECT_EQ(r.detail, "end-to-end id 'TC-C1' is listed twice");

  c = CollectIn();
  c.end_to_end_ids = {"TC-C1", "NOT-OURS"};
  r = MatchOne(c);
  EXPECT_EQ(r.outcome, MatchOutcome::kBreak);
  EXPECT_EQ(r.reason, BreakReason::kUnknownInstruction);
  EXPECT_EQ(r.detail, "end-to-end id 'NOT-OURS' names no instruction");
  EXPECT_EQ(r.instruction_ids, (std::vector<std::string>{"TC-C1", "NOT-OURS"}));

  c = CollectIn();
  c.credit_debit = CreditDebit::kDebit;
  r = MatchOne(c);
  EXPECT_EQ(r.reason, BreakReason::kDirectionMismatch);
  EXPECT_EQ(r.detail, "DBIT (a pay went out), instruction TC-C1 is a collect");

  c = CollectIn();
  c.currency = "EUR";
  r = MatchOne(c);
  EXPECT_EQ(r.reason, BreakReason::kCurrencyMismatch);
  EXPECT_EQ(r.detail, "currency EUR, instruction TC-C1 expects USD");

  c = CollectIn();
  c.account_id = "CCP-999";
  r = MatchOne(c);
  EXPECT_EQ(r.reason, BreakReason::kAccountMismatch);
  EXPECT_EQ(r.detail, "account 'CCP-999', instruction TC-C1 moves through 'CCP-001'");

  c = CollectIn();
  c.amount_cents = 123'456;
  r = MatchOne(c);
  EXPECT_EQ(r.reason, BreakReason::kAmountMismatch);
  EXPECT_EQ(r.detail, "amount 1234.56 USD, instruction TC-C1 expects 1234.50");

  // Several differences: the first in the order direction, currency, account, amount.
  c = CollectIn();
  c.amount_cents = 1;
  c.account_id = "CCP-999";
  c.currency = "EUR";
  EXPECT_EQ(MatchOne(c).reason, BreakReason::kCurrencyMismatch);
  c.credit_debit = CreditDebit::kDebit;
  EXPECT_EQ(MatchOne(c).reason, BreakReason::kDirectionMismatch);
  c = CollectIn();
  c.amount_cents = 1;
  c.account_id = "CCP-999";
  EXPECT_EQ(MatchOne(c).reason, BreakReason::kAccountMismatch);
}

TEST(PaymentMatchingTest, ABreakConfirmsNothing) {
  Confirmation wrong = CollectIn();
  wrong.amount_cents = 123'456;
  const std::vector<MatchResult> results = MatchConfirmations({wrong, CollectIn()}, Sent());
  EXPECT_EQ(results[0].outcome, MatchOutcome::kBreak);
  EXPECT_EQ(results[1].outcome, MatchOutcome::kConfirms);
}

TEST(PaymentMatchingTest, AmountsThatOverflowAreABreak) {
  absl::flat_hash_map<std::string, InstructionToMatch> sent = Sent();
  sent["TC-B1"].amount_cents = std::numeric_limits<int64_t>::max();
  sent["TC-B2"].amount_cents = 1;
  const MatchResult r = MatchOne(BatchOut(), sent);
  EXPECT_EQ(r.outcome, MatchOutcome::kBreak);
  EXPECT_EQ(r.reason, BreakReason::kAmountMismatch);
  EXPECT_EQ(r.detail,
            "amount 300.00 USD, instructions TC-B1 + TC-B2 expect more than a sum can hold "
            "(overflow)");
}

TEST(PaymentMatchingTest, TheFingerprintCoversTheContentNotTheSource) {
  const Confirmation base = CollectIn();
  const std::string fingerprint = ConfirmationFingerprint(base);
  EXPECT_EQ(fingerprint.size(), 64u);  // hex SHA-256
  EXPECT_EQ(fingerprint.find_first_not_of("0123456789abcdef"), std::string::npos);
  Confirmation other_source = base;
  other_source.reference = "grpc:k";
  other_source.status = EntryStatus::kPending;
  EXPECT_EQ(ConfirmationFingerprint(other_source), fingerprint);
  std::vector<Confirmation> changed(5, base);
  changed[0].end_to_end_ids = {"TC-C2"};
  changed[1].amount_cents += 1;
  changed[2].currency = "EUR";
  changed[3].account_id = "CCP-002";
  changed[4].credit_debit = CreditDebit::kDebit;
  for (const Confirmation& c : changed) EXPECT_NE(ConfirmationFingerprint(c), fingerprint);
  // Length prefixes: ids "AB" + "C" are not "A" + "BC".
  Confirmation ab = base, a = base;
  ab.end_to_end_ids = {"AB", "C"};
  a.end_to_end_ids = {"A", "BC"};
  EXPECT_NE(ConfirmationFingerprint(ab), ConfirmationFingerprint(a));
}

TEST(PaymentMatchingTest, NamesAreStable) {
  EXPECT_EQ(MatchOutcomeName(MatchOutcome::kConfirms), "CONFIRMS");
  EXPECT_EQ(MatchOutcomeName(MatchOutcome::kAlreadyConfirmed), "ALREADY_CONFIRMED");
  EXPECT_EQ(MatchOutcomeName(MatchOutcome::kPending), "PENDING");
  EXPECT_EQ(MatchOutcomeName(MatchOutcome::kBreak), "BREAK");
  EXPECT_EQ(MatchOutcomeName(MatchOutcome::kConflict), "CONFLICT");
  EXPECT_EQ(BreakReasonName(BreakReason::kNone), "NONE");
  EXPECT_EQ(BreakReasonName(BreakReason::kUnknownInstruction), "UNKNOWN_INSTRUCTION");
  EXPECT_EQ(BreakReasonName(BreakReason::kDirectionMismatch), "DIRECTION_MISMATCH");
  EXPECT_EQ(BreakReasonName(BreakReason::kAmountMismatch), "AMOUNT_MISMATCH");
  EXPECT_EQ(BreakReasonName(BreakReason::kCurrencyMismatch), "CURRENCY_MISMATCH");
  EXPECT_EQ(BreakReasonName(BreakReason::kAccountMismatch), "ACCOUNT_MISMATCH");
  EXPECT_EQ(BreakReasonName(BreakReason::kNoReference), "NO_REFERENCE");
}

}  // namespace
}  // namespace tc::settlement
