#include "tests/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/time/clock.h"

extern char** environ;

namespace tc::testing {

ChildProcess::ChildProcess(const std::vector<std::string>& argv,
                           const std::vector<std::string>& extra_env) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return;
  std::vector<std::string> env_strings = extra_env;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  std::vector<char*> env_ptrs, arg_ptrs;
  for (std::string& s : env_strings) env_ptrs.push_back(s.data());
  env_ptrs.push_back(nullptr);
  std::vector<std::string> args = argv;
  for (std::string& s : args) arg_ptrs.push_back(s.data());
  arg_ptrs.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  if (posix_spawn(&pid_, arg_ptrs[0], &actions, nullptr, arg_ptrs.data(), env_ptrs.data()) != 0) {
    pid_ = -1;
  }
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  stderr_fd_ = pipe_fds[0];
  fcntl(stderr_fd_, F_SETFL, O_NONBLOCK);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (stderr_fd_ >= 0) close(stderr_fd_);
}

std::optional<std::string> ChildProcess::ReadStderrLineContaining(absl::string_view needle,
                                                                  absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    for (size_t end; (end = stderr_text_.find('\n', scanned_)) != std::string::npos;) {
      std::string line = stderr_text_.substr(scanned_, end - scanned_);
      scanned_ = end + 1;
      if (absl::StrContains(line, needle)) return line;
    }
    const int64_t wait_ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (wait_ms <= 0) return std::nullopt;
    pollfd fd{stderr_fd_, POLLIN, 0};
    if (poll(&fd, 1, static_cast<int>(wait_ms)) <= 0) continue;
    char buffer[4096];
    const ssize_t n = read(stderr_fd_, buffer, sizeof(buffer));
    if (n == 0) return std::nullopt;  // the child closed stderr
    if (n > 0) stderr_text_.append(buffer, static_cast<size_t>(n));
  }
}

void ChildProcess::DrainStderr() {
  // The child has exited, so the pipe ends: read to end of file.
  fcntl(stderr_fd_, F_SETFL, 0);
  char buffer[4096];
  for (ssize_t n; (n = read(stderr_fd_, buffer, sizeof(buffer))) > 0;) {
    stderr_text_.append(buffer, static_cast<size_t>(n));
  }
}

void ChildProcess::Signal(int signal_number) {
  if (pid_ > 0 && !exited_) kill(pid_, signal_number);
}

std::optional<int> ChildProcess::WaitForExit(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      DrainStderr();
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return std::nullopt;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return std::nullopt;
}

}  // namespace tc::testing
