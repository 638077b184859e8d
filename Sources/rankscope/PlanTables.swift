import Foundation
import Planning

/// The human-readable output of `rankscope plan`: totals (model, by block, by role), sparse
/// formats versus dense low-rank factors, and the allocation versus a uniform rank.
enum PlanTables {
    static func render(_ evaluation: PlanEvaluation, path: String, planFile: String?, document: PlanDocument) -> [String] {
        let model = evaluation.totals.model
        let defaults = evaluation.defaults
        var lines = ["\(path): \(evaluation.totals.estimates.count) tensors, \(Formatting.grouped(model.parametersBefore)) parameters"]
        let start = planFile.map { "\($0) (\(document.rules.count) rules, \(document.overrides.count) overrides)" }
        let source: String
        switch (start, evaluation.target) {
        case let (start?, nil): source = start
        case let (start?, _?): source = "allocated for the target, starting from \(start)"
        case (nil, _?): source = "allocated for the target"
        case (nil, nil): source = "none (every matrix kept as stored)"
        }
        lines.append("plan: \(source); factors at \(defaults.factorBits) bits"
            + (defaults.factorBits < 16 ? ", groups of \(defaults.groupSize)" : "")
            + (defaults.backboneBits.map { ", \($0)-bit backbone" + (defaults.backboneCodebook == .e8p ? " (E8P)" : "") } ?? ""))
        if let target = evaluation.target { lines.append("target: \(describe(target))") }
        lines.append("")
        lines += figuresTable([("model", model)], heading: "group")
        lines.append("")
        lines += figuresTable(evaluation.totals.byBlock.map { ($0.block.map { "block \($0)" } ?? "outside blocks", $0.figures) }, heading: "block")
        lines.append("")
        lines += figuresTable(evaluation.totals.byRole.map { ($0.role, $0.figures) }, heading: "role")
        if model.unknownErrorCount > 0 {
            lines.append("(\(model.unknownErrorCount) changed matrices have no spectrum; their error is not counted)")
        }
        for comparison in evaluation.sparse {
            lines.append("")
            lines += sparseTable(comparison, lowRankBytes: comparison.keptParameters == evaluation.lowRankParameters ? evaluation.lowRankBytes : nil)
        }
        if let allocation = evaluation.allocation {
            lines.append("")
            lines += allocationLines(allocation)
        }
        let cautions = cautionLines(evaluation)
        if !cautions.isEmpty { lines += [""] + cautions }
        return lines
    }

    /// What `plan --estimate` says about its figures: how many matrices were planned from partial
    /// estimates, that their errors (and the totals over them) are upper bounds, and what is exact.
    static func estimateLines(_ evaluation: PlanEvaluation, estimated: Set<String>) -> [String] {
        guard !estimated.isEmpty else {
            return ["estimates: none needed; every spectrum used was exact (cached, or as quick to compute as an estimate)."]
        }
        let bounded = evaluation.totals.model.estimatedErrorCount
        return ["ESTIMATES: \(estimated.count) of \(evaluation.measured.count) spectra are partial estimates (randomized top singular values "
                + "plus the exact norm; not cached). Parameters, sizes and bits are exact. The rel. errors of the \(bounded) low-rank "
                + "matrices among them, and every total that includes them, are upper bounds; energy-rank rules and allocations "
                + "read from them are conservative. Run without --estimate (or `rankscope spectra`) for exact figures "
                + "(docs/spectra.md, \"What is exact when\")."]
    }

    /// The matrices whose heavy-tailed metrics call for caution (``SpectralCaution``), in model
    /// order, with their choice, under a heading that states the rule.
    static func cautionLines(_ evaluation: PlanEvaluation) -> [String] {
        var table = TextTable([("matrix", .left), ("alpha", .right), ("num_spikes", .right), ("M", .right),
                               ("caution", .left), ("choice", .left)])
        var count = 0
        for estimate in evaluation.totals.estimates {
            guard let metrics = evaluation.metrics[estimate.name] else { continue }
            let caution = SpectralCaution(metrics: metrics)
            guard caution != .none else { continue }
            count += 1
            let choice: String
            switch evaluation.choices[estimate.name] ?? .keep {
            case .dense: choice = "dense"
            case let .lowRank(rank, bits, _, backbone, codebook):
                choice = "rank \(rank), \(bits)-bit" + (backbone.map { " + \($0)-bit " + (codebook == .e8p ? "E8P " : "") + "backbone" } ?? "")
            }
            table.append([estimate.name, String(format: "%.3f", metrics.alpha), String(metrics.spikeCount),
                          String(metrics.eigenvalueCount), caution.rawValue, choice])
        }
        guard count > 0 else { return [] }
        return ["cautions (\(count) matrices; WeightWatcher metrics of their spectra): poor-fit = power-law fit failed or KS D > 1.358/√n_tail, "
                + "do not read alpha; heavy-tail = alpha < 2; mostly-noise = num_spikes ≤ max(1, 1% of M) above the "
                + "Marchenko–Pastur bulk; the marks did not predict measured sensitivity (docs/spectra.md):"] + table.render()
    }

    static func describe(_ target: BudgetTarget) -> String {
        switch target {
        case .parameters(let count): return "at most \(Formatting.grouped(count)) parameters"
        case .parameterShare(let share): return "at most \(share)"
        case .bytes(let count): return "at most \(Formatting.grouped(count)) bytes (\(Formatting.bytes(count)))"
        case .bitsPerWeight(let bits): return "at most \(bits) bits per weight"
        case .relativeError(let error): return "relative error at most \(error), fewest bytes"
        }
    }

    private static func figuresTable(_ rows: [(String, PlanFigures)], heading: String) -> [String] {
        var table = TextTable([
            (heading, .left), ("params before", .right), ("params after", .right), ("bytes before", .right), ("bytes after", .right),
            ("bits/weight", .right), ("rel. error", .right), ("speed-up mem", .right), ("speed-up compute", .right),
        ])
        for (label, figures) in rows {
            table.append([
                label, Formatting.grouped(figures.parametersBefore), Formatting.grouped(figures.parametersAfter),
                Formatting.bytes(figures.bytesBefore), Formatting.bytes(figures.bytesAfter),
                String(format: "%.3f", figures.bitsPerWeight),
                (figures.estimatedErrorCount > 0 ? "≤ " : "") + String(format: "%.4f", figures.relativeError),
                speedup(figures.memoryBoundSpeedup), speedup(figures.computeBoundSpeedup),
            ])
        }
        return table.render()
    }

    private static func speedup(_ value: Double) -> String {
        value.isFinite ? String(format: "%.2f×", value) : "∞"
    }

    private static func sparseTable(_ comparison: SparseComparison, lowRankBytes: Int?) -> [String] {
        let lines = [String(format: "sparse versus dense at %@ parameters (density %.2f%% of the compressible matrices, %d-bit values):",
                            Formatting.grouped(comparison.keptParameters), comparison.density * 100, comparison.valueBits)]
        var table = TextTable([("storage", .left), ("bytes", .right), ("÷ low-rank", .right), ("÷ values", .right), ("break-even density", .right)])
        func ratio(_ bytes: Int?) -> String {
            guard let bytes, let lowRankBytes, lowRankBytes > 0 else { return "–" }
            return String(format: "%.2f", Double(bytes) / Double(lowRankBytes))
        }
        if let lowRankBytes { table.append(["this plan (dense + low-rank)", Formatting.bytes(lowRankBytes), "1.00", "–", "–"]) }
        table.append(["dense values only", Formatting.bytes(comparison.denseValuesBytes), ratio(comparison.denseValuesBytes), "1.00", "–"])
        for row in comparison.rows {
            table.append([
                "pruned, " + row.format.rawValue, row.bytes.map(Formatting.bytes) ?? "n/a", ratio(row.bytes),
                row.ratioToDenseValues.map { String(format: "%.2f", $0) } ?? "–",
                row.breakEvenDensity.map { String(format: "%.2f%%", $0 * 100) } ?? "never",
            ])
        }
        table.append(["unpruned dense", Formatting.bytes(comparison.denseBytes), ratio(comparison.denseBytes), "–", "100.00%"])
        return lines + table.render(indent: "  ")
    }

    private static func allocationLines(_ allocation: Allocation) -> [String] {
        let model = allocation.totals.model
        let proxy = allocation.objective.proxyDescription
        let method = allocation.prediction == nil ? "Lagrangian water-filling" : "greedy on each matrix's convex hull of (cost, predicted loss)"
        var lines = ["allocation (\(method), λ = \(Formatting.significant(allocation.multiplier)), \(allocation.fillMoves) greedy fill moves):"]
        let goal = allocation.prediction.map { "the predicted \($0.lossDescription) increase" } ?? "the \(proxy) (objective \(allocation.objective.rawValue))"
        lines.append("  rule: minimise \(goal); every free matrix at least rank \(minimumRankText(allocation.minimumRank))")
        lines.append("  allocated: relative error \(String(format: "%.4f", model.relativeError)), \(proxy) \(String(format: "%.4f", allocation.proxyError)), "
            + "\(Formatting.grouped(model.parametersAfter)) parameters, \(Formatting.bytes(model.bytesAfter))"
            + (allocation.isUniform ? " (the uniform plan was as good and is used)" : ""))
        if allocation.isUniform && allocation.prediction == nil {
            lines.append("  without a sensitivity profile this cut gets uniform ranks; `rankscope sensitivity` measures one (then plan --sensitivity) to allocate better")
        }
        guard let uniform = allocation.uniform else {
            lines.append("  uniform rank: no single rank fraction meets this target")
            return lines
        }
        let u = uniform.totals.model
        lines.append("  uniform rank (fraction \(String(format: "%.4f", uniform.fraction)) of full rank): relative error \(String(format: "%.4f", u.relativeError)), "
            + "\(proxy) \(String(format: "%.4f", allocation.uniformProxyError ?? 0)), \(Formatting.grouped(u.parametersAfter)) parameters, \(Formatting.bytes(u.bytesAfter))")
        if let prediction = allocation.prediction {
            lines.append("  predicted \(prediction.lossDescription) increase (each matrix as if alone, combined by the profile's rule; \(prediction.modelledMatrices) of "
                         + "\(prediction.freeMatrices) free matrices from the profile, the rest from the proxy): allocated "
                         + Formatting.significant(prediction.lossIncrease)
                         + (prediction.uniformLossIncrease.map { ", uniform " + Formatting.significant($0) } ?? ""))
        }
        if case .relativeError = allocation.target {
            if let gain = allocation.sizeImprovement { lines.append(String(format: "  the uniform plan is %.3f× the allocated size", gain)) }
        } else if allocation.prediction == nil, !allocation.isUniform, let gain = allocation.errorImprovement {
            lines.append(String(format: "  the uniform plan's error is %.3f× the allocated error, in the allocator's proxy (", gain)
                         + proxy + "; not a measured quality: `rankscope eval` measures one)")
        }
        return lines
    }

    /// `16`, `10% of full rank`, `50% of the uniform rank`.
    static func minimumRankText(_ minimum: MinimumRank) -> String {
        switch minimum {
        case .rank(let k): return String(k)
        case .shareOfFullRank: return "\(minimum) of its full rank"
        case .shareOfUniform: return "\(minimum.description.dropLast()) of its uniform rank (\(minimum))"
        case .deepening: return "a share of its uniform rank growing with the cut: 50% while the free matrices keep 75% of their size, 100% at 50% (auto)"
        }
    }
}
