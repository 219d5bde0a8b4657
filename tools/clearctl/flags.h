// clearctl's flags, defined in clearctl_main.cc (so that `clearctl --help` lists them)
// and read by the noun files. --target and --token are tools/api_client.cc's.
//
//   #include "tools/clearctl/flags.h"
//   request.set_member_id(absl::GetFlag(FLAGS_member));
#ifndef TOKENCLEAR_TOOLS_CLEARCTL_FLAGS_H_
#define TOKENCLEAR_TOOLS_CLEARCTL_FLAGS_H_

#include <cstdint>
#include <string>

#include "absl/flags/declare.h"

ABSL_DECLARE_FLAG(bool, json);
ABSL_DECLARE_FLAG(int, timeout_s);
ABSL_DECLARE_FLAG(std::string, business_date);
ABSL_DECLARE_FLAG(std::string, member);
ABSL_DECLARE_FLAG(std::string, account);
ABSL_DECLARE_FLAG(std::string, instrument);
ABSL_DECLARE_FLAG(std::string, date);
ABSL_DECLARE_FLAG(bool, csv);
ABSL_DECLARE_FLAG(std::string, out);
ABSL_DECLARE_FLAG(std::string, portfolio);
ABSL_DECLARE_FLAG(std::string, account_class);
ABSL_DECLARE_FLAG(std::string, parameter_version);
ABSL_DECLARE_FLAG(std::string, side);
ABSL_DECLARE_FLAG(int64_t, quantity);
ABSL_DECLARE_FLAG(std::string, index);
ABSL_DECLARE_FLAG(std::string, reason);
ABSL_DECLARE_FLAG(std::string, provider);
ABSL_DECLARE_FLAG(std::string, kind);
ABSL_DECLARE_FLAG(std::string, from);
ABSL_DECLARE_FLAG(std::string, to);
ABSL_DECLARE_FLAG(int, limit);
ABSL_DECLARE_FLAG(std::string, stop_after);
ABSL_DECLARE_FLAG(std::string, origin);
ABSL_DECLARE_FLAG(std::string, amount);
ABSL_DECLARE_FLAG(std::string, currency);
ABSL_DECLARE_FLAG(std::string, security);
ABSL_DECLARE_FLAG(std::string, key);
ABSL_DECLARE_FLAG(std::string, file);
ABSL_DECLARE_FLAG(std::string, price);
ABSL_DECLARE_FLAG(std::string, cycle);
ABSL_DECLARE_FLAG(std::string, stage);
ABSL_DECLARE_FLAG(std::string, status);
ABSL_DECLARE_FLAG(std::string, id);
ABSL_DECLARE_FLAG(std::string, direction);
ABSL_DECLARE_FLAG(bool, open);
ABSL_DECLARE_FLAG(int64_t, after);
ABSL_DECLARE_FLAG(bool, follow);
ABSL_DECLARE_FLAG(int, ttl_days);
ABSL_DECLARE_FLAG(std::string, label);
ABSL_DECLARE_FLAG(std::string, principal);
ABSL_DECLARE_FLAG(std::string, action);
ABSL_DECLARE_FLAG(std::string, outcome);
ABSL_DECLARE_FLAG(std::string, request_id);

#endif  // TOKENCLEAR_TOOLS_CLEARCTL_FLAGS_H_
