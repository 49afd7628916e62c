// Runs points as child processes of the tokenfab binary (`tokenfab run POINT.yaml -o DIR`): one
// SimGrid engine per process, since SimGrid's engine is process-wide. At most `parallel` run at
// once; each writes stdout.log and stderr.log into its folder.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sim/batch/results.hpp"

namespace tokenfab::batch {

struct ProcessJob {
  std::string dir;                // its folder (logs go there); must exist
  std::vector<std::string> argv;  // argv[0] is the executable's path
};

// The running executable (/proc/self/exe), to start points with the same binary.
std::string self_executable();

// Runs the jobs, `parallel` at a time, in list order. `on_done(i, how)` is called in this process
// as job i exits (completion order); `idle()` about every 50 ms while waiting (progress redraws).
// SIGINT or SIGTERM stops the batch: no new job starts, running ones are sent SIGTERM, and the
// function returns false. A job that SIGINT, SIGTERM or SIGHUP stopped is never reported (it did
// not fail; a resume runs it again); one that had already ended is. A child dies with this process (PR_SET_PDEATHSIG), so
// a killed batch leaves no orphan writing into a point folder.
bool run_processes(const std::vector<ProcessJob>& jobs, int parallel,
                   const std::function<void(std::size_t, const ChildExit&)>& on_done, const std::function<void()>& idle);

}  // namespace tokenfab::batch
