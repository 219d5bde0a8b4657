// Invariant checks for programmer errors (TigerBeetle/Envoy style). They stay on in
// release builds: a clearing house must stop rather than continue in a wrong state.
// Never use them on untrusted input; return an absl::Status instead.
//
//   TC_CHECK(total_long == total_short) << "open interest out of balance";
//   TC_CHECK_EQ(entry_sum_micros, 0);
#ifndef TOKENCLEAR_CORE_CHECK_H_
#define TOKENCLEAR_CORE_CHECK_H_

#include <sstream>
#include <string>

namespace tc::internal {

// Collects a message and aborts the process when destroyed.
class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* condition);
  [[noreturn]] ~CheckFailure();
  std::ostream& stream() { return stream_; }

 private:
  std::ostringstream stream_;
};

// Lets `TC_CHECK(x) << "..."` parse as a void expression in the ternary below.
struct Voidify {
  void operator&(std::ostream&) {}
};

}  // namespace tc::internal

#define TC_CHECK(condition)                 \
  (condition) ? (void)0                     \
              : ::tc::internal::Voidify() & \
                    ::tc::internal::CheckFailure(__FILE__, __LINE__, #condition).stream()

#define TC_CHECK_EQ(a, b) TC_CHECK((a) == (b)) << (a) << " != " << (b) << " "

#endif  // TOKENCLEAR_CORE_CHECK_H_
