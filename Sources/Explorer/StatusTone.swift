/// How a status-line message reads, and so which theme style draws it.
public enum StatusTone: Sendable, Equatable {
    /// Ordinary information.
    case info
    /// Something finished well.
    case ok
    /// Something needs attention.
    case warning
    /// Something failed.
    case error
}

extension ExplorerState {
    /// Shows `text` in the status line with `tone` (for events that are not keys: spectra
    /// and job lines arriving).
    public mutating func announce(_ text: String, tone: StatusTone) {
        show(StatusMessage(text, tone: tone))
    }
}
