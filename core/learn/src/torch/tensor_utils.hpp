// Internal (torch): conversions between fuselab images and tensors, device choice, digests.
#pragma once

#include "fuselab/base/image.hpp"
#include "fuselab/learn/device.hpp"
#include "fuselab/learn/training_data.hpp"

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <string>
#include <vector>

namespace fuselab::learn::detail {

/// CPU, or CUDA device localRank % count; throws fuselab::Error when CUDA is asked for and absent.
c10::Device resolveDevice(DeviceChoice choice, int localRank = 0);
std::string deviceName(const c10::Device& device);

/// [C,H,W] float32 copy of an image (any row stride), on `device`; `channels` ≤ image channels.
at::Tensor imageToTensor(const Image& image, int channels, const c10::Device& device);
/// An Image (interleaved) from a [C,H,W] tensor on any device.
Image tensorToImage(const at::Tensor& chw, ColourEncoding encoding = ColourEncoding::Srgb);
/// [B,K,3,S,S] float32 from training stacks that share K and size.
at::Tensor stacksToTensor(const std::vector<TrainingStack>& stacks, const c10::Device& device);

/// MATLAB rgb2gray weights (ITU-R BT.601 as MATLAB rounds them), used for every grey in learn.
inline constexpr double kGreyR = 0.298936021293775, kGreyG = 0.587043074451121, kGreyB = 0.114020904255103;
/// Grey in [0,1] units of [...,3,H,W] → [...,H,W] (differentiable, no rounding).
at::Tensor greyOf(const at::Tensor& rgb);
/// The MEF-SSIM reference drivers' grey: 8-bit codes (clip, round), rgb2gray, round → [...,H,W] in 0..255.
at::Tensor greyCodesOf(const at::Tensor& rgb01);

/// FNV-1a 64 of the float32 bytes of the tensors, in order, as 16 hex digits.
std::string digestOf(const std::vector<at::Tensor>& tensors);

} // namespace fuselab::learn::detail
