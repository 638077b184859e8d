import Foundation
import PythonOracle
import XCTest

/// `rankscope eval --plan` (layers compressed in memory) and `--compressed` (the folder
/// `compress` wrote for the same plan) give the same candidate perplexity, and it equals numpy's
/// on the folder's factors multiplied out (GPT-2's Conv1D layers are stored `[in, out]`, so
/// their factors are too); a plan made for another checkpoint is one sentence.
final class EvalCandidateTests: XCTestCase {
    static let compressedPerplexity = #"""
    import glob
    out, name, folder, seq = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    from tokenizers import Tokenizer
    ids = Tokenizer.from_file(os.path.join(out, name, 'tokenizer.json')).encode(open(os.path.join(out, 'text.txt')).read()).ids
    cfg, _ = load(os.path.join(out, name))
    W = {}
    for f in glob.glob(os.path.join(folder, '*.safetensors')): W.update(float_tensors(f))
    factored = [k[:-len('.0.weight')] for k in W if k.endswith('.0.weight') and k[:-len('.0.weight')] + '.1.weight' in W]
    for m in factored:
        W[m + '.weight'] = W.pop(m + '.1.weight') @ W.pop(m + '.0.weight')
        if m + '.1.bias' in W: W[m + '.bias'] = W.pop(m + '.1.bias')
    assert factored, 'no factored layer in the folder'
    total, count = 0.0, 0
    for s in range(0, len(ids) - seq + 1, seq):
        w = ids[s:s + seq]
        logits = (gpt if cfg['model_type'].startswith('gpt') else llama)(cfg, W, w)
        lp = logits - logits.max(-1, keepdims=True); lp = lp - np.log(np.exp(lp).sum(-1, keepdims=True))
        total += -lp[np.arange(len(w) - 1), w[1:]].sum(); count += len(w) - 1
    print(float(np.exp(total / count)))
    """#

    func candidatePerplexity(_ fixture: EvalFixture, _ arguments: [String]) throws -> (original: Double, candidate: Double, parameters: Int) {
        let outcome = try Harness.rankscope(["eval"] + arguments + ["--seq-len", "16", "--json"], cacheHome: fixture.cache)
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let report = try XCTUnwrap(try Harness.json(outcome.stdout) as? [String: Any])
        let original = try XCTUnwrap(report["original"] as? [String: Any]), candidate = try XCTUnwrap(report["candidate"] as? [String: Any])
        let originalPerplexity = try XCTUnwrap(original["perplexity"] as? Double), candidatePerplexity = try XCTUnwrap(candidate["perplexity"] as? Double)
        // The increase paired window by window: its mean is ln(candidate/original), its standard error sd/√n of the windows' increases.
        let before = try XCTUnwrap(original["window_losses"] as? [Double]), after = try XCTUnwrap(candidate["window_losses"] as? [Double])
        XCTAssertEqual(before.count, report["windows"] as? Int)
        let increases = zip(after, before).map { $0 - $1 }, n = Double(increases.count)
        let mean = increases.reduce(0, +) / n
        let error = (increases.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1) / n).squareRoot()
        let paired = try XCTUnwrap(report["paired"] as? [String: Any])
        XCTAssertEqual(try XCTUnwrap(paired["loss_increase"] as? Double), log(candidatePerplexity / originalPerplexity), accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(paired["loss_increase_standard_error"] as? Double), error, accuracy: 1e-12)
        let range = try XCTUnwrap(paired["perplexity_range"] as? [Double])
        XCTAssertEqual(range[0], originalPerplexity * exp(mean - 2 * error), accuracy: originalPerplexity * 1e-9)
        XCTAssertEqual(range[1], originalPerplexity * exp(mean + 2 * error), accuracy: originalPerplexity * 1e-9)
        return (originalPerplexity, candidatePerplexity, try XCTUnwrap(candidate["linear_parameters"] as? Int))
    }

    func testPlanInMemoryEqualsCompressedFolderAndNumpy() throws {
        try EvalFixture.with { fixture in
            for (name, target) in [("llama-gqa", "14000"), ("gpt2", "9000")] {
                let model = fixture.model(name), plan = fixture.folder + "/\(name)-plan.json", out = fixture.folder + "/\(name)-compressed"
                XCTAssertEqual(try Harness.rankscope(["plan", model, "--target-params", target, "--out", plan], cacheHome: fixture.cache).status, 0)
                let compress = try Harness.rankscope(["compress", model, "--plan", plan, "--out", out], cacheHome: fixture.cache)
                XCTAssertEqual(compress.status, 0, compress.stderr)
                let inMemory = try candidatePerplexity(fixture, [model, "--plan", plan, "--text", fixture.text])
                let fromDisk = try candidatePerplexity(fixture, [model, "--compressed", out, "--text", fixture.text])
                XCTAssertEqual(inMemory.candidate, fromDisk.candidate, accuracy: fromDisk.candidate * 1e-6, name)
                XCTAssertEqual(inMemory.parameters, fromDisk.parameters)
                XCTAssertNotEqual(inMemory.candidate, inMemory.original, accuracy: inMemory.original * 1e-3, "the plan changes the model")
                let expected = Double(try PythonOracle.run(NumpyTransformer.library + Self.compressedPerplexity,
                                                           [fixture.folder, name, out, "16"]).trimmingCharacters(in: .whitespacesAndNewlines))!
                XCTAssertEqual(fromDisk.candidate, expected, accuracy: expected * 1e-5, "\(name): numpy on the folder's factors")
            }
        }
    }

    /// The whole data-aware loop without Python: `stats`, then `eval --plan --stats` equals
    /// `compress --stats` followed by `eval --compressed`.
    func testDataAwarePlanInMemoryEqualsCompressedFolder() throws {
        try EvalFixture.with { fixture in
            let model = fixture.model("llama-gqa"), stats = fixture.folder + "/stats.safetensors"
            let plan = fixture.folder + "/plan.json", out = fixture.folder + "/compressed"
            XCTAssertEqual(try Harness.rankscope(["stats", model, "--text", fixture.text, "--out", stats, "--seq-len", "64"], cacheHome: fixture.cache).status, 0)
            XCTAssertEqual(try Harness.rankscope(["plan", model, "--stats", stats, "--target-params", "14000", "--out", plan], cacheHome: fixture.cache).status, 0)
            let compress = try Harness.rankscope(["compress", model, "--plan", plan, "--stats", stats, "--out", out], cacheHome: fixture.cache)
            XCTAssertEqual(compress.status, 0, compress.stderr)
            let inMemory = try candidatePerplexity(fixture, [model, "--plan", plan, "--stats", stats, "--text", fixture.text])
            let fromDisk = try candidatePerplexity(fixture, [model, "--compressed", out, "--text", fixture.text])
            let plain = try candidatePerplexity(fixture, [model, "--plan", plan, "--text", fixture.text])
            XCTAssertEqual(inMemory.candidate, fromDisk.candidate, accuracy: fromDisk.candidate * 1e-6)
            XCTAssertNotEqual(inMemory.candidate, plain.candidate, accuracy: plain.candidate * 1e-6, "--stats changes the factors")
        }
    }

    /// Ŵ = Uᵀ·(Q + A·B)·V of every CALDERA layer of a `--incoherence --e8p` folder (16-bit factors),
    /// by docs/compression.md's numpy, in place of its tensors; then `compressedPerplexity`.
    static let incoherentE8PWeights = #"""
    import glob
    folder = sys.argv[3]
    \#(NumpyLayouts.e8pAndIncoherence)
    from safetensors import safe_open
    section = json.load(open(os.path.join(folder, 'config.json')))['rankscope']
    raw = {}
    for f in glob.glob(os.path.join(folder, '*.safetensors')):
        with safe_open(f, 'np') as h: raw.update({k: h.get_tensor(k) for k in h.keys() if '.backbone.e8p' in k})
    _float_tensors = float_tensors
    def float_tensors(path):
        W = _float_tensors(path)
        for module, e in section['layers'].items():
            if e.get('method') != 'caldera' or module + '.0.weight' not in W: continue
            m, n = e['shape']
            Q = e8p_decode(raw[module + '.backbone.e8p'], raw[module + '.backbone.e8p_scales'])
            s = splitmix_signs(e['incoherence_seed'], m + n)
            W[module + '.0.weight'] = transform(s[:m]).T @ (Q + W[module + '.1.weight'] @ W[module + '.0.weight']) @ transform(s[m:])
            W[module + '.1.weight'] = np.eye(m)
        return W
    """#

    /// `eval` runs `--incoherence --e8p` CALDERA layers from their packed backbones with the
    /// transforms on the activations (also GPT-2's Conv1D, stored `[in, out]`): in memory and
    /// from the folder alike, and as numpy's dense Ŵ = Uᵀ·(Q + A·B)·V computes.
    func testIncoherentE8PLayersRunPackedAsTheDenseWeight() throws {
        try EvalFixture.with { fixture in
            let plan = fixture.folder + "/e8p-plan.json"
            try #"{"format": "rankscope-plan", "version": 1, "rules": [{"match": "(attn|mlp)\\.", "rank": 4, "bits": 16, "backbone_bits": 2, "backbone_codebook": "e8p"}]}"#
                .write(toFile: plan, atomically: true, encoding: .utf8)
            for name in ["llama-gqa", "gpt2"] {
                let model = fixture.model(name), out = fixture.folder + "/\(name)-e8p"
                let compress = try Harness.rankscope(["compress", model, "--plan", plan, "--out", out, "--incoherence"],
                                                     cacheHome: fixture.cache)
                XCTAssertEqual(compress.status, 0, compress.stderr)
                let inMemory = try candidatePerplexity(fixture, [model, "--plan", plan, "--incoherence", "--text", fixture.text])
                let fromDisk = try candidatePerplexity(fixture, [model, "--compressed", out, "--text", fixture.text])
                XCTAssertEqual(inMemory.candidate, fromDisk.candidate, accuracy: fromDisk.candidate * 1e-6, name)
                XCTAssertNotEqual(fromDisk.candidate, fromDisk.original, accuracy: fromDisk.original * 1e-3, "the plan changes the model")
                let expected = Double(try PythonOracle.run(NumpyTransformer.library + Self.incoherentE8PWeights + "\n" + Self.compressedPerplexity,
                                                           [fixture.folder, name, out, "16"]).trimmingCharacters(in: .whitespacesAndNewlines))!
                XCTAssertEqual(fromDisk.candidate, expected, accuracy: expected * 1e-5, "\(name): numpy's dense Ŵ")
            }
        }
    }

    func testPlanForAnotherCheckpointIsOneSentence() throws {
        try EvalFixture.with { fixture in
            let plan = fixture.folder + "/plan.json"
            XCTAssertEqual(try Harness.rankscope(["plan", fixture.model("llama-gqa"), "--target-params", "14000", "--out", plan],
                                                 cacheHome: fixture.cache).status, 0)
            try fixture.assertOneSentence(["eval", fixture.model("gpt2"), "--plan", plan, "--text", fixture.text, "--seq-len", "16"],
                                          naming: "plan.json", mentions: "model.layers.0")
        }
    }
}

/// `rankscope eval` of an encoder: the candidate's agreement (cosines, correlation of pairwise
/// similarities) equals numpy's from the original weights and the compressed folder's factors.
final class EvalEncoderTests: XCTestCase {
    static let agreement = #"""
    import glob
    out, folder = sys.argv[1], sys.argv[2]
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(os.path.join(out, 'bert', 'tokenizer.json'))
    lines = [l.strip() for l in open(os.path.join(out, 'text.txt')).read().splitlines() if l.strip()]
    cfg, W = load(os.path.join(out, 'bert'))
    C = dict(W)
    for f in glob.glob(os.path.join(folder, '*.safetensors')): C.update(float_tensors(f))
    for m in [k[:-len('.0.weight')] for k in C if k.endswith('.0.weight') and k[:-len('.0.weight')] + '.1.weight' in C]:
        C[m + '.weight'] = C.pop(m + '.1.weight') @ C.pop(m + '.0.weight')
        if m + '.1.bias' in C: C[m + '.bias'] = C.pop(m + '.1.bias')
    def embed(weights):
        e = np.stack([bert(cfg, weights, tok.encode(l).ids).mean(0) for l in lines])
        return e / np.linalg.norm(e, axis=1, keepdims=True)
    a, b = embed(W), embed(C)
    cos = (a * b).sum(1); iu = np.triu_indices(len(a), 1)
    r = np.corrcoef((a @ a.T)[iu], (b @ b.T)[iu])[0, 1]
    print(json.dumps([float(cos.mean()), float(cos.min()), float(r), len(lines)]))
    """#

    func testEncoderAgreementEqualsNumpy() throws {
        try EvalFixture.with { fixture in
            let model = fixture.model("bert"), plan = fixture.folder + "/bert-plan.json", out = fixture.folder + "/bert-compressed"
            XCTAssertEqual(try Harness.rankscope(["plan", model, "--target-params", "9000", "--out", plan], cacheHome: fixture.cache).status, 0)
            XCTAssertEqual(try Harness.rankscope(["compress", model, "--plan", plan, "--out", out], cacheHome: fixture.cache).status, 0)
            let outcome = try Harness.rankscope(["eval", model, "--compressed", out, "--text", fixture.text, "--json"], cacheHome: fixture.cache)
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            let report = try XCTUnwrap(try Harness.json(outcome.stdout) as? [String: Any])
            let agreement = try XCTUnwrap(report["agreement"] as? [String: Any])
            let expected = try JSONDecoder().decode([Double].self, from: Data(PythonOracle.run(NumpyTransformer.library + Self.agreement,
                                                                                              [fixture.folder, out]).utf8))
            XCTAssertEqual(report["metric"] as? String, "embedding")
            XCTAssertEqual(report["sentences"] as? Int, Int(expected[3]))
            XCTAssertEqual(try XCTUnwrap(agreement["mean_cosine"] as? Double), expected[0], accuracy: 1e-5)
            XCTAssertEqual(try XCTUnwrap(agreement["min_cosine"] as? Double), expected[1], accuracy: 1e-5)
            XCTAssertEqual(try XCTUnwrap(agreement["similarity_correlation"] as? Double), expected[2], accuracy: 1e-5)
            XCTAssertLessThan(expected[0], 0.9999, "the compression changes the embeddings")
        }
    }
}
