import Foundation

/// Where tests write their temporary files: one folder per process,
/// `$TMPDIR/coursekit-tests-<pid>/`, removed when the process exits, so running `swift test`
/// again and again leaves nothing behind in the temporary directory.
public enum ScratchFolder {
    /// The process's folder, created (and its removal at exit registered) on first use.
    public static let root: URL = {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("coursekit-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        // A C function pointer captures nothing, so the path is worked out again.
        atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "/coursekit-tests-\(getpid())") }
        return url
    }()
}
