// Environment lookups for the tools (see env.h).
#include "tools/toolkit/env.h"

#include <cstdlib>

namespace tc::tools {

std::string EnvOr(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace tc::tools
