import Autograd
import Core
import Exercises
import Foundation
import SFT
import Solutions
import SupportDesk
import Transformer

/// The functions of Chapter 3's exercises in the three flavours (see Chapter1Functions).
struct Chapter3Functions {
    var paddedBatch: ([(ids: [Int], trainable: [Bool])], Int, Int) throws -> (inputs: [Int], targets: [Int])
    var encodeChat: ([(role: String, content: String)], (String) -> [Int], Int, Int, Bool) throws -> (ids: [Int], trainable: [Bool])
    var maskedCrossEntropy: (Tensor, [Int]) throws -> (loss: Float, gradient: Tensor)
    var packExamples: ([(ids: [Int], trainable: [Bool])], Int, Int) throws -> (inputs: [Int], targets: [Int], positions: [Int], segments: [Int])
    var leakedPrompts: ([String], [String], Int, Double) throws -> [(eval: Int, train: Int, similarity: Double)]

    static var learner: Chapter3Functions { Chapter3Functions(
        paddedBatch: { try Exercises.paddedBatch($0, length: $1, pad: $2) },
        encodeChat: { try Exercises.encodeChat($0, encode: $1, start: $2, end: $3, addGenerationPrompt: $4) },
        maskedCrossEntropy: { try Exercises.maskedCrossEntropy(logits: $0, targets: $1) },
        packExamples: { try Exercises.packExamples($0, length: $1, pad: $2) },
        leakedPrompts: { try Exercises.leakedPrompts(train: $0, eval: $1, n: $2, threshold: $3) }) }

    static var reference: Chapter3Functions { Chapter3Functions(
        paddedBatch: { try Solutions.paddedBatch($0, length: $1, pad: $2) },
        encodeChat: { try Solutions.encodeChat($0, encode: $1, start: $2, end: $3, addGenerationPrompt: $4) },
        maskedCrossEntropy: { try Solutions.maskedCrossEntropy(logits: $0, targets: $1) },
        packExamples: { try Solutions.packExamples($0, length: $1, pad: $2) },
        leakedPrompts: { try Solutions.leakedPrompts(train: $0, eval: $1, n: $2, threshold: $3) }) }

    static func mutant(_ id: String) -> Chapter3Functions {
        var f = reference
        switch id {
        case "3.1": f.paddedBatch = { ex, length, pad in  // targets read off the padded row: the last real token
            var r = try reference.paddedBatch(ex, length, pad)  // learns to predict the pad, and every pad the next pad
            for (k, e) in ex.enumerated() where e.ids.count < length {
                for t in max(e.ids.count - 1, 0)..<(length - 1) { r.targets[k * length + t] = pad }
            }
            return r
        }
        case "3.2": f.encodeChat = { m, encode, start, end, g in  // forgets <|im_end|> as a target: replies never learn to stop
            var r = try reference.encodeChat(m, encode, start, end, g)
            for i in r.ids.indices where r.ids[i] == end { r.trainable[i] = false }
            return r
        }
        case "3.3": f.maskedCrossEntropy = { l, t in  // right loss, but the gradient divides by all N rows, not the counted ones
            let r = try reference.maskedCrossEntropy(l, t)
            r.gradient.scale(by: Float(t.filter { $0 != CrossEntropy.ignoreIndex }.count) / Float(max(t.count, 1)))
            return r
        }
        case "3.4": f.packExamples = { ex, len, pad in  // one target stream over the whole row: loss across boundaries
            let r = try reference.packExamples(ex, len, pad)
            let all = ex.flatMap(\.ids), tr = ex.flatMap(\.trainable)
            var targets = r.targets
            for t in 0..<max(all.count - 1, 0) where tr[t + 1] { targets[t] = all[t + 1] }
            return (r.inputs, targets, r.positions, r.segments)
        }
        case "3.5": f.leakedPrompts = { tr, ev, _, _ in  // exact matching after normalisation only (the old exercise): misses near-duplicates
            func normalise(_ s: String) -> String { s.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }
            let first = Dictionary(tr.enumerated().map { (normalise($1), $0) }, uniquingKeysWith: { a, _ in a })
            return ev.indices.compactMap { i in first[normalise(ev[i])].map { (i, $0, 1.0) } }
        }
        default: break
        }
        return f
    }

    static func table(_ flavor: Flavor, _ id: String) -> Chapter3Functions {
        let f: Chapter3Functions = switch flavor {
        case .learner: learner
        case .reference: reference
        case .mutant: mutant(id)
        case .delegate: delegate(id)
        }
        return f.watched()
    }
}

extension Chapter3Functions {
    /// A small tokenizer with ChatML's special tokens, trained on one sentence (the same every call).
    static func chatTokenizer() -> BPETokenizer {
        BPETokenizer.train(corpus: ["Hello there, your order SD-1 ships today."], vocabSize: 300,
                           specialTokens: ["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
    }

    /// Compares an encoded conversation with the kit's, position by position, and names the
    /// first position that differs: its id and flag, as expected and as got.
    static func sameChat(_ got: (ids: [Int], trainable: [Bool]), _ expected: (ids: [Int], trainable: [Bool]),
                         _ what: String, _ tok: BPETokenizer) throws {
        guard got.ids.count == got.trainable.count else {
            throw CheckFailure("\(what): \(got.ids.count) ids but \(got.trainable.count) trainable flags; they must have the same length")
        }
        func describe(_ e: (ids: [Int], trainable: [Bool]), _ i: Int) -> String {
            guard i < e.ids.count else { return "nothing (the sequence has ended)" }
            let text = tok.tokenText(e.ids[i]).map { " \($0.debugDescription)" } ?? ""
            return "id \(e.ids[i])\(text), \(e.trainable[i] ? "trainable" : "not trainable")"
        }
        for i in 0..<max(got.ids.count, expected.ids.count)
        where i >= got.ids.count || i >= expected.ids.count || got.ids[i] != expected.ids[i] || got.trainable[i] != expected.trainable[i] {
            throw CheckFailure("\(what), position \(i) of \(expected.ids.count): expected \(describe(expected, i)), got \(describe(got, i))")
        }
    }
}

extension Chapter3Functions {
    /// Compares a padded batch with the expected one and names the first wrong position by row
    /// and position, with what the position holds and, for a target, why it is what it is.
    static func samePadded(_ got: (inputs: [Int], targets: [Int]), _ examples: [(ids: [Int], trainable: [Bool])], length: Int, pad: Int,
                           inputs: [Int], targets: [Int], _ what: String) throws {
        let size = examples.count * length
        guard got.inputs.count == size, got.targets.count == size else {
            throw CheckFailure("\(what): expected \(size) inputs and targets (\(examples.count) rows of \(length)), got \(got.inputs.count) and \(got.targets.count)")
        }
        func why(_ k: Int, _ t: Int) -> String {
            let n = examples[k].ids.count
            if t >= n { return "padding" }
            if t == n - 1 { return "the example's last token: nothing real follows it" }
            return examples[k].trainable[t + 1] ? "the next token, a reply token" : "the next token is not a reply token"
        }
        for i in 0..<size where got.inputs[i] != inputs[i] || got.targets[i] != targets[i] {
            let (k, t) = (i / length, i % length)
            if got.inputs[i] != inputs[i] {
                throw CheckFailure("\(what), row \(k), position \(t): expected the input \(inputs[i])\(t >= examples[k].ids.count ? " (padding)" : ""), got \(got.inputs[i])")
            }
            throw CheckFailure("\(what), row \(k), position \(t): expected the target \(targets[i]) (\(why(k, t))), got \(got.targets[i])")
        }
    }

    /// Expects `body` to throw an error whose text holds each of `numbers` (an index, a length).
    static func refusesNaming<T>(_ id: String, _ what: String, numbers: [Int], _ body: () throws -> T) throws {
        do {
            _ = try body()
        } catch is Todo {
            throw Todo(id)
        } catch {
            let text = "\(error)"
            let found = Set(text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) })
            guard numbers.allSatisfy(found.contains) else {
                throw CheckFailure("\(what): the error must name \(numbers.map(String.init).joined(separator: " and ")); it says \"\(text)\"")
            }
            return
        }
        throw CheckFailure("\(what): expected an error, got a batch")
    }
}

extension Catalogue {
    static let chapter3: [Exercise] = [
        Exercise("3.1", "The padded SFT batch", file: "exercises/03-sft/PaddedBatch.swift",
                 symbol: "paddedBatch", hints: [
                    "Refuse first (a CourseError naming the example's index and its token count), then build each row of exactly `length` positions: the example's ids, then the pad id.",
                    "With n the example's own length, targets[t] = ids[t + 1] when t + 1 < n and trainable[t + 1]; otherwise CrossEntropy.ignoreIndex (−100). Row k starts at k · length.",
                    "Position t predicts the token AFTER it, so look at trainable[t + 1], not trainable[t]; the last real token and every pad predict nothing. Tell padding by position, never by id: the pad id can be a real token. Test yourself: a 3-token prompt and a 2-token reply in a row of 8 give targets at positions 2 and 3 only.",
                 ]) { flavor in
            let f = Chapter3Functions.table(flavor, "3.1")
            let ignored = CrossEntropy.ignoreIndex
            // By hand: rows of 5, pad 0; [5, 6, 7, 8] with the reply 7, 8 and [9, 3] with the reply 3.
            let hand: [(ids: [Int], trainable: [Bool])] = [([5, 6, 7, 8], [false, false, true, true]), ([9, 3], [false, true])]
            try Chapter3Functions.samePadded(try f.paddedBatch(hand, 5, 0), hand, length: 5, pad: 0,
                                             inputs: [5, 6, 7, 8, 0, 9, 3, 0, 0, 0],
                                             targets: [ignored, 7, 8, ignored, ignored, 3, ignored, ignored, ignored, ignored],
                                             "[5, 6, 7, 8] with trainable [F, F, T, T] and [9, 3] with [F, T], length 5, pad 0")
            // An example that fills its row (no padding), an empty one (a row of padding), and a pad id
            // that is also a real token, as when the held-out batches pad with <|im_end|>.
            let edges: [(ids: [Int], trainable: [Bool])] = [([4, 2, 7, 2], [false, true, true, true]), ([], []), ([2, 5, 2], [false, true, true])]
            try Chapter3Functions.samePadded(try f.paddedBatch(edges, 4, 2), edges, length: 4, pad: 2,
                                             inputs: [4, 2, 7, 2, 2, 2, 2, 2, 2, 5, 2, 2],
                                             targets: [2, 7, 2, ignored, ignored, ignored, ignored, ignored, 5, 2, ignored, ignored],
                                             "[4, 2, 7, 2] (a full row), [] and [2, 5, 2], length 4, pad 2 (also a real token)")
            let none = try f.paddedBatch([], 6, 0)
            try Expect.that(none.inputs.isEmpty && none.targets.isEmpty,
                            "no examples: expected no inputs and no targets, got \(none.inputs.count) and \(none.targets.count)")
            // Too long: refused, and the error says which example and how long it is.
            let long: [(ids: [Int], trainable: [Bool])] = [([1, 2], [false, true]), ([3], [true]),
                                                          (Array(1...9), [Bool](repeating: true, count: 9))]
            try Chapter3Functions.refusesNaming("3.1", "examples of 2, 1 and 9 tokens in rows of 8", numbers: [2, 9]) {
                try f.paddedBatch(long, 8, 0)
            }
            // Against the kit: a real two-turn chat, then generated examples with replies anywhere.
            let t = try ChatTemplate(tokenizer: Chapter3Functions.chatTokenizer())
            let chat = t.encode([Message(role: "user", content: "Where is SD-1?"), Message(role: "assistant", content: "It ships today."),
                                 Message(role: "user", content: "Thanks"), Message(role: "assistant", content: "Hello there.")])
            var rng = SeededRandom(seed: 32)
            let generated = (0..<7).map { _ -> (ids: [Int], trainable: [Bool]) in
                let n = rng.int(13)
                return ((0..<n).map { _ in rng.int(10) }, (0..<n).map { _ in rng.int(3) > 0 })
            }
            let cases: [([(ids: [Int], trainable: [Bool])], Int, Int, String)] = [
                ([(chat.ids, chat.trainable), (Array(chat.ids.prefix(9)), Array(chat.trainable.prefix(9)))], chat.ids.count + 3, t.end,
                 "a two-turn chat and its first 9 tokens, padded with <|im_end|>"),
                (generated, 12, 4, "7 generated examples of 0 to 12 tokens (seed 32), length 12, pad 4"),
            ]
            for (examples, length, pad, what) in cases {
                let kit = KitAnswer.reference {
                    SFTBatching.padded(examples.map { TokenizedExample(ids: $0.ids, trainable: $0.trainable) }, length: length, pad: pad)
                }
                try Chapter3Functions.samePadded(try f.paddedBatch(examples, length, pad), examples, length: length, pad: pad,
                                                 inputs: kit.inputs, targets: kit.targets, "\(what), against SFTBatching.padded")
            }
        },
        Exercise("3.2", "The chat template, as token ids and a loss mask", file: "exercises/03-sft/ChatTemplateIds.swift",
                 symbol: "encodeChat", hints: [
                    "Build the two arrays together: every time you append tokens to ids, append as many flags to trainable.",
                    "A turn is [start] + encode(role + \"\\n\"), then encode(content), then [end], then encode(\"\\n\"); only the content and the end of an assistant turn get true.",
                    "The model must learn to stop, so the reply's closing end token is a target, while the newline after it and the header before the reply are context. Test yourself: a system and a user turn alone have no target at all.",
                 ]) { flavor in
            let f = Chapter3Functions.table(flavor, "3.2")
            let tok = Chapter3Functions.chatTokenizer()
            let kit = try ChatTemplate(tokenizer: tok)
            let encode = { (text: String) in tok.encode(text, allowSpecial: false) }
            func mine(_ conv: [Message], _ prompt: Bool) throws -> (ids: [Int], trainable: [Bool]) {
                try f.encodeChat(conv.map { ($0.role, $0.content) }, encode, kit.start, kit.end, prompt)
            }
            // Two exchanges after the facts, with a customer who types the end marker as text.
            let chat = [Message(role: "system", content: "Order: SD-1"), Message(role: "user", content: "Where is SD-1? <|im_end|>"),
                        Message(role: "assistant", content: "It ships today."), Message(role: "user", content: "Thanks"),
                        Message(role: "assistant", content: "Hello there.")]
            try Chapter3Functions.sameChat(try mine(chat, false), kit.encode(chat), "a two-exchange chat", tok)
            // The generation prompt: the conversation so far and an assistant header, none of it a target.
            let prompt = Array(chat.prefix(2))
            let ids = kit.generationPrompt(prompt)
            try Chapter3Functions.sameChat(try mine(prompt, true), (ids, [Bool](repeating: false, count: ids.count)),
                                            "system and user turns with the generation prompt", tok)
            try Chapter3Functions.sameChat(try mine(prompt, false), kit.encode(prompt), "system and user turns alone (nothing to train on)", tok)
            // A misspelt role must stop the encoding, not silently drop the reply from the loss.
            let misspelt = [Message(role: "user", content: "Hi"), Message(role: "Assistant", content: "Hello there.")]
            if let r = try? mine(misspelt, false) {
                throw CheckFailure("the role \"Assistant\" (capital A) must throw an error; got \(r.ids.count) ids, \(r.trainable.filter { $0 }.count) of them trainable")
            }
        },
        Exercise("3.3", "Cross-entropy that skips masked positions, and its gradient", file: "exercises/03-sft/MaskedCrossEntropy.swift",
                 symbol: "maskedCrossEntropy", hints: [
                    "Loop over rows whose target is not CrossEntropy.ignoreIndex and count them; start the gradient as zeros of the logits' shape, so ignored rows stay zero.",
                    "−log softmax(z)[t] = logsumexp(z) − z[t], with logsumexp(z) = m + log Σ exp(z − m) and m = max z; the derivative of that term with respect to z is softmax(z) − onehot(t), and softmax(z)ⱼ = exp(zⱼ − logsumexp(z)).",
                    "Both the loss and every gradient row are divided by the number of counted rows, not by N; when none count, return 0 and the zero tensor. Test yourself: every counted row of your gradient sums to 0.",
                 ]) { flavor in
            let f = Chapter3Functions.table(flavor, "3.3")
            let ignored = CrossEntropy.ignoreIndex
            // By hand: row 0 is ignored; row 1 has logits (0, 0, ln 2), so softmax (¼, ¼, ½), and
            // target 2: loss −log ½ = ln 2, gradient (¼, ¼, ½) − (0, 0, 1), divided by 1 counted row.
            let ln2 = Float(log(2.0))
            let hand = try f.maskedCrossEntropy(Tensor([2, 3], [5, -1, 2, 0, 0, ln2]), [ignored, 2])
            let example = "logits [[5, −1, 2], [0, 0, ln 2]], targets [−100, 2]"
            try Expect.close(Double(hand.loss), log(2.0), tolerance: 1e-6, "\(example): the loss (ln 2)")
            try Expect.shape(hand.gradient.shape, [2, 3], "\(example): the gradient")
            try Expect.close(hand.gradient.array, [0, 0, 0, 0.25, 0.25, -0.5], tolerance: 1e-6, "\(example): the gradient")
            // Large random logits (exp(50) overflows Float without the max trick) against the
            // kit's autograd: the loss, then d(loss)/d(logits) from backward().
            var rng = SeededRandom(seed: 31)
            let logits = Tensor([5, 7], (0..<35).map { _ in rng.normal() * 3 + 50 })
            let targets = [2, ignored, 6, ignored, 0]
            let x = Variable(logits.copy(), requiresGrad: true)
            let kit = x.crossEntropy(targets: targets)
            KitAnswer.reference { kit.backward() }
            let got = try f.maskedCrossEntropy(logits, targets)
            let what = "logits [5, 7] near 50, targets \(targets)"
            try Expect.close(Double(got.loss), Double(kit.scalar), tolerance: 1e-5, "\(what): the loss")
            try Expect.shape(got.gradient.shape, [5, 7], "\(what): the gradient")
            try Expect.close(got.gradient.array, x.grad!.array, tolerance: 1e-5, "\(what), against autograd: the gradient")
            // Central differences of the loss, computed in Double, on smaller logits.
            let small = Tensor([4, 5], (0..<20).map { _ in rng.normal() * 2 })
            let smallTargets = [3, ignored, 0, 4]
            func loss(_ z: [Double]) -> Double {
                let counted = smallTargets.indices.filter { smallTargets[$0] != ignored }
                return counted.map { r in
                    let row = z[(r * 5)..<(r * 5 + 5)]
                    return log(row.map { exp($0) }.reduce(0, +)) - z[r * 5 + smallTargets[r]]
                }.reduce(0, +) / Double(counted.count)
            }
            let z = small.array.map(Double.init), eps = 1e-3
            let numeric = z.indices.map { i -> Float in
                var up = z, down = z
                up[i] += eps; down[i] -= eps
                return Float((loss(up) - loss(down)) / (2 * eps))
            }
            let fd = try f.maskedCrossEntropy(small, smallTargets)
            try Expect.close(Double(fd.loss), loss(z), tolerance: 1e-5, "logits [4, 5], targets \(smallTargets): the loss")
            try Expect.close(fd.gradient.array, numeric, tolerance: 1e-4, "logits [4, 5], targets \(smallTargets), against finite differences: the gradient")
            // Nothing to learn from: no loss and no gradient.
            let none = try f.maskedCrossEntropy(logits, [Int](repeating: ignored, count: 5))
            try Expect.close(Double(none.loss), 0, "all positions masked: the loss")
            try Expect.close(none.gradient.array, [Float](repeating: 0, count: 35), "all positions masked: the gradient")
        },
        Exercise("3.4", "Packing with boundaries", file: "exercises/03-sft/PackExamples.swift",
                 symbol: "packExamples", hints: [
                    "Treat each example on its own (targets, positions), then append; pad at the very end.",
                    "An example's last target is ignored (CrossEntropy.ignoreIndex): the next example's first token is not its continuation.",
                    "Positions restart at 0 for every example and segments count examples from 0; padding gets the pad id, an ignored target, position 0 and segment −1.",
                 ]) { flavor in
            let f = Chapter3Functions.table(flavor, "3.4")
            // The second example starts with a trainable token (as in raw-text packing), so a target that
            // crosses the boundary would be caught.
            let ex: [(ids: [Int], trainable: [Bool])] = [([1, 2, 3], [false, true, true]), ([4, 5, 6, 7], [true, false, true, true])]
            let r = try f.packExamples(ex, 10, 0)
            try Expect.that(r.inputs == [1, 2, 3, 4, 5, 6, 7, 0, 0, 0], "inputs: got \(r.inputs)")
            let ignored = CrossEntropy.ignoreIndex
            try Expect.that(r.targets == [2, 3, ignored, ignored, 6, 7, ignored, ignored, ignored, ignored],
                            "targets: expected [2, 3, -100, -100, 6, 7, -100, -100, -100, -100], got \(r.targets)")
            try Expect.that(r.positions == [0, 1, 2, 0, 1, 2, 3, 0, 0, 0], "positions: got \(r.positions)")
            try Expect.that(r.segments == [0, 0, 0, 1, 1, 1, 1, -1, -1, -1], "segments: got \(r.segments)")
            // The kit's packer agrees on a row.
            let kit = SFTBatching.packed(ex.map { TokenizedExample(ids: $0.ids, trainable: $0.trainable) }, length: 10, pad: 0)
            try Expect.that(kit.targets == r.targets && kit.positions! == r.positions, "differs from SFTBatching.packed")
        },
        Exercise("3.5", "A train/eval leakage check", file: "exercises/03-sft/LeakageCheck.swift",
                 symbol: "leakedPrompts", hints: [
                    "Write a shingles(text) helper returning a Set<String>: lower-case, split on isWhitespace, then join every run of n consecutive words with single spaces; with fewer than n words, return the one shingle of all of them.",
                    "Shingle every training prompt once. For each eval prompt, count the shared shingles c against every training prompt: the Jaccard is c / (|A| + |B| − c). Keep the largest, replacing it only when strictly larger, so ties keep the lower training index.",
                    "An exact match is not a separate case: the same text after normalisation has the same shingles, so its Jaccard is 1. Test yourself: one word changed in the middle of a 12-word prompt leaves 7 of 10 shingles in common, 7/13 ≈ 0.54, well below 0.9.",
                 ]) { flavor in
            let f = Chapter3Functions.table(flavor, "3.5")
            func show(_ r: [(eval: Int, train: Int, similarity: Double)]) -> String {
                "[" + r.map { "(eval \($0.eval), train \($0.train), \(String(format: "%.4f", $0.similarity)))" }.joined(separator: ", ") + "]"
            }
            func same(_ got: [(eval: Int, train: Int, similarity: Double)], _ expected: [(eval: Int, train: Int, similarity: Double)],
                      _ what: String) throws {
                guard got.count == expected.count, zip(got, expected).allSatisfy({
                    $0.eval == $1.eval && $0.train == $1.train && abs($0.similarity - $1.similarity) <= 1e-12
                }) else { throw CheckFailure("\(what): expected \(show(expected)), got \(show(got))") }
            }
            // By hand, 3-word shingles. The 12-word prompt has 10 shingles; "cracked" → "broken" (word 6)
            // changes the 3 shingles that hold it: 7 shared, 10 + 10 − 7 = 13 in the union, J = 7/13.
            // Its last word changed changes 1 shingle: 9 shared, 11 in the union, J = 9/11.
            let prompt = "my kettle arrived with a cracked lid and i want a refund"
            let train = ["Where is my order SD-1?", "my kettle arrived with a broken lid and i want a refund",
                         "my kettle arrived with a cracked lid and i want a replacement", "I want a refund."]
            let eval = ["where is my  order\nSD-1?", "Is the kettle in stock?", prompt, "MY KETTLE arrived with a cracked lid and I want a refund  "]
            try same(try f.leakedPrompts(train, eval, 3, 0.5), [(0, 0, 1), (2, 2, 9.0 / 11), (3, 2, 9.0 / 11)],
                     "train \(train), eval \(eval), n 3, threshold 0.5 (the exact match after normalisation has J = 1; "
                        + "the 12-word prompt is 9/11 from train[2] and 7/13 from train[1]; the kettle-in-stock question matches nothing)")
            try same(try f.leakedPrompts(Array(train.prefix(2)), eval, 3, 0.5), [(0, 0, 1), (2, 1, 7.0 / 13), (3, 1, 7.0 / 13)],
                     "train \(Array(train.prefix(2))), eval \(eval), n 3, threshold 0.5 (one word changed in the middle: J = 7/13)")
            try same(try f.leakedPrompts(train, eval, 3, 0.9), [(0, 0, 1)],
                     "the same with threshold 0.9 (9/11 ≈ 0.82 is below it)")
            // Texts shorter than n words are one shingle of all their words (none for an empty text).
            let shortTrain = ["refund please", "I want a refund", ""]
            let shortEval = ["Refund  PLEASE", "please refund", "i want a", "refund", "  "]
            try same(try f.leakedPrompts(shortTrain, shortEval, 3, 0.5), [(0, 0, 1), (2, 1, 0.5), (4, 2, 1)],
                     "train \(shortTrain), eval \(shortEval), n 3, threshold 0.5 (\"i want a\" shares 1 of the 2 shingles of \"i want a refund\")")
            try same(try f.leakedPrompts([], eval, 3, 0.5), [], "an empty training set")
            try same(try f.leakedPrompts(train, [], 3, 0.5), [], "no eval prompts")
            // Against the kit on generated prompts: training prompts from a small vocabulary, eval
            // prompts copied from them with 0–3 words replaced and case and spacing changed, or new.
            var rng = SeededRandom(seed: 35)
            let vocabulary = ["where", "is", "my", "order", "the", "kettle", "refund", "lamp", "a", "i", "want", "broken"]
            func sentence() -> [String] { (0..<(2 + rng.int(13))).map { _ in vocabulary[rng.int(vocabulary.count)] } }
            let trainSet = (0..<60).map { _ in sentence() }
            let evalSet = (0..<50).map { _ -> [String] in
                guard rng.int(4) > 0 else { return sentence() }
                var w = trainSet[rng.int(trainSet.count)]
                for _ in 0..<rng.int(4) { w[rng.int(w.count)] = vocabulary[rng.int(vocabulary.count)] }
                return w.map { rng.int(3) == 0 ? $0.uppercased() : $0 }
            }
            let trainTexts = trainSet.map { $0.joined(separator: " ") }
            let evalTexts = evalSet.map { $0.joined(separator: rng.int(2) == 0 ? " " : "  \t") }
            for (n, threshold) in [(3, 0.9), (3, 0.6), (2, 0.75), (1, 0.5), (4, 0.3), (3, 1.0)] {
                let kit = KitAnswer.reference { Leakage.check(train: trainTexts, eval: evalTexts, n: n, threshold: threshold) }
                try same(try f.leakedPrompts(trainTexts, evalTexts, n, threshold), kit.map { ($0.eval, $0.train, $0.similarity) },
                         "60 generated training prompts and 50 eval prompts (seed 35), n \(n), threshold \(threshold), against Leakage.check")
            }
        },
    ]
}
