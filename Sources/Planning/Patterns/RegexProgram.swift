/// A ``RegexNode`` compiled to instructions for a Pike VM (Thompson's construction): every
/// repetition is expanded or looped, so the program's size bounds the work per scalar of a name.
struct RegexProgram: Sendable {
    /// One instruction.
    enum Instruction: Sendable {
        /// Consume one scalar of the class, then go on.
        case scalar(ScalarClass)
        /// Continue at both targets.
        case split(Int, Int)
        /// Continue at the target.
        case jump(Int)
        /// Continue only where the condition holds.
        case assertion(RegexAssertion)
        /// A match.
        case match
    }

    /// Most instructions a pattern may compile to: `(a{1000}){1000}` would be a million.
    static let maximumSize = 20_000

    private(set) var instructions: [Instruction] = []

    init(_ node: RegexNode) throws {
        try emit(node)
        try append(.match)
    }

    private mutating func append(_ instruction: Instruction) throws {
        guard instructions.count < RegexProgram.maximumSize else {
            throw BoundedRegexError("the pattern expands to more than \(RegexProgram.maximumSize) states (repetition counts multiply); simplify it")
        }
        instructions.append(instruction)
    }

    private mutating func emit(_ node: RegexNode) throws {
        switch node {
        case .empty: break
        case .scalar(let set): try append(.scalar(set))
        case .assertion(let assertion): try append(.assertion(assertion))
        case .sequence(let parts):
            for part in parts { try emit(part) }
        case .alternation(let branches):
            var jumps: [Int] = []
            for (number, branch) in branches.enumerated() {
                if number == branches.count - 1 {
                    try emit(branch)
                } else {
                    let split = instructions.count
                    try append(.split(split + 1, -1))
                    try emit(branch)
                    jumps.append(instructions.count)
                    try append(.jump(-1))
                    instructions[split] = .split(split + 1, instructions.count)
                }
            }
            for jump in jumps { instructions[jump] = .jump(instructions.count) }
        case .repetition(let body, let minimum, let maximum):
            for _ in 0..<minimum { try emit(body) }
            if let maximum {
                var splits: [Int] = []
                for _ in minimum..<maximum {
                    splits.append(instructions.count)
                    try append(.split(instructions.count + 1, -1))
                    try emit(body)
                }
                for split in splits { instructions[split] = .split(split + 1, instructions.count) }
            } else {
                let loop = instructions.count
                try append(.split(loop + 1, -1))
                try emit(body)
                try append(.jump(loop))
                instructions[loop] = .split(loop + 1, instructions.count)
            }
        }
    }
}
