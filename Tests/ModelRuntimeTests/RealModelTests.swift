import Foundation
import ModelRuntime
import PythonOracle
import XCTest

/// The real models of `scripts/test-models` against the numpy implementation: SmolLM2-135M's
/// logits and next-token log-likelihood on the first tokens of the evaluation text, and
/// all-MiniLM-L6-v2's last hidden states and sentence embeddings. Token ids come from the
/// Python `tokenizers` package reading each model's tokenizer.json.
final class RealModelTests: XCTestCase {
    func folder(_ name: String) throws -> URL {
        do { return try TestModels.folder(name) } catch let unavailable as TestModels.Unavailable {
            throw XCTSkip(unavailable.description)
        }
    }

    struct Ids: Decodable { var ids: [[Int]] }

    func testSmolLM2LogitsAgreeWithNumpy() throws {
        let model = try folder(TestModels.smolLM2), texts = try folder(TestModels.texts)
        let main = #"""
        from tokenizers import Tokenizer
        out, model, texts = sys.argv[1:4]
        ids = Tokenizer.from_file(os.path.join(model, 'tokenizer.json')).encode(open(os.path.join(texts, 'evaluation.txt')).read()).ids[:24]
        cfg, W = load(model)
        logits = llama(cfg, W, ids)
        save(out, 'logits', logits)
        lp = logits - logits.max(-1, keepdims=True); lp = lp - np.log(np.exp(lp).sum(-1, keepdims=True))
        save(out, 'nll', [-lp[np.arange(len(ids) - 1), ids[1:]].sum()])
        json.dump({'ids': [ids]}, open(os.path.join(out, 'results.json'), 'w'))
        """#
        try NumpyTransformer.run(main, arguments: [model.path, texts.path]) { out in
            let ids = try JSONDecoder().decode(Ids.self, from: Data(contentsOf: out.appendingPathComponent("results.json"))).ids[0]
            XCTAssertEqual(ids.count, 24)
            let runtime = try TransformerModel(path: model.path)
            let logits = try runtime.logits(ids)
            let difference = NumpyTransformer.relativeDifference(logits, try NumpyTransformer.doubles(out, "logits"))
            XCTAssertLessThan(difference, 1e-4, "SmolLM2 logits differ from numpy's by \(difference) relative")
            let nll = try runtime.negativeLogLikelihood(windows: [ids])
            let expected = try NumpyTransformer.doubles(out, "nll")[0]
            XCTAssertEqual(nll.predicted, 23)
            XCTAssertEqual(nll.total, expected, accuracy: expected * 1e-4)
        }
    }

    func testMiniLMHiddenStatesAndEmbeddingsAgreeWithNumpy() throws {
        let model = try folder(TestModels.miniLM), texts = try folder(TestModels.texts)
        let main = #"""
        from tokenizers import Tokenizer
        out, model, texts = sys.argv[1:4]
        tok = Tokenizer.from_file(os.path.join(model, 'tokenizer.json'))
        lines = [l for l in open(os.path.join(texts, 'sentences.txt')).read().splitlines() if l.strip()][:3]
        ids = [tok.encode(l).ids for l in lines]
        cfg, W = load(model)
        hidden = [bert(cfg, W, s) for s in ids]
        save(out, 'hidden', np.concatenate(hidden))
        pooled = np.stack([h.mean(0) for h in hidden]); pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
        save(out, 'embeddings', pooled)
        json.dump({'ids': ids}, open(os.path.join(out, 'results.json'), 'w'))
        """#
        try NumpyTransformer.run(main, arguments: [model.path, texts.path]) { out in
            let ids = try JSONDecoder().decode(Ids.self, from: Data(contentsOf: out.appendingPathComponent("results.json"))).ids
            XCTAssertEqual(ids.count, 3)
            let runtime = try TransformerModel(path: model.path)
            let hidden = try runtime.hiddenStates(ids)
            let difference = NumpyTransformer.relativeDifference(hidden, try NumpyTransformer.doubles(out, "hidden"))
            XCTAssertLessThan(difference, 1e-4, "MiniLM hidden states differ from numpy's by \(difference) relative")
            let embeddings = try runtime.sentenceEmbeddings(ids, normalize: true).flatMap { $0 }
            let embeddingDifference = NumpyTransformer.relativeDifference(embeddings, try NumpyTransformer.doubles(out, "embeddings"))
            XCTAssertLessThan(embeddingDifference, 1e-4, "MiniLM sentence embeddings differ from numpy's by \(embeddingDifference) relative")
        }
    }
}
