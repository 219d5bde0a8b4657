// A private PostgreSQL 15 cluster and the real server binary, for the end-to-end crash
// tests (tests/crash_ingest_e2etest.cc, tests/eod_crash_e2etest.cc). Stopping PostgreSQL
// would break the tests that share deploy/test.sh's cluster, so each such test creates a
// cluster of its own (initdb into a temporary folder, loopback only, a free port; as the
// postgres user when run as root, like deploy/pg.sh) and removes it at the end, even on
// failure: by a destructor, or, if the test process itself is killed, by a detached
// guardian that waits for the process to exit.
//
//   PrivatePostgres postgres;
//   absl::Status created = postgres.Create("crash");  // a cluster and its first database
//   ServerProcess server(TC_SERVER_BINARY, "admin-token", postgres.folder());
//   absl::Status started = server.Start(postgres.Url("crash"));
//   server.KillNine(); postgres.StopImmediately(); postgres.Start();
#ifndef TOKENCLEAR_TESTS_PRIVATE_CLUSTER_H_
#define TOKENCLEAR_TESTS_PRIVATE_CLUSTER_H_

#include <grpcpp/grpcpp.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tests/child_process.h"

namespace tc::testing {

// The port in the server's "serving on port N" log line; 0 when the line has none.
inline int ServingPort(absl::string_view line) {
  constexpr absl::string_view kMarker = "serving on port ";
  const size_t at = line.find(kMarker);
  if (at == absl::string_view::npos) return 0;
  absl::string_view digits = line.substr(at + kMarker.size());
  digits = digits.substr(0, digits.find_first_not_of("0123456789"));
  int port = 0;
  return absl::SimpleAtoi(digits, &port) ? port : 0;
}

// The path of a PostgreSQL 15 program (/usr/lib/postgresql/15/bin/<name>).
std::string PgTool(absl::string_view name);

// Runs argv (argv[0] an absolute path) from "/", stdin from /dev/null, stdout and
// stderr appended to `log_path`; kills it after `timeout`. Daemons started by the
// command (pg_ctl start) inherit no pipe of ours, so waiting never depends on them.
absl::Status RunCommand(const std::vector<std::string>& argv, const std::string& log_path,
                        absl::Duration timeout);

// A TCP port on 127.0.0.1 that nothing listens on right now.
int FreeLoopbackPort();

class PrivatePostgres {
 public:
  PrivatePostgres() = default;
  PrivatePostgres(const PrivatePostgres&) = delete;
  PrivatePostgres& operator=(const PrivatePostgres&) = delete;
  ~PrivatePostgres() {
    if (root_.empty()) return;
    if (running_) (void)StopImmediately();
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }

  // initdb, loopback-only configuration, a guardian, start, and the test's database.
  absl::Status Create(absl::string_view database) {
    char folder[] = "/tmp/tc_crash_pg_XXXXXX";
    if (mkdtemp(folder) == nullptr) return absl::InternalError("mkdtemp failed");
    root_ = folder;
    data_ = root_ + "/data";
    log_ = root_ + "/postgres.log";
    commands_log_ = root_ + "/commands.log";
    if (getuid() == 0) {  // PostgreSQL refuses to run as root
      const passwd* postgres = getpwnam("postgres");
      if (postgres == nullptr) return absl::FailedPreconditionError("no postgres user");
      if (chown(root_.c_str(), postgres->pw_uid, postgres->pw_gid) != 0) {
        return absl::InternalError("cannot give the cluster folder to postgres");
      }
      as_postgres_ = {"/usr/sbin/runuser", "-u", "postgres", "--"};
    }
    if (absl::Status s = StartGuardian(); !s.ok()) return s;
    if (absl::Status s =
            RunCommand(AsPostgres({PgTool("initdb"), "-D", data_, "-A", "trust", "-U", "postgres",
                                   "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"}),
                       commands_log_, absl::Seconds(120));
        !s.ok()) {
      return s;
    }
    // Durable commits, as in deploy/pg.sh: an acknowledged trade must survive the crash.
    std::ofstream(data_ + "/postgresql.conf", std::ios::app)
        << "listen_addresses = '127.0.0.1'\nunix_socket_directories = ''\n"
           "fsync = on\nsynchronous_commit = on\nfull_page_writes = on\n"
           "max_connections = 40\nshared_buffers = 128MB\nlog_min_messages = warning\n";
    // A self-check of this test: TOKENCLEAR_CRASH_PG_SETTING="synchronous_commit = off"
    // must make it fail (acknowledged commits lost at an immediate stop).
    if (const char* setting = std::getenv("TOKENCLEAR_CRASH_PG_SETTING"); setting != nullptr) {
      std::ofstream(data_ + "/postgresql.conf", std::ios::app) << setting << "\n";
    }
    absl::Status started = absl::UnavailableError("no port tried");
    for (int attempt = 0; attempt < 3 && !started.ok(); ++attempt) {  // a port may be taken
      port_ = FreeLoopbackPort();
      std::ofstream(data_ + "/postgresql.conf", std::ios::app) << "port = " << port_ << "\n";
      started = Start();
    }
    if (!started.ok()) return started;
    try {
      pqxx::connection connection(Url("postgres"));
      pqxx::nontransaction(connection).exec0(absl::StrCat("CREATE DATABASE ", database));
    } catch (const std::exception& e) {
      return absl::InternalError(absl::StrCat("creating the database: ", e.what()));
    }
    return absl::OkStatus();
  }

  // Starts the cluster; after an immediate stop this is crash recovery.
  absl::Status Start() {
    absl::Status status = RunCommand(
        AsPostgres({PgTool("pg_ctl"), "-D", data_, "-l", log_, "-w", "-t", "60", "start"}),
        commands_log_, absl::Seconds(90));
    running_ = status.ok();
    return status;
  }

  // Immediate shutdown: the postmaster SIGQUITs every backend, no checkpoint, open
  // transactions are lost and the next start replays the WAL, as after a power cut of
  // the database server (the operating system's page cache survives, though).
  absl::Status StopImmediately() {
    absl::Status status = RunCommand(
        AsPostgres({PgTool("pg_ctl"), "-D", data_, "-m", "immediate", "-w", "-t", "60", "stop"}),
        commands_log_, absl::Seconds(90));
    if (status.ok()) running_ = false;
    return status;
  }

  // The guardian kills the server whose pid is in <folder>/server.pid if its environment
  // has TC_CRASH_GUARD=<folder> (a pid may be reused).
  const std::string& folder() const { return root_; }

  std::string Url(absl::string_view database) const {
    return absl::StrCat("postgresql://postgres@127.0.0.1:", port_, "/", database);
  }

  // For failure messages: what PostgreSQL and the commands said.
  std::string Logs() const {
    std::string text;
    for (const std::string& path : {commands_log_, log_}) {
      std::ifstream file(path);
      text +=
          absl::StrCat("--- ", path, "\n", std::string(std::istreambuf_iterator<char>(file), {}));
    }
    return text.size() > 8000 ? text.substr(text.size() - 8000) : text;
  }

 private:
  std::vector<std::string> AsPostgres(std::vector<std::string> argv) const {
    argv.insert(argv.begin(), as_postgres_.begin(), as_postgres_.end());
    return argv;
  }

  // A detached shell (its own session, so that killing this test's process tree spares
  // it) that waits for this process to end, then kills the server it had running (pid in
  // server.pid), stops the cluster and removes the folder. After a normal end the
  // destructors have done all of that already.
  absl::Status StartGuardian() {
    const std::string script =
        "pid=$1 dir=$2; shift 2; "
        "while kill -0 \"$pid\" 2>/dev/null; do sleep 1; done; "
        "if [ -f \"$dir/server.pid\" ]; then s=$(cat \"$dir/server.pid\"); "
        "tr '\\0' '\\n' <\"/proc/$s/environ\" 2>/dev/null | grep -qxF \"TC_CRASH_GUARD=$dir\" "
        "&& kill -9 \"$s\"; fi; "
        "if [ -f \"$dir/data/postmaster.pid\" ]; then "
        "\"$@\" -D \"$dir/data\" -m immediate -w stop; fi; rm -rf -- \"$dir\"";
    std::vector<std::string> argv = {
        "/usr/bin/setsid",      "-f", "/bin/sh", "-c", script, "tc_crash_pg_guardian",
        absl::StrCat(getpid()), root_};
    for (const std::string& part : AsPostgres({PgTool("pg_ctl")})) argv.push_back(part);
    return RunCommand(argv, "/dev/null", absl::Seconds(10));
  }

  std::string root_, data_, log_, commands_log_;
  std::vector<std::string> as_postgres_;
  int port_ = 0;
  bool running_ = false;
};

// The real server binary, on a fresh loopback port each time it starts.
class ServerProcess {
 public:
  // Each server started is marked for PrivatePostgres's guardian of `guard_folder`.
  ServerProcess(std::string binary, std::string admin_token, std::string guard_folder)
      : binary_(std::move(binary)),
        admin_token_(std::move(admin_token)),
        guard_folder_(std::move(guard_folder)) {}

  absl::Status Start(const std::string& pg_url) {
    process_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{binary_, "--listen=127.0.0.1:0", "--plaintext",
                                 "--db_connections=4", "--health_grace_ms=0", "--drain_seconds=5"},
        std::vector<std::string>{absl::StrCat("TOKENCLEAR_PG_URL=", pg_url),
                                 absl::StrCat("TOKENCLEAR_ADMIN_TOKEN=", admin_token_),
                                 absl::StrCat("TC_CRASH_GUARD=", guard_folder_)});
    if (!process_->started()) return absl::InternalError(absl::StrCat("cannot start ", binary_));
    std::ofstream(guard_folder_ + "/server.pid", std::ios::trunc) << process_->pid() << "\n";
    std::optional<std::string> serving =
        process_->ReadStderrLineContaining("serving on port", absl::Seconds(30));
    const int port = serving ? ServingPort(*serving) : 0;
    if (port == 0) {
      return absl::UnavailableError(absl::StrCat("server did not start: ", Log()));
    }
    port_ = port;
    channel_ =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
    return absl::OkStatus();
  }

  // Whether the process has exited (looks for 30 ms).
  bool Exited() {
    (void)process_->WaitForExit(absl::Milliseconds(30));
    return process_->exited();
  }

  void KillNine() {
    process_->Signal(SIGKILL);
    (void)process_->WaitForExit(absl::Seconds(10));
  }

  // SIGTERM; the exit code of a graceful drain, or nullopt.
  std::optional<int> Stop() {
    process_->Signal(SIGTERM);
    return process_->WaitForExit(absl::Seconds(20));
  }

  std::string Log() const {
    const std::string& text = process_->stderr_text();
    return text.size() > 4000 ? text.substr(text.size() - 4000) : text;
  }

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  // host:port of the running server.
  std::string target() const { return absl::StrCat("127.0.0.1:", port_); }

 private:
  std::string binary_, admin_token_, guard_folder_;
  std::unique_ptr<ChildProcess> process_;
  std::shared_ptr<grpc::Channel> channel_;
  int port_ = 0;
};

}  // namespace tc::testing

#endif  // TOKENCLEAR_TESTS_PRIVATE_CLUSTER_H_
