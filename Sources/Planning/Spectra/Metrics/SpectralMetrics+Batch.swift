import Dispatch
import Foundation

extension SpectralMetrics {
    /// The metrics of every spectrum, in order, computed on every core (each matrix is
    /// independent; the result is the same as computing them one by one).
    public static func compute(_ spectra: [Spectrum]) -> [SpectralMetrics] {
        var results = [SpectralMetrics?](repeating: nil, count: spectra.count)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: spectra.count) { index in
            let metrics = spectra[index].metrics
            lock.lock()
            results[index] = metrics
            lock.unlock()
        }
        return results.map { $0! }
    }
}
