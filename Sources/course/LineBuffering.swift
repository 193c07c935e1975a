#if canImport(Glibc)
@preconcurrency import Glibc
#else
@preconcurrency import Darwin
#endif

/// Progress lines appear at once, even when standard output goes to a log file.
func lineBufferedOutput() {
    setvbuf(stdout, nil, _IOLBF, 0)
}
