import CPNG
import Foundation

/// PNG encoding and decoding through libpng's "simplified" API (`png_image_*`). That API
/// reports errors through return codes and a message field, so no `setjmp` is needed (Swift
/// cannot call `setjmp`).
enum PNGCodec {
    static func encodeRGB(_ rgb: [UInt8], width: Int, height: Int) throws -> [UInt8] {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = UInt32(PNG_FORMAT_RGB)
        // Worst case: stored (uncompressed) deflate blocks plus a filter byte per row and headers.
        var capacity = rgb.count + height + rgb.count / 1000 * 5 + 4096
        for _ in 0..<2 {
            var out = [UInt8](repeating: 0, count: capacity)
            var size = png_alloc_size_t(capacity)
            let ok = out.withUnsafeMutableBytes { dst in
                rgb.withUnsafeBytes { src in
                    png_image_write_to_memory(&image, dst.baseAddress, &size, 0, src.baseAddress,
                                              Int32(width * 3), nil)
                }
            }
            if ok != 0 {
                out.removeSubrange(Int(size)...)
                return out
            }
            let message = libpngMessage(&image)
            png_image_free(&image)
            if Int(size) > capacity { capacity = Int(size); continue }
            throw PlotError("PNG encoding failed: \(message)")
        }
        throw PlotError("PNG encoding failed: output buffer too small")
    }

    /// The error text libpng left in `image.message` (a fixed-size C char array).
    static func libpngMessage(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// A PNG file decoded to 8-bit RGBA, for tests and for checking what a chart wrote.
public struct PNGImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major RGBA bytes, 4 per pixel.
    public let rgba: [UInt8]

    /// The colour at column `x`, row `y`; nil outside the image.
    public func pixel(x: Int, y: Int) -> Color? {
        guard x >= 0, y >= 0, x < width, y < height else { return nil }
        let i = (y * width + x) * 4
        return Color(r: rgba[i], g: rgba[i + 1], b: rgba[i + 2], a: rgba[i + 3])
    }

    /// Reads and decodes a PNG file of any colour type (converted to 8-bit RGBA).
    public static func read(path: String) throws -> PNGImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            let message = PNGCodec.libpngMessage(&image)
            png_image_free(&image)
            throw PlotError("\(path): cannot read PNG: \(message)")
        }
        return try finish(&image, source: path)
    }

    /// Decodes PNG bytes held in memory.
    public static func decode(_ data: [UInt8]) throws -> PNGImage {
        // libpng reads from `data` until finish_read: both calls stay inside one closure.
        try data.withUnsafeBytes { raw in
            var image = png_image()
            image.version = UInt32(PNG_IMAGE_VERSION)
            guard png_image_begin_read_from_memory(&image, raw.baseAddress, raw.count) != 0 else {
                let message = PNGCodec.libpngMessage(&image)
                png_image_free(&image)
                throw PlotError("cannot decode PNG: \(message)")
            }
            return try finish(&image, source: "PNG data")
        }
    }

    private static func finish(_ image: inout png_image, source: String) throws -> PNGImage {
        image.format = UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
        let width = Int(image.width), height = Int(image.height)
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        let ok = pixels.withUnsafeMutableBytes {
            png_image_finish_read(&image, nil, $0.baseAddress, Int32(width * 4), nil)
        }
        guard ok != 0 else {
            let message = PNGCodec.libpngMessage(&image)
            png_image_free(&image)
            throw PlotError("\(source): cannot decode PNG: \(message)")
        }
        return PNGImage(width: width, height: height, rgba: pixels)
    }
}

/// Crash-safe file output for Plot (which does not depend on Core's `AtomicFile`).
enum FileOutput {
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw PlotError("cannot write \(path): cannot create folder \(dir)")
            }
        } else if !isDir.boolValue {
            throw PlotError("cannot write \(path): \(dir) is not a folder")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw PlotError("cannot write \(path): it is a folder")
        }
        let tmp = dir + "/." + url.lastPathComponent + ".tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw PlotError("cannot write \(path): \(String(cString: strerror(errno)))") }
        var written = 0
        let failure: String? = bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                if n <= 0 { return String(cString: strerror(errno)) }
                written += n
            }
            return nil
        }
        close(fd)
        if let failure {
            unlink(tmp)
            throw PlotError("cannot write \(path): \(failure)")
        }
        if rename(tmp, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw PlotError("cannot write \(path): \(reason)")
        }
    }
}
