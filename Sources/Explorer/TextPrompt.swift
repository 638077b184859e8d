import TerminalUI

/// A one-line text field in the status line: the filter, a typed rank, or a plan path.
/// Printable keys append, Backspace erases, Enter submits, Esc cancels.
public struct TextPrompt: Equatable, Sendable {
    /// What the text is for.
    public enum Purpose: Equatable, Sendable {
        /// A regular expression over tensor names, applied as it is typed.
        case filter
        /// A rank for the selected layer (``RankEntry`` syntax).
        case rank
        /// Where to save the plan.
        case savePath
        /// Which plan to open.
        case openPath
        /// The folder to compress the plan into.
        case compressOutput
    }

    /// What the text is for.
    public let purpose: Purpose
    /// The text typed so far.
    public var text: String

    /// A prompt for `purpose`, pre-filled with `text`.
    public init(_ purpose: Purpose, text: String = "") {
        self.purpose = purpose
        self.text = text
    }

    /// The label before the text.
    public var label: String {
        switch purpose {
        case .filter: return "/"
        case .rank: return "rank (12, 25%, e99): "
        case .savePath: return "save plan to: "
        case .openPath: return "open plan: "
        case .compressOutput: return "compress into folder: "
        }
    }

    /// The result of one key.
    public enum Outcome: Equatable, Sendable {
        /// The text changed (or not); keep editing.
        case editing
        /// Enter: use the text.
        case submitted
        /// Esc: forget it.
        case cancelled
    }

    /// Applies one key to the text: ``KeyMap/prompt`` says what Enter, Esc, Backspace and
    /// Ctrl-U do; printable keys append.
    public mutating func edit(_ key: KeyEvent) -> Outcome {
        if let action = KeyMap.action(for: key, in: KeyMap.prompt) { return apply(action) }
        if case .character(let c) = key { text.append(c) }
        return .editing
    }

    /// Applies a text action (submit, cancel, erase, clear); others leave the text alone.
    public mutating func apply(_ action: ExplorerAction) -> Outcome {
        switch action {
        case .submit: return .submitted
        case .cancel: return .cancelled
        case .erase: if !text.isEmpty { text.removeLast() }
        case .clearText: text = ""
        default: break
        }
        return .editing
    }
}
