import Core

// Operations that move data around without arithmetic. Their backward moves the gradient
// back to where each element came from.
extension Variable {
    /// Same data, new shape (-1 infers one axis). Backward: reshape the gradient back.
    public func reshaped(_ newShape: [Int]) -> Variable {
        Variable(value.reshaped(newShape), parents: [self], name: "reshape") { [self] g in self.accumulate(g.reshaped(self.shape)) }
    }

    /// Reorders axes: out.shape[i] = shape[perm[i]]. Backward applies the inverse permutation.
    public func permuted(_ perm: [Int]) -> Variable {
        var inverse = [Int](repeating: 0, count: perm.count)
        for (i, p) in perm.enumerated() { inverse[p] = i }
        return Variable(value.permuted(perm), parents: [self], name: "permute") { [self] g in self.accumulate(g.permuted(inverse)) }
    }

    /// Swaps the last two axes.
    public func transposed() -> Variable {
        var perm = Array(0..<shape.count)
        perm.swapAt(perm.count - 1, perm.count - 2)
        return permuted(perm)
    }

    /// `length` entries from `start` along `axis`. Backward scatters the gradient into a
    /// zero tensor of the input's shape.
    public func slice(axis: Int, start: Int, length: Int) -> Variable {
        Variable(value.slice(axis: axis, start: start, length: length), parents: [self], name: "slice") { [self] g in
            let (buffer, _) = self.gradBuffer()
            buffer.addSlice(g, axis: axis, start: start)
        }
    }

    /// Concatenation along an axis. Backward hands each part its slice of the gradient.
    public static func concat(_ parts: [Variable], axis: Int) -> Variable {
        let out = Tensor.concat(parts.map(\.value), axis: axis)
        let ax = axis < 0 ? axis + out.rank : axis
        return Variable(out, parents: parts, name: "concat") { g in
            var start = 0
            for p in parts {
                let len = p.shape[ax]
                if p.requiresGrad { p.accumulate(g.slice(axis: ax, start: start, length: len)) }
                start += len
            }
        }
    }

    /// Rows of `table` [V, C] picked by `ids` (values in 0..<V) -> [ids.count, C], reshaped to
    /// `shape + [C]`. Backward adds each row's gradient into the row it came from.
    public static func embedding(_ table: Variable, ids: [Int], shape: [Int]? = nil) -> Variable {
        let v = table.shape[0], c = table.shape[1]
        let out = Tensor(zeros: (shape ?? [ids.count]) + [c])
        precondition(out.count == ids.count * c, "embedding: \(ids.count) ids do not fill shape \(shape ?? [])")
        for id in ids { precondition(id >= 0 && id < v, "embedding: token id \(id) out of range 0..<\(v)") }
        Rows.gather(table.value.data, ids: ids, into: out.data, cols: c)
        return Variable(out, parents: [table], name: "embedding") { g in
            let (gt, _) = table.gradBuffer()
            Rows.scatterAdd(g.data, ids: ids, into: gt.data, cols: c)
        }
    }

    /// Picks one entry per row of the last axis: x [..., V], index [rows] -> [...].
    /// (The log-probability of each chosen token.)
    public func gather(_ index: [Int]) -> Variable {
        let v = value.lastDim, rows = value.rows
        precondition(index.count == rows, "gather: \(index.count) indices for \(rows) rows of shape \(shape)")
        let out = Tensor(zeros: Array(shape.dropLast()))
        for i in index { precondition(i >= 0 && i < v, "gather: index \(i) out of range 0..<\(v)") }
        Rows.pick(value.data, index: index, into: out.data, cols: v)
        return Variable(out, parents: [self], name: "gather") { [self] g in
            let (buffer, _) = self.gradBuffer()
            Rows.addPicked(g.data, index: index, into: buffer.data, cols: v)   // dx[r, index[r]] += dy[r]
        }
    }
}
