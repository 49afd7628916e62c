#include "sim/engine/log.hpp"

#include <memory>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace tokenfab {
namespace {

// Renders "12.345678 replica0@gpu0" (or just the time outside any actor).
class SimContextFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    if (!simgrid::s4u::Engine::is_initialized()) {
      dest.push_back('-');
      return;
    }
    fmt::format_to(std::back_inserter(dest), "{:.6f}", simgrid::s4u::Engine::get_clock());
    // Outside any actor, self() is SimGrid's maestro, which has no host.
    const auto* self = simgrid::s4u::Actor::self();
    if (self != nullptr && self->get_host() != nullptr)
      fmt::format_to(std::back_inserter(dest), " {}@{}", self->get_name(), self->get_host()->get_name());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<SimContextFlag>(); }
};

}  // namespace

void setup_logging(int verbosity) {
  auto logger = spdlog::stderr_color_mt("tokenfab");
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<SimContextFlag>('*').set_pattern("[%*] %^%l%$: %v");
  logger->set_formatter(std::move(formatter));
  switch (verbosity) {
    case -1: logger->set_level(spdlog::level::err); break;
    case 0: logger->set_level(spdlog::level::info); break;
    case 1: logger->set_level(spdlog::level::debug); break;
    default: logger->set_level(spdlog::level::trace); break;
  }
  spdlog::set_default_logger(logger);
}

}  // namespace tokenfab
