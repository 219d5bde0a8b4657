// ParseXml edge cases (entities, character references, comments, CDATA, declarations,
// line numbers, malformed input, limits) and the XmlWriter/EscapeXml round trip.
#include "margin/xml_document.h"

#include <string>

#include "gtest/gtest.h"

namespace tc::margin {
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

TEST(XmlDocumentTest, CommentsAndProcessingInstructionsInsideContentAreSkipped) {
  absl::StatusOr<XmlElement> root = ParseXml("<a>1<!-- x <b> -->2<?pi data?>3</a>");
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->text, "123");
  EXPECT_TRUE(root->children.empty());
}

TEST(XmlDocumentTest, MalformedInputNamesTheLine) {
  EXPECT_EQ(ErrorOf(""), "line 1: document has no root element");
  EXPECT_EQ(ErrorOf("<a>\n<b>\n</a>"), "line 3: end tag </a> does not match <b>");
  EXPECT_EQ(ErrorOf("<a>\n<b>"), "line 2: end of input inside <b>");
  EXPECT_EQ(ErrorOf("<a>&bogus;</a>"), "line 1: unknown entity '&bogus;'");
  EXPECT_EQ(ErrorOf("<a>&#0;</a>"), "line 1: character reference '&#0;' is not an XML character");
  EXPECT_EQ(ErrorOf("<a>&#xD800;</a>"),
            "line 1: character reference '&#xD800;' is not an XML character");
  EXPECT_EQ(ErrorOf("<a>&#12a;</a>"), "line 1: bad character reference '&#12a;'");
  EXPECT_EQ(ErrorOf("<a>&amp</a>"), "line 1: unterminated entity reference");
  EXPECT_EQ(ErrorOf("<a x=1/>"), "line 1: attribute x value is not quoted");
  EXPECT_EQ(ErrorOf("<a x='1' x='2'/>"), "line 1: attribute x repeated");
  EXPECT_EQ(ErrorOf("<a x='1'y='2'/>"), "line 1: expected space in <a>");
  EXPECT_EQ(ErrorOf("<a x='<'/>"), "line 1: '<' or control character in attribute x");
  EXPECT_EQ(ErrorOf(std::string("<a>1\x01</a>")), "line 1: control character in text");
  EXPECT_EQ(ErrorOf(std::string("<a>\n\n\0</a>", 10)), "line 3: control character in text");
  EXPECT_EQ(ErrorOf("<a/><b/>"), "line 1: content after the root element");
  EXPECT_EQ(ErrorOf("text<a/>"), "line 1: expected the root element");
  EXPECT_EQ(ErrorOf("<a>]]></a>"), "line 1: ']]>' in text");
  EXPECT_EQ(ErrorOf("<a><!-- open</a>"), "line 1: unterminated comment");
  EXPECT_EQ(ErrorOf("<a><![CDATA[x</a>"), "line 1: unterminated CDATA section");
  EXPECT_EQ(ErrorOf("<1a/>"), "line 1: expected element name");
  EXPECT_EQ(ErrorOf("<a></ a>"), "line 1: expected element name in end tag");
}

TEST(XmlDocumentTest, DtdsAreRejected) {
  EXPECT_EQ(ErrorOf("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>"),
            "line 1: DTDs and declarations are not supported");
  EXPECT_EQ(ErrorOf("<a><!ENTITY x \"y\"></a>"), "line 1: DTDs and declarations are not supported");
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
            "\t<v>a&lt;b &amp; &quot;c&quot; &apos;d&apos; &gt;</v>\n"
            "\t<inner>\n\t\t<empty></empty>\n\t</inner>\n</root>\n");
  absl::StatusOr<XmlElement> root = ParseXml(xml);
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(root->FindChild("v")->text, "a<b & \"c\" 'd' >");
  EXPECT_EQ(root->FindChild("inner")->line, 4);
}

}  // namespace
}  // namespace tc::margin
