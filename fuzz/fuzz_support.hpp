// Shared by the libFuzzer targets: what counts as an expected outcome (a ConfigError or a
// UnitError whose message is one line) and what counts as a finding (anything else: another
// exception, a crash, a sanitizer report, a hang, a message that spans lines).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include <unistd.h>

namespace tokenfab::fuzz {

inline std::string text_of(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// A finding: print it and abort, so that libFuzzer saves the input.
[[noreturn]] inline void finding(const char* what, const std::string& detail) {
  std::fprintf(stderr, "FUZZ FINDING: %s: %s\n", what, detail.c_str());
  std::abort();
}

// The project promises one line per error (main prints "error: <what>"): no line breaks, no
// other control characters that would garble a terminal, and never empty.
inline void check_message(const std::exception& e) {
  const std::string_view m = e.what();
  if (m.empty()) finding("empty error message", "");
  for (const char c : m) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) finding("control character in an error message", std::string(m));
  }
}

// A scratch file for the readers that take a path: one per process, rewritten for each input.
// Under /dev/shm when it exists, so that the file never touches a disk.
class ScratchFile {
 public:
  explicit ScratchFile(const std::string& suffix) {
    const char* dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    path_ = std::string(dir) + "/tokenfab-fuzz-" + std::to_string(getpid()) + suffix;
  }
  ~ScratchFile() { std::remove(path_.c_str()); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  const std::string& write(const std::uint8_t* data, std::size_t size) {
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    if (!f) finding("cannot write the scratch file", path_);
    if (size > 0 && std::fwrite(data, 1, size, f) != size) finding("short write", path_);
    std::fclose(f);
    return path_;
  }

 private:
  std::string path_;
};

}  // namespace tokenfab::fuzz
