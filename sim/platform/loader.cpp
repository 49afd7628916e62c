#include "sim/platform/loader.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include <simgrid/s4u/Host.hpp>

#include "sim/platform/layout.hpp"
#include "sim/platform/spec.hpp"
#include "sim/platform/xml_writer.hpp"
#include "sim/topology/analysis.hpp"
#include "sim/topology/graph.hpp"
#include "sim/topology/route_recorder.hpp"

namespace tokenfab {
namespace {

// A temporary file removed when it goes out of scope.
class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    std::string pattern = (std::filesystem::temp_directory_path() / "tokenfab-platform-XXXXXX").string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    const int fd = mkstemp(buf.data());
    if (fd < 0) throw std::runtime_error("cannot create a temporary file for the platform");
    path_ = buf.data();
    const auto written = ::write(fd, text.data(), text.size());
    ::close(fd);
    if (written != static_cast<ssize_t>(text.size())) throw std::runtime_error("cannot write " + path_);
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// SimGrid's host energy plugin reads a host's watts when the platform is sealed, and the loader
// seals it (routes are asked for before the run starts): accelerators and CPUs whose platform file
// gives no watts get their catalog idle and maximum power first, as the run would give them.
void give_catalog_watts(simgrid::s4u::Engine& engine, const Catalog& catalog) {
  std::map<std::string, std::optional<PowerSpec>> power;
  for (auto* h : engine.get_all_hosts()) {
    const char* role = h->get_property("tokenfab:role");
    const char* device = h->get_property("tokenfab:device");
    const bool powered = role && (std::string(role) == "gpu" || std::string(role) == "cpu" || std::string(role) == "frontend");
    if (!powered || !device || h->get_property("wattage_per_state")) continue;
    auto it = power.find(device);
    if (it == power.end()) {
      std::optional<PowerSpec> p;
      try {
        p = catalog.device(device).power;
      } catch (const ConfigError&) {
        // an unknown device is reported by the run with its host's name
      }
      it = power.emplace(device, p).first;
    }
    if (!it->second || !it->second->idle || !it->second->max) continue;
    h->set_property("wattage_per_state", fmt::format("{}:{}", it->second->idle->value, it->second->max->value));
    h->set_property("wattage_off", fmt::format("{}", it->second->idle->value));
  }
}

void load_xml(simgrid::s4u::Engine& engine, const std::string& xml_path, const std::string& shown_as,
              const Catalog& catalog) {
  try {
    engine.load_platform(xml_path);
    give_catalog_watts(engine, catalog);
    engine.seal_platform();
  } catch (const std::exception& e) {
    std::string msg = e.what();
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    throw ConfigError({shown_as, 0, 0}, "", "SimGrid cannot load this platform: " + msg);
  }
}

}  // namespace

std::string platform_xml(const std::string& path, const Catalog& catalog, int racks) {
  if (!std::filesystem::exists(path)) throw ConfigError({path, 0, 0}, "", "platform file not found");
  if (is_platform_spec_path(path)) {
    PlatformSpec spec = load_platform_spec(path);
    if (racks > 0) spec.racks.front().count = racks;
    return write_platform_xml(build_layout(spec, catalog));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void load_platform_file(simgrid::s4u::Engine& engine, const std::string& path, const Catalog& catalog,
                        RouteRecorder* recorder) {
  if (!std::filesystem::exists(path)) throw ConfigError({path, 0, 0}, "", "platform file not found");
  std::unique_ptr<RouteRecorder> own;
  if (!recorder) {
    own = std::make_unique<RouteRecorder>();
    recorder = own.get();
  }
  if (is_platform_spec_path(path)) {
    const TempFile xml(platform_xml(path, catalog));
    load_xml(engine, xml.path(), path, catalog);
  } else {
    load_xml(engine, path, path, catalog);
  }
  recorder->resolve(engine);
  // Placement trusts tokenfab:domain; make sure the links agree with it.
  check_declared_domains(Topology::build(engine, *recorder), path);
}

std::unique_ptr<simgrid::s4u::Engine> make_quiet_engine() {
  std::vector<std::string> args{"tokenfab", "--log=root.thresh:critical", "--log=root.fmt:%m%n"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  return std::make_unique<simgrid::s4u::Engine>(&argc, argv.data());
}

}  // namespace tokenfab
