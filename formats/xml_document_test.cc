// ParseXml (libxml2) edge cases: entities, character references, comments, CDATA,
// declarations, line numbers, malformed input, limits, DTDs and entity expansion refused;
// the XmlWriter round trip.
#include "formats/xml_document.h"

#include <string>

#include "gtest/gtest.h"

namespace tc::formats {
namespace {

std::string ErrorOf(absl::string_view xml, const XmlLimits& limits = {}) {
  absl::StatusOr<XmlElement> root = ParseXml(xml, limits);
  if (root.ok()) return "ok";
  EXPECT_EQ(root.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(root.status().message());
}

TEST(XmlDocumentTest, ParsesTreeTextAttributesAndLines) {
  absl::StatusOr<XmlElement> root = ParseXml(
      "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<!-- leading comment -->\n"
      "<a x=\"1\" y='two'>\n"
      "  <b>  text  </b>\n"
      "  <c/>\n"
      "  <b>second</b>\n"
      "</a>\n"
      "<!-- trailing -->\n");
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->name, "a");
  EXPECT_EQ(root->line, 3);
  ASSERT_EQ(root->attributes.size(), 2u);
  EXPECT_EQ(root->attributes[1].first, "y");
  EXPECT_EQ(root->attributes[1].second, "two");
  ASSERT_EQ(root->children.size(), 3u);
  EXPECT_EQ(root->children[0].text, "  text  ");
  EXPECT_EQ(root->children[0].TrimmedText(), "text");
  EXPECT_EQ(root->children[0].line, 4);
  EXPECT_EQ(root->children[1].name, "c");
  EXPECT_EQ(root->children[1].line, 5);
  EXPECT_TRUE(root->children[1].children.empty());
  EXPECT_EQ(root->FindChild("b")->TrimmedText(), "text");
  EXPECT_EQ(root->FindChild("missing"), nullptr);
}

TEST(XmlDocumentTest, DecodesEntitiesCharacterReferencesAndCdata) {
  absl::StatusOr<XmlElement> root = ParseXml(
      "<a v=\"&quot;&amp;&#65;\">&lt;&gt;&amp;&apos;&quot; &#x41;&#66;&#xE9;&#x1F600;"
      "<![CDATA[<raw & text>]]>></a>");
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->attributes[0].second, "\"&A");
  EXPECT_EQ(root->text, "<>&'\" AB\xC3\xA9\xF0\x9F\x98\x80<raw & text>>");
}

TEST(XmlDocumentTest, IndentationBetweenChildElementsIsDropped) {
  absl::StatusOr<XmlElement> root =
      ParseXml("<a>\n  <b> x </b>\n  <c>  </c>\n\t<d>&amp; <e/> y&#32;</d>\n</a>");
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->text, "");
  ASSERT_EQ(root->children.size(), 3u);
  EXPECT_EQ(root->children[0].text, " x ");
  EXPECT_EQ(root->children[1].text, "  ");  // a leaf keeps its whitespace
  EXPECT_EQ(root->children[2].text, "&  y ");
}

TEST(XmlDocumentTest, CommentsAndProcessingInstructionsInsideContentAreSkipped) {
  absl::StatusOr<XmlElement> root = ParseXml("<a>1<!-- x <b> -->2<?pi data?>3</a>");
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->text, "123");
  EXPECT_TRUE(root->children.empty());
}

// Structural and lexical errors in our words; the rest in libxml2's, always with the line.
TEST(XmlDocumentTest, MalformedInputNamesTheLine) {
  EXPECT_EQ(ErrorOf(""), "line 1: document has no root element");
  EXPECT_EQ(ErrorOf("<a>\n<b>\n</a>"), "line 3: end tag </a> does not match <b>");
  EXPECT_EQ(ErrorOf("<a>\n<b>"), "line 2: end of input inside <b>");
  EXPECT_EQ(ErrorOf("<a>&bogus;</a>"), "line 1: unknown entity '&bogus;'");
  EXPECT_EQ(ErrorOf("<a>&#0;</a>"),
            "line 1: character reference to U+0000 is not an XML character");
  EXPECT_EQ(ErrorOf("<a>&#xD800;</a>"),
            "line 1: character reference to U+D800 is not an XML character");
  EXPECT_EQ(ErrorOf("<a>&#12a;</a>"), "line 1: bad character reference");
  EXPECT_EQ(ErrorOf("<a>&amp</a>"), "line 1: unterminated entity reference");
  EXPECT_EQ(ErrorOf("<a x=1/>"), "line 1: attribute value is not quoted");
  EXPECT_EQ(ErrorOf("<a x='1' x='2'/>"), "line 1: attribute x repeated");
  EXPECT_EQ(ErrorOf("<a x='1'y='2'/>"), "line 1: attributes construct error");
  EXPECT_EQ(ErrorOf("<a x='<'/>"), "line 1: '<' in an attribute value");
  EXPECT_EQ(ErrorOf(std::string("<a>1\x01</a>")),
            "line 1: character U+0001 is not an XML character");
  EXPECT_EQ(ErrorOf(std::string("<a>\n\n\0</a>", 10)),
            "line 3: character U+0000 is not an XML character");
  EXPECT_EQ(ErrorOf("<a/><b/>"), "line 1: content after the root element");
  EXPECT_EQ(ErrorOf("text<a/>"), "line 1: document has no root element");
  EXPECT_EQ(ErrorOf("<a>]]></a>"), "line 1: ']]>' in text");
  EXPECT_EQ(ErrorOf("<a><!-- open</a>"), "line 1: unterminated comment");
  EXPECT_EQ(ErrorOf("<a><![CDATA[x</a>"), "line 1: unterminated CDATA section");
  EXPECT_EQ(ErrorOf("<1a/>"), "line 1: StartTag: invalid element name");
  EXPECT_EQ(ErrorOf("<a></ a>"), "line 1: expected '>'");
  EXPECT_EQ(ErrorOf("<a>\n\xC3\x28</a>"), "line 2: Input is not proper UTF-8, indicate encoding !");
  EXPECT_EQ(ErrorOf("<a>\n<b/>\n</a>\n<!-- after -->\ntext"),
            "line 5: content after the root element");
}

// No DTD, so no entity can be declared, expanded (billion laughs) or fetched (XXE).
TEST(XmlDocumentTest, DtdsAreRejected) {
  EXPECT_EQ(ErrorOf("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>"),
            "line 1: DTDs and declarations are not supported");
  EXPECT_EQ(ErrorOf("<?xml version=\"1.0\"?>\n<!DOCTYPE a SYSTEM \"file:///etc/passwd\">\n<a/>"),
            "line 2: DTDs and declarations are not supported");
  EXPECT_EQ(ErrorOf("<!DOCTYPE a [<!ENTITY e SYSTEM \"http://127.0.0.1:1/x\">]><a>&e;</a>"),
            "line 1: DTDs and declarations are not supported");
  EXPECT_EQ(ErrorOf("<!DOCTYPE a [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><a>&b;</a>"),
            "line 1: DTDs and declarations are not supported");
  // A declaration inside content is not a start tag.
  EXPECT_EQ(ErrorOf("<a><!ENTITY x \"y\"></a>"), "line 1: StartTag: invalid element name");
}

TEST(XmlDocumentTest, LimitsBoundDepthElementsSizeAndAttributes) {
  const XmlLimits limits{
      .max_input_bytes = 1000, .max_depth = 3, .max_elements = 4, .max_attributes_per_element = 2};
  EXPECT_EQ(ErrorOf("<a><b><c/></b></a>", limits), "ok");
  EXPECT_EQ(ErrorOf("<a><b><c><d/></c></b></a>", limits), "line 1: elements nested deeper than 3");
  EXPECT_EQ(ErrorOf("<a><b/><b/><b/><b/></a>", limits), "line 1: more than 4 elements");
  EXPECT_EQ(ErrorOf("<a x='1' y='2' z='3'/>", limits), "line 1: <a> has too many attributes");
  EXPECT_EQ(ErrorOf(std::string(1001, ' '), limits),
            "XML input of 1001 bytes exceeds the limit of 1000");
  // Default depth limit: 100,000 nested elements fail fast and without recursion.
  std::string deep;
  for (int i = 0; i < 100'000; ++i) deep += "<d>";
  EXPECT_EQ(ErrorOf(deep), "line 1: elements nested deeper than 64");
}

TEST(XmlDocumentTest, WriterEscapesAndReadsBack) {
  XmlWriter writer;
  writer.Open("root");
  writer.Leaf("v", "a<b & \"c\" 'd' >");
  writer.Open("inner");
  writer.Leaf("empty", "");
  writer.Close();
  writer.Close();
  const std::string xml = writer.Finish();
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<root>\n"
            "\t<v>a&lt;b &amp; &quot;c&quot; 'd' &gt;</v>\n"
            "\t<inner>\n\t\t<empty></empty>\n\t</inner>\n</root>\n");
  absl::StatusOr<XmlElement> root = ParseXml(xml);
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->FindChild("v")->text, "a<b & \"c\" 'd' >");
  EXPECT_EQ(root->FindChild("inner")->line, 4);
}

TEST(XmlDocumentTest, WriterAttributesAndTextAreEscaped) {
  XmlWriter writer;
  writer.Open("Document");
  writer.Attribute("xmlns", "urn:x");
  writer.Open("Amt");
  writer.Attribute("Ccy", "U\"S<D");
  writer.Text("1 < 2");
  writer.Close();
  writer.Close();
  EXPECT_EQ(writer.Finish(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"urn:x\">\n"
            "\t<Amt Ccy=\"U&quot;S&lt;D\">1 &lt; 2</Amt>\n</Document>\n");
}

}  // namespace
}  // namespace tc::formats
