/// Substring search on UTF-8 bytes. The grader and the extractor test dozens of cue phrases per
/// reply; Foundation's `String.contains(_:)` costs microseconds per call on Linux, this a few
/// dozen nanoseconds, which matters when a reward model or RL loop grades thousands of replies.
extension String {
    /// Whether `needle` occurs in this string (byte-wise: exact, case-sensitive).
    func has(_ needle: String) -> Bool { firstOffset(of: needle, digitBounded: false) != nil }

    /// The byte offset of the first occurrence of `needle`. With `digitBounded`, an occurrence
    /// whose first (last) byte is an ASCII digit must not have a digit just before (after) it,
    /// so "5 days" is not found inside "45 days".
    func firstOffset(of needle: String, digitBounded: Bool) -> Int? {
        var hay = self, nd = needle
        return hay.withUTF8 { h in
            nd.withUTF8 { n -> Int? in
                if n.isEmpty { return 0 }
                if n.count > h.count { return nil }
                @inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
                let first = n[0], last = h.count - n.count
                var i = 0
                while i <= last {
                    if h[i] == first {
                        var j = 1
                        while j < n.count && h[i + j] == n[j] { j += 1 }
                        if j == n.count {
                            if !digitBounded { return i }
                            let beforeOK = i == 0 || !(isDigit(n[0]) && isDigit(h[i - 1]))
                            let afterOK = i + n.count == h.count || !(isDigit(n[n.count - 1]) && isDigit(h[i + n.count]))
                            if beforeOK && afterOK { return i }
                        }
                    }
                    i += 1
                }
                return nil
            }
        }
    }
}
