import Foundation
import LinearAlgebra
import SafeTensors

/// Small checkpoints written for tests.
enum Fixtures {
    /// A fresh temporary folder, removed when the test case ends.
    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "rankscope-planning-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Little-endian F32 bytes of row-major values.
    static func f32Bytes(_ values: [Double]) -> [UInt8] {
        values.map { Float($0) }.withUnsafeBytes { Array($0) }
    }

    /// A seeded Gaussian matrix, row-major.
    static func gaussian(rows: Int, columns: Int, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<(rows * columns)).map { _ in generator.nextGaussian() }
    }

    /// Writes F32 tensors (name, shape, values) to a .safetensors file.
    static func writeF32(_ tensors: [(String, [Int], [Double])], to path: String) throws {
        try SafeTensorsWriter.write(path: path, tensors: tensors.map { name, shape, values in
            (TensorSpec(name: name, dtype: .F32, shape: shape), f32Bytes(values))
        }, metadata: ["format": "pt"])
    }
}
