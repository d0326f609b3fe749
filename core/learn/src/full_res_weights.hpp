// Internal, torch-free: the full-resolution end of the guided filter on the CPU. Given the
// low-resolution coefficients (meanA, meanB) of each input's weights, writes
//   W_k(x, y) = max(up(meanA_k)·grey_k(x, y) + up(meanB_k), 0) + 1e-6, normalised over k,
// with up() = bilinear, align_corners = false (as LibTorch's upsample_bilinear2d), and grey the
// rgb2gray weights of tensor_utils.hpp; with the detail term, each W_k is multiplied by
// (|3×3 Laplacian of grey_k| + ε)^β before normalising (reflect-101 borders, as net.cpp).
// One pass over the pixels, no full-resolution tensor.
#pragma once

#include "fuselab/base/image.hpp"

#include <functional>
#include <vector>

namespace fuselab::learn::detail {

struct DetailTerm {
    bool enabled = false;
    float exponent = 1.0f; ///< β
    float floor = 2e-3f;   ///< ε
};

/// Rows [y0, y1) of the K weight maps (outRow(i, y)), from the inputs' rows (rowOf(i, y): widthPx ×
/// channels floats, any y within one row of [y0, y1), mirrored into the image). Row for row what
/// fullResWeightsCpu computes.
void fullResWeightRows(int widthPx, int heightPx, int k, int channels, const std::function<const float*(int, int)>& rowOf,
                       const float* meanA, const float* meanB, int lowH, int lowW, const DetailTerm& detail, int y0, int y1,
                       const std::function<float*(int, int)>& outRow);

/// images: K images of one size, 1 or 3 channels. meanA/meanB: K × lowH × lowW floats each.
std::vector<Image> fullResWeightsCpu(const std::vector<Image>& images, const float* meanA, const float* meanB, int lowH,
                                     int lowW, const DetailTerm& detail = {});

/// The images' first 3 channels (or the grey one): 4-channel frames lose alpha, 2-channel ones it too.
Image colourChannels(const Image& image);
/// A stack frame as float [0,1] with 1 or 3 channels (alpha dropped), converted in parallel rows.
Image frameToFloat(const SampleImage& frame);
/// areaDownsample fed a row at a time (rows in order), for frames never held whole.
class AreaDownsampler {
public:
    AreaDownsampler(int widthPx, int heightPx, int channels, int outW, int outH);
    void addRow(int y, const float* row);
    Image result(ColourEncoding encoding) const;
    // The pieces areaDownsample shares: a cell's input rows, one row into its accumulators, the mean.
    int cellBegin(int outY) const;
    int cellEnd(int outY) const;
    void accumulate(const float* row, double* acc) const;
    void finishRow(int outY, const double* acc, float* dst) const;

private:
    int m_w, m_h, m_ch, m_outW, m_outH;
    std::vector<int> m_xs, m_xe;
    std::vector<double> m_acc; // outH × outW × 3
};

/// Area average to outW × outH with LibTorch's adaptive_avg_pool2d cells (start ⌊i·n/m⌋, end
/// ⌈(i+1)·n/m⌉), 3 channels out (a grey input is repeated): the network's input, in one pass.
Image areaDownsample(const Image& image, int outW, int outH);

} // namespace fuselab::learn::detail
