import Planning

/// Reads `rankscope plan`'s target and bit-width options; a bad value is a user error (exit 1)
/// with one sentence.
enum PlanOptions {
    /// A value the user gave that cannot be used.
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ sentence: String) { description = sentence.hasSuffix(".") ? sentence : sentence + "." }
    }

    /// The target of whichever option was given (at most one is, checked by the parser), nil for none.
    static func target(parameters: String?, bytes: String?, bits: String?, error: String?) throws -> BudgetTarget? {
        if let parameters {
            guard let target = QuantityParser.parameterTarget(parameters) else {
                throw Failure("--target-params '\(parameters)' is not a parameter count or share; write e.g. 13.2B, 500M, 90% (of the model) or 90%lin (of its linear matrices)")
            }
            return target
        }
        if let bytes {
            guard let count = QuantityParser.byteCount(bytes), count > 0 else {
                throw Failure("--target-bytes '\(bytes)' is not a size; write e.g. 8GB (10⁹ bytes), 7.5GiB (2³⁰ bytes) or 300MB")
            }
            return .bytes(count)
        }
        if let bits {
            guard let value = Double(bits), value.isFinite, value > 0 else {
                throw Failure("--target-bits '\(bits)' is not a positive number of bits per weight; write e.g. 4.5")
            }
            return .bitsPerWeight(value)
        }
        if let error {
            guard let value = Double(error), value >= 0, value <= 1 else {
                throw Failure("--max-error '\(error)' is not a relative error between 0 and 1; write e.g. 0.05")
            }
            return .relativeError(value)
        }
        return nil
    }

    /// `--allow-bits 16,8,4` → {16, 8, 4}, every width supported.
    static func bitWidths(_ text: String) throws -> Set<Int> { try bitWidths(text, option: "--allow-bits") }

    /// `16,8,4` → {16, 8, 4}, every width supported; a problem names `option`, the option given.
    static func bitWidths(_ text: String, option: String) throws -> Set<Int> {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var widths = Set<Int>()
        for part in parts {
            guard let bits = Int(part), LayerChoice.supportedFactorBits.contains(bits) else {
                throw Failure("\(option) '\(text)' must list bit widths from 16, 8, 4, 3 and 2, separated by commas")
            }
            widths.insert(bits)
        }
        return widths
    }

    /// `defaults` with the command-line bit widths, group size, E8P codebook (`--e8p`: backbones in
    /// E8P at their bits, 2 when none are given), objective and minimum rank applied, each checked.
    static func defaults(_ defaults: PlanDefaults, factorBits: Int?, groupSize: Int?, backboneBits: Int?, e8p: Bool = false,
                         objective: String? = nil, minimumRank: String? = nil) throws -> PlanDefaults {
        var result = defaults
        if let objective {
            guard let value = AllocationObjective(name: objective) else {
                throw Failure("--objective '\(objective)' is not an objective; use " + AllocationObjective.allCases.map(\.rawValue).joined(separator: ", "))
            }
            result.objective = value
        }
        if let minimumRank {
            guard let value = MinimumRank.parse(minimumRank) else {
                throw Failure("--min-rank '\(minimumRank)' is not a minimum rank; write e.g. 16 (a rank), 10% (of full rank), 50%u (of the uniform rank) or auto")
            }
            result.minimumRank = value
        }
        if let factorBits {
            guard LayerChoice.supportedFactorBits.contains(factorBits) else {
                throw Failure("--factor-bits \(factorBits) is not supported; use 16, 8, 4, 3 or 2")
            }
            result.factorBits = factorBits
        }
        if let groupSize {
            guard groupSize >= 1 else { throw Failure("--group-size \(groupSize) must be at least 1") }
            result.groupSize = groupSize
        }
        if let backboneBits {
            guard LayerChoice.supportedBackboneBits.contains(backboneBits) else {
                throw Failure("--backbone-bits \(backboneBits) is not supported; use 2, 3 or 4")
            }
            result.backboneBits = backboneBits
        }
        if e8p {
            result.backboneBits = result.backboneBits ?? 2
            result.backboneCodebook = .e8p
        }
        return result
    }
}
