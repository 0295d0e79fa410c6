# expect-score: 20
# expect-status: graded
# Style: scratchcnn.trainer.Trainer with Adam on He-initialised weights, batches of 50 for
# 5 epochs (no augmentation); a helper function in an extra cell; %time and %%capture cells
# around the trained network.
# %% new after setup
def he_init(params, rng):
    """Overwrite the weight arrays in place with He-scaled normals."""
    for key, W in params.items():
        if key.startswith("W"):
            fan_in = int(np.prod(W.shape[1:])) if W.ndim == 4 else W.shape[0]
            W[...] = rng.standard_normal(W.shape) * np.sqrt(2.0 / fan_in)
# %% simple_convnet
class SimpleConvNet:
    def __init__(self, input_dim=(1, 28, 28), conv_param=None, hidden_size=100, output_size=10,
                 weight_init_std=0.01, dtype=np.float32, rng=None):
        param = {"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1}
        param.update(conv_param or {})
        rng = np.random.default_rng(rng)
        C, H, W = input_dim
        FN, F = param["filter_num"], param["filter_size"]
        OH = conv_output_size(H, F, param["stride"], param["pad"])
        OW = conv_output_size(W, F, param["stride"], param["pad"])
        shapes = [("W1", (FN, C, F, F)), ("b1", (FN,)), ("W2", (FN * (OH // 2) * (OW // 2), hidden_size)),
                  ("b2", (hidden_size,)), ("W3", (hidden_size, output_size)), ("b3", (output_size,))]
        self.params = {}
        for key, shape in shapes:
            if key[0] == "W":
                self.params[key] = (weight_init_std * rng.standard_normal(shape)).astype(dtype)
            else:
                self.params[key] = np.zeros(shape, dtype=dtype)
        self.layers = OrderedDict()
        self.layers["Conv1"] = Convolution(self.params["W1"], self.params["b1"], stride=param["stride"], pad=param["pad"])
        self.layers["Relu1"] = Relu()
        self.layers["Pool1"] = Pooling(pool_h=2, pool_w=2, stride=2)
        self.layers["Affine1"] = Affine(self.params["W2"], self.params["b2"])
        self.layers["Relu2"] = Relu()
        self.layers["Affine2"] = Affine(self.params["W3"], self.params["b3"])
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x):
        for key in self.layers.keys():
            x = self.layers[key].forward(x)
        return x

    def loss(self, x, t):
        scores = self.predict(x)
        return self.last_layer.forward(scores, t)

    def accuracy(self, x, t, batch_size=100):
        correct = 0
        for start in range(0, len(x), batch_size):
            scores = self.predict(x[start : start + batch_size])
            correct += int(np.sum(np.argmax(scores, axis=1) == t[start : start + batch_size]))
        return correct / len(x)

    def gradient(self, x, t):
        self.loss(x, t)
        dout = 1
        dout = self.last_layer.backward(dout)
        for key in reversed(list(self.layers.keys())):
            dout = self.layers[key].backward(dout)
        grads = {}
        for i, name in enumerate(["Conv1", "Affine1", "Affine2"], start=1):
            grads[f"W{i}"] = self.layers[name].dW
            grads[f"b{i}"] = self.layers[name].db
        return grads
# %% train_convnet
from scratchcnn.trainer import Trainer


def train_convnet(x_train, t_train, x_test, t_test):
    network = SimpleConvNet(rng=5)
    he_init(network.params, np.random.default_rng(6))
    trainer = Trainer(network, x_train, t_train, x_test, t_test, epochs=5, mini_batch_size=50,
                      optimizer="Adam", optimizer_param={"lr": 0.002}, evaluate_sample_num_per_epoch=200,
                      verbose=False, rng=8)
    trainer.train()
    return network
# %% new after run_training
%time scores = network.predict(x_test[:500])
print((scores.argmax(axis=1) == t_test[:500]).mean())
# %% new
%%capture
wrong = np.flatnonzero(network.predict(x_test[:200]).argmax(axis=1) != t_test[:200])
print(wrong)
