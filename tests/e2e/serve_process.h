// A `hpocr serve` child process for the server tests: started on a free port, its output captured, and
// stopped with SIGTERM (SIGKILL only if it does not exit).
#pragma once
#include <sys/types.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hpocr::test {

class ServeProcess {
 public:
  /// Runs `hpocr serve --port 0 <args>` (args split on spaces) and waits up to `startup` for its
  /// "listening on" line. started() is false when it exited or stayed silent; output() says why.
  explicit ServeProcess(const std::string& args, std::chrono::seconds startup = std::chrono::seconds(300));
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  bool started() const { return port_ > 0; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  /// Everything the process wrote to stdout and stderr so far.
  std::string output() const;
  /// Resident memory of the process (VmRSS), bytes; -1 when it is gone.
  long long rss_bytes() const;
  /// Sends `sig` and waits up to `timeout` for the exit: the exit code, 128 + signal when killed by one,
  /// or -1 when it had to be killed with SIGKILL after the timeout.
  int stop(int sig, std::chrono::seconds timeout = std::chrono::seconds(120));
  /// Waits up to `timeout` for the process to exit by itself; the exit code as stop() gives it.
  int wait(std::chrono::seconds timeout = std::chrono::seconds(120));

 private:
  pid_t pid_ = -1;
  int port_ = -1;
  int exit_code_ = -2;  // -2: still running
  int out_fd_ = -1;
  mutable std::mutex mutex_;
  std::string output_;
  std::thread reader_;
};

}  // namespace hpocr::test
