// libFuzzer entry point for the "preference-data" target (built and run by scripts/fuzz.sh).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzHarness.check(ChapterFuzzTargets.preferenceData, data, size)
    return 0
}
