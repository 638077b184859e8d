import Foundation
import LinearAlgebra
import PythonOracle
import XCTest

/// `scripts/caution-vs-sensitivity`, whose Spearman figures docs/spectra.md quotes, against a rank
/// correlation computed here from scratch (average ranks for ties, Pearson correlation of the
/// ranks) on the same data: a synthetic profile and metrics CSV in the formats `rankscope
/// sensitivity` and `spectra --metrics --csv` write, with ties, a metric that ranks the loss
/// increase exactly (ρ = 1) and one that reverses it (ρ = −1), probes at other ranks and bit
/// widths that must be ignored, and a profile matrix the CSV lacks.
final class CautionSensitivityScriptTests: XCTestCase {
    /// The metric columns the script reads, in its order.
    private static let columns = ["alpha", "alpha_weighted", "num_spikes", "mp_softrank", "stable_rank", "entropy",
                                  "log_norm", "log_spectral_norm", "D", "xmin", "matrix_rank"]

    func testSpearmanFiguresMatchAnIndependentRankCorrelation() throws {
        var generator = SeededGenerator(seed: 1818)
        let count = 29
        var matrices: [[String: Any]] = []
        var increase: [String: Double] = [:], tail: [String: Double] = [:]
        var csv = "name,rows,columns," + Self.columns.joined(separator: ",") + ",caution\n"
        var metric: [String: [Double]] = [:]
        for index in 0..<count {
            let name = "model.layers.\(index / 7).m\(index % 7).weight"
            let rows = [64, 128, 96][index % 3], columns = [128, 64, 96][index % 3]
            let k = (min(rows, columns) + 1) / 2  // round(0.5 · M), M even
            // Ties in the loss increase (every fifth repeats its neighbour).
            let loss = index % 5 == 4 ? increase.values.max()! : Double.random(in: 0..<1, using: &generator)
            increase[name] = loss
            tail[name] = Double.random(in: 0..<1, using: &generator)
            let points: [[String: Any]] = [
                ["rank": k, "factor_bits": 16, "loss_increase": loss, "loss": loss, "tail_energy": tail[name]!],
                ["rank": k, "factor_bits": 4, "loss_increase": 9.0, "loss": 9.0, "tail_energy": 0.5],
                ["rank": k / 2, "factor_bits": 16, "loss_increase": -9.0, "loss": -9.0, "tail_energy": 0.5],
            ]
            matrices.append(["name": name, "rows": rows, "columns": columns, "points": points])
            var values: [Double] = []
            for column in Self.columns {
                let value: Double
                switch column {
                case "D": value = 0.01 + loss * 0.1  // ranks exactly as the loss increase
                case "entropy": value = 1 - loss * loss  // exactly reversed
                case "num_spikes", "matrix_rank": value = Double(Int.random(in: 0..<6, using: &generator))  // many ties
                default: value = Double.random(in: -3..<3, using: &generator)
                }
                values.append(value)
                metric[column, default: []].append(value)
            }
            csv += "\(name),\(rows),\(columns)," + values.map { String($0) }.joined(separator: ",") + ",\(index % 3 == 0 ? "heavy-tail" : "")\n"
        }
        // A profile matrix without metrics.
        matrices.append(["name": "lm_head.weight", "rows": 64, "columns": 64,
                         "points": [["rank": 32, "factor_bits": 16, "loss_increase": 0.5, "loss": 0.5, "tail_energy": 0.1]]])
        let profile: [String: Any] = ["format": "rankscope-sensitivity", "version": 2, "metric": "synthetic", "matrices": matrices]

        let folder = try Harness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try JSONSerialization.data(withJSONObject: profile).write(to: URL(fileURLWithPath: folder + "/profile.json"))
        try csv.write(toFile: folder + "/metrics.csv", atomically: true, encoding: .utf8)
        let script = TestModels.repositoryRoot.appendingPathComponent("scripts/caution-vs-sensitivity").path
        let output = try ChildProcess.run("/usr/bin/env", ["python3", script, folder + "/profile.json", folder + "/metrics.csv"])
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.stdout.contains("\(count) matrices, rank fraction 0.5, 16-bit factors"), output.stdout)
        XCTAssertTrue(output.stdout.contains("1 profile matrices without metrics"), output.stdout)

        let names = matrices.prefix(count).map { $0["name"] as! String }
        let losses = names.map { increase[$0]! }
        var expected = Dictionary(uniqueKeysWithValues: Self.columns.map { ($0, Self.spearman(metric[$0]!, losses)) })
        let sizes = matrices.prefix(count).map { Double(min($0["rows"] as! Int, $0["columns"] as! Int)) }
        expected["spike share"] = Self.spearman(zip(metric["num_spikes"]!, sizes).map { $0 / $1 }, losses)
        expected["(tail energy at k)"] = Self.spearman(names.map { tail[$0]! }, losses)
        XCTAssertEqual(expected["D"]!, 1, accuracy: 1e-12)
        XCTAssertEqual(expected["entropy"]!, -1, accuracy: 1e-12)

        var printed: [String: Double] = [:]
        for line in output.stdout.split(separator: "\n") {
            for label in expected.keys where line.hasPrefix(label + " ") {
                let fields = line.dropFirst(label.count).split(separator: " ")
                printed[label] = Double(String(fields[0]))
            }
        }
        for (label, rho) in expected {
            let value = try XCTUnwrap(printed[label], "no ρ printed for \(label):\n\(output.stdout)")
            XCTAssertEqual(value, rho, accuracy: 0.0005 + 1e-12, "\(label):\n\(output.stdout)")
        }
    }

    /// Spearman's ρ: the Pearson correlation of the two samples' ranks, tied values sharing the
    /// mean of their ranks.
    static func spearman(_ x: [Double], _ y: [Double]) -> Double {
        pearson(ranks(x), ranks(y))
    }

    static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            for position in start...end { ranks[order[position]] = Double(start + end) / 2 + 1 }
            start = end + 1
        }
        return ranks
    }

    static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        return sxy / (sxx * syy).squareRoot()
    }
}
