import Foundation

/// Reads the `.npy` files the anchor scripts save (`numpy.save` of a little-endian float32 or
/// float64 array, C order): the values as `Double`, flattened.
enum NumpyFile {
    static func read(_ path: String) throws -> [Double] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // Magic "\x93NUMPY", major, minor, then the header length (2 bytes in version 1, 4 after).
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw BenchError(description: "\(path) is not a .npy file.")
        }
        let major = bytes[6]
        let lengthBytes = major == 1 ? 2 : 4
        let headerLength = (0..<lengthBytes).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        let dataStart = 8 + lengthBytes + headerLength
        guard dataStart <= bytes.count else { throw BenchError(description: "\(path) is truncated.") }
        let header = String(decoding: bytes[(8 + lengthBytes)..<dataStart], as: UTF8.self)
        guard header.contains("'fortran_order': False") else {
            throw BenchError(description: "\(path) is in Fortran order; the anchors save C order.")
        }
        let data = bytes[dataStart...]
        return try data.withUnsafeBytes { raw -> [Double] in
            if header.contains("'<f8'") {
                return (0..<(raw.count / 8)).map { raw.loadUnaligned(fromByteOffset: 8 * $0, as: Double.self) }
            }
            if header.contains("'<f4'") {
                return (0..<(raw.count / 4)).map { Double(raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self)) }
            }
            throw BenchError(description: "\(path) holds neither float32 nor float64 values.")
        }
    }
}
