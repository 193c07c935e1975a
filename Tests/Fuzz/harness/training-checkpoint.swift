// libFuzzer entry point for the "training-checkpoint" target (built and run by scripts/fuzz.sh).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzHarness.check(ChapterFuzzTargets.trainingCheckpoint, data, size)
    return 0
}
