import Testing
@testable import Core

@Suite("Core tensor kernels")
struct TensorKernelTests {
    @Test("The seeded generator gives the same bits for the same seed")
    func determinism() {
        var a = SeededRandom(seed: 42), b = SeededRandom(seed: 42), c = SeededRandom(seed: 43)
        let xa = (0..<100).map { _ in a.next() }, xb = (0..<100).map { _ in b.next() }
        #expect(xa == xb)
        #expect(xa != (0..<100).map { _ in c.next() })
        var r = SeededRandom(seed: 1)
        let n = (0..<20000).map { _ in Double(r.normal()) }
        let mean = n.reduce(0, +) / 20000, variance = n.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 20000
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05)
        var counts = [0, 0, 0]
        for _ in 0..<30000 { counts[r.categorical([1, 2, 3])] += 1 }
        #expect(abs(Double(counts[2]) / 30000 - 0.5) < 0.02)
        var s = Array(0..<10); r.shuffle(&s)
        #expect(s.sorted() == Array(0..<10))
        var saved = SeededRandom(stateWords: r.stateWords)
        #expect(saved.next() == r.next())
    }

    @Test("sgemm with every transpose combination matches a naive product, one row (sgemv) included",
          arguments: [(5, 7, 3), (1, 9, 4)])
    func gemm(_ shape: (Int, Int, Int)) {
        var rng = SeededRandom(seed: 2)
        let (m, n, k) = shape
        let a = (0..<(m * k)).map { _ in rng.normal() }, b = (0..<(k * n)).map { _ in rng.normal() }
        func naive(_ ta: Bool, _ tb: Bool) -> [Float] {
            (0..<(m * n)).map { idx in
                let i = idx / n, j = idx % n
                return (0..<k).reduce(Float(0)) { s, p in
                    s + a[ta ? p * m + i : i * k + p] * b[tb ? j * k + p : p * n + j]
                }
            }
        }
        for ta in [false, true] {
            for tb in [false, true] {
                var c = [Float](repeating: 0, count: m * n)
                BLAS.gemm(transA: ta, transB: tb, m: m, n: n, k: k, a: a, b: b, c: &c)
                let e = naive(ta, tb)
                #expect(zip(c, e).allSatisfy { abs($0 - $1) < 1e-5 }, "transA \(ta) transB \(tb)")
            }
        }
    }

    @Test("Broadcasting follows NumPy rules and reduces back")
    func broadcasting() {
        #expect(Broadcast.shape([2, 3, 4], [4]) == [2, 3, 4])
        #expect(Broadcast.shape([2, 1, 4], [3, 1]) == [2, 3, 4])
        #expect(Broadcast.shape([2, 3], [4]) == nil)
        let a = Tensor([2, 1], [1, 2]), b = Tensor([3], [10, 20, 30])
        let c = Tensor.binary(.add, a, b)
        #expect(c.shape == [2, 3] && c.array == [11, 21, 31, 12, 22, 32])
        #expect(c.reduced(to: [3]).array == [23, 43, 63])
        #expect(c.reduced(to: [2, 1]).array == [63, 66])
        #expect(c.reduced(to: [1, 1]).array == [129])
    }

    @Test("Permute, slice and concat move elements where expected")
    func movement() {
        let t = Tensor([2, 3], [0, 1, 2, 3, 4, 5])
        #expect(t.transposedLast().array == [0, 3, 1, 4, 2, 5])
        #expect(t.slice(axis: 1, start: 1, length: 2).array == [1, 2, 4, 5])
        #expect(Tensor.concat([t, t.slice(axis: 1, start: 0, length: 1)], axis: 1).array == [0, 1, 2, 0, 3, 4, 5, 3])
        let u = Tensor([2, 2, 2], (0..<8).map(Float.init))
        #expect(u.permuted([1, 0, 2]).array == [0, 1, 4, 5, 2, 3, 6, 7])
        #expect(u.sum(axis: 1).array == [2, 4, 10, 12])
    }

    @Test("Softmax rows sum to one and log-softmax is its log")
    func softmax() {
        let x = Tensor([2, 3], [1, 2, 3, 1000, 1000, 1000])
        let s = x.softmax(), l = x.logSoftmax()
        #expect(abs(s.data[0] + s.data[1] + s.data[2] - 1) < 1e-6)
        #expect(abs(s.data[3] - 1.0 / 3) < 1e-6)
        #expect(abs(logf(s.data[1]) - l.data[1]) < 1e-6)
    }

    @Test("Shape overflow is reported, not trapped")
    func overflow() {
        #expect(Tensor.checkedNumel([1 << 40, 1 << 40]) == nil)
        #expect(Tensor.checkedNumel([-1, 3]) == nil)
        #expect(Tensor.checkedNumel([]) == 1)
    }

    @Test("CSV parse errors name the file, line and column")
    func csvErrors() throws {
        let t = try CSVTable.parse("step,loss\n1,2.5\n2,\n", file: "m.csv")
        #expect(t.rows.count == 2 && t.rows[1][1].isNaN)
        #expect(throws: CourseError("m.csv:3: column \"loss\": \"abc\" is not a number")) {
            try CSVTable.parse("step,loss\n1,2\n2,abc\n", file: "m.csv")
        }
        #expect(throws: CourseError("m.csv:2: 1 cells, header has 2")) { try CSVTable.parse("step,loss\n1\n", file: "m.csv") }
        #expect(throws: CourseError("m.csv: empty file (no header row)")) { try CSVTable.parse("", file: "m.csv") }
    }

    @Test("Metrics written and read back are identical")
    func metricsRoundTrip() throws {
        let url = ScratchFolder.root.appendingPathComponent("metrics-\(getpid()).csv")
        let w = MetricsWriter(url: url, columns: ["step", "loss"])
        w.log(["step": 1, "loss": 0.123456789])
        w.log(["step": 2])
        try w.flush()
        let t = try CSVTable.read(path: url.path)
        #expect(t.rows[0] == [1, 0.123456789])
        #expect(t.rows[1][1].isNaN)
    }

    @Test("JSONL errors name the line")
    func jsonlErrors() {
        #expect(throws: CourseError("d.jsonl:2: malformed JSON")) { try JSONL.objects(text: "{\"a\":1}\n{oops\n", file: "d.jsonl") }
        struct Row: Decodable { var prompt: String; var chosen: String }
        #expect(throws: CourseError("d.jsonl:1: missing key \"chosen\"")) {
            try JSONL.decode(Row.self, text: "{\"prompt\":\"x\"}\n", file: "d.jsonl")
        }
    }
}
import Foundation

@Suite("Fast math")
struct FastMathTests {
    @Test("fastTanh stays within a few Float32 ulps (5e-7) of tanh over the whole range")
    func tanhAccuracy() {
        var worst: Double = 0
        for i in -200_000...200_000 {
            let x = Float(i) * 1e-4
            worst = max(worst, abs(Double(fastTanh(x)) - Foundation.tanh(Double(x))))
        }
        #expect(worst < 5e-7, "max error \(worst)")
        #expect(fastTanh(100) == 1 && fastTanh(-100) == -1 && fastTanh(0) == 0)
    }

    @Test("fastExp stays within 1.5 ulp of exp where e^x is a normal Float, lane by lane the same bits")
    func expAccuracy() {
        var worst: Double = 0
        var lanes = SIMD8<Float>()
        for i in -870_000...880_000 {
            let x = Float(i) * 1e-4
            worst = max(worst, abs(Double(fastExp(x)) - Foundation.exp(Double(x))) / Foundation.exp(Double(x)))
            lanes[i & 7] = x
            if i & 7 == 7 { let v = fastExp(lanes); for l in 0..<8 { #expect(v[l] == fastExp(lanes[l])) } }
        }
        #expect(worst < 1.5 * 5.96e-8, "max relative error \(worst)")
        #expect(fastExp(0) == 1)
        // Masked entries (−∞) contribute exactly 0 to the row sums attention and softmax use.
        let row: [Float] = [0, -.infinity, 1, -.infinity, 2, 3, -.infinity, 4, 5, -.infinity, 0.5]
        let s = row.withUnsafeBufferPointer { VectorMath.expSum($0.baseAddress!, count: row.count, minus: 5) }
        let expected = row.filter { $0 != -.infinity }.map { Foundation.exp(Double($0) - 5) }.reduce(0, +)
        #expect(abs(Double(s) - expected) < 1e-6)
        #expect(row.withUnsafeBufferPointer { VectorMath.max($0.baseAddress!, count: row.count) } == 5)
    }

    @Test("A product the kit splits over threads repeats bit for bit and matches one sgemm call; a training-size one exactly")
    func splitProductIsExact() {
        var rng = SeededRandom(seed: 9)
        for (m, n, k, ta, tb) in [(300, 70, 200, false, false), (70, 300, 200, true, false), (257, 190, 130, false, true),
                                  (64, 520, 96, true, true), (512, 40, 96, false, false), (2048, 768, 256, false, false)] {
            let a = Tensor(zeros: [m * k]), b = Tensor(zeros: [k * n])
            for t in [a, b] { for i in 0..<t.count { t.data[i] = rng.normal() } }
            let whole = Tensor(zeros: [m, n]), split = Tensor(zeros: [m, n]), again = Tensor(zeros: [m, n])
            BLAS.serialGemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.5, a: a.data, lda: ta ? m : k,
                            b: b.data, ldb: tb ? k : n, beta: 0, c: whole.data, ldc: n)
            for c in [split, again] { BLAS.gemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 0.5, a: a.data, b: b.data, c: c.data) }
            let label = "\(m)x\(k) @ \(k)x\(n), transA \(ta), transB \(tb)"
            #expect(split.bitwiseEqual(again), "\(label): repeatable")
            #expect((0..<split.count).allSatisfy { abs(split[$0] - whole[$0]) <= 1e-5 * max(1, abs(whole[$0])) }, "\(label)")
            // OpenBLAS may use another kernel for a small part (512 × 96 × 40 split by rows does);
            // a training step's products are large enough that both halves use the same one.
            if m * n * k >= 2048 * 768 * 256 { #expect(whole.bitwiseEqual(split), "\(label): same bits as one call") }
        }
        // One-row products go to OpenBLAS's threads, whose sgemv may split the inner sum: not
        // the same bits as one thread, but close, and the same bits on every call.
        for tb in [false, true] {
            let (n, k) = (700, 300)
            let a = Tensor(zeros: [k]), b = Tensor(zeros: [k * n])
            for t in [a, b] { for i in 0..<t.count { t.data[i] = rng.normal() } }
            let one = Tensor(zeros: [1, n]), first = Tensor(zeros: [1, n]), again = Tensor(zeros: [1, n])
            BLAS.serialGemm(transA: false, transB: tb, m: 1, n: n, k: k, alpha: 1, a: a.data, lda: k,
                            b: b.data, ldb: tb ? k : n, beta: 0, c: one.data, ldc: n)
            for c in [first, again] { BLAS.gemm(transA: false, transB: tb, m: 1, n: n, k: k, a: a.data, b: b.data, c: c.data) }
            #expect(first.bitwiseEqual(again), "one-row product, transB \(tb): repeatable")
            #expect((0..<n).allSatisfy { abs(first[$0] - one[$0]) <= 1e-5 * max(1, abs(one[$0])) }, "one-row product, transB \(tb)")
        }
        // The chunked sum of squares does not depend on how its chunks are spread.
        let big = Tensor(zeros: [100_003])
        for i in 0..<big.count { big.data[i] = rng.normal() }
        let reference = (0..<big.count).reduce(0.0) { $0 + Double(big.data[$1]) * Double(big.data[$1]) }
        #expect(abs(Reduce.sumOfSquares(big.data, count: big.count) - reference) < 1e-9 * reference)
    }
}
