import SafeTensors

/// The checkpoint a plan was made for: enough to warn when it is applied to another one.
///
/// The fingerprint is the FNV-1a 64 hash (16 hex digits) of every tensor's
/// `name:shape:bits-per-element` line, sorted by name: it changes when a tensor is added,
/// removed, renamed, reshaped or stored at another width, but not when the folder moves.
public struct PlanCheckpointReference: Sendable, Equatable, Hashable {
    /// The checkpoint's path when the plan was written.
    public var path: String
    /// Its number of tensors.
    public var tensorCount: Int
    /// Its number of parameters.
    public var parameterCount: Int
    /// The fingerprint of names, shapes and widths.
    public var fingerprint: String

    /// A reference with explicit figures.
    public init(path: String, tensorCount: Int, parameterCount: Int, fingerprint: String) {
        self.path = path
        self.tensorCount = tensorCount
        self.parameterCount = parameterCount
        self.fingerprint = fingerprint
    }

    /// The reference describing `tensors` (the whole checkpoint) found at `path`.
    public init(path: String, tensors: [PlannedTensor]) {
        self.init(path: path, tensorCount: tensors.count,
                  parameterCount: tensors.reduce(0) { $0 + $1.elementCount },
                  fingerprint: PlanCheckpointReference.fingerprint(of: tensors))
    }

    /// The fingerprint of `tensors`.
    public static func fingerprint(of tensors: [PlannedTensor]) -> String {
        let lines = tensors.map { "\($0.name):\($0.shape.map(String.init).joined(separator: "x")):\($0.storedBits)" }
        let hash = FNV1a.hash(lines.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.joined(separator: "\n"))
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Sentences describing how `tensors` differ from the referenced checkpoint; empty when they match.
    public func mismatches(with tensors: [PlannedTensor]) -> [String] {
        let other = PlanCheckpointReference(path: path, tensors: tensors)
        var differences: [String] = []
        if other.tensorCount != tensorCount { differences.append("\(other.tensorCount) tensors instead of \(tensorCount)") }
        if other.parameterCount != parameterCount {
            differences.append("\(other.parameterCount) parameters instead of \(parameterCount)")
        }
        if differences.isEmpty, other.fingerprint != fingerprint {
            differences.append("different tensor names, shapes or types")
        }
        return differences
    }
}
