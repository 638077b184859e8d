import Foundation

/// The one encoding of every `--json` report (`inspect`, `spectra`, `plan`, `eval`):
/// pretty-printed, keys sorted, one trailing newline, non-finite numbers as strings, and each
/// report type's camelCase property names written as snake_case keys (``snakeCase(_:)``), so
/// the reports declare Swift names and share one spelling rule instead of hand-written keys.
enum JSONOutput {
    /// Prints `value` as JSON on standard output.
    static func print<Value: Encodable>(_ value: Value) throws {
        StandardOutput.write(try encoded(value))
        StandardOutput.write("\n")
    }

    /// `value` as the bytes ``print(_:)`` writes, without the newline.
    static func encoded<Value: Encodable>(_ value: Value) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        encoder.keyEncodingStrategy = .custom { path in ReportKey(snakeCase(path.last!.stringValue)) }
        return try encoder.encode(value)
    }

    /// `bytesReadBefore` → `bytes_read_before`, `energyRank99_9` → `energy_rank_99_9`: an
    /// underscore before each capital that follows a small letter or a digit (the capital made
    /// small) and before each digit that follows a letter. Keys already in snake_case or in
    /// capitals (WeightWatcher's `D`, `W_scale` of `--metrics`) are left as they are; the keys
    /// of dictionaries (a checkpoint's metadata) are never touched by the encoder.
    static func snakeCase(_ name: String) -> String {
        var result = ""
        var previous: Character?
        for character in name {
            if let previous, character.isUppercase && (previous.isLowercase || previous.isNumber) {
                result += "_" + character.lowercased()
            } else if let previous, character.isNumber && previous.isLetter {
                result += "_" + String(character)
            } else {
                result.append(character)
            }
            previous = character
        }
        return result
    }

    /// A key spelled as given.
    private struct ReportKey: CodingKey {
        let stringValue: String
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}
