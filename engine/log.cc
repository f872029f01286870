#include "engine/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <mutex>

#include "engine/db/dsn.h"

namespace sluice {
namespace {

// %* : the message, redacted and escaped as a JSON string body, so that JSON
// log lines stay valid whatever the message holds.
class JsonMessageFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm& /*tm*/,
              spdlog::memory_buf_t& dest) override {
    std::string text = RedactSecrets(std::string_view(msg.payload.data(), msg.payload.size()));
    for (unsigned char c : text) {
      switch (c) {
        case '"':
          dest.append(std::string_view("\\\""));
          break;
        case '\\':
          dest.append(std::string_view("\\\\"));
          break;
        case '\n':
          dest.append(std::string_view("\\n"));
          break;
        case '\t':
          dest.append(std::string_view("\\t"));
          break;
        case '\r':
          dest.append(std::string_view("\\r"));
          break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof(buf), "\\u%04x", c);
            dest.append(std::string_view(buf));
          } else {
            dest.push_back(static_cast<char>(c));
          }
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

std::mutex g_guard_mu;  // held while a log line is written
LogLineGuard* g_guard = nullptr;

// stderr with colours, bracketed by the LogLineGuard.
class GuardedStderrSink final : public spdlog::sinks::sink {
 public:
  void log(const spdlog::details::log_msg& msg) override {
    std::lock_guard<std::mutex> lock(g_guard_mu);
    if (g_guard) g_guard->BeforeLogLine();
    inner_.log(msg);
    inner_.flush();
    if (g_guard) g_guard->AfterLogLine();
  }
  void flush() override { inner_.flush(); }
  void set_pattern(const std::string& pattern) override { inner_.set_pattern(pattern); }
  void set_formatter(std::unique_ptr<spdlog::formatter> f) override {
    inner_.set_formatter(std::move(f));
  }

 private:
  spdlog::sinks::stderr_color_sink_mt inner_;
};

}  // namespace

void SetLogLineGuard(LogLineGuard* guard) {
  std::lock_guard<std::mutex> lock(g_guard_mu);
  g_guard = guard;
}

bool SetUpLogging(const LogOptions& opts) {
  auto level = spdlog::level::from_str(opts.level);
  if (level == spdlog::level::off && opts.level != "off") return false;
  auto logger = spdlog::get("sluice");
  if (!logger) {
    logger = std::make_shared<spdlog::logger>("sluice", std::make_shared<GuardedStderrSink>());
    spdlog::register_logger(logger);
  }
  spdlog::set_default_logger(logger);
  spdlog::set_level(level);
  if (opts.json) {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<JsonMessageFlag>('*').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","msg":"%*"})");
    spdlog::set_formatter(std::move(formatter));
  } else {
    spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  }
  return true;
}

}  // namespace sluice
