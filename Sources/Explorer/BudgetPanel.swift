import Planning
import TerminalUI

/// The budget form: a target kind, a value in human units, and the outcome of the last run
/// (achieved figures and the gain over the uniform-rank plan, or why the target is out of reach).
public struct BudgetPanel: Equatable, Sendable {
    /// What the target measures.
    public var kind: BudgetEntry.Kind = .parameters
    /// Bits of the factors the allocator gives free layers (↑/↓ cycle 16, 8, 4, 3, 2).
    public var factorBits = 16
    /// The value as typed.
    public var text = ""
    /// The lines describing the last run (empty before the first).
    public var outcome: [String] = []
    /// True when the last run failed (the outcome is a problem, not figures).
    public var failed = false

    /// An empty form targeting a parameter count.
    public init() {}

    /// Moves to the next (`forward`) or previous kind.
    public mutating func cycleKind(forward: Bool) {
        let kinds = BudgetEntry.Kind.allCases
        let i = kinds.firstIndex(of: kind) ?? 0
        kind = kinds[(i + (forward ? 1 : kinds.count - 1)) % kinds.count]
    }

    /// Applies one key: Tab and ←/→ change the kind, ↑/↓ the factor bits, text keys edit the
    /// value; Enter submits (run the allocator) and Esc cancels (close the panel).
    public mutating func press(_ key: KeyEvent) -> TextPrompt.Outcome {
        switch key {
        case .tab, .right: cycleKind(forward: true)
        case .backTab, .left: cycleKind(forward: false)
        case .down: factorBits = ExplorerState.next(after: factorBits, in: ExplorerState.bitCycle)
        case .up: factorBits = ExplorerState.next(after: factorBits, in: ExplorerState.bitCycle.reversed())
        default:
            var field = TextPrompt(.filter, text: text)
            let outcome = field.edit(key)
            text = field.text
            return outcome
        }
        return .editing
    }
}
