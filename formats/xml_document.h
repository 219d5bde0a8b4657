// XML documents read into a small tree and written with indentation, both through
// libxml2 (Debian's libxml2-dev). The reader is libxml2's SAX2 parser feeding our own
// tree; what it accepts is XML 1.0 with comments, processing instructions, CDATA, the five
// predefined entities and character references. DTDs are refused as soon as one starts,
// so no entity can be declared, expanded or fetched (XXE and entity-expansion safe), and
// the network is never used (XML_PARSE_NONET). XmlLimits bound the memory any input can
// take: an input over the size limit is refused before libxml2 sees it, depth, element
// and attribute counts are checked as each start tag arrives and stop the parser at once.
// Errors are absl::InvalidArgumentError "line N: ...".
//
//   absl::StatusOr<XmlElement> root = ParseXml(contents);
//   for (const XmlElement& child : root->children) { ... child.line ... }
//   const XmlElement* date = root->FindChild("date");
//
//   XmlWriter writer;
//   writer.Open("spanFile");
//   writer.Leaf("fileFormat", "4.00");
//   writer.Close();
//   std::string xml = writer.Finish();
//
// Schema validation of a whole document: formats/xml_schema.h.
#ifndef TOKENCLEAR_FORMATS_XML_DOCUMENT_H_
#define TOKENCLEAR_FORMATS_XML_DOCUMENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tc::formats {

// Memory is the input, libxml2's copy of it and ~125 bytes per element (measured: a 27.6
// MB .spn of 1.34M elements peaks at 190 MB over the input), so the defaults bound a parse
// at roughly 1.8 GB; raise them explicitly for larger files. libxml2's own limits apply as
// well: depth 256, names of 50,000 bytes, a single attribute value, comment or CDATA
// section of 10 MB; inputs of at most 2 GiB.
struct XmlLimits {
  int64_t max_input_bytes = int64_t{256} << 20;  // 256 MiB
  int max_depth = 64;
  int64_t max_elements = 10'000'000;
  int max_attributes_per_element = 64;
};

struct XmlElement {
  // "prefix:local" when the element has a prefix.
  std::string name{};
  // In document order; namespace declarations ("xmlns", "xmlns:p") come first.
  std::vector<std::pair<std::string, std::string>> attributes{};
  // Character data directly inside the element, references decoded, pieces concatenated.
  // In an element with child elements, text between two tags that is only whitespace
  // (indentation) is dropped.
  std::string text{};
  std::vector<XmlElement> children{};
  int line = 0;  // line of the end of the start tag, 1-based

  // First child with this name, or nullptr.
  const XmlElement* FindChild(absl::string_view child_name) const;
  // Text with leading and trailing XML whitespace removed.
  absl::string_view TrimmedText() const;
};

// Parses a whole document into its root element.
absl::StatusOr<XmlElement> ParseXml(absl::string_view contents, const XmlLimits& limits = {});

// Writes an indented document (tabs): the XML declaration, then one element per line,
// leaves as <name>text</name> with &, <, >, " and carriage returns escaped. Element
// names are the caller's constants, never input.
class XmlWriter {
 public:
  XmlWriter();
  ~XmlWriter();
  XmlWriter(const XmlWriter&) = delete;
  XmlWriter& operator=(const XmlWriter&) = delete;

  void Open(absl::string_view name);
  // An attribute of the element just opened (before any child or text): name="escaped".
  void Attribute(absl::string_view name, absl::string_view value);
  // Escaped text inside the element just opened: <name attr="...">text</name>.
  void Text(absl::string_view text);
  void Close();
  // <name>escaped text</name>
  void Leaf(absl::string_view name, absl::string_view text);
  // The document; every opened element must have been closed. Call once.
  std::string Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tc::formats

#endif  // TOKENCLEAR_FORMATS_XML_DOCUMENT_H_
