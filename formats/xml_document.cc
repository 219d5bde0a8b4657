#include "formats/xml_document.h"

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlstring.h>
#include <libxml/xmlwriter.h>

#include <algorithm>
#include <climits>
#include <iterator>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "core/check.h"
#include "formats/libxml2_init.h"

namespace tc::formats {
namespace {

constexpr size_t kMaxMessageBytes = 200;

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

absl::string_view View(const xmlChar* text) {
  return text == nullptr ? absl::string_view() : reinterpret_cast<const char*>(text);
}

absl::string_view View(const xmlChar* begin, const xmlChar* end) {
  return absl::string_view(reinterpret_cast<const char*>(begin), static_cast<size_t>(end - begin));
}

// "prefix:local", or "local" without a prefix.
std::string QualifiedName(const xmlChar* prefix, const xmlChar* local) {
  if (prefix == nullptr) return std::string(View(local));
  return absl::StrCat(View(prefix), ":", View(local));
}

// Builds the XmlElement tree from libxml2's SAX2 events, enforcing XmlLimits as start tags
// arrive, and keeps the first error (ours or libxml2's). Iterative: depth costs no stack.
class TreeBuilder {
 public:
  explicit TreeBuilder(const XmlLimits& limits) : limits_(limits) {}

  void set_context(xmlParserCtxtPtr context) { context_ = context; }
  const absl::Status& error() const { return error_; }
  bool has_root() const { return has_root_; }
  XmlElement TakeRoot() { return std::move(root_); }

  // The SAX2 handler: every other event (comments, processing instructions, document
  // start and end) is ignored; no DOM is built.
  static xmlSAXHandler Handler() {
    xmlSAXHandler handler{};
    handler.initialized = XML_SAX2_MAGIC;
    handler.startElementNs = &TreeBuilder::OnStart;
    handler.endElementNs = &TreeBuilder::OnEnd;
    handler.characters = &TreeBuilder::OnText;
    handler.ignorableWhitespace = &TreeBuilder::OnText;
    handler.cdataBlock = &TreeBuilder::OnText;
    handler.internalSubset = &TreeBuilder::OnDoctype;
    handler.serror = &TreeBuilder::OnError;
    return handler;
  }

 private:
  static TreeBuilder& Of(void* user_data) { return *static_cast<TreeBuilder*>(user_data); }

  int Line() const { return context_->input != nullptr ? context_->input->line : 0; }

  // Our own refusal: recorded (unless an error came first) and the parser stopped.
  void Fail(absl::string_view what) {
    if (error_.ok()) {
      error_ = absl::InvalidArgumentError(
          absl::StrCat("line ", Line(), ": ", what.substr(0, kMaxMessageBytes)));
    }
    xmlStopParser(context_);
  }

  static void OnStart(void* user_data, const xmlChar* local, const xmlChar* prefix,
                      const xmlChar* /*uri*/, int namespace_count, const xmlChar** namespaces,
                      int attribute_count, int /*defaulted_count*/, const xmlChar** attributes) {
    TreeBuilder& self = Of(user_data);
    if (!self.error_.ok()) return;
    if (++self.elements_ > self.limits_.max_elements) {
      return self.Fail(absl::StrCat("more than ", self.limits_.max_elements, " elements"));
    }
    const size_t depth = self.stack_.size();
    if (static_cast<int>(depth) >= self.limits_.max_depth) {
      return self.Fail(absl::StrCat("elements nested deeper than ", self.limits_.max_depth));
    }
    if (namespace_count + attribute_count > self.limits_.max_attributes_per_element) {
      return self.Fail(
          absl::StrCat("<", QualifiedName(prefix, local), "> has too many attributes"));
    }
    self.pending_space_.clear();  // indentation before a child element
    self.segment_has_text_ = false;
    if (self.open_children_.size() <= depth) self.open_children_.resize(depth + 1);
    XmlElement& element = self.stack_.emplace_back();
    element.name = QualifiedName(prefix, local);
    element.line = self.Line();
    if (namespace_count + attribute_count == 0) return;
    element.attributes.reserve(static_cast<size_t>(namespace_count + attribute_count));
    for (int i = 0; i < namespace_count; ++i) {
      const xmlChar* ns_prefix = namespaces[2 * i];
      element.attributes.emplace_back(
          ns_prefix == nullptr ? std::string("xmlns") : absl::StrCat("xmlns:", View(ns_prefix)),
          std::string(View(namespaces[2 * i + 1])));
    }
    // Five pointers per attribute: local name, prefix, URI, value start, value end.
    for (int i = 0; i < attribute_count; ++i) {
      const xmlChar* const* attribute = attributes + 5 * i;
      // Without entity substitution libxml2 hands on every '&' that a reference produced
      // as "&#38;" (for a DOM builder to re-parse); a literal '&' cannot occur in a value.
      std::string value(View(attribute[3], attribute[4]));
      if (value.find('&') != std::string::npos) absl::StrReplaceAll({{"&#38;", "&"}}, &value);
      element.attributes.emplace_back(QualifiedName(attribute[1], attribute[0]), std::move(value));
    }
  }

  // Children wait in open_children_[depth] (reused, so its capacity is kept) and move into
  // an exactly sized vector when their parent ends: one allocation per parent.
  static void OnEnd(void* user_data, const xmlChar* /*local*/, const xmlChar* /*prefix*/,
                    const xmlChar* /*uri*/) {
    TreeBuilder& self = Of(user_data);
    if (!self.error_.ok() || self.stack_.empty()) return;
    const size_t depth = self.stack_.size() - 1;
    XmlElement& element = self.stack_.back();
    std::vector<XmlElement>& children = self.open_children_[depth];
    if (children.empty()) {
      element.text.append(self.pending_space_);  // a leaf keeps all of its text
    } else {
      element.children.reserve(children.size());
      std::move(children.begin(), children.end(), std::back_inserter(element.children));
      children.clear();
    }
    self.pending_space_.clear();
    self.segment_has_text_ = false;
    if (depth == 0) {
      self.root_ = std::move(element);
      self.has_root_ = true;
    } else {
      self.open_children_[depth - 1].push_back(std::move(element));
    }
    self.stack_.pop_back();
  }

  // Text between two tags that is only whitespace is held back: it is dropped when a tag
  // of a child element ends it (indentation), and kept otherwise.
  static void OnText(void* user_data, const xmlChar* text, int length) {
    TreeBuilder& self = Of(user_data);
    if (!self.error_.ok() || self.stack_.empty()) return;
    const absl::string_view piece(reinterpret_cast<const char*>(text), static_cast<size_t>(length));
    std::string& out = self.stack_.back().text;
    if (!self.segment_has_text_) {
      if (std::all_of(piece.begin(), piece.end(), IsXmlSpace)) {
        self.pending_space_.append(piece.data(), piece.size());
        return;
      }
      self.segment_has_text_ = true;
      out.append(self.pending_space_);
      self.pending_space_.clear();
    }
    out.append(piece.data(), piece.size());
  }

  static void OnDoctype(void* user_data, const xmlChar* /*name*/, const xmlChar* /*external_id*/,
                        const xmlChar* /*system_id*/) {
    Of(user_data).Fail("DTDs and declarations are not supported");
  }

  static void OnError(void* user_data, xmlErrorPtr error) {
    TreeBuilder& self = Of(user_data);
    // Warnings, and namespace errors (an undeclared prefix is read as part of the name),
    // do not refuse a document.
    if (error == nullptr || error->level < XML_ERR_ERROR || error->domain == XML_FROM_NAMESPACE) {
      return;
    }
    if (self.error_.ok()) {
      std::string message = absl::StrCat("line ", error->line, ": ", DescribeError(*error));
      // libxml2 may quote bytes of a document in a declared encoding it could not convert;
      // the message travels in a gRPC status, so it must be UTF-8.
      if (!xmlCheckUTF8(reinterpret_cast<const xmlChar*>(message.c_str()))) {
        message = absl::CHexEscape(message);
      }
      self.error_ = absl::InvalidArgumentError(message);
    }
  }

  // Our wording for the errors a hand-edited file most often has; libxml2's otherwise.
  static std::string DescribeError(const xmlError& error) {
    const absl::string_view str1 = ShortName(error.str1);
    const absl::string_view str2 = ShortName(error.str2);
    switch (error.code) {
      case XML_ERR_DOCUMENT_EMPTY:
        return "document has no root element";
      case XML_ERR_DOCUMENT_END:
        return "content after the root element";
      case XML_ERR_TAG_NAME_MISMATCH:
        return absl::StrCat("end tag </", str2, "> does not match <", str1, ">");
      case XML_ERR_TAG_NOT_FINISHED:
        return absl::StrCat("end of input inside <", str1, ">");
      case XML_ERR_UNDECLARED_ENTITY:
        return absl::StrCat("unknown entity '&", str1, ";'");
      case XML_ERR_ATTRIBUTE_REDEFINED:
        return absl::StrCat("attribute ", str1, " repeated");
      case XML_ERR_ATTRIBUTE_NOT_STARTED:
        return "attribute value is not quoted";
      case XML_ERR_LT_IN_ATTRIBUTE:
        return "'<' in an attribute value";
      case XML_ERR_ENTITYREF_SEMICOL_MISSING:
        return "unterminated entity reference";
      case XML_ERR_INVALID_DEC_CHARREF:
      case XML_ERR_INVALID_CHARREF:
        return "bad character reference";
      case XML_ERR_INVALID_CHAR:
        // A code point (int1) refused, from a character reference or the text itself; with
        // str1 set it is an encoding error instead, which libxml2's message describes.
        if (error.str1 != nullptr) break;
        return absl::StrFormat(
            "%sU+%04X is not an XML character",
            absl::StartsWith(View(reinterpret_cast<const xmlChar*>(error.message)),
                             "xmlParseCharRef")
                ? "character reference to "
                : "character ",
            error.int1);
      case XML_ERR_MISPLACED_CDATA_END:
        return "']]>' in text";
      case XML_ERR_COMMENT_NOT_FINISHED:
        return "unterminated comment";
      case XML_ERR_CDATA_NOT_FINISHED:
        return "unterminated CDATA section";
      default:
        break;
    }
    absl::string_view message = View(reinterpret_cast<const xmlChar*>(error.message));
    message = absl::StripAsciiWhitespace(message.substr(0, message.find('\n')));
    return std::string(message.substr(0, kMaxMessageBytes));
  }

  static absl::string_view ShortName(const char* text) {
    return text == nullptr ? absl::string_view() : absl::string_view(text).substr(0, 64);
  }

  const XmlLimits& limits_;
  xmlParserCtxtPtr context_ = nullptr;
  absl::Status error_;
  int64_t elements_ = 0;
  std::vector<XmlElement> stack_;                       // open elements, outermost first
  std::vector<std::vector<XmlElement>> open_children_;  // finished children, by depth
  std::string pending_space_;  // whitespace-only text of the current segment so far
  bool segment_has_text_ = false;
  XmlElement root_;
  bool has_root_ = false;
};

// Owns a libxml2 parser context (and the input stream pushed onto it).
struct ContextDeleter {
  void operator()(xmlParserCtxtPtr context) const { xmlFreeParserCtxt(context); }
};
using ContextPtr = std::unique_ptr<xmlParserCtxt, ContextDeleter>;

}  // namespace

const XmlElement* XmlElement::FindChild(absl::string_view child_name) const {
  for (const XmlElement& child : children) {
    if (child.name == child_name) return &child;
  }
  return nullptr;
}

absl::string_view XmlElement::TrimmedText() const {
  absl::string_view t = text;
  while (!t.empty() && IsXmlSpace(t.front())) t.remove_prefix(1);
  while (!t.empty() && IsXmlSpace(t.back())) t.remove_suffix(1);
  return t;
}

absl::StatusOr<XmlElement> ParseXml(absl::string_view contents, const XmlLimits& limits) {
  const int64_t max_bytes = std::min<int64_t>(limits.max_input_bytes, INT_MAX);
  if (static_cast<int64_t>(contents.size()) > max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("XML input of ", contents.size(), " bytes exceeds the limit of ", max_bytes));
  }
  if (contents.empty()) return absl::InvalidArgumentError("line 1: document has no root element");
  InitLibxml2();
  ContextPtr context(xmlNewParserCtxt());
  if (context == nullptr) return absl::ResourceExhaustedError("libxml2: no parser context");
  TreeBuilder builder(limits);
  builder.set_context(context.get());
  *context->sax = TreeBuilder::Handler();
  context->userData = &builder;
  // Predefined entities and character references only (no XML_PARSE_NOENT, no DTD
  // loading or validation), no network, no libxml2 error printing.
  xmlCtxtUseOptions(context.get(), XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  // libxml2 2.9 reads from its own copy of the input (its static, copy-free buffers
  // misread names once the parser shrinks its window).
  xmlParserInputBufferPtr buffer = xmlParserInputBufferCreateMem(
      contents.data(), static_cast<int>(contents.size()), XML_CHAR_ENCODING_NONE);
  if (buffer == nullptr) return absl::ResourceExhaustedError("libxml2: no input buffer");
  xmlParserInputPtr input = xmlNewIOInputStream(context.get(), buffer, XML_CHAR_ENCODING_NONE);
  if (input == nullptr) {
    xmlFreeParserInputBuffer(buffer);
    return absl::ResourceExhaustedError("libxml2: no input stream");
  }
  if (inputPush(context.get(), input) < 0) {
    return absl::ResourceExhaustedError("libxml2: input stream refused");
  }
  xmlParseDocument(context.get());
  if (!builder.error().ok()) return builder.error();
  if (!context->wellFormed || !builder.has_root()) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", context->input != nullptr ? context->input->line : 0,
                     ": not a well-formed XML document"));
  }
  return builder.TakeRoot();
}

// ---- XmlWriter ----

struct XmlWriter::State {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xmlTextWriterPtr writer = nullptr;
  int open = 0;
  std::string name;  // NUL-terminated copies for libxml2
  std::string text;

  const xmlChar* Name(absl::string_view value) {
    name.assign(value.data(), value.size());
    return reinterpret_cast<const xmlChar*>(name.c_str());
  }
  const xmlChar* Text(absl::string_view value) {
    text.assign(value.data(), value.size());
    return reinterpret_cast<const xmlChar*>(text.c_str());
  }
};

namespace {

int AppendToString(void* context, const char* bytes, int length) {
  static_cast<std::string*>(context)->append(bytes, static_cast<size_t>(length));
  return length;
}

int CloseNothing(void* /*context*/) { return 0; }

}  // namespace

// The declaration is written here rather than by xmlTextWriterStartDocument, which would
// route every byte through an encoding converter that refuses invalid UTF-8.
XmlWriter::XmlWriter() : state_(std::make_unique<State>()) {
  InitLibxml2();
  xmlOutputBufferPtr output =
      xmlOutputBufferCreateIO(&AppendToString, &CloseNothing, &state_->out, nullptr);
  TC_CHECK(output != nullptr) << "libxml2: no output buffer";
  state_->writer = xmlNewTextWriter(output);
  TC_CHECK(state_->writer != nullptr) << "libxml2: no text writer";
  TC_CHECK(xmlTextWriterSetIndent(state_->writer, 1) == 0);
  TC_CHECK(xmlTextWriterSetIndentString(state_->writer, reinterpret_cast<const xmlChar*>("\t")) ==
           0);
}

XmlWriter::~XmlWriter() {
  if (state_->writer != nullptr) xmlFreeTextWriter(state_->writer);
}

void XmlWriter::Open(absl::string_view name) {
  TC_CHECK(state_->writer != nullptr) << "XmlWriter used after Finish";
  TC_CHECK(xmlTextWriterStartElement(state_->writer, state_->Name(name)) >= 0)
      << "libxml2 could not start <" << name << ">";
  ++state_->open;
}

void XmlWriter::Attribute(absl::string_view name, absl::string_view value) {
  TC_CHECK(state_->open > 0) << "XmlWriter::Attribute without an open element";
  TC_CHECK(xmlTextWriterWriteAttribute(state_->writer, state_->Name(name), state_->Text(value)) >=
           0)
      << "libxml2 could not write the attribute " << name;
}

void XmlWriter::Text(absl::string_view text) {
  TC_CHECK(state_->open > 0) << "XmlWriter::Text without an open element";
  TC_CHECK(xmlTextWriterWriteString(state_->writer, state_->Text(text)) >= 0)
      << "libxml2 could not write text";
}

void XmlWriter::Close() {
  TC_CHECK(state_->open > 0) << "XmlWriter::Close without an open element";
  TC_CHECK(xmlTextWriterFullEndElement(state_->writer) >= 0) << "libxml2 could not close";
  --state_->open;
}

void XmlWriter::Leaf(absl::string_view name, absl::string_view text) {
  TC_CHECK(state_->writer != nullptr) << "XmlWriter used after Finish";
  TC_CHECK(xmlTextWriterWriteElement(state_->writer, state_->Name(name), state_->Text(text)) >= 0)
      << "libxml2 could not write <" << name << ">";
}

std::string XmlWriter::Finish() {
  TC_CHECK(state_->open == 0) << "XmlWriter::Finish with " << state_->open << " open elements";
  TC_CHECK(state_->writer != nullptr) << "XmlWriter::Finish called twice";
  xmlFreeTextWriter(state_->writer);  // flushes into `out`
  state_->writer = nullptr;
  return std::move(state_->out);
}

}  // namespace tc::formats
