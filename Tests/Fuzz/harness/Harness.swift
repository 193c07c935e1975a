import Core
import Foundation
import FuzzSupport

// Shared by every libFuzzer harness: runs one input through a target and crashes (so that
// libFuzzer records the input) when the loader breaks the contract: another error type than
// CourseError, an error of several lines, or more memory built than the input's size allows.
// Traps, out-of-bounds reads (AddressSanitizer), hangs (-timeout) and huge allocations
// (-malloc_limit_mb) are caught by libFuzzer itself.
enum FuzzHarness {
    static let scratch: URL = {
        let dir = FuzzCampaign.scratchFolder.appendingPathComponent("libfuzzer-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: FuzzCampaign.scratchFolder.appendingPathComponent("libfuzzer-\(getpid())")) }
        return dir
    }()

    static func check(_ target: LoaderFuzzTarget, _ data: UnsafePointer<UInt8>, _ size: Int) {
        let input = [UInt8](UnsafeBufferPointer(start: data, count: size))
        if case .violation(let why) = target.run(input, in: scratch) {
            // abort(), not fatalError: libFuzzer records the input either way, and Swift's crash
            // reporter confuses AddressSanitizer with a bogus stack-buffer-underflow report.
            FileHandle.standardError.write(Data("\(target.name): contract broken: \(why)\n".utf8))
            abort()
        }
    }
}
