#include "formats/xml_schema.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlstring.h>

#include <fstream>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "core/status_macros.h"
#include "formats/libxml2_init.h"

namespace tc::formats {
namespace {

constexpr size_t kMaxProblems = 10;
constexpr size_t kMaxProblemBytes = 300;

// Collects "line N: message" for each error libxml2 reports (warnings are dropped).
struct Problems {
  std::vector<std::string> lines;
  size_t total = 0;

  static void Collect(void* user_data, xmlErrorPtr error) {
    Problems& self = *static_cast<Problems*>(user_data);
    if (error == nullptr || error->level < XML_ERR_ERROR) return;
    ++self.total;
    if (self.lines.size() >= kMaxProblems) return;
    absl::string_view message = error->message == nullptr ? "" : error->message;
    message = absl::StripAsciiWhitespace(message.substr(0, message.find('\n')));
    std::string line =
        absl::StrCat("line ", error->line, ": ", message.substr(0, kMaxProblemBytes));
    // The cut can split a character, and libxml2 quotes text it decoded from the document's
    // declared encoding: the message travels in a gRPC status, so it must be UTF-8.
    if (!xmlCheckUTF8(reinterpret_cast<const xmlChar*>(line.c_str()))) {
      line = absl::CHexEscape(line);
    }
    self.lines.push_back(std::move(line));
  }

  absl::Status ToStatus(absl::string_view fallback) const {
    if (lines.empty()) return absl::InvalidArgumentError(fallback);
    std::string text = absl::StrJoin(lines, "; ");
    if (total > lines.size()) absl::StrAppend(&text, "; and ", total - lines.size(), " more");
    return absl::InvalidArgumentError(text);
  }
};

struct SchemaParserDeleter {
  void operator()(xmlSchemaParserCtxtPtr context) const { xmlSchemaFreeParserCtxt(context); }
};
struct ValidatorDeleter {
  void operator()(xmlSchemaValidCtxtPtr context) const { xmlSchemaFreeValidCtxt(context); }
};
struct ParserDeleter {
  void operator()(xmlParserCtxtPtr context) const { xmlFreeParserCtxt(context); }
};
struct DocDeleter {
  void operator()(xmlDocPtr doc) const { xmlFreeDoc(doc); }
};

}  // namespace

struct XmlSchema::Compiled {
  xmlSchemaPtr schema = nullptr;
  ~Compiled() {
    if (schema != nullptr) xmlSchemaFree(schema);
  }
};

namespace {

absl::StatusOr<xmlSchemaPtr> Compile(xmlSchemaParserCtxtPtr raw_parser) {
  std::unique_ptr<xmlSchemaParserCtxt, SchemaParserDeleter> parser(raw_parser);
  if (parser == nullptr) return absl::ResourceExhaustedError("libxml2: no schema parser");
  Problems problems;
  xmlSchemaSetParserStructuredErrors(parser.get(), &Problems::Collect, &problems);
  xmlSchemaPtr schema = xmlSchemaParse(parser.get());
  if (schema == nullptr) return problems.ToStatus("not a valid XML schema");
  return schema;
}

}  // namespace

absl::StatusOr<XmlSchema> XmlSchema::FromFile(const std::string& xsd_path) {
  if (!std::ifstream(xsd_path)) return absl::NotFoundError(absl::StrCat(xsd_path, ": cannot open"));
  InitLibxml2();
  absl::StatusOr<xmlSchemaPtr> schema = Compile(xmlSchemaNewParserCtxt(xsd_path.c_str()));
  if (!schema.ok()) {
    return absl::Status(schema.status().code(),
                        absl::StrCat(xsd_path, ": ", schema.status().message()));
  }
  auto compiled = std::make_shared<Compiled>();
  compiled->schema = *schema;
  return XmlSchema(std::move(compiled));
}

absl::StatusOr<XmlSchema> XmlSchema::FromText(absl::string_view xsd) {
  InitLibxml2();
  TC_ASSIGN_OR_RETURN(xmlSchemaPtr schema,
                      Compile(xmlSchemaNewMemParserCtxt(xsd.data(), static_cast<int>(xsd.size()))));
  auto compiled = std::make_shared<Compiled>();
  compiled->schema = schema;
  return XmlSchema(std::move(compiled));
}

absl::Status XmlSchema::Validate(absl::string_view document, const XmlLimits& limits) const {
  // Bounds, well-formedness and the DTD refusal first, with ParseXml's messages.
  TC_RETURN_IF_ERROR(ParseXml(document, limits).status());
  std::unique_ptr<xmlParserCtxt, ParserDeleter> parser(xmlNewParserCtxt());
  if (parser == nullptr) return absl::ResourceExhaustedError("libxml2: no parser context");
  std::unique_ptr<xmlDoc, DocDeleter> doc(
      xmlCtxtReadMemory(parser.get(), document.data(), static_cast<int>(document.size()),
                        /*URL=*/nullptr, /*encoding=*/nullptr,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (doc == nullptr) return absl::InvalidArgumentError("libxml2 could not read the document");
  std::unique_ptr<xmlSchemaValidCtxt, ValidatorDeleter> validator(
      xmlSchemaNewValidCtxt(compiled_->schema));
  if (validator == nullptr) return absl::ResourceExhaustedError("libxml2: no schema validator");
  Problems problems;
  xmlSchemaSetValidStructuredErrors(validator.get(), &Problems::Collect, &problems);
  const int result = xmlSchemaValidateDoc(validator.get(), doc.get());
  if (result == 0) return absl::OkStatus();
  if (result < 0) return absl::InternalError("libxml2: schema validation failed internally");
  return problems.ToStatus("not valid against the schema");
}

absl::Status ValidateXml(absl::string_view document, const std::string& xsd_path,
                         const XmlLimits& limits) {
  TC_ASSIGN_OR_RETURN(XmlSchema schema, XmlSchema::FromFile(xsd_path));
  return schema.Validate(document, limits);
}

}  // namespace tc::formats
