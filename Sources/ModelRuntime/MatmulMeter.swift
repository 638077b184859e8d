import Foundation

/// Counts the floating-point operations and wall time of every `sgemm` the runtime issues, so a
/// benchmark can state the runtime's own matmul rate beside the raw SGEMM rate of the same run.
///
/// Process-wide and not synchronised: the forward pass calls BLAS from one thread (OpenBLAS
/// parallelises inside each call). Reset it before a measured run.
public enum MatmulMeter {
    nonisolated(unsafe) private static var operations: Double = 0
    nonisolated(unsafe) private static var nanoseconds: UInt64 = 0

    /// Floating-point operations (2·m·n·k per product) since the last reset.
    public static var flops: Double { operations }
    /// Seconds spent inside `sgemm` since the last reset.
    public static var seconds: Double { Double(nanoseconds) / 1e9 }

    /// Starts counting from zero.
    public static func reset() {
        operations = 0
        nanoseconds = 0
    }

    /// Adds one product of `flops` operations that took from `start` (a `DispatchTime` value).
    static func record(flops: Double, since start: UInt64) {
        operations += flops
        nanoseconds &+= DispatchTime.now().uptimeNanoseconds &- start
    }
}
