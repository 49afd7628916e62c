#include "sim/topology/route_recorder.hpp"

#include <unordered_map>

#include <simgrid/kernel/routing/NetPoint.hpp>
#include <simgrid/kernel/routing/NetZoneImpl.hpp>
#include <simgrid/s4u/Link.hpp>

namespace tokenfab {

using simgrid::kernel::routing::NetPoint;
using simgrid::kernel::routing::NetZoneImpl;

RouteRecorder::RouteRecorder() {
  // SimGrid 3.32 announces every regular route and zone route through this signal; for a zone
  // route it passes the gateways as src and dst.
  slot_ = NetZoneImpl::on_route_creation.connect(
      [this](bool symmetrical, NetPoint* src, NetPoint* dst, NetPoint*, NetPoint*,
             std::vector<simgrid::kernel::resource::StandardLinkImpl*> const& links) {
        Raw r{src->get_name(), dst->get_name(), {}, symmetrical};
        r.links.assign(links.begin(), links.end());
        raw_.push_back(std::move(r));
      });
}

RouteRecorder::~RouteRecorder() { NetZoneImpl::on_route_creation.disconnect(slot_); }

void RouteRecorder::resolve(const simgrid::s4u::Engine& engine) {
  std::unordered_map<const void*, std::string> names;
  for (const auto* l : engine.get_all_links()) names.emplace(static_cast<const void*>(l->get_impl()), l->get_name());
  routes_.clear();
  routes_.reserve(raw_.size());
  for (const auto& r : raw_) {
    Route out{r.src, r.dst, {}, r.symmetrical};
    for (const void* l : r.links) {
      const auto it = names.find(l);
      out.links.push_back(it == names.end() ? std::string("?") : it->second);
    }
    routes_.push_back(std::move(out));
  }
}

}  // namespace tokenfab
