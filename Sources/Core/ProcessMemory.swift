import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if os(Linux)
/// glibc's malloc_trim (malloc.h is not exported by Swift's Glibc module).
@_silgen_name("malloc_trim") private func malloc_trim(_ pad: Int) -> Int32
#endif

/// Memory of this process as the operating system sees it, for comparing training setups
/// (full fine-tuning, LoRA, QLoRA) by what they really cost, not by a formula.
///
/// Linux: `VmRSS` (resident now) and `VmHWM` (the high-water mark) from /proc/self/status;
/// writing "5" to /proc/self/clear_refs resets the high-water mark to the current RSS, so one
/// process can measure several configurations one after another. Elsewhere the peak comes from
/// getrusage (ru_maxrss) and cannot be reset.
public enum ProcessMemory {
    /// Resident set size now, in bytes (nil where /proc is unavailable).
    public static var residentBytes: Int? { statusField("VmRSS") }

    /// Peak resident set size since the process started or since the last `resetPeak()`.
    public static var peakBytes: Int {
        if let hwm = statusField("VmHWM") { return hwm }
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024    // kilobytes on Linux
        #else
        getrusage(RUSAGE_SELF, &usage)
        return Int(usage.ru_maxrss)           // bytes on macOS
        #endif
    }

    /// Resets the high-water mark to the current RSS; false when the system does not allow it.
    @discardableResult
    public static func resetPeak() -> Bool {
        guard let h = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? h.close() }
        do { try h.write(contentsOf: Data("5".utf8)) } catch { return false }
        return true
    }

    /// Hands freed heap pages back to the system, so the resident size reflects live memory
    /// (the kit keeps freed blocks for reuse; see `Storage.allocatorTuned`).
    public static func trimHeap() {
        #if os(Linux)
        _ = malloc_trim(0)
        #endif
    }

    /// A "Name:   1234 kB" line of /proc/self/status, in bytes.
    static func statusField(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let digits = line.dropFirst(name.count + 1).filter(\.isNumber)
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }
}

/// CPU time this process has used (user + system, all threads), in seconds. On a shared
/// machine wall-clock time depends on what else runs; CPU time much less so.
public enum ProcessCPU {
    public static var seconds: Double {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return s(usage.ru_utime) + s(usage.ru_stime)
    }
}
