/// Why compressed layers could not be decoded; each case reads as one sentence naming the file.
public enum DecodingError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The folder is not a `rankscope compress` output (no `config.json` with a `rankscope` section).
    case notARankscopeOutput(folder: String, reason: String)
    /// The `rankscope` section of `config.json` describes a layer in a way this build cannot read.
    case malformedEntry(file: String, module: String, reason: String)
    /// A tensor the layer's entry calls for is absent.
    case missingTensor(file: String, module: String, tensor: String)
    /// A tensor's dtype or shape disagrees with the layer's entry.
    case tensorMismatch(file: String, tensor: String, expected: String, found: String)

    /// One sentence describing the problem.
    public var description: String {
        switch self {
        case let .notARankscopeOutput(folder, reason):
            return "\(folder): not a rankscope compress output folder (\(reason))."
        case let .malformedEntry(file, module, reason):
            return "\(file): the rankscope entry of layer \(module) cannot be read: \(reason)."
        case let .missingTensor(file, module, tensor):
            return "\(file): layer \(module) is listed as compressed but its tensor \(tensor) is missing; the folder is incomplete, compress it again."
        case let .tensorMismatch(file, tensor, expected, found):
            return "\(file): tensor \(tensor) is \(found), but its layer's rankscope entry calls for \(expected)."
        }
    }
}
