/// Why typed text could not be read: one sentence for the status line or a panel.
public struct QuantityError: Error, Equatable, CustomStringConvertible {
    /// The sentence.
    public let description: String
    /// Wraps a sentence.
    public init(_ description: String) { self.description = description }
}
