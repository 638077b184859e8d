/// numpy for the parts of a compressed folder that docs/compression.md specifies in code, written
/// from the documentation alone, for the oracles that decode a folder without rankscope
/// (`DecodedLayersNumpyTests`, and `EvalCandidateTests` through the runtime). One copy, so the
/// oracles cannot drift apart.
public enum NumpyLayouts {
    /// The E8P backbone layout and incoherence processing (needs `numpy as np` imported):
    /// `grid` (the 256 × 8 absolute words), `e8p_decode(codes, scales)` (`P.backbone.e8p` [m, n/8]
    /// uint16 and `P.backbone.e8p_scales` [m] to Q̂ [m, n] in float64), `splitmix_signs(seed,
    /// count)` (SplitMix64, top bit set → −1) and `transform(signs)` (`(H_2^a ⊗ Hartley_r)·diag(s)/√n`
    /// as a dense matrix), so that Ŵ = transform(s[:m])ᵀ·(Q̂ + A·B)·transform(s[m:]).
    public static let e8pAndIncoherence = #"""
    import itertools                               # docs/compression.md "E8P backbone layout"
    grid = np.array([a for a in itertools.product([0.5, 1.5, 2.5], repeat=8) if np.dot(a, a) <= 10]
                    + sorted(set(itertools.permutations([0.5] * 3 + [1.5] * 5)))[:29])      # 256 x 8
    def e8p_decode(codes, scales):             # P.backbone.e8p [m, n/8] (uint16), P.backbone.e8p_scales [m]
        c = codes.astype(np.int64)[..., None]
        a = grid[c[..., 0] & 0xFF]
        s = np.ones(a.shape)
        s[..., :7] = 1 - 2 * ((c >> (8 + np.arange(7))) & 1)
        s[..., 7] = np.where(((s[..., :7] * a[..., :7]).sum(-1) + a[..., 7]) % 2 == 0, 1, -1)
        words = s * a + np.where((c[..., 0] >> 15) & 1, -0.25, 0.25)[..., None]
        return words.reshape(len(codes), -1) * scales.astype(np.float64)[:, None]

    def splitmix_signs(seed, count):               # docs/compression.md "Incoherence processing": SplitMix64, top bit set -> -1
        mask, s, out = (1 << 64) - 1, seed, []
        for _ in range(count):
            s = (s + 0x9E3779B97F4A7C15) & mask
            z = ((s ^ (s >> 30)) * 0xBF58476D1CE4E5B9) & mask
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
            out.append(-1.0 if (z ^ (z >> 31)) >> 63 else 1.0)
        return np.array(out)

    def transform(signs):                          # (H_2^a kron Hartley_r) diag(s) / sqrt(n), as a dense matrix
        n = len(signs); a = n & -n; r = n // a
        H = np.ones((1, 1))
        while H.shape[0] < a:
            H = np.block([[H, H], [H, -H]])
        angle = 2 * np.pi * np.outer(np.arange(r), np.arange(r)) / r
        return np.kron(H, np.cos(angle) + np.sin(angle)) @ np.diag(signs) / np.sqrt(n)
    """#
}
