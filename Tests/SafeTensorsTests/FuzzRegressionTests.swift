import Foundation
import XCTest
import FuzzTargets
@testable import SafeTensors

/// Replays the fuzzer's seeds and the malformed corpus through the fuzz target, then a few
/// thousand seeded mutations of them: no input may crash, and every rejection is one line
/// naming the input. (The coverage-guided run itself is `scripts/fuzz`; this keeps what it
/// found, and its starting points, checked on every test run.)
final class FuzzRegressionTests: XCTestCase {
    static let corpusRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Corpus").path

    /// Every regular file under `folder`, recursively, by path.
    static func files(under folder: String) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: folder)
        var paths: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            let path = folder + "/" + relative
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
               relative != "EXPECTED" {
                paths.append(path)
            }
        }
        return paths.sorted()
    }

    private func assertWellFormed(_ outcome: ParserFuzzTarget.Outcome, _ label: String) {
        for message in outcome.messages {
            XCTAssertTrue(message.hasPrefix(ParserFuzzTarget.fileName + ":"), "\(label): names the input: \(message)")
            XCTAssertFalse(message.contains("\n"), "\(label): one line: \(message)")
        }
    }

    func testCorpusAndSeedsReplay() throws {
        let inputs = Self.files(under: Self.corpusRoot + "/seeds") + Self.files(under: Self.corpusRoot + "/malformed")
        XCTAssertGreaterThan(inputs.count, 30)
        var accepted = 0
        for path in inputs {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let outcome = ParserFuzzTarget.exercise(bytes)
            assertWellFormed(outcome, path)
            accepted += outcome.accepted
        }
        // The valid seeds must be accepted, or the fuzzer would start outside the parser.
        let valid = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.corpusRoot + "/seeds/valid.safetensors")))
        XCTAssertEqual(try SafeTensorsHeader.parse(fileImage: valid.withUnsafeBytes { $0 }, file: "v").tensors.count, 2)
        XCTAssertGreaterThan(accepted, 0)
    }

    func testSeededMutationsNeverCrash() throws {
        let seeds = try Self.files(under: Self.corpusRoot + "/seeds").map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(max(bound, 1)))
        }
        let interesting: [UInt8] = [0, 0x22, 0x2C, 0x2D, 0x30, 0x39, 0x3A, 0x5B, 0x5D, 0x7B, 0x7D, 0x7F, 0x80, 0xC0, 0xFF]
        for round in 0..<4000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0...next(4) {
                switch next(5) {
                case 0 where !bytes.isEmpty: bytes[next(bytes.count)] ^= UInt8(1 << next(8))
                case 1 where !bytes.isEmpty: bytes[next(bytes.count)] = interesting[next(interesting.count)]
                case 2: bytes.insert(interesting[next(interesting.count)], at: next(bytes.count + 1))
                case 3 where !bytes.isEmpty: bytes.remove(at: next(bytes.count))
                default:
                    let other = seeds[next(seeds.count)]
                    let cut = next(bytes.count + 1)
                    bytes = Array(bytes[..<cut]) + Array(other[next(other.count + 1)...])
                }
            }
            assertWellFormed(ParserFuzzTarget.exercise(bytes), "mutation \(round)")
        }
    }
}
