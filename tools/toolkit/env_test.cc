// Checks the environment defaults of the tools' flags.
//
//   ctest -R toolkit_test
#include "tools/toolkit/env.h"

#include <cstdlib>

#include "gtest/gtest.h"

namespace tc::tools {
namespace {

constexpr char kName[] = "TOKENCLEAR_TOOLKIT_ENV_TEST";

TEST(EnvOrTest, TheValueWhenSet) {
  ASSERT_EQ(setenv(kName, "dev-treasury-token-0001", 1), 0);
  EXPECT_EQ(EnvOr(kName, "fallback"), "dev-treasury-token-0001");
  unsetenv(kName);
}

TEST(EnvOrTest, TheFallbackWhenUnsetOrEmpty) {
  unsetenv(kName);
  EXPECT_EQ(EnvOr(kName, "127.0.0.1:50051"), "127.0.0.1:50051");
  ASSERT_EQ(setenv(kName, "", 1), 0);
  EXPECT_EQ(EnvOr(kName, "127.0.0.1:50051"), "127.0.0.1:50051");
  unsetenv(kName);
}

}  // namespace
}  // namespace tc::tools
