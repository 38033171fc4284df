#include "serve_process.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace hpocr::test {

ServeProcess::ServeProcess(const std::string& args, std::chrono::seconds startup) {
  std::vector<std::string> words{HPOCR_CLI_PATH, "serve", "--port", "0"};
  std::istringstream in(args);
  for (std::string w; in >> w;) words.push_back(w);
  std::vector<char*> argv;  // built before fork(): the child of a threaded process must not allocate
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  int fds[2];
  if (pipe(fds) != 0) return;
  pid_ = fork();
  if (pid_ == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  out_fd_ = fds[0];
  if (pid_ < 0) return;
  // Read until the "listening on" line (or exit, or timeout); then keep draining in the background so that
  // the server never blocks on a full pipe.
  const auto deadline = std::chrono::steady_clock::now() + startup;
  const std::regex listening(R"(listening on http://[^:]+:(\d+))");
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{out_fd_, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) continue;
    char buf[4096];
    ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n <= 0) break;  // exited
    std::lock_guard lock(mutex_);
    output_.append(buf, static_cast<size_t>(n));
    std::smatch m;
    if (std::regex_search(output_, m, listening)) {
      port_ = std::stoi(m[1]);
      break;
    }
  }
  reader_ = std::thread([this] {
    char buf[4096];
    for (ssize_t n; (n = read(out_fd_, buf, sizeof buf)) > 0;) {
      std::lock_guard lock(mutex_);
      output_.append(buf, static_cast<size_t>(n));
    }
  });
}

ServeProcess::~ServeProcess() {
  if (pid_ > 0 && exit_code_ == -2) stop(SIGTERM, std::chrono::seconds(60));
  if (reader_.joinable()) reader_.join();
  if (out_fd_ >= 0) close(out_fd_);
}

std::string ServeProcess::output() const {
  std::lock_guard lock(mutex_);
  return output_;
}

long long ServeProcess::rss_bytes() const {
  std::ifstream f("/proc/" + std::to_string(pid_) + "/status");
  for (std::string key; f >> key;) {
    if (key == "VmRSS:") {
      long long kb = -1;
      f >> kb;
      return kb * 1024;
    }
    f.ignore(1 << 12, '\n');
  }
  return -1;
}

int ServeProcess::stop(int sig, std::chrono::seconds timeout) {
  if (pid_ <= 0) return -1;
  if (exit_code_ != -2) return exit_code_;
  kill(pid_, sig);
  return wait(timeout);
}

int ServeProcess::wait(std::chrono::seconds timeout) {
  if (pid_ <= 0) return -1;
  if (exit_code_ != -2) return exit_code_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      return exit_code_ = -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit_code_;
}

}  // namespace hpocr::test
