// libFuzzer entry point for the "jsonl" target (built and run by scripts/fuzz.sh).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzHarness.check(CoreFuzzTargets.jsonl, data, size)
    return 0
}
