// XmlSchema: a small schema compiled from text, valid and invalid documents (errors by
// line), ParseXml's limits and DTD refusal applied before validation, bad schemas.
#include "formats/xml_schema.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace tc::formats {
namespace {

constexpr char kSchema[] = R"(<?xml version="1.0"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="book">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="title" type="xs:string"/>
        <xs:element name="price" type="xs:decimal" maxOccurs="unbounded"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
</xs:schema>)";

XmlSchema MustCompile() {
  absl::StatusOr<XmlSchema> schema = XmlSchema::FromText(kSchema);
  EXPECT_TRUE(schema.ok()) << schema.status();
  return *std::move(schema);
}

TEST(XmlSchemaTest, ValidDocumentsPass) {
  const XmlSchema schema = MustCompile();
  EXPECT_TRUE(schema.Validate("<book><title>T</title><price>1.5</price></book>").ok());
  EXPECT_TRUE(schema.Validate("<book>\n<title/>\n<price>1</price><price>-2</price></book>").ok());
}

TEST(XmlSchemaTest, InvalidDocumentsNameTheLine) {
  const XmlSchema schema = MustCompile();
  absl::Status wrong_type = schema.Validate("<book>\n<title>T</title>\n<price>x</price></book>");
  EXPECT_EQ(wrong_type.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(wrong_type.message(), "line 3: ")) << wrong_type;
  EXPECT_TRUE(absl::StrContains(wrong_type.message(), "price")) << wrong_type;
  absl::Status missing = schema.Validate("<book>\n<price>1</price></book>");
  EXPECT_TRUE(absl::StartsWith(missing.message(), "line 2: ")) << missing;
  EXPECT_FALSE(schema.Validate("<other/>").ok());
}

TEST(XmlSchemaTest, DocumentsAreReadWithinTheLimitsFirst) {
  const XmlSchema schema = MustCompile();
  EXPECT_EQ(schema.Validate("<book><title>T</title>").message(),
            "line 1: end of input inside <book>");
  EXPECT_EQ(schema
                .Validate("<!DOCTYPE book [<!ENTITY t \"T\">]><book><title>&t;</title>"
                          "<price>1</price></book>")
                .message(),
            "line 1: DTDs and declarations are not supported");
  EXPECT_EQ(schema.Validate("<book><title>T</title><price>1</price></book>", {.max_elements = 2})
                .message(),
            "line 1: more than 2 elements");
}

TEST(XmlSchemaTest, BadSchemasAreRefused) {
  EXPECT_EQ(XmlSchema::FromText("<notASchema/>").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(XmlSchema::FromFile("/nonexistent/schema.xsd").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ValidateXml("<book/>", "/nonexistent/schema.xsd").code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace tc::formats
