// Real SimGrid communications on a generated platform: transfers that share a link share its
// bandwidth, transfers on disjoint paths do not slow each other, and NVLink is split-duplex.
// Each TEST runs its own SimGrid engine (ctest runs each TEST in its own process).
#include <gtest/gtest.h>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Mailbox.hpp>

#include "models/catalog.hpp"
#include "sim/platform/loader.hpp"
#include "tests/platform/platform_fixtures.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

using test::TestHardware;

constexpr double kBytes = 10e9;   // large enough that latency is a small part of each transfer
constexpr double kGap = 1000;     // seconds between phases, far longer than any transfer

struct Transfer {
  std::string from, to;
  double duration = 0;
};
using Phase = std::vector<Transfer>;

// One SimGrid engine per process: the phases run one after another (phase p starts at p x kGap),
// the transfers of a phase concurrently. `exact` selects SimGrid's CM02 model without TCP window
// or cross-traffic effects, where a lone transfer takes exactly latency + bytes / bottleneck
// bandwidth; otherwise SimGrid's defaults, as a simulation run uses them. `latency_out` gets the
// route latency of the first transfer.
std::vector<Phase> run(std::vector<Phase> phases, bool exact, double* latency_out = nullptr) {
  const std::string dir = test::temp_dir("net");
  const Catalog catalog(test::write_test_catalog(dir));
  // 8-port leaves at 7:1: 7 NICs down, 1 uplink of one port, so an uplink carries one NIC's worth.
  const std::string spec = test::write_file(dir + "/p.yaml", test::small_fabric_spec(4, 7));
  std::vector<std::string> args{"test", "--log=root.thresh:critical"};
  if (exact) {
    args.push_back("--cfg=network/model:CM02");
    args.push_back("--cfg=network/crosstraffic:0");
    args.push_back("--cfg=network/TCP-gamma:0");
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  simgrid::s4u::Engine engine(&argc, argv.data());
  load_platform_file(engine, spec, catalog);
  if (latency_out) {
    std::vector<simgrid::s4u::Link*> links;
    *latency_out = 0;
    simgrid::s4u::Host::by_name(phases[0][0].from)
        ->route_to(simgrid::s4u::Host::by_name(phases[0][0].to), links, latency_out);
  }
  int n = 0;
  for (std::size_t p = 0; p < phases.size(); ++p) {
    const double start = static_cast<double>(p) * kGap;
    for (auto& t : phases[p]) {
      auto* box = simgrid::s4u::Mailbox::by_name("t" + std::to_string(n++));
      simgrid::s4u::Actor::create("send", simgrid::s4u::Host::by_name(t.from), [box, start]() {
        simgrid::s4u::this_actor::sleep_until(start);
        box->put(new int(0), static_cast<std::uint64_t>(kBytes));
      });
      simgrid::s4u::Actor::create("recv", simgrid::s4u::Host::by_name(t.to), [box, start, &t]() {
        delete box->get<int>();
        t.duration = simgrid::s4u::Engine::get_clock() - start;
      });
    }
  }
  engine.run();
  return phases;
}

TEST(Contention, LoneCrossRackTransferTakesLatencyPlusBytesOverBottleneck) {
  double latency = 0;
  const auto r = run({{{"rack0-gpu0", "rack1-gpu0"}}}, true, &latency);
  // NIC and leaf uplink are both one 400G port.
  EXPECT_NEAR(r[0][0].duration, latency + kBytes / TestHardware::nic_port, 1e-9);
}

TEST(Contention, TwoTransfersSharingAnUplinkTakeTwiceAsLong) {
  // gpu0 and gpu1 of rack 0 share leaf 0 and its single uplink.
  const auto r = run({{{"rack0-gpu0", "rack1-gpu0"}}, {{"rack0-gpu0", "rack1-gpu0"}, {"rack0-gpu1", "rack2-gpu0"}}},
                     true);
  const double alone = r[0][0].duration;
  EXPECT_NEAR(r[1][0].duration / alone, 2.0, 0.01);
  EXPECT_NEAR(r[1][1].duration / alone, 2.0, 0.01);
}

TEST(Contention, DisjointPathsDoNotSlowEachOther) {
  // Different source leaves and different destination leaves.
  const auto r = run({{{"rack0-gpu0", "rack1-gpu0"}}, {{"rack0-gpu0", "rack1-gpu0"}, {"rack2-gpu0", "rack3-gpu0"}}},
                     true);
  EXPECT_NEAR(r[1][0].duration, r[0][0].duration, 1e-9);
  EXPECT_NEAR(r[1][1].duration, r[0][0].duration, 1e-9);
}

TEST(Contention, SharingHoldsUnderSimGridDefaults) {
  const auto r = run({{{"rack0-gpu0", "rack1-gpu0"}},
                      {{"rack0-gpu0", "rack1-gpu0"}, {"rack0-gpu1", "rack2-gpu0"}},
                      {{"rack0-gpu0", "rack1-gpu0"}, {"rack2-gpu0", "rack3-gpu0"}}},
                     false);
  const double alone = r[0][0].duration;
  EXPECT_NEAR(r[1][0].duration / alone, 2.0, 0.05);
  EXPECT_NEAR(r[2][0].duration / alone, 1.0, 0.01);
}

TEST(Contention, NvlinkIsSplitDuplex) {
  const auto r = run({{{"rack0-gpu0", "rack0-gpu1"}},
                      {{"rack0-gpu0", "rack0-gpu1"}, {"rack0-gpu1", "rack0-gpu0"}},
                      {{"rack0-gpu0", "rack0-gpu1"}, {"rack0-gpu2", "rack0-gpu1"}}},
                     true);
  const double alone = r[0][0].duration;
  EXPECT_NEAR(alone, 2 * 0.25e-6 + kBytes / (TestHardware::gpu_scale_up / 2), 1e-9);
  // Opposite directions over the same two links: no slowdown.
  EXPECT_NEAR(r[1][0].duration, alone, 1e-9);
  EXPECT_NEAR(r[1][1].duration, alone, 1e-9);
  // Two senders into one GPU share its incoming direction.
  EXPECT_NEAR(r[2][0].duration / alone, 2.0, 0.01);
}

}  // namespace
}  // namespace tokenfab
