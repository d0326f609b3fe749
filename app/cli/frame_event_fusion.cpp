#include "frame_event_fusion.hpp"

#include "fuselab/colour.hpp"
#include "fuselab/error.hpp"
#include "fuselab/io.hpp"
#include "fuselab/learn/learn_library.hpp"

#include <algorithm>
#include <filesystem>

namespace fuselab::cli {

LoadedFrameEventModel loadFrameEventModel(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw Error(path, "no such file");
    LoadedFrameEventModel loaded;
    loaded.path = path;
    loaded.model = learn::LearnLibrary::get().loadModel(path);
    const learn::ModelInfo info = loaded.model->info();
    for (learn::Modality m : learn::frameEventModalities())
        if (std::find(info.config.modalities.begin(), info.config.modalities.end(), m) == info.config.modalities.end())
            throw Error(path, "not a frame/event model (it has no '" + std::string(learn::toString(m)) +
                                  "' encoder); train one with 'fuselab-cli train --data synthetic-events'");
    try {
        loaded.encoding = learn::FrameEventEncoding::fromMetadata(info.metadata);
    } catch (const Error& e) {
        throw e.withFile(path);
    }
    return loaded;
}

Image readFrameLinear(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw Error(path, "no such file");
    Image image = readImage(path).pixels.toFloat();
    if (image.encoding() != ColourEncoding::Linear && image.encoding() != ColourEncoding::Srgb)
        throw Error(path, "the frame must be sRGB or linear (it is " + std::string(toString(image.encoding())) + ")");
    return withEncoding(image, ColourEncoding::Linear);
}

FrameEventFused fuseFrameEvent(const LoadedFrameEventModel& model, const learn::FrameEventInputs& inputs,
                               const learn::FuseOptions& options, ProgressSink& progress)
{
    FrameEventFused out;
    out.result = model.model->fuse(inputs.networkInputs(), learn::frameEventModalities(), options, progress);
    out.tone = out.result.fused;
    out.tone.setEncoding(ColourEncoding::Linear);
    out.linear = learn::decodeFrameEventTone(out.tone, model.encoding);
    return out;
}

} // namespace fuselab::cli
