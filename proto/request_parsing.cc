#include "proto/request_parsing.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/unknown_field_set.h>
#include <google/protobuf/wire_format_lite.h>

#include <map>
#include <vector>

#include "absl/strings/str_cat.h"

namespace tc::proto {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::internal::WireFormatLite;

// The unknown field that carries a stream message's parse error: the largest field
// number protobuf allows, never used by our API.
constexpr int kParseErrorField = 536'870'911;

// Nesting beyond this is not walked (protobuf's own parser stops at 100).
constexpr int kMaxDepth = 100;

std::string Walk(absl::string_view bytes, const Descriptor& type, const std::string& prefix,
                 int depth) {
  if (depth > kMaxDepth) return "";
  google::protobuf::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(bytes.data()),
                                               static_cast<int>(bytes.size()));
  std::map<int, int> occurrences;  // field number -> how many seen (repeated fields)
  while (true) {
    const uint32_t tag = input.ReadTag();
    if (tag == 0) return "";
    const FieldDescriptor* field = type.FindFieldByNumber(WireFormatLite::GetTagFieldNumber(tag));
    const bool delimited =
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
    const bool interesting = field != nullptr && delimited &&
                             (field->type() == FieldDescriptor::TYPE_STRING ||
                              field->type() == FieldDescriptor::TYPE_MESSAGE);
    if (!interesting) {
      if (!WireFormatLite::SkipField(&input, tag)) return "";
      continue;
    }
    uint32_t length = 0;
    std::string value;
    if (!input.ReadVarint32(&length) || !input.ReadString(&value, static_cast<int>(length))) {
      return "";
    }
    std::string path = absl::StrCat(prefix, prefix.empty() ? "" : ".", field->name());
    if (field->is_repeated()) absl::StrAppend(&path, "[", occurrences[field->number()]++, "]");
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      if (!IsValidUtf8(value)) return path;
      continue;
    }
    if (field->is_map()) continue;  // map keys and values are not walked
    std::string inner = Walk(value, *field->message_type(), path, depth + 1);
    if (!inner.empty()) return inner;
  }
}

}  // namespace

bool IsValidUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    int extra = 0;
    uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;  // truncated sequence
    for (int k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    static constexpr uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (code < kMinForLength[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

std::string FirstInvalidUtf8Field(absl::string_view bytes, const Descriptor& type) {
  return Walk(bytes, type, "", 0);
}

grpc::Status ParseRequest(grpc::ByteBuffer* buffer, google::protobuf::Message* message) {
  if (buffer == nullptr) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request");
  std::vector<grpc::Slice> slices;
  if (!buffer->Dump(&slices).ok()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "the request cannot be read");
  }
  std::string bytes;
  bytes.reserve(buffer->Length());
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  buffer->Clear();
  if (message->ParseFromString(bytes)) return grpc::Status::OK;
  const std::string field = FirstInvalidUtf8Field(bytes, *message->GetDescriptor());
  if (!field.empty()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat(field, " is not valid UTF-8"));
  }
  return grpc::Status(
      grpc::StatusCode::INVALID_ARGUMENT,
      absl::StrCat("the request is not a valid ", message->GetTypeName(), " message"));
}

grpc::Status ParseStreamMessage(grpc::ByteBuffer* buffer, google::protobuf::Message* message) {
  grpc::Status status = ParseRequest(buffer, message);
  if (!status.ok()) {
    message->Clear();
    message->GetReflection()->MutableUnknownFields(message)->AddLengthDelimited(
        kParseErrorField, status.error_message());
  }
  return grpc::Status::OK;
}

std::optional<std::string> ParseErrorOf(const google::protobuf::Message& message) {
  const google::protobuf::UnknownFieldSet& unknown =
      message.GetReflection()->GetUnknownFields(message);
  for (int i = 0; i < unknown.field_count(); ++i) {
    const google::protobuf::UnknownField& field = unknown.field(i);
    if (field.number() == kParseErrorField &&
        field.type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
      return field.length_delimited();
    }
  }
  return std::nullopt;
}

}  // namespace tc::proto
