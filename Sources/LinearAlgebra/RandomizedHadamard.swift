import COpenBLAS
import Foundation

/// The orthogonal transform `T = (H_{2^a} ⊗ C_r)·diag(s) / √n` of one size `n = 2^a·r` (r odd)
/// that incoherence processing (QuIP#, CALDERA) applies on each side of a weight.
///
/// - `H_{2^a}` is Sylvester's ±1 Hadamard matrix, applied by the fast Walsh–Hadamard butterfly;
/// - `C_r` is the Hartley matrix `C[j, k] = cas(2πjk/r) = cos(2πjk/r) + sin(2πjk/r)`, an
///   orthogonal (`C·Cᵀ = r·I`), symmetric transform of any size whose entries are bounded by √2,
///   so it spreads a vector like a Hadamard matrix does. QuIP# instead stores ±1 Hadamard
///   matrices for a list of sizes (12, 20, 28, …); the Hartley factor works for every odd r
///   (1 for a power of two) with nothing stored, at r multiply–adds per entry (r = 9 for
///   SmolLM2's 576, 3 for its 1536);
/// - `s` is a ±1 sign vector (``signs(count:generator:)``).
///
/// Element `i = p·r + q` of a vector sits at row p of the Hadamard factor and q of the Hartley one.
/// Both factors are symmetric and square to `n·I`, so `T⁻¹ = Tᵀ = diag(s)·(H ⊗ C)/√n`.
///
/// It lives here, below both users: the compressor turns weights and Hessians in double
/// (`Compression`'s `Incoherence`), and the model runtime turns each token's activations in
/// Float (``apply(_:count:)`` and ``invert(_:count:)`` on a batch of vectors), so that an
/// incoherence-processed layer runs without its dense weight. One butterfly serves both precisions.
public struct RandomizedHadamard: Sendable {
    /// n.
    public let size: Int
    /// 2^a, the power-of-two part of n.
    public let powerOfTwo: Int
    /// r, the odd part of n.
    public let oddPart: Int
    /// The ±1 signs s.
    public let signs: [Double]
    /// `C_r` row-major (empty for r = 1).
    private let hartley: [Double]
    /// ``hartley`` and ``signs`` rounded to Float (exact for the signs), for the Float transform.
    private let hartleySingle: [Float], signsSingle: [Float]

    /// The transform of size `signs.count` (at least 1) with these signs.
    public init(signs: [Double]) {
        precondition(!signs.isEmpty, "a transform needs at least one element")
        size = signs.count
        var power = 1
        while size % (2 * power) == 0 { power *= 2 }
        powerOfTwo = power
        oddPart = size / power
        self.signs = signs
        let r = oddPart
        hartley = r == 1 ? [] : (0..<(r * r)).map { index in
            let angle = 2 * Double.pi * Double((index / r) * (index % r) % r) / Double(r)
            return cos(angle) + sin(angle)
        }
        hartleySingle = hartley.map(Float.init)
        signsSingle = signs.map(Float.init)
    }

    /// `T·x` for the vector stored at `x[offset ..< offset + n]`, in place.
    public func apply(_ x: inout [Double], offset: Int = 0) {
        precondition(offset >= 0 && offset + size <= x.count, "the vector lies outside the array")
        x.withUnsafeMutableBufferPointer { buffer in
            Self.forward(buffer.baseAddress! + offset, count: 1, size: size, signs: signs, hartley: hartley, shape: shape)
        }
    }

    /// `T⁻¹·y = Tᵀ·y` for the vector stored at `y[offset ..< offset + n]`, in place.
    public func invert(_ y: inout [Double], offset: Int = 0) {
        precondition(offset >= 0 && offset + size <= y.count, "the vector lies outside the array")
        y.withUnsafeMutableBufferPointer { buffer in
            Self.inverse(buffer.baseAddress! + offset, count: 1, size: size, signs: signs, hartley: hartley, shape: shape)
        }
    }

    /// `T·x` for each of `count` vectors stored one after another at `vectors` (`count·n` Floats,
    /// row-major: a batch of token activations), in place, in single precision.
    public func apply(_ vectors: UnsafeMutablePointer<Float>, count: Int) {
        Self.forward(vectors, count: count, size: size, signs: signsSingle, hartley: hartleySingle, shape: shape)
    }

    /// `Tᵀ·y` for each of `count` vectors stored one after another at `vectors`, in place, in single precision.
    public func invert(_ vectors: UnsafeMutablePointer<Float>, count: Int) {
        Self.inverse(vectors, count: count, size: size, signs: signsSingle, hartley: hartleySingle, shape: shape)
    }

    /// `count` ±1 signs from `generator`: −1 where the draw's top bit is set.
    public static func signs(count: Int, generator: inout SplitMix64) -> [Double] {
        (0..<count).map { _ in generator.next() >> 63 == 1 ? -1.0 : 1.0 }
    }

    /// (2^a, r).
    private var shape: (powerOfTwo: Int, oddPart: Int) { (powerOfTwo, oddPart) }

    /// Signs, then the mix, on each vector.
    private static func forward<T: BinaryFloatingPoint>(_ v: UnsafeMutablePointer<T>, count: Int, size: Int, signs: [T], hartley: [T],
                                                        shape: (powerOfTwo: Int, oddPart: Int)) {
        signs.withUnsafeBufferPointer { s in
            for vector in 0..<count {
                let x = v + vector * size
                for i in 0..<size { x[i] *= s[i] }
            }
        }
        mix(v, count: count, size: size, shape: shape, hartley: hartley)
    }

    /// The mix, then the signs, on each vector.
    private static func inverse<T: BinaryFloatingPoint>(_ v: UnsafeMutablePointer<T>, count: Int, size: Int, signs: [T], hartley: [T],
                                                        shape: (powerOfTwo: Int, oddPart: Int)) {
        mix(v, count: count, size: size, shape: shape, hartley: hartley)
        signs.withUnsafeBufferPointer { s in
            for vector in 0..<count {
                let x = v + vector * size
                for i in 0..<size { x[i] *= s[i] }
            }
        }
    }

    /// `(H ⊗ C)·v / √n` in place on each of `count` vectors: butterflies across the 2^a blocks (each
    /// stage one contiguous loop per pair of half-blocks), then the Hartley matrix on every block of
    /// r entries of the whole batch at once, as one matrix product (``hartleyProduct(_:into:blocks:oddPart:hartley:)``).
    private static func mix<T: BinaryFloatingPoint>(_ v: UnsafeMutablePointer<T>, count: Int, size: Int,
                                                    shape: (powerOfTwo: Int, oddPart: Int), hartley: [T]) {
        let (powerOfTwo, r) = shape
        for vector in 0..<count {
            let x = v + vector * size
            var span = r
            while span < size {
                var start = 0
                while start < size {
                    for i in start..<(start + span) {
                        let a = x[i], b = x[i + span]
                        x[i] = a + b
                        x[i + span] = a - b
                    }
                    start += 2 * span
                }
                span *= 2
            }
        }
        if r > 1 {
            let blocks = count * powerOfTwo
            let product = UnsafeMutablePointer<T>.allocate(capacity: blocks * r)
            defer { product.deallocate() }
            hartley.withUnsafeBufferPointer { c in hartleyProduct(v, into: product, blocks: blocks, oddPart: r, hartley: c.baseAddress!) }
            v.update(from: product, count: blocks * r)
        }
        let scale = T(1 / Double(size).squareRoot())
        for i in 0..<(count * size) { v[i] *= scale }
    }

    /// `Y = X·C` for the `blocks × r` row-major X at `x` (every block of r entries of the batch a
    /// row; C is symmetric, so each row becomes C times it): `sgemm` or `dgemm`.
    private static func hartleyProduct<T: BinaryFloatingPoint>(_ x: UnsafeMutablePointer<T>, into y: UnsafeMutablePointer<T>, blocks: Int,
                                                               oddPart r: Int, hartley: UnsafePointer<T>) {
        let (m, n) = (Int32(blocks), Int32(r))
        if T.self == Float.self {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, n, 1, UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), n,
                        UnsafeRawPointer(hartley).assumingMemoryBound(to: Float.self), n, 0,
                        UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self), n)
        } else {
            precondition(T.self == Double.self, "the transform runs in Float or Double")
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, n, 1, UnsafeRawPointer(x).assumingMemoryBound(to: Double.self), n,
                        UnsafeRawPointer(hartley).assumingMemoryBound(to: Double.self), n, 0,
                        UnsafeMutableRawPointer(y).assumingMemoryBound(to: Double.self), n)
        }
    }
}
