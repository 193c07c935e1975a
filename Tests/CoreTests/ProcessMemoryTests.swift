import Foundation
import Testing
@testable import Core

@Suite("Process memory and CPU time")
struct ProcessMemoryTests {
    @Test("The peak covers a buffer the process touched, and CPU time advances with work")
    func peakAndCPU() {
        let bytes = 64 << 20
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes)
        for i in stride(from: 0, to: bytes, by: 4096) { p[i] = 1 }   // make the pages resident
        #expect(ProcessMemory.peakBytes >= bytes)
        #if os(Linux)
        #expect((ProcessMemory.residentBytes ?? 0) >= bytes)
        #endif
        p.deallocate()
        ProcessMemory.trimHeap()
        #expect(ProcessMemory.peakBytes >= (ProcessMemory.residentBytes ?? 0))
        let c0 = ProcessCPU.seconds
        var x = 0.0
        for i in 0..<20_000_000 { x += Double(i & 7) }
        #expect(x > 0 && ProcessCPU.seconds > c0)
    }
}
