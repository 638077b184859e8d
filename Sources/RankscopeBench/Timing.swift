import Foundation

/// Wall-clock timings of repeated runs, summarised by their median.
struct Timing {
    /// Seconds of each run.
    let seconds: [Double]

    /// Runs `body` `runs` times (after one warm-up run unless `warmUp` is false) and records each
    /// duration.
    init(runs: Int, warmUp: Bool = true, _ body: () throws -> Void) rethrows {
        if warmUp { try body() }
        var seconds: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        self.seconds = seconds
    }

    /// Runs `body` `runs` times (no warm-up) and records each run's wall-clock and this thread's
    /// CPU time: on a shared machine the CPU time of single-threaded work is the steadier figure.
    static func wallAndCPU(runs: Int, _ body: () throws -> Void) rethrows -> (wall: Timing, cpu: Timing) {
        var wall: [Double] = [], cpu: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds, startCPU = threadSeconds()
            try body()
            cpu.append(threadSeconds() - startCPU)
            wall.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return (Timing(seconds: wall), Timing(seconds: cpu))
    }

    /// CPU seconds this thread has used.
    static func threadSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    /// Durations measured elsewhere (for example by an anchor script).
    init(seconds: [Double]) {
        self.seconds = seconds
    }

    /// The median run.
    var median: Double {
        let sorted = seconds.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// `1.23 ms (N=25, 1.10–1.52 ms)`.
    var summary: String {
        "\(Timing.format(median)) median (N=\(seconds.count), \(Timing.format(seconds.min() ?? 0))–\(Timing.format(seconds.max() ?? 0)))"
    }

    /// Seconds in the unit that reads best: `812 ns`, `12.3 µs`, `4.56 ms`, `1.23 s`.
    static func format(_ seconds: Double) -> String {
        switch abs(seconds) {
        case ..<1e-6: return String(format: "%.0f ns", seconds * 1e9)
        case ..<1e-3: return String(format: "%.1f µs", seconds * 1e6)
        case ..<1: return String(format: "%.2f ms", seconds * 1e3)
        default: return String(format: "%.2f s", seconds)
        }
    }
}
