// pain.001.001.09: a hand-checked golden file (two members, house and customer, amounts
// 1.00, 0.05 and 1234567.89, CtrlSum exact), validation against our subset schema, and
// every refusal with its message.
#include "payments/pain001_writer.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "formats/xml_schema.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "payments/iso20022_schemas.h"
#include "payments/payments_test_data.h"

namespace tc::payments {
namespace {

using ::testing::HasSubstr;

using testing::kAlpha;
using testing::kBeta;

CcpParty Ccp() { return testing::SampleCcp(); }

MessageHeader Header() {
  return testing::SampleHeader("TC-PAY-20261201-1", absl::CivilSecond(2026, 12, 1, 18, 30, 0));
}

std::vector<PaymentInstruction> Pays() {
  auto pay = [](std::string id, bool alpha, clearing::Origin origin, int64_t cents) {
    return testing::SampleInstruction(PaymentDirection::kPay, std::move(id), alpha, origin, cents);
  };
  return {pay("PAY-20261201-0001", kAlpha, clearing::Origin::kHouse, 100),
          pay("PAY-20261201-0002", kAlpha, clearing::Origin::kCustomer, 5),
          pay("PAY-20261201-0003", kBeta, clearing::Origin::kHouse, 123456789)};
}

// Checked by hand against docs/PAYMENTS_ISO20022.md: CtrlSum = 1.00 + 0.05 + 1234567.89.
constexpr char kGolden[] = R"xml(<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">
	<CstmrCdtTrfInitn>
		<GrpHdr>
			<MsgId>TC-PAY-20261201-1</MsgId>
			<CreDtTm>2026-12-01T18:30:00Z</CreDtTm>
			<NbOfTxs>3</NbOfTxs>
			<CtrlSum>1234568.94</CtrlSum>
			<InitgPty>
				<Nm>Tokenclear CCP</Nm>
			</InitgPty>
		</GrpHdr>
		<PmtInf>
			<PmtInfId>TC-PAY-20261201-1</PmtInfId>
			<PmtMtd>TRF</PmtMtd>
			<NbOfTxs>3</NbOfTxs>
			<CtrlSum>1234568.94</CtrlSum>
			<ReqdExctnDt>
				<Dt>2026-12-02</Dt>
			</ReqdExctnDt>
			<Dbtr>
				<Nm>Tokenclear CCP</Nm>
				<Id>
					<OrgId>
						<LEI>TOKENCLEARCCP0000159</LEI>
					</OrgId>
				</Id>
			</Dbtr>
			<DbtrAcct>
				<Id>
					<Othr>
						<Id>CCP-SETTLE-001</Id>
					</Othr>
				</Id>
			</DbtrAcct>
			<DbtrAgt>
				<FinInstnId>
					<ClrSysMmbId>
						<ClrSysId>
							<Cd>USABA</Cd>
						</ClrSysId>
						<MmbId>021000021</MmbId>
					</ClrSysMmbId>
				</FinInstnId>
			</DbtrAgt>
			<ChrgBr>SHAR</ChrgBr>
			<CdtTrfTxInf>
				<PmtId>
					<InstrId>PAY-20261201-0001</InstrId>
					<EndToEndId>PAY-20261201-0001</EndToEndId>
				</PmtId>
				<Amt>
					<InstdAmt Ccy="USD">1.00</InstdAmt>
				</Amt>
				<CdtrAgt>
					<FinInstnId>
						<ClrSysMmbId>
							<ClrSysId>
								<Cd>USABA</Cd>
							</ClrSysId>
							<MmbId>011000015</MmbId>
						</ClrSysMmbId>
					</FinInstnId>
				</CdtrAgt>
				<Cdtr>
					<Nm>Alpha Clearing LLC</Nm>
					<Id>
						<OrgId>
							<LEI>MEMBERALPHA000000183</LEI>
						</OrgId>
					</Id>
				</Cdtr>
				<CdtrAcct>
					<Id>
						<Othr>
							<Id>ALPHA-0001</Id>
						</Othr>
					</Id>
				</CdtrAcct>
				<RmtInf>
					<Ustrd>VM 2026-12-01 HOUSE ALPHA</Ustrd>
				</RmtInf>
			</CdtTrfTxInf>
			<CdtTrfTxInf>
				<PmtId>
					<InstrId>PAY-20261201-0002</InstrId>
					<EndToEndId>PAY-20261201-0002</EndToEndId>
				</PmtId>
				<Amt>
					<InstdAmt Ccy="USD">0.05</InstdAmt>
				</Amt>
				<CdtrAgt>
					<FinInstnId>
						<ClrSysMmbId>
							<ClrSysId>
								<Cd>USABA</Cd>
							</ClrSysId>
							<MmbId>011000015</MmbId>
						</ClrSysMmbId>
					</FinInstnId>
				</CdtrAgt>
				<Cdtr>
					<Nm>Alpha Clearing LLC</Nm>
					<Id>
						<OrgId>
							<LEI>MEMBERALPHA000000183</LEI>
						</OrgId>
					</Id>
				</Cdtr>
				<CdtrAcct>
					<Id>
						<Othr>
							<Id>ALPHA-0001</Id>
						</Othr>
					</Id>
				</CdtrAcct>
				<RmtInf>
					<Ustrd>VM 2026-12-01 CUSTOMER ALPHA</Ustrd>
				</RmtInf>
			</CdtTrfTxInf>
			<CdtTrfTxInf>
				<PmtId>
					<InstrId>PAY-20261201-0003</InstrId>
					<EndToEndId>PAY-20261201-0003</EndToEndId>
				</PmtId>
				<Amt>
					<InstdAmt Ccy="USD">1234567.89</InstdAmt>
				</Amt>
				<CdtrAgt>
					<FinInstnId>
						<ClrSysMmbId>
							<ClrSysId>
								<Cd>USABA</Cd>
							</ClrSysId>
							<MmbId>026009593</MmbId>
						</ClrSysMmbId>
					</FinInstnId>
				</CdtrAgt>
				<Cdtr>
					<Nm>Beta Futures &amp; Co</Nm>
					<Id>
						<OrgId>
							<LEI>MEMBERBETA0000000253</LEI>
						</OrgId>
					</Id>
				</Cdtr>
				<CdtrAcct>
					<Id>
						<Othr>
							<Id>BETA-0002</Id>
						</Othr>
					</Id>
				</CdtrAcct>
				<RmtInf>
					<Ustrd>VM 2026-12-01 HOUSE BETA</Ustrd>
				</RmtInf>
			</CdtTrfTxInf>
		</PmtInf>
	</CstmrCdtTrfInitn>
</Document>
)xml";

TEST(Pain001WriterTest, WritesTheGoldenFile) {
  absl::StatusOr<std::string> xml = WritePain001(Header(), Ccp(), Pays());
  ASSERT_TRUE(xml.ok()) << xml.status();
  EXPECT_EQ(*xml, kGolden);
}

TEST(Pain001WriterTest, OutputIsValidAgainstTheSubsetSchema) {
  absl::StatusOr<formats::XmlSchema> schema = formats::XmlSchema::FromText(Pain001Xsd());
  ASSERT_TRUE(schema.ok()) << schema.status();
  absl::StatusOr<std::string> xml = WritePain001(Header(), Ccp(), Pays());
  ASSERT_TRUE(xml.ok()) << xml.status();
  EXPECT_TRUE(schema->Validate(*xml).ok()) << schema->Validate(*xml);
  // And the schema is not a rubber stamp: a negative amount breaks it.
  std::string broken = *xml;
  broken.replace(broken.find(">1.00<"), 6, ">-1.00<");
  EXPECT_FALSE(schema->Validate(broken).ok());
}

struct Refusal {
  const char* name;
  void (*spoil)(MessageHeader&, CcpParty&, std::vector<PaymentInstruction>&);
  const char* message;
};

class Pain001RefusalTest : public ::testing::TestWithParam<Refusal> {};

TEST_P(Pain001RefusalTest, RefusesNamingTheInstructionAndField) {
  MessageHeader header = Header();
  CcpParty ccp = Ccp();
  std::vector<PaymentInstruction> pays = Pays();
  GetParam().spoil(header, ccp, pays);
  absl::StatusOr<std::string> xml = WritePain001(header, ccp, pays);
  ASSERT_EQ(xml.status().code(), absl::StatusCode::kInvalidArgument) << xml.status();
  EXPECT_EQ(xml.status().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Refusals, Pain001RefusalTest,
    ::testing::Values(
        Refusal{"collect",
                [](MessageHeader&, CcpParty&, std::vector<PaymentInstruction>& p) {
                  p[1].direction = PaymentDirection::kCollect;
                },
                "pays[1].direction is COLLECT: a pay file (pain.001) holds only pays"},
        Refusal{"zero_amount",
                [](MessageHeader&, CcpParty&, std::vector<PaymentInstruction>& p) {
                  p[2].amount_cents = 0;
                },
                "pays[2].amount_cents 0 is not positive: the direction says which way money "
                "moves"},
        Refusal{"negative_amount",
                [](MessageHeader&, CcpParty&, std::vector<PaymentInstruction>& p) {
                  p[0].amount_cents = -100;
                },
                "pays[0].amount_cents -100 is not positive: the direction says which way "
                "money moves"},
        Refusal{"id_too_long",
                [](MessageHeader&, CcpParty&, std::vector<PaymentInstruction>& p) {
                  p[0].instruction_id = std::string(36, 'A');
                },
                "pays[0].instruction_id 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' is longer than "
                "35 characters"},
        Refusal{"duplicate_id",
                [](MessageHeader&, CcpParty&, std::vector<PaymentInstruction>& p) {
                  p[2].instruction_id = p[0].instruction_id;
                },
                "pays[2].instruction_id 'PAY-20261201-0001' appears twice in the message"},
        Refusal{"mixed_currency",
                [](MessageHeader&, CcpParty&, std::vector<PaymentInstruction>& p) {
                  p[2].currency = "EUR";
                },
                "pays[2].currency 'EUR' differs from pays[0].currency 'USD': one currency per "
                "PmtInf"},
        Refusal{"three_digit_currency",
                [](MessageHeader&, CcpParty&, std::vector<PaymentInstruction>& p) {
                  p[0].currency = "JPY";
                },
                "pays[0].currency 'JPY' is not a settled ISO 4217 currency with 2 minor digits"},
        Refusal{"bad_aba",
                [](MessageHeader&, CcpParty&, std::vector<PaymentInstruction>& p) {
                  p[1].member_bank_aba = "021000022";
                },
                "pays[1].member_bank_aba '021000022' fails the ABA check digit"},
        Refusal{"short_aba",
                [](MessageHeader&, CcpParty&, std::vector<PaymentInstruction>& p) {
                  p[1].member_bank_aba = "02100002";
                },
                "pays[1].member_bank_aba '02100002' is not 9 digits"},
        Refusal{"bad_lei",
                [](MessageHeader&, CcpParty&, std::vector<PaymentInstruction>& p) {
                  p[2].member_lei = "MEMBERBETA0000000254";
                },
                "pays[2].member_lei 'MEMBERBETA0000000254' fails the ISO 17442 check digits"},
        Refusal{"remittance_too_long",
                [](MessageHeader&, CcpParty&, std::vector<PaymentInstruction>& p) {
                  p[0].remittance_text = std::string(141, 'x');
                },
                "pays[0].remittance_text "
                "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                "xx' is longer than 140 bytes"},
        Refusal{"empty_name",
                [](MessageHeader&, CcpParty&,
                   std::vector<PaymentInstruction>& p) { p[0].member_name.clear(); },
                "pays[0].member_name is empty"},
        Refusal{
            "bad_account",
            [](MessageHeader&, CcpParty&,
               std::vector<PaymentInstruction>& p) { p[0].member_account_number = "ALPHA 0001"; },
            "pays[0].member_account_number 'ALPHA 0001' has a character other than a "
            "letter, digit or '-'"},
        Refusal{"ccp_bad_aba",
                [](MessageHeader&, CcpParty& c,
                   std::vector<PaymentInstruction>&) { c.bank_aba = "123456789"; },
                "ccp.bank_aba '123456789' fails the ABA check digit"},
        Refusal{"message_id_too_long",
                [](MessageHeader& h, CcpParty&, std::vector<PaymentInstruction>&) {
                  h.message_id = std::string(36, '1');
                },
                "header.message_id '111111111111111111111111111111111111' is longer than 35 "
                "characters"},
        Refusal{"no_pays",
                [](MessageHeader&, CcpParty&, std::vector<PaymentInstruction>& p) { p.clear(); },
                "pays is empty: a message holds at least one instruction"},
        Refusal{"control_sum_overflow",
                [](MessageHeader&, CcpParty&, std::vector<PaymentInstruction>& p) {
                  p[0].amount_cents = INT64_MAX;
                },
                "pays[1].amount_cents 5 overflows the control sum"}),
    [](const ::testing::TestParamInfo<Refusal>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace tc::payments
