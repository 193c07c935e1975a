import Core
import Foundation

/// How much a layer's weight changed by quantisation: W (Float32) against Ŵ = dequant(NF4(W)).
public struct QuantizationStats: Codable, Sendable {
    public var count: Int
    /// √mean((W − Ŵ)²)
    public var rmse: Double
    public var maxAbsError: Double
    /// ‖W − Ŵ‖ / ‖W‖
    public var relativeError: Double
    /// 10·log10(‖W‖² / ‖W − Ŵ‖²): how many dB the signal stands above the quantisation noise.
    public var snrDecibels: Double
    /// Exact storage of the quantised tensor, bits per value.
    public var bitsPerParameter: Double

    public init(original w: Tensor, quantized q: NF4Tensor) {
        let d = q.dequantized()
        var err = 0.0, sig = 0.0, maxErr = 0.0
        for i in 0..<w.count {
            let e = Double(w.data[i]) - Double(d.data[i])
            err += e * e
            sig += Double(w.data[i]) * Double(w.data[i])
            maxErr = max(maxErr, abs(e))
        }
        count = w.count
        rmse = (err / Double(max(w.count, 1))).squareRoot()
        maxAbsError = maxErr
        relativeError = sig > 0 ? (err / sig).squareRoot() : 0
        snrDecibels = err > 0 ? 10 * log10(sig / err) : .infinity
        bitsPerParameter = q.bitsPerParameter
    }
}
