/// Why one tensor has no spectrum.
public struct SpectrumError: Error, CustomStringConvertible, Sendable {
    /// The tensor that failed.
    public let tensorName: String
    /// What went wrong, as a sentence fragment (`contains NaN or Inf at row 3, column 7`).
    public let problem: String

    /// Creates an error for a tensor.
    public init(tensorName: String, problem: String) {
        self.tensorName = tensorName
        self.problem = problem
    }

    /// One sentence naming the tensor and the problem.
    public var description: String {
        var text = "\(tensorName): \(problem)"
        if !text.hasSuffix(".") { text += "." }
        return text
    }
}
