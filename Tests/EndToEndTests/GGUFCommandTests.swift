import Foundation
import PythonOracle
import XCTest

/// `inspect` and `spectra` on the real SmolLM2 GGUF answer as on its Hugging Face folder (made
/// independently by `scripts/test-models` with the `gguf` package and numpy): same tensor names,
/// shapes and parameters, the same spectra to the last digit; while `inspect` shows each tensor's
/// GGUF type and the bytes the `gguf` package says it occupies.
final class GGUFCommandTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws { directory = try Harness.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    private func folder() throws -> URL {
        do {
            return try TestModels.folder(TestModels.smolLM2)
        } catch let unavailable as TestModels.Unavailable {
            throw XCTSkip(unavailable.description)
        }
    }

    private func json(_ arguments: [String]) throws -> [String: Any] {
        let outcome = try Harness.rankscope(arguments, cacheHome: directory + "/cache")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
    }

    private func tensors(_ report: [String: Any]) -> [[String: Any]] {
        (report["groups"] as? [[String: Any]] ?? []).flatMap { $0["tensors"] as? [[String: Any]] ?? [] }
    }

    func testInspectListsTheHuggingFaceTensorsWithGGUFTypesAndRealBytes() throws {
        let folder = try folder()
        let gguf = try json(["inspect", "--json", folder.appendingPathComponent("model.gguf").path])
        let hf = try json(["inspect", "--json", folder.path])
        XCTAssertEqual(gguf["kind"] as? String, "gguf")
        let key = { (t: [String: Any]) in "\(t["name"]!) \(t["shape"]!) \(t["parameters"]!) \(t["kind"]!)" }
        XCTAssertEqual(tensors(gguf).map(key).sorted(), tensors(hf).map(key).sorted())
        let config = try XCTUnwrap(gguf["config"] as? [String: Any])
        XCTAssertEqual(config["attention_heads"] as? Int, 9)
        XCTAssertEqual(config["key_value_heads"] as? Int, 3)
        XCTAssertEqual(config["layers"] as? Int, 30)
        let output = try PythonOracle.run("""
        import sys, gguf
        for t in gguf.GGUFReader(sys.argv[1]).tensors:
            print(t.tensor_type.name, int(t.n_bytes))
        """, [folder.appendingPathComponent("model.gguf").path])
        let expected = output.split(separator: "\n").map(String.init)
        // The listing is grouped by block; the file order is the GGUF's, so compare as multisets
        // keyed by the stored name's HF equivalent through the per-tensor `file` order.
        let mine = tensors(gguf).map { "\($0["dtype"]!) \($0["bytes"]!)" }
        let bits = Dictionary(tensors(gguf).map { ("\($0["dtype"]!)", $0["bits_per_weight"] as? Double) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(bits, ["Q4_1": 5.0, "Q8_0": 8.5, "F32": 32.0])
        XCTAssertEqual(mine.sorted(), expected.sorted())
        let total = try XCTUnwrap((gguf["totals"] as? [String: Any])?["bytes"] as? Int)
        XCTAssertEqual(total, expected.map { Int($0.split(separator: " ")[1])! }.reduce(0, +))
    }

    /// `eval` runs the GGUF itself (its tensors dequantized, its vocabulary as the tokenizer) and
    /// scores the text exactly as on the Hugging Face folder made from it in Python.
    func testEvalOfTheGGUFEqualsEvalOfItsHuggingFaceFolder() throws {
        let folder = try folder()
        let text = try TestModels.folder(TestModels.texts).appendingPathComponent("evaluation.txt").path
        let arguments = ["--text", text, "--seq-len", "32", "--max-tokens", "64", "--json"]
        let gguf = try json(["eval", folder.appendingPathComponent("model.gguf").path] + arguments)
        let hf = try json(["eval", folder.path] + arguments)
        XCTAssertEqual(gguf["tokens"] as? Int, 64)
        XCTAssertEqual(gguf["tokens"] as? Int, hf["tokens"] as? Int)
        let perplexity = { (report: [String: Any]) in (report["original"] as? [String: Any])?["perplexity"] as? Double }
        let measured = try XCTUnwrap(perplexity(gguf))
        XCTAssertEqual(measured, try XCTUnwrap(perplexity(hf)), accuracy: measured * 1e-12)
        XCTAssertGreaterThan(measured, 1)
        XCTAssertLessThan(measured, 1000)
    }

    func testPlanCountsTheGGUFsRealBytesBeforeAndTheF32OutputAfter() throws {
        let folder = try folder()
        let path = folder.appendingPathComponent("model.gguf").path
        let plan = try json(["plan", "--json", path])
        let model = try XCTUnwrap((plan["totals"] as? [String: Any])?["model"] as? [String: Any])
        let output = try PythonOracle.run("""
        import sys, gguf
        r = gguf.GGUFReader(sys.argv[1])
        print(sum(int(t.n_bytes) for t in r.tensors), sum(int(t.n_elements) for t in r.tensors))
        """, [path])
        let figures = output.split(separator: " ").map { Int($0.trimmingCharacters(in: .whitespacesAndNewlines))! }
        XCTAssertEqual(model["bytes_before"] as? Int, figures[0])
        XCTAssertEqual(model["bytes_after"] as? Int, 4 * figures[1], "kept tensors are written as F32")
    }

    func testASecondSpectraRunComesFromTheCache() throws {
        let path = try folder().appendingPathComponent("model.gguf").path
        let arguments = ["spectra", "--json", "--values", "--filter", "layers\\.3\\.self_attn", path]
        let first = try json(arguments), second = try json(arguments)
        let cached = { (report: [String: Any]) in (report["matrices"] as? [[String: Any]] ?? []).map { $0["from_cache"] as? Bool } }
        XCTAssertEqual(cached(first), [false, false, false, false])
        XCTAssertEqual(cached(second), [true, true, true, true])
        let values = { (report: [String: Any]) in (report["matrices"] as? [[String: Any]] ?? []).map { $0["singular_values"] as? [Double] ?? [] } }
        XCTAssertEqual(values(first), values(second))
    }

    /// `compress` of the GGUF writes a folder Python's `safetensors` loads, whose copied tensors
    /// equal the HF form, whose config.json holds every fact of the HF form's config.json, and
    /// whose tokenizer.json (made from the GGUF vocabulary) gives the same ids through `tokenizers`.
    func testCompressWritesALoadableHuggingFaceFolder() throws {
        let folder = try folder()
        let plan = directory + "/plan.json", output = directory + "/out"
        try #"{"format": "rankscope-plan", "version": 1, "rules": [{"match": "layers\\.0\\.self_attn\\.q_proj", "rank": 8}]}"#
            .write(toFile: plan, atomically: true, encoding: .utf8)
        let outcome = try Harness.rankscope(["compress", folder.appendingPathComponent("model.gguf").path, "--plan", plan,
                                             "--out", output, "--factor-type", "f32"], cacheHome: directory + "/cache")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        try PythonOracle.run("""
        import glob, json, sys, numpy as np
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer
        out, hf = sys.argv[1], sys.argv[2]
        mine = {}
        for shard in glob.glob(out + "/*.safetensors"):
            mine.update(load_file(shard))
        theirs = load_file(hf + "/model.safetensors")
        copied = [k for k in theirs if k in mine]
        assert len(copied) == len(theirs) - 1, (len(copied), len(theirs))
        assert "model.layers.0.self_attn.q_proj.0.weight" in mine
        for k in copied:
            assert mine[k].dtype == np.float32 and np.array_equal(mine[k], theirs[k]), k
        config, reference = json.load(open(out + "/config.json")), json.load(open(hf + "/config.json"))
        for key, value in reference.items():
            assert config.get(key) == value, (key, config.get(key), value)
        a, b = Tokenizer.from_file(out + "/tokenizer.json"), Tokenizer.from_file(hf + "/tokenizer.json")
        texts = ["Hello world, 12345 apples!", "<|im_start|>user\\nWhat is 2+2?<|im_end|>", "naïve café — 東京 🙂", "  spaces\\tand\\nlines  "]
        for text in texts:
            assert a.encode(text).ids == b.encode(text).ids, (text, a.encode(text).ids, b.encode(text).ids)
            assert a.decode(a.encode(text).ids, skip_special_tokens=False) == text, text
        assert a.get_vocab_size() == 49152
        """, [output, folder.path])
    }

    /// A tensor of a type without a dequantizer (IQ4_NL) is listed with its type and real bytes,
    /// and `spectra` skips it with a note while analysing the rest.
    func testUndecodableTypesAreListedAndSkippedWithANote() throws {
        let path = directory + "/mixed.gguf"
        try PythonOracle.run("""
        import sys, numpy as np, gguf
        Q = gguf.GGMLQuantizationType
        w = gguf.GGUFWriter(sys.argv[1], "llama")
        w.add_block_count(1); w.add_head_count(2); w.add_head_count_kv(2); w.add_embedding_length(64)
        rng = np.random.default_rng(0)
        w.add_tensor("blk.0.attn_q.weight", rng.integers(0, 256, (64, 2 * 18), dtype=np.uint8), raw_dtype=Q.IQ4_NL)
        w.add_tensor("blk.0.ffn_up.weight", gguf.quants.quantize(rng.standard_normal((96, 64)).astype(np.float32), Q.Q8_0), raw_dtype=Q.Q8_0)
        w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
        """, [path])
        let listing = try json(["inspect", "--json", path])
        let rows = tensors(listing).map { "\($0["name"]!) \($0["dtype"]!) \($0["bytes"]!) \($0["shape"]!)" }
        XCTAssertTrue(rows.contains { $0.hasPrefix("model.layers.0.self_attn.q_proj.weight IQ4_NL 2304 ") }, "\(rows)")
        let outcome = try Harness.rankscope(["spectra", "--no-cache", path], cacheHome: directory + "/cache")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("model.layers.0.mlp.up_proj.weight"), outcome.stdout)
        XCTAssertEqual(outcome.stderr, "rankscope: note: 1 matrix is stored in a type rankscope cannot dequantize yet and was skipped: model.layers.0.self_attn.q_proj.weight (IQ4_NL).\n")
    }

    func testSpectraEqualTheHuggingFaceFolders() throws {
        let folder = try folder()
        let arguments = ["spectra", "--json", "--values", "--no-cache", "--filter", "layers\\.(4|29)\\."]
        let gguf = try json(arguments + [folder.appendingPathComponent("model.gguf").path])
        let hf = try json(arguments + [folder.path])
        let values = { (report: [String: Any]) -> [String: [Double]] in
            var out: [String: [Double]] = [:]
            for entry in report["matrices"] as? [[String: Any]] ?? [] {
                out[entry["name"] as? String ?? ""] = entry["singular_values"] as? [Double]
            }
            return out
        }
        let mine = values(gguf), theirs = values(hf)
        XCTAssertEqual(mine.count, 14, "\(gguf.keys)")
        XCTAssertEqual(mine, theirs)
    }
}
