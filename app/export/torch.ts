/**
 * The generated PyTorch module (docs/export.md#pytorch): a small .py file, needing only torch, that
 * reads memcap's safetensors export (tensor names of app/export/tensors.ts, structure from the
 * file's "memcap.structure" metadata) and runs the network with the export's operation order:
 * uniform attention as a sum divided by the key count, hardmax with ties averaged, heads added in
 * order after the residual. `--format safetensors` writes it next to the .safetensors file (reading
 * that file); `--format torch` writes it alone with the safetensors bytes embedded (base64).
 */

const MODULE = String.raw`
import base64, json, struct
import torch

_DTYPES = {"F64": torch.float64, "F32": torch.float32, "I64": torch.int64}


def read_safetensors(data):
    """Tensors and metadata of a safetensors file's bytes (the format is small enough to read by hand)."""
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    base = 8 + n
    out = {}
    for name, e in header.items():
        a, b = e["data_offsets"]
        buf = bytearray(data[base + a : base + b])
        t = torch.frombuffer(buf, dtype=_DTYPES[e["dtype"]]) if len(buf) else torch.zeros(0, dtype=_DTYPES[e["dtype"]])
        out[name] = t.reshape(e["shape"]).clone()
    return out, meta


class MemcapNetwork(torch.nn.Module):
    """A memcap network. forward(x): x is int64 token ids [batch, seq] or vectors [batch, seq, dim]."""

    def __init__(self, tensors, structure):
        super().__init__()
        self.structure = structure
        self.tensors = {k: v for k, v in tensors.items()}
        for k, v in self.tensors.items():
            self.register_buffer(k.replace(".", "_"), v, persistent=False)

    def _t(self, name):
        return self.tensors[name]

    @staticmethod
    def _linear(x, w, b=None):
        y = torch.matmul(x, w.transpose(0, 1))
        return y if b is None else y + b

    def forward(self, x):
        X = x
        n = x.shape[1]
        for i, layer in enumerate(self.structure["layers"]):
            p = "layers.%d" % i
            kind = layer["type"]
            if kind == "embedding":
                X = self._t(p + ".table")[X]
            elif kind == "positional":
                X = X + self._t(p + ".table")[:n]
            elif kind == "affine":
                X = self._linear(X, self._t(p + ".weight"), self._t(p + ".bias"))
            elif kind == "relu":
                X = torch.relu(X)
            elif kind == "ffn":
                h = torch.relu(self._linear(X, self._t(p + ".linear1.weight"), self._t(p + ".linear1.bias")))
                X = X + (torch.matmul(h, self._t(p + ".linear2.weight").transpose(0, 1)) + self._t(p + ".linear2.bias"))
            elif kind == "attention":
                X = self._attention(X, p, layer)
            else:
                raise ValueError("unknown layer type " + kind)
        if self.structure["output"]["positions"] == "last":
            X = X[:, -1, :]
        return X

    def _attention(self, X, p, layer):
        n = X.shape[1]
        last = layer["queries"] == "last"
        Xq = X[:, n - 1 :, :] if last else X
        Xk = X[:, : n - 1, :] if layer["keys"] == "all-but-last" else X
        m = Xk.shape[1]
        keep = None
        if layer["keys"] == "causal" and not last:
            keep = torch.tril(torch.ones(n, n, dtype=X.dtype))
        y = Xq if layer["residual"] else None
        for h in range(layer["heads"]):
            hp = "%s.heads.%d" % (p, h)
            V = torch.matmul(Xk, self._t(hp + ".v.weight").transpose(0, 1))
            if layer["attention"] == "uniform":
                if keep is not None:
                    mix = torch.matmul(keep, V) / keep.sum(-1, keepdim=True)
                else:
                    # a sum divided by the count, never a multiplication by a rounded 1/m
                    mix = V.sum(1, keepdim=True) / m
                    mix = mix.expand(Xq.shape[0], Xq.shape[1], mix.shape[2])
            else:
                Q = torch.matmul(Xq, self._t(hp + ".q.weight").transpose(0, 1))
                K = torch.matmul(Xk, self._t(hp + ".k.weight").transpose(0, 1))
                S = torch.matmul(Q, K.transpose(1, 2))
                if layer["scaled"]:
                    S = self._t(p + ".scale") * S
                if keep is not None:
                    S = S.masked_fill(keep == 0, float("-inf"))
                if layer["attention"] == "softmax":
                    mix = torch.matmul(torch.softmax(S, -1), V)
                else:
                    arg = (S == S.max(-1, keepdim=True).values).to(X.dtype)
                    mix = torch.matmul(arg, V) / arg.sum(-1, keepdim=True)
            o = torch.matmul(mix, self._t(hp + ".o.weight").transpose(0, 1))
            y = o if y is None else y + o
        if not last:
            return y
        if y.shape[2] != X.shape[2]:
            return y  # nothing after this layer reads the other positions (the export checked)
        return torch.cat([X[:, : n - 1, :], y], 1)


def load_bytes(data):
    tensors, meta = read_safetensors(data)
    return MemcapNetwork(tensors, json.loads(meta["memcap.structure"]))
`;

/** The loader next to a .safetensors export: `python NAME.py` prints the outputs on the certificate's examples. */
export function torchLoaderSource(safetensorsFile: string, header: string): string {
  return `# ${header}
# Loads ${safetensorsFile} (memcap's tensor names, docs/export.md) and runs it in PyTorch.
# Usage: from this module import load; net = load(); net(torch.tensor([[0, 1]]))
${MODULE}

def load(path=None):
    import os
    path = path or os.path.join(os.path.dirname(os.path.abspath(__file__)), ${JSON.stringify(safetensorsFile)})
    with open(path, "rb") as f:
        return load_bytes(f.read())
`;
}

/** A self-contained module: the safetensors bytes embedded in base64. */
export function torchModuleSource(safetensors: Uint8Array, header: string): string {
  const b64 = Buffer.from(safetensors).toString("base64");
  const lines = b64.match(/.{1,100}/g) ?? [];
  return `# ${header}
# Self-contained: the weights are embedded below (safetensors bytes, base64). Needs only torch.
# Usage: from this module import load; net = load(); net(torch.tensor([[0, 1]]))
${MODULE}

_WEIGHTS = (
${lines.map((l) => `    "${l}"`).join("\n")}
)


def load():
    return load_bytes(base64.b64decode(_WEIGHTS))
`;
}
