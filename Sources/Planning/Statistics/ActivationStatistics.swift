import LinearAlgebra
import SafeTensors

/// A file of per-layer input statistics, for data-aware spectra and estimates.
///
/// Layout (a safetensors file; `<module>` is a linear layer's weight name without its `.weight`
/// suffix, e.g. `model.layers.0.mlp.up_proj` for `model.layers.0.mlp.up_proj.weight`; the layer
/// computes `y = W·x` with `W` of shape m×n as stored, so inputs `x` have n channels):
///
/// | tensor                        | dtype    | shape          | meaning                                   |
/// |-------------------------------|----------|----------------|-------------------------------------------|
/// | `<module>.input_second_moment`| F32, F64 | [n, n]         | `X·Xᵀ / tokens`: the **averaged** second moment of the inputs (X is n×tokens) |
/// | `<module>.input_mean_square`  | F32, F64 | [n]            | its diagonal, the mean square of each channel (optional) |
/// | `<module>.tokens`             | I64      | [] or [1]      | the number of input vectors averaged, > 0 |
///
/// Every module needs `tokens` and at least one of the two statistics; with both, the full second
/// moment is used. Averaging (not summing) keeps values at the scale of the activations; the sum
/// is `tokens` times the average, so files can be merged by weighting with `tokens`. Only the
/// lower triangle of the second moment is read. `__metadata__` must hold
/// `format = rankscope-activation-stats` and `version = 1`. `scripts/collect-stats.py` writes
/// this layout for a Hugging Face model.
public final class ActivationStatistics: @unchecked Sendable {
    /// `__metadata__["format"]`.
    public static let format = "rankscope-activation-stats"
    /// `__metadata__["version"]`.
    public static let version = "1"
    /// Suffix of the averaged second-moment tensor.
    public static let secondMomentSuffix = ".input_second_moment"
    /// Suffix of the per-channel mean-square tensor.
    public static let meanSquareSuffix = ".input_mean_square"
    /// Suffix of the token count.
    public static let tokensSuffix = ".tokens"

    /// The tensors of one module, as listed in the header.
    struct ModuleTensors {
        var secondMoment: TensorInfo?
        var meanSquare: TensorInfo?
        var tokens: TensorInfo?
    }

    /// The file as given.
    public let path: String
    /// Identifies the file's contents for the spectrum cache: size, modification time, inode and
    /// header hash (the same evidence the cache uses for checkpoint shards).
    public let fingerprint: String
    private let file: SafeTensorsFile
    private let modules: [String: ModuleTensors]

    /// Opens and checks a statistics file: metadata, tensor names, dtypes and shapes (not yet
    /// against a checkpoint; see ``validate(against:)``).
    ///
    /// - Throws: ``ActivationStatisticsError`` (or the ``SafeTensorsError`` of an unreadable file).
    public init(path: String) throws {
        self.path = path
        file = try SafeTensorsFile(path: path)
        fingerprint = [String(file.fileSize), String(file.modificationTimeNanoseconds), String(file.inode),
                       String(file.headerFingerprint, radix: 16)].joined(separator: "-")
        let metadata = file.metadata ?? [:]
        guard metadata["format"] == Self.format, metadata["version"] == Self.version else {
            throw ActivationStatisticsError(path: path, problem: "is not a rankscope activation-statistics file (its __metadata__ needs format = \(Self.format) and version = \(Self.version))")
        }
        modules = try Self.group(file.tensors, path: path)
        for (module, tensors) in modules { try Self.check(module, tensors, path: path) }
        for (module, tensors) in modules {
            guard let tokens = tensors.tokens else { continue }
            guard try tokenCount(tokens) > 0 else {
                throw ActivationStatisticsError(path: path, problem: "\(module)\(Self.tokensSuffix) must be a positive token count")
            }
        }
    }

    /// The module name of a weight: its name without the `.weight` suffix.
    public static func module(ofWeight name: String) -> String {
        name.hasSuffix(".weight") ? String(name.dropLast(".weight".count)) : name
    }

    /// The modules the file describes, sorted.
    public var moduleNames: [String] { modules.keys.sorted() }

    /// True when the file holds statistics for the weight named `name`.
    public func hasStatistics(forWeight name: String) -> Bool {
        modules[Self.module(ofWeight: name)] != nil
    }

    /// Checks that every module whose weight is in `checkpoint` has statistics of the weight's
    /// input width n (its column count). Modules without a weight in the checkpoint are ignored.
    ///
    /// - Throws: ``ActivationStatisticsError`` naming the file and the tensor on a mismatch.
    public func validate(against checkpoint: Checkpoint) throws {
        for module in moduleNames {
            guard let weight = checkpoint.tensor(named: module + ".weight") else { continue }
            let tensors = modules[module]!
            let width = Self.width(tensors)
            guard let columns = weight.info.columns else {
                throw ActivationStatisticsError(path: path, problem: "has statistics for \(module), but \(weight.info.name) has shape \(weight.info.shape), not a matrix")
            }
            guard width == columns else {
                let tensor = tensors.secondMoment ?? tensors.meanSquare!
                throw ActivationStatisticsError(path: path, problem: "\(tensor.name) has shape \(tensor.shape), but \(weight.info.name) (\(weight.info.shape[0])×\(columns)) takes inputs of \(columns) channels")
            }
        }
    }

    /// Reads the statistics of the weight named `name`.
    ///
    /// - Throws: ``ActivationStatisticsError`` when the file has none for it or they hold NaN/Inf.
    public func statistics(forWeight name: String) throws -> LayerInputStatistics {
        let module = Self.module(ofWeight: name)
        guard let tensors = modules[module], let tokens = tensors.tokens else {
            throw ActivationStatisticsError(path: path, problem: "has no statistics for \(name) (expected \(module)\(Self.secondMomentSuffix) or \(module)\(Self.meanSquareSuffix))")
        }
        let secondMoment = try tensors.secondMoment.map { try matrix($0) }
        let meanSquare = try tensors.meanSquare.map { try matrix($0).elements }
        return LayerInputStatistics(module: module, secondMoment: secondMoment, meanSquare: meanSquare, tokens: try tokenCount(tokens))
    }

    /// The whitening of the weight named `name` (see ``Whitening``).
    ///
    /// - Throws: ``ActivationStatisticsError`` naming the tensor when its statistics are missing,
    ///   non-finite or not a second moment (indefinite, all zero).
    public func whitening(forWeight name: String) throws -> Whitening {
        let statistics = try statistics(forWeight: name)
        do {
            return try Whitening(statistics)
        } catch let error as LinearAlgebraError {
            let tensor = statistics.module + (statistics.secondMoment != nil ? Self.secondMomentSuffix : Self.meanSquareSuffix)
            throw ActivationStatisticsError(path: path, problem: "\(tensor) cannot whiten \(name): \(error.description)")
        }
    }

    /// A tensor as a double matrix (a vector as one row), rejecting NaN/Inf.
    private func matrix(_ tensor: TensorInfo) throws -> Matrix {
        let rows = tensor.shape.count == 2 ? tensor.shape[0] : 1
        let columns = tensor.shape.last ?? 0
        do {
            return try file.withBytes(of: tensor) { bytes in
                guard let base = bytes.baseAddress, let format = ScalarFormat(tensor.dtype), rows * columns > 0 else {
                    return Matrix(rows: rows, columns: columns)
                }
                return try Matrix(MatrixSource(base: base, rows: rows, columns: columns, format: format))
            }
        } catch let error as LinearAlgebraError {
            throw ActivationStatisticsError(path: path, problem: "\(tensor.name) cannot be used: \(error.description)")
        }
    }

    private func tokenCount(_ tensor: TensorInfo) throws -> Int {
        Int(try file.withBytes(of: tensor) { $0.loadUnaligned(as: Int64.self) })
    }

    /// The input width a module's tensors describe (they agree, see ``check(_:_:path:)``).
    private static func width(_ tensors: ModuleTensors) -> Int {
        tensors.secondMoment?.shape[0] ?? tensors.meanSquare?.shape[0] ?? 0
    }

    /// Sorts the header's tensors into modules by suffix; an unknown name is an error.
    private static func group(_ tensors: [TensorInfo], path: String) throws -> [String: ModuleTensors] {
        var modules: [String: ModuleTensors] = [:]
        for tensor in tensors {
            if let module = strip(tensor.name, secondMomentSuffix) {
                modules[module, default: ModuleTensors()].secondMoment = tensor
            } else if let module = strip(tensor.name, meanSquareSuffix) {
                modules[module, default: ModuleTensors()].meanSquare = tensor
            } else if let module = strip(tensor.name, tokensSuffix) {
                modules[module, default: ModuleTensors()].tokens = tensor
            } else {
                throw ActivationStatisticsError(path: path, problem: "tensor \(tensor.name) ends in none of \(secondMomentSuffix), \(meanSquareSuffix) and \(tokensSuffix)")
            }
        }
        return modules
    }

    private static func strip(_ name: String, _ suffix: String) -> String? {
        name.hasSuffix(suffix) && name.count > suffix.count ? String(name.dropLast(suffix.count)) : nil
    }

    /// dtype and shape rules of one module's tensors.
    private static func check(_ module: String, _ tensors: ModuleTensors, path: String) throws {
        func fail(_ problem: String) -> ActivationStatisticsError { ActivationStatisticsError(path: path, problem: problem) }
        guard let tokens = tensors.tokens else { throw fail("\(module) has statistics but no \(module)\(tokensSuffix)") }
        guard tokens.dtype == .I64, tokens.shape == [] || tokens.shape == [1] else {
            throw fail("\(tokens.name) must be an I64 scalar or [1], not \(tokens.dtype.rawValue) \(tokens.shape)")
        }
        guard tensors.secondMoment != nil || tensors.meanSquare != nil else {
            throw fail("\(module) has \(tokens.name) but neither \(module)\(secondMomentSuffix) nor \(module)\(meanSquareSuffix)")
        }
        for tensor in [tensors.secondMoment, tensors.meanSquare].compactMap({ $0 }) where tensor.dtype != .F32 && tensor.dtype != .F64 {
            throw fail("\(tensor.name) must be F32 or F64, not \(tensor.dtype.rawValue)")
        }
        if let moment = tensors.secondMoment, moment.shape.count != 2 || moment.shape[0] != moment.shape[1] {
            throw fail("\(moment.name) must be a square n×n matrix, not shape \(moment.shape)")
        }
        if let meanSquare = tensors.meanSquare {
            guard meanSquare.shape.count == 1 else { throw fail("\(meanSquare.name) must be a vector, not shape \(meanSquare.shape)") }
            if let moment = tensors.secondMoment, moment.shape[0] != meanSquare.shape[0] {
                throw fail("\(meanSquare.name) has \(meanSquare.shape[0]) channels but \(moment.name) has \(moment.shape[0])")
            }
        }
    }
}
