import Foundation
import PythonOracle
import XCTest

/// Pins the `--json` documents of `inspect`, `spectra`, `plan` and `eval`: every object's keys
/// exactly (the schemas of docs/), and the values against a document Python builds on its own
/// from the same checkpoint (safetensors headers, numpy's SVD, the plan's choices worked out by
/// hand with the docs' formulas). The reports share row types and one snake_case encoding, so a
/// key renamed, dropped or added by a refactoring, or a figure taken from the wrong field, fails here.
final class JSONReportTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws { directory = try Harness.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    /// Writes the checkpoint (`model/`) and a plan (`plan.json`), runs nothing itself.
    static let fixture = #"""
    import json, os, sys, numpy as np
    from safetensors.numpy import save_file
    out = sys.argv[1]; os.makedirs(out + '/model')
    rng = np.random.default_rng(19)
    def lowrankish(m, n, dtype):
        # decaying spectrum, so energy ranks differ from one matrix to the next
        u, _ = np.linalg.qr(rng.standard_normal((m, m))); v, _ = np.linalg.qr(rng.standard_normal((n, n)))
        s = np.zeros((m, n)); k = min(m, n); s[np.arange(k), np.arange(k)] = 3.0 * 0.7 ** np.arange(k) + rng.uniform(0, 0.01, k)
        return (u @ s @ v.T).astype(dtype)
    t = {'model.embed_tokens.weight': rng.standard_normal((40, 16)).astype(np.float16),
         'lm_head.weight': rng.standard_normal((40, 16)).astype(np.float16),
         'model.norm.weight': np.ones(16, np.float32)}
    for b in range(2):
        p = f'model.layers.{b}.'
        t[p + 'input_layernorm.weight'] = np.ones(16, np.float32)
        t[p + 'self_attn.q_proj.weight'] = lowrankish(16, 16, np.float32 if b == 0 else np.float16)
        t[p + 'mlp.down_proj.weight'] = lowrankish(16, 24, np.float32)
        t[p + 'mlp.up_proj.weight'] = lowrankish(24, 16, np.float32)
    save_file(t, out + '/model/model.safetensors', metadata={'format': 'pt', 'origin': 'JSONReportTests'})
    json.dump({'architectures': ['LlamaForCausalLM'], 'model_type': 'llama', 'num_hidden_layers': 2, 'hidden_size': 16,
               'intermediate_size': 24, 'num_attention_heads': 4, 'num_key_value_heads': 2, 'vocab_size': 40},
              open(out + '/model/config.json', 'w'))
    json.dump({'format': 'rankscope-plan', 'version': 1,
               'rules': [{'match': 'q_proj', 'rank': 3}, {'match': 'layers\\.1\\.mlp\\.up', 'exclude': True}],
               'overrides': {'model.layers.0.mlp.down_proj.weight': {'rank': 5, 'lock': True},
                             'model.layers.1.mlp.down_proj.weight': {'keep_dense': True}}},
              open(out + '/plan.json', 'w'), indent=2)
    """#

    /// Builds the expected documents and compares them with rankscope's, printing one line per
    /// difference (nothing when they agree).
    static let oracle = #"""
    import json, math, sys, numpy as np
    from safetensors import safe_open
    out = sys.argv[1]; model = out + '/model'; file = model + '/model.safetensors'
    got = {name: json.load(open(f'{out}/{name}-output.json')) for name in ('inspect', 'spectra', 'plan')}
    problems = []
    def compare(path, want, have, rel=1e-9):
        if isinstance(want, dict):
            if not isinstance(have, dict): problems.append(f'{path}: not an object'); return
            if set(want) != set(have): problems.append(f'{path}: keys {sorted(have)} != {sorted(want)}'); return
            for k in want: compare(f'{path}.{k}', want[k], have[k], rel)
        elif isinstance(want, list):
            if not isinstance(have, list) or len(want) != len(have): problems.append(f'{path}: list {have!r:.200} != {want!r:.200}'); return
            for i, (a, b) in enumerate(zip(want, have)): compare(f'{path}[{i}]', a, b, rel)
        elif isinstance(want, bool) or isinstance(want, str) or want is None:
            if want != have or type(want) != type(have): problems.append(f'{path}: {have!r} != {want!r}')
        elif isinstance(want, int) and not isinstance(want, bool) and rel == 0:
            if have != want: problems.append(f'{path}: {have!r} != {want!r}')
        else:
            if not isinstance(have, (int, float)) or isinstance(have, bool) or abs(have - want) > rel * max(abs(want), 1e-12) + 1e-12:
                problems.append(f'{path}: {have!r} != {want!r}')
    ANY = object()

    f = safe_open(file, 'np')
    names = sorted(f.keys())
    dtypes = {'float32': 'F32', 'float16': 'F16'}
    W = {n: f.get_tensor(n) for n in names}
    def block(n): return int(n.split('.')[2]) if n.startswith('model.layers.') else None
    def role(n):
        parts = n[:-len('.weight')].split('.')
        if block(n) is None: return '.'.join(parts)
        rest = parts[3:]
        return ('attn.' + rest[1]) if rest[0] == 'self_attn' else '.'.join(rest)
    def kind(n):
        if n.endswith('norm.weight'): return 'norm'
        if n == 'lm_head.weight': return 'head'
        if 'embed' in n: return 'embedding'
        return 'linear'
    linear = [n for n in names if kind(n) == 'linear']

    # inspect --json
    def tensor(n):
        a = W[n]
        return {'name': n, 'role': role(n), 'kind': kind(n), 'compressible': kind(n) == 'linear', 'dtype': dtypes[str(a.dtype)],
                'shape': list(a.shape), 'parameters': a.size, 'bytes': a.nbytes, 'bits_per_weight': 8.0 * a.itemsize, 'file': file}
    groups = []
    for b in [None, 0, 1]:
        members = [n for n in names if block(n) == b]
        g = {'title': '(outside blocks)' if b is None else f'model.layers.{b}', 'parameters': sum(W[n].size for n in members),
             'bytes': sum(W[n].nbytes for n in members), 'tensors': [tensor(n) for n in members]}
        if b is not None: g['block'] = b
        groups.append(g)
    compare('inspect', {'path': model, 'kind': 'folder', 'files': [file],
        'config': {'architecture': 'LlamaForCausalLM', 'model_type': 'llama', 'layers': 2, 'hidden_size': 16, 'intermediate_size': 24,
                   'attention_heads': 4, 'key_value_heads': 2, 'vocab_size': 40},
        'metadata': {'format': 'pt', 'origin': 'JSONReportTests'}, 'groups': groups,
        'totals': {'tensors': len(names), 'parameters': sum(a.size for a in W.values()), 'bytes': sum(a.nbytes for a in W.values()),
                   'compressible_parameters': sum(W[n].size for n in linear)}}, got['inspect'], rel=0)

    # spectra --json --values: figures from numpy's SVD of the stored values in float64
    sv = {n: np.linalg.svd(W[n].astype(np.float64), compute_uv=False) for n in linear}
    def energy_rank(s, fraction):
        c = np.cumsum(s ** 2) / np.sum(s ** 2)
        return int(np.searchsorted(c, fraction - 1e-12) + 1)
    def matrix(n):
        s = sv[n]; m, k = W[n].shape; p = s / s.sum()
        return {'name': n, 'block': block(n), 'role': role(n), 'dtype': dtypes[str(W[n].dtype)], 'rows': m, 'columns': k,
                'frobenius_norm': float(np.sqrt(np.sum(s ** 2))), 'spectral_norm': float(s[0]),
                'stable_rank': float(np.sum(s ** 2) / s[0] ** 2), 'effective_rank': float(np.exp(-np.sum(p * np.log(p)))),
                'energy_rank_90': energy_rank(s, 0.9), 'energy_rank_99': energy_rank(s, 0.99), 'energy_rank_99_9': energy_rank(s, 0.999),
                'break_even_rank': math.ceil(m * k / (m + k)), 'from_cache': False, 'singular_values': [float(x) for x in s]}
    compare('spectra', {'path': model, 'spectrum_kind': 'weights', 'matrices': [matrix(n) for n in linear], 'failures': []},
            got['spectra'], rel=1e-6)

    # plan --plan plan.json --json: the choices the plan states, sized with the docs' formulas
    plan = got['plan']
    lines = open(out + '/plan.json').read().split('\n')
    def line(text): return 1 + next(i for i, l in enumerate(lines) if text in l)  # a rule's match, an override's name
    choices = {'model.layers.0.self_attn.q_proj.weight': ('free', 3, f'rule 1 (line {line("q_proj")})'),
               'model.layers.1.self_attn.q_proj.weight': ('free', 3, f'rule 1 (line {line("q_proj")})'),
               'model.layers.0.mlp.down_proj.weight': ('locked', 5, f'override (line {line("layers.0.mlp.down_proj")})'),
               'model.layers.1.mlp.down_proj.weight': ('locked', None, f'override (line {line("layers.1.mlp.down_proj")})'),
               'model.layers.1.mlp.up_proj.weight': ('excluded', None, f'rule 2 (line {line("mlp")})'),
               'model.layers.0.mlp.up_proj.weight': ('free', None, 'defaults')}
    layers, sq_err, sq_norm = [], 0.0, 0.0
    for n in linear:
        constraint, rank, decided = choices[n]
        m, k = W[n].shape; s = sv[n]; E = float(np.sum(s ** 2))
        layer = {'name': n, 'block': block(n), 'role': role(n), 'rows': m, 'columns': k, 'constraint': constraint, 'decided_by': decided,
                 'parameters_before': m * k, 'bytes_before': W[n].nbytes}
        if rank is None:
            layer.update(choice={'kind': 'dense', 'group_size': 128}, parameters_after=m * k, bytes_after=W[n].nbytes, relative_error=0.0)
        else:
            tail = float(np.sum(s[rank:] ** 2))
            layer.update(choice={'kind': 'low_rank', 'rank': rank, 'factor_bits': 16, 'group_size': 128}, parameters_after=rank * (m + k),
                         bytes_after=2 * rank * (m + k), relative_error=math.sqrt(tail / E))
            sq_err += tail
        if constraint == 'free': layer['floor'] = 0
        if constraint != 'excluded':
            sq_norm += E
            layer.update(spectrum_kind='weights', alpha=ANY, num_spikes=ANY, caution=ANY)
        layers.append(layer)
    for want, have in zip(layers, plan.get('layers', [])):
        for key in ('alpha', 'num_spikes', 'caution'):
            if want.get(key) is ANY:
                if key not in have: problems.append(f"plan.layers {want['name']}: no {key}")
                want[key] = have.get(key)
    compare('plan.layers', layers, plan.get('layers'), rel=1e-6)
    before_p = sum(a.size for a in W.values()); before_b = sum(a.nbytes for a in W.values())
    after_p = before_p - sum(l['parameters_before'] - l['parameters_after'] for l in layers)
    after_b = before_b - sum(l['bytes_before'] - l['bytes_after'] for l in layers)
    model_figures = plan['totals']['model']
    figure_keys = {'tensors', 'parameters_before', 'parameters_after', 'bytes_before', 'bytes_after', 'bytes_read_before', 'bytes_read_after',
                   'flops_before', 'flops_after', 'bits_per_weight', 'relative_error', 'mean_relative_error', 'squared_error', 'squared_norm',
                   'unknown_error_count', 'memory_bound_speedup', 'compute_bound_speedup'}
    want_model = {k: model_figures.get(k) for k in figure_keys}
    want_model.update(tensors=len(names), parameters_before=before_p, parameters_after=after_p, bytes_before=before_b, bytes_after=after_b,
                      bits_per_weight=8.0 * after_b / before_p, squared_error=sq_err, squared_norm=sq_norm,
                      relative_error=math.sqrt(sq_err / sq_norm), unknown_error_count=0)
    compare('plan.totals.model', want_model, model_figures, rel=1e-6)
    if [g.get('block') for g in plan['totals']['blocks']] != [None, 0, 1]: problems.append(f"plan blocks {plan['totals']['blocks']!r:.300}")
    for group in plan['totals']['blocks']:
        if set(group) != ({'figures'} if group.get('block') is None else {'block', 'figures'}) or set(group['figures']) != figure_keys:
            problems.append(f'plan block keys {sorted(group)}')
    for group in plan['totals']['roles']:
        if set(group) != {'role', 'figures'} or set(group['figures']) != figure_keys: problems.append(f'plan role keys {sorted(group)}')
    if sorted(r['role'] for r in plan['totals']['roles']) != sorted({role(n) for n in names}):
        problems.append(f"plan roles {[r['role'] for r in plan['totals']['roles']]}")
    compare('plan.top', {'path': model, 'spectrum_kind': 'weights', 'plan_file': out + '/plan.json',
                         'defaults': {'factor_bits': 16, 'group_size': 128, 'objective': 'relative', 'min_rank': 'auto'},
                         'warnings': []},
            {k: plan.get(k) for k in ('path', 'spectrum_kind', 'plan_file', 'defaults', 'warnings')}, rel=0)
    if set(plan) != {'path', 'spectrum_kind', 'plan_file', 'defaults', 'totals', 'layers', 'sparse', 'warnings'}:
        problems.append(f'plan keys {sorted(plan)}')
    kept = sum(l['parameters_after'] for l in layers)
    sparse = plan['sparse'][0]
    if set(sparse) != {'kept_parameters', 'density', 'value_bits', 'low_rank_bytes', 'dense_values_bytes', 'unpruned_bytes', 'formats'}:
        problems.append(f'sparse keys {sorted(sparse)}')
    compare('plan.sparse[0]', {'kept_parameters': kept, 'value_bits': 16, 'low_rank_bytes': sum(l['bytes_after'] for l in layers),
                               'density': kept / sum(l['parameters_before'] for l in layers)},
            {k: sparse.get(k) for k in ('kept_parameters', 'value_bits', 'low_rank_bytes', 'density')}, rel=1e-12)
    formats = [x['format'] for x in sparse['formats']]
    if formats != ['csr-int64', 'coo-int64', 'index16', 'bitmask', '2:4']: problems.append(f'formats {formats}')
    for x in sparse['formats']:
        if not set(x) <= {'format', 'bytes', 'break_even_density', 'ratio_to_dense_values'} or 'break_even_density' not in x:
            problems.append(f'format keys {sorted(x)}')
    print('\n'.join(problems))
    """#

    func testInspectSpectraAndPlanDocumentsAgreeWithPython() throws {
        try PythonOracle.run(Self.fixture, [directory])
        let model = directory + "/model"
        let runs: [(String, [String])] = [
            ("inspect", ["inspect", model, "--json"]),
            ("spectra", ["spectra", model, "--json", "--values", "--no-cache"]),
            ("plan", ["plan", model, "--plan", directory + "/plan.json", "--json", "--no-cache"]),
        ]
        for (name, arguments) in runs {
            let outcome = try Harness.rankscope(arguments, cacheHome: directory + "/cache")
            XCTAssertEqual(outcome.status, 0, "\(name): \(outcome.stderr)")
            XCTAssertTrue(outcome.stdout.hasSuffix("}\n"), name)
            try outcome.stdout.write(toFile: "\(directory)/\(name)-output.json", atomically: true, encoding: .utf8)
        }
        let problems = try PythonOracle.run(Self.oracle, [directory]).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(problems, "", problems)
    }

    /// `eval --json`: the keys of a causal and an encoder report, alone and with a plan, and the
    /// figures that follow from the arguments and the text.
    func testEvalDocumentsHaveTheirKeys() throws {
        try EvalFixture.with { fixture in
            let figures: Set<String> = ["perplexity", "tokens_per_second", "seconds", "linear_parameters"]
            for name in ["gpt2", "bert"] {
                let causal = name == "gpt2"
                let plan = fixture.folder + "/\(name)-plan.json"
                let planned = try Harness.rankscope(["plan", fixture.model(name), "--target-params", "80%lin", "--out", plan], cacheHome: fixture.cache)
                XCTAssertEqual(planned.status, 0, planned.stderr)
                for withPlan in [false, true] {
                    let arguments = ["eval", fixture.model(name), "--text", fixture.text, "--seq-len", "16", "--max-tokens", "100", "--json"]
                        + (withPlan ? ["--plan", plan] : [])
                    let outcome = try Harness.rankscope(arguments, cacheHome: fixture.cache)
                    XCTAssertEqual(outcome.status, 0, outcome.stderr)
                    let report = try XCTUnwrap(try Harness.json(outcome.stdout) as? [String: Any])
                    var keys: Set<String> = ["model", "model_type", "text", "metric", "tokens", "original"]
                    keys.formUnion(causal ? ["seq_len", "windows"] : ["sentences"])
                    if withPlan { keys.formUnion(["candidate_source", "candidate"] + (causal ? ["paired"] : ["agreement"])) }
                    XCTAssertEqual(Set(report.keys), keys, "\(name), plan \(withPlan)")
                    XCTAssertEqual(report["model"] as? String, fixture.model(name))
                    XCTAssertEqual(report["model_type"] as? String, name)
                    XCTAssertEqual(report["text"] as? String, fixture.text)
                    XCTAssertEqual(report["metric"] as? String, causal ? "perplexity" : "embedding")
                    if causal {
                        XCTAssertEqual(report["seq_len"] as? Int, 16)
                        XCTAssertEqual(report["windows"] as? Int, 6, "100 of the text's 240 tokens make 6 windows of 16")
                        XCTAssertEqual(report["tokens"] as? Int, 96)
                    } else {
                        XCTAssertEqual(report["sentences"] as? Int, 20, "the text has 20 lines")
                    }
                    let models = withPlan ? ["original", "candidate"] : ["original"]
                    var parameters: [Int] = []
                    for key in models {
                        let model = try XCTUnwrap(report[key] as? [String: Any])
                        XCTAssertEqual(Set(model.keys), causal ? figures.union(["window_losses"]) : figures.subtracting(["perplexity"]), key)
                        parameters.append(try XCTUnwrap(model["linear_parameters"] as? Int))
                    }
                    if withPlan {
                        XCTAssertEqual(report["candidate_source"] as? String, "plan \(plan)")
                        XCTAssertLessThan(parameters[1], parameters[0], "the plan removes parameters")
                        if !causal {
                            let agreement = try XCTUnwrap(report["agreement"] as? [String: Any])
                            XCTAssertEqual(Set(agreement.keys), ["mean_cosine", "min_cosine", "similarity_correlation"])
                            XCTAssertLessThanOrEqual(agreement["min_cosine"] as! Double, agreement["mean_cosine"] as! Double)
                        }
                    }
                }
            }
        }
    }

    /// `eval --json --sensitivity` carries the profile's prediction for the plan: the object
    /// `plan --json --sensitivity` prints for the same plan and profile (no uniform plan without a target).
    func testEvalCarriesThePredictionOfASensitivityProfile() throws {
        try EvalFixture.with { fixture in
            let model = fixture.model("gpt2"), plan = fixture.folder + "/gpt2-plan.json", profile = fixture.folder + "/profile.json"
            let window = ["--seq-len", "16", "--max-tokens", "100"]
            let planned = try Harness.rankscope(["plan", model, "--target-params", "80%lin", "--out", plan], cacheHome: fixture.cache)
            XCTAssertEqual(planned.status, 0, planned.stderr)
            let measured = try Harness.rankscope(["sensitivity", model, "--text", fixture.text, "--out", profile, "--ranks", "0.5"] + window,
                                                 cacheHome: fixture.cache)
            XCTAssertEqual(measured.status, 0, measured.stderr)
            let evaluated = try Harness.rankscope(["eval", model, "--text", fixture.text, "--plan", plan, "--sensitivity", profile, "--json"] + window,
                                                  cacheHome: fixture.cache)
            XCTAssertEqual(evaluated.status, 0, evaluated.stderr)
            let report = try XCTUnwrap(try Harness.json(evaluated.stdout) as? [String: Any])
            let prediction = try XCTUnwrap(report["prediction"] as? [String: Any], evaluated.stdout)
            XCTAssertEqual(Set(prediction.keys), ["profile", "metric", "original_loss", "combination_points", "cross_fitted", "plan"])
            let figures = try XCTUnwrap(prediction["plan"] as? [String: Any])
            XCTAssertEqual(Set(figures.keys), ["loss_increase", "additive_loss_increase", "loss", "perplexity", "unpredicted", "extrapolated",
                                               "loss_increase_standard_error", "perplexity_range"])
            let range = try XCTUnwrap(figures["perplexity_range"] as? [Double])
            let (planIncrease, error) = (try XCTUnwrap(figures["loss_increase"] as? Double), try XCTUnwrap(figures["loss_increase_standard_error"] as? Double))
            let originalLoss = try XCTUnwrap(prediction["original_loss"] as? Double)
            XCTAssertEqual(range[1], exp(originalLoss + planIncrease + 2 * error), accuracy: 1e-9 * range[1], "±2 standard errors in perplexity")
            XCTAssertEqual(range[0], exp(originalLoss + max(0, planIncrease - 2 * error)), accuracy: 1e-9 * range[1])
            let planReport = try Harness.rankscope(["plan", model, "--plan", plan, "--sensitivity", profile, "--json"], cacheHome: fixture.cache)
            XCTAssertEqual(planReport.status, 0, planReport.stderr)
            let expected = try XCTUnwrap((try Harness.json(planReport.stdout) as? [String: Any])?["prediction"] as? [String: Any], planReport.stdout)
            XCTAssertEqual(NSDictionary(dictionary: prediction), NSDictionary(dictionary: expected))

            // --events carries it too: the `finished` line's `predicted` is the original perplexity measured there × e^Δ.
            let events = try Harness.rankscope(["eval", model, "--text", fixture.text, "--plan", plan, "--sensitivity", profile, "--events"] + window,
                                               cacheHome: fixture.cache)
            XCTAssertEqual(events.status, 0, events.stderr)
            let finished = try XCTUnwrap(try Harness.json(String(try XCTUnwrap(events.stdout.split(separator: "\n").last))) as? [String: Any])
            XCTAssertEqual(finished["event"] as? String, "finished")
            let original = try XCTUnwrap((report["original"] as? [String: Any])?["perplexity"] as? Double)
            let increase = try XCTUnwrap(figures["loss_increase"] as? Double)
            XCTAssertEqual(try XCTUnwrap(finished["predicted"] as? Double, events.stdout), original * exp(increase), accuracy: 1e-9 * original * exp(increase))

            // The text on other tokens than the profile's: the prediction and its noise range both
            // stand on the original measured there (4 significant digits printed).
            let text = try Harness.rankscope(["eval", model, "--text", fixture.text, "--plan", plan, "--sensitivity", profile, "--seq-len", "16", "--max-tokens", "60"],
                                             cacheHome: fixture.cache)
            XCTAssertEqual(text.status, 0, text.stderr)
            func number(after marker: String) throws -> Double {
                let start = try XCTUnwrap(text.stdout.range(of: marker), "\(marker) in \(text.stdout)").upperBound
                return try XCTUnwrap(Double(text.stdout[start...].prefix { "0123456789.e+-".contains($0) }), text.stdout)
            }
            XCTAssertTrue(text.stdout.contains("read on the odd half of its windows"), "still cross-fitted on another original: \(text.stdout)")
            let here = try number(after: "(original ")
            XCTAssertNotEqual(here, exp(originalLoss), accuracy: 1e-3 * here, "other tokens: another original")
            XCTAssertEqual(try number(after: "span perplexity "), here * exp(max(0, planIncrease - 2 * error)), accuracy: 1e-3 * here * exp(planIncrease))
            XCTAssertEqual(try number(after: "span perplexity \(String(format: "%.4g", try number(after: "span perplexity "))) to "),
                           here * exp(planIncrease + 2 * error), accuracy: 1e-3 * here * exp(planIncrease + 2 * error))
        }
    }
}
