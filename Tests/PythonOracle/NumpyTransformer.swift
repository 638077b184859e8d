import Foundation
import PythonOracle

/// An independent numpy (float64) implementation of the runtime's architectures, written from the
/// Hugging Face modelling code, and helpers to run it. Each test appends its own main part; the
/// snippet writes `results.json` and raw little-endian float64 arrays into the folder it is given.
public enum NumpyTransformer {
    /// The forward passes: `llama(cfg, W, ids)`, `gpt(cfg, W, ids)` (logits) and
    /// `bert(cfg, W, ids)` (last hidden states); `load(folder)`; `save(folder, name, array)`.
    /// When `HOOK[0]` is set, it is called with every linear module's name and input rows
    /// (the output head as `lm_head`), like a forward hook on `nn.Linear`.
    public static let library = #"""
    import json, sys, os, numpy as np
    from scipy.special import erf
    from safetensors.numpy import load_file, save_file
    HOOK = [None]
    def hook(name, x):
        if HOOK[0] is not None: HOOK[0](name, x)

    def float_tensors(path):
        # Every float tensor of a safetensors file as float64, read from the format itself: numpy
        # has no bfloat16, so BF16 is widened by hand (its bits are the top half of an F32's).
        raw = open(path, 'rb').read()
        size = int.from_bytes(raw[:8], 'little'); header = json.loads(raw[8:8 + size]); data = raw[8 + size:]
        kinds = {'F64': '<f8', 'F32': '<f4', 'F16': '<f2', 'BF16': '<u2'}
        out = {}
        for name, t in header.items():
            if name == '__metadata__' or t['dtype'] not in kinds: continue
            begin, end = t['data_offsets']
            v = np.frombuffer(data[begin:end], dtype=kinds[t['dtype']])
            if t['dtype'] == 'BF16': v = (v.astype(np.uint32) << 16).view(np.float32)
            out[name] = v.astype(np.float64).reshape(t['shape'])
        return out

    def load(folder):
        cfg = json.load(open(os.path.join(folder, 'config.json')))
        return cfg, float_tensors(os.path.join(folder, 'model.safetensors'))

    def save(folder, name, array):
        np.ascontiguousarray(array, dtype='<f8').tofile(os.path.join(folder, name))

    def softmax(s):
        s = s - s.max(-1, keepdims=True); e = np.exp(s); return e / e.sum(-1, keepdims=True)

    def attend(q, k, v, causal):
        T = q.shape[1]; s = q @ k.transpose(0, 2, 1) / np.sqrt(q.shape[-1])
        if causal: s = s + np.triu(np.full((T, T), -np.inf), 1)
        return softmax(s) @ v

    def act(name, x):
        if name in ('silu', 'swish'): return x / (1 + np.exp(-x))
        if name == 'gelu': return 0.5 * x * (1 + erf(x / np.sqrt(2)))
        if name in ('gelu_new', 'gelu_pytorch_tanh'): return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))
        raise SystemExit('activation ' + name)

    def layernorm(x, w, b, eps):
        m = x.mean(-1, keepdims=True); v = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) / np.sqrt(v + eps) * w + b

    def llama(cfg, W, ids):
        H, nh, nkv = cfg['hidden_size'], cfg['num_attention_heads'], cfg['num_key_value_heads']
        hd = cfg.get('head_dim', H // nh); eps = cfg['rms_norm_eps']; T = len(ids)
        inv = 1.0 / cfg.get('rope_theta', 10000.0) ** (np.arange(0, hd, 2) / hd)
        pos = np.arange(T, dtype=np.float64)
        rs = cfg.get('rope_scaling')
        if rs:
            kind = rs.get('rope_type', rs.get('type'))
            if kind == 'linear': pos = pos / rs['factor']
            elif kind == 'llama3':
                f, lo, hi, old = rs['factor'], rs['low_freq_factor'], rs['high_freq_factor'], rs['original_max_position_embeddings']
                wl = 2 * np.pi / inv; smooth = (old / wl - lo) / (hi - lo)
                inv = np.where(wl < old / hi, inv, np.where(wl > old / lo, inv / f, (1 - smooth) * inv / f + smooth * inv))
            else: raise SystemExit('rope ' + kind)
        ang = np.outer(pos, inv); cos = np.cos(np.concatenate([ang, ang], -1)); sin = np.sin(np.concatenate([ang, ang], -1))
        def rope(x):
            x1, x2 = x[..., :hd // 2], x[..., hd // 2:]
            return x * cos + np.concatenate([-x2, x1], -1) * sin
        def rms(x, w): return x / np.sqrt((x ** 2).mean(-1, keepdims=True) + eps) * w
        def lin(name, x):
            hook(name, x)
            y = x @ W[name + '.weight'].T
            return y + W[name + '.bias'] if name + '.bias' in W else y
        x = W['model.embed_tokens.weight'][ids]
        for l in range(cfg['num_hidden_layers']):
            p = 'model.layers.%d.' % l
            h = rms(x, W[p + 'input_layernorm.weight'])
            q = lin(p + 'self_attn.q_proj', h).reshape(T, nh, hd).transpose(1, 0, 2)
            k = lin(p + 'self_attn.k_proj', h).reshape(T, nkv, hd).transpose(1, 0, 2)
            v = lin(p + 'self_attn.v_proj', h).reshape(T, nkv, hd).transpose(1, 0, 2)
            q, k = rope(q), rope(k)
            k = np.repeat(k, nh // nkv, 0); v = np.repeat(v, nh // nkv, 0)
            x = x + lin(p + 'self_attn.o_proj', attend(q, k, v, True).transpose(1, 0, 2).reshape(T, nh * hd))
            h = rms(x, W[p + 'post_attention_layernorm.weight'])
            x = x + lin(p + 'mlp.down_proj', act(cfg.get('hidden_act', 'silu'), lin(p + 'mlp.gate_proj', h)) * lin(p + 'mlp.up_proj', h))
        x = rms(x, W['model.norm.weight'])
        head = W['model.embed_tokens.weight'] if cfg.get('tie_word_embeddings', False) else W['lm_head.weight']
        hook('lm_head', x)
        return x @ head.T

    def gpt(cfg, W, ids):
        gpt2 = cfg['model_type'] == 'gpt2'
        H, nh = cfg['n_embd'], cfg['n_head']; hd = H // nh; T = len(ids); eps = cfg.get('layer_norm_epsilon', 1e-5)
        mq = (not gpt2) and cfg.get('multi_query', True); nkv = 1 if mq else nh
        name = cfg.get('activation_function', 'gelu_new' if gpt2 else 'gelu_pytorch_tanh')
        def lin(n, x):   # GPT-2 Conv1D weights are [in, out]
            hook(n, x)
            w = W[n + '.weight']
            return x @ (w if gpt2 else w.T) + W[n + '.bias']
        t = 'transformer.'
        x = W[t + 'wte.weight'][ids] + W[t + 'wpe.weight'][:T]
        for l in range(cfg['n_layer']):
            p = t + 'h.%d.' % l
            h = layernorm(x, W[p + 'ln_1.weight'], W[p + 'ln_1.bias'], eps)
            qkv = lin(p + 'attn.c_attn', h)
            if gpt2 or mq:
                q = qkv[:, :H]; k = qkv[:, H:H + nkv * hd]; v = qkv[:, H + nkv * hd:]
                q = q.reshape(T, nh, hd).transpose(1, 0, 2)
                k = k.reshape(T, nkv, hd).transpose(1, 0, 2); v = v.reshape(T, nkv, hd).transpose(1, 0, 2)
                k = np.repeat(k, nh // nkv, 0); v = np.repeat(v, nh // nkv, 0)
            else:
                r = qkv.reshape(T, nh, 3 * hd).transpose(1, 0, 2)
                q, k, v = r[..., :hd], r[..., hd:2 * hd], r[..., 2 * hd:]
            x = x + lin(p + 'attn.c_proj', attend(q, k, v, True).transpose(1, 0, 2).reshape(T, H))
            h = layernorm(x, W[p + 'ln_2.weight'], W[p + 'ln_2.bias'], eps)
            x = x + lin(p + 'mlp.c_proj', act(name, lin(p + 'mlp.c_fc', h)))
        x = layernorm(x, W[t + 'ln_f.weight'], W[t + 'ln_f.bias'], eps)
        hook('lm_head', x)
        return x @ W[t + 'wte.weight'].T

    def bert(cfg, W, ids):
        H, nh = cfg['hidden_size'], cfg['num_attention_heads']; hd = H // nh; T = len(ids); eps = cfg['layer_norm_eps']
        def lin(n, x):
            hook(n, x)
            return x @ W[n + '.weight'].T + W[n + '.bias']
        def ln(n, x): return layernorm(x, W[n + '.weight'], W[n + '.bias'], eps)
        e = 'embeddings.'
        x = ln(e + 'LayerNorm', W[e + 'word_embeddings.weight'][ids] + W[e + 'position_embeddings.weight'][:T] + W[e + 'token_type_embeddings.weight'][0])
        for l in range(cfg['num_hidden_layers']):
            p = 'encoder.layer.%d.' % l
            q, k, v = (lin(p + 'attention.self.' + n, x).reshape(T, nh, hd).transpose(1, 0, 2) for n in ('query', 'key', 'value'))
            x = ln(p + 'attention.output.LayerNorm', x + lin(p + 'attention.output.dense', attend(q, k, v, False).transpose(1, 0, 2).reshape(T, H)))
            x = ln(p + 'output.LayerNorm', x + lin(p + 'output.dense', act(cfg['hidden_act'], lin(p + 'intermediate.dense', x))))
        return x

    """#

    /// Runs `library + main` with a fresh folder as `sys.argv[1]` (the texts or model folder as
    /// further arguments), then hands the folder to `read` before it is removed.
    public static func run<T>(_ main: String, arguments: [String] = [], file: StaticString = #fileID, line: UInt = #line,
                       read: (URL) throws -> T) throws -> T {
        try TemporaryFolder.with("numpy-transformer") { folder in
            try PythonOracle.run(library + main, [folder.path] + arguments, file: file, line: line)
            return try read(folder)
        }
    }

    /// The float64 values numpy wrote to `name` in `folder`.
    public static func doubles(_ folder: URL, _ name: String) throws -> [Double] {
        let data = try Data(contentsOf: folder.appendingPathComponent(name))
        return data.withUnsafeBytes { raw in (0..<(data.count / 8)).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self) } }
    }

    /// `max |a − b| / max |b|`: the agreement measure of the runtime tests.
    public static func relativeDifference(_ a: [Float], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "sizes differ: \(a.count) vs \(b.count)")
        var difference = 0.0, scale = 0.0
        for (x, y) in zip(a, b) {
            difference = max(difference, abs(Double(x) - y))
            scale = max(scale, abs(y))
        }
        return difference / scale
    }
}
