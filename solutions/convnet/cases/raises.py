# expect-score: 10
# expect-status: graded
# The network is right; train_convnet hands the Trainer 10 test labels for 1,000 test digits
# and the Trainer raises a ValueError. Only the training test fails.
# %% simple_convnet
<<solution>>
# %% train_convnet
from scratchcnn.trainer import Trainer


def train_convnet(x_train, t_train, x_test, t_test):
    network = SimpleConvNet(rng=0)
    Trainer(network, x_train, t_train, x_test, t_test[:10], epochs=20, verbose=False).train()
    return network
