import Foundation
import XCTest
@testable import SafeTensors

/// Opening a ~31 GB checkpoint must read only its header.
final class SparseFileTests: XCTestCase {
    func testThirtyGigabyteSparseFileOpensQuickly() throws {
        let folder = try makeTemporaryFolder("sparse")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // StarCoder-15.5B-like shapes (multi-query attention: c_attn is 6144 × (6144 + 2·128)).
        var shapes: [(String, [Int])] = [("transformer.wte.weight", [49152, 6144]), ("transformer.wpe.weight", [8192, 6144])]
        for layer in 0..<40 {
            let p = "transformer.h.\(layer)."
            shapes += [
                (p + "ln_1.weight", [6144]),
                (p + "attn.c_attn.weight", [6400, 6144]),
                (p + "attn.c_proj.weight", [6144, 6144]),
                (p + "mlp.c_fc.weight", [24576, 6144]),
                (p + "mlp.c_proj.weight", [6144, 24576]),
            ]
        }
        var entries: [String] = []
        var offset = 0
        var parameters = 0
        for (name, shape) in shapes {
            let count = shape.reduce(1, *)
            entries.append("\"\(name)\":{\"dtype\":\"F16\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + 2 * count)]}")
            offset += 2 * count
            parameters += count
        }
        let header = Array(("{\"__metadata__\":{\"format\":\"pt\"}," + entries.joined(separator: ",") + "}").utf8)
        let path = folder + "/model.safetensors"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(lengthPrefix(UInt64(header.count)) + header)))
        let size = 8 + header.count + offset
        XCTAssertGreaterThan(size, 30_000_000_000)
        XCTAssertEqual(truncate(path, off_t(size)), 0, "the file system must support sparse files")

        let start = Date()
        let checkpoint = try Checkpoint(path: path)
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertLessThan(elapsed, 2.0, "opening took \(elapsed) s; it must not read the data")
        let file = checkpoint.files[0]
        XCTAssertEqual(file.fileSize, size)
        XCTAssertEqual(file.header.bufferLength, offset)
        XCTAssertEqual(checkpoint.tensors.count, 2 + 40 * 5)
        XCTAssertEqual(checkpoint.totalParameters, parameters)
        XCTAssertEqual(checkpoint.totalBytes, offset)
        XCTAssertEqual(checkpoint.metadata, ["format": "pt"])
        XCTAssertEqual(checkpoint.tensors.filter(\.info.isMatrix).count, 2 + 40 * 4)

        // Reaching one tensor deep in the file maps it without reading everything.
        let last = try XCTUnwrap(checkpoint.tensor(named: "transformer.h.39.mlp.c_proj.weight"))
        let sample = try checkpoint.withBytes(of: last) { raw -> [UInt8] in
            XCTAssertEqual(raw.count, 6144 * 24576 * 2)
            return Array(raw.prefix(16)) + Array(raw.suffix(16))
        }
        XCTAssertEqual(sample, [UInt8](repeating: 0, count: 32))
    }
}
