import GGUF
import Planning
import SafeTensors

/// The input-parsing surface a fuzzer drives: one byte string is read as everything rankscope
/// parses from untrusted files. Every outcome must be a value or a thrown error with a message;
/// a crash, hang or sanitizer report is a bug.
///
/// The same bytes are tried as
/// - a whole safetensors file image (8-byte length prefix, JSON header, data buffer), through
///   ``SafeTensorsHeader/parse(fileImage:file:)``, the path `SafeTensorsFile` takes;
/// - a bare header (the bytes after the prefix, with an empty and a large data buffer), so the
///   fuzzer need not guess a matching length prefix to reach the header validation;
/// - a JSON document read as a sharded index (`model.safetensors.index.json`) and as a
///   `config.json`, through the strict JSON parser;
/// - a whole GGUF file image, through ``GGUFHeader/parse(fileImage:file:)`` (the path `GGUFFile`
///   takes), then its Hugging Face naming and config, and every dequantizable tensor of at most
///   ``maximumDequantizedElements`` elements through ``GGUFDequantizer``.
/// - a plan file, through ``PlanDocument/init(parsing:file:)`` (JSON, keys, limits and every
///   rule's regular expression);
/// - a regular expression (its first ``maximumPatternBytes`` bytes as UTF-8) compiled by
///   ``BoundedRegex`` and searched for in a few tensor names within a small step budget.
public enum ParserFuzzTarget {
    /// The file name used in error messages.
    public static let fileName = "fuzz-input"

    /// The largest tensor the target dequantizes, so an input declaring a huge one cannot
    /// exhaust memory (its bytes must be in the input anyway, which bounds real work).
    public static let maximumDequantizedElements = 1 << 20

    /// What one input produced: how many of the six readings succeeded, and every error text
    /// (so tests can check that each failure has a one-line message naming the file).
    public struct Outcome: Sendable {
        /// Readings that produced a value.
        public var accepted = 0
        /// The descriptions of the errors thrown.
        public var messages: [String] = []
    }

    /// Runs every reading of `bytes`.
    @discardableResult
    public static func exercise(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        var outcome = Outcome()
        func attempt(_ body: () throws -> Void) {
            do {
                try body()
                outcome.accepted += 1
            } catch {
                outcome.messages.append("\(error)")
            }
        }
        attempt { _ = try SafeTensorsHeader.parse(fileImage: bytes, file: fileName) }
        attempt { _ = try SafeTensorsHeader.parse(headerBytes: bytes, bufferLength: 0, file: fileName) }
        attempt { _ = try SafeTensorsHeader.parse(headerBytes: bytes, bufferLength: 1 << 40, file: fileName) }
        attempt { _ = try ShardedIndex(parsing: bytes, path: fileName) }
        attempt { _ = try ModelConfig(parsing: bytes, path: fileName) }
        attempt { try exerciseGGUF(bytes) }
        attempt { _ = try PlanDocument(parsing: bytes, file: fileName) }
        attempt { try exerciseRegex(bytes) }
        return outcome
    }

    /// Most bytes of an input tried as a pattern (a little over ``BoundedRegex/maximumLength``,
    /// so the length limit is exercised too).
    public static let maximumPatternBytes = 1100

    /// A regex failure, named after the input as every other reading's error is.
    struct RegexFailure: Error, CustomStringConvertible {
        let problem: String
        var description: String { "\(ParserFuzzTarget.fileName): \(problem)." }
    }

    /// Compiles the start of `bytes` as a pattern and searches a few names with it.
    static func exerciseRegex(_ bytes: UnsafeRawBufferPointer) throws {
        let pattern = String(decoding: bytes.prefix(maximumPatternBytes), as: UTF8.self)
        do {
            let regex = try BoundedRegex(pattern)
            var budget = RegexStepBudget(steps: 200_000)
            for name in ["model.layers.0.self_attn.q_proj.weight", "lm_head.weight", "", String(repeating: "a.", count: 200)] {
                _ = try regex.matches(name, budget: &budget)
            }
        } catch let error as BoundedRegexError {
            throw RegexFailure(problem: error.problem)
        }
    }

    /// Parses `bytes` as a GGUF image, maps its names and config, and decodes its small tensors.
    static func exerciseGGUF(_ bytes: UnsafeRawBufferPointer) throws {
        let header = try GGUFHeader.parse(fileImage: bytes, file: fileName)
        let config = GGUFModelConfig(header: header)
        _ = config.huggingFaceObject
        let naming = config.architecture.flatMap(GGUFNaming.forArchitecture)
        for tensor in header.tensors {
            _ = naming?.map(tensor.name)
            guard tensor.type.isDequantizable, tensor.elementCount <= maximumDequantizedElements else { continue }
            let start = header.dataStart + tensor.offset
            var output = [Float](repeating: 0, count: tensor.elementCount)
            output.withUnsafeMutableBufferPointer {
                GGUFDequantizer.dequantize(tensor.type, UnsafeRawBufferPointer(rebasing: bytes[start..<(start + tensor.byteCount)]), into: $0)
            }
        }
        for (_, value) in header.metadata {
            guard let array = value.arrayValue else { continue }
            _ = (array.strings, array.integers, array.floats, array.arrays)
        }
    }

    /// Runs every reading of `bytes` held in an array.
    @discardableResult
    public static func exercise(_ bytes: [UInt8]) -> Outcome {
        bytes.withUnsafeBytes { exercise($0) }
    }
}
