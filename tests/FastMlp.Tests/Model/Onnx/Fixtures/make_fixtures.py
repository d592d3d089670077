# Makes the ONNX fixtures of OnnxLoadFixtureTests (see README.md): run from this folder with
#   /usr/bin/python3 make_fixtures.py
# torch-*.onnx come from torch.onnx.export (the TorchScript exporter); dynamo-*.onnx and tf2onnx-*.onnx are built
# with onnx.helper to the node pattern those exporters write, with the weights of a torch model. Each NAME.onnx has
# NAME.json beside it: {"batch": B, "inputs": [...], "outputs": [...]}, the inputs and torch's outputs for them,
# row-major float32 values written as exact decimals.
import json

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

torch.manual_seed(15)
BATCH = 7


def save_outputs(name, model, inputs):
    with torch.no_grad():
        outputs = model(inputs)
    with open(name + ".json", "w") as f:
        json.dump({"batch": BATCH,
                   "inputs": [float(v) for v in inputs.numpy().astype(np.float32).ravel()],
                   "outputs": [float(v) for v in outputs.numpy().astype(np.float32).ravel()]}, f)
        f.write("\n")


def torch_fixture(name, model, opset):
    model.eval()
    inputs = torch.randn(BATCH, model[0].in_features)
    torch.onnx.export(model, inputs, name + ".onnx", opset_version=opset, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    onnx.checker.check_model(onnx.load(name + ".onnx"))
    save_outputs(name, model, inputs)


def tensor(name, array, raw):
    array = np.ascontiguousarray(array, dtype=np.float32)
    if raw:
        return numpy_helper.from_array(array, name)
    return helper.make_tensor(name, TensorProto.FLOAT, array.shape, array.ravel().tolist())


def linears(model):
    return [m for m in model if isinstance(m, torch.nn.Linear)]


def dynamo_fixture(name, model, opset, activations):
    """The dynamo exporter's aten::linear decomposition: Transpose(weight [out, in], perm [1, 0]), MatMul(x, ·), Add(·, bias)."""
    model.eval()
    inputs = torch.randn(BATCH, model[0].in_features)
    nodes, inits, x = [], [], "input"
    for l, (linear, act) in enumerate(zip(linears(model), activations)):
        w, b = f"layers.{2 * l}.weight", f"layers.{2 * l}.bias"
        inits += [tensor(w, linear.weight.detach().numpy(), raw=True), tensor(b, linear.bias.detach().numpy(), raw=True)]
        nodes.append(helper.make_node("Transpose", [w], [f"t_{l}"], name=f"Transpose_{l}", perm=[1, 0]))
        nodes.append(helper.make_node("MatMul", [x, f"t_{l}"], [f"mm_{l}"], name=f"MatMul_{l}"))
        nodes.append(helper.make_node("Add", [f"mm_{l}", b], [f"linear_{l}"], name=f"Add_{l}"))
        x = f"linear_{l}"
        if act is not None:
            nodes.append(helper.make_node(act, [x], [f"{act.lower()}_{l}"], name=f"{act}_{l}"))
            x = f"{act.lower()}_{l}"
    nodes[-1].output[0] = "output"
    graph = helper.make_graph(nodes, "main_graph", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["s0", model[0].in_features])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["s0", linears(model)[-1].out_features])], inits)
    write(name, helper.make_model(graph, producer_name="pytorch", opset_imports=[helper.make_opsetid("", opset)]), model, inputs)


def keras_fixture(name, model, opset, activations):
    """tf2onnx's Keras Dense: MatMul(x, kernel [in, out]) then Add(·, bias) (BiasAdd), then the activation; typed float_data."""
    model.eval()
    inputs = torch.randn(BATCH, model[0].in_features)
    nodes, inits, x = [], [], "input_1"
    for l, (linear, act) in enumerate(zip(linears(model), activations)):
        prefix = "dense" if l == 0 else f"dense_{l}"
        w, b = f"sequential/{prefix}/MatMul/ReadVariableOp:0", f"sequential/{prefix}/BiasAdd/ReadVariableOp:0"
        inits += [tensor(w, linear.weight.detach().numpy().T, raw=False), tensor(b, linear.bias.detach().numpy(), raw=False)]
        nodes.append(helper.make_node("MatMul", [x, w], [f"sequential/{prefix}/MatMul:0"], name=f"sequential/{prefix}/MatMul"))
        nodes.append(helper.make_node("Add", [f"sequential/{prefix}/MatMul:0", b], [f"sequential/{prefix}/BiasAdd:0"], name=f"sequential/{prefix}/BiasAdd"))
        x = f"sequential/{prefix}/BiasAdd:0"
        if act is not None:
            attributes = {"axis": -1} if act == "Softmax" else {}
            nodes.append(helper.make_node(act, [x], [f"sequential/{prefix}/{act}:0"], name=f"sequential/{prefix}/{act}", **attributes))
            x = f"sequential/{prefix}/{act}:0"
    nodes[-1].output[0] = prefix
    graph = helper.make_graph(nodes, "tf2onnx", [helper.make_tensor_value_info("input_1", TensorProto.FLOAT, ["unk__6", model[0].in_features])],
                              [helper.make_tensor_value_info(prefix, TensorProto.FLOAT, ["unk__7", linears(model)[-1].out_features])], inits)
    write(name, helper.make_model(graph, producer_name="tf2onnx", opset_imports=[helper.make_opsetid("", opset)]), model, inputs)


def write(name, model_proto, model, inputs):
    model_proto.ir_version = 8
    onnx.checker.check_model(model_proto)
    onnx.save(model_proto, name + ".onnx")
    save_outputs(name, model, inputs)


nn = torch.nn
torch_fixture("torch-relu-softmax-opset13", nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 4), nn.Softmax(dim=1)), 13)
torch_fixture("torch-tanh-identity-opset17", nn.Sequential(nn.Linear(3, 6), nn.Tanh(), nn.Linear(6, 6), nn.Tanh(), nn.Linear(6, 2)), 17)
torch_fixture("torch-sigmoid-opset13", nn.Sequential(nn.Linear(4, 5), nn.Sigmoid(), nn.Linear(5, 3), nn.Sigmoid()), 13)
torch_fixture("torch-leakyrelu-opset17", nn.Sequential(nn.Linear(4, 7), nn.LeakyReLU(), nn.Linear(7, 2)), 17)
torch_fixture("torch-gelu-opset13", nn.Sequential(nn.Linear(4, 6), nn.GELU(), nn.Linear(6, 3), nn.GELU()), 13)
torch_fixture("torch-gelu-silu-opset17", nn.Sequential(nn.Linear(4, 6), nn.GELU(), nn.Linear(6, 5), nn.SiLU(), nn.Linear(5, 3), nn.Softmax(dim=-1)), 17)
torch_fixture("torch-silu-opset13", nn.Sequential(nn.Linear(3, 5), nn.SiLU(), nn.Linear(5, 2)), 13)
dynamo_fixture("dynamo-relu-opset17", nn.Sequential(nn.Linear(4, 6), nn.ReLU(), nn.Linear(6, 3)), 17, ["Relu", None])
keras_fixture("tf2onnx-dense-relu-softmax-opset13", nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 3), nn.Softmax(dim=-1)), 13, ["Relu", "Softmax"])
# nn.Linear(bias=False) on a 2-D input: the TorchScript exporter writes MatMul(x, weightᵀ) (the transpose
# constant-folded into an initializer [in, out]) with no Add.
torch_fixture("torch-nobias-relu-opset13", nn.Sequential(nn.Linear(3, 4, bias=False), nn.ReLU(), nn.Linear(4, 2)), 13)
