// Environment defaults for the tools' flags, e.g. the server and the bearer token
// (TOKENCLEAR_TARGET, TOKENCLEAR_TOKEN: tools/api_client.cc).
//
//   ABSL_FLAG(std::string, token, tc::tools::EnvOr("TOKENCLEAR_TOKEN", ""), "...");
#ifndef TOKENCLEAR_TOOLS_TOOLKIT_ENV_H_
#define TOKENCLEAR_TOOLS_TOOLKIT_ENV_H_

#include <string>

namespace tc::tools {

// The value of environment variable `name`, or `fallback` when it is unset or empty.
std::string EnvOr(const char* name, const char* fallback);

}  // namespace tc::tools

#endif  // TOKENCLEAR_TOOLS_TOOLKIT_ENV_H_
