// libFuzzer entry point for the "gpt-config" target (built and run by scripts/fuzz.sh).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzHarness.check(ChapterFuzzTargets.config, data, size)
    return 0
}
