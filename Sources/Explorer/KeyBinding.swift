import TerminalUI

/// One row of the ``KeyMap``: the keys that trigger an action and what the help screen says.
public struct KeyBinding: Sendable {
    /// Keys that trigger the action (the first is shown first in help).
    public let keys: [KeyEvent]
    /// The action.
    public let action: ExplorerAction
    /// One-line description for the help screen.
    public let summary: String

    /// Creates a binding.
    public init(_ keys: [KeyEvent], _ action: ExplorerAction, _ summary: String) {
        self.keys = keys
        self.action = action
        self.summary = summary
    }

    /// The keys as help shows them: `j / ↓`.
    public var keyLabel: String { keys.map(KeyBinding.label(for:)).joined(separator: " / ") }

    /// A short printable name for a key.
    public static func label(for key: KeyEvent) -> String {
        switch key {
        case .character(" "): return "Space"
        case .character(let c): return String(c)
        case .ctrl(let c): return "Ctrl-" + String(c).uppercased()
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Backspace"
        case .delete: return "Del"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .function(let n): return "F\(n)"
        case .click: return "click"
        case .resize: return "resize"
        case .unknown(let code): return "key \(code)"
        }
    }
}
