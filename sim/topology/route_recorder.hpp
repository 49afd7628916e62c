// Records the routes a platform declares while SimGrid loads it (routes of Full, Floyd and
// Dijkstra zones and zone routes), so that the topology graph holds the links as declared,
// switch routers included, without asking SimGrid for the route of every pair of hosts.
#pragma once

#include <string>
#include <vector>

#include <simgrid/s4u/Engine.hpp>

namespace tokenfab {

class RouteRecorder {
 public:
  struct Route {
    std::string src, dst;            // hosts or routers (the gateways, for a zone route)
    std::vector<std::string> links;  // link names in order, as SimGrid uses them (x_UP / x_DOWN)
    bool symmetrical = true;         // the reverse route exists, with each split-duplex link flipped
  };

  RouteRecorder();  // listens from now on
  ~RouteRecorder();
  RouteRecorder(const RouteRecorder&) = delete;
  RouteRecorder& operator=(const RouteRecorder&) = delete;

  // Names the recorded links; call once the platform is loaded.
  void resolve(const simgrid::s4u::Engine& engine);
  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Raw {
    std::string src, dst;
    std::vector<const void*> links;  // kernel link objects, named by resolve()
    bool symmetrical;
  };
  unsigned int slot_ = 0;
  std::vector<Raw> raw_;
  std::vector<Route> routes_;
};

}  // namespace tokenfab
