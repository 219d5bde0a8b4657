#include "tests/child_process.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

namespace tc::testing {

ChildProcess::ChildProcess(const std::vector<std::string>& argv,
                           const std::vector<std::string>& extra_env) {
  // stderr goes to an unlinked temporary file, not a pipe: a server that logs every call
  // must never block on a pipe that the test reads only when it looks for a line.
  char path[] = "/tmp/tc-child-stderr-XXXXXX";
  stderr_fd_ = mkstemp(path);
  if (stderr_fd_ < 0) return;
  unlink(path);
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
  posix_spawn_file_actions_adddup2(&actions, stderr_fd_, STDERR_FILENO);
  if (posix_spawn(&pid_, arg_ptrs[0], &actions, nullptr, arg_ptrs.data(), env_ptrs.data()) != 0) {
    pid_ = -1;
  }
  posix_spawn_file_actions_destroy(&actions);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (stderr_fd_ >= 0) close(stderr_fd_);
}

void ChildProcess::ReadNewStderr() {
  // pread from our own offset: the child's writes move the shared file offset, not ours.
  char buffer[1 << 16];
  for (ssize_t n;
       stderr_fd_ >= 0 && (n = pread(stderr_fd_, buffer, sizeof(buffer), read_offset_)) > 0;) {
    stderr_text_.append(buffer, static_cast<size_t>(n));
    read_offset_ += n;
  }
}

const std::string& ChildProcess::stderr_text() {
  ReadNewStderr();
  return stderr_text_;
}

bool ChildProcess::Ended() const {
  if (exited_) return true;
  // A child that exited but is not reaped yet is a zombie ('Z' after the command name).
  std::ifstream stat(absl::StrCat("/proc/", pid_, "/stat"));
  const std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');
  return paren == std::string::npos || (paren + 2 < text.size() && text[paren + 2] == 'Z');
}

std::optional<std::string> ChildProcess::ReadStderrLineContaining(absl::string_view needle,
                                                                  absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const bool ended = Ended();  // before reading, so nothing written before it is missed
    ReadNewStderr();
    for (size_t end; (end = stderr_text_.find('\n', scanned_)) != std::string::npos;) {
      std::string line = stderr_text_.substr(scanned_, end - scanned_);
      scanned_ = end + 1;
      if (absl::StrContains(line, needle)) return line;
    }
    if (ended || absl::Now() >= deadline) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(10));
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
      ReadNewStderr();
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return std::nullopt;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return std::nullopt;
}

}  // namespace tc::testing
