import Foundation
import Planning
import SafeTensors

/// `rankscope spectra --metrics` rows with WeightWatcher's details-table column names, so a
/// notebook written for `watcher.analyze()` reads `--csv` (`pd.read_csv`) or `--json`
/// (`pd.DataFrame(doc["details"])`) unchanged.
///
/// The WeightWatcher columns come first, in its order (`layer_id`, `name`, then alphabetical),
/// with its conventions: −1 where a fit failed, `status` `success` or `failed`, `warning`
/// `under-trained`, `over-trained` or empty, `layer_type` `dense`, `rf` 1, `longname` = `name`,
/// `layer_id` counting the listed matrices from 0 (its flat-file numbering). rankscope's own
/// columns follow: `block`, `role`, `rows`, `columns`, `flag` (``SpectralWarning``, with
/// `poor-fit`), `caution` (``SpectralCaution``) and `spectrum_kind` (`weights` or `data_aware`).
enum MetricsDetails {
    /// One cell of the table.
    enum Cell: Encodable, Equatable {
        case integer(Int)
        case number(Double)
        case text(String)
        case flag(Bool)

        /// The CSV field: shortest round-trip decimals, `True`/`False` as pandas writes booleans.
        var csvField: String {
            switch self {
            case .integer(let value): return String(value)
            case .number(let value): return value.isFinite ? "\(value)" : (value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf"))
            case .text(let value): return SpectraCSV.quoted(value)
            case .flag(let value): return value ? "True" : "False"
            }
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .integer(let value): try container.encode(value)
            case .number(let value): if value.isFinite { try container.encode(value) } else { try container.encodeNil() }
            case .text(let value): try container.encode(value)
            case .flag(let value): try container.encode(value)
            }
        }
    }

    /// The column names, in order.
    static let columns = [
        "layer_id", "name", "D", "M", "N", "Q", "W_scale", "alpha", "alpha_weighted", "bulk_max", "bulk_min",
        "entropy", "has_esd", "lambda_max", "layer_type", "log_alpha_norm", "log_norm", "log_spectral_norm",
        "longname", "matrix_rank", "mp_softrank", "norm", "num_evals", "num_pl_spikes", "num_spikes", "rank_loss",
        "rf", "sigma", "sigma_mp", "spectral_norm", "stable_rank", "status", "sv_max", "sv_min", "warning",
        "weak_rank_loss", "xmax", "xmin",
        "block", "role", "rows", "columns", "flag", "caution", "spectrum_kind",
    ]

    /// The cells of one matrix, in ``columns`` order.
    static func row(layerID: Int, entry: CatalogEntry, metrics m: SpectralMetrics, kind: String) -> [Cell] {
        let name = entry.info.name
        let fit = m.powerLaw
        let mp = m.marchenkoPastur
        let larger = m.largerDimension, smaller = m.eigenvalueCount
        return [
            .integer(layerID), .text(name), .number(fit?.ksDistance ?? -1), .integer(smaller), .integer(larger),
            .number(Double(larger) / Double(smaller)), .number(mp?.scale ?? -1), .number(m.alpha), .number(m.alphaWeighted),
            .number(mp?.bulkMax ?? -1), .number(mp?.bulkMin ?? -1), .number(m.entropy), .flag(true), .number(m.spectralNorm),
            .text("dense"), .number(m.logAlphaNorm), .number(m.logNorm), .number(m.logSpectralNorm), .text(name),
            .integer(m.matrixRank), .number(m.mpSoftRank), .number(m.norm), .integer(smaller), .integer(m.powerLawTailCount),
            .integer(m.spikeCount), .integer(m.rankLoss), .integer(1), .number(fit?.sigma ?? -1), .number(mp?.sigma ?? -1),
            .number(m.spectralNorm), .number(m.stableRank), .text(fit == nil ? "failed" : "success"),
            .number(m.largestSingularValue), .number(m.smallestSingularValue), .text(m.warning.weightWatcherText),
            .integer(m.weakRankLoss), .number(fit?.xmax ?? -1), .number(fit?.xmin ?? -1),
            entry.name.block.map { .integer($0) } ?? .text(""), .text(entry.name.role), .integer(m.rows), .integer(m.columns),
            .text(m.warning.rawValue), .text(SpectralCaution(metrics: m).rawValue), .text(kind),
        ]
    }

    /// The rows of `results`, numbered in order.
    static func rows(_ results: [SpectraCommand.Result], kind: String) -> [[Cell]] {
        results.enumerated().map { index, result in
            row(layerID: index, entry: result.entry, metrics: result.spectrum.metrics, kind: kind)
        }
    }

    /// Writes the table as CSV through `writer` (a temporary file beside `path`, renamed into
    /// place; never over a file of the checkpoint or the statistics).
    static func writeCSV(_ results: [SpectraCommand.Result], kind: String, to path: String, with writer: GuardedWriter) throws {
        var text = columns.joined(separator: ",") + "\n"
        for row in rows(results, kind: kind) { text += row.map(\.csvField).joined(separator: ",") + "\n" }
        try writer.write(Data(text.utf8), to: path)
    }

    /// One row as a JSON object (non-finite numbers as null).
    struct JSONRow: Encodable {
        let cells: [Cell]

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            for (column, cell) in zip(MetricsDetails.columns, cells) { try container.encode(cell, forKey: Key(stringValue: column)) }
        }

        struct Key: CodingKey {
            let stringValue: String
            init(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }
    }
}
