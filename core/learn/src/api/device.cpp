#include "fuselab/learn/device.hpp"

#include "fuselab/base/error.hpp"

#include <string>

namespace fuselab::learn {

std::string_view toString(DeviceChoice choice)
{
    switch (choice) {
    case DeviceChoice::Auto: return "auto";
    case DeviceChoice::Cpu: return "cpu";
    case DeviceChoice::Cuda: return "cuda";
    }
    return "auto";
}

DeviceChoice parseDeviceChoice(std::string_view text)
{
    if (text == "auto") return DeviceChoice::Auto;
    if (text == "cpu") return DeviceChoice::Cpu;
    if (text == "cuda") return DeviceChoice::Cuda;
    throw Error("unknown device '" + std::string(text) + "' (auto, cpu, cuda)");
}

} // namespace fuselab::learn
