import Foundation

/// Reads lines from a file descriptor (standard input, or a pipe in tests) with plain `read`
/// calls: no terminal library, so `course label` works in any terminal, over ssh, in tmux, or
/// fed from a script.
public final class LineReader {
    let fd: Int32
    var buffer: [UInt8] = []
    var atEnd = false

    public init(fd: Int32 = 0) { self.fd = fd }

    /// The next line without its newline; nil at end of input.
    public func readLine() -> String? {
        while true {
            if let i = buffer.firstIndex(of: 10) {
                let line = Array(buffer[..<i])
                buffer.removeFirst(i + 1)
                return String(decoding: line, as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            }
            if atEnd {
                if buffer.isEmpty { return nil }
                defer { buffer = [] }
                return String(decoding: buffer, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4096) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { atEnd = true } else { buffer += chunk[0..<n] }
        }
    }
}
