// libFuzzer entry point for the "supportdesk-adversarial" target (built and run by scripts/fuzz.sh).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzHarness.check(ChapterFuzzTargets.supportDeskTargets[4], data, size)
    return 0
}
