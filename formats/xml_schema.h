// In-process XML Schema (XSD 1.0) validation with libxml2 (xmlSchemaValidateDoc), so a
// file we write (a .spn, a report) can check itself against its published schema. The
// document is first read by ParseXml with its XmlLimits (size, depth, element count, no
// DTD), so what libxml2 then builds for validation is bounded and entity-free. Schemas
// are trusted local files: their own imports and includes are read as libxml2 resolves
// them. A compiled XmlSchema is immutable; Validate may be called from several threads.
//
//   absl::StatusOr<XmlSchema> schema = XmlSchema::FromFile("shared/reference/spanrisk.xsd");
//   absl::Status valid = schema->Validate(WriteSpn(params));   // OK, or the first errors
//
//   absl::Status once = ValidateXml(xml, "report.xsd");
#ifndef TOKENCLEAR_FORMATS_XML_SCHEMA_H_
#define TOKENCLEAR_FORMATS_XML_SCHEMA_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "formats/xml_document.h"

namespace tc::formats {

class XmlSchema {
 public:
  // Compiles the schema in the file at `xsd_path`. NotFound when the file cannot be read,
  // InvalidArgument "line N: ..." when it is not a valid schema.
  static absl::StatusOr<XmlSchema> FromFile(const std::string& xsd_path);
  // Compiles a schema held in memory (no includes or imports relative to a file).
  static absl::StatusOr<XmlSchema> FromText(absl::string_view xsd);

  // OK when `document` reads within `limits` and is valid against the schema; otherwise
  // InvalidArgument "line N: ..." with at most the first ten problems, separated by "; ".
  absl::Status Validate(absl::string_view document, const XmlLimits& limits = {}) const;

 private:
  struct Compiled;
  explicit XmlSchema(std::shared_ptr<const Compiled> compiled) : compiled_(std::move(compiled)) {}

  std::shared_ptr<const Compiled> compiled_;
};

// XmlSchema::FromFile(xsd_path) then Validate(document, limits).
absl::Status ValidateXml(absl::string_view document, const std::string& xsd_path,
                         const XmlLimits& limits = {});

}  // namespace tc::formats

#endif  // TOKENCLEAR_FORMATS_XML_SCHEMA_H_
