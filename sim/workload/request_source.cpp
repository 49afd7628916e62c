#include "sim/workload/request_source.hpp"

#include "sim/workload/sessions.hpp"
#include "sim/workload/synthetic.hpp"
#include "sim/workload/trace_source.hpp"

namespace tokenfab {
namespace {

// Applies the workload's request-count and duration limits to any source.
class LimitedSource : public RequestSource {
 public:
  LimitedSource(std::unique_ptr<RequestSource> inner, std::int64_t max_requests, std::optional<double> duration,
                std::string file)
      : inner_(std::move(inner)), max_requests_(max_requests), duration_(duration), file_(std::move(file)) {}
  std::optional<Request> next() override {
    if (max_requests_ > 0 && count_ >= max_requests_) return std::nullopt;
    auto r = inner_->next();
    if (!r || (duration_ && r->arrival > *duration_)) return std::nullopt;
    if (!(r->arrival <= kArrivalHorizon))
      throw ConfigError({file_, 0, 0}, "workload",
                        fmt::format("request {} arrives at {:g} s, past the simulator's horizon of {:g} s (about 317 "
                                    "years; later, double-precision time cannot resolve iterations)",
                                    count_, r->arrival, kArrivalHorizon),
                        "a higher arrival rate, a duration, or trace times in their unit (columns.time_unit, "
                        "time_scale)");
    ++count_;
    return r;
  }
  WorkloadCounters counters() const override {
    WorkloadCounters c = inner_->counters();
    // A request drawn past the duration limit was read but not handed on.
    c.emitted = static_cast<std::uint64_t>(count_);
    return c;
  }

 private:
  std::unique_ptr<RequestSource> inner_;
  std::int64_t max_requests_;
  std::optional<double> duration_;
  std::string file_;  // the scenario, for errors
  std::int64_t count_ = 0;
};

}  // namespace

std::unique_ptr<RequestSource> make_request_source(const Scenario& sc, std::int64_t max_context) {
  std::unique_ptr<RequestSource> inner;
  if (sc.workload.synthetic) {
    inner = std::make_unique<SyntheticSource>(*sc.workload.synthetic, sc.seed, max_context, sc.tiers,
                                              sc.workload.tier_mix);
  } else if (sc.workload.sessions) {
    inner = std::make_unique<SessionStartSource>(SessionPlan(*sc.workload.sessions, sc.seed, max_context), sc.seed,
                                                 sc.tiers, sc.workload.tier_mix);
  } else {
    inner = std::make_unique<TraceSource>(*sc.workload.trace, sc.seed, sc.tiers, sc.workload.tier_mix);
  }
  return std::make_unique<LimitedSource>(std::move(inner), sc.workload.requests, sc.workload.duration, sc.file);
}

}  // namespace tokenfab
