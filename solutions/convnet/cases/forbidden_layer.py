# expect-score: 0
# expect-status: graded
# Attack 5: SimpleConvNet subclasses the library's network, the very thing the exercise asks
# for. Every test scores 0 and the answer cell's comment says why (scratchcnn.networks is not
# in the sandbox either, so nothing trains).
# %% simple_convnet
from scratchcnn.networks import SimpleConvNet as LibraryNet


class SimpleConvNet(LibraryNet):
    pass
# %% train_convnet
from scratchcnn.trainer import Trainer


def train_convnet(x_train, t_train, x_test, t_test):
    network = SimpleConvNet(rng=0)
    Trainer(network, x_train, t_train, x_test, t_test, epochs=20, verbose=False).train()
    return network
