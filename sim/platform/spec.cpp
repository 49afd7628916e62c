#include "sim/platform/spec.hpp"

#include <filesystem>

namespace tokenfab {
namespace {

// A catalog (or host) name, remembered with its position so that a later lookup failure points
// at the spec line that named it.
template <class T>
std::function<void(const std::optional<YamlNode>&, const YamlNode&, T&)> ref_reader(std::string key,
                                                                                   CatalogRef T::*m,
                                                                                   bool required,
                                                                                   std::string expected) {
  return [key, m, required, expected](const std::optional<YamlNode>& n, const YamlNode& map, T& out) {
    out.*m = CatalogRef{};
    if (n && !n->is_null()) {
      const std::string v = n->as_string();
      if (v.empty()) n->fail("is empty", expected);
      out.*m = CatalogRef{v, n->location(), n->path()};
    } else if (required) {
      throw ConfigError(map.location(), map.path().empty() ? key : map.path() + "." + key, "missing required key",
                        expected);
    }
  };
}

// Largest platform a spec may describe (see the root rule below; measured in docs/errors.md).
constexpr long long kMaxAccelerators = 65536;
constexpr long long kMaxRacks = 1024;

[[noreturn]] void fail_at(const YamlNode& map, const std::string& key, const std::string& problem,
                          const std::string& expected) {
  const auto n = map.child(key);
  if (n) n->fail(problem, expected);
  throw ConfigError(map.location(), map.path().empty() ? key : map.path() + "." + key, problem, expected);
}

const Schema<ScaleUpConfig>& scale_up_schema() {
  static const Schema<ScaleUpConfig> s =
      Schema<ScaleUpConfig>("scale_up", "The scale-up domain (NVLink or LPU chip-to-chip). Its per-accelerator "
                                        "bandwidth is the catalog's scale_up.bandwidth, halved per direction.")
          .choice("kind", &ScaleUpConfig::kind,
                  std::vector<std::pair<std::string, ScaleUpKind>>{{"nvlink", ScaleUpKind::NvLink},
                                                                   {"lpu-link", ScaleUpKind::LpuLink}},
                  "nvlink", "nvlink (GPUs behind NVLink switches) or lpu-link (LPU chip-to-chip links).")
          .integer<int>("domain", &ScaleUpConfig::domain, 0,
                        "Accelerators per scale-up domain; 0 = the whole rack. Must divide per_rack.",
                        Check::NonNegative, 1 << 20)
          .quantity("link_latency", &ScaleUpConfig::link_latency, Dimension::Time, std::nullopt,
                    "Latency of one accelerator's link to the switch plane; a path crosses two.",
                    Check::NonNegative)
          .custom(ParamDoc("switch", "catalog name", "\"\"", false,
                           "Catalog scale-up-switch: an NVLink switch tray (nvlink5-switch-tray) or an NVSwitch chip "
                           "on a baseboard (nvswitch-gen3); leave out where chips link directly (lpu-link). Counted "
                           "in the static power."),
                  ref_reader<ScaleUpConfig>("switch", &ScaleUpConfig::switch_model, false,
                                            "a catalog scale-up-switch name (tokenfab list)"))
          .integer<int>("switches", &ScaleUpConfig::switches, 0, "Scale-up switches (of 'switch') per domain.",
                        Check::NonNegative, 1 << 16)
          .validate([](const YamlNode& n, const ScaleUpConfig& c) {
            if (!c.switch_model.empty() && c.switches == 0)
              fail_at(n, "switches", "missing: 'switch' is given", "the number of switches per scale-up domain");
            if (c.switch_model.empty() && c.switches > 0)
              fail_at(n, "switches", "given without 'switch'", "switch: <catalog scale-up-switch>");
          });
  return s;
}

const Schema<RackPowerConfig>& rack_power_schema() {
  static const Schema<RackPowerConfig> s =
      Schema<RackPowerConfig>("rack_power", "What each rack draws besides its devices: fans, and the loss of its "
                                            "AC -> DC power conversion (counted in the static power).")
          .custom(ParamDoc("shelf", "catalog name", "\"\"", false,
                           "Catalog power-shelf (orv3-hpr-power-shelf, titanium-server-psu): its efficiency "
                           "gives the conversion loss, IT load x (1/efficiency - 1)."),
                  ref_reader<RackPowerConfig>("shelf", &RackPowerConfig::shelf, false,
                                              "a catalog power-shelf name (tokenfab list)"))
          .custom(ParamDoc("fan", "catalog name", "\"\"", false, "Catalog fan (hgx-8gpu-fans, liquid-tray-fans)."),
                  ref_reader<RackPowerConfig>("fan", &RackPowerConfig::fan, false, "a catalog fan name (tokenfab list)"))
          .integer<int>("fans", &RackPowerConfig::fans, 0, "Fans (of 'fan') per rack.", Check::NonNegative, 1 << 16)
          .validate([](const YamlNode& n, const RackPowerConfig& c) {
            if (!c.fan.empty() && c.fans == 0) fail_at(n, "fans", "missing: 'fan' is given", "the number per rack");
            if (c.fan.empty() && c.fans > 0) fail_at(n, "fans", "given without 'fan'", "fan: <catalog fan>");
          });
  return s;
}

const Schema<CpuLinkConfig>& cpu_link_schema() {
  static const Schema<CpuLinkConfig> s =
      Schema<CpuLinkConfig>("link", "The link between an accelerator and its CPU (not in the catalog: give the "
                                    "source in a comment).")
          .choice("kind", &CpuLinkConfig::kind,
                  std::vector<std::pair<std::string, CpuLinkKind>>{{"c2c", CpuLinkKind::C2c},
                                                                   {"pcie", CpuLinkKind::Pcie}},
                  "c2c", "c2c (NVLink-C2C) or pcie.")
          .quantity("bandwidth", &CpuLinkConfig::bandwidth, Dimension::Bandwidth, std::nullopt,
                    "Per direction.")
          .quantity("latency", &CpuLinkConfig::latency, Dimension::Time, std::nullopt, "One way.",
                    Check::NonNegative);
  return s;
}

const Schema<CpuConfig>& cpu_schema() {
  static const Schema<CpuConfig> s =
      Schema<CpuConfig>("cpus", "Host CPUs of a rack (Grace, Vera, or a CPU outside the catalog).")
          .custom(ParamDoc("model", "catalog name", "\"\"", false,
                           "Catalog cpu (vera, grace); leave out for a CPU the catalog does not hold."),
                  ref_reader<CpuConfig>("model", &CpuConfig::model, false, "a catalog cpu name (tokenfab list)"))
          .integer<int>("per_rack", &CpuConfig::per_rack, std::nullopt, "CPUs per rack.", Check::Positive, 1 << 20)
          .integer<int>("accelerators_per_cpu", &CpuConfig::accelerators_per_cpu, 1,
                        "Accelerators attached to each CPU; per_rack x this = accelerators per rack.",
                        Check::Positive, 1 << 20)
          .quantity("speed", &CpuConfig::speed, Dimension::FlopRate, "1TFLOPS",
                    "FLOP/s of the SimGrid host (nominal: CPU work is timed, not counted in FLOP).")
          .section("link", &CpuConfig::link, cpu_link_schema(), "Accelerator-CPU link.");
  return s;
}

const Schema<NicConfig>& nic_schema() {
  static const Schema<NicConfig> s =
      Schema<NicConfig>("nic", "Scale-out NICs of the rack's accelerators.")
          .custom(ParamDoc("model", "catalog name", "", true, "Catalog nic (connectx-8, connectx-9)."),
                  ref_reader<NicConfig>("model", &NicConfig::model, true, "a catalog nic name (tokenfab list)"))
          .integer<int>("accelerators_per_nic", &NicConfig::accelerators_per_nic, 1,
                        "Accelerators sharing one NIC (1 = a NIC per accelerator).", Check::Positive, 1 << 20);
  return s;
}

const Schema<RackGroupConfig>& rack_schema() {
  static const Schema<RackGroupConfig> s =
      Schema<RackGroupConfig>("racks", "A group of identical racks.")
          .text("kind", &RackGroupConfig::kind, std::nullopt, "Label of the rack design (kyber-nvl144, groq-lpx).")
          .integer<int>("count", &RackGroupConfig::count, 1, "Racks of this kind.", Check::Positive, 1 << 16)
          .custom(ParamDoc("accelerator", "catalog name", "", true, "Catalog gpu or lpu."),
                  ref_reader<RackGroupConfig>("accelerator", &RackGroupConfig::accelerator, true,
                                              "a catalog gpu or lpu name (tokenfab list)"))
          .integer<int>("per_rack", &RackGroupConfig::per_rack, std::nullopt, "Accelerators per rack.",
                        Check::Positive, 1 << 20)
          .section("scale_up", &RackGroupConfig::scale_up, scale_up_schema(), "Scale-up domain.")
          .optional_section("cpus", &RackGroupConfig::cpus, cpu_schema(), "Host CPUs.")
          .optional_section("nic", &RackGroupConfig::nic, nic_schema(), "Scale-out NICs.")
          .optional_section("rack_power", &RackGroupConfig::rack_power, rack_power_schema(),
                            "Fans and power conversion of each rack.")
          .validate([](const YamlNode& n, const RackGroupConfig& r) {
            const int domain = r.scale_up.domain == 0 ? r.per_rack : r.scale_up.domain;
            if (r.per_rack % domain != 0) {
              const auto su = n.child("scale_up");
              fail_at(su ? *su : n, "domain", fmt::format("{} does not divide per_rack {}", domain, r.per_rack),
                      "a divisor of per_rack");
            }
            if (r.cpus) {
              const auto cn = *n.child("cpus");
              if (static_cast<long long>(r.cpus->per_rack) * r.cpus->accelerators_per_cpu != r.per_rack)
                fail_at(cn, "accelerators_per_cpu",
                        fmt::format("{} CPUs x {} accelerators per CPU != {} accelerators per rack", r.cpus->per_rack,
                                    r.cpus->accelerators_per_cpu, r.per_rack),
                        "per_rack x accelerators_per_cpu = the rack's accelerators");
              if (domain % r.cpus->accelerators_per_cpu != 0)
                fail_at(cn, "accelerators_per_cpu",
                        fmt::format("a CPU's {} accelerators would straddle scale-up domains of {}",
                                    r.cpus->accelerators_per_cpu, domain),
                        "a divisor of the scale-up domain size");
            }
            if (r.nic && domain % r.nic->accelerators_per_nic != 0)
              fail_at(*n.child("nic"), "accelerators_per_nic",
                      fmt::format("a NIC's {} accelerators would straddle scale-up domains of {}",
                                  r.nic->accelerators_per_nic, domain),
                      "a divisor of the scale-up domain size");
          });
  return s;
}

const Schema<FabricConfig>& fabric_schema() {
  static const Schema<FabricConfig> s =
      Schema<FabricConfig>("scale_out", "Spectrum-X leaf-spine fabric (two tiers, or three when the leaves "
                                        "outnumber a switch's ports). Ports and optics come from the catalog switch.")
          .choice("topology", &FabricConfig::topology,
                  std::vector<std::pair<std::string, FabricTopology>>{{"fat-tree", FabricTopology::FatTree},
                                                                      {"rail-optimised", FabricTopology::RailOptimised}},
                  "fat-tree",
                  "fat-tree: consecutive NICs of a domain share a leaf; rail-optimised: NICs are striped over "
                  "the domain's leaves (NIC i on rail i mod leaves).")
          .custom(ParamDoc("switch", "catalog name", "", true,
                           "Catalog switch for every tier (spectrum-x-sn5600, spectrum-x-photonics-cpo)."),
                  ref_reader<FabricConfig>("switch", &FabricConfig::switch_model, true,
                                           "a catalog switch name (tokenfab list)"))
          .number("oversubscription", &FabricConfig::oversubscription, 1.0,
                  "Leaf downlink:uplink port ratio (1 = non-blocking).", Check::Positive)
          .quantity("switch_latency", &FabricConfig::switch_latency, Dimension::Time, std::nullopt,
                    "Port-to-port latency of one switch.", Check::NonNegative)
          .quantity("cable_latency", &FabricConfig::cable_latency, Dimension::Time, std::nullopt,
                    "Propagation delay of one cable.", Check::NonNegative)
          .quantity("nic_latency", &FabricConfig::nic_latency, Dimension::Time, std::nullopt,
                    "Latency a NIC adds at each end.", Check::NonNegative)
          .quantity("transceiver_power", &FabricConfig::transceiver_power, Dimension::Power, std::nullopt,
                    "Power of one NIC-side pluggable transceiver.", Check::NonNegative)
          .validate([](const YamlNode& n, const FabricConfig& f) {
            if (f.oversubscription < 1) fail_at(n, "oversubscription", "is below 1", "a ratio >= 1");
          });
  return s;
}

const Schema<StorageConfig>& storage_schema() {
  static const Schema<StorageConfig> s =
      Schema<StorageConfig>("storage", "BlueField storage nodes on the scale-out fabric: SimGrid hosts with disks.")
          .integer<int>("nodes", &StorageConfig::nodes, std::nullopt, "Storage nodes.", Check::Positive, 1 << 16)
          .custom(ParamDoc("dpu", "catalog name", "", true, "Catalog dpu of each node (bluefield-4)."),
                  ref_reader<StorageConfig>("dpu", &StorageConfig::dpu, true, "a catalog dpu name (tokenfab list)"))
          .custom(ParamDoc("drive", "catalog name", "", true, "Catalog drive (nvme-gen5-15tb)."),
                  ref_reader<StorageConfig>("drive", &StorageConfig::drive, true,
                                            "a catalog drive name (tokenfab list)"))
          .integer<int>("drives_per_node", &StorageConfig::drives_per_node, 1, "Drives in each node.",
                        Check::Positive, 1 << 12)
          .quantity("speed", &StorageConfig::speed, Dimension::FlopRate, "1TFLOPS",
                    "FLOP/s of the node's SimGrid host (nominal).");
  return s;
}

const Schema<FrontendConfig>& frontend_schema() {
  static const Schema<FrontendConfig> s =
      Schema<FrontendConfig>("frontend", "The host that runs the request frontend: an existing CPU (host) or a "
                                         "dedicated host on the fabric (nic). Give exactly one.")
          .custom(ParamDoc("host", "host name", "\"\"", false, "An existing CPU host, e.g. cpu0."),
                  ref_reader<FrontendConfig>("host", &FrontendConfig::host, false, "a host name"))
          .custom(ParamDoc("nic", "catalog name", "\"\"", false,
                           "NIC of a dedicated frontend host attached to the scale-out fabric."),
                  ref_reader<FrontendConfig>("nic", &FrontendConfig::nic, false, "a catalog nic name (tokenfab list)"))
          .quantity("speed", &FrontendConfig::speed, Dimension::FlopRate, "1TFLOPS",
                    "FLOP/s of a dedicated frontend host (nominal).")
          .validate([](const YamlNode& n, const FrontendConfig& f) {
            if (f.host.empty() == f.nic.empty())
              throw ConfigError(n.location(), n.path(), "give exactly one of 'host' and 'nic'",
                                "host: cpu0, or nic: <catalog nic>");
          });
  return s;
}

}  // namespace

const Schema<PlatformSpec>& platform_spec_schema() {
  static const Schema<PlatformSpec> s =
      Schema<PlatformSpec>("platform", "A platform spec: `tokenfab platform emit SPEC -o FILE.xml` turns it into "
                                       "a SimGrid platform; a scenario's platform: may name it directly.")
          .text("name", &PlatformSpec::name, std::nullopt, "Platform name (root zone id).")
          .text("description", &PlatformSpec::description, "", "Free text, copied into the XML header.")
          .list("racks", &PlatformSpec::racks, rack_schema(), "Rack groups, in host order.", true)
          .optional_section("scale_out", &PlatformSpec::scale_out, fabric_schema(), "Scale-out fabric.")
          .optional_section("storage", &PlatformSpec::storage, storage_schema(), "Storage nodes.")
          .section("frontend", &PlatformSpec::frontend, frontend_schema(), "Frontend host.")
          .validate([](const YamlNode& n, const PlatformSpec& p) {
            if (p.racks.empty()) fail_at(n, "racks", "is empty", "at least one rack group");
            long long racks = 0, accelerators = 0;
            for (const auto& r : p.racks) {
              racks += r.count;
              accelerators += static_cast<long long>(r.count) * r.per_rack;
            }
            // A platform is one pod simulated in full (a factory is many pods, scaled per MW), and
            // its size bounds the layout's memory and time: 10^9 GPUs would need hundreds of GB.
            const char* scale = "simulate one pod; a scenario's economics.power_budget scales it";
            if (accelerators > kMaxAccelerators)
              fail_at(n, "racks", fmt::format("{} accelerators in all is more than one pod", accelerators),
                      fmt::format("at most {} accelerators: {}", kMaxAccelerators, scale));
            if (racks > kMaxRacks)
              fail_at(n, "racks", fmt::format("{} racks is more than one pod", racks),
                      fmt::format("at most {} racks: {}", kMaxRacks, scale));
            if (p.storage && static_cast<long long>(p.storage->nodes) * p.storage->drives_per_node > kMaxAccelerators)
              fail_at(*n.child("storage"), "drives_per_node",
                      fmt::format("{} nodes x {} drives is more than one pod", p.storage->nodes,
                                  p.storage->drives_per_node),
                      fmt::format("at most {} drives in all: {}", kMaxAccelerators, scale));
            if (!p.scale_out) {
              if (racks > 1)
                fail_at(n, "racks", fmt::format("{} racks need a scale_out fabric to reach each other", racks),
                        "a scale_out section, or one rack");
              if (p.storage) fail_at(n, "storage", "storage nodes need a scale_out fabric", "a scale_out section");
              if (!p.frontend.nic.empty())
                fail_at(*n.child("frontend"), "nic", "a dedicated frontend needs a scale_out fabric",
                        "frontend: {host: <a CPU host>}");
            } else {
              const auto list = n.child("racks")->elements();
              for (std::size_t i = 0; i < p.racks.size(); ++i)
                if (!p.racks[i].nic)
                  fail_at(list[i], "nic", "missing: the platform has a scale_out fabric",
                          "nic: {model: <catalog nic>}");
            }
          });
  return s;
}

PlatformSpec parse_platform_spec(const std::string& yaml_text, const std::string& name) {
  const YamlNode doc = YamlNode::load_string(yaml_text, name);
  if (!doc.is_map()) doc.fail(fmt::format("the file holds {}", doc.kind_noun()), "a map of platform sections");
  PlatformSpec spec = platform_spec_schema().read(doc);
  spec.file = name;
  return spec;
}

PlatformSpec load_platform_spec(const std::string& path) {
  const YamlNode doc = YamlNode::load_file(path);
  if (!doc.is_map()) doc.fail(fmt::format("the file holds {}", doc.kind_noun()), "a map of platform sections");
  PlatformSpec spec = platform_spec_schema().read(doc);
  spec.file = path;
  return spec;
}

bool is_platform_spec_path(const std::string& path) {
  const auto ext = std::filesystem::path(path).extension().string();
  return ext == ".yaml" || ext == ".yml";
}

}  // namespace tokenfab
