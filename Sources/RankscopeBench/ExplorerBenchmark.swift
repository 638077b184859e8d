import Explorer
import Planning
import SafeTensors
import TerminalUI

/// The `explorer` section: on the 560-matrix 70B-shaped model (every matrix factorized at its
/// 99%-energy rank), the time from one keystroke (a rank change on a layer in the middle) to a
/// fully rendered frame, for each view at 200×60 and 80×24, beside an anchor measured in the same
/// run (clearing and filling a bare cell buffer of the same size). Target: well under 16 ms.
enum ExplorerBenchmark {
    /// The frame budget of a 60 Hz terminal.
    static let frameBudget = 0.016

    static func run(_ options: BenchOptions) throws -> [String] {
        var state = seventyBState()
        var lines = ["explorer: keystroke (rank ±1) + full frame, \(state.entries.count) matrices, every one factorized"]
        var worst = 0.0
        for (width, height) in [(200, 60), (80, 24)] {
            var anchorBuffer = CellBuffer(width: width, height: height)
            let anchor = Timing(runs: options.runs * 4) {
                anchorBuffer.clear()
                anchorBuffer.fill(anchorBuffer.area, style: Style(reverse: true))
            }
            lines.append(BenchReport.row("anchor: clear + fill \(width)×\(height) buffer", anchor.summary))
            for mode in ViewMode.allCases {
                state.reduce(.showView(mode))
                var buffer = CellBuffer(width: width, height: height)
                var up = false
                let frame = Timing(runs: options.runs) {
                    up.toggle()
                    state.press(.character(up ? "+" : "-"))
                    ExplorerView.render(&state, into: &buffer)
                }
                worst = max(worst, frame.median)
                lines.append(BenchReport.row("key + frame \(width)×\(height), \(mode.name)",
                                             "\(frame.summary)  = \(BenchReport.ratio(frame.median / anchor.median)) anchor"))
            }
        }
        lines.append(BenchReport.verdict(worst < frameBudget / 4, "slowest median well under 16 ms (< 4 ms): \(Timing.format(worst))"))
        return lines
    }

    /// The explorer's state over ``SeventyBModel`` with every spectrum in, every matrix at its
    /// 99%-energy rank, and the selection on a layer in the middle of the model.
    static func seventyBState() -> ExplorerState {
        let tensors = SeventyBModel.tensors()
        let entries = tensors.map { tensor in
            CatalogEntry(tensor: CheckpointTensor(info: TensorInfo(name: tensor.name, dtype: .BF16, shape: tensor.shape)!, fileIndex: 0))
        }
        let rows = entries.filter(\.isCompressible)
        var state = ExplorerState(title: "llama-2-70b (synthetic)", rows: rows, others: entries)
        let spectra = tensors.compactMap(\.spectrum)
        for (i, spectrum) in spectra.enumerated() {
            state.receive(.finished(spectrum, fromCache: true), completed: i + 1, total: spectra.count)
        }
        // In the first block: each role to 99% energy, then to the same role in every block.
        state.reduce(.moveDown)
        for _ in 0..<7 {
            state.reduce(.cycleEnergy)
            state.reduce(.applyToRole)
            state.reduce(.moveDown)
        }
        for _ in 0..<(rows.count / 2) { state.reduce(.moveDown) }
        return state
    }
}
