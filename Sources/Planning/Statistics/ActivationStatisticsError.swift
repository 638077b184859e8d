/// A statistics file that cannot be used: one sentence naming the file and, where there is one,
/// the tensor.
public struct ActivationStatisticsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The statistics file.
    public let path: String
    /// What is wrong, as a sentence fragment naming the tensor.
    public let problem: String

    /// An error about `path`.
    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    /// `stats.safetensors: model.layers.0.mlp.up_proj.input_second_moment is 32×32, but …`
    public var description: String {
        let text = "\(path): \(problem)"
        return text.hasSuffix(".") ? text : text + "."
    }
}
