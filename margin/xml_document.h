// A small, strict, bounded XML reader and writer for risk-parameter files (.spn). The
// reader accepts elements, attributes, character data, CDATA sections, comments,
// processing instructions (including the XML declaration), the five predefined entities
// and numeric character references. DTDs and other entities are rejected. Limits on
// input size, nesting depth and element count bound the memory any input can take.
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
#ifndef TOKENCLEAR_MARGIN_XML_DOCUMENT_H_
#define TOKENCLEAR_MARGIN_XML_DOCUMENT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tc::margin {

// Memory is about the input plus ~200 bytes per element (measured on .spn files), so the
// defaults bound a parse at roughly 2.3 GB; raise them explicitly for larger files.
struct XmlLimits {
  int64_t max_input_bytes = int64_t{256} << 20;  // 256 MiB
  int max_depth = 64;
  int64_t max_elements = 10'000'000;
  int max_attributes_per_element = 64;
};

struct XmlElement {
  std::string name{};
  std::vector<std::pair<std::string, std::string>> attributes{};
  // Character data directly inside the element, entities decoded, pieces concatenated.
  std::string text{};
  std::vector<XmlElement> children{};
  int line = 0;  // line of the start tag, 1-based

  // First child with this name, or nullptr.
  const XmlElement* FindChild(absl::string_view child_name) const;
  // Text with leading and trailing XML whitespace removed.
  absl::string_view TrimmedText() const;
};

// Parses a whole document into its root element.
absl::StatusOr<XmlElement> ParseXml(absl::string_view contents, const XmlLimits& limits = {});

// `text` with &, <, >, " and ' replaced by entity references.
std::string EscapeXml(absl::string_view text);

// Writes an indented document: one element per line, leaves as <name>text</name>.
class XmlWriter {
 public:
  XmlWriter();

  void Open(absl::string_view name);
  void Close();
  // <name>escaped text</name>
  void Leaf(absl::string_view name, absl::string_view text);
  // The document; every opened element must have been closed.
  std::string Finish();

 private:
  void Indent();

  std::string out_;
  std::vector<std::string> open_;
};

}  // namespace tc::margin

#endif  // TOKENCLEAR_MARGIN_XML_DOCUMENT_H_
