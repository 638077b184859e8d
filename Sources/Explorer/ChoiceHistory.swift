/// Bounded undo/redo over whole snapshots of the row settings: a 560-row plan is a few
/// kilobytes per step, so snapshots are simpler and safer than inverse operations.
public struct ChoiceHistory<Snapshot: Sendable>: Sendable {
    /// Most snapshots kept for undo; the oldest are dropped first.
    public let limit: Int
    private var undoStack: [Snapshot] = []
    private var redoStack: [Snapshot] = []

    /// An empty history keeping at most `limit` steps.
    public init(limit: Int = 200) { self.limit = max(1, limit) }

    /// True when there is a step to undo.
    public var canUndo: Bool { !undoStack.isEmpty }
    /// True when there is a step to redo.
    public var canRedo: Bool { !redoStack.isEmpty }

    /// Records `previous`, the state before a change; clears the redo steps.
    public mutating func record(_ previous: Snapshot) {
        undoStack.append(previous)
        if undoStack.count > limit { undoStack.removeFirst(undoStack.count - limit) }
        redoStack.removeAll()
    }

    /// The state to go back to from `current`, or nil when there is none.
    public mutating func undo(from current: Snapshot) -> Snapshot? {
        guard let previous = undoStack.popLast() else { return nil }
        redoStack.append(current)
        return previous
    }

    /// The state to go forward to from `current`, or nil when there is none.
    public mutating func redo(from current: Snapshot) -> Snapshot? {
        guard let next = redoStack.popLast() else { return nil }
        undoStack.append(current)
        return next
    }
}
