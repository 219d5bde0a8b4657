#include "margin/xml_document.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/check.h"
#include "core/status_macros.h"

namespace tc::margin {
namespace {

constexpr size_t kMaxMessageBytes = 200;

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Characters XML 1.0 forbids: C0 controls other than tab, newline and carriage return.
bool IsControl(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return u < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

// Bytes that end a run of plain character data.
bool IsTextSpecial(char c) { return c == '<' || c == '&' || c == '>' || IsControl(c); }

bool IsNameStart(char c) {
  return absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool IsNameChar(char c) {
  return IsNameStart(c) || absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-' ||
         c == '.';
}

// Appends the UTF-8 encoding of a valid XML code point.
void AppendUtf8(uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

bool IsXmlChar(uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

class XmlParser {
 public:
  XmlParser(absl::string_view input, const XmlLimits& limits) : in_(input), limits_(limits) {}

  absl::StatusOr<XmlElement> Parse() {
    if (static_cast<int64_t>(in_.size()) > limits_.max_input_bytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "XML input of ", in_.size(), " bytes exceeds the limit of ", limits_.max_input_bytes));
    }
    if (absl::StartsWith(in_, "\xEF\xBB\xBF")) pos_ = 3;  // UTF-8 byte-order mark
    TC_RETURN_IF_ERROR(SkipMisc());
    if (AtEnd()) return Error("document has no root element");
    TC_RETURN_IF_ERROR(ParseContent());
    TC_RETURN_IF_ERROR(SkipMisc());
    if (!AtEnd()) return Error("content after the root element");
    return std::move(root_);
  }

 private:
  bool AtEnd() const { return pos_ >= in_.size(); }
  bool LookingAt(absl::string_view s) const { return absl::StartsWith(in_.substr(pos_), s); }

  // Line of the current position; positions only move forward, so newlines are counted
  // once overall.
  int Line() {
    const size_t upto = std::min(pos_, in_.size());
    if (upto > counted_) {
      line_ += static_cast<int>(std::count(in_.begin() + counted_, in_.begin() + upto, '\n'));
      counted_ = upto;
    }
    return line_;
  }

  // Names in messages come from the input: the message is cut to stay small.
  absl::Status Error(absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", Line(), ": ", what.substr(0, kMaxMessageBytes)));
  }

  void SkipSpace() {
    while (!AtEnd() && IsXmlSpace(in_[pos_])) ++pos_;
  }

  // Moves past the next `terminator`; error naming `what` when there is none.
  absl::StatusOr<absl::string_view> Until(absl::string_view terminator, absl::string_view what) {
    const size_t end = in_.find(terminator, pos_);
    if (end == absl::string_view::npos) return Error(absl::StrCat("unterminated ", what));
    absl::string_view body = in_.substr(pos_, end - pos_);
    pos_ = end + terminator.size();
    return body;
  }

  // Comments, processing instructions and whitespace outside the root element.
  absl::Status SkipMisc() {
    while (true) {
      SkipSpace();
      if (LookingAt("<!--")) {
        TC_RETURN_IF_ERROR(SkipComment());
      } else if (LookingAt("<?")) {
        TC_RETURN_IF_ERROR(SkipProcessingInstruction());
      } else if (LookingAt("<!")) {
        return Error("DTDs and declarations are not supported");
      } else {
        return absl::OkStatus();
      }
    }
  }

  absl::Status SkipComment() {
    pos_ += 4;
    return Until("-->", "comment").status();
  }

  absl::Status SkipProcessingInstruction() {
    pos_ += 2;
    if (AtEnd() || !IsNameStart(in_[pos_])) return Error("processing instruction has no target");
    return Until("?>", "processing instruction").status();
  }

  absl::StatusOr<std::string> ParseName(absl::string_view what) {
    const size_t start = pos_;
    if (AtEnd() || !IsNameStart(in_[pos_])) return Error(absl::StrCat("expected ", what));
    while (!AtEnd() && IsNameChar(in_[pos_])) ++pos_;
    return std::string(in_.substr(start, pos_ - start));
  }

  // Decodes the reference after '&' (pos_ is just past it) into `out`.
  absl::Status ParseReference(std::string& out) {
    TC_ASSIGN_OR_RETURN(absl::string_view name, Until(";", "entity reference"));
    if (name == "lt") return out.push_back('<'), absl::OkStatus();
    if (name == "gt") return out.push_back('>'), absl::OkStatus();
    if (name == "amp") return out.push_back('&'), absl::OkStatus();
    if (name == "quot") return out.push_back('"'), absl::OkStatus();
    if (name == "apos") return out.push_back('\''), absl::OkStatus();
    if (name.size() < 2 || name[0] != '#' || name.size() > 10) {
      return Error(absl::StrCat("unknown entity '&", name.substr(0, 16), ";'"));
    }
    const bool hex = name[1] == 'x';
    absl::string_view digits = name.substr(hex ? 2 : 1);
    uint32_t code_point = 0;
    for (char c : digits) {
      const int digit = absl::ascii_isdigit(static_cast<unsigned char>(c)) ? c - '0'
                        : hex && absl::ascii_isxdigit(static_cast<unsigned char>(c))
                            ? absl::ascii_tolower(static_cast<unsigned char>(c)) - 'a' + 10
                            : -1;
      if (digit < 0) return Error(absl::StrCat("bad character reference '&", name, ";'"));
      code_point = code_point * (hex ? 16 : 10) + static_cast<uint32_t>(digit);
      if (code_point > 0x10FFFF) break;
    }
    if (digits.empty() || !IsXmlChar(code_point)) {
      return Error(absl::StrCat("character reference '&", name, ";' is not an XML character"));
    }
    AppendUtf8(code_point, out);
    return absl::OkStatus();
  }

  // Character data up to the next '<', appended to `out` with references decoded.
  absl::Status ParseText(std::string& out) {
    while (!AtEnd() && in_[pos_] != '<') {
      size_t end = pos_;
      while (end < in_.size() && !IsTextSpecial(in_[end])) ++end;
      out.append(in_.data() + pos_, end - pos_);
      pos_ = end;
      if (AtEnd() || in_[pos_] == '<') break;
      if (in_[pos_] != '>' && in_[pos_] != '&') return Error("control character in text");
      if (in_[pos_] == '>') {
        // "]]>" is not allowed in text; a lone '>' is.
        if (out.size() >= 2 && absl::EndsWith(out, "]]")) return Error("']]>' in text");
        out.push_back('>');
        ++pos_;
        continue;
      }
      ++pos_;
      TC_RETURN_IF_ERROR(ParseReference(out));
    }
    return absl::OkStatus();
  }

  absl::Status ParseAttributes(XmlElement& element) {
    while (true) {
      const size_t before = pos_;
      SkipSpace();
      if (AtEnd()) return Error(absl::StrCat("unterminated start tag <", element.name, ">"));
      if (in_[pos_] == '>' || in_[pos_] == '/') return absl::OkStatus();
      if (pos_ == before) return Error(absl::StrCat("expected space in <", element.name, ">"));
      TC_ASSIGN_OR_RETURN(std::string name, ParseName("attribute name"));
      SkipSpace();
      if (AtEnd() || in_[pos_] != '=')
        return Error(absl::StrCat("attribute ", name, " has no '='"));
      ++pos_;
      SkipSpace();
      if (AtEnd() || (in_[pos_] != '"' && in_[pos_] != '\'')) {
        return Error(absl::StrCat("attribute ", name, " value is not quoted"));
      }
      const char quote = in_[pos_++];
      std::string value;
      while (!AtEnd() && in_[pos_] != quote) {
        const char c = in_[pos_++];
        if (c == '<' || IsControl(c)) {
          return Error(absl::StrCat("'<' or control character in attribute ", name));
        }
        if (c == '&') {
          TC_RETURN_IF_ERROR(ParseReference(value));
        } else {
          value.push_back(c);
        }
      }
      if (AtEnd()) return Error(absl::StrCat("unterminated attribute ", name));
      ++pos_;
      for (const auto& [existing, unused] : element.attributes) {
        if (existing == name) return Error(absl::StrCat("attribute ", name, " repeated"));
      }
      if (static_cast<int>(element.attributes.size()) >= limits_.max_attributes_per_element) {
        return Error(absl::StrCat("<", element.name, "> has too many attributes"));
      }
      element.attributes.emplace_back(std::move(name), std::move(value));
    }
  }

  // Parses "<name ...>" or "<name .../>" with pos_ at '<'; pushes open elements.
  absl::Status ParseStartTag() {
    if (++element_count_ > limits_.max_elements) {
      return Error(absl::StrCat("more than ", limits_.max_elements, " elements"));
    }
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      return Error(absl::StrCat("elements nested deeper than ", limits_.max_depth));
    }
    const int line = Line();
    ++pos_;
    XmlElement element;
    element.line = line;
    TC_ASSIGN_OR_RETURN(element.name, ParseName("element name"));
    TC_RETURN_IF_ERROR(ParseAttributes(element));
    if (in_[pos_] == '/') {
      ++pos_;
      if (AtEnd() || in_[pos_] != '>') return Error(absl::StrCat("bad empty tag <", element.name));
      ++pos_;
      stack_.push_back(std::move(element));
      CloseTop();
      return absl::OkStatus();
    }
    ++pos_;
    stack_.push_back(std::move(element));
    return absl::OkStatus();
  }

  absl::Status ParseEndTag() {
    pos_ += 2;
    TC_ASSIGN_OR_RETURN(std::string name, ParseName("element name in end tag"));
    SkipSpace();
    if (AtEnd() || in_[pos_] != '>') return Error(absl::StrCat("unterminated end tag </", name));
    ++pos_;
    if (stack_.empty() || stack_.back().name != name) {
      return Error(absl::StrCat("end tag </", name, "> does not match <",
                                stack_.empty() ? "" : stack_.back().name, ">"));
    }
    CloseTop();
    return absl::OkStatus();
  }

  // Moves the innermost open element into its parent (or the root slot).
  void CloseTop() {
    XmlElement done = std::move(stack_.back());
    stack_.pop_back();
    if (stack_.empty()) {
      root_ = std::move(done);
      root_closed_ = true;
    } else {
      stack_.back().children.push_back(std::move(done));
    }
  }

  // The root element and everything inside it; iterative, so depth costs no stack.
  absl::Status ParseContent() {
    if (in_[pos_] != '<') return Error("expected the root element");
    while (!root_closed_) {
      if (AtEnd()) {
        return Error(
            absl::StrCat("end of input inside <", stack_.empty() ? "" : stack_.back().name, ">"));
      }
      if (in_[pos_] != '<') {
        if (stack_.empty()) return Error("text outside the root element");
        TC_RETURN_IF_ERROR(ParseText(stack_.back().text));
      } else if (LookingAt("</")) {
        TC_RETURN_IF_ERROR(ParseEndTag());
      } else if (LookingAt("<!--")) {
        TC_RETURN_IF_ERROR(SkipComment());
      } else if (LookingAt("<![CDATA[")) {
        if (stack_.empty()) return Error("CDATA outside the root element");
        pos_ += 9;
        TC_ASSIGN_OR_RETURN(absl::string_view data, Until("]]>", "CDATA section"));
        stack_.back().text.append(data.data(), data.size());
      } else if (LookingAt("<?")) {
        TC_RETURN_IF_ERROR(SkipProcessingInstruction());
      } else if (LookingAt("<!")) {
        return Error("DTDs and declarations are not supported");
      } else {
        TC_RETURN_IF_ERROR(ParseStartTag());
      }
    }
    return absl::OkStatus();
  }

  absl::string_view in_;
  const XmlLimits& limits_;
  size_t pos_ = 0;
  size_t counted_ = 0;
  int line_ = 1;
  int64_t element_count_ = 0;
  std::vector<XmlElement> stack_;
  XmlElement root_;
  bool root_closed_ = false;
};

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
  return XmlParser(contents, limits).Parse();
}

std::string EscapeXml(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

XmlWriter::XmlWriter() : out_("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") {}

void XmlWriter::Indent() { out_.append(open_.size(), '\t'); }

void XmlWriter::Open(absl::string_view name) {
  Indent();
  absl::StrAppend(&out_, "<", name, ">\n");
  open_.emplace_back(name);
}

void XmlWriter::Close() {
  TC_CHECK(!open_.empty()) << "XmlWriter::Close without an open element";
  const std::string name = std::move(open_.back());
  open_.pop_back();
  Indent();
  absl::StrAppend(&out_, "</", name, ">\n");
}

void XmlWriter::Leaf(absl::string_view name, absl::string_view text) {
  Indent();
  absl::StrAppend(&out_, "<", name, ">", EscapeXml(text), "</", name, ">\n");
}

std::string XmlWriter::Finish() {
  TC_CHECK(open_.empty()) << "XmlWriter::Finish with " << open_.size() << " open elements";
  return std::move(out_);
}

}  // namespace tc::margin
