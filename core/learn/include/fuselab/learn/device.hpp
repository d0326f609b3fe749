// Where learned fusion runs. Torch-free: front ends parse --device and fill configs with it.
#pragma once

#include <string_view>

namespace fuselab::learn {

enum class DeviceChoice {
    Auto, ///< CUDA device 0 (or LOCAL_RANK's under distributed training) when LibTorch sees one, else the CPU
    Cpu,
    Cuda, ///< refused with a clear error where LibTorch has no CUDA device
};

std::string_view toString(DeviceChoice choice); ///< "auto", "cpu", "cuda"
/// Parses "auto", "cpu" or "cuda"; throws fuselab::Error naming the accepted words.
DeviceChoice parseDeviceChoice(std::string_view text);

} // namespace fuselab::learn
