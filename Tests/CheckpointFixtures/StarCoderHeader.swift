import Foundation

/// Writes the header of a StarCoder-15.5B-shaped checkpoint (GPTBigCode, multi-query attention)
/// followed by a hole as large as its F16 data: a 31 GB sparse file that takes a few kilobytes
/// of disk. Shared by the end-to-end and planning tests.
public enum StarCoderHeader {
    /// Every tensor's name and shape, in file order.
    public static func tensors() -> [(String, [Int])] {
        let hidden = 6144, inner = 24576, vocab = 49152, positions = 8192, layers = 40, kv = 128
        var list: [(String, [Int])] = [
            ("transformer.wte.weight", [vocab, hidden]),
            ("transformer.wpe.weight", [positions, hidden]),
            ("lm_head.weight", [vocab, hidden]),
            ("transformer.ln_f.weight", [hidden]),
            ("transformer.ln_f.bias", [hidden]),
        ]
        for layer in 0..<layers {
            let p = "transformer.h.\(layer)."
            list += [
                (p + "ln_1.weight", [hidden]), (p + "ln_1.bias", [hidden]),
                (p + "attn.c_attn.weight", [hidden + 2 * kv, hidden]), (p + "attn.c_attn.bias", [hidden + 2 * kv]),
                (p + "attn.c_proj.weight", [hidden, hidden]), (p + "attn.c_proj.bias", [hidden]),
                (p + "ln_2.weight", [hidden]), (p + "ln_2.bias", [hidden]),
                (p + "mlp.c_fc.weight", [inner, hidden]), (p + "mlp.c_fc.bias", [inner]),
                (p + "mlp.c_proj.weight", [hidden, inner]), (p + "mlp.c_proj.bias", [hidden]),
            ]
        }
        return list
    }

    /// Writes the file and returns (parameters, data bytes).
    public static func write(to path: String) throws -> (Int, Int) {
        var entries: [String] = []
        var offset = 0
        var parameters = 0
        for (name, shape) in tensors() {
            let count = shape.reduce(1, *)
            parameters += count
            entries.append("\"\(name)\":{\"dtype\":\"F16\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + 2 * count)]}")
            offset += 2 * count
        }
        var header = Array(("{\"__metadata__\":{\"format\":\"pt\"}," + entries.joined(separator: ",") + "}").utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var length = UInt64(header.count).littleEndian
        var bytes = withUnsafeBytes(of: &length) { Array($0) }
        bytes += header
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw CocoaError(.fileWriteUnknown)
        }
        guard truncate(path, off_t(bytes.count + offset)) == 0 else { throw CocoaError(.fileWriteUnknown) }
        return (parameters, offset)
    }
}
