// Parsing of API requests off the wire that says what is wrong with them. Protobuf refuses
// a proto3 string field that is not valid UTF-8, and gRPC then answers INTERNAL with no
// details; but bad bytes are the caller's error. Every request type of our services is
// parsed here instead (request_traits.h, included by the generated .grpc.pb.h files), so
// a caller gets INVALID_ARGUMENT naming the field path, e.g. "events[3].trade.trade_id",
// or saying that the bytes are not a message of the type at all.
//
//   grpc::Status status = ParseRequest(&buffer, &request);   // in SerializationTraits
#ifndef TOKENCLEAR_PROTO_REQUEST_PARSING_H_
#define TOKENCLEAR_PROTO_REQUEST_PARSING_H_

#include <google/protobuf/message.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace tc::proto {

// Parses `buffer` into `message`: OK, or INVALID_ARGUMENT as above.
grpc::Status ParseRequest(grpc::ByteBuffer* buffer, google::protobuf::Message* message);

// The path of the first string field of `bytes` (a message of `type`) that is not valid
// UTF-8, or "" when there is none (or the bytes stop making sense before one is found).
std::string FirstInvalidUtf8Field(absl::string_view bytes,
                                  const google::protobuf::Descriptor& type);

bool IsValidUtf8(absl::string_view text);

// For messages read from a stream: gRPC drops a failed deserialization of a stream
// message (the read just ends, as if the client had gone), so stream messages never fail
// to parse; a bad one arrives empty, carrying ParseRequest's error, and the handler asks:
//
//   if (std::optional<std::string> error = ParseErrorOf(message)) return InvalidArgument
grpc::Status ParseStreamMessage(grpc::ByteBuffer* buffer, google::protobuf::Message* message);
std::optional<std::string> ParseErrorOf(const google::protobuf::Message& message);

}  // namespace tc::proto

#endif  // TOKENCLEAR_PROTO_REQUEST_PARSING_H_
