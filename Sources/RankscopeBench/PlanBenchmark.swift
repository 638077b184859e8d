import Planning

/// The `plan` section: on the 560-matrix 70B-shaped model, the time to recompute every total
/// after one layer's choice changes (what the explorer does on each key), and the time to
/// allocate a global budget (with 16-bit factors, and choosing among 16, 8 and 4 bits), each beside an anchor measured in the same run (a plain sum of the
/// tensors' element counts and one tail-energy lookup each), so figures compare across machines.
enum PlanBenchmark {
    static func run(runs: Int) throws -> [String] {
        let tensors = SeventyBModel.tensors()
        let matrices = tensors.filter(\.isCompressible)
        var choices = Dictionary(uniqueKeysWithValues: matrices.map { ($0.name, LayerChoice.lowRank(rank: 1024)) })
        let baseline = try PlanTotals(tensors: tensors, choices: choices).model
        var lines = ["plan: \(matrices.count) matrices of a 70B-shaped model, \(baseline.parametersBefore) parameters (\(tensors.count) tensors)"]

        var anchorSum = 0.0
        let anchor = Timing(runs: runs * 4) {
            var sum = 0.0
            for tensor in tensors { sum += Double(tensor.elementCount) + (tensor.spectrum?.tailEnergy[1024] ?? 0) }
            anchorSum = sum
        }
        lines.append(row("anchor: plain sum over the \(tensors.count) tensors", "\(anchor.summary)  (sum \(anchorSum))"))

        var flip = false
        var totals = baseline
        let changed = matrices[matrices.count / 2].name
        let recompute = try Timing(runs: runs) {
            flip.toggle()
            choices[changed] = .lowRank(rank: flip ? 512 : 1024)
            totals = try PlanTotals(tensors: tensors, choices: choices).model
        }
        lines.append(row("recompute all totals after one change", "\(recompute.summary)  = \(ratio(recompute, anchor)) × anchor"))
        lines.append("    → \(totals.parametersAfter) parameters after, \(totals.bytesAfter) bytes, relative error \(totals.relativeError)")

        let target = BudgetTarget.parameters(baseline.parametersBefore / 2)
        var allocation: Allocation?
        let allocate = try Timing(runs: max(3, runs / 5)) {
            allocation = try BudgetAllocator().allocate(tensors: tensors, target: target)
        }
        lines.append(row("allocate half the parameters, 16-bit", "\(allocate.summary)  = \(ratio(allocate, anchor)) × anchor"))
        if let allocation {
            let model = allocation.totals.model
            let uniform = allocation.uniform.map { String(format: "%.4f (fraction %.4f)", $0.totals.model.relativeError, $0.fraction) } ?? "none"
            lines.append("    → \(model.parametersAfter) parameters, relative error \(String(format: "%.4f", model.relativeError)); uniform rank at the same budget: \(uniform); \(allocation.fillMoves) fill moves")
        }

        var choosing = BudgetAllocator()
        choosing.allowedFactorBits = Dictionary(uniqueKeysWithValues: matrices.map { ($0.name, Set([16, 8, 4])) })
        let byteTarget = BudgetTarget.bytes(baseline.bytesBefore / 4)
        var withBits: Allocation?
        let allocateBits = try Timing(runs: max(3, runs / 5)) {
            withBits = try choosing.allocate(tensors: tensors, target: byteTarget)
        }
        lines.append(row("allocate a quarter of the bytes, 16/8/4-bit", "\(allocateBits.summary)  = \(ratio(allocateBits, anchor)) × anchor"))
        if let withBits {
            let model = withBits.totals.model
            var widths: [Int: Int] = [:]
            for choice in withBits.choices.values { if case let .lowRank(_, bits, _, _, _) = choice { widths[bits, default: 0] += 1 } }
            let mix = widths.keys.sorted(by: >).map { "\($0)-bit ×\(widths[$0]!)" }.joined(separator: ", ")
            lines.append("    → \(model.bytesAfter) bytes, relative error \(String(format: "%.4f", model.relativeError)); factors \(mix)")
        }
        return lines
    }

    /// `  label…  text` with labels padded to one width.
    private static func row(_ label: String, _ text: String) -> String {
        "  " + label + String(repeating: " ", count: max(1, 46 - label.count)) + text
    }

    private static func ratio(_ timing: Timing, _ anchor: Timing) -> String {
        let value = timing.median / max(anchor.median, 1e-12)
        return value >= 100 ? String(format: "%.0f", value) : String(format: "%.1f", value)
    }
}
