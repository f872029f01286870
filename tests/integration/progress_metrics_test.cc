// Prometheus metrics during a run of real batches: fetched over HTTP,
// parsed, counters increasing; then a real Prometheus server (started by
// the test) scrapes them and answers a query for sluice_rows_processed_total.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "engine/progress/metrics_exporter.h"
#include "engine/progress/throttle_progress.h"
#include "engine/throttle/composite_throttler.h"
#include "engine/throttle/manual_pause_signal.h"
#include "tests/integration/progress_batch_loop.h"
#include "tests/support/test_db.h"

namespace sluice {
namespace {

using namespace std::chrono_literals;

// GET http://host:port/path; returns the body ("" on failure).
std::string HttpGet(const std::string& host, int port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return "";
  }
  std::string req = "GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n";
  if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) < 0) {
    ::close(fd);
    return "";
  }
  std::string resp;
  char buf[8192];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof(buf), 0)) > 0) resp.append(buf, static_cast<size_t>(n));
  ::close(fd);
  auto body = resp.find("\r\n\r\n");
  return body == std::string::npos ? "" : resp.substr(body + 4);
}

// The samples of one metric in Prometheus text format: labels text -> value.
std::map<std::string, double> Samples(const std::string& text, const std::string& name) {
  std::map<std::string, double> out;
  std::regex line("^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+|NaN|\\+Inf|-Inf)$");
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l)) {
    std::smatch m;
    if (std::regex_match(l, m, line)) out[m[1].str()] = std::stod(m[2].str());
  }
  return out;
}

class ProgressMetricsTest : public testing::TestDatabase {
 protected:
  void SetUp() override {
    testing::TestDatabase::SetUp();
    if (HasFatalFailure()) return;
    Exec("CREATE TABLE items (id INT PRIMARY KEY, v INT NOT NULL DEFAULT 0)");
    Exec("INSERT INTO items (id) SELECT seq FROM seq_1_to_100000");
    auto exporter = MetricsExporter::Start("127.0.0.1:0");
    ASSERT_TRUE(exporter.ok()) << exporter.error().message;
    exporter_ = *exporter;
    std::string addr = exporter_->Address();
    port_ = std::stoi(addr.substr(addr.rfind(':') + 1));
    ASSERT_GT(port_, 0);
    progress_.AddSink(exporter_);
    throttler_.Add(std::make_unique<ManualPauseSignal>(control_));
    ReportThrottlingTo(throttler_, progress_);
    factory_ = std::make_unique<ConnectionFactory>(dsn());
    loop_ = std::make_unique<testing::BatchLoop>(*factory_, control_, progress_, &throttler_);
    runner_ = std::thread([this] {
      Status st = loop_->Run({.rows = 100000, .batch_size = 50, .workers = 2,
                              .pause_between_s = 0.005});
      EXPECT_TRUE(st.ok()) << st.error().message;
    });
  }
  void TearDown() override {
    control_.RequestStop();
    if (runner_.joinable()) runner_.join();
    testing::TestDatabase::TearDown();
  }
  std::string Metrics() { return HttpGet("127.0.0.1", port_, "/metrics"); }

  RunControl control_;
  ProgressReporter progress_;
  CompositeThrottler throttler_{1, 10};
  std::shared_ptr<MetricsExporter> exporter_;
  int port_ = 0;
  std::unique_ptr<ConnectionFactory> factory_;
  std::unique_ptr<testing::BatchLoop> loop_;
  std::thread runner_;
};

TEST_F(ProgressMetricsTest, MetricsAreServedAndCountersIncrease) {
  std::this_thread::sleep_for(500ms);
  std::string first = Metrics();
  ASSERT_FALSE(first.empty()) << "no answer from /metrics";
  const std::string labels = "{revision=\"testrev\",step=\"1\",table=\"items\"}";
  auto rows1 = Samples(first, "sluice_rows_processed_total");
  ASSERT_EQ(rows1.count(labels), 1u) << first;
  EXPECT_GT(rows1[labels], 0);

  // Pause for a while: the throttle is counted under reason "pause".
  control_.Pause();
  std::this_thread::sleep_for(700ms);
  std::string paused = Metrics();
  control_.Resume();
  EXPECT_EQ(Samples(paused, "sluice_throttled")[labels], 1) << paused;

  // After the resume the counters move again; a loaded machine may take a
  // while to get the workers going, so poll rather than sleep a fixed time.
  std::string second;
  std::map<std::string, double> rows2;
  for (int i = 0; i < 100; ++i) {
    std::this_thread::sleep_for(100ms);
    second = Metrics();
    rows2 = Samples(second, "sluice_rows_processed_total");
    if (rows2[labels] > Samples(paused, "sluice_rows_processed_total")[labels]) break;
  }
  EXPECT_GT(rows2[labels], rows1[labels]);

  auto batches1 = Samples(first, "sluice_batches_total");
  auto batches2 = Samples(second, "sluice_batches_total");
  const std::string ok = "{outcome=\"ok\",revision=\"testrev\",step=\"1\",table=\"items\"}";
  ASSERT_EQ(batches2.count(ok), 1u) << second;
  EXPECT_GT(batches2[ok], batches1[ok]);

  auto count = Samples(second, "sluice_batch_duration_seconds_count");
  EXPECT_EQ(count[labels], batches2[ok]);
  auto buckets = Samples(second, "sluice_batch_duration_seconds_bucket");
  EXPECT_GE(buckets.size(), 10u);

  EXPECT_EQ(Samples(second, "sluice_rows_estimated")[labels], 100000);
  double ratio = Samples(second, "sluice_progress_ratio")[labels];
  EXPECT_GT(ratio, 0);
  EXPECT_LT(ratio, 1);
  EXPECT_EQ(Samples(second, "sluice_batch_size_rows")[labels], 50);
  EXPECT_EQ(Samples(second, "sluice_workers")[labels], 2);
  EXPECT_EQ(Samples(second, "sluice_throttled")[labels], 0);
  EXPECT_GT(Samples(second, "sluice_eta_seconds")[labels], 0);
  const std::string pause = "{reason=\"pause\",revision=\"testrev\",step=\"1\",table=\"items\"}";
  EXPECT_GE(Samples(second, "sluice_throttle_seconds_total")[pause], 0.5) << second;
  EXPECT_NE(second.find("# TYPE sluice_batch_duration_seconds histogram"), std::string::npos);
  EXPECT_NE(second.find("# TYPE sluice_rows_processed_total counter"), std::string::npos);
}

TEST_F(ProgressMetricsTest, RealPrometheusIngestsTheMetrics) {
  const char* binary = "/usr/bin/prometheus";
  if (::access(binary, X_OK) != 0) GTEST_SKIP() << "prometheus binary not installed";
  auto dir = std::filesystem::temp_directory_path() /
             ("sluice-prom-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "prometheus.yml") << "global:\n  scrape_interval: 1s\n"
                                        << "scrape_configs:\n  - job_name: sluice\n"
                                        << "    static_configs:\n      - targets: ['127.0.0.1:"
                                        << port_ << "']\n";
  // A free port for Prometheus' own HTTP API.
  int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(probe, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(probe);
  const int prom_port = ntohs(addr.sin_port);

  pid_t pid = ::fork();
  if (pid == 0) {
    std::string log = (dir / "prometheus.log").string();
    FILE* f = std::freopen(log.c_str(), "w", stderr);
    (void)f;
    std::string config = "--config.file=" + (dir / "prometheus.yml").string();
    std::string storage = "--storage.tsdb.path=" + (dir / "data").string();
    std::string listen = "--web.listen-address=127.0.0.1:" + std::to_string(prom_port);
    ::execl(binary, binary, config.c_str(), storage.c_str(), listen.c_str(), nullptr);
    ::_exit(127);
  }
  ASSERT_GT(pid, 0);
  double value = -1;
  std::string last;
  for (int i = 0; i < 300 && value <= 0; ++i) {  // up to 30 s
    std::this_thread::sleep_for(100ms);
    last = HttpGet("127.0.0.1", prom_port, "/api/v1/query?query=sluice_rows_processed_total");
    auto j = nlohmann::json::parse(last, nullptr, false);
    if (j.is_discarded() || j["status"] != "success" || j["data"]["result"].empty()) continue;
    const auto& series = j["data"]["result"][0];
    EXPECT_EQ(series["metric"]["table"], "items");
    EXPECT_EQ(series["metric"]["revision"], "testrev");
    value = std::stod(series["value"][1].get<std::string>());
  }
  ::kill(pid, SIGTERM);
  ::waitpid(pid, nullptr, 0);
  std::filesystem::remove_all(dir);
  EXPECT_GT(value, 0) << "Prometheus never returned sluice_rows_processed_total; last answer: "
                      << last;
}

// The batch-size mode and the lock-wait controller's state, as exposed.
TEST(MetricsExporterTest, BatchModeAndForegroundLockWait) {
  auto exporter = MetricsExporter::Start("127.0.0.1:0");
  ASSERT_TRUE(exporter.ok()) << exporter.error().message;
  const std::string addr = (*exporter)->Address();
  const int port = std::stoi(addr.substr(addr.rfind(':') + 1));
  ProgressReporter progress;
  progress.AddSink(*exporter);
  ProgressSnapshot s;
  s.revision = "r";
  s.step = 1;
  s.table = "t";
  s.batch_size = 2500;
  s.batch_mode = "auto";
  s.foreground_lock_wait_s = 0.035;
  s.sizing_reason = "foreground lock wait 35 ms > budget 20 ms";
  progress.Snapshot(s);
  const std::string text = HttpGet("127.0.0.1", port, "/metrics");
  const std::string l = "{revision=\"r\",step=\"1\",table=\"t\"}";
  EXPECT_EQ(Samples(text, "sluice_batch_size_rows")[l], 2500) << text;
  auto mode = Samples(text, "sluice_batch_size_mode");
  EXPECT_EQ(mode["{mode=\"auto\",revision=\"r\",step=\"1\",table=\"t\"}"], 1) << text;
  EXPECT_EQ(mode["{mode=\"fixed\",revision=\"r\",step=\"1\",table=\"t\"}"], 0) << text;
  EXPECT_DOUBLE_EQ(Samples(text, "sluice_foreground_lock_wait_seconds")[l], 0.035) << text;
  EXPECT_EQ(Samples(text, "sluice_batch_size_limited")
                ["{reason=\"lock-wait\",revision=\"r\",step=\"1\",table=\"t\"}"],
            1)
      << text;
}

}  // namespace
}  // namespace sluice
