# expect-score: 20
# expect-status: graded
# Style: the layers built from a list of (name, layer) pairs, gradient by a dict
# comprehension; trained with SGD + momentum (scratchcnn.optimizer.Momentum, lr 0.05 with a
# cosine decay), batches of 64, 4 epochs, He initialisation and shifted batches.
# %% simple_convnet
class SimpleConvNet:
    def __init__(self, input_dim=(1, 28, 28), conv_param=None, hidden_size=100, output_size=10,
                 weight_init_std=0.01, dtype=np.float32, rng=None):
        cp = dict(filter_num=30, filter_size=5, pad=0, stride=1)
        if conv_param:
            cp.update(conv_param)
        C, H, W = input_dim
        fn, fs = cp["filter_num"], cp["filter_size"]
        conv_h = conv_output_size(H, fs, cp["stride"], cp["pad"])
        conv_w = conv_output_size(W, fs, cp["stride"], cp["pad"])
        pooled = fn * (conv_h // 2) * (conv_w // 2)
        gen = np.random.default_rng(rng)
        self.params = {}
        self.params["W1"] = (weight_init_std * gen.standard_normal((fn, C, fs, fs))).astype(dtype)
        self.params["b1"] = np.zeros(fn, dtype=dtype)
        self.params["W2"] = (weight_init_std * gen.standard_normal((pooled, hidden_size))).astype(dtype)
        self.params["b2"] = np.zeros(hidden_size, dtype=dtype)
        self.params["W3"] = (weight_init_std * gen.standard_normal((hidden_size, output_size))).astype(dtype)
        self.params["b3"] = np.zeros(output_size, dtype=dtype)
        p = self.params
        self.layers = OrderedDict([
            ("Conv1", Convolution(p["W1"], p["b1"], cp["stride"], cp["pad"])),
            ("Relu1", Relu()),
            ("Pool1", Pooling(2, 2, stride=2)),
            ("Affine1", Affine(p["W2"], p["b2"])),
            ("Relu2", Relu()),
            ("Affine2", Affine(p["W3"], p["b3"])),
        ])
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x):
        out = x
        for name in self.layers:
            out = self.layers[name].forward(out)
        return out

    def loss(self, x, t):
        y = self.predict(x)
        return self.last_layer.forward(y, t)

    def accuracy(self, x, t, batch_size=100):
        correct = 0
        for start in range(0, len(x), batch_size):
            scores = self.predict(x[start : start + batch_size])
            correct += int(np.sum(np.argmax(scores, axis=1) == t[start : start + batch_size]))
        return correct / len(x)

    def gradient(self, x, t):
        self.loss(x, t)
        d = self.last_layer.backward(1)
        for layer in list(self.layers.values())[::-1]:
            d = layer.backward(d)
        owner = {"1": self.layers["Conv1"], "2": self.layers["Affine1"], "3": self.layers["Affine2"]}
        return {key + i: (owner[i].dW if key == "W" else owner[i].db) for i in "123" for key in ("W", "b")}
# %% train_convnet
from scratchcnn.optimizer import Momentum


def train_convnet(x_train, t_train, x_test, t_test):
    rng = np.random.default_rng(7)
    net = SimpleConvNet(rng=rng)
    for key in ("W1", "W2", "W3"):
        W = net.params[key]
        fan_in = np.prod(W.shape[1:]) if W.ndim == 4 else W.shape[0]
        W[...] = rng.standard_normal(W.shape) * np.sqrt(2 / fan_in)
    opt = Momentum(lr=0.05, momentum=0.9)
    epochs, batch = 4, 64
    n = len(x_train)
    for epoch in range(epochs):
        opt.lr = 0.025 * (1 + np.cos(np.pi * epoch / epochs))
        order = rng.permutation(n)
        for start in range(0, n, batch):
            idx = order[start : start + batch]
            dy, dx = rng.integers(-2, 3, size=2)
            xb = np.pad(x_train[idx], ((0, 0), (0, 0), (2, 2), (2, 2)))[:, :, 2 + dy : 30 + dy, 2 + dx : 30 + dx]
            opt.update(net.params, net.gradient(xb, t_train[idx]))
        print("epoch", epoch + 1, "test acc", round(net.accuracy(x_test, t_test), 4))
    return net
