import Foundation
import PythonOracle
import XCTest

/// The figures in `rankscope inspect`'s table against Python's own formatting of the same sizes
/// (`f"{n:,}"`, `"%.2f" % (n / 1024**k)`, `"%.1f"`): sizes chosen to land on rounding ties
/// (1.125 KiB → 1.12, 1.375 KiB → 1.38), on unit boundaries (1,048,575 bytes rounds up to
/// 1.00 MiB), and in every unit up to GiB.
final class InspectTableTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws { directory = try Harness.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func testTableFiguresMatchPythonFormatting() throws {
        let path = directory + "/sizes.safetensors"
        // A header-only file (sparse data): U8 vectors of the listed byte sizes plus one F16 matrix.
        let script = """
        import json, struct, sys
        path = sys.argv[1]
        sizes = [0, 1, 1023, 1024, 1152, 1408, 1535, 1536, 10239, 1048575, 1048576, 1572864 + 5,
                 123456789, 1073741823, 1073741824, 1610612736 + 7, 12345678901]
        tensors, offset = {}, 0
        for i, n in enumerate(sizes):
            tensors[f"extra.{i}.values"] = {"dtype": "U8", "shape": [n], "data_offsets": [offset, offset + n]}
            offset += n
        rows, cols = 40000, 30000
        tensors["model.layers.0.mlp.up_proj.weight"] = {"dtype": "F16", "shape": [rows, cols], "data_offsets": [offset, offset + 2 * rows * cols]}
        offset += 2 * rows * cols
        header = json.dumps(tensors, separators=(",", ":")).encode()
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", len(header)) + header)
            f.truncate(8 + len(header) + offset)
        def size(n):
            # Binary IEC units: the first unit in which the amount printed with two decimals is
            # below 1024 (1048575 bytes is 1.00 MiB, not 1024.00 KiB).
            if n < 1024:
                return f"{n} B"
            for unit in range(1, 6):
                text = "%.2f" % (n / 1024 ** unit)
                if float(text) < 1024 or unit == 5:
                    return text + " " + ["B", "KiB", "MiB", "GiB", "TiB", "PiB"][unit]
        params = sizes + [rows * cols]
        expected = {name: [f"{p:,}", size(p * (2 if name.startswith("model") else 1))] for name, p in zip(tensors, params)}
        total = sum(params)
        expected["total"] = f"total: {len(params)} tensors · {total:,} parameters · {size(offset)} ({offset:,} bytes)"
        expected["compressible"] = f"compressible (linear): 1 matrices · {rows * cols:,} parameters ({'%.1f' % (rows * cols / total * 100)}%)"
        print(json.dumps(expected))
        """
        let oracle = try PythonOracle.run(script, [path])
        let expected = try XCTUnwrap(Harness.json(oracle) as? [String: Any])
        let outcome = try Harness.rankscope(["inspect", path], cacheHome: directory + "/cache")
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        var checked = 0
        var group = ""
        for line in lines {
            if !line.hasPrefix(" ") {
                // A group title (`extra.3  1,023 parameters, …`); rows name tensors relative to it.
                group = line.hasPrefix("(outside") ? "" : String(line.prefix { $0 != " " }) + "."
                continue
            }
            // Rows: name, shape, dtype, parameters, bytes, kind, separated by two or more spaces.
            let cells = line.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard cells.count == 6, let want = expected[group + cells[0]] as? [String] else { continue }
            XCTAssertEqual([cells[3], cells[4]], want, line)
            checked += 1
        }
        XCTAssertEqual(checked, expected.count - 2, outcome.stdout)
        XCTAssertTrue(lines.contains(try XCTUnwrap(expected["total"] as? String)), outcome.stdout)
        XCTAssertTrue(lines.contains(try XCTUnwrap(expected["compressible"] as? String)), outcome.stdout)
    }
}
