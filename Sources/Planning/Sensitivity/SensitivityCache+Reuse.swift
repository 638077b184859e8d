import Foundation

extension SensitivityCache {
    /// Probes measured before, by runs whose key differs from the one at hand only in the probe
    /// ranks (`--ranks`) and factor bit widths (`--bits`): a probe is one matrix truncated alone at
    /// one rank and factor width, measured on the same checkpoint, text, windows and statistics,
    /// so its figures do not depend on which other probes the run asked for. A run adding a rank
    /// to a cached profile measures only the new rank's probes (and its joint probe).
    public struct ReusableProbes: Sendable, Equatable {
        /// Per matrix name, its measured points (one per rank and factor bits).
        public var points: [String: [SensitivityProfile.Point]]
        /// Joint probes, one per rank fraction and factor bits.
        public var joint: [SensitivityProfile.JointProbe]

        /// Nothing to reuse.
        public init(points: [String: [SensitivityProfile.Point]] = [:], joint: [SensitivityProfile.JointProbe] = []) {
            self.points = points
            self.joint = joint
        }

        /// The point measured for `matrix` at `rank` with `factorBits`-bit factors, if any.
        public func point(of matrix: String, rank: Int, factorBits: Int) -> SensitivityProfile.Point? {
            points[matrix]?.first { $0.rank == rank && $0.factorBits == factorBits }
        }

        /// The joint probe at `fraction` with `factorBits`-bit factors, if any.
        public func joint(fraction: Double, factorBits: Int) -> SensitivityProfile.JointProbe? {
            joint.first { $0.rankFraction == fraction && $0.factorBits == factorBits }
        }
    }

    /// `key` without its probe ranks and bit widths: what a probe's figures depend on.
    public static func measurementKey(_ key: String) -> String {
        key.split(separator: "|", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("fractions=") && !$0.hasPrefix("bits=") }
            .joined(separator: "|")
    }

    /// Every probe of the cached profiles (finished or partial) whose key has the same
    /// ``measurementKey(_:)`` as `key`; the first file (by name) wins where two hold the same probe.
    /// Files under another key's name, unreadable ones and other measurements are ignored.
    public func reusableProbes(forKey key: String) -> ReusableProbes {
        let wanted = Self.measurementKey(key)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("sensitivity-") && $0.hasSuffix(".json") }.sorted()
        var reusable = ReusableProbes()
        for name in names {
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path),
                  let profile = try? SensitivityProfile.decode(data, path: path),
                  Self.measurementKey(profile.settings.key) == wanted,
                  path == self.path(forKey: profile.settings.key) || path == partialPath(forKey: profile.settings.key) else { continue }
            for matrix in profile.matrices {
                for point in matrix.points where reusable.point(of: matrix.name, rank: point.rank, factorBits: point.factorBits) == nil {
                    reusable.points[matrix.name, default: []].append(point)
                }
            }
            for probe in profile.joint ?? [] where reusable.joint(fraction: probe.rankFraction, factorBits: probe.factorBits) == nil {
                reusable.joint.append(probe)
            }
        }
        return reusable
    }
}
