// pain.008.001.08: a hand-checked golden file (two members, house and customer, CtrlSum
// exact), validation against our subset schema, and every refusal with its message.
#include "payments/pain008_writer.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "formats/xml_schema.h"
#include "gtest/gtest.h"
#include "payments/iso20022_schemas.h"
#include "payments/payments_test_data.h"

namespace tc::payments {
namespace {

using testing::kAlpha;
using testing::kBeta;

CcpParty Ccp() { return testing::SampleCcp(); }

MessageHeader Header() {
  return testing::SampleHeader("TC-COL-20261201-1", absl::CivilSecond(2026, 12, 1, 18, 0, 0));
}

std::vector<PaymentInstruction> Collects() {
  auto collect = [](std::string id, bool alpha, clearing::Origin origin, int64_t cents) {
    return testing::SampleInstruction(PaymentDirection::kCollect, std::move(id), alpha, origin,
                                      cents);
  };
  return {collect("COL-20261201-0001", kAlpha, clearing::Origin::kCustomer, 5),
          collect("COL-20261201-0002", kBeta, clearing::Origin::kHouse, 123456789),
          collect("COL-20261201-0003", kBeta, clearing::Origin::kCustomer, 100)};
}

// Checked by hand: CtrlSum = 0.05 + 1234567.89 + 1.00 = 1234568.94.
constexpr char kGolden[] = R"xml(<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.08">
	<CstmrDrctDbtInitn>
		<GrpHdr>
			<MsgId>TC-COL-20261201-1</MsgId>
			<CreDtTm>2026-12-01T18:00:00Z</CreDtTm>
			<NbOfTxs>3</NbOfTxs>
			<CtrlSum>1234568.94</CtrlSum>
			<InitgPty>
				<Nm>Tokenclear CCP</Nm>
			</InitgPty>
		</GrpHdr>
		<PmtInf>
			<PmtInfId>TC-COL-20261201-1</PmtInfId>
			<PmtMtd>DD</PmtMtd>
			<NbOfTxs>3</NbOfTxs>
			<CtrlSum>1234568.94</CtrlSum>
			<ReqdColltnDt>2026-12-02</ReqdColltnDt>
			<Cdtr>
				<Nm>Tokenclear CCP</Nm>
				<Id>
					<OrgId>
						<LEI>TOKENCLEARCCP0000159</LEI>
					</OrgId>
				</Id>
			</Cdtr>
			<CdtrAcct>
				<Id>
					<Othr>
						<Id>CCP-SETTLE-001</Id>
					</Othr>
				</Id>
			</CdtrAcct>
			<CdtrAgt>
				<FinInstnId>
					<ClrSysMmbId>
						<ClrSysId>
							<Cd>USABA</Cd>
						</ClrSysId>
						<MmbId>021000021</MmbId>
					</ClrSysMmbId>
				</FinInstnId>
			</CdtrAgt>
			<DrctDbtTxInf>
				<PmtId>
					<InstrId>COL-20261201-0001</InstrId>
					<EndToEndId>COL-20261201-0001</EndToEndId>
				</PmtId>
				<InstdAmt Ccy="USD">0.05</InstdAmt>
				<DrctDbtTx>
					<MndtRltdInf>
						<MndtId>MNDT-ALPHA-1</MndtId>
						<DtOfSgntr>2026-01-15</DtOfSgntr>
					</MndtRltdInf>
				</DrctDbtTx>
				<DbtrAgt>
					<FinInstnId>
						<ClrSysMmbId>
							<ClrSysId>
								<Cd>USABA</Cd>
							</ClrSysId>
							<MmbId>011000015</MmbId>
						</ClrSysMmbId>
					</FinInstnId>
				</DbtrAgt>
				<Dbtr>
					<Nm>Alpha Clearing LLC</Nm>
					<Id>
						<OrgId>
							<LEI>MEMBERALPHA000000183</LEI>
						</OrgId>
					</Id>
				</Dbtr>
				<DbtrAcct>
					<Id>
						<Othr>
							<Id>ALPHA-0001</Id>
						</Othr>
					</Id>
				</DbtrAcct>
				<RmtInf>
					<Ustrd>VM 2026-12-01 CUSTOMER ALPHA</Ustrd>
				</RmtInf>
			</DrctDbtTxInf>
			<DrctDbtTxInf>
				<PmtId>
					<InstrId>COL-20261201-0002</InstrId>
					<EndToEndId>COL-20261201-0002</EndToEndId>
				</PmtId>
				<InstdAmt Ccy="USD">1234567.89</InstdAmt>
				<DrctDbtTx>
					<MndtRltdInf>
						<MndtId>MNDT-BETA-1</MndtId>
						<DtOfSgntr>2026-01-15</DtOfSgntr>
					</MndtRltdInf>
				</DrctDbtTx>
				<DbtrAgt>
					<FinInstnId>
						<ClrSysMmbId>
							<ClrSysId>
								<Cd>USABA</Cd>
							</ClrSysId>
							<MmbId>026009593</MmbId>
						</ClrSysMmbId>
					</FinInstnId>
				</DbtrAgt>
				<Dbtr>
					<Nm>Beta Futures &amp; Co</Nm>
					<Id>
						<OrgId>
							<LEI>MEMBERBETA0000000253</LEI>
						</OrgId>
					</Id>
				</Dbtr>
				<DbtrAcct>
					<Id>
						<Othr>
							<Id>BETA-0002</Id>
						</Othr>
					</Id>
				</DbtrAcct>
				<RmtInf>
					<Ustrd>VM 2026-12-01 HOUSE BETA</Ustrd>
				</RmtInf>
			</DrctDbtTxInf>
			<DrctDbtTxInf>
				<PmtId>
					<InstrId>COL-20261201-0003</InstrId>
					<EndToEndId>COL-20261201-0003</EndToEndId>
				</PmtId>
				<InstdAmt Ccy="USD">1.00</InstdAmt>
				<DrctDbtTx>
					<MndtRltdInf>
						<MndtId>MNDT-BETA-1</MndtId>
						<DtOfSgntr>2026-01-15</DtOfSgntr>
					</MndtRltdInf>
				</DrctDbtTx>
				<DbtrAgt>
					<FinInstnId>
						<ClrSysMmbId>
							<ClrSysId>
								<Cd>USABA</Cd>
							</ClrSysId>
							<MmbId>026009593</MmbId>
						</ClrSysMmbId>
					</FinInstnId>
				</DbtrAgt>
				<Dbtr>
					<Nm>Beta Futures &amp; Co</Nm>
					<Id>
						<OrgId>
							<LEI>MEMBERBETA0000000253</LEI>
						</OrgId>
					</Id>
				</Dbtr>
				<DbtrAcct>
					<Id>
						<Othr>
							<Id>BETA-0002</Id>
						</Othr>
					</Id>
				</DbtrAcct>
				<RmtInf>
					<Ustrd>VM 2026-12-01 CUSTOMER BETA</Ustrd>
				</RmtInf>
			</DrctDbtTxInf>
		</PmtInf>
	</CstmrDrctDbtInitn>
</Document>
)xml";

TEST(Pain008WriterTest, WritesTheGoldenFile) {
  absl::StatusOr<std::string> xml = WritePain008(Header(), Ccp(), Collects());
  ASSERT_TRUE(xml.ok()) << xml.status();
  EXPECT_EQ(*xml, kGolden);
}

TEST(Pain008WriterTest, OutputIsValidAgainstTheSubsetSchema) {
  absl::StatusOr<formats::XmlSchema> schema = formats::XmlSchema::FromText(Pain008Xsd());
  ASSERT_TRUE(schema.ok()) << schema.status();
  absl::StatusOr<std::string> xml = WritePain008(Header(), Ccp(), Collects());
  ASSERT_TRUE(xml.ok()) << xml.status();
  EXPECT_TRUE(schema->Validate(*xml).ok()) << schema->Validate(*xml);
  // A pay file is not a collect file: the namespaces differ.
  absl::StatusOr<formats::XmlSchema> pain001 = formats::XmlSchema::FromText(Pain001Xsd());
  ASSERT_TRUE(pain001.ok());
  EXPECT_FALSE(pain001->Validate(*xml).ok());
}

struct Refusal {
  const char* name;
  void (*spoil)(MessageHeader&, std::vector<PaymentInstruction>&);
  const char* message;
};

class Pain008RefusalTest : public ::testing::TestWithParam<Refusal> {};

TEST_P(Pain008RefusalTest, RefusesNamingTheInstructionAndField) {
  MessageHeader header = Header();
  std::vector<PaymentInstruction> collects = Collects();
  GetParam().spoil(header, collects);
  absl::StatusOr<std::string> xml = WritePain008(header, Ccp(), collects);
  ASSERT_EQ(xml.status().code(), absl::StatusCode::kInvalidArgument) << xml.status();
  EXPECT_EQ(xml.status().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Refusals, Pain008RefusalTest,
    ::testing::Values(
        Refusal{"pay",
                [](MessageHeader&, std::vector<PaymentInstruction>& c) {
                  c[2].direction = PaymentDirection::kPay;
                },
                "collects[2].direction is PAY: a collect file (pain.008) holds only collects"},
        Refusal{"zero_amount",
                [](MessageHeader&, std::vector<PaymentInstruction>& c) { c[0].amount_cents = 0; },
                "collects[0].amount_cents 0 is not positive: the direction says which way money "
                "moves"},
        Refusal{"no_mandate",
                [](MessageHeader&, std::vector<PaymentInstruction>& c) { c[1].mandate_id.clear(); },
                "collects[1].mandate_id is required"},
        Refusal{"mandate_id_too_long",
                [](MessageHeader&, std::vector<PaymentInstruction>& c) {
                  c[1].mandate_id = std::string(36, 'M');
                },
                "collects[1].mandate_id 'MMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMM' is longer than 35 "
                "characters"},
        Refusal{"no_signature_date",
                [](MessageHeader&, std::vector<PaymentInstruction>& c) {
                  c[0].mandate_signature_date.reset();
                },
                "collects[0].mandate_signature_date is missing: a collect needs its mandate"},
        Refusal{"signed_after_collection",
                [](MessageHeader&, std::vector<PaymentInstruction>& c) {
                  c[0].mandate_signature_date = absl::CivilDay(2026, 12, 3);
                },
                "collects[0].mandate_signature_date 2026-12-03 is after the collection date "
                "2026-12-02"},
        Refusal{"mixed_currency",
                [](MessageHeader&, std::vector<PaymentInstruction>& c) { c[1].currency = "GBP"; },
                "collects[1].currency 'GBP' differs from collects[0].currency 'USD': one "
                "currency per PmtInf"},
        Refusal{"bad_aba",
                [](MessageHeader&, std::vector<PaymentInstruction>& c) {
                  c[2].member_bank_aba = "02600959X";
                },
                "collects[2].member_bank_aba '02600959X' is not 9 digits"},
        Refusal{"bad_id_character",
                [](MessageHeader&,
                   std::vector<PaymentInstruction>& c) { c[0].instruction_id = "COL 1"; },
                "collects[0].instruction_id 'COL 1' is malformed: 1-64 characters of "
                "[A-Za-z0-9._:-], starting alphanumeric"}),
    [](const ::testing::TestParamInfo<Refusal>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace tc::payments
