// libFuzzer entry point for the "supportdesk-sft" target (built and run by scripts/fuzz.sh).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzHarness.check(ChapterFuzzTargets.supportDeskTargets[0], data, size)
    return 0
}
