import Foundation
import XCTest
@testable import SafeTensors

final class CheckpointTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = try makeTemporaryFolder("checkpoint")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// A one-tensor-per-name U8 file image: each tensor holds `count` bytes starting at `fill`.
    private func u8File(_ tensors: [(String, Int)], fill: UInt8 = 1) -> [UInt8] {
        var offset = 0
        var entries: [String] = []
        var data: [UInt8] = []
        for (name, count) in tensors {
            entries.append("\"\(name)\":{\"dtype\":\"U8\",\"shape\":[\(count)],\"data_offsets\":[\(offset),\(offset + count)]}")
            data += (0..<count).map { UInt8(truncatingIfNeeded: Int(fill) + offset + $0) }
            offset += count
        }
        return fileImage(header: "{" + entries.joined(separator: ",") + "}", data: data)
    }

    @discardableResult
    private func writeIndex(_ map: [(String, String)], in dir: String, name: String = "model.safetensors.index.json") throws -> String {
        let body = map.map { "\"\($0.0)\": \"\($0.1)\"" }.joined(separator: ", ")
        return try writeFile(Array("{\"metadata\": {\"total_size\": 0}, \"weight_map\": {\(body)}}".utf8), dir, name)
    }

    func testSingleFileAndConfig() throws {
        let path = try writeFile(u8File([("b", 3), ("a", 2)]), folder, "model.safetensors")
        try writeFile(Array(#"{"architectures": ["GPTBigCodeForCausalLM"], "model_type": "gpt_bigcode", "n_layer": 40, "n_embd": 6144, "n_inner": 24576, "n_head": 48, "multi_query": true, "vocab_size": 49152}"#.utf8), folder, "config.json")
        try writeFile(Array("{}".utf8), folder, "tokenizer.json")
        let checkpoint = try Checkpoint(path: path)
        XCTAssertEqual(checkpoint.kind, .file)
        XCTAssertEqual(checkpoint.tensors.map(\.name), ["b", "a"], "header order")
        XCTAssertEqual(checkpoint.totalParameters, 5)
        XCTAssertEqual(checkpoint.totalBytes, 5)
        let a = try XCTUnwrap(checkpoint.tensor(named: "a"))
        XCTAssertEqual(try checkpoint.withBytes(of: a) { Array($0) }, [4, 5])
        let config = try XCTUnwrap(checkpoint.config)
        XCTAssertEqual(config.architecture, "GPTBigCodeForCausalLM")
        XCTAssertEqual(config.modelType, "gpt_bigcode")
        XCTAssertEqual(config.layerCount, 40)
        XCTAssertEqual(config.hiddenSize, 6144)
        XCTAssertEqual(config.intermediateSize, 24576)
        XCTAssertEqual(config.attentionHeads, 48)
        XCTAssertEqual(config.keyValueHeads, 1)
        XCTAssertEqual(config.vocabSize, 49152)
    }

    func testLlamaStyleConfig() throws {
        let path = try writeFile(Array(#"{"num_hidden_layers": 32, "hidden_size": 4096, "intermediate_size": 11008, "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 32000}"#.utf8), folder, "config.json")
        let config = try ModelConfig(path: path)
        XCTAssertEqual([config.layerCount, config.hiddenSize, config.intermediateSize, config.attentionHeads, config.keyValueHeads, config.vocabSize], [32, 4096, 11008, 32, 8, 32000])
        XCTAssertNil(config.architecture)
    }

    func testMalformedConfigNamesTheFile() throws {
        try writeFile(u8File([("a", 1)]), folder, "model.safetensors")
        let config = try writeFile(Array("{\"n_layer\": 4,}".utf8), folder, "config.json")
        assertProblem(try Checkpoint(path: folder), file: config) {
            if case .jsonNotValid(let detail) = $0 { return detail.contains("line 1") }
            return false
        }
    }

    func testFolderWithSeveralFilesLoadsAllSortedByName() throws {
        try writeFile(u8File([("z", 1)]), folder, "b.safetensors")
        try writeFile(u8File([("y", 2)]), folder, "a.safetensors")
        try writeFile(u8File([("hidden", 1)]), folder, ".c.safetensors.partial-1")
        try writeFile(Array("not weights".utf8), folder, "README.md")
        let checkpoint = try Checkpoint(path: folder)
        XCTAssertEqual(checkpoint.kind, .folder)
        XCTAssertEqual(checkpoint.files.map { PathNames.lastComponent(of: $0.path) }, ["a.safetensors", "b.safetensors"])
        XCTAssertEqual(checkpoint.tensors.map(\.name), ["y", "z"])
        XCTAssertEqual(checkpoint.tensor(named: "z")?.fileIndex, 1)
        XCTAssertNil(checkpoint.config)
    }

    func testFolderWithoutSafeTensors() throws {
        try writeFile(Array("{}".utf8), folder, "config.json")
        assertProblem(try Checkpoint(path: folder), file: folder) { $0 == .noSafeTensorsInFolder }
    }

    func testShardedFolder() throws {
        try writeFile(u8File([("l1", 2), ("l0", 1)]), folder, "model-00002-of-00002.safetensors")
        try writeFile(u8File([("emb", 3)], fill: 10), folder, "model-00001-of-00002.safetensors")
        try writeFile(u8File([("stray", 3)]), folder, "unrelated.safetensors")
        try writeIndex([("emb", "model-00001-of-00002.safetensors"), ("l0", "model-00002-of-00002.safetensors"), ("l1", "model-00002-of-00002.safetensors")], in: folder)
        let checkpoint = try Checkpoint(path: folder)
        XCTAssertEqual(checkpoint.kind, .sharded)
        XCTAssertEqual(checkpoint.tensors.map(\.name), ["emb", "l1", "l0"], "shards in index order, then header order")
        XCTAssertNil(checkpoint.tensor(named: "stray"), "shards not named by the index are ignored")
        XCTAssertEqual(checkpoint.totalParameters, 6)
        XCTAssertEqual(try checkpoint.withBytes(of: XCTUnwrap(checkpoint.tensor(named: "emb"))) { Array($0) }, [10, 11, 12])
        XCTAssertEqual(checkpoint.index?.shards, ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"])
        // The index path itself is accepted too.
        let viaIndex = try Checkpoint(path: folder + "/model.safetensors.index.json")
        XCTAssertEqual(viaIndex.tensors.map(\.name), checkpoint.tensors.map(\.name))
    }

    func testShardedIndexNamingAMissingShard() throws {
        try writeFile(u8File([("a", 1)]), folder, "s1.safetensors")
        let index = try writeIndex([("a", "s1.safetensors"), ("b", "s2.safetensors")], in: folder)
        assertProblem(try Checkpoint(path: folder), file: index) { $0 == .missingShard(shard: "s2.safetensors") }
    }

    func testIndexWithPathTraversal() throws {
        let index = try writeIndex([("a", "../outside.safetensors")], in: folder)
        assertProblem(try Checkpoint(path: folder), file: index) {
            $0 == .indexUnsafeShardName(tensor: "a", shard: "../outside.safetensors")
        }
        let dots = try writeIndex([("a", "..")], in: folder)
        assertProblem(try ShardedIndex(path: dots), file: dots) { $0 == .indexUnsafeShardName(tensor: "a", shard: "..") }
    }

    func testIndexStructureErrors() throws {
        let noMap = try writeFile(Array("{\"metadata\": {}}".utf8), folder, "a.index.json")
        assertProblem(try ShardedIndex(path: noMap), file: noMap) { $0 == .indexMissingWeightMap }
        let badMap = try writeFile(Array("{\"weight_map\": []}".utf8), folder, "b.index.json")
        assertProblem(try ShardedIndex(path: badMap), file: badMap) { $0 == .indexWeightMapNotObject(found: "an array") }
        let badValue = try writeFile(Array("{\"weight_map\": {\"t\": 3}}".utf8), folder, "c.index.json")
        assertProblem(try ShardedIndex(path: badValue), file: badValue) { $0 == .indexShardNotString(tensor: "t") }
    }

    func testTensorMissingFromItsShard() throws {
        try writeFile(u8File([("a", 1)]), folder, "s1.safetensors")
        try writeFile(u8File([("b", 1)]), folder, "s2.safetensors")
        let index = try writeIndex([("a", "s1.safetensors"), ("b", "s1.safetensors"), ("c", "s2.safetensors")], in: folder)
        assertProblem(try Checkpoint(path: folder), file: index) { $0 == .tensorMissingFromShard(tensor: "b", shard: "s1.safetensors") }
    }

    func testTensorInTwoShards() throws {
        try writeFile(u8File([("a", 1), ("b", 1)]), folder, "s1.safetensors")
        try writeFile(u8File([("b", 1)]), folder, "s2.safetensors")
        let index = try writeIndex([("a", "s1.safetensors"), ("b", "s2.safetensors")], in: folder)
        assertProblem(try Checkpoint(path: folder), file: index) {
            $0 == .tensorInTwoShards(tensor: "b", first: "s1.safetensors", second: "s2.safetensors")
        }
        // Without an index, two files holding one name are also an error.
        let other = try makeTemporaryFolder("dup")
        defer { try? FileManager.default.removeItem(atPath: other) }
        try writeFile(u8File([("w", 1)]), other, "x.safetensors")
        try writeFile(u8File([("w", 1)]), other, "y.safetensors")
        assertProblem(try Checkpoint(path: other), file: other) {
            $0 == .tensorInTwoShards(tensor: "w", first: "x.safetensors", second: "y.safetensors")
        }
    }

    func testZeroSizeAndScalarTensors() throws {
        let header = #"{"e":{"dtype":"F32","shape":[0,5],"data_offsets":[0,0]},"s":{"dtype":"F64","shape":[],"data_offsets":[0,8]},"e2":{"dtype":"BF16","shape":[3,0],"data_offsets":[8,8]}}"#
        let path = try writeFile(fileImage(header: header, data: [0, 0, 0, 0, 0, 0, 0xF0, 0x3F]), folder, "z.safetensors")
        let file = try SafeTensorsFile(path: path)
        let e = try XCTUnwrap(file.tensor(named: "e"))
        XCTAssertEqual(e.elementCount, 0)
        XCTAssertTrue(e.isMatrix)
        XCTAssertEqual(try file.withBytes(of: e) { $0.count }, 0)
        let s = try XCTUnwrap(file.tensor(named: "s"))
        XCTAssertEqual(s.elementCount, 1)
        XCTAssertFalse(s.isMatrix)
        XCTAssertEqual(try file.withBytes(of: s) { $0.loadUnaligned(as: Double.self) }, 1.0)
    }

    func testFileIdentityAndFingerprint() throws {
        let header = #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#
        let path = try writeFile(fileImage(header: header, data: [9]), folder, "f.safetensors")
        let file = try SafeTensorsFile(path: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual(file.fileSize, 8 + header.utf8.count + 1)
        XCTAssertEqual(file.inode, (attributes[.systemFileNumber] as? NSNumber)?.uint64Value)
        let modified = try XCTUnwrap(attributes[.modificationDate] as? Date)
        XCTAssertEqual(Double(file.modificationTimeNanoseconds) / 1e9, modified.timeIntervalSince1970, accuracy: 0.01)
        // FNV-1a 64, computed here independently from its definition.
        var expected: UInt64 = 14_695_981_039_346_656_037
        for byte in header.utf8 { expected = (expected ^ UInt64(byte)) &* 1_099_511_628_211 }
        XCTAssertEqual(file.headerFingerprint, expected)
        XCTAssertEqual(file.header.dataStart, 8 + header.utf8.count)
        XCTAssertEqual(file.header.bufferLength, 1)
    }

    func testConcurrentMappingIsSafe() throws {
        let data = pseudoRandomBytes(4096, seed: 3)
        var entries: [String] = []
        for i in 0..<16 { entries.append("\"t\(i)\":{\"dtype\":\"U8\",\"shape\":[256],\"data_offsets\":[\(i * 256),\(i * 256 + 256)]}") }
        let path = try writeFile(fileImage(header: "{" + entries.joined(separator: ",") + "}", data: data), folder, "c.safetensors")
        let file = try SafeTensorsFile(path: path)
        let results = UnsafeMutableBufferPointer<Bool>.allocate(capacity: 16)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            let tensor = file.tensors[i]
            results[i] = (try? file.withBytes(of: tensor) { Array($0) == Array(data[(i * 256)..<(i * 256 + 256)]) }) ?? false
        }
        XCTAssertTrue(results.allSatisfy { $0 })
    }
}
