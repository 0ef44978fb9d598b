"""Add a third output `patch_embeds` to the Emoji-CLIP vision ONNX graph.

    /usr/bin/python3 tools/emoji-clip/add_patch_embeds.py [vision_model.onnx] [--no-verify]

The exported vision graph has two outputs:

* `last_hidden_state` [batch, 145, 128]: encoder output, CLS first, before post_layernorm;
* `image_embeds` [batch, proj]: visual_projection(post_layernorm(CLS)).

post_layernorm is written with plain ops (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul,
Add; there is no LayerNormalization op at opset 14) on `Gather(last_hidden_state, 0, axis=1)`,
followed by the projection MatMul that produces `image_embeds`. Every one of those ops works on
the last axis only (or broadcasts over the leading ones), so the same chain applied to the whole
`last_hidden_state` gives every token's projected embedding. This script copies that chain with
new output names, feeds it `last_hidden_state` instead of the CLS slice and reuses the same
initializers and Constant outputs (no weight is duplicated; the file grows by a few hundred
bytes). The new output is

* `patch_embeds` [batch, 145, proj]: visual_projection(post_layernorm(last_hidden_state)), CLS
  first (row 0 equals `image_embeds`).

It is the "raw CLIP patch-text cosine" baseline of the evaluation: cos(patch_embeds[p],
text_embeds). The file is rewritten in place; a file that already has `patch_embeds` is left
alone (idempotent).

Verification (unless --no-verify): onnx.checker and shape inference, then both graphs (old and
new) are run with onnxruntime-node (`check_patch_embeds.mjs`; the Python onnxruntime package is
not installed here) on random pixel values, batch 2. Checked: `last_hidden_state` and
`image_embeds` are bitwise unchanged, patch_embeds[:, 0] equals image_embeds within 1e-5, and
every row of patch_embeds equals a numpy re-implementation (LayerNorm + MatMul from the graph's
own initializers) within 1e-4. The file is only replaced when all checks pass.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT = os.path.join(HERE, '..', '..', 'public', 'models', 'emoji-clip', 'onnx', 'vision_model.onnx')
NEW_OUTPUT = 'patch_embeds'
HIDDEN = 'last_hidden_state'
POOLED = 'image_embeds'
# Ops the post_layernorm + projection chain may contain (all act on, or broadcast over, the last axis).
CHAIN_OPS = {'ReduceMean', 'Sub', 'Pow', 'Sqrt', 'Div', 'Mul', 'Add', 'MatMul'}


def find_chain(graph):
    """Nodes from the CLS Gather's output to `image_embeds`, in graph order, and the Gather node."""
    producer = {out: node for node in graph.node for out in node.output}
    constants = {n.output[0] for n in graph.node if n.op_type == 'Constant'}
    initializers = {i.name for i in graph.initializer}
    if POOLED not in producer:
        raise SystemExit(f'no node produces {POOLED}')
    projection = producer[POOLED]
    if projection.op_type != 'MatMul':
        raise SystemExit(f'{POOLED} comes from {projection.op_type}, expected the projection MatMul')

    # Walk back from image_embeds until the Gather that takes the CLS row of last_hidden_state.
    chain, gather, stack, seen = [], None, [projection], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.op_type == 'Gather' and node.input[0] == HIDDEN:
            gather = node
            continue
        if node.op_type not in CHAIN_OPS:
            raise SystemExit(f'unexpected op {node.op_type} ({node.name}) between {HIDDEN} and {POOLED}')
        chain.append(node)
        for name in node.input:
            if name in initializers or name in constants:
                continue
            if name not in producer:
                raise SystemExit(f'{node.name} reads {name}, which is neither a node output nor a weight')
            stack.append(producer[name])
    if gather is None:
        raise SystemExit(f'{POOLED} does not come from a Gather on {HIDDEN}')
    check_cls_gather(gather, graph, producer)
    order = {id(n): i for i, n in enumerate(graph.node)}
    chain.sort(key=lambda n: order[id(n)])
    ops = [n.op_type for n in chain]
    if ops.count('ReduceMean') != 2 or 'Sqrt' not in ops or ops.count('MatMul') != 1:
        raise SystemExit(f'the chain {ops} does not look like LayerNorm + projection')
    for n in chain:
        if n.op_type == 'ReduceMean':
            axes = [a for a in n.attribute if a.name == 'axes']
            keep = [a for a in n.attribute if a.name == 'keepdims']
            if not axes or list(axes[0].ints) != [-1] or (keep and keep[0].i != 1):
                raise SystemExit(f'{n.name}: ReduceMean must reduce axis -1 with keepdims')
    return chain, gather


def check_cls_gather(gather, graph, producer):
    axis = next((a.i for a in gather.attribute if a.name == 'axis'), 0)
    index = producer.get(gather.input[1])
    value = None
    if index is not None and index.op_type == 'Constant':
        value = numpy_helper.to_array(index.attribute[0].t)
    else:
        init = next((i for i in graph.initializer if i.name == gather.input[1]), None)
        value = numpy_helper.to_array(init) if init is not None else None
    if axis != 1 or value is None or value.shape != () or int(value) != 0:
        raise SystemExit(f'{gather.name} is not Gather(axis=1, index=0): axis {axis}, index {value}')


def add_patch_embeds(model):
    graph = model.graph
    chain, gather = find_chain(graph)
    rename = {gather.output[0]: HIDDEN}
    for node in chain:
        for out in node.output:
            rename[out] = NEW_OUTPUT if out == POOLED else f'/patch_embeds{out}'
    new_nodes = []
    for node in chain:
        copy = onnx.NodeProto()
        copy.CopyFrom(node)
        copy.name = f'/patch_embeds{node.name}'
        del copy.input[:]
        copy.input.extend(rename.get(name, name) for name in node.input)
        del copy.output[:]
        copy.output.extend(rename[name] for name in node.output)
        new_nodes.append(copy)
    graph.node.extend(new_nodes)  # after everything they read, so the graph stays topologically sorted

    hidden_type = next(o for o in graph.output if o.name == HIDDEN).type.tensor_type
    pooled_type = next(o for o in graph.output if o.name == POOLED).type.tensor_type
    batch, tokens = hidden_type.shape.dim[0], hidden_type.shape.dim[1]
    proj = pooled_type.shape.dim[1].dim_value
    shape = [batch.dim_param or batch.dim_value, tokens.dim_param or tokens.dim_value, proj]
    graph.output.append(helper.make_tensor_value_info(NEW_OUTPUT, hidden_type.elem_type, shape))
    return [n.op_type for n in chain]


def numpy_patch_embeds(model, hidden):
    """LayerNorm + projection on every token, from the graph's own initializers and constants."""
    graph = model.graph
    chain, _ = find_chain(graph)
    values = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    for n in graph.node:
        if n.op_type == 'Constant':
            values[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    ln_mul = next(n for n in chain if n.op_type == 'Mul')
    ln_add = chain[chain.index(ln_mul) + 1]
    eps_add = next(n for n in chain if n.op_type == 'Add')
    matmul = chain[-1]
    weight = next(values[i] for i in ln_mul.input if i in values)
    bias = next(values[i] for i in ln_add.input if i in values)
    eps = float(next(values[i] for i in eps_add.input if i in values))
    projection = values[matmul.input[1]]
    x = hidden.astype(np.float64)
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    normed = (x - mean) / np.sqrt(var + eps) * weight + bias
    return normed @ projection.astype(np.float64)


def verify(old_path, new_path, model):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'outputs.json')
        script = os.path.join(HERE, 'check_patch_embeds.mjs')
        subprocess.run(['node', script, old_path, new_path, out], check=True)
        with open(out) as f:
            result = json.load(f)

    def arr(run, name):
        entry = result[run][name]
        return np.asarray(entry['data'], dtype=np.float32).reshape(entry['dims'])

    problems = []
    for name in (HIDDEN, POOLED):
        diff = float(np.abs(arr('old', name) - arr('new', name)).max())
        print(f'  {name}: old vs new max |diff| = {diff:.3g}')
        if diff != 0:
            problems.append(f'{name} changed')
    patch = arr('new', NEW_OUTPUT)
    pooled = arr('new', POOLED)
    hidden = arr('new', HIDDEN)
    print(f'  {NEW_OUTPUT}: shape {list(patch.shape)}')
    if patch.shape[:2] != hidden.shape[:2] or patch.shape[2] != pooled.shape[1]:
        problems.append(f'{NEW_OUTPUT} has shape {patch.shape}')
    cls_diff = float(np.abs(patch[:, 0] - pooled).max())
    print(f'  {NEW_OUTPUT}[:, 0] vs {POOLED}: max |diff| = {cls_diff:.3g} (scale {np.abs(pooled).max():.3g})')
    if not cls_diff <= 1e-5:
        problems.append(f'CLS row differs from {POOLED} by {cls_diff}')
    reference = numpy_patch_embeds(model, hidden)
    ref_diff = float(np.abs(patch - reference).max())
    print(f'  {NEW_OUTPUT} vs numpy LayerNorm+projection, all rows: max |diff| = {ref_diff:.3g}')
    if not ref_diff <= 1e-4:
        problems.append(f'{NEW_OUTPUT} differs from the numpy reference by {ref_diff}')
    if not np.isfinite(patch).all():
        problems.append(f'{NEW_OUTPUT} has non-finite values')
    if problems:
        raise SystemExit('verification failed: ' + '; '.join(problems))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('model', nargs='?', default=DEFAULT)
    parser.add_argument('--no-verify', action='store_true', help='skip the onnxruntime-node comparison')
    args = parser.parse_args()
    path = os.path.abspath(args.model)
    model = onnx.load(path)
    if any(o.name == NEW_OUTPUT for o in model.graph.output):
        print(f'{path} already has {NEW_OUTPUT}; nothing to do')
        return
    before = os.path.getsize(path)
    ops = add_patch_embeds(model)
    print(f'copied chain: {" ".join(ops)} ({len(ops)} nodes, weights shared)')
    onnx.checker.check_model(model, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    out = next(o for o in inferred.graph.output if o.name == NEW_OUTPUT)
    dims = [d.dim_param or d.dim_value for d in out.type.tensor_type.shape.dim]
    print(f'onnx.checker ok; {NEW_OUTPUT} {dims}')

    fd, tmp = tempfile.mkstemp(suffix='.onnx', dir=os.path.dirname(path))
    os.close(fd)
    try:
        onnx.save(model, tmp)
        if args.no_verify:
            print('verification skipped (--no-verify)')
        else:
            verify(path, tmp, model)
        shutil.move(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    print(f'wrote {path}: {before} -> {os.path.getsize(path)} bytes')


if __name__ == '__main__':
    sys.exit(main())
