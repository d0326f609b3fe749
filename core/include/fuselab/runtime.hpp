// Process-wide settings every front end applies once at start (and when the user changes
// the thread count): our worker pool, OpenCV's and OpenEXR's threads, BLAS kept to one thread, and quiet library
// logging (FuseLab reports problems itself, one line each).
#pragma once

namespace fuselab {

/// threads ≤ 0 means all cores.
void configureRuntime(int threads);

} // namespace fuselab
