/// Runs a ``RegexProgram`` over a name as a Pike VM: the set of live states advances one scalar
/// at a time, each state at most once per position, so a search costs at most about
/// 2·(length + 1)·(program size) steps whatever the pattern.
struct PikeMachine {
    private let instructions: [RegexProgram.Instruction]
    /// States visited and scalars tested by the last search.
    private(set) var steps = 0
    /// A search stops (answering no match) once ``steps`` passes this.
    private let stepLimit: Int

    init(_ instructions: [RegexProgram.Instruction], stepLimit: Int) {
        self.instructions = instructions
        self.stepLimit = stepLimit
    }

    /// Whether the program matches somewhere in `scalars` (false also when the limit stopped it:
    /// the caller sees ``steps`` above its budget).
    mutating func search(_ scalars: [Unicode.Scalar]) -> Bool {
        var walk = Walk(instructions: instructions)
        defer { steps = walk.steps }
        var current = StateSet(capacity: instructions.count)
        var following = StateSet(capacity: instructions.count)
        for position in 0...scalars.count {
            let before = position > 0 ? scalars[position - 1] : nil
            let after = position < scalars.count ? scalars[position] : nil
            if walk.follow(0, into: &current, before: before, after: after) { return true }
            guard let scalar = after, walk.steps <= stepLimit else { return false }
            following.clear()
            let next = position + 1 < scalars.count ? scalars[position + 1] : nil
            for k in 0..<current.count {
                let state = current.states[k]
                guard case .scalar(let set) = instructions[state] else { continue }
                walk.steps += 1
                if set.contains(scalar), walk.follow(state + 1, into: &following, before: scalar, after: next) { return true }
            }
            swap(&current, &following)
        }
        return false
    }
}

/// Follows the moves that consume no scalar, counting steps.
private struct Walk {
    let instructions: [RegexProgram.Instruction]
    var steps = 0
    private var stack: [Int] = []

    init(instructions: [RegexProgram.Instruction]) { self.instructions = instructions }

    /// Adds `start` and every state reachable from it without consuming a scalar (between
    /// `before` and `after`) to `set`; true when one of them is the match.
    mutating func follow(_ start: Int, into set: inout StateSet, before: Unicode.Scalar?, after: Unicode.Scalar?) -> Bool {
        stack.append(start)
        while let state = stack.popLast() {
            guard set.insert(state) else { continue }
            steps += 1
            switch instructions[state] {
            case .match:
                stack.removeAll(keepingCapacity: true)
                return true
            case .jump(let target): stack.append(target)
            case .split(let first, let second):
                stack.append(second)
                stack.append(first)
            case .assertion(let assertion):
                if assertion.holds(before: before, after: after) { stack.append(state + 1) }
            case .scalar: break
            }
        }
        return false
    }
}

/// A set of program states with constant-time insert, membership and clearing (Briggs–Torczon
/// sparse set), listing its members in insertion order.
struct StateSet {
    private(set) var states: [Int]
    private var slots: [Int]
    private(set) var count = 0

    init(capacity: Int) {
        states = [Int](repeating: 0, count: capacity)
        slots = [Int](repeating: 0, count: capacity)
    }

    /// Adds `state`; false when it was already there.
    mutating func insert(_ state: Int) -> Bool {
        let slot = slots[state]
        if slot < count && states[slot] == state { return false }
        slots[state] = count
        states[count] = state
        count += 1
        return true
    }

    mutating func clear() { count = 0 }
}
