// A child process for end-to-end tests of the real binaries: started with arguments and
// extra environment, its stderr read line by line, signalled, and waited for with a
// timeout. Killed if still running when destroyed.
//
//   ChildProcess server({binary, "--listen=127.0.0.1:0"}, {"TOKENCLEAR_PG_URL=..."});
//   std::optional<std::string> line = server.ReadStderrLineContaining("serving",
//   absl::Seconds(20)); server.Signal(SIGTERM); std::optional<int> code =
//   server.WaitForExit(absl::Seconds(20));
#ifndef TOKENCLEAR_TESTS_CHILD_PROCESS_H_
#define TOKENCLEAR_TESTS_CHILD_PROCESS_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace tc::testing {

class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env);
  ~ChildProcess();

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // Whether WaitForExit saw the process end.
  bool exited() const { return exited_; }
  // The first stderr line containing `needle`, or nullopt on timeout or end of output.
  std::optional<std::string> ReadStderrLineContaining(absl::string_view needle,
                                                      absl::Duration timeout);
  void Signal(int signal_number);
  // The exit code, or nullopt when the process did not exit in time (or was signalled).
  std::optional<int> WaitForExit(absl::Duration timeout);
  // Everything the child has written to stderr so far.
  const std::string& stderr_text();

 private:
  void ReadNewStderr();
  // Whether the child has exited (reaped or not).
  bool Ended() const;

  pid_t pid_ = -1;
  int stderr_fd_ = -1;
  off_t read_offset_ = 0;
  bool exited_ = false;
  std::string stderr_text_;
  size_t scanned_ = 0;
};

}  // namespace tc::testing

#endif  // TOKENCLEAR_TESTS_CHILD_PROCESS_H_
