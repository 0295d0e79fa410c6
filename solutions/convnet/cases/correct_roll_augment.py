# expect-score: 20
# expect-status: graded
# Style: params and layers built in a loop over a table; float64 accumulation of the
# per-epoch statistics; Adam with an exponential learning-rate decay, batches of 64, 4
# epochs, augmentation by np.roll shifts of the whole batch (one pixel at most).
# %% simple_convnet
class SimpleConvNet:
    def __init__(self, input_dim=(1, 28, 28), conv_param=None, hidden_size=100, output_size=10,
                 weight_init_std=0.01, dtype=np.float32, rng=None):
        conv = {"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1}
        for k, v in (conv_param or {}).items():
            conv[k] = v
        g = np.random.default_rng(rng)
        c, h, w = input_dim
        oh = conv_output_size(h, conv["filter_size"], conv["stride"], conv["pad"])
        ow = conv_output_size(w, conv["filter_size"], conv["stride"], conv["pad"])
        sizes = {
            "1": (conv["filter_num"], c, conv["filter_size"], conv["filter_size"]),
            "2": (conv["filter_num"] * (oh // 2) * (ow // 2), hidden_size),
            "3": (hidden_size, output_size),
        }
        self.params = {}
        for i, shape in sizes.items():
            self.params["W" + i] = (weight_init_std * g.standard_normal(shape)).astype(dtype)
            self.params["b" + i] = np.zeros(shape[0] if i == "1" else shape[1], dtype=dtype)
        p = self.params
        table = [
            ("Conv1", lambda: Convolution(p["W1"], p["b1"], stride=conv["stride"], pad=conv["pad"])),
            ("Relu1", Relu),
            ("Pool1", lambda: Pooling(2, 2, stride=2)),
            ("Affine1", lambda: Affine(p["W2"], p["b2"])),
            ("Relu2", Relu),
            ("Affine2", lambda: Affine(p["W3"], p["b3"])),
        ]
        self.layers = OrderedDict((name, make()) for name, make in table)
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x):
        h = x
        for layer in self.layers.values():
            h = layer.forward(h)
        return h

    def loss(self, x, t):
        return self.last_layer.forward(self.predict(x), t)

    def accuracy(self, x, t, batch_size=100):
        correct = 0
        for start in range(0, len(x), batch_size):
            scores = self.predict(x[start : start + batch_size])
            correct += int(np.sum(np.argmax(scores, axis=1) == t[start : start + batch_size]))
        return correct / len(x)

    def gradient(self, x, t):
        self.loss(x, t)
        g = self.last_layer.backward(dout=1)
        for name in reversed(self.layers):
            g = self.layers[name].backward(g)
        conv, fc1, fc2 = self.layers["Conv1"], self.layers["Affine1"], self.layers["Affine2"]
        return dict(W1=conv.dW, b1=conv.db, W2=fc1.dW, b2=fc1.db, W3=fc2.dW, b3=fc2.db)
# %% train_convnet
def train_convnet(x_train, t_train, x_test, t_test):
    rng = np.random.default_rng(11)
    network = SimpleConvNet(rng=rng)
    for key in ("W1", "W2", "W3"):
        W = network.params[key]
        W *= 0  # in place: the layers share these arrays
        W += (rng.standard_normal(W.shape) * np.sqrt(2.0 / (W[0].size if W.ndim == 4 else W.shape[0]))).astype(W.dtype)
    optimizer = Adam(lr=0.004)
    batch_size, epochs = 64, 4
    for epoch in range(epochs):
        optimizer.lr = 0.004 * 0.7 ** epoch
        total_loss, steps = np.float64(0), 0
        order = rng.permutation(len(x_train))
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            shift = tuple(int(s) for s in rng.integers(-1, 2, size=2))
            images = np.roll(x_train[batch], shift, axis=(2, 3))
            grads = network.gradient(images, t_train[batch])
            total_loss += np.float64(network.last_layer.loss)
            steps += 1
            optimizer.update(network.params, grads)
        print(f"epoch {epoch + 1}: mean loss {total_loss / steps:.4f}, test accuracy {network.accuracy(x_test, t_test):.4f}")
    return network
