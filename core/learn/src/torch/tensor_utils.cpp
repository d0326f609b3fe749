#include "tensor_utils.hpp"

#include "fuselab/base/error.hpp"

#include <ATen/ATen.h>
#include <torch/cuda.h>

#include <cstdio>
#include <cstring>

namespace fuselab::learn::detail {

c10::Device resolveDevice(DeviceChoice choice, int localRank)
{
    if (choice == DeviceChoice::Cpu) return c10::Device(c10::kCPU);
    const bool cuda = torch::cuda::is_available();
    if (choice == DeviceChoice::Cuda && !cuda)
        throw Error("CUDA was asked for, but this LibTorch sees no CUDA device (use --device cpu or auto)");
    if (!cuda) return c10::Device(c10::kCPU);
    const int count = int(torch::cuda::device_count());
    return c10::Device(c10::kCUDA, c10::DeviceIndex(std::max(0, localRank) % std::max(1, count)));
}

std::string deviceName(const c10::Device& device)
{
    return device.str();
}

at::Tensor imageToTensor(const Image& image, int channels, const c10::Device& device)
{
    if (image.empty()) throw Error("empty image");
    if (channels > image.channels()) throw Error("image has fewer channels than needed");
    const auto h = image.height(), w = image.width(), ch = image.channels();
    // A strided view of the interleaved rows, then one copy into planar float32.
    const at::Tensor view = at::from_blob(const_cast<float*>(image.data()), {channels, h, w},
                                          {1, std::int64_t(image.rowStrideSamples()), ch},
                                          at::TensorOptions().dtype(at::kFloat));
    return view.to(device, at::kFloat, /*non_blocking=*/false, /*copy=*/true).contiguous();
}

Image tensorToImage(const at::Tensor& chw, ColourEncoding encoding)
{
    const at::Tensor hwc = chw.detach().to(at::kCPU, at::kFloat).permute({1, 2, 0}).contiguous();
    const int h = int(hwc.size(0)), w = int(hwc.size(1)), c = int(hwc.size(2));
    Image out = Image::uninitialised(w, h, c, encoding);
    const float* src = hwc.data_ptr<float>();
    for (int y = 0; y < h; ++y) std::memcpy(out.row(y), src + std::size_t(y) * w * c, sizeof(float) * std::size_t(w) * c);
    return out;
}

at::Tensor stacksToTensor(const std::vector<TrainingStack>& stacks, const c10::Device& device)
{
    if (stacks.empty()) throw Error("empty batch");
    const std::size_t k = stacks.front().inputs.size();
    std::vector<at::Tensor> items;
    for (const TrainingStack& s : stacks) {
        if (s.inputs.size() != k) throw Error(s.name, "stacks of one batch must have the same number of inputs");
        std::vector<at::Tensor> frames;
        for (const Image& im : s.inputs) {
            if (im.channels() < 3) throw Error(s.name, "training inputs must be RGB");
            frames.push_back(imageToTensor(im, 3, c10::Device(c10::kCPU)));
        }
        items.push_back(at::stack(frames));
    }
    return at::stack(items).to(device);
}

at::Tensor greyOf(const at::Tensor& rgb)
{
    const auto d = rgb.dim() - 3;
    return rgb.select(d, 0) * kGreyR + rgb.select(d, 1) * kGreyG + rgb.select(d, 2) * kGreyB;
}

at::Tensor greyCodesOf(const at::Tensor& rgb01)
{
    const at::Tensor codes = (rgb01 * 255.0).clamp(0.0, 255.0).round();
    return greyOf(codes).round();
}

std::string digestOf(const std::vector<at::Tensor>& tensors)
{
    std::uint64_t h = 1469598103934665603ull;
    for (const at::Tensor& t : tensors) {
        const at::Tensor c = t.detach().to(at::kCPU, at::kFloat).contiguous();
        const auto* bytes = reinterpret_cast<const unsigned char*>(c.data_ptr<float>());
        const std::size_t n = std::size_t(c.numel()) * sizeof(float);
        for (std::size_t i = 0; i < n; ++i) {
            h ^= bytes[i];
            h *= 1099511628211ull;
        }
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

} // namespace fuselab::learn::detail
