#!/usr/bin/python3
"""A tokenclear client from another ecosystem: Debian's python3-grpcio, with no generated
code of ours. It learns the API from the server's reflection service, then calls one
method over mutual TLS with a client certificate (and, if given, a bearer token), and
prints the answer as JSON.

  grpc_reflection_client.py --target 127.0.0.1:50051 --ca ca.pem --cert cm01-ops.pem \
      --key cm01-ops.key --method tokenclear.v1.PositionService/ListPositions \
      --request '{"account_id": "CM01-H"}'

Exit status: 0 with the answer on stdout; 3 with "CODE: message" on stderr when the call is
refused; 2 for a bad invocation or a method the server does not offer. With
--show_request_id, the line "x-request-id: ID" (the server's trailer) comes first on stderr.
"""
import argparse
import json
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

REFLECTION = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"


def message_class(descriptor):
    # MessageFactory.GetPrototype: what Debian 12's python3-protobuf (3.21) offers.
    return message_factory.MessageFactory(descriptor.file.pool).GetPrototype(descriptor)


def reflection_messages():
    """The two messages of grpc.reflection.v1alpha that we use, built from a descriptor
    written here (the fields we need only; unknown fields are skipped on parse)."""
    f = descriptor_pb2.FileDescriptorProto(name="tc_reflection_subset.proto",
                                           package="grpc.reflection.v1alpha", syntax="proto3")
    T = descriptor_pb2.FieldDescriptorProto

    def message(name, fields):
        m = f.message_type.add(name=name)
        for number, fname, ftype, label, type_name in fields:
            field = m.field.add(name=fname, number=number, type=ftype, label=label)
            if type_name:
                field.type_name = type_name
        return m

    opt, rep = T.LABEL_OPTIONAL, T.LABEL_REPEATED
    message("ServerReflectionRequest", [(1, "host", T.TYPE_STRING, opt, None),
                                        (4, "file_containing_symbol", T.TYPE_STRING, opt, None),
                                        (7, "list_services", T.TYPE_STRING, opt, None)])
    message("FileDescriptorResponse", [(1, "file_descriptor_proto", T.TYPE_BYTES, rep, None)])
    message("ServiceResponse", [(1, "name", T.TYPE_STRING, opt, None)])
    message("ListServiceResponse",
            [(1, "service", T.TYPE_MESSAGE, rep, ".grpc.reflection.v1alpha.ServiceResponse")])
    message("ErrorResponse", [(1, "error_code", T.TYPE_INT32, opt, None),
                              (2, "error_message", T.TYPE_STRING, opt, None)])
    message("ServerReflectionResponse", [
        (4, "file_descriptor_response", T.TYPE_MESSAGE, opt,
         ".grpc.reflection.v1alpha.FileDescriptorResponse"),
        (6, "list_services_response", T.TYPE_MESSAGE, opt,
         ".grpc.reflection.v1alpha.ListServiceResponse"),
        (7, "error_response", T.TYPE_MESSAGE, opt, ".grpc.reflection.v1alpha.ErrorResponse"),
    ])
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    get = lambda n: message_class(pool.FindMessageTypeByName("grpc.reflection.v1alpha." + n))
    return get("ServerReflectionRequest"), get("ServerReflectionResponse")


def ask(channel, metadata, requests):
    Request, Response = reflection_messages()
    call = channel.stream_stream(REFLECTION, request_serializer=lambda m: m.SerializeToString(),
                                 response_deserializer=Response.FromString)
    return list(call(iter([Request(**r) for r in requests]), metadata=metadata, timeout=20))


def load_pool(channel, metadata, symbol):
    """Every file the server describes for `symbol`, with what they import, in a pool."""
    pool = descriptor_pool.DescriptorPool()
    files = {}
    for response in ask(channel, metadata, [{"file_containing_symbol": symbol}]):
        if response.HasField("error_response"):
            raise LookupError(response.error_response.error_message)
        for raw in response.file_descriptor_response.file_descriptor_proto:
            proto = descriptor_pb2.FileDescriptorProto.FromString(raw)
            files[proto.name] = proto
    added = set()

    def add(name):  # dependencies first
        if name in added:
            return
        for dep in files[name].dependency:
            if dep in files:
                add(dep)
        pool.Add(files[name])
        added.add(name)

    for name in files:
        add(name)
    return pool


def print_request_id(call):
    """The server's x-request-id trailer, which its log and audit log also carry."""
    for key, value in call.trailing_metadata() or ():
        if key == "x-request-id":
            print(f"x-request-id: {value}", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser()
    for flag in ("--target", "--ca", "--cert", "--key", "--method"):
        parser.add_argument(flag, required=True)
    parser.add_argument("--token", default="")
    parser.add_argument("--request", default="{}")
    parser.add_argument("--show_request_id", action="store_true")
    args = parser.parse_args()
    read = lambda path: open(path, "rb").read()
    credentials = grpc.ssl_channel_credentials(read(args.ca), read(args.key), read(args.cert))
    metadata = [("authorization", "Bearer " + args.token)] if args.token else []
    service, _, method = args.method.partition("/")
    with grpc.secure_channel(args.target, credentials) as channel:
        try:
            listed = ask(channel, metadata, [{"list_services": "*"}])
            names = {s.name for r in listed for s in r.list_services_response.service}
            if service not in names:
                print(f"the server offers no {service}: {sorted(names)}", file=sys.stderr)
                return 2
            pool = load_pool(channel, metadata, service)
            descriptor = pool.FindServiceByName(service).FindMethodByName(method)
            if descriptor is None:
                print(f"{service} has no method {method}", file=sys.stderr)
                return 2
            Input = message_class(descriptor.input_type)
            Output = message_class(descriptor.output_type)
            request = json_format.Parse(args.request, Input())
            call = channel.unary_unary("/" + args.method,
                                       request_serializer=lambda m: m.SerializeToString(),
                                       response_deserializer=Output.FromString)
            answer, outcome = call.with_call(request, metadata=metadata, timeout=20)
            if args.show_request_id:
                print_request_id(outcome)
        except grpc.RpcError as error:
            if args.show_request_id:
                print_request_id(error)
            print(f"{error.code().name}: {error.details()}", file=sys.stderr)
            return 3
    print(json_format.MessageToJson(answer, preserving_proto_field_name=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
