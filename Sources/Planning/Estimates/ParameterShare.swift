/// A parameter budget stated as a share: `90%` of the whole model's parameters, or `90%lin` of the
/// compressible (linear) matrices' parameters with every other tensor counted as it is.
///
/// For a model of P parameters of which L sit in compressible matrices (2-D linear weights,
/// excluded ones included), `p%` means at most ⌊p/100·P⌋ parameters and `p%lin` at most
/// (P − L) + ⌊p/100·L⌋: the linear matrices shrink to p % of their size, the rest stays.
public struct ParameterShare: Sendable, Equatable, CustomStringConvertible {
    /// The percentage, 0 < percent ≤ 100.
    public let percent: Double
    /// True for a share of the compressible matrices (`%lin`), false for the whole model (`%`).
    public let ofLinear: Bool

    /// A share; nil outside 0 < percent ≤ 100.
    public init?(percent: Double, ofLinear: Bool) {
        guard percent.isFinite, percent > 0, percent <= 100 else { return nil }
        self.percent = percent
        self.ofLinear = ofLinear
    }

    /// `90%` or `90%lin` (case-insensitive, spaces allowed before the suffix); nil for anything else.
    public static func parse(_ text: String) -> ParameterShare? {
        let lowered = text.trimmingSpaces.lowercased()
        let ofLinear = lowered.hasSuffix("%lin")
        guard ofLinear || lowered.hasSuffix("%") else { return nil }
        let number = lowered.dropLast(ofLinear ? 4 : 1).trimmingSpaces
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(number) else { return nil }
        return ParameterShare(percent: value, ofLinear: ofLinear)
    }

    /// The parameter count the share allows for `tensors` (the whole model).
    public func count(in tensors: [PlannedTensor]) -> Int {
        var total = 0
        var linear = 0
        for tensor in tensors {
            total += tensor.elementCount
            if tensor.isCompressible { linear += tensor.elementCount }
        }
        let base = ofLinear ? linear : total
        return total - base + Int((Double(base) * percent / 100).rounded(.down))
    }

    /// As written: `90%` or `90%lin`.
    public var text: String {
        let number = percent == percent.rounded() && percent < 1e15 ? String(Int(percent)) : String(percent)
        return number + (ofLinear ? "%lin" : "%")
    }

    /// `90% of the model's parameters` or `90% of the linear matrices' parameters`.
    public var description: String {
        text.replacingSuffix() + (ofLinear ? " of the linear matrices' parameters" : " of the model's parameters")
    }
}

private extension String {
    /// `90%lin` → `90%`.
    func replacingSuffix() -> String { hasSuffix("%lin") ? String(dropLast(3)) : self }
}
