#include "tests/private_cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

extern char** environ;

namespace tc::testing {

constexpr char kPgBin[] = "/usr/lib/postgresql/15/bin";

std::string PgTool(absl::string_view name) { return absl::StrCat(kPgBin, "/", name); }

// Runs argv (argv[0] an absolute path) from "/", stdin from /dev/null, stdout and
// stderr appended to `log_path`; kills it after `timeout`. Daemons started by the
// command (pg_ctl start) inherit no pipe of ours, so waiting never depends on them.
absl::Status RunCommand(const std::vector<std::string>& argv, const std::string& log_path,
                        absl::Duration timeout) {
  std::vector<std::string> args = argv;
  std::vector<char*> arg_ptrs;
  for (std::string& arg : args) arg_ptrs.push_back(arg.data());
  arg_ptrs.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  // The postgres user may not be able to enter the test's working directory.
  posix_spawn_file_actions_addchdir_np(&actions, "/");
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, arg_ptrs[0], &actions, nullptr, arg_ptrs.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    return absl::InternalError(absl::StrCat("cannot start ", argv[0], ": ", strerror(spawned)));
  }
  const absl::Time deadline = absl::Now() + timeout;
  int status = 0;
  for (pid_t done = 0; done != pid;) {
    done = waitpid(pid, &status, WNOHANG);
    if (done < 0 && errno != EINTR) return absl::InternalError("waitpid failed");
    if (done == pid) break;
    if (absl::Now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return absl::DeadlineExceededError(absl::StrCat(
          absl::StrJoin(argv, " "), " did not finish in ", absl::FormatDuration(timeout)));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(absl::StrJoin(argv, " "), " failed (wait status ", status,
                                          "), output in ", log_path));
}

// A TCP port on 127.0.0.1 that nothing listens on right now.
int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

// A throwaway PostgreSQL 15 cluster of this test alone.

}  // namespace tc::testing
