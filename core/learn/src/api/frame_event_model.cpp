#include "fuselab/learn/frame_event_model.hpp"

#include "fuselab/base/error.hpp"
#include "fuselab/learn/learn_library.hpp"

#include <algorithm>
#include <filesystem>

namespace fuselab::learn {

LoadedFrameEventModel loadFrameEventModel(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw Error(path, "no such file");
    LoadedFrameEventModel loaded;
    loaded.path = path;
    loaded.model = LearnLibrary::get().loadModel(path);
    const ModelInfo info = loaded.model->info();
    for (Modality m : frameEventModalities())
        if (std::find(info.config.modalities.begin(), info.config.modalities.end(), m) == info.config.modalities.end())
            throw Error(path, "not a frame/event model (it has no '" + std::string(toString(m)) +
                                  "' encoder); train one with 'fuselab-cli train --data synthetic-events'");
    try {
        loaded.encoding = FrameEventEncoding::fromMetadata(info.metadata);
    } catch (const Error& e) {
        throw e.withFile(path);
    }
    return loaded;
}

FrameEventFused fuseFrameEvent(const LoadedFrameEventModel& model, const FrameEventInputs& inputs, const FuseOptions& options,
                               ProgressSink& progress)
{
    FrameEventFused out;
    out.result = model.model->fuse(inputs.networkInputs(), frameEventModalities(), options, progress);
    out.tone = out.result.fused;
    out.tone.setEncoding(ColourEncoding::Linear);
    out.linear = decodeFrameEventTone(out.tone, model.encoding);
    return out;
}

} // namespace fuselab::learn
