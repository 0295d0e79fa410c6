# expect-score: 20
# expect-status: graded
# Style: the network's layers and params kept as attributes too, predict/loss written out;
# trained with Adam in batches of 50, 3 epochs, a step schedule (lr 0.004, halved every 2
# epochs), He initialisation, no data augmentation.
# %% simple_convnet
class SimpleConvNet:
    def __init__(self, input_dim=(1, 28, 28), conv_param=None, hidden_size=100, output_size=10,
                 weight_init_std=0.01, dtype=np.float32, rng=None):
        defaults = {"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1}
        conv_param = {**defaults, **(conv_param or {})}
        self.rng = np.random.default_rng(rng)
        filter_num = conv_param["filter_num"]
        filter_size = conv_param["filter_size"]
        filter_pad = conv_param["pad"]
        filter_stride = conv_param["stride"]
        channels, height, width = input_dim
        conv_output_h = conv_output_size(height, filter_size, filter_stride, filter_pad)
        conv_output_w = conv_output_size(width, filter_size, filter_stride, filter_pad)
        pool_output_size = int(filter_num * (conv_output_h // 2) * (conv_output_w // 2))

        def init(shape):
            return np.asarray(weight_init_std * self.rng.standard_normal(shape), dtype=dtype)

        self.params = {
            "W1": init((filter_num, channels, filter_size, filter_size)),
            "b1": np.zeros(filter_num, dtype),
            "W2": init((pool_output_size, hidden_size)),
            "b2": np.zeros(hidden_size, dtype),
            "W3": init((hidden_size, output_size)),
            "b3": np.zeros(output_size, dtype),
        }
        self.conv = Convolution(self.params["W1"], self.params["b1"], filter_stride, filter_pad)
        self.pool = Pooling(2, 2, 2)
        self.fc1 = Affine(self.params["W2"], self.params["b2"])
        self.fc2 = Affine(self.params["W3"], self.params["b3"])
        self.layers = OrderedDict()
        self.layers["Conv1"] = self.conv
        self.layers["Relu1"] = Relu()
        self.layers["Pool1"] = self.pool
        self.layers["Affine1"] = self.fc1
        self.layers["Relu2"] = Relu()
        self.layers["Affine2"] = self.fc2
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

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
        dout = self.last_layer.backward(1)
        layers = list(self.layers.values())
        layers.reverse()
        for layer in layers:
            dout = layer.backward(dout)
        grads = {}
        grads["W1"], grads["b1"] = self.conv.dW, self.conv.db
        grads["W2"], grads["b2"] = self.fc1.dW, self.fc1.db
        grads["W3"], grads["b3"] = self.fc2.dW, self.fc2.db
        return grads
# %% train_convnet
def train_convnet(x_train, t_train, x_test, t_test):
    network = SimpleConvNet(rng=123)
    he_rng = np.random.default_rng(321)
    for name in ["W1", "W2", "W3"]:
        W = network.params[name]
        fan_in = W[0].size if W.ndim == 4 else W.shape[0]
        W[:] = he_rng.normal(0.0, np.sqrt(2.0 / fan_in), W.shape)
    optimizer = Adam(lr=0.004)
    batch_size = 50
    for epoch in range(3):
        optimizer.lr = 0.004 * 0.5 ** (epoch // 2)
        perm = he_rng.permutation(len(x_train))
        for i in range(0, len(perm), batch_size):
            batch = perm[i : i + batch_size]
            optimizer.update(network.params, network.gradient(x_train[batch], t_train[batch]))
        print(f"epoch {epoch}: lr {optimizer.lr:.5f}, test accuracy {network.accuracy(x_test, t_test):.3f}")
    return network
