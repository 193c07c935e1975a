import Foundation

/// Crash-safe file writes: write to a temporary file in the same folder, flush it to disk, then
/// rename it over the target. A run killed at any moment leaves either the old file or the new
/// one, never half of one.
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let dir = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        guard FileManager.default.createFile(atPath: tmp.path, contents: nil) else {
            throw CourseError(file: url.path, "cannot write (is the folder writable?)")
        }
        do {
            let h = try FileHandle(forWritingTo: tmp)
            try h.write(contentsOf: data)
            try h.synchronize()
            try h.close()
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw CourseError(file: url.path, "write failed: \(error.localizedDescription)")
        }
        if rename(tmp.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: tmp)
            throw CourseError(file: url.path, "cannot replace file: \(reason)")
        }
    }

    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }
}

/// Appends whole lines to a file with one `write` call each, flushed before returning, so a
/// killed process keeps every line that was confirmed (used for labels and run history).
public final class LineAppender {
    let fd: Int32
    public let path: String
    public init(path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        self.path = path
        if fd < 0 { throw CourseError(file: path, "cannot open for appending: \(String(cString: strerror(errno)))") }
    }
    public func append(line: String) throws {
        var bytes = Array(line.utf8)
        if bytes.last != 10 { bytes.append(10) }
        let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        if n != bytes.count { throw CourseError(file: path, "append failed") }
        fsync(fd)
    }
    deinit { close(fd) }
}
