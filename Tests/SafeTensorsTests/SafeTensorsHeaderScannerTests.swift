import Foundation
import XCTest
@testable import SafeTensors

/// `SafeTensorsHeader.parse` reads headers with `SafeTensorsHeaderScanner` and falls back to the
/// strict JSON-tree parse (`parseTree`): the two must agree on every input, value for value and
/// error text for error text, and the scanner must actually take the files writers produce.
final class SafeTensorsHeaderScannerTests: XCTestCase {
    /// A header split off a file image: its bytes and the data buffer length after it.
    private struct Split {
        let header: [UInt8]
        let bufferLength: Int
    }

    /// The header of a file image whose length prefix fits, else nil.
    private static func split(_ image: [UInt8]) -> Split? {
        guard image.count >= 8 else { return nil }
        var declared: UInt64 = 0
        for i in 0..<8 { declared |= UInt64(image[i]) << (8 * UInt64(i)) }
        guard declared <= UInt64(image.count - 8) else { return nil }
        let end = 8 + Int(declared)
        return Split(header: Array(image[8..<end]), bufferLength: image.count - end)
    }

    /// What a parse produced, comparable: every field, or the error's text.
    private static func outcome(_ body: () throws -> SafeTensorsHeader) -> String {
        do {
            let header = try body()
            let metadata = header.orderedMetadata.map { $0.map { "\($0.key)=\($0.value)" } }
            return "\(header.tensors) \(String(describing: metadata)) \(String(describing: header.metadata?.sorted { $0.key < $1.key }))"
                + " \(header.headerLength) \(header.dataStart) \(header.bufferLength)"
        } catch {
            return "error: \(error)"
        }
    }

    /// Asserts that both parses agree on `header`; returns whether the scanner took it.
    @discardableResult
    private func assertAgree(_ header: [UInt8], bufferLength: Int, _ label: String,
                             file: StaticString = #filePath, line: UInt = #line) -> Bool {
        header.withUnsafeBytes { bytes in
            let fast = Self.outcome { try SafeTensorsHeader.parse(headerBytes: bytes, bufferLength: bufferLength, file: "f.safetensors") }
            let strict = Self.outcome { try SafeTensorsHeader.parseTree(headerBytes: bytes, bufferLength: bufferLength, file: "f.safetensors") }
            XCTAssertEqual(fast, strict, label, file: file, line: line)
            let scanned = SafeTensorsHeaderScanner.scan(headerBytes: bytes, bufferLength: bufferLength)
            if let scanned {
                XCTAssertEqual(Self.outcome { scanned }, strict, "scanner accepted what the strict parse reads differently: \(label)",
                               file: file, line: line)
            }
            return scanned != nil
        }
    }

    private static func corpusFiles() throws -> [(String, [UInt8])] {
        let root = FuzzRegressionTests.corpusRoot
        return try (FuzzRegressionTests.files(under: root + "/seeds") + FuzzRegressionTests.files(under: root + "/malformed"))
            .map { ($0, [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0)))) }
    }

    func testCorpusAndSeedsParseTheSameBothWays() throws {
        let files = try Self.corpusFiles()
        XCTAssertGreaterThan(files.count, 30)
        var scanned: [String] = []
        for (path, image) in files {
            // As a whole file (the path SafeTensorsFile takes), and as a bare header against an
            // empty and a huge buffer (as the fuzz target reads it).
            let whole = image.withUnsafeBytes { bytes in
                (Self.outcome { try SafeTensorsHeader.parse(fileImage: bytes, file: "f.safetensors") }, bytes)
            }
            if let split = Self.split(image) {
                if assertAgree(split.header, bufferLength: split.bufferLength, path) { scanned.append(path) }
                if !whole.0.hasPrefix("error"), split.header.count <= SafeTensorsHeader.maximumLength {
                    XCTAssertEqual(whole.0, split.header.withUnsafeBytes { bytes in
                        Self.outcome { try SafeTensorsHeader.parseTree(headerBytes: bytes, bufferLength: split.bufferLength, file: "f.safetensors") }
                    }, path)
                }
            }
            assertAgree(image, bufferLength: 0, path + " as a header, empty buffer")
            assertAgree(image, bufferLength: 1 << 40, path + " as a header, 1 TiB buffer")
        }
        // The valid seeds are in the plain form, so the fast path must have read them.
        for name in ["valid.safetensors", "valid-metadata.safetensors", "valid-empty.safetensors"] {
            XCTAssertTrue(scanned.contains { $0.hasSuffix("/seeds/" + name) }, "scanner reads \(name)")
        }
        // Every malformed file (not the valid shards of the malformed sharded folders) is an
        // error, and the error comes from the strict parse.
        let malformedFiles = scanned.filter { $0.contains("/malformed/") && !$0.contains("/malformed/sharded-") }
        XCTAssertEqual(malformedFiles, [])
    }

    /// Every single-byte replacement (by bytes that matter to JSON), deletion and insertion in
    /// the headers of the valid seeds: thousands of near-valid headers, valid and not.
    func testEveryOneByteEditOfTheValidSeedsParsesTheSameBothWays() throws {
        let interesting: [UInt8] = [0, 0x09, 0x0A, 0x20, 0x22, 0x2C, 0x2D, 0x2E, 0x30, 0x31, 0x39, 0x3A, 0x45, 0x5B, 0x5C,
                                    0x5D, 0x65, 0x7B, 0x7D, 0x7F, 0x80, 0xC3, 0xFF]
        var accepted = 0
        var edits = 0
        for (path, image) in try Self.corpusFiles() where path.contains("/seeds/valid") {
            guard let split = Self.split(image) else { return XCTFail("\(path) has a valid prefix") }
            let header = split.header
            for position in 0...header.count {
                var variants: [[UInt8]] = interesting.map { var h = header; h.insert($0, at: position); return h }
                if position < header.count {
                    variants += interesting.map { var h = header; h[position] = $0; return h }
                    variants.append({ var h = header; h.remove(at: position); return h }())
                }
                for variant in variants {
                    edits += 1
                    if assertAgree(variant, bufferLength: split.bufferLength, "\(path) edit at \(position): \(String(decoding: variant, as: UTF8.self))") {
                        accepted += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(edits, 5000)
        XCTAssertGreaterThan(accepted, 100, "whitespace and digit edits keep some headers valid")
    }

    /// Headers as the writer lays them out (metadata, padding, many tensors, scalars, empty
    /// tensors) are read by the scanner, with the same result.
    func testWriterHeadersTakeTheFastPath() throws {
        var specs: [TensorInfo] = []
        var offset = 0
        for (index, shape) in [[4096, 11008], [], [0, 3], [7], [2, 3, 4]].enumerated() {
            let info = try XCTUnwrap(TensorInfo(name: "model.layers.\(index).mlp.weight", dtype: index % 2 == 0 ? .BF16 : .F32,
                                                shape: shape, dataBegin: offset))
            specs.append(info)
            offset = info.dataEnd
        }
        var text = #"{"__metadata__":{"format":"pt","note":"x y"},"#
        text += specs.map { #""\#($0.name)":{"dtype":"\#($0.dtype.rawValue)","shape":\#($0.shape),"data_offsets":[\#($0.dataBegin),\#($0.dataEnd)]}"# }
            .joined(separator: ",") + "}"
        text = text.replacingOccurrences(of: ", ", with: ",") + String(repeating: " ", count: 5)
        XCTAssertTrue(assertAgree(Array(text.utf8), bufferLength: offset, text))
        XCTAssertFalse(assertAgree(Array(text.utf8), bufferLength: offset + 1, "one byte too many in the buffer"))
    }
}
