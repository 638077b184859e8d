import Foundation

/// Encodes a report for `--json`: pretty-printed, keys sorted, one trailing newline.
enum JSONOutput {
    /// Prints `value` as JSON on standard output.
    static func print<Value: Encodable>(_ value: Value) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let data = try encoder.encode(value)
        StandardOutput.write(data)
        StandardOutput.write("\n")
    }
}
