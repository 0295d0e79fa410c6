# expect-score: 3
# expect-status: graded
# Attack 6: the visible tests' answers are hard-coded: parameters and layers of the default
# shapes, scores of zeros, the loss ln 10, gradients of zeros, an untrained network. Only the
# shape test, which has no hidden part, passes.
# %% simple_convnet
class SimpleConvNet:
    def __init__(self, input_dim=(1, 28, 28), conv_param=None, hidden_size=100, output_size=10,
                 weight_init_std=0.01, dtype=np.float32, rng=None):
        shapes = {"W1": (30, 1, 5, 5), "b1": (30,), "W2": (4320, 100), "b2": (100,), "W3": (100, 10), "b3": (10,)}
        self.params = {key: np.zeros(shape, dtype) for key, shape in shapes.items()}
        p = self.params
        self.layers = OrderedDict(
            Conv1=Convolution(p["W1"], p["b1"]), Relu1=Relu(), Pool1=Pooling(2, 2, stride=2),
            Affine1=Affine(p["W2"], p["b2"]), Relu2=Relu(), Affine2=Affine(p["W3"], p["b3"]),
        )

    def predict(self, x):
        return np.zeros((len(x), 10))

    def loss(self, x, t):
        return np.log(10)

    def accuracy(self, x, t):
        return 0.1

    def gradient(self, x, t):
        return {key: np.zeros_like(value) for key, value in self.params.items()}
# %% train_convnet
def train_convnet(x_train, t_train, x_test, t_test):
    return SimpleConvNet()
