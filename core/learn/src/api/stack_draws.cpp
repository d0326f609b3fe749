#include "stack_draws.hpp"

namespace fuselab::learn::detail {

Image cropAndMirror(const Image& image, int x0, int y0, int sizePx, bool mirror)
{
    Image out(sizePx, sizePx, image.channels(), image.encoding());
    const int ch = image.channels();
    for (int y = 0; y < sizePx; ++y) {
        const float* src = image.row(y0 + y) + std::size_t(x0) * ch;
        float* dst = out.row(y);
        for (int x = 0; x < sizePx; ++x) {
            const int sx = mirror ? sizePx - 1 - x : x;
            for (int c = 0; c < ch; ++c) dst[x * ch + c] = src[sx * ch + c];
        }
    }
    return out;
}

TrainingStack exposeToStack(const Image& radiance, const ExposureSimulation& sim, std::string name)
{
    TrainingStack stack;
    stack.name = std::move(name);
    for (const SimulatedFrame& f : exposeScene(radiance, sim)) {
        stack.inputs.push_back(f.pixels.toFloat());
        stack.modalities.push_back(Modality::Exposure);
    }
    return stack;
}

} // namespace fuselab::learn::detail
