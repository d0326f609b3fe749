// libFuzzer target: the evt2 reader on arbitrary bytes (see fuzz_reader_common.hpp).
#include "fuzz_reader_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    return fuselab::fuzz::decodeInput(data, size, &fuselab::events::makeEvt2Decoder, "fuzz.raw");
}
