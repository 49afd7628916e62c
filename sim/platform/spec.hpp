// A platform YAML spec (platforms/NAME.yaml): racks of accelerators with their scale-up domains
// and CPUs, a Spectrum-X scale-out fabric, BlueField storage nodes and a frontend host. Hardware
// figures (NVLink bandwidth, NIC and switch ports, power) come from the hardware catalog; the spec
// holds only the figures the catalog lacks (latencies, CPU link bandwidth), each with its source
// in a comment. `tokenfab help platform` lists every key.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/core/schema.hpp"

namespace tokenfab {

// A name as written in the spec (catalog entry or host), with where it was written (for errors).
struct CatalogRef {
  std::string name;
  SourceLocation where;
  std::string path;  // dotted YAML path, e.g. racks[0].accelerator
  bool empty() const { return name.empty(); }
};

enum class ScaleUpKind { NvLink, LpuLink };
enum class CpuLinkKind { C2c, Pcie };
enum class FabricTopology { FatTree, RailOptimised };

struct ScaleUpConfig {
  ScaleUpKind kind = ScaleUpKind::NvLink;
  int domain = 0;               // accelerators per scale-up domain (0: the whole rack)
  double link_latency = 0;      // s, per link (a GPU-to-GPU path crosses two)
  CatalogRef switch_model;      // catalog scale-up-switch (NVLink switch tray or chip); empty: none
  int switches = 0;             // of switch_model per scale-up domain
};

// What a rack draws besides its devices: its fans and the loss of its AC -> DC power conversion.
struct RackPowerConfig {
  CatalogRef shelf;  // catalog power-shelf (its efficiency); empty: conversion not counted
  CatalogRef fan;    // catalog fan; empty: fans not counted
  int fans = 0;      // of `fan` per rack
};

struct CpuLinkConfig {
  CpuLinkKind kind = CpuLinkKind::C2c;
  double bandwidth = 0;  // B/s per direction
  double latency = 0;    // s
};

struct CpuConfig {
  CatalogRef model;              // empty: a CPU the catalog does not hold
  int per_rack = 0;
  int accelerators_per_cpu = 1;  // each accelerator hangs off exactly one CPU
  double speed = 1e12;           // FLOP/s given to the SimGrid host (nominal)
  CpuLinkConfig link;
};

struct NicConfig {
  CatalogRef model;              // catalog nic
  int accelerators_per_nic = 1;  // accelerators sharing one NIC
};

struct RackGroupConfig {
  std::string kind;              // label (hgx-h100, kyber-nvl144, groq-lpx, ...)
  int count = 1;
  CatalogRef accelerator;        // catalog gpu or lpu
  int per_rack = 0;              // accelerators per rack
  ScaleUpConfig scale_up;
  std::optional<CpuConfig> cpus;
  std::optional<NicConfig> nic;  // required when the platform has a scale-out fabric
  std::optional<RackPowerConfig> rack_power;
};

struct FabricConfig {
  FabricTopology topology = FabricTopology::FatTree;
  CatalogRef switch_model;       // catalog switch (its optics: pluggable or cpo)
  double oversubscription = 1;   // leaf downlink:uplink ports
  double switch_latency = 0;     // s per switch traversal
  double cable_latency = 0;      // s per cable
  double nic_latency = 0;        // s added by a NIC (each end)
  double transceiver_power = 0;  // W per NIC-side pluggable module (the catalog has switch optics only)
};

struct StorageConfig {
  int nodes = 0;
  CatalogRef dpu;                // catalog dpu (BlueField-4)
  CatalogRef drive;              // catalog drive
  int drives_per_node = 1;
  double speed = 1e12;           // FLOP/s of the DPU host (nominal)
};

struct FrontendConfig {
  CatalogRef host;               // an existing host that becomes the frontend (e.g. cpu0)
  CatalogRef nic;                // or: a dedicated frontend host on the fabric with this NIC
  double speed = 1e12;           // FLOP/s of a dedicated frontend host (nominal)
};

struct PlatformSpec {
  std::string file;
  std::string name;
  std::string description;
  std::vector<RackGroupConfig> racks;
  std::optional<FabricConfig> scale_out;
  std::optional<StorageConfig> storage;
  FrontendConfig frontend;
};

const Schema<PlatformSpec>& platform_spec_schema();

// Reads and validates a spec; throws ConfigError (file:line:col: path: problem).
PlatformSpec load_platform_spec(const std::string& path);
PlatformSpec parse_platform_spec(const std::string& yaml_text, const std::string& name);

// True for a path that names a platform spec rather than a SimGrid XML file.
bool is_platform_spec_path(const std::string& path);

}  // namespace tokenfab
