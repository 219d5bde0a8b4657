// gRPC serialization for the request types of our services, parsed by ParseRequest so that
// bad bytes (invalid UTF-8 in a string field, malformed wire data) are answered with
// INVALID_ARGUMENT naming the field, not INTERNAL. gRPC picks a type's serializer by
// specializing grpc::SerializationTraits; the generated .grpc.pb.h files include this
// header (protoc's grpc plugin option additional_header_includes, proto/CMakeLists.txt),
// so every stub and service sees the specializations below before it uses them.
//
// A new client-streaming request type, or the request of a server-streaming method (its
// handler deserializes by type too), needs its own specialization like the ones below;
// tests/hardening_pgtest.cc sends invalid UTF-8 to every RPC and fails for one not covered.
#ifndef TOKENCLEAR_PROTO_REQUEST_TRAITS_H_
#define TOKENCLEAR_PROTO_REQUEST_TRAITS_H_

#include <grpcpp/impl/codegen/proto_utils.h>

#include "proto/request_parsing.h"
#include "tokenclear/v1/member.pb.h"
#include "tokenclear/v1/trade_capture.pb.h"
#include "tokenclear/v1/treasury.pb.h"

namespace grpc {

// Unary handlers and stubs (gRPC 1.51, "reduced templating") serialize every message as
// protobuf::MessageLite, so this one specialization covers every unary method. It must be
// seen before any use in our binaries: every generated .grpc.pb.h of ours (tc_proto and
// tc_health_proto) includes this header.
template <>
class SerializationTraits<protobuf::MessageLite, void> {
 public:
  static Status Serialize(const protobuf::MessageLite& message, ByteBuffer* buffer,
                          bool* own_buffer) {
    return GenericSerialize<ProtoBufferWriter, protobuf::MessageLite>(message, buffer, own_buffer);
  }
  static Status Deserialize(ByteBuffer* buffer, protobuf::MessageLite* message) {
    if (auto* full = dynamic_cast<protobuf::Message*>(message)) {
      return ::tc::proto::ParseRequest(buffer, full);
    }
    return GenericDeserialize<ProtoBufferReader, protobuf::MessageLite>(buffer, message);
  }
};

// Stream messages are read by type; a bad one must not look like the end of the stream.
template <>
class SerializationTraits<::tokenclear::v1::FeedMessage, void> {
 public:
  static Status Serialize(const protobuf::MessageLite& message, ByteBuffer* buffer,
                          bool* own_buffer) {
    return GenericSerialize<ProtoBufferWriter, ::tokenclear::v1::FeedMessage>(message, buffer,
                                                                              own_buffer);
  }
  static Status Deserialize(ByteBuffer* buffer, ::tokenclear::v1::FeedMessage* message) {
    return ::tc::proto::ParseStreamMessage(buffer, message);
  }
};

// A server-streaming handler reads its one request by type.
template <>
class SerializationTraits<::tokenclear::v1::RunEndOfDayRequest, void> {
 public:
  static Status Serialize(const protobuf::MessageLite& message, ByteBuffer* buffer,
                          bool* own_buffer) {
    return GenericSerialize<ProtoBufferWriter, ::tokenclear::v1::RunEndOfDayRequest>(
        message, buffer, own_buffer);
  }
  static Status Deserialize(ByteBuffer* buffer, ::tokenclear::v1::RunEndOfDayRequest* message) {
    return ::tc::proto::ParseRequest(buffer, message);
  }
};

// MemberService.StreamNotifications reads its one request by type too.
template <>
class SerializationTraits<::tokenclear::v1::StreamNotificationsRequest, void> {
 public:
  static Status Serialize(const protobuf::MessageLite& message, ByteBuffer* buffer,
                          bool* own_buffer) {
    return GenericSerialize<ProtoBufferWriter, ::tokenclear::v1::StreamNotificationsRequest>(
        message, buffer, own_buffer);
  }
  static Status Deserialize(ByteBuffer* buffer,
                            ::tokenclear::v1::StreamNotificationsRequest* message) {
    return ::tc::proto::ParseRequest(buffer, message);
  }
};

}  // namespace grpc

#endif  // TOKENCLEAR_PROTO_REQUEST_TRAITS_H_
