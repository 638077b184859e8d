import Foundation
import Planning

/// The budget panel's target kinds and how their typed values read: `13.2B` parameters and
/// `8GB` bytes through Planning's ``QuantityParser``, `4.5` bits per weight, `2%` (or `0.02`)
/// relative error.
public enum BudgetEntry {
    /// What a target measures.
    public enum Kind: CaseIterable, Sendable {
        /// Parameters in the whole model.
        case parameters
        /// Bytes in the whole model.
        case bytes
        /// Average bits per weight.
        case bitsPerWeight
        /// Model relative error (the allocator then minimises bytes).
        case relativeError

        /// The kind's name in the form.
        public var name: String {
            switch self {
            case .parameters: return "params"
            case .bytes: return "bytes"
            case .bitsPerWeight: return "bits/weight"
            case .relativeError: return "max error"
            }
        }

        /// An example value.
        public var example: String {
            switch self {
            case .parameters: return "13.2B"
            case .bytes: return "8GB"
            case .bitsPerWeight: return "4.5"
            case .relativeError: return "2%"
            }
        }
    }

    /// The target `text` states for `kind`, or a sentence saying what was expected.
    public static func target(_ kind: Kind, _ text: String) -> Result<BudgetTarget, QuantityError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return .failure(QuantityError("type a value, e.g. \(kind.example)")) }
        switch kind {
        case .parameters:
            guard let target = QuantityParser.parameterTarget(trimmed) else {
                return .failure(QuantityError("'\(trimmed)' is not a parameter count or share (e.g. 13.2B, 90%, 90%lin)"))
            }
            return .success(target)
        case .bytes:
            guard let count = QuantityParser.byteCount(trimmed) else {
                return .failure(QuantityError("'\(trimmed)' is not a size (e.g. 8GB, 7.5GiB, 300MB)"))
            }
            return .success(.bytes(count))
        case .bitsPerWeight:
            guard let bits = Double(trimmed), bits.isFinite, bits > 0 else {
                return .failure(QuantityError("'\(trimmed)' is not a number of bits per weight (e.g. 4.5)"))
            }
            return .success(.bitsPerWeight(bits))
        case .relativeError:
            let isPercent = trimmed.hasSuffix("%")
            let number = isPercent ? String(trimmed.dropLast()).trimmingCharacters(in: .whitespaces) : trimmed
            guard let value = Double(number), value.isFinite else {
                return .failure(QuantityError("'\(trimmed)' is not an error (e.g. 2% or 0.02)"))
            }
            let fraction = isPercent ? value / 100 : value
            guard fraction >= 0, fraction <= 1 else {
                return .failure(QuantityError("a relative error lies between 0% and 100%"))
            }
            return .success(.relativeError(fraction))
        }
    }
}
