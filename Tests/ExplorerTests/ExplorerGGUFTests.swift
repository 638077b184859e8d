import Explorer
import Foundation
import TerminalUI
import XCTest

/// The explorer opens a `.gguf` file by path; its layer table shows each matrix's GGUF type and
/// its totals start from the GGUF's real bytes.
final class ExplorerGGUFTests: XCTestCase {
    /// A little-endian GGUF v3 image: `general.architecture = llama`, two heads, and two llama
    /// matrices: `blk.0.attn_q.weight` (F16, 32×32) and `blk.0.ffn_up.weight` (Q8_0, 64×32).
    static func image() -> [UInt8] {
        var out: [UInt8] = Array("GGUF".utf8)
        func u32(_ v: UInt32) { out += withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        func u64(_ v: UInt64) { out += withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        func string(_ s: String) { u64(UInt64(s.utf8.count)); out += Array(s.utf8) }
        u32(3); u64(2); u64(2)
        string("general.architecture"); u32(8); string("llama")
        string("llama.attention.head_count"); u32(4); u32(2)
        let qBytes = 32 * 32 * 2, upBytes = 64 * 34
        string("blk.0.attn_q.weight"); u32(2); u64(32); u64(32); u32(1); u64(0)
        string("blk.0.ffn_up.weight"); u32(2); u64(32); u64(64); u32(8); u64(UInt64(qBytes))
        out += [UInt8](repeating: 0, count: (32 - out.count % 32) % 32)
        for i in 0..<(32 * 32) { out += withUnsafeBytes(of: (i % 33 == 0 ? UInt16(0x3C00) : 0).littleEndian) { Array($0) } }
        for row in 0..<64 {
            out += [0x00, 0x3C]   // d = 1.0
            out += (0..<32).map { UInt8(truncatingIfNeeded: ($0 * 7 + row * 3) % 255 - 127) }
        }
        precondition(out.count % 32 == (qBytes + upBytes) % 32)
        return out
    }

    func testTheTableShowsGGUFTypes() throws {
        let path = NSTemporaryDirectory() + "rankscope-explorer-\(UUID().uuidString).gguf"
        try Data(Self.image()).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let backend = InMemoryBackend(width: 240, height: 30, keys: [.character("q")])
        try ExplorerApp.run(path: path, backend: backend)
        let screen = backend.lines().joined(separator: "\n")
        XCTAssertTrue(screen.contains("Q8_0"), screen)
        XCTAssertTrue(screen.contains("F16"), screen)
        XCTAssertTrue(screen.contains("up_proj"), screen)
        // Sizes before are the GGUF's real bytes (2,048 + 2,176); kept tensors are written as F32.
        XCTAssertTrue(screen.contains("size 4.12KiB → 12KiB"), screen)
    }
}
