import Foundation
import SafeTensors

/// Writes every singular value as a tidy CSV for pandas or matplotlib:
/// `tensor,block,role,rows,columns,index,singular_value,spectrum_kind`, one row per value, index
/// from 0 as in numpy, values in shortest round-trip form so `float()` recovers the exact double.
///
/// The kind (`weights` or `data_aware`, as in `--json`) is a last column rather than a leading
/// `#` comment: `pd.read_csv` does not skip comments unless asked, while an extra column parses
/// everywhere and keeps the positions of the older columns (for `np.genfromtxt(usecols=…)`).
enum SpectraCSV {
    /// Writes the CSV to a temporary file beside `path` and renames it into place; `kind` is
    /// ``SpectraSource/kind``.
    static func write(_ results: [SpectraCommand.Result], kind: String, to path: String, with writer: GuardedWriter) throws {
        var text = "tensor,block,role,rows,columns,index,singular_value,spectrum_kind\n"
        for result in results {
            let entry = result.entry
            let prefix = [quoted(entry.info.name), entry.name.block.map(String.init) ?? "", quoted(entry.name.role),
                          String(result.spectrum.summary.rows), String(result.spectrum.summary.columns)].joined(separator: ",")
            for (index, value) in result.spectrum.singularValues.enumerated() {
                text += "\(prefix),\(index),\(value),\(kind)\n"
            }
        }
        try writer.write(Data(text.utf8), to: path)
    }

    /// RFC 4180 quoting when a field holds a comma, quote or newline.
    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
