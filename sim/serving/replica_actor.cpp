#include "sim/serving/replica_actor.hpp"

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Comm.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Exec.hpp>
#include <spdlog/spdlog.h>

namespace tokenfab {
namespace {

// Bytes of a request on the wire: its prompt as 32-bit token ids.
constexpr double kBytesPerPromptToken = 4;

void delete_message(void* p) { delete static_cast<InboxMessage*>(p); }

// Keeps every GPU of the replica busy for `seconds`, so that SimGrid (and its energy plugin)
// sees the work on each host.
void run_on_gpus(const std::vector<simgrid::s4u::Host*>& hosts, double seconds) {
  if (hosts.size() == 1) {
    simgrid::s4u::this_actor::execute(seconds * hosts.front()->get_speed());
    return;
  }
  std::vector<simgrid::s4u::ExecPtr> execs;
  execs.reserve(hosts.size());
  for (auto* h : hosts)
    execs.push_back(simgrid::s4u::Exec::init()->set_flops_amount(seconds * h->get_speed())->set_host(h)->start());
  for (auto& e : execs) e->wait();
}

}  // namespace

ReplicaRuntime::ReplicaRuntime(int index_, std::vector<simgrid::s4u::Host*> hosts_, std::unique_ptr<PerfModel> perf_,
                               BatchScheduler scheduler_)
    : index(index_),
      hosts(std::move(hosts_)),
      inbox(simgrid::s4u::Mailbox::by_name("replica" + std::to_string(index_))),
      perf(std::move(perf_)),
      scheduler(std::move(scheduler_)) {}

void ReplicaActor::operator()() {
  // A permanent receiver lets arrivals land in the mailbox while the replica computes.
  rt_.inbox->set_receiver(simgrid::s4u::Actor::self());
  bool closed = false;
  auto take = [&](std::unique_ptr<InboxMessage> m) {
    if (m->request) {
      rt_.scheduler.enqueue(*m->request);
    } else {
      closed = true;
    }
  };
  spdlog::debug("replica {} serving on {} GPUs", rt_.index, rt_.hosts.size());
  while (true) {
    while (rt_.inbox->ready()) take(rt_.inbox->get_unique<InboxMessage>());
    if (rt_.scheduler.idle()) {
      if (closed) break;
      take(rt_.inbox->get_unique<InboxMessage>());
      continue;
    }
    const BatchShape& shape = rt_.scheduler.plan(simgrid::s4u::Engine::get_clock());
    if (shape.new_tokens == 0) {
      // Unreachable by construction (requests that can never fit are rejected on arrival); a
      // stuck replica would otherwise spin forever.
      spdlog::error("replica {} cannot schedule its {} waiting requests", rt_.index, rt_.scheduler.waiting());
      break;
    }
    const IterationCost cost = rt_.perf->price(shape);
    spdlog::trace("iteration: {} seqs, {} tokens, {:.3f} ms ({}-bound)", shape.sequences, shape.new_tokens,
                  cost.seconds * 1e3, bound_name(cost.bound));
    run_on_gpus(rt_.hosts, cost.seconds);
    rt_.busy_seconds += cost.seconds;
    rt_.iterations += 1;
    rt_.scheduler.complete(simgrid::s4u::Engine::get_clock());
    progress_.tick(simgrid::s4u::Engine::get_clock(), counters_.finished, counters_.arrived);
  }
  spdlog::debug("replica {} done after {} iterations", rt_.index, rt_.iterations);
}

void FrontendActor::operator()() {
  try {
    replay();
  } catch (const std::exception&) {
    counters_.input_error = std::current_exception();
    simgrid::s4u::Actor::kill_all();
  }
}

void FrontendActor::replay() {
  std::size_t next = 0;  // round-robin routing
  while (auto r = source_.next()) {
    if (r->arrival > simgrid::s4u::Engine::get_clock()) simgrid::s4u::this_actor::sleep_until(r->arrival);
    counters_.arrived += 1;
    ReplicaRuntime* target = replicas_[next];
    next = (next + 1) % replicas_.size();
    auto msg = std::make_unique<InboxMessage>(InboxMessage{*r});
    const auto bytes = static_cast<std::uint64_t>(static_cast<double>(r->input_tokens) * kBytesPerPromptToken);
    target->inbox->put_init(msg.release(), bytes)->detach(delete_message);
  }
  spdlog::debug("all {} requests sent", counters_.arrived);
  for (auto* rep : replicas_) rep->inbox->put_init(new InboxMessage{}, 0)->detach(delete_message);
}

}  // namespace tokenfab
