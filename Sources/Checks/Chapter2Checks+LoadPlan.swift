import Core
import Foundation
import Transformer

typealias Tensors = [(name: String, shape: [Int])]

/// Exercise 2.6: the three layouts a GPT-2 checkpoint comes in, each kind of misfit on its own
/// (the error must name the tensor, and both shapes for a shape), random checkpoints against
/// the kit's `GPT.loadPlan`, and a real `save_pretrained` file when the package's fixture is found.
func checkLoadPlan(_ plan: (Tensors, Tensors) throws -> [String: String]) throws {
    let config = GPTConfig(vocabSize: 16, contextLength: 8, embeddingSize: 8, layers: 2, heads: 2)
    let parameters: Tensors = GPT.parameterShapes(config).map { ($0.0, $0.1) }
    let model = "the parameters of a 2-layer GPT (width 8, vocabulary 16)"
    let prefixed: Tensors = parameters.map { ("transformer." + $0.name, $0.shape) }
    let masks: Tensors = [("h.0.attn.bias", [1, 1, 8, 8]), ("h.0.attn.masked_bias", []), ("h.1.attn.bias", [1, 1, 8, 8]), ("h.1.attn.masked_bias", [])]
    let layouts: [(String, Tensors)] = [
        ("this kit's file (every name prefixed with \"transformer.\")", prefixed),
        ("a save_pretrained file (prefixed, with the attention mask buffers and lm_head.weight)",
         prefixed + masks.map { ("transformer." + $0.name, $0.shape) } + [("lm_head.weight", [16, 8])]),
        ("an original hub file (no prefix, with the attention mask buffers)", masks.reversed() + parameters.reversed()),
    ]
    for (what, checkpoint) in layouts {
        let got: [String: String]
        do { got = try plan(checkpoint, parameters) } catch is Todo { throw Todo("2.6") } catch {
            throw CheckFailure("\(what), for \(model): a valid checkpoint, but your function threw: \(error)")
        }
        let expected = Dictionary(uniqueKeysWithValues: parameters.map { p in (p.name, checkpoint.first { $0.name == p.name || $0.name == "transformer." + p.name }!.name) })
        for p in parameters where got[p.name] != expected[p.name] {
            throw CheckFailure("\(what), for \(model): \"\(p.name)\" should come from \"\(expected[p.name]!)\", your plan says \(got[p.name].map { "\"\($0)\"" } ?? "nothing")")
        }
        if let extra = got.keys.sorted().first(where: { expected[$0] == nil }) {
            throw CheckFailure("\(what), for \(model): your plan has an entry for \"\(extra)\", which is not a parameter")
        }
    }

    // Each misfit alone, in this kit's layout: the file must be refused, naming the tensor.
    func replaced(_ name: String, by tensor: (name: String, shape: [Int])) -> Tensors { prefixed.map { $0.name == name ? tensor : $0 } }
    let misfits: [(String, Tensors, [String])] = [
        ("a tensor of a third layer", prefixed + [("transformer.h.2.ln_1.weight", [8])], ["h.2.ln_1.weight"]),
        ("a reward model's head", prefixed + [("score.weight", [1, 8])], ["score.weight"]),
        ("a prefix given twice", replaced("transformer.wte.weight", by: ("transformer.transformer.wte.weight", [16, 8])), ["transformer.wte.weight"]),
        ("a misspelt name", replaced("transformer.h.0.attn.c_attn.weight", by: ("transformer.h.0.attn.c_attn.weights", [8, 24])), ["c_attn.weights"]),
        ("ln_f.bias with 3 numbers", replaced("transformer.ln_f.bias", by: ("transformer.ln_f.bias", [3])), ["ln_f.bias", "[3]", "[8]"]),
        ("a c_attn weight stored transposed", replaced("transformer.h.1.attn.c_attn.weight", by: ("transformer.h.1.attn.c_attn.weight", [24, 8])),
         ["h.1.attn.c_attn.weight", "[24, 8]", "[8, 24]"]),
        ("a missing tensor", prefixed.filter { $0.name != "transformer.h.1.mlp.c_proj.bias" }, ["h.1.mlp.c_proj.bias"]),
        ("a missing c_attn bias, with the mask buffers", prefixed.filter { $0.name != "transformer.h.0.attn.c_attn.bias" } + masks, ["h.0.attn.c_attn.bias"]),
        ("wte.weight twice, with and without the prefix", prefixed + [("wte.weight", [16, 8])], ["wte.weight"]),
    ]
    for (what, checkpoint, mentions) in misfits {
        try expectRefusal("a checkpoint with \(what), for \(model)", mentioning: mentions) { try plan(checkpoint, parameters) }
    }

    // Against the kit, on random models and files: a layout, an order, and at most one misfit.
    var rng = SeededRandom(seed: 26)
    for trial in 0..<120 {
        let (layers, width) = (1 + rng.int(3), 2 * (1 + rng.int(4)))
        let c = GPTConfig(vocabSize: 5 + rng.int(20), contextLength: 2 + rng.int(9), embeddingSize: width, layers: layers, heads: 1)
        let params: Tensors = GPT.parameterShapes(c).map { ($0.0, $0.1) }
        var file: Tensors = params.map { (rng.int(3) == 0 ? $0.name : "transformer." + $0.name, $0.shape) }
        if rng.int(2) == 0 { file += (0..<layers).map { ("h.\($0).attn.bias", [1, 1, c.contextLength, c.contextLength]) } }
        if rng.int(2) == 0 { file.append(("lm_head.weight", [c.vocabSize, width])) }
        var misfit = "no misfit", mentions: [String] = []
        let k = rng.int(file.count)
        switch trial % 5 {
        case 1: misfit = "\"\(file[k].name)\" left out"; mentions = [file[k].name]; file.remove(at: k)
        case 2: misfit = "\"\(file[k].name)\" with one more row"; mentions = [file[k].name]; file[k].shape = [file[k].shape.first.map { $0 + 1 } ?? 1] + file[k].shape.dropFirst()
        case 3: misfit = "an extra \"h.\(layers).ln_2.bias\""; mentions = ["h.\(layers).ln_2.bias"]; file.insert(("h.\(layers).ln_2.bias", [width]), at: k)
        case 4: misfit = "\"\(file[k].name)\" twice"; mentions = [file[k].name.replacingOccurrences(of: "transformer.", with: "")]; file.append(file[k])
        default: break
        }
        for i in stride(from: file.count - 1, to: 0, by: -1) { file.swapAt(i, rng.int(i + 1)) }
        let what = "a checkpoint of \(file.count) tensors (\(misfit)) for a \(layers)-layer GPT of width \(width)"
        let kit = Result { try GPT.loadPlan(checkpoint: file, parameters: params) }
        switch kit {
        case .success(let expected):
            let got: [String: String]
            do { got = try plan(file, params) } catch is Todo { throw Todo("2.6") } catch {
                throw CheckFailure("\(what): the kit loads it, but your function threw: \(error)")
            }
            if let p = params.first(where: { got[$0.name] != expected[$0.name] }) {
                throw CheckFailure("\(what): \"\(p.name)\" should come from \"\(expected[p.name]!)\", your plan says \(got[p.name].map { "\"\($0)\"" } ?? "nothing")")
            }
            try Expect.that(got.count == expected.count, "\(what): your plan has \(got.count) entries for \(expected.count) parameters")
        case .failure:
            try expectRefusal(what, mentioning: mentions.map { $0.hasPrefix("transformer.") ? String($0.dropFirst(12)) : $0 }) { try plan(file, params) }
        }
    }

    // A real file written by Hugging Face's save_pretrained (Tests/ChapterTests/Fixtures).
    guard let dir = fixtureDirectory("hf-tiny-gpt2") else { return }
    let real = try GPTConfig.load(path: dir.appendingPathComponent("config.json").path)
    let file = try SafetensorsFile.open(path: dir.appendingPathComponent("model.safetensors").path)
    let tensors: Tensors = file.entries.map { ($0.name, $0.shape) }, params: Tensors = GPT.parameterShapes(real).map { ($0.0, $0.1) }
    let expected = try GPT.loadPlan(checkpoint: tensors, parameters: params)
    let got: [String: String]
    do { got = try plan(tensors, params) } catch is Todo { throw Todo("2.6") } catch {
        throw CheckFailure("the Hugging Face fixture \(dir.lastPathComponent) (\(tensors.count) tensors): your function threw: \(error)")
    }
    try Expect.that(got == expected, "the Hugging Face fixture \(dir.lastPathComponent): your plan differs from the kit's (\(got.count) entries, the kit's \(expected.count))")
}

/// `body` must throw a one-line error holding every string of `mentioning`.
private func expectRefusal(_ what: String, mentioning: [String], _ body: () throws -> [String: String]) throws {
    let got: [String: String]
    do { got = try body() } catch is Todo { throw Todo("2.6") } catch {
        let message = "\(error)"
        for word in mentioning where !message.contains(word) {
            throw CheckFailure("\(what): refused, but the error does not name \(word): \(message)")
        }
        try Expect.that(!message.contains("\n"), "\(what): the error must be one line, got: \(message)")
        return
    }
    throw CheckFailure("\(what): expected an error, got a plan for \(got.count) parameters")
}

/// Tests/ChapterTests/Fixtures/NAME in this package: found from this source file's location
/// (a build from the checkout), else from the working directory and its parents.
private func fixtureDirectory(_ name: String) -> URL? {
    let sub = "Tests/ChapterTests/Fixtures/\(name)"
    var candidates = [URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()]
    var url = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    for _ in 0..<6 { candidates.append(url); url.deleteLastPathComponent() }
    return candidates.map { $0.appendingPathComponent(sub) }
        .first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("model.safetensors").path) }
}
