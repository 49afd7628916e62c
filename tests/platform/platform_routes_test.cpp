// Routes of the shipped platforms as SimGrid computes them: inside a scale-up domain only the two
// GPUs' scale-up links; between domains the GPU's own NIC, its leaf's uplink, the spine (and in
// three tiers the blocks' uplinks and the core), the other leaf's uplink and the other GPU's NIC;
// storage through the storage node's NIC. Every loaded figure equals the generated one exactly.
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Link.hpp>

#include "models/catalog.hpp"
#include "sim/platform/inventory.hpp"
#include "sim/platform/layout.hpp"
#include "sim/platform/loader.hpp"
#include "sim/platform/platform.hpp"
#include "sim/platform/spec.hpp"
#include "tests/support/test_support.hpp"

namespace tokenfab {
namespace {

using simgrid::s4u::Host;

struct Loaded {
  std::unique_ptr<simgrid::s4u::Engine> engine;
  PlatformLayout layout;
};

Loaded load(const std::string& name) {
  const Catalog catalog;
  Loaded l;
  l.layout = build_layout(load_platform_spec(test::source_path("platforms/" + name + ".yaml")), catalog);
  l.engine = make_quiet_engine();
  load_platform_file(*l.engine, test::source_path("platforms/" + name + ".xml"), catalog);
  return l;
}

std::string kind_of(const simgrid::s4u::Engine& e, const simgrid::s4u::Link* l) {
  std::string name = l->get_name();
  for (const std::string suffix : {"_UP", "_DOWN"})
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      name = name.substr(0, name.size() - suffix.size());
  const simgrid::s4u::Link* holder = e.link_by_name_or_null(name);
  if (!holder) holder = e.split_duplex_link_by_name(name);
  const char* k = holder->get_property("tokenfab:kind");
  return k ? k : "";
}

std::vector<simgrid::s4u::Link*> route(const Host* a, const Host* b) {
  std::vector<simgrid::s4u::Link*> links;
  double latency = 0;
  a->route_to(b, links, &latency);
  return links;
}

std::multiset<std::string> names(const std::vector<simgrid::s4u::Link*>& links) {
  std::multiset<std::string> out;
  for (const auto* l : links) out.insert(l->get_name());
  return out;
}

// Pairs of GPUs of each of the first `domains` domains (the first 16 GPUs to every GPU of the
// domain): exactly their two scale-up links.
void expect_scale_up_inside_domains(const Loaded& p, std::size_t domains, const std::string& prefix) {
  const PlatformView view = inspect_platform(*p.engine, "x");
  std::map<std::string, std::vector<Host*>> by_domain;
  for (const auto& g : view.gpus) by_domain[g.domain].push_back(g.host);
  std::size_t seen = 0;
  for (const auto& [d, hosts] : by_domain) {
    if (seen++ == domains) break;
    for (std::size_t i = 0; i < hosts.size() && i < 16; ++i)
      for (const auto* b : hosts) {
        const auto* a = hosts[i];
        if (a == b) continue;
        const auto links = route(a, b);
        ASSERT_EQ(names(links), (std::multiset<std::string>{prefix + a->get_name() + "_UP",
                                                            prefix + b->get_name() + "_DOWN"}))
            << a->get_name() << " -> " << b->get_name();
      }
  }
}

// Link kinds on the route between two GPUs of different racks, as a multiset.
std::multiset<std::string> kinds(const Loaded& p, const std::string& a, const std::string& b) {
  std::multiset<std::string> out;
  for (const auto* l : route(Host::by_name(a), Host::by_name(b))) out.insert(kind_of(*p.engine, l));
  return out;
}

// Loaded bandwidths and latencies equal the generated ones (no rounding through the XML).
void expect_exact_figures(const Loaded& p) {
  std::vector<const LayoutZone*> todo{&p.layout.root};
  int checked = 0;
  while (!todo.empty()) {
    const auto* z = todo.back();
    todo.pop_back();
    for (const auto& c : z->zones) todo.push_back(&c);
    for (const auto& l : z->links) {
      const simgrid::s4u::Link* link = p.engine->link_by_name_or_null(
          l.sharing == LinkSharing::SplitDuplex ? l.id + "_UP" : l.id);
      ASSERT_NE(link, nullptr) << l.id;
      EXPECT_EQ(link->get_bandwidth(), l.bandwidth) << l.id;
      EXPECT_EQ(link->get_latency(), l.latency) << l.id;
      ++checked;
    }
    for (const auto& h : z->hosts) EXPECT_EQ(Host::by_name(h.id)->get_speed(), h.speed) << h.id;
  }
  EXPECT_GT(checked, 0);
}

TEST(PlatformRoutes, HgxH100KeepsTheQuickstartFigures) {
  const auto p = load("hgx-h100");
  const PlatformView view = inspect_platform(*p.engine, "hgx-h100.xml");
  ASSERT_EQ(view.gpus.size(), 8u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(view.gpus[i].host->get_name(), "gpu" + std::to_string(i));
  ASSERT_NE(view.frontend, nullptr);
  EXPECT_EQ(view.frontend->get_name(), "cpu0");
  // The quickstart's golden summary depends on these two numbers.
  const PathInfo path = path_between(view.gpus[0].host, view.gpus[1].host);
  EXPECT_EQ(path.bandwidth, 450e9);
  EXPECT_EQ(path.latency, 0.25e-6 + 0.25e-6);
  EXPECT_EQ(path.links, 2);
  expect_scale_up_inside_domains(p, 1, "nvl_");
  EXPECT_EQ(names(route(Host::by_name("cpu0"), Host::by_name("gpu3"))), std::multiset<std::string>{"pcie_gpu3_DOWN"});
  expect_exact_figures(p);
}

TEST(PlatformRoutes, Gb200Nvl72) {
  const auto p = load("gb200-nvl72");
  expect_scale_up_inside_domains(p, 1, "nvl_");
  EXPECT_EQ(names(route(Host::by_name("cpu5"), Host::by_name("gpu11"))), std::multiset<std::string>{"c2c_gpu11_DOWN"});
  expect_exact_figures(p);
}

TEST(PlatformRoutes, GroqLpxUsesChipToChipLinksAndSharedTrayNics) {
  const auto p = load("groq-lpx");
  expect_scale_up_inside_domains(p, 1, "lpl_");
  // LPU 9 shares its tray's NIC (8 LPUs per NIC) on the way to the frontend.
  std::multiset<std::string> k;
  for (const auto* l : route(Host::by_name("lpu9"), Host::by_name("frontend"))) k.insert(l->get_name());
  EXPECT_EQ(k.count("nic1_UP"), 1u);
  expect_exact_figures(p);
}

// The link of `kind` on the route from host a to host b (nullptr when none).
const simgrid::s4u::Link* link_of_kind(const Loaded& p, const char* a, const char* b, const std::string& kind) {
  for (const auto* l : route(Host::by_name(a), Host::by_name(b)))
    if (kind_of(*p.engine, l) == kind) return l;
  return nullptr;
}

// A FATPIPE tier is one link per pair of zones (one link in every zone route would put every flow
// between zones in one SimGrid sharing constraint); the tier's switches still count once: the
// fabric's switches are its leaves and its spines (and core switches).
void expect_tier_per_pair_counted_once(const Loaded& p, const char* a, const char* b, const char* c,
                                       const std::string& kind) {
  const auto* ab = link_of_kind(p, a, b, kind);
  const auto* cb = link_of_kind(p, c, b, kind);
  ASSERT_NE(ab, nullptr);
  ASSERT_NE(cb, nullptr);
  EXPECT_NE(ab, cb) << "zone pairs share the " << kind << " link " << ab->get_name();
  EXPECT_EQ(ab->get_sharing_policy(), simgrid::s4u::Link::SharingPolicy::FATPIPE);
  EXPECT_EQ(cb->get_bandwidth(), ab->get_bandwidth());
  const PlatformInventory inv = read_inventory(*p.engine);
  const FabricSummary& f = p.layout.fabric;
  EXPECT_EQ(inv.switches.at(f.switch_model).switches, f.leaves + f.spines + f.super_spines);
}

TEST(PlatformRoutes, VrPodTwoTiers) {
  const auto p = load("vr-nvl144-pod8-pluggable");
  ASSERT_EQ(p.layout.fabric.tiers, 2);
  expect_scale_up_inside_domains(p, 2, "nvl_");
  EXPECT_EQ(kinds(p, "rack0-gpu5", "rack3-gpu70"),
            (std::multiset<std::string>{"nic", "leaf-uplink", "spine", "leaf-uplink", "nic"}));
  const auto links = names(route(Host::by_name("rack0-gpu5"), Host::by_name("rack3-gpu70")));
  EXPECT_EQ(links.count("nic_rack0-gpu5_UP"), 1u);
  EXPECT_EQ(links.count("nic_rack3-gpu70_DOWN"), 1u);
  // Storage traffic goes through the storage node's own NIC.
  const auto st = names(route(Host::by_name("rack2-gpu0"), Host::by_name("storage7")));
  EXPECT_EQ(st.count("nic_storage7_DOWN"), 1u);
  EXPECT_EQ(st.count("nic_rack2-gpu0_UP"), 1u);
  EXPECT_EQ(Host::by_name("storage7")->get_disks().size(), 8u);
  expect_tier_per_pair_counted_once(p, "rack0-gpu5", "rack3-gpu70", "rack1-gpu5", "spine");
  expect_exact_figures(p);
}

TEST(PlatformRoutes, KyberPodPluggableThreeTiers) {
  const auto p = load("kyber-nvl144-pod8-pluggable");
  ASSERT_EQ(p.layout.fabric.tiers, 3);
  expect_scale_up_inside_domains(p, 1, "nvl_");
  // Racks 0-2 share a block of spines; rack 7 is in another block, reached through the core.
  EXPECT_EQ(kinds(p, "rack0-gpu1", "rack2-gpu1"),
            (std::multiset<std::string>{"nic", "leaf-uplink", "spine", "leaf-uplink", "nic"}));
  EXPECT_EQ(kinds(p, "rack0-gpu1", "rack7-gpu9"),
            (std::multiset<std::string>{"nic", "leaf-uplink", "block-uplink", "core", "block-uplink", "leaf-uplink", "nic"}));
  expect_tier_per_pair_counted_once(p, "rack0-gpu1", "rack7-gpu9", "rack1-gpu1", "core");
  expect_exact_figures(p);
}

TEST(PlatformRoutes, KyberPodCpoLoadsAllGpus) {
  const auto p = load("kyber-nvl144-pod8-cpo");
  const PlatformView view = inspect_platform(*p.engine, "x");
  EXPECT_EQ(view.gpus.size(), 1152u);
  ASSERT_NE(view.frontend, nullptr);
  EXPECT_EQ(view.frontend->get_name(), "frontend");
  expect_scale_up_inside_domains(p, 1, "nvl_");
  expect_exact_figures(p);
}

}  // namespace
}  // namespace tokenfab
